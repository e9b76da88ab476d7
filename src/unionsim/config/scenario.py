"""Load scenarios: find the file, resolve ``extends``, validate, check names and ranges.

``extends`` merges a scenario onto the one it names (a shipped scenario's name, or a path relative
to the extending file). The rules, documented in ``scenarios/README.md``:

* ``name``, ``title``, ``description`` belong to the extending scenario; other plain keys
  (``start``, ``horizon``, ``sampler``) replace the parent's when given;
* ``sources`` add to the parent's;
* ``overrides``, ``uncertainty``, ``paths``, ``initial`` and ``policies`` merge by key; a key set to ``null`` removes the
  parent's entry;
* ``events`` and ``triggers`` follow the parent's; an entry whose ``id`` matches a parent entry
  replaces it in place, and ``remove: [id, ...]`` drops parent entries.

Errors point at the file and line the offending key came from, whichever file in the chain that
is.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from unionsim.config.params import resolve_parameters, shipped_dir
from unionsim.config.schema import Documented, Scenario
from unionsim.config.yamlio import (YamlDoc, read_yaml, validate_reporting_all,
                                    validation_error)
from unionsim.errors import (ConfigError, ScenarioError, UnionsimWarning, UsageError,
                             raise_problems)

PATH_BOUNDS = {"tension": (0.0, 1.0), "oil_price_index": (0.1, 3.0)}
MERGED_BY_KEY = ("overrides", "uncertainty", "paths", "initial", "policies")
LISTS_BY_ID = ("events", "triggers")
OWN_KEYS = ("name", "title", "description")


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, where it came from and the chain of files it extends."""

    spec: Scenario
    path: Path | None = None
    doc: YamlDoc | None = None
    chain: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.spec.name

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        """Messages for the user about a valid but doubtful scenario (shown, never fatal)."""
        return inherited_start_warnings(self.spec)

    @cached_property
    def schedule(self) -> dict[int, list]:
        """Events by month number, in file order within a month (built once per scenario)."""
        schedule: dict[int, list] = {}
        for event in self.spec.events:
            schedule.setdefault(self.spec.month_of(event.month), []).append(event)
        return schedule

    def parameters(self, *, param_files=(), sets=None, overrides=None):
        """Defaults, the scenario's overrides, then the user's files, --set and overrides."""
        return resolve_parameters(param_files=param_files, scenario_overrides=self.spec.overrides,
                                  scenario_doc=self.doc, sets=sets, overrides=overrides)

    def uncertain_parameters(self) -> dict[str, tuple[float, float]]:
        """Each uncertain parameter's sampling bounds (its documented range for ``documented``)."""
        from unionsim.config.params import default_parameters

        specs = default_parameters().specs
        return {name: (tuple(specs[name].range) if isinstance(dist, Documented)
                       else clip_bounds(dist.bounds(), specs[name].range))
                for name, dist in self.spec.uncertainty.items()}


# The month the parameters' ``initial`` group describes (see params/default.yaml, `initial`).
REFERENCE_START = "2019-01"


def inherited_start_warnings(spec: Scenario) -> tuple[str, ...]:
    """A warning when a scenario starts at another month than the parameters' January 2019
    state without setting ``initial:``: it would silently start from that state."""
    if spec.start == REFERENCE_START or spec.initial:
        return ()
    from unionsim.config.params import default_parameters

    values = default_parameters().values
    inherited = (f"Western sanctions at level {values['initial.sanctions_level']:g}, "
                 f"Western engagement at {values['initial.western_engagement']:g}, "
                 f"no Western memory of repression, no Russian loans, debt at "
                 f"${values['initial.debt']:g}bn, reserves at ${values['initial.reserves']:g}bn, "
                 f"no protest history, no roadmaps signed, Russian forces only at the leased "
                 f"sites, opinion as in the 2019 polls")
    return (f"scenario {spec.name} starts in {spec.start} but sets no `initial:`, so it "
            f"starts from the {REFERENCE_START} state ({inherited}); set `initial:` to the "
            f"state at {spec.start} (see scenarios/README.md)",)


def clip_bounds(bounds, documented) -> tuple[float, float]:
    """Sampling bounds cut to the documented range (a normal's open tails, for instance)."""
    return (max(bounds[0], documented[0]), min(bounds[1], documented[1]))


