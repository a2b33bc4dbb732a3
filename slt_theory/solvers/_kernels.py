"""Numba kernels of the exact subset-sum coverage solver: the whole jitted call graph in one file,
because numba's on-disk caches go stale when a cached kernel calls into another module.

The algorithm (docs/theory.md, Lemma 1; slt_theory.solvers.reference is the plain twin): with
C_k the union of [s - eps, s + eps] over the subset sums s of the first k values,
C_{k+1} = C_k U (C_k + x_{k+1}). C_k is kept as sorted, disjoint, closed intervals in preallocated
arrays (touching intervals join, because "within eps" means <= eps). After each step the
intervals that the remaining values can no longer move into [lo, hi] are dropped: a point y of
C_k ends in [y + neg_left, y + pos_left], where pos_left / neg_left are the exact suffix sums of
the positive / negative parts of the remaining values (computed once, backwards, so that the last
remainder is exactly 0 rather than the residue of a running subtraction). The scan stops as soon
as one interval contains [lo, hi] (C only grows, so the answer is then known).

Order. The values are processed in ascending |x| (ties by index, a stable sort). The final set
C_m does not depend on the order, but the work does: small values first keep C_k a few long
intervals instead of many fragments (3-8x faster on uniform samples than the given order). The
twin gives the same answers on the same ordering, bit for bit.

Kernels only compute: the public wrappers (slt_theory.solvers.subset_sum, slt_theory.montecarlo) validate,
allocate the work arrays and draw every random number. No fastmath: endpoints are compared with
each other and with eps.

Failure modes: a kernel that needs more intervals than the arrays it was given returns OVERFLOW
(-1) instead of writing past them; the wrappers turn that into InvalidParameterError. Endpoints
are computed as (s - eps) + x, exactly as in the twin, so the two agree bit for bit; compared
with exact real arithmetic an endpoint may be off by a few ulps per value (exact on dyadic input).
"""

import numpy as np
from numba import njit, prange

COVERED = 1
NOT_COVERED = 0
OVERFLOW = -1

# FreezeState values (slt_theory.solvers.subset_sum.FreezeState); kernels see plain int8 codes.
_PRUNED = -1
_FREE = 0
_LOCKED = 1

# Relative slack that only ever *widens* the keep-window, so rounding in the suffix sums can
# never drop an interval that could still matter; keeping a few extra intervals is harmless.
_SLACK = 1e-13

# Trials per parallel work unit of the batched kernel; results do not depend on it.
_MC_BLOCK = 32


@njit(cache=True)
def _suffix_parts(x, m, pos_left, neg_left):
    pos_left[m] = 0.0
    neg_left[m] = 0.0
    for k in range(m - 1, -1, -1):
        v = x[k]
        pos_left[k] = pos_left[k + 1] + (v if v > 0.0 else 0.0)
        neg_left[k] = neg_left[k + 1] + (v if v < 0.0 else 0.0)


@njit(cache=True)
def _bucket(v, top, m):
    """Bucket of |v| among m equal slices of [0, top], in [0, m - 1]. Dividing first keeps the
    ratio <= 1: m / top overflows to inf for subnormal top, and int(inf) is undefined."""
    if top <= 0.0:
        return 0
    b = int((abs(v) / top) * m)
    if b >= m:
        b = m - 1
    if b < 0:
        b = 0
    return b


@njit(cache=True)
def _sort_abs(x, m, out, order):
    """out[:m] = x[:m] in ascending |x|, ties by index; order[:m] = the source indices.

    A counting sort into m buckets of |x| / max|x| (stable, so equal |x| keep index order)
    followed by a stable insertion sort inside the buckets: O(m) on spread-out values, with no
    allocation beyond one bucket array.
    """
    if m == 0:
        return
    top = 0.0
    for i in range(m):
        v = abs(x[i])
        if v > top:
            top = v
    counts = np.zeros(m + 1, np.int64)
    for i in range(m):
        b = _bucket(x[i], top, m)
        counts[b + 1] += 1
    for b in range(m):
        counts[b + 1] += counts[b]
    for i in range(m):
        b = _bucket(x[i], top, m)
        j = counts[b]
        counts[b] += 1
        out[j] = x[i]
        order[j] = i
    # the buckets are in order; finish with a stable insertion sort (short moves only)
    for i in range(1, m):
        v = out[i]
        o = order[i]
        av = abs(v)
        j = i
        while j > 0 and abs(out[j - 1]) > av:
            out[j] = out[j - 1]
            order[j] = order[j - 1]
            j -= 1
        out[j] = v
        order[j] = o


