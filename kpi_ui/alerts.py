"""Alerts on the pages: cached evaluation, severity badges and markers, the
alert list with its deep links, the acknowledgement form and the thresholds form.

The scorecard page calls :func:`summary`, :func:`headline`, :func:`kpi_marker`
and :func:`child_marker`; the alerts page calls the rest. Both read the same
cached evaluation (:func:`for_unit`), so their counts are the same.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi_core import alerts, review
from kpi_core.i18n import t
from kpi_ui import data, session, theme
from kpi_ui import review as review_ui
from kpi_ui.state import ViewState
from kpi_ui.text import html_text, plain

ROOT = Path(__file__).resolve().parents[1]
SCORECARD_PAGE = "pages/1_scorecard.py"
DETAIL_PAGE = "pages/2_kpi_detail.py"
ALERTS_PAGE = "pages/3_alerts.py"
#: Severity is shown by colour, a symbol and a word (colour-blind safe): the
#: status palette for critical / warning, Okabe-Ito blue for info.
SEVERITY_COLOURS = {
    "critical": theme.STATUS_COLOURS["red"],
    "warning": theme.STATUS_COLOURS["amber"],
    "info": "#0072B2",
}
SEVERITY_SYMBOLS = {"critical": "✖", "warning": "▲", "info": "ℹ"}
FLASH_KEY = "alerts_flash"


# --------------------------------------------------------------------------- data


@st.cache_data(show_spinner=False, max_entries=64)
def _evaluate(path: str, period: str, unit_id: str, role: str, scope_unit: str | None) -> pd.DataFrame:
    # only the unit's subtree: a department of a large company need not wait
    # for the whole organisation's alerts (the rules are per series); the
    # company's subtree is everyone, read without a filter
    tree = data.org()
    subtree = None if unit_id == tree.company_id else tree.subtree(unit_id)
    # issue 16: "red, no action" once the company tracks action items
    follow_up = review.in_use(data.store())
    return alerts.evaluate(data.store(), period, subtree, scope=data.scope(), follow_up=follow_up, org=tree)


def for_unit(unit_id: str, period: str) -> pd.DataFrame:
    """Every alert of ``period`` for ``unit_id`` and the units below it that
    the reader may see, worst first."""
    return _evaluate(data.db_path(), period, unit_id, *session.scope_key())


def names() -> alerts.Names:
    """Unit and KPI names as stored (for plain-text places: options, tables)."""
    return alerts.Names.from_frames(data.org().units, data.kpis())


def markdown_names(names_: alerts.Names) -> alerts.Names:
    """The same names, made literal for Markdown (:func:`kpi_ui.text.plain`)
    where an alert sentence puts them, for sentences shown with ``st.markdown``."""
    return replace(names_, escape=plain)


def summary(unit_id: str, period: str) -> dict:
    """:func:`kpi_core.alerts.summary` of the unit for the month (counts over
    the subtree, worst severity per own KPI, counts per child)."""
    return alerts.summary(for_unit(unit_id, period), data.org(), unit_id)


def settings() -> alerts.AlertSettings:
    return alerts.AlertSettings.from_settings(data.store().alert_settings())


# --------------------------------------------------------------------------- labels


def severity_label(severity: str, lang: str) -> str:
    """'✖ critical': symbol and word."""
    return f"{SEVERITY_SYMBOLS[severity]} {t(f'alert.severity.{severity}', lang)}"


def severity_badge(severity: str, lang: str, count: int | None = None) -> str:
    """An HTML pill in the severity's colour, with symbol and word (and a count)."""
    colour = SEVERITY_COLOURS[severity]
    text = (
        severity_label(severity, lang)
        if count is None
        else f"{SEVERITY_SYMBOLS[severity]} {count} {t(f'alert.severity.{severity}', lang)}"
    )
    return f'<span class="bsc-badge" style="border-color:{colour};color:{colour}">{html_text(text)}</span>'


def kpi_marker(summary_: dict, kpi_id: str, lang: str) -> str:
    """The marker of one KPI row of the unit's own scorecard ('' without alerts)."""
    severity = summary_["kpis"].get(kpi_id)
    return severity_label(severity, lang) if severity else ""


def kpi_markers(summary_: dict, lang: str) -> dict[str, str]:
    """kpi_id -> marker ('✖ critical') for every own KPI with alerts."""
    return {kpi_id: kpi_marker(summary_, kpi_id, lang) for kpi_id in summary_["kpis"]}


