"""Input checks shared by every public function: each raises InvalidParameterError naming the
parameter, the value received and what is allowed, and returns the value as a plain Python
object (numpy scalars become ``int`` / ``float`` / ``str``), so that what a function keeps,
hashes or writes as JSON never depends on whether the caller passed numpy or Python numbers.

Booleans are not numbers here: ``True`` is refused wherever an integer or a real number is
expected (``bool`` is a subclass of ``int`` in Python, numpy's ``bool_`` is not, and both are
refused), because a flag passed in the place of a count is always a mistake.
"""

import math
import numbers
import os

from .errors import InvalidParameterError


def _is_bool(value):
    # numpy's bool_ is neither a bool subclass nor a registered number; name it without importing
    # numpy, so that this module stays importable on its own
    return isinstance(value, bool) or (type(value).__name__ in ("bool_", "bool")
                                       and type(value).__module__ == "numpy")


def _real(name, value):
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a real number, got {value!r}")
    try:
        value = float(value)
    except (OverflowError, ValueError) as err:  # a Fraction or int too large for a float
        raise InvalidParameterError(f"{name} must be a finite real number, got {value!r}") from err
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
    """A finite real number > 0."""
    value = _real(name, value)
    if value <= 0.0:
        raise InvalidParameterError(f"{name} must be a finite real number > 0, got {value!r}")
    return value


def finite(name, value):
    """A finite real number."""
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


def integer(name, value, minimum=None, maximum=None):
    """An integer (a float with an integer value is accepted), ``minimum <= value <= maximum``
    where given. Returns a Python ``int``."""
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        if (not _is_bool(value) and isinstance(value, numbers.Real) and math.isfinite(value)
                and float(value).is_integer()):
            value = int(value)
        else:
            raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise InvalidParameterError(f"{name} must be an integer <= {maximum:,}, got {value!r}")
    return value


def _same_kind(value, option):
    """Whether ``value`` may stand for ``option``: strings only for strings, numbers (never
    booleans) for numbers, booleans only for booleans."""
    if isinstance(option, str):
        return isinstance(value, str)
    if isinstance(option, bool):
        return _is_bool(value)
    if isinstance(option, numbers.Number):
        return isinstance(value, numbers.Number) and not _is_bool(value)
    return True


def _listing(allowed):
    try:
        return sorted(allowed)
    except TypeError:
        return sorted(allowed, key=repr)


def choice(name, value, allowed):
    """One of ``allowed``; returns the allowed element itself (a plain ``str`` for a numpy
    string). Unhashable values (lists, dicts) and booleans standing for numbers are refused."""
    for option in allowed:
        try:
            match = _same_kind(value, option) and value == option
        except Exception:  # noqa: BLE001 - an exotic __eq__ can only mean "not this option"
            match = False
        if match is True:
            return option
    raise InvalidParameterError(f"{name} must be one of {_listing(allowed)!r}, got {value!r}")


def path(name, value):
    """A file-system path as a ``str``: a str or os.PathLike, not empty, without NUL bytes
    (which every operating-system call would refuse with a ValueError)."""
    try:
        value = os.fspath(value)
    except TypeError:
        raise InvalidParameterError(
            f"{name} must be a file path (a str or os.PathLike), got {value!r}") from None
    if not isinstance(value, str):
        raise InvalidParameterError(f"{name} must be a str path, got bytes {value!r}")
    if not value or "\0" in value:
        raise InvalidParameterError(
            f"{name} must be a non-empty path without NUL characters, got {value!r}")
    return value


def plain(name, value, _depth=0):
    """A JSON-ready copy of ``value``: numpy scalars become Python numbers, tuples become lists;
    floats must be finite and dict keys strings. What run keys and metadata files hold.

    Examples
    --------
    >>> import numpy as np
    >>> plain("grid", {"n": (np.int64(3), 4), "eps": [np.float64(0.5)]})
    {'n': [3, 4], 'eps': [0.5]}
    """
    if _depth > 32:
        raise InvalidParameterError(f"{name} is nested more than 32 levels deep")
    if value is None or isinstance(value, str) and type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    if _is_bool(value):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _real(name, value)
    if isinstance(value, (list, tuple)):
        return [plain(f"{name}[{i}]", v, _depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InvalidParameterError(f"{name} must have string keys, got key {k!r}")
            out[str(k)] = plain(f"{name}[{k!r}]", v, _depth + 1)
        return out
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":  # an ndarray
        return plain(name, value.tolist(), _depth)
    raise InvalidParameterError(
        f"{name} must be made of None, booleans, numbers, strings, lists and dicts (JSON), "
        f"got {type(value).__name__} {value!r}")
