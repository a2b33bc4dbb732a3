"""Accuracy against mask bits: tickets in dense, randomly pruned and frozen sources.

*Model size* is the paper's mask-only accounting: one bit per FREE weight, the weights the search
decides (pruned and locked weights are regenerated from the seed and cost nothing). A reference
source with N_ref weights (Conv6 at a width factor, or an MLP) and a freeze ratio f give a budget
of B_f = (1 - f) N_ref mask bits, which three kinds of source meet:

- ``dense``: nothing frozen, at the narrower width whose weight count is closest to B_f;
- ``pruned``: the reference width with a share f of its weights pruned at random (lock 0);
- ``frozen``: the reference width with f split into lock l = lock_share * f and prune p = f - l.

Every kind searches (Edge-Popup) a ticket that keeps a share k (``keep_share``) of its free
weights, so its sparsity (fraction of weights removed) is s = p + (1 - k)(1 - p - l); for the
frozen source with p = l and k = 1/2 this is the paper's ticket density 1/2. Per budget, each kind
is shown at its best setting (k, and the split for ``frozen``), chosen by the mean *validation*
accuracy over seeds (:func:`empirical.paired.select_best`); test accuracy only reports.
Differences between kinds are paired by seed (same data split and batch order) with Student-t
intervals (:func:`empirical.paired.paired_difference`).

Every run goes through :func:`empirical.train.train` (its own run folder resumes a killed run) and
the run store (a finished run is a file named by the hash of its parameters, paths excluded), so
the same command resumes a killed sweep. Every hyperparameter that changes a result is passed
explicitly (allocation, threshold, initialisation, optimiser), so a changed library default does
not change these numbers.

    python -m empirical.frontier --models conv6 mlp --out results/frontier
    python -m empirical.frontier --models conv6 --dataset cifar10 --data-root ~/data/cifar10
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import math
import os
import sys
import time

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError

from .paired import paired_difference, select_best

__all__ = ["FrontierConfig", "KINDS", "PAIRS", "INPUT_SHAPES", "n_weights", "narrower_width",
           "settings", "tasks", "run_task", "summarise", "run_frontier", "main"]

KINDS = ("dense", "pruned", "frozen")
# (a, b): the reported difference is a - b
PAIRS = (("frozen", "pruned"), ("frozen", "dense"), ("pruned", "dense"))
# input shape of one example, per dataset the frontier knows how to size models for
INPUT_SHAPES = {"digits32": (1, 32, 32), "digits": (64,), "cifar10": (3, 32, 32)}
_ROUND = 10  # ratios are rounded so that 0.35000000000000003 and 0.35 are one setting
# narrower_width builds every narrower source (MLP: each hidden width 1..reference; Conv6: each
# factor j/256 up to the reference), so the reference is bounded to keep that search to a few
# thousand model builds; the paper's largest are 256 units and 0.25.
MAX_MLP_WIDTH = 4096
MAX_CONV6_WIDTH = 16.0
MAX_DEPTH = 1024
MAX_SEED = 2**64 - 1  # the range torch.manual_seed takes
# a typo such as 2**70 epochs would train for ever; the paper's scale trains 30
MAX_EPOCHS = 100_000


@dataclasses.dataclass(frozen=True)
class FrontierConfig:
    """One model's frontier: the grid, the training recipe and the seeds.

    Parameters
    ----------
    model : {"conv6", "mlp"}
    reference_width : float
        Conv6's width factor (channels times this, at most :data:`MAX_CONV6_WIDTH`), or the
        MLP's hidden units per layer (an integer, at most :data:`MAX_MLP_WIDTH`).
    depth : int
        Hidden layers of the MLP, 1..:data:`MAX_DEPTH` (Conv6 has six convolutions and three
        linear layers).
    dataset : {"digits32", "digits", "cifar10"}
        ``digits32`` carries a validation split; for the others settings are chosen on test
        accuracy and the tables say so (``selected_on``).
    freeze_ratios : tuple of float in (0, 1)
        The budgets: (1 - f) N_ref mask bits each.
    keep_shares : tuple of float in (0, 1]
        Shares of the free weights a ticket keeps, searched for every kind.
    lock_shares : tuple of float in (0, 1)
        lock_ratio / freeze_ratio of the frozen splits.
    include_reference : bool
        Also run the dense source at the reference width (f = 0, N_ref bits).
    seeds, epochs, batch_size, optimizer, lr, momentum, weight_decay, schedule
        The training recipe (defaults: the official Conv6 recipe's optimiser, shorter); seeds
        in 0..:data:`MAX_SEED`, epochs in 1..:data:`MAX_EPOCHS`.
    allocation, threshold, weight_init, score_init, scale_by_density
        How the source is drawn and searched (:class:`empirical.layers.SupermaskConfig`).
    """

    model: str = "conv6"
    reference_width: float = 0.125
    depth: int = 2
    dataset: str = "digits32"
    freeze_ratios: tuple = (0.5, 0.8)
    keep_shares: tuple = (0.3, 0.5, 0.7)
    lock_shares: tuple = (0.5,)
    include_reference: bool = True
    seeds: tuple = (0, 1, 2)
    epochs: int = 5
    batch_size: int = 32
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 1e-4
    schedule: str = "cosine"
    allocation: str = "erk"
    threshold: str = "global"
    weight_init: str = "kaiming_uniform"
    score_init: str = "kaiming_normal"
    scale_by_density: bool = False

    def __post_init__(self):
        _validate.choice("model", self.model, {"conv6", "mlp"})
        _validate.choice("dataset", self.dataset, set(INPUT_SHAPES))
        if self.model == "conv6" and len(INPUT_SHAPES[self.dataset]) != 3:
            raise InvalidParameterError(
                f"model 'conv6' needs 32x32 images, not dataset {self.dataset!r}")
        if self.model == "mlp":
            width = _validate.integer("reference_width", self.reference_width, minimum=1,
                                      maximum=MAX_MLP_WIDTH)
        else:
            width = _validate.positive("reference_width", self.reference_width)
            if width > MAX_CONV6_WIDTH:
                raise InvalidParameterError(
                    f"reference_width of Conv6 must be at most {MAX_CONV6_WIDTH}, got {width!r}")
        object.__setattr__(self, "reference_width", width)
        object.__setattr__(self, "depth",
                           _validate.integer("depth", self.depth, minimum=1, maximum=MAX_DEPTH))
        for name in ("freeze_ratios", "keep_shares", "lock_shares", "seeds"):
            value = getattr(self, name)
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or not len(value):
                raise InvalidParameterError(f"{name} must be a non-empty tuple, got {value!r}")
            object.__setattr__(self, name, tuple(value))
        # the checked values are kept as plain Python numbers, so that tasks (and run-store
        # keys) hold the same JSON whether the caller passed numpy or Python numbers
        object.__setattr__(self, "freeze_ratios", tuple(
            _validate.open_unit("freeze_ratios", f) for f in self.freeze_ratios))
        keep = tuple(_validate.positive("keep_shares", k) for k in self.keep_shares)
        for k in keep:
            if k > 1.0:
                raise InvalidParameterError(f"keep_shares must lie in (0, 1], got {k!r}")
        object.__setattr__(self, "keep_shares", keep)
        object.__setattr__(self, "lock_shares", tuple(
            _validate.open_unit("lock_shares", s) for s in self.lock_shares))
        object.__setattr__(self, "seeds", tuple(
            _validate.integer("seeds", s, minimum=0, maximum=MAX_SEED) for s in self.seeds))
        if len(set(self.seeds)) != len(self.seeds):
            raise InvalidParameterError(f"seeds must be distinct, got {self.seeds!r}")
        object.__setattr__(self, "epochs", _validate.integer("epochs", self.epochs, minimum=1,
                                                             maximum=MAX_EPOCHS))
        object.__setattr__(self, "batch_size",
                           _validate.integer("batch_size", self.batch_size, minimum=1))
        _validate.choice("optimizer", self.optimizer, {"sgd", "adamw"})
        object.__setattr__(self, "lr", _validate.positive("lr", self.lr))
        if not 0.0 <= _validate.finite("momentum", self.momentum) < 1.0:
            raise InvalidParameterError(f"momentum must lie in [0, 1), got {self.momentum!r}")
        if _validate.finite("weight_decay", self.weight_decay) < 0.0:
            raise InvalidParameterError(f"weight_decay must be >= 0, got {self.weight_decay!r}")
        object.__setattr__(self, "momentum", float(self.momentum))
        object.__setattr__(self, "weight_decay", float(self.weight_decay))
        _validate.choice("schedule", self.schedule, {"constant", "cosine"})
        _validate.choice("allocation", self.allocation, {"uniform", "erk", "epl", "igq"})
        _validate.choice("threshold", self.threshold, {"global", "layer"})
        if not isinstance(self.include_reference, bool) or not isinstance(self.scale_by_density,
                                                                           bool):
            raise InvalidParameterError("include_reference and scale_by_density must be bools")


# ------------------------------------------------------------------------------ model sizes

def _model_kwargs(model, width, depth, dataset):
    shape = INPUT_SHAPES[dataset]
    if model == "conv6":
        return dict(width=float(width), num_classes=10, in_channels=shape[0], batch_norm=True)
    return dict(in_features=math.prod(shape), hidden=[int(width)] * depth, out_features=10,
                batch_norm=True)


def n_weights(model: str, width, depth: int, dataset: str) -> int:
    """Weights of the source (entries of its supermask layers), counted on the built model so
    that the count and the trained network can never disagree.

    Parameters
    ----------
    model : {"mlp", "conv6"}
    width : int in [1, MAX_MLP_WIDTH] (MLP hidden units) or float in (0, MAX_CONV6_WIDTH]
        (Conv6 width factor)
    depth : int in [1, MAX_DEPTH]
        Hidden layers of the MLP (Conv6 has its fixed depth; still checked).
    dataset : one of INPUT_SHAPES

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges.
    """
    model = _validate.choice("model", model, ("mlp", "conv6"))
    dataset = _validate.choice("dataset", dataset, tuple(INPUT_SHAPES))
    depth = _validate.integer("depth", depth, 1, MAX_DEPTH)
    if model == "mlp":
        width = _validate.integer("width", width, 1, MAX_MLP_WIDTH)
    else:
        width = _validate.positive("width", width)
        if width > MAX_CONV6_WIDTH:
            raise InvalidParameterError(
                f"width must be at most MAX_CONV6_WIDTH = {MAX_CONV6_WIDTH} for conv6, got "
                f"{width!r}")
    return _n_weights(model, width, depth, dataset)


@functools.lru_cache(maxsize=4096)
def _n_weights(model, width, depth, dataset):
    """:func:`n_weights` for checked arguments (cached: the frontier asks for the same few)."""
    from .models import build_model, count_weights

    return count_weights(build_model(model, **_model_kwargs(model, width, depth, dataset)))


def _config(config):
    """Refuse anything but a FrontierConfig (its fields were checked when it was made)."""
    if not isinstance(config, FrontierConfig):
        raise InvalidParameterError(f"config must be a FrontierConfig, got {config!r}")
    return config


def narrower_width(config: FrontierConfig, bits: float):
    """The width of a dense source whose weight count is closest to ``bits`` (ties: narrower).

    MLP: hidden units 1..reference_width. Conv6: width factors j/256, j = 1..256 * reference
    (channel counts are rounded per layer, so finer factors add no new networks at these sizes).
    ``bits`` is a finite number >= 0 (a NaN would make every width "closest").
    """
    _config(config)
    if _validate.finite("bits", bits) < 0.0:
        raise InvalidParameterError(f"bits must be a finite number >= 0, got {bits!r}")
    if config.model == "mlp":
        candidates = range(1, int(config.reference_width) + 1)
    else:
        top = max(1, int(round(256 * config.reference_width)))
        candidates = [j / 256 for j in range(1, top + 1)]
    return min(candidates, key=lambda w: (abs(_n_weights(config.model, w, config.depth,
                                                        config.dataset) - bits), w))


def _r(x):
    return round(float(x), _ROUND)


def settings(config: FrontierConfig):
    """Every (budget, kind, source, keep share) the grid holds, as dicts (no seed yet).

    Keys: freeze_ratio, kind, width, prune_ratio, lock_ratio, keep_share, sparsity.
    """
    _config(config)
    n_ref = _n_weights(config.model, config.reference_width, config.depth, config.dataset)
    out = []
    budgets = ((0.0,) if config.include_reference else ()) + config.freeze_ratios
    for f in budgets:
        sources = [("dense", narrower_width(config, (1 - f) * n_ref) if f else
                    config.reference_width, 0.0, 0.0)]
        if f:
            sources.append(("pruned", config.reference_width, f, 0.0))
            sources += [("frozen", config.reference_width, f - s * f, s * f)
                        for s in config.lock_shares]
        for kind, width, p, lock in sources:
            for k in config.keep_shares:
                out.append({"freeze_ratio": _r(f), "kind": kind, "width": width,
                            "prune_ratio": _r(p), "lock_ratio": _r(lock), "keep_share": _r(k),
                            "sparsity": _r(p + (1 - k) * (1 - p - lock))})
    return out


_RECIPE = ("model", "depth", "dataset", "epochs", "batch_size", "optimizer", "lr", "momentum",
           "weight_decay", "schedule", "allocation", "threshold", "weight_init", "score_init",
           "scale_by_density")


def tasks(config: FrontierConfig):
    """One JSON-serialisable task per (setting, seed): everything that changes the result and
    no path (so a run-store key does not depend on where the sweep writes)."""
    _config(config)
    recipe = {k: getattr(config, k) for k in _RECIPE}
    return [{**recipe, **s, "seed": int(seed)} for s in settings(config) for seed in config.seeds]


# ------------------------------------------------------------------------------ one run

def _validation_callback():
    from .train import Callback

    class ValidationAccuracy(Callback):
        """At the end of the run, accuracy on the split's validation set (never trained on)."""

        def on_run_end(self, state):
            import torch

            d = state.data
            x = getattr(d, "x_val", None)
            y = getattr(d, "y_val", None)
            if x is None:
                x, y = d.extra.get("x_val"), d.extra.get("y_val")
            if x is None:
                return
            state.model.eval()
            with torch.no_grad():
                xs = torch.as_tensor(x, device=state.device)
                pred = torch.cat([state.model(xs[i:i + 1024]).argmax(1)
                                  for i in range(0, len(xs), 1024)])
            state.row["val_acc"] = int((pred.cpu() == torch.as_tensor(y)).sum()) / len(y)

    return ValidationAccuracy()


#: Most torch threads a run may ask for (more than any machine here has cores).
MAX_THREADS = 1024
_TASK_KEYS = _RECIPE + ("freeze_ratio", "kind", "width", "prune_ratio", "lock_ratio",
                        "keep_share", "sparsity", "seed")


def _check_task(task):
    """A task of :func:`tasks`: a dict with every key, a known model and a depth the MLP can
    have; the other values are checked by the hyperparameter classes that take them."""
    if not isinstance(task, dict):
        raise InvalidParameterError(f"task must be a dict made by tasks(), got {task!r}")
    missing = [k for k in _TASK_KEYS if k not in task]
    if missing:
        raise InvalidParameterError(f"task lacks the key(s) {missing} (make tasks with tasks())")
    return {**task, "model": _validate.choice("task['model']", task["model"], {"conv6", "mlp"}),
            "depth": _validate.integer("task['depth']", task["depth"], minimum=1,
                                       maximum=MAX_DEPTH),
            "epochs": _validate.integer("task['epochs']", task["epochs"], minimum=1,
                                        maximum=MAX_EPOCHS),
            "seed": _validate.integer("task['seed']", task["seed"], minimum=0, maximum=MAX_SEED)}


def run_task(task, runs_dir, threads=1, data_root=None):
    """Train one ticket through :func:`empirical.train.train`; returns its results.

    ``runs_dir``, ``threads`` and ``data_root`` are bound with :func:`functools.partial` by
    :func:`run_frontier`: they are not part of the task, so not of its run-store key.

    Raises
    ------
    InvalidParameterError
        ``task`` is not a dict with every key :func:`tasks` writes, or a value is out of range
        (checked by the hyperparameter classes before anything is written); ``threads`` is not
        an integer in 1..:data:`MAX_THREADS`; a path is not a path.
    """
    task = _check_task(task)
    threads = _validate.integer("threads", threads, minimum=1, maximum=MAX_THREADS)
    _validate.path("runs_dir", runs_dir)
    if data_root is not None:
        _validate.path("data_root", data_root)

    import torch

    from .init import InitSpec
    from .layers import SupermaskConfig
    from .train import DataHparams, ModelHparams, RunHparams, TrainHparams, train

    if task["model"] == "conv6":
        model = ModelHparams("conv6", width=_validate.positive("width", task["width"]),
                             batch_norm=True)
    else:
        width = _validate.integer("width", task["width"], minimum=1)
        model = ModelHparams("mlp", hidden=(width,) * task["depth"], batch_norm=True)
    hp = RunHparams(
        DataHparams(task["dataset"], data_root=data_root, batch_size=task["batch_size"],
                    seed=task["seed"]),
        model,
        SupermaskConfig(seed=task["seed"], sparsity=task["sparsity"],
                        prune_ratio=task["prune_ratio"], lock_ratio=task["lock_ratio"],
                        allocation=task["allocation"], threshold=task["threshold"],
                        init=InitSpec(task["weight_init"], task["score_init"],
                                      task["scale_by_density"]),
                        compact_scores=True, method="edge_popup"),
        TrainHparams(epochs=task["epochs"], optimizer=task["optimizer"], lr=task["lr"],
                     momentum=task["momentum"], weight_decay=task["weight_decay"],
                     schedule=task["schedule"], seed=task["seed"], amp=False))
    torch.set_num_threads(threads)  # after every check: a refused task changes nothing
    r = train(hp, runs_dir, callbacks=[_validation_callback()], progress=False)
    final = r["final"]
    return {"mask_bits": r["n_free"], "n_weights": r["n_weights"],
            "test_acc": final["test_acc"], "val_acc": final.get("val_acc"),
            "realised_sparsity": final["sparsity"], "ticket_bytes": r["ticket_bytes"],
            "run": r["hash"]}


# ------------------------------------------------------------------------------ tables

def _setting_key(r):
    return (r["model"], r["freeze_ratio"], r["kind"], r["width"], r["prune_ratio"],
            r["lock_ratio"], r["keep_share"])


_ROW_NUMBERS = ("freeze_ratio", "width", "prune_ratio", "lock_ratio", "keep_share", "sparsity",
                "mask_bits")


def _accuracy(name, value):
    value = _validate.finite(name, value)
    if not 0.0 <= value <= 1.0:
        raise InvalidParameterError(f"{name} must lie in [0, 1], got {value!r}")
    return value


def _check_rows(rows):
    """The per-run rows as a list, each a dict with the keys :func:`summarise` reads: ``model``
    a string, ``kind`` one of :data:`KINDS`, ``seed`` an integer, the setting's numbers finite,
    ``test_acc`` (and ``val_acc`` unless None) in [0, 1]. Anything else is refused here rather
    than as a KeyError or TypeError from deep in the tables."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise InvalidParameterError(
            f"rows must be a non-empty list of per-run dicts (run_frontier's rows), got {rows!r}")
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise InvalidParameterError(f"rows[{i}] must be a dict, got {r!r}")
        missing = [k for k in ("model", "kind", "seed", "test_acc", *_ROW_NUMBERS) if k not in r]
        if missing:
            raise InvalidParameterError(f"rows[{i}] lacks the key(s) {missing}")
        if not isinstance(r["model"], str):
            raise InvalidParameterError(f"rows[{i}]['model'] must be a string, got {r['model']!r}")
        _validate.choice(f"rows[{i}]['kind']", r["kind"], KINDS)
        _validate.integer(f"rows[{i}]['seed']", r["seed"])
        for k in _ROW_NUMBERS:
            _validate.finite(f"rows[{i}][{k!r}]", r[k])
        _accuracy(f"rows[{i}]['test_acc']", r["test_acc"])
        if r.get("val_acc") is not None:
            _accuracy(f"rows[{i}]['val_acc']", r["val_acc"])
    return list(rows)


def summarise(rows, confidence=0.95):
    """Tables from the per-run rows (any number of models).

    Returns
    -------
    dict with
        ``settings``: one row per setting, mean and std of validation and test accuracy;
        ``frontier``: per (model, budget, kind) the setting chosen on validation accuracy, its
        mask bits and its test accuracy with a t interval over seeds;
        ``differences``: per (model, budget) and pair in :data:`PAIRS`, the paired difference of
        test accuracy between the two chosen settings.

    Raises
    ------
    InvalidParameterError
        ``rows`` is not a non-empty list of dicts with the keys run_frontier writes (a string
        ``model``, ``kind`` in :data:`KINDS`, finite setting numbers, ``test_acc`` and any
        ``val_acc`` in [0, 1]), or ``confidence`` is not in (0, 1).
    """
    import statistics

    rows = _check_rows(rows)
    confidence = _validate.open_unit("confidence", confidence)
    on_val = all(r.get("val_acc") is not None for r in rows)
    score = "val_acc" if on_val else "test_acc"
    groups = {}
    for r in rows:
        groups.setdefault(_setting_key(r), []).append(r)
    table = []
    for key, g in sorted(groups.items(), key=lambda kv: tuple(map(str, kv[0]))):
        test = [r["test_acc"] for r in g]
        val = [r["val_acc"] for r in g] if on_val else []
        table.append({
            **dict(zip(("model", "freeze_ratio", "kind", "width", "prune_ratio", "lock_ratio",
                        "keep_share"), key)),
            "sparsity": g[0]["sparsity"], "mask_bits": g[0]["mask_bits"], "seeds": len(g),
            "val_acc_mean": round(statistics.mean(val), 4) if val else "",
            "test_acc_mean": round(statistics.mean(test), 4),
            "test_acc_std": round(statistics.stdev(test), 4) if len(test) > 1 else 0.0})

    frontier, chosen = [], {}
    cells = sorted({(r["model"], r["freeze_ratio"], r["kind"]) for r in rows},
                   key=lambda c: (c[0], c[1], KINDS.index(c[2])))
    for model, f, kind in cells:
        cell = [r for r in rows if (r["model"], r["freeze_ratio"], r["kind"]) == (model, f, kind)]
        best, best_score = select_best(cell, key=_setting_key, score=score)
        runs = groups[best]
        per_seed = {r["seed"]: r["test_acc"] for r in runs}
        chosen[(model, f, kind)] = per_seed
        ci = paired_difference(per_seed, dict.fromkeys(per_seed, 0.0), confidence)
        frontier.append({
            "model": model, "freeze_ratio": f, "kind": kind, "width": best[3],
            "prune_ratio": best[4], "lock_ratio": best[5], "keep_share": best[6],
            "sparsity": runs[0]["sparsity"], "mask_bits": runs[0]["mask_bits"],
            "selected_on": score.split("_")[0], "selection_score": round(best_score, 4),
            "seeds": len(runs), "test_acc_mean": round(ci.mean, 4),
            "ci_low": round(ci.ci_low, 4), "ci_high": round(ci.ci_high, 4)})

    differences = []
    for model, f in sorted({(m, f) for m, f, _ in chosen}):
        for a, b in PAIRS:
            if (model, f, a) not in chosen or (model, f, b) not in chosen:
                continue
            d = paired_difference(chosen[(model, f, a)], chosen[(model, f, b)], confidence)
            differences.append({
                "model": model, "freeze_ratio": f, "a": a, "b": b, "seeds": d.seeds,
                "mean_difference": round(d.mean, 4), "ci_low": round(d.ci_low, 4),
                "ci_high": round(d.ci_high, 4), "confidence": confidence,
                "excludes_zero": d.excludes_zero})
    return {"settings": table, "frontier": frontier, "differences": differences}


def _csv_text(rows):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


RUN_COLUMNS = ("model", "freeze_ratio", "kind", "width", "prune_ratio", "lock_ratio",
               "keep_share", "sparsity", "seed", "mask_bits", "n_weights", "val_acc", "test_acc",
               "realised_sparsity", "ticket_bytes", "run")


def run_frontier(configs, out, runs_dir=None, *, workers=1, scheduler=None, threads=1,
                 data_root=None, metadata=None, progress=False, label=None):
    """Run every config's grid (resumable) and write the tables to ``out``.

    Writes ``runs.csv`` (one row per run), ``settings.csv``, ``frontier.csv`` and
    ``differences.csv`` (see :func:`summarise`); per-run records go to ``<out>/runs`` and the
    training run folders to ``runs_dir`` (default ``<out>/train_runs``). Returns the summary.
    ``progress`` and ``label``: run_sweep's progress bar of the training runs (off by default).

    Raises
    ------
    InvalidParameterError
        ``configs`` is not a non-empty list of :class:`FrontierConfig`; a path is not a path or
        names a file where a folder is needed; ``threads``, ``workers``, ``scheduler``,
        ``metadata``, ``progress`` or ``label`` is out of range. All are checked before the
        first folder is made.
    """
    from slt_theory.runs.provenance import write_text_atomic
    from slt_theory.runs.runstore import run_sweep

    if not isinstance(configs, (list, tuple)):
        raise InvalidParameterError(f"configs must be a list of FrontierConfigs, got {configs!r}")
    configs = list(configs)
    for c in configs:
        if not isinstance(c, FrontierConfig):
            raise InvalidParameterError(f"configs must be FrontierConfigs, got {c!r}")
    if not configs:
        raise InvalidParameterError("configs must not be empty")
    if any(c.dataset == "cifar10" for c in configs) and data_root is None:
        raise InvalidParameterError("dataset 'cifar10' needs data_root (no download happens)")
    # every argument is checked before run_sweep makes its first folder
    out = _validate.path("out", out)
    if os.path.exists(out) and not os.path.isdir(out):
        raise InvalidParameterError(f"out must be a folder, got the file {out!r}")
    runs_dir = os.path.join(out, "train_runs") if runs_dir is None else _validate.path(
        "runs_dir", runs_dir)
    if os.path.exists(runs_dir) and not os.path.isdir(runs_dir):
        raise InvalidParameterError(f"runs_dir must be a folder, got the file {runs_dir!r}")
    threads = _validate.integer("threads", threads, minimum=1, maximum=MAX_THREADS)
    if data_root is not None:
        data_root = _validate.path("data_root", data_root)
    all_tasks = [t for c in configs for t in tasks(c)]
    fn = functools.partial(run_task, runs_dir=runs_dir, threads=threads, data_root=data_root)
    table = run_sweep(fn, all_tasks, os.path.join(out, "runs"), scheduler=scheduler,
                      workers=workers, metadata=metadata, progress=progress, label=label)
    table.sort(key=lambda r: (r["model"], r["freeze_ratio"], KINDS.index(r["kind"]),
                              r["prune_ratio"], r["keep_share"], r["seed"]))
    rows = [{k: r[k] for k in RUN_COLUMNS} for r in table]
    summary = summarise(rows)
    write_text_atomic(os.path.join(out, "runs.csv"), _csv_text(rows))
    for name in ("settings", "frontier", "differences"):
        if summary[name]:
            write_text_atomic(os.path.join(out, f"{name}.csv"), _csv_text(summary[name]))
    return summary


# ------------------------------------------------------------------------------ command line

DEFAULT_WIDTHS = {"conv6": 0.125, "mlp": 64}


def _parser():
    d = FrontierConfig()
    ap = argparse.ArgumentParser(prog="python -m empirical.frontier",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["conv6", "mlp"], choices=["conv6", "mlp"])
    ap.add_argument("--conv6-width", type=float, default=DEFAULT_WIDTHS["conv6"],
                    help="Conv6 width factor of the reference source [%(default)s]")
    ap.add_argument("--mlp-width", type=int, default=DEFAULT_WIDTHS["mlp"],
                    help="hidden units per layer of the reference MLP [%(default)s]")
    ap.add_argument("--mlp-depth", type=int, default=d.depth)
    ap.add_argument("--dataset", default=d.dataset, choices=sorted(INPUT_SHAPES))
    ap.add_argument("--data-root", default=None,
                    help="CIFAR-10 folder; given alone it selects --dataset cifar10")
    ap.add_argument("--freeze-ratios", type=float, nargs="+", default=list(d.freeze_ratios))
    ap.add_argument("--keep-shares", type=float, nargs="+", default=list(d.keep_shares))
    ap.add_argument("--lock-shares", type=float, nargs="+", default=list(d.lock_shares))
    ap.add_argument("--no-reference", action="store_true",
                    help="skip the dense source at the reference width")
    ap.add_argument("--seeds", type=int, default=len(d.seeds), help="seeds 0..N-1")
    ap.add_argument("--epochs", type=int, default=d.epochs)
    ap.add_argument("--batch-size", type=int, default=d.batch_size)
    ap.add_argument("--optimizer", default=d.optimizer, choices=["sgd", "adamw"])
    ap.add_argument("--lr", type=float, default=d.lr)
    ap.add_argument("--weight-decay", type=float, default=d.weight_decay)
    ap.add_argument("--allocation", default=d.allocation, choices=["uniform", "erk", "epl", "igq"])
    ap.add_argument("--threshold", default=d.threshold, choices=["global", "layer"])
    ap.add_argument("--scale-by-density", action="store_true")
    ap.add_argument("--out", default="results/frontier")
    ap.add_argument("--runs-dir", default=None, help="training run folders [<out>/train_runs]")
    ap.add_argument("--workers", type=int, default=1, help="local processes [1: this process]")
    ap.add_argument("--threads", type=int, default=1, help="torch threads per run")
    ap.add_argument("--scheduler", default=None, help="dask.distributed scheduler address")
    return ap


def configs_from_args(args):
    """The FrontierConfigs an argument namespace asks for (validated before anything runs)."""
    dataset = args.dataset
    if args.data_root is not None and dataset == FrontierConfig().dataset:
        dataset = "cifar10"
    common = dict(dataset=dataset, freeze_ratios=tuple(args.freeze_ratios),
                  keep_shares=tuple(args.keep_shares), lock_shares=tuple(args.lock_shares),
                  include_reference=not args.no_reference,
                  seeds=tuple(range(_validate.integer("seeds", args.seeds, minimum=1))),
                  epochs=args.epochs, batch_size=args.batch_size, optimizer=args.optimizer,
                  lr=args.lr, weight_decay=args.weight_decay, allocation=args.allocation,
                  threshold=args.threshold, scale_by_density=args.scale_by_density)
    widths = {"conv6": args.conv6_width, "mlp": args.mlp_width}
    return [FrontierConfig(model=m, reference_width=widths[m], depth=args.mlp_depth, **common)
            for m in args.models]


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    _validate.integer("workers", args.workers, minimum=1)
    _validate.integer("threads", args.threads, minimum=1)
    configs = configs_from_args(args)  # every bad value is refused before a file is written

    import torch

    import slt_theory
    from slt_theory.runs.provenance import git_commit, write_json_atomic

    start = time.time()
    summary = run_frontier(configs, args.out, args.runs_dir, workers=args.workers,
                           scheduler=args.scheduler, threads=args.threads,
                           data_root=args.data_root)
    write_json_atomic(os.path.join(args.out, "meta.json"), {
        "command": "python -m empirical.frontier " + " ".join(
            sys.argv[1:] if argv is None else argv),
        "configs": [dataclasses.asdict(c) for c in configs], "git_commit": git_commit(),
        "frozen_slt": slt_theory.__version__, "torch": torch.__version__,
        "wall_seconds": round(time.time() - start, 1)})
    for row in summary["frontier"]:
        print(row)
    for row in summary["differences"]:
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
