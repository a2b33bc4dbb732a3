"""The plain twin of the certificate's Bellman step: the relaxed operator of docs/theory.md, Section 1.3
(Definition C2) in exact rational arithmetic, by brute force over pairs of window points.

Nothing here is rounded: the grid nodes are read as the exact rationals that the doubles are,
the window's lower end max(0, 2 t[i-1] - 2) and the mean bound g(t[i]) = t[i]/2 + t[i]^2/4 are
computed exactly, and the value of cell i is the upper concave envelope of its window points at
g(t[i]), written out as the largest value that a law with at most two atoms can reach:

    max( max_{x_p <= m} y_p,  max_{x_p <= m < x_q} (y_p (x_q - m) + y_q (m - x_p)) / (x_q - x_p) ).

It is O(window^2) per cell and meant for grids of a few dozen cells: the tests hold the numba
kernel to it (the kernel's value is never below it, and above it by rounding only).
"""

from fractions import Fraction

__all__ = ["exact_rows", "exact_step"]


def _window(grid, i):
    """The window points (abscissa, cell) of cell i: every cell that meets [L_i, right end)."""
    t = [Fraction(float(v)) for v in grid.t]
    xs = [Fraction(float(v)) for v in grid.xs]
    low = max(Fraction(0), 2 * t[i - 1] - 2)
    points = []
    for j in range(i + 1):
        right = xs[j + 1] if j + 1 < len(xs) else t[-1]
        if right > low or j == i:
            points.append((max(low, xs[j]), j))
    return points, t[i] / 2 + t[i] * t[i] / 4


def exact_step(grid, row):
    """The relaxed Bellman operator applied to ``row`` (exact rationals in, exact rationals out).

    Parameters
    ----------
    grid : slt_theory.bounds._certificate_dp.Grid
    row : sequence of numbers (floats or Fractions), one per cell, nondecreasing

    Returns
    -------
    list of Fraction
        The new row after the running maximum (as the kernel does); entry 0 is row[0].
    """
    row = [Fraction(v) for v in row]
    out = [row[0]]
    for i in range(1, grid.cells + 1):
        points, m = _window(grid, i)
        best = max(row[j] for x, j in points if x <= m) if any(x <= m for x, _ in points) else None
        for xp, p in points:
            if xp > m:
                continue
            for xq, q in points:
                if xq <= m:
                    continue
                value = (row[p] * (xq - m) + row[q] * (m - xp)) / (xq - xp)
                if best is None or value > best:
                    best = value
        out.append(max(best, out[-1]))
    return out


def exact_rows(grid, steps):
    """Rows 0..steps of the relaxed dynamic programme in exact arithmetic, from V_0 = 1[u >= eps/2]."""
    rows = [[Fraction(0)] + [Fraction(1)] * grid.cells]
    for _ in range(steps):
        rows.append(exact_step(grid, rows[-1]))
    return rows
