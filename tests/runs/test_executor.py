"""The executor interface: serial, local processes and a real dask.distributed LocalCluster give
the same results for the same tasks."""

import math

import pytest

from slt_theory.errors import InvalidParameterError
from slt_theory.runs.executor import LocalExecutor, SerialExecutor, get_executor


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
