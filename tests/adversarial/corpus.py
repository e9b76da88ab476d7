"""The adversarial corpus: generated bad inputs, each with the command that must refuse it.

A case is a kind, an id, a function that lays its inputs into a scratch "world" folder and
returns the command line, the results folder the command may write to (everything else in the
world must stay untouched) and a fragment the error message must contain (the file, folder or
option it is about). A few cases are what the command is right to accept (``code=0``: a ``~``
that names the home folder, leftovers of a killed batch, huge but equal weights): there the
fragment is one of the command's output. Cases that run a batch, a fit or a report are in the slow
tier. Used by ``tests/test_adversarial.py``; ``python tests/adversarial/corpus.py``
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
    code: int = 2                       # the exit code: 2 (refused) or 0 (right to succeed)
    slow: bool = False                  # runs a batch, a fit or a report: in the slow tier

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


# --------------------------------------------------------------------------- the write guard
#
# One guard for every command that writes: links planted where a command writes, reads for
# deletion or resumes; locks that are links, hard links or pipes; `~`; folders of another kind;
# files the user named for calibrate, report and check that are not unionsim's; damaged fit
# folders and posteriors; arguments that used to end in a traceback. Every link points at the
# user's files in the world (thesis.tex, notes/) or at a name that must not appear (gone.txt):
# the snapshot of everything outside the results folder proves nothing was followed.

HELD: list[int] = []  # lock files a case holds while its command runs (closed after the case)


def hold_lock(folder: Path) -> None:
    """Hold ``folder``'s lock as another unionsim process would (a second open file: flock
    refuses it even within one process)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".unionsim.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.pwrite(fd, b"4242\n", 0)
    HELD.append(fd)


def release_held() -> None:
    while HELD:
        os.close(HELD.pop())


def _interrupted(folder: Path, make_good: Callable[[Path], None]) -> None:
    """A good 12-run folder turned back into an interrupted batch: status running, the final
    files back in parts/ (so --resume finishes it without running anything)."""
    import json

    make_good(folder)
    m = json.loads((folder / "manifest.json").read_text())
    m["status"] = "running"
    (folder / "manifest.json").write_text(json.dumps(m))
    (folder / "parts").mkdir()
    for name, kind in (("outcomes", "outcomes"), ("timeseries", "ts"), ("decisions", "decisions")):
        (folder / f"{name}.parquet").rename(folder / "parts" / f"part-0000000-0000011.{kind}.parquet")


RESUME_GOOD = ["run", "baseline", "-n", "12", "--seed", "1", "--executor", "serial", "--out"]


def _swap(path: Path, how: str, world: Path) -> None:
    """Replace ``path`` (which may not exist yet) by a hostile entry: a link to the user's file
    or folder, a dangling link whose target must never appear, a hard link, a named pipe."""
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if how == "link-file":
        os.symlink(world / "thesis.tex", path)
    elif how == "link-dir":
        os.symlink(world / "notes", path)
    elif how == "link-dangling":
        os.symlink(world / "gone.txt", path)
    elif how == "link-relative":
        os.symlink(os.path.relpath(world / "thesis.tex", path.parent), path)
    elif how == "hardlink":
        os.link(world / "thesis.tex", path)
    elif how == "fifo":
        os.mkfifo(path)
    else:  # pragma: no cover
        raise ValueError(how)


LINKS = ["link-file", "link-dir", "link-dangling", "link-relative"]


