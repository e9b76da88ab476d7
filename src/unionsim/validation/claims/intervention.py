"""Claims on Russian intervention and absorption: when the Kremlin switches to the logic of 2014,
attempts a takeover, and whether a pro-Russian base would carry one (D6)."""

from __future__ import annotations

from unionsim.validation.claims.claim import BASE, ELECTION, Alternative, Batch, Claim
from unionsim.validation.claims.measures import all_of, any_of, flag

CLAIMS: tuple[Claim, ...] = (
    Claim("V01", "Forced incorporation is not attempted while Minsk is manageable",
          ("KRE-16", "KRE-21", "KRE-23"), "proportion", BASE,
          all_of(flag("takeover_attempted"), lambda d: ~flag("crisis_logic")(d)), "<=", 0.01,
          note="share of baseline runs with a takeover attempt and no crisis logic",
          invariant="outside the crisis logic Putin's takeover utility is about -3 against +0.35 for "
                    "holding course at a choice temperature of 0.1, about e^-30 a month; "
                    "no documented value brings an attempt while Minsk is manageable"),
    Claim("V02", "Annexation stays unlikely in the 2019-2023 baseline", ("SC15", "KRE-24"),
          "proportion", BASE, flag("absorption"), "<=", 0.05,
          invariant="annexation in the baseline needs the crisis logic and a collapsing state; the most "
                    "favourable documented positions together (a mobilisable pro-Russian base, a "
                    "proactive Kremlin, putin.intervention_cost at its low end 1.5) give 3.6% "
                    "[1.9, 6.7] at 250 runs, and the crisis threshold at its low end with the same "
                    "cost 2.8%: within <= 5%"),
    Claim("V13", "Ukraine-like protests switch the Kremlin to the logic of 2014", ("KRE-16",),
          "difference", Batch("colour_revolution"), flag("crisis_logic"), ">=", 0.15,
          other=ELECTION,
          alternative=Alternative("edge", "the Kremlin's crisis threshold at the top of its range "
                                  "(kremlin.crisis_threshold 0.7)",
                                  sets=(("kremlin.crisis_threshold", 0.7),))),
    Claim("V14", "Ukraine-like protests raise the chance of Russian intervention",
          ("KRE-16", "HYB-03", "M47"), "difference", Batch("colour_revolution"),
          any_of(flag("forces_deployed"), flag("takeover_attempted")), ">=", 0.1,
          other=ELECTION,
          alternative=Alternative("edge", "the Kremlin's crisis threshold at the top of its range "
                                  "(kremlin.crisis_threshold 0.7)",
                                  sets=(("kremlin.crisis_threshold", 0.7),))),
    Claim("V24", "Without a pro-Russian base a takeover rarely succeeds",
          ("BYP-04", "KRE-17"), "proportion",
          Batch("colour_revolution", params=("params/no_prorussian_base.yaml",)),
          flag("absorption"), "<=", 0.05, dispute="D6",
          note="carnegie2019 / shraibman2021b position",
          invariant="the documented other side, a mobilisable pro-Russian base (D6: westwary2019, "
                    "marin2020), gives 4.5% [2.4, 8.3] at 200 runs, near the threshold but within "
                    "it, and with the takeover's base odds at the top of their range "
                    "(kremlin.takeover_base_success 0.35) the same 4.5%: no documented alternative "
                    "takes it above 5%"),
    Claim("V25", "A mobilisable pro-Russian base makes absorption likelier",
          ("HYB-06", "HYB-05"), "difference",
          Batch("colour_revolution", params=("params/prorussian_base.yaml",)),
          flag("absorption"), ">=", 0.02,
          other=Batch("colour_revolution", params=("params/no_prorussian_base.yaml",)),
          dispute="D6", note="westwary2019 / marin2020 position against the other",
          alternative=Alternative("dispute", "no mobilisable pro-Russian base (D6: carnegie2019, "
                                  "shraibman2021b) on both sides",
                                  params=("params/no_prorussian_base.yaml",))),
)
