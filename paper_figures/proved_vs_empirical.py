"""Figure: proved required_samples (Theorem 3''), Monte Carlo n* and the counting lower bound
against eps.

Reads results/bounds_table/table.json (made by benchmarks/bounds_vs_montecarlo_table.py, see
docs/theory.md, Section 6) and writes paper_figures/proved_vs_empirical.{png,pdf}.
Run: python paper_figures/proved_vs_empirical.py
"""

import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from slt_theory import bounds  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "results" / "bounds_table" / "table.json"
SETTINGS = [((0.0, 0.0), "no freezing"), ((0.5, 0.0), "pruning 50%"),
            ((0.25, 0.25), "pruning 25% + locking 25%"), ((0.0, 0.5), "locking 50%"),
            ((0.35, 0.35), "pruning 35% + locking 35%")]


def main():
    rows = json.loads(DATA.read_text())["rows"]
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), sharey=True)
    eps_grid = np.logspace(-3.2, -0.9, 30)
    for ax, delta in zip(axes, (0.1, 0.01)):
        for color, ((p, l), label) in zip(plt.cm.viridis(np.linspace(0, 0.85, len(SETTINGS))), SETTINGS):
            proved = [bounds.required_samples(e, delta, prune_ratio=p, lock_ratio=l) for e in eps_grid]
            ax.plot(eps_grid, proved, color=color, label=f"proved, {label}")
            pts = [(r["eps"], r["mc_n_estimate"]) for r in rows
                   if r["delta"] == delta and r["prune_ratio"] == p and r["lock_ratio"] == l]
            if pts:
                ex, ny = zip(*sorted(pts))
                ax.plot(ex, ny, "o--", color=color, label=f"Monte Carlo n*, {label}")
        ax.plot(eps_grid, [bounds.counting_lower_bound_samples(e) for e in eps_grid], "k:",
                label="counting lower bound")
        ax.set(xscale="log", yscale="log", xlabel="eps", title=f"uniform cover of [-1, 1], delta = {delta}")
        ax.invert_xaxis()
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("samples n (frozen included)")
    axes[1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(ROOT / "paper_figures" / f"proved_vs_empirical.{ext}", dpi=130)


if __name__ == "__main__":
    main()