def link_cases(make_good: Callable[[Path], None]) -> list[Case]:
    """Links (and hard links, pipes) where a command writes, deletes or resumes."""
    cases = []
    # (command, entry inside the results folder 'res', how the folder is made, arguments)
    places = [
        ("plot", "plots", "good", ["plot", "res"]),
        ("plot", "plots/outcomes.png", "good-plotted", ["plot", "res"]),
        ("report", "report.html", "good", ["report", "res"]),
        ("discover", "discovery", "good", ["discover", "res", "--outcome", "dependence"]),
        ("discover", "discovery/dependence.png", "good-discovered",
         ["discover", "res", "--outcome", "dependence"]),
        ("compare", "compare", "good", ["compare", "res", "res"]),
        ("resume", "parts", "interrupted", [*RESUME_GOOD, "res", "--resume"]),
        ("resume", "parts/part-0000000-0000011.outcomes.parquet", "interrupted",
         [*RESUME_GOOD, "res", "--resume"]),
        ("resume", "parts/.part-0000000-0000011.ts.parquet.tmp-1", "interrupted",
         [*RESUME_GOOD, "res", "--resume"]),
        ("resume", "manifest.json", "interrupted", [*RESUME_GOOD, "res", "--resume"]),
        ("force", "plots", "good-plotted", [*RESUME_GOOD, "res", "--force"]),
        ("force", "outcomes.parquet", "good", [*RESUME_GOOD, "res", "--force"]),
        ("force", "parts", "interrupted", [*RESUME_GOOD, "res", "--force"]),
        ("force", ".manifest.json.tmp-77", "good", [*RESUME_GOOD, "res", "--force"]),
        ("run", ".unionsim.lock", "new", ["run", "baseline", *RUN[:-2], "--out", "res"]),
        ("resume", ".unionsim.lock", "interrupted", [*RESUME_GOOD, "res", "--resume"]),
        ("force", ".unionsim.lock", "good", [*RESUME_GOOD, "res", "--force"]),
    ]

    def make(world: Path, state: str) -> None:
        res = world / "res"
        if state == "new":
            res.mkdir()
        elif state == "interrupted":
            _interrupted(res, make_good)
        else:
            make_good(res)
            if state == "good-plotted":
                (res / "plots").mkdir()
                (res / "plots" / "outcomes.png").write_bytes(b"\x89PNG\r\n\x1a\n")
            if state == "good-discovered":
                (res / "discovery").mkdir()
    for command, entry, state, args in places:
        hows = LINKS + (["hardlink", "fifo"] if entry == ".unionsim.lock" else [])
        for how in hows:
            def setup(world: Path, entry=entry, state=state, args=args, how=how) -> list[str]:
                make(world, state)
                _swap(world / "res" / entry, how, world)
                return list(args)
            expect = Path(entry).name if how not in ("hardlink", "fifo") else ".unionsim.lock"
            # writing a report draws every figure: seconds a case, so the slow tier
            cases.append(Case(f"links ({command})", f"{entry}-{how}", setup, "res", expect,
                              slow=command == "report"))
    # the folder itself, given through a link, is the user's choice: it is written where it
    # leads, but a link to a file or to nowhere is refused
    run_into_link = ["run", "baseline", *RUN[:-2], "--out", "res"]
    for ident, target, force, expect in (("out-link-dangling", "gone", False, "res"),
                                         ("out-link-to-file", "thesis.tex", False, "res"),
                                         ("out-link-to-home", "home", True, "home"),
                                         ("out-link-to-user-folder", "notes", True,
                                          "did not write")):
        def setup(world: Path, target=target, force=force) -> list[str]:
            os.symlink(world / target, world / "res")
            return run_into_link + (["--force"] if force else [])
        cases.append(Case("links (run)", ident, setup, None, expect))
    return cases


def tilde_cases(make_good: Callable[[Path], None]) -> list[Case]:
    """``~`` means the home folder to every command, as it does to the shell."""
    run = ["run", "baseline", "-n", "2", "--executor", "serial"]
    return [
        Case("tilde", "run-out-tilde", lambda w: [*run, "--out=~/res"], "home/res", "home/res",
             code=0),
        Case("tilde", "resume-out-tilde", lambda w: (_interrupted(w / "home" / "res", make_good),
                                                     0)[1] or
             [*RESUME_GOOD, "~/res", "--resume"], "home/res", "home/res", code=0),
        Case("tilde", "plot-out-tilde", lambda w: (make_good(w / "good"), 0)[1] or
             ["plot", "good", "--out", "~/figs"], "home/figs", "home/figs", code=0, slow=True),
        Case("tilde", "check-cache-tilde", lambda w: [
            "check", "--only", "V01", "--runs", "2", "--seed", "1", "--no-history",
            "--no-alternatives", "--cache=~/checks"], "home/checks", "1 of 1 claims pass",
             code=0, slow=True),
        Case("tilde", "run-out-tilde-home-itself", lambda w: [*run, "--out", "~", "--force"],
             None, "home folder"),
        Case("tilde", "run-out-tilde-unknown-user", lambda w: [*run, "--out",
                                                               "~nosuchuser_h21/res"],
             None, "home folder"),
        Case("tilde", "calibrate-out-tilde-home", lambda w: ["calibrate", "--quick", "--out", "~",
                                                             "--force"], None, "home folder"),
        Case("tilde", "report-out-tilde-user-file", lambda w: (
            make_good(w / "good"), (w / "home" / "r.html").write_text("<p>mine</p>"))[0] or
            ["report", "good", "--out", "~/r.html"], None, "r.html"),
    ]


def _user_fit_folder(world: Path) -> str:
    """A folder of the user's own pyabc work, with names like a fit's."""
    d = world / "mywork"
    d.mkdir()
    (d / "abc.db").write_bytes(b"SQLite format 3\x00 my own fit")
    (d / "calibration.md").write_text("# my notes on the fit\n")
    (d / "posterior.json").write_text('{"mine": true}\n')
    (d / "figures").mkdir()
    (d / "figures" / "calibration_targets.png").write_bytes(b"\x89PNG\r\n\x1a\nmine")
    return "mywork"


