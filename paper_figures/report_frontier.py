"""Figure: test accuracy against mask bits (one bit per free weight, log scale) of tickets in
dense (narrower), randomly pruned and frozen sources, each kind at its best setting chosen on
validation accuracy: the mean with its 95% t interval over seeds, and every seed as a small dot;
one panel per model (Conv6, MLP).

    python paper_figures/report_frontier.py --data report/frontier --out report/figures
"""

import _figio

STYLE = {"dense": ("o-", "tab:gray", "dense source (narrower)"),
         "pruned": ("s-", "tab:blue", "randomly pruned source"),
         "frozen": ("^-", "tab:red", "frozen source (prune + lock)")}


def main(argv=None):
    args = _figio.parse_args(__doc__, argv)
    plt = _figio.pyplot()

    rows = _figio.read_csv(args.data, "frontier.csv")
    runs = _figio.read_csv(args.data, "runs.csv")
    setting = ("model", "freeze_ratio", "kind", "width", "prune_ratio", "lock_ratio", "keep_share")
    models = sorted({r["model"] for r in rows})
    fig, axes = plt.subplots(1, len(models), figsize=(5.5 * len(models), 4), squeeze=False)
    for ax, model in zip(axes[0], models):
        for kind, (fmt, color, label) in STYLE.items():
            pts = sorted((r for r in rows if r["model"] == model and r["kind"] == kind),
                         key=lambda r: int(r["mask_bits"]))
            if not pts:
                continue
            x = [int(r["mask_bits"]) for r in pts]
            y = [float(r["test_acc_mean"]) for r in pts]
            lo = [y_ - float(r["ci_low"]) if r["ci_low"] not in ("", "nan") else 0.0
                  for y_, r in zip(y, pts)]
            hi = [float(r["ci_high"]) - y_ if r["ci_high"] not in ("", "nan") else 0.0
                  for y_, r in zip(y, pts)]
            ax.errorbar(x, y, yerr=[lo, hi], fmt=fmt, color=color, capsize=3, label=label)
            for r, x_ in zip(pts, x):
                seeds = [float(u["test_acc"]) for u in runs
                         if all(u[k] == r[k] for k in setting)]
                ax.plot([x_] * len(seeds), seeds, ".", color=color, alpha=0.5, ms=4)
            for r, x_, y_ in zip(pts, x, y):
                ax.annotate(f"f={float(r['freeze_ratio']):g}", (x_, y_), fontsize=6,
                            textcoords="offset points", xytext=(4, -9))
        ax.set(xscale="log", xlabel="mask bits (one per free weight)",
               ylabel="test accuracy (digits, 32x32)", title=model)
        ax.set_ylim(0.0, 1.0)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"each kind at its best setting (chosen on validation); mean, 95% t interval "
                 f"and every seed ({rows[0]['seeds']} seeds)", fontsize=9)
    fig.tight_layout()
    _figio.save(fig, args.out, "frontier")


if __name__ == "__main__":
    main()
