"""The frozen random source of docs/theory.md, Theorem 5: its weights and freeze states, their
consistency, and the ways to make one (drawn by :mod:`.draw`)."""

import dataclasses

import numpy as np

from .. import _validate, bounds
from ..errors import InvalidParameterError
from ..solvers.subset_sum import FreezeState
from ._common import MAX_SOURCE_WEIGHTS, check_source_size, check_widths
from .draw import draw_layers
from .freeze_states import FREEZINGS

__all__ = ["MAX_SOURCE_WEIGHTS", "FrozenSource"]


@dataclasses.dataclass(frozen=True, eq=False)
class FrozenSource:
    """The depth-2l frozen random source of docs/theory.md, Theorem 5.

    Attributes
    ----------
    first, second : tuple of ndarray
        U_i of shape (h_i, d_{i-1}) and V_i of shape (d_i, h_i), h_i = d_{i-1} n_i.
    first_state, second_state : tuple of int8 ndarray
        FreezeState code of every weight (same shapes).
    block_sizes : tuple of int
        n_i: neurons per input block in layer i (neuron k belongs to block k // n_i).
    prune_ratio, lock_ratio : float
    freezing : {"iid", "exact"}
    seed : int

    Examples
    --------
    >>> s = FrozenSource.random((1, 2), (5,), prune_ratio=0.2, seed=1)
    >>> s.first[0].shape, s.second[0].shape, s.hidden_widths
    ((5, 1), (2, 5), (5,))
    >>> s = FrozenSource.random((4, 4), (10,), prune_ratio=0.2, lock_ratio=0.1, freezing="exact")
    >>> state = s.first_state[0]
    >>> int((state == FreezeState.PRUNED).sum()), int((state == FreezeState.LOCKED).sum())
    (32, 16)
    """

    first: tuple
    second: tuple
    first_state: tuple
    second_state: tuple
    block_sizes: tuple
    prune_ratio: float = 0.0
    lock_ratio: float = 0.0
    freezing: str = "iid"
    seed: int = 0

    def __post_init__(self):
        # types first, so that a wrong kind of argument is named rather than crashing below
        for name in ("first", "second", "first_state", "second_state", "block_sizes"):
            value = getattr(self, name)
            if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
                raise InvalidParameterError(f"{name} must be a tuple (one entry per target "
                                            f"layer), got {value!r}")
            if name != "block_sizes" and not all(isinstance(a, np.ndarray) and a.ndim == 2
                                                 for a in value):
                raise InvalidParameterError(f"{name} must hold 2-D numpy arrays")
        for i, b in enumerate(self.block_sizes):
            _validate.integer(f"block_sizes[{i}]", b, minimum=1)
        n = len(self.first)
        if n == 0 or not all(len(t) == n for t in (self.second, self.first_state,
                                                    self.second_state, self.block_sizes)):
            raise InvalidParameterError(
                "first, second, first_state, second_state and block_sizes must hold one entry "
                "per target layer (at least one)")
        codes = [int(s) for s in FreezeState]
        for i in range(n):
            u, v = self.first[i], self.second[i]
            h, d_in = u.shape
            if v.ndim != 2 or v.shape[1] != h or h != d_in * self.block_sizes[i]:
                raise InvalidParameterError(
                    f"layer {i + 1}: U must be (d_{{i-1}} n_i, d_{{i-1}}) and V "
                    f"(d_i, d_{{i-1}} n_i) with n_i = block_sizes[{i}] = {self.block_sizes[i]}, "
                    f"got U {u.shape}, V {v.shape}")
            if i and d_in != self.second[i - 1].shape[0]:
                raise InvalidParameterError(f"layer {i + 1} takes {d_in} inputs, layer {i} gives "
                                            f"{self.second[i - 1].shape[0]}")
            for name, state, w in (("first_state", self.first_state[i], u),
                                   ("second_state", self.second_state[i], v)):
                if state.shape != w.shape or not np.isin(state, codes).all():
                    raise InvalidParameterError(
                        f"{name}[{i}] must hold FreezeState codes {codes} in the shape {w.shape}")

    @property
    def depth(self):
        return len(self.first)

    @property
    def widths(self):
        """The target shape d_0..d_l this source serves."""
        return (self.first[0].shape[1],) + tuple(v.shape[0] for v in self.second)

    @property
    def hidden_widths(self):
        return tuple(u.shape[0] for u in self.first)

    @classmethod
    def random(cls, widths, block_sizes, *, prune_ratio=0.0, lock_ratio=0.0, freezing="iid",
               seed=0):
        """Draw a source for targets of shape ``widths`` with n_i = ``block_sizes[i]``.

        Weights iid U[-1, 1]; each weight pruned with probability ``prune_ratio``, locked with
        probability ``lock_ratio`` (``freezing="iid"``), or exactly round(p * size) pruned and
        round(l * size) locked in every source layer, placed by a seeded permutation
        (``freezing="exact"``). Every number comes from numpy Generators keyed by (seed, layer).

        Parameters
        ----------
        widths : sequence of ints >= 1
            Target widths d_0..d_l.
        block_sizes : sequence of l ints >= 1, or one int for every layer
            The source may hold at most ``MAX_SOURCE_WEIGHTS`` (2^25) weights,
            sum_i d_{i-1} n_i (d_{i-1} + d_i); a larger one raises InvalidParameterError before
            anything is allocated.
        prune_ratio, lock_ratio : float >= 0, sum < 1
        freezing : {"iid", "exact"}
        seed : int >= 0
        """
        widths = check_widths(widths)
        depth = len(widths) - 1
        if isinstance(block_sizes, (int, np.integer)) and not isinstance(block_sizes, bool):
            block_sizes = (block_sizes,) * depth
        if isinstance(block_sizes, (str, bytes)) or not hasattr(block_sizes, "__len__") \
                or len(block_sizes) != depth:
            raise InvalidParameterError(
                f"block_sizes must hold one int per target layer ({depth}), got {block_sizes!r}")
        block_sizes = tuple(_validate.integer(f"block_sizes[{i}]", n, minimum=1)
                            for i, n in enumerate(block_sizes))
        check_source_size(widths, block_sizes)
        prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
        _validate.choice("freezing", freezing, FREEZINGS)
        seed = _validate.integer("seed", seed, minimum=0)
        first, second, s_first, s_second = draw_layers(
            widths, block_sizes, prune_ratio, lock_ratio, freezing, seed)
        return cls(tuple(first), tuple(second), tuple(s_first), tuple(s_second), block_sizes,
                   prune_ratio, lock_ratio, freezing, seed)

    @classmethod
    def from_width(cls, widths, width, **kwargs):
        """A source whose every hidden layer has width <= ``width``: n_i = max(1, width // d_{i-1}).

        At ``width = required_width(...)`` every n_i is at least the block size the bound needs
        (the bound's h_i = d_{i-1} n_i are all <= its maximum).

        Examples
        --------
        >>> FrozenSource.from_width((2, 3, 1), 10).hidden_widths
        (10, 9)
        """
        widths = check_widths(widths)
        width = _validate.integer("width", width, minimum=1)
        return cls.random(widths, tuple(max(1, width // d) for d in widths[:-1]), **kwargs)

    @classmethod
    def from_bound(cls, widths, eps, *, delta=None, prune_ratio=0.0, lock_ratio=0.0,
                   freezing="iid", seed=0):
        """A source with the block sizes of ``bounds.width_bound`` (its ``samples_per_block``).

        Examples
        --------
        >>> s = FrozenSource.from_bound((1, 1), 0.1)
        >>> s.hidden_widths == bounds.width_bound(0.1, depth=1, widths=(1, 1)).layer_widths
        True
        """
        widths = check_widths(widths)
        wb = bounds.width_bound(eps, delta=delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                                depth=len(widths) - 1, widths=widths)
        return cls.random(widths, wb.samples_per_block, prune_ratio=prune_ratio,
                          lock_ratio=lock_ratio, freezing=freezing, seed=seed)
