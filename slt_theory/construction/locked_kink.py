"""The locked-kink lower bound of docs/theory.md, Section 5 (Theorem 6 (a) and (b), Corollary 6.1):
a hidden neuron whose two in-weights and one out-weight are all locked leaves a kink that no mask
removes and that only a nearby kink line can soften.

- :func:`locked_kink_margin`: Theorem 6 (a)'s margin mu of a drawn depth-1 source (numpy
  floats); every mask then has sup error >= mu / 4 over the unit ball, for every target;
- :func:`no_ticket_certified`: mu / 4 > eps decided in exact integer arithmetic (True means that
  no mask of this source eps-approximates any target);
- :data:`LOCKED_KINK_BOUND`: Theorem 6 (b)'s upper bound on the probability that an eps-ticket
  exists, a sympy expression; :func:`locked_kink_bound` evaluates it and
  :func:`locked_kink_window` gives Corollary 6.1's window of widths at which no target is
  served with probability >= 1 - delta.

The exact twin of the margin and the exact best-mask error of tiny sources are in
:mod:`.best_mask`; plain twins in :mod:`slt_theory.construction.reference`.
"""

import dataclasses
import itertools
import math

import numpy as np
import sympy as sp

from .. import _validate
from ..errors import InvalidParameterError
from ..solvers.subset_sum import FreezeState
from ._exact import margin_exceeds
from .source import FrozenSource

__all__ = [
    "LOCKED_KINK_BOUND", "LockedKink", "locked_kink_bound", "locked_kink_margin",
    "locked_kink_window", "no_ticket_certified",
]

# --------------------------------------------------------------------------- Theorem 6 (sympy)

width_, epsilon_, lock_, d_out_ = sp.symbols("h epsilon lock_ratio d_out", positive=True)


def _psi(t):
    """P(XY <= t) for X, Y iid U[0, 1]: t (1 + log(1/t)) for t < 1, else 1 (Theorem 6 (b))."""
    return sp.Piecewise((t * (1 + sp.log(1 / t)), t < 1), (1, True))


#: q = l^2 (1 - (1 - l)^{d_1}): the probability that a neuron is a locked kink (inputs 1 and 2
#: locked, some out-weight locked), Theorem 6 (b).
LOCKED_KINK_PROBABILITY = lock_**2 * (1 - (1 - lock_) ** d_out_)
#: beta = 2 psi(4 eps) + (h - 1) psi(4 sqrt(2) eps): the union bound on a small margin,
#: Theorem 6 (b).
LOCKED_KINK_MARGIN_FAILURE = (2 * _psi(4 * epsilon_)
                              + (width_ - 1) * _psi(4 * sp.sqrt(2) * epsilon_))
_none = (1 - LOCKED_KINK_PROBABILITY) ** width_
#: Theorem 6 (b): P(an eps-ticket exists for a given target)
#: <= (1 - q)^h + (1 - (1 - q)^h) min(1, beta).
LOCKED_KINK_BOUND = _none + (1 - _none) * sp.Min(1, LOCKED_KINK_MARGIN_FAILURE)

_SYMBOLS = (width_, epsilon_, lock_, d_out_)
_bound_fn = sp.lambdify(_SYMBOLS, LOCKED_KINK_BOUND, "math")
_beta_fn = sp.lambdify(_SYMBOLS, LOCKED_KINK_MARGIN_FAILURE, "math")
_q_fn = sp.lambdify(_SYMBOLS, LOCKED_KINK_PROBABILITY, "math")


def _check_bound_args(width, eps, lock_ratio, d_out):
    width = _validate.integer("width", width, minimum=1)
    eps = _validate.positive("eps", eps)
    lock_ratio = _validate.finite("lock_ratio", lock_ratio)
    if not 0.0 < lock_ratio <= 1.0:
        raise InvalidParameterError(f"lock_ratio must lie in (0, 1], got {lock_ratio!r}")
    d_out = _validate.integer("d_out", d_out, minimum=1)
    return width, eps, lock_ratio, d_out


def locked_kink_bound(width, eps, lock_ratio, d_out=1):
    """Theorem 6 (b): an upper bound on the probability that a depth-1 source of hidden width
    ``width`` (d_0 >= 2 inputs, d_out outputs, iid U[-1, 1] weights, each locked with probability
    ``lock_ratio``, any prune ratio) contains a mask within ``eps`` of a given target.

    Examples
    --------
    >>> round(locked_kink_bound(3, 1e-3, 0.8), 4)
    0.2241
    >>> locked_kink_bound(1000, 0.1, 0.05, d_out=2)
    1.0
    """
    return float(_bound_fn(*_check_bound_args(width, eps, lock_ratio, d_out)))


