"""Theorem 2'' of docs/theory.md as numbers: the failure bound of a frozen subset sum whose free
values hold a cover block (Theorem 1) and whose other free values, minus the locked offset, must
reach past the target (one Cramer-Chernoff bound per side).

A *slot model* describes n independent slots (samples, or hidden neurons on one side of the sign
split) by groups: a group contributes ``per_unit * n`` slots, each in the cover block with
probability ``cover_prob`` (its value then uniform on [-a, a]), and each with the moment
generating function E exp(-s H) of its extension contribution H on the grid :data:`S_GRID`
(``log_mgf``). The bound is

    cover(n) + 2 * min(1, min_{s in S_GRID} exp(s (R - a) + n sum_g per_unit_g (log M_g(s) + margin)))

with cover(n) = E[min(1, w(M))], M ~ Bin(n per_unit, cover_prob), w the window failure of
Theorem 1 (:func:`closed_form_window_failure`, or any function of the same signature, e.g. a
numerical certificate). Both terms are non-increasing in n (docs/theory.md, Proposition 5), so the
smallest n whose bound is <= delta covers every larger n.

Every bound is evaluated in double precision: ``LOG_MGF_MARGIN`` is added to every log M(s) to
absorb its rounding (``tests/bounds/test_theorem2.py`` holds the double-precision values
against a 50-digit evaluation of the same expressions).
"""

import dataclasses
import functools
import math

import numpy as np
from scipy import stats

from .. import _validate
from ..errors import InvalidParameterError, ResourceLimitError
from . import _checks
from .expressions import RHO_PROVED, _binomial_cdf, _binomial_sf, evaluate

__all__ = [
    "LOG_MGF_MARGIN", "S_GRID", "SlotGroup", "chernoff_tail", "closed_form_window_failure",
    "cover_failure", "cover_failure_reference", "frozen_failure", "log_mgf_on_grid",
]

#: The Chernoff parameters s tried (log-spaced, ratio 1.03 between neighbours): any s gives a
#: valid bound, so the minimum over a fixed grid is one; the grid loses < 0.1% of the exponent.
S_GRID = np.geomspace(1e-6, 256.0, 650)
#: Absolute slack added to every double-precision log E exp(-s H) (its rounding error is below
#: 5e-15 wherever log E exp(-s H) <= 1, the only values that can make a bound below 1; checked
#: against 50-digit arithmetic).
LOG_MGF_MARGIN = 1e-14
_RHO = float(RHO_PROVED)
#: Largest n the back ends take (plan.N_MAX, the range of the bounds).
_N_MAX = 10**12


def _check_window(eps_value, a_value, radius=None, with_radius=False):
    """Theorem 2'' asks a in [1/2, 1], eps in (0, 2a) and R >= a (finite; checked when
    ``with_radius``)."""
    a_value = _checks.interval("a_value", a_value, 0.5, 1.0)
    eps_value = _validate.positive("eps_value", eps_value)
    if eps_value >= 2.0 * a_value:
        raise InvalidParameterError(
            f"eps_value must lie in (0, 2 a_value) = (0, {2.0 * a_value!r}) (Theorem 2''), got "
            f"{eps_value!r}")
    if with_radius:
        radius = _validate.finite("radius", radius)
        if radius < a_value:
            raise InvalidParameterError(
                f"radius must be >= a_value = {a_value!r} (Theorem 2''), got {radius!r}")
    return eps_value, a_value, radius


def _check_groups(groups):
    """A slot model: a non-empty list of SlotGroup whose log_mgf lie on S_GRID."""
    if isinstance(groups, SlotGroup) or not isinstance(groups, (list, tuple)) or not groups:
        raise InvalidParameterError(
            f"groups must be a non-empty list of SlotGroup (a slot model of bounds.models), got "
            f"{groups!r}")
    for i, g in enumerate(groups):
        if not isinstance(g, SlotGroup):
            raise InvalidParameterError(f"groups[{i}] must be a SlotGroup, got {g!r}")
        _validate.integer(f"groups[{i}].per_unit", g.per_unit, minimum=1, maximum=2**25)
        _checks.probability(f"groups[{i}].cover_prob", g.cover_prob)
        _checks.flag(f"groups[{i}].nonnegative", g.nonnegative)
        mgf = g.log_mgf
        if (not isinstance(mgf, np.ndarray) or mgf.shape != S_GRID.shape
                or not np.issubdtype(mgf.dtype, np.floating) or np.isnan(mgf).any()
                or np.isneginf(mgf).any()):
            raise InvalidParameterError(
                f"groups[{i}].log_mgf must be a float array of log E exp(-s H) on S_GRID "
                f"(shape {S_GRID.shape}, no NaN; +inf where infinite), got {_checks.brief(mgf)}")
    return list(groups)


