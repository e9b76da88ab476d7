"""Choose the parameters to calibrate: Morris screening on the fitting targets' measures.

ABC-SMC cannot fit hundreds of parameters, so the fit takes the top N of a documented ranking.
Candidates are the judgement parameters whose size the documents leave open (``support:
direction`` or ``assumption`` in ``params/default.yaml``), each over its documented range. A
Morris design (SALib, common random numbers: every design point runs with the same seed per
scenario) is run as ordinary batches, one per scenario the fitting targets use; each design point
is one run, and each fitting target's measure is computed from that run. A parameter's score is
the sum over fitting targets of Morris' mu* divided by the target's tolerance: the average
elementary effect on the fit's distance terms, in tolerances. The ranking is written to
``params/calibration_screening.csv``; the fit takes its first N rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from unionsim.config.schema import TargetMeasure
from unionsim.config.targets import TargetSet, scenario_spec

SCREENING_FILE = "calibration_screening.csv"
CANDIDATE_SUPPORT = ("direction", "assumption")


def candidates() -> dict[str, tuple[float, float]]:
    """Calibratable parameters (judgement, direction or assumption) and their ranges."""
    from unionsim.config.params import default_parameters

    specs = default_parameters().specs
    return {name: tuple(spec.range) for name, spec in specs.items()
            if spec.support in CANDIDATE_SUPPORT and spec.range[1] > spec.range[0]}


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
    """Run the Morris design in each fitting scenario under ``out`` and rank the candidates."""
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
    ranking = pd.DataFrame({"parameter": list(space), "score": score,
                            "low": [b[0] for b in space.values()],
                            "high": [b[1] for b in space.values()]})
    ranking = ranking.sort_values(["score", "parameter"], ascending=[False, True])
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    return ranking.reset_index(drop=True)


def load_manifest_status(folder: Path) -> str | None:
    from unionsim.experiment.store import read_manifest

    return read_manifest(folder).get("status")


def screening_file(params_dir: str | Path | None = None) -> Path:
    """Where the committed ranking lives (``params/calibration_screening.csv``)."""
    from unionsim.config.params import shipped_dir

    return Path(params_dir or shipped_dir("params")) / SCREENING_FILE


def top_parameters(n: int, path: str | Path | None = None) -> list[str]:
    """The first ``n`` parameters of the screening ranking."""
    from unionsim.errors import InputFileError

    path = Path(path) if path else screening_file()
    if not path.exists():
        raise InputFileError("no screening ranking found", file=path,
                             hint="run `python scripts/screen_calibration.py` first")
    ranking = pd.read_csv(path)
    return ranking.sort_values("rank")["parameter"].head(n).tolist()
