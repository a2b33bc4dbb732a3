"""Markdown tables rendered from data, for the report that ``slt reproduce`` writes.

Every cell goes through :func:`slt_theory._display.plain`, as the command line's tables do, so a
``None``, dict, list or tuple is an error instead of a Python repr in the report: the caller says
in words what a missing value means (:func:`missing`), or leaves the cell empty and explains the
empty cells in a footnote below the table.
"""

import math
import numbers

from slt_theory import _display

__all__ = ["EMPTY", "markdown_table", "missing", "number", "pairs"]

#: an empty cell; the table's caption or a footnote must say what it means
EMPTY = ""


def number(value, digits=4):
    """A value of a results table as text: integers with separators, reals to ``digits``
    significant digits, NaN as an empty cell (a one-seed interval, say)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return _display.integer(value)
    if isinstance(value, numbers.Real):
        return EMPTY if math.isnan(value) else f"{float(value):.{digits}g}"
    return _display.plain(value)


def missing(value, text):
    """``value`` as a number, or ``text`` (what it means that there is none) when it is None."""
    return text if value is None or value == "" else number(value)


def pairs(mapping, fmt=number, sep=", "):
    """A small mapping as one cell: ``"16: 0.2, 32: 0.6"`` (``sep`` between the pairs)."""
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

    Examples
    --------
    >>> print(markdown_table(["setting", "n"], [["no freezing", 12], ["prune 0.5", 1388]]))
    | setting | n |
    |:---|---:|
    | no freezing | 12 |
    | prune 0.5 | 1,388 |
    """
    rows = [list(r) for r in rows]
    for r in rows:
        if len(r) != len(headers):
            raise ValueError(f"a row has {len(r)} cells for {len(headers)} columns")
    if align is None:
        first = rows[0] if rows else [""] * len(headers)
        align = "".join("r" if isinstance(c, numbers.Real) and not isinstance(c, bool)
                        or (isinstance(c, str) and c.replace(",", "").replace(".", "", 1)
                            .lstrip("-").isdigit()) else "l" for c in first)
    if len(align) != len(headers) or set(align) - {"l", "r"}:
        raise ValueError(f"align must be 'l' or 'r' per column, got {align!r}")
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)