def find_scenario(ref: str | Path, relative_to: Path | None = None) -> Path:
    """A scenario file from a path, or from the name of a shipped scenario (``baseline``)."""
    path = Path(ref)
    if relative_to is not None and not path.is_absolute():
        candidate = relative_to / path
        if candidate.exists() or path.suffix in (".yaml", ".yml"):
            return candidate
    if path.exists() or path.suffix in (".yaml", ".yml") or "/" in str(ref):
        return path
    shipped = shipped_dir("scenarios") / f"{ref}.yaml"
    return shipped if shipped.exists() else path


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped with unionsim."""
    return sorted(shipped_dir("scenarios").glob("*.yaml"))


def load_scenario(ref: str | Path) -> LoadedScenario:
    """Read and validate a scenario file (or a shipped scenario by name), resolving ``extends``.

    Raises a `unionsim.errors.UnionsimError` naming the file, the line and the field on any
    problem: missing file, malformed YAML, unknown key, wrong type, month outside the horizon,
    impossible distribution, circular ``extends``, a trigger on an unknown state variable, an
    unknown parameter or a value outside its documented range.
    """
    path = find_scenario(ref)
    if not path.exists() and "/" not in str(ref) and path.suffix not in (".yaml", ".yml"):
        names = [p.stem for p in shipped_scenarios()]
        close = difflib.get_close_matches(str(ref), names, n=2, cutoff=0.6)
        raise ScenarioError(f"no scenario file or shipped scenario called '{ref}'", file=path,
                            hint=("did you mean " + " or ".join(f"'{c}'" for c in close) + "? "
                                  if close else "") + "`unionsim scenarios` lists the shipped "
                                 "scenarios; a file path needs its .yaml ending")
    doc, chain = _merged_document(path, ())
    spec, problems = validate_reporting_all(Scenario, doc, what="scenario")
    # the names and ranges are checked even when the schema failed: every problem at once
    problems += _name_and_range_problems(doc)
    raise_problems(problems)
    loaded = LoadedScenario(spec, path, doc, chain)
    if not spec.sources:
        warnings.warn(UnionsimWarning(
            f"{path}: the scenario cites no sources, so its results folder, manifest and report "
            f"carry no provenance for it; add 'sources: [{{doc: ..., facts: [...]}}]' to record "
            f"the documents it rests on (find ids with: unionsim facts --search WORDS)"),
            stacklevel=2)
    for message in loaded.warnings:
        warnings.warn(UnionsimWarning(f"{path}: {message}"), stacklevel=2)
    return loaded


# --------------------------------------------------------------------------- extends

MAX_EXTENDS = 64
"""The longest chain of ``extends`` a scenario may have (a longer one is surely a mistake, and
each step reads and validates one more file)."""


def _resolved(path: Path, ref: str | None = None, file: Path | None = None) -> Path:
    """``path`` with its links resolved; a link that leads in a circle is a `ScenarioError`
    (about ``file``, the scenario that names it)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:   # RuntimeError: a symbolic link loop
        raise ScenarioError(f"extends '{ref or path}': the path cannot be resolved ({exc})",
                            file=file or path, field="extends",
                            hint="a symbolic link there leads in a circle or nowhere: give the "
                                 "scenario file's real path") from None


