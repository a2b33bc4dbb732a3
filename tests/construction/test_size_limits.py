"""Issue 12, item 12 (construction room): drawn targets and sources have documented size limits,
and a shape past them is refused before anything is allocated."""

import tracemalloc

import numpy as np
import pytest

from slt_theory.construction import (
    MAX_DEPTH,
    MAX_SOURCE_WEIGHTS,
    MAX_TARGET_LAYER_WEIGHTS,
    MAX_TARGET_WEIGHTS,
    FrozenSource,
    TargetNetwork,
)
from slt_theory.errors import InvalidParameterError


def _refused_without_allocating(call, match):
    tracemalloc.start()
    try:
        with pytest.raises(InvalidParameterError, match=match):
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20, peak  # well under one MiB: nothing of the requested size was made


@pytest.mark.parametrize("call,match", [
    (lambda: TargetNetwork.random((10_000, 10_000)), "at most 262144 per layer"),
    (lambda: TargetNetwork.random((MAX_TARGET_LAYER_WEIGHTS + 1, 1)), "per layer"),
    (lambda: TargetNetwork.random((2**18, 1, 2**18, 1, 2**18, 1)), "target weights"),
    (lambda: TargetNetwork.random((1,) * (MAX_DEPTH + 2)), "depth <= 1024"),
    (lambda: FrozenSource.random((10**6, 10**6), 10**6), "FrozenSource.random allows"),
    (lambda: FrozenSource.random((2, 2), 10**12), "FrozenSource.random allows"),
    (lambda: FrozenSource.random((2, 2, 2), (1, 2**60)), "FrozenSource.random allows"),
    (lambda: FrozenSource.from_width((4, 4), 10**15), "FrozenSource.random allows"),
    (lambda: FrozenSource.random((1,) * (MAX_DEPTH + 2), 1), "depth <= 1024"),
])
def test_past_the_limit_is_refused_before_allocating(call, match):
    _refused_without_allocating(call, match)


def test_the_limits_themselves_are_allowed():
    # thin layers keep the SVDs cheap: exactly MAX_TARGET_LAYER_WEIGHTS in a layer and
    # exactly MAX_TARGET_WEIGHTS in all
    t = TargetNetwork.random((MAX_TARGET_LAYER_WEIGHTS, 1, 2**18, 1, 2**18), seed=0)
    assert sum(w.size for w in t.weights) == MAX_TARGET_WEIGHTS
    assert all(np.linalg.norm(w, 2) <= 1 + 1e-12 for w in t.weights)
    # the source count sum_i d_{i-1} n_i (d_{i-1} + d_i), just below the limit in a cheap shape
    widths, n = (1, 1), MAX_SOURCE_WEIGHTS // 2 // 64
    s = FrozenSource.random(widths, n, seed=0)
    assert s.first[0].size + s.second[0].size == 2 * n <= MAX_SOURCE_WEIGHTS
    with pytest.raises(InvalidParameterError):
        FrozenSource.random(widths, MAX_SOURCE_WEIGHTS // 2 + 1)
    assert len(TargetNetwork.random((1,) * (MAX_DEPTH + 1)).weights) == MAX_DEPTH
