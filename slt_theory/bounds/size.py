"""Memory a ticket of the proved width occupies: the question a hardware designer asks
(`slt size`). The source is the one of docs/theory.md, Theorem 5: for target layer i, a layer
U_i (h_i x d_{i-1}) and a layer V_i (d_i x h_i).

Accounting (the same words as `empirical.model_size`): a weight-trained dense model stores 32 bits
per weight; a ticket stores one mask bit per weight it may choose, i.e. per FREE weight, plus the
seeds from which weights and freezing pattern regenerate. With freezing="exact" each layer has
exactly size - round(p size) - round(l size) free weights; with iid freezing that is the expected
count, rounded.
"""

from dataclasses import dataclass

from .width import width_bound

#: bits of the two seeds (weights, freezing pattern) a ticket needs besides its mask
SEED_BITS = 2 * 64


@dataclass(frozen=True)
class TicketSize:
    width: int
    layer_widths: tuple
    weights: int
    free_weights: int
    dense_trained_bits: int
    dense_source_ticket_bits: int
    mask_bits: int
    complete_bits: int

    def summary(self):
        def kib(bits):
            return f"{bits:,} bits ({bits / 8 / 1024:,.1f} KiB)"

        return "\n".join([
            f"proved width {self.width} (per layer {list(self.layer_widths)}), "
            f"{self.weights:,} source weights, {self.free_weights:,} free",
            f"  weight-trained dense model (32 bits/weight): {kib(self.dense_trained_bits)}",
            f"  ticket in a dense source (1 bit/weight):     {kib(self.dense_source_ticket_bits)}",
            f"  ticket in this frozen source, mask only:     {kib(self.mask_bits)}",
            f"  ticket in this frozen source, complete:      {kib(self.complete_bits)} "
            "(mask + seeds; a saved file adds its header, docs/ticket-format.md)",
        ])


def _free_count(rows, cols, prune_ratio, lock_ratio):
    size = rows * cols
    return size - round(prune_ratio * size) - round(lock_ratio * size)


def ticket_size(eps, freeze_ratio=None, *, delta=None, prune_ratio=None, lock_ratio=None,
                depth=1, widths=(1, 1)):
    """Width of Theorem 5 and the bits of a ticket of that width.

    >>> s = ticket_size(0.01, prune_ratio=0.35, lock_ratio=0.35)
    >>> s.free_weights == 2 * s.width - 2 * round(0.35 * s.width) - 2 * round(0.35 * s.width)
    True
    >>> s.mask_bits == s.free_weights and s.complete_bits == s.mask_bits + SEED_BITS
    True
    """
    wb = width_bound(eps, freeze_ratio, delta=delta, prune_ratio=prune_ratio,
                            lock_ratio=lock_ratio, depth=depth, widths=widths)
    p, l = wb.parameters["prune_ratio"], wb.parameters["lock_ratio"]
    d = wb.parameters["widths"]
    weights = free = 0
    for i, h in enumerate(wb.layer_widths):
        weights += h * d[i] + d[i + 1] * h
        free += _free_count(h, d[i], p, l) + _free_count(d[i + 1], h, p, l)
    return TicketSize(
        width=wb.width, layer_widths=wb.layer_widths, weights=weights, free_weights=free,
        dense_trained_bits=32 * weights, dense_source_ticket_bits=weights,
        mask_bits=free, complete_bits=free + SEED_BITS,
    )
