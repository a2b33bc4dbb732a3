"""The Monte Carlo room: how often n random samples, partly pruned and partly locked, eps-cover
the target, with exact binomial intervals, the empirical n*, and resumable grid sweeps.

- :mod:`.draws`: the random inputs of every trial (numpy streams keyed by seed and trial), read
  in pieces within MEMORY_BUDGET;
- :mod:`.coverage`: `coverage_probability` and per-trial outcomes (the numba solver);
- :mod:`.required`: `empirical_required_samples` (the Monte Carlo n*);
- :mod:`.confidence`: Clopper-Pearson bounds;
- :mod:`.sweep`: grids into a resumable CSV; :mod:`.tasks`: task functions for run stores;
- :mod:`.cli_mc`: `slt mc`.

May import: :mod:`slt_theory.solvers`, :mod:`slt_theory.runs`, :mod:`slt_theory.errors`,
:mod:`slt_theory._validate`, :mod:`slt_theory._version`, :mod:`slt_theory._display`, numpy, scipy,
numba. Not the bounds (the bounds are checked *by*
Monte Carlo, in the tests and benchmarks, never the other way round).
"""

from .confidence import clopper_pearson, lower_confidence_bound, upper_confidence_bound
from .coverage import CoverageResult, coverage_probability, coverage_trials
from .draws import DISTRIBUTIONS, FREEZINGS, STATEMENTS, TRIAL_BLOCK, draw_trials
from .required import RequiredSamples, empirical_required_samples

__all__ = [
    "CoverageResult", "DISTRIBUTIONS", "FREEZINGS", "RequiredSamples", "STATEMENTS", "TRIAL_BLOCK",
    "clopper_pearson", "coverage_probability", "coverage_trials", "draw_trials",
    "empirical_required_samples", "lower_confidence_bound", "upper_confidence_bound",
]
