"""Datasets as in-memory tensors, read by our own code wherever the on-disk format is simple.

``digits`` (scikit-learn, bundled, no download), ``digits32`` (the same images upsampled to
32x32 for convolutional networks, with a validation split) and ``teacher_student`` (synthetic)
need nothing on disk and are what the default runs and tests use. ``cifar10`` reads the standard pickled
batches (``cifar-10-batches-py``) without torchvision. ``imagenet_folder`` needs torchvision and
``ogbn_arxiv`` reads the raw CSV files that ogb downloads; both are imported or opened lazily.

Every loader returns a :class:`Split` of float32 inputs and int64 (or float32) targets; the
train/validation split is drawn with a NumPy generator from ``seed``.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import pickle

import numpy as np

from slt_theory._validate import integer, open_unit
from slt_theory.errors import InvalidParameterError

__all__ = ["Split", "digits", "digits32", "teacher_student", "cifar10", "imagenet_folder", "ogbn_arxiv",
           "load_dataset", "DATASETS"]


@dataclasses.dataclass
class Split:
    """Train / test arrays (NumPy; the training loop moves them to torch)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int  # 0 for regression
    extra: dict = dataclasses.field(default_factory=dict)


def _split(x, y, test_fraction, seed):
    open_unit("test_fraction", test_fraction)
    perm = np.argsort(np.random.default_rng(seed).random(len(x)), kind="stable")
    n_test = int(round(test_fraction * len(x)))
    te, tr = perm[:n_test], perm[n_test:]
    return x[tr], y[tr], x[te], y[te]


def digits(seed: int = 0, test_fraction: float = 0.25) -> Split:
    """scikit-learn's 8x8 digits (1,797 images), pixels scaled to [0, 1], flattened to 64.

    Examples
    --------
    >>> d = digits()
    >>> d.x_train.shape, d.x_test.shape, d.num_classes
    ((1348, 64), (449, 64), 10)
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("the digits dataset needs scikit-learn: pip install scikit-learn") from err
    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    return Split(*_split(x, y, test_fraction, seed), num_classes=10)


def _upsample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Linear interpolation from ``n_in`` to ``n_out`` samples (pixel centres aligned, edges
    clamped: the convention of torch's ``interpolate(..., align_corners=False)``); rows sum to 1."""
    centres = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    centres = np.clip(centres, 0.0, n_in - 1)
    lo = np.floor(centres).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = centres - lo
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), lo] += 1.0 - frac
    m[np.arange(n_out), hi] += frac
    return m


def digits32(seed: int = 0, test_fraction: float = 0.25, val_fraction: float = 0.2) -> Split:
    """scikit-learn's digits upsampled (bilinear) to 1 x 32 x 32, so that Conv6 runs on them.

    The test split is :func:`digits`' split for the same ``seed`` (same images); a further
    ``val_fraction`` of the training images is held out as a validation set in
    ``extra["x_val"]``, ``extra["y_val"]`` (never trained on), for choosing settings without
    looking at the test images.

    Examples
    --------
    >>> d = digits32()
    >>> d.x_train.shape, d.extra["x_val"].shape, d.x_test.shape
    ((1078, 1, 32, 32), (270, 1, 32, 32), (449, 1, 32, 32))
    """
    if not 0.0 <= float(val_fraction) < 1.0:
        raise InvalidParameterError(f"val_fraction must lie in [0, 1), got {val_fraction!r}")
    small = digits(seed=seed, test_fraction=test_fraction)
    up = _upsample_matrix(8, 32)

    def grow(x):
        img = x.reshape(-1, 8, 8).astype(np.float64)
        return (up @ img @ up.T).astype(np.float32)[:, None]

    x_tr, y_tr = grow(small.x_train), small.y_train
    # the validation draw has its own stream, so it does not shift the test split of `digits`
    perm = np.argsort(np.random.default_rng([seed, 32]).random(len(x_tr)), kind="stable")
    n_val = int(round(float(val_fraction) * len(x_tr)))
    val, tr = perm[:n_val], perm[n_val:]
    return Split(x_tr[tr], y_tr[tr], grow(small.x_test), small.y_test, num_classes=10,
                 extra={"x_val": x_tr[val], "y_val": y_tr[val]})


def teacher_student(n_train: int = 1024, n_test: int = 256, in_features: int = 16,
                    hidden: int = 32, out_features: int = 1, seed: int = 0) -> Split:
    """Regression on the outputs of a random one-hidden-layer ReLU teacher.

    The teacher has U[-1, 1] weights scaled by 1/sqrt(fan_in), inputs are U[-1, 1]^d; targets
    are noiseless, so a perfect student reaches zero loss.
    """
    n_train, n_test = integer("n_train", n_train, 1), integer("n_test", n_test, 1)
    rng = np.random.default_rng(seed)
    w1 = (2 * rng.random((hidden, in_features)) - 1) / np.sqrt(in_features)
    w2 = (2 * rng.random((out_features, hidden)) - 1) / np.sqrt(hidden)
    x = 2 * rng.random((n_train + n_test, in_features)) - 1
    y = np.maximum(x @ w1.T, 0) @ w2.T
    x, y = x.astype(np.float32), y.astype(np.float32)
    return Split(x[:n_train], y[:n_train], x[n_train:], y[n_train:], num_classes=0,
                 extra={"teacher": (w1, w2)})


CIFAR_MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
CIFAR_STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32)


