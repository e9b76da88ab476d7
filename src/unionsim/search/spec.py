"""Read a search spec and check it against the scenarios, the policies and the model's outputs.

The schema (`unionsim.config.schema.SearchSpec`) checks the file's shape; here each lever is
checked against its policy template (its place exists and holds the kind of value the lever sets,
and the policy stays valid at both ends of the range and at every option), each objective against
the headline outputs, and each scenario is loaded. `LoadedSearch.policies` turns one candidate's
lever values into the policies a run plays.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from pydantic import ValidationError

from unionsim.config.scenario import LoadedScenario, find_scenario, load_scenario, with_policies
from unionsim.config.schema import Lever, LocatedValueError, Policy, SearchSpec, check_policy
from unionsim.config.yamlio import YamlDoc, read_yaml, validate_reporting_all
from unionsim.errors import ConfigError, raise_problems

DECIMALS = 3
"""Numeric levers are set to this many decimals: far finer than a batch's Monte Carlo error, and
equal candidates then share one evaluation and one row."""


@dataclass(frozen=True)
class LoadedSearch:
    """A validated search spec with its scenarios loaded."""

    spec: SearchSpec
    path: Path
    doc: YamlDoc
    scenarios: tuple[LoadedScenario, ...]
    digest: str

    @property
    def levers(self) -> tuple[Lever, ...]:
        return tuple(self.spec.levers)

    def templates(self) -> dict[str, dict]:
        """Every policy template as plain data (a bare option written out as ``choose:``)."""
        return {key: policy.model_dump(mode="json", exclude_none=True)
                for key, policy in self.spec.policies.items()}

    def policies(self, values: Mapping[str, Any]) -> dict[str, Policy]:
        """The policies one candidate plays: the templates with each lever's value set."""
        return {key: Policy.model_validate(data)
                for key, data in _filled(self.templates(), self.levers, values).items()}

    def scenario_with(self, index: int, values: Mapping[str, Any]) -> LoadedScenario:
        """Scenario ``index`` playing the candidate's policies (they replace the scenario's own
        for the same decisions; every other decision stays the model's)."""
        return with_policies(self.scenarios[index],
                             _filled(self.templates(), self.levers, values))


def lever_value(lever: Lever, x: float) -> float | str:
    """The lever's value for the optimiser's coordinate ``x``: a number in the range, rounded to
    `DECIMALS`, or the option at index ``floor(x)`` (``x`` in [0, number of options))."""
    if lever.options is not None:
        return lever.options[min(len(lever.options) - 1, max(0, int(x)))]
    low, high = lever.range
    return round(min(high, max(low, float(x))), DECIMALS)


def _filled(templates: dict[str, dict], levers, values: Mapping[str, Any]) -> dict[str, dict]:
    out = copy.deepcopy(templates)
    for lever in levers:
        value = values[lever.name]
        _set(out[lever.policy], lever.path, value)
        if lever.complement is not None:
            _set(out[lever.policy], _path(lever.complement), round(1.0 - value, 12))
    return out


def _path(at: str) -> tuple:
    from unionsim.config.schema import lever_path

    return lever_path(at)


