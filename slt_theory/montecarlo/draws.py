"""The random inputs of Monte Carlo trials: values, freeze states and targets, drawn by numpy.

Reproducibility. Every random number of trial t is drawn by numpy from streams keyed by
(seed, t // TRIAL_BLOCK, stream) -- ``np.random.SeedSequence(seed, spawn_key=(block, stream))``,
i.e. the children that ``SeedSequence(seed).spawn`` would make -- and each stream of a block is
the sequence of its TRIAL_BLOCK x n numbers, sample-major (sample i of trial t sits at position
i * TRIAL_BLOCK + t % TRIAL_BLOCK). So trial t's numbers depend only on (seed, t): the same
serially, with any number of numba threads, in any chunking of the trials; and for one seed the
first n samples of a trial do not change when n grows (common random numbers along a curve over
n). The numba kernel draws nothing.

Memory. A stream is read in pieces of PIECE_BYTES (a few samples of all TRIAL_BLOCK trials at a
time; numpy's generators give the same numbers in pieces as in one call), and only the rows of
the requested trials are kept, so the memory is that of the rows asked for, not of whole blocks:
``row_bytes(opts)`` bytes per sample of a kept row, plus a few pieces per drawing thread. Callers
keep their requests within MEMORY_BUDGET (slt_theory.montecarlo.coverage sizes its kernel calls
by it); a request that cannot fit raises ResourceLimitError saying the limit. The price of
keeping only some rows is that a block cut into several calls is read once per call (the numbers
of a trial sit all along its block's streams); callers make calls of whole blocks when the budget
allows. ``_draw_whole_blocks`` is the plain twin: it draws every block whole, as the definition
above reads, and the tests hold the two equal bit for bit.
"""

import concurrent.futures
import dataclasses
import math

import numba
import numpy as np

from .. import _validate
from ..errors import InvalidParameterError, ResourceLimitError
from ..solvers.subset_sum import FreezeState, _classify_product

__all__ = ["DISTRIBUTIONS", "FREEZINGS", "MAX_TRIALS", "MEMORY_BUDGET", "PIECE_BYTES",
           "STATEMENTS", "TRIAL_BLOCK", "draw_trials", "row_bytes"]

#: Trials per random-number block; part of the definition of the streams, never change it.
TRIAL_BLOCK = 1024

#: Bytes that the inputs of one kernel call may take (values, freeze states, targets, the
#: temporaries that make them and the solver's per-sample arrays). Raise it (module attribute)
#: for a very large n on a machine with the memory; results do not depend on it.
MEMORY_BUDGET = 256 * 2**20

#: Bytes of one piece of a stream read at a time: PIECE_BYTES / (8 TRIAL_BLOCK) samples of all
#: the trials of a block. Results do not depend on it.
PIECE_BYTES = 2**20

#: Most trials one call may run (``trials``, or ``stop - start``). 10^7 trials pin a probability
#: to +-3e-4 (95% Clopper-Pearson half-width at 1/2) and already take about 40 minutes at
#: n = 60, eps = 1e-4 on one core (docs/benchmarks.md); more is a typo, not a plan. Split a
#: larger experiment into calls of coverage_trials(start=..., stop=...).
MAX_TRIALS = 10**7

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

    @property
    def frozen(self):
        return self.prune_ratio != 0.0 or self.lock_ratio != 0.0


def _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi):
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    statement = _validate.choice("statement", statement, STATEMENTS)
    freezing = _validate.choice("freezing", freezing, FREEZINGS)
    distribution = _validate.choice("distribution", distribution, DISTRIBUTIONS)
    lo = _validate.finite("lo", lo)
    hi = _validate.finite("hi", hi)
    if lo > hi:
        raise InvalidParameterError(f"lo must be <= hi, got lo={lo!r}, hi={hi!r}")
    if not math.isfinite(hi - lo):
        raise InvalidParameterError(
            f"hi - lo must be a finite number, got lo={lo!r}, hi={hi!r} (the width overflows)")
    return _Options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)


def _seed(seed):
    return _validate.integer("seed", seed, minimum=0)


def _trial_range(start, stop):
    start = _validate.integer("start", start, minimum=0)
    stop = _validate.integer("stop", stop, minimum=start)
    if stop - start > MAX_TRIALS:
        raise ResourceLimitError(
            f"stop - start must be <= MAX_TRIALS = {MAX_TRIALS:,} trials per call, got "
            f"{stop - start:,}; split the trials into several calls")
    return start, stop


