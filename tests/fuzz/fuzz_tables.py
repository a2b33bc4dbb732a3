"""The fuzz table of the solvers, montecarlo and runs rooms, _validate, empirical.ticket and the
`slt mc` command line: every public callable with the kinds of its parameters, good base
arguments and the errors it documents (fuzz_harness.Entry)."""

from __future__ import annotations

import os

from fuzz_harness import Entry, _Opaque, arrays, choices, flags, ints, paths, reals

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo import (clopper_pearson, coverage_probability, coverage_trials,
                                   draw_trials, empirical_required_samples,
                                   lower_confidence_bound, upper_confidence_bound)
from slt_theory.montecarlo.sweep import read_sweep, sweep
from slt_theory.montecarlo.tasks import coverage_task
from slt_theory.runs.executor import get_executor
from slt_theory.runs.provenance import git_commit, git_state
from slt_theory.runs.runstore import load_table, run_key, run_sweep
from slt_theory.solvers import covers, find_subset, product_terms, subset_sum_error
from slt_theory.solvers import reference

# --------------------------------------------------------------------------- helpers


def _sweep_table():
    import tempfile

    path = os.path.join(tempfile.mkdtemp(prefix="fuzz-sweep-"), "t.csv")
    sweep(path, n=[4, 6], eps=0.2, trials=30, progress=False)
    with open(path, "rb") as f:
        return f.read()


_TABLE = _sweep_table()


def _files():
    """Working-folder fixtures: a file of another kind, a folder, a sweep table."""
    with open("README.md", "w") as f:
        f.write("# not a table\n")
    os.makedirs("sub", exist_ok=True)
    with open("t.csv", "wb") as f:
        f.write(_TABLE)


def _executor(**kwargs):
    get_executor(**kwargs).close()


MC = dict(prune_ratio=reals(0.25, 0.0), lock_ratio=reals(0.25, 0.0),
          statement=choices("uniform", "pointwise"), freezing=choices("iid", "exact"),
          distribution=choices("uniform", "product", "normal", "kaiming"),
          lo=reals(-1.0, -0.5), hi=reals(1.0, 0.5), seed=ints(0, 7))
MC_BASE = dict(prune_ratio=0.0, lock_ratio=0.0, statement="uniform", freezing="iid",
               distribution="uniform", lo=-1.0, hi=1.0, seed=0)
TASK = dict(n=6, eps=0.2, trials=30, seed=1)
# a task that fails inside fn comes alone: results finished before a failing task are kept
# (that is resuming, not a refusal), so only a failing first task must leave nothing
TASKS = [[TASK], [TASK, dict(TASK, n=8)], [], [3], ["x"], [dict(TASK, n=float("nan"))],
         [dict(TASK, unknown=1)], [dict(TASK, n=-1)], [{}],
         [dict(TASK, n=_Opaque())], [{1: 2}], "abc", None, _Opaque(), {"n": 3}]

# --------------------------------------------------------------------------- the table

