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
from slt_theory.errors import InvalidParameterError, ResourceLimitError  # noqa: E402

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


# ------------------------------------------------------------------ issue-12 fuzz regressions

@pytest.mark.parametrize("fn", [search_settings, sweep_tasks, lambda c: summarise([], c)])
@pytest.mark.parametrize("config", [None, "x", {}, 3])
def test_grid_functions_refuse_what_is_not_a_config(fn, config):
    with pytest.raises(InvalidParameterError, match="WidthSweepConfig"):
        fn(config)


def _task_rows(config):
    return [dict(t, error=0.01, val_mse=0.001, sparsity=0.5) for t in sweep_tasks(config)]


@pytest.mark.parametrize("change", [
    lambda rows: None, lambda rows: "rows", lambda rows: [{}], lambda rows: rows + [None],
    lambda rows: [dict(r, val_mse=float("nan")) for r in rows],
    lambda rows: [dict(r, error="0.1") for r in rows],
    lambda rows: [dict(r, width=["8"]) for r in rows],
    lambda rows: [{k: v for k, v in r.items() if k != "error"} for r in rows]])
def test_summarise_refuses_malformed_rows(change):
    assert summarise(_task_rows(TINY), TINY)  # the good rows pass
    with pytest.raises(InvalidParameterError, match="rows"):
        summarise(change(_task_rows(TINY)), TINY)


@pytest.mark.parametrize("widths, seed", [(None, 0), (3, 0), ((2, 2), None), ((2, 2), -1),
                                          ((2, 2), float("nan")), ((2, 2), "1")])
def test_target_weights_refuses_bad_input(widths, seed):
    with pytest.raises(InvalidParameterError):
        target_weights(widths, seed)


def test_target_forward_checks_its_arrays_and_keeps_its_value():
    mats = target_weights((2, 3, 1), 4)
    x = np.random.default_rng(0).standard_normal((5, 2))
    plain = np.maximum(x @ mats[0].T, 0.0) @ mats[1].T
    assert np.array_equal(target_forward(mats, x), plain)
    for bad_mats, bad_x in [([], x), (None, x), ([[1.0, 2.0]], x), (mats[::-1], x),
                            ([np.full((3, 2), np.nan), mats[1]], x), (mats, np.ones((5, 3))),
                            (mats, np.ones(2)), (mats, [[np.nan, 1.0]]), (mats, "ab"),
                            (mats, [[1.0], [2.0, 3.0]])]:
        with pytest.raises(InvalidParameterError):
            target_forward(bad_mats, bad_x)


@pytest.mark.parametrize("d, m, seed, error", [
    (0, 8, 0, InvalidParameterError), (3, "8", 0, InvalidParameterError),
    (3, 8, -1, InvalidParameterError), (3, 8, None, InvalidParameterError),
    (3, 2**40, 0, ResourceLimitError), (2**40, 8, 0, ResourceLimitError)])
def test_sphere_points_refuses_bad_or_huge_requests(d, m, seed, error):
    with pytest.raises(error):
        sphere_points(d, m, seed)


@pytest.mark.parametrize("change", [
    {"steps": 2**70}, {"batch": 2**40}, {"seed": 2**70}, {"seed": "0"}, {"width": 2**40},
    {"target_widths": None}, {"test_points": 2**40}, {"threshold": "row"}])
def test_run_one_refuses_a_bad_task_before_training(change):
    task = dict(sweep_tasks(TINY)[0], **change)
    with pytest.raises(InvalidParameterError):
        run_one(task)
    with pytest.raises(InvalidParameterError, match="lacks"):
        run_one({k: v for k, v in sweep_tasks(TINY)[0].items() if k != "steps"})
    with pytest.raises(InvalidParameterError, match="dict"):
        run_one([sweep_tasks(TINY)[0]])
