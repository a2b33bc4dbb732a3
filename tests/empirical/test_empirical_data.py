"""Data readers, each on tiny files written in the real on-disk formats."""

import gzip
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empirical import data
from slt_theory.errors import InvalidParameterError


def test_cifar10_reader(tmp_path, writers):
    batches = writers["cifar"](tmp_path, n=4)
    s = data.cifar10(tmp_path, normalize=False)
    assert s.x_train.shape == (20, 3, 32, 32) and s.x_test.shape == (4, 3, 32, 32)
    assert s.extra["pad_value"] == [0.0, 0.0, 0.0]
    first = batches["data_batch_1"][b"data"][0]
    # channel planes: the first 1024 bytes are red, row-major
    assert s.x_train[0, 0, 0, 1] == pytest.approx(first[1] / 255)
    assert s.x_train[0, 1, 0, 0] == pytest.approx(first[1024] / 255)
    assert s.x_train[0, 2, 31, 31] == pytest.approx(first[3071] / 255)
    assert s.y_test.tolist() == batches["test_batch"][b"labels"]
    n = data.cifar10(tmp_path / "cifar-10-batches-py")
    assert abs(float(n.x_train.mean())) < 2.5
    # black, standardised: what RandomCrop's zero padding becomes after Normalize
    assert np.allclose(n.extra["pad_value"], -data.CIFAR_MEAN / data.CIFAR_STD)


class Exploit:
    """Pickled, asks the loader to call print - any callable would do as well."""

    def __reduce__(self):
        return (print, ("code ran",))


@pytest.mark.parametrize("payload", [
    {b"data": Exploit(), b"labels": []},
    Exploit(),
    {b"data": np.zeros((1, 3072), np.uint8), b"labels": [0], b"x": np.array([Exploit()])},
])
def test_a_malicious_cifar_pickle_is_refused(tmp_path, capsys, payload, writers):
    writers["cifar"](tmp_path, n=2)
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_3", "wb") as f:
        pickle.dump(payload, f, protocol=2)
    with pytest.raises(InvalidParameterError, match="data_batch_3"):
        data.cifar10(tmp_path)
    assert "code ran" not in capsys.readouterr().out


@pytest.mark.parametrize("payload, match", [
    ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, 10]}, "labels"),
    ({b"data": np.zeros((2, 30), np.uint8), b"labels": [0, 1]}, "3072"),
    ([1, 2], "not a dict"),
])
def test_a_malformed_cifar_batch_is_refused(tmp_path, payload, match, writers):
    writers["cifar"](tmp_path, n=2)
    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "wb") as f:
        pickle.dump(payload, f, protocol=2)
    with pytest.raises(InvalidParameterError, match=match):
        data.cifar10(tmp_path)


def test_python2_style_cifar_pickle_reads():
    # What Python 2's cPickle wrote: str keys and data as bytes-strings, numpy.core globals.
    raw = (b"\x80\x02}q\x00(U\x06labelsq\x01]q\x02(K\x01K\x02eU\x04dataq\x03cnumpy.core."
           b"multiarray\n_reconstruct\nq\x04cnumpy\nndarray\nq\x05K\x00\x85U\x01b\x87Rq\x06"
           b"(K\x01K\x02K\x02\x86cnumpy\ndtype\nq\x07U\x02u1K\x00K\x01\x87Rq\x08(K\x03U"
           b"\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89U\x04\x01\x02\x03\x04tbu.")
    d = data.safe_unpickle(raw)
    assert d[b"labels"] == [1, 2]
    assert d[b"data"].tolist() == [[1, 2], [3, 4]] and d[b"data"].dtype == np.uint8


def test_hold_out_is_seeded_disjoint_and_complete():
    s = data.teacher_student(n_train=50, n_test=5, seed=1)
    a, b = data.hold_out(s, 0.2, seed=3), data.hold_out(s, 0.2, seed=3)
    assert np.array_equal(a.extra["x_val"], b.extra["x_val"])
    assert len(a.x_train) == 40 and len(a.extra["x_val"]) == 10
    rows = {tuple(r) for r in np.concatenate([a.x_train, a.extra["x_val"]]).tolist()}
    assert rows == {tuple(r) for r in s.x_train.tolist()}
    assert not np.array_equal(data.hold_out(s, 0.2, seed=4).extra["x_val"], a.extra["x_val"])
    assert data.hold_out(s, 0.0) is s
    with pytest.raises(InvalidParameterError, match="val_fraction"):
        data.hold_out(s, 1.0)


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
    gz_csv(root / "raw/edge.csv.gz", [[0, 1], [2, 1], [5, 4], [1, 0], [0, 1]])
    gz_csv(root / "split/time/train.csv.gz", [0, 1, 2])
    gz_csv(root / "split/time/valid.csv.gz", [3])
    gz_csv(root / "split/time/test.csv.gz", [4, 5])
    s = data.ogbn_arxiv(tmp_path)
    assert s.num_classes == 40
    assert np.allclose(s.x_train, feat[:3])
    assert s.y_test.tolist() == [2, 3]
    # undirected and de-duplicated: {0-1, 1-2, 4-5} in both directions, each once
    assert sorted(map(tuple, s.extra["edge_index"].T.tolist())) == \
        [(0, 1), (1, 0), (1, 2), (2, 1), (4, 5), (5, 4)]
    assert s.extra["y_val"].tolist() == [1] and s.has_val


