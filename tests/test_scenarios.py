"""The scenario language: every shipped scenario, every event type, triggers, extends, sampling."""

import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from unionsim.config.scenario import load_scenario, shipped_scenarios
from unionsim.config.schema import EVENT_TYPES
from unionsim.errors import ConfigError, ScenarioError
from unionsim.experiment.plan import make_plan
from unionsim.experiment.sampling import name_key, sample_uncertainty, uniforms
from unionsim.model.world import UnionModel

HEAD = textwrap.dedent("""\
    name: t
    title: test scenario
    description: A scenario written by a test.
    start: 2020-01
    horizon: 12
    sources: [{doc: marin2020, facts: [L6]}]
    """)


def scenario(tmp_path, body: str, name: str = "s.yaml", head: str = HEAD) -> Path:
    f = tmp_path / name
    f.write_text(head + textwrap.dedent(body))
    return f


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_every_shipped_scenario_validates_and_runs_without_warnings(path):
    loaded = load_scenario(path)
    assert loaded.spec.sources and len(loaded.spec.description) > 40
    assert not loaded.warnings  # a shipped scenario starting later says where it starts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = make_plan(loaded, runs=2, seed=1)
        for task in plan.tasks():
            from unionsim.experiment.runner import run_one
            result = run_one(task, loaded, timeseries=True)
            assert result.status == "ok", result.error
            assert not np.isnan(result.series).any()


def test_at_least_twelve_scenarios_are_shipped():
    assert len(shipped_scenarios()) >= 12


def run_month_one(tmp_path, event: str, **overrides):
    f = scenario(tmp_path, f"events:\n  - {event}\n")
    m = UnionModel(scenario=load_scenario(f), seed=1, collect=False, overrides=overrides or None,
                   record=True)
    before = m.state.snapshot()
    m.step()
    return before, m.state.snapshot(), m


EVENT_CASES = {
    "tax_manoeuvre_step": ("{month: 1, type: tax_manoeuvre_step, cut_bn: 0.5}",
                           lambda b, a, m: a["energy_support"] == pytest.approx(
                               b["energy_support"] - 0.5)),
    "subsidy_cut": ("{month: 1, type: subsidy_cut, cut_bn: 0.7}",
                    lambda b, a, m: a["energy_support"] == pytest.approx(b["energy_support"] - 0.7)
                    and a["coercion"] > b["coercion"]),
    "roadmap_round": ("{month: 1, type: roadmap_round, roadmaps: 20, deadline: 9}",
                      lambda b, a, m: a["round_open"] == 1 and a["round_size"] == 20
                      and a["round_deadline"] == 9),
    "ultimatum": ("{month: 1, type: ultimatum, deadline: 6, threat_bn: 1.2}",
                  lambda b, a, m: a["round_open"] == 1 and a["round_threat"] == 1.2),
    "airbase_demand": ("{month: 1, type: airbase_demand}",
                       lambda b, a, m: any(d["kind"] == "event" and "airbase" in d["choice"]
                                           for d in m.decisions)),
    "exercise": ("{month: 1, type: exercise, russian_troops_k: 2.0, duration_months: 2}",
                 lambda b, a, m: a["exercise_troops_k"] == 2.0),
    "nato_exercise": ("{month: 1, type: nato_exercise, months: 3, tension: 0.1}",
                      lambda b, a, m: a["nato_exercise_months"] >= 2
                      and a["tension_excess"] > 0.05),
    "nato_buildup": ("{month: 1, type: nato_buildup, posture: 0.2}",
                     lambda b, a, m: a["nato_posture"] >= b["nato_posture"] + 0.1),
    "election": ("{month: 1, type: election, serious_challengers: 3}",
                 lambda b, a, m: a["election_salience"] > 0.4),
    "economic_shock": ("{month: 1, type: economic_shock, growth_pp: -5, months: 3, "
                       "mishandled: true}",
                       lambda b, a, m: a["growth"] < b["growth"] - 3
                       and a["shock_mishandling"] > 0.7),
    "candidates_jailed": ("{month: 1, type: candidates_jailed, jailed: 1, "
                          "serious_challengers: 2}",
                          lambda b, a, m: 0.4 < a["candidates_jailed"] <= 0.5),
    "oil_price_shock": ("{month: 1, type: oil_price_shock, factor: 0.5, months: 6}",
                        lambda b, a, m: a["oil_price_index"] == pytest.approx(0.5)),
    "sanctions_package": ("{month: 1, type: sanctions_package, levels: 2}",
                          lambda b, a, m: a["sanctions_level"] >= 1),
    "energy_offer": ("{month: 1, type: energy_offer}", lambda b, a, m: a["energy_offer"] == 1),
    "info_campaign": ("{month: 1, type: info_campaign, intensity: 0.9, months: 5}",
                      lambda b, a, m: a["info_campaign"] >= 0.9),
    "unrest": ("{month: 1, type: unrest, kind: ukraine_like, months: 3}",
               lambda b, a, m: a["protest_share"] > b["protest_share"]),
    "tension_shock": ("{month: 1, type: tension_shock, delta: 0.3}",
                      lambda b, a, m: a["tension_excess"] > 0.2),
    "kaliningrad_crisis": ("{month: 1, type: kaliningrad_crisis, tension: 0.3}",
                           lambda b, a, m: a["tension_excess"] > 0.2
                           and a["nato_exercise_months"] > 0),
    "leader_exit": ("{month: 1, type: leader_exit}",
                    lambda b, a, m: a["regime"] == 1 and a["elite_cohesion"] < b["elite_cohesion"]),
    "war_next_door": ("{month: 1, type: war_next_door, months: 6, intensity: 0.8}",
                      lambda b, a, m: a["war_next_door"] == 1 and a["war_intensity"] == 0.8
                      and a["tension_excess"] > 0.2),
}


