"""Make the calibration data of slt_theory.bounds.calibration (docs/calibration.md): Monte Carlo
tables and failure curves, the fitted model, and its held-out accuracy.

    python benchmarks/make_calibration.py mc p0-uniform        # fixed-count coverage, uniform law
    python benchmarks/make_calibration.py mc p0-product        # fixed-count coverage, product law
    python benchmarks/make_calibration.py mc curves-samples    # failure curves, one layer
    python benchmarks/make_calibration.py mc curves-width      # failure curves, one weight
    python benchmarks/make_calibration.py mc heldout-samples   # Monte Carlo n* at held-out points
    python benchmarks/make_calibration.py mc heldout-width
    python benchmarks/make_calibration.py fit                  # model + data into the package
    python benchmarks/make_calibration.py table                # the tables of docs/calibration.md

Every ``mc`` stage is a list of tasks run through slt_theory.runs.runstore into
``runs/calibration/<stage>/`` (one JSON file per finished task, written atomically): a killed stage
resumes with the same command and ``--only`` restricts a run to the tasks whose parameters contain
a string, so the work can be cut into short batches. ``fit`` reads the finished tasks (no Monte
Carlo), fits the model of docs/calibration.md and writes, atomically, into
slt_theory/bounds/data/:

- calibration_p0.csv: fixed-count failure tables P0(K, eps) (Proposition C1);
- calibration_curves.csv: the failure curves the offset parameters are fitted to;
- calibration_heldout.csv: the held-out Monte Carlo n* next to the model and its bound;
- calibration_model.json: parameters, prediction margins, fitted range and provenance.

The Monte Carlo events (docs/calibration.md, Section 1):

- samples: ``slt_theory.coverage_probability`` (uniform statement, iid freezing, U[-1, 1]);
- width: the construction's own uniform event for one weight, ``covers_every_target`` on a
  depth-1 (1, 1) ``FrozenSource`` (both sign sides cover [-1, 1]), computed by
  :func:`width_outcomes` from the same draws (held to ``covers_every_target`` by
  tests/bounds/test_calibration.py).
"""

import argparse
import csv
import datetime
import io
import math
import os
import sys
import time

import numpy as np
from scipy import stats

from slt_theory import __version__
from slt_theory.bounds import calibration as cal
from slt_theory.bounds import evaluate
from slt_theory.montecarlo import coverage_probability, draw_trials
from slt_theory.runs.provenance import git_commit, write_json_atomic, write_text_atomic
from slt_theory.runs.runstore import load_table, run_sweep
from slt_theory.solvers import FreezeState, covers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
DATA = os.path.join(ROOT, "slt_theory", "bounds", "data")
RUNS = os.path.join(ROOT, "runs", "calibration")

# --------------------------------------------------------------------------- design
# Seeds: one per use, so that the held-out Monte Carlo never shares random numbers with the data
# the model was fitted to.
SEED_P0 = 20261201
SEED_CURVES = 20261202
SEED_HELDOUT = 20261203

#: eps grid of the fixed-count tables (the model interpolates log P0 linearly in log eps).
P0_EPS = (0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001)
P0_TRIALS = {"uniform": 40_000, "product": 20_000}
#: a fixed-count scan stops once this few failures are seen (the tail is extrapolated: docs/calibration.md, Section 2).
P0_STOP_FAILURES = 4

#: Failure curves: eps values and freeze settings (prune_ratio, lock_ratio) the offset term is
#: fitted to; pruning-only settings need no fit (Proposition C1) and are there as a check.
CURVE_EPS = (0.1, 0.01, 0.001)
CURVE_SETTINGS = {
    "samples": ((0.5, 0.0), (0.7, 0.0), (0.0, 0.1), (0.5, 0.1), (0.0, 0.25), (0.25, 0.25),
                (0.5, 0.25), (0.0, 0.5), (0.3, 0.5)),
    "width": ((0.5, 0.0), (0.0, 0.1), (0.5, 0.1), (0.0, 0.25), (0.25, 0.25), (0.5, 0.25),
              (0.0, 0.5), (0.3, 0.5)),
}
CURVE_TRIALS = {"samples": 10_000, "width": 5_000}
#: the window of a curve: from failure <= CURVE_FAIL_HI to failure <= CURVE_FAIL_LO, n stepping by
#: a factor 1 + CURVE_STRIDE (at least 1).
CURVE_FAIL_HI, CURVE_FAIL_LO, CURVE_STRIDE = 0.4, 0.004, 0.03

