"""The pieces of the scorecard page: heading, headline, perspective panels and
the children (drill-down). Each takes figures already computed by
kpi_core.scorecard (through kpi_ui.data) and only arranges them.

Layout rules (checked in Chromium by tests/test_layout_browser.py):

* the headline's "previous -> current" wraps between its two figures rather
  than being cut;
* KPI tables lead with the figures (completion, points, status, trend), and
  the perspective panels sit two by two only where each table fits without a
  sideways scroll (one under the other on a laptop with the sidebar open);
  an alert column is shown only in a table with an alerted KPI, and last;
* meeting mode draws the KPI tables in HTML (larger type, coloured status,
  sparklines on their own scale, KPI names linking to their detail), two by
  two; phones get the same tables as cards, one KPI per card;
* the children's chart wraps long names; units without KPIs come last.
"""

from __future__ import annotations

import html
import unicodedata

import pandas as pd
import streamlit as st

from kpi_core.i18n import has, t
from kpi_core.model import PERSPECTIVES, TASK_ROLE
from kpi_core.months import previous_period
from kpi_core.org import Org
from kpi_core.scorecard import Scorecard
from kpi_ui import asof, data, figures, shell
from kpi_ui import state as vs
from kpi_ui.alerts import child_marker, headline_counts
from kpi_ui.design import failing, flagged, kpi_name
from kpi_ui.text import html_text, plain
from kpi_ui.theme import badge, measure, number, percent, status_label, status_pill

DETAIL_PAGE = "pages/2_kpi_detail.py"
DESIGN_PAGE = "pages/6_scorecard_design.py"
DETAIL_URL = "kpi_detail"
"""The KPI detail page's URL path (pages/2_kpi_detail.py), relative to the scorecard's."""

# Widths (px) of the tables' columns, figures first. The name columns grow
# with the longest name, up to what still fits a 1366-wide laptop with the
# sidebar open (its main column is 906 px; a panel's table 872 px).
LAPTOP_MAIN_PX = 906
ROW_MARKER_PX = 34
"""The row-selection column st.dataframe adds on the left, with the table's border."""
PANEL_PADDING_PX = 2 * (16 + 1)
"""A bordered container's padding and border on both sides."""
KPI_WIDTHS = {
    "completion": 84,
    "points": 62,
    "status": 96,
    "trend": 108,
    "actual_target": 140,
    "weight": 60,
    "alert": 80,
}
CHILD_WIDTHS = {"total": 72, "status": 112, "coverage": 110, "kind": 100}
MIN_NAME_PX = 150


def _nonce() -> int:
    """Part of the clickable widgets' keys: bumped on every navigation so a
    selection made before does not fire again when Back returns here."""
    return st.session_state.setdefault("sc_nonce", 0)


def _clickable_table(frame: pd.DataFrame, key: str, column_config: dict) -> list[int]:
    """A one-row-selectable table; returns the selected row positions.
    Missing figures read '–' (st.dataframe would write 'None')."""
    event = st.dataframe(
        frame,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}_{_nonce()}",
        column_config=column_config,
        placeholder="–",
    )
    # AppTest hands a seeded selection back as a plain dict
    return event.selection.rows if hasattr(event, "selection") else event["selection"]["rows"]


def _bump() -> None:
    st.session_state["sc_nonce"] = _nonce() + 1


def _drill(unit: str) -> None:
    """Open ``unit``'s scorecard, at the top of the page (the click that
    drilled down was far below)."""
    _bump()
    st.session_state["sc_scroll_top"] = True
    vs.go(unit=unit, kpi=None)


def _scroll_to_top_once() -> None:
    """After a drill-down, scroll the page back to its top (Streamlit keeps the
    scroll position of the page it replaces). The script is numbers-only."""
    if not st.session_state.pop("sc_scroll_top", False):
        return
    with st.container(key="bsc_scroll_top"):
        st.html(
            f"<script>/* {_nonce()} */"
            "for (const el of document.querySelectorAll("
            '\'[data-testid="stMain"], [data-testid="stAppViewContainer"]\')) el.scrollTop = 0;'
            "window.scrollTo(0, 0);</script>",
            unsafe_allow_javascript=True,
        )