SOLVERS = [
    Entry("covers", covers, dict({"0": arrays(), "1": reals(0.1, 0.5)},
                                 locked_sum=reals(0.0, 0.25), lo=reals(-1.0), hi=reals(1.0),
                                 max_intervals=ints(1000, 2**21)),
          dict({"0": [0.5, -0.25], "1": 0.25}, locked_sum=0.0, lo=-1.0, hi=1.0,
               max_intervals=2**21)),
    Entry("subset_sum_error", subset_sum_error,
          dict({"0": arrays()}, locked_sum=reals(0.0), lo=reals(-1.0), hi=reals(1.0),
               max_intervals=ints(1000)),
          dict({"0": [0.5, -0.25]}, locked_sum=0.0, lo=-1.0, hi=1.0, max_intervals=2**21)),
    Entry("find_subset", find_subset,
          {"0": arrays(), "1": reals(0.3), "2": reals(0.05), "max_intervals": ints(1000)},
          {"0": [0.5, 0.25, 0.125], "1": 0.375, "2": 0.01, "max_intervals": 2**21}),
    Entry("product_terms", product_terms,
          {"0": arrays(), "1": arrays(), "2": arrays() + [[0, 1, -1], [5, 5, 5]],
           "3": arrays() + [[0, 1, -1]]},
          {"0": [0.5, -0.5, 1.0], "1": [1.0, 0.5, 0.25], "2": None, "3": None}),
    Entry("covers_reference", reference.covers_reference,
          dict({"0": arrays(), "1": reals(0.25)}, locked_sum=reals(0.0), lo=reals(-1.0),
               hi=reals(1.0)),
          dict({"0": [0.5, -0.25], "1": 0.25}, locked_sum=0.0, lo=-1.0, hi=1.0)),
    Entry("covered_set_reference", reference.covered_set_reference,
          {"0": arrays(), "1": reals(0.25), "2": reals(-1.0), "3": reals(1.0)},
          {"0": [0.5, -0.25], "1": 0.25, "2": -1.0, "3": 1.0}),
    Entry("subset_sums_brute_force", reference.subset_sums_brute_force, {"0": arrays()},
          {"0": [0.5, -0.25]}),
    Entry("subset_sum_error_brute_force", reference.subset_sum_error_brute_force,
          dict({"0": arrays()}, locked_sum=reals(0.0), lo=reals(-1.0), hi=reals(1.0)),
          dict({"0": [0.5, -0.25]}, locked_sum=0.0, lo=-1.0, hi=1.0)),
    Entry("covers_brute_force", reference.covers_brute_force,
          dict({"0": arrays(), "1": reals(0.25)}, locked_sum=reals(0.0), lo=reals(-1.0),
               hi=reals(1.0)),
          dict({"0": [0.5, -0.25], "1": 0.25}, locked_sum=0.0, lo=-1.0, hi=1.0)),
    Entry("find_subset_brute_force", reference.find_subset_brute_force,
          {"0": arrays(), "1": reals(0.3), "2": reals(0.05)},
          {"0": [0.5, 0.25], "1": 0.25, "2": 0.01}),
]

MONTECARLO = [
    Entry("coverage_probability", coverage_probability,
          dict({"0": ints(8, 0), "1": reals(0.2, 0.05)}, trials=ints(40, 1),
               confidence=reals(0.95, 0.5), max_intervals=ints(2**21, 100), **MC),
          dict({"0": 8, "1": 0.2}, trials=40, confidence=0.95, max_intervals=2**21, **MC_BASE)),
    Entry("coverage_trials", coverage_trials,
          dict({"0": ints(8), "1": reals(0.2)}, start=ints(0, 1000), stop=ints(40, 1030),
               chunk=ints(7) + [None], max_intervals=ints(2**21), **MC),
          dict({"0": 8, "1": 0.2}, start=0, stop=40, chunk=None, max_intervals=2**21,
               **MC_BASE)),
    Entry("draw_trials", draw_trials,
          dict({"0": ints(8, 0)}, start=ints(0, 1000), stop=ints(40, 1030), **MC),
          dict({"0": 8}, start=0, stop=40, **MC_BASE)),
    Entry("empirical_required_samples", empirical_required_samples,
          dict({"0": reals(0.2, 0.3), "1": reals(0.2, 0.3)}, trials=ints(40), n_max=ints(64),
               confidence=reals(0.9), max_intervals=ints(2**21), **MC),
          dict({"0": 0.2, "1": 0.2}, trials=40, n_max=64, confidence=0.9,
               max_intervals=2**21, **MC_BASE)),
    Entry("clopper_pearson", clopper_pearson,
          {"0": ints(3, 0), "1": ints(10, 3), "2": reals(0.95)}, {"0": 3, "1": 10, "2": 0.95}),
    Entry("lower_confidence_bound", lower_confidence_bound,
          {"0": ints(3), "1": ints(10), "2": reals(0.95)}, {"0": 3, "1": 10, "2": 0.95}),
    Entry("upper_confidence_bound", upper_confidence_bound,
          {"0": ints(3), "1": ints(10), "2": reals(0.95)}, {"0": 3, "1": 10, "2": 0.95}),
    Entry("sweep", sweep,
          dict({"0": paths("s.csv", "new/s.csv", "t.csv")}, n=ints(6) + [[4, 6], [], [4, "x"]],
               eps=reals(0.2) + [[0.2, 0.3]], trials=ints(30), confidence=reals(0.95),
               progress=flags(), workers=ints(1), scheduler=[None, "not-an-address", 3, ""],
               **MC),
          dict({"0": "s.csv"}, n=[4, 6], eps=0.2, trials=30, confidence=0.95, progress=False,
               workers=1, scheduler=None, **MC_BASE), setup=_files),
    Entry("read_sweep", read_sweep, {"0": paths("t.csv", "missing.csv")}, {"0": "t.csv"},
          errors=(InvalidParameterError, OSError), setup=_files),
]

