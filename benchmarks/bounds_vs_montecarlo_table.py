"""The table of docs/theory.md, Section 6: proved required_samples, counting lower bound and the
Monte Carlo n* (numba engine, uniform statement, iid freezing) at eps in {1e-2, 1e-3},
delta in {0.1, 0.01}, without freezing, with pruning only and with locking.

`python benchmarks/bounds_vs_montecarlo_table.py [--trials 2000]` writes
results/issue2/table.json and prints a markdown table.
"""

import argparse
import json
import pathlib
import time

from slt_theory import bounds
from slt_theory.montecarlo import empirical_required_samples

ROOT = pathlib.Path(__file__).resolve().parents[1]
SETTINGS = [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.3, 0.3)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rows = []
    for eps in (1e-2, 1e-3):
        for delta in (0.1, 0.01):
            for p, l in SETTINGS:
                start = time.time()
                mc = empirical_required_samples(eps, delta, prune_ratio=p, lock_ratio=l,
                                                trials=args.trials, seed=args.seed)
                proved = bounds.required_samples(eps, delta, prune_ratio=p, lock_ratio=l)
                rows.append({
                    "eps": eps, "delta": delta, "prune_ratio": p, "lock_ratio": l,
                    "required_samples": proved,
                    "counting_lower_bound": bounds.counting_lower_bound_samples(eps),
                    "mc_n_estimate": mc.n_estimate, "mc_n_confident": mc.n_confident,
                    "mc_confidence": mc.confidence, "trials": args.trials, "seed": args.seed,
                    "ratio_proved_to_mc": round(proved / mc.n_estimate, 2),
                    "seconds": round(time.time() - start, 1),
                })
    out = ROOT / "results" / "issue2" / "table.json"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, indent=1) + "\n")
    tmp.replace(out)
    print("| eps | delta | prune | lock | proved n | counting lower bound | MC n* (estimate) | MC n* (95% lower bound) | proved / MC |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['eps']:g} | {r['delta']:g} | {r['prune_ratio']:g} | {r['lock_ratio']:g} | "
              f"{r['required_samples']} | {r['counting_lower_bound']} | {r['mc_n_estimate']} | "
              f"{r['mc_n_confident']} | {r['ratio_proved_to_mc']} |")


if __name__ == "__main__":
    main()
