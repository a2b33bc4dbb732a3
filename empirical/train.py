"""Training runs: typed hyperparameters, a run folder named by their hash, a short loop, callbacks.

A run is fully described by a :class:`RunHparams` (frozen dataclasses whose defaults switch
features off). Its folder is ``<runs_dir>/<hash>``, the hash being that of the hyperparameters'
canonical JSON, so relaunching a sweep skips finished runs and resumes killed ones from their last
epoch checkpoint, to the same result as an uninterrupted run: batches are ordered by a NumPy
generator seeded with ``(seed, epoch)``, and the checkpoint holds model, optimizer and schedule.

The loop only trains; evaluation, checkpointing and metric files are callbacks
(:class:`Evaluate`, :class:`Checkpoint`, :class:`MetricsLog`).

Baselines (:func:`baseline`): a weight-trained dense network, and tickets in a dense, a randomly
pruned and a partially frozen source.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import time
from typing import Sequence

import numpy as np
import torch
from torch import nn

import slt_theory
from slt_theory._validate import choice, integer, positive
from slt_theory.errors import InvalidParameterError
from slt_theory.runs.provenance import git_commit, write_bytes_atomic, write_json_atomic

from .data import Split, load_dataset
from .layers import (
    SupermaskConfig,
    attach_threshold_hook,
    initialize,
    realised_sparsity,
)
from .models import build_model
from .ticket import model_size, save_ticket

__all__ = ["DataHparams", "ModelHparams", "TrainHparams", "RunHparams", "baseline", "train",
           "RunState", "Callback", "Evaluate", "Checkpoint", "MetricsLog", "BASELINES"]


@dataclasses.dataclass(frozen=True)
class DataHparams:
    """``dataset`` in {"digits", "teacher_student", "cifar10"}; ``seed`` draws the split."""

    dataset: str = "digits"
    data_root: str | None = None
    batch_size: int = 64
    seed: int = 0

    def __post_init__(self):
        choice("dataset", self.dataset, {"digits", "digits32", "teacher_student", "cifar10",
                                         "ogbn_arxiv"})
        integer("batch_size", self.batch_size, 1)


@dataclasses.dataclass(frozen=True)
class ModelHparams:
    """Architecture. ``hidden``: the MLP's hidden widths; for GIN, ``len(hidden) + 1`` layers of
    width ``hidden[0]`` (the reference GIN is ``hidden=(386, 386, 386)``)."""

    name: str = "mlp"
    width: float = 1.0
    hidden: tuple = (128, 128)
    batch_norm: bool = False
    affine_bn: bool = False

    def __post_init__(self):
        choice("model", self.name, {"mlp", "conv6", "resnet18", "gin"})
        positive("width", self.width)
        object.__setattr__(self, "hidden", tuple(integer("hidden", h, 1) for h in self.hidden))


@dataclasses.dataclass(frozen=True)
class TrainHparams:
    """Optimisation. ``weight_decay = 0`` and ``schedule = "constant"`` switch those off."""

    epochs: int = 10
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 0.0
    schedule: str = "constant"
    seed: int = 0
    amp: bool = False

    def __post_init__(self):
        integer("epochs", self.epochs, 1)
        choice("optimizer", self.optimizer, {"sgd", "adamw"})
        choice("schedule", self.schedule, {"constant", "cosine"})
        positive("lr", self.lr)
        if not 0 <= self.momentum < 1:
            raise InvalidParameterError(f"momentum must lie in [0, 1), got {self.momentum!r}")
        if self.weight_decay < 0:
            raise InvalidParameterError(f"weight_decay must be >= 0, got {self.weight_decay!r}")


@dataclasses.dataclass(frozen=True)
class RunHparams:
    """Everything that determines a run's result (and so its folder name)."""

    data: DataHparams = DataHparams()
    model: ModelHparams = ModelHparams()
    supermask: SupermaskConfig = SupermaskConfig()
    train: TrainHparams = TrainHparams()

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> "RunHparams":
        return cls(DataHparams(**d["data"]), ModelHparams(**d["model"]),
                   SupermaskConfig(**d["supermask"]), TrainHparams(**d["train"]))

    @property
    def hash(self) -> str:
        """First 16 hex digits of the sha256 of the canonical JSON."""
        blob = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


BASELINES = ("dense_weights", "dense_source", "pruned_source", "frozen_source")


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
    choice("baseline", kind, set(BASELINES))
    if kind == "dense_weights":
        return SupermaskConfig(method="weights", **config)
    if kind == "dense_source":
        return SupermaskConfig(sparsity=sparsity, **config)
    if kind == "pruned_source":
        return SupermaskConfig(sparsity=sparsity, prune_ratio=prune_ratio, **config)
    return SupermaskConfig(sparsity=sparsity, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                           **config)