#: Held-out settings: none is a curve setting, all lie inside the fitted range.
HELDOUT_SETTINGS = ((0.0, 0.0), (0.25, 0.0), (0.35, 0.35), (0.2, 0.5), (0.3, 0.3), (0.15, 0.05),
                    (0.6, 0.15), (0.1, 0.4), (0.45, 0.2))
HELDOUT_POINTS = {"samples": ((0.1, 0.1), (0.03, 0.05), (0.01, 0.01), (0.003, 0.1), (0.001, 0.01)),
                  "width": ((0.1, 0.1), (0.01, 0.01), (0.003, 0.05))}
HELDOUT_TRIALS = {"samples": 20_000, "width": 5_000}

#: The freeze settings of the looseness table of docs/theory.md, Section 6 (issue 10).
LOOSENESS_SETTINGS = ((0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.0, 0.5), (0.35, 0.35), (0.2, 0.5))

STAGES = ("p0-uniform", "p0-product", "curves-samples", "curves-width", "heldout-samples",
          "heldout-width")


# --------------------------------------------------------------------------- Monte Carlo events

def entry_eps(eps):
    """The per-entry tolerance the construction uses for a depth-1 (1, 1) target
    (docs/theory.md, Lemma 7: ((1 + eps)^(1/l) - 1)/sqrt(d_0 d_1) with l = d_0 = d_1 = 1)."""
    return float(evaluate("ENTRY_ERROR", epsilon=eps, l=1, **{"d_{i-1}": 1, "d_i": 1}))


def _pairs(n, start, stop, seed, prune_ratio, lock_ratio):
    """(u, u_state, v, v_state), each (stop - start, n): the first- and second-layer weights of a
    depth-1 (1, 1) source, iid U[-1, 1] with iid freeze states, from two independent streams of
    slt_theory.montecarlo.draw_trials (so the first n neurons of a trial do not change when n
    grows: common random numbers along a curve)."""
    kw = {"start": start, "stop": stop, "prune_ratio": prune_ratio, "lock_ratio": lock_ratio}
    u, su, _ = draw_trials(n, seed=2 * seed, **kw)
    v, sv, _ = draw_trials(n, seed=2 * seed + 1, **kw)
    return u, su, v, sv


def side_terms(u, su, v, sv, side):
    """Free terms and locked sum of one sign side of one neuron row (docs/theory.md,
    Proposition 4), in neuron order as slt_theory.construction.layer_terms does for d_0 = d_1 = 1:
    neurons with u unpruned and sign(u) == side; a term is locked when u and v are both locked,
    free when v is unpruned and the term is not locked."""
    on = (su != FreezeState.PRUNED) & (np.sign(u) == side)
    terms = u[on] * v[on]
    locked = (su[on] == FreezeState.LOCKED) & (sv[on] == FreezeState.LOCKED)
    free = (sv[on] != FreezeState.PRUNED) & ~locked
    return terms[free], float(terms[locked].sum())


def width_outcomes(n, eps, *, prune_ratio, lock_ratio, start=0, stop, seed):
    """Per trial: does a depth-1 (1, 1) frozen source of hidden width n serve every target weight
    w in [-1, 1] (both sign sides eps_1-cover [-1, 1]; the event of ``covers_every_target``)?

    Returns a bool array of length stop - start; trial t depends only on (seed, t).
    """
    u, su, v, sv = _pairs(n, start, stop, seed, prune_ratio, lock_ratio)
    tol = entry_eps(eps)
    out = np.zeros(stop - start, dtype=bool)
    for t in range(stop - start):
        for side in (1, -1):
            free, locked = side_terms(u[t], su[t], v[t], sv[t], side)
            if not covers(free, tol, locked_sum=locked):
                break
        else:
            out[t] = True
    return out


def product_p0_outcomes(k, eps, *, start=0, stop, seed):
    """Per trial: do k free product terms u v (u ~ U[0, 1], v ~ U[-1, 1]; docs/theory.md,
    Lemma 6) eps_1-cover [-1, 1]? The fixed-count table of one sign side without freezing."""
    u, _, v, _ = _pairs(k, start, stop, seed, 0.0, 0.0)
    terms = np.abs(u) * v
    tol = entry_eps(eps)
    return np.array([covers(terms[t], tol) for t in range(stop - start)], dtype=bool)


