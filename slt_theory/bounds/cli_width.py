"""`slt width`: the hidden width a partially frozen random source needs, in words.

The default output is one small table of the four numbers that answer the question (proved,
certified, calibrated and the counting lower bound), for the network's hidden width and for the
one-layer subset sum, with a sentence saying what each is; then the statement, the assumptions
and, with ``--at``, the proved failure probability at a width of the reader's choice.
``--formula`` prints the bound behind the proved width with every symbol defined in words;
``--latex`` the same in LaTeX; ``--json`` everything for machines.

The formula is shown folded (:func:`folded_formula`): named pieces (k_0, q, q', T, m, ...) in
place of the sub-expressions they stand for. The pieces are cut from the same sympy expressions
the bound is computed from (:mod:`slt_theory.bounds.expressions`), and substituting them back
gives ``WidthBound.expression`` exactly (tested), so the folded form cannot drift from it.
"""

import argparse
import textwrap

import sympy as sp

from .. import _display, _validate
from ..errors import InvalidParameterError
from . import expressions as E
from . import width as bounds
from .calibration import calibrated_samples

DESCRIPTION = (
    "The hidden width a partially frozen random source needs so that, with probability at "
    "least 1 - delta, one random draw of it contains a subnetwork (a strong lottery ticket) "
    "that approximates every target network of the given shape to accuracy eps. Every source "
    "weight is independently pruned (always removed), locked (always kept) or free (the search "
    "decides); the freeze ratio is prune ratio + lock ratio.\n\n"
    "The table gives four numbers, for the hidden width of the network and for the one-layer "
    "subset sum behind it: proved (docs/theory.md, Theorems 5 and 3''), certified (the same "
    "proofs with a computer-assisted certificate, Section 1.3), calibrated (Monte Carlo, "
    "measured but not proved) and the counting lower bound (no source can do with fewer).")

EPILOG = """examples:
  slt width --eps 0.01 --freeze-ratio 0.5
  slt width --eps 0.01 --prune-ratio 0.35 --lock-ratio 0.35 --at 1000
  slt width --eps 0.1 --prune-ratio 0.2 --depth 2 --widths 4 4 1
  slt width --eps 0.01 --freeze-ratio 0.5 --formula
  slt width --eps 0.01 --freeze-ratio 0.5 --json"""


def add_target_arguments(parser):
    """The options that name a target and a freeze setting (shared with `slt size`)."""
    g = parser.add_argument_group("target and freezing")
    g.add_argument("--eps", type=float, default=0.01,
                   help="accuracy, in (0, 1): the largest l2 output error over inputs in the "
                        "unit ball")
    g.add_argument("--delta", type=float, default=None,
                   help="failure probability, in (0, 1): the chance that the random source holds "
                        "no such ticket (default: eps)")
    g.add_argument("--freeze-ratio", type=float, default=None,
                   help="prune ratio + lock ratio, in [0, 1); given alone it is split half "
                        "pruned, half locked (default: prune and lock ratios as given)")
    g.add_argument("--prune-ratio", type=float, default=None,
                   help="share of source weights pruned (always removed), in [0, 1) "
                        "(default: 0, or freeze ratio - lock ratio)")
    g.add_argument("--lock-ratio", type=float, default=None,
                   help="share of source weights locked (always kept), in [0, 1) "
                        "(default: 0, or freeze ratio - prune ratio)")
    g.add_argument("--depth", type=int, default=1, help="depth l of the target network")
    g.add_argument("--widths", type=int, nargs="+", default=None, metavar="D",
                   help="target layer widths d_0 .. d_l, depth + 1 numbers (default: 1 in every "
                        "layer, i.e. one weight per layer)")
    return g


def configure(parser):
    parser.description, parser.epilog = DESCRIPTION, EPILOG
    add_target_arguments(parser)
    g = parser.add_argument_group("output")
    g.add_argument("--at", type=int, default=None, metavar="WIDTH",
                   help="also give the proved failure probability at this hidden width "
                        "(default: only at the proved width)")
    g.add_argument("--certified", action=argparse.BooleanOptionalAction, default=True,
                   help="compute the certified numbers (the computer-assisted certificate of "
                        "Section 1.3; about a second); --no-certified skips them")
    g.add_argument("--formula", action="store_true",
                   help="also print the bound behind the proved width, every symbol in words")
    g.add_argument("--latex", action="store_true",
                   help="also print that bound and its symbols' definitions as LaTeX")
    g.add_argument("--json", action="store_true",
                   help="print everything as one JSON object instead of text")


