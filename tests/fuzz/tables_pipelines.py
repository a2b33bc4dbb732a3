"""The fuzz table of the empirical pipelines (frontier, width_sweep, reproduce stages, train
callbacks): every public callable with the kinds of its parameters, good base arguments and the
errors it documents (fuzz_harness.Entry).

Every entry is named ``pipe_...`` so that ``-k pipe_`` selects this table. Valid calls train
networks, so they are kept tiny: a 4-unit MLP on digits for one epoch, two Adam steps of a
4-wide source, a custom :class:`empirical.reproduce.Scale` with one seed and one width per grid
(``TINY_SCALE``); entries whose valid calls train get 3-4 examples and give the bad values most of
the calls (two parameters replaced per call at most, see fuzz_harness.draw_arguments).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from fuzz_harness import Entry, _Opaque, choices, flags, ints, paths, reals
from fuzz_tables import _cli_values, _files

from empirical import frontier, reproduce, train, width_sweep
from empirical.hparams import DataHparams, ModelHparams, RunHparams, TrainHparams
from slt_theory.errors import InvalidParameterError


def _workers():
    """Worker counts without None: None is valid (a process per core, see
    slt_theory.runs.executor) but starts a process pool, too slow for a fuzz call."""
    return [w for w in ints(1) if w is not None]


# ------------------------------------------------------------------------------------ frontier

#: The smallest frontier that trains: an MLP of 4 hidden units on digits, one budget, one seed,
#: one epoch: three runs (dense, pruned, frozen).
TINY_FRONTIER = frontier.FrontierConfig(
    model="mlp", reference_width=4, depth=1, dataset="digits", freeze_ratios=(0.5,),
    keep_shares=(0.5,), lock_shares=(0.5,), include_reference=False, seeds=(0,), epochs=1,
    batch_size=256)
CONV6_FRONTIER = frontier.FrontierConfig(reference_width=1 / 64, freeze_ratios=(0.5,),
                                         keep_shares=(0.5,), seeds=(0,), epochs=1)
FRONTIER_CONFIGS = [TINY_FRONTIER, CONV6_FRONTIER, width_sweep.WidthSweepConfig(),
                    frontier.FrontierConfig, None, "mlp", 3, {}, _Opaque()]

RATIO_TUPLES = [(0.5,), (0.5, 0.8), [0.3], (), (0.0,), (1.0,), (-0.5,), (float("nan"),),
                (True,), ("0.5",), 0.5, "0.5", None, (np.float64(0.5),), np.array([0.5]),
                (2**70,), ((0.5,),)]
SEED_TUPLES = [(0,), (0, 1), [np.int64(0)], (), (-1,), (0, 0), (1.5,), (True,), ("0",), 0, None,
               (2**70,), range(2), np.arange(2)]


def _frontier_rows(config, seeds=(0, 1)):
    """Per-run rows of ``config`` as run_frontier makes them (accuracies made up but valid)."""
    config = dataclasses.replace(config, seeds=seeds)
    rows = []
    for i, t in enumerate(frontier.tasks(config)):
        acc = 0.5 + 0.01 * (i % 7)
        rows.append({**{k: t[k] for k in frontier.RUN_COLUMNS if k in t},
                     "mask_bits": 100 + i, "n_weights": 400, "val_acc": acc - 0.02,
                     "test_acc": acc, "realised_sparsity": t["sparsity"], "ticket_bytes": 80,
                     "run": f"r{i}"})
    return rows


GOOD_ROWS = _frontier_rows(TINY_FRONTIER)
FRONTIER_ROWS = [
    GOOD_ROWS, GOOD_ROWS[:1], [dict(r, val_acc=None) for r in GOOD_ROWS], [], None, "rows", 3,
    _Opaque(), {"a": 1}, [{}], [3], ["x"], [None], GOOD_ROWS + [{}],
    [{k: v for k, v in r.items() if k != "test_acc"} for r in GOOD_ROWS],
    [dict(r, test_acc=float("nan")) for r in GOOD_ROWS],
    [dict(r, test_acc="0.5") for r in GOOD_ROWS], [dict(r, test_acc=None) for r in GOOD_ROWS],
    [dict(r, kind="nope") for r in GOOD_ROWS], [dict(r, seed=_Opaque()) for r in GOOD_ROWS],
    [dict(r, model=["mlp"]) for r in GOOD_ROWS], tuple(GOOD_ROWS), iter(GOOD_ROWS),
    [dict(r, val_acc=float("inf")) for r in GOOD_ROWS], np.array([1.0, 2.0])]

GOOD_TASK = frontier.tasks(TINY_FRONTIER)[-1]  # the frozen source
TASKS = [GOOD_TASK, frontier.tasks(TINY_FRONTIER)[0], None, "task", 3, {}, [GOOD_TASK],
         _Opaque(), {k: v for k, v in GOOD_TASK.items() if k != "width"},
         dict(GOOD_TASK, width=-1), dict(GOOD_TASK, width="8"), dict(GOOD_TASK, width=2**70),
         dict(GOOD_TASK, width=float("nan")), dict(GOOD_TASK, depth=2**70),
         dict(GOOD_TASK, depth="2"), dict(GOOD_TASK, depth=None), dict(GOOD_TASK, model="gin"),
         dict(GOOD_TASK, model=["mlp"]), dict(GOOD_TASK, dataset="nope"),
         dict(GOOD_TASK, epochs=2**70), dict(GOOD_TASK, epochs=True),
         dict(GOOD_TASK, seed=-1), dict(GOOD_TASK, seed=2**70), dict(GOOD_TASK, lr=float("nan")),
         dict(GOOD_TASK, sparsity=1.5), dict(GOOD_TASK, prune_ratio=0.9, lock_ratio=0.9),
         dict(GOOD_TASK, weight_init="nope"), dict(GOOD_TASK, scale_by_density="no"),
         dict(GOOD_TASK, batch_size=0), dict(GOOD_TASK, optimizer=3)]

# `python -m empirical.frontier` (a command line holds strings only)
FRONTIER_ARGV = {"--models": "mlp", "--mlp-width": "4", "--mlp-depth": "1", "--dataset": "digits",
                 "--freeze-ratios": "0.5", "--keep-shares": "0.5", "--lock-shares": "0.5",
                 "--seeds": "1", "--epochs": "1", "--batch-size": "256", "--lr": "0.1",
                 "--weight-decay": "0.0001", "--allocation": "erk", "--threshold": "global",
                 "--out": "fr", "--workers": "1", "--threads": "1"}


def _frontier_main(**values):
    """``python -m empirical.frontier`` with the given options (and --no-reference, so that a
    valid call trains three runs); a non-zero exit is a refusal."""
    argv = ["--no-reference"]
    for option, value in values.items():
        argv += [option, value]
    try:
        code = frontier.main(argv)
    except SystemExit as e:  # argparse refuses a malformed option with exit status 2
        code = e.code
    if code != 0:
        raise InvalidParameterError(f"exit status {code}")


def _str_paths(*good):
    return [p for p in paths(*good) if isinstance(p, str)]


FRONTIER = [
    Entry("pipe_FrontierConfig", frontier.FrontierConfig,
          {"model": choices("mlp", "conv6"), "reference_width": reals(4.0, 0.125) + [4, 2**40],
           "depth": ints(1, 2), "dataset": choices("digits", "digits32", "cifar10"),
           "freeze_ratios": RATIO_TUPLES, "keep_shares": RATIO_TUPLES + [(1.0,)],
           "lock_shares": RATIO_TUPLES, "include_reference": flags(), "seeds": SEED_TUPLES,
           "epochs": ints(1), "batch_size": ints(256, 1), "optimizer": choices("sgd", "adamw"),
           "lr": reals(0.1), "momentum": reals(0.9, 0.0), "weight_decay": reals(1e-4, 0.0),
           "schedule": choices("cosine", "constant"),
           "allocation": choices("erk", "uniform", "epl", "igq"),
           "threshold": choices("global", "layer"),
           "weight_init": choices("kaiming_uniform", "uniform", "signed_kaiming_constant"),
           "score_init": choices("kaiming_normal", "uniform"), "scale_by_density": flags()},
          dataclasses.asdict(TINY_FRONTIER), examples=30),
    Entry("pipe_reproduce_Scale", reproduce.Scale,
          {"mc_eps": [(0.1,), (0.1, 0.01), (), (1.0,), (0.0,), (np.float64(0.1),)] + reals(0.1),
           "mc_trials": ints(200, 1, 10**7 + 1), "construction_widths": [(8, 64), (0,), [8]]
           + ints(8), "sweep_seeds": [(0, 1), (-1,), (0.5,), tuple(range(65))] + ints(0),
           "sweep_keep_shares": [(0.5,), (1.0,), (0.0,), (1.5,), (np.nan,)] + reals(0.5),
           "frontier_conv6_width": reals(1 / 64, 16.0) + [17.0],
           "frontier_lock_shares": [(0.5,), (1.0,), (0.0,)] + reals(0.5),
           "frontier_epochs": ints(1, 100_001)},
          dataclasses.asdict(reproduce.SCALES["smoke"])),
    Entry("pipe_frontier_n_weights", frontier.n_weights,
          {"0": choices("mlp", "conv6", "gin"), "1": ints(4, 1) + [0.25, 2.0, 17.0],
           "2": ints(1, 2, 1025), "3": choices("digits", "digits32", "cifar10")},
          {"0": "mlp", "1": 4, "2": 1, "3": "digits"}),
    Entry("pipe_frontier_narrower_width", frontier.narrower_width,
          {"0": FRONTIER_CONFIGS, "1": reals(100.0, 1.0) + [0, 10**400]},
          {"0": TINY_FRONTIER, "1": 100.0}),
    Entry("pipe_frontier_settings", frontier.settings, {"0": FRONTIER_CONFIGS},
          {"0": TINY_FRONTIER}),
    Entry("pipe_frontier_tasks", frontier.tasks, {"0": FRONTIER_CONFIGS}, {"0": TINY_FRONTIER}),
    Entry("pipe_frontier_summarise", frontier.summarise,
          {"0": FRONTIER_ROWS, "confidence": reals(0.95, 0.5) + [1.0]},
          {"0": GOOD_ROWS, "confidence": 0.95}, examples=20),
    Entry("pipe_frontier_run_task", frontier.run_task,
          {"0": TASKS, "1": paths("runs"), "threads": ints(1), "data_root": [None] + paths("d")},
          {"0": GOOD_TASK, "1": "runs", "threads": 1, "data_root": None},
          setup=_files, examples=6, seconds=120),
    Entry("pipe_frontier_run_frontier", frontier.run_frontier,
          {"0": [[TINY_FRONTIER], (TINY_FRONTIER,), TINY_FRONTIER, [], [TINY_FRONTIER, "x"],
                 [None], "configs", None, 3, [width_sweep.WidthSweepConfig()],
                 [dataclasses.replace(TINY_FRONTIER, dataset="cifar10")]],
           "1": paths("res"), "runs_dir": [None] + paths("tr"), "workers": _workers(),
           "scheduler": [None, "not-an-address", "", 3, "tcp://"], "threads": ints(1),
           "data_root": [None] + paths("d"),
           "metadata": [None, {}, {"a": np.int64(1)}, {"a": float("nan")}, "x", 3, {1: 2},
                        {"a": _Opaque()}],
           "progress": flags(), "label": [None, "frontier", "", 3, b"x", ["x"]]},
          {"0": [TINY_FRONTIER], "1": "res", "runs_dir": None, "workers": 1, "scheduler": None,
           "threads": 1, "data_root": None, "metadata": None, "progress": False, "label": None},
          setup=_files, examples=4, seconds=180),
    Entry("pipe_frontier_main", _frontier_main,
          {o: _cli_values(v) for o, v in FRONTIER_ARGV.items()} | {
              "--out": _str_paths("fr"), "--runs-dir": _str_paths("tr"),
              "--models": _cli_values("mlp", "conv6"),
              "--dataset": _cli_values("digits", "cifar10"),
              "--scheduler": ["not-an-address", "", "tcp://", "a b:1"]},
          dict(FRONTIER_ARGV), setup=_files, examples=4, seconds=180,
          covers=("empirical.frontier.main",)),
]

# --------------------------------------------------------------------------------- width sweep

TINY_SWEEP = width_sweep.WidthSweepConfig(
    target_widths=(1, 1), widths=(4,), seeds=(0,), eps_values=(0.2,), delta=0.2,
    freeze_settings=((0.25, 0.25),), keep_shares=(0.5,), thresholds=("global",), steps=(2,),
    batch=8, lr=0.05, test_points=8)
SWEEP_CONFIGS = [TINY_SWEEP, dataclasses.replace(TINY_SWEEP, target_widths=(2, 2), seeds=(0, 1)),
                 TINY_FRONTIER, width_sweep.WidthSweepConfig, None, "x", 3, {}, _Opaque()]
SWEEP_TASK = width_sweep.sweep_tasks(TINY_SWEEP)[0]
SWEEP_TASKS = [
    SWEEP_TASK, dict(SWEEP_TASK, target_widths=[2, 2]), None, "task", 3, {}, [SWEEP_TASK],
    _Opaque(), {k: v for k, v in SWEEP_TASK.items() if k != "steps"},
    dict(SWEEP_TASK, width=-1), dict(SWEEP_TASK, width=2**40), dict(SWEEP_TASK, width="4"),
    dict(SWEEP_TASK, width=np.int64(4)), dict(SWEEP_TASK, steps=2**70),
    dict(SWEEP_TASK, steps=0), dict(SWEEP_TASK, batch=2**40), dict(SWEEP_TASK, batch=True),
    dict(SWEEP_TASK, test_points=2**40), dict(SWEEP_TASK, lr=float("nan")),
    dict(SWEEP_TASK, seed=-1), dict(SWEEP_TASK, seed=2**70), dict(SWEEP_TASK, seed="0"),
    dict(SWEEP_TASK, keep_share=0.0), dict(SWEEP_TASK, keep_share=float("nan")),
    dict(SWEEP_TASK, threshold="nope"), dict(SWEEP_TASK, prune_ratio=0.6, lock_ratio=0.6),
    dict(SWEEP_TASK, target_widths=[1]), dict(SWEEP_TASK, target_widths="11"),
    dict(SWEEP_TASK, target_widths=[2**40, 2**40]), dict(SWEEP_TASK, target_widths=None)]


def _sweep_rows(config):
    """The rows run_one would return for ``config`` (errors made up but valid)."""
    return [{**t, "error": 0.01 * (i % 13), "val_mse": 0.001 * (i % 5), "sparsity": 0.5}
            for i, t in enumerate(width_sweep.sweep_tasks(config))]


SWEEP_GOOD = dataclasses.replace(TINY_SWEEP, widths=(4, 8), seeds=(0, 1, 2),
                                 thresholds=("global", "layer"))
SWEEP_ROWS = [
    _sweep_rows(SWEEP_GOOD), [], None, "rows", 3, _Opaque(), [{}], [3], [None],
    _sweep_rows(SWEEP_GOOD)[:1], _sweep_rows(SWEEP_GOOD) + [{}],
    [{k: v for k, v in r.items() if k != "val_mse"} for r in _sweep_rows(SWEEP_GOOD)],
    [dict(r, error=float("nan")) for r in _sweep_rows(SWEEP_GOOD)],
    [dict(r, error="0.1") for r in _sweep_rows(SWEEP_GOOD)],
    [dict(r, val_mse=None) for r in _sweep_rows(SWEEP_GOOD)],
    [dict(r, width=["4"]) for r in _sweep_rows(SWEEP_GOOD)], iter(_sweep_rows(SWEEP_GOOD)),
    np.zeros((2, 2))]

MATS = width_sweep.target_weights((2, 3, 1), 0)

WIDTH_SWEEP = [
    Entry("pipe_WidthSweepConfig", width_sweep.WidthSweepConfig,
          {"target_widths": [(1, 1), (2, 2), (1,), (), (0, 1), (-1, 1), (1.5, 1), (True, 1),
                             "11", None, 3, (2**40, 2**40), [np.int64(2), 2]],
           "widths": [(4,), (4, 8), (), (0,), (-4,), (2**70,), ("4",), (True,), 4, None],
           "seeds": SEED_TUPLES, "eps_values": RATIO_TUPLES, "delta": reals(0.2),
           "freeze_settings": [((0.25, 0.25),), ((0.0, 0.0), (0.5, 0.0)), (), ((0.5,),),
                               ((0.6, 0.6),), ((float("nan"), 0.0),), (("0.5", 0.0),),
                               (0.5, 0.0), None, "ab", ((True, 0.0),)],
           "keep_shares": RATIO_TUPLES, "thresholds": [("global",), ("global", "layer"), (),
                                                       ("nope",), "global", None, (3,)],
           "steps": [(2,), 2, np.int64(2), (), (0,), (2**70,), (2.5,), (True,), True, "2",
                     None, 2**70],
           "batch": ints(8, 1) + [2**40], "lr": reals(0.05),
           "test_points": ints(8, 1) + [2**40]},
          dataclasses.asdict(TINY_SWEEP), examples=30),
    Entry("pipe_width_sweep_target_weights", width_sweep.target_weights,
          {"0": [(1, 1), (2, 3, 1), [2, 2], (1,), (), (0, 1), (-1, 1), (1.5, 1), (True, 1),
                 "ab", None, 3, (2**40, 2**40), (np.int64(2), 2), np.array([2, 2])],
           "1": ints(0, 7)},
          {"0": (2, 3, 1), "1": 0}),
    Entry("pipe_width_sweep_target_forward", width_sweep.target_forward,
          {"0": [MATS, MATS[:1], [np.eye(2)], [], None, "ab", 3, [None], [[1.0, 2.0]],
                 [np.zeros((3, 2)), np.zeros((2, 2))], [np.zeros(3)], [np.array([["a"]])],
                 [np.full((3, 2), np.nan)], (MATS[0], MATS[1]), _Opaque(),
                 [np.zeros((2, 2, 2))], [np.zeros((0, 2))]],
           "1": [np.ones((4, 2)), np.ones((1, 2)), [[0.5, -0.5]], np.ones((4, 3)),
                 np.ones((0, 2)), np.ones(2), None, "ab", 3, [[np.nan, 1.0]],
                 np.array([["a", "b"]]), np.ones((2, 2, 2)), [[1.0], [2.0, 3.0]],
                 np.ones((4, 2), dtype=np.float32), np.array([[True, False]])]},
          {"0": MATS, "1": np.ones((4, 2))}, examples=20),
    Entry("pipe_width_sweep_sphere_points", width_sweep.sphere_points,
          {"0": ints(1, 2, 3) + [2**40], "1": ints(8, 1) + [2**40], "seed": ints(0, 5)},
          {"0": 3, "1": 8, "seed": 0}, examples=20),
    Entry("pipe_width_sweep_search_settings", width_sweep.search_settings,
          {"0": SWEEP_CONFIGS}, {"0": TINY_SWEEP}),
    Entry("pipe_width_sweep_sweep_tasks", width_sweep.sweep_tasks,
          {"0": SWEEP_CONFIGS}, {"0": TINY_SWEEP}),
    Entry("pipe_width_sweep_summarise", width_sweep.summarise,
          {"0": SWEEP_ROWS, "1": SWEEP_CONFIGS + [SWEEP_GOOD]},
          {"0": _sweep_rows(SWEEP_GOOD), "1": SWEEP_GOOD}, examples=20),
    Entry("pipe_width_sweep_run_one", width_sweep.run_one, {"0": SWEEP_TASKS}, {"0": SWEEP_TASK},
          examples=20, seconds=60),
]

# ----------------------------------------------------------------------------------- reproduce

#: The smallest scale of `slt reproduce` (a Scale is an ordinary argument of every stage): one
#: point of every grid, one seed, two Adam steps, one training epoch.
TINY_SCALE = dataclasses.replace(
    reproduce.SCALES["smoke"], mc_trials=50, construction_widths=(8,), construction_seeds=2,
    sweep_widths=(4,), sweep_seeds=(0,), sweep_steps=(2,), frontier_seeds=1,
    frontier_mlp_width=4, bounds_eps=(0.2,))  # eps 0.2: the width bound solves in milliseconds
SCALE_VALUES = [TINY_SCALE, "smoke", np.str_("smoke"), "SMOKE", "nope", "", None, 3, ["smoke"],
                {"smoke": 1}, _Opaque(), TINY_FRONTIER]
STAGE_PARAMS = {"0": paths("st"), "1": SCALE_VALUES,
                "scheduler": [None, "not-an-address", "", 3, "tcp://", ["x"]],
                "workers": _workers(), "progress": flags()}
STAGE_BASE = {"0": "st", "1": TINY_SCALE, "scheduler": None, "workers": 1, "progress": False}


def _stage_entry(stage, examples, seconds=120, slow_scale=False):
    params = dict(STAGE_PARAMS)
    if slow_scale:  # the smoke scale takes too long for a fuzz call of this stage
        params["1"] = [v for v in SCALE_VALUES if not (isinstance(v, str) and v == "smoke")]
    return Entry(f"pipe_reproduce_{stage.__name__}", stage, params, dict(STAGE_BASE),
                 setup=_files, examples=examples, seconds=seconds)


REPRODUCE = [
    Entry("pipe_reproduce", reproduce.reproduce,
          {"out": paths("rep"), "scale": SCALE_VALUES + ["quick"],
           "stages": [("bounds",), ["bounds"], (), ("nope",), "bounds", None, 3, [["bounds"]],
                      (np.str_("bounds"),), ("bounds", "bounds"), {"bounds": 1}, _Opaque(),
                      ("bounds", 3)],
           "scheduler": [None, "not-an-address", "", 3, "tcp://"], "workers": _workers(),
           "progress": flags()},
          {"out": "rep", "scale": "smoke", "stages": ("bounds",), "scheduler": None,
           "workers": 1, "progress": False},
          setup=_files, examples=4, seconds=120),
    _stage_entry(reproduce.stage_bounds, examples=5),
    _stage_entry(reproduce.stage_montecarlo, examples=3),
    _stage_entry(reproduce.stage_construction, examples=6),
    _stage_entry(reproduce.stage_width_sweep, examples=2, slow_scale=True),
    _stage_entry(reproduce.stage_frontier, examples=2, seconds=240, slow_scale=True),
]

# ------------------------------------------------------------------------------ train callbacks

TINY_RUN = RunHparams(data=DataHparams(dataset="digits", batch_size=512),
                      model=ModelHparams(name="mlp", hidden=(4,)),
                      train=TrainHparams(epochs=1))


class _Recorder(train.Callback):
    """A user's callback (a subclass of Callback), as the docs say to write one."""

    def on_epoch_end(self, state):
        state.row["recorded"] = state.epoch


