"""The smallest number of samples whose Monte Carlo coverage reaches 1 - delta (the empirical n*)."""

import dataclasses

from .. import _validate
from ..errors import InvalidParameterError, ResourceLimitError
from ..solvers.subset_sum import MAX_INTERVALS, _max_intervals
from . import coverage as _cov
from .confidence import lower_confidence_bound
from .draws import _options, _seed

#: Largest ``n_max``: 2^20 samples per trial (the memory budget of one trial allows a few million).
MAX_N = 2**20

__all__ = ["RequiredSamples", "SearchStep", "empirical_required_samples"]


@dataclasses.dataclass(frozen=True)
class SearchStep:
    """One n evaluated by the search for n*, as :func:`empirical_required_samples` hands it to
    its ``progress`` callback.

    Attributes
    ----------
    phase : {"doubling", "filling in"}
        Doubling n = 1, 2, 4, ... until the lower confidence bound reaches 1 - delta, then every
        n between the last power of two below 1 - delta and there.
    n : int
        The n just evaluated.
    estimate : float
        Its coverage estimate.
    evaluated : int
        How many n the search has evaluated, this one included.
    planned : int or None
        How many n it evaluates in all: known once the filling in starts, None while doubling
        (the end of the doubling is what the search is looking for).
    """

    phase: str
    n: int
    estimate: float
    evaluated: int
    planned: object


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
                               n_max=4096, max_intervals=MAX_INTERVALS, progress=None):
    """Smallest n whose coverage estimate is >= 1 - delta (``n_estimate``) and smallest n whose
    one-sided Clopper-Pearson lower bound at ``confidence`` is >= 1 - delta (``n_confident``).

    Search: n = 1, 2, 4, ... until the lower bound reaches 1 - delta at some n_hi, then every n
    between the last power of two whose estimate is below 1 - delta and n_hi. Every n uses the
    same seed, so the curve uses common random numbers; the answers are the smallest n on the
    searched curve (exact when coverage is monotone in n between the powers of two).

    Parameters are those of :func:`~slt_theory.montecarlo.coverage_probability`, and
    ``n_max`` (1 <= n_max <= MAX_N = 2^20), the largest n searched, and ``progress``: None (the
    default: silent) or a callable called with a :class:`SearchStep` after every n evaluated,
    so that a command line can show how far the search is (``slt mc required`` draws a progress
    bar from it). It does not change the result.

    Limits. The whole search draws at most MAX_DRAWS random numbers (as one coverage call); it
    raises ResourceLimitError, saying how far it got, before the evaluation that would pass it.

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
    trials = _cov._trials(trials)
    seed = _seed(seed)
    confidence = _validate.open_unit("confidence", confidence)
    n_max = _validate.integer("n_max", n_max, minimum=1, maximum=MAX_N)
    opts = _options(prune_ratio, lock_ratio, statement, freezing, distribution, lo, hi)
    max_intervals = _max_intervals(max_intervals)
    if progress is not None and not callable(progress):
        raise InvalidParameterError(f"progress must be a callable or None, got {progress!r}")
    _cov.rows_per_call(n_max, opts)  # the largest n must fit the memory budget
    target = 1.0 - delta
    seen = {}
    drawn = 0
    phase, planned = "doubling", None

    def evaluate(n):
        nonlocal drawn
        if n not in seen:
            rows = _cov.rows_per_call(n, opts)
            more = _cov.drawn_numbers(n, 0, trials, opts, rows)
            if drawn + more > _cov.MAX_DRAWS:
                raise ResourceLimitError(
                    f"the search for n* has drawn {drawn:,} random numbers up to n={max(seen)}; "
                    f"n={n} would pass MAX_DRAWS = {_cov.MAX_DRAWS:,} "
                    "(slt_theory.montecarlo.coverage.MAX_DRAWS); use fewer trials, a larger eps "
                    "or a smaller n_max")
            drawn += more
            seen[n] = _cov._coverage(n, eps, trials, seed, opts, 0.95, max_intervals, rows)
            if progress is not None:
                progress(SearchStep(phase=phase, n=n, estimate=seen[n].estimate,
                                    evaluated=len(seen), planned=planned))
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
    # powers of two above ``below`` were evaluated while doubling: counted once
    phase, planned = "filling in", len(set(seen) | set(range(below + 1, n_hi)))
    for m in range(below + 1, n_hi):
        evaluate(m)
    curve = tuple(seen[m] for m in sorted(seen))
    n_est = min(r.n for r in curve if r.estimate >= target)
    n_conf = min(r.n for r in curve if confident(r))
    return RequiredSamples(eps=eps, delta=delta, n_estimate=n_est, n_confident=n_conf,
                           confidence=confidence, curve=curve)
