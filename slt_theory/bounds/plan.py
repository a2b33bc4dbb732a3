"""Theorems 3'', 4'' and 5 turned into numbers: the proved failure bound at a number of samples or
a hidden width, and the smallest one whose bound is <= delta.

The bounds of Theorem 3'' and of Theorem 5 (A), (B) are non-increasing in n and in the width
(docs/theory.md, Proposition 5), so the smallest n meeting delta is found by bisection and every
larger n meets it too. Theorem 5(C) adds the probability of a stuck neuron, which grows with the
width: its bound is a non-increasing part plus a non-decreasing part, and the search returns the
smallest width meeting delta and the largest width up to which every width meets it
(:func:`_feasible_range`, exact by interval bounds).
"""

import dataclasses
import math

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from . import _checks
from .expressions import RHO_PROVED, evaluate
from .models import A_PRODUCT, A_UNIFORM, _product_model, _stuck_probability, _uniform_model
from .theorem2 import _frozen_failure

__all__ = [
    "N_MAX", "NetworkShape", "WidthPlan", "network_failure", "samples_failure", "smallest_samples",
    "width_plan", "window_samples",
]

#: Largest number of samples or hidden width the bounds are computed for (the rounding slack of
#: theorem2.LOG_MGF_MARGIN stays below 1% of the exponent up to here).
N_MAX = 10**12


def window_samples(eps_value, delta_value, half_width=1.0, rho_value=None):
    """Theorem 1: number of iid U[-a, a] samples that eps-cover [-a, a] w.p. >= 1 - delta.

    >>> window_samples(0.01, 0.01)
    56
    """
    eps_value = _validate.open_unit("eps", eps_value)
    delta_value = _validate.open_unit("delta", delta_value)
    half_width = _validate.positive("half_width", half_width)
    rho_value = float(RHO_PROVED) if rho_value is None else _validate.open_unit("rho", rho_value)
    k_real = evaluate("WINDOW_SAMPLES", epsilon=eps_value, delta=delta_value, a=half_width,
                      rho=rho_value)
    return max(0, math.ceil(k_real - 1e-12))


# ---------------------------------------------------------------------------------------------
# Theorem 3'': one layer of U[-1, 1] samples
# ---------------------------------------------------------------------------------------------
def samples_failure(ns, eps_value, prune_ratio, lock_ratio, window_failure=None, detail=False):
    """Theorem 3'': the proved failure probability at n samples (vectorised over n), the best
    cover window a of ``A_UNIFORM``. With ``detail=True`` also the window used per n.

    Parameters
    ----------
    ns : int or 1-D array_like of ints in [0, N_MAX]
        At most ``_checks.MAX_POINTS`` values.
    eps_value : float in (0, 1)
    prune_ratio, lock_ratio : float >= 0, sum < 1
    window_failure : None or callable w(K, eps_over_a)
        Theorem 1's window failure (None: its closed form), e.g. a certificate.
    detail : bool

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges (ResourceLimitError past the size limit).
    """
    ns = _checks.counts("ns", ns, maximum=N_MAX)
    eps_value = _validate.open_unit("eps_value", eps_value)
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    return _samples_failure(ns, eps_value, prune_ratio, lock_ratio,
                            _checks.window_failure(window_failure),
                            _checks.flag("detail", detail))


def _samples_failure(ns, eps_value, prune_ratio, lock_ratio, window_failure=None, detail=False):
    """:func:`samples_failure` for checked arguments (ns a 1-D float array)."""
    best, where = np.ones_like(ns), np.full(ns.shape, np.nan)
    for a_value in A_UNIFORM:
        value = _frozen_failure(ns, _uniform_model(prune_ratio, lock_ratio, a_value), eps_value,
                                a_value, 1.0, window_failure)
        where = np.where(value < best, a_value, where)
        best = np.minimum(best, value)
    return (best, where) if detail else best


def _smallest(fn, delta_value, what):
    """Smallest integer n in [1, N_MAX] with fn(n) <= delta, for a non-increasing fn vectorised
    over n: every power of two at once, then 64 points per round inside the bracket."""
    for powers in (np.arange(0, 21), np.arange(20, 41)):  # the second stage is rarely needed
        grid = np.unique(np.minimum(N_MAX, 2 ** powers.astype(np.int64)))
        ok = np.flatnonzero(np.asarray(fn(grid)) <= delta_value)
        if ok.size:
            break
    else:
        raise InvalidParameterError(what)
    hi = int(grid[ok[0]])
    lo = int(grid[ok[0] - 1]) if ok[0] > 0 else hi // 2  # fn(hi // 2) > delta was seen (or 0)
    while hi - lo > 1:  # fn(lo) > delta (or lo == 0), fn(hi) <= delta
        points = np.unique(np.linspace(lo, hi, 66).round().astype(np.int64))[1:-1]
        good = np.asarray(fn(points)) <= delta_value
        first = int(np.argmax(good)) if good.any() else len(points)
        hi = int(points[first]) if first < len(points) else hi
        lo = int(points[first - 1]) if first > 0 else lo
    return hi


