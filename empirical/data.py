"""Datasets as in-memory tensors, read by our own code wherever the on-disk format is simple.

``digits`` (scikit-learn, bundled, no download), ``digits32`` (the same images upsampled to
32x32 for convolutional networks, with its own validation split) and ``teacher_student``
(synthetic) need nothing on disk and are what the default runs and tests use. ``cifar10`` reads the standard pickled
batches (``cifar-10-batches-py``) without torchvision, through an unpickler that accepts only the
NumPy array, bytes, list and dict types those files hold (a pickle cannot run code through it).
``ogbn_arxiv`` reads the raw CSV files that ogb downloads. ``imagenet`` (class folders read with
PIL, :mod:`empirical.imagefolder`) is too large for memory and is returned as datasets.

Every in-memory loader returns a :class:`Split` of float32 inputs and int64 (or float32)
targets; a validation set, when there is one, is ``extra["x_val"]`` / ``extra["y_val"]``. Splits
are drawn with a NumPy generator from ``seed``.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import os
import pickle

import numpy as np

from slt_theory._validate import open_unit, ratio
from slt_theory.errors import InvalidParameterError

from ._checks import count, flag, optional_path, text
from .imagefolder import FolderData, imagenet_folder

__all__ = ["Split", "digits", "digits32", "teacher_student", "cifar10", "imagenet_folder", "ogbn_arxiv",
           "load_dataset", "hold_out", "safe_unpickle", "DATASETS", "FolderData"]


@dataclasses.dataclass
class Split:
    """Train / test arrays (NumPy; the training loop moves them to torch).

    ``extra`` holds what some data sets add: ``x_val`` / ``y_val`` (a validation set, used for
    best-validation selection), ``pad_value`` (the per-channel value of black after
    standardisation, for crop padding), a graph's ``x``, ``y``, ``edge_index`` and index arrays.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int  # 0 for regression
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def has_val(self) -> bool:
        return "x_val" in self.extra


def _root(root) -> str:
    root = optional_path("data_root", root)
    if root is None:
        raise InvalidParameterError("data_root must be a folder, got None (no download happens)")
    return root


# The most values a synthetic data set may hold (float64 during the draw: 800 MB at the limit).
MAX_SYNTHETIC_VALUES = 10**8


def hold_out(split: Split, fraction: float, seed: int = 0) -> Split:
    """Move a seeded ``fraction`` of the training examples into ``extra["x_val"]``/``["y_val"]``.

    The draw has its own stream (``[seed, 1]``), so it does not shift the train/test split.
    A split that already has a validation set, or ``fraction == 0``, is returned unchanged.

    Examples
    --------
    >>> s = hold_out(teacher_student(n_train=10, n_test=2), 0.2)
    >>> s.x_train.shape[0], s.extra["x_val"].shape[0]
    (8, 2)
    """
    if not isinstance(split, Split):  # anything else was an AttributeError (issue-12 fuzz)
        raise InvalidParameterError(f"split must be a data.Split, got {split!r}")
    fraction = ratio("val_fraction", fraction)
    if fraction == 0.0 or split.has_val:
        return split
    n = len(split.x_train)
    perm = np.argsort(np.random.default_rng([count("seed", seed), 1]).random(n), kind="stable")
    n_val = int(round(fraction * n))
    if n_val == 0 or n_val == n:
        raise InvalidParameterError(
            f"val_fraction {fraction!r} of {n} training examples leaves an empty part")
    val, tr = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    return dataclasses.replace(
        split, x_train=split.x_train[tr], y_train=split.y_train[tr],
        extra={**split.extra, "x_val": split.x_train[val], "y_val": split.y_train[val]})


def _split(x, y, test_fraction, seed):
    open_unit("test_fraction", test_fraction)
    seed = count("seed", seed)
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
    # ratio, not float(): None and 10**400 were a TypeError and an OverflowError (issue-12 fuzz)
    val_fraction = ratio("val_fraction", val_fraction)
    seed = count("seed", seed)  # a float seed such as 2.0 reached default_rng([2.0, 32])
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
    n_train, n_test = count("n_train", n_train, 1), count("n_test", n_test, 1)
    in_features, hidden = count("in_features", in_features, 1), count("hidden", hidden, 1)
    out_features = count("out_features", out_features, 1)
    if (n_train + n_test) * max(in_features, out_features) + hidden * in_features > \
            MAX_SYNTHETIC_VALUES:
        raise InvalidParameterError(
            f"teacher_student of {n_train} + {n_test} examples with {in_features} inputs is "
            f"larger than {MAX_SYNTHETIC_VALUES} values")
    rng = np.random.default_rng(count("seed", seed))
    w1 = (2 * rng.random((hidden, in_features)) - 1) / np.sqrt(in_features)
    w2 = (2 * rng.random((out_features, hidden)) - 1) / np.sqrt(hidden)
    x = 2 * rng.random((n_train + n_test, in_features)) - 1
    y = np.maximum(x @ w1.T, 0) @ w2.T
    x, y = x.astype(np.float32), y.astype(np.float32)
    return Split(x[:n_train], y[:n_train], x[n_train:], y[n_train:], num_classes=0,
                 extra={"teacher": (w1, w2)})


