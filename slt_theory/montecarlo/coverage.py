"""Monte Carlo coverage: how likely n random samples, partly pruned and partly locked, eps-cover
the target interval, with a Clopper-Pearson interval (inputs from :mod:`.draws`, the exact test
from the numba kernel of :mod:`slt_theory.solvers`).

Limits. Trials run in kernel calls whose inputs fit MEMORY_BUDGET (:mod:`.draws`; the rows per
call come from :func:`rows_per_call`), so memory does not grow with the number of trials; a
request whose single trial does not fit raises ResourceLimitError saying the limit. Beyond that
budget the solver holds its interval buffers, at most 32 * max_intervals bytes per numba thread
(64 MiB at the default; slt_theory.solvers.subset_sum). One call runs at most MAX_TRIALS trials
and draws at most MAX_DRAWS random numbers (:func:`drawn_numbers`; about half an hour of drawing
on one core); both are checked before anything runs. The time per trial also grows with n / eps
(docs/benchmarks.md: about 4,000 trials/s at n = 60, eps = 1e-4 on one core).
"""

import dataclasses

import numba
import numpy as np

from .. import _validate
from ..errors import InvalidParameterError, ResourceLimitError
from ..solvers import _kernels as _k
from ..solvers.subset_sum import MAX_INTERVALS, _max_intervals
from . import draws as _d
from .confidence import clopper_pearson
from .draws import TRIAL_BLOCK, _draw, _options, _seed, _trial_range

__all__ = ["MAX_DRAWS", "CoverageResult", "coverage_probability", "coverage_trials",
           "drawn_numbers", "rows_per_call"]

#: Most random numbers one call may draw (2^36, about 6.9e10).
MAX_DRAWS = 2**36

# Trials per kernel call when memory allows more: enough to keep every thread busy.
_MAX_ROWS = 16 * TRIAL_BLOCK


