"""Words for figures and tables: readable names with units, run labels, the scenario's events.

Everything here reads a results folder's manifest or the model's documented metadata
(`STATE_VARIABLES`, `OUTCOMES`, `FLAGS`); nothing is hard-coded twice.
"""

from __future__ import annotations

from pathlib import Path

from unionsim.model.state import STATE_VARIABLES

#: Indicators shown in fan charts and final distributions (all are in the monthly time series).
KEY_INDICATORS: tuple[str, ...] = (
    "sovereignty", "energy_support", "reserves", "loans_total", "roadmaps_signed",
    "roadmaps_implemented", "protest_share", "legitimacy", "sanctions_level",
    "support_incorporation", "tension", "presence", "nato_posture",
)

#: Final indicators compared between folders and shown as distributions (outcomes.parquet).
KEY_FINAL_INDICATORS: tuple[str, ...] = (
    "sovereignty", "energy_support", "reserves", "loans_total", "roadmaps_signed",
    "roadmaps_implemented", "protest_peak", "legitimacy", "sanctions_level",
    "support_incorporation",
)

_EXTRA_UNITS = {"protest_peak": STATE_VARIABLES["protest_peak"].unit}


#: How identifiers' words are written for people: acronyms, proper nouns and hyphenated words.
#: Every table, figure and console line names outcomes, flags, end states, events, indicators
#: and choices through `words` or `pretty`, so "NATO", "US deal", "Ukraine-like protests" and
#: "co-opt" read the same everywhere.
WORDS: dict[str, str] = {
    "nato": "NATO", "us": "US", "eu": "EU", "csto": "CSTO", "gdp": "GDP", "usd": "USD",
    "kgb": "KGB", "russian": "Russian", "russia": "Russia", "kremlin": "Kremlin",
    "minsk": "Minsk", "moscow": "Moscow", "belarus": "Belarus", "belarusian": "Belarusian",
    "ukraine": "Ukraine", "west": "West", "western": "Western", "zapad": "Zapad",
    "putin": "Putin", "lukashenka": "Lukashenka", "kaliningrad": "Kaliningrad",
    "suwalki": "Suwalki", "iskander": "Iskander",
}
#: Runs of words written as one: ``ukraine_like`` -> ``Ukraine-like``.
PHRASES: dict[str, str] = {
    "ukraine_like": "Ukraine-like", "co_opt": "co-opt", "pro_russian": "pro-Russian",
    "us_eu": "US and EU", "status_quo": "status quo",
}
#: Prefixes that name a kind of column rather than what it holds.
_PREFIXES = ("end_", "month_")


def words(name: str) -> str:
    """An identifier in words, as in running text: ``ukraine_like_protests`` ->
    ``Ukraine-like protests``, ``us_deal`` -> ``US deal``, ``nato_posture`` -> ``NATO posture``,
    ``co_opt`` -> ``co-opt``; ``end_`` and ``month_`` prefixes are left out."""
    text = str(name)
    for prefix in _PREFIXES:
        text = text.removeprefix(prefix)
    for phrase, written in PHRASES.items():
        text = ("_" + text + "_").replace(f"_{phrase}_", f"_{written}_").strip("_")
    return " ".join(WORDS.get(w, w) for w in text.split("_") if w)


def pretty(name: str) -> str:
    """`words`, capitalised to start a label: ``support_incorporation`` ->
    ``Support incorporation``, ``us_deal`` -> ``US deal``."""
    text = words(name)
    return text[:1].upper() + text[1:]


def level_names(name: str) -> dict[int, str]:
    """The named levels of an indicator with a few whole values, from its documented meaning:
    ``sanctions_level`` -> ``{0: 'none', 1: 'individual', 2: 'sectoral', 3: 'comprehensive'}``
    (empty when the meaning names none)."""
    import re

    meaning = meaning_of(name)
    if ":" not in meaning:
        return {}
    found = {}
    for part in meaning.split(":", 1)[1].split(","):
        m = re.match(r"\s*(\d+)\s+([^(]+?)\s*(\(.*)?$", part)
        if m:
            found[int(m.group(1))] = m.group(2)
    return found


def unit_of(name: str) -> str:
    """The documented unit of a state variable or indicator ('' when unknown)."""
    var = STATE_VARIABLES.get(name)
    return var.unit if var else _EXTRA_UNITS.get(name, "")


def axis_label(name: str) -> str:
    """``Reserves (USD bn)``: the name and its unit, for an axis."""
    unit = unit_of(name)
    return f"{pretty(name)} ({unit})" if unit else pretty(name)


