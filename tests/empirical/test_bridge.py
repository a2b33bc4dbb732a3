"""A ticket built by the constructive proof loads into `empirical`'s MLP and both forward passes
(PyTorch, and the plain NumPy pass of slt_theory.construction.verification) agree."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from empirical.bridge import ticket_model  # noqa: E402
from empirical.layers import supermask_layers  # noqa: E402
from slt_theory.construction import FrozenSource, TargetNetwork, construct_ticket  # noqa: E402
from slt_theory.construction.verification import masked_source, ticket_forward  # noqa: E402


@pytest.mark.parametrize("widths,prune,lock", [((1, 1), 0.0, 0.0), ((2, 3), 0.3, 0.0),
                                                ((1, 1, 2), 0.2, 0.1), ((2, 2, 1), 0.25, 0.0)])
def test_constructed_ticket_forward_passes_agree(widths, prune, lock):
    target = TargetNetwork.random(widths, seed=3)
    source = FrozenSource.from_width(widths, 96, prune_ratio=prune, lock_ratio=lock, seed=3)
    result = construct_ticket(target, source, 0.1)
    model = ticket_model(source, result)
    x = np.random.default_rng(0).standard_normal((257, widths[0]))
    with torch.no_grad():
        ours = model(torch.as_tensor(x)).numpy()
    theirs = ticket_forward(masked_source(source, result), x)
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    # the masks are the construction's, entry for entry
    for (_, layer), keep in zip(supermask_layers(model), result.masks):
        assert np.array_equal(layer.mask().detach().numpy().astype(bool), keep)


def test_a_result_of_another_source_is_refused():
    from slt_theory.errors import InvalidParameterError

    pairs = []
    for widths, seed in (((1, 1), 3), ((2, 1, 1), 4)):
        source = FrozenSource.from_width(widths, 24, prune_ratio=0.2, seed=seed)
        pairs.append((source, construct_ticket(TargetNetwork.random(widths, seed=seed),
                                               source, 0.3)))
    (a, result_a), (b, result_b) = pairs
    # the masks of another source's result were an IndexError (issue-12 fuzz)
    with pytest.raises(InvalidParameterError, match="not the TicketResult of this source"):
        ticket_model(a, result_b)
    with pytest.raises(InvalidParameterError, match="not the TicketResult of this source"):
        ticket_model(b, result_a)
