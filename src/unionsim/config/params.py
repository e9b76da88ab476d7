"""Model parameters: load the documented defaults, layer user values over them, hand them to the model.

The defaults live in ``params/default.yaml`` as a tree whose leaves are `ParameterSpec`s. A
parameter is named by its dotted path (``minsk.sovereignty_weight``). Users change values with
overlay files (``--params FILE``), ``--set name=value`` and scenario ``overrides``; every name
is checked against the defaults and every value against its documented range.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable, Mapping

from pydantic import ValidationError

from unionsim.config.schema import ParameterOverlay, ParameterSpec
from unionsim.config.yamlio import YamlDoc, read_yaml, validate_reporting_all, validation_error
from unionsim.errors import (ConfigError, ParameterError, ProblemsError, UsageError,
                             raise_problems)

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def shipped_dir(kind: str) -> Path:
    """The folder of shipped ``params``, ``scenarios`` or ``targets``: the checkout's, else the
    wheel's copy."""
    repo = PROJECT_ROOT / kind
    if repo.is_dir():
        return repo
    return Path(__file__).resolve().parents[1] / "_shipped" / kind


@dataclass(frozen=True)
class ParameterSet:
    """The documented parameters and the values in force.

    ``origin`` records, for every value that differs from the default, which file or option set
    it, so a results manifest can say how the run was configured.
    """

    specs: Mapping[str, ParameterSpec]
    values: Mapping[str, float]
    origin: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    def names(self) -> list[str]:
        return list(self.specs)

    def with_values(self, new: Mapping[str, float], origin: str, *, doc: YamlDoc | None = None,
                    loc_prefix: tuple = ()) -> "ParameterSet":
        """A copy with ``new`` values; unknown names and out-of-range values are errors."""
        values = dict(self.values)
        origins = dict(self.origin)
        problems = []
        for name, value in new.items():
            line = doc.line_of(loc_prefix + (name,)) if doc else None
            file = doc.file_of(loc_prefix + (name,)) if doc else None
            spec = self.specs.get(name)
            if spec is None:
                problems.append(unknown_parameter(name, self.specs, file=file, line=line,
                                                  origin=origin))
                continue
            try:
                check_in_range(name, value, spec, file=file, line=line, origin=origin)
            except ParameterError as exc:
                problems.append(exc)
                continue
            values[name] = float(value)
            origins[name] = origin
        raise_problems(problems)  # every unknown name and bad value at once
        return ParameterSet(self.specs, values, origins)

    def namespace(self) -> "ParameterGroup":
        """The values as nested attributes: ``p.minsk.sovereignty_weight``; a fresh tree each
        call (a model may change its own), copied from one built on first use (a batch's runs
        share one set, and a copy is much cheaper than a build)."""
        tree = self.__dict__.get("_namespace")
        if tree is None:
            tree = build_namespace(self.values)
            object.__setattr__(self, "_namespace", tree)  # a cache, not a field: frozen holds
        return tree.copy()

    def changed(self) -> dict[str, float]:
        """Values that differ from the documented defaults."""
        return {k: v for k, v in self.values.items() if v != self.specs[k].value}

    def __reduce__(self):
        # Sent to every worker process: the shipped specs (with their sources and claims, about
        # 190 kB pickled) are re-read there from the cached defaults instead of being copied.
        if self.specs is _default_specs():
            return (_with_default_specs, (dict(self.values), dict(self.origin)))
        return (ParameterSet, (dict(self.specs), dict(self.values), dict(self.origin)))


def _with_default_specs(values: Mapping[str, float], origin: Mapping[str, str]) -> "ParameterSet":
    return ParameterSet(_default_specs(), values, origin)


