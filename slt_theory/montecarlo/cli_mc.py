"""`slt mc`: Monte Carlo coverage from the command line.

    slt mc coverage --n 20 --eps 0.01 --prune-ratio 0.25 --lock-ratio 0.25 --trials 10000
    slt mc required --eps 0.01 --delta 0.05 --prune-ratio 0.5
    slt mc sweep --out results/sweep.csv --n 10 20 40 --eps 0.1 0.01 --prune-ratio 0 0.5

A killed `slt mc sweep` resumes when run again with the same command (slt_theory.montecarlo.sweep).
Every option is checked (and a Dask scheduler reached) before a sweep writes anything; a bad one
exits with status 2 and a message naming it. At most 10,000,000 trials per point.
"""

import dataclasses
import json

from .draws import DISTRIBUTIONS, FREEZINGS, STATEMENTS


def _common(p, many=False):
    nargs = "+" if many else None
    p.add_argument("--prune-ratio", type=float, nargs=nargs, default=[0.0] if many else 0.0,
                   help="probability that a sample is pruned (never in the sum)")
    p.add_argument("--lock-ratio", type=float, nargs=nargs, default=[0.0] if many else 0.0,
                   help="probability that a sample is locked (always in the sum)")
    p.add_argument("--statement", choices=STATEMENTS, nargs=nargs,
                   default=["uniform"] if many else "uniform",
                   help="uniform: one draw covers all of [lo, hi]; pointwise: one random target")
    p.add_argument("--freezing", choices=FREEZINGS, nargs=nargs, default=["iid"] if many else "iid",
                   help="iid: each sample frozen independently; exact: round(ratio x n) of them")
    p.add_argument("--distribution", choices=DISTRIBUTIONS, nargs=nargs,
                   default=["uniform"] if many else "uniform",
                   help="law of the samples: U[-1, 1], products u v of two, N(0, 1), N(0, 2/n)")
    p.add_argument("--lo", type=float, default=-1.0, help="lower end of the target interval")
    p.add_argument("--hi", type=float, default=1.0, help="upper end of the target interval")
    p.add_argument("--seed", type=int, default=0, help="trial t's numbers depend on (seed, t) only")


def configure(parser):
    sub = parser.add_subparsers(dest="mc_command", required=True)
    p = sub.add_parser("coverage", help="coverage probability at one n and eps")
    p.add_argument("--n", type=int, required=True, help="samples, frozen ones included")
    p.add_argument("--eps", type=float, required=True, help="accuracy: every target within eps")
    p.add_argument("--trials", type=int, default=10_000, help="independent draws of the samples")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    _common(p)
    p = sub.add_parser("required", help="smallest n reaching 1 - delta (estimate and lower bound)")
    p.add_argument("--eps", type=float, required=True, help="accuracy: every target within eps")
    p.add_argument("--delta", type=float, required=True, help="failure probability allowed")
    p.add_argument("--trials", type=int, default=2_000, help="independent draws per n tried")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    _common(p)
    p = sub.add_parser("sweep", help="grid of coverage probabilities into a resumable CSV")
    p.add_argument("--out", required=True, help="CSV file (a .meta.json sidecar is written next to it)")
    p.add_argument("--n", type=int, nargs="+", required=True,
                   help="samples per trial, frozen ones included (one grid axis)")
    p.add_argument("--eps", type=float, nargs="+", required=True, help="accuracies (a grid axis)")
    p.add_argument("--trials", type=int, default=10_000, help="independent draws per grid point")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=int, default=1, help="local processes [1: in this process]")
    p.add_argument("--scheduler", default=None, help="dask.distributed scheduler address")
    _common(p, many=True)


def _opts(args):
    return dict(prune_ratio=args.prune_ratio, lock_ratio=args.lock_ratio, statement=args.statement,
                freezing=args.freezing, distribution=args.distribution, lo=args.lo, hi=args.hi,
                seed=args.seed)


def run(args):
    if args.mc_command == "coverage":
        from .coverage import coverage_probability

        r = coverage_probability(args.n, args.eps, trials=args.trials, **_opts(args))
        if args.json:
            print(json.dumps(dataclasses.asdict(r), sort_keys=True))
        else:
            print(f"coverage probability {r.estimate:.4f}  "
                  f"({r.interval} {r.confidence:.0%}: [{r.ci_low:.4f}, {r.ci_high:.4f}])  "
                  f"n={r.n} eps={r.eps} prune_ratio={r.prune_ratio} lock_ratio={r.lock_ratio} "
                  f"statement={r.statement} trials={r.trials} seed={r.seed}")
        return 0
    if args.mc_command == "required":
        from .required import empirical_required_samples

        r = empirical_required_samples(args.eps, args.delta, trials=args.trials, **_opts(args))
        if args.json:
            print(json.dumps({"eps": r.eps, "delta": r.delta, "n_estimate": r.n_estimate,
                              "n_confident": r.n_confident, "confidence": r.confidence,
                              "curve": [[c.n, c.estimate] for c in r.curve]}))
        else:
            print(f"n* = {r.n_estimate} (estimate >= 1 - delta), {r.n_confident} "
                  f"(lower {r.confidence:.0%} Clopper-Pearson bound >= 1 - delta)")
        return 0
    from .sweep import sweep

    o = _opts(args)
    computed = sweep(args.out, n=args.n, eps=args.eps, trials=args.trials,
                     progress=not args.no_progress, workers=args.workers,
                     scheduler=args.scheduler, **o)
    print(f"{computed} new rows in {args.out}")
    return 0
