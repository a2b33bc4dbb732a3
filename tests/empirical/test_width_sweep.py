"""Width sweeps: the grid of search settings, determinism, the targets shared with the
construction, the sup points, and the choice of the search setting per width."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from empirical.width_sweep import (  # noqa: E402
    SEARCH_KEYS, WidthSweepConfig, run_one, search_settings, sphere_points, summarise,
    sweep_tasks, target_forward, target_weights,
)
from slt_theory.construction import TargetNetwork  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

TINY = WidthSweepConfig(widths=(8, 16), seeds=(0, 1), steps=15,
                        freeze_settings=((0.0, 0.0), (0.25, 0.25)))


def test_tasks_cover_the_grid_and_search_settings_once():
    tasks = sweep_tasks(TINY)
    assert len(search_settings(TINY)) == 2 * 2 * 1  # keep shares x thresholds x steps
    assert len(tasks) == 2 * 2 * 2 * 4
    keys = {(t["prune_ratio"], t["lock_ratio"], t["width"], t["seed"],
             *(t[k] for k in SEARCH_KEYS)) for t in tasks}
    assert len(keys) == len(tasks)
    assert TINY.steps == (15,)  # an int is one setting


def test_targets_are_the_constructions_targets():
    for seed in (0, 3):
        ours = target_weights((2, 2), seed)
        theirs = TargetNetwork.random((2, 2), seed=seed).weights
        assert all(np.array_equal(a, b) for a, b in zip(ours, theirs))
        assert all(np.linalg.norm(w, 2) <= 1 + 1e-12 for w in ours)
    x = np.random.default_rng(0).standard_normal((7, 2))
    mats = target_weights((2, 3, 2), 1)
    assert np.allclose(target_forward(mats, 2.5 * x), 2.5 * target_forward(mats, x))


def test_sphere_points_reach_the_sup_for_one_and_two_inputs():
    assert sphere_points(1, 50).tolist() == [[1.0], [-1.0]]
    # a piecewise-linear homogeneous error on the circle: the grid's max is within pi/m of it
    p = sphere_points(2, 720)
    w = np.array([0.3, -0.8])
    err = np.abs(np.maximum(p @ w, 0) - 0.5 * p[:, 0])
    fine = sphere_points(2, 200000)
    true = np.abs(np.maximum(fine @ w, 0) - 0.5 * fine[:, 0]).max()
    assert true - np.pi / 720 * 2 <= err.max() <= true
    assert sphere_points(3, 10).shape == (16, 3)


@pytest.mark.parametrize("threshold", ["global", "layer"])
def test_run_is_deterministic_and_respects_the_keep_share(threshold):
    task = {**sweep_tasks(TINY)[-1], "threshold": threshold}
    a, b = run_one(task), run_one(task)
    assert a == b
    assert a["error"] >= 0.0 and a["val_mse"] >= 0.0
    free = 1 - task["prune_ratio"] - task["lock_ratio"]
    assert a["sparsity"] == pytest.approx(task["prune_ratio"] + (1 - task["keep_share"]) * free)


def test_training_lowers_the_error():
    task = {**sweep_tasks(TINY)[0], "width": 64, "threshold": "layer", "keep_share": 0.5}
    before = run_one({**task, "steps": 1})
    after = run_one({**task, "steps": 150})
    assert after["val_mse"] < before["val_mse"]


def _rows(cells):
    return [{"prune_ratio": 0.0, "lock_ratio": 0.0, "width": w, "seed": s, "keep_share": k,
             "threshold": "layer", "steps": 10, "error": e, "val_mse": v}
            for (w, k, s, e, v) in cells]


def test_summary_chooses_the_setting_on_validation_not_on_the_test_error():
    c = WidthSweepConfig(widths=(4, 8), seeds=(0, 1), eps_values=(0.1,), delta=0.4,
                         freeze_settings=((0.0, 0.0),), keep_shares=(0.1, 0.5),
                         thresholds=("layer",), steps=10)
    rows = _rows([
        # width 4: keep 0.5 has the lower validation MSE but fails eps; keep 0.1 meets it
        (4, 0.1, 0, 0.05, 0.3), (4, 0.1, 1, 0.05, 0.3), (4, 0.5, 0, 0.5, 0.1), (4, 0.5, 1, 0.5, 0.1),
        # width 8: keep 0.1 is chosen and meets eps in one seed of two
        (8, 0.1, 0, 0.05, 0.01), (8, 0.1, 1, 0.2, 0.01), (8, 0.5, 0, 0.5, 0.1), (8, 0.5, 1, 0.5, 0.1),
    ])
    (s,) = summarise(rows, c)
    assert s["chosen"][4]["keep_share"] == 0.5 and s["chosen"][8]["keep_share"] == 0.1
    assert s["shares"] == {4: 0.0, 8: 0.5}
    assert s["best_shares"] == {4: 1.0, 8: 0.5}
    assert s["smallest_width"] is None  # the bar is 1 - delta = 0.6
    assert s["smallest_width_best"] == 4  # optimistic: chosen on the same seeds


@pytest.mark.parametrize("kwargs", [dict(widths=(0, 4)), dict(eps_values=(1.5,)), dict(delta=0.0),
                                    dict(freeze_settings=((0.6, 0.5),)), dict(target_widths=(1,)),
                                    dict(keep_shares=(1.0,)), dict(thresholds=("row",)),
                                    dict(steps=(0,)), dict(seeds=()), dict(freeze_settings=(0.5,))])
def test_bad_config(kwargs):
    with pytest.raises(InvalidParameterError):
        WidthSweepConfig(**kwargs)