# The reference code's CIFAR-10 statistics.
CIFAR_MEAN = np.array([0.491, 0.482, 0.447], dtype=np.float32)
CIFAR_STD = np.array([0.247, 0.243, 0.262], dtype=np.float32)


class _CifarUnpickler(pickle.Unpickler):
    """Accepts only what CIFAR's python batches contain: dicts, lists, bytes, ints and NumPy
    arrays. Any other global (``os.system``, ``builtins.eval``, ...) is refused, so a crafted
    file cannot run code."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"), ("numpy", "dtype"),
    }

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            if name == "_reconstruct":
                return _np_reconstruct()
            return getattr(np, name)
        if (module, name) == ("_codecs", "encode"):
            # Python 3 writes bytes at protocol 2 as _codecs.encode(text, "latin1").
            return _latin1_encode
        raise pickle.UnpicklingError(
            f"refusing to load {module}.{name}: a CIFAR-10 batch holds only arrays, lists, "
            "bytes and dicts")


def _np_reconstruct():
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # NumPy < 2
        from numpy.core.multiarray import _reconstruct
    return _reconstruct


def _latin1_encode(obj, encoding="latin1"):
    if not isinstance(obj, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("refusing _codecs.encode other than str -> latin1 bytes")
    return obj.encode("latin1")


def safe_unpickle(data: bytes):
    """Unpickle CIFAR-style data (arrays, lists, bytes, dicts, numbers) and nothing else.

    Raises
    ------
    InvalidParameterError
        ``data`` is not bytes (or a bytearray or memoryview).
    pickle.UnpicklingError
        A pickle that asks for any other global (it is refused, never called), or one that is
        damaged in any way (truncated, garbage, arguments the allowed globals refuse).

    Examples
    --------
    >>> safe_unpickle(pickle.dumps({b"labels": [1, 2]}, protocol=2))
    {b'labels': [1, 2]}
    >>> import os
    >>> safe_unpickle(pickle.dumps(os.getcwd))
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: refusing to load posix.getcwd: ...
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidParameterError(f"data must be bytes, got {type(data).__name__}")
    try:
        return _CifarUnpickler(io.BytesIO(data), encoding="bytes").load()
    except pickle.UnpicklingError:
        raise
    except Exception as err:  # noqa: BLE001 - only allowed globals ran: any failure is damage
        # (EOFError, ValueError, OverflowError, RecursionError... from a damaged file, issue-12)
        raise pickle.UnpicklingError(f"a damaged pickle ({type(err).__name__}: {err})") from None


