"""Paired differences and validation selection: the fast interval against its slow twin, and the
bookkeeping properties the frontier relies on."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empirical.paired import paired_difference, paired_difference_reference, select_best
from slt_theory.errors import InvalidParameterError

values = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=2, max_size=12)


@settings(max_examples=25, deadline=None)
@given(values, st.data(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_fast_interval_matches_the_slow_twin(a, data, confidence):
    b = data.draw(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=len(a),
                           max_size=len(a)))
    fast = paired_difference(dict(enumerate(a)), dict(enumerate(b)), confidence)
    slow = paired_difference_reference(dict(enumerate(a)), dict(enumerate(b)), confidence)
    assert fast.seeds == slow.seeds == len(a)
    assert fast.mean == pytest.approx(slow.mean, abs=1e-12)
    assert fast.ci_low == pytest.approx(slow.ci_low, abs=1e-6)
    assert fast.ci_high == pytest.approx(slow.ci_high, abs=1e-6)


def test_known_t_interval():
    # differences 0.1, 0.05, 0.15: mean 0.1, sd 0.05, t_{0.975, 2} = 4.302653
    r = paired_difference({0: 0.9, 1: 0.8, 2: 0.85}, {0: 0.8, 1: 0.75, 2: 0.7})
    half = 4.302653 * 0.05 / math.sqrt(3)
    assert r.mean == pytest.approx(0.1)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.1 - half, 0.1 + half), abs=1e-6)
    assert not r.excludes_zero  # 0.1 - 0.124 < 0


def test_pairing_removes_what_the_seed_shares():
    # a and b differ by exactly 0.02 on every seed, while seeds differ by 0.3: the paired interval
    # is a point, where two independent means would overlap entirely
    base = {s: 0.5 + 0.1 * s for s in range(4)}
    r = paired_difference({s: v + 0.02 for s, v in base.items()}, base)
    assert r.mean == pytest.approx(0.02)
    assert r.ci_high - r.ci_low == pytest.approx(0.0, abs=1e-12) and r.excludes_zero


def test_only_common_seeds_are_paired_and_one_seed_has_no_interval():
    r = paired_difference({0: 1.0, 1: 0.5, 7: 0.0}, {1: 0.25, 9: 1.0})
    assert r.seeds == 1 and r.mean == 0.25 and math.isnan(r.ci_low) and not r.excludes_zero
    with pytest.raises(InvalidParameterError):
        paired_difference({0: 1.0}, {1: 1.0})
    with pytest.raises(InvalidParameterError):
        paired_difference({0: math.nan}, {0: 1.0})
    with pytest.raises(InvalidParameterError):
        paired_difference({0: 1.0}, {0: 1.0}, confidence=1.0)


# accuracies on a grid of 1/8 add up exactly in binary, so equal means are exactly equal in any
# summation order and the tie rule is tested, not the rounding
eighths = st.integers(0, 8).map(lambda i: i / 8)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), eighths, eighths), min_size=1, max_size=20),
       st.randoms())
def test_selection_uses_the_validation_mean_and_not_the_row_order(rows, rnd):
    rows = [{"k": k, "val_acc": v, "test_acc": t} for k, v, t in rows]
    best, score = select_best(rows, key=lambda r: r["k"])
    means = {k: sum(r["val_acc"] for r in rows if r["k"] == k) / sum(r["k"] == k for r in rows)
             for k in {r["k"] for r in rows}}
    assert score == max(means.values())
    assert best == min(k for k, m in means.items() if m == score)  # ties: smallest setting
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert select_best(shuffled, key=lambda r: r["k"]) == (best, score)


def test_selection_never_reads_test_accuracy():
    rows = [{"k": "a", "val_acc": 0.9, "test_acc": 0.1}, {"k": "b", "val_acc": 0.8, "test_acc": 1.0}]
    assert select_best(rows, key=lambda r: r["k"])[0] == "a"
    with pytest.raises(InvalidParameterError):
        select_best([{"k": 1}], key=lambda r: r["k"])


# --------------------------------------------------------------------------- issue-12 fuzz finds


def test_select_best_takes_a_field_name_as_key():
    rows = [{"k": 0.3, "val_acc": 0.8}, {"k": 0.3, "val_acc": 0.9},
            {"k": 0.5, "val_acc": 0.86}, {"k": 0.5, "val_acc": 0.86}]
    # select_best(rows, "k") was a TypeError ('str' object is not callable)
    assert select_best(rows, "k") == select_best(rows, key=lambda r: r["k"]) == (0.5, 0.86)
    with pytest.raises(InvalidParameterError, match="no 'missing'"):
        select_best(rows, "missing")


@pytest.mark.parametrize("rows, key, match", [
    ([1, 2], "k", r"rows\[0\] must be a dict"),  # was a TypeError of `in`
    ("abc", "k", "non-empty list of rows"),
    ([{"k": 1, "val_acc": "x"}], "k", r"rows\[0\]\['val_acc'\]"),  # was a ValueError of float()
    ([{"k": 1, "val_acc": float("nan")}], "k", "finite"),  # a NaN mean won or lost at random
    ([{"k": [1], "val_acc": 0.5}], "k", "hashable"),
    ([{"k": 1, "val_acc": 0.5}, {"k": "a", "val_acc": 0.5}], "k", "must sort"),
    ([{"k": 1, "val_acc": 0.5}], 3, "key must be a callable"),
])
def test_select_best_refuses_bad_rows_by_name(rows, key, match):
    with pytest.raises(InvalidParameterError, match=match):
        select_best(rows, key)


@pytest.mark.parametrize("fn", [paired_difference, paired_difference_reference])
def test_paired_difference_refuses_seeds_that_do_not_sort(fn):
    # sorted() of mixed seed kinds was a TypeError, in the pairing and in its message
    with pytest.raises(InvalidParameterError, match="comparable"):
        fn({"a": 1.0, 0: 2.0}, {"a": 1.0, 0: 1.0})
    with pytest.raises(InvalidParameterError, match="share no seed"):
        fn({"a": 1.0, 0: 2.0}, {})
    with pytest.raises(InvalidParameterError, match=r"a\[0\]"):
        fn({0: "x"}, {0: 1.0})
