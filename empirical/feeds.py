"""Feeds: how the training loop gets its batches from each kind of data set.

A feed yields ``(args, targets, index)`` triples: the loop computes ``model(*args)``, keeps the
rows ``index`` of the output when ``index`` is not None, and compares them with ``targets``.

- :class:`ArrayFeed`: an in-memory :class:`~empirical.data.Split` moved to the device once;
  batches in the order of ``argsort(default_rng([seed, epoch]).random(n))``, optionally with
  CIFAR's crop-and-flip drawn from ``default_rng([seed, epoch, 1])`` and applied on the device.
- :class:`GraphFeed`: a graph trained full-batch, one step per epoch on the training nodes.
- :class:`FolderFeed`: image folders streamed through a ``torch.utils.data.DataLoader``.

Every draw is a function of ``(seed, epoch)``, so a run resumed at an epoch boundary continues
with the batches an uninterrupted run would have seen.
"""

from __future__ import annotations

import numpy as np
import torch

from slt_theory._validate import choice
from slt_theory.errors import InvalidParameterError

from ._checks import count
from .augment import crop_flip, draw_crop_flip
from .devices import resolve_device

__all__ = ["ArrayFeed", "GraphFeed", "FolderFeed", "make_feed", "EVAL_BATCH"]

EVAL_BATCH = 1024
#: Most loader processes a FolderFeed starts (more than any machine has cores is a typo; 2^70
#: would have been handed to the DataLoader, issue-12 fuzz).
MAX_WORKERS = 256
#: Largest batch a feed takes (more examples than an int32 index reaches is a typo).
MAX_BATCH = 2**31 - 1


def _order(seed, epoch, n):
    return np.argsort(np.random.default_rng([seed, epoch]).random(n), kind="stable")


def _split_of(split):
    from .data import Split

    if not isinstance(split, Split):
        raise InvalidParameterError(f"split must be a data.Split, got {split!r}")
    return split


def _common(batch_size, device, seed):
    """The checks every feed makes before it moves anything to a device (issue-12 fuzz: a bad
    batch size or seed was stored and failed in the middle of training, a device name as an
    AttributeError)."""
    batch_size = count("batch_size", batch_size, 1)
    if batch_size > MAX_BATCH:  # 2^70 reached the DataLoader's islice as a ValueError
        raise InvalidParameterError(f"batch_size must be at most {MAX_BATCH}, got {batch_size!r}")
    return batch_size, resolve_device(device), count("seed", seed)


class ArrayFeed:
    """Batches of an in-memory split (the whole split lives on the device).

    Parameters
    ----------
    split : data.Split
    batch_size : int >= 1
    device : torch.device or str
        What :func:`empirical.devices.resolve_device` takes.
    seed : int >= 0
    augment : {"none", "crop_flip"}
        ``"crop_flip"`` needs images (N, C, H, W).

    Raises
    ------
    InvalidParameterError
        Any of the above out of its range.
    """

    def __init__(self, split, batch_size, device, seed, augment="none"):
        split = _split_of(split)
        batch_size, device, seed = _common(batch_size, device, seed)
        augment = choice("augment", augment, {"none", "crop_flip"})
        if augment == "crop_flip" and np.ndim(split.x_train) != 4:
            raise InvalidParameterError("augment 'crop_flip' needs image data (N, C, H, W)")
        self.x = torch.as_tensor(split.x_train, device=device)
        self.y = torch.as_tensor(split.y_train, device=device)
        self.parts = {"test": (split.x_test, split.y_test)}
        if split.has_val:
            self.parts["val"] = (split.extra["x_val"], split.extra["y_val"])
        self.parts = {k: (torch.as_tensor(a, device=device), torch.as_tensor(b, device=device))
                      for k, (a, b) in self.parts.items()}
        self.batch_size, self.device, self.seed = batch_size, device, seed
        self.augment = augment
        self.fill = split.extra.get("pad_value")

    @property
    def n_train(self):
        return len(self.x)

    def has(self, part):
        return part in self.parts

    def train_batches(self, epoch):
        order = _order(self.seed, epoch, len(self.x))
        if self.augment == "crop_flip":
            dy, dx, flip = draw_crop_flip(np.random.default_rng([self.seed, epoch, 1]), len(order))
        idx_all = torch.as_tensor(order, device=self.device)
        for i in range(0, len(order), self.batch_size):
            idx = idx_all[i:i + self.batch_size]
            x = self.x[idx]
            if self.augment == "crop_flip":
                s = slice(i, i + self.batch_size)
                x = crop_flip(x, dy[s], dx[s], flip[s], padding=4, fill=self.fill)
            yield (x,), self.y[idx], None

    def eval_batches(self, part):
        x, y = self.parts[part]
        for i in range(0, len(x), EVAL_BATCH):
            yield (x[i:i + EVAL_BATCH],), y[i:i + EVAL_BATCH], None


