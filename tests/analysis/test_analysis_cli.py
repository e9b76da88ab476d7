"""The analysis commands end to end, as a user runs them (real subprocesses)."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning", "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_every_analysis_command_has_an_example():
    for command in ("plot", "compare", "sensitivity", "discover", "report"):
        r = cli(command, "--help")
        assert r.returncode == 0 and "Example: unionsim" in r.stdout, command


@pytest.mark.slow
def test_plot_compare_and_report_on_results_folders(folders, tmp_path):
    r = cli("plot", folders["base"], "--out", tmp_path / "plots")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        ".unionsim-plots", "end_states.png", "fan_charts.png", "final_distributions.png", "flag_timeline.png",
        "outcomes.png", "time_to_event.png"]

    r = cli("compare", folders["base"], folders["trad"], "--out", tmp_path / "cmp")
    assert r.returncode == 0, r.stderr
    assert "p (Fisher)" in r.stdout and "p (McNemar)" in r.stdout and "40 seeds" in r.stdout
    assert "p (Wilcoxon)" in r.stdout and "Newcombe" in r.stdout
    table = pd.read_csv(tmp_path / "cmp" / "paired_outcomes_1.csv")
    assert (table["pairs"] == 40).all() and set(table["test"]) == {"McNemar exact"}
    assert (tmp_path / "cmp" / "compare_fan_charts.png").stat().st_size > 20_000

    r = cli("report", folders["other"], "--out", tmp_path / "report.html")
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "report.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("data:image/png;base64,") == 4
    assert "30 runs completed, 0 failed; master seed 5" in html


@pytest.mark.slow
def test_sensitivity_then_discover(tmp_path):
    out = tmp_path / "morris"
    r = cli("sensitivity", "baseline", "--method", "morris", "--n", "4", "--seed", "3",
            "--param", "minsk.sovereignty_weight", "--param", "putin.reactivity",
            "--indicator", "reserves", "--out", out, "--repeats", "1")
    assert r.returncode == 0, r.stderr
    assert "12 runs" in r.stderr and "effect (pp)" in r.stdout and "D1" in r.stdout
    assert "common random numbers" in r.stdout
    ranking = pd.read_csv(out / "sensitivity" / "ranking.csv")
    assert sorted(ranking["parameter"]) == ["minsk.sovereignty_weight", "putin.reactivity"]
    indices = pd.read_csv(out / "sensitivity" / "indices.csv")
    assert "reserves" in set(indices["output"])
    # analysing the folder again runs nothing
    again = cli("sensitivity", out, "--indicator", "reserves")
    assert again.returncode == 0 and "runs" not in again.stderr
    # the same design with --resume finds the batch complete and leaves the results as they were
    before = (out / "outcomes.parquet").read_bytes()
    resumed = cli("sensitivity", "baseline", "--method", "morris", "--n", "4", "--seed", "3",
                  "--param", "minsk.sovereignty_weight", "--param", "putin.reactivity",
                  "--indicator", "reserves", "--out", out, "--resume", "--workers", "1",
                  "--repeats", "1")
    assert resumed.returncode == 0, resumed.stderr
    assert "complete" in resumed.stderr and (out / "outcomes.parquet").read_bytes() == before

    r = cli("discover", out, "--outcome", "dependence", "--max-depth", "1")
    assert r.returncode == 0, r.stderr
    assert "base rate" in r.stdout and "density" in r.stdout
    assert (out / "discovery" / "dependence_boxes.csv").exists()


@pytest.mark.slow
def test_user_errors_are_one_line_and_exit_2(folders):
    for args, needle in [(("compare", folders["base"]), "at least two"),
                         (("sensitivity", "baseline", "--n", "10", "--param",
                           "putin.reactivity"), "power of 2"),
                         (("discover", folders["base"], "--outcome", "anarchy"),
                          "unknown outcome"),
                         (("plot", folders["root"] / "missing"), "not found")]:
        r = cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr and "Traceback" not in r.stderr
