"""Calibration targets as an input: load and check ``targets/*.yaml``.

Each file is validated by `unionsim.config.schema.TargetFile`; beyond the schema, every target id
must be unique across files, every indicator a measured target reads (its own, its conditions',
its nested measures') must be a recorded indicator and every flag an outcome flag, its months
must lie inside the scenario each part is measured in, and those scenarios must load. A poll's
pollster and question must be in a ``pollsters:`` / ``questions:`` register (of any targets file)
and the poll must read the indicators its question measures. The calibration
(`unionsim.calibration`) fits and scores the targets loaded here; `unionsim validate` checks a
targets file with the same code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError

from unionsim.config.params import shipped_dir
from unionsim.config.schema import (Pollster, Question, Target, TargetFile, TargetMeasure,
                                    month_index)
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

    @property
    def scenarios(self) -> list[str]:
        """Every scenario the target's measure reads: its own, then those its nested measures
        name (a contrast between two scenarios reads both)."""
        names = [self.scenario]
        if self.target.measure is not None:
            names += [m.scenario for m in self.target.measure.nested() if m.scenario]
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class TargetSet:
    """All targets of one or more files, in file order."""

    targets: tuple[LoadedTarget, ...]
    files: tuple[str, ...]
    digest: str
    pollsters: dict[str, Pollster] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)

    def select(self, use: str | None = None, measured: bool = True) -> list[LoadedTarget]:
        """Targets for ``use`` ('fit' or 'test'; None: both), measured ones only by default."""
        return [t for t in self.targets if (use is None or t.target.use == use)
                and (t.measured or not measured)]

    def sample_size(self, target: LoadedTarget) -> tuple[int, str]:
        """A poll target's sample size and where it comes from: the document's figure, or the
        pollster's documented default when the document gives none."""
        m = target.target.measure
        if m is None or m.kind != "poll":
            raise ValueError(f"target '{target.id}' is not a poll")
        if m.sample_size is not None:
            return m.sample_size, "given in the document"
        pollster = self.pollsters[m.pollster]
        return pollster.sample_size, pollster.sample_size_basis

    def scenarios(self, use: str | None = None) -> list[str]:
        """The scenarios the selected targets are measured in (nested measures' scenarios
        included), in first-seen order."""
        return list(dict.fromkeys(s for t in self.select(use) for s in t.scenarios))


def target_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    """The target files: ``paths`` (files or folders), default every YAML in ``targets/``."""
    paths = list(paths or [shipped_targets_dir()])
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    return out


def targets_digest(paths: Iterable[str | Path] | None = None) -> str | None:
    """The digest `load_targets` gives these target files (default: the shipped ones), from
    their names and bytes alone, without reading them as targets; None when there are none or
    one cannot be read."""
    try:
        files = target_files(paths)
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:16] if files else None


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
    specs = []
    pollsters: dict[str, Pollster] = {}
    questions: dict[str, Question] = {}
    for path in files:
        doc = read_yaml(path, what="targets file")
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        try:
            spec = TargetFile.model_validate(doc.data)
        except ValidationError as exc:
            raise validation_error(exc, doc, TargetFile, what="targets file") from None
        for kind, register, into in (("pollster", spec.pollsters, pollsters),
                                     ("question", spec.questions, questions)):
            for key, entry in register.items():
                if key in into:
                    raise ConfigError(f"{kind} '{key}' is registered twice",
                                      file=doc.file_of((f"{kind}s", key)),
                                      line=doc.line_of((f"{kind}s", key)),
                                      field=f"{kind}s.{key}",
                                      hint=f"register each {kind} in one targets file")
                if kind == "question":
                    for name in entry.indicators:
                        if name not in INDICATORS:
                            raise ConfigError(f"'{name}' is not a recorded indicator",
                                              file=doc.file_of((f"{kind}s", key)),
                                              line=doc.line_of((f"{kind}s", key)),
                                              field=f"questions.{key}.indicators",
                                              hint="use one of: " + ", ".join(INDICATORS))
                into[key] = entry
        specs.append((path, doc, spec))
    for path, doc, spec in specs:
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
                _check_measure(target.measure, scenario, f"targets[{i}].measure", where,
                               INDICATORS, FLAGS)
                _check_poll(target.measure, f"targets[{i}].measure", where, pollsters,
                            questions)
            loaded.append(LoadedTarget(target, scenario, str(path), where["line"]))
    return TargetSet(tuple(loaded), tuple(map(str, files)), digest.hexdigest()[:16],
                     pollsters, questions)


def _check_measure(m: TargetMeasure, scenario: str, field: str, where: dict, indicators,
                   flags) -> None:
    """Indicators, flags, scenarios and months of a measure and of its nested measures."""
    scenario = m.scenario or scenario
    for part, name in (("left", m.left), ("right", m.right)):
        if name is not None:
            _check_measure(name, scenario, f"{field}.{part}", where, indicators, flags)
    for name in m.indicator_names():
        if name not in indicators:
            raise ConfigError(f"'{name}' is not a recorded indicator", field=field, **where,
                              hint="use one of: " + ", ".join(indicators))
    for name in m.flag_names():
        if name not in flags:
            raise ConfigError(f"'{name}' is not an outcome flag", field=field, **where,
                              hint="use one of: " + ", ".join(flags))
    try:
        spec = scenario_spec(scenario)
    except ConfigError as exc:
        raise ConfigError(f"scenario '{scenario}' does not load: {exc}", field=field, **where,
                          hint="name a scenario of scenarios/ (unionsim scenarios)") from None
    for name, ref in m.month_refs():
        # month 0 is the state before the first month: a change may start there
        lo = 0 if name == "condition.from" else 1
        if ref is not None and not lo <= month_index(ref, spec.start) <= spec.horizon:
            raise ConfigError(f"month {ref} is outside scenario '{scenario}' ({spec.start}, "
                              f"{spec.horizon} months)", field=f"{field}.{name}",
                              **where, hint="measure the target in a scenario that covers it")


def _check_poll(m: TargetMeasure, field: str, where: dict, pollsters: dict,
                questions: dict) -> None:
    if m.kind != "poll":
        return
    if m.pollster not in pollsters:
        raise ConfigError(f"pollster '{m.pollster}' is not registered", field=f"{field}.pollster",
                          **where, hint="register it under pollsters: (known: "
                                        + ", ".join(sorted(pollsters)) + ")")
    if m.question not in questions:
        raise ConfigError(f"question '{m.question}' is not registered", field=f"{field}.question",
                          **where, hint="register it under questions: (known: "
                                        + ", ".join(sorted(questions)) + ")")
    reads = [m.indicator] if m.indicator else list(m.indicators)
    if sorted(reads) != sorted(questions[m.question].indicators):
        raise ConfigError(f"the poll reads {reads} but question '{m.question}' measures "
                          f"{questions[m.question].indicators}", field=f"{field}.indicator",
                          **where, hint="read the indicators the question measures")


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
