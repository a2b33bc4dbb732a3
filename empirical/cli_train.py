"""`slt train`: one Edge-Popup (or weight-training) run from the command line.

Only argparse-level code is imported here; torch is imported inside :func:`run`, so `slt --help`
works without it. Every hyperparameter flag defaults to "not given": values come from the recipe
(``--recipe``), then a config file (``--config``), then the flags actually typed, and otherwise
from the dataclasses of :mod:`empirical.hparams`, which hold every default.

The hyperparameter flags are generated from those dataclasses (:func:`field_flags`): the help of a
flag is its field's numpydoc description, its default the field's default, its type the field's
annotation, so help and defaults cannot drift from the dataclasses. All this module says about a
field is its flag name, its choices (the tuples the field is validated against) and the group it
is listed in (:data:`FLAGS`); a test holds every field of every section to a flag. A library
(``tyro``, ``simple-parsing``) was not used: both fill every default in at parse time, which
would break the layering above (a recipe's value must win over a default the user never typed),
and neither plugs into the `slt` dispatcher's argparse subparsers without a second parser.

Examples::

    slt train --list-recipes
    slt train --recipe cifar10-conv6 --data-root ~/data --freeze-ratio 0.7
    slt train --recipe cifar10-conv6 --freeze-ratio 0.7 --show-config > my.toml
    slt train --config my.toml --epochs 20
    slt train --dataset digits --model mlp --sparsity 0.5 --prune-ratio 0.35 --lock-ratio 0.35
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import os
import re
import sys

from ._checks import optional_path
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
    RunHparams,
)
from .recipes import RECIPES, recipe_table

_S = argparse.SUPPRESS

DESCRIPTION = (
    "Train one strong lottery ticket with Edge-Popup (or, with --method weights, the weights "
    "themselves) in a partially frozen random source, and write it to a run folder "
    "RUNS_DIR/HASH named by a hash of the hyperparameters. A finished run is skipped and a killed "
    "one resumes from its last epoch when the same command is run again.\n\n"
    "Settings come from a recipe (--recipe, the paper's experiments), then a config file "
    "(--config), then the flags typed here, later ones winning. The defaults shown are those of "
    "the hyperparameter dataclasses (empirical.hparams), used where neither recipe nor config "
    "file sets a value. Sparsity is the fraction of weights the ticket removes.")

#: (group title, ((flag, dotted field, choices or None), ...)); every field of RunHparams
#: appears here or in NOT_FLAGS.
FLAGS = (
    ("data", (
        ("--dataset", "data.dataset", DATASETS),
        ("--data-root", "data.data_root", None),
        ("--batch-size", "data.batch_size", None),
        ("--data-seed", "data.seed", None),
        ("--val-fraction", "data.val_fraction", None),
        ("--augment", "data.augment", AUGMENTS),
        ("--image-size", "data.image_size", None),
    )),
    ("model", (
        ("--model", "model.name", MODELS),
        ("--width", "model.width", None),
        ("--hidden", "model.hidden", None),
        ("--batch-norm", "model.batch_norm", None),
        ("--affine-bn", "model.affine_bn", None),
    )),
    ("source and search", (
        ("--sparsity", "supermask.sparsity", None),
        ("--prune-ratio", "supermask.prune_ratio", None),
        ("--lock-ratio", "supermask.lock_ratio", None),
        ("--allocation", "supermask.allocation", "ALLOCATIONS"),
        ("--lock-method", "supermask.lock_method", "LOCK_METHODS"),
        ("--threshold", "supermask.threshold", THRESHOLDS),
        ("--method", "supermask.method", METHODS),
        ("--weight-init", "supermask.init.weight_init", "WEIGHT_INITS"),
        ("--score-init", "supermask.init.score_init", "SCORE_INITS"),
        ("--scale-by-density", "supermask.init.scale_by_density", None),
        ("--dynamic-scaling", "supermask.dynamic_scaling", None),
        ("--compact-scores", "supermask.compact_scores", None),
        ("--seed", "supermask.seed", None),
    )),
    ("training", (
        ("--epochs", "train.epochs", None),
        ("--optimizer", "train.optimizer", OPTIMIZERS),
        ("--lr", "train.lr", None),
        ("--momentum", "train.momentum", None),
        ("--weight-decay", "train.weight_decay", None),
        ("--schedule", "train.schedule", SCHEDULES),
        ("--train-seed", "train.seed", None),
        ("--amp", "train.amp", None),
    )),
)
#: Fields without a flag of their own, and what sets them instead.
NOT_FLAGS = {"supermask.oracle_density": "--mask-file (the densities of a found ticket)"}


def _late_choices(name):
    """Choices that live in modules this one imports only when configuring (lazily)."""
    from .freezing import ALLOCATIONS, LOCK_METHODS
    from .init import SCORE_INITS, WEIGHT_INITS

    return {"ALLOCATIONS": ALLOCATIONS, "LOCK_METHODS": LOCK_METHODS,
            "WEIGHT_INITS": WEIGHT_INITS, "SCORE_INITS": SCORE_INITS}[name]


# ---------------------------------------------------------------------------------------------
# Reading the dataclasses
# ---------------------------------------------------------------------------------------------
def numpydoc_parameters(cls) -> dict:
    """``{field name: (type text, description)}`` from the "Parameters" section of a class
    docstring; an entry naming several fields (``a, b : float``) gives each the same text."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    match = re.search(r"^Parameters\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)", doc, re.S | re.M)
    out = {}
    if not match:
        return out
    names, kind, body = None, "", []

    def flush():
        if names:
            text = " ".join(line.strip() for line in body).strip()
            for name in names:
                out[name] = (kind, text)

    for line in match.group(1).splitlines():
        if line and not line[0].isspace():
            flush()
            head, _, kind = line.partition(" : ")
            names, body = [n.strip() for n in head.split(",")], []
            kind = kind.strip()
            if len(names) > 1:  # say which of the names the text is about
                body = [f"({' / '.join(names)})"]
        elif names is not None:
            body.append(line)
    flush()
    return out


