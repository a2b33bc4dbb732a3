"""empirical.report: how results are shown, inside the installed package.

For now it holds :mod:`empirical.report.style`, the one matplotlib style of every figure of
frozen-slt (sized for a paper's column and text width, colour-blind-safe, symbols typeset). The
report's rendering (tables, the report page) and the figure code of ``slt reproduce`` will move
here, so that a non-editable install draws the same report as a source checkout.

Nothing here is imported by ``import empirical``, and matplotlib is imported only when a figure is
made: the command line and the theory stay free of it.
"""
