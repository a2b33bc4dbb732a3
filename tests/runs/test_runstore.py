"""Idempotent sweeps: a sweep killed halfway and run again is complete, with nothing lost or
duplicated, locally and on a real dask.distributed cluster, and the two tables are identical."""

import signal
import subprocess
import sys
import time

import pytest

from slt_theory.errors import InvalidParameterError
from slt_theory.montecarlo.tasks import coverage_task
from slt_theory.runs.runstore import load_table, run_key, run_sweep

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
    import json

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
