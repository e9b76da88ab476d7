"""The documents' testable claims, each as a measurable property of simulated batches: the
registry of every claim, the order `unionsim check` reports them in, their pilots and the claims
that still fail.

Every claim names the FACTS ids it rests on, the batches it needs (a shipped scenario, optionally
under a parameter overlay that takes one side of a documented dispute), what is measured, and a
pass threshold. The thresholds were written down from the documents' wording before the suite was
first run (see the git history of the claims); they are not tuned to the results. The claims are
defined by theme, one module each; the measures they use are in `measures`, the run counts'
power rule in `run_counts`.

Can fail: every claim names exactly one of an ``alternative`` - a documented position or value
(the other side of a dispute, an ablated mechanism, a parameter at the edge of its documented
range) under which it fails, run by `unionsim check` and by the test suite - or an
``invariant``: why no documented alternative can make it fail. Invariants are reported apart and
not counted as validation.

Seeds: `unionsim check` evaluates every claim at the master seeds `SEEDS`; a claim passes only if
it passes at all of them.

Run counts: each claim's pilot (`PILOTS`) gives its run count by the power rule
(`run_counts.runs_for_power`, `claim_runs`).
"""

from __future__ import annotations

import math  # noqa: F401 - a pilot of an event no run had reads `math.inf` (see PILOTS)

from unionsim.validation.claims import (economy, history, integration, intervention, public,
                                        regime, security, war, west)
from unionsim.validation.claims.claim import Claim
from unionsim.validation.claims.history import HISTORY, HISTORY_SCENARIO
from unionsim.validation.claims.run_counts import RUNS, Pilot, runs_for_power

__all__ = ["CLAIMS", "HISTORY", "HISTORY_SCENARIO", "KNOWN_FAILURES", "KNOWN_FAILURE_SEEDS",
           "ORDER", "PILOTS", "SEEDS", "THEMES", "claim_runs"]

SEEDS = (2026, 7, 99)  # master seeds of `unionsim check`: a claim passes only if it passes at all

THEMES = (integration, intervention, regime, economy, security, war, public, west, history)

# The order in which `unionsim check` evaluates and reports the claims (and runs their batches):
# the documents' first claims, then the war next door, the army, strategic deployments and
# counter-levers, the US and the EU, and the size and timing of the 2019-2021 history.
ORDER = ("V01", "V02", "V03", "V04", "V05", "V06", "V07", "V08", "V09", "V10", "V11", "V12",
         "V13", "V14", "V15", "V16", "V17", "V18", "V19", "V20", "V21", "V22", "V23", "V24",
         "V25", "V26", "V27", "V28", "V29", "V30", "V31", "V32", "V33", "V45", "V46", "V47",
         "V48", "V35", "V36", "V37", "V38", "V39", "V40", "V41", "V42", "V43", "V44", "V49",
         "V50", "V51", "V52", "V53", "V54", "V55")


def ordered_claims(themes, order: tuple[str, ...]) -> tuple[Claim, ...]:
    """The themes' claims in the given order of ids; every claim must be named exactly once."""
    by_id: dict[str, Claim] = {}
    for theme in themes:
        for claim in theme.CLAIMS:
            if claim.id in by_id:
                raise ValueError(f"claim {claim.id} is defined twice ({theme.__name__})")
            by_id[claim.id] = claim
    if sorted(by_id) != sorted(order):
        raise ValueError("the claims' ORDER must name every claim of the themes once: "
                         f"{sorted(set(by_id) ^ set(order))}")
    return tuple(by_id[cid] for cid in order)


CLAIMS: tuple[Claim, ...] = ordered_claims(THEMES, ORDER)

