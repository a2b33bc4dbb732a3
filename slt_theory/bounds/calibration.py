"""Calibrated sample counts and widths: a model of the Monte Carlo n* for any freeze setting in a
documented range, with a one-sided prediction bound (docs/calibration.md).

Two Monte Carlo events are modelled (docs/calibration.md, Section 1):

- ``"samples"``: n iid U[-1, 1] samples, each pruned / locked / free with probabilities
  p / l / f = 1 - p - l, eps-cover [-1, 1] (docs/theory.md, Theorem 3; what
  ``slt_theory.coverage_probability`` measures);
- ``"width"``: a depth-1 (1, 1) source of hidden width n serves every target weight in [-1, 1]
  (docs/theory.md, Theorem 4; the event of ``covers_every_target``): both sign sides of the
  product terms u v cover [-1, 1].

The model of the failure probability (docs/calibration.md, Section 2: Propositions C1, C2 and
Model C): a sign
side with N slots (N = n), each slot free with probability q_f, locked with probability q_l, fails
with probability

.. math::

    P_{side}(N) = 1 - (1 - G(N))(1 - H(N)),\\qquad
    G(N) = \\sum_K \\binom{N}{K} q_f^K (1 - q_f)^{N - K} P_0(K, \\varepsilon),

    H(N) = 2 P(S_N < 1 + m) - 2 P(S'_N < 1 + m),\\qquad
    m = \\frac{\\theta_0 + \\theta_1 \\log_2(1/\\varepsilon)}{\\max(1, N q_f)},

where P_0(K, eps) is the Monte Carlo failure of K free values with nothing frozen (a shipped
table, Proposition C1 makes G exact), S_N is the sum of N iid slot values W (the positive part of
a free value, a locked value, or 0) and S'_N the same without locked slots (so H = 0 without
locking). The "samples" event is one side with (q_f, q_l) = (f, l) and the uniform law; the
"width" event is two sides with (q_f, q_l) = (((1 - p)^2 - l^2)/2, l^2/2) and the product law of
docs/theory.md, Lemma 6, failing with probability 1 - (1 - P_side)^2 (Proposition C2).

The fitted n-hat is the smallest n with model failure <= delta; the returned bound is the smallest
n with kappa * (model failure) <= delta, kappa the one-sided 95% conformal factor of the model's
failure-probability errors on settings left out of the fit (docs/calibration.md, Section 4). The
data and parameters are made by benchmarks/make_calibration.py.
"""

import csv
import dataclasses
import functools
import json
import math
import os

import numpy as np
from scipy import stats

from .. import _validate
from ..errors import InvalidParameterError, ResourceLimitError
from . import _checks

__all__ = [
    "EVENTS", "FITTED_RANGE", "CalibratedSamples", "calibrated_failure", "calibrated_samples",
    "calibrated_width", "offset_sum_cdf", "p0_table", "slot_pmf", "slot_probabilities",
    "sum_distribution",
]

_DATA = os.path.join(os.path.dirname(__file__), "data")
_MODEL = os.path.join(_DATA, "calibration_model.json")
_P0 = os.path.join(_DATA, "calibration_p0.csv")

#: The events and the law of their values (docs/calibration.md, Section 1).
EVENTS = {"samples": "uniform", "width": "product"}
#: Where the model was fitted and checked; outside it calibrated_* raise InvalidParameterError.
FITTED_RANGE = {"eps": (1e-3, 0.1), "delta": (0.01, 0.1), "lock_ratio": (0.0, 0.5),
                "freeze_ratio": (0.0, 0.8)}
