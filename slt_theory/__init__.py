"""slt_theory: proved width bounds for strong lottery tickets in partially frozen random networks,
and exact subset-sum solvers that check them.

Imports neither torch nor matplotlib.
"""

from .errors import InvalidParameterError

__version__ = "0.1.0"

__all__ = ["InvalidParameterError", "__version__"]
