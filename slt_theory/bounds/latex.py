"""The bound expressions as a LaTeX table, generated from the sympy expressions."""

import sympy as sp

from .expressions import (
    C_SYMBOLIC,
    COUNTING_SAMPLES,
    ENTRY_ERROR,
    EXTENSION_SAMPLES,
    FREE_COUNT_FAILURE,
    LOCK_OFFSET,
    PRODUCT_FREE,
    WINDOW_FAILURE,
    WINDOW_SAMPLES,
)


def latex_table():
    r"""The bound expressions of docs/theory.md as a LaTeX tabular, generated from the sympy
    expressions above (paper_figures/bounds_table.py writes it to a file).

    >>> print(latex_table().splitlines()[0])
    \begin{tabular}{lll}
    """
    entries = [
        ("Theorem 1", "failure of $K$ uniform samples", WINDOW_FAILURE),
        ("Theorem 1", "samples for failure $\\delta$", WINDOW_SAMPLES),
        ("Corollary 1", "$C$ in $C\\log(1/\\min(\\varepsilon,\\delta)) + C_0$", C_SYMBOLIC),
        ("Lemma 3'", "extension samples", EXTENSION_SAMPLES),
        ("Lemma 4", "locked offset $T$", LOCK_OFFSET),
        ("Lemma 5", "free-count tail", FREE_COUNT_FAILURE),
        ("Prop. 4", "free product term", PRODUCT_FREE),
        ("Lemma 7", "per-entry error", ENTRY_ERROR),
        ("Prop. 1", "counting lower bound", COUNTING_SAMPLES),
    ]
    lines = ["\\begin{tabular}{lll}", "statement & quantity & expression \\\\", "\\hline"]
    lines += [f"{where} & {what} & ${sp.latex(expr)}$ \\\\" for where, what, expr in entries]
    return "\n".join(lines + ["\\end{tabular}", ""])
