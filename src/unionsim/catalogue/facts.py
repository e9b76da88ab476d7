"""The facts catalogue: what each FACTS id claims, which documents support it, where the model
uses it.

The catalogue (``unionsim/data/facts.yaml``) ships with the package, so a user can read what a
cited id means without the project's facts sheet. Each entry is a paraphrase in the project's own
words; the supporting documents are those of ``data/fact_index.json`` (a test keeps the two in
step). Where an id is used is not stored: `usage_index` scans the parameters, the model's
docstrings and comments, the event types, the scenarios and the validation claims each time, so
it cannot drift from the code.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from unionsim.bibliography import SEARCH_HINT

#: How a FACTS id looks: MIN-05, E17, E5b, SC11, D1 (letters of figure rows: E U M P R L).
#: Deliberately loose (MIN-5 matches too) so that a mistyped citation is found and reported.
FACT_ID = re.compile(r"\b(?:[A-Z]{3}-\d+|[EUMPRL]\d+b?|SC\d+|D\d+)\b")

KINDS = ("figure", "claim", "scenario", "disagreement")


@dataclass(frozen=True)
class Fact:
    """One catalogue entry: the id, what kind of row it is, its topic and our paraphrase."""

    id: str
    kind: str           # figure, claim, scenario or disagreement
    family: str         # the actor or topic (minsk, kremlin, economy, ...)
    section: str        # the section of the facts sheet it comes from
    documents: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Use:
    """One place that cites a FACTS id."""

    kind: str           # parameter, parameter file, rule, model, event type, scenario, claim
    name: str
    location: str       # file (and line) relative to the project, or the Python object


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Fact]:
    """Every FACTS id with its paraphrase and documents, in the facts sheet's order."""
    raw = yaml.safe_load(resources.files("unionsim.data").joinpath("facts.yaml")
                         .read_text("utf-8")) or {}
    return {fid: Fact(id=fid, kind=e["kind"], family=e["family"], section=e["section"],
                      documents=tuple(e["documents"]), text=" ".join(e["text"].split()))
            for fid, e in raw.items()}


def lookup(fact_id: str) -> Fact | None:
    """The entry of an id, ignoring case (``min-28`` finds MIN-28, ``e5B`` finds E5b)."""
    facts = catalogue()
    if fact_id in facts:
        return facts[fact_id]
    folded = {k.casefold(): v for k, v in facts.items()}
    return folded.get(fact_id.strip().casefold())


def search(words: list[str] | str) -> list[Fact]:
    """The entries whose id, paraphrase, kind, family or section contain every word (any case)."""
    if isinstance(words, str):
        words = words.split()
    wanted = [w.casefold() for w in words if w.strip()]
    found = []
    for fact in catalogue().values():
        hay = " ".join((fact.id, fact.text, fact.kind, fact.family.replace("_", " "),
                        fact.section)).casefold()
        if all(w in hay for w in wanted):
            found.append(fact)
    return found


# --------------------------------------------------------------------------- where ids are used

def _project_root() -> Path:
    from unionsim.config.params import shipped_dir

    return shipped_dir("params").parent


def _relative(path: Path) -> str:
    for base in (_project_root(), Path(__file__).resolve().parents[2]):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def usage_index() -> dict[str, list[Use]]:
    """FACTS id -> every place that cites it, scanned now from the project's files and code.

    Scanned: parameter sources, notes and claims (``params/*.yaml``, by parameter), docstrings
    and comments of ``unionsim.model`` (by function or class; functions under ``model/rules`` are
    rules), the docstrings of the scenario event types, the shipped scenarios (the whole file, so
    ``sources`` and comments alike) and the validation claims. Ids that are not in the catalogue
    are kept, so a test can catch a citation of an id that does not exist.
    """
    index: dict[str, list[Use]] = {}
    for fid, use in (*_parameter_uses(), *_model_uses(), *_event_type_uses(), *_scenario_uses(),
                     *_claim_uses()):
        uses = index.setdefault(fid, [])
        if use not in uses:
            uses.append(use)
    return index


def _parameter_uses():
    from unionsim.config.params import default_parameters, shipped_dir

    specs = default_parameters().specs
    for path in sorted(shipped_dir("params").glob("*.yaml")):
        rel = _relative(path)
        if path.name == "default.yaml":
            for lineno, name, text in _yaml_lines_by_key(path):
                param = next((".".join(name[:i]) for i in range(len(name), 0, -1)
                              if ".".join(name[:i]) in specs), None)
                for fid in FACT_ID.findall(text):
                    if param:
                        yield fid, Use("parameter", param, f"{rel}:{lineno}")
                    else:
                        yield fid, Use("parameter file", path.stem, f"{rel}:{lineno}")
        else:
            for lineno, _, text in _yaml_lines_by_key(path):
                for fid in FACT_ID.findall(text):
                    yield fid, Use("parameter file", path.stem, rel)


