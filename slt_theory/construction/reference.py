"""A plain twin of :func:`slt_theory.construction.construct_ticket`: the construction of
docs/theory.md, Section 4 with the re-assignment rule of Theorem 5(C), written neuron by neuron
and instance by instance in plain Python loops, so that it can be read against the text.

It calls the same subset-sum solver (``find_subset``, which has its own twins in
:mod:`slt_theory.solvers.reference`) on the same terms in the same order, so on every source its
masks, entry errors and counts equal the vectorised construction's; the tests hold the two
together on random sources.
"""

import math

import numpy as np

from .. import bounds
from ..solvers.subset_sum import FreezeState, find_subset

__all__ = ["construct_ticket_reference"]

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
