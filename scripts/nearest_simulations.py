"""Is a target the posterior misses missed by the network or by the model? Read a finished NPE
fit's saved simulations and look at the ones nearest the observation, with no network at all.

For the simulations whose squared errors in tolerances (summed over the fitting targets, as
ABC's distance) are the smallest, it prints how often the target is hit (within one tolerance)
and its mean measure: what rejection ABC on these simulations would say. Where the nearest
simulations hit the target no more often than the NPE posterior does, the network is not what
leaves it missed. Then, among the nearest fifth by the distance *without* the target, it lists
the fitting targets hit least often (and most often) in the simulations that hit the target than
in those that miss it: what the model cannot reproduce together with it.

    python scripts/nearest_simulations.py runs/calibration-npe --target mass_protests_after_election

Reads the fit folder only; seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

SHARES = (0.5, 1, 5, 20, 100)     # percent of simulations nearest the observation
SHOWN = 8                         # targets listed at each end of the tension table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a finished `unionsim calibrate --method npe` fit")
    parser.add_argument("--target", required=True, help="a fitting target's id")
    args = parser.parse_args()

    from unionsim.calibration import npe
    from unionsim.calibration.holdout import distance_targets
    from unionsim.calibration.polls import scoring_tolerances
    from unionsim.config.targets import load_targets
    from unionsim.errors import UnionsimError

    try:
        manifest = json.loads((args.folder / "fit.json").read_text("utf-8"))
        targets = load_targets()
        fitting = distance_targets(targets)
        ids = [t.id for t in fitting]
        if ids != manifest.get("x"):
            print("the fitting targets changed since this fit: fit again", file=sys.stderr)
            return 2
        if args.target not in ids:
            print(f"{args.target} is not a fitting target of this fit", file=sys.stderr)
            return 2
        _, measures = npe.saved_simulations(args.folder)
    except (OSError, ValueError, KeyError, UnionsimError) as exc:
        print(f"cannot read the fit in {args.folder}: {exc}", file=sys.stderr)
        return 2
    keep = npe.usable(measures)
    measures = measures[keep]
    z = np.clip(npe.standardised(measures, fitting, scoring_tolerances(targets)),
                -npe.X_CLIP, npe.X_CLIP)
    hit = np.abs(z) <= 1.0
    j = ids.index(args.target)
    distance = (z ** 2).sum(axis=1)
    print(f"{len(z)} simulations; {args.target}: hit by {hit[:, j].mean():.0%} of them")
    print(f"{'nearest':>8s} {'simulations':>11s} {'hit':>5s} {'mean measure':>12s}")
    for share in SHARES:
        near = distance <= np.percentile(distance, share)
        print(f"{share:7g}% {int(near.sum()):11d} {hit[near, j].mean():5.0%} "
              f"{np.nanmean(measures[near, j]):12.3g}")
    without = distance - z[:, j] ** 2
    near = without <= np.percentile(without, 20)
    with_it, without_it = near & hit[:, j], near & ~hit[:, j]
    print(f"\nnearest 20% by the distance without {args.target}: {int(with_it.sum())} hit it, "
          f"{int(without_it.sum())} miss it; other targets' hit rates in each")
    if not with_it.any() or not without_it.any():
        print("(one of the two groups is empty: nothing to compare)")
        return 0
    gap = hit[with_it].mean(axis=0) - hit[without_it].mean(axis=0)
    order = [k for k in np.argsort(gap) if k != j]
    print(f"{'target':48s} {'hit with':>8s} {'without':>8s}")
    for k in [*order[:SHOWN], *order[-SHOWN:]]:
        print(f"{ids[k]:48s} {hit[with_it, k].mean():8.2f} {hit[without_it, k].mean():8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
