"""Grid sweeps of the Monte Carlo coverage probability, written row by row to a CSV that a killed
sweep resumes with the same command, losing and duplicating nothing.

Rows. Each row is keyed by its parameters (KEY_COLUMNS) and ends with a checksum (the first 16
hex digits of the SHA-256 of the rest of its line), so that a value edited by hand is detected:
reading such a table raises CorruptResultError naming the file and line. A row is written as one
complete line, then flushed and fsync'ed, so a kill leaves at most one partial trailing line; on
resume that line is cut off, the keys already on disk are skipped and the rest of the grid is
appended. Because trial t's numbers depend only on (seed, t), a resumed sweep writes exactly the
rows an uninterrupted one would have. A row that appears twice (two sweeps appending the same
point) is read once.

One table, one setting. Everything that changes a row's numbers but is not a grid axis -- the
trials, the seed, the confidence, the target interval [lo, hi] and the package version -- is the
table's *setting*, recorded in the sidecar ``<out>.meta.json``. A call with another setting is
refused before anything is written (choose another ``out``); the grid axes may grow from call to
call. The sidecar (written atomically) holds the setting, the union of the grids, and one entry
per call (its grid, commit and time); a damaged sidecar is set aside as ``.damaged`` and rebuilt
from the rows.

Validation comes first: every argument, every grid point and the memory and work limits of every
point are checked, an existing ``out`` must be a sweep table, and a Dask scheduler is connected
to, before the first byte is written.
"""

import csv
import datetime
import hashlib
import io
import itertools
import json
import os
import warnings

from .. import _validate
from .._version import __version__
from ..errors import CorruptResultError, InvalidParameterError
from ..runs.executor import check_executor_arguments, get_executor
from ..runs.provenance import git_state, write_json_atomic
from . import coverage as _cov
from .draws import _options
from .tasks import coverage_task

__all__ = ["COLUMNS", "KEY_COLUMNS", "RESULT_COLUMNS", "SETTING", "read_sweep", "sweep"]

KEY_COLUMNS = ("n", "eps", "prune_ratio", "lock_ratio", "statement", "freezing", "distribution",
               "lo", "hi", "trials", "seed")
RESULT_COLUMNS = ("successes", "estimate", "ci_low", "ci_high", "confidence", "interval")
COLUMNS = KEY_COLUMNS + RESULT_COLUMNS + ("checksum",)
_LEGACY_COLUMNS = KEY_COLUMNS + RESULT_COLUMNS  # tables written before rows had checksums
#: What a table fixes for all its rows (besides the package version).
SETTING = ("trials", "seed", "confidence", "lo", "hi")
_INTS = {"n", "trials", "seed", "successes"}
_STRS = {"statement", "freezing", "distribution", "interval", "checksum"}
_GRID_AXES = ("n", "eps", "prune_ratio", "lock_ratio", "statement", "freezing", "distribution")


def _fmt(value):
    """One canonical text per value, so keys read back from disk compare equal."""
    if isinstance(value, bool):
        raise TypeError("no booleans in sweep rows")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _checksum(fields):
    return hashlib.sha256(",".join(fields).encode()).hexdigest()[:16]


def _as_list(name, value):
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        value = value.tolist()  # a numpy array (or scalar) of grid values
    if isinstance(value, (list, tuple)):
        if not value:
            raise InvalidParameterError(f"{name} must list at least one value")
        return list(value)
    return [value]


# --------------------------------------------------------------------------- reading