def fake_fit(folder: Path, seed: int = 3, fit_id: str = "ab" * 8, *, marker: bool = True,
             database: bool = True) -> None:
    """A fit folder as `calibrate --quick --seed SEED` leaves it, with a small stand-in for
    pyabc's database (its table of fits and the fit id): enough for every check made before
    pyabc reads it."""
    import json
    import sqlite3

    from unionsim.calibration.fit import PRESETS, fit_manifest
    from unionsim.calibration.screening import top_parameters
    from unionsim.config.targets import load_targets

    settings = PRESETS["quick"]
    manifest = fit_manifest(settings, seed, top_parameters(settings.n_parameters),
                            load_targets())
    manifest.update(database={"fit_id": fit_id}, status="running")
    folder.mkdir(parents=True, exist_ok=True)
    if marker:
        (folder / ".unionsim-calibration").write_text("unionsim calibration folder\n")
    (folder / "fit.json").write_text(json.dumps(manifest, indent=2))
    if database:
        db = sqlite3.connect(folder / "abc.db")
        db.execute("CREATE TABLE abc_smc (id INTEGER PRIMARY KEY, json_parameters TEXT)")
        db.execute("INSERT INTO abc_smc VALUES (1, ?)", (repr({"fit_id": fit_id}),))
        db.commit()
        db.close()


def _damage_fit(folder: Path, how: str, world: Path) -> None:
    import json
    import sqlite3

    fit, db = folder / "fit.json", folder / "abc.db"
    data = json.loads(fit.read_text())
    if how == "fit-json-empty":
        fit.write_text("")
    elif how == "fit-json-not-json":
        fit.write_text("{settings: quick")
    elif how == "fit-json-a-list":
        fit.write_text("[1, 2]")
    elif how == "fit-json-binary":
        fit.write_bytes(random.Random(3).randbytes(600))
    elif how == "fit-json-nan":
        fit.write_text(json.dumps({**data, "seed": float("nan")}))
    elif how == "fit-json-seed-text":
        fit.write_text(json.dumps({**data, "seed": "three"}))
    elif how == "fit-json-settings-list":
        fit.write_text(json.dumps({**data, "settings": [1]}))
    elif how.startswith("fit-json-lacks-"):
        del data[how[len("fit-json-lacks-"):]]
        fit.write_text(json.dumps(data))
    elif how == "fit-json-fit-id-number":
        fit.write_text(json.dumps({**data, "database": {"fit_id": 7}}))
    elif how == "fit-json-deep":
        fit.write_text("[" * 100000 + "]" * 100000)
    elif how == "fit-json-folder":
        fit.unlink()
        fit.mkdir()
    elif how == "fit-json-link":
        _swap(fit, "link-file", world)
    elif how == "fit-json-deleted":
        fit.unlink()
    elif how == "fit-json-parameters-edited":
        data["parameters"] = {"putin.reactivity": {"range": [0, 1]}}
        fit.write_text(json.dumps(data))
    elif how == "abc-db-deleted":
        db.unlink()
    elif how == "abc-db-empty":
        db.write_bytes(b"")
    elif how == "abc-db-random":
        db.write_bytes(random.Random(5).randbytes(4096))
    elif how == "abc-db-truncated":
        db.write_bytes(db.read_bytes()[:100])
    elif how == "abc-db-folder":
        db.unlink()
        db.mkdir()
    elif how in ("abc-db-link-file", "abc-db-link-dangling", "abc-db-fifo"):
        _swap(db, how[len("abc-db-"):], world)
    elif how == "abc-db-no-table":
        db.unlink()
        sqlite3.connect(db).close()
        db.write_bytes(db.read_bytes() if db.exists() else b"")
    elif how == "abc-db-two-fits":
        c = sqlite3.connect(db)
        c.execute("INSERT INTO abc_smc VALUES (2, ?)", (repr({"fit_id": "x"}),))
        c.commit()
        c.close()
    elif how == "abc-db-no-fit-id":
        c = sqlite3.connect(db)
        c.execute("UPDATE abc_smc SET json_parameters = '{}'")
        c.commit()
        c.close()
    elif how == "abc-db-not-a-literal":
        c = sqlite3.connect(db)
        c.execute("UPDATE abc_smc SET json_parameters = '__import__(\"os\")'")
        c.commit()
        c.close()
    elif how == "abc-db-another-fit":
        db.unlink()
        fake_fit(world / "other", seed=4, fit_id="cd" * 8)
        (world / "other" / "abc.db").rename(db)
    elif how == "abc-db-journal-link":
        _swap(folder / "abc.db-journal", "link-file", world)
    elif how == "marker-link":
        _swap(folder / ".unionsim-calibration", "link-file", world)
    else:  # pragma: no cover
        raise ValueError(how)


