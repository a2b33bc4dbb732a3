"""Ticket files: exact round trip, size accounting against the file, refusal of bad files."""

import json
import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from empirical.layers import SupermaskConfig, initialize  # noqa: E402
from empirical.models import build_model, mean_adjacency  # noqa: E402
from empirical.ticket import (FORMAT_VERSION, TicketFormatError, export_dense,  # noqa: E402
                              load_ticket, model_size, read_header, save_ticket)
from slt_theory.errors import InvalidParameterError  # noqa: E402

torch.set_num_threads(1)


def trained(name="mlp", **cfg):
    kwargs = dict(mlp=dict(in_features=12, hidden=[24, 24], out_features=3, batch_norm=True),
                  resnet18=dict(width=0.0625, affine_bn=True),
                  gin=dict(in_features=5, hidden=6, num_classes=3))[name]
    model = initialize(build_model(name, **kwargs),
                       SupermaskConfig(**{"seed": 4, "sparsity": 0.6, **cfg}))
    x = {"mlp": (torch.randn(32, 12),), "resnet18": (torch.randn(4, 3, 32, 32),),
         "gin": (torch.randn(7, 5), mean_adjacency(torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]]), 7))}
    x = x[name]
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.3)
    for _ in range(3):  # moves the scores, statistics and affine parameters away from their init
        opt.zero_grad()
        model(*x).square().mean().backward()
        opt.step()
        from empirical.layers import update_thresholds
        update_thresholds(model)
    return model.eval(), x


@pytest.mark.parametrize("name", ["mlp", "resnet18", "gin"])
@pytest.mark.parametrize("cfg", [dict(), dict(prune_ratio=0.3, lock_ratio=0.2),
                                 dict(prune_ratio=0.5, compact_scores=False, threshold="layer",
                                      allocation="uniform"),
                                 dict(method="weights", prune_ratio=0.4)])
def test_round_trip_gives_identical_outputs(tmp_path, name, cfg):
    model, x = trained(name, **cfg)
    path = tmp_path / "a.ticket"
    size = save_ticket(model, path)
    loaded = load_ticket(path)
    assert torch.equal(model(*x), loaded(*x))
    assert size == os.path.getsize(path)


@pytest.mark.parametrize("cfg", [dict(), dict(prune_ratio=0.3, lock_ratio=0.4),
                                 dict(prune_ratio=0.6), dict(method="weights")])
def test_file_size_is_complete_figure_plus_header(tmp_path, cfg):
    model, _ = trained("resnet18", **cfg)
    path = tmp_path / "a.ticket"
    save_ticket(model, path)
    report = model_size(model)
    header = read_header(path)["header_bytes"]
    assert os.path.getsize(path) == report.complete["frozen_source"] // 8 + header
    assert header < 16 * 1024  # the documented bound for these models


def test_paper_accounting_70_percent_freezing():
    model, _ = trained("mlp", prune_ratio=0.35, lock_ratio=0.35, sparsity=0.5)
    r = model_size(model)
    assert r.n_free == r.n_weights - r.n_pruned - r.n_locked
    assert r.ratio("dense_source", "frozen_source") == pytest.approx(1 / 0.3, rel=0.01)
    assert r.ratio("dense_weights", "dense_source") == 32
    assert r.mask_only["randomly_pruned_source"] == r.n_weights - r.n_pruned


def test_export_dense_is_plain_torch(tmp_path):
    model, x = trained("resnet18", prune_ratio=0.2, lock_ratio=0.2)
    plain = export_dense(model)
    assert isinstance(plain, torch.fx.GraphModule)
    assert not any(type(m).__module__.startswith("empirical") for m in plain.modules())
    assert torch.allclose(plain(*x), model(*x), atol=1e-5)


def corrupt(path, how):
    data = bytearray(path.read_bytes())
    if how == "truncated":
        data = data[:-5]
    elif how == "flipped":
        data[len(data) // 2] ^= 0x10
    elif how == "newer":
        data[8:12] = (FORMAT_VERSION + 1).to_bytes(4, "little")
    elif how == "magic":
        data[0:4] = b"PK\x03\x04"
    elif how == "empty":
        data = b""
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how, match", [("truncated", "truncated or corrupted"),
                                        ("flipped", "checksum"), ("newer", "newer"),
                                        ("magic", "not a frozen-slt ticket"), ("empty", "short")])
def test_bad_files_are_refused(tmp_path, how, match):
    model, _ = trained("mlp")
    path = tmp_path / "a.ticket"
    save_ticket(model, path)
    corrupt(path, how)
    with pytest.raises(TicketFormatError, match=match):
        load_ticket(path)
    assert issubclass(TicketFormatError, InvalidParameterError)


