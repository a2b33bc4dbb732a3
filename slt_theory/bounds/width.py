"""The public bounds: `required_samples` (Theorems 1 and 3), `required_width` and `width_bound`
(Theorems 4 and 5), the counting lower bound, and the freeze-split convention."""

import math
from dataclasses import dataclass, field

import sympy as sp

from .. import _validate
from ..errors import InvalidParameterError
from .calibration import calibrated_samples
from .expressions import (
    PRODUCT_FREE,
    PRODUCT_LOCKED,
    PRODUCT_UNIFORM_HALF_WIDTH,
    PRODUCT_UNIFORM_WEIGHT,
    PRODUCT_VARIANCE,
    RHO_PROVED,
    THEOREM2_FAILURE,
    R,
    a,
    alpha,
    b,
    evaluate,
    lam,
    rho,
    sigma2,
)
from .plan import frozen_samples_plan

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
_CONSTANTS = ("proved", "calibrated")


def _single_layer_plan(eps_value, delta_value, prune_ratio, lock_ratio, rho_value=None):
    """Theorem 3: one weight as a sum of iid U[-1, 1] samples, frozen (docs/theory.md, sec. 2)."""
    return frozen_samples_plan(
        eps_value, delta_value,
        uniform_prob=1.0 - prune_ratio - lock_ratio, half_width=1.0, radius=1.0,
        lock_prob=lock_ratio, lock_bound=1.0, lock_variance=1.0 / 3.0, rho_value=rho_value,
    )


def _product_side_plan(eps_value, delta_value, prune_ratio, lock_ratio, shared=False, rho_value=None):
    """Theorem 4: one side of the sign split of a weight through two frozen layers (sec. 3).

    ``shared``: the hidden neurons also feed other outputs (Theorem 5), so a free first-layer
    weight cannot be pruned for one output alone.
    """
    free_name, locked_name = ("PRODUCT_FREE_SHARED", "PRODUCT_LOCKED_SHARED") if shared else (
        "PRODUCT_FREE", "PRODUCT_LOCKED")
    free = float(evaluate(free_name, p_prune=prune_ratio, p_lock=lock_ratio))
    locked = float(evaluate(locked_name, p_prune=prune_ratio, p_lock=lock_ratio)) if lock_ratio > 0 else 0.0
    # half of the neurons have u on this side; of a free product, a log(2)/2 share is uniform
    uniform = 0.5 * free * float(PRODUCT_UNIFORM_WEIGHT)
    return frozen_samples_plan(
        eps_value, delta_value,
        uniform_prob=uniform, half_width=float(PRODUCT_UNIFORM_HALF_WIDTH), radius=1.0,
        lock_prob=0.5 * locked, lock_bound=1.0, lock_variance=float(PRODUCT_VARIANCE),
        rho_value=rho_value,
    )


def required_samples(eps, delta, *, prune_ratio=0.0, lock_ratio=0.0, constant="proved"):
    """Samples n (frozen ones included) whose free subset sums plus the locked sum eps-cover
    [-1, 1] with probability at least 1 - delta (uniform statement).

    Each of the n iid U[-1, 1] samples is independently pruned (``prune_ratio``), locked
    (``lock_ratio``, always in the sum) or free. ``constant="proved"`` returns the smallest n
    that satisfies the hypotheses of docs/theory.md, Theorem 3 (Theorem 1 when nothing is
    frozen): for that n the proof bounds the failure probability by delta.
    ``constant="calibrated"`` returns an upper confidence bound on the Monte Carlo n*
    (slt_theory.bounds.calibration).

    Parameters
    ----------
    eps : float in (0, 1)
        Accuracy: every target z in [-1, 1] within eps (<= eps) of an achievable sum.
    delta : float in (0, 1)
        Failure probability.
    prune_ratio, lock_ratio : float >= 0 with prune_ratio + lock_ratio < 1
    constant : {"proved", "calibrated"}

    Returns
    -------
    int

    Examples
    --------
    >>> required_samples(0.01, 0.01)
    120
    >>> required_samples(0.01, 0.01, prune_ratio=0.5) > required_samples(0.01, 0.01)
    True
    """
    eps = _validate.open_unit("eps", eps)
    delta = _validate.open_unit("delta", delta)
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    _validate.choice("constant", constant, _CONSTANTS)
    if constant == "calibrated":
        return int(calibrated_samples(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio).n)
    return _single_layer_plan(eps, delta, prune_ratio, lock_ratio)["n"]


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
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise InvalidParameterError(f"widths must be a sequence of depth + 1 integers, got {widths!r}")
    widths = tuple(_validate.integer(f"widths[{i}]", w, minimum=1) for i, w in enumerate(widths))
    if len(widths) != depth + 1:
        raise InvalidParameterError(
            f"widths must hold depth + 1 = {depth + 1} layer widths d_0..d_l, got {len(widths)}"
        )
    return depth, widths


