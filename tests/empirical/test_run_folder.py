"""Run folders: a finished run is one whose every output exists and parses; damaged files are set
aside (kept under damaged/) and recomputed to the same result; a checkpoint cannot run code."""

import io
import json
import os
import pickle
import warnings

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from empirical import train as T  # noqa: E402
from empirical.run_folder import DamagedRunWarning  # noqa: E402

torch.set_num_threads(1)


def hp(epochs=2):
    return T.RunHparams(T.DataHparams(batch_size=256),
                        T.ModelHparams(hidden=(16,)),
                        T.baseline("frozen_source", sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2),
                        T.TrainHparams(epochs=epochs, schedule="cosine"))


def strip(summary):
    return {k: v for k, v in summary.items() if k not in ("final", "selected")} | {
        "final": {k: v for k, v in summary["final"].items() if k != "seconds"}}


@pytest.fixture
def finished(tmp_path):
    h = hp()
    first = T.train(h, tmp_path, progress=False)
    return h, tmp_path, first


def damaged(run_dir):
    folder = run_dir / "damaged"
    return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.mark.parametrize("name, damage", [
    ("summary.json", lambda p: p.write_bytes(p.read_bytes()[:20])),  # truncated
    ("summary.json", lambda p: p.write_text("[]")),                  # not a summary
    ("ticket.fslt", lambda p: p.unlink()),                           # deleted
    ("ticket.fslt", lambda p: p.write_bytes(p.read_bytes()[:-5])),  # truncated
    ("metrics.json", lambda p: p.write_text("{")),                    # unparsable
])
def test_damaged_record_is_set_aside_and_recomputed(finished, name, damage):
    h, runs, first = finished
    run_dir = runs / h.hash
    damage(run_dir / name)
    with pytest.warns(DamagedRunWarning) as caught:
        again = T.train(h, runs, progress=False)
    assert any(name in str(w.message) for w in caught)
    assert strip(again) == strip(first)
    assert (run_dir / "ticket.fslt").read_bytes()  # rebuilt
    # a deleted ticket sets its summary aside; every other damage sets the damaged file aside
    kept = damaged(run_dir)
    assert kept and all(f.startswith(("summary.json", "ticket.fslt", "metrics.json"))
                        for f in kept)
    # now sound: the next call is a plain skip, with nothing more set aside
    with warnings.catch_warnings():
        warnings.simplefilter("error", DamagedRunWarning)
        assert T.train(h, runs, progress=False) == again


def test_truncated_checkpoint_restarts_to_the_same_result(tmp_path):
    h = hp()
    full = T.train(h, tmp_path / "a", progress=False)
    T.train(h, tmp_path / "b", progress=False, stop_after=1)
    ckpt = tmp_path / "b" / h.hash / "checkpoint.pt"
    ckpt.write_bytes(ckpt.read_bytes()[:100])
    with pytest.warns(DamagedRunWarning, match="checkpoint.pt"):
        resumed = T.train(h, tmp_path / "b", progress=False)
    assert strip(resumed) | {"run_dir": None} == strip(full) | {"run_dir": None}
    assert any(f.startswith("checkpoint.pt.") for f in damaged(tmp_path / "b" / h.hash))


