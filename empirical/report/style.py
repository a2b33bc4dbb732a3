"""The one matplotlib style of frozen-slt's figures: sized for a paper, readable in print,
colour-blind-safe.

A figure is drawn at the size it is printed, so that its font sizes are the printed sizes: a
paper's column is :data:`COLUMN_WIDTH` (3.3 in) wide and its full text width :data:`TEXT_WIDTH`
(6.75 in). Saved files keep exactly that width (no tight bounding box that would crop or grow
them), so ``\\includegraphics[width=\\columnwidth]`` prints every text at the size set here, at
least :data:`SMALL_FONT_SIZE` (7 pt). Room for labels and outside legends comes from matplotlib's
constrained layout instead.

Colours are the Okabe-Ito palette (:data:`OKABE_ITO`), chosen to stay distinct under the common
colour-vision deficiencies; black (:data:`REFERENCE_COLOR`) is kept out of the cycle for
reference lines such as a proved bound. Greek letters and other symbols are typeset with
matplotlib's mathtext (no LaTeX install needed): :func:`label` turns the plain-text names used in
code and on the command line (``eps``, ``delta``, ``n*``) into them.

Usage::

    from empirical.report import style

    with style.context("column"):
        fig, ax = style.subplots("column")
        ax.plot(eps, n, label=style.label("proved, delta = 0.01"))
        ax.set_xlabel(style.label("eps"))
        style.legend_outside(fig, "below")
        style.save(fig, "figures/samples")  # figures/samples.pdf and .png, 3.3 in wide

matplotlib is imported inside the functions that draw, never when this module is imported, so
``import empirical`` and the ``slt`` command line stay free of it.
"""

import io
import math
import os
import re
import warnings

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError
from slt_theory.runs.provenance import write_bytes_atomic

__all__ = [
    "BAND_ALPHA", "COLUMN_WIDTH", "CYCLE", "FONT_SIZE", "GOLDEN_ASPECT", "MAX_HEIGHT",
    "MAX_LEGEND_COLUMNS", "MAX_PANELS", "OKABE_ITO",
    "REFERENCE_COLOR", "SMALL_FONT_SIZE", "SYMBOLS", "TEXT_WIDTH", "WIDTHS",
    "FigureOverflowWarning", "context", "figure_size", "label", "label_bottom_panels",
    "legend_outside", "overflow",
    "rc_params", "save", "subplots", "use",
]

#: Width of one column of a two-column paper, in inches (ICML, NeurIPS two-column, IEEE: 3.25-3.5).
COLUMN_WIDTH = 3.3
#: Full text width of a two-column paper, in inches.
TEXT_WIDTH = 6.75
#: The widths a figure may have, by name.
WIDTHS = {"column": COLUMN_WIDTH, "text": TEXT_WIDTH}
#: Height / width of one panel when no height is given (the golden ratio's inverse).
GOLDEN_ASPECT = 2 / (1 + math.sqrt(5))

#: Axis labels and titles, in points (printed size, since figures are drawn at printed size).
FONT_SIZE = 8
#: Tick labels, legends and annotations: the smallest text in a figure, in points.
SMALL_FONT_SIZE = 7

