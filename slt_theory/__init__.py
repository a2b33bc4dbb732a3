"""slt_theory: proved width bounds for strong lottery tickets in partially frozen random networks,
and exact subset-sum solvers that check them.

>>> import slt_theory
>>> slt_theory.required_samples(0.01, 0.01)
56
>>> slt_theory.required_width(0.01, 0.5) >= slt_theory.width_bound(0.01, 0.5).lower_bound
True
>>> slt_theory.covers([0.5, -0.25, 0.125], 0.25, lo=-0.5, hi=0.75)
True

Imports neither torch nor matplotlib. The package is laid out in rooms by concern, each a
subpackage whose docstring says what lives there and what it may import (imports point down
this list; nothing in slt_theory imports `empirical`):

- :mod:`slt_theory.errors`, :mod:`slt_theory._validate`: the error type and input checks;
- :mod:`slt_theory.runs`: executors, resumable run stores, provenance and atomic writes;
- :mod:`slt_theory.solvers`: exact subset-sum solvers (numba) and their plain twins;
- :mod:`slt_theory.bounds`: the proved bounds as sympy expressions, calibration, ticket size;
- :mod:`slt_theory.montecarlo`: Monte Carlo coverage, the empirical n*, sweeps;
- :mod:`slt_theory.construction`: the constructive ticket and its independent verification.
"""

from ._version import __version__
from .bounds import (
    WidthBound,
    counting_lower_bound_samples,
    failure_bound,
    required_samples,
    required_width,
    width_bound,
)
from .bounds.calibration import CalibratedSamples, calibrated_samples, calibrated_width
from .bounds.size import TicketSize, ticket_size
from .construction import (
    EntryFailure,
    ErrorEstimate,
    FrozenSource,
    SuccessRate,
    TargetNetwork,
    TicketResult,
    construct_ticket,
    covers_every_target,
    masked_source,
    measure_error,
    success_probability,
    ticket_forward,
)
from .errors import InvalidParameterError
from .montecarlo import (
    CoverageResult,
    RequiredSamples,
    clopper_pearson,
    coverage_probability,
    empirical_required_samples,
    lower_confidence_bound,
    upper_confidence_bound,
)
from .montecarlo.sweep import sweep
from .solvers import (
    MAX_INTERVALS,
    FreezeState,
    covers,
    find_subset,
    product_terms,
    subset_sum_error,
)

__all__ = [
    "CalibratedSamples", "CoverageResult", "EntryFailure", "ErrorEstimate", "FreezeState",
    "FrozenSource", "InvalidParameterError", "MAX_INTERVALS", "RequiredSamples", "SuccessRate",
    "TargetNetwork", "TicketResult", "TicketSize", "WidthBound", "__version__",
    "calibrated_samples", "calibrated_width", "clopper_pearson", "construct_ticket", "counting_lower_bound_samples",
    "coverage_probability", "covers", "covers_every_target", "empirical_required_samples",
    "failure_bound", "find_subset", "lower_confidence_bound", "masked_source", "measure_error", "product_terms",
    "required_samples", "required_width", "subset_sum_error", "success_probability", "sweep",
    "ticket_forward", "ticket_size", "upper_confidence_bound", "width_bound",
]
