"""Compute the data of paper_figures/construction_success.py: how often the construction of
docs/theory.md, Section 4 (with the re-assignment of Theorem 5(C)) succeeds against the source's
hidden width, the one-weight construction's smallest successful widths, and the simulation check
of the locked-kink lower bound (Section 5: Theorem 6 (a) and (b)).

Four stages, each writing CSV files under results/construction/ whose first line is a '#' JSON
record of the parameters, the package version, the git commit and the date (atomic writes; a
file that exists is skipped, so a killed run resumes with the same command):

- ``success``: per setting (target shape, prune_ratio, lock_ratio) and hidden width, a fresh
  target and source per seed (200 seeds), construct_ticket, measure_error (the independent
  forward pass) and covers_every_target (the uniform event of Theorem 5): success-<hash>.csv.
- ``prop3``: at 2 x 2 targets, the seeds with a re-assigned, a discarded and a stuck neuron
  (Proposition 3) and the successes, at two widths: prop3_counts.csv.
- ``one_weight``: for one weight (target (1, 1)), the smallest hidden width at which the
  construction succeeds in >= 1 - delta of 200 seeds (delta = eps), found by a linear scan over
  every width, pointwise (construct_ticket) and uniform (covers_every_target): one_weight_width.csv.
- ``locked_kink``: (a) tiny sources (2 inputs, 1 output, h = 2 or 4): the exact best-mask sup
  error (best_mask_error, integer arithmetic) against Theorem 6 (a)'s exact margin and
  Theorem 6 (b)'s bound: locked_kink_exact.csv; (b) 2x2 sources at widths 4..8192: the fraction
  that Theorem 6 (a) certifies (exactly) to hold no eps-ticket for any target, against
  Theorem 6 (b)'s bound: locked_kink_certified.csv.

Run: python paper_figures/construction_success_compute.py
[--stage success|prop3|one_weight|locked_kink]
(all stages by default; about an hour on 2 busy cores, most of it in ``success``).
"""

import argparse
import datetime
import hashlib
import json
import math
import pathlib
import sys
from fractions import Fraction

import slt_theory
from slt_theory import bounds
from slt_theory.construction import (
    FrozenSource,
    TargetNetwork,
    best_mask_error,
    construct_ticket,
    locked_kink_bound,
    locked_kink_margin,
    no_ticket_certified,
)
from slt_theory.construction._exact import margin_squared_exact
from slt_theory.construction.verification import success_probability
from slt_theory.montecarlo import clopper_pearson
from slt_theory.runs.provenance import git_commit, write_text_atomic

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "results" / "construction"
#: Bumped when the construction changes, so that results of an older one are not reused.
CONSTRUCTION = "reassign (Theorem 5(C) rule)"
EPS = 0.1
DELTA = 0.1
SEEDS = range(200)
WIDTHS = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
SETTINGS = [
    # name, target widths, prune_ratio, lock_ratio
    ("no freezing", (1, 1, 2), 0.0, 0.0),
    ("pruning 30%", (1, 1, 2), 0.3, 0.0),
    ("pruning 20% + locking 10%", (1, 1, 2), 0.2, 0.1),
    ("2x2, no freezing", (2, 2), 0.0, 0.0),
    ("2x2, locking 0.5%", (2, 2), 0.0, 0.005),
    ("2x2, locking 1%", (2, 2), 0.0, 0.01),
    ("2x2, locking 2%", (2, 2), 0.0, 0.02),
    ("2x2, locking 5%", (2, 2), 0.0, 0.05),
    ("2x2, pruning 20% + locking 10%", (2, 2), 0.2, 0.1),
]
COLUMNS = ["hidden_width", "trials", "successes", "estimate", "ci_low", "ci_high", "upper_999",
           "uniform_successes", "uniform_ci_low", "uniform_ci_high", "median_error", "reasons"]
ONE_WEIGHT_EPS = (0.1, 0.05, 0.01)
ONE_WEIGHT_SETTINGS = (("none", 0.0, 0.0), ("prune .5", 0.5, 0.0), ("prune .25 + lock .25", 0.25,
                                                                    0.25))
