"""Claims on the Belarusian public: support for joining Russia and the rally round sovereignty."""

from __future__ import annotations

from unionsim.validation.claims.claim import BASE, Batch, Claim
from unionsim.validation.claims.measures import final

CLAIMS: tuple[Claim, ...] = (
    Claim("V19", "Support for joining Russia stays in single digits, even under a campaign",
          ("P3", "P8", "P15", "BYP-04"), "quantile", Batch("hybrid_campaign"),
          final("support_incorporation"), "<", 0.10, q=0.95,
          invariant="support for joining Russia starts at most at 7% and moves by about 0.1 points a "
                    "year: no documented campaign or value takes the 95th percentile "
                    "to 10%"),
    Claim("V20", "Russian pressure rallies the public round sovereignty", ("BYP-17", "BYP-07"),
          "median_difference", Batch("subsidy_cuts"), final("support_independence"), ">", 0.0,
          other=BASE, unit="share of the public",
          invariant="the rally needs only the sign of one coded term: public.rally_rate's "
                    "documented range is positive throughout, and at its low end (0.004) the median "
                    "difference stays positive (+0.0036)"),
)
