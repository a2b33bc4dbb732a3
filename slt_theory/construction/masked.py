"""Masked views of a source: its weight matrices with a ticket's keep-masks applied, the input of
every independent check of a constructed ticket."""

import numpy as np

from ..errors import InvalidParameterError
from .source import FrozenSource
from .ticket import TicketResult

__all__ = ["masked_source"]


def masked_source(source, result):
    """The source's weight matrices with the masks applied: [U_1 * m, V_1 * m, U_2 * m, ...]."""
    if not isinstance(source, FrozenSource) or not isinstance(result, TicketResult):
        raise InvalidParameterError("masked_source needs a FrozenSource and a TicketResult")
    mats = []
    for u, v, mu, mv in zip(source.first, source.second, result.first_masks, result.second_masks):
        if mu.shape != u.shape or mv.shape != v.shape:
            raise InvalidParameterError("the masks do not fit this source")
        mats += [np.where(mu, u, 0.0), np.where(mv, v, 0.0)]
    return mats