CALLBACKS = [[train.Evaluate(), train.SelectBest(), train.Checkpoint(), train.MetricsLog()],
             [train.Callback()], [_Recorder()], (_Recorder(),), None, [], [None], ["x"],
             [train.Callback], train.Callback(), "cb", 3, [_Opaque()], [lambda s: None],
             {"a": train.Callback()}]

CALLBACKS_ROWS = [
    # the callbacks' constructors take nothing; train() is what calls their hooks
    *(Entry(f"pipe_train_{cls.__name__}", cls, {}, {}, examples=1)
      for cls in (train.Callback, train.Evaluate, train.SelectBest, train.Checkpoint,
                  train.MetricsLog)),
    Entry("pipe_train_callbacks", train.train,
          {"0": [TINY_RUN, None, "x"], "runs_dir": paths("runs"), "callbacks": CALLBACKS,
           "provenance": [None, {}, {"a": 1}, {"a": float("nan")}, {"a": _Opaque()}, "x",
                          {"a": np.int64(1)}]},
          {"0": TINY_RUN, "runs_dir": "runs", "callbacks": [_Recorder()], "progress": False,
           "device": "cpu", "provenance": None},
          setup=_files, examples=6, seconds=120,
          covers=("empirical.train.Callback", "empirical.train.Evaluate",
                  "empirical.train.SelectBest", "empirical.train.Checkpoint",
                  "empirical.train.MetricsLog")),
]

#: The rows of this table (test_fuzz_public_api.py runs them).
PIPELINES: list = FRONTIER + WIDTH_SWEEP + REPRODUCE + CALLBACKS_ROWS
