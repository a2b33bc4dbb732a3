"""What one source layer offers the construction of docs/theory.md, Section 4 (independent of the
target): which first-layer weights are kept, which neurons cannot serve their block, and the
product terms of every (output, input, side) instance with their classification."""

import numpy as np

from .. import bounds
from ..solvers.subset_sum import FreezeState

__all__ = [
    "REASON_LOCKED_OFFSET", "REASON_OFF_BLOCK", "REASON_STUCK", "REASON_TOO_FEW", "SIDES",
    "LayerTerms",
]

#: Why an entry failed (the words of issue #4 and docs/theory.md).
REASON_TOO_FEW = "too few free product terms"
REASON_LOCKED_OFFSET = "locked offset not coverable"
REASON_STUCK = "stuck neurons"
#: Not one of Proposition 3's stuck neurons, but fatal to this construction as well: a neuron whose
#: only locked incoming weight is off its block, with a locked outgoing weight.
REASON_OFF_BLOCK = "locked off-block weight"

SIDES = (1, -1)  # side index 0: u > 0 (serves x_j >= 0); side index 1: u < 0 (serves x_j < 0)


class LayerTerms:
    """The part of the construction that does not depend on the target: which first-layer
    weights are kept, which neurons cannot serve their block, and the product terms of every
    (output, input, side) instance with their classification."""

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
        self.block = np.arange(h) // source.block_sizes[i]
        in_block = np.zeros((h, self.d_in), dtype=bool)
        in_block[np.arange(h), self.block] = True
        u_locked, self.v_locked = self.su == FreezeState.LOCKED, self.sv == FreezeState.LOCKED
        self.keep_u = u_locked | (in_block & (self.su != FreezeState.PRUNED))
        self.keep_v = self.v_locked.copy()
        # neurons that cannot serve their block (coupling 2 / Proposition 3)
        self.n_locked_in = u_locked.sum(axis=1)
        self.off_locked = (u_locked & ~in_block).any(axis=1)
        self.stuck = (self.n_locked_in >= 2) & self.v_locked.any(axis=0)
        self.u_in = self.u[np.arange(h), self.block]
        self.su_in = self.su[np.arange(h), self.block]
        self.usable = (self.su_in != FreezeState.PRUNED) & ~self.off_locked

    def neuron_failures(self):
        out = []
        for k in np.flatnonzero(self.off_locked & self.v_locked.any(axis=0)):
            reason = REASON_STUCK if self.n_locked_in[k] >= 2 else REASON_OFF_BLOCK
            for o in np.flatnonzero(self.v_locked[:, k]):
                out.append((self.i + 1, int(o), int(self.block[k]), None, reason))
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
