"""The calibrated model of the Monte Carlo n* (docs/calibration.md): its pieces against their
plain twins, the shipped data against fresh Monte Carlo, the model's structure, and the
prediction bound against Monte Carlo at held-out points."""

import csv
import itertools
import json
import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import make_calibration as mk
from slt_theory.bounds import calibration as cal
from slt_theory.bounds.calibration import calibrated_failure, calibrated_samples, calibrated_width
from slt_theory.construction import FrozenSource, covers_every_target
from slt_theory.errors import InvalidParameterError, ResourceLimitError
from slt_theory.montecarlo import coverage_probability, upper_confidence_bound

DATA = os.path.dirname(cal._MODEL)


def _csv(name):
    with open(os.path.join(DATA, name), newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- the pieces and twins

@settings(max_examples=40, deadline=None)
@given(law=st.sampled_from(["uniform", "product"]), q_free=st.floats(0.0, 1.0),
       share=st.floats(0.0, 1.0))
def test_slot_pmf_is_the_slot_law(law, q_free, share):
    """Bin masses sum to 1 and give the slot mean q_f E[X^+] (E[X^+] = 1/4 for U[-1, 1], 1/8 for
    the product law of Lemma 6) up to the rounding to the grid (the uniform parts are symmetric
    within their bins except the bins cut at -1, 0 and 1)."""
    q_locked = share * (1.0 - q_free)
    w = cal.slot_pmf(law, q_free, q_locked)
    j = np.arange(w.size) - (w.size - 1) // 2
    assert (w >= 0).all() and abs(w.sum() - 1.0) < 1e-12
    mean_pos = 0.25 if law == "uniform" else 0.125
    assert abs(float(w @ j) * cal.GRID - q_free * mean_pos) <= 2 * cal.GRID


@settings(max_examples=40, deadline=None)
@given(law=st.sampled_from(["uniform", "product"]), q_free=st.floats(0.05, 1.0),
       share=st.floats(0.0, 1.0), n=st.integers(0, 12),
       c=st.lists(st.floats(-6.0, 8.0), min_size=1, max_size=4))
def test_offset_sum_cdf_matches_repeated_convolution(law, q_free, share, n, c):
    """The FFT (fast path) against n explicit convolutions of the grid law (plain twin)."""
    w = cal.slot_pmf(law, q_free, share * (1.0 - q_free))
    dist = np.array([1.0])
    for _ in range(n):
        dist = np.convolve(dist, w)
    j_max = (w.size - 1) // 2
    x = np.arange(-n * j_max, n * j_max + 1)
    got = cal.offset_sum_cdf(n, w, c)
    for ci, g in zip(c, got):
        k = math.floor(ci / cal.GRID + 0.5)
        ref = dist[x < k].sum() + (ci / cal.GRID + 0.5 - k) * dist[x == k].sum()
        assert abs(g - min(ref, 1.0)) < 1e-9


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 40), eps=st.sampled_from([0.05, 0.1, 0.2]),
       p=st.sampled_from([0.0, 0.2, 0.5]), l=st.sampled_from([0.0, 0.1, 0.3]),
       seed=st.integers(0, 10_000))
def test_width_outcomes_is_the_constructions_event(n, eps, p, l, seed):
    """width_outcomes (one Monte Carlo path for the one-weight width) against
    covers_every_target on a FrozenSource holding the very same weights and states."""
    trials = 6
    fast = mk.width_outcomes(n, eps, prune_ratio=p, lock_ratio=l, stop=trials, seed=seed)
    u, su, v, sv = mk._pairs(n, 0, trials, seed, p, l)
    for t in range(trials):
        src = FrozenSource((u[t][:, None],), (v[t][None, :],), (su[t][:, None],),
                           (sv[t][None, :],), (n,), p, l, "iid", 0) if n else None
        slow = covers_every_target(src, eps) == 0 if n else False
        assert bool(fast[t]) == slow


def test_fit_points_are_the_model():
    """The fit's precomputed failures (make_calibration.Points) equal calibration.model_failure:
    the CDF is linear between bin edges, which lie on the fit's threshold grid."""
    rows = [r for r in _csv("calibration_curves.csv") if float(r["lock_ratio"]) > 0][::97]
    rows = [[r["event"], float(r["eps"]), float(r["prune_ratio"]), float(r["lock_ratio"]),
             int(r["n"]), int(r["trials"]), int(r["successes"]), int(r["seed"])] for r in rows]
    theta = [-5.0, 1.5]
    for event in ("samples", "width"):
        mine = [r for r in rows if r[0] == event]
        got = mk.Points(mine).failure(theta)
        for r, g in zip(mine, got):
            assert g == pytest.approx(cal.model_failure(r[4], r[1], r[2], r[3], event, theta),
                                      abs=1e-9)


