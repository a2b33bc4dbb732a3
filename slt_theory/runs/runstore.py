"""Idempotent, resumable sweeps over an executor (open_lth style: a run's file is named by a hash
of its parameters).

Each task is a JSON-serialisable dict of parameters. Its result (a dict) is written, together with
the parameters, to ``<out_dir>/<key>.json`` where key is a hash of the parameters; the write is
atomic (temporary file, then rename), so a killed sweep leaves only complete files. Running the
same sweep again skips every task whose file exists: nothing is lost and nothing duplicated, and
the assembled table (sorted by key) is the same whichever executor, local or Dask, ran it.
"""

import hashlib
import json
import pathlib

from ..errors import InvalidParameterError
from .executor import get_executor
from .provenance import write_json_atomic

__all__ = ["load_table", "run_key", "run_sweep"]


def run_key(params):
    """A stable short hash of a task's parameters."""
    try:
        text = json.dumps(params, sort_keys=True, separators=(",", ":"))
    except TypeError as err:
        raise InvalidParameterError(f"task parameters must be JSON-serialisable: {err}") from err
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def run_sweep(fn, tasks, out_dir, *, scheduler=None, workers=None, progress=True, metadata=None):
    """Run ``fn(task)`` for every task whose result is not on disk yet; returns the table.

    Parameters
    ----------
    fn : callable
        Module-level function of one task dict returning a JSON-serialisable dict.
    tasks : list of dict
    out_dir : path
        One file per finished task.
    scheduler : str, optional
        A dask.distributed scheduler address; local processes when None.
    workers : int, optional
        Local processes (1 runs in this process).
    metadata : dict, optional
        Written once to ``<out_dir>/_meta.json`` (package version, commit, seeds ...).
    """
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if metadata is not None:
        write_json_atomic(out / "_meta.json", metadata)
    keyed = {}
    for task in tasks:
        keyed.setdefault(run_key(task), task)
    todo = [t for k, t in keyed.items() if not (out / f"{k}.json").exists()]
    if todo:
        executor = get_executor(scheduler, workers)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(keyed), initial=len(keyed) - len(todo), desc=str(out.name),
                       unit="run", leave=False)
        try:
            for task, result in executor.map_unordered(fn, todo):
                write_json_atomic(out / f"{run_key(task)}.json", {"params": task, "result": result})
                if bar is not None:
                    bar.update(1)
        finally:
            executor.close()
            if bar is not None:
                bar.close()
    return load_table(out, keys=list(keyed))


def load_table(out_dir, keys=None):
    """The finished runs as a list of flat dicts (params then result), sorted by key."""
    out = pathlib.Path(out_dir)
    paths = sorted(out.glob("[!_.]*.json")) if keys is None else [out / f"{k}.json" for k in sorted(keys)]
    rows = []
    for path in paths:
        if not path.exists():
            continue
        record = json.loads(path.read_text())
        rows.append({**record["params"], **record["result"]})
    return rows
