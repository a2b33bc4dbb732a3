"""Plain twins: of :func:`slt_theory.construction.construct_ticket` (the construction of
docs/theory.md, Section 4 with the re-assignment rule of Theorem 5(C), written neuron by neuron
and instance by instance in plain Python loops, so that it can be read against the text), and of
the locked-kink computations of Section 5 (Theorem 6 (a)'s margin in exact rationals; a grid bracket
of the best mask's sup error).

It calls the same subset-sum solver (``find_subset``, which has its own twins in
:mod:`slt_theory.solvers.reference`) on the same terms in the same order, so on every source its
masks, entry errors and counts equal the vectorised construction's; the tests hold the two
together on random sources.

Inputs are not checked: like every twin, these take only what the checked fast paths accept (a
``TargetNetwork``, a ``FrozenSource`` of its shape, a real eps in (0, 1), a positive grid size),
and any other input fails in its own way (AttributeError, TypeError, ...). They are test oracles,
not entry points, and the fuzz test of issue 12 leaves them out for that reason.
"""

import itertools
import math

import numpy as np

from .. import bounds
from ..solvers.subset_sum import FreezeState, find_subset

__all__ = [
    "best_mask_error_bracket", "construct_ticket_reference", "locked_kink_margin_reference",
]

PRUNED, FREE, LOCKED = FreezeState.PRUNED, FreezeState.FREE, FreezeState.LOCKED


def _sign(x):
    return (x > 0) - (x < 0)


def _best_effort(values, target, eps):
    tol = eps
    while True:
        tol *= 2.0
        found = find_subset(values, target, tol)
        if found is not None:
            return found


def construct_ticket_reference(target, source, eps):
    """The ticket of Section 4 by plain loops (no input checks: give it checked objects).

    Returns
    -------
    dict
        ``first_masks``, ``second_masks`` (lists of lists of bool per layer), ``entry_errors``
        (per layer, [side][o][j], NaN where a side is not needed), ``success`` and the per-layer
        counts ``reassigned``, ``discarded``, ``stuck``.
    """
    out = {"first_masks": [], "second_masks": [], "entry_errors": [], "success": True,
           "reassigned": [], "discarded": [], "stuck": []}
    depth = source.depth
    for i in range(depth):
        u, v = source.first[i].tolist(), source.second[i].tolist()
        su, sv = source.first_state[i].tolist(), source.second_state[i].tolist()
        w = target.weights[i].tolist()
        h, d_in, d_out, n = len(u), len(u[0]), len(v), source.block_sizes[i]
        eps_i = float(bounds.evaluate("ENTRY_ERROR", epsilon=eps, l=depth,
                                      **{"d_{i-1}": d_in, "d_i": d_out}))
        keep_u = [[su[k][j] == LOCKED for j in range(d_in)] for k in range(h)]
        keep_v = [[sv[o][k] == LOCKED for k in range(h)] for o in range(d_out)]
        block, serves = [0] * h, [False] * h
        reassigned = discarded = stuck = 0
        for k in range(h):
            locked_inputs = [j for j in range(d_in) if su[k][j] == LOCKED]
            out_locked = any(sv[o][k] == LOCKED for o in range(d_out))
            block[k] = k // n
            if len(locked_inputs) == 1:  # re-assigned to the input of its locked weight
                reassigned += locked_inputs[0] != block[k]
                block[k] = locked_inputs[0]
            if len(locked_inputs) >= 2:  # serves no block
                if out_locked:
                    stuck += 1
                    out["success"] = False
                else:
                    discarded += 1
            elif su[k][block[k]] != PRUNED:
                serves[k] = True
            if su[k][block[k]] != PRUNED:  # the unpruned weight from its block's input
                keep_u[k][block[k]] = True
        err = [[[math.nan] * d_in for _ in range(d_out)] for _ in range(2)]
        for side_index, side in enumerate((1, -1)[: 2 if i == 0 else 1]):
            for j in range(d_in):
                ks = [k for k in range(h) if serves[k] and block[k] == j
                      and _sign(u[k][j]) == side]
                for o in range(d_out):
                    locked_ks, free_ks = [], []
                    for k in ks:
                        if d_out >= 2:  # coupling 1: U kept, V decides
                            is_locked, is_free = sv[o][k] == LOCKED, sv[o][k] == FREE
                        else:  # Proposition 4
                            is_locked = su[k][j] == LOCKED and sv[o][k] == LOCKED
                            is_free = sv[o][k] != PRUNED and not is_locked
                        if is_locked:
                            locked_ks.append(k)
                        elif is_free:
                            free_ks.append(k)
                    # numpy sums, in block order: the same rounding as the vectorised code
                    locked_sum = float(np.array([u[k][j] * v[o][k] for k in locked_ks]).sum())
                    free_terms = np.array([u[k][j] * v[o][k] for k in free_ks])
                    residual = w[o][j] - locked_sum
                    chosen = find_subset(free_terms, residual, eps_i)
                    if chosen is None:
                        out["success"] = False
                        chosen = _best_effort(free_terms, residual, eps_i)
                    chosen = set(chosen)
                    for t, k in enumerate(free_ks):
                        if sv[o][k] == FREE:
                            keep_v[o][k] = keep_v[o][k] or t in chosen
                        elif t not in chosen:  # V locked, U free (d_i = 1): drop U
                            keep_u[k][j] = False
                    taken = float(free_terms[sorted(chosen)].sum()) if chosen else 0.0
                    err[side_index][o][j] = abs(w[o][j] - locked_sum - taken)
        out["first_masks"].append(keep_u)
        out["second_masks"].append(keep_v)
        out["entry_errors"].append(err)
        out["reassigned"].append(reassigned)
        out["discarded"].append(discarded)
        out["stuck"].append(stuck)
    return out


