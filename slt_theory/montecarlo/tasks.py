"""Task functions for sweeps run through `slt_theory.runs.runstore` (importable by name, so that local
processes and Dask workers can run them; deterministic in their parameters)."""

import inspect

from ..errors import InvalidParameterError
from .coverage import coverage_probability
from .required import empirical_required_samples

__all__ = ["coverage_task", "required_samples_task"]


def _arguments(fn, params):
    """``params`` as keyword arguments of ``fn``: a dict of its parameter names only."""
    if not isinstance(params, dict):
        raise InvalidParameterError(f"task parameters must be a dict, got {params!r}")
    signature = inspect.signature(fn)
    try:
        signature.bind(**params)
    except TypeError as err:  # an unknown name, or a required one missing
        raise InvalidParameterError(
            f"task parameters must be arguments of {fn.__name__} "
            f"({', '.join(signature.parameters)}): {err}") from None
    return params


def coverage_task(params):
    """Monte Carlo coverage at one grid point: params are coverage_probability's arguments."""
    r = coverage_probability(**_arguments(coverage_probability, params))
    return {"successes": r.successes, "estimate": r.estimate, "ci_low": r.ci_low,
            "ci_high": r.ci_high, "confidence": r.confidence, "interval": r.interval}


def required_samples_task(params):
    """Empirical n* at one (eps, delta, freeze setting): empirical_required_samples' arguments."""
    r = empirical_required_samples(**_arguments(empirical_required_samples, params))
    return {"n_estimate": r.n_estimate, "n_confident": r.n_confident,
            "confidence": r.confidence, "curve_n": r.ns, "curve_estimate": r.estimates}