def closed_form_window_failure(K, eps_over_a):
    """Theorem 1: K iid U[-a, a] samples fail to eps-cover [-a, a] with probability at most
    min(1, 8 rho^K / (eps/a)^2), rho = 3/4 (vectorised over K).

    Examples
    --------
    >>> closed_form_window_failure(np.array([0, 60]), 0.01).round(4)
    array([1.    , 0.0026])
    """
    K = _checks.counts("K", K, ndim=None, max_size=2**20).reshape(np.shape(K))  # K's shape
    eps_over_a = _validate.positive("eps_over_a", eps_over_a)
    log_w = evaluate("LOG_WINDOW_FAILURE", K=K, a=1.0,
                     epsilon=eps_over_a, rho=_RHO)
    return np.minimum(1.0, np.exp(np.minimum(log_w, 0.0)))


@dataclasses.dataclass(frozen=True)
class SlotGroup:
    """One kind of slot in a slot model (see the module docstring).

    ``nonnegative``: H >= 0 almost surely (no locked values in the group), so that a target
    already inside the cover window needs no extension at all.
    """

    per_unit: int
    cover_prob: float
    log_mgf: np.ndarray = dataclasses.field(repr=False)
    nonnegative: bool


@functools.lru_cache(maxsize=256)
def _window_table(eps_over_a, window_failure):
    """min(1, w(K)) made non-increasing (the true failure probability is: more samples only
    enlarge the covered set, so a running minimum of valid bounds is valid), on K = 0..K_cut
    with w(K_cut) <= 1e-300 or K_cut = 2^16."""
    size = 256
    while True:
        ks = np.arange(size)
        w = np.minimum.accumulate(np.minimum(1.0, np.asarray(window_failure(ks, eps_over_a),
                                                            dtype=float)))
        if w[-1] <= 1e-300 or size >= 2**16:
            return w
        size *= 4


def _log_upper_tail(k, ns, q_value):
    """An upper bound on log P(Bin(n, q) >= k) that does not underflow: the log of the exact tail
    where that is above 1e-250, else log pmf(k) - log(1 - r) with r = (n - k) q / ((k + 1)(1 - q))
    >= pmf(m + 1) / pmf(m) for every m >= k (a geometric series), plus 1e-9 for the rounding of
    log pmf. (Where r >= 1/2 the tail is far from underflow.)"""
    with np.errstate(divide="ignore"):
        direct = np.log(_binomial_sf(k - 1, ns, q_value))
    tiny = direct < math.log(1e-250)
    if tiny.any() and q_value < 1.0:
        nt = ns[tiny]
        ratio = (nt - k) * q_value / ((k + 1) * (1.0 - q_value))
        geometric = stats.binom.logpmf(k, nt, q_value) - np.log1p(-np.minimum(ratio, 0.5)) + 1e-9
        direct = direct.copy()
        direct[tiny] = np.where(ratio < 0.5, geometric, direct[tiny])
    return direct


def cover_failure(ns, q, eps_value, a_value, window_failure=None):
    """E[min(1, w(M))] for M ~ Bin(n, q): the cover term of Theorem 2'' (vectorised over n).

    With ``window_failure=None`` this is Lemma 8's closed form of Theorem 1's bound
    (``COVER_FAILURE``, its second term evaluated in logarithms); otherwise
    ``window_failure(K, eps_over_a)`` (vectorised over K) is summed against the binomial law, with
    the mass beyond the table charged at its last value.

    Parameters
    ----------
    ns : int or 1-D array_like of ints in [0, 10**12]
        At most ``_checks.MAX_POINTS`` values.
    q : float in [0, 1]
        The probability that a slot is in the cover block.
    eps_value : float in (0, 2 a_value)
    a_value : float in [1/2, 1]
        The cover window [-a, a] (Theorem 2'').
    window_failure : None or callable w(K, eps_over_a)

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges (ResourceLimitError past the size limits).
    """
    ns = _checks.counts("ns", ns, maximum=_N_MAX)
    q = _checks.probability("q", q)
    eps_value, a_value, _ = _check_window(eps_value, a_value)
    return _cover_failure(ns, q, eps_value, a_value, _checks.window_failure(window_failure))


