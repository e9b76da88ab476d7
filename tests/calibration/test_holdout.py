"""The hold-out protocol (docs/holdout.md): the shipped targets and parameters keep it, and each
kind of leak planted in them is caught; the null models; the fit and the screening read only the
fitting targets."""

from __future__ import annotations

import dataclasses

import pytest

from unionsim.calibration.holdout import (CUTOFF, RESTATING, forbidden_facts, held_out_facts,
                                          null_batch, null_value, protocol_problems)
from unionsim.config.params import default_parameters
from unionsim.config.schema import SourceRef
from unionsim.config.targets import TargetSet, load_targets
from unionsim.bibliography import fact_index


@pytest.fixture(scope="module")
def targets():
    return load_targets()


@pytest.fixture(scope="module")
def specs():
    return default_parameters().specs


def _replace(targets: TargetSet, target_id: str, **changes) -> TargetSet:
    """The target set with one target changed (its use, sources or scenario)."""
    out = []
    for t in targets.targets:
        if t.id == target_id:
            scenario = changes.pop("scenario", t.scenario)
            t = dataclasses.replace(t, target=t.target.model_copy(update=changes),
                                    scenario=scenario)
        out.append(t)
    return dataclasses.replace(targets, targets=tuple(out))


def test_the_shipped_targets_and_parameters_keep_the_protocol(targets):
    assert protocol_problems(targets) == []


def test_the_held_out_set_is_the_2021_round_of_talks_and_its_restating_rows(targets):
    assert held_out_facts(targets) == {"U26", "U27", "U28", "MIN-25"}
    assert forbidden_facts(targets) == {"U26", "U27", "U28", "MIN-25", "SC4", "SC6", "SYS-02"}
    index = fact_index()
    assert all(row in index and set(facts) <= set(index) for row, facts in RESTATING.items())


def test_a_parameter_citing_a_held_out_fact_is_caught(targets, specs):
    name = "minsk.isolation_risk"
    leak = specs[name].model_copy(update={"sources": [
        *specs[name].sources, SourceRef(doc="shraibman2021b", facts=["MIN-25"])]})
    problems = protocol_problems(targets, {**specs, name: leak}, parameter_files=[],
                                 null_models=False)
    assert problems == [f"parameter {name} cites MIN-25, which is held out"]
    # in the claim's text, or through a row that restates a held-out fact
    in_claim = specs[name].model_copy(update={"claim": specs[name].claim + " (U28)"})
    assert protocol_problems(targets, {**specs, name: in_claim}, parameter_files=[],
                             null_models=False) == [f"parameter {name} cites U28, which is held out"]
    restated = specs[name].model_copy(update={"note": "as in SC6"})
    assert protocol_problems(targets, {**specs, name: restated}, parameter_files=[],
                             null_models=False) == [f"parameter {name} cites SC6, which is held out"]


def test_a_parameter_file_citing_a_held_out_fact_is_caught(targets, specs, tmp_path):
    overlay = tmp_path / "leaky.yaml"
    overlay.write_text("title: a leaky overlay\ndescription: after U27\nvalues: {}\n")
    assert protocol_problems(targets, specs, parameter_files=[overlay], null_models=False) == [
        "parameter file leaky.yaml cites U27, which is held out"]


def test_a_fitting_target_or_scenario_citing_a_held_out_fact_is_caught(targets, specs):
    sources = [SourceRef(doc="shraibman2021b", facts=["U28"])]
    leaky = _replace(targets, "talks_halted_late_2020", sources=sources)
    assert protocol_problems(leaky, specs, parameter_files=[], null_models=False) == [
        "fitting target talks_halted_late_2020 cites U28, which is held out"]
    # a fitting target measured in a scenario whose file names the 2021 round as an input
    moved = _replace(targets, "no_base", scenario="roadmaps_2021")
    problems = protocol_problems(moved, specs, parameter_files=[], null_models=False)
    assert any(p.startswith("scenario roadmaps_2021 (roadmaps_2021.yaml), which a fitting "
                            "target reads, cites U26") for p in problems)


def test_a_held_out_target_from_an_earlier_document_or_past_the_documents_is_caught(targets,
                                                                                   specs):
    early = _replace(targets, "talks_revived_2021",
                     sources=[SourceRef(doc="marin2020", facts=["U22"])])
    problems = protocol_problems(early, specs, parameter_files=[], null_models=False)
    assert "held-out target talks_revived_2021 cites marin2020: held-out facts come from " \
           "shraibman2021a or shraibman2021b" in problems
    # the same measure in a scenario that runs on to 2023, read to its end
    import yaml

    late_measure = yaml.safe_load("{kind: flag_share, flag: regime_fell}")
    from unionsim.config.schema import TargetMeasure

    late = _replace(targets, "talks_revived_2021", scenario="isolation_2021",
                    measure=TargetMeasure.model_validate(late_measure))
    problems = protocol_problems(late, specs, parameter_files=[], null_models=False)
    assert any(p.startswith("held-out target talks_revived_2021 reads up to 2023-12")
               for p in problems), problems


