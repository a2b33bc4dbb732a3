"""What every result on disk carries and how it gets there: the git commit of the code that made
it, and atomic writes (a temporary file in the same folder, flushed and fsync'ed, then renamed),
so that a killed job never leaves a half-written file."""

import json
import os
import subprocess
import tempfile

__all__ = ["git_commit", "write_bytes_atomic", "write_json_atomic", "write_text_atomic"]


def git_commit(path=None):
    """Short hash of the commit checked out around ``path`` (default: this package), or None."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=path or os.path.dirname(__file__),
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def write_bytes_atomic(path, data):
    """Write ``data`` (bytes, or an iterable of byte chunks) to ``path`` atomically."""
    chunks = [data] if isinstance(data, (bytes, bytearray, memoryview)) else data
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text_atomic(path, text):
    write_bytes_atomic(path, text.encode())


def write_json_atomic(path, obj, indent=1):
    write_text_atomic(path, json.dumps(obj, indent=indent, sort_keys=True) + "\n")
