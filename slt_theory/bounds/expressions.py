"""The proved bounds of docs/theory.md, each written once as a sympy expression.

Numbers come from ``sympy.lambdify`` of these expressions (:func:`evaluate`) and LaTeX from
``sympy.latex``; no formula is typed a second time. Section and statement numbers refer to
docs/theory.md.

Every statement here is *uniform*: one random draw serves every target in the interval at once.
"""

import functools

import sympy as sp

__all__ = [
    'eps', 'delta', 'rho', 'a', 'R', 'n', 'K', 'lam', 'b', 'sigma2', 'alpha', 'D', 'Lam', 'k',
    'prune', 'lock', 'RHO_PROVED', 'WINDOW_FAILURE', 'WINDOW_SAMPLES', 'C_SYMBOLIC',
    'C0_SYMBOLIC', 'LOCK_OFFSET', 'EXTENSION_SAMPLES', 'FREE_COUNT_FAILURE', 'T_sym', 'K1',
    'K2', 'LOCK_FAILURE', 'EXTENSION_FAILURE', 'THEOREM2_FAILURE', 'PRODUCT_FREE',
    'PRODUCT_LOCKED', 'PRODUCT_FREE_SHARED', 'PRODUCT_LOCKED_SHARED', 'PRODUCT_UNIFORM_WEIGHT',
    'PRODUCT_UNIFORM_HALF_WIDTH', 'PRODUCT_VARIANCE', 'depth_sym', 'd_in', 'd_out',
    'LAYER_RELATIVE_ERROR', 'ENTRY_ERROR', 'COUNTING_SAMPLES', 'COUNTING_WIDTH_DEPTH1',
    'evaluate',
]

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
