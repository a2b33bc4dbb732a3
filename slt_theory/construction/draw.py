"""Drawing a source: iid U[-1, 1] weights and their freeze states, every number from numpy
Generators keyed by (seed, layer)."""

from .. import _validate
from ..errors import InvalidParameterError
from ._common import check_source_size, check_widths, generator
from .freeze_states import FREEZINGS, _draw_freeze_states

__all__ = ["draw_layers"]


def draw_layers(widths, block_sizes, prune_ratio, lock_ratio, freezing, seed):
    """U_i (h_i, d_{i-1}), V_i (d_i, h_i) and their FreezeState codes, h_i = d_{i-1} n_i (the
    arrays of :meth:`FrozenSource.random`, which checks the same arguments).

    Parameters
    ----------
    widths : sequence of ints >= 1
        Target widths d_0..d_l.
    block_sizes : sequence of l ints >= 1
        n_i; the source holds at most ``MAX_SOURCE_WEIGHTS`` weights.
    prune_ratio, lock_ratio : float >= 0, sum < 1
    freezing : {"iid", "exact"}
    seed : int >= 0

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges, before anything is drawn.
    """
    widths = check_widths(widths)
    if (isinstance(block_sizes, (str, bytes)) or not hasattr(block_sizes, "__len__")
            or len(block_sizes) != len(widths) - 1):
        raise InvalidParameterError(
            f"block_sizes must hold one int per target layer ({len(widths) - 1}), got "
            f"{block_sizes!r}")
    block_sizes = tuple(_validate.integer(f"block_sizes[{i}]", n, minimum=1)
                        for i, n in enumerate(block_sizes))
    check_source_size(widths, block_sizes)
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    freezing = _validate.choice("freezing", freezing, FREEZINGS)
    seed = _validate.integer("seed", seed, minimum=0)
    first, second, s_first, s_second = [], [], [], []
    for i, n_i in enumerate(block_sizes):
        d_in, d_out = widths[i], widths[i + 1]
        h = d_in * n_i
        gen = generator(seed, 1, i)
        first.append(2.0 * gen.random((h, d_in)) - 1.0)
        second.append(2.0 * gen.random((d_out, h)) - 1.0)
        s_first.append(_draw_freeze_states(gen, (h, d_in), prune_ratio, lock_ratio, freezing))
        s_second.append(_draw_freeze_states(gen, (d_out, h), prune_ratio, lock_ratio, freezing))
    return first, second, s_first, s_second
