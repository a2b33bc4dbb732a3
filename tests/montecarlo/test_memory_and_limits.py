"""Monte Carlo memory and limits (issue 12, items 9 and 12): streams read in pieces keep only the
requested rows and give the numbers of whole blocks bit for bit; results are those of the
implementation before the change; memory stays within MEMORY_BUDGET whatever the number of
trials; impossible or runaway requests are named errors that say the limit."""

import hashlib
import tracemalloc

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory.errors import InvalidParameterError, ResourceLimitError
from slt_theory.montecarlo import (coverage_probability, coverage_trials, draw_trials,
                                   empirical_required_samples)
from slt_theory.montecarlo import coverage as cov
from slt_theory.montecarlo import draws
from slt_theory.montecarlo.draws import TRIAL_BLOCK, _draw, _draw_whole_blocks, _options
from slt_theory.solvers.subset_sum import MAX_INTERVALS_LIMIT

BASE = dict(prune_ratio=0.0, lock_ratio=0.0, statement="uniform", freezing="iid",
            distribution="uniform", lo=-1.0, hi=1.0)


def _opts(**o):
    return _options(**{**BASE, **o})


def _digest(*arrays):
    d = hashlib.sha256()
    for a in arrays:
        d.update(np.ascontiguousarray(a).tobytes())
    return d.hexdigest()[:16]


# (n, eps, start, stop, seed, options) -> digest of the drawn (values, states, targets), digest of
# the per-trial outcomes of coverage_trials over start..stop, successes of coverage_probability
# with trials=stop. Measured with the implementation before this change (commit 2343c25: whole
# blocks drawn at once, 16 blocks per kernel call), by the same computation as _measure below.
PINNED = [
    ((12, 0.05, 0, 2500, 3, {}), ("23320fadd805fdf9", "2ff2ab3e501c8201", 2326)),
    ((30, 0.02, 1000, 3100, 5, dict(prune_ratio=0.25, lock_ratio=0.25)),
     ("04a9297f6ecd62d3", "55c85715f3641e57", 2267)),
    ((25, 0.03, 17, 2100, 1, dict(prune_ratio=0.3, lock_ratio=0.2, freezing="exact")),
     ("8ba89446215888cb", "242e1927e6228072", 1370)),
    ((20, 0.05, 0, 1500, 9, dict(lock_ratio=0.3, statement="pointwise")),
     ("f1e4c835e9df4e80", "5966513625518b1c", 1376)),
    ((16, 0.05, 500, 2600, 4, dict(prune_ratio=0.2, lock_ratio=0.2, distribution="product")),
     ("0de579d48b7e8d94", "3f954cf8b75d7b03", 36)),
    ((18, 0.05, 0, 1100, 2, dict(prune_ratio=0.2, lock_ratio=0.1, distribution="product",
                                 freezing="exact")),
     ("4b6d96a3869dffca", "c9be76226d22a1f7", 27)),
    ((22, 0.04, 1023, 2049, 6, dict(prune_ratio=0.2, distribution="normal", lo=-0.5, hi=0.5)),
     ("8cd952951a0e1ced", "949db2a161b09c44", 2047)),
    ((14, 0.05, 0, 1300, 8, dict(lock_ratio=0.1, distribution="kaiming", statement="pointwise",
                                 freezing="exact")),
     ("7d1596427422f65c", "f3598f27da42e464", 1235)),
    ((300, 0.01, 5, 40, 11, dict(prune_ratio=0.1, lock_ratio=0.1)),
     ("85777bca4e522cbf", "c9bcf7a93bbcc2de", 40)),
]


def _measure(n, eps, start, stop, seed, o):
    v, s, t = _draw(n, start, stop, seed, _opts(**o))
    c = coverage_trials(n, eps, start=start, stop=stop, seed=seed, **o)
    r = coverage_probability(n, eps, trials=stop, seed=seed, **o)
    return _digest(v, s, t), _digest(c.astype(np.uint8)), r.successes


