"""The bridge test: at the n (or width) a proved bound prescribes, the Monte Carlo success rate
is at least 1 - delta. The exact coverage test is the plain one of Lemma 1 (docs/theory.md) or,
for the heavy-freezing points, the numba engine of slt_theory.montecarlo (held against the plain
one by its own tests); widths are checked with construct_ticket, covers_every_target (the uniform
event) and the independent forward pass measure_error. The tolerance is a one-sided 99.9%
Clopper-Pearson upper confidence bound, never a tuned number.
"""

import functools

import numpy as np
import pytest

from slt_theory import bounds, montecarlo
from slt_theory.construction import (
    FrozenSource,
    TargetNetwork,
    construct_ticket,
    covers_every_target,
    measure_error,
)
from slt_theory.solvers.reference import covers_reference

LEVEL = 0.999
upper_confidence_bound = functools.partial(montecarlo.upper_confidence_bound, level=LEVEL)


def test_upper_confidence_bound_is_a_real_test():
    # 1,950 successes in 2,000 trials cannot be reconciled with a rate of 0.99
    assert upper_confidence_bound(1950, 2000) < 0.99
    assert upper_confidence_bound(1990, 2000) >= 0.99


def frozen_draw(rng, n, prune_ratio, lock_ratio):
    values = rng.uniform(-1.0, 1.0, n)
    state = rng.uniform(0.0, 1.0, n)
    locked = state >= 1.0 - lock_ratio
    free = (state >= prune_ratio) & ~locked
    return values[free], float(values[locked].sum())


def coverage_successes(n, eps, prune_ratio, lock_ratio, trials, seed):
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(trials):
        free, locked_sum = frozen_draw(rng, n, prune_ratio, lock_ratio)
        hits += covers_reference(free, eps, locked_sum=locked_sum)
    return hits


# (eps, delta, prune_ratio, lock_ratio): no freezing, pruning only, locking >= 0.3 with
# prune + lock >= 0.6, all at eps <= 1e-2
DEFAULT_POINTS = [
    (0.01, 0.1, 0.0, 0.0),
    (0.01, 0.1, 0.6, 0.0),
    (0.01, 0.05, 0.3, 0.3),
    (0.01, 0.1, 0.2, 0.4),
]
SLOW_POINTS = [
    (0.001, 0.01, 0.0, 0.0),
    (0.001, 0.1, 0.5, 0.0),
    (0.001, 0.01, 0.3, 0.3),
    (0.005, 0.01, 0.35, 0.35),
]