# --------------------------------------------------------------------------- Section 5 twins

def best_mask_error_bracket(source, target, n_angles=2048):
    """A plain bracket [lo, hi] of the best-mask sup error of a tiny depth-1 source with two
    inputs and one output (the twin of :func:`slt_theory.construction.best_mask.best_mask_error`).

    Every keep pattern of the free weights (2^#free of them, duplicates included) is applied to
    U and V; G(y) = sum_k v'_k relu(u'_k . y) - w . y is evaluated at n_angles equally spaced
    points of the unit circle. Each point of the circle is within chord pi / n_angles of one of
    them and G is Lipschitz with constant L = sum_k |v'_k| ||u'_k|| + ||w||, so
    max_grid <= sup |G| <= max_grid + L pi / n_angles for each mask; minimising both over the
    masks brackets the best mask's sup error (up to float rounding of the evaluation).
    """
    u, v = source.first[0], source.second[0]
    su, sv = source.first_state[0], source.second_state[0]
    w = target.weights[0][0]
    theta = 2.0 * math.pi * np.arange(n_angles) / n_angles
    ys = np.stack([np.cos(theta), np.sin(theta)])
    free_u = [(k, j) for k in range(u.shape[0]) for j in range(2) if su[k, j] == FREE]
    free_v = [k for k in range(u.shape[0]) if sv[0, k] == FREE]
    lo = hi = math.inf
    for pattern in itertools.product((False, True), repeat=len(free_u) + len(free_v)):
        keep_u = (su == LOCKED).copy()
        keep_v = (sv[0] == LOCKED).copy()
        for (k, j), kept in zip(free_u, pattern[: len(free_u)]):
            keep_u[k, j] = kept
        for k, kept in zip(free_v, pattern[len(free_u):]):
            keep_v[k] = kept
        um, vm = np.where(keep_u, u, 0.0), np.where(keep_v, v[0], 0.0)
        g = -(w @ ys)
        lip = math.hypot(w[0], w[1])
        for k in range(u.shape[0]):
            g = g + vm[k] * np.maximum(um[k] @ ys, 0.0)
            lip += abs(vm[k]) * math.hypot(um[k, 0], um[k, 1])
        top = float(np.abs(g).max())
        lo = min(lo, top)
        hi = min(hi, top + lip * math.pi / n_angles)
    return lo, hi


def locked_kink_margin_reference(source):
    """Theorem 6 (a)'s margin by plain loops in exact rationals: the largest
    mu = |v| min(|a_1|, |a_2|, min_j |det(a, b_j)| / ||b_j||) over the locked-kink triples, as
    mu^2 (a Fraction; 0 when there is none)."""
    from fractions import Fraction

    u, v = source.first[0], source.second[0]
    su, sv = source.first_state[0], source.second_state[0]
    h, d_in = u.shape
    best = Fraction(0)
    for j1 in range(d_in):
        for j2 in range(j1 + 1, d_in):
            for o in range(v.shape[0]):
                for k in range(h):
                    if not (su[k, j1] == LOCKED and su[k, j2] == LOCKED and sv[o, k] == LOCKED):
                        continue
                    a1, a2 = Fraction(float(u[k, j1])), Fraction(float(u[k, j2]))
                    m2 = min(a1 ** 2, a2 ** 2)
                    for j in range(h):
                        if j == k or PRUNED in (su[j, j1], su[j, j2], sv[o, j]):
                            continue
                        b1, b2 = Fraction(float(u[j, j1])), Fraction(float(u[j, j2]))
                        if b1 or b2:
                            m2 = min(m2, (a1 * b2 - a2 * b1) ** 2 / (b1 ** 2 + b2 ** 2))
                    best = max(best, Fraction(float(v[o, k])) ** 2 * m2)
    return best
