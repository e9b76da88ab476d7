"""Where the explorer reads and writes: its runs folder, each batch's new folder, the scenario
files it may open, and the rule that nothing is written outside the runs folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from unionsim.errors import ResultsError


def check_runs_dir(path: str | Path) -> Path:
    """The app's runs folder (``--runs-dir``), checked before anything is written: a folder of
    its own that holds the app's batches, one results folder each. Refused as the write guard
    refuses any output folder (`unionsim.guard.check_out_dir`: an empty path, the working
    directory or one of its parents, the home folder, a file or a device such as ``/dev/null``,
    a path under a file; ``~`` expanded as the shell does), and a results folder (a batch's own
    folder). Returns the path to use."""
    from unionsim.experiment.store import MANIFEST, MARKER
    from unionsim.guard import check_out_dir

    path = check_out_dir(path, "--runs-dir")
    if (path / MANIFEST).exists() or (path / MARKER).exists():
        raise ResultsError(f"--runs-dir '{path}' is a batch's results folder; the app writes a "
                           f"results folder per batch inside its runs folder", field="runs_dir",
                           hint="give a folder for the app's batches, e.g. --runs-dir runs/app")
    return path


def new_batch_folder(root: Path, scenario_name: str, seed: int, runs: int) -> Path:
    """A fresh folder ``<root>/<scenario>-<timestamp>-s<seed>-n<runs>`` (never an existing one)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{scenario_name}-{stamp}-s{seed}-n{runs}"
    folder, k = base, 1
    while folder.exists():
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


SCENARIO_RULE = ("the app opens a shipped scenario by name, or a scenario file (.yaml or .yml) "
                 "under the folder it was started in or under its runs folder")
#: A scenario file larger than this is refused before it is read.
MAX_SCENARIO_BYTES = 1024 * 1024


def check_scenario_ref(ref: str, runs_dir: Path) -> str:
    """The scenario box's rule (`SCENARIO_RULE`): a shipped name, or a .yaml/.yml file under the
    working directory or ``runs_dir`` (symbolic links resolved first) that looks like a scenario.

    A file that is not a scenario (a mapping of the scenario's own keys with a ``name`` or an
    ``extends``) is refused without a word of its content: the page may be seen by others, and
    the file may hold anything. Returns the reference to load.
    """
    import yaml

    from unionsim.config.scenario import shipped_scenarios
    from unionsim.config.schema import Scenario
    from unionsim.errors import InputFileError, ScenarioError, UsageError

    ref = ref.strip()
    if ref in {p.stem for p in shipped_scenarios()}:
        return ref
    path = Path(ref).expanduser()
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"'{ref}' is neither a shipped scenario nor a .yaml file",
                         field="scenario", hint=SCENARIO_RULE)
    resolved = (Path.cwd() / path).resolve()
    roots = [Path.cwd().resolve(), Path(runs_dir).expanduser().resolve()]
    if not any(resolved.is_relative_to(root) for root in roots):
        raise UsageError(f"'{ref}' is outside the folders the app reads scenarios from "
                         f"({roots[0]} and {roots[1]})", field="scenario", hint=SCENARIO_RULE)
    if not resolved.is_file():
        raise InputFileError("scenario file not found", file=ref, field="scenario",
                             hint=SCENARIO_RULE)
    if resolved.stat().st_size > MAX_SCENARIO_BYTES:
        raise InputFileError(f"this file is larger than {MAX_SCENARIO_BYTES // 1024} KB: not a "
                             f"scenario", file=ref, field="scenario", hint=SCENARIO_RULE)
    try:
        data = yaml.safe_load(resolved.read_bytes())
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        data = None   # the loader says where the file is malformed (file and line only)
    else:
        keys = set(data) if isinstance(data, dict) else set()
        if not (keys & {"name", "extends"} and all(isinstance(k, str) for k in keys)
                and keys <= set(Scenario.model_fields)):
            raise ScenarioError("this file is not a scenario (its top level is not a mapping "
                                "of a scenario's keys with a name)", file=ref, field="scenario",
                                hint="`unionsim schema` describes a scenario file; "
                                     + SCENARIO_RULE)
    return str(path)


#: Seconds a session's background thread waits for work before it ends (it starts again on
#: demand).


def check_inside(folder: Path, runs_dir: Path) -> Path:
    """``folder`` once the write guard has checked it as a folder inside the runs folder: no
    entry on the way from the runs folder to it is a symbolic link (a link planted in the runs
    folder must not lead the app's writes elsewhere), and it is a folder if it exists."""
    from unionsim.guard import checked_entry, user_path

    root = user_path(runs_dir, "--runs-dir")
    try:
        inside = Path(folder).relative_to(root)
    except ValueError:
        raise ResultsError(f"{folder} is outside the app's runs folder ({root})", file=folder,
                           hint="start the app with the --runs-dir that holds it") from None
    return checked_entry(root, inside, "dir") if inside.parts else root
