"""Figure: test accuracy against mask bits (one bit per free weight, log scale) of tickets in
dense (narrower), randomly pruned and frozen sources (stage ``frontier`` of ``slt reproduce``),
each kind at its best setting chosen on validation accuracy; one panel per model (Conv6, MLP).

Large markers: the mean test accuracy over seeds, with its bar the 95% Student t interval over
seeds; small dots: every seed. The label f = ... below a group of points is their sources' freeze ratio.

    python -m empirical.report.frontier --data report/frontier --out report/figures
"""

from . import _figio, style

NAME = "frontier"

# kind -> (marker, colour index in the shared cycle, legend text)
KINDS = {"dense": ("o-", 0, "dense source (narrower)"),
         "pruned": ("s-", 1, "randomly pruned source"),
         "frozen": ("^-", 2, "frozen source (prune + lock)")}
SETTING = ("model", "freeze_ratio", "kind", "width", "prune_ratio", "lock_ratio", "keep_share")
#: the columns of ``frontier.csv`` and ``runs.csv`` that the figure reads (_figio.check_rows)
COLUMNS = dict({k: "text" for k in SETTING}, freeze_ratio="real", mask_bits="count",
               test_acc_mean="real", ci_low="real_or_empty", ci_high="real_or_empty",
               seeds="text")
RUN_COLUMNS = dict({k: "text" for k in SETTING}, test_acc="real")


def _interval(mean, row):
    """Error bar lengths below and above the mean; none where one seed gave no interval."""
    if row["ci_low"] in ("", "nan") or row["ci_high"] in ("", "nan"):
        return 0.0, 0.0
    return mean - float(row["ci_low"]), float(row["ci_high"]) - mean


def draw(rows, runs):
    """The figure for ``frontier.csv`` (one row per kind and freeze ratio) and ``runs.csv``.

    Raises
    ------
    InvalidParameterError
        When ``rows`` is not a non-empty list of dicts with :data:`COLUMNS`, or ``runs`` not a
        list of dicts with :data:`RUN_COLUMNS`.
    """
    _figio.check_rows(rows, COLUMNS)
    _figio.check_rows(runs, RUN_COLUMNS, "runs", allow_empty=True)
    models = sorted({r["model"] for r in rows})
    fig, axes = style.subplots("text", 1, len(models), squeeze=False, sharey=True, height=3.2)
    for ax, model in zip(axes[0], models):
        for kind, (fmt, color_index, text) in KINDS.items():
            color = style.CYCLE[color_index]
            pts = sorted((r for r in rows if r["model"] == model and r["kind"] == kind),
                         key=lambda r: int(r["mask_bits"]))
            if not pts:
                continue
            x = [int(r["mask_bits"]) for r in pts]
            y = [float(r["test_acc_mean"]) for r in pts]
            bars = [_interval(m, r) for m, r in zip(y, pts)]
            ax.errorbar(x, y, yerr=[[b[0] for b in bars], [b[1] for b in bars]], fmt=fmt, ms=4,
                        color=color, capsize=2, label=text)
            for r, x_, y_ in zip(pts, x, y):
                seeds = [float(u["test_acc"]) for u in runs if all(u[k] == r[k] for k in SETTING)]
                ax.plot([x_] * len(seeds), seeds, ".", color=color, alpha=0.5, ms=2)
                if kind != "dense":
                    continue  # the kinds of one freeze ratio share their mask bits: label once
                ax.annotate(f"f={float(r['freeze_ratio']):g}", (x_, y_),
                            fontsize=style.SMALL_FONT_SIZE, textcoords="offset points",
                            xytext=(0, -14), ha="center")
        ax.set(xscale="log", ylim=(0.0, 1.02), title=model)
        ax.set_xlabel("mask bits (one per free weight)")
        ax.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel("test accuracy (digits, 32x32)")
    ax = axes[0][0]
    ax.plot([], [], ".", color="0.3", ms=3, label=f"one seed ({rows[0]['seeds']} per point)")
    style.legend_outside(fig, "below")
    return fig


def main(argv=None):
    """The command line (``--data``, ``--out``); raises as :func:`empirical.report._figio.main`."""
    _figio.main(__doc__, argv, NAME, lambda data: draw(
        _figio.read_csv(data, "frontier.csv", COLUMNS),
        _figio.read_csv(data, "runs.csv", RUN_COLUMNS)))


if __name__ == "__main__":
    main()
