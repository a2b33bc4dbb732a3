"""Idempotent, resumable sweeps over an executor (open_lth style: a run's file is named by a hash
of its parameters).

Each task is a JSON-serialisable dict of parameters. Its result (a dict) is written, together with
the parameters, a checksum and the provenance of the code, to ``<out_dir>/<key>.json`` where key
is a hash of the parameters; the write is atomic (temporary file, then rename), so a killed sweep
leaves only complete files. Running the same sweep again skips every task whose record is on disk
and sound: nothing is lost and nothing duplicated, and the assembled table (sorted by key) is the
same whichever executor, local or Dask, ran it.

Damaged records. A record that does not parse, lacks its fields, holds other parameters than its
name says, or whose checksum does not match its content (edited by hand) is *set aside and
recomputed* by :func:`run_sweep`: it is renamed to ``<key>.json.damaged`` (``.damaged.1``, ... if
that exists), kept for inspection, a RuntimeWarning names it, and the task runs again. Recomputing
is safe because a task is deterministic in its parameters. :func:`load_table`, which only reads,
raises CorruptResultError naming the file instead. Records written before checksums existed (no
``checksum`` field) are read as they are.
"""

import hashlib
import json
import os
import pathlib
import warnings

from .. import _validate
from ..errors import CorruptResultError, InvalidParameterError
from .executor import check_executor_arguments, get_executor
from .provenance import _json_default, source_provenance, write_json_atomic

__all__ = ["load_table", "record_checksum", "run_key", "run_sweep"]


def _canonical(obj, allow_nan=False):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=allow_nan)


def run_key(params):
    """A stable short hash of a task's parameters (numpy scalars hash as the Python numbers
    they equal).

    Examples
    --------
    >>> import numpy as np
    >>> run_key({"n": np.int64(3), "eps": 0.5}) == run_key({"eps": 0.5, "n": 3})
    True
    """
    params = _task(params, "task parameters")
    return hashlib.sha256(_canonical(params).encode()).hexdigest()[:20]


def _task(params, name):
    if not isinstance(params, dict):
        raise InvalidParameterError(f"{name} must be a dict of JSON values, got {params!r}")
    return _validate.plain(name, params)


