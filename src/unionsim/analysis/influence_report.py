"""The influence table (``params/influence.csv``), its summary (``params/influence.json``) and
the page generated from them (``docs/influence.md``).

The table has one row per parameter of ``params/default.yaml``. Its measured columns come from
an influence study (`unionsim.analysis.influence_study`); its derived columns (support, fitted,
class, must-fit, unconstrained) are recomputed from the current parameter file and posterior by
`refresh_table`, so a change of a parameter's support or of the fit shows at once, and a
parameter added after the study is listed as not measured until the study is run again.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from unionsim.analysis.headline import KINDS, OUTPUT_BY_NAME, OUTPUTS
from unionsim.analysis.influence import (INFLUENTIAL_PP, NEGLIGIBLE_PP, classify,
                                         largest_effects)

TABLE_FILE = "influence.csv"
SUMMARY_FILE = "influence.json"
PROPOSALS_FILE = "influence_proposals.yaml"
STUDY_COMMAND = "python scripts/influence_study.py"
REFRESH_COMMAND = "python scripts/update_docs.py"

#: Columns the study measures; the others are derived from them and the current inputs.
MEASURED = ("parameter", "studied_low", "studied_high", "effect_pp", "output", "group",
            "effect_se_pp", "morris_pp", "morris_output", "morris_group")
DERIVED = ("rule", "support", "basis", "fitted", "value", "low", "high", "class", "must_fit",
           "unconstrained", "range_changed")
#: An influential parameter stands clear of chance when its effect in some group is at least
#: this multiple of that group's chance level.
CLEAR_OF_CHANCE = 2.0
_TEXT = ("output", "group", "morris_output", "morris_group", "sobol_output", "sobol_group")


def fitted_parameters(posterior_manifest: str | Path | None = None) -> list[str]:
    """The parameters the shipped posterior fits (from its manifest, ``params/posterior.json``)."""
    from unionsim.config.posterior import default_posterior_path, manifest_path

    path = Path(posterior_manifest) if posterior_manifest else \
        manifest_path(default_posterior_path())
    if not path.exists():
        return []
    return list(json.loads(path.read_text("utf-8")).get("parameters", []))


def rule_of(name: str) -> str:
    """The rule a parameter belongs to: its name without the last part
    (``kremlin.siloviki.base_ambition`` -> ``kremlin.siloviki``)."""
    return name.rsplit(".", 1)[0] if "." in name else name


def _real(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["parameter"].str.startswith("(dummy")]


def measured_table(study) -> pd.DataFrame:
    """The measured columns, one row per studied parameter, from a finished study."""
    from unionsim.analysis.influence_study import studied_parameters

    main = _real(study.main_pooled)
    top = largest_effects(main, "effect")
    params = list(top.index)
    bounds = studied_parameters(study.settings.parameters)
    mor = largest_effects(study.morris_pooled, "mu_star").reindex(params)
    table = pd.DataFrame({
        "parameter": params,
        "studied_low": [bounds[p][0] for p in params],
        "studied_high": [bounds[p][1] for p in params],
        "effect_pp": top["effect"].to_numpy(),
        "output": top["output"].to_numpy(),
        "group": top["group"].to_numpy(),
        "effect_se_pp": top["slope_se"].to_numpy(),
        "morris_pp": mor["mu_star"].to_numpy(),
        "morris_output": np.where(mor["mu_star"] > 0, mor["output"], ""),
        "morris_group": np.where(mor["mu_star"] > 0, mor["group"], ""),
    })
    for seed, frame in study.main.items():
        table[f"effect_pp_seed{seed}"] = largest_effects(_real(frame), "effect")["effect"] \
            .reindex(params).to_numpy()
    for seed, frame in study.morris.items():
        table[f"morris_pp_seed{seed}"] = largest_effects(frame, "mu_star")["mu_star"] \
            .reindex(params).to_numpy()
    by_group = main.groupby(["parameter", "group"])["effect"].max().unstack("group")
    for group in study.settings.groups:
        table[f"group:{group}"] = by_group[group].reindex(params).to_numpy()
    if study.sobol is not None:
        sob = largest_effects(study.sobol, "effect")
        at_top = study.sobol.set_index(["parameter", "group", "output"])["effect"]
        rows = table["parameter"].isin(sob.index)
        names = table.loc[rows, "parameter"]
        table["sobol_pp"] = np.nan
        table["sobol_output"] = ""
        table["sobol_group"] = ""
        table["sobol_at_top_pp"] = np.nan
        table.loc[rows, "sobol_pp"] = sob.loc[names, "effect"].to_numpy()
        table.loc[rows, "sobol_output"] = sob.loc[names, "output"].to_numpy()
        table.loc[rows, "sobol_group"] = sob.loc[names, "group"].to_numpy()
        table.loc[rows, "sobol_at_top_pp"] = [
            at_top.get((p, g, o), np.nan)
            for p, g, o in table.loc[rows, ["parameter", "group", "output"]].itertuples(
                index=False)]
    return table


def chance_effects(study) -> dict[str, float]:
    """Per group, the largest main effect of a parameter the model never reads (a dummy)."""
    d = study.main_pooled[study.main_pooled["parameter"].str.startswith("(dummy")]
    return {g: round(float(v), 2) for g, v in d.groupby("group")["effect"].max().items()}


def refresh_table(measured: pd.DataFrame, specs=None, fitted=None) -> pd.DataFrame:
    """The full table: every current parameter, in the parameter file's order, with the
    derived columns recomputed from ``specs`` (default: ``params/default.yaml``) and ``fitted``
    (default: the shipped posterior's parameters)."""
    from unionsim.config.params import default_parameters

    specs = specs if specs is not None else default_parameters().specs
    fitted = set(fitted_parameters() if fitted is None else fitted)
    m = measured.drop(columns=[c for c in DERIVED if c in measured.columns])
    m = m.set_index("parameter").reindex(list(specs))
    m.index.name = "parameter"
    m = m.reset_index()
    for c in _TEXT:
        if c in m:
            m[c] = m[c].fillna("").astype(str)
    derived = pd.DataFrame({
        "rule": [rule_of(p) for p in m["parameter"]],
        "support": [specs[p].support for p in m["parameter"]],
        "basis": [specs[p].basis for p in m["parameter"]],
        "fitted": [p in fitted for p in m["parameter"]],
        "value": [specs[p].value for p in m["parameter"]],
        "low": [specs[p].range[0] for p in m["parameter"]],
        "high": [specs[p].range[1] for p in m["parameter"]],
    })
    table = pd.concat([m[["parameter"]], derived, m.drop(columns=["parameter"])], axis=1)
    classes = []
    for row in table.itertuples(index=False):
        if row.low == row.high:
            classes.append("fixed")
        elif pd.isna(row.effect_pp):
            classes.append("not_measured")
        else:
            classes.append(classify(float(row.effect_pp), float(row.morris_pp)))
    table["class"] = classes
    table["must_fit"] = (table["class"] == "influential") & (table["support"] != "value")
    table["unconstrained"] = table["must_fit"] & ~table["fitted"]
    table["range_changed"] = table["studied_low"].notna() & (
        (table["studied_low"] != table["low"]) | (table["studied_high"] != table["high"]))
    order = ["parameter", *[c for c in DERIVED if c != "parameter"]]
    rest = [c for c in table.columns if c not in order]
    return table[order + rest]


def read_table(path: str | Path) -> pd.DataFrame:
    table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    for c in _TEXT:
        if c in table:
            table[c] = table[c].fillna("").astype(str)
    return table


def write_table(table: pd.DataFrame, path) -> None:
    """Write the table as CSV to a path or an open text stream."""
    table.to_csv(path, index=False, float_format="%.4g", lineterminator="\n")


def summary_of(study) -> dict:
    """What ``params/influence.json`` keeps of a study: its design, cost, stability and the
    effects chance alone produces."""
    from unionsim.experiment.plan import model_fingerprint

    return {"generated": date.today().isoformat(), "study": study.folder.name,
            "model_fingerprint": model_fingerprint(), "settings": study.settings.describe(),
            "outputs": len(OUTPUTS), "cost": study.cost, "stability": study.stability,
            "chance": chance_effects(study), "sobol_parameters": list(study.sobol_names),
            "command": STUDY_COMMAND}


# ---------------------------------------------------------------------------------- the page

def times_chance(table: pd.DataFrame, chance: dict[str, float]) -> pd.Series:
    """Each parameter's largest effect over the groups as a multiple of its group's chance
    level (the largest effect of a random column in that group): how far the effect stands
    above what noise alone shows. NaN where the table has no per-group effects."""
    ratios = []
    for group, level in chance.items():
        column = f"group:{group}"
        if column in table and level and level > 0:
            ratios.append(table[column] / level)
    if not ratios:
        return pd.Series(np.nan, index=table.index)
    return pd.concat(ratios, axis=1).max(axis=1, skipna=True)


def _pp(x) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{float(x):.1f}"


def _label(output: str) -> str:
    o = OUTPUT_BY_NAME.get(output)
    return o.label if o else output


def _md(rows: list[list[str]], header: list[str]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def load_proposals(path: str | Path) -> dict[str, str]:
    """Rule -> what to do with its parameters that move nothing (a hand-kept YAML file)."""
    import yaml

    path = Path(path)
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return {str(k): " ".join(str(v).split()) for k, v in data.items()}


def render_page(table: pd.DataFrame, summary: dict, proposals: dict[str, str] | None = None
                ) -> str:
    """``docs/influence.md`` from the refreshed table, the study's summary and the proposals."""
    proposals = proposals or {}
    cost = summary.get("cost", {})
    measured = table[table["class"].isin(["influential", "moderate", "negligible"])]
    infl = table[table["class"] == "influential"]
    must = table[table["must_fit"]]
    unconstrained = table[table["unconstrained"]]
    negligible = table[table["class"] == "negligible"]
    moderate = table[table["class"] == "moderate"]
    changed = int(table["range_changed"].sum())
    chance = summary.get("chance", {})
    ratio = times_chance(table, chance)
    clear = infl[ratio.reindex(infl.index) >= CLEAR_OF_CHANCE]
    lines = [
        "# Influence of every parameter on what users read",
        "",
        f"Generated from `params/{TABLE_FILE}` and `params/{SUMMARY_FILE}` (written by "
        f"`{STUDY_COMMAND}`) with the current `params/default.yaml`, `params/posterior.json` and "
        f"`docs/{PROPOSALS_FILE}`; `{REFRESH_COMMAND}` regenerates it after a change of those. "
        "Do not edit by hand.",
        f"Study `{summary.get('study')}` of {summary.get('generated')} on model code "
        f"`{summary.get('model_fingerprint')}`.",
        "",
        "## Summary",
        "",
        f"* parameters: {len(table)}; studied: {len(measured)}; fixed (a range of one value): "
        f"{int((table['class'] == 'fixed').sum())}; not measured (added since the study): "
        f"{int((table['class'] == 'not_measured').sum())}; range changed since the study: "
        f"{changed}",
        f"* **influential (largest main effect >= {INFLUENTIAL_PP:g} pp): {len(infl)}**: "
        f"value-sourced {int((infl['support'] == 'value').sum())}, **to be fitted (direction "
        f"or assumption): {len(must)}**, of which fitted today {int(must['fitted'].sum())}; "
        f"**influential but unconstrained: {len(unconstrained)}**",
        f"* of the influential, **{len(clear)} stand clear of chance** (in some group at least "
        f"{CLEAR_OF_CHANCE:g} times the largest effect a column of random numbers shows there: "
        + ", ".join(f"{g} {_pp(v)} pp" for g, v in chance.items())
        + "); the others are within reach of noise",
        f"* moderate: {len(moderate)}",
        f"* **moves nothing (Morris effect < {NEGLIGIBLE_PP:g} pp on every output in every "
        f"group): {len(negligible)}**",
        "* by support: " + ", ".join(f"{k} {v}" for k, v in
                                      table["support"].value_counts().sort_index().items())
        + f"; fitted today: {int(table['fitted'].sum())}",
        "",
        "## How to read the effects",
        "",
        "* **effect** (the main effect, which decides *influential*): how far a headline output "
        "moves as the parameter crosses its documented range, every other parameter varying "
        "over its own range, in percentage points of runs (pp of the horizon for a month). "
        "Fitted by least squares to a Latin hypercube of runs (a curve of second degree per "
        "parameter, one constant per scenario), so every run informs every parameter and run "
        "noise averages out; **se** is the standard error of its linear part.",
        "* **chance**: the largest effect of a column of random numbers the model never reads, "
        "fitted like a parameter (per group below): what noise alone shows after looking at "
        "every output.",
        "* **Morris** (which decides *moves nothing*): mu* in pp over the range, from Morris "
        "trajectories under common random numbers. A parameter that changes the ending of no "
        "run has mu* = 0 exactly; one changed ending in one trajectory already gives about "
        "1 pp or more, so < 1 pp means next to no run ended otherwise. Above that mu* mixes "
        "effect and noise (an absolute value of a difference of few runs), which is why it "
        "does not decide *influential*.",
        "* **x chance**: the largest effect in a group divided by that group's chance; below "
        f"{CLEAR_OF_CHANCE:g} an effect is within reach of what noise shows after looking at "
        "every output.",
        "* **Sobol'**: sqrt(ST) x sd of the output, the spread the parameter accounts for with "
        "its interactions, for the parameters with the largest main effects.",
        "",
    ]
    lines += _stability_section(summary.get("stability", {}))
    lines += _design_section(summary, cost)
    lines += ["## (a) Influential and not value-sourced: these must be fitted", "",
              f"{len(must)} parameters (`must_fit` in `params/{TABLE_FILE}`, which the fit "
              "reads).", ""]
    lines += _md([[f"`{r['parameter']}`", _pp(r["effect_pp"]), _pp(r["effect_se_pp"]),
                   _pp(ratio.get(i)), _label(r["output"]), r["group"], _pp(r["morris_pp"]),
                   _pp(r.get("sobol_at_top_pp", np.nan)), r["support"],
                   "yes" if r["fitted"] else "**no**"]
                  for i, r in must.sort_values("effect_pp", ascending=False).iterrows()],
                 ["parameter", "effect pp", "se", "x chance", "on", "group", "Morris pp",
                  "Sobol' pp", "support", "fitted"])
    lines += ["", "## (b) Parameters that move nothing: candidates to merge, fix or remove", "",
              f"{len(negligible)} parameters whose Morris effect stays under {NEGLIGIBLE_PP:g} pp "
              "on every headline output in every group, by rule (in brackets: the largest "
              "Morris effect, then the main effect, which for these is chance). The proposal "
              f"for each rule is kept in `docs/{PROPOSALS_FILE}`.", ""]
    for rule, rows in negligible.groupby("rule", sort=True):
        n_rule = int((table["rule"] == rule).sum())
        names = ", ".join(f"`{p.split('.')[-1]}` ({_pp(m)}; {_pp(e)})" for p, m, e in
                          zip(rows["parameter"], rows["morris_pp"], rows["effect_pp"]))
        proposal = proposals.get(rule, "no proposal yet")
        lines += [f"* **{rule}** ({len(rows)} of its {n_rule}): {names}. {proposal}"]
    seeds = [c for c in table.columns if c.startswith("effect_pp_seed")]
    has_sobol = "sobol_pp" in table
    lines += ["", "## Top 20", "",
              "Largest main effect over every headline output and group, at each seed and "
              "pooled; the largest Morris and Sobol' effects.", ""]
    top = measured.sort_values("effect_pp", ascending=False).head(20)
    lines += _md([[i + 1, f"`{r['parameter']}`", _pp(r["effect_pp"]), _label(r["output"]),
                   r["group"], *[_pp(r[c]) for c in seeds], _pp(r["morris_pp"]),
                   _pp(r.get("sobol_pp", np.nan)) if has_sobol else "",
                   r["support"], "yes" if r["fitted"] else "no"]
                  for i, r in enumerate(top.to_dict("records"))],
                 ["#", "parameter", "effect pp", "on", "group",
                  *[c.replace("effect_pp_", "") for c in seeds], "Morris pp", "Sobol' pp",
                  "support", "fitted"])
    lines += ["", "## By scenario group", "",
              "The five largest main effects in each group (pp), and chance in that group.", ""]
    for group in summary.get("settings", {}).get("groups", {}):
        col = f"group:{group}"
        if col not in table:
            continue
        best = measured.sort_values(col, ascending=False).head(5)
        lines += [f"* **{group}** (chance {_pp(chance.get(group))}): " + ", ".join(
            f"`{p}` {_pp(v)}" for p, v in zip(best["parameter"], best[col]))]
    lines += ["", "## Value-sourced parameters", "",
              "Their number comes from the documents, so they need no fit whatever their "
              "effect.", ""]
    vs = table[table["support"] == "value"]
    lines += _md([[f"`{r['parameter']}`", _pp(r["effect_pp"]), _label(r["output"]), r["group"],
                   r["class"]] for r in vs.to_dict("records")],
                 ["parameter", "effect pp", "on", "group", "class"])
    lines += ["", "## Every parameter", "",
              "Flags: **influential, unconstrained** (>= 5 pp, neither value-sourced nor "
              "fitted); influential (value-sourced or fitted); *moves nothing*; fixed (no "
              "range); not measured (added since the study: run it again).", ""]
    rows = []
    for r in table.to_dict("records"):
        flag = {"influential": "**influential, unconstrained**" if r["unconstrained"]
                else "influential", "negligible": "*moves nothing*",
                "moderate": "", "fixed": "fixed", "not_measured": "not measured"}[r["class"]]
        if r["range_changed"]:
            flag = (flag + "; " if flag else "") + "range changed since the study"
        rows.append([f"`{r['parameter']}`", _pp(r["effect_pp"]), _label(r["output"]),
                     r["group"], _pp(r["morris_pp"]), r["support"],
                     "yes" if r["fitted"] else "no", flag])
    lines += _md(rows, ["parameter", "effect pp", "on", "group", "Morris pp", "support",
                        "fitted", "flag"])
    lines += ["", "## Outputs", "",
              f"{len(OUTPUTS)} headline outputs, each a number `unionsim run`'s summary, the "
              "report or the explorer shows:", ""]
    for kind, unit in KINDS.items():
        n = sum(o.kind == kind for o in OUTPUTS)
        lines += [f"* {kind} ({n}): {unit}"]
    return "\n".join(lines) + "\n"


def _stability_section(stab: dict) -> list[str]:
    if not stab:
        return []
    a, b = stab.get("seeds", ["a", "b"])
    n_top = stab.get("spearman_top_n")
    lines = ["## Stability between the two master seeds", "",
             f"Each seed has its own designs and run seeds (seeds {a} and {b}); each "
             "parameter's largest effect is taken at each seed on its own.", "",
             f"* main effects: Spearman's rank correlation of the largest effects "
             f"{stab.get(f'spearman_top{n_top}', float('nan')):.3f} over the union of each "
             f"seed's top {n_top}, {stab.get('spearman_all', float('nan')):.3f} over all "
             f"{stab.get('parameters')} studied parameters; top-K shared: "
             + ", ".join(f"{v} of the top {k}" for k, v in stab.get("top_overlap", {}).items())]
    mor = stab.get("morris", {})
    if mor:
        lines += [f"* Morris mu*: Spearman {mor.get('spearman_all', float('nan')):.3f} over all "
                  "parameters; top-K shared: " + ", ".join(
                      f"{v} of the top {k}" for k, v in mor.get("top_overlap", {}).items())]
    for key, label in (("influential", f"influential (main effect >= {INFLUENTIAL_PP:g} pp)"),
                       ("negligible", f"moves nothing (Morris < {NEGLIGIBLE_PP:g} pp)")):
        d = stab.get(key, {})
        if not d:
            continue
        same = "the same set" if d.get("same") else "not the same set"
        diff = ""
        if not d.get("same"):
            diff = (f" (only at seed {a}: " + (", ".join(f"`{p}`" for p in d["only_a"]) or "none")
                    + f"; only at seed {b}: " + (", ".join(f"`{p}`" for p in d["only_b"])
                                                 or "none") + ")")
        lines += [f"* {label}: {d.get('seed_a')} at seed {a}, {d.get('seed_b')} at seed {b}, "
                  f"{d.get('both')} at both: {same}{diff}"]
    return lines + [""]


def _design_section(summary: dict, cost: dict) -> list[str]:
    s = summary.get("settings", {})
    planned = cost.get("planned", {})
    groups = s.get("groups", {})
    lines = ["## Design and cost", "",
             f"* Latin hypercube (SALib `latin`): {s.get('runs_per_group', 0):,} runs per "
             f"scenario group and seed, shared equally by the group's scenarios, every run its "
             f"own seed: {planned.get('latin_per_seed', 0):,} runs per seed",
             f"* Morris (SALib): {s.get('trajectories')} trajectories x "
             f"({planned.get('parameters')} + 1) points, {s.get('num_levels')} levels, "
             f"{s.get('repeats')} run(s) per point with common random numbers, in each of the "
             f"{planned.get('scenarios')} scenarios: {planned.get('morris_per_seed', 0):,} runs "
             "per seed",
             f"* both at master seeds {', '.join(str(x) for x in s.get('seeds', []))}; the "
             "pooled main effect is fitted to both seeds' runs, the pooled Morris effect is the "
             "mean of the seeds'",
             f"* Sobol' (SALib, Saltelli's scheme, first and total order) on the "
             f"{len(summary.get('sobol_parameters', []))} parameters with the largest main "
             f"effects, N = {s.get('sobol_n')}, {s.get('sobol_repeats')} runs per point with "
             f"common random numbers, every other parameter at its value: "
             f"{planned.get('sobol', 0):,} runs",
             f"* cost: {cost.get('runs', 0):,} runs, {cost.get('seconds', 0) / 60:.0f} minutes "
             f"of wall time in {cost.get('sessions')} session(s) on 2 cores shared with other "
             "work",
             "* a parameter's largest effect is the largest over every headline output and "
             "every scenario group; parameters a scenario sets itself keep that value there",
             "", "Scenario groups:", ""]
    lines += [f"* **{g}**: " + ", ".join(f"`{n}`" for n in names) for g, names in groups.items()]
    return lines + [""]


def page_from_files(params_dir: str | Path, docs_dir: str | Path) -> tuple[pd.DataFrame, str]:
    """The refreshed table and the page from the committed table, summary and proposals."""
    params_dir, docs_dir = Path(params_dir), Path(docs_dir)
    table = refresh_table(read_table(params_dir / TABLE_FILE))
    summary = json.loads((params_dir / SUMMARY_FILE).read_text("utf-8"))
    return table, render_page(table, summary, load_proposals(docs_dir / PROPOSALS_FILE))