def _cifar_batch(path):
    with open(path, "rb") as f:
        d = pickle.load(f, encoding="bytes")
    try:
        data, labels = d[b"data"], d[b"labels"]
    except KeyError:
        raise InvalidParameterError(f"{path} is not a CIFAR-10 batch (no data/labels)") from None
    data = np.asarray(data, dtype=np.uint8)
    if data.ndim != 2 or data.shape[1] != 3072:
        raise InvalidParameterError(f"{path}: expected N x 3072 uint8 rows, got {data.shape}")
    return data.reshape(-1, 3, 32, 32), np.asarray(labels, dtype=np.int64)


def cifar10(root, normalize: bool = True) -> Split:
    """CIFAR-10 from the python batches (``data_batch_1..5``, ``test_batch``) under ``root``.

    ``root`` is the ``cifar-10-batches-py`` folder or its parent. Images are float32 NCHW in
    [0, 1], standardised per channel when ``normalize``. No download happens.
    """
    root = os.fspath(root)
    if os.path.isdir(os.path.join(root, "cifar-10-batches-py")):
        root = os.path.join(root, "cifar-10-batches-py")
    names = [f"data_batch_{i}" for i in range(1, 6)]
    missing = [n for n in names + ["test_batch"] if not os.path.exists(os.path.join(root, n))]
    if missing:
        raise InvalidParameterError(
            f"CIFAR-10 batches {missing} not found under {root!r}; download "
            "cifar-10-python.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it")
    train = [_cifar_batch(os.path.join(root, n)) for n in names]
    xt, yt = _cifar_batch(os.path.join(root, "test_batch"))
    x = np.concatenate([a for a, _ in train])
    y = np.concatenate([b for _, b in train])

    def prep(a):
        a = a.astype(np.float32) / 255.0
        if normalize:
            a = (a - CIFAR_MEAN[:, None, None]) / CIFAR_STD[:, None, None]
        return a

    return Split(prep(x), y, prep(xt), yt, num_classes=10)


def imagenet_folder(root, image_size: int = 224):
    """ImageNet-style ``train``/``val`` class folders as torchvision datasets (needs torchvision).

    Returns ``(train_dataset, val_dataset)``; too large for memory, so not a :class:`Split`.
    """
    try:
        from torchvision import datasets, transforms
    except ImportError as err:
        raise ImportError("imagenet_folder needs torchvision: pip install torchvision") from err
    norm = transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    train = transforms.Compose([transforms.RandomResizedCrop(image_size),
                                transforms.RandomHorizontalFlip(), transforms.ToTensor(), norm])
    val = transforms.Compose([transforms.Resize(int(image_size * 256 / 224)),
                              transforms.CenterCrop(image_size), transforms.ToTensor(), norm])
    return (datasets.ImageFolder(os.path.join(root, "train"), train),
            datasets.ImageFolder(os.path.join(root, "val"), val))


def _csv(path, dtype):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return np.loadtxt(f, delimiter=",", dtype=dtype, ndmin=2)


def ogbn_arxiv(root) -> Split:
    """OGBN-Arxiv from the files ogb downloads (``<root>/ogbn_arxiv`` or ``<root>``).

    Reads ``raw/node-feat.csv.gz`` (128 floats per node), ``raw/node-label.csv.gz``,
    ``raw/edge.csv.gz`` (directed citing -> cited; made undirected here as in the OGB examples)
    and ``split/time/{train,valid,test}.csv.gz``, the layout ogb's ``NodePropPredDataset`` reads.
    Inputs are the whole graph; ``extra`` holds ``edge_index`` (2 x E, both directions) and the
    index arrays ``train``/``valid``/``test``; ``x_train`` etc. are the node features and labels
    of those indices.
    """
    root = os.fspath(root)
    if os.path.isdir(os.path.join(root, "ogbn_arxiv")):
        root = os.path.join(root, "ogbn_arxiv")
    need = ["raw/node-feat.csv.gz", "raw/node-label.csv.gz", "raw/edge.csv.gz",
            "split/time/train.csv.gz", "split/time/valid.csv.gz", "split/time/test.csv.gz"]
    missing = [n for n in need if not os.path.exists(os.path.join(root, n))]
    if missing:
        raise InvalidParameterError(
            f"OGBN-Arxiv files {missing} not found under {root!r}; run "
            "ogb.nodeproppred.NodePropPredDataset('ogbn-arxiv') once to download them")
    x = _csv(os.path.join(root, need[0]), np.float32)
    y = _csv(os.path.join(root, need[1]), np.int64)[:, 0]
    edges = _csv(os.path.join(root, need[2]), np.int64).T
    idx = {k: _csv(os.path.join(root, f"split/time/{k}.csv.gz"), np.int64)[:, 0]
           for k in ("train", "valid", "test")}
    edge_index = np.concatenate([edges, edges[::-1]], axis=1)
    return Split(x[idx["train"]], y[idx["train"]], x[idx["test"]], y[idx["test"]],
                 num_classes=int(y.max()) + 1,
                 extra={"x": x, "y": y, "edge_index": edge_index, **idx})


DATASETS = {"digits": digits, "teacher_student": teacher_student}


def load_dataset(name: str, root=None, seed: int = 0) -> Split:
    """Dispatch by name: ``digits``, ``digits32``, ``teacher_student``; ``cifar10`` and ``ogbn_arxiv`` need
    ``root``."""
    if name == "digits":
        return digits(seed=seed)
    if name == "digits32":
        return digits32(seed=seed)
    if name == "teacher_student":
        return teacher_student(seed=seed)
    if name in ("cifar10", "ogbn_arxiv"):
        if root is None:
            raise InvalidParameterError(f"dataset {name!r} needs data_root (no download happens)")
        return cifar10(root) if name == "cifar10" else ogbn_arxiv(root)
    raise InvalidParameterError(
        "dataset must be one of ['cifar10', 'digits', 'digits32', 'ogbn_arxiv', 'teacher_student'], "
        f"got {name!r}")
