"""The freeze states of one source weight matrix: PRUNED, FREE or LOCKED per weight, iid or with
exact counts."""

import math

import numpy as np

from ..solvers.subset_sum import FreezeState

__all__ = ["FREEZINGS", "draw_freeze_states"]

FREEZINGS = ("iid", "exact")


def draw_freeze_states(gen, shape, prune_ratio, lock_ratio, freezing):
    """FreezeState codes of one weight matrix: iid per weight, or an exact count per matrix
    (round half up) placed by a seeded permutation."""
    keys = gen.random(shape)
    state = np.full(shape, FreezeState.FREE, dtype=np.int8)
    if freezing == "iid":
        state[keys < prune_ratio + lock_ratio] = FreezeState.LOCKED
        state[keys < prune_ratio] = FreezeState.PRUNED
        return state
    size = keys.size
    n_pruned = min(size, math.floor(prune_ratio * size + 0.5))
    n_locked = min(size - n_pruned, math.floor(lock_ratio * size + 0.5))
    flat = state.reshape(-1)
    order = np.argsort(keys.reshape(-1), kind="stable")
    flat[order[:n_pruned]] = FreezeState.PRUNED
    flat[order[n_pruned:n_pruned + n_locked]] = FreezeState.LOCKED
    return state