@pytest.fixture
def tiny_memory(monkeypatch):
    """Three samples per piece and a 200 kB budget: many pieces, calls of part of a block."""
    monkeypatch.setattr(draws, "PIECE_BYTES", 8 * TRIAL_BLOCK * 3)
    monkeypatch.setattr(draws, "MEMORY_BUDGET", 200_000)


@pytest.mark.parametrize("point, pinned", PINNED)
def test_results_unchanged_against_the_previous_implementation(point, pinned):
    assert _measure(*point) == pinned


@pytest.mark.parametrize("point, pinned", PINNED[::2])
def test_results_unchanged_in_small_pieces_and_calls(tiny_memory, point, pinned):
    n, eps, start, stop, seed, o = point
    assert cov.rows_per_call(n, _opts(**o)) < TRIAL_BLOCK  # blocks really are cut
    assert _measure(*point) == pinned


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 30), start=st.integers(0, 2 * TRIAL_BLOCK),
       length=st.integers(0, 2 * TRIAL_BLOCK + 5), seed=st.integers(0, 2**40),
       p=st.sampled_from([0.0, 0.2]), lk=st.sampled_from([0.0, 0.3]),
       statement=st.sampled_from(["uniform", "pointwise"]),
       freezing=st.sampled_from(["iid", "exact"]),
       distribution=st.sampled_from(["uniform", "product", "normal", "kaiming"]),
       piece=st.integers(1, 40))
def test_streamed_draws_equal_whole_blocks(n, start, length, seed, p, lk, statement, freezing,
                                           distribution, piece):
    """The fast path (pieces of ``piece`` samples, only the requested rows kept) against the
    plain twin (every block drawn whole, then cut), bit for bit."""
    opts = _opts(prune_ratio=p, lock_ratio=lk, statement=statement, freezing=freezing,
                 distribution=distribution)
    old = draws.PIECE_BYTES
    draws.PIECE_BYTES = 8 * TRIAL_BLOCK * piece
    try:
        fast = _draw(n, start, start + length, seed, opts)
    finally:
        draws.PIECE_BYTES = old
    twin = _draw_whole_blocks(n, start, start + length, seed, opts)
    for a, b in zip(fast, twin):
        assert a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@settings(max_examples=30, deadline=None)
