"""Figure: Monte Carlo n*(eps) with confidence bars next to the proved bound, the calibrated
formula and the counting lower bound, one panel per freeze setting (locking included).

    python paper_figures/compute_mc_vs_bounds.py   # once: writes paper_figures/data/mc_vs_bounds.csv
    python paper_figures/fig_mc_vs_bounds.py       # writes paper_figures/fig_mc_vs_bounds.{png,pdf}

Reads only the saved CSV; the bounds come from slt_theory.bounds (proved, counting) and
slt_theory.bounds.calibration (calibrated).
"""

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "mc_vs_bounds.csv")


def main():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        from slt_theory.bounds import counting_lower_bound_samples, required_samples
    except ImportError as err:
        sys.exit(f"fig_mc_vs_bounds: slt_theory.bounds.required_samples is needed ({err})")
    from slt_theory.bounds.calibration import calibrated_samples
    from slt_theory.errors import InvalidParameterError

    if not os.path.exists(DATA):
        sys.exit(f"fig_mc_vs_bounds: {DATA} missing; run paper_figures/compute_mc_vs_bounds.py")
    with open(DATA, newline="") as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    settings = sorted({(r["prune_ratio"], r["lock_ratio"]) for r in rows})
    fig, axes = plt.subplots(1, len(settings), figsize=(3.2 * len(settings), 3.4), sharey=True)
    for ax, (p, l) in zip(axes, settings):
        pts = sorted((r for r in rows if (r["prune_ratio"], r["lock_ratio"]) == (p, l)),
                     key=lambda r: r["eps"])
        eps = [r["eps"] for r in pts]
        delta = pts[0]["delta"]
        est = [r["n_estimate"] for r in pts]
        err = [[r["n_estimate"] - r["n_low"] for r in pts], [r["n_high"] - r["n_estimate"] for r in pts]]
        ax.errorbar(eps, est, yerr=err, fmt="o", color="k", capsize=3, label="Monte Carlo n* (95% CI)")
        ax.plot(eps, [required_samples(e, delta, prune_ratio=p, lock_ratio=l) for e in eps],
                "-", color="C3", label="proved bound")
        try:
            ax.plot(eps, [calibrated_samples(e, delta, prune_ratio=p, lock_ratio=l).n for e in eps],
                    "--", color="C0", label="calibrated formula")
        except InvalidParameterError:
            pass
        ax.plot(eps, [counting_lower_bound_samples(e) for e in eps], ":", color="C2",
                label="counting lower bound")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.invert_xaxis()
        ax.set_xlabel("eps")
        ax.set_title(f"prune {p:g}, lock {l:g}", fontsize=9)
    axes[0].set_ylabel(f"samples n (delta = {delta:g})")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(HERE, f"fig_mc_vs_bounds.{ext}"), dpi=150)
    print("wrote", os.path.join(HERE, "fig_mc_vs_bounds.png"))


if __name__ == "__main__":
    main()