# The pilot of every claim (see `run_counts.Pilot`): `claim_runs` turns it into the claim's run
# count with `runs_for_power`. Claims without a pilot run `RUNS` times. Recomputed by
# `python -m unionsim.validation.power` after a pilot, never by hand.
PILOTS: dict[str, Pilot] = {
    "V01": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V02": Pilot(0.026, 0.01526, 0.04397),  # -> 500 runs
    "V03": Pilot(0.1509, 0.1167, 0.193),  # -> 500 runs
    "V04": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V05": Pilot(0.076, 0.05587, 0.1026),  # -> 500 runs
    "V06": Pilot(0.176, 0.1312, 0.2206),  # -> 1000 runs
    "V07": Pilot(-0.072, -0.1306, -0.01272),  # -> 1000 runs
    "V08": Pilot(0.902, 0.8728, 0.9251),  # -> 500 runs
    "V09": Pilot(0.924, 0.8974, 0.9441),  # -> 500 runs
    "V10": Pilot(-9.537e-08, -9.537e-08, -9.537e-08),  # -> 500 runs
    "V11": Pilot(0.998, 0.9888, 0.9996),  # -> 500 runs
    "V12": Pilot(0.024, 0.01378, 0.04148),  # -> 500 runs
    "V13": Pilot(0.024, -0.005747, 0.05435),  # -> 769 runs
    "V14": Pilot(0.016, -0.01199, 0.04449),  # -> 1000 runs
    "V15": Pilot(0.004, 0.001098, 0.01447),  # -> 500 runs
    "V16": Pilot(0.564, 0.519, 0.6068),  # -> 500 runs
    "V17": Pilot(0, -0.00686, 0),  # -> 500 runs
    "V18": Pilot(0.024, 0.01378, 0.04148),  # -> 1000 runs
    "V19": Pilot(0.07358, 0.07156, 0.07696),  # -> 500 runs
    "V20": Pilot(0.008379, 0.004768, 0.01266),  # -> 500 runs
    "V21": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V22": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V23": Pilot(0.752, 0.7116, 0.7878),  # -> 500 runs
    "V24": Pilot(0.022, 0.01233, 0.03896),  # -> 500 runs
    "V25": Pilot(0.018, -0.003967, 0.0411),  # -> 1000 runs
    "V26": Pilot(0.104, 0.07824, 0.1341),  # -> 1000 runs
    "V27": Pilot(0.2485, 0.2126, 0.2882),  # -> 500 runs
    "V28": Pilot(0.002004, 0.0003538, 0.01126),  # -> 500 runs
    "V29": Pilot(0.382, 0.3234, 0.4366),  # -> 500 runs
    "V30": Pilot(-0.01, -0.06336, 0.04343),  # -> 1000 runs
    "V31": Pilot(0.584, 0.5391, 0.6264),  # -> 500 runs
    "V32": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V33": Pilot(0.002004, 0.0003538, 0.01126),  # -> 500 runs
    "V45": Pilot(0.086, 0.06447, 0.1138),  # -> 500 runs
    "V46": Pilot(0, -0.02728, 0.02728),  # -> 1000 runs
    "V47": Pilot(-0.204, -0.2488, -0.1589),  # -> 500 runs
    "V48": Pilot(-0.006, -0.03843, 0.02632),  # -> 1000 runs
    "V35": Pilot(0.01587, 0.00619, 0.04009),  # -> 500 runs
    "V36": Pilot(0.322, 0.281, 0.3644),  # -> 500 runs
    "V37": Pilot(0.007937, 0.001402, 0.04359),  # -> 500 runs
    "V38": Pilot(0.052, 0.01728, 0.08737),  # -> 1000 runs
    "V39": Pilot(0.05, -0.08, 0.13),  # -> 1000 runs
    "V40": Pilot(0.546, 0.5022, 0.5891),  # -> 500 runs
    "V41": Pilot(0.224, 0.1634, 0.2822),  # -> 500 runs
    "V42": Pilot(0.012, -0.04961, 0.07348),  # -> 1000 runs
    "V43": Pilot(0.94, 0.9156, 0.9577),  # -> 500 runs
    "V44": Pilot(0.9957, 0.9761, 0.9992),  # -> 500 runs
    "V49": Pilot(2.426e+04, 2.426e+04, 2.426e+04),  # -> 500 runs
    "V50": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V51": Pilot(1.586, 1.456, 1.748),  # -> 500 runs
    "V52": Pilot(2.425e+04, 2.425e+04, 2.425e+04),  # -> 1000 runs
    "V53": Pilot(1.864, 1.729, 2.039),  # -> 500 runs
    "V54": Pilot(0.04031, 0.03926, 0.04138),  # -> 500 runs
    "V55": Pilot(0.694, 0.6523, 0.7328),  # -> 500 runs
}


def claim_runs(claim: Claim) -> int:
    """The claim's run count per batch: chosen for power from its pilot, else `RUNS`."""
    pilot = PILOTS.get(claim.id)
    if pilot is None:
        return RUNS
    return runs_for_power(pilot, claim.threshold, claim.upper,
                          contrast=claim.kind == "difference")


