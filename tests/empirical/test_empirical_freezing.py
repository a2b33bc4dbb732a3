"""Freeze patterns: exact counts, nesting of the allocations, special cases, bad input."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from empirical.freezing import ALLOCATIONS, FreezeState, allocate, freeze_counts, freeze_pattern
from slt_theory.errors import InvalidParameterError

SHAPES = [(64, 3, 3, 3), (64, 64, 3, 3), (256, 4096), (10, 256)]


def test_states_are_the_reference_codes():
    assert [int(s) for s in FreezeState] == [-1, 0, 1]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 200), st.floats(0, 0.95), st.floats(0, 1), st.integers(0, 2**32))
@example(35, 0.1, 0.0, 0)  # p n = 3.5: 1 - (1 - p) would round to 3
def test_pattern_has_exact_counts(n, p, share, seed):
    lock = (0.999 - p) * share
    n_pruned, n_locked = freeze_counts([(n,)], p, lock)[0]
    s = freeze_pattern((n,), n_pruned, n_locked, np.random.default_rng(seed))
    assert s.dtype == np.int8
    assert int((s == FreezeState.PRUNED).sum()) == n_pruned == round(p * n)
    assert int((s == FreezeState.LOCKED).sum()) == n_locked
    assert n_pruned + n_locked <= n


@pytest.mark.parametrize("method", ALLOCATIONS)
@pytest.mark.parametrize("kept", [0.05, 0.3, 0.9])
def test_allocation_meets_the_network_fraction(method, kept):
    f = allocate(SHAPES, kept, method)
    numels = np.array([math.prod(s) for s in SHAPES])
    assert np.all((0 <= f) & (f <= 1))
    assert f @ numels / numels.sum() == pytest.approx(kept, rel=1e-9)


@pytest.mark.parametrize("method", ALLOCATIONS)
def test_allocations_nest(method):
    # Monotone in the kept fraction, so pruned <= frozen in every layer.
    grid = np.linspace(0, 1, 11)
    fs = np.array([allocate(SHAPES, k, method) for k in grid])
    assert np.all(np.diff(fs, axis=0) >= -1e-12)
    for p in (0.0, 0.2, 0.5):
        for lock in (0.0, 0.1, 0.4):
            for (n_pruned, n_locked), shape in zip(freeze_counts(SHAPES, p, lock, method), SHAPES):
                assert n_pruned >= 0 and n_locked >= 0 and n_pruned + n_locked <= math.prod(shape)


def test_erk_gives_small_layers_a_higher_density():
    f = allocate(SHAPES, 0.2, "erk")
    assert f[0] > f[2]


def test_special_cases():
    dense = freeze_counts(SHAPES, 0.0, 0.0)
    assert all(c == (0, 0) for c in dense)
    pruned = freeze_counts(SHAPES, 0.5, 0.0)
    assert all(lock == 0 and p == round(0.5 * math.prod(s)) for (p, lock), s in zip(pruned, SHAPES))


def test_same_seed_same_pattern():
    a = freeze_pattern((30, 7), 50, 60, np.random.default_rng(3))
    b = freeze_pattern((30, 7), 50, 60, np.random.default_rng(3))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("p, lock", [(-0.1, 0), (0.6, 0.4), (0.5, 1.0), (float("nan"), 0)])
def test_bad_ratios_are_refused(p, lock):
    with pytest.raises(InvalidParameterError):
        freeze_counts(SHAPES, p, lock)


def test_bad_allocation_and_counts_are_refused():
    with pytest.raises(InvalidParameterError, match="allocation"):
        allocate(SHAPES, 0.5, "magic")
    with pytest.raises(InvalidParameterError):
        freeze_pattern((3,), 2, 2, np.random.default_rng(0))


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 0.95), st.floats(0, 1), st.sampled_from(ALLOCATIONS))
def test_density_distribution_allocates_the_lock_ratio_alone(p, share, method):
    lock = (0.999 - p) * share
    counts = freeze_counts(SHAPES, p, lock, method, "density_distribution")
    locked = allocate(SHAPES, lock, method)
    pruned = 1 - allocate(SHAPES, 1 - p, method)
    for (n_pruned, n_locked), shape, r, q in zip(counts, SHAPES, locked, pruned):
        n = math.prod(shape)
        assert n_pruned == round(q * n) and n_pruned + n_locked <= n
        assert n_locked == min(round(r * n), n - n_pruned)
    total = sum(math.prod(s) for s in SHAPES)
    assert abs(sum(c[1] for c in counts) - lock * total) <= len(SHAPES)


def reference_oracle(shape_sizes, kept, frozen):
    """The reference code's mask_file arithmetic, step by step (initialize_params)."""
    out = []
    for n, ones, f in zip(shape_sizes, kept, frozen):
        zeros = 1 - ones
        free = 1 - f
        free_ones, free_zeros = free / 2, free / 2
        if free_ones > ones:
            free_zeros += free_ones - ones
            free_ones = ones
        if free_zeros > zeros:
            free_ones += free_zeros - zeros
            free_zeros = zeros
        out.append((zeros - free_zeros, ones - free_ones))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=4, max_size=4), st.floats(0, 0.95),
       st.sampled_from(ALLOCATIONS))
