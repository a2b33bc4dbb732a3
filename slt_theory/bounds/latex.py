"""The bound expressions as a LaTeX table, generated from the sympy expressions."""

import sympy as sp

from .expressions import (
    C_SYMBOLIC,
    COUNTING_SAMPLES,
    COVER_FAILURE,
    ENTRY_ERROR,
    PRODUCT_COVER_WEIGHT,
    PRODUCT_FREE,
    PRODUCT_SLOT_MGF,
    STUCK_NEURON,
    UNIFORM_SLOT_MGF,
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
        ("Lemma 8", "cover term, $M \\sim \\mathrm{Bin}(n, q)$", COVER_FAILURE),
        ("Theorem 3''", "$E e^{-sH}$, one sample", UNIFORM_SLOT_MGF),
        ("Lemma 6", "cover weight of a product term", PRODUCT_COVER_WEIGHT),
        ("Theorem 4''", "$E e^{-sH}$, one neuron", PRODUCT_SLOT_MGF),
        ("Prop. 4", "free product term", PRODUCT_FREE),
        ("Prop. 3", "stuck neuron", STUCK_NEURON),
        ("Lemma 7", "per-entry error", ENTRY_ERROR),
        ("Prop. 1", "counting lower bound", COUNTING_SAMPLES),
    ]
    lines = ["\\begin{tabular}{lll}", "statement & quantity & expression \\\\", "\\hline"]
    lines += [f"{where} & {what} & ${sp.latex(expr)}$ \\\\" for where, what, expr in entries]
    return "\n".join(lines + ["\\end{tabular}", ""])