def _read_rows(path):
    """(header, rows as lists of strings with their line numbers) of the complete lines."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise InvalidParameterError(f"cannot read the sweep table {path!r}: {err}") from None
    data = data[: data.rfind(b"\n") + 1]  # a partial trailing line (a kill) never counted
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidParameterError(
            f"{path!r} is not a sweep table (not UTF-8 text); choose another out") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as err:
        raise CorruptResultError(f"sweep table {path} is damaged: {err}", path) from None
    if not rows:
        return None, []
    return tuple(rows[0]), [(i + 2, r) for i, r in enumerate(rows[1:]) if r]


def _typed(path, line, header, fields):
    if len(fields) != len(header):
        raise CorruptResultError(
            f"sweep table {path}, line {line}: {len(fields)} fields where the header has "
            f"{len(header)}", path)
    if header == COLUMNS and _checksum(fields[:-1]) != fields[-1]:
        raise CorruptResultError(
            f"sweep table {path}, line {line}: the row was changed after it was written "
            "(checksum mismatch)", path)
    try:
        return {k: (int(v) if k in _INTS else v if k in _STRS else float(v))
                for k, v in zip(header, fields)}
    except ValueError as err:
        raise CorruptResultError(f"sweep table {path}, line {line}: {err}", path) from None


def _table(path):
    """Rows of an existing table as {key tuple: typed row}, duplicates dropped; raises
    InvalidParameterError for a file that is no sweep table and CorruptResultError for a
    damaged one."""
    try:
        with open(path, "rb") as f:  # the header first: a large file of another kind is not read
            first = f.read(len(",".join(COLUMNS)) + 2)
    except OSError as err:
        raise InvalidParameterError(f"cannot read the sweep table {path!r}: {err}") from None
    if first and not any(first.startswith(",".join(h).encode()) for h in (COLUMNS,
                                                                        _LEGACY_COLUMNS)):
        raise InvalidParameterError(
            f"{path!r} is not a sweep table (it does not start with the header "
            f"{','.join(COLUMNS)!r}); choose another out")
    header, rows = _read_rows(path)
    if header is None:
        return None, {}
    if header not in (COLUMNS, _LEGACY_COLUMNS):
        raise InvalidParameterError(
            f"{path!r} is not a sweep table of this version (header {list(header)!r}); "
            "choose another out")
    table = {}
    for line, fields in rows:
        row = _typed(path, line, header, fields)
        key = tuple(fields[: len(KEY_COLUMNS)])
        if key in table and table[key] != row:
            raise CorruptResultError(
                f"sweep table {path}, line {line}: a second row for the same parameters with "
                "other results", path)
        table.setdefault(key, row)
    return header, table


def read_sweep(path):
    """The rows of a sweep table as dicts of typed values, each point once, in file order.

    A partial trailing line (a killed write) is ignored and a repeated row is read once; an
    edited row (checksum mismatch), a short row or two different rows for one point raise
    CorruptResultError naming the file and line.

    Examples
    --------
    >>> import tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "s.csv")
    >>> _ = sweep(out, n=[4, 8], eps=0.2, trials=50, progress=False)
    >>> [(r["n"], r["estimate"] >= 0) for r in read_sweep(out)]
    [(4, True), (8, True)]
    """
    path = _path(path)
    _, table = _table(path)
    return [{k: v for k, v in row.items() if k != "checksum"} for row in table.values()]


# --------------------------------------------------------------------------- the sidecar

def _read_meta(meta_path):
    """The sidecar as a dict, None when absent; a damaged one is set aside (and rebuilt)."""
    if not os.path.exists(meta_path):
        return None
    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
        return meta
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        target = meta_path + ".damaged"
        i = 0
        while os.path.exists(target):
            i += 1
            target = f"{meta_path}.damaged.{i}"
        os.replace(meta_path, target)
        warnings.warn(f"sweep sidecar {meta_path} is damaged ({err}); set aside as "
                      f"{os.path.basename(target)} and rebuilt from the table", RuntimeWarning,
                      stacklevel=3)
        return None


def _check_setting(out, setting, meta, table):
    """Refuse to add rows of another setting (or version) to a table."""
    for row in table.values():
        for k in SETTING:
            if row[k] != setting[k]:
                raise InvalidParameterError(
                    f"{out!r} holds rows with {k}={row[k]!r}; this call asks for "
                    f"{k}={setting[k]!r}. A table keeps one setting ({', '.join(SETTING)}): "
                    "choose another out")
    if meta is None:
        return
    old = meta.get("setting")
    if isinstance(old, dict):
        for k in SETTING:
            if k in old and old[k] != setting[k]:
                raise InvalidParameterError(
                    f"{out!r} was made with {k}={old[k]!r} ({out}.meta.json); this call asks for "
                    f"{k}={setting[k]!r}. A table keeps one setting ({', '.join(SETTING)}): "
                    "choose another out")
    version = meta.get("version")
    if table and version is not None and version != __version__:
        raise InvalidParameterError(
            f"{out!r} was made by frozen-slt {version}; this is {__version__}, whose numbers "
            "may differ. Choose another out")


def _merged_grid(meta, axes):
    old = meta.get("grid") if isinstance(meta, dict) else None
    grid = {}
    for k in _GRID_AXES:
        values = list(old.get(k, [])) if isinstance(old, dict) and isinstance(
            old.get(k), list) else []
        for v in axes[k]:
            if v not in values:
                values.append(v)
        grid[k] = values
    return grid


# --------------------------------------------------------------------------- writing

def _path(out):
    out = _validate.path("out", out)
    if os.path.isdir(out):
        raise InvalidParameterError(f"out must be a CSV file, but {out!r} is a folder")
    return out


def _prepare(path):
    """Create the table with its header, or cut a partial trailing line off an existing one."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        with open(path, "w", newline="") as f:
            f.write(",".join(COLUMNS) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return
    with open(path, "rb+") as f:
        data = f.read()
        cut = data.rfind(b"\n") + 1
        if cut < len(data):  # a row cut short by a kill: it never counted
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())


