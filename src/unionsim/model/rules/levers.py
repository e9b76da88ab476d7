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

A counter-lever answers a move; it is not a monthly habit. Minsk weighs one only when new
pressure arrives (`new_pressure`): the dispute with Moscow rising past a gate (the pipeline card of
the energy disputes, MIN-15, SC3), a new EU or US sanctions step (WES-06), a war next door
beginning, and, while that war lasts, a reconsideration every ``levers.war_review_months`` (Minsk
hosted the Minsk 1 and 2 talks in 2014-2015 and offered Helsinki-2 in 2018: L16, L17, SC23).
Standing sanctions or a standing dispute are not new; between such moments Minsk holds what it
did and live threats and offers ebb. Mediation works only through the EU's and the US's own
decisions (``west.mediation_value``, ``us.mediation_value``). The rules are pure;
`actors/strategic.py` draws the decisions from the "levers" stream.
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.state import MAX_SANCTIONS

LEVERS = ("hold", "transit_threat", "neighbour_pressure", "mediation_offer")


def new_pressure(dispute: float, dispute_seen: float, sanctions: float, sanctions_seen: float,
                 war_next_door: float, war_seen: float, months_since: float,
                 p: SimpleNamespace) -> bool:
    """Whether new pressure makes Minsk weigh a counter-lever this month (a few comparisons).

    * the dispute with Moscow has risen past ``levers.dispute_gate`` since Minsk last looked
      (the pipeline threat is a chip in an energy dispute, MIN-15, SC3);
    * a new Western sanctions step: the EU's and the US's steps together (``sanctions``) above
      those Minsk last saw (WES-06; the answer is an assumption, see the neighbours);
    * a war next door has begun (SC23), or it lasts and ``levers.war_review_months`` have passed
      since Minsk last weighed a lever (the Minsk talks of 2014-2015 and the Helsinki-2 offer of
      2018 under one war, L16, L17).
    """
    q = p.levers
    if dispute >= q.dispute_gate > dispute_seen or sanctions > sanctions_seen:
        return True
    return war_next_door > 0 and (war_seen <= 0 or months_since >= q.war_review_months)


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