def _cifar_batch(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as err:  # e.g. a folder in the place of the file (issue-12 fuzz)
        raise InvalidParameterError(f"{path} is not a readable CIFAR-10 batch: {err}") from None
    try:
        d = safe_unpickle(raw)
    except pickle.UnpicklingError as err:
        raise InvalidParameterError(f"{path} is not a readable CIFAR-10 batch: {err}") from None
    if not isinstance(d, dict):
        raise InvalidParameterError(f"{path} is not a CIFAR-10 batch (not a dict)")
    try:
        data, labels = d[b"data"], d[b"labels"]
    except KeyError:
        raise InvalidParameterError(f"{path} is not a CIFAR-10 batch (no data/labels)") from None
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "ui" or data.ndim != 2 \
            or data.shape[1] != 3072:
        raise InvalidParameterError(f"{path}: expected N x 3072 uint8 rows, got "
                                    f"{getattr(data, 'shape', type(data).__name__)}")
    if not isinstance(labels, list) or len(labels) != len(data) or \
            not all(isinstance(v, int) and 0 <= v < 10 for v in labels):
        raise InvalidParameterError(f"{path}: expected {len(data)} labels in 0..9")
    data = np.asarray(data, dtype=np.uint8)
    return data.reshape(-1, 3, 32, 32), np.asarray(labels, dtype=np.int64)


def cifar10(root, normalize: bool = True) -> Split:
    """CIFAR-10 from the python batches (``data_batch_1..5``, ``test_batch``) under ``root``.

    ``root`` is the ``cifar-10-batches-py`` folder or its parent. Images are float32 NCHW in
    [0, 1], standardised per channel when ``normalize`` (the reference code's mean and standard
    deviation). No download happens. ``extra["pad_value"]`` is black in these units.
    """
    root = _root(root)
    normalize = flag("normalize", normalize)
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

    black = -CIFAR_MEAN / CIFAR_STD if normalize else np.zeros(3, np.float32)
    return Split(prep(x), y, prep(xt), yt, num_classes=10,
                 extra={"pad_value": [float(v) for v in black]})


def _csv(path, dtype):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt") as f:
            return np.loadtxt(f, delimiter=",", dtype=dtype, ndmin=2)
    except (OSError, EOFError, ValueError) as err:
        raise InvalidParameterError(f"{path} is not a readable CSV file: {err}") from None


def undirected(edges: np.ndarray, num_nodes: int) -> np.ndarray:
    """Both directions of every edge, each (i, j) once, sorted by (i, j) (PyG's
    ``to_undirected``, which the reference code applies to OGBN-Arxiv).

    Examples
    --------
    >>> undirected(np.array([[0, 1, 1], [1, 0, 2]]), 3).tolist()
    [[0, 1, 1, 2], [1, 0, 2, 1]]
    """
    edges = np.asarray(edges, dtype=np.int64)
    both = np.concatenate([edges, edges[::-1]], axis=1)
    key = np.unique(both[0] * int(num_nodes) + both[1])
    return np.stack([key // num_nodes, key % num_nodes])


def ogbn_arxiv(root) -> Split:
    """OGBN-Arxiv from the files ogb downloads (``<root>/ogbn_arxiv`` or ``<root>``).

    Reads ``raw/node-feat.csv.gz`` (128 floats per node), ``raw/node-label.csv.gz``,
    ``raw/edge.csv.gz`` (directed citing -> cited; made undirected and de-duplicated here, as
    the reference code does) and ``split/time/{train,valid,test}.csv.gz``, the layout ogb's
    ``NodePropPredDataset`` reads. Inputs are the whole graph; ``extra`` holds ``edge_index``
    (2 x E, both directions, each edge once) and the index arrays ``train``/``valid``/``test``;
    ``x_train`` etc. are the node features and labels of those indices, ``x_val``/``y_val``
    those of ``valid`` (the validation set of best-validation selection).
    """
    root = _root(root)
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
    n = len(x)
    if len(y) != n or edges.shape[0] != 2:
        raise InvalidParameterError(f"{root!r}: {n} feature rows, {len(y)} labels and edges of "
                                    f"shape {edges.T.shape} do not make one graph")
    for name, a in [("edge", edges)] + list(idx.items()):
        if a.size and (a.min() < 0 or a.max() >= n):
            raise InvalidParameterError(f"{root!r}: {name} ids outside [0, {n})")
    if y.min() < 0:
        raise InvalidParameterError(f"{root!r}: negative labels")
    return Split(x[idx["train"]], y[idx["train"]], x[idx["test"]], y[idx["test"]],
                 num_classes=int(y.max()) + 1,
                 extra={"x": x, "y": y, "edge_index": undirected(edges, n),
                        "x_val": x[idx["valid"]], "y_val": y[idx["valid"]], **idx})


DATASETS = {"digits": digits, "digits32": digits32, "teacher_student": teacher_student}
_ON_DISK = ("cifar10", "ogbn_arxiv", "imagenet")


def load_dataset(name: str, root=None, seed: int = 0, val_fraction: float = 0.0,
                 image_size: int = 224, augment: bool = False) -> Split | FolderData:
    """Dispatch by name: ``digits``, ``digits32``, ``teacher_student``; ``cifar10``, ``ogbn_arxiv`` and
    ``imagenet`` need ``root``. ``val_fraction`` of the training set is held out for validation
    (``ogbn_arxiv`` and ``digits32`` have their own). ``image_size`` and ``augment`` concern ``imagenet`` only."""
    name = text("dataset", name)
    val_fraction = ratio("val_fraction", val_fraction)
    if name in _ON_DISK and root is None:
        raise InvalidParameterError(f"dataset {name!r} needs data_root (no download happens)")
    if name == "digits":
        split = digits(seed=seed)
    elif name == "digits32":
        split = digits32(seed=seed)  # its own validation split; hold_out leaves it unchanged
    elif name == "teacher_student":
        split = teacher_student(seed=seed)
    elif name == "cifar10":
        split = cifar10(root)
    elif name == "ogbn_arxiv":
        if val_fraction:
            raise InvalidParameterError(
                "ogbn_arxiv has its own validation split: val_fraction must be 0")
        return ogbn_arxiv(root)
    elif name == "imagenet":
        return imagenet_folder(root, image_size, val_fraction, seed, augment=augment)
    else:
        raise InvalidParameterError(
            "dataset must be one of ['cifar10', 'digits', 'digits32', 'imagenet', 'ogbn_arxiv', "
            f"'teacher_student'], got {name!r}")
    return hold_out(split, val_fraction, seed)