RUNS = [
    Entry("run_key", run_key, {"0": [TASK] + TASKS + [dict(TASK, n=True)]}, {"0": TASK}),
    Entry("run_sweep", run_sweep,
          {"0": [coverage_task, None, 3, "coverage_task"], "1": TASKS,
           "2": paths("runs", "new/runs"), "workers": ints(1), "progress": flags(),
           "scheduler": [None, "not-an-address", 3], "metadata": [None, {"a": 1}, [1],
                                                                   {"a": float("nan")}]},
          {"0": coverage_task, "1": [TASK], "2": "runs", "workers": 1, "progress": False,
           "scheduler": None, "metadata": None}, setup=_files),
    Entry("load_table", load_table, {"0": paths("runs"), "keys": [None, [], ["abc"], "abc",
                                                                 [3], ["../x"]]},
          {"0": "sub", "keys": None}, setup=_files),
    Entry("get_executor", _executor,
          {"workers": ints(1), "scheduler": [None, "not-an-address", "tcp://host", 3, [1]]},
          {"workers": 1, "scheduler": None},
          covers=("slt_theory.runs.executor.get_executor",
                  "slt_theory.runs.executor.SerialExecutor",
                  "slt_theory.runs.executor.LocalExecutor")),
    Entry("git_commit", git_commit, {"0": paths(".")}, {"0": "."}),
    Entry("git_state", git_state, {"0": paths(".")}, {"0": "."}),
]

VALIDATE = [
    Entry(f"_validate.{name}", getattr(_validate, name), {"0": choices("x"), "1": values},
          {"0": "x", "1": good})
    for name, values, good in [("open_unit", reals(0.5), 0.5), ("positive", reals(2.0), 2.0),
                               ("finite", reals(-3.0), -3.0), ("ratio", reals(0.25), 0.25),
                               ("integer", ints(3), 3), ("plain", arrays() + ints(3), [1])]
] + [
    Entry("_validate.freeze_split", _validate.freeze_split,
          {"0": reals(0.25), "1": reals(0.25)}, {"0": 0.25, "1": 0.25}),
    Entry("_validate.choice", _validate.choice,
          {"1": choices("a", "b"), "2": [("a", "b"), {"a", "b"}, {1, 2}, ["a"]]},
          {"0": "x", "1": "a", "2": ("a", "b")}),
    Entry("_validate.path", _validate.path, {"1": paths("x.csv")}, {"0": "p", "1": "x.csv"}),
]


def _cli(argv):
    from empirical.cli import main

    try:
        code = main(argv)
    except SystemExit as e:  # argparse refuses a malformed option with exit status 2
        code = e.code
    if code != 0:
        raise InvalidParameterError(f"exit status {code}")  # a refusal: nothing may be written


def _cli_values(*good):
    return list(good) + ["nan", "inf", "-inf", "-1", "0", "1e308", "1000000000", "abc", "",
                         "0x10", "3.5", "1e-300", "99999999999999999999"]