def locked_kink_window(eps, delta, lock_ratio, d_out=1):
    """Corollary 6.1: the widths h with lo < h < hi, where
    lo = log(2 / (1 - delta)) / log(1 / (1 - q)) and hi = 1 + ((1 - delta)/2 - 2 psi(4 eps)) /
    psi(4 sqrt(2) eps), at which no target is eps-approximated with probability >= 1 - delta.

    Returns
    -------
    (lo, hi) : tuple of float
        Empty (lo >= hi - 1 leaves no integer) when eps is not small enough for this lock ratio.

    Examples
    --------
    >>> lo, hi = locked_kink_window(1e-6, 0.1, 0.05, d_out=2)
    >>> round(lo), round(hi)
    (3276, 6080)
    """
    eps = _validate.positive("eps", eps)
    delta = _validate.open_unit("delta", delta)
    _, eps, lock_ratio, d_out = _check_bound_args(1, eps, lock_ratio, d_out)
    q = _q_fn(1, eps, lock_ratio, d_out)
    if q <= 0.0:  # q underflows to 0 for a tiny lock_ratio: no width makes a kink likely
        lo = math.inf
    else:
        lo = math.log(2.0 / (1.0 - delta)) / -math.log1p(-q) if q < 1 else 0.0
    psi = sp.lambdify(epsilon_, _psi(epsilon_), "math")
    hi = 1.0 + ((1.0 - delta) / 2.0 - 2.0 * psi(4.0 * eps)) / psi(4.0 * math.sqrt(2.0) * eps)
    return float(lo), float(hi)


# --------------------------------------------------------------------------- Theorem 6 (a) (numpy)

@dataclasses.dataclass(frozen=True)
class LockedKink:
    """Theorem 6 (a)'s margin of a source, maximised over its locked-kink triples.

    Attributes
    ----------
    margin : float
        mu = |v| min(|a_1|, |a_2|, min_j |det(a, b_j)| / ||b_j||); every mask has sup error
        >= margin / 4 over the unit ball, for every target. 0.0 when no neuron is a locked kink.
    neuron, output : int or None
        The locked-kink neuron k and output o attaining the margin.
    inputs : tuple of int or None
        The two inputs (j_1, j_2) whose in-weights of neuron k are locked.
    count : int
        Number of locked-kink triples (neuron, output, input pair).
    """

    margin: float
    neuron: object = None
    output: object = None
    inputs: object = None
    count: int = 0

    @property
    def lower_bound(self):
        """Theorem 6 (a): a lower bound on the sup error of every mask of the source
        (margin / 4)."""
        return self.margin / 4.0


def _check_depth1(source):
    if not isinstance(source, FrozenSource):
        raise InvalidParameterError(f"source must be a FrozenSource, got {type(source).__name__}")
    if source.depth != 1 or source.widths[0] < 2:
        raise InvalidParameterError(
            "the locked-kink bound (docs/theory.md, Theorem 6 (a)) is about depth-1 sources with "
            f"d_0 >= 2 inputs, got a source for widths {source.widths}")
    if not (np.all(np.isfinite(source.first[0])) and np.all(np.isfinite(source.second[0]))):
        raise InvalidParameterError("source weights must all be finite")