@given(start=st.integers(0, 3000), length=st.integers(0, 5000), rows=st.integers(1, 5000))
def test_chunks_cover_the_range_and_never_reread_a_block_needlessly(start, length, rows):
    stop = start + length
    chunks = list(cov._chunks(start, stop, rows))
    if not length:
        assert chunks == [] and cov.drawn_numbers(7, start, stop, _opts(), rows) == 0
        return
    assert [c0 for c0, _ in chunks] == [start] + [c1 for _, c1 in chunks[:-1]]
    assert chunks[-1][1] == stop
    assert all(0 < c1 - c0 <= rows for c0, c1 in chunks)
    touched = sum((c1 - 1) // TRIAL_BLOCK - c0 // TRIAL_BLOCK + 1 for c0, c1 in chunks)
    assert cov.drawn_numbers(7, start, stop, _opts(), rows) == touched * TRIAL_BLOCK * 7
    if rows >= TRIAL_BLOCK:  # whole blocks per call: each block read once
        assert touched == (stop - 1) // TRIAL_BLOCK - start // TRIAL_BLOCK + 1


# --------------------------------------------------------------------------- memory

@pytest.mark.parametrize("o", [dict(), dict(prune_ratio=0.2, lock_ratio=0.2, freezing="exact"),
                               dict(prune_ratio=0.2, lock_ratio=0.2, distribution="product")])
def test_memory_stays_within_the_budget(monkeypatch, o):
    """Traced allocations of a coverage run with many more trials than fit at once stay within
    MEMORY_BUDGET plus the solver's interval buffers (bounded by max_intervals)."""
    budget, max_intervals, n = 8 * 2**20, 2**14, 4000
    monkeypatch.setattr(draws, "MEMORY_BUDGET", budget)
    rows = cov.rows_per_call(n, _opts(**o))
    trials = 3 * rows + 5
    interval_buffers = numba.get_num_threads() * 32 * (max_intervals + 1)
    coverage_probability(n, 0.1, trials=10, max_intervals=max_intervals, **o)  # compile, warm
    tracemalloc.start()
    try:
        r = coverage_probability(n, 0.1, trials=trials, max_intervals=max_intervals, **o)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert r.trials == trials
    assert peak <= budget + interval_buffers, (peak, budget, interval_buffers)


def test_one_trial_keeps_one_row():
    """trials=1 at n = 20,000 holds one row (and pieces), not the 1,024 rows of its block."""
    n = 20_000
    coverage_trials(50, 0.1, stop=1)  # compile, warm
    tracemalloc.start()
    try:
        coverage_trials(n, 0.1, stop=1, max_intervals=2**14)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    whole_block = TRIAL_BLOCK * n * 8
    assert peak < whole_block / 8, (peak, whole_block)


# --------------------------------------------------------------------------- limits

def test_a_trial_that_cannot_fit_is_a_named_error_with_the_limit():
    with pytest.raises(ResourceLimitError, match=r"MEMORY_BUDGET = 256 MiB.*largest n") as err:
        coverage_probability(10**9, 0.1, trials=1)
    assert isinstance(err.value, InvalidParameterError)
    largest = int(str(err.value).rsplit(" ", 1)[1].replace(",", ""))
    cov.rows_per_call(largest, _opts())  # the n the message names does fit
    with pytest.raises(ResourceLimitError):
        cov.rows_per_call(largest + 1, _opts())


@pytest.mark.parametrize("call, match", [
    (lambda: coverage_probability(10, 0.1, trials=10**9), "10,000,000"),
    (lambda: coverage_trials(10, 0.1, start=5, stop=5 + 10**7 + 1), "MAX_TRIALS"),
    (lambda: coverage_probability(60_000, 0.1, trials=10**7), "MAX_DRAWS"),
    (lambda: coverage_probability(10, 0.1, trials=10, max_intervals=MAX_INTERVALS_LIMIT + 1),
     "max_intervals"),
    (lambda: draw_trials(10**6, stop=10**4), "MEMORY_BUDGET"),
    (lambda: empirical_required_samples(0.1, 0.1, n_max=2**40), "n_max"),
])
def test_runaway_requests_are_refused_before_work(call, match):
    with pytest.raises(InvalidParameterError, match=match):
        call()


def test_required_samples_stops_at_the_work_limit(monkeypatch):
    monkeypatch.setattr(cov, "MAX_DRAWS", 40 * TRIAL_BLOCK)  # n = 1, 2, 4, 8, 16 = 31 samples
    with pytest.raises(ResourceLimitError, match="n=32 would pass MAX_DRAWS"):
        empirical_required_samples(1e-3, 0.01, trials=100, n_max=4096)


def test_numpy_scalars_are_plain_values_in_results():
    r = coverage_probability(np.int64(8), np.float64(0.2), trials=np.int32(50), seed=np.uint8(1),
                             prune_ratio=np.float32(0.25), statement=np.str_("pointwise"))
    assert type(r.n) is int and type(r.eps) is float and type(r.trials) is int
    assert type(r.prune_ratio) is float and type(r.statement) is str
    assert r == coverage_probability(8, 0.2, trials=50, seed=1, prune_ratio=float(np.float32(0.25)),
                                     statement="pointwise")


@pytest.mark.parametrize("kwargs", [dict(trials=True), dict(seed=True), dict(statement=["uniform"]),
                                    dict(distribution={"a": 1}), dict(freezing=None),
                                    dict(lo=-1e308, hi=1e308), dict(lo=np.bool_(True))])
def test_bools_lists_and_overflowing_targets_are_refused(kwargs):
    with pytest.raises(InvalidParameterError):
        coverage_probability(8, 0.2, **kwargs)