@pytest.mark.parametrize("eps, delta, p", [(0.1, 0.1, 0.0), (0.05, 0.05, 0.3), (0.02, 0.1, 0.6)])
def test_heldout_search_is_empirical_required_samples(eps, delta, p):
    """The held-out n* (bisection on the curve) is n_estimate / n_confident of
    slt_theory.empirical_required_samples with the same seed and trials: without locking the
    curve with common random numbers is monotone (a free or pruned sample never breaks a cover),
    so the two searches must agree exactly."""
    from slt_theory.montecarlo import empirical_required_samples

    got = mk.heldout_task({"event": "samples", "eps": eps, "delta": delta, "prune_ratio": p,
                           "lock_ratio": 0.0, "trials": 600, "seed": 5})
    ref = empirical_required_samples(eps, delta, prune_ratio=p, trials=600, seed=5)
    assert (got["n_estimate"], got["n_high"]) == (ref.n_estimate, ref.n_confident)
    assert got["n_low"] <= got["n_estimate"] <= got["n_high"]


# --------------------------------------------------------------------------- the shipped data

def test_stored_points_recompute():
    """A few stored Monte Carlo points, recomputed with their seed and trials, agree exactly."""
    p0 = [r for r in _csv("calibration_p0.csv") if float(r["eps"]) == 0.1]
    for law, k in (("uniform", 6), ("product", 6)):
        row = next(r for r in p0 if r["law"] == law and int(r["k"]) == k)
        trials, seed = int(row["trials"]), int(row["seed"])
        got = (coverage_probability(k, 0.1, trials=trials, seed=seed).successes if law == "uniform"
               else int(mk.product_p0_outcomes(k, 0.1, stop=trials, seed=seed).sum()))
        assert got == int(row["successes"])
    curves = _csv("calibration_curves.csv")
    for event in ("samples", "width"):
        row = min((r for r in curves if r["event"] == event and float(r["eps"]) == 0.1
                   and float(r["lock_ratio"]) == 0.0), key=lambda r: int(r["n"]))
        got = mk._successes(event, int(row["n"]), 0.1, float(row["prune_ratio"]), 0.0,
                            int(row["trials"]), int(row["seed"]))
        assert got == int(row["successes"])


def test_model_file_carries_provenance_and_range():
    with open(cal._MODEL) as f:
        model = json.load(f)
    for key in ("version", "git_commit", "seeds", "trials", "date", "range"):
        assert key in model
    assert {k: tuple(v) for k, v in model["range"].items()} == cal.FITTED_RANGE
    for event in cal.EVENTS:
        assert model[event]["kappa"] >= 1.0 and len(model[event]["theta"]) == 2


def test_p0_table_is_monotone_and_interpolates():
    for law in ("uniform", "product"):
        a, b = cal.p0_table(law, 0.01, 80), cal.p0_table(law, 0.005, 80)
        mid = cal.p0_table(law, math.sqrt(0.01 * 0.005), 80)
        assert (np.diff(a) <= 0).all() and a[0] == 1.0
        assert (a <= b + 1e-15).all()           # a smaller eps never fails less
        assert (np.minimum(a, b) - 1e-15 <= mid).all() and (mid <= np.maximum(a, b) + 1e-15).all()


# --------------------------------------------------------------------------- the model

def test_no_freezing_is_the_table():
    """Proposition C1 with f = 1: the model n* of the samples event is the smallest K whose
    tabulated P0(K, eps) is <= delta."""
    for eps, delta in ((0.1, 0.1), (0.01, 0.05), (0.001, 0.01)):
        p0 = cal.p0_table("uniform", eps, 200)
        assert calibrated_samples(eps, delta).fit == int(np.argmax(p0 <= delta))


def test_pruning_only_has_no_offset_term():
    """Without locking H = 0 whatever theta: the failure is the binomial mixture of P0."""
    from scipy import stats

    for n in (30, 60):
        p0 = cal.p0_table("uniform", 0.01, n)
        expect = float(stats.binom.pmf(np.arange(n + 1), n, 0.5) @ p0)
        for theta in ([0.0, 0.0], [5.0, 3.0]):
            assert cal.model_failure(n, 0.01, 0.5, 0.0, "samples", theta) == pytest.approx(expect)