KINK_EXACT_SOURCES = 1000
KINK_EXACT = [  # block size n (h = 2n), prune_ratio, lock_ratio
    (1, 0.1, 0.8), (2, 0.1, 0.8), (1, 0.0, 0.5), (2, 0.0, 0.5)]
KINK_EXACT_EPS = (1e-2, 1e-3)
KINK_CERT_SEEDS = range(1000)
KINK_CERT_LOCKS = (0.05, 0.1, 0.2, 0.25)
KINK_CERT_EPS = (1e-2, 1e-3, 1e-4, 1e-6)


def _meta(params):
    return dict(params, version=slt_theory.__version__, commit=git_commit(ROOT) or "unknown",
                construction=CONSTRUCTION,
                date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))


def _write(path, meta, columns, rows):
    lines = [f"# {json.dumps(meta, sort_keys=True)}", ",".join(columns)]
    lines += [",".join(str(x) for x in row) for row in rows]
    write_text_atomic(path, "\n".join(lines) + "\n")


def _empirical_width(widths, p, lam):
    """max_i d_{i-1} n*_i from slt_theory.montecarlo (product terms, one side of one entry, at
    the entry error eps_i and failure delta / M), or None where that model does not apply."""
    from slt_theory.montecarlo import empirical_required_samples

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


# --------------------------------------------------------------------------- stage: success

