"""How the `slt` command line shows results: aligned text tables, numbers in human units, JSON.

One module for every subcommand (`slt width`, `slt size`, `slt train`, and later `slt mc` and
`slt reproduce`), so that they look alike and none prints a Python repr: a table cell or a value
shown to a reader is always text made here, and the builders refuse ``None``, dicts, lists and
tuples instead of printing their repr. Machines get :func:`to_json` (``--json``), which writes
strict JSON (no NaN, tuples as arrays, numpy scalars as numbers).

It sits at the top of `slt_theory` and imports nothing from it, so every room (and `empirical`)
may import it. Plain Python only.

Its callers pass values they computed, so it raises Python's own errors rather than
InvalidParameterError: ``TypeError`` for a value without a readable form, ``ValueError`` for one
out of range (a negative or infinite size, a ratio to 0) and ``OverflowError`` for an integer
beyond the range of a float (``human_bits(10**400)``) or an indent beyond the index range.

Examples
--------
>>> print(Table(["what", "bits"], [["mask", 692], ["dense", 44416]]).render())
what    bits
-----  ------
mask      692
dense  44,416
>>> human_bits(692), human_bits(44_416), human_bits(8 * 37_544_485_300)
('692 bits', '5.42 KiB', '35.0 GiB')
"""

import dataclasses
import json
import math
import numbers
import textwrap

__all__ = ["Table", "key_values", "human_bits", "human_bytes", "integer", "number", "ratio",
           "times", "words", "to_json", "plain", "SEPARATOR"]

#: what a command prints between two blocks of its output
SEPARATOR = ""

_BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
# Below this many bits a size reads best as a count of bits (8 KiB = 65,536 bits would not).
_BITS_BELOW = 8 * 1024


def _scaled(value):
    """Three significant digits without an exponent: 5.42, 37.5, 812."""
    if value >= 99.95:
        return f"{value:.0f}"
    if value >= 9.995:
        return f"{value:.1f}"
    return f"{value:.2f}"


def human_bytes(n_bytes):
    """A byte count in binary units with three significant digits.

    >>> human_bytes(0), human_bytes(0.125), human_bytes(1023), human_bytes(1_048_575)
    ('0 B', '0.125 B', '1023 B', '1.00 MiB')
    """
    n_bytes = _nonnegative("n_bytes", n_bytes)
    if n_bytes < 1024 and float(n_bytes).is_integer():
        return f"{n_bytes:.0f} B"
    if n_bytes < 1:  # a fraction of a byte: a few bits
        return f"{n_bytes:.3f} B"
    if n_bytes < 1024:
        return f"{_scaled(n_bytes)} B"
    value, unit = float(n_bytes), 0
    # Step up while the value would print as 1024 or more (1023.9 rounds to "1024").
    while unit < len(_BINARY_UNITS) - 1 and float(_scaled(value)) >= 1024:
        value, unit = value / 1024, unit + 1
    return f"{_scaled(value)} {_BINARY_UNITS[unit]}"


def human_bits(n_bits):
    """A size given in bits: a count of bits below 8 KiB, else bytes in binary units.

    >>> human_bits(1), human_bits(8191), human_bits(8192), human_bits(72_357_888)
    ('1 bit', '8,191 bits', '1.00 KiB', '8.63 MiB')
    """
    n_bits = _nonnegative("n_bits", n_bits)
    if n_bits < _BITS_BELOW:
        if float(n_bits).is_integer():
            return "1 bit" if n_bits == 1 else f"{int(n_bits):,} bits"
        return f"{_scaled(n_bits)} bits"
    return human_bytes(n_bits / 8)


def integer(n):
    """An integer with thousands separators.

    >>> integer(25502912)
    '25,502,912'
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"integer() takes an int, got {n!r}")
    return f"{int(n):,}"


def number(x, digits=3):
    """A real number with ``digits`` significant digits; integers exactly, with separators.

    >>> number(0.009921), number(1.5e-12), number(83), number(float("inf"))
    ('0.00992', '1.5e-12', '83', 'infinite')
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"number() takes a real number, got {x!r}")
    if isinstance(x, numbers.Integral):
        return integer(x)
    x = float(x)
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "infinite" if x > 0 else "minus infinite"
    return f"{x:.{digits}g}"


def ratio(a, b):
    """How many times ``a`` is ``b``, e.g. ``'3.33x'`` (``a / b``).

    >>> ratio(1388, 692), ratio(10, 10)
    ('2.01x', '1x')
    """
    if b == 0:  # documented ValueError rather than Python's ZeroDivisionError
        raise ValueError(f"ratio: b must not be 0, got a={a!r}, b={b!r}")
    value = a / b
    return f"{value:.3g}x"


def times(value):
    """A factor as text: ``'3.33x'``."""
    return f"{value:.3g}x"


