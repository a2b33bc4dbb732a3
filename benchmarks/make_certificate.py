"""Make and measure the certified window bound (docs/theory.md, Section 1.3).

    python benchmarks/make_certificate.py table         # the shipped table (about 8 CPU minutes)
    python benchmarks/make_certificate.py convergence   # grid refinement at a few eps (1 CPU minute)
    python benchmarks/make_certificate.py compare       # certified K next to Monte Carlo n* (seconds)

``table`` runs the certificate (slt_theory.bounds._certificate_dp.certificate_table) for every
eps_j = 10^(-j/16), j = 1..96 (eps from 0.87 down to 1e-6), on the logit grid of RESOLUTION
cells per unit, for STEPS samples, read at STARTS start points per eps_j, and writes
slt_theory/bounds/data/certificate.npz (arrays only: read with allow_pickle=False) and the sidecar
certificate.json (grid, command, version, commit, date, CPU seconds).

``convergence`` runs the certificate at eps in {1e-1, 1e-2, 1e-3} on ever finer grids and
records the bound at a few K, the certified K at a few delta and the tail ratio rho.

``compare`` puts the shipped certificate's K next to the Monte Carlo n* (slt_theory's numba
solver, TRIALS trials per n, uniform statement, no freezing) and the closed form
ceil(log(8 / (eps^2 delta)) / log(4/3)), and fits K = a ln(1/eps) + b ln(1/delta) + c to the
certified K on a grid of (eps, delta).

The last two write JSON under results/certificate/.
"""

import argparse
import datetime
import io
import json
import math
import os
import sys
import time

import numpy as np

from slt_theory import __version__
from slt_theory.bounds._certificate_dp import (
    certificate_rows,
    certificate_table,
    make_grid,
    tail_ratio,
)
from slt_theory.runs.provenance import git_commit, write_bytes_atomic, write_json_atomic

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "slt_theory", "bounds", "data")
RESULTS = os.path.join(HERE, "..", "results", "certificate")

EPS_GRID = [10.0 ** (-j / 16) for j in range(1, 97)]
RESOLUTION = 800.0
STEPS = 150
STARTS = 4

CONVERGENCE_EPS = [1e-1, 1e-2, 1e-3]
CONVERGENCE_RESOLUTIONS = [50.0, 100.0, 200.0, 400.0, 800.0, 1600.0]
CONVERGENCE_STEPS = 120
CONVERGENCE_K = [20, 40, 60, 80, 100, 120]
DELTAS = [0.1, 0.01, 1e-3, 1e-6]

COMPARE_EPS = [1e-1, 1e-2, 1e-3]
COMPARE_DELTA = [0.1, 0.01]
TRIALS = 4000
SEED = 20261130
FIT_EPS = [10.0 ** (-j / 4) for j in range(4, 25)]  # 1e-1 .. 1e-6
FIT_DELTA = [10.0 ** (-j) for j in range(1, 11)]  # 1e-1 .. 1e-10


def _meta(command, t0, **extra):
    return {"script": "benchmarks/make_certificate.py", "command": command, "version": __version__,
            "git_commit": git_commit(), "numpy": np.__version__,
            "cpu_seconds": round(time.process_time() - t0, 1),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            **extra}


def make_table(args):
    t0 = time.process_time()
    eps_grid = EPS_GRID[: args.tables] if args.tables else EPS_GRID
    table = certificate_table(eps_grid, args.resolution, args.steps, args.starts)
    buf = io.BytesIO()
    np.savez_compressed(buf, **table)
    os.makedirs(args.out_dir, exist_ok=True)
    write_bytes_atomic(os.path.join(args.out_dir, "certificate.npz"), buf.getvalue())
    import numba

    meta = _meta(
        " ".join(["python", "benchmarks/make_certificate.py"] + sys.argv[1:]), t0,
        numba=numba.__version__,
        eps_grid=f"eps_j = 10^(-j/16), j = 1..{len(eps_grid)}",
        eps_grid_values=eps_grid, resolution=args.resolution, steps=args.steps,
        starts=args.starts, entries=int(table["eps"].shape[0]),
        grid=("cells of width 1/resolution in s = log(u/(2-u)) from u = eps_j/2 to "
              "u = nextafter(2 - eps_j, +inf); cell 0 = [0, eps_j/2)"),
        statement=("values[p, K] >= P(K iid U[-a, a] samples do not eps-cover [-a, a]) for every "
                   "eps/a >= eps[p]; values[p, K_max + j] <= rho[p]^j values[p, K_max]"),
        theorem="docs/theory.md, Section 1.3, Theorem C1, Proposition C5, Corollary C6",
        one_step_facts="u' <= u, u' >= 2u - 2, E[u' | past] <= u/2 + u^2/4 (sharp Lemma 2)")
    write_json_atomic(os.path.join(args.out_dir, "certificate.json"), meta)
    print(f"{meta['entries']} entries, {meta['cpu_seconds']} CPU s", file=sys.stderr)


