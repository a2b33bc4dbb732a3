"""Freeze patterns of a partially frozen source network.

A weight of the source is in one of three states (:class:`FreezeState`): PRUNED (always removed),
LOCKED (always kept) or FREE (the Edge-Popup search decides). Per layer the counts are exact,
``round(ratio * numel)``, and the positions come from a seeded permutation drawn with NumPy's
generator, so a pattern is regenerated bit-identically from the seed whatever torch does.

Vocabulary, used everywhere in `empirical`: *sparsity* is the fraction of weights REMOVED;
*prune_ratio* and *lock_ratio* are the fractions frozen to removed and to kept;
*freeze_ratio* = prune_ratio + lock_ratio. A dense source is prune_ratio = lock_ratio = 0; a
randomly pruned source (Gadhikar et al. 2023) is lock_ratio = 0.

This module needs only NumPy.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from slt_theory._validate import choice, freeze_split
from slt_theory.errors import InvalidParameterError
from slt_theory.solvers.subset_sum import FreezeState

__all__ = [
    "FreezeState",
    "ALLOCATIONS",
    "allocate",
    "freeze_counts",
    "freeze_pattern",
    "permutation",
]


ALLOCATIONS = ("uniform", "erk", "epl", "igq")


def permutation(rng: np.random.Generator, n: int) -> np.ndarray:
    """A uniformly random permutation of ``range(n)`` built from ``rng.random`` only.

    ``Generator.permutation`` is not covered by NumPy's stream-compatibility promise; doubles from
    ``random()`` are the most stable stream it has, and argsort of iid doubles is a uniform
    permutation (ties have probability ~n^2 / 2^53 and are broken by index, deterministically).
    """
    return np.argsort(rng.random(n), kind="stable")


def _density_profile(shapes: Sequence[tuple[int, ...]], method: str):
    """Return ``density(c)`` -> per-layer densities, nondecreasing in the scalar c >= 0."""
    numels = np.array([math.prod(s) for s in shapes], dtype=np.float64)
    if method == "erk":
        # Erdos-Renyi-Kernel (Evci et al. 2020): density proportional to sum(dims) / prod(dims).
        raw = np.array([sum(s) / math.prod(s) for s in shapes], dtype=np.float64)
        return lambda c: np.minimum(1.0, c * raw)
    if method == "epl":
        # Equal per layer: every layer keeps the same number c of weights (capped at its size).
        return lambda c: np.minimum(1.0, c / numels)
    if method == "igq":
        # Ideal-gas quotas (Vysogorets & Kempe 2023), our reading: layer l keeps
        # n_l / (1 + c' n_l) weights, so large layers are compressed most and all counts
        # saturate at 1 / c'. Parametrised by c = 1 / c' to be increasing.
        return lambda c: np.ones_like(numels) if c == math.inf else (c / (c + numels))
    raise AssertionError(method)


def allocate(shapes: Sequence[tuple[int, ...]], kept_fraction: float, method: str = "uniform"):
    """Per-layer kept fractions whose weighted mean is ``kept_fraction``.

    Parameters
    ----------
    shapes : sequence of tuple of int
        Weight shapes, in layer order.
    kept_fraction : float
        Network-wide fraction kept, in [0, 1].
    method : {"uniform", "erk", "epl", "igq"}
        Layer-wise allocation. Every method is monotone: a larger ``kept_fraction`` never lowers a
        layer's fraction, so a freeze pattern allocated with it nests (prune <= freeze per layer).

    Returns
    -------
    numpy.ndarray
        Per-layer fractions in [0, 1].

    Examples
    --------
    >>> allocate([(10, 10), (10, 1000)], 0.5).tolist()
    [0.5, 0.5]
    >>> f = allocate([(10, 10), (10, 1000)], 0.5, "erk")
    >>> bool(f[0] > f[1]), round(float(f @ [100, 10000]) / 10100, 6)
    (True, 0.5)
    """
    method = choice("allocation", method, set(ALLOCATIONS))
    kept_fraction = float(kept_fraction)
    if not 0.0 <= kept_fraction <= 1.0:
        raise InvalidParameterError(f"kept fraction must lie in [0, 1], got {kept_fraction!r}")
    if not shapes:
        raise InvalidParameterError("allocate needs at least one layer shape")
    numels = np.array([math.prod(s) for s in shapes], dtype=np.float64)
    if method == "uniform" or kept_fraction in (0.0, 1.0):
        return np.full(len(shapes), kept_fraction)
    density = _density_profile(shapes, method)
    target = kept_fraction * numels.sum()
    lo, hi = 0.0, 1.0
    while density(hi) @ numels < target:
        hi *= 2.0
    for _ in range(200):  # bisection to float precision; the map is continuous and monotone
        mid = 0.5 * (lo + hi)
        if density(mid) @ numels < target:
            lo = mid
        else:
            hi = mid
    return density(hi)


def freeze_counts(shapes, prune_ratio: float, lock_ratio: float, allocation: str = "uniform"):
    """Exact per-layer (pruned, locked) counts.

    The freeze ratio and the prune ratio are allocated with the same monotone method and the
    locked count is their difference, so every layer has ``pruned + locked <= numel``.

    Examples
    --------
    >>> freeze_counts([(4, 5), (3, 3)], 0.25, 0.5)
    [(5, 10), (2, 5)]
    """
    prune_ratio, lock_ratio = freeze_split(prune_ratio, lock_ratio)
    numels = [math.prod(s) for s in shapes]
    prune_f = 1.0 - allocate(shapes, 1.0 - prune_ratio, allocation)
    freeze_f = 1.0 - allocate(shapes, 1.0 - prune_ratio - lock_ratio, allocation)
    out = []
    for n, p, f in zip(numels, prune_f, freeze_f):
        n_pruned = int(round(p * n))
        n_frozen = max(n_pruned, int(round(f * n)))
        out.append((n_pruned, n_frozen - n_pruned))
    return out


def freeze_pattern(shape, n_pruned: int, n_locked: int, rng: np.random.Generator) -> np.ndarray:
    """An ``int8`` array of :class:`FreezeState` with exactly the requested counts.

    The first ``n_pruned`` entries of a seeded permutation are PRUNED, the next ``n_locked`` are
    LOCKED, the rest FREE.

    Examples
    --------
    >>> s = freeze_pattern((3, 4), 3, 2, np.random.default_rng(0))
    >>> [int((s == k).sum()) for k in FreezeState]
    [3, 7, 2]
    """
    n = math.prod(shape)
    if not (0 <= n_pruned and 0 <= n_locked and n_pruned + n_locked <= n):
        raise InvalidParameterError(
            f"need 0 <= n_pruned, n_locked and n_pruned + n_locked <= {n}, got {n_pruned}, {n_locked}"
        )
    perm = permutation(rng, n)
    state = np.full(n, FreezeState.FREE, dtype=np.int8)
    state[perm[:n_pruned]] = FreezeState.PRUNED
    state[perm[n_pruned:n_pruned + n_locked]] = FreezeState.LOCKED
    return state.reshape(shape)

