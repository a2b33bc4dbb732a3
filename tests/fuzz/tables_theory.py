"""The fuzz table of the bounds and construction rooms of slt_theory and of the display helpers:
every public callable with the kinds of its parameters, good base arguments and the errors it
documents (fuzz_harness.Entry). Valid calls are kept small by the candidates (tiny targets and
sources, a few seeds), not skipped."""

from __future__ import annotations

import numpy as np
from fuzz_harness import WRONG, Entry, _Opaque, arrays, choices, flags, ints, reals

from slt_theory import _display, bounds
from slt_theory.errors import InvalidParameterError
from slt_theory.bounds import calibration, certificate, cli_width, size
from slt_theory.construction import (
    FrozenSource,
    TargetNetwork,
    best_mask_error,
    construct_ticket,
    covers_every_target,
    locked_kink_bound,
    locked_kink_margin,
    locked_kink_window,
    masked_source,
    measure_error,
    no_ticket_certified,
    probe_points,
    success_probability,
    ticket_forward,
)
from slt_theory.construction.tasks import construction_task
from slt_theory.solvers import FreezeState

# --------------------------------------------------------------------------- candidates


def widths_kinds(*good):
    """Target shapes d_0..d_l: good ones and every way a shape can be wrong (too short, zero,
    negative, fractional, boolean, huge, a string, an array, too deep)."""
    return list(good) + [(1,), (), "11", b"11", (0, 1), (1, -1), (1.5, 1), (True, 1), (1, 2**70),
                         (1, 1e308), (1, float("nan")), [np.int64(1), np.int32(1)],
                         np.array([1, 1]), np.array([1.0, 1.0]), (1,) * 2000, [[1], [1]],
                         (1, "1"), (1, None), {1: 1, 2: 1}, None, 3, _Opaque(), (512, 512),
                         (10**4, 10**4)]


def freeze_kinds(good):
    return reals(good, 0.0) + [0.5, 0.9999999, 1.0, 1 - 1e-17]


def _small():
    """Targets, sources and a ticket small enough that every valid call takes milliseconds."""
    t11 = TargetNetwork.random((1, 1), seed=0)
    s11 = FrozenSource.random((1, 1), 40, prune_ratio=0.2, lock_ratio=0.1, seed=0)
    r11 = construct_ticket(t11, s11, 0.2)
    t21 = TargetNetwork.random((2, 1), seed=1)
    s21 = FrozenSource.random((2, 1), 3, lock_ratio=0.6, seed=3)  # locked kinks, 12 weights
    t22 = TargetNetwork.random((2, 2), seed=2)
    s22 = FrozenSource.random((2, 2), 8, prune_ratio=0.25, seed=2)
    r22 = construct_ticket(t22, s22, 0.3)
    nan_source = FrozenSource((np.full((4, 2), np.nan),), (np.ones((1, 4)),),
                              (np.full((4, 2), FreezeState.LOCKED, np.int8),),
                              (np.full((1, 4), FreezeState.LOCKED, np.int8),), (2,))
    return dict(t11=t11, s11=s11, r11=r11, t21=t21, s21=s21, t22=t22, s22=s22, r22=r22,
                nan_source=nan_source)


SMALL = _small()
OBJECTS = [SMALL["t11"], SMALL["s11"], SMALL["r11"], SMALL["t22"], SMALL["s22"], SMALL["r22"],
           SMALL["s21"], SMALL["nan_source"]]
TARGETS = OBJECTS + WRONG
SOURCES = OBJECTS + WRONG
RESULTS = OBJECTS + WRONG

# --------------------------------------------------------------------------- bounds

SPLIT = dict(freeze_ratio=[None] + freeze_kinds(0.5), prune_ratio=[None] + freeze_kinds(0.25),
             lock_ratio=[None] + freeze_kinds(0.25))
SPLIT_BASE = dict(freeze_ratio=None, prune_ratio=None, lock_ratio=None)
TARGET = dict(depth=ints(1, 2) + [10**6, 10**6 + 1], widths=widths_kinds((1, 1), (2, 1), (1, 2)))
TARGET_BASE = dict(depth=1, widths=(1, 1))
EPS = reals(0.1, 0.05) + [1e-200, 1 - 1e-16]
CONSTANT = choices("proved", "certified", "calibrated")

