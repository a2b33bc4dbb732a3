"""Figure: how often the constructive ticket of docs/theory.md, Section 4 succeeds against the
source's hidden width, and the locked-kink lower bound of Section 5.

Panels: (a) one input per layer (Theorem 5 (A), (B)): no freezing, pruning, pruning + locking;
(b) 2 x 2 targets with the re-assigning construction at several lock ratios, next to the width
of Theorem 5(C) where `required_width` returns one ("bound not available" otherwise: no line is
drawn); (c) the measured error of the 2 x 2 tickets; (d) Theorem 6 (b)'s upper bound on the
probability that any eps-ticket exists (2 x 2, eps = 1e-6) next to the fraction of drawn sources
that Theorem 6 (a) does not certify to be ticket-free (an upper estimate of the same probability).

Reads results/construction/{success-*,locked_kink_certified,locked_kink_exact,one_weight_width}.csv
(made by construction_success_compute.py) and writes paper_figures/construction_success.{png,pdf}
and results/construction/table.md.
Run: python paper_figures/construction_success.py

Drawn in the shared style (empirical.report.style) at text width: bands are 95% Clopper-Pearson
intervals, the grey line is 1 - delta; every panel's legend sits below it, outside the data.
"""

import json
import math
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a source checkout without installing

import slt_theory
from slt_theory.construction import locked_kink_bound, locked_kink_window
from slt_theory.runs.provenance import write_text_atomic

from empirical.report import style

DATA = ROOT / "results" / "construction"
CERT_EPS = 1e-6


def _read(path):
    lines = path.read_text().splitlines()
    meta = json.loads(lines[0][2:])
    header = lines[1].split(",")
    rows = [dict(zip(header, line.split(",", len(header) - 1))) for line in lines[2:] if line]
    return meta, rows


def _load_success():
    runs = [_read(path) for path in sorted(DATA.glob("success-*.csv"))]
    runs = [r for r in runs if "construction" in r[0]]  # results of the re-assigning construction
    runs.sort(key=lambda r: (max(r[0]["widths"][:-1]) > 1, r[0]["lock_ratio"], r[0]["prune_ratio"]))
    return runs


def _bound(meta):
    """The proved width at this setting, or None where no theorem covers it (no line drawn)."""
    try:
        return slt_theory.required_width(
            meta["eps"], delta=meta["delta"], prune_ratio=meta["prune_ratio"],
            lock_ratio=meta["lock_ratio"], depth=len(meta["widths"]) - 1,
            widths=tuple(meta["widths"]))
    except slt_theory.InvalidParameterError:
        return None


def _smallest(rows, key, need):
    good = [int(r["hidden_width"]) for r in rows if int(r[key]) >= need]
    return min(good) if good else None


def _success_panel(ax, runs, title):
    colors = style.CYCLE
    missing = []
    for color, (meta, rows) in zip(colors, runs):
        w = np.array([int(r["hidden_width"]) for r in rows])
        est = np.array([float(r["estimate"]) for r in rows])
        ax.fill_between(w, [float(r["ci_low"]) for r in rows], [float(r["ci_high"]) for r in rows],
                        color=color, alpha=style.BAND_ALPHA, lw=0)
        ax.plot(w, est, "-", marker="o", ms=3, color=color, label=meta["name"])
        uni = np.array([int(r["uniform_successes"]) / int(r["trials"]) for r in rows])
        ax.plot(w, uni, "--", color=color, lw=0.9)
        bound = _bound(meta)
        if bound is not None:
            ax.axvline(bound, color=color, ls=":", lw=1.4)
        else:
            missing.append(meta["name"])
        if meta.get("empirical_width"):
            ax.axvline(meta["empirical_width"], color=color, ls="-.", lw=0.8, alpha=0.7)
    delta = runs[0][0]["delta"]
    ax.axhline(1 - delta, color="k", lw=0.8, alpha=0.5)
    ax.set(xscale="log", xlabel="hidden width (max over layers)",
           ylabel="P(construction succeeds)", ylim=(-0.02, 1.02), title=title)
    ax.grid(True, which="major", alpha=0.3)
    return missing


def _error_panel(ax, runs):
    colors = style.CYCLE
    for color, (meta, rows) in zip(colors, runs):
        w = np.array([int(r["hidden_width"]) for r in rows])
        ax.plot(w, [float(r["median_error"]) for r in rows], "-", marker="o", ms=3, color=color,
                label=meta["name"])
    ax.axhline(runs[0][0]["eps"], color="k", lw=0.8, alpha=0.5)
    ax.set(xscale="log", yscale="log", xlabel="hidden width",
           ylabel="median sup error (unit ball)")
    ax.set_title(style.label("(c) 2 x 2: measured error, median of 200 (grey: eps)"))
    ax.grid(True, which="major", alpha=0.3)


