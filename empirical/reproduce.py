"""The main job (`slt reproduce`): the quick reproduction end to end, written to a report folder.

Stages, each resumable (a finished run is a file named by the hash of its parameters, see
slt_theory.runs.runstore) and each writing small CSV / JSON that a figure script reads in its own
process (computation and plotting never share a process):

1. bounds        required_samples and required_width over a grid, the counting lower bounds, and
                 a sympy-generated LaTeX table of the bound expressions (docs/theory.md);
2. montecarlo    the Monte Carlo n* next to the proved and calibrated bounds;
3. construction  success rate of the constructive ticket against width (docs/theory.md, sec. 4),
                 for one weight and for a 2x2 target (pruning only, where Theorem 5 covers it);
4. width_sweep   the width Edge-Popup needs, with its search settings swept (kept share,
                 per-layer or global thresholds), against the construction and the proved width,
                 for the same two targets;
5. frontier      test accuracy against mask bits of tickets in dense, randomly pruned and frozen
                 sources, each at its best sparsity (chosen on validation), on Conv6 and an MLP
                 (digits upsampled to 32x32), with paired differences (empirical.frontier).

``--scale quick`` (default) took about 1,300 CPU-seconds when measured (results/comparison/NOTES.md:
at least 11 minutes on two free cores); ``--scale smoke`` checks the pipeline (75 s of stage time
measured with --workers 1 on the shared 2-core machine; tests/empirical/test_reproduce.py); ``--scale paper`` is the larger run for a GPU machine,
not timed. ``--scheduler tcp://host:8786`` sends the Monte Carlo, construction, width-sweep and
frontier runs to a Dask cluster; local processes otherwise.

Every long step draws a labelled progress bar on stderr (stage, what it counts, time left); the
stage times go into the report as a table, and the run ends with a one-screen summary
(empirical.report.summary; also ``<out>/summary.json``). The figures are drawn by the modules of
empirical.report, each in its own process, so an installed package draws the same report as a
source checkout.
"""

import csv
import dataclasses
import datetime
import io
import json
import os
import pathlib
import subprocess
import sys
import time

import slt_theory
from slt_theory import _display, _validate, bounds
from slt_theory.construction import MAX_SOURCE_WEIGHTS
from slt_theory.construction.verification import MAX_SEEDS
from slt_theory.montecarlo.draws import MAX_TRIALS
from slt_theory.runs.executor import check_executor_arguments
from slt_theory.runs.provenance import git_commit, write_text_atomic
from slt_theory.runs.runstore import run_sweep

from . import frontier, width_sweep

STAGES = ("bounds", "montecarlo", "construction", "width_sweep", "frontier")

SETTINGS = ((0.0, 0.0), (0.5, 0.0), (0.25, 0.25))


@dataclasses.dataclass(frozen=True)
class Scale:
    mc_eps: tuple
    mc_trials: int
    construction_widths: tuple
    construction_seeds: int
    sweep_widths: tuple
    sweep_seeds: tuple
    sweep_steps: tuple
    sweep_keep_shares: tuple
    frontier_seeds: int
    frontier_conv6_width: float
    frontier_mlp_width: int
    frontier_freeze_ratios: tuple
    frontier_keep_shares: tuple
    frontier_lock_shares: tuple
    frontier_epochs: int
    # the grid of the bounds stage, and the eps at which construction and width sweep are judged
    bounds_eps: tuple = (0.1, 0.05, 0.02, 0.01, 0.005, 0.001)
    bounds_deltas: tuple = (0.1, 0.01)
    sweep_eps: tuple = (0.2, 0.1, 0.05)

    def __post_init__(self):
        # A Scale made by a user is checked when made, so that no stage starts writing with a
        # value its computation would refuse later (issue 12); the caps are the modules' own.
        for name, (check, lo, hi) in _SCALE_FIELDS.items():
            value = getattr(self, name)
            if check == "int":
                value = _validate.integer(name, value, lo, hi)
            elif check == "real":
                value = _real_in(name, value, lo, hi)
            else:
                if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) \
                        or not value or len(value) > _MAX_GRID:
                    raise slt_theory.InvalidParameterError(
                        f"{name} must be a non-empty tuple of at most {_MAX_GRID} values, got "
                        f"{value!r:.120}")
                item = _validate.integer if check == "ints" else _real_in
                value = tuple(item(f"{name}[{i}]", v, lo, hi) for i, v in enumerate(value))
            object.__setattr__(self, name, value)