def _check_samples_point(eps, delta, prune_ratio, lock_ratio, trials=2000):
    n = bounds.required_samples(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
    hits = coverage_successes(n, eps, prune_ratio, lock_ratio, trials, seed=12345)
    assert upper_confidence_bound(hits, trials) >= 1 - delta, (n, hits, trials)


@pytest.mark.parametrize("point", DEFAULT_POINTS)
def test_required_samples_holds_in_monte_carlo(point):
    _check_samples_point(*point)


@pytest.mark.slow
@pytest.mark.parametrize("point", SLOW_POINTS)
def test_required_samples_holds_in_monte_carlo_slow(point):
    _check_samples_point(*point)


# heavy freezing: prune_ratio + lock_ratio >= 0.8
HEAVY_POINTS = [
    (0.05, 0.1, 0.4, 0.4),
    (0.1, 0.1, 0.0, 0.8),
    (0.1, 0.1, 0.8, 0.0),
    (0.05, 0.05, 0.3, 0.55),
]


@pytest.mark.parametrize("point", HEAVY_POINTS)
def test_required_samples_holds_under_heavy_freezing(point):
    eps, delta, prune_ratio, lock_ratio = point
    assert prune_ratio + lock_ratio >= 0.8
    n = bounds.required_samples(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
    r = montecarlo.coverage_probability(n, eps, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                                        trials=2000, seed=99)
    assert upper_confidence_bound(r.successes, r.trials) >= 1 - delta, (n, r.successes)


@pytest.mark.slow
@pytest.mark.parametrize("point", HEAVY_POINTS)
def test_required_samples_holds_under_heavy_freezing_plain(point):
    _check_samples_point(*point)


def two_layer_success(rng, width, eps, prune_ratio, lock_ratio):
    """Theorem 4 checked directly: both sign sides of sum_i v_i relu(u_i x) eps-cover [-1, 1]."""
    u, v = rng.uniform(-1.0, 1.0, (2, width))
    su, sv = rng.uniform(0.0, 1.0, (2, width))
    pruned = (su < prune_ratio) | (sv < prune_ratio)
    locked = (su >= 1 - lock_ratio) & (sv >= 1 - lock_ratio)
    free = ~pruned & ~locked
    terms = u * v
    for side in (u > 0, u < 0):
        if not covers_reference(terms[side & free], eps, locked_sum=float(terms[side & locked].sum())):
            return False
    return True


@pytest.mark.parametrize("eps,delta,prune_ratio,lock_ratio,trials", [
    (0.05, 0.05, 0.0, 0.0, 300),
    (0.05, 0.05, 0.3, 0.3, 300),
    (0.01, 0.01, 0.25, 0.25, 2000),
    pytest.param(0.01, 0.01, 0.6, 0.0, 2000, marks=pytest.mark.slow),
])
def test_required_width_holds_for_one_weight(eps, delta, prune_ratio, lock_ratio, trials):
    width = bounds.required_width(eps, delta=delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
    rng = np.random.default_rng(2024)
    hits = sum(two_layer_success(rng, width, eps, prune_ratio, lock_ratio) for _ in range(trials))
    assert upper_confidence_bound(hits, trials) >= 1 - delta, (width, hits, trials)


@pytest.mark.parametrize("eps,delta,prune_ratio,lock_ratio", [(0.1, 0.1, 0.4, 0.4), (0.1, 0.1, 0.0, 0.8)])
def test_required_width_holds_for_one_weight_under_heavy_freezing(eps, delta, prune_ratio, lock_ratio):
    width = bounds.required_width(eps, delta=delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio)
    rng = np.random.default_rng(2025)
    trials = 300
    hits = sum(two_layer_success(rng, width, eps, prune_ratio, lock_ratio) for _ in range(trials))
    assert upper_confidence_bound(hits, trials) >= 1 - delta, (width, hits, trials)


def _network_bridge(widths, prune_ratio, eps, seeds):
    """Theorem 5 (A) at its width: the uniform event (covers_every_target), the constructed
    ticket of each seed's target, and that ticket's error in an independent forward pass."""
    delta = eps
    width = bounds.required_width(eps, prune_ratio=prune_ratio, depth=len(widths) - 1,
                                  widths=widths)
    uniform = pointwise = 0
    for s in seeds:
        source = FrozenSource.from_width(widths, width, prune_ratio=prune_ratio, seed=s)
        target = TargetNetwork.random(widths, seed=s)
        uniform += covers_every_target(source, eps) == 0
        result = construct_ticket(target, source, eps)
        pointwise += result.success
        if result.success:
            measured = measure_error(target, source, result, n_random=256, seed=s,
                                     refine_rounds=5).max_error
            assert measured <= eps * (1 + 1e-9), (s, measured)
    trials = len(seeds)
    assert upper_confidence_bound(uniform, trials) >= 1 - delta, (width, uniform, trials)
    assert upper_confidence_bound(pointwise, trials) >= 1 - delta, (width, pointwise, trials)


def test_required_width_holds_at_depth_two_with_several_inputs():
    _network_bridge((2, 3, 2), 0.3, 0.1, range(40))


@pytest.mark.slow
@pytest.mark.parametrize("widths,prune_ratio", [((2, 3, 2), 0.3), ((4, 2, 3), 0.0),
                                                ((3, 4, 1), 0.5), ((2, 4, 4), 0.2)])
def test_required_width_holds_at_depth_two_with_several_inputs_slow(widths, prune_ratio):
    _network_bridge(widths, prune_ratio, 0.1, range(200))
