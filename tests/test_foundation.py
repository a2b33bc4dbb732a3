"""Package foundation: import hygiene, the error class, the `slt` command line."""

import subprocess
import sys

import pytest

import slt_theory
from empirical import cli


def test_import_slt_theory_pulls_neither_torch_nor_matplotlib():
    code = (
        "import sys, slt_theory, slt_theory.bounds, empirical.cli;"
        "bad = [m for m in ('torch', 'matplotlib') if m in sys.modules];"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"slt_theory imported {result.stdout.strip()}"


def test_error_class_is_a_value_error_and_exported():
    assert issubclass(slt_theory.InvalidParameterError, ValueError)
    assert "InvalidParameterError" in slt_theory.__all__


def test_public_api_is_exported():
    for name in ("required_samples", "required_width", "width_bound", "counting_lower_bound_samples"):
        assert name in slt_theory.__all__ and callable(getattr(slt_theory, name))


def test_slt_width_prints_width_samples_assumptions_and_lower_bound(capsys):
    assert cli.main(["width", "--eps", "0.01", "--freeze-ratio", "0.5"]) == 0
    out = capsys.readouterr().out
    width = slt_theory.required_width(0.01, 0.5)
    samples = slt_theory.required_samples(0.01, 0.01, prune_ratio=0.25, lock_ratio=0.25)
    proved = next(line for line in out.splitlines() if line.strip().startswith("proved "))
    assert proved.split()[1:3] == [f"{width:,}", f"{samples:,}"]
    assert "--formula" in out and "assumptions" in out and "counting bound" in out


def test_slt_width_bad_input_exits_2_naming_the_parameter(capsys):
    assert cli.main(["width", "--eps", "1.5"]) == 2
    assert "eps must lie in the open interval (0, 1)" in capsys.readouterr().err


def test_slt_console_script_runs_without_torch_import():
    code = (
        "import sys; from empirical import cli; rc = cli.main(['width', '--eps', '0.1']);"
        "sys.exit(rc if 'torch' not in sys.modules else 3)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module", ["slt_theory.bounds.cli_width", "empirical.cli_size",
                                    "slt_theory.montecarlo.cli_mc", "empirical.cli_train",
                                    "empirical.cli_reproduce"])
def test_subcommand_modules_follow_the_protocol(module):
    mod = __import__(module, fromlist=["configure", "run"])
    assert callable(mod.configure) and callable(mod.run)


BLOCK_TORCH = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch'", name="torch")
sys.meta_path.insert(0, Block())
from empirical import cli
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("argv,rc", [(["width", "--eps", "0.1"], 0),
                                     (["width", "--eps", "0.1", "--json", "--formula"], 0),
                                     (["size", "--eps", "0.1", "--freeze-ratio", "0.5"], 0),
                                     (["size", "--eps", "0.1", "--json"], 0),
                                     (["size", "--model", "conv6", "--freeze-ratio", "0.7"], 2),
                                     (["mc", "coverage", "--n", "8", "--eps", "0.2", "--trials",
                                       "50"], 0),
                                     (["train", "--epochs", "1"], 2)])
def test_cli_without_torch(argv, rc):
    result = subprocess.run([sys.executable, "-c", BLOCK_TORCH, *argv], capture_output=True, text=True)
    assert result.returncode == rc, result.stderr
    if rc:
        assert "needs torch" in result.stderr