def _cover_failure(ns, q, eps_value, a_value, window_failure=None):
    """:func:`cover_failure` for checked arguments (ns a 1-D float array)."""
    if q <= 0.0:
        return np.ones_like(ns)
    q = min(q, 1.0)
    if window_failure is None:
        values = {"q": q, "a": a_value, "epsilon": eps_value, "rho": _RHO}
        k0 = float(evaluate("COVER_THRESHOLD", **values))
        if not np.isfinite(k0):  # eps so small that log(a / eps) overflows (eps = 1e-200, depth 1)
            raise InvalidParameterError(
                f"the accuracy asked of one entry, eps={eps_value!r} (derived from the eps "
                "asked for), is too small for floating point: the cover threshold k0 of "
                "Theorem 2 is not finite")
        k0 = int(k0)
        below = _binomial_cdf(k0 - 1, ns, q)
        log_second = (evaluate("COVER_TILT_LOG", n=ns, **values)
                      + _log_upper_tail(k0, ns, float(evaluate("COVER_TILTED_Q", **values))))
        with np.errstate(over="ignore"):
            value = below + np.exp(np.minimum(log_second, 1.0))
        return np.minimum(1.0, value)
    w = _window_table(float(eps_value / a_value), window_failure)
    if len(ns) * len(w) > 2**24:  # the pmf matrix below: 128 MB
        raise ResourceLimitError(
            f"the generic cover term at {len(ns)} values of n needs a {len(ns)} x {len(w)} "
            "binomial table, more than 2**24 entries: pass fewer n per call")
    m = np.arange(len(w))
    pmf = stats.binom.pmf(m[None, :], ns[:, None], q)
    beyond = _binomial_sf(len(w) - 1, ns, q)
    return np.minimum(1.0, pmf @ w + beyond * w[-1])


def cover_failure_reference(n_value, q, eps_value, a_value, window_failure=None):
    """The plain twin of :func:`cover_failure`: sum over m = 0..n of C(n, m) q^m (1 - q)^(n - m)
    min(1, w(m)) in exact binomial coefficients, for small n."""
    w_fn = closed_form_window_failure if window_failure is None else window_failure
    eps_over_a = eps_value / a_value
    total = 0.0
    for m in range(int(n_value) + 1):
        weight = math.comb(int(n_value), m) * q**m * (1.0 - q) ** (int(n_value) - m)
        total += weight * min(1.0, float(np.asarray(w_fn(np.array([m]), eps_over_a))[0]))
    return min(1.0, total)


def chernoff_tail(ns, t_value, groups):
    """min(1, min_s exp(s t + n sum_g per_unit_g (log M_g(s) + margin))): a bound on
    P(sum of the extension contributions H < t) for n units (Theorem 2'', Cramer-Chernoff).
    Exactly 0 when t <= 0 and every H >= 0.

    Parameters
    ----------
    ns : int or 1-D array_like of ints in [0, 10**12]
    t_value : float
    groups : non-empty list of SlotGroup
        A slot model of :mod:`slt_theory.bounds.models` (each ``log_mgf`` on :data:`S_GRID`).

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges (ResourceLimitError past ``_checks.MAX_POINTS`` n).
    """
    ns = _checks.counts("ns", ns, maximum=_N_MAX)
    t_value = _validate.finite("t_value", t_value)
    return _chernoff_tail(ns, t_value, _check_groups(groups))


def _chernoff_tail(ns, t_value, groups):
    """:func:`chernoff_tail` for checked arguments (ns a 1-D float array)."""
    if t_value <= 0.0 and all(g.nonnegative for g in groups):
        return np.zeros_like(ns)
    per_unit = sum(g.per_unit * (g.log_mgf + LOG_MGF_MARGIN) for g in groups)
    with np.errstate(over="ignore", invalid="ignore"):  # a huge |t| overflows to +-inf: its limit
        exponent = (S_GRID * t_value)[None, :] + ns[:, None] * per_unit[None, :]
        best = exponent.min(axis=1)
    undefined = np.isnan(best)
    if undefined.any():
        # 0 * inf (n = 0 where log M(s) = inf) or -inf + inf: such an s is charged the trivial
        # bound 1 (exponent +inf); every other s still gives a valid bound (Lemma 9)
        rows = exponent[undefined]
        best[undefined] = np.where(np.isnan(rows), np.inf, rows).min(axis=1)
    return np.exp(np.minimum(best, 0.0))


