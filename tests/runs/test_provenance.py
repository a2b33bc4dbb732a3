"""Provenance and atomic writes: files honour the umask, replaced files keep their mode, numpy
values are written as plain JSON, and the recorded commit is frozen-slt's own (with a dirty
flag), never that of a repository the package happens to sit in."""

import json
import os
import shutil
import stat
import subprocess
import sys

import numpy as np
import pytest

from slt_theory import __version__
from slt_theory.runs import provenance
from slt_theory.runs.provenance import (git_commit, git_state, source_provenance,
                                        write_bytes_atomic, write_json_atomic)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_files_honour_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_bytes_atomic(tmp_path / "a.bin", b"x")
        write_json_atomic(tmp_path / "b.json", {"a": 1})
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.bin") == 0o666 & ~umask
    assert _mode(tmp_path / "b.json") == 0o666 & ~umask
    assert sorted(os.listdir(tmp_path)) == ["a.bin", "b.json"]  # no temporaries left


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_bytes_atomic(path, b"new")
    assert path.read_bytes() == b"new" and _mode(path) == 0o640


def test_failed_write_leaves_no_temporary(tmp_path):
    def chunks():
        yield b"partial"
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        write_bytes_atomic(tmp_path / "x", chunks())
    assert os.listdir(tmp_path) == []


def test_numpy_values_are_written_as_plain_json(tmp_path):
    write_json_atomic(tmp_path / "m.json", {"n": np.int64(3), "eps": np.float32(0.5),
                                            "grid": np.arange(2), "ok": np.bool_(True)})
    assert json.loads((tmp_path / "m.json").read_text()) == {"n": 3, "eps": 0.5, "grid": [0, 1],
                                                             "ok": True}


def test_commit_of_this_checkout_with_dirty_flag():
    state = git_state()
    if state is None:
        pytest.skip("not running from a git checkout of frozen-slt")
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    assert state["commit"] == head
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.strip())
    assert state["dirty"] is dirty
    assert git_commit() == head + ("-dirty" if dirty else "")
    info = source_provenance()
    assert info == {"package": "frozen-slt", "version": __version__, "git_commit": head,
                    "git_dirty": dirty}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_no_commit_from_a_foreign_repository(tmp_path):
    """A copy of the package inside someone else's repository records no commit of theirs."""
    repo = tmp_path / "their_project"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    (repo / "pyproject.toml").write_text('[project]\nname = "their-project"\n')
    shutil.copytree(os.path.join(ROOT, "slt_theory"), repo / "venv" / "site" / "slt_theory",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "theirs"], cwd=repo, check=True, env=env)
    code = ("import json; from slt_theory.runs.provenance import git_commit, source_provenance;"
            "print(json.dumps([git_commit(), source_provenance()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True,
                         env={**env, "PYTHONPATH": str(repo / "venv" / "site")}, check=True)
    commit, info = json.loads(out.stdout)
    assert commit is None and info["git_commit"] is None and info["git_dirty"] is None
    assert info["version"] == __version__
    # and the check itself: their tree is not a frozen-slt tree, this checkout is
    assert not provenance._is_frozen_slt_tree(str(repo))
    assert provenance._is_frozen_slt_tree(ROOT)
