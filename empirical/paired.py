"""Choosing a setting on validation data and comparing two kinds of source seed by seed.

Two small pieces of bookkeeping that the accuracy frontier (:mod:`empirical.frontier`) relies on,
kept apart so that they are tested on their own:

- :func:`select_best`: among the settings of one kind of source, the one with the highest mean
  *validation* accuracy over seeds (test accuracy never chooses);
- :func:`paired_difference`: the mean over seeds of ``a[seed] - b[seed]`` with a two-sided
  Student-t confidence interval. Pairing by seed removes what the seed shares between the two
  runs (the data split and the batch order), so the interval is that of the differences, not of
  two independent means.

:func:`paired_difference_reference` is the slow, obviously correct twin of the interval (a
sum over the seeds and the t quantile by bisection on the regularised incomplete beta function)
that the property tests hold the fast one to.

Needs NumPy and SciPy only.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError

from ._checks import text

__all__ = ["PairedDifference", "paired_difference", "paired_difference_reference", "select_best"]


@dataclasses.dataclass(frozen=True)
class PairedDifference:
    """Mean of the per-seed differences ``a - b`` and its two-sided t interval.

    ``ci_low``/``ci_high`` are NaN with fewer than two seeds (no spread to estimate).
    """

    mean: float
    ci_low: float
    ci_high: float
    seeds: int
    confidence: float

    @property
    def excludes_zero(self) -> bool:
        return self.ci_low > 0.0 or self.ci_high < 0.0


def _pairs(a, b):
    if not isinstance(a, dict) or not isinstance(b, dict):
        raise InvalidParameterError("a and b must be dicts seed -> value")
    try:
        common = sorted(set(a) & set(b))
    except TypeError:  # seeds of kinds that do not compare ({"a": .., 0: ..}, issue-12 fuzz)
        raise InvalidParameterError(
            f"the seeds of a and b must be comparable (e.g. all integers), got {list(a)} and "
            f"{list(b)}") from None
    if not common:
        raise InvalidParameterError(
            f"a and b share no seed (a has {sorted(a, key=repr)}, b has {sorted(b, key=repr)})"
            ": nothing to pair")
    d = np.array([_validate.finite(f"a[{s!r}]", a[s]) - _validate.finite(f"b[{s!r}]", b[s])
                  for s in common], dtype=np.float64)
    if not np.all(np.isfinite(d)):  # 1e308 - (-1e308) overflows
        raise InvalidParameterError("the differences a[s] - b[s] must be finite")
    return d


def paired_difference(a: dict, b: dict, confidence: float = 0.95) -> PairedDifference:
    """Mean of ``a[s] - b[s]`` over the seeds ``s`` both hold, with a Student-t interval.

    .. math::

        \\bar d \\pm t_{(1 + c)/2,\\, n - 1}\\, s_d / \\sqrt{n}

    Parameters
    ----------
    a, b : dict
        Seed -> value (e.g. test accuracy). Seeds held by only one side are ignored.
    confidence : float in (0, 1)

    Examples
    --------
    >>> r = paired_difference({0: 0.9, 1: 0.8, 2: 0.85}, {0: 0.8, 1: 0.75, 2: 0.7})
    >>> round(r.mean, 4), round(r.ci_low, 4), round(r.ci_high, 4), r.excludes_zero
    (0.1, -0.0242, 0.2242, False)
    """
    from scipy import stats

    confidence = _validate.open_unit("confidence", confidence)
    d = _pairs(a, b)
    n = len(d)
    mean = float(d.mean())
    if n < 2:
        return PairedDifference(mean, math.nan, math.nan, n, confidence)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * float(d.std(ddof=1)) / math.sqrt(n)
    return PairedDifference(mean, mean - half, mean + half, n, confidence)


def _t_cdf(t: float, dof: int) -> float:
    """Student-t CDF from its textbook identity P(|T| > t) = I_x(dof/2, 1/2), x = dof/(dof + t^2),
    with the incomplete beta integral done by composite Simpson's rule."""
    if t == 0.0:
        return 0.5
    x = dof / (dof + t * t)
    a, b = dof / 2.0, 0.5
    # I_x(a, b) = B(x; a, b) / B(a, b). Substituting y = x w^(1/a) removes the
    # y^(a - 1) singularity at 0: B(x; a, b) = x^a / a * int_0^1 (1 - x w^(1/a))^(b - 1) dw.
    m = 20000
    w = np.linspace(0.0, 1.0, m + 1)
    f = (1.0 - x * w ** (1.0 / a)) ** (b - 1.0)
    simpson = (f[0] + f[-1] + 4.0 * f[1:-1:2].sum() + 2.0 * f[2:-1:2].sum()) / (3.0 * m)
    incomplete = x ** a / a * simpson
    complete = math.exp(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    tail = 0.5 * incomplete / complete  # P(T > |t|)
    return 1.0 - tail if t > 0 else tail


def paired_difference_reference(a: dict, b: dict, confidence: float = 0.95) -> PairedDifference:
    """Slow twin of :func:`paired_difference`: plain sums and a t quantile by bisection on
    :func:`_t_cdf`. Same conventions."""
    confidence = _validate.open_unit("confidence", confidence)
    d = [float(x) for x in _pairs(a, b)]
    n = len(d)
    mean = sum(d) / n
    if n < 2:
        return PairedDifference(mean, math.nan, math.nan, n, confidence)
    var = sum((x - mean) ** 2 for x in d) / (n - 1)
    target, lo, hi = 0.5 + confidence / 2, 0.0, 1.0
    while _t_cdf(hi, n - 1) < target:
        hi *= 2.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _t_cdf(mid, n - 1) < target else (lo, mid)
    half = hi * math.sqrt(var / n)
    return PairedDifference(mean, mean - half, mean + half, n, confidence)


def select_best(rows, key, score="val_acc"):
    """The setting with the highest mean ``score`` over its rows (seeds).

    Parameters
    ----------
    rows : list of dict
        One per run; each holds the fields named by ``key`` and ``score``.
    key : callable or str
        Maps a row to its setting (hashable); a string names the field that holds it. Settings
        are compared on the mean of ``score``; ties go to the setting that sorts first, so the
        choice never depends on row order.
    score : str
        The field of the (finite, real) score.

    Returns
    -------
    (setting, mean score)

    Raises
    ------
    InvalidParameterError
        No rows, a row that is no dict or lacks a field, a score that is no finite real number,
        settings that are unhashable or do not sort; whatever ``key`` itself raises passes.

    Examples
    --------
    >>> rows = [{"k": 0.3, "val_acc": 0.8}, {"k": 0.3, "val_acc": 0.9},
    ...         {"k": 0.5, "val_acc": 0.86}, {"k": 0.5, "val_acc": 0.86}]
    >>> select_best(rows, key=lambda r: r["k"])
    (0.5, 0.86)
    """
    if not isinstance(rows, (list, tuple)) or not rows:
        raise InvalidParameterError(f"select_best needs a non-empty list of rows, got {rows!r}")
    score = text("score", score)
    if isinstance(key, str):  # a field name: select_best(rows, "k") was a TypeError (issue 12)
        field = key

        def key(r):
            if field not in r:
                raise InvalidParameterError(f"a row has no {field!r}: {sorted(r, key=str)}")
            return r[field]
    elif not callable(key):
        raise InvalidParameterError(f"key must be a callable or a field name, got {key!r}")
    groups = {}
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise InvalidParameterError(f"rows[{i}] must be a dict, got {r!r}")
        if score not in r:
            raise InvalidParameterError(f"a row has no {score!r}: {sorted(r, key=str)}")
        setting = key(r)
        try:
            hash(setting)
        except TypeError:
            raise InvalidParameterError(
                f"the setting of rows[{i}] must be hashable, got {setting!r}") from None
        groups.setdefault(setting, []).append(_validate.finite(f"rows[{i}][{score!r}]", r[score]))
    means = {k: sum(v) / len(v) for k, v in groups.items()}
    try:
        ordered = sorted(means)
    except TypeError:
        raise InvalidParameterError(
            f"the settings must sort (one kind of value), got {list(means)}") from None
    best = max(ordered, key=lambda k: means[k])  # max keeps the first of equal maxima
    return best, means[best]
