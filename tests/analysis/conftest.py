"""Small results folders shared by the analysis tests (made once per session)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
SENS_PARAMS = ("minsk.sovereignty_weight", "putin.reactivity", "kremlin.siloviki.backing")


@pytest.fixture(scope="session")
def folders(tmp_path_factory):
    """Baseline and the 'sovereignty tradable' overlay from the same master seed (so run i has
    the same seed in both), plus a baseline from another seed."""
    from unionsim.experiment.batch import run_batch

    root = tmp_path_factory.mktemp("analysis")
    base = run_batch("baseline", runs=40, seed=3, out=root / "base")
    trad = run_batch("baseline", runs=40, seed=3, out=root / "trad",
                     param_files=[ROOT / "params" / "sovereignty_tradable.yaml"])
    other = run_batch("baseline", runs=30, seed=5, out=root / "other")
    return {"base": base, "trad": trad, "other": other, "root": root}


@pytest.fixture(scope="session")
def sobol_folder(tmp_path_factory):
    from unionsim.analysis.sensitivity import run_sensitivity

    out = tmp_path_factory.mktemp("sens") / "sobol"
    return run_sensitivity("baseline", method="sobol", n=16, seed=2, out=out, names=SENS_PARAMS)


@pytest.fixture(scope="session")
def report_html(folders):
    """The report of the baseline and the 'sovereignty tradable' batches (built once)."""
    from unionsim.analysis.report import build_report

    return build_report([folders["base"], folders["trad"]], folders["root"] / "report.html")
