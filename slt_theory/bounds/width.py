"""The public bounds: `required_samples` (Theorems 1 and 3''), `required_width` and `width_bound`
(Theorems 4'' and 5), `failure_bound` (the proved failure probability they invert), the counting
lower bound, and the freeze-split convention."""

import math
from dataclasses import dataclass, field

import sympy as sp

from .. import _validate
from ..errors import InvalidParameterError
from .calibration import calibrated_samples, calibrated_width
from .certificate import window_failure_bound
from .expressions import (
    CHERNOFF_TAIL,
    COVER_FAILURE,
    PRODUCT_COVER_WEIGHT,
    PRODUCT_SLOT_MGF,
    RHO_PROVED,
    R,
    c,
    evaluate,
    phi,
    q,
    rho,
)
from .plan import (
    N_MAX,
    NetworkShape,
    network_failure,
    samples_failure,
    smallest_samples,
    width_plan,
)

_CONSTANTS = ("proved", "certified", "calibrated")
#: The cover-block term of Theorem 2'' under each proved constant: Theorem 1's closed form
#: (None: the default of `theorem2`) or the computer-assisted certificate of Section 1.3.
_WINDOW_FAILURE = {"proved": None, "certified": window_failure_bound}
_KINDS = ("samples", "width")
#: Largest target depth accepted (the bounds are computed per distinct layer shape, so the time
#: does not grow with depth; this keeps the per-layer lists of `WidthBound` printable).
MAX_DEPTH = 10**6


def required_samples(eps, delta, *, prune_ratio=0.0, lock_ratio=0.0, constant="proved"):
    """Samples n (frozen ones included) whose free subset sums plus the locked sum eps-cover
    [-1, 1] with probability at least 1 - delta (uniform statement).

    Each of the n iid U[-1, 1] samples is independently pruned (``prune_ratio``), locked
    (``lock_ratio``, always in the sum) or free. ``constant="proved"`` returns the smallest n
    whose failure bound of docs/theory.md, Theorem 3'' (Theorem 1 when nothing is frozen) is at
    most delta; the bound is non-increasing in n, so every larger n is covered as well
    (`failure_bound` gives the bound at any n). ``constant="certified"`` is the same theorem with
    Theorem 1's term replaced by the computer-assisted certificate of docs/theory.md, Section 1.3
    (rigorous, smaller). ``constant="calibrated"`` returns an upper confidence bound on the Monte
    Carlo n* (slt_theory.bounds.calibration; not a proof).

    Parameters
    ----------
    eps : float in (0, 1)
        Accuracy: every target z in [-1, 1] within eps (<= eps) of an achievable sum.
    delta : float in (0, 1)
        Failure probability.
    prune_ratio, lock_ratio : float >= 0 with prune_ratio + lock_ratio < 1
    constant : {"proved", "certified", "calibrated"}

    Returns
    -------
    int

    Examples
    --------
    >>> required_samples(0.01, 0.01)
    56
    >>> required_samples(0.01, 0.01, constant="certified")
    44
    >>> required_samples(0.01, 0.01, prune_ratio=0.5) > required_samples(0.01, 0.01)
    True
    """
    eps = _validate.open_unit("eps", eps)
    delta = _validate.open_unit("delta", delta)
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    _validate.choice("constant", constant, _CONSTANTS)
    if constant == "calibrated":
        return int(calibrated_samples(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio).n)
    return smallest_samples(eps, delta, prune_ratio, lock_ratio, _WINDOW_FAILURE[constant])


def counting_lower_bound_samples(eps):
    """Proposition 1: fewer than log2(1/eps) free samples never eps-cover [-1, 1].

    >>> counting_lower_bound_samples(0.01)
    7
    """
    eps = _validate.open_unit("eps", eps)
    return math.ceil(float(evaluate("COUNTING_SAMPLES", epsilon=eps)) - 1e-12)