def smallest_samples(eps_value, delta_value, prune_ratio, lock_ratio, window_failure=None):
    """Theorem 3'': the smallest n whose proved failure bound is <= delta; every larger n is
    covered as well (the bound is non-increasing in n, Proposition 5).

    Parameters
    ----------
    eps_value, delta_value : float in (0, 1)
    prune_ratio, lock_ratio : float >= 0, sum < 1
    window_failure : None or callable w(K, eps_over_a)

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges, and when no n up to N_MAX meets delta.
    """
    eps_value = _validate.open_unit("eps_value", eps_value)
    delta_value = _validate.open_unit("delta_value", delta_value)
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    window_failure = _checks.window_failure(window_failure)
    return _smallest(
        lambda ns: _samples_failure(np.asarray(ns, dtype=float), eps_value, prune_ratio, lock_ratio, window_failure),
        delta_value,
        f"no number of samples up to N_MAX = {N_MAX:.0e} meets Theorem 3'' at eps={eps_value!r}, "
        f"delta={delta_value!r}, prune_ratio={prune_ratio!r}, lock_ratio={lock_ratio!r}: the "
        f"free share {1 - prune_ratio - lock_ratio:.3g} is too small for the bounds' computed "
        "range (docs/theory.md, Section 6)")


# ---------------------------------------------------------------------------------------------
# Theorem 5: networks
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class NetworkShape:
    """What Theorem 5 needs of a target: per distinct layer shape (d_in, d_out), the number of
    (output, input, side) instances, the entry error and the layers' input counts."""

    eps: float
    prune_ratio: float
    lock_ratio: float
    depth: int
    widths: tuple
    instances: dict  # (d_in, d_out) -> instance count over all layers of that shape
    entry_eps: dict  # (d_in, d_out) -> eps_i
    layers: dict     # (d_in, d_out) -> number of layers of that shape

    @classmethod
    def of(cls, eps_value, prune_ratio, lock_ratio, depth, widths):
        instances, entry_eps, layers = {}, {}, {}
        for i in range(depth):
            key = (widths[i], widths[i + 1])
            sides = 2 if i == 0 else 1  # inputs of layers >= 2 are outputs of a ReLU, >= 0
            instances[key] = instances.get(key, 0) + sides * key[0] * key[1]
            layers[key] = layers.get(key, 0) + 1
            if key not in entry_eps:
                entry_eps[key] = float(evaluate(
                    "ENTRY_ERROR", epsilon=eps_value, l=depth,
                    **{"d_{i-1}": key[0], "d_i": key[1]}))
        return cls(eps_value, prune_ratio, lock_ratio, depth, tuple(widths), instances,
                   entry_eps, layers)

    @property
    def reassigns(self):
        """Theorem 5(C): locking with a layer of several inputs."""
        return self.lock_ratio > 0.0 and any(d_in > 1 for d_in, _ in self.instances)

    def block_sizes(self, width):
        """n_i = max(1, width // d_{i-1}), as FrozenSource.from_width builds the source."""
        return tuple(max(1, width // d) for d in self.widths[:-1])


def _check_shape(shape):
    if not isinstance(shape, NetworkShape):
        raise InvalidParameterError(
            f"shape must be a NetworkShape (NetworkShape.of(eps, prune_ratio, lock_ratio, depth, "
            f"widths)), got {shape!r}")
    return shape


def _instance_failure(ns, shape, key, window_failure):
    """One (output, input, side) instance of the layers of shape ``key``: Theorem 2'' with the
    product model, the best cover window of A_PRODUCT."""
    d_in, d_out = key
    best = np.ones(len(ns))
    for a_value in A_PRODUCT:
        model = _product_model(shape.prune_ratio, shape.lock_ratio, a_value, d_in, d_out)
        best = np.minimum(best, _frozen_failure(ns, model, shape.entry_eps[key], a_value, 1.0,
                                                window_failure))
    return best


def _parts(widths_h, shape, window_failure):
    """(instance part, stuck part) of Theorem 5's bound at hidden widths ``widths_h``: the first
    is non-increasing, the second non-decreasing in the width."""
    widths_h = np.atleast_1d(np.asarray(widths_h, dtype=np.int64))
    decreasing = np.zeros(len(widths_h))
    log_no_stuck = np.zeros(len(widths_h))
    for key, count in shape.instances.items():
        ns = np.maximum(1, widths_h // key[0]).astype(float)
        decreasing += count * _instance_failure(ns, shape, key, window_failure)
        pi = _stuck_probability(shape.lock_ratio, *key)
        if pi > 0.0:
            log_no_stuck += shape.layers[key] * key[0] * ns * math.log1p(-pi)
    return np.minimum(1.0, decreasing), -np.expm1(log_no_stuck)


def network_failure(widths_h, shape, window_failure=None):
    """Theorem 5: the proved failure probability at hidden width h (each layer i built with
    n_i = max(1, h // d_{i-1}) neurons per block), vectorised over h.

    Parameters
    ----------
    widths_h : int or 1-D array_like of ints in [1, N_MAX]
        At most ``_checks.MAX_POINTS`` values.
    shape : NetworkShape
        From :meth:`NetworkShape.of`.
    window_failure : None or callable w(K, eps_over_a)

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges (ResourceLimitError past the size limit).
    """
    widths_h = _checks.counts("widths_h", widths_h, minimum=1, maximum=N_MAX)
    decreasing, increasing = _parts(widths_h, _check_shape(shape),
                                    _checks.window_failure(window_failure))
    return np.minimum(1.0, decreasing + increasing)


def _feasible_range(dec, inc, delta_value, lo, hi):
    """For f = dec + inc on the integers of [lo, hi], dec non-increasing and inc non-decreasing:
    the smallest x with f(x) <= delta and the largest y such that f <= delta on all of [x, y];
    (None, None) when there is none. On a block [u, v], dec(v) + inc(u) <= f <= dec(u) + inc(v),
    which decides whole blocks at once."""

    def f_at(x):
        return dec(x) + inc(x)

    def first(u, v):
        if dec(v) + inc(u) > delta_value:
            return None  # every x in [u, v] has f(x) >= dec(v) + inc(u) > delta
        if u == v:
            return u if f_at(u) <= delta_value else None
        mid = (u + v) // 2
        found = first(u, mid)
        return found if found is not None else first(mid + 1, v)

    start = first(lo, hi)
    if start is None:
        return None, None

    def last(u, v):
        """Largest y in [u - 1, v] with f <= delta on all of [u, y] (u - 1: none)."""
        if dec(u) + inc(v) <= delta_value:
            return v  # every x in [u, v] has f(x) <= dec(u) + inc(v)
        if u == v:
            return u if f_at(u) <= delta_value else u - 1
        mid = (u + v) // 2
        left = last(u, mid)
        return left if left < mid else last(mid + 1, v)

    return start, last(start, hi)


@dataclasses.dataclass(frozen=True)
class WidthPlan:
    """The width of Theorem 5, its block sizes, and (Theorem 5(C)) the widest covered width."""

    width: int
    block_sizes: tuple
    max_width: object  # None: every larger width is covered; an int under Theorem 5(C)
    failure: float


def width_plan(shape, delta_value, window_failure=None):
    """The smallest hidden width whose Theorem 5 bound is <= delta (and under 5(C) the largest
    width up to which every width is covered).

    Parameters
    ----------
    shape : NetworkShape
        From :meth:`NetworkShape.of`.
    delta_value : float in (0, 1)
    window_failure : None or callable w(K, eps_over_a)

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges, and when no width up to N_MAX meets delta.
    """
    shape = _check_shape(shape)
    delta_value = _validate.open_unit("delta_value", delta_value)
    window_failure = _checks.window_failure(window_failure)
    cache = {}

    def parts(x):
        if x not in cache:
            d, i = _parts([x], shape, window_failure)
            cache[x] = (float(d[0]), float(i[0]))
        return cache[x]

    def dec(x):
        return parts(x)[0]

    def inc(x):
        return parts(x)[1]

    def dec_vector(xs):
        return _parts(xs, shape, window_failure)[0]

    if not shape.reassigns:
        width = _smallest(
            dec_vector, delta_value,
            f"no hidden width up to N_MAX = {N_MAX:.0e} meets Theorem 5 at eps={shape.eps!r}, "
            f"delta={delta_value!r}, prune_ratio={shape.prune_ratio!r}, "
            f"lock_ratio={shape.lock_ratio!r}: the free share is too small for the bounds' "
            "computed range (docs/theory.md, Section 6)")
        return WidthPlan(width, shape.block_sizes(width), None, dec(width))
    # Theorem 5(C): no width beyond the point where stuck neurons alone exceed delta can work
    d_max = max(shape.widths[:-1])
    hi = d_max
    while inc(hi) <= delta_value and hi < N_MAX:
        hi = min(N_MAX, hi * 2)
    start, stop = _feasible_range(dec, inc, delta_value, 1, hi)
    if start is None:
        raise InvalidParameterError(
            f"lock_ratio={shape.lock_ratio!r} with widths={list(shape.widths)} is outside every "
            f"theorem at eps={shape.eps!r}, delta={delta_value!r}: Theorem 5(C) (re-assignment) "
            "needs a width at which stuck neurons (>= 2 locked incoming weights and a locked "
            "outgoing weight) are unlikely and the subset sums are covered, and none exists here; "
            "by Theorem 6 (the locked-kink lower bound, docs/theory.md Section 5.1) no width bound that is "
            "polylogarithmic in 1/eps exists at a fixed lock ratio for targets with >= 2 inputs "
            "per layer; lower the lock ratio, or use lock_ratio=0")
    return WidthPlan(start, shape.block_sizes(start), stop, dec(start) + inc(start))
