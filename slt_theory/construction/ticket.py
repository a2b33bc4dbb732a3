"""Carry out the proof of docs/theory.md, Section 4: build the frozen subset-sum ticket inside a
random source network, weight by weight, with the exact solver of
:mod:`slt_theory.solvers.subset_sum`.

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

The construction (Section 4, with its two couplings and the re-assignment of Theorem 5(C)):

1. Blocks (``layer_terms.assign_blocks``): neuron k starts in block j = k // n_i. A neuron with
   exactly one locked in-weight is re-assigned to that input's block (its other in-weights are
   free or pruned and are dropped), so blocks become random in size. A neuron with two or more
   locked in-weights serves no block: when none of its out-weights is locked it is *discarded*
   (its free out-weights are dropped and it contributes nothing); when one is locked its term
   cannot be removed and the construction fails ("stuck neurons", Proposition 3).
2. First layer, block-diagonal: every other neuron keeps its weight from its block's input
   unless pruned, and drops its off-block weights (free or pruned: none is locked).
3. Second layer: for every output o, input j and sign side (both sides in layer 1; only u > 0 in
   later layers, whose inputs are outputs of a ReLU), the product terms U[k, j] V[o, k] of block j
   on that side split into forced in (locked sum L), forced out and free; ``find_subset`` picks
   free terms whose sum is within eps_i of W[o, j] - L, eps_i = ``bounds.ENTRY_ERROR``. The
   classification is coupling 1 of Section 4 when d_i >= 2 (the first layer is shared by the
   outputs: free iff V[o, k] free and U[k, j] unpruned; forced in iff V[o, k] locked and U[k, j]
   unpruned) and Proposition 4 when d_i = 1 (free iff neither factor is pruned and not both are
   locked; a term left out is removed by dropping its free factor, V first).

Without locking, or with one input per layer, no neuron is re-assigned and none has two locked
in-weights: the construction is then the fixed-block one of Theorem 5 (A) and (B).

When an entry fails, the mask still holds a best-effort subset (the solver rerun with a doubled
tolerance until it answers), so the ticket can be measured either way.
"""

import dataclasses
import math

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from ..solvers.subset_sum import FreezeState, covers, find_subset
from .layer_terms import REASON_LOCKED_OFFSET, REASON_STUCK, REASON_TOO_FEW, LayerTerms
from .source import FrozenSource
from .target import TargetNetwork

__all__ = [
    "REASON_LOCKED_OFFSET",
    "REASON_STUCK",
    "REASON_TOO_FEW",
    "EntryFailure",
    "TicketResult",
    "construct_ticket",
    "covers_every_target",
]



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
        (Proposition 3); each one makes the construction fail.
    eps : float
    reassigned_neurons : tuple of int
        Per layer, the neurons with exactly one locked in-weight whose input is not their default
        block k // n_i, re-assigned to that input's block (Theorem 5(C)).
    discarded_neurons : tuple of int
        Per layer, the neurons with >= 2 locked in-weights and no locked out-weight (dropped).
    """

    first_masks: tuple
    second_masks: tuple
    entry_errors: tuple
    entry_budget: tuple
    success: bool
    failures: tuple
    stuck_neurons: tuple
    eps: float
    reassigned_neurons: tuple = ()
    discarded_neurons: tuple = ()

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
        if any(f.reason == REASON_STUCK for f in self.failures):
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
        lay = LayerTerms(source, i, eps)
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
    first_masks, second_masks, errors, budgets, failures = [], [], [], [], []
    stuck_counts, reassigned_counts, discarded_counts = [], [], []
    for i in range(target.depth):
        w = target.weights[i]
        lay = LayerTerms(source, i, eps)
        budgets.append(lay.eps_i)
        stuck_counts.append(int(lay.stuck.sum()))
        reassigned_counts.append(int(lay.reassigned.sum()))
        discarded_counts.append(int(lay.discarded.sum()))
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
        reassigned_neurons=tuple(reassigned_counts), discarded_neurons=tuple(discarded_counts),
    )
