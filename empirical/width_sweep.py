"""Width sweeps: how wide must a frozen random source be for Edge-Popup to find a ticket that
approximates a target network, next to the proof's construction and the proved width.

For each (prune_ratio, lock_ratio, width, seed) and each *search setting* (the share of the FREE
weights the ticket keeps, per-layer or global thresholds, the number of steps) a source of depth
2l with hidden widths (width, d_1, width, ..., width) and iid U[-1, 1] weights (the theory's
source, docs/theory.md Section 4) is searched with Edge-Popup on the squared output error to a
target drawn as the construction draws it (``slt_theory.construction.TargetNetwork.random`` with
the run's seed, so Edge-Popup and ``success_probability`` face the same targets seed by seed).

The error is the largest l2 output error over test points of the unit sphere. Both networks are
positively homogeneous (ReLU, no biases), so the sup over the unit ball is reached on the sphere:

- one input (d_0 = 1): the sphere is {-1, +1}, so the test at x = +-1 *is* the sup, exactly;
- two inputs: an even grid of ``test_points`` angles on the circle (a lower bound on the sup
  that misses it by at most the error's Lipschitz constant times pi / test_points);
- more inputs: random points of the sphere and +-e_i (a lower bound).

A width *reaches* eps for a setting when at least a share 1 - delta of the seeds end with error
<= eps; eps is applied after training, since training does not depend on it. Per width the
search setting is *chosen* by the mean squared error on fresh validation inputs drawn from the
training distribution (:func:`summarise`); the test points never choose. The best share over all
settings is reported beside it, labelled as chosen on the same seeds (optimistic).

Sparsity (fraction of weights removed) is prune_ratio + (1 - keep_share)(1 - prune_ratio -
lock_ratio): every source searches the same share of what it may choose. The error reported is
the one after the last step (cosine learning-rate decay), not the best seen.
"""

import dataclasses
import math

import numpy as np

from slt_theory import _validate
from slt_theory.errors import InvalidParameterError, ResourceLimitError

__all__ = ["WidthSweepConfig", "target_weights", "target_forward", "sphere_points", "run_one",
           "sweep_tasks", "search_settings", "summarise", "SEARCH_KEYS"]

SEARCH_KEYS = ("keep_share", "threshold", "steps")
# Bounds on the work of one run (run_one draws steps x batch inputs and holds a source of hidden
# width ``width``): far past every scale of `slt reproduce` (2,000 steps, 256 inputs, width 4,096),
# low enough that a typo is refused instead of running for days or exhausting memory.
MAX_STEPS = 10**6
MAX_BATCH = 2**20
MAX_WIDTH = 2**20
MAX_SEED = 2**64 - 1  # the range torch.manual_seed takes
#: Most numbers sphere_points returns ((m + 2d) x d doubles: 512 MiB).
MAX_SPHERE_ENTRIES = 2**26


def _tuple(name, value):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidParameterError(f"{name} must be a tuple, got {value!r}")
    value = tuple(value)
    if not value:
        raise InvalidParameterError(f"{name} must not be empty")
    return value


@dataclasses.dataclass(frozen=True)
class WidthSweepConfig:
    """The grid of a width sweep (defaults: a quick grid for one target weight).

    Parameters
    ----------
    target_widths : tuple of int
        d_0..d_l of the target.
    widths, seeds, eps_values, delta, freeze_settings
        The hidden widths, the seeds (one target and one source each), the accuracies, the
        failure probability and the (prune_ratio, lock_ratio) pairs.
    keep_shares, thresholds, steps
        The search settings swept at every width: the share of the FREE weights the ticket
        keeps, ``"layer"`` or ``"global"`` thresholds, and the number of Adam steps (an int is
        one setting).
    batch, lr, test_points
        Inputs per step, Adam's learning rate (cosine decay to 0), and the number of test
        points (angles on the circle for two inputs).
    """

    target_widths: tuple = (1, 1)
    widths: tuple = (16, 32, 64, 128, 256)
    seeds: tuple = (0, 1, 2, 3, 4)
    eps_values: tuple = (0.2, 0.1, 0.05)
    delta: float = 0.2
    freeze_settings: tuple = ((0.0, 0.0), (0.5, 0.0), (0.25, 0.25))
    keep_shares: tuple = (0.1, 0.5)
    thresholds: tuple = ("global", "layer")
    steps: tuple = (500,)
    batch: int = 256
    lr: float = 0.05
    test_points: int = 1024

    def __post_init__(self):
        if isinstance(self.steps, (int, np.integer)) and not isinstance(self.steps, bool):
            object.__setattr__(self, "steps", (int(self.steps),))
        for name in ("target_widths", "widths", "seeds", "eps_values", "freeze_settings",
                     "keep_shares", "thresholds", "steps"):
            object.__setattr__(self, name, _tuple(name, getattr(self, name)))
        if len(self.target_widths) < 2:
            raise InvalidParameterError(
                f"target_widths must hold d_0..d_l (>= 2 ints), got {self.target_widths!r}")
        for i, w in enumerate(self.target_widths):
            _validate.integer(f"target_widths[{i}]", w, minimum=1)
        for i, w in enumerate(self.widths):
            _validate.integer(f"widths[{i}]", w, minimum=1, maximum=MAX_WIDTH)
        for s in self.seeds:
            _validate.integer("seeds", s, minimum=0, maximum=MAX_SEED)
        for e in self.eps_values:
            _validate.open_unit("eps_values", e)
        _validate.open_unit("delta", self.delta)
        for pair in self.freeze_settings:
            if not hasattr(pair, "__len__") or len(pair) != 2:
                raise InvalidParameterError(
                    f"freeze_settings must hold (prune_ratio, lock_ratio) pairs, got {pair!r}")
            _validate.freeze_split(*pair)
        for k in self.keep_shares:
            _validate.open_unit("keep_shares", k)
        for t in self.thresholds:
            _validate.choice("thresholds", t, {"global", "layer"})
        for s in self.steps:
            _validate.integer("steps", s, minimum=1, maximum=MAX_STEPS)
        _validate.integer("batch", self.batch, minimum=1, maximum=MAX_BATCH)
        _validate.positive("lr", self.lr)
        _validate.integer("test_points", self.test_points, minimum=1)
        _check_sphere_size(self.target_widths[0], self.test_points)

    @property
    def depth(self):
        return len(self.target_widths) - 1