def counts_text(counts: dict[str, int] | None, lang: str | None = None) -> str:
    """'✖ 2 critical · ▲ 1 warning' ('✖2 ▲1' without ``lang``, for chart
    labels in any language); severities without alerts are left out, '' when none."""
    counts = counts or {}
    if lang is None:
        return " ".join(f"{SEVERITY_SYMBOLS[s]}{n}" for s, n in counts.items() if n)
    parts = [f"{SEVERITY_SYMBOLS[s]} {n} {t(f'alert.severity.{s}', lang)}" for s, n in counts.items() if n]
    return " · ".join(parts)


def child_marker(counts: dict[str, int] | None, lang: str | None = None) -> str:
    """The marker of one child unit's row: its subtree's counts
    (``summary(...)["children"][child_id]``); '' without alerts."""
    return counts_text(counts, lang)


def headline_counts(counts: dict[str, int], view: ViewState, link: bool = True, open_: dict | None = None) -> None:
    """Alert counts by severity as badges (colour, symbol, number, word), with
    a link to the alerts page at this unit and month; with ``open_`` (the
    counts not yet acknowledged) a line saying how many are still open."""
    lang = view.lang
    st.markdown(f'<div class="bsc-sub">{html_text(t("page.alerts", lang))}</div>', unsafe_allow_html=True)
    if not any(counts.values()):
        st.markdown(t("alert.none", lang))
    else:
        badges = " ".join(severity_badge(s, lang, n) for s, n in counts.items() if n)
        st.markdown(badges, unsafe_allow_html=True)
        if open_ is not None and open_ != counts:  # once one is acknowledged
            st.caption(open_text(counts, open_, lang), help=t("alert.open_help", lang))
    if link and _registered(ALERTS_PAGE):
        st.page_link(
            ALERTS_PAGE,
            label=t("alert.open_list", lang),
            icon=":material/notifications:",
            query_params=view.params(kpi=None),
        )


def open_text(counts: dict[str, int], open_: dict[str, int], lang: str) -> str:
    """'Still open: ✖ 3 critical · ▲ 9 warning; 1 acknowledged'."""
    acknowledged = sum(counts.values()) - sum(open_.values())
    if not any(open_.values()):
        return t("alert.all_acknowledged", lang, count=acknowledged)
    return t("alert.still_open", lang, open=counts_text(open_, lang), acknowledged=acknowledged)


def headline(view: ViewState, summary_: dict | None = None, link: bool = True) -> None:
    """:func:`headline_counts` of the unit's subtree for the month, with the
    number still open."""
    summary_ = summary_ or summary(view.unit, view.period)
    headline_counts(summary_["counts"], view, link, open_=summary_.get("open"))


def _registered(page: str) -> bool:
    return (ROOT / page).exists()


# --------------------------------------------------------------------------- the list


def detail_link(row: dict, view: ViewState, label: str) -> None:
    """A deep link to the KPI detail page at the alert's unit and month."""
    params = view.params(unit=row["unit_id"], kpi=row["kpi_id"], period=row["period"])
    if _registered(DETAIL_PAGE):
        st.page_link(DETAIL_PAGE, label=label, icon=":material/query_stats:", query_params=params)
    else:
        st.caption(label)


def unit_link(row: dict, view: ViewState, label: str) -> None:
    """A link to the scorecard of the alert's unit for the alert's month."""
    params = view.params(unit=row["unit_id"], kpi=None, period=row["period"])
    st.page_link(SCORECARD_PAGE, label=label, icon=":material/dashboard:", query_params=params)


def alert_list(frame: pd.DataFrame, view: ViewState, names_: alerts.Names) -> None:
    """One line per alert (the missing figures of one unit's upload on one
    line): severity badge, sentence, acknowledgement, and links to the unit's
    scorecard and to the KPI detail (one per KPI of a grouped line)."""
    lang = view.lang
    shown_names = markdown_names(names_)
    for i, line in enumerate(alerts.lines(frame)):
        row = line[0]
        with st.container(border=True, key=f"alert_{row['group']}_{i}"):
            left, middle, right = st.columns([1.2, 6, 1.9], vertical_alignment="center")
            left.markdown(severity_badge(row["severity"], lang), unsafe_allow_html=True)
            kind = t("alert.kind." + row["kind"], lang)
            middle.markdown(f"**{kind}** · {alerts.line_message(line, lang, shown_names)}")
            acked = [r for r in line if r["acknowledged"]]
            if acked:
                middle.caption(ack_text(acked[0], lang))
            with right:
                unit_link(row, view, t("alert.open_unit", lang))
                if len(line) == 1:
                    detail_link(row, view, t("alert.open_detail", lang))
                    # issue 16: an action from this alert
                    review_ui.alert_button(
                        row, view, alerts.line_message(line, lang, names_), f"alert_act_{row['group']}_{i}"
                    )
                else:
                    for member in line:
                        detail_link(member, view, plain(names_.kpi(member["kpi_id"], lang)))


