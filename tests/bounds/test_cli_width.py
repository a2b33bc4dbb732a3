"""`slt width`: its numbers are the API's, its folded formula is the bound's expression, every
symbol it prints is defined in words, and it prints no Python repr."""

import json
import re

import pytest
import sympy as sp

from empirical import cli
from slt_theory import bounds
from slt_theory.bounds import cli_width


def _run(capsys, *argv):
    rc = cli.main(["width", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


# ---------------------------------------------------------------------------------------------
# the formula
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", [dict(eps=0.01, freeze_ratio=0.5),
                                    dict(eps=0.1, prune_ratio=0.2, depth=2, widths=(2, 3, 1))])
def test_the_folded_formula_unfolds_to_the_bound_s_expression(target):
    wb = bounds.width_bound(**target)
    ineq, definitions = cli_width.folded_formula()
    assert cli_width.unfold(ineq.lhs, definitions) == wb.expression.lhs  # structurally equal
    assert ineq.rhs == wb.expression.rhs


def test_unfolding_is_not_vacuous():
    ineq, definitions = cli_width.folded_formula()
    broken = [(s, e + 1 if s == cli_width.T else e) for s, e in definitions]
    assert cli_width.unfold(ineq.lhs, broken) != bounds.width_bound(0.1).expression.lhs


def _names(expr):
    names = {s.name for s in expr.free_symbols}
    names |= {type(f).__name__ for f in expr.atoms(sp.Function)}
    return names - {"exp", "log"}  # what every reader knows


def test_every_symbol_and_function_of_the_formula_is_defined_in_words():
    ineq, definitions = cli_width.folded_formula()
    used = _names(ineq.lhs) | {ineq.rhs.name}
    for symbol, expr in definitions:
        used |= _names(expr) | {symbol.name}
    defined = set()
    for key, meaning in cli_width.SYMBOLS:
        assert len(meaning) > 10
        defined |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_']*", key))
    assert used <= defined, f"not explained: {sorted(used - defined)}"