FIT_DAMAGES = ["fit-json-empty", "fit-json-not-json", "fit-json-a-list", "fit-json-binary",
               "fit-json-nan", "fit-json-seed-text", "fit-json-settings-list",
               "fit-json-lacks-settings", "fit-json-lacks-database", "fit-json-lacks-seed",
               "fit-json-fit-id-number", "fit-json-deep", "fit-json-folder", "fit-json-link",
               "fit-json-deleted", "fit-json-parameters-edited", "abc-db-deleted",
               "abc-db-empty", "abc-db-random", "abc-db-truncated", "abc-db-folder",
               "abc-db-link-file", "abc-db-link-dangling", "abc-db-fifo", "abc-db-no-table",
               "abc-db-two-fits", "abc-db-no-fit-id", "abc-db-not-a-literal",
               "abc-db-another-fit", "abc-db-journal-link", "marker-link"]


def calibrate_cases() -> list[Case]:
    quick = ["calibrate", "--quick", "--executor", "serial"]
    c = [
        # arguments
        ("seed-2-to-32", [*quick, "--seed", str(2**32), "--out", "fit"], "seed"),
        ("seed-negative", [*quick, "--seed", "-1", "--out", "fit"], "seed"),
        ("workers-negative", ["calibrate", "--quick", "--workers", "-1", "--out", "fit"],
         "workers"),
        ("workers-zero", ["calibrate", "--quick", "--workers", "0", "--out", "fit"], "workers"),
        ("serial-with-workers", [*quick, "--workers", "2", "--out", "fit"], "workers"),
        ("executor-unknown", ["calibrate", "--quick", "--executor", "gpu", "--out", "fit"],
         "executor"),
        ("scheduler-without-dask", [*quick, "--scheduler", "tcp://127.0.0.1:1", "--out", "fit"],
         "scheduler"),
        ("scheduler-not-an-address", ["calibrate", "--quick", "--executor", "dask",
                                      "--scheduler", "notanaddress", "--out", "fit"],
         "scheduler"),
        ("scheduler-with-workers", ["calibrate", "--quick", "--executor", "dask", "--scheduler",
                                    "tcp://127.0.0.1:1", "--workers", "2", "--out", "fit"],
         "workers"),
        ("quick-and-medium", ["calibrate", "--quick", "--medium", "--out", "fit"], "quick"),
        ("force-and-resume", [*quick, "--force", "--resume", "--out", "fit"], "resume"),
        # --out
        ("out-empty", [*quick, "--out", "", "--force"], "out"),
        ("out-dot", [*quick, "--out", ".", "--force"], "out"),
        ("out-parent", [*quick, "--out", "..", "--force"], "out"),
        ("out-root", [*quick, "--out", "/"], "out"),
        ("out-not-utf8", [*quick, "--out", "fit\udcff"], "UTF-8"),
    ]
    cases = [Case("calibrate argument", ident, lambda w, a=args: list(a), "fit", expect)
             for ident, args, expect in c]
    f = [
        ("out-home", lambda w: [*quick, "--out", str(w / "home"), "--force"], "home"),
        ("out-is-file", lambda w: [*quick, "--out", _file(w, "notes.txt")], "notes.txt"),
        ("out-user-folder", lambda w: [*quick, "--out", _user_folder(w)], "thesis"),
        ("out-user-fit-folder-force", lambda w: [*quick, "--out", _user_fit_folder(w),
                                                 "--force"], "did not write"),
        ("out-user-fit-folder-resume", lambda w: [*quick, "--out", _user_fit_folder(w),
                                                  "--resume"], "did not write"),
        ("out-dangling-abc-db", lambda w: (w.joinpath("fit").mkdir(), os.symlink(
            w / "gone.db", w / "fit" / "abc.db"))[0] or [*quick, "--out", "fit", "--force"],
         "abc.db"),
        ("out-marked-dangling-abc-db", lambda w: (fake_fit(w / "fit", database=False), os.symlink(
            w / "gone.db", w / "fit" / "abc.db"))[0] or [*quick, "--out", "fit", "--force"],
         "abc.db"),
        ("out-lock-link", lambda w: (w.joinpath("fit").mkdir(), os.symlink(
            w / "thesis.tex", w / "fit" / ".unionsim.lock"))[0] or [*quick, "--out", "fit"],
         ".unionsim.lock"),
        ("concurrent-fit", lambda w: (fake_fit(w / "fit"), hold_lock(w / "fit"))[0] or
         [*quick, "--out", "fit", "--seed", "3", "--resume"], "another unionsim process"),
        ("fit-exists", lambda w: fake_fit(w / "fit") or [*quick, "--out", "fit", "--seed", "3"],
         "already exists"),
        ("resume-other-seed", lambda w: fake_fit(w / "fit") or
         [*quick, "--out", "fit", "--seed", "4", "--resume"], "seed"),
        # named outputs
        ("posterior-beside-results-json", lambda w: _file(w, "results.json", '{"a": 1}\n') and
         [*quick, "--out", "fit", "--posterior", "results.parquet"], "results.json"),
        ("posterior-is-results-table", lambda w: _file(w, "results.parquet", "PAR1") and
         [*quick, "--out", "fit", "--posterior", "results.parquet"], "results.parquet"),
        ("posterior-shipped-yaml", lambda w: (w.joinpath("params").mkdir(), _file(
            w, "params/default.yaml", "values: {}\n"))[1] and
         [*quick, "--out", "fit", "--posterior", "params/default.yaml"], "posterior"),
        ("posterior-shipped-overlay-parquet", lambda w: (w.joinpath("params").mkdir(), _file(
            w, "params/default.json", '{"values": {}}\n'))[1] and
         [*quick, "--out", "fit", "--posterior", "params/default.parquet"], "default.json"),
        ("posterior-is-a-folder", lambda w: [*quick, "--out", "fit", "--posterior", "notes"],
         "posterior"),
        ("posterior-link", lambda w: os.symlink(w / "thesis.tex", w / "p.parquet") or
         [*quick, "--out", "fit", "--posterior", "p.parquet"], "p.parquet"),
        ("posterior-manifest-link", lambda w: os.symlink(w / "thesis.tex", w / "p.json") or
         [*quick, "--out", "fit", "--posterior", "p.parquet"], "p.json"),
        ("posterior-under-file", lambda w: [*quick, "--out", "fit", "--posterior",
                                            "thesis.tex/p.parquet"], "thesis.tex"),
        ("posterior-is-fit-json", lambda w: [*quick, "--out", "fit", "--posterior",
                                             "fit/fit.parquet"], "fit.json"),
        ("posterior-same-as-report", lambda w: [*quick, "--out", "fit", "--posterior", "x.md",
                                                "--report", "x.md"], "posterior"),
        ("report-user-file", lambda w: (w.joinpath("paper").mkdir(), _file(
            w, "paper/calibration.md", "# my chapter\n"))[1] and
         [*quick, "--out", "fit", "--report", "paper/calibration.md"], "calibration.md"),
        ("report-not-markdown", lambda w: [*quick, "--out", "fit", "--report", "thesis.tex"],
         "report"),
        ("report-link", lambda w: os.symlink(w / "thesis.tex", w / "r.md") or
         [*quick, "--out", "fit", "--report", "r.md"], "r.md"),
        ("report-dangling-link", lambda w: os.symlink(w / "gone.md", w / "r.md") or
         [*quick, "--out", "fit", "--report", "r.md"], "r.md"),
        ("report-is-a-folder", lambda w: w.joinpath("r.md").mkdir() or
         [*quick, "--out", "fit", "--report", "r.md"], "r.md"),
        ("report-figure-user-file", lambda w: fake_fit(w / "fit", database=False) or (
            w / "fit" / "figures").mkdir() or _file(w, "fit/figures/calibration_targets.png",
                                                   "my picture") and
         [*quick, "--out", "fit", "--force"], "calibration_targets.png"),
        ("report-figure-link", lambda w: fake_fit(w / "fit", database=False) or (
            w / "fit" / "figures").mkdir() or os.symlink(
            w / "thesis.tex", w / "fit" / "figures" / "calibration_parameters.png") or
         [*quick, "--out", "fit", "--force"], "calibration_parameters.png"),
        ("run-into-fit-folder", lambda w: fake_fit(w / "fit") or
         ["run", "baseline", *RUN[:-2], "--out", "fit", "--force"], "calibration folder"),
    ]
    cases += [Case("calibrate output", ident, setup, "fit", expect) for ident, setup, expect in f]
    for how in FIT_DAMAGES:
        def setup(world: Path, how=how) -> list[str]:
            fake_fit(world / "fit")
            _damage_fit(world / "fit", how, world)
            return [*quick, "--out", "fit", "--seed", "3", "--resume"]
        expect = {"abc-db-journal-link": "abc.db-journal",
                  "marker-link": "fit"}.get(how, "fit.json" if how.startswith("fit-json")
                                            else "abc.db")
        if how == "fit-json-parameters-edited":
            expect = "parameters"
        cases.append(Case("calibrate --resume on a damaged fit folder", how, setup, "fit",
                          expect))
    return cases


