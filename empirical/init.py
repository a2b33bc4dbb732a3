"""Seed-regenerated weights, scores and freeze patterns.

Everything random about a source network is a pure function of ``(seed, layer index, layer shape,
init spec)``, drawn with NumPy's PCG64 generator and never with torch's RNG, so a ticket file can
store seeds instead of weights and a loader on another device or torch version regenerates the
same bits. Each (layer, purpose) pair gets its own stream through ``SeedSequence.spawn_key``,
so adding a layer does not shift the draws of the others.

Only ``Generator.random`` (doubles in [0, 1)) is used; normals are made from it by Box-Muller in
float64 and rounded to float32, because NumPy does not promise its other samplers are stable
across versions.

This module needs only NumPy.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from slt_theory._validate import choice
from slt_theory.errors import InvalidParameterError

from ._checks import count, dims, flag, in_range, text

__all__ = ["InitSpec", "WEIGHT_INITS", "SCORE_INITS", "layer_rng", "draw_weights", "draw_scores",
           "fan_in"]

WEIGHT_INITS = ("uniform", "kaiming_uniform", "kaiming_normal", "signed_kaiming_constant")
SCORE_INITS = ("kaiming_normal", "kaiming_uniform", "uniform")

# Purposes of the per-layer streams; part of the ticket format, never renumber.
PURPOSE_WEIGHTS, PURPOSE_FREEZE, PURPOSE_SCORES = 0, 1, 2


@dataclasses.dataclass(frozen=True)
class InitSpec:
    """How weights and scores are drawn.

    Parameters
    ----------
    weight_init : str
        ``"uniform"`` is U[-1, 1], the theory's source distribution. ``"kaiming_uniform"`` is
        U[-b, b] with b = sqrt(6 / fan_in); ``"kaiming_normal"`` is N(0, 2 / fan_in);
        ``"signed_kaiming_constant"`` is +-sqrt(2 / fan_in) with a fair random sign.
    score_init : str
        Distribution of the Edge-Popup scores (same formulas; "uniform" is U[-1, 1]).
    scale_by_density : bool
        Multiply weights by 1 / sqrt(density), density = 1 - sparsity of the network, so that the
        kept subnetwork has the variance a dense Kaiming init would have. Off by default.
    """

    weight_init: str = "kaiming_uniform"
    score_init: str = "kaiming_normal"
    scale_by_density: bool = False

    def __post_init__(self):
        choice("weight_init", text("weight_init", self.weight_init), set(WEIGHT_INITS))
        choice("score_init", text("score_init", self.score_init), set(SCORE_INITS))
        object.__setattr__(self, "scale_by_density",
                           flag("scale_by_density", self.scale_by_density))


def layer_rng(seed: int, layer: int, purpose: int) -> np.random.Generator:
    """The generator for one (layer, purpose) stream of a network seeded with ``seed``."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidParameterError(f"seed must be a non-negative integer, got {seed!r}")
    layer, purpose = count("layer", layer), count("purpose", purpose)
    return np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(int(seed), spawn_key=(layer, purpose))))


#: Most entries one layer may draw (2^31 - 1, models.MAX_WEIGHTS): a larger shape is a typo,
#: and (2^40, 2^40) was a MemoryError inside the draw (issue-12 fuzz).
MAX_LAYER_VALUES = 2**31 - 1


def _shape(shape) -> tuple:
    shape = dims("shape", shape)
    if math.prod(shape) > MAX_LAYER_VALUES:
        raise InvalidParameterError(
            f"shape {shape} has more than {MAX_LAYER_VALUES} entries (one layer's most)")
    return shape


def fan_in(shape) -> int:
    """Inputs feeding one output unit: ``in_features`` or ``in_channels * kh * kw``.

    ``shape`` is a weight shape (a non-empty tuple of positive integers); anything else is an
    InvalidParameterError (None and "ab" were a TypeError, () gave 1, issue-12 fuzz).
    """
    return int(math.prod(dims("shape", shape)[1:]))


def _normal(rng: np.random.Generator, n: int) -> np.ndarray:
    u = rng.random((2, n))
    # 1 - u lies in (0, 1], so the log is finite.
    return np.sqrt(-2.0 * np.log1p(-u[0])) * np.cos(2.0 * np.pi * u[1])


def _draw(kind: str, shape, rng: np.random.Generator) -> np.ndarray:
    n = math.prod(shape)
    gain = math.sqrt(2.0)  # ReLU
    std = gain / math.sqrt(fan_in(shape))
    if kind == "uniform":
        x = 2.0 * rng.random(n) - 1.0
    elif kind == "kaiming_uniform":
        x = math.sqrt(3.0) * std * (2.0 * rng.random(n) - 1.0)
    elif kind == "kaiming_normal":
        x = std * _normal(rng, n)
    elif kind == "signed_kaiming_constant":
        x = np.where(rng.random(n) < 0.5, -std, std)
    else:  # unreachable: InitSpec validates
        raise AssertionError(kind)
    return x.reshape(shape)


def draw_weights(seed: int, layer: int, shape, spec: InitSpec, density: float = 1.0) -> np.ndarray:
    """Source weights of one layer as float32.

    Examples
    --------
    >>> w = draw_weights(0, 0, (3, 4), InitSpec("uniform"))
    >>> w.dtype, w.shape, bool(np.all(np.abs(w) <= 1))
    (dtype('float32'), (3, 4), True)
    >>> bool(np.array_equal(w, draw_weights(0, 0, (3, 4), InitSpec("uniform"))))
    True
    """
    if not isinstance(spec, InitSpec):
        raise InvalidParameterError(f"spec must be an InitSpec, got {spec!r}")
    shape = _shape(shape)
    density = in_range("density", density, 0.0, 1.0, low_open=True)
    x = _draw(spec.weight_init, shape, layer_rng(seed, layer, PURPOSE_WEIGHTS))
    if spec.scale_by_density:
        x = x / math.sqrt(density)
    return x.astype(np.float32)


def draw_scores(seed: int, layer: int, shape, spec: InitSpec) -> np.ndarray:
    """Initial Edge-Popup scores of one layer (full shape) as float32."""
    if not isinstance(spec, InitSpec):
        raise InvalidParameterError(f"spec must be an InitSpec, got {spec!r}")
    shape = _shape(shape)
    return _draw(spec.score_init, shape, layer_rng(seed, layer, PURPOSE_SCORES)).astype(np.float32)