def _real_in(name, value, lo, hi):
    """A finite real in (lo, hi], or in (lo, 1) where hi is :data:`_OPEN_ONE` (eps, delta and
    freeze ratios); lo is open because eps, widths and shares are positive."""
    value = _validate.finite(name, value)
    if hi is _OPEN_ONE:
        if not lo < value < 1.0:
            raise slt_theory.InvalidParameterError(
                f"{name} must lie in ({lo:g}, 1), got {value!r}")
    elif not lo < value <= hi:
        raise slt_theory.InvalidParameterError(
            f"{name} must lie in ({lo:g}, {hi:g}], got {value!r}")
    return value


_MAX_GRID = 64  # values in one grid of a scale (the paper scale's largest has 13)
_OPEN_ONE = object()  # a high end of 1, itself excluded
#: Scale field -> ("int" | "real" | "ints" | "reals", low, high) (ints: [low, high], reals: (low,
#: high]); the highs are the caps of the modules each field feeds.
_SCALE_FIELDS = {
    "mc_eps": ("reals", 0.0, _OPEN_ONE), "mc_trials": ("int", 1, MAX_TRIALS),
    "construction_widths": ("ints", 1, MAX_SOURCE_WEIGHTS),
    "construction_seeds": ("int", 1, MAX_SEEDS),
    "sweep_widths": ("ints", 1, width_sweep.MAX_WIDTH),
    "sweep_seeds": ("ints", 0, width_sweep.MAX_SEED),
    "sweep_steps": ("ints", 1, width_sweep.MAX_STEPS), "sweep_keep_shares": ("reals", 0.0, 1.0),
    "frontier_seeds": ("int", 1, MAX_SEEDS),
    "frontier_conv6_width": ("real", 0.0, frontier.MAX_CONV6_WIDTH),
    "frontier_mlp_width": ("int", 1, frontier.MAX_MLP_WIDTH),
    "frontier_freeze_ratios": ("reals", 0.0, _OPEN_ONE),
    "frontier_keep_shares": ("reals", 0.0, 1.0), "frontier_lock_shares": ("reals", 0.0, _OPEN_ONE),
    "frontier_epochs": ("int", 1, frontier.MAX_EPOCHS),
    "bounds_eps": ("reals", 0.0, _OPEN_ONE), "bounds_deltas": ("reals", 0.0, _OPEN_ONE),
    "sweep_eps": ("reals", 0.0, _OPEN_ONE),
}


SCALES = {
    # "smoke": seconds, for the test suite only
    "smoke": Scale(mc_eps=(0.1,), mc_trials=200, construction_widths=(8, 64), construction_seeds=10,
                   sweep_widths=(16, 64), sweep_seeds=(0, 1), sweep_steps=(10,),
                   sweep_keep_shares=(0.5,), frontier_seeds=2, frontier_conv6_width=1 / 64,
                   frontier_mlp_width=8, frontier_freeze_ratios=(0.5,), frontier_keep_shares=(0.5,),
                   frontier_lock_shares=(0.5,), frontier_epochs=1,
                   # one point of the bounds grid (the one the summary quotes) and one sweep eps:
                   # every stage still runs end to end, on a third of the points
                   bounds_eps=(0.01,), bounds_deltas=(0.01,), sweep_eps=(0.2,)),
    "quick": Scale(mc_eps=(0.1, 0.03, 0.01, 0.003), mc_trials=2000,
                   construction_widths=(4, 8, 16, 32, 64, 128, 256, 512, 1024),
                   construction_seeds=100, sweep_widths=(16, 32, 64, 128, 256),
                   sweep_seeds=(0, 1, 2, 3, 4), sweep_steps=(400,), sweep_keep_shares=(0.1, 0.5),
                   frontier_seeds=3, frontier_conv6_width=0.125, frontier_mlp_width=64,
                   frontier_freeze_ratios=(0.5, 0.8), frontier_keep_shares=(0.3, 0.5, 0.7),
                   frontier_lock_shares=(0.5,), frontier_epochs=5),
    "paper": Scale(mc_eps=(0.1, 0.03, 0.01, 0.003, 0.001, 3e-4), mc_trials=10000,
                   construction_widths=tuple(2**k for k in range(2, 15)), construction_seeds=1000,
                   sweep_widths=tuple(2**k for k in range(3, 13)),
                   sweep_seeds=tuple(range(20)), sweep_steps=(500, 2000),
                   sweep_keep_shares=(0.1, 0.3, 0.5), frontier_seeds=10, frontier_conv6_width=0.25,
                   frontier_mlp_width=256, frontier_freeze_ratios=(0.3, 0.5, 0.7, 0.8, 0.9),
                   frontier_keep_shares=(0.1, 0.3, 0.5, 0.7, 0.9),
                   frontier_lock_shares=(0.25, 0.5, 0.75), frontier_epochs=30),
}