def _posterior(world: Path, name: str = "post.parquet", **columns) -> Path:
    """A valid small posterior, with any column replaced."""
    import pandas as pd

    from unionsim.calibration.fit import write_posterior

    frame = pd.DataFrame({"particle": [0, 1, 2], "weight": [0.5, 0.3, 0.2],
                          "distance": [1.0, 1.0, 1.0],
                          "param.putin.reactivity": [0.2, 0.4, 0.6],
                          "param.minsk.sovereignty_weight": [0.6, 0.7, 0.8]})
    for key, value in columns.items():
        frame[key.replace("__", ".")] = value
    manifest = {"seed": 5, "targets": {"digest": "abc"},
                "parameters": {"putin.reactivity": {}, "minsk.sovereignty_weight": {}}}
    return write_posterior(frame, manifest, world / name)


def _posterior_manifest(world: Path, text: str | bytes) -> None:
    _posterior(world)
    f = world / "post.json"
    f.write_bytes(text if isinstance(text, bytes) else text.encode())


def posterior_cases() -> list[Case]:
    run = ["run", "baseline", "--posterior", "post.parquet", *RUN]
    manifests = [
        ("empty", ""), ("not-json", "{seed: 5"), ("a-list", "[1, 2]"),
        ("binary", random.Random(9).randbytes(300)),
        ("seed-text", '{"seed": "five", "targets": {"digest": "abc"}}'),
        ("targets-a-list", '{"seed": 5, "targets": [1]}'),
        ("digest-a-number", '{"seed": 5, "targets": {"digest": 7}}'),
        ("parameters-wrong-names", '{"seed": 5, "targets": {}, "parameters": {"putin.x": {}}}'),
        ("parameters-a-list", '{"seed": 5, "targets": {}, "parameters": ["a"]}'),
        ("nan", '{"seed": NaN, "targets": {}}'), ("infinity", '{"seed": Infinity}'),
        ("huge-float", '{"seed": 1e999}'), ("huge-int", '{"seed": 1' + "0" * 40 + "}"),
        ("negative-seed", '{"seed": -5}'), ("deep", "[" * 50000 + "]" * 50000),
        ("evaluations-bool", '{"evaluations": true}'),
    ]
    cases = [Case("posterior manifest (run --posterior)", ident,
                  lambda w, t=text: (_posterior_manifest(w, t), run)[1], "res", "post.json")
             for ident, text in manifests]
    # what is right to accept: extra fields, missing fields, no manifest at all
    for ident, text in (("extra-keys", '{"seed": 5, "targets": {"digest": "a"}, "mine": [1]}'),
                        ("missing-keys", "{}")):
        cases.append(Case("posterior manifest (run --posterior)", ident,
                          lambda w, t=text: (_posterior_manifest(w, t), run)[1], "res",
                          "results: res", code=0, slow=True))
    cases.append(Case("posterior manifest (run --posterior)", "a-folder",
                      lambda w: (_posterior(w), (w / "post.json").unlink(),
                                 (w / "post.json").mkdir(), run)[3], "res", "post.json"))
    cases.append(Case("posterior manifest (run --posterior)", "a-link",
                      lambda w: (_posterior(w), _swap(w / "post.json", "link-file", w), run)[2],
                      "res", "post.json"))
    columns = [
        ("weight-text", {"weight": ["a", "b", "c"]}, "weight"),
        ("weight-bool", {"weight": [True, True, False]}, "weight"),
        ("weight-nan", {"weight": [0.5, float("nan"), 0.5]}, "weight"),
        ("weight-inf", {"weight": [0.5, float("inf"), 0.5]}, "weight"),
        ("weight-negative", {"weight": [0.5, -0.5, 1.0]}, "weight"),
        ("weight-all-zero", {"weight": [0.0, 0.0, 0.0]}, "weight"),
        ("weight-overflowing-sum", {"weight": [1e308, 1e308, 1e308]}, "weight"),
        ("weight-lists", {"weight": [[1], [2], [3]]}, "weight"),
        ("param-text", {"param__putin__reactivity": ["x", "y", "z"]}, "putin.reactivity"),
        ("param-nan", {"param__putin__reactivity": [0.2, float("nan"), 0.4]},
         "putin.reactivity"),
        ("param-inf", {"param__putin__reactivity": [0.2, float("-inf"), 0.4]},
         "putin.reactivity"),
        ("param-out-of-range", {"param__putin__reactivity": [0.2, 0.3, 7.0]},
         "putin.reactivity"),
        # the particle a 2-run batch never draws: checked all the same
        ("param-out-of-range-unlikely", {"weight": [1.0, 1.0, 1e-12],
                                         "param__putin__reactivity": [0.2, 0.3, -4.0]},
         "putin.reactivity"),
        ("param-huge-int", {"param__putin__reactivity": [2**62, 2**62, 2**62]},
         "putin.reactivity"),
        ("param-unknown", {"param__putin__reactivty": [0.2, 0.3, 0.4]}, "putin.reactivty"),
        ("param-bool", {"param__putin__reactivity": [True, False, True]}, "putin.reactivity"),
    ]
    # weights only count relative to each other: huge equal ones are a valid posterior
    cases.append(Case("posterior columns (run --posterior)", "weight-huge-int",
                      lambda w: (_posterior(w, weight=[2**63 - 1] * 3), run)[1], "res",
                      "results: res", code=0))
    for ident, cols, expect in columns:
        def setup(world: Path, cols=cols) -> list[str]:
            _posterior(world, **cols)
            if "param__putin__reactivty" in cols:
                import json
                m = json.loads((world / "post.json").read_text())
                m.pop("parameters")
                (world / "post.json").write_text(json.dumps(m))
            return run
        cases.append(Case("posterior columns (run --posterior)", ident, setup, "res", expect))
    for how in ("empty", "binary", "directory", "missing", "fifo"):
        cases.append(Case("posterior columns (run --posterior)", f"file-{how}",
                          lambda w, h=how: ["run", "baseline", "--posterior",
                                            str(write_special(w, "post.parquet", h)), *RUN]
                          if h != "fifo" else (os.mkfifo(w / "post.parquet"), run)[1],
                          "res", "post.parquet"))
    return cases


