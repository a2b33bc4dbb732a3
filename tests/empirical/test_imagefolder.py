"""Image folders: bad arguments and damaged images are named errors (issue-12 fuzz)."""

import pytest

pytest.importorskip("torch")
pytest.importorskip("PIL")

from empirical import imagefolder  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402


@pytest.mark.parametrize("folder", [None, b"bytes", "", 3])
def test_scan_refuses_what_is_no_path(folder):
    with pytest.raises(InvalidParameterError, match="folder"):  # None was a TypeError
        imagefolder.scan(folder)


def test_a_damaged_image_is_named_when_read(tmp_path, writers):
    writers["imagefolder"](tmp_path, per_class=2)
    broken = tmp_path / "train" / "cat" / "0.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    d = imagefolder.imagenet_folder(tmp_path, image_size=8)
    index = [p for p, _ in d.train.samples].index(str(broken))
    with pytest.raises(InvalidParameterError, match="0.jpg"):  # was PIL's UnidentifiedImageError
        d.train[index]


@pytest.mark.parametrize("samples, size, train, match", [
    (None, 8, False, "samples"), ([("a.png",)], 8, False, "pair"),
    ([("a.png", -1)], 8, False, "class index"), ([(None, 0)], 8, False, "path"),
    ([("a.png", 0)], 2**20, False, "image_size"),  # a 2^20-pixel resize exhausted memory
    ([("a.png", 0)], 8, "no", "train"),  # bool("no") was True
])
def test_folder_dataset_checks_its_arguments(samples, size, train, match):
    with pytest.raises(InvalidParameterError, match=match):
        imagefolder.FolderDataset(samples, size, train)


def test_folder_data_checks_its_fields(tmp_path, writers):
    writers["imagefolder"](tmp_path, per_class=2)
    d = imagefolder.imagenet_folder(tmp_path, image_size=8)
    imagefolder.FolderData(d.train, None, d.test, 3, d.classes)
    for bad, match in ((dict(train=None), "train"), (dict(val="x"), "val"),
                       (dict(num_classes=0), "num_classes"), (dict(classes=["a"]), "classes")):
        fields = dict(train=d.train, val=None, test=d.test, num_classes=3, classes=d.classes)
        with pytest.raises(InvalidParameterError, match=match):
            imagefolder.FolderData(**(fields | bad))
    with pytest.raises(InvalidParameterError, match="augment"):
        imagefolder.imagenet_folder(tmp_path, augment="yes")


def test_data_hparams_refuse_an_image_size_the_loader_would_refuse():
    # issue 12: the cap held only when the folder loaded; the hyperparameters now refuse it, so
    # `slt train --image-size 5000` stops before its run folder exists
    from empirical.hparams import DataHparams

    with pytest.raises(InvalidParameterError, match="MAX_IMAGE_SIZE"):
        DataHparams(image_size=imagefolder.MAX_IMAGE_SIZE + 1)
    assert DataHparams(image_size=imagefolder.MAX_IMAGE_SIZE).image_size == 4096
