"""Exact arithmetic for the locked-kink bound (docs/theory.md, Lemma 8): every float is a dyadic
rational, so after one common power-of-two scaling all weights are Python integers and every
sum, product and comparison below is exact."""

from fractions import Fraction

from ..solvers.subset_sum import FreezeState

__all__ = ["margin_squared_exact", "scale_exponent", "to_int"]


def scale_exponent(values):
    """The smallest S >= 0 with x 2^S an integer for every float x in ``values``."""
    s = 0
    for x in values:
        den = Fraction(float(x)).denominator  # a power of two
        s = max(s, den.bit_length() - 1)
    return s


def to_int(x, s):
    """x 2^s as an exact integer (x a float whose denominator divides 2^s)."""
    f = Fraction(float(x)) * (1 << s)
    if f.denominator != 1:
        raise ValueError(f"{x!r} * 2^{s} is not an integer")
    return f.numerator


def margin_squared_exact(source, k, o, inputs):
    """mu^2 of Lemma 8 for the locked-kink triple (neuron k, output o, inputs (j1, j2)), as an
    exact Fraction: v^2 min(a_1^2, a_2^2, min_j det(a, b_j)^2 / ||b_j||^2) over the neurons
    j != k with U[j, j1], U[j, j2] and V[o, j] unpruned and b_j != 0."""
    j1, j2 = inputs
    u, v = source.first[0], source.second[0]
    su, sv = source.first_state[0], source.second_state[0]
    a1, a2 = Fraction(float(u[k, j1])), Fraction(float(u[k, j2]))
    best = min(a1 * a1, a2 * a2)
    for j in range(u.shape[0]):
        if j == k or sv[o, j] == FreezeState.PRUNED or su[j, j1] == FreezeState.PRUNED \
                or su[j, j2] == FreezeState.PRUNED:
            continue
        b1, b2 = Fraction(float(u[j, j1])), Fraction(float(u[j, j2]))
        norm2 = b1 * b1 + b2 * b2
        if norm2:
            det = a1 * b2 - a2 * b1
            best = min(best, det * det / norm2)
    vk = Fraction(float(v[o, k]))
    return vk * vk * best
