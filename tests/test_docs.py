"""The documentation site: its table of contents, the repair of plain-text absolute values in
docstrings, the notebooks' stored outputs, and (slow tier) a full build with warnings as errors.

CI builds the site in .ci/run; the slow test here builds it too and checks what the pages hold.
"""

import html
import importlib.util
import json
import pathlib
import pkgutil
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site = _load(DOCS / "_ext" / "frozen_slt_docs.py", "frozen_slt_docs")
execute = _load(ROOT / "notebooks" / "execute.py", "notebooks_execute")


# --- table of contents ----------------------------------------------------------------------------
def test_pages_keep_their_order_skip_missing_ones_and_append_new_ones(tmp_path):
    for name in ("index", "theory", "getting-started", "zeta", "alpha", "benchmarks"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\n")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "index.md").write_text("# API\n")
    assert site.site_pages(tmp_path) == [
        "getting-started", "theory", "benchmarks", "api/index", "alpha", "zeta"]
    # a page another branch is writing takes its place once it exists
    (tmp_path / "calibration.md").write_text("# calibration\n")
    assert site.site_pages(tmp_path)[:3] == ["getting-started", "theory", "calibration"]


def test_the_site_lists_every_page_of_docs():
    pages = site.site_pages(DOCS)
    top_level = {p.stem for p in DOCS.glob("*.md")} - site.NOT_PAGES
    assert top_level <= set(pages)
    for page in ("getting-started", "theory", "benchmarks", "ticket-format", "notebooks",
                 "style-gallery", "api/index"):
        assert page in pages
    assert site.TOCTREE_MARKER in (DOCS / "index.md").read_text()


def test_ci_builds_the_docs_with_warnings_as_errors():
    ci = (ROOT / ".ci" / "run").read_text()
    build = [line for line in ci.splitlines() if "sphinx" in line and not line.startswith("#")]
    assert build and all(" -W " in line and " docs " in line for line in build)


# --- absolute values in docstrings ----------------------------------------------------------------
def _render(lines):
    """Plain text of the reStructuredText ``lines`` as docutils reads them, and its errors."""
    from docutils.core import publish_doctree

    doctree = publish_doctree("\n".join(lines), settings_overrides={
        "report_level": 2, "halt_level": 5, "warning_stream": False})
    # messages of the parser sit in the tree, those of the transforms (an undefined substitution)
    # in transform_messages; level 2 and up are warnings and errors
    messages = [*doctree.findall(lambda n: n.tagname == "system_message"),
                *doctree.transform_messages]
    errors = [m.astext() for m in messages if m["level"] >= 2]
    errors += [f"problematic: {n.astext()}" for n in doctree.findall(
        lambda n: n.tagname == "problematic")]
    return doctree.astext(), errors


def test_absolute_values_read_as_bars_and_literals_stay_untouched():
    pytest.importorskip("docutils")
    lines = [
        "Density log(1/|t|)/2 on [-1/2, 1/2], and max(|lo - L|, |hi - L|).",
        "A ``|s| >= t`` literal and :math:`|x| \\le 1` stay as they are.",
        "",
        ".. math:: E = \\sup_z \\min_S |z - L|",
        "   + |y|",
        "",
        "Example::",
        "",
        "    |kept| literally",
        "",
        ">>> abs(-1)  # |x|",
        "1",
        "",
        "Back to prose: |W_i[o, j] - c_oj(side)|.",
    ]
    original = list(lines)
    _, errors = _render(original)
    assert any("Undefined substitution" in e for e in errors)  # the problem being repaired
    escaped = site.escape_absolute_values(list(lines))
    text, errors = _render(escaped)
    assert errors == []
    assert "log(1/|t|)/2" in text and "max(|lo - L|, |hi - L|)" in text
    assert "|W_i[o, j] - c_oj(side)|" in text
    # literal spans, math, literal blocks and doctests are unchanged
    for i in (1, 3, 4, 8, 10):
        assert escaped[i] == original[i]
    assert "|kept| literally" in text


_TEXT = st.lists(st.sampled_from(["|", "x", "t", " ", "-", "(", ")", "1", "L", "|lo - L|"]),
                 max_size=14).map("".join)


@settings(max_examples=80, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=4))
def test_escaped_prose_renders_exactly_as_written(lines):
    # plain prose of bars, letters and brackets: after escaping, docutils shows the text as
    # written, bars included, whatever the bars' arrangement. Each line starts with a word, so
    # that none reads as a list item, a line block or a title's underline.
    pytest.importorskip("docutils")
    lines = [f"Text {line}" for line in lines]
    text, errors = _render(site.escape_absolute_values(list(lines)))
    assert errors == []
    assert " ".join(text.split()) == " ".join(" ".join(lines).split())


