"""Global sensitivity analysis with SALib: build a design, run it as a batch, analyse the folder.

1. `choose_parameters`: the parameters the scenario marks uncertain (its sampling bounds), every
   parameter over its documented range (``all_``), or the ones named.
2. `Design`: a Sobol' (Saltelli scheme, first and total order) or Morris design, seeded. Each
   design point can be run ``repeats`` times with different run seeds.
3. `run_sensitivity`: the design becomes per-run parameter samples of one plan, executed by
   `unionsim.experiment.batch.run_plan` like any batch; the design is saved beside the results as
   ``sensitivity/design.json``.
4. `analyse_sensitivity`: reads the folder only, averages repeats, and analyses the chance of each
   outcome and chosen final indicators.

Each run draws its own random seed, so outputs are noisy functions of the parameters: the indices
include that noise. SALib's bootstrap intervals show it; more repeats or a larger N shrink it.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from unionsim.errors import ResultsError, UnionsimError, UsageError
from unionsim.model.outcomes import OUTCOMES

METHODS = ("sobol", "morris")
DEFAULT_INDICATORS = ("sovereignty", "energy_support", "reserves", "legitimacy",
                      "protest_peak", "support_incorporation")
DESIGN_FILE = Path("sensitivity") / "design.json"
#: Runs per design point that ``unionsim sensitivity`` makes by default. Measured with
#: benchmarks/sensitivity_repeats.py (baseline, Morris, 4 trajectories over the 8 uncertain
#: parameters, master seeds 1 and 2): Spearman's correlation between the two seeds' rankings was
#: 0.57 with 1 run per point, 0.55 with 2, 0.81 with 3 and 0.96 with 4 and 5; with 1 run the
#: largest effect reported was 100 pp (single runs flipping outcome), with 4 it was 44 pp.
DEFAULT_REPEATS = 4
#: What the numbers mean, for tables and figures.
EFFECT_UNIT = "percentage points of the outcome's share of runs"
SCORE_UNIT = {"sobol": "ST, share of the output's variance (0-1)",
              "morris": "mu* / sd of the output (ratio)"}
NOISE_NOTE = ("Runs are stochastic, so the indices include noise from the runs' random draws "
              "(see the 95% intervals in indices.csv); raise --n or --repeats to shrink it.")


def choose_parameters(loaded, names: Sequence[str] = (), all_: bool = False
                      ) -> dict[str, tuple[float, float]]:
    """Parameter name -> sampling bounds.

    Named parameters (``names``) and ``all_`` use each documented range; otherwise the scenario's
    uncertain parameters with the bounds it gives. Parameters whose range is a single point are
    left out.
    """
    from unionsim.config.params import default_parameters, unknown_parameter

    specs = default_parameters().specs
    if names:
        for name in names:
            if name not in specs:
                raise unknown_parameter(name, specs, origin="--param")
        chosen = {n: tuple(specs[n].range) for n in dict.fromkeys(names)}
    elif all_:
        chosen = {n: tuple(s.range) for n, s in specs.items()}
    else:
        chosen = loaded.uncertain_parameters()
        if not chosen:
            raise UsageError(f"scenario '{loaded.name}' marks no parameter as uncertain",
                             hint="pass --all (every parameter over its documented range) or "
                                  "--param NAME (repeatable)")
    chosen = {n: (float(lo), float(hi)) for n, (lo, hi) in chosen.items() if hi > lo}
    if not chosen:
        raise UsageError("none of the chosen parameters has a range to vary",
                         hint="choose parameters whose documented range is not a single value")
    return chosen


@dataclass(frozen=True)
class Design:
    """A seeded SALib design over named parameters."""

    method: str
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    n: int
    seed: int
    repeats: int = 1
    num_levels: int = 4
    common_seeds: bool = True

    def __post_init__(self):
        if self.method not in METHODS:
            raise UsageError(f"--method must be one of {', '.join(METHODS)} (got '{self.method}')",
                             field="method")
        if self.n < 2:
            raise UsageError(f"--n must be at least 2 (got {self.n})", field="n")
        if self.method == "sobol" and self.n & (self.n - 1):
            low = 1 << (self.n.bit_length() - 1)
            raise UsageError(f"--n for sobol must be a power of 2 (got {self.n})", field="n",
                             hint=f"use --n {low} or --n {low * 2}")
        if self.repeats < 1:
            raise UsageError(f"--repeats must be at least 1 (got {self.repeats})", field="repeats")

    @property
    def problem(self) -> dict:
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}

    def points(self) -> np.ndarray:
        """The design matrix: one row per design point, one column per parameter."""
        if self.method == "sobol":
            from SALib.sample import sobol

            x = sobol.sample(self.problem, self.n, calc_second_order=False, seed=self.seed)
        else:
            from SALib.sample import morris

            x = morris.sample(self.problem, self.n, num_levels=self.num_levels, seed=self.seed)
        lo, hi = np.array(self.bounds).T
        return np.clip(x, lo, hi)   # keep rounding from stepping outside a documented range

    def samples(self) -> dict[str, list[float]]:
        """Per-run values for `make_plan`: each design point repeated ``repeats`` times."""
        x = np.repeat(self.points(), self.repeats, axis=0)
        return {name: x[:, j].tolist() for j, name in enumerate(self.names)}

    def run_seeds(self) -> list[int] | None:
        """Per-run seeds under common random numbers: repeat r of every point uses seed r of
        ``repeats`` seeds spawned from the design's seed (None: every run its own seed)."""
        if not self.common_seeds:
            return None
        from unionsim.experiment.plan import run_seeds

        seeds = run_seeds(self.seed, self.repeats)
        return seeds * len(self.points())

    def describe(self) -> dict:
        from importlib.metadata import version

        d = asdict(self)
        d["salib"] = version("salib")
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Design":
        return cls(method=d["method"], names=tuple(d["names"]),
                   bounds=tuple(tuple(b) for b in d["bounds"]), n=int(d["n"]),
                   seed=int(d["seed"]), repeats=int(d.get("repeats", 1)),
                   num_levels=int(d.get("num_levels", 4)),
                   common_seeds=bool(d.get("common_seeds", False)))


