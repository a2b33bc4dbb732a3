"""The fuzz table of the numeric back ends of the bounds and construction rooms of slt_theory
(calibration, models, plan, theorem2, draw, freeze_states, layer_terms): every public callable
with the kinds of its parameters, good base arguments and the errors it documents
(fuzz_harness.Entry). Every row is named ``backends.<function>`` (select them with
``-k backends``). Slot models, network shapes, grid laws, generators and freeze-state arrays get
candidates that mix objects built by the library with wrong ones."""

from __future__ import annotations

import numpy as np
from fuzz_harness import WRONG, Entry, _Opaque, arrays, choices, flags, ints, reals
from tables_theory import freeze_kinds, widths_kinds

from slt_theory.bounds import calibration, certificate, models, plan, theorem2
from slt_theory.bounds.theorem2 import S_GRID, SlotGroup
from slt_theory.construction import draw, freeze_states, layer_terms
from slt_theory.solvers import FreezeState

# --------------------------------------------------------------------------- candidates

#: Values of n (vectorised back ends): good vectors and scalars, then every way one is wrong.
NS = ([[1, 40], 40, np.arange(1, 5), [0, 3], np.array([64.0]), []]
      + [[-1], [2.5], [np.nan], [np.inf], [10**13], [2**70], [[1], [2]], np.zeros((2, 2)),
         np.arange(2**15), [True], ["1"], "abc", b"1", [1, None], [[1], [2, 3]]]
      + ints(40) + WRONG)

#: window_failure: None, the closed form, the certificate, and things that are not callable.
WF = [None, theorem2.closed_form_window_failure, certificate.window_failure_bound, 3, "closed",
      [theorem2.closed_form_window_failure], _Opaque()]

UNIFORM = models.uniform_model(0.2, 0.1, 0.75)
PRODUCT = models.product_model(0.1, 0.2, 0.7, 3, 2)  # two groups: home and re-assigned slots
GOOD_MGF = UNIFORM[0].log_mgf


def _group(**changes):
    values = {"per_unit": 1, "cover_prob": 0.5, "log_mgf": GOOD_MGF, "nonnegative": False}
    values.update(changes)
    return [SlotGroup(**values)]


#: Slot models: built by bounds.models, and every way a hand-made one can be wrong.
GROUPS = ([UNIFORM, PRODUCT, models.uniform_model(0.0, 0.0, 1.0), tuple(UNIFORM),
           models.product_model(0.0, 0.0, 1.0)]  # the last: no covering group (a log 1/a = 0)
          + [[], UNIFORM[0], [UNIFORM[0], 3], UNIFORM + UNIFORM,
             _group(per_unit=0), _group(per_unit="1"), _group(per_unit=2.5),
             _group(per_unit=True), _group(per_unit=2**70), _group(cover_prob=np.nan),
             _group(cover_prob=1.5), _group(cover_prob="0.5"), _group(nonnegative=1),
             _group(nonnegative="no"), _group(log_mgf=np.zeros(3)),
             _group(log_mgf=np.full(S_GRID.shape, np.nan)),
             _group(log_mgf=np.full(S_GRID.shape, -np.inf)), _group(log_mgf=list(GOOD_MGF)),
             _group(log_mgf=np.zeros(S_GRID.shape, dtype=np.int64)), _group(log_mgf=None)]
          + WRONG)

#: Network shapes of Theorem 5 (NetworkShape.of), and wrong objects.
SHAPES = [plan.NetworkShape.of(0.1, 0.0, 0.0, 1, (1, 1)),
          plan.NetworkShape.of(0.1, 0.2, 0.0, 2, (2, 2, 1)),
          plan.NetworkShape.of(0.1, 0.0, 0.05, 1, (2, 1)),  # Theorem 5(C): re-assignment
          models.uniform_model(0.0, 0.0, 1.0), (0.1, 0.0, 0.0, 1, (1, 1))] + WRONG

UNIFORM_PMF = calibration.slot_pmf("uniform", 0.5, 0.25)
#: Grid laws: from slot_pmf, and every way an array can fail to be one.
PMFS = ([UNIFORM_PMF, calibration.slot_pmf("product", 1.0, 0.0), np.array([1.0]),
         [0.25, 0.5, 0.25], calibration.slot_pmf("uniform", 0.5, 0.0, grid=0.25)]
        + [np.array([0.5, 0.5]), np.array([0.5, 0.6, -0.1]), np.full(3, np.nan), np.zeros(3),
           np.ones((3, 3)) / 9, np.array([0, 1, 0]), np.array([False, True, False]),
           np.ones(2**21 + 1) / (2**21 + 1), UNIFORM_PMF * 2]
        + arrays() + WRONG)

