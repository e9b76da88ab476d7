"""Claims on money and energy: Russian loans and energy support, the tax manoeuvre, default, and
Minsk's transit card in an oil dispute."""

from __future__ import annotations

from unionsim.validation.claims.claim import BASE, ELECTION, Alternative, Batch, Claim
from unionsim.validation.claims.measures import at, below, ever, final, flag

CLAIMS: tuple[Claim, ...] = (
    Claim("V09", "Moscow keeps Minsk afloat with a loan in the 2020 crisis",
          ("E12", "E14", "KRE-12"), "proportion", ELECTION,
          ever("loans_total", "2020-08", "2021-06", 0.1), ">=", 0.7,
          invariant=("on the refit posterior the protests' pull on Putin's bailout "
                     "brings the loan within the window whatever the smallest rescued shortfall: "
                     "kremlin.rescue_min at the top of its range (1.0) still gives 85.5% [80.0, "
                     "89.7] at 200 runs, seed 2026 (it failed on the earlier posterior)")),
    Claim("V10", "Isolation brings little extra Russian money (energy support)",
          ("KRE-19", "MIN-61"), "quantile", ELECTION,
          # the path starts from the scenario's own start value (month 0, December 2019): the
          # scenario sets it with `initial:` rather than inheriting January 2019's 3.0
          lambda d: final("energy_support")(d) - (at("energy_support", "2019-12")(d) - 3 * 0.35),
          "<=", 0.4, q=0.5,
          note="median final support above the scheduled tax-manoeuvre path",
          unit="USD bn/yr",
          invariant="energy support moves only by the scenario's tax-manoeuvre steps and by "
                    "compensation once integration is in force, which no run of election_2020 "
                    "reaches: with compensation_offer at its top (2.5) or sovereignty tradable the "
                    "median is unchanged (0.0 at 250 runs)"),
    Claim("V11", "The tax manoeuvre goes on regardless of the political crisis",
          ("E5", "SC2"), "proportion", BASE, below(at("energy_support", "2021-12"), 3.0),
          ">=", 0.95, note="support in Dec 2021 below its Jan 2019 level",
          alternative=Alternative("dispute", "sovereignty tradable (D1) with Moscow's compensation at "
                                  "the top of its range (kremlin.compensation_offer 2.5): "
                                  "integration bought back the oil rent",
                                  params=("params/sovereignty_tradable.yaml",),
                                  sets=(("kremlin.compensation_offer", 2.5),))),
    Claim("V21", "No default: Moscow lends just enough", ("E14", "KRE-12"), "proportion", BASE,
          flag("default"), "<=", 0.05,
          invariant="no run defaults: rescue loans are sized to the shortfall, and Putin's wish to keep "
                    "Minsk afloat at the low end of its range (putin.keep_afloat 0.3) or the "
                    "smallest rescued shortfall at the top of its range (kremlin.rescue_min 1.0) "
                    "leave defaults at 0.0% (200 runs)"),
    Claim("V38", "A sharper dispute with Moscow brings transit threats", ("MIN-15", "SC3"),
          "difference", Batch("energy_diversification"), flag("transit_threatened"), ">=", 0.05,
          other=BASE, note="share of runs in which Minsk threatened Russia's transit, the 2020 "
                           "oil dispute sharpened minus baseline",
          alternative=Alternative(
              kind="edge", why="the transit card worth little (low edge of its value) and the "
                               "dispute gate at the top of its range",
              sets=(("levers.transit_value", 0.15), ("levers.dispute_gate", 0.5)))),
)
