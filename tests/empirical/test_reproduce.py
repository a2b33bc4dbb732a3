"""The main job at its smoke scale: every stage writes its table and figure, the report links
them, and a second run reuses the finished runs and writes the same tables."""

import json

import pytest

pytest.importorskip("torch")

from empirical.reproduce import STAGES, TARGETS, reproduce  # noqa: E402
from slt_theory.bounds import latex_table  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

TABLES = {"bounds": "bounds.csv", "montecarlo": "montecarlo.csv", "construction": "construction.csv",
          "width_sweep": "rows.csv", "frontier": "frontier.csv"}


def test_smoke_reproduction_end_to_end(tmp_path):
    out = reproduce(tmp_path / "report", "smoke", STAGES, workers=1)
    report = (out / "README.md").read_text()
    for n in range(1, 6):
        assert f"## {n}." in report
    for stage, table in TABLES.items():
        assert (out / stage / table).stat().st_size > 0
    for fig in ("montecarlo", "construction", "width_sweep", "frontier"):
        assert (out / "figures" / f"{fig}.png").stat().st_size > 1000, fig
        assert f"figures/{fig}.png" in report
    assert "figure failed" not in report and "not found" not in report
    # the width sweep covers both targets, each with the construction and the bound beside it
    summary = json.loads((out / "width_sweep" / "summary.json").read_text())
    assert {s["target"] for s in summary["settings"]} == set(TARGETS)
    assert all(s["required_width"] > 0 for s in summary["settings"])
    # the frontier holds the three kinds for both models, and their paired differences
    frontier = (out / "frontier" / "frontier.csv").read_text()
    for word in ("conv6", "mlp", "dense", "pruned", "frozen"):
        assert word in frontier
    assert (out / "frontier" / "differences.csv").read_text().count("\n") == 1 + 2 * 3
    before = {s: (out / s / t).read_text() for s, t in TABLES.items()}
    # moving the report folder re-runs nothing: no run-store key holds a path
    moved = tmp_path / "moved"
    out.rename(moved)
    runs = {p: p.stat().st_mtime_ns for p in moved.glob("*/runs/[!_]*.json")}
    reproduce(moved, "smoke", ("montecarlo", "construction", "width_sweep", "frontier"), workers=1)
    assert {p: p.stat().st_mtime_ns for p in moved.glob("*/runs/[!_]*.json")} == runs
    for s in ("montecarlo", "construction", "width_sweep", "frontier"):
        assert (moved / s / TABLES[s]).read_text() == before[s]


def test_latex_table_names_the_statements():
    tex = latex_table()
    assert tex.startswith("\\begin{tabular}") and "Theorem 1" in tex and "Lemma 8" in tex


@pytest.mark.parametrize("kwargs", [dict(scale="huge"), dict(stages=("everything",))])
def test_bad_arguments(tmp_path, kwargs):
    with pytest.raises(InvalidParameterError):
        reproduce(tmp_path, **kwargs)
