"""The plain coverage test of Lemma 1 against brute-force enumeration of all subset sums."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from slt_theory.errors import InvalidParameterError
from slt_theory.solvers.reference import (
    covered_set_reference,
    covers_brute_force,
    covers_reference,
    find_subset_brute_force,
    subset_sum_error_brute_force,
    subset_sums_brute_force,
)

values_st = st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=0, max_size=11)


@given(values=values_st, eps=st.floats(1e-3, 0.6), locked=st.floats(-1.5, 1.5))
@settings(max_examples=300, deadline=None)
def test_reference_agrees_with_brute_force(values, eps, locked):
    error = subset_sum_error_brute_force(values, locked_sum=locked)
    # away from the tie, the exact interval test and enumeration must agree
    assume(abs(error - eps) > 1e-9)
    assert covers_reference(values, eps, locked_sum=locked) == covers_brute_force(values, eps, locked_sum=locked)


@given(k=st.lists(st.integers(-8, 8), max_size=8), e=st.integers(1, 8), shift=st.integers(-8, 8))
@settings(max_examples=200, deadline=None)
def test_dyadic_ties_count_as_covered(k, e, shift):
    # values, eps and offset are multiples of 1/8: every sum is exact, so at eps equal to the
    # true error the answer must be True ("within eps" means <= eps), and False just below it
    values = [x / 8 for x in k]
    locked = shift / 8
    error = subset_sum_error_brute_force(values, locked_sum=locked)
    assert covers_reference(values, error if error > 0 else 1 / 8, locked_sum=locked)
    if error > 0:
        assert not covers_reference(values, error * (1 - 2**-20), locked_sum=locked)


def test_small_cases_by_hand():
    assert covers_reference([], 1.0)  # the empty sum covers [-1, 1] within 1
    assert not covers_reference([], 0.999)
    assert covers_reference([1.0, -1.0], 0.5)  # sums -1, 0, 1: error 0.5
    assert not covers_reference([1.0, -1.0], 0.49)
    assert covers_reference([0.5], 0.25, locked_sum=-0.25, lo=-0.5, hi=0.5)
    assert sorted(subset_sums_brute_force([1.0, 2.0])) == [0.0, 1.0, 2.0, 3.0]


def test_duplicates_and_extremes():
    assert covers_reference([1.0] * 4 + [-1.0] * 4, 0.5)
    assert covers_reference([0.5] * 4 + [-0.5] * 4, 0.25)
    assert not covers_reference([0.5] * 4 + [-0.5] * 4, 0.24)


def test_covered_set_is_sorted_and_disjoint():
    rng = np.random.default_rng(3)
    cover = covered_set_reference(rng.uniform(-1, 1, 12), 0.01)
    for (a0, b0), (a1, b1) in zip(cover, cover[1:]):
        assert a0 <= b0 < a1 <= b1


def test_find_subset_brute_force():
    values = [0.3, -0.7, 0.55]
    idx = find_subset_brute_force(values, -0.15, 0.01)
    assert idx is not None and abs(sum(values[i] for i in idx) + 0.15) <= 0.01
    assert find_subset_brute_force([0.3], 0.9, 0.01) is None


@pytest.mark.parametrize("kwargs", [dict(eps=0.0), dict(eps=-1.0), dict(eps=0.1, lo=1.0, hi=0.0),
                                    dict(eps=0.1, locked_sum=float("nan"))])
def test_bad_input(kwargs):
    with pytest.raises(InvalidParameterError):
        covers_reference([0.1], **kwargs)
    with pytest.raises(InvalidParameterError):
        covers_reference([float("inf")], 0.1)
