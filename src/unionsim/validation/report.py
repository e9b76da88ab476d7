"""The verdicts of `unionsim check` as a Markdown or HTML table a reader can audit."""

from __future__ import annotations

import html
from pathlib import Path

from unionsim.guard import HTML_STAMP, check_named_output, write_named, written_by_unionsim
from unionsim.validation.runner import CheckReport, threshold_text


def markdown(report: CheckReport, known_failures: dict[str, str] | None = None) -> str:
    """The report as Markdown: a table of claims (each master seed's value and the verdict), the
    alternatives under which they fail, the invariants apart, the history check and the batches
    used."""
    known = known_failures or {}
    passed = len(report.results) - len(report.failed)
    n = report.counts
    seeds = ", ".join(str(s) for s in report.seeds)
    lines = [f"# Validation: {passed} of {len(report.results)} claims pass at every master seed",
             "", f"Master seeds {seeds}; parameters from the {report.posterior}. A claim passes "
             "only if it passes at every seed. Thresholds were fixed from the documents' wording "
             "before the first run; contrasts must also be significant (their 95% interval "
             "excludes zero). Run counts per claim are chosen for power.", "",
             *([f"**Warning:** {report.posterior_warning}.", ""]
               if report.posterior_warning else []),
             f"* validated (pass at every seed, and fail under their documented alternative): "
             f"{n['validated']}",
             f"* pass, but their alternative did not make them fail: "
             f"{n['not_failed_by_alternative']}",
             f"* structural invariants (cannot fail under any documented alternative; not "
             f"counted as validation): {n['invariant']}",
             f"* fail at one seed or more: {n['failed']}"]
    if n["alternative_not_run"]:
        lines.append(f"* pass, alternative not run: {n['alternative_not_run']}")
    seed_cols = " | ".join(f"seed {s}" for s in report.seeds)
    lines += ["", f"| claim | statement | FACTS | batch | runs | {seed_cols} | threshold | "
              "verdict | fails under its alternative |",
              "|" + "---|" * (8 + len(report.seeds))]
    for r in report.results:
        c = r.claim
        batch = c.batch.label + (f" vs {c.other.label}" if c.other else "")
        verdict = "pass" if r.passed else "**FAIL**"
        if not r.passed and c.id in known:
            verdict += f" - {known[c.id]}"
        values = " | ".join(f"{x.measured}{'' if x.passed else ' (fail)'}" for x in r.per_seed)
        if c.invariant:
            alt = "invariant"
        elif c.alternative is None:
            alt = "-"
        elif r.alternative is None:
            alt = f"{c.alternative.kind}: {c.alternative.why} - not run"
        else:
            alt = (f"{c.alternative.kind}: {c.alternative.why} - "
                   f"{'yes' if r.fails_under_alternative else '**no**'} "
                   f"({r.alternative.measured})")
        lines.append(f"| {c.id} | {c.statement} | {', '.join(c.facts)} | {batch} | {r.runs} | "
                     f"{values} | {threshold_text(c)} | {verdict} | {alt} |")
    invariants = [r for r in report.results if r.claim.invariant]
    if invariants:
        lines += ["", "## Structural invariants", "",
                  "Claims no documented alternative can make fail; they hold by the model's "
                  "construction and are not counted as validation.", ""]
        lines += [f"* {r.claim.id} {r.claim.statement}: {r.claim.invariant}" for r in invariants]
    if report.history is not None:
        h = report.history
        lines += ["", "## History check: January 2019 to June 2021", "",
                  f"Scenario `history_2019_2021`, {h.runs} runs, master seed {report.seed}. "
                  "Share of runs in which what the documents report happened:", "",
                  "| | what happened | FACTS | share of runs [95% interval] |", "|---|---|---|---|"]
        for fact, share, lo, hi in h.facts:
            lines.append(f"| {fact.id} | {fact.statement} | {', '.join(fact.facts)} | "
                         f"{share:.1%} [{lo:.1%}, {hi:.1%}] |")
        share, lo, hi = h.joint
        lines.append(f"| all | everything above in the same run | | {share:.1%} [{lo:.1%}, "
                     f"{hi:.1%}] |")
    lines += ["", "## Batches", ""] + [f"* {label}: `{folder}`"
                                       for label, folder in report.batches.items()]
    return "\n".join(lines) + "\n"


def html_page(report: CheckReport, known_failures: dict[str, str] | None = None) -> str:
    """The same report as a self-contained HTML page (a simple Markdown table conversion)."""
    rows = markdown(report, known_failures).splitlines()
    out = [f"<!doctype html><meta charset='utf-8'>{HTML_STAMP}<title>unionsim validation</title>",
           "<style>body{font-family:sans-serif;max-width:1200px;margin:auto}table{border-collapse:"
           "collapse}td,th{border:1px solid #ccc;padding:4px;font-size:13px}</style>"]
    table: list[str] = []
    for row in rows + [""]:
        if row.startswith("|"):
            cells = [html.escape(c.strip()).replace("**FAIL**", "<b>FAIL</b>")
                     for c in row.strip("|").split("|")]
            if set("".join(cells)) <= set("-"):
                continue
            tag = "th" if not table else "td"
            table.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            continue
        if table:
            out.append("<table>" + "".join(table) + "</table>")
            table = []
        if row.startswith("# "):
            out.append(f"<h1>{html.escape(row[2:])}</h1>")
        elif row.startswith("## "):
            out.append(f"<h2>{html.escape(row[3:])}</h2>")
        elif row.startswith("* "):
            out.append(f"<p>{html.escape(row[2:])}</p>")
        elif row:
            out.append(f"<p>{html.escape(row)}</p>")
    return "\n".join(out) + "\n"


def check_path(path: str | Path) -> Path:
    """The file ``check --report`` names, checked before any batch runs: .md or .html, and, if
    it exists, a validation report unionsim wrote (never a link, a folder or a user's file)."""
    return check_named_output(path, "--report", what="a validation report",
                              suffixes=(".md", ".html", ".htm"),
                              ours=lambda p: written_by_unionsim(
                                  p, "<title>unionsim validation</title>", "# Validation: "))


def write(report: CheckReport, path: str | Path, known_failures: dict[str, str] | None = None
          ) -> Path:
    """Write the report as Markdown or (.html) a page, whole and never through a link."""
    path = check_path(path)
    text = html_page(report, known_failures) if path.suffix.lower() in (".html", ".htm") else \
        markdown(report, known_failures)
    return write_named(path, text.encode("utf-8"))
