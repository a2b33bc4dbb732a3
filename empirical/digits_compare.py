"""Digits comparison: tickets in frozen, randomly pruned and dense sources at equal model size.

Model size is the paper's mask-only accounting (one bit per weight the search decides). For an
MLP 64 -> H -> H -> 10 (N(H) weights, non-affine batch norm) and a freeze ratio f split as
(prune p, lock l), three sources give a ticket of the same (1 - f) N(H) bits at the same
network sparsity s:

- frozen source: width H, prune p, lock l (two splits per f);
- randomly pruned source: width H, prune f, lock 0;
- dense source: the width h with N(h) closest to (1 - f) N(H), nothing frozen.

References at f = 0: a dense-source ticket of width H and the weight-trained dense MLP
(32 bits a weight). Every run goes through :func:`empirical.train.train`, so a relaunch skips the
finished runs. Writes ``results.csv`` (one row per run) and ``summary.csv`` (mean and standard
deviation over seeds) to ``--out``.

    python -m empirical.digits_compare --seeds 5 --widths 64 256 --out results/digits
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import statistics
import sys
import time

SPARSITY = 0.8
# freeze ratio -> (prune, lock) splits; the lock share of the kept weights is what varies
SPLITS = {0.5: ((0.45, 0.05), (0.35, 0.15)), 0.7: ((0.65, 0.05), (0.55, 0.15))}


def n_weights(h: int) -> int:
    return 64 * h + h * h + 10 * h


def width_for(bits: float) -> int:
    """Hidden width whose weight count is closest to ``bits``."""
    h = (-74 + math.sqrt(74 ** 2 + 4 * bits)) / 2
    return min((max(1, math.floor(h)), math.ceil(h)), key=lambda w: abs(n_weights(w) - bits))


def runs(width: int):
    """(label, freeze ratio, hidden width, baseline kind, prune, lock, sparsity)."""
    yield "weight-trained dense", 0.0, width, "dense_weights", 0.0, 0.0, SPARSITY
    yield "dense source", 0.0, width, "dense_source", 0.0, 0.0, SPARSITY
    for f, splits in SPLITS.items():
        for p, lock in splits:
            yield f"frozen source (lock {lock})", f, width, "frozen_source", p, lock, SPARSITY
        yield "randomly pruned source", f, width, "pruned_source", f, 0.0, SPARSITY
        yield "dense source (narrower)", f, width_for((1 - f) * n_weights(width)), \
            "dense_source", 0.0, 0.0, SPARSITY


def tasks(widths, seeds, epochs, runs_dir, threads=1):
    """One task per (reference width, source, seed): what `run_task` needs, JSON-serialisable."""
    return [
        {"reference_width": width, "source": label, "freeze_ratio": f, "hidden": h, "kind": kind,
         "prune_ratio": p, "lock_ratio": lock, "sparsity": sp, "seed": seed, "epochs": epochs,
         "runs_dir": str(runs_dir), "threads": threads}
        for width in widths for label, f, h, kind, p, lock, sp in runs(width)
        for seed in range(seeds)
    ]


def run_task(task):
    """Train one ticket (or the weight-trained reference) through `empirical.train.train`, whose
    own run folder makes a killed run resume; returns its row of results.csv."""
    import torch

    from .init import InitSpec
    from .train import (
        DataHparams,
        ModelHparams,
        RunHparams,
        TrainHparams,
        baseline,
        train,
    )

    torch.set_num_threads(task["threads"])
    kind, seed, h = task["kind"], task["seed"], task["hidden"]
    # Adam's usual step for weights; a larger one for scores (as Edge-Popup tunes it).
    lr = 1e-3 if kind == "dense_weights" else 1e-2
    hp = RunHparams(
        DataHparams("digits", batch_size=64, seed=seed),
        ModelHparams("mlp", hidden=(h, h), batch_norm=True),
        baseline(kind, sparsity=task["sparsity"], prune_ratio=task["prune_ratio"],
                 lock_ratio=task["lock_ratio"], seed=seed, init=InitSpec(scale_by_density=True)),
        TrainHparams(epochs=task["epochs"], optimizer="adamw", lr=lr, schedule="cosine", seed=seed))
    r = train(hp, task["runs_dir"], progress=False)
    bits = r["size_bits"]["mask_only"]
    size = bits["dense_weights"] if kind == "dense_weights" else bits["frozen_source"]
    return {"n_weights": r["n_weights"], "mask_only_bits": size,
            "ticket_file_bytes": r["ticket_bytes"], "test_acc": r["final"]["test_acc"],
            "realised_sparsity": r["final"]["sparsity"], "run": r["hash"]}


ROW_KEYS = ("reference_width", "source", "freeze_ratio", "prune_ratio", "lock_ratio", "sparsity",
            "hidden", "seed")


def summarise(rows):
    """Mean and standard deviation of the test accuracy over seeds, per source."""
    groups = {}
    for r in rows:
        key = (r["reference_width"], r["source"], r["freeze_ratio"], r["prune_ratio"],
               r["lock_ratio"])
        groups.setdefault(key, []).append(r)
    summary = []
    for (width, label, f, p, lock), g in groups.items():
        acc = [r["test_acc"] for r in g]
        summary.append({"reference_width": width, "source": label, "freeze_ratio": f,
                        "prune_ratio": p, "lock_ratio": lock,
                        "hidden": g[0]["hidden"], "mask_only_bits": g[0]["mask_only_bits"],
                        "seeds": len(g), "test_acc_mean": round(statistics.mean(acc), 4),
                        "test_acc_std": round(statistics.stdev(acc), 4) if len(acc) > 1 else 0.0})
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--widths", type=int, nargs="+", default=[64, 256])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--out", default="results/digits")
    ap.add_argument("--runs-dir", default="runs/digits")
    ap.add_argument("--threads", type=int, default=1, help="torch threads per run")
    ap.add_argument("--workers", type=int, default=1, help="local processes [1: in this process]")
    ap.add_argument("--scheduler", default=None, help="dask.distributed scheduler address")
    args = ap.parse_args(argv)

    import torch

    from slt_theory.runs.provenance import (
        git_commit,
        write_json_atomic,
        write_text_atomic,
    )
    from slt_theory.runs.runstore import run_sweep

    os.makedirs(args.out, exist_ok=True)
    start = time.time()
    # every run goes through the executor interface; a finished run is a file in <out>/runs
    table = run_sweep(run_task, tasks(args.widths, args.seeds, args.epochs, args.runs_dir,
                                      args.threads),
                      os.path.join(args.out, "runs"), scheduler=args.scheduler,
                      workers=args.workers)
    table.sort(key=lambda r: (r["reference_width"], r["freeze_ratio"], r["source"],
                              r["lock_ratio"], r["seed"]))
    rows = [{**{k: r[k] for k in ROW_KEYS}, **{k: r[k] for k in (
        "n_weights", "mask_only_bits", "ticket_file_bytes", "test_acc", "realised_sparsity",
        "run")}} for r in table]
    summary = summarise(rows)

    def to_csv(table):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
        return buf.getvalue()

    write_text_atomic(os.path.join(args.out, "results.csv"), to_csv(rows))
    write_text_atomic(os.path.join(args.out, "summary.csv"), to_csv(summary))
    write_json_atomic(os.path.join(args.out, "meta.json"), {
        "command": "python -m empirical.digits_compare " + " ".join(
            sys.argv[1:] if argv is None else argv),
        "args": vars(args), "sparsity": SPARSITY, "splits": {str(k): v for k, v in SPLITS.items()},
        "git_commit": git_commit(), "torch": torch.__version__,
        "wall_seconds": round(time.time() - start, 1)})
    for s in summary:
        print(s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