# The targets of the construction and width-sweep stages, each with the freeze settings the
# theory covers for it: locking only for one-input layers (docs/theory.md, Theorem 5 (B)).
TARGETS = {"1x1": ((1, 1), SETTINGS), "2x2": ((2, 2), ((0.0, 0.0), (0.5, 0.0)))}


def _write_csv(path, rows):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(path, buf.getvalue())


# ------------------------------------------------------------------------------------- stages

def _stage_arguments(out, scale, scheduler, workers, progress):
    """Check what every stage takes before it writes anything; returns ``out`` as a Path (made
    if new) and the :class:`Scale` (``scale`` is a Scale or the name of one in SCALES)."""
    out = pathlib.Path(_validate.path("out", out))
    if out.exists() and not out.is_dir():
        raise slt_theory.InvalidParameterError(f"out must be a folder, got the file {str(out)!r}")
    if not isinstance(scale, Scale):
        scale = SCALES[_validate.choice("scale", scale, SCALES)]
    check_executor_arguments(scheduler, workers)
    if not isinstance(progress, bool):
        raise slt_theory.InvalidParameterError(f"progress must be True or False, got {progress!r}")
    out.mkdir(parents=True, exist_ok=True)
    return out, scale


def stage_bounds(out, scale, scheduler=None, workers=None, progress=True):
    """The bounds over the scale's (eps, delta) grid and the LaTeX table of their expressions.

    Every stage takes ``out`` (its folder, made if new), ``scale`` (a :class:`Scale` or the
    name of one in :data:`SCALES`), ``scheduler`` and ``workers`` (the executor of its runs;
    this stage computes in process) and ``progress`` (a bool), and refuses a bad one with an
    InvalidParameterError before it writes anything.
    """
    from tqdm import tqdm

    out, scale = _stage_arguments(out, scale, scheduler, workers, progress)

    grid = [(delta, eps, p, l) for delta in scale.bounds_deltas for eps in scale.bounds_eps
            for p, l in SETTINGS + ((0.3, 0.3),)]
    rows = []
    # a second or so per point at the quick scale (the width bound solves for its width)
    for delta, eps, p, l in tqdm(grid, desc="bounds: (eps, delta, setting) points", unit="point",
                                 leave=True, disable=not progress):
        wb = bounds.width_bound(eps, delta=delta, prune_ratio=p, lock_ratio=l)
        rows.append({
            "eps": eps, "delta": delta, "prune_ratio": p, "lock_ratio": l,
            "required_samples": bounds.required_samples(eps, delta, prune_ratio=p, lock_ratio=l),
            "counting_lower_bound_samples": bounds.counting_lower_bound_samples(eps),
            "required_width_one_weight": wb.width, "counting_lower_bound_width": wb.lower_bound,
        })
    _write_csv(out / "bounds.csv", rows)
    write_text_atomic(out / "bounds.tex", bounds.latex_table())
    return rows