def make_design(loaded, *, method: str, n: int, seed: int, names: Sequence[str] = (),
                all_: bool = False, repeats: int = 1, common_seeds: bool = True) -> Design:
    """The design for a scenario: `choose_parameters`, then a seeded `Design`."""
    chosen = choose_parameters(loaded, names, all_)
    return Design(method=method, names=tuple(chosen), bounds=tuple(chosen.values()), n=n,
                  seed=seed, repeats=repeats, common_seeds=common_seeds)


def run_design(loaded, design: Design, out: str | Path, *, param_files=(), sets=None,
               force: bool = False, progress: Callable[[int], None] | None = None,
               fixed: Sequence[str] = (), **engine) -> Path:
    """Run a design as one batch into ``out`` and save the design beside the results.

    Parameters named in ``fixed`` keep the value the plan gives them (e.g. a scenario's own
    override) instead of the design's. Extra keyword arguments (``workers=``, ``resume=``,
    ``executor=``, ``timeseries=``...) go to `run_plan` unchanged.
    """
    from unionsim.analysis.outputs import output_folder
    from unionsim.experiment.batch import run_plan
    from unionsim.experiment.plan import make_plan
    from unionsim.guard import write_json

    samples = {k: v for k, v in design.samples().items() if k not in set(fixed)}
    runs = len(design.points()) * design.repeats
    # parameters outside the design keep their values: the scenario's own uncertainty sampling
    # would add noise the indices cannot attribute
    plan = make_plan(loaded, runs=runs, seed=design.seed, param_files=param_files, sets=sets,
                     samples=samples, sampler=f"salib-{design.method}", uncertainty=False)
    seeds = design.run_seeds()
    if seeds is not None:
        plan = dataclasses.replace(plan, seeds=tuple(seeds))
    out = run_plan(plan, out, force=force, progress=progress, **engine)
    write_json(output_folder(out, None, "sensitivity"), DESIGN_FILE.name, design.describe())
    return out


def run_sensitivity(scenario, *, method: str, n: int, seed: int, out: str | Path,
                    names: Sequence[str] = (), all_: bool = False, repeats: int = 1,
                    common_seeds: bool = True, param_files=(), sets=None, force: bool = False,
                    progress: Callable[[int], None] | None = None, **engine) -> Path:
    """`make_design` and `run_design` for a scenario file, name or `LoadedScenario`."""
    from unionsim.config.scenario import LoadedScenario, load_scenario

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    design = make_design(loaded, method=method, n=n, seed=seed, names=names, all_=all_,
                         repeats=repeats, common_seeds=common_seeds)
    return run_design(loaded, design, out, param_files=param_files, sets=sets, force=force,
                      progress=progress, **engine)


@dataclass
class Sensitivity:
    """The analysis of a sensitivity folder."""

    design: Design
    indices: pd.DataFrame            # one row per output and parameter
    ranking: pd.DataFrame            # one row per parameter, most influential first
    skipped: dict[str, str] = field(default_factory=dict)   # output -> why it was left out
    files: list[Path] = field(default_factory=list)
    note: str = NOISE_NOTE


