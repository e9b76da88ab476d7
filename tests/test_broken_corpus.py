"""A corpus of broken scenario files: each must give one clear error naming the file, the line and
the field, exit code 2 from the CLI, and no traceback. A property-based test then mutates the valid
file at random: the loader must either accept the result or raise a UnionsimError, nothing else."""

import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionsim.config.scenario import load_scenario
from unionsim.errors import UnionsimError

VALID = textwrap.dedent("""\
    name: corpus
    title: A valid scenario for the corpus
    description: Every construct of the language, valid.
    start: 2020-01
    horizon: 24
    sources:
      - {doc: marin2020, facts: [L6, U13]}
    sampler: lhs
    overrides:
      minsk.economy_weight: 0.6
    uncertainty:
      minsk.sovereignty_weight: {dist: uniform, low: 0.5, high: 0.9}
      putin.reactivity: {dist: normal, mean: 0.35, sd: 0.05}
      public.prorussian_mobilisation: {dist: triangular, low: 0.0, mode: 0.1, high: 0.4}
      kremlin.cut_step: {dist: beta, a: 2, b: 5, low: 0.2, high: 0.8}
      minsk.max_extensions: {dist: choice, values: [0, 1, 2], weights: [0.2, 0.3, 0.5]}
      elite.army_defection_risk: documented
    paths:
      tension: [[2020-01, 0.5], [2021-06, 0.7]]
    events:
      - {id: round, month: 2020-02, type: roadmap_round, roadmaps: 28, deadline: 2020-11}
      - {month: 2020-08, type: election, kind: presidential}
      - {month: 2021-01, type: tax_manoeuvre_step, cut_bn: 0.35}
    triggers:
      - id: t1
        when:
          all:
            - {variable: protest_share, above: 0.05}
          for_months: 2
        then: {type: unrest, kind: economic, months: 3}
    """)


