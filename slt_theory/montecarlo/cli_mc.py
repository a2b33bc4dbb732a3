"""`slt mc`: Monte Carlo coverage from the command line.

    slt mc coverage --n 20 --eps 0.01 --prune-ratio 0.25 --lock-ratio 0.25 --trials 10000
    slt mc required --eps 0.01 --delta 0.05 --prune-ratio 0.5
    slt mc sweep --out results/sweep.csv --n 10 20 40 --eps 0.1 0.01 --prune-ratio 0 0.5

A killed `slt mc sweep` resumes when run again with the same command (slt_theory.montecarlo.sweep).
Every option is checked (and a Dask scheduler reached) before a sweep writes anything; a bad one
exits with status 2 and a message naming it. At most 10,000,000 trials per point.

Output: an aligned table of the result by default (slt_theory._display, as `slt width` prints),
strict JSON with ``--json``. `slt mc required` and `slt mc sweep` draw a labelled progress bar on
stderr (what is counted, how many are done, the time left); ``--no-progress`` turns it off.
"""

from .. import _display
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
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    _common(p)
    p = sub.add_parser("sweep", help="grid of coverage probabilities into a resumable CSV")
    p.add_argument("--out", required=True, help="CSV file (a .meta.json sidecar is written next to it)")
    p.add_argument("--n", type=int, nargs="+", required=True,
                   help="samples per trial, frozen ones included (one grid axis)")
    p.add_argument("--eps", type=float, nargs="+", required=True, help="accuracies (a grid axis)")
    p.add_argument("--trials", type=int, default=10_000, help="independent draws per grid point")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.add_argument("--workers", type=int, default=1, help="local processes [1: in this process]")
    p.add_argument("--scheduler", default=None, help="dask.distributed scheduler address")
    _common(p, many=True)


def _opts(args):
    return dict(prune_ratio=args.prune_ratio, lock_ratio=args.lock_ratio, statement=args.statement,
                freezing=args.freezing, distribution=args.distribution, lo=args.lo, hi=args.hi,
                seed=args.seed)


def _setting(args):
    """The options every result depends on, as ``label: value`` pairs."""
    return [("prune ratio", args.prune_ratio), ("lock ratio", args.lock_ratio),
            ("statement", args.statement), ("freezing", args.freezing),
            ("distribution", args.distribution), ("target interval", f"[{args.lo:g}, {args.hi:g}]"),
            ("seed", args.seed)]


class _SearchBar:
    """A tqdm bar driven by the ``progress`` callback of empirical_required_samples.

    While the search doubles n its end is unknown, so the bar counts n evaluated without a total;
    once the filling in starts it knows how many n remain and shows the time left.
    """

    def __init__(self, enabled):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(desc="n* search (doubling n)", unit="n", leave=True)

    def __call__(self, step):
        if self.bar is None:
            return
        if step.planned is not None and self.bar.total != step.planned:
            self.bar.total = step.planned
            self.bar.set_description("n* search (filling in)")
        self.bar.set_postfix_str(f"n={step.n}, coverage {step.estimate:.3f}")
        self.bar.update(step.evaluated - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _coverage(args):
    from .coverage import coverage_probability

    r = coverage_probability(args.n, args.eps, trials=args.trials, **_opts(args))
    if args.json:
        print(_display.to_json(r))
        return
    level = f"{r.confidence:.0%}"
    print(_display.key_values([
        ("coverage probability", f"{r.estimate:.4f}"),
        (f"{level} {r.interval} interval", f"[{r.ci_low:.4f}, {r.ci_high:.4f}]"),
        ("trials covering", f"{_display.integer(r.successes)} of {_display.integer(r.trials)}"),
        ("n (samples)", r.n), ("eps", r.eps), *_setting(args)], indent=0))


def _required(args):
    from .required import empirical_required_samples

    bar = _SearchBar(not args.no_progress)
    try:
        r = empirical_required_samples(args.eps, args.delta, trials=args.trials, progress=bar,
                                       **_opts(args))
    finally:
        bar.close()
    if args.json:
        print(_display.to_json({
            "eps": r.eps, "delta": r.delta, "n_estimate": r.n_estimate,
            "n_confident": r.n_confident, "confidence": r.confidence, "trials": args.trials,
            "curve": [{"n": c.n, "estimate": c.estimate, "ci_low": c.ci_low,
                       "ci_high": c.ci_high} for c in r.curve]}))
        return
    level = f"{r.confidence:.0%}"
    print(f"n* = {_display.integer(r.n_estimate)} (coverage estimate >= 1 - delta = "
          f"{1 - r.delta:g}); {_display.integer(r.n_confident)} by the one-sided {level} "
          "Clopper-Pearson lower bound")
    print(_display.SEPARATOR)
    print(_display.key_values([("eps", r.eps), ("delta", r.delta),
                               ("trials per n", args.trials), *_setting(args)], indent=0))
    print(_display.SEPARATOR)
    # the curve near the answer: the n the search filled in, where the estimate crosses 1 - delta
    rows = [[c.n, f"{c.estimate:.4f}", f"[{c.ci_low:.4f}, {c.ci_high:.4f}]"] for c in r.curve]
    level = f"{r.curve[0].confidence:.0%}"  # the curve's two-sided intervals, not r.confidence
    print(_display.Table(["n", "coverage", f"{level} Clopper-Pearson interval"], rows,
                         align="rrl", title="coverage at every n the search evaluated").render())


def _sweep(args):
    from .sweep import sweep

    computed = sweep(args.out, n=args.n, eps=args.eps, trials=args.trials,
                     progress=not args.no_progress, workers=args.workers,
                     scheduler=args.scheduler, **_opts(args))
    with open(args.out) as f:
        rows = sum(1 for _ in f) - 1  # the header line is not a row
    if args.json:
        print(_display.to_json({"out": args.out, "new_rows": computed, "rows": rows}))
        return
    print(f"{computed} new rows in {args.out}")
    print(_display.key_values([("file", args.out), ("rows computed now", computed),
                               ("rows in the file", rows)], indent=0))


def run(args):
    {"coverage": _coverage, "required": _required, "sweep": _sweep}[args.mc_command](args)
    return 0
