"""The shipped calibration table: lookups, errors, and that it agrees with fresh Monte Carlo."""

import math

import pytest

from slt_theory.bounds.calibration import available_settings, calibrated_samples
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import coverage_probability, upper_confidence_bound

REQUIRED = [(0.0, 0.0), (0.5, 0.0), (0.25, 0.25), (0.3, 0.3), (0.35, 0.35), (0.0, 0.3), (0.7, 0.0)]


def test_table_has_the_required_settings():
    have = available_settings()
    for s in REQUIRED:
        assert any(abs(s[0] - p) <= 1e-9 and abs(s[1] - l) <= 1e-9 for p, l in have)


def test_fields_and_monotonicity():
    r = calibrated_samples(0.01, 0.05)
    assert isinstance(r.n, int) and r.confidence == 0.95 and "log2(1/eps)" in r.formula
    assert r.a > 0 and r.b > 0 and r.n >= r.fit
    assert calibrated_samples(0.001, 0.05).n >= r.n
    assert calibrated_samples(0.01, 0.01).n >= r.n
    assert calibrated_samples(0.01, 0.05, prune_ratio=0.5 + 1e-12).n > r.n  # match within 1e-9
    assert r.n >= math.ceil(math.log2(1 / 0.01))


def test_unknown_setting_names_the_available_ones():
    with pytest.raises(InvalidParameterError, match=r"\(0\.0, 0\.0\)"):
        calibrated_samples(0.01, 0.05, prune_ratio=0.1)
    with pytest.raises(InvalidParameterError):
        calibrated_samples(0.0, 0.05)


@pytest.mark.parametrize("eps, delta, p, l", [(0.01, 0.05, 0.0, 0.0), (0.03, 0.1, 0.25, 0.25),
                                              (0.003, 0.05, 0.0, 0.3)])
def test_calibrated_n_reaches_the_target(eps, delta, p, l):
    """At the calibrated n (fresh seed) the data must not reject coverage >= 1 - delta."""
    n = calibrated_samples(eps, delta, prune_ratio=p, lock_ratio=l).n
    r = coverage_probability(n, eps, prune_ratio=p, lock_ratio=l, trials=2000, seed=99)
    assert upper_confidence_bound(r.successes, r.trials, 0.99) >= 1 - delta