def sub(old, new):
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# (id, text, expected fragment, expected line or None)
CASES = [
    ("unclosed-bracket", sub("facts: [L6, U13]}", "facts: [L6, U13}"), "malformed YAML", 7),
    ("tab-indent", sub("  minsk.economy_weight", "\tminsk.economy_weight"), "malformed YAML", 10),
    ("missing-colon", sub("horizon: 24", "horizon 24"), "malformed YAML", None),
    ("a-list", "- just\n- a list\n", "expected a scenario", 1),
    ("empty", "", "expected a scenario", None),
    ("unknown-top-key", sub("horizon: 24", "horizon: 24\nhorizn: 12"), "did you mean 'horizon'", 6),
    ("unknown-event-key", sub("cut_bn: 0.35}", "cutbn: 0.35}"), "unknown key 'cutbn'", 23),
    ("misspelt-type", sub("type: election,", "type: electon,"), "did you mean 'election'", 22),
    ("misspelt-type-2", sub("type: tax_manoeuvre_step", "type: tax_manouvre_step"),
     "did you mean 'tax_manoeuvre_step'", 23),
    ("missing-name", sub("name: corpus\n", ""), "required key 'name' is missing", None),
    ("missing-horizon", sub("horizon: 24\n", ""), "required key 'horizon'", None),
    # sources may be omitted (a warning, see test_a_scenario_without_sources_warns), but a cited
    # id that does not exist names the nearest ids and the search command
    ("misspelt-fact", sub("facts: [L6, U13]", "facts: [L6, U13c]"), "nearest: U13", 7),
    ("unknown-fact-search", sub("facts: [L6, U13]", "facts: [ABC-12]"),
     "unionsim facts --search", 7),
    ("horizon-text", sub("horizon: 24", "horizon: two years"), "valid integer", 5),
    ("horizon-negative", sub("horizon: 24", "horizon: -3"), "greater than or equal to 1", 5),
    ("horizon-zero", sub("horizon: 24", "horizon: 0"), "greater than or equal to 1", 5),
    ("horizon-huge", sub("horizon: 24", "horizon: 6000"), "less than or equal to 600", 5),
    ("start-words", sub("start: 2020-01", "start: January 2020"), "YYYY-MM", 4),
    ("start-month-13", sub("start: 2020-01", "start: 2020-13"), "not a month", 4),
    ("event-after-horizon", sub("month: 2021-01, type: tax", "month: 2023-01, type: tax"),
     "outside the scenario", 23),
    ("event-before-start", sub("month: 2020-08, type: election",
                               "month: 2019-12, type: election"), "outside the scenario", 22),
    ("event-month-zero", sub("month: 2020-08, type: election", "month: 0, type: election"),
     "must be 1 or more", 22),
    ("event-month-bool", sub("month: 2020-08, type: election", "month: yes, type: election"),
     "not true/false", 22),
    ("event-without-month", sub("{month: 2020-08, type: election,", "{type: election,"),
     "needs a month", 22),
    ("deadline-before-month", sub("deadline: 2020-11", "deadline: 2020-01"), "comes before", 21),
    ("deadline-after-horizon", sub("deadline: 2020-11", "deadline: 2024-11"),
     "outside the scenario", 21),
    ("cut-negative", sub("cut_bn: 0.35", "cut_bn: -0.35"), "greater than 0", 23),
    ("cut-text", sub("cut_bn: 0.35", "cut_bn: lots"), "valid number", 23),
    ("election-kind", sub("kind: presidential", "kind: local"), "'presidential'", 22),
    ("unknown-doc", sub("doc: marin2020", "doc: marin2021"), "'carnegie2019'", 7),
    ("fact-not-in-doc", sub("doc: marin2020, facts: [L6, U13]", "doc: carnegie2019, facts: [L6]"),
     "not supported by carnegie2019", 7),
    ("unknown-fact", sub("facts: [L6, U13]", "facts: [XYZ-99]"), "not an id in FACTS", 7),
    ("override-unknown", sub("minsk.economy_weight: 0.6", "minsk.economy_wieght: 0.6"),
     "unknown parameter", 10),
    ("override-range", sub("minsk.economy_weight: 0.6", "minsk.economy_weight: 5"),
     "outside the documented range", 10),
    ("override-text", sub("minsk.economy_weight: 0.6", "minsk.economy_weight: high"),
     "valid number", 10),
    ("uncertain-unknown", sub("putin.reactivity: {dist", "putin.reactivty: {dist"),
     "unknown parameter", 13),
    ("uniform-reversed", sub("low: 0.5, high: 0.9", "low: 0.9, high: 0.5"), "must exceed low", 12),
    ("normal-negative-sd", sub("sd: 0.05", "sd: -0.05"), "greater than 0", 13),
    ("triangular-mode-out", sub("mode: 0.1", "mode: 0.45"), "must lie in [low, high]", 14),
    ("beta-zero", sub("a: 2, b: 5", "a: 0, b: 5"), "greater than 0", 15),
    ("choice-weights-count", sub("weights: [0.2, 0.3, 0.5]", "weights: [0.5, 0.5]"),
     "2 weights for 3 values", 16),
    ("choice-negative-weight", sub("weights: [0.2, 0.3, 0.5]", "weights: [0.2, -0.3, 0.5]"),
     "non-negative", 16),
    ("unknown-dist", sub("dist: uniform", "dist: gaussian"), "unknown dist 'gaussian'", 12),
    ("misspelt-dist", sub("dist: triangular", "dist: triangle"), "did you mean 'triangular'", 14),
    ("uncertain-out-of-range", sub("low: 0.5, high: 0.9", "low: 0.1, high: 0.9"),
     "outside the documented range", 12),
    ("uncertain-and-overridden", sub("minsk.economy_weight: 0.6", "minsk.sovereignty_weight: 0.6"),
     "both overridden and uncertain", 12),
    ("path-out-of-bounds", sub("[2021-06, 0.7]", "[2021-06, 1.7]"), "outside [0.0, 1.0]", 19),
    ("path-out-of-order", sub("[[2020-01, 0.5], [2021-06, 0.7]]", "[[2021-06, 0.7], [2020-01, 0.5]]"),
     "time order", 19),
    ("path-unknown", sub("  tension: [[", "  gdp: [["), "'tension'", 19),
    ("trigger-unknown-variable", sub("variable: protest_share", "variable: protests"),
     "unknown state variable 'protests'", 28),
    ("trigger-two-tests", sub("above: 0.05}", "above: 0.05, below: 0.9}"), "exactly one of", 28),
    ("trigger-no-test", sub("{variable: protest_share, above: 0.05}", "{variable: protest_share}"),
     "exactly one of", 28),
    ("trigger-no-all-any", sub("      all:\n        - {variable: protest_share, above: 0.05}\n", ""),
     "exactly one of 'all' or 'any'", 26),
    ("trigger-then-month", sub("then: {type: unrest,", "then: {month: 3, type: unrest,"),
     "must not have a month", 30),
    ("trigger-then-round", sub("then: {type: unrest, kind: economic, months: 3}",
                               "then: {type: roadmap_round, deadline: 5}"),
     "cannot carry a fixed deadline", 30),
    ("trigger-window-outside", sub("      for_months: 2\n", "      for_months: 2\n    window: [2020-01, 2030-01]\n"),
     "outside the scenario", 30),
    ("trigger-for-zero", sub("for_months: 2", "for_months: 0"), "greater than or equal to 1", 29),
    ("trigger-negative-cooldown", sub("  - id: t1\n", "  - id: t1\n    cooldown: -2\n"),
     "greater than or equal to 0", 26),
    ("duplicate-key", sub("horizon: 24", "horizon: 24\nhorizon: 12"), "duplicate key 'horizon'", 6),
    ("sampler-unknown", sub("sampler: lhs", "sampler: sobol"), "'mc' or 'lhs'", 8),
    ("name-with-spaces", sub("name: corpus", "name: my corpus"), "should match pattern", 1),
    ("event-id-spaces", sub("{id: round,", "{id: the round,"), "should match pattern", 21),
    ("exercise-no-troops", sub("{month: 2020-08, type: election, kind: presidential}",
                               "{month: 2020-08, type: exercise, russian_troops_k: 0}"),
     "greater than 0", 22),
    ("merge-key", "base: &b {horizon: 24}\nother:\n  <<: *b\n", "merge keys", 3),
    ("remove-without-extends", sub("sampler: lhs", "sampler: lhs\nremove: [round]"),
     "only makes sense with 'extends'", 9),
    # inputs retired for measured ones: the error names the replacement and its unit
    ("retired-challengers", sub("type: election, kind: presidential}",
                                "type: election, kind: presidential, challengers: 1.0}"),
     "replaced by `serious_challengers`: the number of serious challengers", 22),
    ("retired-unrest-sizes", sub("then: {type: unrest, kind: economic, months: 3}",
                                 "then: {type: unrest, grievance: 0.2, months: 3}"),
     "replaced by `kind`: economic", 30),
    ("mishandled-degree", sub("cut_bn: 0.35}", "cut_bn: 0.35}\n"
                              "  - {month: 2020-03, type: economic_shock, mishandled: 0.5}"),
     "`mishandled` is yes/no", 24),
]


