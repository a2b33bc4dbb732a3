"""Benchmark: build and verify the constructive ticket of docs/theory.md, Section 4 for a depth-2,
width-4 target inside a source of hidden width 10^4 (each hidden layer 4 blocks of 2,500).

Times drawing the source, construct_ticket and measure_error (the independent forward pass on
2 x n_random random points plus the signed unit-vector sums) separately, after one warm-up run
that compiles the numba kernels. The figures go to docs/benchmarks.md, section "Constructive
verification".

Run: python benchmarks/bench_construction.py [--eps 0.01] [--points 20000] [--repeats 3]
"""

import argparse
import time

from slt_theory.construction import FrozenSource, TargetNetwork, construct_ticket
from slt_theory.construction.verification import measure_error

WIDTHS = (4, 4, 4)
HIDDEN = 10_000


def one_run(eps, prune_ratio, points, seed):
    t0 = time.perf_counter()
    target = TargetNetwork.random(WIDTHS, seed=seed)
    source = FrozenSource.from_width(WIDTHS, HIDDEN, prune_ratio=prune_ratio, seed=seed)
    t1 = time.perf_counter()
    result = construct_ticket(target, source, eps)
    t2 = time.perf_counter()
    est = measure_error(target, source, result, n_random=points, seed=seed)
    t3 = time.perf_counter()
    return source, result, est, (t1 - t0, t2 - t1, t3 - t2)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eps", type=float, default=0.01)
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    one_run(0.1, 0.0, 100, 0)  # warm-up: numba compilation or cache load
    print(f"target {WIDTHS}, hidden width {HIDDEN}, eps {args.eps}, "
          f"{2 * args.points} random probe points + signed sums")
    print("| prune_ratio | seed | hidden widths | success | measured error | guaranteed error | "
          "draw s | construct s | verify s | total s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for prune_ratio in (0.0, 0.3):
        for seed in range(args.repeats):
            source, result, est, (t_draw, t_build, t_check) = one_run(
                args.eps, prune_ratio, args.points, seed)
            print(f"| {prune_ratio} | {seed} | {source.hidden_widths} | {result.success} | "
                  f"{est.max_error:.3g} | {est.guaranteed_error:.3g} | {t_draw:.2f} | "
                  f"{t_build:.2f} | {t_check:.2f} | {t_draw + t_build + t_check:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
