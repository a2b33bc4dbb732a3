"""The fuzz table of the report package of empirical (figure modules, page, summary, tables,
style): every public callable with the kinds of its parameters, good base arguments and the
errors it documents (fuzz_harness.Entry).

The figure modules draw from small tables that a stage wrote: their rows here are a few rows of
the stored quick report (results/quick_report), and ``_run_folders`` writes them into the call's
working folder as a good run folder (``run``) and damaged ones (a missing file, a truncated CSV,
wrong columns, a NaN value, a folder where a file should be, an empty file, bytes that are not
UTF-8). Every entry closes the figures it made, so that hundreds of calls keep memory flat.
Every row's name starts with ``report_`` (select them with ``-k report_``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import pathlib

import numpy as np
from fuzz_harness import WRONG, Entry, _Opaque, choices, ints, paths, reals

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
from slt_theory.errors import InvalidParameterError

QUICK = pathlib.Path(__file__).resolve().parents[2] / "results" / "quick_report"

# --------------------------------------------------------------------------- data


def _rows(stage, name, keep):
    """The rows of a stored table of the quick report that ``keep`` selects (dicts of str)."""
    return [r for r in _figio.read_csv(QUICK / stage, name) if keep(r)]


def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# a few rows each: one target or model, two settings, so that a valid call draws in a second
CONSTRUCTION = _rows("construction", "construction.csv",
                     lambda r: r["target"] == "1x1" and r["eps"] == "0.2"
                     and r["hidden_width"] in ("4", "8"))
MONTECARLO = _rows("montecarlo", "montecarlo.csv", lambda r: r["eps"] in ("0.1", "0.03"))
FRONTIER = _rows("frontier", "frontier.csv", lambda r: r["model"] == "mlp")[:4]
RUNS = _rows("frontier", "runs.csv", lambda r: r["model"] == "mlp"
             and any(all(r[k] == f[k] for k in frontier.SETTING) for f in FRONTIER))
SUMMARY = json.loads((QUICK / "width_sweep" / "summary.json").read_text())
SUMMARY["settings"] = SUMMARY["settings"][:3]

#: file name -> its good text, per stage folder
GOOD_FILES = {"construction.csv": _csv(CONSTRUCTION), "montecarlo.csv": _csv(MONTECARLO),
              "frontier.csv": _csv(FRONTIER), "runs.csv": _csv(RUNS),
              "summary.json": json.dumps(SUMMARY)}


def _damaged(name, text):
    """Damaged versions of a good file's text, by folder name (None: a folder in its place)."""
    if not name.endswith(".csv"):
        return {
            "truncated": text[: len(text) // 2],
            "columns": text.replace('"settings"', '"renamed"'),
            "nan": text.replace('"delta": ', '"delta": NaN, "x": ', 1),
            "text": text.replace('"eps": ', '"eps": "abc", "x": ', 1),
            "empty": "", "headonly": "[]", "folder": None, "notutf8": b"\xff\xfe\x00garbage",
        }
    lines = text.splitlines(keepends=True)
    header, first = lines[0], lines[1]
    numeric = next(k for k in first.rstrip("\n").split(",") if _is_number(k))
    return {
        "truncated": "".join(lines[:2]) + lines[2][: len(lines[2]) // 2],
        "columns": header.replace(header.split(",")[0], "renamed", 1) + "".join(lines[1:]),
        "nan": header + first.replace(numeric, "nan", 1) + "".join(lines[2:]),
        "text": header + first.replace(numeric, "abc", 1) + "".join(lines[2:]),
        "empty": "",
        "headonly": header,
        "folder": None,
        "notutf8": b"\xff\xfe\x00garbage",
    }


def _is_number(cell):
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


DAMAGES = ("truncated", "columns", "nan", "text", "empty", "headonly", "folder", "notutf8")


def _run_folders():
    """The working folder of a figure module's call: a good run folder and damaged ones."""
    with open("README.md", "w") as f:
        f.write("# not a table\n")
    os.makedirs("sub", exist_ok=True)
    os.makedirs("missing", exist_ok=True)  # a folder without any table
    os.makedirs("run", exist_ok=True)
    for name, text in GOOD_FILES.items():
        with open(os.path.join("run", name), "w") as f:
            f.write(text)
        for damage, bad in _damaged(name, text).items():
            folder = os.path.join(damage, name.split(".")[0])
            os.makedirs(folder, exist_ok=True)
            # the other files of the folder stay good, so that this one is what fails
            for other, good in GOOD_FILES.items():
                with open(os.path.join(folder, other), "w") as f:
                    f.write(good)
            path = os.path.join(folder, name)
            os.remove(path)
            if bad is None:
                os.makedirs(path)
            else:
                with open(path, "wb") as f:
                    f.write(bad if isinstance(bad, bytes) else bad.encode())


def _plain_files():
    """A file and a folder in the working folder (style.save must not write inside a file)."""
    with open("README.md", "w") as f:
        f.write("# not a figure\n")
    os.makedirs("sub", exist_ok=True)


def _data_folders(*names):
    """``--data`` candidates: the good folder, every damage of the module's files, bad paths."""
    stems = [n.split(".")[0] for n in names]
    return (["run"] + [f"{d}/{s}" for d in DAMAGES for s in stems]
            + ["missing", "nowhere", "README.md", "sub", "", ".", "a\0b", "run/construction.csv"])


OUT_FOLDERS = ["figs", "sub", "sub/deeper/x", "README.md", "README.md/x", "", "a\0b", "."]


def _closing(fn):
    """``fn`` that closes the figures it made (and leaves the rcParams as they were)."""
    def call(*args, **kwargs):
        import matplotlib
        import matplotlib.pyplot as plt

        try:
            with matplotlib.rc_context():
                result = fn(*args, **kwargs)
                if isinstance(result, contextlib.AbstractContextManager):
                    with result:  # style.context: enter and leave it, as a `with` does
                        pass
                return result
        finally:
            plt.close("all")
    return call


def _main(module):
    """A figure module's command line with ``--data`` / ``--out`` as drawn (strings only)."""
    def run(**options):
        argv = []
        for option, value in options.items():
            argv += [option, value]
        module.main(argv)
    return _closing(run)


def _row_variants(rows, columns):
    """Rows with one thing wrong each: a missing column, text, NaN, inf, a negative or huge
    count, a "$" in text, a number instead of a string, a non-dict row, and no rows."""
    first = rows[0]
    numeric = next(k for k, kind in columns.items() if kind != "text")
    count = next((k for k, kind in columns.items() if kind.startswith("count")), numeric)
    text = next((k for k, kind in columns.items() if kind == "text"), numeric)

    def changed(**cells):
        return [dict(first, **cells)] + rows[1:]

    return [rows, rows[:1], [], None, "rows", _Opaque(), [None], [first, "x"], {"0": first},
            [{k: v for k, v in first.items() if k != numeric}] + rows[1:],
            changed(**{numeric: "abc"}), changed(**{numeric: "nan"}),
            changed(**{numeric: "inf"}), changed(**{numeric: ""}),
            changed(**{count: "-1"}), changed(**{count: "9" * 400}), changed(**{count: "2.5"}),
            changed(**{count: "0"}), changed(**{text: "$\\foo$"}), changed(**{text: ""}),
            changed(**{numeric: 0.5}), changed(**{numeric: None}), changed(**{text: 3}),
            [dict(r) for r in rows] * 3]


def _summaries():
    good = SUMMARY
    row = good["settings"][0]

    def with_row(**cells):
        return dict(good, settings=[dict(row, **cells)] + good["settings"][1:])

    return [good, dict(good, settings=good["settings"][:1]), {}, None, "x", [good], _Opaque(),
            dict(good, widths=[]), dict(good, widths=None), dict(good, widths=["16"]),
            dict(good, widths=[2**70]), dict(good, delta=float("nan")), dict(good, delta="0.2"),
            dict(good, seeds=True), dict(good, settings=None), dict(good, settings=[]),
            dict(good, settings=[None]), {k: v for k, v in good.items() if k != "delta"},
            with_row(eps=float("inf")), with_row(eps="0.2"), with_row(target="$\\foo$"),
            with_row(target=None), with_row(edge_popup_width=None),
            with_row(edge_popup_width=2.5), with_row(required_width=True),
            with_row(constructive_width=-(2**60)), with_row(prune_ratio=np.float64(0.0)),
            {k: v for k, v in good.items() if k != "settings"}]


# --------------------------------------------------------------------------- stage results


def _typed(cell):
    """A CSV cell as the stage returned it: int, float, bool or the string itself."""
    if cell in ("True", "False"):
        return cell == "True"
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    return cell


def _typed_rows(stage, name, keep=lambda r: True):
    return [{k: _typed(v) for k, v in r.items()} for r in _rows(stage, name, keep)]


RESULTS = {
    "bounds": _typed_rows("bounds", "bounds.csv"),
    "montecarlo": _typed_rows("montecarlo", "montecarlo.csv"),
    "construction": [{k: _typed(v) for k, v in r.items()} for r in CONSTRUCTION],
    "width_sweep": SUMMARY,
    "frontier": {"frontier": [{k: _typed(v) for k, v in r.items()} for r in FRONTIER],
                 "differences": _typed_rows("frontier", "differences.csv")[:3]},
}
TIMINGS = {"bounds": 0.5, "montecarlo": 12.0, "construction": 3.25, "width_sweep": 40.0,
           "frontier": 100.0}
NOTES = {"montecarlo": None, "construction": "the figure module failed (x)",
         "width_sweep": None, "frontier": None}
FIGURES = {"montecarlo": "report/figures/montecarlo.png", "construction": None,
           "width_sweep": "report/figures/width_sweep.png",
           "frontier": "report/figures/frontier.png"}
FOUND = summary.findings(RESULTS, TIMINGS, "report/README.md", FIGURES)


def _stage_dicts(good, bad_values):
    """Dicts from stage names: the good one, a few subsets, unknown stages and bad values."""
    out = [good, {}, {k: good[k] for k in list(good)[:1]}, None, "x", [good], _Opaque(),
           {"nope": next(iter(good.values()))}, {1: next(iter(good.values()))}]
    return out + [dict(good, **{next(iter(good)): v}) for v in bad_values]


def _result_variants():
    r = RESULTS
    mc = r["montecarlo"]
    return _stage_dicts(r, [None, 3, "rows", [], [None], [{}], [{"eps": 0.1}]]) + [
        dict(r, montecarlo=[dict(mc[0], n_estimate=0)] + mc[1:]),
        dict(r, montecarlo=[dict(mc[0], eps=None)] + mc[1:]),
        dict(r, montecarlo=[dict(mc[0], delta="0.1")] + mc[1:]),
        dict(r, construction=[dict(r["construction"][0], hidden_width=None)]),
        dict(r, construction=[]),
        dict(r, bounds=[x for x in r["bounds"] if x["eps"] != 0.01]),
        dict(r, width_sweep=dict(SUMMARY, widths=[])),
        dict(r, width_sweep=dict(SUMMARY, settings=[{}])),
        dict(r, width_sweep={}),
        dict(r, frontier={"frontier": r["frontier"]["frontier"]}),
        dict(r, frontier={"frontier": [], "differences": [None]}),
        dict(r, frontier=[]),
    ]


SECONDS = [None, -1.0, float("nan"), float("inf"), True, "3", 10**400, np.float64(2.0),
           np.int64(3), 0, [1.0]]


def _found_variants():
    f = FOUND
    return [f, json.loads(json.dumps(f)), {}, None, "x", [f], _Opaque(),
            {k: v for k, v in f.items() if k != "figures"},
            {k: v for k, v in f.items() if k != "stage_seconds"},
            dict(f, stage_seconds=None), dict(f, stage_seconds=[{"stage": "nope", "seconds": 1}]),
            dict(f, stage_seconds=[{"stage": "bounds", "seconds": "x"}]),
            dict(f, figures=None), dict(f, figures=[]), dict(f, total_seconds="x"),
            dict(f, bounds=None), dict(f, bounds={}), dict(f, montecarlo=[{}]),
            dict(f, construction=[dict(f["construction"][0], proved_width=None)]),
            dict(f, width_sweep={"settings": 3}), dict(f, frontier=None),
            dict(f, frontier=[{"model": "mlp"}]), dict(f, report=None)]


# --------------------------------------------------------------------------- style helpers


def _fresh_figure():
    """A marker: the call gets a new figure with a labelled line (a legend needs one)."""


def _fresh_axes():
    """A marker: the call gets the 2 x 2 axes of a new figure (squeeze=False)."""


def _with_figure(fn):
    """``fn`` with its first argument built fresh where it is one of the markers above."""
    def call(first, *args, **kwargs):
        if first is _fresh_figure:
            first, ax = style.subplots("column")
            ax.plot([1, 2], [1, 2], label=style.label("eps = 0.1"))
        elif first is _fresh_axes:
            first = style.subplots("text", 2, 2, squeeze=False)[1]
        return fn(first, *args, **kwargs)
    return _closing(call)


def _other_figure():
    import matplotlib.figure

    return matplotlib.figure.Figure()


FIGURES_IN = [_fresh_figure, _other_figure(), None, "fig", 3, _Opaque(), [_fresh_figure]]
AXES_IN = [_fresh_axes, np.empty((0, 0), dtype=object), np.array([[1, 2]]), None, "axes", 3,
           _Opaque(), [[1]], np.zeros(3)]
WIDTH = choices("column", "text")

# --------------------------------------------------------------------------- the table

REPORT = [
    # figure modules: draw from rows (dicts of strings) and their command lines
    Entry("report_construction.draw", _closing(construction.draw),
          {"0": _row_variants(CONSTRUCTION, construction.COLUMNS)}, {"0": CONSTRUCTION},
          seconds=60, examples=4, covers=("empirical.report.construction.draw",)),
    Entry("report_montecarlo.draw", _closing(montecarlo.draw),
          {"0": _row_variants(MONTECARLO, montecarlo.COLUMNS)}, {"0": MONTECARLO},
          seconds=60, examples=4, covers=("empirical.report.montecarlo.draw",)),
    Entry("report_frontier.draw", _closing(frontier.draw),
          {"0": _row_variants(FRONTIER, frontier.COLUMNS),
           "1": _row_variants(RUNS, frontier.RUN_COLUMNS)}, {"0": FRONTIER, "1": RUNS},
          seconds=60, examples=4, covers=("empirical.report.frontier.draw",)),
    Entry("report_width_sweep.draw", _closing(width_sweep.draw), {"0": _summaries()},
          {"0": SUMMARY}, seconds=60, examples=4, covers=("empirical.report.width_sweep.draw",)),
    Entry("report_construction.main", _main(construction),
          {"--data": _data_folders("construction.csv"), "--out": OUT_FOLDERS},
          {"--data": "run", "--out": "figs"}, errors=(InvalidParameterError, SystemExit),
          setup=_run_folders, seconds=90, examples=3,
          covers=("empirical.report.construction.main",)),
    Entry("report_montecarlo.main", _main(montecarlo),
          {"--data": _data_folders("montecarlo.csv"), "--out": OUT_FOLDERS},
          {"--data": "run", "--out": "figs"}, errors=(InvalidParameterError, SystemExit),
          setup=_run_folders, seconds=90, examples=3,
          covers=("empirical.report.montecarlo.main",)),
    Entry("report_frontier.main", _main(frontier),
          {"--data": _data_folders("frontier.csv", "runs.csv"), "--out": OUT_FOLDERS},
          {"--data": "run", "--out": "figs"}, errors=(InvalidParameterError, SystemExit),
          setup=_run_folders, seconds=90, examples=3, covers=("empirical.report.frontier.main",)),
    Entry("report_width_sweep.main", _main(width_sweep),
          {"--data": _data_folders("summary.json"), "--out": OUT_FOLDERS},
          {"--data": "run", "--out": "figs"}, errors=(InvalidParameterError, SystemExit),
          setup=_run_folders, seconds=90, examples=3,
          covers=("empirical.report.width_sweep.main",)),
    # the report page and the summary
    Entry("report_page.render", page.render,
          {"0": _result_variants(), "1": _stage_dicts(TIMINGS, SECONDS),
           "2": _stage_dicts(NOTES, [3, b"x", ["x"]]), "title": ["t", ""] + WRONG,
           "made_by": ["Made by a test.", ""] + WRONG},
          {"0": RESULTS, "1": TIMINGS, "2": NOTES, "title": "t", "made_by": "Made by a test."}),
    Entry("report_page.stage_time_table", page.stage_time_table,
          {"0": _stage_dicts(TIMINGS, SECONDS)}, {"0": TIMINGS}),
    Entry("report_summary.findings", summary.findings,
          {"0": _result_variants(), "1": _stage_dicts(TIMINGS, SECONDS),
           "2": ["report/README.md"] + paths(),
           "3": _stage_dicts(FIGURES, [3, b"x", ["x"]])},
          {"0": RESULTS, "1": TIMINGS, "2": "report/README.md", "3": FIGURES}),
    Entry("report_summary.text", summary.text, {"0": _found_variants()}, {"0": FOUND}),
    # Markdown tables: a None, dict, list or tuple in a cell is a TypeError (documented)
    Entry("report_tables.number", tables.number,
          {"0": reals(0.25, 1388) + ints(1388) + ["text", np.str_("x")],
           "digits": ints(4, 1, 17) + [18, 0]},
          {"0": 0.25, "digits": 4}, errors=(InvalidParameterError, TypeError)),
    Entry("report_tables.missing", tables.missing,
          {"0": [None, "", 64, 0.5, np.int64(3)] + WRONG, "1": ["not reached", ""] + WRONG},
          {"0": None, "1": "not reached"}, errors=(InvalidParameterError, TypeError)),
    Entry("report_tables.pairs", tables.pairs,
          {"0": [{"16": 0.2, "32": 0.6}, {}, {16: 1}, {"a": None}, {"a": [1]}] + WRONG,
           "1": [tables.number, str, repr, None, "x", 3],
           "2": [", ", "; ", "", None, 3, b","]},
          {"0": {"16": 0.2, "32": 0.6}, "1": tables.number, "2": ", "},
          errors=(InvalidParameterError, TypeError)),
    Entry("report_tables.markdown_table", tables.markdown_table,
          {"0": [["a", "b"], ("a", "b"), ["a"], [], ["a", None], [1, 2], "ab"] + WRONG,
           "1": [[["x|y", 1388]], [("x", 1.5)], [], [["x"]], [["x", 1, 2]], [["x", None]],
                 [["x", {"a": 1}]], [["x", float("nan")]], [["x\ny", np.int64(3)]], ["ab"],
                 [None]] + WRONG,
           "align": [None, "lr", "rl", "l", "lrr", "xy", ["l", "r"], 3, ""]},
          {"0": ["a", "b"], "1": [["x|y", 1388]], "align": None},
          errors=(InvalidParameterError, TypeError)),
    # the shared style
    Entry("report_style.figure_size", style.figure_size,
          {"0": WIDTH, "nrows": ints(1, 2), "aspect": [None] + reals(0.5),
           "height": [None] + reals(3.2)},
          {"0": "column", "nrows": 1, "aspect": None, "height": None}),
    Entry("report_style.rc_params", style.rc_params, {"0": WIDTH}, {"0": "column"}),
    Entry("report_style.use", _closing(style.use), {"0": WIDTH}, {"0": "column"},
          covers=("empirical.report.style.use",)),
    Entry("report_style.context", _closing(style.context), {"0": WIDTH}, {"0": "column"},
          covers=("empirical.report.style.context",)),
    Entry("report_style.subplots", _closing(style.subplots),
          {"0": WIDTH, "1": ints(1, 2), "2": ints(1, 2), "aspect": [None] + reals(0.5),
           "height": [None] + reals(3.2)},
          {"0": "column", "1": 1, "2": 1, "aspect": None, "height": None},
          covers=("empirical.report.style.subplots",)),
    Entry("report_style.label", style.label,
          {"0": ["eps = 0.1, delta", "n*", "$eps$ eps", "", "steps"] + WRONG},
          {"0": "eps = 0.1"}),
    Entry("report_style.label_bottom_panels", _with_figure(style.label_bottom_panels),
          {"0": AXES_IN, "1": ints(3, 2, 4) + [0, 1, 5], "2": ["eps", ""] + WRONG},
          {"0": _fresh_axes, "1": 3, "2": "eps"},
          covers=("empirical.report.style.label_bottom_panels",)),
    Entry("report_style.legend_outside", _with_figure(style.legend_outside),
          {"0": FIGURES_IN, "1": choices("below", "right", "above"),
           "ncols": [None] + ints(2, 1)},
          {"0": _fresh_figure, "1": "below", "ncols": None},
          covers=("empirical.report.style.legend_outside",)),
    Entry("report_style.overflow", _with_figure(style.overflow), {"0": FIGURES_IN},
          {"0": _fresh_figure}, covers=("empirical.report.style.overflow",)),
    Entry("report_style.save", _with_figure(style.save),
          {"0": FIGURES_IN, "1": paths("fig", "figs/fig", "README.md/x"),
           "formats": [("pdf",), ("png",), ["svg"], ("pdf", "jpg"), (), "pdf", None, 3,
                       (np.str_("png"),), [["pdf"]], ("PDF",)]},
          {"0": _fresh_figure, "1": "fig", "formats": ("png",)}, setup=_plain_files,
          covers=("empirical.report.style.save",)),
]
