"""Input checks shared by every public function: each raises InvalidParameterError naming the
parameter, the value received and the allowed range."""

import math
import numbers

from .errors import InvalidParameterError


def _real(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise InvalidParameterError(f"{name} must be finite, got {value!r}")
    return value


def open_unit(name, value):
    """A real number strictly between 0 and 1 (eps, delta)."""
    value = _real(name, value)
    if not 0.0 < value < 1.0:
        raise InvalidParameterError(f"{name} must lie in the open interval (0, 1), got {value!r}")
    return value


def positive(name, value):
    value = _real(name, value)
    if value <= 0.0:
        raise InvalidParameterError(f"{name} must be > 0, got {value!r}")
    return value


def finite(name, value):
    return _real(name, value)


def ratio(name, value):
    """A probability in [0, 1)."""
    value = _real(name, value)
    if not 0.0 <= value < 1.0:
        raise InvalidParameterError(f"{name} must lie in [0, 1), got {value!r}")
    return value


def freeze_split(prune_ratio, lock_ratio):
    """Check prune_ratio, lock_ratio >= 0 with prune_ratio + lock_ratio < 1."""
    prune_ratio = ratio("prune_ratio", prune_ratio)
    lock_ratio = ratio("lock_ratio", lock_ratio)
    if prune_ratio + lock_ratio >= 1.0:
        raise InvalidParameterError(
            "prune_ratio + lock_ratio (the freeze_ratio) must be < 1 so that some weights stay "
            f"free, got {prune_ratio!r} + {lock_ratio!r}"
        )
    return prune_ratio, lock_ratio


def integer(name, value, minimum=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def choice(name, value, allowed):
    if value not in allowed:
        raise InvalidParameterError(f"{name} must be one of {sorted(allowed)!r}, got {value!r}")
    return value
