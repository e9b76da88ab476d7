"""Every schema of unionsim's input files, in one place.

Parameter files, parameter overlays, scenarios and calibration targets are validated once, at the
boundary, by these pydantic models. Choices are `Literal`s so that error messages list what is
allowed. Parsed configuration is never mutated afterwards: resolving produces new objects.

One module per kind of input: `base` (strict models, located errors, citations), `months`,
`parameters` (parameter files and overlays), `events`, `triggers`, `policies`, `uncertainty`, `scenario`,
`targets` and `search` (policy searches). This package is the one public place to import them from
(``from unionsim.config.schema import Scenario``).
"""

from __future__ import annotations

from unionsim.config.schema.base import DocId, LocatedValueError, SourceRef, Strict
from unionsim.config.schema.months import (MonthRef, check_month_ref, month_index, month_label,
                                           parse_month)
from unionsim.config.schema.parameters import (Basis, ParameterOverlay, ParameterSpec, Position,
                                               Support)
from unionsim.config.schema.events import (EVENT_CLASSES, EVENT_TYPES, AirbaseDemand,
                                           CandidatesJailed, EconomicShock, Election, EnergyOffer,
                                           Event, EventBase, Exercise, InfoCampaign,
                                           KaliningradCrisis, LeaderExit, NatoBuildup, NatoExercise,
                                           OilPriceShock, RoadmapRound, SanctionsPackage,
                                           SubsidyCut, TaxManoeuvreStep, TensionShock, Ultimatum,
                                           Unrest, WarNextDoor)
from unionsim.config.schema.triggers import Condition, Trigger, When
from unionsim.config.schema.policies import (MODEL, Action, Policy, PolicyWhen, Rule, check_policy,
                                             split_key)
from unionsim.config.schema.uncertainty import (DISTRIBUTIONS, Beta, Choice, Distribution,
                                                Documented, Normal, Triangular, Uniform)
from unionsim.config.schema.scenario import PathName, Sampler, Scenario
from unionsim.config.schema.search import Evaluation, Lever, Objective, SearchSpec, lever_path
from unionsim.config.schema.targets import (Comparison, MeasureKind, Pollster, Question,
                                            RunCondition, Sided, Target, TargetFile,
                                            TargetMeasure, TargetUse)

__all__ = [
    "DocId", "LocatedValueError", "SourceRef", "Strict", "MonthRef", "check_month_ref",
    "month_index", "month_label", "parse_month", "Basis", "ParameterOverlay", "ParameterSpec",
    "Position", "Support", "EVENT_CLASSES", "EVENT_TYPES", "AirbaseDemand", "CandidatesJailed",
    "EconomicShock", "Election", "EnergyOffer", "Event", "EventBase", "Exercise", "InfoCampaign",
    "KaliningradCrisis", "LeaderExit", "NatoBuildup", "NatoExercise", "OilPriceShock",
    "RoadmapRound", "SanctionsPackage", "SubsidyCut", "TaxManoeuvreStep", "TensionShock",
    "Ultimatum", "Unrest", "WarNextDoor", "Condition", "Trigger", "When", "MODEL", "Action", "Policy", "PolicyWhen", "Rule",
    "check_policy", "split_key", "DISTRIBUTIONS", "Beta",
    "Choice", "Distribution", "Documented", "Normal", "Triangular", "Uniform", "PathName",
    "Sampler", "Scenario", "Comparison", "MeasureKind", "Pollster", "Question", "RunCondition",
    "Sided", "Target", "TargetFile", "TargetMeasure", "TargetUse", "Evaluation", "Lever",
    "Objective", "SearchSpec", "lever_path",
]