# --------------------------------------------------------------------------- memory model

def row_bytes(opts):
    """Bytes per sample of one kept trial row while it is drawn: the float64 value and int8
    state kept, plus the temporaries of exact freezing (float64 keys and two int64 argsorts)
    and of product terms (both factors, their states and the product)."""
    b = 8 + 1 + 2  # value, state, boolean masks
    if opts.freezing == "exact" and opts.frozen:
        b += 8 + 8 + 8 + 2
    if opts.distribution == "product":
        b += 8 + 8 + 8 + 1 + 1 + 4
    return b


def piece_samples():
    """Samples per piece of a stream (each piece holds them for all TRIAL_BLOCK trials)."""
    return max(1, PIECE_BYTES // (8 * TRIAL_BLOCK))


def _piece_overhead(threads):
    # per drawing thread: a piece, its transformed slice and boolean masks
    return threads * 3 * PIECE_BYTES


def _mib(nbytes):
    return f"{nbytes / 2**20:,.{0 if nbytes >= 10 * 2**20 else 2}f} MiB"


def _check_output(n, rows, opts):
    need = rows * (n * row_bytes(opts) + 16) + _piece_overhead(numba.get_num_threads())
    if need > MEMORY_BUDGET:
        raise ResourceLimitError(
            f"drawing {rows:,} trials of n={n:,} samples needs about {_mib(need)}, "
            f"more than MEMORY_BUDGET = {_mib(MEMORY_BUDGET)} "
            "(slt_theory.montecarlo.draws.MEMORY_BUDGET); draw fewer trials per call")


# --------------------------------------------------------------------------- drawing

def _block_gen(seed, block, stream):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, stream))))


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


def _value_transform(distribution, n):
    """(numpy method, elementwise map) turning a stream's raw numbers into sample values."""
    if distribution == "normal":
        return "standard_normal", lambda z: z
    if distribution == "kaiming":
        scale = math.sqrt(2.0 / max(n, 1))
        return "standard_normal", lambda z: z * scale
    return "random", lambda r: 2.0 * r - 1.0  # uniform, and each factor of "product"


def _stream_rows(seed, block, stream, n, i0, i1, method, fn, out):
    """out[r, j] = fn(number j * TRIAL_BLOCK + i0 + r of the block's stream), read in pieces.

    ``fn`` is elementwise, so applying it piece by piece gives the numbers of one whole call.
    """
    gen = _block_gen(seed, block, stream)
    draw = getattr(gen, method)
    step = piece_samples()
    for j0 in range(0, n, step):
        j1 = min(n, j0 + step)
        out[:, j0:j1] = fn(draw((j1 - j0, TRIAL_BLOCK))[:, i0:i1].T)


def _freeze_rows(seed, block, stream, n, i0, i1, opts, out):
    """FreezeState codes of rows i0..i1 of a block into ``out`` (rows, n)."""
    if not opts.frozen:
        out[...] = FreezeState.FREE  # every key would give FREE: the keys are not even drawn
    elif opts.freezing == "iid":  # elementwise in the keys: piece by piece
        _stream_rows(seed, block, stream, n, i0, i1, "random",
                     lambda keys: _freeze_from_keys(keys, n, opts), out)
    else:  # ranks need a trial's whole row of keys
        keys = np.empty((i1 - i0, n))
        _stream_rows(seed, block, stream, n, i0, i1, "random", lambda r: r, keys)
        out[...] = _freeze_from_keys(keys, n, opts)


def _fill_block(n, seed, block, opts, i0, i1, vals, state, targets):
    """Rows i0..i1 of block ``block`` into the (i1 - i0)-row views vals, state, targets."""
    if opts.distribution == "product":
        method, fn = _value_transform("uniform", n)
        u = np.empty((i1 - i0, n))
        v = np.empty((i1 - i0, n))
        _stream_rows(seed, block, _S_VALUES, n, i0, i1, method, fn, u)
        _stream_rows(seed, block, _S_SECOND, n, i0, i1, method, fn, v)
        su = np.empty((i1 - i0, n), np.int8)
        sv = np.empty((i1 - i0, n), np.int8)
        _freeze_rows(seed, block, _S_KEYS, n, i0, i1, opts, su)
        _freeze_rows(seed, block, _S_KEYS2, n, i0, i1, opts, sv)
        vals[...], state[...] = _classify_product(u, v, su, sv)
    else:
        method, fn = _value_transform(opts.distribution, n)
        _stream_rows(seed, block, _S_VALUES, n, i0, i1, method, fn, vals)
        _freeze_rows(seed, block, _S_KEYS, n, i0, i1, opts, state)
    if opts.statement == "pointwise":
        z = opts.lo + (opts.hi - opts.lo) * _block_gen(seed, block, _S_TARGET).random(TRIAL_BLOCK)
        targets[:, 0] = z[i0:i1]
        targets[:, 1] = z[i0:i1]
    else:
        targets[:, 0] = opts.lo
        targets[:, 1] = opts.hi


