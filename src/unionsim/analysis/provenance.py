"""Where parameter values come from: documented specs, the documents' disputes, a batch's values.

A parameter is *disputed* when the documents disagree about it (FACTS section 5, ids D1..D16):
its note names 'FACTS D<n>' or one of its sources cites a fact id D<n>.
"""

from __future__ import annotations

import re

import pandas as pd

_DISPUTE = re.compile(r"\bD\d{1,2}\b")


def disputes(spec) -> list[str]:
    """The FACTS dispute ids (D1..D16) a parameter spec refers to, in order of appearance."""
    found: list[str] = []
    note = spec.note or ""
    if "FACTS" in note:
        found += _DISPUTE.findall(note)
    for source in spec.sources:
        found += [f for f in source.facts if _DISPUTE.fullmatch(f)]
    return list(dict.fromkeys(found))


def document_title(doc_id: str) -> str:
    from unionsim.bibliography import DOCUMENTS

    doc = DOCUMENTS.get(doc_id)
    return f"{doc.title} ({doc.author}, {doc.date})" if doc else doc_id


def sources_text(spec) -> str:
    """``marin2020 [MIN-09, D1]; westwary2019 [E1]``"""
    return "; ".join(f"{s.doc} [{', '.join(s.facts)}]" for s in spec.sources)


def parameter_table(manifest: dict) -> pd.DataFrame:
    """Every parameter of a batch with its value, the documented default and its provenance.

    ``origin`` says what set a changed value (an overlay file, --set, scenario overrides) or
    'sampled per run' for parameters a sampler varied.
    """
    from unionsim.config.params import default_parameters

    specs = default_parameters().specs
    values = manifest.get("parameters", {})
    changed = manifest.get("changed_parameters", {})
    sampled = set(manifest.get("sampled_parameters", []))
    rows = []
    for name, spec in specs.items():
        origin = ("sampled per run" if name in sampled
                  else changed[name].get("from", "changed") if name in changed else "default")
        rows.append({"name": name, "value": values.get(name, spec.value), "default": spec.value,
                     "low": spec.range[0], "high": spec.range[1], "unit": spec.unit,
                     "meaning": spec.meaning, "basis": spec.basis,
                     "sources": sources_text(spec), "disputes": ", ".join(disputes(spec)),
                     "note": spec.note or "", "origin": origin})
    return pd.DataFrame(rows)
