"""Where the analysis commands write: a folder of their own, through the write guard.

``plot``, ``compare``, ``discover`` and ``sensitivity`` write figures and tables into a folder:
by default a subfolder of the results folder they read (``RUN_DIR/plots``, ``compare``,
``discovery``, ``sensitivity``), or the ``--out`` folder the user names, which must be new,
empty or a folder the same command wrote before (it carries the command's marker): a user's
folder, a results folder and a folder of another command are refused. Every file is written
whole and never through a link (`unionsim.guard`). ``report`` writes one HTML file.
"""

from __future__ import annotations

import io
from pathlib import Path

from unionsim.guard import (PNG_SOFTWARE, check_named_output, claim_folder, folder_marker,
                            make_dir, mark_folder, write_bytes, write_named, write_text,
                            written_by_unionsim)


def output_folder(run_dir: str | Path, out: str | Path | None, kind: str,
                  option: str = "--out") -> Path:
    """The folder an analysis command of ``kind`` writes: ``RUN_DIR/<kind folder>`` by default
    (an entry of the results folder, never a link), else ``out`` once claimed."""
    if out is None:
        folder = make_dir(Path(run_dir), DEFAULT_NAMES[kind])
        if folder_marker(folder) is None:
            mark_folder(folder, kind)
        return folder
    folder, state = claim_folder(out, kind, option=option)
    if state == "new":
        mark_folder(folder, kind)
    return folder


DEFAULT_NAMES = {"plots": "plots", "compare": "compare", "discovery": "discovery",
                 "sensitivity": "sensitivity"}


DPI = 110


def png_bytes(fig) -> bytes:
    """A figure as PNG bytes (to write or embed), released afterwards. The PNG names unionsim
    as its software, which is how `unionsim.guard.is_unionsim_png` recognises its figures."""
    buffer = io.BytesIO()
    # figures laid out by matplotlib's constrained layout fit their canvas already; a "tight"
    # bounding box would draw them twice
    tight = fig.get_layout_engine() is None
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight" if tight else None,
                metadata={"Software": f"{PNG_SOFTWARE} (Matplotlib)"})
    fig.clear()
    return buffer.getvalue()


def save_figure(fig, folder: Path, name: str) -> Path:
    """Write a figure as PNG into ``folder`` (whole, never through a link) and release it."""
    return write_bytes(folder, name, png_bytes(fig))


def save_table(frame, folder: Path, name: str) -> Path:
    """Write a table as CSV into ``folder`` (whole, never through a link)."""
    return write_text(folder, name, frame.to_csv(index=False))


REPORT_NAME = "report.html"


def check_report_path(out: str | Path) -> Path:
    """The file ``report --out`` names, checked before the report is built: it must end in
    .html and, if it exists, be a report unionsim wrote (never a link or a user's page)."""
    return check_named_output(out, "--out", what="an HTML report", suffixes=(".html", ".htm"),
                              ours=lambda p: written_by_unionsim(p, "<title>unionsim report"))


def write_html_report(html: str, run_dir: str | Path, out: str | Path | None) -> Path:
    """Write ``report``'s page: ``RUN_DIR/report.html`` by default, else the file ``out`` names
    (see `check_report_path`)."""
    if out is None:
        return write_text(Path(run_dir), REPORT_NAME, html)
    return write_named(check_report_path(out), html.encode("utf-8"))


__all__ = ["check_report_path", "output_folder", "png_bytes", "save_figure", "save_table", "write_html_report"]
