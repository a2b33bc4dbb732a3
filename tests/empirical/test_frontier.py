"""The accuracy frontier's bookkeeping: equal mask bits across kinds, the sparsity of every
setting, selection on validation accuracy, paired differences recomputed from the runs, and a
tiny end-to-end run that resumes without retraining after its folder is moved."""

import csv
import math
import shutil

import pytest

pytest.importorskip("torch")

from empirical import frontier  # noqa: E402
from empirical.frontier import FrontierConfig  # noqa: E402
from empirical.layers import SupermaskConfig, initialize, supermask_layers  # noqa: E402
from empirical.models import build_model  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

TINY_MLP = FrontierConfig(model="mlp", reference_width=8, freeze_ratios=(0.5,),
                          keep_shares=(0.5,), include_reference=False, seeds=(0, 1), epochs=1)


def _free_bits(config, s):
    model = build_model(config.model, **frontier._model_kwargs(config.model, s["width"],
                                                               config.depth, config.dataset))
    initialize(model, SupermaskConfig(sparsity=s["sparsity"], prune_ratio=s["prune_ratio"],
                                      lock_ratio=s["lock_ratio"], allocation=config.allocation))
    return sum(m.n_free for _, m in supermask_layers(model))


@pytest.mark.parametrize("config", [
    FrontierConfig(model="mlp", reference_width=16, freeze_ratios=(0.5, 0.8),
                   keep_shares=(0.3, 0.7), lock_shares=(0.25, 0.5)),
    FrontierConfig(model="conv6", reference_width=0.0625, freeze_ratios=(0.7,),
                   keep_shares=(0.5,)),
])
def test_kinds_of_one_budget_have_equal_mask_bits(config):
    n_ref = frontier.n_weights(config.model, config.reference_width, config.depth, config.dataset)
    layers = 3 if config.model == "mlp" else 9
    for s in frontier.settings(config):
        f = s["freeze_ratio"]
        bits = _free_bits(config, s)
        if s["kind"] == "dense":
            # the narrowest miss: no candidate width has a weight count closer to the budget
            miss = abs(bits - (1 - f) * n_ref)
            if config.model == "mlp":
                others = [frontier.n_weights("mlp", h, config.depth, config.dataset)
                          for h in range(1, config.reference_width + 1)]
                assert all(miss <= abs(o - (1 - f) * n_ref) for o in others)
            assert miss <= 0.1 * (1 - f) * n_ref
        else:
            # per-layer counts are rounded: at most one weight a layer from (1 - f) N_ref
            assert abs(bits - (1 - f) * n_ref) <= layers
            assert s["prune_ratio"] + s["lock_ratio"] == pytest.approx(f)
        free = 1 - s["prune_ratio"] - s["lock_ratio"]
        assert s["sparsity"] == pytest.approx(s["prune_ratio"] + (1 - s["keep_share"]) * free)
        if s["kind"] == "pruned":
            assert s["lock_ratio"] == 0
        if s["kind"] == "frozen":
            assert any(s["lock_ratio"] / f == pytest.approx(ls) for ls in config.lock_shares)


def test_grid_counts_and_no_paths_in_tasks():
    c = FrontierConfig(model="mlp", reference_width=8, freeze_ratios=(0.5, 0.8),
                       keep_shares=(0.3, 0.5, 0.7), lock_shares=(0.25, 0.5))
    s = frontier.settings(c)
    # reference (dense, 3 keeps) + per budget: dense, pruned, 2 frozen splits, 3 keeps each
    assert len(s) == 3 + 2 * 4 * 3
    assert len(frontier.tasks(c)) == len(s) * len(c.seeds)
    for t in frontier.tasks(c):
        assert not any(isinstance(v, str) and ("/" in v or "\\" in v) for v in t.values())


def _row(kind, seed, k, val, test, f=0.5):
    return {"model": "mlp", "freeze_ratio": f, "kind": kind, "width": 8, "prune_ratio": 0.0,
            "lock_ratio": 0.0, "keep_share": k, "sparsity": 1 - k, "seed": seed,
            "mask_bits": 100, "val_acc": val, "test_acc": test}


def test_summary_chooses_on_validation_and_pairs_by_seed():
    rows = [
        # dense: k = 0.3 wins on validation although k = 0.7 has the better test accuracy
        _row("dense", 0, 0.3, 0.9, 0.80), _row("dense", 1, 0.3, 0.9, 0.70),
        _row("dense", 0, 0.7, 0.5, 0.99), _row("dense", 1, 0.7, 0.5, 0.99),
        _row("pruned", 0, 0.5, 0.8, 0.85), _row("pruned", 1, 0.5, 0.8, 0.80),
    ]
    out = frontier.summarise(rows)
    dense = next(r for r in out["frontier"] if r["kind"] == "dense")
    assert dense["keep_share"] == 0.3 and dense["selected_on"] == "val"
    assert dense["test_acc_mean"] == pytest.approx(0.75)
    (d,) = [r for r in out["differences"] if (r["a"], r["b"]) == ("pruned", "dense")]
    # per seed 0.05 and 0.10: mean 0.075, sd 0.0354, t_{0.975,1} = 12.706
    assert d["mean_difference"] == pytest.approx(0.075)
    half = 12.7062 * math.sqrt(((0.05 - 0.075) ** 2 + (0.1 - 0.075) ** 2)) / math.sqrt(2)
    assert d["ci_high"] - d["ci_low"] == pytest.approx(2 * half, abs=1e-3)
    assert len(out["settings"]) == 3


