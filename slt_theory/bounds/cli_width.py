"""`slt width`: the width a frozen random source needs, with its formula, assumptions and the
counting lower bound side by side (and the samples of the one-layer subset-sum bound)."""

from .. import _validate
from . import width as bounds


def configure(parser):
    parser.add_argument("--eps", type=float, default=0.01, help="accuracy, in (0, 1) [0.01]")
    parser.add_argument("--delta", type=float, default=None, help="failure probability [eps]")
    parser.add_argument("--freeze-ratio", type=float, default=None,
                        help="prune + lock; alone it is split half pruned, half locked")
    parser.add_argument("--prune-ratio", type=float, default=None)
    parser.add_argument("--lock-ratio", type=float, default=None)
    parser.add_argument("--depth", type=int, default=1, help="depth l of the target [1]")
    parser.add_argument("--widths", type=int, nargs="+", default=None,
                        help="target layer widths d_0 .. d_l [1 1]")
    parser.add_argument("--latex", action="store_true", help="also print the formula as LaTeX")
    parser.add_argument("--at", type=int, default=None, metavar="WIDTH",
                        help="also print the proved failure probability at this hidden width")


def target_arguments(args):
    """The keyword arguments of `bounds.width_bound` given on the command line."""
    return dict(delta=args.delta, prune_ratio=args.prune_ratio, lock_ratio=args.lock_ratio,
                depth=args.depth,
                widths=tuple(args.widths) if args.widths else (1,) * (args.depth + 1))


def run(args):
    at = getattr(args, "at", None)
    if at is not None:  # refuse before printing anything
        at = _validate.integer("--at", at, minimum=1)
    wb = bounds.width_bound(args.eps, args.freeze_ratio, **target_arguments(args))
    p = wb.parameters
    at_failure = None if at is None else bounds.failure_bound(
        at, p["eps"], prune_ratio=p["prune_ratio"], lock_ratio=p["lock_ratio"],
        depth=p["depth"], widths=p["widths"], kind="width")
    samples = bounds.required_samples(
        p["eps"], p["delta"], prune_ratio=p["prune_ratio"], lock_ratio=p["lock_ratio"]
    )
    print(wb.summary())
    print(
        f"one-layer subset sum (Theorem 3''): required_samples = {samples}, counting lower bound = "
        f"{bounds.counting_lower_bound_samples(p['eps'])}"
    )
    if at_failure is not None:
        print(f"proved failure probability at width {at}: <= {at_failure:.4g}   "
              "(failure_bound(..., kind='width'); docs/theory.md, Theorem 5)")
    if args.latex:
        print(wb.latex)
    return 0
