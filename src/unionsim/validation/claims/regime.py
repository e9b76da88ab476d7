"""Claims on the regime in the 2020 crisis: its survival with Russian backing and its army's
loyalty, purges and Russian ties (D4)."""

from __future__ import annotations

from unionsim.validation.claims.claim import ELECTION, Alternative, Batch, Claim
from unionsim.validation.claims.measures import flag

CLAIMS: tuple[Claim, ...] = (
    Claim("V12", "The regime survives 2020 with Russian backing", ("E13", "KRE-17", "SC20"),
          "proportion", ELECTION, flag("regime_change"), "<=", 0.1,
          invariant="the regime survives without the documented backing too: Russian backing at the "
                    "low ends of its ranges (putin.crisis_backing 0.15, elite.backing_deterrence "
                    "0.2, elite.backing_support 0.05) and elite defection at its top "
                    "(elite.defection_scale 0.6) give 8.0% [5.2, 12.0] regime change at 250 runs, "
                    "inside <= 10%"),
    Claim("V45", "The army stays loyal through the 2020 crisis", ("MIN-53", "SC20", "ELI-05"),
          "proportion", ELECTION, flag("army_refused_repression"), "<=", 0.15,
          note="share of election_2020 runs in which the army refuses an order to repress",
          invariant=("its alternative (low initial loyalty) still passed (13% against <= 15%): the "
                     "regime's purges restore a doubtful army by construction, so the claim does not "
                     "discriminate.")),
    Claim("V46", "An army of doubtful loyalty makes the regime's fall in 2020 likelier",
          ("ELI-06", "ELI-07", "D4"), "difference", Batch("army_split_2020"),
          flag("regime_fell"), ">=", 0.03, other=ELECTION, dispute="D4",
          note="regime fell in army_split_2020 minus in election_2020",
          alternative=Alternative(
              kind="dispute", why="Carnegie's and Shraibman's side of D4: the army is no less "
                                  "loyal than the security officers, who watch each other and "
                                  "show no wish to abandon the regime, so the doubtful army "
                                  "of army_split_2020 starts at the high end of "
                                  "army.base_loyalty (ELI-05)",
              sets=(("army.base_loyalty", 0.9),))),
    Claim("V47", "Purging the officer corps keeps a doubtful army from refusing",
          ("MIN-33", "ELI-05"), "difference", Batch("army_split_2020"),
          flag("army_refused_repression"), "<=", -0.05,
          other=Batch("army_split_2020", sets=(("army.purge_threshold", 0.4),)),
          note="army refusals in army_split_2020 minus the same with purges only below loyalty "
               "0.4 (under its calm loyalty of 0.5, so rarely)",
          invariant=("its alternative still passed (-16.7 pp against <= -5): a purge raises loyalty by "
                     "construction of the purge rule, so no documented value reverses it.")),
    Claim("V48", "Moscow's backing in 2020 keeps Russia-schooled officers in line",
          ("E13", "M47", "ELI-07"), "difference", Batch("army_split_2020"),
          flag("army_refused_repression"), "<=", -0.03,
          other=Batch("army_split_2020", sets=(("army.russian_channel", 0.0),)), dispute="D4",
          note="army refusals in army_split_2020 minus the same without a Russian channel "
               "through the officers' ties",
          alternative=Alternative(
              kind="dispute", why="Shraibman's reading: Russia-educated generals have been "
                                  "replaced, so few officers carry Russia's line (the low end "
                                  "of army.initial_russian_ties; ELI-05)",
              sets=(("army.initial_russian_ties", 0.1),))),
)
