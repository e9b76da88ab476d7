"""The README cannot drift from the code: the outcomes it lists, the shipped scenarios it names
and counts, and the files `unionsim plot` writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from unionsim.config.scenario import load_scenario, shipped_scenarios
from unionsim.model.outcomes import OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _section(start: str, end: str) -> str:
    text = README[README.index(start):]
    return text[:text.index(end)]


def test_the_readme_lists_exactly_the_outcomes_in_their_precedence():
    prose = _section("Outcomes, in order of precedence", "Flags that may co-occur")
    assert tuple(re.findall(r"`([a-z_]+)`", prose)) == OUTCOMES


def test_the_readme_names_and_counts_every_shipped_scenario():
    section = _section("## Scenarios", "## Reading the results")
    names = sorted(load_scenario(p).name for p in shipped_scenarios())
    listed = re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M)
    assert sorted(listed) == names
    assert section.split("\n", 3)[2].startswith(f"{len(names)} scenarios ship in `scenarios/`")
    for name in names:
        title = load_scenario(name).spec.title
        assert f"| `{name}` | {title} |" in section, name


def _plot_row() -> str:
    return next(line for line in README.splitlines() if line.startswith("| `unionsim plot"))


def test_the_readme_names_every_figure_plot_writes_and_the_no_timeseries_set():
    from unionsim.analysis.figures import FOLDER_FIGURES, SERIES_FIGURES

    row = _plot_row()
    named = re.findall(r"`([a-z_]+\.png)`", row)
    assert set(named) == {f"{n}.png" for n in FOLDER_FIGURES}
    without = row[row.index("--no-timeseries"):]
    assert set(re.findall(r"`([a-z_]+\.png)`", without)) == {
        f"{n}.png" for n in FOLDER_FIGURES if n not in SERIES_FIGURES}


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    from unionsim.experiment.batch import run_batch

    return run_batch("baseline", runs=3, seed=1, executor="serial",
                     out=tmp_path_factory.mktemp("readme") / "b")


@pytest.mark.slow
def test_plot_writes_exactly_the_files_the_readme_names(tiny_folder, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from unionsim.analysis.figures import plot_folder

    written = {p.name for p in plot_folder(tiny_folder, tmp_path / "plots")}
    assert written == set(re.findall(r"`([a-z_]+\.png)`", _plot_row()))
    # and nothing else but the folder's marker, which the README names too
    assert "`.unionsim-plots`" in _plot_row()
    assert written | {".unionsim-plots"} == {p.name for p in (tmp_path / "plots").iterdir()}
