"""Monte Carlo engine: kernel against the plain twin trial by trial, reproducibility across threads
and chunkings, the freezing laws, the confidence bounds, and the proved bound against simulation."""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import (
    TRIAL_BLOCK,
    clopper_pearson,
    coverage_probability,
    coverage_trials,
    draw_trials,
    empirical_required_samples,
    lower_confidence_bound,
    upper_confidence_bound,
)
from slt_theory.solvers.reference import covers_reference
from slt_theory.solvers.subset_sum import FreezeState


def _twin_outcomes(n, eps, stop, **opts):
    """The same trials answered by the plain twin, one Python call per trial."""
    vals, state, targets = draw_trials(n, stop=stop, **opts)
    out = []
    for row, srow, (lo, hi) in zip(vals, state, targets):
        free = row[srow == FreezeState.FREE]
        free = free[np.argsort(np.abs(free), kind="stable")]  # the kernel's processing order
        locked = 0.0
        for w in row[srow == FreezeState.LOCKED]:
            locked += w
        out.append(covers_reference(free, eps, locked_sum=locked, lo=lo, hi=hi))
    return np.array(out)


OPTION_GRID = [
    dict(),
    dict(prune_ratio=0.25, lock_ratio=0.25),
    dict(prune_ratio=0.3, lock_ratio=0.3, freezing="exact"),
    dict(lock_ratio=0.3, statement="pointwise"),
    dict(prune_ratio=0.2, lock_ratio=0.2, distribution="product"),
    dict(prune_ratio=0.2, distribution="normal", lo=-0.5, hi=0.5),
    dict(lock_ratio=0.1, distribution="kaiming", statement="pointwise", freezing="exact"),
]


@pytest.mark.parametrize("opts", OPTION_GRID)
def test_kernel_matches_twin_trial_by_trial(opts):
    n, eps, trials = 14, 0.05, 150
    got = coverage_trials(n, eps, stop=trials, seed=11, **opts)
    want = _twin_outcomes(n, eps, trials, seed=11, **opts)
    assert (got == want).all()


@pytest.mark.parametrize("opts", OPTION_GRID[:5])
def test_serial_parallel_chunked_identical(opts):
    n, eps, trials = 24, 0.02, TRIAL_BLOCK + 300
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = coverage_trials(n, eps, stop=trials, seed=5, **opts)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        parallel = coverage_trials(n, eps, stop=trials, seed=5, **opts)
    finally:
        numba.set_num_threads(before)
    chunked = coverage_trials(n, eps, stop=trials, seed=5, chunk=77, **opts)
    pieces = np.concatenate([
        coverage_trials(n, eps, start=a, stop=b, seed=5, **opts)
        for a, b in [(0, 5), (5, TRIAL_BLOCK + 1), (TRIAL_BLOCK + 1, trials)]
    ])
    assert (serial == parallel).all() and (serial == chunked).all() and (serial == pieces).all()


def test_seed_reproduces_and_differs():
    a = coverage_probability(16, 0.05, trials=600, seed=3, prune_ratio=0.25, lock_ratio=0.25)
    b = coverage_probability(16, 0.05, trials=600, seed=3, prune_ratio=0.25, lock_ratio=0.25)
    c = coverage_probability(16, 0.05, trials=600, seed=4, prune_ratio=0.25, lock_ratio=0.25)
    assert a == b
    v3, _, _ = draw_trials(16, stop=10, seed=3)
    v4, _, _ = draw_trials(16, stop=10, seed=4)
    assert not np.array_equal(v3, v4) and c.seed == 4


def test_result_fields():
    r = coverage_probability(18, 0.05, trials=400, seed=0, prune_ratio=0.1, lock_ratio=0.2)
    assert r.interval == "clopper-pearson" and r.confidence == 0.95
    assert (r.n, r.eps, r.trials, r.prune_ratio, r.lock_ratio) == (18, 0.05, 400, 0.1, 0.2)
    assert r.freeze_ratio == pytest.approx(0.3)
    assert (r.ci_low, r.ci_high) == clopper_pearson(r.successes, 400)
    assert r.estimate == r.successes / 400


