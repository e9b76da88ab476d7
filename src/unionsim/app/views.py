"""The explorer's page, drawn with Solara: pick and tweak, run, see, compare, export, play a
side.

Every component reads one `unionsim.app.session.Session` (one per browser tab) and calls its
methods; the session runs the batches and keeps the errors as the CLI's text. Figures come from
`unionsim.analysis` (the same functions as ``unionsim plot`` and ``unionsim compare``) and the
statistics from `unionsim.analysis.summary` and `unionsim.analysis.compare`.

Three rules keep the page honest under load:

* a render never waits for slow work: figures, the comparison and the report are made in
  background threads (`Session.figures`) and appear when ready; outcome and flag shares are
  HTML bars, drawn at once from the batch's summary;
* controls never move: the Tweaks box has a fixed size from the start, a slider's label, value
  and notes sit in fixed places, and every slider keeps its own widget (keyed by parameter);
* what runs is what is shown: boxes commit on Enter or when they lose focus, into the session,
  and the Run button and the "Same as" line both read the session.

Start it with ``unionsim app``; elements the end-to-end test reads carry ``data-testid``.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import reacton.ipyvuetify as rv
import solara
from reacton.ipyvue import use_event
from solara.hooks.misc import use_force_update

from unionsim.app.batches import Batch, warm_up_workers
from unionsim.app.controls import ParameterInfo, iter_groups, scenario_event_rows
from unionsim.app.folders import SCENARIO_RULE
from unionsim.app.game_session import GameSession
from unionsim.app.play_views import PlayView
from unionsim.app.session import DEFAULT_RUNS_DIR, RUNS_DIR_ENV, Session
from unionsim.app.widgets import (BAR_CSS, WRAP, CommitBox, ErrorBanner, TextAction,
                                  figure_image, markup, pct, pp, share_bars_html, tagged,
                                  use_uncontrolled)


def _shipped_names() -> list[str]:
    from unionsim.config.scenario import shipped_scenarios

    return [p.stem for p in shipped_scenarios()]


@solara.component
def FigurePanel(session: Session, batch: Batch, name: str, summary: str, version: int,
                expand: bool = False):
    """A collapsible figure, drawn in the background the first time it is opened."""
    from unionsim.analysis import figures

    opened, set_opened = solara.use_state(expand)
    draw = {"end_states": figures.end_state_figure,
            "first_events": figures.time_to_event_figure,
            "fan_charts": figures.fan_figure,
            "flag_timing": figures.timeline_figure}[name]
    with rv.ExpansionPanels(v_model=0 if opened else None,
                            on_v_model=lambda v: set_opened(v == 0)):
        with rv.ExpansionPanel():
            rv.ExpansionPanelHeader(children=[summary])
            with rv.ExpansionPanelContent():
                if opened:
                    res = batch.results()
                    figure_image(session.figure(batch, name, lambda: draw(res)),
                                 f"figure-{name}")


# --------------------------------------------------------------------------- components

@solara.component
def ScenarioPicker(session: Session, version: int):
    """Choose a shipped scenario or a scenario file; the scenario's events."""
    names = _shipped_names()
    solara.Select("Shipped scenario", values=names,
                  value=session.scenario_ref if session.scenario_ref in names else None,
                  on_value=session.choose_scenario)
    TextAction("...or a scenario file (.yaml)", "Load file", session.choose_scenario)
    markup(f"<small>{escape(SCENARIO_RULE[0].upper() + SCENARIO_RULE[1:])}.</small>")
    if session.loaded is not None:
        spec = session.loaded.spec
        markup(f"<b>{escape(spec.title)}</b><br>{spec.start}, {spec.horizon} months. "
               f"{escape(spec.description)}")
        events = scenario_event_rows(session.loaded)
        with solara.Details(f"Scheduled events ({len(events)})", expand=False):
            rows = "".join(f"<tr><td>{e['month']}</td><td>{escape(e['type'].replace('_', ' '))}"
                           f"</td><td>{escape(e['detail'])}</td></tr>" for e in events)
            markup("<table style='font-size:12px'><tr><th>month</th><th>event</th><th>detail"
                   "</th></tr>" + rows + "</table>" if events else "No scheduled events.")
        PolicyControls(session, version)


