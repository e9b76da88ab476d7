"""The Kremlin: four lobbying factions and Putin, who arbitrates and acts."""

from __future__ import annotations

from unionsim.model.actors.base import Actor
from unionsim.model.choice import UNAVAILABLE, bernoulli
from unionsim.model.rules import kremlin as rules
from unionsim.model.rules import war as war_rules
from unionsim.model.rules.minsk import protest_threat
from unionsim.model.state import clip01, shift_tension
from unionsim.odds import percent

_bare = object.__new__  # an instance whose fields are set one by one (`kremlin_view`)


def kremlin_view(model) -> rules.KremlinView:
    """What the Kremlin reads of the world (shared by the factions and Putin)."""
    s, p = model.state, model.p
    # every field set on a bare instance: the view `KremlinView(tension=..., ...)` would give,
    # at half the cost of a call with 32 keywords (this runs every month); a field left out here
    # is an AttributeError on first read, never a silent default
    v = _bare(rules.KremlinView)
    v.tension = s.tension
    v.nato_posture = s.nato_posture
    v.minsk_west_tilt = s.minsk_west_tilt
    v.kremlin_trust = s.kremlin_trust
    v.dispute = s.dispute
    v.minsk_stress = s.economic_stress
    v.protest_threat = protest_threat(s.protest_share, s.election_salience, p)
    v.radicalism = s.protest_radicalism
    v.elite_cohesion = s.elite_cohesion
    v.regime = int(s.regime)
    v.russian_strain = s.russian_strain
    v.energy_support = s.energy_support
    v.round_open = s.round_open > 0
    v.base_pending = s.base_demand > 0
    v.base_in_place = s.base_agreed > 0 or s.permanent_troops_k > 0
    v.asset_pending = s.asset_demand > 0
    v.assets_left = p.kremlin.strategic_firms - s.assets_sold
    v.assets_refused = s.assets_refused
    v.trade_war = s.trade_war_months > 0
    v.loan_requested = s.loan_requested > 0
    v.escalated = s.escalated > 0
    v.crisis = s.crisis_logic > 0
    v.absorbed = s.absorbed > 0
    v.coercion = s.coercion
    v.unimplemented = (s.roadmaps_signed - s.roadmaps_implemented) / p.integration.package_roadmaps
    v.intervention_failed = s.intervention_attempted > 0 and not s.absorbed
    v.forces_present = s.exercise_troops_k > 0
    v.takeover_odds = takeover_odds(model)
    v.financing_gap = s.financing_gap
    v.refinancing_pressure = s.refinancing_pressure
    v.support_independence = s.support_independence
    v.union_support = s.support_union + s.support_incorporation
    return v


def takeover_odds(model) -> float:
    """The odds of a takeover as things stand (what the Kremlin weighs, and what is drawn)."""
    s, p = model.state, model.p
    resistance = (p.public.resistance_share * s.support_independence
                  / rules.RESISTANCE_REFERENCE_INDEPENDENCE)
    return rules.intervention_success(resistance, p.public.prorussian_mobilisation,
                                      s.elite_cohesion, int(s.regime), p)


_OPTION_INDEX = {option: i for i, option in enumerate(rules.OPTIONS)}


def _why_lobby(influence: float) -> str:
    return f"influence {influence:.0%}"


def _why_policy(factions: list, influence: list[float]) -> str:
    return "lobbies: " + ", ".join(f"{f.faction} {w:.0%}->{rules.OPTIONS[f.lobbied]}"
                                   for f, w in zip(factions, influence))