GRIDS = reals(1 / 128, 1.0, 0.25) + [2.0**-16, 2.0**-17, 0.3, 1.5]


def _states(rows):
    return np.array(rows, dtype=np.int8)


F, P, L = int(FreezeState.FREE), int(FreezeState.PRUNED), int(FreezeState.LOCKED)
#: Freeze-state arrays of U_i for assign_blocks (h = d_{i-1} * block_size rows).
STATES = ([_states([[F, F], [F, L], [L, F], [L, L]]), _states([[P], [L]]),
           _states([[F, P, L]] * 6), _states([[F, F], [F, L], [L, F], [L, L]]).astype(np.int64)]
          + [_states([[F, F], [F, 7], [L, F], [L, L]]), np.zeros((4, 2)), np.zeros((4, 2), bool),
             _states([F, L]), np.zeros((2, 2, 1), np.int8), [[F, F], [F, L], [L, F], [L, L]],
             _states([[F, F], [F, L], [L, F]]), np.zeros((0, 2), np.int8),
             np.zeros((0, 0), np.int8), np.zeros((4, 0), np.int8)]
          + WRONG)

GENERATORS = [np.random.default_rng(0), np.random.default_rng(1), np.random.RandomState(0), 0,
              None, "x", _Opaque()]

#: Weight shapes for draw_freeze_states.
WEIGHT_SHAPES = [(3, 2), (0, 2), [4], (1,), (2, 3, 2), (2**13, 2**13), (2**26,), (-1, 2),
                 (2.5, 1), (True, 2), (np.int64(3), 2), "ab", 3, None, (), ((1,),), (2**70, 1)]

EPS = reals(0.1, 0.05) + [1e-200, 1 - 1e-16]

# --------------------------------------------------------------------------- the rows

