"""Idempotent sweeps: a sweep killed halfway and run again is complete, with nothing lost or
duplicated, locally and on a real dask.distributed cluster, and the two tables are identical."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from slt_theory.errors import CorruptResultError, InvalidParameterError
from slt_theory.montecarlo.tasks import coverage_task
from slt_theory.runs.runstore import load_table, record_checksum, run_key, run_sweep

TASKS = [
    {"n": n, "eps": 0.02, "prune_ratio": p, "lock_ratio": 0.0, "trials": 3000, "seed": 1}
    for n in range(8, 20) for p in (0.0, 0.3)
]

DRIVER = """
import sys, json
from slt_theory.runs.runstore import run_sweep
from slt_theory.montecarlo.tasks import coverage_task
tasks = json.loads(sys.argv[2])
run_sweep(coverage_task, tasks, sys.argv[1], scheduler=sys.argv[3] or None, workers=1, progress=False)
"""


def _kill_halfway(out_dir, scheduler=""):
    """Start a sweep in a subprocess and SIGKILL it once a few (not all) runs are on disk."""
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(out_dir), json.dumps(TASKS), scheduler])
    deadline = time.time() + 120
    while time.time() < deadline:
        done = len(list(out_dir.glob("[!_.]*.json"))) if out_dir.exists() else 0
        if done >= 3 or proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list(out_dir.glob("[!_.]*.json")))
    assert 0 < done < len(TASKS), f"the kill did not land halfway ({done} of {len(TASKS)})"
    # no temporary or partial file can be mistaken for a result
    assert all(p.name.endswith(".json") for p in out_dir.glob("[!.]*"))


def test_killed_local_sweep_resumes_to_the_same_table(tmp_path):
    reference = run_sweep(coverage_task, TASKS, tmp_path / "ref", workers=1, progress=False)
    assert len(reference) == len(TASKS)
    _kill_halfway(tmp_path / "killed")
    resumed = run_sweep(coverage_task, TASKS, tmp_path / "killed", workers=2, progress=False)
    assert resumed == reference
    assert len({run_key(t) for t in TASKS}) == len(list((tmp_path / "killed").glob("[!_.]*.json")))


def test_killed_dask_sweep_resumes_to_the_local_table(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    reference = run_sweep(coverage_task, TASKS, tmp_path / "ref", workers=1, progress=False)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        _kill_halfway(tmp_path / "dask", cluster.scheduler_address)
        resumed = run_sweep(coverage_task, TASKS, tmp_path / "dask",
                            scheduler=cluster.scheduler_address, progress=False)
    finally:
        cluster.close()
    assert resumed == reference


def test_finished_runs_are_skipped(tmp_path):
    tasks = TASKS[:3]
    run_sweep(coverage_task, tasks, tmp_path, workers=1, progress=False)
    stamp = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.json")}
    time.sleep(0.01)
    run_sweep(coverage_task, tasks, tmp_path, workers=1, progress=False)
    assert stamp == {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.json")}
    assert len(load_table(tmp_path)) == 3


def test_parameters_must_be_json():
    with pytest.raises(InvalidParameterError):
        run_key({"x": object()})


def test_mc_sweep_table_is_the_same_serially_in_processes_and_on_dask(tmp_path):
    """`slt mc sweep` goes through the same executor interface: same rows whoever runs them."""
    distributed = pytest.importorskip("dask.distributed")
    from slt_theory.montecarlo.sweep import read_sweep, sweep

    grid = dict(n=[8, 12, 16], eps=[0.05, 0.02], prune_ratio=[0.0, 0.25], trials=500, seed=3,
                progress=False)

    def table(path):
        return sorted(tuple(sorted(r.items())) for r in read_sweep(path))

    sweep(str(tmp_path / "serial.csv"), **grid)
    sweep(str(tmp_path / "local.csv"), workers=2, **grid)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        sweep(str(tmp_path / "dask.csv"), scheduler=cluster.scheduler_address, **grid)
    finally:
        cluster.close()
    reference = table(tmp_path / "serial.csv")
    assert len(reference) == 12
    assert table(tmp_path / "local.csv") == reference == table(tmp_path / "dask.csv")


# --------------------------------------------------------------------------- damaged records

SMALL = [{"n": n, "eps": 0.1, "trials": 200, "seed": 2} for n in (4, 6, 8)]


def _damage(path, how):
    text = path.read_text()
    if how == "truncated":
        path.write_text(text[: len(text) // 2])
    elif how == "empty":
        path.write_text("")
    elif how == "not-a-record":
        path.write_text('{"params": 3}')
    elif how == "edited":  # valid JSON, a result changed by hand: the checksum catches it
        record = json.loads(text)
        record["result"]["successes"] += 1
        path.write_text(json.dumps(record))
    elif how == "other-params":
        record = json.loads(text)
        record["params"]["n"] = 99
        path.write_text(json.dumps(record))


@pytest.mark.parametrize("how", ["truncated", "empty", "not-a-record", "edited", "other-params"])
def test_damaged_record_is_set_aside_and_recomputed(tmp_path, how):
    reference = run_sweep(coverage_task, SMALL, tmp_path / "ref", workers=1, progress=False)
    out = tmp_path / "s"
    run_sweep(coverage_task, SMALL, out, workers=1, progress=False)
    victim = out / f"{run_key(SMALL[1])}.json"
    original = victim.read_bytes()
    _damage(victim, how)
    damaged = victim.read_bytes()
    with pytest.raises(CorruptResultError) as err:  # reading alone names the file
        load_table(out)
    assert err.value.path == str(victim) and victim.name in str(err.value)
    with pytest.warns(RuntimeWarning, match="set aside"):
        table = run_sweep(coverage_task, SMALL, out, workers=1, progress=False)
    assert table == reference
    assert victim.read_bytes() == original  # recomputed to the same record
    assert (out / f"{victim.name}.damaged").read_bytes() == damaged  # kept for inspection


def test_records_carry_checksum_and_provenance(tmp_path):
    run_sweep(coverage_task, SMALL[:1], tmp_path, workers=1, progress=False)
    record = json.loads((tmp_path / f"{run_key(SMALL[0])}.json").read_text())
    assert record["checksum"] == record_checksum(record["params"], record["result"])
    assert record["provenance"]["package"] == "frozen-slt" and record["provenance"]["version"]


def test_numpy_parameters_share_the_key_of_python_ones(tmp_path):
    a = run_key({"n": np.int64(4), "eps": np.float64(0.1)})
    assert a == run_key({"eps": 0.1, "n": 4})
    with pytest.raises(InvalidParameterError, match="finite"):
        run_key({"eps": float("nan")})


@pytest.mark.parametrize("kwargs, match", [
    (dict(workers=0), "workers"), (dict(workers=True), "workers"),
    (dict(scheduler="not-an-address"), "scheduler"), (dict(tasks=[3]), "tasks"),
    (dict(tasks="abc"), "tasks"), (dict(fn=3), "fn"), (dict(metadata=[1]), "metadata"),
    (dict(progress="no"), "progress")])
def test_bad_arguments_write_nothing(tmp_path, kwargs, match):
    args = dict(fn=coverage_task, tasks=SMALL, workers=1, progress=False, metadata={"a": 1})
    args.update(kwargs)
    fn, tasks = args.pop("fn"), args.pop("tasks")
    with pytest.raises(InvalidParameterError, match=match):
        run_sweep(fn, tasks, tmp_path / "out", **args)
    assert not (tmp_path / "out").exists()
