"""Regenerate docs/facts.md (the facts catalogue) and the outcomes table in README.md.

Both come from data in the package: src/unionsim/data/facts.yaml with a scan of where the model
uses each id, and src/unionsim/catalogue/outcomes.py with the default parameter values.
Usage: python scripts/update_facts_doc.py [--check]
With --check nothing is written; the exit code is 1 if a file is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTS_MD = ROOT / "docs" / "facts.md"
README = ROOT / "README.md"


def facts_doc() -> str:
    from unionsim.catalogue.facts import render_markdown

    return render_markdown()


def render_readme(text: str) -> str:
    """README.md with its generated outcomes table brought up to date."""
    from unionsim.catalogue.outcomes import render_markdown
    from unionsim.config.params import default_parameters

    body = render_markdown(default_parameters().values)
    pattern = re.compile(r"(<!-- outcomes:start -->\n).*?(<!-- outcomes:end -->)", re.S)
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def main() -> int:
    fresh = {FACTS_MD: facts_doc(), README: render_readme(README.read_text("utf-8"))}
    stale = [p for p, text in fresh.items() if not p.exists() or p.read_text("utf-8") != text]
    if "--check" in sys.argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/update_facts_doc.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(fresh[path], "utf-8")
        print(f"{path.relative_to(ROOT)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
