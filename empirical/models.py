"""Source architectures built from supermask layers, each with a width factor.

Every weight layer is a :class:`~empirical.layers.SupermaskLinear` or
:class:`~empirical.layers.SupermaskConv2d` without bias; batch norm is non-affine unless
``affine_bn=True``. :func:`build_model` records the architecture name and arguments on the model
(``model.arch``) so that a ticket file can rebuild it.

Widths are ``max(1, round(width * channels))``. :func:`build_model` checks every argument and
counts the weights on PyTorch's ``meta`` device before it allocates anything, so an absurd width
is a named error, not a MemoryError.
"""

from __future__ import annotations

import inspect

import torch
from torch import nn

from slt_theory._validate import choice, positive
from slt_theory.errors import InvalidParameterError

from ._checks import count, flag, int_tuple, text
from .layers import SupermaskConv2d, SupermaskLinear

__all__ = ["MLP", "Conv6", "ResNet18", "ResNet50", "GIN", "MODELS", "build_model", "count_weights",
           "mean_adjacency", "MAX_WEIGHTS"]

# The most source weights build_model accepts: weights, scores and freeze states then take about
# 9 bytes each (19 GB at the limit), so anything larger is a typo in the width, not a plan.
MAX_WEIGHTS = 2**31 - 1
MAX_CHANNELS = 2**20
#: Most GIN layers (each holds hidden x hidden weights; the reference has 4).
MAX_LAYERS = 1024


def _w(width: float, channels: int) -> int:
    width = positive("width", width)
    c = width * channels
    if not c <= MAX_CHANNELS:
        raise InvalidParameterError(
            f"width {width!r} gives {c:.3g} channels in a layer of {channels}; at most "
            f"{MAX_CHANNELS} are supported")
    return max(1, int(round(c)))


def _refuse_oversized(cls, **kwargs):
    """Build ``cls(**kwargs)`` on the meta device (shapes only, no memory) and refuse it when it
    has more than :data:`MAX_WEIGHTS` weights, before the real build allocates them: a direct
    constructor call with a large width was the allocator's RuntimeError (issue-12 fuzz). Inside
    that probe the default device is meta and this does nothing, which ends the recursion."""
    if torch.get_default_device().type == "meta":
        return
    with torch.device("meta"):
        n = count_weights(cls(**kwargs))
    if n > MAX_WEIGHTS:
        raise InvalidParameterError(
            f"{cls.__name__} with {kwargs} has {n} weights; at most {MAX_WEIGHTS} are supported "
            "(lower the width)")


def _bn(kind, channels, affine):
    return kind(channels, affine=affine)


class MLP(nn.Module):
    """Fully connected ReLU network ``in -> hidden... -> out`` (optionally with batch norm)."""

    def __init__(self, in_features: int = 64, hidden: tuple = (128, 128), out_features: int = 10,
                 width: float = 1.0, batch_norm: bool = False, affine_bn: bool = False):
        super().__init__()
        _refuse_oversized(MLP, in_features=in_features, hidden=hidden, out_features=out_features,
                          width=width, batch_norm=batch_norm, affine_bn=affine_bn)
        sizes = [count("in_features", in_features, 1)]
        sizes += [_w(width, h) for h in int_tuple("hidden", hidden, 1)]
        sizes += [count("out_features", out_features, 1)]
        batch_norm, affine_bn = flag("batch_norm", batch_norm), flag("affine_bn", affine_bn)
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(SupermaskLinear(a, b))
            if i < len(sizes) - 2:
                if batch_norm:
                    layers.append(nn.BatchNorm1d(b, affine=affine_bn))
                layers.append(nn.ReLU())
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x.flatten(1))


