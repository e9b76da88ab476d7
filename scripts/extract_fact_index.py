"""Rebuild src/unionsim/data/fact_index.json from the facts sheet (../shared/FACTS.md).

Each FACTS id maps to the documents that support it: the bracketed document ids on its row, or,
for scenario rows (SC) and disagreement rows (D), the documents the row names ("all five" means
all five). Usage: python scripts/extract_fact_index.py [path/to/FACTS.md] [--check]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "unionsim" / "data" / "fact_index.json"
DOCS = ("carnegie2019", "marin2020", "shraibman2021a", "westwary2019", "shraibman2021b")


def extract(text: str) -> dict[str, list[str]]:
    index: dict[str, set[str]] = {}
    for line in text.splitlines():
        m = re.match(r"^\| (E\d+b?|U\d+b?|M\d+b?|P\d+|R\d+|L\d+b?|SC\d+|D\d+) \|", line) or \
            re.match(r"^\* \*\*([A-Z]{3}-\d+)", line)
        if not m:
            continue
        fid = m.group(1)
        found = set(re.findall(r"\[(" + "|".join(DOCS) + r")\]", line))
        if fid.startswith(("SC", "D")):
            found |= {d for d in DOCS if d in line}
            if "shraibman2021a/b" in line:
                found |= {"shraibman2021a", "shraibman2021b"}
            if "| all five |" in line:
                found |= set(DOCS)
        index.setdefault(fid, set()).update(found)
    return {k: sorted(v) for k, v in index.items()}


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    source = Path(args[0]) if args else ROOT.parent / "shared" / "FACTS.md"
    fresh = extract(source.read_text("utf-8"))
    if "--check" in sys.argv:
        current = json.loads(TARGET.read_text("utf-8"))
        if current != fresh:
            print("fact_index.json differs from FACTS.md: run scripts/extract_fact_index.py")
            return 1
        return 0
    TARGET.write_text(json.dumps(fresh, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"{len(fresh)} ids written to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
