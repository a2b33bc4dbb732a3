"""The exact sup error of the best mask of a tiny source (docs/theory.md, Section 5: the
simulation check of Theorem 6 (a) and (b)).

For a depth-1 source with d_0 = 2 inputs and one output, every masked network
g(y) = sum_k v'_k relu(a'_k . y) is positively homogeneous and piecewise linear: it is linear
on each sector between consecutive kink rays. So is G = g - w . y, and its sup over the unit disk
is the largest of

- |G| at the kink rays (and the axes, added as harmless extra break points), and
- ||c|| on every sector whose closed arc contains the direction of c or -c, c the gradient
  of G on that sector (|c . y| on an arc not containing +-c/||c|| is largest at an end).

Every weight is a float, hence a dyadic rational; scaled by one power of two they are
integers, and the computation above is exact integer arithmetic (sign tests, cross products,
comparisons of squared values as fractions). Distinct masked functions are enumerated (at most
4 per neuron: no term, or a'_k in {(U_k1, 0), (0, U_k2), (U_k1, U_k2)} times v_k, as the
freeze states allow). The plain twin,
:func:`slt_theory.construction.reference.best_mask_error_bracket`, brackets the same number
from a grid of angles over every keep pattern of the free weights.
"""

import dataclasses
import functools
import itertools
import math
from fractions import Fraction

import numpy as np

from ..errors import InvalidParameterError
from ..solvers.subset_sum import FreezeState
from ._exact import scale_exponent, to_int
from .source import FrozenSource
from .target import TargetNetwork

__all__ = ["MAX_MASKED_FUNCTIONS", "BestMask", "best_mask_error"]

#: At most this many distinct masked functions are enumerated (4^6: six fully free neurons).
MAX_MASKED_FUNCTIONS = 4**6


@dataclasses.dataclass(frozen=True, eq=False)
class BestMask:
    """The best mask of a tiny source, exactly.

    Attributes
    ----------
    error_squared : fractions.Fraction
        min over masks of (sup over the unit disk of |g_M(y) - w . y|)^2, exact.
    functions : int
        Distinct masked functions enumerated.
    first_mask, second_mask : bool ndarray
        Keep-masks of U (h, 2) and V (1, h) of one best mask.
    """

    error_squared: Fraction
    functions: int
    first_mask: np.ndarray
    second_mask: np.ndarray

    @property
    def error(self):
        """The best sup error as a float (rounded; compare ``error_squared`` for exact claims)."""
        return math.sqrt(self.error_squared)


def _check(source, target):
    if not isinstance(source, FrozenSource):
        raise InvalidParameterError(f"source must be a FrozenSource, got {type(source).__name__}")
    if not isinstance(target, TargetNetwork):
        raise InvalidParameterError(f"target must be a TargetNetwork, got {type(target).__name__}")
    if source.widths != (2, 1) or target.widths != (2, 1):
        raise InvalidParameterError(
            "best_mask_error enumerates depth-1 sources with 2 inputs and 1 output, got source "
            f"widths {source.widths} and target widths {target.widths}")
    if not all(np.all(np.isfinite(w)) for w in (source.first[0], source.second[0],
                                                target.weights[0])):
        raise InvalidParameterError("source and target weights must all be finite")


def _options(u_row, su_row, v_k, sv_k):
    """Distinct terms of one neuron: (key, keep_u, keep_v) with key None for no term and
    (x1, x2, y) for y relu(x1 y1 + x2 y2)."""
    def choices(value, state):
        if state == FreezeState.PRUNED:
            return [(0, False)]
        if state == FreezeState.LOCKED:
            return [(value, True)]
        return [(0, False), (value, True)]

    seen = {}
    for (x1, k1), (x2, k2), (y, kv) in itertools.product(
            choices(u_row[0], su_row[0]), choices(u_row[1], su_row[1]), choices(v_k, sv_k)):
        key = None if y == 0 or (x1 == 0 and x2 == 0) else (x1, x2, y)
        seen.setdefault(key, ((k1, k2), kv))
    return list(seen.items())


def _half(r):
    return 0 if r[1] > 0 or (r[1] == 0 and r[0] > 0) else 1


def _angle_order(p, q):
    hp, hq = _half(p), _half(q)
    if hp != hq:
        return hp - hq
    cross = p[0] * q[1] - p[1] * q[0]
    return -1 if cross > 0 else (1 if cross < 0 else 0)


def _rays(normals):
    """The rays +-(-n_2, n_1) of the lines n . y = 0, and the axes, sorted by angle, one per
    direction."""
    raw = [(1, 0), (0, 1), (-1, 0), (0, -1)]
    for n1, n2 in normals:
        raw += [(-n2, n1), (n2, -n1)]
    raw.sort(key=functools.cmp_to_key(_angle_order))
    rays = []
    for r in raw:  # equal directions are adjacent after the sort: keep the first
        if rays and _angle_order(rays[-1], r) == 0:
            continue
        rays.append(r)
    return rays