def _line(task, result):
    fields = [_fmt(task[c]) for c in KEY_COLUMNS] + [_fmt(result[c]) for c in RESULT_COLUMNS]
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(fields + [_checksum(fields)])
    return line.getvalue()


def sweep(out, *, n, eps, prune_ratio=0.0, lock_ratio=0.0, trials=10_000, seed=0,
          statement="uniform", freezing="iid", distribution="uniform", lo=-1.0, hi=1.0,
          confidence=0.95, progress=True, workers=1, scheduler=None, label=None):
    """Run coverage_probability over the grid of all combinations and append the rows to ``out``.

    The grid points run through `slt_theory.runs.executor`: in this process (workers=1, the
    default), in local processes, or on a Dask cluster (``scheduler``); rows are appended as points finish,
    by this process only, so the table is the same set of rows whichever executor ran it.

    Parameters
    ----------
    out : str
        CSV path; its sidecar ``out + ".meta.json"`` records version, commit, setting and grid.
        An existing file must be a sweep table of the same setting (module docstring).
    n, eps, prune_ratio, lock_ratio, statement, freezing, distribution : value or list of values
        The grid axes (every combination is run; a combination with
        prune_ratio + lock_ratio >= 1 is an error, raised before anything runs).
    trials, seed, lo, hi, confidence : single values, as in coverage_probability.
    progress : bool
        Show a tqdm progress bar on stderr: grid points done, their rate and the time left; it
        stays on screen when the sweep ends.
    label : str, optional
        What the bar says it counts; ``"coverage sweep <file name>"`` when None.
    workers : int
        Local processes (1 runs in this process).
    scheduler : str, optional
        A dask.distributed scheduler address (host:port or tcp://host:port).

    Returns
    -------
    int
        How many rows this call computed (0 when the table was already complete).

    Raises
    ------
    InvalidParameterError
        A bad argument, an ``out`` that is no sweep table or holds another setting, an
        unreachable scheduler; nothing is written.
    ResourceLimitError
        A grid point past the memory or work limits of coverage_probability; nothing is written.
    CorruptResultError
        ``out`` holds an edited or damaged row (file and line named); nothing is written.
    """
    axes = {k: _as_list(k, v) for k, v in dict(
        n=n, eps=eps, prune_ratio=prune_ratio, lock_ratio=lock_ratio, statement=statement,
        freezing=freezing, distribution=distribution).items()}
    trials = _cov._trials(trials)
    seed = _validate.integer("seed", seed, minimum=0)
    confidence = _validate.open_unit("confidence", confidence)
    if not isinstance(progress, bool):
        raise InvalidParameterError(f"progress must be True or False, got {progress!r}")
    if label is not None and not (isinstance(label, str) and label.strip()):
        raise InvalidParameterError(f"label must be a non-empty string or None, got {label!r}")
    points = []
    for nn, ee, pp, ll, st, fr, di in itertools.product(*axes.values()):
        nn = _validate.integer("n", nn, minimum=0)
        ee = _validate.positive("eps", ee)
        opts = _options(pp, ll, st, fr, di, lo, hi)
        _cov._plan(nn, 0, trials, opts)  # memory and work limits, before anything runs
        points.append((nn, ee, opts))
    # the grid as validated plain values (numpy scalars in, JSON numbers out)
    axes = {"n": sorted({p[0] for p in points}), "eps": sorted({p[1] for p in points}),
            **{k: sorted({getattr(p[2], k) for p in points})
               for k in ("prune_ratio", "lock_ratio", "statement", "freezing", "distribution")}}
    lo, hi = points[0][2].lo, points[0][2].hi
    setting = {"trials": trials, "seed": seed, "confidence": confidence, "lo": lo, "hi": hi}
    check_executor_arguments(scheduler, workers)

    out = _path(out)
    meta_path = out + ".meta.json"
    table = {}
    if os.path.exists(out) and os.path.getsize(out) > 0:
        header, table = _table(out)
        if header == _LEGACY_COLUMNS:
            raise InvalidParameterError(
                f"{out!r} was written by an older frozen-slt without row checksums; read it "
                "with read_sweep and choose another out for new rows")
    if os.path.exists(meta_path) and not os.path.isfile(meta_path):
        raise InvalidParameterError(f"the sidecar {meta_path!r} must be a file")

    def key(nn, ee, opts):
        return tuple(_fmt(v) for v in (nn, ee, opts.prune_ratio, opts.lock_ratio, opts.statement,
                                       opts.freezing, opts.distribution, opts.lo, opts.hi,
                                       trials, seed))

    todo = list({key(*p): p for p in points if key(*p) not in table}.values())
    meta_before = None
    if os.path.exists(meta_path):
        with open(meta_path, "rb") as f:
            meta_before = f.read()
    # checks done on a read-only view of the sidecar; a damaged one is set aside only below
    try:
        meta_view = json.loads(meta_before) if meta_before is not None else None
        meta_view = meta_view if isinstance(meta_view, dict) else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        meta_view = None
    _check_setting(out, setting, meta_view, table)
    executor = get_executor(scheduler, workers) if todo else None  # connects before any write

    try:
        if os.path.dirname(out):
            os.makedirs(os.path.dirname(out), exist_ok=True)
        meta = _read_meta(meta_path) or {}
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        state = git_state()
        call = {"started": now, "version": __version__,
                "git_commit": None if state is None else state["commit"],
                "git_dirty": None if state is None else state["dirty"],
                "grid": axes, "new_points": len(todo)}
        calls = meta.get("calls") if isinstance(meta.get("calls"), list) else []
        write_json_atomic(meta_path, {
            "package": "frozen-slt",
            "version": __version__,
            "git_commit": call["git_commit"],
            "git_dirty": call["git_dirty"],
            "setting": setting,
            **setting,
            "grid": _merged_grid(meta, axes),
            "calls": calls + [call],
            "columns": list(COLUMNS),
            "checksum": "sha256 of the row's other fields joined by commas, first 16 hex digits",
            "interval": "clopper-pearson",
            "started": meta.get("started", now),
            "resumed": len(calls),
        }, indent=2)
        _prepare(out)
        if not todo:
            return 0
        from tqdm import tqdm

        tasks = [dict(n=nn, eps=ee, prune_ratio=opts.prune_ratio, lock_ratio=opts.lock_ratio,
                      statement=opts.statement, freezing=opts.freezing,
                      distribution=opts.distribution, lo=opts.lo, hi=opts.hi, trials=trials,
                      seed=seed, confidence=confidence)
                 for nn, ee, opts in todo]
        computed = 0
        with open(out, "a", newline="") as f, tqdm(
            total=len(points), initial=len(points) - len(todo), disable=not progress,
            desc=label or f"coverage sweep {os.path.basename(out)}", unit="point", leave=True,
        ) as bar:
            for task, result in executor.map_unordered(coverage_task, tasks):
                f.write(_line(task, result))  # one complete line, then make it durable
                f.flush()
                os.fsync(f.fileno())
                computed += 1
                bar.update(1)
        return computed
    finally:
        if executor is not None:
            executor.close()
