"""The headline outputs: every number a user reads off a batch, as one column each.

A batch's summary, report and explorer show the share of runs ending in each primary outcome,
the share of runs at each level of each end-state dimension, the share of runs in which each
flag was raised, and, for each key event, the share of runs in which it happened by the horizon
and when it happened. `run_outputs` turns each run's row of ``outcomes.parquet`` into these
numbers (0/1 indicators for the shares, the month as a share of the horizon for the timings, a
run without the event counting as one month after the horizon); `point_outputs` averages runs
that share a parameter vector (a design point's repeats) and scales to percentage points, so
every headline output is on one scale: pp of runs, or pp of the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from unionsim.config.vocabulary import FLAGS
from unionsim.model.outcomes import DIMENSIONS, OUTCOMES, TIMINGS

#: What each kind of output measures (the unit of its effects).
KINDS = {
    "outcome": "pp of runs ending in this primary outcome",
    "dimension": "pp of runs ending at this level of the dimension",
    "flag": "pp of runs in which the flag was raised",
    "timing_share": "pp of runs in which the event happened by the horizon",
    "timing_month": "pp of the horizon (the event's month; never = one month after the horizon)",
    "mean": "pp (mean over runs of a 0-1 share)",
}


@dataclass(frozen=True)
class Output:
    """One headline output: its column name, kind and how a user would read it."""

    name: str
    kind: str
    label: str


def headline_outputs() -> tuple[Output, ...]:
    """Every headline output, in the order summaries show them."""
    outs = [Output(f"outcome:{o}", "outcome", f"P({o})") for o in OUTCOMES]
    outs += [Output(f"{dim}:{label}", "dimension", f"{dim} = {label}")
             for dim, labels in DIMENSIONS.items() for label in labels]
    outs += [Output("mean:implemented_share", "mean", "implemented share of signed roadmaps")]
    outs += [Output(f"flag:{f}", "flag", f"flag {f}") for f in FLAGS]
    for t in TIMINGS:
        event = t.removeprefix("month_")
        outs += [Output(f"{t}:by_horizon", "timing_share", f"{event} by the horizon"),
                 Output(f"{t}:month", "timing_month", f"month of {event}")]
    return tuple(outs)


OUTPUTS = headline_outputs()
OUTPUT_BY_NAME = {o.name: o for o in OUTPUTS}


def run_outputs(outcomes: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """One row per run (in ``run`` order), one column per headline output, in 0-1 units.

    A timing's month is read as a share of the horizon; a run in which the event never happened
    counts as one month after the horizon (``(horizon + 1) / horizon``), so the mean over runs
    is defined whatever share of runs had the event, and an event that comes later or more
    rarely both raise it.
    """
    o = outcomes.sort_values("run")
    cols: dict[str, np.ndarray] = {}
    outcome = o["outcome"].to_numpy()
    for name in OUTCOMES:
        cols[f"outcome:{name}"] = (outcome == name).astype(float)
    for dim, labels in DIMENSIONS.items():
        values = o[dim].to_numpy()
        for label in labels:
            cols[f"{dim}:{label}"] = (values == label).astype(float)
    cols["mean:implemented_share"] = o["implemented_share"].to_numpy(dtype=float)
    for f in FLAGS:
        cols[f"flag:{f}"] = o[f].to_numpy(dtype=float)
    never = (horizon + 1) / horizon
    for t in TIMINGS:
        month = o[t].to_numpy(dtype=float)
        happened = ~np.isnan(month)
        cols[f"{t}:by_horizon"] = happened.astype(float)
        cols[f"{t}:month"] = np.where(happened, month / horizon, never)
    return pd.DataFrame(cols, index=o["run"].to_numpy())


def point_outputs(outcomes: pd.DataFrame, horizon: int, repeats: int,
                  keep_repeats=None) -> pd.DataFrame:
    """Headline outputs per design point, in percentage points: the mean over the point's runs.

    Runs ``p * repeats .. p * repeats + repeats - 1`` belong to point ``p`` (the engine's order
    for a design run with repeats). ``keep_repeats`` (a collection of repeat numbers) keeps only
    those repeats of every point, e.g. one half of them.
    """
    runs = run_outputs(outcomes, horizon)
    run = runs.index.to_numpy()
    if keep_repeats is not None:
        keep = np.isin(run % repeats, list(keep_repeats))
        runs, run = runs[keep], run[keep]
    return runs.groupby(run // repeats).mean() * 100.0
