"""Figure: success rate of the constructive ticket against hidden width, with 95% Clopper-Pearson
bands and the theory's width marked, per freeze setting; one row of panels per target (one weight,
2x2), one column per eps.

    python paper_figures/report_construction.py --data report/construction --out report/figures
"""

import _figio


def main(argv=None):
    args = _figio.parse_args(__doc__, argv)
    plt = _figio.pyplot()
    import numpy as np

    rows = _figio.read_csv(args.data, "construction.csv")
    for r in rows:  # tables written before targets were added hold one weight only
        r.setdefault("target", "1x1")
    settings = sorted({(float(r["prune_ratio"]), float(r["lock_ratio"])) for r in rows})
    colors = dict(zip(settings, plt.cm.viridis(np.linspace(0, 0.85, len(settings)))))
    targets = sorted({r["target"] for r in rows})
    eps_values = sorted({float(r["eps"]) for r in rows}, reverse=True)
    fig, axes = plt.subplots(len(targets), len(eps_values),
                             figsize=(4.5 * len(eps_values), 3.6 * len(targets)), sharey=True,
                             squeeze=False)
    for row_axes, target in zip(axes, targets):
        for ax, eps in zip(row_axes, eps_values):
            for (p, l), color in colors.items():
                pts = sorted((r for r in rows if r["target"] == target
                              and (float(r["prune_ratio"]), float(r["lock_ratio"])) == (p, l)
                              and float(r["eps"]) == eps), key=lambda r: int(r["hidden_width"]))
                if not pts:
                    continue
                w = [int(r["hidden_width"]) for r in pts]
                rate = [int(r["successes"]) / int(r["trials"]) for r in pts]
                label = "no freezing" if p == l == 0 else f"prune {p:g}, lock {l:g}"
                ax.plot(w, rate, "o-", color=color, label=label)
                ax.fill_between(w, [float(r["ci_low"]) for r in pts],
                                [float(r["ci_high"]) for r in pts], color=color, alpha=0.2)
                ax.axvline(int(pts[0]["required_width"]), color=color, ls="--", lw=1)
            ax.axhline(1 - float(rows[0]["delta"]), color="gray", ls=":", label="1 - delta")
            ax.set(xscale="log", xlabel="hidden width",
                   title=f"target {target}, eps = {eps:g}; dashed: proved width")
            ax.legend(fontsize=6)
        row_axes[0].set_ylabel("success rate (95% band)")
    fig.tight_layout()
    _figio.save(fig, args.out, "construction")


if __name__ == "__main__":
    main()
