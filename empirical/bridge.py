"""The bridge from theory to PyTorch: a ticket built by the constructive proof
(slt_theory.construction) as an `empirical` model with the same weights, freeze states and mask.

The source of docs/theory.md, Theorem 5 is an MLP d_0 -> h_1 -> d_1 -> h_2 -> ... -> h_l -> d_l
with a ReLU after every hidden layer (after U_i and after V_i, none after the last V): exactly
`empirical.models.MLP(d_0, (h_1, d_1, ..., h_l), d_l)`. The construction's keep-mask of the FREE
weights becomes the scores (1 kept, 0 removed) with a threshold of 1/2 in every layer.
"""

import numpy as np
import torch

from slt_theory.errors import InvalidParameterError

from .freezing import FreezeState
from .layers import supermask_layers
from .models import MLP

__all__ = ["ticket_model"]


def ticket_model(source, result):
    """An `empirical.models.MLP` (float64) computing the constructed ticket.

    Raises
    ------
    InvalidParameterError
        ``source`` is no FrozenSource, ``result`` no TicketResult, or ``result`` was built
        for another source (its masks do not have the source's layer shapes).
    """
    from slt_theory.construction import FrozenSource, TicketResult

    if not isinstance(source, FrozenSource) or not isinstance(result, TicketResult):
        raise InvalidParameterError("ticket_model needs a FrozenSource and its TicketResult")
    weights = [w for pair in zip(source.first, source.second) for w in pair]
    masks = [np.shape(k) for k in result.masks]
    if masks != [np.shape(w) for w in weights]:  # another source's result: was an IndexError
        raise InvalidParameterError(
            f"result is not the TicketResult of this source: its masks have shapes {masks}, the "
            f"source's layers {[np.shape(w) for w in weights]}")
    widths = [source.first[0].shape[1]] + [v.shape[0] for v in source.second]
    hidden = []
    for i, u in enumerate(source.first):
        hidden.append(u.shape[0])
        if i < len(source.first) - 1:
            hidden.append(widths[i + 1])
    model = MLP(in_features=widths[0], hidden=tuple(hidden), out_features=widths[-1]).double()
    states = [s for pair in zip(source.first_state, source.second_state) for s in pair]
    layers = [m for _, m in supermask_layers(model)]
    for layer, weight, state, keep in zip(layers, weights, states, result.masks):
        scores = np.where(keep, 1.0, 0.0)
        layer.set_source(np.asarray(weight, dtype=np.float64), np.asarray(state, dtype=np.int8),
                         scores, compact=True, train_weights=False)
        layer.threshold = torch.tensor(0.5, dtype=torch.float64)
        # pruned entries are never kept and locked entries always: the construction's mask must agree
        if np.any(keep[state == FreezeState.PRUNED]) or not np.all(keep[state == FreezeState.LOCKED]):
            raise InvalidParameterError("the ticket's mask contradicts the source's freeze states")
    return model