#: Grid step of the slot-value distribution (values rounded to multiples of GRID).
GRID = 1.0 / 128.0
#: The FFT window leaves out at most 2 exp(-_TAIL_LOG) of the mass of S_n (Bernstein).
_TAIL_LOG = 40.0
#: A P0 rate is used as measured when at least this many trials failed; beyond, a geometric tail
#: fitted to the measured rates in (P0_TAIL_MIN, P0_TAIL_MAX] continues it (docs/calibration.md,
#: Section 2, "Computation").
P0_MIN_FAILURES = 30
P0_TAIL_MIN, P0_TAIL_MAX = 0.0, 0.05
_TOL = 1e-12
#: Laws of the free values (the values of EVENTS).
LAWS = ("product", "uniform")
#: Finest grid step the slot law takes (2 * 2**16 + 1 bins).
GRID_MIN = 2.0**-16
#: Largest pmf (number of bins) and FFT window (grid points) of the sum's law: the FFT holds about
#: four arrays of 2**22 doubles (128 MB); Model C at its n_max (20,000) needs 2**17.
MAX_PMF_SIZE = 2**20 + 1
MAX_FFT_SIZE = 2**22
#: Largest K of :func:`p0_table` (its tail is filled in a Python loop: 3 s per law at 10**5 on
#: a loaded core; the calibration uses K <= 20,000).
P0_K_MAX = 10**5


# --------------------------------------------------------------------------- value laws

def _positive_part_cdf(law, t):
    """P(X^+ <= t) for t >= 0, X a free value of the law (an atom 1/2 at 0)."""
    t = np.clip(t, 0.0, 1.0)
    if law == "uniform":  # X ~ U[-1, 1]
        return 0.5 + 0.5 * t
    # X = U V, U ~ U[0, 1], V ~ U[-1, 1]: density (1/2) log(1/|x|) (docs/theory.md, Lemma 6)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 + np.where(t > 0, 0.5 * t * (1.0 - np.log(t)), 0.0)


def _value_cdf(law, t):
    """P(X <= t) for a free or locked value X of the law (symmetric on [-1, 1])."""
    t = np.asarray(t, dtype=float)
    return np.where(t >= 0, _positive_part_cdf(law, np.abs(t)),
                    1.0 - _positive_part_cdf(law, np.abs(t)))


def slot_probabilities(event, prune_ratio, lock_ratio):
    """(q_f, q_l): the probability that one slot of one side holds a free / a locked value.

    "samples": a slot is one sample (docs/theory.md, Theorem 3): (f, l). "width": a slot is one
    neuron of the side u > 0 (docs/theory.md, Theorem 4 and Proposition 4): the neuron lies on the
    side with probability 1/2, its term is free with probability (1 - p)^2 - l^2 and locked with
    probability l^2.

    >>> slot_probabilities("width", 0.0, 0.0)
    (0.5, 0.0)

    Raises
    ------
    InvalidParameterError
        For an event not in :data:`EVENTS`, or ratios not >= 0 with a sum < 1.
    """
    event = _validate.choice("event", event, tuple(EVENTS))
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    return _slot_probabilities(event, prune_ratio, lock_ratio)


def _slot_probabilities(event, prune_ratio, lock_ratio):
    """:func:`slot_probabilities` for checked arguments."""
    if event == "samples":
        return 1.0 - prune_ratio - lock_ratio, lock_ratio
    return 0.5 * ((1.0 - prune_ratio) ** 2 - lock_ratio ** 2), 0.5 * lock_ratio ** 2


def slot_pmf(law, q_free, q_locked, grid=GRID):
    """The law of one slot value W (the positive part of a free value with probability q_free, a
    locked value with probability q_locked, 0 otherwise) rounded to the nearest multiple of
    ``grid``: probabilities of j * grid for j = -J..J, J = round(1 / grid). Bin masses are exact
    (from the closed-form CDFs), so the rounding moves each value by at most grid / 2.

    >>> w = slot_pmf("uniform", 0.5, 0.25)
    >>> round(float(w.sum()), 12)
    1.0

    Parameters
    ----------
    law : {"uniform", "product"}
    q_free, q_locked : float in [0, 1], q_free + q_locked <= 1
    grid : float in [GRID_MIN, 1]

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges.
    """
    law = _validate.choice("law", law, LAWS)
    q_free = _checks.probability("q_free", q_free)
    q_locked = _checks.probability("q_locked", q_locked)
    if q_free + q_locked > 1.0 + _TOL:
        raise InvalidParameterError(
            f"q_free + q_locked must be <= 1 (probabilities of one slot), got {q_free!r} + "
            f"{q_locked!r}")
    return _slot_pmf(law, q_free, q_locked, _check_grid(grid))


def _check_grid(grid):
    return _checks.interval("grid", grid, GRID_MIN, 1.0)


