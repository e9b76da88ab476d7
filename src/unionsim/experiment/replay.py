"""Replay one stored run exactly: the scenario, parameters, sampled values and seed it ran with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unionsim.errors import ResultsError


@dataclass
class Replay:
    """A replayed run and whether it reproduced the stored result."""

    model: object            # the finished UnionModel (with its decision log)
    run: int
    seed: int
    matches: bool            # outcome and final indicators equal the stored row
    same_code: bool          # the folder was made by this model code


def replay_run(folder: str | Path, run: int, *, record: bool = True) -> Replay:
    """Rebuild run ``run`` of a results folder from its manifest and outcome row, and run it.

    The scenario is taken from the manifest (so later edits of the file do not matter), the
    parameters from the manifest's resolved values plus the run's ``param.*`` samples.
    """
    from unionsim.config.params import ParameterSet, default_parameters
    from unionsim.config.scenario import LoadedScenario
    from unionsim.config.schema import Scenario
    from unionsim.experiment.plan import model_fingerprint
    from unionsim.experiment.store import OUTCOMES, read_manifest, read_table
    from unionsim.model.outcomes import FINAL_INDICATORS
    from unionsim.model.world import UnionModel

    folder = Path(folder)
    manifest = read_manifest(folder)
    if not (folder / OUTCOMES).exists():
        raise ResultsError("this folder has no outcomes.parquet (yet)", file=folder,
                           hint="finish the batch with --resume first (or run it again with "
                                "--force if it was complete)")
    outcomes = read_table(folder / OUTCOMES, required=("run", "seed", "status"))
    rows = outcomes[outcomes["run"] == run]
    if rows.empty:
        raise ResultsError(f"no run {run} in this folder" + (
                           f" (runs 0..{len(outcomes) - 1})" if len(outcomes) else
                           " (it holds no runs)"), file=folder, field="run",
                           hint="give --run K with K between 0 and the number of runs - 1")
    row = rows.iloc[0]
    try:
        spec = Scenario.model_validate(manifest["scenario"]["spec"])
        values = {str(k): float(v) for k, v in dict(manifest["parameters"]).items()}
        values.update({c[len("param."):]: float(row[c]) for c in outcomes.columns
                       if c.startswith("param.")})
        seed = int(row["seed"])
    except (KeyError, TypeError, ValueError) as exc:  # pydantic's ValidationError included
        raise ResultsError(f"cannot rebuild run {run}: manifest.json or outcomes.parquet is "
                           f"damaged ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})",
                           file=folder, hint="run the batch again (the command is in "
                                             "manifest.json) into a new --out") from None
    params = ParameterSet(default_parameters().specs, values)
    model = UnionModel(scenario=LoadedScenario(spec), params=params, seed=seed,
                       collect=False, record=record).run()
    matches = row["status"] == "ok" and model.outcome == row.get("outcome") and all(
        abs(float(model.result()[k]) - float(row[k])) < 1e-9 for k in FINAL_INDICATORS)
    return Replay(model, run, seed, bool(matches),
                  manifest.get("model_fingerprint") == model_fingerprint())
