"""Task function for construction sweeps run through `slt_theory.runs.runstore` (importable by
name, so that local processes and Dask workers can run it; deterministic in its parameters)."""

from collections.abc import Iterable, Mapping

from .. import _validate
from ..errors import InvalidParameterError
from .verification import success_probability

# success_probability's parameters, with seeds as a count
_REQUIRED = {"widths", "width", "eps", "seeds"}
_OPTIONAL = {"prune_ratio", "lock_ratio", "freezing", "block_sizes", "measure", "uniform",
             "confidence"}

__all__ = ["construction_task"]


def construction_task(params):
    """Success rate of the constructive ticket (docs/theory.md, Section 4) at one hidden width:
    params are success_probability's arguments, with ``seeds`` given as a count."""
    if not isinstance(params, Mapping):
        raise InvalidParameterError(f"params must be a mapping, got {params!r}")
    params = dict(params)
    missing, unknown = _REQUIRED - set(params), set(params) - _REQUIRED - _OPTIONAL
    if missing or unknown:
        raise InvalidParameterError(
            f"params must name {sorted(_REQUIRED)} and may name {sorted(_OPTIONAL)}; missing "
            f"{sorted(missing, key=str)}, unknown {sorted(unknown, key=str)}")
    params["seeds"] = range(_validate.integer("seeds", params["seeds"], minimum=1))
    if isinstance(params["widths"], (str, bytes)) or not isinstance(params["widths"], Iterable):
        raise InvalidParameterError(f"widths must be a sequence of layer widths, got "
                                    f"{params['widths']!r}")
    params["widths"] = tuple(params["widths"])
    r = success_probability(**params)
    return {"hidden_width": r.width, "successes": r.successes, "trials": r.trials,
            "ci_low": r.ci_low, "ci_high": r.ci_high, "upper_999": r.upper_999}
