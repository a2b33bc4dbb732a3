"""The freeze states of one source weight matrix: PRUNED, FREE or LOCKED per weight, iid or with
exact counts."""

import math

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from ..solvers.subset_sum import FreezeState
from ._common import MAX_SOURCE_WEIGHTS

__all__ = ["FREEZINGS", "draw_freeze_states"]

FREEZINGS = ("iid", "exact")


def draw_freeze_states(gen, shape, prune_ratio, lock_ratio, freezing):
    """FreezeState codes of one weight matrix: iid per weight, or an exact count per matrix
    (round half up) placed by a seeded permutation.

    Parameters
    ----------
    gen : numpy.random.Generator
        Draws ``prod(shape)`` uniform keys.
    shape : tuple of ints >= 0
        At most ``MAX_SOURCE_WEIGHTS`` weights in all.
    prune_ratio, lock_ratio : float >= 0, sum < 1
    freezing : {"iid", "exact"}

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges.
    """
    if not isinstance(gen, np.random.Generator):
        raise InvalidParameterError(f"gen must be a numpy.random.Generator, got {gen!r}")
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (tuple, list)) or not shape:
        raise InvalidParameterError(f"shape must be a non-empty tuple of ints >= 0, got {shape!r}")
    shape = tuple(_validate.integer(f"shape[{i}]", d, minimum=0, maximum=MAX_SOURCE_WEIGHTS)
                  for i, d in enumerate(shape))
    if math.prod(shape) > MAX_SOURCE_WEIGHTS:
        raise InvalidParameterError(f"shape {shape} holds {math.prod(shape):,} weights; at most "
                                    f"MAX_SOURCE_WEIGHTS = {MAX_SOURCE_WEIGHTS:,} are drawn")
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    freezing = _validate.choice("freezing", freezing, FREEZINGS)
    return _draw_freeze_states(gen, shape, prune_ratio, lock_ratio, freezing)


def _draw_freeze_states(gen, shape, prune_ratio, lock_ratio, freezing):
    """:func:`draw_freeze_states` for checked arguments."""
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
