"""Drawing a source (slt_theory.construction.draw and .freeze_states): the input checks of the
public back ends of FrozenSource.random (issue 12), and that they draw exactly what
FrozenSource.random draws."""

import numpy as np
import pytest

from slt_theory.construction import FrozenSource
from slt_theory.construction.draw import draw_layers
from slt_theory.construction.freeze_states import draw_freeze_states
from slt_theory.errors import InvalidParameterError
from slt_theory.solvers import FreezeState


def _gen():
    return np.random.default_rng(0)


BAD_STATES = [
    (lambda: draw_freeze_states(np.random.RandomState(0), (3, 2), 0.2, 0.1, "iid"), "gen"),
    (lambda: draw_freeze_states(None, (3, 2), 0.2, 0.1, "iid"), "gen"),
    (lambda: draw_freeze_states(_gen(), (-1, 2), 0.2, 0.1, "iid"), "shape"),
    (lambda: draw_freeze_states(_gen(), (2.5, 2), 0.2, 0.1, "iid"), "shape"),
    (lambda: draw_freeze_states(_gen(), (True, 2), 0.2, 0.1, "iid"), "shape"),
    (lambda: draw_freeze_states(_gen(), "ab", 0.2, 0.1, "iid"), "shape"),
    (lambda: draw_freeze_states(_gen(), (), 0.2, 0.1, "iid"), "shape"),
    (lambda: draw_freeze_states(_gen(), (2**13, 2**13), 0.2, 0.1, "iid"), "MAX_SOURCE_WEIGHTS"),
    (lambda: draw_freeze_states(_gen(), (3, 2), 0.6, 0.5, "iid"), "freeze_ratio"),
    (lambda: draw_freeze_states(_gen(), (3, 2), 0.2, 0.1, "IID"), "freezing"),
    (lambda: draw_layers((1, 1), (3,), 0.0, 0.0, "iid", -1), "seed"),
    (lambda: draw_layers((1, 1), 3, 0.0, 0.0, "iid", 0), "block_sizes"),
    (lambda: draw_layers((2, 3, 1), (3,), 0.0, 0.0, "iid", 0), "block_sizes"),
    (lambda: draw_layers((1, 1), (0,), 0.0, 0.0, "iid", 0), "block_sizes"),
    (lambda: draw_layers((1, 1), (10**9,), 0.0, 0.0, "iid", 0), "allows at most"),
    (lambda: draw_layers((1, 0), (3,), 0.0, 0.0, "iid", 0), "widths"),
    (lambda: draw_layers((1, 1), (3,), 0.0, 1.0, "iid", 0), "lock_ratio"),
    (lambda: draw_layers((1, 1), (3,), 0.0, 0.0, "exactly", 0), "freezing"),
]


@pytest.mark.parametrize("call, name", BAD_STATES)
def test_bad_input_is_named_before_drawing(call, name):
    with pytest.raises(InvalidParameterError, match=name):
        call()


@pytest.mark.parametrize("freezing", ["iid", "exact"])
def test_draw_layers_draws_what_frozen_source_random_draws(freezing):
    source = FrozenSource.random((2, 3, 1), (4, 2), prune_ratio=0.2, lock_ratio=0.1,
                                 freezing=freezing, seed=7)
    drawn = draw_layers([np.int64(2), 3, 1.0], [4, np.int32(2)], np.float64(0.2), 0.1,
                        np.str_(freezing), np.int64(7))
    for mine, theirs in zip(drawn, (source.first, source.second, source.first_state,
                                    source.second_state)):
        assert len(mine) == len(theirs) == 2
        assert all(np.array_equal(a, b) for a, b in zip(mine, theirs))


def test_exact_freezing_counts_and_empty_shapes():
    state = draw_freeze_states(_gen(), [10, 4], 0.25, 0.5, "exact")
    assert state.shape == (10, 4) and state.dtype == np.int8
    assert (state == FreezeState.PRUNED).sum() == 10 and (state == FreezeState.LOCKED).sum() == 20
    assert draw_freeze_states(_gen(), (0, 2), 0.25, 0.5, "exact").shape == (0, 2)
