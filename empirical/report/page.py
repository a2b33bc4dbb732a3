"""The report page (``README.md``) that ``slt reproduce`` writes, rendered from the stages' data.

Every table is made by :mod:`.tables` from the rows the stages returned (the same rows as the CSV
files beside the report), with a sentence saying what it shows; every figure has a caption saying
what each marker, line, band and bar is, intervals named with their level. A value that does not
exist is said in words ("not reached by width 256") or left empty with a footnote; no Python repr
and no ``None`` reaches the page.
"""

import math
import numbers

from slt_theory.errors import InvalidParameterError

from .tables import EMPTY, markdown_table, missing, number, pairs

__all__ = ["STAGE_TITLES", "render", "stage_time_table"]

#: what each stage computes, as the stage-time tables say it
STAGE_TITLES = {
    "bounds": "proved and counting bounds over a grid of eps, delta and freeze settings",
    "montecarlo": "Monte Carlo n* next to the proved and calibrated bounds",
    "construction": "success rate of the constructive ticket against width",
    "width_sweep": "the width Edge-Popup needs, against the construction and the proof",
    "frontier": "test accuracy against mask bits of dense, pruned and frozen sources",
}

# figure captions: what every marker, line, band and bar is
CAPTIONS = {
    "montecarlo": (
        "One panel per freeze setting. Markers: the Monte Carlo n*, the smallest n whose "
        "coverage estimate reaches 1 - delta; the bar above a marker reaches the smallest n whose "
        "one-sided 95% Clopper-Pearson lower bound does. Black line: the proved n (Theorem 3''); "
        "dashed: the calibrated n* (95% conformal upper bound, docs/calibration.md), where the "
        "calibration covers the setting; grey dotted: the counting lower bound (Proposition 1)."),
    "construction": (
        "Rows: targets; columns: eps. Each line is the share of seeds whose constructive ticket "
        "reached eps, its band the two-sided 95% Clopper-Pearson interval of that share. A "
        "dashed vertical line is the proved width of the setting of its colour (Theorem 5); the "
        "dotted horizontal line is 1 - delta."),
    "width_sweep": (
        "One panel per target, one colour per freeze setting. Filled circles: Edge-Popup's "
        "smallest width reaching eps in at least 1 - delta of the seeds (search setting chosen on "
        "the validation MSE); open circles above the grey line: not reached by the grid's largest "
        "width. Crosses: the construction; dotted lines: the proved width (Theorem 5). No bands: "
        "each point is one smallest width over the seeds."),
    "frontier": (
        "One panel per model. Large markers: mean test accuracy over seeds of each kind at its "
        "best setting (chosen on validation accuracy); bars: the 95% Student t interval over "
        "seeds; small dots: the seeds; f = the sources' freeze ratio."),
}


def _setting(p, l):
    return "no freezing" if p == l == 0 else f"prune {p:g}, lock {l:g}"


def _check_stages(name, mapping, value_ok, allowed):
    """Check that ``mapping`` is a dict from stage names to values passing ``value_ok``.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    mapping : dict
    value_ok : callable
        Whether a value is allowed.
    allowed : str
        What is allowed, in words, for the message.

    Raises
    ------
    InvalidParameterError
        Naming the parameter, the stage and the value.
    """
    if not isinstance(mapping, dict):
        raise InvalidParameterError(f"{name} must be a dict from stage names to {allowed}, "
                                    f"got {mapping!r:.200}")
    for stage, value in mapping.items():
        if not isinstance(stage, str) or stage not in STAGE_TITLES:
            raise InvalidParameterError(
                f"{name}: {stage!r:.80} is not a stage; allowed: {sorted(STAGE_TITLES)}")
        if not value_ok(value):
            raise InvalidParameterError(f"{name}[{stage!r}] must be {allowed}, got {value!r:.200}")


def _check_results(results):
    """``results`` of render and findings: stage name -> what the stage returned."""
    _check_stages("results", results, lambda v: isinstance(v, (list, dict)),
                  "what the stage returned (rows, or the frontier's dict)")


