"""Task function for construction sweeps run through `slt_theory.runs.runstore` (importable by
name, so that local processes and Dask workers can run it; deterministic in its parameters)."""

from .verification import success_probability

__all__ = ["construction_task"]


def construction_task(params):
    """Success rate of the constructive ticket (docs/theory.md, Section 4) at one hidden width:
    params are success_probability's arguments, with ``seeds`` given as a count."""
    params = dict(params)
    params["seeds"] = range(int(params["seeds"]))
    params["widths"] = tuple(params["widths"])
    r = success_probability(**params)
    return {"hidden_width": r.width, "successes": r.successes, "trials": r.trials,
            "ci_low": r.ci_low, "ci_high": r.ci_high, "upper_999": r.upper_999}
