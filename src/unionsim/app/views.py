"""The explorer's page, drawn with Solara: pick and tweak, run, see, compare, export.

Every component reads one `unionsim.app.session.Session` (one per browser tab) and calls its
methods; the session runs the batches and keeps the errors as the CLI's text. Figures come from
`unionsim.analysis` (the same functions as ``unionsim plot`` and ``unionsim compare``) and the
statistics from `unionsim.analysis.summary` and `unionsim.analysis.compare`.

Start it with ``unionsim app``; elements the end-to-end test reads carry ``data-testid``.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import solara
from matplotlib.figure import Figure
from solara.hooks.misc import use_force_update

from unionsim.app.session import (DEFAULT_RUNS_DIR, RUNS_DIR_ENV, Batch, Session, iter_groups,
                                  scenario_event_rows, warm_up_workers)


def _shipped_names() -> list[str]:
    from unionsim.config.scenario import shipped_scenarios

    return [p.stem for p in shipped_scenarios()]


def _tagged(text: str, testid: str, tag: str = "div", style: str = "") -> None:
    """Plain text in an element the test can find by ``data-testid``."""
    solara.HTML(tag=tag, unsafe_innerHTML=escape(text), style=style or None,
                attributes={"data-testid": testid})


def _html(markup: str) -> None:
    """Trusted markup (every user-given string in it escaped). Not solara.Markdown: it loads
    KaTeX from a CDN, which an offline machine does not have."""
    solara.HTML(tag="div", unsafe_innerHTML=markup)


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _pp(x: float) -> str:
    return f"{x * 100:+.1f} pp"


# --------------------------------------------------------------------------- figures

def outcome_and_flag_figure(outcomes, title: str) -> Figure:
    """Outcome shares and flags with 95% Wilson intervals, side by side."""
    from unionsim.analysis import plots
    from unionsim.analysis.summary import flag_table, outcome_table

    fig = Figure(figsize=(12, 4.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    plots.outcome_bars(outcome_table(outcomes), left)
    left.set_title("Outcomes", fontsize=10)
    flags = flag_table(outcomes).rename(columns={"flag": "outcome"})
    plots.outcome_bars(flags, right, color=plots.PALETTE[2])
    right.set_title("Flags: share of runs in which each happened", fontsize=10)
    fig.suptitle(title, fontsize=11)
    return fig


# --------------------------------------------------------------------------- components

@solara.component
def ScenarioPicker(session: Session, version: int, refresh):
    """Choose a shipped scenario or a scenario file; the scenario's events."""
    path, set_path = solara.use_state("")
    names = _shipped_names()

    def choose(name):
        session.choose_scenario(name)
        refresh()

    solara.Select("Shipped scenario", values=names,
                  value=session.scenario_ref if session.scenario_ref in names else None,
                  on_value=choose)
    with solara.Row():
        solara.InputText("...or a scenario file (path)", value=path, on_value=set_path,
                         continuous_update=True)
        solara.Button("Load file", on_click=lambda: choose(path), disabled=not path.strip())
    if session.loaded is not None:
        spec = session.loaded.spec
        _html(f"<b>{escape(spec.title)}</b><br>{spec.start}, {spec.horizon} months. "
              f"{escape(spec.description)}")
        events = scenario_event_rows(session.loaded)
        with solara.Details(f"Scheduled events ({len(events)})", expand=False):
            rows = "".join(f"<tr><td>{e['month']}</td><td>{escape(e['type'].replace('_', ' '))}"
                           f"</td><td>{escape(e['detail'])}</td></tr>" for e in events)
            _html("<table style='font-size:12px'><tr><th>month</th><th>event</th><th>detail"
                  "</th></tr>" + rows + "</table>" if events else "No scheduled events.")


