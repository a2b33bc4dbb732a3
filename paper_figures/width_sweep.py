"""The width-sweep figure of the report, drawn from the quick report's stored data.

A thin wrapper: the figure is empirical.report.width_sweep (inside the installed package, where
`slt reproduce` runs it). This script keeps the old defaults, results/quick_report/width_sweep ->
paper_figures/width_sweep.{png,pdf}:

    python paper_figures/width_sweep.py [--data DIR --out DIR]
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a source checkout without installing

from empirical.report import width_sweep  # noqa: E402


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--data" not in argv:
        argv += ["--data", str(ROOT / "results" / "quick_report" / "width_sweep")]
    if "--out" not in argv:
        argv += ["--out", str(ROOT / "paper_figures")]
    width_sweep.main(argv)


if __name__ == "__main__":
    main()
