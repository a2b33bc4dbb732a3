"""Compute the data of fig_mc_vs_bounds.py: the Monte Carlo n*(eps) with confidence limits.

    python paper_figures/compute_mc_vs_bounds.py     # about 2 minutes on 2 cores

For each freeze setting and eps, n runs upward from ceil(log2(1/eps)) (TRIALS trials per n, one
seed for every n) and records, for delta = DELTA:
n_low  = smallest n whose one-sided 95% Clopper-Pearson *upper* bound reaches 1 - delta
         (below it, coverage < 1 - delta is established),
n_est  = smallest n whose estimate reaches 1 - delta,
n_high = smallest n whose one-sided 95% *lower* bound reaches 1 - delta.
Writes paper_figures/data/mc_vs_bounds.csv and a .meta.json sidecar (version, commit, seed).
Plotting is a separate process (fig_mc_vs_bounds.py).
"""

import csv
import datetime
import json
import math
import os
import time

from slt_theory import __version__
from slt_theory.montecarlo import (
    coverage_probability,
    lower_confidence_bound,
    upper_confidence_bound,
)
from slt_theory.runs.provenance import git_commit

SETTINGS = [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.0, 0.3), (0.7, 0.0)]
EPS = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]
DELTA = 0.05
TRIALS = 2000
SEED = 7
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mc_vs_bounds.csv")


def scan(eps, p, l):
    n = max(1, math.ceil(math.log2(1 / eps)))
    found = {}
    while "high" not in found:
        r = coverage_probability(n, eps, prune_ratio=p, lock_ratio=l, trials=TRIALS, seed=SEED)
        if "low" not in found and upper_confidence_bound(r.successes, TRIALS) >= 1 - DELTA:
            found["low"] = n
        if "est" not in found and r.estimate >= 1 - DELTA:
            found["est"] = n
        if lower_confidence_bound(r.successes, TRIALS) >= 1 - DELTA:
            found["high"] = n
        n += 1
    return found


def main():
    t0 = time.time()
    rows = []
    for p, l in SETTINGS:
        for eps in EPS:
            f = scan(eps, p, l)
            rows.append([p, l, eps, DELTA, f["low"], f["est"], f["high"], TRIALS, SEED])
            print(rows[-1], flush=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["prune_ratio", "lock_ratio", "eps", "delta", "n_low", "n_estimate", "n_high",
                    "trials", "seed"])
        w.writerows(rows)
    os.replace(tmp, OUT)
    meta = {"script": "paper_figures/compute_mc_vs_bounds.py", "version": __version__,
            "git_commit": git_commit(), "seed": SEED, "trials": TRIALS, "delta": DELTA,
            "statement": "uniform", "freezing": "iid", "distribution": "uniform",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "seconds": round(time.time() - t0, 1)}
    with open(OUT + ".meta.json.tmp", "w") as fh:
        json.dump(meta, fh, indent=2)
    os.replace(OUT + ".meta.json.tmp", OUT + ".meta.json")


if __name__ == "__main__":
    main()
