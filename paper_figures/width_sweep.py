"""Figure: error Edge-Popup reaches against the source's hidden width, per freeze setting, next to
the widths the theory requires (Theorem 5) and the constructive / Monte Carlo widths.

Reads the width-sweep table written by the main job (`slt reproduce`, stage "width_sweep"):
    python paper_figures/width_sweep.py --data report/width_sweep --out report/figures
(defaults: results/width_sweep and paper_figures/). Writes width_sweep.{png,pdf}.
"""

import json
import pathlib

import _figio

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main(argv=None):
    args = _figio.parse_args(__doc__, argv, data_default=str(ROOT / "results" / "width_sweep"),
                             out_default=str(ROOT / "paper_figures"))
    plt = _figio.pyplot()
    import numpy as np

    rows = _figio.read_csv(args.data, "rows.csv")
    summary = json.loads((pathlib.Path(args.data) / "summary.json").read_text())
    settings = sorted({(float(r["prune_ratio"]), float(r["lock_ratio"])) for r in rows})
    widths = sorted({int(r["width"]) for r in rows})
    colors = plt.cm.viridis(np.linspace(0, 0.85, len(settings)))
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for color, (p, l) in zip(colors, settings):
        errs = [[float(r["error"]) for r in rows if float(r["prune_ratio"]) == p
                 and float(r["lock_ratio"]) == l and int(r["width"]) == w] for w in widths]
        med = [np.median(e) for e in errs]
        lo = [np.quantile(e, 0.25) for e in errs]
        hi = [np.quantile(e, 0.75) for e in errs]
        label = "no freezing" if p == l == 0 else f"prune {p:g}, lock {l:g}"
        ax.plot(widths, med, "o-", color=color, label=f"Edge-Popup, {label} (median, IQR)")
        ax.fill_between(widths, lo, hi, color=color, alpha=0.2)
        for s in summary["settings"]:
            if s["prune_ratio"] != p or s["lock_ratio"] != l:
                continue
            # the three reference widths at this eps, drawn at height eps: proved (dashed line),
            # the proof's construction (x) and the exact-solver Monte Carlo (triangle)
            if s.get("required_width"):
                ax.axvline(s["required_width"], color=color, ls="--", lw=1)
            if s.get("constructive_width"):
                ax.plot(s["constructive_width"], s["eps"], "x", color=color, ms=9, mew=2)
            if s.get("monte_carlo_width"):
                ax.plot(s["monte_carlo_width"], s["eps"], "^", color=color, ms=7)
    for eps in sorted({s["eps"] for s in summary["settings"]}):
        ax.axhline(eps, color="gray", ls=":", lw=1)
    ax.plot([], [], "k--", lw=1, label="proved width (Theorem 4), per setting")
    ax.plot([], [], "kx", ms=9, mew=2, label="construction reaches eps (at height eps)")
    ax.plot([], [], "k^", ms=7, label="exact-solver Monte Carlo width (at height eps)")
    ax.set(xscale="log", yscale="log", xlabel="hidden width of the frozen source",
           ylabel="sup output error over the unit sphere",
           title=f"target widths {summary['target_widths']}, {summary['seeds']} seeds per point, "
                 f"delta = {summary['delta']}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    _figio.save(fig, args.out, "width_sweep")


if __name__ == "__main__":
    main()