def _merged_document(path: Path, stack: tuple[Path, ...]) -> tuple[YamlDoc, tuple[Path, ...]]:
    if len(stack) >= MAX_EXTENDS:
        raise ScenarioError(f"extends goes through more than {MAX_EXTENDS} files",
                            file=path, field="extends",
                            hint="a scenario may extend a chain of at most "
                                 f"{MAX_EXTENDS} files; extend a scenario nearer the end of it")
    doc = read_yaml(path, what="scenario")
    if not isinstance(doc.data, dict):
        raise ConfigError("expected a scenario: a mapping with name, title, description, start, "
                          "horizon, sources and events", file=path, line=doc.line_of(()),
                          hint="start from a shipped scenario (scenarios/baseline.yaml); "
                               "`unionsim schema` prints every key")
    doc.files = {loc: path for loc in doc.lines}
    resolved = _resolved(path)
    parent_ref = doc.data.get("extends")
    remove = doc.data.pop("remove", None)
    if parent_ref is None:
        if remove is not None:
            raise ConfigError("'remove' only makes sense with 'extends'", file=path,
                              line=doc.line_of(("remove",)), field="remove")
        return doc, (resolved,)
    if not isinstance(parent_ref, str):
        raise ConfigError("extends must name a scenario (a shipped name or a file path)",
                          file=path, line=doc.line_of(("extends",)), field="extends")
    parent_path = find_scenario(parent_ref, relative_to=path.parent)
    parent_resolved = _resolved(parent_path, parent_ref, path)
    if parent_resolved in stack + (resolved,):
        cycle = " -> ".join(p.name for p in stack + (resolved, parent_resolved))
        raise ScenarioError(f"circular extends: {cycle}", file=path,
                            line=doc.line_of(("extends",)), field="extends",
                            hint="a scenario cannot extend itself, directly or through others")
    if not parent_path.exists():
        raise ScenarioError(f"extends '{parent_ref}': no such scenario", file=path,
                            line=doc.line_of(("extends",)), field="extends",
                            hint="give a shipped scenario's name or a path relative to this file")
    parent, chain = _merged_document(parent_path, stack + (resolved,))
    try:  # the parent must be a valid scenario on its own (errors point into the parent)
        Scenario.model_validate(parent.data)
    except ValidationError as exc:
        raise validation_error(exc, parent, Scenario, what="scenario") from None
    merged = _merge(parent, doc, remove)
    return merged, chain + (resolved,)


def _merge(parent: YamlDoc, child: YamlDoc, remove: Any) -> YamlDoc:
    data: dict[str, Any] = {k: v for k, v in parent.data.items() if k not in OWN_KEYS}
    lines = {loc: n for loc, n in parent.lines.items() if not loc or loc[0] not in OWN_KEYS}
    files = {loc: f for loc, f in parent.files.items() if not loc or loc[0] not in OWN_KEYS}

    def take(key: str, child_key: Any = None, to: tuple | None = None) -> None:
        src = (key,) if child_key is None else (key, child_key)
        dst = to or src
        for loc in [loc for loc in lines if loc[:len(dst)] == dst]:
            lines.pop(loc), files.pop(loc)
        for loc, n in child.lines.items():
            if loc[:len(src)] == src:
                lines[dst + loc[len(src):]] = n
                files[dst + loc[len(src):]] = child.path

    for key, value in child.data.items():
        if key == "sources":
            data["sources"] = list(parent.data.get("sources", [])) + list(value or [])
            offset = len(parent.data.get("sources", []))
            for loc, n in child.lines.items():
                if loc[:1] == ("sources",) and len(loc) > 1:
                    lines[("sources", loc[1] + offset) + loc[2:]] = n
                    files[("sources", loc[1] + offset) + loc[2:]] = child.path
        elif key in MERGED_BY_KEY and isinstance(value, dict) and \
                isinstance(data.get(key), dict):
            merged = dict(data[key])
            for k, v in value.items():
                if v is None:
                    merged.pop(k, None)
                else:
                    merged[k] = v
                    take(key, k)
            data[key] = merged
        elif key in LISTS_BY_ID and isinstance(value, list) and isinstance(data.get(key), list):
            data[key] = _merge_list(key, data[key], value, take, child)
        else:
            data[key] = value
            take(key)
    if remove is not None:
        data = _remove_ids(data, remove, child)
    return YamlDoc(path=child.path, data=data, lines=lines, files=files)


def _merge_list(key: str, parent_items: list, child_items: list, take, child: YamlDoc) -> list:
    items = list(parent_items)
    ids = {item.get("id"): i for i, item in enumerate(items) if isinstance(item, dict)}
    for j, item in enumerate(child_items):
        item_id = item.get("id") if isinstance(item, dict) else None
        if item_id is not None and item_id in ids:
            items[ids[item_id]] = item
            take(key, j, to=(key, ids[item_id]))
        else:
            items.append(item)
            take(key, j, to=(key, len(items) - 1))
    return items


