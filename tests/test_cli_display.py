"""slt_theory._display: human units that read back to the number they show, tables that align
and refuse Python reprs, strict JSON."""

import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slt_theory import _display

_UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50,
          "EiB": 2**60}


def _read_bytes(text):
    """The obvious reading of '5.42 KiB' (the slow twin of human_bytes)."""
    value, unit = text.split()
    return float(value) * _UNITS[unit]


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=2.0**70, allow_nan=False))
def test_human_bytes_reads_back_within_half_a_percent(n):
    text = _display.human_bytes(n)
    value, unit = text.split()
    assert re.fullmatch(r"\d+(\.\d+)?", value), text  # no exponent, no separators
    assert float(value) < 1024 or unit == "EiB", text  # never "1024 KiB" or "37,544,485.3 KiB"
    assert len(value.replace(".", "")) <= 4, text  # about three significant digits
    if n >= 1:  # three significant digits: off by at most half a unit of the third
        assert _read_bytes(text) == pytest.approx(n, rel=5.0001e-3)
    else:
        assert _read_bytes(text) == pytest.approx(n, abs=5.0001e-4)


@given(st.integers(min_value=0, max_value=2**62))
def test_human_bits_counts_small_sizes_in_bits_and_large_ones_in_bytes(bits):
    text = _display.human_bits(bits)
    if bits < 8 * 1024:
        assert text in (f"{bits:,} bits", "1 bit")
    else:
        assert _read_bytes(text) == pytest.approx(bits / 8, rel=5e-3)


def test_the_issue_s_size_reads_in_gib():
    # issue 13: "37,544,485.3 KiB"
    assert _display.human_bytes(37_544_485.3 * 1024) == "35.8 GiB"


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), True, "3"])
def test_sizes_refuse_what_is_not_a_size(bad):
    with pytest.raises(ValueError):
        _display.human_bytes(bad)


@pytest.mark.parametrize("value", [None, {"a": 1}, [1, 2], (1,), {1}])
def test_plain_refuses_what_would_print_as_a_repr(value):
    with pytest.raises(TypeError):
        _display.plain(value)
    with pytest.raises(TypeError):
        _display.Table(["x"], [[value]])


cells = st.one_of(st.integers(-10**9, 10**9),
                  st.text(alphabet="abc xyz-", max_size=12).map(str.strip),
                  st.floats(-1e6, 1e6, allow_nan=False))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.lists(cells, min_size=k, max_size=k),
                                                   min_size=1, max_size=5)))
def test_table_columns_line_up(rows):
    k = len(rows[0])
    headers = [f"h{j}" for j in range(k)]
    lines = _display.Table(headers, rows, align="r" * k).render().split("\n")
    rule = lines[1]
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    ends = [m.end() for m in re.finditer(r"-+", rule)]
    assert len(lines) == len(rows) + 2
    for line, row in zip(lines[2:], rows):
        for j, cell in enumerate(row):  # right-aligned: each cell ends where its rule ends
            text = _display.plain(cell)
            assert line[:ends[j]].endswith(text), (line, text)
            assert starts[j] <= ends[j] - len(text)


def test_table_wraps_a_long_column_within_its_width():
    table = _display.Table(["name", "what"], [["a", "word " * 30]], wrap={1: 20})
    lines = table.render().splitlines()
    assert len(lines) > 3 and all(len(line) <= len("name") + 2 + 20 for line in lines)
    assert " ".join(" ".join(line[6:].split()) for line in lines[2:]) == ("word " * 30).strip()


def test_json_is_strict_and_keeps_the_structure():
    import numpy as np

    text = _display.to_json({"n": np.int64(3), "x": np.float32(0.5), "t": (1, 2),
                             "bad": float("inf"), "none": None})
    assert json.loads(text) == {"n": 3, "x": 0.5, "t": [1, 2], "bad": None, "none": None}
    assert "Infinity" not in text and "NaN" not in text


def test_number_and_words():
    assert _display.number(1388) == "1,388"
    assert _display.number(math.pi, 4) == "3.142"
    assert _display.words(["a", "b", "c"]) == "a, b and c"
    assert _display.times(1 / 0.3) == "3.33x"


def test_ratio_by_zero_is_the_documented_value_error():
    """Found by the issue-12 fuzz: ratio(1388, 0) raised ZeroDivisionError."""
    import pytest

    from slt_theory._display import ratio

    with pytest.raises(ValueError, match="b must not be 0"):
        ratio(1388.0, 0.0)
    assert ratio(1388, 692) == "2.01x"