@solara.component
def ParameterControls(session: Session, version: int, refresh):
    """Sliders bounded by the documented ranges, grouped by actor, with provenance."""
    groups = dict(iter_groups(session.infos))
    group, set_group = solara.use_state("minsk" if "minsk" in groups else next(iter(groups), ""))
    typed, set_typed = solara.use_state("")

    def apply_typed():
        if session.set_from_text(typed):
            set_typed("")
        refresh()

    def reset_all():
        session.reset()
        refresh()

    _html("<h4>Parameters</h4>")
    with solara.Row():
        solara.InputText("Set name=value (as --set)", value=typed, on_value=set_typed,
                         continuous_update=True)
        solara.Button("Set", on_click=apply_typed, disabled=not typed.strip())
    if session.tweaks:
        items = "".join(f"<li><code>{escape(k)}</code> = {v:g} (scenario: "
                        f"{session.info(k).value:g})</li>" for k, v in session.tweaks.items())
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>Tweaks</b><ul>{items}</ul>",
                    attributes={"data-testid": "tweaks",
                                **{"data-" + k.replace(".", "-"): repr(v)
                                   for k, v in session.tweaks.items()}})
        solara.Button("Reset all tweaks", on_click=reset_all, text=True)
    solara.Select("Actor", values=list(groups), value=group, on_value=set_group)
    for info in groups.get(group, []):
        def move(value, name=info.name):
            session.set_value(name, value)
            refresh()

        changed = info.name in session.tweaks
        label = info.name.split(".", 1)[1] + (" *" if changed else "")
        with solara.v.Html(tag="div", attributes={"data-param": info.name}):
            solara.SliderFloat(label, value=session.value(info.name), min=info.low,
                               max=info.high, step=info.step, on_value=move, thumb_label=True)
        sampled = " <b>Sampled per run</b> in this scenario; a tweak fixes it." if info.sampled \
            else ""
        _html(
            f"<small>{escape(info.meaning)}<br>value {session.value(info.name):g} "
            f"{escape(info.unit)}, range [{info.low:g}, {info.high:g}], default "
            f"{info.default:g}; basis: {info.basis}; sources: {escape(info.sources) or 'none'}"
            f"{sampled}</small>")


@solara.component
def RunControls(session: Session, key: str, refresh):
    """Runs, seed, executor; run and cancel; progress."""
    runs, set_runs = solara.use_state(200)
    seed, set_seed = solara.use_state(1)
    executor, set_executor = solara.use_state("process")
    batch = session.current
    running = batch is not None and batch.running

    def run():
        session.start_batch(int(runs or 0), int(seed or 0), executor=executor)
        refresh()

    with solara.Row():
        solara.InputInt("Runs", value=runs, on_value=set_runs, continuous_update=True)
        solara.InputInt("Seed", value=seed, on_value=set_seed, continuous_update=True)
        solara.Select("Executor", values=["process", "serial"], value=executor,
                      on_value=set_executor)
        solara.Button("Run", on_click=run, disabled=running, color="primary")
        solara.Button("Cancel", on_click=lambda: (session.cancel(), refresh()),
                      disabled=not running)
    sets = " ".join(f"--set {k}={v:g}" for k, v in session.tweaks.items())
    _html(f"<small>Same as: <code>unionsim run {escape(session.scenario_ref)} --runs {runs} "
          f"--seed {seed} {escape(sets)}</code></small>")
    if batch is not None:
        solara.ProgressLinear(100 * batch.done / max(1, batch.total) if running else False)
        _tagged(_batch_status(batch), "batch-status")


def _batch_status(batch: Batch) -> str:
    head = f"{batch.label}: {batch.done}/{batch.total} runs"
    if batch.status == "running":
        return head + " - running"
    if batch.status == "complete":
        return head + f" - complete in {batch.seconds:.1f} s; results: {batch.folder}"
    if batch.status == "cancelled":
        return (head + f" - cancelled; the finished runs are kept in {batch.folder} "
                "(finish with `unionsim run ... --out FOLDER --resume`)")
    return head + " - failed"


