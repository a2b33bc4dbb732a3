"""Checks and random streams shared by the target and the source."""

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError


def check_widths(widths):
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or len(widths) < 2:
        raise InvalidParameterError(
            f"widths must be a sequence of at least two layer widths d_0..d_l, got {widths!r}")
    return tuple(_validate.integer(f"widths[{i}]", w, minimum=1) for i, w in enumerate(widths))


def spectral_norm(w):
    return float(np.linalg.norm(w, 2)) if w.size else 0.0


def generator(seed, *key):
    seed = _validate.integer("seed", seed, minimum=0)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
