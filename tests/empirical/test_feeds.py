"""Feeds: a bad argument is refused by name when the feed is made, not in the middle of an
epoch (issue-12 fuzz), and a sound feed yields every training example once per epoch."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from empirical import data, feeds, hparams  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402


def _split(n=6, images=False):
    rng = np.random.default_rng(0)
    shape = (n, 1, 8, 8) if images else (n, 4)
    return data.Split(rng.random(shape, dtype=np.float32), np.arange(n),
                      rng.random((2,) + shape[1:], dtype=np.float32), np.arange(2), 6)


def test_an_array_feed_yields_every_example_once_per_epoch():
    feed = feeds.ArrayFeed(_split(), 4, "cpu", 0)
    seen = torch.cat([y for _, y, _ in feed.train_batches(3)])
    assert sorted(seen.tolist()) == list(range(6))


@pytest.mark.parametrize("args, match", [
    ((None, 4, "cpu", 0), "split"),  # was an AttributeError
    ((_split(), "4", "cpu", 0), "batch_size"),  # was stored and failed in train_batches
    ((_split(), 0, "cpu", 0), "batch_size"),  # range(0, n, 0): a ValueError in training
    ((_split(), 4, "foo", 0), "device"),  # was torch's RuntimeError
    ((_split(), 4, "cpu", -1), "seed"),
    ((_split(), 4, "cpu", 0, "flip"), "augment"),
    ((_split(), 4, "cpu", 0, "crop_flip"), "image data"),
])
def test_array_feed_refuses_bad_arguments_by_name(args, match):
    with pytest.raises(InvalidParameterError, match=match):
        feeds.ArrayFeed(*args)


def test_graph_feed_refuses_a_split_that_is_no_graph():
    with pytest.raises(InvalidParameterError, match="not a graph"):  # was a KeyError
        feeds.GraphFeed(_split(), "cpu")
    with pytest.raises(InvalidParameterError, match="split"):
        feeds.GraphFeed(None, "cpu")


def test_folder_feed_and_make_feed_refuse_what_they_cannot_feed():
    with pytest.raises(InvalidParameterError, match="FolderData"):  # was an AttributeError
        feeds.FolderFeed(_split(), 4, "cpu", 0)
    with pytest.raises(InvalidParameterError, match="hp"):
        feeds.make_feed(_split(), None, "cpu")
    with pytest.raises(InvalidParameterError, match="split"):
        feeds.make_feed("x", hparams.RunHparams(), "cpu")


def test_a_batch_size_past_what_a_loader_takes_is_refused():
    # 2^70 was a ValueError of the DataLoader's islice, in the middle of the first epoch
    with pytest.raises(InvalidParameterError, match="batch_size must be at most"):
        feeds.ArrayFeed(_split(), 2**70, "cpu", 0)
