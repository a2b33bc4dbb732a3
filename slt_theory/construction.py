"""Carry out the proof of docs/theory.md, Section 4: build the frozen subset-sum ticket inside a
random source network, weight by weight, with the exact solver of :mod:`slt_theory.subset_sum`.

Three objects:

- :class:`TargetNetwork`: f(x) = W_l s(W_{l-1} ... s(W_1 x)), s = ReLU, no biases, every layer of
  spectral norm <= 1;
- :class:`FrozenSource`: the depth-2l source of Theorem 5, target layer i replaced by U_i
  (h_i x d_{i-1}) and V_i (d_i x h_i), h_i = d_{i-1} n_i (d_{i-1} blocks of n_i neurons), iid
  U[-1, 1] weights, each weight PRUNED, LOCKED or FREE;
- :func:`construct_ticket`: the masks of the construction, the per-entry errors it achieved, and,
  when it fails, why;
- :func:`covers_every_target`: the uniform event of Theorem 5 itself (the source serves every
  target of its shape), checked with ``subset_sum.covers`` per (layer, output, input, side).

The construction (Section 4, with its two couplings):

1. First layer, block-diagonal: neuron k of block j = k // n_i keeps its weight from input j
   unless pruned; its off-block weights are dropped unless locked. A neuron with a locked off-block
   weight computes relu(u x_j + a x_j' + ...) and cannot serve its block: all its free outgoing
   weights are dropped; if one of them is locked, its contribution cannot be removed and the
   construction fails ("stuck neurons" when it has >= 2 locked incoming weights, Proposition 3;
   "locked off-block weight" when its only locked incoming weight is off its block).
2. Second layer: for every output o, input j and sign side (both sides in layer 1; only u > 0 in
   later layers, whose inputs are outputs of a ReLU), the product terms U[k, j] V[o, k] of block j
   on that side split into forced in (locked sum L), forced out and free; ``find_subset`` picks
   free terms whose sum is within eps_i of W[o, j] - L, eps_i = ``bounds.ENTRY_ERROR``. The
   classification is coupling 1 of Section 4 when d_i >= 2 (the first layer is shared by the
   outputs: free iff V[o, k] free and U[k, j] unpruned; forced in iff V[o, k] locked and U[k, j]
   unpruned) and Proposition 4 when d_i = 1 (free iff neither factor is pruned and not both are
   locked; a term left out is removed by dropping its free factor, V first).

When an entry fails, the mask still holds a best-effort subset (the solver rerun with a doubled
tolerance until it answers), so the ticket can be measured either way.
"""

import dataclasses
import math

import numpy as np

from . import _validate, bounds
from .errors import InvalidParameterError
from .subset_sum import FreezeState, covers, find_subset

__all__ = [
    "REASON_LOCKED_OFFSET",
    "REASON_OFF_BLOCK",
    "REASON_STUCK",
    "REASON_TOO_FEW",
    "EntryFailure",
    "FrozenSource",
    "TargetNetwork",
    "TicketResult",
    "construct_ticket",
    "covers_every_target",
]

#: Why an entry failed (the words of issue #4 and docs/theory.md).
REASON_TOO_FEW = "too few free product terms"
REASON_LOCKED_OFFSET = "locked offset not coverable"
REASON_STUCK = "stuck neurons"
#: Not one of Proposition 3's stuck neurons, but fatal to this construction as well: a neuron whose
#: only locked incoming weight is off its block, with a locked outgoing weight.
REASON_OFF_BLOCK = "locked off-block weight"

SIDES = (1, -1)  # side index 0: u > 0 (serves x_j >= 0); side index 1: u < 0 (serves x_j < 0)
FREEZINGS = ("iid", "exact")


def _widths(widths):
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or len(widths) < 2:
        raise InvalidParameterError(
            f"widths must be a sequence of at least two layer widths d_0..d_l, got {widths!r}")
    return tuple(_validate.integer(f"widths[{i}]", w, minimum=1) for i, w in enumerate(widths))


def _spectral_norm(w):
    return float(np.linalg.norm(w, 2)) if w.size else 0.0


def _generator(seed, *key):
    seed = _validate.integer("seed", seed, minimum=0)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


# ---------------------------------------------------------------------------------- the target

