"""The random inputs of Monte Carlo trials: values, freeze states and targets, drawn by numpy.

Reproducibility. Every random number of trial t is drawn by numpy from streams keyed by
(seed, t // TRIAL_BLOCK, stream) -- ``np.random.SeedSequence(seed, spawn_key=(block, stream))``,
i.e. the children that ``SeedSequence(seed).spawn`` would make -- and a block always draws all of
its TRIAL_BLOCK rows, sample-major (sample i of trial t sits at position i * TRIAL_BLOCK + t % TRIAL_BLOCK).
So trial t's numbers depend only on (seed, t): the same serially, with any number of numba
threads, in any chunking of the trials; and for one seed the first n samples of a trial do not
change when n grows (common random numbers along a curve over n). The numba kernel draws nothing.
"""

import concurrent.futures
import dataclasses
import math

import numba
import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from ..solvers.subset_sum import FreezeState, _classify_product

__all__ = ["DISTRIBUTIONS", "FREEZINGS", "STATEMENTS", "TRIAL_BLOCK", "draw_trials"]

#: Trials per random-number block; part of the definition of the streams, never change it.
TRIAL_BLOCK = 1024

STATEMENTS = ("uniform", "pointwise")
FREEZINGS = ("iid", "exact")
DISTRIBUTIONS = ("uniform", "product", "normal", "kaiming")

# stream ids inside a block
_S_VALUES, _S_SECOND, _S_KEYS, _S_KEYS2, _S_TARGET = range(5)

# --------------------------------------------------------------------------- options

@dataclasses.dataclass(frozen=True)
class _Options:
    prune_ratio: float = 0.0
    lock_ratio: float = 0.0
    statement: str = "uniform"
    freezing: str = "iid"
    distribution: str = "uniform"
    lo: float = -1.0
    hi: float = 1.0


def _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi):
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    _validate.choice("statement", statement, STATEMENTS)
    _validate.choice("freezing", freezing, FREEZINGS)
    _validate.choice("distribution", distribution, DISTRIBUTIONS)
    lo = _validate.finite("lo", lo)
    hi = _validate.finite("hi", hi)
    if lo > hi:
        raise InvalidParameterError(f"lo must be <= hi, got lo={lo!r}, hi={hi!r}")
    return _Options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)


def _seed(seed):
    return _validate.integer("seed", seed, minimum=0)


# --------------------------------------------------------------------------- drawing

def _block_gen(seed, block, stream):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, stream))))


def _freeze_keys(seed, block, stream, n, opts):
    """FreezeState codes (B, n) of one block; without freezing the keys are not even drawn
    (every key would give FREE, so the outcome is the same)."""
    if opts.prune_ratio == 0.0 and opts.lock_ratio == 0.0:
        return np.zeros((TRIAL_BLOCK, n), dtype=np.int8)  # FreezeState.FREE == 0
    return _freeze_from_keys(_block_gen(seed, block, stream).random((n, TRIAL_BLOCK)).T, n, opts)


def _freeze_from_keys(keys, n, opts):
    """FreezeState codes (rows, n) from uniform keys (rows, n)."""
    p, l = opts.prune_ratio, opts.lock_ratio
    state = np.full(keys.shape, FreezeState.FREE, dtype=np.int8)
    if opts.freezing == "iid":
        state[keys < p + l] = FreezeState.LOCKED
        state[keys < p] = FreezeState.PRUNED
    else:
        # the ranks of iid keys are a uniformly random permutation; Python's round (half to even),
        # as empirical.freezing.freeze_counts does
        n_pruned = min(n, round(p * n))
        n_locked = min(n - n_pruned, round(l * n))
        rank = np.argsort(np.argsort(keys, axis=1, kind="stable"), axis=1, kind="stable")
        state[rank < n_pruned + n_locked] = FreezeState.LOCKED
        state[rank < n_pruned] = FreezeState.PRUNED
    return state


def _draw_values(gen, n, distribution):
    if distribution == "normal":
        return gen.standard_normal((n, TRIAL_BLOCK)).T
    if distribution == "kaiming":
        return gen.standard_normal((n, TRIAL_BLOCK)).T * math.sqrt(2.0 / max(n, 1))
    return (2.0 * gen.random((n, TRIAL_BLOCK)) - 1.0).T  # uniform, and each factor of "product"


def _draw_block(n, seed, block, opts):
    """Values (B, n), FreezeState (B, n) and targets (B, 2) of one whole block."""
    if opts.distribution == "product":
        u = _draw_values(_block_gen(seed, block, _S_VALUES), n, "uniform")
        v = _draw_values(_block_gen(seed, block, _S_SECOND), n, "uniform")
        su = _freeze_keys(seed, block, _S_KEYS, n, opts)
        sv = _freeze_keys(seed, block, _S_KEYS2, n, opts)
        vals, state = _classify_product(u, v, su, sv)
    else:
        vals = _draw_values(_block_gen(seed, block, _S_VALUES), n, opts.distribution)
        state = _freeze_keys(seed, block, _S_KEYS, n, opts)
    if opts.statement == "pointwise":
        z = opts.lo + (opts.hi - opts.lo) * _block_gen(seed, block, _S_TARGET).random(TRIAL_BLOCK)
        targets = np.stack([z, z], axis=1)
    else:
        targets = np.tile([opts.lo, opts.hi], (TRIAL_BLOCK, 1))
    return vals, state, targets


def draw_trials(n, *, start=0, stop, seed=0, prune_ratio=0.0, lock_ratio=0.0, statement="uniform",
                freezing="iid", distribution="uniform", lo=-1.0, hi=1.0):
    """The random inputs of trials start..stop-1: values, FreezeState codes and targets.

    Returns
    -------
    values : ndarray, shape (stop - start, n)
        The samples; with distribution="product" the terms u_i v_i (absent ones marked PRUNED).
    state : ndarray of int8, shape (stop - start, n)
        FreezeState codes.
    targets : ndarray, shape (stop - start, 2)
        [lo, hi] per trial (lo == hi == z for statement="pointwise").

    Examples
    --------
    >>> v, s, t = draw_trials(5, start=3, stop=5, seed=1)
    >>> w, _, _ = draw_trials(5, stop=5, seed=1)
    >>> bool((v == w[3:]).all())
    True
    """
    n = _validate.integer("n", n, minimum=0)
    start = _validate.integer("start", start, minimum=0)
    stop = _validate.integer("stop", stop, minimum=start)
    seed = _seed(seed)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    return _draw(n, start, stop, seed, opts)


def _draw(n, start, stop, seed, opts):
    def one(block):
        b0 = block * TRIAL_BLOCK
        i0, i1 = max(start, b0) - b0, min(stop, b0 + TRIAL_BLOCK) - b0
        vals, state, targets = _draw_block(n, seed, block, opts)
        return vals[i0:i1], state[i0:i1], targets[i0:i1]

    blocks = range(start // TRIAL_BLOCK, (stop + TRIAL_BLOCK - 1) // TRIAL_BLOCK)
    workers = min(len(blocks), numba.get_num_threads())
    if workers > 1:
        # blocks are independent streams and numpy releases the GIL while filling arrays, so
        # threads draw the same numbers faster; the order of the parts is kept
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(one, blocks))
    else:
        parts = [one(b) for b in blocks]
    if not parts:
        return np.empty((0, n)), np.empty((0, n), np.int8), np.empty((0, 2))
    return tuple(np.ascontiguousarray(np.concatenate(p)) for p in zip(*parts))
