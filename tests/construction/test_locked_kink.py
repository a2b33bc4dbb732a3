"""The locked-kink lower bound of docs/theory.md, Section 5: Theorem 6 (a) (every mask of a source
with a locked kink has sup error >= mu / 4), Theorem 6 (b) (the probability that an eps-ticket
exists) and
Corollary 6.1 (the window of widths that serve no target), checked against exact computations on
tiny sources and their plain twins."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory.construction import (
    FrozenSource,
    LockedKink,
    TargetNetwork,
    best_mask_error,
    locked_kink_bound,
    locked_kink_margin,
    locked_kink_window,
    no_ticket_certified,
)
from slt_theory.construction._exact import margin_exceeds, margin_squared_exact
from slt_theory.construction.best_mask import MAX_MASKED_FUNCTIONS
from slt_theory.construction.reference import (
    best_mask_error_bracket,
    locked_kink_margin_reference,
)
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import lower_confidence_bound
from slt_theory.solvers.subset_sum import FreezeState

P, F, L = FreezeState.PRUNED, FreezeState.FREE, FreezeState.LOCKED
SETTINGS = settings(max_examples=30, deadline=None)
# the twin evaluates in floats: a few ulps of slack on values of order 1
ROUND = 1e-12

weights = st.floats(-1.0, 1.0, allow_nan=False, width=32)
states = st.sampled_from([P, F, L, L])  # locked twice as often: more locked kinks to test


@st.composite
def tiny_sources(draw, max_block=2, d_out=1):
    n = draw(st.integers(1, max_block))
    h = 2 * n
    u = np.array(draw(st.lists(weights, min_size=2 * h, max_size=2 * h))).reshape(h, 2)
    v = np.array(draw(st.lists(weights, min_size=d_out * h, max_size=d_out * h))).reshape(d_out, h)
    su = np.array(draw(st.lists(states, min_size=2 * h, max_size=2 * h)), np.int8).reshape(h, 2)
    sv = np.array(draw(st.lists(states, min_size=d_out * h, max_size=d_out * h)),
                  np.int8).reshape(d_out, h)
    return FrozenSource((u,), (v,), (su,), (sv,), (n,))


targets = st.lists(weights, min_size=2, max_size=2).map(
    lambda w: TargetNetwork.from_weights([[w]], rescale=True))


# ------------------------------------------------------------------- the exact best mask

@SETTINGS
@given(tiny_sources(), targets)
def test_exact_best_mask_error_lies_in_the_grid_bracket(source, target):
    best = best_mask_error(source, target)
    lo, hi = best_mask_error_bracket(source, target, n_angles=1024)
    assert lo - ROUND <= best.error <= hi + ROUND
    # the reported mask attains it: its own grid maximum cannot exceed the exact value
    u, v = source.first[0], source.second[0]
    assert not best.first_mask[source.first_state[0] == P].any()
    assert best.first_mask[source.first_state[0] == L].all()
    assert best.second_mask[source.second_state[0] == L].all()
    theta = np.linspace(0.0, 2.0 * math.pi, 1024, endpoint=False)
    ys = np.stack([np.cos(theta), np.sin(theta)])
    g = (np.where(best.second_mask, v, 0.0) @ np.maximum(np.where(best.first_mask, u, 0.0) @ ys,
                                                         0.0))[0] - target.weights[0][0] @ ys
    assert np.abs(g).max() <= best.error + ROUND


def test_exact_best_mask_error_of_a_lone_kink():
    # relu(a . y) - w . y with w = a / 2 is |a . y| / 2: sup ||a|| / 2, squared ||a||^2 / 4
    s = FrozenSource((np.array([[0.5, -0.25], [0.3, 0.2]]),), (np.array([[1.0, 0.7]]),),
                     (np.array([[L, L], [P, P]], np.int8),), (np.array([[L, P]], np.int8),), (1,))
    best = best_mask_error(s, TargetNetwork.from_weights([[[0.25, -0.125]]]))
    assert best.error_squared == Fraction(5, 16) / 4
    assert best.functions == 1


# ------------------------------------------------------------------- Theorem 6 (a)

@SETTINGS
@given(tiny_sources(), targets)
def test_lemma8_every_mask_is_at_least_a_quarter_margin_away(source, target):
    # exact: (best sup error)^2 >= mu^2 / 16, mu from the plain rational twin
    mu2 = locked_kink_margin_reference(source)
    assert best_mask_error(source, target).error_squared >= mu2 / 16


@SETTINGS
@given(tiny_sources(max_block=4, d_out=2))
def test_margin_equals_its_exact_twin(source):
    kink = locked_kink_margin(source)
    mu2 = locked_kink_margin_reference(source)
    assert math.isclose(kink.margin ** 2, float(mu2), rel_tol=1e-12, abs_tol=1e-300)
    if kink.neuron is None:
        assert mu2 == 0  # no triple, or only zero margins (a zero weight)
    else:  # the triple found in floats has (up to float ties) the largest exact margin
        exact = margin_squared_exact(source, kink.neuron, kink.output, kink.inputs)
        assert math.isclose(float(exact), float(mu2), rel_tol=1e-12)


@pytest.mark.parametrize("d_in", [3, 4])
def test_margin_with_more_inputs_equals_its_twin(d_in):
    # d_0 > 2: every input pair's plane is searched, by the fast code and by the twin
    hits = 0
    for seed in range(30):
        s = FrozenSource.random((d_in, 2), 3, prune_ratio=0.1, lock_ratio=0.6, seed=seed)
        kink = locked_kink_margin(s)
        mu2 = locked_kink_margin_reference(s)
        assert math.isclose(kink.margin ** 2, float(mu2), rel_tol=1e-12, abs_tol=1e-300)
        hits += kink.count > 0
    assert hits >= 20


@SETTINGS
@given(tiny_sources(max_block=4, d_out=2), st.integers(-3, 3))
def test_integer_margin_comparison_equals_the_rational_one(source, ulps):
    # thresholds a few ulps around the margin itself: the two exact forms must agree
    kink = locked_kink_margin(source)
    if kink.neuron is None:
        return
    mu2 = margin_squared_exact(source, kink.neuron, kink.output, kink.inputs)
    t = math.sqrt(float(mu2))
    for _ in range(abs(ulps)):
        t = math.nextafter(t, math.inf if ulps > 0 else 0.0)
    # near the margin the float filter defers to integers; at half and twice it decides alone
    for thr in (t, t / 2, 2 * t):
        assert margin_exceeds(source, kink.neuron, kink.output, kink.inputs, thr) == \
            (mu2 > Fraction(thr) ** 2)
    assert no_ticket_certified(source, t / 4, kink=kink) == (mu2 > Fraction(t) ** 2)


def test_no_ticket_certified_is_exact_at_the_threshold():
    # mu = 0.5 exactly: certified for eps < 0.125, not at 0.125
    s = FrozenSource((np.array([[0.5, -0.5], [0.3, 0.2]]),), (np.array([[1.0, 0.7]]),),
                     (np.array([[L, L], [P, P]], np.int8),), (np.array([[L, P]], np.int8),), (1,))
    assert no_ticket_certified(s, math.nextafter(0.125, 0.0))
    assert not no_ticket_certified(s, 0.125)
    # the certificate is right: no mask comes within 0.12 of any target (here: of 0 and of a/2)
    for w in ([0.0, 0.0], [0.25, -0.25]):
        assert best_mask_error(s, TargetNetwork.from_weights([[w]])).error > 0.12


# ------------------------------------------------------------------- Theorem 6 and Corollary 6.1

def test_theorem6_bounds_the_exact_ticket_probability():
    # h = 2, prune 0.1, lock 0.8, eps = 1e-3, target 0 (the easiest one): the certified best-mask
    # error decides each draw; the 99.9% lower confidence bound must not exceed the theorem
    eps, lam, trials = 1e-3, 0.8, 300
    zero = TargetNetwork.from_weights([[[0.0, 0.0]]])
    hits = sum(best_mask_error(FrozenSource.random((2, 1), 1, prune_ratio=0.1, lock_ratio=lam,
                                                   seed=s), zero).error_squared
               <= Fraction(eps) ** 2 for s in range(trials))
    bound = locked_kink_bound(2, eps, lam)
    assert bound < 0.5
    assert lower_confidence_bound(hits, trials, 0.999) <= bound


def test_theorem6_margin_part_holds_in_monte_carlo():
    # P(a locked kink exists and its margin is <= 4 eps) <= (1 - (1 - q)^h) beta, h = 20
    eps, lam, n, trials = 1e-3, 0.5, 10, 1500
    h = 2 * n
    q = lam ** 3
    small = sum(0 < locked_kink_margin(FrozenSource.random((2, 1), n, prune_ratio=0.1,
                                                            lock_ratio=lam, seed=s)).margin
                <= 4 * eps for s in range(trials))
    bound = locked_kink_bound(h, eps, lam) - (1 - q) ** h
    assert bound < 0.8
    assert lower_confidence_bound(small, trials, 0.999) <= bound


@given(st.floats(1e-9, 1e-2), st.floats(0.01, 0.9), st.floats(0.02, 1.0), st.integers(1, 4),
       st.floats(0.0, 1.0))
@settings(max_examples=60, deadline=None)
def test_widths_inside_the_window_serve_no_target(eps, delta, lam, d_out, where):
    lo, hi = locked_kink_window(eps, delta, lam, d_out)
    first, last = math.floor(lo) + 1, math.ceil(hi) - 1
    if first > last:
        return
    h = first + int(where * (last - first))
    assert locked_kink_bound(h, eps, lam, d_out) < 1 - delta


def test_no_polylog_width_bound():
    # at a fixed lock ratio the window's upper end grows like 1 / (eps log(1/eps)), its lower
    # end stays put: a width that covers every larger width must exceed hi
    ends = [locked_kink_window(eps, 0.1, 0.05, 2) for eps in (1e-6, 1e-8, 1e-10)]
    assert ends[0][0] == ends[1][0] == ends[2][0]
    assert ends[0][1] > ends[0][0]
    assert ends[1][1] > 50 * ends[0][1] and ends[2][1] > 50 * ends[1][1]


def test_bound_properties():
    # a probability; 1 - q at h = 1 and tiny eps; decreasing in the lock ratio
    assert locked_kink_bound(1, 1e-12, 0.5) == pytest.approx(1 - 0.125, abs=1e-9)
    vals = [locked_kink_bound(200, 1e-7, lam, 2) for lam in (0.05, 0.1, 0.2, 0.4)]
    assert all(0.0 <= x <= 1.0 for x in vals) and vals == sorted(vals, reverse=True)
    assert locked_kink_bound(10**6, 0.1, 0.5) == 1.0


# ------------------------------------------------------------------- bad input

def _nan_source():
    s = FrozenSource.random((2, 1), 1, lock_ratio=0.5)
    u = s.first[0].copy()
    u[0, 0] = np.nan
    return FrozenSource((u,), s.second, s.first_state, s.second_state, s.block_sizes)


@pytest.mark.parametrize("call", [
    lambda: locked_kink_margin(_nan_source()),
    lambda: no_ticket_certified(_nan_source(), 0.1),
    lambda: best_mask_error(_nan_source(), TargetNetwork.random((2, 1))),
])
def test_non_finite_weights_raise(call):
    with pytest.raises(InvalidParameterError, match="finite"):
        call()


@pytest.mark.parametrize("call", [
    lambda: best_mask_error(FrozenSource.random((2, 2), 1), TargetNetwork.random((2, 2))),
    lambda: best_mask_error(FrozenSource.random((2, 1), 8), TargetNetwork.random((2, 1))),
    lambda: best_mask_error(FrozenSource.random((2, 1), 1), np.zeros((1, 2))),
    lambda: locked_kink_margin(FrozenSource.random((1, 2), 3, lock_ratio=0.5)),
    lambda: locked_kink_margin(FrozenSource.random((2, 2, 1), 3, lock_ratio=0.5)),
    lambda: locked_kink_margin("source"),
    lambda: no_ticket_certified(FrozenSource.random((2, 1), 3), 0.0),
    lambda: no_ticket_certified(FrozenSource.random((2, 1), 3), 0.1, kink=0.5),
    lambda: no_ticket_certified(FrozenSource.random((2, 1), 3), 0.1,
                                kink=LockedKink(0.5, 99, 0, (0, 1), 1)),
    lambda: locked_kink_bound(0, 0.1, 0.1),
    lambda: locked_kink_bound(5, -0.1, 0.1),
    lambda: locked_kink_bound(5, 0.1, 0.0),
    lambda: locked_kink_bound(5, 0.1, 1.5),
    lambda: locked_kink_bound(5, 0.1, 0.1, d_out=0),
    lambda: locked_kink_window(0.1, 1.0, 0.1),
    lambda: locked_kink_window(float("nan"), 0.1, 0.1),
])
def test_bad_input_raises(call):
    with pytest.raises(InvalidParameterError):
        call()


def test_enumeration_limit_is_named():
    with pytest.raises(InvalidParameterError, match=str(MAX_MASKED_FUNCTIONS)):
        best_mask_error(FrozenSource.random((2, 1), 8), TargetNetwork.random((2, 1)))
