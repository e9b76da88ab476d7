"""The adversarial corpus: generated bad inputs, each with the command that must refuse it.

A case is a kind, an id, a function that lays its inputs into a scratch "world" folder and
returns the command line, the results folder the command may write to (everything else in the
world must stay untouched) and a fragment the error message must contain (the file, folder or
option it is about). Used by ``tests/test_adversarial.py``; ``python tests/adversarial/corpus.py``
prints the counts per kind.
"""

from __future__ import annotations

import os
import random
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

SCENARIO = textwrap.dedent("""\
    name: adversary
    title: A valid scenario the corpus breaks
    description: Every construct of the scenario language, valid.
    start: 2020-01
    horizon: 24
    sources:
      - {doc: marin2020, facts: [L6, U13]}
    sampler: lhs
    overrides:
      minsk.economy_weight: 0.6
    uncertainty:
      minsk.sovereignty_weight: {dist: uniform, low: 0.5, high: 0.9}
      putin.reactivity: {dist: normal, mean: 0.35, sd: 0.05}
      public.prorussian_mobilisation: {dist: triangular, low: 0.0, mode: 0.1, high: 0.4}
      kremlin.cut_step: {dist: beta, a: 2, b: 5, low: 0.2, high: 0.8}
      minsk.max_extensions: {dist: choice, values: [0, 1, 2], weights: [0.2, 0.3, 0.5]}
    paths:
      tension: [[2020-01, 0.5], [2021-06, 0.7]]
    events:
      - {id: round, month: 2020-02, type: roadmap_round, roadmaps: 28, deadline: 2020-11}
      - {month: 2020-08, type: election, kind: presidential}
      - {month: 2021-01, type: tax_manoeuvre_step, cut_bn: 0.35}
    triggers:
      - id: t1
        when:
          all:
            - {variable: protest_share, above: 0.05}
          for_months: 2
        window: [2020-03, 2021-10]
        then: {type: unrest, kind: economic, months: 3}
    """)

RUN = ["--runs", "2", "--executor", "serial", "--out", "res"]


@dataclass(frozen=True)
class Case:
    kind: str
    id: str
    setup: Callable[[Path], list[str]]  # lays inputs into the world; returns the arguments
    results: str | None = "res"         # the folder the command may write (relative to world)
    expect: str = ""                    # a fragment the message must contain

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


# --------------------------------------------------------------------------- special files

def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def write_special(world: Path, name: str, how: str) -> Path:
    """A file named ``name`` of a hostile kind (``how``)."""
    f = world / name
    if how == "bomb":
        f.write_text(alias_bomb())
    elif how == "deep-flow":
        f.write_text("[" * 1000 + "]" * 1000 + "\n")
    elif how == "deep-block":
        f.write_text("".join(" " * i + "k:\n" for i in range(600)))
    elif how == "fifo":
        os.mkfifo(f)
    elif how == "dev-zero":
        return Path("/dev/zero")
    elif how == "directory":
        f.mkdir()
    elif how == "binary":
        f.write_bytes(random.Random(7).randbytes(3000))
    elif how == "latin1":
        f.write_bytes("name: caf\xe9\n".encode("latin-1"))
    elif how == "huge":
        with open(f, "wb") as fh:  # sparse: nothing is really written
            fh.truncate(64 * 1024 * 1024)
    elif how == "empty":
        f.write_text("")
    elif how == "list":
        f.write_text("- a\n- b\n")
    elif how == "scalar":
        f.write_text("just words\n")
    elif how == "tabs":
        f.write_text("name: x\n\ttitle: y\n")
    elif how == "many-aliases":
        f.write_text("a: &a 1\nb: [" + ", ".join(["*a"] * 5000) + "]\n")
    elif how == "merge-key":
        f.write_text("base: &b {x: 1}\nother:\n  <<: *b\n")
    elif how == "huge-int":
        f.write_text("horizon: " + "9" * 5000 + "\n")
    elif how == "missing":
        pass
    else:  # pragma: no cover
        raise ValueError(how)
    return Path(name) if how != "dev-zero" else f
    # (paths are given relative to the world, which is the working directory)


