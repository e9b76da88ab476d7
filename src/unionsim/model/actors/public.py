"""The Belarusian public: one Mesa agent per cohort over shared cohort records.

The cohorts are updated together by `Public.step` (see `rules.public`); each `PublicCohort` agent
exposes its cohort's values so Mesa tools (DataCollector agent-type reporters, AgentSet queries)
work on them.
"""

from __future__ import annotations

from unionsim.model.actors.base import Actor
from unionsim.model.rules import public as rules
from unionsim.model.state import clip01


class PublicCohort(Actor):
    """One cohort of the Belarusian public (age group x urban/rural)."""

    classifier = {
        "stochastic": True,
        "decisions": {},  # protest is the cohort's share above Epstein's threshold, not a draw
        "facts": ["P1", "P9", "P11", "P13", "BYP-01", "BYP-07", "BYP-09", "BYP-17", "BYP-18",
                  "HYB-04"],
    }

    def __init__(self, model, index: int):
        super().__init__(model, f"public.{rules.COHORTS[index][0]}")
        self.index = index
        self.label = rules.COHORTS[index][0]

    @property
    def cohort(self) -> rules.Cohort:
        return self.model.public.cohorts[self.index]

    @property
    def weight(self) -> float:
        return self.cohort.weight

    @property
    def legitimacy(self) -> float:
        return self.cohort.legitimacy

    @property
    def protest_share(self) -> float:
        return self.cohort.active

    @property
    def support_incorporation(self) -> float:
        return self.cohort.incorporation

    @property
    def support_union(self) -> float:
        return self.cohort.union

    @property
    def support_independence(self) -> float:
        return self.cohort.independence

    @property
    def west_orientation(self) -> float:
        return self.cohort.west


class Public(Actor):
    """The whole public: updates every cohort each month and writes the aggregates."""

    classifier = {"stochastic": True, "decisions": {}, "facts": PublicCohort.classifier["facts"]}

    def __init__(self, model):
        super().__init__(model, "public")
        self.cohorts = rules.make_cohorts(model.p)
        self.members = [PublicCohort(model, i) for i in range(len(rules.COHORTS))]
        self.write_aggregates()

    def step(self) -> None:
        s, p = self.state, self.p
        q = p.public
        shocks = self.stream.standard_normal(len(self.cohorts)).tolist()
        unrest = s.unrest_months > 0
        extra = s.unrest_grievance if unrest else 0.0
        co_opt = self.model.co_opting
        mishandling, jailed, fatigue = s.shock_mishandling, s.candidates_jailed, s.protest_fatigue
        # the parts of each rule that are the same for every cohort, once a month
        grievance = rules.grievance_level(s.economic_stress, s.election_salience, p, extra,
                                          mishandling, jailed)
        shift = rules.legitimacy_shift(s.economic_stress, s.election_salience, s.coercion,
                                       co_opt, s.belarusianisation, p, mishandling,
                                       s.war_role)  # a full war role costs legitimacy
        amplification, drift = rules.attitude_drivers(s.info_campaign, s.belarusianisation, p)
        push = rules.sovereignty_pressure(s.coercion, s.round_open > 0, p) \
            + rules.hardship_push(s.economic_stress, p)
        repression, info_campaign, backing = s.repression, s.info_campaign, s.russian_backing
        engagement = s.western_engagement - p.initial.western_engagement
        adjustment, west_adjustment = q.legitimacy_adjustment, q.west_adjustment
        # the rules as locals: the loop runs for every cohort every month
        shocked_hardship, legitimacy_target = rules.shocked_hardship, rules.cohort_legitimacy_target
        protest, attitude_flows, west_target, cohort_push = (
            rules.protest, rules.cohort_attitude_flows, rules.west_target, rules.cohort_push)
        for c, shock in zip(self.cohorts, shocks):
            hard = shocked_hardship(grievance, shock, p)
            target = legitimacy_target(c, shift, repression, p)
            c.legitimacy += adjustment * (target - c.legitimacy)
            c.active, c.detained = protest(c, hard, repression, p, fatigue)
            own_push = cohort_push(push, c.legitimacy, backing, p)
            c.incorporation, c.union, c.independence = attitude_flows(
                c.incorporation, c.union, c.independence, c.media, amplification, drift,
                own_push, p)
            c.west += west_adjustment * (west_target(c, own_push, info_campaign, repression, p,
                                                     engagement) - c.west)
        self.write_aggregates()
        s.protest_fatigue = rules.next_fatigue(s.protest_fatigue, s.protest_share, p)
        s.protest_radicalism = clip01(s.protest_radicalism + q.radicalism_adjustment * (
            rules.radicalism_target(s.protest_share, s.repression, s.elite_cohesion,
                                    s.info_campaign, p,
                                    extra_militancy=s.unrest_militancy if unrest else 0.0)
            - s.protest_radicalism))

    def write_aggregates(self) -> None:
        s = self.state
        protest = legitimacy = inc = uni = ind = west = 0.0
        for c in self.cohorts:
            w = c.weight
            protest += w * c.active
            legitimacy += w * c.legitimacy
            inc += w * c.incorporation
            uni += w * c.union
            ind += w * c.independence
            west += w * c.west
        s.protest_share = protest
        if protest > s.protest_peak:  # `max`, written out
            s.protest_peak = protest
        s.legitimacy = legitimacy
        s.support_incorporation = inc
        s.support_union = uni
        s.support_independence = ind
        s.west_orientation = west
