"""After-action report of one run: who did what and why, month by month, and how the state moved.

Presentation of a recorded run (``record=True``), so it lives with the analysis, not the model.
"""

from __future__ import annotations

import re
from typing import Iterable

from unionsim.analysis.labels import words
from unionsim.config.schema import month_label
from unionsim.model.outcomes import DIMENSIONS, TIMINGS
from unionsim.odds import percent

# Choices that mean "nothing new this month": left out of the report unless asked for.
ROUTINE = {("minsk", "domestic", "tolerate"), ("minsk", "initiative", "hold"),
           ("minsk", "implementation", "drag"), ("nato", "posture", "hold"),
           ("west", "policy", "hold"), ("putin", "policy", "hold"), ("us", "policy", "hold"),
           ("minsk", "integration_answer", "stall")}
ACTOR_NAMES = {"minsk": "Minsk", "putin": "Kremlin (Putin)", "nato": "NATO", "west": "EU", "us": "US",
               "kremlin": "Kremlin", "event": "Event", "elite": "Minsk's elite", "public": "Public"}
WATCH = (("reserves", "reserves $%.1fbn", 0.3), ("energy_support", "Russian support $%.2fbn/yr", 0.05),
         ("protest_share", "protest %.1f%%", 0.005), ("repression", "repression %.2f", 0.1),
         ("legitimacy", "legitimacy %.2f", 0.05), ("elite_cohesion", "elite cohesion %.2f", 0.05),
         ("sanctions_level", "sanctions level %.0f", 0.5),
         ("roadmaps_signed", "roadmaps signed %.0f", 0.5),
         ("roadmaps_implemented", "roadmaps in force %.1f", 0.5),
         ("kremlin_trust", "Kremlin trust %.2f", 0.1), ("sovereignty", "sovereignty %.2f", 0.02),
         ("presence", "Russian presence level %.0f", 0.5), ("tension", "tension %.2f", 0.05),
         ("outside_options", "outside options %.2f", 0.1))


# a phrase of one to four words said twice in a row ("NATO exercise NATO exercise near Belarus":
# the event's kind followed by a name that already starts with it)
_REPEATED_PHRASE = re.compile(r"\b((?:[^\s]+\s+){1,4}?)\1")


def say_once(text: str) -> str:
    """``text`` with a phrase repeated back to back said once.

    >>> say_once("NATO exercise NATO exercise near Belarus for 4 months")
    'NATO exercise near Belarus for 4 months'
    >>> say_once("Zapad 2017 exercise: 3.0k troops")
    'Zapad 2017 exercise: 3.0k troops'
    """
    return _REPEATED_PHRASE.sub(r"\1", text)


def happenings(entries: Iterable[dict], verbose: bool = False) -> list[tuple[int, str, str]]:
    """Decision-log entries worth telling, as (month, who, what): every event, and every choice
    but the lobbying and, unless ``verbose``, the routine ones (`ROUTINE`). A game's "since your
    last decision" tells these, in the terminal and in the explorer."""
    told = []
    for d in entries:
        if d["kind"] == "lobby" or (not verbose and (d["actor"], d["kind"], d["choice"])
                                    in ROUTINE):
            continue
        who = ACTOR_NAMES.get(d["actor"], d["actor"])
        what = (say_once(d["choice"]) if d["kind"] == "event"
                else f"[{words(d['kind'])}] {words(d['choice'])}")
        told.append((d["month"], who, what))
    return told


def _fmt(name: str, template: str, value: float) -> str:
    if name == "protest_share":
        return template % (100 * value)
    return template % value


def render(model, *, verbose: bool = False) -> Iterable[str]:
    """Lines of the report for a finished model run with ``record=True``."""
    from unionsim.model.state import INDICATORS

    spec = model.spec
    index = {name: j for j, name in enumerate(INDICATORS)}
    by_month: dict[int, list[dict]] = {}
    for d in model.decisions:
        by_month.setdefault(d["month"], []).append(d)
    yield f"{spec.title}"
    yield f"scenario {spec.name}, seed {model.seed}, {spec.start} + {spec.horizon} months"
    for key, policy in spec.policies.items():
        yield f"policy {key}: {policy.describe()}"
    yield ""
    previous = model.series[0]
    for month in range(1, model.horizon + 1):
        lines = []
        lobbies = []
        for d in by_month.get(month, []):
            key = (d["actor"], d["kind"], d["choice"])
            if d["kind"] == "lobby":
                lobbies.append(f"{d['actor']} for {d['choice']} ({d['why']})")
                continue
            if d["kind"] == "event":
                lines.append(f"  {ACTOR_NAMES.get(d['actor'], d['actor'])}: "
                             f"{say_once(d['choice'])}")
                continue
            if key in ROUTINE and not verbose:
                continue
            who = ACTOR_NAMES.get(d["actor"], d["actor"])
            odds = ", ".join(f"{o} {percent(p, odds=False)}"
                             for o, p in sorted(d["options"].items(), key=lambda x: -x[1])[:3])
            line = f"  {who} [{words(d['kind'])}]: {words(d['choice'])}"
            line += f" (p={percent(d['probability'])}; {odds})"
            if "policy" in d:  # taken by the user's policy, not the actor's own logit
                line += f"\n      by {d['policy']}"
            lobbied = d["actor"] == "putin" and d["kind"] == "policy" and lobbies
            # the Kremlin's reason is its lobbies, which the lobby decisions tell in full words:
            # print them once, not once as a reason and again as a list
            if d["why"] and not (lobbied and d["why"].startswith("lobbies:")):
                line += f"\n      because: {d['why']}"
            if lobbied:
                line += "\n      lobbies: " + "; ".join(lobbies)
            lines.append(line)
        row = model.series[month]
        moved = [_fmt(name, template, row[index[name]]) for name, template, step in WATCH
                 if abs(row[index[name]] - previous[index[name]]) >= step]
        if lines or moved:
            yield month_label(month, spec.start)
            yield from lines
            if moved:
                yield "  state: " + ", ".join(moved)
                previous = row
    result = model.result()
    yield ""
    yield f"Outcome: {words(result['outcome'])}"
    yield "End states: " + ", ".join(f"{words(name)} {words(result[name])}"
                                     for name in DIMENSIONS)
    yield f"Signed roadmaps in force: {result['implemented_share']:.0%}"
    firsts = [f"{words(name)} "
              f"{'at start' if result[name] < 1 else month_label(int(result[name]), spec.start)}"
              for name in TIMINGS if result[name] == result[name]]
    yield "First: " + (", ".join(firsts) if firsts else "none of signing, implementation, "
                                                         "sanctions, loan, deployment")
    flags = [words(k) for k, v in result.items() if isinstance(v, bool) and v]
    yield "Flags: " + (", ".join(flags) if flags else "none")
    yield ("Final: sovereignty %.2f, Russian support $%.2fbn/yr, reserves $%.1fbn, roadmaps signed "
           "%d (in force %.0f), protest peak %.1f%%, sanctions level %d" % (
               result["sovereignty"], result["energy_support"], result["reserves"],
               result["roadmaps_signed"], result["roadmaps_implemented"],
               100 * result["protest_peak"], result["sanctions_level"]))
