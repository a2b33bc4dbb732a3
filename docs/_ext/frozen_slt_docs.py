"""The documentation site's own Sphinx extension: which pages the table of contents lists, and
one repair of how docstrings read as reStructuredText.

Pages. The index's table of contents is filled in at build time from :data:`PAGE_ORDER`: a page
that does not exist yet is left out (so pages that other branches are still writing join the site
when they land), and any other top-level page is appended after those, so that a new page never
breaks a warnings-as-errors build by sitting in no table of contents.

Absolute values. The docstrings write maths as plain text, so ``|t|`` means an absolute value;
reStructuredText reads ``|t|`` as a substitution reference and stops with "Undefined
substitution referenced" (and a lone bar as the start of one). :func:`escape_absolute_values`
escapes the bars of prose in the rendered copy of a docstring (never in the source), and leaves
literals, math, doctests and tables alone, where a bar already means what it says.
"""

import pathlib
import re

__all__ = ["NOT_PAGES", "PAGE_ORDER", "TOCTREE_MARKER", "escape_absolute_values", "setup",
           "site_pages"]

#: The site's pages in reading order; those that do not exist are skipped.
PAGE_ORDER = (
    "getting-started",
    "theory",
    "calibration",
    "benchmarks",
    "ticket-format",
    "notebooks",
    "style-gallery",
    "api/index",
)
#: Top-level Markdown files of docs/ that are not pages of the table of contents.
NOT_PAGES = frozenset({"index"})
#: The line of docs/index.md that the page list replaces.
TOCTREE_MARKER = "<!-- pages: filled in by docs/_ext/frozen_slt_docs.py -->"


def site_pages(docs_dir, order=PAGE_ORDER):
    """The table of contents of the index.

    Parameters
    ----------
    docs_dir : path-like
        The Sphinx source folder (docs/).
    order : sequence of str
        Page names (paths relative to ``docs_dir`` without ``.md``) in reading order.

    Returns
    -------
    list of str
        The pages of ``order`` whose Markdown file exists, in that order, then every other
        top-level Markdown page of ``docs_dir`` (except :data:`NOT_PAGES`) in alphabetical order.
    """
    docs_dir = pathlib.Path(docs_dir)
    present = [page for page in order if (docs_dir / f"{page}.md").is_file()]
    others = sorted(p.stem for p in docs_dir.glob("*.md")
                    if p.stem not in NOT_PAGES and p.stem not in present)
    return present + others


# A bar that is not escaped already. In the prose of these docstrings every bar is a bar (an
# absolute value, a norm, "a | b"): none is a substitution reference, and a lone one would be
# the start of one without an end.
_BAR = re.compile(r"(?<!\\)\|")
# Inline spans whose bars are already literal: ``code`` and :role:`text`.
_LITERAL_SPAN = re.compile(r"``.+?``|:\w+:`[^`]*`")
# A row or border of a grid table, whose bars are the table's own.
_TABLE_ROW = re.compile(r"^\s*[+|].*[+|]\s*$")
# Openers of blocks whose text is taken literally: math and code directives (their own line too),
# and a paragraph that ends in "::" (a literal block follows). Other directives hold prose.
_LITERAL_DIRECTIVE = re.compile(r"^\s*\.\. (math|code-block|code|sourcecode|literalinclude)::")
_OTHER_DIRECTIVE = re.compile(r"^\s*\.\. [\w-]+::")
_LITERAL_PARAGRAPH_END = re.compile(r"::\s*$")


def _escape_line(line):
    pieces, last = [], 0
    for span in _LITERAL_SPAN.finditer(line):
        pieces.append(_BAR.sub(r"\\|", line[last:span.start()]))
        pieces.append(span.group(0))
        last = span.end()
    pieces.append(_BAR.sub(r"\\|", line[last:]))
    return "".join(pieces)


def escape_absolute_values(lines):
    """Escape the bars of plain-text absolute values in a docstring's lines, in place.

    Every bar of prose is escaped, paired (``|t|``) or not (``P(|X| > t``, ``a | b``). Lines of
    literal blocks (after ``::``), of ``.. math::`` and code directives (the directive's
    own line included) and of doctests are left alone, as are ````literal```` and ``:role:`...```
    spans inside a line, and the rows of grid tables.

    Parameters
    ----------
    lines : list of str
        The docstring, one line per item (what ``autodoc-process-docstring`` hands over).

    Returns
    -------
    list of str
        ``lines``, changed in place.

    Examples
    --------
    >>> escape_absolute_values(["density log(1/|t|)/2, ``|s| >= t``"])
    ['density log(1/\\\\|t\\\\|)/2, ``|s| >= t``']
    """
    block_indent = None  # indentation of the line that opened a literal or math block
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if _LITERAL_DIRECTIVE.match(line):
            block_indent = indent
            continue  # the directive's argument (`.. math:: |x|`) is part of the block
        if _LITERAL_PARAGRAPH_END.search(line) and not _OTHER_DIRECTIVE.match(line):
            block_indent = indent  # this line is prose; the indented lines after it are literal
        if stripped.startswith((">>>", "...")) or _TABLE_ROW.match(line):
            continue
        lines[i] = _escape_line(line)
    return lines


def _process_docstring(app, what, name, obj, options, lines):
    escape_absolute_values(lines)


def _fill_toctree(app, docname, source):
    # source-read hands over the page's text in a one-element list, to be replaced in place
    if docname == "index":
        pages = site_pages(app.srcdir)
        source[0] = source[0].replace(TOCTREE_MARKER, "\n".join(pages))


def setup(app):
    app.connect("source-read", _fill_toctree)
    # after numpydoc (priority 500), which turns the numpydoc sections into reStructuredText
    app.connect("autodoc-process-docstring", _process_docstring, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
