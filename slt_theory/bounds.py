"""The proved bounds of docs/theory.md, each written once as a sympy expression.

Numbers come from ``sympy.lambdify`` of these expressions and LaTeX from ``sympy.latex``; no formula
is typed a second time. Section and statement numbers refer to docs/theory.md.

Every statement here is *uniform*: one random draw serves every target in the interval at once.
"""

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import _validate
from .calibration import calibrated_samples
from .errors import InvalidParameterError

# ---------------------------------------------------------------------------------------------
# Symbols (docs/theory.md, "Notation")
# ---------------------------------------------------------------------------------------------
eps, delta, rho, a, R, n, K = sp.symbols("epsilon delta rho a R n K", positive=True)
lam, b, sigma2, alpha, D, Lam, k = sp.symbols("lambda b sigma^2 alpha D Lambda k", positive=True)
prune, lock = sp.symbols("p_prune p_lock", nonnegative=True)

#: The contraction factor proved in Theorem 1 (docs/theory.md, Lemma 2): E[Phi'] <= (7/8) Phi.
RHO_PROVED = sp.Rational(7, 8)

# ---------------------------------------------------------------------------------------------
# Theorem 1 (window coverage): K iid U[-a, a] samples fail to eps-cover [-a, a] with
# probability at most 8 a^2 rho^K / eps^2.
# ---------------------------------------------------------------------------------------------
WINDOW_FAILURE = 8 * a**2 * rho**K / eps**2
#: Theorem 1 solved for K at failure delta (before rounding up).
WINDOW_SAMPLES = sp.log(8 * a**2 / (eps**2 * delta)) / sp.log(1 / rho)
#: Corollary 1 (the form n >= C log(1/min(eps, delta)) + C_0 of Lueker and Pensia et al.).
C_SYMBOLIC = 3 / sp.log(1 / rho)
C0_SYMBOLIC = sp.log(8) / sp.log(1 / rho)

# Lemma 4 (Bernstein): the locked offset L satisfies |L| <= T with probability >= 1 - 2 e^{-Lambda}
# ... solved for T with Lambda = log(2 / delta_lock); n terms, each locked with probability lambda,
# |value| <= b, variance <= sigma2.
LOCK_OFFSET = Lam * b / 3 + sp.sqrt((Lam * b / 3) ** 2 + 2 * Lam * n * lam * sigma2)

# Lemma 3 (Hoeffding): K2 iid U[-a, a] values have positive part >= D, and negative part <= -D,
# each with probability >= 1 - e^{-Lambda}, Lambda = log(2 / delta_ext), once K2 >= this.
EXTENSION_SAMPLES = (2 * sp.sqrt(Lam / 2) + 2 * sp.sqrt(Lam / 2 + D / a)) ** 2

# Lemma 5 (Chernoff, relative entropy form): P(Bin(n, alpha) <= k) <= exp(-n KL(k/n || alpha)),
# for k < n alpha.
_q = k / n
FREE_COUNT_FAILURE = sp.exp(
    -n * (_q * sp.log(_q / alpha) + (1 - _q) * sp.log((1 - _q) / (1 - alpha)))
)

# Lemma 4 and Lemma 3 as failure probabilities (the solved forms above invert them; a test checks it).
T_sym, K1, K2 = sp.symbols("T K_1 K_2", positive=True)
LOCK_FAILURE = 2 * sp.exp(-(T_sym**2 / 2) / (n * lam * sigma2 + b * T_sym / 3))
EXTENSION_FAILURE = 2 * sp.exp(-2 * (K * a / 4 - D) ** 2 / (K * a**2))

#: Theorem 2: the failure bound of the whole construction (valid when K1 + K2 - 1 < n alpha and
#: K2 a / 4 >= R - a + T); frozen_samples_plan splits delta evenly over the terms present.
THEOREM2_FAILURE = (
    WINDOW_FAILURE.subs(K, K1)
    + FREE_COUNT_FAILURE.subs(k, K1 + K2 - 1)
    + EXTENSION_FAILURE.subs({K: K2, D: R - a + T_sym})
    + LOCK_FAILURE
)

# Section 3: classification of a product term v relu(u x) on one side of the sign split.
#: probability that a product term is free (neither factor pruned, not both locked).
PRODUCT_FREE = (1 - prune) ** 2 - lock**2
#: probability that a product term is forced in (both factors locked).
PRODUCT_LOCKED = lock**2
#: Theorem 5, shared first layer: when the neuron feeds several outputs, its first-layer weight
#: is kept unless pruned, so for one output the term is free iff the second-layer weight is free.
PRODUCT_FREE_SHARED = (1 - prune) * (1 - prune - lock)
PRODUCT_LOCKED_SHARED = (1 - prune) * lock
#: Lemma 6: Law(XY), X ~ U[0,1], Y ~ U[-1,1], has density log(1/|t|)/2 >= log(2)/2 on
#: [-1/2, 1/2], so it contains the component (log 2 / 2) U[-1/2, 1/2].
PRODUCT_UNIFORM_WEIGHT = sp.log(2) / 2
PRODUCT_UNIFORM_HALF_WIDTH = sp.Rational(1, 2)
#: Var(XY) = E[X^2] E[Y^2] for the product law of Lemma 6.
PRODUCT_VARIANCE = sp.Rational(1, 9)

# Theorem 5: per-layer error budget so that prod_i (1 + eta) - 1 = eps over `depth` layers, and
# the per-entry error of a layer with d_in inputs and d_out outputs.
depth_sym, d_in, d_out = sp.symbols("l d_{i-1} d_i", positive=True, integer=True)
LAYER_RELATIVE_ERROR = (1 + eps) ** (1 / depth_sym) - 1
ENTRY_ERROR = LAYER_RELATIVE_ERROR / sp.sqrt(d_in * d_out)

