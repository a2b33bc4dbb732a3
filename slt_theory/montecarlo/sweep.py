"""Grid sweeps of the Monte Carlo coverage probability, written row by row to a CSV that a killed
sweep resumes with the same command, losing and duplicating nothing.

Each row is keyed by its parameters (KEY_COLUMNS). A row is written as one complete line, then
flushed and fsync'ed, so a kill leaves at most one partial trailing line; on resume that line is
cut off, the keys already on disk are skipped and the rest of the grid is appended. Because trial
t's numbers depend only on (seed, t), a resumed sweep writes exactly the rows an uninterrupted one
would have. What made the results (package version, git commit, seed, grid) sits in a sidecar
JSON, ``<out>.meta.json``, written atomically (temporary file, then rename).
"""

import csv
import datetime
import io
import itertools
import json
import os

from .. import _validate
from .._version import __version__
from ..errors import InvalidParameterError
from ..runs.executor import get_executor
from ..runs.provenance import git_commit, write_json_atomic
from .draws import _options
from .tasks import coverage_task

__all__ = ["KEY_COLUMNS", "RESULT_COLUMNS", "read_sweep", "sweep"]

KEY_COLUMNS = ("n", "eps", "prune_ratio", "lock_ratio", "statement", "freezing", "distribution",
               "lo", "hi", "trials", "seed")
RESULT_COLUMNS = ("successes", "estimate", "ci_low", "ci_high", "confidence", "interval")
COLUMNS = KEY_COLUMNS + RESULT_COLUMNS


def _fmt(value):
    """One canonical text per value, so keys read back from disk compare equal."""
    if isinstance(value, bool):
        raise TypeError("no booleans in sweep rows")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _as_list(name, value):
    if isinstance(value, (list, tuple)):
        if not value:
            raise InvalidParameterError(f"{name} must list at least one value")
        return list(value)
    return [value]