@dataclasses.dataclass
class RunState:
    """What callbacks see: the live objects and the metrics so far."""

    hparams: RunHparams
    run_dir: str
    model: nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: object
    data: Split
    device: torch.device
    graph: tuple | None = None  # (features, mean adjacency, labels, train idx, test idx)
    epoch: int = 0  # epochs completed
    history: list = dataclasses.field(default_factory=list)

    @property
    def row(self) -> dict:
        """The current epoch's metrics row (callbacks add to it)."""
        return self.history[-1]


class Callback:
    """Hook called after every epoch with the :class:`RunState` (and at the end of the run)."""

    def on_epoch_end(self, state: RunState) -> None:
        pass

    def on_run_end(self, state: RunState) -> None:
        pass


def _loss(logits, y, classification):
    if classification:
        return nn.functional.cross_entropy(logits, y)
    return nn.functional.mse_loss(logits, y)


class Evaluate(Callback):
    """Test loss (and accuracy for classification) plus the realised sparsity."""

    @torch.no_grad()
    def on_epoch_end(self, state):
        model, d = state.model, state.data
        model.eval()
        cls = d.num_classes > 0
        if state.graph is not None:  # full-graph inference, scored on the test nodes
            xg, adj, yg, _, test = state.graph
            batches = [(model(xg, adj)[test].float(), yg[test])]
            n = len(test)
        else:
            x = torch.as_tensor(d.x_test, device=state.device)
            y = torch.as_tensor(d.y_test, device=state.device)
            batches = ((model(x[i:i + 1024]).float(), y[i:i + 1024]) for i in range(0, len(x), 1024))
            n = len(x)
        total, correct = 0.0, 0
        for out, y in batches:
            total += float(_loss(out, y, cls)) * len(out)
            if cls:
                correct += int((out.argmax(1) == y).sum())
        state.row["test_loss"] = total / n
        if cls:
            state.row["test_acc"] = correct / n
        state.row["sparsity"] = realised_sparsity(model)[0]


class Checkpoint(Callback):
    """Atomically save model, optimizer, schedule and history after every epoch."""

    def on_epoch_end(self, state):
        buf = io.BytesIO()
        torch.save({"epoch": state.epoch, "model": state.model.state_dict(),
                    "optimizer": state.optimizer.state_dict(),
                    "scheduler": state.scheduler.state_dict(), "history": state.history}, buf)
        write_bytes_atomic(os.path.join(state.run_dir, "checkpoint.pt"), buf.getvalue())


class MetricsLog(Callback):
    """``metrics.json`` and ``metrics.csv`` rewritten atomically after every epoch."""

    def on_epoch_end(self, state):
        write_json_atomic(os.path.join(state.run_dir, "metrics.json"), state.history)
        keys = list(dict.fromkeys(k for row in state.history for k in row))
        lines = [",".join(keys)] + [",".join(repr(r.get(k, "")) for k in keys)
                                    for r in state.history]
        write_bytes_atomic(os.path.join(state.run_dir, "metrics.csv"), ("\n".join(lines) + "\n").encode())


def _model_kwargs(hp: RunHparams, d: Split) -> dict:
    m = hp.model
    out = d.num_classes if d.num_classes > 0 else int(np.prod(d.y_train.shape[1:]))
    if m.name == "gin":
        if "edge_index" not in d.extra:
            raise InvalidParameterError(f"model 'gin' needs a graph dataset, not {hp.data.dataset!r}")
        return dict(in_features=int(d.extra["x"].shape[1]), hidden=m.hidden[0],
                    num_classes=out, num_layers=len(m.hidden) + 1, width=m.width,
                    affine_bn=m.affine_bn)
    if "edge_index" in d.extra:
        raise InvalidParameterError(f"dataset {hp.data.dataset!r} is a graph: use model 'gin'")
    if m.name == "mlp":
        return dict(in_features=int(np.prod(d.x_train.shape[1:])), hidden=list(m.hidden),
                    out_features=out, width=m.width, batch_norm=m.batch_norm,
                    affine_bn=m.affine_bn)
    if d.x_train.ndim != 4:
        raise InvalidParameterError(f"model {m.name!r} needs image data, not {hp.data.dataset!r}")
    if m.name == "conv6":
        return dict(width=m.width, num_classes=out, in_channels=d.x_train.shape[1],
                    batch_norm=m.batch_norm, affine_bn=m.affine_bn)
    return dict(width=m.width, num_classes=out, affine_bn=m.affine_bn)


def _device(requested):
    if requested in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(requested)