def _config(config):
    if not isinstance(config, WidthSweepConfig):
        raise InvalidParameterError(f"config must be a WidthSweepConfig, got {config!r}")
    return config


def target_weights(target_widths, seed):
    """W_1..W_l of the target of seed ``seed``: exactly the target the construction's
    ``success_probability`` draws for that seed (entries U[-1, 1], each layer divided by
    max(1, its spectral norm)). ``target_widths`` and ``seed`` are checked as
    ``TargetNetwork.random`` checks them (InvalidParameterError)."""
    from slt_theory.construction import TargetNetwork

    seed = _validate.integer("seed", seed, minimum=0)
    return [np.asarray(w) for w in TargetNetwork.random(target_widths, seed=seed).weights]


def _matrix(name, value, ndim=2):
    """A finite real array of ``ndim`` dimensions, as float64 (refused otherwise)."""
    try:
        a = np.asarray(value)
    except (ValueError, TypeError):  # a ragged list
        raise InvalidParameterError(
            f"{name} must be a {ndim}-D array of real numbers, got {value!r}") from None
    if a.dtype.kind not in "iuf" or a.ndim != ndim or a.size == 0:
        raise InvalidParameterError(
            f"{name} must be a non-empty {ndim}-D array of real numbers, got {value!r}")
    a = a.astype(np.float64)
    if not np.isfinite(a).all():
        raise InvalidParameterError(f"{name} must hold finite numbers, got {value!r}")
    return a


def target_forward(mats, x):
    """f(x) = W_l relu(... relu(W_1 x)), rows of x are inputs.

    ``mats`` is a non-empty list of finite 2-D arrays W_i of shapes (d_i, d_{i-1}) that chain,
    ``x`` a finite 2-D array with d_0 columns; anything else is an InvalidParameterError.
    """
    if not isinstance(mats, (list, tuple)) or not mats:
        raise InvalidParameterError(f"mats must be a non-empty list of 2-D arrays, got {mats!r}")
    mats = [_matrix(f"mats[{i}]", w) for i, w in enumerate(mats)]
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise InvalidParameterError(
                f"mats must chain: mats[{i}] has shape {mats[i].shape}, mats[{i - 1}] "
                f"{mats[i - 1].shape}")
    x = _matrix("x", x)
    if x.shape[1] != mats[0].shape[1]:
        raise InvalidParameterError(
            f"x must have {mats[0].shape[1]} columns (d_0 of mats[0]), got shape {x.shape}")
    h = x
    for i, w in enumerate(mats):
        h = h @ w.T
        if i < len(mats) - 1:
            h = np.maximum(h, 0.0)
    return h


