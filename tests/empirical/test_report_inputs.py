"""Regression tests for what the issue-12 fuzz of the report package found: every public entry
refuses bad input with a named error (InvalidParameterError, or CorruptResultError naming a damaged
results table) before anything is drawn or written, instead of a raw KeyError / ValueError /
TypeError from csv, json, matplotlib or a format string."""

import json
import math
import pathlib

import numpy as np
import pytest

from empirical.report import (
    _figio,
    construction,
    frontier,
    montecarlo,
    page,
    style,
    summary,
    tables,
    width_sweep,
)
from slt_theory.errors import CorruptResultError, InvalidParameterError

DATA = pathlib.Path(__file__).resolve().parents[2] / "results" / "quick_report"


@pytest.fixture(autouse=True)
def _close_figures():
    _figio.pyplot()
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _copy(stage, tmp_path, name):
    folder = tmp_path / stage
    folder.mkdir()
    text = (DATA / stage / name).read_text()
    (folder / name).write_text(text)
    return folder, text


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


# --------------------------------------------------------------------------- figure modules

@pytest.mark.parametrize("damage, error, words", [
    (lambda t: t[: len(t) // 3], CorruptResultError, "wrong number of cells"),
    (lambda t: t.replace("hidden_width", "width", 1), CorruptResultError, "lacks the column"),
    (lambda t: t.replace(",100,", ",nan,", 1), CorruptResultError, "must be an integer"),
    (lambda t: t.replace(",0.2,0.2,", ",abc,0.2,", 1), CorruptResultError, "finite real"),
    (lambda t: t.replace("1x1", "$\\foo$", 1), CorruptResultError, r"without '\$'"),
    (lambda t: t.splitlines()[0] + "\n", CorruptResultError, "non-empty list"),
])
def test_a_damaged_table_is_named_and_no_figure_is_written(tmp_path, damage, error, words):
    """Before: a truncated CSV gave a TypeError from float(None), a renamed column a KeyError, a
    text or NaN cell a ValueError from int()/float(), a '$' a mathtext ValueError at save time."""
    folder, text = _copy("construction", tmp_path, "construction.csv")
    (folder / "construction.csv").write_text(damage(text))
    out = tmp_path / "figs"
    with pytest.raises(error, match=words) as info:
        construction.main(["--data", str(folder), "--out", str(out)])
    assert "construction.csv" in str(info.value)
    assert info.value.path == str(folder / "construction.csv")
    assert not out.exists()


def test_a_missing_unreadable_or_misplaced_table_is_named(tmp_path):
    """Before: FileNotFoundError, IsADirectoryError and UnicodeDecodeError escaped."""
    folder = tmp_path / "montecarlo"
    folder.mkdir()
    argv = ["--data", str(folder), "--out", str(tmp_path / "figs")]
    with pytest.raises(InvalidParameterError, match="montecarlo.csv.*does not exist"):
        montecarlo.main(argv)
    (tmp_path / "afile").write_text("x")  # --data naming a file (NotADirectoryError before)
    with pytest.raises(InvalidParameterError, match="afile/montecarlo.csv.*does not exist"):
        montecarlo.main(["--data", str(tmp_path / "afile"), "--out", str(tmp_path / "figs")])
    (folder / "montecarlo.csv").mkdir()
    with pytest.raises(CorruptResultError, match="cannot be read"):
        montecarlo.main(argv)
    (folder / "montecarlo.csv").rmdir()
    (folder / "montecarlo.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CorruptResultError, match="cannot be read"):
        montecarlo.main(argv)
    assert not (tmp_path / "figs").exists()


def test_width_sweep_summary_must_be_strict_json_of_the_right_shape(tmp_path):
    """Before: NaN passed json.loads and a missing key was a KeyError inside draw."""
    folder, text = _copy("width_sweep", tmp_path, "summary.json")
    argv = ["--data", str(folder), "--out", str(tmp_path / "figs")]
    (folder / "summary.json").write_text(text.replace('"delta": 0.2', '"delta": NaN', 1))
    with pytest.raises(CorruptResultError, match="summary.json.*NaN is not a JSON number"):
        width_sweep.main(argv)
    summary_ = json.loads(text)
    del summary_["settings"][0]["eps"]
    (folder / "summary.json").write_text(json.dumps(summary_))
    with pytest.raises(CorruptResultError, match=r"summary\['settings'\]\[0\] lacks the key 'eps'"):
        width_sweep.main(argv)
    with pytest.raises(InvalidParameterError, match=r"summary\['widths'\] must be a non-empty"):
        width_sweep.draw(dict(json.loads(text), widths=[]))
    assert not (tmp_path / "figs").exists()


def test_out_inside_a_file_and_bad_argv_are_refused_before_drawing(tmp_path):
    """Before: --out naming a file raised FileExistsError from os.makedirs after drawing, a NUL
    byte a ValueError from open(), and a non-list argv a TypeError inside argparse."""
    folder, _ = _copy("frontier", tmp_path, "frontier.csv")
    (folder / "runs.csv").write_text((DATA / "frontier" / "runs.csv").read_text())
    afile = tmp_path / "afile"
    afile.write_text("x")
    for out in (afile, afile / "deeper"):
        with pytest.raises(InvalidParameterError, match="is a file"):
            frontier.main(["--data", str(folder), "--out", str(out)])
    with pytest.raises(InvalidParameterError, match="NUL"):
        frontier.main(["--data", str(folder) + "\0", "--out", str(tmp_path / "f")])
    with pytest.raises(InvalidParameterError, match="argv must be None or a list of strings"):
        frontier.main(3)
    with pytest.raises(SystemExit):  # argparse: a missing --out
        frontier.main(["--data", str(folder)])
    assert afile.read_text() == "x" and not (tmp_path / "f").exists()


def test_draw_checks_its_rows():
    rows = _figio.read_csv(DATA / "montecarlo", "montecarlo.csv")
    for bad, words in ((None, "non-empty list"), ([], "non-empty list"), ([3], r"rows\[0\]"),
                       ([dict(rows[0], n_estimate="-1")], r"\[0, 2\*\*53\)"),
                       ([dict(rows[0], proved="9" * 400)], r"\[0, 2\*\*53\)"),
                       ([dict(rows[0], eps=0.1)], "must be a table cell")):
        with pytest.raises(InvalidParameterError, match=words):
            montecarlo.draw(bad)
    with pytest.raises(InvalidParameterError, match=r"trials.*>= 1"):
        construction.draw([dict(_figio.read_csv(DATA / "construction", "construction.csv")[0],
                                trials="0")])


# --------------------------------------------------------------------------- style

def test_style_refuses_bad_sizes_and_kinds(tmp_path):
    """Before: width=[] was a TypeError (unhashable), height=True and nrows=np.int64 were taken
    or refused unevenly, aspect=1e308 gave an infinite figure, ncols was never checked."""
    with pytest.raises(InvalidParameterError, match="width must be one of"):
        style.figure_size([])
    with pytest.raises(InvalidParameterError, match="height must be a positive number of inches"):
        style.figure_size("column", height=True)
    assert style.figure_size("column", nrows=np.int64(2)) == style.figure_size("column", nrows=2)
    with pytest.raises(InvalidParameterError, match="at most 100 in"):
        style.figure_size("column", aspect=1e308)
    with pytest.raises(InvalidParameterError, match="ncols must be an integer <= 64"):
        style.subplots("column", 1, 2**70)
    with pytest.raises(InvalidParameterError, match="ncols must be an integer >= 1"):
        style.subplots("column", 1, 0)


def test_style_refuses_what_is_not_a_figure_or_axes_grid(tmp_path):
    """Before: AttributeError on fig.axes / fig.canvas, IndexError for a grid with a column of
    hidden panels, TypeError from tuple(None) as formats, FileExistsError saving inside a file."""
    import matplotlib.figure

    for fn in (style.overflow, style.legend_outside):
        with pytest.raises(InvalidParameterError, match="fig must be a matplotlib Figure"):
            fn(None)
    # a Figure made without pyplot is measured with the Agg canvas instead of failing
    assert set(style.overflow(matplotlib.figure.Figure())) == {"left", "bottom", "right", "top"}
    fig, axes = style.subplots("text", 2, 2, squeeze=False)
    with pytest.raises(InvalidParameterError, match="used must be an integer >= 2"):
        style.label_bottom_panels(axes, 1, "eps")
    with pytest.raises(InvalidParameterError, match="axes must be a 2-D array"):
        style.label_bottom_panels(axes[0], 2, "eps")
    with pytest.raises(InvalidParameterError, match="ncols must be an integer, got True"):
        style.legend_outside(fig, "below", ncols=True)
    afile = tmp_path / "afile"
    afile.write_text("x")
    for path, formats, words in ((tmp_path / "f", None, "formats must be"),
                                 (tmp_path / "f", "pdf", "formats must be"),
                                 (afile / "f", ("png",), "is a file"),
                                 (str(tmp_path / "f") + "\0", ("png",), "NUL")):
        with pytest.raises(InvalidParameterError, match=words):
            style.save(fig, path, formats)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# --------------------------------------------------------------------------- tables, page, summary

def test_tables_refuse_bad_arguments_by_name():
    """Before: digits=-1 a ValueError from the format string, Fraction(10**400) an
    OverflowError, headers=None / rows=None / align=3 TypeErrors, pairs(None) an AttributeError."""
    from fractions import Fraction

    with pytest.raises(InvalidParameterError, match="digits must be an integer >= 1"):
        tables.number(0.5, digits=-1)
    with pytest.raises(InvalidParameterError, match="within the float range"):
        tables.number(Fraction(10**400))
    assert tables.number(np.float32(0.25)) == "0.25" and tables.number(2**70) == f"{2**70:,}"
    with pytest.raises(InvalidParameterError, match="text must be a string"):
        tables.missing(None, None)
    for headers, rows, align, words in ((None, [], None, "headers"), (["a"], None, None, "rows"),
                                        (["a"], [["x"]], 3, "align"),
                                        (["a"], [["x", 1]], None, "2 cells for 1 columns")):
        with pytest.raises(InvalidParameterError, match=words):
            tables.markdown_table(headers, rows, align)
    for args, words in (((None,), "mapping"), (({}, 3), "fmt"), (({}, str, 3), "sep")):
        with pytest.raises(InvalidParameterError, match=words):
            tables.pairs(*args)
    with pytest.raises(TypeError):  # a repr in a cell stays the documented TypeError
        tables.markdown_table(["a"], [[None]])


def _results():
    found = json.loads((DATA / "summary.json").read_text())
    summary_ = json.loads((DATA / "width_sweep" / "summary.json").read_text())
    return found, summary_


def test_page_and_summary_name_the_stage_whose_results_are_wrong():
    """Before: an unknown stage was a KeyError, a NaN time printed "nan", a stage's rows without
    a key a KeyError and a zero Monte Carlo n* a ZeroDivisionError."""
    found, summary_ = _results()
    with pytest.raises(InvalidParameterError, match="'nope' is not a stage"):
        page.stage_time_table({"nope": 1.0})
    for seconds in (math.nan, -1.0, True, 10**400, "3"):
        with pytest.raises(InvalidParameterError, match=r"timings\['bounds'\] must be wall"):
            page.stage_time_table({"bounds": seconds})
    with pytest.raises(InvalidParameterError, match=r"results\['width_sweep'\] is not what"):
        page.render({"width_sweep": dict(summary_, widths=[])}, {}, {}, title="t", made_by="m")
    with pytest.raises(InvalidParameterError, match="title must be a string"):
        page.render({}, {}, {}, title=None, made_by="m")
    mc = [{"prune_ratio": 0.0, "lock_ratio": 0.0, "eps": 0.1, "proved": 32, "n_estimate": 0}]
    with pytest.raises(InvalidParameterError, match=r"results\['montecarlo'\].*ZeroDivision"):
        summary.findings({"montecarlo": mc}, {}, "r.md", {})
    with pytest.raises(InvalidParameterError, match="report must be a path"):
        summary.findings({}, {}, None, {})
    assert "Stage times" in summary.text(found)
    with pytest.raises(InvalidParameterError, match="found is not what findings"):
        summary.text(dict(found, stage_seconds=[{"stage": "bounds"}]))
