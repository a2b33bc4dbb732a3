"""Figure: the Monte Carlo n* against eps next to the proved bound, the calibrated n* and the
counting lower bound, one panel per freeze setting (stage ``montecarlo`` of ``slt reproduce``).

Markers: the smallest n whose coverage estimate reaches 1 - delta; the bar above each marker
reaches the smallest n whose one-sided 95% Clopper-Pearson lower bound does (the confident n*).
Lines: the proved n (Theorem 3'' of docs/theory.md, black), the calibrated n* (its 95% conformal
upper bound, docs/calibration.md; only where the fit covers the setting) and the counting lower
bound (Proposition 1, grey dotted); delta = 0.1.

    python -m empirical.report.montecarlo --data report/montecarlo --out report/figures
"""

from . import _figio, style

#: the figure's file name (without suffix) in the report's figures folder
NAME = "montecarlo"
#: the columns of ``montecarlo.csv`` that the figure reads, and their kinds (_figio.check_rows)
COLUMNS = {"eps": "real", "delta": "real", "prune_ratio": "real", "lock_ratio": "real",
           "n_estimate": "count", "n_confident": "count", "proved": "count",
           "calibrated": "count_or_empty", "counting_lower_bound": "count"}


def draw(rows):
    """The figure for the rows of ``montecarlo.csv``; returns the matplotlib figure.

    Raises
    ------
    InvalidParameterError
        When ``rows`` is not a non-empty list of dicts with :data:`COLUMNS`.
    """
    _figio.check_rows(rows, COLUMNS)
    settings = sorted({(float(r["prune_ratio"]), float(r["lock_ratio"])) for r in rows})
    ncols = 2 if len(settings) > 1 else 1
    nrows = -(-len(settings) // ncols)
    fig, axes = style.subplots("text" if ncols > 1 else "column", nrows, ncols, squeeze=False,
                               sharex=True, sharey=True, aspect=0.45 if ncols > 1 else None)
    colors = style.CYCLE
    for ax, (p, l) in zip(axes.flat, settings):
        pts = sorted((r for r in rows if (float(r["prune_ratio"]), float(r["lock_ratio"])) == (p, l)),
                     key=lambda r: float(r["eps"]))
        eps = [float(r["eps"]) for r in pts]
        est = [int(r["n_estimate"]) for r in pts]
        conf = [int(r["n_confident"]) for r in pts]
        ax.errorbar(eps, est, yerr=[[0] * len(est), [c - e for c, e in zip(conf, est)]], fmt="o",
                    ms=3, capsize=2, color=colors[0],
                    label=style.label("Monte Carlo n* (bar: to the 95%-confident n*)"))
        ax.plot(eps, [int(r["proved"]) for r in pts], "-", color=style.REFERENCE_COLOR,
                label="proved (Theorem 3'')")
        cal = [(e, int(r["calibrated"])) for e, r in zip(eps, pts) if r["calibrated"] != ""]
        if cal:
            ax.plot(*zip(*cal), "--", color=colors[1],
                    label=style.label("calibrated n* (95% conformal upper bound)"))
        ax.plot(eps, [int(r["counting_lower_bound"]) for r in pts], ":", color="0.45",
                label="counting lower bound (Proposition 1)")
        ax.set(xscale="log", yscale="log", title=_figio.setting_label(p, l))
        ax.invert_xaxis() if not ax.xaxis_inverted() else None
        ax.grid(True, which="major", alpha=0.3)
    style.label_bottom_panels(axes, len(settings), style.label("eps"))
    delta = rows[0]["delta"]
    # one y label for the whole grid: the panels share the scale
    fig.supylabel(style.label(f"samples n (delta = {float(delta):g})"), fontsize=style.FONT_SIZE)
    style.legend_outside(fig, "below")
    return fig


def main(argv=None):
    """The command line (``--data``, ``--out``); raises as :func:`empirical.report._figio.main`."""
    _figio.main(__doc__, argv, NAME,
                lambda data: draw(_figio.read_csv(data, "montecarlo.csv", COLUMNS)))


if __name__ == "__main__":
    main()
