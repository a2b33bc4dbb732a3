"""The shared figure style (empirical.report.style): figures have the paper's widths, every text
prints at >= 7 pt, legends sit outside the data, colours stay distinct under colour-vision
deficiencies, symbols are typeset, and matplotlib is imported only when a figure is made."""

import itertools
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empirical.report import style
from slt_theory.errors import InvalidParameterError

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def test_importing_the_packages_and_the_style_imports_no_matplotlib():
    # a fresh interpreter: this test process has matplotlib loaded already
    code = ("import sys, empirical, slt_theory, empirical.report, empirical.report.style as s; "
            "s.rc_params('text'); s.label('eps'); s.figure_size('column'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("width,inches", [("column", 3.3), ("text", 6.75)])
def test_figures_have_the_paper_widths(width, inches):
    assert style.figure_size(width)[0] == inches
    fig, _ = style.subplots(width, 1, 2)
    assert tuple(fig.get_size_inches()) == pytest.approx((inches, style.GOLDEN_ASPECT * 3.3))
    plt.close(fig)
    assert style.figure_size(width, nrows=3)[1] == pytest.approx(3 * style.figure_size(width)[1])
    assert style.figure_size(width, height=1.5) == (inches, 1.5)


def _draw_example(width, where):
    """A figure like the report's: lines, a band, a reference line, labels, an outside legend."""
    x = np.logspace(-3, -1, 20)
    with style.context(width):
        fig, axes = style.subplots(width, 1, 2 if width == "text" else 1, sharey=True)
        for ax in np.atleast_1d(axes):
            for k, name in enumerate(("no freezing", "pruning 50%", "25% pruned + 25% locked")):
                y = (k + 1) * np.log(1 / x)
                ax.plot(x, y, "o-", label=style.label(f"proved, {name}"))
                ax.fill_between(x, 0.8 * y, 1.2 * y, alpha=style.BAND_ALPHA)
            ax.plot(x, np.log2(1 / x), ":", color=style.REFERENCE_COLOR,
                    label="counting lower bound")
            ax.set(xscale="log", xlabel=style.label("eps"), title=style.label("delta = 0.01"))
        np.atleast_1d(axes)[0].set_ylabel(style.label("samples n*"))
        legend = style.legend_outside(fig, where)
        fig.canvas.draw()
    return fig, legend


@pytest.mark.parametrize("width", ["column", "text"])
@pytest.mark.parametrize("where", ["below", "right"])
def test_every_text_prints_at_least_7_pt_inside_the_figure(width, where):
    fig, _ = _draw_example(width, where)
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
    assert len(texts) > 10  # ticks, labels, title, legend entries
    # the figure is saved at this size (test below), so point sizes are printed sizes
    assert min(t.get_fontsize() for t in texts) >= style.SMALL_FONT_SIZE
    # everything drawn (tick labels in view, labels, legend) lies inside the saved page
    assert max(style.overflow(fig).values()) <= 0.01
    plt.close(fig)


def test_text_running_off_the_figure_is_measured_and_warned_about(tmp_path):
    with style.context("column"):
        fig, ax = style.subplots("column", height=1.2)
        ax.plot([0, 1], [0, 1])
        ax.set_ylabel("a y label much longer than a panel 1.2 inches high can hold")
        cut = style.overflow(fig)
        assert cut["top"] > 0.1 and cut["bottom"] > 0.1 and cut["left"] == cut["right"] == 0
        with pytest.warns(style.FigureOverflowWarning, match=r"runs past the figure's edge \(bottom by"):
            style.save(fig, tmp_path / "cut", formats=("png",))
    plt.close(fig)


@pytest.mark.parametrize("width", ["column", "text"])
@pytest.mark.parametrize("where", ["below", "right", "above"])
def test_the_legend_covers_no_panel(width, where):
    fig, legend = _draw_example(width, where)
    renderer = fig.canvas.get_renderer()
    legend_box = legend.get_window_extent(renderer)
    for ax in fig.axes:
        assert not legend_box.overlaps(ax.get_window_extent(renderer))
    # one entry per label, though every panel drew each line
    assert len(legend.get_texts()) == 4
    plt.close(fig)


def test_a_legend_inside_a_panel_is_caught():
    # the overlap check above can fail: a legend in the default place does overlap
    fig, _ = _draw_example("column", "below")
    legend = fig.axes[0].legend()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert legend.get_window_extent(renderer).overlaps(fig.axes[0].get_window_extent(renderer))
    plt.close(fig)


@pytest.mark.parametrize("width,inches", [("column", 3.3), ("text", 6.75)])
def test_saved_files_keep_the_designed_width(tmp_path, width, inches):
    fig, _ = _draw_example(width, "right")
    with style.context(width), warnings.catch_warnings():
        warnings.simplefilter("error", style.FigureOverflowWarning)  # the example fits
        written = style.save(fig, tmp_path / "sub" / "example", formats=("pdf", "png", "svg"))
    plt.close(fig)
    assert [p.rsplit(".", 1)[1] for p in written] == ["pdf", "png", "svg"]
    pdf = (tmp_path / "sub" / "example.pdf").read_bytes()
    media_box = [float(v) for v in re.search(rb"/MediaBox \[([^\]]+)\]", pdf).group(1).split()]
    assert media_box[2] - media_box[0] == pytest.approx(72 * inches)  # no tight-bbox cropping
    assert b"/FontType 3" not in pdf and b"/Subtype /Type3" not in pdf  # TrueType fonts only
    png = plt.imread(tmp_path / "sub" / "example.png")
    assert png.shape[1] == round(300 * inches)
    # no creation date: an unchanged figure gives an unchanged file
    assert b"CreationDate" not in pdf
    assert not list((tmp_path / "sub").glob(".*.tmp"))


def test_bad_input_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(InvalidParameterError, match=r"width must be one of \['column', 'text'\], got 'page'"):
        style.figure_size("page")
    with pytest.raises(InvalidParameterError, match="height must be a positive"):
        style.figure_size("column", height=0)
    with pytest.raises(InvalidParameterError, match="nrows must be an integer >= 1"):
        style.figure_size("column", nrows=0)
    with pytest.raises(InvalidParameterError, match="aspect must be a positive"):
        style.figure_size("column", aspect=float("nan"))
    fig, _ = style.subplots("column")
    with pytest.raises(InvalidParameterError, match="where must be one of"):
        style.legend_outside(fig, "inside")
    with pytest.raises(InvalidParameterError, match=r"formats must be .* got \('pdf', 'jpg'\)"):
        style.save(fig, tmp_path / "x", formats=("pdf", "jpg"))
    plt.close(fig)
    assert not list(tmp_path.iterdir())


# --- colours ------------------------------------------------------------------------------------
#: Smallest CAM02-UCS distance (Luo et al. 2006) that two cycle colours keep under a simulated
#: colour-vision deficiency. The scale is close to CIELAB's, where about 2 is a just-noticeable
#: difference between large patches; thin lines and small markers need several times that, so
#: the criterion asks for 10. matplotlib's default cycle fails it (next test).
MIN_DISTANCE = 10.0
DEFICIENCIES = ("protanomaly", "deuteranomaly", "tritanomaly")


def _min_distance(colors, deficiency):
    colorspacious = pytest.importorskip("colorspacious")
    rgb = np.array([matplotlib.colors.to_rgb(c) for c in colors])
    if deficiency is not None:
        # severity 100: full dichromacy, the hardest case (Machado et al. 2009)
        cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = np.clip(colorspacious.cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    jab = colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    return min(np.linalg.norm(a - b) for a, b in itertools.combinations(jab, 2))


@pytest.mark.parametrize("deficiency", (None, *DEFICIENCIES))
def test_cycle_colours_stay_distinct_under_colour_vision_deficiencies(deficiency):
    assert _min_distance(style.CYCLE, deficiency) >= MIN_DISTANCE
    # the reference colour is distinct from every cycle colour as well
    assert _min_distance((*style.CYCLE, style.REFERENCE_COLOR), deficiency) >= MIN_DISTANCE


def test_the_colour_criterion_rejects_matplotlibs_default_cycle():
    tab10 = [matplotlib.colors.to_hex(c) for c in plt.get_cmap("tab10").colors]
    assert min(_min_distance(tab10, d) for d in DEFICIENCIES) < MIN_DISTANCE


def test_style_sets_the_cycle_and_fonts():
    params = style.rc_params("text")
    assert params["axes.prop_cycle"].by_key()["color"] == list(style.CYCLE)
    assert params["figure.figsize"] == style.figure_size("text")
    fonts = {k: v for k, v in params.items() if k == "font.size" or k.endswith(
        ("labelsize", "titlesize", "fontsize"))}
    assert len(fonts) == 9 and min(fonts.values()) >= style.SMALL_FONT_SIZE
    before = {key: matplotlib.rcParams[key] for key in ("pdf.fonttype", "figure.figsize")}
    with style.context("column"):
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert tuple(matplotlib.rcParams["figure.figsize"]) == style.figure_size("column")
    # the context leaves the process's style as it was
    assert {key: matplotlib.rcParams[key] for key in before} == before


# --- symbols ------------------------------------------------------------------------------------
def test_label_typesets_whole_words_only():
    assert style.label("eps = 0.01, delta = 0.1") == r"$\varepsilon$ = 0.01, $\delta$ = 0.1"
    assert style.label("300 steps, epsilon, deltas, n* = 12") == "300 steps, epsilon, deltas, $n^*$ = 12"
    assert style.label(r"already $\delta$ typeset, eps") == r"already $\delta$ typeset, $\varepsilon$"
    assert style.label("rho = 7/8") == r"$\rho$ = 7/8"
    with pytest.raises(InvalidParameterError, match="text must be a string"):
        style.label(0.1)


_WORDS = st.sampled_from(["eps", "delta", "rho", "n*", "steps", "epsilon", "=", "0.01", "(",
                          ")", ",", "n", "width", "prune ratio", "deltas", "x"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=8))
def test_label_reads_back_and_parses_as_mathtext(words):
    text = " ".join(words)
    typeset = style.label(text)
    # reading each symbol back gives the plain text: nothing else was changed
    back = typeset
    for plain, math in style.SYMBOLS.items():
        back = back.replace(f"${math}$", plain)
    assert back == text
    assert typeset.count("$") == 2 * sum(w in style.SYMBOLS for w in words)
    # matplotlib parses it (an unbalanced or unknown symbol would raise here)
    if "$" in typeset:
        matplotlib.mathtext.MathTextParser("path").parse(typeset, dpi=72)