def ack_text(row: dict, lang: str) -> str:
    """The acknowledgement line, as Markdown: who, action and comment are
    typed by people and shown literally."""
    when = pd.Timestamp(row["acked_at"]).strftime("%Y-%m-%d %H:%M")
    action, comment = (v if isinstance(v, str) else "" for v in (row["action"], row["comment"]))
    text = "✔ " + t("alert.acknowledged", lang, who=plain(row["acked_by"]), when=when, action=plain(action) or "–")
    return f"{text} ({plain(comment)})" if comment else text


def alert_key(row: dict) -> str:
    return f"{row['kind']}|{row['unit_id']}|{row['kpi_id']}"


def line_key(line: list[dict]) -> str:
    """The key of one line of the list: its alert's, or ``missing|unit|*`` for
    the missing figures of one unit grouped on one line."""
    return alert_key(line[0]) if len(line) == 1 else f"{line[0]['kind']}|{line[0]['unit_id']}|*"


# --------------------------------------------------------------------------- writes


ACK_FIELDS = ("alerts_ack_which", "alerts_ack_action", "alerts_ack_comment")
ACK_ERROR_KEY = "alerts_ack_error"


def ack_form(frame: pd.DataFrame, view: ViewState, names_: alerts.Names) -> None:
    """Pick an alert (a grouped line acknowledges all of its alerts); say
    who, what was done and why; keep it (never hidden). After an
    acknowledgement the counts are recomputed and the form is empty again."""
    lang = view.lang
    found = {line_key(line): line for line in alerts.lines(frame)}
    if not found:
        return
    st.subheader(t("alert.ack.title", lang))

    def label(key: str) -> str:
        line = found[key]
        done = "✔ " if all(r["acknowledged"] for r in line) else ""
        return f"{done}{severity_label(line[0]['severity'], lang)} · {alerts.line_message(line, lang, names_)}"

    st.selectbox(t("alert.ack.which", lang), list(found), format_func=label, key="alerts_ack_which")
    st.caption(t("alert.ack.as", lang, who=plain(session.viewer().display)))
    st.text_input(t("alert.ack.action", lang), key="alerts_ack_action")
    st.text_area(t("alert.ack.comment", lang), key="alerts_ack_comment")
    st.button(
        t("alert.ack.submit", lang),
        key="alerts_ack_submit",
        type="primary",
        on_click=_acknowledge,
        args=(found, lang),
    )
    error = st.session_state.pop(ACK_ERROR_KEY, None)
    if error:
        st.error(error)


def _acknowledge(found: dict[str, list[dict]], lang: str) -> None:
    """The button's callback (it runs before the page, so the counts it
    changes are the ones the page then shows, and the fields can be emptied)."""
    state = st.session_state
    who = session.who()
    line = found.get(state.get("alerts_ack_which")) or next(iter(found.values()))
    if not all(session.allowed("acknowledge_alerts", row["unit_id"]) for row in line):
        state[ACK_ERROR_KEY] = t("access.page_not_permitted", lang)
        return
    for row in line:
        data.store().acknowledge_alert(
            kind=row["kind"],
            unit_id=row["unit_id"],
            kpi_id=row["kpi_id"],
            period=row["period"],
            acked_by=who,
            action=str(state.get("alerts_ack_action") or ""),
            comment=str(state.get("alerts_ack_comment") or ""),
        )
    for key in ACK_FIELDS[1:]:
        state[key] = ""
    state.pop(ACK_FIELDS[0], None)
    data.clear_caches()
    state[FLASH_KEY] = t("alert.ack.done", lang)


def _written(note: str) -> None:
    data.clear_caches()
    st.session_state[FLASH_KEY] = note
    st.rerun()


def flash() -> None:
    """Show the note of the last write (after its rerun)."""
    note = st.session_state.pop(FLASH_KEY, None)
    if note:
        st.success(note, icon=":material/check:")


