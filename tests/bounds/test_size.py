"""ticket_size against its slow twin: the source of Theorem 5 actually drawn with exact freezing
(slt_theory.construction.FrozenSource), its weights and FREE states counted one by one."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory.bounds.size import SEED_BITS, WEIGHT_BITS, ticket_size
from slt_theory.construction import FrozenSource
from slt_theory.solvers.subset_sum import FreezeState

shapes = st.sampled_from([(1, 1), (2, 1), (1, 3), (2, 2)])


@settings(max_examples=12, deadline=None)
@given(eps=st.sampled_from([0.3, 0.2]), widths=shapes,
       prune=st.sampled_from([0.0, 0.1, 0.3]), lock=st.sampled_from([0.0, 0.05, 0.2]))
def test_ticket_size_counts_what_the_drawn_source_holds(eps, widths, prune, lock):
    if lock and widths[0] > 1:  # Theorem 5(C): often no width; keep the cases of (A) and (B)
        lock = 0.0
    s = ticket_size(eps, prune_ratio=prune, lock_ratio=lock, widths=widths)
    src = FrozenSource.from_bound(widths, eps, prune_ratio=prune, lock_ratio=lock,
                                  freezing="exact", seed=0)
    states = [*src.first_state, *src.second_state]
    weights = sum(int(a.size) for a in states)
    free = sum(int((a == FreezeState.FREE).sum()) for a in states)
    pruned = sum(int((a == FreezeState.PRUNED).sum()) for a in states)
    assert src.hidden_widths == s.layer_widths
    assert (s.weights, s.free_weights, s.pruned_weights) == (weights, free, pruned)
    assert s.mask_only == {"dense_weights": WEIGHT_BITS * weights, "dense_source": weights,
                           "randomly_pruned_source": weights - pruned, "frozen_source": free}
    assert s.complete_bits == free + SEED_BITS


def test_freezing_shrinks_the_ticket_but_not_below_the_free_share():
    dense = ticket_size(0.05)
    frozen = ticket_size(0.05, prune_ratio=0.35, lock_ratio=0.35)
    assert dense.mask_bits == dense.weights  # nothing frozen: one bit per weight
    share = frozen.mask_bits / frozen.weights
    assert np.isclose(share, 0.3, atol=2 / frozen.weights)
    assert frozen.weights > dense.weights  # a frozen source needs more width


def test_summary_is_in_human_units():
    text = ticket_size(0.01, prune_ratio=0.35, lock_ratio=0.35).summary()
    assert "KiB" in text or "bits" in text
    assert "None" not in text and "[" not in text
