"""The one-screen summary that ``slt reproduce`` ends with: what each stage found, how long it
took, and where the report is; as data (``summary.json`` beside the report, ``--json``) and as
aligned text (slt_theory._display, as every `slt` command prints).
"""

from slt_theory import _display
from slt_theory.errors import InvalidParameterError

from .page import (
    _SHAPE_ERRORS,
    STAGE_TITLES,
    _check_results,
    _check_stages,
    _seconds_ok,
    _stage_failed,
)

__all__ = ["findings", "text"]


def _setting(p, l):
    return "no freezing" if p == l == 0 else f"prune {p:g}, lock {l:g}"


def _montecarlo(rows):
    out = []
    for key in sorted({(r["prune_ratio"], r["lock_ratio"]) for r in rows}):
        pts = [r for r in rows if (r["prune_ratio"], r["lock_ratio"]) == key]
        ratios = [r["proved"] / r["n_estimate"] for r in pts]
        out.append({"setting": _setting(*key), "eps": [r["eps"] for r in pts],
                    "proved_over_monte_carlo_min": min(ratios),
                    "proved_over_monte_carlo_max": max(ratios)})
    return out


def _construction(rows):
    out = []
    for target, p, l in sorted({(r["target"], r["prune_ratio"], r["lock_ratio"]) for r in rows}):
        pts = [r for r in rows if (r["target"], r["prune_ratio"], r["lock_ratio"]) == (target, p, l)]
        eps = min(r["eps"] for r in pts)
        pts = [r for r in pts if r["eps"] == eps]
        ok = [r["hidden_width"] for r in pts if r["successes"] >= (1 - r["delta"]) * r["trials"]]
        out.append({"target": target, "setting": _setting(p, l), "eps": eps,
                    "constructive_width": min(ok) if ok else None,
                    "largest_width_tried": max(r["hidden_width"] for r in pts),
                    "proved_width": pts[0]["required_width"]})
    return out


def findings(results, timings, report, figures):
    """What the run found, as plain data (strict-JSON-able).

    Parameters
    ----------
    results : dict
        Stage name -> what the stage returned.
    timings : dict
        Stage name -> wall seconds.
    report : str
        Path of the report page.
    figures : dict
        Stage name -> path of its PNG, or None when it was not drawn.

    Raises
    ------
    InvalidParameterError
        When an argument is not of the kind above, or a stage's results do not have the shape
        that stage returns (the message names the stage and what was wrong).
    """
    _check_results(results)
    _check_stages("timings", timings, _seconds_ok, "wall seconds (a finite real >= 0)")
    _check_stages("figures", figures, lambda v: v is None or isinstance(v, str),
                  "a path (str) or None")
    if not isinstance(report, str):
        raise InvalidParameterError(f"report must be a path (str), got {report!r:.200}")
    found = {"report": report, "figures": figures,
             # a list, so that the stages keep the order they ran in (JSON objects are sorted)
             "stage_seconds": [{"stage": s, "seconds": t} for s, t in timings.items()],
             "total_seconds": sum(timings.values())}
    for stage in (s for s in STAGE_TITLES if s in results):
        try:
            _found(found, stage, results[stage])
        except _SHAPE_ERRORS as err:
            raise _stage_failed("results", stage, err) from err
    return found


def _found(found, stage, result):
    """Add what ``stage`` found (``result``: what it returned) to ``found``."""
    results = {stage: result}
    if "bounds" in results:
        r = next(r for r in results["bounds"] if r["eps"] == 0.01 and r["delta"] == 0.01
                 and r["prune_ratio"] == r["lock_ratio"] == 0)
        found["bounds"] = {"eps": 0.01, "delta": 0.01, "proved_n": r["required_samples"],
                           "counting_lower_bound_n": r["counting_lower_bound_samples"],
                           "proved_width_one_weight": r["required_width_one_weight"]}
    if "montecarlo" in results:
        found["montecarlo"] = _montecarlo(results["montecarlo"])
    if "construction" in results:
        found["construction"] = _construction(results["construction"])
    if "width_sweep" in results:
        rows = results["width_sweep"]["settings"]
        found["width_sweep"] = {
            "settings": len(rows),
            "reached_by_edge_popup": sum(r["edge_popup_width"] is not None for r in rows),
            "largest_width": max(results["width_sweep"]["widths"])}
    if "frontier" in results:
        found["frontier"] = [
            {k: r[k] for k in ("model", "freeze_ratio", "a", "b", "mean_difference", "ci_low",
                               "ci_high")}
            for r in results["frontier"]["differences"] if r["excludes_zero"]]