def _successes(event, n, eps, prune_ratio, lock_ratio, trials, seed):
    if event == "samples":
        return coverage_probability(n, eps, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                                    trials=trials, seed=seed).successes
    return int(width_outcomes(n, eps, prune_ratio=prune_ratio, lock_ratio=lock_ratio, stop=trials,
                              seed=seed).sum())


# --------------------------------------------------------------------------- tasks (run stores)

def p0_task(params):
    """Fixed-count table of one law: successes out of ``trials`` for K = 1, 2, ... (common random
    numbers along K) until at most P0_STOP_FAILURES trials fail."""
    law, eps, trials, seed = params["law"], params["eps"], params["trials"], params["seed"]
    ks, succ = [], []
    k = 0
    while True:
        k += 1
        if law == "uniform":
            s = coverage_probability(k, eps, trials=trials, seed=seed).successes
        else:
            s = int(product_p0_outcomes(k, eps, stop=trials, seed=seed).sum())
        ks.append(k)
        succ.append(int(s))
        if trials - s <= P0_STOP_FAILURES:
            return {"k": ks, "successes": succ}


class _Curve:
    """Successes at each n for one (event, eps, setting), cached; the first ``trials`` trials of
    one seed at every n (common random numbers)."""

    def __init__(self, event, eps, prune_ratio, lock_ratio, seed):
        self.args = (event, eps, prune_ratio, lock_ratio, seed)
        self.seen = {}

    def failures(self, n, trials):
        key = (n, trials)
        if key not in self.seen:
            event, eps, p, l, seed = self.args
            self.seen[key] = trials - _successes(event, n, eps, p, l, trials, seed)
        return self.seen[key] / trials

    def smallest(self, ok, trials, lo=1):
        """Smallest n >= lo with ok(failure rate at n): doubling, then bisection (the curve is
        monotone up to Monte Carlo noise), then a look below for a non-monotone smaller one."""
        hi = max(lo, 1)
        while not ok(self.failures(hi, trials)):
            lo, hi = hi + 1, 2 * hi
        while lo < hi:
            mid = (lo + hi) // 2
            if ok(self.failures(mid, trials)):
                hi = mid
            else:
                lo = mid + 1
        best = hi
        for m in range(hi - 1, max(0, hi - max(3, hi // 50)) - 1, -1):
            if m >= 1 and ok(self.failures(m, trials)):
                best = m
        return best


def curve_task(params):
    """Failure counts along n for one (event, eps, setting): a pilot with trials // 10 brackets
    the window where the failure rate falls from CURVE_FAIL_HI to CURVE_FAIL_LO; the full trials
    are then run at n = n_a, n_a (1 + CURVE_STRIDE), ... up to where the failure rate is <=
    CURVE_FAIL_LO (and down to where it is >= CURVE_FAIL_HI)."""
    c = _Curve(params["event"], params["eps"], params["prune_ratio"], params["lock_ratio"],
               params["seed"])
    trials = params["trials"]
    pilot = max(500, trials // 10)
    n_a = c.smallest(lambda f: f <= CURVE_FAIL_HI, pilot)
    n_b = c.smallest(lambda f: f <= 2 * CURVE_FAIL_LO, pilot, lo=n_a)
    while n_a > 1 and c.failures(n_a, trials) < CURVE_FAIL_HI:
        n_a = max(1, math.floor(n_a / (1 + CURVE_STRIDE)))
    ns, n = [], n_a
    while True:
        ns.append(n)
        if n >= n_b and c.failures(n, trials) <= CURVE_FAIL_LO:
            break
        n = max(n + 1, round(n * (1 + CURVE_STRIDE)))
    return {"n": ns, "successes": [trials - round(c.failures(m, trials) * trials) for m in ns]}


def heldout_task(params):
    """The Monte Carlo n* at one (event, eps, delta, setting): the smallest n whose failure
    estimate is <= delta (``n_estimate``, the definition of empirical_required_samples), and the
    smallest n whose one-sided 95% Clopper-Pearson upper (``n_low``) and lower (``n_high``) bound
    on the coverage reach 1 - delta: with the usual 95% the true n* lies in [n_low, n_high]."""
    from slt_theory.montecarlo import lower_confidence_bound, upper_confidence_bound

    trials, delta = params["trials"], params["delta"]
    c = _Curve(params["event"], params["eps"], params["prune_ratio"], params["lock_ratio"],
               params["seed"])

    def bound(fn):
        return lambda f: fn(trials - round(f * trials), trials, 0.95) >= 1 - delta

    n_low = c.smallest(bound(upper_confidence_bound), trials)
    n_est = c.smallest(lambda f: f <= delta, trials, lo=n_low)
    n_high = c.smallest(bound(lower_confidence_bound), trials, lo=n_est)
    pts = sorted(n for n, t in c.seen if t == trials)
    return {"n_estimate": n_est, "n_low": n_low, "n_high": n_high, "n": pts,
            "successes": [trials - c.seen[(n, trials)] for n in pts]}


def stage_tasks(stage):
    """(task function, task list) of a stage."""
    if stage.startswith("p0-"):
        law = stage[3:]
        return p0_task, [{"law": law, "eps": e, "trials": P0_TRIALS[law], "seed": SEED_P0}
                         for e in P0_EPS]
    event = stage.split("-")[1]
    if stage.startswith("curves-"):
        # one seed per curve: curves sharing random numbers would share their Monte Carlo error,
        # and the fit would inherit it instead of averaging it out
        grid = [(p, l, e) for p, l in CURVE_SETTINGS[event] for e in CURVE_EPS]
        return curve_task, [{"event": event, "eps": e, "prune_ratio": p, "lock_ratio": l,
                             "trials": CURVE_TRIALS[event], "seed": SEED_CURVES + 1000 * i}
                            for i, (p, l, e) in enumerate(grid)]
    return heldout_task, [{"event": event, "eps": e, "delta": d, "prune_ratio": p,
                           "lock_ratio": l, "trials": HELDOUT_TRIALS[event], "seed": SEED_HELDOUT}
                          for p, l in HELDOUT_SETTINGS for e, d in HELDOUT_POINTS[event]]


def _meta(stage):
    return {"script": "benchmarks/make_calibration.py", "stage": stage, "version": __version__,
            "git_commit": git_commit(ROOT),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def run_stage(stage, only=None, runs=RUNS):
    fn, tasks = stage_tasks(stage)
    if only:
        tasks = [t for t in tasks if all(s in repr(sorted(t.items())) for s in only)]
    t0 = time.time()
    table = run_sweep(fn, tasks, os.path.join(runs, stage), workers=1, progress=False,
                      metadata=_meta(stage))
    print(f"{stage}: {len(table)}/{len(tasks)} tasks done ({time.time() - t0:.0f}s)",
          file=sys.stderr)
    return table


# --------------------------------------------------------------------------- fit (no Monte Carlo)

#: the curve points the offset parameters and kappa are fitted to: Monte Carlo failure rates in
#: this band (the delta range of the model, widened a little)
FIT_BAND = (0.005, 0.15)
KAPPA_BAND = FITTED_DELTA = (0.01, 0.1)
CONFIDENCE = 0.95
_C_GRID = np.arange(0.0, 16.0 + 1e-9, cal.GRID / 2)


def _csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def p0_rows(runs):
    out = []
    for law in ("uniform", "product"):
        for r in sorted(load_table(os.path.join(runs, f"p0-{law}")), key=lambda r: -r["eps"]):
            out += [[law, r["eps"], k, r["trials"], s, r["seed"]]
                    for k, s in zip(r["k"], r["successes"])]
    return out


def curve_rows(runs):
    out = []
    for event in cal.EVENTS:
        table = load_table(os.path.join(runs, f"curves-{event}"))
        for r in sorted(table, key=lambda r: (r["prune_ratio"], r["lock_ratio"], -r["eps"])):
            out += [[event, r["eps"], r["prune_ratio"], r["lock_ratio"], n, r["trials"], s,
                     r["seed"]] for n, s in zip(r["n"], r["successes"])]
    return out


class Points:
    """Curve points with what Model C needs precomputed: G (no parameters) and, for locked ones,
    D(c) = 2 (P(S_n < c) - P(S'_n < c)) on _C_GRID, so that the failure at any theta is an
    interpolation (calibration._side_failure computes the same thing directly)."""

    def __init__(self, rows):
        p0s = {}
        self.key, g, d, q_free, has = [], [], [], [], []
        self.event = rows[0][0] if rows else "samples"
        for event, eps, p, l, n, trials, succ, _ in rows:
            law = cal.EVENTS[event]
            if (law, eps) not in p0s:
                p0s[(law, eps)] = cal.p0_table(law, eps, 20_000)
            qf, ql = cal.slot_probabilities(event, p, l)
            self.key.append((event, eps, p, l, n, trials, trials - succ))
            q_free.append(qf)
            g.append(float(stats.binom.pmf(np.arange(n + 1), n, qf) @ p0s[(law, eps)][: n + 1]))
            has.append(ql > 0)
            d.append(2.0 * (cal.offset_sum_cdf(n, cal.slot_pmf(law, qf, ql), _C_GRID)
                            - cal.offset_sum_cdf(n, cal.slot_pmf(law, qf, 0.0), _C_GRID))
                     if ql > 0 else np.zeros(_C_GRID.size))
        self.eps = np.array([r[1] for r in self.key], dtype=float)
        self.setting = [(r[2], r[3]) for r in self.key]
        self.n = np.array([r[4] for r in self.key], dtype=float)
        self.trials = np.array([r[5] for r in self.key], dtype=float)
        self.fail = np.array([r[6] for r in self.key], dtype=float)
        self.q_free, self.g = np.array(q_free), np.array(g)
        self.locked = np.array(has, dtype=bool)
        self.d = np.array(d).reshape(len(d), _C_GRID.size)

    def subset(self, mask):
        out = object.__new__(Points)
        out.event = self.event
        out.key = [k for k, m in zip(self.key, mask) if m]
        out.setting = [s for s, m in zip(self.setting, mask) if m]
        for name in ("eps", "n", "trials", "fail", "q_free", "g", "locked", "d"):
            setattr(out, name, getattr(self, name)[mask])
        return out

    def failure(self, theta):
        """Model C at every point (calibration.model_failure, through the precomputed D)."""
        m = (theta[0] + theta[1] * np.log2(1.0 / self.eps)) / np.maximum(1.0, self.n * self.q_free)
        pos = np.clip((1.0 + m - _C_GRID[0]) / (_C_GRID[1] - _C_GRID[0]), 0, _C_GRID.size - 1)
        i = np.minimum(np.floor(pos).astype(int), _C_GRID.size - 2)
        w = pos - i
        rows = np.arange(self.d.shape[0])
        h = (1 - w) * self.d[rows, i] + w * self.d[rows, i + 1]
        h = np.where(self.locked, np.clip(h, 0.0, 1.0), 0.0)
        side = 1.0 - (1.0 - self.g) * (1.0 - h)
        return side if self.event == "samples" else 1.0 - (1.0 - side) ** 2


def neg_log_likelihood(theta, pts):
    f = np.clip(pts.failure(theta), 1e-12, 1 - 1e-12)
    return -float(pts.fail @ np.log(f) + (pts.trials - pts.fail) @ np.log1p(-f))


def fit_theta(pts):
    """Maximum-likelihood offset parameters (binomial likelihood of the failure counts of the
    locked curve points whose Monte Carlo rate lies in FIT_BAND)."""
    from scipy import optimize

    rate = pts.fail / pts.trials
    use = pts.subset(pts.locked & (rate >= FIT_BAND[0]) & (rate <= FIT_BAND[1]))
    best = optimize.minimize(neg_log_likelihood, x0=[1.0, 0.3], args=(use,), method="Nelder-Mead",
                             options={"xatol": 1e-4, "fatol": 1e-4, "maxiter": 2000})
    return [float(v) for v in best.x]


def curve_scores(pts, theta_for):
    """Per curve (eps, setting): the largest ratio of the Monte Carlo failure rate (pooled with
    its two neighbours on the curve, so that Monte Carlo noise does not set kappa alone) to the
    model failure, over the points whose pooled rate lies in KAPPA_BAND; theta_for(setting) gives
    the parameters fitted without that setting (leave one setting out)."""
    curves = {}
    for idx, k in enumerate(pts.key):
        curves.setdefault((k[1], k[2], k[3]), []).append(idx)
    out = []
    for (eps, p, l), idx in sorted(curves.items()):
        idx.sort(key=lambda i: pts.n[i])
        model = pts.subset(np.isin(np.arange(len(pts.key)), idx))
        order = np.argsort(model.n)
        f = np.convolve(model.fail[order], np.ones(3), "same")
        t = np.convolve(model.trials[order], np.ones(3), "same")
        rate = f / t
        fit = model.failure(theta_for((p, l)))[order]
        band = (rate >= KAPPA_BAND[0]) & (rate <= KAPPA_BAND[1])
        if band.any():
            out.append(((eps, p, l), float(np.max(rate[band] / fit[band]))))
    return out


def conformal_factor(scores, confidence=CONFIDENCE):
    """Split-conformal upper bound: the ceil((J + 1) confidence)-th smallest of J scores (the
    largest when that rank exceeds J; then the level reached is J / (J + 1))."""
    s = sorted(scores)
    rank = math.ceil((len(s) + 1) * confidence)
    return s[min(rank, len(s)) - 1], min(confidence, len(s) / (len(s) + 1))


def fit_event(event, curves):
    pts = Points([c for c in curves if c[0] == event])
    theta = fit_theta(pts)
    settings = sorted({s for s, lk in zip(pts.setting, pts.locked) if lk})
    loso = {}
    for s in settings:
        keep = np.array([t != s for t in pts.setting])
        loso[s] = fit_theta(pts.subset(keep))
    scores = curve_scores(pts, lambda s: loso.get(s, theta))
    kappa, level = conformal_factor([v for _, v in scores])
    return {"theta": theta, "kappa": max(1.0, kappa), "confidence": level,
            "loso_theta": {f"{p},{l}": t for (p, l), t in loso.items()},
            "curve_scores": [[*k, v] for k, v in scores],
            "n_max": 20_000 if event == "width" else 5_000}


def heldout_rows(runs):
    out = []
    for event in cal.EVENTS:
        path = os.path.join(runs, f"heldout-{event}")
        for r in load_table(path) if os.path.isdir(path) else []:
            fn = cal.calibrated_samples if event == "samples" else cal.calibrated_width
            c = fn(r["eps"], r["delta"], prune_ratio=r["prune_ratio"], lock_ratio=r["lock_ratio"])
            out.append([event, r["eps"], r["delta"], r["prune_ratio"], r["lock_ratio"],
                        r["n_estimate"], r["n_low"], r["n_high"], c.fit, c.n, c.fit - r["n_estimate"],
                        int(abs(c.fit - r["n_estimate"]) <= 2), int(c.n >= r["n_estimate"]),
                        r["trials"], r["seed"]])
    out.sort(key=lambda r: (r[0], r[3], r[4], -r[1], -r[2]))
    return out


HELDOUT_HEADER = ["event", "eps", "delta", "prune_ratio", "lock_ratio", "n_mc", "n_mc_low",
                  "n_mc_high", "n_fit", "n_bound", "fit_minus_mc", "within_2", "bound_above_mc",
                  "trials", "seed"]


def fit_and_write(runs=RUNS, out_dir=DATA):
    """Write the package data: P0 tables and curves (as run), the model, the held-out table."""
    t0 = time.time()
    p0 = p0_rows(runs)
    write_text_atomic(os.path.join(out_dir, "calibration_p0.csv"), _csv_text(
        ["law", "eps", "k", "trials", "successes", "seed"], p0))
    cal._p0_rows.cache_clear()
    curves = curve_rows(runs)
    write_text_atomic(os.path.join(out_dir, "calibration_curves.csv"), _csv_text(
        ["event", "eps", "prune_ratio", "lock_ratio", "n", "trials", "successes", "seed"], curves))
    model = {"model": "C", "doc": "docs/calibration.md", "range": cal.FITTED_RANGE,
             "grid": cal.GRID, "script": "benchmarks/make_calibration.py",
             "version": __version__, "git_commit": git_commit(ROOT),
             "seeds": {"p0": SEED_P0, "curves": SEED_CURVES, "heldout": SEED_HELDOUT,
                       "rule": "curve i of a stage (stage order) uses seeds.curves + 1000 i; "
                               "every row of calibration_curves.csv carries its seed"},
             "trials": {"p0": P0_TRIALS, "curves": CURVE_TRIALS, "heldout": HELDOUT_TRIALS},
             "statement": "uniform", "freezing": "iid",
             "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    for event in cal.EVENTS:
        model[event] = fit_event(event, curves)
        print(f"{event}: theta={model[event]['theta']} kappa={model[event]['kappa']:.3f} "
              f"({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)
    write_json_atomic(os.path.join(out_dir, "calibration_model.json"), model)
    cal._model.cache_clear()
    held = heldout_rows(runs)
    write_text_atomic(os.path.join(out_dir, "calibration_heldout.csv"),
                      _csv_text(HELDOUT_HEADER, held))
    print(f"done in {time.time() - t0:.0f}s", file=sys.stderr)


def markdown_tables(out_dir=DATA):
    """The tables of docs/calibration.md, from the package data (no Monte Carlo, no fit)."""
    import json

    with open(os.path.join(out_dir, "calibration_model.json")) as f:
        model = json.load(f)
    with open(os.path.join(out_dir, "calibration_heldout.csv"), newline="") as f:
        held = list(csv.DictReader(f))
    lines = ["| event | theta_0 | theta_1 | kappa | conformal level | curves |",
             "|---|---|---|---|---|---|"]
    for event in cal.EVENTS:
        m = model[event]
        lines.append(f"| {event} | {m['theta'][0]:.3f} | {m['theta'][1]:.3f} | {m['kappa']:.3f} "
                     f"| {m['confidence']:.3f} | {len(m['curve_scores'])} |")
    lines += ["", ("| event | eps | delta | prune | lock | Monte Carlo n* [95% range] | model n-hat "
                   "| bound | n-hat - n* |"), "|---|---|---|---|---|---|---|---|---|"]
    for r in held:
        mark = "" if r["within_2"] == "1" else " (*)"
        lines.append(f"| {r['event']} | {float(r['eps']):g} | {float(r['delta']):g} | "
                     f"{float(r['prune_ratio']):g} | {float(r['lock_ratio']):g} | {r['n_mc']} "
                     f"[{r['n_mc_low']}, {r['n_mc_high']}] | {r['n_fit']} | {r['n_bound']} | "
                     f"{int(r['fit_minus_mc']):+d}{mark} |")
    lines.append("")
    for event in cal.EVENTS:
        rows = [r for r in held if r["event"] == event]
        if not rows:
            continue
        inside = sum(int(r["n_mc_low"]) <= int(r["n_fit"]) <= int(r["n_mc_high"]) for r in rows)
        lines.append(
            f"{event}: {len(rows)} held-out points; |n-hat - n*| <= 2 at "
            f"{sum(r['within_2'] == '1' for r in rows)}; n-hat inside the 95% range of n* at "
            f"{inside}; bound >= n* at {sum(r['bound_above_mc'] == '1' for r in rows)}; "
            f"largest |n-hat - n*| = {max(abs(int(r['fit_minus_mc'])) for r in rows)}.")
    lines += ["", ("| prune | lock | eps | delta | samples: n-hat | samples: bound | width: n-hat "
                   "| width: bound |"), "|---|---|---|---|---|---|---|---|"]
    for p, l in LOOSENESS_SETTINGS:
        for e in (0.1, 0.01, 0.001):
            for d in (0.1, 0.01):
                a = cal.calibrated_samples(e, d, prune_ratio=p, lock_ratio=l)
                b = cal.calibrated_width(e, d, prune_ratio=p, lock_ratio=l)
                lines.append(f"| {p:g} | {l:g} | {e:g} | {d:g} | {a.fit} | {a.n} | {b.fit} | {b.n} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- command line

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    mc = sub.add_parser("mc", help="run (or resume) one Monte Carlo stage")
    mc.add_argument("stage", choices=STAGES)
    mc.add_argument("--only", nargs="*", default=(),
                    help="run only tasks whose parameters contain every given string, "
                         "e.g. --only \"'eps', 0.1)\"")
    mc.add_argument("--runs", default=RUNS)
    fit = sub.add_parser("fit", help="fit the model and write the package data (no Monte Carlo)")
    fit.add_argument("--runs", default=RUNS)
    fit.add_argument("--out-dir", default=DATA)
    table = sub.add_parser("table", help="print the tables of docs/calibration.md")
    table.add_argument("--out-dir", default=DATA)
    args = ap.parse_args(argv)
    if args.command == "mc":
        run_stage(args.stage, args.only, args.runs)
    elif args.command == "fit":
        fit_and_write(args.runs, args.out_dir)
    else:
        print(markdown_tables(args.out_dir))


if __name__ == "__main__":
    main()
