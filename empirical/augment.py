"""Training-time image augmentation in plain torch and NumPy (torchvision is never needed).

CIFAR (the reference code's ``RandomCrop(32, padding=4)`` + ``RandomHorizontalFlip()``): each
image is padded by ``padding`` pixels of a fill colour on every side and a window of the original
size is cut at an offset drawn uniformly from ``{0, ..., 2 * padding}`` in each direction, then
mirrored left-right with probability 1/2. :func:`draw_crop_flip` draws the offsets and flips with
a NumPy generator (so a resumed run redraws the same ones), :func:`crop_flip` applies them to a
batch in one gather on the batch's device, and :func:`crop_flip_reference` is its slow,
obviously correct twin (a loop of slices).

ImageNet (``RandomResizedCrop`` + flip for training, ``Resize`` + ``CenterCrop`` for evaluation):
:func:`resized_crop_box` and :func:`center_crop_box` compute the boxes torchvision would, from a
NumPy generator; :mod:`empirical.imagefolder` applies them with PIL.
"""

from __future__ import annotations

import math

import numpy as np

from slt_theory.errors import InvalidParameterError

from ._checks import count, in_range

__all__ = ["draw_crop_flip", "crop_flip", "crop_flip_reference", "resized_crop_box",
           "center_crop_box", "resize_shorter"]


#: Most images :func:`draw_crop_flip` draws for at once (2^24: 400 MB of uniforms; an epoch of
#: an in-memory data set is far smaller, and 2^70 was a MemoryError, issue-12 fuzz).
MAX_DRAWS = 2**24
#: Largest crop padding in pixels (what :data:`MAX_SIDE` allows for an image side).
MAX_PADDING = 2**20
#: Most values a padded batch may hold (2^31 floats: 8 GB); more is a typo in ``padding``.
MAX_PADDED_VALUES = 2**31


def draw_crop_flip(rng: np.random.Generator, n: int, padding: int = 4):
    """Offsets ``(dy, dx)`` in ``{0, ..., 2 padding}`` and flips (bool) for ``n`` images.

    Raises
    ------
    InvalidParameterError
        ``rng`` not a Generator, ``n`` not an integer in [0, MAX_DRAWS], ``padding`` not an
        integer in [0, MAX_PADDING].
    """
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(f"rng must be a numpy.random.Generator, got {rng!r}")
    n, padding = count("n", n), count("padding", padding)
    if n > MAX_DRAWS:
        raise InvalidParameterError(f"n must be at most {MAX_DRAWS} images, got {n!r}")
    if padding > MAX_PADDING:
        raise InvalidParameterError(f"padding must be at most {MAX_PADDING} pixels, got {padding!r}")
    # Only Generator.random: its stream is the one NumPy promises to keep stable.
    u = rng.random((3, n))
    dy = np.minimum((u[0] * (2 * padding + 1)).astype(np.int64), 2 * padding)
    dx = np.minimum((u[1] * (2 * padding + 1)).astype(np.int64), 2 * padding)
    return dy, dx, u[2] < 0.5