class KremlinFaction(Actor):
    """One Russian elite faction; each month it weighs its influence and picks what to lobby for."""

    classifier = {
        "stochastic": True,
        "decisions": {"lobby": rules.OPTIONS},
        "facts": ["L32", "SIL-01", "SIL-05", "OLI-01", "MON-01", "RES-01", "FAC-01", "FAC-02"],
    }

    def __init__(self, model, faction: str):
        if faction not in rules.FACTIONS:
            raise ValueError(f"unknown faction {faction!r}; expected one of {rules.FACTIONS}")
        super().__init__(model, faction)
        self.faction = faction
        self.influence = 0.0
        self.lobbied = 0  # index into rules.OPTIONS

    def lobby(self, utilities: list[float], mask: list[bool] | None, influence: float) -> None:
        """Pick the option to lobby for, among those on the table (``mask``; ``None``: the
        options off the table already carry ``UNAVAILABLE``), given this month's interests."""
        self.influence = influence
        if mask is not None:
            utilities = rules.restrict(utilities, mask)
        choice = self.decide("lobby", rules.OPTIONS, utilities,
                             self.p.kremlin.choice_temperature, _why_lobby, reasons=(influence,))
        self.lobbied = _OPTION_INDEX[choice]


class Putin(Actor):
    """Putin as arbiter: he hears the factions and picks Russia's move for the month."""

    classifier = {
        "stochastic": True,
        "decisions": {"policy": rules.OPTIONS, "exercise_exit": rules.EXIT_OPTIONS},
        "facts": ["PUT-01", "PUT-02", "PUT-03", "KRE-12", "KRE-16", "KRE-17", "KRE-19", "KRE-21"],
    }

    def __init__(self, model):
        super().__init__(model, "putin")
        # fixed for the run: computed once
        self.extremes = rules.extremity(model.p)
        self.bases = {f: rules.faction_base(f, model.p) for f in rules.FACTIONS}

    def step(self) -> None:
        model, s, p = self.model, self.state, self.p
        s.crisis_logic = 1.0 if (s.crisis_logic or rules.is_crisis(
            s.protest_radicalism, int(s.regime), s.elite_cohesion, p)) else 0.0
        if s.crisis_logic and not model.flags["crisis_logic"]:
            model.flags["crisis_logic"] = True
            model.note_event("putin", "the Kremlin switches to the logic of 2014: costs become "
                                      "secondary (KRE-16)")
        v = kremlin_view(model)
        factions = model.factions
        influence = rules.faction_influence(v, p)
        mask = rules.available(v, p)
        bases = self.bases
        interests = [rules.faction_utilities(f.faction, v, p, bases[f.faction]) for f in factions]
        # the options off the table, struck from every faction's interests at once (`arbitrate`
        # ignores them)
        off = [i for i, ok in enumerate(mask) if not ok]
        for faction, utilities, weight in zip(factions, interests, influence):
            for i in off:
                utilities[i] = UNAVAILABLE
            faction.lobby(utilities, None, weight)
        lobbied = [f.lobbied for f in factions]
        utilities = rules.arbitrate(v, influence, interests, lobbied, mask, p, self.extremes)
        choice = self.decide("policy", rules.OPTIONS, utilities, p.putin.choice_temperature,
                             _why_policy, reasons=(factions, influence))
        self.apply(choice)
        if s.exercise_troops_k > 0 and s.exercise_months <= 1:
            self.end_exercise(v)

    def apply(self, choice: str) -> None:
        model, s, p = self.model, self.state, self.p
        k = p.kremlin
        if choice == "cut_support":
            s.energy_support = max(k.support_floor, s.energy_support - k.cut_step)
            s.dispute = clip01(s.dispute + k.blow_dispute_step)
            s.coercion = clip01(s.coercion + k.coercion.cut_support)
        elif choice == "demand_integration":
            depth = 2.0 if s.roadmaps_signed > 0 else 1.0
            model.open_round(depth=depth, size=p.integration.package_roadmaps if depth < 2 else 1.0,
                             deadline=model.month + k.round_months,
                             summit_every=p.integration.summit_every_months)
        elif choice == "demand_base":
            s.base_demand = 1.0
            s.coercion = clip01(s.coercion + k.coercion.demand_base)
        elif choice == "demand_assets":
            s.asset_demand = 1.0
        elif choice == "trade_war":
            s.trade_war_months = k.trade_war_months
            s.dispute = clip01(s.dispute + k.blow_dispute_step)
            s.coercion = clip01(s.coercion + k.coercion.trade_war)
            model.flags["trade_war"] = True
        elif choice == "info_campaign":
            s.info_campaign = clip01(s.info_campaign + k.info_campaign_step)
            s.coercion = clip01(s.coercion + k.coercion.info_campaign)
        elif choice == "bailout":
            self.rescue()
        elif choice == "concession":
            s.energy_support = min(rules.support_ceiling(p), s.energy_support + k.concession_step)
            s.dispute = clip01(s.dispute - k.concession_dispute_relief)
        elif choice == "security_support":
            s.russian_backing = 1.0
        elif choice == "deploy_forces":
            # Russian forces sent in to hold the regime (KRE-16, M47); like exercise troops, whether
            # they leave is decided when their mission ends
            s.russian_backing = 1.0
            s.exercise_troops_k = k.deployment_troops_k
            s.exercise_months = k.deployment_months
            model.flags["forces_deployed"] = True
            model.note_event("putin", f"Russian forces ({k.deployment_troops_k:.0f}k) are sent "
                                      f"into Belarus to hold the regime")
        elif choice == "intervene":
            self.intervene()
        s.escalated = 0.0

    def rescue(self) -> None:
        """Lend just enough to cover Minsk's funding shortfall (KRE-12, E14); the loan is owed to
        Russia and falls due like the old ones."""
        model, s = self.model, self.state
        loan, refinancing = rules.rescue_loan(s.financing_gap, s.refinancing_due)
        s.reserves += loan
        s.debt += loan
        s.russian_debt += loan
        s.loans_total += loan
        s.loans_refinancing += refinancing
        s.financing_gap = max(0.0, s.financing_gap - loan)
        s.loan_requested = 0.0
        model.note_event("putin", f"Moscow lends ${loan:.2f}bn, just enough to cover the shortfall "
                                  f"(${refinancing:.2f}bn of it refinances Russian debt due)")

    def intervene(self) -> None:
        """A takeover attempt; success is drawn from the documented odds (KRE-23, HYB-05, BYP-07)."""
        model, s, p = self.model, self.state, self.p
        s.intervention_attempted = 1.0
        chance = takeover_odds(model)
        if bernoulli(self.draws, chance):
            s.absorbed = 1.0
            s.occupied = 1.0
            model.note_event("putin", f"takeover succeeds at odds of {percent(chance)}: Belarus "
                                      f"is absorbed")
        else:
            s.tension_excess = shift_tension(s.tension_excess, p.west.annexation_tension)
            s.kremlin_trust = 0.0
            s.dispute = 1.0
            s.coercion = 1.0
            model.note_event("putin", f"takeover attempt fails at odds of {percent(chance)}; "
                                      f"Russian forces pull back")

    def end_exercise(self, v: rules.KremlinView) -> None:
        model, s, p = self.model, self.state, self.p
        troops = s.exercise_troops_k
        # a stay for a while is possible once, during a war next door
        stay = war_rules.stay_utility(s.war_intensity, s.nato_posture, p) \
            if s.war_next_door and not s.exercise_stay else UNAVAILABLE
        choice = self.decide("exercise_exit", rules.EXIT_OPTIONS,
                             rules.exercise_exit_utilities(troops, v, p, stay),
                             p.putin.choice_temperature,
                             lambda: f"{troops:.1f}k troops in Belarus; NATO posture "
                                     f"{s.nato_posture:.2f}")
        if choice == "stay_a_while":
            if model.war_minsk.answer_stay(troops):
                s.exercise_stay = 1.0
                s.exercise_months = p.war.exercise.stay_months
                model.flags["exercise_troops_stayed_a_while"] = True
                model.note_event("putin", f"{troops:.1f}k exercise troops stay in Belarus for "
                                          f"{p.war.exercise.stay_months:.0f} months")
                return
            choice = "withdraw"
        if choice == "leave_troops":
            answer = model.minsk.answer_troops_staying()
            if answer == "accept":
                s.permanent_troops_k = max(s.permanent_troops_k, troops)
                model.flags["troops_stayed"] = True
            elif answer == "rotation":
                s.rotation_months = max(s.rotation_months, p.minsk.rotation_months)
                model.flags["temporary_deployment"] = True
        s.exercise_troops_k = 0.0
        s.exercise_months = 0.0
        s.exercise_stay = 0.0