def test_imagenet_folder_reads_class_folders_without_torchvision(tmp_path, writers):
    writers["imagefolder"](tmp_path, per_class=5)
    d = data.imagenet_folder(tmp_path, image_size=16, val_fraction=0.2, seed=1)
    assert d.classes == ["cat", "dog", "eel"] and d.num_classes == 3
    assert len(d.train) == 12 and len(d.val) == 3 and len(d.test) == 6
    assert not ({p for p, _ in d.train.samples} & {p for p, _ in d.val.samples})
    x, y = d.train[(2, 0)]
    assert x.shape == (3, 16, 16) and x.dtype.is_floating_point and y in (0, 1, 2)
    # the random crop of a sample is fixed by (seed, epoch, index): same epoch, same crop
    assert (d.train[(2, 0)][0] == x).all() and not (d.train[(3, 0)][0] == x).all()
    xt, yt = d.test[0]
    assert xt.shape == (3, 16, 16) and yt == 0 and (d.test[0][0] == xt).all()
    assert "torchvision" not in __import__("sys").modules


def test_imagenet_folder_errors(tmp_path, writers):
    with pytest.raises(InvalidParameterError, match="does not exist"):
        data.imagenet_folder(tmp_path)
    writers["imagefolder"](tmp_path, classes=("a", "b"))
    (tmp_path / "val" / "c").mkdir()
    (tmp_path / "val" / "c" / "x.png").write_bytes((tmp_path / "val" / "a" / "0.png").read_bytes())
    with pytest.raises(InvalidParameterError, match="same class folders"):
        data.imagenet_folder(tmp_path)


def test_unknown_dataset():
    with pytest.raises(InvalidParameterError, match="dataset"):
        data.load_dataset("mnist")
    with pytest.raises(InvalidParameterError, match="dataset"):
        data.load_dataset(["digits"])
    with pytest.raises(InvalidParameterError, match="data_root"):
        data.load_dataset("imagenet")


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))))
def test_undirected_equals_a_set_of_both_directions(case):
    n, edges = case
    e = np.array(edges, dtype=np.int64).reshape(-1, 2).T
    expected = sorted({(a, b) for a, b in edges} | {(b, a) for a, b in edges})
    assert list(map(tuple, data.undirected(e, n).T.tolist())) == expected


# --------------------------------------------------------------------------- issue-12 fuzz finds


@pytest.mark.parametrize("raw", [b"", b"\x80\x05\x95junk", b"\x80\x02X\xff\xff",
                                 pickle.dumps({b"x": 1})[:7]])
def test_safe_unpickle_turns_any_damage_into_an_unpickling_error(raw):
    # EOFError, ValueError, UnicodeDecodeError ... each escaped as itself
    with pytest.raises(pickle.UnpicklingError):
        data.safe_unpickle(raw)


@pytest.mark.parametrize("raw", ["text", None, 3, [b"x"]])
def test_safe_unpickle_refuses_what_is_not_bytes(raw):
    with pytest.raises(InvalidParameterError, match="bytes"):  # was a TypeError of BytesIO
        data.safe_unpickle(raw)


def test_a_cifar_batch_that_cannot_be_read_is_named(tmp_path, writers):
    writers["cifar"](tmp_path, n=2)
    batch = tmp_path / "cifar-10-batches-py" / "data_batch_4"
    batch.unlink()
    batch.mkdir()  # a folder in the place of the file: was an IsADirectoryError
    with pytest.raises(InvalidParameterError, match="data_batch_4"):
        data.cifar10(tmp_path)
    batch.rmdir()
    batch.write_bytes(b"\x80\x05\x95junk")  # garbage: was an undocumented pickle error
    with pytest.raises(InvalidParameterError, match="data_batch_4"):
        data.cifar10(tmp_path)


@pytest.mark.parametrize("val_fraction", [None, "0.5", 10**400, float("nan"), 1.0])
def test_digits32_checks_val_fraction(val_fraction):
    pytest.importorskip("sklearn")
    # None was a TypeError, 10**400 an OverflowError, "0.5" was read as 0.5
    with pytest.raises(InvalidParameterError, match="val_fraction"):
        data.digits32(val_fraction=val_fraction)


@pytest.mark.parametrize("split", [None, "x", {"x_train": []}])
def test_hold_out_refuses_what_is_no_split(split):
    with pytest.raises(InvalidParameterError, match="split"):  # was an AttributeError
        data.hold_out(split, 0.5)


def test_digits32_takes_a_whole_float_seed_as_digits_does():
    pytest.importorskip("sklearn")
    # digits(seed=2.0) worked, digits32(seed=2.0) was a TypeError of default_rng([2.0, 32])
    assert np.array_equal(data.digits32(seed=2.0).extra["x_val"],
                          data.digits32(seed=2).extra["x_val"])
