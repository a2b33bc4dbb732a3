"""`slt size`: the width the theory requires for a target and freeze setting, and the bits a
ticket of that width occupies (mask only and complete), beside dense baselines."""

from . import size
from .cli_width import configure as _configure_width


def configure(parser):
    _configure_width(parser)


def run(args):
    widths = tuple(args.widths) if args.widths else (1,) * (args.depth + 1)
    result = size.ticket_size(
        args.eps, args.freeze_ratio, delta=args.delta, prune_ratio=args.prune_ratio,
        lock_ratio=args.lock_ratio, depth=args.depth, widths=widths,
    )
    print(result.summary())
    return 0
