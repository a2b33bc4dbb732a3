"""Training runs: hash-named folders, skip when finished, resume to the same result, baselines."""

import json
import os

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from empirical import train as T  # noqa: E402
from empirical.ticket import load_ticket  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

torch.set_num_threads(1)


def hparams(kind="frozen_source", epochs=2, **model):
    return T.RunHparams(
        data=T.DataHparams(batch_size=128),
        model=T.ModelHparams(hidden=(32,), **model),
        supermask=T.baseline(kind, sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2),
        train=T.TrainHparams(epochs=epochs, schedule="cosine", lr=0.2))


def strip(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def test_resumed_run_equals_uninterrupted(tmp_path):
    hp = hparams(batch_norm=True)
    full = T.train(hp, tmp_path / "a", progress=False)
    stopped = T.train(hp, tmp_path / "b", progress=False, stop_after=1)
    assert stopped["stopped_at"] == 1
    resumed = T.train(hp, tmp_path / "b", progress=False)
    assert strip([full["final"]]) == strip([resumed["final"]])
    ha = json.loads((tmp_path / "a" / hp.hash / "metrics.json").read_text())
    hb = json.loads((tmp_path / "b" / hp.hash / "metrics.json").read_text())
    assert strip(ha) == strip(hb) and len(ha) == 2
    a = torch.load(tmp_path / "a" / hp.hash / "checkpoint.pt", weights_only=True)["model"]
    b = torch.load(tmp_path / "b" / hp.hash / "checkpoint.pt", weights_only=True)["model"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_finished_run_is_skipped_and_ticket_reloads(tmp_path):
    hp = hparams(epochs=1)
    first = T.train(hp, tmp_path, progress=False)
    mtime = os.path.getmtime(tmp_path / hp.hash / "summary.json")
    assert T.train(hp, tmp_path, progress=False) == first
    assert os.path.getmtime(tmp_path / hp.hash / "summary.json") == mtime
    model = load_ticket(tmp_path / hp.hash / "ticket.fslt")
    assert first["ticket_bytes"] == os.path.getsize(tmp_path / hp.hash / "ticket.fslt")
    assert sum(m.numel() for m in model.parameters()) > 0
    assert abs(first["final"]["sparsity"] - 0.6) < 1e-3


def test_folder_name_is_the_hash_of_the_hyperparameters():
    a, b = hparams(), hparams()
    assert a.hash == b.hash and len(a.hash) == 16
    assert hparams(epochs=3).hash != a.hash
    assert T.RunHparams.from_json(a.to_json()) == a


@pytest.mark.parametrize("kind", T.BASELINES)
def test_baselines_run(tmp_path, kind):
    out = T.train(hparams(kind, epochs=1), tmp_path, progress=False)
    bits = out["size_bits"]["mask_only"]
    assert bits["dense_weights"] == 32 * out["n_weights"]
    if kind == "dense_source":
        assert out["n_free"] == out["n_weights"]


def test_bad_hyperparameters(tmp_path):
    with pytest.raises(InvalidParameterError, match="epochs"):
        T.TrainHparams(epochs=0)
    with pytest.raises(InvalidParameterError, match="dataset"):
        T.DataHparams(dataset="mnist")
    with pytest.raises(InvalidParameterError, match="baseline"):
        T.baseline("lottery")
    with pytest.raises(InvalidParameterError, match="image data"):
        T.train(T.RunHparams(model=T.ModelHparams(name="conv6")), tmp_path,
                progress=False)


def test_cli_does_not_import_torch_and_trains(tmp_path, capsys):
    import subprocess
    import sys
    code = ("import sys; import empirical.cli as c; c.build_parser(); "
            "sys.exit(int('torch' in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    from empirical.cli import main
    rc = main(["train", "--dataset", "digits", "--model", "mlp", "--hidden", "16",
               "--epochs", "1", "--sparsity", "0.5", "--prune-ratio", "0.2", "--lock-ratio",
               "0.2", "--runs-dir", str(tmp_path), "--no-progress", "--threads", "1"])
    assert rc == 0
    assert json.loads(capsys.readouterr().out)["final"]["epoch"] == 1
    assert main(["train", "--sparsity", "0.2", "--prune-ratio", "0.4", "--runs-dir",
                 str(tmp_path), "--no-progress"]) == 2


def test_digits_comparison_sizes_are_equal():
    from empirical.digits_compare import n_weights, runs
    from empirical.freezing import freeze_counts
    for width in (64, 256):
        table = list(runs(width))
        for f in (0.5, 0.7):
            bits = {}
            for label, ff, h, kind, p, lock, s in table:
                if ff == f:
                    shapes = [(h, 64), (h, h), (10, h)]
                    frozen = sum(a + b for a, b in freeze_counts(shapes, p, lock))
                    bits[label] = n_weights(h) - frozen
            # equal model size up to the integer width of the narrower dense source
            assert max(bits.values()) - min(bits.values()) <= 2 * width + 74
            assert bits["frozen source (lock 0.15)"] == bits["randomly pruned source"]
            assert bits["frozen source (lock 0.05)"] == bits["randomly pruned source"]


def write_tiny_arxiv(root, n=30, seed=0):
    import gzip

    import numpy as np
    rng = np.random.default_rng(seed)

    def gz(path, rows):
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt") as f:
            f.writelines(",".join(str(v) for v in np.atleast_1d(r)) + "\n" for r in rows)

    d = root / "ogbn_arxiv"
    gz(d / "raw/node-feat.csv.gz", rng.standard_normal((n, 128)).round(3))
    gz(d / "raw/node-label.csv.gz", rng.integers(0, 40, n))
    gz(d / "raw/edge.csv.gz", rng.integers(0, n, (3 * n, 2)))
    perm = rng.permutation(n)
    for name, part in zip(("train", "valid", "test"), np.split(perm, [n // 2, 3 * n // 4])):
        gz(d / f"split/time/{name}.csv.gz", part)


def write_tiny_cifar(root, n=8):
    import pickle

    import numpy as np
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        with open(folder / name, "wb") as f:
            pickle.dump({b"labels": rng.integers(0, 10, n).tolist(),
                         b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8)}, f, protocol=2)


def test_gin_trains_full_batch_on_arxiv_format(tmp_path):
    write_tiny_arxiv(tmp_path / "data")
    hp = T.RunHparams(T.DataHparams("ogbn_arxiv", str(tmp_path / "data")),
                      T.ModelHparams("gin", hidden=(16, 16, 16)),
                      T.baseline("frozen_source", sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2),
                      T.TrainHparams(epochs=2, optimizer="adamw", lr=0.01))
    out = T.train(hp, tmp_path / "runs", progress=False)
    assert out["n_weights"] == 128 * 16 + 2 * 16 * 16 + 16 * 40 + 16 * 40  # with the head
    assert 0 <= out["final"]["test_acc"] <= 1
    with pytest.raises(InvalidParameterError, match="graph"):
        T.train(T.RunHparams(T.DataHparams("ogbn_arxiv", str(tmp_path / "data"))),
                tmp_path / "runs", progress=False)


def test_conv6_trains_on_cifar_format(tmp_path):
    write_tiny_cifar(tmp_path / "data")
    hp = T.RunHparams(T.DataHparams("cifar10", str(tmp_path / "data"), batch_size=16),
                      T.ModelHparams("conv6", width=0.125),
                      T.baseline("pruned_source", sparsity=0.5, prune_ratio=0.3),
                      T.TrainHparams(epochs=1))
    out = T.train(hp, tmp_path / "runs", progress=False)
    assert abs(out["final"]["sparsity"] - 0.5) < 1e-3
