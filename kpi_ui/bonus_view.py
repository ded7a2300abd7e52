"""The bonus page's widgets (issue 17): which department and period, the
totals against the budget, each person's bonus, the distribution of
achievement and the Excel export.

Every figure comes from :func:`kpi_core.pay.bonuses`, which refuses a reader
who may not see pay before anything is read; the page itself stops such a
reader first (``session.require("see_pay")``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core import pay
from kpi_core.i18n import t
from kpi_core.ingest import PAY_BASIS_TOTAL
from kpi_core.org import Org
from kpi_ui import data, figures, session
from kpi_ui.design import kpi_names
from kpi_ui.state import ViewState
from kpi_ui.text import plain

UNIT_KEY = "bonus_unit"
FREQUENCY_KEY = "bonus_frequency"
MISSING = "–"
FREQUENCIES = ("month", "quarter")


def page(state: ViewState) -> None:
    lang = state.lang
    org = data.org()
    months = data.periods()
    if not months:
        st.info(t("pay.page.no_periods", lang), icon=":material/info:")
        return
    unit, period = controls(state, org, months, lang)
    persons = pay.persons_of(org, unit)
    if not persons:
        st.info(t("pay.page.no_persons", lang, unit=plain(org.name(unit, lang))), icon=":material/info:")
        return
    if period.end > months[-1]:
        st.info(t("pay.page.quarter_open", lang, period=period.text, latest=months[-1]), icon=":material/info:")
    table = pay.bonuses(data.store(), session.viewer(), period, unit, org)
    if all(b.scheme is None for b in table.rows):
        st.info(t("pay.page.no_pay", lang, year=period.year, unit=plain(org.name(unit, lang))), icon=":material/info:")
        return
    totals(table, lang)
    st.subheader(t("pay.page.table", lang))
    st.dataframe(
        bonus_table(table, org, lang),
        hide_index=True,
        width="stretch",
        column_config={
            t(f"pay.col.{c}", lang): st.column_config.TextColumn(alignment="right")
            for c in ("base", "achievement", "bonus")
        },
        key="bonus_table",
    )
    st.download_button(
        t("pay.page.export", lang),
        pay.xlsx_bytes(table, org, lang),
        file_name=f"bonus_{unit}_{period.text}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="bonus_export",
    )
    st.subheader(t("pay.page.distribution", lang))
    if table.achievements:
        fig = figures.achievement_histogram(table.achievements, lang, big=state.meeting)
        st.plotly_chart(fig, theme=None, config={"displayModeBar": False}, key="bonus_histogram")
    else:
        st.caption(t("pay.page.no_achievements", lang))


def controls(state: ViewState, org: Org, months: list[str], lang: str) -> tuple[str, pay.PayPeriod]:
    """The department (default: the sidebar's unit, or a person's department)
    and the month or quarter (default: the sidebar's month, or its quarter)."""
    units = [u for u in org.subtree(org.company_id) if org.kind(u) != "person"]
    start = state.unit if state.unit in org else org.company_id
    if org.kind(start) == "person":
        start = org.parent(start) or org.company_id
    # a region under its department: "Sales › Sales North Region"
    labels = {u: " › ".join(org.name(x, lang) for x in (org.path(u)[1:] or [u])) for u in units}
    left, middle, right = st.columns([3, 2, 2])
    unit = left.selectbox(
        t("pay.page.unit", lang),
        units,
        index=units.index(start) if start in units else 0,
        format_func=labels.get,
        key=UNIT_KEY,
    )
    frequency = (
        middle.segmented_control(
            t("pay.page.frequency", lang),
            list(FREQUENCIES),
            default="month",
            format_func=lambda f: t("pay.page.monthly" if f == "month" else "pay.page.quarterly", lang),
            key=FREQUENCY_KEY,
        )
        or "month"
    )
    month = state.period if state.period in months else months[-1]
    if frequency == "quarter":
        options = sorted({pay.quarter_of(m) for m in months}, reverse=True)
        # the sidebar month's quarter once it is over, else the last quarter that is
        over = [q for q in options if pay.parse_period(q).end <= months[-1]]
        chosen = pay.quarter_of(month)
        if chosen not in over and over:
            chosen = next((q for q in over if q < chosen), over[0])
    else:
        options = months[::-1]
        chosen = month
    picked = right.selectbox(
        t("pay.page.period", lang),
        options,
        index=options.index(chosen) if chosen in options else 0,
        key=f"bonus_period_{frequency}",
    )
    return unit, pay.parse_period(picked)


def totals(table: pay.BonusTable, lang: str) -> None:
    """Budget (the sum of the bases), what was worked out, its share of the
    budget, and how many bonuses wait for figures."""
    held = table.held
    held_base = sum(b.base for b in held if b.base is not None)
    share = f"{table.paid / table.budget * 100:.1f}%" if table.budget else MISSING
    cols = st.columns(4)
    cols[0].metric(t("pay.total.budget", lang), money(table.budget))
    cols[1].metric(t("pay.total.paid", lang), money(table.paid))
    cols[2].metric(t("pay.total.share", lang), share)
    cols[3].metric(t("pay.total.held", lang), len(held), help=t("pay.total.held_help", lang, base=money(held_base)))


def money(value: float | None) -> str:
    """An amount as the page shows it: "6,082.85", "–" when none."""
    return MISSING if value is None else f"{value:,.2f}"


def bonus_table(table: pay.BonusTable, org: Org, lang: str) -> pd.DataFrame:
    """One row per person: person, scheme, basis, base, achievement, bonus,
    and the reason (why none, or how it was worked out)."""
    names = kpi_names(data.kpis().reset_index(drop=True), lang)

    def basis(b: pay.Bonus) -> str:
        if b.basis is None:
            return MISSING
        return t("pay.basis.total", lang) if b.basis == PAY_BASIS_TOTAL else names.get(b.basis, b.basis)

    def achievement(b: pay.Bonus) -> str:
        if b.achievement is None:
            return MISSING
        shown = f"{b.achievement * 100:.1f}%"
        return shown if b.credited == b.achievement else f"{shown} → {b.credited * 100:.0f}%"

    rows = table.rows
    return pd.DataFrame(
        {
            t("pay.col.person", lang): [org.name(b.unit_id, lang) for b in rows],
            t("pay.col.scheme", lang): [t(f"pay.scheme.{b.scheme}", lang) if b.scheme else MISSING for b in rows],
            t("pay.col.basis", lang): [basis(b) for b in rows],
            t("pay.col.base", lang): [money(b.base) for b in rows],
            t("pay.col.achievement", lang): [achievement(b) for b in rows],
            t("pay.col.bonus", lang): [money(b.bonus) for b in rows],
            t("pay.col.reason", lang): [" ".join(x for x in (b.reason_text(lang), b.working(lang)) if x) for b in rows],
        }
    )
