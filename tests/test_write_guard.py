"""The write guard (`unionsim.guard`) and the commands that go through it.

The guard's rules one by one (links, locks, markers, layouts, `~`, shared names), then what the
issue found in the commands: a calibration resumed from another fit's database, a posterior
whose bad particle only a large batch would draw, a named calibration report whose figures
landed in the user's folder. The adversarial corpus (tests/adversarial/corpus.py) runs the
same rules through the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from unionsim.errors import ResultsError, UnionsimError, UsageError
from unionsim.guard import (check_named_output, check_out_dir, claim_folder, distinct_outputs,
                            folder_lock, is_unionsim_png, mark_folder, remove_layout, user_path,
                            write_bytes)


def digest(root: Path) -> dict[str, str]:
    """Every entry under ``root``: a file's hash, a link's target, or 'dir'."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            key = str(p.relative_to(root))
            if p.is_symlink():
                out[key] = "-> " + os.readlink(p)
            elif p.is_file():
                out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[key] = "dir"
    return out


@pytest.fixture
def world(tmp_path, monkeypatch):
    (tmp_path / "home").mkdir()
    (tmp_path / "thesis.tex").write_text("\\chapter{Minsk}\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n.txt").write_text("interviews\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


# --------------------------------------------------------------------------- the guard's rules

def test_a_file_is_never_written_through_a_link(world):
    out = world / "out"
    out.mkdir()
    before = digest(world / "notes"), (world / "thesis.tex").read_text()
    for target in (world / "thesis.tex", world / "gone.txt"):
        (out / "report.html").unlink(missing_ok=True)
        os.symlink(target, out / "report.html")
        with pytest.raises(ResultsError, match="symbolic link"):
            write_bytes(out, "report.html", b"<html>")
    assert not (world / "gone.txt").exists()
    assert (digest(world / "notes"), (world / "thesis.tex").read_text()) == before
    os.symlink(world / "notes", out / "plots")
    with pytest.raises(ResultsError, match="plots is a symbolic link"):
        write_bytes(out, "plots/outcomes.png", b"png")
    assert digest(world / "notes") == before[0]


@pytest.mark.parametrize("how", ["symlink", "hardlink", "fifo"])
def test_a_lock_that_is_a_link_or_a_pipe_is_refused_and_its_target_untouched(world, how):
    folder = world / "res"
    folder.mkdir()
    lock = folder / ".unionsim.lock"
    {"symlink": lambda: os.symlink(world / "thesis.tex", lock),
     "hardlink": lambda: os.link(world / "thesis.tex", lock),
     "fifo": lambda: os.mkfifo(lock)}[how]()
    with pytest.raises(ResultsError, match=".unionsim.lock"):
        with folder_lock(folder):
            pass
    assert (world / "thesis.tex").read_text() == "\\chapter{Minsk}\n"


def test_deleting_follows_the_layout_only_and_refuses_links_before_deleting_anything(world):
    folder = world / "res"
    (folder / "plots").mkdir(parents=True)
    for name in ("manifest.json", "outcomes.parquet", "my_notes.txt", "plots/a.png",
                 "plots/mine.txt"):
        (folder / name).write_text("x")
    layout = {"manifest.json": None, "outcomes.parquet": None, "plots": {"*.png": None}}
    os.symlink(world / "thesis.tex", folder / "outcomes.parquet.link")
    kept = remove_layout(folder, layout)
    assert sorted(digest(folder)) == ["my_notes.txt", "outcomes.parquet.link", "plots",
                                      "plots/mine.txt"]
    assert kept == [folder / "plots"]
    (folder / "manifest.json").write_text("x")
    os.symlink(world / "notes", folder / "outcomes.parquet")
    with pytest.raises(ResultsError, match="outcomes.parquet is a symbolic link"):
        remove_layout(folder, layout)
    assert (folder / "manifest.json").exists(), "nothing is deleted once a link is found"
    assert digest(world / "notes") == {"n.txt": hashlib.sha256(b"interviews\n").hexdigest()}


def test_folders_are_claimed_by_their_marker(world):
    assert claim_folder(world / "new", "plots") == (world / "new", "new")
    mark_folder(world / "figs", "plots")
    assert claim_folder("figs", "plots")[1] == "ours"
    with pytest.raises(ResultsError, match="folder of figures of `unionsim plot`, not a "
                                           "calibration folder"):
        claim_folder("figs", "calibration")
    with pytest.raises(ResultsError, match="did not write"):
        claim_folder("notes", "plots")
    assert claim_folder("notes", "plots", legacy=lambda p: True)[1] == "ours"


def test_tilde_means_the_home_folder_and_odd_names_are_refused(world):
    assert user_path("~/res") == world / "home" / "res"
    assert check_out_dir("~/res") == world / "home" / "res"
    for bad, message in (("~", "home folder"), ("", "empty"), ("res\udcff", "UTF-8"),
                         ("~nosuchuser_x/res", "home folder")):
        with pytest.raises(UnionsimError, match=message):
            check_out_dir(bad)
    os.symlink(world, world / "here")
    with pytest.raises(ResultsError, match="working directory"):
        check_out_dir("here")   # a link to the working directory is the working directory


def test_named_outputs_replace_only_files_the_command_wrote_and_never_each_other(world):
    ours = lambda p: p.read_text().startswith("# written")  # noqa: E731
    (world / "mine.md").write_text("# my chapter\n")
    (world / "old.md").write_text("# written before\n")
    assert check_named_output("old.md", "--report", what="a report", suffixes=(".md",),
                              ours=ours) == Path("old.md")
    with pytest.raises(ResultsError, match="mine.md already exists and is not a report"):
        check_named_output("mine.md", "--report", what="a report", suffixes=(".md",), ours=ours)
    with pytest.raises(UsageError, match="must end in .md"):
        check_named_output("thesis.tex", "--report", what="a report", suffixes=(".md",))
    with pytest.raises(UsageError, match="same file"):
        distinct_outputs({"--posterior": world / "x.json", "--report": Path("x.json")})


def test_figures_name_unionsim_and_other_pictures_are_not_taken_for_them(world):
    from matplotlib.figure import Figure

    from unionsim.analysis.outputs import save_figure

    fig = Figure()
    fig.add_subplot().plot([1, 2])
    ours = save_figure(fig, world, "a.png")
    (world / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert is_unionsim_png(ours) and not is_unionsim_png(world / "b.png")
    assert not is_unionsim_png(world / "thesis.tex")


# --------------------------------------------------------------------------- the cases

def test_resume_and_force_never_touch_what_a_link_inside_the_folder_leads_to(world, baseline):
    from unionsim.experiment.batch import run_plan
    from unionsim.experiment.plan import make_plan

    plan = make_plan(baseline, runs=4, seed=2)
    out = run_plan(plan, world / "res", executor="serial")
    (world / "notes" / "part-0000000-0000003.ts.parquet").write_text("the user's data")
    before = digest(world / "notes")
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}))
    os.symlink(world / "notes", out / "parts")
    for kwargs in ({"resume": True}, {"force": True}):
        with pytest.raises(ResultsError, match="parts is a symbolic link"):
            run_plan(plan, out, executor="serial", **kwargs)
        assert digest(world / "notes") == before


