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
import reacton.ipywidgets as rw
import solara
from reacton.ipyvue import use_event
from solara.hooks.misc import use_force_update

from unionsim.app.batches import Batch, warm_up_workers
from unionsim.app.controls import ParameterInfo, iter_groups, scenario_event_rows
from unionsim.app.folders import SCENARIO_RULE
from unionsim.app.game_session import (GameSession, happened_since, history_rows, seats,
                                       since_text, state_cells)
from unionsim.app.session import DEFAULT_RUNS_DIR, RUNS_DIR_ENV, Session
from unionsim.experiment.game import GameOver


def _shipped_names() -> list[str]:
    from unionsim.config.scenario import shipped_scenarios

    return [p.stem for p in shipped_scenarios()]


def _tagged(text: str, testid: str, tag: str = "div", style: str = "") -> None:
    """Plain text in an element the test can find by ``data-testid``."""
    solara.HTML(tag=tag, unsafe_innerHTML=escape(text), style=style or None,
                attributes={"data-testid": testid})


def _html(markup: str, style: str = "") -> None:
    """Trusted markup (every user-given string in it escaped). Not solara.Markdown: it loads
    KaTeX from a CDN, which an offline machine does not have."""
    solara.HTML(tag="div", unsafe_innerHTML=markup, style=style or None)


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _pp(x: float) -> str:
    return f"{x * 100:+.1f} pp"


#: Error text wraps inside the page (a long path or message never runs off to the right).
WRAP = "white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;margin:0"


# --------------------------------------------------------------------------- share bars

def share_bars_html(table, name: str, testid: str, runs: int, partial: bool) -> str:
    """Shares of runs as horizontal HTML bars with their 95% Wilson intervals, one row per
    outcome (or flag), labels in a column of their own: readable for any number of rows, and
    drawn at once (no matplotlib in the page's render)."""
    from unionsim.analysis.labels import pretty

    top = max(0.25, min(1.0, float(table["ci_high"].max() if len(table) else 0) * 1.15))
    rows = []
    for r in table.itertuples():
        key = getattr(r, name)
        share, low, high = (0.0 if v != v else float(v) for v in (r.share, r.ci_low, r.ci_high))
        bar = f"width:{100 * share / top:.2f}%"
        whisker = f"left:{100 * low / top:.2f}%;width:{100 * max(0.0, high - low) / top:.2f}%"
        rows.append(
            f"<div class='us-row' data-event='{escape(key)}' data-share='{share!r}'>"
            f"<span class='us-label' title='{escape(key)}'>{escape(pretty(key))}</span>"
            f"<span class='us-track'><span class='us-bar' style='{bar}'></span>"
            f"<span class='us-ci' style='{whisker}'></span></span>"
            f"<span class='us-num'>{_pct(share)} <small>[{_pct(low)}, {_pct(high)}]</small>"
            f"</span></div>")
    return (f"<div data-testid='{testid}' data-runs='{runs}' data-partial="
            f"'{'yes' if partial else 'no'}'>{''.join(rows)}</div>")


BAR_CSS = """
.us-row{display:grid;grid-template-columns:minmax(9em,15em) 1fr 9.5em;align-items:center;
column-gap:8px;font-size:12.5px;line-height:19px}
.us-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.us-track{position:relative;height:12px;background:#f1f3f6}
.us-bar{position:absolute;left:0;top:1px;bottom:1px;background:#4c72b0;opacity:.85}
.us-ci{position:absolute;top:5px;height:2px;background:#222}
.us-num{font-variant-numeric:tabular-nums;white-space:nowrap}
.us-tweaks{height:7.2em;overflow-y:auto;border:1px solid #ddd;border-radius:4px;
padding:2px 6px;font-size:12.5px;margin:4px 0}
.us-param-head{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:13px;
margin-top:10px}
.us-error pre{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
"""


# --------------------------------------------------------------------------- figures

def _figure_image(png: bytes | str | None, testid: str, waiting: str = "drawing...") -> None:
    """A figure from the session's background drawing: the PNG, its error, or a note."""
    if png is None:
        _tagged(waiting, f"{testid}-pending", style="color:#777;padding:6px")
    elif isinstance(png, str):
        _tagged(png, f"{testid}-error", tag="pre", style=WRAP)
    else:
        with solara.v.Html(tag="div", attributes={"data-testid": testid}):
            rw.Image(value=png, format="png")


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
                    _figure_image(session.figure(batch, name, lambda: draw(res)),
                                  f"figure-{name}")