def _check_pmf(pmf):
    """A grid law: a 1-D float array of odd size (values j grid, j = -J..J), finite, >= 0,
    summing to 1."""
    try:
        arr = np.asarray(pmf)
    except (ValueError, TypeError):
        arr = None
    if (arr is None or arr.ndim != 1 or arr.size % 2 != 1 or arr.size > MAX_PMF_SIZE
            or arr.dtype == bool or not np.issubdtype(arr.dtype, np.floating)
            or not np.all(np.isfinite(arr)) or np.any(arr < 0)
            or abs(float(arr.sum()) - 1.0) > 1e-9):
        raise InvalidParameterError(
            "pmf must be a law on the grid (from slot_pmf): a 1-D float array of odd size <= "
            f"{MAX_PMF_SIZE:,} (values j * grid, j = -J..J), finite, >= 0 and summing to 1, got "
            f"{_checks.brief(pmf)}")
    return arr


def _slot_pmf(law, q_free, q_locked, grid=GRID):
    """:func:`slot_pmf` for checked arguments."""
    j_max = round(1.0 / grid)
    edges = (np.arange(-j_max, j_max + 2) - 0.5) * grid
    edges[0], edges[-1] = -1.0, 1.0
    # the bin of 0 takes the atom of X^+ at 0 (P(X <= 0) = 1/2): its lower edge is below 0
    pos = np.diff(np.where(edges < 0, 0.0, _positive_part_cdf(law, np.maximum(edges, 0.0))))
    val = np.diff(_value_cdf(law, edges))
    pmf = q_free * pos + q_locked * val
    pmf[j_max] += 1.0 - q_free - q_locked
    return pmf


def sum_distribution(n, pmf, bottom, top, grid=GRID):
    """The law of S_n, the sum of n iid slot values with the grid law ``pmf`` (from
    :func:`slot_pmf`), between ``bottom`` and ``top``, by FFT (the n-fold convolution of ``pmf``).

    Returns
    -------
    lo : int
        The first grid index kept (at most bottom / grid).
    part : ndarray
        P(S_n = i grid) for i = lo, lo + 1, ..., at least up to top / grid (fewer when the
        support of S_n ends first).
    below : float
        P(S_n < (lo - 1/2) grid).

    Notes
    -----
    The FFT window holds [bottom, top] and all but 2 exp(-40) of the mass of S_n (Bernstein's
    inequality), clipped to the support of S_n; FFT round-off below 0 is set to 0. The twin,
    repeated ``np.convolve``, is held to this by tests/bounds/test_calibration.py.

    Parameters
    ----------
    n : int in [0, 10**12]
    pmf : 1-D float ndarray of odd size
        A law on the grid (from :func:`slot_pmf`): finite, >= 0, summing to 1.
    bottom, top : float, bottom <= top
        With |bottom|, |top| <= 2**53 grid.
    grid : float in [GRID_MIN, 1]

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges; ResourceLimitError when the FFT window would hold
        more than MAX_FFT_SIZE points.
    """
    n = _validate.integer("n", n, minimum=0, maximum=10**12)
    pmf = _check_pmf(pmf)
    grid = _check_grid(grid)
    bottom, top = _check_window(bottom, top, grid)
    return _sum_distribution(n, pmf, bottom, top, grid)


def _check_window(bottom, top, grid):
    bottom = _validate.finite("bottom", bottom)
    top = _validate.finite("top", top)
    if bottom > top:
        raise InvalidParameterError(f"bottom must be <= top, got {bottom!r} > {top!r}")
    limit = 2.0**53 * grid
    if max(abs(bottom), abs(top)) > limit:
        raise InvalidParameterError(
            f"bottom and top must lie in [-2**53 grid, 2**53 grid] = [{-limit!r}, {limit!r}], "
            f"got {bottom!r}, {top!r}")
    return bottom, top