def _fit_folder(world: Path, name: str, seed: int, fit_id: str) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "adversarial"))
    import corpus

    corpus.fake_fit(world / name, seed=seed, fit_id=fit_id)
    return world / name


def test_resume_refuses_another_fits_database_before_pyabc_reads_it(world):
    pytest.importorskip("pyabc")
    from unionsim.calibration.folder import fit_folder

    mine = _fit_folder(world, "fit3", 3, "a" * 16)
    other = _fit_folder(world, "fit4", 4, "b" * 16)
    shutil.copy(other / "abc.db", mine / "abc.db")
    stored = json.loads((mine / "fit.json").read_text())
    identity = {k: v for k, v in stored.items() if k not in ("database", "status")}
    before = digest(mine)
    with pytest.raises(ResultsError, match="belongs to another fit"):
        with fit_folder(mine, identity, force=False, resume=True, say=print):
            pass
    after = digest(mine)
    after.pop(".unionsim.lock")  # the lock it held while it checked
    assert after == before


@pytest.mark.slow
def test_a_real_fit_resumes_from_its_own_database_and_not_from_another_fits(tmp_path):
    """Seed 4's database copied into seed 3's folder used to be continued, and its posterior
    labelled seed 3's."""
    pytest.importorskip("pyabc")
    from unionsim.calibration.fit import FitSettings, run_fit
    from unionsim.config.targets import TargetSet, load_targets

    full = load_targets()
    targets = TargetSet(tuple(t for t in full.targets if t.scenario == "calibration_2019_2021"),
                        full.files, full.digest, full.pollsters, full.questions)
    tiny = FitSettings("tiny", population=2, replicates=1, n_parameters=2, max_populations=1,
                       max_simulations=4)
    names = ["putin.reactivity", "minsk.choice_temperature"]

    def fit(name: str, seed: int, **kw):
        return run_fit(targets, tmp_path / name, settings=tiny, seed=seed, names=names,
                       executor="serial", **kw)

    three, four = fit("three", 3), fit("four", 4)
    again = fit("three", 3, resume=True)
    pd.testing.assert_frame_equal(again.particles, three.particles)
    shutil.copy(tmp_path / "four" / "abc.db", tmp_path / "three" / "abc.db")
    with pytest.raises(ResultsError, match="belongs to another fit"):
        fit("three", 3, resume=True)
    assert four.manifest["database"]["fit_id"] != three.manifest["database"]["fit_id"]


def _posterior_frame(weights, values) -> pd.DataFrame:
    return pd.DataFrame({"particle": range(len(weights)), "weight": weights,
                         "distance": [1.0] * len(weights), "param.putin.reactivity": values})


