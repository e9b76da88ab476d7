"""Commands that explain the model's vocabulary: facts (the FACTS catalogue), outcomes."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Optional

import typer

from unionsim.cli.common import PARAMS_HELP, app
from unionsim.errors import UsageError


@app.command("facts")
def facts_cmd(
    ids: List[str] = typer.Argument(None, metavar="ID",
                                    help="FACTS ids to show, e.g. MIN-28 E17 SC11 (any case)."),
    search: Optional[str] = typer.Option(None, "--search", metavar="WORDS",
                                         help="List the ids whose description contains all these "
                                              "words (any case), e.g. --search airbase."),
) -> None:
    """Show what a FACTS id claims, which documents support it and where the model uses it.

    Every parameter, rule, scenario and validation claim cites its evidence by FACTS ids; this
    prints our paraphrase of the claim, the supporting documents with their titles, and the
    parameters, rules, event types, scenarios and validation claims that cite the id.

    Example: unionsim facts MIN-28  (or: unionsim facts --search oil tax)
    """
    from unionsim.bibliography import SEARCH_HINT, nearest_ids
    from unionsim.catalogue import facts as cat

    if search is not None:
        words = search.split() + list(ids or [])
        found = cat.search(words)
        for fact in found:
            typer.echo(f"{fact.id:7s} {fact.kind:12s} {_first_words(fact.text, 96)}")
        typer.echo(f"{len(found)} {'id matches' if len(found) == 1 else 'ids match'} "
                   f"'{' '.join(words)}'; show one with: unionsim facts ID")
        return
    if not ids:
        facts = cat.catalogue()
        for fact in facts.values():
            typer.echo(f"{fact.id:7s} {fact.kind:12s} {_first_words(fact.text, 96)}")
        typer.echo(f"{len(facts)} ids; show one with: unionsim facts ID, or search: "
                   f"{SEARCH_HINT}")
        return
    uses = cat.usage_index()
    for i, fid in enumerate(ids):
        fact = cat.lookup(fid)
        if fact is None:
            near = nearest_ids(fid)
            raise UsageError(f"'{fid}' is not a FACTS id",
                             hint=(f"did you mean {', '.join(near)}? " if near else "")
                             + f"search the catalogue with: {SEARCH_HINT}", field="ID")
        if i:
            typer.echo("")
        for line in describe(fact, uses.get(fact.id, [])):
            typer.echo(line)


def describe(fact, uses) -> list[str]:
    """The lines `unionsim facts ID` prints for one entry."""
    from unionsim.bibliography import DOCUMENTS

    family = "" if fact.family == fact.kind else f", {fact.family.replace('_', ' ')}"
    lines = [f"{fact.id}: {fact.kind}{family} ({fact.section})"]
    lines += textwrap.wrap(fact.text, 96, initial_indent="  ", subsequent_indent="  ")
    lines.append("documents:")
    for doc_id in fact.documents:
        doc = DOCUMENTS[doc_id]
        lines.append(f"  {doc_id:15s} {doc.title} ({doc.author}; {doc.date})")
    if not uses:
        lines.append("used by: nothing in the model cites it yet")
        return lines
    lines.append("used by:")
    grouped: dict[tuple[str, str], list[str]] = {}
    for use in uses:
        grouped.setdefault((use.kind, use.name), []).append(use.location)
    for (kind, name), where in grouped.items():
        lines.append(f"  {kind:15s} {name}  ({_locations(where)})")
    return lines


def _locations(where: list[str]) -> str:
    # 'file:1, file:7' -> 'file:1, 7': the same file once
    out, last = [], None
    for loc in where:
        file, _, line = loc.partition(":")
        out.append(line if file == last and line else loc)
        last = file
    return ", ".join(out)


def _first_words(text: str, width: int) -> str:
    return textwrap.shorten(text, width, placeholder=" ...")


@app.command("outcomes")
def outcomes_cmd(
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
) -> None:
    """Define each outcome and flag of a run: its rule, its parameters and the documents' reading.

    A run ends in exactly one outcome, the first in this list whose rule applies; flags record
    what else happened and may co-occur with any outcome. Parameter values are those in force
    (the defaults, or with --params overlays).

    Example: unionsim outcomes
    """
    from unionsim.catalogue.outcomes import definitions, parameter_values
    from unionsim.config.params import apply_overlay_file, default_parameters

    pset = default_parameters()
    for f in params:
        pset = apply_overlay_file(pset, f)
    for kind, heading in (("outcome", "Outcomes (the first that applies, top to bottom):"),
                          ("flag", "Flags (any number per run):")):
        typer.echo(heading)
        for i, d in enumerate(definitions(kind), 1):
            typer.echo("")
            typer.echo(f"{i:2d}. {d.name}" if kind == "outcome" else f"  - {d.name}")
            for label, text in (("rule", d.rule), ("reading", f"{d.reading} "
                                                   f"(FACTS {', '.join(d.facts)})")):
                typer.echo(textwrap.fill(f"{label}: {text}", 96, initial_indent="      ",
                                         subsequent_indent="        "))
            for name, value in parameter_values(d, pset.values):
                typer.echo(f"      parameter: {name} = {value:g} {pset.specs[name].unit}")
        typer.echo("")
