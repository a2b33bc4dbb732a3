"""Markdown tables rendered from data, for the report that ``slt reproduce`` writes.

Every cell goes through :func:`slt_theory._display.plain`, as the command line's tables do, so a
``None``, dict, list or tuple is an error instead of a Python repr in the report: the caller says
in words what a missing value means (:func:`missing`), or leaves the cell empty and explains the
empty cells in a footnote below the table.
"""

import math
import numbers
from collections.abc import Mapping

from slt_theory import _display, _validate
from slt_theory.errors import InvalidParameterError

__all__ = ["EMPTY", "markdown_table", "missing", "number", "pairs"]

#: an empty cell; the table's caption or a footnote must say what it means
EMPTY = ""


def number(value, digits=4):
    """A value of a results table as text: integers with separators, reals to ``digits``
    significant digits, NaN as an empty cell (a one-seed interval, say).

    Raises
    ------
    InvalidParameterError
        For ``digits`` not an integer in [1, 17] (a float64 has at most 17 significant digits),
        or a real number too large for a float.
    TypeError
        For a value with no readable form (None, dict, list, tuple: see the module's docstring).
    """
    digits = _validate.integer("digits", digits, 1, 17)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return _display.integer(value)
    if isinstance(value, numbers.Real):
        try:
            value = float(value)
        except OverflowError:  # a Fraction or Decimal beyond the float range
            raise InvalidParameterError(
                f"value must be a real number within the float range, got {value!r:.200}") from None
        return EMPTY if math.isnan(value) else f"{value:.{digits}g}"
    return _display.plain(value)


def missing(value, text):
    """``value`` as a number, or ``text`` (what it means that there is none) when it is None.

    Raises as :func:`number`, and InvalidParameterError when ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise InvalidParameterError(f"text must be a string, got {text!r:.200}")
    return text if value is None or (isinstance(value, str) and value == "") else number(value)


def pairs(mapping, fmt=number, sep=", "):
    """A small mapping as one cell: ``"16: 0.2, 32: 0.6"`` (``sep`` between the pairs).

    Raises
    ------
    InvalidParameterError
        When ``mapping`` is not a mapping, ``fmt`` not callable or ``sep`` not a string.
    TypeError
        As :func:`number` (the default ``fmt``), for a value with no readable form.
    """
    if not isinstance(mapping, Mapping):
        raise InvalidParameterError(f"mapping must be a dict, got {mapping!r:.200}")
    if not callable(fmt):
        raise InvalidParameterError(f"fmt must be a function of one value, got {fmt!r:.200}")
    if not isinstance(sep, str):
        raise InvalidParameterError(f"sep must be a string, got {sep!r:.200}")
    return sep.join(f"{k}: {fmt(v)}" for k, v in mapping.items())


def _cell(value):
    # a "|" inside a cell would end the cell in Markdown
    return _display.plain(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers, rows, align=None):
    """A GitHub-flavoured Markdown table.

    Parameters
    ----------
    headers : sequence of str
    rows : sequence of sequences
        One cell per header; each cell a str, int, float or bool (``None``, dicts and lists
        raise TypeError, see the module's docstring).
    align : str, optional
        One of ``"l"`` / ``"r"`` per column; numbers right, text left by default (judged from
        the first row).

    Returns
    -------
    str
        The table, without a trailing newline.

    Raises
    ------
    InvalidParameterError
        When ``headers`` or ``rows`` is not a list or tuple, a row has the wrong number of
        cells, or ``align`` is not one "l" / "r" per column.
    TypeError
        For a cell or header with no readable form (None, dict, list, tuple).

    Examples
    --------
    >>> print(markdown_table(["setting", "n"], [["no freezing", 12], ["prune 0.5", 1388]]))
    | setting | n |
    |:---|---:|
    | no freezing | 12 |
    | prune 0.5 | 1,388 |
    """
    sequences = (list, tuple)
    if not isinstance(headers, sequences) or not headers:
        raise InvalidParameterError(
            f"headers must be a non-empty list or tuple, got {headers!r:.200}")
    if not isinstance(rows, sequences) or not all(isinstance(r, sequences) for r in rows):
        raise InvalidParameterError(
            f"rows must be a list or tuple of lists or tuples of cells, got {rows!r:.200}")
    rows = [list(r) for r in rows]
    for r in rows:
        if len(r) != len(headers):
            raise InvalidParameterError(
                f"rows: a row has {len(r)} cells for {len(headers)} columns")
    if align is None:
        first = rows[0] if rows else [""] * len(headers)
        align = "".join("r" if isinstance(c, numbers.Real) and not isinstance(c, bool)
                        or (isinstance(c, str) and c.replace(",", "").replace(".", "", 1)
                            .lstrip("-").isdigit()) else "l" for c in first)
    if not isinstance(align, str) or len(align) != len(headers) or set(align) - {"l", "r"}:
        raise InvalidParameterError(
            f"align must be 'l' or 'r' per column ({len(headers)} letters), got {align!r:.200}")
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)
