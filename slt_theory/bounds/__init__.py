"""The bounds room: the proved statements of docs/theory.md as sympy expressions and the numbers
they give.

- :mod:`.expressions`: every bound written once as a sympy expression (``evaluate`` lambdifies);
- :mod:`.theorem2`: Theorem 2'' as numbers (cover term, Chernoff tails) for a slot model;
- :mod:`.models`: the slot models (samples, product terms, Theorem 5(C)'s re-assignment);
- :mod:`.plan`: the failure bound at n or at a width, and the smallest n that meets delta;
- :mod:`.width`: the public calls (`required_samples`, `required_width`, `width_bound`,
  `failure_bound`);
- :mod:`.certificate`: the computer-assisted certificate for Theorem 1 (Section 1.3), a table
  lookup (its builders :mod:`._certificate_dp`, :mod:`._certificate_kernel` and the exact twin
  :mod:`._certificate_reference` run only when a table is made);
- :mod:`.calibration`: the Monte Carlo calibrated table; :mod:`.size`: ticket bits;
- :mod:`.latex`: the LaTeX table; :mod:`.cli_width`: `slt width` (`slt size` is
  ``empirical.cli_size``: it also sizes real models).

May import: :mod:`slt_theory.errors`, :mod:`slt_theory._validate`, :mod:`slt_theory._display`
(the command line's text), numpy, scipy, sympy (numba only in the certificate's table
builder). Nothing here draws random numbers or runs a solver.
"""

from .expressions import *  # noqa: F401,F403  (the expressions are this room's vocabulary)
from .expressions import __all__ as _expression_names
from .latex import latex_table
from .plan import window_samples
from .width import (
    WidthBound,
    counting_lower_bound_samples,
    failure_bound,
    required_samples,
    required_width,
    resolve_freeze_split,
    width_bound,
)

__all__ = [
    "WidthBound", "counting_lower_bound_samples", "failure_bound", "latex_table",
    "required_samples", "required_width", "resolve_freeze_split", "width_bound", "window_samples",
]
__all__ += _expression_names