def test_oracle_counts_follow_the_reference_arithmetic(kept, freeze, method):
    from empirical.freezing import oracle_counts
    sizes = [math.prod(s) for s in SHAPES]
    frozen = 1 - allocate(SHAPES, 1 - freeze, method)
    counts = oracle_counts(SHAPES, kept, freeze, method)
    for (n_pruned, n_locked), (p, r), n, f, k in zip(
            counts, reference_oracle(sizes, kept, frozen), sizes, frozen, kept):
        assert n_pruned == round(max(p, 0) * n) and abs(n_locked - r * n) <= 1
        assert n_pruned + n_locked <= n
        assert abs(n_pruned + n_locked - f * n) <= 2  # the frozen share is the allocation's
        assert n_locked <= round(k * n) + 1 and n_pruned <= round((1 - k) * n) + 1


def test_oracle_counts_check_their_input():
    from empirical.freezing import oracle_counts
    with pytest.raises(InvalidParameterError, match="one density per layer"):
        oracle_counts(SHAPES, [0.5], 0.5)
    with pytest.raises(InvalidParameterError, match="kept"):
        oracle_counts(SHAPES, [0.5, 0.5, 1.5, 0.5], 0.5)


def test_counts_are_python_ints_and_integral_floats_are_accepted():
    big = np.uint64(2**64 - 1)
    with pytest.raises(InvalidParameterError, match="n_pruned"):
        freeze_pattern((3,), big, np.uint64(2), np.random.default_rng(0))  # no wrap-around
    s = freeze_pattern((4,), 2.0, 1.0, np.random.default_rng(0))
    assert int((s == FreezeState.PRUNED).sum()) == 2
    with pytest.raises(InvalidParameterError, match="n_locked"):
        freeze_pattern((4,), 1, True, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="n_pruned"):
        freeze_pattern((4,), 1.5, 0, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="shape"):
        freeze_pattern("34", 1, 0, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="lock_method"):
        freeze_counts(SHAPES, 0.1, 0.1, "erk", "sparsity")
    with pytest.raises(InvalidParameterError, match="allocation"):
        allocate(SHAPES, 0.5, ["erk"])


def test_freezing_fuzz_findings():
    """Slow tier of the issue-12 fuzz: freeze_counts(..., allocation=np.array([])) raised
    "truth value of an empty array is ambiguous"; freeze_pattern((2**40, 2**40), ...) a numpy
    ValueError."""
    import numpy as np
    import pytest

    from empirical.freezing import freeze_counts, freeze_pattern
    from slt_theory.errors import InvalidParameterError, ResourceLimitError

    with pytest.raises(InvalidParameterError, match="allocation"):
        freeze_counts([(8, 4), (2, 8)], 0.2, 0.2, allocation=np.array([]))
    with pytest.raises(ResourceLimitError, match="weights"):
        freeze_pattern((2**40, 2**40), 3, 2, np.random.default_rng(0))
    assert freeze_pattern((8, 4), 3, 2, np.random.default_rng(0)).shape == (8, 4)


def test_a_permutation_past_one_freeze_pattern_is_a_named_limit():
    # 2**40 was a numpy ValueError or a MemoryError (slow-tier fuzz, issue 12)
    from slt_theory.errors import ResourceLimitError

    from empirical.freezing import permutation

    with pytest.raises(ResourceLimitError, match="at most"):
        permutation(np.random.default_rng(0), 2**40)
    assert sorted(permutation(np.random.default_rng(0), 5).tolist()) == [0, 1, 2, 3, 4]
