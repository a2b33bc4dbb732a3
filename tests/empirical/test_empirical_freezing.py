"""Freeze patterns: exact counts, nesting of the allocations, special cases, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empirical.freezing import ALLOCATIONS, FreezeState, allocate, freeze_counts, freeze_pattern
from slt_theory.errors import InvalidParameterError

SHAPES = [(64, 3, 3, 3), (64, 64, 3, 3), (256, 4096), (10, 256)]


def test_states_are_the_reference_codes():
    assert [int(s) for s in FreezeState] == [-1, 0, 1]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 200), st.floats(0, 0.95), st.floats(0, 1), st.integers(0, 2**32))
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
