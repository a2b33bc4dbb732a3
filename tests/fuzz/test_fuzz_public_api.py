"""Fuzz of the public API of slt_theory.solvers, .montecarlo, .runs, _validate, empirical.ticket
and the `slt mc` command line (issue 12, "Done when"): with bad values of every parameter each
call either succeeds or raises its documented named error within its time limit, and writes
nothing when it refuses. The table is fuzz_tables.py, the property fuzz_harness.check."""

import importlib.util

import pytest
from fuzz_harness import check, draw_arguments
from fuzz_tables import CLI, MONTECARLO, RUNS, SOLVERS, VALIDATE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ENTRIES = SOLVERS + MONTECARLO + RUNS + VALIDATE + CLI
if importlib.util.find_spec("torch") is not None:
    from fuzz_tables import ticket_entries

    ENTRIES += ticket_entries()

_SETTINGS = dict(deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow, HealthCheck.data_too_large])


def _run(entry, data, tmp_path_factory):
    args, kwargs = draw_arguments(entry, data)
    check(entry, args, kwargs, tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
@settings(max_examples=10, **_SETTINGS)
@given(data=st.data())
def test_bad_values_give_documented_errors_and_write_nothing(entry, data, tmp_path_factory):
    _run(entry, data, tmp_path_factory)


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
@settings(max_examples=150, **_SETTINGS)
@given(data=st.data())
def test_bad_values_long(entry, data, tmp_path_factory):
    """The same property, longer (slow tier; the counts are printed at the end of the run)."""
    _run(entry, data, tmp_path_factory)


# Public functions deliberately left out of the table: plumbing that takes no user input of
# its own (writers of already-made bytes, the executor classes' internals) or a callable that
# is fuzzed through another entry (coverage_task through run_sweep and sweep).
NOT_FUZZED = {"write_bytes_atomic", "write_text_atomic", "write_json_atomic", "source_provenance",
              "max_workers", "check_executor_arguments", "record_checksum", "coverage_task",
              "required_samples_task", "row_bytes", "rows_per_call", "drawn_numbers",
              "piece_samples", "interval_bound"}


def test_the_table_covers_every_public_function_of_the_rooms():
    """A public function added to one of these modules must be added to the fuzz table (or,
    with a reason, to NOT_FUZZED)."""
    import inspect

    from slt_theory import _validate, montecarlo, solvers
    from slt_theory.montecarlo import sweep
    from slt_theory.runs import executor, provenance, runstore
    from slt_theory.solvers import reference

    names = {e.name.split(".")[-1] for e in ENTRIES}
    modules = [solvers, reference, montecarlo, sweep, executor, provenance, runstore, _validate]
    if importlib.util.find_spec("torch") is not None:
        from empirical import ticket
        modules.append(ticket)
    public = set()
    for module in modules:
        for name in getattr(module, "__all__", None) or dir(module):
            obj = getattr(module, name, None)
            if not name.startswith("_") and inspect.isfunction(obj) and (
                    obj.__module__ == module.__name__ or module in (solvers, montecarlo)):
                public.add(name)
    assert public - NOT_FUZZED <= names, sorted(public - NOT_FUZZED - names)
