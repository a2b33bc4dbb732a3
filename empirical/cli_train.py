"""`slt train`: one Edge-Popup (or weight-training) run from the command line.

Only argparse is imported here; torch is imported inside :func:`run`, so `slt --help` works
without it. Example::

    slt train --dataset digits --model mlp --baseline frozen_source \\
        --sparsity 0.5 --prune-ratio 0.35 --lock-ratio 0.35 --epochs 20
"""

from __future__ import annotations

import argparse
import json

BASELINES = ("dense_weights", "dense_source", "pruned_source", "frozen_source")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `slt train` options to ``parser``."""
    g = parser.add_argument_group("data")
    g.add_argument("--dataset", default="digits",
                   choices=["digits", "teacher_student", "cifar10", "ogbn_arxiv"])
    g.add_argument("--data-root", default=None, help="folder holding cifar-10-batches-py or ogbn_arxiv")
    g.add_argument("--batch-size", type=int, default=64)
    g.add_argument("--data-seed", type=int, default=0, help="seed of the train/test split")
    g = parser.add_argument_group("model")
    g.add_argument("--model", default="mlp", choices=["mlp", "conv6", "resnet18", "gin"])
    g.add_argument("--width", type=float, default=1.0)
    g.add_argument("--hidden", type=int, nargs="+", default=[128, 128], help="MLP hidden sizes; GIN: one per hidden layer")
    g.add_argument("--batch-norm", action="store_true", help="batch norm in MLP / Conv6")
    g.add_argument("--affine-bn", action="store_true", help="affine batch norm (default: off)")
    g = parser.add_argument_group("source and search (sparsity = fraction of weights removed)")
    g.add_argument("--baseline", default="frozen_source", choices=BASELINES)
    g.add_argument("--sparsity", type=float, default=0.5)
    g.add_argument("--prune-ratio", type=float, default=0.0)
    g.add_argument("--lock-ratio", type=float, default=0.0)
    g.add_argument("--allocation", default="uniform", choices=["uniform", "erk", "epl", "igq"])
    g.add_argument("--threshold", default="global", choices=["global", "layer"])
    g.add_argument("--weight-init", default="kaiming_uniform",
                   choices=["uniform", "kaiming_uniform", "kaiming_normal",
                            "signed_kaiming_constant"])
    g.add_argument("--score-init", default="kaiming_normal",
                   choices=["kaiming_normal", "kaiming_uniform", "uniform"])
    g.add_argument("--scale-by-density", action="store_true")
    g.add_argument("--full-scores", action="store_true",
                   help="keep scores for frozen entries too (default: FREE entries only)")
    g.add_argument("--seed", type=int, default=0, help="seed of the source network")
    g = parser.add_argument_group("training")
    g.add_argument("--epochs", type=int, default=10)
    g.add_argument("--optimizer", default="sgd", choices=["sgd", "adamw"])
    g.add_argument("--lr", type=float, default=0.1)
    g.add_argument("--momentum", type=float, default=0.9)
    g.add_argument("--weight-decay", type=float, default=0.0)
    g.add_argument("--schedule", default="constant", choices=["constant", "cosine"])
    g.add_argument("--train-seed", type=int, default=0, help="seed of the batch order")
    g.add_argument("--amp", action="store_true", help="mixed precision on CUDA")
    g = parser.add_argument_group("run")
    g.add_argument("--runs-dir", default="runs")
    g.add_argument("--device", default="auto", help="auto, cpu or cuda")
    g.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    g.add_argument("--no-progress", action="store_true")


def hparams_from_args(args):
    """Build the :class:`~empirical.train.RunHparams` of parsed arguments."""
    from .init import InitSpec
    from .train import DataHparams, ModelHparams, RunHparams, TrainHparams, baseline

    init = InitSpec(args.weight_init, args.score_init, args.scale_by_density)
    supermask = baseline(args.baseline, sparsity=args.sparsity, prune_ratio=args.prune_ratio,
                         lock_ratio=args.lock_ratio, seed=args.seed, allocation=args.allocation,
                         threshold=args.threshold, init=init,
                         compact_scores=not args.full_scores)
    return RunHparams(
        DataHparams(args.dataset, args.data_root, args.batch_size, args.data_seed),
        ModelHparams(args.model, args.width, tuple(args.hidden), args.batch_norm, args.affine_bn),
        supermask,
        TrainHparams(args.epochs, args.optimizer, args.lr, args.momentum, args.weight_decay,
                     args.schedule, args.train_seed, args.amp))


def run(args) -> int:
    """Train (or resume, or skip) the run; print its summary as JSON."""
    import torch

    from .train import train

    if args.threads:
        torch.set_num_threads(args.threads)
    hp = hparams_from_args(args)
    summary = train(hp, args.runs_dir, progress=not args.no_progress,
                    device=None if args.device == "auto" else args.device)
    print(json.dumps(summary, indent=1, sort_keys=True))
    return 0
