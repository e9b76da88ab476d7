"""The explorer's page primitives, drawn with Solara: marked-up text, share bars, figures,
boxes that keep what is typed, and the error banner; the page's parts (`unionsim.app.views`,
`unionsim.app.play_views`) are built from them."""

from __future__ import annotations

from html import escape

import reacton.ipyvuetify as rv
import reacton.ipywidgets as rw
import solara
from reacton.ipyvue import use_event


def tagged(text: str, testid: str, tag: str = "div", style: str = "") -> None:
    """Plain text in an element the test can find by ``data-testid``."""
    solara.HTML(tag=tag, unsafe_innerHTML=escape(text), style=style or None,
                attributes={"data-testid": testid})


def markup(markup: str, style: str = "") -> None:
    """Trusted markup (every user-given string in it escaped). Not solara.Markdown: it loads
    KaTeX from a CDN, which an offline machine does not have."""
    solara.HTML(tag="div", unsafe_innerHTML=markup, style=style or None)


def pct(x: float) -> str:
    return f"{x:.1%}"


def pp(x: float) -> str:
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
            f"<span class='us-num'>{pct(share)} <small>[{pct(low)}, {pct(high)}]</small>"
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

def figure_image(png: bytes | str | None, testid: str, waiting: str = "drawing...") -> None:
    """A figure from the session's background drawing: the PNG, its error, or a note."""
    if png is None:
        tagged(waiting, f"{testid}-pending", style="color:#777;padding:6px")
    elif isinstance(png, str):
        tagged(png, f"{testid}-error", tag="pre", style=WRAP)
    else:
        with solara.v.Html(tag="div", attributes={"data-testid": testid}):
            rw.Image(value=png, format="png")


# --------------------------------------------------------------------------- boxes

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
def ErrorBanner(error: str, testid: str = "error"):
    """The CLI's error text, wrapped to the page's width."""
    with solara.v.Html(tag="div", class_="us-error",
                       attributes={"data-testid": f"{testid}-banner"}):
        solara.Error(children=[solara.HTML(tag="pre", unsafe_innerHTML=escape(error),
                                           style=WRAP)])
    tagged(error, testid, style="display:none")
