"""Figure: Monte Carlo n* against eps with its confidence (n at the 95% lower bound), next to the
proved bound, the calibrated formula and the counting lower bound, one panel per freeze setting.

    python paper_figures/report_montecarlo.py --data report/montecarlo --out report/figures
"""

import _figio


def main(argv=None):
    args = _figio.parse_args(__doc__, argv)
    plt = _figio.pyplot()

    rows = _figio.read_csv(args.data, "montecarlo.csv")
    settings = sorted({(float(r["prune_ratio"]), float(r["lock_ratio"])) for r in rows})
    fig, axes = plt.subplots(1, len(settings), figsize=(3.3 * len(settings), 3.5), sharey=True)
    for ax, (p, l) in zip(axes, settings):
        pts = sorted((r for r in rows if (float(r["prune_ratio"]), float(r["lock_ratio"])) == (p, l)),
                     key=lambda r: float(r["eps"]))
        eps = [float(r["eps"]) for r in pts]
        est = [int(r["n_estimate"]) for r in pts]
        conf = [int(r["n_confident"]) for r in pts]
        ax.errorbar(eps, est, yerr=[[0] * len(est), [c - e for c, e in zip(conf, est)]], fmt="o",
                    capsize=3, label="Monte Carlo n* (bar: to 95% confident n)")
        ax.plot(eps, [int(r["proved"]) for r in pts], "-", label="proved (Theorem 3)")
        cal = [(e, int(r["calibrated"])) for e, r in zip(eps, pts) if r["calibrated"] not in ("", None)]
        if cal:
            ax.plot(*zip(*cal), "--", label="calibrated (95% upper)")
        ax.plot(eps, [int(r["counting_lower_bound"]) for r in pts], "k:", label="counting lower bound")
        ax.set(xscale="log", yscale="log", xlabel="eps", title=f"prune {p:g}, lock {l:g}")
        ax.invert_xaxis()
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("samples n (delta = 0.1)")
    axes[-1].legend(fontsize=6)
    fig.tight_layout()
    _figio.save(fig, args.out, "montecarlo")


if __name__ == "__main__":
    main()