def test_formula_and_latex_print_the_pieces_and_the_words(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.1", "--freeze-ratio", "0.4", "--formula", "--latex")
    assert rc == 0
    ineq, definitions = cli_width.folded_formula()
    assert sp.sstr(ineq) in out and sp.latex(ineq) in out
    for symbol, expr in definitions:
        assert f"{sp.sstr(symbol)} = {sp.sstr(expr)}" in out
    for key, _ in cli_width.SYMBOLS:
        assert f"{key}:" in out
    # phi and kappa at the operating point: p = l = 0.2, one output
    flat = " ".join(out.split())
    assert "phi = -l**2/2 + (1 - p)**2/2 = 0.3" in flat and "kappa = l**2/2 = 0.02" in flat


def test_without_formula_the_long_expression_stays_out(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.1", "--freeze-ratio", "0.4")
    assert rc == 0
    assert sp.sstr(bounds.width_bound(0.1, 0.4).expression) not in out
    assert "BinomialCDF" not in out and "add --formula" in out


# ---------------------------------------------------------------------------------------------
# the numbers
# ---------------------------------------------------------------------------------------------
def _table_row(out, label):
    line = next(line for line in out.splitlines() if line.strip().startswith(label + " "))
    return line.split()


def test_table_holds_the_api_s_numbers(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.05", "--prune-ratio", "0.25", "--lock-ratio", "0.25",
                      "--at", "300")
    assert rc == 0
    split = dict(prune_ratio=0.25, lock_ratio=0.25)
    width = bounds.required_width(0.05, **split)
    samples = bounds.required_samples(0.05, 0.05, **split)
    assert _table_row(out, "proved")[1:3] == [f"{width:,}", f"{samples:,}"]
    wb = bounds.width_bound(0.05, **split)
    counting = bounds.counting_lower_bound_samples(0.05)
    assert _table_row(out, "counting bound")[2:4] == [f"{wb.lower_bound:,}", f"{counting:,}"]
    calibrated = bounds.required_samples(0.05, 0.05, constant="calibrated", **split)
    cal_width = bounds.required_width(0.05, constant="calibrated", **split)
    assert _table_row(out, "calibrated")[1:3] == [f"{cal_width:,}", f"{calibrated:,}"]
    at = bounds.failure_bound(300, 0.05, kind="width", **split)
    assert f"{at:.3g} at width 300" in out
    certified = bounds.required_width(0.05, constant="certified", **split)
    assert _table_row(out, "certified")[1] == f"{certified:,}"


def test_json_holds_the_same_numbers(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.05", "--freeze-ratio", "0.5", "--at", "300", "--json",
                      "--no-certified")
    assert rc == 0
    data = json.loads(out)
    wb = bounds.width_bound(0.05, 0.5)
    assert data["width"]["proved"] == wb.width and data["layer_widths"] == list(wb.layer_widths)
    assert data["samples"]["proved"] == bounds.required_samples(
        0.05, 0.05, prune_ratio=0.25, lock_ratio=0.25)
    assert data["at"] == {"width": 300, "failure": bounds.failure_bound(
        300, 0.05, freeze_ratio=0.5, kind="width")}
    assert data["formula"] == sp.sstr(wb.expression) and data["latex"] == wb.latex
    assert data["width"]["certified"] is None and data["width_notes"]["certified"]


def test_certified_numbers_are_the_api_s(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.3", "--freeze-ratio", "0.5", "--json")
    assert rc == 0
    data = json.loads(out)
    assert data["width"]["certified"] == bounds.required_width(0.3, 0.5, constant="certified")
    assert data["samples"]["certified"] == bounds.required_samples(
        0.3, 0.3, prune_ratio=0.25, lock_ratio=0.25, constant="certified")
    assert data["width"]["certified"] <= data["width"]["proved"]


def test_a_setting_outside_the_calibration_says_so(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.05", "--prune-ratio", "0.3", "--lock-ratio", "0.55")
    assert rc == 0
    assert _table_row(out, "calibrated")[1:4] == ["none", "out", "of"]


def test_the_calibrated_width_is_the_api_s(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.05", "--prune-ratio", "0.3", "--lock-ratio", "0.1")
    assert rc == 0
    width = bounds.required_width(0.05, prune_ratio=0.3, lock_ratio=0.1, constant="calibrated")
    assert _table_row(out, "calibrated")[1] == f"{width:,}"


def test_theorem_5c_says_which_widths_are_covered(capsys):
    rc, out, _ = _run(capsys, "--eps", "0.1", "--prune-ratio", "0.3", "--lock-ratio", "0.01",
                      "--depth", "2", "--widths", "1", "3", "2")
    assert rc == 0
    wb = bounds.width_bound(0.1, prune_ratio=0.3, lock_ratio=0.01, depth=2, widths=(1, 3, 2))
    assert f"only widths {wb.width:,} to {wb.max_width:,} are covered" in " ".join(out.split())
    assert "Theorem 5 (C)" in out


@pytest.mark.parametrize("argv,word", [(["--at", "0"], "--at"), (["--eps", "2"], "eps"),
                                       (["--depth", "2", "--widths", "1", "1"], "widths")])
def test_bad_input_exits_2_naming_it_before_printing(capsys, argv, word):
    rc, out, err = _run(capsys, *argv)
    assert rc == 2 and out == "" and word in err


# ---------------------------------------------------------------------------------------------
# no Python reprs
# ---------------------------------------------------------------------------------------------
REPR = re.compile(r"\bNone\b|[\[(]'|\{'|\[\d+(, \d+)+\]")


@pytest.mark.parametrize("argv", [
    ["--eps", "0.01", "--freeze-ratio", "0.5", "--at", "800", "--formula"],
    ["--eps", "0.1", "--prune-ratio", "0.2", "--depth", "3", "--widths", "2", "2", "2", "1"],
    ["--eps", "0.1", "--depth", "12"],
    ["--eps", "0.1", "--prune-ratio", "0.3", "--lock-ratio", "0.01", "--depth", "2", "--widths",
     "1", "3", "2"],
])
def test_output_shows_no_python_repr(capsys, argv):
    rc, out, _ = _run(capsys, *argv)
    assert rc == 0
    assert not REPR.search(out), REPR.search(out).group(0)
    if "--formula" not in argv:  # a formula is as wide as it is; the rest fits 100 columns
        assert max(len(line) for line in out.splitlines()) <= 100


@pytest.mark.parametrize("widths,words", [([694], "694"), ([5, 5, 5], "5 in each of the 3"),
                                          (list(range(1, 13)), "1 2 3 4 ... (12 inserted layers)")])
def test_layer_widths_in_words(widths, words):
    assert words in cli_width.layer_list(widths)
