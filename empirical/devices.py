"""Choosing the device a run trains on, and describing it for the run folder.

``"auto"`` is CUDA when torch sees a GPU and the CPU otherwise. Asking for a device that is not
there (``"cuda"`` on a CPU-only build or machine, ``"cuda:3"`` on a one-GPU machine) is an
:class:`~slt_theory.errors.InvalidParameterError` saying what torch reports, raised before a run
folder is created. :func:`check_device_name` needs no torch, so the command line can refuse a
misspelt device before it imports anything heavy.
"""

from __future__ import annotations

import re

from slt_theory.errors import InvalidParameterError

__all__ = ["check_device_name", "resolve_device", "describe_device"]

_PATTERN = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def check_device_name(name) -> str:
    """``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"`` (None means ``"auto"``).

    Examples
    --------
    >>> check_device_name("cuda:1")
    'cuda:1'
    """
    if name is None:
        return "auto"
    if not isinstance(name, str) or not _PATTERN.match(name):
        raise InvalidParameterError(
            f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', got {name!r}")
    return name


def _torch_build():
    import torch

    cuda = torch.version.cuda
    build = f"built for CUDA {cuda}" if cuda else "a build without CUDA"
    return f"torch {torch.__version__}, {build}"


def resolve_device(name="auto"):
    """The ``torch.device`` to train on; a clear error when the requested one is absent.

    ``name`` is a name :func:`check_device_name` accepts, or a ``torch.device`` of those kinds.

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    import torch

    if isinstance(name, torch.device):  # checked like its name ("cpu:0" is the CPU)
        name = "cpu" if name.type == "cpu" else str(name)
    name = check_device_name(name)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "mps":
        backend = getattr(torch.backends, "mps", None)
        if backend is None or not backend.is_available():
            raise InvalidParameterError(
                f"device 'mps' was requested but is not available ({_torch_build()})")
        return torch.device("mps")
    if not torch.cuda.is_available():
        raise InvalidParameterError(
            f"device {name!r} was requested but torch sees no CUDA GPU ({_torch_build()}); "
            "use --device cpu, or install a CUDA build of torch (README, 'Running the paper's "
            "experiments on a GPU machine')")
    index = int(name.split(":")[1]) if ":" in name else 0
    if index >= torch.cuda.device_count():
        raise InvalidParameterError(
            f"device {name!r} was requested but torch sees {torch.cuda.device_count()} CUDA "
            "GPU(s), numbered from 0")
    return torch.device(name)


def describe_device(device) -> dict:
    """What the run folder records: the device, its name, and the torch build.

    ``device`` is what :func:`resolve_device` takes (a ``torch.device`` or a name); a device
    that is not there is an :class:`~slt_theory.errors.InvalidParameterError`.

    Examples
    --------
    >>> import torch
    >>> d = describe_device(torch.device("cpu"))
    >>> d["device"], d["name"]
    ('cpu', 'cpu')
    """
    import torch

    # resolve_device, not torch.device(): "auto" and None were a RuntimeError and a TypeError,
    # and an absent CUDA device an AssertionError (issue-12 fuzz)
    device = resolve_device(device)
    out = {"device": str(device), "name": "cpu", "torch": torch.__version__,
           "cuda_build": torch.version.cuda, "cudnn": None}
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        props = torch.cuda.get_device_properties(index)
        out.update(name=props.name, memory_bytes=int(props.total_memory),
                   capability=f"{props.major}.{props.minor}",
                   cudnn=torch.backends.cudnn.version())
    elif device.type != "cpu":
        out["name"] = device.type
    return out