def _seconds_ok(value):
    """Whether ``value`` is a wall time: a finite real >= 0 (never a boolean)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        value = float(value)
    except (OverflowError, ValueError):  # an int or Fraction beyond the float range
        return False
    return math.isfinite(value) and value >= 0


def _stage_failed(what, stage, err):
    """The InvalidParameterError for a stage's results that do not have the stage's shape
    (a missing key, a value of the wrong type), naming the stage and the original error."""
    return InvalidParameterError(
        f"{what}[{stage!r}] is not what the {stage} stage returns: {type(err).__name__}: "
        f"{err!s:.200}")


#: what a stage's results that do not have the stage's shape raise while they are rendered (the
#: named error keeps the original as its cause, so a bug of ours still shows its traceback)
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, StopIteration,
                 ArithmeticError)


def stage_time_table(timings):
    """The stage times as a Markdown table (seconds of wall time, one row per stage run).

    Raises
    ------
    InvalidParameterError
        When ``timings`` is not a dict from stage names to wall seconds (finite reals >= 0).
    """
    _check_stages("timings", timings, _seconds_ok, "wall seconds (a finite real >= 0)")
    rows = [[stage, STAGE_TITLES[stage], f"{seconds:.1f}"] for stage, seconds in timings.items()]
    rows.append(["total", EMPTY, f"{sum(timings.values()):.1f}"])
    return markdown_table(["stage", "what it computes", "wall time (s)"], rows, align="llr")


def _figure(stage, notes):
    note = notes.get(stage)
    lines = [f"![{stage}](figures/{stage}.png)", "", f"*Figure.* {CAPTIONS[stage]}"]
    if note:
        lines += ["", f"Figure not drawn: {note}"]
    return lines


def _bounds(rows):
    rows = [r for r in rows if r["delta"] == 0.01 and r["eps"] in (0.01, 0.001)]
    return [
        "## 1. Proved bounds and counting lower bounds (delta = 0.01)", "",
        "For each eps and freeze setting: the number of samples n that Theorem 3'' proves enough "
        "(Theorem 1 without freezing), the counting lower bound on n (Proposition 1: fewer samples "
        "never cover), and the same two for the hidden width of one target weight (Theorem 4''). "
        "Every grid point is in `bounds/bounds.csv`.", "",
        markdown_table(
            ["eps", "setting", "proved n", "counting lower bound n", "proved width (one weight)",
             "counting lower bound width"],
            [[number(r["eps"]), _setting(r["prune_ratio"], r["lock_ratio"]),
              r["required_samples"], r["counting_lower_bound_samples"],
              r["required_width_one_weight"], r["counting_lower_bound_width"]] for r in rows],
            align="rlrrrr"),
        "", "LaTeX table of the bound expressions: `bounds/bounds.tex`.", ""]


def _montecarlo(rows, notes):
    no_cal = any(r["calibrated"] in ("", None) for r in rows)
    table = markdown_table(
        ["eps", "setting", "trials per n", "Monte Carlo n*", "95%-confident n*", "calibrated n*",
         "proved n", "counting lower bound n"],
        [[number(r["eps"]), _setting(r["prune_ratio"], r["lock_ratio"]), r["trials"],
          r["n_estimate"], r["n_confident"], missing(r["calibrated"], EMPTY), r["proved"],
          r["counting_lower_bound"]] for r in rows], align="rlrrrrrr")
    lines = [
        f"## 2. Monte Carlo n* against the bounds (uniform statement, delta = {rows[0]['delta']:g})",
        "", "The Monte Carlo n* is the smallest n whose coverage estimate reaches 1 - delta; the "
        "95%-confident n* the smallest n whose one-sided 95% Clopper-Pearson lower bound does. "
        "Beside them: the calibrated n* (the 95% conformal upper bound of docs/calibration.md), "
        "the proved n (Theorem 3'') and the counting lower bound (Proposition 1).", "", table]
    if no_cal:
        lines += ["", "An empty calibrated cell: the calibration does not cover that setting."]
    return lines + [""] + _figure("montecarlo", notes) + [""]


def _smallest_width(rows, target, eps, p, l):
    """The smallest width of the grid whose success share reached 1 - delta, in words if none."""
    pts = [r for r in rows if r["target"] == target and r["eps"] == eps
           and r["prune_ratio"] == p and r["lock_ratio"] == l]
    ok = [r["hidden_width"] for r in pts if r["successes"] >= (1 - r["delta"]) * r["trials"]]
    top = max(r["hidden_width"] for r in pts)
    return number(min(ok)) if ok else f"not reached by width {top:,}"


def _construction(rows, notes):
    keys = sorted({(r["target"], r["prune_ratio"], r["lock_ratio"], r["eps"]) for r in rows},
                  key=lambda k: (k[0], k[1], k[2], -k[3]))
    first = {k: next(r for r in rows if (r["target"], r["prune_ratio"], r["lock_ratio"],
                                         r["eps"]) == k) for k in keys}
    table = markdown_table(
        ["target", "setting", "eps", "delta", "proved width (Theorem 5)",
         "smallest width reaching 1 - delta (construction)", "seeds per width"],
        [[t, _setting(p, l), number(e), number(first[(t, p, l, e)]["delta"]),
          first[(t, p, l, e)]["required_width"], _smallest_width(rows, t, e, p, l),
          first[(t, p, l, e)]["trials"]] for t, p, l, e in keys], align="llrrrrr")
    return [
        "## 3. Constructive ticket: success rate against hidden width", "",
        "One target weight (1x1) and a 2x2 target layer (pruning only: with locking, Theorem 5 "
        "does not cover two inputs, docs/theory.md Proposition 3). The table gives, for each "
        "target, freeze setting and eps, the proved width and the smallest width of the grid at "
        "which the proof's construction succeeded in at least 1 - delta of the seeds.", "",
        table, ""] + _figure("construction", notes) + [""]


def _width_sweep(rows, delta, notes, top):
    not_reached = f"not reached by width {top:,}"
    table = markdown_table(
        ["target", "setting", "eps", "Edge-Popup", "Edge-Popup (best setting)", "construction",
         "Monte Carlo", "proved (Theorem 5)"],
        [[s["target"], _setting(s["prune_ratio"], s["lock_ratio"]), number(s["eps"]),
          missing(s["edge_popup_width"], not_reached),
          missing(s["edge_popup_width_best_setting"], not_reached),
          missing(s["constructive_width"], EMPTY),
          missing(s["monte_carlo_width"], EMPTY), s["required_width"]] for s in rows],
        align="llrrrrrr")
    shares = markdown_table(
        ["target", "setting", "eps", "success share per width (chosen setting)"],
        [[s["target"], _setting(s["prune_ratio"], s["lock_ratio"]), number(s["eps"]),
          pairs(s["shares"])] for s in rows], align="llrl")
    chosen = markdown_table(
        ["target", "setting", "eps", "search setting chosen per width"],
        [[s["target"], _setting(s["prune_ratio"], s["lock_ratio"]), number(s["eps"]),
          pairs(s["chosen"], str, "; ")] for s in rows], align="llrl")
    return [
        "## 4. Edge-Popup width against the construction and the proved width", "",
        f"Smallest hidden width reaching eps in at least 1 - delta of the seeds (delta = "
        f"{delta:g}; targets drawn per seed as the construction draws them). Edge-Popup: the "
        "search setting chosen per width on the validation MSE (fresh inputs, not the test "
        "points); best setting: the best per width on the same seeds (optimistic); construction: "
        "the proof's construction (section 3); Monte Carlo: the exact-solver n* of one sign side "
        "of the product terms at delta / 2 (one weight only); proved: Theorem 5. With one input "
        "the test at x = +-1 is the exact sup over the ball (target and ticket are positively "
        "homogeneous); with two inputs the sup is taken on an even grid of the circle.", "",
        table, "",
        "Empty cells: the construction did not reach 1 - delta on the construction stage's grid, "
        "or (Monte Carlo) the target has more than one weight.", "",
        "Success share of Edge-Popup per hidden width, with the setting chosen on validation:", "",
        shares, "", "The chosen search setting (thresholds, kept share, steps) per width:", "",
        chosen, ""] + _figure("width_sweep", notes) + [""]


def _frontier(fr, notes):
    front = markdown_table(
        ["model", "freeze ratio", "kind", "width", "prune ratio", "lock ratio", "kept share",
         "sparsity", "mask bits", "selected on", "seeds", "test accuracy (mean)",
         "95% t interval"],
        [[r["model"], number(r["freeze_ratio"]), r["kind"], number(r["width"]),
          number(r["prune_ratio"]), number(r["lock_ratio"]), number(r["keep_share"]),
          number(r["sparsity"]), r["mask_bits"], r["selected_on"], r["seeds"],
          number(r["test_acc_mean"]), _interval(r)] for r in fr["frontier"]],
        align="lrlrrrrrrlrrl")
    diffs = markdown_table(
        ["model", "freeze ratio", "a - b", "seeds", "mean difference", "95% t interval",
         "interval excludes 0"],
        [[r["model"], number(r["freeze_ratio"]), f"{r['a']} - {r['b']}", r["seeds"],
          number(r["mean_difference"]), _interval(r), r["excludes_zero"]]
         for r in fr["differences"]], align="lrlrrll")
    return [
        "## 5. Accuracy against mask bits: dense, randomly pruned and frozen sources", "",
        "Test accuracy of each kind at its best setting (kept share of the free weights, and the "
        "prune/lock split for frozen sources), chosen on the mean validation accuracy over seeds, "
        "with the 95% Student t interval over seeds. Digits upsampled to 32x32; mask bits = one "
        "bit per free weight.", "", front, "",
        "Paired differences of test accuracy (a - b on the same seeds), with the 95% Student t "
        "interval of the mean difference:", "", diffs, "",
        "An empty interval: a single seed gives none. Every setting: `frontier/settings.csv`; "
        "every run: `frontier/runs.csv`.", ""] + _figure("frontier", notes) + [""]


def _interval(r):
    low, high = number(r["ci_low"]), number(r["ci_high"])
    return f"[{low}, {high}]" if low and high else EMPTY


def render(results, timings, notes, *, title, made_by):
    """The report page as Markdown.

    Parameters
    ----------
    results : dict
        Stage name -> what the stage returned (rows; the frontier's summary dict).
    timings : dict
        Stage name -> wall seconds, in the order the stages ran.
    notes : dict
        Stage name -> why its figure is missing, or None when it was drawn.
    title : str
    made_by : str
        One sentence: the command, date, version and commit.

    Raises
    ------
    InvalidParameterError
        When an argument is not of the kind above, or a stage's results do not have the shape
        that stage returns (the message names the stage and what was wrong).
    """
    _check_results(results)
    _check_stages("notes", notes, lambda v: v is None or isinstance(v, str), "a string or None")
    for name, value in (("title", title), ("made_by", made_by)):
        if not isinstance(value, str):
            raise InvalidParameterError(f"{name} must be a string, got {value!r:.200}")
    parts = [f"# {title}", "", made_by + " Every number below is in the CSV files beside this "
             "report; docs/theory.md proves the bounds.", "",
             "Wall time of each stage (a resumed run counts only what it computed):", "",
             stage_time_table(timings), ""]
    sections = {
        "bounds": lambda r: _bounds(r),
        "montecarlo": lambda r: _montecarlo(r, notes),
        "construction": lambda r: _construction(r, notes),
        "width_sweep": lambda r: _width_sweep(r["settings"], r["delta"], notes, max(r["widths"])),
        "frontier": lambda r: _frontier(r, notes),
    }
    for stage, section in sections.items():
        if stage in results:
            try:
                parts += section(results[stage])
            except _SHAPE_ERRORS as err:
                # the rows are the stage's own output; anything else is a caller's mistake,
                # reported with the stage it concerns
                raise _stage_failed("results", stage, err) from err
    return "\n".join(parts) + "\n"