def train(hp: RunHparams, runs_dir="runs", callbacks: Sequence[Callback] | None = None,
          progress: bool = True, device=None, stop_after: int | None = None) -> dict:
    """Run (or resume, or skip if finished) the run ``hp`` under ``runs_dir/<hp.hash>``.

    Parameters
    ----------
    callbacks
        Extra callbacks, run after the built-in :class:`Evaluate` and before
        :class:`MetricsLog` and :class:`Checkpoint`.
    device
        ``"cpu"``, ``"cuda"``, or ``None`` for CUDA when available. Not part of the hash.
    stop_after
        Return after this many completed epochs without finishing (simulates a killed run).

    Returns
    -------
    dict
        ``summary.json``: final metrics, realised sparsity, size report, run folder.
    """
    if not isinstance(hp, RunHparams):
        raise InvalidParameterError(f"hp must be a RunHparams, got {hp!r}")
    run_dir = os.path.join(os.fspath(runs_dir), hp.hash)
    summary_path = os.path.join(run_dir, "summary.json")
    if os.path.exists(summary_path):  # finished: a relaunched sweep skips it
        with open(summary_path) as f:
            return json.load(f)
    os.makedirs(run_dir, exist_ok=True)
    write_json_atomic(os.path.join(run_dir, "hparams.json"), {
        "hparams": hp.to_json(), "hash": hp.hash, "git_commit": git_commit(),
        "torch": torch.__version__, "numpy": np.__version__,
        "frozen_slt": slt_theory.__version__})

    dev = _device(device)
    d = load_dataset(hp.data.dataset, hp.data.data_root, hp.data.seed)
    model = build_model(hp.model.name, **_model_kwargs(hp, d))
    initialize(model, hp.supermask)
    model.to(dev)
    params = [p for p in model.parameters() if p.requires_grad and p.numel() > 0]
    t = hp.train
    if t.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=t.lr, momentum=t.momentum, weight_decay=t.weight_decay)
    else:
        opt = torch.optim.AdamW(params, lr=t.lr, weight_decay=t.weight_decay)
    if t.schedule == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=t.epochs)
    else:
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda _: 1.0)
    attach_threshold_hook(opt, model)
    state = RunState(hp, run_dir, model, opt, sched, d, dev)

    ckpt = os.path.join(run_dir, "checkpoint.pt")
    if os.path.exists(ckpt):
        saved = torch.load(ckpt, map_location=dev, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        sched.load_state_dict(saved["scheduler"])
        state.epoch, state.history = saved["epoch"], saved["history"]

    cbs = [Evaluate(), *(callbacks or ()), MetricsLog(), Checkpoint()]
    cls = d.num_classes > 0
    x_all = torch.as_tensor(d.x_train, device=dev)
    y_all = torch.as_tensor(d.y_train, device=dev)
    if "edge_index" in d.extra:
        from .models import mean_adjacency

        xg = torch.as_tensor(d.extra["x"], device=dev)
        state.graph = (xg, mean_adjacency(d.extra["edge_index"], len(xg)).to(dev),
                       torch.as_tensor(d.extra["y"], device=dev),
                       torch.as_tensor(d.extra["train"], device=dev),
                       torch.as_tensor(d.extra["test"], device=dev))
    amp = t.amp and dev.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        def tqdm(it, **_):
            return it
    bar = tqdm(range(state.epoch, t.epochs), initial=state.epoch, total=t.epochs,
               disable=not progress, desc=hp.hash)
    for epoch in bar:
        model.train()
        order = torch.as_tensor(np.argsort(
            np.random.default_rng([t.seed, epoch]).random(len(x_all)), kind="stable"),
            device=dev)
        start, total = time.perf_counter(), 0.0
        # A graph trains full-batch: one step per epoch on all training nodes.
        step = len(order) if state.graph else hp.data.batch_size
        for i in range(0, len(order), step):
            idx = order[i:i + step]
            opt.zero_grad(set_to_none=True)
            with torch.autocast(dev.type, enabled=amp):
                if state.graph:
                    xg, adj, yg, train_nodes, _ = state.graph
                    loss = _loss(model(xg, adj)[train_nodes].float(), yg[train_nodes], cls)
                else:
                    loss = _loss(model(x_all[idx]).float(), y_all[idx], cls)
            scaler.scale(loss).backward()
            scaler.step(opt)  # the post-step hook recomputes the thresholds
            scaler.update()
            total += float(loss.detach()) * len(idx)
        sched.step()
        state.epoch = epoch + 1
        state.history.append({"epoch": state.epoch, "train_loss": total / len(order),
                              "lr": opt.param_groups[0]["lr"],
                              "seconds": time.perf_counter() - start})
        for cb in cbs:
            cb.on_epoch_end(state)
        if progress:
            bar.set_postfix({k: round(v, 4) for k, v in state.row.items()
                             if k in ("train_loss", "test_acc", "test_loss")})
        if stop_after is not None and state.epoch >= stop_after and state.epoch < t.epochs:
            return {"stopped_at": state.epoch, "run_dir": run_dir}
    for cb in cbs:
        cb.on_run_end(state)
    model.eval()
    save_ticket(model.cpu(), os.path.join(run_dir, "ticket.fslt"))
    size = model_size(model)
    summary = {"hash": hp.hash, "run_dir": run_dir, "final": state.history[-1],
               "size_bits": {"mask_only": size.mask_only, "complete": size.complete},
               "n_weights": size.n_weights, "n_free": size.n_free,
               "ticket_bytes": os.path.getsize(os.path.join(run_dir, "ticket.fslt"))}
    write_json_atomic(summary_path, summary)
    return summary