def load_design(run_dir: str | Path) -> Design:
    from unionsim.guard import read_entry_bytes

    path = Path(run_dir) / DESIGN_FILE
    if not path.exists():
        raise ResultsError("not a sensitivity folder: sensitivity/design.json is missing",
                           file=run_dir, hint="make one with `unionsim sensitivity SCENARIO "
                                              "--method sobol --n 64 --out DIR`")
    damaged = ("the design is damaged: run the design again with the same `unionsim "
               "sensitivity` command plus --force, or into another --out")
    try:
        data = json.loads(read_entry_bytes(path.parent.parent, str(DESIGN_FILE), 16 << 20))
        design = Design.from_dict(data)
        if design.method not in ("sobol", "morris") or len(design.bounds) != len(design.names):
            raise ValueError("its method or bounds do not fit its parameters")
        return design
    except ResultsError:
        raise
    except UnionsimError as exc:  # a value the design's own checks refuse
        raise ResultsError(f"sensitivity/design.json holds a design that cannot be: "
                           f"{exc.detail}", file=path, field=exc.field, hint=damaged) from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise ResultsError(f"sensitivity/design.json cannot be read ({type(exc).__name__}: "
                           f"{str(exc)[:150]})", file=path, hint=damaged) from None


def design_outputs(outcomes: pd.DataFrame, design: Design, indicators: Sequence[str]
                   ) -> dict[str, np.ndarray]:
    """Output name -> one value per design point (mean over its repeats).

    Outcomes become probabilities ``P(<outcome>)``: the share of a point's runs ending so.
    """
    if (outcomes["status"] != "ok").any():
        bad = outcomes.loc[outcomes["status"] != "ok", "run"].tolist()
        raise ResultsError(f"{len(bad)} runs failed (first: {bad[:5]}); a sensitivity analysis "
                           "needs every design point", hint="see the error column of "
                                                             "outcomes.parquet")
    o = outcomes.sort_values("run")
    point = o["run"].to_numpy() // design.repeats
    columns = {f"P({name})": (o["outcome"] == name).astype(float).to_numpy() for name in OUTCOMES}
    for name in indicators:
        if name not in o:
            raise UsageError(f"unknown indicator '{name}'", field="indicator",
                             hint="choose a final indicator of outcomes.parquet, e.g. sovereignty")
        columns[name] = o[name].astype(float).to_numpy()
    frame = pd.DataFrame(columns).groupby(point).mean()
    return {k: frame[k].to_numpy() for k in frame.columns}


def analyse_sensitivity(run_dir: str | Path, *, indicators: Sequence[str] = DEFAULT_INDICATORS,
                        write: bool = True, confidence: float = 0.95) -> Sensitivity:
    """Sensitivity indices of every outcome's chance and of ``indicators``, from a folder."""
    from unionsim.analysis.provenance import disputes
    from unionsim.config.params import default_parameters
    from unionsim.experiment.store import load_results

    design = load_design(run_dir)
    res = load_results(run_dir)
    x = res.outcomes.sort_values("run")[[f"param.{n}" for n in design.names]].to_numpy()
    x = x[:: design.repeats]
    outputs = design_outputs(res.outcomes, design, indicators)
    frames, skipped = [], {}
    for output, y in outputs.items():
        if np.ptp(y) == 0:
            skipped[output] = f"constant ({y[0]:g}) over the design"
            continue
        frames.append(_indices(design, x, y, confidence).assign(output=output))
    if not frames:
        raise ResultsError("every output is constant over the design: nothing to analyse",
                           file=run_dir, hint="vary more parameters or widen the design")
    indices = pd.concat(frames, ignore_index=True)
    specs = default_parameters().specs
    ranking = rank_parameters(indices, design.method)
    ranking["disputes"] = [", ".join(disputes(specs[p])) for p in ranking["parameter"]]
    result = Sensitivity(design=design, indices=indices, ranking=ranking, skipped=skipped)
    if write:
        from unionsim.analysis.outputs import output_folder

        result.files = write_sensitivity(result, res, output_folder(run_dir, None, "sensitivity"))
    return result


