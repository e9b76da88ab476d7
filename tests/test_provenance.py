"""Every number behind the model is a visible, sourced parameter (issue 10).

Two kinds of check: the model's code holds no number that changes behaviour (an AST scan), and
every parameter states how its sources bear on it, coherently, in the generated audit page.
"""

from __future__ import annotations

import ast
import importlib.util
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


def hidden_numbers(source: str) -> list[tuple[int, float]]:
    """(line, value) of each numeric literal outside the structural allow-list."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) \
                and node.value not in STRUCTURAL_NUMBERS:
            found.append((node.lineno, node.value))
    return found


def test_the_allow_list_is_short():
    assert len(STRUCTURAL_NUMBERS) <= 10


def test_the_scan_catches_a_hidden_number():
    code = "def rule(p, x):\n    return p.minsk.weight * x + 0.3 * x\n"
    assert hidden_numbers(code) == [(2, 0.3)]
    assert hidden_numbers("y = x[0] + 1 - 12 / 100\n") == []
    assert hidden_numbers("s = min(3.0, level)\n") == [(1, 3.0)]


@pytest.mark.parametrize("path", sorted(MODEL.rglob("*.py")), ids=lambda p: p.name)
def test_the_model_code_holds_no_hidden_numbers(path):
    found = hidden_numbers(path.read_text("utf-8"))
    assert not found, (f"{path.relative_to(ROOT)}: numbers that change behaviour must be "
                       f"parameters in params/default.yaml: {found}")


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
