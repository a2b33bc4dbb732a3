"""Numba kernel of the certificate's Bellman step (docs/theory.md, Section 1.3.3): the whole
jitted call graph in one file, because numba's on-disk caches go stale when a cached kernel
calls into another module.

One step maps the row ``y`` (an upper bound on the value function with k - 1 samples to go, one
value per cell of the u-grid) to the row with k samples to go. For every cell i it

1. builds the upper concave hull of the cell's window points and takes the slope beta >= 0 of
   the hull edge above m[i] (a plain float computation that only *chooses* beta: any beta >= 0
   gives a valid certificate, so rounding here can only cost tightness, never validity), and
2. returns ``min(alpha, y[i])`` with alpha an upper bound on
   A(beta) = max_j (y[j] + beta (m[i] - x_ij)) over the window points (x_ij, y[j]).

For a window that starts at u = 0 (cells below u = 1) it also tries the line through the first
point with the largest slope to any other point, rounded up (Lemma C4): O(1) per cell, because
that slope is a running maximum, and optimal whenever m[i] lies on the first hull edge, which is
the common case there. Only the other cells pay the O(window) scan.

alpha is the largest term computed in plain round-to-nearest arithmetic plus an a priori bound on
the rounding error (Lemma C3 of docs/theory.md, Section 1.3): with u = 2^-53, Y = max_j y[j] and
D = max_j |m[i] - x_ij|, every exact term is at most its computed value plus
u Y + 3.0001 u beta D + 2^-1074, which the kernel over-estimates by 2^-50 (Y + beta D) + 2^-1070
computed with every operation stepped one ulp up (``np.nextafter``). The terms themselves need
three flops each; the scan is a branch and bound over index blocks that gives the full scan's
float bit for bit.

Kernels only compute: :mod:`slt_theory.bounds._certificate_dp` builds the grid, validates and
allocates. No fastmath; the error bound holds with or without a fused multiply-add.

Failure modes: the row must be nondecreasing with values in [0, 1] (so that Y = y[i]) and the
abscissae strictly increasing; the driver guarantees both (it takes the running maximum of every
row it produces). Inputs outside that contract give a wrong bound without warning.
"""

import numpy as np
from numba import njit

# Below this many points a block is scanned instead of split.
_LEAF = 16
# 2^-50 >= 3.0001 u with room for the roundings of the error term itself (Lemma C3).
_ERR_REL = 2.0**-50
# Covers the one product that may underflow (absolute error <= 2^-1075) with room to spare.
_ERR_ABS = 2.0**-1070


@njit(cache=True)
def _up(x):
    """The next double above x: an upper bound on the exact result of the operation that gave x."""
    return np.nextafter(x, np.inf)


@njit(cache=True)
def _push(hx, hy, n, px, py):
    """Add (px, py) to the upper hull hx/hy (abscissae strictly increasing); return its size."""
    if n > 0 and hx[n - 1] == px:
        n -= 1  # same abscissa: the later point of a nondecreasing row is not lower
    while n >= 2:
        cross = (hx[n - 1] - hx[n - 2]) * (py - hy[n - 2]) - (hy[n - 1] - hy[n - 2]) * (px - hx[n - 2])
        if cross >= 0.0:
            n -= 1  # hx[n-1] is on or below the chord: not a hull vertex
        else:
            break
    hx[n] = px
    hy[n] = py
    return n + 1


@njit(cache=True)
def _hull_edge(hx, hy, n, m):
    """(r, beta, seed) for the hull edge [hx[r], hx[r+1]] that contains m: its slope (clipped at
    0) and the computed term at its left end; (-1, 0, 0) when m >= hx[n-1]."""
    if m >= hx[n - 1]:
        return -1, 0.0, 0.0
    lo = 0
    hi = n - 1  # invariant: hx[lo] <= m < hx[hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if hx[mid] <= m:
            lo = mid
        else:
            hi = mid
    beta = (hy[hi] - hy[lo]) / (hx[hi] - hx[lo])
    if not beta > 0.0:
        return lo, 0.0, 0.0
    return lo, beta, hy[lo] + beta * (m - hx[lo])


@njit(cache=True)
def _slope_up(y0, x0, y1, x1):
    """An upper bound on the slope (y1 - y0) / (x1 - x0) for y1 >= y0, x1 > x0 (may be +inf)."""
    return _up(_up(y1 - y0) / np.nextafter(x1 - x0, -np.inf))


@njit(cache=True)
def _anchor_value(y0, x0, beta, m):
    """An upper bound on y0 + beta (m - x0) for beta >= 0, m >= x0: the certificate whose line
    passes through the window's first point (Lemma C4)."""
    return _up(y0 + _up(beta * _up(m - x0)))