def test_summary_without_validation_says_it_chose_on_test():
    rows = [{**_row("dense", s, 0.5, None, 0.5 + s / 10)} for s in range(2)]
    (row,) = frontier.summarise(rows)["frontier"]
    assert row["selected_on"] == "test"


def test_tiny_run_end_to_end_and_relocatable(tmp_path):
    out = tmp_path / "a"
    summary = frontier.run_frontier([TINY_MLP], out)
    with open(out / "runs.csv", newline="") as f:
        runs = list(csv.DictReader(f))
    assert len(runs) == 3 * 2  # dense, pruned, frozen x 2 seeds
    assert all(0.0 <= float(r["val_acc"]) <= 1.0 for r in runs)
    bits = {r["kind"]: int(r["mask_bits"]) for r in runs}
    assert bits["pruned"] == bits["frozen"]
    acc = {(r["kind"], int(r["seed"])): float(r["test_acc"]) for r in runs}
    for d in summary["differences"]:
        mean = sum(acc[(d["a"], s)] - acc[(d["b"], s)] for s in (0, 1)) / 2
        assert d["mean_difference"] == pytest.approx(mean, abs=1e-4)
    for name in ("frontier.csv", "differences.csv", "settings.csv"):
        assert (out / name).stat().st_size > 0
    # keys hold no path: the moved folder is found complete and nothing is retrained
    moved = tmp_path / "b"
    shutil.move(out, moved)
    before = {p.name: p.stat().st_mtime_ns for p in (moved / "runs").glob("*.json")}
    frontier.run_frontier([TINY_MLP], moved)
    after = {p.name: p.stat().st_mtime_ns for p in (moved / "runs").glob("*.json")}
    assert before == after


@pytest.mark.parametrize("kwargs", [
    dict(model="resnet"), dict(model="conv6", dataset="digits"), dict(freeze_ratios=(1.0,)),
    dict(keep_shares=(0.0,)), dict(keep_shares=(1.5,)), dict(lock_shares=(1.0,)), dict(seeds=()),
    dict(seeds=(0, 0)), dict(model="mlp", reference_width=8.5), dict(lr=float("nan")),
    dict(threshold="row"), dict(epochs=0),
])
def test_bad_config(kwargs):
    with pytest.raises(InvalidParameterError):
        FrontierConfig(**kwargs)


def test_cli_refuses_before_writing(tmp_path):
    with pytest.raises(InvalidParameterError):
        frontier.main(["--models", "mlp", "--keep-shares", "2", "--out", str(tmp_path / "x")])
    assert not (tmp_path / "x").exists()
    with pytest.raises(InvalidParameterError):
        frontier.run_frontier([FrontierConfig(dataset="cifar10")], tmp_path / "y")
    assert not (tmp_path / "y").exists()


def test_digits32_is_digits_upsampled_with_a_held_out_validation_split():
    import numpy as np

    from empirical import data

    small, big = data.digits(seed=3), data.digits32(seed=3)
    assert big.x_test.shape == (len(small.x_test), 1, 32, 32)
    assert np.array_equal(big.y_test, small.y_test)
    # bilinear upsampling by 4 keeps every image's mean pixel
    assert np.allclose(big.x_test.reshape(len(big.x_test), -1).mean(1), small.x_test.mean(1),
                       atol=1e-6)
    # train + validation are digits' training images, split without overlap
    assert len(big.x_train) + len(big.extra["x_val"]) == len(small.x_train)
    rows = {r.tobytes() for r in big.x_train.reshape(len(big.x_train), -1)}
    assert not any(r.tobytes() in rows for r in big.extra["x_val"].reshape(len(big.extra["x_val"]), -1))
    again = data.digits32(seed=3)
    assert np.array_equal(again.extra["y_val"], big.extra["y_val"])
    with pytest.raises(InvalidParameterError):
        data.digits32(val_fraction=1.0)


# ------------------------------------------------------------------ issue-12 fuzz regressions