class Payload:
    """Pickled, it asks the unpickler to call open(marker, 'w') - i.e. to run code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
@pytest.mark.parametrize("as_torch", [True, False])
def test_a_malicious_checkpoint_cannot_run_code(tmp_path, as_torch):
    h = hp()
    T.train(h, tmp_path, progress=False, stop_after=1)
    marker = tmp_path / "pwned"
    ckpt = tmp_path / h.hash / "checkpoint.pt"
    if as_torch:
        buf = io.BytesIO()
        torch.save({"epoch": 1, "model": Payload(str(marker))}, buf)
        ckpt.write_bytes(buf.getvalue())
    else:
        ckpt.write_bytes(pickle.dumps({"epoch": 1, "model": Payload(str(marker))}))
    with pytest.warns(DamagedRunWarning, match="not a loadable checkpoint"):
        out = T.train(h, tmp_path, progress=False)
    assert not marker.exists(), "loading the checkpoint ran code"
    assert out["final"]["epoch"] == 2


def test_a_foreign_checkpoint_is_set_aside(tmp_path):
    h = hp()
    T.train(h, tmp_path, progress=False, stop_after=1)
    ckpt = tmp_path / h.hash / "checkpoint.pt"
    torch.save({"epoch": 1, "model": {"x": torch.zeros(3)}, "optimizer": {}, "scheduler": {},
                "history": [{}], "best": None}, ckpt)
    with pytest.warns(DamagedRunWarning, match="does not fit"):
        out = T.train(h, tmp_path, progress=False)
    assert out["final"]["epoch"] == 2


def test_a_summary_of_another_run_is_not_taken(finished):
    h, runs, first = finished
    path = runs / h.hash / "summary.json"
    path.write_text(json.dumps({**first, "hash": "0" * 16}))
    with pytest.warns(DamagedRunWarning) as caught:
        assert T.train(h, runs, progress=False)["hash"] == h.hash
    assert any("belongs to run" in str(w.message) for w in caught)


# --------------------------------------------------------------------------- issue-12 fuzz finds


def _sound_checkpoint(path):
    torch.save({"epoch": 0, "model": {}, "optimizer": {}, "scheduler": {}, "history": [],
                "best": None}, path)


@pytest.mark.parametrize("device", ["foo", torch.device("meta"), None if torch.cuda.is_available()
                                    else "cuda:99"])
def test_a_bad_device_never_sets_a_sound_checkpoint_aside(tmp_path, device):
    from empirical.run_folder import load_checkpoint
    from slt_theory.errors import InvalidParameterError

    if device is None:
        pytest.skip("a CUDA device is present")
    path = tmp_path / "checkpoint.pt"
    _sound_checkpoint(path)
    # torch.load(map_location="foo") failed, and the broad except moved the file to damaged/
    with pytest.raises(InvalidParameterError, match="device"):
        load_checkpoint(path, device)
    assert sorted(os.listdir(tmp_path)) == ["checkpoint.pt"]
    assert load_checkpoint(path, "cpu")["epoch"] == 0


@pytest.mark.parametrize("run_hash, epochs", [(None, 1), (3, 1), ("h", -1), ("h", "1")])
def test_finished_summary_checks_its_arguments_before_setting_anything_aside(tmp_path, run_hash,
                                                                             epochs):
    from empirical.run_folder import SUMMARY, finished_summary
    from slt_theory.errors import InvalidParameterError

    (tmp_path / SUMMARY).write_text(json.dumps({"hash": "h"}))
    # a run_hash of None made the summary look foreign: it was set aside
    with pytest.raises(InvalidParameterError):
        finished_summary(tmp_path, run_hash, epochs)
    assert sorted(os.listdir(tmp_path)) == [SUMMARY]


@pytest.mark.parametrize("path, reason", [(None, "r"), (b"x", "r"), ("", "r"), ("x", None)])
def test_set_aside_checks_its_arguments_before_moving(tmp_path, path, reason, monkeypatch):
    from empirical.run_folder import set_aside
    from slt_theory.errors import InvalidParameterError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_text("kept")
    with pytest.raises(InvalidParameterError):  # None was a TypeError, bytes moved the file
        set_aside(path, reason)
    assert sorted(os.listdir(tmp_path)) == ["x"]


def test_a_folder_is_neither_set_aside_nor_loaded_as_a_checkpoint(tmp_path, monkeypatch):
    from empirical.run_folder import load_checkpoint, set_aside
    from slt_theory.errors import InvalidParameterError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for path in (".", "sub"):  # "." was an OSError of os.replace
        with pytest.raises(InvalidParameterError, match="folder"):
            set_aside(path, "r")
        with pytest.raises(InvalidParameterError, match="folder"):
            load_checkpoint(path, "cpu")
    assert sorted(os.listdir(tmp_path)) == ["sub"]
