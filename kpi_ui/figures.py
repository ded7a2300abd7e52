"""Plotly figure builders: data frames in, figures out.

Every figure writes its numbers on the marks (no information only on hover),
colours status with the Okabe-Ito palette and adds the status symbol to the
label, and takes ``big=True`` for meeting mode.

Plotly reads a subset of HTML (``<a href>``, ``<b>``, ``<br>`` ...) in titles,
labels, ticks and hover texts: every name and title is passed through
:func:`kpi_ui.text.plot_text` here, so callers hand over raw text.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpi_core.i18n import t
from kpi_core.model import DEFAULT_AMBER_AT, DEFAULT_GREEN_AT
from kpi_ui.text import plot_text
from kpi_ui.theme import INK, MUTED, STATUS_COLOURS, STATUS_SYMBOLS

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, Segoe UI, Arial, sans-serif"


def _layout(fig: go.Figure, *, title: str, height: int, big: bool) -> go.Figure:
    size = 18 if big else 14
    fig.update_layout(
        title={"text": plot_text(title), "font": {"size": size + 4, "color": INK}, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": size, "color": INK},
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 50},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        hoverlabel={"font_size": size},
    )
    return fig


def _fmt(value: float, digits: int = 1) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def children_bar(children: pd.DataFrame, lang: str, *, big: bool = False) -> go.Figure:
    """Each child's total, worst at the top, coloured and labelled by status.

    ``children`` has ``unit_id, label, total, status`` (worst first) and may
    have ``kpi_count`` (0: a unit without KPIs, labelled so, with no bar);
    the unit id travels as ``customdata`` so a click can drill down. Long
    labels are wrapped and shortened (the table beside the chart has the
    full name). Each bar's figure sits at its start, away from the dashed
    on-target line.
    """
    rows = children.iloc[::-1]
    totals = rows["total"].fillna(0.0)
    no_kpis = (rows["kpi_count"] == 0).to_numpy() if "kpi_count" in rows else np.zeros(len(rows), dtype=bool)
    labels = [
        t("sc.no_kpis_label", lang)
        if empty
        else f"{_fmt(v)}  {STATUS_SYMBOLS[s]} {t(f'status.{s}', lang)}"
        if not pd.isna(v)
        else f"{STATUS_SYMBOLS[s]} {t(f'status.{s}', lang)}"
        for v, s, empty in zip(rows["total"], rows["status"], no_kpis, strict=True)
    ]
    colours = [MUTED if empty else STATUS_COLOURS[s] for s, empty in zip(rows["status"], no_kpis, strict=True)]
    ticks = [tick_label(label, lang) for label in rows["label"]]
    fig = go.Figure(
        go.Bar(
            x=totals,
            y=ticks,
            orientation="h",
            marker={"color": colours, "line": {"color": INK, "width": 0.5}},
            text=[plot_text(label) for label in labels],
            # a unit without a bar (no KPIs, no data) has its words beside the axis
            textposition=[
                "outside" if pd.isna(v) or empty else "auto" for v, empty in zip(rows["total"], no_kpis, strict=True)
            ],
            insidetextanchor="start",
            insidetextfont={"color": ["white" if s in ("green", "red") else INK for s in rows["status"]]},
            outsidetextfont={"color": INK},
            cliponaxis=False,
            customdata=rows["unit_id"],
            hovertext=[plot_text(label) for label in rows["label"]],
            hovertemplate="%{hovertext}: %{x:.1f}<extra></extra>",
        )
    )
    top = max(120.0, float(np.nanmax(totals)) if len(totals) else 0.0) * 1.25
    fig.add_vline(x=100, line={"color": INK, "width": 1.5, "dash": "dash"})
    fig.add_annotation(x=100, y=1.0, yref="paper", text=t("sc.on_target", lang), showarrow=False, yanchor="bottom")
    fig.update_xaxes(range=[0, top], showgrid=True, gridcolor="#e5e5e5", zeroline=False)
    fig.update_yaxes(automargin=True)
    most = max((tick.count("<br>") + 1 for tick in ticks), default=1)
    row = max(44, (22 if big else 18) * most + 10) + (10 if big else 0)
    return _layout(fig, title=t("sc.children_chart", lang), height=90 + row * len(rows), big=big)


def _width(text: str) -> int:
    """Display width: a CJK (wide) character counts as two Latin letters."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def tick_label(label: str, lang: str, *, width: int = 30, lines: int = 8) -> str:
    """A unit's name as an axis label about ``width`` Latin letters wide (half
    as many CJK characters): wrapped at spaces (inside a word only when the
    word alone is too long, as Chinese is), so a long name takes lines, not
    the chart's width. Past ``lines`` lines the rest is cut with '…'. A line
    broken at a space keeps that space, so the label's text reads as the name.
    Escaped for Plotly.

    >>> tick_label("Advanced Manufacturing Technology and Process Innovation Laboratory", "en")
    'Advanced Manufacturing <br>Technology and Process <br>Innovation Laboratory'
    >>> tick_label("Sales ✖1", "en"), tick_label("先进制造技术与工艺创新实验室(筹建中)", "zh")
    ('Sales ✖1', '先进制造技术与工艺创新实验室(<br>筹建中)')
    >>> tick_label("a " * 40, "en", width=10, lines=2)
    'a a a a a <br>a a a a a…'
    """
    out: list[str] = []  # each line with the separator that follows it: " " or ""
    line = ""
    for word in (w for w in label.split(" ") if w):
        candidate = f"{line} {word}" if line else word
        if _width(candidate) <= width:
            line = candidate
            continue
        if line:
            out.append(line + " ")
        line = word
        while _width(line) > width:  # a word longer than a line (or Chinese without spaces)
            cut = _fit(line, width)
            out.append(line[:cut])
            line = line[cut:]
    if line:
        out.append(line)
    if len(out) > lines:
        last = out[lines - 1].rstrip()
        while last and _width(last) + 1 > width:
            last = last[:-1]
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return "<br>".join(plot_text(part) for part in out)