def test_no_freezing_is_the_default():
    assert (coverage_trials(20, 0.03, stop=300, prune_ratio=0.0, lock_ratio=0.0)
            == coverage_trials(20, 0.03, stop=300)).all()


def test_pruning_only_is_monotone_in_n():
    """Sample i of a trial does not depend on n, so with pruning only a larger n adds options."""
    small = coverage_trials(15, 0.03, stop=500, seed=2, prune_ratio=0.3)
    large = coverage_trials(22, 0.03, stop=500, seed=2, prune_ratio=0.3)
    assert (large >= small).all() and large.sum() > small.sum()


def test_exact_freezing_counts():
    n = 13
    _, state, _ = draw_trials(n, stop=50, seed=1, prune_ratio=0.3, lock_ratio=0.25, freezing="exact")
    assert ((state == FreezeState.PRUNED).sum(axis=1) == round(0.3 * n)).all()
    assert ((state == FreezeState.LOCKED).sum(axis=1) == round(0.25 * n)).all()


def test_iid_freezing_rates_within_confidence():
    n, trials = 10, 2000
    _, state, _ = draw_trials(n, stop=trials, seed=9, prune_ratio=0.3, lock_ratio=0.2)
    for code, p in [(FreezeState.PRUNED, 0.3), (FreezeState.LOCKED, 0.2)]:
        k = int((state == code).sum())
        lo, hi = clopper_pearson(k, n * trials, 0.999)
        assert lo <= p <= hi


def test_product_terms_drop_negative_u():
    vals, state, _ = draw_trials(50, stop=200, seed=0, distribution="product")
    present = state != FreezeState.PRUNED
    k = int(present.sum())
    lo, hi = clopper_pearson(k, vals.size, 0.999)
    assert lo <= 0.5 <= hi  # P(u > 0) = 1/2
    assert (np.abs(vals) <= 1).all()


def test_pointwise_is_easier_than_uniform():
    u = coverage_trials(12, 0.05, stop=400, seed=1)
    p = coverage_trials(12, 0.05, stop=400, seed=1, statement="pointwise")
    assert p.sum() >= u.sum()


def test_confidence_bounds_against_scipy():
    for k, n in [(0, 10), (3, 10), (10, 10), (977, 1000)]:
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
        assert clopper_pearson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)
        one = stats.binomtest(k, n, alternative="less").proportion_ci(0.99, method="exact")
        assert upper_confidence_bound(k, n, 0.99) == pytest.approx(one.high, abs=1e-12)
        assert lower_confidence_bound(k, n, 0.99) <= k / n <= upper_confidence_bound(k, n, 0.99)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 500), st.data())
def test_upper_bound_monotone(trials, data):
    k = data.draw(st.integers(0, trials))
    assert upper_confidence_bound(k, trials, 0.99) >= upper_confidence_bound(k, trials, 0.9)
    if k < trials:
        assert upper_confidence_bound(k + 1, trials) >= upper_confidence_bound(k, trials)


def test_empirical_required_samples():
    r = empirical_required_samples(0.05, 0.1, trials=400, seed=0)
    assert r.n_estimate <= r.n_confident
    assert r.ns == sorted(r.ns) and r.n_confident in r.ns
    by_n = {c.n: c for c in r.curve}
    assert by_n[r.n_estimate].estimate >= 0.9
    assert all(c.estimate < 0.9 for c in r.curve if c.n < r.n_estimate)
    assert lower_confidence_bound(by_n[r.n_confident].successes, 400) >= 0.9
    frozen = empirical_required_samples(0.05, 0.1, trials=400, seed=0, prune_ratio=0.5)
    assert frozen.n_confident > r.n_confident