@dataclasses.dataclass(frozen=True, eq=False)
class TargetNetwork:
    """A bias-free ReLU network f(x) = W_l s(... s(W_1 x)) with every ||W_i||_2 <= 1.

    Build it with :meth:`random` or :meth:`from_weights`.

    Attributes
    ----------
    weights : tuple of ndarray
        W_1..W_l, W_i of shape (d_i, d_{i-1}).

    Examples
    --------
    >>> t = TargetNetwork.random((2, 3, 1), seed=0)
    >>> t.depth, t.widths
    (2, (2, 3, 1))
    >>> all(np.linalg.norm(w, 2) <= 1 + 1e-12 for w in t.weights)
    True
    >>> t.forward(np.zeros(2)).tolist()
    [0.0]
    """

    weights: tuple

    @property
    def depth(self):
        return len(self.weights)

    @property
    def widths(self):
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    @classmethod
    def random(cls, widths, seed=0):
        """Entries iid U[-1, 1], each layer divided by max(1, its spectral norm).

        Parameters
        ----------
        widths : sequence of ints >= 1
            d_0..d_l.
        seed : int >= 0
        """
        widths = _widths(widths)
        gen = _generator(seed, 0)
        weights = []
        for d_in, d_out in zip(widths[:-1], widths[1:]):
            w = 2.0 * gen.random((d_out, d_in)) - 1.0
            weights.append(w / max(1.0, _spectral_norm(w)))
        return cls(tuple(weights))

    @classmethod
    def from_weights(cls, weights, *, rescale=False):
        """A target from given matrices W_1..W_l (shapes (d_i, d_{i-1}), chained).

        Parameters
        ----------
        weights : sequence of 2-D array_like
        rescale : bool
            Divide a layer whose spectral norm exceeds 1 by that norm; when False (default) such
            a layer raises InvalidParameterError.
        """
        if isinstance(weights, np.ndarray) or not hasattr(weights, "__len__") or not weights:
            raise InvalidParameterError(
                f"weights must be a non-empty sequence of 2-D arrays, got {type(weights).__name__}")
        out = []
        for i, w in enumerate(weights):
            try:
                w = np.array(w, dtype=np.float64)
            except (TypeError, ValueError) as err:
                raise InvalidParameterError(f"weights[{i}] must be a real matrix") from err
            if w.ndim != 2 or 0 in w.shape:
                raise InvalidParameterError(
                    f"weights[{i}] must be a non-empty 2-D array, got shape {w.shape}")
            if not np.all(np.isfinite(w)):
                raise InvalidParameterError(f"weights[{i}] must be finite")
            if out and w.shape[1] != out[-1].shape[0]:
                raise InvalidParameterError(
                    f"weights[{i}] has {w.shape[1]} columns but weights[{i - 1}] has "
                    f"{out[-1].shape[0]} rows: layer i must take d_{{i-1}} inputs")
            norm = _spectral_norm(w)
            if norm > 1.0 + 1e-12:
                if not rescale:
                    raise InvalidParameterError(
                        f"weights[{i}] has spectral norm {norm:.6g} > 1; the theory needs <= 1 "
                        "(pass rescale=True to divide it by its norm)")
                w = w / norm
            out.append(w)
        return cls(tuple(out))

    def forward(self, x):
        """f(x) for x of shape (d_0,) or (m, d_0); returns (d_l,) or (m, d_l)."""
        x = np.asarray(x, dtype=np.float64)
        h = x.T
        for i, w in enumerate(self.weights):
            h = w @ h
            if i < self.depth - 1:
                h = np.maximum(h, 0.0)
        return h.T


# ---------------------------------------------------------------------------------- the source

