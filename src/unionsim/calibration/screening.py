"""Choose the parameters to calibrate: what users read first, then the fitting targets.

ABC-SMC cannot fit hundreds of parameters, so the fit takes the top N of a documented ranking,
``params/calibration_screening.csv``. Candidates are the judgement parameters whose size the
documents leave open (``support: direction`` or ``assumption`` in ``params/default.yaml``) and
the ones marked ``fit:``, each over its documented range. Three things rank them:

* **a ``fit:`` mark** (``params/default.yaml``): a value once set by hand to reproduce the
  history is fitted, never kept;
* **what users read** (`unionsim.analysis.influence_report`, ``params/influence.csv``): a
  parameter's largest main effect on any headline output (outcome shares, end-state dimensions,
  flags, timings) in any scenario group, in pp. A candidate with an effect of at least 5 pp must
  be fitted (``must_fit``), whether or not a fitting target moves with it, so that a parameter
  that decides the war role, the strategic dimension or the US track is never left at a value
  nobody measured.
* **the fitting targets** (`screen`): a Morris design (SALib, common random numbers: every design
  point runs with the same seed per scenario) run as ordinary batches, one per scenario the
  fitting targets use; each design point is one run, and each fitting target's measure is
  computed from that run. The score is the sum over fitting targets of Morris' mu* divided by
  the target's tolerance: the average elementary effect on the fit's distance terms, in
  tolerances.

`rank_for_fit` puts the must-fit candidates (marked, or >= 5 pp) first, by their effect on what
users read, then the others by their target score; the fit takes the first N rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from unionsim.config.schema import TargetMeasure
from unionsim.config.targets import TargetSet, scenario_spec

SCREENING_FILE = "calibration_screening.csv"
CANDIDATE_SUPPORT = ("direction", "assumption")
COLUMNS = ("rank", "parameter", "must_fit", "marked_fit", "headline_pp", "headline_output", "headline_group",
           "target_score", "low", "high")


def candidates() -> dict[str, tuple[float, float]]:
    """Calibratable parameters and their ranges: the judgement ones (direction or assumption)
    and every one marked ``fit:`` (`unionsim.config.params.fit_candidates`)."""
    from unionsim.config.params import default_parameters, fit_candidates

    specs = default_parameters().specs
    marked = fit_candidates(specs)
    return {name: tuple(spec.range) for name, spec in specs.items()
            if (spec.support in CANDIDATE_SUPPORT or name in marked)
            and spec.range[1] > spec.range[0]}


def per_run_measure(m: TargetMeasure, outcomes: pd.DataFrame, series: pd.DataFrame,
                    start: str, horizon: int, others=None) -> np.ndarray:
    """A measure computed for each run on its own (one value per run, in run order). A contrast
    with another scenario (``others``: name -> (outcomes, series, start, horizon)) pairs run i
    with run i, which in the Morris design is the same design point."""
    from unionsim.calibration.measures import per_run_values

    ordered = outcomes.sort_values("run")
    others = {k: (o.sort_values("run"), *rest) for k, (o, *rest) in (others or {}).items()}
    return per_run_values(m, ordered, series, start, horizon, others).to_numpy(dtype=float)


def screen(targets: TargetSet, out: str | Path, *, trajectories: int = 2, seed: int = 1,
           workers: int | None = None, executor: str = "process", resume: bool = False,
           progress=None) -> pd.DataFrame:
    """Run the Morris design in each fitting scenario under ``out``; every candidate's target
    score, largest first (`rank_for_fit` makes the ranking the fit reads)."""
    from SALib.analyze import morris

    from unionsim.analysis.sensitivity import Design, run_design
    from unionsim.calibration.holdout import distance_targets
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.store import TIMESERIES, load_results

    space = candidates()
    design = Design(method="morris", names=tuple(space), bounds=tuple(space.values()),
                    n=trajectories, seed=seed)
    x = design.points()
    # only the fitting targets: the screening never reads a held-out target (docs/holdout.md)
    fit = distance_targets(targets)
    score = np.zeros(len(space))
    batches = {}
    for scenario in dict.fromkeys(s for t in fit for s in t.scenarios):
        folder = Path(out) / scenario
        if not (resume and (folder / "manifest.json").exists()
                and load_manifest_status(folder) == "complete"):
            run_design(load_scenario(scenario), design, folder, force=not resume,
                       resume=resume, workers=workers, executor=executor, progress=progress)
        spec = scenario_spec(scenario)
        batches[scenario] = (load_results(folder).outcomes,
                             pd.read_parquet(folder / TIMESERIES), spec.start, spec.horizon)
    for t in fit:
        outcomes, series, start, horizon = batches[t.scenario]
        y = per_run_measure(t.target.measure, outcomes, series, start, horizon, batches)
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            # constant, or undefined in some design point (a conditional share whose condition
            # no run met): Morris needs a value at every point, so it adds nothing to any score
            continue
        si = morris.analyze(design.problem, x, y, num_levels=design.num_levels, seed=seed)
        score += np.asarray(si["mu_star"], dtype=float) / t.target.tolerance
    ranking = pd.DataFrame({"parameter": list(space), "target_score": score,
                            "low": [b[0] for b in space.values()],
                            "high": [b[1] for b in space.values()]})
    ranking = ranking.sort_values(["target_score", "parameter"], ascending=[False, True])
    return ranking.reset_index(drop=True)


def rank_for_fit(target_scores: pd.DataFrame, influence: pd.DataFrame | None) -> pd.DataFrame:
    """The ranking the fit reads: every candidate, the must-fit ones first.

    ``target_scores`` has ``parameter`` and ``target_score`` (`screen`'s result, or the columns
    of an earlier ranking); ``influence`` is the refreshed influence table
    (`unionsim.analysis.influence_report.refresh_table`), or None before any influence study.
    Must-fit candidates come first: a largest effect on what users read of at least 5 pp, or a
    ``fit:`` mark in the defaults (a value once set by hand to match the history:
    ``marked_fit``); among them by that effect (none measured: 0), then by target score. Then
    the others by target score. A candidate without a target score (added since the screening)
    scores 0 until the screening is run again.
    """
    from unionsim.config.params import fit_candidates

    space = candidates()
    marked = fit_candidates()
    scores = target_scores.set_index("parameter")["target_score"]
    frame = pd.DataFrame({"parameter": list(space),
                          "target_score": scores.reindex(list(space)).fillna(0.0).to_numpy(),
                          "low": [b[0] for b in space.values()],
                          "high": [b[1] for b in space.values()]})
    if influence is not None:
        inf = influence.set_index("parameter").reindex(list(space))
        frame["must_fit"] = inf["must_fit"].fillna(False).astype(bool).to_numpy()
        frame["headline_pp"] = inf["effect_pp"].to_numpy(dtype=float)
        frame["headline_output"] = inf["output"].fillna("").to_numpy()
        frame["headline_group"] = inf["group"].fillna("").to_numpy()
    else:
        frame["must_fit"] = False
        frame["headline_pp"] = np.nan
        frame["headline_output"] = ""
        frame["headline_group"] = ""
    frame["marked_fit"] = frame["parameter"].isin(list(marked)).to_numpy()
    frame["must_fit"] = frame["must_fit"] | frame["marked_fit"]
    key = np.where(frame["must_fit"], frame["headline_pp"].fillna(0.0), -np.inf)
    frame = frame.assign(_key=key).sort_values(["_key", "target_score", "parameter"],
                                               ascending=[False, False, True])
    frame = frame.drop(columns="_key").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame[list(COLUMNS)]


def influence_table(params_dir: str | Path | None = None) -> pd.DataFrame | None:
    """The refreshed influence table (``params/influence.csv``), or None if there is none."""
    from unionsim.analysis.influence_report import TABLE_FILE, read_table, refresh_table
    from unionsim.config.params import shipped_dir

    path = Path(params_dir or shipped_dir("params")) / TABLE_FILE
    return refresh_table(read_table(path)) if path.exists() else None


def rerank(path: str | Path | None = None, params_dir: str | Path | None = None) -> pd.DataFrame:
    """Rank again with the current influence table and the target scores already in the
    ranking file (no runs), and write the file."""
    from unionsim.errors import InputFileError

    path = Path(path) if path else screening_file(params_dir)
    if not path.exists():
        raise InputFileError("no screening ranking found", file=path,
                             hint="run `python scripts/screen_calibration.py` first")
    previous = pd.read_csv(path)
    if "target_score" not in previous:
        previous = previous.rename(columns={"score": "target_score"})
    ranking = rank_for_fit(previous, influence_table(params_dir))
    ranking.to_csv(path, index=False, float_format="%.6g")
    return ranking


def load_manifest_status(folder: Path) -> str | None:
    from unionsim.experiment.store import read_manifest

    return read_manifest(folder).get("status")


def screening_file(params_dir: str | Path | None = None) -> Path:
    """Where the committed ranking lives (``params/calibration_screening.csv``)."""
    from unionsim.config.params import shipped_dir

    return Path(params_dir or shipped_dir("params")) / SCREENING_FILE


def _ranked(path: str | Path | None) -> list[str]:
    """Every parameter of the screening ranking, in rank order."""
    from unionsim.errors import InputFileError

    path = Path(path) if path else screening_file()
    if not path.exists():
        raise InputFileError("no screening ranking found", file=path,
                             hint="run `python scripts/screen_calibration.py` first")
    return pd.read_csv(path).sort_values("rank")["parameter"].tolist()


def top_parameters(n: int, path: str | Path | None = None) -> list[str]:
    """The first ``n`` parameters of the screening ranking."""
    return _ranked(path)[:n]


def fit_parameters(n: int, path: str | Path | None = None) -> list[str]:
    """What a fit of ``n`` parameters fits: the first ``n`` of the screening ranking, then every
    parameter marked ``fit:`` that is not among them (a default once set by hand to match the
    history is fitted whatever its rank), in ranking order."""
    from unionsim.config.params import fit_candidates

    marked = set(fit_candidates())
    ranked = _ranked(path)
    return ranked[:n] + [name for name in ranked[n:] if name in marked]
