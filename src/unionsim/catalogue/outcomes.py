"""What each outcome and flag of a run means, in words users can read.

The model decides outcomes and flags in `unionsim.model.outcomes` (``classify``, ``run_flags``);
this module says the same rules in plain words, names the parameters behind their thresholds and
the FACTS ids that give the documents' reading. ``unionsim outcomes`` and the README table show
it with the parameters' current values.

Adding an outcome or a flag is one `Definition` entry in `DEFINITIONS`; a test checks that every
name in ``OUTCOMES`` and ``FLAGS`` has exactly one and that every parameter named exists.
Outcomes are listed in the order ``classify`` tests them: the first that applies is the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping


@dataclass(frozen=True)
class Definition:
    """One outcome or flag: its rule in words, the parameters in the rule, the documents' reading."""

    name: str
    kind: Literal["outcome", "flag"]
    rule: str
    reading: str
    parameters: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


DEFINITIONS: tuple[Definition, ...] = (
    # ----------------------------------------------------------------- outcomes, by precedence
    Definition(
        "absorption", "outcome",
        "Russia attempted a takeover and it succeeded: Belarus is occupied and absorbed. Beats "
        "every other outcome. The odds of success rise with a weak, divided regime and a "
        "mobilised pro-Russian base, and fall with the share ready to resist.",
        "The documents treat annexation as possible but costly and unlikely while Minsk stays "
        "manageable; Moscow would switch to it only under a Ukraine-like threat.",
        ("kremlin.takeover_base_success", "kremlin.takeover_weakness_gain",
         "kremlin.takeover_base_support_gain", "kremlin.takeover_resistance_cost",
         "public.resistance_share", "public.prorussian_mobilisation"),
        ("SC15", "KRE-16", "KRE-23", "BYP-07")),
    Definition(
        "regime_change", "outcome",
        "The regime fell: the security forces and elite defected and a new regime took over. "
        "Each month defection is drawn with odds that need protests near the mass-protest share "
        "and grow as elite cohesion falls, and shrink under repression and Russian backing.",
        "The regime is not hollowed out and survived 2020 with Moscow's backing; how loyal the "
        "army would stay is disputed, and Moscow fears a revolt would bring anti-Russian forces "
        "to power.",
        ("public.mass_protest_share", "elite.defection_scale", "elite.backing_deterrence",
         "elite.army_defection_risk"),
        ("SC19", "MIN-60", "KRE-17", "D4")),
    Definition(
        "supranational_union", "outcome",
        "Supranational bodies were set up: Minsk signed the supranational package and implemented "
        "it to the end.",
        "Minsk's hardest red line: it refused even to discuss the supranational roadmap, and "
        "Moscow put it off to 2023 or later.",
        ("integration.supranational_roadmaps", "integration.implementation_rate"),
        ("U20", "U24", "MIN-05", "KRE-01")),
    Definition(
        "permanent_presence", "outcome",
        "Russian forces are stationed permanently at the end: Minsk agreed to a base, or accepted "
        "that troops sent for an exercise or a deployment stay.",
        "Belarus hosts no Russian military base: a base announced in 2013 never came, the 2014 "
        "deployment was a rotation sent home within a year, and after 2020 Minsk still accepted "
        "no new permanent forces.",
        (), ("SC10", "SC11", "M24", "M25", "NEI-06", "MIN-61")),
    Definition(
        "economic_integration", "outcome",
        "Roadmaps were signed and at least the given share of them is in force, without "
        "supranational bodies.",
        "The key roadmaps were meant to enter into force one to two years after signature; "
        "earlier union treaties were mostly not carried out.",
        ("outcomes.implemented_share",), ("U27", "U29", "U3")),
    Definition(
        "rupture", "outcome",
        "An open break with Moscow at the end: a takeover was attempted and failed, or a dispute "
        "at least the given intensity is live while the Kremlin's trust is at most the given "
        "level.",
        "Minsk has threatened to walk out of the alliance (boycotting the CSTO during the milk "
        "war) and trade wars recur; an open break is the far end of that pattern.",
        ("outcomes.rupture_dispute_min", "outcomes.rupture_trust_max"),
        ("MIN-20", "SYS-07", "SC26")),
    Definition(
        "dependence", "outcome",
        "Russia's embrace: Western sanctions of at least the given level in force, Western "
        "engagement at most the given level and Russian loans of at least the given amount "
        "received; or Russian forces were sent in to hold the regime.",
        "After the 2020 crackdown the West answered with sanctions and Minsk came to rely on "
        "Moscow alone, which lent it USD 1.5 bn but gave little else.",
        ("outcomes.dependence_sanctions_min", "outcomes.dependence_engagement_max",
         "outcomes.dependence_loans_min"), ("SC20", "MIN-53", "KRE-19", "E12", "M47")),
    Definition(
        "symbolic_integration", "outcome",
        "Roadmaps were signed early enough to be implemented, but less than the given share of "
        "them is in force.",
        "Signing without implementing is the Union State's pattern: documents are adopted and "
        "then stall.",
        ("outcomes.implemented_share", "outcomes.late_signing_months"), ("SYS-01", "SC6")),
    Definition(
        "integration_pending", "outcome",
        "Roadmaps were signed within the given number of months of the run's end, too recently "
        "to tell whether they will be implemented.",
        "The key roadmaps were to enter into force one to two years after approval, so a recent "
        "signature is neither implemented nor yet a dead letter.",
        ("outcomes.late_signing_months",), ("U29", "SC6")),
    Definition(
        "western_rapprochement", "outcome",
        "Sanctions at most the given level, Western engagement at least the given level, and oil "
        "diversified to the given share or a Western energy offer made.",
        "Sanctions were lifted in 2015-16 after Minsk's neutrality on Ukraine and the West "
        "upgraded its ties; buying oil elsewhere was the test of turning words into deeds.",
        ("outcomes.westward_sanctions_max", "outcomes.westward_engagement_min",
         "outcomes.westward_diversified_min"), ("SC21", "SC22", "WES-02", "E30")),
    Definition(
        "status_quo", "outcome",
        "None of the above: nothing signed, no supranational bodies, no permanent presence, no "
        "forces sent in, the regime in place, neither dependent on Russia nor turned westward.",
        "The marketised status quo: Russia keeps cutting subsidies and Minsk keeps its "
        "sovereignty, on worse terms.",
        (), ("SC1", "KRE-07")),
    # ----------------------------------------------------------------- flags (may co-occur)
    Definition(
        "mass_protests", "flag",
        "At some month the share of adults protesting reached the mass-protest share.",
        "Mass protests followed the August 2020 election and were met with harsh repression.",
        ("public.mass_protest_share",), ("SC19", "SC20")),
    Definition(
        "ukraine_like_protests", "flag",
        "At some month the radicalism of the protests (seized buildings, clashes) reached the "
        "Kremlin's crisis threshold.",
        "Only protests that look like Kyiv in 2014 would make Moscow treat Belarus as a crisis.",
        ("kremlin.crisis_threshold",), ("KRE-16",)),
    Definition(
        "crisis_logic", "flag",
        "The Kremlin switched to the logic of 2014, in which costs become secondary: the protests "
        "reached the crisis threshold, elite cohesion fell to the collapse level, or the regime "
        "fell.",
        "Moscow weighs costs while Minsk is manageable and stops doing so when it fears losing "
        "Belarus to the West.",
        ("kremlin.crisis_threshold", "kremlin.collapse_cohesion"), ("KRE-16", "KRE-17")),
    Definition(
        "forces_deployed", "flag",
        "Under the crisis logic, Russia sent forces into Belarus to hold the regime.",
        "In 2020 Minsk agreed that Russian guard police could be sent in if needed; none came, "
        "and no new permanent Russian forces were stationed.",
        ("kremlin.deployment_troops_k", "kremlin.deployment_months"), ("KRE-16", "M47")),
    Definition(
        "takeover_attempted", "flag",
        "Russia attempted a takeover (whether or not it succeeded).",
        "A takeover is a last resort that the documents expect only under the crisis logic.",
        (), ("KRE-16", "KRE-21", "KRE-23")),
    Definition(
        "troops_stayed", "flag",
        "Russian troops sent for an exercise or a deployment stayed when it ended, with Minsk's "
        "consent.",
        "Neighbours feared that troops brought in for Zapad 2017 would stay; they left.",
        (), ("M22", "SC11")),
    Definition(
        "temporary_deployment", "flag",
        "Minsk accepted Russian forces on rotation rather than a permanent stay.",
        "In 2014 Minsk asked for Russian aircraft on three-month rotations, all gone within a "
        "year.",
        ("minsk.rotation_months",), ("M24",)),
    Definition(
        "sectoral_sanctions", "flag",
        "Western sanctions reached the sectoral step at some month.",
        "The EU answered the 2020 repression and the Ryanair forcing with sectoral sanctions in "
        "June 2021.",
        (), ("WES-06", "L25")),
    Definition(
        "western_energy_offer", "flag",
        "The West offered Belarus alternative oil.",
        "In February 2020 the US offered to supply all the oil Belarus needs.",
        (), ("WES-08", "E31")),
    Definition(
        "trade_war", "flag",
        "Russia started a trade war at least once.",
        "Moscow has repeatedly used trade bans and energy cuts as pressure.",
        ("kremlin.trade_war_months",), ("SYS-07",)),
    Definition(
        "russian_loan", "flag",
        "Russia lent Belarus money at least once. A rescue loan is sized to the funding "
        "shortfall that would take reserves below a target, and only a shortfall above a "
        "minimum is worth a loan.",
        "After the 2020 protests Moscow gave a USD 1.5 bn loan and went on lending just enough "
        "to refinance old debt.",
        ("kremlin.rescue_reserve_target", "kremlin.rescue_min"), ("E12", "E14")),
    Definition(
        "default", "flag",
        "The foreign-exchange reserves ran out at least once.",
        "Reserves of about USD 7 bn against a debt of about 28 bn leave little buffer.",
        (), ("E15", "E17")),
    Definition(
        "asset_sale", "flag",
        "Minsk sold at least one strategic enterprise to Russian capital.",
        "Minsk has resisted selling its strategic firms for over a decade, Beltransgas being the "
        "one exception.",
        (), ("E25", "E26")),
    Definition(
        "integration_signed", "flag",
        "Any integration roadmap or the supranational package was signed.",
        "In 2021 the two sides neared signature of a package of 28 roadmaps.",
        (), ("U27", "U28")),
    Definition(
        "regime_fell", "flag",
        "A new regime took power at some point (the regime_change outcome, as a flag that can be "
        "counted alongside other outcomes).",
        "As for regime_change: the documents expected the regime to survive, and Moscow fears "
        "that a revolt would bring anti-Russian forces to power.",
        (), ("SC19", "KRE-17")),
    # ----------------------------------------------------------------- a war next door
    Definition(
        "war_asked", "flag",
        "During a war next door, the Kremlin asked Minsk at least once for a role in it "
        "(logistics, airspace, staging, the joint grouping or a combat role).",
        "The documents' context is the Donbas war; Moscow trusts that Minsk's situational "
        "neutrality will not hold.",
        ("war.kremlin.push_cost", "war.kremlin.renew_months"), ("SC23", "KRE-34", "MIN-28")),
    Definition(
        "staging_allowed", "flag",
        "Minsk allowed Russia at least a limited role in a war next door (staging, airspace or "
        "logistics), or more.",
        "Minsk says it would never let its territory be used to attack another state.",
        ("war.minsk.neutrality_cost", "war.minsk.limited_share"), ("MIN-28", "SYS-14")),
    Definition(
        "joint_grouping_activated", "flag",
        "Minsk allowed a full role: the joint Regional Group of Forces was activated under one "
        "command.",
        "The joint grouping exists on paper, with a joint command only in wartime.",
        ("war.minsk.neutrality_cost",), ("M15", "MIN-28")),
    Definition(
        "combat_role", "flag",
        "Minsk allowed Belarusian forces a combat role in the war next door.",
        "Minsk's line is no troops abroad and no part in someone else's war.",
        ("war.minsk.army_weight",), ("MIN-28",)),
    Definition(
        "exercise_troops_stayed_a_while", "flag",
        "Russian exercise troops stayed in Belarus for a while during a war next door, with "
        "Minsk's consent.",
        "The 2014 Russian jets stayed on rotation and were gone within a year; exercises "
        "preceded the wars of 2008 and 2014.",
        ("war.exercise.stay_months",), ("M24", "SYS-12")),
    Definition(
        "exercise_troops_used", "flag",
        "Exercise troops staying in Belarus were there while Minsk allowed Russia a role in the "
        "war next door (used in it).",
        "Not in the documents (2019-2021): our assumption, grounded only in the 2008 and 2014 "
        "precedents.",
        (), ("SYS-12",)),
    # ----------------------------------------------------------------- the army
    Definition(
        "army_purged", "flag",
        "The regime purged the officer corps at least once: the army's loyalty fell below the "
        "purge threshold (at most one purge per review period).",
        "Lukashenka purged suspected Kremlin enthusiasts from the security apparatus and replaced "
        "Russia-educated generals with officers schooled at home.",
        ("army.purge_threshold", "army.review_months"), ("MIN-33", "ELI-05")),
    Definition(
        "army_refused_repression", "flag",
        "Ordered onto a mass street (a regime cracking down on a street beyond the army's order "
        "level), the army refused at least once; the refusal weighs on the elite's cohesion and "
        "raises the monthly defection hazard while it is fresh.",
        "Disputed: the army is believed less loyal to Lukashenka than the KGB and police and might "
        "switch sides; others see no such inclination among security officers.",
        ("army.order_street_factor", "public.mass_protest_share", "army.refusal_decay"),
        ("ELI-06", "ELI-05", "D4")),
    Definition(
        "army_refused_abroad", "flag",
        "Ordered to fight beside Russia's forces after Minsk allowed a full role in a war next "
        "door, the army refused at least once: Minsk fell back to a limited role and the dispute "
        "with Moscow grew.",
        "Minsk's doctrine rules out troops abroad and other people's wars.",
        ("army.abroad_refusal_dispute",), ("MIN-28", "NAT-08")),
    # ----------------------------------------------------------------- strategic levers
    Definition(
        "strategic_deployed", "flag",
        "Russian strategic systems were stationed in Belarus at some point: nuclear-capable "
        "delivery systems or nuclear weapons, proposed by Moscow and accepted (or bought) by Minsk.",
        "Minsk balked even at the market price of Iskanders; Russia's doctrine allows limited "
        "nuclear strikes to de-escalate a war.",
        ("strategic.delivery_sovereignty_cost", "strategic.nuclear_pledge_cost",
         "strategic.price_bn"), ("M4", "M10", "M38")),
    Definition(
        "guarantees_requested", "flag",
        "Feeling threatened by NATO's posture or by tension, Minsk asked Moscow at least once for "
        "security guarantees or for systems.",
        "With NATO more active on the western flank, Minsk asks Russia for more guarantees while "
        "still declining more Russian troops.",
        ("strategic.request_threat", "strategic.guarantee_value"), ("MIN-31",)),
    Definition(
        "transit_threatened", "flag",
        "Under pressure (a dispute with Moscow, sanctions or a war next door), Minsk threatened at "
        "least once to disrupt the transit of Russian oil or gas through Belarus.",
        "Minsk's pipelines are a counter-lever: it can threaten Russian exports that cross them.",
        ("levers.dispute_gate", "levers.transit_value"), ("MIN-15",)),
    Definition(
        "neighbours_pressured", "flag",
        "Minsk put pressure on a neighbour at least once (an assumption: the 2019-2021 documents "
        "describe the neighbours' stakes, not this lever).",
        "The neighbours value Belarus as a buffer and need its cargo; Lithuania's quarrels hamper "
        "EU consensus.",
        ("levers.pressure_value", "levers.pressure_cost"), ("NEI-02", "NEI-03", "NEI-04")),
    Definition(
        "mediation_offered", "flag",
        "Minsk offered itself at least once as a mediator and neutral venue.",
        "Minsk hosted the Minsk I and II talks on the Donbas war and kept a neutral line.",
        ("levers.mediation_value",), ("SC23",)),
    Definition(
        "border_closed", "flag",
        "A neighbour answered Minsk's pressure by closing a border crossing for a while (an "
        "assumption, like the pressure itself).",
        "The neighbours fear a longer border with Russia and react to Minsk's moves.",
        ("levers.closure_pressure", "levers.closure_months"), ("NEI-02",)),
    # ----------------------------------------------------------------- the US and the EU
    Definition(
        "us_deal", "flag",
        "Minsk accepted a US offer of one step of relief for the release of political prisoners.",
        "The West, the US first, lifted its sanctions after Minsk improved human rights and "
        "stayed neutral on Ukraine.",
        ("us.deal_release_share",), ("WES-02", "L13")),
    Definition(
        "us_eased", "flag",
        "The US lifted at least one step of its own sanctions (by a deal or on its own terms).",
        "US relief came in 2015, a year before the EU's.",
        ("us.release_condition",), ("L13",)),
    Definition(
        "us_eu_diverged", "flag",
        "The US lifted a step of its sanctions while the EU's were in force, and the EU had not "
        "eased by the end of the run.",
        "The US signals attention and deals; the EU needs unanimity, which Lithuania's positions "
        "make hard to reach.",
        ("west.lithuania_friction",), ("NAT-17", "NEI-03", "L13")),
    Definition(
        "us_oil_offer", "flag",
        "The US offered Belarus oil (opening the shared energy offer).",
        "In February 2020 the US Secretary of State offered to supply all the oil Belarus needs.",
        ("us.energy_lever",), ("E31", "WES-08")),
)

BY_NAME: dict[str, Definition] = {d.name: d for d in DEFINITIONS}


def definitions(kind: str | None = None) -> list[Definition]:
    """The definitions, outcomes first in precedence order, then flags; or only one kind."""
    return [d for d in DEFINITIONS if kind is None or d.kind == kind]


def parameter_values(definition: Definition, values: Mapping[str, float]) -> list[tuple[str, float]]:
    """The definition's parameters with their values in force (from a `ParameterSet`'s values)."""
    return [(name, values[name]) for name in definition.parameters]


def render_markdown(values: Mapping[str, float]) -> str:
    """The README table: outcome or flag, rule, parameters with values, documents' reading."""
    rows = ["| outcome / flag | rule | parameters (default) | the documents' reading (FACTS) |",
            "|---|---|---|---|"]
    for d in DEFINITIONS:
        label = f"**{d.name}**" if d.kind == "outcome" else f"`{d.name}` (flag)"
        params = ", ".join(f"`{n}` = {v:g}" for n, v in parameter_values(d, values)) or "-"
        rows.append(f"| {label} | {d.rule} | {params} | {d.reading} ({', '.join(d.facts)}) |")
    return "\n".join(rows)