def test_save_is_atomic_and_leaves_no_temporaries(tmp_path):
    model, _ = trained("mlp")
    save_ticket(model, tmp_path / "a.ticket")
    save_ticket(model, tmp_path / "a.ticket")
    assert os.listdir(tmp_path) == ["a.ticket"]


def test_plain_module_is_refused(tmp_path):
    with pytest.raises(InvalidParameterError, match="build_model"):
        save_ticket(torch.nn.Linear(2, 2), tmp_path / "x")


def test_entropy_bound_is_at_most_one_bit_per_free_weight():
    model, _ = trained("mlp", prune_ratio=0.3, lock_ratio=0.2, sparsity=0.6)
    r = model_size(model)
    # FREE weights: 50%; kept among them: (0.4 - 0.2) / 0.5 = 40%, so H2(0.4) = 0.971 bits each
    assert r.mask_entropy_bits == pytest.approx(r.n_free * 0.970950594, rel=1e-2)
    assert r.mask_entropy_bits <= r.mask_only["frozen_source"]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**31), st.floats(0.1, 0.9), st.floats(0, 1), st.floats(0, 1),
       st.sampled_from(["uniform", "erk", "epl", "igq"]), st.sampled_from(["global", "layer"]),
       st.sampled_from(["uniform", "kaiming_uniform", "kaiming_normal", "signed_kaiming_constant"]),
       st.booleans())
def test_round_trip_for_any_config(tmp_path_factory, seed, sparsity, a, b, allocation, threshold,
                                   weight_init, compact):
    from empirical.init import InitSpec
    prune, lock = sparsity * a * 0.9, (1 - sparsity) * b * 0.9
    if threshold == "layer":
        allocation = "uniform"  # other allocations may make a layer-wise sparsity unreachable
    model = initialize(build_model("mlp", in_features=7, hidden=[11, 5], out_features=3),
                       SupermaskConfig(seed=seed, sparsity=sparsity, prune_ratio=prune,
                                       lock_ratio=lock, allocation=allocation,
                                       threshold=threshold, compact_scores=compact,
                                       init=InitSpec(weight_init))).eval()
    path = tmp_path_factory.mktemp("t") / "a.ticket"
    save_ticket(model, path)
    x = torch.randn(4, 7)
    assert torch.equal(load_ticket(path)(x), model(x))
    assert os.path.getsize(path) == (model_size(model).complete["frozen_source"] // 8
                                     + read_header(path)["header_bytes"])


def test_consistent_file_with_a_wrong_tensor_table_is_refused(tmp_path):
    # A checksum only proves the bytes are as written; the header must also fit the model.
    import hashlib
    import json
    import struct
    model, _ = trained("mlp")
    path = tmp_path / "a.ticket"
    save_ticket(model, path)
    data = path.read_bytes()
    magic, version, hlen = struct.unpack_from("<8sII", data)
    header = json.loads(data[16:16 + hlen])
    dropped = header["tensors"].pop()
    body = json.dumps(header).encode()
    size = math.prod(dropped["shape"]) * int(dropped["dtype"][2:])
    payload = data[16 + hlen:-32 - size]
    blob = struct.pack("<8sII", magic, version, len(body)) + body + payload
    path.write_bytes(blob + hashlib.sha256(blob).digest())
    with pytest.raises(TicketFormatError, match="do not match"):
        load_ticket(path)


@pytest.mark.parametrize("cfg", [dict(sparsity=0.9), dict(sparsity=0.95, prune_ratio=0.5),
                                 dict(sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2)])
