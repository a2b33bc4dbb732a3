"""Resumable sweeps: a killed sweep, rerun with the same command, loses and duplicates nothing."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from empirical.cli import main
from slt_theory.errors import CorruptResultError, InvalidParameterError
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


# --------------------------------------------------------------------------- hardening

SMALL = dict(n=[4, 6], eps=[0.2], trials=60, seed=1, progress=False)


def _snapshot(folder):
    """Every file and folder under ``folder`` with the bytes of the files."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            out[os.path.relpath(os.path.join(root, d), folder)] = None
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                out[os.path.relpath(os.path.join(root, name), folder)] = f.read()
    return out


def test_an_edited_value_is_detected(tmp_path):
    out = str(tmp_path / "s.csv")
    sweep(out, **SMALL)
    lines = _lines(out)
    fields = lines[2].split(",")
    fields[KEY_COLUMNS.index("trials") + 2] = "0.5"  # the estimate column, changed by hand
    with open(out, "w") as f:
        f.write("\n".join(lines[:2] + [",".join(fields)]) + "\n")
    with pytest.raises(CorruptResultError, match="line 3.*checksum") as err:
        read_sweep(out)
    assert err.value.path == out
    before = _snapshot(tmp_path)
    with pytest.raises(CorruptResultError):
        sweep(out, **SMALL)  # and a resume refuses to build on it, writing nothing
    assert _snapshot(tmp_path) == before


def test_duplicate_rows_are_read_once(tmp_path):
    out = str(tmp_path / "s.csv")
    sweep(out, **SMALL)
    lines = _lines(out)
    with open(out, "a") as f:  # e.g. two sweeps appending the same point
        f.write(lines[1] + "\n" + lines[2] + "\n")
    rows = read_sweep(out)
    assert len(rows) == 2 and {r["n"] for r in rows} == {4, 6}
    assert sweep(out, **SMALL) == 0
    other = lines[1].split(",")
    other[KEY_COLUMNS.index("seed") + 1] = "7"  # same point, other successes, valid checksum
    other[-1] = hashlib.sha256(",".join(other[:-1]).encode()).hexdigest()[:16]
    with open(out, "a") as f:
        f.write(",".join(other) + "\n")
    with pytest.raises(CorruptResultError, match="same parameters"):
        read_sweep(out)


@pytest.mark.parametrize("change", [dict(trials=61), dict(seed=2), dict(confidence=0.9),
                                    dict(lo=-0.5), dict(hi=0.5)])
def test_another_setting_is_refused_not_mixed(tmp_path, change):
    out = str(tmp_path / "s.csv")
    sweep(out, **SMALL)
    before = _snapshot(tmp_path)
    with pytest.raises(InvalidParameterError, match=next(iter(change))):
        sweep(out, **{**SMALL, **change})
    assert _snapshot(tmp_path) == before


def test_another_version_is_refused(tmp_path, monkeypatch):
    from slt_theory.montecarlo import sweep as sweep_module

    out = str(tmp_path / "s.csv")
    sweep(out, **SMALL)
    monkeypatch.setattr(sweep_module, "__version__", "99.0")
    with pytest.raises(InvalidParameterError, match="frozen-slt 0"):
        sweep(out, **SMALL)


def test_sidecar_keeps_the_setting_the_union_of_grids_and_every_call(tmp_path):
    out = str(tmp_path / "s.csv")
    sweep(out, **SMALL)
    sweep(out, **{**SMALL, "n": [8], "eps": np.array([0.2, 0.3])})
    meta = json.load(open(out + ".meta.json"))
    assert meta["setting"] == {"trials": 60, "seed": 1, "confidence": 0.95, "lo": -1.0, "hi": 1.0}
    assert meta["grid"]["n"] == [4, 6, 8] and meta["grid"]["eps"] == [0.2, 0.3]
    assert [c["grid"]["n"] for c in meta["calls"]] == [[4, 6], [8]]
    assert [c["new_points"] for c in meta["calls"]] == [2, 2]
    assert {"git_commit", "git_dirty", "version"} <= set(meta["calls"][0])


def test_numpy_grid_values_write_plain_json(tmp_path):
    out = str(tmp_path / "s.csv")
    sweep(out, n=np.array([4, 6]), eps=np.float64(0.2), prune_ratio=[np.float32(0.25)],
          statement=np.str_("uniform"), trials=np.int64(60), seed=np.int64(1), progress=False)
    meta = json.load(open(out + ".meta.json"))
    assert meta["grid"]["n"] == [4, 6] and meta["trials"] == 60
    assert sorted(r["n"] for r in read_sweep(out)) == [4, 6]


def test_damaged_sidecar_is_set_aside_and_rebuilt(tmp_path):
    out = str(tmp_path / "s.csv")
    sweep(out, **SMALL)
    text = open(out + ".meta.json").read()
    with open(out + ".meta.json", "w") as f:
        f.write(text[: len(text) // 2])
    with pytest.warns(RuntimeWarning, match="set aside"):
        assert sweep(out, **{**SMALL, "n": [4, 6, 8]}) == 1
    assert open(out + ".meta.json.damaged").read() == text[: len(text) // 2]
    assert json.load(open(out + ".meta.json"))["setting"]["trials"] == 60


@pytest.mark.parametrize("change, match", [
    ({"--workers": "0"}, "workers"),
    ({"--workers": "100000"}, "workers"),
    ({"--scheduler": "not-an-address"}, "scheduler"),
    ({"--out": "README.md"}, "not a sweep table"),
    ({"--out": "sub"}, "folder"),
    ({"--trials": "1000000000"}, "10,000,000"),
    ({"--n": "1000000000"}, "MEMORY_BUDGET"),
    ({"--eps": "nan"}, "eps"),
    ({"--lo": "inf"}, "lo"),
    ({"--prune-ratio": "0.7", "--lock-ratio": "0.4"}, "freeze_ratio"),
])
def test_cli_refusals_write_nothing(tmp_path, monkeypatch, capsys, change, match):
    """`slt mc sweep` with a bad option exits 2 with a message and leaves the folder as it was
    (no CSV, no sidecar, no folder)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("# not a table\n")
    (tmp_path / "sub").mkdir()
    before = _snapshot(tmp_path)
    options = {"--out": "new/s.csv", "--n": "4", "--eps": "0.2", "--trials": "50", **change}
    assert main(["mc", "sweep", "--no-progress", *[x for kv in options.items() for x in kv]]) == 2
    assert match in capsys.readouterr().err
    assert _snapshot(tmp_path) == before
