"""Loaders: every bad input gives one UnionsimError naming the file, the line and the field."""

import textwrap
from pathlib import Path

import pytest

from unionsim.config.params import (apply_overlay_file, default_parameters,
                                    load_parameter_specs, parse_set_options, resolve_parameters)
from unionsim.config.scenario import load_scenario
from unionsim.config.validate import validate_file
from unionsim.errors import ConfigError, InputFileError, ParameterError, UsageError

GOOD = textwrap.dedent("""\
    name: tiny
    title: A tiny scenario
    description: Two years with one election.
    start: 2020-01
    horizon: 24
    sources:
      - {doc: marin2020, facts: [L6]}
    events:
      - {month: 2020-08, type: election}
    """)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    f = tmp_path / name
    f.write_text(textwrap.dedent(text))
    return f


def test_the_good_scenario_loads(tmp_path):
    s = load_scenario(write(tmp_path, GOOD))
    assert s.spec.horizon == 24 and s.spec.month_of("2020-08") == 8


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError) as e:
        load_scenario(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(e.value) and "not found" in str(e.value)


def test_malformed_yaml_names_the_line(tmp_path):
    f = write(tmp_path, GOOD + "events: [\n  {month: 3, type: election\n")
    with pytest.raises(InputFileError) as e:
        load_scenario(f)
    assert e.value.line is not None and e.value.line >= 10 and "malformed YAML" in str(e.value)


def test_unknown_key_suggests_the_right_one(tmp_path):
    f = write(tmp_path, GOOD.replace("horizon: 24", "horizon: 24\nhorizn: 12"))
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    msg = str(e.value)
    assert e.value.line == 6 and e.value.field == "horizn"
    assert "unknown key 'horizn'" in msg and "did you mean 'horizon'" in msg


def test_misspelt_event_type(tmp_path):
    f = write(tmp_path, GOOD.replace("type: election", "type: elektion"))
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    assert e.value.line == 9 and "did you mean 'election'" in str(e.value)


def test_unknown_event_field_names_its_line(tmp_path):
    f = write(tmp_path, GOOD.replace("type: election}", "type: election, knd: x}"))
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    assert e.value.line == 9 and "unknown key 'knd'" in str(e.value)
    assert "kind" in str(e.value)


def test_wrong_type(tmp_path):
    f = write(tmp_path, GOOD.replace("horizon: 24", "horizon: two years"))
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    assert e.value.line == 5 and e.value.field == "horizon"
    assert "integer" in str(e.value) and "two years" in str(e.value)


def test_month_outside_the_horizon(tmp_path):
    f = write(tmp_path, GOOD.replace("month: 2020-08", "month: 2023-08"))
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    assert "outside the scenario" in str(e.value) and "2021-12" in str(e.value)


def test_bad_month_format(tmp_path):
    f = write(tmp_path, GOOD.replace("month: 2020-08", "month: August"))
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    assert "YYYY-MM" in str(e.value) and e.value.line == 9


def test_fact_not_in_the_cited_document(tmp_path):
    f = write(tmp_path, GOOD.replace("{doc: marin2020, facts: [L6]}",
                                     "{doc: carnegie2019, facts: [L6]}"))
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    assert "L6 is not supported by carnegie2019" in str(e.value) and e.value.line == 7


def test_unknown_override_and_out_of_range_override(tmp_path):
    f = write(tmp_path, GOOD + "overrides:\n  minsk.sovereignty_wieght: 0.5\n")
    with pytest.raises(ParameterError) as e:
        load_scenario(f)
    assert e.value.line == 11 and "minsk.sovereignty_weight" in e.value.hint
    f = write(tmp_path, GOOD + "overrides:\n  minsk.sovereignty_weight: 1.5\n")
    with pytest.raises(ParameterError) as e:
        load_scenario(f)
    assert e.value.line == 11 and "[0.4, 0.95]" in str(e.value)


def test_duplicate_keys_are_rejected(tmp_path):
    f = write(tmp_path, GOOD + "horizon: 12\n")
    with pytest.raises(ConfigError) as e:
        load_scenario(f)
    assert "duplicate key 'horizon'" in str(e.value) and e.value.line == 10


def test_a_parameter_without_a_source_is_an_error(tmp_path):
    f = write(tmp_path, """\
        minsk:
          weight:
            value: 0.5
            range: [0, 1]
            unit: utils
            meaning: a parameter that cites nothing at all
            basis: judgement
            support: direction
            claim: the documents give the sign of this weight
            sources: []
        """)
    with pytest.raises(ConfigError) as e:
        load_parameter_specs(f)
    assert e.value.field == "minsk.weight.sources" and e.value.line == 10


def test_a_parameter_must_say_how_its_sources_bear_on_it(tmp_path):
    f = write(tmp_path, """\
        minsk:
          weight:
            value: 0.5
            range: [0, 1]
            unit: utils
            meaning: a parameter that does not say its support
            basis: judgement
            sources: [{doc: marin2020, facts: [MIN-09]}]
        """)
    with pytest.raises(ConfigError) as e:
        load_parameter_specs(f)
    assert e.value.field == "minsk.weight.support"


def test_a_default_outside_its_range_is_an_error(tmp_path):
    f = write(tmp_path, """\
        g:
          x:
            value: 2
            range: [0, 1]
            unit: utils
            meaning: a value outside its own range
            basis: judgement
            support: assumption
            sources: [{doc: marin2020, facts: [MIN-09]}]
        """)
    with pytest.raises(ConfigError) as e:
        load_parameter_specs(f)
    assert "outside its range" in str(e.value) and e.value.line == 3


def test_every_default_parameter_is_documented(defaults):
    assert len(defaults.specs) > 150
    for name, spec in defaults.specs.items():
        # an honest assumption may cite nothing (issue 10); everything else cites its sources
        assert spec.sources or spec.support == "assumption", name
        assert spec.unit and len(spec.meaning) >= 10, name
        if spec.support in ("value", "direction"):
            assert spec.sources and spec.claim, name
        lo, hi = spec.range
        assert lo <= spec.value <= hi, name


def test_overlays_change_only_what_they_name(tmp_path):
    f = write(tmp_path, """\
        title: test overlay
        values:
          minsk.sovereignty_weight: 0.5
        """)
    p = apply_overlay_file(default_parameters(), f)
    assert p["minsk.sovereignty_weight"] == 0.5
    assert p.changed() == {"minsk.sovereignty_weight": 0.5}
    assert p.origin["minsk.sovereignty_weight"] == str(f)


def test_overlay_errors_name_the_line(tmp_path):
    f = write(tmp_path, """\
        title: test overlay
        values:
          minsk.sovereignty_weight: 0.5
          putin.reactivty: 0.2
        """)
    with pytest.raises(ParameterError) as e:
        apply_overlay_file(default_parameters(), f)
    assert e.value.line == 4 and "putin.reactivity" in e.value.hint
    f = write(tmp_path, "title: x\nvalues:\n  putin.reactivity: yes\n")
    with pytest.raises(ConfigError) as e:
        apply_overlay_file(default_parameters(), f)
    assert "number" in str(e.value)


def test_shipped_overlays_take_documented_positions():
    shipped = sorted(Path("params").glob("*.yaml"))
    # the full parameter files: the model's defaults and the polls' measurement offsets
    full = {"default.yaml", "poll_offsets.yaml"}
    assert {f.name for f in shipped if validate_file(f) == "parameter file"} == full
    overlays = [f for f in shipped if f.name not in full]
    assert len(overlays) >= 4
    disputes = set()
    for f in overlays:
        assert validate_file(f) == "parameter overlay"
        from unionsim.config.params import load_overlay
        overlay, _ = load_overlay(f)
        assert overlay.position is not None, f
        disputes.add(overlay.position.dispute)
    assert {"D1", "D6"} <= disputes


def test_set_options_are_parsed_and_checked():
    assert parse_set_options(["a.b=0.5", " c.d = 2"]) == {"a.b": 0.5, "c.d": 2.0}
    with pytest.raises(UsageError):
        parse_set_options(["minsk.sovereignty_weight"])
    with pytest.raises(UsageError):
        parse_set_options(["minsk.sovereignty_weight=high"])
    with pytest.raises(ParameterError) as e:
        resolve_parameters(sets={"minsk.sovereignty_weight": 2.0})
    assert "--set" in str(e.value)


def test_users_win_over_scenario_overrides(tmp_path):
    f = write(tmp_path, GOOD + "overrides:\n  minsk.sovereignty_weight: 0.5\n")
    s = load_scenario(f)
    assert s.parameters()["minsk.sovereignty_weight"] == 0.5
    assert s.parameters(sets={"minsk.sovereignty_weight": 0.9})["minsk.sovereignty_weight"] == 0.9


def test_all_shipped_files_validate():
    for f in sorted(Path("scenarios").glob("*.yaml")) + sorted(Path("params").glob("*.yaml")):
        assert validate_file(f) in ("scenario", "parameter overlay", "parameter file")