BACKENDS = [
    # theorem2
    Entry("backends.closed_form_window_failure", theorem2.closed_form_window_failure,
          {"0": ints(60, 0) + arrays() + [[0, 60], np.arange(5), [2**70], np.zeros((2, 2)),
                                          np.arange(2**21)],
           "1": reals(0.01, 2.0) + [1e-300]},
          {"0": [0, 60], "1": 0.01}),
    Entry("backends.cover_failure", theorem2.cover_failure,
          {"0": NS, "1": reals(0.3, 1.0) + [1.5], "2": reals(0.1, 1e-200) + [1.9, 2.0],
           "3": reals(1.0, 0.5) + [0.49, 0.75], "window_failure": WF},
          {"0": [1, 40], "1": 0.3, "2": 0.1, "3": 1.0, "window_failure": None}),
    Entry("backends.chernoff_tail", theorem2.chernoff_tail,
          {"0": NS, "1": reals(0.25, -0.5) + [0.0], "2": GROUPS},
          {"0": [1, 40], "1": 0.25, "2": UNIFORM}),
    Entry("backends.frozen_failure", theorem2.frozen_failure,
          {"0": NS, "1": GROUPS, "2": reals(0.1, 1e-200) + [1.5], "3": reals(0.75, 1.0, 0.5),
           "radius": reals(1.0, 2.0) + [0.5], "window_failure": WF},
          {"0": [1, 40], "1": UNIFORM, "2": 0.1, "3": 0.75, "radius": 1.0,
           "window_failure": None}),
    # models
    Entry("backends.log_mgf_on_grid (uniform slot)", theorem2.log_mgf_on_grid,
          {"0": choices("UNIFORM_SLOT_MGF", "PRODUCT_SLOT_MGF", "C_SYMBOLIC"),
           "a": reals(0.75, 0.5, 1.0), "p_prune": freeze_kinds(0.2),
           "p_lock": freeze_kinds(0.1)},
          {"0": "UNIFORM_SLOT_MGF", "a": 0.75, "p_prune": 0.2, "p_lock": 0.1}),
    Entry("backends.log_mgf_on_grid (product slot)", theorem2.log_mgf_on_grid,
          {"0": choices("PRODUCT_SLOT_MGF", "UNIFORM_SLOT_MGF"), "a": reals(0.7, 0.5),
           "c": reals(0.25, 0.0, 1.0), "phi": reals(0.5, 0.0, 1.0), "kappa": reals(0.3, 0.0)},
          {"0": "PRODUCT_SLOT_MGF", "a": 0.7, "c": 0.25, "phi": 0.5, "kappa": 0.3}),
    Entry("backends.uniform_model", models.uniform_model,
          {"0": freeze_kinds(0.2), "1": freeze_kinds(0.1), "2": reals(0.75, 0.5, 1.0) + [0.49]},
          {"0": 0.2, "1": 0.1, "2": 0.75}),
    Entry("backends.product_model", models.product_model,
          {"0": freeze_kinds(0.1), "1": freeze_kinds(0.2), "2": reals(0.7, 0.5, 1.0) + [0.3],
           "d_in": ints(3, 1) + [2**25, 2**25 + 1], "d_out": ints(2, 1) + [2**25]},
          {"0": 0.1, "1": 0.2, "2": 0.7, "d_in": 3, "d_out": 2}),
    Entry("backends.stuck_probability", models.stuck_probability,
          {"0": freeze_kinds(0.3), "1": ints(3, 1) + [2**25], "2": ints(2, 1) + [2**25]},
          {"0": 0.3, "1": 3, "2": 2}),
    # plan
    Entry("backends.samples_failure", plan.samples_failure,
          {"0": NS, "1": EPS, "2": freeze_kinds(0.2), "3": freeze_kinds(0.1),
           "window_failure": WF, "detail": flags()},
          {"0": [1, 40], "1": 0.1, "2": 0.0, "3": 0.0, "window_failure": None, "detail": False}),
    Entry("backends.smallest_samples", plan.smallest_samples,
          {"0": EPS, "1": reals(0.1) + [1e-300], "2": freeze_kinds(0.2), "3": freeze_kinds(0.1),
           "window_failure": WF},
          {"0": 0.1, "1": 0.1, "2": 0.0, "3": 0.0, "window_failure": None}, examples=6),
    Entry("backends.network_failure", plan.network_failure,
          {"0": NS, "1": SHAPES, "window_failure": WF},
          {"0": [1, 40], "1": SHAPES[0], "window_failure": None}),
    Entry("backends.width_plan", plan.width_plan,
          {"0": SHAPES, "1": reals(0.1) + [1e-300], "window_failure": WF},
          {"0": SHAPES[0], "1": 0.1, "window_failure": None}, examples=6),
    # calibration
    Entry("backends.slot_probabilities", calibration.slot_probabilities,
          {"0": choices("samples", "width"), "1": freeze_kinds(0.2), "2": freeze_kinds(0.1)},
          {"0": "samples", "1": 0.2, "2": 0.1}),
    Entry("backends.slot_pmf", calibration.slot_pmf,
          {"0": choices("uniform", "product"), "1": reals(0.5, 1.0), "2": reals(0.25, 0.0),
           "grid": GRIDS},
          {"0": "uniform", "1": 0.5, "2": 0.25, "grid": 1 / 128}),
    Entry("backends.sum_distribution", calibration.sum_distribution,
          {"0": ints(3, 0) + [10**6, 10**12], "1": PMFS, "2": reals(-1.0, 0.0) + [-2.0],
           "3": reals(1.5, 0.0), "grid": GRIDS},
          {"0": 3, "1": UNIFORM_PMF, "2": -1.0, "3": 1.5, "grid": 1 / 128}),
    Entry("backends.offset_sum_cdf", calibration.offset_sum_cdf,
          {"0": ints(3, 0) + [10**6], "1": PMFS,
           "2": [[0.5], 0.5, [0.0, 1.0, 2.0], np.linspace(-1, 3, 5), np.arange(3)] + arrays()
           + [np.zeros(2**15), [1e300]],
           "grid": GRIDS},
          {"0": 3, "1": UNIFORM_PMF, "2": [0.5, 1.0], "grid": 1 / 128}),
    Entry("backends.p0_table", calibration.p0_table,
          {"0": choices("uniform", "product"), "1": reals(0.01, 0.005) + [0.5, 1e-4],
           "2": ints(40, 0) + [10**5 + 1]},
          {"0": "uniform", "1": 0.01, "2": 40}),
    # construction
    Entry("backends.draw_freeze_states", freeze_states.draw_freeze_states,
          {"0": GENERATORS, "1": WEIGHT_SHAPES, "2": freeze_kinds(0.2), "3": freeze_kinds(0.1),
           "4": choices("iid", "exact")},
          {"0": GENERATORS[0], "1": (3, 2), "2": 0.2, "3": 0.1, "4": "iid"}),
    Entry("backends.draw_layers", draw.draw_layers,
          {"0": widths_kinds((1, 1), (2, 1)),
           "1": [(3,), [2], (1, 1), (), 3, "3", (0,), (10**9,), (2.5,), (True,), None,
                 (np.int64(2),), [[1]]],
           "2": freeze_kinds(0.2), "3": freeze_kinds(0.1), "4": choices("iid", "exact"),
           "5": ints(0, 3)},
          {"0": (1, 1), "1": (3,), "2": 0.0, "3": 0.0, "4": "iid", "5": 0}),
    Entry("backends.assign_blocks", layer_terms.assign_blocks,
          {"0": STATES, "1": ints(2, 1, 3)},
          {"0": STATES[0], "1": 2}),
]
