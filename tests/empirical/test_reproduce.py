"""The main job at its smoke scale: every stage writes its table and figure, the report links
them, and a second run reuses the finished runs and writes the same tables."""


import pytest

pytest.importorskip("torch")

from empirical.reproduce import STAGES, reproduce  # noqa: E402
from slt_theory.bounds import latex_table  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

TABLES = {"bounds": "bounds.csv", "montecarlo": "montecarlo.csv", "construction": "construction.csv",
          "width_sweep": "rows.csv", "digits": "summary.csv"}


def test_smoke_reproduction_end_to_end(tmp_path):
    out = reproduce(tmp_path / "report", "smoke", STAGES, workers=1)
    report = (out / "README.md").read_text()
    for n in range(1, 6):
        assert f"## {n}." in report
    for stage, table in TABLES.items():
        assert (out / stage / table).stat().st_size > 0
    for fig in ("montecarlo", "construction", "width_sweep", "digits"):
        assert (out / "figures" / f"{fig}.png").stat().st_size > 1000, fig
        assert f"figures/{fig}.png" in report
    assert "figure failed" not in report and "not found" not in report
    before = {s: (out / s / t).read_text() for s, t in TABLES.items()}
    reproduce(tmp_path / "report", "smoke", ("montecarlo", "construction", "width_sweep"), workers=1)
    for s in ("montecarlo", "construction", "width_sweep"):
        assert (out / s / TABLES[s]).read_text() == before[s]


def test_latex_table_names_the_statements():
    tex = latex_table()
    assert tex.startswith("\\begin{tabular}") and "Theorem 1" in tex and "Lemma 4" in tex


@pytest.mark.parametrize("kwargs", [dict(scale="huge"), dict(stages=("everything",))])
def test_bad_arguments(tmp_path, kwargs):
    with pytest.raises(InvalidParameterError):
        reproduce(tmp_path, **kwargs)
