"""The layout of slt_theory: rooms by concern whose imports point down, and nothing that reaches
up into `empirical` (docs: slt_theory/__init__.py and each room's docstring)."""

import ast
import importlib
import pathlib

import pytest

import slt_theory

ROOT = pathlib.Path(slt_theory.__file__).resolve().parent

#: What each room may import from slt_theory (itself included). Modules at the top level are
#: their own room. Keep in step with the "May import" line of every room's docstring.
ALLOWED = {
    "errors": set(),
    "_version": set(),
    "_validate": {"errors"},
    "_display": set(),
    "runs": {"errors", "_validate", "_version"},
    "solvers": {"errors", "_validate"},
    "bounds": {"errors", "_validate", "_display"},
    "montecarlo": {"errors", "_validate", "_version", "_display", "solvers", "runs"},
    "construction": {"errors", "_validate", "bounds", "solvers", "montecarlo"},
}
ROOMS = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield path, parts


def _imported(path, parts):
    """Absolute names of everything a module imports (relative imports resolved)."""
    package = ["slt_theory", *parts[:-1]]
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_every_room_is_a_package_with_a_docstring_naming_its_concern_and_imports():
    assert set(ROOMS) == {room for room in ALLOWED if (ROOT / room).is_dir()}
    for room in ROOMS:
        doc = importlib.import_module(f"slt_theory.{room}").__doc__ or ""
        assert " room: " in doc.split("\n")[0], f"slt_theory/{room}/__init__.py must name its concern"
        assert "May import" in doc, f"slt_theory/{room}/__init__.py must say what it may import"


def test_no_module_of_slt_theory_imports_empirical_even_by_name():
    for path, parts in _modules():
        tree = ast.parse(path.read_text())
        assert not any(name.split(".")[0] == "empirical" for name in _imported(path, parts)), path
        for node in ast.walk(tree):
            # a hidden import (importlib.import_module("empirical..."), __import__) is an upward
            # arrow that no import graph shows: slt_theory uses none
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert name not in ("import_module", "__import__"), f"{path}: {name}"


def _upward(path, parts):
    """The imports of a module that its room may not make."""
    room = parts[0]
    allowed = ALLOWED[room] | {room}
    bad = []
    for name in _imported(path, parts):
        bits = name.split(".")
        if bits[0] == "empirical" or (bits[0] == "slt_theory" and (
                len(bits) == 1 or bits[1] not in allowed)):
            bad.append(name)
    return bad


MODULES = [m for m in _modules() if m[1] != ("__init__",)]  # the public API gathers every room


@pytest.mark.parametrize("path,parts", MODULES, ids=["/".join(parts) for _, parts in MODULES])
def test_imports_point_down(path, parts):
    assert not _upward(path, parts), f"{'/'.join(parts)}.py imports {_upward(path, parts)}"


def test_the_checker_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ..construction import FrozenSource\nfrom empirical import cli\n"
                   "from .. import __version__\nfrom ..errors import InvalidParameterError\n")
    assert _upward(bad, ("bounds", "bad")) == [
        "slt_theory.construction.FrozenSource", "empirical.cli", "slt_theory.__version__"]
