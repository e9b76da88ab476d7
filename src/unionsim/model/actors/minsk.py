"""Minsk: the Lukashenka regime, deciding each month how to answer Moscow, what to initiate abroad
and how to meet the street. Its elite and security forces are modelled in `unionsim.model.elite`."""

from __future__ import annotations

from unionsim.config.params import ParameterGroup
from unionsim.model.actors.base import Actor
from unionsim.model.rules import minsk as rules
from unionsim.model.rules import us as us_rules
from unionsim.model.state import clip01

_bare = object.__new__  # an instance whose fields are set one by one (`Minsk.view`)


# the reasons of Minsk's monthly decisions, in words (`Actor.decide`)
def _why_domestic(v: rules.MinskView) -> str:
    return (f"protest {v.protest_share:.1%} of adults, election salience "
            f"{v.election_salience:.2f}, Western engagement {v.western_engagement:.2f}")


def _why_integration_answer(what: str, stake: float, v: rules.MinskView) -> str:
    return (f"{what} on the table; ${stake:.1f}bn/yr at stake; outside options "
            f"{v.outside_options:.2f}, tension {v.tension:.2f}, stress {v.economic_stress:.2f}")


def _why_initiative(v: rules.MinskView) -> str:
    return (f"dispute {v.dispute:.2f}, tension {v.tension:.2f}, outside options "
            f"{v.outside_options:.2f}, stress {v.economic_stress:.2f}")