def _set(node: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _get(node: Any, path: tuple) -> tuple[bool, Any]:
    """(True, the value at ``path``) or (False, how far the path reached, as a dotted string)."""
    reached: list[str] = []
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False, ".".join(map(str, reached))
        reached.append(str(part))
    return True, node


def _lever_problems(spec: SearchSpec, doc: YamlDoc, templates: dict[str, dict]
                    ) -> list[ConfigError]:
    problems = []

    def problem(i: int, field: str, message: str, hint: str) -> None:
        loc = ("levers", i, field)
        problems.append(ConfigError(message, file=doc.file_of(loc), line=doc.line_of(loc),
                                    field=f"levers[{i}].{field}", hint=hint))

    for i, lever in enumerate(spec.levers):
        template = templates[lever.policy]
        bad = False
        for field, at in (("at", lever.at), ("complement", lever.complement)):
            if at is None:
                continue
            found, value = _get(template, _path(at))
            if not found:
                where = f" (it reaches {value})" if value else ""
                problem(i, field, f"{lever.policy} has no '{at}'{where}; a lever sets a value "
                        f"written in the policy template", "write a placeholder value at that "
                        "place in the template under policies:, e.g. probabilities: {offer_deal: "
                        "0.5, hold: 0.5} for at: probabilities.offer_deal")
                bad = True
            elif lever.options is None and (isinstance(value, bool)
                                            or not isinstance(value, (int, float))):
                problem(i, field, f"{lever.policy} {at} holds {value!r}, not a number; a lever "
                        f"with a range sets a number", "point the lever at a number (a "
                        "probability, a threshold), or give it options instead of a range")
                bad = True
            elif lever.options is not None and not isinstance(value, str):
                problem(i, field, f"{lever.policy} {at} holds {value!r}, not an option; a lever "
                        f"with options sets a name", "point the lever at a choose: or an "
                        "option name, or give it a range instead of options")
                bad = True
        if bad:
            continue
        trials = lever.options if lever.options is not None else list(lever.range)
        for trial in trials:
            data = copy.deepcopy(template)
            _set(data, lever.path, trial)
            if lever.complement is not None:
                _set(data, _path(lever.complement), round(1.0 - trial, 12))
            try:
                check_policy(lever.policy, Policy.model_validate(data))
            except ValidationError as exc:
                message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
                problem(i, "options" if lever.options is not None else "range",
                        f"with {lever.name} = {trial!r} the policy {lever.policy} is not valid: "
                        f"{message}", "keep the lever's values where the policy stays valid "
                        "(a probability with a complement, options of the decision)")
                break
            except LocatedValueError as exc:
                problem(i, "options" if lever.options is not None else "range",
                        f"with {lever.name} = {trial!r} the policy {lever.policy} is not valid: "
                        f"{exc}", exc.hint or "use options of the decision")
                break
    return problems


def _objective_problems(spec: SearchSpec, doc: YamlDoc) -> list[ConfigError]:
    from unionsim.analysis.headline import OUTPUT_BY_NAME

    problems = []
    for i, objective in enumerate(spec.objectives):
        if objective.output in OUTPUT_BY_NAME:
            continue
        close = difflib.get_close_matches(objective.output, list(OUTPUT_BY_NAME), n=3)
        loc = ("objectives", i, "output")
        problems.append(ConfigError(
            f"'{objective.output}' is not a headline output"
            + (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""),
            file=doc.file_of(loc), line=doc.line_of(loc), field=f"objectives[{i}].output",
            hint="name an output as summaries do: outcome:dependence, flag:combat_role, "
                 "end_alignment:westward, month_loan:by_horizon (docs/search.md lists the kinds)"))
    return problems


def _load_scenarios(spec: SearchSpec, doc: YamlDoc, path: Path) -> tuple[LoadedScenario, ...]:
    loaded = []
    for i, ref in enumerate(spec.scenarios):
        file = find_scenario(ref, relative_to=path.parent)
        if not file.exists():
            loc = ("scenarios", i)
            raise ConfigError(f"no scenario file or shipped scenario called '{ref}'",
                              file=path, line=doc.line_of(loc), field=f"scenarios[{i}]",
                              hint="give a shipped scenario's name (`unionsim scenarios` lists "
                                   "them) or a file path relative to the spec")
        loaded.append(load_scenario(file))
    return tuple(loaded)


def load_search_spec(ref: str | Path) -> LoadedSearch:
    """Read and check a search spec; every problem is a `unionsim.errors.UnionsimError` naming
    the file, the line, the field and the fix (several at once when the file has several)."""
    path = Path(ref)
    doc = read_yaml(path, what="search spec")
    if not isinstance(doc.data, dict):
        raise ConfigError("expected a YAML mapping (a search spec)", file=path, line=1,
                          hint="a search spec starts with name:, title:, scenarios:, policies:, "
                               "levers:, objectives:")
    spec, problems = validate_reporting_all(SearchSpec, doc, what="search spec")
    raise_problems(problems)
    templates = {key: policy.model_dump(mode="json", exclude_none=True)
                 for key, policy in spec.policies.items()}
    raise_problems(_lever_problems(spec, doc, templates) + _objective_problems(spec, doc))
    scenarios = _load_scenarios(spec, doc, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return LoadedSearch(spec=spec, path=path, doc=doc, scenarios=scenarios, digest=digest)