def resolve_freeze_split(freeze_ratio=None, prune_ratio=None, lock_ratio=None):
    """Turn (freeze_ratio, prune_ratio, lock_ratio) into (prune_ratio, lock_ratio).

    freeze_ratio alone is split half pruned, half locked (the reference code's own example,
    50% = 25% + 25%); a given prune_ratio or lock_ratio fixes the other part.
    """
    if freeze_ratio is None:
        prune_ratio = 0.0 if prune_ratio is None else prune_ratio
        lock_ratio = 0.0 if lock_ratio is None else lock_ratio
        return _validate.freeze_split(prune_ratio, lock_ratio)
    freeze_ratio = _validate.ratio("freeze_ratio", freeze_ratio)
    if prune_ratio is None and lock_ratio is None:
        return _validate.freeze_split(freeze_ratio / 2.0, freeze_ratio / 2.0)
    if prune_ratio is None:
        lock_ratio = _validate.ratio("lock_ratio", lock_ratio)
        prune_ratio = freeze_ratio - lock_ratio
    elif lock_ratio is None:
        prune_ratio = _validate.ratio("prune_ratio", prune_ratio)
        lock_ratio = freeze_ratio - prune_ratio
    if prune_ratio < -1e-12 or lock_ratio < -1e-12 or not math.isclose(
        prune_ratio + lock_ratio, freeze_ratio, rel_tol=0.0, abs_tol=1e-12
    ):
        raise InvalidParameterError(
            f"freeze_ratio={freeze_ratio!r} conflicts with prune_ratio={prune_ratio!r} and "
            f"lock_ratio={lock_ratio!r}: freeze_ratio must equal prune_ratio + lock_ratio "
            "(give freeze_ratio alone, or prune_ratio and lock_ratio)"
        )
    return _validate.freeze_split(max(prune_ratio, 0.0), max(lock_ratio, 0.0))


def _check_target(depth, widths):
    depth = _validate.integer("depth", depth, minimum=1)
    if depth > MAX_DEPTH:
        raise InvalidParameterError(
            f"depth must be an integer in [1, {MAX_DEPTH}] (the documented range), got {depth!r}")
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise InvalidParameterError(f"widths must be a sequence of depth + 1 integers, got {widths!r}")
    if len(widths) != depth + 1:
        raise InvalidParameterError(
            f"widths must hold depth + 1 = {depth + 1} layer widths d_0..d_l, got {len(widths)}"
        )
    # at most 2**53, so that every width is exact in a float (2**70 reached numpy's sqrt as an
    # object-dtype Python int: TypeError)
    widths = tuple(_validate.integer(f"widths[{i}]", w, minimum=1, maximum=2**53)
                   for i, w in enumerate(widths))
    return depth, widths


def failure_bound(n, eps, *, freeze_ratio=None, prune_ratio=None, lock_ratio=None, depth=1,
                  widths=(1, 1), kind="samples", constant="proved"):
    """The proved upper bound on the failure probability at a given number of samples or hidden
    width: the quantity that `required_samples` and `required_width` invert (they return the
    smallest n at which it is <= delta).

    Parameters
    ----------
    n : int in [1, 10^12]
        ``kind="samples"``: the number of iid U[-1, 1] samples of docs/theory.md, Theorem 3''
        (frozen ones included; ``depth`` and ``widths`` must keep their defaults).
        ``kind="width"``: the hidden width of each inserted layer of the source of Theorem 5,
        built as ``FrozenSource.from_width(widths, n)`` builds it (n_i = max(1, n // d_{i-1})
        neurons per input block).
    eps : float in (0, 1)
        Accuracy (samples: every z in [-1, 1]; width: sup over the unit ball of the l2 output
        error, every target of the shape at once).
    freeze_ratio, prune_ratio, lock_ratio : float, optional
        As in `required_width`; freeze_ratio alone is split half pruned, half locked.
    depth, widths : the target's depth l and widths d_0..d_l (``kind="width"``).
    kind : {"samples", "width"}
    constant : {"proved", "certified"}
        "certified" replaces Theorem 1's closed form in the cover term by the computer-assisted
        certificate (docs/theory.md, Section 1.3); both are proved upper bounds.

    Returns
    -------
    float in [0, 1]
        The bound of Theorem 3'' (samples) or Theorem 5 (width; under Theorem 5(C) it includes
        the probability of a stuck neuron, which grows with the width).

    Examples
    --------
    >>> n = required_samples(0.01, 0.05, prune_ratio=0.3, lock_ratio=0.3)
    >>> failure_bound(n, 0.01, prune_ratio=0.3, lock_ratio=0.3) <= 0.05
    True
    >>> failure_bound(n - 1, 0.01, prune_ratio=0.3, lock_ratio=0.3) > 0.05
    True
    >>> failure_bound(512, 0.1, freeze_ratio=0.5, kind="width") < 0.01
    True
    """
    _validate.choice("kind", kind, _KINDS)
    _validate.choice("constant", constant, tuple(_WINDOW_FAILURE))
    window_failure = _WINDOW_FAILURE[constant]
    n = _validate.integer("n", n, minimum=1)
    if n > N_MAX:
        raise InvalidParameterError(
            f"n must be an integer in [1, {N_MAX:.0e}] (the bounds' computed range), got {n!r}")
    eps = _validate.open_unit("eps", eps)
    prune_ratio, lock_ratio = resolve_freeze_split(freeze_ratio, prune_ratio, lock_ratio)
    depth, widths = _check_target(depth, widths)
    if kind == "samples":
        if depth != 1 or widths != (1, 1):
            raise InvalidParameterError(
                f"kind='samples' is the one-layer subset sum of Theorem 3''; depth={depth!r} and "
                f"widths={list(widths)!r} need kind='width'")
        return float(samples_failure([n], eps, prune_ratio, lock_ratio, window_failure)[0])
    shape = NetworkShape.of(eps, prune_ratio, lock_ratio, depth, widths)
    return float(network_failure([n], shape, window_failure)[0])