# Counting lower bounds (Proposition 1 and Proposition 2).
COUNTING_SAMPLES = sp.log(1 / eps, 2)
COUNTING_WIDTH_DEPTH1 = sp.Max(
    sp.log(1 / eps, 2), d_in * d_out * sp.log(1 / (eps * sp.sqrt(d_in * d_out)), 2)
) / sp.log(1 + (2**d_in - 1) * (2**d_out - 1), 2)


@functools.lru_cache(maxsize=None)
def _numeric(expr_name):
    """lambdify once per expression; arguments in sorted symbol-name order."""
    expr = globals()[expr_name]
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    return symbols, sp.lambdify(symbols, expr, modules="numpy")


def evaluate(expr_name, **values):
    """Evaluate the named module-level expression with keyword values keyed by symbol name."""
    symbols, fn = _numeric(expr_name)
    return fn(*[values[s.name] for s in symbols])


def _rho_value(rho_value):
    return float(RHO_PROVED) if rho_value is None else float(rho_value)


def window_samples(eps_value, delta_value, half_width=1.0, rho_value=None):
    """Theorem 1: number of iid U[-a, a] samples that eps-cover [-a, a] w.p. >= 1 - delta."""
    k_real = evaluate(
        "WINDOW_SAMPLES", epsilon=eps_value, delta=delta_value, a=half_width, rho=_rho_value(rho_value)
    )
    return max(0, math.ceil(k_real - 1e-12))


def frozen_samples_plan(
    eps_value, delta_value, *, uniform_prob, half_width, radius, lock_prob, lock_bound,
    lock_variance, rho_value=None, n_max=10**8,
):
    """Theorem 2: the smallest n for which the proof of Theorem 2 bounds the failure by delta.

    Each of n slots is independently: uniform-free with probability ``uniform_prob`` (value
    U[-half_width, half_width]), locked with probability ``lock_prob`` (symmetric value,
    |value| <= lock_bound, variance <= lock_variance), or anything else that the subset may
    leave out. The event: every z in [-radius, radius] is within eps of (locked sum) + (a subset
    sum of free values).

    Returns a dict with n and the proof's parts (K1, K2, T at that n, the failure split).
    """
    events = ["coverage"]
    if uniform_prob < 1.0:
        events.append("free count")
    if lock_prob > 0.0:
        events.append("locked offset")
    if lock_prob > 0.0 or radius > half_width:
        events.append("extension")
    share = delta_value / len(events)
    k1 = window_samples(eps_value, share, half_width, rho_value)
    lam_lock = math.log(2.0 / share)

    start = max(1, int(math.floor((k1 - 1) / uniform_prob)))
    block = 4096
    while start <= n_max:
        ns = np.arange(start, start + block, dtype=float)
        if lock_prob > 0.0:
            offset = evaluate(
                "LOCK_OFFSET", Lambda=lam_lock, b=lock_bound, n=ns, **{"lambda": lock_prob, "sigma^2": lock_variance}
            )
        else:
            offset = np.zeros_like(ns)
        gap = radius - half_width + offset
        k2 = np.where(
            gap > 0,
            np.ceil(evaluate("EXTENSION_SAMPLES", Lambda=lam_lock, D=np.maximum(gap, 1e-300), a=half_width) - 1e-12),
            0.0,
        )
        need = k1 + k2
        if uniform_prob >= 1.0:
            ok = ns >= need
        else:
            kk = need - 1.0
            below_mean = kk < ns * uniform_prob
            with np.errstate(divide="ignore", invalid="ignore"):
                tail = np.where(
                    kk <= 0, np.where(kk < 0, 0.0, (1 - uniform_prob) ** ns),
                    evaluate("FREE_COUNT_FAILURE", n=ns, k=np.maximum(kk, 1e-300), alpha=uniform_prob),
                )
            ok = below_mean & (tail <= share)
        hits = np.flatnonzero(ok)
        if hits.size:
            i = int(hits[0])
            return {
                "n": int(ns[i]), "K1": int(k1), "K2": int(k2[i]), "T": float(offset[i]),
                "events": tuple(events), "delta_share": share,
            }
        start += block
    raise OverflowError(f"no n <= {n_max} satisfies Theorem 2 for these parameters")


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
    (slt_theory.calibration).

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


def latex_table():
    r"""The bound expressions of docs/theory.md as a LaTeX tabular, generated from the sympy
    expressions above (paper_figures/bounds_table.py writes it to a file).

    >>> print(latex_table().splitlines()[0])
    \begin{tabular}{lll}
    """
    entries = [
        ("Theorem 1", "failure of $K$ uniform samples", WINDOW_FAILURE),
        ("Theorem 1", "samples for failure $\\delta$", WINDOW_SAMPLES),
        ("Corollary 1", "$C$ in $C\\log(1/\\min(\\varepsilon,\\delta)) + C_0$", C_SYMBOLIC),
        ("Lemma 3'", "extension samples", EXTENSION_SAMPLES),
        ("Lemma 4", "locked offset $T$", LOCK_OFFSET),
        ("Lemma 5", "free-count tail", FREE_COUNT_FAILURE),
        ("Prop. 4", "free product term", PRODUCT_FREE),
        ("Lemma 7", "per-entry error", ENTRY_ERROR),
        ("Prop. 1", "counting lower bound", COUNTING_SAMPLES),
    ]
    lines = ["\\begin{tabular}{lll}", "statement & quantity & expression \\\\", "\\hline"]
    lines += [f"{where} & {what} & ${sp.latex(expr)}$ \\\\" for where, what, expr in entries]
    return "\n".join(lines + ["\\end{tabular}", ""])
