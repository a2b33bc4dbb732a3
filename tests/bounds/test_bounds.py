"""The bounds of docs/theory.md: symbolic identities, limits, monotonicity and bad input."""

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory import bounds
from slt_theory.errors import InvalidParameterError

unit = st.floats(min_value=1e-4, max_value=0.5)


# --- symbolic identities ---------------------------------------------------------------------

def test_window_samples_inverts_window_failure():
    # Theorem 1: at K = WINDOW_SAMPLES the failure bound equals delta exactly
    expr = bounds.WINDOW_FAILURE.subs(bounds.K, bounds.WINDOW_SAMPLES)
    for e, d, a_, r in [(0.01, 0.1, 1.0, 0.875), (0.2, 0.01, 0.5, 0.5), (1e-4, 1e-3, 2.0, 0.9)]:
        value = float(expr.subs({bounds.eps: e, bounds.delta: d, bounds.a: a_, bounds.rho: r}))
        assert math.isclose(value, d, rel_tol=1e-9)


def test_lemma2_contraction_factor_is_three_quarters():
    # sharper Lemma 2: E|D' \ D| >= c u / 4. Growth: c' = c (1 + Y), E Y >= u/4, 1/(1+Y) <= 1 - Y/2
    # gives E Phi' <= (2/c)(1 - u/8) - 1; decay: E u' <= u (1/2 + u/4) gives Phi (1/2 + u/4)
    u = sp.symbols("u", positive=True)
    c_ = 2 - u
    phi_ = u / c_
    growth = sp.simplify(((2 / c_) * (1 - u / 8) - 1) / phi_)
    decay = sp.Rational(1, 2) + u / 4
    assert growth == bounds.RHO_PROVED == sp.Rational(3, 4)
    assert decay.subs(u, 1) == bounds.RHO_PROVED
    grid = np.linspace(1e-3, 2 - 1e-3, 4001)
    assert np.minimum(3 / 4, 1 / 2 + grid / 4).max() <= 3 / 4 + 1e-12


def test_corollary1_constants():
    rho = bounds.RHO_PROVED
    assert sp.simplify(bounds.C_SYMBOLIC.subs(bounds.rho, rho) - 3 / sp.log(sp.Rational(4, 3))) == 0
    assert math.isclose(float(bounds.C_SYMBOLIC.subs(bounds.rho, rho)), 10.4281, rel_tol=1e-4)
    assert math.isclose(float(bounds.C_EPS_SYMBOLIC.subs(bounds.rho, rho)), 6.9521, rel_tol=1e-4)
    assert math.isclose(float(bounds.C0_SYMBOLIC.subs(bounds.rho, rho)), 7.2283, rel_tol=1e-4)
    # n >= C log(1/min) + C0 implies the window condition of Theorem 1
    for e, d in [(0.01, 0.01), (0.001, 0.1), (0.1, 1e-4)]:
        m = min(e, d)
        n_cor = float((bounds.C_SYMBOLIC * sp.log(1 / m) + bounds.C0_SYMBOLIC).subs(bounds.rho, rho))
        assert n_cor >= bounds.window_samples(e, d) - 1


def test_counting_width_is_written_without_powers_of_two():
    # the overflow-safe form of log2(1 + (2^a - 1)(2^b - 1)) is the same function
    d0, d1 = bounds.d_in, bounds.d_out
    safe = bounds.COUNTING_WIDTH_DEPTH1.args
    plain = sp.log(1 + (2**d0 - 1) * (2**d1 - 1), 2)
    for a_, b_ in [(1, 1), (2, 3), (7, 1), (10, 12)]:
        expr = bounds.COUNTING_WIDTH_DEPTH1.subs({d0: a_, d1: b_, bounds.eps: sp.Rational(1, 100)})
        numer = sp.Max(sp.log(100, 2), a_ * b_ * sp.log(100 / sp.sqrt(a_ * b_), 2))
        assert math.isclose(float(expr), float(numer / plain.subs({d0: a_, d1: b_})), rel_tol=1e-12)
    assert safe  # the expression has arguments (a Mul of Max and the state count)