def draw_trials(n, *, start=0, stop, seed=0, prune_ratio=0.0, lock_ratio=0.0, statement="uniform",
                freezing="iid", distribution="uniform", lo=-1.0, hi=1.0):
    """The random inputs of trials start..stop-1: values, FreezeState codes and targets.

    Raises ResourceLimitError when the arrays (with the temporaries that make them) would take
    more than MEMORY_BUDGET bytes: about ``(stop - start) * n * row_bytes`` (11 bytes per sample
    without exact freezing or product terms).

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
    start, stop = _trial_range(start, stop)
    seed = _seed(seed)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    _check_output(n, stop - start, opts)
    return _draw(n, start, stop, seed, opts)


def _draw(n, start, stop, seed, opts):
    """Values, states and targets of trials start..stop-1 (no checks; see the module docstring
    for the memory it takes)."""
    vals = np.empty((stop - start, n))
    state = np.empty((stop - start, n), np.int8)
    targets = np.empty((stop - start, 2))

    def one(block):
        b0 = block * TRIAL_BLOCK
        i0, i1 = max(start, b0) - b0, min(stop, b0 + TRIAL_BLOCK) - b0
        r0, r1 = b0 + i0 - start, b0 + i1 - start
        _fill_block(n, seed, block, opts, i0, i1, vals[r0:r1], state[r0:r1], targets[r0:r1])

    blocks = range(start // TRIAL_BLOCK, (stop + TRIAL_BLOCK - 1) // TRIAL_BLOCK)
    workers = min(len(blocks), numba.get_num_threads())
    if workers > 1:
        # blocks are independent streams writing disjoint rows, and numpy releases the GIL while
        # filling arrays, so threads draw the same numbers faster
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, blocks))
    else:
        for b in blocks:
            one(b)
    return vals, state, targets


# --------------------------------------------------------------------------- the plain twin

def _draw_values(gen, n, distribution):
    if distribution == "normal":
        return gen.standard_normal((n, TRIAL_BLOCK)).T
    if distribution == "kaiming":
        return gen.standard_normal((n, TRIAL_BLOCK)).T * math.sqrt(2.0 / max(n, 1))
    return (2.0 * gen.random((n, TRIAL_BLOCK)) - 1.0).T  # uniform, and each factor of "product"


def _freeze_keys(seed, block, stream, n, opts):
    if not opts.frozen:
        return np.zeros((TRIAL_BLOCK, n), dtype=np.int8)  # FreezeState.FREE == 0
    return _freeze_from_keys(_block_gen(seed, block, stream).random((n, TRIAL_BLOCK)).T, n, opts)


def _draw_block(n, seed, block, opts):
    """Values (B, n), FreezeState (B, n) and targets (B, 2) of one whole block, each stream
    drawn in one call: the definition of the streams, read literally."""
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


def _draw_whole_blocks(n, start, stop, seed, opts):
    """The plain twin of :func:`_draw`: every block drawn whole, then cut (memory of whole
    blocks: TRIAL_BLOCK * n samples each)."""
    parts = []
    for block in range(start // TRIAL_BLOCK, (stop + TRIAL_BLOCK - 1) // TRIAL_BLOCK):
        b0 = block * TRIAL_BLOCK
        i0, i1 = max(start, b0) - b0, min(stop, b0 + TRIAL_BLOCK) - b0
        vals, state, targets = _draw_block(n, seed, block, opts)
        parts.append((vals[i0:i1], state[i0:i1], targets[i0:i1]))
    if not parts:
        return np.empty((0, n)), np.empty((0, n), np.int8), np.empty((0, 2))
    return tuple(np.ascontiguousarray(np.concatenate(p)) for p in zip(*parts))
