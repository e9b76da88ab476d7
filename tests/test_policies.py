"""Policies: a decision taken by the user's rule instead of the actor's logit.

The schema and its errors, the override of one decision (the same uniform drawn), whole runs
(a policy changes only its actor's decisions, from its first one on), the command line, the
manifest and the trace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from unionsim.analysis import trace as tr
from unionsim.config.scenario import (load_scenario, parse_policy_options, shipped_scenarios,
                                      with_policies)
from unionsim.config.schema import Policy, check_policy
from unionsim.config.vocabulary import DECISIONS
from unionsim.errors import ConfigError, UsageError
from unionsim.experiment.plan import make_plan
from unionsim.model import policies
from unionsim.model.choice import UNAVAILABLE, choose
from unionsim.model.world import UnionModel

ROOT = Path(__file__).resolve().parents[1]
HEAD = """name: mine
title: a policy test
description: a scenario that gives an actor a policy
extends: {base}
"""


def scenario_file(tmp_path: Path, policies_yaml: str, base: str = "baseline") -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(HEAD.format(base=ROOT / "scenarios" / f"{base}.yaml")
                    + "policies:\n" + policies_yaml)
    return path


class _Fixed:
    def __init__(self, u):
        self.u, self.drawn = u, 0

    def random(self):
        self.drawn += 1
        return self.u


# --------------------------------------------------------------------------- vocabulary

def test_the_policy_vocabulary_lists_every_actors_decisions_and_options(baseline):
    model = UnionModel(scenario=baseline, seed=1, collect=False)
    seen = {}
    for agent in model.agents:
        decisions = type(agent).classifier.get("decisions", {})
        if decisions:
            seen[agent.name] = {kind: tuple(options) for kind, options in decisions.items()}
    assert seen == DECISIONS


# --------------------------------------------------------------------------- schema

def test_a_bare_option_is_a_fixed_choice_and_forms_are_described():
    assert Policy.model_validate("refuse").choose == "refuse"
    rules = Policy.model_validate({"rules": [{"when": {"all": [{"variable": "candidates_jailed",
                                                               "above": 0.6}]},
                                              "choose": "hold"}]})
    assert rules.fallback.choose == "model"
    assert rules.describe() == ("when candidates_jailed > 0.6: hold; otherwise: the model's own "
                                "choice")
    assert Policy.model_validate({"probabilities": {"hold": 0.6, "sanction": 0.4}}).describe() \
        == "hold 60%, sanction 40%"


@pytest.mark.parametrize("raw, message", [
    ({"probabilities": {"hold": 0.5, "engage": 0.4}}, "sum to 0.9"),
    ({"probabilities": {"hold": 1.5, "engage": -0.5}}, "between 0 and 1"),
    ({"choose": "hold", "avoid": ["ease"]}, "exactly one of choose, probabilities, avoid"),
    ({}, "exactly one of choose, probabilities, avoid"),
    ({"avoid": []}, "at least one option"),
    ({"rules": []}, "at least one rule"),
    ({"rules": [{"when": {"all": [{"variable": "repression", "above": 0.5}]}, "choose": "hold"}],
      "choose": "hold"}, "rules or choose, not both"),
    ({"otherwise": "hold"}, "otherwise goes with rules"),
    ({"rules": [{"when": {"all": [{"variable": "repression", "above": 0.5}]}}]},
     "a rule needs exactly one"),
    ({"rules": [{"when": {"all": []}, "choose": "hold"}]}, "non-empty list"),
])
def test_malformed_policies_are_refused(raw, message):
    with pytest.raises(ValidationError) as info:
        Policy.model_validate(raw)
    assert message in str(info.value)


@pytest.mark.parametrize("key, raw, message", [
    ("minsk.base_answer", "acept", "'acept' is not an option of minsk.base_answer (did you mean "
                                   "'accept'?); its options: refuse, rotation, accept"),
    ("minsk.base", "refuse", "minsk takes no decision 'base'"),
    ("minks.base_answer", "refuse", "'minks' is not an actor that decides (did you mean 'minsk'"),
    ("west.policy", {"avoid": ["hold", "sanction", "ease", "engage", "energy_offer"]},
     "leaves west.policy no option"),
    ("us.policy", {"probabilities": {"hold": 0.5, "sanctions": 0.5}},
     "'sanctions' is not an option of us.policy"),
    ("west.policy", {"rules": [{"when": {"any": [{"variable": "jailed", "above": 0.5}]},
                                "choose": "hold"}]}, "unknown state variable 'jailed'"),
])
def test_names_are_checked_against_the_models_vocabulary(key, raw, message):
    with pytest.raises(ValueError) as info:
        check_policy(key, Policy.model_validate(raw))
    assert message in str(info.value)


def test_a_bad_policy_in_a_file_names_file_line_field_options_and_fix(tmp_path):
    path = scenario_file(tmp_path, "  minsk.base_answer: refuse\n"
                                   "  west.policy:\n"
                                   "    rules:\n"
                                   "      - when: {all: [{variable: repression, above: 0.5}]}\n"
                                   "        choose: hld\n")
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    err = info.value
    assert err.file == str(path) and err.line == 10
    assert err.field == "policies.west.policy.rules[0].choose"
    assert "its options: hold, sanction, ease, engage, energy_offer" in str(err)
    assert err.hint == "write one of: hold, sanction, ease, engage, energy_offer"


def test_the_command_line_reports_a_bad_policy_without_a_traceback(tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    bad_file = scenario_file(tmp_path, "  nato.posture: {avoid: [reinforce, hold, exercise, "
                                       "restraint]}\n")
    for args in (["trace", "baseline", "--policy", "west.policy={choose: hold"],
                 ["run", str(bad_file), "--runs", "2", "--out", str(tmp_path / "out")]):
        r = subprocess.run([sys.executable, "-m", "unionsim", *args], capture_output=True,
                           text=True, cwd=tmp_path, env=env, timeout=120)
        assert r.returncode == 2, (args, r.stderr)
        assert "Traceback" not in r.stderr and "fix:" in r.stderr, r.stderr
    assert f"{bad_file}:6" in r.stderr and "leaves nato.posture no option" in r.stderr
    assert not (tmp_path / "out").exists()


def test_command_line_policies_are_parsed_as_yaml_and_checked(baseline):
    raw = parse_policy_options(["minsk.base_answer=refuse",
                                "us.policy={probabilities: {hold: 0.5, engage: 0.5}}"])
    assert raw == {"minsk.base_answer": "refuse",
                   "us.policy": {"probabilities": {"hold": 0.5, "engage": 0.5}}}
    loaded = with_policies(baseline, raw)
    assert set(loaded.spec.policies) == {"minsk.base_answer", "us.policy"}
    assert not baseline.spec.policies  # the scenario itself is untouched
    with pytest.raises(UsageError) as info:
        with_policies(baseline, {"us.policy": {"probabilities": {"hold": 2.0}}})
    assert info.value.field == "policy us.policy" and "between 0 and 1" in str(info.value)


def test_an_extending_scenario_replaces_or_removes_inherited_policies(tmp_path):
    parent = scenario_file(tmp_path, "  minsk.base_answer: refuse\n  west.policy: hold\n",
                           base="airbase_pressure")
    child = tmp_path / "child.yaml"
    child.write_text(HEAD.format(base=parent).replace("name: mine", "name: child")
                     + "policies:\n  minsk.base_answer: rotation\n  west.policy: null\n")
    spec = load_scenario(child).spec
    assert {k: p.choose for k, p in spec.policies.items()} == {"minsk.base_answer": "rotation"}


# --------------------------------------------------------------------------- one decision

UTILITIES = [0.0, 1.0, UNAVAILABLE]
OPTIONS = ("refuse", "rotation", "accept")


class _State:
    repression = 0.7
    candidates_jailed = 1.0


def test_a_fixed_choice_ignores_the_uniform_and_an_unavailable_one_gives_way_to_the_model():
    index, weights, how = policies.decide(Policy.model_validate("refuse"), OPTIONS, UTILITIES,
                                          1.0, 0.99, _State())
    assert (index, weights) == (0, [1.0, 0.0, 0.0]) and how == "policy: refuse"
    # "accept" is unavailable: the model's own logit decides, with the same uniform
    for u in (0.1, 0.5, 0.9):
        index, weights, how = policies.decide(Policy.model_validate("accept"), OPTIONS,
                                              UTILITIES, 1.0, u, _State())
        assert (index, weights) == choose(_Fixed(u), UTILITIES, 1.0)
        assert "unavailable this month" in how


def test_probabilities_use_the_uniform_and_skip_unavailable_options():
    policy = Policy.model_validate({"probabilities": {"refuse": 0.25, "rotation": 0.25,
                                                      "accept": 0.5}})
    # "accept" is unavailable: refuse and rotation share the whole mass, half each
    assert policies.decide(policy, OPTIONS, UTILITIES, 1.0, 0.49, _State())[0] == 0
    assert policies.decide(policy, OPTIONS, UTILITIES, 1.0, 0.51, _State())[0] == 1
    only_accept = Policy.model_validate({"probabilities": {"accept": 1.0}})
    assert policies.decide(only_accept, OPTIONS, UTILITIES, 1.0, 0.3, _State())[0] \
        == choose(_Fixed(0.3), UTILITIES, 1.0)[0]


def test_avoid_is_the_models_logit_over_the_other_options():
    utilities = [0.0, 1.0, 0.5]
    policy = Policy.model_validate({"avoid": ["rotation"]})
    for u in (0.05, 0.4, 0.95):
        index, weights, _ = policies.decide(policy, OPTIONS, utilities, 0.7, u, _State())
        assert (index, weights) == choose(_Fixed(u), [0.0, UNAVAILABLE, 0.5], 0.7)
        assert index != 1


def test_rules_apply_in_order_then_otherwise_then_the_model():
    policy = Policy.model_validate({
        "rules": [{"when": {"all": [{"variable": "repression", "above": 0.9}]},
                   "choose": "refuse"},
                  {"when": {"any": [{"variable": "candidates_jailed", "at_least": 1.0},
                                    {"variable": "repression", "below": 0.1}]},
                   "choose": "accept"},  # unavailable: gives way
                  {"when": {"all": [{"variable": "repression", "at_most": 0.7}]},
                   "choose": "rotation"}],
        "otherwise": "refuse"})
    index, _, how = policies.decide(policy, OPTIONS, UTILITIES, 1.0, 0.5, _State())
    assert index == 1 and how.startswith("policy rule 3 (repression <= 0.7)")

    class Calm(_State):
        repression, candidates_jailed = 0.75, 0.0

    index, _, how = policies.decide(policy, OPTIONS, UTILITIES, 1.0, 0.5, Calm())
    assert index == 0 and how == "policy, no rule applies: refuse"


# --------------------------------------------------------------------------- whole runs

def _run(loaded, seed):
    return UnionModel(scenario=loaded, seed=seed, collect=False, record=True).run()


def _comparable(decisions):
    return [{k: v for k, v in d.items() if k != "policy"} for d in decisions]


def test_a_policy_that_defers_to_the_model_changes_nothing(baseline):
    never = {"west.policy": {"rules": [{"when": {"all": [{"variable": "repression",
                                                          "above": 1.0}]},
                                        "choose": "sanction"}]},
             "minsk.initiative": {"choose": "model"}}
    loaded = with_policies(baseline, never)
    for seed in (3, 8):
        plain, deferred = _run(baseline, seed), _run(loaded, seed)
        assert _comparable(deferred.decisions) == plain.decisions
        assert deferred.result() == plain.result()
        assert (deferred.series == plain.series).all()


@pytest.mark.parametrize("key, raw", [
    ("west.policy", "engage"),
    ("minsk.initiative", {"probabilities": {"hold": 0.5, "open_west": 0.5}}),
    ("nato.posture", {"avoid": ["hold"]}),
])
def test_a_policy_changes_only_its_actors_decisions_from_its_first_one_on(baseline, key, raw):
    actor, kind = key.rsplit(".", 1)
    loaded = with_policies(baseline, {key: raw})
    for seed in (2, 5):
        plain, ruled = _run(baseline, seed), _run(loaded, seed)
        first = next(i for i, d in enumerate(ruled.decisions) if "policy" in d)
        assert (ruled.decisions[first]["actor"], ruled.decisions[first]["kind"]) == (actor, kind)
        # everything before the policy's first decision is the same, draw for draw
        assert ruled.decisions[:first] == plain.decisions[:first]
        # every decision of that kind by that actor is the policy's, and none other is
        taken = [d for d in ruled.decisions if "policy" in d]
        assert taken == [d for d in ruled.decisions
                         if (d["actor"], d["kind"]) == (actor, kind)]
        assert ruled.decisions != plain.decisions


def test_the_trace_says_which_decisions_a_policy_took(baseline):
    loaded = with_policies(baseline, {"west.policy": "engage"})
    lines = list(tr.render(_run(loaded, 4)))
    assert "policy west.policy: engage" in lines
    text = "\n".join(lines)
    assert "EU [policy]: engage (p=100%" in text and "by policy: engage" in text


def test_policies_are_recorded_in_the_manifest_and_fingerprint(baseline):
    plain = make_plan(baseline, runs=3, seed=1)
    assert "policies" not in plain.describe()["scenario"]["spec"]
    assert "policies" not in plain.describe()
    ruled = make_plan(with_policies(baseline, {"minsk.base_answer": "refuse"}), runs=3, seed=1)
    described = ruled.describe()
    assert described["scenario"]["spec"]["policies"] == {"minsk.base_answer":
                                                         {"choose": "refuse"}}
    assert described["policies"] == {"minsk.base_answer": "refuse"}
    assert ruled.fingerprint() != plain.fingerprint()


def test_a_batch_with_a_policy_replays_with_it(tmp_path):
    from unionsim.experiment.batch import run_batch
    from unionsim.experiment.replay import replay_run

    folder = run_batch(load_scenario("baseline"), runs=2, seed=3, out=tmp_path / "b",
                       executor="serial")
    loaded = with_policies(load_scenario("baseline"), {"west.policy": "engage"})
    ruled = run_batch(loaded, runs=2, seed=3, out=tmp_path / "p", executor="serial")
    manifest = json.loads((ruled / "manifest.json").read_text())
    assert manifest["policies"] == {"west.policy": "engage"}
    replay = replay_run(ruled, 1)
    assert replay.matches and any("policy" in d for d in replay.model.decisions)
    assert json.loads((folder / "manifest.json").read_text())["fingerprint"] \
        != manifest["fingerprint"]


def test_the_shipped_policy_scenarios_give_three_sides_a_policy():
    sides = {}
    for path in shipped_scenarios():
        spec = load_scenario(path).spec
        for key in spec.policies:
            sides.setdefault(key.rsplit(".", 1)[0], []).append(spec.name)
    assert {"west", "us", "minsk"} <= set(sides)
