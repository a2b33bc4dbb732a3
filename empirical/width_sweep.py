"""Width sweeps: how wide must a frozen random source be for Edge-Popup to find a ticket that
approximates a target network, next to the width the theory requires (issue #6).

For each (prune_ratio, lock_ratio, width, seed) a source of depth 2l with hidden widths
(width, d_1, width, d_2, ..., width) and iid U[-1, 1] weights (the theory's source, docs/theory.md
Section 4) is searched with Edge-Popup, trained on the squared output error to the target on
points of the unit sphere. The error reached is the largest l2 output error over a fixed set of
test points on the sphere (both networks are positively homogeneous, so this estimates the sup
over the unit ball from below). A width *reaches* eps when at least a fraction 1 - delta of the
seeds end with error <= eps; eps is applied after training, since training does not depend on it.

Edge-Popup keeps a fixed number of weights (global threshold). Here it keeps the share
``free_keep_share`` of the FREE weights, so sparsity (fraction of weights removed) is
prune_ratio + (1 - free_keep_share) * (1 - prune_ratio - lock_ratio): every source searches the
same share of what it may choose. The theory's construction chooses subsets of any size; that
difference is part of what the sweep measures. The error reported is the one after the last step
(cosine learning-rate decay), not the best seen, so test points never select a model.
"""

import dataclasses
import math

import numpy as np

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError

__all__ = ["WidthSweepConfig", "planted_target", "run_one", "sweep_tasks", "summarise"]


@dataclasses.dataclass(frozen=True)
class WidthSweepConfig:
    """The grid of a width sweep (defaults: the quick grid of the main job).

    widths spans a factor of 128 over 8 values; 5 seeds; 2 eps; 3 freeze settings. Edge-Popup
    keeps 10% of the free weights: with half of them kept, the kept products' sum has a spread
    of order sqrt(width) that the search failed to cancel at large widths (error growing with
    width); with 10% the error falls with width.
    """

    target_widths: tuple = (1, 1)
    target_seed: int = 0
    widths: tuple = (32, 64, 128, 256, 512, 1024, 2048, 4096)
    seeds: tuple = (0, 1, 2, 3, 4)
    eps_values: tuple = (0.1, 0.05)
    delta: float = 0.2
    freeze_settings: tuple = ((0.0, 0.0), (0.5, 0.0), (0.25, 0.25))
    free_keep_share: float = 0.1
    steps: int = 300
    batch: int = 256
    lr: float = 0.05
    test_points: int = 512

    def __post_init__(self):
        if len(self.target_widths) < 2:
            raise InvalidParameterError(f"target_widths must hold d_0..d_l (>= 2 ints), got {self.target_widths!r}")
        for i, w in enumerate(self.target_widths):
            _validate.integer(f"target_widths[{i}]", w, minimum=1)
        for i, w in enumerate(self.widths):
            _validate.integer(f"widths[{i}]", w, minimum=1)
        for e in self.eps_values:
            _validate.open_unit("eps_values", e)
        _validate.open_unit("delta", self.delta)
        _validate.open_unit("free_keep_share", self.free_keep_share)
        for p, l in self.freeze_settings:
            _validate.freeze_split(p, l)
        _validate.integer("steps", self.steps, minimum=1)
        _validate.integer("batch", self.batch, minimum=1)
        _validate.positive("lr", self.lr)

    @property
    def depth(self):
        return len(self.target_widths) - 1


def planted_target(target_widths, seed):
    """Target weight matrices W_1..W_l (W_i of shape d_i x d_{i-1}), iid normal entries rescaled
    to spectral norm exactly 1 (so the norm hypothesis of Theorem 5 holds with equality)."""
    rng = np.random.default_rng([int(seed), 7919])
    mats = []
    for d_in, d_out in zip(target_widths[:-1], target_widths[1:]):
        w = rng.standard_normal((d_out, d_in))
        mats.append(w / np.linalg.norm(w, 2))
    return mats


