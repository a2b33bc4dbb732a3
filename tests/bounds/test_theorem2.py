"""Theorem 2'' as numbers (slt_theory.bounds.theorem2): every fast path against a plain twin.

- the cover term (Lemma 8's closed form, and the generic path for a pluggable window bound)
  against the sum over m with exact binomial coefficients;
- the moment generating functions against numerical integration of their definitions, and their
  double-precision values against a 50-digit evaluation of the same sympy expressions (the
  rounding slack LOG_MGF_MARGIN must cover the difference);
- the Chernoff tail against a Monte Carlo estimate of the probability it bounds.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import integrate

from slt_theory import bounds
from slt_theory.bounds import models, theorem2
from slt_theory.errors import InvalidParameterError, ResourceLimitError
from slt_theory.montecarlo import lower_confidence_bound

# --- the cover term ------------------------------------------------------------------------


@given(n=st.integers(0, 160), q=st.floats(1e-3, 1.0), eps_over_a=st.floats(1e-4, 1.9),
       a=st.floats(0.5, 1.0))
@settings(max_examples=80, deadline=None)
def test_cover_closed_form_matches_the_plain_sum(n, q, eps_over_a, a):
    eps = eps_over_a * a
    plain = theorem2.cover_failure_reference(n, q, eps, a)
    closed = theorem2.cover_failure([n], q, eps, a)[0]
    generic = theorem2.cover_failure([n], q, eps, a, theorem2.closed_form_window_failure)[0]
    assert closed == pytest.approx(plain, rel=1e-9, abs=1e-15)
    assert generic == pytest.approx(plain, rel=1e-9, abs=1e-15)


def test_cover_term_survives_tiny_eps_and_huge_n():
    # 8 a^2 / eps^2 overflows a double here; the bound must stay a number in [0, 1], agree with
    # the generic path, and reach Theorem 1's sample count
    ns = np.array([2000, 3217, 3300, 4000, 10**6, 10**11])
    closed = theorem2.cover_failure(ns, 1.0, 1e-200, 1.0)
    generic = theorem2.cover_failure(ns[:4], 1.0, 1e-200, 1.0, theorem2.closed_form_window_failure)
    assert np.all(np.isfinite(closed)) and np.all((closed >= 0) & (closed <= 1))
    assert closed[:4] == pytest.approx(generic, rel=1e-9, abs=1e-300)
    assert closed[0] == 1.0 and closed[-1] == 0.0
    half = theorem2.cover_failure(ns, 0.5, 1e-200, 1.0)
    assert np.all(np.isfinite(half)) and np.all(np.diff(half) <= 0)


def test_underflowing_tail_is_bounded_from_above():
    # P(Bin(n, q) >= k) below 1e-250: the geometric bound is >= the exact log tail from mpmath
    k, n, q = 3200, 3300, 0.43
    exact = mpmath.log(sum(mpmath.binomial(n, m) * mpmath.mpf(q) ** m * (1 - mpmath.mpf(q)) ** (n - m)
                           for m in range(k, n + 1)))
    ours = theorem2._log_upper_tail(k, np.array([float(n)]), q)[0]
    assert ours >= float(exact) and ours <= float(exact) + 0.1


# --- moment generating functions ---------------------------------------------------------------

def _mp_modules():
    return [{"Ein": lambda x: mpmath.euler + mpmath.log(x) + mpmath.e1(x), "Shi": mpmath.shi,
             "expm1": mpmath.expm1, "log1p": mpmath.log1p}, "mpmath"]


def _mp_log_mgf(name, values):
    expr = getattr(bounds, name)
    symbols = sorted(expr.free_symbols, key=lambda x: x.name)
    fn = sp.lambdify(symbols, expr, modules=_mp_modules())
    with mpmath.workdps(50):
        out = []
        for s_value in theorem2.S_GRID[::13]:
            args = [mpmath.mpf(s_value) if x.name == "s" else mpmath.mpf(values[x.name]) for x in symbols]
            value = fn(*args)
            out.append(float(mpmath.log(value)) if value > 0 else math.inf)
    return np.array(out)


ratios = st.tuples(st.floats(0.0, 0.6), st.floats(0.0, 0.6)).filter(lambda t: t[0] + t[1] < 0.98)


@given(ratios, st.sampled_from(models.A_UNIFORM))
@settings(max_examples=12, deadline=None)
def test_uniform_mgf_rounding_is_inside_the_margin(ratio, a_value):
    p, l = ratio
    values = {"a": a_value, "p_prune": p, "p_lock": l}
    fast = theorem2.log_mgf_on_grid("UNIFORM_SLOT_MGF", **values)[::13]
    slow = _mp_log_mgf("UNIFORM_SLOT_MGF", values)
    # only s with log M(s) <= 1 can matter: above it every factor exp(s t) M(s)^n exceeds 1
    near = np.isfinite(slow) & (slow <= 1.0)
    assert near.sum() >= 10
    assert np.all(np.abs(fast[near] - slow[near]) <= theorem2.LOG_MGF_MARGIN / 2)


@given(st.floats(0.0, 0.5), st.floats(0.0, 0.5), st.floats(0.0, 0.4), st.sampled_from(models.A_PRODUCT))
@settings(max_examples=12, deadline=None)
def test_product_mgf_rounding_is_inside_the_margin(phi, kappa, c, a_value):
    values = {"a": a_value, "c": c, "phi": phi, "kappa": kappa}
    fast = theorem2.log_mgf_on_grid("PRODUCT_SLOT_MGF", **values)[::13]
    slow = _mp_log_mgf("PRODUCT_SLOT_MGF", values)
    # only s with log M(s) <= 1 can matter: above it every factor exp(s t) M(s)^n exceeds 1
    near = np.isfinite(slow) & (slow <= 1.0)
    assert near.sum() >= 10
    assert np.all(np.abs(fast[near] - slow[near]) <= theorem2.LOG_MGF_MARGIN / 2)


@pytest.mark.parametrize("s_value", [1e-3, 0.3, 2.0, 11.0])
@pytest.mark.parametrize("p,l,a_value", [(0.0, 0.0, 1.0), (0.2, 0.3, 0.6), (0.5, 0.1, 0.75)])
def test_uniform_mgf_is_its_definition(s_value, p, l, a_value):
    # Theorem 3'': one slot's E exp(-s H^+), by quadrature over the value v ~ U[-1, 1]
    f = 1 - p - l
    free = integrate.quad(lambda v: 0.5 * (1.0 if abs(v) <= a_value else np.exp(-s_value * max(v, 0.0))),
                          -1, 1, points=[-a_value, 0.0, a_value])[0]
    locked = integrate.quad(lambda v: 0.5 * np.exp(-s_value * v), -1, 1)[0]
    expected = p + f * free + l * locked
    got = float(bounds.evaluate("UNIFORM_SLOT_MGF", s=s_value, a=a_value, p_prune=p, p_lock=l))
    assert got == pytest.approx(expected, rel=1e-9)


def _product_density(t):
    return 0.5 * np.log(1.0 / abs(t))


@pytest.mark.parametrize("s_value", [1e-3, 0.3, 2.0, 11.0])
@pytest.mark.parametrize("a_value", [0.5, 0.7, 0.95])
def test_product_mgfs_are_their_definitions(s_value, a_value):
    c = float(bounds.evaluate("PRODUCT_COVER_WEIGHT", a=a_value))
    # Lemma 6's coupling: the residual density is non-negative
    assert _product_density(a_value) * 2 * a_value >= c * (1 - 1e-12)
    pos = integrate.quad(lambda t: _product_density(t) * np.exp(-s_value * max(t, 0.0)), -1, 1,
                         points=[0.0])[0]
    unif_pos = 0.5 + (1 - np.exp(-s_value * a_value)) / (2 * s_value * a_value)
    expected_free = c + pos - c * unif_pos
    got_free = float(bounds.evaluate("PRODUCT_FREE_MGF", s=s_value, a=a_value, c=c))
    assert got_free == pytest.approx(expected_free, rel=1e-8)
    locked = integrate.dblquad(lambda y, x: 0.5 * np.exp(-s_value * x * y), 0, 1, -1, 1)[0]
    assert float(bounds.evaluate("PRODUCT_LOCKED_MGF", s=s_value)) == pytest.approx(locked, rel=1e-8)


def test_ein_twin_across_the_switch():
    xs = np.array([1e-9, 1e-4, 0.3, 1.999, 2.0, 2.001, 7.0, 60.0])
    fast = bounds.expressions._ein_numpy(xs)
    with mpmath.workdps(40):
        slow = [float(mpmath.euler + mpmath.log(x) + mpmath.e1(x)) for x in xs]
    assert fast == pytest.approx(slow, rel=1e-14)


# --- the Chernoff tail -------------------------------------------------------------------------

@pytest.mark.parametrize("p,l,a_value,n", [(0.2, 0.3, 0.6, 60), (0.0, 0.5, 0.7, 80),
                                           (0.4, 0.1, 0.5, 30)])
def test_chernoff_tail_is_above_the_simulated_probability(p, l, a_value, n):
    # P(sum H^+ < 1 - a) by simulation; the bound must not be below the 99.9% lower confidence
    # bound of the simulated probability
    rng = np.random.default_rng(7)
    trials = 200_000
    v = rng.uniform(-1, 1, (trials, n))
    state = rng.uniform(0, 1, (trials, n))
    locked = state >= 1 - l
    free_ext = (state >= p) & ~locked & (np.abs(v) > a_value)
    h = np.where(free_ext, np.maximum(v, 0.0), 0.0) + np.where(locked, v, 0.0)
    fails = int((h.sum(axis=1) < 1 - a_value).sum())
    bound = theorem2.chernoff_tail([n], 1 - a_value, models.uniform_model(p, l, a_value))[0]
    assert bound >= lower_confidence_bound(fails, trials, 0.999) / 1.0
    assert bound < 1.0  # and it is a real bound, not the trivial one


def test_chernoff_tail_vanishes_only_without_locking():
    g = models.uniform_model(0.3, 0.0, 1.0)
    assert theorem2.chernoff_tail([5], 0.0, g)[0] == 0.0
    g = models.uniform_model(0.3, 0.1, 1.0)
    assert theorem2.chernoff_tail([5], 0.0, g)[0] > 0.0


def test_the_window_bound_is_pluggable():
    # the cover term takes any window failure bound of the signature (K, eps_over_a): Theorem 1's
    # closed form through the generic path gives the same numbers, a sharper one smaller ones
    # (the hook the numerical certificate of issue 10 plugs into)
    from slt_theory.bounds import plan

    closed = theorem2.closed_form_window_failure

    def sharper(k, eps_over_a):
        return np.minimum(1.0, 8 * 0.6 ** np.asarray(k, dtype=float) / eps_over_a**2)

    for p, l in [(0.25, 0.25)]:
        base = plan.smallest_samples(1e-3, 0.01, p, l)
        assert plan.smallest_samples(1e-3, 0.01, p, l, window_failure=closed) == base
        assert plan.smallest_samples(1e-3, 0.01, p, l, window_failure=sharper) < base
    shape = plan.NetworkShape.of(0.05, 0.2, 0.0, 1, (2, 2))
    assert plan.width_plan(shape, 0.05, closed).width == plan.width_plan(shape, 0.05).width
    assert plan.width_plan(shape, 0.05, sharper).width < plan.width_plan(shape, 0.05).width


def _exact_binomial_tail(k, n, q, upper):
    """P(Bin(n, q) > k) or <= k as an exact sum of the binomial terms in 60-digit arithmetic:
    the slow, obviously correct twin of the fast scipy.special path."""
    import mpmath

    with mpmath.workdps(60):
        q = mpmath.mpf(q)
        terms = range(max(k + 1, 0), n + 1) if upper else range(0, min(k, n) + 1)
        return float(mpmath.fsum(mpmath.binomial(n, j) * q**j * (1 - q) ** (n - j)
                                 for j in terms))


@given(k=st.integers(-3, 400), n=st.integers(0, 400), q=st.floats(0.0, 1.0))
@settings(max_examples=150, deadline=None)
@example(k=344, n=366, q=0.125)  # scipy.stats.binom.sf is 1e-10 off here; the fast path is not
@example(k=36, n=144, q=0.999)  # scipy.stats.binom.cdf returns 0 here, the exact CDF is 1e-290
def test_fast_binomial_functions_match_an_exact_sum(k, n, q):
    from slt_theory.bounds.expressions import _binomial_cdf, _binomial_sf

    assert _binomial_cdf(k, n, q) == pytest.approx(_exact_binomial_tail(k, n, q, upper=False),
                                                   rel=1e-11, abs=1e-300)
    assert _binomial_sf(k, n, q) == pytest.approx(_exact_binomial_tail(k, n, q, upper=True),
                                                  rel=1e-11, abs=1e-300)


# --- input checks of the public back ends (issue 12) ----------------------------------------

_UNIFORM = models.uniform_model(0.2, 0.1, 0.75)
S_GRID_SIZE = theorem2.S_GRID.size


def _one_group(**changes):
    values = {"per_unit": 1, "cover_prob": 0.5, "log_mgf": _UNIFORM[0].log_mgf,
              "nonnegative": False}
    values.update(changes)
    return [theorem2.SlotGroup(**values)]


_BAD_INPUT = [
    (theorem2.closed_form_window_failure, ([-1], 0.01), "K"),
    (theorem2.closed_form_window_failure, ([1.5], 0.01), "K"),
    (theorem2.closed_form_window_failure, (["a"], 0.01), "K"),
    (theorem2.closed_form_window_failure, ([60], 0.0), "eps_over_a"),
    (theorem2.closed_form_window_failure, ([60], float("nan")), "eps_over_a"),
    (theorem2.cover_failure, ([40], 1.5, 0.1, 1.0), "q"),
    (theorem2.cover_failure, ([40], -0.1, 0.1, 1.0), "q"),
    (theorem2.cover_failure, ([40], 0.3, 2.0, 1.0), "eps_value"),   # Theorem 2'': eps < 2a
    (theorem2.cover_failure, ([40], 0.3, 0.1, 0.4), "a_value"),     # Theorem 2'': a >= 1/2
    (theorem2.cover_failure, ([-3], 0.3, 0.1, 1.0), "ns"),
    (theorem2.cover_failure, ([40], 0.3, 0.1, 1.0, "closed"), "window_failure"),
    (theorem2.chernoff_tail, ([40], float("inf"), _UNIFORM), "t_value"),
    (theorem2.chernoff_tail, ([40], 0.25, []), "groups"),
    (theorem2.chernoff_tail, ([40], 0.25, _UNIFORM[0]), "groups"),
    (theorem2.chernoff_tail, ([40], 0.25, _one_group(per_unit=0)), "per_unit"),
    (theorem2.chernoff_tail, ([40], 0.25, _one_group(cover_prob=1.5)), "cover_prob"),
    (theorem2.chernoff_tail, ([40], 0.25, _one_group(nonnegative=1)), "nonnegative"),
    (theorem2.chernoff_tail, ([40], 0.25, _one_group(log_mgf=np.zeros(3))), "log_mgf"),
    (theorem2.chernoff_tail, ([40], 0.25, _one_group(log_mgf=np.full(650, np.nan))), "log_mgf"),
    (theorem2.frozen_failure, ([40], _UNIFORM, 0.1, 0.75, 0.5), "radius"),   # R >= a
    (theorem2.frozen_failure, ([40], _UNIFORM, 0.1, 0.75, None), "radius"),  # was a TypeError
    # a model without a covering group (a = 1 for product terms): was a bare ValueError
    (theorem2.frozen_failure, ([40], models.product_model(0.0, 0.0, 1.0), 0.1, 1.0), "covering"),
    (theorem2.frozen_failure, ([40], _UNIFORM + _UNIFORM, 0.1, 0.75), "covering"),
]


@pytest.mark.parametrize("fn, args, name", _BAD_INPUT, ids=lambda v: getattr(v, "__name__", None))
def test_bad_input_is_named(fn, args, name):
    with pytest.raises(InvalidParameterError, match=name):
        fn(*args)


def test_generic_cover_term_refuses_a_table_past_its_memory_limit():
    # eps = 1e-200: the window table runs to 2^16 entries; 2^14 values of n would need 2^30
    with pytest.raises(ResourceLimitError, match="binomial table"):
        theorem2.cover_failure(np.arange(2**14), 1.0, 1e-200, 1.0,
                               theorem2.closed_form_window_failure)


def test_chernoff_tail_is_a_number_where_log_mgf_is_infinite_and_n_is_0():
    # log M(s) = inf beyond s_600: at n = 0 (0 * inf) and at t = -1e308 (-inf + inf) the tail was
    # NaN; such an s is charged 1, and the bound is min over the other s of exp(s t) M(s)^n
    finite = 600
    log_mgf = np.where(np.arange(S_GRID_SIZE) >= finite, np.inf, _UNIFORM[0].log_mgf)
    groups = _one_group(log_mgf=log_mgf)
    assert theorem2.chernoff_tail([0], -0.5, groups)[0] == pytest.approx(
        math.exp(-0.5 * theorem2.S_GRID[finite - 1]), rel=1e-12)
    assert theorem2.chernoff_tail([0], 0.5, groups)[0] == 1.0
    assert theorem2.chernoff_tail([3], -1e308, groups)[0] == 0.0
    assert theorem2.chernoff_tail([3], 1e308, groups)[0] == 1.0


def test_checked_entries_give_the_numbers_of_the_cores():
    ns = np.array([1.0, 40.0, 400.0])
    assert np.array_equal(theorem2.cover_failure([1, 40, 400], 0.3, 0.1, 1.0),
                          theorem2._cover_failure(ns, 0.3, 0.1, 1.0))
    assert np.array_equal(theorem2.chernoff_tail(np.int64(40), 0.25, _UNIFORM),
                          theorem2._chernoff_tail(np.array([40.0]), 0.25, _UNIFORM))
    assert np.array_equal(theorem2.frozen_failure(ns, tuple(_UNIFORM), 0.1, 0.75),
                          theorem2._frozen_failure(ns, _UNIFORM, 0.1, 0.75))
    # the closed form keeps K's shape (a scalar stays 0-D)
    assert np.ndim(theorem2.closed_form_window_failure(60, 0.01)) == 0
    assert theorem2.closed_form_window_failure(np.zeros((2, 3), int), 0.5).shape == (2, 3)


@pytest.mark.parametrize("name, values, says", [
    ("C_SYMBOLIC", {"a": 0.75, "p_prune": 0.2, "p_lock": 0.1}, "expr_name"),
    ("UNIFORM_SLOT_MGF", {"a": 0.75, "p_prune": 0.2}, "takes exactly"),
    ("UNIFORM_SLOT_MGF", {"a": 0.4, "p_prune": 0.2, "p_lock": 0.1}, "a must lie"),
    ("UNIFORM_SLOT_MGF", {"a": 0.75, "p_prune": 0.6, "p_lock": 0.5}, "lock"),
    ("PRODUCT_SLOT_MGF", {"a": 0.7, "c": 0.2, "phi": 0.7, "kappa": 0.4}, r"phi \+ kappa"),
    ("PRODUCT_SLOT_MGF", {"a": 0.7, "c": [0.2], "phi": 0.5, "kappa": 0.3}, "c"),
])
def test_log_mgf_on_grid_refuses_bad_values_by_name(name, values, says):
    # issue 12: a list value was lru_cache's "unhashable" TypeError, a wrong name a KeyError
    with pytest.raises(InvalidParameterError, match=says):
        theorem2.log_mgf_on_grid(name, **values)


def test_log_mgf_on_grid_checked_equals_its_cached_core():
    values = {"a": 0.7, "c": 0.2, "phi": 0.5, "kappa": 0.3}
    np.testing.assert_array_equal(theorem2.log_mgf_on_grid("PRODUCT_SLOT_MGF", **values),
                                  theorem2._log_mgf_on_grid("PRODUCT_SLOT_MGF", **values))
