"""A search's folder, written through the write guard, and its exports.

Layout (kind ``search``, marker ``.unionsim-search``)::

    manifest.json         what was searched and how: the spec (as read, and its digest), the
                          settings, each scenario's plan (seeds, parameters, draws), the model's
                          fingerprint, versions, timings, and each Pareto policy written out
    evaluations.parquet   every candidate's value of every objective in every run (0-1), kept
                          after each generation: a stopped search resumes from it
    candidates.csv        every candidate judged: lever values, objectives (pp) and their
                          standard errors, the generation it was first judged in
    pareto.csv            the Pareto set, with each objective's largest and mean regret
    regret.csv            each Pareto policy's regret in every scenario (and draw)
    pareto.png            every pair of objectives with the Pareto front
    pareto-N.yaml         Pareto policy N as a scenario (``--export N``); one file per scenario
                          of the spec (``pareto-N-SCENARIO.yaml``) when it names several

The folder must be new, empty or a search folder (`unionsim.guard.claim_folder`); a finished
search is replaced only with ``--force``, a stopped one continued only with ``--resume``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from unionsim.errors import ResultsError
from unionsim.guard import (claim_folder, folder_marker, mark_folder, read_entry_bytes,
                            remove_layout, write_bytes, write_json, write_text)
from unionsim.guard.entries import TMP_PATTERN

KIND = "search"
MANIFEST = "manifest.json"
EVALUATIONS = "evaluations.parquet"
CANDIDATES = "candidates.csv"
PARETO = "pareto.csv"
REGRET = "regret.csv"
FIGURE = "pareto.png"
LAYOUT = {MANIFEST: None, EVALUATIONS: None, CANDIDATES: None, PARETO: None, REGRET: None,
          FIGURE: None, "pareto-*.yaml": None, TMP_PATTERN: None}
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_EVALUATIONS_BYTES = 1024 * 1024 * 1024


def read_manifest(folder: Path) -> dict:
    """The folder's manifest (a `ResultsError` when it is missing or damaged)."""
    try:
        data = json.loads(read_entry_bytes(folder, MANIFEST, MAX_MANIFEST_BYTES))
    except FileNotFoundError:
        raise ResultsError("this search folder has no manifest.json", file=folder,
                           hint="give a folder written by `unionsim search`") from None
    except (ValueError, UnicodeDecodeError):
        raise ResultsError("manifest.json is damaged (not JSON)", file=folder / MANIFEST,
                           hint="run the search again with --force") from None
    if not isinstance(data, dict):
        raise ResultsError("manifest.json is damaged (not a JSON object)",
                           file=folder / MANIFEST, hint="run the search again with --force")
    return data


def is_search_folder(path: Path) -> bool:
    """Whether ``path`` is a folder carrying the search marker."""
    return path.is_dir() and not path.is_symlink() and folder_marker(path) == KIND


def check(out: str | Path) -> Path:
    """The folder ``out`` names once the guard allows a search to write it (new, empty or a
    search folder); nothing is written yet."""
    return claim_folder(out, KIND, option="--out")[0]


def claim(out: str | Path, *, resume: bool, force: bool, fingerprint: str
          ) -> tuple[Path, dict | None]:
    """Check that the search may write ``out``; returns the folder and, for ``resume``, the
    manifest of the stopped search it continues. Marks a new folder first of all."""
    folder, state = claim_folder(out, KIND, option="--out")
    if state == "new":
        if resume:
            raise ResultsError("there is no stopped search to resume here", file=folder,
                               field="resume", hint="drop --resume to start the search")
        mark_folder(folder, KIND)
        return folder, None
    manifest = read_manifest(folder) if (folder / MANIFEST).exists() else None
    if force:
        remove_layout(folder, LAYOUT)
        return folder, None
    if manifest is None:
        if resume:
            raise ResultsError("this search folder holds no manifest to resume from",
                               file=folder, field="resume", hint="use --force to start again")
        return folder, None
    finished = manifest.get("status") == "complete"
    if finished:
        raise ResultsError("this folder holds a finished search; it is left untouched",
                           file=folder, field="out",
                           hint="choose a new --out, or add --force to replace it (export a "
                                "policy from it with: unionsim search FOLDER --export N)")
    if not resume:
        raise ResultsError("this folder holds a stopped search", file=folder, field="out",
                           hint="add --resume to finish it, or --force to start again")
    if manifest.get("fingerprint") != fingerprint:
        raise ResultsError("the stopped search here was made with another spec, other settings, "
                           "another seed or other model code; it cannot be resumed with these",
                           file=folder, field="resume",
                           hint="repeat the command it was started with (its manifest.json "
                                "records it), or use --force to start again")
    return folder, manifest


