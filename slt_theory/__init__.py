"""slt_theory: proved width bounds for strong lottery tickets in partially frozen random networks,
and exact subset-sum solvers that check them.

>>> import slt_theory
>>> slt_theory.required_samples(0.01, 0.01)
120
>>> slt_theory.required_width(0.01, 0.5) >= slt_theory.width_bound(0.01, 0.5).lower_bound
True

Imports neither torch nor matplotlib.
"""

from .bounds import (
    WidthBound, counting_lower_bound_samples, required_samples, required_width, width_bound,
)
from .errors import InvalidParameterError

__version__ = "0.1.0"

__all__ = [
    "InvalidParameterError",
    "WidthBound",
    "counting_lower_bound_samples",
    "required_samples",
    "required_width",
    "width_bound",
    "__version__",
]
