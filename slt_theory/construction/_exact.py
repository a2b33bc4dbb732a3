"""Exact arithmetic for the locked-kink bound (docs/theory.md, Theorem 6 (a)): every float is a
dyadic rational, so after one common power-of-two scaling all weights are Python integers and
every sum, product and comparison below is exact."""

from fractions import Fraction

import numpy as np

from ..solvers.subset_sum import FreezeState

__all__ = ["margin_exceeds", "margin_squared_exact", "scale_exponent", "to_int"]


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
    """mu^2 of Theorem 6 (a) for the locked-kink triple (neuron k, output o, inputs (j1, j2)), as an
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


def _exceeds_exactly(a1, a2, vk, threshold, pairs):
    """mu > threshold in integers: a1, a2, vk, threshold floats, pairs a list of (b1, b2) floats.

    Every float x is n / 2^e exactly (``float.as_integer_ratio``); with one common scale 2^S all
    values are integers A, B, V, T, and mu > T / 2^S reads V^2 A_i^2 > T^2 2^(2S) (i = 1, 2) and
    V^2 D_j^2 > T^2 N_j 2^(2S) for every pair, D_j = A_1 B_j2 - A_2 B_j1, N_j = B_j1^2 + B_j2^2
    (the 2^S factors of mu^2 = v^2 det^2 / ||b||^2 collected)."""
    floats = [a1, a2, vk, threshold] + [x for pair in pairs for x in pair]
    s = max(x.as_integer_ratio()[1].bit_length() - 1 for x in floats)
    ints = []
    for x in floats:
        num, den = x.as_integer_ratio()
        ints.append(num << (s - (den.bit_length() - 1)))
    ia1, ia2, iv, it = ints[:4]
    rhs = it * it << (2 * s)  # T^2 2^(2S)
    v2 = iv * iv
    if v2 * ia1 * ia1 <= rhs or v2 * ia2 * ia2 <= rhs:
        return False
    for i in range(len(pairs)):
        b1, b2 = ints[4 + 2 * i], ints[5 + 2 * i]
        d = ia1 * b2 - ia2 * b1
        if v2 * d * d <= rhs * (b1 * b1 + b2 * b2):
            return False
    return True


#: Unit roundoff of float64 and an absolute slack for results near the subnormal range.
_U = 2.0 ** -53
_TINY = 2.0 ** -1000


def margin_exceeds(source, k, o, inputs, threshold):
    """Whether the margin mu of the triple (k, o, (j1, j2)) exceeds ``threshold`` >= 0, decided
    exactly (the fast form of ``margin_squared_exact(...) > threshold^2``).

    A float filter decides each candidate line first: |v| |det(a, b_j)| against
    threshold ||b_j||, each computed in float64 with a rounding error below the stated bound
    (a few units of roundoff of the terms that make it up, plus an absolute slack for the
    subnormal range); candidates the filter cannot separate, and every candidate when a value is
    not finite, go to the exact integer test.
    """
    j1, j2 = inputs
    u, v = source.first[0], source.second[0]
    su, sv = source.first_state[0], source.second_state[0]
    h = u.shape[0]
    b1, b2 = u[:, j1], u[:, j2]
    cand = ((np.arange(h) != k) & (sv[o] != FreezeState.PRUNED) & (su[:, j1] != FreezeState.PRUNED)
            & (su[:, j2] != FreezeState.PRUNED) & ((b1 != 0.0) | (b2 != 0.0)))
    b1, b2 = b1[cand], b2[cand]
    a1, a2, vk, t = float(u[k, j1]), float(u[k, j2]), float(v[o, k]), float(threshold)
    with np.errstate(all="ignore"):
        p1, p2 = a1 * b2, a2 * b1
        lhs = abs(vk) * np.abs(p1 - p2)
        rhs = t * np.sqrt(b1 * b1 + b2 * b2)
        err_l = abs(vk) * 4 * _U * (np.abs(p1) + np.abs(p2)) + 4 * _U * lhs + _TINY
        err_r = 8 * _U * rhs + _TINY
        sure_false = lhs + err_l < rhs - err_r
        sure_true = lhs - err_l > rhs + err_r
        finite = bool(np.all(np.isfinite(err_l)) and np.all(np.isfinite(err_r)))
    if finite and sure_false.any():
        return False
    unsure = np.arange(len(b1)) if not finite else np.flatnonzero(~sure_true)
    pairs = [(float(b1[i]), float(b2[i])) for i in unsure]
    return _exceeds_exactly(a1, a2, vk, t, pairs)