#: The Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"), by name.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish green": "#009E73",
    "reddish purple": "#CC79A7",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: The colour cycle: Okabe-Ito without black, strong colours first (yellow on white is faint,
#: so it comes last).
CYCLE = tuple(OKABE_ITO[name] for name in (
    "blue", "vermillion", "bluish green", "reddish purple", "orange", "sky blue", "yellow"))
#: Reference lines (a proved bound, a lower bound, a target eps) are black, outside the cycle.
REFERENCE_COLOR = OKABE_ITO["black"]
#: Opacity of confidence bands drawn with ``fill_between`` in a line's colour.
BAND_ALPHA = 0.25

#: Plain-text names (as in the code and on the command line) and their mathtext.
SYMBOLS = {
    "eps": r"\varepsilon",
    "delta": r"\delta",
    "rho": r"\rho",
    "n*": r"n^*",
}
# whole words only: "eps" but not "steps" or "epsilon"; "n*" as a word of its own
_SYMBOL_WORD = re.compile(r"(?<![\w$\\])(eps|delta|rho)(?![\w])|(?<![\w$\\])n\*")


#: The tallest figure, in inches: far beyond a printed page, and far below the pixel limit of
#: matplotlib's renderer at the saving resolution (2**16 pixels at 300 dpi is 218 in).
MAX_HEIGHT = 100.0
#: The most rows or columns of panels in one figure.
MAX_PANELS = 64


def _width_inches(width):
    return WIDTHS[_validate.choice("width", width, WIDTHS)]


def _positive(name, value, what):
    """A finite real > 0 (never a boolean), as a float; the message says ``what`` it measures."""
    try:
        return _validate.positive(name, value)
    except InvalidParameterError:
        raise InvalidParameterError(f"{name} must be a positive {what}, got {value!r:.200}") from None


def _figure(fig):
    """``fig`` if it is a matplotlib figure (imported here: the module stays free of it), with a
    canvas that can measure text."""
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise InvalidParameterError(f"fig must be a matplotlib Figure, got {fig!r:.200}")
    if not hasattr(fig.canvas, "get_renderer"):
        # a Figure made without pyplot has a bare canvas that cannot lay text out; give it the
        # Agg canvas, as matplotlib's docs do for such figures (savefig draws with one anyway)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig


def figure_size(width="column", *, nrows=1, aspect=None, height=None):
    """(width, height) in inches of a figure that is printed ``width`` wide.

    Parameters
    ----------
    width : {"column", "text"}
        :data:`COLUMN_WIDTH` (3.3 in) or :data:`TEXT_WIDTH` (6.75 in).
    nrows : int
        Rows of panels; the default height grows with them.
    aspect : float, optional
        Height of one row over the figure's width for a column figure (default
        :data:`GOLDEN_ASPECT`); a text-width figure's rows are as high as a column figure's, since
        such a figure usually holds panels side by side.
    height : float, optional
        The height in inches, overriding ``nrows`` and ``aspect``.

    Returns
    -------
    tuple of float
        (width, height) in inches.

    Raises
    ------
    InvalidParameterError
        For an unknown width, ``nrows`` not an integer in [1, :data:`MAX_PANELS`], a height or
        aspect that is not a positive real, or a height above :data:`MAX_HEIGHT`.
    """
    inches = _width_inches(width)
    if height is not None:
        height = _positive("height", height, "number of inches")
    else:
        nrows = _validate.integer("nrows", nrows, 1, MAX_PANELS)
        aspect = GOLDEN_ASPECT if aspect is None else _positive("aspect", aspect, "number")
        height = nrows * aspect * COLUMN_WIDTH
    if height > MAX_HEIGHT:
        raise InvalidParameterError(
            f"the figure's height must be at most {MAX_HEIGHT:g} in, got {height!r} in (height "
            f"{height!r}, or nrows {nrows!r} x aspect {aspect!r} x {COLUMN_WIDTH} in)")
    return (inches, height)


def rc_params(width="column"):
    """The style as a dict of matplotlib rcParams (imports cycler, not matplotlib).

    Parameters
    ----------
    width : {"column", "text"}
        Sets the default figure size (:func:`figure_size`); fonts are the same at both widths,
        since figures are drawn at printed size.

    Returns
    -------
    dict
        rcParams for ``matplotlib.rcParams.update`` or ``matplotlib.rc_context``.
    """
    from cycler import cycler  # matplotlib's own dependency, light, and no matplotlib import

    small, normal = SMALL_FONT_SIZE, FONT_SIZE
    return {
        "figure.figsize": figure_size(width),
        "figure.dpi": 150,
        "figure.constrained_layout.use": True,
        "savefig.dpi": 300,
        # keep the designed width: a tight bounding box would crop or grow the file and so
        # rescale every font when the paper includes it at \columnwidth
        "savefig.bbox": "standard",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib: no font to install
        "mathtext.fontset": "dejavusans",
        "axes.formatter.use_mathtext": True,
        "font.size": normal,
        "axes.titlesize": normal,
        "axes.labelsize": normal,
        "figure.titlesize": normal,
        "figure.labelsize": normal,
        "xtick.labelsize": small,
        "ytick.labelsize": small,
        "legend.fontsize": small,
        "legend.title_fontsize": small,
        "axes.prop_cycle": cycler(color=list(CYCLE)),
        "image.cmap": "cividis",  # a colour map made for colour-vision deficiencies
        "lines.linewidth": 1.2,
        "lines.markersize": 3.5,
        "errorbar.capsize": 2.0,
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "grid.linewidth": 0.4,
        "grid.alpha": 0.5,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.minor.width": 0.4,
        "ytick.minor.width": 0.4,
        "xtick.major.size": 3.0,
        "ytick.major.size": 3.0,
        "xtick.minor.size": 1.5,
        "ytick.minor.size": 1.5,
        "legend.frameon": False,
        "legend.handlelength": 1.8,
        "legend.columnspacing": 1.2,
        "legend.borderaxespad": 0.3,
        # fonts embedded as TrueType (Type 42): publishers reject the Type 3 fonts of the default
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
    }


def use(width="column"):
    """Apply the style to every later figure of this process (``matplotlib.rcParams``)."""
    import matplotlib

    matplotlib.rcParams.update(rc_params(width))


def context(width="column"):
    """A context manager applying the style inside a ``with`` block only.

    Draw and save inside the block: tick labels are made when a figure is drawn, with the
    rcParams in force then.
    """
    import matplotlib

    return matplotlib.rc_context(rc_params(width))


def subplots(width="column", nrows=1, ncols=1, *, aspect=None, height=None, **kwargs):
    """``plt.subplots`` at a paper width, with constrained layout.

    Parameters
    ----------
    width : {"column", "text"}
        The printed width (:func:`figure_size`).
    nrows, ncols : int
        The grid of panels.
    aspect, height : float, optional
        As in :func:`figure_size`.
    **kwargs
        Passed on to ``matplotlib.pyplot.subplots`` (``sharex``, ``sharey``, ...).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : matplotlib.axes.Axes or ndarray of them
    """
    import matplotlib.pyplot as plt

    size = figure_size(width, nrows=nrows, aspect=aspect, height=height)
    nrows = _validate.integer("nrows", nrows, 1, MAX_PANELS)
    ncols = _validate.integer("ncols", ncols, 1, MAX_PANELS)
    return plt.subplots(nrows, ncols, figsize=size, layout="constrained", **kwargs)


#: The most legend columns (more than any figure's width holds).
MAX_LEGEND_COLUMNS = 64

_OUTSIDE = {"below": "outside lower center", "right": "outside right upper",
            "above": "outside upper center"}


def label_bottom_panels(axes, used, xlabel):
    """Hide the panels of a shared-x grid beyond the first ``used`` (row-major), and give the
    lowest visible panel of each column its x tick labels and ``xlabel`` (a short last row would
    otherwise leave a column without an x axis).

    Parameters
    ----------
    axes : 2-D ndarray of matplotlib Axes
        As :func:`subplots` returns them with ``squeeze=False``.
    used : int
        Panels in use, at least one per column and at most all of them.
    xlabel : str
    """
    import numpy as np
    from matplotlib.axes import Axes

    if not (isinstance(axes, np.ndarray) and axes.ndim == 2 and axes.size
            and all(isinstance(ax, Axes) for ax in axes.flat)):
        raise InvalidParameterError(
            f"axes must be a 2-D array of matplotlib Axes (subplots(..., squeeze=False)), got "
            f"{axes!r:.200}")
    used = _validate.integer("used", used, axes.shape[1], axes.size)
    if not isinstance(xlabel, str):
        raise InvalidParameterError(f"xlabel must be a string, got {xlabel!r:.200}")
    for ax in axes.flat[used:]:
        ax.set_visible(False)
    for column in axes.T:
        lowest = [a for a in column if a.get_visible()][-1]
        lowest.tick_params(labelbottom=True)
        lowest.set_xlabel(xlabel)


def legend_outside(fig, where="below", *, ncols=None, **kwargs):
    """One legend for the whole figure, outside every panel, so that it covers no data.

    Handles are gathered from every axes of ``fig``; a label drawn in several panels appears
    once. Needs constrained layout (as :func:`subplots` makes), which shrinks the panels to make
    room, so the figure keeps its width.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    where : {"below", "right", "above"}
        Below suits a column figure; right suits a text-width figure with a long legend.
    ncols : int, optional
        Legend columns. Default: one at the right; below or above, the most columns (up to one
        per entry) whose legend still fits the figure's width, so long labels wrap into rows
        instead of running off the page.
    **kwargs
        Passed on to ``Figure.legend``.

    Returns
    -------
    matplotlib.legend.Legend
    """
    _figure(fig)
    where = _validate.choice("where", where, _OUTSIDE)
    if ncols is not None:
        ncols = _validate.integer("ncols", ncols, 1, MAX_LEGEND_COLUMNS)
    handles, labels = [], []
    for ax in fig.axes:
        for handle, text in zip(*ax.get_legend_handles_labels()):
            if text not in labels:
                handles.append(handle)
                labels.append(text)
    if ncols is not None or where == "right" or len(labels) <= 1:
        return fig.legend(handles, labels, loc=_OUTSIDE[where], ncols=ncols or 1, **kwargs)
    renderer = fig.canvas.get_renderer()
    for columns in range(len(labels), 0, -1):
        legend = fig.legend(handles, labels, loc=_OUTSIDE[where], ncols=columns, **kwargs)
        # a legend's size does not depend on where it is placed, so it can be measured now
        if columns == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width:
            return legend
        legend.remove()
    raise AssertionError("unreachable: one column is always returned")  # pragma: no cover


def label(text):
    """Typeset the plain-text symbols of ``text`` with mathtext.

    ``eps``, ``delta`` and ``rho`` as whole words and ``n*`` become ε, δ, ρ and n*; other words
    ("steps", "epsilon") and text already between dollar signs are left as they are.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text`` with each symbol replaced by ``$...$`` mathtext.

    Examples
    --------
    >>> label("samples n (eps = 0.01, delta = 0.1)")
    'samples n ($\\\\varepsilon$ = 0.01, $\\\\delta$ = 0.1)'
    >>> label("Monte Carlo n*, 300 steps")
    'Monte Carlo $n^*$, 300 steps'
    """
    if not isinstance(text, str):
        raise InvalidParameterError(f"text must be a string, got {text!r}")
    # split on "$": odd pieces are already mathtext and stay untouched
    pieces = text.split("$")
    for i in range(0, len(pieces), 2):
        pieces[i] = _SYMBOL_WORD.sub(
            lambda m: f"${SYMBOLS[m.group(1) or 'n*']}$", pieces[i])
    return "$".join(pieces)


_FORMATS = ("pdf", "png", "svg")


def _parents(folder):
    """The folders above ``folder`` (an absolute path), nearest first."""
    while os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        yield folder


class FigureOverflowWarning(UserWarning):
    """Something drawn (a label, a tick label, a legend) runs past the edge of the figure."""


def overflow(fig):
    """How far, in inches, what is drawn runs past each edge of ``fig`` (0 where it does not).

    Constrained layout makes room for labels and outside legends, but it cannot shrink text: an
    axis label longer than its panel, or a legend wider than the figure, is cut off in the saved
    file. :func:`save` warns when this is not all zeros.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    dict
        ``{"left": ..., "bottom": ..., "right": ..., "top": ...}`` in inches, each >= 0.
    """
    _figure(fig)
    fig.canvas.draw()  # lay the figure out and make its tick labels, as saving will
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    width, height = fig.get_size_inches()
    return {"left": max(0.0, -drawn.x0), "bottom": max(0.0, -drawn.y0),
            "right": max(0.0, drawn.x1 - width), "top": max(0.0, drawn.y1 - height)}


def save(fig, path, formats=("pdf", "png")):
    """Write ``fig`` to ``path`` + ``.pdf``, ``.png`` ... atomically, at its designed size.

    Warns (:class:`FigureOverflowWarning`) when something drawn runs past the figure's edge
    (:func:`overflow`), since it would be cut off in the file.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : path-like
        The file name without suffix; its folder is created.
    formats : sequence of {"pdf", "png", "svg"}

    Returns
    -------
    list of str
        The files written.

    Raises
    ------
    InvalidParameterError
        For something other than a figure, a bad path or format, or a path inside a file; all
        checked before anything is written.
    """
    _figure(fig)
    path = _validate.path("path", path)
    if isinstance(formats, str) or not isinstance(formats, (list, tuple)):
        raise InvalidParameterError(
            f"formats must be a non-empty list or tuple of {list(_FORMATS)!r}, got {formats!r:.200}")
    bad = [f for f in formats if not (isinstance(f, str) and f in _FORMATS)]
    if bad or not formats:
        raise InvalidParameterError(
            f"formats must be a non-empty sequence of {list(_FORMATS)!r}, got {formats!r}")
    formats = tuple(str(f) for f in formats)
    folder = os.path.dirname(os.path.abspath(path))
    for part in (folder, *(p for p in _parents(folder))):
        if os.path.exists(part):
            if not os.path.isdir(part):
                raise InvalidParameterError(
                    f"path must lie in a folder, but {part!r} is a file (path {path!r})")
            break
    # a half-point tolerance: glyph extents are measured, not exact
    cut = {edge: inches for edge, inches in overflow(fig).items() if inches > 0.5 / 72}
    if cut:
        where = ", ".join(f"{edge} by {inches:.2f} in" for edge, inches in cut.items())
        warnings.warn(f"{os.fspath(path)}: what is drawn runs past the figure's edge ({where}) and "
                      "would be cut off; shorten a label, make the figure taller, or use fewer "
                      "legend columns", FigureOverflowWarning, stacklevel=2)
    # render every format first, so that a failing one leaves no file behind
    rendered = []
    for fmt in formats:
        buffer = io.BytesIO()
        # metadata without a creation date, so that an unchanged figure gives an unchanged file
        metadata = {"CreationDate": None} if fmt == "pdf" else ({"Date": None} if fmt == "svg" else {})
        fig.savefig(buffer, format=fmt, metadata=metadata)
        rendered.append((f"{os.fspath(path)}.{fmt}", buffer.getvalue()))
    os.makedirs(folder, exist_ok=True)
    for name, data in rendered:
        write_bytes_atomic(name, data)
    return [name for name, _ in rendered]