def _fit(text: str, width: int) -> int:
    """How many leading characters of ``text`` fit in ``width``."""
    used = 0
    for i, c in enumerate(text):
        used += _width(c)
        if used > width:
            return max(i, 1)
    return len(text)


def sparkline_svg(values: list[float], status: str = "no_data", *, min_span: float = 2.0) -> str:
    """A small inline SVG line of ``values`` (completion in %, oldest first),
    scaled to its own range (at least ``min_span`` points high, so a steady
    KPI does not look jumpy), the last month marked in its status colour.
    '' without two figures. Only numbers go in: nothing from data is text here.
    """
    points = [(i, float(v)) for i, v in enumerate(values) if v is not None and not pd.isna(v)]
    if len(points) < 2:
        return ""
    ys = [y for _, y in points]
    low, high = min(ys), max(ys)
    if high - low < min_span:
        mid = (high + low) / 2
        low, high = mid - min_span / 2, mid + min_span / 2
    n = max(len(values) - 1, 1)
    w, h, pad = 100.0, 30.0, 4.0

    def xy(i: int, y: float) -> tuple[float, float]:
        return pad + (w - 2 * pad) * i / n, h - pad - (h - 2 * pad) * (y - low) / (high - low)

    coords = [xy(i, y) for i, y in points]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    lx, ly = coords[-1]
    colour = STATUS_COLOURS.get(status, MUTED)
    return (
        f'<svg class="bsc-spark" viewBox="0 0 {w:g} {h:g}" preserveAspectRatio="none" role="img" aria-hidden="true">'
        f'<polyline points="{line}" fill="none" stroke="#0072B2" stroke-width="2.2" '
        'vector-effect="non-scaling-stroke" stroke-linejoin="round"/>'
        f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="3.2" fill="{colour}" stroke="{INK}" stroke-width="0.8" '
        'vector-effect="non-scaling-stroke"/></svg>'
    )


