"""empirical: Edge-Popup in partially frozen random networks (the PyTorch side of frozen-slt).

Sources are regenerated from seeds (:mod:`empirical.init`), frozen with exact counts
(:mod:`empirical.freezing`), searched with supermask layers (:mod:`empirical.layers`) and shipped
as compact ticket files (:mod:`empirical.ticket`). *Sparsity* always means the fraction of
weights removed.

Names are imported lazily, so ``import empirical`` (and ``slt --help``) does not import torch.
"""

import importlib

_EXPORTS = {
    "FreezeState": "freezing", "freeze_counts": "freezing", "freeze_pattern": "freezing",
    "allocate": "freezing",
    "InitSpec": "init",
    "SupermaskConfig": "layers", "SupermaskLinear": "layers", "SupermaskConv2d": "layers",
    "initialize": "layers", "update_thresholds": "layers", "attach_threshold_hook": "layers",
    "realised_sparsity": "layers", "supermask_layers": "layers",
    "MLP": "models", "Conv6": "models", "ResNet18": "models", "ResNet50": "models",
    "GIN": "models", "build_model": "models", "count_weights": "models",
    "save_ticket": "ticket", "load_ticket": "ticket", "export_dense": "ticket",
    "model_size": "ticket", "TicketFormatError": "ticket",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'empirical' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