@pytest.mark.parametrize("event", ["samples", "width"])
def test_monotone_in_every_argument(event):
    fn = calibrated_samples if event == "samples" else calibrated_width
    base = fn(0.01, 0.05, prune_ratio=0.2, lock_ratio=0.2)
    assert base.n >= base.fit >= 1 and base.event == event
    assert fn(0.001, 0.05, prune_ratio=0.2, lock_ratio=0.2).fit >= base.fit
    assert fn(0.01, 0.01, prune_ratio=0.2, lock_ratio=0.2).fit >= base.fit
    assert fn(0.01, 0.05, prune_ratio=0.4, lock_ratio=0.2).fit > base.fit
    assert fn(0.01, 0.05, prune_ratio=0.2, lock_ratio=0.4).fit > base.fit


@pytest.mark.parametrize("event, p, l", [("samples", 0.35, 0.35), ("samples", 0.3, 0.5),
                                         ("width", 0.2, 0.5), ("width", 0.8, 0.0)])
def test_model_failure_is_non_increasing_in_n(event, p, l):
    """The bisection of _smallest_n needs it: checked on every n up to the bound at delta = 0.01."""
    eps = 0.001
    top = (calibrated_samples if event == "samples" else calibrated_width)(
        eps, 0.01, prune_ratio=p, lock_ratio=l).n
    step = max(1, top // 150)
    f = [calibrated_failure(n, eps, prune_ratio=p, lock_ratio=l, event=event)
         for n in range(1, top + 1, step)]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(f))


def test_outside_the_range_names_it():
    with pytest.raises(InvalidParameterError, match=r"lock_ratio=0\.6.*calibrated range"):
        calibrated_samples(0.01, 0.05, lock_ratio=0.6)
    with pytest.raises(InvalidParameterError, match=r"freeze_ratio=0\.9.*\[0\.0, 0\.8\]"):
        calibrated_width(0.01, 0.05, prune_ratio=0.5, lock_ratio=0.4)
    with pytest.raises(InvalidParameterError, match=r"eps=0\.0001"):
        calibrated_samples(1e-4, 0.05)
    with pytest.raises(InvalidParameterError, match=r"delta=0\.2"):
        calibrated_width(0.01, 0.2)
    with pytest.raises(InvalidParameterError, match="eps"):
        calibrated_samples(0.0, 0.05)
    with pytest.raises(InvalidParameterError, match="event"):
        calibrated_failure(10, 0.01, event="depth")