def frozen_failure(ns, groups, eps_value, a_value, radius=1.0, window_failure=None):
    """Theorem 2'': cover(n) + 2 tail(n) for the slot model ``groups`` with cover window
    [-a, a] and target [-radius, radius] (vectorised over n).

    Parameters
    ----------
    ns : int or 1-D array_like of ints in [0, 10**12]
    groups : non-empty list of SlotGroup
        A slot model with exactly one covering group (cover_prob > 0), of one slot per unit.
    eps_value : float in (0, 2 a_value)
    a_value : float in [1/2, 1]
    radius : float >= a_value
    window_failure : None or callable w(K, eps_over_a)

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges (ResourceLimitError past the size limits).
    """
    ns = _checks.counts("ns", ns, maximum=_N_MAX)
    groups = _check_groups(groups)
    _covering_group(groups)
    eps_value, a_value, radius = _check_window(eps_value, a_value, radius, with_radius=True)
    return _frozen_failure(ns, groups, eps_value, a_value, radius,
                           _checks.window_failure(window_failure))


def _covering_group(groups):
    covering = [g for g in groups if g.cover_prob > 0.0]
    if len(covering) != 1 or covering[0].per_unit != 1:
        raise InvalidParameterError(
            "groups must be a slot model with exactly one covering group (cover_prob > 0) of "
            f"one slot per unit, got {groups!r}")
    return covering[0]


def _frozen_failure(ns, groups, eps_value, a_value, radius=1.0, window_failure=None):
    """:func:`frozen_failure` for checked arguments (ns a 1-D float array)."""
    cover = _cover_failure(ns, _covering_group(groups).cover_prob, eps_value, a_value,
                           window_failure)
    tail = _chernoff_tail(ns, radius - a_value, groups)
    total = cover + 2.0 * tail
    # a NaN would pass every "<= delta" test as False but could hide an error: charge it fully
    return np.where(np.isnan(total), 1.0, np.minimum(1.0, total))


#: The slot MGFs of :mod:`.expressions` and their symbols other than s.
_SLOT_MGFS = {"UNIFORM_SLOT_MGF": ("a", "p_lock", "p_prune"),
              "PRODUCT_SLOT_MGF": ("a", "c", "kappa", "phi")}


def log_mgf_on_grid(expr_name, **values):
    """log of a slot MGF expression of :mod:`.expressions` on :data:`S_GRID` (+inf where the
    MGF is not a positive finite number).

    Parameters
    ----------
    expr_name : {"UNIFORM_SLOT_MGF", "PRODUCT_SLOT_MGF"}
    **values : float
        Exactly the expression's symbols other than s: ``a`` in [1/2, 1] (the cover window) and,
        for the uniform slot, ``p_prune``, ``p_lock`` (a freeze split, Theorem 2''); for the
        product slot, ``c`` (the cover weight) and ``phi``, ``kappa`` (the probabilities of a
        free and of a forced-in term), each in [0, 1], with phi + kappa <= 1 (Theorem 4'').

    Raises
    ------
    InvalidParameterError
        For another name, a missing or extra symbol, or a value outside these ranges.
    """
    names = _SLOT_MGFS.get(expr_name) if isinstance(expr_name, str) else None
    if names is None:
        raise InvalidParameterError(
            f"expr_name must be one of {sorted(_SLOT_MGFS)}, got {_checks.brief(expr_name)}")
    if sorted(values) != list(names):
        raise InvalidParameterError(
            f"{expr_name} takes exactly the values {list(names)}, got {sorted(values)}")
    a = _checks.interval("a", values["a"], 0.5, 1.0)
    if expr_name == "UNIFORM_SLOT_MGF":
        p_prune, p_lock = _validate.freeze_split(values["p_prune"], values["p_lock"])
        return _log_mgf_on_grid(expr_name, a=a, p_lock=p_lock, p_prune=p_prune)
    c, phi, kappa = (_checks.probability(n, values[n]) for n in ("c", "phi", "kappa"))
    if phi + kappa > 1.0:
        raise InvalidParameterError(
            f"phi + kappa must be at most 1 (probabilities of disjoint events), got "
            f"{phi!r} + {kappa!r}")
    return _log_mgf_on_grid(expr_name, a=a, c=c, kappa=kappa, phi=phi)


@functools.lru_cache(maxsize=4096)
def _log_mgf_on_grid(expr_name, **values):
    """:func:`log_mgf_on_grid` for checked values (cached: the models ask for the same few)."""
    with np.errstate(over="ignore"):
        mgf = np.asarray(evaluate(expr_name, s=S_GRID, **values), dtype=float)
    out = np.full_like(S_GRID, np.inf)
    ok = np.isfinite(mgf) & (mgf > 0)
    out[ok] = np.log(mgf[ok])
    return out