def _plain_rst(text: str) -> str:
    """Docstring markup as plain text: ``x`` -> x, :func:`~a.b.c` -> c, :mod:`a.b` -> a.b."""
    text = re.sub(r":\w+:`~[\w.]*?\.?(\w+)`", r"\1", text)
    text = re.sub(r":\w+:`([^`]+)`", r"\1", text)
    return text.replace("``", "").replace("%", "%%")


def field_of(dotted: str):
    """The dataclass field behind a dotted name such as ``supermask.init.weight_init``:
    ``(owning class, dataclasses.Field)``."""
    cls = RunHparams
    parts = dotted.split(".")
    for part in parts[:-1]:
        cls = _section_class(cls, part)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    return cls, fields[parts[-1]]


def _section_class(cls, name):
    field = {f.name: f for f in dataclasses.fields(cls)}[name]
    default = field.default if field.default is not dataclasses.MISSING else field.default_factory()
    return type(default)


def all_fields(cls=RunHparams, prefix=""):
    """Every leaf field of the hyperparameters, as dotted names."""
    out = []
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        if dataclasses.is_dataclass(default):
            out += all_fields(type(default), f"{prefix}{f.name}.")
        else:
            out.append(prefix + f.name)
    return out


def default_words(value) -> str:
    """A field's default as the help shows it."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "not set"
    if isinstance(value, (tuple, list)):
        return " ".join(str(v) for v in value) if value else "empty"
    return str(value)


def field_flags():
    """The generated flags: ``[(group title, [(flag, dotted, argparse keyword arguments)])]``."""
    groups = []
    for title, rows in FLAGS:
        flags = []
        for flag, dotted, choices in rows:
            cls, field = field_of(dotted)
            kind, description = numpydoc_parameters(cls).get(field.name, ("", ""))
            if not description:
                raise AssertionError(f"{cls.__name__}.{field.name} has no numpydoc description")
            if isinstance(choices, str):
                choices = _late_choices(choices)
            default = field.default
            kw = {"help": f"{_plain_rst(description)} (default: {default_words(default)})"}
            annotation = str(field.type)
            if annotation == "bool":
                kw["action"] = argparse.BooleanOptionalAction
            elif annotation == "tuple":
                kw.update(nargs="+", type=type(default[0]) if default else str)
            else:
                kw["type"] = {"int": int, "float": float}.get(annotation, str)
            if choices is not None:
                kw["choices"] = tuple(choices)
            elif "action" not in kw:
                kw["metavar"] = flag.lstrip("-").upper().replace("-", "_")
            flags.append((flag, dotted, kw))
        groups.append((title, flags))
    return groups


# ---------------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `slt train` options to ``parser``."""
    parser.description = DESCRIPTION
    parser.epilog = ("recipes (the paper's experiments; see one with --recipe NAME "
                     "--show-config):\n"
                     + "\n".join(f"  {r.name:<20} {r.summary}" for r in RECIPES.values())
                     + "\n\nexamples:\n"
                     "  slt train --recipe cifar10-conv6 --data-root ~/data --freeze-ratio 0.7\n"
                     "  slt train --recipe cifar10-conv6 --freeze-ratio 0.7 --show-config > "
                     "my.toml\n"
                     "  slt train --config my.toml --epochs 20\n"
                     "  slt train --dataset digits --model mlp --sparsity 0.5 --freeze-ratio 0.7")
    g = parser.add_argument_group("recipe and config")
    g.add_argument("--recipe", choices=sorted(RECIPES), default=None,
                   help="start from a recipe of the paper's experiments")
    g.add_argument("--config", default=None, metavar="FILE",
                   help="a .toml or .yaml config file (flags typed here override it)")
    g.add_argument("--list-recipes", action="store_true", help="list the recipes and exit")
    g.add_argument("--show-config", action="store_true",
                   help="print the resolved settings as a TOML config file and exit")
    groups = {}
    for title, flags in field_flags():
        groups[title] = g = parser.add_argument_group(title)
        if title == "source and search":
            g.add_argument("--baseline", default=None, choices=BASELINES,
                           help="dense_weights trains weights; dense_source freezes nothing; "
                                "pruned_source locks nothing; frozen_source: as the ratios say "
                                "(default: not set, as the ratios say)")
            g.add_argument("--freeze-ratio", type=float, default=None,
                           help="prune ratio + lock ratio, split by --freeze-split unless "
                                "--prune-ratio or --lock-ratio is given (default: not set, the "
                                "ratios as given)")
            g.add_argument("--freeze-split", choices=FREEZE_SPLITS, default=None,
                           help="proportional: prune F x sparsity, lock F x (1 - sparsity); "
                                "even: halves (default: the recipe's, else proportional)")
            g.add_argument("--mask-file", default=None, metavar="TICKET",
                           help="oracle freezing: per-layer pruned/locked shares from a found "
                                "ticket (default: not set)")
        for flag, dotted, kw in flags:
            g.add_argument(flag, dest=dotted, default=_S, **kw)
    groups["source and search"].add_argument(
        "--full-scores", dest="supermask.compact_scores", action="store_const", const=False,
        default=_S, help="the same as --no-compact-scores (default: off)")
    g = parser.add_argument_group("run (not part of the run's hash)")
    g.add_argument("--runs-dir", default="runs", help="folder that holds the run folders")
    g.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:N")
    g.add_argument("--workers", type=int, default=0,
                   help="data-loading processes for image folders")
    g.add_argument("--threads", type=int, default=None,
                   help="torch CPU threads (default: torch's own choice)")
    g.add_argument("--no-progress", action="store_true",
                   help="no progress bar on stderr (the bar shows the epochs, their rate and the "
                        "time left; default: shown)")
    g.add_argument("--json", action="store_true",
                   help="print the run's summary as JSON instead of text")