def test_product_law_component_and_variance():
    # Lemma 6: density log(1/|t|)/2 integrates to 1 and is >= log(1/a)/2 on [-a, a]
    t = sp.symbols("t", positive=True)
    density = sp.log(1 / t) / 2
    assert sp.integrate(2 * density, (t, 0, 1)) == 1
    assert sp.simplify(2 * bounds.a * density.subs(t, bounds.a) - bounds.PRODUCT_COVER_WEIGHT) == 0
    assert sp.simplify(bounds.PRODUCT_UNIFORM_WEIGHT - sp.log(2) / 2) == 0
    assert sp.integrate(2 * t**2 * density, (t, 0, 1)) == bounds.PRODUCT_VARIANCE


STATES = ("pruned", "free", "locked")


def _kept_options(state):
    return {"pruned": (0,), "locked": (1,), "free": (0, 1)}[state]


def _term_options(su, sv):
    """All values of 'term present' over the masks allowed by the two freeze states."""
    return frozenset(ku * kv for ku in _kept_options(su) for kv in _kept_options(sv))


def test_product_term_classification_by_enumeration():
    # Proposition 4, checked by enumerating masks, and its probabilities as polynomials
    p, l = bounds.prune, bounds.lock
    prob = {"pruned": p, "locked": l, "free": 1 - p - l}
    free = locked = sp.Integer(0)
    for su, sv in itertools.product(STATES, STATES):
        options = _term_options(su, sv)
        expected = "out" if "pruned" in (su, sv) else "in" if (su, sv) == ("locked", "locked") else "free"
        assert options == {"out": {0}, "in": {1}, "free": {0, 1}}[expected]
        free += prob[su] * prob[sv] * int(options == {0, 1})
        locked += prob[su] * prob[sv] * int(options == {1})
    assert sp.expand(free - bounds.PRODUCT_FREE) == 0
    assert sp.expand(locked - bounds.PRODUCT_LOCKED) == 0


def test_shared_first_layer_classification_by_enumeration():
    # Section 4, coupling 1: the first-layer weight is kept unless pruned (it serves every output)
    p, l = bounds.prune, bounds.lock
    prob = {"pruned": p, "locked": l, "free": 1 - p - l}
    free = locked = sp.Integer(0)
    for su, sv in itertools.product(STATES, STATES):
        ku = 0 if su == "pruned" else 1
        options = frozenset(ku * kv for kv in _kept_options(sv))
        free += prob[su] * prob[sv] * int(options == {0, 1})
        locked += prob[su] * prob[sv] * int(options == {1})
    assert sp.expand(free - bounds.PRODUCT_FREE_SHARED) == 0
    assert sp.expand(locked - bounds.PRODUCT_LOCKED_SHARED) == 0


def test_entry_error_is_eps_for_one_layer_and_composes():
    assert float(bounds.evaluate("LAYER_RELATIVE_ERROR", epsilon=0.01, l=1)) == pytest.approx(0.01)
    eta = float(bounds.evaluate("LAYER_RELATIVE_ERROR", epsilon=0.05, l=3))
    assert (1 + eta) ** 3 - 1 == pytest.approx(0.05)


# --- limits ----------------------------------------------------------------------------------

@given(e=unit, d=unit)
@settings(max_examples=40, deadline=None)
def test_no_freezing_recovers_the_unfrozen_bound(e, d):
    # Theorem 3'' with a = 1 and nothing frozen is Theorem 1 / Corollary 1 exactly (the other
    # windows of the grid never do better without freezing: they lose samples to the extension)
    expected = math.ceil(math.log(8 / (e**2 * d)) / math.log(4 / 3) - 1e-12)
    assert bounds.required_samples(e, d) == expected
    assert bounds.required_samples(e, d, prune_ratio=0.0, lock_ratio=0.0) == expected


def test_samples_at_least_counting_bound():
    for e in (0.1, 0.01, 1e-3, 1e-5):
        assert bounds.required_samples(e, 0.5) >= bounds.counting_lower_bound_samples(e)
        assert bounds.counting_lower_bound_samples(e) == math.ceil(math.log2(1 / e) - 1e-12)


def test_width_at_least_counting_bound():
    for widths in [(1, 1), (2, 3), (4, 4)]:
        wb = bounds.width_bound(0.01, prune_ratio=0.3, widths=widths)
        assert wb.lower_bound >= 1
        assert wb.width >= wb.lower_bound