def ack_history(view: ViewState, names_: alerts.Names) -> None:
    """Every acknowledgement of the month in the unit's subtree, newest first."""
    lang = view.lang
    acks = data.store().alert_acks(view.period, data.scope().filter(data.org().subtree(view.unit)))
    if acks.empty:
        st.caption(t("alert.ack.none", lang))
        return
    table = pd.DataFrame(
        {
            t("alert.col.when", lang): acks["acked_at"].dt.strftime("%Y-%m-%d %H:%M"),
            t("alert.col.who", lang): acks["acked_by"],
            t("alert.col.alert", lang): [
                f"{t(f'alert.kind.{k}', lang)} · {names_.unit(u, lang)} · {names_.kpi(p, lang)}"
                for k, u, p in zip(acks["kind"], acks["unit_id"], acks["kpi_id"], strict=True)
            ],
            t("alert.col.action", lang): acks["action"],
            t("alert.col.comment", lang): acks["comment"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


_COMPANY_FIELDS = (
    ("drop_pp", 0.0, 100.0, 1.0),
    ("band_margin_pp", 0.0, 100.0, 1.0),
    ("signal_min_pp", 0.0, 100.0, 1.0),
    ("window", 6, 36, 1),
    ("min_points", 2, 36, 1),
    ("run_length", 2, 37, 1),
)


def settings_form(view: ViewState) -> None:
    """Company-wide thresholds, and overrides for one KPI."""
    lang = view.lang
    current = settings()
    st.caption(t("alert.settings.help", lang))
    values = {}
    columns = st.columns(3)
    for i, (name, low, high, step) in enumerate(_COMPANY_FIELDS):
        value = getattr(current, name)
        values[name] = columns[i % 3].number_input(
            t(f"alert.settings.{name}", lang),
            min_value=low,
            max_value=high,
            value=type(low)(value),
            step=step,
            key=f"alerts_set_{name}",
        )
    if st.button(t("alert.settings.save", lang), key="alerts_set_save"):
        _save(alerts.AlertSettings(**values, overrides=current.overrides), current, lang)
    _kpi_overrides(current, lang)


def _save(new: alerts.AlertSettings, old: alerts.AlertSettings, lang: str) -> None:
    problems = new.problems(lang)
    if problems:
        st.error(t("alert.settings.invalid", lang, problems=plain("; ".join(problems))))
        return
    if not session.allowed("edit_settings"):
        st.error(t("access.page_not_permitted", lang))
        return
    gone = {key: None for key in old.to_settings() if key not in new.to_settings()}
    data.store().save_alert_settings({**gone, **new.to_settings()}, by=session.who())
    _written(t("alert.settings.saved", lang))


def _kpi_overrides(current: alerts.AlertSettings, lang: str) -> None:
    st.markdown(f"**{t('alert.settings.kpi', lang)}**")
    kpis = data.kpis()
    kpi_id = st.selectbox(
        t("alert.settings.kpi_pick", lang),
        list(kpis.index),
        format_func=lambda k: names().kpi(k, lang),
        key="alerts_set_kpi",
    )
    columns = st.columns(len(alerts.KPI_FIELDS))
    own = {}
    for column, name in zip(columns, alerts.KPI_FIELDS, strict=True):
        own[name] = column.number_input(
            t(f"alert.settings.{name}", lang),
            min_value=0.0,
            max_value=100.0,
            value=float(current.value(name, kpi_id)),
            step=1.0,
            key=f"alerts_set_kpi_{name}_{kpi_id}",
        )
    save, clear = st.columns(2)
    others = tuple(o for o in current.overrides if o[1] != kpi_id)
    if save.button(t("alert.settings.kpi_save", lang), key="alerts_set_kpi_save"):
        mine = tuple((n, kpi_id, float(v)) for n, v in own.items() if float(v) != float(getattr(current, n)))
        _save(_with_overrides(current, others + mine), current, lang)
    if clear.button(t("alert.settings.kpi_clear", lang), key="alerts_set_kpi_clear"):
        _save(_with_overrides(current, others), current, lang)
    if current.overrides:
        st.caption(t("alert.settings.overrides", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("alert.settings.col.setting", lang): [
                        t(f"alert.settings.{n}", lang) for n, _, _ in current.overrides
                    ],
                    t("alert.settings.col.kpi", lang): [names().kpi(k, lang) for _, k, _ in current.overrides],
                    t("alert.settings.col.value", lang): [f"{v:g}" for _, _, v in current.overrides],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _with_overrides(current: alerts.AlertSettings, overrides: tuple) -> alerts.AlertSettings:
    return replace(current, overrides=tuple(sorted(overrides)))
