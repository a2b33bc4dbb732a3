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
from slt_theory.errors import InvalidParameterError, ResourceLimitError
from slt_theory.solvers.subset_sum import FreezeState

from ._checks import count, dims, in_range, text

__all__ = [
    "FreezeState",
    "ALLOCATIONS",
    "LOCK_METHODS",
    "allocate",
    "freeze_counts",
    "oracle_counts",
    "freeze_pattern",
    "permutation",
]


ALLOCATIONS = ("uniform", "erk", "epl", "igq")
# How the LOCKED share is spread over layers (the reference code's ``r_method``):
# "sparsity_distribution" allocates the freeze ratio and the prune ratio with the same method and
# locks the difference; "density_distribution" allocates the lock ratio on its own, as if the
# locked weights were the kept weights of a ticket of density lock_ratio.
LOCK_METHODS = ("sparsity_distribution", "density_distribution")


#: The most weights one freeze pattern may have (the bound of models.MAX_WEIGHTS, written out:
#: models imports layers, which imports this module).
MAX_PATTERN = 2**31 - 1


def _shapes(shapes):
    if isinstance(shapes, (str, bytes)) or not isinstance(shapes, (list, tuple)) or not shapes:
        raise InvalidParameterError(
            f"shapes must be a non-empty list of weight shapes, got {shapes!r}")
    return [dims(f"shapes[{i}]", s) for i, s in enumerate(shapes)]


def permutation(rng: np.random.Generator, n: int) -> np.ndarray:
    """A uniformly random permutation of ``range(n)`` built from ``rng.random`` only.

    ``Generator.permutation`` is not covered by NumPy's stream-compatibility promise; doubles from
    ``random()`` are the most stable stream it has, and argsort of iid doubles is a uniform
    permutation (ties have probability ~n^2 / 2^53 and are broken by index, deterministically).
    """
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(f"rng must be a numpy.random.Generator, got {rng!r}")
    n = count("n", n)
    if n > MAX_PATTERN:  # 2^40 was a numpy ValueError or a MemoryError (issue-12 fuzz)
        raise ResourceLimitError(f"n must be at most {MAX_PATTERN} (one freeze pattern), got {n}")
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
    method = choice("allocation", text("allocation", method), set(ALLOCATIONS))
    kept_fraction = in_range("kept_fraction", kept_fraction, 0.0, 1.0)
    shapes = _shapes(shapes)
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


def freeze_counts(shapes, prune_ratio: float, lock_ratio: float, allocation: str = "uniform",
                  lock_method: str = "sparsity_distribution"):
    """Exact per-layer (pruned, locked) counts.

    With ``lock_method="sparsity_distribution"`` (the reference configs' choice) the freeze ratio
    and the prune ratio are allocated with the same monotone method and the locked count is their
    difference. With ``"density_distribution"`` (the reference parser's default) layer ``l`` locks
    ``allocate(shapes, lock_ratio)[l]`` of its weights: the locked weights are spread like the kept
    weights of a ticket of density ``lock_ratio``. Either way every layer has
    ``pruned + locked <= numel``: the allocations are monotone and
    ``lock_ratio <= 1 - prune_ratio``.

    Examples
    --------
    >>> freeze_counts([(4, 5), (3, 3)], 0.25, 0.5)
    [(5, 10), (2, 5)]
    >>> freeze_counts([(4, 5), (3, 3)], 0.25, 0.5, "uniform", "density_distribution")
    [(5, 10), (2, 4)]
    """
    prune_ratio, lock_ratio = freeze_split(prune_ratio, lock_ratio)
    choice("lock_method", text("lock_method", lock_method), set(LOCK_METHODS))
    # checked here too: compared with == below, an array would be ambiguous (ValueError)
    choice("allocation", text("allocation", allocation), set(ALLOCATIONS))
    shapes = _shapes(shapes)
    numels = [math.prod(s) for s in shapes]
    prune_f = _removed_shares(shapes, prune_ratio, allocation)
    if lock_method == "density_distribution":
        lock_f = allocate(shapes, lock_ratio, allocation)
        out = []
        for n, p, r in zip(numels, prune_f, lock_f):
            n_pruned = int(round(p * n))
            out.append((n_pruned, min(int(round(r * n)), n - n_pruned)))
        return out
    freeze_f = _removed_shares(shapes, prune_ratio + lock_ratio, allocation)
    out = []
    for n, p, f in zip(numels, prune_f, freeze_f):
        n_pruned = int(round(p * n))
        n_frozen = max(n_pruned, int(round(f * n)))
        out.append((n_pruned, n_frozen - n_pruned))
    return out


