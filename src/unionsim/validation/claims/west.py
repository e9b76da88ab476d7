"""Claims on the West: sanctions for repression, engagement for mediation, and the US and the EU
as separate actors (a US deal, the EU holding, Lithuania's veto)."""

from __future__ import annotations

from unionsim.validation.claims.claim import ELECTION, Alternative, Batch, Claim
from unionsim.validation.claims.measures import all_of, ever, final, flag

US_EU = Batch("us_deal_eu_holds")
US_EU_QUARREL = Batch("us_deal_eu_holds_quarrel")

CLAIMS: tuple[Claim, ...] = (
    Claim("V08", "Mass repression brings Western sectoral sanctions", ("WES-06", "MIN-53", "L25"),
          "proportion", ELECTION, all_of(flag("sectoral_sanctions"), flag("mass_protests")),
          ">=", 0.7, note="runs with mass protests and sectoral sanctions",
          alternative=Alternative("edge", "EU unanimity friction at the top of its range "
                                  "(west.unanimity_friction 0.25)",
                                  sets=(("west.unanimity_friction", 0.25),))),
    Claim("V39", "Offering mediation earns Western engagement", ("SC23", "WES-02", "L16"),
          "median_difference", Batch("energy_diversification"), final("western_engagement"),
          ">", 0.0,
          other=Batch("energy_diversification", sets=(("levers.mediation_value", 0.1),)),
          note="median final Western engagement, a Minsk that values mediation (default) minus "
               "one that hardly does (low edge)", unit="engagement (0..1)",
          invariant=("not evidence: with the EU and the US giving mediation no weight (its "
                     "ablation) the median difference is the same +0.05 [-0.15, +0.2] (200 runs, "
                     "seed 2026) as with it, +0.05 [-0.05, +0.13] at 1000 runs; since mediation "
                     "counts once, through the EU's and the US's decisions, the "
                     "measured gap comes from other channels and the claim cannot fail")),
    Claim("V40", "The US and the EU diverge: the US eases while the EU's sanctions stay",
          ("WES-02", "L13", "NEI-03", "NAT-17"), "proportion", US_EU,
          flag("us_eu_diverged"), ">=", 0.2,
          note="runs in which the US relieved its sanctions while the EU's stood, and the EU "
               "had not eased by the end",
          invariant=("its ablation (us.deal_appeal = 0) still passed at 44%: the quarrel term alone "
                     "keeps US deals in the scenario, so no documented alternative tried makes it "
                     "fail.")),
    Claim("V41", "Minsk takes US relief for prisoners more often when it quarrels with Moscow",
          ("WES-02", "MIN-25", "MIN-44", "E30"), "difference", US_EU_QUARREL,
          flag("us_deal"), ">=", 0.05, other=US_EU,
          note="runs with a US prisoner deal accepted, oil quarrel minus none",
          alternative=Alternative(
              "ablation", "a quarrel with Moscow adds nothing to a US opening (MIN-25 and MIN-44 "
              "ignored: us.deal_isolation_value and us.buffer_value at the bottom of their ranges)",
              sets=(("us.deal_isolation_value", 0.0), ("us.buffer_value", 0.2)))),
    Claim("V42", "Lithuania's veto keeps the EU holding while the US eases",
          ("NEI-03", "WES-02"), "difference",
          Batch("us_deal_eu_holds", sets=(("west.lithuania_friction", 0.3),)),
          flag("us_eu_diverged"), ">=", 0.03,
          other=Batch("us_deal_eu_holds", sets=(("west.lithuania_friction", 0.0),)),
          note="divergence with Lithuania's veto at the top of its range minus without it",
          alternative=Alternative(
              "edge", "an EU that eases only once every prisoner is free: with nothing left to "
              "veto, Lithuania's position makes no difference",
              sets=(("west.release_condition", 0.0),))),
    Claim("V43", "Mass repression brings US sanctions as well as the EU's",
          ("WES-06", "MIN-53", "WES-01"), "proportion", ELECTION,
          all_of(ever("us_sanctions", "2020-08", "2021-06", 1), flag("mass_protests")),
          ">=", 0.7, note="runs with mass protests and a US sanctions step by June 2021",
          invariant=("with the US's human-rights weight at the bottom and its sanction "
                     "friction at the top of their ranges, 96% of 100 election_2020 runs still "
                     "see a US step: the US answers mass repression by construction; the "
                     "alternative that removes the repression (the 2015 election) has no "
                     "2020-21 window to measure")),
    Claim("V44", "A US deal does not bring EU relief: the EU holds in most runs with a deal",
          ("NEI-03", "WES-05", "WES-01"), "ratio", US_EU,
          lambda d: (int((d.outcomes["us_deal"].astype(bool)
                          & d.outcomes["us_eu_diverged"].astype(bool)).sum()),
                     int(d.outcomes["us_deal"].astype(bool).sum())),
          ">=", 0.7, note="share of the runs with a US deal in which the EU never eased",
          alternative=Alternative(
              "edge", "the most lenient EU in its ranges: quick to forget, little unanimity "
              "friction, no Lithuanian veto, loose release and repression conditions",
              sets=(("west.memory_decay", 0.1), ("west.unanimity_friction", 0.05),
                    ("west.lithuania_friction", 0.0), ("west.release_condition", 0.4),
                    ("west.easing_repression_ceiling", 0.6), ("west.dialogue_condition", 0.0)))),
)
