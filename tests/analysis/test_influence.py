"""The influence measures on constructed designs with known effects, the influence table and
page, and a small real study."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from unionsim.analysis import influence as inf
from unionsim.analysis.headline import OUTPUTS, point_outputs, run_outputs

ROOT = Path(__file__).resolve().parents[2]


def morris_design(k: int, trajectories: int, seed: int = 3):
    from SALib.sample import morris

    names = tuple(f"p{i}" for i in range(k))
    bounds = tuple((10.0 * i, 10.0 * i + 2.0 + i) for i in range(k))   # unequal ranges
    problem = {"num_vars": k, "names": list(names), "bounds": [list(b) for b in bounds]}
    x = morris.sample(problem, trajectories, num_levels=4, seed=seed)
    return inf.MorrisDesign(names=names, bounds=bounds, x=x, num_levels=4, seed=seed)


def shares(design: inf.MorrisDesign) -> np.ndarray:
    lo, hi = np.array(design.bounds).T
    return (design.x - lo) / (hi - lo)


# ----------------------------------------------------------------------------------- Morris

def test_elementary_effects_are_changes_per_range_and_match_salib():
    from SALib.analyze import morris

    design = morris_design(k=4, trajectories=6)
    u = shares(design)
    # p0 moves the output by 30 pp over its range, p1 by a curve, p2 by nothing, p3 by -10 pp
    y = 30 * u[:, 0] + 20 * (u[:, 1] - 0.5) ** 2 - 10 * u[:, 3]
    ee = inf.elementary_effects(design, y)
    assert ee.shape == (6, 4, 1)
    assert np.allclose(ee[:, 0, 0], 30) and np.allclose(ee[:, 2, 0], 0)
    assert np.allclose(ee[:, 3, 0], -10)
    si = morris.analyze(design.problem, design.x, y, num_levels=4, seed=1)
    assert np.allclose(np.abs(ee[:, :, 0]).mean(axis=0), si["mu_star"], atol=1e-9)
    frame = inf.morris_effects(design, pd.DataFrame({"y": y}), group="g", resamples=20)
    mu_star = frame.set_index("parameter")["mu_star"]
    assert mu_star["p0"] == pytest.approx(30) and mu_star["p2"] == 0
    assert mu_star["p3"] == pytest.approx(10)


def test_a_constant_output_has_no_effect_and_no_salib_warning():
    design = morris_design(k=3, trajectories=4)
    frame = inf.morris_effects(design, pd.DataFrame({"flat": np.full(len(design.x), 7.0)}))
    assert (frame["mu_star"] == 0).all() and (frame["mu"] == 0).all()


def test_the_split_half_signal_keeps_the_effect_and_drops_the_noise():
    rng = np.random.default_rng(5)
    design = morris_design(k=3, trajectories=1000)
    u = shares(design)
    truth = 20 * u[:, 0]                       # p0: 20 pp; p1, p2: nothing but noise
    half_a = truth + rng.normal(0, 5, len(u))
    half_b = truth + rng.normal(0, 5, len(u))
    full = (half_a + half_b) / 2
    frame = inf.morris_effects(design, pd.DataFrame({"y": full}),
                               (pd.DataFrame({"y": half_a}), pd.DataFrame({"y": half_b})),
                               resamples=10)
    pooled = inf.pool_seeds({1: frame}).set_index("parameter")
    assert pooled.loc["p0", "signal"] == pytest.approx(20, abs=1.5)
    assert pooled.loc["p1", "signal"] < 4 and pooled.loc["p2", "signal"] < 4
    # mu* of a noise-only parameter is not small, and the noise term predicts it
    assert pooled.loc["p1", "mu_star"] > 4.5
    assert pooled.loc["p1", "noise"] == pytest.approx(pooled.loc["p1", "mu_star"], rel=0.15)


def test_pooling_seeds_weights_by_trajectories():
    f = lambda mu, t: pd.DataFrame({"group": ["g"], "output": ["o"], "parameter": ["p"],  # noqa
                                    "mu_star": [mu], "mu": [mu], "sigma": [0.0],
                                    "mu_star_conf": [0.0], "cross": [np.nan],
                                    "diff2": [np.nan], "trajectories": [t]})
    pooled = inf.pool_seeds({1: f(2.0, 10), 2: f(8.0, 30)})
    assert pooled.loc[0, "mu_star"] == pytest.approx(6.5)
    assert pooled.loc[0, "mu_star_seed1"] == 2.0 and pooled.loc[0, "mu_star_seed2"] == 8.0


# ----------------------------------------------------------------------------- main effects

def test_curve_range_of_lines_and_parabolas():
    assert inf.curve_range(np.array([0.5]), np.array([0.0]))[0] == pytest.approx(1.0)
    # 6u^2 - 6u + 1 runs from 1 down to -0.5 and back: range 1.5
    assert inf.curve_range(np.array([0.0]), np.array([1.0]))[0] == pytest.approx(1.5)
    # a vertex outside 0-1 leaves the ends: a=1, b=0.1 is monotone on 0-1, range 2a
    assert inf.curve_range(np.array([1.0]), np.array([0.1]))[0] == pytest.approx(2.0)


def test_main_effects_recover_known_effects_of_noisy_binary_runs():
    rng = np.random.default_rng(11)
    runs, k = 6000, 30
    u = rng.random((runs, k))
    scenario = rng.integers(0, 3, runs)
    # share: +30 pp over p0's range, a U of 20 pp over p1's range, scenario offsets of 0-20 pp
    p = 0.2 + 0.3 * u[:, 0] + 0.8 * (u[:, 1] - 0.5) ** 2 + 0.1 * scenario
    y = pd.DataFrame({"share": (rng.random(runs) < p) * 100.0,
                      "other": (rng.random(runs) < 0.4) * 100.0})
    names = [f"p{i}" for i in range(k)]
    frame = inf.main_effects(u, y, names, strata=scenario, group="g", dummies=3, seed=2)
    share = frame[frame["output"] == "share"].set_index("parameter")
    assert share.loc["p0", "effect"] == pytest.approx(30, abs=4)
    assert share.loc["p0", "slope"] == pytest.approx(30, abs=4)
    assert share.loc["p1", "effect"] == pytest.approx(20, abs=5)
    assert abs(share.loc["p1", "slope"]) < 5          # a U has no slope
    assert share.loc["p0", "slope_se"] == pytest.approx(100 * 0.46 * 2 * np.sqrt(3 / runs),
                                                        rel=0.2)
    nothing = frame[~frame["parameter"].isin(["p0", "p1"])]
    assert nothing["effect"].max() < 8                 # chance alone over 2 outputs x 31 terms
    assert {"(dummy 1)", "(dummy 2)", "(dummy 3)"} <= set(frame["parameter"])
    assert (frame["runs"] == runs).all()


def test_main_effects_refuse_fewer_runs_than_terms():
    with pytest.raises(ValueError, match="cannot fit"):
        inf.main_effects(np.random.default_rng(0).random((10, 8)),
                         pd.DataFrame({"y": np.zeros(10)}), [f"p{i}" for i in range(8)])


# ------------------------------------------------------------------ summaries and stability

def test_largest_effects_take_the_largest_over_groups_and_outputs():
    frame = pd.DataFrame({"group": ["a", "a", "b", "b"], "output": ["x", "y", "x", "y"],
                          "parameter": ["p", "p", "p", "q"], "effect": [1.0, 7.0, 3.0, 0.0]})
    top = inf.largest_effects(frame, "effect")
    assert top.loc["p", "effect"] == 7.0 and (top.loc["p", "group"], top.loc["p", "output"]) \
        == ("a", "y")
    assert top.loc["q", "effect"] == 0.0


def test_ranking_stability_counts_agreement():
    a = pd.Series({"p1": 20.0, "p2": 12.0, "p3": 6.0, "p4": 0.5, "p5": 0.0, "p6": 3.0})
    b = pd.Series({"p1": 18.0, "p2": 4.0, "p3": 9.0, "p4": 0.2, "p5": 1.5, "p6": 2.0})
    s = inf.ranking_stability(a, b, top=(2, 3))
    assert s["top_overlap"] == {2: 1, 3: 3}
    assert s["influential"]["seed_a"] == 3 and s["influential"]["seed_b"] == 2
    assert not s["influential"]["same"] and s["influential"]["only_a"] == ["p2"]
    assert s["negligible"]["only_a"] == ["p5"] and not s["negligible"]["same"]
    same = inf.ranking_stability(a, a)
    assert same["spearman_all"] == pytest.approx(1.0) and same["influential"]["same"]


def test_classes():
    assert inf.classify(5.0, 30.0) == "influential"
    assert inf.classify(4.9, 30.0) == "moderate"
    assert inf.classify(3.0, 0.9) == "negligible"
    assert inf.classify(6.0, 0.0) == "influential"   # a main effect outweighs a quiet Morris


# --------------------------------------------------------------------------- the outputs

def _outcomes(rows):
    from unionsim.config.vocabulary import FLAGS
    from unionsim.model.outcomes import DIMENSIONS, TIMINGS

    base = {"status": "ok", "outcome": "status_quo", "implemented_share": 0.0,
            **{d: labels[0] for d, labels in DIMENSIONS.items()},
            **{t: np.nan for t in TIMINGS}, **{f: False for f in FLAGS}}
    return pd.DataFrame([{**base, "run": i, **r} for i, r in enumerate(rows)])


def test_headline_outputs_per_run_and_per_point():
    o = _outcomes([{"outcome": "rupture", "mass_protests": True, "month_loan": 6.0},
                   {"end_war_role": "full"},
                   {"outcome": "rupture", "month_loan": 12.0},
                   {}])
    runs = run_outputs(o, horizon=12)
    assert list(runs.columns) == [out.name for out in OUTPUTS]
    assert runs["outcome:rupture"].tolist() == [1, 0, 1, 0]
    assert runs["end_war_role:full"].tolist() == [0, 1, 0, 0]
    assert runs["flag:mass_protests"].tolist() == [1, 0, 0, 0]
    assert runs["month_loan:by_horizon"].tolist() == [1, 0, 1, 0]
    # never = one month after the horizon
    assert runs["month_loan:month"].tolist() == pytest.approx([0.5, 13 / 12, 1.0, 13 / 12])
    points = point_outputs(o, horizon=12, repeats=2)
    assert points["outcome:rupture"].tolist() == [50.0, 50.0]
    assert points.loc[0, "month_loan:month"] == pytest.approx(100 * (0.5 + 13 / 12) / 2)
    even = point_outputs(o, horizon=12, repeats=2, keep_repeats=[0])
    assert even["outcome:rupture"].tolist() == [100.0, 100.0]


def test_every_shipped_scenario_is_in_exactly_one_group():
    from unionsim.analysis.influence_study import SCENARIO_GROUPS
    from unionsim.config.scenario import shipped_scenarios

    grouped = [n for names in SCENARIO_GROUPS.values() for n in names]
    assert len(grouped) == len(set(grouped))
    assert sorted(grouped) == sorted(p.stem for p in shipped_scenarios())


# --------------------------------------------------------------- the table and the page

def _measured(specs, names):
    rows = []
    for i, name in enumerate(names):
        lo, hi = specs[name].range
        effect = [12.0, 3.0, 0.4, 7.0][i % 4]
        rows.append({"parameter": name, "studied_low": lo, "studied_high": hi,
                     "effect_pp": effect, "output": "outcome:rupture",
                     "group": "war", "effect_se_pp": 0.8,
                     "morris_pp": [30.0, 8.0, 0.0, 20.0][i % 4],
                     "morris_output": "flag:war_asked", "morris_group": "war",
                     "effect_pp_seed1": 11.0, "effect_pp_seed2": 13.0, "group:war": effect})
    return pd.DataFrame(rows)


def test_refresh_table_derives_classes_from_the_current_inputs():
    from unionsim.analysis.influence_report import refresh_table
    from unionsim.config.params import default_parameters

    specs = default_parameters().specs
    direction = [n for n, s in specs.items() if s.support == "direction"][:3]
    value = [n for n, s in specs.items() if s.support == "value"][:1]
    names = direction + value                      # effects 12, 3, 0.4, 7 in that order
    measured = _measured(specs, names)
    measured.loc[0, "studied_high"] = measured.loc[0, "studied_high"] + 1   # re-ranged since
    table = refresh_table(measured, specs=specs, fitted=[direction[0]])
    assert list(table["parameter"]) == list(specs)
    row = table.set_index("parameter")
    assert row.loc[direction[0], "class"] == "influential"
    assert row.loc[direction[0], "must_fit"] and not row.loc[direction[0], "unconstrained"]
    assert row.loc[direction[0], "range_changed"]
    assert row.loc[direction[1], "class"] == "moderate"
    assert row.loc[direction[2], "class"] == "negligible"
    assert row.loc[value[0], "class"] == "influential" and not row.loc[value[0], "must_fit"]
    others = [n for n in specs if n not in names]
    assert (row.loc[others, "class"] == "not_measured").all()
    unfitted = refresh_table(measured, specs=specs, fitted=[])
    assert unfitted.set_index("parameter").loc[direction[0], "unconstrained"]


def test_the_page_names_every_parameter_and_the_lists(tmp_path):
    from unionsim.analysis.influence_report import (read_table, refresh_table, render_page,
                                                    write_table)
    from unionsim.config.params import default_parameters

    specs = default_parameters().specs
    names = [n for n, s in specs.items() if s.support != "value"][:8]
    table = refresh_table(_measured(specs, names), specs=specs, fitted=[])
    write_table(table, tmp_path / "t.csv")
    again = refresh_table(read_table(tmp_path / "t.csv"), specs=specs, fitted=[])
    pd.testing.assert_frame_equal(again, table, check_dtype=False)
    summary = {"study": "abc", "generated": "2026-01-01", "model_fingerprint": "f",
               "settings": {"groups": {"war": ["war_next_door"]}, "seeds": [1, 2]},
               "cost": {"runs": 10, "seconds": 60, "sessions": 1, "planned": {}},
               "stability": {"seeds": [1, 2], "spearman_all": 0.9, "spearman_top50": 0.8,
                             "spearman_top_n": 50, "parameters": 8, "top_overlap": {10: 8},
                             "influential": {"seed_a": 4, "seed_b": 4, "both": 4,
                                             "same": True, "only_a": [], "only_b": []}},
               "chance": {"war": 4.0}}
    rule = names[2].rsplit(".", 1)[0]
    page = render_page(table, summary, {rule: "Merge them into one."})
    for name in specs:
        assert f"`{name}`" in page, name
    must = page.split("## (a)")[1].split("## (b)")[0]
    assert f"`{names[0]}`" in must and f"`{names[1]}`" not in must
    nothing = page.split("## (b)")[1].split("## Top 20")[0]
    assert f"`{names[2].split('.')[-1]}`" in nothing and "Merge them into one." in nothing
    assert "**influential (largest main effect >= 5 pp): 4**" in page
    # 12 pp is three times the group's chance of 4 pp; 7 pp is within reach of noise
    assert "**2 stand clear of chance**" in page and "war 4.0 pp" in page
    first = next(line for line in must.splitlines() if f"`{names[0]}`" in line)
    assert "| 12.0 | 0.8 | 3.0 |" in first
    assert "0.800" in page and "8 of the top 10" in page


# ------------------------------------------------------------------- a small real study

def test_a_small_study_runs_resumes_and_fills_the_table(tmp_path):
    from unionsim.analysis.influence_report import measured_table, refresh_table
    from unionsim.analysis.influence_study import StudySettings, run_study

    names = ("public.protest_threshold", "minsk.choice_temperature",
             "outcomes.late_signing_months")
    settings = StudySettings(runs_per_group=24, trajectories=2, repeats=2, seeds=(1, 2),
                             sobol_parameters=2, sobol_n=2, sobol_repeats=1,
                             groups={"zapad": ("zapad_2017",)}, parameters=names)
    study = run_study(tmp_path, settings, executor="serial")
    assert set(study.main_pooled["parameter"]) >= set(names)
    assert set(study.morris_pooled["group"]) == {"zapad"}
    assert len(study.sobol_names) == 2 and study.sobol is not None
    assert study.stability["seeds"] == [1, 2]
    # 2 x (24 + 2 x 4 points x 2 repeats) + Sobol' 2 x (2 + 2) points
    assert study.cost["runs"] == 2 * (24 + 16) + 8
    again = run_study(tmp_path, settings, executor="serial")
    assert again.cost["runs"] == study.cost["runs"] and again.cost["sessions"] == 1
    pd.testing.assert_frame_equal(again.main_pooled, study.main_pooled)
    table = refresh_table(measured_table(study))
    studied = table[table["parameter"].isin(names)]
    assert studied["effect_pp"].notna().all() and studied["morris_pp"].notna().all()
    # nothing in a 24-month Zapad run reads the late-signing window: no run ends otherwise
    row = table.set_index("parameter").loc["outcomes.late_signing_months"]
    assert row["morris_pp"] == 0

    # the script writes the table, the summary and the page from it, and the fit's candidates
    # are ranked again with the table: must-fit (>= 5 pp on what users read, or marked `fit:`)
    # first
    import importlib.util
    import shutil

    from unionsim.analysis.influence_report import SUMMARY_FILE, TABLE_FILE, read_table
    from unionsim.calibration.screening import SCREENING_FILE, screening_file

    spec = importlib.util.spec_from_file_location("influence_script",
                                                  ROOT / "scripts" / "influence_study.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    params, docs = tmp_path / "params", tmp_path / "docs"
    params.mkdir()
    docs.mkdir()
    shutil.copy(screening_file(), params / SCREENING_FILE)
    assert script.write(study, trial=False, params=params, docs=docs) == 0
    written = read_table(params / TABLE_FILE)
    assert set(names) <= set(written.dropna(subset=["effect_pp"])["parameter"])
    assert json.loads((params / SUMMARY_FILE).read_text("utf-8"))["cost"]["runs"] == 88
    page = (docs / "influence.md").read_text("utf-8")
    assert all(f"`{n}`" in page for n in names)
    ranking = pd.read_csv(params / SCREENING_FILE)
    from unionsim.config.params import fit_candidates

    must = set(refresh_table(written).query("must_fit")["parameter"]) | set(fit_candidates())
    assert set(ranking.loc[ranking["must_fit"], "parameter"]) == must
    assert ranking.head(len(must))["must_fit"].all()
