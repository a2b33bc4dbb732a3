"""The slot models of Theorems 3'', 4'' and 5 (slt_theory.bounds.models): their input checks
(issue 12) and that the checked entries give the very numbers of the unchecked cores that the
bounds use."""

import numpy as np
import pytest

from slt_theory.bounds import models
from slt_theory.errors import InvalidParameterError

BAD = [
    (models.uniform_model, (0.2, 0.1, 0.4), "a_value"),      # below Theorem 3'''s a >= 1/2
    (models.uniform_model, (0.2, 0.1, 1.5), "a_value"),
    (models.uniform_model, (0.6, 0.5, 0.75), "freeze_ratio"),
    (models.uniform_model, (np.nan, 0.1, 0.75), "prune_ratio"),
    (models.uniform_model, ("0.2", 0.1, 0.75), "prune_ratio"),
    (models.product_model, (0.1, 0.2, 0.7, 0, 1), "d_in"),
    (models.product_model, (0.1, 0.2, 0.7, 2.5, 1), "d_in"),
    (models.product_model, (0.1, 0.2, 0.7, True, 1), "d_in"),
    (models.product_model, (0.1, 0.2, 0.7, 2**70, 1), "d_in"),
    (models.product_model, (0.1, 0.2, 0.7, 1, -1), "d_out"),
    (models.product_model, (0.1, 0.2, float("inf"), 1, 1), "a_value"),
    (models.stuck_probability, (1.0, 3, 2), "lock_ratio"),
    (models.stuck_probability, (-0.1, 3, 2), "lock_ratio"),
    (models.stuck_probability, (0.3, "3", 2), "d_in"),
    (models.stuck_probability, (0.3, 3, None), "d_out"),
]


@pytest.mark.parametrize("fn, args, name", BAD, ids=lambda v: getattr(v, "__name__", None))
def test_bad_input_is_named(fn, args, name):
    with pytest.raises(InvalidParameterError, match=name):
        fn(*args)


def test_checked_entries_give_the_numbers_of_the_cores():
    for a in models.A_UNIFORM:
        (got,), (core,) = models.uniform_model(0.2, 0.1, a), models._uniform_model(0.2, 0.1, a)
        assert got.cover_prob == core.cover_prob
        assert np.array_equal(got.log_mgf, core.log_mgf)
    got = models.product_model(np.float64(0.1), 0.2, 0.7, np.int64(3), 2)
    core = models._product_model(0.1, 0.2, 0.7, 3, 2)
    assert len(got) == len(core) == 2
    assert all(g.cover_prob == c.cover_prob and np.array_equal(g.log_mgf, c.log_mgf)
               for g, c in zip(got, core))
    assert models.stuck_probability(0.3, 3, 2) == models._stuck_probability(0.3, 3, 2) > 0.0
