"""One interface for running independent tasks: local processes by default, a Dask distributed
cluster when a scheduler address is given.

Sweeps hand an executor a function and a list of task parameters and receive (task, result) pairs
as they finish; the sweep itself (not the executor) writes results, keyed by their parameters, so
that a killed sweep resumes with the same command and local and Dask runs give the same table.
The function must be importable by name (a module-level function) and deterministic in its task.
dask is imported only when a scheduler address is given.
"""

import concurrent.futures
import multiprocessing
import os

from ..errors import InvalidParameterError

__all__ = ["DaskExecutor", "LocalExecutor", "SerialExecutor", "get_executor"]


class SerialExecutor:
    """Runs tasks one after another in this process (workers=1, and the reference for tests)."""

    name = "serial"

    def map_unordered(self, fn, tasks):
        for task in tasks:
            yield task, fn(task)

    def close(self):
        pass


class LocalExecutor:
    """Runs tasks in a pool of local processes."""

    name = "local"

    def __init__(self, workers=None):
        self.workers = workers or max(1, (os.cpu_count() or 1))
        self._pool = None

    def map_unordered(self, fn, tasks):
        tasks = list(tasks)
        if not tasks:
            return
        if self._pool is None:
            # spawn, not fork: numba's OpenMP threads make fork unsafe in a process that ran them
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"))
        futures = {self._pool.submit(fn, task): task for task in tasks}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """Runs tasks on a dask.distributed cluster reached at ``address`` (e.g. tcp://host:8786)."""

    name = "dask"

    def __init__(self, address):
        try:
            from dask.distributed import Client
        except ImportError as err:  # pragma: no cover - depends on the install
            raise InvalidParameterError(
                "scheduler address given but dask.distributed is not installed: "
                "pip install 'frozen-slt[dask]'"
            ) from err
        self.client = Client(address)

    def map_unordered(self, fn, tasks):
        from dask.distributed import as_completed

        tasks = list(tasks)
        if not tasks:
            return
        # pure=False: a task's result is not shared between identical submissions by dask's cache
        futures = self.client.map(fn, tasks, pure=False)
        index = {f.key: t for f, t in zip(futures, tasks)}
        for future in as_completed(futures):
            yield index[future.key], future.result()

    def close(self):
        self.client.close()


def get_executor(scheduler=None, workers=None):
    """The executor for a sweep: Dask at ``scheduler`` if given, else local processes
    (``workers`` of them; 1 runs serially in this process)."""
    if scheduler:
        if not isinstance(scheduler, str):
            raise InvalidParameterError(f"scheduler must be an address string, got {scheduler!r}")
        return DaskExecutor(scheduler)
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise InvalidParameterError(f"workers must be an integer >= 1, got {workers!r}")
        if workers == 1:
            return SerialExecutor()
    return LocalExecutor(workers)
