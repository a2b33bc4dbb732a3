"""The proved bounds of docs/theory.md, each written once as a sympy expression.

Numbers come from ``sympy.lambdify`` of these expressions (:func:`evaluate`) and LaTeX from
``sympy.latex``; no formula is typed a second time. Section and statement numbers refer to
docs/theory.md.

Every statement here is *uniform*: one random draw serves every target in the interval at once.

Three functions that sympy cannot hand to numpy by itself are declared here as sympy functions
with a numerical twin each (:data:`NUMERIC_FUNCTIONS`): the entire exponential integral
:class:`Ein`, the hyperbolic sine integral ``Shi`` and the binomial distribution functions
:class:`BinomialCDF`, :class:`BinomialSF`.
"""

import functools

import numpy as np
import sympy as sp
from scipy import special, stats
from sympy.codegen.cfunctions import expm1, log1p

from ..errors import InvalidParameterError

__all__ = [
    'eps', 'delta', 'rho', 'a', 'R', 'n', 'K', 'q', 's', 'c', 'phi', 'kappa', 'prune', 'lock',
    'RHO_PROVED', 'WINDOW_FAILURE', 'LOG_WINDOW_FAILURE', 'WINDOW_SAMPLES', 'COVER_THRESHOLD',
    'C_SYMBOLIC', 'C0_SYMBOLIC', 'C_EPS_SYMBOLIC', 'C_DELTA_SYMBOLIC', 'COVER_FAILURE',
    'COVER_TILTED_Q', 'COVER_TILT_LOG',
    'UNIFORM_SLOT_MGF', 'PRODUCT_FREE_MGF', 'PRODUCT_LOCKED_MGF', 'PRODUCT_SLOT_MGF',
    'CHERNOFF_TAIL', 'PRODUCT_FREE', 'PRODUCT_LOCKED', 'PRODUCT_FREE_SHARED',
    'PRODUCT_LOCKED_SHARED', 'PRODUCT_COVER_WEIGHT', 'PRODUCT_UNIFORM_WEIGHT', 'PRODUCT_VARIANCE',
    'd_in', 'd_out', 'depth_sym', 'LAYER_RELATIVE_ERROR', 'ENTRY_ERROR', 'HOME_FREE',
    'HOME_LOCKED', 'OTHER_FREE', 'OTHER_LOCKED', 'STUCK_NEURON', 'COUNTING_SAMPLES',
    'COUNTING_WIDTH_DEPTH1', 'Ein', 'BinomialCDF', 'BinomialSF', 'NUMERIC_FUNCTIONS', 'evaluate',
]


# ---------------------------------------------------------------------------------------------
# Functions with numerical twins
# ---------------------------------------------------------------------------------------------
class Ein(sp.Function):
    r"""The entire exponential integral :math:`\mathrm{Ein}(x) = \int_0^x (1 - e^{-t})/t\,dt`
    (= EulerGamma + log x + E_1(x) for x > 0). Kept as its own function because the E_1 form
    cancels catastrophically for small x; :func:`_ein_numpy` sums the series there."""

    def fdiff(self, argindex=1):
        x = self.args[0]
        return (1 - sp.exp(-x)) / x

    def _eval_rewrite_as_Ei(self, x, **kwargs):
        return sp.EulerGamma + sp.log(x) - sp.Ei(-x)

    def _eval_is_real(self):
        return self.args[0].is_real


class BinomialCDF(sp.Function):
    """P(Bin(n, q) <= k): arguments (k, n, q)."""

    is_real = True


class BinomialSF(sp.Function):
    """P(Bin(n, q) > k): arguments (k, n, q)."""

    is_real = True


def _ein_numpy(x):
    """Ein(x) for x >= 0 in double precision: the alternating series sum_k (-1)^(k+1) x^k /
    (k k!) below x = 2 (terms decrease, no cancellation of large numbers), EulerGamma + log x +
    E_1(x) above (every term positive and the sum >= 1.1)."""
    x = np.asarray(x, dtype=float)
    small = np.minimum(x, 2.0)
    total = np.zeros_like(small)
    term = np.ones_like(small)
    for j in range(1, 40):  # 2^40 / (40 * 40!) < 1e-37: the series has converged
        term = term * small / j
        total += (-1.0) ** (j + 1) * term / j
    with np.errstate(divide="ignore", invalid="ignore"):
        large = np.euler_gamma + np.log(np.maximum(x, 2.0)) + special.exp1(np.maximum(x, 2.0))
    return np.where(x < 2.0, total, large)


