"""Regression tests for what the issue-12 fuzz (tests/fuzz) found in the bounds room: each input
crashed with an unrelated exception and is now a named InvalidParameterError."""

import math

import numpy as np
import pytest

from slt_theory.bounds import evaluate, window_samples
from slt_theory.bounds.certificate import MAX_K, window_failure_bound
from slt_theory.errors import InvalidParameterError


@pytest.mark.parametrize("name", ["C_SYMBOLIC ", "evaluate", "os", "np", 3, None])
def test_evaluate_names_only_expressions(name):
    # was KeyError ('C_SYMBOLIC ') or AttributeError (a function or module has no free_symbols)
    with pytest.raises(InvalidParameterError, match="expr_name"):
        evaluate(name, rho=0.75)


def test_evaluate_names_a_missing_value():
    with pytest.raises(InvalidParameterError, match="needs values"):  # was KeyError
        evaluate("WINDOW_SAMPLES", epsilon=0.1)
    assert math.isclose(float(evaluate("C_SYMBOLIC", rho=0.75)), 10.428, abs_tol=5e-4)


@pytest.mark.parametrize("args", [
    (-1.0, 0.1), (0.0, 0.1), (0.1, 0.1, 1.0, 0.0), ([], 0.1),
    (0.1, 0.1, 1.0, []), (0.1, 0.1, 1.0, ""), (0.1, 0.1, 1.0, 10**400), (0.1, 0.1, float("nan")),
    (0.1, 0.1, 0.0),
])
def test_window_samples_checks_its_arguments(args):
    # were ValueError / OverflowError / ZeroDivisionError / TypeError from inside the formula
    with pytest.raises(InvalidParameterError):
        window_samples(*args)


def test_window_samples_still_gives_theorem_1():
    assert window_samples(0.01, 0.01) == 56
    assert window_samples(0.1, 0.1, 1.0, 0.75) == window_samples(0.1, 0.1)


@pytest.mark.parametrize("k", [2**70, MAX_K + 1, [0, 2**60], np.array([1e300])])
def test_window_failure_bound_refuses_k_beyond_2_to_53(k):
    # 2**70 was OverflowError (Python int too large to convert to C long)
    with pytest.raises(InvalidParameterError, match="K"):
        window_failure_bound(k, 0.01)


def test_window_failure_bound_at_the_largest_k_is_the_smallest_float():
    # rounded upward (certified), so the smallest positive float rather than 0
    assert 0.0 <= float(window_failure_bound(MAX_K, 0.01)) <= 5e-324


# Found by the slow tier of the issue-12 fuzz (tests/fuzz, -m slow).

@pytest.mark.parametrize("call", [
    lambda: __import__("slt_theory.bounds", fromlist=["x"]).width_bound(1e-200),
    lambda: __import__("slt_theory.bounds", fromlist=["x"]).required_width(1e-200),
    lambda: __import__("slt_theory.bounds.size", fromlist=["x"]).ticket_size(1e-200),
    lambda: __import__("slt_theory.bounds", fromlist=["x"]).counting_lower_bound_samples(5e-324),
    lambda: window_samples(0.1, 0.1, 1.0, 5e-324),
    lambda: window_failure_bound([[1.0], [2.0, 3.0]], 0.01),
    lambda: __import__("slt_theory.bounds.calibration", fromlist=["x"]).calibrated_failure(
        2**70, 0.1),
], ids=["width_bound", "required_width", "ticket_size", "counting", "window_samples_rho",
        "ragged_K", "calibrated_failure_n"])
def test_extreme_values_are_named_errors(call):
    # were OverflowError (float infinity to integer; (34, 'Numerical result out of range')) or
    # ValueError (a ragged array; "Maximum allowed dimension exceeded")
    with pytest.raises(InvalidParameterError):
        call()


@pytest.mark.parametrize("fn", ["width_bound", "required_width"])
def test_widths_beyond_2_to_53_are_refused(fn):
    """Slow tier of the issue-12 fuzz: widths=(1, 2**70) reached numpy's sqrt as a Python int
    (TypeError: loop of ufunc does not support argument 0 of type int)."""
    import slt_theory.bounds as b
    from slt_theory.bounds.size import ticket_size

    for call in (getattr(b, fn), ticket_size):
        with pytest.raises(InvalidParameterError, match="widths"):
            call(0.1, widths=(1, 2**70))