def stage_montecarlo(out, scale, scheduler=None, workers=None, progress=True):
    """The Monte Carlo n* next to the proved and calibrated bounds (arguments: stage_bounds)."""
    from slt_theory.bounds import calibration
    from slt_theory.montecarlo.tasks import required_samples_task

    out, scale = _stage_arguments(out, scale, scheduler, workers, progress)
    tasks = [{"eps": e, "delta": 0.1, "prune_ratio": p, "lock_ratio": l, "trials": scale.mc_trials,
              "seed": 0} for e in scale.mc_eps for p, l in SETTINGS + ((0.3, 0.3),)]
    table = run_sweep(required_samples_task, tasks, out / "runs", scheduler=scheduler,
                      workers=workers, metadata=_meta("montecarlo", scale),
                      label="montecarlo: n* searches", progress=progress)
    rows = []
    for r in table:
        try:
            cal = calibration.calibrated_samples(
                r["eps"], r["delta"], prune_ratio=r["prune_ratio"], lock_ratio=r["lock_ratio"]).n
        except slt_theory.InvalidParameterError:  # no calibrated row for this setting
            cal = ""
        rows.append({k: r[k] for k in ("eps", "delta", "prune_ratio", "lock_ratio", "trials",
                                        "n_estimate", "n_confident")} | {
            "proved": bounds.required_samples(r["eps"], r["delta"], prune_ratio=r["prune_ratio"],
                                              lock_ratio=r["lock_ratio"]),
            "calibrated": cal,
            "counting_lower_bound": bounds.counting_lower_bound_samples(r["eps"]),
        })
    rows.sort(key=lambda r: (r["prune_ratio"], r["lock_ratio"], -r["eps"]))
    _write_csv(out / "montecarlo.csv", rows)
    return rows


SWEEP_DELTA = 0.2