@solara.component
def PolicyControls(session: Session, version: int):
    """The policies in force (the scenario's own and those added here) and a box to add one,
    written as ``--policy`` takes it."""
    lines = session.policy_lines()
    rows = "".join(f"<tr data-policy='{escape(key)}'><td><code>{escape(key)}</code></td>"
                   f"<td>{escape(what)}</td><td>{escape(source)}</td></tr>"
                   for key, what, source in lines)
    with solara.Details(f"Policies ({len(lines)})", expand=bool(session.policies)):
        solara.HTML(tag="div", attributes={"data-testid": "policies"}, unsafe_innerHTML=(
            "<table style='font-size:12px'><tr><th>decision</th><th>policy</th><th>from</th>"
            "</tr>" + rows + "</table>" if lines
            else "No policies: every actor decides by its own logit."))
        TextAction("Set a policy ACTOR.DECISION=POLICY (as --policy)", "Set policy",
                   session.set_policy_from_text)
        solara.Button("Clear the policies added here", on_click=session.clear_policies,
                      text=True, disabled=not session.policies)


@solara.component
def ParameterControls(session: Session, version: int):
    """Sliders bounded by the documented ranges, grouped by actor, with provenance.

    Nothing above a slider changes size when a value changes: the Tweaks box is there from the
    start with a fixed height, so a drag never moves the slider under the pointer."""
    groups = dict(iter_groups(session.infos))
    group, set_group = solara.use_state("minsk" if "minsk" in groups else next(iter(groups), ""))
    markup("<h4>Parameters</h4>")
    TextAction("Set name=value (as --set)", "Set", session.set_from_text)
    if session.tweaks:
        items = "".join(f"<div><code>{escape(k)}</code> = {session.info(k).show(v)} (scenario: "
                        f"{session.info(k).value:g})</div>" for k, v in session.tweaks.items())
    else:
        items = "<div style='color:#777'>No tweaks: the scenario's values are in force.</div>"
    solara.HTML(tag="div", unsafe_innerHTML=f"<b>Tweaks ({len(session.tweaks)})</b>{items}",
                classes=["us-tweaks"],
                attributes={"data-testid": "tweaks",
                            **{"data-" + k.replace(".", "-"): repr(v)
                               for k, v in session.tweaks.items()}})
    solara.Button("Reset all tweaks", on_click=session.reset, text=True,
                  disabled=not session.tweaks)
    solara.Select("Actor", values=list(groups), value=group, on_value=set_group)
    for info in groups.get(group, []):
        ParameterSlider(session, info, session.value(info.name),
                        info.name in session.tweaks).key(info.name)


@solara.component
def ParameterSlider(session: Session, info: ParameterInfo, value: float, changed: bool):
    """One parameter: a header line (name, value, unit), the slider, and its provenance.

    The value commits when the slider is released (or moved with the keyboard), snapped to the
    slider's grid. During a drag nothing goes to the server, and the page's redraws leave the
    slider alone (its arguments have not changed), so nothing moves under the pointer."""
    def commit(widget, event, data):
        if data is not None:
            session.move(info.name, float(data))

    star = " <b title='tweaked'>*</b>" if changed else ""
    with solara.v.Html(tag="div", attributes={"data-param": info.name}):
        markup(f"<span class='us-param-head'>{escape(info.name.split('.', 1)[1])}: "
               f"<span data-testid='value'>{info.show(value)}</span> {escape(info.unit)}"
               f"{star}</span>")
        slider = rv.Slider(min=info.low, max=info.high, step=info.step, thumb_label=True,
                           hide_details=True, dense=True)
        use_uncontrolled(slider, value)
        use_event(slider, "change", commit)
    sampled = " <b>Sampled per run</b> in this scenario; a tweak fixes it." if info.sampled \
        else ""
    markup(f"<small>{escape(info.meaning)}<br>range [{info.low:g}, {info.high:g}] in steps of "
           f"{info.step:g}, scenario {info.value:g}, default {info.default:g}; basis: "
           f"{info.basis}; sources: {escape(info.sources) or 'none'}{sampled}</small>")


