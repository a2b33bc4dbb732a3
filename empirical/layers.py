"""Edge-Popup layers over a partially frozen random source.

A supermask layer holds fixed random weights (a buffer), an ``int8`` freeze state per weight
(:class:`~empirical.freezing.FreezeState`) and trainable scores. Its effective weight is
``weight * mask``, where the mask is 0 on PRUNED entries, 1 on LOCKED entries and, on FREE entries,
``|score| >= threshold``. The backward pass is straight-through: the gradient of the mask is
handed to ``|score|`` unchanged (Ramanujan et al. 2020).

By default (``compact_scores=True``) scores exist only for FREE positions, as one flat parameter,
so frozen entries carry neither score memory nor optimizer state.

Thresholds are recomputed by :func:`update_thresholds`, either per layer or with one global
threshold over all layers in which PRUNED entries count as removed and LOCKED ones as kept, so the
requested *sparsity* (fraction of weights removed) is the whole network's. Call it after every
optimizer step; :func:`attach_threshold_hook` does so through an optimizer post-step hook.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from slt_theory.errors import InvalidParameterError

from ._checks import count
from .freezing import FreezeState, freeze_counts, freeze_pattern, oracle_counts
from .hparams import METHODS, THRESHOLDS, SupermaskConfig  # noqa: F401 - re-exported
from .init import PURPOSE_FREEZE, draw_scores, draw_weights, layer_rng

__all__ = [
    "SupermaskConfig",
    "SupermaskLinear",
    "SupermaskConv2d",
    "supermask_layers",
    "initialize",
    "update_thresholds",
    "attach_threshold_hook",
    "realised_sparsity",
]

# Positions of FREE entries are int32 (see _Supermask._index_free), so no layer may be larger.
MAX_LAYER_WEIGHTS = 2**31 - 1


class _STEMask(torch.autograd.Function):
    """Forward: ``|s| >= t`` as 0/1. Backward: the incoming gradient, unchanged (straight-through)."""

    @staticmethod
    def forward(ctx, abs_scores, threshold):
        return (abs_scores >= threshold).to(abs_scores.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class _Supermask(nn.Module):
    """Shared state and masking of the supermask layers."""

    def _setup(self, shape):
        self.weight_shape = tuple(int(d) for d in shape)
        n = math.prod(self.weight_shape)
        if n > MAX_LAYER_WEIGHTS:
            raise InvalidParameterError(
                f"a layer of shape {self.weight_shape} has {n} weights; at most "
                f"{MAX_LAYER_WEIGHTS} are supported (lower the width)")
        self.register_buffer("weight", torch.zeros(self.weight_shape))
        self.register_buffer("freeze_state", torch.zeros(self.weight_shape, dtype=torch.int8))
        self.register_buffer("threshold", torch.tensor(0.0))
        self.n_free = n  # count of FREE entries, cached from freeze_state
        # int32 positions of FREE entries (empty for a dense source): derived, not saved.
        self.register_buffer("free_index", torch.zeros(0, dtype=torch.int32), persistent=False)
        self.scores = nn.Parameter(torch.zeros(n))
        self.compact_scores = True
        self.train_weights = False
        self.dynamic_scaling = False

    @property
    def numel(self) -> int:
        return math.prod(self.weight_shape)

    def set_source(self, weight: np.ndarray, state: np.ndarray, scores: np.ndarray | None,
                   compact: bool, train_weights: bool):
        """Install a drawn source: weights, freeze state and initial scores."""
        device = self.freeze_state.device
        state_t = torch.as_tensor(np.ascontiguousarray(state), dtype=torch.int8, device=device)
        weight_t = torch.as_tensor(np.ascontiguousarray(weight), device=device)
        self.freeze_state = state_t
        self._index_free()
        self.compact_scores = bool(compact)
        self.train_weights = bool(train_weights)
        if train_weights:
            # Weight-trained baseline: the weight is the parameter and there are no scores.
            del self.weight
            self.weight = nn.Parameter(weight_t)
            self.scores = nn.Parameter(torch.zeros(0, device=device), requires_grad=False)
            return
        if isinstance(self.weight, nn.Parameter):
            del self.weight
            self.register_buffer("weight", weight_t)
        else:
            self.weight = weight_t
        flat = scores.reshape(-1)
        if compact:
            flat = flat[state.reshape(-1) == FreezeState.FREE]
        self.scores = nn.Parameter(torch.as_tensor(np.ascontiguousarray(flat), device=device))

    def free_abs_scores(self) -> torch.Tensor:
        """|score| of FREE entries, in flattened order."""
        s = self.scores.detach().abs()
        if self.compact_scores:
            return s
        return s if self.n_free == self.numel else s.flatten()[self.free_index]

    def free_kept(self) -> torch.Tensor:
        """Boolean: which FREE entries the current mask keeps (flattened order)."""
        return self.free_abs_scores() >= self.threshold

    def mask(self) -> torch.Tensor:
        state = self.freeze_state
        if self.train_weights:
            return (state != FreezeState.PRUNED).to(self.weight.dtype)
        keep = _STEMask.apply(self.scores.abs(), self.threshold)
        if self.compact_scores:
            if self.n_free == self.numel:  # dense source: nothing to scatter
                return keep.view(self.weight_shape)
            # index_put with an int32 index: 4 bytes per FREE weight, and 2-3x faster forward and
            # backward than masked_scatter with a boolean mask (measured on CPU).
            base = (state == FreezeState.LOCKED).to(keep.dtype).flatten()
            return base.index_put((self.free_index,), keep).view(self.weight_shape)
        free = (state == FreezeState.FREE).to(keep.dtype)
        locked = (state == FreezeState.LOCKED).to(keep.dtype)
        return locked + free * keep.view(self.weight_shape)

    def effective_weight(self) -> torch.Tensor:
        mask = self.mask()
        weight = self.weight * mask
        if self.dynamic_scaling:
            # 1 / sqrt(realised density), a constant for the gradient as in the reference code;
            # an empty mask has nothing to scale.
            with torch.no_grad():
                density = mask.detach().float().mean()
                scale = torch.where(density > 0, density.clamp(min=1e-30).rsqrt(),
                                    torch.ones_like(density))
            weight = weight * scale.to(weight.dtype)
        return weight

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
        self._index_free()

    def _index_free(self):
        free = self.freeze_state.flatten() == FreezeState.FREE
        self.n_free = int(free.sum())
        self.free_index = (torch.zeros(0, dtype=torch.int32, device=free.device)
                           if self.n_free == self.numel
                           else torch.nonzero(free).flatten().to(torch.int32))


class SupermaskLinear(_Supermask):
    """A linear layer ``y = x (weight * mask)^T`` without bias.

    Examples
    --------
    >>> layer = SupermaskLinear(4, 3)
    >>> layer(torch.ones(2, 4)).shape
    torch.Size([2, 3])
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.in_features = count("in_features", in_features, 1)
        self.out_features = count("out_features", out_features, 1)
        self._setup((self.out_features, self.in_features))

    def forward(self, x):
        return F.linear(x, self.effective_weight())

    def to_plain(self) -> nn.Linear:
        out = nn.Linear(self.in_features, self.out_features, bias=False)
        out.weight.data.copy_(self.effective_weight().detach())
        return out