SPECIALS = ["bomb", "deep-flow", "deep-block", "fifo", "dev-zero", "directory", "binary",
            "latin1", "huge", "empty", "list", "scalar", "tabs", "many-aliases", "merge-key",
            "huge-int", "missing"]


# --------------------------------------------------------------------------- scenario files

_NUMBER = re.compile(r"(?<![\w.\-])\d+(?:\.\d+)?(?![\w.\-])")


def scenario_mutations() -> list[tuple[str, str]]:
    """(id, text): every number of the valid scenario made non-finite, plus broken rules."""
    out = []
    for k, m in enumerate(_NUMBER.finditer(SCENARIO)):
        line = SCENARIO.count("\n", 0, m.start()) + 1
        for bad in (".nan", ".inf", "-.inf"):
            text = SCENARIO[:m.start()] + bad + SCENARIO[m.end():]
            out.append((f"number{k}-line{line}-{bad.strip('.-') + ('-neg' if bad[0] == '-' else '')}",
                        text))

    def sub(old: str, new: str) -> str:
        assert old in SCENARIO, old
        return SCENARIO.replace(old, new, 1)

    out += [
        ("window-reversed", sub("window: [2020-03, 2021-10]", "window: [2021-10, 2020-03]")),
        ("window-outside", sub("window: [2020-03, 2021-10]", "window: [2020-03, 2031-10]")),
        ("window-three", sub("window: [2020-03, 2021-10]", "window: [2020-03, 2020-04, 2020-05]")),
        ("path-before-start", sub("[[2020-01, 0.5]", "[[2019-01, 0.5]")),
        ("path-after-end", sub("[2021-06, 0.7]", "[2029-06, 0.7]")),
        ("path-unordered", sub("[[2020-01, 0.5], [2021-06, 0.7]]",
                               "[[2021-06, 0.7], [2020-01, 0.5]]")),
        ("weights-huge", sub("weights: [0.2, 0.3, 0.5]", "weights: [1e308, 1e308, 1e308]")),
        ("weights-negative", sub("weights: [0.2, 0.3, 0.5]", "weights: [-1, 1, 1]")),
        ("sd-zero", sub("sd: 0.05", "sd: 0")),
        ("beta-a-zero", sub("a: 2,", "a: 0,")),
        ("uniform-reversed", sub("low: 0.5, high: 0.9", "low: 0.9, high: 0.5")),
        ("mode-outside", sub("mode: 0.1", "mode: 0.9")),
        ("deadline-before", sub("deadline: 2020-11", "deadline: 2020-01")),
        ("event-outside", sub("month: 2020-08", "month: 2030-08")),
        ("month-13", sub("month: 2020-08", "month: 2020-13")),
        ("horizon-zero", sub("horizon: 24", "horizon: 0")),
        ("horizon-huge", sub("horizon: 24", "horizon: 100000")),
        ("unknown-key", sub("sampler: lhs", "sampler: lhs\nsamplr: mc")),
        ("unknown-event", sub("type: election", "type: elektion")),
        ("unknown-variable", sub("variable: protest_share", "variable: protest_shar")),
        ("unknown-parameter", sub("minsk.economy_weight: 0.6", "minsk.economy_weigt: 0.6")),
        ("override-out-of-range", sub("minsk.economy_weight: 0.6", "minsk.economy_weight: 7")),
        ("duplicate-key", sub("sampler: lhs", "sampler: lhs\nsampler: mc")),
        ("extends-missing", sub("sampler: lhs", "sampler: lhs\nextends: no_such_scenario")),
        ("extends-self", sub("sampler: lhs", "sampler: lhs\nextends: s.yaml")),
        ("string-number", sub("horizon: 24", "horizon: twenty")),
        # a scenario may omit sources (a warning); sources of the wrong shape are an error
        ("sources-not-a-list", sub("sources:\n  - {doc: marin2020, facts: [L6, U13]}\n",
                                   "sources: 7\n")),
        ("unknown-source", sub("doc: marin2020", "doc: marin2099")),
        ("both-overridden-and-uncertain", sub("minsk.economy_weight: 0.6",
                                              "putin.reactivity: 0.3")),
    ]
    return out


