"""Steps check of the width sweep (results/comparison/NOTES.md): per-layer thresholds, half the free weights kept, 400 and 2000
steps, no freezing, one weight and a 2x2 target, widths 64 and 256, seeds 0-4."""
import json
import sys

from empirical.width_sweep import WidthSweepConfig, run_one, summarise, sweep_tasks
from slt_theory.runs.runstore import run_sweep

def main():
    out = sys.argv[1]
    result = {}
    for dims in ((1, 1), (2, 2)):
        c = WidthSweepConfig(target_widths=dims, widths=(64, 256), seeds=(0, 1, 2, 3, 4),
                             eps_values=(0.2, 0.1, 0.05), delta=0.2, freeze_settings=((0.0, 0.0),),
                             keep_shares=(0.5,), thresholds=("layer",), steps=(400, 2000))
        rows = run_sweep(run_one, sweep_tasks(c), f"{out}/runs", workers=2, progress=False)
        for steps in c.steps:
            cs = WidthSweepConfig(**{**c.__dict__, "steps": (steps,)})
            sub = [r for r in rows if r["steps"] == steps]
            for s in summarise(sub, cs):
                key = f"{'x'.join(map(str, dims))} steps {steps} eps {s['eps']}"
                result[key] = {"shares": {str(k): v for k, v in s["shares"].items()},
                               "smallest_width": s["smallest_width"]}
                print(key, result[key])
    json.dump(result, open(f"{out}/summary.json", "w"), indent=1)


if __name__ == "__main__":
    main()