def test_heldout_table_is_the_current_model():
    """calibration_heldout.csv was written by this model: its n_fit and n_bound recompute."""
    rows = _csv("calibration_heldout.csv")
    assert rows
    for r in rows[:: max(1, len(rows) // 12)]:
        fn = calibrated_samples if r["event"] == "samples" else calibrated_width
        c = fn(float(r["eps"]), float(r["delta"]), prune_ratio=float(r["prune_ratio"]),
               lock_ratio=float(r["lock_ratio"]))
        assert (c.fit, c.n) == (int(r["n_fit"]), int(r["n_bound"]))
        assert int(r["n_mc_low"]) <= int(r["n_mc"]) <= int(r["n_mc_high"])


# --------------------------------------------------------------------------- against Monte Carlo

def _reaches(event, eps, delta, p, l, trials, seed):
    """At the calibrated bound, fresh Monte Carlo (a seed the model never saw) must not reject
    coverage >= 1 - delta (one-sided Clopper-Pearson at 99%)."""
    fn = calibrated_samples if event == "samples" else calibrated_width
    n = fn(eps, delta, prune_ratio=p, lock_ratio=l).n
    ok = mk._successes(event, n, eps, p, l, trials, seed)
    return upper_confidence_bound(ok, trials, 0.99) >= 1 - delta


@pytest.mark.parametrize("event, eps, delta, p, l", [
    ("samples", 0.1, 0.1, 0.35, 0.35), ("samples", 0.03, 0.05, 0.6, 0.15),
    ("width", 0.1, 0.1, 0.1, 0.4)])
def test_bound_reaches_the_target_fresh_seed(event, eps, delta, p, l):
    assert _reaches(event, eps, delta, p, l, 2_000, 99)


@pytest.mark.slow
@pytest.mark.parametrize("event", ["samples", "width"])
@pytest.mark.parametrize("eps, delta, p, l", [
    (0.003, 0.01, 0.35, 0.35), (0.001, 0.05, 0.2, 0.5), (0.02, 0.02, 0.45, 0.2),
    (0.005, 0.01, 0.75, 0.05), (0.001, 0.01, 0.0, 0.0)])
def test_bound_reaches_the_target_heldout(event, eps, delta, p, l):
    assert _reaches(event, eps, delta, p, l, 10_000 if event == "samples" else 4_000, 7)


# --------------------------------------------------------------------------- input checks (issue 12)

_W = cal.slot_pmf("uniform", 0.5, 0.25)

_BAD_INPUT = [
    (cal.slot_probabilities, ("depth", 0.2, 0.1), "event"),
    (cal.slot_probabilities, ("samples", 0.7, 0.3), "freeze_ratio"),
    (cal.slot_probabilities, ("samples", 0.2, float("nan")), "lock_ratio"),
    (cal.slot_pmf, ("normal", 0.5, 0.25), "law"),
    (cal.slot_pmf, ("uniform", 1.5, 0.0), "q_free"),
    (cal.slot_pmf, ("uniform", 0.5, -0.25), "q_locked"),
    (cal.slot_pmf, ("uniform", 0.75, 0.5), "q_free \\+ q_locked"),
    (cal.slot_pmf, ("uniform", 0.5, 0.25, 0.0), "grid"),
    (cal.slot_pmf, ("uniform", 0.5, 0.25, 2.0**-17), "grid"),    # 2^18 bins
    (cal.sum_distribution, (-1, _W, 0.0, 1.0), "n"),
    (cal.sum_distribution, (2.5, _W, 0.0, 1.0), "n"),
    (cal.sum_distribution, (3, _W, 1.0, 0.0), "bottom must be <= top"),
    (cal.sum_distribution, (3, _W, 0.0, float("inf")), "top"),
    (cal.sum_distribution, (3, _W, -1e300, 1.0), "bottom and top"),
    (cal.sum_distribution, (3, np.array([0.5, 0.5]), 0.0, 1.0), "pmf"),     # even size
    (cal.sum_distribution, (3, np.array([0.5, 0.6, -0.1]), 0.0, 1.0), "pmf"),
    (cal.sum_distribution, (3, _W * 2, 0.0, 1.0), "pmf"),                    # sums to 2
    (cal.sum_distribution, (3, np.full(3, np.nan), 0.0, 1.0), "pmf"),
    (cal.sum_distribution, (3, "abc", 0.0, 1.0), "pmf"),
    (cal.offset_sum_cdf, (3, _W, []), "thresholds"),
    (cal.offset_sum_cdf, (3, _W, [np.nan]), "thresholds"),
    (cal.offset_sum_cdf, (3, _W, ["a"]), "thresholds"),
    (cal.offset_sum_cdf, (3, _W, [[0.5], [1.0, 2.0]]), "thresholds"),
    (cal.p0_table, ("normal", 0.01, 40), "law"),
    (cal.p0_table, ("uniform", "0.01", 40), "eps"),
    (cal.p0_table, ("uniform", 0.01, -1), "k_max"),
    (cal.p0_table, ("uniform", 0.01, cal.P0_K_MAX + 1), "k_max"),
    (cal.p0_table, ("uniform", 0.5, 40), "outside the P0 table"),
]


@pytest.mark.parametrize("fn, args, name", _BAD_INPUT, ids=lambda v: getattr(v, "__name__", None))
def test_bad_input_is_named(fn, args, name):
    with pytest.raises(InvalidParameterError, match=name):
        fn(*args)


@pytest.mark.parametrize("n, bottom, top", [(10**6, 0.0, 1.0), (10**12, 0.0, 1.0),
                                            (0, -1e6, 1e6)])
def test_a_window_past_the_fft_limit_is_refused_before_allocating(n, bottom, top):
    with pytest.raises(ResourceLimitError, match="MAX_FFT_SIZE"):
        cal.sum_distribution(n, _W, bottom, top)


def test_a_refused_long_array_is_named_briefly():
    with pytest.raises(InvalidParameterError, match="pmf") as err:
        cal.sum_distribution(3, _W * 2, 0.0, 1.0)
    assert len(str(err.value)) < 400


def test_checked_entries_give_the_numbers_of_the_cores():
    assert cal.slot_probabilities("width", 0.2, 0.1) == cal._slot_probabilities("width", 0.2, 0.1)
    assert np.array_equal(cal.slot_pmf(np.str_("uniform"), 0.5, 0.25), _W)
    lo, part, below = cal.sum_distribution(7, _W, -1.0, 1.5)
    lo2, part2, below2 = cal._sum_distribution(7, _W, -1.0, 1.5)
    assert lo == lo2 and below == below2 and np.array_equal(part, part2)
    assert np.array_equal(cal.offset_sum_cdf(7, list(_W), 0.5),
                          cal._offset_sum_cdf(7, _W, np.array([0.5])))
    assert np.array_equal(cal.p0_table("product", np.float64(0.01), np.int64(50)),
                          cal._p0_table("product", 0.01, 50))
