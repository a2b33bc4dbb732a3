"""Figure: proved required_samples (Theorem 3''), Monte Carlo n* and the counting lower bound
(Proposition 1) against eps, at delta = 0.1 and 0.01 (text width, the shared style of
empirical.report.style).

Solid lines: the proved n of each freeze setting; circles on dashed lines: the Monte Carlo n* of
the same setting (its coverage estimate reaches 1 - delta; no interval drawn, see
fig_mc_vs_bounds.py for the confidence bars); black dotted: the counting lower bound.

Reads results/bounds_table/table.json (made by benchmarks/bounds_vs_montecarlo_table.py, see
docs/theory.md, Section 6) and writes paper_figures/proved_vs_empirical.{png,pdf}.
Run: python paper_figures/proved_vs_empirical.py
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a source checkout without installing

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from empirical.report import style  # noqa: E402
from slt_theory import bounds  # noqa: E402

DATA = ROOT / "results" / "bounds_table" / "table.json"
SETTINGS = [((0.0, 0.0), "no freezing"), ((0.5, 0.0), "prune 0.5"),
            ((0.25, 0.25), "prune 0.25, lock 0.25"), ((0.0, 0.5), "lock 0.5"),
            ((0.35, 0.35), "prune 0.35, lock 0.35")]


def main():
    rows = json.loads(DATA.read_text())["rows"]
    with style.context("text"):
        fig, axes = style.subplots("text", 1, 2, sharey=True, height=3.6)
        eps_grid = np.logspace(-3.2, -0.9, 30)
        for ax, delta in zip(axes, (0.1, 0.01)):
            for color, ((p, l), label) in zip(style.CYCLE, SETTINGS):
                proved = [bounds.required_samples(e, delta, prune_ratio=p, lock_ratio=l)
                          for e in eps_grid]
                ax.plot(eps_grid, proved, color=color, label=f"proved, {label}")
                pts = [(r["eps"], r["mc_n_estimate"]) for r in rows
                       if r["delta"] == delta and r["prune_ratio"] == p and r["lock_ratio"] == l]
                if pts:
                    ex, ny = zip(*sorted(pts))
                    ax.plot(ex, ny, "o--", ms=3, lw=0.8, color=color,
                            label=style.label(f"Monte Carlo n*, {label}"))
            ax.plot(eps_grid, [bounds.counting_lower_bound_samples(e) for e in eps_grid], ":",
                    color=style.REFERENCE_COLOR, label="counting lower bound (Proposition 1)")
            ax.set(xscale="log", yscale="log")
            ax.set_xlabel(style.label("eps"))
            ax.set_title(style.label(f"uniform cover of [-1, 1], delta = {delta}"))
            ax.invert_xaxis()
            ax.grid(True, which="major", alpha=0.3)
        axes[0].set_ylabel("samples n (frozen included)")
        style.legend_outside(fig, "below", ncols=2)
        style.save(fig, ROOT / "paper_figures" / "proved_vs_empirical")


if __name__ == "__main__":
    main()
