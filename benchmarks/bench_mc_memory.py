"""Benchmark: peak memory and time of Monte Carlo coverage before and after blocks were sized by
bytes (issue 12, item 9), at several n and trial counts.

Each point runs `coverage_probability` in a fresh process under ``/usr/bin/time -v`` (its
"Maximum resident set size" is the peak memory of the whole process, interpreter and numba
included) once with this checkout and once with the code of an earlier commit, exported with
``git archive`` into a temporary folder. The number of successes is printed for both, so the
table also shows that the results did not change. An impossible request (one trial larger than
any budget) is timed too: before, a raw MemoryError; after, ResourceLimitError at once.

Run: python benchmarks/bench_mc_memory.py [--before 2343c25] [--threads 2] [--markdown]
The figures go to docs/benchmarks.md, section "Monte Carlo memory".
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (n, trials, options): large n, many trials, trials=1, freezing that needs whole rows
POINTS = [
    (4096, 16384, {}),
    (4096, 16384, dict(prune_ratio=0.25, lock_ratio=0.25, freezing="exact")),
    (16384, 2048, {}),
    (65536, 1, {}),
    (65536, 1024, dict(prune_ratio=0.25, lock_ratio=0.25)),
    (2**26, 1, {}),
]
EPS = 0.1

CHILD = """
import json, sys, time
t0 = time.perf_counter()
import slt_theory
from slt_theory.montecarlo import coverage_probability
n, trials, opts = json.loads(sys.argv[1])
coverage_probability(8, 0.1, trials=10)  # numba compilation or cache load, not timed
t1 = time.perf_counter()
try:
    r = coverage_probability(n, %r, trials=trials, seed=3, **opts)
    out = {"successes": r.successes}
except BaseException as err:  # the impossible request: which error, how fast
    out = {"error": type(err).__name__, "message": str(err)[:160]}
out["seconds"] = time.perf_counter() - t1
out["code"] = slt_theory.__file__
print(json.dumps(out))
""" % EPS


def run_point(pythonpath, point, threads):
    env = {**os.environ, "PYTHONPATH": pythonpath, "NUMBA_NUM_THREADS": str(threads)}
    # run from an empty folder: `python -c` puts the working folder first on sys.path, which
    # would import this checkout whatever PYTHONPATH says
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", CHILD, json.dumps(point)],
                          capture_output=True, text=True, env=env, check=False,
                          cwd=tempfile.mkdtemp(prefix="bench-cwd-"))
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        out = {"error": f"exit {proc.returncode}", "message": proc.stderr.strip()[-160:]}
    out["peak_mib"] = int(peak.group(1)) / 1024 if peak else None
    return out


def export(commit):
    folder = tempfile.mkdtemp(prefix=f"slt-{commit}-")
    archive = subprocess.run(["git", "-C", ROOT, "archive", commit, "slt_theory"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def _cell(r):
    if "error" in r:
        return f"{r['error']} after {r['seconds']:.1f} s" if "seconds" in r else r["error"]
    return f"{r['successes']} successes, {r['seconds']:.1f} s"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="2343c25", help="commit to compare with")
    parser.add_argument("--threads", type=int, default=2, help="NUMBA_NUM_THREADS")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    old = export(args.before)
    rows = []
    for point in POINTS:
        before = run_point(old, point, args.threads)
        after = run_point(ROOT, point, args.threads)
        rows.append((point, before, after))
        print(json.dumps({"point": point, "before": before, "after": after}), flush=True)
    if args.markdown:
        print("\n| n | trials | options | peak RSS before (MiB) | peak RSS after (MiB) | before "
              "| after |\n|---|---|---|---|---|---|---|")
        for (n, trials, opts), b, a in rows:
            o = ", ".join(f"{k}={v}" for k, v in opts.items()) or "-"
            print(f"| {n:,} | {trials:,} | {o} | {b['peak_mib']:,.0f} | {a['peak_mib']:,.0f} | "
                  f"{_cell(b)} | {_cell(a)} |")


if __name__ == "__main__":
    main()
