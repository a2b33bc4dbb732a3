"""Figure: digits test accuracy against ticket size (mask-only bits, log scale) for tickets in
dense, randomly pruned and frozen sources and the weight-trained dense model (mean +- std over
seeds).

    python paper_figures/report_digits.py --data report/digits --out report/figures
"""

import _figio


def main(argv=None):
    args = _figio.parse_args(__doc__, argv)
    plt = _figio.pyplot()

    rows = _figio.read_csv(args.data, "summary.csv")
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for source in sorted({r["source"] for r in rows}):
        pts = sorted((r for r in rows if r["source"] == source), key=lambda r: int(r["mask_only_bits"]))
        ax.errorbar([int(r["mask_only_bits"]) for r in pts], [float(r["test_acc_mean"]) for r in pts],
                    yerr=[float(r["test_acc_std"]) for r in pts], fmt="o-", capsize=3, label=source)
    ax.set(xscale="log", xlabel="model size (bits; mask only for tickets, 32 bits/weight dense)",
           ylabel="test accuracy (digits)")
    ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    _figio.save(fig, args.out, "digits")


if __name__ == "__main__":
    main()
