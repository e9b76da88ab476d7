"""The public model API and its Mesa contract."""

import mesa
import numpy as np
import pytest

import unionsim
from unionsim.model.state import INDICATORS, STATE_VARIABLES, WorldState
from unionsim.model.world import UnionModel


def test_public_api_is_importable():
    assert unionsim.UnionModel is UnionModel
    assert callable(unionsim.load_scenario) and callable(unionsim.load_results)
    assert issubclass(UnionModel, mesa.Model)


def test_model_runs_to_the_horizon_and_stops(baseline):
    m = UnionModel(scenario=baseline, overrides={"minsk.sovereignty_weight": 0.8}, seed=7)
    m.run_model()
    assert m.running is False and m.steps == baseline.spec.horizon
    assert m.p.minsk.sovereignty_weight == 0.8
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == baseline.spec.horizon + 1
    assert set(INDICATORS) <= set(df.columns)
    assert not np.isnan(m.series).any()
    assert df["reserves"].to_numpy() == pytest.approx(m.series[:, INDICATORS.index("reserves")])


def test_same_seed_same_run_different_seed_different_run(baseline):
    a = UnionModel(scenario=baseline, seed=3, collect=False).run()
    b = UnionModel(scenario=baseline, seed=3, collect=False).run()
    c = UnionModel(scenario=baseline, seed=4, collect=False).run()
    assert np.array_equal(a.series, b.series) and a.result() == b.result()
    assert not np.array_equal(a.series, c.series)


def test_rng_argument_as_batch_run_passes_it(baseline):
    a = UnionModel(scenario=baseline, rng=12, collect=False).run()
    b = UnionModel(scenario=baseline, seed=12, collect=False).run()
    assert np.array_equal(a.series, b.series)
    g = UnionModel(scenario=baseline, rng=np.random.default_rng(5), collect=False)
    assert isinstance(g.seed, int)
    with pytest.raises(ValueError):
        UnionModel(scenario=baseline, seed=1, rng=1)


def test_default_scenario_is_the_baseline():
    assert UnionModel(seed=1, collect=False).spec.name == "baseline"


def test_mesa_batch_run_works_on_the_model():
    seeds = [1, 2]
    kwargs = dict(parameters={"collect": True}, number_processes=1, max_steps=60,
                  data_collection_period=-1, display_progress=False)
    if tuple(int(x) for x in mesa.__version__.split(".")[:2]) >= (3, 4):
        rows = mesa.batch_run(UnionModel, rng=seeds, **kwargs)
    else:
        rows = mesa.batch_run(UnionModel, iterations=1,
                              **{**kwargs, "parameters": {"collect": True, "rng": seeds}})
    # Mesa >= 3.5 adds one row per agent of each agent-type reporter; model values repeat
    by_run = {r["RunId"]: r for r in rows}
    assert len(by_run) == 2
    direct = UnionModel(seed=1, collect=False).run()
    row = by_run[0]  # one process: run ids follow the order of the seeds
    # Mesa < 3.5 reports the row collected one step before the end (MESA3.md, section 2.7)
    month = 60 if tuple(int(x) for x in mesa.__version__.split(".")[:2]) >= (3, 5) else 59
    assert row["reserves"] == pytest.approx(direct.series[month, INDICATORS.index("reserves")])


def test_state_variables_are_documented_and_complete():
    fields = set(WorldState.__dataclass_fields__)
    assert fields == set(STATE_VARIABLES)
    for name, var in STATE_VARIABLES.items():
        assert var.lo < var.hi and var.unit and len(var.meaning) > 5, name


def test_state_stays_within_its_bounds(baseline):
    for seed in range(5):
        m = UnionModel(scenario=baseline, seed=seed, collect=False).run()
        for j, name in enumerate(INDICATORS):
            var = STATE_VARIABLES[name]
            col = m.series[:, j]
            assert (col >= var.lo - 1e-9).all() and (col <= var.hi + 1e-9).all(), name


def test_outcomes_and_decisions_vary_across_runs(baseline):
    results = [UnionModel(scenario=baseline, seed=s, collect=False).run() for s in range(40)]
    assert len({r.outcome for r in results}) >= 2
    signed_month = set()
    for r in results:
        col = r.series[:, INDICATORS.index("roadmaps_signed")]
        signed_month.add(int(np.argmax(col > 0)) if (col > 0).any() else -1)
    assert len(signed_month) >= 3


# ---------------------------------------------------------------- no hidden numbers (issue 10)

