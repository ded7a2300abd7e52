"""The business-review page (issue 16, items 3, 4 and 7): the agenda, the
meeting walking it item by item, and the minutes.

* **Agenda** -- the unit's proposed agenda for the month (sidebar: unit and
  month), as :func:`kpi_core.agenda.propose` orders it. Whoever may chair
  (an admin, a manager of the unit) prepares it: it is saved and can then
  be reordered (up / down), dropped (and taken back) and added to.
* **Meeting** -- the prepared agenda one item at a time: Previous / Next
  (keys → and ←), the item's figures, chart, comments and open actions;
  the chair records the decision and creates or updates actions from the
  item; *Finish the meeting* stores the minutes (day, chair, attendees).
* **Minutes** -- the unit's past meetings, each readable as it was recorded.

Sized for a projector in meeting mode (1366 x 768 and 1920 x 1080): the
item's title and figures in large type above the fold, the chart beside
them kept short, tables in HTML with coloured status. Every text from data
(titles, decisions, names) is escaped (:func:`kpi_ui.text.html_text`,
:func:`kpi_ui.text.plain`) or shown in a table cell as text.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from kpi_core import access, agenda, review
from kpi_core.i18n import error_text, t
from kpi_core.org import Org
from kpi_core.store import StoreError
from kpi_ui import data, figures, session
from kpi_ui import review as review_ui
from kpi_ui import state as vs
from kpi_ui.design import kpi_name
from kpi_ui.text import html_text, plain
from kpi_ui.theme import STATUS_COLOURS, measure, number, percent, status_pill

MODES: tuple[str, ...] = ("agenda", "walk", "minutes")
MODE_KEY = "mt_mode"
NEXT_MODE_KEY = "mt_mode_next"
"""Session key: the mode the next run opens in (a widget's value cannot be set after it is drawn)."""
POSITION_KEY = "mt_position"
"""Session key: {meeting_id: index of the item shown} while walking."""
FLASH_KEY = "mt_flash"
ERROR_KEY = "mt_error"
MINUTES_KEY = "mt_minutes_pick"
DETAIL_URL = "kpi_detail"
SCORECARD_URL = "scorecard"
CHART_HEIGHT = {False: 320, True: 300}
KIND_COLOURS = {
    "action_due": "#0072B2",
    "red": STATUS_COLOURS["red"],
    "alert": STATUS_COLOURS["amber"],
    "overdue": "#CC79A7",
    "unit_fell": "#56B4E9",
    "custom": "#555555",
}

_CSS = """
<style>
.mt-kind {display:inline-block; padding:0 .5em; border-radius:.8em; font-weight:600; color:#fff;
  white-space:nowrap; font-size:.9em;}
.mt-title {font-size:1.45rem; font-weight:700; line-height:1.3; margin:.1rem 0 .4rem 0; color:#111;}
.mt-head {font-size:1.15rem; font-weight:700; color:#111; margin:0;}
.mt-pos {font-size:1.1rem; font-weight:600; color:#333; text-align:center; white-space:nowrap; line-height:2.5rem;}
.st-key-mt_bar [data-testid="stMarkdownContainer"] {margin-bottom:0;}
.st-key-mt_bar [data-testid="stElementContainer"]:has(.mt-pos) {margin-top:-.3rem;}
.mt-figs {border-collapse:collapse; width:100%; font-size:1.15rem; line-height:1.35; margin:.2rem 0 .4rem 0;}
.mt-figs th, .mt-figs td {border:none !important; border-bottom:1px solid #E5E5E5 !important;}
.mt-figs th {text-align:left; font-weight:600; color:#444; padding:.1rem .5rem .1rem 0; white-space:nowrap;}
.mt-figs td {text-align:right; font-variant-numeric:tabular-nums; padding:.1rem 0; color:#111;}
.mt-note {color:#333; font-size:1rem; margin:.2rem 0;}
.mt-decision {white-space:pre-wrap; overflow-wrap:anywhere;}
.mt-dropped td {color:#777 !important; text-decoration:line-through;}
.bsc-table td.mt-wrap {white-space:pre-wrap; overflow-wrap:anywhere;}
</style>
"""
_MEETING_CSS = """
<style>
.mt-title {font-size:1.6rem;}
.mt-figs {font-size:1.25rem;}
@media (max-height: 860px) {
  .mt-title {font-size:1.35rem; margin-bottom:.2rem;}
  .mt-figs {font-size:1.1rem;}
}
</style>
"""


# --------------------------------------------------------------------------- helpers


def _flash() -> None:
    note = st.session_state.pop(FLASH_KEY, None)
    if note:  # a toast: the item on the screen does not move
        st.toast(note, icon=":material/check:")
    problem = st.session_state.pop(ERROR_KEY, None)
    if problem:
        st.error(problem, icon=":material/block:")


def _write(attempt, done: str | None, lang: str) -> bool:
    """Run a write; say why it was refused, or remember ``done`` for the next run and rerun."""
    try:
        attempt()
    except (access.AccessError, StoreError) as exc:
        st.error(error_text(exc, lang), icon=":material/block:")
        return False
    data.clear_caches()
    if done:
        st.session_state[FLASH_KEY] = done
    st.rerun()
    return True  # pragma: no cover - st.rerun raises


def kind_pill(kind: str, lang: str) -> str:
    colour = KIND_COLOURS.get(kind, "#555555")
    return f'<span class="mt-kind" style="background:{colour}">{html_text(t(f"agenda.kind.{kind}", lang))}</span>'


def _title(item, lang: str, org: Org) -> str:
    return agenda.item_title(item, lang, org, data.store().kpis())


def _kpi_of(item) -> str | None:
    """The KPI (or task) an item is about, if any."""
    if item.kind == "red":
        return item.subject
    ids = item.figures.get("kpi_ids") or []
    return str(ids[0]) if ids else None


def _may_chair(unit_id: str) -> bool:
    return agenda.may_chair(session.viewer(), session.scope(), unit_id)


# --------------------------------------------------------------------------- the page


def page() -> None:
    view = vs.current()
    lang = view.lang
    org = data.org()
    st.html(_CSS + (_MEETING_CSS if view.meeting else ""))
    wanted = st.session_state.pop(NEXT_MODE_KEY, None)
    if wanted in MODES:
        st.session_state[MODE_KEY] = wanted
    if st.session_state.get(MODE_KEY) not in MODES:
        st.session_state[MODE_KEY] = "agenda"
    mode = st.session_state[MODE_KEY]
    heading = t("agenda.heading", lang, unit=org.name(view.unit, lang), period=view.period)
    if mode == "walk":  # the room sees the item: the page's heading takes one small line
        st.markdown(f'<div class="mt-head">{html_text(heading)}</div>', unsafe_allow_html=True)
    else:
        st.title(plain(heading))
    bar = st.container(horizontal=True, vertical_alignment="center", key="mt_bar", gap="medium")
    with bar:
        st.segmented_control(
            t("agenda.mode", lang),
            list(MODES),
            format_func=lambda m: t(f"agenda.mode.{m}", lang),
            key=MODE_KEY,
            required=True,
            label_visibility="collapsed",
        )
    _flash()
    if mode == "walk":
        walk(view, org, bar)
    elif mode == "minutes":
        minutes_view(view, org)
    else:
        agenda_view(view, org)


# --------------------------------------------------------------------------- the agenda


def agenda_view(view: vs.ViewState, org: Org) -> None:
    lang = view.lang
    store = data.store()
    chair = _may_chair(view.unit)
    planned = store.planned_meeting(view.unit, view.period)
    _last_meeting(view, org)
    if planned is None:
        items = agenda.propose(
            store, org, view.unit, view.period, session.scope(), today=date.today(), mask_persons=session.masked()
        )
        st.caption(t("agenda.intro", lang))
        _window(view)
        st.markdown(f"**{html_text(t('agenda.proposed', lang))}**", unsafe_allow_html=True)
        if items:
            st.html(agenda_table(items, lang, org, numbered=True))
        else:
            st.info(t("agenda.empty", lang), icon=":material/check:")
        if chair:
            if st.button(
                t("agenda.prepare", lang), type="primary", key="mt_prepare", help=t("agenda.prepare_help", lang)
            ):
                _write(
                    lambda: agenda.plan(
                        store,
                        org,
                        view.unit,
                        view.period,
                        viewer=session.viewer(),
                        scope=session.scope(),
                        by=session.who(),
                        today=date.today(),
                        mask_persons=session.masked(),
                    ),
                    None,
                    lang,
                )
        else:
            st.caption(t("agenda.read_only", lang))
        return
    meeting = agenda.minutes(store, session.scope(), int(planned["meeting_id"]), mask_persons=session.masked(), org=org)
    if meeting is None:
        return
    when = pd.Timestamp(planned["updated_at"]).strftime("%Y-%m-%d %H:%M")
    st.caption(t("agenda.prepared", lang, who=plain(planned["updated_by"]), when=when))
    _window(view)
    if chair:
        _edit_list(meeting, view, org)
    else:
        st.html(agenda_table(list(meeting.shown), lang, org, numbered=True))
        st.caption(t("agenda.read_only", lang))
    if meeting.shown:
        st.button(
            t("agenda.start", lang),
            type="primary",
            key="mt_start",
            icon=":material/play_arrow:",
            on_click=_start,
            args=(meeting.meeting_id,),
        )


def _start(meeting_id: int) -> None:
    st.session_state[POSITION_KEY] = {meeting_id: 0}
    st.session_state[MODE_KEY] = "walk"


def _window(view: vs.ViewState) -> None:
    since, until, last = agenda.window(data.store(), view.unit, view.period, date.today())
    if last is not None and last.get("held_on") is not None:
        day = pd.Timestamp(last["held_on"]).strftime("%Y-%m-%d")
        st.caption(t("agenda.since", view.lang, since=since.isoformat(), until=until.isoformat(), last=day))
    else:
        st.caption(t("agenda.since_first", view.lang, since=since.isoformat(), until=until.isoformat()))


def _last_meeting(view: vs.ViewState, org: Org) -> None:
    found = agenda.meetings(data.store(), session.scope(), view.unit)
    found = found[found["period"] < view.period]
    if found.empty:
        return
    row = found.iloc[0]
    st.caption(
        t(
            "agenda.minutes.last",
            view.lang,
            day=pd.Timestamp(row["held_on"]).strftime("%Y-%m-%d"),
            period=row["period"],
            decisions=int(row["decisions"]),
            actions=int(row["actions"]),
        )
    )


def agenda_table(items: list, lang: str, org: Org, *, numbered: bool, decisions: bool = False) -> str:
    """Agenda items as an HTML table: number, kind, the item (and its unit
    when not the meeting's), with the decision and actions for minutes."""
    heads = [t("agenda.col.no", lang), t("agenda.col.kind", lang), t("agenda.col.item", lang)]
    if decisions:
        heads += [t("agenda.col.decision", lang), t("agenda.col.actions", lang)]
    head = "".join(f"<th>{html_text(h)}</th>" for h in heads)
    rows = []
    n = 0
    for item in items:
        dropped = getattr(item, "dropped", False)
        n += 0 if dropped else 1
        number_text = html_text(t("agenda.dropped", lang)) if dropped else (str(n) if numbered else "")
        cells = [
            f'<td class="num">{number_text}</td>',
            f"<td>{kind_pill(item.kind, lang)}</td>",
            f'<td class="mt-wrap">{html_text(_title(item, lang, org))}</td>',
        ]
        if decisions:
            cells.append(f'<td class="mt-wrap">{html_text(item.decision) or "–"}</td>')
            cells.append(f"<td>{html_text(_links_text(item, lang)) or '–'}</td>")
        rows.append(f"<tr{' class=mt-dropped' if dropped else ''}>{''.join(cells)}</tr>")
    return (
        f'<table class="bsc-table mt-agenda" data-testid="mt-agenda"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _links_text(item, lang: str) -> str:
    return ", ".join(f"#{a} ({t(f'agenda.minutes.{how}', lang)})" for a, how in item.actions)


def _edit_list(meeting: agenda.Minutes, view: vs.ViewState, org: Org) -> None:
    """The prepared agenda with each item's controls: up, down, drop; the
    dropped ones below with 'take back'; a form to add an item."""
    lang = view.lang
    kw = {"viewer": session.viewer(), "scope": session.scope(), "by": session.who()}
    store = data.store()
    shown = list(meeting.shown)
    if not shown:
        st.info(t("agenda.walk.none", lang))
    mid = meeting.meeting_id
    with st.container(key="mt_edit"):
        for n, item in enumerate(shown, start=1):
            cols = st.columns([0.5, 9, 0.8, 0.8, 0.8], vertical_alignment="center")
            cols[0].markdown(f"**{n}**")
            cols[1].markdown(
                f"{kind_pill(item.kind, lang)} {html_text(_title(item, lang, org))}", unsafe_allow_html=True
            )
            no = item.item_no
            if cols[2].button(
                "", icon=":material/arrow_upward:", key=f"mt_up_{no}", help=t("agenda.up", lang), disabled=n == 1
            ):
                before = shown[n - 2].position  # the place of the shown item above (dropped ones keep theirs)
                _write(lambda no=no, before=before: agenda.move_item(store, mid, no, before, **kw), None, lang)
            if cols[3].button(
                "",
                icon=":material/arrow_downward:",
                key=f"mt_down_{no}",
                help=t("agenda.down", lang),
                disabled=n == len(shown),
            ):
                # after the next shown item (dropped ones keep their place)
                after = shown[n].position
                _write(lambda no=no, after=after: agenda.move_item(store, mid, no, after, **kw), None, lang)
            if cols[4].button("", icon=":material/delete:", key=f"mt_drop_{no}", help=t("agenda.drop", lang)):
                _write(lambda no=no: agenda.drop_item(store, mid, no, **kw), None, lang)
    dropped = [i for i in meeting.items if i.dropped]
    if dropped:
        with st.expander(t("agenda.dropped_count", lang, count=len(dropped))):
            for item in dropped:
                left, right = st.columns([9, 2], vertical_alignment="center")
                left.markdown(
                    f"{kind_pill(item.kind, lang)} {html_text(_title(item, lang, org))}", unsafe_allow_html=True
                )
                if right.button(t("agenda.take_back", lang), key=f"mt_back_{item.item_no}"):
                    _write(
                        lambda no=item.item_no: agenda.drop_item(store, meeting.meeting_id, no, dropped=False, **kw),
                        None,
                        lang,
                    )
    with st.form("mt_add_form", clear_on_submit=True, border=False):
        left, right = st.columns([6, 1], vertical_alignment="bottom")
        title = left.text_input(t("agenda.add", lang), max_chars=agenda.MAX_TITLE, key="mt_add_title")
        if right.form_submit_button(t("agenda.add_button", lang), key="mt_add"):
            _write(lambda: agenda.add_item(store, meeting.meeting_id, title, **kw), t("agenda.added", lang), lang)
    left, right = st.columns(2)
    if left.button(t("agenda.repropose", lang), key="mt_repropose", help=t("agenda.repropose_help", lang)):
        _write(
            lambda: agenda.repropose(
                store, org, meeting.meeting_id, today=date.today(), mask_persons=session.masked(), **kw
            ),
            None,
            lang,
        )
    with right.popover(t("agenda.discard", lang), icon=":material/delete_forever:"):
        st.caption(t("agenda.discard_warning", lang))
        if st.button(t("agenda.discard", lang), key="mt_discard", type="primary"):
            _write(lambda: agenda.discard(store, meeting.meeting_id, **kw), t("agenda.discarded", lang), lang)


# --------------------------------------------------------------------------- the walk


def _step(meeting_id: int, delta: int, count: int) -> None:
    positions = dict(st.session_state.get(POSITION_KEY) or {})
    positions[meeting_id] = min(max(positions.get(meeting_id, 0) + delta, 0), max(count - 1, 0))
    st.session_state[POSITION_KEY] = positions


def walk(view: vs.ViewState, org: Org, bar=None) -> None:
    """The prepared agenda one item at a time; Previous / Next go into ``bar``
    (the row of the mode control) when given."""
    lang = view.lang
    store = data.store()
    planned = store.planned_meeting(view.unit, view.period)
    if planned is None:
        st.info(t("agenda.walk.not_prepared", lang), icon=":material/info:")
        return
    meeting = agenda.minutes(store, session.scope(), int(planned["meeting_id"]), mask_persons=session.masked(), org=org)
    if meeting is None:
        return
    items = list(meeting.shown)
    if not items:
        st.info(t("agenda.walk.none", lang))
        return
    mid = meeting.meeting_id
    index = min(max((st.session_state.get(POSITION_KEY) or {}).get(mid, 0), 0), len(items) - 1)
    with bar if bar is not None else st.container(horizontal=True, vertical_alignment="center", key="mt_nav"):
        st.button(
            t("agenda.walk.previous", lang),
            icon=":material/arrow_back:",
            key="mt_prev",
            disabled=index == 0,
            on_click=_step,
            args=(mid, -1, len(items)),
            shortcut="Left",
        )
        st.markdown(
            f'<div class="mt-pos" data-testid="mt-position">'
            f"{html_text(t('agenda.walk.position', lang, n=index + 1, count=len(items)))}</div>",
            unsafe_allow_html=True,
            width="content",
        )
        st.button(
            t("agenda.walk.next", lang),
            icon=":material/arrow_forward:",
            key="mt_next",
            disabled=index == len(items) - 1,
            on_click=_step,
            args=(mid, 1, len(items)),
            shortcut="Right",
            type="primary",
        )
    item = items[index]
    st.markdown(
        f'<div class="mt-title" data-testid="mt-item-title">{kind_pill(item.kind, lang)} '
        f"{html_text(_title(item, lang, org))}</div>",
        unsafe_allow_html=True,
    )
    left, right = st.columns([2, 3])
    with left:
        _item_figures(item, view, org)
    with right:
        _item_chart(item, view)
    chair = _may_chair(meeting.unit_id)
    decide_col, act_col = st.columns([1, 1])
    with decide_col:
        _decision(meeting, item, view, chair)
    with act_col:
        _item_actions(meeting, item, view, org, chair)
    if chair:
        _finish_form(meeting, view)


def _figure_rows(item, lang: str) -> list[tuple[str, str]]:
    f = item.figures
    if item.kind == "red":
        unit = measure(f.get("measure"), lang)
        rows = [
            (t("agenda.fig.actual", lang), number(_f(f.get("actual")), 2, unit)),
            (t("agenda.fig.target", lang), number(_f(f.get("target")), 2, unit)),
            (t("agenda.fig.completion", lang), percent(_f(f.get("completion")))),
            (t("agenda.fig.points", lang), f"{number(_f(f.get('points')), 1)} / {number(_f(f.get('weight')), 0)}"),
            (t("agenda.fig.lost", lang), number(_f(f.get("points_lost")), 1)),
            (
                t("agenda.fig.streak", lang),
                t(
                    "alert.months_one" if f.get("streak") == 1 else "alert.months_many",
                    lang,
                    count=int(f.get("streak") or 1),
                ),
            ),
        ]
        if f.get("task"):
            rows = rows[2:]
        return rows
    if item.kind == "unit_fell":
        return [
            (t("agenda.fig.previous", lang), number(_f(f.get("previous")), 1)),
            (t("agenda.fig.total", lang), number(_f(f.get("total")), 1)),
            (t("agenda.fig.fall", lang), number(_f(f.get("fall")), 1)),
        ]
    return []


def _f(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _item_figures(item, view: vs.ViewState, org: Org) -> None:
    lang = view.lang
    rows = _figure_rows(item, lang)
    if item.kind in ("action_due", "overdue"):
        _action_card(item, view, org)
    if rows:
        body = "".join(f"<tr><th>{html_text(k)}</th><td>{html_text(v)}</td></tr>" for k, v in rows)
        status = item.figures.get("status") if item.kind == "unit_fell" else None
        pill = status_pill(status, lang) if isinstance(status, str) else ""
        st.markdown(f'{pill}<table class="mt-figs" data-testid="mt-figures">{body}</table>', unsafe_allow_html=True)
    for note in item.figures.get("alerts") or () if item.kind == "red" else ():
        line = agenda.AgendaItem(kind="alert", subject="", unit_id=item.unit_id, figures={"alerts": [note]})
        st.markdown(f'<div class="mt-note">⚠ {html_text(_title(line, lang, org))}</div>', unsafe_allow_html=True)
    kpi_id = _kpi_of(item)
    if kpi_id and item.unit_id and item.kind in ("red", "alert"):
        _comments(item.unit_id, kpi_id, view)
        href = f"{DETAIL_URL}?{view.query_string(unit=item.unit_id, kpi=kpi_id, meeting=view.meeting)}"
        st.markdown(f"[{plain(t('agenda.detail_link', lang))}]({href})")
    if item.kind == "unit_fell":
        href = f"{SCORECARD_URL}?{view.query_string(unit=item.unit_id, kpi=None)}"
        st.markdown(f"[{plain(t('agenda.scorecard_link', lang))}]({href})")


def _action_card(item, view: vs.ViewState, org: Org) -> None:
    """An action item's figures, read afresh (its status may have moved in the meeting)."""
    lang = view.lang
    f = item.figures
    action = data.store().action(int(item.subject)) if str(item.subject).isdigit() else None
    status = str(action["status"]) if action else str(f.get("status"))
    due = pd.Timestamp(action["due"]).strftime("%Y-%m-%d") if action else str(f.get("due"))
    rows = [
        (t("agenda.fig.status", lang), t(f"review.status.{status}", lang)),
        (t("agenda.fig.due", lang), due),
        (t("agenda.fig.owner", lang), agenda.owner_text(f, org, lang)),
    ]
    if int(f.get("days_overdue") or 0) and status in review.OPEN_STATUSES:
        rows.append((t("agenda.fig.overdue", lang), t("agenda.days", lang, count=int(f["days_overdue"]))))
    body = "".join(f"<tr><th>{html_text(k)}</th><td>{html_text(v)}</td></tr>" for k, v in rows)
    st.markdown(f'<table class="mt-figs" data-testid="mt-figures">{body}</table>', unsafe_allow_html=True)


def _comments(unit_id: str, kpi_id: str, view: vs.ViewState) -> None:
    lang = view.lang
    found = review.comments(data.store(), session.scope(), unit_id, kpi_id, upto=view.period)
    found = found[found["period"] == view.period]
    if found.empty:
        st.caption(t("agenda.no_comments", lang))
        return
    row = found.iloc[0]
    for field in ("analysis", "outlook"):
        text = row.get(field)
        if isinstance(text, str) and text:
            st.markdown(
                f'<div class="mt-note"><b>{html_text(t(f"review.{field}", lang))}</b>: {html_text(text)}</div>',
                unsafe_allow_html=True,
            )


def _item_chart(item, view: vs.ViewState) -> None:
    if item.kind == "unit_fell" and item.unit_id:
        _child_kpis(item.unit_id, view)
        return
    kpi_id = _kpi_of(item)
    kpis = data.kpis()
    if (
        item.figures.get("alert") == "missing"
        or item.kind == "unit_fell"
        or not kpi_id
        or not item.unit_id
        or kpi_id not in kpis.index
    ):
        return
    months = [p for p in data.periods() if p <= view.period][-13:]
    history = data.history(item.unit_id, months)
    history = history[history["kpi_id"] == kpi_id]
    if history.empty:
        return
    fig = figures.kpi_over_time(history, kpis.loc[kpi_id], view.lang, big=view.meeting)
    # short: the item's title above says what it is; the legend goes on top,
    # the months stand upright every other month
    fig.update_layout(
        height=CHART_HEIGHT[view.meeting],
        title=None,
        margin={"t": 40, "b": 30, "l": 60, "r": 20},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    fig.update_xaxes(dtick="M2", tick0=f"{view.period}-01", tickangle=0)  # the month reviewed is labelled
    st.plotly_chart(fig, theme=None, config={"displayModeBar": False}, key=f"mt_chart_{item.item_no}")


def _save_decision(meeting_id: int, item_no: int, key: str, lang: str) -> None:
    """The decision box's callback: it runs when the box loses focus (a click
    on Next too) or on Ctrl+Enter, so a decision typed is never lost."""
    try:
        changed = agenda.decide(
            data.store(),
            meeting_id,
            item_no,
            st.session_state.get(key) or "",
            viewer=session.viewer(),
            scope=session.scope(),
            by=session.who(),
        )
    except (access.AccessError, StoreError) as exc:
        st.session_state[ERROR_KEY] = error_text(exc, lang)
        return
    if changed:
        st.session_state[FLASH_KEY] = t("agenda.decision_saved", lang)


def _child_kpis(unit_id: str, view: vs.ViewState) -> None:
    """Why a unit below fell: its KPIs, the most points lost first."""
    lang = view.lang
    kpis = data.card(unit_id, view.period, "month").kpis
    if kpis.empty:
        return
    kpis = kpis[kpis["role"] != "info"]
    kpis = kpis.assign(lost=kpis["weight"] - kpis["points"]).sort_values("lost", ascending=False)
    heads = [t("col.kpi", lang), t("agenda.fig.completion", lang), t("agenda.fig.lost", lang), t("col.status", lang)]
    head = "".join(f"<th>{html_text(h)}</th>" for h in heads)
    rows = "".join(
        f"<tr><td>{html_text(kpi_name(r, lang))}</td><td class='num'>{percent(r['completion'])}</td>"
        f"<td class='num'>{number(r['lost'], 1)}</td><td class='bsc-st'>{status_pill(str(r['status']), lang)}</td></tr>"
        for _, r in kpis.iterrows()
    )
    st.html(f'<table class="bsc-table mt-child"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


def _decision(meeting: agenda.Minutes, item, view: vs.ViewState, chair: bool) -> None:
    lang = view.lang
    st.markdown(f"**{html_text(t('agenda.decision', lang))}**", unsafe_allow_html=True)
    if not chair:
        text = item.decision or t("agenda.no_decision", lang)
        st.markdown(f'<div class="mt-note mt-decision">{html_text(text)}</div>', unsafe_allow_html=True)
        return
    key = f"mt_decision_{meeting.meeting_id}_{item.item_no}"
    if key not in st.session_state:
        st.session_state[key] = item.decision
    args = (meeting.meeting_id, item.item_no, key, lang)
    st.text_area(
        t("agenda.decision", lang),
        key=key,
        max_chars=agenda.MAX_TEXT,
        height=68,
        label_visibility="collapsed",
        help=t("agenda.decision_help", lang),
        on_change=_save_decision,
        args=args,
    )
    st.button(
        t("agenda.save_decision", lang),
        type="primary",
        key=f"mt_save_{item.item_no}",
        on_click=_save_decision,
        args=args,
    )


def _item_actions(meeting: agenda.Minutes, item, view: vs.ViewState, org: Org, chair: bool) -> None:
    """The actions linked to the item, the open actions on its KPI, and the
    forms: a new action from the item; an update of the item's action."""
    lang = view.lang
    store = data.store()
    kpi_id = _kpi_of(item)
    linked = {a for a, _ in item.actions}
    if item.kind in ("action_due", "overdue") and str(item.subject).isdigit():
        linked.add(int(item.subject))
    found = review.actions(store, session.scope(), [item.unit_id or meeting.unit_id], kpi_id)
    if not found.empty:
        found = found[found["action_id"].isin(linked) | found["status"].isin(review.OPEN_STATUSES)]
    label = "agenda.item_actions" if not kpi_id else "agenda.open_actions"
    st.markdown(f"**{html_text(t(label, lang))}**", unsafe_allow_html=True)
    if found.empty:
        st.caption(t("agenda.no_open_actions" if kpi_id else "agenda.no_item_actions", lang))
    else:
        st.dataframe(review_ui.action_table(found, org, lang, with_unit=False), hide_index=True, height="content")
    if not chair:
        return
    unit = item.unit_id or meeting.unit_id
    if item.kind in ("action_due", "overdue") and str(item.subject).isdigit():
        _update_form(meeting, item, int(item.subject), lang)
    if session.allowed("comment", unit):
        _new_action_form(meeting, item, view, org, unit, kpi_id)


def _new_action_form(meeting, item, view: vs.ViewState, org: Org, unit: str, kpi_id: str | None) -> None:
    lang = view.lang
    store = data.store()
    card = data.card(unit, view.period, "month")
    choices = list(card.kpis["kpi_id"])
    kpis = data.kpis()
    owners = review_ui.owner_options(replace_unit(view, unit), org)
    users = store.users().set_index("name")

    def owner_label(o: str) -> str:
        if o in org:
            return org.name(o, lang)
        display = users.loc[o, "display"] if o in users.index else o
        return f"👤 {display}"

    with (
        st.expander(t("agenda.new_action", lang), icon=":material/add_task:"),
        st.form(f"mt_action_form_{item.item_no}", border=False, clear_on_submit=True),
    ):
        title = st.text_input(
            t("review.col.title", lang), max_chars=review.MAX_TITLE, key=f"mt_action_title_{item.item_no}"
        )
        left, right = st.columns(2)
        owner = left.selectbox(
            t("review.col.owner", lang),
            owners,
            index=owners.index(unit) if unit in owners else 0,
            format_func=owner_label,
            key=f"mt_action_owner_{item.item_no}",
        )
        due = right.date_input(
            t("review.col.due", lang),
            value=date.today() + timedelta(days=review_ui.DEFAULT_DUE_DAYS),
            key=f"mt_action_due_{item.item_no}",
        )
        linked = st.multiselect(
            t("review.col.kpis", lang),
            choices,
            default=[kpi_id] if kpi_id in choices else [],
            format_func=lambda k: kpi_name(kpis.loc[k], lang) if k in kpis.index else k,
            key=f"mt_action_kpis_{item.item_no}",
        )
        if st.form_submit_button(t("review.create_action", lang), type="primary", key=f"mt_create_{item.item_no}"):
            made: list[int] = []

            def attempt() -> None:
                made.append(
                    agenda.create_action_from_item(
                        store,
                        data.org(),
                        meeting.meeting_id,
                        item.item_no,
                        viewer=session.viewer(),
                        scope=session.scope(),
                        title=title,
                        owner=owner or "",
                        due=due,
                        kpi_ids=linked,
                        by=session.who(),
                    )
                )

            try:
                attempt()
            except (access.AccessError, StoreError) as exc:
                st.error(error_text(exc, lang), icon=":material/block:")
                return
            data.clear_caches()
            st.session_state[FLASH_KEY] = t("agenda.action_created", lang, id=made[0])
            st.rerun()


def replace_unit(view: vs.ViewState, unit: str) -> vs.ViewState:
    return replace(view, unit=unit)


def _update_form(meeting, item, action_id: int, lang: str) -> None:
    store = data.store()
    action = store.action(action_id)
    if action is None or not review.may_update(session.viewer(), session.scope(), action):
        return
    with (
        st.expander(t("agenda.update_action", lang), icon=":material/edit:"),
        st.form(f"mt_update_form_{item.item_no}", border=False),
    ):
        left, right = st.columns(2)
        statuses = list(review.ACTION_STATUSES)
        status = left.selectbox(
            t("review.col.status", lang),
            statuses,
            index=statuses.index(action["status"]) if action["status"] in statuses else 0,
            format_func=lambda s: t(f"review.status.{s}", lang),
            key=f"mt_update_status_{item.item_no}",
        )
        due = right.date_input(
            t("agenda.new_due", lang), value=pd.Timestamp(action["due"]).date(), key=f"mt_update_due_{item.item_no}"
        )
        note = st.text_input(t("agenda.note", lang), max_chars=review.MAX_TITLE, key=f"mt_update_note_{item.item_no}")
        if st.form_submit_button(t("agenda.update_action", lang), key=f"mt_update_{item.item_no}"):
            changed: list[bool] = []

            def attempt() -> None:
                changed.append(
                    agenda.update_action_from_item(
                        store,
                        meeting.meeting_id,
                        item.item_no,
                        action_id,
                        viewer=session.viewer(),
                        scope=session.scope(),
                        by=session.who(),
                        status=status,
                        due=due,
                        note=note or f"meeting {meeting.meeting_id}",
                    )
                )

            _write(attempt, t("agenda.action_updated", lang, id=action_id), lang)


def _finish_form(meeting: agenda.Minutes, view: vs.ViewState) -> None:
    lang = view.lang
    undecided = sum(1 for i in meeting.shown if not i.decision)
    with (
        st.expander(t("agenda.finish", lang), icon=":material/flag:"),
        st.form("mt_finish_form", border=False),
    ):
        st.caption(t("agenda.finish_help", lang))
        if undecided:
            st.warning(t("agenda.undecided", lang, count=undecided), icon=":material/info:")
        left, right = st.columns([1, 2])
        held_on = left.date_input(t("agenda.held_on", lang), value=date.today(), key="mt_held_on")
        chair = right.text_input(
            t("agenda.chair", lang), value=session.viewer().display, max_chars=agenda.MAX_TITLE, key="mt_chair"
        )
        attendees = st.text_area(t("agenda.attendees", lang), max_chars=agenda.MAX_NAMES, key="mt_attendees", height=70)
        if st.form_submit_button(t("agenda.finish", lang), type="primary", key="mt_finish"):
            try:
                agenda.finish(
                    data.store(),
                    meeting.meeting_id,
                    viewer=session.viewer(),
                    scope=session.scope(),
                    held_on=held_on,
                    chair=chair,
                    attendees=attendees,
                    by=session.who(),
                )
            except (access.AccessError, StoreError) as exc:
                st.error(error_text(exc, lang), icon=":material/block:")
                return
            data.clear_caches()
            st.session_state[FLASH_KEY] = t("agenda.finished", lang)
            st.session_state[NEXT_MODE_KEY] = "minutes"
            st.session_state[MINUTES_KEY] = meeting.meeting_id
            st.rerun()


# --------------------------------------------------------------------------- the minutes


def minutes_view(view: vs.ViewState, org: Org) -> None:
    lang = view.lang
    store = data.store()
    found = agenda.meetings(store, session.scope(), view.unit)
    if found.empty:
        st.info(t("agenda.minutes.none", lang, unit=plain(org.name(view.unit, lang))), icon=":material/info:")
        return
    ids = [int(i) for i in found["meeting_id"]]
    by_id = found.set_index("meeting_id")
    if st.session_state.get(MINUTES_KEY) not in ids:
        st.session_state[MINUTES_KEY] = ids[0]

    def label(meeting_id: int) -> str:
        row = by_id.loc[meeting_id]
        day = pd.Timestamp(row["held_on"]).strftime("%Y-%m-%d")
        return t("agenda.minutes.option", lang, period=row["period"], day=day, items=int(row["items"]))

    picked = st.selectbox(t("agenda.minutes.pick", lang), ids, format_func=label, key=MINUTES_KEY)
    meeting = agenda.minutes(store, session.scope(), int(picked), mask_persons=session.masked(), org=org)
    if meeting is None:
        return
    show_minutes(meeting, lang, org)


def show_minutes(meeting: agenda.Minutes, lang: str, org: Org) -> None:
    """One meeting's minutes as recorded: who, when, the items with their
    decisions and actions, dropped items marked, the actions decided."""
    day = meeting.held_on.isoformat() if meeting.held_on else "–"
    st.subheader(
        t(
            "agenda.minutes.heading",
            lang,
            unit=plain(org.name(meeting.unit_id, lang)),
            period=meeting.period,
            day=day,
        )
    )
    st.markdown(
        f'<div class="mt-note">{html_text(t("agenda.minutes.chair", lang, chair=meeting.chair))}</div>'
        f'<div class="mt-note">{html_text(t("agenda.minutes.attendees", lang, names=meeting.attendees or "–"))}</div>',
        unsafe_allow_html=True,
    )
    shown = list(meeting.shown)
    dropped = [i for i in meeting.items if i.dropped]
    st.html(agenda_table(shown + dropped, lang, org, numbered=True, decisions=True))
    if meeting.hidden_items:
        st.caption(t("agenda.minutes.hidden", lang, count=meeting.hidden_items))
    if not meeting.actions.empty:
        st.markdown(f"**{html_text(t('agenda.minutes.actions', lang))}**", unsafe_allow_html=True)
        st.dataframe(review_ui.action_table(meeting.actions, org, lang), hide_index=True)