def scenario_cases() -> list[Case]:
    cases = []
    for ident, text in scenario_mutations():
        def setup(world: Path, text=text) -> Path:
            (world / "s.yaml").write_text(text)
            return Path("s.yaml")
        cases.append(Case("scenario file (validate)", ident,
                          lambda w, s=setup: ["validate", str(s(w))], None, "s.yaml"))
        cases.append(Case("scenario file (run)", ident,
                          lambda w, s=setup: ["run", str(s(w)), *RUN], "res", "s.yaml"))
    for how in SPECIALS:
        expect = "/dev/zero" if how == "dev-zero" else "s.yaml"
        cases.append(Case("scenario file (validate)", f"special-{how}",
                          lambda w, h=how: ["validate", str(write_special(w, "s.yaml", h))],
                          None, expect))
        cases.append(Case("scenario file (run)", f"special-{how}",
                          lambda w, h=how: ["run", str(write_special(w, "s.yaml", h)), *RUN],
                          "res", expect))
    return cases


# --------------------------------------------------------------------------- parameter files

PARAM_NAMES = ["putin.reactivity", "minsk.sovereignty_weight", "minsk.max_extensions"]
PARAM_VALUES = [".nan", ".inf", "-.inf", "-5", "1e9", "abc", "[1]", "{a: 1}", "true", "null"]


def parameter_cases() -> list[Case]:
    texts = [(f"{name}={value}", f"values:\n  {name}: {value}\n")
             for name in PARAM_NAMES for value in PARAM_VALUES]
    texts += [("typo-reactivty", "values:\n  putin.reactivty: 0.3\n"),
              ("unknown-group", "values:\n  nobody.nothing: 0.3\n"),
              ("values-scalar", "values: 3\n"),
              ("values-list", "values: [0.1, 0.2]\n"),
              ("unknown-top-key", "valuez:\n  putin.reactivity: 0.3\n"),
              ("nested-values", "values:\n  putin:\n    reactivity: 0.3\n")]
    cases = []
    for ident, text in texts:
        def setup(world: Path, text=text) -> Path:
            (world / "p.yaml").write_text(text)
            return Path("p.yaml")
        cases.append(Case("parameter file (validate)", ident,
                          lambda w, s=setup: ["validate", str(s(w))], None, "p.yaml"))
        cases.append(Case("parameter file (run --params)", ident,
                          lambda w, s=setup: ["run", "baseline", "--params", str(s(w)), *RUN],
                          "res", "p.yaml"))
    for how in SPECIALS:
        expect = "/dev/zero" if how == "dev-zero" else "p.yaml"
        cases.append(Case("parameter file (run --params)", f"special-{how}",
                          lambda w, h=how: ["run", "baseline", "--params",
                                            str(write_special(w, "p.yaml", h)), *RUN],
                          "res", expect))
        cases.append(Case("parameter file (params --params)", f"special-{how}",
                          lambda w, h=how: ["params", "putin", "--params",
                                            str(write_special(w, "p.yaml", h))],
                          None, expect))
    return cases


# --------------------------------------------------------------------------- CLI arguments

def _file(world: Path, name: str, text: str = "x\n") -> str:
    (world / name).write_text(text)
    return name


def _user_folder(world: Path) -> str:
    d = world / "thesis"
    d.mkdir()
    (d / "thesis.tex").write_text("\\documentclass{article}\n")
    (d / "figures").mkdir()
    (d / "figures" / "f.txt").write_text("keep me\n")
    return "thesis"


