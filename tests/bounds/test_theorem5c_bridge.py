"""The bridge test of Theorem 5(C) (docs/theory.md, Section 4): at the width `required_width`
returns for a 2 x 2 target under a small lock ratio, the construction with re-assignment
(`construct_ticket`) succeeds for at least 1 - delta of the seeds, the uniform event
(`covers_every_target`) holds as often, and every successful ticket's error, measured by the
independent forward pass `measure_error`, is within eps. Tolerance: a one-sided 99.9%
Clopper-Pearson upper confidence bound.

The re-assignment is implemented in slt_theory/construction by another branch; until
`TicketResult` reports `reassigned_neurons`, the construction here is the fixed-block one that
Theorem 5(C) is not about, and those tests are skipped. The event the theorem bounds is also
simulated here directly, with a plain twin of the re-assignment rule and the plain exact cover
test of Lemma 1, so the bound is checked on every branch.
"""

import dataclasses

import numpy as np
import pytest

from slt_theory import bounds, montecarlo
from slt_theory.construction import (
    FrozenSource,
    TargetNetwork,
    TicketResult,
    construct_ticket,
    covers_every_target,
    measure_error,
)
from slt_theory.solvers.reference import covers_reference
from slt_theory.solvers.subset_sum import FreezeState

REASSIGNS = "reassigned_neurons" in {f.name for f in dataclasses.fields(TicketResult)}
needs_reassignment = pytest.mark.skipif(
    not REASSIGNS,
    reason="construct_ticket has no re-assignment yet (TicketResult.reassigned_neurons missing): "
           "Theorem 5(C) is about the construction that re-assigns neurons with one locked "
           "incoming weight")


def _bridge(widths, lock_ratio, eps, seeds, at="min"):
    delta = eps
    wb = bounds.width_bound(eps, delta=delta, lock_ratio=lock_ratio, widths=widths)
    assert "Theorem 5(C)" in wb.statement and wb.max_width is not None
    width = wb.width if at == "min" else min(wb.max_width, 4 * wb.width)
    successes = uniform = reassigned = 0
    for s in seeds:
        source = FrozenSource.from_width(widths, width, lock_ratio=lock_ratio, seed=s)
        target = TargetNetwork.random(widths, seed=s)
        result = construct_ticket(target, source, eps)
        reassigned += sum(result.reassigned_neurons)
        uniform += covers_every_target(source, eps) == 0
        successes += result.success
        if result.success:
            measured = measure_error(target, source, result, n_random=256, seed=s,
                                     refine_rounds=5).max_error
            assert measured <= eps * (1 + 1e-9), (s, measured)
    trials = len(seeds)
    upper = montecarlo.upper_confidence_bound
    assert reassigned > 0  # the test exercises the re-assignment
    assert upper(successes, trials, 0.999) >= 1 - delta, (width, successes, trials)
    assert upper(uniform, trials, 0.999) >= 1 - delta, (width, uniform, trials)


@needs_reassignment
@pytest.mark.parametrize("lock_ratio", [0.01, 0.03])
def test_theorem_5c_holds_at_its_width(lock_ratio):
    _bridge((2, 2), lock_ratio, 0.1, range(60))


@needs_reassignment
@pytest.mark.slow
@pytest.mark.parametrize("lock_ratio,at", [(0.01, "min"), (0.02, "min"), (0.03, "min"),
                                           (0.02, "inside")])
def test_theorem_5c_holds_at_its_width_slow(lock_ratio, at):
    _bridge((2, 2), lock_ratio, 0.1, range(200), at=at)


def _states(rng, shape, prune_ratio, lock_ratio):
    key = rng.uniform(0.0, 1.0, shape)
    return np.where(key < prune_ratio, FreezeState.PRUNED,
                    np.where(key >= 1.0 - lock_ratio, FreezeState.LOCKED, FreezeState.FREE))


def reassigned_layer_serves_every_target(rng, d_in, d_out, width, eps_i, prune_ratio, lock_ratio):
    """The event of Theorem 5(C) for one first layer, by the rule as stated (plain twin): no stuck
    neuron, and every (output, input, side) instance's locked sum plus free subsets eps_i-covers
    [-1, 1]."""
    n = max(1, width // d_in)
    h = d_in * n
    u, v = rng.uniform(-1, 1, (h, d_in)), rng.uniform(-1, 1, (d_out, h))
    su, sv = _states(rng, (h, d_in), prune_ratio, lock_ratio), _states(rng, (d_out, h), prune_ratio, lock_ratio)
    locked_in = su == FreezeState.LOCKED
    count = locked_in.sum(axis=1)
    if ((count >= 2) & (sv == FreezeState.LOCKED).any(axis=0)).any():
        return False  # a stuck neuron
    home = np.arange(h) // n
    block = np.full(h, -1)  # -1: discarded (>= 2 locked in) or pruned in-block weight
    keep_home = (count == 0) & (su[np.arange(h), home] != FreezeState.PRUNED)
    block[keep_home] = home[keep_home]
    u_locked = count == 1
    block[u_locked] = np.argmax(locked_in[u_locked], axis=1)  # re-assigned (or home, in-block)
    for j in range(d_in):
        for side in (1, -1):
            ks = np.flatnonzero((block == j) & (np.sign(u[np.arange(h), np.maximum(block, 0)]) == side))
            for o in range(d_out):
                terms = u[ks, j] * v[o, ks]
                if d_out >= 2:
                    locked = sv[o, ks] == FreezeState.LOCKED
                    free = sv[o, ks] == FreezeState.FREE
                else:
                    locked = u_locked[ks] & (sv[o, ks] == FreezeState.LOCKED)
                    free = (sv[o, ks] != FreezeState.PRUNED) & ~locked
                if not covers_reference(terms[free], eps_i, locked_sum=float(terms[locked].sum())):
                    return False
    return True


@pytest.mark.parametrize("lock_ratio,where", [(0.01, "min"), (0.03, "min"), (0.03, "max")])
def test_theorem_5c_event_holds_in_monte_carlo(lock_ratio, where):
    # 2 x 2 target, eps = delta = 0.1: at the smallest width of the range and at its end (where
    # the stuck term is largest), the simulated event has probability >= 1 - delta
    eps = delta = 0.1
    wb = bounds.width_bound(eps, delta=delta, lock_ratio=lock_ratio, widths=(2, 2))
    width = wb.width if where == "min" else wb.max_width
    eps_i = float(bounds.evaluate("ENTRY_ERROR", epsilon=eps, l=1, **{"d_{i-1}": 2, "d_i": 2}))
    rng = np.random.default_rng(55)
    trials = 150
    hits = sum(reassigned_layer_serves_every_target(rng, 2, 2, width, eps_i, 0.0, lock_ratio)
               for _ in range(trials))
    assert montecarlo.upper_confidence_bound(hits, trials, 0.999) >= 1 - delta, (width, hits)


def test_theorem_5c_event_fails_far_beyond_its_range():
    # the stuck term is real: at 20 times the end of the range the event fails in most draws
    eps = 0.1
    wb = bounds.width_bound(eps, delta=0.1, lock_ratio=0.03, widths=(2, 2))
    eps_i = float(bounds.evaluate("ENTRY_ERROR", epsilon=eps, l=1, **{"d_{i-1}": 2, "d_i": 2}))
    rng = np.random.default_rng(56)
    hits = sum(reassigned_layer_serves_every_target(rng, 2, 2, 20 * wb.max_width, eps_i, 0.0, 0.03)
               for _ in range(20))
    assert hits <= 10
