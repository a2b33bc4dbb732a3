"""The construction's smallest successful width for one weight, next to the proved width.

For each (eps, delta, prune_ratio, lock_ratio), the smallest hidden width w at which the
construction of docs/theory.md, Section 3 (`construct_ticket` on a (1, 1) target) succeeds in at
least (1 - delta) of SEEDS seeds (`slt_theory.success_probability`: a fresh target and source per
seed, pointwise), found by bisection over w (doubling first); the success count at w - 1 is
recorded beside it so that the bisection can be checked. Then the proved width
(`required_width`, Theorem 4''), the certified width (`constant="certified"`, Theorem 1 replaced
by the certificate of docs/theory.md, Section 1.3), the calibrated width (`constant="calibrated"`,
Model C of docs/calibration.md: a Monte Carlo prediction for the construction's *uniform* event,
so above the pointwise construction width) and the proved ratio.

    python benchmarks/one_weight_widths.py [--seeds 200] [--bounds-only]

``--bounds-only`` keeps the stored construction widths (minutes of solver time) and recomputes
only the bound columns from the code at hand.

writes results/bounds_table/one_weight_widths.json and prints a markdown table.
"""

import argparse
import datetime
import json
import pathlib
import time

from slt_theory import __version__, required_width, success_probability
from slt_theory.errors import InvalidParameterError
from slt_theory.runs.provenance import git_commit, write_text_atomic

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "bounds_table" / "one_weight_widths.json"
SETTINGS = [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.0, 0.5), (0.35, 0.35), (0.2, 0.5)]
POINTS = [(0.1, 0.1), (0.01, 0.01)]


def smallest_width(eps, delta, p, lam, seeds):
    need = (1.0 - delta) * len(seeds)

    def ok(w):
        r = success_probability((1, 1), w, eps, prune_ratio=p, lock_ratio=lam, seeds=seeds)
        return r.successes >= need, r.successes

    hi = 2
    while not ok(hi)[0]:
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid)[0]:
            hi = mid
        else:
            lo = mid
    return hi, ok(hi)[1], ok(hi - 1)[1]


def bound_columns(eps, delta, p, lam):
    """The proved, certified and calibrated widths of one weight ("n/a" where the call raises)."""
    out = {}
    for constant in ("proved", "certified", "calibrated"):
        try:
            out[f"{constant}_width"] = required_width(eps, delta=delta, prune_ratio=p,
                                                      lock_ratio=lam, constant=constant)
        except InvalidParameterError:
            out[f"{constant}_width"] = "n/a"
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--bounds-only", action="store_true",
                    help="keep the stored construction widths, recompute the bound columns")
    args = ap.parse_args(argv)
    seeds = range(args.seeds)
    if args.bounds_only:
        stored = json.loads(OUT.read_text())
        rows, meta = stored["rows"], stored["meta"]
        for r in rows:
            r.update(bound_columns(r["eps"], r["delta"], r["prune_ratio"], r["lock_ratio"]))
            r["ratio"] = round(r["proved_width"] / r["construction_width"], 2)
        meta["bounds_git_commit"] = git_commit()
    else:
        rows = []
        for eps, delta in POINTS:
            for p, lam in SETTINGS:
                start = time.time()
                w, hits, hits_below = smallest_width(eps, delta, p, lam, seeds)
                rows.append({
                    "eps": eps, "delta": delta, "prune_ratio": p, "lock_ratio": lam,
                    "construction_width": w, "successes": hits,
                    "successes_at_width_minus_1": hits_below, "seeds": args.seeds,
                    **bound_columns(eps, delta, p, lam), "seconds": round(time.time() - start, 1),
                })
                rows[-1]["ratio"] = round(rows[-1]["proved_width"] / w, 2)
                print(rows[-1], flush=True)
        meta = {"script": "benchmarks/one_weight_widths.py", "version": __version__,
                "git_commit": git_commit(), "seeds": args.seeds,
                "statement": "pointwise (one target per seed) for the construction, uniform for "
                "the proved, certified and calibrated widths"}
    meta["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    write_text_atomic(OUT, json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    print("| eps | delta | prune | lock | construction width (>= 1 - delta of seeds) | "
          "successes at it / one below | proved width | certified width | calibrated width | "
          "proved / construction |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['eps']:g} | {r['delta']:g} | {r['prune_ratio']:g} | {r['lock_ratio']:g} | "
              f"{r['construction_width']} | {r['successes']} / {r['successes_at_width_minus_1']} | "
              f"{r['proved_width']} | {r['certified_width']} | {r['calibrated_width']} | "
              f"{r['ratio']} |")


if __name__ == "__main__":
    main()