def words(items, conjunction="and"):
    """Items joined as a reader writes them: ``'a, b and c'``.

    >>> words(["1", "2", "3"]), words(["eps"]), words(["a", "b"], "or")
    ('1, 2 and 3', 'eps', 'a or b')
    """
    items = [plain(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def plain(value):
    """``value`` as text for a reader; refuses what would print as a Python repr.

    Strings pass through, integers get separators, reals three significant digits, booleans
    read "yes" / "no". ``None``, dicts, lists, tuples and sets raise TypeError: the caller must
    say in words what is missing or list the items itself.

    >>> plain("erk"), plain(1388), plain(0.25), plain(True)
    ('erk', '1,388', '0.25', 'yes')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Real):
        return number(value)
    raise TypeError(f"no readable form for {type(value).__name__} {value!r}: format it first")


def _nonnegative(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0 \
            or math.isinf(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


@dataclasses.dataclass
class Table:
    """An aligned plain-text table.

    Parameters
    ----------
    headers : sequence of str
        Column titles.
    rows : sequence of sequences
        One cell per column; each goes through :func:`plain` (so ``None`` or a dict is an error).
    align : str, optional
        One letter per column, ``"l"`` or ``"r"``; by default numbers (int, float) align right
        and text left, judged from the first row.
    wrap : dict, optional
        Column index -> the widest that column may be; longer text wraps onto more lines.
    title : str, optional
        A line printed above the table.
    indent : int
        Spaces before every line.
    """

    headers: list
    rows: list
    align: str = ""
    wrap: dict = dataclasses.field(default_factory=dict)
    title: str = ""
    indent: int = 0

    def __post_init__(self):
        self.headers = [plain(h) for h in self.headers]
        self._raw = [list(r) for r in self.rows]
        for r in self._raw:
            if len(r) != len(self.headers):
                raise ValueError(f"a row has {len(r)} cells for {len(self.headers)} columns: {r}")
        self.rows = [[plain(c) for c in r] for r in self._raw]
        if not self.align:
            first = self._raw[0] if self._raw else [""] * len(self.headers)
            self.align = "".join(
                "r" if isinstance(c, numbers.Real) and not isinstance(c, bool) else "l"
                for c in first)
        if len(self.align) != len(self.headers) or set(self.align) - {"l", "r"}:
            raise ValueError(f"align must be one of 'l'/'r' per column, got {self.align!r}")

    def render(self):
        """The table as text, without a trailing newline."""
        cells = [self.headers] + self.rows
        widths = []
        for j in range(len(self.headers)):
            natural = max(len(line) for row in cells for line in row[j].split("\n"))
            widths.append(min(natural, self.wrap[j]) if j in self.wrap else natural)
        pad = " " * self.indent
        lines = [pad + self.title] if self.title else []
        for i, row in enumerate(cells):
            parts = [self._lines(c, widths[j], j in self.wrap) for j, c in enumerate(row)]
            for k in range(max(len(p) for p in parts)):
                out = []
                for j, p in enumerate(parts):
                    text = p[k] if k < len(p) else ""
                    out.append(text.rjust(widths[j]) if self.align[j] == "r" else
                               text.ljust(widths[j]))
                lines.append(pad + "  ".join(out).rstrip())
            if i == 0:
                lines.append(pad + "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    @staticmethod
    def _lines(text, width, wrap):
        if not wrap:
            return text.split("\n")
        out = []
        for para in text.split("\n"):
            out += textwrap.wrap(para, width, break_on_hyphens=False) or [""]
        return out

    def __str__(self):
        return self.render()


def key_values(pairs, indent=2, width=100):
    """Aligned ``label: value`` lines; long values wrap under themselves.

    >>> print(key_values([("eps", 0.01), ("freeze ratio", "0.5 = 0.25 pruned + 0.25 locked")]))
      eps:           0.01
      freeze ratio:  0.5 = 0.25 pruned + 0.25 locked
    """
    pairs = [(plain(k), plain(v)) for k, v in pairs]
    label = max((len(k) for k, _ in pairs), default=0) + 2
    lines = []
    for k, v in pairs:
        head = " " * indent + f"{k}:".ljust(label + 1)
        body = textwrap.wrap(v, max(20, width - len(head)), break_on_hyphens=False) or [""]
        lines.append(head + body[0])
        lines += [" " * len(head) + b for b in body[1:]]
    return "\n".join(lines)


def _jsonable(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _jsonable(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        x = float(obj)
        return x if math.isfinite(x) else None  # JSON has no NaN or infinity
    raise TypeError(f"no JSON form for {type(obj).__name__} {obj!r}")


def to_json(obj, indent=1):
    """Strict JSON text of ``obj`` (keys sorted): tuples become arrays, numpy scalars numbers,
    dataclasses objects, and NaN and infinities null (JSON has neither).

    >>> to_json({"width": 694, "layers": (694,), "loss": float("nan")}, indent=None)
    '{"layers": [694], "loss": null, "width": 694}'
    """
    return json.dumps(_jsonable(obj), indent=indent, sort_keys=True, allow_nan=False)