def test_entropy_coded_ticket(tmp_path, cfg):
    model, x = trained("resnet18", **cfg)
    raw, coded = tmp_path / "raw.ticket", tmp_path / "coded.ticket"
    save_ticket(model, raw)
    save_ticket(model, coded, entropy_code=True)
    assert torch.equal(load_ticket(coded)(*x), model(*x))
    r = model_size(model)
    # Golomb-Rice on geometric gaps: within 5% of the entropy bound, never above 1 bit a weight
    assert r.coded_mask_bits <= max(1.05 * r.mask_entropy_bits, 8)
    assert r.coded_mask_bits <= r.mask_only["frozen_source"]
    stored = r.stored_tensor_bits // 8
    header = read_header(coded)["header_bytes"]
    assert os.path.getsize(coded) == -(-r.coded_mask_bits // 8) + stored + header
    if cfg.get("sparsity") == 0.9:  # kept share 10% among FREE weights: about 0.47 bits each
        assert os.path.getsize(coded) < 0.6 * os.path.getsize(raw) + header


def test_entropy_codec_round_trips_any_bits():
    import numpy as np

    from empirical.ticket import _rice_decode, _rice_encode
    rng = np.random.default_rng(0)
    for n in (0, 1, 7, 100, 5000):
        for q in (0.0, 0.01, 0.3, 0.5, 0.97, 1.0):
            bits = (rng.random(n) < q).astype(np.uint8)
            coded, meta = _rice_encode(bits)
            assert np.array_equal(_rice_decode(coded, meta, n), bits)


# --------------------------------------------------------------------------- crafted headers

def _peak_growth(fn):
    """(result or exception, growth of the peak resident memory during fn() in bytes); the
    growth is None where /proc/self/clear_refs cannot reset the peak (not Linux)."""
    def status(key):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024

    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM, the peak resident set size, to the current one
        before = status("VmRSS")
    except OSError:
        before = None
    try:
        out = fn()
    except Exception as err:  # noqa: BLE001 - the caller asserts on the type
        out = err
    return out, None if before is None else status("VmHWM") - before


def _split(path):
    import struct
    data = path.read_bytes()
    magic, version, hlen = struct.unpack_from("<8sII", data)
    return json.loads(data[16:16 + hlen]), data[16 + hlen:-32]


def _craft(path, header_text, payload):
    """A ticket with this header text and payload and a *valid* checksum."""
    import hashlib
    import struct
    body = header_text if isinstance(header_text, bytes) else header_text.encode()
    blob = struct.pack("<8sII", b"FSLTKT\r\n", FORMAT_VERSION, len(body)) + body + payload
    path.write_bytes(blob + hashlib.sha256(blob).digest())
    return path


@pytest.fixture(scope="module")
def valid_ticket(tmp_path_factory):
    model, x = trained("mlp", prune_ratio=0.3, lock_ratio=0.2)
    path = tmp_path_factory.mktemp("valid") / "a.ticket"
    save_ticket(model, path)
    coded = path.with_name("coded.ticket")
    save_ticket(initialize(build_model("mlp", in_features=12, hidden=[24, 24], out_features=3),
                           SupermaskConfig(seed=1, sparsity=0.95, prune_ratio=0.5)), coded,
                entropy_code=True)
    return path, coded


# Each of these made the loader of issue 12 crash with a non-format error, or allocate tens of GB.
CRAFTED = {
    "hidden 40 GB": lambda h: h["arch"]["args"].update(hidden=[10**9, 10**9]),
    "n_free_bits 931 GiB": lambda h: h.update(n_free_bits=8 * 10**12),
    "rice n_free_bits": lambda h: (h.update(n_free_bits=8 * 10**12),
                                   h.update(mask={"coding": "rice", "k": 3, "minority": 1,
                                                  "count": 0, "unary_bits": 0})),
    "big-endian tensor": lambda h: h["tensors"][0].update(dtype=">f4"),
    "object dtype": lambda h: h["tensors"][0].update(dtype="O"),
    "header is a list": lambda h: h.clear(),
    "mask is a string": lambda h: h.update(mask="raw"),
    "rice without k": lambda h: h.update(mask={"coding": "rice", "count": 1}),
    "rice k huge": lambda h: h.update(mask={"coding": "rice", "k": 10**6, "minority": 0,
                                            "count": 1, "unary_bits": 1}),
    "negative shape": lambda h: h["tensors"][0].update(shape=[-1, -24]),
    "shape of floats": lambda h: h["tensors"][0].update(shape=[1.5]),
    "huge shape": lambda h: h["tensors"][0].update(shape=[2**62, 2**62]),
    "tensors missing": lambda h: h.pop("tensors"),
    "tensor without name": lambda h: h["tensors"][0].pop("name"),
    "arch unknown": lambda h: h["arch"].update(name="transformer"),
    "arch args list": lambda h: h["arch"].update(args=[1, 2]),
    "gin a million layers": lambda h: h.update(arch={"name": "gin",
                                                     "args": {"num_layers": 10**6}}),
    "width 1e300": lambda h: h["arch"]["args"].update(width=1e300),
    "supermask unknown key": lambda h: h["supermask"].update(eval="__import__('os')"),
    "sparsity a string": lambda h: h["supermask"].update(sparsity="0.5"),
    "seed a bool": lambda h: h["supermask"].update(seed=True),
    "init not a dict": lambda h: h["supermask"].update(init=[1]),
    "n_free_bits negative": lambda h: h.update(n_free_bits=-8),
    "n_free_bits a float": lambda h: h.update(n_free_bits=1e300),
    "duplicate tensor": lambda h: h["tensors"].append(dict(h["tensors"][0])),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_header_is_a_format_error_and_allocates_nothing(tmp_path, valid_ticket, name):
    header, payload = _split(valid_ticket[0])
    if name == "header is a list":
        text = "[1, 2, 3]"
    else:
        CRAFTED[name](header)
        text = json.dumps(header)
    path = _craft(tmp_path / "c.ticket", text, payload)
    out, growth = _peak_growth(lambda: load_ticket(path))
    assert isinstance(out, TicketFormatError), repr(out)
    assert str(path) in str(out)
    assert growth is None or growth < 200 * 2**20, growth


@pytest.mark.parametrize("text", ['{"arch": Infinity}', '{"n_free_bits": NaN}',
                                  "[" * 100_000 + "]" * 100_000, '{"a": 1', "\xff\xfe",
                                  '"just a string"', "null"])
def test_unparsable_headers_are_format_errors(tmp_path, valid_ticket, text):
    _, payload = _split(valid_ticket[0])
    path = _craft(tmp_path / "c.ticket", text.encode("latin-1"), payload)
    with pytest.raises(TicketFormatError):
        load_ticket(path)
    with pytest.raises(TicketFormatError):
        read_header(path)


def test_header_longer_than_the_file_is_a_format_error(tmp_path, valid_ticket):
    import hashlib
    import struct
    data = bytearray(valid_ticket[0].read_bytes())
    struct.pack_into("<I", data, 12, 2**31)
    data[-32:] = hashlib.sha256(bytes(data[:-32])).digest()
    (tmp_path / "c.ticket").write_bytes(bytes(data))
    with pytest.raises(TicketFormatError, match="header length"):
        load_ticket(tmp_path / "c.ticket")


def test_the_weight_cap_is_documented_and_can_be_raised(valid_ticket):
    from empirical.ticket import MAX_WEIGHTS
    with pytest.raises(TicketFormatError, match="MAX_WEIGHTS"):
        load_ticket(valid_ticket[0], max_weights=100)
    assert MAX_WEIGHTS == 2**27 and load_ticket(valid_ticket[0], max_weights=10**6) is not None
    with pytest.raises(InvalidParameterError, match="map_location"):
        load_ticket(valid_ticket[0], map_location=3)


def _json_values():
    leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
                     st.sampled_from([0, 1, -1, 2**31, 2**63, 10**12, 1e308, ">f4", "raw",
                                      "rice", "mlp", "gin", "<f4"]))
    return st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
        max_leaves=12)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_fuzzed_headers_only_ever_raise_ticket_format_error(tmp_path_factory, valid_ticket, data):
    """A valid header with up to three fields replaced, deleted or added (hypothesis), a valid
    checksum and the original or a cut payload: the loader loads it or raises TicketFormatError,
    and never grows its peak memory by more than 200 MB."""
    source = data.draw(st.sampled_from(valid_ticket))
    header, payload = _split(source)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(header) if p]
        path = data.draw(st.sampled_from(paths))
        parent = header
        for k in path[:-1]:
            parent = parent[k]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = data.draw(_json_values())
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.text(max_size=6))] = data.draw(_json_values())
        else:
            parent.append(data.draw(_json_values()))
    if data.draw(st.booleans()):
        payload = payload[: data.draw(st.integers(0, len(payload)))]
    path = _craft(tmp_path_factory.mktemp("f") / "c.ticket", json.dumps(header), payload)
    out, growth = _peak_growth(lambda: load_ticket(path))
    assert isinstance(out, (TicketFormatError, torch.nn.Module)), repr(out)
    assert growth is None or growth < 200 * 2**20, growth


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(data=st.data())
def test_fuzzed_headers_long(tmp_path_factory, valid_ticket, data):
    """The same fuzz, longer (slow tier)."""
    test_fuzzed_headers_only_ever_raise_ticket_format_error.hypothesis.inner_test(
        tmp_path_factory, valid_ticket, data)


def test_header_field_types_come_from_the_dataclasses():
    """A field added to SupermaskConfig needs no change to the loader: its JSON type is read
    from the annotation (tuples as lists), and a field of another annotation is left to the
    config's own checks."""
    import dataclasses

    from empirical.ticket import _json_fields

    @dataclasses.dataclass
    class Config:
        a: int = 0
        b: float = 0.0
        c: tuple = ()
        d: "Unusual" = None  # noqa: F821 - an annotation the loader does not know

    assert _json_fields(Config) == {"a": int, "b": float, "c": list, "d": None}
    assert set(_json_fields(SupermaskConfig)) == {f.name for f in
                                                  dataclasses.fields(SupermaskConfig)}


def test_rice_mask_longer_than_raw_is_refused(tmp_path, valid_ticket):
    header, payload = _split(valid_ticket[1])
    assert header["mask"]["coding"] == "rice"
    header["mask"]["unary_bits"] = header["n_free_bits"]  # coded >= raw: never written
    path = _craft(tmp_path / "c.ticket", json.dumps(header), payload)
    with pytest.raises(TicketFormatError, match="shorter than n_free_bits"):
        load_ticket(path)
