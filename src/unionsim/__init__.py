"""unionsim: a scenario wargame simulator of the Union State of Belarus and Russia.

Public API (heavy modules load on first use):

* `load_scenario(path)` - read and validate a scenario;
* `UnionModel(scenario=..., overrides={...}, seed=7)` - the Mesa model;
* `run_batch(scenario, runs=..., seed=...)` - a Monte Carlo batch into a results folder;
* `load_results(folder)` - a results folder as pandas DataFrames.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_scenario": "unionsim.config.scenario",
    "UnionModel": "unionsim.model.world",
    "run_batch": "unionsim.experiment.batch",
    "load_results": "unionsim.experiment.store",
    "UnionsimError": "unionsim.errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'unionsim' has no attribute {name!r}")
