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

``--scale quick`` (default) is sized for 15 minutes on 2 free CPU cores (about 1,300
CPU-seconds measured, results/comparison/NOTES.md); ``--scale paper`` is the
larger run for a GPU machine. ``--scheduler tcp://host:8786`` sends the Monte Carlo, construction,
width-sweep and frontier runs to a Dask cluster; local processes otherwise.
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
from slt_theory import bounds
from slt_theory.runs.provenance import git_commit, write_text_atomic
from slt_theory.runs.runstore import run_sweep

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIGURES = ROOT / "paper_figures"
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


SCALES = {
    # "smoke": seconds, for the test suite only
    "smoke": Scale(mc_eps=(0.1,), mc_trials=200, construction_widths=(8, 64), construction_seeds=10,
                   sweep_widths=(16, 64), sweep_seeds=(0, 1), sweep_steps=(10,),
                   sweep_keep_shares=(0.5,), frontier_seeds=2, frontier_conv6_width=1 / 64,
                   frontier_mlp_width=8, frontier_freeze_ratios=(0.5,), frontier_keep_shares=(0.5,),
                   frontier_lock_shares=(0.5,), frontier_epochs=1),
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

def stage_bounds(out, scale, **_):
    rows = []
    for delta in (0.1, 0.01):
        for eps in (0.1, 0.05, 0.02, 0.01, 0.005, 0.001):
            for p, l in SETTINGS + ((0.3, 0.3),):
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


def stage_montecarlo(out, scale, scheduler=None, workers=None):
    from slt_theory.bounds import calibration
    from slt_theory.montecarlo.tasks import required_samples_task

    tasks = [{"eps": e, "delta": 0.1, "prune_ratio": p, "lock_ratio": l, "trials": scale.mc_trials,
              "seed": 0} for e in scale.mc_eps for p, l in SETTINGS + ((0.3, 0.3),)]
    table = run_sweep(required_samples_task, tasks, out / "runs", scheduler=scheduler,
                      workers=workers, metadata=_meta("montecarlo", scale))
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


SWEEP_EPS, SWEEP_DELTA = (0.2, 0.1, 0.05), 0.2


def stage_construction(out, scale, scheduler=None, workers=None):
    """The constructive ticket for each target of TARGETS at the width sweep's eps and delta."""
    from slt_theory.construction.tasks import construction_task

    tasks = [{"widths": list(dims), "width": w, "eps": eps, "prune_ratio": p, "lock_ratio": l,
              "seeds": scale.construction_seeds}
             for dims, settings in TARGETS.values() for eps in SWEEP_EPS for p, l in settings
             for w in scale.construction_widths]
    table = run_sweep(construction_task, tasks, out / "runs", scheduler=scheduler, workers=workers,
                      metadata=_meta("construction", scale))
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


def _monte_carlo_width(eps, p, l, delta, trials):
    """Width implied by the Monte Carlo n* of one sign side of the product terms (Theorem 4's
    structure, each side at failure delta / 2): the scalar check of issue #3 as a width."""
    from slt_theory.montecarlo import empirical_required_samples

    r = empirical_required_samples(eps, delta / 2, prune_ratio=p, lock_ratio=l, trials=trials,
                                   distribution="product", seed=0)
    return r.n_estimate


def stage_width_sweep(out, scale, scheduler=None, workers=None, construction_rows=None):
    """Edge-Popup over widths and search settings for each target of TARGETS."""
    from .width_sweep import SEARCH_KEYS, WidthSweepConfig, run_one, summarise, sweep_tasks

    configs = {name: WidthSweepConfig(
        target_widths=dims, widths=scale.sweep_widths, seeds=scale.sweep_seeds,
        steps=scale.sweep_steps, keep_shares=scale.sweep_keep_shares,
        thresholds=("global", "layer"), freeze_settings=settings, eps_values=SWEEP_EPS,
        delta=SWEEP_DELTA) for name, (dims, settings) in TARGETS.items()}
    tasks = [t for c in configs.values() for t in sweep_tasks(c)]
    table = run_sweep(run_one, tasks, out / "runs", scheduler=scheduler, workers=workers,
                      metadata=_meta("width_sweep", scale))
    for r in table:
        r["target"] = "x".join(map(str, r["target_widths"]))
    keep = ("target", "prune_ratio", "lock_ratio", "width", *SEARCH_KEYS, "seed", "error",
            "val_mse", "sparsity")
    _write_csv(out / "rows.csv", [{k: r[k] for k in keep} for r in table])
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
                   "monte_carlo_width": (_monte_carlo_width(eps, p, l, config.delta,
                                                            scale.mc_trials)
                                         if dims == (1, 1) else None),
                   "shares": {str(w): v for w, v in s["shares"].items()},
                   "best_shares": {str(w): v for w, v in s["best_shares"].items()},
                   "chosen": {str(w): "{threshold}, keep {keep_share}, {steps} steps".format(**c)
                              for w, c in s["chosen"].items()}}
            summary.append(row)
    write_text_atomic(out / "summary.json", json.dumps({
        "seeds": len(scale.sweep_seeds), "delta": SWEEP_DELTA, "widths": list(scale.sweep_widths),
        "search": {"keep_shares": list(scale.sweep_keep_shares),
                   "thresholds": ["global", "layer"], "steps": list(scale.sweep_steps)},
        "settings": summary}, indent=1) + "\n")
    return summary


