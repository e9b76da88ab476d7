"""Train the NPE network again on a finished fit's saved simulations, with other network sizes or
on a subset of its parameters, and print each parameter's contraction at the observation beside
its linear information: a bench for the estimator, with no new simulation.

With ``--only`` the network learns the posterior of those quantities alone; the others still
vary across the simulations as their prior says, so they are integrated out (the marginal
posterior). Comparing the contraction with the linear information (the share of a parameter's
variance a least-squares line from the data explains on the held-back simulations) tells a
network that leaves information unused from targets that carry none.

    python scripts/npe_retrain.py runs/calibration-npe [--only NAME ...] [--hidden 64]
        [--transforms 5]

Reads the fit folder only; about 2 minutes for the 60 quantities of the full fit on one core.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path,
                        help="a finished `unionsim calibrate --method npe` fit")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="fit only this parameter or poll offset (repeatable)")
    parser.add_argument("--hidden", type=int, default=None, help="hidden units per transform")
    parser.add_argument("--transforms", type=int, default=None, help="number of transforms")
    args = parser.parse_args()

    from unionsim.calibration import npe
    from unionsim.calibration.fit import PRESETS
    from unionsim.calibration.holdout import distance_targets
    from unionsim.calibration.polls import scoring_tolerances
    from unionsim.config.targets import load_targets
    from unionsim.errors import UnionsimError

    try:
        manifest = json.loads((args.folder / "fit.json").read_text("utf-8"))
        if manifest.get("method") != "npe":
            print(f"{args.folder} is not an NPE fit", file=sys.stderr)
            return 2
        names = list(manifest["parameters"])
        offsets = list(manifest.get("poll_offsets", {}))
        quantities = [*names, *offsets]
        targets = load_targets()
        fitting = distance_targets(targets)
        if [t.id for t in fitting] != manifest["x"]:
            print("the fitting targets changed since this fit: fit again", file=sys.stderr)
            return 2
        unknown = [n for n in args.only if n not in quantities]
        if unknown:
            print(f"{unknown[0]} is not fitted in this fit", file=sys.stderr)
            return 2
        theta, measures = npe.saved_simulations(args.folder)
        kept, x, _ = npe.training_data(theta, measures, fitting, scoring_tolerances(targets),
                                       manifest["seed"])
    except (OSError, ValueError, KeyError, UnionsimError) as exc:
        print(f"cannot read the fit in {args.folder}: {exc}", file=sys.stderr)
        return 2
    low, high = npe.prior_box(manifest, names, offsets)
    columns = [quantities.index(n) for n in args.only] if args.only else \
        list(range(len(quantities)))
    kept, low, high = kept[:, columns], low[columns], high[columns]
    chosen = [quantities[j] for j in columns]
    preset = PRESETS[manifest["settings"]["name"]]
    settings = dataclasses.replace(
        preset, hidden=args.hidden or preset.hidden,
        transforms=args.transforms or preset.transforms)
    x = x.to_numpy()
    draws, epochs, ranks = npe.train_and_draw(kept, x, low, high, settings, manifest["seed"])
    shrink = npe.contraction(draws, low, high)
    information = npe.linear_information(kept, x, npe.training_rows(len(x), settings.sbc))
    sbc = npe.sbc_summary(ranks, settings.sbc_draws, chosen)
    print(f"{len(chosen)} quantities, {settings.transforms} transforms of {settings.hidden} "
          f"units, {epochs} epochs; median contraction {np.median(shrink):.3f}; SBC flags "
          f"{sbc.get('not_calibrated') or 'none'}")
    print(f"{'quantity':48s} {'contraction':>11s} {'linear information':>18s}")
    for j in np.argsort(-information):
        print(f"{chosen[j]:48s} {shrink[j]:11.3f} {information[j]:18.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