@solara.component
def RunControls(session: Session, version: int):
    """Runs, seed, executor; run and cancel; progress. The boxes commit into the session on
    Enter or when they lose focus (a click on Run does that first), and Run starts the batch
    the session holds: exactly the "Same as" command shown."""
    batch = session.current
    running = batch is not None and batch.running
    with solara.Row():
        CommitBox("Runs", str(session.runs), session.set_runs, session.refused.get("runs", ""))
        CommitBox("Seed", str(session.seed), session.set_seed, session.refused.get("seed", ""))
        solara.Select("Executor", values=["process", "serial"], value=session.executor,
                      on_value=session.set_executor)
        solara.Button("Run", on_click=session.start_batch,
                      disabled=running or bool(session.refused), color="primary")
        solara.Button("Cancel", on_click=session.cancel, disabled=not running)
    markup(f"<small>Same as: <code data-testid='same-as'>{escape(session.command_line())}"
           f"</code></small>")
    if batch is not None:
        solara.ProgressLinear(100 * batch.done / max(1, batch.total) if running else False)
        tagged(_batch_status(batch), "batch-status")


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
def ResultsView(session: Session, batch: Batch, done: int, status: str, version: int):
    """Outcome and flag shares (partial while running), then the folder's figures and a trace."""
    summary = batch.summary()
    if summary is None:
        solara.Info("Waiting for the first finished runs...")
        return
    outcomes, flags, n_ok = summary
    partial = status != "complete"
    what = f"partial: {done} of {batch.total} runs finished - " if partial else ""
    markup(f"<h4>Outcomes <small>({what}{escape(batch.label)}; {n_ok} completed runs; bars: "
           f"share of runs, lines: 95% Wilson interval)</small></h4>")
    markup(share_bars_html(outcomes, "outcome", "outcome-chart", n_ok, partial))
    markup("<h4>Flags <small>(share of runs in which each happened; flags may co-occur)"
           "</small></h4>")
    markup(share_bars_html(flags, "flag", "flag-chart", n_ok, partial))
    if not partial:
        FigurePanel(session, batch, "fan_charts", "Fan charts (scheduled events dotted)",
                    version, expand=True).key(f"{batch.folder}-fan")
        FigurePanel(session, batch, "end_states", "End states by dimension (95% intervals)",
                    version).key(f"{batch.folder}-ends")
        FigurePanel(session, batch, "first_events", "First events: share of runs by each month",
                    version).key(f"{batch.folder}-firsts")
        FigurePanel(session, batch, "flag_timing", "Flag timing",
                    version).key(f"{batch.folder}-timing")
        TraceView(session, batch)


@solara.component
def TraceView(session: Session, batch: Batch):
    """One run told month by month, replayed from the results folder."""
    run, set_run = solara.use_state(0)
    lines, set_lines = solara.use_state(None)
    with solara.Details("One run's trace", expand=False):
        with solara.Row():
            solara.InputInt("Run", value=run, on_value=set_run, continuous_update=False)
            solara.Button("Trace", on_click=lambda: set_lines(session.trace(run or 0, batch)))
        if lines:
            solara.Preformatted("\n".join(lines))


@solara.component
def CompareView(session: Session, version: int):
    """Pin a reference; the current batch minus the reference, paired on shared seeds."""
    with solara.Row():
        solara.Button("Pin as reference", on_click=session.pin,
                      disabled=session.results() is None)
        if session.reference is not None:
            tagged(f"reference: {session.reference.label}", "reference", style="padding:8px")
    if session.reference is None or session.results() is None or \
            session.current is session.reference:
        return
    a, b = session.results(session.reference), session.results()
    diff = session.figures.get(("comparison", str(a.path), str(b.path)), session.comparison)
    if diff is None:
        tagged("comparing...", "comparison-pending", style="color:#777")
    elif isinstance(diff, str):
        solara.Error(children=[solara.HTML(tag="pre", unsafe_innerHTML=escape(diff),
                                           style=WRAP)])
    else:
        ComparisonChart(session, a, b, diff, version)