@dataclass(frozen=True)
class WidthBound:
    """What `width_bound` returns: the width and everything behind it.

    ``max_width`` is None when every width >= ``width`` is covered (Theorem 5 (A), (B)); under
    Theorem 5(C) the bound holds for every width in [width, max_width] and fails beyond, where
    stuck neurons become likely. ``failure`` is the proved failure bound at ``width``.
    """

    width: int
    layer_widths: tuple
    samples_per_block: tuple
    expression: sp.Expr = field(repr=False)
    latex: str = field(repr=False)
    statement: str = ""
    assumptions: tuple = ()
    lower_bound: object = None
    lower_bound_statement: str = ""
    calibrated: object = None
    calibrated_note: str = ""
    parameters: dict = field(default_factory=dict)
    max_width: object = None
    failure: float = float("nan")

    def summary(self):
        """A few lines of text for the command line."""
        p = self.parameters
        per_layer = list(self.layer_widths)
        if len(per_layer) > 8:
            per_layer = f"[{', '.join(map(str, per_layer[:4]))}, ... ({len(per_layer)} layers)]"
        covered = ("every larger width is covered too" if self.max_width is None else
                   f"covered for every width in [{self.width}, {self.max_width}] only")
        lines = [
            f"required width: {self.width}   (hidden width of each inserted layer; "
            f"per layer {per_layer}; {covered})",
            f"  eps={p['eps']:g} delta={p['delta']:g} prune_ratio={p['prune_ratio']:g} "
            f"lock_ratio={p['lock_ratio']:g} depth={p['depth']} "
            f"widths={list(p['widths']) if len(p['widths']) <= 9 else '[...]'}",
            f"  statement: {self.statement}",
            f"  proved failure probability at this width: {self.failure:.3g}",
            "  formula (one (output, input, side) instance; the instances' bounds are summed and "
            "must total <= delta; minimum over s > 0 and over the cover window a):",
            f"    {sp.sstr(self.expression)}",
            "  assumptions:",
        ]
        lines += [f"    - {item}" for item in self.assumptions]
        lb = "n/a" if self.lower_bound is None else str(self.lower_bound)
        lines.append(f"  counting lower bound: {lb}   ({self.lower_bound_statement})")
        cal = "n/a" if self.calibrated is None else str(self.calibrated)
        lines.append(f"  calibrated (Monte Carlo) value: {cal}   {self.calibrated_note}")
        if self.lower_bound:
            lines.append(
                f"  the proved width is {self.width / self.lower_bound:.1f}x the counting lower bound "
                "(docs/theory.md, sec. 6 measures how loose the constants are)"
            )
        return "\n".join(lines)


def _display_expression():
    """Theorem 2'' for one product instance, as the formula `slt width` prints."""
    m_s = sp.Symbol("M_s", positive=True)
    cover = COVER_FAILURE.subs({q: phi * PRODUCT_COVER_WEIGHT, rho: RHO_PROVED})
    tail = CHERNOFF_TAIL.subs({m_s: PRODUCT_SLOT_MGF.subs(c, PRODUCT_COVER_WEIGHT), R: 1})
    return sp.Le(cover + 2 * tail, sp.Symbol("delta_instances"), evaluate=False)


