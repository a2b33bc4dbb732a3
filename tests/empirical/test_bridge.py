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
