"""Figure: test accuracy against mask bits (one bit per free weight, log scale) of tickets in
dense (narrower), randomly pruned and frozen sources, each kind at its best setting chosen on
validation accuracy, with 95% t intervals over seeds; one panel per model (Conv6, MLP).

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
            for r, x_, y_ in zip(pts, x, y):
                ax.annotate(f"f={float(r['freeze_ratio']):g}", (x_, y_), fontsize=6,
                            textcoords="offset points", xytext=(4, -9))
        seeds = rows[0]["seeds"]
        ax.set(xscale="log", xlabel="mask bits (one per free weight)",
               ylabel="test accuracy (digits, 32x32)",
               title=f"{model}: best setting per kind (chosen on validation), {seeds} seeds, 95% t")
        ax.set_ylim(top=1.0)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    _figio.save(fig, args.out, "frontier")


if __name__ == "__main__":
    main()
