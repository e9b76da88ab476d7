"""The explorer's controller and exports, without a browser (`unionsim.app.session`, `.export`).

The page itself is tested in a real browser in test_app_e2e.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from unionsim.app.export import write_exports
from unionsim.app.session import (APP_MAX_CHUNK, FIRST_CHUNK, EarlyPartsExecutor, Session,
                                  error_text, parameter_infos)
from unionsim.config.params import default_parameters
from unionsim.config.scenario import load_scenario
from unionsim.config.validate import validate_file
from unionsim.errors import ParameterError
from unionsim.experiment.batch import run_batch
from unionsim.experiment.work import guided_chunks

SCENARIO = "zapad_2017"    # the shortest shipped scenario that samples parameters per run
SAMPLED = "putin.reactivity"
FIXED = "minsk.economy_weight"


class _FakeExecutor:
    name, workers = "fake", 2


def test_rechunking_gives_small_first_parts_and_keeps_every_run_once():
    runs = [r for r in range(300) if r not in (40, 41, 200)]   # gaps, as on --resume
    chunks = EarlyPartsExecutor(_FakeExecutor()).rechunk(guided_chunks(runs, 2))
    assert [len(c) for c in chunks[:1]] == [FIRST_CHUNK]
    assert sorted(r for c in chunks for r in c) == runs
    assert max(len(c) for c in chunks) <= APP_MAX_CHUNK
    for chunk in chunks:   # a chunk never spans a gap (each part is a range of runs)
        assert chunk == list(range(chunk[0], chunk[-1] + 1))


def test_controls_show_the_scenarios_values_and_provenance():
    loaded = load_scenario(SCENARIO)
    infos = {i.name: i for i in parameter_infos(loaded)}
    assert set(infos) == set(default_parameters().specs)
    assert infos[SAMPLED].sampled and not infos[FIXED].sampled
    spec = default_parameters().specs[FIXED]
    assert (infos[FIXED].low, infos[FIXED].high, infos[FIXED].unit) == (*spec.range, spec.unit)
    assert infos[FIXED].group == "minsk" and infos[FIXED].sources
    assert infos[FIXED].low <= infos[FIXED].value <= infos[FIXED].high


def test_bad_input_gives_the_clis_error_text_and_changes_nothing(tmp_path):
    session = Session(runs_dir=tmp_path)
    assert session.choose_scenario(SCENARIO)
    assert session.set_value(FIXED, 0.7)
    assert not session.set_value(FIXED, 99.0)
    with pytest.raises(ParameterError) as cli_error:   # what `--set` raises, printed by the CLI
        default_parameters().with_values({FIXED: 99.0}, "--set")
    assert session.error == f"error: {cli_error.value}"
    assert "fix: choose a value in" in session.error
    assert session.tweaks == {FIXED: 0.7}
    assert not session.set_from_text("minsk.economy_weigh=0.5")
    assert "did you mean 'minsk.economy_weight'" in session.error
    assert not session.set_from_text("minsk.economy_weight=lots")
    assert "is not a number" in session.error

    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ntitle: Broken\nhorizon: [\n")
    assert not session.choose_scenario(str(broken))
    assert session.error.startswith(f"error: {broken}:")
    assert session.loaded.name == SCENARIO and session.tweaks == {FIXED: 0.7}
    assert session.start_batch(0, 1) is None and "--runs must be at least 1" in session.error


@pytest.mark.slow
def test_exported_files_reproduce_the_apps_batch_and_the_comparison_is_paired(tmp_path):
    session = Session(runs_dir=tmp_path / "app")
    assert session.choose_scenario(SCENARIO)
    reference = session.start_batch(10, 5, executor="serial")
    assert reference.wait(300) and reference.status == "complete", reference.error
    assert session.pin()
    assert session.set_value(SAMPLED, 0.5) and session.set_value(FIXED, 0.7)
    batch = session.start_batch(10, 5, executor="serial")
    assert batch.wait(300) and batch.status == "complete", batch.error
    assert batch.partial is not None and batch.done == 10

    diff = session.comparison()
    assert diff.pairs == 10 and diff.paired_outcomes is not None

    overlay, scenario = session.export()
    assert overlay.parent == batch.folder == scenario.parent
    assert validate_file(overlay) == "parameter overlay"
    assert validate_file(scenario) == "scenario"
    from_scenario = run_batch(str(scenario), runs=10, seed=5, out=tmp_path / "s",
                              executor="serial")
    from_overlay = run_batch(SCENARIO, runs=10, seed=5, out=tmp_path / "o",
                             param_files=[overlay], executor="serial")
    app_bytes = (batch.folder / "outcomes.parquet").read_bytes()
    assert (from_scenario / "outcomes.parquet").read_bytes() == app_bytes
    assert (from_overlay / "outcomes.parquet").read_bytes() == app_bytes
    rows = pd.read_parquet(batch.folder / "outcomes.parquet")
    assert f"param.{SAMPLED}" not in rows    # a tweak fixes a parameter the scenario samples
    assert f"param.{SAMPLED}" in pd.read_parquet(reference.folder / "outcomes.parquet")
    assert session.results(session.reference) is not None   # the pinned batch is kept

    trace = session.trace(3)       # one run on demand, replayed from the folder
    seed = int(rows.loc[rows["run"] == 3, "seed"].iloc[0])
    assert f"seed {seed}" in trace[1] and len(trace) > 24
    assert session.trace(99)[0].startswith("error: ") and "no run 99" in session.trace(99)[0]
    report = session.report()      # `unionsim report` of the reference and the current batch
    html = report.read_text(encoding="utf-8")
    assert report.parent == batch.folder and html.count("<h2>") >= 2
    assert diff.label_a in html and diff.label_b in html


def test_export_without_a_batch_has_the_controls_tweaks(tmp_path):
    overlay, scenario = write_exports(SCENARIO, {}, tmp_path)
    assert overlay is None and validate_file(scenario) == "scenario"
    loaded = load_scenario(scenario)
    assert loaded.spec.overrides == load_scenario(SCENARIO).spec.overrides


def test_cancel_keeps_the_finished_runs_and_resume_finishes_the_batch(tmp_path):
    session = Session(runs_dir=tmp_path)
    assert session.choose_scenario(SCENARIO) and session.set_value(FIXED, 0.7)
    batch = session.start_batch(12, 2, executor="serial")
    batch.cancel()   # takes effect when the first part is stored
    assert batch.wait(300) and batch.status == "cancelled", batch.error
    assert 0 < batch.done < 12 and len(batch.partial) == batch.done
    assert session.results(batch) is None and session.batches == []
    finished = run_batch(SCENARIO, runs=12, seed=2, out=batch.folder, sets={FIXED: 0.7},
                         resume=True, executor="serial")
    whole = run_batch(SCENARIO, runs=12, seed=2, out=tmp_path / "whole", sets={FIXED: 0.7},
                      executor="serial")
    assert (Path(finished) / "outcomes.parquet").read_bytes() == \
        (whole / "outcomes.parquet").read_bytes()


def test_unexpected_failures_are_reported_not_raised():
    assert error_text(ValueError("boom")).startswith("error: ValueError: boom")
