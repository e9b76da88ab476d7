"""Commands about input files: params, scenarios, schema, validate."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from unionsim.cli.common import PARAMS_HELP, _console, _print_error, app
from unionsim.errors import UnionsimError, UsageError


@app.command("params")
def params_cmd(
    name: Optional[str] = typer.Argument(None, metavar="[NAME]", help="A parameter (minsk.sovereignty_weight) or a "
                                         "group (minsk); all when omitted."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
) -> None:
    """List parameters with value, range, unit, meaning, basis, support and sources.

    The polls' measurement offsets (params/poll_offsets.yaml), which the calibration reads and
    the model never does, are listed when NAME selects them: unionsim params polls

    Example: unionsim params minsk.sovereignty_weight
    """
    import json

    from unionsim.config.params import (ParameterSet, apply_overlay_file, default_parameters,
                                        unknown_parameter)

    pset = default_parameters()
    if name is not None and (name == "polls" or name.startswith("polls.")):
        from unionsim.calibration.polls import offset_specs

        specs = offset_specs()
        pset = ParameterSet(specs, {k: s.value for k, s in specs.items()})
    for f in params:
        pset = apply_overlay_file(pset, f)
    names = [n for n in pset.names() if name is None or n == name or n.startswith(name + ".")]
    if not names:
        raise unknown_parameter(name, pset.specs)
    records = []
    for n in names:
        spec = pset.specs[n]
        records.append({"name": n, "value": pset.values[n], "default": spec.value,
                        "range": list(spec.range), "unit": spec.unit, "meaning": spec.meaning,
                        "basis": spec.basis, "support": spec.support,
                        **({"claim": spec.claim} if spec.claim else {}),
                        "sources": [s.model_dump() for s in spec.sources],
                        **({"note": spec.note} if spec.note else {})})
    if as_json:
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    for r in records:
        changed = "" if r["value"] == r["default"] else f" (default {r['default']:g})"
        typer.echo(f"{r['name']} = {r['value']:g}{changed}  [{r['range'][0]:g}, {r['range'][1]:g}]"
                   f" {r['unit']}")
        typer.echo(f"    {r['meaning']}")
        typer.echo(f"    basis: {r['basis']}; support: {r['support']}; sources: " + ("; ".join(
            f"{s['doc']} {', '.join(s['facts'])}" for s in r["sources"]) or "none"))
        if "claim" in r:
            typer.echo(f"    claim: {' '.join(r['claim'].split())}")
        if "note" in r:
            typer.echo(f"    note: {r['note']}")
    typer.echo(f"{len(records)} parameter{'s' if len(records) != 1 else ''}")


@app.command()
def scenarios() -> None:
    """List the shipped scenarios with their one-line descriptions.

    Example: unionsim scenarios
    """
    from unionsim.config.scenario import load_scenario, shipped_scenarios

    for path in shipped_scenarios():
        loaded = load_scenario(path)
        spec = loaded.spec
        base = f" (extends {spec.extends})" if spec.extends else ""
        uncertain = f", {len(spec.uncertainty)} uncertain parameters" if spec.uncertainty else ""
        typer.echo(f"{spec.name:28s} {spec.title}")
        typer.echo(f"{'':28s} {spec.start} + {spec.horizon} months, {len(spec.events)} events, "
                   f"{len(spec.triggers)} trigger{'' if len(spec.triggers) == 1 else 's'}{uncertain}{base}")


@app.command("targets")
def targets_cmd(
    paths: List[Path] = typer.Argument(None, metavar="[PATH...]",
                                       help="Target files or folders (default: targets/)."),
    polls: bool = typer.Option(False, "--polls", help="Only the poll targets."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """List the calibration targets: use, measure, observed value and tolerance; for a poll its
    pollster, question, sample size, sampling error and the tolerance it is scored with.

    Example: unionsim targets --polls
    """
    import json

    from unionsim.calibration.polls import is_poll, poll_row
    from unionsim.config.targets import load_targets

    loaded = load_targets(paths or None)
    records = []
    for t in loaded.targets:
        if polls and not (t.measured and is_poll(t)):
            continue
        record = {"id": t.id, "use": t.target.use, "scenario": t.scenario,
                  "measure": t.target.measure.kind if t.measured else None,
                  "observed": t.target.observed, "tolerance": t.target.tolerance,
                  **({} if t.measured else {"status": t.target.status})}
        if t.measured and is_poll(t):
            row = poll_row(loaded, t)
            record.update({k: row[k] for k in ("pollster", "question", "wording", "n",
                                               "n_basis", "sampling_sd")},
                          scoring_tolerance=row["tolerance"], offsets=[row["house"],
                                                                      row["wording_offset"]])
        records.append(record)
    if as_json:
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))
        return
    for r in records:
        if r["measure"] is None:
            typer.echo(f"{r['id']} ({r['use']}): no measure")
            continue
        typer.echo(f"{r['id']} ({r['use']}, {r['measure']} in {r['scenario']}): observed "
                   f"{r['observed']} +- {r['tolerance']:g}")
        if "pollster" in r:
            typer.echo(f"    pollster {r['pollster']}, question {r['question']} "
                       f"({r['wording']})")
            typer.echo(f"    n = {r['n']} ({r['n_basis']}); sampling sd "
                       f"{r['sampling_sd']:.3f}; scored within +- {r['scoring_tolerance']:.3f} "
                       f"of latent + {r['offsets'][0]} + {r['offsets'][1]}")
    typer.echo(f"{len(records)} target{'s' if len(records) != 1 else ''}")


@app.command()
def schema(
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE",
                                       help="Write the JSON Schema to FILE instead of printing it."),
) -> None:
    """Print the JSON Schema of the scenario language, for editors that check YAML as you type.

    Example: unionsim schema --out scenario.schema.json  (then point your editor's YAML plugin
    at it, e.g. '# yaml-language-server: $schema=scenario.schema.json' in a scenario file)
    """
    import json

    from unionsim.config.schema import Scenario

    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if out is not None and (out.is_dir() or str(out).strip() in ("", ".")):
        raise UsageError("--out is a folder; the schema is written to a file", file=out,
                         field="out", hint=f"e.g. --out {out / 'scenario.schema.json'}")
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}")


@app.command()
def validate(
    files: List[Path] = typer.Argument(..., metavar="FILE...",
                                     help="Scenario or parameter files to check."),
) -> None:
    """Check scenario, parameter and search spec files without running them.

    A scenario is recognised by its `events`/`horizon` keys, a parameter overlay by `values`, a
    full parameter file by parameter entries, a search spec by `levers` and `objectives`. Every file is checked; the command fails if any is
    wrong.

    Example: unionsim validate scenarios/*.yaml params/*.yaml
    """
    from unionsim.config.validate import validate_file
    from unionsim.search.spec import load_search_spec

    console, err = _console(), _console(stderr=True)
    failures = 0
    for f in files:
        try:
            kind = validate_file(f, search_loader=load_search_spec)
            console.print(f"ok: {f} ({kind})")
        except UnionsimError as exc:
            failures += 1
            _print_error(err, exc)
    if failures:
        raise typer.Exit(code=2)