def _zones(kpi: pd.Series, target: pd.Series, actual: pd.Series) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(status, lower edge, upper edge) of the green and amber zones per month;
    open-ended zones stop a little past the highest figure shown."""
    g = kpi["green_at"] if not pd.isna(kpi["green_at"]) else DEFAULT_GREEN_AT
    a = kpi["amber_at"] if not pd.isna(kpi["amber_at"]) else DEFAULT_AMBER_AT
    tv = target.to_numpy(dtype=float)
    top = np.nanmax(np.concatenate([tv, actual.to_numpy(dtype=float)])) * 1.08
    if kpi["direction"] == "band":
        return [("green", kpi["band_low"] * tv, kpi["band_high"] * tv)]
    if kpi["direction"] == "lower":
        return [("green", np.zeros_like(tv), (2 - g) * tv), ("amber", (2 - g) * tv, (2 - a) * tv)]
    return [("amber", a * tv, g * tv), ("green", g * tv, np.maximum(g * tv, top))]


def kpi_over_time(history: pd.DataFrame, kpi: pd.Series, lang: str, *, big: bool = False) -> go.Figure:
    """Actual against target by month, over shaded on-track and at-risk zones."""
    h = history.sort_values("period")
    x = _months(h["period"])
    fig = go.Figure()
    if h["target"].notna().any() and (h["target"].dropna() > 0).all():
        for status, low, high in _zones(kpi, h["target"], h["actual"]):
            fig.add_trace(go.Scatter(x=x, y=low, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False))
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=high,
                    mode="lines",
                    line={"width": 0},
                    fill="tonexty",
                    fillcolor=_rgba(STATUS_COLOURS[status], 0.16),
                    hoverinfo="skip",
                    name=t(f"kd.zone.{status}", lang),
                )
            )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=h["target"],
            mode="lines",
            name=t("kd.series.target", lang),
            line={"color": INK, "dash": "dash", "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=h["actual"],
            mode="lines+markers+text",
            name=t("kd.series.actual", lang),
            line={"color": "#0072B2", "width": 3},
            marker=_status_markers(h["status"], 10 if big else 8),
            text=_labelled([_short(v) for v in h["actual"]], h["status"]),
            textposition="top center",
            cliponaxis=False,
        )
    )
    _month_axis(fig)
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5")
    fig = _layout(fig, title=t("kd.actual_vs_target", lang), height=460 if big else 420, big=big)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.18})
    return fig


def completion_and_points(history: pd.DataFrame, kpi: pd.Series, lang: str, *, big: bool = False) -> go.Figure:
    """Completion (with the status thresholds) above, points below, by month."""
    h = history.sort_values("period")
    x = _months(h["period"])
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        row_heights=[0.6, 0.4],
        subplot_titles=(t("kd.series.completion", lang), t("kd.series.points", lang)),
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=h["completion"] * 100,
            mode="lines+markers+text",
            line={"color": "#0072B2", "width": 3},
            marker=_status_markers(h["status"], 9),
            text=_labelled([_fmt(v * 100, 1) + "%" if not pd.isna(v) else "" for v in h["completion"]], h["status"]),
            textposition="top center",
            cliponaxis=False,
        ),
        row=1,
        col=1,
    )
    for status, level in _threshold_lines(kpi):
        fig.add_hline(y=level * 100, line={"color": STATUS_COLOURS[status], "dash": "dot", "width": 2}, row=1, col=1)
    fig.add_trace(
        go.Bar(
            x=x,
            y=h["points"],
            marker={"color": [STATUS_COLOURS.get(s, INK) for s in h["status"]]},
            text=_labelled(["" if pd.isna(v) else _fmt(v, 1) for v in h["points"]], h["status"]),
            textposition="outside",
            cliponaxis=False,
        ),
        row=2,
        col=1,
    )
    _month_axis(fig)
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5", ticksuffix="%", row=1, col=1)
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5", row=2, col=1)
    return _layout(fig, title=t("kd.completion_points", lang), height=520 if big else 460, big=big)


def _threshold_lines(kpi: pd.Series) -> list[tuple[str, float]]:
    if kpi["direction"] == "band":
        return [("green", kpi["band_low"]), ("green", kpi["band_high"])]
    g = kpi["green_at"] if not pd.isna(kpi["green_at"]) else DEFAULT_GREEN_AT
    a = kpi["amber_at"] if not pd.isna(kpi["amber_at"]) else DEFAULT_AMBER_AT
    return [("green", g), ("amber", a)]


def completion_bars(
    rows: pd.DataFrame, lang: str, *, title: str, highlight: str | None = None, big: bool = False
) -> go.Figure:
    """Completion of one KPI across units (siblings, or a department's persons),
    best at the top; ``rows`` has ``unit_id, label, completion, status``."""
    r = rows.sort_values(["score", "completion"], na_position="first")
    values = r["completion"] * 100
    labels = [
        f"{_fmt(v, 1)}%  {STATUS_SYMBOLS[s]}" if not pd.isna(v) else f"{STATUS_SYMBOLS[s]} {t(f'status.{s}', lang)}"
        for v, s in zip(values, r["status"], strict=True)
    ]
    ticks = [
        f"<b>▶ {plot_text(lbl)}</b>" if u == highlight else plot_text(lbl)
        for u, lbl in zip(r["unit_id"], r["label"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=values.fillna(0),
            y=ticks,
            orientation="h",
            text=labels,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [STATUS_COLOURS[s] for s in r["status"]],
                "line": {
                    "color": [INK if u == highlight else "white" for u in r["unit_id"]],
                    "width": [3 if u == highlight else 0.5 for u in r["unit_id"]],
                },
            },
            customdata=r["unit_id"],
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )
    top = max(120.0, float(np.nanmax(values)) if values.notna().any() else 0.0) * 1.2
    fig.add_vline(x=100, line={"color": INK, "width": 1.5, "dash": "dash"})
    fig.update_xaxes(range=[0, top], ticksuffix="%", showgrid=True, gridcolor="#e5e5e5")
    fig.update_yaxes(automargin=True)
    return _layout(fig, title=title, height=90 + 36 * len(r), big=big)


def _months(periods: pd.Series) -> pd.Series:
    return pd.to_datetime(periods + "-01")


def _month_axis(fig: go.Figure) -> None:
    fig.update_xaxes(type="date", dtick="M1", tickformat="%Y-%m", tickangle=-45, showgrid=False)


#: Up to this many months every point of a KPI's chart carries its figure; more
#: collide at 1366 px wide, so then only the latest point and the months off
#: track or at risk do (hovering shows every month's figures).
LABEL_ALL_UP_TO = 8


def _labelled(texts: list[str], status: pd.Series) -> list[str]:
    """``texts`` with the labels of quiet months (on track, beyond
    :data:`LABEL_ALL_UP_TO` points) left empty: the latest figure and every
    amber or red month keep theirs.

    >>> _labelled(["1", "2"], pd.Series(["green", "green"]))
    ['1', '2']
    >>> texts = [str(i) for i in range(9)] + [""]  # October has no figure yet
    >>> _labelled(texts, pd.Series(["red"] + ["green"] * 2 + ["amber"] + ["green"] * 5 + ["no_data"]))
    ['0', '', '', '3', '', '', '', '', '8', '']
    """
    if len(texts) <= LABEL_ALL_UP_TO:
        return list(texts)
    shown = [i for i, x in enumerate(texts) if x]
    latest = shown[-1] if shown else -1
    return [
        x if i == latest or s in ("amber", "red") else "" for i, (x, s) in enumerate(zip(texts, status, strict=True))
    ]


def _short(value: float) -> str:
    """A label short enough to sit above a point: 2.3k, 97.6, 0.45."""
    if value is None or pd.isna(value):
        return ""
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k"
    if abs(value) >= 1000:
        return f"{value / 1000:,.2f}k"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"


def _status_markers(statuses: pd.Series, size: int) -> dict:
    """Point markers that carry the status in colour and in shape."""
    return {
        "size": size,
        "color": [STATUS_COLOURS.get(s, INK) for s in statuses],
        "symbol": [_marker(s) for s in statuses],
        "line": {"color": INK, "width": 1},
    }


def _marker(status: str) -> str:
    return {
        "green": "circle",
        "amber": "triangle-up",
        "red": "x",
        "no_data": "circle-open",
        "no_target": "circle-open",
    }.get(status, "circle")


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# --------------------------------------------------------------------------- bonuses (issue 17)

#: Bin widths (shares of achievement) the achievement histogram picks from:
#: the narrowest that draws at most :data:`MAX_ACHIEVEMENT_BINS` bars.
ACHIEVEMENT_BIN_WIDTHS: tuple[float, ...] = (0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.5)
MAX_ACHIEVEMENT_BINS = 12


def achievement_bin(values: list[float]) -> tuple[float, float, float]:
    """(start, end, width) of the bins for achievements ``values`` (shares):
    the narrowest width of :data:`ACHIEVEMENT_BIN_WIDTHS` with at most
    :data:`MAX_ACHIEVEMENT_BINS` bins, edges on multiples of the width.

    >>> achievement_bin([0.985, 1.032, 1.089])
    (0.98, 1.09, 0.01)
    >>> achievement_bin([0.6, 1.5])
    (0.6, 1.6, 0.1)
    """
    low, high = min(values), max(values)
    for width in ACHIEVEMENT_BIN_WIDTHS:
        start = math.floor(round(low / width, 9)) * width
        end = (math.floor(round(high / width, 9)) + 1) * width
        if round((end - start) / width) <= MAX_ACHIEVEMENT_BINS:
            return round(start, 4), round(end, 4), width
    width = ACHIEVEMENT_BIN_WIDTHS[-1]
    return math.floor(low / width) * width, (math.floor(high / width) + 1) * width, width


def achievement_histogram(achievements: list[float], lang: str, *, big: bool = False) -> go.Figure:
    """How many persons reached each band of achievement (as measured, before
    floor and cap), the count written on each bar, a dashed line at 100%
    (always on the axis, so the bars read against the target)."""
    start, end, width = achievement_bin([*achievements, 1.0])
    percent = [a * 100 for a in achievements]
    fig = go.Figure(
        go.Histogram(
            x=percent,
            xbins={"start": start * 100, "end": end * 100, "size": width * 100},
            texttemplate="%{y}",
            textposition="outside",
            cliponaxis=False,
            marker={"color": "#0072B2", "line": {"color": INK, "width": 0.5}},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    fig.add_vline(x=100, line={"color": INK, "width": 1.5, "dash": "dash"})
    fig.update_xaxes(
        title=plot_text(t("pay.fig.x", lang)), ticksuffix="%", range=[start * 100, end * 100], showgrid=False
    )
    fig.update_yaxes(
        title=plot_text(t("pay.fig.y", lang)), dtick=1 if len(achievements) <= 12 else None, rangemode="tozero"
    )
    fig.update_layout(bargap=0.08)
    title = t("pay.fig.title", lang, count=len(achievements))
    return _layout(fig, title=title, height=380 if big else 320, big=big)


def cumulative_forecast(path: pd.DataFrame, unit: str, lang: str, *, big: bool = False) -> go.Figure:
    """A KPI that adds up over the year (issue 16, item 5): the year to date
    month by month against the running target and last year's year to date,
    and the year-end forecasts from the current month, dotted and named
    forecasts. ``path`` is :func:`kpi_core.outlook.cumulative`'s frame."""
    x = _months(path["period"])
    fig = go.Figure()
    series = (
        ("target", "outlook.chart_target", {"color": INK, "dash": "dash", "width": 2}, "lines"),
        ("last_year", "outlook.chart_last_year", {"color": "#999999", "width": 2}, "lines"),
        ("seasonal", "outlook.seasonal", {"color": "#CC79A7", "dash": "dot", "width": 3}, "lines"),
        ("run_rate", "outlook.chart_forecast", {"color": "#0072B2", "dash": "dot", "width": 3}, "lines"),
    )
    for column, key, line, mode in series:
        if path[column].notna().any():
            name = t(key, lang) if column != "seasonal" else f"{t('outlook.forecast_tag', lang)} · {t(key, lang)}"
            fig.add_trace(go.Scatter(x=x, y=path[column], mode=mode, name=plot_text(name), line=line))
    ytd = path["ytd"]
    last = ytd.last_valid_index()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=ytd,
            mode="lines+markers+text",
            name=plot_text(t("outlook.chart_actual", lang)),
            line={"color": "#0072B2", "width": 3},
            marker={"size": 9 if big else 7, "color": "#0072B2"},
            text=[_short(v) if i == last else "" for i, v in ytd.items()],
            textposition="top left",
            cliponaxis=False,
        )
    )
    end = path["run_rate"].iloc[-1]
    if not pd.isna(end):
        fig.add_annotation(
            x=x.iloc[-1],
            y=end,
            text=plot_text(f"{t('outlook.forecast_tag', lang)} ≈ {_short(end)}"),
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"color": "#0072B2"},
        )
    # twelve months of one year: the month number is enough (the year is in the title)
    fig.update_xaxes(type="date", dtick="M1", tickformat="%m", showgrid=False)
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5", title=plot_text(unit) if unit else None, rangemode="tozero")
    title = f"{t('outlook.chart_title', lang)} · {path['period'].iloc[0][:4]}"
    fig = _layout(fig, title=title, height=400 if big else 360, big=big)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.3}, margin={"b": 90})
    return fig