def write(tmp_path, text, name="broken.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return f


def test_the_valid_base_is_valid(tmp_path):
    assert load_scenario(write(tmp_path, VALID, "valid.yaml")).spec.name == "corpus"


def test_the_corpus_is_large_enough():
    assert len(CASES) + len(EXTENDS_CASES) >= 50
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case_id,text,fragment,line", CASES, ids=[c[0] for c in CASES])
def test_each_broken_file_gets_one_clear_error(tmp_path, case_id, text, fragment, line):
    f = write(tmp_path, text)
    with pytest.raises(UnionsimError) as e:
        load_scenario(f)
    message = str(e.value)
    assert fragment in message, message
    assert str(f) in message  # the file is named
    if line is not None:
        assert e.value.line == line, message
        assert f":{line}:" in message


@pytest.mark.parametrize("text", [
    sub("sources:\n  - {doc: marin2020, facts: [L6, U13]}\n", ""),
    sub("sources:\n  - {doc: marin2020, facts: [L6, U13]}", "sources: []"),
], ids=["omitted", "empty"])
def test_a_scenario_without_sources_warns(tmp_path, text):
    from unionsim.errors import UnionsimWarning

    f = write(tmp_path, text)
    with pytest.warns(UnionsimWarning, match="no provenance") as caught:
        loaded = load_scenario(f)
    assert loaded.spec.sources == []
    assert str(f) in str(caught[0].message)


def test_a_scenario_with_sources_does_not_warn(tmp_path):
    import warnings

    from unionsim.errors import UnionsimWarning

    with warnings.catch_warnings():
        # VALID starts in 2020 without `initial:`, which warns for its own reason; this test is
        # about the sources warning only
        warnings.filterwarnings("error", message=".*no provenance", category=UnionsimWarning)
        load_scenario(write(tmp_path, VALID))


EXTENDS_CASES = [
    ("cycle", {"a.yaml": "extends: b.yaml", "b.yaml": "extends: a.yaml"}, "a.yaml",
     "circular extends"),
    ("self", {"a.yaml": "extends: a.yaml"}, "a.yaml", "circular extends"),
    ("missing-parent", {"a.yaml": "extends: nowhere.yaml"}, "a.yaml", "no such scenario"),
    ("remove-unknown", {"p.yaml": None, "a.yaml": "extends: p.yaml\nremove: [rond]"}, "a.yaml",
     "did you mean 'round'"),
    ("extends-not-text", {"a.yaml": "extends: [p.yaml]"}, "a.yaml", "extends must name"),
]


@pytest.mark.parametrize("case_id,files,target,fragment", EXTENDS_CASES,
                         ids=[c[0] for c in EXTENDS_CASES])
def test_broken_extends_chains(tmp_path, case_id, files, target, fragment):
    for name, extra in files.items():
        if extra is None:
            write(tmp_path, VALID, name)
        else:
            write(tmp_path, f"name: {name[0]}\ntitle: chain {name}\ndescription: a link in a "
                            f"chain of scenarios\n{extra}\n", name)
    with pytest.raises(UnionsimError) as e:
        load_scenario(tmp_path / target)
    assert fragment in str(e.value) or fragment in (e.value.hint or "")


@pytest.mark.parametrize("case_id,text,fragment,line", CASES[::6], ids=[c[0] for c in CASES[::6]])
def test_the_cli_reports_without_traceback(tmp_path, case_id, text, fragment, line, capsys):
    from unionsim.cli import main
    import sys

    f = write(tmp_path, text)
    argv, sys.argv = sys.argv, ["unionsim", "validate", str(f)]
    try:
        with pytest.raises(SystemExit) as e:
            main()
    finally:
        sys.argv = argv
    out = capsys.readouterr()
    assert e.value.code == 2
    assert fragment in out.err and "Traceback" not in out.err + out.out


# --------------------------------------------------------------------------- property-based

BASE = yaml.safe_load(VALID)
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10, 10_000), st.floats(allow_nan=True),
                 st.text(max_size=12), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def paths(node, here=()):
    yield here
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, here + (i,))


ALL_PATHS = [p for p in paths(BASE) if p]


def mutate(data, path, action, junk):
    import copy

    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    last = path[-1]
    if action == "replace":
        node[last] = junk
    elif action == "delete":
        del node[last]
    elif action == "add" and isinstance(node, dict):
        node[f"extra_{last}"] = junk
    return data


# a mutant without sources loads with a warning (tested above); here only errors matter
@pytest.mark.filterwarnings("ignore::unionsim.errors.UnionsimWarning")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ALL_PATHS), action=st.sampled_from(["replace", "delete", "add"]),
       junk=JUNK)
def test_random_mutations_are_accepted_or_rejected_cleanly(tmp_path, path, action, junk):
    data = mutate(BASE, path, action, junk)
    f = tmp_path / "mutant.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        load_scenario(f)
    except UnionsimError as exc:
        assert str(f) in str(exc)
