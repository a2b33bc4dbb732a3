"""The certified window bound (docs/theory.md, Section 1.3, Corollary C6): a computer-assisted upper
bound on the probability that K iid U[-a, a] samples fail to eps-cover [-a, a], sharper than the
closed form of Theorem 1 and proved from the same one-step facts.

The numbers come from a dynamic programme over the uncovered measure u of Theorem 1's proof,
run on a grid with every rounding in the safe direction (docs/theory.md, Section 1.3, Theorem C1 and
Lemmas C3-C4), tabulated once by ``benchmarks/make_certificate.py`` and shipped as
``slt_theory/bounds/data/certificate.npz`` (with ``certificate.json``: the grid, the command, the
version and commit that made it). A call is a table lookup:

- each table entry p holds bounds v_p[K], K = 0..K_max, valid for every eps >= eps_p, and a tail
  ratio rho_p with v_p[K_max + j] <= rho_p^j v_p[K_max] (Proposition C5);
- the bound at (K, eps) is the smallest of: every entry with eps_p <= eps (its running minimum in
  K, or its tail beyond K_max) and the closed form 8 (3/4)^K / eps^2 of Theorem 1 with the sharp
  Lemma 2. Each is a valid bound, so their minimum is; it is nonincreasing in K and in eps by
  construction, because the failure probability itself is (more samples, or a larger eps, can
  only help).

Nothing here imports numba: the kernel runs only when a table is computed
(:func:`slt_theory.bounds._certificate_dp.certificate_table`).
"""

import dataclasses
import functools
import json
import math
import numbers
import os

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError
from .expressions import RHO_PROVED

__all__ = [
    "RHO_SHARP", "CertificateTable", "certificate_table_info", "window_failure_bound",
    "window_samples_certified",
]

_DIR = os.path.join(os.path.dirname(__file__), "data")
_NPZ = os.path.join(_DIR, "certificate.npz")
_JSON = os.path.join(_DIR, "certificate.json")

#: The contraction of Theorem 1 with the sharp one-step lemma (E|D'| - |D| >= c u / 4): the closed
#: form 8 (3/4)^K / eps^2 that the certificate never exceeds (the same rho as the proved constant).
RHO_SHARP = RHO_PROVED

# Below this, the bounds (doubles, rounded upwards) could stop short of delta: a search for K
# would not end.
_DELTA_MIN = 1e-300


@dataclasses.dataclass(frozen=True)
class CertificateTable:
    """The shipped table, read-only (docs/theory.md, Section 1.3, Corollary C6).

    Attributes
    ----------
    eps : ndarray (P,)
        eps_p of every entry, ascending; entry p is valid for every eps >= eps_p.
    values : ndarray (P, K_max + 1)
        v_p[K] as computed (before any running minimum).
    rho : ndarray (P,)
        Tail ratios (Proposition C5); inf where no tail is certified.
    """

    eps: np.ndarray
    values: np.ndarray
    rho: np.ndarray

    @property
    def k_max(self):
        return self.values.shape[1] - 1

    @functools.cached_property
    def running(self):
        """Running minimum over K of each entry (P(fail) is nonincreasing in K)."""
        return np.minimum.accumulate(self.values, axis=1)

    @functools.cached_property
    def prefix(self):
        """prefix[p, K] = min over entries p' <= p of running[p', K]."""
        return np.minimum.accumulate(self.running, axis=0)


def _check_table(eps, values, rho):
    """Structural checks on the shipped arrays: a damaged file must not give silent numbers."""
    ok = (eps.ndim == 1 and values.ndim == 2 and rho.shape == eps.shape
          and values.shape[0] == eps.shape[0] and values.shape[1] >= 2
          and np.all(np.diff(eps) > 0) and np.all((eps > 0) & (eps < 1))
          and np.all((values >= 0) & (values <= 1)) and np.all(values[:, 0] == 1.0)
          and np.all(rho >= 0) and not np.any(np.isnan(rho)))
    if not ok:
        raise RuntimeError(f"{_NPZ} is damaged: regenerate it with benchmarks/make_certificate.py")


@functools.lru_cache(maxsize=1)
def _table():
    with np.load(_NPZ, allow_pickle=False) as z:
        eps, values, rho = (np.array(z[k], dtype=float) for k in ("eps", "values", "rho"))
    _check_table(eps, values, rho)
    return CertificateTable(eps=eps, values=values, rho=rho)


