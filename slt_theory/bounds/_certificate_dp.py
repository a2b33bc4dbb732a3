"""The certificate's grid and dynamic programme (docs/theory.md, Sections 1.3.2-1.3.4): the
driver around the numba kernel of :mod:`._certificate_kernel`, and the builder of the shipped
table.

Everything that the proof needs rounded is rounded here, in the safe direction, with
``np.nextafter``: the mean bound ``m``, the start ``u_0`` and the tail ratio ``rho`` upwards (the
window's lower end ``lo`` needs no rounding: it is exact, by Sterbenz's lemma). The grid nodes themselves need no rounding
argument: they are whatever doubles they are, and the proof is about the cells between them.
"""

import dataclasses
import itertools
import math

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError

__all__ = ["Grid", "certificate_rows", "certificate_table", "make_grid", "start_cell", "tail_ratio"]


@dataclasses.dataclass(frozen=True)
class Grid:
    """The u-grid of one certificate (docs/theory.md, Section 1.3, Definition C1).

    Cells: cell 0 = [0, eps/2), cell i = [t[i-1], t[i]) for 1 <= i < N, cell N = [t[N-1], t[N]],
    with t[0] = eps/2 and t[N] >= 2 - eps. ``xs[i]`` is the left end of cell i (xs[0] = 0),
    ``lo[i]`` <= max(0, 2 t[i-1] - 2), ``m[i]`` >= g(t[i]) = t[i]/2 + t[i]^2/4 and
    ``first[i]`` is the cell that contains lo[i]. Entries 0 of lo, m, first are unused.
    """

    eps: float
    resolution: float
    t: np.ndarray
    xs: np.ndarray
    lo: np.ndarray
    m: np.ndarray
    first: np.ndarray

    @property
    def cells(self):
        """N: the number of cells at or above the threshold eps/2."""
        return self.t.shape[0] - 1


def _up(x):
    return np.nextafter(x, np.inf)


def make_grid(eps, resolution):
    """Cells of width 1/resolution in s = log(u / (2 - u)) between u = eps/2 and u = 2 - eps.

    The logit s spaces the cells geometrically in u near 0 (where u shrinks by a factor per
    sample) and in c = 2 - u near 2 (where the covered measure c grows by a factor per sample).

    Parameters
    ----------
    eps : float in (0, 1)
        eps / a of Theorem 1.
    resolution : float >= 1
        Cells per unit of s.
    """
    eps = _validate.open_unit("eps", eps)
    resolution = _validate.positive("resolution", resolution)
    if resolution < 1.0:
        raise InvalidParameterError(
            f"resolution must be >= 1 cell per unit of logit, got {resolution!r}")
    t0 = eps / 2.0  # exact (a power-of-two scaling)
    top = _up(2.0 - eps)  # >= 2 - eps exactly, so u_0 = 2 - eps lies in the last cell
    s0 = math.log(t0 / (2.0 - t0))
    s1 = math.log(top / (2.0 - top))
    cells = max(2, math.ceil((s1 - s0) * resolution))
    s = np.linspace(s0, s1, cells + 1)
    t = 2.0 / (1.0 + np.exp(-s))
    t[0], t[-1] = t0, top
    if not np.all(np.diff(t) > 0.0):
        raise InvalidParameterError(
            f"resolution={resolution!r} is too fine for doubles at eps={eps!r} (nodes collide)")
    xs = np.empty(cells + 1)
    xs[0] = 0.0
    xs[1:] = t[:-1]
    lo = np.zeros(cells + 1)
    # 2t - 2 is exact whenever it is > 0: 2t is an exact scaling and, for 2t in [2, 4], the
    # subtraction of 2 is exact (Sterbenz's lemma); so lo = max(0, 2t - 2) with no rounding
    lo[1:] = np.maximum(2.0 * t[:-1] - 2.0, 0.0)
    right = t[1:]
    m = np.zeros(cells + 1)
    # g(t) = t/2 + t^2/4 (the sharp one-step lemma), every operation stepped up: m >= g(t)
    m[1:] = _up(_up(right / 2.0) + _up(_up(right * right) / 4.0))
    first = np.zeros(cells + 1, dtype=np.int64)
    first[1:] = np.searchsorted(xs, lo[1:], side="right") - 1
    return Grid(eps=eps, resolution=resolution, t=t, xs=xs, lo=lo, m=m, first=first)


def _initial_row(grid):
    """V_0 = 1[u >= eps/2]: 0 on cell 0, 1 on every other cell (exactly, Theorem C1 (a))."""
    row = np.ones(grid.cells + 1)
    row[0] = 0.0
    return row


