"""Recipes: their values are the reference configs', each runs a few steps on tiny data in the
real on-disk format, and the run folder records the recipe."""

import json

import pytest

torch = pytest.importorskip("torch")

from empirical import train as T  # noqa: E402
from empirical.cli import main  # noqa: E402
from empirical.configs import resolve  # noqa: E402
from empirical.recipes import RECIPES, get_recipe  # noqa: E402
from empirical.ticket import load_ticket  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

torch.set_num_threads(1)


def test_recipe_values_are_the_reference_configs():
    # image_classification/configs/cifar10-*-global_ep-0.7*.yaml
    for name in ("cifar10-conv6", "cifar10-resnet18"):
        hp = RECIPES[name].hparams
        assert (hp.train.optimizer, hp.train.lr, hp.train.momentum, hp.train.weight_decay,
                hp.train.schedule, hp.train.epochs) == ("sgd", 0.1, 0.9, 1e-4, "cosine", 100)
        assert (hp.data.batch_size, hp.data.val_fraction, hp.data.augment) == \
            (128, 0.2, "crop_flip")
        assert (hp.supermask.sparsity, hp.supermask.allocation, hp.supermask.threshold) == \
            (0.7, "erk", "global")
        assert (hp.supermask.init.weight_init, hp.supermask.init.score_init) == \
            ("kaiming_uniform", "kaiming_normal")
        assert not hp.model.affine_bn
    assert not RECIPES["cifar10-conv6"].hparams.model.batch_norm
    # imagenet-resnet50-global_ep-0.7*.yaml: signed constant, dynamic scaling, EPL, 2 x 128
    hp = RECIPES["imagenet-resnet50"].hparams
    assert hp.supermask.init.weight_init == "signed_kaiming_constant"
    assert hp.supermask.dynamic_scaling and hp.supermask.allocation == "epl"
    assert (hp.data.batch_size, hp.data.image_size, hp.model.name) == (256, 224, "resnet50")
    # ogbn_arxiv-gin_based_net-global_ep-0.7*.yaml
    hp = RECIPES["ogbn-arxiv-gin"].hparams
    assert (hp.train.optimizer, hp.train.lr, hp.train.weight_decay, hp.train.epochs) == \
        ("adamw", 0.01, 0.0, 400)
    assert hp.model.hidden == (386, 386, 386) and hp.supermask.allocation == "epl"


def test_unknown_recipe():
    with pytest.raises(InvalidParameterError, match="cifar10-conv6"):
        get_recipe("cifar100-conv6")


def test_list_recipes_and_help_show_every_recipe(capsys):
    assert main(["train", "--list-recipes"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in RECIPES)
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in RECIPES)


def check_run(out, hp):
    """What every recipe run must show."""
    assert out["selection"] == "best_val"
    assert {"val_acc", "test_acc", "sparsity"} <= set(out["final"])
    assert out["final"]["sparsity"] == pytest.approx(hp.supermask.sparsity, abs=2e-3)
    model = load_ticket(f"{out['run_dir']}/ticket.fslt")
    assert model.supermask_config == hp.supermask
    record = json.loads(open(f"{out['run_dir']}/hparams.json").read())
    assert T.RunHparams.from_json(record["hparams"]) == hp
    return record


def run_recipe(name, tmp_path, root, overrides, freeze_ratio=0.5, epochs=2):
    r = resolve(name, freeze_ratio=freeze_ratio,
                overrides={"data.data_root": str(root), "train.epochs": epochs, **overrides})
    out = T.train(r.hparams, tmp_path / "runs", progress=False, provenance=r.provenance)
    record = check_run(out, r.hparams)
    assert record["provenance"]["recipe"] == {**RECIPES[name].describe()}
    assert record["provenance"]["freeze_ratio"] == freeze_ratio
    return r.hparams, out