def certificate_table_info():
    """The shipped table's arrays and its provenance (grid, command, version, commit).

    Examples
    --------
    >>> table, meta = certificate_table_info()
    >>> meta["script"], table.values.shape[0] == table.eps.shape[0]
    ('benchmarks/make_certificate.py', True)
    """
    with open(_JSON) as f:
        meta = json.load(f)
    return _table(), meta


def _pow_up(base, exponent):
    """Upper bounds on base ** exponent (base >= 0, integer exponent >= 0), elementwise.

    Binary powering with every product stepped one ulp up: each intermediate is >= the exact
    power it stands for, so the result is too (numpy's ** is not guaranteed to round upwards).
    """
    base, exponent = np.broadcast_arrays(np.asarray(base, float), np.asarray(exponent, np.int64))
    result = np.ones(base.shape)
    base = base.copy()
    exponent = exponent.copy()
    while np.any(exponent > 0):
        odd = (exponent & 1) == 1
        result = np.where(odd, np.nextafter(result * base, np.inf), result)
        exponent >>= 1
        base = np.where(exponent > 0, np.nextafter(base * base, np.inf), base)
    return result


def _closed_form(ks, eps):
    """Theorem 1 with the sharp Lemma 2, 8 (3/4)^K / eps^2 (a = 1; ``bounds.WINDOW_FAILURE`` at
    rho = 3/4), rounded upwards and capped at 1.

    Plain floats would be wrong twice: 0.75 ** K underflows to a false 0 for K > 2590, and
    eps ** 2 underflows for eps < 1e-162. So the power is kept as mantissa * 2^exponent
    (mantissas in [1/2, 1), every product stepped one ulp up, frexp and the exponents exact),
    the mantissas are combined with upward steps, and only the final ldexp may leave the normal
    range (stepped up once more, so an underflow gives the smallest subnormal, never 0).
    """

    def up(x):
        return np.nextafter(x, np.inf)

    mant = np.ones(ks.shape)
    expo = np.zeros(ks.shape, dtype=np.int64)
    bm, be = np.frexp(float(RHO_SHARP))
    bm, be = np.full(ks.shape, bm), np.full(ks.shape, int(be), dtype=np.int64)
    rest = ks.astype(np.int64).copy()
    while np.any(rest > 0):
        odd = (rest & 1) == 1
        m, d = np.frexp(up(mant * bm))
        mant, expo = np.where(odd, m, mant), np.where(odd, expo + be + d, expo)
        rest >>= 1
        m, d = np.frexp(up(bm * bm))
        bm, be = np.where(rest > 0, m, bm), np.where(rest > 0, 2 * be + d, be)
    em, ee = np.frexp(eps)
    mant = up(up(up(8.0 * mant) / em) / em)  # in [2, 32]: no overflow, no underflow
    with np.errstate(over="ignore", under="ignore"):
        value = up(np.ldexp(mant, expo - 2 * int(ee)))
    return np.minimum(value, 1.0)


def _table_bound(ks, eps):
    """min over the entries valid at eps of their bound at each K (inf where none is valid)."""
    table = _table()
    valid = int(np.searchsorted(table.eps, eps, side="right"))  # entries with eps_p <= eps
    out = np.full(ks.shape, np.inf)
    if valid == 0:
        return out
    values = table.values[:valid]
    running = table.running[:valid]
    inside = ks <= table.k_max
    if np.any(inside):
        out[inside] = table.prefix[valid - 1, ks[inside]]
    outside = ~inside
    if np.any(outside):
        # Proposition C5's tail v_p[K_max] rho_p^j of every entry is a valid bound; the smallest
        # is found in floating point (lines in j, in the log domain) and only that entry's tail is
        # computed with upward rounding, so a near-tie misjudged by rounding costs a few ulps,
        # never validity (and the (entries x K) upward powers are not formed)
        extra = ks[outside] - table.k_max
        finite = np.isfinite(table.rho[:valid])
        floor = running[:, -1].min()  # an entry's running minimum holds beyond K_max too
        out[outside] = floor
        if np.any(finite):
            idx = np.flatnonzero(finite)
            with np.errstate(divide="ignore"):
                logs = (np.log(values[idx, -1])[:, None]
                        + np.log(table.rho[idx])[:, None] * extra[None, :])
            best = idx[np.argmin(logs, axis=0)]
            tail = np.nextafter(values[best, -1] * _pow_up(table.rho[best], extra), np.inf)
            out[outside] = np.minimum(tail, floor)
    return out


