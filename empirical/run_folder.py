"""What a run folder holds, when it counts as finished, and what happens to damaged files.

A run folder ``<runs_dir>/<hash>`` holds ``hparams.json`` (the resolved hyperparameters, the
recipe they came from, the environment), ``metrics.json`` / ``metrics.csv`` (one row per epoch),
``checkpoint.pt`` (tensors and plain containers only, loaded with ``weights_only=True``), and, once
finished, ``ticket.fslt`` and ``summary.json``.

A run is *finished* when ``summary.json`` parses and names this run, ``ticket.fslt`` exists, passes
its checksum and has the size the summary records, and ``metrics.json`` parses with one row per
epoch. Anything less is not reported as done.

Policy for damaged files (chosen here, tested in ``tests/empirical/test_run_folder.py``): a file
that is truncated, unparsable or inconsistent is **set aside and recomputed**. It is moved to
``<run folder>/damaged/<name>.<UTC time>`` (never deleted, so nothing is lost), a
:class:`DamagedRunWarning` names it and says why, and the run resumes from what is still sound:
a damaged summary or ticket is rebuilt from the last checkpoint without retraining; a damaged
checkpoint restarts the run from epoch 0, which reaches the same result because every random draw
is seeded.
"""

from __future__ import annotations

import datetime
import json
import os
import warnings

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError

from ._checks import count, text

__all__ = ["DamagedRunWarning", "set_aside", "finished_summary", "load_checkpoint",
           "SUMMARY", "TICKET", "CHECKPOINT", "METRICS", "HPARAMS"]

SUMMARY, TICKET, CHECKPOINT = "summary.json", "ticket.fslt", "checkpoint.pt"
METRICS, HPARAMS = "metrics.json", "hparams.json"
_SUMMARY_KEYS = ("hash", "final", "size_bits", "ticket_bytes", "n_weights")
_CHECKPOINT_KEYS = ("epoch", "model", "optimizer", "scheduler", "history", "best")


class DamagedRunWarning(UserWarning):
    """A run-folder file was damaged and has been set aside; the run is recomputed."""


def set_aside(path, reason: str) -> str | None:
    """Move ``path`` into ``damaged/`` beside it and warn; returns the new path (None if absent).

    Raises
    ------
    InvalidParameterError
        ``path`` is no path or a folder, or ``reason`` no string (checked before anything
        moves).
    """
    # None was a TypeError of os.path.exists, a bytes path moved the file (issue-12 fuzz)
    path, reason = _validate.path("path", path), text("reason", reason)
    if os.path.isdir(path):  # "." was an OSError of os.replace (issue-12 fuzz)
        raise InvalidParameterError(f"path must be a file to set aside, got the folder {path!r}")
    if not os.path.exists(path):
        return None
    folder = os.path.join(os.path.dirname(path), "damaged")
    os.makedirs(folder, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = os.path.join(folder, f"{os.path.basename(path)}.{stamp}")
    os.replace(path, target)
    warnings.warn(f"{path}: {reason}; moved to {target} and recomputing",
                  DamagedRunWarning, stacklevel=3)
    return target


def _read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _summary_problem(run_dir, run_hash, epochs):
    """Why the finished-run record of ``run_dir`` is not sound (None when it is)."""
    from .ticket import read_header

    try:
        summary = _read_json(os.path.join(run_dir, SUMMARY))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return SUMMARY, f"unreadable ({err})", None
    if not isinstance(summary, dict) or any(k not in summary for k in _SUMMARY_KEYS):
        return SUMMARY, f"not a run summary (needs the keys {list(_SUMMARY_KEYS)})", None
    if summary["hash"] != run_hash:
        return SUMMARY, f"belongs to run {summary['hash']!r}, not {run_hash!r}", None
    ticket = os.path.join(run_dir, TICKET)
    if not os.path.exists(ticket):
        return SUMMARY, f"{TICKET} is missing beside it", summary
    try:
        read_header(ticket)  # verifies the sha256 of the whole file
    except (OSError, ValueError) as err:  # TicketFormatError is a ValueError
        return TICKET, f"damaged ({err})", summary
    if os.path.getsize(ticket) != summary["ticket_bytes"]:
        return TICKET, (f"{os.path.getsize(ticket)} bytes where the summary records "
                        f"{summary['ticket_bytes']}"), summary
    try:
        metrics = _read_json(os.path.join(run_dir, METRICS))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return METRICS, f"unreadable ({err})", summary
    if not isinstance(metrics, list) or len(metrics) != epochs:
        return METRICS, f"does not hold one row for each of the {epochs} epochs", summary
    return None


def finished_summary(run_dir, run_hash: str, epochs: int):
    """The summary of a finished run, or None; damaged records are set aside (module docstring).

    Raises
    ------
    InvalidParameterError
        ``run_dir`` is no path, ``run_hash`` no string or ``epochs`` no integer >= 0: checked
        before anything is read, so that a bad argument never sets a sound record aside.
    """
    # a run_hash of None made every sound summary look foreign and set it aside (issue-12 fuzz)
    run_dir, run_hash = _validate.path("run_dir", run_dir), text("run_hash", run_hash)
    epochs = count("epochs", epochs)
    if not os.path.exists(os.path.join(run_dir, SUMMARY)):
        return None
    problem = _summary_problem(run_dir, run_hash, epochs)
    if problem is None:
        return _read_json(os.path.join(run_dir, SUMMARY))
    name, reason, _ = problem
    set_aside(os.path.join(run_dir, name), reason)
    # Without a sound ticket the summary describes nothing, and the other way round.
    for other in (SUMMARY, TICKET):
        if other != name and os.path.exists(os.path.join(run_dir, other)):
            set_aside(os.path.join(run_dir, other), f"goes with the damaged {name}")
    return None


def load_checkpoint(path, device):
    """The checkpoint's contents (tensors and plain containers), or None when there is none.

    Loaded with ``torch.load(weights_only=True)``: a pickle that asks for anything but tensors,
    dicts, lists and numbers is refused instead of run. A damaged or foreign file is set aside.

    Raises
    ------
    InvalidParameterError
        ``path`` is no path or a folder, or ``device`` is not one that
        :func:`empirical.devices.resolve_device` accepts and finds; checked before the file is
        read, because a load that fails for a bad device would set a sound checkpoint aside.
    """
    import torch

    from .devices import resolve_device

    # a device of "foo" made torch.load fail, and the sound checkpoint was set aside (issue 12)
    path, device = _validate.path("path", path), resolve_device(device)
    if os.path.isdir(path):  # a folder cannot be set aside like a damaged file (issue-12 fuzz)
        raise InvalidParameterError(f"checkpoint {path!r} is a folder, not a file")
    if not os.path.exists(path):
        return None
    try:
        saved = torch.load(path, map_location=device, weights_only=True)
    except Exception as err:  # noqa: BLE001 - any parse failure means: damaged, set aside
        set_aside(path, f"not a loadable checkpoint ({type(err).__name__}: "
                        f"{str(err).splitlines()[0] if str(err) else ''})")
        return None
    if not isinstance(saved, dict) or any(k not in saved for k in _CHECKPOINT_KEYS) or \
            not isinstance(saved["epoch"], int) or not isinstance(saved["history"], list) or \
            len(saved["history"]) != saved["epoch"]:
        set_aside(path, "not a frozen-slt checkpoint (missing or inconsistent fields)")
        return None
    return saved