@njit(cache=True)
def _step(src_a, src_b, cnt, x, keep_lo, keep_hi, lo, hi, dst_a, dst_b, cap):
    """dst = (src U (src + x)) restricted to intervals meeting [keep_lo, keep_hi].

    Returns (count, covered) with covered True when one interval contains [lo, hi];
    count is OVERFLOW when more than cap intervals would be needed.
    """
    i = 0
    j = 0
    out = 0
    covered = False
    have = False
    cur_a = 0.0
    cur_b = 0.0
    while i < cnt or j < cnt:
        if j >= cnt or (i < cnt and src_a[i] <= src_a[j] + x):
            a = src_a[i]
            b = src_b[i]
            i += 1
        else:
            a = src_a[j] + x
            b = src_b[j] + x
            j += 1
        if a > keep_hi:
            # starts only grow from here; nothing later can meet the window
            break
        if have and a <= cur_b:
            if b > cur_b:
                cur_b = b
        else:
            if have and cur_b >= keep_lo:
                if out >= cap:
                    return OVERFLOW, False
                dst_a[out] = cur_a
                dst_b[out] = cur_b
                out += 1
                if cur_a <= lo and cur_b >= hi:
                    covered = True
            cur_a = a
            cur_b = b
            have = True
    if have and cur_b >= keep_lo and cur_a <= keep_hi:
        if out >= cap:
            return OVERFLOW, False
        dst_a[out] = cur_a
        dst_b[out] = cur_b
        out += 1
        if cur_a <= lo and cur_b >= hi:
            covered = True
    return out, covered


@njit(cache=True)
def _run(x, m, eps, lo, hi, widen, stop_early, pos_left, neg_left, a0, b0, a1, b1):
    """Scan the first m values. Returns (status, count, buffer) where buffer 0 / 1 says whether
    the final intervals are in (a0, b0) or (a1, b1); widen enlarges the keep-window on both sides
    (the exact-error pass needs every interval within widen of [lo, hi])."""
    cap = a0.shape[0]
    a0[0] = -eps
    b0[0] = eps
    cnt = 1
    if stop_early and -eps <= lo and eps >= hi:
        return COVERED, cnt, 0
    _suffix_parts(x, m, pos_left, neg_left)
    slack = _SLACK * (1.0 + abs(lo) + abs(hi) + eps + widen + pos_left[0] - neg_left[0])
    src = 0
    for k in range(m):
        keep_lo = lo - pos_left[k + 1] - slack - widen
        keep_hi = hi - neg_left[k + 1] + slack + widen
        if src == 0:
            cnt, cov = _step(a0, b0, cnt, x[k], keep_lo, keep_hi, lo, hi, a1, b1, cap)
        else:
            cnt, cov = _step(a1, b1, cnt, x[k], keep_lo, keep_hi, lo, hi, a0, b0, cap)
        src = 1 - src
        if cnt < 0:
            return OVERFLOW, 0, src
        if cov and stop_early:
            return COVERED, cnt, src
        if cnt == 0:
            return NOT_COVERED, 0, src
    # the final check, also when not stopping early
    for i in range(cnt):
        if src == 0:
            if a0[i] <= lo and b0[i] >= hi:
                return COVERED, cnt, src
        else:
            if a1[i] <= lo and b1[i] >= hi:
                return COVERED, cnt, src
    return NOT_COVERED, cnt, src


@njit(cache=True)
def covers_kernel(x, eps, lo, hi, pos_left, neg_left, a0, b0, a1, b1):
    """COVERED / NOT_COVERED / OVERFLOW for the target [lo, hi] (locked sum already subtracted)."""
    m = x.shape[0]
    xs = np.empty(m)
    _sort_abs(x, m, xs, np.empty(m, np.int64))
    status, cnt, buf = _run(xs, m, eps, lo, hi, 0.0, True, pos_left, neg_left, a0, b0, a1, b1)
    return status


@njit(cache=True)
def sup_distance_kernel(x, eps, lo, hi, widen, pos_left, neg_left, a0, b0, a1, b1):
    """sup over z in [lo, hi] of the distance from z to C_m (0 where covered), or -1.0 on overflow.

    Exact whenever the true value is <= widen: every interval within widen of [lo, hi] is kept.
    Returns inf when no interval is left near [lo, hi].
    """
    m = x.shape[0]
    xs = np.empty(m)
    _sort_abs(x, m, xs, np.empty(m, np.int64))
    status, cnt, buf = _run(xs, m, eps, lo, hi, widen, False, pos_left, neg_left,
                            a0, b0, a1, b1)
    if status == OVERFLOW:
        return -1.0
    if status == COVERED:
        return 0.0
    if cnt == 0:
        return np.inf
    if buf == 0:
        a = a0
        b = b0
    else:
        a = a1
        b = b1
    best = 0.0
    # gaps: (-inf, a[0]), (b[i], a[i+1]), (b[cnt-1], inf), each cut to [lo, hi]
    for g in range(cnt + 1):
        g1 = -np.inf if g == 0 else b[g - 1]
        g2 = np.inf if g == cnt else a[g]
        z1 = lo if lo > g1 else g1
        z2 = hi if hi < g2 else g2
        if z1 > z2:
            continue
        if g == 0:
            d = g2 - z1
        elif g == cnt:
            d = z2 - g1
        else:
            mid = 0.5 * (g1 + g2)
            z = mid
            if z < z1:
                z = z1
            if z > z2:
                z = z2
            d1 = z - g1
            d2 = g2 - z
            d = d1 if d1 < d2 else d2
        if d > best:
            best = d
    return best