def unknown_parameter(name: str, specs: Mapping[str, Any], *, file=None, line=None,
                      origin: str = "") -> ParameterError:
    close = difflib.get_close_matches(name, list(specs), n=3, cutoff=0.6)
    hint = ("did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close else \
        "`unionsim params` lists every parameter name"
    where = f" (from {origin})" if origin and not file else ""
    return ParameterError(f"unknown parameter '{name}'{where}", file=file, line=line, field=name,
                          hint=hint)


def check_in_range(name: str, value: Any, spec: ParameterSpec, *, file=None, line=None,
                   origin: str = "") -> None:
    """Raise a `ParameterError` unless ``value`` is a number inside the documented range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"expected a number ({spec.unit}), got {value!r}", file=file,
                             line=line, field=name)
    lo, hi = spec.range
    if not lo <= value <= hi:
        where = f" (from {origin})" if origin and not file else ""
        raise ParameterError(
            f"value {value} is outside the documented range [{lo}, {hi}] ({spec.unit}){where}",
            file=file, line=line, field=name,
            hint=f"choose a value in [{lo}, {hi}]; `unionsim params {name}` shows its sources")


class ParameterGroup:
    """Parameters as attributes, a group's members or its subgroups (``p.minsk``,
    ``p.minsk.sovereignty_weight``); like a `SimpleNamespace` (keyword construction, ``vars``,
    equality, repr).

    A class of its own rather than `SimpleNamespace` for speed: CPython 3.11 specialises an
    attribute read only on instances of classes written in Python, and the model reads its
    parameters thousands of times a run; on a `SimpleNamespace` every read is a full lookup.
    """

    def __init__(self, **values: Any):
        for name, value in values.items():
            setattr(self, name, value)  # `setattr` interns the name: specialised reads need it

    def copy(self) -> "ParameterGroup":
        """A copy of this group and of its subgroups (C-level dictionary copies; the names
        stay the interned ones)."""
        new = ParameterGroup.__new__(ParameterGroup)
        values = vars(new)
        values.update(vars(self))
        for name, value in values.items():
            if type(value) is ParameterGroup:
                values[name] = value.copy()
        return new

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (ParameterGroup, SimpleNamespace)):
            return NotImplemented
        return vars(self) == vars(other)

    __hash__ = None  # mutable, like a SimpleNamespace

    def __repr__(self) -> str:
        return "ParameterGroup(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"


def build_namespace(values: Mapping[str, float]) -> ParameterGroup:
    """Nested attributes from dotted names: ``{"a.b": 1}`` -> ``ns.a.b == 1``."""
    layout = _layout(tuple(values))
    return _fill(layout, values)


@lru_cache(maxsize=64)
def _layout(names: tuple[str, ...]) -> dict:
    tree: dict = {}
    for dotted in names:
        node = tree
        *groups, leaf = dotted.split(".")
        for g in groups:
            node = node.setdefault(g, {})
        node[leaf] = dotted
    return tree


def _fill(tree: dict, values: Mapping[str, float]) -> ParameterGroup:
    return ParameterGroup(**{k: (_fill(v, values) if isinstance(v, dict) else values[v])
                              for k, v in tree.items()})


# --------------------------------------------------------------------------- loading

def load_parameter_specs(path: str | Path) -> dict[str, ParameterSpec]:
    """Read a full parameter file (the format of ``params/default.yaml``)."""
    doc = read_yaml(path, what="parameter file")
    if not isinstance(doc.data, dict) or not doc.data:
        raise ConfigError("expected a mapping of parameter groups", file=doc.path, line=1)
    specs: dict[str, ParameterSpec] = {}
    _collect_specs(doc.data, (), doc, specs)
    return specs


def _collect_specs(node: Any, loc: tuple, doc: YamlDoc, out: dict[str, ParameterSpec]) -> None:
    for key, child in node.items():
        here = loc + (key,)
        name = ".".join(str(p) for p in here)
        if not isinstance(child, dict):
            raise ConfigError("expected a parameter (with value, range, unit, meaning, basis, "
                              "sources) or a group of parameters", file=doc.path,
                              line=doc.line_of(here), field=name)
        if "value" in child:
            try:
                out[name] = ParameterSpec.model_validate(child)
            except ValidationError as exc:
                raise validation_error(exc, doc, ParameterSpec, prefix=here,
                                       what="parameter") from None
        else:
            if not child:
                raise ConfigError("empty parameter group", file=doc.path, line=doc.line_of(here),
                                  field=name)
            _collect_specs(child, here, doc, out)


@lru_cache(maxsize=1)
def _default_specs() -> dict[str, ParameterSpec]:
    return load_parameter_specs(shipped_dir("params") / "default.yaml")


def fit_candidates(specs: Mapping[str, ParameterSpec] | None = None) -> dict[str, str]:
    """The parameters marked ``fit:`` in the defaults, with the reason each must be fitted rather
    than set by hand (in file order). The fit takes every one of them over its range."""
    specs = default_parameters().specs if specs is None else specs
    return {name: spec.fit for name, spec in specs.items() if spec.fit}


def default_parameters() -> ParameterSet:
    """The documented default parameter set."""
    specs = _default_specs()
    return ParameterSet(specs, {k: s.value for k, s in specs.items()})


def load_overlay(path: str | Path) -> tuple[ParameterOverlay, YamlDoc]:
    """Read and validate a parameter overlay file (``params/*.yaml`` other than the defaults)."""
    doc = read_yaml(path, what="parameter file")
    if isinstance(doc.data, dict) and "values" not in doc.data and _looks_like_full_file(doc.data):
        raise ConfigError("this is a full parameter file, not an overlay", file=doc.path, line=1,
                          hint="an overlay has `title:` and `values:` (name: value); see "
                               "params/sovereignty_tradable.yaml")
    if not isinstance(doc.data, dict):
        raise ConfigError("expected a parameter overlay: a mapping with title and values",
                          file=doc.path, line=1,
                          hint="an overlay has `title:` and `values:` (name: value); see "
                               "params/sovereignty_tradable.yaml")
    overlay, problems = validate_reporting_all(ParameterOverlay, doc, what="parameter file")
    if problems:
        # the names and ranges of the values that are numbers too: every problem at once
        raise_problems(problems + _overlay_value_problems(doc))
    return overlay, doc


def _overlay_value_problems(doc: YamlDoc) -> list[ConfigError]:
    """Unknown names and out-of-range values among an overlay's numeric ``values:``, read from
    the raw data (so they are found while the schema rejects other entries of the file)."""
    values = doc.data.get("values") if isinstance(doc.data, dict) else None
    numbers = {k: v for k, v in (values.items() if isinstance(values, dict) else ())
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    try:
        default_parameters().with_values(numbers, doc.path, doc=doc, loc_prefix=("values",))
    except ProblemsError as exc:
        return exc.problems
    except ConfigError as exc:
        return [exc]
    return []


def _looks_like_full_file(data: dict) -> bool:
    return any(isinstance(v, dict) and any(isinstance(x, dict) for x in v.values())
               for v in data.values())


def apply_overlay_file(pset: ParameterSet, path: str | Path) -> ParameterSet:
    """Layer the values of an overlay file over ``pset`` (only the names it lists)."""
    overlay, doc = load_overlay(path)
    return pset.with_values(overlay.values, origin=str(path), doc=doc, loc_prefix=("values",))


def parse_set_options(items: Iterable[str]) -> dict[str, float]:
    """Parse ``--set name=value`` options into a mapping; the names are checked later."""
    out: dict[str, float] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"--set '{item}' is not of the form name=value",
                             hint="e.g. --set minsk.sovereignty_weight=0.8")
        name, _, raw = item.partition("=")
        name = name.strip()
        try:
            out[name] = float(raw)
        except ValueError:
            raise UsageError(f"--set {name}: '{raw}' is not a number", field=name,
                             hint=f"e.g. --set {name}=0.5") from None
    return out


def resolve_parameters(*, param_files: Iterable[str | Path] = (),
                       scenario_overrides: Mapping[str, float] | None = None,
                       scenario_doc: YamlDoc | None = None,
                       sets: Mapping[str, float] | None = None,
                       overrides: Mapping[str, float] | None = None) -> ParameterSet:
    """Defaults, then the scenario's overrides, then ``--params`` files, then ``--set`` values.

    The user's own choices come last so that they win over what a scenario ships with.
    """
    pset = default_parameters()
    if scenario_overrides:
        pset = pset.with_values(scenario_overrides, "scenario overrides", doc=scenario_doc,
                                loc_prefix=("overrides",))
    for path in param_files:
        pset = apply_overlay_file(pset, path)
    if sets:
        pset = pset.with_values(sets, "--set")
    if overrides:
        pset = pset.with_values(overrides, "overrides")
    return pset