def locked_kink_margin(source):
    """Theorem 6 (a)'s margin mu of a depth-1 source with d_0 >= 2, maximised over every locked-kink
    triple (neuron k, output o, inputs j_1 < j_2: U[k, j_1], U[k, j_2] and V[o, k] locked).

    The candidate kink lines of the triple are the two coordinate axes of the (j_1, j_2) plane
    and the lines b_j . y = 0, b_j = (U[j, j_1], U[j, j_2]), of the other neurons j whose weights
    U[j, j_1], U[j, j_2] and V[o, j] are all unpruned (only they can put a kink off the axes
    into output o). Floating point; :func:`no_ticket_certified` decides exactly.

    Examples
    --------
    Neuron 0 is a locked kink (a = (0.5, -0.5), v = 1); neuron 1's line b . y = 0,
    b = (0.5, -0.4), lies close to it: mu = |det(a, b)| / ||b|| = 0.05 / 0.6403.

    >>> L, F = FreezeState.LOCKED, FreezeState.FREE
    >>> s = FrozenSource((np.array([[0.5, -0.5], [0.5, -0.4]]),), (np.array([[1.0, 1.0]]),),
    ...                  (np.array([[L, L], [F, F]], np.int8),), (np.array([[L, F]], np.int8),),
    ...                  (1,))
    >>> k = locked_kink_margin(s)
    >>> k.neuron, k.output, k.inputs, round(k.margin, 6)
    (0, 0, (0, 1), 0.078087)
    """
    _check_depth1(source)
    u, v = source.first[0], source.second[0]
    su, sv = source.first_state[0], source.second_state[0]
    d_in, d_out = u.shape[1], v.shape[0]
    best, count = LockedKink(0.0), 0
    for j1, j2 in itertools.combinations(range(d_in), 2):
        a = u[:, [j1, j2]]
        both_locked = (su[:, [j1, j2]] == FreezeState.LOCKED).all(axis=1)
        pair_unpruned = (su[:, [j1, j2]] != FreezeState.PRUNED).all(axis=1)
        norms = np.hypot(a[:, 0], a[:, 1])
        for o in range(d_out):
            kinks = np.flatnonzero(both_locked & (sv[o] == FreezeState.LOCKED))
            if not kinks.size:
                continue
            count += kinks.size
            cand = np.flatnonzero(pair_unpruned & (sv[o] != FreezeState.PRUNED) & (norms > 0))
            ak = a[kinks]  # (K, 2)
            axis = np.minimum(np.abs(ak[:, 0]), np.abs(ak[:, 1]))
            det = np.abs(ak[:, :1] * a[cand, 1][None, :] - ak[:, 1:] * a[cand, 0][None, :])
            dist = det / norms[cand][None, :]
            dist[kinks[:, None] == cand[None, :]] = np.inf  # a neuron is not its own neighbour
            mu = np.abs(v[o, kinks]) * np.minimum(axis, dist.min(axis=1, initial=np.inf))
            top = int(np.argmax(mu))
            if mu[top] > best.margin:
                best = LockedKink(float(mu[top]), int(kinks[top]), o, (j1, j2))
    return dataclasses.replace(best, count=count)


def no_ticket_certified(source, eps, *, kink=None):
    """True when Theorem 6 (a) proves that no mask of ``source`` is within ``eps`` of any target:
    the margin of the best locked-kink triple, recomputed in exact integer arithmetic, exceeds
    4 eps. False means "not certified", not "a ticket exists".

    Parameters
    ----------
    source : FrozenSource
        Depth 1, d_0 >= 2.
    eps : float > 0
    kink : LockedKink, optional
        ``locked_kink_margin(source)`` when already computed (it picks the triple; the decision
        is exact either way: 4 eps is a float and mu > 4 eps is decided without rounding).

    Examples
    --------
    A lone locked kink a = (0.5, -0.5), v = 1 (the other neuron is pruned): mu = 0.5.

    >>> L, P = FreezeState.LOCKED, FreezeState.PRUNED
    >>> s = FrozenSource((np.array([[0.5, -0.5], [0.3, 0.2]]),), (np.array([[1.0, 0.7]]),),
    ...                  (np.array([[L, L], [P, P]], np.int8),), (np.array([[L, P]], np.int8),),
    ...                  (1,))
    >>> no_ticket_certified(s, 0.1), no_ticket_certified(s, 0.125), no_ticket_certified(s, 0.2)
    (True, False, False)
    """
    eps = _validate.positive("eps", eps)
    if not math.isfinite(4.0 * eps):  # the threshold 4 eps must be a float (eps = 1e308)
        raise InvalidParameterError(f"eps={eps!r} is too large: 4 eps overflows a float")
    if kink is None:
        kink = locked_kink_margin(source)
    elif not isinstance(kink, LockedKink):
        raise InvalidParameterError(f"kink must be a LockedKink, got {type(kink).__name__}")
    else:
        _check_depth1(source)
        h, d_in = source.first[0].shape
        if kink.neuron is not None and not (
                0 <= kink.neuron < h and 0 <= kink.output < source.second[0].shape[0]
                and all(0 <= j < d_in for j in kink.inputs)):
            raise InvalidParameterError(f"kink {kink!r} does not belong to this source")
    if kink.neuron is None:
        return False
    return margin_exceeds(source, kink.neuron, kink.output, kink.inputs, 4.0 * eps)