def meaning_of(name: str) -> str:
    var = STATE_VARIABLES.get(name)
    return var.meaning if var else ""


def run_label(manifest: dict) -> str:
    """A short label that tells batches apart: the scenario name plus overlays and --set values."""
    parts = [manifest["scenario"]["name"]]
    parts += [Path(f).stem for f in manifest.get("param_files", [])]
    parts += [f"{k}={v:g}" for k, v in manifest.get("sets", {}).items()]
    return " + ".join(parts)


def runs_ok(manifest: dict, outcomes=None) -> int:
    if outcomes is not None:
        return int((outcomes["status"] == "ok").sum())
    return int(manifest.get("runs_ok", manifest.get("n_runs", 0)))


def figure_title(manifest: dict, outcomes=None, what: str = "") -> str:
    """Every figure's title: what it shows, the scenario's title, overlays and the run count."""
    title = manifest["scenario"]["title"]
    extra = run_label(manifest).split(" + ", 1)
    overlay = f" [+ {extra[1]}]" if len(extra) > 1 else ""
    head = f"{what}\n" if what else ""
    return f"{head}{title}{overlay} - {runs_ok(manifest, outcomes)} runs"


def _event_label(event: dict) -> str:
    kind = event.get("type", "event")
    if kind == "exercise":
        return str(event.get("name") or "exercise")
    if kind == "economic_shock":
        return str(event.get("label") or "economic shock")
    if kind == "election":
        return f"{event.get('kind', '')} election".strip()
    if kind == "roadmap_round":
        depth = "supranational" if event.get("depth") == "supranational" else "integration"
        return f"{depth} talks open"
    if kind == "tax_manoeuvre_step":
        return "tax manoeuvre step"
    return words(kind)


def scenario_events(manifest: dict) -> list[tuple[int, str]]:
    """The scenario's scheduled events as (month number, label), one entry per month.

    Month numbers count from 1 (the start month), as in the time series, where month 0 is the
    state before the first month. Events in the same month share one label.
    """
    from unionsim.config.schema import month_index

    spec = manifest["scenario"]["spec"]
    by_month: dict[int, list[str]] = {}
    for event in spec.get("events", []):
        m = month_index(event["month"], spec["start"])
        label = _event_label(event)
        if label not in by_month.setdefault(m, []):
            by_month[m].append(label)
    return [(m, ", ".join(labels)) for m, labels in sorted(by_month.items())]


def month_dates(manifest: dict) -> list[str]:
    """'YYYY-MM' of months 0..horizon (month 0 is the month before the start)."""
    from unionsim.config.schema import month_label

    spec = manifest["scenario"]["spec"]
    return [month_label(m, spec["start"]) for m in range(spec["horizon"] + 1)]


def month_serial(label: str) -> int:
    """A 'YYYY-MM' month as a count of months (comparable across scenarios).

    >>> month_serial("2020-01") - month_serial("2019-01")
    12
    """
    year, month = label.split("-")[:2]
    return int(year) * 12 + int(month) - 1


def serial_label(serial: int) -> str:
    """The inverse of `month_serial`: ``24241`` -> ``'2020-02'``."""
    return f"{serial // 12:04d}-{serial % 12 + 1:02d}"


def start_serial(manifest: dict) -> int:
    """`month_serial` of month 0 of a folder's series (the month before the start)."""
    return month_serial(manifest["scenario"]["spec"]["start"]) - 1


def is_share(name: str) -> bool:
    """Whether an indicator is a share of people or runs (drawn in percent)."""
    return unit_of(name).startswith("share")


def value_limits(name: str, low: float, high: float) -> tuple[float, float]:
    """Y-axis limits for an indicator whose values span ``low``..``high``.

    The axis starts at the variable's documented floor (0 for money, shares and levels) so that a
    small drift is drawn as small; indices and levels with a documented scale (unit ``0..1``,
    ``0..3``) span the whole scale; shares of people reach at least 10%.
    """
    var = STATE_VARIABLES.get(name)
    unit = unit_of(name)
    lo = min(float(var.lo), low) if var is not None and var.lo is not None else low
    if var is not None and var.hi is not None and unit.startswith("0.."):
        hi = max(float(var.hi), high)
    elif is_share(name):
        hi = min(1.0, max(0.1, high * 1.15))
    else:
        hi = high + 0.08 * (high - lo) if high > lo else lo + 1.0
    pad = 0.03 * (hi - lo)
    return lo - pad, hi + pad
