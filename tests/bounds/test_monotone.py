"""Every n above the returned one is covered (docs/theory.md, Proposition 5): at random points
(eps, delta, prune_ratio, lock_ratio) the returned n and every n' in [n, n + 200] satisfy
failure_bound(n') <= delta, and n - 1 does not; the same for widths."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory import bounds
from slt_theory.bounds import plan
from slt_theory.errors import InvalidParameterError


def _points(count, seed):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        eps = float(10 ** rng.uniform(-4, np.log10(0.5)))
        delta = float(10 ** rng.uniform(-4, np.log10(0.5)))
        freeze = float(rng.uniform(0, 0.9))
        share = float(rng.uniform(0, 1))
        prune, lock = freeze * share, freeze * (1 - share)
        if rng.uniform() < 0.2:  # pure pruning and pure locking corners
            prune, lock = (freeze, 0.0) if rng.uniform() < 0.5 else (0.0, freeze)
        out.append((eps, delta, prune, lock))
    return out


def _check_samples(points):
    for eps, delta, prune, lock in points:
        n = bounds.required_samples(eps, delta, prune_ratio=prune, lock_ratio=lock)
        window = plan.samples_failure(np.arange(n, n + 201), eps, prune, lock)
        assert np.all(window <= delta), (eps, delta, prune, lock, n, window.max())
        assert np.all(np.diff(window) <= 0)  # Proposition 5
        if n > 1:
            assert bounds.failure_bound(n - 1, eps, prune_ratio=prune, lock_ratio=lock) > delta
        # the public call gives the same numbers
        assert bounds.failure_bound(n, eps, prune_ratio=prune, lock_ratio=lock) == window[0]


def test_every_larger_n_is_covered_at_200_random_points():
    _check_samples(_points(200, seed=10))


def test_the_issue_example_is_now_monotone():
    # issue 10: the first version returned 14984 here while its conditions failed at 14988-14992
    eps, delta, prune, lock = 0.1, 1e-3, 0.3, 0.6
    n = bounds.required_samples(eps, delta, prune_ratio=prune, lock_ratio=lock)
    window = plan.samples_failure(np.arange(n, n + 2001), eps, prune, lock)
    assert np.all(window <= delta) and np.all(np.diff(window) <= 0)


def _check_widths(points, widths):
    for eps, delta, prune, lock in points:
        h = bounds.required_width(eps, delta=delta, prune_ratio=prune, lock_ratio=lock,
                                  depth=len(widths) - 1, widths=widths)
        shape = plan.NetworkShape.of(eps, prune, lock, len(widths) - 1, widths)
        window = plan.network_failure(np.arange(h, h + 201), shape)
        assert np.all(window <= delta), (eps, delta, prune, lock, h)
        assert np.all(np.diff(window) <= 0)
        if h > 1:
            assert bounds.failure_bound(h - 1, eps, prune_ratio=prune, lock_ratio=lock,
                                        depth=len(widths) - 1, widths=widths, kind="width") > delta


def test_every_larger_width_is_covered_one_weight():
    _check_widths(_points(40, seed=11), (1, 1))


@pytest.mark.slow
def test_every_larger_width_is_covered_200_points():
    _check_widths(_points(200, seed=12), (1, 1))
    # pruning only with several inputs (Theorem 5 (A)); locking with single inputs (B)
    pts = _points(60, seed=13)
    _check_widths([(e, d, p + l, 0.0) for e, d, p, l in pts], (3, 2))
    _check_widths(pts, (1, 1, 3))


def test_every_larger_width_is_covered_network():
    pts = _points(10, seed=14)
    _check_widths([(e, d, p + l, 0.0) for e, d, p, l in pts], (3, 2))
    _check_widths(pts, (1, 1, 3))


# --- the searches against brute force --------------------------------------------------------


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60), st.floats(0.01, 0.99))
@settings(max_examples=100, deadline=None)
def test_smallest_is_the_first_index_below_delta(steps, delta):
    # a non-increasing function on 1..len, then constant: _smallest must find its first n <= delta
    values = np.sort(np.asarray(steps))[::-1]

    def fn(ns):
        ns = np.asarray(ns)
        return values[np.minimum(ns, len(values)) - 1]

    below = np.flatnonzero(values <= delta)
    if below.size == 0:
        with pytest.raises(InvalidParameterError):
            plan._smallest(fn, delta, "none")
    else:
        assert plan._smallest(fn, delta, "none") == below[0] + 1


@given(st.lists(st.floats(0.0, 0.6), min_size=1, max_size=40),
       st.lists(st.floats(0.0, 0.6), min_size=1, max_size=40), st.floats(0.05, 0.9))
@settings(max_examples=150, deadline=None)
def test_feasible_range_matches_a_scan(dec_steps, inc_steps, delta):
    size = max(len(dec_steps), len(inc_steps))
    dec = np.sort(np.resize(np.asarray(dec_steps), size))[::-1]
    inc = np.sort(np.resize(np.asarray(inc_steps), size))
    f = dec + inc
    start, stop = plan._feasible_range(lambda x: dec[x], lambda x: inc[x], delta, 0, size - 1)
    ok = np.flatnonzero(f <= delta)
    if ok.size == 0:
        assert start is None and stop is None
        return
    assert start == ok[0]
    end = start
    while end + 1 < size and f[end + 1] <= delta:
        end += 1
    assert stop == end