def _sum_distribution(n, pmf, bottom, top, grid=GRID):
    """:func:`sum_distribution` for checked arguments."""
    j_max = (pmf.size - 1) // 2
    if n == 0:
        k0, k1 = min(0, math.floor(bottom / grid)), max(0, math.ceil(top / grid))
        _fft_size(k1 - k0 + 1, n, bottom, top)
        part = np.zeros(k1 - k0 + 1)
        part[-k0] = 1.0
        return k0, part, 0.0
    j = np.arange(-j_max, j_max + 1)
    mean = float(pmf @ j)
    sd = math.sqrt(max(float(pmf @ (j - mean) ** 2), 1e-30))
    # Bernstein: |S_n - n mean| >= sqrt(2 L n var) + (2/3) L b has probability <= 2 exp(-L)
    # with |W - mean| <= b = 2 J (grid units)
    half = math.sqrt(2 * _TAIL_LOG * n) * sd + (2.0 / 3.0) * _TAIL_LOG * 2 * j_max
    lo = max(math.floor(min(n * mean - half, bottom / grid) - 2), -n * j_max)
    hi = min(math.ceil(max(n * mean + half, top / grid) + 2), n * j_max)
    size = _fft_size(1 << max(hi - lo, pmf.size).bit_length(), n, bottom, top)
    padded = np.zeros(size)
    padded[j % size] = pmf
    dist = np.fft.irfft(np.fft.rfft(padded) ** n, size)
    k0 = max(lo, math.floor(bottom / grid) - 1)
    k1 = min(hi, math.ceil(top / grid) + 1)
    below = float(np.clip(dist[np.arange(lo, k0) % size], 0.0, None).sum())
    return k0, np.clip(dist[np.arange(k0, k1 + 1) % size], 0.0, None), below


def _fft_size(size, n, bottom, top):
    """Refuse a window of more than MAX_FFT_SIZE points before it is allocated."""
    if size > MAX_FFT_SIZE:
        raise ResourceLimitError(
            f"the law of S_n at n={n!r} between bottom={bottom!r} and top={top!r} needs a window "
            f"of {size:,} grid points, more than MAX_FFT_SIZE = {MAX_FFT_SIZE:,}")
    return size


def offset_sum_cdf(n, pmf, thresholds, grid=GRID):
    """P(S_n < c) for each c in ``thresholds`` (S_n as in :func:`sum_distribution`), each grid
    mass spread uniformly over its bin (so the CDF is continuous in c).

    >>> w = slot_pmf("uniform", 1.0, 0.0)           # X^+ of X ~ U[-1, 1]: P(X^+ < 1/2) = 3/4
    >>> round(float(offset_sum_cdf(1, w, [0.5])[0]), 6)
    0.75

    Parameters
    ----------
    n, pmf, grid
        As :func:`sum_distribution`.
    thresholds : float or non-empty 1-D array_like of floats
        Finite, within [-2**53 grid, 2**53 grid]; at most ``_checks.MAX_POINTS`` values.

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges (ResourceLimitError as :func:`sum_distribution`).
    """
    n = _validate.integer("n", n, minimum=0, maximum=10**12)
    pmf = _check_pmf(pmf)
    grid = _check_grid(grid)
    if isinstance(thresholds, (str, bytes)):
        arr = None
    else:
        try:
            arr = np.asarray(thresholds)
        except (ValueError, TypeError):
            arr = None
    if (arr is None or arr.ndim > 1 or arr.size == 0 or arr.dtype == bool
            or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating))):
        raise InvalidParameterError(
            f"thresholds must be a real number or a non-empty 1-D array of them, got "
            f"{_checks.brief(thresholds)}")
    if arr.size > _checks.MAX_POINTS:
        raise ResourceLimitError(f"thresholds holds {arr.size:,} values; at most "
                                 f"{_checks.MAX_POINTS:,} are taken in one call")
    arr = np.atleast_1d(arr.astype(float))
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError(f"thresholds must be finite, got {_checks.brief(thresholds)}")
    _check_window(float(arr.min()), float(arr.max()), grid)
    return _offset_sum_cdf(n, pmf, arr, grid)


def _offset_sum_cdf(n, pmf, thresholds, grid=GRID):
    """:func:`offset_sum_cdf` for checked arguments (thresholds a 1-D float array)."""
    lo, part, below = _sum_distribution(n, pmf, float(thresholds.min()), float(thresholds.max()),
                                       grid)
    # each grid mass spread uniformly over its bin [(i - 1/2) grid, (i + 1/2) grid], so the CDF is
    # linear inside a bin and continuous in c
    before = below + np.concatenate(([0.0], np.cumsum(part)))  # P(S < (i - 1/2) grid), i >= lo
    x = thresholds / grid + 0.5 - lo                           # position in bins from lo
    k = np.clip(np.floor(x).astype(np.int64), 0, part.size)
    frac = np.clip(x - k, 0.0, 1.0)
    padded = np.append(part, 0.0)                              # an empty part is allowed
    inside = padded[np.minimum(k, part.size)]
    out = np.where(x <= 0, below, before[k] + frac * inside)
    return np.clip(out, 0.0, 1.0)