def _prepare(path):
    """Cut a partial trailing line; return the set of keys on disk (creating the header)."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        with open(path, "w", newline="") as f:
            f.write(",".join(COLUMNS) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return set()
    with open(path, "rb+") as f:
        data = f.read()
        cut = data.rfind(b"\n") + 1
        if cut < len(data):  # a row cut short by a kill: it never counted
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())
        data = data[:cut]
    if not data:
        return _prepare_empty(path)
    rows = list(csv.reader(io.StringIO(data.decode())))
    if tuple(rows[0]) != COLUMNS:
        raise InvalidParameterError(
            f"{path} is not a sweep table of this version (header {rows[0]!r}); choose another --out")
    return {tuple(r[: len(KEY_COLUMNS)]) for r in rows[1:] if r}


def _prepare_empty(path):
    os.remove(path)
    return _prepare(path)


def read_sweep(path):
    """The rows of a sweep table as dicts of typed values (a partial trailing line is ignored).

    Examples
    --------
    >>> import tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "s.csv")
    >>> _ = sweep(out, n=[4, 8], eps=0.2, trials=50, progress=False)
    >>> [(r["n"], r["estimate"] >= 0) for r in read_sweep(out)]
    [(4, True), (8, True)]
    """
    with open(path, newline="") as f:
        text = f.read()
    text = text[: text.rfind("\n") + 1]
    rows = list(csv.DictReader(io.StringIO(text)))
    ints = {"n", "trials", "seed", "successes"}
    strs = {"statement", "freezing", "distribution", "interval"}
    return [
        {k: (int(v) if k in ints else v if k in strs else float(v)) for k, v in row.items()}
        for row in rows
    ]


def sweep(out, *, n, eps, prune_ratio=0.0, lock_ratio=0.0, trials=10_000, seed=0,
          statement="uniform", freezing="iid", distribution="uniform", lo=-1.0, hi=1.0,
          confidence=0.95, progress=True, workers=1, scheduler=None):
    """Run coverage_probability over the grid of all combinations and append the rows to ``out``.

    The grid points run through `slt_theory.runs.executor`: in this process (workers=1, the default),
    in local processes, or on a Dask cluster (``scheduler``); rows are appended as points finish,
    by this process only, so the table is the same set of rows whichever executor ran it.

    Parameters
    ----------
    out : str
        CSV path; its sidecar ``out + ".meta.json"`` records version, commit, seed and grid.
    n, eps, prune_ratio, lock_ratio, statement, freezing, distribution : value or list of values
        The grid axes (every combination is run; a combination with
        prune_ratio + lock_ratio >= 1 is an error, raised before anything runs).
    trials, seed, lo, hi, confidence : single values, as in coverage_probability.
    progress : bool
        Show a tqdm progress bar.
    workers : int
        Local processes (1 runs in this process).
    scheduler : str, optional
        A dask.distributed scheduler address.

    Returns
    -------
    int
        How many rows this call computed (0 when the table was already complete).
    """
    grid_axes = dict(n=_as_list("n", n), eps=_as_list("eps", eps),
                     prune_ratio=_as_list("prune_ratio", prune_ratio),
                     lock_ratio=_as_list("lock_ratio", lock_ratio),
                     statement=_as_list("statement", statement),
                     freezing=_as_list("freezing", freezing),
                     distribution=_as_list("distribution", distribution))
    trials = _validate.integer("trials", trials, minimum=1)
    seed = _validate.integer("seed", seed, minimum=0)
    confidence = _validate.open_unit("confidence", confidence)
    points = []
    for nn, ee, pp, ll, st, fr, di in itertools.product(*grid_axes.values()):
        nn = _validate.integer("n", nn, minimum=0)
        ee = _validate.positive("eps", ee)
        opts = _options(pp, ll, st, fr, di, lo, hi)
        points.append((nn, ee, opts))

    if os.path.dirname(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
    meta_path = out + ".meta.json"
    meta = {
        "package": "frozen-slt",
        "version": __version__,
        "git_commit": git_commit(),
        "seed": seed,
        "trials": trials,
        "confidence": confidence,
        "grid": {k: list(v) for k, v in grid_axes.items()},
        "lo": lo,
        "hi": hi,
        "columns": list(COLUMNS),
        "interval": "clopper-pearson",
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            old = json.load(f)
        meta["started"] = old.get("started", meta["started"])
        meta["resumed"] = old.get("resumed", 0) + 1
    write_json_atomic(meta_path, meta, indent=2)
    done = _prepare(out)

    def key(nn, ee, opts):
        return tuple(_fmt(v) for v in (nn, ee, opts.prune_ratio, opts.lock_ratio, opts.statement,
                                       opts.freezing, opts.distribution, opts.lo, opts.hi,
                                       trials, seed))

    todo = [p for p in points if key(*p) not in done]
    todo = list({key(*p): p for p in todo}.values())  # a grid listing a value twice runs it once
    from tqdm import tqdm

    tasks = [dict(n=nn, eps=ee, prune_ratio=opts.prune_ratio, lock_ratio=opts.lock_ratio,
                  statement=opts.statement, freezing=opts.freezing, distribution=opts.distribution,
                  lo=opts.lo, hi=opts.hi, trials=trials, seed=seed, confidence=confidence)
             for nn, ee, opts in todo]
    computed = 0
    executor = get_executor(scheduler, workers)
    try:
        with open(out, "a", newline="") as f, tqdm(
            total=len(points), initial=len(points) - len(todo), disable=not progress,
            desc=os.path.basename(out), unit="pt",
        ) as bar:
            for task, result in executor.map_unordered(coverage_task, tasks):
                line = io.StringIO()
                csv.writer(line, lineterminator="\n").writerow(
                    [_fmt(task[c]) for c in KEY_COLUMNS] + [_fmt(result[c]) for c in RESULT_COLUMNS])
                f.write(line.getvalue())  # one complete line, then make it durable
                f.flush()
                os.fsync(f.fileno())
                computed += 1
                bar.update(1)
    finally:
        executor.close()
    return computed
