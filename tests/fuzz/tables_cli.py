"""The fuzz table of the `slt` subcommands other than `slt mc` (which is in fuzz_tables.py):
`slt width`, `slt size`, `slt train` with tiny budgets and `slt reproduce` with bad arguments
and --help. A command line holds strings only, so every candidate is a string (or, for options
that take several numbers, a string split at spaces); a non-zero exit status is a refusal, after
which nothing may have been written (fuzz_harness.check)."""

from __future__ import annotations

from fuzz_harness import Entry
from fuzz_tables import _cli, _cli_values, _files


#: Options that take several values: a candidate with spaces is several arguments.
MULTI = ("--widths", "--hidden", "--stages")


def _command(sub, defaults=(), flags=()):
    """A callable for Entry: ``run(**{option: value})`` runs ``slt <sub> <defaults> <options>``.
    A value of an option in MULTI with spaces is several arguments (``--widths "1 1"``), any
    other value one argument; None drops the option."""

    def run(**values):
        argv = [*sub.split(), *defaults]
        for opt, v in values.items():
            if v is None:
                continue
            if opt in flags:  # a switch: given or not
                argv += [opt] if v else []
            else:
                argv += [opt, *(v.split() if opt in MULTI and v.strip() else [v])]
        _cli(argv)

    return run


TARGET_OPTIONS = {
    "--eps": _cli_values("0.1"), "--delta": _cli_values("0.1"),
    "--freeze-ratio": [None] + _cli_values("0.5", "0.9999999"),
    "--prune-ratio": [None] + _cli_values("0.25"), "--lock-ratio": [None] + _cli_values("0.25"),
    "--depth": [None] + _cli_values("2", "100000"),
    "--widths": ["1 1", "2 1", "1 64", "1", "1 1 1", "1 0", "1 -1", "1 nan", "1 1e308",
                 "1 99999999999999999999", "a b", "1.5 1", ""],
}
TARGET_BASE = {"--eps": "0.1", "--delta": "0.1", "--freeze-ratio": None, "--prune-ratio": None,
               "--lock-ratio": None, "--depth": None, "--widths": "1 1"}

WIDTH = Entry(
    "slt width", _command("width", flags=("--certified", "--json", "--formula")),
    dict(TARGET_OPTIONS, **{"--at": [None] + _cli_values("64"),
                            "--certified": [True, False], "--json": [True, False],
                            "--formula": [True, False]}),
    dict(TARGET_BASE, **{"--at": None, "--certified": False, "--json": True,
                         "--formula": False}),
    setup=_files, examples=8)

SIZE = Entry(
    "slt size", _command("size", flags=("--per-layer", "--json")),
    dict(TARGET_OPTIONS, **{
        "--model": [None, "mlp", "conv6", "gin", "resnet18", "MLP", "", "nope"],
        "--width": [None] + _cli_values("0.5", "2"),
        "--hidden": [None, "8", "8 8", "0", "-1", "nan", "1e308", "99999999999999999999", ""],
        "--dataset": [None, "digits", "cifar10", "ogbn_arxiv", "imagenet", "nope", ""],
        "--allocation": [None, "erk", "igq", "nope"],
        "--lock-method": [None, "density_distribution", "nope"],
        "--per-layer": [True, False], "--json": [True, False]}),
    dict(TARGET_BASE, **{"--model": None, "--width": None, "--hidden": None, "--dataset": None,
                         "--allocation": None, "--lock-method": None, "--per-layer": False,
                         "--json": True}),
    setup=_files, examples=8)

# Tiny budget: digits (1,797 images of 8 x 8), an MLP with 8 hidden units, one epoch, one thread.
TRAIN_DEFAULTS = ("--dataset", "digits", "--model", "mlp", "--hidden", "8", "--no-progress",
                  "--threads", "1", "--json")
TRAIN = Entry(
    "slt train", _command("train", TRAIN_DEFAULTS,
                          flags=("--compact-scores", "--no-compact-scores", "--amp")),
    {"--epochs": _cli_values("1"), "--batch-size": _cli_values("256"),
     "--lr": _cli_values("0.1"), "--momentum": _cli_values("0.9"),
     "--weight-decay": _cli_values("0.0005"), "--sparsity": _cli_values("0.5"),
     "--freeze-ratio": _cli_values("0.5"), "--prune-ratio": [None] + _cli_values("0.25"),
     "--lock-ratio": [None] + _cli_values("0.25"), "--width": _cli_values("1", "0.5"),
     "--hidden": ["8", "8 8", "0", "-1", "nan", "1e308", "99999999999999999999", ""],
     "--seed": _cli_values("0"), "--data-seed": _cli_values("0"),
     "--train-seed": _cli_values("0"), "--val-fraction": _cli_values("0.1"),
     "--device": ["cpu", "foo", "cuda:99", "", "auto"],
     "--runs-dir": ["runs", "README.md", "", "a\0b"],
     "--recipe": [None, "nope", ""], "--config": [None, "README.md", "missing.toml", ""],
     "--mask-file": [None, "README.md", "missing.fslt", ""],
     "--optimizer": ["sgd", "adamw", "nope"], "--schedule": ["cosine", "constant", "nope"],
     "--baseline": [None, "dense_weights", "frozen_source", "nope"],
     "--method": ["edge_popup", "weights", "nope"],
     "--compact-scores": [False, True], "--no-compact-scores": [False, True],
     "--amp": [False, True]},
    {"--epochs": "1", "--batch-size": "256", "--lr": "0.1", "--momentum": "0.9",
     "--weight-decay": "0.0005", "--sparsity": "0.5", "--freeze-ratio": "0.5",
     "--prune-ratio": None, "--lock-ratio": None, "--width": "1", "--hidden": "8",
     "--seed": "0", "--data-seed": "0", "--train-seed": "0", "--val-fraction": "0.1",
     "--device": "cpu", "--runs-dir": "runs", "--recipe": None, "--config": None,
     "--mask-file": None, "--optimizer": "sgd", "--schedule": "cosine", "--baseline": None,
     "--method": "edge_popup", "--compact-scores": False, "--no-compact-scores": False,
     "--amp": False},
    setup=_files, examples=5, seconds=180)

# `slt reproduce` runs for minutes when its arguments are good, so only refusals and --help are
# fuzzed: the base is "no option" and every candidate is bad (or --help, which exits 0 at once).
# Bad --workers and --scheduler are refused before the report folder is made (an existing file
# as --out: tests/empirical/test_reproduce.py).
REPRODUCE = Entry(
    "slt reproduce", _command("reproduce", flags=("--help",)),
    {"--scale": ["nope", "", "SMOKE", "smoke "],
     "--stages": ["nope", "", "bounds nope", "BOUNDS"],
     "--workers": ["0", "-1", "two", "1e9"], "--scheduler": ["not-an-address", "tcp://"],
     "--help": [True]},
    {"--scale": None, "--stages": None, "--workers": None, "--scheduler": None, "--help": False},
    setup=_files, examples=6)

CLI_OTHER = [WIDTH, SIZE, TRAIN, REPRODUCE]
