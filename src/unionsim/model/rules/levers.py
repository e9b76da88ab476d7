"""Minsk's counter-levers and their costs: transit and pipeline threats, pressure on its EU
neighbours, and offers to mediate; the neighbours' answers.

* Transit: Russia depends on Belarus for the transit of its gas exports, and Minsk can threaten
  to close its pipelines to Russian exports (MIN-15, SC3): a bargaining chip that lifts the
  dispute to Putin (MIN-18) at the price of a sharper dispute and lost trust.
* Neighbours: Poland and the Baltic states value Belarus as a buffer and fear its absorption
  (NEI-02); Lithuania's quarrels with Minsk block EU consensus (NEI-03), and Latvia and
  Lithuania need Belarusian cargo for their ports (NEI-04). Minsk putting pressure on them is
  **an assumption**: the 2019-2021 texts do not document it. Their answer (closing a border
  crossing, which raises tension and hardens the EU) is an assumption too.
* Mediation: Minsk hosted the Minsk 1 and 2 talks, offered a "Helsinki-2" conference (L16) and
  earned Western engagement and the lifting of sanctions for its neutrality (SC23, WES-02,
  MIN-38); Moscow distrusts a Minsk that courts the West (SIL-02, KRE-30).

Counter-levers are on the table only under pressure (`under_pressure`): a dispute with Moscow,
Western sanctions, or a war next door. The rules are pure; `actors/strategic.py` draws the
decisions from the "levers" stream.
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.state import MAX_SANCTIONS

LEVERS = ("hold", "transit_threat", "neighbour_pressure", "mediation_offer")


def under_pressure(dispute: float, sanctions_level: float, war_next_door: float,
                   p: SimpleNamespace) -> bool:
    """Whether Minsk weighs a counter-lever this month: a dispute with Moscow above
    ``levers.dispute_gate`` (MIN-15), Western sanctions in force (WES-06), or a war next door
    (SC23). A cheap test, read every month."""
    return dispute >= p.levers.dispute_gate or sanctions_level > 0 or war_next_door > 0


def lever_utilities(dispute: float, sanctions_level: float, war_next_door: float,
                    tension: float, outside_options: float, western_engagement: float,
                    minsk_west_tilt: float, transit_threat: float, p: SimpleNamespace
                    ) -> list[float]:
    """Utilities of holding, threatening transit, pressing the neighbours, or offering mediation.

    * transit_threat: worth the dispute it can win (MIN-15), less Moscow's irritation, which
      weighs more the fewer outside options Minsk has and the calmer Russia-West relations are
      (as for blackmail, MIN-20); not repeated while a threat is still live;
    * neighbour_pressure: an answer to Western sanctions (an assumption), which costs the
      engagement still to lose;
    * mediation_offer: worth more in a war next door and when Western engagement is low (SC23,
      WES-02), less Moscow's irritation at a Minsk that tilts West (SIL-02, KRE-30).
    """
    q, m = p.levers, p.minsk
    dependence = 1.0 - outside_options
    irritation = m.russia_irritation * dependence * (1.0 - tension)
    hold = q.inertia
    transit = UNAVAILABLE if transit_threat >= q.live_threat else \
        q.transit_value * dispute - irritation
    sanctions = sanctions_level / MAX_SANCTIONS
    pressure = UNAVAILABLE if sanctions <= 0 else \
        q.pressure_value * sanctions - q.pressure_cost * western_engagement
    mediation = q.mediation_value * (war_next_door + 1.0 - western_engagement) \
        - irritation * (1.0 + minsk_west_tilt)
    return [hold, transit, pressure, mediation]


def neighbours_close_border(neighbour_pressure: float, border_closed_months: float,
                            p: SimpleNamespace) -> bool:
    """Lithuania or Poland close a border crossing once Minsk's pressure reaches
    ``levers.closure_pressure`` and no crossing is already closed (an assumption; NEI-02,
    NEI-03)."""
    return neighbour_pressure >= p.levers.closure_pressure and border_closed_months <= 0


def mediation_engagement_gain(mediation_offer: float, repression: float,
                              p: SimpleNamespace) -> float:
    """Western engagement a mediation offer earns this month (SC23, WES-02): in proportion to the
    offer, less in proportion to repression (the West weighs human rights, WES-01). A small
    effect of this rule's own, parameterised (``levers.mediation_engagement_gain``), until the
    EU and US actors read ``mediation_offer`` themselves."""
    return p.levers.mediation_engagement_gain * mediation_offer * (1.0 - repression)