def _overrides(args) -> dict:
    out = {k: v for k, v in vars(args).items() if "." in k}
    for dotted, value in out.items():
        if isinstance(value, list):  # nargs="+" gives a list; the field holds a tuple
            out[dotted] = tuple(value)
    return out


def resolve_args(args):
    """The :class:`~empirical.configs.Resolved` hyperparameters of parsed arguments."""
    from .configs import resolve

    return resolve(args.recipe, args.config, _overrides(args), args.freeze_ratio,
                   args.freeze_split, args.baseline, args.mask_file)


def hparams_from_args(args):
    """Build the :class:`~empirical.hparams.RunHparams` of parsed arguments."""
    return resolve_args(args).hparams


# ---------------------------------------------------------------------------------------------
# The summary
# ---------------------------------------------------------------------------------------------
def _what(hp) -> str:
    from slt_theory import _display

    m, sm, t = hp.model, hp.supermask, hp.train
    model = m.name
    if m.name == "mlp":
        model += " (hidden " + " ".join(str(h) for h in m.hidden) + ")"
    if m.width != 1.0:
        model += f", width factor {_display.number(m.width)}"
    if sm.method == "weights":
        search = "weights trained"
    else:
        search = f"Edge-Popup, sparsity {_display.number(sm.sparsity)}"
    if sm.prune_ratio or sm.lock_ratio:
        search += (f", {_display.number(sm.prune_ratio)} pruned + "
                   f"{_display.number(sm.lock_ratio)} locked (freeze ratio "
                   f"{_display.number(sm.freeze_ratio)})")
    else:
        search += ", nothing frozen"
    epochs = f"{t.epochs} epoch" + ("s" if t.epochs != 1 else "")
    return f"{model} on {hp.data.dataset}; {search}; {epochs} of {t.optimizer} at lr " \
           f"{_display.number(t.lr)}"


