"""The `slt` command line. Each subcommand lives in its own module exposing
``configure(parser)`` and ``run(args) -> int``; a module is imported only to build its parser,
and anything heavy (torch, matplotlib) is imported inside ``run``, so `slt width` and `slt mc`
work without torch installed."""

import argparse
import importlib
import sys

from .errors import InvalidParameterError

SUBCOMMANDS = {
    "width": ("slt_theory.cli_width", "width (and samples) a frozen source needs, with the formula"),
    "size": ("slt_theory.cli_size", "bits of a ticket of the proved width (hardware sizing)"),
    "mc": ("slt_theory.cli_mc", "Monte Carlo coverage of the subset-sum bounds, grid sweeps"),
    "reproduce": ("empirical.cli_reproduce", "the quick reproduction end to end into a report folder"),
    "train": ("empirical.cli_train", "Edge-Popup in a partially frozen network (needs torch)"),
}


def build_parser():
    parser = argparse.ArgumentParser(prog="slt", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # a subcommand whose module is not installed is simply absent
            continue
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
