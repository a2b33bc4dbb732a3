"""The certified window bound (docs/theory.md, Section 1.3): the numba kernel against its exact rational
twin, the safe rounding, monotonicity, the closed form above it, Monte Carlo below it, and the
shipped table against a recomputation."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory.bounds import _certificate_kernel as kernel
from slt_theory.bounds import evaluate
from slt_theory.bounds._certificate_dp import (
    certificate_rows,
    certificate_table,
    make_grid,
    start_cell,
    tail_ratio,
)
from slt_theory.bounds._certificate_reference import exact_rows, exact_step
from slt_theory.bounds.certificate import (
    _closed_form,
    _pow_up,
    certificate_table_info,
    window_failure_bound,
    window_samples_certified,
)
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import coverage_probability, upper_confidence_bound


def closed_form(k, eps):
    """Theorem 1 with the sharp Lemma 2 (rho = 3/4), a = 1: computed here, not imported."""
    return 8.0 * 0.75 ** np.asarray(k, dtype=float) / eps**2


def g_exact(t):
    t = Fraction(t)
    return t / 2 + t * t / 4


def fast_step(grid, row, prune=True):
    out = np.empty_like(row)
    kernel.bellman_step(grid.xs, row, grid.first, grid.lo, grid.m, out, prune)
    return out


small_grids = st.tuples(st.floats(0.02, 0.9), st.floats(1.5, 4.0))


# --- the grid ---------------------------------------------------------------------------------

@given(spec=small_grids)
@settings(max_examples=30, deadline=None)
def test_grid_rounds_in_the_safe_direction(spec):
    eps, res = spec
    grid = make_grid(eps, res)
    t = [Fraction(float(v)) for v in grid.t]
    assert t[0] == Fraction(eps) / 2 and t[-1] >= 2 - Fraction(eps)
    assert all(a < b for a, b in itertools.pairwise(t))
    for i in range(1, grid.cells + 1):
        assert Fraction(float(grid.lo[i])) == max(Fraction(0), 2 * t[i - 1] - 2)  # exact
        assert Fraction(float(grid.m[i])) >= g_exact(t[i])  # rounded up
        assert float(grid.m[i]) <= float(g_exact(t[i])) * (1 + 1e-14)  # and only just
        j = grid.first[i]
        assert grid.xs[j] <= grid.lo[i] and (j == grid.cells or grid.xs[j + 1] > grid.lo[i])


def test_grid_rejects_bad_input():
    for bad in (0.0, 1.0, -0.1, float("nan")):
        with pytest.raises(InvalidParameterError, match="eps"):
            make_grid(bad, 10)
    with pytest.raises(InvalidParameterError, match="resolution"):
        make_grid(0.1, 0.5)
    with pytest.raises(InvalidParameterError, match="eps_start"):
        start_cell(make_grid(0.1, 10.0), 0.05)


# --- the exact twin, checked by hand ------------------------------------------------------------

def test_twin_first_step_by_hand():
    # From V_0 = 1[u >= eps/2], a cell whose window starts at 0 holds the points (0, 0) and
    # (x, 1) for x >= eps/2: the concave envelope at m is min(1, m / (eps/2)). A window that
    # starts above 0 holds only points of value 1.
    grid = make_grid(0.2, 3.0)
    row = exact_rows(grid, 1)[1]
    for i in range(1, grid.cells + 1):
        t_prev = Fraction(float(grid.t[i - 1]))
        m = g_exact(float(grid.t[i]))
        low = max(Fraction(0), 2 * t_prev - 2)
        expected = min(Fraction(1), m / Fraction(0.1)) if low < Fraction(0.1) else Fraction(1)
        assert row[i] == expected


# --- the kernel against the twin ---------------------------------------------------------------

@st.composite
def grid_and_row(draw):
    eps, res = draw(small_grids)
    grid = make_grid(eps, res)
    scale = 10.0 ** -draw(st.integers(0, 250))
    values = draw(st.lists(st.floats(0.0, 1.0), min_size=grid.cells, max_size=grid.cells))
    row = np.concatenate([[0.0], np.sort(values) * scale])
    return grid, row


@given(case=grid_and_row())
@settings(max_examples=40, deadline=None)
def test_kernel_step_is_never_below_the_exact_operator_and_close_to_it(case):
    # Lemmas C3-C4: every value the kernel returns is >= the relaxed operator in exact arithmetic
    # (rounding only ever upwards) and exceeds it by rounding only (the chosen slope is optimal)
    grid, row = case
    fast = fast_step(grid, row)
    exact = exact_step(grid, row.tolist())
    for f, e in zip(fast, exact):
        assert Fraction(float(f)) >= e
        assert float(f) <= float(e) * (1 + 1e-12) + 1e-300


@pytest.mark.parametrize("eps, res, steps", [(0.3, 4.0, 8), (0.05, 3.0, 8), (0.01, 2.5, 6)])
def test_rows_dominate_the_exact_programme(eps, res, steps):
    grid = make_grid(eps, res)
    fast = certificate_rows(grid, steps)
    exact = exact_rows(grid, steps)
    for k in range(steps + 1):
        for f, e in zip(fast[k], exact[k]):
            assert Fraction(float(f)) >= e
            assert float(f) <= float(e) * (1 + 1e-12) ** (k + 1) + 1e-300


@given(eps=st.floats(1e-4, 0.9), res=st.floats(5.0, 80.0), steps=st.integers(1, 12))
@settings(max_examples=15, deadline=None)
def test_branch_and_bound_gives_the_full_scan_bit_for_bit(eps, res, steps):
    grid = make_grid(eps, res)
    assert np.array_equal(certificate_rows(grid, steps, prune=True),
                          certificate_rows(grid, steps, prune=False))


@given(y0=st.floats(0, 1), y1=st.floats(0, 1), x0=st.floats(0, 2), dx=st.floats(1e-12, 2),
       m=st.floats(0, 2), beta=st.floats(0, 1e6))
@settings(max_examples=200, deadline=None)
def test_upward_helpers_bound_the_exact_values(y0, y1, x0, dx, m, beta):
    y0, y1 = sorted((y0, y1))
    x1 = x0 + dx
    slope = kernel._slope_up(y0, x0, y1, x1)
    assert Fraction(slope) >= (Fraction(y1) - Fraction(y0)) / (Fraction(x1) - Fraction(x0))
    if m >= x0:
        value = kernel._anchor_value(y0, x0, beta, m)
        assert Fraction(value) >= Fraction(y0) + Fraction(beta) * (Fraction(m) - Fraction(x0))


@given(base=st.floats(0.0, 1.0), exponent=st.integers(0, 3000))
@settings(max_examples=100, deadline=None)
def test_pow_up_is_an_upper_bound(base, exponent):
    value = _pow_up(np.array([base]), np.array([exponent]))[0]
    exact = Fraction(base) ** exponent
    assert Fraction(float(value)) >= exact
    if exact > Fraction(1, 10**250):
        assert float(value) <= float(exact) * (1 + 1e-12)


def test_closed_form_is_the_sympy_expression_rounded_up():
    ks = np.arange(0, 600)
    for eps in (0.5, 0.1, 1e-3, 1e-6):
        ours = _closed_form(ks, eps)
        ref = np.minimum(evaluate("WINDOW_FAILURE", K=ks.astype(float), a=1.0, epsilon=eps,
                                  rho=0.75), 1.0)
        assert np.all(ours >= ref) and np.all(ours <= ref * (1 + 1e-12))


@given(k=st.integers(0, 10**5), eps=st.floats(1e-250, 0.99))
@settings(max_examples=150, deadline=None)
def test_closed_form_never_below_the_exact_value(k, eps):
    # no underflow to a false 0 (0.75 ** k, eps ** 2), and accurate while representable: the
    # power by squaring steps one ulp (relative <= 2^-52) up per product, and a squaring doubles
    # the relative error it inherits, so 0.75^k carries at most about (k + bits of k) ulps; the
    # four steps after it (8, eps twice, ldexp) add four more. Twice that first-order sum covers
    # the second-order terms (k = 5938, eps = 1e-250 is 1.0003e-12 above: within 1.3e-12).
    ours = float(_closed_form(np.array([k]), eps)[0])
    exact = min(Fraction(8) * Fraction(3, 4) ** k / Fraction(eps) ** 2, Fraction(1))
    assert ours > 0.0 and Fraction(ours) >= exact
    if exact > Fraction(1, 10**300):
        assert ours <= float(exact) * (1 + 2 * (k + 64) * 2.0**-52)


def test_closed_form_rounding_error_at_a_found_point():
    # the point where a fixed 1e-12 tolerance failed (found by a random hypothesis run)
    k, eps = 5938, 1e-250
    ours = Fraction(float(_closed_form(np.array([k]), eps)[0]))
    exact = Fraction(8) * Fraction(3, 4) ** k / Fraction(eps) ** 2
    assert exact <= ours <= exact * (1 + Fraction(2 * (k + 64), 2**52))


def test_tail_ratio_continues_the_rows():
    # Proposition C5: with rho from rows K-1, K, the rows after K stay below rho^j row K
    # (the computed operator is monotone and homogeneous up to rounding)
    grid = make_grid(0.05, 20.0)
    rows = certificate_rows(grid, 70)
    rho = tail_ratio(rows[39], rows[40])
    assert 0.5 < rho < 1.0
    for j in range(1, 31):
        assert np.all(rows[40 + j] <= rows[40] * rho**j * (1 + 1e-12 * j))


# --- the shipped table and the public functions ------------------------------------------------

def test_shipped_table_equals_a_recomputation():
    table, meta = certificate_table_info()
    grid_eps = meta["eps_grid_values"]
    for j in (0, 15):  # eps_1 = 0.866 (the first bracket) and eps_16 = 0.1
        upper = 1.0 if j == 0 else grid_eps[j - 1]
        fresh = certificate_table([grid_eps[j]], meta["resolution"], meta["steps"],
                                  meta["starts"], upper=upper)
        rows = np.flatnonzero(np.isin(table.eps, fresh["eps"]))
        assert np.array_equal(table.eps[rows], fresh["eps"])
        assert np.array_equal(table.values[rows], fresh["values"])
        assert np.array_equal(table.rho[rows], fresh["rho"])


def test_table_never_above_the_closed_form():
    # every entry, at its own eps, and its tail, against 8 (3/4)^K / eps^2
    table, _ = certificate_table_info()
    ks = np.arange(table.k_max + 1)
    assert np.all(table.values <= closed_form(ks[None, :], table.eps[:, None]))
    assert np.all(table.rho < 0.76)  # the tail contracts at (almost) the closed form's rate


@given(k=st.integers(0, 2000), eps=st.floats(1e-7, 1.5))
@settings(max_examples=200, deadline=None)
def test_public_bound_never_above_the_closed_form(k, eps):
    # below the table only the closed form is left, rounded upwards: a few ulps of slack
    assert window_failure_bound(k, eps) <= min(1.0, closed_form(k, eps) * (1 + 1e-12))


@given(k1=st.integers(0, 600), dk=st.integers(0, 600), e1=st.floats(1e-7, 1.2),
       ratio=st.floats(1.0, 50.0))
@settings(max_examples=300, deadline=None)
def test_monotone_in_samples_and_eps(k1, dk, e1, ratio):
    e2 = e1 * ratio
    assert window_failure_bound(k1 + dk, e1) <= window_failure_bound(k1, e1)
    assert window_failure_bound(k1, e2) <= window_failure_bound(k1, e1)


def test_monotone_along_dense_grids():
    ks = np.arange(0, 1200)
    for eps in (0.5, 0.1, 0.0123, 1e-3, 3.3e-6, 1e-7):
        b = window_failure_bound(ks, eps)
        assert np.all(np.diff(b) <= 0) and b[0] == 1.0
    eps = np.geomspace(1e-7, 1.1, 700)
    for k in (10, 40, 80, 149, 150, 151, 400):
        b = np.array([window_failure_bound(k, e) for e in eps])
        assert np.all(np.diff(b) <= 0)
        assert b[-1] == 0.0  # eps >= a: the empty sum covers


@given(eps=st.floats(1e-7, 1.2), d1=st.floats(1e-80, 0.99), ratio=st.floats(1.0, 1e6))
@settings(max_examples=150, deadline=None)
def test_certified_samples_invert_the_bound_and_are_monotone(eps, d1, ratio):
    d2 = min(d1 * ratio, 0.999)
    k1, k2 = window_samples_certified(eps, d1), window_samples_certified(eps, d2)
    assert k2 <= k1
    assert window_failure_bound(k1, eps) <= d1
    if k1 > 0:
        assert window_failure_bound(k1 - 1, eps) > d1
    assert window_samples_certified(eps * 2, d1) <= k1


def test_certified_samples_beat_the_closed_form_where_tabulated():
    for eps in (0.1, 0.01, 1e-3, 1e-5):
        for delta in (0.1, 0.01, 1e-6, 1e-30):
            closed = math.ceil(math.log(8 / (eps**2 * delta)) / math.log(4 / 3))
            assert window_samples_certified(eps, delta) < closed


@pytest.mark.parametrize("eps", [0.1, 0.03, 0.01])
def test_never_below_the_monte_carlo_failure_rate(eps):
    # at the smallest K where the certificate says <= 0.5 and <= 0.05, the failure rate that Monte
    # Carlo measures must not exceed it (one-sided 99% Clopper-Pearson as the tolerance)
    for level in (0.5, 0.05):
        k = window_samples_certified(eps, level)
        r = coverage_probability(k, eps, trials=3000, seed=11)
        failure_low = 1.0 - upper_confidence_bound(r.successes, r.trials, 0.99)
        assert failure_low <= window_failure_bound(k, eps)


def test_bad_input_raises():
    with pytest.raises(InvalidParameterError, match="K"):
        window_failure_bound(-1, 0.1)
    with pytest.raises(InvalidParameterError, match="K"):
        window_failure_bound([3, 2.5], 0.1)
    with pytest.raises(InvalidParameterError, match="K"):
        window_failure_bound(True, 0.1)
    with pytest.raises(InvalidParameterError, match="K"):
        window_failure_bound(np.array([1, -2]), 0.1)
    for bad in (0.0, -1.0, float("nan"), float("inf"), "0.1"):
        with pytest.raises(InvalidParameterError, match="eps_over_a"):
            window_failure_bound(10, bad)
        with pytest.raises(InvalidParameterError, match="eps_over_a"):
            window_samples_certified(bad, 0.1)
    for bad in (0.0, 1.0, 2.0, float("nan"), 1e-301):
        with pytest.raises(InvalidParameterError, match="delta"):
            window_samples_certified(0.1, bad)


def test_shapes_and_the_trivial_cases():
    assert isinstance(window_failure_bound(5, 0.1), float)
    assert window_failure_bound(np.arange(6).reshape(2, 3), 0.1).shape == (2, 3)
    assert window_failure_bound(0, 0.999) == 1.0  # no samples, eps < a: never covered
    assert window_failure_bound(0, 1.0) == 0.0 and window_samples_certified(1.0, 0.5) == 0
    # far outside the table: the closed form alone, and the search still ends
    k = window_samples_certified(1e-200, 1e-300)
    assert window_failure_bound(k, 1e-200) <= 1e-300 < window_failure_bound(k - 1, 1e-200)
    assert 0.0 < window_failure_bound(10**7, 0.5) < 1e-300
    table, _ = certificate_table_info()
    i = start_cell(make_grid(0.1, 10.0), 0.1)
    assert i == make_grid(0.1, 10.0).cells and table.k_max >= 100
