"""The digits comparison runs through the executor interface: the same table serially and in two
local processes, and a rerun reuses every finished run."""

import pytest

pytest.importorskip("torch")

from empirical import digits_compare  # noqa: E402


def _argv(out, runs, workers):
    return ["--seeds", "2", "--widths", "16", "--epochs", "1", "--out", str(out),
            "--runs-dir", str(runs), "--workers", str(workers)]


def test_serial_and_parallel_digits_tables_agree(tmp_path):
    digits_compare.main(_argv(tmp_path / "a", tmp_path / "ra", 1))
    digits_compare.main(_argv(tmp_path / "b", tmp_path / "rb", 2))
    a = (tmp_path / "a" / "results.csv").read_text().splitlines()
    b = (tmp_path / "b" / "results.csv").read_text().splitlines()
    assert a == b
    assert len(a) == 1 + 2 * len(list(digits_compare.runs(16)))
    summary = (tmp_path / "a" / "summary.csv").read_text()
    assert "frozen source" in summary and "randomly pruned source" in summary
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "a" / "runs").glob("*.json")}
    digits_compare.main(_argv(tmp_path / "a", tmp_path / "ra", 1))
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "a" / "runs").glob("*.json")}
    assert before == after  # nothing retrained
