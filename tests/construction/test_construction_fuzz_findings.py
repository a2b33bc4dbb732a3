"""Regression tests for what the issue-12 fuzz (tests/fuzz) found in the construction room."""

import numpy as np
import pytest

from slt_theory.construction import FrozenSource, success_probability, ticket_forward
from slt_theory.construction.tasks import construction_task
from slt_theory.errors import InvalidParameterError, ResourceLimitError

U, V = np.ones((2, 1)), np.ones((1, 2))


@pytest.mark.parametrize("matrices, x, chunk", [
    ([], np.zeros((0, 1)), 4096),                  # was IndexError
    ([U], np.ones((3, 1)), 4096),                  # odd count: was IndexError
    ([U, V], np.ones((3, 1)), False),              # was ValueError from range(step=0)
    ([U, V], np.ones((3, 1)), 0),
    ([U, V], {}, 4096),                            # was TypeError
    ([U, V], None, 4096),
    ([U, V], "x", 4096),                           # was ValueError from float("x")
    ([U, V], np.ones(3), 4096),                    # 1-D x: was a matmul ValueError
    ([U, V], np.ones((3, 2)), 4096),               # wrong width
    ([U, np.ones((3, 3))], np.ones((3, 1)), 4096),  # shapes do not chain
    (None, np.ones((3, 1)), 4096),
    ("ab", np.ones((3, 1)), 4096),
    ([U, V], np.full((3, 1), np.nan), 4096),
])
def test_ticket_forward_checks_shapes_first(matrices, x, chunk):
    with pytest.raises(InvalidParameterError):
        ticket_forward(matrices, x, chunk=chunk)


def test_ticket_forward_still_computes():
    u, v = np.array([[1.0], [-1.0]]), np.array([[0.5, -0.5]])
    assert ticket_forward([u, v], np.array([[2.0], [-2.0]]), chunk=1).tolist() == [[1.0], [-1.0]]


def test_success_probability_sizes_seeds_before_listing_them():
    with pytest.raises(ResourceLimitError, match="seeds"):  # was MemoryError from list()
        success_probability((1, 1), 20, 0.2, seeds=range(10**12))
    for seeds in ([], 3, "abc", [-1], [1.5], [True], None):
        with pytest.raises(InvalidParameterError, match="seeds"):
            success_probability((1, 1), 20, 0.2, seeds=seeds)


@pytest.mark.parametrize("params", [
    None, "abc", [1], {}, dict(widths=[1, 1], width=20, eps=0.2, seeds="x"),
    dict(widths=3, width=20, eps=0.2, seeds=2), dict(widths=[1, 1], width=20, eps=0.2, seeds=2.5),
    dict(widths=[1, 1], width=20, eps=0.2, seeds=2, unknown=1),
    dict(widths=[1, 1], width=20, eps=0.2, seeds=10**12),
])
def test_construction_task_checks_its_params(params):
    # were TypeError / KeyError / ValueError / MemoryError
    with pytest.raises(InvalidParameterError):
        construction_task(params)


def test_construction_task_still_runs():
    row = construction_task(dict(widths=[1, 1], width=20, eps=0.2, seeds=2))
    assert row["trials"] == 2 and 0 <= row["successes"] <= 2


def test_frozen_source_names_wrong_kinds_of_argument():
    s = FrozenSource.random((1, 1), 10, seed=0)
    parts = [s.first, s.second, s.first_state, s.second_state, s.block_sizes]
    for i, bad in [(0, "x"), (0, None), (0, (np.array([1.0]),)), (1, None), (4, (0,)),
                   (4, ("10",)), (4, (True,))]:
        args = list(parts)
        args[i] = bad
        with pytest.raises(InvalidParameterError):  # were AttributeError / TypeError
            FrozenSource(*args)
    assert FrozenSource(*parts).widths == (1, 1)


def test_probe_points_refuses_what_would_not_fit_in_memory():
    from slt_theory.construction import probe_points

    with pytest.raises(ResourceLimitError, match="bytes"):  # 2**70 was a numpy ValueError
        probe_points(2**70, 50, 0)
    assert probe_points(3, 10, 0).shape[1] == 3


def test_locked_kink_extremes():
    """Slow tier of the issue-12 fuzz: locked_kink_window(1e-6, 0.1, 1e-300, 2) divided by 0
    (q underflows to 0: now lo = inf, no width makes a kink likely) and no_ticket_certified(...,
    1e308) raised OverflowError from Fraction(inf)."""
    import math

    from slt_theory.construction import locked_kink_window, no_ticket_certified

    lo, hi = locked_kink_window(1e-6, 0.1, 1e-300, 2)
    assert lo == math.inf and hi == locked_kink_window(1e-6, 0.1, 0.05, 2)[1]
    source = FrozenSource.random((2, 1), 3, lock_ratio=0.6, seed=3)
    with pytest.raises(InvalidParameterError, match="overflows"):
        no_ticket_certified(source, 1e308)


def test_measure_error_evaluates_in_chunks_and_matches_one_pass():
    # 2 n_random rows through the target at once asked for terabytes (slow-tier fuzz, issue 12):
    # the chunked evaluation must give the same maximum as the whole batch did
    import numpy as np

    from slt_theory import FrozenSource, TargetNetwork, construct_ticket, measure_error
    from slt_theory.construction import verification

    target = TargetNetwork.random((2, 2), seed=1)
    source = FrozenSource.from_width((2, 2), 64, seed=2)
    result = construct_ticket(target, source, 0.1)
    whole = measure_error(target, source, result, n_random=3000, refine_rounds=0)
    chunk, verification._ERROR_CHUNK = verification._ERROR_CHUNK, 97
    try:
        parts = measure_error(target, source, result, n_random=3000, refine_rounds=0)
    finally:
        verification._ERROR_CHUNK = chunk
    assert parts.max_error == whole.max_error and parts.points == whole.points
    assert np.array_equal(parts.worst_point, whole.worst_point)


def test_measure_error_takes_an_integral_float_seed_as_probe_points_does():
    # seed=0.0 passed probe_points but reached SeedSequence in the local search as a float
    # (TypeError; slow-tier fuzz, issue 12)
    from slt_theory import FrozenSource, TargetNetwork, construct_ticket, measure_error

    target = TargetNetwork.random((1, 1), seed=1)
    source = FrozenSource.from_width((1, 1), 16, seed=2)
    result = construct_ticket(target, source, 0.2)
    a = measure_error(target, source, result, n_random=50, seed=0.0, refine_rounds=5)
    b = measure_error(target, source, result, n_random=50, seed=0, refine_rounds=5)
    assert a.max_error == b.max_error


def test_measure_error_bounds_its_work():
    # refine_rounds=2**70 never ended (slow-tier fuzz, issue 12)
    from slt_theory import FrozenSource, TargetNetwork, construct_ticket, measure_error
    from slt_theory.construction.verification import MAX_RANDOM_POINTS, MAX_REFINE_ROUNDS

    target = TargetNetwork.random((1, 1), seed=1)
    source = FrozenSource.from_width((1, 1), 16, seed=2)
    result = construct_ticket(target, source, 0.2)
    with pytest.raises(InvalidParameterError, match="refine_rounds"):
        measure_error(target, source, result, refine_rounds=2**70)
    with pytest.raises(InvalidParameterError, match="refine_rounds"):
        measure_error(target, source, result, refine_rounds=MAX_REFINE_ROUNDS + 1)
    with pytest.raises(InvalidParameterError, match="n_random"):
        measure_error(target, source, result, n_random=MAX_RANDOM_POINTS + 1)
