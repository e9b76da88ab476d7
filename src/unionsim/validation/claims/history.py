"""The 2019-2021 history: what the documents report happened between January 2019 and June 2021
(the history check, `HISTORY`), and the claims on its size and timing.

"Ever in a window" cannot tell sectoral sanctions in September 2020 from June 2021, or a USD 9 bn
loan from USD 1.5 bn. Where the documents give timing or size, claims measure them on the history
scenario. Thresholds and windows come from the documents and the source's precision (the
tolerances of targets/history_2019_2021.yaml), and were fixed in a commit of their own before the
first run.
"""

from __future__ import annotations

from dataclasses import dataclass

from unionsim.validation.claims.claim import Alternative, Batch, Claim
from unionsim.validation.claims.measures import PerRun, at, below, ever, first_month, month, peak


@dataclass(frozen=True)
class HistoryFact:
    """One thing the documents report happened, as a per-run test on the history scenario."""

    id: str
    statement: str
    facts: tuple[str, ...]
    measure: PerRun


HISTORY_SCENARIO = "history_2019_2021"
HISTORY: tuple[HistoryFact, ...] = (
    HistoryFact("H1", "No roadmaps signed in December 2019", ("U22", "U24"),
                lambda d: ~ever("roadmaps_signed", "2019-01", "2019-12", 1)(d)),
    HistoryFact("H2", "The tax manoeuvre on schedule, no compensation", ("E5", "E6"),
                below(at("energy_support", "2021-06"), 3.0 - 3 * 0.35 + 0.01)),
    HistoryFact("H3", "Mass protests after the August 2020 election", ("MIN-53", "SC19"),
                ever("protest_share", "2020-08", "2020-12", 0.03)),
    HistoryFact("H4", "Mass repression", ("MIN-53",),
                ever("repression", "2020-08", "2021-06", 0.7)),
    HistoryFact("H5", "Western sectoral sanctions by June 2021", ("L25", "WES-06"),
                ever("sanctions_level", "2020-08", "2021-06", 2)),
    HistoryFact("H6", "A Russian loan by the end of 2020", ("E12", "E13"),
                ever("loans_total", "2020-08", "2020-12", 0.1)),
    HistoryFact("H7", "Lukashenka still in power, Belarus not absorbed (June 2021)",
                ("KRE-17", "SC20"),
                lambda d: (at("regime", "2021-06")(d) == 0) & (at("absorbed", "2021-06")(d) == 0)),
    HistoryFact("H8", "Integration talks revived in 2021, roadmaps close to signature",
                ("U26", "U27", "U28"),
                lambda d: ever("roadmaps_signed", "2021-01", "2021-06", 1)(d)
                | (d.by_date("roadmaps_signed", "2021-06", "2021-06").iloc[:, 0].to_numpy() > 0)
                | ever("round_open", "2021-01", "2021-06", 1)(d)),  # or talks open
    HistoryFact("H9", "No new permanent Russian deployment", ("MIN-61",),
                lambda d: ~ever("presence", "2019-01", "2021-06", 3)(d)),
)

HISTORY_BATCH = Batch(HISTORY_SCENARIO)

