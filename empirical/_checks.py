"""Input checks the `empirical` side needs beyond :mod:`slt_theory._validate`.

Each raises :class:`~slt_theory.errors.InvalidParameterError` naming the parameter, the value it
got and what is allowed, and returns the value in its canonical type. Plain Python only (no torch),
so dataclasses and the command line can call them before anything is allocated or written.
"""

from __future__ import annotations

import math
import numbers
import os

from slt_theory._validate import finite, integer
from slt_theory.errors import InvalidParameterError

__all__ = ["flag", "text", "optional_path", "int_tuple", "in_range", "nonnegative", "count",
           "dims"]


def flag(name, value) -> bool:
    """A real bool (or NumPy bool): ``"no"``, ``0`` and ``None`` are refused, not read as truth
    values, because a config file that says ``compact_scores = "no"`` means something."""
    if isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_" and type(value).__module__ == "numpy":
        return bool(value)
    raise InvalidParameterError(f"{name} must be a bool (true or false), got {value!r}")


def text(name, value) -> str:
    if not isinstance(value, str):
        raise InvalidParameterError(f"{name} must be a string, got {value!r}")
    return value


def optional_path(name, value):
    """``None`` or a path (str or os.PathLike), returned as str."""
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        out = os.fspath(value)
        if isinstance(out, str) and out and "\0" not in out:  # NUL: every OS call refuses it
            return out
    raise InvalidParameterError(
        f"{name} must be a path (a non-empty string without NUL) or None, got {value!r}")


def count(name, value, minimum=0):
    """An integer >= ``minimum``; bools and non-integral floats are refused. Converted to a Python
    int first, so a NumPy ``uint64`` cannot wrap around in later arithmetic."""
    if isinstance(value, bool):
        raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    return integer(name, value, minimum)


def int_tuple(name, value, minimum=1) -> tuple:
    """A non-empty list or tuple of integers >= ``minimum`` (a string is not a sequence here)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or not value:
        raise InvalidParameterError(
            f"{name} must be a non-empty list of integers >= {minimum}, got {value!r}")
    return tuple(count(f"{name}[{i}]", v, minimum) for i, v in enumerate(value))


def in_range(name, value, low, high, *, low_open=False, high_open=False) -> float:
    """A finite real in the interval from ``low`` to ``high`` (ends closed unless told)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a real number, got {value!r}")
    v = finite(name, value)
    ok_low = v > low if low_open else v >= low
    ok_high = v < high if high_open else v <= high
    if not (ok_low and ok_high):
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise InvalidParameterError(f"{name} must lie in {interval}, got {value!r}")
    return v


def nonnegative(name, value) -> float:
    """A finite real >= 0 (NaN and inf refused)."""
    return in_range(name, value, 0.0, math.inf, high_open=True)


def dims(name, shape) -> tuple:
    """A weight shape: a non-empty tuple of positive integers."""
    return int_tuple(name, shape, 1)