@njit(cache=True)
def _window_max(xs, y, lo, m, first, last, beta, best, prune, stack):
    """max(best, max_{first <= j <= last} fl(y[j] + beta (m - x_j))), x_j = max(xs[j], lo).

    With ``prune`` the maximum is found by branch and bound over index blocks [a, b]: every
    computed term of the block is at most the computed fl(y[b] + beta (m - x_a)), because the row
    is nondecreasing, the abscissae increase, beta >= 0 and round-to-nearest is monotone. A
    block whose bound does not exceed the best computed term so far cannot change the maximum,
    so skipping it gives the full scan's float bit for bit.
    """
    if not prune:
        for j in range(first, last + 1):
            t = y[j] + beta * (m - max(lo, xs[j]))
            best = max(best, t)
        return best
    top = 1
    stack[0, 0] = first
    stack[0, 1] = last
    while top > 0:
        top -= 1
        a = stack[top, 0]
        b = stack[top, 1]
        if y[b] + beta * (m - max(lo, xs[a])) <= best:
            continue
        if b - a < _LEAF:
            for j in range(a, b + 1):
                t = y[j] + beta * (m - max(lo, xs[j]))
                best = max(best, t)
        else:
            mid = (a + b) // 2
            stack[top, 0] = a
            stack[top, 1] = mid
            stack[top + 1, 0] = mid + 1  # popped first: the larger values
            stack[top + 1, 1] = b
            top += 2
    return best


@njit(cache=True)
def _cell_value(xs, y, lo, m, first, i, beta, start, prune, stack):
    """min(alpha(beta), y[i]): the certificate value of cell i (Lemma C3).

    ``start`` is one computed term (from the hull edge) that seeds the branch and bound.
    """
    top = y[i]  # = max of the window (nondecreasing row); beta = 0 certifies it exactly
    if beta == 0.0:
        return top
    best = _window_max(xs, y, lo, m, first, i, beta, start, prune, stack)
    x0 = max(lo, xs[first])
    span = _up(m - x0)  # >= every |m - x| of the window (m >= x0), however m and xs[i] compare
    span = max(span, _up(xs[i] - m))
    err = _up(_up(_ERR_REL * _up(top + _up(beta * span))) + _ERR_ABS)
    alpha = _up(best + err)
    return min(top, alpha)


@njit(cache=True)
def bellman_step(xs, y, first, lo, m, out, prune):
    """One step of the certificate: ``out[i]`` bounds the value of cell i with one more sample.

    Parameters
    ----------
    xs : float64[N + 1]
        Left end of every cell (xs[0] = 0 for the cell [0, eps/2)), strictly increasing.
    y : float64[N + 1]
        The previous row, nondecreasing, in [0, 1].
    first : int64[N + 1]
        first[i]: the cell that contains lo[i] (the first cell of i's window).
    lo, m : float64[N + 1]
        lo[i] <= the lowest reachable u' from cell i; m[i] >= g(right end of cell i).
    out : float64[N + 1]
        Written: the new row (its running maximum, so nondecreasing again).
    prune : bool
        Branch and bound (True) or the full scan (False): the same floats, bit for bit.
    """
    size = y.shape[0]
    hx = np.empty(size + 1)
    hy = np.empty(size + 1)
    stack = np.empty((128, 2), dtype=np.int64)
    out[0] = y[0]  # cell 0 = [0, eps/2): u never leaves it
    # cells whose window is a prefix [0, right end): one hull, grown point by point, and the
    # largest slope from the first point (0, y[0]), also grown point by point (Lemma C4)
    n = _push(hx, hy, 0, 0.0, y[0])
    slope = 0.0
    i = 1
    while i < size and lo[i] <= 0.0 and first[i] == 0:
        n = _push(hx, hy, n, xs[i], y[i])
        s = _slope_up(y[0], 0.0, y[i], xs[i])
        slope = max(slope, s)
        r, beta, seed = _hull_edge(hx, hy, n, m[i])
        value = y[i]
        if r >= 0:
            anchor = _anchor_value(y[0], 0.0, slope, m[i])
            value = min(value, anchor)
            if r > 0:  # m is not on the first hull edge: the anchored line is not the best one
                general = _cell_value(xs, y, 0.0, m[i], 0, i, beta, seed, prune, stack)
                value = min(value, general)
        out[i] = value
        i += 1
    # the rest: a window [lo[i], right end of cell i), its hull rebuilt per cell
    while i < size:
        n = 0
        for j in range(first[i], i + 1):
            n = _push(hx, hy, n, max(lo[i], xs[j]), y[j])
        r, beta, seed = _hull_edge(hx, hy, n, m[i])
        out[i] = _cell_value(xs, y, lo[i], m[i], first[i], i, beta, seed, prune, stack)
        i += 1
    for i in range(1, size):
        out[i] = max(out[i], out[i - 1])