def target_forward(mats, x):
    """f(x) = W_l relu(... relu(W_1 x)), rows of x are inputs."""
    h = x
    for i, w in enumerate(mats):
        h = h @ w.T
        if i < len(mats) - 1:
            h = np.maximum(h, 0.0)
    return h


def _sphere(rng, m, d):
    x = rng.standard_normal((m, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _test_points(d, m, seed):
    rng = np.random.default_rng([int(seed), 104729])
    eye = np.eye(d)
    return np.concatenate([_sphere(rng, m, d), eye, -eye])


def sweep_tasks(config):
    """One task dict per (prune_ratio, lock_ratio, width, seed)."""
    base = {k: v for k, v in dataclasses.asdict(config).items()
            if k not in ("widths", "seeds", "eps_values", "delta", "freeze_settings")}
    base["target_widths"] = list(config.target_widths)
    return [
        {**base, "prune_ratio": p, "lock_ratio": l, "width": int(w), "seed": int(s)}
        for p, l in config.freeze_settings for w in config.widths for s in config.seeds
    ]


def run_one(task):
    """Train one Edge-Popup ticket; returns {"error": sup error on the test points, ...}."""
    import torch

    from .layers import SupermaskConfig, attach_threshold_hook, initialize
    from .init import InitSpec
    from .models import MLP

    torch.set_num_threads(1)
    dims = task["target_widths"]
    mats = planted_target(dims, task["target_seed"])
    hidden = []
    for i, d in enumerate(dims[1:]):
        hidden.append(task["width"])
        if i < len(dims) - 2:
            hidden.append(d)
    model = MLP(in_features=dims[0], hidden=tuple(hidden), out_features=dims[-1])
    free = 1.0 - task["prune_ratio"] - task["lock_ratio"]
    sparsity = task["prune_ratio"] + (1.0 - task["free_keep_share"]) * free
    cfg = SupermaskConfig(
        seed=task["seed"], sparsity=sparsity, prune_ratio=task["prune_ratio"],
        lock_ratio=task["lock_ratio"], init=InitSpec(weight_init="uniform", score_init="kaiming_normal"),
    )
    initialize(model, cfg)
    torch.manual_seed(task["seed"])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=task["lr"])
    attach_threshold_hook(opt, model)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=task["steps"])
    rng = np.random.default_rng([task["seed"], 31337])
    test_x = _test_points(dims[0], task["test_points"], task["target_seed"])
    test_y = target_forward(mats, test_x)

    def sup_error():
        with torch.no_grad():
            out = model(torch.as_tensor(test_x, dtype=torch.float32)).double().numpy()
        return float(np.max(np.linalg.norm(out - test_y, axis=1)))

    for _ in range(task["steps"]):
        x = _sphere(rng, task["batch"], dims[0])
        y = torch.as_tensor(target_forward(mats, x), dtype=torch.float32)
        loss = torch.mean((model(torch.as_tensor(x, dtype=torch.float32)) - y) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
    return {"error": sup_error(), "sparsity": sparsity}


def summarise(rows, config):
    """For each (setting, eps): the smallest width whose success share over seeds is >= 1 - delta.

    Returns a list of dicts with the per-width success shares and that smallest width (None when
    no width of the grid reaches it).
    """
    out = []
    for p, l in config.freeze_settings:
        for eps in config.eps_values:
            shares = {}
            for w in config.widths:
                errs = [r["error"] for r in rows if r["prune_ratio"] == p and r["lock_ratio"] == l
                        and r["width"] == w]
                shares[w] = (sum(e <= eps for e in errs) / len(errs)) if errs else math.nan
            reached = [w for w in config.widths if shares[w] >= 1 - config.delta - 1e-12]
            out.append({"prune_ratio": p, "lock_ratio": l, "eps": eps, "shares": shares,
                        "smallest_width": min(reached) if reached else None})
    return out