def _yaml_lines_by_key(path: Path):
    """(line number, path of keys the line sits under, line text) for each line of a YAML file.

    Indentation tracks the nesting, which is all the shipped files use; flow mappings such as
    ``{doc: x, facts: [...]}`` stay on their line and belong to the key above them.
    """
    stack: list[tuple[int, str]] = []
    for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        stripped = line.lstrip()
        if not stripped:
            continue
        indent = len(line) - len(stripped)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key = re.match(r"([A-Za-z_][\w\-]*):(\s|$)", stripped)
        if key:
            stack.append((indent, key.group(1)))
        yield lineno, [k for _, k in stack], line


def _model_uses():
    import ast

    import unionsim.model

    base = Path(unionsim.model.__file__).resolve().parent
    for path in sorted(base.rglob("*.py")):
        source = path.read_text("utf-8")
        module = "model." + ".".join(path.relative_to(base).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        tree = ast.parse(source)
        scopes = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scopes.append((node.lineno, node.end_lineno or node.lineno, node))
        qualnames = _qualnames(tree)
        is_rules = "rules" in path.relative_to(base).parts
        rel = _relative(path)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type not in (tokenize.COMMENT, tokenize.STRING):
                continue
            ids = FACT_ID.findall(tok.string)
            if not ids:
                continue
            line = tok.start[0]
            inside = [s for s in scopes if s[0] <= line <= s[1]]
            if inside:
                node = min(inside, key=lambda s: s[1] - s[0])[2]
                name = f"{module}.{qualnames[node]}"
                kind = "rule" if is_rules and isinstance(node, ast.FunctionDef) else "model"
            else:
                name, kind = module, "model"
            for fid in ids:
                yield fid, Use(kind, name, f"{rel}:{line}")


def _qualnames(tree) -> dict:
    import ast

    names = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[child] = prefix + child.name
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return names


def _event_type_uses():
    import inspect

    from unionsim.config.schema import EVENT_TYPES

    for name, cls in sorted(EVENT_TYPES.items()):
        for fid in FACT_ID.findall(inspect.getdoc(cls) or ""):
            yield fid, Use("event type", name, f"unionsim.config.schema.{cls.__name__}")


def _scenario_uses():
    from unionsim.config.scenario import shipped_scenarios

    for path in shipped_scenarios():
        rel = _relative(path)
        for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for fid in FACT_ID.findall(line):
                yield fid, Use("scenario", path.stem, f"{rel}:{lineno}")


def _claim_uses():
    from unionsim.validation.claims import CLAIMS

    for claim in CLAIMS:
        for fid in claim.facts:
            yield fid, Use("claim", f"{claim.id} {claim.statement}",
                           "unionsim.validation.claims")


# --------------------------------------------------------------------------- docs/facts.md

def render_markdown() -> str:
    """``docs/facts.md``: every id with its paraphrase, documents and uses, by section."""
    from unionsim.bibliography import DOCUMENTS

    uses = usage_index()
    facts = catalogue()
    lines = [
        "# The facts catalogue",
        "",
        "<!-- generated by scripts/update_facts_doc.py from src/unionsim/data/facts.yaml and a scan "
        "of the code; do not edit -->",
        "",
        "Every id that parameters, rules, scenarios and validation claims cite, with what it says "
        "in the project's own words, the documents that support it and where the model uses it. "
        f"The same data is shown by `unionsim facts ID` and `{SEARCH_HINT}`.",
        "",
        f"{len(facts)} ids: " + ", ".join(
            f"{sum(f.kind == k for f in facts.values())} {k}s" for k in KINDS) + ". "
        f"{sum(1 for f in facts if f in uses)} of them are used by the model.",
        "",
        "Documents: " + "; ".join(f"`{d.id}` {d.title}" for d in DOCUMENTS.values()) + ".",
    ]
    section = None
    for fact in facts.values():
        if fact.section != section:
            section = fact.section
            lines += ["", f"## {section}", "", "| id | what it says | documents | used by |",
                      "|---|---|---|---|"]
        used = _used_summary(uses.get(fact.id, []))
        lines.append(f"| {fact.id} | {_cell(fact.text)} | {', '.join(fact.documents)} | "
                     f"{_cell(used)} |")
    return "\n".join(lines) + "\n"


def _used_summary(uses: list[Use]) -> str:
    names: dict[str, list[str]] = {}
    for use in uses:
        label = use.name.split(" ", 1)[0] if use.kind == "claim" else use.name
        if label not in names.setdefault(use.kind, []):
            names[use.kind].append(label)
    return "; ".join(f"{kind}: {', '.join(f'`{n}`' for n in sorted(ns))}"
                     for kind, ns in names.items())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