def test_every_event_type_has_a_case():
    assert set(EVENT_CASES) == set(EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(EVENT_CASES))
def test_each_event_acts_on_the_world(tmp_path, event_type):
    text, check = EVENT_CASES[event_type]
    before, after, model = run_month_one(tmp_path, text)
    assert check(before, after, model)
    assert model.outcome  # events never set outcomes directly; the run still classifies


def test_an_ultimatum_refused_is_carried_out(tmp_path):
    f = scenario(tmp_path, "events:\n  - {month: 1, type: ultimatum, deadline: 1, threat_bn: 1.5, "
                           "summit_every: 1}\n", head=HEAD.replace("horizon: 12", "horizon: 3"))
    loaded = load_scenario(f)
    carried = 0
    for seed in range(30):
        m = UnionModel(scenario=loaded, seed=seed, collect=False, record=True).run()
        answers = [d["choice"] for d in m.decisions if d["kind"] == "integration_answer"]
        if answers and answers[0] == "refuse":
            carried += 1
            assert any("ultimatum is carried out" in d["choice"] for d in m.decisions)
    assert carried > 0


def test_triggers_fire_once_after_the_condition_holds_long_enough(tmp_path):
    f = scenario(tmp_path, """\
        triggers:
          - id: t1
            when:
              all:
                - {variable: reserves, above: 0.0}
              for_months: 3
            then: {type: energy_offer}
        """)
    m = UnionModel(scenario=load_scenario(f), seed=1, collect=False, record=True).run()
    fired = [d["month"] for d in m.decisions if d["kind"] == "event" and "t1" in d["choice"]]
    assert fired == [4]  # held in months 1-3, fires at the start of month 4
    assert m.counts[("trigger", "t1", "fired")] == 1


def test_repeating_triggers_respect_the_cooldown_and_window(tmp_path):
    f = scenario(tmp_path, """\
        triggers:
          - id: again
            when:
              any:
                - {variable: reserves, above: 0.0}
                - {variable: tension, above: 2.0}
            then: {type: tension_shock, delta: 0.01}
            repeat: true
            cooldown: 4
            window: [2020-03, 2020-11]
        """)
    m = UnionModel(scenario=load_scenario(f), seed=1, collect=False, record=True).run()
    fired = [d["month"] for d in m.decisions if d["kind"] == "event" and "again" in d["choice"]]
    assert fired == [3, 7, 11]


def test_a_condition_that_never_holds_never_fires(tmp_path):
    f = scenario(tmp_path, """\
        triggers:
          - when: {all: [{variable: reserves, below: -1.0}]}
            then: {type: energy_offer}
        """)
    m = UnionModel(scenario=load_scenario(f), seed=1, collect=False).run()
    assert m.state.energy_offer == 0 or m.counts.get(("trigger", "#0", "fired"), 0) == 0


