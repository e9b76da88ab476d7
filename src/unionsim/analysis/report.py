"""One self-contained HTML report of one or more results folders, fit to be mailed.

Figures are embedded as base64 PNG data URIs; the file references nothing outside itself (no
scripts, fonts, stylesheets or links to load). It reads results folders only.
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from unionsim.analysis import figures
from unionsim.analysis.labels import (KEY_FINAL_INDICATORS, month_dates, pretty, run_label,
                                      unit_of)
from unionsim.analysis.provenance import document_title, parameter_table
from unionsim.analysis.summary import flag_table, indicator_table, outcome_table
from unionsim.analysis.outputs import png_bytes
from unionsim.guard import HTML_STAMP

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;
max-width:1100px;padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:3px solid #1f5a96;padding-bottom:.2em}h2{margin-top:2em;color:#1f5a96;
border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}th{background:#eef3f8;
text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}td:first-child{white-space:nowrap}
figure{margin:1em 0}img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#555}.note{font-size:.88em;color:#555}
tr.changed td{background:#fff6d9}.disputed{color:#a04000;font-weight:600}
details summary{cursor:pointer;font-weight:600;margin:.5em 0}
"""


def _table(frame: pd.DataFrame, formats: dict | None = None, numeric: Iterable[str] = (),
           row_class=None) -> str:
    formats = formats or {}
    numeric = set(numeric) | set(formats)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cells = []
        for c in frame.columns:
            v = row[c]
            text = formats[c](v) if c in formats else ("" if pd.isna(v) else str(v))
            cls = ' class="n"' if c in numeric else ""
            cells.append(f"<td{cls}>{escape(text)}</td>")
        cls = f' class="{row_class(i)}"' if row_class and row_class(i) else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _pct(v) -> str:
    return f"{v:.1%}"


def _pp(v) -> str:
    return f"{v * 100:+.1f} pp"


def _p(v) -> str:
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def _g(v) -> str:
    return f"{v:.3g}"