@pytest.mark.parametrize("name, width", [("cifar10-conv6", 0.0625), ("cifar10-resnet18", 0.0625)])
def test_cifar_recipes_run_on_cifar_pickles(tmp_path, tiny_cifar, name, width):
    hp, out = run_recipe(name, tmp_path, tiny_cifar,
                         {"model.width": width, "data.batch_size": 8})
    assert (hp.supermask.prune_ratio, hp.supermask.lock_ratio) == (0.35, 0.15)
    from empirical.layers import supermask_layers
    n_layers = len(supermask_layers(load_ticket(f"{out['run_dir']}/ticket.fslt")))
    # exact per-layer counts: off by at most one rounding per layer and per allocation
    assert abs(out["n_free"] - 0.5 * out["n_weights"]) <= 2 * n_layers


def test_imagenet_recipe_runs_on_an_image_folder(tmp_path, tiny_imagenet):
    hp, out = run_recipe("imagenet-resnet50", tmp_path, tiny_imagenet,
                         {"model.width": 0.0625, "data.batch_size": 4, "data.image_size": 32},
                         epochs=1)
    assert hp.supermask.dynamic_scaling
    model = load_ticket(f"{out['run_dir']}/ticket.fslt")
    assert model.fc.weight_shape == (3, 128)  # three classes, 2048 / 16 features


def test_gin_recipe_runs_on_arxiv_csvs(tmp_path, tiny_arxiv):
    hp, out = run_recipe("ogbn-arxiv-gin", tmp_path, tiny_arxiv, {"model.hidden": (16, 16, 16)})
    assert out["n_weights"] == 128 * 16 + 2 * 16 * 16 + 16 * 40 + 16 * 40


def test_cli_recipe_run_records_the_recipe(tmp_path, tiny_arxiv, capsys):
    assert main(["train", "--recipe", "ogbn-arxiv-gin", "--freeze-ratio", "0.4",
                 "--data-root", str(tiny_arxiv), "--hidden", "8", "8", "8", "--epochs", "1",
                 "--runs-dir", str(tmp_path / "runs"), "--no-progress", "--threads", "1",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    record = json.loads(open(f"{out['run_dir']}/hparams.json").read())
    assert record["provenance"]["recipe"]["name"] == "ogbn-arxiv-gin"
    assert record["provenance"]["overrides"]["model.hidden"] == [8, 8, 8]
    assert record["device"]["device"] == "cpu" and out["device"]["torch"] == torch.__version__
    assert record["hparams"]["supermask"]["prune_ratio"] == pytest.approx(0.28)


def test_cli_trains_resnet50_on_an_image_folder(tmp_path, tiny_imagenet, capsys):
    assert main(["train", "--dataset", "imagenet", "--model", "resnet50", "--data-root",
                 str(tiny_imagenet), "--image-size", "32", "--width", "0.0625", "--batch-size",
                 "6", "--augment", "resized_crop_flip", "--epochs", "1", "--sparsity", "0.5",
                 "--runs-dir", str(tmp_path / "runs"), "--no-progress", "--threads", "1",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["selection"] == "last" and 0 <= out["final"]["test_acc"] <= 1
    assert load_ticket(f"{out['run_dir']}/ticket.fslt").fc.weight_shape == (3, 128)


# --------------------------------------------------------------------------- issue-12 fuzz finds


@pytest.mark.parametrize("field, bad", [("name", ""), ("name", None), ("version", 0),
                                        ("version", True), ("summary", None), ("source", "a"),
                                        ("source", (3,)), ("hparams", None), ("notes", 3),
                                        ("freeze_split", ["even"])])
def test_recipe_checks_every_field(field, bad):
    from empirical.hparams import RunHparams
    from empirical.recipes import Recipe
    from slt_theory.errors import InvalidParameterError

    good = dict(name="mine", version=1, summary="s", source=("a.yaml",), hparams=RunHparams())
    Recipe(**good)
    with pytest.raises(InvalidParameterError, match=field):  # only freeze_split was checked
        Recipe(**(good | {field: bad}))