def test_extends_merges_as_documented(tmp_path):
    scenario(tmp_path, """\
        overrides: {minsk.sovereignty_weight: 0.6, putin.reactivity: 0.3}
        uncertainty: {elite.army_defection_risk: documented}
        events:
          - {id: a, month: 2, type: election}
          - {id: b, month: 3, type: energy_offer}
          - {id: c, month: 4, type: tension_shock, delta: 0.1}
        """, name="parent.yaml")
    child = tmp_path / "child.yaml"
    child.write_text(textwrap.dedent("""\
        name: child
        title: a child scenario
        description: Extends the parent and changes a few things.
        extends: parent.yaml
        remove: [b]
        sources: [{doc: carnegie2019, facts: [P5]}]
        overrides: {putin.reactivity: null, minsk.economy_weight: 0.7}
        uncertainty: {elite.army_defection_risk: null}
        events:
          - {id: c, month: 5, type: tension_shock, delta: 0.2}
          - {month: 6, type: subsidy_cut, cut_bn: 0.2}
        """))
    s = load_scenario(child).spec
    assert s.name == "child" and s.horizon == 12 and s.extends == "parent.yaml"
    assert s.overrides == {"minsk.sovereignty_weight": 0.6, "minsk.economy_weight": 0.7}
    assert s.uncertainty == {}
    assert [(e.id, e.type, s.month_of(e.month)) for e in s.events] == [
        ("a", "election", 2), ("c", "tension_shock", 5), (None, "subsidy_cut", 6)]
    assert [src.doc for src in s.sources] == ["marin2020", "carnegie2019"]


def test_errors_point_into_the_file_the_key_came_from(tmp_path):
    scenario(tmp_path, "events:\n  - {month: 2, type: election, kind: local}\n", name="p.yaml")
    child = tmp_path / "c.yaml"
    child.write_text("name: c\ntitle: child\ndescription: a child of a broken parent\n"
                     "extends: p.yaml\n")
    with pytest.raises(ConfigError) as e:
        load_scenario(child)
    assert e.value.file.endswith("p.yaml") and e.value.line == 8
    # a child event outside the parent's horizon is the child's error, on the child's line
    scenario(tmp_path, "", name="p.yaml")
    child.write_text("name: c\ntitle: child\ndescription: a child of a fine parent\n"
                     "extends: p.yaml\nevents:\n  - {month: 2030-01, type: election}\n")
    with pytest.raises(ConfigError) as e:
        load_scenario(child)
    assert e.value.file.endswith("c.yaml") and e.value.line == 6


@pytest.mark.parametrize("event,field,replacement", [
    ("{month: 8, type: election, challengers: 1.0}", "challengers", "serious_challengers"),
    ("{month: 5, type: candidates_jailed, share: 1.0}", "share", "`jailed` and "
                                                                 "`serious_challengers`"),
    ("{month: 3, type: economic_shock, growth_pp: -3, mishandled: 0.6}", "mishandled", "yes/no"),
    ("{month: 3, type: unrest, grievance: 0.3, months: 2}", "grievance", "`kind`"),
    ("{month: 3, type: unrest, kind: economic, militancy: 0.3}", "militancy", "`kind`"),
])
def test_a_retired_input_names_its_replacement_and_unit(tmp_path, event, field, replacement):
    """Inputs that decide outcomes are counts, yes/no facts and documented kinds; an old scenario
    with a unitless 0..1 knob fails at that field's line and is told what replaced it."""
    path = scenario(tmp_path, f"events:\n  - {event}\n")
    with pytest.raises(ConfigError) as e:
        load_scenario(path)
    message = str(e.value)
    assert replacement in message and e.value.line == 8
    assert e.value.field.endswith(field), e.value.field
    assert any(unit in message for unit in ("count", "yes/no", "economic", "number of"))


def test_jailed_challengers_are_a_share_of_the_race_and_never_more_than_all(tmp_path):
    path = scenario(tmp_path, "events:\n  - {month: 5, type: candidates_jailed, jailed: 3, "
                              "serious_challengers: 2}\n")
    with pytest.raises(ConfigError) as e:
        load_scenario(path)
    assert "at most all of them" in str(e.value) and e.value.field.endswith("jailed")