BOUNDS = [
    Entry("required_samples", bounds.required_samples,
          {"0": EPS, "1": reals(0.1, 0.01) + [1e-300], "prune_ratio": freeze_kinds(0.25),
           "lock_ratio": freeze_kinds(0.25), "constant": CONSTANT},
          {"0": 0.1, "1": 0.1, "prune_ratio": 0.0, "lock_ratio": 0.0, "constant": "proved"}),
    Entry("counting_lower_bound_samples", bounds.counting_lower_bound_samples, {"0": EPS},
          {"0": 0.1}),
    Entry("resolve_freeze_split", bounds.resolve_freeze_split, SPLIT, SPLIT_BASE),
    Entry("failure_bound", bounds.failure_bound,
          dict({"0": ints(64, 1) + [10**12, 10**12 + 1], "1": EPS,
                "kind": choices("samples", "width"), "constant": choices("proved", "certified")},
               **SPLIT, **TARGET),
          dict({"0": 64, "1": 0.1, "kind": "samples", "constant": "proved"}, **SPLIT_BASE,
               **TARGET_BASE)),
    Entry("width_bound", bounds.width_bound,
          dict({"0": EPS, "1": [None] + freeze_kinds(0.5), "delta": [None] + reals(0.1)},
               constant=CONSTANT, **{k: v for k, v in SPLIT.items() if k != "freeze_ratio"},
               **TARGET),
          dict({"0": 0.1, "1": None, "delta": None, "constant": "proved",
                "prune_ratio": None, "lock_ratio": None}, **TARGET_BASE)),
    Entry("required_width", bounds.required_width,
          dict({"0": EPS, "1": [None] + freeze_kinds(0.5), "delta": [None] + reals(0.1)},
               constant=CONSTANT, **{k: v for k, v in SPLIT.items() if k != "freeze_ratio"},
               **TARGET),
          dict({"0": 0.1, "1": None, "delta": None, "constant": "proved",
                "prune_ratio": None, "lock_ratio": None}, **TARGET_BASE)),
    Entry("ticket_size", size.ticket_size,
          dict({"0": EPS, "1": [None] + freeze_kinds(0.5), "delta": [None] + reals(0.1)},
               **{k: v for k, v in SPLIT.items() if k != "freeze_ratio"}, **TARGET),
          dict({"0": 0.1, "1": None, "delta": None, "prune_ratio": None, "lock_ratio": None},
               **TARGET_BASE)),
    Entry("calibrated_samples", calibration.calibrated_samples,
          {"0": EPS, "1": reals(0.1), "prune_ratio": freeze_kinds(0.5),
           "lock_ratio": freeze_kinds(0.25)},
          {"0": 0.1, "1": 0.1, "prune_ratio": 0.0, "lock_ratio": 0.0}),
    Entry("calibrated_width", calibration.calibrated_width,
          {"0": EPS, "1": reals(0.1), "prune_ratio": freeze_kinds(0.5),
           "lock_ratio": freeze_kinds(0.25)},
          {"0": 0.1, "1": 0.1, "prune_ratio": 0.0, "lock_ratio": 0.0}),
    Entry("calibrated_failure", calibration.calibrated_failure,
          {"0": ints(40, 0) + [10**6], "1": EPS, "prune_ratio": freeze_kinds(0.5),
           "lock_ratio": freeze_kinds(0.25), "event": choices("samples", "width")},
          {"0": 40, "1": 0.1, "prune_ratio": 0.0, "lock_ratio": 0.0, "event": "samples"}),
    Entry("window_samples", bounds.window_samples,
          {"0": EPS, "1": reals(0.1) + [1e-300], "2": reals(1.0, 0.5), "3": [None] + reals(0.75)},
          {"0": 0.1, "1": 0.1, "2": 1.0, "3": None}),
    Entry("evaluate", bounds.evaluate,
          {"0": choices("C_SYMBOLIC", "WINDOW_SAMPLES", "COUNTING_SAMPLES") + ["evaluate", "os",
                                                                            "__builtins__"],
           "rho": reals(0.75) + arrays(), "epsilon": reals(0.1) + arrays(),
           "delta": reals(0.1), "a": reals(1.0)},
          {"0": "C_SYMBOLIC", "rho": 0.75, "epsilon": 0.1, "delta": 0.1, "a": 1.0},
          # the numeric back end: its docstring says values are not checked (numpy's errors)
          errors=(InvalidParameterError, TypeError, ValueError)),
    Entry("latex_table", bounds.latex_table, {}, {}),
    Entry("window_failure_bound", certificate.window_failure_bound,
          {"0": ints(40, 0) + arrays() + [[40, 60], np.arange(5), [2**70]],
           "1": reals(0.01, 2.0)},
          {"0": 40, "1": 0.01}),
    Entry("window_samples_certified", certificate.window_samples_certified,
          {"0": reals(0.01, 2.0) + [1e-300], "1": reals(0.01) + [1e-300, 1e-301]},
          {"0": 0.01, "1": 0.01}),
    Entry("certificate_table_info", certificate.certificate_table_info, {}, {}),
    Entry("width_report", cli_width.width_report,
          dict({"0": EPS, "1": [None] + freeze_kinds(0.5), "at": [None] + ints(64),
                "certified": flags(), "delta": [None] + reals(0.1)}, **TARGET),
          dict({"0": 0.1, "1": None, "at": None, "certified": False, "delta": None},
               **TARGET_BASE), examples=6),
]