# --- the notebooks' stored outputs ----------------------------------------------------------------
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_with_fresh_outputs(path):
    nb = json.loads(path.read_text())
    meta = nb["metadata"].get(execute.METADATA_KEY)
    hint = f"run `python notebooks/execute.py {path.relative_to(ROOT)}` to refresh its outputs"
    assert meta is not None, f"{path.name} was not executed by notebooks/execute.py: {hint}"
    assert meta["scale"] == "default", f"{path.name} stores outputs at scale {meta['scale']!r}: {hint}"
    assert meta["source_sha256"] == execute.source_hash(nb), (
        f"a code cell of {path.name} changed after its outputs were made: {hint}")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr" and "Traceback" in "".join(o["text"])]
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} shows no figure"


def test_the_freshness_hash_sees_code_edits_only():
    nb = json.loads(NOTEBOOKS[0].read_text())
    before = execute.source_hash(nb)
    markdown = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = ["# retitled"]
    for cell in nb["cells"]:
        cell.pop("outputs", None)
    assert execute.source_hash(nb) == before
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[-1]["source"] = "".join(code[-1]["source"]) + "\nprint(1)"
    assert execute.source_hash(nb) != before
    # moving a line into the next cell is a change too
    a, b = ["x = 1\n", "y = 2"], ["z = 3"]
    split = {"cells": [{"cell_type": "code", "source": a}, {"cell_type": "code", "source": b}]}
    moved = {"cells": [{"cell_type": "code", "source": a[:1]},
                       {"cell_type": "code", "source": a[1:] + ["\n"] + b}]}
    assert execute.source_hash(split) != execute.source_hash(moved)


def test_the_execution_script_refuses_bad_arguments(tmp_path):
    script = ROOT / "notebooks" / "execute.py"
    for args, message in [(["--scale", "huge"], "invalid choice: 'huge'"),
                          ([str(tmp_path / "missing.ipynb")], "must be existing .ipynb files"),
                          (["--timeout", "0"], "--timeout must be >= 1 second, got 0")]:
        out = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                             check=False)
        assert out.returncode == 2 and message in out.stderr, (args, out.stderr)


# --- the site, built --------------------------------------------------------------------------------
def _public_modules(package):
    module = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def _text(page):
    """The words of an HTML page: tags removed, so that highlighted code reads as written."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


@pytest.mark.slow
def test_the_site_builds_without_warnings_and_shows_everything(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
    pytest.importorskip("torch")
    out = tmp_path / "html"
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert build.returncode == 0, build.stderr[-4000:]
    index = (out / "index.html").read_text()
    positions = [index.find(f'href="{page}.html"') for page in
                 ("getting-started", "theory", "benchmarks", "ticket-format", "notebooks",
                  "style-gallery", "api/index")]
    assert -1 not in positions and positions == sorted(positions)
    assert "Theorem 1" in _text(out / "theory.html")
    assert "pip install torch==2.13.0" in _text(out / "getting-started.html")
    for path in NOTEBOOKS:
        page = (out / "notebooks" / f"{path.stem}.html").read_text()
        assert re.search(r'<img[^>]+src="[^"]+\.png"', page), f"{path.stem}: no stored figure shown"
    gallery = (out / "style-gallery.html").read_text()
    assert len(re.findall(r'<img[^>]+src="[^"]+\.png"', gallery)) == 3
    for module in _public_modules("slt_theory") + _public_modules("empirical"):
        assert (out / "api" / "generated" / f"{module}.html").is_file(), module


def test_the_site_extension_examples_run():
    import doctest

    result = doctest.testmod(site)
    assert result.attempted > 0 and result.failed == 0
