"""`slt size`: the bits a ticket takes, for the theory's proved width or for a real model.

Two questions, one table. A hardware designer asks what a ticket of the *proved* width costs
(:func:`slt_theory.bounds.size.ticket_size`; no torch needed). A practitioner asks what a ticket
of a real model costs (``--model conv6 --freeze-ratio 0.7``): :func:`model_ticket_size` counts the
model's weights and the exact per-layer frozen counts on PyTorch's ``meta`` device, which
propagates shapes without allocating, so even ResNet-50 is sized in a moment. Both are compared
with a ticket in a dense source (one mask bit per weight), in a randomly pruned source with the
same prune ratio (one bit per unpruned weight) and a weight-trained model (32 bits per weight),
the accounting of :func:`empirical.ticket.model_size` (``mask_only``), which counts the same
bits from a built model's buffers (the tests hold the two equal).

torch is imported only when a real model is asked for.
"""

from __future__ import annotations

import dataclasses

from slt_theory import _display
from slt_theory._validate import freeze_split
from slt_theory.bounds import cli_width
from slt_theory.bounds.size import SEED_BITS, WEIGHT_BITS, ticket_size
from slt_theory.bounds.width import resolve_freeze_split
from slt_theory.errors import InvalidParameterError

from ._checks import int_tuple
from .freezing import ALLOCATIONS, LOCK_METHODS
from .hparams import MODELS, ModelHparams, SupermaskConfig

__all__ = ["DEFAULT_DATASET", "INPUTS", "ModelSize", "model_ticket_size"]

DESCRIPTION = (
    "The bits a ticket takes, beside a ticket in a dense source (one mask bit per weight), in a "
    "randomly pruned source with the same prune ratio, and a weight-trained model (32 bits per "
    "weight). A ticket in a partially frozen source needs one mask bit per free weight: the "
    "source's weights and its freezing pattern regenerate from two seeds.\n\n"
    "Without --model it sizes a ticket of the width the theory proves for the target (as `slt "
    "width` computes it); with --model it sizes a real architecture, its weights counted "
    "without allocating them and the frozen counts spread over layers exactly as `slt train` "
    "freezes them.")

EPILOG = """examples:
  slt size --eps 0.01 --freeze-ratio 0.5
  slt size --eps 0.01 --freeze-ratio 0.5 --depth 2 --widths 8 8 1
  slt size --model conv6 --freeze-ratio 0.7
  slt size --model resnet50 --freeze-ratio 0.7 --per-layer
  slt size --model mlp --hidden 256 256 --freeze-ratio 0.5 --json"""

#: What each data set feeds a model and how many classes it has (what `empirical.data` loads).
INPUTS = {
    "digits": {"features": 64, "classes": 10, "words": "8x8 digits as 64 features, 10 classes"},
    "cifar10": {"channels": 3, "side": 32, "classes": 10,
                "words": "CIFAR-10: 3x32x32 images, 10 classes"},
    "imagenet": {"channels": 3, "side": 224, "classes": 1000,
                 "words": "ImageNet: 3x224x224 images, 1,000 classes"},
    "ogbn_arxiv": {"features": 128, "classes": 40,
                   "words": "OGBN-Arxiv: 128 node features, 40 classes"},
}
#: The data set a model is sized for unless --dataset says otherwise (the recipes' pairings).
DEFAULT_DATASET = {"mlp": "digits", "conv6": "cifar10", "resnet18": "cifar10",
                   "resnet50": "imagenet", "gin": "ogbn_arxiv"}
#: GIN's hidden widths unless --hidden says otherwise: the reference (recipe ogbn-arxiv-gin).
GIN_HIDDEN = (386, 386, 386)

_SUPERMASK = SupermaskConfig()
_MODEL = ModelHparams()
_THEORY_ONLY = ("eps", "delta", "depth", "widths")
_MODEL_ONLY = ("width", "hidden", "dataset", "allocation", "lock_method", "per_layer")


