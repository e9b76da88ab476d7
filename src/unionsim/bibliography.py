"""The five source documents unionsim is built from, and the index of FACTS ids.

The descriptions are our own words. Each parameter and rule cites documents by these ids and
claims by their ids in the project's facts sheet (``shared/FACTS.md``); the index below says which
documents support each id, so a citation that names the wrong document is caught at load time,
and a mistyped id is answered with the ids it most looks like (`nearest_ids`).

The index is data (``data/fact_index.json``), read here at the bottom of the package so that the
input schemas can check citations without reaching up to the facts catalogue's commands.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    author: str
    publisher: str
    date: str
    summary: str


DOCUMENTS: dict[str, Document] = {d.id: d for d in (
    Document("carnegie2019", "A Brotherly Takeover: Could Russia Annex Belarus?",
             "not named in the text", "Carnegie Moscow Center (republished by The Moscow Times)",
             "late 2018 to 2019",
             "Op-ed arguing that a merger is unrealistic for now: the elite and the public back "
             "independence, Russia lacks a base in Belarus and annexation would cost more than it "
             "brings."),
    Document("marin2020", "The Union State of Belarus and Russia", "Anaïs Marin",
             "not stated in the text (policy paper)", "about May-June 2020",
             "Long policy paper debunking three 'brotherhood' myths (closest ally, integrated army, "
             "imminent loss of sovereignty), with the military, energy and NATO dimensions and "
             "recommendations to the West."),
    Document("shraibman2021a", "Untitled chapter on the goals of the integration talks",
             "Artyom Shraibman", "not stated (part of a collective publication)", "2021, after March",
             "Diverging goals of Minsk and Moscow, Belarusian and Russian opinion polls, and the "
             "Russian elite factions with Putin as arbiter; the Crimea-logic threshold."),
    Document("westwary2019", "Should the West be Wary of an Imminent 'Union' of Russia and Belarus?",
             "not named in the text", "not stated", "mid-December 2019",
             "Analysis built on expert interviews: subsidy trading, the oil tax manoeuvre, Russian "
             "factions (subsidy cutters, siloviki, raiders and two restraining groups), soft "
             "Belarusianisation and the West's thin offer."),
    Document("shraibman2021b", "One year after the protests began: what's Russia's plan for Belarus?",
             "Artyom Shraibman", "LibMod (Zentrum Liberale Moderne)", "about August 2021",
             "Russia's reactive policy after the 2020 protests: loans just large enough, few "
             "concessions either way, 28 roadmaps near signature, no plan for the succession."),
)}

DOC_IDS: tuple[str, ...] = tuple(DOCUMENTS)


@lru_cache(maxsize=1)
def fact_index() -> dict[str, frozenset[str]]:
    """FACTS id -> the documents that support it (extracted from shared/FACTS.md)."""
    raw = json.loads(resources.files("unionsim.data").joinpath("fact_index.json").read_text("utf-8"))
    return {k: frozenset(v) for k, v in raw.items()}


SEARCH_HINT = "unionsim facts --search WORDS"
"""How a user finds the id they meant (shown after a mistyped or unknown id)."""


def nearest_ids(fact_id: str, known=None, n: int = 3) -> list[str]:
    """The known ids (default: every id of the index) that look most like a mistyped one."""
    known = list(known if known is not None else fact_index())
    by_fold = {k.casefold(): k for k in known}
    bare = re.sub(r"[^0-9a-z]", "", fact_id.casefold())
    # the same letters and digits (MIN28, min 28) first, then ids that look alike
    same = [k for k in known if re.sub(r"[^0-9a-z]", "", k.casefold()) == bare]
    close = difflib.get_close_matches(fact_id.casefold(), list(by_fold), n=n, cutoff=0.5)
    return (same + [by_fold[c] for c in close if by_fold[c] not in same])[:n]
