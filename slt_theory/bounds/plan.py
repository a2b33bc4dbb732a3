"""Theorem 2 of docs/theory.md turned into a number: the smallest n whose proof conditions
hold (`frozen_samples_plan`), and Theorem 1 solved for the samples of one window."""

import math

import numpy as np

from .expressions import RHO_PROVED, evaluate


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
