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

from slt_theory.errors import InvalidParameterError
from slt_theory.runs.provenance import write_bytes_atomic

from .freezing import FreezeState
from .layers import SupermaskConfig, initialize, supermask_layers
from .models import build_model

__all__ = ["TicketFormatError", "save_ticket", "load_ticket", "read_header", "export_dense",
           "model_size", "SizeReport", "FORMAT_VERSION", "MAGIC"]

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


def _rice_decode(coded: np.ndarray, meta: dict, n: int) -> np.ndarray:
    k, m, u = int(meta["k"]), int(meta["count"]), int(meta["unary_bits"])
    zeros = np.flatnonzero(coded[:u] == 0)
    if zeros.size != m or coded.size != u + m * k:
        raise TicketFormatError("entropy-coded mask does not match its header")
    q = np.diff(np.concatenate([[-1], zeros])) - 1
    r = (coded[u:].reshape(m, k).astype(np.int64) << np.arange(k - 1, -1, -1)).sum(1)
    pos = np.cumsum(((q << k) | r) + 1) - 1
    if m and pos[-1] >= n:
        raise TicketFormatError("entropy-coded mask points past the free weights")
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


def _read(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < _PREFIX.size + _DIGEST:
        raise TicketFormatError(f"{path}: {len(data)} bytes is too short for a ticket (truncated?)")
    magic, version, hlen = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise TicketFormatError(f"{path}: not a frozen-slt ticket (magic {magic!r})")
    if version > FORMAT_VERSION:
        raise TicketFormatError(
            f"{path}: format version {version} is newer than this library reads "
            f"(<= {FORMAT_VERSION}); upgrade frozen-slt")
    if version < 1:
        raise TicketFormatError(f"{path}: invalid format version {version}")
    if hashlib.sha256(data[:-_DIGEST]).digest() != data[-_DIGEST:]:
        raise TicketFormatError(f"{path}: checksum mismatch: the file is truncated or corrupted")
    try:
        header = json.loads(data[_PREFIX.size:_PREFIX.size + hlen].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise TicketFormatError(f"{path}: unreadable header: {err}") from None
    return data, header, _PREFIX.size + hlen


def read_header(path) -> dict:
    """The JSON header of a ticket, plus ``"header_bytes"``: the bytes that are neither mask bits
    nor stored tensors (prefix, JSON and checksum)."""
    data, header, start = _read(path)
    header["header_bytes"] = start + _DIGEST
    return header


def load_ticket(path, map_location="cpu") -> nn.Module:
    """Rebuild the model saved by :func:`save_ticket`; its outputs equal the saved model's."""
    data, header, offset = _read(path)
    try:
        model = build_model(header["arch"]["name"], **header["arch"]["args"])
        config = SupermaskConfig(**header["supermask"])
    except (KeyError, TypeError) as err:
        raise TicketFormatError(f"{path}: header misses or mangles a field: {err}") from None
    initialize(model, config)
    n_bits = int(header["n_free_bits"])
    mask_meta = header.get("mask", {"coding": "raw"})
    if mask_meta.get("coding") == "raw":
        n_stored = n_bits
    elif mask_meta.get("coding") == "rice":
        n_stored = int(mask_meta["unary_bits"]) + int(mask_meta["count"]) * int(mask_meta["k"])
    else:
        raise TicketFormatError(f"{path}: unknown mask coding {mask_meta.get('coding')!r}")
    n_mask = math.ceil(n_stored / 8)
    if offset + n_mask > len(data) - _DIGEST:
        raise TicketFormatError(f"{path}: mask section runs past the end of the payload")
    bits = np.unpackbits(np.frombuffer(data, np.uint8, n_mask, offset), count=n_stored)
    if mask_meta["coding"] == "rice":
        bits = _rice_decode(bits, mask_meta, n_bits)
    offset += n_mask
    state = {}
    try:
        for e in header["tensors"]:
            dtype = np.dtype(e["dtype"])
            count = math.prod(e["shape"])
            a = np.frombuffer(data, dtype, count, offset).reshape(e["shape"])
            offset += count * dtype.itemsize
            state[e["name"]] = torch.from_numpy(a.astype(dtype.newbyteorder("="))).clone()
    except (KeyError, TypeError, ValueError) as err:
        raise TicketFormatError(f"{path}: tensor table does not match the payload: {err}") from None
    if offset != len(data) - _DIGEST:
        raise TicketFormatError(f"{path}: payload length does not match its header")
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
    if pos != n_bits:
        raise TicketFormatError(f"{path}: {n_bits} mask bits but the source has {pos} free weights")
    expected = set(_stored_tensors(model))
    if set(state) != expected:
        raise TicketFormatError(f"{path}: tensors do not match the architecture (missing "
                                f"{sorted(expected - set(state))}, unexpected "
                                f"{sorted(set(state) - expected)})")
    try:
        model.load_state_dict(state, strict=False)
    except RuntimeError as err:  # shapes that disagree with the architecture
        raise TicketFormatError(f"{path}: {err}") from None
    return model.to(map_location).eval()


def export_dense(model: nn.Module) -> nn.Module:
    """A plain ``torch.nn`` module computing the same function, with masked weights.

    Supermask layers become ``nn.Linear`` / ``nn.Conv2d`` holding ``weight * mask``; the model is
    then traced with ``torch.fx`` so that no frozen-slt class remains. Where tracing fails the
    copied module (frozen-slt containers around plain layers) is returned.
    """
    import copy

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
