"""Compute the data of paper_figures/construction_success.py: how often the construction of
docs/theory.md, Section 4 succeeds, against the source's hidden width.

For each setting (target shape, eps, prune_ratio, lock_ratio) and each hidden width, a fresh
target and a fresh frozen source are drawn per seed, the ticket is built (construct_ticket) and
measured (measure_error); the source is also checked against every target at once (covers_every_target,
the uniform event that Theorem 5 is about). One CSV per setting goes to results/construction/, named by a hash of
its parameters; a setting whose file exists is skipped, so a killed run resumes with the same
command. Each file starts with '#' lines recording the parameters, the package version, the git
commit and the date. Beside each curve: required_width (Theorem 5) and the width implied by the
Monte Carlo n* of slt_theory.montecarlo (one side of one entry, product terms, at the entry error
eps_i and failure delta / M; width = max_i d_{i-1} n*_i).

Run: python paper_figures/construction_success_compute.py   (about 5 minutes on 2 cores)
"""

import datetime
import hashlib
import json
import pathlib
import sys

import slt_theory
from slt_theory import bounds
from slt_theory.construction.verification import success_probability
from slt_theory.montecarlo import clopper_pearson
from slt_theory.runs.provenance import git_commit, write_text_atomic

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "construction"
EPS = 0.1
DELTA = 0.1
SEEDS = range(200)
WIDTHS = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
SETTINGS = [
    # name, target widths, prune_ratio, lock_ratio
    ("no freezing", (1, 1, 2), 0.0, 0.0),
    ("pruning 30%", (1, 1, 2), 0.3, 0.0),
    ("pruning 20% + locking 10%", (1, 1, 2), 0.2, 0.1),
    ("pruning 20% + locking 10%, d_0 = 2 (not covered)", (2, 2), 0.2, 0.1),
]
COLUMNS = ["hidden_width", "trials", "successes", "estimate", "ci_low", "ci_high", "upper_999",
           "uniform_successes", "uniform_ci_low", "uniform_ci_high", "median_error", "reasons"]


def _empirical_width(widths, p, lam):
    """max_i d_{i-1} n*_i from slt_theory.montecarlo, or None when it is unavailable."""
    try:
        from slt_theory.montecarlo import empirical_required_samples
    except ImportError:
        return None
    depth = len(widths) - 1
    instances = 2 * widths[0] * widths[1] + sum(widths[i] * widths[i + 1] for i in range(1, depth))
    out = 0
    for i in range(depth):
        eps_i = float(bounds.evaluate("ENTRY_ERROR", epsilon=EPS, l=depth,
                                      **{"d_{i-1}": widths[i], "d_i": widths[i + 1]}))
        r = empirical_required_samples(eps_i, DELTA / instances, prune_ratio=p, lock_ratio=lam,
                                       trials=2000, seed=0, distribution="product")
        out = max(out, widths[i] * r.n_estimate)
    return out


def _required_width(widths, p, lam):
    try:
        return bounds.required_width(EPS, delta=DELTA, prune_ratio=p, lock_ratio=lam,
                                     depth=len(widths) - 1, widths=widths)
    except slt_theory.InvalidParameterError:
        return None  # locking with several inputs: not covered (Proposition 3)


def run_setting(name, widths, p, lam):
    params = {"name": name, "widths": list(widths), "eps": EPS, "delta": DELTA, "prune_ratio": p,
              "lock_ratio": lam, "freezing": "iid", "seeds": [SEEDS.start, SEEDS.stop],
              "hidden_widths": WIDTHS, "uniform": True}
    key = hashlib.sha1(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
    path = OUT / f"success-{key}.csv"
    if path.exists():
        print(f"skip {name} ({path.name} exists)")
        return path
    params["required_width"] = _required_width(widths, p, lam)
    params["empirical_width"] = _empirical_width(widths, p, lam) if lam == 0 or max(widths[:-1]) == 1 else None
    meta = dict(params, version=slt_theory.__version__, commit=git_commit(ROOT) or "unknown",
                date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
    lines = [f"# {json.dumps(meta, sort_keys=True)}", ",".join(COLUMNS)]
    for width in WIDTHS:
        r = success_probability(widths, width, EPS, prune_ratio=p, lock_ratio=lam, seeds=SEEDS,
                                measure=True, uniform=True)
        u_lo, u_hi = clopper_pearson(r.uniform_successes, r.trials, 0.95)
        reasons = ";".join(f"{k}:{v}" for k, v in sorted(r.reasons.items()))
        lines.append(",".join(str(x) for x in [
            r.width, r.trials, r.successes, f"{r.estimate:.6g}", f"{r.ci_low:.6g}",
            f"{r.ci_high:.6g}", f"{r.upper_999:.6g}", r.uniform_successes, f"{u_lo:.6g}",
            f"{u_hi:.6g}", f"{r.median_error:.6g}", f'"{reasons}"']))
        print(f"{name}: width {r.width}: {r.successes}/{r.trials} (every target at once: "
              f"{r.uniform_successes}), median error "
              f"{r.median_error:.3g} {r.reasons}", flush=True)
    write_text_atomic(path, "\n".join(lines) + "\n")
    return path


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for setting in SETTINGS:
        run_setting(*setting)


if __name__ == "__main__":
    sys.exit(main())