@dataclass(frozen=True)
class WidthBound:
    """What `width_bound` returns: the width and everything behind it."""

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

    def summary(self):
        """A few lines of text for the command line."""
        p = self.parameters
        lines = [
            f"required width: {self.width}   (hidden width of each inserted layer; "
            f"per layer {list(self.layer_widths)})",
            f"  eps={p['eps']:g} delta={p['delta']:g} prune_ratio={p['prune_ratio']:g} "
            f"lock_ratio={p['lock_ratio']:g} depth={p['depth']} widths={list(p['widths'])}",
            f"  statement: {self.statement}",
            "  formula (the failure bound that must be <= delta_entry; h = d_{i-1} n):",
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
                f"  the proved width is {self.width / self.lower_bound:.1f}x the counting lower bound: "
                "the proved constant is loose (docs/theory.md, sec. 6)"
            )
        return "\n".join(lines)


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
    >>> wb.statement
    'docs/theory.md, Theorem 5 (network width), via Theorem 4 (one weight through two frozen layers)'
    """
    eps = _validate.open_unit("eps", eps)
    delta = eps if delta is None else _validate.open_unit("delta", delta)
    prune_ratio, lock_ratio = resolve_freeze_split(freeze_ratio, prune_ratio, lock_ratio)
    depth, widths = _check_target(depth, widths)
    _validate.choice("constant", constant, _CONSTANTS)
    if lock_ratio > 0 and any(w > 1 for w in widths[:-1]):
        bad = next(i for i, w in enumerate(widths[:-1]) if w > 1)
        raise InvalidParameterError(
            f"lock_ratio={lock_ratio!r} > 0 is proved only for targets whose layers each have one "
            f"input (widths[0..l-1] == 1), got widths[{bad}]={widths[bad]}: a hidden neuron with two "
            "locked incoming weights and a locked outgoing weight adds a term no mask removes "
            "(docs/theory.md, Proposition 3); use lock_ratio=0 for this target"
        )

    # Theorem 5: union bound over sides x layers x entries; inputs of layers >= 2 are post-ReLU
    sides = [2] + [1] * (depth - 1)
    instances = sum(s * widths[i] * widths[i + 1] for i, s in enumerate(sides))
    delta_instance = delta / instances
    samples, layer_widths = [], []
    for i in range(depth):
        entry_eps = float(evaluate("ENTRY_ERROR", epsilon=eps, l=depth, **{"d_{i-1}": widths[i], "d_i": widths[i + 1]}))
        plan = _product_side_plan(
            entry_eps, delta_instance, prune_ratio, lock_ratio, shared=widths[i + 1] > 1
        )
        samples.append(plan["n"])
        layer_widths.append(widths[i] * plan["n"])

    lower, lower_statement = None, "no counting bound is derived for depth > 1 (sec. 5)"
    if depth == 1:
        lower = math.ceil(float(evaluate(
            "COUNTING_WIDTH_DEPTH1", epsilon=eps, **{"d_{i-1}": widths[0], "d_i": widths[1]}
        )) - 1e-12)
        lower_statement = "Proposition 2, any source of this shape, frozen or not"

    calibrated, note = None, ""
    if constant == "calibrated":
        raise InvalidParameterError(
            "constant='calibrated' is available for required_samples (one-layer subset sums); "
            "widths have no calibrated table yet: use constant='proved'"
        )
    try:
        if depth == 1 and widths == (1, 1):
            cal = calibrated_samples(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
            calibrated = int(cal.n)
            note = (f"(one-layer samples n*, upper confidence bound at level {cal.confidence:g}; "
                    "not a width)")
    except InvalidParameterError as err:
        note = f"({err})"

    # Theorem 4's failure bound for one side of one entry, with the product law plugged in
    free_side = sp.Rational(1, 2) * PRODUCT_FREE * PRODUCT_UNIFORM_WEIGHT
    expression = sp.Le(
        THEOREM2_FAILURE.subs({
            alpha: free_side, a: PRODUCT_UNIFORM_HALF_WIDTH, R: 1, lam: PRODUCT_LOCKED / 2,
            b: 1, sigma2: PRODUCT_VARIANCE, rho: RHO_PROVED,
        }),
        sp.Symbol("delta_entry"),
    )
    assumptions = (
        "target: ReLU network of depth l without biases, every layer of spectral norm <= 1, "
        "inputs in the l2 unit ball; error measured as sup of the l2 output error",
        "source: depth 2l, iid U[-1, 1] weights, each weight independently pruned "
        f"(prune_ratio={prune_ratio:g}), locked (lock_ratio={lock_ratio:g}) or free",
        "uniform statement: one draw of the source approximates every target at once",
        "h = d_{i-1} n_side, n_side = smallest n whose Theorem 2 failure bound (the formula) is "
        "<= delta_entry = delta / (entries x sides), at per-entry error "
        "((1 + eps)^(1/l) - 1) / sqrt(d_{i-1} d_i)",
        "locking is covered only when every layer has a single input (Proposition 3)",
    )
    return WidthBound(
        width=max(layer_widths),
        layer_widths=tuple(layer_widths),
        samples_per_block=tuple(samples),
        expression=expression,
        latex=sp.latex(expression),
        statement="docs/theory.md, Theorem 5 (network width), via Theorem 4 (one weight through "
        "two frozen layers)",
        assumptions=assumptions,
        lower_bound=lower,
        lower_bound_statement=lower_statement,
        calibrated=calibrated,
        calibrated_note=note,
        parameters={
            "eps": eps, "delta": delta, "prune_ratio": prune_ratio, "lock_ratio": lock_ratio,
            "depth": depth, "widths": widths, "constant": constant,
        },
    )


def required_width(
    eps, freeze_ratio=None, *, delta=None, prune_ratio=None, lock_ratio=None, depth=1,
    widths=(1, 1), constant="proved",
):
    """Hidden width of each inserted layer that a frozen random source of depth 2 * depth needs
    to contain, with probability >= 1 - delta, an eps-approximation of every target of the
    given shape (docs/theory.md, Theorem 5; Theorem 4 for the default single weight).

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
        The split, instead of (or consistent with) freeze_ratio. Locking is proved only for
        targets whose layers each have one input; other targets raise InvalidParameterError.
    depth : int >= 1
        Depth l of the target. Defaults to 1.
    widths : sequence of depth + 1 ints >= 1
        Layer widths d_0..d_l of the target. Defaults to (1, 1): one weight.
    constant : {"proved"}
        "calibrated" raises InvalidParameterError for widths (no calibrated width table yet).

    Returns
    -------
    int
        The largest hidden width over the target's layers (`width_bound` gives each layer).

    Examples
    --------
    >>> required_width(0.01, 0.5)
    5699
    >>> required_width(0.01, 0.5, prune_ratio=0.5)  # pruning only
    5520
    """
    return width_bound(
        eps, freeze_ratio, delta=delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
        depth=depth, widths=widths, constant=constant,
    ).width