def _indices(design: Design, x: np.ndarray, y: np.ndarray, confidence: float) -> pd.DataFrame:
    problem = design.problem
    if design.method == "sobol":
        from SALib.analyze import sobol

        with warnings.catch_warnings():
            # under common random numbers a parameter the runs never consult leaves the
            # output unchanged: SALib warns about constant values, the index is simply 0
            warnings.filterwarnings("ignore", message="Constant values encountered")
            si = sobol.analyze(problem, y, calc_second_order=False, conf_level=confidence,
                               seed=design.seed)
        st = np.clip(np.asarray(si["ST"], dtype=float), 0, None)
        return pd.DataFrame({"parameter": design.names, "S1": si["S1"], "S1_conf": si["S1_conf"],
                             "ST": si["ST"], "ST_conf": si["ST_conf"], "score": st,
                             "effect": np.sqrt(st) * float(np.std(y))})
    from SALib.analyze import morris

    si = morris.analyze(problem, x, y, conf_level=confidence, num_levels=design.num_levels,
                        seed=design.seed)
    mu_star = np.asarray(si["mu_star"], dtype=float)
    sd = float(np.std(y)) or 1.0
    # SALib divides each change of the output by the step in the unit cube (2/3 of the range
    # with 4 levels), extrapolating it to the whole range: a share that moves from 0 to 1 in one
    # step (one run per point, a run flipping by chance) becomes "150 pp". The effect reported
    # is the change itself, the mean absolute change of the output over one step, which cannot
    # exceed the output's spread over the design.
    step = morris_step(design.num_levels)
    return pd.DataFrame({"parameter": design.names, "mu_star": mu_star,
                         "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
                         "mu": np.asarray(si["mu"], dtype=float),
                         "sigma": np.asarray(si["sigma"], dtype=float), "score": mu_star / sd,
                         "effect": mu_star * step,
                         "effect_conf": np.asarray(si["mu_star_conf"], dtype=float) * step})


def morris_step(num_levels: int) -> float:
    """The step of a Morris trajectory as a share of each parameter's range.

    >>> morris_step(4)
    0.6666666666666666
    """
    return num_levels / (2 * (num_levels - 1))


def rank_parameters(indices: pd.DataFrame, method: str) -> pd.DataFrame:
    """One row per parameter, the largest effect on an outcome's chance first.

    Two measures per output (see `_indices`):

    * ``effect``, in the output's own units, so in probability (0-1) for an outcome's chance:
      mu* times the step for Morris (the mean absolute change over one step of the trajectory,
      2/3 of the parameter's range with 4 levels), sqrt(ST) times
      the output's standard deviation for Sobol' (the spread the parameter accounts for).
      Rare outcomes vary little, so their noisy indices do not dominate the ranking.
    * ``score``, unitless: ST for Sobol', mu* / sd(output) for Morris.

    For each parameter: the largest effect over the outcome chances (``outcome_effect``, where:
    ``top_outcome``) and the largest score over all outputs including indicators (``score``,
    ``top_output``). Parameters are ordered by ``outcome_effect``, then ``score``.
    """
    def best(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(columns=[column, "output"])
        rows = frame.loc[frame.groupby("parameter")[column].idxmax()]
        return rows.set_index("parameter")[[column, "output"]]

    overall = best(indices, "score")
    chances = best(indices[indices["output"].str.startswith("P(")], "effect")
    chances = chances.reindex(overall.index)
    ranking = pd.DataFrame({"parameter": overall.index,
                            "outcome_effect": chances["effect"].fillna(0.0).to_numpy(float),
                            "top_outcome": chances["output"].fillna("").to_numpy(),
                            "score": overall["score"].to_numpy(float),
                            "top_output": overall["output"].to_numpy()})
    ranking.loc[ranking["outcome_effect"] <= 0, "top_outcome"] = ""   # no effect: no "where"
    ranking.loc[ranking["score"] <= 0, "top_output"] = ""
    ranking = ranking.sort_values(["outcome_effect", "score"], ascending=False,
                                  ignore_index=True)
    ranking.insert(0, "rank", np.arange(1, len(ranking) + 1))
    ranking["measure"] = "sqrt(ST) sd" if method == "sobol" else "mu*"
    return ranking


def write_sensitivity(result: Sensitivity, res, out: Path) -> list[Path]:
    """indices.csv, ranking.csv, ranking.png and indices.png into ``out``."""
    from unionsim.analysis.figures import sensitivity_figure, sensitivity_ranking_figure
    from unionsim.analysis.outputs import save_figure, save_table

    return [save_table(result.indices, out, "indices.csv"),
            save_table(result.ranking, out, "ranking.csv"),
            save_figure(sensitivity_ranking_figure(result, res.manifest), out, "ranking.png"),
            save_figure(sensitivity_figure(result, res.manifest), out, "indices.png")]
