"""The pieces of the scorecard page: heading, headline, perspective panels and
the children (drill-down). Each takes figures already computed by
kpi_core.scorecard (through kpi_ui.data) and only arranges them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core.i18n import t
from kpi_core.model import PERSPECTIVES
from kpi_core.org import Org
from kpi_core.scorecard import Scorecard
from kpi_core.scoring import previous_period
from kpi_ui import data, figures, shell
from kpi_ui import state as vs
from kpi_ui.design import failing, flagged
from kpi_ui.text import html_text, plain
from kpi_ui.theme import badge, measure, number, percent, status_label

DETAIL_PAGE = "pages/2_kpi_detail.py"


def _nonce() -> int:
    """Part of the clickable widgets' keys: bumped on every navigation so a
    selection made before does not fire again when Back returns here."""
    return st.session_state.setdefault("sc_nonce", 0)


def _clickable_table(frame: pd.DataFrame, key: str, column_config: dict) -> list[int]:
    """A one-row-selectable table; returns the selected row positions."""
    event = st.dataframe(
        frame,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}_{_nonce()}",
        column_config=column_config,
    )
    # AppTest hands a seeded selection back as a plain dict
    return event.selection.rows if hasattr(event, "selection") else event["selection"]["rows"]


def _bump() -> None:
    st.session_state["sc_nonce"] = _nonce() + 1


def name_of(row: pd.Series, lang: str) -> str:
    zh = row.get("name_zh")
    return zh if lang == "zh" and isinstance(zh, str) and zh else str(row["name"])


def heading(view: vs.ViewState, org: Org) -> None:
    lang = view.lang
    path = " › ".join(plain(org.name(u, lang)) for u in org.path(view.unit))
    left, right = st.columns([6, 1], vertical_alignment="bottom")
    left.caption(path)
    with right.popover(t("ui.share", lang), icon=":material/link:"):
        shell.share_link(view)
    st.title(
        t(
            "sc.heading",
            lang,
            unit=plain(org.name(view.unit, lang)),
            period=view.period,
            view=t(f"view.{view.view}", lang),
        )
    )


def previous_card(view: vs.ViewState) -> Scorecard | None:
    prev = previous_period(view.period, view.view)
    if prev not in data.periods():
        return None
    return data.card(view.unit, prev, view.view)


def headline(card: Scorecard, prev: Scorecard | None, view: vs.ViewState, alert_counts: dict | None = None) -> None:
    lang = view.lang
    cols = st.columns([1.3, 1, 1.6, 1.2] if alert_counts is not None else [1.3, 1, 1.6])
    with cols[0]:
        st.markdown(
            f'<div class="bsc-sub">{html_text(t("sc.total", lang))}</div>'
            f'<div class="bsc-big" data-testid="bsc-total">{number(card.total, 1)}</div>'
            f"<div>{html_text(t('sc.grade', lang))}: <b>{html_text(t(f'grade.{card.grade}', lang))}</b>"
            f" &nbsp; {badge(card.status, lang)}</div>",
            unsafe_allow_html=True,
        )
    with cols[1]:
        if prev is not None and not pd.isna(prev.total) and not pd.isna(card.total):
            st.metric(
                t("sc.vs_previous", lang, period=prev.period),
                f"{number(prev.total, 1)} → {number(card.total, 1)}",
                delta=_change(card.total - prev.total),
                delta_color="off" if abs(card.total - prev.total) < 0.05 else "normal",
            )
        else:
            st.metric(t("sc.vs_previous", lang, period="–"), "–", help=t("sc.no_previous", lang))
    with cols[2]:
        st.markdown(f'<div class="bsc-sub">{html_text(t("sc.kpi_counts", lang))}</div>', unsafe_allow_html=True)
        counts = card.status_counts
        shown = [
            s for s in ("green", "amber", "red", "no_data", "no_target") if counts[s] or s in ("green", "amber", "red")
        ]
        st.markdown(" &nbsp; ".join(f"{badge(s, lang)} <b>{counts[s]}</b>" for s in shown), unsafe_allow_html=True)
    if alert_counts is not None:
        with cols[3]:
            from kpi_ui.alerts import headline_counts

            headline_counts(alert_counts, view)
    if card.coverage < 1:
        st.warning(t("sc.coverage", lang, share=percent(card.coverage, 0)), icon=":material/warning:")


def _change(delta: float) -> str:
    """'+1.2', '-0.8', or '±0.0' for a change that rounds to nothing (not '-0.0')."""
    return "±0.0" if abs(delta) < 0.05 else f"{delta:+.1f}"


def _trends(view: vs.ViewState) -> dict[str, list[float]]:
    """Each KPI's monthly completion (%) over the 12 months up to the period."""
    periods = [p for p in data.periods() if p <= view.period][-12:]
    hist = data.history(view.unit, periods)
    if hist.empty:
        return {}
    hist = hist.sort_values("period")
    return {k: (g["completion"] * 100).round(1).tolist() for k, g in hist.groupby("kpi_id")}