@solara.component
def ComparisonChart(session: Session, a, b, diff, version: int):
    """The paired (or independent) differences as a table and as `unionsim compare`'s figure."""
    from unionsim.analysis.figures import comparison_outcome_figure
    from unionsim.analysis.outputs import png_bytes

    markup(f"<h4>{escape(diff.label_b)} minus {escape(diff.label_a)} ({diff.method})</h4>")
    solara.HTML(tag="div", unsafe_innerHTML=difference_table_html(diff),
                attributes={"data-testid": "paired-difference", "data-pairs": str(diff.pairs)})
    png = session.figures.get(("comparison-figure", str(a.path), str(b.path)),
                              lambda: png_bytes(comparison_outcome_figure([a, b], [diff])))
    figure_image(png, "comparison-figure")


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
                        f"</td><td>{kind}</td><td>{pct(r.share_a)}</td><td>{pct(r.share_b)}"
                        f"</td><td class='diff'>{pp(r.diff)}</td><td>[{pp(r.ci_low)}, "
                        f"{pp(r.ci_high)}]</td><td>{r.test}, p={r.p_value:.3g}</td></tr>")
    head = ("<tr><th>event</th><th>kind</th><th>reference</th><th>current</th>"
            "<th>difference</th><th>95% interval</th><th>test</th></tr>")
    cell = "padding:2px 10px;text-align:left;border-bottom:1px solid #ddd"
    table = (head + "".join(rows)).replace("<td", f"<td style='{cell}'").replace(
        "<th>", f"<th style='{cell}'>")
    return f"<table style='border-collapse:collapse;font-size:13px'>{table}</table>"


@solara.component
def ExportView(session: Session, version: int):
    """The tweaks as an overlay and a scenario file; the HTML report of the comparison."""
    paths, set_paths = solara.use_state(None)
    state = getattr(session, "report_state", "")
    with solara.Row():
        solara.Button("Export YAML", on_click=lambda: set_paths(session.export()))
        solara.Button("HTML report", on_click=session.start_report,
                      disabled=session.results() is None or state == "writing")
    if paths:
        overlay, scenario = paths
        for path, what in ((overlay, "parameter overlay (--params)"),
                           (scenario, "scenario (extends the chosen one)")):
            if path is None:
                continue
            tagged(str(path), f"export-{'overlay' if path is overlay else 'scenario'}")
            markup(f"<b>{what}</b>")
            solara.Preformatted(Path(path).read_text(encoding="utf-8"))
            solara.FileDownload(Path(path).read_bytes(), filename=Path(path).name,
                                label=f"Download {Path(path).name}")
    if state == "writing":
        tagged("writing the report (it draws every figure; the page stays usable)...",
               "report-pending", style="color:#777")
    elif state == "done" and session.report_path is not None:
        report = session.report_path
        tagged(str(report), "report-path")
        solara.FileDownload(lambda: Path(report).read_bytes(), filename="report.html",
                            label="Download the HTML report", mime_type="text/html")


@solara.component
def Page():
    """The whole explorer."""
    refresh = use_force_update()
    session = solara.use_memo(_new_session, [])
    play = solara.use_memo(lambda: GameSession(session), [])
    session.on_change = lambda batch: refresh()
    version = session.version

    solara.Title("unionsim explorer")
    solara.Style(BAR_CSS)
    batch = session.current
    with solara.Sidebar():
        markup("<h3>unionsim explorer</h3>")
        ScenarioPicker(session, version)
        ParameterControls(session, version)
    with solara.Column(style={"padding": "8px", "min-width": "0"}):
        RunControls(session, version)
        error = session.error or (batch.error if batch is not None else "")
        if error:
            ErrorBanner(error)
        if batch is not None:
            ResultsView(session, batch, batch.done, batch.status, version)
        markup("<h3>Compare</h3>")
        CompareView(session, version)
        markup("<h3>Export</h3>")
        ExportView(session, version)
        markup("<h3>Play a side</h3>")
        PlayView(session, play, version)


def _new_session() -> Session:
    session = Session(runs_dir=Path(os.environ.get(RUNS_DIR_ENV, str(DEFAULT_RUNS_DIR))))
    session.choose_scenario("baseline")
    warm_up_workers()
    return session