def configure(parser):
    parser.description, parser.epilog = DESCRIPTION, EPILOG
    cli_width.add_target_arguments(parser).description = (
        "a ticket of the proved width (no --model); --freeze-ratio, --prune-ratio and "
        "--lock-ratio apply to --model too")
    g = parser.add_argument_group("a real model (with --model; needs torch)")
    g.add_argument("--model", choices=sorted(MODELS), default=None,
                   help="size this architecture instead of a theory width (default: not set, "
                        "size the proved width)")
    g.add_argument("--width", type=float, default=None, metavar="FACTOR",
                   help="width factor: every layer has round(factor x channels) channels "
                        f"(default: {_MODEL.width:g})")
    g.add_argument("--hidden", type=int, nargs="+", default=None, metavar="H",
                   help="hidden widths of the MLP, or of GIN's hidden layers (default: "
                        f"{' '.join(map(str, _MODEL.hidden))} for the MLP, "
                        f"{' '.join(map(str, GIN_HIDDEN))} for GIN)")
    g.add_argument("--dataset", choices=sorted(INPUTS), default=None,
                   help="the inputs and classes the model is built for (default: "
                        + ", ".join(f"{d} for {m}" for m, d in DEFAULT_DATASET.items()) + ")")
    g.add_argument("--allocation", choices=ALLOCATIONS, default=None,
                   help="how the frozen counts are spread over layers, as `slt train` does "
                        f"(default: {_SUPERMASK.allocation})")
    g.add_argument("--lock-method", choices=LOCK_METHODS, default=None,
                   help="how the locked counts are spread over layers (default: "
                        f"{_SUPERMASK.lock_method})")
    g.add_argument("--per-layer", action="store_true",
                   help="also list every layer's weights and frozen counts")
    g = parser.add_argument_group("output")
    g.add_argument("--json", action="store_true",
                   help="print everything as one JSON object instead of text")


@dataclasses.dataclass(frozen=True)
class ModelSize:
    """The weights of a real model and the bits of its ticket (:func:`model_ticket_size`).

    ``layers`` holds one ``(name, shape, weights, pruned, locked)`` per supermask layer, in the
    order :func:`empirical.layers.supermask_layers` gives them.
    """

    model: str
    dataset: str
    model_args: dict
    prune_ratio: float
    lock_ratio: float
    allocation: str
    lock_method: str
    layers: tuple

    @property
    def weights(self):
        return sum(layer[2] for layer in self.layers)

    @property
    def pruned(self):
        return sum(layer[3] for layer in self.layers)

    @property
    def locked(self):
        return sum(layer[4] for layer in self.layers)

    @property
    def free(self):
        return self.weights - self.pruned - self.locked

    @property
    def mask_only(self):
        """Bits by way of shipping, keyed as ``empirical.model_size(...).mask_only``."""
        return {"dense_weights": WEIGHT_BITS * self.weights, "dense_source": self.weights,
                "randomly_pruned_source": self.weights - self.pruned,
                "frozen_source": self.free}


def _model_args(name, dataset, width, hidden):
    """Constructor arguments of ``name`` for the inputs of ``dataset`` (as training builds it)."""
    data = INPUTS[dataset]
    image = "side" in data
    if name == "gin":
        if dataset != "ogbn_arxiv":
            raise InvalidParameterError(f"--model gin reads a graph: --dataset ogbn_arxiv, not "
                                        f"{dataset!r}")
        hidden = GIN_HIDDEN if hidden is None else hidden
        if len(set(hidden)) != 1:
            raise InvalidParameterError(
                f"GIN's hidden layers all have one width: --hidden {' '.join(map(str, hidden))} "
                "gives several")
        return dict(in_features=data["features"], hidden=hidden[0], num_classes=data["classes"],
                    num_layers=len(hidden) + 1, width=width)
    if dataset == "ogbn_arxiv":
        raise InvalidParameterError(f"--dataset ogbn_arxiv is a graph: use --model gin, not "
                                    f"{name!r}")
    if name == "mlp":
        features = data["channels"] * data["side"] ** 2 if image else data["features"]
        return dict(in_features=features, hidden=list(_MODEL.hidden if hidden is None else hidden),
                    out_features=data["classes"], width=width)
    if hidden is not None:
        raise InvalidParameterError(f"--hidden applies to mlp and gin, not to {name!r}")
    if not image:
        raise InvalidParameterError(f"--model {name} needs images: --dataset cifar10 or imagenet, "
                                    f"not {dataset!r}")
    if name == "conv6":
        if data["side"] != 32:
            raise InvalidParameterError(f"conv6 needs 32x32 images: --dataset cifar10, not "
                                        f"{dataset!r}")
        return dict(width=width, num_classes=data["classes"], in_channels=data["channels"])
    return dict(width=width, num_classes=data["classes"],
                stem="imagenet" if data["side"] > 32 else "cifar")


