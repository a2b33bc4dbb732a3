"""The constructive check of docs/theory.md, Section 4: the ticket built by construct_ticket,
measured by an independent forward pass (slt_theory.construction.verification)."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory import bounds, required_width
from slt_theory.construction import (
    REASON_LOCKED_OFFSET,
    REASON_STUCK,
    REASON_TOO_FEW,
    FrozenSource,
    TargetNetwork,
    construct_ticket,
    covers_every_target,
)
from slt_theory.construction.verification import (
    masked_source,
    measure_error,
    success_probability,
    ticket_forward,
)
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import upper_confidence_bound
from slt_theory.solvers.subset_sum import FreezeState

SETTINGS = settings(max_examples=40, deadline=None)
# one ulp-level slack: find_subset's answer may sit a few ulps beyond eps (subset_sum docstring)
ROUND = 1e-12

shapes = st.sampled_from([(1, 1), (2, 1), (1, 3), (4, 4), (3, 2), (1, 1, 1), (2, 3, 1),
                          (1, 4, 2), (4, 4, 4), (1, 1, 4)])
freezes = st.sampled_from([(0.0, 0.0), (0.3, 0.0), (0.2, 0.1), (0.0, 0.3)])


# ------------------------------------------------------------------- the ticket meets its promise

@SETTINGS
@given(shapes, freezes, st.integers(2, 120), st.sampled_from([0.05, 0.1, 0.3]),
       st.sampled_from(["iid", "exact"]), st.integers(0, 2**31))
def test_success_implies_measured_error_within_eps(widths, freeze, block, eps, freezing, seed):
    target = TargetNetwork.random(widths, seed=seed)
    source = FrozenSource.random(widths, block, prune_ratio=freeze[0], lock_ratio=freeze[1],
                                 freezing=freezing, seed=seed)
    result = construct_ticket(target, source, eps)
    est = measure_error(target, source, result, n_random=300, seed=seed)
    if result.success:
        assert est.max_error <= est.guaranteed_error + ROUND
        assert est.guaranteed_error <= eps + ROUND
        for err, budget in zip(result.entry_errors, result.entry_budget):
            assert np.nanmax(err) <= budget + ROUND
    else:
        assert result.failures


@SETTINGS
@given(st.sampled_from([(1, 1), (3, 2), (2, 4), (4, 4)]), freezes, st.integers(0, 2**31))
def test_forward_pass_reproduces_entry_errors_depth1(widths, freeze, seed):
    # depth 1: g(x) = C(sign x) x, so at x = +-e_j the independent pass shows c_j(+-) - W_j,
    # whose entries are the bookkeeping's errors; the two share no code
    target = TargetNetwork.random(widths, seed=seed)
    source = FrozenSource.random(widths, 60, prune_ratio=freeze[0], lock_ratio=0.0, seed=seed)
    result = construct_ticket(target, source, 0.1)
    mats = masked_source(source, result)
    d0 = widths[0]
    for side_index, sign in enumerate((1.0, -1.0)):
        diff = ticket_forward(mats, sign * np.eye(d0)) - sign * target.weights[0].T
        assert np.allclose(np.abs(diff).T, result.entry_errors[0][side_index], atol=1e-12)


def test_error_on_ball_never_exceeds_sphere():
    # positive homogeneity: the sup over the ball sits on the sphere
    target = TargetNetwork.random((3, 3, 2), seed=5)
    source = FrozenSource.random((3, 3, 2), 40, seed=5)
    est = measure_error(target, source, construct_ticket(target, source, 0.1), n_random=2000)
    assert est.max_error_ball <= est.max_error + ROUND


# ------------------------------------------------------------------- masks respect freezing

@SETTINGS
@given(shapes, st.sampled_from([(0.2, 0.1), (0.4, 0.4), (0.0, 0.5), (0.5, 0.0)]),
       st.integers(1, 60), st.sampled_from(["iid", "exact"]), st.integers(0, 2**31))
def test_masks_respect_freeze_states(widths, freeze, block, freezing, seed):
    target = TargetNetwork.random(widths, seed=seed)
    source = FrozenSource.random(widths, block, prune_ratio=freeze[0], lock_ratio=freeze[1],
                                 freezing=freezing, seed=seed)
    result = construct_ticket(target, source, 0.1)
    states = [s for pair in zip(source.first_state, source.second_state) for s in pair]
    for mask, state in zip(result.masks, states):
        assert mask.dtype == bool and mask.shape == state.shape
        assert not mask[state == FreezeState.PRUNED].any()
        assert mask[state == FreezeState.LOCKED].all()


def test_exact_freezing_counts_per_layer():
    source = FrozenSource.random((3, 2, 2), (7, 5), prune_ratio=0.25, lock_ratio=0.15,
                                 freezing="exact", seed=2)
    for state in source.first_state + source.second_state:
        size = state.size
        assert (state == FreezeState.PRUNED).sum() == math.floor(0.25 * size + 0.5)
        assert (state == FreezeState.LOCKED).sum() == math.floor(0.15 * size + 0.5)


def test_first_layer_is_block_diagonal_without_locking():
    widths = (3, 2)
    source = FrozenSource.random(widths, 20, prune_ratio=0.3, seed=4)
    result = construct_ticket(TargetNetwork.random(widths, seed=4), source, 0.1)
    block = np.arange(60) // 20
    off = np.arange(3)[None, :] != block[:, None]
    assert not result.first_masks[0][off].any()
    # every unpruned in-block weight is kept (coupling 1)
    in_block = ~off & (source.first_state[0] != FreezeState.PRUNED)
    assert result.first_masks[0][in_block].all()


def test_proposition4_single_output_drops_the_free_first_layer_weight():
    # one neuron, u locked, v locked: forced in (offset 0.25); another with v locked, u free: the
    # only way to leave its term out is to drop u
    L, F = FreezeState.LOCKED, FreezeState.FREE
    u = np.array([[0.5], [0.5]])
    v = np.array([[0.5, 1.0]])
    source = FrozenSource((u,), (v,), (np.array([[L], [F]], np.int8),),
                          (np.array([[L, L]], np.int8),), (2,))
    result = construct_ticket(TargetNetwork.from_weights([[[0.25]]]), source, 0.01)
    assert result.entry_errors[0][0, 0, 0] == 0.0
    assert result.first_masks[0].tolist() == [[True], [False]]
    assert result.second_masks[0].tolist() == [[True, True]]


def test_shared_first_layer_locked_v_is_forced_in():
    # d_i = 2: U is shared, so a locked V[o, k] with unpruned U puts the term in for output o
    L, F = FreezeState.LOCKED, FreezeState.FREE
    u = np.array([[0.5]])
    v = np.array([[1.0], [0.5]])
    source = FrozenSource((u,), (v,), (np.array([[F]], np.int8),),
                          (np.array([[L], [F]], np.int8),), (1,))
    result = construct_ticket(TargetNetwork.from_weights([[[0.5], [0.0]]]), source, 0.01)
    assert result.first_masks[0].tolist() == [[True]]
    assert result.second_masks[0].tolist() == [[True], [False]]
    # side u < 0 has no neuron: the -x side cannot approximate 0.5
    assert not result.success
    assert {(f.output, f.side, f.reason) for f in result.failures} == {(0, -1, REASON_TOO_FEW)}


def test_locked_offset_reason():
    # locked term 0.5 * 1.0 = 0.5 on side +, no free terms: target -0.5 is out of reach
    L = FreezeState.LOCKED
    source = FrozenSource((np.array([[1.0]]),), (np.array([[0.5]]),),
                          (np.array([[L]], np.int8),), (np.array([[L]], np.int8),), (1,))
    result = construct_ticket(TargetNetwork.from_weights([[[-0.5]]]), source, 0.01)
    assert REASON_LOCKED_OFFSET in result.reasons


# ------------------------------------------------------------------- Proposition 3

def test_stuck_neurons_reported_for_locking_with_several_inputs():
    widths = (2, 2)
    source = FrozenSource.random(widths, 1500, prune_ratio=0.2, lock_ratio=0.1, seed=0)
    result = construct_ticket(TargetNetwork.random(widths, seed=0), source, 0.1)
    su, sv = source.first_state[0], source.second_state[0]
    stuck = ((su == FreezeState.LOCKED).sum(1) >= 2) & (sv == FreezeState.LOCKED).any(0)
    assert result.stuck_neurons == (int(stuck.sum()),)
    assert stuck.sum() > 0 and not result.success
    assert REASON_STUCK in result.reasons
    n_stuck = sum(f.count for f in result.failures if f.reason == REASON_STUCK)
    assert n_stuck == (sv[:, stuck] == FreezeState.LOCKED).sum()
    # Proposition 3, part 1: Binomial(h, pi); 3000 neurons, a 5-sigma window
    lam, h = 0.1, 3000
    pi = (1 - (1 - lam) ** 2 - 2 * lam * (1 - lam)) * (1 - (1 - lam) ** 2)
    assert abs(stuck.sum() - h * pi) <= 5 * math.sqrt(h * pi * (1 - pi))


def test_no_stuck_neurons_with_one_input():
    source = FrozenSource.random((1, 1, 4), 300, prune_ratio=0.2, lock_ratio=0.2, seed=1)
    result = construct_ticket(TargetNetwork.random((1, 1, 4), seed=1), source, 0.1)
    assert result.stuck_neurons == (0, 0)
    assert result.reassigned_neurons == (0, 0) and result.discarded_neurons == (0, 0)
    assert REASON_STUCK not in result.reasons


def test_locking_with_two_inputs_gets_worse_with_width():
    # Proposition 3, part 4: stuck neurons make the construction's error grow with the width
    small = success_probability((2, 2), 100, 0.1, prune_ratio=0.2, lock_ratio=0.1,
                                seeds=range(10), measure=True)
    large = success_probability((2, 2), 3000, 0.1, prune_ratio=0.2, lock_ratio=0.1,
                                seeds=range(10), measure=True)
    assert large.successes == 0
    assert large.median_error > small.median_error > 0.1


# ------------------------------------------------------------------- the bridge to Theorem 5

def _covered_settings(shapes_):
    for widths, (p, lam) in itertools.product(shapes_, [(0.0, 0.0), (0.3, 0.0), (0.2, 0.1)]):
        if lam > 0 and any(d > 1 for d in widths[:-1]):
            continue  # Theorem 5 (B) covers locking only when every layer has one input
        yield widths, p, lam


DEFAULT_SHAPES = [(1, 1), (4, 4), (1, 4), (4, 1), (1, 1, 1), (2, 3, 1), (1, 1, 4), (4, 4, 4)]


def _bridge(widths, p, lam, eps, seeds):
    delta = eps  # required_width's default
    width = required_width(eps, prune_ratio=p, lock_ratio=lam, depth=len(widths) - 1,
                           widths=widths)
    r = success_probability(widths, width, eps, prune_ratio=p, lock_ratio=lam, seeds=seeds,
                            uniform=True)
    # a one-sided 99.9% upper confidence bound on the success probability below 1 - delta
    # would reject the theorem; the uniform event (every target at once) is what it claims,
    # the pointwise one (this seed's target) follows from it
    assert upper_confidence_bound(r.uniform_successes, r.trials, 0.999) >= 1 - delta, r
    assert upper_confidence_bound(r.successes, r.trials, 0.999) >= 1 - delta, r
    assert r.successes >= r.uniform_successes


@pytest.mark.parametrize("widths,p,lam", list(_covered_settings(DEFAULT_SHAPES)))
def test_success_rate_at_required_width(widths, p, lam):
    _bridge(widths, p, lam, 0.1, range(200))


@pytest.mark.slow
@pytest.mark.parametrize("eps", [0.01, 0.05])
@pytest.mark.parametrize("widths,p,lam", list(_covered_settings(
    DEFAULT_SHAPES + [(2, 2), (3, 4), (1, 2, 1), (4, 1, 4), (1, 1, 1)])))
def test_success_rate_at_required_width_full(widths, p, lam, eps):
    _bridge(widths, p, lam, eps, range(1000, 1400))


@SETTINGS
@given(shapes, freezes, st.integers(2, 80), st.integers(0, 2**31))
def test_uniform_cover_implies_construction_succeeds(widths, freeze, block, seed):
    # covers_every_target == 0 is the event of Theorem 5: then every target's ticket exists
    source = FrozenSource.random(widths, block, prune_ratio=freeze[0], lock_ratio=freeze[1],
                                 seed=seed)
    if covers_every_target(source, 0.2) == 0:
        for t_seed in range(3):
            assert construct_ticket(TargetNetwork.random(widths, seed=t_seed), source, 0.2).success


@pytest.mark.parametrize("widths", DEFAULT_SHAPES)
def test_from_width_at_required_width_has_the_bound_block_sizes(widths):
    wb = bounds.width_bound(0.1, prune_ratio=0.3, depth=len(widths) - 1, widths=widths)
    source = FrozenSource.from_width(widths, wb.width)
    assert all(n >= m for n, m in zip(source.block_sizes, wb.samples_per_block))
    assert max(source.hidden_widths) == wb.width


def test_from_bound_block_sizes_give_the_bound_widths():
    wb = bounds.width_bound(0.1, prune_ratio=0.3, depth=2, widths=(2, 3, 1))
    source = FrozenSource.from_bound((2, 3, 1), 0.1, prune_ratio=0.3)
    assert source.block_sizes == wb.samples_per_block
    assert source.hidden_widths == wb.layer_widths


# ------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call", [
    lambda: TargetNetwork.random((3,)),
    lambda: TargetNetwork.random((2, 0)),
    lambda: TargetNetwork.random((2, 2), seed=-1),
    lambda: TargetNetwork.from_weights([[[2.0]]]),
    lambda: TargetNetwork.from_weights([np.ones((2, 3)) * 0.1, np.ones((2, 3)) * 0.1]),
    lambda: TargetNetwork.from_weights([[[np.nan]]]),
    lambda: TargetNetwork.from_weights([]),
    lambda: FrozenSource.random((2, 2), 0),
    lambda: FrozenSource.random((2, 2, 2), (3,)),
    lambda: FrozenSource.random((2, 2), 5, prune_ratio=0.6, lock_ratio=0.5),
    lambda: FrozenSource.random((2, 2), 5, lock_ratio=-0.1),
    lambda: FrozenSource.random((2, 2), 5, freezing="sometimes"),
    lambda: FrozenSource.from_width((2, 2), 0),
    lambda: FrozenSource((np.ones((3, 1)),), (np.ones((1, 2)),), (np.zeros((3, 1), np.int8),),
                         (np.zeros((1, 2), np.int8),), (3,)),
    lambda: FrozenSource((np.ones((2, 1)),), (np.ones((1, 2)),), (np.full((2, 1), 7, np.int8),),
                         (np.zeros((1, 2), np.int8),), (2,)),
    lambda: construct_ticket(TargetNetwork.random((2, 2)), FrozenSource.random((2, 3), 5), 0.1),
    lambda: construct_ticket(TargetNetwork.random((2, 2)), FrozenSource.random((2, 2), 5), 0.0),
    lambda: construct_ticket(TargetNetwork.random((2, 2)), FrozenSource.random((2, 2), 5), 1.5),
    lambda: construct_ticket(np.eye(2), FrozenSource.random((2, 2), 5), 0.1),
    lambda: success_probability((1, 1), 10, 0.1, seeds=[]),
    lambda: covers_every_target(FrozenSource.random((2, 2), 5), 0.0),
    lambda: covers_every_target("source", 0.1),
])
def test_bad_input_raises(call):
    with pytest.raises(InvalidParameterError):
        call()


def test_rescale_divides_by_the_spectral_norm():
    t = TargetNetwork.from_weights([[[3.0, 4.0]]], rescale=True)
    assert np.allclose(t.weights[0], [[0.6, 0.8]])
