"""The fuzz table of the empirical package (needs torch): the hyperparameter dataclasses, the
supermask layers and models, freezing, datasets, recipes and config files, and train() with a
tiny budget. Valid calls are kept small by the candidates (an 8-unit MLP on digits, one epoch)."""

from __future__ import annotations

import numpy as np
import torch
from fuzz_harness import WRONG, Entry, _Opaque, choices, flags, ints, paths, reals
from fuzz_tables import _files

from empirical import configs, data, freezing, hparams, layers, models, recipes, train
from empirical.ticket import TicketFormatError
from slt_theory.errors import InvalidParameterError

SHAPES = [[(8, 4), (2, 8)], [(4, 4)], [], [(0, 4)], [(8, -1)], [(8, 4.5)], [(True, 4)], "ab",
          None, [(2**40, 2**40)], [[8, 4]], [(8, 4, 3, 3)], [(np.int64(8), 4)], _Opaque()]


def _small_mlp():
    return layers.initialize(models.build_model("mlp", in_features=4, hidden=[6],
                                                out_features=2), layers.SupermaskConfig())


MODEL = _small_mlp()
MODULES = [MODEL, torch.nn.Linear(2, 2), None, "mlp", 3, _Opaque()]


def _config_files():
    _files()
    with open("good.toml", "w") as f:
        f.write('[data]\ndataset = "digits"\n[train]\nepochs = 1\n')
    with open("bad.toml", "w") as f:
        f.write('[data\ndataset = \n')
    with open("bad.yaml", "w") as f:
        f.write("data: [unclosed\n")
    with open("evil.yaml", "w") as f:  # a YAML tag that would run code under yaml.load
        f.write("data: !!python/object/apply:os.system ['echo pwned > pwned']\n")
    with open("top.toml", "w") as f:
        f.write('unknown = 1\n')


TINY_RUN = hparams.RunHparams(
    data=hparams.DataHparams(dataset="digits", batch_size=256),
    model=hparams.ModelHparams(name="mlp", hidden=(8,)),
    train=hparams.TrainHparams(epochs=1))

