"""What a recipe costs, counted from the architecture: weights, multiply-accumulates per example,
activation and state memory, and the arithmetic of a whole run.

Counts are exact for the model as built (a forward pass on PyTorch's ``meta`` device, which
propagates shapes without computing, with a hook on every layer). Times are *estimates*: the
arithmetic of a run divided by an assumed sustained throughput, so a lower bound for a
compute-bound run that ignores data loading and the per-step threshold update (one k-th value over
all FREE scores after every optimizer step). Memory is an estimate too: every layer output of one
example kept for the backward pass, in float32, times the batch, plus the persistent state.

Examples
--------
>>> c = model_cost("resnet50", (3, 224, 224))
>>> c["weights"], round(c["macs"] / 1e9, 2)
(25502912, 4.09)
"""

from __future__ import annotations

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError

__all__ = ["model_cost", "recipe_cost", "cost_table", "DATASET_SIZES"]

# (training examples before the validation hold-out, test examples); OGBN-Arxiv: nodes of its
# train / valid / test time split (the graph has 169,343 nodes and 1,166,243 directed edges).
DATASET_SIZES = {"cifar10": (50_000, 10_000), "imagenet": (1_281_167, 50_000),
                 "ogbn_arxiv": (90_941, 48_603)}
_ARXIV_NODES, _ARXIV_EDGES = 169_343, 1_166_243


def model_cost(name: str, input_shape, **kwargs) -> dict:
    """Weights, multiply-accumulates and layer-output floats per example of one architecture.

    Parameters
    ----------
    name : str
        A name of :data:`empirical.models.MODELS`; ``kwargs`` go to its constructor.
    input_shape : tuple of int
        The shape of one example (e.g. ``(3, 32, 32)``), each entry at least 1.

    Raises
    ------
    InvalidParameterError
        A bad name or argument, or an ``input_shape`` the model cannot take.
    """
    import torch

    from ._checks import dims
    from .layers import SupermaskConv2d, SupermaskLinear, supermask_layers
    from .models import build_model

    input_shape = dims("input_shape", input_shape)
    if isinstance(name, str) and name == "gin":  # its forward pass takes a graph too (recipe_cost counts it by hand)
        raise InvalidParameterError("model_cost takes a model of one input tensor; 'gin' needs "
                                    "a graph as well (recipe_cost counts it)")
    with torch.device("meta"):
        model = build_model(name, **kwargs)
    # evaluation mode: batch norm of a single example is an error in training mode, and the
    # counts are the same
    model.eval()
    macs, outputs = 0, 0

    def hook(module, _inputs, out):
        nonlocal macs, outputs
        per_example = out.numel() // out.shape[0]
        if isinstance(module, SupermaskConv2d):
            macs += per_example * module.in_channels * module.kernel_size ** 2
        elif isinstance(module, SupermaskLinear):
            macs += per_example * module.in_features
        if not list(module.children()):
            outputs += per_example

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    try:
        with torch.device("meta"):
            model(torch.empty(1, *input_shape, device="meta"))
    except (RuntimeError, ValueError) as err:  # the shapes do not fit (issue-12 fuzz)
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InvalidParameterError(
            f"input_shape {input_shape} does not fit model {name!r}: {first}") from None
    finally:
        for h in handles:
            h.remove()
    return {"weights": sum(m.numel for _, m in supermask_layers(model)), "macs": macs,
            "outputs": outputs}


def _gin_cost(hidden, num_layers, in_features=128, classes=40):
    layers = [in_features] + [hidden] * (num_layers - 1) + [classes]
    weights = sum(a * b for a, b in zip(layers[:-1], layers[1:])) + hidden * classes
    # the mean over neighbours reads every (undirected) edge once per input feature
    per_node = weights + 2 * _ARXIV_EDGES / _ARXIV_NODES * sum(layers[:-1])
    return {"weights": weights, "macs": int(per_node), "outputs": 2 * sum(layers[1:]) + classes}


def recipe_cost(name: str, tflops: float = 50.0) -> dict:
    """The cost of recipe ``name`` at its own settings; ``tflops`` is the assumed sustained
    throughput (10^12 floating-point operations per second) behind the time estimate."""
    from .recipes import get_recipe

    hp = get_recipe(name).hparams
    tflops = _validate.positive("tflops", tflops)  # a str or NaN was a TypeError / passed
    n_train, n_test = DATASET_SIZES[hp.data.dataset]
    if hp.model.name == "gin":
        c = _gin_cost(hp.model.hidden[0], len(hp.model.hidden) + 1)
        # full batch: forward and backward over the graph, then one forward per evaluated part
        macs_per_epoch = _ARXIV_NODES * c["macs"] * (3 + 2)
        activations = _ARXIV_NODES * c["outputs"] * 4
        steps = 1
    else:
        shape = (3, hp.data.image_size, hp.data.image_size) if hp.data.dataset == "imagenet" \
            else (3, 32, 32)
        kwargs = {"stem": "imagenet" if hp.data.dataset == "imagenet" else "cifar"} \
            if hp.model.name.startswith("resnet") else {}
        c = model_cost(hp.model.name, shape, **kwargs)
        n_val = round(hp.data.val_fraction * n_train)
        # backward costs about twice the forward; validation and test are forward only
        macs_per_epoch = c["macs"] * (3 * (n_train - n_val) + n_val + n_test)
        activations = c["outputs"] * 4 * hp.data.batch_size
        steps = -(-(n_train - n_val) // hp.data.batch_size)
    # fp32 weights, int8 freeze states; for the (at most all) FREE scores: value, gradient,
    # SGD momentum or two AdamW moments, int32 position
    moments = 2 if hp.train.optimizer == "adamw" else 1
    state = c["weights"] * (4 + 1 + 4 * (2 + moments) + 4)
    flops = 2 * macs_per_epoch * hp.train.epochs
    return {"recipe": name, "weights": c["weights"], "macs_per_example": c["macs"],
            "epochs": hp.train.epochs, "steps": steps * hp.train.epochs, "run_pflop": flops / 1e15,
            "hours_at_tflops": flops / (tflops * 1e12) / 3600, "tflops": tflops,
            "activation_gb": activations / 1e9, "state_gb": state / 1e9}


def cost_table(tflops: float = 50.0) -> str:
    """A Markdown table of :func:`recipe_cost` for every recipe (the README's)."""
    tflops = _validate.positive("tflops", tflops)  # before it is formatted with :g
    from .recipes import RECIPES

    lines = ["| recipe | weights | GMAC / example | optimizer steps | run (PFLOP) | hours at "
             f"{tflops:g} TFLOP/s | activations (GB) | state (GB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in RECIPES:
        c = recipe_cost(name, tflops)
        lines.append(f"| {name} | {c['weights']:,} | {c['macs_per_example'] / 1e9:.3g} | "
                     f"{c['steps']:,} | {c['run_pflop']:.3g} | {c['hours_at_tflops']:.2g} | "
                     f"{c['activation_gb']:.2g} | {c['state_gb']:.2g} |")
    return "\n".join(lines)
