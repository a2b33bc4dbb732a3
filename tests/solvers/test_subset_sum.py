"""The numba subset-sum solvers against their brute-force / plain twins (slt_theory.solvers.reference)."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from slt_theory.errors import InvalidParameterError
from slt_theory.solvers import _kernels as _k
from slt_theory.solvers.reference import (
    covers_brute_force,
    covers_reference,
    find_subset_brute_force,
    subset_sum_error_brute_force,
    subset_sums_brute_force,
)
from slt_theory.solvers.subset_sum import (
    FreezeState,
    covers,
    find_subset,
    product_terms,
    subset_sum_error,
)

SETTINGS = settings(max_examples=150, deadline=None)

reals = st.floats(-1.0, 1.0, allow_nan=False)
values_st = st.lists(st.one_of(reals, st.sampled_from([-1.0, 1.0, 0.0, 0.5])), max_size=10)
# dyadic: multiples of 1/16 in [-1, 1], so every sum and endpoint is exact
dyadic = st.integers(-16, 16).map(lambda k: k / 16.0)
dyadic_values = st.lists(dyadic, max_size=9)


def _sorted_abs(x):
    x = np.asarray(x, dtype=float)
    return x[np.argsort(np.abs(x), kind="stable")]


@SETTINGS
@given(values_st, reals, st.floats(-1.5, 1.5), st.floats(0.0, 1.0))
def test_error_matches_brute_force(values, locked, lo, width):
    hi = lo + width
    got = subset_sum_error(values, locked_sum=locked, lo=lo, hi=hi)
    want = subset_sum_error_brute_force(values, locked_sum=locked, lo=lo, hi=hi)
    assert abs(got - want) <= 1e-12


@SETTINGS
@given(values_st, reals, st.floats(1e-3, 1.0))
def test_covers_matches_twin_bit_for_bit(values, locked, eps):
    # the same processing order gives the twin the very same floating-point endpoints
    got = covers(values, eps, locked_sum=locked)
    assert got == covers_reference(_sorted_abs(values), eps, locked_sum=locked)


@SETTINGS
@given(values_st, reals)
def test_covers_at_and_around_the_true_error(values, locked):
    err = subset_sum_error_brute_force(values, locked_sum=locked)
    assume(err > 1e-9)
    assert covers(values, err * (1 + 1e-9), locked_sum=locked)
    assert not covers(values, err * (1 - 1e-9), locked_sum=locked)


@SETTINGS
@given(dyadic_values, dyadic, st.integers(1, 16))
def test_dyadic_ties_are_covered(values, locked, k):
    """On dyadic input every sum is exact: eps equal to the error covers (<= eps is closed), the
    next dyadic eps below does not."""
    err = subset_sum_error_brute_force(values, locked_sum=locked)
    assert subset_sum_error(values, locked_sum=locked) == err
    assert covers(values, err, locked_sum=locked)
    assert covers_brute_force(values, err, locked_sum=locked)
    below = err - 1 / 64
    if below > 0:
        assert not covers(values, below, locked_sum=locked)
    eps = k / 16
    assert covers(values, eps, locked_sum=locked) == covers_brute_force(values, eps, locked_sum=locked)


@SETTINGS
@given(values_st, st.floats(-3, 3), st.floats(1e-3, 0.5))
def test_find_subset_matches_brute_force(values, target, eps):
    # a sum exactly eps away is a floating-point tie (the kernel compares s - eps, the twin
    # |target - s|): the two may round it differently, so ties are left to the dyadic test
    best = float(np.min(np.abs(target - subset_sums_brute_force(values))))
    assume(abs(best - eps) > 1e-12)
    got = find_subset(values, target, eps)
    want = find_subset_brute_force(values, target, eps)
    if want is None:
        assert got is None
    else:
        assert got is not None and len(set(got)) == len(got)
        assert abs(target - np.sum(np.asarray(values)[got])) <= eps * (1 + 1e-12) + 1e-15


@SETTINGS
@given(dyadic_values, dyadic, st.integers(1, 8))
def test_find_subset_dyadic_exact(values, target, k):
    eps = k / 32
    got = find_subset(values, target, eps)
    want = find_subset_brute_force(values, target, eps)
    assert (got is None) == (want is None)
    if got is not None:
        assert abs(target - sum(values[i] for i in got)) <= eps


def test_edge_cases():
    assert covers([], 1.0) and not covers([], 0.5)
    assert subset_sum_error([]) == 1.0
    assert subset_sum_error([], locked_sum=0.25, lo=0.0, hi=0.5) == 0.25
    assert subset_sum_error([0.5] * 4, lo=0.0, hi=2.0) == 0.25  # duplicates
    assert subset_sum_error([1.0, -1.0]) == 0.5
    assert find_subset([], 0.0, 0.1) == [] and find_subset([], 1.0, 0.1) is None
    assert covers([0.25], 0.25, lo=0.5, hi=0.5)  # exactly eps away
    assert not covers([0.25], 0.25, lo=0.5 + 2**-40, hi=0.5 + 2**-40)


def test_large_n_is_quick_and_exact():
    rng = np.random.default_rng(0)
    # values on the 1/64 grid: all sums on the grid, so the error is exactly 1/128 or 0
    x = rng.integers(-64, 65, 200) / 64
    assert subset_sum_error(x) == 0.0 or subset_sum_error(x) == 1 / 128
    assert subset_sum_error(x, lo=-1 / 256, hi=1 / 256) == 1 / 256
    # binary expansion: sums are the multiples of 2^-59 in [0, 2 - 2^-59]
    assert subset_sum_error(2.0 ** -np.arange(60), lo=0.0, hi=1.5) == 0.0
    y = rng.uniform(-1, 1, 200)
    idx = find_subset(y, 0.3, 1e-6)
    assert idx is not None and abs(0.3 - y[idx].sum()) <= 1e-6
    assert covers(y, 1e-3)


def test_memory_limit_raises_clearly():
    x = np.random.default_rng(1).uniform(-1, 1, 60)
    with pytest.raises(InvalidParameterError, match="max_intervals"):
        covers(x, 1e-9, max_intervals=1000)
    with pytest.raises(InvalidParameterError, match="max_intervals"):
        subset_sum_error(x, max_intervals=10_000)
    with pytest.raises(InvalidParameterError, match="max_intervals"):
        find_subset(x, 0.1234, 1e-12, max_intervals=1000)


@pytest.mark.parametrize(
    "call",
    [
        lambda: covers([np.nan], 0.1),
        lambda: covers([0.1], 0.0),
        lambda: covers([0.1], -1.0),
        lambda: covers([[0.1]], 0.1),
        lambda: covers([0.1], 0.1, lo=1.0, hi=0.0),
        lambda: covers(["a"], 0.1),
        lambda: subset_sum_error([np.inf]),
        lambda: subset_sum_error([0.1], locked_sum=np.nan),
        lambda: find_subset([0.1], np.nan, 0.1),
        lambda: find_subset([0.1], 0.1, 0),
        lambda: product_terms([0.1], [0.1, 0.2]),
        lambda: product_terms([0.1], [0.1], [5], [0]),
        # issue 12: booleans, complex numbers, strings and mixed objects are not values
        lambda: covers([True, False], 0.1),
        lambda: covers(np.array([1 + 2j]), 0.1),
        lambda: covers("0.5", 0.1),
        lambda: covers({"a": 1}, 0.1),
        lambda: covers([0.5, "a"], 0.1),
        lambda: covers([[0.5], [0.1, 0.2]], 0.1),
        lambda: covers([1e400], 0.1),
        lambda: covers([0.1], True),
        lambda: covers([0.1], 0.1, lo=np.bool_(False)),
        lambda: covers([0.1], 0.1, max_intervals=2**40),
        lambda: covers([0.1], 0.1, max_intervals=True),
        lambda: product_terms([0.1], [0.1], ["FREE"], [0]),
        lambda: product_terms([0.1], [0.1], [True], [0]),
        lambda: covers_reference([True], 0.1),
        lambda: covers_reference([0.1], float("nan")),
        lambda: subset_sum_error_brute_force([0.1], lo=1.0, hi=0.0),
        lambda: find_subset_brute_force([0.1], float("inf"), 0.1),
        lambda: covers_brute_force([0.1], -1.0),
    ],
)
def test_bad_input(call):
    with pytest.raises(InvalidParameterError):
        call()


def test_numpy_scalars_and_integer_arrays_are_values():
    assert covers(np.array([2, -1], dtype=np.int16), np.float32(0.5), lo=np.int64(-1), hi=1)
    assert covers([np.float64(0.5), np.int8(-1)], 0.5) == covers([0.5, -1.0], 0.5)


P, F, L = FreezeState.PRUNED, FreezeState.FREE, FreezeState.LOCKED


@pytest.mark.parametrize(
    "su, sv, kind",
    [(F, F, "free"), (F, L, "free"), (L, F, "free"), (L, L, "locked"),
     (P, F, "out"), (F, P, "out"), (P, L, "out"), (L, P, "out"), (P, P, "out")],
)
def test_product_classification(su, sv, kind):
    free, locked = product_terms([0.5], [-0.5], [su], [sv])
    assert {"free": (free.tolist(), locked) == ([-0.25], 0.0),
            "locked": (free.tolist(), locked) == ([], -0.25),
            "out": (free.tolist(), locked) == ([], 0.0)}[kind]
    # u <= 0: the term belongs to the other side of the sign split, whatever the states
    assert product_terms([-0.5], [0.5], [su], [sv])[0].size == 0
    assert product_terms([0.0], [0.5], [su], [sv])[1] == 0.0


@SETTINGS
@given(st.lists(st.tuples(reals, reals, st.sampled_from([P, F, L]), st.sampled_from([P, F, L])),
                max_size=8))
def test_product_terms_against_definition(rows):
    u = [r[0] for r in rows]
    v = [r[1] for r in rows]
    free, locked = product_terms(u, v, [r[2] for r in rows], [r[3] for r in rows])
    want_free = [a * b for a, b, s, t in rows if a > 0 and P not in (s, t) and (s, t) != (L, L)]
    want_locked = sum(a * b for a, b, s, t in rows if a > 0 and (s, t) == (L, L))
    assert free.tolist() == want_free
    assert locked == pytest.approx(want_locked, abs=1e-15)


def test_kernel_status_codes():
    x = np.array([0.5])
    bufs = [np.empty(2), np.empty(2)] + [np.empty(1)] * 4
    assert _k.covers_kernel(x, 1e-3, -1.0, 1.0, *bufs) == _k.OVERFLOW


@pytest.mark.parametrize("values", [[5e-324], [5e-324, -5e-324, 1e-310], [1e-300, 0.0, -1e-300]])
def test_subnormal_values_sort_and_cover_like_the_twin(values):
    # regression: the bucket sort computed m / max|x|, which overflows to inf for subnormal
    # maxima, and int(inf) indexed far outside the bucket array
    m = len(values)
    out, order = np.empty(m), np.empty(m, np.int64)
    _k._sort_abs(np.asarray(values, dtype=float), m, out, order)
    assert list(np.abs(out)) == sorted(np.abs(values))
    assert sorted(order.tolist()) == list(range(m))
    for eps in (1.0, 0.5):
        assert covers(values, eps) == covers_reference(values, eps)
