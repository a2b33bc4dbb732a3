"""Architectures: weight counts against published totals, width factors, forward shapes."""

import pytest

torch = pytest.importorskip("torch")

from empirical.layers import SupermaskConfig, initialize  # noqa: E402
from empirical.models import build_model, count_weights, mean_adjacency  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

torch.set_num_threads(1)

# torchvision totals minus affine batch-norm parameters (2 per channel) and the fc bias:
# resnet18 11,689,512 - 9,600 - 1,000; resnet50 25,557,032 - 53,120 - 1,000; the CIFAR ResNet-18
# (kuangliu/pytorch-cifar) 11,173,962 - 9,600 - 10.
COUNTS = [
    ("conv6", {}, 2_261_184),
    ("resnet18", dict(stem="imagenet", num_classes=1000), 11_678_912),
    ("resnet18", dict(stem="cifar", num_classes=10), 11_164_352),
    ("resnet50", {}, 25_502_912),
    ("gin", {}, 128 * 386 + 2 * 386 * 386 + 386 * 40),
    ("mlp", dict(in_features=64, hidden=[100, 50], out_features=10), 64 * 100 + 100 * 50 + 500),
]


@pytest.mark.parametrize("name, kwargs, count", COUNTS)
def test_weight_counts(name, kwargs, count):
    model = build_model(name, **kwargs)
    assert count_weights(model) == count
    assert not any("bias" in n for n, _ in model.named_parameters()), "no biases"


def test_width_factor_scales_conv6_quadratically_inside():
    # conv channels and fc widths halve: hidden-hidden blocks shrink 4x, input/output 2x
    c = [3 * 32 * 9, 32 * 32 * 9, 32 * 64 * 9, 64 * 64 * 9, 64 * 128 * 9, 128 * 128 * 9,
         128 * 16 * 128, 128 * 128, 128 * 10]
    assert count_weights(build_model("conv6", width=0.5)) == sum(c)


@pytest.mark.parametrize("name, kwargs, shape", [
    ("conv6", dict(width=0.125), (2, 3, 32, 32)),
    ("resnet18", dict(width=0.125), (2, 3, 32, 32)),
    ("resnet18", dict(width=0.125, stem="imagenet"), (2, 3, 64, 64)),
    ("resnet50", dict(width=0.0625, num_classes=10), (2, 3, 64, 64)),
])
def test_forward_shapes(name, kwargs, shape):
    model = initialize(build_model(name, **kwargs), SupermaskConfig(sparsity=0.5))
    assert model(torch.randn(*shape)).shape == (2, kwargs.get("num_classes", 10))


def test_gin_mean_aggregation():
    model = initialize(build_model("gin", in_features=4, hidden=8, num_classes=3, num_layers=1),
                       SupermaskConfig(sparsity=0.0))
    edges = torch.tensor([[0, 0, 1], [1, 2, 2]])
    adj = mean_adjacency(edges, 3)
    x = torch.randn(3, 4)
    agg = x + torch.stack([(x[1] + x[2]) / 2, x[2], torch.zeros(4)])
    assert torch.allclose(model(x, adj), agg @ model.convs[0].weight.T, atol=1e-6)


def test_bad_model_arguments():
    with pytest.raises(InvalidParameterError, match="model"):
        build_model("vgg")
    with pytest.raises(InvalidParameterError, match="bad arguments"):
        build_model("conv6", depth=3)
    with pytest.raises(InvalidParameterError, match="stem"):
        build_model("resnet18", stem="tiny")
