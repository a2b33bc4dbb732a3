"""Augmentation: the batched crop-and-flip against its slow twin, shapes, seeded randomness, and
the ImageNet crop boxes against torchvision's rules."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from empirical.augment import (  # noqa: E402
    center_crop_box,
    crop_flip,
    crop_flip_reference,
    draw_crop_flip,
    resize_shorter,
    resized_crop_box,
)
from slt_theory.errors import InvalidParameterError  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.integers(1, 9), st.integers(1, 9),
       st.integers(0, 4), st.integers(0, 2**32 - 1))
def test_fast_crop_flip_equals_the_reference(n, c, h, w, padding, seed):
    rng = np.random.default_rng(seed)
    x = torch.as_tensor(rng.standard_normal((n, c, h, w)), dtype=torch.float32)
    fill = rng.standard_normal(c)
    dy, dx, flip = draw_crop_flip(rng, n, padding)
    fast = crop_flip(x, dy, dx, flip, padding, fill)
    slow = crop_flip_reference(x, dy, dx, flip, padding, fill)
    assert fast.shape == x.shape
    assert torch.equal(fast, slow)


def test_offsets_and_flips_are_seeded_and_cover_their_range():
    a = draw_crop_flip(np.random.default_rng([3, 7, 1]), 4000, padding=4)
    b = draw_crop_flip(np.random.default_rng([3, 7, 1]), 4000, padding=4)
    c = draw_crop_flip(np.random.default_rng([3, 8, 1]), 4000, padding=4)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], c[0])
    dy, dx, flip = a
    assert set(dy.tolist()) == set(range(9)) and set(dx.tolist()) == set(range(9))
    # each offset has probability 1/9 and a flip 1/2: 4000 draws stay within 5 sigma
    for k in range(9):
        assert abs((dy == k).mean() - 1 / 9) < 5 * math.sqrt((1 / 9) * (8 / 9) / 4000)
    assert abs(flip.mean() - 0.5) < 5 * math.sqrt(0.25 / 4000)


def test_padding_shows_the_fill_colour_and_the_centre_crop_is_the_identity():
    x = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).view(2, 3, 4, 4)
    same = crop_flip(x, [4, 4], [4, 4], [False, False], padding=4)
    assert torch.equal(same, x)
    mirrored = crop_flip(x, [4, 4], [4, 4], [True, True], padding=4)
    assert torch.equal(mirrored, torch.flip(x, dims=[3]))
    corner = crop_flip(x, [0, 8], [0, 8], [False, False], padding=4, fill=[-1.0, -2.0, -3.0])
    # shifted by the full padding: the image is out of view, only the fill remains
    for ch, value in enumerate([-1.0, -2.0, -3.0]):
        assert torch.all(corner[:, ch] == value)


def test_bad_batches_are_refused():
    x = torch.zeros(2, 3, 4, 4)
    with pytest.raises(InvalidParameterError, match="offsets"):
        crop_flip(x, [0, 9], [0, 0], [False, False], padding=4)
    with pytest.raises(InvalidParameterError, match="one entry per image"):
        crop_flip(x, [0], [0, 0], [False, False])
    with pytest.raises(InvalidParameterError, match="fill"):
        crop_flip(x, [0, 0], [0, 0], [False, False], fill=[0.0, float("nan"), 0.0])
    with pytest.raises(InvalidParameterError, match="4-D"):
        crop_flip(torch.zeros(3, 4, 4), [0], [0], [False])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 600), st.integers(1, 600), st.integers(0, 2**32 - 1))
def test_resized_crop_boxes_lie_inside_and_respect_the_ratio(width, height, seed):
    left, top, w, h = resized_crop_box(np.random.default_rng(seed), width, height)
    assert 0 <= left and left + w <= width and 0 <= top and top + h <= height and w > 0 < h
    ratio = w / h
    # a drawn box has its aspect ratio within [3/4, 4/3] up to rounding to whole pixels; the
    # fallback is the whole image clamped to that range
    assert 3 / 4 * (1 - 1 / h) - 1 / h <= ratio <= 4 / 3 * (1 + 1 / h) + 1 / h or \
        (w, h) in {(width, height), (width, round(width / (3 / 4))),
                   (round(height * 4 / 3), height)}


def test_eval_transform_sizes_follow_torchvision():
    assert resize_shorter(500, 375, 256) == (341, 256)
    assert resize_shorter(375, 500, 256) == (256, 341)
    assert center_crop_box(341, 256, 224) == (58, 16, 224, 224)
    with pytest.raises(InvalidParameterError, match="larger"):
        center_crop_box(100, 100, 224)


def test_resized_crop_box_names_bad_rng_scale_and_ratio():
    """Found by the issue-12 fuzz: rng=None (AttributeError), scale/ratio None (TypeError) or of
    one value (ValueError from unpacking)."""
    import numpy as np
    import pytest

    from empirical.augment import resized_crop_box
    from slt_theory.errors import InvalidParameterError

    rng = np.random.default_rng(0)
    for kwargs in (dict(rng=None), dict(scale=None), dict(scale=(0.5,)), dict(ratio=None),
                   dict(ratio=(1.0,)), dict(ratio="ab")):
        args = dict(rng=rng, width=32, height=24) | kwargs
        with pytest.raises(InvalidParameterError):
            resized_crop_box(**args)
    left, top, w, h = resized_crop_box(rng, 32, 24)
    assert 0 <= left and left + w <= 32 and 0 <= top and top + h <= 24


@pytest.mark.parametrize("call", [
    lambda: resize_shorter(1e308, 1, 16), lambda: resize_shorter(16, 16, 2**21),
    lambda: resized_crop_box(np.random.default_rng(0), 1e308, 24)])
def test_huge_image_sides_are_refused_by_name(call):
    # 1e308 overflowed float arithmetic (slow-tier fuzz, issue 12)
    with pytest.raises(InvalidParameterError, match="at most"):
        call()


# --------------------------------------------------------------------------- issue-12 fuzz finds


@pytest.mark.parametrize("field, bad, match", [
    ("dy", ["a", 0], "dy must hold integers"),  # was numpy's UFuncTypeError
    ("dy", [np.nan, 0], "dy must hold integers"),  # was a ValueError of the int cast
    ("dx", [0.5, 1], "dx must hold integers"),  # was truncated to 0 without a word
    ("dx", None, "dx must be a sequence"),  # was a TypeError of len()
    ("flip", [2, 0], "flip must hold booleans"),
    ("fill", ["a"], "fill must give 1 finite"),  # was a ValueError of the float cast
])
@pytest.mark.parametrize("fn", [crop_flip, crop_flip_reference])
def test_crop_flip_refuses_bad_offsets_flips_and_fill_by_name(fn, field, bad, match):
    x = torch.zeros(2, 1, 4, 4)
    args = {"dy": [0, 1], "dx": [1, 0], "flip": [True, False], "fill": None} | {field: bad}
    with pytest.raises(InvalidParameterError, match=match):
        fn(x, args["dy"], args["dx"], args["flip"], padding=1, fill=args["fill"])


def test_crop_flip_takes_whole_floats_and_refuses_a_huge_padding():
    x = torch.arange(32.0).view(2, 1, 4, 4)
    assert torch.equal(crop_flip(x, [1.0, 2.0], [0, 1], [0, 1], padding=1),
                       crop_flip(x, [1, 2], [0, 1], [False, True], padding=1))
    with pytest.raises(InvalidParameterError, match="padding"):
        crop_flip(x, [0, 0], [0, 0], [False, False], padding=2**20)


def test_draw_crop_flip_refuses_more_draws_than_it_can_hold():
    with pytest.raises(InvalidParameterError, match="n must be at most"):
        draw_crop_flip(np.random.default_rng(0), 2**70)  # was a MemoryError / ValueError
    with pytest.raises(InvalidParameterError, match="padding must be at most"):
        draw_crop_flip(np.random.default_rng(0), 2, padding=2**30)
