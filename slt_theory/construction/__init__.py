"""The construction room: the proof of docs/theory.md, Section 4 carried out on a drawn source.

- :mod:`.target`: `TargetNetwork`, the network to approximate;
- :mod:`.source`: `FrozenSource`, the frozen random source (drawn by :mod:`.draw`, its freeze
  states by :mod:`.freeze_states`);
- :mod:`.layer_terms`: what one source layer offers the construction (kept weights, classified
  product terms); :mod:`.ticket`: `construct_ticket` and the uniform event `covers_every_target`;
- :mod:`.masked`: the masked weight matrices; :mod:`.verification`: the independent forward pass,
  measured errors and success rates; :mod:`.tasks`: the task function for run stores;
- :mod:`.locked_kink`: the locked-kink lower bound of Section 5 (Theorem 6 (a)'s margin,
  Theorem 6 (b)'s bound, Corollary 6.1's window); :mod:`.best_mask`: the exact best-mask error
  of tiny sources (with :mod:`._exact`); :mod:`.reference`: plain twins of the construction and
  of both.

May import: :mod:`slt_theory.bounds` (the per-entry error budget and block sizes),
:mod:`slt_theory.solvers`, :mod:`slt_theory.montecarlo` (confidence bounds),
:mod:`slt_theory.errors`, :mod:`slt_theory._validate`, numpy, sympy (Theorem 6 (b)'s bound).
"""

from ._common import MAX_DEPTH, MAX_SOURCE_WEIGHTS, MAX_TARGET_LAYER_WEIGHTS, MAX_TARGET_WEIGHTS
from .best_mask import BestMask, best_mask_error
from .locked_kink import (
    LOCKED_KINK_BOUND,
    LockedKink,
    locked_kink_bound,
    locked_kink_margin,
    locked_kink_window,
    no_ticket_certified,
)
from .masked import masked_source
from .source import FrozenSource
from .target import TargetNetwork
from .ticket import (
    REASON_LOCKED_OFFSET,
    REASON_STUCK,
    REASON_TOO_FEW,
    EntryFailure,
    TicketResult,
    construct_ticket,
    covers_every_target,
)
from .verification import (
    ErrorEstimate,
    SuccessRate,
    measure_error,
    probe_points,
    success_probability,
    ticket_forward,
)

__all__ = [
    "LOCKED_KINK_BOUND",
    "MAX_DEPTH",
    "MAX_SOURCE_WEIGHTS",
    "MAX_TARGET_LAYER_WEIGHTS",
    "MAX_TARGET_WEIGHTS",
    "REASON_LOCKED_OFFSET",
    "REASON_STUCK",
    "REASON_TOO_FEW",
    "BestMask",
    "EntryFailure",
    "ErrorEstimate",
    "FrozenSource",
    "LockedKink",
    "SuccessRate",
    "TargetNetwork",
    "TicketResult",
    "best_mask_error",
    "construct_ticket",
    "covers_every_target",
    "locked_kink_bound",
    "locked_kink_margin",
    "locked_kink_window",
    "masked_source",
    "measure_error",
    "no_ticket_certified",
    "probe_points",
    "success_probability",
    "ticket_forward",
]
