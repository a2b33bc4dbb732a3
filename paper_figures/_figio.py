"""What the report figure scripts share: the --data / --out arguments, reading a CSV of the
report, and writing one figure as PNG and PDF."""

import argparse
import csv
import pathlib


def parse_args(doc, argv=None, data_default=None, out_default=None):
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--data", required=data_default is None, default=data_default,
                    help="folder holding the stage's tables")
    ap.add_argument("--out", required=out_default is None, default=out_default,
                    help="folder for the PNG and PDF")
    return ap.parse_args(argv)


def pyplot():
    """matplotlib's pyplot on the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def read_csv(folder, name):
    with open(pathlib.Path(folder) / name, newline="") as f:
        return list(csv.DictReader(f))


def save(fig, out, name):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for ext in ("png", "pdf"):
        fig.savefig(out / f"{name}.{ext}", dpi=130)