def test_config_keeps_plain_numbers_and_bounds_the_grid():
    import json

    import numpy as np

    c = FrontierConfig(model="mlp", reference_width=np.int64(8), depth=np.int64(1),
                       freeze_ratios=(np.float64(0.5),), keep_shares=(np.float32(0.5),),
                       seeds=(np.int64(0),), epochs=np.int64(1), lr=np.float64(0.1))
    # numpy scalars were kept and broke the run-store keys ("int64 is not JSON serializable")
    plain = FrontierConfig(model="mlp", reference_width=8, depth=1, freeze_ratios=(0.5,),
                           keep_shares=(0.5,), seeds=(0,), epochs=1)
    assert json.loads(json.dumps(frontier.tasks(c))) == frontier.tasks(plain)
    for kwargs in (dict(model="mlp", reference_width=frontier.MAX_MLP_WIDTH + 1),
                   dict(reference_width=1e308), dict(model="mlp", depth=10**30),
                   dict(epochs=2**70), dict(seeds=(2**70,))):
        with pytest.raises(InvalidParameterError):
            FrontierConfig(**kwargs)


@pytest.mark.parametrize("fn", [frontier.settings, frontier.tasks,
                                lambda c: frontier.narrower_width(c, 100.0)])
@pytest.mark.parametrize("config", [None, "mlp", {}, SupermaskConfig()])
def test_grid_functions_refuse_what_is_not_a_config(fn, config):
    with pytest.raises(InvalidParameterError, match="FrontierConfig"):
        fn(config)


@pytest.mark.parametrize("bits", [float("nan"), -1.0, None, "100"])
def test_narrower_width_refuses_bad_bits(bits):
    # NaN made every width "closest" and returned the narrowest silently
    with pytest.raises(InvalidParameterError, match="bits"):
        frontier.narrower_width(TINY_MLP, bits)


def _rows():
    return [dict(t, mask_bits=10, test_acc=0.5 + 0.1 * t["seed"], val_acc=0.5)
            for t in frontier.tasks(TINY_MLP)]


@pytest.mark.parametrize("change", [
    lambda rows: "rows", lambda rows: [], lambda rows: [{}], lambda rows: rows + [3],
    lambda rows: [dict(r, test_acc=float("nan")) for r in rows],
    lambda rows: [dict(r, test_acc="0.5") for r in rows],
    lambda rows: [dict(r, kind="nope") for r in rows],
    lambda rows: [dict(r, model=["mlp"]) for r in rows],
    lambda rows: [{k: v for k, v in r.items() if k != "test_acc"} for r in rows]])
def test_summarise_refuses_malformed_rows(change):
    assert frontier.summarise(_rows())["frontier"]  # the good rows pass
    with pytest.raises(InvalidParameterError, match="rows"):
        frontier.summarise(change(_rows()))
    with pytest.raises(InvalidParameterError, match="confidence"):
        frontier.summarise(_rows(), confidence=1.0)


@pytest.mark.parametrize("task, kwargs", [
    (None, {}), ({}, {}), ("task", {}), (dict(frontier.tasks(TINY_MLP)[0], depth=2**70), {}),
    (dict(frontier.tasks(TINY_MLP)[0], epochs=2**70), {}),
    (dict(frontier.tasks(TINY_MLP)[0], width="8"), {}),
    (frontier.tasks(TINY_MLP)[0], {"threads": 0}), (frontier.tasks(TINY_MLP)[0], {"threads": 2**70}),
    (frontier.tasks(TINY_MLP)[0], {"data_root": 3})])
def test_run_task_refuses_before_writing(tmp_path, task, kwargs):
    import torch

    threads = torch.get_num_threads()
    with pytest.raises(InvalidParameterError):
        frontier.run_task(task, tmp_path / "runs", **kwargs)
    assert not (tmp_path / "runs").exists()
    assert torch.get_num_threads() == threads  # a refused task changes nothing


@pytest.mark.parametrize("configs, kwargs", [
    (TINY_MLP, {}), ([TINY_MLP], {"threads": 0}), ([TINY_MLP], {"out": "README.md"}),
    ([TINY_MLP], {"out": None}), ([TINY_MLP], {"runs_dir": 3}), ([TINY_MLP], {"data_root": b"x"})])
def test_run_frontier_refuses_before_writing(tmp_path, monkeypatch, configs, kwargs):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("mine\n")
    kwargs = {"out": "res", **kwargs}
    with pytest.raises(InvalidParameterError):
        frontier.run_frontier(configs, kwargs.pop("out"), **kwargs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


@pytest.mark.parametrize("args, says", [
    (("mlp", 1.5, 1, "digits"), "width"),  # was silently cut to 1 unit
    (("gin", 4, 1, "digits"), "model"),
    (("mlp", 4, 1, "imagenet"), "dataset"),  # was a KeyError
    (("conv6", 17.0, 1, "digits32"), "MAX_CONV6_WIDTH"),
    (("mlp", [4], 1, "digits"), "width"),  # was lru_cache's unhashable TypeError
])
def test_n_weights_refuses_bad_arguments_by_name(args, says):
    with pytest.raises(InvalidParameterError, match=says):
        frontier.n_weights(*args)