@pytest.mark.parametrize(
    "call",
    [
        lambda: coverage_probability(-1, 0.1),
        lambda: coverage_probability(5, 0.0),
        lambda: coverage_probability(5, 0.1, trials=0),
        lambda: coverage_probability(5, 0.1, prune_ratio=0.6, lock_ratio=0.4),
        lambda: coverage_probability(5, 0.1, statement="both"),
        lambda: coverage_probability(5, 0.1, freezing="fixed"),
        lambda: coverage_probability(5, 0.1, distribution="cauchy"),
        lambda: coverage_probability(5, 0.1, seed=-1),
        lambda: coverage_probability(5, 0.1, lo=1.0, hi=-1.0),
        lambda: coverage_probability(30, 1e-9, trials=2, max_intervals=100),
        lambda: empirical_required_samples(0.1, 1.0),
        lambda: empirical_required_samples(1e-3, 0.01, trials=50, n_max=4),
        lambda: upper_confidence_bound(5, 4),
        lambda: upper_confidence_bound(1, 4, 1.0),
    ],
)
def test_bad_input(call):
    with pytest.raises(InvalidParameterError):
        call()


BRIDGE_GRID = [
    (eps, delta, p, l)
    for eps in (0.1, 0.01)
    for delta in (0.1, 0.01)
    for p, l in [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.0, 0.3)]
]


@pytest.mark.parametrize("eps, delta, prune_ratio, lock_ratio", BRIDGE_GRID)
def test_proved_bound_holds_in_simulation(eps, delta, prune_ratio, lock_ratio):
    """At the n that the proved bound prescribes, the data must not reject coverage >= 1 - delta
    (one-sided Clopper-Pearson at 99%, 2,000 trials)."""
    bounds = pytest.importorskip("slt_theory.bounds")
    if not hasattr(bounds, "required_samples"):
        pytest.skip("slt_theory.bounds.required_samples not there yet")
    n = bounds.required_samples(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
    r = coverage_probability(n, eps, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                             trials=2000, seed=2024)
    assert upper_confidence_bound(r.successes, r.trials, 0.99) >= 1 - delta, (n, r.estimate)


@pytest.mark.slow
@pytest.mark.parametrize("eps, delta, prune_ratio, lock_ratio", [
    (eps, delta, p, l) for eps in (0.1, 0.01, 0.001) for delta in (0.1, 0.05, 0.01)
    for p, l in [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.3, 0.3), (0.35, 0.35), (0.0, 0.3),
                 (0.7, 0.0)]
])
def test_proved_bound_holds_in_simulation_full_grid(eps, delta, prune_ratio, lock_ratio):
    test_proved_bound_holds_in_simulation(eps, delta, prune_ratio, lock_ratio)


@pytest.mark.slow
@pytest.mark.parametrize("opts", OPTION_GRID)
def test_kernel_matches_twin_many_trials(opts):
    got = coverage_trials(20, 0.01, stop=1500, seed=12, **opts)
    assert (got == _twin_outcomes(20, 0.01, 1500, seed=12, **opts)).all()


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 12), eps=st.floats(0.01, 0.5), p=st.sampled_from([0.0, 0.2, 0.5]),
       l=st.sampled_from([0.0, 0.2, 0.4]), seed=st.integers(0, 2**32),
       statement=st.sampled_from(["uniform", "pointwise"]),
       freezing=st.sampled_from(["iid", "exact"]),
       distribution=st.sampled_from(["uniform", "product", "normal", "kaiming"]))
def test_kernel_matches_twin_hypothesis(n, eps, p, l, seed, statement, freezing, distribution):
    opts = dict(seed=seed, prune_ratio=p, lock_ratio=l, statement=statement, freezing=freezing,
                distribution=distribution)
    assert (coverage_trials(n, eps, stop=40, **opts) == _twin_outcomes(n, eps, 40, **opts)).all()


def test_no_samples():
    assert coverage_probability(0, 1.0, trials=20).estimate == 1.0  # the empty sum 0 covers
    assert coverage_probability(0, 0.5, trials=20).estimate == 0.0
    assert coverage_probability(0, 0.5, trials=20, distribution="kaiming").estimate == 0.0