@njit(cache=True)
def find_subset_kernel(x_in, eps, t, pos_left, neg_left, ha, hb, off, chosen):
    """Forward scan for the single target t keeping every C_k in the history arrays (ha, hb)
    with C_k at [off[k], off[k+1]); then walk back choosing, at each step, the branch (skip x_k
    or take it) whose point lies deepest inside C_{k-1}. chosen[k] = 1 for the taken values.

    Returns 1 when a subset was found, 0 when none exists, OVERFLOW when the history is full.
    """
    m = x_in.shape[0]
    cap = ha.shape[0]
    x = np.empty(m)
    order = np.empty(m, np.int64)
    _sort_abs(x_in, m, x, order)
    for k in range(m):
        chosen[k] = 0
    ha[0] = -eps
    hb[0] = eps
    off[0] = 0
    off[1] = 1
    if -eps <= t and t <= eps:
        return 1
    _suffix_parts(x, m, pos_left, neg_left)
    slack = _SLACK * (1.0 + abs(t) + eps + pos_left[0] - neg_left[0])
    last = -1
    for k in range(m):
        keep_lo = t - pos_left[k + 1] - slack
        keep_hi = t - neg_left[k + 1] + slack
        s0 = off[k]
        s1 = off[k + 1]
        cnt, cov = _step(ha[s0:s1], hb[s0:s1], s1 - s0, x[k], keep_lo, keep_hi, t, t,
                         ha[s1:], hb[s1:], cap - s1)
        if cnt < 0:
            return OVERFLOW
        off[k + 2] = s1 + cnt
        if cov:
            last = k + 1
            break
        if cnt == 0:
            return 0
    if last < 0:
        return 0
    p = t
    for k in range(last, 0, -1):
        # C_k = C_{k-1} U (C_{k-1} + x[k-1]); C_{k-1} is stored at [off[k-1], off[k])
        s0 = off[k - 1]
        s1 = off[k]
        m_skip = _depth(ha, hb, s0, s1, p)
        q = p - x[k - 1]
        m_take = _depth(ha, hb, s0, s1, q)
        if m_take > m_skip:
            chosen[order[k - 1]] = 1
            p = q
    return 1


@njit(cache=True)
def _depth(ha, hb, s0, s1, p):
    """How deep p lies inside the intervals [s0, s1) (negative: distance outside)."""
    # last interval whose start is <= p
    lo_i = s0
    hi_i = s1
    while lo_i < hi_i:
        mid = (lo_i + hi_i) // 2
        if ha[mid] <= p:
            lo_i = mid + 1
        else:
            hi_i = mid
    best = -np.inf
    for i in (lo_i - 1, lo_i):
        if s0 <= i < s1:
            d1 = p - ha[i]
            d2 = hb[i] - p
            d = d1 if d1 < d2 else d2
            if d > best:
                best = d
    return best


@njit(cache=True)
def _mc_trial(vals, state, t, eps, lo, hi, xf, x, order, pos_left, neg_left, a0, b0, a1, b1):
    n = vals.shape[1]
    m = 0
    locked = 0.0
    for i in range(n):
        s = state[t, i]
        if s == _FREE:
            xf[m] = vals[t, i]
            m += 1
        elif s == _LOCKED:
            # sequential sum in index order: the twin sums the same way
            locked += vals[t, i]
    _sort_abs(xf, m, x, order)
    status, cnt, buf = _run(x, m, eps, lo[t] - locked, hi[t] - locked, 0.0, True,
                            pos_left, neg_left, a0, b0, a1, b1)
    return status


@njit(cache=True, parallel=True)
def mc_cover_batch(vals, state, eps, lo, hi, cap, out):
    """out[t] = coverage status of trial t (row t of vals / state, target [lo[t], hi[t]]).

    Parallel over blocks of trials; each trial's result depends only on its own row, so the
    output is the same for any number of threads and any split of the trials.
    """
    trials, n = vals.shape
    nblocks = (trials + _MC_BLOCK - 1) // _MC_BLOCK
    for blk in prange(nblocks):
        xf = np.empty(n)
        x = np.empty(n)
        order = np.empty(n, np.int64)
        pos_left = np.empty(n + 1)
        neg_left = np.empty(n + 1)
        a0 = np.empty(cap)
        b0 = np.empty(cap)
        a1 = np.empty(cap)
        b1 = np.empty(cap)
        stop = min(trials, (blk + 1) * _MC_BLOCK)
        for t in range(blk * _MC_BLOCK, stop):
            out[t] = _mc_trial(vals, state, t, eps, lo, hi, xf, x, order, pos_left, neg_left, a0, b0, a1, b1)