# --------------------------------------------------------------------------- shipped data

@functools.lru_cache(maxsize=1)
def _model():
    with open(_MODEL) as f:
        return json.load(f)


@functools.lru_cache(maxsize=1)
def _p0_rows():
    out = {}
    with open(_P0, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["law"], float(row["eps"]))
            out.setdefault(key, []).append((int(row["k"]), int(row["trials"]),
                                            int(row["successes"])))
    return out


def _p0_one(rows, k_max):
    """log P0(K) for K = 0..k_max at one table eps (docs/calibration.md, Section 2): measured where
    at least P0_MIN_FAILURES trials failed, then a geometric tail fitted (least squares on log rates,
    weighted by failures) to the measured rates in (P0_TAIL_MIN, P0_TAIL_MAX]; 1 below the first
    K measured; non-increasing in K (a free value never hurts coverage)."""
    rows = sorted(rows)
    ks = np.array([r[0] for r in rows])
    fails = np.array([r[1] - r[2] for r in rows], dtype=float)
    rate = fails / np.array([r[1] for r in rows], dtype=float)
    good = fails >= P0_MIN_FAILURES
    tail = good & (rate > P0_TAIL_MIN) & (rate <= P0_TAIL_MAX)
    if tail.sum() < 2:
        raise InvalidParameterError("the P0 table has fewer than two tail points at one eps; "
                                    "rerun benchmarks/make_calibration.py with more trials")
    slope, icept = np.polyfit(ks[tail], np.log(rate[tail]), 1, w=np.sqrt(fails[tail]))
    out = np.zeros(k_max + 1)
    last = int(ks[good].max())
    measured = dict(zip(ks[good].tolist(), np.log(rate[good]).tolist()))
    for k in range(k_max + 1):
        if k < ks.min():
            out[k] = 0.0
        elif k <= last:
            out[k] = measured.get(k, 0.0)
        else:
            out[k] = icept + slope * k
    return np.minimum.accumulate(out)


def _p0_grid(law, k_max):
    """(eps grid ascending, log P0 per grid eps), made non-increasing in eps: an eps' < eps cover
    is an eps cover, so P0 never falls as eps shrinks (the extrapolated tails could cross)."""
    rows = _p0_rows()
    grid = sorted({e for (lw, e) in rows if lw == law})
    if not grid:
        raise InvalidParameterError(f"the P0 table has no rows for law {law!r}")
    logs = np.array([_p0_one(rows[(law, e)], k_max) for e in grid])
    return grid, np.maximum.accumulate(logs[::-1], axis=0)[::-1]


def p0_table(law, eps, k_max):
    """P0(K, eps) for K = 0..k_max: the failure probability of K free values of ``law`` (no
    freezing) to eps-cover [-1, 1], from the shipped Monte Carlo table, interpolated linearly in
    log eps between table values (docs/calibration.md, Section 2, "Computation").

    >>> p = p0_table("uniform", 0.01, 40)
    >>> bool(p[0] == 1.0 and (np.diff(p) <= 0).all() and p[40] < 1e-3)
    True

    Parameters
    ----------
    law : {"uniform", "product"}
    eps : float > 0
        Within the table's eps range (an InvalidParameterError names it otherwise).
    k_max : int in [0, P0_K_MAX]

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges.
    """
    law = _validate.choice("law", law, LAWS)
    eps = _validate.positive("eps", eps)
    k_max = _validate.integer("k_max", k_max, minimum=0, maximum=P0_K_MAX)
    return _p0_table(law, eps, k_max)