def test_circular_extends_is_refused(tmp_path):
    for a, b in (("a", "b"), ("b", "c"), ("c", "a")):
        (tmp_path / f"{a}.yaml").write_text(f"name: {a}\ntitle: cycle {a}\n"
                                            f"description: part of a cycle\nextends: {b}.yaml\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(tmp_path / "a.yaml")
    assert "circular extends" in str(e.value) and "a.yaml -> b.yaml -> c.yaml -> a.yaml" in str(
        e.value)


def test_shipped_children_extend_their_parents():
    roadmaps = load_scenario("roadmaps_2021")
    assert [p.stem for p in roadmaps.chain] == ["election_2020", "roadmaps_2021"]
    ultimatum = load_scenario("ultimatum_2019").spec
    assert "round_2019" not in [e.id for e in ultimatum.events]
    assert any(e.type == "ultimatum" for e in ultimatum.events)


# ----------------------------------------------------------------------------- sampling

def test_samplers_are_seeded_and_lhs_is_stratified():
    a = uniforms("putin.reactivity", 50, seed=4, sampler="lhs")
    assert np.array_equal(a, uniforms("putin.reactivity", 50, seed=4, sampler="lhs"))
    assert not np.array_equal(a, uniforms("putin.reactivity", 50, seed=5, sampler="lhs"))
    assert not np.array_equal(a, uniforms("minsk.sovereignty_weight", 50, seed=4, sampler="lhs"))
    for name in ("putin.reactivity", "minsk.sovereignty_weight", "public.militancy"):
        column = uniforms(name, 50, seed=4, sampler="lhs")  # one point in each of the 50 strata
        assert sorted(np.floor(column * 50).astype(int)) == list(range(50))
    mc = uniforms("putin.reactivity", 2000, seed=1, sampler="mc")
    assert mc.mean() == pytest.approx(0.5, abs=0.02)
    with pytest.raises(ValueError):
        uniforms("putin.reactivity", 5, seed=1, sampler="sobol")


def test_parameter_streams_use_a_stable_hash_of_the_name():
    # the key must not be Python's per-process string hash: a fixed value pins it
    assert name_key("putin.reactivity") == name_key("putin.reactivity")
    assert name_key("putin.reactivity") != name_key("putin.reactivitY")
    assert uniforms("putin.reactivity", 1, seed=1, sampler="mc")[0] == pytest.approx(
        np.random.default_rng(np.random.SeedSequence(
            [1, 0x5A4D, *name_key("putin.reactivity")])).random())


@pytest.mark.parametrize("sampler", ["mc", "lhs"])
def test_fixing_one_sampled_parameter_leaves_every_other_draw_unchanged(sampler):
    """Common random numbers survive a fixed parameter: an overlay that fixes one of
    election_2020's sampled parameters re-draws none of the others, in any run."""
    loaded = load_scenario("election_2020")
    base = make_plan(loaded, runs=300, seed=1, sampler=sampler)
    fixed = make_plan(loaded, runs=300, seed=1, sampler=sampler,
                      sets={"elite.army_defection_risk": 0.1})
    assert "elite.army_defection_risk" in base.samples
    assert "elite.army_defection_risk" not in fixed.samples
    shared = set(base.samples) & set(fixed.samples)
    assert shared == set(base.samples) - {"elite.army_defection_risk"}
    assert "minsk.sovereignty_weight" in shared
    for name in shared:
        assert base.samples[name] == fixed.samples[name], name
    assert base.seeds == fixed.seeds


def test_distributions_have_the_documented_shape(tmp_path):
    f = scenario(tmp_path, """\
        uncertainty:
          minsk.sovereignty_weight: {dist: uniform, low: 0.5, high: 0.9}
          putin.reactivity: {dist: normal, mean: 0.35, sd: 0.05}
          public.prorussian_mobilisation: {dist: triangular, low: 0.0, mode: 0.1, high: 0.5}
          kremlin.cut_step: {dist: beta, a: 2, b: 5, low: 0.2, high: 0.8}
          minsk.max_extensions: {dist: choice, values: [0, 1, 2], weights: [0.2, 0.3, 0.5]}
          elite.army_defection_risk: documented
        """)
    loaded = load_scenario(f)
    bounds = {k: tuple(v) for k, v in loaded.uncertain_parameters().items()}
    values = sample_uncertainty(loaded.spec.uncertainty, bounds, 4000, seed=2, sampler="mc")
    sw = np.array(values["minsk.sovereignty_weight"])
    assert sw.min() >= 0.5 and sw.max() <= 0.9 and sw.mean() == pytest.approx(0.7, abs=0.01)
    assert np.mean(values["putin.reactivity"]) == pytest.approx(0.35, abs=0.005)
    assert np.mean(values["public.prorussian_mobilisation"]) == pytest.approx(0.2, abs=0.01)
    assert np.mean(values["kremlin.cut_step"]) == pytest.approx(0.2 + 0.6 * 2 / 7, abs=0.01)
    counts = np.bincount(np.array(values["minsk.max_extensions"]).astype(int)) / 4000
    assert counts == pytest.approx([0.2, 0.3, 0.5], abs=0.02)
    lo, hi = bounds["elite.army_defection_risk"]
    assert (lo, hi) == (0.0, 0.35)


def test_sampled_values_reach_the_runs_and_user_values_win(tmp_path):
    f = scenario(tmp_path, "uncertainty:\n  minsk.sovereignty_weight: {dist: uniform, low: 0.5, "
                           "high: 0.9}\n  putin.reactivity: documented\n")
    loaded = load_scenario(f)
    plan = make_plan(loaded, runs=20, seed=3, sampler="lhs")
    assert plan.sampler == "lhs" and set(plan.samples) == {"minsk.sovereignty_weight",
                                                           "putin.reactivity"}
    tasks = list(plan.tasks())
    assert len({t.values["minsk.sovereignty_weight"] for t in tasks}) == 20
    fixed = make_plan(loaded, runs=20, seed=3, sets={"putin.reactivity": 0.4})
    assert set(fixed.samples) == {"minsk.sovereignty_weight"}
    assert {t.values["putin.reactivity"] for t in fixed.tasks()} == {0.4}
    none = make_plan(loaded, runs=5, seed=3, uncertainty=False)
    assert none.samples == {} and none.sampler == "none"


def test_uncertainty_bounds_must_respect_the_documented_range(tmp_path):
    f = scenario(tmp_path, "uncertainty:\n  minsk.sovereignty_weight: {dist: uniform, low: 0.1, "
                           "high: 0.9}\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert "outside the documented range [0.4, 0.95]" in str(e.value) and e.value.line == 8


# --------------------------------------------------------------------------- initial:

def test_initial_sets_the_start_state_and_what_follows_from_it(tmp_path):
    f = scenario(tmp_path, """\
        initial:
          sanctions_level: 1
          loans_total: 1.5
          support_incorporation: 0.07
          west_orientation: 0.4
        """)
    m = UnionModel(scenario=load_scenario(f), seed=1, collect=False)
    s, p = m.state, m.p
    assert s.sanctions_level == 1 and s.loans_total == 1.5
    assert s.debt == pytest.approx(p.initial.debt + 1.5)  # loans received are debt
    assert s.abuse_memory >= p.west.abuse_threshold      # sanctions come with their reason
    # opinion is held by the cohorts: their weighted averages are the values given
    assert s.support_incorporation == pytest.approx(0.07)
    assert s.west_orientation == pytest.approx(0.4)
    assert s.support_incorporation + s.support_union + s.support_independence == \
        pytest.approx(1.0)
    m.run()
    assert m.result()["month_individual_sanctions"] == 0  # in force from the start


def test_a_2021_start_with_initial_differs_from_the_same_without_it():
    loaded = load_scenario("isolation_2021")
    assert loaded.spec.start == "2021-01" and loaded.spec.initial
    bare = type(loaded)(loaded.spec.model_copy(update={"initial": {}}))
    with_initial = [UnionModel(loaded, seed=k, collect=False).run().result() for k in range(4)]
    without = [UnionModel(bare, seed=k, collect=False).run().result() for k in range(4)]
    assert all(r["month_individual_sanctions"] == 0 for r in with_initial)
    assert all(r["month_individual_sanctions"] != 0 for r in without)
    assert all(r["loans_total"] >= 1.5 for r in with_initial)
    assert [r["debt"] for r in with_initial] != [r["debt"] for r in without]
    # the same scenario without initial: warns that it inherits the 2019 state
    assert not loaded.warnings
    assert len(bare.warnings) == 1
    message = bare.warnings[0]
    assert "2021-01" in message and "2019-01" in message and "initial:" in message
    assert "Western engagement at 0.5" in message


def test_a_later_start_without_initial_warns_when_loaded(tmp_path):
    from unionsim.errors import UnionsimWarning

    f = scenario(tmp_path, "")
    with pytest.warns(UnionsimWarning, match="sets no `initial:`") as caught:
        load_scenario(f)
    assert str(f) in str(caught[0].message)
    g = scenario(tmp_path, "", name="jan2019.yaml", head=HEAD.replace("2020-01", "2019-01"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not load_scenario(g).warnings
    h = scenario(tmp_path, "initial:\n  sanctions_level: 1\n", name="set.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_scenario(h)


@pytest.mark.parametrize("body,line,words", [
    ("initial:\n  sanction_level: 1\n", 8, ["unknown state variable 'sanction_level'",
                                           "did you mean 'sanctions_level'"]),
    ("initial:\n  debt: 5\n  sanctions_level: 7\n", 9, ["value 7", "sanctions_level",
                                                        "outside its domain [0, 3]"]),
    ("initial:\n  presence: 2\n", 8, ["'presence' cannot be set", "permanent_troops_k"]),
    ("initial:\n  tension: 0.9\n", 8, ["paths.tension"]),
])
def test_a_bad_initial_gives_a_located_error(tmp_path, body, line, words):
    f = scenario(tmp_path, body)
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert e.value.file.endswith("s.yaml") and e.value.line == line
    for w in words:
        assert w in str(e.value)


def test_initial_merges_by_key_through_extends(tmp_path):
    scenario(tmp_path, "initial:\n  sanctions_level: 1\n  loans_total: 1.5\n", name="p.yaml")
    c = scenario(tmp_path, "extends: p.yaml\ninitial:\n  loans_total: 3.0\n", name="c.yaml",
                 head=HEAD.replace("name: t", "name: c"))
    assert load_scenario(c).spec.initial == {"sanctions_level": 1, "loans_total": 3.0}


def test_a_start_under_a_successor_gives_minsk_the_successor_s_weights(tmp_path):
    f = scenario(tmp_path, "initial:\n  regime: 1\n")
    g = scenario(tmp_path, "initial:\n  regime: 0\n", name="g.yaml")
    successor = UnionModel(scenario=load_scenario(f), seed=1, collect=False)
    incumbent = UnionModel(scenario=load_scenario(g), seed=1, collect=False)
    assert successor.state.regime == 1
    assert successor.minsk.weights.minsk.sovereignty_weight != \
        incumbent.minsk.weights.minsk.sovereignty_weight


# ------------------------------------------------------------------ distinct shipped scenarios

#: What tells a reader about a scenario without changing what the model is given.
_WORDS_ONLY = {"name", "title", "description", "sources", "extends", "id", "note", "notes"}


def model_input(spec) -> object:
    """A scenario's spec as the model reads it: its words, citations and ids left out."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in sorted(value.items()) if k not in _WORDS_ONLY}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(spec.model_dump(mode="json"))


def test_no_two_shipped_scenarios_are_the_same_model_input():
    seen: dict[str, str] = {}
    same = []
    for name in shipped_scenarios():
        key = repr(model_input(load_scenario(name).spec))
        if key in seen:
            same.append((seen[key], name))
        seen.setdefault(key, name)
    assert not same, f"shipped scenarios that give the model the same input: {same}"


def test_model_input_ignores_words_and_ids_only(tmp_path):
    a = load_scenario(scenario(tmp_path, "events:\n  - {id: a, month: 2020-03, type: "
                                         "subsidy_cut, cut_bn: 0.5, note: one}\n", name="a.yaml"))
    b = load_scenario(scenario(tmp_path, "events:\n  - {id: b, month: 2020-03, type: "
                                         "subsidy_cut, cut_bn: 0.5, note: two}\n", name="b.yaml"))
    c = load_scenario(scenario(tmp_path, "events:\n  - {id: c, month: 2020-03, type: "
                                         "subsidy_cut, cut_bn: 0.6}\n", name="c.yaml"))
    assert model_input(a.spec) == model_input(b.spec) != model_input(c.spec)
