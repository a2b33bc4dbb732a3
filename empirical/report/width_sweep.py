"""Figure: the smallest hidden width reaching eps (in at least 1 - delta of the seeds) against
eps (stage ``width_sweep`` of ``slt reproduce``); one panel per target (one weight 1x1, a 2x2
layer), one colour per freeze setting.

Filled circles: Edge-Popup, its search setting chosen per width on the validation MSE; an open
circle above the grid's top width (grey line) is a setting whose eps no width of the grid reached.
Crosses: the proof's construction (docs/theory.md, Section 4). Dotted lines: the proved width
(Theorem 5). The settings sit side by side around each eps (a small offset), so that equal widths
stay visible. No band: each point is one smallest width over the seeds.

    python -m empirical.report.width_sweep --data report/width_sweep --out report/figures
"""

import math
import numbers

from slt_theory.errors import InvalidParameterError

from . import _figio, style

NAME = "width_sweep"

# what each setting of summary.json must hold for the figure: its kind, and whether null is allowed
_SETTING = {"target": (str, False), "prune_ratio": (numbers.Real, False),
            "lock_ratio": (numbers.Real, False), "eps": (numbers.Real, False),
            "edge_popup_width": (numbers.Integral, True),
            "constructive_width": (numbers.Integral, True),
            "required_width": (numbers.Integral, True)}


def _number(where, value, kind, none_ok=False):
    if value is None and none_ok:
        return
    ok = isinstance(value, kind) and not isinstance(value, bool)
    if ok and kind is str:
        ok = "$" not in value  # a "$" would start mathtext in the panel's title
    elif ok:
        ok = math.isfinite(value) and abs(value) < 2**53
    if not ok:
        what = "text without '$'" if kind is str else (
            "an integer" if kind is numbers.Integral else "a finite real number")
        raise InvalidParameterError(
            f"{where} must be {what}{' or null' if none_ok else ''}, got {value!r:.200}")


def _check_summary(summary):
    """Check the ``summary.json`` of the width-sweep stage before a figure is drawn from it.

    Raises
    ------
    InvalidParameterError
        Naming the key and the value that is wrong.
    """
    if not isinstance(summary, dict):
        raise InvalidParameterError(f"summary must be a dict, got {summary!r:.200}")
    for key in ("settings", "widths", "seeds", "delta"):
        if key not in summary:
            raise InvalidParameterError(f"summary lacks the key {key!r}")
    widths, settings = summary["widths"], summary["settings"]
    if not isinstance(widths, list) or not widths:
        raise InvalidParameterError(f"summary['widths'] must be a non-empty list, got {widths!r:.200}")
    for i, w in enumerate(widths):
        _number(f"summary['widths'][{i}]", w, numbers.Integral)
    _number("summary['delta']", summary["delta"], numbers.Real)
    _number("summary['seeds']", summary["seeds"], numbers.Integral)
    if not isinstance(settings, list):
        raise InvalidParameterError(f"summary['settings'] must be a list, got {settings!r:.200}")
    for i, row in enumerate(settings):
        if not isinstance(row, dict):
            raise InvalidParameterError(f"summary['settings'][{i}] must be a dict, got {row!r:.200}")
        for key, (kind, none_ok) in _SETTING.items():
            if key not in row:
                raise InvalidParameterError(f"summary['settings'][{i}] lacks the key {key!r}")
            _number(f"summary['settings'][{i}][{key!r}]", row[key], kind, none_ok)


def draw(summary):
    """The figure for the ``summary.json`` of the width-sweep stage.

    Raises
    ------
    InvalidParameterError
        When ``summary`` lacks a key the figure reads or holds a value of the wrong kind.
    """
    _check_summary(summary)
    rows = summary["settings"]
    top = max(summary["widths"])
    targets = sorted({r["target"] for r in rows})
    settings = sorted({(r["prune_ratio"], r["lock_ratio"]) for r in rows})
    colors = _figio.setting_colors(settings)
    fig, axes = style.subplots("text", 1, len(targets), squeeze=False, sharey=True, height=3.2)
    offset = {k: 1.0 + 0.05 * (i - (len(settings) - 1) / 2) for i, k in enumerate(settings)}
    for ax, target in zip(axes[0], targets):
        for (p, l) in settings:
            pts = sorted((r for r in rows if r["target"] == target and r["prune_ratio"] == p
                          and r["lock_ratio"] == l), key=lambda r: r["eps"])
            if not pts:
                continue
            c = colors[(p, l)]
            eps = [r["eps"] * offset[(p, l)] for r in pts]
            ep = [r["edge_popup_width"] for r in pts]
            ax.plot([e for e, w in zip(eps, ep) if w], [w for w in ep if w], "o-", color=c, ms=4,
                    label=_figio.setting_label(p, l))
            missed = [e for e, w in zip(eps, ep) if not w]
            ax.plot(missed, [top * 1.5] * len(missed), "o", mfc="none", ms=4, color=c)
            cw = [(e, r["constructive_width"]) for e, r in zip(eps, pts) if r["constructive_width"]]
            if cw:
                ax.plot(*zip(*cw), "x--", color=c, ms=4, lw=0.8)
            rw = [(e, r["required_width"]) for e, r in zip(eps, pts) if r["required_width"]]
            if rw:
                ax.plot(*zip(*rw), ":", color=c, lw=1.2)
        ax.axhline(top, color="0.6", lw=0.6)
        ax.set(xscale="log", yscale="log")
        ax.set_xlabel(style.label("eps (sup error over the unit ball)"))
        ax.set_title(style.label(f"target {target}: {summary['seeds']} seeds, "
                                 f"delta = {summary['delta']:g}"))
        ax.invert_xaxis()
        ax.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel(style.label("smallest width reaching eps"))
    ax = axes[0][0]
    ax.plot([], [], "o-", color="0.3", ms=4, label="Edge-Popup (setting chosen on validation)")
    ax.plot([], [], "o", mfc="none", ms=4, color="0.3", label=f"Edge-Popup: not reached by width {top}")
    ax.plot([], [], "x--", color="0.3", ms=4, lw=0.8, label="construction (Section 4)")
    ax.plot([], [], ":", color="0.3", lw=1.2, label="proved width (Theorem 5)")
    style.legend_outside(fig, "below")
    return fig


def main(argv=None):
    """The command line (``--data``, ``--out``); raises as :func:`empirical.report._figio.main`."""
    _figio.main(__doc__, argv, NAME, lambda data: draw(
        _figio.read_json(data, "summary.json", _check_summary)))


if __name__ == "__main__":
    main()