EMPIRICAL = [
    Entry("DataHparams", hparams.DataHparams,
          {"dataset": choices("digits", "teacher_student"), "data_root": [None] + paths("d"),
           "batch_size": ints(64, 1), "seed": ints(0), "val_fraction": reals(0.1, 0.0),
           "augment": choices("none", "crop_flip"), "image_size": ints(224, 8)},
          {"dataset": "digits", "data_root": None, "batch_size": 64, "seed": 0,
           "val_fraction": 0.0, "augment": "none", "image_size": 224}),
    Entry("ModelHparams", hparams.ModelHparams,
          {"name": choices("mlp", "conv6"), "width": reals(1.0, 0.5),
           "hidden": [(8,), (8, 8), (), (0,), (-1,), (1.5,), (True,), "8", None, (2**40,)],
           "batch_norm": flags(), "affine_bn": flags()},
          {"name": "mlp", "width": 1.0, "hidden": (8,), "batch_norm": False, "affine_bn": False}),
    Entry("TrainHparams", hparams.TrainHparams,
          {"epochs": ints(1, 10), "optimizer": choices("sgd", "adamw"), "lr": reals(0.1),
           "momentum": reals(0.9, 0.0), "weight_decay": reals(0.0005, 0.0),
           "schedule": choices("constant", "cosine"), "seed": ints(0), "amp": flags()},
          {"epochs": 1, "optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.0,
           "schedule": "constant", "seed": 0, "amp": False}),
    Entry("SupermaskConfig", hparams.SupermaskConfig,
          {"seed": ints(0), "sparsity": reals(0.5, 0.0), "prune_ratio": reals(0.2, 0.0),
           "lock_ratio": reals(0.2, 0.0), "allocation": choices("erk", "uniform", "igq"),
           "threshold": choices("global", "layer"), "compact_scores": flags(),
           "method": choices("edge_popup", "weights"),
           "lock_method": choices("sparsity_distribution", "density_distribution"),
           "dynamic_scaling": flags(), "oracle_density": [(), (0.5,), (1.5,), "x", None]},
          {"seed": 0, "sparsity": 0.5, "prune_ratio": 0.0, "lock_ratio": 0.0,
           "allocation": "erk", "threshold": "global", "compact_scores": True,
           "method": "edge_popup", "lock_method": "sparsity_distribution",
           "dynamic_scaling": False, "oracle_density": ()}),
    Entry("RunHparams", hparams.RunHparams,
          {"data": [hparams.DataHparams()] + WRONG, "model": [hparams.ModelHparams()] + WRONG,
           "supermask": [hparams.SupermaskConfig()] + WRONG,
           "train": [hparams.TrainHparams()] + WRONG},
          {"data": hparams.DataHparams(), "model": hparams.ModelHparams(),
           "supermask": hparams.SupermaskConfig(), "train": hparams.TrainHparams()}),
    Entry("baseline", hparams.baseline,
          {"0": choices("frozen_source", "dense_weights", "pruned_source", "dense_source"),
           "sparsity": reals(0.5), "prune_ratio": reals(0.2, 0.0),
           "lock_ratio": reals(0.2, 0.0)},
          {"0": "frozen_source", "sparsity": 0.5, "prune_ratio": 0.0, "lock_ratio": 0.0}),
    Entry("split_freeze", hparams.split_freeze,
          {"0": reals(0.5, 0.0), "1": reals(0.5), "rule": choices("proportional", "even")},
          {"0": 0.5, "1": 0.5, "rule": "proportional"}),
    Entry("SupermaskLinear", layers.SupermaskLinear, {"0": ints(3, 1), "1": ints(2, 1)},
          {"0": 3, "1": 2}),
    Entry("SupermaskConv2d", layers.SupermaskConv2d,
          {"0": ints(3, 1), "1": ints(2, 1), "2": ints(3, 1), "stride": ints(1, 2),
           "padding": ints(0, 1)},
          {"0": 3, "1": 2, "2": 3, "stride": 1, "padding": 0}),
    Entry("initialize", layers.initialize,
          {"0": MODULES, "1": [layers.SupermaskConfig(), layers.SupermaskConfig(sparsity=0.9),
                               None, "x", 3, {}]},
          {"0": _small_mlp(), "1": layers.SupermaskConfig()}),
    Entry("supermask_layers", layers.supermask_layers, {"0": MODULES}, {"0": MODEL}),
    Entry("update_thresholds", layers.update_thresholds, {"0": MODULES}, {"0": MODEL}),
    Entry("realised_sparsity", layers.realised_sparsity, {"0": MODULES}, {"0": MODEL}),
    Entry("attach_threshold_hook", layers.attach_threshold_hook,
          {"0": [torch.optim.SGD(MODEL.parameters(), lr=0.1), None, "sgd", 3],
           "1": MODULES},
          {"0": torch.optim.SGD(MODEL.parameters(), lr=0.1), "1": MODEL}),
    Entry("build_model", models.build_model,
          {"0": choices("mlp", "conv6", "gin"), "in_features": ints(4, 1),
           "hidden": [[6], [6, 6], [], [0], [-1], [1.5], [True], "6", None, [2**40]],
           "out_features": ints(2, 1), "width": reals(1.0, 0.5)},
          {"0": "mlp", "in_features": 4, "hidden": [6], "out_features": 2, "width": 1.0}),
    Entry("count_weights", models.count_weights, {"0": MODULES}, {"0": MODEL}),
    Entry("freeze_counts", freezing.freeze_counts,
          {"0": SHAPES, "1": reals(0.2, 0.0), "2": reals(0.2, 0.0),
           "allocation": choices("uniform", "erk", "igq", "epl"),
           "lock_method": choices("sparsity_distribution", "density_distribution")},
          {"0": [(8, 4), (2, 8)], "1": 0.2, "2": 0.2, "allocation": "uniform",
           "lock_method": "sparsity_distribution"}),
    Entry("freeze_pattern", freezing.freeze_pattern,
          {"0": [(8, 4), (4,), (), (0, 4), (-1, 4), (2**40, 2**40), "ab", None, (8.5, 4)],
           "1": ints(3, 0, 32) + [np.uint64(2**64 - 1), 2.0], "2": ints(2, 0, 32),
           "3": [np.random.default_rng(0), None, 0, "rng", _Opaque()]},
          {"0": (8, 4), "1": 3, "2": 2, "3": np.random.default_rng(0)}),
    Entry("allocate", freezing.allocate,
          {"0": SHAPES, "1": reals(0.5, 1.0, 0.0), "method": choices("uniform", "erk", "igq")},
          {"0": [(8, 4), (2, 8)], "1": 0.5, "method": "uniform"}),
    Entry("oracle_counts", freezing.oracle_counts,
          {"0": SHAPES, "1": [[16, 8], [0, 0], [-1, 8], [40, 8], [1.5, 8], None, "ab", [16]],
           "2": reals(0.5, 0.0), "allocation": choices("uniform", "erk")},
          {"0": [(8, 4), (2, 8)], "1": [16, 8], "2": 0.5, "allocation": "uniform"}),
    Entry("permutation", freezing.permutation,
          {"0": [np.random.default_rng(0), None, 0, "rng"], "1": ints(5, 0, 1) + [2**40]},
          {"0": np.random.default_rng(0), "1": 5}),
    Entry("load_dataset", data.load_dataset,
          {"0": choices("digits", "teacher_student", "cifar10"), "root": [None] + paths("d"),
           "seed": ints(0), "val_fraction": reals(0.1, 0.0), "image_size": ints(224),
           "augment": flags()},
          {"0": "digits", "root": None, "seed": 0, "val_fraction": 0.0, "image_size": 224,
           "augment": False},
          # a missing data folder is the user's file: FileNotFoundError (documented)
          errors=(InvalidParameterError, FileNotFoundError), setup=_files),
    Entry("get_recipe", recipes.get_recipe,
          {"0": choices("cifar10-conv6", "ogbn-arxiv-gin")}, {"0": "cifar10-conv6"}),
    Entry("recipe_table", recipes.recipe_table, {}, {}),
    Entry("read_config", configs.read_config,
          {"0": paths("good.toml", "bad.toml", "bad.yaml", "evil.yaml", "top.toml",
                      "missing.toml")},
          {"0": "good.toml"},
          errors=(InvalidParameterError, OSError), setup=_config_files),
    Entry("resolve", configs.resolve,
          {"recipe": [None, "cifar10-conv6", "nope", 3], "config": [None, "good.toml",
                                                                      "evil.yaml", "missing",
                                                                      3],
           "overrides": [None, {}, {"train.epochs": 1}, {"train.epochs": -1}, {"nope": 1},
                         {"train": {"epochs": 1}}, "x", 3, [("train.epochs", 1)], {1: 2},
                         {"train.lr": float("nan")}, {"train.epochs": True}],
           "freeze_ratio": [None] + reals(0.5), "freeze_split": [None, "even", "nope", 3],
           "baseline": [None, "frozen_source", "nope"],
           "mask_file": [None, "missing.fslt", "README.md", 3]},
          {"recipe": None, "config": None, "overrides": None, "freeze_ratio": None,
           "freeze_split": None, "baseline": None, "mask_file": None},
          errors=(InvalidParameterError, OSError, TicketFormatError), setup=_config_files),
    Entry("train", train.train,
          {"0": [TINY_RUN, None, "x", hparams.DataHparams()],
           "runs_dir": paths("runs"), "progress": flags(),
           "device": [None, "cpu", "foo", "cuda:99", 3, torch.device("cpu")],
           "stop_after": [None] + ints(1), "workers": ints(0)},
          {"0": TINY_RUN, "runs_dir": "runs", "progress": False, "device": "cpu",
           "stop_after": None, "workers": 0},
          setup=_files, examples=4, seconds=180),
]

