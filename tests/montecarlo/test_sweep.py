"""Resumable sweeps: a killed sweep, rerun with the same command, loses and duplicates nothing."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from empirical.cli import main
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo.sweep import COLUMNS, KEY_COLUMNS, read_sweep, sweep

GRID = dict(n=[6, 12], eps=[0.1, 0.03], prune_ratio=[0.0, 0.25], lock_ratio=[0.0, 0.25],
            trials=300, seed=7, progress=False)


def _lines(path):
    with open(path) as f:
        return f.read().splitlines()


def test_sweep_writes_every_point_once_with_metadata(tmp_path):
    out = str(tmp_path / "s.csv")
    assert sweep(out, **GRID) == 16
    assert sweep(out, **GRID) == 0  # complete: nothing recomputed, nothing appended
    rows = read_sweep(out)
    assert len(rows) == 16 and _lines(out)[0] == ",".join(COLUMNS)
    assert len({tuple(r[k] for k in KEY_COLUMNS) for r in rows}) == 16
    meta = json.load(open(out + ".meta.json"))
    assert meta["seed"] == 7 and meta["version"] and "git_commit" in meta and meta["resumed"] == 1
    # a grown grid only computes the new points
    assert sweep(out, **{**GRID, "n": [6, 12, 18]}) == 8


def test_resume_after_partial_line(tmp_path):
    full = str(tmp_path / "full.csv")
    part = str(tmp_path / "part.csv")
    sweep(full, **GRID)
    lines = _lines(full)
    with open(part, "w") as f:  # 5 complete rows, then a row cut short by a kill
        f.write("\n".join(lines[:6]) + "\n" + lines[6][:17])
    assert sweep(part, **GRID) == 11
    assert sorted(_lines(part)[1:]) == sorted(lines[1:])
    assert _lines(part)[0] == lines[0]


def test_resume_after_killed_subprocess(tmp_path):
    full = str(tmp_path / "full.csv")
    out = str(tmp_path / "killed.csv")
    cmd = [sys.executable, "-m", "empirical.cli", "mc", "sweep", "--out", out, "--n", "8", "16",
           "24", "--eps", "0.05", "0.02", "--prune-ratio", "0", "0.3", "--trials", "6000",
           "--seed", "3", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if os.path.exists(out) and len(_lines(out)) >= 3:
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert 3 <= len(_lines(out)) < 13, "the kill should land mid-sweep"
    with open(out, "a") as f:  # and the worst case: a half-written line
        f.write("24,0.05,0.3")
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    sweep(full, n=[8, 16, 24], eps=[0.05, 0.02], prune_ratio=[0.0, 0.3], trials=6000, seed=3,
          progress=False)
    assert sorted(_lines(out)[1:]) == sorted(_lines(full)[1:])
    assert len(_lines(out)) == 13


def test_cli_commands(tmp_path, capsys):
    assert main(["mc", "coverage", "--n", "10", "--eps", "0.1", "--trials", "200", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n"] == 10 and res["interval"] == "clopper-pearson"
    assert main(["mc", "required", "--eps", "0.1", "--delta", "0.1", "--trials", "200"]) == 0
    assert "n* =" in capsys.readouterr().out
    assert main(["mc", "coverage", "--n", "10", "--eps", "0.1", "--prune-ratio", "0.7",
                 "--lock-ratio", "0.4"]) == 2
    assert "freeze_ratio" in capsys.readouterr().err


def test_bad_grids(tmp_path):
    out = str(tmp_path / "bad.csv")
    with pytest.raises(InvalidParameterError):
        sweep(out, n=[5], eps=[0.1], prune_ratio=[0.6], lock_ratio=[0.5], progress=False)
    with pytest.raises(InvalidParameterError):
        sweep(out, n=[], eps=[0.1], progress=False)
    with open(out, "w") as f:
        f.write("a,b\n1,2\n")
    with pytest.raises(InvalidParameterError, match="header"):
        sweep(out, n=[5], eps=[0.1], progress=False)


def test_engine_imports_neither_torch_nor_matplotlib():
    code = ("import sys, slt_theory.solvers.subset_sum, slt_theory.montecarlo, slt_theory.montecarlo.sweep, "
            "slt_theory.bounds.calibration, slt_theory.montecarlo.cli_mc;"
            "bad = [m for m in ('torch', 'matplotlib') if m in sys.modules];"
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_mc_follows_the_subcommand_protocol():
    from slt_theory.montecarlo import cli_mc

    assert callable(cli_mc.configure) and callable(cli_mc.run)