def target_arguments(args):
    """The keyword arguments of `bounds.width_bound` given on the command line."""
    return dict(delta=args.delta, prune_ratio=args.prune_ratio, lock_ratio=args.lock_ratio,
                depth=args.depth,
                widths=tuple(args.widths) if args.widths else (1,) * (args.depth + 1))


# ---------------------------------------------------------------------------------------------
# The formula, folded into named pieces
# ---------------------------------------------------------------------------------------------
K0, C_A, Q_TILT, T, M = sp.symbols("k_0 c_a q' T m", real=True)
DELTA_INSTANCES = sp.Symbol("delta_instances")

#: What every symbol of the folded formula means, in the order a reader meets them.
SYMBOLS = (
    ("n", "product terms of one instance: the neurons of one input block, "
          "n_i = max(1, h // d_{i-1}) for hidden width h (n = h for one weight)"),
    ("epsilon", "accuracy asked of one instance: ((1 + eps)^(1/l) - 1) / sqrt(d_{i-1} d_i) "
                "(Lemma 7), which is eps itself for one weight"),
    ("a", "half-width of the cover window [-a, a]; the bound is minimised over "
          "a in {0.5, 0.55, ..., 0.95}"),
    ("s", "the Chernoff parameter, s > 0; the bound is minimised over it"),
    ("phi", "probability that a neuron's term is free on one side of the sign split (the mask "
            "decides whether it counts)"),
    ("kappa", "probability that a neuron's term is forced in on one side (both its weights "
              "locked, or as Theorem 5 says for several outputs)"),
    ("c_a", "probability that a free product term is marked as a uniform sample on [-a, a] "
            "(Lemma 6)"),
    ("q", "probability that a neuron's term is free and marked: the cover block has "
          "M ~ Bin(n, q) terms"),
    ("k_0", "the most cover-block terms at which Theorem 1's bound 8 a^2 (3/4)^K / eps^2 is "
            "still >= 1, i.e. proves nothing"),
    ("q'", "the tilted probability of the closed form of E[min(1, 8 a^2 (3/4)^M / eps^2)] "
           "(Lemma 8)"),
    ("T", "logarithm of the tilt's factor 8 a^2 (1 - q/4)^n / eps^2"),
    ("m", "E exp(-s H) for one neuron's term H on one side: out (H = 0), free and unmarked, "
          "or forced in (Theorem 2'', Theorem 4'')"),
    ("delta_instances", "this instance's part of delta: the bounds of all (layer, output, input, "
                        "side) instances are summed and the sum must be <= delta"),
    ("BinomialCDF(k, n, q)", "P(Bin(n, q) <= k)"),
    ("BinomialSF(k, n, q)", "P(Bin(n, q) > k)"),
    ("Ein(s)", "integral from 0 to s of (1 - exp(-t)) / t dt"),
    ("Shi(s)", "integral from 0 to s of sinh(t) / t dt"),
    ("log1p(x), expm1(x)", "log(1 + x) and exp(x) - 1"),
    ("floor(x)", "x rounded down to an integer"),
)


def folded_formula():
    """Theorem 2'' for one (output, input, side) instance with named pieces.

    Returns ``(inequality, definitions)``: the folded inequality and the list of
    ``(symbol, expression)`` pieces, each cut from :mod:`slt_theory.bounds.expressions` with the
    constants of the proved width (rho = 3/4, the product law's c = a log(1/a)). Substituting
    the pieces back in reverse order gives ``width_bound(...).expression``.
    """
    rho = E.RHO_PROVED
    definitions = [  # in reading order; each uses only the pieces above it
        (C_A, E.PRODUCT_COVER_WEIGHT),
        (E.q, E.phi * C_A),
        (K0, (E.COVER_THRESHOLD - 1).subs(E.rho, rho)),
        (Q_TILT, E.COVER_TILTED_Q.subs(E.rho, rho)),
        (T, E.COVER_TILT_LOG.subs(E.rho, rho)),
        (M, E.PRODUCT_SLOT_MGF.subs(E.c, C_A)),
    ]
    tail = E.CHERNOFF_TAIL.subs({sp.Symbol("M_s", positive=True): M, E.R: 1})
    lhs = E.BinomialCDF(K0, E.n, E.q) + sp.exp(T) * E.BinomialSF(K0, E.n, Q_TILT) + 2 * tail
    return sp.Le(lhs, DELTA_INSTANCES, evaluate=False), definitions