def test_state_variable_table_is_package_data_in_state_order():
    from importlib import resources

    from unionsim.config.vocabulary import STATE_VARIABLES_FILE
    assert resources.files("unionsim.config").joinpath(STATE_VARIABLES_FILE).is_file()
    assert list(STATE_VARIABLES) == list(WorldState.__dataclass_fields__)
    assert (STATE_VARIABLES["reserves"].lo, STATE_VARIABLES["reserves"].hi) == (0.0, 40.0)
    assert (STATE_VARIABLES["growth"].lo, STATE_VARIABLES["growth"].hi) == (-20.0, 15.0)
    assert STATE_VARIABLES["reserves"].indicator and not STATE_VARIABLES["debt"].unit == ""
    assert "western_finance" not in INDICATORS and "presence" in INDICATORS


def test_growth_is_held_inside_the_domain_of_growth():
    from unionsim.config.params import default_parameters
    from unionsim.model.rules.economy import growth_rate
    p = default_parameters().namespace()
    domain = STATE_VARIABLES["growth"]
    assert growth_rate(1.0, p.initial.energy_support, 0, False, -80.0, p) == domain.lo
    assert growth_rate(1.0, p.initial.energy_support, 0, False, 80.0, p) == domain.hi
    inside = growth_rate(1.0, p.initial.energy_support, 0, False, 0.0, p)
    assert domain.lo < inside < domain.hi


def _fresh(overrides=None):
    m = UnionModel(seed=1, collect=False, overrides=overrides or {})
    s = m.state
    s.dispute = s.coercion = 0.0
    return m, s


@pytest.mark.parametrize("size", [0.15, 0.25])
def test_scripted_events_take_their_sizes_from_events_parameters(size, monkeypatch):
    from unionsim.config.schema import (AirbaseDemand, Election, InfoCampaign, SanctionsPackage,
                                        SubsidyCut)
    from unionsim.model import events as ev
    from unionsim.model.rules import west as west_rules
    other = 0.6 - size  # a different size, inside the documented range
    m, s = _fresh({"events.subsidy_cut_dispute": size, "events.subsidy_cut_coercion": other})
    ev.apply_event(m, SubsidyCut(type="subsidy_cut", cut_bn=0.5))
    assert s.dispute == pytest.approx(size) and s.coercion == pytest.approx(other)

    m, s = _fresh({"events.airbase_demand_coercion": size})
    ev.apply_event(m, AirbaseDemand(type="airbase_demand"))
    assert s.coercion == pytest.approx(size) and s.base_demand == 1.0

    m, s = _fresh({"events.info_campaign_coercion": size})
    ev.apply_event(m, InfoCampaign(type="info_campaign", intensity=0.5, months=3))
    assert s.coercion == pytest.approx(size)

    # a sanctions package cuts engagement by a fixed constant of the EU's rule
    monkeypatch.setattr(west_rules, "SANCTIONS_PACKAGE_ENGAGEMENT_CUT", size)
    m, s = _fresh()
    before = s.western_engagement
    assert before > size
    ev.apply_event(m, SanctionsPackage(type="sanctions_package", levels=1))
    assert s.western_engagement == pytest.approx(before - size)

    # an election's salience scales with the campaign's strength, computed from the number of
    # serious challengers in the race (a count) by events.managed_vote_strength and
    # events.challenger_mobilisation
    managed = other / 2  # inside the managed vote's range
    m, s = _fresh({"events.parliamentary_salience_share": size,
                   "events.managed_vote_strength": managed})
    s.election_salience = 0.0
    ev.apply_event(m, Election(type="election", kind="parliamentary"))
    assert s.election_salience == pytest.approx(size * managed * m.p.public.election_salience)
    m, s = _fresh({"events.managed_vote_strength": managed,
                   "events.challenger_mobilisation": other})
    s.election_salience = 0.0
    ev.apply_event(m, Election(type="election", kind="presidential", serious_challengers=2))
    strength = managed + (1 - managed) * (1 - (1 - other) ** 2)
    assert s.election_salience == pytest.approx(strength * m.p.public.election_salience)


def test_world_defaults_are_parameters():
    m = UnionModel(seed=1, collect=False, overrides={"integration.summit_every_months": 5.0,
                                                       "world.info_floor_share": 0.8})
    assert m.summit_every == 5.0
    m.state.info_campaign = 0.0
    m.state.info_floor_months = 0.0
    m._bookkeeping()
    assert m.state.info_campaign == pytest.approx(0.8 * m.p.initial.info_campaign)
