"""Config files (TOML or YAML) and how a run's hyperparameters are resolved from a recipe, a
config file and command-line overrides.

A config file has the sections of :class:`~empirical.hparams.RunHparams` with their field names,
and optionally four top-level keys::

    recipe = "cifar10-conv6"      # start from this recipe (else from the dataclass defaults)
    freeze_ratio = 0.7            # prune_ratio + lock_ratio, split by freeze_split
    freeze_split = "proportional" # or "even" (see empirical.hparams.split_freeze)
    mask_file = "found.fslt"      # oracle freezing: per-layer densities of a found ticket

    [data]
    data_root = "/data/cifar10"
    [supermask]
    sparsity = 0.5
    [supermask.init]
    weight_init = "kaiming_uniform"
    [train]
    epochs = 20

Resolution, later steps winning: the recipe (or the defaults), the config file's sections, the
command line's explicit flags; then the freeze ratio is split (with the final sparsity) unless
``prune_ratio`` / ``lock_ratio`` were given explicitly, then a baseline kind, if any, is applied.
Unknown keys are errors naming the key. :func:`to_toml` writes the resolved values back as a
config file that resolves to the same hyperparameters (tested as a round trip).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping

from slt_theory.errors import InvalidParameterError

from ._checks import optional_path, text
from .hparams import BASELINES, RunHparams, split_freeze
from .recipes import get_recipe

__all__ = ["read_config", "resolve", "to_toml", "to_yaml", "TOP_LEVEL_KEYS", "Resolved"]

TOP_LEVEL_KEYS = ("recipe", "freeze_ratio", "freeze_split", "mask_file")
_SECTIONS = ("data", "model", "supermask", "train")


def _load_toml(raw: bytes):
    try:
        import tomllib  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ImportError as err:
            raise InvalidParameterError(
                "reading a TOML config on Python 3.10 needs tomli: pip install tomli") from err
    return tomllib.loads(raw.decode("utf-8"))


def _load_yaml(raw: bytes):
    try:
        import yaml
    except ImportError as err:
        raise InvalidParameterError(
            "reading a YAML config needs PyYAML: pip install pyyaml (or use a .toml file)"
        ) from err
    return yaml.safe_load(raw.decode("utf-8"))  # safe_load: plain data only, no objects


def read_config(path) -> dict:
    """The contents of a ``.toml``, ``.yaml`` or ``.yml`` config file, checked for unknown keys."""
    path = optional_path("path", path)
    if path is None:
        raise InvalidParameterError("path must be a path (a non-empty string), got None")
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".toml", ".yaml", ".yml"):
        raise InvalidParameterError(
            f"config file must end in .toml, .yaml or .yml, got {path!r}")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as err:
        raise InvalidParameterError(f"cannot read config file {path!r}: {err}") from None
    try:
        data = _load_toml(raw) if ext == ".toml" else _load_yaml(raw)
    except InvalidParameterError:
        raise
    except Exception as err:  # noqa: BLE001 - every parser error means: not a valid config
        raise InvalidParameterError(f"config file {path!r} does not parse: {err}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidParameterError(f"config file {path!r} must hold a table of settings")
    unknown = sorted(set(data) - set(TOP_LEVEL_KEYS) - set(_SECTIONS))
    if unknown:
        raise InvalidParameterError(
            f"config file {path!r}: unknown key(s) {unknown}; allowed: sections "
            f"{list(_SECTIONS)} and top-level keys {list(TOP_LEVEL_KEYS)}")
    for name in _SECTIONS:
        if name in data and not isinstance(data[name], dict):
            raise InvalidParameterError(f"config file {path!r}: [{name}] must be a table")
    return data


def _merge(base: dict, update: dict) -> dict:
    out = dict(base)
    for k, v in update.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _nest(flat: dict) -> dict:
    """``{"train.lr": 0.1, "supermask.init.weight_init": "uniform"}`` as nested tables."""
    out = {}
    for key, value in flat.items():
        parts = key.split(".")
        d = out
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = value
    return out


class Resolved:
    """The outcome of :func:`resolve`: ``hparams`` and the ``provenance`` the run folder records."""

    def __init__(self, hparams: RunHparams, provenance: dict):
        self.hparams, self.provenance = hparams, provenance


def _oracle_density(mask_file):
    """Per-layer kept fractions of the ticket in ``mask_file`` (loads torch)."""
    from .layers import realised_sparsity
    from .ticket import load_ticket

    return [1.0 - s for s in realised_sparsity(load_ticket(mask_file))[1]]


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def resolve(recipe=None, config=None, overrides=None, freeze_ratio=None, freeze_split=None,
            baseline=None, mask_file=None) -> Resolved:
    """Hyperparameters from a recipe, a config file and explicit overrides (module docstring).

    Parameters
    ----------
    recipe : str, optional
        A recipe name (:data:`empirical.recipes.RECIPES`); wins over the config file's.
    config : path, optional
        A ``.toml`` / ``.yaml`` config file.
    overrides : dict, optional
        Explicit values by dotted field name, e.g. ``{"train.lr": 0.05, "data.data_root": "d"}``.
    freeze_ratio, freeze_split, mask_file : optional
        Win over the config file's top-level keys of the same name.
    baseline : {"dense_weights", "dense_source", "pruned_source", "frozen_source"}, optional
        ``dense_weights`` trains weights; ``dense_source`` freezes nothing; ``pruned_source``
        prunes the whole freeze ratio (or prune_ratio) and locks nothing.

    Examples
    --------
    >>> r = resolve("cifar10-conv6", freeze_ratio=0.5, overrides={"supermask.sparsity": 0.5})
    >>> r.hparams.supermask.prune_ratio, r.hparams.supermask.lock_ratio
    (0.25, 0.25)
    >>> r.provenance["recipe"]["name"], r.provenance["recipe"]["version"]
    ('cifar10-conv6', 1)
    """
    if overrides is not None and not isinstance(overrides, Mapping):
        raise InvalidParameterError(
            f"overrides must be a dict of dotted field names, got {overrides!r}")
    overrides = dict(overrides or {})
    for key in overrides:
        if not isinstance(key, str) or key.split(".")[0] not in _SECTIONS:
            raise InvalidParameterError(
                f"override {key!r} must be a dotted field name in one of {list(_SECTIONS)}")
    cfg = read_config(config) if config is not None else {}
    recipe = recipe if recipe is not None else cfg.get("recipe")
    rec = get_recipe(recipe) if recipe is not None else None
    base = rec.hparams.to_json() if rec else RunHparams().to_json()
    merged = _merge(base, {k: v for k, v in cfg.items() if k in _SECTIONS})
    merged = _merge(merged, _nest(overrides))
    explicit = {k for k in ("prune_ratio", "lock_ratio")
                if k in cfg.get("supermask", {}) or f"supermask.{k}" in overrides}

    freeze_ratio = freeze_ratio if freeze_ratio is not None else cfg.get("freeze_ratio")
    if freeze_ratio is not None:  # a plain float: it goes into the JSON provenance (np.float32)
        from slt_theory._validate import ratio
        freeze_ratio = ratio("freeze_ratio", freeze_ratio)
    rule = freeze_split if freeze_split is not None else cfg.get(
        "freeze_split", rec.freeze_split if rec else "proportional")
    sm = merged["supermask"]
    if baseline is not None:
        from slt_theory._validate import choice
        choice("baseline", text("baseline", baseline), set(BASELINES))
    if freeze_ratio is not None:
        if baseline == "pruned_source":
            if "lock_ratio" in explicit and sm["lock_ratio"]:
                raise InvalidParameterError("a pruned_source locks nothing: drop --lock-ratio")
            sm["prune_ratio"], sm["lock_ratio"] = freeze_ratio, 0.0
        elif explicit == {"prune_ratio", "lock_ratio"}:
            if not math.isclose(sm["prune_ratio"] + sm["lock_ratio"], freeze_ratio,
                                abs_tol=1e-12):
                raise InvalidParameterError(
                    f"prune_ratio {sm['prune_ratio']!r} + lock_ratio {sm['lock_ratio']!r} "
                    f"differs from freeze_ratio {freeze_ratio!r}: give two of the three")
        elif explicit == {"prune_ratio"}:
            sm["lock_ratio"] = freeze_ratio - sm["prune_ratio"]
        elif explicit == {"lock_ratio"}:
            sm["prune_ratio"] = freeze_ratio - sm["lock_ratio"]
        else:
            sm["prune_ratio"], sm["lock_ratio"] = split_freeze(freeze_ratio, sm["sparsity"], rule)
    if baseline == "dense_weights":
        sm["method"] = "weights"
    elif baseline == "dense_source":
        if freeze_ratio:
            raise InvalidParameterError("a dense_source freezes nothing: drop --freeze-ratio")
        sm["prune_ratio"], sm["lock_ratio"] = 0.0, 0.0
    elif baseline == "pruned_source":
        sm["lock_ratio"] = 0.0

    mask_file = mask_file if mask_file is not None else cfg.get("mask_file")
    if mask_file is not None:
        mask_file = optional_path("mask_file", mask_file)
        if not os.path.isfile(mask_file):
            raise InvalidParameterError(f"mask_file {mask_file!r} does not exist")
        sm["oracle_density"] = _oracle_density(mask_file)
    hp = RunHparams.from_json(merged)
    provenance = {
        "recipe": rec.describe() if rec else None,
        "config_file": None if config is None else {"path": os.path.abspath(os.fspath(config)),
                                                    "sha256": _sha256(config)},
        "overrides": {k: overrides[k] for k in sorted(overrides)},
        "freeze_ratio": freeze_ratio, "freeze_split": rule if freeze_ratio is not None else None,
        "baseline": baseline,
        "mask_file": None if mask_file is None else {"path": os.path.abspath(mask_file),
                                                     "sha256": _sha256(mask_file)},
    }
    json.dumps(provenance)  # recorded in hparams.json: must be plain data
    return Resolved(hp, provenance)


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a valid TOML basic string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise InvalidParameterError(f"cannot write {v!r} to TOML")


def _toml_table(name, d, lines):
    scalars = {k: v for k, v in d.items() if not isinstance(v, dict) and v is not None}
    lines.append(f"[{name}]")
    lines.extend(f"{k} = {_toml_value(v)}" for k, v in scalars.items())
    for k, v in d.items():
        if v is None:
            lines.append(f"# {k} is not set")
    lines.append("")
    for k, v in d.items():
        if isinstance(v, dict):
            _toml_table(f"{name}.{k}", v, lines)


def to_toml(hp: RunHparams, comment: str = "") -> str:
    """``hp`` as a TOML config file (every field, so it needs no recipe to resolve).

    Examples
    --------
    >>> print(to_toml(RunHparams()).splitlines()[0])
    [data]
    """
    if not isinstance(hp, RunHparams):
        raise InvalidParameterError(f"hp must be a RunHparams, got {hp!r}")
    comment = text("comment", comment)  # a None here was an AttributeError (issue-12 fuzz)
    lines = [f"# {line}" for line in comment.splitlines()]
    for name, section in hp.to_json().items():
        _toml_table(name, section, lines)
    return "\n".join(lines).rstrip() + "\n"


def to_yaml(hp: RunHparams) -> str:
    """``hp`` as a YAML config file (needs PyYAML).

    Raises
    ------
    InvalidParameterError
        ``hp`` is not a RunHparams.
    ImportError
        PyYAML is not installed.
    """
    if not isinstance(hp, RunHparams):  # anything else was an AttributeError (issue-12 fuzz)
        raise InvalidParameterError(f"hp must be a RunHparams, got {hp!r}")
    import yaml

    return yaml.safe_dump(hp.to_json(), sort_keys=False)