def convergence(args):
    t0 = time.process_time()
    rows = []
    for eps in CONVERGENCE_EPS:
        for res in args.resolutions:
            t1 = time.process_time()
            grid = make_grid(eps, res)
            r = certificate_rows(grid, args.steps)
            top = r[:, -1]
            rows.append({
                "eps": eps, "resolution": res, "cells": grid.cells,
                "bound": {str(k): float(top[k]) for k in CONVERGENCE_K if k <= args.steps},
                "certified_K": {str(d): (int(np.argmax(top <= d)) if np.any(top <= d) else None)
                                for d in DELTAS},
                "rho": tail_ratio(r[-2], r[-1]), "cpu_seconds": round(time.process_time() - t1, 1)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    out = {"rows": rows, **_meta("python benchmarks/make_certificate.py convergence", t0,
                                 steps=args.steps)}
    os.makedirs(RESULTS, exist_ok=True)
    write_json_atomic(os.path.join(RESULTS, "convergence.json"), out)


def compare(args):
    from slt_theory.bounds.certificate import window_samples_certified
    from slt_theory.montecarlo import empirical_required_samples

    t0 = time.process_time()
    rows = []
    for eps in COMPARE_EPS:
        for delta in COMPARE_DELTA:
            mc = empirical_required_samples(eps, delta, trials=args.trials, seed=args.seed)
            k = window_samples_certified(eps, delta)
            closed = math.ceil(math.log(8 / (eps**2 * delta)) / math.log(4 / 3))
            rows.append({"eps": eps, "delta": delta, "certified": k, "closed_form_rho_3_4": closed,
                         "n_star": mc.n_estimate, "n_star_confident": mc.n_confident,
                         "certified_over_n_star": round(k / mc.n_estimate, 2)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    pts = [(e, d, window_samples_certified(e, d)) for e in FIT_EPS for d in FIT_DELTA]
    X = np.array([[math.log(1 / e), math.log(1 / d), 1.0] for e, d, _ in pts])
    y = np.array([k for _, _, k in pts], dtype=float)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    fit = {"a_ln_1_over_eps": float(coef[0]), "b_ln_1_over_delta": float(coef[1]),
           "c": float(coef[2]), "max_abs_residual": float(np.max(np.abs(resid))),
           "points": len(pts), "eps": FIT_EPS, "delta": FIT_DELTA}
    print(json.dumps(fit), file=sys.stderr)
    out = {"rows": rows, "fit": fit, **_meta(
        "python benchmarks/make_certificate.py compare", t0, trials=args.trials, seed=args.seed,
        statement="uniform", freezing="none", distribution="uniform")}
    os.makedirs(RESULTS, exist_ok=True)
    write_json_atomic(os.path.join(RESULTS, "compare.json"), out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("table")
    t.add_argument("--resolution", type=float, default=RESOLUTION)
    t.add_argument("--steps", type=int, default=STEPS)
    t.add_argument("--starts", type=int, default=STARTS)
    t.add_argument("--tables", type=int, default=0, help="only the first N eps_j (a quick run)")
    t.add_argument("--out-dir", default=DATA)
    c = sub.add_parser("convergence")
    c.add_argument("--resolutions", type=float, nargs="+", default=CONVERGENCE_RESOLUTIONS)
    c.add_argument("--steps", type=int, default=CONVERGENCE_STEPS)
    m = sub.add_parser("compare")
    m.add_argument("--trials", type=int, default=TRIALS)
    m.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    {"table": make_table, "convergence": convergence, "compare": compare}[args.mode](args)


if __name__ == "__main__":
    main()
