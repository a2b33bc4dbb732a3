"""Checks and random streams shared by the target and the source, and the documented size limits
of drawn targets and sources (refused before anything is allocated)."""

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError

#: At most this many layers (d_0..d_l has at most MAX_DEPTH + 1 entries).
MAX_DEPTH = 1024
#: ``TargetNetwork.random``: at most this many weights in one layer (512 x 512, or 784 x 334).
#: Each layer is divided by its spectral norm, an SVD costing O(d_{i-1} d_i min(d_{i-1}, d_i))
#: time: a fraction of a second at 512 x 512 on one core, over a minute at 10^4 x 10^4. A
#: source for the construction of such a target (n_i >= 1 neurons per block) is already close
#: to MAX_SOURCE_WEIGHTS.
MAX_TARGET_LAYER_WEIGHTS = 2**18
#: ``TargetNetwork.random``: at most this many weights in all layers together.
MAX_TARGET_WEIGHTS = 2**20
#: ``FrozenSource.random``: at most this many weights in all source layers together
#: (sum_i d_{i-1} n_i (d_{i-1} + d_i)); drawing takes about 17 bytes per weight at its peak,
#: about 0.6 GB here.
MAX_SOURCE_WEIGHTS = 2**25


def check_widths(widths):
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or len(widths) < 2:
        raise InvalidParameterError(
            f"widths must be a sequence of at least two layer widths d_0..d_l, got {widths!r}")
    if len(widths) > MAX_DEPTH + 1:
        raise InvalidParameterError(
            f"widths must hold at most {MAX_DEPTH + 1} layer widths (depth <= {MAX_DEPTH}), got "
            f"{len(widths)}")
    return tuple(_validate.integer(f"widths[{i}]", w, minimum=1) for i, w in enumerate(widths))


def check_target_size(widths):
    """Refuse a target shape past the documented limits before anything is drawn."""
    for i in range(len(widths) - 1):
        if widths[i] * widths[i + 1] > MAX_TARGET_LAYER_WEIGHTS:
            raise InvalidParameterError(
                f"widths: layer {i + 1} would have {widths[i]} x {widths[i + 1]} = "
                f"{widths[i] * widths[i + 1]} weights; TargetNetwork.random allows at most "
                f"{MAX_TARGET_LAYER_WEIGHTS} per layer (each layer's spectral norm is an SVD); "
                "build larger targets with TargetNetwork.from_weights")
    total = sum(widths[i] * widths[i + 1] for i in range(len(widths) - 1))
    if total > MAX_TARGET_WEIGHTS:
        raise InvalidParameterError(
            f"widths {widths} give {total} target weights; TargetNetwork.random allows at most "
            f"{MAX_TARGET_WEIGHTS}")


def check_source_size(widths, block_sizes):
    """Refuse a source shape past MAX_SOURCE_WEIGHTS before anything is drawn."""
    total = sum(widths[i] * n * (widths[i] + widths[i + 1]) for i, n in enumerate(block_sizes))
    if total > MAX_SOURCE_WEIGHTS:
        raise InvalidParameterError(
            f"widths {widths} with block_sizes {block_sizes} give a source of {total} weights "
            f"(sum of d_{{i-1}} n_i (d_{{i-1}} + d_i)); FrozenSource.random allows at most "
            f"{MAX_SOURCE_WEIGHTS}")


def spectral_norm(w):
    return float(np.linalg.norm(w, 2)) if w.size else 0.0


def generator(seed, *key):
    seed = _validate.integer("seed", seed, minimum=0)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
