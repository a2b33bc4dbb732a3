"""Generate slt_theory/data/calibration.csv: the Monte Carlo n*(eps, delta) fitted per freeze setting.

    python benchmarks/make_calibration.py            # about 5-10 minutes on 2 cores

For every freeze setting (prune_ratio, lock_ratio) and eps in EPS, n runs upward from
ceil(log2(1/eps)) with TRIALS uniform-statement trials each (common random numbers: one seed for
all n) until the one-sided 95% Clopper-Pearson lower bound on the coverage reaches 1 - min(DELTA);
for each delta, n*(eps, delta) is the smallest n on that scan whose lower bound is >= 1 - delta
(an upper confidence bound on the true n*). Then, per setting, ordinary least squares

    n* = a log2(1/eps) + b log2(1/delta) + c

with the covariance of (a, b, c) and the residual standard deviation, which
slt_theory.bounds.calibration turns into a one-sided 95% prediction bound. Writes the raw points to
slt_theory/data/calibration_points.csv and the fit to slt_theory/data/calibration.csv, with a
sidecar JSON (version, commit, seed, trials, date).
"""

import argparse
import csv
import datetime
import io
import json
import math
import os
import sys
import time

import numpy as np

from slt_theory import __version__
from slt_theory.montecarlo import coverage_probability, lower_confidence_bound
from slt_theory.runs.provenance import git_commit, write_text_atomic

SETTINGS = [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.3, 0.3), (0.35, 0.35), (0.0, 0.3), (0.7, 0.0)]
EPS = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]
DELTA = [0.1, 0.05, 0.01]
TRIALS = 2000
SEED = 20261125
CONFIDENCE = 0.95
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "slt_theory", "data")


def scan(eps, prune_ratio, lock_ratio, trials, seed):
    """{delta: smallest n whose lower bound >= 1 - delta}, {delta: smallest n whose estimate >= 1 - delta}."""
    n = max(1, math.ceil(math.log2(1 / eps)))
    conf, est = {}, {}
    while len(conf) < len(DELTA):
        r = coverage_probability(n, eps, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                                 trials=trials, seed=seed)
        lcb = lower_confidence_bound(r.successes, r.trials, CONFIDENCE)
        for d in DELTA:
            if d not in conf and lcb >= 1 - d:
                conf[d] = n
            if d not in est and r.estimate >= 1 - d:
                est[d] = n
        n += 1
    return conf, est


def fit(points):
    X = np.array([[math.log2(1 / e), math.log2(1 / d), 1.0] for e, d, _ in points])
    y = np.array([float(n) for _, _, n in points])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    dof = len(y) - 3
    resid = y - X @ beta
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.inv(X.T @ X)
    return beta, cov, math.sqrt(s2), dof


def write_csv_atomic(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    write_text_atomic(path, buf.getvalue())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=TRIALS)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out-dir", default=DATA)
    args = ap.parse_args(argv)
    t0 = time.time()
    raw, fits = [], []
    for p, l in SETTINGS:
        pts = []
        for eps in EPS:
            conf, est = scan(eps, p, l, args.trials, args.seed)
            for d in DELTA:
                raw.append([p, l, eps, d, est[d], conf[d], args.trials, args.seed])
                pts.append((eps, d, conf[d]))
            print(f"prune={p} lock={l} eps={eps}: n*={[conf[d] for d in DELTA]} "
                  f"({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)
        beta, cov, sd, dof = fit(pts)
        fits.append([p, l, *beta, *np.sqrt(np.diag(cov)), cov[0, 1], cov[0, 2], cov[1, 2],
                     sd, dof, len(pts), args.trials, args.seed])
    write_csv_atomic(
        os.path.join(args.out_dir, "calibration_points.csv"),
        ["prune_ratio", "lock_ratio", "eps", "delta", "n_estimate", "n_confident", "trials", "seed"],
        raw)
    write_csv_atomic(
        os.path.join(args.out_dir, "calibration.csv"),
        ["prune_ratio", "lock_ratio", "a", "b", "c", "se_a", "se_b", "se_c", "cov_ab", "cov_ac",
         "cov_bc", "resid_sd", "dof", "points", "trials", "seed"],
        [[repr(float(v)) if isinstance(v, (float, np.floating)) else v for v in row] for row in fits])
    meta = {"script": "benchmarks/make_calibration.py", "version": __version__,
            "git_commit": git_commit(), "seed": args.seed, "trials": args.trials,
            "eps": EPS, "delta": DELTA, "settings": SETTINGS, "confidence": CONFIDENCE,
            "statement": "uniform", "freezing": "iid", "distribution": "uniform",
            "seconds": round(time.time() - t0, 1),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    tmp = os.path.join(args.out_dir, "calibration.json.tmp")
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(args.out_dir, "calibration.json"))
    print(f"done in {time.time() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
