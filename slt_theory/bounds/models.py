"""The slot models of docs/theory.md that Theorem 2'' is applied to.

- :func:`uniform_model`: Theorem 3'', n iid U[-1, 1] samples, each pruned, locked or free;
- :func:`product_model`: Theorems 4'' and 5, the hidden neurons of one layer seen by one
  (output, input, side) instance, with the re-assignment of Theorem 5(C) when the layer has
  several inputs and locking;
- :func:`stuck_probability`: Proposition 3 (a), the neuron Theorem 5(C) cannot absorb.

Each model returns the :class:`~.theorem2.SlotGroup` list for one cover window a (the a of the
cover block, ``A_UNIFORM`` / ``A_PRODUCT`` hold the windows tried).
"""

import numpy as np

from .. import _validate
from . import _checks
from .expressions import evaluate
from .theorem2 import SlotGroup, _log_mgf_on_grid

__all__ = ["A_PRODUCT", "A_UNIFORM", "product_model", "stuck_probability", "uniform_model"]

#: Cover windows tried for U[-1, 1] samples (a = 1: every free sample covers; below 1/2 the
#: extension values could exceed the covered length, Lemma 3).
A_UNIFORM = tuple(np.round(np.linspace(0.5, 1.0, 11), 10))
#: Cover windows tried for product terms (a = 1 leaves no uniform component: a log(1/a) = 0).
A_PRODUCT = tuple(np.round(np.linspace(0.5, 0.95, 10), 10))
#: Largest layer width d_{i-1}, d_i the models take (construction._common.MAX_SOURCE_WEIGHTS:
#: no source for a wider layer can be drawn).
MAX_LAYER_WIDTH = 2**25


def _check_layer(d_in, d_out):
    return (_validate.integer("d_in", d_in, minimum=1, maximum=MAX_LAYER_WIDTH),
            _validate.integer("d_out", d_out, minimum=1, maximum=MAX_LAYER_WIDTH))


def uniform_model(prune_ratio, lock_ratio, a_value):
    """Theorem 3'': one slot per sample; the free samples with |x| <= a form the cover block.

    Parameters
    ----------
    prune_ratio, lock_ratio : float >= 0, sum < 1
    a_value : float in [1/2, 1]
        The cover window (Theorem 3'').

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges.
    """
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    a_value = _checks.interval("a_value", a_value, 0.5, 1.0)
    return _uniform_model(prune_ratio, lock_ratio, a_value)


def _uniform_model(prune_ratio, lock_ratio, a_value):
    """:func:`uniform_model` for checked arguments."""
    free = 1.0 - prune_ratio - lock_ratio
    log_mgf = _log_mgf_on_grid("UNIFORM_SLOT_MGF", a=float(a_value), p_prune=float(prune_ratio),
                              p_lock=float(lock_ratio))
    return [SlotGroup(1, free * a_value, log_mgf, lock_ratio == 0.0)]


def _side_probabilities(prune_ratio, lock_ratio, shared):
    """Proposition 4 (d_i = 1) or coupling 1 of Section 4 (d_i >= 2), halved for the side."""
    names = ("PRODUCT_FREE_SHARED", "PRODUCT_LOCKED_SHARED") if shared else (
        "PRODUCT_FREE", "PRODUCT_LOCKED")
    free, locked = (0.5 * float(evaluate(name, p_prune=prune_ratio, p_lock=lock_ratio))
                    for name in names)
    return free, locked


def product_model(prune_ratio, lock_ratio, a_value, d_in=1, d_out=1):
    """Theorems 4'' and 5: the slots of one (output, input, side) instance of a layer with d_in
    inputs and d_out outputs, per unit of block size n_i.

    Home slots (the n_i neurons of the block): a neuron joins the instance's block when it has no
    locked incoming weight or its only one comes from the block's input; its term is then free or
    forced in with the probabilities HOME_FREE / HOME_LOCKED, and a free term is in the cover
    block with probability a log(1/a) (Lemma 6). Other slots ((d_in - 1) n_i neurons of the other
    blocks, Theorem 5(C) only): re-assigned here when their only locked incoming weight comes
    from this input (OTHER_FREE / OTHER_LOCKED); they only extend.

    Parameters
    ----------
    prune_ratio, lock_ratio : float >= 0, sum < 1
    a_value : float in [1/2, 1]
        The cover window (at a = 1 no term is in the cover block: a log(1/a) = 0).
    d_in, d_out : int in [1, MAX_LAYER_WIDTH]

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges.
    """
    prune_ratio, lock_ratio = _validate.freeze_split(prune_ratio, lock_ratio)
    a_value = _checks.interval("a_value", a_value, 0.5, 1.0)
    d_in, d_out = _check_layer(d_in, d_out)
    return _product_model(prune_ratio, lock_ratio, a_value, d_in, d_out)


def _product_model(prune_ratio, lock_ratio, a_value, d_in=1, d_out=1):
    """:func:`product_model` for checked arguments."""
    phi_b, kappa_b = _side_probabilities(prune_ratio, lock_ratio, d_out >= 2)
    shape = {"d_{i-1}": d_in, "p_lock": lock_ratio}
    home_free = float(evaluate("HOME_FREE", phi=phi_b, **shape))
    home_locked = float(evaluate("HOME_LOCKED", kappa=kappa_b, **shape))
    weight = float(evaluate("PRODUCT_COVER_WEIGHT", a=a_value))
    groups = [SlotGroup(
        1, home_free * weight,
        _log_mgf_on_grid("PRODUCT_SLOT_MGF", a=float(a_value), c=weight, phi=home_free,
                        kappa=home_locked),
        home_locked == 0.0)]
    if d_in > 1 and lock_ratio > 0.0:
        other_free = float(evaluate("OTHER_FREE", p_prune=prune_ratio, **shape))
        other_locked = float(evaluate("OTHER_LOCKED", **shape))
        groups.append(SlotGroup(
            d_in - 1, 0.0,
            _log_mgf_on_grid("PRODUCT_SLOT_MGF", a=float(a_value), c=0.0, phi=other_free,
                            kappa=other_locked),
            False))
    return groups


def stuck_probability(lock_ratio, d_in, d_out):
    """Proposition 3 (a): P(a neuron has >= 2 locked incoming and >= 1 locked outgoing weights).

    Parameters
    ----------
    lock_ratio : float in [0, 1)
    d_in, d_out : int in [1, MAX_LAYER_WIDTH]

    Raises
    ------
    InvalidParameterError
        For a value outside these ranges.
    """
    lock_ratio = _validate.ratio("lock_ratio", lock_ratio)
    d_in, d_out = _check_layer(d_in, d_out)
    return _stuck_probability(lock_ratio, d_in, d_out)


def _stuck_probability(lock_ratio, d_in, d_out):
    """:func:`stuck_probability` for checked arguments."""
    if lock_ratio == 0.0 or d_in < 2:
        return 0.0
    return float(evaluate("STUCK_NEURON", p_lock=lock_ratio, **{"d_{i-1}": d_in, "d_i": d_out}))
