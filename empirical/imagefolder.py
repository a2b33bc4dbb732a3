"""ImageNet-style class folders read with PIL, without torchvision.

Layout (torchvision's ``ImageFolder``): ``<root>/train/<class>/<image>`` and
``<root>/val/<class>/<image>``; classes are the sorted folder names, images the files with an
image extension, in sorted order. As in the reference code, ``train`` is split into a training
part and a validation part (``val_fraction``, seeded), and ``val`` is the test set.

Training images get ``RandomResizedCrop(image_size)`` + horizontal flip (with ``augment``),
evaluation images ``Resize(image_size * 256 / 224)`` + ``CenterCrop(image_size)``; both then
become float32 CHW tensors standardised with the ImageNet mean and standard deviation. The
random draws of sample ``i`` in epoch ``e`` come from ``default_rng([seed, e, i])``, so they do
not depend on the number of loader workers or on a resume.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from slt_theory._validate import path
from slt_theory.errors import InvalidParameterError

from ._checks import count, flag
from .augment import center_crop_box, resize_shorter, resized_crop_box

__all__ = ["IMAGE_EXTENSIONS", "scan", "FolderDataset", "FolderData", "imagenet_folder",
           "IMAGENET_MEAN", "IMAGENET_STD"]

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


#: Largest ``image_size`` (side of the square network input, in pixels): 4096 is 200 MB of
#: float32 per image already; 2^20 exhausted memory in one resize (issue-12 fuzz).
MAX_IMAGE_SIZE = 4096


def scan(folder):
    """``(classes, samples)``: sorted class names and ``(path, class index)`` pairs.

    Raises
    ------
    InvalidParameterError
        ``folder`` is no path (a str or os.PathLike), does not exist, or holds no class
        sub-folders with images.
    """
    folder = path("folder", folder)  # None was a TypeError, bytes slipped through (issue-12)
    if not os.path.isdir(folder):
        raise InvalidParameterError(f"image folder {folder!r} does not exist")
    classes = sorted(e.name for e in os.scandir(folder) if e.is_dir())
    if not classes:
        raise InvalidParameterError(f"image folder {folder!r} has no class sub-folders")
    samples = []
    for k, name in enumerate(classes):
        for dirpath, dirnames, files in sorted(os.walk(os.path.join(folder, name),
                                                       followlinks=True)):
            dirnames.sort()
            for f in sorted(files):
                if f.lower().endswith(IMAGE_EXTENSIONS):
                    samples.append((os.path.join(dirpath, f), k))
    if not samples:
        raise InvalidParameterError(f"image folder {folder!r} holds no images")
    return classes, samples


class FolderDataset:
    """A map-style dataset (usable by ``torch.utils.data.DataLoader``) over ``samples``.

    Items are indexed by ``(epoch, i)`` pairs so that the augmentation draw of a sample is fixed
    by the epoch (see the module docstring); a plain integer ``i`` means epoch 0.

    Parameters
    ----------
    samples : list of (path, int)
        Image files and their class indices (>= 0), as :func:`scan` returns them.
    image_size : int in [8, MAX_IMAGE_SIZE]
    train : bool
        Training augmentation (random resized crop and flip) or evaluation crops.
    seed : int >= 0

    Raises
    ------
    InvalidParameterError
        Any of the above out of its range, here; an item whose file is not a readable image,
        when it is read (naming the file).
    """

    def __init__(self, samples, image_size: int, train: bool, seed: int = 0):
        if isinstance(samples, (str, bytes)) or not hasattr(samples, "__iter__"):
            raise InvalidParameterError(
                f"samples must be a list of (path, class index) pairs, got {samples!r}")
        self.samples = []
        for i, pair in enumerate(samples):  # a bad pair failed only when read (issue-12 fuzz)
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise InvalidParameterError(
                    f"samples[{i}] must be a (path, class index) pair, got {pair!r}")
            self.samples.append((path(f"samples[{i}] path", pair[0]),
                                 count(f"samples[{i}] class index", pair[1])))
        self.image_size = count("image_size", image_size, 8)
        if self.image_size > MAX_IMAGE_SIZE:
            raise InvalidParameterError(
                f"image_size must be at most {MAX_IMAGE_SIZE}, got {image_size!r}")
        self.train = flag("train", train)
        self.seed = count("seed", seed)

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, key):
        import torch
        from PIL import Image

        bilinear = getattr(Image, "Resampling", Image).BILINEAR
        mirror = getattr(Image, "Transpose", Image).FLIP_LEFT_RIGHT
        epoch, i = key if isinstance(key, tuple) else (0, key)
        file, label = self.samples[i]
        try:
            with Image.open(file) as img:
                img = img.convert("RGB")
        except (OSError, ValueError, Image.DecompressionBombError) as err:
            # a damaged or foreign file was PIL's own error, without the file's role (issue-12)
            raise InvalidParameterError(f"{file} is not a readable image: {err}") from None
        size = self.image_size
        if self.train:
            rng = np.random.default_rng([self.seed, int(epoch), int(i)])
            left, top, w, h = resized_crop_box(rng, *img.size)
            img = img.resize((size, size), bilinear, box=(left, top, left + w, top + h))
            if rng.random() < 0.5:
                img = img.transpose(mirror)
        else:
            img = img.resize(resize_shorter(*img.size, int(size * 256 / 224)), bilinear)
            left, top, w, h = center_crop_box(*img.size, size)
            img = img.crop((left, top, left + w, top + h))
        a = np.asarray(img, dtype=np.float32) / 255.0
        a = (a - IMAGENET_MEAN) / IMAGENET_STD
        return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1))), label


@dataclasses.dataclass
class FolderData:
    """Train / validation / test datasets of an image folder (too large for memory).

    ``val`` may be None; ``classes`` are the ``num_classes`` class names (strings). Anything
    else is an InvalidParameterError.
    """

    train: FolderDataset
    val: FolderDataset | None
    test: FolderDataset
    num_classes: int
    classes: list

    def __post_init__(self):  # nothing was checked (issue-12 fuzz)
        for name in ("train", "val", "test"):
            value = getattr(self, name)
            if not isinstance(value, FolderDataset) and not (name == "val" and value is None):
                raise InvalidParameterError(f"{name} must be a FolderDataset, got {value!r}")
        self.num_classes = count("num_classes", self.num_classes, 1)
        if not isinstance(self.classes, (list, tuple)) or \
                len(self.classes) != self.num_classes or \
                not all(isinstance(c, str) for c in self.classes):
            raise InvalidParameterError(
                f"classes must be a list of {self.num_classes} class names, got {self.classes!r}")
        self.classes = list(self.classes)


def imagenet_folder(root, image_size: int = 224, val_fraction: float = 0.0, seed: int = 0,
                    augment: bool = True) -> FolderData:
    """Scan ``<root>/train`` and ``<root>/val``; hold out ``val_fraction`` of train (seeded).

    Examples
    --------
    >>> imagenet_folder("/nonexistent")
    Traceback (most recent call last):
    ...
    slt_theory.errors.InvalidParameterError: image folder '/nonexistent/train' does not exist
    """
    from slt_theory._validate import ratio

    from ._checks import optional_path

    root = optional_path("data_root", root)
    if root is None:
        raise InvalidParameterError("data_root must be a folder, got None")
    val_fraction = ratio("val_fraction", val_fraction)
    seed = count("seed", seed)
    augment = flag("augment", augment)
    classes, train = scan(os.path.join(root, "train"))
    test_classes, test = scan(os.path.join(root, "val"))
    if test_classes != classes:
        raise InvalidParameterError(
            f"{root!r}: 'train' and 'val' must have the same class folders "
            f"({len(classes)} against {len(test_classes)})")
    perm = np.argsort(np.random.default_rng([seed, 1]).random(len(train)), kind="stable")
    n_val = int(round(val_fraction * len(train)))
    held = [train[i] for i in sorted(perm[:n_val])]
    kept = [train[i] for i in sorted(perm[n_val:])]
    if not kept:
        raise InvalidParameterError(f"val_fraction {val_fraction!r} leaves no training images")
    return FolderData(FolderDataset(kept, image_size, augment, seed),
                      FolderDataset(held, image_size, False, seed) if held else None,
                      FolderDataset(test, image_size, False, seed), len(classes), classes)