def _metrics(row) -> str:
    from slt_theory import _display

    parts = []
    for part in ("test", "val"):
        acc, loss = row.get(f"{part}_acc"), row.get(f"{part}_loss")
        if acc is not None:
            parts.append(f"{part} accuracy {_display.number(acc)}")
        if loss is not None:
            parts.append(f"{part} loss {_display.number(loss)}")
    if "train_loss" in row:
        parts.append(f"train loss {_display.number(row['train_loss'])}")
    return ", ".join(parts) or "no metrics recorded"


def summary_text(summary: dict, hp, status: str) -> str:
    """The readable summary `slt train` prints: what ran, the ticket kept, its size."""
    from slt_theory import _display

    sel, final = summary["selected"], summary["final"]
    bits = summary["size_bits"]
    mask, complete = bits["mask_only"], bits["complete"]
    if hp.supermask.method == "weights":
        size = (f"{summary['n_weights']:,} weights trained: "
                f"{_display.human_bits(complete['frozen_source'])} stored")
    else:
        ticket = mask["frozen_source"]
        size = (f"{summary['n_weights']:,} weights, {summary['n_free']:,} free; the mask takes "
                f"{ticket:,} bits ({_display.human_bits(ticket)})")
        if ticket:
            size += (f", {_display.times(mask['dense_source'] / ticket)} less than in a dense "
                     f"source and {_display.times(mask['dense_weights'] / ticket)} less than "
                     "32-bit weights")
    if summary["selection"] == "best_val":
        chosen = f"epoch {sel['epoch']}, the best validation accuracy"
    else:
        chosen = f"epoch {sel['epoch']}, the last (no validation split to choose by)"
    device = summary.get("device", {})
    lines = [f"slt train: run {summary['hash']} {status}", ""]
    pairs = [
        ("run folder", summary["run_dir"]),
        ("what", _what(hp)),
        ("ticket kept", chosen),
        ("its metrics", _metrics(sel)),
    ]
    if final.get("epoch") != sel.get("epoch"):
        pairs.append(("last epoch", f"epoch {final['epoch']}: {_metrics(final)}"))
    pairs += [
        ("size", size),
        ("ticket file", f"{os.path.join(summary['run_dir'], 'ticket.fslt')}, "
                        f"{_display.human_bytes(summary['ticket_bytes'])}"),
    ]
    if device:
        where = str(device.get("device", "unknown"))
        if device.get("name") and device["name"] != where:
            where += f" ({device['name']})"
        pairs.append(("device", f"{where}, torch {device.get('torch', 'unknown')}"))
    lines.append(_display.key_values(pairs, indent=2))
    return "\n".join(lines)


def _summary_stamp(path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def run(args) -> int:
    """Train (or resume, or skip) the run; print a readable summary, or JSON with --json."""
    from slt_theory import _display
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
    # optional_path also refuses a NUL byte, which os.stat below would raise as ValueError
    if optional_path("--runs-dir", args.runs_dir) is None:
        raise InvalidParameterError("--runs-dir must be a folder")

    import torch

    from .run_folder import SUMMARY
    from .train import train

    if args.threads:
        torch.set_num_threads(args.threads)
    hp = resolved.hparams
    record = os.path.join(str(args.runs_dir), hp.hash, SUMMARY)
    before = _summary_stamp(record)
    summary = train(hp, args.runs_dir, progress=not args.no_progress,
                    device=args.device, workers=args.workers, provenance=resolved.provenance)
    if args.json:
        print(_display.to_json(summary))
    else:
        skipped = before is not None and before == _summary_stamp(record)
        status = ("was already finished: nothing trained (delete its folder to train it again)"
                  if skipped else "finished")
        print(summary_text(summary, hp, status))
    sys.stdout.flush()
    return 0
