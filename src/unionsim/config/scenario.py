"""Load scenarios: find the file, validate it against the schema, check names and ranges."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from unionsim.config.params import resolve_parameters, shipped_dir
from unionsim.config.schema import Scenario
from unionsim.config.yamlio import YamlDoc, read_yaml, validation_error
from unionsim.errors import ConfigError, ScenarioError

PATH_BOUNDS = {"tension": (0.0, 1.0), "oil_price_index": (0.1, 3.0)}


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where it came from."""

    spec: Scenario
    path: Path | None = None
    doc: YamlDoc | None = None

    @property
    def name(self) -> str:
        return self.spec.name

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


def find_scenario(ref: str | Path) -> Path:
    """A scenario file from a path, or from the name of a shipped scenario (``baseline``)."""
    path = Path(ref)
    if path.exists() or path.suffix in (".yaml", ".yml") or "/" in str(ref):
        return path
    shipped = shipped_dir("scenarios") / f"{ref}.yaml"
    return shipped if shipped.exists() else path


def load_scenario(ref: str | Path) -> LoadedScenario:
    """Read and validate a scenario file (or a shipped scenario by name).

    Raises a `unionsim.errors.UnionsimError` naming the file, the line and the field on any
    problem: missing file, malformed YAML, unknown key, wrong type, month outside the horizon,
    unknown parameter or value outside its documented range.
    """
    path = find_scenario(ref)
    doc = read_yaml(path, what="scenario")
    if not isinstance(doc.data, dict):
        raise ConfigError("expected a scenario: a mapping with name, title, description, start, "
                          "horizon, sources and events", file=path, line=doc.line_of(()))
    try:
        spec = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(exc, doc, Scenario, what="scenario") from None
    loaded = LoadedScenario(spec, path, doc)
    loaded.parameters()  # unknown override names and out-of-range values fail here, with lines
    for name, points in spec.paths.items():
        lo, hi = PATH_BOUNDS[name]
        for i, (month, value) in enumerate(points):
            if not lo <= value <= hi:
                raise ScenarioError(f"value {value} at {month} is outside [{lo}, {hi}]", file=path,
                                    line=doc.line_of(("paths", name, i)),
                                    field=f"paths.{name}[{i}]")
    return loaded
