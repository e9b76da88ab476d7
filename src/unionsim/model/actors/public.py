"""The Belarusian public: one Mesa agent per cohort over shared numpy arrays.

The cohorts are updated together by `Public.step` (vectorised, see `rules.public`); each
`PublicCohort` agent exposes its cohort's values so Mesa tools (DataCollector agent-type reporters,
AgentSet queries) work on them.
"""

from __future__ import annotations

import numpy as np

from unionsim.model.actors.base import Actor
from unionsim.model.rules import public as rules
from unionsim.model.state import clip01


class PublicCohort(Actor):
    """One cohort of the Belarusian public (age group x urban/rural)."""

    classifier = {
        "stochastic": True,
        "decisions": {},  # individual protest is drawn inside the cohort arrays
        "facts": ["P1", "P9", "P11", "P13", "BYP-01", "BYP-07", "BYP-09", "BYP-17", "BYP-18",
                  "HYB-04"],
    }

    def __init__(self, model, index: int):
        super().__init__(model, f"public.{rules.COHORTS[index][0]}")
        self.index = index
        self.label = rules.COHORTS[index][0]

    @property
    def _c(self) -> rules.Cohorts:
        return self.model.public.cohorts

    @property
    def weight(self) -> float:
        return float(self._c.weight[self.index])

    @property
    def legitimacy(self) -> float:
        return float(self._c.legitimacy[self.index])

    @property
    def protest_share(self) -> float:
        return float(self._c.active_share[self.index])

    @property
    def support_incorporation(self) -> float:
        return float(self._c.attitudes[self.index, rules.INCORPORATION])

    @property
    def support_union(self) -> float:
        return float(self._c.attitudes[self.index, rules.UNION])

    @property
    def support_independence(self) -> float:
        return float(self._c.attitudes[self.index, rules.INDEPENDENCE])

    @property
    def west_orientation(self) -> float:
        return float(self._c.west[self.index])


class Public(Actor):
    """The whole public: updates all cohorts at once each month and writes the aggregates."""

    classifier = {"stochastic": True, "decisions": {}, "facts": PublicCohort.classifier["facts"]}

    def __init__(self, model):
        super().__init__(model, "public")
        self.cohorts = rules.make_cohorts(model.p)
        self.members = [PublicCohort(model, i) for i in range(len(rules.COHORTS))]
        self.write_aggregates()

    def step(self) -> None:
        s, p, c = self.state, self.p, self.cohorts
        shocks = self.stream.standard_normal(len(c.weight))
        unrest = s.unrest_months > 0
        hard = rules.hardship(s.economic_stress, s.election_salience, shocks, p,
                              extra=s.unrest_grievance if unrest else 0.0)
        target = rules.legitimacy_target(c, s.economic_stress, s.repression, s.election_salience,
                                         s.coercion, self.model.co_opting, s.belarusianisation, p)
        c.legitimacy = c.legitimacy + p.public.legitimacy_adjustment * (target - c.legitimacy)
        c.active_share, c.detained = rules.protest(c, hard, s.repression, p)
        c.attitudes = rules.attitude_flows(c.attitudes, c.media_susceptibility, s.info_campaign,
                                           s.coercion, s.belarusianisation, p)
        west_goal = rules.west_target(c, s.coercion, s.info_campaign, s.repression, p)
        c.west = c.west + p.public.west_adjustment * (west_goal - c.west)
        self.write_aggregates()
        s.protest_radicalism = clip01(s.protest_radicalism + 0.3 * (
            rules.radicalism_target(s.protest_share, s.repression, s.elite_cohesion,
                                    s.info_campaign, p,
                                    extra_militancy=s.unrest_militancy if unrest else 0.0)
            - s.protest_radicalism))

    def write_aggregates(self) -> None:
        s, c = self.state, self.cohorts
        w = c.weight
        s.protest_share = float(w @ c.active_share)
        s.protest_peak = max(s.protest_peak, s.protest_share)
        s.legitimacy = float(w @ c.legitimacy)
        shares = w @ c.attitudes
        s.support_incorporation = float(shares[rules.INCORPORATION])
        s.support_union = float(shares[rules.UNION])
        s.support_independence = float(shares[rules.INDEPENDENCE])
        s.west_orientation = float(w @ c.west)

    def protest_by_cohort(self) -> dict[str, float]:
        return dict(zip(self.cohorts.labels, np.round(self.cohorts.active_share, 4).tolist()))