def best_mask_error(source, target):
    """The exact sup error over the unit disk of the best mask of a tiny source.

    Parameters
    ----------
    source : FrozenSource
        Depth 1, widths (2, 1), at most ``MAX_MASKED_FUNCTIONS`` distinct masked functions.
    target : TargetNetwork
        Widths (2, 1).

    Returns
    -------
    BestMask

    Examples
    --------
    A locked kink a = (0.5, -0.5), v = 1 beside a free neuron b = (0.5, 0.5), v = 0.5, whose
    terms are all zero along a: for the target 0 no mask beats sup relu(a . y) = ||a||.

    >>> L, F = FreezeState.LOCKED, FreezeState.FREE
    >>> s = FrozenSource((np.array([[0.5, -0.5], [0.5, 0.5]]),), (np.array([[1.0, 0.5]]),),
    ...                  (np.array([[L, L], [F, F]], np.int8),), (np.array([[L, F]], np.int8),),
    ...                  (1,))
    >>> best = best_mask_error(s, TargetNetwork.from_weights([[[0.0, 0.0]]]))
    >>> best.error_squared, best.functions
    (Fraction(1, 2), 4)
    """
    _check(source, target)
    u, v = source.first[0], source.second[0]
    su, sv = source.first_state[0], source.second_state[0]
    w = target.weights[0][0]
    h = u.shape[0]
    s = scale_exponent(list(u.flat) + list(v.flat) + list(w))
    ui = [[to_int(x, s) for x in row] for row in u]
    vi = [to_int(x, s) for x in v[0]]
    wi = [to_int(x, s) << s for x in w]  # scale 2^(2s), like the products v a
    options = [_options(ui[k], su[k], vi[k], sv[0, k]) for k in range(h)]
    count = math.prod(len(o) for o in options)
    if count > MAX_MASKED_FUNCTIONS:
        raise InvalidParameterError(
            f"source: {count} distinct masked functions, best_mask_error enumerates at most "
            f"{MAX_MASKED_FUNCTIONS} (use fewer neurons or fewer free weights)")
    rays = _rays([tuple(row) for row in ui if row[0] or row[1]])
    n_r = len(rays)
    mids = [(rays[i][0] + rays[(i + 1) % n_r][0], rays[i][1] + rays[(i + 1) % n_r][1])
            for i in range(n_r)]
    norm2 = [r[0] * r[0] + r[1] * r[1] for r in rays]

    # per neuron and option: its value y relu(x . r) at every ray, and its gradient on every
    # sector (y x where x . y > 0 inside the sector, else 0)
    def tables(key):
        if key is None:
            return np.zeros(n_r, dtype=object), np.zeros((n_r, 2), dtype=object)
        x1, x2, y = key
        at = np.array([y * max(0, x1 * r[0] + x2 * r[1]) for r in rays], dtype=object)
        grad = np.array([(y * x1, y * x2) if x1 * m[0] + x2 * m[1] > 0 else (0, 0)
                         for m in mids], dtype=object).reshape(n_r, 2)
        return at, grad

    tab = [[tables(key) for key, _ in opts] for opts in options]
    w_at = np.array([wi[0] * r[0] + wi[1] * r[1] for r in rays], dtype=object)
    best, best_choice = None, None
    for choice in itertools.product(*[range(len(o)) for o in options]):
        g_at = -w_at
        grad = np.zeros((n_r, 2), dtype=object) - np.array(wi, dtype=object)
        for k, c in enumerate(choice):
            g_at = g_at + tab[k][c][0]
            grad = grad + tab[k][c][1]
        worst = max(Fraction(int(g) * int(g), n) for g, n in zip(g_at, norm2))
        for i in range(n_r):
            c1, c2 = int(grad[i, 0]), int(grad[i, 1])
            if not (c1 or c2):
                continue
            r, rn = rays[i], rays[(i + 1) % n_r]
            for d1, d2 in ((c1, c2), (-c1, -c2)):  # +-c inside the closed arc [r, rn]
                if r[0] * d2 - r[1] * d1 >= 0 and d1 * rn[1] - d2 * rn[0] >= 0:
                    worst = max(worst, Fraction(c1 * c1 + c2 * c2))
        if best is None or worst < best:
            best, best_choice = worst, choice
    keep_u = np.zeros((h, 2), dtype=bool)
    keep_v = np.zeros((1, h), dtype=bool)
    for k, c in enumerate(best_choice):
        (ku, kv) = options[k][c][1]
        keep_u[k], keep_v[0, k] = ku, kv
    return BestMask(best / (1 << (4 * s)), count, keep_u, keep_v)