def kpi_frame(
    kpis: pd.DataFrame, trends: dict, lang: str, markers: dict | None = None, failing: set[str] = frozenset()
) -> pd.DataFrame:
    """The rows of a perspective panel, formatted for reading; a KPI failing
    the validity test carries the design workbench's flag."""
    out = pd.DataFrame(
        {
            t("col.kpi", lang): [flagged(name_of(r, lang), r["kpi_id"], failing) for _, r in kpis.iterrows()],
            t("col.weight", lang): kpis["weight"].to_numpy(),
            t("col.target_actual", lang): [_actual_target(r, lang) for r in kpis.itertuples()],
            t("col.completion", lang): [percent(v) for v in kpis["completion"]],
            t("col.points", lang): kpis["points"].round(2).to_numpy(),
            t("col.status", lang): [status_label(s, lang) for s in kpis["status"]],
            t("col.trend", lang): [trends.get(k, []) for k in kpis["kpi_id"]],
        }
    )
    if markers:  # only a unit whose own KPIs have alerts needs the column
        out.insert(1, t("col.alert", lang), [markers.get(k, "") for k in kpis["kpi_id"]])
    return out


def _actual_target(row, lang: str) -> str:
    """'2,274 / 2,178 10k CNY': both figures, the unit of measure once."""
    digits = 0 if abs(row.target) >= 1000 else (1 if abs(row.target) >= 10 else 2) if not pd.isna(row.target) else 1
    unit = measure(row.unit, lang)
    pct = unit == "%"
    a, tg = number(row.actual, digits), number(row.target, digits)
    return f"{a}% / {tg}%" if pct else f"{a} / {tg} {unit}".strip()


def perspective_panels(card: Scorecard, view: vs.ViewState, markers: dict | None = None) -> None:
    lang = view.lang
    trends = _trends(view)
    failing_ids = failing()
    persp = card.perspectives.set_index("perspective")
    rows = [st.columns(2), st.columns(2)]
    for i, p in enumerate(PERSPECTIVES):
        with rows[i // 2][i % 2].container(border=True, key=f"panel_{p}"):
            info = persp.loc[p]
            kpis = card.kpis[card.kpis["perspective"] == p]
            if kpis.empty:  # a design gap, not missing data: no status to show
                st.markdown(f"#### {t(f'perspective.{p}', lang)}")
                st.caption(t("sc.no_kpis_in_perspective", lang))
                continue
            st.markdown(
                f"#### {html_text(t(f'perspective.{p}', lang))} &nbsp; {badge(info['status'], lang)}",
                unsafe_allow_html=True,
            )
            st.markdown(
                t("sc.perspective_line", lang, score=f"**{number(info['score'], 1)}**", share=percent(info["share"], 0))
            )
            _kpi_table(kpis, trends, view, p, markers, failing_ids)


def _kpi_table(
    kpis: pd.DataFrame, trends: dict, view: vs.ViewState, perspective: str, markers: dict | None, failing_ids: set[str]
) -> None:
    lang = view.lang
    frame = kpi_frame(kpis, trends, lang, markers, failing_ids)
    selected = _clickable_table(
        frame,
        f"sc_kpis_{perspective}",
        {
            t("col.trend", lang): st.column_config.LineChartColumn(
                t("col.trend", lang), y_min=50, y_max=130, width=120
            ),
            t("col.weight", lang): st.column_config.NumberColumn(format="%g", width=60),
            t("col.points", lang): st.column_config.NumberColumn(format="%.2f", width=60),
            t("col.completion", lang): st.column_config.TextColumn(width=90),
        },
    )
    if selected:
        kpi_id = kpis.iloc[selected[0]]["kpi_id"]
        _bump()
        st.switch_page(DETAIL_PAGE, query_params=view.params(kpi=kpi_id))


def children_section(card: Scorecard, view: vs.ViewState, org: Org, child_counts: dict | None = None) -> None:
    lang = view.lang
    unit_name = plain(org.name(view.unit, lang))
    if card.children.empty:
        st.info(
            t("sc.person_leaf", lang, unit=unit_name)
            if org.kind(view.unit) == "person"
            else t("sc.no_kpis_in_perspective", lang)
        )
        return
    st.subheader(t("sc.children", lang, unit=unit_name))
    st.caption(t("sc.children_hint", lang))
    ch = card.children.assign(label=[org.name(u, lang) for u in card.children["unit_id"]])
    if child_counts is not None:
        from kpi_ui.alerts import child_marker

        ch["label"] = [
            f"{lbl} {child_marker(child_counts.get(u))}".strip()
            for u, lbl in zip(ch["unit_id"], ch["label"], strict=True)
        ]
    left, right = st.columns([3, 2])
    with left:
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
    with right:
        table = pd.DataFrame(
            {
                t("col.unit", lang): ch["label"],
                t("col.kind", lang): [t(f"kind.{k}", lang) for k in ch["kind"]],
                t("col.total", lang): ch["total"].round(1),
                t("col.status", lang): [status_label(s, lang) for s in ch["status"]],
                t("col.coverage", lang): [percent(c, 0) for c in ch["coverage"]],
            }
        )
        rows = _clickable_table(
            table, "sc_children_table", {t("col.total", lang): st.column_config.NumberColumn(format="%.1f")}
        )
        if rows:
            _bump()
            vs.go(unit=ch.iloc[rows[0]]["unit_id"], kpi=None)


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
            _bump()
            vs.go(unit=unit, kpi=None)
