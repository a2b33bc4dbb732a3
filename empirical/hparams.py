"""Hyperparameters of a run as typed, frozen dataclasses: the one source of truth.

Every default lives here and switches its feature off (except the allocation, the reference
code's ERK). Every field is checked in ``__post_init__``: a wrong type, a NaN, an infinity or a
value out of range is an :class:`~slt_theory.errors.InvalidParameterError` naming the field, the
value and what is allowed, raised before anything is allocated or written. The command line,
config files (:mod:`empirical.configs`) and recipes (:mod:`empirical.recipes`) all build these.

A run is fully described by a :class:`RunHparams`; :func:`empirical.train.train` names its folder
by :attr:`RunHparams.hash`. Plain Python and NumPy only (no torch), so ``slt train --help`` and
``--list-recipes`` work before torch is imported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from slt_theory._validate import choice, freeze_split, positive, ratio
from slt_theory.errors import InvalidParameterError

from ._checks import count, flag, in_range, int_tuple, nonnegative, optional_path, text
from .freezing import ALLOCATIONS, LOCK_METHODS
from .imagefolder import MAX_IMAGE_SIZE
from .init import InitSpec

__all__ = ["SupermaskConfig", "DataHparams", "ModelHparams", "TrainHparams", "RunHparams",
           "baseline", "BASELINES", "DATASETS", "MODELS", "AUGMENTS", "OPTIMIZERS", "SCHEDULES",
           "METHODS", "THRESHOLDS", "FREEZE_SPLITS", "split_freeze"]

METHODS = ("edge_popup", "weights")
THRESHOLDS = ("global", "layer")
DATASETS = ("digits", "digits32", "teacher_student", "cifar10", "imagenet", "ogbn_arxiv")
MODELS = ("mlp", "conv6", "resnet18", "resnet50", "gin")
AUGMENTS = ("none", "crop_flip", "resized_crop_flip")
OPTIMIZERS = ("sgd", "adamw")
SCHEDULES = ("constant", "cosine")
BASELINES = ("dense_weights", "dense_source", "pruned_source", "frozen_source")
FREEZE_SPLITS = ("proportional", "even")


@dataclasses.dataclass(frozen=True)
class SupermaskConfig:
    """How a source network is drawn and searched.

    Defaults switch features off, except the allocation, which is the reference code's ERK (it
    has no uniform allocation; ``"uniform"`` stays available).

    Parameters
    ----------
    seed : int
        Seed of every random draw of the source (weights, freeze pattern, initial scores), >= 0.
    sparsity : float
        Fraction of weights REMOVED by the ticket, in [0, 1). Ignored when ``method="weights"``.
    prune_ratio, lock_ratio : float
        Fractions of weights frozen to removed / to kept, each in [0, 1), with
        ``prune_ratio + lock_ratio < 1`` (that sum is the *freeze ratio*). Both 0 (the default) is
        a dense source; ``lock_ratio = 0`` a randomly pruned source. For a search to happen,
        ``prune_ratio <= sparsity`` and ``lock_ratio <= 1 - sparsity``.
    allocation : {"erk", "epl", "igq", "uniform"}
        How the frozen counts are spread over layers (Erdos-Renyi-Kernel, equal per layer,
        ideal-gas quotas, or the same share in every layer).
    threshold : {"global", "layer"}
        One threshold over the network (the reference code's ``global_ep``), or one per layer
        (each layer then has the sparsity).
    init : InitSpec
        Weight and score distributions.
    compact_scores : bool
        Keep scores (and so optimizer state) only for FREE positions. Same results either way.
    method : {"edge_popup", "weights"}
        ``"weights"`` trains the weights instead (the weight-trained baseline); PRUNED entries
        stay zero, so it also trains a randomly pruned network.
    lock_method : {"sparsity_distribution", "density_distribution"}
        How LOCKED counts are spread over layers (the reference code's ``r_method``); see
        :func:`empirical.freezing.freeze_counts`. The reference configs use
        ``"sparsity_distribution"``.
    dynamic_scaling : bool
        Multiply each layer's masked weight by ``1 / sqrt(density of its current mask)`` at every
        forward (the reference code's ``scale_method: dynamic_scaled``, used for ImageNet).
        Cannot be combined with ``init.scale_by_density`` (static scaling).
    oracle_density : tuple of float
        Per-layer kept fraction of a found ticket (the reference code's ``mask_file`` option):
        when given, the frozen share ``prune_ratio + lock_ratio`` is split into pruned and locked
        per layer as :func:`empirical.freezing.oracle_counts` says. Empty (the default): off.
    """

    seed: int = 0
    sparsity: float = 0.5
    prune_ratio: float = 0.0
    lock_ratio: float = 0.0
    allocation: str = "erk"
    threshold: str = "global"
    init: InitSpec = InitSpec()
    compact_scores: bool = True
    method: str = "edge_popup"
    lock_method: str = "sparsity_distribution"
    dynamic_scaling: bool = False
    oracle_density: tuple = ()

    def __post_init__(self):
        if isinstance(self.init, dict):  # rebuilt from JSON
            try:
                object.__setattr__(self, "init", InitSpec(**self.init))
            except TypeError as err:
                raise InvalidParameterError(f"init: {err}") from None
        if not isinstance(self.init, InitSpec):
            raise InvalidParameterError(f"init must be an InitSpec, got {self.init!r}")
        object.__setattr__(self, "seed", count("seed", self.seed))
        sparsity = ratio("sparsity", self.sparsity)
        object.__setattr__(self, "sparsity", sparsity)
        prune, lock = freeze_split(self.prune_ratio, self.lock_ratio)
        object.__setattr__(self, "prune_ratio", prune)
        object.__setattr__(self, "lock_ratio", lock)
        choice("allocation", text("allocation", self.allocation), set(ALLOCATIONS))
        choice("threshold", text("threshold", self.threshold), set(THRESHOLDS))
        choice("method", text("method", self.method), set(METHODS))
        choice("lock_method", text("lock_method", self.lock_method), set(LOCK_METHODS))
        object.__setattr__(self, "compact_scores", flag("compact_scores", self.compact_scores))
        object.__setattr__(self, "dynamic_scaling", flag("dynamic_scaling", self.dynamic_scaling))
        if self.dynamic_scaling and self.init.scale_by_density:
            raise InvalidParameterError(
                "dynamic_scaling and init.scale_by_density are two ways of scaling the same "
                "weights: choose one")
        oracle = self.oracle_density
        if isinstance(oracle, (str, bytes)) or not isinstance(oracle, (list, tuple)):
            raise InvalidParameterError(
                f"oracle_density must be a list of per-layer densities in [0, 1], got {oracle!r}")
        object.__setattr__(self, "oracle_density", tuple(
            in_range(f"oracle_density[{i}]", d, 0.0, 1.0) for i, d in enumerate(oracle)))
        if self.method == "edge_popup" and not self.oracle_density:
            # 1e-12: ratios computed in floating point (p + (1 - keep) * free) may overshoot.
            if prune > sparsity + 1e-12:
                raise InvalidParameterError(
                    f"prune_ratio ({prune!r}) must be <= sparsity ({sparsity!r}): "
                    "otherwise more weights are pruned than the ticket removes and no search "
                    "happens")
            if lock > 1.0 - sparsity + 1e-12:
                raise InvalidParameterError(
                    f"lock_ratio ({lock!r}) must be <= 1 - sparsity ({1 - sparsity!r}): "
                    "otherwise more weights are locked than the ticket keeps and no search "
                    "happens")

    @property
    def freeze_ratio(self) -> float:
        """prune_ratio + lock_ratio."""
        return self.prune_ratio + self.lock_ratio

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        d["oracle_density"] = list(self.oracle_density)
        return d


@dataclasses.dataclass(frozen=True)
class DataHparams:
    """What is trained on and how it is batched.

    Parameters
    ----------
    dataset : {"digits", "digits32", "teacher_student", "cifar10", "imagenet", "ogbn_arxiv"}
        ``digits`` and ``teacher_student`` need nothing on disk; the others read ``data_root``.
    data_root : str or None
        Folder holding the data set (``cifar-10-batches-py``, ImageNet's ``train``/``val`` class
        folders, or ``ogbn_arxiv``); nothing is downloaded.
    batch_size : int
        Examples per optimizer step (a graph trains full-batch and ignores it), >= 1.
    seed : int
        Seed of the train / validation (/ test) split draws, >= 0.
    val_fraction : float
        Share of the training set held out as a validation set, in [0, 1); when there is a
        validation set (this, or the data set's own, as OGBN-Arxiv's), the ticket kept is the one
        of the epoch with the best validation accuracy, as the reference code does. 0: none.
    augment : {"none", "crop_flip", "resized_crop_flip"}
        Training-time augmentation: ``crop_flip`` is CIFAR's random 32x32 crop of the image padded
        by 4 pixels plus a horizontal flip; ``resized_crop_flip`` is ImageNet's RandomResizedCrop
        plus flip (evaluation then uses Resize + CenterCrop).
    image_size : int
        Side of the square crops of image folders (ImageNet: 224), in [8, MAX_IMAGE_SIZE = 4096]
        (refused here, before a run folder exists, rather than when the folder loads). Other
        data sets ignore it.
    """

    dataset: str = "digits"
    data_root: str | None = None
    batch_size: int = 64
    seed: int = 0
    val_fraction: float = 0.0
    augment: str = "none"
    image_size: int = 224

    def __post_init__(self):
        choice("dataset", text("dataset", self.dataset), set(DATASETS))
        object.__setattr__(self, "data_root", optional_path("data_root", self.data_root))
        object.__setattr__(self, "batch_size", count("batch_size", self.batch_size, 1))
        object.__setattr__(self, "seed", count("data seed", self.seed))
        object.__setattr__(self, "val_fraction", ratio("val_fraction", self.val_fraction))
        choice("augment", text("augment", self.augment), set(AUGMENTS))
        object.__setattr__(self, "image_size", count("image_size", self.image_size, 8))
        if self.image_size > MAX_IMAGE_SIZE:
            raise InvalidParameterError(
                f"image_size must be at most MAX_IMAGE_SIZE = {MAX_IMAGE_SIZE}, got "
                f"{self.image_size!r}")


@dataclasses.dataclass(frozen=True)
class ModelHparams:
    """The source architecture.

    Parameters
    ----------
    name : {"mlp", "conv6", "resnet18", "resnet50", "gin"}
        ResNets get the ImageNet stem on ``imagenet`` and the CIFAR stem otherwise.
    width : float
        Width factor: every layer has ``max(1, round(width * channels))`` channels, > 0.
    hidden : tuple of int
        The MLP's hidden widths; for GIN, ``len(hidden) + 1`` GIN layers of width ``hidden[0]``
        (the reference GIN is ``hidden=(386, 386, 386)``). Other models ignore it.
    batch_norm : bool
        Batch norm in the MLP and Conv6 (the ResNets and GIN always have it).
    affine_bn : bool
        Learn batch norm's scale and shift (the reference code: off).
    """

    name: str = "mlp"
    width: float = 1.0
    hidden: tuple = (128, 128)
    batch_norm: bool = False
    affine_bn: bool = False

    def __post_init__(self):
        choice("model", text("model", self.name), set(MODELS))
        object.__setattr__(self, "width", positive("width", self.width))
        object.__setattr__(self, "hidden", int_tuple("hidden", self.hidden, 1))
        object.__setattr__(self, "batch_norm", flag("batch_norm", self.batch_norm))
        object.__setattr__(self, "affine_bn", flag("affine_bn", self.affine_bn))


@dataclasses.dataclass(frozen=True)
class TrainHparams:
    """Optimisation. ``weight_decay = 0`` and ``schedule = "constant"`` switch those off.

    Parameters
    ----------
    epochs : int
        Passes over the training set, >= 1.
    optimizer : {"sgd", "adamw"}
        SGD with momentum, or AdamW.
    lr : float
        Learning rate, finite and > 0.
    momentum : float
        SGD momentum in [0, 1) (AdamW ignores it).
    weight_decay : float
        L2 penalty (SGD) or decoupled decay (AdamW) on the trained tensors, finite and >= 0.
    schedule : {"constant", "cosine"}
        Learning-rate schedule over the epochs (cosine anneals to 0 at the last epoch).
    seed : int
        Seed of the batch order and of the augmentation draws, >= 0.
    amp : bool
        Mixed precision (float16 autocast with loss scaling); applies on CUDA only.
    """

    epochs: int = 10
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 0.0
    schedule: str = "constant"
    seed: int = 0
    amp: bool = False

    def __post_init__(self):
        object.__setattr__(self, "epochs", count("epochs", self.epochs, 1))
        choice("optimizer", text("optimizer", self.optimizer), set(OPTIMIZERS))
        choice("schedule", text("schedule", self.schedule), set(SCHEDULES))
        object.__setattr__(self, "lr", positive("lr", self.lr))
        object.__setattr__(self, "momentum",
                           in_range("momentum", self.momentum, 0.0, 1.0, high_open=True))
        object.__setattr__(self, "weight_decay", nonnegative("weight_decay", self.weight_decay))
        object.__setattr__(self, "seed", count("train seed", self.seed))
        object.__setattr__(self, "amp", flag("amp", self.amp))


_SECTIONS = {"data": DataHparams, "model": ModelHparams, "supermask": SupermaskConfig,
             "train": TrainHparams}


def _section(name, cls, d):
    if isinstance(d, cls):
        return d
    if not isinstance(d, dict):
        raise InvalidParameterError(f"section {name!r} must be a table of fields, got {d!r}")
    fields = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(d) - set(fields))
    if unknown:
        raise InvalidParameterError(
            f"unknown field(s) {unknown} in section {name!r}; allowed: {fields}")
    d = dict(d)
    if name == "model" and isinstance(d.get("hidden"), list):
        d["hidden"] = tuple(d["hidden"])
    return cls(**d)


@dataclasses.dataclass(frozen=True)
class RunHparams:
    """Everything that determines a run's result (and so its folder name)."""

    data: DataHparams = DataHparams()
    model: ModelHparams = ModelHparams()
    supermask: SupermaskConfig = SupermaskConfig()
    train: TrainHparams = TrainHparams()

    def __post_init__(self):
        for name, cls in _SECTIONS.items():
            if not isinstance(getattr(self, name), cls):
                raise InvalidParameterError(
                    f"{name} must be a {cls.__name__}, got {getattr(self, name)!r}")

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        d["model"]["hidden"] = list(self.model.hidden)
        d["supermask"]["oracle_density"] = list(self.supermask.oracle_density)
        return d

    @classmethod
    def from_json(cls, d: dict) -> "RunHparams":
        """Rebuild from :meth:`to_json`; a missing section takes its defaults, an unknown field
        is an InvalidParameterError naming it."""
        if not isinstance(d, dict):
            raise InvalidParameterError(f"hyperparameters must be a table, got {d!r}")
        unknown = sorted(set(d) - set(_SECTIONS))
        if unknown:
            raise InvalidParameterError(
                f"unknown section(s) {unknown}; allowed: {sorted(_SECTIONS)}")
        return cls(**{name: _section(name, c, d.get(name, {})) for name, c in _SECTIONS.items()})

    @property
    def hash(self) -> str:
        """First 16 hex digits of the sha256 of the canonical JSON, without ``data.data_root``:
        where the data set lies is not what the run computes, so moving the data (or naming it
        by a relative path) finds the same run folder. The path is still in ``hparams.json``."""
        d = self.to_json()
        del d["data"]["data_root"]
        blob = json.dumps(d, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def baseline(kind: str, *, sparsity: float = 0.5, prune_ratio: float = 0.0,
             lock_ratio: float = 0.0, **config) -> SupermaskConfig:
    """The four baselines as supermask configs.

    ``dense_weights`` trains all weights; ``dense_source`` searches a ticket with nothing frozen;
    ``pruned_source`` freezes ``prune_ratio`` to removed (lock 0); ``frozen_source`` freezes both.

    Examples
    --------
    >>> baseline("pruned_source", sparsity=0.8, prune_ratio=0.5, lock_ratio=0.2).lock_ratio
    0.0
    """
    choice("baseline", text("baseline", kind), set(BASELINES))
    if kind == "dense_weights":
        return SupermaskConfig(method="weights", **config)
    if kind == "dense_source":
        return SupermaskConfig(sparsity=sparsity, **config)
    if kind == "pruned_source":
        return SupermaskConfig(sparsity=sparsity, prune_ratio=prune_ratio, **config)
    return SupermaskConfig(sparsity=sparsity, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                           **config)


def split_freeze(freeze_ratio: float, sparsity: float, rule: str = "proportional"):
    """(prune_ratio, lock_ratio) of a freeze ratio.

    ``"proportional"`` freezes in the ticket's own proportions, ``prune = F * sparsity`` and
    ``lock = F * (1 - sparsity)``, which every freeze ratio below 1 satisfies at every sparsity
    (prune <= sparsity, lock <= 1 - sparsity); ``"even"`` splits it in halves. Both give the
    reference README's example (sparsity 0.5, freeze 0.5 = 0.25 pruned + 0.25 locked).

    Examples
    --------
    >>> split_freeze(0.7, 0.5)
    (0.35, 0.35)
    >>> split_freeze(0.7, 0.7)
    (0.49, 0.21)
    """
    freeze_ratio = in_range("freeze_ratio", freeze_ratio, 0.0, 1.0, high_open=True)
    sparsity = ratio("sparsity", sparsity)
    choice("freeze_split", text("freeze_split", rule), set(FREEZE_SPLITS))
    # Rounded to 12 decimals so that 0.7 * 0.7 is the 0.49 a user would type (and hash).
    if rule == "even":
        prune = lock = round(freeze_ratio / 2, 12)
    else:
        prune, lock = round(freeze_ratio * sparsity, 12), round(freeze_ratio * (1 - sparsity), 12)
    return freeze_split(prune, lock)