class GraphFeed:
    """A graph: every step sees the whole graph; loss and metrics use one node index set.

    ``split`` is a :class:`~empirical.data.Split` whose ``extra`` holds the graph (``x``, ``y``,
    ``edge_index``, ``train``, ``test`` and optionally ``valid``), as
    :func:`empirical.data.ogbn_arxiv` returns; ``device`` is what
    :func:`empirical.devices.resolve_device` takes. Anything else is an InvalidParameterError.
    """

    def __init__(self, split, device):
        from .models import mean_adjacency

        extra = _split_of(split).extra
        missing = [k for k in ("x", "y", "edge_index", "train", "test") if k not in extra]
        if missing:
            raise InvalidParameterError(f"split is not a graph: its extra lacks {missing}")
        device = resolve_device(device)
        self.xg = torch.as_tensor(extra["x"], device=device)
        self.adj = mean_adjacency(extra["edge_index"], len(extra["x"])).to(device)
        self.yg = torch.as_tensor(extra["y"], device=device)
        self.index = {"train": extra["train"], "val": extra.get("valid"), "test": extra["test"]}
        self.index = {k: torch.as_tensor(v, device=device) for k, v in self.index.items()
                      if v is not None and len(v)}

    @property
    def n_train(self):
        return len(self.index["train"])

    def has(self, part):
        return part in self.index

    def train_batches(self, epoch):
        idx = self.index["train"]
        yield (self.xg, self.adj), self.yg[idx], idx

    def eval_batches(self, part):
        idx = self.index[part]
        yield (self.xg, self.adj), self.yg[idx], idx


class _EpochSampler(torch.utils.data.Sampler):
    """Yields ``(epoch, i)`` keys so each sample's augmentation is fixed by the epoch."""

    def __init__(self, n, seed, epoch, shuffle):
        self.n, self.seed, self.epoch, self.shuffle = n, seed, epoch, shuffle

    def __len__(self):
        return self.n

    def __iter__(self):
        order = _order(self.seed, self.epoch, self.n) if self.shuffle else range(self.n)
        return iter((self.epoch, int(i)) for i in order)


class FolderFeed:
    """Image folders (:class:`~empirical.imagefolder.FolderData`) through a DataLoader.

    ``batch_size`` and ``workers`` (loader processes) are integers >= 1 and >= 0, ``device`` is
    what :func:`empirical.devices.resolve_device` takes; anything else is an
    InvalidParameterError.
    """

    def __init__(self, data, batch_size, device, seed, workers=0):
        from .imagefolder import FolderData

        if not isinstance(data, FolderData):
            raise InvalidParameterError(f"data must be an imagefolder.FolderData, got {data!r}")
        batch_size, device, seed = _common(batch_size, device, seed)
        workers = count("workers", workers)
        if workers > MAX_WORKERS:
            raise InvalidParameterError(f"workers must be at most {MAX_WORKERS}, got {workers!r}")
        self.data, self.batch_size, self.device = data, batch_size, device
        self.seed, self.workers = seed, workers
        # Augmentation draws follow the training seed, as for in-memory data.
        data.train.seed = seed
        self.pin = device.type == "cuda"

    @property
    def n_train(self):
        return len(self.data.train)

    def has(self, part):
        return part == "test" or (part == "val" and self.data.val is not None)

    def _loader(self, dataset, batch_size, epoch, shuffle):
        return torch.utils.data.DataLoader(
            dataset, batch_size=batch_size, num_workers=self.workers, pin_memory=self.pin,
            sampler=_EpochSampler(len(dataset), self.seed, epoch, shuffle))

    def _move(self, loader):
        for x, y in loader:
            yield ((x.to(self.device, non_blocking=self.pin),),
                   y.to(self.device, non_blocking=self.pin), None)

    def train_batches(self, epoch):
        return self._move(self._loader(self.data.train, self.batch_size, epoch, True))

    def eval_batches(self, part):
        dataset = self.data.val if part == "val" else self.data.test
        return self._move(self._loader(dataset, self.batch_size, 0, False))


def make_feed(data, hp, device, workers=0):
    """The feed of loaded data ``data`` under hyperparameters ``hp`` (a RunHparams).

    ``data`` is what :func:`empirical.data.load_dataset` returns (a Split or a FolderData);
    anything else, or an ``hp`` that is no RunHparams, is an InvalidParameterError.
    """
    from .hparams import RunHparams
    from .imagefolder import FolderData

    if not isinstance(hp, RunHparams):
        raise InvalidParameterError(f"hp must be a RunHparams, got {hp!r}")

    if isinstance(data, FolderData):
        return FolderFeed(data, hp.data.batch_size, device, hp.train.seed, workers)
    if "edge_index" in _split_of(data).extra:
        return GraphFeed(data, device)
    return ArrayFeed(data, hp.data.batch_size, device, hp.train.seed, hp.data.augment)
