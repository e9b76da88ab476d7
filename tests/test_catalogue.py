"""The facts catalogue and the outcome definitions: complete, consistent with the code, shown by
the command line, written in our own words, and the generated docs are current."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from unionsim.bibliography import nearest_ids
from unionsim.catalogue import facts as cat
from unionsim.catalogue.outcomes import BY_NAME, DEFINITIONS, definitions
from unionsim.config.params import default_parameters
from unionsim.model.outcomes import FLAGS, OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("UNIONSIM_SHARED", ROOT.parent / "shared"))


def cli(*args):
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


# --------------------------------------------------------------------------- the catalogue

def test_the_catalogue_has_every_id_of_the_index_with_its_documents():
    index = json.loads((ROOT / "src" / "unionsim" / "data" / "fact_index.json").read_text())
    catalogue = cat.catalogue()
    assert set(catalogue) == set(index)
    for fid, fact in catalogue.items():
        assert list(fact.documents) == index[fid], fid


def test_every_entry_is_described():
    for fact in cat.catalogue().values():
        assert fact.kind in cat.KINDS, fact.id
        assert fact.family and fact.section, fact.id
        assert 30 <= len(fact.text) <= 400, (fact.id, len(fact.text))
    kinds = {f.kind for f in cat.catalogue().values()}
    assert kinds == set(cat.KINDS)


def test_lookup_ignores_case_and_suggests_near_ids():
    assert cat.lookup("min-28").id == "MIN-28"
    assert cat.lookup("E5B").id == "E5b"
    assert cat.lookup("MIN-99") is None
    assert nearest_ids("MIN28")[0] == "MIN-28"
    assert nearest_ids("kre 16")[0] == "KRE-16"
    assert nearest_ids("SC11x")[0] == "SC11"
    assert nearest_ids("U13c")[0] == "U13"


def test_search_needs_every_word():
    airbase = {f.id for f in cat.search("airbase")}
    assert {"M25", "MIN-29", "SC10", "SIL-05"} <= airbase
    narrower = {f.id for f in cat.search(["AIRBASE", "hawks"])}
    assert narrower and narrower < airbase
    assert cat.search("airbase zzzunknownword") == []


# --------------------------------------------------------------------------- where ids are used

def test_every_cited_id_resolves_in_the_catalogue():
    uses = cat.usage_index()
    missing = {fid: [f"{u.kind} {u.name} ({u.location})" for u in us][:3]
               for fid, us in uses.items() if fid not in cat.catalogue()}
    assert not missing, f"cited ids missing from the catalogue: {missing}"


def test_the_usage_index_finds_every_kind_of_use():
    uses = cat.usage_index()
    kinds = {(u.kind, u.name) for u in uses["KRE-16"]}
    assert ("parameter", "kremlin.crisis_threshold") in kinds
    assert ("rule", "model.rules.kremlin.is_crisis") in kinds
    assert ("event type", "unrest") in kinds
    assert ("scenario", "colour_revolution") in kinds
    assert any(k == "claim" and n.startswith("V13 ") for k, n in kinds)
    assert ("event type", "airbase_demand") in {(u.kind, u.name) for u in uses["M25"]}
    # every parameter source is found, under the parameter that cites it
    for name, spec in default_parameters().specs.items():
        for source in spec.sources:
            for fid in source.facts:
                assert any(u.kind == "parameter" and u.name == name for u in uses[fid]), \
                    (name, fid)


def test_the_usage_index_is_built_from_the_code_at_run_time(tmp_path, monkeypatch):
    # a citation added to the parameter files shows up without editing any list
    from unionsim.config import params as params_module

    shipped = tmp_path / "params"
    shipped.mkdir()
    (shipped / "default.yaml").write_text((ROOT / "params" / "default.yaml").read_text("utf-8"))
    (shipped / "extra.yaml").write_text("title: extra\nposition:\n  facts: [MIN-28]\n"
                                        "values: {minsk.sovereignty_weight: 0.5}  # MIN-5\n")
    real = params_module.shipped_dir
    monkeypatch.setattr(params_module, "shipped_dir",
                        lambda kind: shipped if kind == "params" else real(kind))
    uses = cat.usage_index()
    assert ("parameter file", "extra") in {(u.kind, u.name) for u in uses["MIN-28"]}
    # a mistyped id is kept, so test_every_cited_id_resolves_in_the_catalogue would catch it
    assert "MIN-5" in uses and cat.lookup("MIN-5") is None


def test_every_shipped_scenario_cites_its_sources():
    import yaml

    from unionsim.config.scenario import shipped_scenarios

    for path in shipped_scenarios():
        data = yaml.safe_load(path.read_text("utf-8"))
        assert data.get("sources"), f"{path.name} has no sources"


# --------------------------------------------------------------------------- our own words

def _words(text):
    text = text.replace("\u2019", "'").replace("\u2011", "-")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def _runs(words, n=8):
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def copied_runs(paraphrase, source_text, n=8):
    """Runs of n consecutive words a paraphrase shares with a source text (case and punctuation
    ignored)."""
    return _runs(_words(paraphrase), n) & _runs(_words(source_text), n)


def test_the_copy_check_catches_a_copied_sentence():
    snippet = "Minsk has been demanding a compensation for several years"
    assert copied_runs(f"As noted, {snippet.lower()}, says the paper.", snippet)
    assert not copied_runs("For years Minsk has asked to be compensated.", snippet)


def _facts_sheet_rows():
    sheet = SHARED / "FACTS.md"
    if not sheet.exists():
        pytest.skip(f"{sheet} is not available here (set UNIONSIM_SHARED to the shared folder)")
    rows = {}
    for line in sheet.read_text("utf-8").splitlines():
        m = re.match(r"^\| (E\d+b?|U\d+b?|M\d+b?|P\d+|R\d+|L\d+b?|SC\d+|D\d+) \|", line) or \
            re.match(r"^\* \*\*([A-Z]{3}-\d+)", line)
        if m:
            rows[m.group(1)] = rows.get(m.group(1), "") + line
    return rows


def test_no_paraphrase_copies_its_facts_snippets():
    rows = _facts_sheet_rows()
    copied = {}
    for fid, fact in cat.catalogue().items():
        snippets = " ... ".join(re.findall(r"`([^`]*)`", rows[fid]))
        runs = copied_runs(fact.text, snippets) | copied_runs(fact.text, rows[fid])
        if runs:
            copied[fid] = " ".join(sorted(runs)[0])
    assert not copied, f"paraphrases sharing 8 words in a row with the facts sheet: {copied}"


def test_no_paraphrase_copies_the_source_documents():
    folder = SHARED / "sources"
    texts = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not texts:
        pytest.skip(f"{folder} is not available here (set UNIONSIM_SHARED to the shared folder)")
    source_runs = set()
    for path in texts:
        source_runs |= _runs(_words(path.read_text("utf-8")))
    copied = {fid: " ".join(sorted(_runs(_words(f.text)) & source_runs)[0])
              for fid, f in cat.catalogue().items() if _runs(_words(f.text)) & source_runs}
    assert not copied, f"paraphrases sharing 8 words in a row with a source: {copied}"


# --------------------------------------------------------------------------- command line

def test_facts_command_shows_the_claim_documents_and_uses():
    r = cli("facts", "MIN-28")
    assert r.returncode == 0, r.stderr
    assert "MIN-28: claim, minsk" in r.stdout
    assert cat.lookup("MIN-28").text.split(":")[0] in r.stdout.replace("\n  ", " ")
    assert "marin2020" in r.stdout and "The Union State of Belarus and Russia" in r.stdout
    assert "used by:" in r.stdout

    r = cli("facts", "kre-16")
    assert r.returncode == 0, r.stderr
    for expected in ("KRE-16: claim", "parameter", "kremlin.crisis_threshold",
                     "model.rules.kremlin.is_crisis", "colour_revolution", "V13 ",
                     "params/default.yaml:", "event type"):
        assert expected in r.stdout, expected


def test_facts_search_lists_matching_ids():
    r = cli("facts", "--search", "airbase")
    assert r.returncode == 0, r.stderr
    listed = {line.split()[0] for line in r.stdout.splitlines()[:-1]}
    assert {"M25", "MIN-29", "SC10", "SIL-05"} <= listed
    assert listed == {f.id for f in cat.search("airbase")}
    assert f"{len(listed)} ids match 'airbase'" in r.stdout


def test_an_unknown_id_names_the_nearest_and_the_search_command():
    r = cli("facts", "MIN28")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "'MIN28' is not a FACTS id" in r.stderr
    assert "did you mean MIN-28" in r.stderr and "unionsim facts --search" in r.stderr


def test_help_gives_an_example():
    for command in ("facts", "outcomes"):
        r = cli(command, "--help")
        assert r.returncode == 0 and "Example: unionsim" in r.stdout, command


def test_outcomes_command_defines_every_outcome_and_flag_with_values():
    r = cli("outcomes")
    assert r.returncode == 0, r.stderr
    for name in (*OUTCOMES, *FLAGS):
        assert re.search(rf"(\d\. |- ){name}\n", r.stdout), name
    values = default_parameters().values
    assert f"outcomes.implemented_share = {values['outcomes.implemented_share']:g}" in r.stdout
    assert f"kremlin.crisis_threshold = {values['kremlin.crisis_threshold']:g}" in r.stdout
    # outcomes are listed in the order classify() tests them
    positions = [r.stdout.index(f". {name}\n") for name in OUTCOMES]
    assert positions == sorted(positions)


# --------------------------------------------------------------------------- outcome definitions

def test_every_outcome_and_flag_has_one_definition():
    names = [d.name for d in DEFINITIONS]
    assert len(names) == len(set(names))
    assert [d.name for d in definitions("outcome")] == list(OUTCOMES)
    assert {d.name for d in definitions("flag")} == set(FLAGS)


def test_every_named_parameter_and_fact_exists():
    specs = default_parameters().specs
    for d in DEFINITIONS:
        assert d.kind in ("outcome", "flag")
        assert len(d.rule) >= 20 and len(d.reading) >= 10, d.name
        assert d.facts, f"{d.name} gives no documents' reading"
        for name in d.parameters:
            assert name in specs, f"{d.name}: unknown parameter {name}"
        for fid in d.facts:
            assert cat.lookup(fid), f"{d.name}: unknown FACTS id {fid}"


def test_the_thresholds_classify_uses_are_named():
    # the parameters classify() and run_flags() read are in the definitions that use them
    assert "outcomes.late_signing_months" in BY_NAME["symbolic_integration"].parameters
    assert "outcomes.dependence_loans_min" in BY_NAME["dependence"].parameters
    assert "outcomes.rupture_trust_max" in BY_NAME["rupture"].parameters
    assert "outcomes.implemented_share" in BY_NAME["economic_integration"].parameters
    assert "public.mass_protest_share" in BY_NAME["mass_protests"].parameters
    assert "kremlin.crisis_threshold" in BY_NAME["ukraine_like_protests"].parameters


# --------------------------------------------------------------------------- generated docs

def test_docs_facts_and_readme_outcomes_are_current():
    spec = importlib.util.spec_from_file_location("update_facts_doc",
                                                  ROOT / "scripts" / "update_facts_doc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (ROOT / "docs" / "facts.md").read_text("utf-8") == mod.facts_doc(), \
        "run: python scripts/update_facts_doc.py"
    readme = (ROOT / "README.md").read_text("utf-8")
    assert mod.render_readme(readme) == readme, "run: python scripts/update_facts_doc.py"
    for d in DEFINITIONS:
        assert d.name in readme
