"""Scheduled and triggered events: what each event type changes, with its fields and the facts
it rests on. `EVENT_TYPES` maps each ``type:`` to its model; `unionsim.model.events` applies
them.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field, field_validator, model_validator

from unionsim.config.schema.base import LocatedValueError, Strict
from unionsim.config.schema.months import MonthRef, check_month_ref


class EventBase(Strict):
    """Fields every event has. A scheduled event (under ``events:``) needs a ``month``; the event
    a trigger fires (under ``triggers: ... then:``) must not have one. ``id`` names an event so a
    scenario that ``extends`` this one can replace or remove it.

    ``RETIRED`` lists fields an event type no longer has, each with the message that names the
    field that replaced it and its unit (an old scenario fails with that message, not with an
    unknown-key error)."""

    RETIRED: ClassVar[dict[str, str]] = {}

    month: MonthRef | None = None
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]+$")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_retired_fields(cls, data):
        if isinstance(data, dict):
            for old, message in cls.RETIRED.items():
                if old in data:
                    raise LocatedValueError((old,), message)
        return data

    @field_validator("month", mode="before")
    @classmethod
    def _month_ok(cls, v):
        return None if v is None else check_month_ref(v)


class TaxManoeuvreStep(EventBase):
    """One annual step of Russia's oil tax manoeuvre: the duty-free oil rent shrinks and Minsk's
    demand for compensation flares (E1-E6, E5b, SC2)."""

    type: Literal["tax_manoeuvre_step"]
    cut_bn: float = Field(gt=0, le=3, description="USD bn per year of Russian support removed")


class SubsidyCut(EventBase):
    """Moscow cuts energy support outside the tax manoeuvre, as it has since 2015 (E10, E11, SC1);
    Minsk reads it as coercion (BYP-17, MIN-45)."""

    type: Literal["subsidy_cut"]
    cut_bn: float = Field(gt=0, le=5, description="USD bn per year of Russian support removed")


class RoadmapRound(EventBase):
    """Moscow opens a round of integration talks with a signing deadline (U15-U30, KRE-04/05)."""

    type: Literal["roadmap_round"]
    depth: Literal["roadmaps", "supranational"] = "roadmaps"
    roadmaps: int = Field(default=28, ge=1, le=31, description="roadmaps in the package (U17, U27)")
    deadline: MonthRef
    summit_every: int = Field(default=3, ge=1, le=12, description="months between summits (U16)")

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline_ok(cls, v):
        return check_month_ref(v)


class Ultimatum(RoadmapRound):
    """An ultimatum: integration by the deadline or the threatened support goes (U13, KRE-04,
    KRE-37, SC4). Refusing makes Moscow carry out the threat."""

    type: Literal["ultimatum"]  # type: ignore[assignment]
    threat_bn: float = Field(gt=0, le=5, description="USD bn per year Moscow threatens to remove")


class AirbaseDemand(EventBase):
    """Moscow demands an airbase or permanent presence (M25, SIL-05, KRE-26, SC10)."""

    type: Literal["airbase_demand"]


class Exercise(EventBase):
    """A joint Russian-Belarusian exercise such as Zapad (M18-M23, SC11)."""

    type: Literal["exercise"]
    name: str = "Zapad"
    russian_troops_k: float = Field(gt=0, le=100, description="Russian troops requested, thousands")
    duration_months: int = Field(default=1, ge=1, le=6)


class NatoExercise(EventBase):
    """A large NATO exercise near Belarus such as Defender Europe 2020 (M33, NAT-05, SC12)."""

    type: Literal["nato_exercise"]
    name: str = "Defender Europe"
    months: int = Field(default=3, ge=1, le=12)
    tension: float = Field(default=0.05, ge=0, le=0.5, description="Russia-West tension added")


class NatoBuildup(EventBase):
    """NATO reinforces its eastern flank (EFP, US deployments in Poland; M36, NAT-04, NAT-06)."""

    type: Literal["nato_buildup"]
    posture: float = Field(gt=0, le=0.5, description="forward posture added (0..1 scale)")


class Election(EventBase):
    """A Belarusian election: fraud salience rises and the regime weighs pre-emptive repression
    (MIN-49, MIN-52, L6). How salient it becomes follows from the number of serious challengers
    in the race, converted by the parameters ``events.managed_vote_strength`` and
    ``events.challenger_mobilisation`` (`unionsim.model.rules.public.campaign_strength`)."""

    RETIRED = {"challengers": (
        "`challengers` (a 0..1 strength without a unit) is replaced by `serious_challengers`: the "
        "number of serious challengers in the race, candidates outside the regime's usual '1+3' "
        "line-up who draw crowds (MIN-52), e.g. 0 for 2015 (L7, BYP-12) and 2 for 2020 (MIN-52); "
        "the model converts the count with events.challenger_mobilisation")}

    type: Literal["election"]
    kind: Literal["presidential", "parliamentary"] = "presidential"
    serious_challengers: int = Field(
        default=0, ge=0, le=10,
        description="number of serious challengers in the race (count): candidates outside the "
                    "regime's usual '1+3' line-up who draw crowds, jailed or not (MIN-52); 0 for a "
                    "stage-managed vote (L7, MIN-49) or an opposition that holds back under a "
                    "Russian threat (BYP-12, L6b)")


class EconomicShock(EventBase):
    """An exogenous hit to Belarusian growth (e.g. the Covid-19 recession, L30). The documents
    name recessions but give no sizes (E23, L30): without ``growth_pp`` the hit is the fitted
    parameter ``events.recession_growth_pp``."""

    type: Literal["economic_shock"]
    growth_pp: float | None = Field(
        default=None, ge=-20, le=10,
        description="change of annual growth, percentage points (pp); none: a documented recession "
                    "whose size the documents do not give, sized by events.recession_growth_pp")
    months: int = Field(default=6, ge=1, le=60, description="months the shock lasts")
    label: str = "economic shock"
    mishandled: bool = Field(
        default=False,
        description="whether the regime is seen to mishandle the shock (yes/no; the 2020 Covid "
                    "handling: BYP-18, ELI-11); how much that weighs is public.mishandling_grievance, "
                    "public.mishandling_legitimacy and elite.mishandling_erosion")

    @field_validator("mishandled", mode="before")
    @classmethod
    def _mishandled_is_yes_or_no(cls, v):
        if not isinstance(v, bool):
            raise ValueError(
                "`mishandled` is yes/no (true or false): whether the regime is seen to mishandle "
                "the shock (BYP-18, ELI-11), no longer a 0..1 degree; how much a mishandled crisis "
                "weighs is the parameter public.mishandling_grievance (with "
                "public.mishandling_legitimacy and elite.mishandling_erosion)")
        return v


class OilPriceShock(EventBase):
    """The world oil price moves by a factor for some months; Russia's budget and both economies
    follow (E24, MON-03)."""

    type: Literal["oil_price_shock"]
    factor: float = Field(gt=0.1, le=3, description="oil price multiplier, e.g. 0.6 for a 40% fall")
    months: int = Field(default=12, ge=1, le=120)


class SanctionsPackage(EventBase):
    """The West adopts a sanctions package whatever its rules would do (L25, WES-06)."""

    type: Literal["sanctions_package"]
    levels: int = Field(default=1, ge=1, le=3, description="sanctions levels added (0..3 scale)")


class EnergyOffer(EventBase):
    """The West offers alternative oil, as Pompeo did on 1 February 2020 (E31, WES-08, SC22)."""

    type: Literal["energy_offer"]


class InfoCampaign(EventBase):
    """A Russian hybrid and information campaign (HYB-01, HYB-02, FAC-03, SC14)."""

    type: Literal["info_campaign"]
    intensity: float = Field(default=0.7, gt=0, le=1)
    months: int = Field(default=12, ge=1, le=120)


_UNREST_SIZES_RETIRED = (
    "`grievance` and `militancy` (0..1 numbers without a unit) are replaced by `kind`: economic (a "
    "wave against price hikes or a tax, as in 2011 and 2017: L9, BYP-18) or ukraine_like (seized "
    "buildings and armed clashes: KRE-16, SC16); the sizes are the parameters "
    "events.unrest.economic.grievance, events.unrest.ukraine_like.grievance and "
    "events.unrest.ukraine_like.militancy")


class Unrest(EventBase):
    """An exogenous wave of grievance and militancy in the street (BYP-18, KRE-16, HYB-03, SC16),
    of a documented kind: ``economic``, a wave against price hikes or a tax like those of 2011 and
    2017 (L9, BYP-18; peaceful, BYP-09), or ``ukraine_like``, seized buildings and armed clashes
    (KRE-16, SC16). Its grievance and militancy are the parameters ``events.unrest.<kind>.*``;
    what turns protest Ukraine-like is left to the actors."""

    RETIRED = {"grievance": _UNREST_SIZES_RETIRED, "militancy": _UNREST_SIZES_RETIRED}

    type: Literal["unrest"]
    kind: Literal["economic", "ukraine_like"] = Field(
        description="economic: against price hikes or a tax (2011, 2017; L9, BYP-18); "
                    "ukraine_like: seized buildings and armed clashes (KRE-16, SC16)")
    months: int = Field(default=3, ge=1, le=24, description="months the wave lasts")


class TensionShock(EventBase):
    """A Russia-West crisis elsewhere raises tension (MIN-21, NAT-03)."""

    type: Literal["tension_shock"]
    delta: float = Field(ge=-1, le=1, description="change of Russia-West tension")


class KaliningradCrisis(EventBase):
    """A crisis over the land corridor to Kaliningrad through the Suwalki gap (NAT-11, NAT-12,
    SC13): tension rises, NATO exercises, Moscow wants forces and transit in Belarus."""

    type: Literal["kaliningrad_crisis"]
    tension: float = Field(default=0.25, ge=0, le=1)
    months: int = Field(default=4, ge=1, le=24)


class LeaderExit(EventBase):
    """Lukashenka leaves office; a successor takes over in a controlled transfer that Moscow
    expects to steer (SC18, KRE-18, KRE-26, L2)."""

    type: Literal["leader_exit"]
    cohesion_loss: float = Field(default=0.3, ge=0, le=1, description="elite cohesion lost")


class CandidatesJailed(EventBase):
    """The regime jails serious challengers before an election, as it did with pre-emptive arrests
    of hundreds in May 2020 once serious challengers had emerged (MIN-52, L8): a documented fact
    that feeds the street's grievance; whether protest follows is left to the actors. The share
    held is ``jailed`` / ``serious_challengers``."""

    RETIRED = {"share": (
        "`share` (a 0..1 share) is replaced by `jailed` and `serious_challengers`: how many of the "
        "race's serious challengers are jailed, and how many serious challengers the race has "
        "(counts; MIN-52, L8); the share held is jailed / serious_challengers")}

    type: Literal["candidates_jailed"]
    jailed: int = Field(ge=1, le=10, description="number of serious challengers jailed (count)")
    serious_challengers: int = Field(
        ge=1, le=10, description="number of serious challengers in the race (count), as in the "
                                 "election event")

    @model_validator(mode="after")
    def _no_more_jailed_than_running(self) -> "CandidatesJailed":
        if self.jailed > self.serious_challengers:
            raise LocatedValueError(("jailed",), f"{self.jailed} jailed of "
                                                 f"{self.serious_challengers} serious challengers: "
                                                 f"at most all of them can be jailed")
        return self


class WarNextDoor(EventBase):
    """A war between Russia and a third country next door (the Donbas war and Minsk as the venue
    of its talks, SC23; the Suwalki and Baltic cases, SC13, NAT-10, NAT-11): Russia-West tension
    rises and the Kremlin may ask Minsk for staging rights, airspace, logistics, the joint
    grouping or a combat role (MIN-28, M15). Whether Minsk agrees is left to the actors."""

    type: Literal["war_next_door"]
    adversary: str = Field(default="a third country",
                           description="who Russia fights (a label for documentation only)")
    months: int | None = Field(default=None, ge=1, le=120,
                               description="how long the war lasts; none: to the horizon")
    intensity: float = Field(default=0.5, gt=0, le=1,
                             description="how intense the war is, 0..1: its military value to "
                                         "Moscow and its danger to Belarus")


EVENT_CLASSES = (TaxManoeuvreStep, SubsidyCut, RoadmapRound, Ultimatum, AirbaseDemand, Exercise,
                 NatoExercise, NatoBuildup, Election, EconomicShock, OilPriceShock,
                 SanctionsPackage, EnergyOffer, InfoCampaign, Unrest, TensionShock,
                 KaliningradCrisis, LeaderExit, CandidatesJailed, WarNextDoor)

Event = Annotated[Union[EVENT_CLASSES], Field(discriminator="type")]  # type: ignore[valid-type]

EVENT_TYPES: dict[str, type[EventBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in EVENT_CLASSES
}
