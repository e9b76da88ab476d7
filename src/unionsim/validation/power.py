"""The pilot behind each claim's run count: run every claim once at `RUNS` runs per batch, master
seed 2026, parameters from the shipped posterior, and print the `PILOTS` entries of the claims
registry (`unionsim.validation.claims`), with the run count `runs_for_power` chooses from each.

    python -m unionsim.validation.power [--cache DIR] [ID ...]

The rule (`unionsim.validation.claims.run_counts`): a claim's 95% interval half-width shrinks as
1/sqrt(n), so with the pilot's half-width h on the side facing the threshold and the distance g
from the pilot value to the threshold (for a window the nearer edge; for a contrast, which must
also be significant, the nearer of the threshold and zero) the claim needs n = RUNS * (h / g)^2
runs for its interval to clear the threshold, at least `RUNS` and at most `MAX_CLAIM_RUNS`. A
claim at the cap is one whose verdict is too close to its threshold to be settled by any
affordable run count; its verdict at several master seeds says how close.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from unionsim.validation.claims import CLAIMS
from unionsim.validation.claims.run_counts import RUNS, Pilot, runs_for_power
from unionsim.validation.runner import run_checks

PILOT_SEED = 2026


def pilot(only=None, cache: str | Path = "runs/checks") -> dict[str, Pilot]:
    report = run_checks(only=only, runs=RUNS, seeds=[PILOT_SEED], cache=cache,
                        history=False, alternatives=False,
                        progress=lambda m: print(m, file=sys.stderr, flush=True))
    return {r.claim.id: Pilot(r.per_seed[0].value, r.per_seed[0].low, r.per_seed[0].high, RUNS)
            for r in report.results}


def main(argv: list[str]) -> int:
    import argparse

    from unionsim.errors import UnionsimError

    parser = argparse.ArgumentParser(prog="python -m unionsim.validation.power",
                                     description="Print each claim's pilot and the run count "
                                                 "chosen from it, for the claims registry.")
    parser.add_argument("--cache", default="runs/checks", metavar="DIR",
                        help="where the pilot batches are stored and reused")
    parser.add_argument("ids", nargs="*", metavar="ID", help="only these claims (e.g. V13)")
    args = parser.parse_args(argv)
    claims = {c.id: c for c in CLAIMS}
    try:
        pilots = pilot(args.ids or None, args.cache)
    except UnionsimError as exc:
        print(exc, file=sys.stderr)
        return 2
    for cid, p in pilots.items():
        c = claims[cid]
        n = runs_for_power(p, c.threshold, c.upper, contrast=c.kind == "difference")
        print(f'    "{cid}": Pilot({_literal(p.value)}, {_literal(p.low)}, {_literal(p.high)}),'
              f'  # -> {n} runs')
    return 0


def _literal(value: float) -> str:
    """A pilot figure as the registry writes it: four significant digits, and an infinite
    measure (no run had the event, so its timing is later than any window) as ``math.inf``."""
    return ("math.inf" if value > 0 else "-math.inf") if math.isinf(value) else f"{value:.4g}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
