"""Comparisons and outlook on the pages (issue 16, item 5).

:func:`panel` is the KPI detail page's "Comparisons" panel: the previous
period, the same month last year (同比), the year to date against last
year's, and, for a KPI that adds up over the year, the year-end forecast
(labelled as one, its method named) with a chart of the year to date and the
forecast paths. :func:`unit_table` is every KPI of a unit in one table (for
the scorecard page, in an expander).

The figures are :func:`kpi_core.outlook.for_unit`'s, read through the
reader's scope and cached like :mod:`kpi_ui.data`'s reads (keyed by the scope;
cleared with the other caches after a write). With a moment shown
(``then``), the store as of that moment is read.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core import outlook
from kpi_core.i18n import t
from kpi_core.org import Org
from kpi_ui import asof, data, figures, session
from kpi_ui import state as vs
from kpi_ui.text import html_text
from kpi_ui.theme import measure, number, percent

_CSS = """
<style>
.bsc-oc-grid {display:grid; grid-template-columns:repeat(auto-fit, minmax(13.5rem, 1fr)); gap:.6rem; margin:.2rem 0 .6rem 0;}
.bsc-oc-grid.bsc-oc-two {grid-template-columns:repeat(2, minmax(0, 1fr));}
@media (max-width: 640px) { .bsc-oc-grid.bsc-oc-two {grid-template-columns:1fr;} }
.bsc-oc {border:1px solid #D9D9D9; border-radius:.5rem; padding:.45rem .7rem; background:#fff;}
.bsc-oc-forecast {border:2px dashed #0072B2; background:#F7FBFE;}
.bsc-oc-label {color:#444; font-size:.9rem; font-weight:600;}
.bsc-oc-big {font-size:1.7rem; font-weight:700; line-height:1.25; color:#1A1A1A; font-variant-numeric:tabular-nums;}
.bsc-oc-line {color:#333; font-size:.9rem; line-height:1.35; font-variant-numeric:tabular-nums;}
.bsc-oc-why {color:#555; font-size:.85rem; line-height:1.3;}
.bsc-oc-tag {display:inline-block; border:1.5px dashed #0072B2; color:#0072B2; border-radius:.7em;
  padding:0 .5em; font-size:.75rem; font-weight:700; letter-spacing:.04em; margin-left:.4em; vertical-align:middle;}
.bsc-meeting .bsc-oc-big, .bsc-oc-meeting .bsc-oc-big {font-size:2.1rem;}
.bsc-oc-meeting .bsc-oc-label, .bsc-oc-meeting .bsc-oc-line {font-size:1.05rem;}
.bsc-oc-table td.bsc-name {min-width:9em;}
.bsc-oc-table td.bsc-up {color:#00634A; font-weight:600;}
.bsc-oc-table td.bsc-down {color:#9A3600; font-weight:600;}
.bsc-oc-table td.bsc-fc {font-style:italic;}
</style>
"""


# --------------------------------------------------------------------------- the reads


@st.cache_data(show_spinner=False, max_entries=128)
def _rows(
    path: str, moment: str | None, unit_id: str, period: str, role: str, scope_unit: str | None, _org: Org
) -> list[outlook.Comparison]:
    store = data.store() if moment is None else asof._store(path, moment)
    return outlook.for_unit(store, _org, unit_id, period, data.scope_of(role, scope_unit))


@st.cache_data(show_spinner=False, max_entries=64)
def _path(
    path: str,
    moment: str | None,
    unit_id: str,
    kpi_id: str,
    period: str,
    role: str,
    scope_unit: str | None,
    _org: Org,
) -> pd.DataFrame:
    store = data.store() if moment is None else asof._store(path, moment)
    return outlook.path_for(store, _org, unit_id, kpi_id, period, data.scope_of(role, scope_unit))


def comparisons(view: vs.ViewState, org: Org, then: asof.AsOf | None = None) -> list[outlook.Comparison]:
    """The comparisons of the view's unit and month (the reader's scope applies)."""
    moment = then.text if then is not None else None
    return _rows(data.db_path(), moment, view.unit, view.period, *session.scope_key(), org)


# --------------------------------------------------------------------------- the panel


def panel(view: vs.ViewState, kpi_id: str, org: Org, then: asof.AsOf | None = None) -> None:
    """The KPI detail page's "Comparisons" panel."""
    found = [c for c in comparisons(view, org, then) if c.kpi_id == kpi_id]
    if not found:
        return
    c, lang = found[0], view.lang
    st.html(_CSS)
    st.subheader(t("outlook.title", lang))
    unit = measure(c.measure, lang)
    shown = t("outlook.figures_in", lang, unit=unit, period=c.period) if unit and unit != "%" else c.period
    st.caption(shown)
    cards = [
        change_card(_previous_label(c, lang), c.previous, c, lang),
        change_card(t("outlook.last_year", lang), c.last_year, c, lang),
        ytd_card(c, lang),
    ]
    if c.accumulation == "sum":
        cards.append(forecast_card(c, lang))
    extra = (" bsc-oc-meeting" if view.meeting else "") + (" bsc-oc-two" if c.accumulation == "sum" else "")
    grid = f'<div class="bsc-oc-grid{extra}">{"".join(cards)}</div>'
    if c.accumulation != "sum":
        st.markdown(grid, unsafe_allow_html=True)
        st.caption(t("outlook.method.none", lang))
        return
    left, right = st.columns([1, 1])
    left.markdown(grid, unsafe_allow_html=True)
    left.caption(method_line(c, lang))
    moment = then.text if then is not None else None
    path = _path(data.db_path(), moment, view.unit, kpi_id, view.period, *session.scope_key(), org)
    if len(path) and path["ytd"].notna().any():
        with right:
            st.plotly_chart(
                figures.cumulative_forecast(path, unit, lang, big=view.meeting),
                theme=None,
                config={"displayModeBar": False},
                key="oc_forecast",
            )


def _previous_label(c: outlook.Comparison, lang: str) -> str:
    if c.frequency == "quarter":
        return t("outlook.previous_quarter", lang)
    return t("outlook.previous_month" if c.frequency == "month" else "outlook.previous", lang)


def _fig(value: float | None, c: outlook.Comparison, lang: str) -> str:
    """A figure of the KPI (its unit of measure is named once, above the cards; a % stays on)."""
    return number(value, 2) + ("%" if value is not None and c.measure == "%" else "")


def delta_html(change: outlook.Change, lang: str, *, big: bool = True) -> str:
    """The relative change with an arrow, coloured and worded by the KPI's
    direction (better / worse); the absolute change when the base is 0."""
    if change.change is None:
        return "–"
    arrow = "▲" if change.change > 0 else ("▼" if change.change < 0 else "■")
    figure = f"{change.pct * 100:+.1f}%" if change.pct is not None else f"{change.change:+,.2f}"
    word = {True: "outlook.better", False: "outlook.worse"}.get(change.better, "")
    if change.change == 0:
        word = "outlook.no_change"
    css = {True: " bsc-delta-up", False: " bsc-delta-down"}.get(change.better, "")
    text = f"{arrow} {figure}" + (f" · {t(word, lang)}" if word else "")
    if big:
        return f'<span class="bsc-delta{css}" style="font-size:1.25rem">{html_text(text)}</span>'
    return f'<span class="bsc-delta{css}">{html_text(text)}</span>'


def change_card(label: str, change: outlook.Change, c: outlook.Comparison, lang: str) -> str:
    """One comparison: the change big, then 'base month: base -> this'."""
    head = f'<div class="bsc-oc-label">{html_text(label)}</div>'
    if change.change is None:
        why = outlook.reason_text(c, change.reason, lang)
        line = ""
        if change.base is not None:
            line = f'<div class="bsc-oc-line">{html_text(change.period)}: {html_text(_fig(change.base, c, lang))}</div>'
        return (
            f'<div class="bsc-oc">{head}<div class="bsc-oc-big">–</div>{line}'
            f'<div class="bsc-oc-why">{html_text(why)}</div></div>'
        )
    line = f"{change.period}: {_fig(change.base, c, lang)} → {_fig(c.value, c, lang)}"
    if c.as_of:
        line += f" ({t('outlook.of_month', lang, period=c.as_of)})"
    return (
        f'<div class="bsc-oc">{head}<div class="bsc-oc-big">{delta_html(change, lang)}</div>'
        f'<div class="bsc-oc-line">{html_text(line)}</div></div>'
    )


def ytd_card(c: outlook.Comparison, lang: str) -> str:
    """The year to date against last year's (same months)."""
    change = c.ytd_last_year
    head = f'<div class="bsc-oc-label">{html_text(t("outlook.ytd_vs", lang))}</div>'
    months = t("outlook.months_covered", lang, months=c.ytd_months) if c.ytd_months else ""
    this = f"{t('outlook.ytd', lang)}: {_fig(c.ytd, c, lang)}" + (f" ({months})" if months else "")
    before = f"{t('outlook.ytd_last_year', lang)}: {_fig(change.base, c, lang)}"
    lines = f'<div class="bsc-oc-line">{html_text(this)}<br>{html_text(before)}</div>'
    if change.change is None:
        why = f'<div class="bsc-oc-why">{html_text(outlook.reason_text(c, change.reason, lang))}</div>'
        return f'<div class="bsc-oc">{head}<div class="bsc-oc-big">–</div>{lines}{why}</div>'
    return f'<div class="bsc-oc">{head}<div class="bsc-oc-big">{delta_html(change, lang)}</div>{lines}</div>'


def forecast_card(c: outlook.Comparison, lang: str) -> str:
    """The year-end forecasts, tagged FORECAST, with their projected completion."""
    tag = f'<span class="bsc-oc-tag">{html_text(t("outlook.forecast_tag", lang))}</span>'
    head = f'<div class="bsc-oc-label">{html_text(t("outlook.forecast", lang))}{tag}</div>'
    rr = c.run_rate
    if rr.value is None:
        why = html_text(outlook.reason_text(c, rr.reason, lang))
        return f'<div class="bsc-oc bsc-oc-forecast">{head}<div class="bsc-oc-big">–</div><div class="bsc-oc-why">{why}</div></div>'
    big = f'<div class="bsc-oc-big">≈ {html_text(_fig(rr.value, c, lang))}</div>'
    lines = [f"{t('outlook.projected_run_rate', lang)}: {percent(rr.completion)}"]
    lines.append(f"{t('outlook.annual_target', lang)}: {_fig(c.annual_target, c, lang)}")
    s = c.seasonal
    if s.value is not None:
        lines.append(f"{t('outlook.seasonal', lang)}: ≈ {_fig(s.value, c, lang)} · {percent(s.completion)}")
    body = "<br>".join(html_text(x) for x in lines)
    notes = [r for r in (rr.reason, s.reason) if r]
    why = "".join(f'<div class="bsc-oc-why">{html_text(outlook.reason_text(c, r, lang))}</div>' for r in notes)
    return f'<div class="bsc-oc bsc-oc-forecast">{head}{big}<div class="bsc-oc-line">{body}</div>{why}</div>'


def method_line(c: outlook.Comparison, lang: str) -> str:
    """The forecasts' method in one line."""
    if c.run_rate.value is None:
        return t("outlook.method.none", lang)
    key = "outlook.method.both" if c.seasonal.value is not None else "outlook.method.run_rate"
    return t(key, lang, months=c.ytd_months, year=int(c.period[:4]) - 1)


# --------------------------------------------------------------------------- the unit's table


TABLE_COLUMNS: tuple[str, ...] = (
    "value",
    "previous_pct",
    "last_year_pct",
    "ytd",
    "ytd_last_year",
    "ytd_pct",
    "run_rate",
    "seasonal",
    "annual_target",
    "projected",
)


def table_html(rows: list[outlook.Comparison], lang: str) -> str:
    """Every KPI in one HTML table: changes coloured and worded by direction,
    forecasts in italics and marked as such."""
    head = "".join(f'<th class="num bsc-wrap">{html_text(t("outlook.col." + k, lang))}</th>' for k in TABLE_COLUMNS)
    body = []
    for c in rows:
        cells = [
            ("num", number(c.value, 2)),
            _pct_cell(c.previous),
            _pct_cell(c.last_year),
            ("num", number(c.ytd, 2)),
            ("num", number(c.ytd_last_year.base, 2)),
            _pct_cell(c.ytd_last_year),
            ("num bsc-fc", _forecast_text(c.run_rate.value)),
            ("num bsc-fc", _forecast_text(c.seasonal.value)),
            ("num", number(c.annual_target, 2)),
            ("num bsc-fc", percent(c.run_rate.completion)),
        ]
        tds = "".join(
            f'<td class="{css}" data-label="{html_text(t("outlook.col." + k, lang))}">{html_text(v)}</td>'
            for k, (css, v) in zip(TABLE_COLUMNS, cells, strict=True)
        )
        body.append(f'<tr><td class="bsc-name">{html_text(c.name_in(lang))}</td>{tds}</tr>')
    return (
        f'<table class="bsc-table bsc-oc-table"><thead><tr><th>{html_text(t("col.kpi", lang))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _pct_cell(change: outlook.Change) -> tuple[str, str]:
    if change.pct is None:
        return "num", "–"
    css = {True: "num bsc-up", False: "num bsc-down"}.get(change.better, "num")
    mark = {True: " ▲", False: " ▼"}.get(change.better, "")
    return css, f"{change.pct * 100:+.1f}%{mark}"


def _forecast_text(value: float | None) -> str:
    return "–" if value is None else f"≈ {number(value, 2)}"


def unit_table(view: vs.ViewState, org: Org, then: asof.AsOf | None = None) -> None:
    """The unit's comparisons and forecasts, all KPIs (for an expander on the scorecard page)."""
    lang = view.lang
    rows = comparisons(view, org, then)
    if not rows:
        st.caption(t("outlook.none", lang))
        return
    st.html(_CSS)
    st.markdown(table_html(rows, lang), unsafe_allow_html=True)
    st.caption(t("outlook.table_hint", lang))
    st.caption(t("outlook.table_forecast_note", lang))
