"""Plain Monte Carlo of the uniform coverage event with the slow twin (slt_theory.solvers.reference).

Used for issue #2's numbers before the numba engine existed, and kept as an independent check of
it: `python benchmarks/plain_coverage_mc.py --eps 0.01 --delta 0.1 --prune 0.5 --lock 0`.
Draws: per trial, n iid U[-1, 1] values and n iid freeze states from numpy's PCG64 seeded with
(seed, trial).
"""

import argparse
import json
import sys
import time

import numpy as np

from slt_theory import bounds
from slt_theory.solvers.reference import covers_reference


def draw(n, prune_ratio, lock_ratio, seed, trial):
    rng = np.random.default_rng([seed, trial])
    values = rng.uniform(-1.0, 1.0, n)
    state = rng.uniform(0.0, 1.0, n)
    locked = state >= 1.0 - lock_ratio
    free = (state >= prune_ratio) & ~locked
    return values[free], float(values[locked].sum())


def coverage_rate(n, eps, prune_ratio, lock_ratio, trials, seed=0):
    hits = 0
    for t in range(trials):
        free, locked_sum = draw(n, prune_ratio, lock_ratio, seed, t)
        hits += covers_reference(free, eps, locked_sum=locked_sum)
    return hits


def smallest_n(eps, delta, prune_ratio, lock_ratio, trials, seed=0):
    """Smallest n whose coverage estimate is >= 1 - delta (scanning n upward)."""
    n = bounds.counting_lower_bound_samples(eps)
    curve = []
    while True:
        hits = coverage_rate(n, eps, prune_ratio, lock_ratio, trials, seed)
        curve.append((n, hits))
        if hits >= (1 - delta) * trials:
            return n, curve
        n += 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eps", type=float, required=True)
    ap.add_argument("--delta", type=float, required=True)
    ap.add_argument("--prune", type=float, default=0.0)
    ap.add_argument("--lock", type=float, default=0.0)
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    start = time.time()
    n_star, curve = smallest_n(args.eps, args.delta, args.prune, args.lock, args.trials, args.seed)
    row = {
        "eps": args.eps, "delta": args.delta, "prune_ratio": args.prune, "lock_ratio": args.lock,
        "trials": args.trials, "statement": "uniform", "empirical_n": n_star,
        "required_samples": bounds.required_samples(args.eps, args.delta, prune_ratio=args.prune, lock_ratio=args.lock),
        "counting_lower_bound": bounds.counting_lower_bound_samples(args.eps),
        "curve": curve, "seconds": round(time.time() - start, 1),
    }
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