def name_of(row: pd.Series, lang: str) -> str:
    return kpi_name(row, lang)


def _row_label(row: pd.Series, lang: str, failing_ids: set[str]) -> str:
    """A KPI row's name as its table shows it: the design flag, and "as of
    2026-09" when its figures are carried from its last due month (issue 14)."""
    label = flagged(name_of(row, lang), row["kpi_id"], failing_ids)
    if row.get("role") == TASK_ROLE:  # a goal-setting task, marked as one (issue 14)
        label = f"◆ {t('task.mark', lang)} · {label}"
    mark = row.get("review_mark")  # issue 16: ✎ commented, ⚑ red with no open action (kpi_ui.review.marked)
    if isinstance(mark, str) and mark:
        label = f"{label} {mark}"
    carried = row.get("as_of")
    return f"{label} · {t('carried.mark', lang, month=carried)}" if isinstance(carried, str) else label


def _status_text(row: pd.Series, lang: str) -> str:
    """The status word, or "not scored" for an info assignment."""
    return t("carried.not_scored", lang) if row.get("role") == "info" else status_label(row["status"], lang)


def _text_px(text: str) -> int:
    """About how wide ``text`` is in a 14 px table cell, with the cell's padding."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in ("W", "F"))
    return int(6.5 * (len(text) - wide) + 14.5 * wide) + 20


def _name_px(texts, room: int) -> int:
    """The width of a name column: the longest name, at least MIN_NAME_PX, at
    most ``room`` (a longer name is cut in the grid; it is whole in the
    chart's label and on the unit's or KPI's own page)."""
    longest = max((_text_px(str(x)) for x in texts), default=MIN_NAME_PX)
    return max(MIN_NAME_PX, min(room, longest))


def heading(view: vs.ViewState, org: Org) -> None:
    lang = view.lang
    _scroll_to_top_once()
    path = " › ".join(plain(org.name(u, lang)) for u in org.path(view.unit))
    left, right = st.columns([5, 2], vertical_alignment="top")
    with left:
        st.caption(path)
        st.title(
            t(
                "sc.heading",
                lang,
                unit=plain(org.name(view.unit, lang)),
                period=view.period,
                view=t(f"view.{view.view}", lang),
            )
        )
    with right, st.container(horizontal=True, horizontal_alignment="right"):
        asof.control(view)
        with st.popover(t("ui.share", lang), icon=":material/link:"):
            shell.share_link(view)


def previous_card(view: vs.ViewState, source=data) -> Scorecard | None:
    """The scorecard of the period before, from ``source`` (:mod:`kpi_ui.data`
    for the current figures, a :class:`kpi_ui.asof.AsOf` for those of a moment)."""
    prev = previous_period(view.period, view.view)
    if prev not in source.periods():
        return None
    return source.card(view.unit, prev, view.view)


def headline(card: Scorecard, prev: Scorecard | None, view: vs.ViewState, alert_counts: dict | None = None) -> None:
    lang = view.lang
    cols = st.columns([1.2, 1.35, 1.5, 1.3] if alert_counts is not None else [1.2, 1.35, 1.5])
    with cols[0]:
        st.markdown(
            f'<div class="bsc-sub">{html_text(t("sc.total", lang))}</div>'
            f'<div class="bsc-big" data-testid="bsc-total">{number(card.total, 1)}</div>'
            f"<div>{html_text(t('sc.grade', lang))}: <b>{html_text(t(f'grade.{card.grade}', lang))}</b>"
            f" &nbsp; {badge(card.status, lang)}</div>",
            unsafe_allow_html=True,
        )
    with cols[1]:
        st.markdown(change_html(card, prev, view), unsafe_allow_html=True)
    with cols[2]:
        st.markdown(f'<div class="bsc-sub">{html_text(t("sc.kpi_counts", lang))}</div>', unsafe_allow_html=True)
        counts = card.status_counts
        shown = [
            s for s in ("green", "amber", "red", "no_data", "no_target") if counts[s] or s in ("green", "amber", "red")
        ]
        st.markdown(
            " &nbsp; ".join(f'<span class="bsc-nw">{badge(s, lang)} <b>{counts[s]}</b></span>' for s in shown),
            unsafe_allow_html=True,
        )
    if alert_counts is not None:
        with cols[3]:
            headline_counts(alert_counts, view)
    if card.coverage < 1:
        st.warning(t("sc.coverage", lang, share=percent(card.coverage, 0)), icon=":material/warning:")


def change_html(card: Scorecard, prev: Scorecard | None, view: vs.ViewState) -> str:
    """'vs previous month (2026-09)' over '102.6 → 101.5' and the change.

    The two figures are separate pieces that wrap onto two lines in a narrow
    column instead of being cut ('102.6 → 1…')."""
    lang = view.lang
    period = prev.period if prev is not None else previous_period(view.period, view.view)
    label = html_text(t(f"sc.vs_previous.{view.view}", lang, period=period))
    if prev is None or pd.isna(prev.total) or pd.isna(card.total):
        return (
            f'<div class="bsc-sub">{label}</div>'
            f'<div class="bsc-change" data-testid="bsc-change"><span>–</span></div>'
            f'<div><span class="bsc-delta">{html_text(t("sc.no_previous", lang))}</span></div>'
        )
    delta = card.total - prev.total
    kind, arrow = ("flat", "±") if abs(delta) < 0.05 else (("up", "↑") if delta > 0 else ("down", "↓"))
    return (
        f'<div class="bsc-sub">{label}</div>'
        f'<div class="bsc-change" data-testid="bsc-change"><span>{number(prev.total, 1)} →</span>'
        f"<span>{number(card.total, 1)}</span></div>"
        f'<div><span class="bsc-delta bsc-delta-{kind}">{arrow} {_change(delta)}</span></div>'
    )


def _change(delta: float) -> str:
    """'+1.2', '-0.8', or '±0.0' for a change that rounds to nothing (not '-0.0')."""
    return "±0.0" if abs(delta) < 0.05 else f"{delta:+.1f}"


def _trends(view: vs.ViewState, source=data) -> dict[str, list[float]]:
    """Each KPI's monthly completion (%) over the 12 months up to the period."""
    periods = [p for p in source.periods() if p <= view.period][-12:]
    hist = source.history(view.unit, periods)
    if hist.empty:
        return {}
    hist = hist.sort_values("period")
    # a month without a figure is left out: the grid's sparkline draws nothing
    # for a list holding NaN (it shows the numbers as text instead)
    return {k: (g["completion"] * 100).round(1).dropna().tolist() for k, g in hist.groupby("kpi_id")}


def kpi_frame(
    kpis: pd.DataFrame, trends: dict, lang: str, markers: dict | None = None, failing: set[str] = frozenset()
) -> pd.DataFrame:
    """The rows of a perspective panel, formatted for reading, figures first:
    KPI, completion, points, status, trend, actual / target, weight, and the
    alert marker last (only when one of the unit's KPIs has an alert). A KPI
    failing the validity test carries the design workbench's flag."""
    out = pd.DataFrame(
        {
            t("col.kpi", lang): [_row_label(r, lang, failing) for _, r in kpis.iterrows()],
            t("col.completion", lang): [percent(v) for v in kpis["completion"]],
            t("col.points", lang): kpis["points"].round(2).to_numpy(),
            t("col.status", lang): [_status_text(r, lang) for _, r in kpis.iterrows()],
            t("col.trend", lang): [trends.get(k, []) for k in kpis["kpi_id"]],
            t("col.target_actual", lang): [
                task_result(r, lang, comment=False)  # the comment is listed under the table
                if r.get("role") == TASK_ROLE
                else _actual_target(r["actual"], r["target"], r["unit"], lang)
                for _, r in kpis.iterrows()
            ],
            t("col.weight", lang): kpis["weight"].to_numpy(),
        }
    )
    if _has_alerts(kpis, markers):  # only a table with an alerted KPI needs the column
        out[t("col.alert", lang)] = [markers.get(k, "") for k in kpis["kpi_id"]]
    return out


def task_result(row: pd.Series, lang: str, *, comment: bool = True) -> str:
    """A task's latest assessment as a panel shows it: "good: On plan"
    (an events list as written), or "not assessed yet"; ``comment=False``:
    the result word only (a grid cell, where a sentence would be cut)."""
    result = row.get("result")
    if not isinstance(result, str):
        return t("task.none", lang)
    key = f"task.result.{result.strip().lower()}"
    word = t(key, lang) if has(key) else result
    text = row.get("comment")
    return f"{word}: {text}" if comment and isinstance(text, str) and text else word


def task_notes(kpis: pd.DataFrame, lang: str) -> list[str]:
    """Each task's latest result and its manager's comment, whole, as the
    line under a panel's table reads: "◆ Complaint handling process redesign
    (2026-10): not met: Deadline missed ..." (markdown-escaped)."""
    out = []
    for _, r in kpis.iterrows():
        if r.get("role") != TASK_ROLE or not isinstance(r.get("result"), str):
            continue
        month = r.get("assessed")
        when = f" ({month})" if isinstance(month, str) and month else ""
        out.append(f"◆ {plain(name_of(r, lang))}{when}: {plain(task_result(r, lang))}")
    return out


def _has_alerts(kpis: pd.DataFrame, markers: dict | None) -> bool:
    return bool(markers) and any(markers.get(k) for k in kpis["kpi_id"])


def _actual_target(actual: float, target: float, unit_of_measure: object, lang: str) -> str:
    """'2,274 / 2,178 10k CNY': both figures, the unit of measure once ('–' for a missing figure)."""
    figures_, unit = _actual_target_parts(actual, target, unit_of_measure, lang)
    return f"{figures_} {unit}".strip()


def _actual_target_parts(actual: float, target: float, unit_of_measure: object, lang: str) -> tuple[str, str]:
    """('2,274 / 2,178', '10k CNY'), or ('31.7% / 32.0%', '') for a percentage."""
    digits = 0 if abs(target) >= 1000 else (1 if abs(target) >= 10 else 2) if not pd.isna(target) else 1
    unit = measure(unit_of_measure, lang)
    a, tg = number(actual, digits), number(target, digits)
    if unit == "%":
        return f"{a}% / {tg}%".replace("–%", "–"), ""
    return f"{a} / {tg}", unit


def _actual_target_html(actual: float, target: float, unit_of_measure: object, lang: str) -> str:
    """The same, wrapping only between the figures and the unit of measure."""
    figures_, unit = _actual_target_parts(actual, target, unit_of_measure, lang)
    out = f'<span class="bsc-nw">{html_text(figures_)}</span>'
    return f'<span>{out} <span class="bsc-nw">{html_text(unit)}</span></span>' if unit else out


def _kpi_widths(card: Scorecard, lang: str, failing_ids: set[str], alerts: bool) -> dict[str, int]:
    others = {k: v for k, v in KPI_WIDTHS.items() if alerts or k != "alert"}
    room = LAPTOP_MAIN_PX - PANEL_PADDING_PX - ROW_MARKER_PX - sum(others.values())
    names = [_row_label(r, lang, failing_ids) for _, r in card.kpis.iterrows()]
    return {"kpi": _name_px(names, room), **others}


def perspective_panels(card: Scorecard, view: vs.ViewState, markers: dict | None = None, source=data) -> None:
    lang = view.lang
    trends = _trends(view, source)
    failing_ids = failing()
    persp = card.perspectives.set_index("perspective")
    has_alerts = _has_alerts(card.kpis, markers)
    if view.meeting:  # two by two at any width: the whole scorecard on one screen
        rows = [st.columns(2), st.columns(2)]
        places = [rows[i // 2][i % 2] for i in range(len(PERSPECTIVES))]
    else:  # two by two where each table fits, else one under the other
        widths = _kpi_widths(card, lang, failing_ids, has_alerts)
        least = sum(widths.values()) + ROW_MARKER_PX + PANEL_PADDING_PX
        st.html(f"<style>.st-key-bsc_panels > div {{flex: 1 1 {least}px; min-width: min({least}px, 100%);}}</style>")
        grid = st.container(horizontal=True, key="bsc_panels", gap="small")
        places = [grid] * len(PERSPECTIVES)
    for place, p in zip(places, PERSPECTIVES, strict=True):
        with place.container(border=True, key=f"panel_{p}"):
            info = persp.loc[p]
            kpis = card.kpis[card.kpis["perspective"] == p]
            if kpis.empty:  # a design gap, not missing data: no status to show
                st.markdown(f"#### {t(f'perspective.{p}', lang)}")
                st.caption(t("sc.no_kpis_in_perspective", lang))
                continue
            if view.meeting:  # title, status and score on one line: the four panels fit one screen
                st.markdown(_panel_head_html(p, info, lang), unsafe_allow_html=True)
                st.markdown(kpi_table_html(kpis, trends, view, markers, failing_ids), unsafe_allow_html=True)
                continue
            st.markdown(
                f"#### {html_text(t(f'perspective.{p}', lang))} &nbsp; {badge(info['status'], lang)}",
                unsafe_allow_html=True,
            )
            st.markdown(
                t("sc.perspective_line", lang, score=f"**{number(info['score'], 1)}**", share=percent(info["share"], 0))
            )
            with st.container(key=f"sc_wide_{p}"):
                _kpi_table(kpis, trends, view, p, markers, failing_ids, widths)
                for note in task_notes(kpis, lang):  # a task's comment, whole (issue 14)
                    st.caption(note)
            with st.container(key=f"sc_narrow_{p}"):  # shown on phones instead (CSS)
                st.markdown(kpi_table_html(kpis, trends, view, markers, failing_ids), unsafe_allow_html=True)


def _panel_head_html(perspective: str, info: pd.Series, lang: str) -> str:
    line = html_text(t("sc.perspective_line", lang, score="§S§", share=percent(info["share"], 0)))
    line = line.replace("§S§", f"<b>{number(info['score'], 1)}</b>")
    return (
        f'<div class="bsc-panel-head"><span class="bsc-panel-title">{html_text(t(f"perspective.{perspective}", lang))}'
        f'</span> {badge(info["status"], lang)} <span class="bsc-panel-score">{line}</span></div>'
    )


def _kpi_table(
    kpis: pd.DataFrame,
    trends: dict,
    view: vs.ViewState,
    perspective: str,
    markers: dict | None,
    failing_ids: set[str],
    widths: dict[str, int],
) -> None:
    lang = view.lang
    frame = kpi_frame(kpis, trends, lang, markers, failing_ids)
    config = {
        t("col.kpi", lang): st.column_config.TextColumn(width=widths["kpi"]),
        t("col.completion", lang): st.column_config.TextColumn(width=widths["completion"], alignment="right"),
        t("col.points", lang): st.column_config.NumberColumn(format="%.2f", width=widths["points"]),
        t("col.status", lang): st.column_config.TextColumn(width=widths["status"]),
        # each sparkline on its own scale: a steady KPI is not a flat hairline
        t("col.trend", lang): st.column_config.LineChartColumn(t("col.trend", lang), width=widths["trend"]),
        t("col.target_actual", lang): st.column_config.TextColumn(width=widths["actual_target"], alignment="right"),
        t("col.weight", lang): st.column_config.NumberColumn(format="%g", width=widths["weight"]),
    }
    if t("col.alert", lang) in frame:
        config[t("col.alert", lang)] = st.column_config.TextColumn(width=widths.get("alert", KPI_WIDTHS["alert"]))
    selected = _clickable_table(frame, f"sc_kpis_{perspective}", config)
    if selected:  # a KPI's detail, or a task's view (issue 14)
        kpi_id = kpis.iloc[selected[0]]["kpi_id"]
        _bump()
        st.switch_page(DETAIL_PAGE, query_params=view.params(kpi=kpi_id))


def kpi_table_html(
    kpis: pd.DataFrame, trends: dict, view: vs.ViewState, markers: dict | None, failing_ids: set[str]
) -> str:
    """A perspective's KPIs as an HTML table (meeting mode; cards on phones):
    the KPI's name links to its detail, status is a coloured pill with symbol
    and word, the trend a sparkline on its own scale. Every text from data is
    escaped with html_text; the link carries only URL-encoded parameters."""
    lang = view.lang
    with_alerts = _has_alerts(kpis, markers)
    heads = [
        ("col.kpi", ""),
        ("col.completion", "num"),
        ("col.points", "num"),
        ("col.status", ""),
        ("col.trend", ""),
        ("col.target_actual", "num bsc-wrap bsc-extra"),
        ("col.weight", "num bsc-extra"),
    ] + ([("col.alert", "bsc-extra")] if with_alerts else [])
    labels = {k: html_text(t(k, lang)) for k, _ in heads}
    head = "".join(f'<th class="{c}">{labels[k]}</th>' for k, c in heads)
    body = []
    for _, r in kpis.iterrows():
        href = html.escape(f"{DETAIL_URL}?{view.query_string(kpi=r['kpi_id'])}", quote=True)
        name = html_text(_row_label(r, lang, failing_ids))
        points = "–" if pd.isna(r["points"]) else f"{r['points']:.2f}"
        spark = figures.sparkline_svg(trends.get(r["kpi_id"], []), r["status"]) or "–"
        link = f'<a href="{href}" target="_self">{name}</a>'
        cells = [
            f'<td class="bsc-name" data-label="{labels["col.kpi"]}">{link}</td>',
            f'<td class="num" data-label="{labels["col.completion"]}">{percent(r["completion"])}</td>',
            f'<td class="num" data-label="{labels["col.points"]}">{points}</td>',
            f'<td class="bsc-st" data-label="{labels["col.status"]}">{_status_pill(r, lang)}</td>',
            f'<td data-label="{labels["col.trend"]}">{spark}</td>',
            f'<td class="num bsc-wrap bsc-extra" data-label="{labels["col.target_actual"]}">{html_text(task_result(r, lang)) if r.get("role") == TASK_ROLE else _actual_target_html(r["actual"], r["target"], r["unit"], lang)}</td>',
            f'<td class="num bsc-extra" data-label="{labels["col.weight"]}">{number(r["weight"], 0)}</td>',
        ]
        if with_alerts:
            cells.append(
                f'<td class="bsc-extra" data-label="{labels["col.alert"]}">{html_text(markers.get(r["kpi_id"], "")) or "–"}</td>'
            )
        body.append(f'<tr data-kpi="{html.escape(str(r["kpi_id"]), quote=True)}">{"".join(cells)}</tr>')
    return f'<table class="bsc-table bsc-kpis{" bsc-meeting" if view.meeting else ""}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _status_pill(row: pd.Series, lang: str) -> str:
    if row.get("role") == "info":
        return status_pill("no_data", lang, t("carried.not_scored", lang))
    return status_pill(row["status"], lang)


def no_kpis(view: vs.ViewState, org: Org) -> None:
    """A unit without KPIs: say so once, and where KPIs are assigned."""
    lang = view.lang
    name = plain(org.name(view.unit, lang))
    st.info(t("sc.no_kpis_assigned", lang, unit=name, year=view.period[:4]), icon=":material/info:")
    st.page_link(
        DESIGN_PAGE,
        label=t("sc.open_design", lang, unit=name),
        icon=":material/tune:",
        query_params=view.params(kpi=None),
    )


def children_section(card: Scorecard, view: vs.ViewState, org: Org, child_counts: dict | None = None) -> None:
    lang = view.lang
    unit_name = plain(org.name(view.unit, lang))
    if card.children.empty:
        st.info(
            t("sc.person_leaf", lang, unit=unit_name)
            if org.kind(view.unit) == "person"
            else t("sc.no_children", lang, unit=unit_name)
        )
        return
    st.subheader(t("sc.children", lang, unit=unit_name))
    st.caption(t("sc.children_hint", lang))
    ch = card.children.assign(label=[org.name(u, lang) for u in card.children["unit_id"]])
    if "kpi_count" not in ch:
        ch["kpi_count"] = 1
    if child_counts is not None:
        ch["label"] = [
            f"{lbl} {child_marker(child_counts.get(u))}".strip()
            for u, lbl in zip(ch["unit_id"], ch["label"], strict=True)
        ]
        if any(child_marker(child_counts.get(u)) for u in ch["unit_id"]):
            st.caption(t("sc.markers_legend", lang))
    no_kpis_ = ch["kpi_count"].eq(0)
    table = pd.DataFrame(
        {
            t("col.unit", lang): ch["label"],
            t("col.total", lang): ch["total"].round(1),
            t("col.status", lang): [
                t("sc.no_kpis_status", lang) if empty else status_label(s, lang)
                for s, empty in zip(ch["status"], no_kpis_, strict=True)
            ],
            t("col.coverage", lang): [percent(c, 0) for c in ch["coverage"]],
        }
    )
    others = dict(CHILD_WIDTHS)
    if ch["kind"].nunique() > 1:  # a column saying 'Department' on every row says nothing
        table[t("col.kind", lang)] = [t(f"kind.{k}", lang) for k in ch["kind"]]
    else:
        others.pop("kind")
    room = LAPTOP_MAIN_PX - ROW_MARKER_PX - sum(others.values())
    widths = {"unit": _name_px(ch["label"], room), **others}
    least = sum(widths.values()) + ROW_MARKER_PX
    st.html(
        "<style>.st-key-bsc_children > div:has(.st-key-bsc_children_table) "
        f"{{flex: 2 1 {least}px; min-width: min({least}px, 100%);}}</style>"
    )
    with st.container(horizontal=True, key="bsc_children", gap="medium"):
        with st.container(key="bsc_children_chart"):
            fig = figures.children_bar(ch, lang, big=view.meeting)
            event = st.plotly_chart(
                fig,
                key=f"sc_children_chart_{_nonce()}",
                on_select="rerun",
                selection_mode="points",
                theme=None,
                config={"displayModeBar": False},
            )
            _drill_from_chart(event)
        with st.container(key="bsc_children_table"):
            if view.meeting:  # larger type and coloured status, as the KPI tables
                st.markdown(children_table_html(ch, view), unsafe_allow_html=True)
                return
            config = {
                t("col.unit", lang): st.column_config.TextColumn(width=widths["unit"]),
                t("col.total", lang): st.column_config.NumberColumn(format="%.1f", width=widths["total"]),
                t("col.status", lang): st.column_config.TextColumn(width=widths["status"]),
                t("col.coverage", lang): st.column_config.TextColumn(width=widths["coverage"], alignment="right"),
            }
            if "kind" in widths:
                config[t("col.kind", lang)] = st.column_config.TextColumn(width=widths["kind"])
            with st.container(key="sc_wide_children"):
                rows = _clickable_table(table, "sc_children_table", config)
            with st.container(key="sc_narrow_children"):  # shown on phones instead (CSS)
                st.markdown(children_table_html(ch, view), unsafe_allow_html=True)
            if rows:
                _drill(ch.iloc[rows[0]]["unit_id"])


def children_table_html(ch: pd.DataFrame, view: vs.ViewState) -> str:
    """The children as an HTML table (meeting mode; cards on phones): each name links to that
    unit's scorecard; status is a coloured pill; missing figures read '–'."""
    lang = view.lang
    heads = [("col.unit", ""), ("col.total", "num"), ("col.status", ""), ("col.coverage", "num")]
    labels = {k: html_text(t(k, lang)) for k, _ in heads}
    head = "".join(f'<th class="{c}">{labels[k]}</th>' for k, c in heads)
    body = []
    for r in ch.itertuples():
        href = html.escape(f"?{view.query_string(unit=r.unit_id, kpi=None)}", quote=True)
        status = (
            status_pill("no_data", lang, t("sc.no_kpis_status", lang))
            if r.kpi_count == 0
            else status_pill(r.status, lang)
        )
        body.append(
            f'<tr data-unit="{html.escape(str(r.unit_id), quote=True)}">'
            f'<td class="bsc-name" data-label="{labels["col.unit"]}"><a href="{href}" target="_self">'
            f"{html_text(r.label)}</a></td>"
            f'<td class="num" data-label="{labels["col.total"]}">{number(r.total, 1)}</td>'
            f'<td class="bsc-st" data-label="{labels["col.status"]}">{status}</td>'
            f'<td class="num" data-label="{labels["col.coverage"]}">{percent(r.coverage, 0)}</td></tr>'
        )
    return f'<table class="bsc-table bsc-children"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _drill_from_chart(event) -> None:
    if not event:
        return
    selection = event["selection"] if isinstance(event, dict) else event.selection
    points = selection["points"] if isinstance(selection, dict) else selection.points
    if points:
        point = points[0]
        unit = point.get("customdata") if isinstance(point, dict) else getattr(point, "customdata", None)
        if isinstance(unit, list):
            unit = unit[0]
        if unit:
            _drill(unit)