def _remove_ids(data: dict, remove: Any, child: YamlDoc) -> dict:
    if not isinstance(remove, list) or not all(isinstance(x, str) for x in remove):
        raise ConfigError("remove lists the ids of inherited events or triggers to drop",
                          file=child.path, field="remove")
    known = {item.get("id") for key in LISTS_BY_ID for item in data.get(key, [])
             if isinstance(item, dict)}
    for target in remove:
        if target not in known:
            close = difflib.get_close_matches(target, [k for k in known if k], n=1)
            raise ScenarioError(f"remove: no inherited event or trigger has id '{target}'",
                                file=child.path, field="remove",
                                hint=(f"did you mean '{close[0]}'?" if close else
                                      "ids are set with 'id:' on the parent's entries"))
    for key in LISTS_BY_ID:
        if key in data:
            data[key] = [item for item in data[key]
                         if not (isinstance(item, dict) and item.get("id") in remove)]
    return data


# --------------------------------------------------------------------------- checks

def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _mapping(data: Any, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _name_and_range_problems(doc: YamlDoc) -> list[ConfigError]:
    """Every unknown parameter or state variable and every value outside its documented range
    or domain in a scenario's (merged) data, each with its file, line and field. Reads the raw
    data, so it runs whether or not the schema accepted the file; entries the schema rejects
    (a value that is not a number) are left to the schema's message."""
    from unionsim.config.params import check_in_range, default_parameters, unknown_parameter
    from unionsim.config.vocabulary import STATE_VARIABLES
    from unionsim.errors import ParameterError

    data = doc.data if isinstance(doc.data, dict) else {}
    specs = default_parameters().specs
    problems: list[ConfigError] = []

    def where(loc: tuple) -> dict:
        return {"file": doc.file_of(loc), "line": doc.line_of(loc)}

    for name, value in _mapping(data, "overrides").items():
        loc = ("overrides", name)
        if name not in specs:
            problems.append(unknown_parameter(name, specs, **where(loc)))
        elif _number(value):
            try:
                check_in_range(name, value, specs[name], **where(loc))
            except ParameterError as exc:
                problems.append(exc)
    for name, dist in _mapping(data, "uncertainty").items():
        loc = ("uncertainty", name)
        if name not in specs:
            problems.append(unknown_parameter(name, specs, **where(loc)))
            continue
        if not isinstance(dist, dict):
            continue
        lo, hi = specs[name].range
        for key in ("low", "high", "mean", "mode"):
            value = dist.get(key)
            if _number(value) and not lo <= value <= hi:
                problems.append(ScenarioError(
                    f"{key} {value} is outside the documented range [{lo}, {hi}] of {name}",
                    **where(loc + (key,)), field=f"uncertainty.{name}",
                    hint=f"`unionsim params {name}` shows the range and sources"))
        values = dist.get("values")
        for i, value in enumerate(values if isinstance(values, list) else []):
            if _number(value):
                try:
                    check_in_range(name, value, specs[name], **where(loc + ("values", i)))
                except ParameterError as exc:
                    problems.append(exc)
    triggers = data.get("triggers")
    for i, trigger in enumerate(triggers if isinstance(triggers, list) else []):
        when = _mapping(trigger, "when")
        for key in ("all", "any"):
            conditions = when.get(key)
            for j, cond in enumerate(conditions if isinstance(conditions, list) else []):
                variable = cond.get("variable") if isinstance(cond, dict) else None
                if isinstance(variable, str) and variable not in STATE_VARIABLES:
                    loc = ("triggers", i, "when", key, j, "variable")
                    problems.append(ScenarioError(
                        f"unknown state variable '{variable}'", **where(loc),
                        field=f"triggers[{i}].when.{key}[{j}].variable",
                        hint=_state_variable_hint(variable)))
    problems += _initial_problems(_mapping(data, "initial"), doc)
    for name, points in _mapping(data, "paths").items():
        if name not in PATH_BOUNDS or not isinstance(points, list):
            continue   # an unknown path is the schema's message
        lo, hi = PATH_BOUNDS[name]
        for i, point in enumerate(points):
            if isinstance(point, (list, tuple)) and len(point) == 2 and _number(point[1]) \
                    and not lo <= point[1] <= hi:
                problems.append(ScenarioError(f"value {point[1]} at {point[0]} is outside "
                                              f"[{lo}, {hi}]", **where(("paths", name, i)),
                                              field=f"paths.{name}[{i}]"))
    return problems


def _state_variable_hint(name: str) -> str:
    from unionsim.config.vocabulary import STATE_VARIABLES

    close = difflib.get_close_matches(name, list(STATE_VARIABLES), n=3)
    return (("did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close
            else "the state variables are listed in docs/model.md, section 2")


def _initial_problems(initial: dict, doc: YamlDoc) -> list[ConfigError]:
    """``initial:`` names settable state variables, with values inside their domains."""
    from unionsim.config.vocabulary import NOT_SETTABLE, STATE_VARIABLES

    problems: list[ConfigError] = []
    for name, value in initial.items():
        loc = ("initial", name)
        where = dict(file=doc.file_of(loc), line=doc.line_of(loc), field=f"initial.{name}")
        if name not in STATE_VARIABLES:
            problems.append(ScenarioError(f"unknown state variable '{name}'", **where,
                                          hint=_state_variable_hint(name)))
        elif name in NOT_SETTABLE:
            problems.append(ScenarioError(f"'{name}' cannot be set at the start: "
                                          f"{NOT_SETTABLE[name]}", **where))
        elif _number(value):
            var = STATE_VARIABLES[name]
            if not var.lo <= value <= var.hi:
                problems.append(ScenarioError(
                    f"value {value} of {name} is outside its domain [{var.lo:g}, {var.hi:g}] "
                    f"({var.unit})", **where, hint=f"{name}: {var.meaning}"))
    return problems


# --------------------------------------------------------------------------- policies

def parse_policy_options(items) -> dict[str, Any]:
    """Parse ``--policy ACTOR.DECISION=POLICY`` options; POLICY is written as in a scenario's
    ``policies:`` (YAML: ``refuse``, ``{probabilities: {hold: 0.5, sanction: 0.5}}``, ...).
    The names are checked by `with_policies`."""
    import yaml

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key or not raw.strip():
            raise UsageError(f"--policy '{item}' is not of the form ACTOR.DECISION=POLICY",
                             field="policy", hint="e.g. --policy minsk.base_answer=refuse or "
                             "--policy 'west.policy={avoid: [ease]}'")
        try:
            out[key] = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or "not valid YAML"
            raise UsageError(f"--policy {key}: '{raw}' is not a policy written in YAML "
                             f"({problem})", field=f"policy {key}",
                             hint="quote the option in the shell, e.g. "
                                  "--policy 'us.policy={probabilities: {hold: 0.5, engage: 0.5}}'"
                             ) from None
    return out


def policy_options(policies: dict[str, Any]) -> str:
    """The ``--policy`` options (with a leading space each, quoted for a POSIX shell) that give
    ``policies`` (ACTOR.DECISION -> the policy as written): the inverse of
    `parse_policy_options`."""
    import shlex

    import yaml

    def flow(value: Any) -> str:
        text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
        return text.removesuffix("...").strip()   # a plain word is dumped as a document

    return "".join(" --policy " + shlex.quote(f"{key}={flow(value)}")
                   for key, value in policies.items())


def with_policies(loaded: LoadedScenario, policies: dict[str, Any]) -> LoadedScenario:
    """``loaded`` with the command line's policies added (they replace the scenario's own for
    the same decision). Raises a `UsageError` naming the option, the field and the fix."""
    from unionsim.config.schema import LocatedValueError, Policy, check_policy

    if not policies:
        return loaded
    merged = dict(loaded.spec.policies)
    for key, raw in policies.items():
        where = f"policy {key}"
        try:
            policy = Policy.model_validate(raw)
            check_policy(key, policy)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            located = (err.get("ctx") or {}).get("error")
            loc = tuple(str(p) for p in err["loc"] if not str(p).endswith("]")) \
                + tuple(str(p) for p in getattr(located, "loc", ()))
            message = err["msg"].removeprefix("Value error, ")
            raise UsageError(f"--policy {key}" + (f" {'.'.join(loc)}" if loc else "")
                             + f": {message}", field=where,
                             hint=getattr(located, "hint", None)
                             or "write the policy as in a scenario's policies: (see "
                                "docs/model.md, 'Policies')") from None
        except LocatedValueError as exc:
            raise UsageError(f"--policy {key}: {exc}", field=where,
                             hint=exc.hint or "see docs/model.md, 'Policies'") from None
        merged[key] = policy
    spec = loaded.spec.model_copy(update={"policies": merged})
    return LoadedScenario(spec, loaded.path, loaded.doc, loaded.chain)
