"""The model description cannot drift from the code: every rule, event type, state variable and
parameter must appear in docs/model.md, and its generated tables must be current."""

import importlib.util
import inspect
from pathlib import Path

import pytest

from unionsim.config.params import default_parameters
from unionsim.config.schema import EVENT_TYPES
from unionsim.model.rules import army, economy, elite, kremlin, minsk, nato, public, war, west
from unionsim.model.state import STATE_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
ODD = (ROOT / "docs" / "model.md").read_text("utf-8")


def rule_functions():
    for module in (army, economy, elite, kremlin, minsk, nato, public, war, west):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                yield module.__name__.rsplit(".", 1)[-1], name, fn


@pytest.mark.parametrize("module,name,fn", list(rule_functions()),
                         ids=lambda x: x if isinstance(x, str) else "")
def test_every_rule_is_described_and_cites_its_sources(module, name, fn):
    assert f"`{name}`" in ODD, f"rules/{module}.py:{name} is missing from docs/model.md"
    doc = inspect.getdoc(fn) or ""
    assert doc, f"{module}.{name} has no docstring"


def test_decision_rules_cite_facts_in_their_docstrings():
    import re

    cited = re.compile(r"\b(?:[A-Z]{3}-\d{2}|[EUMPRL]\d+b?|SC\d+|D\d+)\b")
    for module, name, fn in rule_functions():
        if name.endswith("_utilities") or name in ("refusal_cost", "defection_hazard",
                                                   "cohesion_target", "is_crisis"):
            assert cited.search(inspect.getdoc(fn)), f"{module}.{name} cites no FACTS id"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_event_type_is_described(event_type):
    assert f"`{event_type}`" in ODD


def test_every_state_variable_and_parameter_is_in_the_description():
    missing = [n for n in STATE_VARIABLES if f"`{n}`" not in ODD]
    missing += [n for n in default_parameters().specs if f"`{n}`" not in ODD]
    from unionsim.calibration.polls import offset_specs

    missing += [n for n in offset_specs() if f"`{n}`" not in ODD]
    assert not missing, f"missing from docs/model.md: {missing[:10]}"


def test_generated_sections_are_current():
    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "scripts" / "update_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.render(ODD) == ODD, "run: python scripts/update_docs.py"


def test_the_bibliography_lists_the_five_documents():
    from unionsim.bibliography import DOCUMENTS

    text = (ROOT / "docs" / "sources.md").read_text("utf-8")
    for doc in DOCUMENTS.values():
        assert doc.id in text and doc.title in text


def test_the_fact_index_matches_the_facts_sheet():
    facts = ROOT.parent / "shared" / "FACTS.md"
    if not facts.exists():
        pytest.skip("../shared/FACTS.md is not available here")
    spec = importlib.util.spec_from_file_location("extract", ROOT / "scripts" /
                                                  "extract_fact_index.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    import json

    shipped = json.loads((ROOT / "src" / "unionsim" / "data" / "fact_index.json").read_text())
    assert shipped == mod.extract(facts.read_text("utf-8"))


def test_the_scenario_language_guide_shows_every_construct():
    guide = (ROOT / "scenarios" / "README.md").read_text("utf-8")
    from unionsim.config.schema import DISTRIBUTIONS

    for construct in ("extends:", "remove:", "uncertainty:", "sampler:", "paths:", "events:",
                      "triggers:", "overrides:", "window:", "repeat:", "for_months:", "any:",
                      "all:"):
        assert construct in guide, construct
    for dist in DISTRIBUTIONS:
        assert dist in guide, dist
    for event_type in EVENT_TYPES:
        assert f"`{event_type}`" in guide, event_type