# --------------------------------------------------------------------------- construction

CONSTRUCTION = [
    Entry("TargetNetwork.random", TargetNetwork.random,
          {"0": widths_kinds((1, 1), (2, 3, 1)), "seed": ints(0, 5)}, {"0": (1, 1), "seed": 0}),
    Entry("TargetNetwork.from_weights", TargetNetwork.from_weights,
          {"0": [[[[0.5]]], [np.eye(2) * 0.5], [np.ones((2, 2))], [[[np.nan]]], [], np.eye(2),
                 "abc", [[["a"]]], [np.zeros((0, 2))], [np.eye(2), np.eye(3)], [[[1e308]]],
                 [[[0.5]], [[0.5]]], [np.array([[True]])], [[[1 + 1j]]], None, _Opaque(),
                 [[0.5]], [np.zeros((2, 2, 2))]],
           "rescale": flags()},
          {"0": [[[0.5]]], "rescale": False}),
    Entry("FrozenSource", FrozenSource,
          {"0": [SMALL["s11"].first, (), (np.ones((40, 1)), np.ones((40, 1))), "x", None,
                 (np.array([1.0]),), (np.ones((3, 1)),)],
           "1": [SMALL["s11"].second, (), (np.ones((1, 3)),), None, 3],
           "2": [SMALL["s11"].first_state, (np.full((40, 1), 7, np.int8),), None, "x"],
           "3": [SMALL["s11"].second_state, (np.zeros((1, 40), np.int8),), None],
           "4": [SMALL["s11"].block_sizes, (0,), (-1,), ("40",), (40.5,), (True,), None, ()]},
          {"0": SMALL["s11"].first, "1": SMALL["s11"].second, "2": SMALL["s11"].first_state,
           "3": SMALL["s11"].second_state, "4": SMALL["s11"].block_sizes}),
    Entry("FrozenSource.random", FrozenSource.random,
          {"0": widths_kinds((1, 1), (2, 2)), "1": ints(20, 1) + [(20,), [3], (2, 2), [], "3",
                                                              (0,), (10**9,)],
           "prune_ratio": freeze_kinds(0.25), "lock_ratio": freeze_kinds(0.25),
           "freezing": choices("iid", "exact"), "seed": ints(0, 3)},
          {"0": (1, 1), "1": 20, "prune_ratio": 0.0, "lock_ratio": 0.0, "freezing": "iid",
           "seed": 0}),
    Entry("FrozenSource.from_width", FrozenSource.from_width,
          {"0": widths_kinds((1, 1), (2, 2)), "1": ints(20, 1), "prune_ratio": freeze_kinds(0.2),
           "seed": ints(0), "freezing": choices("exact")},
          {"0": (1, 1), "1": 20, "prune_ratio": 0.0, "seed": 0, "freezing": "iid"}),
    Entry("FrozenSource.from_bound", FrozenSource.from_bound,
          {"0": widths_kinds((1, 1)), "1": reals(0.3, 0.2) + [1e-200],
           "delta": [None] + reals(0.3), "prune_ratio": freeze_kinds(0.2),
           "lock_ratio": freeze_kinds(0.2), "freezing": choices("iid", "exact"),
           "seed": ints(0)},
          {"0": (1, 1), "1": 0.3, "delta": None, "prune_ratio": 0.0, "lock_ratio": 0.0,
           "freezing": "iid", "seed": 0}),
    Entry("construct_ticket", construct_ticket,
          {"0": TARGETS, "1": SOURCES, "2": reals(0.2, 0.5) + [1e-300]},
          {"0": SMALL["t11"], "1": SMALL["s11"], "2": 0.2}),
    Entry("covers_every_target", covers_every_target,
          {"0": SOURCES, "1": reals(0.2) + [1e-300]}, {"0": SMALL["s11"], "1": 0.2}),
    Entry("masked_source", masked_source, {"0": SOURCES, "1": RESULTS},
          {"0": SMALL["s11"], "1": SMALL["r11"]}),
    Entry("measure_error", measure_error,
          {"0": TARGETS, "1": SOURCES, "2": RESULTS, "n_random": ints(50, 0),
           "seed": ints(0), "refine_rounds": ints(5, 0)},
          {"0": SMALL["t11"], "1": SMALL["s11"], "2": SMALL["r11"], "n_random": 50, "seed": 0,
           "refine_rounds": 5}),
    Entry("probe_points", probe_points,
          {"0": ints(2, 1, 7), "1": ints(50, 0), "2": ints(0)}, {"0": 2, "1": 50, "2": 0}),
    Entry("ticket_forward", ticket_forward,
          {"0": [[np.ones((2, 1)), np.ones((1, 2))], [], [np.ones((2, 1))], "ab", None,
                 [np.ones((2, 1)), np.ones((3, 3))], [[[1.0]], [[1.0]]],
                 [np.full((2, 1), np.nan), np.ones((1, 2))]],
           "1": [np.ones((3, 1)), np.zeros((0, 1)), np.ones(3), [[0.5]], "x", None,
                 np.ones((2, 5))] + arrays(),
           "chunk": ints(4096, 1)},
          {"0": [np.ones((2, 1)), np.ones((1, 2))], "1": np.ones((3, 1)), "chunk": 4096}),
    Entry("success_probability", success_probability,
          {"0": widths_kinds((1, 1)), "1": ints(30, 1), "2": reals(0.2),
           "prune_ratio": freeze_kinds(0.2), "lock_ratio": freeze_kinds(0.2),
           "seeds": [range(3), [0, 1], [], [-1], ["a"], [1.5], None, 3, "abc", range(10**12),
                     [True], np.arange(2)],
           "freezing": choices("iid", "exact"), "block_sizes": [None, (10,), 10, (0,), "x"],
           "measure": flags(), "uniform": flags(), "confidence": reals(0.95)},
          {"0": (1, 1), "1": 30, "2": 0.2, "prune_ratio": 0.0, "lock_ratio": 0.0,
           "seeds": range(3), "freezing": "iid", "block_sizes": None, "measure": False,
           "uniform": False, "confidence": 0.95}),
    Entry("best_mask_error", best_mask_error, {"0": SOURCES, "1": TARGETS},
          {"0": SMALL["s21"], "1": SMALL["t21"]}),
    Entry("locked_kink_bound", locked_kink_bound,
          {"0": ints(3, 1, 1000), "1": reals(1e-3), "2": reals(0.8, 1.0), "3": ints(1, 2)},
          {"0": 3, "1": 1e-3, "2": 0.8, "3": 1}),
    Entry("locked_kink_window", locked_kink_window,
          {"0": reals(1e-6), "1": reals(0.1), "2": reals(0.05, 1.0), "3": ints(2, 1)},
          {"0": 1e-6, "1": 0.1, "2": 0.05, "3": 2}),
    Entry("locked_kink_margin", locked_kink_margin, {"0": SOURCES}, {"0": SMALL["s21"]}),
    Entry("no_ticket_certified", no_ticket_certified,
          {"0": SOURCES, "1": reals(0.1), "kink": [None, locked_kink_margin(SMALL["s21"])]
           + WRONG},
          {"0": SMALL["s21"], "1": 0.1, "kink": None}),
    Entry("construction_task", construction_task,
          {"0": [dict(widths=[1, 1], width=20, eps=0.2, seeds=2), {}, None, "abc", [1],
                 dict(widths=[1, 1], width=20, eps=0.2, seeds="x"),
                 dict(widths=3, width=20, eps=0.2, seeds=2),
                 dict(widths=[1, 1], width=20, eps=0.2, seeds=2, unknown=1),
                 dict(widths=[1, 1], width=20, eps=0.2, seeds=10**12),
                 dict(widths=[1, 1], width=20, eps=0.2, seeds=2.5),
                 dict(widths=[1, 1], width=20, eps=float("nan"), seeds=2)]},
          {"0": dict(widths=[1, 1], width=20, eps=0.2, seeds=2)}),
]

