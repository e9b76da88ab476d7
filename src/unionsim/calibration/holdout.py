"""The held-out test's protocol as code: which facts are held out, what they must not feed, and the
two null models a held-out target must beat (``docs/holdout.md`` is the prose).

A FACTS id is held out when a ``use: test`` target cites it. `protocol_problems` lists every
breach of the rules: a parameter, a fitting target or a fitting scenario citing a held-out fact (or
a row that restates one, `RESTATING`); a held-out target from an earlier document, reading past
the documents' end, or hit by a null model. `null_batch` builds the null models' one-run batches
from a scenario's month-0 state.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from unionsim.config.schema import ParameterSpec, month_index, month_label
from unionsim.config.targets import LoadedTarget, TargetSet, scenario_spec

# The latest document was written in August 2021: no target reads a later month.
CUTOFF = "2021-08"
# Held-out facts come from the documents that report 2021.
HELD_OUT_DOCS = ("shraibman2021a", "shraibman2021b")
# FACTS rows that restate the content of other rows (scenario summaries, system-level rows): a
# row restating a held-out fact is as forbidden as the fact itself. Read from FACTS.md: SC4 and
# SC6 tell the 2021 round of talks (halted in 2020, resumed in 2021, Minsk unable to walk out),
# SYS-02 what the 2021 package gives Moscow.
RESTATING: dict[str, tuple[str, ...]] = {
    "SC4": ("U26",),
    "SC6": ("U26", "U27", "U28", "MIN-25"),
    "SYS-02": ("U27",),
}
NULL_MODELS = ("frozen", "inputs")
_FACT_ID = re.compile(r"\b(?:[A-Z]{3}-\d+|[EUMPRL]\d+b?|SC\d+|D\d+)\b")


def held_out_facts(targets: TargetSet) -> set[str]:
    """The FACTS ids the held-out (``use: test``) targets cite."""
    return {f for t in targets.targets if t.target.use == "test" for f in t.target.facts}


def forbidden_facts(targets: TargetSet) -> set[str]:
    """Held-out facts and the rows that restate any of them (`RESTATING`)."""
    held = held_out_facts(targets)
    return held | {row for row, restated in RESTATING.items() if held & set(restated)}


def parameter_citations(spec: ParameterSpec) -> set[str]:
    """The FACTS ids a parameter cites: in its sources and in its claim, note and fit reason."""
    ids = {f for s in spec.sources for f in s.facts}
    for text in (spec.claim, spec.note, spec.fit):
        ids |= set(_FACT_ID.findall(text or ""))
    return ids


def file_citations(path: Path) -> set[str]:
    """Every FACTS id named anywhere in a file (sources, notes, comments)."""
    return set(_FACT_ID.findall(Path(path).read_text("utf-8")))


def scenario_files(name: str) -> list[Path]:
    """A scenario's file and the files it extends."""
    from unionsim.config.scenario import load_scenario

    loaded = load_scenario(name)
    return list(dict.fromkeys([*loaded.chain, *([loaded.path] if loaded.path else [])]))


def months_read(t: LoadedTarget) -> list[str]:
    """Every calendar month (YYYY-MM) a target's measure reads up to: its explicit months, and the
    last month of the scenario for a part left open (a final flag, a window with no end)."""
    out: list[str] = []
    for part in t.target.measure.nested():
        if part.kind in ("difference_of", "ratio_of"):
            continue  # read through its nested parts
        spec = scenario_spec(part.scenario or t.scenario)
        refs = [ref for _, ref in part.month_refs()]
        if part.kind in ("share_of_runs_with", "conditional_share"):
            open_ended = any(c.flag or c.to is None for c in part.conditions())
        else:
            open_ended = part.kind == "flag_share" or (part.month is None and part.to is None)
        if open_ended:
            refs.append(spec.horizon)
        out += [month_label(month_index(r, spec.start), spec.start) for r in refs]
    return out


# --------------------------------------------------------------------------- the null models

