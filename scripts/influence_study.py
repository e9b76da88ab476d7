"""Measure every parameter's influence on what users read; write params/influence.csv,
params/influence.json and docs/influence.md, and rank the fit's candidates again.

The study (`unionsim.analysis.influence_study`): at two master seeds, a Latin hypercube and a
Morris design over every parameter with a range, run in every shipped scenario, read as the
headline outputs of scenario groups; Sobol' indices of the parameters with the largest main
effects. The default size was chosen with benchmarks/influence_stability.py. The runs are kept
under --out/<fingerprint> (the fingerprint covers the model code, the parameters, the scenarios
and the settings): run the same command again to resume an interrupted study; after a change of
the model a new study starts.

    python scripts/influence_study.py [--workers 2] [--out runs/influence]
    python scripts/influence_study.py --plan       # the runs it would make, and nothing else

Then params/calibration_screening.csv is ranked again (must-fit parameters first), and
`python scripts/update_docs.py` keeps docs/influence.md in step with params/default.yaml and
the posterior without running anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from unionsim.analysis.influence_study import SCENARIO_GROUPS, StudySettings

    d = StudySettings()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("runs/influence"))
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--executor", default="process")
    ap.add_argument("--runs-per-group", type=int, default=d.runs_per_group)
    ap.add_argument("--trajectories", type=int, default=d.trajectories)
    ap.add_argument("--repeats", type=int, default=d.repeats)
    ap.add_argument("--seeds", type=int, nargs="+", default=list(d.seeds))
    ap.add_argument("--sobol-parameters", type=int, default=d.sobol_parameters)
    ap.add_argument("--sobol-n", type=int, default=d.sobol_n)
    ap.add_argument("--sobol-repeats", type=int, default=d.sobol_repeats)
    ap.add_argument("--group", action="append", default=[], metavar="NAME",
                    help="Only these scenario groups (repeatable); a trial, not written to "
                         "params/ or docs/")
    ap.add_argument("--param", action="append", default=[], metavar="NAME",
                    help="Only these parameters (repeatable); a trial, not written")
    ap.add_argument("--plan", action="store_true", help="Print the runs it would make and stop")
    args = ap.parse_args()

    from unionsim.analysis.influence_study import design_runs, run_study

    groups = {g: SCENARIO_GROUPS[g] for g in args.group} if args.group else dict(SCENARIO_GROUPS)
    settings = StudySettings(runs_per_group=args.runs_per_group, trajectories=args.trajectories,
                             repeats=args.repeats, seeds=tuple(args.seeds),
                             sobol_parameters=args.sobol_parameters, sobol_n=args.sobol_n,
                             sobol_repeats=args.sobol_repeats, groups=groups,
                             parameters=tuple(args.param))
    if args.plan:
        print(json.dumps(design_runs(settings), indent=2))
        return 0
    study = run_study(args.out, settings, workers=args.workers, executor=args.executor,
                      notify=print)
    trial = bool(args.group or args.param)
    return write(study, trial)


def write(study, trial: bool, params: Path = ROOT / "params", docs: Path = ROOT / "docs") -> int:
    """Write the table, the summary and the page from ``study`` (a trial only under its folder)
    and rank the fit's candidates again in ``params``."""
    from unionsim.analysis.influence_report import (SUMMARY_FILE, TABLE_FILE, measured_table,
                                                    page_from_files, refresh_table,
                                                    summary_of, write_table)
    from unionsim.calibration.screening import rerank

    table = refresh_table(measured_table(study))
    summary = summary_of(study)
    if trial:
        out = study.folder / "trial"
        out.mkdir(exist_ok=True)
        write_table(table, out / TABLE_FILE)
        (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
        print(f"a trial (some groups or parameters only): wrote {out}, not params/ or docs/")
        return 0
    params, docs = Path(params), Path(docs)
    write_table(table, params / TABLE_FILE)
    (params / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    table, page = page_from_files(params, docs)
    (docs / "influence.md").write_text(page, "utf-8")
    ranking = rerank(params_dir=params)
    counts = table["class"].value_counts().to_dict()
    print(f"wrote {params / TABLE_FILE}, {params / SUMMARY_FILE}, {docs / 'influence.md'}; "
          f"{params / 'calibration_screening.csv'} ranked again ({int(ranking['must_fit'].sum())} "
          f"must-fit first)")
    print(f"classes: {counts}; must fit {int(table['must_fit'].sum())}, unconstrained "
          f"{int(table['unconstrained'].sum())}")
    print(f"cost: {study.cost['runs']:,} runs, {study.cost['seconds'] / 60:.1f} minutes")
    print(json.dumps(study.stability, indent=1, default=str)[:3000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