def _img(fig, alt: str, caption: str) -> str:
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    return (f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def _png(path: Path, alt: str, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


# --------------------------------------------------------------------------- sections

def scenario_section(manifest: dict) -> str:
    """The scenario in words: description, period, scheduled events and sources."""
    from unionsim.config.schema import month_index

    spec = manifest["scenario"]["spec"]
    dates = month_dates(manifest)
    parts = [f"<p>{escape(spec.get('description', ''))}</p>",
             f"<p>From {escape(dates[1])} to {escape(dates[-1])} ({spec['horizon']} months).</p>"]
    rows = []
    for ev in spec.get("events", []):
        if ev.get("month") is None:
            continue
        details = {k: v for k, v in ev.items() if k not in ("month", "type", "note")
                   and v is not None}
        rows.append({"month": dates[month_index(ev["month"], spec["start"])],
                     "event": pretty(ev["type"]),
                     "details": ", ".join(f"{k.replace('_', ' ')}: {v}"
                                          for k, v in details.items()),
                     "note": ev.get("note") or ""})
    if rows:
        parts.append("<h4>Scheduled events</h4>" + _table(pd.DataFrame(rows)))
    if spec.get("uncertainty"):
        rows = [{"parameter": name, "drawn for each run": describe_distribution(dist)}
                for name, dist in spec["uncertainty"].items()]
        parts.append("<h4>Uncertain parameters</h4>" + _table(pd.DataFrame(rows)))
    if spec.get("triggers"):
        items = "".join(f"<li>{escape(describe_trigger(t))}</li>" for t in spec["triggers"])
        parts.append(f"<h4>Triggered events</h4><ul>{items}</ul>")
    if spec.get("paths"):
        items = "".join(f"<li>{escape(pretty(str(k)))}: {escape(plain(v))}</li>"
                        for k, v in spec["paths"].items())
        parts.append(f"<h4>Paths</h4><ul>{items}</ul>")
    sources = "".join(f"<li>{escape(document_title(doc))}: facts {escape(', '.join(facts))}</li>"
                      for doc, facts in merged_sources(spec.get("sources", [])).items())
    parts.append(f"<h4>Sources</h4><ul>{sources}</ul>")
    return "".join(parts)


def merged_sources(sources: list[dict]) -> dict[str, list[str]]:
    """Each document once, with the facts every entry citing it names (each fact once, in order
    of appearance): a scenario that extends another repeats its parent's documents."""
    merged: dict[str, list[str]] = {}
    for source in sources:
        facts = merged.setdefault(source["doc"], [])
        facts += [f for f in source.get("facts", []) if f not in facts]
    return merged


def plain(value) -> str:
    """A scenario value in words, without Python's braces and quotes: ``low 0.45, high 0.95``."""
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {plain(v)}" for k, v in value.items()
                         if v is not None)
    if isinstance(value, (list, tuple)):
        return "; ".join(plain(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


def describe_distribution(dist: dict) -> str:
    """``triangular from 0.45 to 0.95, most likely 0.7``; ``over its documented range``."""
    kind = dist.get("dist", "")
    rest = {k: v for k, v in dist.items() if k != "dist"}
    if kind == "documented":
        return "uniformly over its documented range"
    if kind == "triangular" and {"low", "mode", "high"} <= set(rest):
        return (f"triangular from {rest['low']:g} to {rest['high']:g}, most likely "
                f"{rest['mode']:g}")
    if kind == "uniform" and {"low", "high"} <= set(rest):
        return f"uniformly from {rest['low']:g} to {rest['high']:g}"
    return f"{kind} ({plain(rest)})" if rest else str(kind)


def describe_trigger(trigger: dict) -> str:
    """A triggered event in one sentence: its conditions, what it does and how often."""
    when = trigger.get("when") or {}
    conditions = []
    for key, joiner in (("all", " and "), ("any", " or ")):
        parts = []
        for c in when.get(key) or []:
            tests = [f"{word} {c[k]:g}" for k, word in (("above", "above"), ("below", "below"),
                                                         ("at_least", "at least"),
                                                         ("at_most", "at most"))
                     if c.get(k) is not None]
            parts.append(f"{str(c['variable']).replace('_', ' ')} {' and '.join(tests)}")
        if parts:
            conditions.append(joiner.join(parts))
    text = f"{trigger.get('id', 'trigger')}: when " + " and ".join(conditions or ["always"])
    months = when.get("for_months")
    if months and months > 1:
        text += f" for {months} months"
    then = dict(trigger.get("then") or {})
    kind = str(then.pop("type", "event")).replace("_", " ")
    details = plain({k: v for k, v in then.items() if k not in ("month", "id", "note")})
    text += f", then {kind}" + (f" ({details})" if details else "")
    if trigger.get("repeat"):
        text += f"; may repeat after {trigger.get('cooldown', 0)} months"
    else:
        text += "; once"
    if trigger.get("window"):
        text += f"; only within {plain(trigger['window'])}"
    if trigger.get("note"):
        text += f". {trigger['note']}"
    return text


def batch_section(manifest: dict) -> str:
    env = manifest.get("environment", {})
    items = [f"{manifest.get('runs_ok', 0)} runs completed, {manifest.get('runs_failed', 0)} "
             f"failed; master seed {manifest.get('master_seed')}; created "
             f"{manifest.get('created', '?')}",
             "parameter files: " + (", ".join(manifest.get("param_files", [])) or "none"),
             "--set: " + (", ".join(f"{k}={v:g}" for k, v in manifest.get("sets", {}).items())
                          or "none"),
             f"sampler: {manifest.get('sampler', 'none')}"
             + (f" ({len(manifest['sampled_parameters'])} parameters sampled per run)"
                if manifest.get("sampled_parameters") else "")
             + (f"; {manifest['parameter_draws']} parameter draws x {manifest['replicates']} "
                "runs each" if manifest.get("replicates", 1) > 1 else ""),
             "versions: " + ", ".join(f"{k} {v}" for k, v in env.items())]
    html = "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
    return html + posterior_section(manifest)


def posterior_section(manifest: dict) -> str:
    """The posterior a batch drew its parameters from: file, digest, effective sample size,
    particles and the distinct particles used; a warning when it was fitted to other model code
    or targets than the runs used, and one when it is small for the batch."""
    from unionsim.config.posterior import batch_warnings, summary_line

    drawn = manifest.get("posterior")
    if not drawn:
        return ""
    html = ("<p>Parameters drawn from the "
            + escape(summary_line(drawn, manifest.get("n_runs"), manifest.get("parameter_draws")))
            + f"; fitted parameters: {escape(', '.join(drawn.get('parameters', [])))}.</p>")
    for warning in batch_warnings(drawn, manifest.get("parameter_draws",
                                                      manifest.get("n_runs"))):
        html += f"<p class='disputed'>Warning: {escape(warning)}.</p>"
    return html


def spread_section(res) -> str:
    """Where each output's spread comes from (parameter uncertainty vs chance), or why the
    folder cannot tell."""
    from unionsim.analysis.spread import folder_spread

    spread = folder_spread(res.manifest, res.outcomes)
    html = "<h3>Where the spread comes from</h3>"
    if not spread.available:
        return html + f"<p class='note'>Not split: {escape(spread.reason)}.</p>"
    table = spread.table[spread.table["parameter_share"].notna()].copy()
    never = len(spread.table) - len(table)
    table["output"] = table["output"].map(pretty)
    table["mean"] = [_pct(v) if k in ("outcome", "flag") else _g(v)
                     for v, k in zip(table["mean"], table["kind"])]
    table["chance_share"] = 1 - table["parameter_share"]
    table = table[["output", "kind", "mean", "parameter_share", "chance_share"]].rename(
        columns={"mean": "share or mean", "parameter_share": "parameter uncertainty",
                 "chance_share": "chance"})
    note = (f"<p class='note'>Each output's variance over the runs split into parameter "
            f"uncertainty and chance, from {escape(spread.reason)}. Outcomes and flags count "
            "1 when a run ended so."
            + (f" {never} outputs that never vary in this batch are left out." if never else "")
            + "</p>")
    return html + note + _table(table, {"parameter uncertainty": lambda v: f"{v:.0%}",
                                        "chance": lambda v: f"{v:.0%}"}, numeric=["share or mean"])


def results_section(res) -> str:
    out = outcome_table(res.outcomes).assign(outcome=lambda t: t["outcome"].map(pretty))
    out = out[["outcome", "runs", "share", "ci_low", "ci_high"]].rename(
        columns={"ci_low": "95% low", "ci_high": "95% high"})
    flags = flag_table(res.outcomes).assign(flag=lambda t: t["flag"].map(pretty))
    flags = flags[["flag", "runs", "share", "ci_low", "ci_high"]].rename(
        columns={"ci_low": "95% low", "ci_high": "95% high"})
    names = [n for n in KEY_FINAL_INDICATORS if n in res.outcomes]
    ind = indicator_table(res.outcomes, names)
    ind.insert(1, "unit", [unit_of(n) for n in names])
    ind["indicator"] = ind["indicator"].map(pretty)
    pf = {"share": _pct, "95% low": _pct, "95% high": _pct}
    return ("<h3>Outcomes</h3><p class='note'>Share of completed runs ending in each outcome "
            "(a run counts once, by the outcomes' precedence), with a 95% Wilson interval.</p>"
            + _table(out, pf, numeric=["runs"])
            + "<h3>Flags</h3><p class='note'>Share of runs in which each event happened at "
              "least once (flags may co-occur).</p>" + _table(flags, pf, numeric=["runs"])
            + "<h3>Final indicators</h3><p class='note'>At the horizon, in each indicator's "
              "unit: median, 5th and 95th percentiles and mean over completed runs.</p>"
            + _table(ind.rename(columns={"p5": "5th percentile", "p95": "95th percentile"}),
                     {c: _g for c in ("median", "5th percentile", "95th percentile", "mean")}))


def figure_section(res) -> str:
    caps = {
        "outcomes": "Outcome probabilities with 95% Wilson intervals.",
        "fan_charts": "Key indicators by month: median (line), 50% and 90% of runs (bands); "
                      "counts with a few values (roadmaps signed, sanctions level) as the share "
                      "of runs at or above each level. Numbered dotted lines mark the scenario's "
                      "scheduled events, listed below the panels.",
        "final_distributions": "Distributions of final indicators across runs.",
        "flag_timeline": "When flags first happen: for each flag, the share of runs in which it "
                         "has happened by each month and the median and middle half of its first "
                         "month; flags whose month is not recorded are listed with their share.",
    }
    if res.timeseries is None:
        caps = {"outcomes": caps["outcomes"], "final_distributions": caps["final_distributions"]}
    return "".join(_img(figures.FOLDER_FIGURES[name](res), pretty(name), cap)
                   for name, cap in caps.items())


def sensitivity_section(path: Path) -> str:
    sdir = path / "sensitivity"
    if not (sdir / "ranking.csv").exists():
        return ""
    ranking = pd.read_csv(sdir / "ranking.csv", keep_default_na=False).head(15)
    ranking = ranking.rename(columns={"outcome_effect": "effect (pp)"})
    html = ("<h3>Sensitivity</h3><p class='note'>Parameters ranked by their largest effect on "
            "an outcome's share of runs, in percentage points; score: ST (share of variance, "
            "0-1) for Sobol', mu*/sd (a ratio) for Morris; <span class='disputed'>disputes"
            "</span> lists the FACTS disagreements (D1-D16) the documents have about a "
            "parameter.</p>"
            + _table(ranking, {"effect (pp)": lambda v: f"{v * 100:.1f}", "score": _g}))
    for name, cap in (("ranking", "Ranking (hatched: disputed in the documents)."),
                      ("indices", "Indices of each output with 95% intervals.")):
        if (sdir / f"{name}.png").exists():
            html += _png(sdir / f"{name}.png", name, cap)
    return html


def parameter_section(manifest: dict, outcomes: pd.DataFrame | None = None) -> str:
    """The parameters: values that differ from their documented defaults (compared by value),
    the values drawn per run (with the range this batch drew), and every parameter."""
    table = parameter_table(manifest)
    sampled = table["origin"] == "sampled per run"
    differs = ~sampled & table.apply(lambda r: not _same_value(r["value"], r["default"]), axis=1)
    changed = table[differs]
    cols = ["name", "value", "default", "low", "high", "unit", "origin", "basis", "sources",
            "disputes"]
    fmt = {c: _g for c in ("value", "default", "low", "high")}
    html = "<h3>Parameters</h3>"
    if len(changed):
        html += ("<p>Values that differ from the documented defaults:</p>"
                 + _table(changed[cols + ["meaning"]], fmt))
    else:
        html += "<p>No fixed value differs from its documented default.</p>"
    drawn = table[sampled].copy()
    if len(drawn):
        source = ("the calibration posterior" if manifest.get("posterior") else "")
        posterior_names = set((manifest.get("posterior") or {}).get("parameters", []))
        drawn["drawn from"] = ["the posterior" if n in posterior_names else
                               "the scenario's uncertainty" for n in drawn["name"]]
        lows, highs = [], []
        for name in drawn["name"]:
            column = f"param.{name}"
            values = (outcomes[column].astype(float) if outcomes is not None
                      and column in outcomes else None)
            lows.append(values.min() if values is not None else float("nan"))
            highs.append(values.max() if values is not None else float("nan"))
        drawn["drawn low"], drawn["drawn high"] = lows, highs
        html += ("<p>Values drawn for each run" + (f" (from {source} and the scenario's "
                                                   "uncertainty)" if source else "")
                 + ", with the lowest and highest value this batch drew:</p>"
                 + _table(drawn[["name", "drawn from", "drawn low", "drawn high", "default",
                                 "low", "high", "unit", "basis", "sources"]],
                          {c: _g for c in ("drawn low", "drawn high", "default", "low",
                                           "high")}))
    full = table[cols + ["meaning", "note"]]
    flagged = set(changed.index) | set(drawn.index)
    html += (f"<details><summary>All {len(table)} parameters with provenance "
             f"({(table['disputes'] != '').sum()} disputed in the documents)</summary>"
             + _table(full, fmt, row_class=lambda i: "changed" if full.index[i] in flagged
                      else "") + "</details>")
    return html


def _same_value(value, default) -> bool:
    """Whether a value equals its default, up to the rounding of a decimal written in YAML."""
    import math

    try:
        return math.isclose(float(value), float(default), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return value == default


def _comparison_columns(d) -> dict[str, str]:
    """CSV column names -> headers that name the batches."""
    return {"share_a": d.label_a, "share_b": d.label_b, "diff": "difference",
            "ci_low": "95% low", "ci_high": "95% high", "p_value": "p", "ks_p_value": "p (KS)",
            "median_a": f"median {d.label_a}", "median_b": f"median {d.label_b}",
            "mean_diff": "mean difference", "median_diff": "median difference",
            "only_a": f"only {d.label_a}", "only_b": f"only {d.label_b}", "event": "outcome",
            "pairs": "pairs"}


def comparison_section(comp) -> str:
    html = "<h2>Comparison</h2>"
    html += _img(figures.comparison_outcome_figure(comp.results, comp.differences),
                 "comparison of outcome probabilities",
                 "Outcome probabilities side by side with 95% intervals, and the differences "
                 "from the first batch.")
    for d in comp.differences:
        names = _comparison_columns(d)
        html += f"<h3>{escape(d.label_b)} minus {escape(d.label_a)}</h3>"
        t = d.outcomes.assign(event=lambda x: x["event"].map(pretty))
        cols = {"share_a": _pct, "share_b": _pct, "diff": _pp, "ci_low": _pp, "ci_high": _pp,
                "p_value": _p}
        html += ("<p class='note'>Share of runs ending in each outcome. Independent samples: "
                 "Newcombe's interval for the difference (percentage points), Fisher's exact "
                 "test.</p>" + _named_table(t[["event", *cols, "test"]], cols, names))
        if d.pairs:
            t = d.paired_outcomes.assign(event=lambda x: x["event"].map(pretty))
            html += (f"<p class='note'>Run by run on {d.pairs} shared seeds (common random "
                     "numbers): Newcombe's paired interval, McNemar's exact test; 'only' counts "
                     "the runs ending so in one batch and not the other.</p>"
                     + (f"<p class='note'>{escape(d.pairing.sentence())}.</p>"
                        if d.pairing is not None else "")
                     + _named_table(t[["event", "only_a", "only_b", *cols, "test"]], cols,
                                    names, numeric=["only_a", "only_b"]))
        ind = d.indicators.assign(indicator=lambda x: x["indicator"].map(pretty))
        ind.insert(1, "unit", [unit_of(n) for n in d.indicators["indicator"]])
        fmt = {c: _g for c in ("median_a", "median_b", "mean_diff", "ci_low", "ci_high")}
        fmt.update(p_value=_p, ks_p_value=_p)
        html += ("<p class='note'>Final indicators, in their units: Welch interval for the mean "
                 "difference, Mann-Whitney U and Kolmogorov-Smirnov tests.</p>"
                 + _named_table(ind, fmt, names))
        if d.pairs:
            pi = d.paired_indicators.assign(indicator=lambda x: x["indicator"].map(pretty))
            pi.insert(1, "unit", [unit_of(n) for n in d.paired_indicators["indicator"]])
            fmt = {c: _g for c in ("mean_diff", "median_diff", "ci_low", "ci_high")}
            fmt["p_value"] = _p
            html += ("<p class='note'>Paired: t interval of the mean paired difference, "
                     "Wilcoxon signed-rank test.</p>"
                     + _named_table(pi, fmt, names, numeric=["pairs"]))
    if all(r.timeseries is not None for r in comp.results):
        from unionsim.analysis.compare import alignment_note

        html += _img(figures.overlay_fan_figure(comp.results), "overlaid fan charts",
                     "Median and 50% of runs by month for each batch; "
                     + alignment_note(comp.results, "calendar") + ".")
    else:
        html += ("<p class='note'>No overlaid time series: a batch was run with "
                 "--no-timeseries.</p>")
    return html


def _named_table(frame: pd.DataFrame, formats: dict, names: dict, numeric=()) -> str:
    """`_table` with CSV column names replaced by headers that name the batches."""
    rename = {c: names.get(c, c) for c in frame.columns}
    return _table(frame.rename(columns=rename), {rename[c]: f for c, f in formats.items()},
                  numeric=[rename[c] for c in numeric])


def build_report(run_dirs: Sequence[str | Path], out: str | Path | None = None) -> Path:
    """Write the HTML report of ``run_dirs`` (default: ``<first folder>/report.html``)."""
    from unionsim.analysis.outputs import check_report_path, write_html_report

    if out is not None:
        out = check_report_path(out)   # before the figures are drawn
    return write_html_report(report_html(run_dirs), run_dirs[0], out)


def report_html(run_dirs: Sequence[str | Path]) -> str:
    """The HTML report of ``run_dirs``: one self-contained page, figures embedded."""
    from importlib.metadata import version

    from unionsim.analysis.compare import compare_results
    from unionsim.experiment.store import load_results

    results = [load_results(d) for d in run_dirs]
    labels = [run_label(r.manifest) for r in results]
    body = [f"<h1>unionsim report: {escape(' vs '.join(labels))}</h1>",
            f"<p class='note'>Written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by "
            f"unionsim {escape(version('unionsim'))} from "
            f"{escape(', '.join(str(Path(d)) for d in run_dirs))}. Outcome shares are over "
            "completed runs; intervals are 95%.</p>"]
    if len(results) > 1:   # the comparison is what a reader of several batches came for
        from unionsim.analysis.compare import Comparison

        comp = Comparison(results=results,
                          differences=[compare_results(results[0], r) for r in results[1:]])
        body.append(comparison_section(comp))
    for res, label in zip(results, labels):
        m = res.manifest
        body += [f"<h2>{escape(m['scenario']['title'])} <small>[{escape(label)}]</small></h2>",
                 "<h3>The scenario</h3>", scenario_section(m), "<h3>This batch</h3>",
                 batch_section(m), results_section(res), spread_section(res),
                 "<h3>Figures</h3>", figure_section(res), sensitivity_section(res.path),
                 parameter_section(m, res.outcomes)]
    title = escape("unionsim report: " + " vs ".join(labels))
    html = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"{HTML_STAMP}"
            f"<title>{title}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
    return html
