"""The verdicts of `unionsim check` as a Markdown or HTML table a reader can audit."""

from __future__ import annotations

import html
from pathlib import Path

from unionsim.validation.runner import CheckReport, _fmt, _unit


def markdown(report: CheckReport, known_failures: dict[str, str] | None = None) -> str:
    """The report as Markdown: a table of claims, the history check, and the batches used."""
    known = known_failures or {}
    passed = len(report.results) - len(report.failed)
    lines = [f"# Validation: {passed} of {len(report.results)} claims pass", "",
             f"{report.runs} runs per batch, master seed {report.seed}. Thresholds were fixed "
             "from the documents' wording before the first run; contrasts must also be "
             "significant (their 95% interval excludes zero).", "",
             "| claim | statement | FACTS | dispute | batch | measured [95% interval] | "
             "threshold | verdict |", "|---|---|---|---|---|---|---|---|"]
    for r in report.results:
        c = r.claim
        batch = c.batch.label + (f" vs {c.other.label}" if c.other else "")
        verdict = "pass" if r.passed else "**FAIL**"
        if not r.passed and c.id in known:
            verdict += f" - {known[c.id]}"
        lines.append(f"| {c.id} | {c.statement} | {', '.join(c.facts)} | {c.dispute or ''} | "
                     f"{batch} | {_fmt(c, r.value)} [{_fmt(c, r.low)}, {_fmt(c, r.high)}]"
                     f"{_unit(c)}{' (' + r.detail + ')' if r.detail else ''} | {c.op} "
                     f"{_fmt(c, c.threshold)}{_unit(c)} | {verdict} |")
    if report.history is not None:
        h = report.history
        lines += ["", "## History check: January 2019 to June 2021", "",
                  f"Scenario `history_2019_2021`, {h.runs} runs. Share of runs in which what the "
                  "documents report happened:", "", "| | what happened | FACTS | share of runs "
                  "[95% interval] |", "|---|---|---|---|"]
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
    out = ["<!doctype html><meta charset='utf-8'><title>unionsim validation</title>",
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


def write(report: CheckReport, path: str | Path, known_failures: dict[str, str] | None = None
          ) -> Path:
    path = Path(path)
    text = html_page(report, known_failures) if path.suffix in (".html", ".htm") else \
        markdown(report, known_failures)
    path.write_text(text, encoding="utf-8")
    return path
