"""A reusable fuzz harness for public callables: a table of entries (callable, parameter kinds,
good base arguments, the errors it documents) and one hypothesis property that holds for all.

The property (issue 12, "Done when"): a call with some parameters replaced by bad values (NaN,
inf, negative, huge, wrong types, booleans, numpy scalars, empty arrays, paths with NUL ...)
either succeeds or raises one of the entry's documented errors, within its time limit; and when
it raises, the working folder (a fresh temporary folder) is exactly as it was: nothing written.

Extending it to another room: add :class:`Entry` rows to a table (see tables.py) with kinds from
:data:`KINDS` (or a new kind: a function returning candidate values) and parametrize
:func:`check` over them, as test_fuzz_public_api.py does. Outcomes are tallied in :data:`TALLY`
(entry -> outcome -> count), which tests/fuzz/conftest.py prints at the end of the session.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import fractions
import io
import os
import signal
import time

import numpy as np
from hypothesis import strategies as st

from slt_theory.errors import InvalidParameterError

#: entry name -> outcome ("ok" or an exception type name) -> number of calls
TALLY: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


class _Opaque:
    """An object of no known kind (what a user passes by mistake)."""

    def __repr__(self):
        return "<opaque>"


# Values that are wrong for (almost) every parameter: wrong types, booleans, non-finite numbers.
WRONG = [None, True, False, np.bool_(True), "3", "", b"3", [], [1], {}, {"a": 1}, (1,),
         _Opaque(), complex(1, 1), float("nan"), float("inf"), -float("inf"), np.float64("nan"),
         np.array([]), np.array([1.0, 2.0]), np.zeros((2, 2))]


def ints(*good):
    """An integer parameter: small good values, their numpy twins, and bad ones."""
    good = list(good)
    return good + [np.int64(good[0]), np.int32(good[0]), float(good[0]), -1, -2**70, 2**70,
                   10**30, 1e308, 2.5, np.float64(2.5), fractions.Fraction(7, 2)] + WRONG


def reals(*good):
    """A real parameter: good values, numpy twins, zero, negative, tiny, huge and bad ones."""
    good = list(good)
    return good + [np.float32(good[0]), np.float64(good[0]), fractions.Fraction(1, 3), 0.0,
                   -0.0, -1.0, -good[0], 1e-300, 5e-324, 1e308, -1e308, 2**70, 10**400] + WRONG


def choices(*options):
    """A string choice: the options, numpy strings, near misses and bad types."""
    return list(options) + [np.str_(options[0]), options[0].upper(), options[0] + " ", "x",
                            [options[0]], (options[0],), {options[0]: 1}] + WRONG


def arrays(small=True):
    """An array of reals: good ones, empty, 2-D, ragged, non-finite, booleans, strings."""
    return [[0.5, -0.25, 0.125], np.array([0.3, -0.7]), np.arange(4, dtype=np.int8), [1e-300],
            [], np.array([]), np.zeros((2, 2)), [[1.0], [2.0, 3.0]], [np.nan], [np.inf],
            [1e308, 1e308], ["a"], [True, False], np.array([1 + 1j]), [0.5, "a"],
            [None], "abc", 3.0, None, {}, _Opaque(), list(np.linspace(-1, 1, 25))]


def flags():
    return [True, False, np.bool_(False), 0, 1, "no", "", None, [], 2.0]


def paths(*good):
    """Relative paths only (the call runs in a fresh temporary folder, and nothing outside it
    may be touched): good names, an existing file of another kind, a folder, NUL, empty."""
    return list(good) + ["README.md", "sub", "sub/deeper/x", "", ".", "a\0b", b"bytes.csv",
                         3, None, ["x"], _Opaque()]


KINDS = {"ints": ints, "reals": reals, "choices": choices, "arrays": arrays, "flags": flags,
         "paths": paths}


@dataclasses.dataclass
class Entry:
    """One public callable in the fuzz table.

    Parameters
    ----------
    name : str
        Shown in failures and in the tally.
    fn : callable
        Called as ``fn(*args, **kwargs)`` with the base arguments, some replaced.
    params : dict
        Parameter name -> list of candidate values (mostly from :data:`KINDS`). Positional
        parameters are named by their index as a string ("0", "1", ...).
    base : dict
        A good value for every parameter in ``params`` (and any others the call needs).
    errors : tuple of exception types
        What the callable documents for bad input; anything else is a failure.
    seconds : float
        Time limit of one call (generous: the machine may be loaded).
    setup : callable, optional
        Called in the fresh working folder before the call (e.g. to create files).
    examples : int
        Calls in the default tier (the slow tier makes :data:`SLOW_FACTOR` times as many).
        Entries whose valid calls train or sweep get fewer, so that the default tier stays
        within its minute.
    covers : tuple of str
        Qualified names (``module.qualname``) of the public callables this entry exercises, for
        the guard test; the entry's own ``fn`` is added when it is a public callable itself.
    """

    name: str
    fn: object
    params: dict
    base: dict
    errors: tuple = (InvalidParameterError,)
    seconds: float = 60.0
    setup: object = None
    examples: int = 10
    covers: tuple = ()

    def qualnames(self):
        """What this entry stands for in the guard test."""
        own = qualname(self.fn)
        return set(self.covers) | ({own} if own else set())


#: The slow tier makes this many times the default tier's calls per entry.
SLOW_FACTOR = 15


def qualname(obj):
    """``module.qualname`` of a function, class or (class)method; None for anything else (a
    lambda or a wrapper made in a table has no public name)."""
    obj = getattr(obj, "__func__", obj)  # a bound classmethod
    module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not module or not name or "<" in name:
        return None
    return f"{module}.{name}"


def draw_arguments(entry, data, max_changes=2):
    """The base arguments with 1..max_changes parameters replaced by drawn candidates."""
    names = sorted(entry.params)
    if not names:  # a callable without parameters: called as it is
        return [], dict(entry.base)
    changed = data.draw(st.lists(st.sampled_from(names), min_size=1,
                                 max_size=min(max_changes, len(names)), unique=True),
                        label="changed")
    values = dict(entry.base)
    for name in changed:
        values[name] = data.draw(st.sampled_from(entry.params[name]), label=name)
    args = [values.pop(str(i)) for i in range(len(values)) if str(i) in values]
    return args, values


def snapshot(folder):
    """Every path under ``folder`` with the bytes of its files (None for folders)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            out[os.path.relpath(os.path.join(root, d), folder)] = None
        for name in files:
            p = os.path.join(root, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, folder)] = f.read()
    return out