def model_ticket_size(model, *, prune_ratio=0.0, lock_ratio=0.0, width=None, hidden=None,
                      dataset=None, allocation=None, lock_method=None):
    """Weights, exact frozen counts and ticket bits of a real architecture, without allocating.

    Parameters
    ----------
    model : {"mlp", "conv6", "resnet18", "resnet50", "gin"}
    prune_ratio, lock_ratio : float
        Network-wide shares of pruned and locked weights (``prune_ratio + lock_ratio < 1``).
    width : float, optional
        Width factor (default: :class:`~empirical.hparams.ModelHparams`' default).
    hidden : sequence of int, optional
        Hidden widths of the MLP or of GIN's hidden layers.
    dataset : {"digits", "cifar10", "imagenet", "ogbn_arxiv"}, optional
        The inputs and classes to build for (default: :data:`DEFAULT_DATASET`).
    allocation, lock_method : str, optional
        As :class:`~empirical.hparams.SupermaskConfig` (default: its defaults).

    Returns
    -------
    ModelSize

    Examples
    --------
    >>> s = model_ticket_size("conv6", prune_ratio=0.35, lock_ratio=0.35)
    >>> s.weights, round(s.mask_only["dense_source"] / s.mask_only["frozen_source"], 2)
    (2261184, 3.33)
    """
    from slt_theory._validate import choice

    choice("model", model, set(MODELS))
    dataset = DEFAULT_DATASET[model] if dataset is None else dataset
    choice("dataset", dataset, set(INPUTS))
    allocation = _SUPERMASK.allocation if allocation is None else allocation
    choice("allocation", allocation, set(ALLOCATIONS))
    lock_method = _SUPERMASK.lock_method if lock_method is None else lock_method
    choice("lock_method", lock_method, set(LOCK_METHODS))
    prune_ratio, lock_ratio = freeze_split(prune_ratio, lock_ratio)
    if hidden is not None:
        hidden = int_tuple("hidden", tuple(hidden), 1)
    args = _model_args(model, dataset, _MODEL.width if width is None else width, hidden)

    import torch

    from .freezing import freeze_counts
    from .layers import supermask_layers
    from .models import build_model

    with torch.device("meta"):  # shapes only: nothing is allocated
        built = build_model(model, **args)
    named = supermask_layers(built)
    shapes = [tuple(m.weight_shape) for _, m in named]
    counts = freeze_counts(shapes, prune_ratio, lock_ratio, allocation, lock_method)
    layers = tuple((name, shape, m.numel, pruned, locked)
                   for (name, m), shape, (pruned, locked) in zip(named, shapes, counts))
    return ModelSize(model=model, dataset=dataset, model_args=args, prune_ratio=prune_ratio,
                     lock_ratio=lock_ratio, allocation=allocation, lock_method=lock_method,
                     layers=layers)


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------
_ROWS = (
    ("dense_weights", "weight-trained model (32-bit weights)"),
    ("dense_source", "ticket in a dense source"),
    ("randomly_pruned_source", "ticket in a randomly pruned source"),
    ("frozen_source", "ticket in this frozen source"),
)
LEGEND = ("  A ticket stores one mask bit per weight it may choose: every weight of a dense "
          "source, every\n  unpruned weight of a randomly pruned source (same prune ratio), "
          "every free weight of this one.")


def compare(value, reference):
    """``value`` beside ``reference`` in words: '3.33x smaller', '32x larger' or 'same'.

    >>> compare(692, 1388), compare(44416, 1388), compare(5, 5)
    ('2.01x smaller', '32x larger', 'same')
    """
    if value == reference:
        return "same"
    if value < reference:
        return "nothing" if value == 0 else f"{_display.times(reference / value)} smaller"
    return "-" if reference == 0 else f"{_display.times(value / reference)} larger"


def size_table(bits, extra=()):
    """The comparison table: bits, bytes in binary units, and each row beside the
    weight-trained model and beside the dense-source ticket."""
    rows = [(label, bits[key]) for key, label in _ROWS] + list(extra)
    return _display.Table(
        ["", "bits", "bytes", "vs weight-trained", "vs dense ticket"],
        [[label, value, _display.human_bytes(value / 8), compare(value, bits["dense_weights"]),
          compare(value, bits["dense_source"])] for label, value in rows],
        align="lrrrr", indent=2)


def _freezing_words(p, lock):
    if p == 0 and lock == 0:
        return "none: a dense source (every weight free)"
    num = _display.number
    return f"{num(p)} pruned + {num(lock)} locked = freeze ratio {num(p + lock)}"


