"""The report's tables refuse reprs, and its figures keep the shared style: drawn at the text
width with nothing running past the figure's edge, legends outside the panels, from the stored
quick report's data (results/quick_report)."""

import json
import pathlib

import pytest

from empirical.report import construction, frontier, montecarlo, style, width_sweep
from empirical.report import _figio
from empirical.report.tables import markdown_table, missing, number, pairs

DATA = pathlib.Path(__file__).resolve().parents[2] / "results" / "quick_report"


def test_tables_refuse_reprs():
    assert markdown_table(["a", "b"], [["x|y", 1388]]) == "| a | b |\n|:---|---:|\n| x\\|y | 1,388 |"
    for bad in (None, {"16": 0.2}, [1, 2], (1, 2)):
        with pytest.raises(TypeError):
            markdown_table(["a"], [[bad]])
    assert missing(None, "not reached by width 64") == "not reached by width 64"
    assert missing(64, "x") == "64" and number(float("nan")) == "" and number(True) == "yes"
    assert pairs({"16": 0.2, "32": 0.6}) == "16: 0.2, 32: 0.6"


def _draw(module):
    if module is width_sweep:
        return module.draw(json.loads((DATA / "width_sweep" / "summary.json").read_text()))
    if module is frontier:
        return module.draw(_figio.read_csv(DATA / "frontier", "frontier.csv"),
                           _figio.read_csv(DATA / "frontier", "runs.csv"))
    return module.draw(_figio.read_csv(DATA / module.NAME, f"{module.NAME}.csv"))


@pytest.mark.parametrize("module", [montecarlo, construction, width_sweep, frontier],
                         ids=lambda m: m.NAME)
def test_figures_in_the_shared_style(module):
    _figio.pyplot()
    import matplotlib.pyplot as plt

    with style.context("text"):
        fig = _draw(module)
        try:
            assert fig.get_size_inches()[0] == pytest.approx(style.TEXT_WIDTH)
            assert all(v <= 0.5 / 72 for v in style.overflow(fig).values()), style.overflow(fig)
            # one figure legend, outside every panel, and no legend inside a panel
            assert len(fig.legends) == 1 and all(ax.get_legend() is None for ax in fig.axes)
            legend = fig.legends[0].get_window_extent()
            for ax in fig.axes:
                if ax.get_visible():
                    assert not legend.overlaps(ax.get_window_extent())
            texts = [t.get_text() for t in fig.legends[0].get_texts()]
            assert texts and all("None" not in t for t in texts)
        finally:
            plt.close(fig)
