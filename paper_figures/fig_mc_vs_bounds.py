"""Figure: Monte Carlo n*(eps) with confidence bars next to the proved bound, the calibrated
formula and the counting lower bound, one panel per freeze setting (locking included).

    python paper_figures/compute_mc_vs_bounds.py   # once: writes paper_figures/data/mc_vs_bounds.csv
    python paper_figures/fig_mc_vs_bounds.py       # writes paper_figures/fig_mc_vs_bounds.{png,pdf}

Reads only the saved CSV; the bounds come from slt_theory.bounds (proved, counting) and
slt_theory.bounds.calibration (calibrated). Drawn in the shared style (empirical.report.style) at
text width: markers are the Monte Carlo n* with its 95% interval as the bar (n_low to n_high in
the CSV); black line: the proved n (Theorem 3''); dashed: the calibrated n* (95% conformal upper
bound); dotted: the counting lower bound (Proposition 1).
"""

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # run from a source checkout without installing
DATA = os.path.join(HERE, "data", "mc_vs_bounds.csv")


def main():
    import matplotlib

    matplotlib.use("Agg")

    from empirical.report import style

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
    ncols = 2 if len(settings) > 1 else 1
    nrows = -(-len(settings) // ncols)
    with style.context("text"):
        fig, axes = style.subplots("text", nrows, ncols, squeeze=False, sharex=True, sharey=True,
                                   height=1.55 * nrows + 0.9)
        for ax, (p, l) in zip(axes.flat, settings):
            pts = sorted((r for r in rows if (r["prune_ratio"], r["lock_ratio"]) == (p, l)),
                         key=lambda r: r["eps"])
            eps = [r["eps"] for r in pts]
            delta = pts[0]["delta"]
            est = [r["n_estimate"] for r in pts]
            err = [[r["n_estimate"] - r["n_low"] for r in pts],
                   [r["n_high"] - r["n_estimate"] for r in pts]]
            ax.errorbar(eps, est, yerr=err, fmt="o", ms=3, color=style.CYCLE[0], capsize=2,
                        label=style.label("Monte Carlo n* (bar: 95% interval)"))
            ax.plot(eps, [required_samples(e, delta, prune_ratio=p, lock_ratio=l) for e in eps],
                    "-", color=style.REFERENCE_COLOR, label="proved (Theorem 3'')")
            try:
                ax.plot(eps, [calibrated_samples(e, delta, prune_ratio=p, lock_ratio=l).n
                              for e in eps], "--", color=style.CYCLE[1],
                        label=style.label("calibrated n* (95% conformal upper bound)"))
            except InvalidParameterError:
                pass  # the calibration does not cover this setting: no line
            ax.plot(eps, [counting_lower_bound_samples(e) for e in eps], ":", color="0.45",
                    label="counting lower bound (Proposition 1)")
            ax.set(xscale="log", yscale="log")
            ax.invert_xaxis() if not ax.xaxis_inverted() else None
            ax.set_title("no freezing" if p == l == 0 else f"prune {p:g}, lock {l:g}")
            ax.grid(True, which="major", alpha=0.3)
        style.label_bottom_panels(axes, len(settings), style.label("eps"))
        fig.supylabel(style.label(f"samples n (delta = {delta:g})"), fontsize=style.FONT_SIZE)
        style.legend_outside(fig, "below")
        style.save(fig, os.path.join(HERE, "fig_mc_vs_bounds"))
    print("wrote", os.path.join(HERE, "fig_mc_vs_bounds.png"))


if __name__ == "__main__":
    main()
