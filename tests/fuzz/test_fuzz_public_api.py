"""Fuzz of every public callable of slt_theory and empirical and of every `slt` subcommand
(issue 12, "Done when"): with bad values of every parameter each call either succeeds or raises
its documented named error within its time limit, and writes nothing when it refuses. The tables
are fuzz_tables.py (solvers, montecarlo, runs, _validate, `slt mc`, empirical.ticket),
tables_theory.py (bounds, construction, display), tables_backends.py (the numeric back ends of
bounds and construction), tables_empirical.py (hparams, layers, models, freezing, data, train),
tables_inputs.py (data files, feeds, augmentation, init, configs, run folders, ...),
tables_pipelines.py (frontier, width sweep, reproduce stages, callbacks), tables_report.py (the
report package) and tables_cli.py (`slt width|size|train|reproduce`); the property is
fuzz_harness.check. Every public callable has a row or a reason in not_fuzzed.py."""

import importlib.util


import pytest
from fuzz_harness import SLOW_FACTOR, check, draw_arguments
from fuzz_tables import CLI, MONTECARLO, RUNS, SOLVERS, VALIDATE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from not_fuzzed import NOT_FUZZED
from tables_backends import BACKENDS
from tables_cli import CLI_OTHER
from tables_theory import BOUNDS, CONSTRUCTION, DISPLAY

HAS_TORCH = importlib.util.find_spec("torch") is not None

ENTRIES = (SOLVERS + MONTECARLO + RUNS + VALIDATE + CLI + BOUNDS + CONSTRUCTION + DISPLAY
           + BACKENDS)
if HAS_TORCH:
    import tables_inputs
    import tables_pipelines
    import tables_report
    from fuzz_tables import ticket_entries
    from tables_empirical import EMPIRICAL

    ENTRIES += (ticket_entries() + EMPIRICAL + CLI_OTHER + tables_inputs.INPUTS
                + tables_pipelines.PIPELINES + tables_report.REPORT)

_SETTINGS = dict(deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow, HealthCheck.data_too_large])


def _fuzz(entry, examples, tmp_path_factory):
    @settings(max_examples=examples, **_SETTINGS)
    @given(data=st.data())
    def calls(data):
        args, kwargs = draw_arguments(entry, data)
        check(entry, args, kwargs, tmp_path_factory.mktemp("fuzz"))

    calls()


# a damaged run file set aside is the documented outcome (warned about), not news in the fuzz
_SET_ASIDE = "ignore::empirical.run_folder.DamagedRunWarning" if HAS_TORCH else "default"


@pytest.mark.filterwarnings(_SET_ASIDE)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_bad_values_give_documented_errors_and_write_nothing(entry, tmp_path_factory):
    _fuzz(entry, entry.examples, tmp_path_factory)


@pytest.mark.slow
@pytest.mark.filterwarnings(_SET_ASIDE)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_bad_values_long(entry, tmp_path_factory):
    """The same property, longer (slow tier; the counts are printed at the end of the run)."""
    _fuzz(entry, SLOW_FACTOR * entry.examples, tmp_path_factory)


def _public_callables():
    """``module.qualname`` of every function and class that slt_theory and empirical export:
    each public (not underscore) module's ``__all__``, or its own public functions and classes
    where it has none. Exceptions and enums take no input of their own and are left out."""
    import enum
    import importlib
    import inspect
    import pkgutil

    from fuzz_harness import qualname

    public = set()
    for pkg_name in ("slt_theory", "empirical") if HAS_TORCH else ("slt_theory",):
        pkg = importlib.import_module(pkg_name)
        modules = [pkg] + [importlib.import_module(m.name)
                           for m in pkgutil.walk_packages(pkg.__path__, pkg_name + ".")
                           if not any(p.startswith("_") for p in m.name.split("."))]
        for module in modules:
            names = getattr(module, "__all__", None)
            if names is None:
                names = [n for n, v in vars(module).items() if not n.startswith("_")
                         and getattr(v, "__module__", None) == module.__name__]
            for name in names:
                # a decorated function (functools.lru_cache, wraps) is the function it wraps
                obj = inspect.unwrap(getattr(module, name))
                if inspect.isclass(obj) and issubclass(obj, (BaseException, enum.Enum)):
                    continue
                if inspect.isfunction(obj) or inspect.isclass(obj):
                    public.add(qualname(obj))
    return public


def test_the_table_covers_every_public_callable():
    """A public function or class added to slt_theory or empirical must get a table row (or,
    with a reason, a line in not_fuzzed.py): this fails and names it otherwise."""
    covered = set().union(*(e.qualnames() for e in ENTRIES))
    # a class counts as covered when its constructor or one of its classmethods has a row
    covered |= {q.rsplit(".", 1)[0] for q in covered}
    missing = _public_callables() - covered - set(NOT_FUZZED)
    assert not missing, sorted(missing)
    stale = set(NOT_FUZZED) & covered
    assert not stale, f"these have a row now; drop them from not_fuzzed.py: {sorted(stale)}"


def test_the_table_covers_every_slt_subcommand():
    """Every leaf command of `slt` (walked from the parser itself) has a row named after it."""
    if not HAS_TORCH:
        pytest.skip("the slt dispatcher lives in empirical (needs torch)")
    from empirical.cli import build_parser, walk_parsers

    parsers = dict(walk_parsers(build_parser()))
    leaves = {" ".join(path) for path in parsers
              if not any(other[:len(path)] == path and other != path for other in parsers)}
    assert leaves - {e.name for e in ENTRIES} == set()


# `slt reproduce` with a bad --workers or --scheduler refuses (exit 2) before it makes any folder:
# reproduce() checks the executor arguments first (an existing file as --out: test_reproduce.py).
REPRODUCE_LATE_CHECKS = [["--workers", "0"], ["--scheduler", "not-an-address"]]


@pytest.mark.parametrize("bad", REPRODUCE_LATE_CHECKS, ids=lambda a: a[0])
def test_reproduce_refuses_bad_executor_arguments_before_writing(bad, tmp_path):
    if not HAS_TORCH:
        pytest.skip("the slt dispatcher lives in empirical (needs torch)")
    from fuzz_harness import Entry
    from fuzz_tables import _cli

    entry = Entry("slt reproduce (late checks)", lambda: _cli(
        ["reproduce", "--scale", "smoke", "--stages", "montecarlo", *bad]), {}, {})
    assert check(entry, [], {}, tmp_path) == "InvalidParameterError"
