"""Probabilities in trace and event texts: the precision they need, odds when small."""

from __future__ import annotations

import re

import pytest

from unionsim.odds import one_in, percent


@pytest.mark.parametrize("p, text", [
    (0.0, "0%"), (1.0, "100%"), (0.45, "45%"), (0.1, "10%"), (0.9, "90%"),
    (0.023, "2.3%"), (0.02, "2%"), (0.095, "9.5%"), (0.95, "95%"), (0.9949, "99.5%"),
    (0.9996, "99.96%"), (0.99999, "99.999%"),
    (0.002, "0.2% (1 in 500)"), (0.0004, "0.04% (1 in 2,500)"),
    (0.000137, "0.014% (1 in 7,300)"), (0.0099, "0.99% (1 in 100)"),
])
def test_percent_keeps_the_precision_a_probability_needs(p, text):
    assert percent(p) == text


def test_no_probability_between_zero_and_one_rounds_to_zero_or_a_hundred():
    for exponent in range(1, 12):
        small, large = 10.0 ** -exponent, 1 - 10.0 ** -exponent
        assert percent(small, odds=False) != "0%" and not percent(small).startswith("0%")
        assert float(percent(small, odds=False).rstrip("%")) > 0
        if exponent < 9:
            assert float(percent(large).rstrip("%")) < 100, large
    assert percent(0.004, odds=False) == "0.4%"
    assert one_in(0.000123) == "1 in 8,100"


def test_the_trace_shows_a_small_defection_hazard_with_its_precision(monkeypatch):
    """Force the security forces' defection draw at the first month with a positive hazard (a
    quiet street): the event text must show that hazard, not '0.0%'."""
    from unionsim.analysis import trace as tr
    from unionsim.config.scenario import load_scenario
    from unionsim.model import world

    hazards = []

    def first_positive(draws, p):
        hazards.append(p)
        return p > 0

    monkeypatch.setattr(world, "bernoulli", first_positive)
    model = world.UnionModel(scenario=load_scenario("baseline"), seed=1, collect=False,
                             record=True).run()
    lines = [line for line in tr.render(model) if "security forces defect" in line]
    assert len(lines) == 1, lines
    hazard = next(p for p in hazards if p > 0)
    assert f"monthly hazard of {percent(hazard)}: the regime falls" in lines[0]
    shown = re.search(r"hazard of ([0-9.]+)%", lines[0]).group(1)
    assert float(shown) > 0
    assert ("(1 in " in lines[0]) == (hazard < 0.01)
