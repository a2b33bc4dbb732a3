"""Training runs: typed hyperparameters, a run folder named by their hash, a short loop, callbacks.

A run is fully described by a :class:`RunHparams` (:mod:`empirical.hparams`: frozen dataclasses
whose defaults switch features off). Its folder is ``<runs_dir>/<hash>``, the hash being that of
the hyperparameters' canonical JSON, so relaunching a sweep skips finished runs and resumes killed
ones from their last epoch checkpoint, to the same result as an uninterrupted run: batches and
augmentations are drawn by NumPy generators seeded with ``(seed, epoch)``, and the checkpoint holds
model, optimizer, schedule and the best-validation state.

What is validated before anything is written: the hyperparameters (in their dataclasses), the
device (a requested CUDA device that is absent is an InvalidParameterError), the data set on disk
and the architecture (built on the meta device first). Only then is the run folder created.

The loop only trains; evaluation, best-validation selection, checkpointing and metric files are
callbacks (:class:`Evaluate`, :class:`SelectBest`, :class:`Checkpoint`, :class:`MetricsLog`).
When the data set has a validation split, the ticket written is the one of the epoch with the
best validation accuracy (the reference code's ``best_val_ckpt``); otherwise the last epoch's.

Files are read back safely: ``checkpoint.pt`` with ``torch.load(weights_only=True)``, everything
else is JSON or the checksummed ticket format; what a finished run is and what happens to a
damaged file is said in :mod:`empirical.run_folder`.

Baselines (:func:`baseline`): a weight-trained dense network, and tickets in a dense, a randomly
pruned and a partially frozen source.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import sys
import time
from typing import Sequence

import numpy as np
import torch
from torch import nn

import slt_theory
from slt_theory.errors import InvalidParameterError
from slt_theory.runs.provenance import git_commit, write_bytes_atomic, write_json_atomic

from ._checks import count, optional_path
from .data import Split, load_dataset
from .devices import check_device_name, describe_device, resolve_device
from .feeds import make_feed
from .hparams import BASELINES, DataHparams, ModelHparams, RunHparams, TrainHparams, baseline
from .imagefolder import FolderData
from .layers import attach_threshold_hook, initialize, realised_sparsity
from .models import build_model
from .run_folder import (
    CHECKPOINT,
    HPARAMS,
    METRICS,
    SUMMARY,
    TICKET,
    finished_summary,
    load_checkpoint,
    set_aside,
)
from .ticket import model_size, save_ticket

__all__ = ["DataHparams", "ModelHparams", "TrainHparams", "RunHparams", "baseline", "train",
           "RunState", "Callback", "Evaluate", "SelectBest", "Checkpoint", "MetricsLog",
           "BASELINES"]


@dataclasses.dataclass
class RunState:
    """What callbacks see: the live objects and the metrics so far."""

    hparams: RunHparams
    run_dir: str
    model: nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: object
    data: Split | FolderData
    device: torch.device
    feed: object = None  # see empirical.feeds
    epoch: int = 0  # epochs completed
    history: list = dataclasses.field(default_factory=list)
    # best validation so far: {"epoch", "metric", "model": CPU state dict}, or None
    best: dict | None = None
    amp: bool = False

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
    """Validation (when there is a split) and test loss, accuracy for classification, and the
    realised sparsity: ``val_loss``, ``val_acc``, ``test_loss``, ``test_acc``, ``sparsity``."""

    @torch.no_grad()
    def on_epoch_end(self, state):
        model, feed = state.model, state.feed
        model.eval()
        cls = state.data.num_classes > 0
        for part in ("val", "test"):
            if not feed.has(part):
                continue
            total, correct, n = 0.0, 0, 0
            for args, y, index in feed.eval_batches(part):
                with torch.autocast(state.device.type, enabled=state.amp):
                    out = model(*args)
                out = (out if index is None else out[index]).float()
                total += float(_loss(out, y, cls)) * len(y)
                n += len(y)
                if cls:
                    correct += int((out.argmax(1) == y).sum())
            state.row[f"{part}_loss"] = total / n
            if cls:
                state.row[f"{part}_acc"] = correct / n
        state.row["sparsity"] = realised_sparsity(model)[0]


class SelectBest(Callback):
    """Keep the model of the epoch with the best validation accuracy (lowest validation loss for
    regression); ties keep the earlier epoch. Inactive without a validation split."""

    def on_epoch_end(self, state):
        if "val_loss" not in state.row:
            return
        metric = state.row.get("val_acc", -state.row["val_loss"])
        if state.best is None or metric > state.best["metric"]:
            state.best = {"epoch": state.epoch, "metric": metric,
                          "model": {k: v.detach().to("cpu", copy=True)
                                    for k, v in state.model.state_dict().items()}}


class Checkpoint(Callback):
    """Atomically save model, optimizer, schedule, history and the best-validation state after
    every epoch. Only tensors and plain containers, so it loads with ``weights_only=True``."""

    def on_epoch_end(self, state):
        buf = io.BytesIO()
        torch.save({"epoch": state.epoch, "model": state.model.state_dict(),
                    "optimizer": state.optimizer.state_dict(),
                    "scheduler": state.scheduler.state_dict(), "history": state.history,
                    "best": state.best}, buf)
        write_bytes_atomic(os.path.join(state.run_dir, CHECKPOINT), buf.getvalue())


class MetricsLog(Callback):
    """``metrics.json`` and ``metrics.csv`` rewritten atomically after every epoch."""

    def on_epoch_end(self, state):
        write_json_atomic(os.path.join(state.run_dir, METRICS), state.history)
        keys = list(dict.fromkeys(k for row in state.history for k in row))
        lines = [",".join(keys)] + [",".join(repr(r.get(k, "")) for k in keys)
                                    for r in state.history]
        write_bytes_atomic(os.path.join(state.run_dir, "metrics.csv"),
                           ("\n".join(lines) + "\n").encode())


def _model_kwargs(hp: RunHparams, d) -> dict:
    """Constructor arguments of the model ``hp.model`` for the loaded data ``d``."""
    m = hp.model
    if isinstance(d, FolderData):
        if m.name in ("resnet18", "resnet50"):
            return dict(width=m.width, num_classes=d.num_classes, stem="imagenet",
                        affine_bn=m.affine_bn)
        if m.name == "conv6" and hp.data.image_size == 32:
            return dict(width=m.width, num_classes=d.num_classes, batch_norm=m.batch_norm,
                        affine_bn=m.affine_bn)
        raise InvalidParameterError(
            f"model {m.name!r} cannot read {hp.data.image_size}x{hp.data.image_size} image "
            "folders: use resnet18 or resnet50 (or conv6 with image_size 32)")
    out = d.num_classes if d.num_classes > 0 else int(np.prod(d.y_train.shape[1:]))
    if m.name == "gin":
        if "edge_index" not in d.extra:
            raise InvalidParameterError(
                f"model 'gin' needs a graph dataset, not {hp.data.dataset!r}")
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
        if d.x_train.shape[2:] != (32, 32):
            raise InvalidParameterError(
                f"conv6 needs 32x32 images, {hp.data.dataset!r} has "
                f"{d.x_train.shape[2]}x{d.x_train.shape[3]}")
        return dict(width=m.width, num_classes=out, in_channels=d.x_train.shape[1],
                    batch_norm=m.batch_norm, affine_bn=m.affine_bn)
    if d.x_train.shape[1] != 3:
        raise InvalidParameterError(f"{m.name} needs 3-channel images")
    return dict(width=m.width, num_classes=out, stem="cifar", affine_bn=m.affine_bn)


def _build(hp: RunHparams, data, dev, run_dir, workers):
    """A fresh RunState: model drawn from its seeds, optimizer, schedule, feed."""
    model = build_model(hp.model.name, **_model_kwargs(hp, data))
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
    state = RunState(hp, run_dir, model, opt, sched, data, dev,
                     feed=make_feed(data, hp, dev, workers))
    state.amp = t.amp and dev.type == "cuda"
    return state


def _restore(state, saved) -> bool:
    """Load a checkpoint into a fresh state; False when it does not fit this run."""
    try:
        state.model.load_state_dict(saved["model"])
        state.optimizer.load_state_dict(saved["optimizer"])
        state.scheduler.load_state_dict(saved["scheduler"])
    except (RuntimeError, KeyError, ValueError, TypeError, IndexError):
        return False
    if not 0 <= saved["epoch"] <= state.hparams.train.epochs:
        return False
    state.epoch, state.history = saved["epoch"], saved["history"]
    best = saved["best"]
    if best is not None:
        if not isinstance(best, dict) or not {"epoch", "metric", "model"} <= set(best):
            return False
        best = {**best, "model": {k: v.to("cpu") for k, v in best["model"].items()}}
    state.best = best
    return True


def train(hp: RunHparams, runs_dir="runs", callbacks: Sequence[Callback] | None = None,
          progress: bool = True, device=None, stop_after: int | None = None, workers: int = 0,
          provenance: dict | None = None) -> dict:
    """Run (or resume, or skip if finished) the run ``hp`` under ``runs_dir/<hp.hash>``.

    Parameters
    ----------
    callbacks
        Extra callbacks (a list of :class:`Callback` instances), run after the built-in
        :class:`Evaluate` and :class:`SelectBest` and before :class:`MetricsLog` and
        :class:`Checkpoint`.
    device
        ``"auto"`` or None (CUDA when available), ``"cpu"``, ``"cuda"``, ``"cuda:N"``. A CUDA
        device that is absent is an InvalidParameterError, raised before any file is written.
        Not part of the hash; recorded in ``hparams.json`` and the summary.
    stop_after
        Return after this many completed epochs without finishing (simulates a killed run).
    workers
        DataLoader worker processes for image folders (ImageNet); results do not depend on it.
    provenance
        JSON-serialisable notes stored in ``hparams.json`` (the command line records the recipe,
        its version, the config file and the overrides that produced ``hp``).

    Returns
    -------
    dict
        ``summary.json``: the last epoch's metrics (``final``), those of the epoch whose ticket was
        kept (``selected``, with ``selection`` "best_val" or "last"), the size report, the device
        and the run folder.
    """
    if not isinstance(hp, RunHparams):
        raise InvalidParameterError(f"hp must be a RunHparams, got {hp!r}")
    runs_dir = optional_path("runs_dir", runs_dir)
    if runs_dir is None:
        raise InvalidParameterError("runs_dir must be a folder path, got None")
    if os.path.exists(runs_dir) and not os.path.isdir(runs_dir):
        raise InvalidParameterError(f"runs_dir {runs_dir!r} exists and is not a folder")
    if stop_after is not None:
        stop_after = count("stop_after", stop_after, 1)
    workers = count("workers", workers, 0)
    check_device_name(device)
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise InvalidParameterError(
            f"callbacks must be a list of Callback instances or None, got {callbacks!r}")
    callbacks = list(callbacks or ())
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise InvalidParameterError(f"callbacks must be Callback instances, got {cb!r}")
    try:
        json.dumps(provenance, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(f"provenance must be JSON-serialisable: {err}") from None

    run_dir = os.path.join(runs_dir, hp.hash)
    done = finished_summary(run_dir, hp.hash, hp.train.epochs)
    if done is not None:  # finished: a relaunched sweep skips it
        return done

    # Everything that can be refused is checked before the folder exists.
    dev = resolve_device(device)
    data = load_dataset(hp.data.dataset, hp.data.data_root, hp.data.seed, hp.data.val_fraction,
                        hp.data.image_size, hp.data.augment == "resized_crop_flip")
    if hp.data.augment == "crop_flip" and not (isinstance(data, Split) and data.x_train.ndim == 4):
        raise InvalidParameterError(
            f"augment 'crop_flip' needs in-memory images, not {hp.data.dataset!r}")
    if hp.data.augment == "resized_crop_flip" and not isinstance(data, FolderData):
        raise InvalidParameterError(
            f"augment 'resized_crop_flip' is for image folders (imagenet), not {hp.data.dataset!r}")
    state = _build(hp, data, dev, run_dir, workers)
    env = describe_device(dev)
    if progress:
        print(f"slt train: {hp.hash} on {env['device']} ({env['name']}), torch {env['torch']}"
              f"{', CUDA ' + env['cuda_build'] if env['cuda_build'] else ', CPU build'}"
              f"{', AMP' if state.amp else ''}", file=sys.stderr)

    os.makedirs(run_dir, exist_ok=True)
    write_json_atomic(os.path.join(run_dir, HPARAMS), {
        "hparams": hp.to_json(), "hash": hp.hash, "provenance": provenance,
        "git_commit": git_commit(), "torch": torch.__version__, "numpy": np.__version__,
        "frozen_slt": slt_theory.__version__, "device": env, "amp_active": state.amp})

    ckpt = os.path.join(run_dir, CHECKPOINT)
    saved = load_checkpoint(ckpt, dev)
    if saved is not None and not _restore(state, saved):
        set_aside(ckpt, "does not fit this run's model or optimizer")
        state = _build(hp, data, dev, run_dir, workers)

    cbs = [Evaluate(), SelectBest(), *callbacks, MetricsLog(), Checkpoint()]
    cls = data.num_classes > 0
    model, opt, t = state.model, state.optimizer, hp.train
    scaler = torch.amp.GradScaler("cuda", enabled=state.amp)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        def tqdm(it, **_):
            return it
    # labelled by stage and unit, with the time left; leave=True keeps it on screen when done
    bar = tqdm(range(state.epoch, t.epochs), initial=state.epoch, total=t.epochs,
               disable=not progress, desc="training", unit="epoch", leave=True)
    for epoch in bar:
        model.train()
        start, total, seen = time.perf_counter(), 0.0, 0
        for args, y, index in state.feed.train_batches(epoch):
            opt.zero_grad(set_to_none=True)
            with torch.autocast(dev.type, enabled=state.amp):
                out = model(*args)
                loss = _loss((out if index is None else out[index]).float(), y, cls)
            scaler.scale(loss).backward()
            scaler.step(opt)  # the post-step hook recomputes the thresholds
            scaler.update()
            total += float(loss.detach()) * len(y)
            seen += len(y)
        state.scheduler.step()
        state.epoch = epoch + 1
        state.history.append({"epoch": state.epoch, "train_loss": total / seen,
                              "lr": opt.param_groups[0]["lr"],
                              "seconds": time.perf_counter() - start})
        for cb in cbs:
            cb.on_epoch_end(state)
        if progress:
            bar.set_postfix({k: round(v, 4) for k, v in state.row.items()
                             if k in ("train_loss", "val_acc", "test_acc", "test_loss")})
        if stop_after is not None and state.epoch >= stop_after and state.epoch < t.epochs:
            return {"stopped_at": state.epoch, "run_dir": run_dir}
    for cb in cbs:
        cb.on_run_end(state)
    return _finish(state, env)


def _finish(state, env) -> dict:
    """Write the ticket of the selected epoch and ``summary.json``; returns the summary."""
    hp, model, run_dir = state.hparams, state.model, state.run_dir
    # A run resumed at its last epoch trains nothing: rewrite the metrics it may have lost.
    MetricsLog().on_epoch_end(state)
    selected, selection = state.history[-1], "last"
    if state.best is not None:
        model.load_state_dict(state.best["model"])
        selected, selection = state.history[state.best["epoch"] - 1], "best_val"
    model.eval()
    ticket = os.path.join(run_dir, TICKET)
    save_ticket(model.cpu(), ticket)
    size = model_size(model)
    summary = {"hash": hp.hash, "run_dir": run_dir, "final": state.history[-1],
               "selected": selected, "selection": selection,
               "size_bits": {"mask_only": size.mask_only, "complete": size.complete},
               "n_weights": size.n_weights, "n_free": size.n_free,
               "ticket_bytes": os.path.getsize(ticket), "device": env}
    write_json_atomic(os.path.join(run_dir, SUMMARY), summary)
    return summary
