"""Rank the calibratable parameters: must-fit ones (>= 5 pp on what users read) first, then by
Morris screening on the fitting targets.

Writes params/calibration_screening.csv (rank, parameter, must_fit, effect on what users read
from params/influence.csv, target score, range); `unionsim calibrate` fits the top N of it.
With --rerank it only ranks again with the current params/influence.csv and the target scores
already in the file (seconds, no runs). The target screening runs ``trajectories x (k + 1)``
runs per fitting scenario (k ~ 520 candidates): about 5,250 runs each with the default 10
trajectories, about 4 minutes on 2 cores; resumable with --resume. Two trajectories (the former
default) give each parameter only two elementary effects of single stochastic runs: with 524
candidates the top of that ranking was mostly noise (only 4 of its top 12 were in the top 12 at
10 trajectories).

    python scripts/screen_calibration.py [--trajectories 10] [--seed 1] [--workers 2] [--resume]
    python scripts/screen_calibration.py --rerank
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("runs/calibration-screening"))
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--rerank", action="store_true",
                        help="Only rank again with the current params/influence.csv")
    args = parser.parse_args()

    from unionsim.calibration.screening import (influence_table, rank_for_fit, rerank, screen,
                                                screening_file)
    from unionsim.config.targets import load_targets

    path = screening_file()
    if args.rerank:
        ranking = rerank(path)
    else:
        scores = screen(load_targets(), args.out, trajectories=args.trajectories, seed=args.seed,
                        workers=args.workers, resume=args.resume)
        ranking = rank_for_fit(scores, influence_table())
        ranking.to_csv(path, index=False, float_format="%.6g")
    print(ranking.head(20).to_string(index=False))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
