"""The target of docs/theory.md, Section 4: a bias-free ReLU network with every layer of spectral
norm <= 1."""

import dataclasses
import itertools

import numpy as np

from ..errors import InvalidParameterError
from ._common import (
    MAX_TARGET_LAYER_WEIGHTS,
    MAX_TARGET_WEIGHTS,
    check_target_size,
    check_widths,
    generator,
    spectral_norm,
)

__all__ = ["MAX_TARGET_LAYER_WEIGHTS", "MAX_TARGET_WEIGHTS", "TargetNetwork"]


@dataclasses.dataclass(frozen=True, eq=False)
class TargetNetwork:
    """A bias-free ReLU network f(x) = W_l s(... s(W_1 x)) with every ||W_i||_2 <= 1.

    Build it with :meth:`random` or :meth:`from_weights`.

    Attributes
    ----------
    weights : tuple of ndarray
        W_1..W_l, W_i of shape (d_i, d_{i-1}).

    Examples
    --------
    >>> t = TargetNetwork.random((2, 3, 1), seed=0)
    >>> t.depth, t.widths
    (2, (2, 3, 1))
    >>> all(np.linalg.norm(w, 2) <= 1 + 1e-12 for w in t.weights)
    True
    >>> t.forward(np.zeros(2)).tolist()
    [0.0]
    """

    weights: tuple

    @property
    def depth(self):
        return len(self.weights)

    @property
    def widths(self):
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    @classmethod
    def random(cls, widths, seed=0):
        """Entries iid U[-1, 1], each layer divided by max(1, its spectral norm).

        Parameters
        ----------
        widths : sequence of ints >= 1
            d_0..d_l: at most ``MAX_DEPTH`` (1024) layers, at most ``MAX_TARGET_LAYER_WEIGHTS``
            (2^18) weights d_{i-1} d_i per layer and ``MAX_TARGET_WEIGHTS`` (2^20) in all: each
            layer's spectral norm is an SVD, O(d_{i-1} d_i min(d_{i-1}, d_i)) time. Larger
            shapes raise InvalidParameterError before anything is drawn (build such targets
            with :meth:`from_weights`).
        seed : int >= 0
        """
        widths = check_widths(widths)
        check_target_size(widths)
        gen = generator(seed, 0)
        weights = []
        for d_in, d_out in itertools.pairwise(widths):
            w = 2.0 * gen.random((d_out, d_in)) - 1.0
            weights.append(w / max(1.0, spectral_norm(w)))
        return cls(tuple(weights))

    @classmethod
    def from_weights(cls, weights, *, rescale=False):
        """A target from given matrices W_1..W_l (shapes (d_i, d_{i-1}), chained).

        Parameters
        ----------
        weights : sequence of 2-D array_like
        rescale : bool
            Divide a layer whose spectral norm exceeds 1 by that norm; when False (default) such
            a layer raises InvalidParameterError.
        """
        if isinstance(weights, np.ndarray) or not hasattr(weights, "__len__") or not weights:
            raise InvalidParameterError(
                f"weights must be a non-empty sequence of 2-D arrays, got {type(weights).__name__}")
        out = []
        for i, w in enumerate(weights):
            try:
                w = np.array(w, dtype=np.float64)
            except (TypeError, ValueError) as err:
                raise InvalidParameterError(f"weights[{i}] must be a real matrix") from err
            if w.ndim != 2 or 0 in w.shape:
                raise InvalidParameterError(
                    f"weights[{i}] must be a non-empty 2-D array, got shape {w.shape}")
            if not np.all(np.isfinite(w)):
                raise InvalidParameterError(f"weights[{i}] must be finite")
            if out and w.shape[1] != out[-1].shape[0]:
                raise InvalidParameterError(
                    f"weights[{i}] has {w.shape[1]} columns but weights[{i - 1}] has "
                    f"{out[-1].shape[0]} rows: layer i must take d_{{i-1}} inputs")
            norm = spectral_norm(w)
            if norm > 1.0 + 1e-12:
                if not rescale:
                    raise InvalidParameterError(
                        f"weights[{i}] has spectral norm {norm:.6g} > 1; the theory needs <= 1 "
                        "(pass rescale=True to divide it by its norm)")
                w = w / norm
            out.append(w)
        return cls(tuple(out))

    def forward(self, x):
        """f(x) for x of shape (d_0,) or (m, d_0); returns (d_l,) or (m, d_l)."""
        x = np.asarray(x, dtype=np.float64)
        h = x.T
        for i, w in enumerate(self.weights):
            h = w @ h
            if i < self.depth - 1:
                h = np.maximum(h, 0.0)
        return h.T
