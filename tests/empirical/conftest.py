"""Tiny data sets written in the real on-disk formats (CIFAR python pickles, ImageNet class
folders, OGBN-Arxiv CSVs), shared by the data, recipe and training tests."""

import gzip
import pickle

import numpy as np
import pytest


def write_cifar(root, n=8, seed=0):
    """``root/cifar-10-batches-py`` as the real files: pickled dicts with bytes keys, 'data' an
    N x 3072 uint8 array (R, G, B planes of 32 x 32, row-major), 'labels' a list of ints."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        d = {b"batch_label": name.encode(), b"labels": rng.integers(0, 10, n).tolist(),
             b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
             b"filenames": [b"x.png"] * n}
        with open(folder / name, "wb") as f:
            pickle.dump(d, f, protocol=2)
        batches[name] = d
    return batches


def write_arxiv(root, n=30, seed=0, features=128, classes=40):
    """``root/ogbn_arxiv`` with the raw CSVs and time split that ogb downloads."""
    rng = np.random.default_rng(seed)

    def gz(path, rows):
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt") as f:
            f.writelines(",".join(str(v) for v in np.atleast_1d(r)) + "\n" for r in rows)

    d = root / "ogbn_arxiv"
    gz(d / "raw/node-feat.csv.gz", rng.standard_normal((n, features)).round(3))
    gz(d / "raw/node-label.csv.gz", rng.integers(0, classes, n))
    gz(d / "raw/edge.csv.gz", rng.integers(0, n, (3 * n, 2)))
    perm = rng.permutation(n)
    for name, part in zip(("train", "valid", "test"), np.split(perm, [n // 2, 3 * n // 4])):
        gz(d / f"split/time/{name}.csv.gz", part)
    return d


def write_imagefolder(root, classes=("cat", "dog", "eel"), per_class=4, size=(40, 30), seed=0):
    """``root/train/<class>/*.jpg`` and ``root/val/<class>/*.png`` of random colours."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    for split, ext, count in (("train", "jpg", per_class), ("val", "png", 2)):
        for c in classes:
            (root / split / c).mkdir(parents=True)
            for i in range(count):
                a = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
                Image.fromarray(a).save(root / split / c / f"{i}.{ext}")
            (root / split / c / "notes.txt").write_text("not an image")
    return root


@pytest.fixture
def tiny_cifar(tmp_path):
    write_cifar(tmp_path / "cifar")
    return tmp_path / "cifar"


@pytest.fixture
def tiny_arxiv(tmp_path):
    write_arxiv(tmp_path / "graphs")
    return tmp_path / "graphs"


@pytest.fixture
def tiny_imagenet(tmp_path):
    return write_imagefolder(tmp_path / "imagenet")


@pytest.fixture
def writers():
    """The writers themselves, for tests that need other sizes or damage (conftest modules are
    not imported by name: two of them exist in this repository)."""
    return {"cifar": write_cifar, "arxiv": write_arxiv, "imagefolder": write_imagefolder}