def write_evaluations(folder: Path, table) -> None:
    """Keep every evaluation so far (whole, never through a link)."""
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    write_bytes(folder, EVALUATIONS, buffer.getvalue(), sync=True)


def read_evaluations(folder: Path):
    """The evaluations a stopped search kept (an empty table when none)."""
    import pandas as pd

    try:
        data = read_entry_bytes(folder, EVALUATIONS, MAX_EVALUATIONS_BYTES)
    except FileNotFoundError:
        return None
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception:  # a damaged file: judge the candidates again
        raise ResultsError("evaluations.parquet is damaged", file=folder / EVALUATIONS,
                           hint="use --force to start the search again") from None


def write_manifest(folder: Path, manifest: dict) -> None:
    write_json(folder, MANIFEST, manifest)


def write_outputs(folder: Path, candidates, pareto, regret, figure_png: bytes) -> None:
    write_text(folder, CANDIDATES, candidates.to_csv(index=False))
    write_text(folder, PARETO, pareto.to_csv(index=False))
    write_text(folder, REGRET, regret.to_csv(index=False))
    write_bytes(folder, FIGURE, figure_png)


# --------------------------------------------------------------------------- exports

def export_policy(folder: str | Path, number: int) -> list[Path]:
    """Write Pareto policy ``number`` of a finished search as scenario files (one per scenario
    of the spec) into its folder; each extends its scenario and adds the policies."""
    import yaml

    folder = Path(folder)
    if not is_search_folder(folder):
        raise ResultsError("not a search folder (it has no .unionsim-search marker)", file=folder,
                           hint="give the --out folder of a finished `unionsim search`")
    manifest = read_manifest(folder)
    if manifest.get("status") != "complete":
        raise ResultsError("this search has not finished; its Pareto set is not known yet",
                           file=folder, hint="finish it with --resume first")
    pareto = manifest.get("pareto") or []
    if not 1 <= number <= len(pareto):
        raise ResultsError(f"--export {number}: the Pareto set has policies 1 to {len(pareto)}",
                           file=folder / PARETO, field="export",
                           hint="pick a number from the policy column of pareto.csv")
    chosen = pareto[number - 1]
    scenarios = manifest["scenarios"]
    written = []
    for scenario in scenarios:
        name = f"pareto-{number}.yaml" if len(scenarios) == 1 else \
            f"pareto-{number}-{scenario['name']}.yaml"
        levers = ", ".join(f"{k} = {v}" for k, v in chosen["levers"].items())
        objectives = ", ".join(f"{k} {v:.1f} pp" for k, v in chosen["objectives"].items())
        document: dict[str, Any] = {
            "name": f"{scenario['name']}_{manifest['spec']['name']}_{number}"[:80].replace(
                "-", "_"),
            "title": f"{scenario['title']}, playing Pareto policy {number} of the search "
                     f"{manifest['spec']['name']}",
            "description": (f"Pareto policy {number} of the search {manifest['spec']['name']} "
                            f"(seed {manifest['settings']['seed']}, "
                            f"{manifest['settings']['runs']} runs per candidate): {levers}. "
                            f"Over the search's scenarios it scored {objectives}. Every other "
                            f"decision is the model's, as in {scenario['name']}."),
            "extends": scenario["extends"],
            "policies": chosen["policies"],
        }
        text = (f"# exported by `unionsim search {folder} --export {number}`\n"
                + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=96))
        written.append(write_text(folder, name, text))
    return written