def cli_cases() -> list[Case]:
    run = ["run", "baseline", "--executor", "serial", "--runs", "2"]
    c = [
        ("runs-zero", lambda w: [*run, "--runs", "0", "--out", "res"], "runs"),
        ("runs-negative", lambda w: [*run, "--runs", "-3", "--out", "res"], "runs"),
        ("runs-huge", lambda w: [*run, "--runs", "1000000000000", "--out", "res"], "runs"),
        ("runs-just-over-cap", lambda w: [*run, "--runs", "1000001", "--out", "res"], "runs"),
        ("runs-not-a-number", lambda w: [*run, "--runs", "many", "--out", "res"], "--runs"),
        ("seed-negative", lambda w: [*run, "--seed", "-5", "--out", "res"], "seed"),
        ("workers-zero", lambda w: ["run", "baseline", "-n", "2", "--workers", "0", "--out",
                                    "res"], "workers"),
        ("serial-with-workers", lambda w: [*run, "--workers", "3", "--out", "res"], "workers"),
        ("executor-unknown", lambda w: ["run", "baseline", "-n", "2", "--executor", "gpu",
                                        "--out", "res"], "executor"),
        ("scheduler-without-dask", lambda w: [*run, "--scheduler", "tcp://127.0.0.1:1", "--out",
                                              "res"], "scheduler"),
        ("scheduler-not-an-address", lambda w: ["run", "baseline", "-n", "2", "--executor",
                                                "dask", "--scheduler", "notanaddress", "--out",
                                                "res"], "scheduler"),
        ("scheduler-with-workers", lambda w: ["run", "baseline", "-n", "2", "--executor", "dask",
                                              "--scheduler", "tcp://127.0.0.1:1", "--workers",
                                              "2", "--out", "res"], "workers"),
        ("sampler-unknown", lambda w: [*run, "--sampler", "sobol", "--out", "res"], "sampler"),
        ("stall-timeout-zero", lambda w: [*run, "--stall-timeout", "0", "--out", "res"],
         "stall"),
        ("stall-timeout-nan", lambda w: [*run, "--stall-timeout", "nan", "--out", "res"],
         "stall"),
        ("set-unknown", lambda w: [*run, "--set", "putin.reactivty=0.3", "--out", "res"],
         "putin.reactivty"),
        ("set-out-of-range", lambda w: [*run, "--set", "putin.reactivity=9", "--out", "res"],
         "putin.reactivity"),
        ("set-nan", lambda w: [*run, "--set", "putin.reactivity=nan", "--out", "res"],
         "putin.reactivity"),
        ("set-no-equals", lambda w: [*run, "--set", "putin.reactivity", "--out", "res"],
         "putin.reactivity"),
        ("scenario-typo", lambda w: ["run", "baselin", "-n", "2", "--executor", "serial",
                                     "--out", "res"], "baseline"),
        ("params-missing", lambda w: [*run, "--params", "nowhere.yaml", "--out", "res"],
         "nowhere.yaml"),
        ("out-empty", lambda w: [*run, "--out", "", "--force"], "out"),
        ("out-dot", lambda w: [*run, "--out", ".", "--force"], "out"),
        # never with --force: were the check ever lost, force would delete the whole disk
        ("out-root", lambda w: [*run, "--out", "/"], "out"),
        ("out-parent", lambda w: [*run, "--out", "..", "--force"], "out"),
        ("out-home", lambda w: [*run, "--out", str(w / "home"), "--force"], "out"),
        # HOME points into the scratch world while a case runs, so this is never the real home
        ("out-home-tilde", lambda w: [*run, "--out", str(w / "home"), "--force"], "out"),
        ("out-is-file", lambda w: [*run, "--out", _file(w, "notes.txt")], "notes.txt"),
        ("out-is-file-force", lambda w: [*run, "--out", _file(w, "notes.txt"), "--force"],
         "notes.txt"),
        ("out-under-file", lambda w: [*run, "--out", _file(w, "notes.txt") + "/res"],
         "notes.txt"),
        ("out-user-folder", lambda w: [*run, "--out", _user_folder(w)], "thesis"),
        ("out-user-folder-force", lambda w: [*run, "--out", _user_folder(w), "--force"],
         "thesis"),
        ("out-user-folder-resume", lambda w: [*run, "--out", _user_folder(w), "--resume"],
         "thesis"),
        ("force-and-resume", lambda w: [*run, "--out", "res", "--force", "--resume"], "resume"),
        ("resume-without-out", lambda w: [*run, "--resume"], "out"),
        ("trace-seed-negative", lambda w: ["trace", "baseline", "--seed", "-5"], "seed"),
        ("trace-run-negative", lambda w: ["trace", "--results", "res", "--run", "-1"], "run"),
        ("trace-nothing", lambda w: ["trace"], "scenario"),
        ("trace-results-and-scenario", lambda w: ["trace", "baseline", "--results", "res"],
         "results"),
        ("schema-out-dir", lambda w: ["schema", "--out", _user_folder(w)], "out"),
        ("schema-out-dot", lambda w: ["schema", "--out", "."], "out"),
        ("check-runs-zero", lambda w: ["check", "--runs", "0"], "runs"),
        ("check-runs-huge", lambda w: ["check", "--runs", "99999999"], "runs"),
        ("check-only-unknown", lambda w: ["check", "--only", "V99"], "only"),
        ("check-seed-negative", lambda w: ["check", "--seed", "-1"], "seed"),
        ("check-seeds-garbage", lambda w: ["check", "--seeds", "2026,x"], "seeds"),
        ("check-seeds-negative", lambda w: ["check", "--seeds", "2026,-7"], "seed"),
        ("check-prior-and-posterior", lambda w: ["check", "--prior", "--posterior", "p.parquet"],
         "posterior"),
        ("sensitivity-n-zero", lambda w: ["sensitivity", "baseline", "--n", "0", "--out", "res"],
         "n"),
        ("sensitivity-repeats-zero", lambda w: ["sensitivity", "baseline", "--repeats", "0",
                                                "--out", "res"], "repeats"),
        ("params-unknown", lambda w: ["params", "putin.reactivty"], "putin.reactivty"),
        ("validate-missing", lambda w: ["validate", "nowhere.yaml"], "nowhere.yaml"),
        ("plot-missing-folder", lambda w: ["plot", "nowhere"], "nowhere"),
        ("plot-user-folder", lambda w: ["plot", _user_folder(w)], "thesis"),
        ("report-missing-folder", lambda w: ["report", "nowhere"], "nowhere"),
        ("compare-missing-folders", lambda w: ["compare", "nowhere", "elsewhere"], "nowhere"),
        ("discover-missing-folder", lambda w: ["discover", "nowhere", "--outcome", "x"],
         "nowhere"),
        ("unknown-command", lambda w: ["rn", "baseline"], "rn"),
        ("unknown-option", lambda w: ["run", "baseline", "--rnus", "3"], "--rnus"),
    ]
    return [Case("CLI argument", ident, setup, "res", expect) for ident, setup, expect in c]


