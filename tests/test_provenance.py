"""Every number behind the model is a visible, sourced parameter (issue 10).

Two kinds of check: the model's code holds no number that changes behaviour (an AST scan), and
every parameter states how its sources bear on it, coherently, in the generated audit page.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from unionsim.config.audit import audit_problems, render_audit, support_counts
from unionsim.config.params import default_parameters
from unionsim.config.schema import ParameterSpec

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "unionsim" / "model"

# The only numbers the model's code may write. Each is structure, not a modelling choice.
STRUCTURAL_NUMBERS = {
    0: "nothing, the empty state, the first index, the lowest level code",
    1: "a whole share, an identity factor, one step or one month",
    -1: "the lower end of a signed quantity",
    2: "the halves of a midpoint and the second level code of a two-step choice",
    12: "months in a year (annual figures to monthly steps)",
    100: "percent",
    1e-9: "a guard against division by zero",
    1e-12: "a guard against division by zero in probabilities",
}


# A fixed constant's comment names its sources as FACTS ids, or calls it an assumption
FACTS_ID = re.compile(r"\b(?:[A-Z]{3}-\d{2}|[EUMPRL]\d+b?|SC\d+|D\d+)\b")
FORMER_RANGE = re.compile(r"range \[(-?[\d.]+(?:e-?\d+)?), (-?[\d.]+(?:e-?\d+)?)\]")
INFLUENCE_STUDY = "docs/influence.md"


def _plain_number(node: ast.AST) -> float | None:
    """The value of a number literal, or of a negated one; None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _plain_number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


def module_constants(source: str) -> list[tuple[int, str, float, str]]:
    """(line, name, value, comment) of each module-level UPPER_CASE name bound to a plain number;
    ``comment`` is the block of comment lines right above the assignment, joined."""
    lines = source.splitlines()
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
        else:
            continue
        value = _plain_number(node.value)
        if not isinstance(target, ast.Name) or not target.id.isupper() or value is None:
            continue
        comment, i = [], node.lineno - 2
        while i >= 0 and lines[i].lstrip().startswith("#"):
            comment.insert(0, lines[i].lstrip()[1:].strip())
            i -= 1
        found.append((node.lineno, target.id, value, " ".join(comment)))
    return found


def fixed_constant_problems(value: float, comment: str) -> list[str]:
    """What a fixed constant of a rule (a former parameter that moves no output) fails to state:
    its former range, holding the value; the influence study that fixed it; its sources as FACTS
    ids, or that it is an assumption."""
    problems = []
    bounds = FORMER_RANGE.search(comment)
    if not bounds:
        problems.append("no former range [lo, hi]")
    elif not float(bounds.group(1)) <= value <= float(bounds.group(2)):
        problems.append(f"the value {value:g} is outside its former range {bounds.group(0)}")
    if INFLUENCE_STUDY not in comment:
        problems.append(f"no reason ({INFLUENCE_STUDY})")
    if not FACTS_ID.search(comment) and "assumption" not in comment:
        problems.append("no sources (FACTS ids) and not called an assumption")
    return problems


def fixed_constants(source: str) -> list[tuple[int, str, float, str]]:
    """The module constants whose comment cites the influence study: fixed former parameters."""
    return [c for c in module_constants(source) if INFLUENCE_STUDY in c[3]]


def hidden_numbers(source: str) -> list[tuple[int, float]]:
    """(line, value) of each numeric literal outside the structural allow-list, except the value
    of a fixed constant of a rule that states its former range, reason and sources."""
    documented = {line for line, _, value, comment in module_constants(source)
                  if not fixed_constant_problems(value, comment)}
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) \
                and node.value not in STRUCTURAL_NUMBERS and node.lineno not in documented:
            found.append((node.lineno, node.value))
    return found


def test_the_allow_list_is_short():
    assert len(STRUCTURAL_NUMBERS) <= 10


def test_the_scan_catches_a_hidden_number():
    code = "def rule(p, x):\n    return p.minsk.weight * x + 0.3 * x\n"
    assert hidden_numbers(code) == [(2, 0.3)]
    assert hidden_numbers("y = x[0] + 1 - 12 / 100\n") == []
    assert hidden_numbers("s = min(3.0, level)\n") == [(1, 3.0)]


