"""Drawing a source: iid U[-1, 1] weights and their freeze states, every number from numpy
Generators keyed by (seed, layer)."""

from ._common import generator
from .freeze_states import draw_freeze_states

__all__ = ["draw_layers"]


def draw_layers(widths, block_sizes, prune_ratio, lock_ratio, freezing, seed):
    """U_i (h_i, d_{i-1}), V_i (d_i, h_i) and their FreezeState codes, h_i = d_{i-1} n_i, for
    checked arguments (see :meth:`FrozenSource.random`)."""
    first, second, s_first, s_second = [], [], [], []
    for i, n_i in enumerate(block_sizes):
        d_in, d_out = widths[i], widths[i + 1]
        h = d_in * n_i
        gen = generator(seed, 1, i)
        first.append(2.0 * gen.random((h, d_in)) - 1.0)
        second.append(2.0 * gen.random((d_out, h)) - 1.0)
        s_first.append(draw_freeze_states(gen, (h, d_in), prune_ratio, lock_ratio, freezing))
        s_second.append(draw_freeze_states(gen, (d_out, h), prune_ratio, lock_ratio, freezing))
    return first, second, s_first, s_second