# --------------------------------------------------------------------------- display helpers
# A private module of the command line: its module docstring documents TypeError (a value
# without a readable form), ValueError (a size that is negative or infinite, a ratio to 0) and
# OverflowError (an integer beyond a float, an indent beyond the index range).
DISPLAY_ERRORS = (TypeError, ValueError, OverflowError)
CELLS = [1, 2.5, "a", True, np.int64(3), np.float32(0.5), None, {}, [1], (1,), float("nan"),
         -1, 10**30, _Opaque()]

DISPLAY = [
    Entry(f"_display.{fn.__name__}", fn, {"0": values}, {"0": good}, errors=DISPLAY_ERRORS)
    for fn, values, good in [
        (_display.human_bits, reals(692.0, 1.0) + ints(8192), 692),
        (_display.human_bytes, reals(1024.0, 0.125) + ints(1023), 1024),
        (_display.integer, ints(25502912), 25502912),
        (_display.number, reals(0.009921) + ints(83), 0.5),
        (_display.times, reals(3.33), 3.33),
        (_display.plain, CELLS, "erk"),
        (_display.words, [["1", "2", "3"], [], ["a"], [1, 2.5], [None], "abc", None, 3,
                          [{}], (x for x in "ab")], ["a", "b"]),
        (_display.to_json, [{"a": 1}, [1, 2], (1, 2), np.int64(3), float("nan"), {1: 2},
                            {"a": _Opaque()}, None, "x", b"x", {"a": np.float32(0.5)},
                            SMALL["t11"]], {"a": 1}),
    ]
] + [
    Entry("_display.ratio", _display.ratio, {"0": reals(1388.0), "1": reals(692.0)},
          {"0": 1388.0, "1": 692.0}, errors=DISPLAY_ERRORS),
    Entry("_display.key_values", _display.key_values,
          {"0": [[("eps", 0.01)], [], [("a",)], [("a", None)], "ab", None, [(1, 2)],
                 [("a", "b" * 500)]],
           "indent": ints(2, 0) + [10**9], "width": ints(100, 1)},
          {"0": [("eps", 0.01)], "indent": 2, "width": 100}, errors=DISPLAY_ERRORS),
    Entry("_display.Table", lambda *a, **k: _display.Table(*a, **k).render(),
          {"0": [["what", "bits"], [], ["a"], None, "ab", [None, 1], [1, 2]],
           "1": [[["mask", 692]], [], [["a"]], [["a", None]], None, "ab", [[1, 2, 3]],
                 [["x" * 300, 1]]],
           "align": ["", "lr", "l", "xy", None, 3], "wrap": [{}, {0: 5}, {0: 0}, {0: -1},
                                                             {0: "a"}, None, {5: 3}],
           "title": ["", "t", None, 3], "indent": ints(0) + [10**9]},
          {"0": ["what", "bits"], "1": [["mask", 692]], "align": "", "wrap": {}, "title": "",
           "indent": 0}, errors=DISPLAY_ERRORS, covers=("slt_theory._display.Table",)),
]
