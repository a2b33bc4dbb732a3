"""Width sweeps: tasks, determinism, the success summary, and the planted target's norms."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from empirical.width_sweep import (  # noqa: E402
    WidthSweepConfig, planted_target, run_one, summarise, sweep_tasks, target_forward,
)
from slt_theory.errors import InvalidParameterError  # noqa: E402

TINY = WidthSweepConfig(widths=(8, 16), seeds=(0, 1), steps=15, freeze_settings=((0.0, 0.0), (0.25, 0.25)))


def test_default_grid_meets_the_issue():
    c = WidthSweepConfig()
    assert len(c.widths) >= 6 and max(c.widths) / min(c.widths) >= 10
    assert len(c.seeds) >= 5 and len(c.eps_values) >= 2
    assert {(0.0, 0.0)} <= set(c.freeze_settings)
    assert any(l == 0 and p > 0 for p, l in c.freeze_settings)
    assert any(l > 0 and p > 0 for p, l in c.freeze_settings)


def test_planted_target_has_unit_spectral_norm_and_is_homogeneous():
    mats = planted_target((3, 4, 2), seed=5)
    assert [m.shape for m in mats] == [(4, 3), (2, 4)]
    assert all(np.isclose(np.linalg.norm(m, 2), 1.0) for m in mats)
    x = np.random.default_rng(0).standard_normal((7, 3))
    assert np.allclose(target_forward(mats, 2.5 * x), 2.5 * target_forward(mats, x))


def test_tasks_cover_the_grid_once():
    tasks = sweep_tasks(TINY)
    assert len(tasks) == 2 * 2 * 2
    assert len({(t["prune_ratio"], t["lock_ratio"], t["width"], t["seed"]) for t in tasks}) == len(tasks)


def test_run_is_deterministic_and_respects_the_freeze_budget():
    task = sweep_tasks(TINY)[-1]
    a, b = run_one(task), run_one(task)
    assert a == b
    assert a["error"] >= 0.0
    # Edge-Popup keeps the share free_keep_share of the free weights
    free = 1 - task["prune_ratio"] - task["lock_ratio"]
    assert a["sparsity"] == pytest.approx(task["prune_ratio"] + (1 - task["free_keep_share"]) * free)


def test_training_lowers_the_error():
    task = {**sweep_tasks(TINY)[0], "width": 64}
    before = run_one({**task, "steps": 1})["error"]
    after = run_one({**task, "steps": 200})["error"]
    assert after < before


def test_summary_picks_the_smallest_width_reaching_eps():
    c = WidthSweepConfig(widths=(4, 8, 16), seeds=(0, 1), eps_values=(0.1,), delta=0.4,
                         freeze_settings=((0.0, 0.0),))
    rows = [{"prune_ratio": 0.0, "lock_ratio": 0.0, "width": w, "seed": s, "error": e}
            for (w, s, e) in [(4, 0, 0.5), (4, 1, 0.5), (8, 0, 0.05), (8, 1, 0.2), (16, 0, 0.05), (16, 1, 0.01)]]
    (s,) = summarise(rows, c)
    assert s["shares"] == {4: 0.0, 8: 0.5, 16: 1.0}
    assert s["smallest_width"] == 16  # the bar is 1 - delta = 0.6: width 8 (share 0.5) misses it


@pytest.mark.parametrize("kwargs", [dict(widths=(0, 4)), dict(eps_values=(1.5,)), dict(delta=0.0),
                                    dict(freeze_settings=((0.6, 0.5),)), dict(target_widths=(1,)),
                                    dict(free_keep_share=1.0)])
def test_bad_config(kwargs):
    with pytest.raises(InvalidParameterError):
        WidthSweepConfig(**kwargs)