def _edit_manifest(folder: Path, **changes) -> None:
    import json

    m = json.loads((folder / "manifest.json").read_text())
    for key, value in changes.items():
        if value is _DELETE:
            m.pop(key, None)
        else:
            m[key] = value
    (folder / "manifest.json").write_text(json.dumps(m))


_DELETE = object()


def resume_cases(make_good: Callable[[Path], None]) -> list[Case]:
    """An interrupted folder whose manifest was edited, then resumed."""
    edits = [("n-runs-text", {"n_runs": "12"}), ("n-runs-float", {"n_runs": 12.0}),
             ("seed-text", {"master_seed": "1"}), ("seed-bool", {"master_seed": True}),
             ("parameters-a-list", {"parameters": [1, 2]}),
             ("parameters-text", {"parameters": "all"}),
             ("timeseries-text", {"timeseries": "yes"}), ("sampler-number", {"sampler": 3}),
             ("fingerprint-number", {"fingerprint": 12}), ("resumes-a-dict", {"resumes": {}}),
             ("format-version-text", {"format_version": "1"}),
             ("status-number", {"status": 1})]
    cases = []
    for ident, change in edits:
        def setup(world: Path, change=change) -> list[str]:
            _interrupted(world / "res", make_good)
            _edit_manifest(world / "res", **change)
            return [*RESUME_GOOD, "res", "--resume"]
        cases.append(Case("edited manifest (resume)", ident, setup, "res", "manifest.json"))
    # what resuming must simply finish: leftover temporary files of a killed batch
    def leftovers(world: Path) -> list[str]:
        _interrupted(world / "res", make_good)
        (world / "res" / ".manifest.json.tmp-99999").write_text("{")
        (world / "res" / "parts" / ".part-0000012-0000013.ts.parquet.tmp-9").write_bytes(b"x")
        return [*RESUME_GOOD, "res", "--resume"]
    cases.append(Case("edited manifest (resume)", "killed-batch-leftovers", leftovers, "res",
                      "results: res", code=0))
    return cases