def _kink_panel(ax, cert_rows, delta):
    locks = sorted({float(r["lock_ratio"]) for r in cert_rows})
    colors = style.CYCLE[3:] + style.CYCLE[:3]  # other colours than panels (a)-(c)
    grid = np.unique(np.geomspace(4, 8192, 200).astype(int))
    for i, (color, lam) in enumerate(zip(colors, locks)):
        rows = [r for r in cert_rows if float(r["lock_ratio"]) == lam
                and float(r["eps"]) == CERT_EPS]
        w = np.array([int(r["hidden_width"]) for r in rows])
        trials = np.array([int(r["sources"]) for r in rows])
        unc = 1 - np.array([int(r["certified_no_ticket"]) for r in rows]) / trials
        ax.fill_between(w, [float(r["uncertified_ci_low"]) for r in rows],
                        [float(r["uncertified_ci_high"]) for r in rows], color=color,
                        alpha=style.BAND_ALPHA, lw=0)
        ax.plot(w, unc, "o", ms=3.5, color=color)
        ax.plot(grid, [locked_kink_bound(int(h), CERT_EPS, lam, d_out=2) for h in grid], "-",
                color=color, lw=1.3, label=f"lock ratio {lam:g}")
        lo, hi = locked_kink_window(CERT_EPS, delta, lam, d_out=2)
        if math.floor(lo) + 1 < hi:  # Corollary 6.1's window: no target served w.p. >= 1 - delta
            y = 1.0 - delta - 0.05 - 0.035 * i
            ax.plot([lo, hi], [y, y], "-", color=color, lw=4, solid_capstyle="butt", alpha=0.8)
    ax.axhline(1 - delta, color="k", lw=0.8, alpha=0.5)
    ax.plot([], [], "ko", ms=3.5, label="sources not certified ticket-free\n"
            "(Theorem 6 (a); band: 95% CI)")
    ax.plot([], [], "k-", lw=1.3, label=style.label("Theorem 6 (b) bound on\nP(an eps-ticket exists)"))
    ax.plot([], [], "k-", lw=4, alpha=0.8, label="Corollary 6.1: widths\nthat serve no target")
    ax.set(xscale="log", xlabel="hidden width", ylim=(-0.02, 1.02),
           ylabel="P(ticket exists), upper bounds")
    ax.set_title(style.label(f"(d) locked kink, 2 x 2, eps = {CERT_EPS:g}"))
    ax.grid(True, which="major", alpha=0.3)


def _success_table(runs):
    lines = [("| setting | target | required_width | width from Monte Carlo n* | smallest width "
             "with success rate >= 1 - delta (pointwise / uniform) | success at largest width |"),
             "|---|---|---|---|---|---|"]
    for meta, rows in runs:
        need = math.ceil((1 - meta["delta"]) * int(rows[0]["trials"]) - 1e-9)
        bound = _bound(meta)
        lines.append(
            f"| {meta['name']} | {tuple(meta['widths'])} | "
            f"{bound if bound is not None else 'not available'} | "
            f"{meta.get('empirical_width') or 'n/a'} | "
            f"{_smallest(rows, 'successes', need) or 'none'} / "
            f"{_smallest(rows, 'uniform_successes', need) or 'none'} | "
            f"{rows[-1]['successes']}/{rows[-1]['trials']} at {rows[-1]['hidden_width']} |")
    meta = runs[0][0]
    lines += ["", (f"eps = {meta['eps']}, delta = {meta['delta']}, seeds {meta['seeds'][0]}.."
              f"{meta['seeds'][1] - 1} (a fresh target and source per seed), iid freezing, "
              f"construction: {meta['construction']}, commit {meta['commit']}, {meta['date']}.")]
    return lines


def _one_weight_table(path):
    meta, rows = _read(path)
    lines = [("| eps | delta | setting | smallest width, >= 1 - delta of 200 seeds (pointwise) | "
             "successes there / at +1 / at twice | smallest width (uniform, every target) |"),
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['eps']} | {r['delta']} | {r['setting']} | {r['smallest_width']} | "
                     f"{r['successes_at_smallest']} / {r['successes_at_smallest_plus_1']} / "
                     f"{r['successes_at_twice_smallest']} | {r['smallest_width_uniform']} |")
    lines += ["", (f"Target (1, 1), seeds {meta['seeds'][0]}..{meta['seeds'][1] - 1}, every width "
              f"scanned from 1; commit {meta['commit']}, {meta['date']}.")]
    return lines


