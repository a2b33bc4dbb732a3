"""What the report's figure modules share: their ``--data`` / ``--out`` command line, reading a
table the main job wrote, and saving one figure in the shared style.

Each figure module runs in its own process (``python -m empirical.report.<figure> --data DIR
--out DIR``): the main job computes, then draws from the small CSV / JSON files it wrote, so that
plotting never shares a process (or its memory) with a computation.
"""

import argparse
import csv
import json
import math
import pathlib

from slt_theory import _validate
from slt_theory.errors import CorruptResultError, InvalidParameterError

from . import style

# the largest count a table may hold: every count is drawn as a float, exact up to 2**53
_MAX_COUNT = 2**53


def parse_args(doc, argv=None):
    """``--data`` (the stage's folder) and ``--out`` (the figures' folder) of a figure module."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="folder holding the stage's tables")
    ap.add_argument("--out", required=True, help="folder for the PNG and PDF")
    return ap.parse_args(argv)


def pyplot():
    """matplotlib's pyplot on the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _value(kind, where, value):
    """``value`` checked against ``kind`` (see :func:`check_rows`); raises naming ``where``."""
    if kind == "text":
        # a "$" would start mathtext in a title or legend, which fails only when the figure is
        # drawn; refuse it here so that the error names the cell
        if not isinstance(value, str) or "$" in value:
            raise InvalidParameterError(f"{where} must be text without '$', got {value!r}")
        return
    if kind == "real_or_empty" and value in ("", "nan"):
        return
    if kind == "count_or_empty" and value == "":
        return
    if not isinstance(value, str):
        raise InvalidParameterError(f"{where} must be a table cell (a string), got {value!r}")
    if kind.startswith("count"):
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or not 0 <= number < _MAX_COUNT:
            raise InvalidParameterError(
                f"{where} must be an integer in [0, 2**53), got {value!r}")
        if kind == "count_positive" and number == 0:
            raise InvalidParameterError(f"{where} must be an integer >= 1, got {value!r}")
        return
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidParameterError(f"{where} must be a finite real number, got {value!r}")


def check_rows(rows, columns, what="rows", allow_empty=False):
    """Check the rows of a results table before a figure is drawn from them.

    Parameters
    ----------
    rows : list of dict
        As :func:`read_csv` returns them: one dict of strings per row.
    columns : dict
        Column name -> kind: ``"text"`` (no ``$``: it would start mathtext), ``"real"`` (a
        finite real), ``"real_or_empty"`` (also ``""`` or ``"nan"``: no interval), ``"count"``
        (an integer in [0, 2**53)), ``"count_positive"`` (>= 1) or ``"count_or_empty"``.
    what : str
        How the rows are named in an error message.
    allow_empty : bool
        Whether no rows at all is allowed.

    Raises
    ------
    InvalidParameterError
        Naming the row, the column and the value.
    """
    if not isinstance(rows, list) or not (rows or allow_empty):
        raise InvalidParameterError(
            f"{what} must be a {'' if allow_empty else 'non-empty '}list of rows (dicts of "
            f"strings), got {rows!r:.200}")
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidParameterError(f"{what}[{i}] must be a dict, got {row!r:.200}")
        absent = sorted(set(columns) - set(row))
        if absent:
            raise InvalidParameterError(f"{what}[{i}] lacks the column(s) {absent}")
        for column, kind in columns.items():
            _value(kind, f"{what}[{i}][{column!r}]", row[column])


def _fail(path, err):
    if isinstance(err, (FileNotFoundError, NotADirectoryError)):  # --data names no folder of tables
        return InvalidParameterError(f"data: the results table {str(path)!r} does not exist")
    return CorruptResultError(f"the results table {str(path)!r} cannot be read ({err})", path)


def read_csv(folder, name, columns=None):
    """The rows of ``folder/name`` as dicts of strings.

    Parameters
    ----------
    folder : path-like
    name : str
    columns : dict, optional
        The columns the rows must have and their kinds (:func:`check_rows`); unchecked if None.

    Raises
    ------
    InvalidParameterError
        When the file does not exist.
    CorruptResultError
        When it cannot be read (a folder, not UTF-8, malformed CSV) or its rows fail
        ``columns``; the message and ``path`` name the file.
    """
    path = pathlib.Path(_validate.path("folder", folder)) / name
    try:
        with open(path, newline="", encoding="utf-8") as f:
            # restkey / restval mark a row with too many / too few cells (a truncated file)
            rows = list(csv.DictReader(f, restkey="\0extra", restval=None))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise _fail(path, err) from None
    for i, row in enumerate(rows):
        if "\0extra" in row or None in row.values():
            raise CorruptResultError(
                f"the results table {str(path)!r}: row {i + 1} has the wrong number of cells "
                "(a truncated or damaged file)", path)
    if columns is not None:
        _check_file(path, lambda: check_rows(rows, columns, "rows"))
    return rows


def read_json(folder, name, check):
    """The JSON document ``folder/name``, checked by ``check`` (raises as :func:`read_csv`)."""
    path = pathlib.Path(_validate.path("folder", folder)) / name
    try:
        # parse_constant: NaN and Infinity are not JSON, and no figure can draw them
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise _fail(path, err) from None
    _check_file(path, lambda: check(document))
    return document


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _check_file(path, check):
    try:
        check()
    except InvalidParameterError as err:
        raise CorruptResultError(f"the results table {str(path)!r}: {err}", path) from None


def setting_label(prune_ratio, lock_ratio):
    """How a freeze setting is named in every legend."""
    if prune_ratio == lock_ratio == 0:
        return "no freezing"
    return f"prune {prune_ratio:g}, lock {lock_ratio:g}"


def setting_colors(settings):
    """One Okabe-Ito colour per freeze setting, in sorted order (the same setting gets the same
    colour in every figure of the report)."""
    return {s: style.CYCLE[i % len(style.CYCLE)] for i, s in enumerate(sorted(settings))}


def save(fig, out, name):
    """``out/name.pdf`` and ``.png``, atomically, at the figure's designed width."""
    return style.save(fig, pathlib.Path(out) / name)


def _check_out(out):
    """``out`` as a path whose nearest existing part is a folder (style.save creates the rest)."""
    out = pathlib.Path(_validate.path("out", out))
    for part in (out, *out.parents):
        if part.exists():
            if not part.is_dir():
                raise InvalidParameterError(
                    f"out must be a folder for the figures, but {str(part)!r} is a file")
            break
    return out


def main(doc, argv, name, draw_from):
    """The command line of a figure module: ``draw_from(data_folder)`` at text width, saved as
    ``out/name.{pdf,png}``.

    Every table is read and checked before anything is drawn or written, so a refused call
    leaves no figure behind.

    Raises
    ------
    InvalidParameterError
        ``argv`` is not a list of strings, ``--out`` is (inside) a file, or a table is missing;
        :class:`CorruptResultError` (naming the file) when a table is damaged.
    SystemExit
        A malformed command line (argparse, exit status 2) or ``--help`` (status 0).
    """
    if argv is not None and not (isinstance(argv, (list, tuple))
                                 and all(isinstance(a, str) for a in argv)):
        raise InvalidParameterError(f"argv must be None or a list of strings, got {argv!r:.200}")
    args = parse_args(doc, argv)
    data = pathlib.Path(_validate.path("data", args.data))
    out = _check_out(args.out)
    pyplot()
    with style.context("text"):
        save(draw_from(data), out, name)
