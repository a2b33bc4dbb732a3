"""The main job at its smoke scale: every stage writes its table and figure, the report links
them and reads as text (no Python reprs, no None), the summary is strict JSON, and a second run
reuses the finished runs and writes the same tables."""

import dataclasses
import json
import re

import pytest

pytest.importorskip("torch")

from empirical.cli import main  # noqa: E402
from empirical.reproduce import (  # noqa: E402
    FIGURE_MODULES, SCALES, STAGES, TARGETS, reproduce, stage_bounds, stage_construction, stage_frontier,
    stage_montecarlo, stage_width_sweep,
)
from slt_theory.bounds import latex_table  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

TABLES = {"bounds": "bounds.csv", "montecarlo": "montecarlo.csv", "construction": "construction.csv",
          "width_sweep": "rows.csv", "frontier": "frontier.csv"}

# what a Python repr left in a report would look like: None, a dict, a list, a tuple of numbers
REPR = re.compile(r"\bNone\b|\{'|\['|\(\d+, \d+\)|\bnan\b|array\(")


def assert_readable(text):
    """No repr and no None in ``text`` (reports and summaries are read by people)."""
    hit = REPR.search(text)
    assert hit is None, f"repr-like text {hit.group()!r} in: ...{text[max(0, hit.start() - 80):hit.end() + 80]}..."


def test_smoke_reproduction_end_to_end(tmp_path, capsys):
    assert main(["reproduce", "--scale", "smoke", "--out", str(tmp_path / "report"),
                 "--workers", "1"]) == 0
    shown = capsys.readouterr()
    out = tmp_path / "report"
    report = (out / "README.md").read_text()
    for n in range(1, 6):
        assert f"## {n}." in report
    for stage, table in TABLES.items():
        assert (out / stage / table).stat().st_size > 0
    for fig in FIGURE_MODULES:
        assert (out / "figures" / f"{fig}.png").stat().st_size > 1000, fig
        assert f"figures/{fig}.png" in report
    assert "Figure not drawn" not in report
    # every figure has a caption, every stage a row in the time table
    assert report.count("*Figure.*") == len(FIGURE_MODULES)
    for stage in STAGES:
        assert re.search(rf"^\| {stage} \| .* \| \d+\.\d \|$", report, re.M), stage
    assert_readable(report)
    # progress: labelled bars and stage lines on stderr; the summary on stdout
    for label in ("montecarlo: n* searches", "width_sweep: Edge-Popup runs",
                  "frontier: training runs", "stage 5/5 frontier"):
        assert label in shown.err, label
    assert "What the run found" in shown.out and str(out / "README.md") in shown.out
    assert_readable(shown.out)
    found = json.loads((out / "summary.json").read_text())
    assert [s["stage"] for s in found["stage_seconds"]] == list(STAGES)
    assert found["figures"] == {s: str(out / "figures" / f"{s}.png") for s in FIGURE_MODULES}
    assert found["bounds"]["proved_n"] >= found["bounds"]["counting_lower_bound_n"]
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
    # moving the report folder re-runs nothing: no run-store key holds a path; --json prints
    # the summary as strict JSON and nothing else
    moved = tmp_path / "moved"
    out.rename(moved)
    runs = {p: p.stat().st_mtime_ns for p in moved.glob("*/*runs/[!_]*.json")}
    assert any(p.parent.name == "mc_runs" for p in runs)  # the Monte Carlo widths are stored too
    assert main(["reproduce", "--scale", "smoke", "--out", str(moved), "--workers", "1", "--json",
                 "--no-progress", "--stages", "montecarlo", "construction", "width_sweep",
                 "frontier"]) == 0
    shown = capsys.readouterr()
    assert json.loads(shown.out)["report"] == str(moved / "README.md") and shown.err == ""
    assert {p: p.stat().st_mtime_ns for p in moved.glob("*/*runs/[!_]*.json")} == runs
    for s in ("montecarlo", "construction", "width_sweep", "frontier"):
        assert (moved / s / TABLES[s]).read_text() == before[s]


def test_latex_table_names_the_statements():
    tex = latex_table()
    assert tex.startswith("\\begin{tabular}") and "Theorem 1" in tex and "Lemma 8" in tex


@pytest.mark.parametrize("kwargs", [{"scale": "huge"}, {"stages": ("everything",)},
                                    {"stages": ()}, {"progress": "yes"}, {"workers": 0},
                                    {"scheduler": "not-an-address"}])
def test_bad_arguments(tmp_path, kwargs):
    with pytest.raises(InvalidParameterError):
        reproduce(tmp_path / "r", **kwargs)
    assert not (tmp_path / "r").exists()


def test_an_existing_file_is_not_a_report_folder(tmp_path):
    target = tmp_path / "README.md"
    target.write_text("mine\n")
    with pytest.raises(InvalidParameterError, match="out must be a folder"):
        reproduce(target, scale="smoke", stages=("bounds",))
    assert target.read_text() == "mine\n" and sorted(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("kwargs", [{"scale": ["smoke"]}, {"scale": {"smoke": 1}},
                                    {"stages": None}, {"stages": "bounds"}, {"stages": 3}])
def test_unhashable_or_non_list_arguments_are_refused(tmp_path, kwargs):
    # a list as the scale was a TypeError (unhashable), None as stages a TypeError
    with pytest.raises(InvalidParameterError):
        reproduce(tmp_path / "r", **kwargs)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("out", [None, 3, "a\0b", b"r"])
def test_a_bad_out_is_refused(tmp_path, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidParameterError, match="out"):
        reproduce(out, scale="smoke", stages=("bounds",))
    assert list(tmp_path.iterdir()) == []


STAGE_FUNCTIONS = [stage_bounds, stage_montecarlo, stage_construction, stage_width_sweep,
                   stage_frontier]


@pytest.mark.parametrize("stage", STAGE_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kwargs", [{"scale": "nope"}, {"scale": None}, {"out": None},
                                    {"out": "README.md"}, {"progress": "no"}, {"workers": 0},
                                    {"scheduler": "not-an-address"}])
def test_a_stage_refuses_before_it_makes_its_folder(tmp_path, monkeypatch, stage, kwargs):
    # a stage took only a Path and a Scale: a str out or a scale name was a TypeError
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("mine\n")
    kwargs = {"out": "st", "scale": "smoke", "workers": 1, "progress": False, **kwargs}
    with pytest.raises(InvalidParameterError):
        stage(kwargs.pop("out"), kwargs.pop("scale"), **kwargs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_a_stage_takes_a_str_folder_and_a_scale_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = stage_bounds("new/bounds", "smoke", progress=False)
    assert (tmp_path / "new" / "bounds" / "bounds.csv").is_file() and len(rows) == 4


@pytest.mark.parametrize("field, value, says", [
    ("mc_trials", -1, "mc_trials"),  # was accepted; the stage wrote its folder, then failed
    ("mc_eps", (1.0,), r"mc_eps\[0\] must lie in \(0, 1\)"),
    ("sweep_seeds", (0.5,), r"sweep_seeds\[0\]"),
    ("frontier_epochs", True, "frontier_epochs"),
    ("frontier_keep_shares", "ab", "frontier_keep_shares"),
    ("frontier_conv6_width", 20.0, "frontier_conv6_width"),
])
def test_a_scale_with_a_bad_field_is_refused_when_made(field, value, says):
    with pytest.raises(InvalidParameterError, match=says):
        dataclasses.replace(SCALES["smoke"], **{field: value})


def test_the_shipped_scales_pass_their_own_checks():
    for scale in SCALES.values():
        assert dataclasses.replace(scale) == scale