CLAIMS: tuple[Claim, ...] = (
    Claim("V49", "The EU's sectoral sanctions come around June 2021", ("L25", "WES-06"),
          "quantile", HISTORY_BATCH, first_month("sanctions_level", "2019-01", "2021-06", 2),
          ">=", month("2021-03"), upper=month("2021-09"), unit="month",
          note="median month of the first sectoral sanctions in the history scenario, within "
               "June 2021 +-3 months (the target's tolerance); a run without them counts as "
               "later than the window (the scenario ends in June 2021)",
          alternative=Alternative("edge", "the West's lag before each broader sanctions step at the top "
                                  "of its range (west.package_lag_months 12)",
                                  sets=(("west.package_lag_months", 12.0),))),
    Claim("V50", "No sectoral sanctions yet in 2020", ("L25", "WES-06"), "proportion",
          HISTORY_BATCH, ever("sanctions_level", "2019-01", "2020-12", 2), "<=", 0.3,
          note="share of history runs with sectoral sanctions by December 2020 (tolerance of "
               "the target no_sectoral_sanctions_2020)",
          invariant="sectoral sanctions need mass repression after the August 2020 election and then "
                    "a package lag of at least 4 months (west.package_lag_months' documented "
                    "range): at that low end 13.5% of runs have them by December 2020 (200 runs), "
                    "within <= 30%"),
    Claim("V51", "Moscow's 2020 loan is about USD 1.5 bn", ("E12",), "quantile", HISTORY_BATCH,
          at("loans_total", "2020-12"), ">=", 1.0, upper=2.0, unit="USD bn",
          note="median Russian lending in the history scenario by December 2020, within "
               "1.5 +-0.5 bn (the target loans_2020)",
          alternative=Alternative("edge", "the reserves a Russian rescue aims to leave at the low end "
                                  "of their range (kremlin.rescue_reserve_target 3.0)",
                                  sets=(("kremlin.rescue_reserve_target", 3.0),))),
    Claim("V52", "The loan comes within weeks of the August 2020 protests", ("E12", "E13"),
          "quantile", HISTORY_BATCH, first_month("loans_total", "2019-01", "2021-06", 0.5),
          ">=", month("2020-08"), upper=month("2020-11"), unit="month",
          note="median month in which Russian lending first reaches 0.5 bn: September 2020, "
               "within -1/+2 months (not before the protests; the target loan_month_2020)",
          invariant=("its documented alternative, unrest adding nothing to a bailout's value "
                     "(putin.bailout_unrest_weight 0, the low end of its range), no longer makes "
                     "it fail: with protest fatigue, repression's ebb and the grievances back at "
                     "the values they were introduced with (to be fitted), the money runs out "
                     "early enough that the loan's median month is 2020-11 [2020-11, 2020-12] "
                     "(1000 runs, seed 2026), inside the window; the claim does not tell the "
                     "unrest's pull from the shortfall, so it is not counted as validation")),
    Claim("V53", "Moscow lends just enough, not more, by mid-2021", ("E12", "E14", "KRE-12"),
          "quantile", HISTORY_BATCH, at("loans_total", "2021-06"), "<=", 3.0, unit="USD bn",
          note="median Russian lending by June 2021 at most the 1.5 bn loan and as much again "
               "for refinancing (E14: credit to service old debt)",
          alternative=Alternative("edge", "a rescue sized generously: the reserves it aims to leave and "
                                  "its horizon at the top of their ranges "
                                  "(kremlin.rescue_reserve_target 7, rescue_horizon_months 18)",
                                  sets=(("kremlin.rescue_reserve_target", 7.0),
                                        ("kremlin.rescue_horizon_months", 18.0)))),
    Claim("V54", "The 2020 protests are mass protests", ("MIN-53", "SC19", "L6"), "quantile",
          HISTORY_BATCH, peak("protest_share", "2020-08", "2020-12"), ">=", 0.02,
          note="median peak protest share of adults in August-December 2020 at least the low "
               "end of the mass-protest level's documented range (public.mass_protest_share)",
          invariant="the 2020 protests pass the mass level under every documented value tried: the "
                    "stolen election's grievance at the low end of its range (0.3), the net "
                    "grievance needed to protest at the top (public.protest_threshold 0.25) or "
                    "the jailed challengers' grievance at the low end (0.05) give a median peak "
                    "of 3.7% to 4.9% of adults (200 runs)"),
    Claim("V55", "Repression persists into 2021", ("MIN-53", "MIN-54", "SC20"), "proportion",
          HISTORY_BATCH, below(at("repression", "2021-06"), 0.5), "<=", 0.3,
          note="share of history runs in which repression has fallen below half the scale by "
               "June 2021 (the Ryanair forcing came in May 2021; tolerance as the target "
               "repression_2020)",
          alternative=Alternative("edge", "repression ebbing fastest once the crackdown stops "
                                  "(minsk.repression_relaxation 0.2, the top of its range)",
                                  sets=(("minsk.repression_relaxation", 0.2),))),
)