def _theory_text(args, s, prune, lock):
    shape = "one weight" if args.depth == 1 and not args.widths else \
        f"depth {args.depth}, layer widths {' '.join(map(str, args.widths or [1, 1]))}"
    lines = ["Ticket of the proved width (docs/theory.md, Theorem 5; `slt width` explains it)", ""]
    lines.append(_display.key_values([
        ("target", f"{shape}, eps = {_display.number(args.eps)}, delta = "
                   f"{_display.number(args.eps if args.delta is None else args.delta)}"),
        ("freezing", _freezing_words(prune, lock)),
        ("proved width", cli_width.layer_list(list(s.layer_widths))),
        ("source weights", f"{s.weights:,}, of which {s.free_weights:,} free "
                           f"({_display.number(100 * s.free_weights / s.weights)}%)"),
    ]))
    lines += ["", size_table(s.mask_only, [("  with its two 64-bit seeds", s.complete_bits)]
                             ).render(), "", LEGEND,
              "  A saved ticket file adds a header (docs/ticket-format.md)."]
    return lines


def _model_text(m, per_layer):
    args = m.model_args
    parts = [f"width factor {_display.number(args['width'])}"]
    if m.model == "mlp":
        parts.append("hidden " + " ".join(str(h) for h in args["hidden"]))
    if m.model == "gin":
        parts.append(f"{args['num_layers']} layers of {args['hidden']}")
    lines = [f"Ticket of {m.model} ({', '.join(parts)}), built for {INPUTS[m.dataset]['words']}",
             ""]
    lines.append(_display.key_values([
        ("source weights", f"{m.weights:,} in {len(m.layers)} layers (no biases)"),
        ("freezing", f"{_freezing_words(m.prune_ratio, m.lock_ratio)}, spread over layers by "
                     f"{m.allocation} ({m.lock_method})"),
        ("free weights", f"{m.free:,} ({_display.number(100 * m.free / m.weights)}%): the mask "
                         "bits of a ticket"),
    ]))
    lines += ["", size_table(m.mask_only).render(), "", LEGEND]
    lines += ["  A saved ticket file adds two 64-bit seeds, a header and any batch-norm "
              "statistics", "  (docs/ticket-format.md; empirical.model_size counts them for a "
              "trained model)."]
    if per_layer:
        rows = [[name, " x ".join(map(str, shape)), n, pruned, locked, n - pruned - locked]
                for name, shape, n, pruned, locked in m.layers]
        lines += ["", _display.Table(["layer", "shape", "weights", "pruned", "locked", "free"],
                                     rows, align="llrrrr", indent=2).render()]
    return lines


def run(args):
    if args.model is None:
        given = [f"--{k.replace('_', '-')}" for k in _MODEL_ONLY
                 if getattr(args, k) not in (None, False)]
        if given:
            raise InvalidParameterError(f"{', '.join(given)} size a real model: add --model")
        s = ticket_size(args.eps, args.freeze_ratio, **cli_width.target_arguments(args))
        prune, lock = resolve_freeze_split(args.freeze_ratio, args.prune_ratio, args.lock_ratio)
        if args.json:
            print(_display.to_json({"kind": "theory", "bits": s.mask_only,
                                    "complete_bits": s.complete_bits, "seed_bits": SEED_BITS,
                                    "ticket_size": s, "prune_ratio": prune, "lock_ratio": lock}))
            return 0
        lines = _theory_text(args, s, prune, lock)
    else:
        defaults = {"eps": 0.01, "delta": None, "depth": 1, "widths": None}
        given = [f"--{k}" for k in _THEORY_ONLY if getattr(args, k) != defaults[k]]
        if given:
            raise InvalidParameterError(
                f"{', '.join(given)} describe a theory target, not --model {args.model}: drop "
                "them, or drop --model")
        prune, lock = resolve_freeze_split(args.freeze_ratio, args.prune_ratio, args.lock_ratio)
        m = model_ticket_size(args.model, prune_ratio=prune, lock_ratio=lock, width=args.width,
                              hidden=args.hidden, dataset=args.dataset,
                              allocation=args.allocation, lock_method=args.lock_method)
        if args.json:
            out = dataclasses.asdict(m)
            out["layers"] = [dict(zip(("name", "shape", "weights", "pruned", "locked"), layer))
                             for layer in m.layers]
            print(_display.to_json({"kind": "model", "bits": m.mask_only, "weights": m.weights,
                                    "free": m.free, **out}))
            return 0
        lines = _model_text(m, args.per_layer)
    print("\n".join(lines))
    return 0
