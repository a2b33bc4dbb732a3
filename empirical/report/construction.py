"""Figure: success rate of the constructive ticket against hidden width (stage ``construction``
of ``slt reproduce``); one row of panels per target (one weight 1x1, a 2x2 layer), one column per
eps, one colour per freeze setting.

Each line is the share of seeds whose ticket reached eps; its band is the two-sided 95%
Clopper-Pearson interval of that share. The dashed vertical line of a colour is the proved width
of that setting (Theorem 5 of docs/theory.md); the dotted horizontal line is 1 - delta.

    python -m empirical.report.construction --data report/construction --out report/figures
"""

from . import _figio, style

NAME = "construction"
#: the columns of ``construction.csv`` that the figure reads, and their kinds (_figio.check_rows)
COLUMNS = {"target": "text", "prune_ratio": "real", "lock_ratio": "real", "eps": "real",
           "delta": "real", "hidden_width": "count_positive", "successes": "count",
           "trials": "count_positive", "ci_low": "real", "ci_high": "real",
           "required_width": "count"}


def draw(rows):
    """The figure for the rows of ``construction.csv``; returns the matplotlib figure.

    Raises
    ------
    InvalidParameterError
        When ``rows`` is not a non-empty list of dicts with :data:`COLUMNS`.
    """
    _figio.check_rows(rows, COLUMNS)
    settings = {(float(r["prune_ratio"]), float(r["lock_ratio"])) for r in rows}
    colors = _figio.setting_colors(settings)
    targets = sorted({r["target"] for r in rows})
    eps_values = sorted({float(r["eps"]) for r in rows}, reverse=True)
    fig, axes = style.subplots("text", len(targets), len(eps_values), squeeze=False, sharey=True,
                               sharex=True, aspect=0.42)
    delta = float(rows[0]["delta"])
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
                ax.plot(w, rate, "o-", ms=2.5, color=color, label=_figio.setting_label(p, l))
                ax.fill_between(w, [float(r["ci_low"]) for r in pts],
                                [float(r["ci_high"]) for r in pts], color=color,
                                alpha=style.BAND_ALPHA, lw=0)
                ax.axvline(int(pts[0]["required_width"]), color=color, ls="--", lw=0.8)
            ax.axhline(1 - delta, color="0.45", ls=":", lw=0.8)
            ax.set(xscale="log", ylim=(-0.03, 1.03))
            ax.set_title(style.label(f"{target}, eps = {eps:g}"))
            ax.grid(True, which="major", alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("hidden width")
    fig.supylabel("success rate", fontsize=style.FONT_SIZE)
    # the line styles that every colour shares, explained once in the legend
    ax = axes[0][0]
    ax.plot([], [], color="0.45", ls="--", lw=0.8, label="proved width (Theorem 5)")
    ax.plot([], [], color="0.45", ls=":", lw=0.8, label=style.label(f"1 - delta = {1 - delta:g}"))
    ax.fill_between([], [], [], color="0.45", alpha=style.BAND_ALPHA, lw=0,
                    label="95% Clopper-Pearson band")
    style.legend_outside(fig, "below")
    return fig


def main(argv=None):
    """The command line (``--data``, ``--out``); raises as :func:`empirical.report._figio.main`."""
    _figio.main(__doc__, argv, NAME,
                lambda data: draw(_figio.read_csv(data, "construction.csv", COLUMNS)))


if __name__ == "__main__":
    main()