CLI_OPTIONS = {
    "--n": _cli_values("8"), "--eps": _cli_values("0.2"), "--trials": _cli_values("40"),
    "--prune-ratio": _cli_values("0.25"), "--lock-ratio": _cli_values("0.25"),
    "--statement": _cli_values("pointwise"), "--freezing": _cli_values("exact"),
    "--distribution": _cli_values("product"), "--lo": _cli_values("-0.5"),
    "--hi": _cli_values("0.5"), "--seed": _cli_values("3"), "--delta": _cli_values("0.2"),
}


def _cli_entry(sub, options, extra=()):
    def run(**values):
        argv = ["mc", sub, *extra]
        for opt, v in values.items():
            argv += [opt, v]
        _cli(argv)

    # a command line holds strings only
    params = {o: CLI_OPTIONS.get(o, [p for p in paths("s.csv") if isinstance(p, str)])
              for o in options}
    base = {o: CLI_OPTIONS[o][0] if o in CLI_OPTIONS else "s.csv" for o in options}
    if sub == "sweep":  # --scheduler is passed only when drawn: its base is "not given"
        params["--workers"] = _cli_values("1")
        params["--scheduler"] = ["not-an-address", "", "tcp://", "a b:1", "host"]
        base["--workers"] = "1"
    return Entry(f"slt mc {sub}", run, params, base, setup=_files)


CLI = [
    _cli_entry("coverage", ["--n", "--eps", "--trials", "--prune-ratio", "--lock-ratio",
                            "--statement", "--freezing", "--distribution", "--lo", "--hi",
                            "--seed"], ["--json"]),
    _cli_entry("required", ["--eps", "--delta", "--trials", "--prune-ratio", "--lock-ratio",
                            "--seed"], ["--json"]),
    _cli_entry("sweep", ["--out", "--n", "--eps", "--trials", "--prune-ratio", "--seed"],
               ["--no-progress"]),
]


def ticket_entries():
    """empirical.ticket (needs torch): a valid ticket and model are made once, here."""
    import tempfile

    import torch

    from empirical.layers import SupermaskConfig, initialize
    from empirical.models import build_model
    from empirical.ticket import export_dense, load_ticket, model_size, read_header, save_ticket

    model = initialize(build_model("mlp", in_features=4, hidden=[6], out_features=2),
                       SupermaskConfig(sparsity=0.5, prune_ratio=0.2, lock_ratio=0.2)).eval()
    blob = os.path.join(tempfile.mkdtemp(prefix="fuzz-ticket-"), "a.fslt")
    save_ticket(model, blob)
    with open(blob, "rb") as f:
        ticket_bytes = f.read()

    def with_ticket():
        _files()
        with open("a.fslt", "wb") as f:
            f.write(ticket_bytes)

    models = [model, torch.nn.Linear(2, 2), None, "mlp", 3, _Opaque()]
    read_errors = (InvalidParameterError, OSError)
    return [
        Entry("load_ticket", load_ticket,
              {"0": paths("a.fslt"), "map_location": ["cpu", torch.device("cpu"), "foo", 3,
                                                      None, "cuda:99"],
               "max_weights": ints(10**6, 10)},
              {"0": "a.fslt", "map_location": "cpu", "max_weights": 10**6},
              errors=read_errors, setup=with_ticket),
        Entry("read_header", read_header, {"0": paths("a.fslt")}, {"0": "a.fslt"},
              errors=read_errors, setup=with_ticket),
        Entry("save_ticket", save_ticket,
              {"0": models, "1": paths("b.fslt", "new/b.fslt"), "entropy_code": flags()},
              {"0": model, "1": "b.fslt", "entropy_code": False},
              errors=(InvalidParameterError, OSError), setup=_files),
        Entry("model_size", model_size, {"0": models}, {"0": model}),
        Entry("export_dense", export_dense, {"0": models}, {"0": model}),
    ]