def _freeze_states(gen, shape, prune_ratio, lock_ratio, freezing):
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
        prune_ratio, lock_ratio : float >= 0, sum < 1
        freezing : {"iid", "exact"}
        seed : int >= 0
        """
        widths = _widths(widths)
        depth = len(widths) - 1
        if isinstance(block_sizes, (int, np.integer)) and not isinstance(block_sizes, bool):
            block_sizes = (block_sizes,) * depth
        if isinstance(block_sizes, (str, bytes)) or not hasattr(block_sizes, "__len__") \
                or len(block_sizes) != depth:
            raise InvalidParameterError(
                f"block_sizes must hold one int per target layer ({depth}), got {block_sizes!r}")
        block_sizes = tuple(_validate.integer(f"block_sizes[{i}]", n, minimum=1)
                            for i, n in enumerate(block_sizes))
        prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
        _validate.choice("freezing", freezing, FREEZINGS)
        seed = _validate.integer("seed", seed, minimum=0)
        first, second, s_first, s_second = [], [], [], []
        for i, n_i in enumerate(block_sizes):
            d_in, d_out = widths[i], widths[i + 1]
            h = d_in * n_i
            gen = _generator(seed, 1, i)
            first.append(2.0 * gen.random((h, d_in)) - 1.0)
            second.append(2.0 * gen.random((d_out, h)) - 1.0)
            s_first.append(_freeze_states(gen, (h, d_in), prune_ratio, lock_ratio, freezing))
            s_second.append(_freeze_states(gen, (d_out, h), prune_ratio, lock_ratio, freezing))
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
        widths = _widths(widths)
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
        widths = _widths(widths)
        wb = bounds.width_bound(eps, delta=delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                                depth=len(widths) - 1, widths=widths)
        return cls.random(widths, wb.samples_per_block, prune_ratio=prune_ratio,
                          lock_ratio=lock_ratio, freezing=freezing, seed=seed)


# ---------------------------------------------------------------------------------- the ticket

@dataclasses.dataclass(frozen=True)
class EntryFailure:
    """One reason why the construction failed.

    ``layer`` counts target layers from 1. For subset-sum failures ``side`` is +1 (u > 0, inputs
    >= 0) or -1 and ``count`` is the number of free product terms; for neuron failures ``side``
    is None, ``input`` is the neuron's block and ``count`` the number of such neurons feeding
    ``output`` through a locked weight.
    """

    layer: int
    output: int
    input: int
    side: object
    reason: str
    count: int


@dataclasses.dataclass(frozen=True, eq=False)
class TicketResult:
    """What :func:`construct_ticket` returns.

    Attributes
    ----------
    first_masks, second_masks : tuple of bool ndarray
        Keep-masks of U_i and V_i (PRUNED never kept, LOCKED always kept).
    entry_errors : tuple of ndarray, shape (2, d_i, d_{i-1})
        |W_i[o, j] - c_oj(side)| achieved by the chosen masks, side index 0 for u > 0 and 1 for
        u < 0; NaN where a side is not needed (side u < 0 in layers >= 2).
    entry_budget : tuple of float
        eps_i = ``bounds.ENTRY_ERROR`` per layer.
    success : bool
        Every needed entry within eps_i and no neuron that no mask removes.
    failures : tuple of EntryFailure
    stuck_neurons : tuple of int
        Per layer, the neurons with >= 2 locked incoming and >= 1 locked outgoing weights
        (Proposition 3), whether or not they made an entry fail.
    eps : float
    """

    first_masks: tuple
    second_masks: tuple
    entry_errors: tuple
    entry_budget: tuple
    success: bool
    failures: tuple
    stuck_neurons: tuple
    eps: float

    @property
    def masks(self):
        """The 2l keep-masks in source-layer order: U_1, V_1, U_2, V_2, ..."""
        return tuple(m for pair in zip(self.first_masks, self.second_masks) for m in pair)

    @property
    def reasons(self):
        """The distinct failure reasons, sorted."""
        return tuple(sorted({f.reason for f in self.failures}))

    def guaranteed_error(self):
        """Lemma 7 applied to the achieved entry errors: prod_i (1 + sqrt(d_{i-1} d_i) e_i) - 1,
        e_i the largest needed entry error of layer i. At most eps when ``success``; meaningless
        (no bound) when a neuron failure occurred, and then returned as inf."""
        if any(f.reason in (REASON_STUCK, REASON_OFF_BLOCK) for f in self.failures):
            return math.inf
        total = 1.0
        for err in self.entry_errors:
            d_out, d_in = err.shape[1:]
            total *= 1.0 + math.sqrt(d_in * d_out) * float(np.nanmax(err))
        return total - 1.0


def _check_pair(target, source):
    if not isinstance(target, TargetNetwork):
        raise InvalidParameterError(f"target must be a TargetNetwork, got {type(target).__name__}")
    if not isinstance(source, FrozenSource):
        raise InvalidParameterError(f"source must be a FrozenSource, got {type(source).__name__}")
    if target.widths != source.widths:
        raise InvalidParameterError(
            f"source serves targets of widths {source.widths}, but the target has widths "
            f"{target.widths}")


def _best_effort(values, target, eps):
    """A subset within the smallest eps * 2^k that the solver answers (the empty set always does
    once eps * 2^k >= |target|)."""
    tol = eps
    while True:
        tol *= 2.0
        found = find_subset(values, target, tol)
        if found is not None:
            return found


def _failure_reason(free, locked_any, residual, eps):
    """Locked offset when locked terms exist and the free terms cannot even reach the residual;
    too few free terms otherwise (the residual is in reach but no subset comes within eps)."""
    reach_lo = float(free[free < 0].sum()) - eps
    reach_hi = float(free[free > 0].sum()) + eps
    if locked_any and not reach_lo <= residual <= reach_hi:
        return REASON_LOCKED_OFFSET
    return REASON_TOO_FEW


class _Layer:
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


def covers_every_target(source, eps):
    """The event of Theorem 5 itself (uniform): does the source contain, for *every* target of
    its shape, a mask of this construction within eps? True iff no neuron failure occurs and, for
    every (layer, output, input, side), the locked sum plus subsets of the free terms eps_i-cover
    [-1, 1] (``subset_sum.covers``).

    Parameters
    ----------
    source : FrozenSource
    eps : float in (0, 1)

    Returns
    -------
    failing : int
        Number of instances that do not cover [-1, 1] plus the number of neuron failures;
        0 means the source serves every target.

    Examples
    --------
    >>> covers_every_target(FrozenSource.random((1, 1), 400, seed=0), 0.1)
    0
    """
    if not isinstance(source, FrozenSource):
        raise InvalidParameterError(f"source must be a FrozenSource, got {type(source).__name__}")
    eps = _validate.open_unit("eps", eps)
    failing = 0
    for i in range(source.depth):
        lay = _Layer(source, i, eps)
        failing += len(lay.neuron_failures())
        for _, _, _, _, _, terms, locked, free in lay.instances():
            failing += not covers(terms[free], lay.eps_i, locked_sum=float(terms[locked].sum()))
    return failing


def construct_ticket(target, source, eps):
    """Build the ticket of docs/theory.md, Section 4 for ``target`` inside ``source``.

    Parameters
    ----------
    target : TargetNetwork
    source : FrozenSource
        Must serve the target's widths.
    eps : float in (0, 1)
        Output accuracy over the unit ball; the entries of layer i get
        eps_i = ((1 + eps)^(1/l) - 1) / sqrt(d_{i-1} d_i) (Lemma 7).

    Returns
    -------
    TicketResult

    Notes
    -----
    The success of one target is a pointwise event, implied by the uniform event of Theorem 5;
    at the width of ``required_width`` it therefore has probability >= 1 - delta.

    Examples
    --------
    >>> t = TargetNetwork.from_weights([[[0.5]]])
    >>> r = construct_ticket(t, FrozenSource.random((1, 1), 200, seed=0), 0.1)
    >>> r.success, bool(np.nanmax(r.entry_errors[0]) <= 0.1)
    (True, True)
    >>> r = construct_ticket(t, FrozenSource.random((1, 1), 2, seed=0), 0.01)
    >>> r.success, r.reasons
    (False, ('too few free product terms',))
    """
    _check_pair(target, source)
    eps = _validate.open_unit("eps", eps)
    first_masks, second_masks, errors, budgets, failures, stuck_counts = [], [], [], [], [], []
    for i in range(target.depth):
        w = target.weights[i]
        lay = _Layer(source, i, eps)
        budgets.append(lay.eps_i)
        stuck_counts.append(int(lay.stuck.sum()))
        failures += lay.neuron_failures()
        keep_u, keep_v = lay.keep_u.copy(), lay.keep_v.copy()
        err = np.full((2, lay.d_out, lay.d_in), np.nan)
        for side_index, side, j, o, ks, terms, locked, free in lay.instances():
            offset = float(terms[locked].sum())
            residual = float(w[o, j]) - offset
            free_terms = terms[free]
            chosen = find_subset(free_terms, residual, lay.eps_i)
            if chosen is None:
                reason = _failure_reason(free_terms, bool(locked.any()), residual, lay.eps_i)
                failures.append((i + 1, o, j, side, reason, int(free.sum())))
                chosen = _best_effort(free_terms, residual, lay.eps_i)
            take = np.zeros(free_terms.shape, dtype=bool)
            take[chosen] = True
            free_ks = ks[free]
            # a free term is in iff its free factors are kept: V decides when free, otherwise
            # (V locked, d_i = 1) U does
            v_free = lay.sv[o, free_ks] == FreezeState.FREE
            keep_v[o, free_ks[v_free & take]] = True
            keep_u[free_ks[~v_free & ~take], j] = False
            err[side_index, o, j] = abs(w[o, j] - offset - float(free_terms[take].sum()))
        first_masks.append(keep_u)
        second_masks.append(keep_v)
        errors.append(err)

    records = []
    neuron_groups = {}
    for f in failures:
        if f[3] is None:
            neuron_groups[f] = neuron_groups.get(f, 0) + 1
        else:
            records.append(EntryFailure(*f))
    records += [EntryFailure(*key[:4], key[4], count) for key, count in neuron_groups.items()]
    return TicketResult(
        first_masks=tuple(first_masks), second_masks=tuple(second_masks),
        entry_errors=tuple(errors), entry_budget=tuple(budgets), success=not records,
        failures=tuple(records), stuck_neurons=tuple(stuck_counts), eps=eps,
    )