def certificate_rows(grid, steps, *, prune=True):
    """Every row of the certificate: ``rows[k, i]`` bounds the failure probability from any u in
    cell i with k samples to go (docs/theory.md, Section 1.3, Theorem C1).

    ``prune=False`` runs the kernel's full scan instead of its branch and bound (the same floats).

    Returns
    -------
    ndarray, shape (steps + 1, N + 1)
    """
    from ._certificate_kernel import bellman_step  # numba is loaded only when rows are computed

    steps = _validate.integer("steps", steps, minimum=0)
    rows = np.empty((steps + 1, grid.cells + 1))
    rows[0] = _initial_row(grid)
    for k in range(1, steps + 1):
        bellman_step(grid.xs, rows[k - 1], grid.first, grid.lo, grid.m, rows[k], bool(prune))
    return rows


def start_cell(grid, eps_start):
    """Index of a cell that contains or lies above u_0 = 2 - eps_start (for eps_start >= grid.eps).

    Rows are nondecreasing in the cell index, so the value there bounds the value at u_0.
    """
    eps_start = _validate.open_unit("eps_start", eps_start)
    if eps_start < grid.eps:
        raise InvalidParameterError(
            f"eps_start must be >= the grid's eps = {grid.eps!r} (the start must lie in the grid), "
            f"got {eps_start!r}")
    u0 = _up(2.0 - eps_start)  # >= 2 - eps_start exactly
    return int(min(np.searchsorted(grid.t, u0, side="right"), grid.cells))


def tail_ratio(previous, last):
    """rho >= max_i last[i] / previous[i] (Proposition C5); inf when no finite rho works."""
    positive = previous > 0.0
    if np.any(last[~positive] > 0.0):
        return math.inf
    if not np.any(positive):
        return 0.0
    return float(np.max(_up(last[positive] / previous[positive])))


def certificate_table(eps_grid, resolution, steps, starts=1, upper=1.0):
    """The table behind ``window_failure_bound`` (docs/theory.md, Section 1.3, Corollary C6).

    For each threshold eps_j of ``eps_grid`` (strictly decreasing, in (0, 1)) the certificate is
    run for ``steps`` samples on ``make_grid(eps_j, resolution)`` and read at ``starts`` start
    points eps' = eps_j (eps_{j-1} / eps_j)^(l / starts), l = 0..starts-1 (eps_0 = ``upper``): each entry
    bounds the failure probability for every eps >= eps' (threshold eps_j / 2 <= eps / 2, start
    2 - eps' >= 2 - eps).

    Returns
    -------
    dict of ndarray
        ``eps`` (P,): the eps' of every entry, ascending; ``threshold`` (P,): its eps_j;
        ``values`` (P, steps + 1); ``rho`` (P,): the tail ratio of its run (Proposition C5);
        ``cells`` (P,): N of its grid.
    """
    from ._certificate_kernel import bellman_step

    grid_eps = [_validate.open_unit("eps_grid entry", e) for e in eps_grid]
    if any(b >= a for a, b in itertools.pairwise(grid_eps)):
        raise InvalidParameterError(f"eps_grid must be strictly decreasing, got {eps_grid!r}")
    steps = _validate.integer("steps", steps, minimum=1)
    starts = _validate.integer("starts", starts, minimum=1)
    upper = _validate.finite("upper", upper)
    if not grid_eps or upper <= grid_eps[0] or upper > 1.0:
        raise InvalidParameterError(
            f"upper must lie in (eps_grid[0], 1] and eps_grid must not be empty, got {upper!r}")
    bracket_tops = [upper] + grid_eps[:-1]
    entries = []
    for eps, upper in zip(grid_eps, bracket_tops):
        points = [eps] + [eps * (upper / eps) ** (l / starts) for l in range(1, starts)]
        points = [p for p in points if eps <= p < upper]  # rounding must not leave the bracket
        grid = make_grid(eps, resolution)
        cells = [start_cell(grid, p) for p in points]
        values = np.empty((len(points), steps + 1))
        y = _initial_row(grid)
        out = np.empty_like(y)
        values[:, 0] = y[cells]
        previous = None
        for k in range(1, steps + 1):
            bellman_step(grid.xs, y, grid.first, grid.lo, grid.m, out, True)
            # two buffers: after the last step `previous` holds row steps - 1 (it is only ever
            # overwritten by a further step)
            previous, y, out = y, out, y
            values[:, k] = y[cells]
        rho = tail_ratio(previous, y)
        entries += [(p, eps, values[n], rho, grid.cells) for n, p in enumerate(points)]
    entries.sort(key=lambda e: e[0])
    return {
        "eps": np.array([e[0] for e in entries]),
        "threshold": np.array([e[1] for e in entries]),
        "values": np.array([e[2] for e in entries]),
        "rho": np.array([e[3] for e in entries]),
        "cells": np.array([e[4] for e in entries], dtype=np.int64),
    }