class Conv6(nn.Module):
    """Conv6 of Frankle & Carbin / Ramanujan et al.: conv 64, 64, 128, 128, 256, 256 (3x3, a 2x2
    max-pool after each pair), then fully connected 256, 256, 10, on 32x32 inputs.

    The fully connected layers are true linear layers (not 1x1 convolutions); at width 1 it has
    2,261,184 weights and no biases.
    """

    def __init__(self, width: float = 1.0, num_classes: int = 10, in_channels: int = 3,
                 batch_norm: bool = False, affine_bn: bool = False):
        super().__init__()
        _refuse_oversized(Conv6, width=width, num_classes=num_classes, in_channels=in_channels,
                          batch_norm=batch_norm, affine_bn=affine_bn)
        c = [_w(width, k) for k in (64, 64, 128, 128, 256, 256)]
        num_classes = count("num_classes", num_classes, 1)
        batch_norm, affine_bn = flag("batch_norm", batch_norm), flag("affine_bn", affine_bn)
        layers, prev = [], count("in_channels", in_channels, 1)
        for i, ch in enumerate(c):
            layers.append(SupermaskConv2d(prev, ch, 3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(ch, affine=affine_bn))
            layers.append(nn.ReLU())
            if i % 2 == 1:
                layers.append(nn.MaxPool2d(2))
            prev = ch
        self.features = nn.Sequential(*layers)
        f = _w(width, 256)
        self.classifier = nn.Sequential(
            SupermaskLinear(prev * 4 * 4, f), nn.ReLU(), SupermaskLinear(f, f), nn.ReLU(),
            SupermaskLinear(f, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class _Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride, affine):
        super().__init__()
        self.conv1 = SupermaskConv2d(cin, planes, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(planes, affine=affine)
        self.conv2 = SupermaskConv2d(planes, planes, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(planes, affine=affine)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != planes:
            self.shortcut = nn.Sequential(SupermaskConv2d(cin, planes, 1, stride),
                                          nn.BatchNorm2d(planes, affine=affine))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class _Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride, affine):
        super().__init__()
        out = planes * 4
        self.conv1 = SupermaskConv2d(cin, planes, 1)
        self.bn1 = nn.BatchNorm2d(planes, affine=affine)
        self.conv2 = SupermaskConv2d(planes, planes, 3, stride, 1)  # stride on the 3x3 (v1.5)
        self.bn2 = nn.BatchNorm2d(planes, affine=affine)
        self.conv3 = SupermaskConv2d(planes, out, 1)
        self.bn3 = nn.BatchNorm2d(out, affine=affine)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != out:
            self.shortcut = nn.Sequential(SupermaskConv2d(cin, out, 1, stride),
                                          nn.BatchNorm2d(out, affine=affine))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(y)))
        return torch.relu(self.bn3(self.conv3(y)) + self.shortcut(x))


class _ResNet(nn.Module):
    def __init__(self, block, blocks, width, num_classes, stem, affine_bn):
        super().__init__()
        choice("stem", text("stem", stem), {"cifar", "imagenet"})
        num_classes = count("num_classes", num_classes, 1)
        affine_bn = flag("affine_bn", affine_bn)
        base = _w(width, 64)
        if stem == "cifar":
            self.stem = nn.Sequential(SupermaskConv2d(3, base, 3, 1, 1),
                                      nn.BatchNorm2d(base, affine=affine_bn), nn.ReLU())
        else:
            self.stem = nn.Sequential(SupermaskConv2d(3, base, 7, 2, 3),
                                      nn.BatchNorm2d(base, affine=affine_bn), nn.ReLU(),
                                      nn.MaxPool2d(3, 2, 1))
        stages, cin = [], base
        for i, n in enumerate(blocks):
            planes = _w(width, 64 * 2 ** i)
            for j in range(n):
                b = block(cin, planes, 2 if (j == 0 and i > 0) else 1, affine_bn)
                stages.append(b)
                cin = planes * block.expansion
        self.layers = nn.Sequential(*stages)
        self.fc = SupermaskLinear(cin, num_classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class ResNet18(_ResNet):
    """ResNet-18 with a CIFAR (3x3 conv, no max-pool) or ImageNet (7x7/2 conv + max-pool) stem."""

    def __init__(self, width: float = 1.0, num_classes: int = 10, stem: str = "cifar",
                 affine_bn: bool = False):
        _refuse_oversized(ResNet18, width=width, num_classes=num_classes, stem=stem,
                          affine_bn=affine_bn)
        super().__init__(_Basic, (2, 2, 2, 2), width, num_classes, stem, affine_bn)


class ResNet50(_ResNet):
    """ResNet-50 (bottleneck v1.5, ImageNet stem by default), as in the reference ImageNet code."""

    def __init__(self, width: float = 1.0, num_classes: int = 1000, stem: str = "imagenet",
                 affine_bn: bool = False):
        _refuse_oversized(ResNet50, width=width, num_classes=num_classes, stem=stem,
                          affine_bn=affine_bn)
        super().__init__(_Bottleneck, (3, 4, 6, 3), width, num_classes, stem, affine_bn)


class GIN(nn.Module):
    """The reference code's GIN for node classification (``gin_based_net``, OGBN-Arxiv).

    ``num_layers`` GIN layers, each ``h <- ReLU(BN(W_k (h + mean_{j in N(i)} h_j)))`` (GIN with
    epsilon = 0, a one-layer update and mean aggregation), the last one of width ``num_classes``
    and with batch norm and ReLU like the others; then a prediction head reads the
    second-to-last representation: ``out = (head(h_{L-1}) + h_L) / 2``. Batch norm is non-affine
    unless ``affine_bn``; no biases, no dropout (the reference configs use ``dropout_p: 0``).
    The adjacency is the plain ``torch.sparse_coo_tensor`` of :func:`mean_adjacency`. With
    ``hidden=386, num_layers=4`` (the reference) it has 128*386 + 2*386*386 + 2*386*40 weights.
    """

    def __init__(self, in_features: int = 128, hidden: int = 386, num_classes: int = 40,
                 num_layers: int = 4, width: float = 1.0, affine_bn: bool = False):
        super().__init__()
        _refuse_oversized(GIN, in_features=in_features, hidden=hidden, num_classes=num_classes,
                          num_layers=num_layers, width=width, affine_bn=affine_bn)
        num_layers = count("num_layers", num_layers, 2)
        if num_layers > MAX_LAYERS:  # 2**70 was an OverflowError (issue-12 fuzz)
            raise InvalidParameterError(f"num_layers must be at most {MAX_LAYERS}, got {num_layers}")
        h = _w(width, count("hidden", hidden, 1))
        num_classes = count("num_classes", num_classes, 1)
        affine_bn = flag("affine_bn", affine_bn)
        sizes = [count("in_features", in_features, 1)] + [h] * (num_layers - 1) + [num_classes]
        self.convs = nn.ModuleList(SupermaskLinear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.norms = nn.ModuleList(nn.BatchNorm1d(b, affine=affine_bn) for b in sizes[1:])
        self.head = SupermaskLinear(h, num_classes)

    def forward(self, x, adj):
        reps = []
        for conv, norm in zip(self.convs, self.norms):
            # The aggregation stays in float32 (the adjacency's type) under mixed precision;
            # the linear layer then casts as autocast decides.
            x = x.float()
            x = torch.relu(norm(conv(x + torch.sparse.mm(adj, x))))
            reps.append(x)
        return (self.head(reps[-2]) + reps[-1]) / 2


def mean_adjacency(edge_index, num_nodes: int) -> torch.Tensor:
    """Row-normalised sparse adjacency: ``(A x)_i`` is the mean of ``x_j`` over edges ``i <- j``.

    Examples
    --------
    >>> a = mean_adjacency(torch.tensor([[0, 0, 1], [1, 2, 0]]), 3)
    >>> a.to_dense().tolist()
    [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    num_nodes = count("num_nodes", num_nodes, 1)
    if num_nodes > MAX_WEIGHTS:
        raise InvalidParameterError(f"num_nodes must be <= {MAX_WEIGHTS}, got {num_nodes}")
    try:  # None, strings and ragged lists were a RuntimeError / TypeError (issue-12 fuzz)
        edge_index = torch.as_tensor(edge_index)
    except (TypeError, ValueError, RuntimeError, OverflowError) as err:
        raise InvalidParameterError(f"edge_index must be a (2, E) array of node ids, got "
                                    f"{edge_index!r}") from err
    if edge_index.numel() and (edge_index.dtype.is_floating_point or edge_index.dtype.is_complex
                               or edge_index.dtype == torch.bool):  # a float id was truncated without a word
        raise InvalidParameterError(f"edge_index must hold integer node ids, got {edge_index.dtype}")
    edge_index = edge_index.long()
    if edge_index.ndim != 2 or edge_index.shape[0] != 2:
        raise InvalidParameterError(
            f"edge_index must have shape (2, E), got {tuple(edge_index.shape)}")
    if edge_index.numel() and (int(edge_index.min()) < 0 or int(edge_index.max()) >= num_nodes):
        raise InvalidParameterError(f"edge_index holds node ids outside [0, {num_nodes})")
    rows = edge_index[0]
    deg = torch.bincount(rows, minlength=num_nodes).clamp(min=1).to(torch.float32)
    return torch.sparse_coo_tensor(edge_index, 1.0 / deg[rows], (num_nodes, num_nodes),
                                   check_invariants=True).coalesce()


MODELS = {"mlp": MLP, "conv6": Conv6, "resnet18": ResNet18, "resnet50": ResNet50, "gin": GIN}


def build_model(name: str, **kwargs) -> nn.Module:
    """Build a registered architecture and record ``model.arch = {"name": ..., "args": ...}``.

    Examples
    --------
    >>> build_model("mlp", in_features=4, hidden=[8], out_features=2).arch
    {'name': 'mlp', 'args': {'in_features': 4, 'hidden': [8], 'out_features': 2}}
    """
    choice("model", text("model", name), set(MODELS))
    if "width" in kwargs:
        positive("width", kwargs["width"])
    try:  # an unknown keyword, refused without building anything
        inspect.signature(MODELS[name]).bind(**kwargs)
    except TypeError as err:
        raise InvalidParameterError(f"bad arguments for model {name!r}: {err}") from None
    # every constructor counts its weights on the meta device before it allocates
    # (_refuse_oversized), so a huge width is refused before it can exhaust memory
    model = MODELS[name](**kwargs)
    model.arch = {"name": name, "args": dict(kwargs)}
    return model


def count_weights(model: nn.Module) -> int:
    """Number of source weights (entries of the supermask layers)."""
    from .layers import supermask_layers
    return sum(m.numel for _, m in supermask_layers(model))
