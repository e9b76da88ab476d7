"""Calibration targets as an input: load and check ``targets/*.yaml``.

Each file is validated by `unionsim.config.schema.TargetFile`; beyond the schema, every target id
must be unique across files, every measured target's indicator must be a recorded indicator (or a
final flag), its months must lie inside its scenario, and its scenario must load. The calibration
(`unionsim.calibration`) fits and scores the targets loaded here; `unionsim validate` checks a
targets file with the same code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError

from unionsim.config.params import shipped_dir
from unionsim.config.schema import Target, TargetFile, month_index
from unionsim.config.yamlio import read_yaml, validation_error
from unionsim.errors import ConfigError


def shipped_targets_dir() -> Path:
    """``targets/`` of the project (or of the installed package)."""
    return shipped_dir("targets")


@dataclass(frozen=True)
class LoadedTarget:
    """A target with the scenario it is measured in resolved, and where it was read."""

    target: Target
    scenario: str
    file: str
    line: int | None

    @property
    def id(self) -> str:
        return self.target.id

    @property
    def measured(self) -> bool:
        return self.target.status == "measured"


@dataclass(frozen=True)
class TargetSet:
    """All targets of one or more files, in file order."""

    targets: tuple[LoadedTarget, ...]
    files: tuple[str, ...]
    digest: str

    def select(self, use: str | None = None, measured: bool = True) -> list[LoadedTarget]:
        """Targets for ``use`` ('fit' or 'test'; None: both), measured ones only by default."""
        return [t for t in self.targets if (use is None or t.target.use == use)
                and (t.measured or not measured)]

    def scenarios(self, use: str | None = None) -> list[str]:
        """The scenarios the selected targets are measured in, in first-seen order."""
        return list(dict.fromkeys(t.scenario for t in self.select(use)))


def target_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    """The target files: ``paths`` (files or folders), default every YAML in ``targets/``."""
    paths = list(paths or [shipped_targets_dir()])
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    return out


def load_targets(paths: Iterable[str | Path] | None = None) -> TargetSet:
    """Read, validate and cross-check the target files (see the module docstring)."""
    from unionsim.config.vocabulary import FLAGS, INDICATORS

    files = target_files(paths)
    if not files:
        raise ConfigError("no target files found", file=str(paths),
                          hint="give a targets/*.yaml file or a folder holding them")
    digest = hashlib.sha256()
    loaded: list[LoadedTarget] = []
    seen: dict[str, str] = {}
    for path in files:
        doc = read_yaml(path, what="targets file")
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        try:
            spec = TargetFile.model_validate(doc.data)
        except ValidationError as exc:
            raise validation_error(exc, doc, TargetFile, what="targets file") from None
        for i, target in enumerate(spec.targets):
            loc = ("targets", i)
            where = dict(file=doc.file_of(loc), line=doc.line_of(loc))
            if target.id in seen:
                raise ConfigError(f"target id '{target.id}' is used twice (first in "
                                  f"{seen[target.id]})", field=f"targets[{i}].id", **where,
                                  hint="give each target its own id")
            seen[target.id] = str(path)
            scenario = target.scenario or spec.scenario
            if target.status == "measured":
                _check_measure(target, scenario, i, where, INDICATORS, FLAGS)
            loaded.append(LoadedTarget(target, scenario, str(path), where["line"]))
    return TargetSet(tuple(loaded), tuple(map(str, files)), digest.hexdigest()[:16])


def _check_measure(target: Target, scenario: str, i: int, where: dict, indicators,
                   flags) -> None:
    m = target.measure
    field = f"targets[{i}].measure"
    if m.indicator is not None and m.indicator not in indicators:
        raise ConfigError(f"'{m.indicator}' is not a recorded indicator", field=field, **where,
                          hint="use one of: " + ", ".join(indicators))
    if m.flag is not None and m.flag not in flags:
        raise ConfigError(f"'{m.flag}' is not an outcome flag", field=field, **where,
                          hint="use one of: " + ", ".join(flags))
    spec = scenario_spec(scenario)
    for name in ("month", "from_", "to"):
        ref = getattr(m, name)
        if ref is not None and not 1 <= month_index(ref, spec.start) <= spec.horizon:
            raise ConfigError(f"month {ref} is outside scenario '{scenario}' ({spec.start}, "
                              f"{spec.horizon} months)", field=f"{field}.{name.rstrip('_')}",
                              **where, hint="measure the target in a scenario that covers it")


@lru_cache(maxsize=None)
def scenario_spec(scenario: str):
    """The validated spec of a scenario (cached: targets name few scenarios)."""
    from unionsim.config.scenario import load_scenario

    return load_scenario(scenario).spec


def observed_value(target: Target, start: str) -> float:
    """The observed value as a number (an event month becomes its month number)."""
    if isinstance(target.observed, str):
        return float(month_index(target.observed, start))
    return float(target.observed)