@solara.component
def ResultsView(session: Session, batch: Batch, done: int, status: str):
    """Outcome and end-state bars (partial while running), fan charts, flag timing, a trace."""
    res = session.results(batch)
    outcomes = res.outcomes if res is not None else batch.partial
    if outcomes is None:
        solara.Info("Waiting for the first finished runs...")
        return
    n_ok = int((outcomes["status"] == "ok").sum())
    what = "" if res is not None else f"partial: {done} of {batch.total} runs finished - "
    OutcomeChart(outcomes, f"{what}{batch.label} - {n_ok} completed runs",
                 f"{batch.folder}-{done}-{status}", n_ok, res is None)
    if res is not None:
        FolderFigures(res)
        TraceView(session, batch)


@solara.component
def OutcomeChart(outcomes, title: str, key: str, n_ok: int, partial: bool):
    fig = solara.use_memo(lambda: outcome_and_flag_figure(outcomes, title), [key])
    solara.HTML(tag="div", attributes={"data-testid": "outcome-chart", "data-runs": str(n_ok),
                                       "data-partial": "yes" if partial else "no"})
    solara.FigureMatplotlib(fig, format="png", dependencies=[key])


@solara.component
def FolderFigures(res):
    """End states by dimension, first-event curves, fan charts with the scenario's events, and
    when the flags first fire."""
    from unionsim.analysis.figures import (end_state_figure, fan_figure, time_to_event_figure,
                                           timeline_figure)

    key = str(res.path)
    ends = solara.use_memo(lambda: end_state_figure(res), [key])
    firsts = solara.use_memo(lambda: time_to_event_figure(res), [key])
    fan = solara.use_memo(lambda: fan_figure(res), [key])
    timing = solara.use_memo(lambda: timeline_figure(res), [key])
    with solara.Details("End states by dimension (95% intervals)", expand=False):
        solara.FigureMatplotlib(ends, format="png", dependencies=[key])
    with solara.Details("First events: share of runs by each month", expand=False):
        solara.FigureMatplotlib(firsts, format="png", dependencies=[key])
    with solara.Details("Fan charts (scheduled events dotted)", expand=True):
        solara.FigureMatplotlib(fan, format="png", dependencies=[key])
    with solara.Details("Flag timing", expand=False):
        solara.FigureMatplotlib(timing, format="png", dependencies=[key])


@solara.component
def TraceView(session: Session, batch: Batch):
    """One run told month by month, replayed from the results folder."""
    run, set_run = solara.use_state(0)
    lines, set_lines = solara.use_state(None)
    with solara.Details("One run's trace", expand=False):
        with solara.Row():
            solara.InputInt("Run", value=run, on_value=set_run, continuous_update=True)
            solara.Button("Trace", on_click=lambda: set_lines(session.trace(run or 0, batch)))
        if lines:
            solara.Preformatted("\n".join(lines))


@solara.component
def CompareView(session: Session, key: str, refresh):
    """Pin a reference; the current batch minus the reference, paired on shared seeds."""
    def pin():
        session.pin()
        refresh()

    with solara.Row():
        solara.Button("Pin as reference", on_click=pin, disabled=session.results() is None)
        if session.reference is not None:
            _tagged(f"reference: {session.reference.label}", "reference", style="padding:8px")
    diff = solara.use_memo(lambda: _safe_comparison(session),
                           [key, id(session.reference), id(session.current)])
    if isinstance(diff, str):
        solara.Error(diff)
    elif diff is not None:
        ComparisonChart(session.results(session.reference), session.results(), diff)


@solara.component
def ComparisonChart(a, b, diff):
    """The paired (or independent) differences as a table and as `unionsim compare`'s figure."""
    from unionsim.analysis.figures import comparison_outcome_figure

    key = f"{a.path}|{b.path}"
    fig = solara.use_memo(lambda: comparison_outcome_figure([a, b], [diff]), [key])
    _html(f"<h4>{escape(diff.label_b)} minus {escape(diff.label_a)} ({diff.method})</h4>")
    solara.HTML(tag="div", unsafe_innerHTML=difference_table_html(diff),
                attributes={"data-testid": "paired-difference", "data-pairs": str(diff.pairs)})
    solara.FigureMatplotlib(fig, format="png", dependencies=[key])


def _safe_comparison(session: Session):
    from unionsim.app.session import error_text

    try:
        return session.comparison()
    except Exception as exc:
        return error_text(exc)