class Minsk(Actor):
    """The regime in Minsk (Lukashenka, or a successor after a fall or succession)."""

    classifier = {
        "stochastic": True,
        "decisions": {"domestic": rules.DOMESTIC, "integration_answer": rules.ANSWERS,
                      "implementation": rules.EFFORT, "base_answer": rules.BASE_ANSWERS,
                      "asset_answer": rules.ASSET_ANSWERS, "initiative": rules.INITIATIVES,
                      "exercise_hosting": rules.EXERCISE, "troops_answer": rules.BASE_ANSWERS,
                      "us_deal": us_rules.DEAL_ANSWERS},
        "facts": ["MIN-01", "MIN-05", "MIN-09", "MIN-17", "MIN-18", "MIN-20", "MIN-21", "MIN-25",
                  "MIN-29", "MIN-32", "MIN-47", "MIN-52", "MIN-53"],
    }

    def __init__(self, model):
        super().__init__(model, "minsk")
        self.weights = model.p  # replaced by a successor regime's weights after a fall
        self.next_review = 0     # month of the next review of implementation effort
        self.implementing = False
        self.domestic_course: int | None = None  # index into rules.DOMESTIC, once chosen

    # ------------------------------------------------------------------ view
    def view(self) -> rules.MinskView:
        s = self.state
        # every field set on a bare instance, as in `actors.kremlin.kremlin_view` (the same view
        # as a keyword call, at a fraction of its cost)
        v = _bare(rules.MinskView)
        v.tension = s.tension
        v.outside_options = s.outside_options
        v.economic_stress = s.economic_stress
        v.kremlin_trust = s.kremlin_trust
        v.dispute = s.dispute
        v.sanctions_level = s.sanctions_level
        v.western_engagement = s.western_engagement
        v.protest_share = s.protest_share
        v.election_salience = s.election_salience
        v.legitimacy = s.legitimacy
        v.nato_threat = s.nato_posture + (self.weights.minsk.nato_exercise_threat
                                          if s.nato_exercise_months > 0 else 0.0)
        v.info_campaign = s.info_campaign
        v.energy_offer = s.energy_offer > 0
        v.diversified = s.diversified
        v.repression = s.repression
        v.loan_requested = s.loan_requested > 0
        v.belarusianisation = s.belarusianisation
        v.refinancing_pressure = s.refinancing_pressure
        v.support_independence = s.support_independence
        v.west_orientation = s.west_orientation
        v.financing_gap = s.financing_gap
        return v

    def step(self) -> None:
        """One month: meet the street, answer pending demands, push implementation, take a move."""
        v = self.view()
        self.meet_the_street(v)
        month = self.model.month
        s = self.state
        if s.round_open and month >= s.round_next_summit:
            self.answer_round(v)
        if s.roadmaps_signed > s.roadmaps_implemented + 1e-9 or (
                s.supranational_signed and not s.supranational_bodies):
            self.push_implementation(v)
        if s.base_demand:
            self.answer_base(v)
        if s.asset_demand:
            self.answer_assets(v)
        if s.us_deal_offer:
            self.answer_us_deal(v)
        self.take_initiative(v)

    # ------------------------------------------------------------------ decisions
    def meet_the_street(self, v: rules.MinskView) -> None:
        """Choose the domestic course (sticky: see `rules.domestic_utilities`); repression follows
        it as a slowly ebbing stock, and jailed challengers are released only while the regime
        is not cracking down."""
        p = self.weights
        choice = self.decide("domestic", rules.DOMESTIC,
                             rules.domestic_utilities(v, p, self.domestic_course),
                             p.minsk.choice_temperature, _why_domestic, reasons=(v,))
        self.domestic_course = rules.DOMESTIC.index(choice)
        s = self.state
        cracking_down = choice == "repress"
        s.repression = rules.next_repression(s.repression, cracking_down, p)
        if not cracking_down:
            s.candidates_jailed *= 1.0 - p.minsk.prisoner_release_rate
        self.model.co_opting = choice == "co_opt"
        if self.model.co_opting:
            s.reserves = max(0.0, s.reserves - p.minsk.coopt_cost_bn / 12.0)

    def answer_round(self, v: rules.MinskView) -> None:
        p, s, month = self.weights, self.state, self.model.month
        final = month >= s.round_deadline and s.round_extensions >= p.minsk.max_extensions
        stake = s.compensation_promised + p.kremlin.cut_step + s.round_threat
        utilities = rules.integration_answer_utilities(int(s.round_depth), s.round_size, stake,
                                                       final, v, p)
        what = "supranational roadmap" if s.round_depth >= 2 else f"{int(s.round_size)} roadmaps"
        choice = self.decide("integration_answer", rules.ANSWERS, utilities,
                             p.minsk.choice_temperature, _why_integration_answer,
                             reasons=(what, stake, v))
        if choice == "sign":
            self.next_review = month + 1  # decide on implementation right after signing
            s.round_threat = 0.0
            if s.round_depth >= 2:
                s.supranational_signed = 1.0
            else:
                s.roadmaps_signed = max(s.roadmaps_signed, s.round_size)
            s.round_open = 0.0
            s.kremlin_trust = clip01(s.kremlin_trust + p.minsk.signing_trust_gain)
            s.dispute = clip01(s.dispute - p.minsk.signing_dispute_relief)
        elif choice == "refuse":
            s.round_open = 0.0
            s.compensation_promised = 0.0 if not s.roadmaps_signed else s.compensation_promised
            self.strain_relations()
            if s.round_threat:
                # an ultimatum's threat is a commitment Moscow has made in public (U13, KRE-37)
                cut = min(s.round_threat, s.energy_support)
                s.energy_support -= cut
                s.coercion = clip01(s.coercion + p.minsk.ultimatum_coercion_rise)
                s.round_threat = 0.0
                self.model.note_event("kremlin", f"the ultimatum is carried out: support falls "
                                                 f"by ${cut:.2f}bn/yr")
        else:  # stall: the talks go on to the next summit, pushing the deadline if need be
            if month >= s.round_deadline:
                s.round_deadline = month + p.kremlin.round_months * p.minsk.extension_share
                s.round_extensions += 1
                s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.extension_trust_loss)
                s.dispute = clip01(s.dispute + p.minsk.extension_dispute_share
                                   * p.minsk.refusal_dispute)
        if s.round_open:
            s.round_next_summit = month + self.model.summit_every

    def push_implementation(self, v: rules.MinskView) -> None:
        """At each review Minsk sets its effort on signed documents; in between it keeps it."""
        p, s, month = self.weights, self.state, self.model.month
        supranational = bool(s.supranational_signed and not s.supranational_bodies)
        if month >= self.next_review:
            self.next_review = month + p.integration.review_months
            if supranational:
                remaining = 1.0 - s.supranational_progress
            else:
                remaining = (s.roadmaps_signed - s.roadmaps_implemented) / max(s.roadmaps_signed, 1)
            utilities = rules.implementation_utilities(s.compensation_promised, remaining,
                                                       supranational, v, p)
            choice = self.decide("implementation", rules.EFFORT, utilities,
                                 p.minsk.choice_temperature,
                                 lambda: f"{remaining:.0%} of the signed package still to do; "
                                         f"compensation promised ${s.compensation_promised:.1f}bn/yr;"
                                         f" outside options {v.outside_options:.2f}")
            self.implementing = choice == "implement"
        if not self.implementing:
            return
        rate = p.integration.implementation_rate
        if supranational:
            s.supranational_progress = clip01(s.supranational_progress
                                              + rate / p.integration.supranational_roadmaps)
            if s.supranational_progress >= 1.0:
                s.supranational_bodies = 1.0
                self.model.note_event("minsk", "supranational bodies are set up")
        else:
            s.roadmaps_implemented = min(s.roadmaps_signed, s.roadmaps_implemented + rate)
            if s.roadmaps_implemented >= s.roadmaps_signed - 1e-9 and s.compensation_promised:
                # the package deal pays out once every roadmap is law (KRE-05)
                s.energy_support += s.compensation_promised
                s.compensation_promised = 0.0
                self.model.note_event("minsk", "all signed roadmaps are in force; Moscow pays "
                                               "the promised compensation")

    def answer_base(self, v: rules.MinskView) -> None:
        p, s = self.weights, self.state
        choice = self.decide("base_answer", rules.BASE_ANSWERS,
                             rules.base_answer_utilities(p.kremlin.base_stake, v, p),
                             p.minsk.choice_temperature,
                             lambda: f"NATO threat {v.nato_threat:.2f}, outside options "
                                     f"{v.outside_options:.2f}")
        s.base_demand = 0.0
        self.apply_base_answer(choice)

    def apply_base_answer(self, choice: str) -> None:
        p, s = self.weights, self.state
        if choice == "accept":
            s.base_agreed = 1.0
            s.permanent_troops_k = max(s.permanent_troops_k, p.kremlin.base_troops_k)
            s.kremlin_trust = clip01(s.kremlin_trust + p.minsk.base_trust_gain)
        elif choice == "rotation":
            s.rotation_months = max(s.rotation_months, p.minsk.rotation_months)
            s.kremlin_trust = clip01(s.kremlin_trust + p.minsk.rotation_trust_gain)
            self.model.flags["temporary_deployment"] = True
        else:
            self.strain_relations()

    def strain_relations(self) -> None:
        """What refusing Moscow costs Minsk with the Kremlin, whatever was refused: trust lost and
        the dispute raised (``minsk.refusal_trust_loss``, ``minsk.refusal_dispute``)."""
        p, s = self.weights, self.state
        s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.refusal_trust_loss)
        s.dispute = clip01(s.dispute + p.minsk.refusal_dispute)

    def answer_troops_staying(self) -> str:
        """Moscow wants exercise troops to stay: refuse, accept a rotation, or let them stay."""
        p, s = self.weights, self.state
        v = self.view()
        choice = self.decide("troops_answer", rules.BASE_ANSWERS,
                             rules.base_answer_utilities(p.kremlin.base_stake, v, p),
                             p.minsk.choice_temperature,
                             lambda: f"Moscow wants {s.exercise_troops_k:.1f}k troops to stay; "
                                     f"NATO threat {v.nato_threat:.2f}")
        if choice == "refuse":
            self.strain_relations()
        return choice

    def answer_assets(self, v: rules.MinskView) -> None:
        p, s = self.weights, self.state
        choice = self.decide("asset_answer", rules.ASSET_ANSWERS,
                             rules.asset_answer_utilities(p.kremlin.asset_stake, v, p),
                             p.minsk.choice_temperature,
                             lambda: f"reserves ${s.reserves:.1f}bn, stress {v.economic_stress:.2f}")
        s.asset_demand = 0.0
        if choice == "sell":
            s.assets_sold += 1.0
            s.reserves += p.minsk.asset_sale_value
            s.kremlin_trust = clip01(s.kremlin_trust + p.minsk.asset_sale_trust_gain)
        else:
            s.assets_refused += 1.0
            s.dispute = clip01(s.dispute + p.minsk.asset_refusal_dispute_share
                               * p.minsk.refusal_dispute)

    def answer_us_deal(self, v: rules.MinskView) -> None:
        """The US offers one step of relief for the release of political prisoners (WES-02):
        accept (prisoners freed, the crackdown called off, Moscow suspicious) or refuse. Drawn
        from the US's stream, so runs without an offer keep Minsk's own draws unchanged."""
        p, s = self.weights, self.state
        threat = rules.protest_threat(v.protest_share, v.election_salience, p)
        utilities = us_rules.deal_answer_utilities(s.us_sanctions, v.dispute, v.outside_options,
                                                   threat, s.repression, p)
        choice = self.decide("us_deal", us_rules.DEAL_ANSWERS, utilities,
                             p.minsk.choice_temperature,
                             lambda: f"US sanctions {s.us_sanctions:.0f}, dispute with Moscow "
                                     f"{v.dispute:.2f}, outside options "
                                     f"{v.outside_options:.2f}, street {threat:.2f}, "
                                     f"repression {s.repression:.2f}",
                             draws=self.model.draws("us"))
        s.us_deal_offer = 0.0
        if choice != "accept":
            return
        u = p.us
        s.candidates_jailed *= 1.0 - u.deal_release_share
        # the releases end the crackdown: Minsk's course turns to tolerance, and repression ebbs
        # from here at its own rate (`rules.next_repression`)
        self.domestic_course = rules.DOMESTIC.index("tolerate")
        s.kremlin_trust = clip01(s.kremlin_trust - u.deal_trust_loss)
        s.dispute = clip01(s.dispute + u.deal_dispute_rise)
        self.model.flags["us_deal"] = True
        self.model.note_event("minsk", "Minsk releases prisoners for US relief")
        self.model.us.relieve()

    def take_initiative(self, v: rules.MinskView) -> None:
        p, s = self.weights, self.state
        choice = self.decide("initiative", rules.INITIATIVES, rules.initiative_utilities(v, p),
                             p.minsk.choice_temperature, _why_initiative, reasons=(v,))
        if choice == "escalate":
            s.escalated = 1.0
        elif choice == "blackmail":
            s.escalated = 1.0
            s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.blackmail_trust_loss)
        elif choice == "anti_western":
            s.kremlin_trust = clip01(s.kremlin_trust + p.minsk.posturing_trust_gain)
            s.western_engagement = clip01(s.western_engagement
                                          - p.minsk.posturing_engagement_loss)
            s.minsk_west_tilt = clip01(s.minsk_west_tilt - p.minsk.posturing_tilt_shift)
        elif choice == "diversify":
            s.diversified = clip01(s.diversified + (p.minsk.diversify_step_with_offer
                                                    if s.energy_offer else p.minsk.diversify_step))
            s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.diversify_trust_loss)
        elif choice == "open_west":
            s.minsk_west_tilt = clip01(s.minsk_west_tilt + p.minsk.open_west_tilt_shift)
            s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.open_west_trust_loss)
        elif choice == "belarusianise":
            s.belarusianisation = clip01(s.belarusianisation + p.minsk.belarusianise_step)
            s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.belarusianise_trust_loss)
        elif choice == "request_loan":
            s.loan_requested = 1.0

    def host_exercise(self, troops_k: float, name: str) -> float:
        """Decide how to host a joint exercise; returns the Russian troops admitted (thousands)."""
        p = self.weights
        v = self.view()
        choice = self.decide("exercise_hosting", rules.EXERCISE,
                             rules.exercise_utilities(troops_k, v, p), p.minsk.choice_temperature,
                             lambda: f"{name}: {troops_k:.1f}k Russian troops requested")
        s = self.state
        if choice == "cap_and_observe":
            s.western_engagement = clip01(s.western_engagement + p.minsk.cap_engagement_gain)
            s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.cap_trust_loss)
            return min(troops_k, p.minsk.exercise_cap_k)
        s.kremlin_trust = clip01(s.kremlin_trust + p.minsk.hosting_trust_gain)
        return troops_k

    def become_successor(self, new_regime: bool) -> None:
        """After a fall (new regime) or a controlled succession, the regime's weights change.

        A regime born of protest owes nothing to Moscow and values sovereignty and the West more
        (BYP-02, BYP-19); a controlled successor is closer to Moscow's wishes (KRE-18).
        """
        p = self.model.p
        minsk = dict(vars(p.minsk))
        if new_regime:
            minsk["sovereignty_weight"] = max(minsk["sovereignty_weight"],
                                              p.elite.new_regime_sovereignty_weight)
            minsk["west_value"] = minsk["west_value"] * p.elite.new_regime_west_factor
            minsk["mass_repression"] = minsk["base_repression"]
        else:
            minsk["sovereignty_weight"] = minsk["sovereignty_weight"] \
                * p.elite.successor_sovereignty_factor
        self.weights = ParameterGroup(**{**vars(p), "minsk": ParameterGroup(**minsk)})