def _p0_table(law, eps, k_max):
    """:func:`p0_table` for checked arguments."""
    grid, logs = _p0_grid(law, int(k_max))
    if not grid[0] * (1 - _TOL) <= eps <= grid[-1] * (1 + _TOL):
        raise InvalidParameterError(f"eps={eps!r} is outside the P0 table {grid!r} of law {law!r}")
    i = int(np.searchsorted(grid, eps))
    if i < len(grid) and abs(grid[i] - eps) <= _TOL * grid[i]:
        return np.exp(logs[i])
    w = (math.log(eps) - math.log(grid[i - 1])) / (math.log(grid[i]) - math.log(grid[i - 1]))
    return np.exp((1 - w) * logs[i - 1] + w * logs[i])


# --------------------------------------------------------------------------- the model

def _side_failure(n, eps, law, q_free, q_locked, theta, p0):
    """P_side(n) of Model C for one n (p0: P0(K) for K = 0..>=n)."""
    ks = np.arange(n + 1)
    g = float(stats.binom.pmf(ks, n, q_free) @ p0[: n + 1])
    h = 0.0
    if q_locked > 0.0:
        m = (theta[0] + theta[1] * math.log2(1.0 / eps)) / max(1.0, n * q_free)
        c = np.array([1.0 + m])
        with_lock = _offset_sum_cdf(n, _slot_pmf(law, q_free, q_locked), c)[0]
        without = _offset_sum_cdf(n, _slot_pmf(law, q_free, 0.0), c)[0]
        h = min(1.0, max(0.0, 2.0 * (with_lock - without)))
    return 1.0 - (1.0 - g) * (1.0 - h)


def model_failure(n, eps, prune_ratio, lock_ratio, event, theta, p0=None):
    """The failure probability of Model C at n (parameters given; used by the fit)."""
    law = EVENTS[event]
    q_free, q_locked = _slot_probabilities(event, prune_ratio, lock_ratio)
    if p0 is None:
        p0 = _p0_table(law, eps, n)
    side = _side_failure(n, eps, law, q_free, q_locked, theta, p0)
    return side if event == "samples" else 1.0 - (1.0 - side) ** 2


def _smallest_n(fail, target, n_max, lo=1):
    """Smallest n >= lo with fail(n) <= target, by doubling and bisection (the model failure is
    non-increasing in n on the fitted range: tests/bounds/test_calibration.py checks it)."""
    hi = lo
    while fail(hi) > target:
        lo, hi = hi + 1, 2 * hi
        if hi > n_max:
            raise InvalidParameterError(f"the calibrated model does not reach failure {target!r} "
                                        f"by n = {n_max}")
    while lo < hi:
        mid = (lo + hi) // 2
        if fail(mid) <= target:
            hi = mid
        else:
            lo = mid + 1
    return hi


def _check(eps, delta, prune_ratio, lock_ratio):
    eps = _validate.open_unit("eps", eps)
    delta = _validate.open_unit("delta", delta)
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    r = FITTED_RANGE
    for name, value in (("eps", eps), ("delta", delta), ("lock_ratio", lock_ratio),
                        ("freeze_ratio", prune_ratio + lock_ratio)):
        lo, hi = r[name]
        if not lo * (1 - _TOL) - _TOL <= value <= hi * (1 + _TOL) + _TOL:
            raise InvalidParameterError(
                f"{name}={value!r} is outside the calibrated range [{lo}, {hi}] (eps in "
                f"{list(r['eps'])}, delta in {list(r['delta'])}, lock_ratio <= "
                f"{r['lock_ratio'][1]}, prune_ratio + lock_ratio <= {r['freeze_ratio'][1]}); "
                "use constant='proved' there")
    return eps, delta, prune_ratio, lock_ratio


@dataclasses.dataclass(frozen=True)
class CalibratedSamples:
    """A calibrated number of samples (event "samples") or hidden width (event "width").

    Attributes
    ----------
    n : int
        The prediction bound: above the true Monte Carlo n* with the stated ``confidence``.
    fit : int
        The model's estimate of the Monte Carlo n* (smallest n with model failure <= delta).
    confidence : float
    event : {"samples", "width"}
    failure_factor : float
        kappa: ``n`` is the smallest n with kappa * (model failure) <= delta.
    formula : str
    eps, delta, prune_ratio, lock_ratio : float
    """

    n: int
    fit: int
    confidence: float
    event: str
    failure_factor: float
    formula: str
    eps: float
    delta: float
    prune_ratio: float
    lock_ratio: float


