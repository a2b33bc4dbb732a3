"""Cost counts held to hand formulas and published totals."""

import pytest

pytest.importorskip("torch")

from empirical.costs import model_cost, recipe_cost  # noqa: E402
from empirical.models import build_model, count_weights  # noqa: E402


def test_conv6_macs_equal_the_hand_count():
    convs = [(32, 3, 64), (32, 64, 64), (16, 64, 128), (16, 128, 128), (8, 128, 256),
             (8, 256, 256)]  # (output side, in channels, out channels), 3x3 kernels
    macs = sum(side * side * cout * cin * 9 for side, cin, cout in convs)
    macs += 256 * 4 * 4 * 256 + 256 * 256 + 256 * 10
    c = model_cost("conv6", (3, 32, 32))
    assert c["macs"] == macs and c["weights"] == 2_261_184


def test_gin_recipe_counts_its_weights():
    c = recipe_cost("ogbn-arxiv-gin")
    model = build_model("gin", hidden=386, num_layers=4)
    assert c["weights"] == count_weights(model) and c["steps"] == 400


def test_estimates_scale_with_the_assumed_throughput():
    a, b = recipe_cost("cifar10-conv6", 10.0), recipe_cost("cifar10-conv6", 20.0)
    assert a["hours_at_tflops"] == pytest.approx(2 * b["hours_at_tflops"])
    assert a["steps"] == 100 * 313  # 40,000 training images in batches of 128


def test_tflops_of_the_wrong_kind_is_named():
    """Found by the issue-12 fuzz: recipe_cost(..., tflops="3") and cost_table(tflops="3") raised
    TypeError / ValueError (a str compared with 0, formatted with :g)."""
    import pytest

    from empirical.costs import cost_table, recipe_cost
    from slt_theory.errors import InvalidParameterError

    for bad in ("3", float("nan"), 0.0, None):
        with pytest.raises(InvalidParameterError, match="tflops"):
            recipe_cost("cifar10-conv6", tflops=bad)
        with pytest.raises(InvalidParameterError, match="tflops"):
            cost_table(tflops=bad)
    assert "TFLOP/s" in cost_table(tflops=50)


# --------------------------------------------------------------------------- issue-12 fuzz finds


@pytest.mark.parametrize("name, shape, match", [
    ("mlp", (3, 32, 32), "does not fit"),  # was a RuntimeError of the matrix product
    ("conv6", (3, 2**40, 2**40), "does not fit"),  # was a RuntimeError of the storage size
    ("conv6", (), "input_shape"), ("conv6", "abc", "input_shape"), ("conv6", (3, -1), "input"),
    ("gin", (128,), "graph"),  # was a TypeError: GIN's forward pass takes an adjacency too
])
def test_model_cost_refuses_shapes_the_model_cannot_take(name, shape, match):
    from slt_theory.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=match):
        model_cost(name, shape)


def test_model_cost_counts_in_evaluation_mode():
    # batch norm of one example in training mode was an error at a 1 x 1 feature map
    c = model_cost("resnet50", (3, 32, 32), width=0.125)
    assert c["weights"] == count_weights(build_model("resnet50", width=0.125))