class SupermaskConv2d(_Supermask):
    """A 2-D convolution with weight ``weight * mask``, without bias."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 padding: int = 0):
        super().__init__()
        self.in_channels = count("in_channels", in_channels, 1)
        self.out_channels = count("out_channels", out_channels, 1)
        self.kernel_size = count("kernel_size", kernel_size, 1)
        self.stride, self.padding = count("stride", stride, 1), count("padding", padding, 0)
        self._setup((self.out_channels, self.in_channels, self.kernel_size, self.kernel_size))

    def forward(self, x):
        return F.conv2d(x, self.effective_weight(), None, self.stride, self.padding)

    def to_plain(self) -> nn.Conv2d:
        out = nn.Conv2d(self.in_channels, self.out_channels, self.kernel_size, self.stride,
                        self.padding, bias=False)
        out.weight.data.copy_(self.effective_weight().detach())
        return out


def supermask_layers(model: nn.Module) -> list[tuple[str, _Supermask]]:
    """The supermask layers of ``model`` in registration order (the order seeds are spawned in)."""
    if not isinstance(model, nn.Module):
        raise InvalidParameterError(f"model must be a torch.nn.Module, got {model!r}")
    return [(name, m) for name, m in model.named_modules() if isinstance(m, _Supermask)]


def initialize(model: nn.Module, config: SupermaskConfig) -> nn.Module:
    """Draw the source of ``model`` from ``config`` and set the thresholds; returns ``model``.

    Layer ``i`` (in :func:`supermask_layers` order) uses the streams ``(config.seed, i, purpose)``.
    Raises InvalidParameterError when a layer-wise threshold could not reach the sparsity because
    a layer has more PRUNED entries than the ticket removes or more LOCKED ones than it keeps.

    Examples
    --------
    >>> model = initialize(nn.Sequential(SupermaskLinear(20, 10), nn.ReLU(), SupermaskLinear(10, 2)),
    ...                    SupermaskConfig(sparsity=0.8, prune_ratio=0.5, lock_ratio=0.1))
    >>> realised_sparsity(model)[0]  # one global threshold: the network's sparsity is exact
    0.8
    >>> [layer.scores.numel() for _, layer in supermask_layers(model)]  # scores of FREE only
    [68, 20]

    (ERK, the default allocation, freezes nothing in the small last layer here.)
    """
    if not isinstance(config, SupermaskConfig):
        raise InvalidParameterError(f"config must be a SupermaskConfig, got {config!r}")
    if not isinstance(model, nn.Module):
        raise InvalidParameterError(f"model must be a torch.nn.Module, got {model!r}")
    layers = supermask_layers(model)
    if not layers:
        raise InvalidParameterError("model has no supermask layers")
    shapes = [m.weight_shape for _, m in layers]
    if config.oracle_density:
        if len(config.oracle_density) != len(layers):
            raise InvalidParameterError(
                f"oracle_density has {len(config.oracle_density)} layer densities but the model "
                f"has {len(layers)} supermask layers: the found ticket must come from the same "
                "architecture")
        counts = oracle_counts(shapes, config.oracle_density, config.freeze_ratio,
                               config.allocation)
    else:
        counts = freeze_counts(shapes, config.prune_ratio, config.lock_ratio, config.allocation,
                               config.lock_method)
    if config.method == "edge_popup" and config.threshold == "global":
        total = sum(m.numel for _, m in layers)
        removed = round(config.sparsity * total)
        n_pruned = sum(c[0] for c in counts)
        n_locked = sum(c[1] for c in counts)
        # Per-layer rounding may overshoot by up to one weight per layer: tolerated (the search
        # then keeps every FREE weight or none, as at prune_ratio == sparsity).
        slack = len(layers)
        if n_pruned > removed + slack or n_locked > total - removed + slack:
            raise InvalidParameterError(
                f"{n_pruned} pruned and {n_locked} locked of {total} weights cannot give a "
                f"sparsity of {config.sparsity!r}: lower the freeze ratio or raise the sparsity")
    density = 1.0 - float(config.sparsity) if config.method == "edge_popup" else 1.0
    for i, ((name, layer), (n_pruned, n_locked)) in enumerate(zip(layers, counts)):
        if config.method == "edge_popup" and config.threshold == "layer":
            removed = round(config.sparsity * layer.numel)
            if n_pruned > removed or n_locked > layer.numel - removed:
                raise InvalidParameterError(
                    f"layer {name!r}: {n_pruned} pruned and {n_locked} locked of {layer.numel} "
                    f"weights cannot give a layer-wise sparsity of {config.sparsity!r}; use "
                    "threshold='global' or a uniform allocation")
        state = freeze_pattern(layer.weight_shape, n_pruned, n_locked,
                               layer_rng(config.seed, i, PURPOSE_FREEZE))
        weight = draw_weights(config.seed, i, layer.weight_shape, config.init, density)
        scores = None if config.method == "weights" else draw_scores(
            config.seed, i, layer.weight_shape, config.init)
        layer.set_source(weight, state, scores, config.compact_scores, config.method == "weights")
        layer.dynamic_scaling = config.dynamic_scaling
    model.supermask_config = config
    update_thresholds(model)
    return model


def _kth_largest(values: torch.Tensor, k: int) -> torch.Tensor:
    """Threshold keeping exactly the ``k`` largest values (without ties) via ``>=``."""
    n = values.numel()
    if k <= 0:
        return torch.tensor(math.inf, device=values.device)
    if k >= n:
        return torch.tensor(-math.inf, device=values.device)
    if values.device.type == "cpu":
        # introselect in NumPy is ~20x faster than torch.kthvalue on CPU (same exact value)
        v = np.partition(values.float().numpy(), n - k)[n - k]
        return torch.tensor(float(v))
    return torch.kthvalue(values.float(), n - k + 1).values


@torch.no_grad()
def update_thresholds(model: nn.Module) -> None:
    """Recompute every layer's threshold from its current scores."""
    config = getattr(model, "supermask_config", None)
    if not isinstance(config, SupermaskConfig):
        raise InvalidParameterError(
            "model has no supermask_config: draw its source with empirical.initialize first")
    if config.method == "weights":
        return
    layers = [m for _, m in supermask_layers(model)]
    if config.threshold == "layer":
        for m in layers:
            n_locked = int((m.freeze_state == FreezeState.LOCKED).sum())
            kept = m.numel - round(config.sparsity * m.numel)
            m.threshold.fill_(_kth_largest(m.free_abs_scores(), kept - n_locked).item())
        return
    total = sum(m.numel for m in layers)
    n_locked = sum(int((m.freeze_state == FreezeState.LOCKED).sum()) for m in layers)
    k_free = total - round(config.sparsity * total) - n_locked
    t = _kth_largest(torch.cat([m.free_abs_scores() for m in layers]), k_free)
    for m in layers:
        m.threshold.fill_(t.item())


def attach_threshold_hook(optimizer: torch.optim.Optimizer, model: nn.Module):
    """Recompute thresholds after every ``optimizer.step()``; returns the removable handle."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise InvalidParameterError(f"optimizer must be a torch.optim.Optimizer, got {optimizer!r}")
    if not isinstance(getattr(model, "supermask_config", None), SupermaskConfig):
        raise InvalidParameterError(
            "model has no supermask_config: draw its source with empirical.initialize first")
    return optimizer.register_step_post_hook(lambda *_: update_thresholds(model))


@torch.no_grad()
def realised_sparsity(model: nn.Module) -> tuple[float, list[float]]:
    """Fraction of weights removed by the current masks: network-wide and per layer."""
    per_layer, removed, total = [], 0, 0
    if not supermask_layers(model):
        raise InvalidParameterError("model has no supermask layers")
    for _, m in supermask_layers(model):
        r = int((m.mask() == 0).sum())
        per_layer.append(r / m.numel)
        removed += r
        total += m.numel
    return removed / total, per_layer