def record_checksum(params, result):
    """SHA-256 (hex) of the canonical JSON of a record's parameters and result (a result may
    hold NaN or inf, e.g. the loss of a diverged run; parameters may not)."""
    text = _canonical({"params": params, "result": result}, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _json_result(result):
    """The result as it will read back from disk (numpy scalars as numbers, tuples as lists)."""
    if not isinstance(result, dict):
        raise InvalidParameterError(f"fn must return a dict, got {result!r}")
    try:
        return json.loads(json.dumps(result, default=_json_default))
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(f"fn must return a JSON-serialisable dict: {err}") from None


def _read_record(path, params=None):
    """The record at ``path`` as (params, result), or raise CorruptResultError saying why."""
    try:
        record = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        raise CorruptResultError(f"run record {path} is unreadable: {err}", path) from None
    if (not isinstance(record, dict) or not isinstance(record.get("params"), dict)
            or not isinstance(record.get("result"), dict)):
        raise CorruptResultError(
            f"run record {path} is damaged: it must be a JSON object with 'params' and 'result' "
            "objects", path)
    if "checksum" in record and record["checksum"] != record_checksum(record["params"],
                                                                      record["result"]):
        raise CorruptResultError(
            f"run record {path} was changed after it was written (checksum mismatch)", path)
    if params is not None and record["params"] != params:
        raise CorruptResultError(
            f"run record {path} holds other parameters than its name says", path)
    return record["params"], record["result"]


def _set_aside(path):
    target = path.with_name(path.name + ".damaged")
    i = 0
    while target.exists():
        i += 1
        target = path.with_name(f"{path.name}.damaged.{i}")
    os.replace(path, target)
    return target


def _finished(path, params):
    """Whether a sound record for ``params`` is at ``path``; a damaged one is set aside."""
    if not path.exists():
        return False
    try:
        _read_record(path, params)
    except CorruptResultError as err:
        target = _set_aside(path)
        warnings.warn(f"{err}; set aside as {target.name} and recomputed", RuntimeWarning,
                      stacklevel=3)
        return False
    return True


def run_sweep(fn, tasks, out_dir, *, scheduler=None, workers=None, progress=True, metadata=None,
              label=None):
    """Run ``fn(task)`` for every task whose result is not on disk yet; returns the table.

    Every argument is checked before the folder is created or anything is written.

    Parameters
    ----------
    fn : callable
        Module-level function of one task dict returning a JSON-serialisable dict.
    tasks : list of dict
        JSON values only (numpy scalars are taken as the Python numbers they equal).
    out_dir : path
        One file per finished task.
    scheduler : str, optional
        A dask.distributed scheduler address; local processes when None.
    workers : int, optional
        Local processes (1 runs in this process).
    progress : bool
        Show a tqdm progress bar (on stderr): runs done of the sweep's runs, their rate and the
        time left. It stays on screen when the sweep ends.
    metadata : dict, optional
        Written to ``<out_dir>/_meta.json`` (package version, commit, seeds ...) on every call
        that finishes a task or finds nothing left to do.
    label : str, optional
        What the progress bar says it counts, e.g. ``"width sweep: Edge-Popup runs"``; the
        folder's name when None.

    Raises
    ------
    InvalidParameterError
        A bad argument (nothing is written), or what ``fn`` raises for a task: results finished
        before it are kept, and the folder is only created with the first result.

    Returns
    -------
    list of dict
        The finished runs, params then result, sorted by key.
    """
    if not callable(fn):
        raise InvalidParameterError(f"fn must be a callable, got {fn!r}")
    if isinstance(tasks, (str, bytes, dict)) or not hasattr(tasks, "__iter__"):
        raise InvalidParameterError(f"tasks must be a list of dicts, got {tasks!r}")
    tasks = [_task(t, f"tasks[{i}]") for i, t in enumerate(tasks)]
    out = _out_dir(out_dir)
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise InvalidParameterError(f"metadata must be a dict, got {metadata!r}")
        metadata = _validate.plain("metadata", metadata)
    if not isinstance(progress, bool):
        raise InvalidParameterError(f"progress must be True or False, got {progress!r}")
    if label is not None and not (isinstance(label, str) and label.strip()):
        raise InvalidParameterError(f"label must be a non-empty string or None, got {label!r}")
    check_executor_arguments(scheduler, workers)

    keyed = {}
    for task in tasks:
        keyed.setdefault(run_key(task), task)
    todo = [t for k, t in keyed.items() if not _finished(out / f"{k}.json", t)]
    executor = get_executor(scheduler, workers) if todo else None  # connects before any write

    def start():
        # the folder and metadata appear with the first result (or at once when nothing is left
        # to run), so that a sweep whose first task fails leaves nothing behind
        out.mkdir(parents=True, exist_ok=True)
        if metadata is not None:
            write_json_atomic(out / "_meta.json", metadata)

    if not todo:
        start()
    else:
        provenance = source_provenance()
        started = False
        bar = None
        if progress:
            from tqdm import tqdm

            # labelled by what it counts, with the time left; left on screen when done, so a
            # long job's log keeps how long each step took
            bar = tqdm(total=len(keyed), initial=len(keyed) - len(todo),
                       desc=label or str(out.name), unit="run", leave=True)
        try:
            for task, result in executor.map_unordered(fn, todo):
                result = _json_result(result)
                if not started:
                    start()
                    started = True
                write_json_atomic(out / f"{run_key(task)}.json", {
                    "params": task, "result": result,
                    "checksum": record_checksum(task, result), "provenance": provenance})
                if bar is not None:
                    bar.update(1)
        finally:
            executor.close()
            if bar is not None:
                bar.close()
    return load_table(out, keys=list(keyed))


def _out_dir(out_dir):
    out = pathlib.Path(_validate.path("out_dir", out_dir))
    if out.exists() and not out.is_dir():
        raise InvalidParameterError(f"out_dir must be a folder, but {str(out)!r} is a file")
    return out


def load_table(out_dir, keys=None):
    """The finished runs as a list of flat dicts (params then result), sorted by key.

    Raises CorruptResultError naming the file when a record is damaged (module docstring).
    """
    out = _out_dir(out_dir)
    if keys is None:
        paths = sorted(out.glob("[!_.]*.json"))
    else:
        if isinstance(keys, (str, bytes)) or not hasattr(keys, "__iter__"):
            raise InvalidParameterError(f"keys must be a list of run keys, got {keys!r}")
        keys = list(keys)
        if not all(isinstance(k, str) and k.isalnum() for k in keys):
            raise InvalidParameterError(f"keys must be run keys (hex strings), got {keys!r}")
        paths = [out / f"{k}.json" for k in sorted(keys)]
    rows = []
    for path in paths:
        if not path.exists():
            continue
        params, result = _read_record(path)
        rows.append({**params, **result})
    return rows