def test_a_held_out_target_that_a_null_model_hits_is_caught(targets, specs):
    # "nothing happened": no permanent base (its facts become held out too, hence more lines)
    nothing = _replace(targets, "no_base", use="test",
                       sources=[SourceRef(doc="shraibman2021b", facts=["MIN-61"])])
    problems = protocol_problems(nothing, specs, parameter_files=[])
    assert "held-out target no_base is hit by a model that does nothing (the 'frozen' null " \
           "model gives 0)" in problems
    # the scheduled input itself: three tax manoeuvre steps of 0.35 from 3.0
    scheduled = _replace(targets, "energy_support_2021_06", use="test",
                         sources=[SourceRef(doc="shraibman2021b", facts=["E5b"])])
    problems = protocol_problems(scheduled, specs, parameter_files=[])
    assert "held-out target energy_support_2021_06 is hit by the scenario's scheduled inputs " \
           "alone (the 'inputs' null model gives 1.95)" in problems
    assert not any("frozen" in p and "energy_support_2021_06" in p for p in problems)


def test_the_null_models_hold_the_start_state_or_apply_only_the_schedule():
    outcomes, frozen = null_batch("calibration_2019_2021", "frozen")
    assert len(outcomes) == 1 and not outcomes.drop(columns=["run", "status"]).any(axis=None)
    assert (frozen["energy_support"] == 3.0).all() and (frozen["round_open"] == 0).all()
    assert frozen["month"].tolist() == list(range(33))
    _, inputs = null_batch("calibration_2019_2021", "inputs")
    energy = inputs.set_index("month")["energy_support"]
    # a tax manoeuvre step each January (2019, 2020, 2021); nobody compensates or cuts more
    assert energy[0] == 3.0 and energy[1] == pytest.approx(2.65)
    assert energy[13] == pytest.approx(2.3) and energy[32] == pytest.approx(1.95)
    # the 2019 round opens and, with no actor to close it, never closes
    assert inputs.set_index("month")["round_open"][1:].eq(1).all()
    assert inputs["support_incorporation"].nunique() == 1, "opinion does not move by itself"
    with pytest.raises(ValueError, match="unknown null model"):
        null_batch("calibration_2019_2021", "lazy")


def test_the_held_out_targets_miss_both_null_models(targets):
    for t in targets.select("test"):
        for kind in ("frozen", "inputs"):
            value = null_value(t, kind)
            assert value != value or abs(value - t.target.observed) > t.target.tolerance, \
                (t.id, kind, value)


def test_the_fit_reads_only_the_fitting_targets(targets, tmp_path, monkeypatch):
    """run_fit gives pyabc the fitting targets' observations and a distance over them only."""
    pyabc = pytest.importorskip("pyabc")
    from unionsim.calibration.fit import FitSettings, run_fit

    seen = {}

    class Stop(Exception):
        pass

    class FakeABCSMC:
        def __init__(self, model, prior, distance, **kw):
            seen["distance"] = [t.id for t in distance.fit_targets]
            seen["simulated"] = [t.id for t in model.targets]

        def new(self, db, observed, **meta):
            seen["observed"] = sorted(observed)
            raise Stop

    monkeypatch.setattr(pyabc, "ABCSMC", FakeABCSMC)
    tiny = FitSettings("tiny", population=2, replicates=1, n_parameters=1, max_populations=1,
                       max_simulations=2)
    with pytest.raises(Stop):
        run_fit(targets, tmp_path / "fit", settings=tiny, names=["putin.reactivity"],
                executor="serial")
    fit_ids = sorted(t.id for t in targets.select("fit"))
    test_ids = {t.id for t in targets.select("test")}
    assert sorted(seen["distance"]) == fit_ids and seen["observed"] == fit_ids
    assert test_ids and not test_ids & set(seen["observed"])
    # held-out measures are computed from the same runs, for the report only
    assert test_ids <= set(seen["simulated"])


def test_the_screening_reads_only_the_fitting_targets(targets, tmp_path, monkeypatch):
    import unionsim.analysis.sensitivity as sensitivity
    import unionsim.calibration.holdout as holdout
    from unionsim.calibration.screening import screen

    pytest.importorskip("SALib")
    read = {}
    original = holdout.distance_targets

    def spy(target_set):
        read["targets"] = original(target_set)
        return read["targets"]

    class Stop(Exception):
        pass

    def no_runs(scenario, *a, **kw):
        read.setdefault("scenarios", []).append(scenario.name)
        raise Stop

    monkeypatch.setattr(holdout, "distance_targets", spy)
    monkeypatch.setattr(sensitivity, "run_design", no_runs)
    with pytest.raises(Stop):
        screen(targets, tmp_path, trajectories=2)
    assert {t.target.use for t in read["targets"]} == {"fit"}
    assert len(read["targets"]) == len(targets.select("fit"))
    assert read["scenarios"][0] in targets.scenarios("fit")


def test_the_cutoff_is_the_month_of_the_latest_document():
    assert CUTOFF == "2021-08"
