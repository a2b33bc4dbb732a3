"""Calibrated sample counts: the Monte Carlo n*(eps, delta) fitted per freeze setting, shipped as
slt_theory/data/calibration.csv so that ``required_samples(..., constant="calibrated")`` works
offline.

The table is made by benchmarks/make_calibration.py (uniform statement, iid freezing, U[-1, 1]
samples, target [-1, 1]): for eps in {1e-1, 3e-2, 1e-2, 3e-3, 1e-3} and delta in
{0.1, 0.05, 0.01}, n*(eps, delta) is the smallest n whose one-sided 95% Clopper-Pearson lower
bound on the coverage probability (2,000 trials) is >= 1 - delta; per freeze setting,
least squares fits

.. math:: n^*(\\varepsilon, \\delta) \\approx a \\log_2(1/\\varepsilon) + b \\log_2(1/\\delta) + c

and stores (a, b, c), their covariance and the residual standard deviation s.
:func:`calibrated_samples` returns the one-sided 95% prediction bound
ceil(fit + t_{0.95, dof} sqrt(x^T Cov x + s^2)), an upper confidence bound on the empirical n*.
Outside the fitted eps / delta ranges the formula is an extrapolation.
"""

import csv
import dataclasses
import functools
import math
import os

from scipy import stats

from .. import _validate
from ..errors import InvalidParameterError

__all__ = ["CalibratedSamples", "available_settings", "calibrated_samples"]

_TABLE = os.path.join(os.path.dirname(__file__), "data", "calibration.csv")
CONFIDENCE = 0.95


@dataclasses.dataclass(frozen=True)
class CalibratedSamples:
    """n: an upper confidence bound on the Monte Carlo n*; the fit behind it."""

    n: int
    confidence: float
    formula: str
    a: float
    b: float
    c: float
    se_a: float
    se_b: float
    se_c: float
    resid_sd: float
    eps: float
    delta: float
    prune_ratio: float
    lock_ratio: float
    fit: float  # the fitted mean a log2(1/eps) + b log2(1/delta) + c


@functools.lru_cache(maxsize=1)
def _table():
    with open(_TABLE, newline="") as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def available_settings():
    """The (prune_ratio, lock_ratio) pairs in the shipped table.

    Examples
    --------
    >>> (0.0, 0.0) in available_settings()
    True
    """
    return [(r["prune_ratio"], r["lock_ratio"]) for r in _table()]


def calibrated_samples(eps, delta, *, prune_ratio=0.0, lock_ratio=0.0):
    """Upper confidence bound on the Monte Carlo n*(eps, delta) for one freeze setting.

    Parameters
    ----------
    eps, delta : float in (0, 1)
    prune_ratio, lock_ratio : float
        Must match a row of the table within 1e-9 (see :func:`available_settings`).

    Returns
    -------
    CalibratedSamples
        ``.n`` (int), ``.confidence``, ``.formula`` and the fit ``.a, .b, .c`` with standard
        errors.

    Examples
    --------
    >>> r = calibrated_samples(0.01, 0.05)
    >>> r.confidence, r.n >= math.ceil(math.log2(100))
    (0.95, True)
    >>> calibrated_samples(0.01, 0.05, prune_ratio=0.5).n > r.n
    True
    """
    eps = _validate.open_unit("eps", eps)
    delta = _validate.open_unit("delta", delta)
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    rows = [r for r in _table()
            if abs(r["prune_ratio"] - prune_ratio) <= 1e-9 and abs(r["lock_ratio"] - lock_ratio) <= 1e-9]
    if not rows:
        raise InvalidParameterError(
            f"no calibration for prune_ratio={prune_ratio!r}, lock_ratio={lock_ratio!r}; the table "
            f"has (prune_ratio, lock_ratio) in {available_settings()!r}; use constant='proved' "
            "or run benchmarks/make_calibration.py with this setting")
    r = rows[0]
    x = (math.log2(1 / eps), math.log2(1 / delta), 1.0)
    mean = r["a"] * x[0] + r["b"] * x[1] + r["c"]
    cov = [[r["se_a"] ** 2, r["cov_ab"], r["cov_ac"]],
           [r["cov_ab"], r["se_b"] ** 2, r["cov_bc"]],
           [r["cov_ac"], r["cov_bc"], r["se_c"] ** 2]]
    var = sum(x[i] * cov[i][j] * x[j] for i in range(3) for j in range(3)) + r["resid_sd"] ** 2
    t = float(stats.t.ppf(CONFIDENCE, int(r["dof"])))
    n = max(1, math.ceil(mean + t * math.sqrt(var) - 1e-9))
    formula = (f"n = ceil({r['a']:.3f} log2(1/eps) + {r['b']:.3f} log2(1/delta) + {r['c']:.3f}"
               f" + {t:.2f} * sd_pred), sd_pred = {math.sqrt(var):.2f}")
    return CalibratedSamples(
        n=n, confidence=CONFIDENCE, formula=formula, a=r["a"], b=r["b"], c=r["c"], se_a=r["se_a"],
        se_b=r["se_b"], se_c=r["se_c"], resid_sd=r["resid_sd"], eps=eps, delta=delta,
        prune_ratio=prune_ratio, lock_ratio=lock_ratio, fit=mean)
