"""What one source layer offers the construction of docs/theory.md, Section 4 (independent of the
target): the block each hidden neuron serves (re-assignment), which first-layer weights are kept,
which neurons are discarded or stuck, and the product terms of every (output, input, side)
instance with their classification."""

import numpy as np

from .. import _validate, bounds
from ..errors import InvalidParameterError
from ..solvers.subset_sum import FreezeState

__all__ = [
    "REASON_LOCKED_OFFSET", "REASON_STUCK", "REASON_TOO_FEW", "SIDES", "LayerTerms",
    "assign_blocks",
]

#: Why an entry failed (the words of issue #4 and docs/theory.md).
REASON_TOO_FEW = "too few free product terms"
REASON_LOCKED_OFFSET = "locked offset not coverable"
REASON_STUCK = "stuck neurons"

SIDES = (1, -1)  # side index 0: u > 0 (serves x_j >= 0); side index 1: u < 0 (serves x_j < 0)


def assign_blocks(first_state, block_size):
    """The block (input) each hidden neuron serves, by the re-assignment rule of Section 4.

    Neuron k starts in block k // ``block_size``. A neuron with exactly one locked in-weight
    serves that weight's input instead (its other in-weights are free or pruned and are dropped);
    a neuron with two or more locked in-weights serves no block (it is discarded when none of its
    out-weights is locked, stuck otherwise: Proposition 3).

    Parameters
    ----------
    first_state : int8 ndarray, shape (h, d_{i-1}), h = d_{i-1} n_i
        FreezeState codes of U_i.
    block_size : int >= 1
        n_i.

    Returns
    -------
    block : int ndarray, shape (h,)
        The block of every neuron (the default block for neurons with >= 2 locked in-weights,
        which serve none).
    reassigned : bool ndarray, shape (h,)
        Neurons whose block differs from the default one.
    several_locked : bool ndarray, shape (h,)
        Neurons with >= 2 locked in-weights.

    Examples
    --------
    >>> F, L = FreezeState.FREE, FreezeState.LOCKED
    >>> s = np.array([[F, F], [F, L], [L, F], [L, L]], dtype=np.int8)
    >>> block, moved, several = assign_blocks(s, 2)
    >>> block.tolist(), moved.tolist(), several.tolist()
    ([0, 1, 0, 1], [False, True, True, False], [False, False, False, True])

    Raises
    ------
    InvalidParameterError
        When first_state is not a 2-D integer array of FreezeState codes of h = d_{i-1} n_i rows.
    """
    block_size = _validate.integer("block_size", block_size, minimum=1)
    codes = [int(c) for c in FreezeState]
    if (not isinstance(first_state, np.ndarray) or first_state.ndim != 2
            or first_state.shape[1] == 0 or first_state.dtype == bool or not np.issubdtype(first_state.dtype, np.integer)
            or not np.isin(first_state, codes).all()):
        raise InvalidParameterError(
            f"first_state must be a 2-D integer array of FreezeState codes {codes} with at least "
            f"one column (input), got {_brief(first_state)}")
    if first_state.shape[0] != first_state.shape[1] * block_size:
        raise InvalidParameterError(
            f"first_state must have d_{{i-1}} * block_size = {first_state.shape[1]} * "
            f"{block_size} rows (one block of n_i neurons per input), got shape "
            f"{first_state.shape}")
    return _assign_blocks(first_state, block_size)


def _brief(value, limit=120):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 20]}... ({type(value).__name__})"


def _assign_blocks(first_state, block_size):
    """:func:`assign_blocks` for checked arguments."""
    h = first_state.shape[0]
    default = np.arange(h) // block_size
    locked = first_state == FreezeState.LOCKED
    n_locked = locked.sum(axis=1)
    one = n_locked == 1
    block = np.where(one, np.argmax(locked, axis=1), default)
    return block, one & (block != default), n_locked >= 2


class LayerTerms:
    """The part of the construction that does not depend on the target: the block of every
    neuron (:func:`assign_blocks`), which first-layer weights are kept, which neurons are
    discarded or stuck, and the product terms of every (output, input, side) instance with their
    classification."""

    def __init__(self, source, i, eps):
        self.i = i
        depth = source.depth
        widths = source.widths
        self.d_in, self.d_out = widths[i], widths[i + 1]
        self.u, self.v = source.first[i], source.second[i]
        self.su, self.sv = source.first_state[i], source.second_state[i]
        h = self.u.shape[0]
        self.eps_i = float(bounds.evaluate("ENTRY_ERROR", epsilon=eps, l=depth,
                                           **{"d_{i-1}": self.d_in, "d_i": self.d_out}))
        self.block, self.reassigned, several = _assign_blocks(self.su, source.block_sizes[i])
        in_block = np.zeros((h, self.d_in), dtype=bool)
        in_block[np.arange(h), self.block] = True
        self.v_locked = self.sv == FreezeState.LOCKED
        # a re-assigned neuron keeps its locked weight, now in-block, and drops its other
        # in-weights (free or pruned); every other neuron keeps its unpruned in-block weight
        self.keep_u = (self.su == FreezeState.LOCKED) | (in_block & (self.su != FreezeState.PRUNED))
        self.keep_v = self.v_locked.copy()
        out_locked = self.v_locked.any(axis=0)
        # >= 2 locked in-weights: no block; its free out-weights stay dropped (keep_v holds only
        # the locked ones), so it contributes nothing unless one of them is locked (stuck)
        self.stuck = several & out_locked
        self.discarded = several & ~out_locked
        self.u_in = self.u[np.arange(h), self.block]
        self.su_in = self.su[np.arange(h), self.block]
        self.usable = (self.su_in != FreezeState.PRUNED) & ~several

    def neuron_failures(self):
        """(layer, output, block, None, reason) per locked out-weight of a stuck neuron."""
        out = []
        for k in np.flatnonzero(self.stuck):
            for o in np.flatnonzero(self.v_locked[:, k]):
                out.append((self.i + 1, int(o), int(self.block[k]), None, REASON_STUCK))
        return out

    def instances(self):
        """(side_index, side, j, o, neurons, terms, locked, free) for every needed instance."""
        for side_index, side in enumerate(SIDES[: 2 if self.i == 0 else 1]):
            on_side = self.usable & (np.sign(self.u_in) == side)
            for j in range(self.d_in):
                ks = np.flatnonzero(on_side & (self.block == j))
                for o in range(self.d_out):
                    terms = self.u_in[ks] * self.v[o, ks]
                    s_v = self.sv[o, ks]
                    if self.d_out >= 2:  # coupling 1: U is shared by all outputs and kept
                        locked = s_v == FreezeState.LOCKED
                        free = s_v == FreezeState.FREE
                    else:  # Proposition 4: either free factor can drop the term
                        locked = ((self.su_in[ks] == FreezeState.LOCKED)
                                  & (s_v == FreezeState.LOCKED))
                        free = (s_v != FreezeState.PRUNED) & ~locked
                    yield side_index, side, j, o, ks, terms, locked, free
