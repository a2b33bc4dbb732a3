"""Exact subset-sum coverage: does locked_sum + (a subset sum of the free values) come within eps
of every point of [lo, hi], how large is the worst error, which subset hits a given target, and the
product terms of the two-layer construction.

The public functions validate, allocate and call the numba kernels of
slt_theory.solvers._kernels; their plain twins live in slt_theory.solvers.reference.

Ties and floating point. "Within eps" means ``<= eps``: neighbourhoods are closed and two that
touch at one point join, so a target exactly eps away from a sum is covered. Interval endpoints are
computed as ``(s - eps) + x``, in the same order as the twin, so kernel and twin agree bit for bit;
against exact real arithmetic an endpoint may be off by a few ulps per value. On dyadic inputs
(values, eps, bounds and locked sum exact binary fractions with few bits) every endpoint is exact
and ties are decided exactly.

Memory. The solver keeps at most ``MAX_INTERVALS`` intervals (32 bytes each in the two work
buffers, so 64 MiB at the default). Disjoint intervals of length >= 2 eps inside a window of
width W number at most W / (2 eps) + 3, so small problems never reach the limit; a problem that
would needs more than the limit raises InvalidParameterError instead of allocating more.
``max_intervals`` itself may be raised up to MAX_INTERVALS_LIMIT (2^25 intervals, 1 GiB); past
that a request is refused rather than ending in a MemoryError.

Work. One scan costs O(m * min(max_intervals, W / (2 eps))) for m values (usually far less: the
scan stops once the target is covered), so time, like memory, is bounded by ``max_intervals``;
``subset_sum_error`` runs at most ~45 scans (eps halves down to 1e-13 of the target's scale).

Input. Values must be real numbers: boolean, complex, string or object arrays are refused with
InvalidParameterError (numpy would otherwise read ``True`` as 1.0 or drop imaginary parts).
"""

import math
from enum import IntEnum

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from . import _kernels as _k

__all__ = [
    "MAX_INTERVALS",
    "MAX_INTERVALS_LIMIT",
    "FreezeState",
    "covers",
    "find_subset",
    "product_terms",
    "subset_sum_error",
]

#: Largest number of intervals one solve may hold (per work buffer), by default.
MAX_INTERVALS = 2**21

#: The most ``max_intervals`` may be raised to: 2^25 intervals are 1 GiB of work buffers per
#: solve (per numba thread in Monte Carlo). Past it a request is refused with
#: InvalidParameterError instead of ending in a MemoryError (or in swap).
MAX_INTERVALS_LIMIT = 2**25


class FreezeState(IntEnum):
    """State of one sample (stored as int8, the same codes as empirical.freezing.FreezeState).

    PRUNED samples are never in the sum, LOCKED ones always are, FREE ones may be chosen.
    """

    PRUNED = -1
    FREE = 0
    LOCKED = 1


