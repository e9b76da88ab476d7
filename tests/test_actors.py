"""Actor contracts, checked for every actor class (in the manner of Axelrod's TestPlayer).

Every actor must: be a Mesa agent of the model; declare its decisions and FACTS ids; take only the
decisions it declares, with only the declared options; draw from its own stream so the same seed
repeats its choices; and survive pickling together with its model.
"""

import pickle

import mesa
import pytest

from unionsim.bibliography import fact_index
from unionsim.model.actors.base import Actor
from unionsim.model.actors.kremlin import KremlinFaction, Putin
from unionsim.model.actors.minsk import Minsk
from unionsim.model.actors.public import Public, PublicCohort
from unionsim.model.actors.western import Eu, Nato
from unionsim.model.world import UnionModel

ACTOR_CLASSES = [Minsk, KremlinFaction, Putin, Nato, Eu, Public, PublicCohort]
NAMES = {Minsk: ["minsk"], KremlinFaction: ["siloviki", "raiders", "monetarists", "restrainers"],
         Putin: ["putin"], Nato: ["nato"], Eu: ["west"]}


@pytest.fixture(scope="module")
def finished(baseline):
    return UnionModel(scenario=baseline, seed=11, record=True).run()


@pytest.mark.parametrize("cls", ACTOR_CLASSES)
def test_actor_is_a_registered_mesa_agent(cls, finished):
    agents = finished.agents_by_type.get(cls)
    assert agents is not None and len(agents) >= 1
    assert all(isinstance(a, mesa.Agent) and isinstance(a, Actor) for a in agents)


@pytest.mark.parametrize("cls", ACTOR_CLASSES)
def test_classifier_is_declared_and_cites_real_facts(cls):
    c = cls.classifier
    assert set(c) >= {"stochastic", "decisions", "facts"}
    assert c["facts"], "every actor rests on documented claims"
    index = fact_index()
    assert all(f in index for f in c["facts"])


@pytest.mark.parametrize("cls", [c for c in ACTOR_CLASSES if c in NAMES])
def test_actors_take_only_declared_decisions_with_declared_options(cls, finished):
    declared = cls.classifier["decisions"]
    names = set(NAMES[cls])
    taken = [d for d in finished.decisions if d["actor"] in names and d["kind"] != "event"]
    assert taken, f"{cls.__name__} took no decision in 60 months"
    for d in taken:
        assert d["kind"] in declared
        assert d["choice"] in declared[d["kind"]]
        assert set(d["options"]) == set(declared[d["kind"]])
        assert 0 < d["probability"] <= 1


@pytest.mark.parametrize("cls", [c for c in ACTOR_CLASSES if c in NAMES])
def test_stochastic_actors_repeat_with_a_seed_and_vary_across_seeds(cls, baseline):
    names = set(NAMES[cls])

    def choices(seed):
        m = UnionModel(scenario=baseline, seed=seed, collect=False, record=True).run()
        return [(d["month"], d["kind"], d["choice"]) for d in m.decisions if d["actor"] in names]

    assert choices(5) == choices(5)
    assert len({tuple(choices(s)) for s in (1, 2, 3, 4)}) > 1


def test_the_model_with_its_actors_survives_pickling(baseline):
    m = UnionModel(scenario=baseline, seed=21)
    for _ in range(10):
        m.step()
    clone = pickle.loads(pickle.dumps(m))
    assert clone.state.snapshot() == m.state.snapshot()
    for _ in range(50):
        m.step()
        clone.step()
    # NaN marks an event that never happened (the month columns); NaN != NaN, so compare
    # those as "both never"
    a, b = clone.result(), m.result()
    assert a.keys() == b.keys()
    assert all(a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]) for k in a), \
        {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert [type(a).__name__ for a in clone.agents] == [type(a).__name__ for a in m.agents]


def test_public_cohort_agents_expose_their_cohort(finished):
    cohorts = list(finished.agents_by_type[PublicCohort])
    assert len(cohorts) == 6
    total = sum(c.weight * c.protest_share for c in cohorts)
    assert total == pytest.approx(finished.state.protest_share)
    for c in cohorts:
        shares = c.support_incorporation + c.support_union + c.support_independence
        assert shares == pytest.approx(1.0)


def test_the_monthly_views_set_every_field_on_the_instance(finished):
    """The Kremlin's and Minsk's views are built field by field on a bare (slotted) instance: a
    field left out is unset, an AttributeError only when some rarely taken branch reads it, so
    every field is read here."""
    from dataclasses import fields

    from unionsim.model.actors.kremlin import kremlin_view
    from unionsim.model.rules.kremlin import KremlinView
    from unionsim.model.rules.minsk import MinskView

    for view, cls in ((kremlin_view(finished), KremlinView), (finished.minsk.view(), MinskView)):
        assert type(view) is cls
        unset = [f.name for f in fields(cls) if not hasattr(view, f.name)]
        assert unset == []