def _capacity(values, eps, targets, max_intervals):
    if values.size == 0:
        return 2
    # row sums of |x| a slab of rows at a time: np.abs of the whole chunk would double its memory
    step = max(1, _d.PIECE_BYTES // (8 * values.shape[1]))
    top = max(float(np.abs(values[r:r + step]).sum(axis=1).max())
              for r in range(0, values.shape[0], step))
    width = float(np.max(targets[:, 1] - targets[:, 0])) + top
    need = width / (2.0 * eps) + 3.0
    if values.shape[1] < 60:
        need = min(need, 2.0 ** values.shape[1])
    return int(min(need, max_intervals)) + 1


def _kernel_bytes(n):
    # per kernel thread: xf, x, order, pos_left, neg_left and the counting sort's buckets
    return 48 * n + 64


def _call_bytes(n, rows, opts):
    """Bytes one kernel call over ``rows`` trials takes, interval buffers aside."""
    threads = numba.get_num_threads()
    kernel_threads = min(threads, -(-rows // _k._MC_BLOCK))
    return (rows * (n * _d.row_bytes(opts) + 2 * 8 + 1) + kernel_threads * _kernel_bytes(n)
            + _d._piece_overhead(threads))


def rows_per_call(n, opts):
    """Trials per kernel call: the most (up to 16 blocks) whose inputs fit MEMORY_BUDGET, in
    whole blocks when at least one block fits (so that no block is read twice).

    Raises ResourceLimitError, saying the largest n that fits, when not even one trial fits.
    """
    if _call_bytes(n, 1, opts) > _d.MEMORY_BUDGET:
        lo, hi = 0, max(1, n)
        while lo < hi:  # the largest n whose single trial fits, for the message
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if _call_bytes(mid, 1, opts) <= _d.MEMORY_BUDGET else (lo, mid - 1)
        raise ResourceLimitError(
            f"n={n:,} samples need about {_d._mib(_call_bytes(n, 1, opts))} for a single "
            f"trial, more than MEMORY_BUDGET = {_d._mib(_d.MEMORY_BUDGET)} "
            f"(slt_theory.montecarlo.draws.MEMORY_BUDGET); the largest n it allows with these "
            f"options is {lo:,}")
    lo, hi = 1, _MAX_ROWS
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if _call_bytes(n, mid, opts) <= _d.MEMORY_BUDGET else (lo, mid - 1)
    return lo - lo % TRIAL_BLOCK if lo >= TRIAL_BLOCK else lo


def _chunks(start, stop, rows):
    """Consecutive trial ranges [c0, c1) covering start..stop, each of at most ``rows`` trials;
    with rows >= TRIAL_BLOCK they end on block boundaries, with fewer they stay in one block
    (a block is then read once per range, never more)."""
    c0 = start
    while c0 < stop:
        if rows >= TRIAL_BLOCK:
            c1 = (c0 // TRIAL_BLOCK + rows // TRIAL_BLOCK) * TRIAL_BLOCK
        else:
            c1 = min(c0 + rows, (c0 // TRIAL_BLOCK + 1) * TRIAL_BLOCK)
        c1 = min(c1, stop)
        yield c0, c1
        c0 = c1


def _streams(opts):
    values = 2 if opts.distribution == "product" else 1
    return values + (values if opts.frozen else 0)


def drawn_numbers(n, start, stop, opts, rows):
    """How many random numbers trials start..stop-1 draw in calls of ``rows`` trials: every
    block a call touches is read whole (TRIAL_BLOCK * n numbers per stream)."""
    if stop <= start:
        return 0
    if rows >= TRIAL_BLOCK:
        passes = (stop - 1) // TRIAL_BLOCK - start // TRIAL_BLOCK + 1
    else:
        first, last = start // TRIAL_BLOCK, (stop - 1) // TRIAL_BLOCK
        if first == last:
            passes = -(-(stop - start) // rows)
        else:
            head = (first + 1) * TRIAL_BLOCK - start
            tail = stop - last * TRIAL_BLOCK
            passes = (-(-head // rows) + -(-tail // rows)
                      + (last - first - 1) * -(-TRIAL_BLOCK // rows))
    return passes * TRIAL_BLOCK * n * _streams(opts)


def _plan(n, start, stop, opts, chunk=None):
    """Rows per call, checked against MEMORY_BUDGET and MAX_DRAWS before anything is drawn."""
    rows = rows_per_call(n, opts)
    if chunk is not None:
        rows = min(rows, chunk)
    draws = drawn_numbers(n, start, stop, opts, rows)
    if draws > MAX_DRAWS:
        raise ResourceLimitError(
            f"{stop - start:,} trials at n={n:,} would draw {draws:,} random numbers, more than "
            f"MAX_DRAWS = {MAX_DRAWS:,} (slt_theory.montecarlo.coverage.MAX_DRAWS) per call; "
            "use fewer trials or split them with coverage_trials(start=..., stop=...)")
    return rows


def coverage_trials(n, eps, *, start=0, stop, seed=0, prune_ratio=0.0, lock_ratio=0.0,
                    statement="uniform", freezing="iid", distribution="uniform", lo=-1.0, hi=1.0,
                    max_intervals=MAX_INTERVALS, chunk=None):
    """Per-trial outcomes (bool array) of trials start..stop-1; what coverage_probability counts.

    ``chunk`` (trials per kernel call; default as many as MEMORY_BUDGET allows) bounds the memory
    of the drawn inputs further; the outcomes do not depend on it, nor on the number of numba
    threads. At most MAX_TRIALS trials and MAX_DRAWS random numbers per call (module docstring).

    Examples
    --------
    >>> a = coverage_trials(12, 0.05, stop=300, seed=3)
    >>> b = coverage_trials(12, 0.05, start=100, stop=300, seed=3, chunk=7)
    >>> bool((a[100:] == b).all())
    True
    """
    n = _validate.integer("n", n, minimum=0)
    eps = _validate.positive("eps", eps)
    start, stop = _trial_range(start, stop)
    seed = _seed(seed)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    max_intervals = _max_intervals(max_intervals)
    if chunk is not None:
        chunk = _validate.integer("chunk", chunk, minimum=1)
    rows = _plan(n, start, stop, opts, chunk)
    out = np.empty(stop - start, dtype=bool)
    for c0, c1, res in _outcomes(n, eps, start, stop, seed, opts, max_intervals, rows):
        out[c0 - start:c1 - start] = res == _k.COVERED
    return out


def _outcomes(n, eps, start, stop, seed, opts, max_intervals, rows):
    """(c0, c1, kernel statuses of trials c0..c1-1) call by call."""
    for c0, c1 in _chunks(start, stop, rows):
        vals, state, targets = _draw(n, c0, c1, seed, opts)
        cap = _capacity(vals, eps, targets, max_intervals)
        res = np.empty(c1 - c0, dtype=np.int8)
        _k.mc_cover_batch(vals, state, eps, np.ascontiguousarray(targets[:, 0]),
                          np.ascontiguousarray(targets[:, 1]), cap, res)
        del vals, state, targets
        if (res == _k.OVERFLOW).any():
            raise InvalidParameterError(
                f"a trial at n={n}, eps={eps!r} needs more than max_intervals={max_intervals} "
                "intervals; use a larger eps or raise max_intervals")
        yield c0, c1, res


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
    trials : int, 1 <= trials <= MAX_TRIALS (10^7)
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
        both are, FREE otherwise (slt_theory.solvers.subset_sum.product_terms).
    lo, hi : float
        The target interval.
    confidence : float in (0, 1)
        Of the two-sided Clopper-Pearson interval [ci_low, ci_high].
    max_intervals : int, 2 <= max_intervals <= MAX_INTERVALS_LIMIT
        Interval buffer of the solver per trial (slt_theory.solvers.subset_sum).

    Raises
    ------
    InvalidParameterError
        A parameter outside its range (the message says which and what is allowed).
    ResourceLimitError
        One trial does not fit MEMORY_BUDGET, or the call would exceed MAX_TRIALS or
        MAX_DRAWS (module docstring); raised before anything is drawn.

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
    trials = _trials(trials)
    seed = _seed(seed)
    confidence = _validate.open_unit("confidence", confidence)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    max_intervals = _max_intervals(max_intervals)
    return _coverage(n, eps, trials, seed, opts, confidence, max_intervals,
                     _plan(n, 0, trials, opts))


def _trials(trials):
    return _validate.integer("trials", trials, minimum=1, maximum=_d.MAX_TRIALS)


def _coverage(n, eps, trials, seed, opts, confidence, max_intervals, rows):
    """coverage_probability on checked arguments, in kernel calls of ``rows`` trials (from
    _plan); only the count of successes is kept, so memory does not grow with ``trials``."""
    hits = 0
    for _, _, res in _outcomes(n, eps, 0, trials, seed, opts, max_intervals, rows):
        hits += int(np.count_nonzero(res == _k.COVERED))
    ci_low, ci_high = clopper_pearson(hits, trials, confidence)
    return CoverageResult(
        n=n, eps=eps, prune_ratio=opts.prune_ratio, lock_ratio=opts.lock_ratio, trials=trials,
        seed=seed, statement=opts.statement, freezing=opts.freezing,
        distribution=opts.distribution, lo=opts.lo, hi=opts.hi, successes=hits,
        estimate=hits / trials, ci_low=ci_low, ci_high=ci_high, confidence=confidence,
    )