class Timeout(BaseException):
    """Raised by the alarm inside a call that runs past its time limit (BaseException, so that
    the callable under test cannot swallow it)."""


@contextlib.contextmanager
def _alarm(seconds):
    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - Windows: the elapsed check remains
        yield
        return

    def ring(signum, frame):
        raise Timeout(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check(entry, args, kwargs, workdir):
    """Call ``entry`` in ``workdir`` and assert the property; returns the outcome's name."""
    old_cwd = os.getcwd()
    os.chdir(workdir)
    try:
        if entry.setup is not None:
            entry.setup()
        before = snapshot(".")
        start = time.perf_counter()
        outcome, err = "ok", None
        try:
            with _alarm(entry.seconds), contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                entry.fn(*args, **kwargs)
        except Timeout as e:
            raise AssertionError(f"{entry.name}({args!r}, {kwargs!r}): {e}") from None
        except entry.errors as e:
            outcome, err = type(e).__name__, e
        except Exception as e:  # noqa: BLE001 - the property: nothing undocumented escapes
            raise AssertionError(
                f"{entry.name}({args!r}, {kwargs!r}) raised an undocumented "
                f"{type(e).__name__}: {e}") from e
        elapsed = time.perf_counter() - start
        assert elapsed <= entry.seconds, f"{entry.name} took {elapsed:.1f} s"
        if err is not None:
            after = snapshot(".")
            assert after == before, (
                f"{entry.name}({args!r}, {kwargs!r}) refused ({err}) but changed the folder: "
                f"{sorted(set(after) ^ set(before)) or 'file contents'}")
        TALLY[entry.name][outcome] += 1
        return outcome
    finally:
        os.chdir(old_cwd)