def test_every_particle_is_checked_when_the_posterior_is_loaded(world):
    """A particle outside the documented range used to pass with --runs 2 (never drawn) and
    fail with --runs 400."""
    from unionsim.calibration.fit import write_posterior
    from unionsim.config.posterior import load_posterior

    path = write_posterior(_posterior_frame([1.0, 1.0, 1e-12], [0.2, 0.3, -4.0]),
                           {"seed": 1, "targets": {"digest": "x"}}, world / "p.parquet")
    with pytest.raises(ResultsError, match=r"particle 2 .* putin.reactivity = -4.0, outside"):
        load_posterior(path)


@pytest.mark.parametrize("text,message", [
    ("", "not valid JSON"), ("[1]", "JSON object"), ('{"seed": NaN}', "NaN"),
    ('{"seed": "x"}', "'seed' has the wrong type"), ('{"seed": 1e999}', "'seed'"),
    ('{"parameters": {"minsk.x": {}}}', "not the posterior's columns"),
    (b"\xff\xfe", "UTF-8")])
def test_a_damaged_manifest_beside_a_posterior_is_one_message(world, text, message):
    from unionsim.calibration.fit import write_posterior
    from unionsim.config.posterior import load_posterior

    path = write_posterior(_posterior_frame([0.5, 0.5], [0.2, 0.3]),
                           {"seed": 1, "targets": {"digest": "x"}}, world / "p.parquet")
    (world / "p.json").write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ResultsError, match=message):
        load_posterior(path)


def test_a_named_report_leaves_the_folder_beside_it_alone(world):
    """`--report paper/calibration.md` used to overwrite paper/figures/calibration_targets.png;
    `--posterior results.parquet` used to overwrite results.json."""
    from unionsim.calibration.fit import write_posterior
    from unionsim.calibration.folder import check_outputs
    from unionsim.calibration.report import write_report
    from unionsim.config.posterior import load_posterior
    from unionsim.config.targets import TargetSet, load_targets

    (world / "paper" / "figures").mkdir(parents=True)
    (world / "paper" / "figures" / "calibration_targets.png").write_bytes(b"my figure")
    (world / "results.json").write_text('{"mine": 1}')
    before = digest(world / "paper"), (world / "results.json").read_text()
    with pytest.raises(ResultsError, match="results.json already exists"):
        check_outputs(world / "fit", world / "results.parquet", world / "fit" / "c.md",
                      world / "fit" / "figures")
    with pytest.raises(ResultsError, match="calibration_targets.png already exists"):
        check_outputs(world / "fit", world / "fit" / "p.parquet", world / "paper" / "c.md",
                      world / "paper" / "figures")
    full = load_targets()
    targets = TargetSet(tuple(t for t in full.targets if t.id == "reserves_2019_12"),
                        full.files, full.digest)
    frame = _posterior_frame([0.5, 0.5], [0.2, 0.3]).assign(**{"measure.reserves_2019_12": 7.5})
    posterior = write_posterior(frame, {"seed": 1, "targets": {"digest": "x"}},
                                world / "fit" / "posterior.parquet")
    report = write_report(load_posterior(posterior), targets,
                          world / "paper" / "calibration.md", figures=world / "fit" / "figures")
    assert (world / "results.json").read_text() == before[1]
    assert digest(world / "paper")["figures/calibration_targets.png"] == before[0][
        "figures/calibration_targets.png"]
    assert "](../fit/figures/calibration_targets.png)" in report.read_text()
    assert sorted(digest(world / "paper")) == ["calibration.md", "figures",
                                               "figures/calibration_targets.png"]


def test_the_apps_folders_follow_the_same_rules(world):
    """The explorer's runs folder, the folders it writes into and what --force replaces in a
    batch's folder: the guard's rules, not rules of the app's own."""
    from unionsim.app.folders import check_inside, check_runs_dir
    from unionsim.experiment.store import remove_tool_entries

    assert check_runs_dir("~/app") == world / "home" / "app"
    for bad in ("~", ".", "thesis.tex", "thesis.tex/app", "~nosuchuser_x/app"):
        with pytest.raises(UnionsimError, match="--runs-dir"):
            check_runs_dir(bad)
    runs = world / "runs"
    (runs / "batch").mkdir(parents=True)
    os.symlink(world / "notes", runs / "exports")
    assert check_inside(runs / "batch", runs) == runs / "batch"
    for planted in (runs / "exports", runs / "exports" / "deeper"):
        with pytest.raises(ResultsError, match="exports is a symbolic link"):
            check_inside(planted, runs)
    with pytest.raises(ResultsError, match="outside the app's runs folder"):
        check_inside(world / "notes", runs)
    # replacing a batch's folder takes the app's exports of the old batch, never the user's file
    mark_folder(runs / "batch", "results")
    for name in ("tweaks.scenario.yaml", "tweaks.params.yaml", "my.yaml"):
        (runs / "batch" / name).write_text("x")
    remove_tool_entries(runs / "batch")
    assert sorted(os.listdir(runs / "batch")) == ["my.yaml"]
    assert digest(world / "notes") == {"n.txt": hashlib.sha256(b"interviews\n").hexdigest()}
