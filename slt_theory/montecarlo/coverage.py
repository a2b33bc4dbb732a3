"""Monte Carlo coverage: how likely n random samples, partly pruned and partly locked, eps-cover
the target interval, with a Clopper-Pearson interval (inputs from :mod:`.draws`, the exact test
from the numba kernel of :mod:`slt_theory.solvers`)."""

import dataclasses

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from ..solvers import _kernels as _k
from ..solvers.subset_sum import MAX_INTERVALS
from .confidence import clopper_pearson
from .draws import TRIAL_BLOCK, _draw, _options, _seed

__all__ = ["CoverageResult", "coverage_probability", "coverage_trials"]


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
        both are, FREE otherwise (slt_theory.solvers.subset_sum.product_terms).
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
