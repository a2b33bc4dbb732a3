"""`slt size`: the width the theory requires for a target and freeze setting, and the bits a
ticket of that width occupies (mask only and complete), beside dense baselines."""

from . import size
from .cli_width import configure as _configure_width
from .cli_width import target_arguments


def configure(parser):
    _configure_width(parser)


def run(args):
    result = size.ticket_size(args.eps, args.freeze_ratio, **target_arguments(args))
    print(result.summary())
    return 0
