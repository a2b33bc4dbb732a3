"""constant="certified": Theorem 2'' with the computer-assisted certificate (docs/theory.md,
Section 1.3) in place of Theorem 1's closed form. It is a proved bound, never above the closed
form's, inverted by the same searches, and it holds in Monte Carlo (the bridge test of
test_bounds_montecarlo.py, at the certified n)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bounds_montecarlo import coverage_successes, upper_confidence_bound  # same folder

import slt_theory
from slt_theory import bounds, montecarlo
from slt_theory.errors import InvalidParameterError

points = st.tuples(
    st.sampled_from([0.2, 0.1, 0.03, 0.01, 1e-3, 1e-4]),
    st.sampled_from([0.2, 0.1, 0.01, 1e-4]),
    st.floats(0.0, 0.6),
    st.floats(0.0, 0.3),
)


@settings(max_examples=6, deadline=None)
@given(points)
def test_certified_samples_never_exceed_proved_and_invert_their_bound(point):
    eps, delta, p, lam = point
    proved = slt_theory.required_samples(eps, delta, prune_ratio=p, lock_ratio=lam)
    n = slt_theory.required_samples(eps, delta, prune_ratio=p, lock_ratio=lam, constant="certified")
    assert n <= proved
    kw = dict(prune_ratio=p, lock_ratio=lam, constant="certified")
    assert slt_theory.failure_bound(n, eps, **kw) <= delta
    if n > 1:
        assert slt_theory.failure_bound(n - 1, eps, **kw) > delta
    assert slt_theory.failure_bound(n, eps, **kw) <= slt_theory.failure_bound(
        n, eps, prune_ratio=p, lock_ratio=lam)


def test_certified_is_strictly_smaller_without_freezing_at_small_eps():
    # the certificate's gain is in the eps coefficient (docs/theory.md, Section 1.3.5)
    assert (slt_theory.required_samples(1e-3, 0.01, constant="certified")
            < slt_theory.required_samples(1e-3, 0.01))


@pytest.mark.parametrize("kw", [dict(freeze_ratio=0.5), dict(prune_ratio=0.5),
                                pytest.param(dict(depth=2, widths=(2, 3, 1), prune_ratio=0.2),
                                             marks=pytest.mark.slow)])
def test_certified_widths_never_exceed_proved(kw):
    proved = bounds.width_bound(0.05, **kw)
    certified = bounds.width_bound(0.05, constant="certified", **kw)
    assert certified.width <= proved.width
    assert certified.failure <= 0.05
    assert "certificate" in certified.statement
    assert slt_theory.failure_bound(certified.width, 0.05, kind="width", constant="certified",
                                    **kw) <= 0.05


def test_failure_bound_names_the_allowed_constants():
    with pytest.raises(InvalidParameterError, match="constant"):
        slt_theory.failure_bound(10, 0.1, constant="calibrated")


@pytest.mark.parametrize("eps,delta,prune_ratio,lock_ratio", [
    (0.01, 0.1, 0.0, 0.0),
    (0.01, 0.05, 0.3, 0.3),
    pytest.param(0.001, 0.01, 0.0, 0.0, marks=pytest.mark.slow),
    pytest.param(0.005, 0.01, 0.35, 0.35, marks=pytest.mark.slow),
])
def test_certified_samples_hold_in_monte_carlo(eps, delta, prune_ratio, lock_ratio):
    n = bounds.required_samples(eps, delta, prune_ratio=prune_ratio, lock_ratio=lock_ratio,
                                constant="certified")
    hits = coverage_successes(n, eps, prune_ratio, lock_ratio, 2000, seed=777)
    assert upper_confidence_bound(hits, 2000) >= 1 - delta, (n, hits)


def test_certified_samples_hold_under_heavy_freezing():
    r = montecarlo.coverage_probability(
        bounds.required_samples(0.1, 0.1, prune_ratio=0.4, lock_ratio=0.4, constant="certified"),
        0.1, prune_ratio=0.4, lock_ratio=0.4, trials=2000, seed=5)
    assert upper_confidence_bound(r.successes, r.trials) >= 0.9
