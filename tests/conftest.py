"""Shared fixtures: the documented parameters as a namespace, the baseline scenario, views."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from unionsim.config.params import build_namespace, default_parameters
from unionsim.config.scenario import load_scenario


@pytest.fixture(scope="session")
def defaults():
    return default_parameters()


@pytest.fixture
def p(defaults) -> SimpleNamespace:
    """The default parameters as nested attributes (fresh for each test)."""
    return build_namespace(dict(defaults.values))


def with_values(defaults, **changes) -> SimpleNamespace:
    """Parameters with some values changed: with_values(d, **{"minsk.sovereignty_weight": .4})."""
    values = dict(defaults.values)
    values.update(changes)
    return build_namespace(values)


@pytest.fixture(scope="session")
def baseline():
    return load_scenario("baseline")


def change(view, **kw):
    """A copy of a view dataclass with some fields changed."""
    return replace(view, **kw)


def calm_kremlin_view():
    """What the Kremlin sees in a calm month of 2019 (the rules' unit tests vary it from here)."""
    from unionsim.model.rules import kremlin as k

    return k.KremlinView(
        tension=0.5, nato_posture=0.3, minsk_west_tilt=0.0, kremlin_trust=0.35, dispute=0.0,
        minsk_stress=0.05, protest_threat=0.0, radicalism=0.0, elite_cohesion=0.85, regime=0,
        russian_strain=0.3, energy_support=3.0, round_open=False, base_pending=False,
        base_in_place=False, asset_pending=False, assets_left=6.0, assets_refused=0.0,
        trade_war=False, loan_requested=False, escalated=False, crisis=False, absorbed=False,
        coercion=0.0, unimplemented=0.0)


#: Test files that run for minutes on one worker: collected first so that xdist's loadfile
#: scheduling starts them at once while the other worker takes the rest, instead of leaving
#: them for last with the other worker idle.
LONG_FILES = ("test_validation.py",)


def pytest_collection_modifyitems(session, config, items):
    """Put the long files' tests at the front of the run."""
    items.sort(key=lambda item: item.path.name not in LONG_FILES)
