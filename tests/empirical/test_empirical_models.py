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
    # the reference GIN: 4 GIN layers (128 -> 386 -> 386 -> 386 -> 40) and a 386 -> 40 head
    ("gin", {}, 128 * 386 + 2 * 386 * 386 + 386 * 40 + 386 * 40),
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


def reference_gin(model, x, edges):
    """Plain twin of the reference GIN forward: explicit loops over nodes for the mean over
    neighbours, batch norm written out with its running statistics, masked weights as matrices."""
    n = len(x)
    neighbours = [[j for i_, j in edges.T.tolist() if i_ == i] for i in range(n)]
    h = x.double()
    reps = []
    for conv, norm in zip(model.convs, model.norms):
        agg = torch.stack([h[i] + (sum(h[j] for j in neighbours[i]) / len(neighbours[i])
                                   if neighbours[i] else torch.zeros_like(h[i]))
                           for i in range(n)])
        z = agg @ conv.effective_weight().double().T
        z = (z - norm.running_mean.double()) / torch.sqrt(norm.running_var.double() + norm.eps)
        h = torch.clamp(z, min=0)
        reps.append(h)
    return (reps[-2] @ model.head.effective_weight().double().T + reps[-1]) / 2


@pytest.mark.parametrize("p, lock", [(0.0, 0.0), (0.3, 0.2)])
def test_gin_forward_matches_the_plain_reference(p, lock):
    torch.manual_seed(0)
    model = initialize(build_model("gin", in_features=5, hidden=6, num_classes=3, num_layers=3),
                       SupermaskConfig(sparsity=0.5, prune_ratio=p, lock_ratio=lock, seed=2))
    model.eval()
    for norm in model.norms:  # non-trivial statistics, so that batch norm is exercised
        norm.running_mean.uniform_(-0.5, 0.5)
        norm.running_var.uniform_(0.5, 2.0)
    from empirical.data import undirected
    edges = undirected(torch.tensor([[0, 0, 1, 3, 3], [1, 2, 2, 0, 0]]).numpy(), 5)
    x = torch.randn(5, 5)
    out = model(x, mean_adjacency(edges, 5))
    assert out.shape == (5, 3)
    assert torch.allclose(out.double(), reference_gin(model, x, edges), atol=1e-5)
    # node 4 has no neighbours: its aggregate is itself alone
    assert len(model.convs) == 3 and model.head.weight_shape == (3, 6)


def test_gin_needs_two_layers_for_its_head():
    with pytest.raises(InvalidParameterError, match="num_layers"):
        build_model("gin", num_layers=1)


def test_bad_model_arguments():
    with pytest.raises(InvalidParameterError, match="model"):
        build_model("vgg")
    with pytest.raises(InvalidParameterError, match="bad arguments"):
        build_model("conv6", depth=3)
    with pytest.raises(InvalidParameterError, match="stem"):
        build_model("resnet18", stem="tiny")


@pytest.mark.parametrize("name, kwargs, match", [
    ("conv6", dict(width=float("nan")), "width"),
    ("conv6", dict(width=1e308), "channels"),
    ("conv6", dict(width=300.0), "weights"),  # one layer past the int32 index: refused unbuilt
    ("resnet50", dict(width=40.0), "weights"),
    ("mlp", dict(hidden="128"), "hidden"),
    ("mlp", dict(hidden=[True]), "hidden"),
    ("mlp", dict(batch_norm="no"), "batch_norm"),
    ("gin", dict(hidden=2.5), "hidden"),
    ("conv6", dict(num_classes=0), "num_classes"),
])
def test_bad_sizes_are_refused_before_allocation(name, kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        build_model(name, **kwargs)


@pytest.mark.parametrize("args, match", [
    (("3", 1), "in_features"), ((3, 1.5), "out_features"), ((True, 2), "in_features"),
    ((0, 2), "in_features")])
def test_layer_constructors_check_their_sizes(args, match):
    from empirical.layers import SupermaskLinear
    with pytest.raises(InvalidParameterError, match=match):
        SupermaskLinear(*args)


def test_conv_layer_checks_its_sizes():
    from empirical.layers import SupermaskConv2d
    with pytest.raises(InvalidParameterError, match="padding"):
        SupermaskConv2d(3, 4, 3, padding=-1)
    with pytest.raises(InvalidParameterError, match="kernel_size"):
        SupermaskConv2d(3, 4, "3")


def test_mean_adjacency_checks_its_edges():
    with pytest.raises(InvalidParameterError, match="outside"):
        mean_adjacency(torch.tensor([[0, 5], [1, 0]]), 3)
    with pytest.raises(InvalidParameterError, match="shape"):
        mean_adjacency(torch.tensor([0, 1, 2]), 3)


def test_gin_refuses_an_absurd_depth_by_name():
    # num_layers=2**70 was an OverflowError (slow-tier fuzz, issue 12)
    from slt_theory.errors import InvalidParameterError

    from empirical.models import GIN, MAX_LAYERS

    with pytest.raises(InvalidParameterError, match="num_layers must be at most"):
        GIN(num_layers=2**70)
    with pytest.raises(InvalidParameterError, match="num_layers must be at most"):
        GIN(num_layers=MAX_LAYERS + 1)


# --------------------------------------------------------------------------- issue-12 fuzz finds


@pytest.mark.parametrize("cls, kwargs", [
    ("ResNet18", dict(width=2000.0)), ("ResNet50", dict(width=2000.0)),
    ("MLP", dict(hidden=(2**20, 2**20))), ("Conv6", dict(width=4000.0)),
    ("GIN", dict(hidden=2**20, num_layers=4)),
])
def test_a_constructor_refuses_a_model_too_large_before_allocating(cls, kwargs):
    from empirical import models

    # each layer is under MAX_CHANNELS, the whole model far over MAX_WEIGHTS: the constructor
    # (not only build_model) refuses it instead of failing in the allocator
    with pytest.raises(InvalidParameterError, match="weights"):
        getattr(models, cls)(**kwargs)


def test_the_smallest_resnet50_builds_and_runs():
    from empirical.models import ResNet50

    model = ResNet50(width=0.01, num_classes=3)
    assert model(torch.zeros(2, 3, 32, 32)).shape == (2, 3)


@pytest.mark.parametrize("edges", [None, "ab", [[0.5, 1], [1, 0]], [[True], [False]],
                                   [[0, 1], [1]]])
def test_mean_adjacency_refuses_what_is_not_integer_node_ids(edges):
    # None was a RuntimeError, "ab" a TypeError, a float id was truncated without a word
    with pytest.raises(InvalidParameterError, match="edge_index"):
        mean_adjacency(edges, 3)
