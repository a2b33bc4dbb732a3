"""The `slt` command line: the dispatcher that knows both packages, so it sits above both.

Each subcommand lives in its own module next to what it drives and exposes ``configure(parser)``
and ``run(args) -> int``: `slt width` and `slt size` in :mod:`slt_theory.bounds`, `slt mc` in
:mod:`slt_theory.montecarlo`, `slt train` and `slt reproduce` here. Those modules import only
argparse-level code at import time; anything heavy (torch, matplotlib) is imported inside
``run``, so `slt width`, `slt size` and `slt mc` work without torch installed. Every import here
points down: this module imports both packages' command modules, and nothing in `slt_theory`
imports `empirical`.
"""

import argparse
import sys

from slt_theory.bounds import cli_size, cli_width
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import cli_mc

from . import cli_reproduce, cli_train

DESCRIPTION = ("frozen-slt: strong lottery tickets in partially frozen random networks "
               "(proved widths, Monte Carlo checks, Edge-Popup training).")

SUBCOMMANDS = {
    "width": (cli_width, "width (and samples) a frozen source needs, with the formula"),
    "size": (cli_size, "bits of a ticket of the proved width (hardware sizing)"),
    "mc": (cli_mc, "Monte Carlo coverage of the subset-sum bounds, grid sweeps"),
    "reproduce": (cli_reproduce, "the quick reproduction end to end into a report folder"),
    "train": (cli_train, "Edge-Popup in a partially frozen network (needs torch)"),
}


def build_parser():
    parser = argparse.ArgumentParser(prog="slt", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module, help_text) in SUBCOMMANDS.items():
        module.configure(sub.add_parser(name, help=help_text, description=help_text))
        sub.choices[name].set_defaults(_run=module.run)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args._run(args)
    except InvalidParameterError as err:
        print(f"slt {args.command}: error: {err}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as err:
        if err.name not in ("torch", "sklearn", "dask", "distributed"):
            raise
        print(f"slt {args.command}: error: this command needs {err.name}, which is not installed: "
              "pip install torch==2.13.0 && pip install -e '.[empirical]' (see README.md)",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