# --------------------------------------------------------------------------- components

def use_uncontrolled(el, value):
    """Show ``value`` in the widget of ``el`` when it mounts and whenever ``value`` changes, and
    at no other time.

    ``el`` is created without ``v_model``: a controlled box (``v_model=...`` in every render)
    gets its last rendered value written back each time the page's tree is reconciled, which
    under load lands between a person's keystrokes (or mid-drag on a slider) and replaces what
    they typed with the old value. Here the browser owns what is being typed; the server takes
    it from the box's own ``change`` event (Enter, leaving the box, releasing a slider), which
    carries the value: the synced ``v_model`` may lag behind it under load (the browser holds
    back state updates while the server is busy, but not events)."""
    def show():
        solara.get_widget(el).v_model = value

    solara.use_effect(show, [value])


@solara.component
def CommitBox(label: str, value: str, commit, refused: str = ""):
    """A text box whose text is committed (``commit(text)``) on Enter or when the box loses
    focus, as a click on a button does first. A refused text stays, marked in red, and the
    session will not run until it is corrected (the error banner says why)."""
    el = rv.TextField(label=label, hide_details="auto", error=bool(refused),
                      error_messages=[f"refused: the batch still uses {value}"] if refused
                      else [])
    use_uncontrolled(el, value)
    use_event(el, "change", lambda widget, event, text: commit("" if text is None else text))


@solara.component
def TextAction(label: str, button: str, action):
    """A text box with a button: Enter in the box or a click on the button calls ``action`` with
    the text. The box keeps what is typed (see `use_uncontrolled`); leaving it, as a click on the
    button does first, hands its text to the button."""
    typed = solara.use_ref("")

    def keep(widget, event, text):
        typed.current = "" if text is None else str(text)

    with solara.Row():
        el = rv.TextField(label=label, hide_details=True)
        use_uncontrolled(el, "")
        use_event(el, "change", keep)      # on Enter and on leaving the box, with the text
        use_event(el, "keyup.enter", lambda *_: action(typed.current))
        solara.Button(button, on_click=lambda: action(typed.current))


