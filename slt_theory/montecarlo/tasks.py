"""Task functions for sweeps run through `slt_theory.runs.runstore` (importable by name, so that local
processes and Dask workers can run them; deterministic in their parameters)."""

from .coverage import coverage_probability
from .required import empirical_required_samples

__all__ = ["coverage_task", "required_samples_task"]


def coverage_task(params):
    """Monte Carlo coverage at one grid point: params are coverage_probability's arguments."""
    r = coverage_probability(**params)
    return {"successes": r.successes, "estimate": r.estimate, "ci_low": r.ci_low,
            "ci_high": r.ci_high, "confidence": r.confidence, "interval": r.interval}


def required_samples_task(params):
    """Empirical n* at one (eps, delta, freeze setting): empirical_required_samples' arguments."""
    r = empirical_required_samples(**params)
    return {"n_estimate": r.n_estimate, "n_confident": r.n_confident,
            "confidence": r.confidence, "curve_n": r.ns, "curve_estimate": r.estimates}

