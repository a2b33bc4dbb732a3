"""The fuzz table of the empirical input side (data, feeds, imagefolder, augment, init, models,
configs, costs, bridge, devices, paired, recipes, run_folder): every public callable with the
kinds of its parameters, good base arguments and the errors it documents (fuzz_harness.Entry).

Entry names start with ``inputs_`` (select them with ``-k inputs_``). The data readers get tiny
files in the real on-disk formats, sound and damaged, written by :func:`_data_files` into the
fresh working folder of each call: CIFAR-10 python batches (one truncated, one a pickle that
would open a file through ``builtins.open``, one that is no dict), OGBN-Arxiv CSVs (sound, with
a word among the numbers, with an empty label file, with node ids out of range) and image class
folders (sound, and one whose image is not an image). A refusal must leave the folder unchanged,
so the pickle that would run code shows up as a failure if it ever did.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle

import numpy as np
import torch
from fuzz_harness import WRONG, Entry, _Opaque, choices, flags, ints, paths, reals
from fuzz_tables import _files

from empirical import (
    augment,
    bridge,
    configs,
    costs,
    data,
    devices,
    feeds,
    hparams,
    imagefolder,
    init,
    models,
    paired,
    recipes,
    run_folder,
)
from slt_theory.construction import FrozenSource, TargetNetwork, construct_ticket
from slt_theory.errors import InvalidParameterError

# --------------------------------------------------------------------------- files on disk


class _OpensAFile:
    """Pickled, asks the unpickler to call ``builtins.open("pwned", "w")``: had it run, the
    working folder would change and the harness would report it."""

    def __reduce__(self):
        return (open, ("pwned", "w"))


def _cifar(folder, n=2, seed=0):
    os.makedirs(os.path.join(folder, "cifar-10-batches-py"))
    rng = np.random.default_rng(seed)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        d = {b"batch_label": name.encode(), b"labels": rng.integers(0, 10, n).tolist(),
             b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8)}
        with open(os.path.join(folder, "cifar-10-batches-py", name), "wb") as f:
            pickle.dump(d, f, protocol=2)


def _damage(folder, name, payload):
    with open(os.path.join(folder, "cifar-10-batches-py", name), "wb") as f:
        f.write(payload)


def _gz(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wt") as f:
        f.writelines(",".join(str(v) for v in np.atleast_1d(r)) + "\n" for r in rows)


def _arxiv(folder, n=6, labels=None, feat=None, edges=None):
    rng = np.random.default_rng(0)
    d = os.path.join(folder, "ogbn_arxiv")
    _gz(f"{d}/raw/node-feat.csv.gz", rng.standard_normal((n, 4)).round(3) if feat is None
        else feat)
    _gz(f"{d}/raw/node-label.csv.gz", rng.integers(0, 3, n) if labels is None else labels)
    _gz(f"{d}/raw/edge.csv.gz", rng.integers(0, n, (2 * n, 2)) if edges is None else edges)
    for name, part in zip(("train", "valid", "test"), np.split(rng.permutation(n), [3, 4])):
        _gz(f"{d}/split/time/{name}.csv.gz", part)


def _images(folder, broken=False):
    from PIL import Image

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for c in ("cat", "dog"):
            os.makedirs(os.path.join(folder, split, c))
            for i in range(2):
                path = os.path.join(folder, split, c, f"{i}.png")
                if broken and split == "train" and i == 0:
                    with open(path, "wb") as f:
                        f.write(b"\x89PNG not really")
                else:
                    Image.fromarray(rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)).save(path)


def _data_files():
    """Sound and damaged data sets in the working folder (see the module docstring)."""
    _files()
    _cifar("c")
    for name, payload in (("c_trunc", None), ("c_evil", pickle.dumps(_OpensAFile(), protocol=2)),
                          ("c_list", pickle.dumps([1, 2], protocol=2)),
                          ("c_junk", b"\x80\x05\x95junk")):
        _cifar(name)
        if payload is None:  # the first half of a sound batch
            with open(os.path.join(name, "cifar-10-batches-py", "test_batch"), "rb") as f:
                payload = f.read()[:300]
        _damage(name, "data_batch_2", payload)
    _cifar("c_dir")
    os.remove(os.path.join("c_dir", "cifar-10-batches-py", "data_batch_1"))
    os.makedirs(os.path.join("c_dir", "cifar-10-batches-py", "data_batch_1"))
    _arxiv("a")
    _arxiv("a_word", feat=[["1.0", "x", "2", "3"]] * 6)
    _arxiv("a_nolabels", labels=[])
    _arxiv("a_ids", edges=[[0, 99]])
    _arxiv("a_float_ids", edges=[[0.5, 1]])
    _arxiv("a_empty", feat=[], labels=[], edges=[])
    _images("i")
    _images("i_broken", broken=True)


CIFAR_ROOTS = [None] + paths("c", "c_trunc", "c_evil", "c_list", "c_junk", "c_dir", "missing")
ARXIV_ROOTS = [None] + paths("a", "a_word", "a_nolabels", "a_ids", "a_float_ids", "a_empty",
                                     "c")
IMAGE_ROOTS = [None] + paths("i", "i_broken", "c", "i/train")

# --------------------------------------------------------------------------- library objects

RNG = np.random.default_rng(0)
RNGS = [np.random.default_rng(0), None, 0, "rng", np.random.RandomState(0), _Opaque()]


def _split(n=6, images=False, val=False):
    rng = np.random.default_rng(1)
    shape = (n, 1, 8, 8) if images else (n, 4)
    s = data.Split(rng.random(shape, dtype=np.float32), rng.integers(0, 2, n),
                   rng.random((2,) + shape[1:], dtype=np.float32), rng.integers(0, 2, 2), 2)
    return data.hold_out(s, 0.5) if val else s


SPLIT, IMAGE_SPLIT, VAL_SPLIT = _split(), _split(images=True), _split(val=True)


def _graph_split():
    n = 5
    x = np.random.default_rng(2).random((n, 4), dtype=np.float32)
    y = np.array([0, 1, 0, 1, 1])
    idx = {"train": np.array([0, 1]), "valid": np.array([2]), "test": np.array([3, 4])}
    return data.Split(x[idx["train"]], y[idx["train"]], x[idx["test"]], y[idx["test"]], 2,
                      extra={"x": x, "y": y, "edge_index": np.array([[0, 1, 2], [1, 2, 3]]),
                             **idx})


GRAPH = _graph_split()
SPLITS = [SPLIT, IMAGE_SPLIT, VAL_SPLIT, GRAPH, {"x_train": []}, 3] + WRONG
DEVICES = ["cpu", torch.device("cpu"), "auto", "foo", "cuda:99", torch.device("meta"),
           torch.device("cpu", 0)] + WRONG


def _folder_data():
    import tempfile

    root = tempfile.mkdtemp(prefix="fuzz-images-")
    _images(root)
    return data.imagenet_folder(root, image_size=8, val_fraction=0.25)


FOLDER = _folder_data()
FOLDER_DATASET = FOLDER.test
SAMPLES = FOLDER.test.samples
TINY_RUN = hparams.RunHparams(
    data=hparams.DataHparams(dataset="digits", batch_size=4),
    model=hparams.ModelHparams(name="mlp", hidden=(8,)), train=hparams.TrainHparams(epochs=1))
RUNS = [TINY_RUN, hparams.RunHparams(), hparams.DataHparams()] + WRONG


def _one_epoch(feed):
    """A feed is only useful through its batches: draw one training epoch and one evaluation
    pass, so that bad values stored by a constructor show up here and not later in training."""
    for _ in feed.train_batches(0):
        pass
    for _ in feed.eval_batches("test"):
        pass
    return feed


def array_feed(*args, **kwargs):
    return _one_epoch(feeds.ArrayFeed(*args, **kwargs))


def graph_feed(*args, **kwargs):
    return _one_epoch(feeds.GraphFeed(*args, **kwargs))


def folder_feed(*args, **kwargs):
    return _one_epoch(feeds.FolderFeed(*args, **kwargs))


def make_feed(*args, **kwargs):
    return _one_epoch(feeds.make_feed(*args, **kwargs))


def folder_dataset(*args, **kwargs):
    """Build the dataset and read its first item (the image is opened there)."""
    d = imagefolder.FolderDataset(*args, **kwargs)
    return d[0] if len(d) else d


def _bridge_pair(widths, seed):
    target = TargetNetwork.random(widths, seed=seed)
    source = FrozenSource.from_width(widths, 24, prune_ratio=0.2, seed=seed)
    return source, construct_ticket(target, source, 0.3)


SOURCE, RESULT = _bridge_pair((1, 1), 3)
OTHER_SOURCE, OTHER_RESULT = _bridge_pair((2, 1, 1), 4)


def _run_folders():
    """A run folder whose summary is unparsable, one whose summary lacks keys, and a
    checkpoint of each kind: sound, garbage, foreign (a dict without the fields)."""
    _files()
    for name, text in (("run_bad", "{not json"), ("run_keys", json.dumps({"hash": "h"}))):
        os.makedirs(name)
        with open(os.path.join(name, run_folder.SUMMARY), "w") as f:
            f.write(text)
        with open(os.path.join(name, run_folder.TICKET), "wb") as f:
            f.write(b"FSLT?")
    torch.save({"epoch": 0, "model": {}, "optimizer": {}, "scheduler": {}, "history": [],
                "best": None}, "ck.pt")
    torch.save({"epoch": 0}, "foreign.pt")
    with open("bad.pt", "wb") as f:
        f.write(b"PK\x03\x04 not a zip")


SHAPES = [(3, 4), [3, 4], (2, 3, 3, 3), (), (0, 4), (-1, 4), (2**40, 2**40), "ab", None,
          (8.5, 4), (True, 4), (np.int64(3), 4), [[3], 4]] + WRONG
SPEC = init.InitSpec("uniform")
SPECS = [SPEC, init.InitSpec(scale_by_density=True), None, "uniform", _Opaque()]
ROWS = [[{"k": 0.3, "val_acc": 0.8}, {"k": 0.5, "val_acc": 0.9}],
        [{"k": 0.3, "val_acc": 0.8}, {"k": "a", "val_acc": 0.9}], [], [{}],
        [{"k": 1, "val_acc": "x"}], [{"k": 1, "val_acc": float("nan")}],
        [{"k": [1], "val_acc": 0.5}], [{"k": 1, "val_acc": None}], [1, 2], "abc", None,
        {"k": 1, "val_acc": 0.5}, _Opaque()]
SEED_DICTS = [{0: 0.9, 1: 0.8, 2: 0.85}, {0: 0.8, 1: 0.75, 2: 0.7}, {0: 0.5}, {}, {5: 1.0},
              {0: float("nan")}, {0: "x"}, {0: None}, {"a": 1.0, 0: 2.0}, {0: 2**2000},
              [0.9, 0.8], None, "x", _Opaque()]
X_BATCH = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).view(2, 1, 4, 4)
OFFSETS = [[0, 2], np.array([1, 0]), [0], [-1, 0], [9, 0], [0.5, 1], [1.0, 2.0], ["a", 0],
           [np.nan, 0], [True, False], [[0], [1]], None, "ab", np.array([1 + 1j, 0]),
           [2**70, 0], _Opaque()]
FLIPS = [[True, False], np.array([False, True]), [0, 1], [2, 0], ["a", "b"], [None, None],
         [np.nan, 0], [True], None, "ab", _Opaque()]

# --------------------------------------------------------------------------- the table

INPUTS = [
    Entry("inputs_crop_flip", augment.crop_flip,
          {"0": [X_BATCH, X_BATCH.double(), X_BATCH[:1], X_BATCH[0], X_BATCH.numpy(),
                 torch.zeros(0, 1, 4, 4), torch.zeros(2, 0, 4, 4), None, "x", _Opaque()],
           "1": OFFSETS, "2": OFFSETS, "3": FLIPS, "padding": ints(1, 0, 4) + [2**20],
           "fill": [None, [0.5], np.array([-1.0]), [0.1, 0.2], [np.nan], [np.inf], "x", ["a"],
                    [None], 3.0, _Opaque()]},
          {"0": X_BATCH, "1": [0, 2], "2": [1, 0], "3": [True, False], "padding": 1,
           "fill": None}),
    Entry("inputs_draw_crop_flip", augment.draw_crop_flip,
          {"0": RNGS, "1": ints(4, 0, 1), "padding": ints(4, 0)},
          {"0": np.random.default_rng(0), "1": 4, "padding": 4}),
    Entry("inputs_ticket_model", bridge.ticket_model,
          {"0": [SOURCE, OTHER_SOURCE, None, "x", _Opaque()],
           "1": [RESULT, OTHER_RESULT, None, "x", _Opaque()]},
          {"0": SOURCE, "1": RESULT}),
    Entry("inputs_to_toml", configs.to_toml,
          {"0": RUNS, "comment": ["", "two\nlines", "a\0b", None, 3, ["x"], b"x", _Opaque()]},
          {"0": TINY_RUN, "comment": "made by the fuzz"}),
    Entry("inputs_to_yaml", configs.to_yaml, {"0": RUNS}, {"0": TINY_RUN},
          errors=(InvalidParameterError, ImportError)),
    Entry("inputs_model_cost", costs.model_cost,
          {"0": choices("conv6", "mlp", "resnet18", "resnet50", "gin"),
           "1": SHAPES + [(3, 32, 32), (64,), (3, 2, 2), (3, 2**40, 2**40)],
           "width": reals(0.125, 0.25)},
          {"0": "conv6", "1": (3, 32, 32), "width": 0.125}, seconds=60),
    Entry("inputs_cifar10", data.cifar10, {"0": CIFAR_ROOTS, "normalize": flags()},
          {"0": "c", "normalize": True}, setup=_data_files, examples=6),
    Entry("inputs_digits32", data.digits32,
          {"seed": ints(0), "test_fraction": reals(0.25), "val_fraction": reals(0.2, 0.0)},
          {"seed": 0, "test_fraction": 0.25, "val_fraction": 0.2}),
    Entry("inputs_hold_out", data.hold_out,
          {"0": SPLITS, "1": reals(0.5, 0.0), "seed": ints(0)},
          {"0": SPLIT, "1": 0.5, "seed": 0}),
    Entry("inputs_ogbn_arxiv", data.ogbn_arxiv, {"0": ARXIV_ROOTS}, {"0": "a"},
          setup=_data_files, examples=6),
    Entry("inputs_safe_unpickle", data.safe_unpickle,
          {"0": [pickle.dumps({b"labels": [1, 2]}, protocol=2),
                 pickle.dumps(np.zeros((2, 3), np.uint8), protocol=2),
                 pickle.dumps(_OpensAFile(), protocol=2), pickle.dumps(os.getcwd),
                 pickle.dumps(np.array([_OpensAFile()], dtype=object), protocol=2),
                 pickle.dumps({b"x": 1})[:7], b"", b"\x80\x05\x95junk", b"\x80\x02X\xff\xff",
                 bytearray(pickle.dumps([1])), memoryview(pickle.dumps([1])), "text", None,
                 3, [b"x"], _Opaque()]},
          {"0": pickle.dumps([1, 2], protocol=2)},
          errors=(InvalidParameterError, pickle.UnpicklingError)),
    Entry("inputs_describe_device", devices.describe_device, {"0": DEVICES}, {"0": "cpu"}),
    Entry("inputs_ArrayFeed", array_feed,
          {"0": SPLITS, "1": ints(4, 1), "2": DEVICES, "3": ints(0),
           "augment": choices("none", "crop_flip")},
          {"0": SPLIT, "1": 4, "2": "cpu", "3": 0, "augment": "none"},
          covers=("empirical.feeds.ArrayFeed",)),
    Entry("inputs_GraphFeed", graph_feed, {"0": SPLITS, "1": DEVICES},
          {"0": GRAPH, "1": "cpu"}, covers=("empirical.feeds.GraphFeed",)),
    Entry("inputs_FolderFeed", folder_feed,
          {"0": [FOLDER, SPLIT, None, "x", _Opaque()], "1": ints(4, 1), "2": DEVICES,
           "3": ints(0), "workers": ints(0)},
          {"0": FOLDER, "1": 4, "2": "cpu", "3": 0, "workers": 0},
          covers=("empirical.feeds.FolderFeed",), examples=6),
    Entry("inputs_make_feed", make_feed,
          {"0": [SPLIT, GRAPH, FOLDER, None, "x"], "1": RUNS, "2": DEVICES,
           "workers": ints(0)},
          {"0": SPLIT, "1": TINY_RUN, "2": "cpu", "workers": 0},
          covers=("empirical.feeds.make_feed",), examples=6),
    Entry("inputs_FolderData", imagefolder.FolderData,
          {"train": [FOLDER_DATASET, None, "x", []], "val": [None, FOLDER_DATASET, "x", 3],
           "test": [FOLDER_DATASET, None, SPLIT], "num_classes": ints(2, 1),
           "classes": [["cat", "dog"], ["cat"], [], None, "ab", [1, 2], _Opaque()]},
          {"train": FOLDER_DATASET, "val": None, "test": FOLDER_DATASET, "num_classes": 2,
           "classes": ["cat", "dog"]}),
    Entry("inputs_FolderDataset", folder_dataset,
          {"0": [SAMPLES, [("missing.png", 0)], [("README.md", 0)], [(SAMPLES[0][0], -1)],
                 [(SAMPLES[0][0], "a")], [SAMPLES[0][0]], [], None, "ab", [None], _Opaque()],
           "1": ints(8, 16) + [4097], "2": flags(), "seed": ints(0)},
          {"0": SAMPLES, "1": 8, "2": False, "seed": 0},
          covers=("empirical.imagefolder.FolderDataset",), setup=_files),
    Entry("inputs_imagenet_folder", imagefolder.imagenet_folder,
          {"0": IMAGE_ROOTS, "image_size": ints(8, 16), "val_fraction": reals(0.25, 0.0),
           "seed": ints(0), "augment": flags()},
          {"0": "i", "image_size": 8, "val_fraction": 0.25, "seed": 0, "augment": True},
          setup=_data_files, examples=6),
    Entry("inputs_scan", imagefolder.scan, {"0": IMAGE_ROOTS}, {"0": "i/train"},
          setup=_data_files, examples=6),
    Entry("inputs_draw_scores", init.draw_scores,
          {"0": ints(0, 7), "1": ints(0, 2), "2": SHAPES, "3": SPECS},
          {"0": 0, "1": 0, "2": (3, 4), "3": SPEC}),
    Entry("inputs_draw_weights", init.draw_weights,
          {"0": ints(0, 7), "1": ints(0, 2), "2": SHAPES, "3": SPECS,
           "density": reals(0.5, 1.0)},
          {"0": 0, "1": 0, "2": (3, 4), "3": SPEC, "density": 1.0}),
    Entry("inputs_fan_in", init.fan_in, {"0": SHAPES}, {"0": (3, 4)}),
    Entry("inputs_layer_rng", init.layer_rng,
          {"0": ints(0, 7), "1": ints(0, 2), "2": ints(0, 2)}, {"0": 0, "1": 0, "2": 0}),
    Entry("inputs_ResNet18", models.ResNet18,
          {"width": reals(0.01, 0.03) + [2000.0], "num_classes": ints(10, 1),
           "stem": choices("cifar", "imagenet"), "affine_bn": flags()},
          {"width": 0.01, "num_classes": 10, "stem": "cifar", "affine_bn": False}),
    Entry("inputs_ResNet50", models.ResNet50,
          {"width": reals(0.01, 0.03) + [2000.0], "num_classes": ints(10, 1),
           "stem": choices("imagenet", "cifar"), "affine_bn": flags()},
          {"width": 0.01, "num_classes": 10, "stem": "imagenet", "affine_bn": False}),
    Entry("inputs_mean_adjacency", models.mean_adjacency,
          {"0": [[[0, 0, 1], [1, 2, 0]], torch.tensor([[0, 1], [1, 0]]), np.zeros((2, 0), int),
                 [[0.5, 1], [1, 0]], [[0, 1]], [[-1], [0]], [[0], [9]], [["a"], ["b"]],
                 [[True], [False]], [[2**70], [0]], None, "ab", [], _Opaque()],
           "1": ints(3, 1)},
          {"0": [[0, 0, 1], [1, 2, 0]], "1": 3}),
    Entry("inputs_paired_difference", paired.paired_difference,
          {"0": SEED_DICTS, "1": SEED_DICTS, "confidence": reals(0.95, 0.5)},
          {"0": SEED_DICTS[0], "1": SEED_DICTS[1], "confidence": 0.95}),
    Entry("inputs_select_best", paired.select_best,
          {"0": ROWS, "key": [lambda r: r["k"], "k", "missing", None, 3, _Opaque()],
           "score": choices("val_acc", "k")},
          {"0": ROWS[0], "key": lambda r: r["k"], "score": "val_acc"}),
    Entry("inputs_Recipe", recipes.Recipe,
          {"name": ["mine", "", None, 3, ["x"]], "version": ints(1),
           "summary": ["one line", None, 3], "source": [("a.yaml",), (), "a.yaml", None, (3,)],
           "hparams": RUNS, "freeze_split": choices("proportional", "even"),
           "notes": ["", None, 3]},
          {"name": "mine", "version": 1, "summary": "one line", "source": ("a.yaml",),
           "hparams": TINY_RUN, "freeze_split": "proportional", "notes": ""}),
    Entry("inputs_finished_summary", run_folder.finished_summary,
          {"0": paths("run_bad", "run_keys", "missing"), "1": ["h", "", None, 3, ["h"]],
           "2": ints(1, 0)},
          {"0": "run_bad", "1": "h", "2": 1}, setup=_run_folders),
    Entry("inputs_load_checkpoint", run_folder.load_checkpoint,
          {"0": paths("ck.pt", "bad.pt", "foreign.pt", "missing.pt"), "1": DEVICES},
          {"0": "ck.pt", "1": "cpu"}, setup=_run_folders),
    Entry("inputs_set_aside", run_folder.set_aside,
          {"0": paths("ck.pt", "missing.pt"), "1": ["damaged", "", None, 3, b"x", _Opaque()]},
          {"0": "ck.pt", "1": "damaged"}, setup=_run_folders),
]