@solara.component
def ScenarioPicker(session: Session, version: int):
    """Choose a shipped scenario or a scenario file; the scenario's events."""
    names = _shipped_names()
    solara.Select("Shipped scenario", values=names,
                  value=session.scenario_ref if session.scenario_ref in names else None,
                  on_value=session.choose_scenario)
    TextAction("...or a scenario file (.yaml)", "Load file", session.choose_scenario)
    _html(f"<small>{escape(SCENARIO_RULE[0].upper() + SCENARIO_RULE[1:])}.</small>")
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
    _html("<h4>Parameters</h4>")
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
        _html(f"<span class='us-param-head'>{escape(info.name.split('.', 1)[1])}: "
              f"<span data-testid='value'>{info.show(value)}</span> {escape(info.unit)}"
              f"{star}</span>")
        slider = rv.Slider(min=info.low, max=info.high, step=info.step, thumb_label=True,
                           hide_details=True, dense=True)
        use_uncontrolled(slider, value)
        use_event(slider, "change", commit)
    sampled = " <b>Sampled per run</b> in this scenario; a tweak fixes it." if info.sampled \
        else ""
    _html(f"<small>{escape(info.meaning)}<br>range [{info.low:g}, {info.high:g}] in steps of "
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
    _html(f"<small>Same as: <code data-testid='same-as'>{escape(session.command_line())}"
          f"</code></small>")
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
def ResultsView(session: Session, batch: Batch, done: int, status: str, version: int):
    """Outcome and flag shares (partial while running), then the folder's figures and a trace."""
    summary = batch.summary()
    if summary is None:
        solara.Info("Waiting for the first finished runs...")
        return
    outcomes, flags, n_ok = summary
    partial = status != "complete"
    what = f"partial: {done} of {batch.total} runs finished - " if partial else ""
    _html(f"<h4>Outcomes <small>({what}{escape(batch.label)}; {n_ok} completed runs; bars: "
          f"share of runs, lines: 95% Wilson interval)</small></h4>")
    _html(share_bars_html(outcomes, "outcome", "outcome-chart", n_ok, partial))
    _html("<h4>Flags <small>(share of runs in which each happened; flags may co-occur)"
          "</small></h4>")
    _html(share_bars_html(flags, "flag", "flag-chart", n_ok, partial))
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
            _tagged(f"reference: {session.reference.label}", "reference", style="padding:8px")
    if session.reference is None or session.results() is None or \
            session.current is session.reference:
        return
    a, b = session.results(session.reference), session.results()
    diff = session.figures.get(("comparison", str(a.path), str(b.path)), session.comparison)
    if diff is None:
        _tagged("comparing...", "comparison-pending", style="color:#777")
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

    _html(f"<h4>{escape(diff.label_b)} minus {escape(diff.label_a)} ({diff.method})</h4>")
    solara.HTML(tag="div", unsafe_innerHTML=difference_table_html(diff),
                attributes={"data-testid": "paired-difference", "data-pairs": str(diff.pairs)})
    png = session.figures.get(("comparison-figure", str(a.path), str(b.path)),
                              lambda: png_bytes(comparison_outcome_figure([a, b], [diff])))
    _figure_image(png, "comparison-figure")


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
            _tagged(str(path), f"export-{'overlay' if path is overlay else 'scenario'}")
            _html(f"<b>{what}</b>")
            solara.Preformatted(Path(path).read_text(encoding="utf-8"))
            solara.FileDownload(Path(path).read_bytes(), filename=Path(path).name,
                                label=f"Download {Path(path).name}")
    if state == "writing":
        _tagged("writing the report (it draws every figure; the page stays usable)...",
                "report-pending", style="color:#777")
    elif state == "done" and session.report_path is not None:
        report = session.report_path
        _tagged(str(report), "report-path")
        solara.FileDownload(lambda: Path(report).read_bytes(), filename="report.html",
                            label="Download the HTML report", mime_type="text/html")


@solara.component
def ErrorBanner(error: str, testid: str = "error"):
    """The CLI's error text, wrapped to the page's width."""
    with solara.v.Html(tag="div", class_="us-error",
                       attributes={"data-testid": f"{testid}-banner"}):
        solara.Error(children=[solara.HTML(tag="pre", unsafe_innerHTML=escape(error),
                                           style=WRAP)])
    _tagged(error, testid, style="display:none")


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
        _html("<h3>unionsim explorer</h3>")
        ScenarioPicker(session, version)
        ParameterControls(session, version)
    with solara.Column(style={"padding": "8px", "min-width": "0"}):
        RunControls(session, version)
        error = session.error or (batch.error if batch is not None else "")
        if error:
            ErrorBanner(error)
        if batch is not None:
            ResultsView(session, batch, batch.done, batch.status, version)
        _html("<h3>Compare</h3>")
        CompareView(session, version)
        _html("<h3>Export</h3>")
        ExportView(session, version)
        _html("<h3>Play a side</h3>")
        PlayView(session, play, version)


# --------------------------------------------------------------------------- play a side

@solara.component
def PlayView(session: Session, play: GameSession, version: int):
    """Play a side: the seat and seed of a game of the sidebar's scenario (with its tweaks), the
    decision the player faces, the game's history and its files. Every choice of the game comes
    from a button here (`GameSession`)."""
    with solara.Row():
        solara.Select("Seat", values=seats(), value=play.seat, on_value=play.set_seat)
        CommitBox("Game seed", str(play.seed), play.set_seed, play.refused.get("seed", ""))
        solara.Button("Start game", on_click=play.start, disabled="seed" in play.refused,
                      color="primary")
    what = ("the game on show" if play.game is not None
            else "the sidebar's scenario and tweaks, in this seat")
    _html(f"<small>Plays {what}. Same as: <code data-testid='play-same-as'>"
          f"{escape(play.command_line())}</code></small>")
    if play.error:
        ErrorBanner(play.error, "play-error")
    game = play.game
    if game is None:
        return
    from unionsim.config.vocabulary import ACTORS

    spec = game.scenario.spec
    taken = (f"; taken by the scenario's policies (not asked): "
             f"{escape(', '.join(game.scenario_keys))}" if game.scenario_keys else "")
    _html(f"<small><b>{escape(spec.title)}</b>, seed {game.seed}, {spec.start} + {spec.horizon} "
          f"months; you play {escape(game.seat)} ("
          f"{escape(', '.join(ACTORS[a] for a in game.actors))}); your decisions: "
          f"{escape(', '.join(game.keys))}{taken}</small>")
    point = game.now()
    if isinstance(point, GameOver):
        GameOverView(play, point)
    else:
        DecisionView(play, point, version)
    HistoryView(play, len(game.choices))
    GameFilesView(play, version)


def _state_table(state: dict) -> str:
    cells = [f"<td data-state='{escape(name)}' data-value='{value!r}' style='padding:1px 10px "
             f"1px 0'>{escape(text)}</td>" for name, text, value in state_cells(state)]
    rows = ["<tr>" + "".join(cells[i:i + 4]) + "</tr>" for i in range(0, len(cells), 4)]
    return f"<table style='font-size:12.5px'>{''.join(rows)}</table>"


@solara.component
def DecisionView(play: GameSession, point, version: int):
    """One decision point: when, what happened since, the state, the options as buttons (those
    not open this month disabled) with the model's own odds and reasons, and the look ahead."""
    start = play.game.scenario.spec.start
    with solara.v.Html(tag="div", attributes={"data-testid": "play-point",
                                              "data-key": point.key, "data-date": point.date,
                                              "data-number": str(point.number),
                                              "data-available": " ".join(point.available),
                                              "data-model": point.model_choice}):
        _html(f"<h4>{escape(point.date)}: <code>{escape(point.key)}</code> <small>(decision "
              f"{point.number + 1}; {escape(since_text(point))})</small></h4>")
    lines = happened_since(point, start)
    _html("<b>Since then</b>" + ("<ul style='font-size:12.5px;margin:0'>" + "".join(
        f"<li>{escape(line)}</li>" for line in lines) + "</ul>" if lines
        else " <small>nothing of note</small>"))
    _html("<b>State</b>" + _state_table(point.state))
    _html("<b>Options</b> <small>(the model's own actor's odds; greyed: not open this month)"
          "</small>")
    likely = point.model_choice
    at = point.number    # a click answers the decision it was shown with, never a later one
    with solara.Column(gap="2px", style={"padding": "0"}):  # one child: the views below stay
        for option in point.options:
            open_ = option in point.available
            with solara.v.Html(tag="div", attributes={"data-testid": "option",
                                                      "data-option": option,
                                                      "data-number": str(at)},
                               style_="display:flex;align-items:center;gap:12px"):
                solara.Button(option, on_click=lambda o=option: play.choose(o, at=at),
                              disabled=not open_, outlined=True,
                              style={"min-width": "14em", "text-transform": "none"})
                odds = (f"{point.probabilities[option]:.1%}"
                        + (" <b>&larr; the model's most likely</b>" if option == likely else "")
                        if open_ else "not open")
                _html(f"<small>{odds}</small>")
    _html(f"<small><b>The model's reasons:</b> {escape(point.why or 'none given')}</small>")
    with solara.Row():
        solara.Button("Take the model's choice", on_click=lambda: play.take_model(at=at),
                      color="primary")
        solara.Button("Let the model play on to the end", on_click=play.let_model_finish,
                      text=True)
    _tagged(f"this point reached in {play.step_seconds:.2f} s" if play.step_seconds is not None
            else "", "play-step", style="color:#777;font-size:11px")
    AheadView(play, point, version)


@solara.component
def AheadView(play: GameSession, point, version: int):
    """What happens from here: N continuations from this point, drawn in the background."""
    running = play.outlook_state == "running"
    model = "(none: the model's actor decides)"
    with solara.Row():
        CommitBox("Continuations", str(play.ahead_runs), play.set_ahead_runs,
                  play.refused.get("ahead", ""))
        solara.Select("If you take", values=[model, *point.available],
                      value=play.ahead_option or model,
                      on_value=lambda o: play.set_ahead_option(None if o == model else o))
        solara.Button("What happens from here",
                      on_click=lambda: play.look_ahead(at=point.number),
                      disabled=running or "ahead" in play.refused)
    if running:
        _tagged(f"looking ahead from {play.outlook_from} ({play.ahead_runs} continuations)...",
                "ahead-pending", style="color:#777")
        return
    table = play.outlook_table()
    if table is None:
        return
    outlook = play.current_outlook()
    runs = len(outlook.outcomes)
    what = (f"if you take {outlook.option}, then the model's actors deciding" if outlook.option
            else "the model's actors deciding")
    _html(f"<h4>What happens from here <small>({runs} continuations from {escape(point.date)}, "
          f"{escape(what)}, in {play.outlook_seconds:.1f} s; bars: share of "
          f"continuations, lines: 95% Wilson interval)</small></h4>")
    _html(share_bars_html(table, "outcome", "ahead-chart", runs, partial=False))
    _figure_image(play.outlook_png(), "ahead-figure")


@solara.component
def GameOverView(play: GameSession, over):
    """The end of the game: its outcome, end state in each dimension and flags."""
    from unionsim.analysis.labels import words

    flags = [words(k) for k, v in over.result.items() if isinstance(v, bool) and v]
    rows = "".join(f"<tr data-dimension='{escape(k)}'><td>{escape(words(k))}</td>"
                   f"<td>{escape(words(v))}</td></tr>" for k, v in over.end_states.items())
    _html(f"<h4>The game is over: <span data-testid='play-outcome' data-outcome="
          f"'{escape(over.outcome)}'>{escape(words(over.outcome))}</span></h4>"
          f"<table style='font-size:12.5px' data-testid='play-end-states'>{rows}</table>"
          f"<small>flags: {escape(', '.join(flags) or 'none')}</small>")
    told, set_told = solara.use_state(False)
    solara.Button("Tell the whole run month by month", on_click=lambda: set_told(True),
                  text=True, disabled=told)
    if told:
        from unionsim.analysis import trace

        solara.Preformatted("\n".join(trace.render(over.model)))


@solara.component
def HistoryView(play: GameSession, choices: int):
    """The player's choices so far (``model``: the model's own draw, with what it drew)."""
    rows = history_rows(play.game)
    body = "".join(f"<tr data-month='{escape(month)}' data-key='{escape(key)}' data-option="
                   f"'{escape(taken)}' data-by='{'model' if who != 'you' else 'you'}'>"
                   f"<td>{escape(month)}</td><td>{escape(key)}</td>"
                   f"<td>{escape(taken)}</td><td>{escape(who)}</td></tr>"
                   for month, key, taken, who in rows)
    with solara.Details(f"Your choices ({len(rows)})", expand=bool(rows)):
        solara.HTML(tag="div", attributes={"data-testid": "play-history",
                                           "data-choices": str(len(rows))},
                    style="max-height:22em;overflow-y:auto",
                    unsafe_innerHTML=(
                        "<table style='font-size:12.5px'><tr><th>month</th><th>decision</th>"
                        "<th>option</th><th>by</th></tr>" + body + "</table>" if rows
                        else "No choices yet."))


@solara.component
def GameFilesView(play: GameSession, version: int):
    """Save the game (a log ``unionsim play --replay`` goes on with) and export it as a scenario
    (``unionsim trace`` replays it), both into the runs folder, with downloads."""
    with solara.Row():
        solara.Button("Save game", on_click=play.save)
        solara.Button("Export as scenario", on_click=play.export)
    for path, count, command, what, testid in (
            (play.saved, play.saved_choices, play.replay_command(), "saved game", "game-saved"),
            (play.exported, play.exported_choices, play.trace_command(), "game as a scenario",
             "game-exported")):
        if path is None:
            continue
        _html(f"<b>{what}</b> <small>({count} choices)</small>")
        _tagged(str(path), testid)
        _html(f"<small>Replay: <code data-testid='{testid}-command'>{escape(command)}</code>"
              f"</small>")
        solara.FileDownload(lambda p=path: Path(p).read_bytes(), filename=Path(path).name,
                            label=f"Download {Path(path).name}")


def _new_session() -> Session:
    session = Session(runs_dir=Path(os.environ.get(RUNS_DIR_ENV, str(DEFAULT_RUNS_DIR))))
    session.choose_scenario("baseline")
    warm_up_workers()
    return session
