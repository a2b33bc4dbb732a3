"""The looseness table of docs/theory.md, Section 6: the proved, certified and calibrated
required_samples, the Monte Carlo n* and the counting lower bound, at eps in {1e-1, 1e-2, 1e-3},
delta in {0.1, 0.01}, for six freeze settings.

    python benchmarks/bounds_vs_montecarlo_table.py [--trials 4000] [--recompute]

The Monte Carlo part (numba engine of slt_theory.montecarlo, uniform statement, iid freezing,
U[-1, 1] samples, common random numbers along n, seed 0) is stored in
results/bounds_table/montecarlo.json and reused on the next run unless --recompute: per
(eps, setting) one coverage curve serves both deltas. For each delta:
n* is the smallest n whose coverage estimate is >= 1 - delta and n*_95 the smallest n whose
one-sided 95% Clopper-Pearson lower bound is >= 1 - delta. Both are found by doubling n until the
lower bound passes 1 - 0.01, bisection (coverage is close to monotone in n under common random
numbers), then a downward scan of the SCAN values below the bisection's answer, so that a
non-monotone dip just below it is not missed; every n evaluated is stored with its counts.

The bound columns are recomputed on every run from the code at hand: ``required_samples(...,
constant=c)`` for c in proved / certified / calibrated, "n/a" where it raises
InvalidParameterError. Writes results/bounds_table/table.json and table.md.
"""

import argparse
import datetime
import json
import pathlib
import time

from slt_theory import __version__, bounds
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import coverage_probability, lower_confidence_bound
from slt_theory.runs.provenance import git_commit, write_text_atomic

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "bounds_table"
EPS = (1e-1, 1e-2, 1e-3)
DELTAS = (0.1, 0.01)
SETTINGS = [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.0, 0.5), (0.35, 0.35), (0.2, 0.5)]
CONSTANTS = ("proved", "certified", "calibrated")
SCAN = 8
SEED = 0


def _curve_point(n, eps, p, lam, trials):
    r = coverage_probability(n, eps, prune_ratio=p, lock_ratio=lam, trials=trials, seed=SEED)
    return {"n": n, "successes": int(r.successes), "trials": int(r.trials)}


def montecarlo_curve(eps, p, lam, trials):
    """Coverage counts at the n needed to place n* and n*_95 for every delta (docstring)."""
    seen = {}

    def point(n):
        if n not in seen:
            seen[n] = _curve_point(n, eps, p, lam, trials)
        return seen[n]

    def estimate_ok(n, delta):
        r = point(n)
        return r["successes"] / r["trials"] >= 1 - delta

    def confident_ok(n, delta):
        r = point(n)
        return lower_confidence_bound(r["successes"], r["trials"], 0.95) >= 1 - delta

    hi = 1
    while not confident_ok(hi, min(DELTAS)):
        hi *= 2
    found = {}
    for delta in DELTAS:
        for name, ok in (("n_estimate", estimate_ok), ("n_confident", confident_ok)):
            lo_, hi_ = 0, hi
            while hi_ - lo_ > 1:
                mid = (lo_ + hi_) // 2
                lo_, hi_ = (lo_, mid) if ok(mid, delta) else (mid, hi_)
            best = hi_
            for m in range(hi_ - 1, max(0, hi_ - 1 - SCAN), -1):
                if ok(m, delta):
                    best = m
            found[f"{name}@{delta:g}"] = best
    return found, [seen[n] for n in sorted(seen)]


def _bound(eps, delta, p, lam, constant):
    try:
        return bounds.required_samples(eps, delta, prune_ratio=p, lock_ratio=lam, constant=constant)
    except InvalidParameterError:
        return "n/a"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=4000)
    ap.add_argument("--recompute", action="store_true")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    mc_path = OUT / "montecarlo.json"
    stored = json.loads(mc_path.read_text()) if mc_path.exists() and not args.recompute else {}
    curves = stored.get("curves", {})
    for eps in EPS:
        for p, lam in SETTINGS:
            key = f"eps={eps:g},prune={p:g},lock={lam:g}"
            if key in curves and curves[key]["trials"] == args.trials:
                continue
            start = time.time()
            found, points = montecarlo_curve(eps, p, lam, args.trials)
            curves[key] = {"eps": eps, "prune_ratio": p, "lock_ratio": lam, "trials": args.trials,
                           "seed": SEED, "found": found, "points": points,
                           "seconds": round(time.time() - start, 1)}
            print(key, found, f"{time.time() - start:.0f} s", flush=True)
            meta = {"script": "benchmarks/bounds_vs_montecarlo_table.py", "version": __version__,
                    "git_commit": git_commit(), "statement": "uniform", "freezing": "iid",
                    "distribution": "uniform", "target": [-1.0, 1.0],
                    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
                        timespec="seconds")}
            write_text_atomic(mc_path, json.dumps({"meta": meta, "curves": curves}, indent=1) + "\n")

    rows = []
    for eps in EPS:
        for delta in DELTAS:
            for p, lam in SETTINGS:
                c = curves[f"eps={eps:g},prune={p:g},lock={lam:g}"]
                n_star = c["found"][f"n_estimate@{delta:g}"]
                row = {"eps": eps, "delta": delta, "prune_ratio": p, "lock_ratio": lam,
                       "mc_n_estimate": n_star, "mc_n_confident": c["found"][f"n_confident@{delta:g}"],
                       "trials": c["trials"], "seed": c["seed"],
                       "counting_lower_bound": bounds.counting_lower_bound_samples(eps)}
                for constant in CONSTANTS:
                    value = _bound(eps, delta, p, lam, constant)
                    row[constant] = value
                    row[f"{constant}_over_mc"] = (round(value / n_star, 2)
                                                  if isinstance(value, int) else "n/a")
                rows.append(row)
    meta = {"script": "benchmarks/bounds_vs_montecarlo_table.py", "version": __version__,
            "git_commit": git_commit(),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    write_text_atomic(OUT / "table.json", json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    lines = ["| eps | delta | prune | lock | proved | certified | calibrated | Monte Carlo n* | "
             "n* (95% conf.) | counting lower bound | proved / n* | certified / n* |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['eps']:g} | {r['delta']:g} | {r['prune_ratio']:g} | {r['lock_ratio']:g} | "
            f"{r['proved']} | {r['certified']} | {r['calibrated']} | {r['mc_n_estimate']} | "
            f"{r['mc_n_confident']} | {r['counting_lower_bound']} | {r['proved_over_mc']} | "
            f"{r['certified_over_mc']} |")
    write_text_atomic(OUT / "table.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