def test_only_a_fully_documented_fixed_constant_may_hold_a_number():
    why = ("# weight of x, utils; fixed: it moves no headline output across its former range\n"
           "# [0.2, 0.8] (docs/influence.md); marin2020 M14, direction only\n")
    assert hidden_numbers(why + "WEIGHT = 0.3\n") == []
    assert hidden_numbers(why + "WEIGHT: float = 0.3\n") == []
    assert hidden_numbers(why.replace("[0.2, 0.8]", "[-0.5, 0]") + "WEIGHT = -0.3\n") == []
    # undocumented, outside its range, without reason or sources, not a constant: still hidden
    assert hidden_numbers("WEIGHT = 0.3\n") == [(1, 0.3)]
    assert hidden_numbers("# a weight\nWEIGHT = 0.3\n") == [(2, 0.3)]
    assert hidden_numbers(why + "WEIGHT = 0.9\n") == [(3, 0.9)]
    assert hidden_numbers(why.replace("docs/influence.md", "the study") + "WEIGHT = 0.3\n") \
        == [(3, 0.3)]
    assert hidden_numbers(why.replace("M14", "the texts") + "WEIGHT = 0.3\n") == [(3, 0.3)]
    assert hidden_numbers(why + "weight = 0.3\n") == [(3, 0.3)]
    assert hidden_numbers(why + "WEIGHT = 0.3 * x\n") == [(3, 0.3)]
    assert hidden_numbers("def rule():\n" + "".join("    " + line + "\n"
                                                     for line in why.splitlines())
                          + "    WEIGHT = 0.3\n    return WEIGHT\n") == [(4, 0.3)]


@pytest.mark.parametrize("path", sorted(MODEL.rglob("*.py")), ids=lambda p: p.name)
def test_the_model_code_holds_no_hidden_numbers(path):
    found = hidden_numbers(path.read_text("utf-8"))
    assert not found, (f"{path.relative_to(ROOT)}: numbers that change behaviour must be "
                       f"parameters in params/default.yaml: {found}")


@pytest.mark.parametrize("path", sorted(MODEL.rglob("*.py")), ids=lambda p: p.name)
def test_every_fixed_constant_states_its_former_range_reason_and_sources(path):
    problems = [f"{name} (line {line}): {problem}"
                for line, name, value, comment in fixed_constants(path.read_text("utf-8"))
                for problem in fixed_constant_problems(value, comment)]
    assert not problems, f"{path.relative_to(ROOT)}: {problems}"


def test_every_fixed_constant_is_in_the_model_description():
    odd = (ROOT / "docs" / "model.md").read_text("utf-8")
    missing = [name for path in sorted(MODEL.rglob("*.py"))
               for _, name, _, _ in fixed_constants(path.read_text("utf-8"))
               if f"`{name}`" not in odd]
    assert not missing, f"fixed constants missing from docs/model.md: {missing}"


def test_every_parameter_states_its_support_coherently():
    problems = audit_problems(default_parameters().specs)
    assert not problems, "\n".join(problems[:20])


def test_the_audit_flags_incoherent_support():
    base = dict(value=0.5, range=(0.0, 1.0), unit="0..1", meaning="a test parameter here")
    src = [{"doc": "westwary2019", "facts": ["E17"]}]
    good = ParameterSpec(**base, basis="judgement", support="assumption", sources=[])
    claims_value = ParameterSpec(**base, basis="judgement", support="value",
                                 claim="the text gives it", sources=src)
    document_guess = ParameterSpec(**base, basis="document", support="direction",
                                   claim="only a sign", sources=src)
    problems = audit_problems({"a": good, "b": claims_value, "c": document_guess})
    assert [p.split(":")[0] for p in problems] == ["b", "c"]


def test_sourced_support_needs_a_claim_and_sources():
    base = dict(value=0.5, range=(0.0, 1.0), unit="0..1", meaning="a test parameter here",
                basis="judgement")
    with pytest.raises(ValueError, match="claim"):
        ParameterSpec(**base, support="direction", sources=[{"doc": "westwary2019",
                                                              "facts": ["E17"]}])
    with pytest.raises(ValueError, match="no sources"):
        ParameterSpec(**base, support="direction", claim="rises with stress", sources=[])


def test_the_audit_page_counts_and_lists():
    specs = default_parameters().specs
    page = render_audit(specs)
    counts = support_counts(specs)
    assert f"{len(specs)} parameters" in page
    for name, spec in specs.items():
        assert f"`{name}`" in page
    assert sum(counts.values()) == len(specs)


def test_the_audit_page_is_current():
    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "scripts" / "update_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = ROOT / "docs" / "parameter_audit.md"
    assert path.read_text("utf-8") == mod.audit_page(), "run: python scripts/update_docs.py"
