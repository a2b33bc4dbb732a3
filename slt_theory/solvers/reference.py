"""Plain, obviously correct subset-sum coverage: the slow twins that the fast solvers are tested
against, and the exact check behind the bound tests of docs/theory.md.

Coverage (docs/theory.md, Definition 1): values x_1..x_m (the free ones) eps-cover the target
interval [lo, hi] with offset L (the locked sum) when every z in [lo, hi] satisfies
|z - L - sum_{i in S} x_i| <= eps for some subset S. "Within eps" is "<= eps": neighbourhoods
are closed intervals and two of them that touch at one point join.

Floating point: endpoints are computed as (s - eps) + x, so they carry a rounding error of at
most a few ulps per value; on dyadic inputs (all values, eps and bounds exact binary fractions
with few bits) every endpoint is exact and ties are decided exactly.
"""

import itertools

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from .subset_sum import _target, _values


def _as_values(values):
    # the same input checks as the fast solvers, so that twin and solver refuse alike
    return _values(values)


def _window(eps, lo, hi):
    eps = _validate.positive("eps", eps)
    lo = _validate.finite("lo", lo)
    hi = _validate.finite("hi", hi)
    if lo > hi:
        raise InvalidParameterError(f"lo must be <= hi, got lo={lo!r}, hi={hi!r}")
    return eps, lo, hi


def _merge(intervals):
    """Union of closed intervals as a sorted list of disjoint closed intervals."""
    intervals = sorted(intervals)
    merged = []
    for lo, hi in intervals:
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1][1] = hi
        else:
            merged.append([lo, hi])
    return merged


def covered_set_reference(values, eps, lo=-1.0, hi=1.0):
    """C_m of docs/theory.md, Lemma 1: the union of [s - eps, s + eps] over the subset sums s,
    cut to the points that can still matter for [lo, hi], as sorted disjoint intervals.

    C_{k+1} = C_k U (C_k + x_{k+1}); after each step the intervals that the remaining values can
    no longer move into [lo, hi] are dropped (they cannot contribute to the final answer).
    """
    values = _as_values(values)
    eps, lo, hi = _window(eps, lo, hi)
    # suffix sums of the positive and negative parts: what values k+1..m can still add
    pos_left = np.concatenate([np.cumsum(np.clip(values, 0, None)[::-1])[::-1], [0.0]])
    neg_left = np.concatenate([np.cumsum(np.clip(values, None, 0)[::-1])[::-1], [0.0]])
    cover = [[-eps, eps]]
    for k, x in enumerate(values):
        cover = _merge(cover + [[a + x, b + x] for a, b in cover])
        # a point y of C_k ends in [y + neg_left, y + pos_left]; drop it if that misses [lo, hi]
        keep_lo, keep_hi = lo - pos_left[k + 1], hi - neg_left[k + 1]
        cover = [[a, b] for a, b in cover if b >= keep_lo and a <= keep_hi]
        if not cover:
            break
    return cover


def covers_reference(values, eps, *, locked_sum=0.0, lo=-1.0, hi=1.0):
    """True when every z in [lo, hi] is within eps of locked_sum plus some subset sum of values.

    >>> covers_reference([0.5, -0.25], 0.25, lo=-0.5, hi=0.5)
    True
    >>> covers_reference([0.5], 0.2, lo=-0.5, hi=0.5)
    False
    """
    eps, _, _ = _window(eps, lo, hi)
    target_lo, target_hi = _target(locked_sum, lo, hi)
    cover = covered_set_reference(values, eps, target_lo, target_hi)
    return any(a <= target_lo and b >= target_hi for a, b in cover)


def subset_sums_brute_force(values):
    """All 2^m subset sums, by enumeration (m <= 20)."""
    values = _as_values(values)
    if values.size > 20:
        raise InvalidParameterError(f"brute force takes at most 20 values, got {values.size}")
    sums = np.zeros(1)
    for x in values:
        sums = np.concatenate([sums, sums + x])
    return sums


def subset_sum_error_brute_force(values, *, locked_sum=0.0, lo=-1.0, hi=1.0):
    """sup over z in [lo, hi] of the distance from z - locked_sum to the nearest subset sum.

    The supremum is attained at lo, at hi or at a midpoint between consecutive sums; distances
    are found by binary search in the sorted sums (memory linear in 2^m).
    """
    _target(locked_sum, lo, hi)
    locked_sum, lo, hi = float(locked_sum), float(lo), float(hi)
    sums = np.unique(subset_sums_brute_force(values)) + locked_sum
    mids = (sums[:-1] + sums[1:]) / 2.0
    candidates = np.concatenate([[lo, hi], mids[(mids >= lo) & (mids <= hi)]])
    right = np.clip(np.searchsorted(sums, candidates), 0, sums.size - 1)
    left = np.clip(right - 1, 0, sums.size - 1)
    nearest = np.minimum(np.abs(candidates - sums[left]), np.abs(candidates - sums[right]))
    return float(nearest.max())


def covers_brute_force(values, eps, *, locked_sum=0.0, lo=-1.0, hi=1.0):
    """The same question as covers_reference, answered by enumerating all subset sums."""
    eps = _validate.positive("eps", eps)
    return subset_sum_error_brute_force(values, locked_sum=locked_sum, lo=lo, hi=hi) <= eps


def find_subset_brute_force(values, target, eps):
    """Indices of a subset whose sum is within eps of target, or None; by enumeration."""
    values = _as_values(values)
    target = _validate.finite("target", target)
    eps = _validate.positive("eps", eps)
    if values.size > 20:
        raise InvalidParameterError(f"brute force takes at most 20 values, got {values.size}")
    for r in range(values.size + 1):
        for idx in itertools.combinations(range(values.size), r):
            if abs(target - values[list(idx)].sum()) <= eps:
                return list(idx)
    return None
