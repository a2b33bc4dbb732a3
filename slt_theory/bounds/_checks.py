"""Input checks of the numeric back ends of the bounds (theorem2, models, plan, calibration):
arrays of counts, probabilities, optional callables and flags. Each raises InvalidParameterError
(ResourceLimitError past a size limit) naming the parameter, the value and what is allowed; the
scalar checks are those of :mod:`slt_theory._validate`."""

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError, ResourceLimitError

#: Largest number of points a vectorised back end takes in one call: the Chernoff tail holds
#: len(ns) x 650 doubles (85 MB here), the generic cover term len(ns) x its window table.
MAX_POINTS = 2**14


def brief(value, limit=120):
    """``repr(value)`` cut to about ``limit`` characters (an array of a million values in an
    error message helps nobody)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = getattr(value, "size", None) or (len(value) if hasattr(value, "__len__") else "?")
    return f"{text[:limit - 20]}... ({type(value).__name__} of {size} values)"


def counts(name, value, minimum=0, maximum=2**53, max_size=MAX_POINTS, ndim=1):
    """An integer or an array of integers in [minimum, maximum] (floats with integer values are
    accepted), as a float ndarray: at least 1-D and at most ``ndim``-D (``None``: any), at most
    ``max_size`` values (ResourceLimitError beyond)."""
    if isinstance(value, (str, bytes)):
        raise InvalidParameterError(f"{name} must be an integer or an array of integers, got "
                                    f"{brief(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # a ragged list, an object numpy cannot hold
        raise InvalidParameterError(
            f"{name} must be an integer or an array of integers, got {brief(value)}") from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                 or np.issubdtype(arr.dtype, np.floating)):
        raise InvalidParameterError(
            f"{name} must be an integer or an array of integers, got {brief(value)}")
    if ndim is not None and arr.ndim > ndim:
        raise InvalidParameterError(f"{name} must have at most {ndim} dimension(s), got shape "
                                    f"{arr.shape}")
    if arr.size > max_size:
        raise ResourceLimitError(f"{name} holds {arr.size:,} values; at most {max_size:,} are "
                                 "taken in one call (split the request)")
    # integers beyond 2**53 compare inexactly as floats: check them as Python integers
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr))
                     or np.any(arr < minimum) or np.any(arr > maximum)):
        raise InvalidParameterError(
            f"{name} must hold integers in [{minimum}, {maximum:,}] only, got {brief(value)}")
    return np.atleast_1d(arr.astype(float))


def probability(name, value):
    """A real number in the closed interval [0, 1]."""
    value = _validate.finite(name, value)
    if not 0.0 <= value <= 1.0:
        raise InvalidParameterError(f"{name} must lie in [0, 1], got {value!r}")
    return value


def interval(name, value, lo, hi):
    """A real number in the closed interval [lo, hi]."""
    value = _validate.finite(name, value)
    if not lo <= value <= hi:
        raise InvalidParameterError(f"{name} must lie in [{lo}, {hi}], got {value!r}")
    return value


def window_failure(value):
    """None or a callable ``w(K, eps_over_a)`` (Theorem 1's window failure, or a certificate)."""
    if value is not None and not callable(value):
        raise InvalidParameterError(
            "window_failure must be None or a callable w(K, eps_over_a) (e.g. "
            f"certificate.window_failure_bound), got {value!r}")
    return value


def flag(name, value):
    """A boolean (Python or numpy); 0, 1, "no" and None are refused."""
    if not _validate._is_bool(value):
        raise InvalidParameterError(f"{name} must be True or False, got {value!r}")
    return bool(value)