# --- monotonicity ----------------------------------------------------------------------------

RATIOS = [(0.0, 0.0), (0.2, 0.0), (0.5, 0.0), (0.0, 0.2), (0.25, 0.25), (0.3, 0.3), (0.4, 0.3)]


@pytest.mark.parametrize("prune_ratio,lock_ratio", RATIOS)
def test_samples_monotone_in_eps_and_delta(prune_ratio, lock_ratio):
    epss = [0.3, 0.1, 0.03, 0.01, 0.003, 0.001]
    ns = [bounds.required_samples(e, 0.05, prune_ratio=prune_ratio, lock_ratio=lock_ratio) for e in epss]
    assert ns == sorted(ns) and ns[0] < ns[-1]
    deltas = [0.5, 0.1, 0.01, 1e-3, 1e-5]
    ns = [bounds.required_samples(0.01, d, prune_ratio=prune_ratio, lock_ratio=lock_ratio) for d in deltas]
    assert ns == sorted(ns) and ns[0] < ns[-1]


@pytest.mark.parametrize("eps_value", [0.1, 0.01, 0.001])
def test_samples_monotone_in_each_ratio(eps_value):
    grid = [0.0, 0.1, 0.2, 0.3, 0.4]
    for lock_ratio in (0.0, 0.2):
        ns = [bounds.required_samples(eps_value, 0.05, prune_ratio=p, lock_ratio=lock_ratio) for p in grid]
        assert ns == sorted(ns) and ns[0] < ns[-1]
    for prune_ratio in (0.0, 0.3):
        ns = [bounds.required_samples(eps_value, 0.05, prune_ratio=prune_ratio, lock_ratio=l) for l in grid]
        assert ns == sorted(ns) and ns[0] < ns[-1]


def test_width_monotone():
    ws = [bounds.required_width(e, 0.4) for e in (0.1, 0.03, 0.01, 0.003)]
    assert ws == sorted(ws) and ws[0] < ws[-1]
    ws = [bounds.required_width(0.01, 0.4, delta=d) for d in (0.3, 0.1, 0.01, 1e-4)]
    assert ws == sorted(ws) and ws[0] < ws[-1]
    ws = [bounds.required_width(0.01, f) for f in (0.0, 0.2, 0.4, 0.6, 0.8)]
    assert ws == sorted(ws) and ws[0] < ws[-1]
    ws = [bounds.required_width(0.01, prune_ratio=0.2, lock_ratio=l) for l in (0.0, 0.1, 0.2, 0.4)]
    assert ws == sorted(ws) and ws[0] < ws[-1]
    # a larger target needs a wider source
    assert bounds.required_width(0.01, 0.0, widths=(2, 2)) > bounds.required_width(0.01, 0.0)


def test_width_defaults_documented():
    # delta = eps; freeze_ratio alone is split half pruned, half locked
    assert bounds.required_width(0.02, 0.5) == bounds.required_width(
        0.02, delta=0.02, prune_ratio=0.25, lock_ratio=0.25)
    assert bounds.required_width(0.02, 0.5, prune_ratio=0.1) == bounds.required_width(
        0.02, delta=0.02, prune_ratio=0.1, lock_ratio=0.4)
    wb = bounds.width_bound(0.02, 0.5)
    assert wb.parameters["depth"] == 1 and wb.parameters["widths"] == (1, 1)
    assert "Theorem 5" in wb.statement and wb.latex and wb.assumptions


def test_width_of_depth_and_layers():
    wb = bounds.width_bound(0.01, prune_ratio=0.2, depth=2, widths=(3, 4, 2))
    assert len(wb.layer_widths) == 2 and wb.width == max(wb.layer_widths)
    assert wb.layer_widths[0] == 3 * wb.samples_per_block[0]
    assert wb.layer_widths[1] == 4 * wb.samples_per_block[1]
    assert wb.lower_bound is None  # no counting bound derived for depth >= 2


# --- bad input -------------------------------------------------------------------------------