def _values(values, name="values"):
    """A contiguous 1-D float64 copy of ``values``: real numbers only (no booleans, complex
    numbers or strings, which numpy would silently turn into numbers or refuse obscurely)."""
    if isinstance(values, (str, bytes, dict)) or values is None:
        raise InvalidParameterError(f"{name} must be an array of real numbers, got {values!r}")
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(f"{name} must be an array of real numbers: {err}") from None
    if raw.dtype.kind == "O":  # ragged or mixed: let numpy try real numbers once
        try:
            raw = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError, OverflowError) as err:
            raise InvalidParameterError(
                f"{name} must be an array of real numbers: {err}") from None
    if raw.dtype.kind not in "iuf":
        raise InvalidParameterError(
            f"{name} must be an array of real numbers, got dtype {raw.dtype} "
            f"({'booleans are not numbers here' if raw.dtype.kind == 'b' else raw.dtype.name})")
    if raw.ndim > 1:
        raise InvalidParameterError(f"{name} must be one-dimensional, got shape {raw.shape}")
    arr = np.ascontiguousarray(raw.reshape(-1), dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError(f"{name} must all be finite numbers")
    with np.errstate(over="ignore"):
        total = float(np.abs(arr).sum())
    if not np.isfinite(total):  # every sum the solver forms must be a finite number too
        raise InvalidParameterError(
            f"the sum of |{name}| overflows a float64; scale the values down")
    return arr


def _target(locked_sum, lo, hi):
    locked_sum = _validate.finite("locked_sum", locked_sum)
    lo = _validate.finite("lo", lo)
    hi = _validate.finite("hi", hi)
    if lo > hi:
        raise InvalidParameterError(f"lo must be <= hi, got lo={lo!r}, hi={hi!r}")
    if not all(math.isfinite(x) for x in (hi - lo, lo - locked_sum, hi - locked_sum)):
        raise InvalidParameterError(
            f"lo, hi and locked_sum must differ by finite amounts, got lo={lo!r}, hi={hi!r}, "
            f"locked_sum={locked_sum!r} (a difference overflows)")
    return lo - locked_sum, hi - locked_sum


def _max_intervals(max_intervals):
    return _validate.integer("max_intervals", max_intervals, minimum=2,
                             maximum=MAX_INTERVALS_LIMIT)


def interval_bound(values, eps, lo, hi, widen=0.0):
    """A priori bound on the intervals one scan can hold: min(2^m, W / (2 eps) + 3), W the widest
    keep-window (the target plus everything the values can still move)."""
    m = len(values)
    width = (hi - lo) + float(np.abs(values).sum()) + 2.0 * widen
    by_width = width / (2.0 * eps) + 3.0
    by_count = 2.0**m if m < 1000 else math.inf
    return min(by_width, by_count)


def _buffers(values, eps, lo, hi, max_intervals, widen=0.0):
    need = interval_bound(values, eps, lo, hi, widen)
    cap = int(min(need, max_intervals)) + 1
    m = len(values)
    return (np.empty(m + 1), np.empty(m + 1), np.empty(cap), np.empty(cap), np.empty(cap),
            np.empty(cap))


def _overflow(what, eps, max_intervals):
    return InvalidParameterError(
        f"{what} needs more than max_intervals={max_intervals} intervals at eps={eps!r} "
        f"(about {32 * max_intervals / 2**20:.0f} MiB); use a larger eps, fewer values, or raise "
        "max_intervals"
    )


def covers(values, eps, *, locked_sum=0.0, lo=-1.0, hi=1.0, max_intervals=MAX_INTERVALS):
    """True when every z in [lo, hi] is within eps (``<= eps``) of locked_sum plus the sum of some
    subset of ``values``.

    .. math:: \\forall z \\in [lo, hi]\\ \\exists S:\\ |z - L - \\textstyle\\sum_{i\\in S} x_i| \\le \\varepsilon

    Parameters
    ----------
    values : array_like, shape (m,)
        The free values (m = 0 allowed: only the locked sum is reachable).
    eps : float > 0
    locked_sum : float
        Sum of the locked values, always in the sum.
    lo, hi : float, lo <= hi
        The target interval; lo == hi asks about one point.
    max_intervals : int
        Memory limit (see the module docstring).

    Returns
    -------
    bool

    Notes
    -----
    A point exactly eps from a sum counts as covered; see the module docstring for rounding. The
    twin is :func:`slt_theory.solvers.reference.covers_reference`; both give the same answer.

    Examples
    --------
    >>> covers([0.5, -0.25], 0.25, lo=-0.5, hi=0.5)
    True
    >>> covers([0.5], 0.2, lo=-0.5, hi=0.5)
    False
    >>> covers([], 0.5, locked_sum=0.5, lo=0.0, hi=1.0)   # closed: 0 and 1 are exactly 0.5 away
    True
    """
    values = _values(values)
    eps = _validate.positive("eps", eps)
    lo, hi = _target(locked_sum, lo, hi)
    max_intervals = _max_intervals(max_intervals)
    status = _k.covers_kernel(values, eps, lo, hi, *_buffers(values, eps, lo, hi, max_intervals))
    if status == _k.OVERFLOW:
        raise _overflow("covers", eps, max_intervals)
    return bool(status == _k.COVERED)


def subset_sum_error(values, *, locked_sum=0.0, lo=-1.0, hi=1.0, max_intervals=MAX_INTERVALS):
    """The worst-case approximation error

    .. math:: E = \\sup_{z \\in [lo, hi]} \\min_{S} |z - L - \\textstyle\\sum_{i \\in S} x_i|,

    the smallest eps for which :func:`covers` is True.

    Method (exact, not 2^m). covers(eps) is monotone in eps and, with closed neighbourhoods, true
    exactly for eps >= E. Starting from eps = max(|lo - L|, |hi - L|), which the empty subset
    already achieves, eps is halved until covers fails at some eps_lo, so E lies in
    (eps_lo, 2 eps_lo]. One more scan at eps_lo keeps every interval within eps_lo of [lo, hi]
    (the keep-window widened by eps_lo) and returns eps_lo + sup_z dist(z, C^{eps_lo}), because
    S + [-eps - d, eps + d] is C^eps grown by d on both sides. Work is a few scans at eps ~ E,
    i.e. O(m * W / E). When E is below 1e-13 (relative to the target's scale) the answer
    is reported as 0.0, which is within 1e-12 of it.

    Parameters
    ----------
    values : array_like, shape (m,)
    locked_sum : float
    lo, hi : float, lo <= hi
    max_intervals : int
        Memory limit. Random real values make E shrink like 2^-m, and resolving a tiny E needs
        ~W / E intervals: for such inputs (e.g. 40+ uniform values) this raises
        InvalidParameterError saying how small E is known to be.

    Returns
    -------
    float

    Examples
    --------
    >>> subset_sum_error([0.5, 0.25], lo=0.0, hi=1.0)
    0.25
    >>> subset_sum_error([1.0] * 3, locked_sum=-1.5, lo=-1.0, hi=1.0)   # sums -1.5, -0.5, 0.5, 1.5
    0.5
    """
    values = _values(values)
    lo, hi = _target(locked_sum, lo, hi)
    max_intervals = _max_intervals(max_intervals)
    eps_hi = max(abs(lo), abs(hi))
    floor = 1e-13 * (1.0 + eps_hi)
    if eps_hi <= floor:
        return float(eps_hi)
    eps = eps_hi
    while True:
        eps_lo = 0.5 * eps
        if eps_lo < floor:
            return 0.0
        status = _k.covers_kernel(values, eps_lo, lo, hi,
                                  *_buffers(values, eps_lo, lo, hi, max_intervals))
        if status == _k.OVERFLOW:
            raise InvalidParameterError(
                f"subset_sum_error: the error is certified <= {eps!r}, but deciding eps={eps_lo!r} "
                f"needs more than max_intervals={max_intervals} intervals "
                f"(about {32 * max_intervals / 2**20:.0f} MiB); use covers(values, eps) for a "
                "fixed eps, fewer values, or raise max_intervals")
        if status == _k.NOT_COVERED:
            break
        eps = eps_lo
    widen = eps - eps_lo
    dist = _k.sup_distance_kernel(values, eps_lo, lo, hi, widen,
                                  *_buffers(values, eps_lo, lo, hi, max_intervals, widen))
    if dist < 0.0:
        raise _overflow("subset_sum_error", eps_lo, max_intervals)
    return float(min(eps_lo + dist, eps))


def find_subset(values, target, eps, *, max_intervals=MAX_INTERVALS):
    """Indices of a subset of ``values`` whose sum is within eps (``<= eps``) of ``target``, or
    None when no subset is.

    Method: the interval scan for the single point ``target`` with every C_k kept (a per-step
    provenance record), stopped at the first k where C_k contains the target; a walk back then
    decides for each value whether it was taken. Cost O(k * W / eps) time and memory for the
    k values that are needed, which is what ticket construction at n ~ hundreds needs.

    Parameters
    ----------
    values : array_like, shape (m,)
    target : float
    eps : float > 0
    max_intervals : int
        Memory limit for the whole per-step record.

    Returns
    -------
    list of int or None
        Sorted indices into ``values``. On dyadic input the returned subset is exact; otherwise
        ``|target - sum|`` may exceed eps by a few ulps when a sum sits exactly eps away.

    Examples
    --------
    >>> find_subset([0.5, 0.25, 0.125], 0.375, 0.01)
    [1, 2]
    >>> find_subset([0.5], 0.2, 0.1) is None
    True
    """
    values = _values(values)
    target = _validate.finite("target", target)
    eps = _validate.positive("eps", eps)
    max_intervals = _max_intervals(max_intervals)
    m = len(values)
    need = (m + 1) * interval_bound(values, eps, target, target)
    cap = int(min(need, max_intervals)) + 1
    ha, hb = np.empty(cap), np.empty(cap)
    off = np.zeros(m + 2, dtype=np.int64)
    chosen = np.zeros(m, dtype=np.int8)
    status = _k.find_subset_kernel(values, eps, target, np.empty(m + 1), np.empty(m + 1), ha, hb,
                                   off, chosen)
    if status == _k.OVERFLOW:
        raise _overflow("find_subset", eps, max_intervals)
    if status == 0:
        return None
    return [int(i) for i in np.flatnonzero(chosen)]


def _states(name, state, shape):
    if isinstance(state, (str, bytes, dict)) or state is None:
        raise InvalidParameterError(f"{name} must be an array of FreezeState codes, got {state!r}")
    try:
        arr = np.asarray(state)
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(
            f"{name} must be an array of FreezeState codes: {err}") from None
    if arr.shape != shape:
        raise InvalidParameterError(f"{name} must have shape {shape}, got {arr.shape}")
    allowed = {int(s) for s in FreezeState}
    if arr.size and (arr.dtype.kind not in "iuf" or not np.isin(arr, list(allowed)).all()):
        raise InvalidParameterError(
            f"{name} must hold FreezeState codes {sorted(allowed)} (PRUNED, FREE, LOCKED)")
    return arr.astype(np.int8)


def _classify_product(u, v, u_state, v_state):
    """Vectorised classification of product terms (any shape): term values u * v and their
    FreezeState; terms with u <= 0 are absent and reported PRUNED."""
    term = u * v
    state = np.full(term.shape, FreezeState.FREE, dtype=np.int8)
    state[(u_state == FreezeState.LOCKED) & (v_state == FreezeState.LOCKED)] = FreezeState.LOCKED
    state[(u_state == FreezeState.PRUNED) | (v_state == FreezeState.PRUNED)] = FreezeState.PRUNED
    state[~(u > 0.0)] = FreezeState.PRUNED
    return term, state


def product_terms(u, v, u_state=None, v_state=None):
    """The free product terms and the locked offset of the two-layer construction, for x >= 0.

    Pensia et al. (2020) approximate a weight w by sum_i v_i relu(u_i x); for x >= 0 only the
    pairs with u_i > 0 contribute, each adding u_i v_i x (the sign split: the pairs with u_i < 0
    serve x <= 0). With each factor in its own FreezeState, a term u_i v_i is

    - out (never in the sum) if u_i <= 0 or either factor is PRUNED,
    - LOCKED (always in the sum) if both factors are LOCKED,
    - FREE otherwise (a free factor can still be removed, which removes the term).

    Parameters
    ----------
    u, v : array_like, shape (n,)
    u_state, v_state : array_like of FreezeState codes, shape (n,), optional (default all FREE)

    Returns
    -------
    free : ndarray
        The free terms u_i v_i in index order.
    locked_sum : float
        The sum of the locked terms, in index order.

    Examples
    --------
    >>> F, L, P = FreezeState.FREE, FreezeState.LOCKED, FreezeState.PRUNED
    >>> free, locked = product_terms([0.5, 0.5, -0.5, 1.0, 1.0], [1.0, 0.5, 1.0, 0.25, -1.0],
    ...                              [L, F, F, L, P], [L, L, F, F, L])
    >>> free.tolist(), locked
    ([0.25, 0.25], 0.5)
    """
    u = _values(u, "u")
    v = _values(v, "v")
    if u.shape != v.shape:
        raise InvalidParameterError(f"u and v must have the same length, got {u.size} and {v.size}")
    u_state = np.zeros(u.shape, np.int8) if u_state is None else _states("u_state", u_state, u.shape)
    v_state = np.zeros(v.shape, np.int8) if v_state is None else _states("v_state", v_state, v.shape)
    term, state = _classify_product(u, v, u_state, v_state)
    locked = 0.0
    for w in term[state == FreezeState.LOCKED]:  # index order, as the Monte Carlo kernel sums
        locked += float(w)
    return term[state == FreezeState.FREE].copy(), locked