def width_bound(
    eps, freeze_ratio=None, *, delta=None, prune_ratio=None, lock_ratio=None, depth=1,
    widths=(1, 1), constant="proved",
):
    """The width of docs/theory.md, Theorem 5, with its formula, statement and assumptions.

    Same parameters as `required_width`; returns a `WidthBound`.

    Examples
    --------
    >>> wb = width_bound(0.01, 0.5)
    >>> wb.width == required_width(0.01, 0.5)
    True
    >>> wb.statement.startswith("docs/theory.md, Theorem 5 (B)")
    True
    >>> wb.max_width is None and wb.failure <= 0.01
    True
    """
    eps = _validate.open_unit("eps", eps)
    delta = eps if delta is None else _validate.open_unit("delta", delta)
    prune_ratio, lock_ratio = resolve_freeze_split(freeze_ratio, prune_ratio, lock_ratio)
    depth, widths = _check_target(depth, widths)
    _validate.choice("constant", constant, _CONSTANTS)
    if constant == "calibrated":
        return _calibrated_width_bound(eps, delta, prune_ratio, lock_ratio, depth, widths)
    shape = NetworkShape.of(eps, prune_ratio, lock_ratio, depth, widths)
    plan = width_plan(shape, delta, _WINDOW_FAILURE[constant])
    layer_widths = tuple(d * n_i for d, n_i in zip(widths[:-1], plan.block_sizes))
    case = ("C" if shape.reassigns else "B" if lock_ratio > 0 else "A")
    statement = {
        "A": "docs/theory.md, Theorem 5 (A) (pruning only), via Theorem 4'' (one weight through "
             "two frozen layers) and Theorem 2''; every width >= this one is covered",
        "B": "docs/theory.md, Theorem 5 (B) (locking, one input per layer), via Theorem 4'' and "
             "Theorem 2''; every width >= this one is covered",
        "C": "docs/theory.md, Theorem 5(C) (locking with several inputs per layer: neurons with "
             "one locked incoming weight re-assigned, stuck neurons paid for); covers widths "
             f"{plan.width}..{plan.max_width} only, since stuck neurons become likely beyond",
    }[case]
    if constant == "certified":
        statement += ("; Theorem 1's term replaced by the computer-assisted certificate "
                      "(docs/theory.md, Section 1.3)")

    lower, lower_statement = None, "no counting bound is derived for depth > 1 (sec. 5)"
    if depth == 1:
        lower = math.ceil(float(evaluate(
            "COUNTING_WIDTH_DEPTH1", epsilon=eps, **{"d_{i-1}": widths[0], "d_i": widths[1]}
        )) - 1e-12)
        lower_statement = "Proposition 2, any source of this shape, frozen or not"

    calibrated, note = None, "(a calibrated width exists for one weight only: widths (1, 1))"
    try:
        if depth == 1 and widths == (1, 1):
            cal = calibrated_width(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
            calibrated = int(cal.n)
            note = (f"(Monte Carlo width of the construction, Model C of docs/calibration.md: an "
                    f"upper prediction bound at level {cal.confidence:g}; measured, not proved)")
    except InvalidParameterError as err:
        note = f"({err})"

    expression = _display_expression()
    assumptions = (
        "target: ReLU network of depth l without biases, every layer of spectral norm <= 1, "
        "inputs in the l2 unit ball; error measured as sup of the l2 output error",
        "source: depth 2l, iid U[-1, 1] weights, each weight independently pruned "
        f"(prune_ratio={prune_ratio:g}), locked (lock_ratio={lock_ratio:g}) or free",
        "uniform statement: one draw of the source approximates every target at once",
        "h = width, n_i = h // d_{i-1} neurons per input block; the bound (the formula, with "
        "M ~ Bin(n_i, phi a log(1/a)) free terms in the cover block) is summed over the "
        "(output, input, side) instances, at per-entry error ((1 + eps)^(1/l) - 1) / "
        "sqrt(d_{i-1} d_i)",
    )
    if lock_ratio > 0 and any(d > 1 for d in widths[:-1]):
        assumptions += ("locking with several inputs per layer: Theorem 5(C) (re-assignment), "
                        "which pays for stuck neurons and so holds on a finite range of widths "
                        "only",)
    return WidthBound(
        width=plan.width,
        layer_widths=layer_widths,
        samples_per_block=plan.block_sizes,
        expression=expression,
        latex=sp.latex(expression),
        statement=statement,
        assumptions=assumptions,
        lower_bound=lower,
        lower_bound_statement=lower_statement,
        calibrated=calibrated,
        calibrated_note=note,
        parameters={
            "eps": eps, "delta": delta, "prune_ratio": prune_ratio, "lock_ratio": lock_ratio,
            "depth": depth, "widths": widths, "constant": constant,
        },
        max_width=plan.max_width,
        failure=plan.failure,
    )


def _calibrated_width_bound(eps, delta, prune_ratio, lock_ratio, depth, widths):
    """``width_bound(..., constant="calibrated")``: the Monte Carlo width of one weight
    (`slt_theory.bounds.calibration.calibrated_width`); other shapes have no calibrated width."""
    if depth != 1 or widths != (1, 1):
        raise InvalidParameterError(
            "constant='calibrated' gives a width for one weight only (depth=1, widths=(1, 1)); "
            f"got depth={depth!r}, widths={list(widths)!r}: use constant='proved' or 'certified'")
    cal = calibrated_width(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
    width = int(cal.n)
    lower = math.ceil(float(evaluate(
        "COUNTING_WIDTH_DEPTH1", epsilon=eps, **{"d_{i-1}": 1, "d_i": 1})) - 1e-12)
    expression = sp.Symbol("calibrated_width")
    return WidthBound(
        width=width, layer_widths=(width,), samples_per_block=(width,), expression=expression,
        latex=sp.latex(expression),
        statement=("calibrated, not proved: the smallest width whose modelled failure of the "
                   "construction's uniform event, times a conformal factor, is <= delta (Model C, "
                   f"docs/calibration.md; an upper prediction bound at level {cal.confidence:g})"),
        assumptions=("the fitted range of docs/calibration.md (eps in [1e-3, 0.1], delta in "
                     "[0.01, 0.1], lock_ratio <= 0.5, prune_ratio + lock_ratio <= 0.8)",),
        lower_bound=lower,
        lower_bound_statement="Proposition 2, any source of this shape, frozen or not",
        calibrated=width,
        calibrated_note="(this is the calibrated width)",
        parameters={"eps": eps, "delta": delta, "prune_ratio": prune_ratio,
                    "lock_ratio": lock_ratio, "depth": depth, "widths": widths,
                    "constant": "calibrated"},
        max_width=None,
        failure=float("nan"),
    )


def required_width(
    eps, freeze_ratio=None, *, delta=None, prune_ratio=None, lock_ratio=None, depth=1,
    widths=(1, 1), constant="proved",
):
    """Hidden width of each inserted layer that a frozen random source of depth 2 * depth needs
    to contain, with probability >= 1 - delta, an eps-approximation of every target of the
    given shape (docs/theory.md, Theorem 5; Theorem 4'' for the default single weight).

    Parameters
    ----------
    eps : float in (0, 1)
        Sup over inputs in the unit ball of the l2 output error.
    freeze_ratio : float in [0, 1), optional
        prune_ratio + lock_ratio. Given alone, it is split half pruned, half locked (the
        reference code's example, 50% = 25% + 25%).
    delta : float in (0, 1), optional
        Failure probability; defaults to eps.
    prune_ratio, lock_ratio : float, optional
        The split, instead of (or consistent with) freeze_ratio. Locking with several inputs per
        layer is Theorem 5(C), which covers a finite range of widths (`width_bound` gives it);
        where no width meets it, InvalidParameterError names Theorem 6 (the locked-kink lower bound).
    depth : int in [1, 10^6]
        Depth l of the target. Defaults to 1.
    widths : sequence of depth + 1 ints >= 1
        Layer widths d_0..d_l of the target. Defaults to (1, 1): one weight.
    constant : {"proved", "certified", "calibrated"}
        "certified": Theorem 1's term of the proof replaced by the computer-assisted certificate
        (docs/theory.md, Section 1.3): still a proved width, smaller. "calibrated": the Monte
        Carlo width of the construction for one weight (docs/calibration.md; measured, not
        proved), InvalidParameterError for other shapes.

    Returns
    -------
    int
        The smallest hidden width h whose proved failure bound (`failure_bound(h, ...,
        kind="width")`) is <= delta; under Theorem 5 (A) and (B) every larger width is covered.

    Examples
    --------
    >>> required_width(0.01, 0.5)
    694
    >>> required_width(0.01, 0.5, prune_ratio=0.5)  # pruning only
    1395
    """
    return width_bound(
        eps, freeze_ratio, delta=delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
        depth=depth, widths=widths, constant=constant,
    ).width