def null_batch(scenario: str, kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A one-run batch (outcomes, series) of a model that does nothing, in ``scenario``.

    ``frozen``: every indicator keeps its month-0 value (the scenario's start state under the
    documented defaults) to the horizon, and no outcome flag is set. ``inputs``: the same, but
    the scenario's scheduled events and exogenous paths are applied month by month; no actor
    decides and no rule runs, so whatever this batch shows is put in by the scenario.
    """
    from unionsim.config.scenario import load_scenario
    from unionsim.config.vocabulary import FLAGS, INDICATORS
    from unionsim.model.events import apply_event
    from unionsim.model.state import clip01
    from unionsim.model.world import UnionModel

    if kind not in NULL_MODELS:
        raise ValueError(f"unknown null model '{kind}' (expected one of {NULL_MODELS})")
    loaded = load_scenario(scenario)
    model = UnionModel(loaded, seed=0, collect=False)
    s = model.state
    rows = []
    for month in range(loaded.spec.horizon + 1):
        if kind == "inputs" and month > 0:
            for event in loaded.schedule.get(month, ()):
                apply_event(model, event)
            s.tension = clip01(float(model.tension_path[month]) + s.tension_excess)
            s.oil_price_index = float(model.oil_path[month]) * (
                s.oil_shock_factor if s.oil_shock_months else 1.0)
        rows.append({"run": 0, "month": month, **{n: float(getattr(s, n)) for n in INDICATORS}})
    outcomes = pd.DataFrame({"run": [0], "status": ["ok"], **{f: [False] for f in FLAGS}})
    return outcomes, pd.DataFrame(rows)


def null_value(t: LoadedTarget, kind: str) -> float:
    """A target's measure under a null model (NaN when undefined, which is never a hit)."""
    from unionsim.calibration.measures import compute_measure

    others = {}
    for name in t.scenarios:
        outcomes, series = null_batch(name, kind)
        spec = scenario_spec(name)
        others[name] = (outcomes, series, spec.start, spec.horizon)
    outcomes, series, start, horizon = others[t.scenario]
    return compute_measure(t.target.measure, outcomes, series, start, horizon, others)


# --------------------------------------------------------------------------- the protocol

def protocol_problems(targets: TargetSet,
                      specs: Mapping[str, ParameterSpec] | None = None,
                      parameter_files: Iterable[Path] | None = None,
                      null_models: bool = True) -> list[str]:
    """Every breach of the hold-out protocol, one line each (empty: the protocol holds).

    ``specs`` are the default parameters (default: ``params/default.yaml``); ``parameter_files``
    the other files of ``params/`` (the overlays) scanned as text.
    """
    from unionsim.calibration.measures import is_hit
    from unionsim.config.params import default_parameters, shipped_dir

    specs = default_parameters().specs if specs is None else specs
    if parameter_files is None:
        parameter_files = [p for p in sorted(shipped_dir("params").glob("*.yaml"))
                           if p.name != "default.yaml"]
    forbidden = forbidden_facts(targets)
    problems = []
    for name, spec in specs.items():
        for fid in sorted(parameter_citations(spec) & forbidden):
            problems.append(f"parameter {name} cites {fid}, which is held out")
    for path in parameter_files:
        for fid in sorted(file_citations(path) & forbidden):
            problems.append(f"parameter file {Path(path).name} cites {fid}, which is held out")
    for t in targets.select("fit", measured=False):
        for fid in sorted(set(t.target.facts) & forbidden):
            problems.append(f"fitting target {t.id} cites {fid}, which is held out")
    for scenario in targets.scenarios("fit"):
        for path in scenario_files(scenario):
            for fid in sorted(file_citations(path) & forbidden):
                problems.append(f"scenario {scenario} ({Path(path).name}), which a fitting "
                                f"target reads, cites {fid}, which is held out")
    for t in targets.select("test", measured=False):
        late = [s.doc for s in t.target.sources if s.doc not in HELD_OUT_DOCS]
        if late:
            problems.append(f"held-out target {t.id} cites {', '.join(late)}: held-out facts "
                            f"come from {' or '.join(HELD_OUT_DOCS)}")
        if not t.measured:
            problems.append(f"held-out target {t.id} has no measure: it cannot be scored")
            continue
        months = months_read(t)
        if max(months) > CUTOFF or max(months) < "2021-01":
            problems.append(f"held-out target {t.id} reads up to {max(months)}: it must read "
                            f"2021, up to {CUTOFF}")
        if not null_models:
            continue
        for kind in NULL_MODELS:
            value = null_value(t, kind)
            if is_hit(t.target, value, scenario_spec(t.scenario).start):
                what = ("a model that does nothing" if kind == "frozen"
                        else "the scenario's scheduled inputs alone")
                problems.append(f"held-out target {t.id} is hit by {what} (the '{kind}' null "
                                f"model gives {value:.3g})")
    return problems


def distance_targets(targets: TargetSet) -> list[LoadedTarget]:
    """The targets a fit's distance and a screening's scores read: the fitting ones only."""
    return targets.select("fit")