def stage_construction(out, scale, scheduler=None, workers=None, progress=True):
    """The constructive ticket for each target of TARGETS at the width sweep's eps and delta."""
    from slt_theory.construction.tasks import construction_task

    out, scale = _stage_arguments(out, scale, scheduler, workers, progress)
    tasks = [{"widths": list(dims), "width": w, "eps": eps, "prune_ratio": p, "lock_ratio": l,
              "seeds": scale.construction_seeds}
             for dims, settings in TARGETS.values() for eps in scale.sweep_eps for p, l in settings
             for w in scale.construction_widths]
    table = run_sweep(construction_task, tasks, out / "runs", scheduler=scheduler, workers=workers,
                      metadata=_meta("construction", scale),
                      label="construction: (target, setting, eps, width) points",
                      progress=progress)
    rows = [{"target": "x".join(map(str, r["widths"])), "prune_ratio": r["prune_ratio"],
             "lock_ratio": r["lock_ratio"], "eps": r["eps"], "delta": SWEEP_DELTA,
             "hidden_width": r["hidden_width"], "successes": r["successes"],
             "trials": r["trials"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
             "required_width": bounds.required_width(
                 r["eps"], delta=SWEEP_DELTA, prune_ratio=r["prune_ratio"],
                 lock_ratio=r["lock_ratio"], depth=len(r["widths"]) - 1,
                 widths=tuple(r["widths"]))}
            for r in table]
    rows.sort(key=lambda r: (r["target"], -r["eps"], r["prune_ratio"], r["lock_ratio"],
                             r["hidden_width"]))
    _write_csv(out / "construction.csv", rows)
    return rows


def _constructive_width(construction_rows, target, eps, p, l, delta):
    """Smallest width of the construction stage whose success rate is >= 1 - delta."""
    ok = [r["hidden_width"] for r in construction_rows
          if r["target"] == target and r["eps"] == eps and r["prune_ratio"] == p
          and r["lock_ratio"] == l and r["successes"] >= (1 - delta) * r["trials"]]
    return min(ok) if ok else None


def _monte_carlo_widths(configs, scale, out, scheduler, workers, progress):
    """Width implied by the Monte Carlo n* of one sign side of the product terms (Theorem 4's
    structure, each side at failure delta / 2): the scalar check of issue #3 as a width, for
    every one-weight setting and eps. The searches go through the run store (``<out>/mc_runs``),
    so a resumed or repeated run does not search again. Returns {(eps, p, l): n*}."""
    from slt_theory.montecarlo.tasks import required_samples_task

    tasks = [{"eps": eps, "delta": c.delta / 2, "prune_ratio": p, "lock_ratio": l,
              "trials": scale.mc_trials, "distribution": "product", "seed": 0}
             for c in configs.values() if c.target_widths == (1, 1)
             for p, l in c.freeze_settings for eps in c.eps_values]
    if not tasks:
        return {}
    table = run_sweep(required_samples_task, tasks, out / "mc_runs", scheduler=scheduler,
                      workers=workers, progress=progress,
                      metadata=_meta("width_sweep", scale),
                      label="width_sweep: Monte Carlo widths (n* searches)")
    return {(r["eps"], r["prune_ratio"], r["lock_ratio"]): r["n_estimate"] for r in table}


def stage_width_sweep(out, scale, scheduler=None, workers=None, construction_rows=None,
                      progress=True):
    """Edge-Popup over widths and search settings for each target of TARGETS."""
    from .width_sweep import SEARCH_KEYS, WidthSweepConfig, run_one, summarise, sweep_tasks

    out, scale = _stage_arguments(out, scale, scheduler, workers, progress)
    configs = {name: WidthSweepConfig(
        target_widths=dims, widths=scale.sweep_widths, seeds=scale.sweep_seeds,
        steps=scale.sweep_steps, keep_shares=scale.sweep_keep_shares,
        thresholds=("global", "layer"), freeze_settings=settings, eps_values=scale.sweep_eps,
        delta=SWEEP_DELTA) for name, (dims, settings) in TARGETS.items()}
    tasks = [t for c in configs.values() for t in sweep_tasks(c)]
    table = run_sweep(run_one, tasks, out / "runs", scheduler=scheduler, workers=workers,
                      metadata=_meta("width_sweep", scale), label="width_sweep: Edge-Popup runs",
                      progress=progress)
    for r in table:
        r["target"] = "x".join(map(str, r["target_widths"]))
    keep = ("target", "prune_ratio", "lock_ratio", "width", *SEARCH_KEYS, "seed", "error",
            "val_mse", "sparsity")
    _write_csv(out / "rows.csv", [{k: r[k] for k in keep} for r in table])
    mc_widths = _monte_carlo_widths(configs, scale, out, scheduler, workers, progress)
    summary = []
    for name, config in configs.items():
        dims = config.target_widths
        for s in summarise([r for r in table if r["target"] == name], config):
            p, l, eps = s["prune_ratio"], s["lock_ratio"], s["eps"]
            row = {"target": name, "prune_ratio": p, "lock_ratio": l, "eps": eps,
                   "edge_popup_width": s["smallest_width"],
                   "edge_popup_width_best_setting": s["smallest_width_best"],
                   "constructive_width": (_constructive_width(construction_rows, name, eps, p, l,
                                                              config.delta)
                                          if construction_rows else None),
                   "required_width": bounds.required_width(
                       eps, delta=config.delta, prune_ratio=p, lock_ratio=l,
                       depth=config.depth, widths=dims),
                   "monte_carlo_width": mc_widths.get((eps, p, l)) if dims == (1, 1) else None,
                   "shares": {str(w): v for w, v in s["shares"].items()},
                   "best_shares": {str(w): v for w, v in s["best_shares"].items()},
                   "chosen": {str(w): "{threshold}, keep {keep_share}, {steps} steps".format(**c)
                              for w, c in s["chosen"].items()}}
            summary.append(row)
    result = {
        "seeds": len(scale.sweep_seeds), "delta": SWEEP_DELTA, "widths": list(scale.sweep_widths),
        "search": {"keep_shares": list(scale.sweep_keep_shares),
                   "thresholds": ["global", "layer"], "steps": list(scale.sweep_steps)},
        "settings": summary}
    write_text_atomic(out / "summary.json", json.dumps(result, indent=1) + "\n")
    return result


def stage_frontier(out, scale, scheduler=None, workers=None, progress=True):
    """Accuracy against mask bits on Conv6 and an MLP (empirical.frontier). The training run
    folders live in ``<out>/train_runs``; no path enters a run-store key."""
    from .frontier import FrontierConfig, run_frontier

    out, scale = _stage_arguments(out, scale, scheduler, workers, progress)
    common = dict(freeze_ratios=scale.frontier_freeze_ratios,
                  keep_shares=scale.frontier_keep_shares, lock_shares=scale.frontier_lock_shares,
                  seeds=tuple(range(scale.frontier_seeds)), epochs=scale.frontier_epochs)
    configs = [FrontierConfig(model="conv6", reference_width=scale.frontier_conv6_width, **common),
               FrontierConfig(model="mlp", reference_width=scale.frontier_mlp_width, **common)]
    return run_frontier(configs, out, workers=workers or (os.cpu_count() or 1),
                        scheduler=scheduler, metadata=_meta("frontier", scale),
                        progress=progress, label="frontier: training runs")


def _meta(stage, scale):
    return {"stage": stage, "scale": dataclasses.asdict(scale), "version": slt_theory.__version__,
            "commit": git_commit()}


#: stage -> the module of empirical.report that draws its figure (run as python -m ...)
FIGURE_MODULES = {
    "montecarlo": "empirical.report.montecarlo",
    "construction": "empirical.report.construction",
    "width_sweep": "empirical.report.width_sweep",
    "frontier": "empirical.report.frontier",
}


def _figure(stage, data_dir, fig_dir):
    """Draw a stage's figure in a process of its own; None when drawn, else why not."""
    result = subprocess.run([sys.executable, "-m", FIGURE_MODULES[stage], "--data", str(data_dir),
                             "--out", str(fig_dir)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "no message"
        return f"the figure module {FIGURE_MODULES[stage]} failed ({last})"
    return None


def reproduce(out="report", scale="quick", stages=STAGES, scheduler=None, workers=None,
              progress=True):
    """Run the stages and write ``<out>/README.md`` (tables and figures) and
    ``<out>/summary.json`` (what the run found, empirical.report.summary).

    ``scale`` is a name of :data:`SCALES`, ``stages`` a list or tuple of names of :data:`STAGES`;
    ``progress`` draws the labelled progress bars and the stage lines on stderr. Every argument
    is checked (InvalidParameterError) before the first folder is made. Returns the report
    folder.
    """
    from .report import page, summary

    scale = _validate.choice("scale", scale, SCALES)
    if isinstance(stages, str) or not isinstance(stages, (list, tuple)):
        raise slt_theory.InvalidParameterError(
            f"stages must be a list of stage names ({', '.join(STAGES)}), got {stages!r}")
    stages = tuple(stages)
    for s in stages:
        if s not in STAGES:
            raise slt_theory.InvalidParameterError(
                f"stage must be among {', '.join(STAGES)}, got {s!r}")
    if not stages:
        raise slt_theory.InvalidParameterError("stages must name at least one stage")
    if not isinstance(progress, bool):
        raise slt_theory.InvalidParameterError(f"progress must be True or False, got {progress!r}")
    # every argument is checked before the first folder is made (nothing left behind on refusal)
    check_executor_arguments(scheduler, workers)
    out = pathlib.Path(_validate.path("out", out))
    if out.exists() and not out.is_dir():
        raise slt_theory.InvalidParameterError(
            f"out must be a folder (new or a previous report to resume), got the file {str(out)!r}")
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    sc = SCALES[scale]
    timings, notes = {}, {}
    runners = {"bounds": stage_bounds, "montecarlo": stage_montecarlo,
               "construction": stage_construction, "width_sweep": stage_width_sweep,
               "frontier": stage_frontier}
    results = {}

    def say(text):
        if progress:
            print(f"[slt reproduce] {text}", file=sys.stderr, flush=True)

    for i, stage in enumerate(stages, 1):
        start = time.time()
        say(f"stage {i}/{len(stages)} {stage}: {page.STAGE_TITLES[stage]}")
        stage_dir = out / stage
        stage_dir.mkdir(parents=True, exist_ok=True)
        extra = {"construction_rows": results.get("construction")} if stage == "width_sweep" else {}
        results[stage] = runners[stage](stage_dir, sc, scheduler=scheduler, workers=workers,
                                        progress=progress, **extra)
        if stage in FIGURE_MODULES:
            say(f"stage {i}/{len(stages)} {stage}: drawing its figure")
            notes[stage] = _figure(stage, stage_dir, fig_dir)
        timings[stage] = time.time() - start
        say(f"stage {i}/{len(stages)} {stage} done in {timings[stage]:.1f} s")
    made = datetime.datetime.now(datetime.timezone.utc)
    title = {"quick": "frozen-slt quick reproduction",
             "smoke": "frozen-slt smoke reproduction"}.get(scale, "frozen-slt reproduction")
    made_by = (f"Made by `slt reproduce --scale {scale}` on {made:%Y-%m-%d %H:%M} UTC, frozen-slt "
               f"{slt_theory.__version__}, commit {git_commit()}.")
    write_text_atomic(out / "README.md", page.render(results, timings, notes, title=title,
                                                     made_by=made_by))
    figures = {s: (str(fig_dir / f"{s}.png") if notes[s] is None else None) for s in notes}
    found = summary.findings(results, timings, str(out / "README.md"), figures)
    write_text_atomic(out / "summary.json", _display.to_json(found) + "\n")
    return out