def _kink_exact_table(path):
    meta, rows = _read(path)
    lines = [("| h | prune | lock | target | eps | sources with a locked kink | Theorem 6 (a) "
             "violations (exact) | min best error / (mu/4) | sources with an eps-ticket (95% CI) "
             "| Theorem 6 (b) bound |"), "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['hidden_width']} | {r['prune_ratio']} | {r['lock_ratio']} | {r['target']} | "
            f"{r['eps']} | {r['with_locked_kink']}/{r['sources']} | {r['theorem6a_violations']} | "
            f"{float(r['min_best_over_quarter_margin']):.3g} | {r['tickets']}/{r['sources']} "
            f"({float(r['ticket_ci_low']):.3f}-{float(r['ticket_ci_high']):.3f}) | "
            f"{float(r['theorem6_bound']):.3f} |")
    lines += ["", ("Sources (2, 1), exact best-mask error by integer arithmetic "
                   f"(best_mask_error); commit {meta['commit']}, {meta['date']}.")]
    return lines


def _kink_cert_table(rows, meta):
    lines = ["| lock | eps | " + " | ".join(f"h = {w}" for w in sorted(
        {int(r["hidden_width"]) for r in rows})) + " |"]
    widths = sorted({int(r["hidden_width"]) for r in rows})
    lines.append("|---|---|" + "---|" * len(widths))
    for lam in sorted({r["lock_ratio"] for r in rows}, key=float):
        for eps in sorted({r["eps"] for r in rows}, key=float, reverse=True):
            sel = {int(r["hidden_width"]): r for r in rows
                   if r["lock_ratio"] == lam and r["eps"] == eps}
            cells = [f"{1 - int(sel[w]['certified_no_ticket']) / int(sel[w]['sources']):.3f} "
                     f"({float(sel[w]['theorem6_bound']):.3f})" for w in widths]
            lines.append(f"| {lam} | {eps} | " + " | ".join(cells) + " |")
    lines += ["", ("Cell: fraction of 2 x 2 sources (prune 0) that Theorem 6 (a) does not certify "
              "to be ticket-free (exact decision), and in brackets Theorem 6 (b)'s bound on "
              f"P(some eps-ticket exists); {meta['seeds'][1]} sources per cell; commit "
              f"{meta['commit']}, {meta['date']}.")]
    return lines


def main():
    runs = _load_success()
    if not runs:
        raise SystemExit("no data: run paper_figures/construction_success_compute.py first")
    single = [r for r in runs if max(r[0]["widths"][:-1]) == 1]
    multi = [r for r in runs if max(r[0]["widths"][:-1]) > 1]
    cert_path = DATA / "locked_kink_certified.csv"
    with style.context("text"):
        fig, axes = style.subplots("text", 2, 2, height=7.6)
        missing = _success_panel(axes[0, 0], single, "(a) one input per layer")
        missing += _success_panel(axes[0, 1], multi, "(b) 2 x 2, re-assigning construction")
        _error_panel(axes[1, 0], multi)
        if cert_path.exists():
            cert_meta, cert_rows = _read(cert_path)
            _kink_panel(axes[1, 1], cert_rows, runs[0][0]["delta"])
        ax = axes[0, 0]
        ax.plot([], [], "k-", marker="o", ms=3, label="this seed's target (pointwise)")
        ax.plot([], [], "k--", lw=0.9, label="every target at once (uniform)")
        ax.plot([], [], "k:", label="proved width (required_width)")
        ax.plot([], [], "k-.", lw=0.8, label=style.label("width from Monte Carlo n*"))
        # every panel's legend below it, outside the data (constrained layout makes the room)
        for a, cols in ((axes[0, 0], 2), (axes[0, 1], 1), (axes[1, 1], 2)):
            if a.get_legend_handles_labels()[0]:
                a.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=cols,
                         fontsize=style.SMALL_FONT_SIZE)
        meta = runs[0][0]
        note = (f"\nno proved width (no dotted line) for {'; '.join(missing)}" if missing else "")
        fig.suptitle(style.label(f"eps = {meta['eps']}, delta = {meta['delta']}, "
                                 f"{meta['seeds'][1]} seeds per point; bands: 95% Clopper-Pearson; "
                                 f"grey line: 1 - delta{note}"), fontsize=style.SMALL_FONT_SIZE)
        style.save(fig, ROOT / "paper_figures" / "construction_success")

    lines = ["# Constructive tickets and the locked-kink lower bound", "",
             ("Made by `python paper_figures/construction_success_compute.py && "
             "python paper_figures/construction_success.py`."), "",
             "## Success against width (eps = 0.1, delta = 0.1)", ""]
    lines += _success_table(runs)
    if (DATA / "one_weight_width.csv").exists():
        lines += ["", "## One weight: smallest width that succeeds in >= 1 - delta of 200 seeds",
                  ""]
        lines += _one_weight_table(DATA / "one_weight_width.csv")
    if (DATA / "locked_kink_exact.csv").exists():
        lines += ["", "## Theorem 6 on tiny sources (exact best mask)", ""]
        lines += _kink_exact_table(DATA / "locked_kink_exact.csv")
    if cert_path.exists():
        lines += ["", "## Theorem 6 on 2 x 2 sources (certified, exact decisions)", ""]
        lines += _kink_cert_table(cert_rows, cert_meta)
    write_text_atomic(DATA / "table.md", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
