"""`slt size`: the meta-device count of a real model against its slow twin (the model built,
drawn and measured by empirical.model_size), the theory mode, human units and no Python repr."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empirical import cli

REPR = re.compile(r"\bNone\b|[\[(]'|\{'|\[\d+(, \d+)+\]")


def _run(capsys, *argv):
    rc = cli.main(["size", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_theory_mode_is_ticket_size(capsys):
    from slt_theory import ticket_size

    rc, out, _ = _run(capsys, "--eps", "0.05", "--freeze-ratio", "0.6", "--json")
    assert rc == 0
    data = json.loads(out)
    s = ticket_size(0.05, 0.6)
    assert data["bits"] == s.mask_only and data["complete_bits"] == s.complete_bits
    rc, out, _ = _run(capsys, "--eps", "0.05", "--freeze-ratio", "0.6")
    assert rc == 0 and not REPR.search(out)
    row = next(line for line in out.splitlines() if "ticket in this frozen source" in line)
    assert f"{s.mask_bits:,}" in row


@pytest.mark.parametrize("argv,word", [
    (["--width", "2"], "--model"), (["--model", "conv6", "--eps", "0.1"], "--eps"),
    (["--model", "conv6", "--dataset", "imagenet"], "32x32"),
    (["--model", "gin", "--dataset", "cifar10"], "ogbn_arxiv"),
    (["--model", "resnet18", "--hidden", "8"], "--hidden"),
    (["--model", "conv6", "--freeze-ratio", "1.2"], "freeze_ratio"),
])
def test_bad_combinations_exit_2_naming_the_option(capsys, argv, word):
    pytest.importorskip("torch")
    rc, out, err = _run(capsys, *argv)
    assert rc == 2 and out == "" and word in err


# ---------------------------------------------------------------------------------------------
# real models (torch)
# ---------------------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(model=st.sampled_from(["mlp", "conv6"]), prune=st.sampled_from([0.0, 0.2, 0.35]),
       lock=st.sampled_from([0.0, 0.1, 0.35]),
       allocation=st.sampled_from(["erk", "uniform", "epl", "igq"]),
       lock_method=st.sampled_from(["sparsity_distribution", "density_distribution"]))
def test_meta_count_equals_the_built_model_s_size_report(model, prune, lock, allocation,
                                                         lock_method):
    torch = pytest.importorskip("torch")  # noqa: F841
    from empirical import SupermaskConfig, build_model, initialize, model_size
    from empirical.cli_size import model_ticket_size

    kwargs = dict(width=0.125) if model == "conv6" else dict(hidden=(24, 16), width=1.0)
    fast = model_ticket_size(model, prune_ratio=prune, lock_ratio=lock, allocation=allocation,
                             lock_method=lock_method, **kwargs)
    built = initialize(build_model(model, **fast.model_args), SupermaskConfig(
        sparsity=prune + (1 - prune - lock) / 2, prune_ratio=prune, lock_ratio=lock,
        allocation=allocation, lock_method=lock_method))
    slow = model_size(built)
    assert fast.mask_only == slow.mask_only
    assert (fast.weights, fast.pruned, fast.locked, fast.free) == (
        slow.n_weights, slow.n_pruned, slow.n_locked, slow.n_free)


def test_conv6_at_freeze_0_7_is_3_33x_smaller_than_a_dense_source_ticket(capsys):
    pytest.importorskip("torch")
    from empirical.cli_size import model_ticket_size
    from slt_theory import _display

    rc, out, _ = _run(capsys, "--model", "conv6", "--freeze-ratio", "0.7")
    assert rc == 0 and not REPR.search(out)
    assert "2,261,184" in out  # Conv6's weights (empirical.models.Conv6)
    free = model_ticket_size("conv6", prune_ratio=0.35, lock_ratio=0.35).free
    row = next(line for line in out.splitlines() if "ticket in this frozen source" in line)
    assert row.split()[5:] == [f"{free:,}", *_display.human_bytes(free / 8).split(),
                               "107x", "smaller", "3.33x", "smaller"]


@pytest.mark.parametrize("argv", [
    ["--model", "resnet50", "--freeze-ratio", "0.7", "--per-layer"],
    ["--model", "resnet18", "--prune-ratio", "0.5"],
    ["--model", "gin", "--freeze-ratio", "0.5", "--hidden", "32", "32", "32"],
    ["--model", "mlp", "--hidden", "256", "256", "--lock-ratio", "0.2", "--allocation", "epl"],
])
def test_real_models_print_readable_tables(capsys, argv):
    pytest.importorskip("torch")
    rc, out, _ = _run(capsys, *argv)
    assert rc == 0 and not REPR.search(out)
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "ticket in a dense source" in out and "weight-trained model" in out
    sizes = re.findall(r"\b(\d[\d.]*) (B|KiB|MiB|GiB)\b", out)
    assert sizes and all(float(v) < 1024 for v, _ in sizes)


def test_model_json(capsys):
    pytest.importorskip("torch")
    from empirical.cli_size import model_ticket_size

    rc, out, _ = _run(capsys, "--model", "resnet18", "--freeze-ratio", "0.5", "--json")
    assert rc == 0
    data = json.loads(out)
    m = model_ticket_size("resnet18", prune_ratio=0.25, lock_ratio=0.25)
    assert data["bits"] == m.mask_only and data["weights"] == m.weights
    assert sum(layer["weights"] for layer in data["layers"]) == m.weights
    assert data["model_args"]["stem"] == "cifar" and data["dataset"] == "cifar10"
