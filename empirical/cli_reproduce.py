"""`slt reproduce`: the quick reproduction end to end into a report folder (the main job).

Progress (labelled bars, stage lines) goes to stderr; stdout gets the one-screen summary of what
the run found and where the report is, or with ``--json`` the same summary as strict JSON (it is
also written to ``<out>/summary.json``).
"""


def configure(parser):
    parser.add_argument("--out", default="report", help="report folder")
    parser.add_argument("--scale", default="quick", choices=("smoke", "quick", "paper"),
                        help="quick: about 1,300 CPU-seconds when measured (at least 11 min on 2 "
                        "free CPU cores, results/comparison/NOTES.md); smoke: about 75 s measured on a "
                        "loaded 2-core machine, to check the pipeline; paper: the larger run for a "
                        "GPU machine (not timed)")
    parser.add_argument("--stages", nargs="+", default=None,
                        choices=("bounds", "montecarlo", "construction", "width_sweep", "frontier"),
                        metavar="STAGE", help="run only these stages, in the order given, of: "
                        "bounds montecarlo construction width_sweep frontier; all five when not set")
    parser.add_argument("--scheduler", default=None, help="dask.distributed scheduler address")
    parser.add_argument("--workers", type=int, default=None, help="local processes; one per core when not set")
    parser.add_argument("--json", action="store_true",
                        help="print the summary as JSON instead of text")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bars or stage lines on stderr")


def run(args):
    import json

    from slt_theory import _display

    from .report import summary
    from .reproduce import STAGES, reproduce

    out = reproduce(args.out, args.scale, tuple(args.stages or STAGES), args.scheduler,
                    args.workers, progress=not args.no_progress)
    found = json.loads((out / "summary.json").read_text())
    print(_display.to_json(found) if args.json else summary.text(found))
    return 0