def _span(low, high):
    """A range of factors, one factor when both ends print alike."""
    low, high = _display.times(low), _display.times(high)
    return low if low == high else f"{low} to {high}"


def text(found):
    """The summary as a screenful of aligned text.

    Parameters
    ----------
    found : dict
        What :func:`findings` returned (or its JSON read back).

    Raises
    ------
    InvalidParameterError
        When ``found`` does not have the shape :func:`findings` gives it.
    """
    if not isinstance(found, dict):
        raise InvalidParameterError(f"found must be the dict findings() returns, got {found!r:.200}")
    try:
        return _text(found)
    except _SHAPE_ERRORS as err:
        raise InvalidParameterError(
            f"found is not what findings() returns: {type(err).__name__}: {err!s:.200}") from err


def _text(found):
    blocks = []
    lines = []
    if "bounds" in found:
        b = found["bounds"]
        lines.append(("bounds", f"at eps = delta = 0.01 without freezing: proved n = "
                      f"{b['proved_n']:,}, counting lower bound {b['counting_lower_bound_n']:,}; "
                      f"proved width of one weight {b['proved_width_one_weight']:,}"))
    if "montecarlo" in found:
        lines.append(("montecarlo", "the proved n over the Monte Carlo n*: " + "; ".join(
            f"{_span(m['proved_over_monte_carlo_min'], m['proved_over_monte_carlo_max'])} "
            f"({m['setting']})" for m in found["montecarlo"])))
    if "construction" in found:
        lines.append(("construction", "smallest width reaching 1 - delta vs proved: " + "; ".join(
            f"{c['target']} {c['setting']}, eps {c['eps']:g}: "
            + (f"{c['constructive_width']:,}" if c["constructive_width"] is not None
               else f"not reached by {c['largest_width_tried']:,}")
            + f" vs {c['proved_width']:,}" for c in found["construction"])))
    if "width_sweep" in found:
        w = found["width_sweep"]
        lines.append(("width_sweep", f"Edge-Popup reached eps within width {w['largest_width']:,}"
                      f" in {w['reached_by_edge_popup']} of {w['settings']} settings"))
    if "frontier" in found:
        diffs = found["frontier"]
        lines.append(("frontier", "paired differences whose 95% interval excludes 0: " + (
            "; ".join(f"{d['model']} f={d['freeze_ratio']:g} {d['a']} - {d['b']} = "
                      f"{d['mean_difference']:+.3f}" for d in diffs) if diffs else "none")))
    if lines:
        blocks.append(_display.Table(["stage", "what it found"], lines, wrap={1: 76},
                                     title="What the run found").render())
    rows = [[t["stage"], STAGE_TITLES[t["stage"]], f"{t['seconds']:.1f}"]
            for t in found["stage_seconds"]]
    rows.append(["total", "", f"{found['total_seconds']:.1f}"])
    blocks.append(_display.Table(["stage", "what it computes", "wall time (s)"], rows,
                                 align="llr", title="Stage times").render())
    missing = [s for s, f in found["figures"].items() if f is None]
    where = [("report", found["report"])]
    if missing:
        where.append(("figures not drawn", _display.words(missing)))
    blocks.append(_display.key_values(where, indent=0))
    return f"\n{_display.SEPARATOR}\n".join(blocks)
