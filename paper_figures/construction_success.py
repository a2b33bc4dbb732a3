"""Figure: success probability of the constructive ticket (docs/theory.md, Section 4) against the
source's hidden width, for no freezing, pruning only and pruning plus locking, with the width
that Theorem 5 prescribes marked; and, for locking with d_0 = 2 (not covered, Proposition 3),
what happens instead: the construction fails more often and its measured error grows with width.

Reads results/construction/success-*.csv (made by construction_success_compute.py) and writes
paper_figures/construction_success.{png,pdf}; also writes results/construction/table.md.
Run: python paper_figures/construction_success.py
"""

import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "results" / "construction"


def _load():
    runs = []
    for path in sorted(DATA.glob("success-*.csv")):
        lines = path.read_text().splitlines()
        meta = json.loads(lines[0][2:])
        header = lines[1].split(",")
        rows = [dict(zip(header, line.split(",", len(header) - 1))) for line in lines[2:] if line]
        runs.append((meta, rows))
    runs.sort(key=lambda r: (r[0]["lock_ratio"] > 0 and max(r[0]["widths"][:-1]) > 1,
                             r[0]["lock_ratio"] > 0, r[0]["prune_ratio"] > 0))
    return runs


def _table(runs):
    lines = ["| setting | target | required_width | width from Monte Carlo n* | "
             "smallest width with success rate >= 1 - delta (pointwise / uniform) | success at largest width |",
             "|---|---|---|---|---|---|"]
    for meta, rows in runs:
        good = [int(r["hidden_width"]) for r in rows if float(r["estimate"]) >= 1 - meta["delta"]]
        good_u = [int(r["hidden_width"]) for r in rows
                  if int(r.get("uniform_successes", -1)) >= (1 - meta["delta"]) * int(r["trials"])]
        last = rows[-1]
        lines.append(
            f"| {meta['name']} | {tuple(meta['widths'])} | {meta['required_width'] or 'not covered'} | "
            f"{meta['empirical_width'] or 'n/a'} | {min(good) if good else 'none'} / "
            f"{min(good_u) if good_u else 'none'} | "
            f"{last['successes']}/{last['trials']} at {last['hidden_width']} |")
    meta = runs[0][0]
    lines.append("")
    lines.append(f"eps = {meta['eps']}, delta = {meta['delta']}, seeds {meta['seeds'][0]}.."
                 f"{meta['seeds'][1] - 1} (a fresh target and source per seed), iid freezing, "
                 f"commit {meta['commit']}, {meta['date']}.")
    return "\n".join(lines) + "\n"


def main():
    runs = _load()
    if not runs:
        raise SystemExit("no data: run paper_figures/construction_success_compute.py first")
    fig, (ax, ax_err) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(runs)))
    for color, (meta, rows) in zip(colors, runs):
        w = np.array([int(r["hidden_width"]) for r in rows])
        est = np.array([float(r["estimate"]) for r in rows])
        lo = np.array([float(r["ci_low"]) for r in rows])
        hi = np.array([float(r["ci_high"]) for r in rows])
        covered = meta["required_width"] is not None
        style = "-" if covered else "--"
        label = f"{meta['name']}, target {tuple(meta['widths'])}"
        ax.plot(w, est, style, marker="o", ms=3, color=color, label=label)
        ax.fill_between(w, lo, hi, color=color, alpha=0.2, lw=0)
        if "uniform_successes" in rows[0]:
            uni = np.array([int(r["uniform_successes"]) / int(r["trials"]) for r in rows])
            ax.plot(w, uni, style, color=color, lw=0.8, alpha=0.8)
        if covered:
            ax.axvline(meta["required_width"], color=color, ls=":", lw=1.2)
        if meta.get("empirical_width"):
            ax.axvline(meta["empirical_width"], color=color, ls="-.", lw=0.8, alpha=0.7)
        med = np.array([float(r["median_error"]) for r in rows])
        ax_err.plot(w, med, style, marker="o", ms=3, color=color)
    meta = runs[0][0]
    ax.axhline(1 - meta["delta"], color="k", lw=0.8, alpha=0.5)
    ax.plot([], [], "k-", marker="o", ms=3, label="this seed's target (pointwise)")
    ax.plot([], [], "k-", lw=0.8, label="every target at once (uniform, Theorem 5's event)")
    ax.plot([], [], "k:", label="required_width (Theorem 5)")
    ax.plot([], [], "k-.", label="width from Monte Carlo n*")
    ax.set(xscale="log", xlabel="hidden width of the source (max over layers)",
           ylabel="P(construction succeeds)", ylim=(-0.02, 1.02),
           title=f"eps = {meta['eps']}, delta = {meta['delta']}; bands: 95% Clopper-Pearson")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 0.05))
    ax_err.axhline(meta["eps"], color="k", lw=0.8, alpha=0.5)
    ax_err.set(xscale="log", yscale="log", xlabel="hidden width of the source",
               ylabel="median measured sup error over the unit ball",
               title="measured error, median over seeds")
    ax_err.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(ROOT / "paper_figures" / f"construction_success.{ext}", dpi=130)
    (DATA / "table.md").write_text(_table(runs))


if __name__ == "__main__":
    main()