def _shi_numpy(x):
    return special.shichi(x)[0]


def _binomial(k, n_value, q_value, upper):
    """P(Bin(n, q) <= k) (upper=False) or > k: scipy.special.bdtr / bdtrc (C, fast) where they
    are defined (0 <= k < n < 2^31), the exact edges k < 0 and k >= n, scipy.stats beyond."""
    k, n_value = np.broadcast_arrays(np.floor(np.asarray(k, dtype=float)),
                                     np.asarray(n_value, dtype=float))
    out = np.where(k < 0, 0.0, 1.0)  # the CDF at the edges
    inside = (k >= 0) & (k < n_value)
    small = inside & (n_value < 2**31 - 1)
    if small.any():
        out[small] = special.bdtr(k[small].astype(np.int64), n_value[small].astype(np.int64),
                                  q_value)
    large = inside & ~small
    if large.any():
        out[large] = stats.binom.cdf(k[large], n_value[large], q_value)
    if upper:
        out = np.where(inside, 0.0, 1.0 - out)
        if small.any():
            out[small] = special.bdtrc(k[small].astype(np.int64),
                                       n_value[small].astype(np.int64), q_value)
        if large.any():
            out[large] = stats.binom.sf(k[large], n_value[large], q_value)
    return out


def _binomial_cdf(k, n_value, q_value):
    return _binomial(k, n_value, q_value, upper=False)


def _binomial_sf(k, n_value, q_value):
    return _binomial(k, n_value, q_value, upper=True)


#: What lambdify hands to numpy for the functions above (and Shi, which sympy's numpy printer
#: does not know).
NUMERIC_FUNCTIONS = {
    "Ein": _ein_numpy, "Shi": _shi_numpy, "BinomialCDF": _binomial_cdf,
    "BinomialSF": _binomial_sf,
}

# ---------------------------------------------------------------------------------------------
# Symbols (docs/theory.md, "Notation")
# ---------------------------------------------------------------------------------------------
eps, delta, rho, a, R, n, K = sp.symbols("epsilon delta rho a R n K", positive=True)
q, s, c = sp.symbols("q s c", nonnegative=True)
phi, kappa = sp.symbols("phi kappa", nonnegative=True)
prune, lock = sp.symbols("p_prune p_lock", nonnegative=True)

#: The contraction factor proved in Theorem 1 (docs/theory.md, Lemma 2): E[Phi'] <= (3/4) Phi.
RHO_PROVED = sp.Rational(3, 4)

# ---------------------------------------------------------------------------------------------
# Theorem 1 (window coverage): K iid U[-a, a] samples fail to eps-cover [-a, a] with
# probability at most 8 a^2 rho^K / eps^2.
# ---------------------------------------------------------------------------------------------
WINDOW_FAILURE = 8 * a**2 * rho**K / eps**2
#: The same bound as a logarithm (what the code evaluates: eps^2 underflows for eps < 1e-154).
LOG_WINDOW_FAILURE = sp.expand_log(sp.log(WINDOW_FAILURE), force=True)
#: Theorem 1 solved for K at failure delta (before rounding up), written with logarithms.
WINDOW_SAMPLES = (sp.log(8) + 2 * sp.log(a) - 2 * sp.log(eps) - sp.log(delta)) / sp.log(1 / rho)
#: The smallest integer K at which Theorem 1's bound is below 1 (Theorem 2'', the cover term).
COVER_THRESHOLD = sp.floor(WINDOW_SAMPLES.subs(delta, 1)) + 1
#: Corollary 1: n >= C_eps log(1/eps) + C_delta log(1/delta) + C_0, and the form
#: n >= C log(1/min(eps, delta)) + C_0 of Lueker and Pensia et al.
C_EPS_SYMBOLIC = 2 / sp.log(1 / rho)
C_DELTA_SYMBOLIC = 1 / sp.log(1 / rho)
C_SYMBOLIC = 3 / sp.log(1 / rho)
C0_SYMBOLIC = sp.log(8) / sp.log(1 / rho)

