"""The `slt` command line: the dispatcher that knows both packages, so it sits above both.

Each subcommand lives in its own module next to what it drives and exposes ``configure(parser)``
and ``run(args) -> int``: `slt width` in :mod:`slt_theory.bounds`, `slt mc` in
:mod:`slt_theory.montecarlo`, `slt size`, `slt train` and `slt reproduce` here. Those modules
import only argparse-level code at import time; anything heavy (torch, matplotlib) is imported
inside ``run``, so `slt width`, `slt size` (for theory widths) and `slt mc` work without torch.
Every import here points down: this module imports both packages' command modules, and nothing
in `slt_theory` imports `empirical`.

The dispatcher gives every parser, nested ones included, one help formatter
(:class:`HelpFormatter`): it shows each option's default and keeps the paragraphs and example
blocks of descriptions. A subcommand module only writes what an option means.
"""

import argparse
import sys

from slt_theory import __version__
from slt_theory.bounds import cli_width
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import cli_mc

from . import cli_reproduce, cli_size, cli_train

DESCRIPTION = (
    "frozen-slt: strong lottery tickets in partially frozen random networks.\n\n"
    "A strong lottery ticket is a subnetwork of a random network that performs well without "
    "any weight being trained. In a partially frozen source every weight is pruned (always "
    "removed), locked (always kept) or free (the search decides); the freeze ratio is the prune "
    "ratio plus the lock ratio, and a ticket needs one mask bit per free weight only.\n\n"
    "The subcommands give the width such a source provably needs (width), what a ticket costs "
    "in bits for a theory width or a real model (size), Monte Carlo checks of the subset-sum "
    "bounds (mc), the whole reproduction into a report folder (reproduce) and Edge-Popup "
    "training of tickets in PyTorch (train). Each has its own --help.")

EPILOG = """examples:
  slt width --eps 0.01 --freeze-ratio 0.5
  slt size --model conv6 --freeze-ratio 0.7
  slt mc coverage --n 20 --eps 0.01 --prune-ratio 0.25 --lock-ratio 0.25
  slt reproduce --scale smoke --out report
  slt train --recipe cifar10-conv6 --data-root ~/data --freeze-ratio 0.7

Every subcommand prints readable text; width, size and train also take --json for machines."""

SUBCOMMANDS = {
    "width": (cli_width, "the hidden width a partially frozen random source needs: proved, "
                         "certified, calibrated and the counting lower bound"),
    "size": (cli_size, "bits of a ticket, for a theory width or a real model (conv6, resnet18, "
                       "resnet50, gin, mlp), beside dense and weight-trained models"),
    "mc": (cli_mc, "Monte Carlo coverage of the subset-sum bounds, grid sweeps"),
    "reproduce": (cli_reproduce, "the reproduction end to end into a report folder"),
    "train": (cli_train, "Edge-Popup in a partially frozen network (needs torch)"),
}


class HelpFormatter(argparse.HelpFormatter):
    """Help text that shows every option's default and keeps the layout of descriptions.

    Descriptions and epilogs are wrapped paragraph by paragraph (paragraphs are separated by
    blank lines); a line that starts with a space, such as an example command, is kept as it
    is. An option's help gets ``(default: ...)`` unless it already says its default, is
    required ("(required)") or has no default at all (``argparse.SUPPRESS``: the module then
    writes the default itself, as `slt train` does for defaults that a recipe may change).
    """

    def _fill_text(self, text, width, indent):
        blocks, paragraph = [], []

        def flush():
            if paragraph:
                blocks.append(super(HelpFormatter, self)._fill_text(
                    " ".join(paragraph), width, indent))
                paragraph.clear()

        for line in text.splitlines():
            if not line.strip():
                flush()
                blocks.append("")
            elif line.startswith(" ") or line.rstrip().endswith(":"):
                flush()
                blocks.append(indent + line.rstrip())
            else:
                paragraph.append(line.strip())
        flush()
        return "\n".join(blocks)

    def _get_help_string(self, action):
        text = action.help or ""
        if "%(default)" in text or "default" in text.lower():
            return text
        if action.required:
            return f"{text} (required)"
        if action.default is argparse.SUPPRESS or not (action.option_strings or action.nargs in
                                                       ("?", "*")):
            return text
        return f"{text} (default: {describe_default(action)})"


def describe_default(action):
    """An action's default as a reader would say it (never a Python repr): ``on``/``off`` for
    flags, space-separated values for lists, ``not set`` for None."""
    default = action.default
    if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction,
                           argparse.BooleanOptionalAction)) and isinstance(default, bool):
        text = "on" if default else "off"
    elif default is None:
        text = "not set"
    elif isinstance(default, (list, tuple)):
        text = " ".join(str(v) for v in default)
    else:
        text = str(default)
    return text.replace("%", "%%")  # the help string is %-formatted by argparse


def walk_parsers(parser, path=("slt",)):
    """Every parser under ``parser`` (itself first) with its command path, e.g. ('slt', 'mc',
    'coverage')."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from walk_parsers(sub, path + (name,))


def build_parser():
    parser = argparse.ArgumentParser(prog="slt", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"frozen-slt {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                title="commands")
    for name, (module, help_text) in SUBCOMMANDS.items():
        # the module may replace the description (and add an epilog) in configure()
        module.configure(sub.add_parser(name, help=help_text, description=help_text))
        sub.choices[name].set_defaults(_run=module.run)
    for _, p in walk_parsers(parser):
        p.formatter_class = HelpFormatter
        for action in p._actions:  # a nested subcommand without a description gets its help
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    sub_parser = action.choices[choice.dest]
                    if not sub_parser.description and choice.help:
                        sub_parser.description = choice.help
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