BAD_SAMPLES = [
    (dict(eps=0.0, delta=0.1), "eps"), (dict(eps=1.0, delta=0.1), "eps"),
    (dict(eps=-0.1, delta=0.1), "eps"), (dict(eps=0.1, delta=0.0), "delta"),
    (dict(eps=0.1, delta=1.0), "delta"), (dict(eps=float("nan"), delta=0.1), "eps"),
    (dict(eps=0.1, delta=float("inf")), "delta"), (dict(eps=0.1, delta=0.1, prune_ratio=-0.1), "prune_ratio"),
    (dict(eps=0.1, delta=0.1, lock_ratio=-0.2), "lock_ratio"),
    (dict(eps=0.1, delta=0.1, prune_ratio=0.6, lock_ratio=0.4), "prune_ratio + lock_ratio"),
    (dict(eps=0.1, delta=0.1, constant="guess"), "constant"), (dict(eps="0.1", delta=0.1), "eps"),
]


@pytest.mark.parametrize("kwargs,name", BAD_SAMPLES)
def test_required_samples_rejects_bad_input(kwargs, name):
    with pytest.raises(InvalidParameterError) as info:
        bounds.required_samples(**kwargs)
    assert name in str(info.value)


BAD_WIDTHS = [
    (dict(eps=0.1, freeze_ratio=0.5, prune_ratio=0.1, lock_ratio=0.1), "freeze_ratio"),
    (dict(eps=0.1, freeze_ratio=1.0), "freeze_ratio"),
    (dict(eps=0.1, freeze_ratio=-0.1), "freeze_ratio"),
    (dict(eps=0.1, widths=(1, 2.5)), "widths[1]"),
    (dict(eps=0.1, widths=(1, 0)), "widths[1]"),
    (dict(eps=0.1, depth=2, widths=(1, 1)), "widths"),
    (dict(eps=0.1, depth=0), "depth"),
    (dict(eps=0.1, depth=1.5), "depth"),
    (dict(eps=0.1, delta=2.0), "delta"),
    (dict(eps=0.1, lock_ratio=0.2, widths=(2, 1)), "lock_ratio"),
    (dict(eps=0.1, constant="calibrated", widths=(2, 1)), "calibrated"),
    (dict(eps=0.5, constant="calibrated"), "eps"),
    (dict(eps=0.1, widths="11"), "widths"),
]


@pytest.mark.parametrize("kwargs,name", BAD_WIDTHS)
def test_required_width_rejects_bad_input(kwargs, name):
    with pytest.raises(InvalidParameterError) as info:
        bounds.required_width(**kwargs)
    assert name in str(info.value)


def test_locking_outside_every_theorem_names_the_lower_bound():
    with pytest.raises(InvalidParameterError, match="the locked-kink lower bound, docs/theory.md Section 5"):
        bounds.required_width(0.01, 0.5, widths=(3, 1))
    # pruning only covers the same target, and locking covers single-input layers
    assert bounds.required_width(0.01, prune_ratio=0.5, widths=(3, 1)) > 0
    assert bounds.required_width(0.01, 0.5, depth=2, widths=(1, 1, 5)) > 0


def test_theorem_5c_covers_small_locks_on_a_finite_range():
    wb = bounds.width_bound(0.1, delta=0.1, lock_ratio=0.01, widths=(2, 2))
    assert "Theorem 5(C)" in wb.statement and "only" in wb.statement
    assert wb.width < wb.max_width < 10**6
    assert bounds.failure_bound(wb.width, 0.1, lock_ratio=0.01, widths=(2, 2), kind="width") <= 0.1
    assert bounds.failure_bound(wb.max_width, 0.1, lock_ratio=0.01, widths=(2, 2), kind="width") <= 0.1
    assert bounds.failure_bound(wb.max_width + 1, 0.1, lock_ratio=0.01, widths=(2, 2),
                                kind="width") > 0.1
    assert bounds.failure_bound(wb.width - 1, 0.1, lock_ratio=0.01, widths=(2, 2), kind="width") > 0.1
    # the pruning-only and single-input statements cover every larger width
    assert bounds.width_bound(0.1, prune_ratio=0.3, widths=(2, 2)).max_width is None
    assert bounds.width_bound(0.1, lock_ratio=0.3).max_width is None
