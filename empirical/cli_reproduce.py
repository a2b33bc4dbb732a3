"""`slt reproduce`: the quick reproduction end to end into a report folder (the main job)."""


def configure(parser):
    parser.add_argument("--out", default="report", help="report folder [report]")
    parser.add_argument("--scale", default="quick", choices=("smoke", "quick", "paper"),
                        help="quick: ~15 min on 2 CPU cores; paper: the large run for a GPU machine; "
                        "smoke: seconds, to check the pipeline")
    parser.add_argument("--stages", nargs="+", default=None,
                        help="subset of: bounds montecarlo construction width_sweep frontier")
    parser.add_argument("--scheduler", default=None, help="dask.distributed scheduler address")
    parser.add_argument("--workers", type=int, default=None, help="local processes [all cores]")


def run(args):
    from .reproduce import STAGES, reproduce

    out = reproduce(args.out, args.scale, tuple(args.stages or STAGES), args.scheduler, args.workers)
    print(f"report written to {out / 'README.md'}")
    return 0
