"""Paired comparisons are only as good as their pairs: fixing a parameter in one batch must leave
every other per-run draw unchanged, and `compare` must say whether the pairs share them."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from unionsim.analysis.compare import compare_folders, pairing_check
from unionsim.experiment.batch import run_batch

RUNS = 12


@pytest.fixture(scope="module")
def election(tmp_path_factory):
    """election_2020 from one master seed, as shipped and with an overlay fixing
    elite.army_defection_risk (which the scenario samples per run), and with another sampler (mc instead of its lhs)."""
    root = tmp_path_factory.mktemp("pairing")
    overlay = root / "defection.yaml"
    overlay.write_text("title: Fixed defection risk\nvalues:\n  elite.army_defection_risk: 0.1\n")
    common = dict(runs=RUNS, seed=1, executor="serial", timeseries=False)
    return {"base": run_batch("election_2020", out=root / "base", **common),
            "fixed": run_batch("election_2020", out=root / "fixed", param_files=[overlay],
                               **common),
            "mc": run_batch("election_2020", out=root / "mc", sampler="mc", **common),
            "root": root}


@pytest.mark.slow
def test_an_overlay_fixing_one_sampled_parameter_redraws_no_other(election, tmp_path):
    comp = compare_folders([election["base"], election["fixed"]], tmp_path, figures=False)
    d = comp.differences[0]
    assert d.pairs == RUNS
    check = d.pairing
    assert "elite.army_defection_risk" not in check.parameters
    assert {"minsk.sovereignty_weight", "putin.reactivity", "public.militancy",
            "public.prorussian_mobilisation"} <= set(check.parameters)
    assert check.ok and check.equal["minsk.sovereignty_weight"] == RUNS
    assert check.sentence().startswith(
        f"paired on {RUNS} shared seeds; every other sampled parameter equal in all pairs")
    table = pd.read_csv(tmp_path / "pairing_1.csv")
    assert set(table["parameter"]) == set(check.parameters)
    assert (table["pairs_equal"] == RUNS).all() and (table["share_differing"] == 0).all()
    paired = pd.read_csv(tmp_path / "paired_outcomes_1.csv")
    assert paired["pairing"].str.contains("every other sampled parameter equal").all()


@pytest.mark.slow
def test_compare_warns_when_pairs_do_not_share_their_other_draws(election, tmp_path):
    comp = compare_folders([election["base"], election["mc"]], tmp_path, figures=False)
    check = comp.differences[0].pairing
    assert not check.ok
    assert check.differing["minsk.sovereignty_weight"] > 0.5
    sentence = check.sentence()
    assert sentence.startswith("WARNING") and "minsk.sovereignty_weight in" in sentence
    table = pd.read_csv(tmp_path / "pairing_1.csv").set_index("parameter")
    assert table.loc["minsk.sovereignty_weight", "share_differing"] > 0.5
    assert "other draws differ" in comp.differences[0].method


@pytest.mark.slow
def test_the_compare_command_prints_the_pairing_check(election, tmp_path):
    from unionsim.cli import app

    runner = CliRunner()
    good = runner.invoke(app, ["compare", str(election["base"]), str(election["fixed"]),
                               "--out", str(tmp_path / "a")])
    assert good.exit_code == 0, good.output
    assert "every other sampled parameter equal in all pairs" in " ".join(good.output.split())
    bad = runner.invoke(app, ["compare", str(election["base"]), str(election["mc"]),
                              "--out", str(tmp_path / "b")])
    assert bad.exit_code == 0, bad.output
    text = " ".join(bad.output.split())
    assert "WARNING" in text and "minsk.sovereignty_weight" in text


def test_pairing_check_counts_equal_draws_per_parameter():
    a = pd.DataFrame({"seed": [1, 2, 3, 4], "status": "ok", "param.x": [.1, .2, .3, .4],
                      "param.y": [1., 2., 3., 4.], "param.only_a": [0., 0., 0., 0.]})
    b = pd.DataFrame({"seed": [4, 3, 2, 9], "status": "ok", "param.x": [.4, .3, .25, .9],
                      "param.y": [4., 3., 2., 5.]})
    check = pairing_check(a, b)
    assert check.pairs == 3 and check.parameters == ["x", "y"]
    assert check.equal == {"x": 2, "y": 3}
    assert check.differing == pytest.approx({"x": 1 / 3})