def _sphere(rng, m, d):
    x = rng.standard_normal((m, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def sphere_points(d, m, seed=0):
    """Points of the unit sphere of R^d on which the sup error is taken (see the module text):
    {-1, +1} for d = 1, ``m`` even angles for d = 2, random points and +-e_i otherwise.

    Examples
    --------
    >>> sphere_points(1, 100).ravel().tolist()
    [1.0, -1.0]
    >>> p = sphere_points(2, 8)
    >>> p.shape, bool(np.allclose(np.linalg.norm(p, axis=1), 1.0))
    ((8, 2), True)

    ``d`` and ``m`` are integers >= 1, ``seed`` >= 0; more than :data:`MAX_SPHERE_ENTRIES`
    numbers ((m + 2d) d) is a ResourceLimitError.
    """
    d = _validate.integer("d", d, minimum=1)
    m = _validate.integer("m", m, minimum=1)
    seed = _validate.integer("seed", seed, minimum=0)
    _check_sphere_size(d, m)
    if d == 1:
        return np.array([[1.0], [-1.0]])
    if d == 2:
        angle = 2 * np.pi * np.arange(m) / m
        return np.stack([np.cos(angle), np.sin(angle)], axis=1)
    rng = np.random.default_rng([int(seed), 104729])
    eye = np.eye(d)
    return np.concatenate([_sphere(rng, m, d), eye, -eye])


def _check_sphere_size(d, m):
    if (m + 2 * d) * d > MAX_SPHERE_ENTRIES:
        raise ResourceLimitError(
            f"sphere_points(d={d}, m={m}) would hold (m + 2d) d = {(m + 2 * d) * d:,} numbers; "
            f"at most {MAX_SPHERE_ENTRIES:,} are allowed (lower test_points)")


def search_settings(config):
    """The search settings of the grid, as dicts with the keys of :data:`SEARCH_KEYS`."""
    _config(config)
    return [{"keep_share": k, "threshold": t, "steps": int(s)}
            for k in config.keep_shares for t in config.thresholds for s in config.steps]


def sweep_tasks(config):
    """One task dict per (prune_ratio, lock_ratio, width, seed, search setting)."""
    _config(config)
    base = {"target_widths": list(config.target_widths), "batch": config.batch, "lr": config.lr,
            "test_points": config.test_points}
    return [
        {**base, "prune_ratio": p, "lock_ratio": l, "width": int(w), "seed": int(s), **search}
        for p, l in config.freeze_settings for w in config.widths for s in config.seeds
        for search in search_settings(config)
    ]


_TASK_KEYS = ("target_widths", "batch", "lr", "test_points", "prune_ratio", "lock_ratio", "width",
              "seed", *SEARCH_KEYS)


def _check_task(task):
    """A task of :func:`sweep_tasks`: a dict with every key, whose values pass the checks of a
    one-point :class:`WidthSweepConfig` (so a task is held to the same ranges as a grid)."""
    if not isinstance(task, dict):
        raise InvalidParameterError(f"task must be a dict made by sweep_tasks(), got {task!r}")
    missing = [k for k in _TASK_KEYS if k not in task]
    if missing:
        raise InvalidParameterError(f"task lacks the key(s) {missing} (make tasks with sweep_tasks())")
    WidthSweepConfig(
        target_widths=task["target_widths"], widths=(task["width"],), seeds=(task["seed"],),
        freeze_settings=((task["prune_ratio"], task["lock_ratio"]),),
        keep_shares=(task["keep_share"],), thresholds=(task["threshold"],),
        steps=(task["steps"],), batch=task["batch"], lr=task["lr"],
        test_points=task["test_points"])


def run_one(task):
    """Train one Edge-Popup ticket.

    Returns
    -------
    dict
        ``error``: sup l2 error on the test points; ``val_mse``: mean squared error on 1,024
        fresh inputs of the training distribution (what chooses the search setting);
        ``sparsity``: the ticket's fraction of weights removed.

    Raises
    ------
    InvalidParameterError
        ``task`` is not a dict with the keys :func:`sweep_tasks` writes, or a value is outside
        what :class:`WidthSweepConfig` allows.
    """
    _check_task(task)
    import torch

    from .init import InitSpec
    from .layers import SupermaskConfig, attach_threshold_hook, initialize
    from .models import MLP

    torch.set_num_threads(1)
    dims = task["target_widths"]
    mats = target_weights(dims, task["seed"])
    hidden = []
    for i, d in enumerate(dims[1:]):
        hidden.append(task["width"])
        if i < len(dims) - 2:
            hidden.append(d)
    model = MLP(in_features=dims[0], hidden=tuple(hidden), out_features=dims[-1])
    free = 1.0 - task["prune_ratio"] - task["lock_ratio"]
    sparsity = task["prune_ratio"] + (1.0 - task["keep_share"]) * free
    # every choice that changes the result is explicit, so a changed library default does not
    cfg = SupermaskConfig(
        seed=task["seed"], sparsity=sparsity, prune_ratio=task["prune_ratio"],
        lock_ratio=task["lock_ratio"], allocation="uniform", threshold=task["threshold"],
        init=InitSpec(weight_init="uniform", score_init="kaiming_normal", scale_by_density=False),
        compact_scores=True, method="edge_popup",
    )
    initialize(model, cfg)
    torch.manual_seed(task["seed"])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=task["lr"])
    attach_threshold_hook(opt, model)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=task["steps"])
    rng = np.random.default_rng([task["seed"], 31337])
    for _ in range(task["steps"]):
        x = _sphere(rng, task["batch"], dims[0])
        y = torch.as_tensor(target_forward(mats, x), dtype=torch.float32)
        loss = torch.mean((model(torch.as_tensor(x, dtype=torch.float32)) - y) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()

    def outputs(x):
        with torch.no_grad():
            return model(torch.as_tensor(x, dtype=torch.float32)).double().numpy()

    val_x = _sphere(np.random.default_rng([task["seed"], 271828]), 1024, dims[0])
    val_mse = float(np.mean((outputs(val_x) - target_forward(mats, val_x)) ** 2))
    tx = sphere_points(dims[0], task["test_points"], task["seed"])
    error = float(np.max(np.linalg.norm(outputs(tx) - target_forward(mats, tx), axis=1)))
    return {"error": error, "val_mse": val_mse, "sparsity": sparsity}


def _share(errors, eps):
    return sum(e <= eps for e in errors) / len(errors) if errors else math.nan


def _check_rows(rows):
    """The rows of :func:`run_one` (with their task's keys) as a list: dicts holding the keys
    :func:`summarise` reads, the grid's values hashable and comparable, ``error`` and
    ``val_mse`` finite numbers."""
    if not isinstance(rows, (list, tuple)):
        raise InvalidParameterError(f"rows must be a list of run_one rows, got {rows!r}")
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise InvalidParameterError(f"rows[{i}] must be a dict, got {r!r}")
        missing = [k for k in ("prune_ratio", "lock_ratio", "width", *SEARCH_KEYS, "error",
                               "val_mse") if k not in r]
        if missing:
            raise InvalidParameterError(f"rows[{i}] lacks the key(s) {missing}")
        for k in ("prune_ratio", "lock_ratio", "width", "keep_share", "steps", "error",
                  "val_mse"):
            _validate.finite(f"rows[{i}][{k!r}]", r[k])
        if not isinstance(r["threshold"], str):
            raise InvalidParameterError(
                f"rows[{i}]['threshold'] must be a string, got {r['threshold']!r}")
    return list(rows)


def summarise(rows, config):
    """Per (setting, eps): the smallest width whose chosen search setting reaches eps.

    At each (prune_ratio, lock_ratio, width) the search setting with the lowest mean
    ``val_mse`` over seeds is chosen (ties: the first in :func:`search_settings` order); its
    share of seeds with error <= eps is ``shares[width]`` and ``chosen[width]`` names it.
    ``best_shares[width]`` is the largest share over all settings (chosen on the same seeds, so
    optimistic). ``smallest_width`` is the smallest width whose chosen share is >= 1 - delta
    (None when no width of the grid reaches it), ``smallest_width_best`` the same for
    ``best_shares``.

    ``rows`` is a list of :func:`run_one` results merged with their tasks and ``config`` a
    :class:`WidthSweepConfig`; anything else (a missing key, a non-finite error) is an
    InvalidParameterError.
    """
    settings = search_settings(config)
    rows = _check_rows(rows)
    out = []
    for p, l in config.freeze_settings:
        chosen, by_width = {}, {}
        for w in config.widths:
            cell = [r for r in rows if r["prune_ratio"] == p and r["lock_ratio"] == l
                    and r["width"] == w]
            per_setting = []
            for s in settings:
                runs = [r for r in cell if all(r[k] == s[k] for k in SEARCH_KEYS)]
                mse = np.mean([r["val_mse"] for r in runs]) if runs else math.inf
                per_setting.append((mse, s, [r["error"] for r in runs]))
            by_width[w] = per_setting
            best = min(range(len(per_setting)), key=lambda i: (per_setting[i][0], i))
            chosen[w] = per_setting[best]
        for eps in config.eps_values:
            shares = {w: _share(chosen[w][2], eps) for w in config.widths}
            best_shares = {w: max((_share(e, eps) for _, _, e in by_width[w] if e), default=math.nan)
                           for w in config.widths}
            bar = 1 - config.delta - 1e-12
            reached = [w for w in config.widths if shares[w] >= bar]
            reached_best = [w for w in config.widths if best_shares[w] >= bar]
            out.append({
                "prune_ratio": p, "lock_ratio": l, "eps": eps, "shares": shares,
                "chosen": {w: dict(chosen[w][1]) for w in config.widths},
                "seeds": {w: len(chosen[w][2]) for w in config.widths},
                "best_shares": best_shares,
                "smallest_width": min(reached) if reached else None,
                "smallest_width_best": min(reached_best) if reached_best else None})
    return out