# --------------------------------------------------------------------------- damaged folders

def _damage(folder: Path, how: str) -> None:
    import json

    import pandas as pd

    outcomes, manifest = folder / "outcomes.parquet", folder / "manifest.json"
    rng = random.Random(how)
    if how == "outcomes-truncated":
        outcomes.write_bytes(outcomes.read_bytes()[: outcomes.stat().st_size // 2])
    elif how == "outcomes-random":
        outcomes.write_bytes(rng.randbytes(4000))
    elif how == "outcomes-0-byte":
        outcomes.write_bytes(b"")
    elif how == "outcomes-deleted":
        outcomes.unlink()
    elif how == "outcomes-a-folder":
        outcomes.unlink()
        outcomes.mkdir()
    elif how == "outcomes-zero-rows":
        df = pd.read_parquet(outcomes)
        df.iloc[0:0].to_parquet(outcomes)
    elif how == "outcomes-all-failed":
        df = pd.read_parquet(outcomes)
        df["status"], df["error"], df["outcome"] = "failed", "ModelError: boom", None
        df.to_parquet(outcomes)
    elif how == "outcomes-all-failed-no-outcome-column":
        df = pd.read_parquet(outcomes)
        df["status"], df["error"] = "failed", "ModelError: boom"
        df.drop(columns=["outcome"]).to_parquet(outcomes)
    elif how == "outcomes-no-run-column":
        pd.read_parquet(outcomes).drop(columns=["run"]).to_parquet(outcomes)
    elif how == "outcomes-foreign-table":
        pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(outcomes)
    elif how == "manifest-random":
        manifest.write_bytes(rng.randbytes(500))
    elif how == "manifest-a-list":
        manifest.write_text("[1, 2, 3]\n")
    elif how == "manifest-lacks-scenario":
        data = json.loads(manifest.read_text())
        del data["scenario"]
        manifest.write_text(json.dumps(data))
    elif how == "manifest-scenario-not-a-mapping":
        data = json.loads(manifest.read_text())
        data["scenario"] = 3
        manifest.write_text(json.dumps(data))
    elif how == "manifest-empty-object":
        manifest.write_text("{}\n")
    elif how == "manifest-0-byte":
        manifest.write_bytes(b"")
    elif how == "manifest-deleted":
        manifest.unlink()
    elif how == "manifest-truncated":
        manifest.write_bytes(manifest.read_bytes()[:200])
    elif how == "manifest-status-running":
        data = json.loads(manifest.read_text())
        data["status"] = "running"
        manifest.write_text(json.dumps(data))
    elif how == "timeseries-random":
        (folder / "timeseries.parquet").write_bytes(rng.randbytes(3000))
    elif how == "folder-is-a-file":
        import shutil

        shutil.rmtree(folder)
        folder.write_text("not a folder\n")
    elif how == "folder-missing":
        import shutil

        shutil.rmtree(folder)
    else:  # pragma: no cover
        raise ValueError(how)


DAMAGES = ["outcomes-truncated", "outcomes-random", "outcomes-0-byte", "outcomes-deleted",
           "outcomes-a-folder", "outcomes-zero-rows", "outcomes-all-failed",
           "outcomes-all-failed-no-outcome-column", "outcomes-no-run-column",
           "outcomes-foreign-table", "manifest-random", "manifest-a-list",
           "manifest-lacks-scenario", "manifest-scenario-not-a-mapping", "manifest-empty-object",
           "manifest-0-byte", "manifest-deleted", "manifest-truncated", "manifest-status-running",
           "timeseries-random", "folder-is-a-file", "folder-missing"]

# which commands read what: a damage only counts against the commands that read the damaged file
COMMANDS = {
    "plot": lambda: ["plot", "bad"],
    "report": lambda: ["report", "bad"],
    "compare": lambda: ["compare", "good", "bad", "--out", "bad/cmp"],
    "discover": lambda: ["discover", "bad", "--outcome", "economic_integration"],
    "trace": lambda: ["trace", "--results", "bad", "--run", "0"],
    "resume": lambda: ["run", "baseline", "-n", "12", "--seed", "1", "--executor", "serial",
                       "--out", "bad", "--resume"],
}
NOT_READ = {  # (damage, command) pairs where the command does not read the damaged part
    ("timeseries-random", "discover"), ("timeseries-random", "trace"),
    ("manifest-status-running", "trace"), ("manifest-status-running", "resume"),
    # replaying a failed run is how one debugs it: trace shows it and says it differs
    ("outcomes-all-failed", "trace"), ("outcomes-all-failed-no-outcome-column", "trace"),
    ("outcomes-zero-rows", "resume"),
    ("outcomes-all-failed", "resume"), ("outcomes-all-failed-no-outcome-column", "resume"),
    ("outcomes-no-run-column", "resume"), ("outcomes-foreign-table", "resume"),
    ("timeseries-random", "resume"), ("outcomes-truncated", "resume"),
    ("outcomes-random", "resume"), ("outcomes-0-byte", "resume"),
    ("outcomes-deleted", "resume"), ("outcomes-a-folder", "resume"),
    ("folder-missing", "resume"),
}


def folder_cases(make_good: Callable[[Path], None]) -> list[Case]:
    cases = []
    for how in DAMAGES:
        for command, args in COMMANDS.items():
            if (how, command) in NOT_READ:
                continue

            def setup(world: Path, how=how, args=args) -> list[str]:
                make_good(world / "good")
                make_good(world / "bad")
                _damage(world / "bad", how)
                return args()
            cases.append(Case(f"damaged results folder ({command})", how, setup, "bad", "bad"))
    return cases


def all_cases(make_good: Callable[[Path], None]) -> list[Case]:
    return [*scenario_cases(), *parameter_cases(), *cli_cases(), *folder_cases(make_good)]


if __name__ == "__main__":  # pragma: no cover
    from collections import Counter

    counts = Counter(c.kind for c in all_cases(lambda p: None))
    for kind, n in sorted(counts.items()):
        print(f"{n:4d}  {kind}")
    print(f"{sum(counts.values()):4d}  in all")