def stage_frontier(out, scale, scheduler=None, workers=None):
    """Accuracy against mask bits on Conv6 and an MLP (empirical.frontier). The training run
    folders live in ``<out>/train_runs``; no path enters a run-store key."""
    from .frontier import FrontierConfig, run_frontier

    common = dict(freeze_ratios=scale.frontier_freeze_ratios,
                  keep_shares=scale.frontier_keep_shares, lock_shares=scale.frontier_lock_shares,
                  seeds=tuple(range(scale.frontier_seeds)), epochs=scale.frontier_epochs)
    configs = [FrontierConfig(model="conv6", reference_width=scale.frontier_conv6_width, **common),
               FrontierConfig(model="mlp", reference_width=scale.frontier_mlp_width, **common)]
    return run_frontier(configs, out, workers=workers or (os.cpu_count() or 1),
                        scheduler=scheduler, metadata=_meta("frontier", scale))


def _meta(stage, scale):
    return {"stage": stage, "scale": dataclasses.asdict(scale), "version": slt_theory.__version__,
            "commit": git_commit()}


FIGURE_SCRIPTS = {
    "montecarlo": "report_montecarlo.py",
    "construction": "report_construction.py",
    "width_sweep": "width_sweep.py",
    "frontier": "report_frontier.py",
}


def _figure(stage, data_dir, fig_dir):
    script = FIGURES / FIGURE_SCRIPTS[stage]
    if not script.exists():
        return f"(figure script {script.name} not found: paper_figures/ ships with the source checkout)"
    result = subprocess.run([sys.executable, str(script), "--data", str(data_dir), "--out", str(fig_dir)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return f"(figure failed: {result.stderr.strip().splitlines()[-1] if result.stderr else '?'})"
    return None


def reproduce(out="report", scale="quick", stages=STAGES, scheduler=None, workers=None):
    """Run the stages and write ``<out>/README.md`` with tables and figures."""
    if scale not in SCALES:
        raise slt_theory.InvalidParameterError(f"scale must be one of {sorted(SCALES)}, got {scale!r}")
    for s in stages:
        if s not in STAGES:
            raise slt_theory.InvalidParameterError(f"stage must be among {STAGES}, got {s!r}")
    out = pathlib.Path(out)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    sc = SCALES[scale]
    timings, notes = {}, {}
    runners = {"bounds": stage_bounds, "montecarlo": stage_montecarlo,
               "construction": stage_construction, "width_sweep": stage_width_sweep,
               "frontier": stage_frontier}
    results = {}
    for stage in stages:
        start = time.time()
        print(f"[slt reproduce] stage {stage} ...", flush=True)
        stage_dir = out / stage
        stage_dir.mkdir(parents=True, exist_ok=True)
        extra = {"construction_rows": results.get("construction")} if stage == "width_sweep" else {}
        results[stage] = runners[stage](stage_dir, sc, scheduler=scheduler, workers=workers, **extra)
        if stage in FIGURE_SCRIPTS:
            notes[stage] = _figure(stage, stage_dir, fig_dir)
        timings[stage] = round(time.time() - start, 1)
        print(f"[slt reproduce] stage {stage} done in {timings[stage]} s", flush=True)
    write_text_atomic(out / "README.md", _report(results, timings, notes, scale))
    return out


def _md_table(rows, columns):
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "")) for c in columns) + " |")
    return "\n".join(lines)


