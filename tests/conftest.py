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