#: The largest K accepted: every integer up to it is exact in a float and fits int64 (at such K
#: the bound is the smallest positive float, 5e-324, there).
MAX_K = 2**53


def _as_samples(K):
    """K as an int64 array of integers in [0, MAX_K] (InvalidParameterError otherwise)."""
    if isinstance(K, (numbers.Integral, numbers.Real)) and not isinstance(K, bool):
        return np.array([_validate.integer("K", K, minimum=0, maximum=MAX_K)],
                        dtype=np.int64), True
    try:
        arr = np.asarray(K)
    except ValueError:  # a ragged list
        raise InvalidParameterError(f"K must be an integer or an array of integers >= 0, got {K!r}") from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                 or np.issubdtype(arr.dtype, np.floating)):
        raise InvalidParameterError(f"K must be an integer or an array of integers >= 0, got {K!r}")
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr))
                     or np.any(arr < 0) or np.any(arr > MAX_K)):
        raise InvalidParameterError(f"K must hold integers in [0, 2**53] only, got {K!r}")
    return arr.astype(np.int64), False


def window_failure_bound(K, eps_over_a):
    """Certified upper bound on P(K iid U[-a, a] samples do not eps-cover [-a, a]).

    The smallest of the shipped certificate's entries valid at eps / a and the closed form
    8 (3/4)^K a^2 / eps^2 (docs/theory.md, Section 1.3, Corollary C6); 0 when eps >= a (the empty sum
    already covers). Nonincreasing in K and in eps_over_a by construction. Below the table's
    smallest eps / a (``certificate_table_info()[0].eps[0]``) only the closed form is left.

    Parameters
    ----------
    K : int or array_like of int in [0, 2**53]
        Numbers of samples; the result has K's shape.
    eps_over_a : float > 0
        eps / a (the statement is scale-free).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> float(window_failure_bound(0, 0.01))
    1.0
    >>> window_failure_bound([40, 60], 0.01) <= 8 * 0.75 ** np.array([40, 60]) / 0.01 ** 2
    array([ True,  True])
    """
    ks, scalar = _as_samples(K)
    eps = _validate.positive("eps_over_a", eps_over_a)
    if eps >= 1.0:
        out = np.zeros(ks.shape)
    else:
        out = np.minimum(_table_bound(ks.ravel(), eps), _closed_form(ks.ravel(), eps))
        out = out.reshape(ks.shape)
    return float(out.reshape(-1)[0]) if scalar else out


def window_samples_certified(eps_over_a, delta):
    """Smallest K with ``window_failure_bound(K, eps_over_a) <= delta``.

    Parameters
    ----------
    eps_over_a : float > 0
    delta : float in [1e-300, 1)

    Returns
    -------
    int

    Examples
    --------
    >>> k = window_samples_certified(0.01, 0.01)
    >>> window_failure_bound(k, 0.01) <= 0.01 < window_failure_bound(k - 1, 0.01)
    True
    """
    eps = _validate.positive("eps_over_a", eps_over_a)
    delta = _validate.open_unit("delta", delta)
    if delta < _DELTA_MIN:
        raise InvalidParameterError(
            f"delta must be >= {_DELTA_MIN!r} (smaller failure probabilities are not resolved in "
            f"double precision), got {delta!r}")
    if eps >= 1.0:
        return 0
    k_max = _table().k_max
    ks = np.arange(k_max + 1, dtype=np.int64)
    hits = np.flatnonzero(window_failure_bound(ks, eps) <= delta)
    if hits.size:
        return int(hits[0])
    # beyond the table: every candidate below solves one decreasing term for delta; the
    # smallest is a guess that the monotone search then corrects by whole steps
    closed = (math.log(8.0) - 2.0 * math.log(eps) - math.log(delta)) / math.log(1 / float(RHO_SHARP))
    guesses = [math.ceil(closed)]
    table = _table()
    valid = int(np.searchsorted(table.eps, eps, side="right"))
    for v, r in zip(table.values[:valid, -1], table.rho[:valid]):
        if 0.0 < r < 1.0 and v > 0.0:
            guesses.append(k_max + math.ceil(math.log(delta / v) / math.log(r)))
    k = max(k_max + 1, min(guesses))
    while window_failure_bound(k, eps) > delta:
        k += 1
    while k - 1 > k_max and window_failure_bound(k - 1, eps) <= delta:
        k -= 1
    return k