def _report(results, timings, notes, scale):
    parts = [
        "# frozen-slt quick reproduction" if scale == "quick" else "# frozen-slt reproduction",
        "",
        f"Made by `slt reproduce --scale {scale}` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"frozen-slt {slt_theory.__version__}, commit {git_commit()}. Stage times (s): {timings}. "
        "Every number below is in the CSV files beside this report; docs/theory.md proves the bounds.",
        "",
    ]
    if "bounds" in results:
        rows = [r for r in results["bounds"] if r["delta"] == 0.01 and r["eps"] in (0.01, 0.001)]
        parts += ["## 1. Proved bounds and counting lower bounds (delta = 0.01)", "",
                  _md_table(rows, ["eps", "prune_ratio", "lock_ratio", "required_samples",
                                   "counting_lower_bound_samples", "required_width_one_weight",
                                   "counting_lower_bound_width"]),
                  "", "LaTeX table of the bound expressions: `bounds/bounds.tex`.", ""]
    if "montecarlo" in results:
        parts += ["## 2. Monte Carlo n* against the bounds (uniform statement, delta = 0.1)", "",
                  _md_table(results["montecarlo"], ["eps", "prune_ratio", "lock_ratio", "n_estimate",
                                                    "n_confident", "calibrated", "proved",
                                                    "counting_lower_bound"]),
                  "", "![Monte Carlo](figures/montecarlo.png)", notes.get("montecarlo") or "", ""]
    if "construction" in results:
        parts += ["## 3. Constructive ticket: success rate against hidden width", "",
                  "One target weight (1x1) and a 2x2 target layer (pruning only: with locking, "
                  "Theorem 5 does not cover two inputs, docs/theory.md Proposition 3).", "",
                  "![construction](figures/construction.png)", notes.get("construction") or "", "",
                  "Proved width per target and setting: " + ", ".join(sorted({
                      f"{r['target']} prune {r['prune_ratio']}, lock {r['lock_ratio']}, "
                      f"eps {r['eps']}: {r['required_width']}"
                      for r in results["construction"]})), ""]
    if "width_sweep" in results:
        rows = [{**s, "shares": json.dumps(s["shares"]), "chosen": json.dumps(s["chosen"])}
                for s in results["width_sweep"]]
        parts += ["## 4. Edge-Popup width against the construction and the proved width", "",
                  _md_table(rows, ["target", "prune_ratio", "lock_ratio", "eps", "edge_popup_width",
                                   "edge_popup_width_best_setting", "constructive_width",
                                   "monte_carlo_width", "required_width", "shares"]),
                  "", f"delta = {SWEEP_DELTA}; targets drawn per seed as the construction draws "
                  "them. edge_popup_width: the smallest hidden width at which Edge-Popup, with the "
                  "search setting chosen per width by the validation MSE (fresh inputs, not the "
                  "test points), reached eps in at least 1 - delta of the seeds (None: no width of "
                  "the grid did); edge_popup_width_best_setting: the same with the best setting "
                  "per width chosen on the same seeds (optimistic); constructive_width: the same "
                  "for the proof's construction (section 3); monte_carlo_width: the exact-solver n* "
                  "of one sign side of the product terms at delta / 2 (one weight only); "
                  "required_width: the proved width (Theorem 5); shares: the chosen setting's "
                  "success share per width. With one input the test at x = +-1 is the exact sup "
                  "over the ball (the target and the ticket are positively homogeneous); with two "
                  "inputs the sup is taken on an even grid of the circle.", "",
                  "Search setting chosen per width:", "",
                  _md_table(rows, ["target", "prune_ratio", "lock_ratio", "eps", "chosen"]), "",
                  "![width sweep](figures/width_sweep.png)", notes.get("width_sweep") or "", ""]
    if "frontier" in results:
        fr = results["frontier"]
        parts += ["## 5. Accuracy against mask bits: dense, randomly pruned and frozen sources", "",
                  "Test accuracy of each kind at its best setting (kept share of the free weights, "
                  "and the prune/lock split for frozen sources), chosen on the mean validation "
                  "accuracy over seeds; 95% t interval over seeds. Digits upsampled to 32x32; "
                  "mask bits = one bit per free weight.", "",
                  _md_table(fr["frontier"], ["model", "freeze_ratio", "kind", "width",
                                             "prune_ratio", "lock_ratio", "keep_share",
                                             "sparsity", "mask_bits", "selected_on", "seeds",
                                             "test_acc_mean", "ci_low", "ci_high"]),
                  "", "Paired differences of test accuracy (a - b, same seeds), 95% t interval:", "",
                  _md_table(fr["differences"], ["model", "freeze_ratio", "a", "b", "seeds",
                                                "mean_difference", "ci_low", "ci_high",
                                                "excludes_zero"]),
                  "", "Every setting: `frontier/settings.csv`; every run: `frontier/runs.csv`.", "",
                  "![frontier](figures/frontier.png)", notes.get("frontier") or "", ""]
    return "\n".join(parts) + "\n"
