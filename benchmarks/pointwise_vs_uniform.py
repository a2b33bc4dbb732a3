"""Failure probability of the pointwise and the uniform coverage statement at the same n
(docs/theory.md, "Uniform and pointwise"), with the plain exact test of Lemma 1.

`python benchmarks/pointwise_vs_uniform.py --n 15 --eps 0.01 --trials 20000`
"""

import argparse
import json

import numpy as np

from slt_theory.montecarlo import clopper_pearson
from slt_theory.solvers.reference import covers_reference


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=15)
    ap.add_argument("--eps", type=float, default=0.01)
    ap.add_argument("--trials", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    fail_uniform = fail_pointwise = 0
    for _ in range(args.trials):
        values = rng.uniform(-1, 1, args.n)
        z = rng.uniform(-1, 1)
        fail_uniform += not covers_reference(values, args.eps)
        fail_pointwise += not covers_reference(values, args.eps, lo=z, hi=z)
    out = {
        "n": args.n, "eps": args.eps, "trials": args.trials, "seed": args.seed,
        "uniform_failure": fail_uniform / args.trials,
        "uniform_failure_ci95": clopper_pearson(fail_uniform, args.trials),
        "pointwise_failure": fail_pointwise / args.trials,
        "pointwise_failure_ci95": clopper_pearson(fail_pointwise, args.trials),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
