"""Config files and resolution: TOML / YAML round trips, precedence, freeze splits, bad files."""

import pytest

from empirical.configs import read_config, resolve, to_toml, to_yaml
from empirical.hparams import RunHparams, split_freeze
from empirical.recipes import RECIPES
from slt_theory.errors import InvalidParameterError


@pytest.mark.parametrize("name", sorted(RECIPES))
@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_recipe_round_trip_through_a_config_file(tmp_path, name, fmt):
    r = resolve(name, freeze_ratio=0.6, overrides={"data.data_root": "/data", "train.lr": 0.05})
    path = tmp_path / f"run.{fmt}"
    path.write_text(to_toml(r.hparams, "a comment") if fmt == "toml" else to_yaml(r.hparams))
    back = resolve(config=path)
    assert back.hparams == r.hparams and back.hparams.hash == r.hparams.hash
    assert back.provenance["config_file"]["sha256"]


def test_precedence_recipe_then_file_then_flags(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('recipe = "cifar10-conv6"\nfreeze_ratio = 0.4\n'
                    '[train]\nepochs = 7\nlr = 0.2\n[supermask.init]\nweight_init = "uniform"\n')
    r = resolve(config=path, overrides={"train.lr": 0.3})
    hp = r.hparams
    assert hp.train.epochs == 7 and hp.train.lr == 0.3  # the flag wins over the file
    assert hp.train.weight_decay == 1e-4  # from the recipe
    assert hp.supermask.init.weight_init == "uniform"
    assert hp.supermask.init.score_init == "kaiming_normal"  # nested tables merge
    assert (hp.supermask.prune_ratio, hp.supermask.lock_ratio) == split_freeze(0.4, 0.7)
    assert r.provenance["recipe"]["name"] == "cifar10-conv6"
    assert resolve("cifar10-resnet18", config=path).hparams.model.name == "resnet18"


def test_freeze_ratio_with_one_explicit_share():
    r = resolve(freeze_ratio=0.6, overrides={"supermask.sparsity": 0.5,
                                              "supermask.prune_ratio": 0.4})
    assert r.hparams.supermask.lock_ratio == pytest.approx(0.2)
    r = resolve(freeze_ratio=0.6, freeze_split="even", overrides={"supermask.sparsity": 0.5})
    assert (r.hparams.supermask.prune_ratio, r.hparams.supermask.lock_ratio) == (0.3, 0.3)
    with pytest.raises(InvalidParameterError, match="two of the three"):
        resolve(freeze_ratio=0.6, overrides={"supermask.prune_ratio": 0.1,
                                              "supermask.lock_ratio": 0.1})


def test_baselines():
    assert resolve(baseline="pruned_source", freeze_ratio=0.5,
                   overrides={"supermask.sparsity": 0.6}).hparams.supermask.prune_ratio == 0.5
    assert resolve(baseline="dense_weights").hparams.supermask.method == "weights"
    with pytest.raises(InvalidParameterError, match="dense_source"):
        resolve(baseline="dense_source", freeze_ratio=0.5)
    with pytest.raises(InvalidParameterError, match="baseline"):
        resolve(baseline=["pruned_source"])


def test_the_default_allocation_is_the_reference_erk():
    assert RunHparams().supermask.allocation == "erk"
    assert resolve(overrides={"supermask.allocation": "uniform"}).hparams.supermask.allocation \
        == "uniform"


@pytest.mark.parametrize("text, match", [
    ("[train]\nepoch = 3\n", "unknown field"),
    ("[trainer]\nepochs = 3\n", "unknown key"),
    ("[train]\nepochs = \n", "does not parse"),
    ("train = 3\n", "must be a table"),
    ("[train]\nweight_decay = nan\n", "finite"),
    ("[train]\nlr = inf\n", "finite"),
    ("[supermask]\ncompact_scores = \"no\"\n", "compact_scores"),
    ("[supermask]\nsparsity = \"0.5\"\n", "sparsity"),
    ("[model]\nhidden = \"128\"\n", "hidden"),
    ("[data]\ndataset = [\"digits\"]\n", "dataset"),
    ('recipe = "nope"\n', "recipe"),
])
def test_bad_config_files(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InvalidParameterError, match=match):
        resolve(config=path)


def test_bad_config_paths(tmp_path):
    with pytest.raises(InvalidParameterError, match="end in"):
        read_config(tmp_path / "c.json")
    with pytest.raises(InvalidParameterError, match="cannot read"):
        read_config(tmp_path / "missing.toml")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    with pytest.raises(InvalidParameterError, match="table"):
        read_config(tmp_path / "list.yaml")
    (tmp_path / "obj.yaml").write_text("!!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(InvalidParameterError, match="does not parse"):
        read_config(tmp_path / "obj.yaml")  # safe_load: YAML cannot build objects either
    with pytest.raises(InvalidParameterError, match="override"):
        resolve(overrides={"epochs": 3})


def test_config_paths_and_overrides_of_the_wrong_kind_are_named():
    """Found by the issue-12 fuzz: read_config(3), resolve(mask_file=3) and resolve(overrides=3)
    raised TypeError; overrides=["x"] raised ValueError."""
    import pytest

    from empirical.configs import read_config, resolve
    from slt_theory.errors import InvalidParameterError

    for call in (lambda: read_config(3), lambda: read_config(None), lambda: read_config(""),
                 lambda: resolve(mask_file=3), lambda: resolve(overrides=3),
                 lambda: resolve(overrides="abc"), lambda: resolve(overrides=[("train.epochs", 1)])):
        with pytest.raises(InvalidParameterError):
            call()
    assert resolve(overrides={"train.epochs": 1}) is not None


def test_a_path_with_nul_is_named():
    """Found by the slow tier of the issue-12 fuzz: train(..., runs_dir="a\\0b") and
    `slt train --runs-dir` with a NUL raised ValueError (embedded null byte)."""
    import pytest

    from empirical._checks import optional_path
    from slt_theory.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="NUL"):
        optional_path("runs_dir", "a\0b")
    assert optional_path("runs_dir", "runs") == "runs"


def test_numpy_freeze_ratio_is_a_plain_float_in_the_provenance():
    """Slow tier of the issue-12 fuzz: resolve(freeze_ratio=np.float32(0.5)) raised "Object of
    type float32 is not JSON serializable"."""
    import json

    import numpy as np

    from empirical.configs import resolve

    r = resolve(freeze_ratio=np.float32(0.5))
    assert type(r.provenance["freeze_ratio"]) is float
    json.dumps(r.provenance)


# --------------------------------------------------------------------------- issue-12 fuzz finds


@pytest.mark.parametrize("comment", [None, 3, ["x"]])
def test_to_toml_refuses_a_comment_that_is_no_string(comment):
    with pytest.raises(InvalidParameterError, match="comment"):  # was an AttributeError
        to_toml(RunHparams(), comment)


@pytest.mark.parametrize("hp", [None, "x", {}])
def test_to_yaml_refuses_what_is_no_run_hparams(hp):
    with pytest.raises(InvalidParameterError, match="hp"):  # was an AttributeError
        to_yaml(hp)