def unfold(lhs, definitions):
    """Substitute the pieces of :func:`folded_formula` back, last piece first (T as the
    unevaluated exponent the bound keeps, so that sympy does not pull eps^2 out of it)."""
    for symbol, expr in reversed(definitions):
        lhs = lhs.subs(symbol, sp.UnevaluatedExpr(expr) if symbol is T else expr)
    return lhs


def _side_formulas(p, lock, shared):
    """phi and kappa of Proposition 4 (one output) or Theorem 5's coupling (several outputs)."""
    free, locked = ((E.PRODUCT_FREE_SHARED, E.PRODUCT_LOCKED_SHARED) if shared
                    else (E.PRODUCT_FREE, E.PRODUCT_LOCKED))
    values = {E.prune: p, E.lock: lock}
    # shown in the p, l of docs/theory.md; the value from the expression itself
    short = {E.prune: sp.Symbol("p"), E.lock: sp.Symbol("l")}
    return [(name, sp.sstr((expr / 2).subs(short)), float((expr / 2).subs(values)))
            for name, expr in (("phi", free), ("kappa", locked))]


def _wrapped(text, indent=""):
    return textwrap.wrap(text, 100, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


def formula_lines(report, plain=True, latex=False):
    """The folded bound and its pieces (as text, as LaTeX, or both), then every symbol in words
    and the values of phi and kappa at the report's operating point, as lines of text."""
    ineq, definitions = folded_formula()
    p = report["parameters"]
    lines = _wrapped(
        "The bound behind the proved width (docs/theory.md, Theorem 4'' via Theorem 2''), for "
        "one (layer, output, input, side) instance. The proved width is the smallest hidden "
        "width h at which the instances' bounds, each minimised over a and s, sum to at most "
        "delta.")
    for show, wanted in ((sp.sstr, plain), (sp.latex, latex)):
        if wanted:
            lines += ["", "  " + show(ineq), "", "  where"]
            lines += [f"    {show(symbol)} = {show(expr)}" for symbol, expr in definitions]
    lines += ["", "  At this operating point (prune ratio p = "
                  f"{_display.number(p['prune_ratio'])}, lock ratio l = "
                  f"{_display.number(p['lock_ratio'])}):"]
    d = p["widths"]
    for shared in sorted({d[i + 1] >= 2 for i in range(p["depth"])}):
        where = "target layers with several outputs (d_i >= 2)" if shared else \
            "target layers with one output (d_i = 1)"
        parts = _side_formulas(p["prune_ratio"], p["lock_ratio"], shared)
        lines += _wrapped(f"{where}: " + ", ".join(
            f"{name} = {formula} = {_display.number(value)}" for name, formula, value in parts),
            "    ")
    if report["case"] == "C":
        lines += _wrapped("Theorem 5(C) (locking, several inputs per layer) scales phi and kappa "
                          "by (1 - l)^(d_{i-1} - 1), lets re-assigned neurons extend the instance "
                          "and adds the probability of a stuck neuron to the sum.", "    ")
    lines += ["", "  Symbols:", _display.key_values(SYMBOLS, indent=4), ""]
    lines += _wrapped("The certified width uses the same bound with Theorem 1's term "
                      "8 a^2 (3/4)^K / eps^2 replaced by the computer-assisted certificate "
                      "(docs/theory.md, Section 1.3).")
    return lines


# ---------------------------------------------------------------------------------------------
# The numbers
# ---------------------------------------------------------------------------------------------
def _try(fn):
    """fn(), or None and the reason when the bound refuses this operating point."""
    try:
        return fn(), ""
    except InvalidParameterError as err:
        return None, str(err)


NOT_COMPUTED = "not computed (--no-certified)"


def width_report(eps, freeze_ratio=None, *, at=None, certified=True, **target):
    """Everything `slt width` shows, as plain data (what ``--json`` prints).

    Parameters are those of :func:`slt_theory.bounds.width_bound`; ``at`` is an optional hidden
    width at which to give the proved failure probability; ``certified`` also computes the
    certified width and samples (about a second: the certificate's table lookups).
    """
    if at is not None:  # refuse before computing anything
        at = _validate.integer("--at", at, minimum=1)
    wb = bounds.width_bound(eps, freeze_ratio, **target)
    p = wb.parameters
    split = dict(prune_ratio=p["prune_ratio"], lock_ratio=p["lock_ratio"])
    shape = dict(depth=p["depth"], widths=p["widths"])
    certified_width, certified_width_reason = _try(lambda: bounds.width_bound(
        p["eps"], delta=p["delta"], constant="certified", **split, **shape).width) \
        if certified else (None, NOT_COMPUTED)
    calibrated_width, calibrated_width_reason = _try(lambda: bounds.required_width(
        p["eps"], delta=p["delta"], constant="calibrated", **split, **shape))
    samples, samples_reason = _try(lambda: bounds.required_samples(p["eps"], p["delta"],
                                                                   **split))
    certified_samples, certified_samples_reason = _try(lambda: bounds.required_samples(
        p["eps"], p["delta"], constant="certified", **split)) \
        if certified else (None, NOT_COMPUTED)
    cal, calibrated_samples_reason = _try(lambda: calibrated_samples(p["eps"], p["delta"], **split))
    case = "C" if wb.max_width is not None else ("B" if p["lock_ratio"] > 0 else "A")
    report = {
        "parameters": {**p, "widths": list(p["widths"]),
                       "freeze_ratio": p["prune_ratio"] + p["lock_ratio"]},
        "case": case,
        "certified_computed": bool(certified),
        "statement": wb.statement,
        "assumptions": list(wb.assumptions),
        "width": {"proved": wb.width, "certified": certified_width,
                  "calibrated": calibrated_width,
                  "counting_lower_bound": wb.lower_bound},
        "width_notes": {"certified": certified_width_reason,
                        "calibrated": calibrated_width_reason,
                        "counting_lower_bound": wb.lower_bound_statement},
        "samples": {"proved": samples, "certified": certified_samples,
                    "calibrated": None if cal is None else int(cal.n),
                    "counting_lower_bound": bounds.counting_lower_bound_samples(p["eps"])},
        "samples_notes": {"proved": samples_reason, "certified": certified_samples_reason,
                          "calibrated": calibrated_samples_reason,
                          "calibrated_confidence": None if cal is None else cal.confidence},
        "layer_widths": list(wb.layer_widths),
        "max_width": wb.max_width,
        "failure_at_width": wb.failure,
        "at": None,
        "formula": sp.sstr(wb.expression),
        "latex": wb.latex,
    }
    if at is not None:
        report["at"] = {"width": at, "failure": bounds.failure_bound(
            at, p["eps"], kind="width", **split, **shape)}
    return report


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------
def layer_list(layer_widths):
    """Per-layer widths in words: '694', '694 in each of the 3 inserted layers', or a list.

    >>> layer_list([694]), layer_list([5, 5, 5]), layer_list([4, 8])
    ('694', '5 in each of the 3 inserted layers', '4 8')
    """
    n = len(layer_widths)
    if n == 1:
        return _display.integer(layer_widths[0])
    if len(set(layer_widths)) == 1:
        return f"{_display.integer(layer_widths[0])} in each of the {n:,} inserted layers"
    if n <= 8:
        return " ".join(_display.integer(w) for w in layer_widths)
    head = " ".join(_display.integer(w) for w in layer_widths[:4])
    return f"{head} ... ({n:,} inserted layers)"


def _cell(value, missing):
    return missing if value is None else _display.integer(value)


def _target_words(p):
    d = p["widths"]
    if p["depth"] == 1 and tuple(d) == (1, 1):
        return "one weight (depth l = 1, layer widths d_0 d_1 = 1 1)"
    shown = " ".join(str(w) for w in d) if len(d) <= 9 else \
        f"{' '.join(str(w) for w in d[:4])} ... ({len(d):,} widths)"
    return (f"ReLU network of depth l = {p['depth']:,}, layer widths d_0..d_l = {shown}, "
            "every layer of spectral norm <= 1")


def _freezing_words(p):
    pr, lr = p["prune_ratio"], p["lock_ratio"]
    if pr == 0 and lr == 0:
        return "none: a dense source (every weight free)"
    num = _display.number
    return (f"each source weight pruned (always removed) with probability {num(pr)}, locked "
            f"(always kept) with {num(lr)}, free with {num(1 - pr - lr)}; freeze ratio "
            f"{num(pr + lr)}")


def render(report):
    """The text `slt width` prints."""
    p, w, s = report["parameters"], report["width"], report["samples"]
    num = _display.number
    lines = [f"Width of a partially frozen random source (docs/theory.md, Theorem 5 "
             f"({report['case']}))", ""]
    lines.append(_display.key_values([
        ("target", _target_words(p)),
        ("accuracy", f"eps = {num(p['eps'])}: largest l2 output error over inputs in the unit "
                     "ball"),
        ("failure", f"delta = {num(p['delta'])}: chance that the random source holds no such "
                    "ticket"),
        ("freezing", _freezing_words(p)),
    ]))
    level = report["samples_notes"]["calibrated_confidence"]
    calibrated_meaning = (
        "Monte Carlo width of the construction and n* of the one-layer subset sum (Model C, "
        "docs/calibration.md"
        + (f"; upper prediction bounds at {num(100 * level)}% confidence" if level is not None
           else "")
        + "): measured, not proved")
    if w["calibrated"] is None:
        calibrated_meaning += "; no calibrated width for this target (one weight only, inside " \
                              "the fitted range)"
    counting_meaning = "no source of this shape can do with fewer, frozen or not (Propositions " \
                       "2 and 1)"
    if w["counting_lower_bound"] is None:
        counting_meaning += "; no counting bound on the width is derived for depth > 1"
    certified_missing = "out of range" if report["certified_computed"] else "not computed"
    rows = [
        ["proved", _cell(w["proved"], "none"), _cell(s["proved"], "out of range"),
         "with probability >= 1 - delta one draw of the source holds an eps-approximation of "
         "every target"],
        ["certified", _cell(w["certified"], certified_missing),
         _cell(s["certified"], certified_missing),
         "proved as well, with Theorem 1's term replaced by the computer-assisted certificate "
         "(Section 1.3)" + ("" if report["certified_computed"] else
                            "; skipped by --no-certified")],
        ["calibrated", _cell(w["calibrated"], "none"),
         _cell(s["calibrated"], "out of range"), calibrated_meaning],
        ["counting bound", _cell(w["counting_lower_bound"], "none"),
         _cell(s["counting_lower_bound"], "none"), counting_meaning],
    ]
    table = _display.Table(["", "hidden width", "one-layer samples", "what the number is"],
                           rows, align="lrrl", wrap={3: 47}, indent=2)
    lines += ["", table.render(), ""]
    if report["max_width"] is None:
        covered = "every larger width is covered too (Proposition 5)"
    else:
        covered = (f"only widths {w['proved']:,} to {report['max_width']:,} are covered: beyond, "
                   "stuck neurons become likely (Theorem 5(C))")
    facts = [
        ("hidden width", "neurons of each layer the source inserts (it has depth 2l); per "
                         f"inserted layer: {layer_list(report['layer_widths'])}; {covered}"),
        ("one-layer samples", "iid U[-1, 1] samples, frozen the same way, whose subset sums "
                              "eps-cover [-1, 1] with probability >= 1 - delta (Theorem 3'')"),
        ("proved failure", f"{num(report['failure_at_width'])} at the proved width "
                           f"{w['proved']:,}"),
    ]
    if report["at"] is not None:
        facts.append(("at your width", f"{num(report['at']['failure'])} at width "
                                       f"{report['at']['width']:,} (proved upper bound; "
                                       "1 means the bound says nothing there)"))
    if w["counting_lower_bound"]:
        facts.append(("looseness", f"the proved width is "
                                   f"{_display.times(w['proved'] / w['counting_lower_bound'])} "
                                   "the counting lower bound (docs/theory.md, Section 6 measures "
                                   "how loose the constants are)"))
    facts.append(("statement", report["statement"]))
    lines.append(_display.key_values(facts, indent=2))
    lines += ["", "  assumptions:"]
    for item in report["assumptions"]:
        lines += textwrap.wrap(item, 98, initial_indent="  - ", subsequent_indent="    ",
                               break_on_hyphens=False)
    return "\n".join(lines)


def run(args):
    report = width_report(args.eps, args.freeze_ratio, at=args.at, certified=args.certified,
                          **target_arguments(args))
    if args.json:
        print(_display.to_json(report))
        return 0
    print(render(report))
    if args.formula or args.latex:
        print("\n" + "\n".join(formula_lines(report, plain=args.formula, latex=args.latex)))
    else:
        print("\nthe formula behind the proved width, every symbol explained: add --formula "
              "(or --latex)")
    return 0
