"""Task functions for sweeps run through `slt_theory.runstore` (importable by name, so that local
processes and Dask workers can run them; deterministic in their parameters)."""

from .montecarlo import coverage_probability, empirical_required_samples

__all__ = ["construction_task", "coverage_task", "required_samples_task"]


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


def construction_task(params):
    """Success rate of the constructive ticket (docs/theory.md, Section 4) at one hidden width:
    params are success_probability's arguments, with ``seeds`` given as a count."""
    from .verification import success_probability

    params = dict(params)
    params["seeds"] = range(int(params["seeds"]))
    params["widths"] = tuple(params["widths"])
    r = success_probability(**params)
    return {"hidden_width": r.width, "successes": r.successes, "trials": r.trials,
            "ci_low": r.ci_low, "ci_high": r.ci_high, "upper_999": r.upper_999}
