"""Memory a ticket of the proved width occupies: the question a hardware designer asks
(`slt size`). The source is the one of docs/theory.md, Theorem 5: for target layer i, a layer
U_i (h_i x d_{i-1}) and a layer V_i (d_i x h_i).

Accounting (the same words and keys as ``empirical.model_size``'s ``mask_only``): a
weight-trained dense model stores 32 bits per weight (``dense_weights``); a ticket stores one
mask bit per weight it may choose: every weight in a dense source (``dense_source``), every
unpruned weight in a randomly pruned source with the same prune ratio
(``randomly_pruned_source``), every FREE weight in the frozen source (``frozen_source``). A
complete ticket adds the seeds from which weights and freezing pattern regenerate. Counts are
those of the source drawn with exact freezing (``FrozenSource.from_bound(..., freezing="exact")``):
each weight matrix has floor(p size + 1/2) pruned and floor(l size + 1/2) locked weights (rounded
half up, as ``slt_theory.construction.freeze_states`` rounds; a test holds the two together); with
iid freezing these are the expected counts, rounded.
"""

import math
from dataclasses import dataclass

from .. import _display
from .width import width_bound

#: bits of the two seeds (weights, freezing pattern) a ticket needs besides its mask
SEED_BITS = 2 * 64
#: bits per weight of a weight-trained model (float32)
WEIGHT_BITS = 32


@dataclass(frozen=True)
class TicketSize:
    """The proved width of a target and the bits of a ticket of that width.

    Attributes
    ----------
    width, layer_widths : int, tuple of int
        The proved hidden width (`width_bound`) and the width of each inserted layer.
    weights, pruned_weights, free_weights : int
        Source weights, of which pruned and free (the rest are locked).
    dense_trained_bits : int
        A weight-trained dense model of the same shape, 32 bits per weight.
    dense_source_ticket_bits, pruned_source_ticket_bits : int
        A ticket in a dense source (one bit per weight), in a randomly pruned source with the
        same prune ratio (one bit per unpruned weight).
    mask_bits, complete_bits : int
        A ticket in this frozen source: one bit per free weight; plus the two seeds.
    """

    width: int
    layer_widths: tuple
    weights: int
    free_weights: int
    dense_trained_bits: int
    dense_source_ticket_bits: int
    mask_bits: int
    complete_bits: int
    pruned_weights: int = 0
    pruned_source_ticket_bits: int = 0

    @property
    def mask_only(self):
        """Bits by way of shipping, keyed as ``empirical.model_size(...).mask_only``."""
        return {"dense_weights": self.dense_trained_bits,
                "dense_source": self.dense_source_ticket_bits,
                "randomly_pruned_source": self.pruned_source_ticket_bits,
                "frozen_source": self.mask_bits}

    def summary(self):
        """A few lines of text, sizes in human units."""
        def size(bits):
            return f"{_display.integer(bits)} bits ({_display.human_bits(bits)})"

        return "\n".join([
            f"proved width {self.width:,}, {self.weights:,} source weights, "
            f"{self.free_weights:,} free",
            f"  weight-trained dense model (32 bits/weight): {size(self.dense_trained_bits)}",
            f"  ticket in a dense source (1 bit/weight):     {size(self.dense_source_ticket_bits)}",
            f"  ticket in this frozen source, mask only:     {size(self.mask_bits)}",
            f"  ticket in this frozen source, complete:      {size(self.complete_bits)} "
            "(mask + seeds; a saved file adds its header, docs/ticket-format.md)",
        ])


def _counts(rows, cols, prune_ratio, lock_ratio):
    """(weights, pruned, free) of one weight matrix with exact counts, rounded half up."""
    size = rows * cols
    pruned = min(size, math.floor(prune_ratio * size + 0.5))
    locked = min(size - pruned, math.floor(lock_ratio * size + 0.5))
    return size, pruned, size - pruned - locked


def ticket_size(eps, freeze_ratio=None, *, delta=None, prune_ratio=None, lock_ratio=None,
                depth=1, widths=(1, 1)):
    """Width of Theorem 5 and the bits of a ticket of that width.

    >>> s = ticket_size(0.01, prune_ratio=0.35, lock_ratio=0.35)
    >>> s.free_weights == 2 * (s.width - 2 * math.floor(0.35 * s.width + 0.5))
    True
    >>> s.mask_bits == s.free_weights and s.complete_bits == s.mask_bits + SEED_BITS
    True
    >>> s.mask_only["randomly_pruned_source"] == s.weights - s.pruned_weights
    True
    """
    wb = width_bound(eps, freeze_ratio, delta=delta, prune_ratio=prune_ratio,
                     lock_ratio=lock_ratio, depth=depth, widths=widths)
    prune, lock = wb.parameters["prune_ratio"], wb.parameters["lock_ratio"]
    d = wb.parameters["widths"]
    weights = pruned = free = 0
    for i, h in enumerate(wb.layer_widths):
        for rows, cols in ((h, d[i]), (d[i + 1], h)):  # U_i, then V_i
            n, n_pruned, n_free = _counts(rows, cols, prune, lock)
            weights, pruned, free = weights + n, pruned + n_pruned, free + n_free
    return TicketSize(
        width=wb.width, layer_widths=wb.layer_widths, weights=weights, free_weights=free,
        dense_trained_bits=WEIGHT_BITS * weights, dense_source_ticket_bits=weights,
        mask_bits=free, complete_bits=free + SEED_BITS, pruned_weights=pruned,
        pruned_source_ticket_bits=weights - pruned,
    )
