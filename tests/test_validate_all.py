"""`unionsim validate` reports every problem of a file at once: each schema error and each
cross-check (unknown names, values out of range, months outside the scenario), with its file,
line, field and fix, and exits 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from unionsim.config.scenario import load_scenario
from unionsim.config.validate import validate_file
from unionsim.errors import ConfigError, ProblemsError

BROKEN = textwrap.dedent("""\
    name: broken
    title: A scenario with many problems
    description: Every kind of mistake a user makes, in one file.
    start: 2020-01
    horizon: 24
    colour: blue
    sources:
      - {doc: marin2020, facts: [L6]}
    overrides:
      minsk.sovereignty_wieght: 0.8
      putin.reactivity: 7.0
    uncertainty:
      public.militancy: {dist: uniform, low: 0.01, high: 0.9}
    initial:
      sanctions_level: 9
      no_such_variable: 0.3
    events:
      - {month: 2023-05, type: election}
    triggers:
      - id: t1
        when: {all: [{variable: protest_shar, above: 0.1}]}
        then: {type: sanctions_package}
    """)

#: (line, words the problem's message names) for every problem in BROKEN.
EXPECTED = [
    (6, "colour"),
    (10, "unknown parameter 'minsk.sovereignty_wieght'"),
    (11, "value 7.0 is outside the documented range"),
    (13, "low 0.01 is outside the documented range"),
    (13, "high 0.9 is outside the documented range"),
    (15, "sanctions_level is outside its domain"),
    (16, "unknown state variable 'no_such_variable'"),
    (18, "2023-05"),
    (21, "unknown state variable 'protest_shar'"),
]


@pytest.fixture
def broken(tmp_path):
    f = tmp_path / "broken.yaml"
    f.write_text(BROKEN)
    return f


def test_every_problem_of_a_scenario_is_reported_at_once(broken):
    with pytest.raises(ProblemsError) as caught:
        load_scenario(broken)
    problems = caught.value.problems
    assert len(problems) == len(EXPECTED), [str(p) for p in problems]
    for line, words in EXPECTED:
        found = [p for p in problems if p.line == line]
        assert found, f"no problem reported at line {line} ({words})"
        assert any(words in str(p) for p in found), (line, [str(p) for p in found])
    for p in problems:
        assert p.file == str(broken) and p.field and "fix:" in str(p), str(p)


def test_validate_prints_them_all_and_exits_2(broken):
    from unionsim.cli import app

    result = CliRunner().invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2
    text = result.output
    assert f"{len(EXPECTED)} problems in {broken}" in text
    for line, _ in EXPECTED:
        assert f"{broken}:{line}:" in text, line
    assert text.count("fix:") == len(EXPECTED)
    assert "Traceback" not in text


def test_one_problem_reads_as_before(tmp_path):
    f = tmp_path / "one.yaml"
    f.write_text(BROKEN.split("colour")[0] + "sources:\n  - {doc: marin2020, facts: [L6]}\n"
                 "overrides:\n  putin.reactivity: 7.0\n")
    with pytest.raises(ConfigError) as caught:
        validate_file(f)
    assert not isinstance(caught.value, ProblemsError)
    assert caught.value.line == 9 and "outside the documented range" in str(caught.value)


def test_every_problem_of_an_overlay_is_reported_at_once(tmp_path):
    f = tmp_path / "overlay.yaml"
    f.write_text("title: t\nvalues:\n  putin.reactivity: 7.0\n  minsk.nope: 0.2\n"
                 "  minsk.sovereignty_weight: -1\n  putin.choice_temperature: high\n")
    with pytest.raises(ProblemsError) as caught:
        validate_file(f)
    # the short title and the word are the schema's; the names and ranges are cross-checks
    assert sorted(p.line for p in caught.value.problems) == [1, 3, 4, 5, 6]


def test_problems_are_listed_in_file_order(broken):
    with pytest.raises(ProblemsError) as caught:
        load_scenario(broken)
    lines = [p.line for p in caught.value.problems]
    assert lines == sorted(lines)


def test_an_entry_after_a_rejected_one_keeps_its_index_and_line(tmp_path):
    # the bad month of events[2] is found only once events[0] is left out; it must still be
    # called events[2], at its own line
    f = tmp_path / "events.yaml"
    f.write_text(BROKEN.split("colour")[0] + "sources:\n  - {doc: marin2020, facts: [L6]}\n"
                 "events:\n"
                 "  - {month: 2020-03, type: no_such_event}\n"
                 "  - {month: 2020-04, type: election}\n"
                 "  - {month: 2023-05, type: election}\n")
    with pytest.raises(ProblemsError) as caught:
        validate_file(f)
    problems = caught.value.problems
    assert [p.line for p in problems] == [9, 11], [str(p) for p in problems]
    assert "no_such_event" in str(problems[0])
    assert problems[1].field == "events[2].month"
    assert "events[2]" in problems[1].detail and "events[1]" not in problems[1].detail


def test_run_reports_every_problem_of_a_params_file_and_writes_nothing(tmp_path):
    f = tmp_path / "overlay.yaml"
    f.write_text("title: t\nvalues:\n  putin.reactivity: 7.0\n  minsk.nope: 0.2\n")
    out = tmp_path / "res"
    result = subprocess.run([sys.executable, "-m", "unionsim", "run", "baseline", "--params",
                             str(f), "--runs", "2", "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert f"3 problems in {f}" in result.stderr
    for line in (1, 3, 4):
        assert f"{f}:{line}:" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