# --------------------------------------------------------------------------- target suggestions (issue 17, item 4)


def suggestion_band(
    history: pd.DataFrame,
    suggested: pd.DataFrame,
    this_year: pd.DataFrame,
    kpi_name: str,
    year: int,
    lang: str,
    *,
    unit: str = "",
    big: bool = False,
) -> go.Figure:
    """The history a suggestion read (``history``: period, actual), the
    suggested range of ``year`` as a band with the suggested target
    (``suggested``: period, low, point, high), and the year's stored targets
    and actuals so far (``this_year``: period, target, actual), which the
    suggestion did not use. Each suggested point carries its figure."""
    fig = go.Figure()
    h = history.sort_values("period")
    if not h.empty:
        fig.add_trace(
            go.Scatter(
                x=_months(h["period"]),
                y=h["actual"],
                mode="lines+markers",
                name=plot_text(t("suggest.series.actual", lang)),
                line={"color": "#0072B2", "width": 2.5},
                marker={"size": 7 if big else 6, "color": "#0072B2"},
            )
        )
    y = this_year.sort_values("period")
    if y["target"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=_months(y["period"]),
                y=y["target"],
                mode="lines",
                name=plot_text(t("suggest.series.target", lang)),
                line={"color": MUTED, "dash": "dash", "width": 2},
            )
        )
    done = y[y["actual"].notna()]
    if not done.empty:
        fig.add_trace(
            go.Scatter(
                x=_months(done["period"]),
                y=done["actual"],
                mode="markers",
                name=plot_text(t("suggest.series.this_year", lang, year=year)),
                marker={
                    "size": 9 if big else 8,
                    "color": "white",
                    "symbol": "circle",
                    "line": {"color": INK, "width": 2},
                },
            )
        )
    # the suggestion last, so its figures sit on top of the other marks
    s = suggested.sort_values("period")
    x = _months(s["period"])
    fig.add_trace(go.Scatter(x=x, y=s["low"], mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=s["high"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=_rgba("#009E73", 0.22),
            name=plot_text(t("suggest.series.range", lang)),
            customdata=s["low"],
            hovertemplate="%{x|%Y-%m}: %{customdata:,.4g} – %{y:,.4g}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=s["point"],
            mode="lines+markers+text",
            name=plot_text(t("suggest.series.point", lang)),
            line={"color": "#009E73", "width": 3},
            marker={"size": 9 if big else 7, "color": "#009E73", "symbol": "diamond"},
            text=[_short(v) for v in s["point"]],
            textposition="top center",
            cliponaxis=False,
        )
    )
    _month_axis(fig)
    first = min([*h["period"], *s["period"]])
    span = (year - int(first[:4])) * 12 + 12 - int(first[5:7]) + 1  # months on the axis
    fig.update_xaxes(dtick="M1" if span <= 14 else "M2" if span <= 30 else "M3")
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5", title=plot_text(unit) if unit else None)
    title = t("suggest.chart_title", lang, kpi=kpi_name, year=year)
    fig = _layout(fig, title=title, height=460 if big else 420, big=big)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.25}, margin={"b": 100})
    return fig


