"""What the report's figure modules share: their ``--data`` / ``--out`` command line, reading a
table the main job wrote, and saving one figure in the shared style.

Each figure module runs in its own process (``python -m empirical.report.<figure> --data DIR
--out DIR``): the main job computes, then draws from the small CSV / JSON files it wrote, so that
plotting never shares a process (or its memory) with a computation.
"""

import argparse
import csv
import pathlib

from . import style


def parse_args(doc, argv=None):
    """``--data`` (the stage's folder) and ``--out`` (the figures' folder) of a figure module."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="folder holding the stage's tables")
    ap.add_argument("--out", required=True, help="folder for the PNG and PDF")
    return ap.parse_args(argv)


def pyplot():
    """matplotlib's pyplot on the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def read_csv(folder, name):
    """The rows of ``folder/name`` as dicts of strings."""
    with open(pathlib.Path(folder) / name, newline="") as f:
        return list(csv.DictReader(f))


def setting_label(prune_ratio, lock_ratio):
    """How a freeze setting is named in every legend."""
    if prune_ratio == lock_ratio == 0:
        return "no freezing"
    return f"prune {prune_ratio:g}, lock {lock_ratio:g}"


def setting_colors(settings):
    """One Okabe-Ito colour per freeze setting, in sorted order (the same setting gets the same
    colour in every figure of the report)."""
    return {s: style.CYCLE[i % len(style.CYCLE)] for i, s in enumerate(sorted(settings))}


def save(fig, out, name):
    """``out/name.pdf`` and ``.png``, atomically, at the figure's designed width."""
    return style.save(fig, pathlib.Path(out) / name)


def main(doc, argv, name, draw_from):
    """The command line of a figure module: ``draw_from(data_folder)`` at text width, saved as
    ``out/name.{pdf,png}``."""
    args = parse_args(doc, argv)
    pyplot()
    with style.context("text"):
        save(draw_from(pathlib.Path(args.data)), args.out, name)
