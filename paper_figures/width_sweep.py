"""Figure: the smallest hidden width that reaches eps (for at least 1 - delta of the seeds)
against eps, for Edge-Popup (search setting chosen per width on validation MSE), the proof's
construction, and the proved width (Theorem 5); one panel per target (one weight, 2x2), one
colour per freeze setting. A width the grid never reached is drawn as an open marker at the top
of the grid with an arrow.

Reads the width-sweep table written by the main job (`slt reproduce`, stage "width_sweep"):
    python paper_figures/width_sweep.py --data report/width_sweep --out report/figures
(defaults: results/quick_report/width_sweep and paper_figures/). Writes width_sweep.{png,pdf}.
"""

import json
import pathlib

import _figio

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main(argv=None):
    args = _figio.parse_args(__doc__, argv,
                             data_default=str(ROOT / "results" / "quick_report" / "width_sweep"),
                             out_default=str(ROOT / "paper_figures"))
    plt = _figio.pyplot()
    import numpy as np

    summary = json.loads((pathlib.Path(args.data) / "summary.json").read_text())
    rows = summary["settings"]
    top = max(summary["widths"])
    targets = sorted({r["target"] for r in rows})
    fig, axes = plt.subplots(1, len(targets), figsize=(5.5 * len(targets), 4.3), squeeze=False,
                             sharey=True)
    settings = sorted({(r["prune_ratio"], r["lock_ratio"]) for r in rows})
    colors = dict(zip(settings, plt.cm.viridis(np.linspace(0, 0.85, len(settings)))))
    # settings are drawn side by side around each eps (a small multiplicative offset) so that
    # equal widths of different settings stay visible
    offset = {k: 1.0 + 0.05 * (i - (len(settings) - 1) / 2) for i, k in enumerate(settings)}
    for ax, target in zip(axes[0], targets):
        for (p, l) in settings:
            pts = sorted((r for r in rows if r["target"] == target and r["prune_ratio"] == p
                          and r["lock_ratio"] == l), key=lambda r: r["eps"])
            if not pts:
                continue
            c = colors[(p, l)]
            eps = [r["eps"] * offset[(p, l)] for r in pts]
            label = "no freezing" if p == l == 0 else f"prune {p:g}, lock {l:g}"
            ep = [r["edge_popup_width"] for r in pts]
            ax.plot([e for e, w in zip(eps, ep) if w], [w for w in ep if w], "o-", color=c, ms=8,
                    label=f"Edge-Popup, {label}")
            missed = [e for e, w in zip(eps, ep) if not w]
            ax.plot(missed, [top * 1.4] * len(missed), "o", mfc="none", color=c)
            for e in missed:
                ax.annotate("", (e, top * 2.2), (e, top * 1.4),
                            arrowprops=dict(arrowstyle="->", color=c))
            cw = [(e, r["constructive_width"]) for e, r in zip(eps, pts) if r["constructive_width"]]
            if cw:
                ax.plot(*zip(*cw), "x--", color=c, ms=7, mew=1.5, lw=1)
            rw = [(e, r["required_width"]) for e, r in zip(eps, pts) if r["required_width"]]
            if rw:
                ax.plot(*zip(*rw), ":", color=c, lw=2)
        ax.axhline(top, color="gray", lw=0.8)
        ax.set(xscale="log", yscale="log", xlabel="eps (sup error over the unit ball)",
               title=f"target {target}: {summary['seeds']} seeds, delta = {summary['delta']}")
        ax.invert_xaxis()
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("smallest hidden width reaching eps")
    ax = axes[0][-1]
    ax.plot([], [], "ko-", label="Edge-Popup (setting chosen on validation)")
    ax.plot([], [], "ko", mfc="none", label=f"Edge-Popup: not reached by width {top}")
    ax.plot([], [], "kx--", ms=8, mew=2, label="construction (docs/theory.md, Sec. 4)")
    ax.plot([], [], "k:", lw=2, label="proved width (Theorem 5)")
    handles, labels = ax.get_legend_handles_labels()
    for a in axes[0]:
        a.legend(*(a.get_legend_handles_labels() if a is not ax else (handles, labels)),
                 fontsize=6, loc="upper left")
    fig.tight_layout()
    _figio.save(fig, args.out, "width_sweep")


if __name__ == "__main__":
    main()
