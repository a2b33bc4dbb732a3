"""Sphinx configuration of the frozen-slt documentation site.

Build (what CI runs, warnings are errors)::

    python -m sphinx -W --keep-going -E -b html docs build/docs

Sphinx rather than MkDocs because the docstrings are numpydoc (the numpydoc extension reads them
natively) and because myst-nb renders notebooks from their stored outputs with nothing but pip
packages (nbsphinx needs a pandoc binary, which pip cannot install). Nothing is executed at build
time except the few lines of the style gallery's ``plot`` directives.
"""

import os
import pathlib
import sys

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
# the packages are documented from this checkout, installed or not; _ext holds the site's own
# extension
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

from slt_theory import __version__

project = "frozen-slt"
author = "frozen-slt developers"
copyright = "frozen-slt developers, BSD-3-Clause"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",  # brings myst_parser for the Markdown pages
    "matplotlib.sphinxext.plot_directive",
    "frozen_slt_docs",
]

# --- pages ---------------------------------------------------------------------------------------
# The index's table of contents is filled in from frozen_slt_docs.PAGE_ORDER (pages that do not
# exist yet are skipped, new top-level pages appended), so that pages still being written on other
# branches join the site when they land and a new page never breaks the build.

exclude_patterns = ["_build", "**/.ipynb_checkpoints", "notebooks/README.md", "notebooks/*.py",
                    "figures/**/*.md"]  # before/after listings: images for the lead, not pages
templates_path = ["_templates"]
# .rst first: autosummary writes its generated pages with the first suffix
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# --- Markdown (MyST) -------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist"]
# section anchors for links like theory.md#4-networks
myst_heading_anchors = 3

# --- notebooks: rendered from their stored outputs (python notebooks/execute.py), never executed --
nb_execution_mode = "off"
nb_merge_streams = True

# --- API reference ---------------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc Parameters sections carry the types
# torchvision is optional (only the ImageNet loader imports it, inside a function); mocked so that
# the reference builds without it. torch itself is needed: the CPU wheel is enough, no GPU.
autodoc_mock_imports = ["torchvision"]
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# --- style gallery ---------------------------------------------------------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 200)]
# gallery code reads results/ relative to the repository root
plot_working_directory = str(ROOT)
# the gallery figures are drawn by empirical.report.style, nothing else
plot_rcparams = {}
plot_apply_rcparams = False

# --- HTML ------------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"frozen-slt {release}"
html_show_sourcelink = True

# matplotlib must not try to open a window when the plot directive runs on a headless machine
os.environ.setdefault("MPLBACKEND", "Agg")
