"""Compact ticket files, their size accounting, and export to plain PyTorch.

A ticket in a partially frozen source is fully described by the source's seeds and init spec
(which regenerate every weight and the freeze pattern), one bit per FREE weight (kept or not),
and the few trained tensors that are not regenerated (batch-norm running statistics, affine
batch-norm parameters, trained weights of a weight-trained model). :func:`save_ticket` writes
exactly that; the byte layout is specified in ``docs/ticket-format.md``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import struct

import numpy as np
import torch
from torch import nn

from slt_theory._validate import integer
from slt_theory._validate import path as _path
from slt_theory.errors import InvalidParameterError
from slt_theory.runs.provenance import write_bytes_atomic

from .freezing import FreezeState
from .layers import SupermaskConfig, initialize, supermask_layers
from .models import build_model

__all__ = ["TicketFormatError", "save_ticket", "load_ticket", "read_header", "export_dense",
           "model_size", "SizeReport", "FORMAT_VERSION", "MAGIC", "MAX_WEIGHTS", "MAX_LAYERS",
           "MAX_HEADER_BYTES", "TENSOR_DTYPES"]

MAGIC = b"FSLTKT\r\n"  # \r\n catches files mangled by text-mode transfers (as PNG does)
FORMAT_VERSION = 1
_PREFIX = struct.Struct("<8sII")  # magic, format version, header length
_DIGEST = 32  # sha256
_LAYER_OWNED = ("freeze_state", "scores", "threshold")


class TicketFormatError(InvalidParameterError):
    """A ticket file is truncated, corrupted, of a newer format version, or not a ticket."""


def _stored_tensors(model: nn.Module) -> dict[str, torch.Tensor]:
    """State-dict entries that seeds do not regenerate, in state-dict order."""
    skip = set()
    for name, layer in supermask_layers(model):
        prefix = f"{name}." if name else ""
        skip.update(prefix + k for k in _LAYER_OWNED)
        if not layer.train_weights:
            skip.add(prefix + "weight")
    return {k: v for k, v in model.state_dict().items() if k not in skip}


def _free_bits(model: nn.Module) -> np.ndarray:
    """Kept (1) / dropped (0) of every FREE weight, layers in order, flattened C order."""
    parts = [m.free_kept().cpu().numpy() for _, m in supermask_layers(model) if not m.train_weights]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _check_module(model):
    if not isinstance(model, nn.Module):
        raise InvalidParameterError(f"model must be a torch.nn.Module, got {model!r}")


def _check_model(model):
    if not hasattr(model, "arch") or not hasattr(model, "supermask_config"):
        raise InvalidParameterError(
            "model must come from empirical.build_model and empirical.initialize (it needs "
            "model.arch and model.supermask_config)")


def _rice_encode(bits: np.ndarray) -> tuple[np.ndarray, dict]:
    """Golomb-Rice code of the gaps between minority bits, as two streams (unary quotients, then
    fixed-width remainders) so that both directions are vectorised. Returns the coded bits and
    the header fields needed to decode them."""
    n = int(bits.size)
    minority = 1 if 2 * int(bits.sum()) <= n else 0
    pos = np.flatnonzero(bits == minority)
    gaps = np.diff(np.concatenate([[-1], pos])) - 1  # majority bits before each minority bit
    m = int(pos.size)
    # Best Rice parameter by direct count: sum(q) + m unary bits plus k bits per remainder.
    k = min(range(0, 32), key=lambda k: int((gaps >> k).sum()) + m * (k + 1))
    q = gaps >> k
    unary = np.ones(int(q.sum()) + m, dtype=np.uint8)
    unary[np.cumsum(q + 1) - 1] = 0
    rem = ((gaps[:, None] >> np.arange(k - 1, -1, -1)) & 1).astype(np.uint8).ravel()
    meta = {"coding": "rice", "k": int(k), "minority": minority, "count": m,
            "unary_bits": int(unary.size)}
    return np.concatenate([unary, rem]), meta


def _rice_decode(coded: np.ndarray, meta: dict, n: int, path="ticket") -> np.ndarray:
    k, m, u = int(meta["k"]), int(meta["count"]), int(meta["unary_bits"])
    zeros = np.flatnonzero(coded[:u] == 0)
    # m quotients, each ending in a zero: exactly m zeros and the last bit of the stream one of them
    if (zeros.size != m or coded.size != u + m * k
            or (m and zeros[-1] != u - 1) or (not m and u)):
        raise TicketFormatError(f"{path}: entropy-coded mask does not match its header")
    q = np.diff(np.concatenate([[-1], zeros])) - 1
    r = (coded[u:].reshape(m, k).astype(np.int64) << np.arange(k - 1, -1, -1)).sum(1)
    pos = np.cumsum(((q << k) | r) + 1) - 1
    if m and pos[-1] >= n:
        raise TicketFormatError(f"{path}: entropy-coded mask points past the free weights")
    out = np.full(n, 1 - int(meta["minority"]), dtype=np.uint8)
    out[pos] = int(meta["minority"])
    return out


def _mask_section(bits: np.ndarray, entropy_code: bool) -> tuple[np.ndarray, dict]:
    """The mask bits as stored, raw or Rice-coded (only when that is smaller)."""
    raw = bits.astype(np.uint8)
    if entropy_code and raw.size:
        coded, meta = _rice_encode(raw)
        if coded.size < raw.size:
            return coded, meta
    return raw, {"coding": "raw"}


def save_ticket(model: nn.Module, path, entropy_code: bool = False) -> int:
    """Write ``model``'s ticket to ``path`` atomically; returns the file size in bytes.

    Layout (little-endian; see docs/ticket-format.md): magic, format version, header length,
    JSON header, packed mask bits of FREE weights (``np.packbits``, big bit order), raw stored
    tensors, sha256 of all preceding bytes.

    Parameters
    ----------
    model : torch.nn.Module
        Built by :func:`empirical.build_model` and drawn by :func:`empirical.initialize`.
    path : str or os.PathLike
        Destination; written to a temporary file in the same folder, then renamed.
    entropy_code : bool
        Golomb-Rice code the mask (gaps between minority bits) when that is smaller than one
        bit per FREE weight; close to ``n_free * H2(kept share)`` when the share is far from 1/2.

    Returns
    -------
    int
        Bytes written.

    Examples
    --------
    >>> import os, tempfile
    >>> from empirical import SupermaskConfig, build_model, initialize
    >>> model = initialize(build_model("mlp", in_features=4, hidden=[8], out_features=2),
    ...                    SupermaskConfig(sparsity=0.5, prune_ratio=0.2, lock_ratio=0.2)).eval()
    >>> path = os.path.join(tempfile.mkdtemp(), "a.fslt")
    >>> n_bytes = save_ticket(model, path)
    >>> x = torch.randn(3, 4)
    >>> bool(torch.equal(load_ticket(path)(x), model(x)))
    True
    """
    _check_model(model)
    path = _path("path", path)
    if not isinstance(entropy_code, (bool, np.bool_)):
        raise InvalidParameterError(f"entropy_code must be True or False, got {entropy_code!r}")
    if os.path.isdir(path):
        raise InvalidParameterError(f"path must be a file, but {path!r} is a folder")
    bits = _free_bits(model)
    stored_bits, mask_meta = _mask_section(bits, entropy_code)
    tensors = _stored_tensors(model)
    blobs, entries = [], []
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        entries.append({"name": name, "dtype": a.dtype.str, "shape": list(a.shape)})
        blobs.append(a.tobytes())
    header = {
        "arch": model.arch,
        "supermask": model.supermask_config.to_json(),
        "n_free_bits": int(bits.size),
        "mask": mask_meta,
        "tensors": entries,
        "library": "frozen-slt",
    }
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    body = [_PREFIX.pack(MAGIC, FORMAT_VERSION, len(header_bytes)), header_bytes,
            np.packbits(stored_bits).tobytes(), *blobs]
    digest = hashlib.sha256()
    for b in body:
        digest.update(b)
    write_bytes_atomic(path, body + [digest.digest()])
    return os.path.getsize(path)


#: Most weights (entries of the supermask layers) a ticket's architecture may have: 2^27, about
#: 5 ResNet-50s. Loading regenerates the whole source (about 30 bytes per weight while drawing),
#: so a crafted header could otherwise ask for any amount of memory. ``load_ticket(...,
#: max_weights=...)`` raises it for a genuinely larger model.
MAX_WEIGHTS = 2**27
#: Most weight layers: len(hidden) + 1 for "mlp", num_layers for "gin" (the others are fixed).
MAX_LAYERS = 512
#: Longest JSON header: real ones are a few KiB (about 65 bytes per stored tensor).
MAX_HEADER_BYTES = 2**20
#: NumPy dtype strings a stored tensor may have: little-endian (or byte-sized) numbers only.
TENSOR_DTYPES = ("<f2", "<f4", "<f8", "|i1", "|u1", "<i2", "<i4", "<i8", "|b1")
_RICE_K_MAX = 32  # the writer tries k in 0..31
_ARCH_LIST_MAX = MAX_LAYERS


def _json_fields(cls):
    """Field name -> the JSON type a header must hold for it, read from the dataclass itself
    (so that a field added to SupermaskConfig or InitSpec is accepted without editing this
    file); None where the annotation names no plain type (its own checks then decide)."""
    kinds = {"int": int, "float": float, "str": str, "bool": bool, "InitSpec": dict,
             "tuple": list, "list": list}
    return {f.name: kinds.get(f.type if isinstance(f.type, str) else f.type.__name__)
            for f in dataclasses.fields(cls)}


def _scalar(v):
    return v is None or isinstance(v, (bool, int, float, str))


def _short_list(v):
    # per-layer lists (e.g. densities): at most one entry per layer, of JSON scalars
    return isinstance(v, list) and len(v) <= MAX_LAYERS and all(map(_scalar, v))


def _fail(path, message):
    return TicketFormatError(f"{path}: {message}")


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _max_file_bytes(max_weights):
    # mask bits at one per weight, plus every weight stored as float64 (the largest dtype) and
    # batch-norm statistics, plus the header: no ticket of at most max_weights weights is larger
    return _PREFIX.size + MAX_HEADER_BYTES + _DIGEST + max_weights // 8 + 9 * max_weights + 2**24


def _read(path, max_weights=MAX_WEIGHTS):
    """The bytes of a ticket, its parsed and schema-checked header and where the header ends."""
    path = _path("path", path)
    size = os.path.getsize(path)  # OSError (missing file, ...) propagates as it is
    if size > _max_file_bytes(max_weights):
        raise _fail(path, f"{size:,} bytes is larger than any ticket of at most {max_weights:,} "
                          "weights (MAX_WEIGHTS); not a ticket, or raise max_weights")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < _PREFIX.size + _DIGEST:
        raise _fail(path, f"{len(data)} bytes is too short for a ticket (truncated?)")
    magic, version, hlen = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise _fail(path, f"not a frozen-slt ticket (magic {magic!r})")
    if version > FORMAT_VERSION:
        raise _fail(path, f"format version {version} is newer than this library reads "
                          f"(<= {FORMAT_VERSION}); upgrade frozen-slt")
    if version < 1:
        raise _fail(path, f"invalid format version {version}")
    if hashlib.sha256(data[:-_DIGEST]).digest() != data[-_DIGEST:]:
        raise _fail(path, "checksum mismatch: the file is truncated or corrupted")
    if hlen > MAX_HEADER_BYTES:
        raise _fail(path, f"header length {hlen:,} exceeds MAX_HEADER_BYTES = {MAX_HEADER_BYTES:,}")
    if _PREFIX.size + hlen > len(data) - _DIGEST:
        raise _fail(path, f"header length {hlen:,} runs past the end of the file")
    try:
        header = json.loads(data[_PREFIX.size:_PREFIX.size + hlen].decode("utf-8"),
                            parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise _fail(path, f"unreadable header: {err}") from None
    _check_header(path, header)
    return data, header, _PREFIX.size + hlen


def _check_header(path, header):
    """Types and ranges of every header field (docs/ticket-format.md, "What the loader checks")."""
    if not isinstance(header, dict):
        raise _fail(path, "the header must be a JSON object")
    for field in ("arch", "supermask", "n_free_bits", "tensors"):
        if field not in header:
            raise _fail(path, f"header misses the field {field!r}")
    arch = header["arch"]
    if (not isinstance(arch, dict) or not isinstance(arch.get("name"), str)
            or not isinstance(arch.get("args"), dict)):
        raise _fail(path, "arch must be an object with a string 'name' and an object 'args'")
    for k, v in arch["args"].items():
        items = v if isinstance(v, list) else [v]
        if isinstance(v, list) and len(v) > _ARCH_LIST_MAX:
            raise _fail(path, f"arch.args.{k} lists {len(v):,} values (at most {_ARCH_LIST_MAX})")
        for item in items:
            if not (item is None or isinstance(item, (bool, str)) or _is_number(item)):
                raise _fail(path, f"arch.args.{k} must hold numbers, strings or booleans")
            if isinstance(item, str) and len(item) > 64:
                raise _fail(path, f"arch.args.{k} holds a string of {len(item):,} characters")
    sm = header["supermask"]
    if not isinstance(sm, dict) or not isinstance(sm.get("init", {}), dict):
        raise _fail(path, "supermask must be an object (with an object 'init')")
    from .init import InitSpec

    for fields, where in ((_json_fields(SupermaskConfig), sm),
                          (_json_fields(InitSpec), sm.get("init", {}))):
        for k, v in where.items():
            if k not in fields:
                raise _fail(path, f"unknown supermask field {k!r}")
            want = fields[k]
            if want is None:  # no plain type to check: judged by the config itself
                ok, what = _scalar(v) or _short_list(v), "scalar or a short list of them"
            else:
                ok = (_is_int(v) if want is int else _is_number(v) if want is float
                      else _short_list(v) if want is list else isinstance(v, want))
                what = {int: "integer", float: "number", str: "string", bool: "boolean",
                        dict: "object", list: f"list of at most {MAX_LAYERS} scalars"}[want]
            if not ok:
                raise _fail(path, f"supermask field {k!r} must be a JSON {what}, got {v!r}")
    n_bits = header["n_free_bits"]
    if not _is_int(n_bits) or n_bits < 0:
        raise _fail(path, f"n_free_bits must be an integer >= 0, got {n_bits!r}")
    mask = header.get("mask", {"coding": "raw"})
    if not isinstance(mask, dict) or mask.get("coding") not in ("raw", "rice"):
        coding = mask.get("coding") if isinstance(mask, dict) else mask
        raise _fail(path, f"unknown mask coding {coding!r}")
    if mask["coding"] == "rice":
        for k in ("k", "minority", "count", "unary_bits"):
            if not _is_int(mask.get(k)) or mask[k] < 0:
                raise _fail(path, f"mask field {k!r} must be an integer >= 0, got {mask.get(k)!r}")
        if mask["k"] > _RICE_K_MAX or mask["minority"] not in (0, 1):
            raise _fail(path, f"mask k must be <= {_RICE_K_MAX} and minority 0 or 1")
        count, unary = mask["count"], mask["unary_bits"]
        if count > n_bits or not count <= unary <= n_bits + count:
            raise _fail(path, "mask count and unary_bits do not fit n_free_bits")
        if unary + count * mask["k"] >= max(n_bits, 1):  # the writer codes only when smaller
            raise _fail(path, "a Rice-coded mask must be shorter than n_free_bits raw bits")
    tensors = header["tensors"]
    if not isinstance(tensors, list):
        raise _fail(path, "tensors must be a list")
    names = set()
    for i, e in enumerate(tensors):
        if (not isinstance(e, dict) or not isinstance(e.get("name"), str)
                or not isinstance(e.get("shape"), list) or len(e["shape"]) > 8
                or not all(_is_int(d) and d >= 0 for d in e["shape"])):
            raise _fail(path, f"tensors[{i}] must have a string name and a shape of at most 8 "
                              "integers >= 0")
        if e.get("dtype") not in TENSOR_DTYPES:
            raise _fail(path, f"tensors[{i}] has dtype {e.get('dtype')!r}; allowed: "
                              f"{', '.join(TENSOR_DTYPES)} (little-endian)")
        if e["name"] in names:
            raise _fail(path, f"tensor {e['name']!r} is listed twice")
        names.add(e["name"])


def read_header(path) -> dict:
    """The JSON header of a ticket, plus ``"header_bytes"``: the bytes that are neither mask bits
    nor stored tensors (prefix, JSON and checksum). Raises TicketFormatError as load_ticket does
    for the prefix, checksum and header checks (docs/ticket-format.md)."""
    data, header, start = _read(path)
    header["header_bytes"] = start + _DIGEST
    return header


def _plan(path, header, max_weights):
    """Check the header against its architecture before anything of its size is allocated:
    depth, weights, FREE count (= n_free_bits), stored tensors and payload length. Returns the
    (name, args), config and expected payload bytes."""
    name, args = header["arch"]["name"], dict(header["arch"]["args"])
    depth = len(args["hidden"]) + 1 if name == "mlp" and isinstance(args.get("hidden"), list) \
        else args.get("num_layers") if name == "gin" else None
    if depth is not None and _is_int(depth) and depth > MAX_LAYERS:
        raise _fail(path, f"architecture {name!r} with {depth:,} layers (at most {MAX_LAYERS})")
    for k, v in args.items():
        for item in (v if isinstance(v, list) else [v]):
            if _is_number(item) and abs(item) > max_weights:
                raise _fail(path, f"arch.args.{k} = {item!r} exceeds MAX_WEIGHTS = {max_weights:,}")
    try:
        with torch.device("meta"):  # shapes only: nothing of the architecture's size is allocated
            skeleton = build_model(name, **args)
        config = SupermaskConfig(**header["supermask"])
        layers = supermask_layers(skeleton)
        n_weights = sum(m.numel for _, m in layers)
        if n_weights > max_weights:
            raise _fail(path, f"the architecture has {n_weights:,} weights, more than MAX_WEIGHTS "
                              f"= {max_weights:,} (raise max_weights for a larger model)")
        state = skeleton.state_dict()
    except TicketFormatError:
        raise
    except InvalidParameterError as err:
        raise _fail(path, f"header describes no valid source: {err}") from None
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, AttributeError,
            RecursionError, RuntimeError) as err:
        raise _fail(path, f"header describes no valid source: {type(err).__name__}: "
                          f"{str(err).splitlines()[0] if str(err) else ''}") from None
    weights = config.method == "weights"
    # The exact FREE count comes from the freeze counts that initialize draws (allocation, lock
    # method, oracle densities); before allocating, the mask may not exceed the weights (0 for
    # a weight-trained model); after initialize, load_ticket checks the exact count.
    if header["n_free_bits"] > (0 if weights else n_weights):
        raise _fail(path, f"{header['n_free_bits']:,} mask bits but the source has only "
                          f"{0 if weights else n_weights:,} weights that could be free")
    skip = set()
    for lname, _ in layers:
        prefix = f"{lname}." if lname else ""
        skip.update(prefix + k for k in _LAYER_OWNED)
        if not weights:
            skip.add(prefix + "weight")
    expected = {k: v for k, v in state.items() if k not in skip}
    listed = {e["name"]: e for e in header["tensors"]}
    if set(listed) != set(expected):
        raise _fail(path, f"tensors do not match the architecture (missing "
                          f"{sorted(set(expected) - set(listed))}, unexpected "
                          f"{sorted(set(listed) - set(expected))})")
    tensor_bytes = 0
    for k, t in expected.items():
        e = listed[k]
        want = np.dtype(str(t.dtype).replace("torch.", "")).newbyteorder("<").str
        if list(t.shape) != e["shape"] or np.dtype(e["dtype"]).str != want:
            raise _fail(path, f"tensor {k!r} is {e['dtype']} {e['shape']}; the architecture has "
                              f"{want} {list(t.shape)}")
        tensor_bytes += math.prod(e["shape"]) * np.dtype(e["dtype"]).itemsize
    mask = header.get("mask", {"coding": "raw"})
    n_stored = (header["n_free_bits"] if mask["coding"] == "raw"
                else mask["unary_bits"] + mask["count"] * mask["k"])
    return config, math.ceil(n_stored / 8), n_stored, tensor_bytes


def load_ticket(path, map_location="cpu", max_weights=MAX_WEIGHTS) -> nn.Module:
    """Rebuild the model saved by :func:`save_ticket`; its outputs equal the saved model's.

    Every check of docs/ticket-format.md ("What the loader checks") runs before anything of the
    architecture's size is allocated; a file that fails one raises TicketFormatError naming it.

    Parameters
    ----------
    path : str or os.PathLike
    map_location : str or torch.device
        Where the returned model lives.
    max_weights : int
        The most source weights accepted (MAX_WEIGHTS = 2^27 by default).

    Raises
    ------
    TicketFormatError
        Not a ticket, truncated, corrupted, of a newer version, or a header that is malformed,
        inconsistent with its payload or its architecture, or past the size limits.
    InvalidParameterError
        A bad ``map_location`` or ``max_weights``.
    OSError
        The file cannot be read (missing, a folder, no permission).
    """
    if not isinstance(map_location, (str, torch.device)):
        raise InvalidParameterError(f"map_location must be a device name, got {map_location!r}")
    try:
        device = torch.device(map_location)
        torch.empty(0, device=device)  # an unknown or absent device fails here, before any work
    except (RuntimeError, ValueError, TypeError, AssertionError) as err:
        raise InvalidParameterError(f"map_location must name an available device, got "
                                    f"{map_location!r}: {err}") from None
    max_weights = integer("max_weights", max_weights, minimum=1)
    data, header, offset = _read(path, max_weights)
    path = os.fspath(path)
    config, n_mask, n_stored, tensor_bytes = _plan(path, header, max_weights)
    if offset + n_mask + tensor_bytes != len(data) - _DIGEST:
        raise _fail(path, f"payload length does not match its header "
                          f"({len(data) - _DIGEST - offset:,} bytes, the header accounts for "
                          f"{n_mask + tensor_bytes:,})")
    try:
        model = build_model(header["arch"]["name"], **header["arch"]["args"])
        initialize(model, config)
    except InvalidParameterError as err:
        raise _fail(path, f"header describes no valid source: {err}") from None
    n_bits = header["n_free_bits"]
    n_free = sum(layer.n_free for _, layer in supermask_layers(model) if not layer.train_weights)
    if n_free != n_bits:
        raise _fail(path, f"{n_bits:,} mask bits but the source has {n_free:,} free weights")
    mask_meta = header.get("mask", {"coding": "raw"})
    bits = np.unpackbits(np.frombuffer(data, np.uint8, n_mask, offset), count=n_stored)
    if mask_meta["coding"] == "rice":
        bits = _rice_decode(bits, mask_meta, n_bits, path)
    offset += n_mask
    state = {}
    for e in header["tensors"]:
        dtype = np.dtype(e["dtype"])
        count = math.prod(e["shape"])
        a = np.frombuffer(data, dtype, count, offset).reshape(e["shape"])
        offset += count * dtype.itemsize
        state[e["name"]] = torch.from_numpy(a.astype(dtype.newbyteorder("="))).clone()
    pos = 0
    for _, layer in supermask_layers(model):
        if layer.train_weights:
            continue
        n = layer.n_free
        kept = torch.from_numpy(bits[pos:pos + n].astype(np.float32))
        pos += n
        # Scores 0/1 with threshold 1/2 reproduce the saved mask exactly through the same forward.
        if layer.compact_scores:
            layer.scores.data = kept
        else:
            full = torch.zeros(layer.numel)
            full[layer.freeze_state.flatten() == FreezeState.FREE] = kept
            layer.scores.data = full
        layer.threshold.fill_(0.5)
    try:
        model.load_state_dict(state, strict=False)
    except RuntimeError as err:  # pragma: no cover - shapes were checked by the plan
        raise _fail(path, str(err)) from None
    return model.to(device).eval()


def export_dense(model: nn.Module) -> nn.Module:
    """A plain ``torch.nn`` module computing the same function, with masked weights.

    Supermask layers become ``nn.Linear`` / ``nn.Conv2d`` holding ``weight * mask``; the model is
    then traced with ``torch.fx`` so that no frozen-slt class remains. Where tracing fails the
    copied module (frozen-slt containers around plain layers) is returned.
    """
    import copy

    _check_module(model)
    clone = copy.deepcopy(model)
    for name, layer in supermask_layers(clone):
        parent_name, _, child = name.rpartition(".")
        parent = clone.get_submodule(parent_name) if parent_name else clone
        setattr(parent, child, layer.to_plain())
    for attr in ("arch", "supermask_config"):
        clone.__dict__.pop(attr, None)
    try:
        return torch.fx.symbolic_trace(clone)
    except Exception:  # noqa: BLE001 - any tracing failure falls back to the untraced copy
        return clone


@dataclasses.dataclass(frozen=True)
class SizeReport:
    """Storage of one trained network under five ways of shipping it, in bits.

    ``mask_only`` counts only what encodes the weights (the paper's accounting): 32 bits per
    weight for a weight-trained dense model; one bit per weight for a ticket in a dense source;
    one per unpruned weight in a randomly pruned source with the same prune ratio; one per FREE
    weight in the frozen source. ``complete`` adds what is needed to reproduce outputs: the mask
    padded to whole bytes and every stored tensor (batch-norm statistics, ...). Seeds and
    architecture live in the file header and are not counted here. ``mask_entropy_bits`` is
    ``n_free * H2(kept share among FREE weights)``, the size an ideal entropy coder would reach for
    the frozen-source mask; ``coded_mask_bits`` is what ``save_ticket(..., entropy_code=True)``
    stores for it (Golomb-Rice, or raw when that is not smaller).
    """

    n_weights: int
    n_pruned: int
    n_locked: int
    n_free: int
    stored_tensor_bits: int
    mask_only: dict
    complete: dict
    mask_entropy_bits: float
    coded_mask_bits: int

    def ratio(self, a: str, b: str, kind: str = "mask_only") -> float:
        """How many times smaller ``b`` is than ``a``."""
        d = getattr(self, kind)
        return d[a] / d[b]


def model_size(model: nn.Module) -> SizeReport:
    """Bits a trained model costs, counted from its actual buffers.

    For a model trained with ``method="weights"``, ``"frozen_source"`` and ``"complete"`` describe
    what :func:`save_ticket` writes for it (its trained weights are stored tensors).

    Examples
    --------
    Freezing 70% of the weights (35% pruned, 35% locked) leaves 30% of them FREE, so the ticket
    needs 1 / 0.3 = 3.33 times fewer mask bits than a ticket in the dense source:

    >>> from empirical import SupermaskConfig, build_model, initialize
    >>> model = initialize(build_model("conv6", width=0.25),
    ...                    SupermaskConfig(sparsity=0.5, prune_ratio=0.35, lock_ratio=0.35))
    >>> report = model_size(model)
    >>> report.n_weights, report.mask_only["frozen_source"]
    (142128, 42639)
    >>> round(report.ratio("dense_source", "frozen_source"), 2)
    3.33
    """
    _check_module(model)
    layers = [m for _, m in supermask_layers(model)]
    n = sum(m.numel for m in layers)
    states = [m.freeze_state for m in layers]
    n_pruned = int(sum(int((s == FreezeState.PRUNED).sum()) for s in states))
    n_locked = int(sum(int((s == FreezeState.LOCKED).sum()) for s in states))
    n_free = n - n_pruned - n_locked
    stored = sum(t.numel() * t.element_size() * 8 for t in _stored_tensors(model).values())
    ticket_free = sum(m.n_free for m in layers if not m.train_weights)
    mask_only = {
        "dense_weights": 32 * n,
        "dense_source": n,
        "randomly_pruned_source": n - n_pruned,
        "frozen_source": ticket_free,
    }
    stats = stored - sum(32 * m.numel for m in layers if m.train_weights)

    def pad(bits):
        return 8 * math.ceil(bits / 8)

    complete = {
        "dense_weights": 32 * n + stats,
        "dense_source": pad(n) + stats,
        "randomly_pruned_source": pad(n - n_pruned) + stats,
        "frozen_source": pad(ticket_free) + stored,
    }
    kept = int(_free_bits(model).sum())
    q = kept / ticket_free if ticket_free else 0.0
    h2 = 0.0 if q in (0.0, 1.0) else -(q * math.log2(q) + (1 - q) * math.log2(1 - q))
    coded = _mask_section(_free_bits(model), entropy_code=True)[0].size
    return SizeReport(n, n_pruned, n_locked, n_free, stored, mask_only, complete,
                      ticket_free * h2, int(coded))
