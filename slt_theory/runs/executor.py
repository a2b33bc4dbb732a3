"""One interface for running independent tasks: local processes by default, a Dask distributed
cluster when a scheduler address is given.

Sweeps hand an executor a function and a list of task parameters and receive (task, result) pairs
as they finish; the sweep itself (not the executor) writes results, keyed by their parameters, so
that a killed sweep resumes with the same command and local and Dask runs give the same table.
The function must be importable by name (a module-level function) and deterministic in its task.
dask is imported only when a scheduler address is given.

Orphans. A local worker exits when the process that started it dies, however it dies (``kill
-9`` included), instead of living on with its memory: on Linux the kernel sends it SIGKILL
(``prctl(PR_SET_PDEATHSIG)``, set when the pool is started from the main thread, since the
kernel ties the signal to the thread that spawned the worker); everywhere, a watchdog thread in
the worker polls its parent's pid every ``_WATCHDOG_S`` seconds and exits when the worker has
been re-parented. The watchdog needs the GIL, so on a platform without PR_SET_PDEATHSIG a worker
inside a long numba kernel exits when the kernel returns. Workers write nothing themselves (the
sweep writes the results), so killing them loses at most the tasks in flight, which a resumed
sweep runs again.
"""

import concurrent.futures
import multiprocessing
import os
import re
import signal
import sys
import threading
import time

from .. import _validate
from ..errors import InvalidParameterError

__all__ = ["DaskExecutor", "LocalExecutor", "SerialExecutor", "get_executor", "max_workers"]

_WATCHDOG_S = 0.5

# tcp://host:8786, tls://..., ucx://..., ws(s)://..., host:port, [v6]:port; inproc://... as dask
# writes it. A port is required: a bare word like "not-an-address" is a typo, not a host.
_ADDRESS = re.compile(
    r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-]*):\d{1,5}$"
    r"|^inproc://[^\s]+$")


def max_workers():
    """The most local worker processes one executor may start: 4 per CPU, at least 64.

    A larger request is a typo (each worker is a Python interpreter of some 100 MB); it raises
    InvalidParameterError rather than starting thousands of processes.
    """
    return max(64, 4 * (os.cpu_count() or 1))


def _validate_workers(workers):
    if workers is None:
        return None
    return _validate.integer("workers", workers, minimum=1, maximum=max_workers())


def _validate_scheduler(scheduler):
    if not isinstance(scheduler, str) or not _ADDRESS.match(scheduler.strip()):
        raise InvalidParameterError(
            "scheduler must be a dask.distributed scheduler address with a port, such as "
            f"tcp://127.0.0.1:8786 or host:8786, got {scheduler!r}")
    return scheduler.strip()


# --------------------------------------------------------------------------- worker side

def _set_parent_death_signal():
    """Ask Linux to SIGKILL this process when its parent (thread) dies; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        return False


def _watch_parent(parent_pid):
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # the parent is gone: nobody will read our results
        time.sleep(_WATCHDOG_S)


def _worker_init(parent_pid, use_pdeathsig):
    """Initializer of every local worker: die with the parent (module docstring)."""
    if use_pdeathsig:
        _set_parent_death_signal()
    # also covers a parent that died before prctl took effect
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="slt-parent-watchdog",
                     daemon=True).start()


# --------------------------------------------------------------------------- executors

class SerialExecutor:
    """Runs tasks one after another in this process (workers=1, and the reference for tests)."""

    name = "serial"

    def map_unordered(self, fn, tasks):
        for task in tasks:
            yield task, fn(task)

    def close(self):
        pass


class LocalExecutor:
    """Runs tasks in a pool of local processes that exit when this process dies.

    Parameters
    ----------
    workers : int, optional
        1 <= workers <= :func:`max_workers`; default one per CPU.
    """

    name = "local"

    def __init__(self, workers=None):
        workers = _validate_workers(workers)
        self.workers = workers or max(1, (os.cpu_count() or 1))
        self._pool = None

    def map_unordered(self, fn, tasks):
        if not callable(fn):
            raise InvalidParameterError(f"fn must be a callable, got {fn!r}")
        tasks = list(tasks)
        if not tasks:
            return
        if self._pool is None:
            # spawn, not fork: numba's OpenMP threads make fork unsafe in a process that ran them
            main = threading.current_thread() is threading.main_thread()
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init, initargs=(os.getpid(), main))
        futures = {self._pool.submit(fn, task): task for task in tasks}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """Runs tasks on a dask.distributed cluster reached at ``address`` (e.g. tcp://host:8786).

    Connecting happens here, so that a wrong or unreachable address is refused (as
    InvalidParameterError, within ``timeout`` seconds) before a sweep writes anything.
    """

    name = "dask"

    def __init__(self, address, timeout=30):
        address = _validate_scheduler(address)
        timeout = _validate.positive("timeout", timeout)
        try:
            from dask.distributed import Client
        except ImportError as err:  # pragma: no cover - depends on the install
            raise InvalidParameterError(
                "scheduler address given but dask.distributed is not installed: "
                "pip install 'frozen-slt[dask]'"
            ) from err
        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as err:
            raise InvalidParameterError(
                f"could not connect to the dask scheduler at {address!r} within {timeout:g} s: "
                f"{err}") from None

    def map_unordered(self, fn, tasks):
        from dask.distributed import as_completed

        if not callable(fn):
            raise InvalidParameterError(f"fn must be a callable, got {fn!r}")
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


def check_executor_arguments(scheduler=None, workers=None):
    """Validate what :func:`get_executor` takes without starting or connecting anything."""
    if scheduler:
        _validate_scheduler(scheduler)
    elif scheduler is not None and not isinstance(scheduler, str):
        raise InvalidParameterError(f"scheduler must be an address string, got {scheduler!r}")
    _validate_workers(workers)


def get_executor(scheduler=None, workers=None):
    """The executor for a sweep: Dask at ``scheduler`` if given, else local processes
    (``workers`` of them, at most :func:`max_workers`; 1 runs serially in this process)."""
    check_executor_arguments(scheduler, workers)
    if scheduler:
        return DaskExecutor(scheduler)
    workers = _validate_workers(workers)
    if workers == 1:
        return SerialExecutor()
    return LocalExecutor(workers)
