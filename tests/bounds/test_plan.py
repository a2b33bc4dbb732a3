"""The Theorem 3'' / Theorem 5 plan (slt_theory.bounds.plan): the input checks of its public back
ends (issue 12), and that the checked entries give the numbers of the cores the bounds use."""

import numpy as np
import pytest

from slt_theory.bounds import plan, theorem2
from slt_theory.errors import InvalidParameterError, ResourceLimitError

SHAPE = plan.NetworkShape.of(0.1, 0.2, 0.0, 2, (2, 2, 1))

BAD = [
    # n must be counts: negative, fractional, non-finite, beyond N_MAX, 2-D, booleans, strings
    (plan.samples_failure, ([-1], 0.1, 0.0, 0.0), "ns"),
    (plan.samples_failure, ([2.5], 0.1, 0.0, 0.0), "ns"),
    (plan.samples_failure, ([np.nan], 0.1, 0.0, 0.0), "ns"),
    (plan.samples_failure, ([10**13], 0.1, 0.0, 0.0), "ns"),
    (plan.samples_failure, (np.ones((2, 2)), 0.1, 0.0, 0.0), "ns"),
    (plan.samples_failure, ([True], 0.1, 0.0, 0.0), "ns"),
    (plan.samples_failure, ("40", 0.1, 0.0, 0.0), "ns"),
    (plan.samples_failure, ([40], 1.5, 0.0, 0.0), "eps"),
    (plan.samples_failure, ([40], 0.1, 0.7, 0.3), "freeze_ratio"),
    (plan.samples_failure, ([40], 0.1, 0.0, 0.0, "closed"), "window_failure"),
    (plan.samples_failure, ([40], 0.1, 0.0, 0.0, None, "no"), "detail"),
    (plan.smallest_samples, (0.1, float("nan"), 0.0, 0.0), "delta"),
    (plan.smallest_samples, (0.0, 0.1, 0.0, 0.0), "eps"),
    (plan.smallest_samples, (0.1, 0.1, 0.0, 0.0, 3), "window_failure"),
    (plan.network_failure, ([0], SHAPE), "widths_h"),
    (plan.network_failure, ([64], (0.1, 0.2, 0.0, 2, (2, 2, 1))), "NetworkShape"),
    (plan.network_failure, ([64], SHAPE, []), "window_failure"),
    (plan.width_plan, (None, 0.1), "NetworkShape"),
    (plan.width_plan, (SHAPE, 1.0), "delta"),
    (plan.width_plan, (SHAPE, 0.1, "x"), "window_failure"),
]


@pytest.mark.parametrize("fn, args, name", BAD, ids=lambda v: getattr(v, "__name__", None))
def test_bad_input_is_named(fn, args, name):
    with pytest.raises(InvalidParameterError, match=name):
        fn(*args)


def test_too_many_points_in_one_call_is_a_resource_limit():
    with pytest.raises(ResourceLimitError, match="ns holds"):
        plan.samples_failure(np.arange(1, 2**15), 0.1, 0.0, 0.0)


def test_checked_entries_give_the_numbers_of_the_cores():
    ns = np.array([1.0, 40.0, 400.0])
    assert np.array_equal(plan.samples_failure([1, 40, 400], 0.1, 0.2, 0.1),
                          plan._samples_failure(ns, 0.1, 0.2, 0.1))
    assert np.array_equal(plan.samples_failure(np.int64(40), np.float32(0.25), 0.0, 0.0),
                          plan._samples_failure(np.array([40.0]), float(np.float32(0.25)),
                                                0.0, 0.0))
    best, where = plan.samples_failure([40], 0.1, 0.0, 0.0, detail=np.bool_(True))
    assert best.shape == where.shape == (1,)
    assert np.array_equal(plan.network_failure([64, 128], SHAPE),
                          np.minimum(1.0, sum(plan._parts([64, 128], SHAPE, None))))
    closed = theorem2.closed_form_window_failure
    assert plan.smallest_samples(0.1, 0.1, 0.0, 0.0, closed) == plan.smallest_samples(
        0.1, 0.1, 0.0, 0.0)
    assert plan.width_plan(SHAPE, 0.1).width >= 1