# --------------------------------------------------------------------------- second batch
from empirical import augment, costs, devices, init  # noqa: E402

EMPIRICAL += [
    Entry("check_device_name", devices.check_device_name,
          {"0": ["cpu", "auto", "cuda", "cuda:0", "cuda:99", "foo", "", "CPU", "cuda:-1",
                 "cuda:x"] + WRONG}, {"0": "cpu"}),
    Entry("resolve_device", devices.resolve_device,
          {"0": ["cpu", "auto", "foo", "", "cuda:99", torch.device("cpu")] + WRONG},
          {"0": "cpu"}),
    Entry("digits", data.digits, {"seed": ints(0), "test_fraction": reals(0.25)},
          {"seed": 0, "test_fraction": 0.25}),
    Entry("teacher_student", data.teacher_student,
          {"n_train": ints(64, 1), "n_test": ints(16, 1), "in_features": ints(4, 1),
           "hidden": ints(8, 1), "out_features": ints(1, 2), "seed": ints(0)},
          {"n_train": 64, "n_test": 16, "in_features": 4, "hidden": 8, "out_features": 1,
           "seed": 0}),
    Entry("MLP", models.MLP,
          {"in_features": ints(4, 1), "hidden": [(8,), (), (0,), (-1,), (1.5,), "8", None,
                                                 (2**40,)],
           "out_features": ints(2, 1), "width": reals(1.0, 0.5), "batch_norm": flags(),
           "affine_bn": flags()},
          {"in_features": 4, "hidden": (8,), "out_features": 2, "width": 1.0,
           "batch_norm": False, "affine_bn": False}),
    Entry("Conv6", models.Conv6,
          {"width": reals(0.125, 0.25), "num_classes": ints(10, 2), "in_channels": ints(3, 1),
           "batch_norm": flags(), "affine_bn": flags()},
          {"width": 0.125, "num_classes": 10, "in_channels": 3, "batch_norm": False,
           "affine_bn": False}),
    Entry("GIN", models.GIN,
          {"in_features": ints(8, 1), "hidden": ints(8, 1), "num_classes": ints(4, 2),
           "num_layers": ints(2, 1), "width": reals(1.0, 0.5), "affine_bn": flags()},
          {"in_features": 8, "hidden": 8, "num_classes": 4, "num_layers": 2, "width": 1.0,
           "affine_bn": False}),
    Entry("InitSpec", init.InitSpec,
          {"weight_init": choices("kaiming_uniform", "uniform", "signed_kaiming_constant"),
           "score_init": choices("kaiming_normal", "uniform"), "scale_by_density": flags()},
          {"weight_init": "kaiming_uniform", "score_init": "kaiming_normal",
           "scale_by_density": False}),
    Entry("recipe_cost", costs.recipe_cost,
          {"0": choices("cifar10-conv6", "ogbn-arxiv-gin"), "tflops": reals(50.0)},
          {"0": "cifar10-conv6", "tflops": 50.0}),
    Entry("cost_table", costs.cost_table, {"tflops": reals(50.0)}, {"tflops": 50.0}),
    Entry("center_crop_box", augment.center_crop_box,
          {"0": ints(32, 1), "1": ints(24, 1), "2": ints(16, 1)}, {"0": 32, "1": 24, "2": 16}),
    Entry("resize_shorter", augment.resize_shorter,
          {"0": ints(32, 1), "1": ints(24, 1), "2": ints(16, 1)}, {"0": 32, "1": 24, "2": 16}),
    Entry("resized_crop_box", augment.resized_crop_box,
          {"0": [np.random.default_rng(0), None, 0, "rng"], "1": ints(32, 1), "2": ints(24, 1),
           "scale": [(0.08, 1.0), (1.0, 0.08), (0.0, 1.0), (-1, 1), (0.5,), "x", None,
                     (float("nan"), 1.0)],
           "ratio": [(0.75, 4 / 3), (4 / 3, 0.75), (0.0, 1.0), (1.0,), "x", None]},
          {"0": np.random.default_rng(0), "1": 32, "2": 24, "scale": (0.08, 1.0),
           "ratio": (0.75, 4 / 3)}),
]