# Claims that still fail after calibration within the documented ranges, with the reason. Listed
# here rather than hidden: `unionsim check` shows them as failures with this text, and the test
# suite fails if a claim fails that is not listed, or if a listed claim starts passing. A claim
# that fails at any master seed of `unionsim check` is a failure; `KNOWN_FAILURE_SEEDS` names the
# seeds at which it fails when that is not all of them (the test suite runs seed 2026 only).
KNOWN_FAILURES: dict[str, str] = {
    # verdicts on the shipped posterior with the mechanisms of opinion, the crisis logic and
    # tension, the scenario inputs with units, and the hand-set protest and repression defaults
    # restored to the values they were introduced with (to be fitted); seeds 2026, 7, 99, each
    # claim at its power-chosen count, 500 to 1000 runs per batch
    "V13": "+1.4, +0.3 and +1.0 pp at seeds 2026, 7 and 99 against >= +15 (it passed on the "
           "earlier posterior, fitted before the refit, and gave +28.3 pp [+22.2, +34.3] under "
           "the prior at 300 runs): the Ukraine-like street of colour_revolution tires before "
           "its radicals join, so it rarely reaches the Kremlin's crisis threshold. The carrier "
           "is protest fatigue (public.fatigue_build: posterior mean 0.109, default now 0.12 as "
           "introduced): with it at the low end of its range, a lower crisis threshold does "
           "bring more takeover attempts (13.3% against 7.3% of 300 runs, tests/"
           "test_mechanisms.py), while setting back putin.reactivity, "
           "public.protest_threshold or putin.choice_temperature left the contrast at +1.3 to "
           "+2.7 pp.",
    "V14": "+1.4, +0.3 and +1.0 pp at seeds 2026, 7 and 99 against >= +10: intervention follows "
           "the crisis logic, which the Ukraine-like protests rarely switch on (see V13).",
    "V18": "3.5% [2.5, 4.8], 2.0% and 2.2% at seeds 2026, 7 and 99 (1000 runs, the power cap) "
           "against <= 2%: no run has Minsk accept a base; the runs above the threshold are "
           "Russian takeovers in 2020 under the crisis logic (an occupation counts as presence "
           "above a base), which the crisis logic now weighs more often. Absorption itself "
           "stays within V02.",
    "V25": "+1.3 [-0.1, +2.8], +0.8 and +0.9 pp at seeds 2026, 7 and 99 (1000 runs) against "
           ">= +2: the mobilisable base raises absorption, by less than the threshold.",
    "V26": "+10.3 [+8.5, +12.3], +9.8 and +8.4 pp at seeds 2026, 7 and 99 (1000 runs) against "
           ">= +10: with money with memory Putin's integration motive is scaled by Minsk's "
           "refinancing need, which a reactive Kremlin shares, so the gap between a proactive "
           "and a reactive Kremlin sits on the threshold.",
    "V27": "37.4% [33.3, 41.8], 41.2% and 38.8% at seeds 2026, 7 and 99 (500 runs) against "
           "<= 30%: Minsk refuses staging in about 60% of the runs, a majority but not the clear "
           "majority the threshold reads into the documents. It was 25-30% before opinion moved "
           "with Russian backing and hardship and before the protest defaults were restored; "
           "which of those carries the rise is not yet isolated.",
    "V30": "-0.1, -1.8 and -1.3 pp at seeds 2026, 7 and 99 (1000 runs) against >= +3: a flaw "
           "of the claim's design, not a finding about dependence. `--set initial.russian_debt` "
           "moves the reference level of refinancing pressure with the debt "
           "(`economy.excess_refinancing_pressure` counts only pressure above the parameters' "
           "start), so the contrast changes no leverage by construction. The same contrast made "
           "through a scenario's `initial:` (the reference stays) gave +17.5 pp [+11.2, +23.7] "
           "on the earlier posterior.",
    "V38": "+4.4 [+1.9, +6.9], +4.0 and +4.3 pp at seeds 2026, 7 and 99 (1000 runs) against "
           ">= +5: the baseline's own January disputes (the tax manoeuvre steps) already reach "
           "the dispute gate, so transit threats come in most baseline runs and the sharper "
           "2020 dispute adds a few points.",
    "V42": "+0.9, +1.0 and +0.2 pp at seeds 2026, 7 and 99 (1000 runs) against >= +3: with the "
           "repression record of 2020 still heavy and the EU's dialogue condition unmet, the EU "
           "almost never eases within three years whether or not Lithuania vetoes, so the veto "
           "changes little in this window.",
    "V46": "+0.1, +0.1 and +0.1 pp at seeds 2026, 7 and 99 (1000 runs) against >= +3: the "
           "regime purges an army whose calm loyalty (0.5) is under the purge threshold at once "
           "and again each review period, which keeps its refusals near election_2020's; and a "
           "refusal barely moves the fall, since it multiplies a defection hazard that is small "
           "while the crackdown is on.",
    "V47": "-5.2, -3.5 [-6.5, -0.9] and -5.7 pp at seeds 2026, 7 and 99 (1000 runs) against "
           "<= -5: a purge still lowers refusals at every seed, but the 2020 campaign now "
           "counts its two serious challengers (strength 0.8 where the old input was set at "
           "1.0), so a doubtful army meets a smaller street and has fewer refusals for the "
           "purge to prevent; the contrast sits on the threshold.",
    "V48": "+0.1, -0.2 and +0.0 pp at seeds 2026, 7 and 99 (1000 runs) against <= -3: Moscow's "
           "backing is in place by the first order in nearly every run, but the channel lifts "
           "the loyalty target only by about 0.09, and in both arms the regime's purges hold "
           "loyalty in the same band above the purge threshold.",
}

# Claims in KNOWN_FAILURES that fail at some master seeds only (the others fail at all three).
KNOWN_FAILURE_SEEDS: dict[str, tuple[int, ...]] = {
    "V18": (2026, 99),
    "V26": (7, 99),
    "V47": (7,),
}
