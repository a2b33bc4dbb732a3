"""`slt train`: one Edge-Popup (or weight-training) run from the command line.

Only argparse-level code is imported here; torch is imported inside :func:`run`, so `slt --help`
works without it. Every hyperparameter flag defaults to "not given": values come from the recipe
(``--recipe``), then a config file (``--config``), then the flags actually typed, and otherwise
from the dataclasses of :mod:`empirical.hparams`, which hold every default. Examples::

    slt train --list-recipes
    slt train --recipe cifar10-conv6 --data-root ~/data --freeze-ratio 0.7
    slt train --recipe cifar10-conv6 --freeze-ratio 0.7 --show-config > my.toml
    slt train --config my.toml --epochs 20
    slt train --dataset digits --model mlp --sparsity 0.5 --prune-ratio 0.35 --lock-ratio 0.35
"""

from __future__ import annotations

import argparse
import json
import sys

from .hparams import (
    AUGMENTS,
    BASELINES,
    DATASETS,
    FREEZE_SPLITS,
    METHODS,
    MODELS,
    OPTIMIZERS,
    SCHEDULES,
    THRESHOLDS,
)
from .recipes import RECIPES, recipe_table

_S = argparse.SUPPRESS


def _flag(g, name, dest, **kw):
    if "choices" not in kw and "action" not in kw:
        kw["metavar"] = name.lstrip("-").upper().replace("-", "_")
    g.add_argument(name, dest=dest, default=_S, **kw)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `slt train` options to ``parser``."""
    from .freezing import ALLOCATIONS, LOCK_METHODS
    from .init import SCORE_INITS, WEIGHT_INITS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = ("recipes (the paper's experiments; see one with --recipe NAME "
                     "--show-config):\n"
                     + "\n".join(f"  {r.name:<20} {r.summary}" for r in RECIPES.values()))
    g = parser.add_argument_group("recipe and config")
    g.add_argument("--recipe", choices=sorted(RECIPES), default=None,
                   help="start from a recipe of the paper's experiments")
    g.add_argument("--config", default=None, metavar="FILE",
                   help="a .toml or .yaml config file (flags typed here override it)")
    g.add_argument("--list-recipes", action="store_true", help="list the recipes and exit")
    g.add_argument("--show-config", action="store_true",
                   help="print the resolved settings as a TOML config file and exit")
    g = parser.add_argument_group("data")
    _flag(g, "--dataset", "data.dataset", choices=DATASETS)
    _flag(g, "--data-root", "data.data_root",
          help="folder holding cifar-10-batches-py, ImageNet's train/ and val/, or ogbn_arxiv")
    _flag(g, "--batch-size", "data.batch_size", type=int)
    _flag(g, "--data-seed", "data.seed", type=int, help="seed of the train/validation split")
    _flag(g, "--val-fraction", "data.val_fraction", type=float,
          help="share of the training set held out for best-validation selection")
    _flag(g, "--augment", "data.augment", choices=AUGMENTS)
    _flag(g, "--image-size", "data.image_size", type=int, help="crop side for image folders")
    g = parser.add_argument_group("model")
    _flag(g, "--model", "model.name", choices=MODELS)
    _flag(g, "--width", "model.width", type=float, help="width factor")
    _flag(g, "--hidden", "model.hidden", type=int, nargs="+",
          help="MLP hidden sizes; GIN: one per hidden layer")
    _flag(g, "--batch-norm", "model.batch_norm", action=argparse.BooleanOptionalAction,
          help="batch norm in MLP / Conv6")
    _flag(g, "--affine-bn", "model.affine_bn", action=argparse.BooleanOptionalAction,
          help="affine batch norm")
    g = parser.add_argument_group("source and search (sparsity = fraction of weights removed)")
    g.add_argument("--baseline", default=None, choices=BASELINES,
                   help="dense_weights trains weights; dense_source freezes nothing; "
                        "pruned_source locks nothing")
    _flag(g, "--sparsity", "supermask.sparsity", type=float)
    g.add_argument("--freeze-ratio", type=float, default=None,
                   help="prune_ratio + lock_ratio, split by --freeze-split unless one of "
                        "--prune-ratio / --lock-ratio is given")
    g.add_argument("--freeze-split", choices=FREEZE_SPLITS, default=None,
                   help="proportional: prune F*sparsity, lock F*(1-sparsity); even: halves")
    _flag(g, "--prune-ratio", "supermask.prune_ratio", type=float)
    _flag(g, "--lock-ratio", "supermask.lock_ratio", type=float)
    _flag(g, "--allocation", "supermask.allocation", choices=ALLOCATIONS)
    _flag(g, "--lock-method", "supermask.lock_method", choices=LOCK_METHODS,
          help="the reference code's r_method")
    g.add_argument("--mask-file", default=None, metavar="TICKET",
                   help="oracle freezing: per-layer pruned/locked shares from a found ticket")
    _flag(g, "--threshold", "supermask.threshold", choices=THRESHOLDS)
    _flag(g, "--method", "supermask.method", choices=METHODS)
    _flag(g, "--weight-init", "supermask.init.weight_init", choices=WEIGHT_INITS)
    _flag(g, "--score-init", "supermask.init.score_init", choices=SCORE_INITS)
    _flag(g, "--scale-by-density", "supermask.init.scale_by_density",
          action=argparse.BooleanOptionalAction, help="static 1/sqrt(density) weight scaling")
    _flag(g, "--dynamic-scaling", "supermask.dynamic_scaling",
          action=argparse.BooleanOptionalAction,
          help="scale each layer by 1/sqrt(its current mask density) at every forward")
    _flag(g, "--full-scores", "supermask.compact_scores", action="store_const", const=False,
          help="keep scores for frozen entries too (default: FREE entries only)")
    _flag(g, "--seed", "supermask.seed", type=int, help="seed of the source network")
    g = parser.add_argument_group("training")
    _flag(g, "--epochs", "train.epochs", type=int)
    _flag(g, "--optimizer", "train.optimizer", choices=OPTIMIZERS)
    _flag(g, "--lr", "train.lr", type=float)
    _flag(g, "--momentum", "train.momentum", type=float)
    _flag(g, "--weight-decay", "train.weight_decay", type=float)
    _flag(g, "--schedule", "train.schedule", choices=SCHEDULES)
    _flag(g, "--train-seed", "train.seed", type=int,
          help="seed of the batch order and augmentation")
    _flag(g, "--amp", "train.amp", action=argparse.BooleanOptionalAction,
          help="mixed precision on CUDA")
    g = parser.add_argument_group("run (not part of the run's hash)")
    g.add_argument("--runs-dir", default="runs")
    g.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:N")
    g.add_argument("--workers", type=int, default=0,
                   help="data-loading processes for image folders")
    g.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    g.add_argument("--no-progress", action="store_true")


def _overrides(args) -> dict:
    out = {k: v for k, v in vars(args).items() if "." in k}
    if "model.hidden" in out:
        out["model.hidden"] = tuple(out["model.hidden"])
    return out


def resolve_args(args):
    """The :class:`~empirical.configs.Resolved` hyperparameters of parsed arguments."""
    from .configs import resolve

    return resolve(args.recipe, args.config, _overrides(args), args.freeze_ratio,
                   args.freeze_split, args.baseline, args.mask_file)


def hparams_from_args(args):
    """Build the :class:`~empirical.hparams.RunHparams` of parsed arguments."""
    return resolve_args(args).hparams


def run(args) -> int:
    """Train (or resume, or skip) the run; print its summary as JSON."""
    from slt_theory.errors import InvalidParameterError

    from ._checks import count
    from .devices import check_device_name

    if args.list_recipes:
        print(recipe_table())
        return 0
    # Everything is checked before torch is imported and before any folder exists.
    check_device_name(args.device)
    count("workers", args.workers, 0)
    if args.threads is not None:
        count("threads", args.threads, 1)
    resolved = resolve_args(args)
    if args.show_config:
        from .configs import to_toml

        p = resolved.provenance
        comment = "frozen-slt run configuration; use it with: slt train --config FILE"
        if p["recipe"]:
            comment += f"\nresolved from recipe {p['recipe']['name']} v{p['recipe']['version']}"
        print(to_toml(resolved.hparams, comment), end="")
        return 0
    if args.runs_dir is None or not str(args.runs_dir):
        raise InvalidParameterError("--runs-dir must be a folder")

    import torch

    from .train import train

    if args.threads:
        torch.set_num_threads(args.threads)
    summary = train(resolved.hparams, args.runs_dir, progress=not args.no_progress,
                    device=args.device, workers=args.workers, provenance=resolved.provenance)
    print(json.dumps(summary, indent=1, sort_keys=True))
    sys.stdout.flush()
    return 0
