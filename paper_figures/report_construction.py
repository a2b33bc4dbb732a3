"""Figure: success rate of the constructive ticket against hidden width, with 95% Clopper-Pearson
bands and the theory's width marked, per freeze setting.

    python paper_figures/report_construction.py --data report/construction --out report/figures
"""

import _figio


def main(argv=None):
    args = _figio.parse_args(__doc__, argv)
    plt = _figio.pyplot()
    import numpy as np

    rows = _figio.read_csv(args.data, "construction.csv")
    settings = sorted({(float(r["prune_ratio"]), float(r["lock_ratio"])) for r in rows})
    eps_values = sorted({float(r["eps"]) for r in rows}, reverse=True)
    fig, axes = plt.subplots(1, len(eps_values), figsize=(6 * len(eps_values), 4), sharey=True,
                             squeeze=False)
    for ax, eps in zip(axes[0], eps_values):
        for color, (p, l) in zip(plt.cm.viridis(np.linspace(0, 0.85, len(settings))), settings):
            pts = sorted((r for r in rows if (float(r["prune_ratio"]), float(r["lock_ratio"])) == (p, l)
                          and float(r["eps"]) == eps), key=lambda r: int(r["hidden_width"]))
            if not pts:
                continue
            w = [int(r["hidden_width"]) for r in pts]
            rate = [int(r["successes"]) / int(r["trials"]) for r in pts]
            label = "no freezing" if p == l == 0 else f"prune {p:g}, lock {l:g}"
            ax.plot(w, rate, "o-", color=color, label=label)
            ax.fill_between(w, [float(r["ci_low"]) for r in pts], [float(r["ci_high"]) for r in pts],
                            color=color, alpha=0.2)
            ax.axvline(int(pts[0]["required_width"]), color=color, ls="--", lw=1)
        ax.axhline(1 - float(rows[0]["delta"]), color="gray", ls=":", label="1 - delta")
        ax.set(xscale="log", xlabel="hidden width", title=f"one target weight, eps = {eps:g}; dashed: proved width")
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel("success rate of the construction (95% band)")
    fig.tight_layout()
    _figio.save(fig, args.out, "construction")


if __name__ == "__main__":
    main()
