"""Monte Carlo coverage: how likely n random samples, partly pruned and partly locked, eps-cover
the target interval, with Clopper-Pearson intervals, and the smallest n that reaches 1 - delta.

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
from scipy import stats

from . import _subset_sum_kernels as _k
from . import _validate
from .errors import InvalidParameterError
from .subset_sum import MAX_INTERVALS, FreezeState, _classify_product

__all__ = [
    "CoverageResult",
    "RequiredSamples",
    "TRIAL_BLOCK",
    "clopper_pearson",
    "coverage_probability",
    "coverage_trials",
    "draw_trials",
    "empirical_required_samples",
    "lower_confidence_bound",
    "upper_confidence_bound",
]

#: Trials per random-number block; part of the definition of the streams, never change it.
TRIAL_BLOCK = 1024

STATEMENTS = ("uniform", "pointwise")
FREEZINGS = ("iid", "exact")
DISTRIBUTIONS = ("uniform", "product", "normal", "kaiming")

# stream ids inside a block
_S_VALUES, _S_SECOND, _S_KEYS, _S_KEYS2, _S_TARGET = range(5)


# --------------------------------------------------------------------------- confidence bounds

def _counts(successes, trials):
    trials = _validate.integer("trials", trials, minimum=1)
    successes = _validate.integer("successes", successes, minimum=0)
    if successes > trials:
        raise InvalidParameterError(f"successes must be <= trials={trials}, got {successes}")
    return successes, trials


def _level(level):
    return _validate.open_unit("level", level)


def upper_confidence_bound(successes, trials, level=0.95):
    """One-sided Clopper-Pearson upper bound: the largest p not rejected at level ``level``.

    .. math:: p_U = \\mathrm{Beta}^{-1}(\\text{level};\\ k + 1,\\ N - k), \\quad p_U = 1 \\text{ if } k = N.

    Examples
    --------
    >>> round(upper_confidence_bound(0, 100, 0.95), 4)   # the "rule of three": about 3/100
    0.0295
    >>> upper_confidence_bound(10, 10)
    1.0
    """
    k, n = _counts(successes, trials)
    level = _level(level)
    if k == n:
        return 1.0
    return float(stats.beta.ppf(level, k + 1, n - k))


def lower_confidence_bound(successes, trials, level=0.95):
    """One-sided Clopper-Pearson lower bound (0 when successes == 0).

    Examples
    --------
    >>> round(lower_confidence_bound(100, 100, 0.95), 4)
    0.9705
    """
    k, n = _counts(successes, trials)
    level = _level(level)
    if k == 0:
        return 0.0
    return float(stats.beta.ppf(1.0 - level, k, n - k + 1))


def clopper_pearson(successes, trials, confidence=0.95):
    """Two-sided Clopper-Pearson (exact binomial) interval with the given confidence.

    Examples
    --------
    >>> lo, hi = clopper_pearson(50, 100)
    >>> round(lo, 3), round(hi, 3)
    (0.398, 0.602)
    """
    k, n = _counts(successes, trials)
    confidence = _validate.open_unit("confidence", confidence)
    alpha = 1.0 - confidence
    lo = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lo, hi


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


def _capacity(values, eps, targets, max_intervals):
    if values.size == 0:
        return 2
    width = float(np.max(targets[:, 1] - targets[:, 0])) + float(np.abs(values).sum(axis=1).max())
    need = width / (2.0 * eps) + 3.0
    if values.shape[1] < 60:
        need = min(need, 2.0 ** values.shape[1])
    return int(min(need, max_intervals)) + 1


def coverage_trials(n, eps, *, start=0, stop, seed=0, prune_ratio=0.0, lock_ratio=0.0,
                    statement="uniform", freezing="iid", distribution="uniform", lo=-1.0, hi=1.0,
                    max_intervals=MAX_INTERVALS, chunk=None):
    """Per-trial outcomes (bool array) of trials start..stop-1; what coverage_probability counts.

    ``chunk`` (trials per kernel call, default all) bounds the memory of the drawn inputs; the
    outcomes do not depend on it, nor on the number of numba threads.

    Examples
    --------
    >>> a = coverage_trials(12, 0.05, stop=300, seed=3)
    >>> b = coverage_trials(12, 0.05, start=100, stop=300, seed=3, chunk=7)
    >>> bool((a[100:] == b).all())
    True
    """
    n = _validate.integer("n", n, minimum=0)
    eps = _validate.positive("eps", eps)
    start = _validate.integer("start", start, minimum=0)
    stop = _validate.integer("stop", stop, minimum=start)
    seed = _seed(seed)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    max_intervals = _validate.integer("max_intervals", max_intervals, minimum=2)
    chunk = (stop - start) if chunk is None else _validate.integer("chunk", chunk, minimum=1)
    return _coverage_trials(n, eps, start, stop, seed, opts, max_intervals, max(chunk, 1))


def _coverage_trials(n, eps, start, stop, seed, opts, max_intervals, chunk):
    out = np.empty(stop - start, dtype=np.int8)
    for c0 in range(start, stop, chunk):
        c1 = min(stop, c0 + chunk)
        vals, state, targets = _draw(n, c0, c1, seed, opts)
        cap = _capacity(vals, eps, targets, max_intervals)
        res = np.empty(c1 - c0, dtype=np.int8)
        _k.mc_cover_batch(vals, state, eps, np.ascontiguousarray(targets[:, 0]),
                          np.ascontiguousarray(targets[:, 1]), cap, res)
        if (res == _k.OVERFLOW).any():
            raise InvalidParameterError(
                f"a trial at n={n}, eps={eps!r} needs more than max_intervals={max_intervals} "
                "intervals; use a larger eps or raise max_intervals")
        out[c0 - start:c1 - start] = res
    return out == _k.COVERED


# --------------------------------------------------------------------------- coverage probability

@dataclasses.dataclass(frozen=True)
class CoverageResult:
    """Monte Carlo estimate of the coverage probability with a Clopper-Pearson interval."""

    n: int
    eps: float
    prune_ratio: float
    lock_ratio: float
    trials: int
    seed: int
    statement: str
    freezing: str
    distribution: str
    lo: float
    hi: float
    successes: int
    estimate: float
    ci_low: float
    ci_high: float
    confidence: float = 0.95
    interval: str = "clopper-pearson"

    @property
    def freeze_ratio(self):
        return self.prune_ratio + self.lock_ratio


def coverage_probability(n, eps, *, prune_ratio=0.0, lock_ratio=0.0, trials=10_000, seed=0,
                         statement="uniform", freezing="iid", distribution="uniform", lo=-1.0,
                         hi=1.0, confidence=0.95, max_intervals=MAX_INTERVALS):
    """Probability that n random samples (frozen ones included) eps-cover the target.

    Each trial draws n samples; each is PRUNED (never in the sum), LOCKED (always in the sum) or
    FREE, and the trial succeeds when locked_sum + (some subset sum of the free values) is within
    eps of every z in [lo, hi] (statement="uniform", what the theorems need) or of one target
    z ~ U[lo, hi] drawn per trial (statement="pointwise", what most published experiments check).

    Parameters
    ----------
    n : int >= 0
        Samples per trial, frozen ones included. For distribution="product", the number of
        pairs (u_i, v_i).
    eps : float > 0
    prune_ratio, lock_ratio : float, prune_ratio + lock_ratio < 1
    trials : int >= 1
    seed : int >= 0
        Trial t's numbers depend only on (seed, t) (module docstring).
    statement : {"uniform", "pointwise"}
    freezing : {"iid", "exact"}
        "iid": each sample (each factor, for "product") independently PRUNED with probability
        prune_ratio and LOCKED with probability lock_ratio. "exact": a seeded permutation per
        trial; its first round(prune_ratio * n) positions are PRUNED and the next
        round(lock_ratio * n) LOCKED (Python's round, half to even).
    distribution : {"uniform", "product", "normal", "kaiming"}
        "uniform": U[-1, 1]. "normal": N(0, 1). "kaiming": N(0, 2 / n), the Kaiming-normal scale
        std = sqrt(2 / fan_in) with fan_in = n. "product": pairs (u_i, v_i) iid U[-1, 1], each
        factor with its own freeze state; only the terms u_i v_i with u_i > 0 exist (the
        positive side of the sign split), a term is out if either factor is PRUNED, LOCKED if
        both are, FREE otherwise (slt_theory.subset_sum.product_terms).
    lo, hi : float
        The target interval.
    confidence : float in (0, 1)
        Of the two-sided Clopper-Pearson interval [ci_low, ci_high].

    Returns
    -------
    CoverageResult
        ``.estimate``, ``.ci_low``, ``.ci_high``, ``.interval == "clopper-pearson"``,
        ``.confidence`` and every parameter.

    Examples
    --------
    >>> r = coverage_probability(20, 0.05, trials=500, seed=0)
    >>> r.interval, r.ci_low <= r.estimate <= r.ci_high
    ('clopper-pearson', True)
    >>> coverage_probability(3, 0.01, trials=200).estimate   # 8 sums cannot 0.01-cover [-1, 1]
    0.0
    """
    n = _validate.integer("n", n, minimum=0)
    eps = _validate.positive("eps", eps)
    trials = _validate.integer("trials", trials, minimum=1)
    seed = _seed(seed)
    confidence = _validate.open_unit("confidence", confidence)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    max_intervals = _validate.integer("max_intervals", max_intervals, minimum=2)
    return _coverage(n, eps, trials, seed, opts, confidence, max_intervals)


_CHUNK = 16 * TRIAL_BLOCK


def _coverage(n, eps, trials, seed, opts, confidence, max_intervals):
    hits = int(_coverage_trials(n, eps, 0, trials, seed, opts, max_intervals, _CHUNK).sum())
    ci_low, ci_high = clopper_pearson(hits, trials, confidence)
    return CoverageResult(
        n=n, eps=eps, prune_ratio=opts.prune_ratio, lock_ratio=opts.lock_ratio, trials=trials,
        seed=seed, statement=opts.statement, freezing=opts.freezing,
        distribution=opts.distribution, lo=opts.lo, hi=opts.hi, successes=hits,
        estimate=hits / trials, ci_low=ci_low, ci_high=ci_high, confidence=confidence,
    )


# --------------------------------------------------------------------------- required samples

@dataclasses.dataclass(frozen=True)
class RequiredSamples:
    """Smallest n reaching 1 - delta, by the estimate and by the lower confidence bound."""

    eps: float
    delta: float
    n_estimate: int
    n_confident: int
    confidence: float
    curve: tuple  # CoverageResult for every n evaluated, sorted by n

    @property
    def ns(self):
        return [r.n for r in self.curve]

    @property
    def estimates(self):
        return [r.estimate for r in self.curve]


def empirical_required_samples(eps, delta, *, prune_ratio=0.0, lock_ratio=0.0, trials=2_000,
                               seed=0, statement="uniform", freezing="iid",
                               distribution="uniform", lo=-1.0, hi=1.0, confidence=0.95,
                               n_max=4096, max_intervals=MAX_INTERVALS):
    """Smallest n whose coverage estimate is >= 1 - delta (``n_estimate``) and smallest n whose
    one-sided Clopper-Pearson lower bound at ``confidence`` is >= 1 - delta (``n_confident``).

    Search: n = 1, 2, 4, ... until the lower bound reaches 1 - delta at some n_hi, then every n
    between the last power of two whose estimate is below 1 - delta and n_hi. Every n uses the
    same seed, so the curve uses common random numbers; the answers are the smallest n on the
    searched curve (exact when coverage is monotone in n between the powers of two).

    Returns
    -------
    RequiredSamples
        ``.n_estimate``, ``.n_confident``, ``.curve`` (the CoverageResults searched).

    Examples
    --------
    >>> r = empirical_required_samples(0.1, 0.1, trials=300)
    >>> 4 <= r.n_estimate <= r.n_confident
    True
    """
    eps = _validate.positive("eps", eps)
    delta = _validate.open_unit("delta", delta)
    trials = _validate.integer("trials", trials, minimum=1)
    seed = _seed(seed)
    confidence = _validate.open_unit("confidence", confidence)
    n_max = _validate.integer("n_max", n_max, minimum=1)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    max_intervals = _validate.integer("max_intervals", max_intervals, minimum=2)
    target = 1.0 - delta
    seen = {}

    def evaluate(n):
        if n not in seen:
            seen[n] = _coverage(n, eps, trials, seed, opts, 0.95, max_intervals)
        return seen[n]

    def confident(r):
        return lower_confidence_bound(r.successes, r.trials, confidence) >= target

    n, below = 1, 0
    while True:
        r = evaluate(n)
        if confident(r):
            break
        if r.estimate < target:
            below = n
        if n >= n_max:
            raise InvalidParameterError(
                f"coverage did not reach 1 - delta = {target} with confidence by n_max={n_max} "
                f"(last estimate {r.estimate} at n={n}); raise n_max")
        n = min(2 * n, n_max)
    n_hi = n
    for m in range(below + 1, n_hi):
        evaluate(m)
    curve = tuple(seen[m] for m in sorted(seen))
    n_est = min(r.n for r in curve if r.estimate >= target)
    n_conf = min(r.n for r in curve if confident(r))
    return RequiredSamples(eps=eps, delta=delta, n_estimate=n_est, n_confident=n_conf,
                           confidence=confidence, curve=curve)
