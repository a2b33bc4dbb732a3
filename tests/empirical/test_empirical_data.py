"""Data readers, each on tiny files written in the real on-disk formats."""

import gzip
import pickle

import numpy as np
import pytest

from empirical import data
from slt_theory.errors import InvalidParameterError


def write_cifar(root, n=4, seed=0):
    folder = root / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(seed)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        # The real files: a pickled dict with bytes keys, 'data' N x 3072 uint8 (R, G, B planes of
        # 32 x 32, row-major), 'labels' a list of ints, written by Python 2's cPickle.
        d = {b"batch_label": name.encode(), b"labels": rng.integers(0, 10, n).tolist(),
             b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
             b"filenames": [b"x.png"] * n}
        with open(folder / name, "wb") as f:
            pickle.dump(d, f, protocol=2)
        batches[name] = d
    return batches


def test_cifar10_reader(tmp_path):
    batches = write_cifar(tmp_path)
    s = data.cifar10(tmp_path, normalize=False)
    assert s.x_train.shape == (20, 3, 32, 32) and s.x_test.shape == (4, 3, 32, 32)
    first = batches["data_batch_1"][b"data"][0]
    # channel planes: the first 1024 bytes are red, row-major
    assert s.x_train[0, 0, 0, 1] == pytest.approx(first[1] / 255)
    assert s.x_train[0, 1, 0, 0] == pytest.approx(first[1024] / 255)
    assert s.x_train[0, 2, 31, 31] == pytest.approx(first[3071] / 255)
    assert s.y_test.tolist() == batches["test_batch"][b"labels"]
    n = data.cifar10(tmp_path / "cifar-10-batches-py")
    assert abs(float(n.x_train.mean())) < 2.5


def test_cifar10_missing_files(tmp_path):
    with pytest.raises(InvalidParameterError, match="not found"):
        data.cifar10(tmp_path)


def test_digits_split_is_seeded_and_disjoint():
    pytest.importorskip("sklearn")
    a, b = data.digits(seed=1), data.digits(seed=1)
    assert np.array_equal(a.x_train, b.x_train)
    assert len(a.x_train) + len(a.x_test) == 1797
    assert 0.0 <= a.x_train.min() and a.x_train.max() <= 1.0


def test_teacher_student_is_realisable():
    s = data.teacher_student(n_train=50, n_test=10, seed=3)
    w1, w2 = s.extra["teacher"]
    assert np.allclose(np.maximum(s.x_test @ w1.T, 0) @ w2.T, s.y_test, atol=1e-5)


def gz_csv(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as f:
        for r in rows:
            f.write(",".join(str(v) for v in np.atleast_1d(r)) + "\n")


def test_ogbn_arxiv_reader(tmp_path):
    root = tmp_path / "ogbn_arxiv"
    rng = np.random.default_rng(0)
    feat = rng.standard_normal((6, 128)).round(4)
    gz_csv(root / "raw/node-feat.csv.gz", feat)
    gz_csv(root / "raw/node-label.csv.gz", [3, 0, 39, 1, 2, 3])
    gz_csv(root / "raw/edge.csv.gz", [[0, 1], [2, 1], [5, 4]])
    gz_csv(root / "split/time/train.csv.gz", [0, 1, 2])
    gz_csv(root / "split/time/valid.csv.gz", [3])
    gz_csv(root / "split/time/test.csv.gz", [4, 5])
    s = data.ogbn_arxiv(tmp_path)
    assert s.num_classes == 40
    assert np.allclose(s.x_train, feat[:3])
    assert s.y_test.tolist() == [2, 3]
    assert s.extra["edge_index"].shape == (2, 6)


def test_imagenet_folder_needs_torchvision(tmp_path):
    pytest.importorskip("torchvision")
    from PIL import Image
    for split in ("train", "val"):
        for cls in ("a", "b"):
            (tmp_path / split / cls).mkdir(parents=True)
            Image.new("RGB", (40, 30)).save(tmp_path / split / cls / "0.jpg")
    train, val = data.imagenet_folder(tmp_path, image_size=16)
    assert len(train) == 2 and val[0][0].shape == (3, 16, 16)


def test_unknown_dataset():
    with pytest.raises(InvalidParameterError, match="dataset"):
        data.load_dataset("mnist")