def _removed_shares(shapes, removed, allocation):
    """Per-layer shares removed when the network keeps 1 - ``removed``. Uniform: exactly
    ``removed`` in every layer (1 - (1 - r) is not r in floating point, which would move
    round(r n) at a tie such as r n = 3.5)."""
    if allocation == "uniform":
        return np.full(len(shapes), float(removed))
    return 1.0 - allocate(shapes, 1.0 - removed, allocation)


def oracle_counts(shapes, kept, freeze_ratio: float, allocation: str = "uniform"):
    """Per-layer (pruned, locked) counts whose frozen part copies a found ticket's layer densities.

    The reference code's ``mask_file`` option: layer ``l`` freezes the share ``f_l`` that the
    allocation gives to ``freeze_ratio``; its FREE share ``1 - f_l`` is split evenly between
    weights the found ticket keeps and weights it drops (as far as the ticket's density ``k_l``
    allows), and the rest of each kind is frozen, so that the frozen part keeps the share ``k_l``
    of the ticket. Positions are still drawn at random (:func:`freeze_pattern`).

    Parameters
    ----------
    shapes : sequence of tuple of int
    kept : sequence of float
        Per-layer kept fraction (density) of the found ticket, one per shape, in [0, 1].
    freeze_ratio : float
        Network-wide prune_ratio + lock_ratio, in [0, 1).

    Examples
    --------
    A layer whose ticket keeps 30% of 100 weights, with 40% frozen: 60 FREE weights, 30 of each
    kind, so all 30 kept weights are FREE and the 40 frozen ones are all pruned:

    >>> oracle_counts([(10, 10)], [0.3], 0.4)
    [(40, 0)]
    """
    shapes = _shapes(shapes)
    if isinstance(kept, (str, bytes)) or not hasattr(kept, "__len__") or len(kept) != len(shapes):
        raise InvalidParameterError(
            f"kept must give one density per layer ({len(shapes)} layers), got {kept!r}")
    kept = [in_range(f"kept[{i}]", k, 0.0, 1.0) for i, k in enumerate(kept)]
    freeze_ratio = in_range("freeze_ratio", freeze_ratio, 0.0, 1.0, high_open=True)
    frozen = 1.0 - allocate(shapes, 1.0 - freeze_ratio, allocation)
    out = []
    for shape, k, f in zip(shapes, kept, frozen):
        n = math.prod(shape)
        free_ones = free_zeros = (1.0 - f) / 2.0
        if free_ones > k:  # the ticket keeps too few to fill half the FREE share
            free_zeros, free_ones = free_zeros + free_ones - k, k
        if free_zeros > 1.0 - k:
            free_ones, free_zeros = free_ones + free_zeros - (1.0 - k), 1.0 - k
        n_pruned = int(round(max(0.0, (1.0 - k) - free_zeros) * n))
        n_locked = min(int(round(max(0.0, k - free_ones) * n)), n - n_pruned)
        out.append((n_pruned, n_locked))
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
    n = math.prod(dims("shape", shape))
    if n > MAX_PATTERN:  # (2**40, 2**40) was a numpy ValueError after a long wait
        raise ResourceLimitError(f"shape {shape!r} has {n} weights, more than {MAX_PATTERN}")
    n_pruned, n_locked = count("n_pruned", n_pruned), count("n_locked", n_locked)
    if n_pruned + n_locked > n:
        raise InvalidParameterError(
            f"need 0 <= n_pruned, n_locked and n_pruned + n_locked <= {n}, got {n_pruned}, {n_locked}"
        )
    perm = permutation(rng, n)
    state = np.full(n, FreezeState.FREE, dtype=np.int8)
    state[perm[:n_pruned]] = FreezeState.PRUNED
    state[perm[n_pruned:n_pruned + n_locked]] = FreezeState.LOCKED
    return state.reshape(shape)

