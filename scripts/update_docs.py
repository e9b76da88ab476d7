"""Regenerate the generated documentation: sections of docs/model.md (state variables, parameter
table), the whole of docs/parameter_audit.md, and docs/influence.md with the derived columns of
params/influence.csv (support, fitted, class: from the current parameters and posterior; the
measured effects come from scripts/influence_study.py and are not rerun here).

Usage: python scripts/update_docs.py [--check]
With --check nothing is written; the exit code is 1 if a file is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_MD = ROOT / "docs" / "model.md"
AUDIT_MD = ROOT / "docs" / "parameter_audit.md"
INFLUENCE_MD = ROOT / "docs" / "influence.md"
INFLUENCE_CSV = ROOT / "params" / "influence.csv"


def state_table() -> str:
    from unionsim.model.state import STATE_VARIABLES

    rows = ["| variable | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{name}` | {v.unit} | {v.meaning} |" for name, v in STATE_VARIABLES.items()]
    return "\n".join(rows)


def parameter_table(specs=None) -> str:
    from unionsim.config.params import default_parameters

    specs = default_parameters().specs if specs is None else specs
    rows = []
    group = None
    for name, spec in specs.items():
        g = name.rsplit(".", 1)[0]
        if g != group:
            group = g
            rows += ["", f"**{g}**", "",
                 "| parameter | value | range | unit | basis | support | sources |",
                 "|---|---|---|---|---|---|---|"]
        sources = "; ".join(f"{s.doc} {', '.join(s.facts)}" for s in spec.sources) or "none"
        rows.append(f"| `{name}` | {spec.value:g} | {spec.range[0]:g} - {spec.range[1]:g} | "
                    f"{spec.unit} | {spec.basis} | {spec.support} | {sources} |")
    return "\n".join(rows).strip()


def render(text: str) -> str:
    from unionsim.calibration.polls import offset_specs

    for marker, body in (("state-variables", state_table()), ("parameters", parameter_table()),
                         ("poll-offsets", parameter_table(offset_specs()))):
        pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


def audit_page() -> str:
    from unionsim.config.audit import render_audit
    from unionsim.config.params import default_parameters

    return render_audit(default_parameters().specs)


def influence_files() -> list[tuple[Path, str]]:
    """docs/influence.md and params/influence.csv as their inputs give them (none before the
    first influence study)."""
    if not INFLUENCE_CSV.exists():
        return []
    import io

    from unionsim.analysis.influence_report import page_from_files, write_table

    table, page = page_from_files(ROOT / "params", ROOT / "docs")
    buffer = io.StringIO()
    write_table(table, buffer)
    return [(INFLUENCE_MD, page), (INFLUENCE_CSV, buffer.getvalue())]


def main() -> int:
    stale = []
    for path, fresh in ((MODEL_MD, render(MODEL_MD.read_text("utf-8"))), (AUDIT_MD, audit_page()),
                        *influence_files()):
        current = path.read_text("utf-8") if path.exists() else ""
        if fresh == current:
            continue
        stale.append(path)
        if "--check" not in sys.argv:
            path.write_text(fresh, "utf-8")
            print(f"{path.relative_to(ROOT)} updated")
    if "--check" in sys.argv and stale:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/update_docs.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
