"""Export the app's tweaks and policies as files the CLI takes: a parameter overlay and a
scenario.

* The overlay (``title`` and ``values``) is for ``unionsim run SCENARIO --params FILE``; a
  parameter file holds no policies, so its reproduce line adds them as ``--policy`` options.
* The scenario ``extends`` the chosen one, puts the tweaks in ``overrides`` and the policies
  added in the app in ``policies`` (they replace the parent's for the same decision). A
  scenario's own overrides do not stop its ``uncertainty`` from drawing a parameter per run,
  whereas ``--set`` and ``--params`` do (`unionsim.experiment.plan.make_plan`); so for a tweaked
  parameter that the parent scenario samples, the file also removes it from ``uncertainty``
  (``name: null``). Both files then give the same runs as the app's batch: same outcomes for
  the same seed.

Both files are checked with ``unionsim validate``'s own function before they are handed out.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import yaml

from unionsim.errors import UsageError

OVERLAY_NAME = "tweaks.params.yaml"
SCENARIO_NAME = "tweaks.scenario.yaml"


def extends_ref(scenario_ref: str) -> str:
    """How the exported scenario names its parent: a shipped name as is, a file by its full path."""
    from unionsim.config.params import shipped_dir
    from unionsim.config.scenario import find_scenario

    path = find_scenario(scenario_ref)
    shipped = shipped_dir("scenarios") / f"{scenario_ref}.yaml"
    if path == shipped:
        return scenario_ref
    return str(path.resolve())


def _reproduce_note(how: str, runs: int | None, seed: int | None) -> str:
    if runs is None or seed is None:
        return f"Reproduce with: {how} --runs N --seed S"
    return f"Reproduce the app's batch with: {how} --runs {runs} --seed {seed}"


def overlay_yaml(scenario_name: str, tweaks: dict[str, float], *, runs: int | None = None,
                 seed: int | None = None, overlay_path: str = OVERLAY_NAME,
                 scenario_ref: str = "", policies: dict | None = None) -> str:
    """The tweaks as a parameter overlay file (``--params``)."""
    from unionsim.config.scenario import policy_options

    if not tweaks:
        raise UsageError("there are no tweaks to export: move a parameter first", field="values")
    how = (f"unionsim run {scenario_ref or scenario_name} --params {overlay_path}"
           + policy_options(policies or {}))
    data = {"title": f"Tweaks made in unionsim app on {scenario_name}",
            "description": (f"Written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. "
                            + _reproduce_note(how, runs, seed) + "."),
            "values": {k: float(v) for k, v in tweaks.items()}}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def scenario_yaml(loaded, scenario_ref: str, tweaks: dict[str, float], *,
                  runs: int | None = None, seed: int | None = None,
                  scenario_path: str = SCENARIO_NAME, policies: dict | None = None) -> str:
    """A scenario that extends the chosen one with the tweaks as ``overrides`` and the policies
    added in the app as ``policies``."""
    spec = loaded.spec
    how = f"unionsim run {scenario_path}"
    changed = ", ".join(f"{k}={v:g}" for k, v in tweaks.items()) or "no parameter changed"
    if policies:
        changed += "; policies for " + ", ".join(policies)
    data: dict = {
        "name": f"{spec.name}-app"[:60],
        "title": f"{spec.title} [tweaked in unionsim app]",
        "description": (f"The scenario '{spec.name}' with parameters changed in unionsim app "
                        f"({changed}). " + _reproduce_note(how, runs, seed) + "."),
        "extends": extends_ref(scenario_ref),
    }
    if tweaks:
        data["overrides"] = {k: float(v) for k, v in tweaks.items()}
        # the parent samples these per run; a fixed value must win, as with --set
        unsampled = {k: None for k in tweaks if k in spec.uncertainty}
        if unsampled:
            data["uncertainty"] = unsampled
    if policies:
        data["policies"] = dict(policies)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_text_in(folder: Path, name: str, text: str) -> Path:
    """Write ``folder/name`` through the write guard: whole or not at all, never through a
    symbolic link (an entry of that name that is a link or not a regular file is refused and
    left as it is); the folder is made when missing. Returns the path."""
    from unionsim.guard import checked_entry, write_named

    checked_entry(folder, name, "file")   # refused before the folder is made
    return write_named(Path(folder) / name, text.encode("utf-8"))


def write_exports(scenario_ref: str, tweaks: dict[str, float], folder: Path, *,
                  runs: int | None = None, seed: int | None = None,
                  policies: dict | None = None) -> tuple[Path | None, Path]:
    """Write ``tweaks.params.yaml`` (None without tweaks) and ``tweaks.scenario.yaml`` into
    ``folder`` and validate both as ``unionsim validate`` does; returns their paths."""
    from unionsim.config.scenario import load_scenario
    from unionsim.config.validate import validate_file

    loaded = load_scenario(scenario_ref)
    folder = Path(folder)
    scenario_file = folder / SCENARIO_NAME
    write_text_in(folder, SCENARIO_NAME, scenario_yaml(loaded, scenario_ref, tweaks, runs=runs,
                                                       seed=seed,
                                                       scenario_path=str(scenario_file),
                                                       policies=policies))
    validate_file(scenario_file)
    overlay_file = None
    if tweaks:
        overlay_file = folder / OVERLAY_NAME
        write_text_in(folder, OVERLAY_NAME, overlay_yaml(loaded.name, tweaks, runs=runs,
                                                         seed=seed,
                                                         overlay_path=str(overlay_file),
                                                         scenario_ref=extends_ref(scenario_ref),
                                                         policies=policies))
        validate_file(overlay_file)
    return overlay_file, scenario_file