def review360_bars(rep, names: list[str], lang: str) -> go.Figure:
    """A 360 report (:class:`kpi_core.review360.Report`): all raters (the
    groups shown) and self against the company average, per behaviour;
    ``names`` are the behaviours' labels in the report's order."""
    ids = rep.behaviours["behaviour_id"].tolist()[::-1]
    names = list(names)[::-1]
    self_cells = rep.cells[rep.cells["rater_group"] == "self"].set_index("behaviour_id")["mean"]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[rep.others.get(b) for b in ids],
        orientation="h",
        name=t("r360.col.others", lang),
        marker_color="#1f5fa8",
    )
    fig.add_bar(
        y=names,
        x=[rep.company.get(b) for b in ids],
        orientation="h",
        name=t("r360.col.company", lang),
        marker_color="#b8c4d6",
    )
    fig.add_scatter(
        y=names,
        x=[self_cells.get(b) for b in ids],
        mode="markers",
        name=t("r360.group.self", lang),
        marker={"symbol": "diamond", "size": 11, "color": "#d9822b"},
    )
    fig.update_layout(
        title=t("r360.report.chart_title", lang),
        barmode="group",
        height=120 + 48 * len(ids),
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.08},
        plot_bgcolor="white",
        xaxis={"range": [1, 5], "dtick": 1, "gridcolor": "#e5e5e5"},
        yaxis={"automargin": True},
    )
    return fig
