"""The executor interface: serial, local processes and a real dask.distributed LocalCluster give
the same results for the same tasks."""

import math
import os
import signal
import subprocess
import sys
import time

import pytest

from slt_theory.errors import InvalidParameterError
from slt_theory.runs.executor import LocalExecutor, SerialExecutor, get_executor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _task(params):
    # deterministic in its task, importable by name (module level)
    return math.fsum(math.sin(params["x"] * k) for k in range(1, 200)) + params["y"]


TASKS = [{"x": x / 7, "y": y} for x in range(6) for y in range(2)]


def _as_table(pairs):
    return sorted((t["x"], t["y"], r) for t, r in pairs)


def test_serial_and_local_processes_agree():
    serial = _as_table(SerialExecutor().map_unordered(_task, TASKS))
    local = LocalExecutor(workers=2)
    try:
        assert _as_table(local.map_unordered(_task, TASKS)) == serial
    finally:
        local.close()
    assert len(serial) == len(TASKS)


def test_dask_local_cluster_agrees_with_local():
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        executor = get_executor(cluster.scheduler_address)
        try:
            dask_table = _as_table(executor.map_unordered(_task, TASKS))
        finally:
            executor.close()
    finally:
        cluster.close()
    assert dask_table == _as_table(SerialExecutor().map_unordered(_task, TASKS))


@pytest.mark.parametrize("kwargs", [dict(workers=0), dict(workers=1.5), dict(scheduler=3)])
def test_bad_executor_arguments(kwargs):
    with pytest.raises(InvalidParameterError):
        get_executor(**kwargs)


def test_one_worker_is_serial():
    assert isinstance(get_executor(workers=1), SerialExecutor)


# --------------------------------------------------------------------------- argument checks

@pytest.mark.parametrize("kwargs", [dict(workers=True), dict(workers=-2), dict(workers=10**6),
                                    dict(workers="2"), dict(scheduler="not-an-address"),
                                    dict(scheduler="tcp://host"), dict(scheduler=["x"]),
                                    dict(scheduler=0)])
def test_bad_executor_arguments_are_refused_before_anything_starts(kwargs):
    with pytest.raises(InvalidParameterError, match="workers|scheduler"):
        get_executor(**kwargs)


def test_unreachable_scheduler_is_a_named_error():
    pytest.importorskip("dask.distributed")
    from slt_theory.runs.executor import DaskExecutor

    with pytest.raises(InvalidParameterError, match="could not connect"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)  # port 9 (discard): nothing listens


# --------------------------------------------------------------------------- orphaned workers

def _children(pid):
    """Pids whose parent is ``pid`` (Linux /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name may hold spaces: fields after the last ')' are fixed
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry))
    return out


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _workers(pid):
    """Children of ``pid`` that run the multiprocessing spawn entry point (pool workers)."""
    out = []
    for c in _children(pid):
        try:
            with open(f"/proc/{c}/cmdline", "rb") as f:
                if b"spawn_main" in f.read():
                    out.append(c)
        except OSError:
            continue
    return out


def _kill_parent_and_watch_workers(cmd, n_workers, ready=None, env=None):
    """Start ``cmd``, wait for ``n_workers`` workers (and for ``ready()`` when given), SIGKILL
    the parent, and return its children still alive once they had 60 s to exit (the loop ends
    as soon as they are gone; the margin is for a loaded machine)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None:
            if len(_workers(proc.pid)) >= n_workers and (ready is None or ready()):
                break
            time.sleep(0.1)
        assert proc.poll() is None and len(_workers(proc.pid)) >= n_workers, "no workers"
        family = _children(proc.pid)  # the workers and multiprocessing's resource tracker
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.time() + 60
        while time.time() < deadline and any(_alive(p) for p in family):
            time.sleep(0.1)
        survivors = [p for p in family if _alive(p)]
        for p in survivors:  # a failing test must not leave orphans behind either
            os.kill(p, signal.SIGKILL)
        return survivors
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


POOL_DRIVER = """
import os, sys, threading, time


def busy(marker):
    # tell the test that this worker is inside a task, then stay there
    with open(f"{marker}.{os.getpid()}", "w"):
        pass
    time.sleep(300)


def run(marker):
    from slt_theory.runs.executor import LocalExecutor

    ex = LocalExecutor(workers=2)
    for _ in ex.map_unordered(busy, [marker] * 4):
        pass


if __name__ == "__main__":
    if sys.argv[2] == "thread":  # a pool started from a thread: the watchdog alone must act
        t = threading.Thread(target=run, args=(sys.argv[1],))
        t.start()
        t.join()
    else:
        run(sys.argv[1])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("where", [pytest.param("main", marks=pytest.mark.slow), "thread"])
def test_pool_workers_exit_when_the_parent_is_killed(tmp_path, where):
    """kill -9 of a process whose two pool workers are inside tasks: both exit. From a thread,
    PR_SET_PDEATHSIG is not used and the watchdog alone must act (default tier); from the main
    thread both act (slow tier; the `slt mc sweep` kill test below covers that path too)."""
    (tmp_path / "orphan_driver.py").write_text(POOL_DRIVER)
    marker = tmp_path / "running"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), ROOT])}

    def ready():
        return len(list(tmp_path.glob("running.*"))) >= 2

    survivors = _kill_parent_and_watch_workers(
        [sys.executable, str(tmp_path / "orphan_driver.py"), str(marker), where], 2, ready, env)
    assert survivors == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_two_worker_mc_sweep_leaves_no_worker(tmp_path):
    """kill -9 of `slt mc sweep --workers 2` mid-sweep: no worker outlives its parent."""
    cmd = [sys.executable, "-m", "empirical.cli", "mc", "sweep", "--out", str(tmp_path / "s.csv"),
           "--n", "60", "61", "62", "63", "--eps", "0.0001", "--trials", "400000",
           "--workers", "2", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": ROOT}
    assert _kill_parent_and_watch_workers(cmd, 2, env=env) == []