# ---------------------------------------------------------------------------------------------
# Theorem 2'' (frozen subset sum): cover block + one Chernoff bound per extension sum
# ---------------------------------------------------------------------------------------------
#: The cover term E[min(1, 8 a^2 rho^M / eps^2)], M ~ Bin(n, q), in closed form (Lemma 8):
#: P(M < K_0) + exp(COVER_TILT_LOG) P(Bin(n, q') >= K_0), with K_0 = COVER_THRESHOLD,
#: q' = COVER_TILTED_Q = q rho / (1 - q (1 - rho)) and
#: COVER_TILT_LOG = log(8 a^2 / eps^2) + n log(1 - q (1 - rho)).
COVER_TILTED_Q = q * rho / (1 - q * (1 - rho))
COVER_TILT_LOG = LOG_WINDOW_FAILURE.subs(K, 0) + n * log1p(-q * (1 - rho))
#: (The exponential is kept unevaluated: sympy would pull 8 a^2 / eps^2 out of it, and eps^2
#: underflows; the code evaluates the product in logarithms, theorem2.cover_failure.)
COVER_FAILURE = BinomialCDF(COVER_THRESHOLD - 1, n, q) + sp.exp(
    sp.UnevaluatedExpr(COVER_TILT_LOG)) * BinomialSF(COVER_THRESHOLD - 1, n, COVER_TILTED_Q)

#: Theorem 3'': E exp(-s H) for one slot of a U[-1, 1] sample that is pruned (p), locked (l) or
#: free; a free sample with |x| <= a is in the cover block, the other free ones extend, and
#: H = x^+ [free, |x| > a] + x [locked] (H^- has the same law).
_free = 1 - prune - lock
UNIFORM_SLOT_MGF = (
    prune + _free * a + lock * sp.sinh(s) / s
    + _free * ((1 - a) / 2 + (expm1(-s * a) - expm1(-s)) / (2 * s))
)

#: Lemma 6: a product term XY (X ~ U[0, 1], Y ~ U[-1, 1]) has density log(1/|t|)/2 >= log(1/a)/2
#: on [-a, a], so with probability c = a log(1/a) it is a uniform sample on [-a, a]; the free
#: terms so marked form the cover block.
PRODUCT_COVER_WEIGHT = a * sp.log(1 / a)
#: The component at a = 1/2 (Pensia et al.'s "(log 2)/4 U[-1/2, 1/2]" before the sign split).
PRODUCT_UNIFORM_WEIGHT = PRODUCT_COVER_WEIGHT.subs(a, sp.Rational(1, 2))
#: E exp(-s H) for a free product term, H = (XY)^+ unless the term is in the cover block (mark
#: probability c; c = 0 when the slot's terms are never marked):
#: c E exp(0) + E exp(-s (XY)^+) - c E exp(-s U^+), U ~ U[-a, a].
PRODUCT_FREE_MGF = (
    c + sp.Rational(1, 2) + Ein(s) / (2 * s) - c * (sp.Rational(1, 2) - expm1(-s * a) / (2 * s * a))
)
#: E exp(-s XY) for a locked product term: E_X sinh(s X) / (s X) = Shi(s) / s.
PRODUCT_LOCKED_MGF = sp.Shi(s) / s
#: One hidden neuron on one side of the sign split: its term is free (phi), forced in (kappa) or
#: out (the rest, H = 0).
PRODUCT_SLOT_MGF = 1 - phi - kappa + phi * PRODUCT_FREE_MGF + kappa * PRODUCT_LOCKED_MGF

#: Cramer-Chernoff (Theorem 2''): P(sum of n iid H < R - a) <= exp(s (R - a)) (E e^{-s H})^n
#: for every s > 0; written for a generic slot MGF symbol.
_mgf = sp.Symbol("M_s", positive=True)
CHERNOFF_TAIL = sp.exp(s * (R - a) + n * sp.log(_mgf))

# Section 3: classification of a product term v relu(u x) on one side of the sign split.
#: probability that a product term is free (neither factor pruned, not both locked).
PRODUCT_FREE = (1 - prune) ** 2 - lock**2
#: probability that a product term is forced in (both factors locked).
PRODUCT_LOCKED = lock**2
#: Theorem 5, shared first layer: when the neuron feeds several outputs, its first-layer weight
#: is kept unless pruned, so for one output the term is free iff the second-layer weight is free.
PRODUCT_FREE_SHARED = (1 - prune) * (1 - prune - lock)
PRODUCT_LOCKED_SHARED = (1 - prune) * lock
#: Var(XY) = E[X^2] E[Y^2] for the product law of Lemma 6.
PRODUCT_VARIANCE = sp.Rational(1, 9)

