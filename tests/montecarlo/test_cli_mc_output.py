"""`slt mc` prints readable tables (no Python reprs, no None), strict JSON with --json on every
subcommand, and `slt mc required` reports its progress without changing its answer."""

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from empirical.cli import main
from slt_theory.montecarlo.required import SearchStep, empirical_required_samples

# what a Python repr of a container, None or a float array would leave in text for a reader
REPR = re.compile(r"None|\{'|\['|\(\d+,|array\(|np\.float|CoverageResult\(")


def _run(capsys, *argv):
    assert main(["mc", *argv]) == 0
    return capsys.readouterr()


def test_coverage_table_and_json(capsys):
    out = _run(capsys, "coverage", "--n", "10", "--eps", "0.1", "--trials", "200").out
    assert "coverage probability:" in out and "95% clopper-pearson interval:" in out
    assert not REPR.search(out), out
    res = json.loads(_run(capsys, "coverage", "--n", "10", "--eps", "0.1", "--trials", "200",
                          "--json").out)
    assert res["n"] == 10 and 0 <= res["ci_low"] <= res["estimate"] <= res["ci_high"] <= 1


def test_required_table_json_and_progress_bar(capsys):
    args = ("required", "--eps", "0.1", "--delta", "0.1", "--trials", "200")
    shown = _run(capsys, *args)
    assert shown.out.startswith("n* = ") and not REPR.search(shown.out), shown.out
    # the bar on stderr says what it counts and switches to a known total when filling in
    assert "n* search (doubling n)" in shown.err and "n* search (filling in)" in shown.err
    res = json.loads(_run(capsys, *args, "--json", "--no-progress").out)
    assert res["n_estimate"] <= res["n_confident"]
    assert [c["n"] for c in res["curve"]] == sorted(c["n"] for c in res["curve"])
    # the table holds one line per n of the curve
    assert all(f"\n{c['n']:>2}  " in shown.out or f"\n{c['n']} " in shown.out
               for c in res["curve"])
    assert _run(capsys, *args, "--no-progress").err == ""


def test_sweep_json(tmp_path, capsys):
    out = str(tmp_path / "s.csv")
    args = ("sweep", "--out", out, "--n", "4", "8", "--eps", "0.2", "--trials", "100")
    shown = _run(capsys, *args)
    assert "coverage sweep s.csv" in shown.err and "point" in shown.err
    assert "rows in the file:" in shown.out and not REPR.search(shown.out)
    res = json.loads(_run(capsys, *args, "--json", "--no-progress").out)
    assert res == {"out": out, "new_rows": 0, "rows": 2}


@settings(max_examples=8, deadline=None)
@given(eps=st.sampled_from([0.3, 0.2, 0.1]), delta=st.sampled_from([0.2, 0.1]),
       prune=st.sampled_from([0.0, 0.3]), seed=st.integers(0, 3))
def test_progress_callback_sees_every_n_and_changes_nothing(eps, delta, prune, seed):
    steps = []
    kw = {"prune_ratio": prune, "trials": 100, "seed": seed}
    silent = empirical_required_samples(eps, delta, **kw)
    watched = empirical_required_samples(eps, delta, progress=steps.append, **kw)
    assert watched == silent
    assert all(isinstance(s, SearchStep) for s in steps)
    # one step per n of the curve, counted 1, 2, ...; the total, once known, is the curve's length
    assert sorted(s.n for s in steps) == silent.ns
    assert [s.evaluated for s in steps] == list(range(1, len(steps) + 1))
    assert {s.planned for s in steps if s.phase == "filling in"} <= {len(silent.curve)}
    assert all(s.planned is None for s in steps if s.phase == "doubling")
    assert {s.n: s.estimate for s in steps} == dict(zip(silent.ns, silent.estimates))


def test_progress_must_be_callable():
    import pytest

    from slt_theory.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="progress"):
        empirical_required_samples(0.1, 0.1, trials=10, progress="yes")
