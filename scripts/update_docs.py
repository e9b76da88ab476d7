"""Regenerate the generated sections of docs/model.md (state variables, parameter table).

Usage: python scripts/update_docs.py [--check]
With --check nothing is written; the exit code is 1 if the file is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_MD = ROOT / "docs" / "model.md"


def state_table() -> str:
    from unionsim.model.state import STATE_VARIABLES

    rows = ["| variable | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{name}` | {v.unit} | {v.meaning} |" for name, v in STATE_VARIABLES.items()]
    return "\n".join(rows)


def parameter_table() -> str:
    from unionsim.config.params import default_parameters

    pset = default_parameters()
    rows = []
    group = None
    for name, spec in pset.specs.items():
        g = name.rsplit(".", 1)[0]
        if g != group:
            group = g
            rows += ["", f"**{g}**", "", "| parameter | value | range | unit | basis | sources |",
                     "|---|---|---|---|---|---|"]
        sources = "; ".join(f"{s.doc} {', '.join(s.facts)}" for s in spec.sources)
        rows.append(f"| `{name}` | {spec.value:g} | {spec.range[0]:g} - {spec.range[1]:g} | "
                    f"{spec.unit} | {spec.basis} | {sources} |")
    return "\n".join(rows).strip()


def render(text: str) -> str:
    for marker, body in (("state-variables", state_table()), ("parameters", parameter_table())):
        pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    current = MODEL_MD.read_text("utf-8")
    fresh = render(current)
    if "--check" in sys.argv:
        if fresh != current:
            print("docs/model.md is out of date: run python scripts/update_docs.py")
            return 1
        return 0
    MODEL_MD.write_text(fresh, "utf-8")
    print("docs/model.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