def _per_image(name, values, n, kinds):
    """``values`` as a 1-D NumPy array of ``n`` entries whose dtype kind is one of ``kinds``
    (a float array of whole numbers counts as integers); anything else is refused by name."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise InvalidParameterError(f"{name} must be a sequence of {n} values, got {values!r}")
    try:
        a = np.asarray(values)
    except (TypeError, ValueError) as err:  # ragged, or objects NumPy cannot hold
        raise InvalidParameterError(f"{name} must be a flat sequence, got {values!r}") from err
    if a.ndim != 1 or len(a) != n:
        raise InvalidParameterError(
            f"{name} must have one entry per image ({n}), got shape {a.shape}")
    if a.dtype.kind == "f" and "i" in kinds and np.all(np.isfinite(a)) and \
            np.all(a == np.round(a)) and np.all(np.abs(a) < 2**62):
        a = a.astype(np.int64)
    if a.dtype.kind not in kinds:
        raise InvalidParameterError(f"{name} must hold {'integers' if 'i' in kinds else 'booleans'}"
                                    f", got {values!r}")
    return a


def _check_batch(x, dy, dx, flip, padding, fill):
    import torch

    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise InvalidParameterError(f"x must be a 4-D tensor (N, C, H, W), got {type(x).__name__}")
    padding = count("padding", padding)
    n, c, h, w = x.shape
    if padding > MAX_PADDING or n * c * (h + 2 * padding) * (w + 2 * padding) > MAX_PADDED_VALUES:
        raise InvalidParameterError(
            f"padding {padding!r} makes a padded batch of more than {MAX_PADDED_VALUES} values")
    dy = _per_image("dy", dy, n, "iu")
    dx = _per_image("dx", dx, n, "iu")
    flip = _per_image("flip", flip, n, "biu")
    if flip.dtype.kind != "b" and not np.all((flip == 0) | (flip == 1)):
        raise InvalidParameterError(f"flip must hold booleans (or 0 and 1), got {flip!r}")
    if np.any(dy < 0) or np.any(dy > 2 * padding) or np.any(dx < 0) or np.any(dx > 2 * padding):
        raise InvalidParameterError(f"offsets must lie in [0, {2 * padding}]")
    try:
        fill = np.zeros(c) if fill is None else np.asarray(fill, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(f"fill must give {c} finite numbers, got {fill!r}") from err
    if fill.size != c or not np.all(np.isfinite(fill)):
        raise InvalidParameterError(f"fill must give {c} finite values (one per channel)")
    return padding, dy.astype(np.int64), dx.astype(np.int64), flip.astype(bool), fill


def _padded(x, padding, fill):
    import torch

    n, c, h, w = x.shape
    out = torch.empty((n, c, h + 2 * padding, w + 2 * padding), dtype=x.dtype, device=x.device)
    out[:] = torch.as_tensor(fill, dtype=x.dtype, device=x.device).view(1, c, 1, 1)
    out[:, :, padding:padding + h, padding:padding + w] = x
    return out


def crop_flip(x, dy, dx, flip, padding: int = 4, fill=None):
    """Pad, crop at ``(dy, dx)`` and flip a batch ``x`` of shape (N, C, H, W) in one gather.

    ``fill`` is the per-channel value of the padding (default 0); for standardised images pass
    the standardised value of black, as padding happens before normalisation in the reference.

    Examples
    --------
    >>> import torch
    >>> x = torch.arange(16.).view(1, 1, 4, 4)
    >>> crop_flip(x, [1], [1], [False], padding=1)[0, 0].tolist() == x[0, 0].tolist()
    True
    """
    import torch

    padding, dy, dx, flip, fill = _check_batch(x, dy, dx, flip, padding, fill)
    n, c, h, w = x.shape
    p = _padded(x, padding, fill)
    dev = x.device
    dy = torch.as_tensor(dy, device=dev)
    dx = torch.as_tensor(dx, device=dev)
    flip = torch.as_tensor(flip, device=dev)
    rows = dy[:, None] + torch.arange(h, device=dev)  # (N, H)
    cols = torch.arange(w, device=dev).expand(n, w)
    # A flipped crop reads its columns right to left.
    cols = torch.where(flip[:, None], w - 1 - cols, cols) + dx[:, None]  # (N, W)
    nn_ = torch.arange(n, device=dev)[:, None, None]
    out = p.permute(0, 2, 3, 1)[nn_, rows[:, :, None], cols[:, None, :]]  # (N, H, W, C)
    return out.permute(0, 3, 1, 2).contiguous()


def crop_flip_reference(x, dy, dx, flip, padding: int = 4, fill=None):
    """Slow twin of :func:`crop_flip`: one image at a time with slices and ``torch.flip``."""
    import torch

    padding, dy, dx, flip, fill = _check_batch(x, dy, dx, flip, padding, fill)
    h, w = x.shape[2:]
    out = []
    for i in range(len(x)):
        img = torch.empty((x.shape[1], h + 2 * padding, w + 2 * padding), dtype=x.dtype)
        for ch in range(x.shape[1]):
            img[ch] = float(fill[ch])
        img[:, padding:padding + h, padding:padding + w] = x[i].cpu()
        crop = img[:, int(dy[i]):int(dy[i]) + h, int(dx[i]):int(dx[i]) + w]
        out.append(torch.flip(crop, dims=[2]) if bool(flip[i]) else crop)
    return torch.stack(out).to(x.device)


#: Largest image side in pixels that the crop and resize helpers accept (2^20: a 1-megapixel-wide
#: image; huge values overflowed float arithmetic, issue-12 fuzz).
MAX_SIDE = 2**20


def _side(name, value):
    side = count(name, value, 1)
    if side > MAX_SIDE:
        raise InvalidParameterError(f"{name} must be at most {MAX_SIDE} pixels, got {value!r}")
    return side


def resized_crop_box(rng: np.random.Generator, width: int, height: int,
                     scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3)):
    """``(left, top, w, h)`` of torchvision's ``RandomResizedCrop`` for one image.

    Up to ten tries of an area share in ``scale`` and a log-uniform aspect ratio in ``ratio``;
    when none fits, the largest centred crop whose aspect ratio is clamped into ``ratio``.
    """
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(f"rng must be a numpy Generator, got {rng!r}")
    width, height = _side("width", width), _side("height", height)
    for name, pair in (("scale", scale), ("ratio", ratio)):
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise InvalidParameterError(f"{name} must be a pair (low, high), got {pair!r}")
    lo, hi = (in_range("scale", s, 0.0, 1.0, low_open=True) for s in scale)
    r_lo, r_hi = (in_range("ratio", r, 0.0, math.inf, low_open=True, high_open=True)
                  for r in ratio)
    area = width * height
    for _ in range(10):
        u = rng.random(4)
        target = area * (lo + (hi - lo) * u[0])
        aspect = math.exp(math.log(r_lo) + (math.log(r_hi) - math.log(r_lo)) * u[1])
        w = int(round(math.sqrt(target * aspect)))
        h = int(round(math.sqrt(target / aspect)))
        if 0 < w <= width and 0 < h <= height:
            top = min(int(u[2] * (height - h + 1)), height - h)
            left = min(int(u[3] * (width - w + 1)), width - w)
            return left, top, w, h
    in_ratio = width / height
    if in_ratio < r_lo:
        w, h = width, int(round(width / r_lo))
    elif in_ratio > r_hi:
        h, w = height, int(round(height * r_hi))
    else:
        w, h = width, height
    return (width - w) // 2, (height - h) // 2, w, h


def resize_shorter(width: int, height: int, size: int):
    """New ``(width, height)`` with the shorter side ``size`` (torchvision's ``Resize(size)``).

    Examples
    --------
    >>> resize_shorter(500, 375, 256)
    (341, 256)
    """
    width, height = _side("width", width), _side("height", height)
    size = _side("size", size)
    if width <= height:
        return size, int(size * height / width)
    return int(size * width / height), size


def center_crop_box(width: int, height: int, size: int):
    """``(left, top, size, size)`` of torchvision's ``CenterCrop(size)``."""
    width, height = count("width", width, 1), count("height", height, 1)
    size = count("size", size, 1)
    if size > width or size > height:
        raise InvalidParameterError(f"crop {size} is larger than the image ({width}x{height})")
    return int(round((width - size) / 2.0)), int(round((height - size) / 2.0)), size, size
