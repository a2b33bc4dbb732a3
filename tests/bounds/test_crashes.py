"""Regressions for the bounds crashes of issue 12 (item 3: crashes on valid input; item 12: the
unbounded `slt width --depth 100000`): each call returns a number or raises the named error."""

import math
import signal

import pytest

from empirical import cli
from slt_theory import bounds, required_samples, required_width, ticket_size, width_bound
from slt_theory.errors import InvalidParameterError


@pytest.fixture
def time_limit():
    """Fail instead of hanging (a guard, not a benchmark)."""
    def handler(signum, frame):
        raise TimeoutError("call did not finish within the guard")

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(300)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_wide_targets_do_not_overflow_the_counting_bound(capsys):
    # 2**64 was a Python big int inside a lambdified expression (TypeError)
    assert cli.main(["width", "--eps", "0.1", "--widths", "1", "64"]) == 0
    assert "Width of a partially frozen random source" in capsys.readouterr().out
    wb = width_bound(0.1, widths=(1, 64))
    assert wb.width == required_width(0.1, widths=(1, 64)) and wb.lower_bound >= 1
    assert ticket_size(0.1, widths=(1, 64)).width == wb.width
    assert cli.main(["size", "--eps", "0.1", "--widths", "1", "64"]) == 0
    # far past 2^1023, where 2.0**d overflows a float: the count of states is d_0 + d_1 + O(1)
    huge = float(bounds.evaluate("COUNTING_WIDTH_DEPTH1", epsilon=0.1,
                                 **{"d_{i-1}": 3000, "d_i": 2000}))
    assert math.isfinite(huge) and huge > 0


def test_tiny_eps_gives_theorem_1s_count():
    # ZeroDivisionError (eps^2 underflowed): the log form gives ceil(log(8/(eps^2 delta))/log(4/3))
    expected = math.ceil((math.log(8) + 400 * math.log(10) + math.log(10)) / math.log(4 / 3))
    assert required_samples(1e-200, 0.1) == expected
    assert required_samples(1e-200, 0.1, prune_ratio=0.5) > expected


@pytest.mark.parametrize("argv", [
    ["width", "--freeze-ratio", "0.9999999"],
    ["width", "--prune-ratio", "0.5", "--lock-ratio", "0.4999"],
])
def test_extreme_freezing_answers_or_refuses_by_name(argv, capsys, time_limit):
    # OverflowError before; now a number, or exit 2 with a message naming the computed range
    rc = cli.main(argv)
    captured = capsys.readouterr()
    assert rc in (0, 2)
    if rc == 0:
        assert "Width of a partially frozen random source" in captured.out
    else:
        assert "N_MAX" in captured.err and "free share" in captured.err


def test_extreme_freezing_in_the_api(time_limit):
    n = required_samples(0.01, 0.01, prune_ratio=0.4999, lock_ratio=0.4999)
    assert n > 10**6
    with pytest.raises(InvalidParameterError, match="N_MAX"):
        required_width(0.01, 0.9999999)


def test_deep_targets_are_fast_and_bounded(capsys, time_limit):
    # 79 s before: the bounds are now computed once per distinct layer shape
    assert cli.main(["width", "--depth", "100000"]) == 0
    out = capsys.readouterr().out
    assert "in each of the 100,000 inserted layers" in out
    assert required_width(0.01, depth=100000, widths=(1,) * 100001) > required_width(0.01, depth=10,
                                                                                      widths=(1,) * 11)
    with pytest.raises(InvalidParameterError, match="depth"):
        required_width(0.01, depth=bounds.width.MAX_DEPTH + 1,
                       widths=(1,) * (bounds.width.MAX_DEPTH + 2))
