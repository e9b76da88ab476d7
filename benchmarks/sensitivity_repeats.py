"""How many runs per design point make a Morris ranking stable? (the default of --repeats)

Runs one Morris design per master seed with ``--max-repeats`` runs per point (common random
numbers, so the first R repeats of that design are exactly the design with R repeats), then for
R = 1..max compares the two seeds' rankings of the parameters by their largest effect on an
outcome's share: Spearman's rank correlation over all parameters, and how many of the top K
they share. It also prints the largest effect reported, in percentage points, beside the
mean share of that outcome over the design, to show how single runs inflate effects.

Not a test: it prints figures and asserts nothing. Keep it small on a shared machine:

    PYTHONPATH=src python benchmarks/sensitivity_repeats.py --n 4 --max-repeats 5
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr


def ranking_for(folder: Path, repeats: int, max_repeats: int):
    """The effect ranking of a folder's design, keeping only the first ``repeats`` repeats."""
    from unionsim.analysis import sensitivity as sens
    from unionsim.experiment.store import load_results

    design = sens.load_design(folder)
    res = load_results(folder)
    o = res.outcomes.sort_values("run")
    o = o[(o["run"] % max_repeats) < repeats].copy()
    o["run"] = np.arange(len(o))            # renumber: point p owns runs p*R .. p*R+R-1
    sub = sens.Design(**{**design.__dict__, "repeats": repeats})
    x = o[[f"param.{n}" for n in sub.names]].to_numpy()[::repeats]
    outputs = sens.design_outputs(o, sub, ())
    frames = [sens._indices(sub, x, y, 0.95).assign(output=k)
              for k, y in outputs.items() if np.ptp(y) > 0]
    import pandas as pd

    indices = pd.concat(frames, ignore_index=True)
    ranking = sens.rank_parameters(indices, sub.method)
    top = indices[indices["output"].str.startswith("P(")].sort_values("effect").iloc[-1]
    return ranking.set_index("parameter")["outcome_effect"], top, outputs


def main() -> None:
    from unionsim.analysis.sensitivity import run_sensitivity

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--n", type=int, default=4, help="Morris trajectories")
    ap.add_argument("--max-repeats", type=int, default=5)
    ap.add_argument("--seeds", type=int, nargs=2, default=(1, 2))
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="Keep the folders here")
    args = ap.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="sens-repeats-"))
    folders = []
    for seed in args.seeds:
        out = root / f"morris-seed{seed}"
        if not (out / "sensitivity" / "design.json").exists():
            run_sensitivity(args.scenario, method="morris", n=args.n, seed=seed, out=out,
                            repeats=args.max_repeats, workers=args.workers, force=True)
        folders.append(out)
    print(f"{args.scenario}: Morris, {args.n} trajectories, seeds {args.seeds}, "
          f"the scenario's uncertain parameters")
    print("repeats  spearman  top-%d shared  largest effect (pp)  on  (its mean share over the design)"
          % args.top)
    for r in range(1, args.max_repeats + 1):
        (a, top_a, out_a), (b, _, _) = (ranking_for(f, r, args.max_repeats) for f in folders)
        b = b.reindex(a.index)
        rho = spearmanr(a.to_numpy(), b.to_numpy()).statistic
        shared = len(set(a.nlargest(args.top).index) & set(b.nlargest(args.top).index))
        share = float(np.mean(out_a[top_a["output"]]))
        print(f"{r:7d}  {rho:8.2f}  {shared:>6d}/{args.top}      {top_a['effect'] * 100:8.1f}"
              f"         {top_a['output']}  ({share:.0%})")


if __name__ == "__main__":
    main()
