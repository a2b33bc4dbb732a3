"""What every result on disk carries and how it gets there: the version and git commit of the
code that made it, and atomic writes (a temporary file in the same folder, flushed and fsync'ed,
then renamed), so that a killed job never leaves a half-written file.

Provenance. A result records the package version always, and a git commit only when the code
that ran is a frozen-slt source checkout: the git top level around the package must hold this
very ``slt_theory`` package and a ``pyproject.toml`` naming frozen-slt. A package installed into
(or vendored inside) some other repository therefore records no commit, rather than that
repository's. The commit carries git's ``-dirty`` suffix when tracked files differ from it (the
convention of ``git describe --dirty``; untracked files do not count).

Permissions. Files are created with mode ``0o666`` minus the process umask, as ``open(path,
"w")`` would create them (``tempfile.mkstemp`` would make them 0600, unreadable to colleagues on
a shared disk); a file that is replaced keeps the mode it had.
"""

import json
import os
import secrets
import stat
import subprocess

from .. import _validate
from .._version import __version__

__all__ = ["git_commit", "git_state", "source_provenance", "write_bytes_atomic",
           "write_json_atomic", "write_text_atomic"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../slt_theory


def _git(args, cwd):
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10,
                             check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _is_frozen_slt_tree(top, package_dir=None):
    """Whether the folder ``top`` is a frozen-slt source tree (holding ``package_dir`` when
    given): it has ``slt_theory/`` and a pyproject.toml whose project is frozen-slt."""
    here = os.path.join(top, "slt_theory")
    if not os.path.isdir(here):
        return False
    if package_dir is not None and os.path.realpath(here) != os.path.realpath(package_dir):
        return False
    try:
        with open(os.path.join(top, "pyproject.toml"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return False
    return any(line.replace(" ", "") in ('name="frozen-slt"', "name='frozen-slt'")
               for line in text.splitlines())


def git_state(path=None):
    """``{"commit": short hash, "dirty": bool}`` of the frozen-slt checkout around ``path``
    (default: the checkout this package was imported from), or None when there is none.

    ``dirty`` is True when tracked files differ from the commit (staged or not).
    """
    cwd = os.path.abspath(_validate.path("path", path)) if path is not None else _PACKAGE_DIR
    if not os.path.isdir(cwd):
        cwd = os.path.dirname(cwd)
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if not top or not _is_frozen_slt_tree(top, _PACKAGE_DIR if path is None else None):
        return None
    commit = _git(["rev-parse", "--short", "HEAD"], top)
    if not commit:
        return None
    status = _git(["status", "--porcelain", "--untracked-files=no"], top)
    return {"commit": commit, "dirty": bool(status)}


def git_commit(path=None):
    """Short hash of the frozen-slt commit around ``path`` (default: this package), with the
    suffix ``-dirty`` when tracked files were changed; None outside a frozen-slt checkout.

    Examples
    --------
    >>> c = git_commit()
    >>> c is None or len(c.split("-")[0]) >= 7
    True
    """
    state = git_state(path)
    if state is None:
        return None
    return state["commit"] + ("-dirty" if state["dirty"] else "")


def source_provenance(path=None):
    """What to record beside a result: package name and version, git commit (or None) and
    whether the checkout was dirty (None when there is no checkout)."""
    state = git_state(path)
    return {"package": "frozen-slt", "version": __version__,
            "git_commit": None if state is None else state["commit"],
            "git_dirty": None if state is None else state["dirty"]}


def _open_new(directory, base):
    """A new temporary file beside the destination, created 0o666 minus the umask (the kernel
    applies the umask, so no process-wide umask juggling is needed)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def write_bytes_atomic(path, data):
    """Write ``data`` (bytes, or an iterable of byte chunks) to ``path`` atomically.

    A new file gets mode 0o666 minus the umask; a replaced file keeps its mode.
    """
    chunks = [data] if isinstance(data, (bytes, bytearray, memoryview)) else data
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = _open_new(directory, os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        try:
            old = os.stat(path)
        except OSError:
            old = None
        if old is not None and stat.S_ISREG(old.st_mode):
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def _fsync_dir(directory):
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_text_atomic(path, text):
    write_bytes_atomic(path, text.encode())


def _json_default(value):
    # numpy scalars and arrays, which json cannot serialise; anything else is the caller's bug
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def write_json_atomic(path, obj, indent=1):
    """``obj`` as JSON (sorted keys; numpy scalars and arrays written as plain numbers)."""
    write_text_atomic(path, json.dumps(obj, indent=indent, sort_keys=True,
                                       default=_json_default) + "\n")