# Theorem 5: per-layer error budget so that prod_i (1 + eta) - 1 = eps over `depth` layers, and
# the per-entry error of a layer with d_in inputs and d_out outputs.
depth_sym, d_in, d_out = sp.symbols("l d_{i-1} d_i", positive=True, integer=True)
LAYER_RELATIVE_ERROR = (1 + eps) ** (1 / depth_sym) - 1
ENTRY_ERROR = LAYER_RELATIVE_ERROR / sp.sqrt(d_in * d_out)

# Theorem 5(C) (re-assignment): for one instance (output o, input j, one side), a neuron of the
# block of j with no locked incoming weight, or with its only locked incoming weight from j
# ("home"), and a neuron of another block whose only locked incoming weight comes from j
# ("other"); per side, probabilities that its term is free or forced in. The first-layer factor
# (free, locked) is PRODUCT_FREE / PRODUCT_LOCKED (d_i = 1) or the _SHARED pair (d_i >= 2).
_no_other_lock = (1 - lock) ** (d_in - 1)
HOME_FREE = _no_other_lock * phi
HOME_LOCKED = _no_other_lock * kappa
OTHER_FREE = lock * _no_other_lock * (1 - prune - lock) / 2
OTHER_LOCKED = lock * _no_other_lock * lock / 2
#: Proposition 3 (a): a neuron with >= 2 locked incoming weights and >= 1 locked outgoing weight.
STUCK_NEURON = (1 - (1 - lock) ** d_in - d_in * lock * _no_other_lock) * (1 - (1 - lock) ** d_out)

# Counting lower bounds (Proposition 1 and Proposition 2). log2(1 + (2^a - 1)(2^b - 1)) is
# written as a + b + log2(1 - 2^-a - 2^-b + 2^(1-a-b)) so that no power of 2 is formed
# (2^d overflows a float for d > 1023 and is a Python big int inside lambdify).
COUNTING_SAMPLES = sp.log(1 / eps, 2)
_states = d_in + d_out + sp.log(1 - 2**-d_in - 2**-d_out + 2 ** (1 - d_in - d_out), 2)
COUNTING_WIDTH_DEPTH1 = sp.Max(
    sp.log(1 / eps, 2), d_in * d_out * sp.log(1 / (eps * sp.sqrt(d_in * d_out)), 2)
) / _states


@functools.lru_cache(maxsize=None)
def _numeric(expr_name):
    """lambdify once per expression; arguments in sorted symbol-name order."""
    expr = globals()[expr_name]
    symbols = sorted(expr.free_symbols, key=lambda x: x.name)
    return symbols, sp.lambdify(symbols, expr, modules=[NUMERIC_FUNCTIONS, "numpy"])


def evaluate(expr_name, **values):
    """Evaluate the named module-level expression with keyword values keyed by symbol name.

    The name must be one of the sympy expressions in ``__all__`` and every free symbol needs a
    value (else :class:`~slt_theory.errors.InvalidParameterError`, also when a value is so
    extreme that Python's float arithmetic overflows or divides by 0). The values themselves are
    not checked: this is the numeric back end of the checked public functions, and a value that
    numpy cannot compute with raises numpy's own ``TypeError`` or ``ValueError``.

    Examples
    --------
    >>> round(float(evaluate("C_SYMBOLIC", rho=0.75)), 3)
    10.428
    """
    # globals() would also hand out functions and modules (evaluate("os")): expressions only
    if not (isinstance(expr_name, str) and expr_name in __all__
            and isinstance(globals()[expr_name], sp.Expr)):
        raise InvalidParameterError(
            f"expr_name={expr_name!r} is not one of the expressions of slt_theory.bounds "
            "(e.g. 'C_SYMBOLIC', 'WINDOW_SAMPLES')")
    symbols, fn = _numeric(expr_name)
    missing = [x.name for x in symbols if x.name not in values]
    if missing:
        raise InvalidParameterError(f"{expr_name} needs values for {missing}")
    try:
        return fn(*[values[x.name] for x in symbols])
    except (OverflowError, ZeroDivisionError) as err:
        # Python floats raise where numpy would give inf (e.g. epsilon**-1.0 at eps = 5e-324):
        # the values are outside the range of floating point, which is bad input
        raise InvalidParameterError(
            f"{expr_name} is out of floating-point range at {values!r} ({err})") from None

