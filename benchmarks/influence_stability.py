"""How large must the influence study be for a stable ranking? (chose its default settings)

Runs a small influence study (every parameter, two scenarios as two groups, two master seeds,
no Sobol') at the largest size compared, then reads smaller studies off it: the first M runs of
each scenario's Latin hypercube, the first T Morris trajectories and the first R repeats of each
point (common random numbers, so the first R repeats are exactly the design with R repeats).
For each size it prints, between the two seeds:

* main effects (the influence measure): Spearman's correlation of each parameter's largest
  effect over the union of the two top-50s, the top-20 shared, whether the sets >= 5 pp agree,
  and the largest effect of a parameter the model never reads (the dummies: chance alone);
* Morris: the same Spearman correlation and top-20 for mu* (and, with two repeats, for the
  noise-corrected signal), the largest mu* of a parameter whose signal is zero at both seeds,
  and whether the sets < 1 pp agree.

Not a test: it prints figures and asserts nothing. About 74,000 runs of two 24-month scenarios
(~15 minutes on 2 idle cores); resumable (the runs are kept under --out):

    .venv/bin/python benchmarks/influence_stability.py [--workers 2] [--out runs/influence-stability]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

GROUPS = {"zapad_2017": ("zapad_2017",), "election_2015": ("election_2015",)}


def latin_effects(study, seed: int, runs: int) -> pd.DataFrame:
    from unionsim.analysis import influence_study as st
    from unionsim.analysis.headline import run_outputs
    from unionsim.analysis.influence import main_effects

    frames = []
    for group, (name,) in study.settings.groups.items():
        design = st.latin_design(study.settings, seed, group, name)
        outcomes = st._outcomes(study.folder / f"main-seed{seed}" / name)
        outcomes = outcomes[outcomes["run"] < runs]
        y = run_outputs(outcomes, study_horizon(name)) * 100.0
        frames.append(main_effects(design.shares()[:runs], y.reset_index(drop=True),
                                   design.names, group=group, seed=seed))
    return pd.concat(frames, ignore_index=True)


def study_horizon(name: str) -> int:
    from unionsim.config.scenario import load_scenario

    return load_scenario(name).spec.horizon


def morris_subset(study, seed: int, trajectories: int, repeats: int) -> pd.DataFrame:
    from unionsim.analysis import influence_study as st
    from unionsim.analysis.headline import point_outputs
    from unionsim.analysis.influence import MorrisDesign, morris_effects

    design = st.morris_design(study.settings, seed)
    k = len(design.names)
    n_points = trajectories * (k + 1)
    md = MorrisDesign(names=design.names, bounds=design.bounds, x=design.points()[:n_points],
                      num_levels=design.num_levels, seed=seed)
    frames = []
    for group, (name,) in study.settings.groups.items():
        o = st._outcomes(study.folder / f"morris-seed{seed}" / name)
        o = o[(o["run"] // design.repeats < n_points) & (o["run"] % design.repeats < repeats)]
        o = o.assign(run=(o["run"] // design.repeats) * repeats + o["run"] % design.repeats)
        h = study_horizon(name)
        full = point_outputs(o, h, repeats)
        halves = None
        if repeats >= 2:
            halves = (point_outputs(o, h, repeats, range(0, repeats, 2)),
                      point_outputs(o, h, repeats, range(1, repeats, 2)))
        frames.append(morris_effects(md, full, halves, group=group, resamples=20))
    return pd.concat(frames, ignore_index=True)


def largest(frame: pd.DataFrame, column: str) -> pd.Series:
    from unionsim.analysis.influence import largest_effects

    real = frame[~frame["parameter"].str.startswith("(dummy")]
    return largest_effects(real, column)[column]


def main() -> None:
    from unionsim.analysis.influence import pool_seeds, ranking_stability
    from unionsim.analysis.influence_study import StudySettings, run_study

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("runs/influence-stability"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=6000, help="Latin-hypercube runs per scenario")
    ap.add_argument("--trajectories", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()

    settings = StudySettings(runs_per_group=args.runs, trajectories=args.trajectories,
                             repeats=args.repeats, seeds=(1, 2), sobol_parameters=0,
                             groups=GROUPS)
    study = run_study(args.out, settings, workers=args.workers, notify=print)
    a, b = settings.seeds
    print(f"study {study.folder}: {study.cost}")
    print("\nMain effects (Latin hypercube), per scenario and seed:")
    print(f"{'runs':>6} {'rho50':>6} {'top20':>6} {'>=5 A/B/both':>13} {'same':>5} "
          f"{'dummy max':>9} {'effect max':>10}")
    for runs in sorted({1500, 3000, 6000, args.runs}):
        if runs > args.runs:
            continue
        ea, eb = latin_effects(study, a, runs), latin_effects(study, b, runs)
        s = ranking_stability(largest(ea, "effect"), largest(eb, "effect"))
        dummy = max(f[f["parameter"].str.startswith("(dummy")]["effect"].max() for f in (ea, eb))
        i = s["influential"]
        print(f"{runs:>6} {s['spearman_top50']:>6.3f} {s['top_overlap'][20]:>6} "
              f"{i['seed_a']:>4}/{i['seed_b']}/{i['both']:<4} {str(i['same']):>5} "
              f"{dummy:>9.1f} {largest(ea, 'effect').max():>10.1f}")
    print("\nMorris, per scenario and seed:")
    print(f"{'T':>3} {'R':>3} {'rho50 mu*':>9} {'top20':>6} {'rho50 signal':>12} "
          f"{'<1 A/B/both':>12} {'same':>5} {'mu* max where signal 0':>22}")
    for t in sorted({2, 4, args.trajectories}):
        for r in sorted({1, args.repeats}):
            if t > args.trajectories or r > args.repeats:
                continue
            ma, mb = morris_subset(study, a, t, r), morris_subset(study, b, t, r)
            s = ranking_stability(largest(ma, "mu_star"), largest(mb, "mu_star"))
            n = s["negligible"]
            sig, noisy = "", ""
            if r >= 2:
                sig_s = ranking_stability(largest(ma, "cross").clip(lower=0) ** 0.5,
                                          largest(mb, "cross").clip(lower=0) ** 0.5)
                sig = f"{sig_s['spearman_top50']:.3f}"
                pooled = pool_seeds({a: ma, b: mb})
                top = pooled.groupby("parameter")[["signal", "mu_star"]].max()
                noisy = f"{top.loc[top['signal'] == 0, 'mu_star'].max():.1f}"
            print(f"{t:>3} {r:>3} {s['spearman_top50']:>9.3f} {s['top_overlap'][20]:>6} "
                  f"{sig:>12} {n['seed_a']:>4}/{n['seed_b']}/{n['both']:<5} "
                  f"{str(n['same']):>5} {noisy:>22}")


if __name__ == "__main__":
    main()
