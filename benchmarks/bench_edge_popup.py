"""Step time and peak memory of frozen Edge-Popup against weight training (Conv6, CPU).

One process times every variant on the same machine, interleaving them round by round so that
load from other users hits all of them alike; the median step is reported. A training step is
forward + backward + SGD (momentum 0.9) step, and for Edge-Popup the global threshold update that
the optimizer hook runs after every step.

Peak memory is measured per variant in a fresh subprocess (``ru_maxrss``, peak resident set),
next to the exact bytes of training state (parameters, gradients, momentum buffers, buffers).

    python benchmarks/bench_edge_popup.py --steps 5 --threads 1 --markdown
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

VARIANTS = {
    # name: (SupermaskConfig kwargs, plain weight training?)
    "weight training (plain torch Conv6)": ({"method": "weights"}, True),
    "Edge-Popup, dense source": ({"sparsity": 0.5}, False),
    "Edge-Popup, frozen 35%+35%, scores for FREE only": (
        {"sparsity": 0.5, "prune_ratio": 0.35, "lock_ratio": 0.35}, False),
    "Edge-Popup, frozen 35%+35%, scores for all": (
        {"sparsity": 0.5, "prune_ratio": 0.35, "lock_ratio": 0.35, "compact_scores": False},
        False),
}


def build(name, batch):
    import torch

    from empirical import SupermaskConfig, build_model, export_dense, initialize
    from empirical.layers import attach_threshold_hook

    kwargs, plain = VARIANTS[name]
    model = initialize(build_model("conv6"), SupermaskConfig(seed=0, **kwargs))
    if plain:
        model = export_dense(model)  # nn.Conv2d / nn.Linear, weights trainable
        for p in model.parameters():
            p.requires_grad_(True)
    params = [p for p in model.parameters() if p.requires_grad and p.numel() > 0]
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    if not plain:
        attach_threshold_hook(opt, model)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 3, 32, 32, generator=g)
    y = torch.randint(0, 10, (batch,), generator=g)

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return model, opt, step


def state_bytes(model, opt):
    total = sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad) * 2
    total += sum(b.numel() * b.element_size() for b in model.buffers())
    for s in opt.state.values():
        total += sum(v.numel() * v.element_size() for v in s.values() if hasattr(v, "numel"))
    return total


def memory_child(name, batch, threads):
    import torch

    torch.set_num_threads(threads)
    model, opt, step = build(name, batch)
    for _ in range(2):
        step()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_mib": peak_kib / 1024, "state_mib": state_bytes(model, opt) / 2**20}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=5, help="timed steps per variant")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        return memory_child(args.memory_child, args.batch, args.threads)

    # Memory first, while this process is small: Linux carries the parent's peak RSS over
    # fork + exec into the child's ru_maxrss, so a child started later would report our peak.
    memory = {}
    for n in VARIANTS:
        out = subprocess.run([sys.executable, __file__, "--memory-child", n, "--batch",
                              str(args.batch), "--threads", str(args.threads)],
                             capture_output=True, text=True, check=True)
        memory[n] = json.loads(out.stdout.strip().splitlines()[-1])

    import torch

    torch.set_num_threads(args.threads)
    load_before = os.getloadavg()[0]
    runs = {n: build(n, args.batch) for n in VARIANTS}
    times = {n: [] for n in VARIANTS}
    for _, _, step in runs.values():  # warm-up: allocator, threshold caches
        step()
    for _ in range(args.steps):
        for n, (_, _, step) in runs.items():
            t = time.perf_counter()
            step()
            times[n].append(time.perf_counter() - t)
    del runs
    base = statistics.median(times["weight training (plain torch Conv6)"])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    meta = (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs visible, "
            f"torch {torch.__version__} with {args.threads} thread(s), Conv6 width 1 "
            f"(2,261,184 weights), batch {args.batch}, {args.steps} timed steps per variant "
            "(median), global threshold, SGD momentum 0.9, load average before/after "
            f"{load_before:.1f}/{os.getloadavg()[0]:.1f} (other users share the CPUs)")
    rows = []
    for n in VARIANTS:
        med = statistics.median(times[n])
        rows.append((n, med * 1e3, min(times[n]) * 1e3, med / base, memory[n]["state_mib"],
                     memory[n]["peak_rss_mib"]))
    if args.markdown:
        print(meta + "\n")
        print("| variant | step (ms, median) | step (ms, min) | median vs weight training "
              "| training state (MiB) | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r[0]} | {r[1]:.0f} | {r[2]:.0f} | {r[3]:.2f}x | {r[4]:.1f} | {r[5]:.0f} |")
    else:
        print(json.dumps({"meta": meta, "rows": rows, "times": times}, indent=1))


if __name__ == "__main__":
    main()
