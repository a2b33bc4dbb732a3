"""Exact binomial (Clopper-Pearson) confidence bounds for success rates: the tolerance of every
Monte Carlo check of a bound."""

from scipy import stats

from .. import _validate
from ..errors import InvalidParameterError

__all__ = ["clopper_pearson", "lower_confidence_bound", "upper_confidence_bound"]


# Counts are handed to scipy as floats: beyond 2^53 they are no longer exact (and huge Python
# ints are refused by its ufuncs), and no Monte Carlo run comes near.
_MAX_COUNT = 2**53


def _counts(successes, trials):
    trials = _validate.integer("trials", trials, minimum=1, maximum=_MAX_COUNT)
    successes = _validate.integer("successes", successes, minimum=0, maximum=_MAX_COUNT)
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