def misc_cases(make_good: Callable[[Path], None]) -> list[Case]:
    run = ["run", "baseline", "--executor", "serial", "-n", "2"]

    def good(w: Path, name: str = "good") -> Path:
        make_good(w / name)
        return w / name

    def loop(w: Path) -> list[str]:
        os.symlink("b.yaml", w / "a.yaml")
        os.symlink("a.yaml", w / "b.yaml")
        (w / "s.yaml").write_text(SCENARIO + "extends: a.yaml\n")
        return ["run", "s.yaml", *RUN]

    def chain(w: Path) -> list[str]:
        for i in range(1100):
            text = f"extends: c{i + 1}.yaml\n" if i < 1099 else SCENARIO
            (w / f"c{i}.yaml").write_text(text)
        return ["validate", "c0.yaml"]

    def check_cache(cache: str) -> list[str]:
        return ["check", "--only", "V01", "--runs", "2", "--seed", "1", "--no-history",
                "--no-alternatives", "--cache", cache]

    def design(w: Path, text: str) -> list[str]:
        res = good(w, "res")
        (res / "sensitivity").mkdir()
        (res / "sensitivity" / "design.json").write_text(text)
        return ["sensitivity", "res"]

    c = [
        ("stall-timeout-1e308", lambda w: [*run, "--stall-timeout", "1e308", "--out", "res"],
         "res", "stall"),
        ("stall-timeout-inf", lambda w: [*run, "--stall-timeout", "inf", "--out", "res"], "res",
         "stall"),
        ("out-not-utf8", lambda w: [*run, "--out", "res\udcff"], None, "UTF-8"),
        ("out-nul", lambda w: [*run, "--out", "re\x00s"], None, "out"),
        ("extends-symlink-loop", loop, "res", "a.yaml"),
        ("extends-1100-files", chain, None, "extends"),
        ("plot-out-results-folder", lambda w: (good(w), good(w, "res"), 0)[2] or
         ["plot", "good", "--out", "res"], "res", "results folder"),
        ("plot-out-user-folder", lambda w: (good(w), 0)[1] or ["plot", "good", "--out", "notes"],
         None, "did not write"),
        ("plot-out-file", lambda w: (good(w), 0)[1] or ["plot", "good", "--out", "thesis.tex"],
         None, "thesis.tex"),
        ("plot-out-compare-folder", lambda w: (good(w), (w / "cmp").mkdir(), (
            w / "cmp" / ".unionsim-compare").write_text("x"))[0] and
         ["plot", "good", "--out", "cmp"], None, "comparison"),
        ("compare-out-home", lambda w: (good(w), 0)[1] or ["compare", "good", "good", "--out",
                                                           "~"], None, "home"),
        ("compare-out-user-folder", lambda w: (good(w), 0)[1] or
         ["compare", "good", "good", "--out", "notes"], None, "did not write"),
        ("discover-out-dot", lambda w: (good(w), 0)[1] or
         ["discover", "good", "--outcome", "dependence", "--out", "."], None, "out"),
        ("report-out-user-page", lambda w: (good(w), _file(w, "index.html", "<p>mine</p>"))[1]
         and ["report", "good", "--out", "index.html"], None, "index.html"),
        ("report-out-not-html", lambda w: (good(w), 0)[1] or ["report", "good", "--out",
                                                              "thesis.tex"], None, "out"),
        ("report-out-link", lambda w: (good(w), os.symlink(w / "thesis.tex", w / "r.html"))[0]
         and ["report", "good", "--out", "r.html"], None, "r.html"),
        ("report-out-folder", lambda w: (good(w), (w / "r.html").mkdir())[0] and
         ["report", "good", "--out", "r.html"], None, "r.html"),
        ("check-report-user-file", lambda w: _file(w, "validation.md", "# my notes\n") and
         ["check", "--report", "validation.md", "--only", "V01"], None, "validation.md"),
        ("check-report-link", lambda w: os.symlink(w / "thesis.tex", w / "v.md") or
         ["check", "--report", "v.md", "--only", "V01"], None, "v.md"),
        ("check-report-not-md", lambda w: ["check", "--report", "thesis.tex", "--only", "V01"],
         None, "report"),
        ("check-report-under-file", lambda w: ["check", "--report", "thesis.tex/v.md", "--only",
                                               "V01"], None, "thesis.tex"),
        # check's cache of batches is an output folder like any other, checked before a batch
        ("check-cache-file", lambda w: check_cache("thesis.tex"), None, "--cache"),
        ("check-cache-under-file", lambda w: check_cache("thesis.tex/x"), None, "thesis.tex"),
        ("check-cache-home", lambda w: check_cache("~"), None, "home folder"),
        ("check-cache-working-directory", lambda w: check_cache("."), None, "--cache"),
        ("check-cache-unknown-user", lambda w: check_cache("~nosuchuser_h21/checks"), None,
         "home folder"),
        ("check-cache-link-to-nowhere", lambda w: os.symlink(w / "gone", w / "c") or
         check_cache("c"), None, "link"),
        ("sensitivity-design-not-json", lambda w: design(w, "{method"), "res", "design.json"),
        ("sensitivity-design-a-list", lambda w: design(w, "[1]"), "res", "design.json"),
        ("sensitivity-design-lacks-names", lambda w: design(w, '{"method": "sobol", "n": 4}'),
         "res", "design.json"),
        ("sensitivity-design-bad-method", lambda w: design(
            w, '{"method": "x", "names": ["a"], "bounds": [[0, 1]], "n": 4, "seed": 1}'),
         "res", "design.json"),
    ]
    return [Case("write guard", ident, setup, results, expect)
            for ident, setup, results, expect in c]


def full_disk_cases() -> list[Case]:
    """Writes that hit the file size limit (RLIMIT_FSIZE, as a full disk would) end in the
    project's error, with the finished runs kept for --resume."""
    def setup(world: Path, limit: int) -> list[str]:
        (world / ".fsize").write_text(str(limit))
        return ["run", "baseline", *RUN]
    return [Case("full disk (file size limit)", f"limit-{n}", lambda w, n=n: setup(w, n), "res",
                 "resume", slow=True) for n in (2_000, 8_000, 20_000)]


def all_cases(make_good: Callable[[Path], None]) -> list[Case]:
    return [*scenario_cases(), *parameter_cases(), *cli_cases(), *folder_cases(make_good),
            *link_cases(make_good), *tilde_cases(make_good), *calibrate_cases(),
            *posterior_cases(), *resume_cases(make_good), *misc_cases(make_good),
            *full_disk_cases()]


if __name__ == "__main__":  # pragma: no cover
    from collections import Counter

    counts = Counter(c.kind for c in all_cases(lambda p: None))
    for kind, n in sorted(counts.items()):
        print(f"{n:4d}  {kind}")
    print(f"{sum(counts.values()):4d}  in all")