def run_setting(name, widths, p, lam):
    params = {"name": name, "widths": list(widths), "eps": EPS, "delta": DELTA, "prune_ratio": p,
              "lock_ratio": lam, "freezing": "iid", "seeds": [SEEDS.start, SEEDS.stop],
              "hidden_widths": WIDTHS, "uniform": True, "construction": CONSTRUCTION}
    key = hashlib.sha1(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
    path = OUT / f"success-{key}.csv"
    if path.exists():
        print(f"skip {name} ({path.name} exists)")
        return path
    # the Monte Carlo n* model (one side of one entry, fixed blocks) fits one input per layer,
    # and several inputs without locking
    params["empirical_width"] = (_empirical_width(widths, p, lam)
                                 if lam == 0 or max(widths[:-1]) == 1 else None)
    rows = []
    for width in WIDTHS:
        r = success_probability(widths, width, EPS, prune_ratio=p, lock_ratio=lam, seeds=SEEDS,
                                measure=True, uniform=True)
        u_lo, u_hi = clopper_pearson(r.uniform_successes, r.trials, 0.95)
        reasons = ";".join(f"{k}:{v}" for k, v in sorted(r.reasons.items()))
        rows.append([r.width, r.trials, r.successes, f"{r.estimate:.6g}", f"{r.ci_low:.6g}",
                     f"{r.ci_high:.6g}", f"{r.upper_999:.6g}", r.uniform_successes,
                     f"{u_lo:.6g}", f"{u_hi:.6g}", f"{r.median_error:.6g}", f'"{reasons}"'])
        print(f"{name}: width {r.width}: {r.successes}/{r.trials} (every target at once: "
              f"{r.uniform_successes}), median error {r.median_error:.3g} {r.reasons}",
              flush=True)
    _write(path, _meta(params), COLUMNS, rows)
    return path


# --------------------------------------------------------------------------- stage: one_weight

def _count(width, eps, p, lam, uniform):
    r = success_probability((1, 1), width, eps, prune_ratio=p, lock_ratio=lam, seeds=SEEDS,
                            uniform=uniform)
    return r.uniform_successes if uniform else r.successes


def _smallest_width(eps, p, lam, need, start, uniform):
    """The smallest width >= start whose success count reaches need (a scan over every width;
    below ``start`` the count is known to fall short)."""
    width = start
    while _count(width, eps, p, lam, uniform) < need:
        width += 1
    return width


def run_one_weight():
    path = OUT / "one_weight_width.csv"
    if path.exists():
        print(f"skip one_weight ({path.name} exists)")
        return path
    rows = []
    for eps in ONE_WEIGHT_EPS:
        delta = eps
        need = math.ceil((1 - delta) * len(SEEDS) - 1e-9)
        for name, p, lam in ONE_WEIGHT_SETTINGS:
            pointwise = _smallest_width(eps, p, lam, need, 1, uniform=False)
            # covers_every_target == 0 implies success for this seed's target: the uniform
            # count never exceeds the pointwise one, so the scan may start at the pointwise width
            uniform = _smallest_width(eps, p, lam, need, pointwise, uniform=True)
            after = [_count(w, eps, p, lam, False) for w in (pointwise + 1, 2 * pointwise)]
            rows.append([eps, delta, name, p, lam, len(SEEDS), need, pointwise,
                         _count(pointwise, eps, p, lam, False), after[0], after[1], uniform])
            print(f"one weight eps={eps} {name}: pointwise {pointwise} (count at +1, x2: {after}),"
                  f" uniform {uniform}", flush=True)
    params = {"stage": "one_weight", "widths": [1, 1], "seeds": [SEEDS.start, SEEDS.stop],
              "freezing": "iid", "scan": "every width from 1 (pointwise), from the pointwise "
              "width (uniform)"}
    columns = ["eps", "delta", "setting", "prune_ratio", "lock_ratio", "seeds", "needed",
               "smallest_width", "successes_at_smallest", "successes_at_smallest_plus_1",
               "successes_at_twice_smallest", "smallest_width_uniform"]
    _write(path, _meta(params), columns, rows)
    return path


# --------------------------------------------------------------------------- stage: prop3

PROP3_SETTINGS = ((0.2, 0.1), (0.0, 0.01), (0.0, 0.05))
PROP3_WIDTHS = (256, 4096)


def run_prop3():
    """Proposition 3 at 2 x 2 targets: per setting and width, how many of the 200 seeds have a
    re-assigned neuron, a discarded one, a stuck one, and how many succeed."""
    path = OUT / "prop3_counts.csv"
    if path.exists():
        print(f"skip prop3 ({path.name} exists)")
        return path
    rows = []
    for p, lam in PROP3_SETTINGS:
        for width in PROP3_WIDTHS:
            moved = dropped = stuck = ok = 0
            for s in SEEDS:
                target = TargetNetwork.random((2, 2), seed=s)
                source = FrozenSource.from_width((2, 2), width, prune_ratio=p, lock_ratio=lam,
                                                 seed=s)
                r = construct_ticket(target, source, EPS)
                moved += r.reassigned_neurons[0] > 0
                dropped += r.discarded_neurons[0] > 0
                stuck += r.stuck_neurons[0] > 0
                ok += r.success
            rows.append([p, lam, width, len(SEEDS), moved, dropped, stuck, ok])
            print(f"prop3 p={p} l={lam} width {width}: re-assigned {moved}, discarded {dropped}, "
                  f"stuck {stuck}, success {ok}", flush=True)
    params = {"stage": "prop3", "widths": [2, 2], "eps": EPS, "seeds": [SEEDS.start, SEEDS.stop],
              "freezing": "iid"}
    columns = ["prune_ratio", "lock_ratio", "hidden_width", "seeds", "seeds_with_reassigned",
               "seeds_with_discarded", "seeds_with_stuck", "successes"]
    _write(path, _meta(params), columns, rows)
    return path


# --------------------------------------------------------------------------- stage: locked_kink

def run_locked_kink_exact():
    path = OUT / "locked_kink_exact.csv"
    if path.exists():
        print(f"skip locked_kink exact ({path.name} exists)")
        return path
    zero = TargetNetwork.from_weights([[[0.0, 0.0]]])
    rows = []
    for n, p, lam in KINK_EXACT:
        h = 2 * n
        for target_name in ("zero", "random"):
            with_kink = violations = 0
            ratio_min = math.inf
            hits = dict.fromkeys(KINK_EXACT_EPS, 0)
            for s in range(KINK_EXACT_SOURCES):
                source = FrozenSource.random((2, 1), n, prune_ratio=p, lock_ratio=lam, seed=s)
                target = zero if target_name == "zero" else TargetNetwork.random((2, 1), seed=s)
                best = best_mask_error(source, target)
                kink = locked_kink_margin(source)
                if kink.neuron is not None:
                    with_kink += 1
                    mu2 = margin_squared_exact(source, kink.neuron, kink.output, kink.inputs)
                    violations += best.error_squared < mu2 / 16  # Theorem 6 (a), exactly
                    ratio_min = min(ratio_min, best.error / (kink.margin / 4))
                for eps in KINK_EXACT_EPS:
                    hits[eps] += best.error_squared <= Fraction(eps) ** 2
            for eps in KINK_EXACT_EPS:
                lo, hi = clopper_pearson(hits[eps], KINK_EXACT_SOURCES, 0.95)
                rows.append([h, p, lam, target_name, eps, KINK_EXACT_SOURCES, with_kink,
                             violations, f"{ratio_min:.6g}", hits[eps], f"{lo:.6g}", f"{hi:.6g}",
                             f"{locked_kink_bound(h, eps, lam):.6g}"])
            print(f"exact h={h} p={p} l={lam} target {target_name}: {with_kink} with a locked "
                  f"kink, Theorem 6 (a) violations {violations}, min best/(mu/4) {ratio_min:.3g}, "
                  f"tickets {hits}", flush=True)
    params = {"stage": "locked_kink_exact", "widths": [2, 1], "sources": KINK_EXACT_SOURCES,
              "settings": KINK_EXACT, "eps": list(KINK_EXACT_EPS), "freezing": "iid"}
    columns = ["hidden_width", "prune_ratio", "lock_ratio", "target", "eps", "sources",
               "with_locked_kink", "theorem6a_violations", "min_best_over_quarter_margin",
               "tickets", "ticket_ci_low", "ticket_ci_high", "theorem6_bound"]
    _write(path, _meta(params), columns, rows)
    return path


def run_locked_kink_certified():
    path = OUT / "locked_kink_certified.csv"
    if path.exists():
        print(f"skip locked_kink certified ({path.name} exists)")
        return path
    rows = []
    for lam in KINK_CERT_LOCKS:
        for width in WIDTHS:
            n = width // 2
            certified = dict.fromkeys(KINK_CERT_EPS, 0)
            for s in KINK_CERT_SEEDS:
                source = FrozenSource.random((2, 2), n, lock_ratio=lam, seed=s)
                kink = locked_kink_margin(source)
                for eps in KINK_CERT_EPS:
                    certified[eps] += no_ticket_certified(source, eps, kink=kink)
            for eps in KINK_CERT_EPS:
                trials = len(KINK_CERT_SEEDS)
                # an upper estimate of P(some eps-ticket exists): the uncertified fraction
                lo, hi = clopper_pearson(trials - certified[eps], trials, 0.95)
                rows.append([lam, 2 * n, eps, trials, certified[eps], f"{lo:.6g}", f"{hi:.6g}",
                             f"{locked_kink_bound(2 * n, eps, lam, d_out=2):.6g}"])
            print(f"certified l={lam} width {2 * n}: {certified}", flush=True)
    params = {"stage": "locked_kink_certified", "widths": [2, 2], "prune_ratio": 0.0,
              "seeds": [KINK_CERT_SEEDS.start, KINK_CERT_SEEDS.stop], "freezing": "iid"}
    columns = ["lock_ratio", "hidden_width", "eps", "sources", "certified_no_ticket",
               "uncertified_ci_low", "uncertified_ci_high", "theorem6_bound"]
    _write(path, _meta(params), columns, rows)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=["success", "prop3", "one_weight", "locked_kink", "all"],
                    default="all")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.stage in ("success", "all"):
        for setting in SETTINGS:
            run_setting(*setting)
    if args.stage in ("prop3", "all"):
        run_prop3()
    if args.stage in ("one_weight", "all"):
        run_one_weight()
    if args.stage in ("locked_kink", "all"):
        run_locked_kink_exact()
        run_locked_kink_certified()


if __name__ == "__main__":
    sys.exit(main())