def difference_table_html(diff) -> str:
    """Outcome and flag differences (current minus reference) with 95% intervals, as HTML."""
    tables = [(diff.table, "outcome"),
              ((diff.paired_flags if diff.pairs else diff.flags).rename(
                  columns={"event": "outcome"}), "flag")]
    rows = []
    for table, kind in tables:
        for r in table.itertuples():
            name = getattr(r, "outcome")
            rows.append(f"<tr data-event='{escape(name)}'><td>{escape(name.replace('_', ' '))}"
                        f"</td><td>{kind}</td><td>{_pct(r.share_a)}</td><td>{_pct(r.share_b)}"
                        f"</td><td class='diff'>{_pp(r.diff)}</td><td>[{_pp(r.ci_low)}, "
                        f"{_pp(r.ci_high)}]</td><td>{r.test}, p={r.p_value:.3g}</td></tr>")
    head = ("<tr><th>event</th><th>kind</th><th>reference</th><th>current</th>"
            "<th>difference</th><th>95% interval</th><th>test</th></tr>")
    cell = "padding:2px 10px;text-align:left;border-bottom:1px solid #ddd"
    table = (head + "".join(rows)).replace("<td", f"<td style='{cell}'").replace(
        "<th>", f"<th style='{cell}'>")
    return f"<table style='border-collapse:collapse;font-size:13px'>{table}</table>"


@solara.component
def ExportView(session: Session, key: str, refresh):
    """The tweaks as an overlay and a scenario file; the HTML report of the comparison."""
    paths, set_paths = solara.use_state(None)
    report, set_report = solara.use_state(None)

    def export():
        set_paths(session.export())
        refresh()

    def write_report():
        set_report(session.report())
        refresh()

    with solara.Row():
        solara.Button("Export YAML", on_click=export)
        solara.Button("HTML report", on_click=write_report, disabled=session.results() is None)
    if paths:
        overlay, scenario = paths
        for path, what in ((overlay, "parameter overlay (--params)"),
                           (scenario, "scenario (extends the chosen one)")):
            if path is None:
                continue
            _tagged(str(path), f"export-{'overlay' if path is overlay else 'scenario'}")
            _html(f"<b>{what}</b>")
            solara.Preformatted(Path(path).read_text(encoding="utf-8"))
            solara.FileDownload(Path(path).read_bytes(), filename=Path(path).name,
                                label=f"Download {Path(path).name}")
    if report:
        _tagged(str(report), "report-path")
        solara.FileDownload(lambda: Path(report).read_bytes(), filename="report.html",
                            label="Download the HTML report", mime_type="text/html")


@solara.component
def Page():
    """The whole explorer."""
    refresh = use_force_update()
    session = solara.use_memo(_new_session, [])
    session.on_change = lambda batch: refresh()
    version, set_version = solara.use_state(0)

    def changed():
        set_version(lambda v: v + 1)

    solara.Title("unionsim explorer")
    batch = session.current
    # components below re-render when their arguments change: this one changes with the batch
    key = f"{version}-{batch.folder}-{batch.done}-{batch.status}" if batch else str(version)
    with solara.Sidebar():
        _html("<h3>unionsim explorer</h3>")
        ScenarioPicker(session, version, changed)
        ParameterControls(session, version, changed)
    with solara.Column(style={"padding": "8px"}):
        RunControls(session, key, changed)
        error = session.error or (batch.error if batch is not None else "")
        if error:
            solara.Error(children=[solara.Preformatted(error)])
            _tagged(error, "error", style="display:none")
        if batch is not None:
            ResultsView(session, batch, batch.done, batch.status)
        _html("<h3>Compare</h3>")
        CompareView(session, key, changed)
        _html("<h3>Export</h3>")
        ExportView(session, key, changed)


def _new_session() -> Session:
    session = Session(runs_dir=Path(os.environ.get(RUNS_DIR_ENV, str(DEFAULT_RUNS_DIR))))
    session.choose_scenario("baseline")
    warm_up_workers()
    return session