def _calibrated(event, eps, delta, prune_ratio, lock_ratio):
    eps, delta, prune_ratio, lock_ratio = _check(eps, delta, prune_ratio, lock_ratio)
    par = _model()[event]
    theta, kappa = par["theta"], par["kappa"]
    law = EVENTS[event]
    n_max = int(par["n_max"])
    p0 = _p0_table(law, eps, n_max)

    @functools.cache
    def fail(n):
        return model_failure(n, eps, prune_ratio, lock_ratio, event, theta, p0)

    # fewer than log2(1/eps) free values never cover (docs/theory.md, Proposition 1): start the
    # search where that many are expected
    start = max(1, math.floor(math.log2(1.0 / eps) / _slot_probabilities(event, prune_ratio,
                                                                          lock_ratio)[0]))
    fit = _smallest_n(fail, delta, n_max, start)
    n = _smallest_n(lambda m: kappa * fail(m), delta, n_max, fit)
    formula = (f"smallest n with {kappa:.3g} * P_model(n) <= delta; Model C ({event}, {law} law): "
               f"theta = ({theta[0]:.4g}, {theta[1]:.4g}); docs/calibration.md")
    return CalibratedSamples(n=n, fit=fit, confidence=float(par["confidence"]), event=event,
                             failure_factor=float(kappa), formula=formula, eps=eps, delta=delta,
                             prune_ratio=prune_ratio, lock_ratio=lock_ratio)


def calibrated_samples(eps, delta, *, prune_ratio=0.0, lock_ratio=0.0):
    """Upper prediction bound on the Monte Carlo n*: samples (frozen ones included) whose free
    subset sums plus the locked sum eps-cover [-1, 1] with probability >= 1 - delta.

    Parameters
    ----------
    eps : float in [1e-3, 0.1]
    delta : float in [0.01, 0.1]
    prune_ratio, lock_ratio : float, lock_ratio <= 0.5, prune_ratio + lock_ratio <= 0.8

    Returns
    -------
    CalibratedSamples
        ``.n`` (the bound, int), ``.fit`` (the model's n*), ``.confidence``.

    Raises
    ------
    InvalidParameterError
        Outside :data:`FITTED_RANGE` (the message names the range).

    Examples
    --------
    >>> r = calibrated_samples(0.01, 0.05)
    >>> r.n >= r.fit >= math.ceil(math.log2(100)), r.confidence
    (True, 0.95)
    >>> calibrated_samples(0.01, 0.05, prune_ratio=0.5).n > r.n
    True
    """
    return _calibrated("samples", eps, delta, prune_ratio, lock_ratio)


def calibrated_width(eps, delta, *, prune_ratio=0.0, lock_ratio=0.0):
    """Upper prediction bound on the Monte Carlo width of one weight: the hidden width n of a
    depth-1 (1, 1) frozen source that, with probability >= 1 - delta, serves every target weight
    w in [-1, 1] within eps |x| (both sign sides cover; the event of ``covers_every_target``,
    docs/theory.md, Theorem 4).

    Parameters and returns as :func:`calibrated_samples` (``.event == "width"``).

    Examples
    --------
    >>> w = calibrated_width(0.01, 0.05)
    >>> w.n > calibrated_samples(0.01, 0.05).n, w.event
    (True, 'width')
    """
    return _calibrated("width", eps, delta, prune_ratio, lock_ratio)


def calibrated_failure(n, eps, *, prune_ratio=0.0, lock_ratio=0.0, event="samples"):
    """The model's estimate of the Monte Carlo failure probability at n samples / width n
    (docs/calibration.md, Section 2), without the prediction factor.

    >>> calibrated_failure(40, 0.01) < calibrated_failure(20, 0.01)
    True
    """
    _validate.choice("event", event, tuple(EVENTS))
    # the model is fitted up to its n_max; a larger n would allocate a P0 table of n entries
    n = _validate.integer("n", n, minimum=0, maximum=int(_model()[event]["n_max"]))
    eps, _, prune_ratio, lock_ratio = _check(eps, FITTED_RANGE["delta"][0], prune_ratio,
                                             lock_ratio)
    par = _model()[event]
    return model_failure(n, eps, prune_ratio, lock_ratio, event, par["theta"])
