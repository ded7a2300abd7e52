"""The review pack as files: PDF, PowerPoint and Excel bytes (issue 16, item 6).

:func:`render` turns a :class:`kpi_core.pack.Pack` (plain data, already
scoped, masked and in its language) into a file. Nothing here reads the
store or Streamlit state, so the CLI's ``export`` and the scorecard page's
download make the same file.

* **Charts** are the dashboard's Plotly figures (:mod:`kpi_ui.figures`),
  rendered to PNG by kaleido in one Chromium session (:func:`images`):
  Debian's Chromium (``$KPI_CHROMIUM``, else ``chromium`` on the PATH), with
  plotly.js from the installed plotly package and MathJax off, so nothing is
  fetched from the internet.
* **PDF**: an HTML document (status in colour *and* symbol and word, Noto
  Sans CJK for Chinese) printed by headless Chromium; the page margins carry
  the unit and month, the as-of time and "page n / N" (CSS ``@page`` margin
  boxes). Chromium runs with ``--no-sandbox`` (CI runs as root) and a
  throw-away profile.
* **PowerPoint** (python-pptx, 16:9): a title slide with the headline, one
  slide per perspective (its table, status cells coloured, and its chart),
  the units below, one slide per agenda item, and the action items.
* **Excel** (openpyxl): a summary, one sheet per perspective with every KPI
  of the unit and of the units below, the agenda, actions and comments.
  Text is always written as text: a cell starting with ``= + - @`` (or a
  tab or carriage return) is a string with Excel's quote prefix, never a
  formula.
"""

from __future__ import annotations

import asyncio
import base64
import html
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Hashable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from kpi_core.i18n import has, t
from kpi_core.pack import AgendaEntry, Pack, PackProblem, Perspective, Row
from kpi_ui import figures
from kpi_ui.text import plot_text
from kpi_ui.theme import INK, MUTED, STATUS_COLOURS, STATUS_SYMBOLS

MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHROMIUM_ENV = "KPI_CHROMIUM"
PDF_TIMEOUT = 120
CHART_WIDTH = 820
AGENDA_CHART = (900, 380)
MAX_PDF_ACTIONS = 40


def render(pack: Pack, fmt: str) -> bytes:
    """The pack as a ``pdf``, ``pptx`` or ``xlsx`` file."""
    if fmt == "pdf":
        return pdf(pack)
    if fmt == "pptx":
        return pptx(pack)
    if fmt == "xlsx":
        return xlsx(pack)
    raise ValueError(f"unknown format {fmt!r}")


def file_name(pack: Pack, fmt: str) -> str:
    """``review-pack_CS_2026-10.pdf`` (a masked person's id is left out)."""
    ref = re.sub(r"[^A-Za-z0-9_.-]+", "_", pack.unit_ref) or "unit"
    return f"review-pack_{ref}_{pack.period}.{fmt}"


# --------------------------------------------------------------------------- words and numbers


def status_text(status: str, lang: str) -> str:
    """'✖ off track'."""
    word = t(f"status.{status}", lang) if has(f"status.{status}") else status
    return f"{STATUS_SYMBOLS.get(status, '')} {word}".strip()


def row_status(row: Row, lang: str) -> str:
    return t("carried.not_scored", lang) if row.role == "info" else status_text(row.status, lang)


def number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def share(weight: float | None) -> str:
    """A perspective's weight: '85%', or '–' when none of its KPIs has one."""
    return "–" if weight is None or weight == 0 else f"{weight:,.0f}%"


def measure_text(unit: str, lang: str) -> str:
    key = f"measure.{unit}"
    return t(key, lang) if unit and has(key) else unit


def figure(value: float | None, row: Row, lang: str) -> str:
    """An actual or target as the scorecard shows it: digits by the target's size, the unit of measure."""
    target = row.target
    digits = 1 if target is None else 0 if abs(target) >= 1000 else 1 if abs(target) >= 10 else 2
    unit = measure_text(row.measure, lang)
    text = number(value, digits)
    if text == "–" or not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def result_text(row: Row, lang: str) -> str:
    if row.result is None:
        return t("task.none", lang)
    key = f"task.result.{row.result.strip().lower()}"
    return t(key, lang) if has(key) else row.result


def row_name(row: Row, lang: str) -> str:
    name = f"◆ {t('task.mark', lang)} · {row.name}" if row.role == "task" else row.name
    return f"{name} · {t('carried.mark', lang, month=row.carried)}" if row.carried else name


def actual_text(row: Row, lang: str) -> str:
    return result_text(row, lang) if row.role == "task" else figure(row.actual, row, lang)


def target_text(row: Row, lang: str) -> str:
    return "–" if row.role == "task" else figure(row.target, row, lang)


def moment(pack: Pack) -> str:
    return pack.as_of.strftime("%Y-%m-%d %H:%M")


def subtitle(pack: Pack) -> str:
    return t("pack.subtitle", pack.lang, unit=pack.unit_name, period=pack.period)


def total_line(pack: Pack) -> str:
    """'Total 75.1 · ✖ off track · grade Fail · data coverage 100%'."""
    lang = pack.lang
    return t(
        "pack.total_line",
        lang,
        total=number(pack.total),
        status=status_text(pack.status, lang),
        grade=t(f"grade.{pack.grade}", lang),
        coverage=percent(pack.coverage, 0),
    )


def perspective_head(p: Perspective, lang: str) -> str:
    return t(
        "pack.perspective_head",
        lang,
        perspective=t(f"perspective.{p.perspective}", lang),
        score=number(p.score),
        status=status_text(p.status, lang),
        weight=share(p.weight),
    )


def item_figures(item: AgendaEntry, lang: str, pack: Pack | None = None) -> str:
    """The item's figures in one line: its KPI's (or task's) at the unit, or the unit below's total."""
    row = item.row
    if row is None:
        return _child_line(item, lang, pack)
    if row.role == "task":
        points, weight = number(row.points, 2), number(row.weight, 0)
        return t("pack.item_task", lang, result=result_text(row, lang), points=points, weight=weight)
    return t(
        "pack.item_figures",
        lang,
        actual=figure(row.actual, row, lang),
        target=figure(row.target, row, lang),
        completion=percent(row.completion),
        points=number(row.points, 2),
        weight=number(row.weight, 0),
    )


def _child_line(item: AgendaEntry, lang: str, pack: Pack | None) -> str:
    found = [c for c in pack.children if c.unit_id == item.unit_id] if pack is not None else []
    if item.kind != "unit_fell" or not found:
        return ""
    c = found[0]
    status = status_text(c.status, lang)
    return t(
        "pack.item_unit",
        lang,
        unit=c.name,
        total=number(c.total),
        status=status,
        red=c.red,
        amber=c.amber,
        green=c.green,
    )


def kind_text(kind: str, lang: str) -> str:
    key = f"pack.agenda.kind.{kind}"
    return t(key, lang) if has(key) else kind


def action_status(status: str, overdue: bool, lang: str) -> str:
    word = t(f"review.status.{status}", lang)
    return f"⚠ {t('review.overdue', lang)} · {word}" if overdue else word


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class Image:
    png: bytes
    width: int
    height: int


def figures_of(pack: Pack) -> dict[str, tuple[go.Figure, int, int]]:
    """The pack's charts (figure, width, height in px), by name: ``p:<perspective>``,
    ``children`` and ``a:<agenda number>``."""
    lang = pack.lang
    out: dict[str, tuple[go.Figure, int, int]] = {}
    for p in pack.perspectives:
        scored = [r for r in p.rows if r.role != "info"]
        if len(scored) > 1:  # one bar says no more than the table beside it
            fig = figures.completion_bars(
                pd.DataFrame(
                    {
                        "unit_id": [r.kpi_id for r in scored],
                        "label": [r.name for r in scored],
                        "completion": [r.completion for r in scored],
                        "score": [r.score for r in scored],
                        "status": [r.status for r in scored],
                    }
                ).astype({"completion": "float64", "score": "float64"}),
                lang,
                title=t("pack.chart.perspective", lang, perspective=t(f"perspective.{p.perspective}", lang)),
            )
            out[f"p:{p.perspective}"] = (fig, CHART_WIDTH, int(fig.layout.height))
    if pack.children:
        frame = pd.DataFrame(
            {
                "unit_id": [c.unit_ref or str(i) for i, c in enumerate(pack.children)],
                "label": [c.name for c in pack.children],
                "total": [c.total for c in pack.children],
                "status": [c.status for c in pack.children],
                "kpi_count": [c.kpi_count for c in pack.children],
            }
        ).astype({"total": "float64"})
        fig = figures.children_bar(frame, lang)
        out["children"] = (fig, CHART_WIDTH, int(fig.layout.height))
    for item in pack.agenda:
        if item.history and item.kpi:
            out[f"a:{item.number}"] = (_kpi_chart(item, lang), *AGENDA_CHART)
    return out


def _kpi_chart(item: AgendaEntry, lang: str) -> go.Figure:
    history = pd.DataFrame(
        {
            "period": [p.period for p in item.history],
            "target": [p.target for p in item.history],
            "actual": [p.actual for p in item.history],
            "status": [p.status for p in item.history],
        }
    ).astype({"target": "float64", "actual": "float64"})
    fig = figures.kpi_over_time(history, pd.Series(item.kpi), lang)
    name = item.row.name if item.row is not None else str(item.kpi.get("name") or item.kpi_id)
    fig.update_layout(title_text=plot_text(t("pack.chart.kpi", lang, kpi=name)), height=AGENDA_CHART[1])
    return fig


def chromium() -> str:
    """The Chromium to print and draw with: ``$KPI_CHROMIUM``, else ``chromium`` on the PATH."""
    found = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).is_file():
        raise PackProblem("Chromium not found", key="pack.no_chromium")
    return found


def images(charts: Mapping[Hashable, tuple[go.Figure, int, int]]) -> dict[Hashable, Image]:
    """Each chart (figure, width, height) as a PNG twice that size in pixels
    (for print), by the same key, drawn in one Chromium session."""
    if not charts:
        return {}
    path = chromium()

    async def draw() -> dict[str, Image]:
        import kaleido  # a heavy import, needed only here

        out = {}
        async with kaleido.Kaleido(path=path, mathjax=False, timeout=60) as k:
            for name, (fig, width, height) in charts.items():
                png = await k.calc_fig(fig, opts={"format": "png", "width": width, "height": height, "scale": 2})
                out[name] = Image(png, width, height)
        return out

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(draw())
    with ThreadPoolExecutor(1) as pool:  # called from inside an event loop: draw in a thread of its own
        return pool.submit(asyncio.run, draw()).result()


# --------------------------------------------------------------------------- PDF


def pdf(pack: Pack, drawn: dict[str, Image] | None = None) -> bytes:
    """The pack as a PDF (printed by headless Chromium)."""
    drawn = images(figures_of(pack)) if drawn is None else drawn
    return print_pdf(pdf_html(pack, drawn))


def print_pdf(document: str) -> bytes:
    """``document`` (HTML) printed to PDF by headless Chromium, in a throw-away profile."""
    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="kpi-pack-") as tmp:
        page, out = Path(tmp) / "pack.html", Path(tmp) / "pack.pdf"
        page.write_text(document, encoding="utf-8")
        command = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PackProblem(str(exc), key="pack.render_failed", format="PDF", reason=str(exc)) from exc
        if not out.is_file() or out.stat().st_size == 0:
            reason = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {done.returncode}"])[-1]
            raise PackProblem(reason, key="pack.render_failed", format="PDF", reason=reason)
        return out.read_bytes()


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _css_string(text: str) -> str:
    """``text`` as a CSS string: quotes, backslashes, angle brackets and line breaks escaped."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '\\"<>&\n\r' else c for c in text) + '"'


def _pill(status: str, word: str) -> str:
    colour = STATUS_COLOURS.get(status, MUTED)
    ink = INK if status == "amber" else "#FFFFFF"
    return f'<span class="pill" style="background:{colour};color:{ink}">{_e(word)}</span>'


def _img(drawn: dict[str, Image], name: str, css: str = "chart") -> str:
    found = drawn.get(name)
    if found is None:
        return ""
    data = base64.b64encode(found.png).decode("ascii")
    return f'<img class="{css}" alt="" src="data:image/png;base64,{data}">'


_CSS = """
@page { size: A4; margin: 16mm 13mm 17mm 13mm;
  @top-left { content: @HEAD@; font-size: 8pt; color: #555; }
  @bottom-left { content: @FOOT@; font-size: 8pt; color: #555; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", sans-serif; font-size: 9.5pt; color: #1A1A1A; }
body { margin: 0; }
h1 { font-size: 20pt; margin: 0 0 1mm; }
h2 { font-size: 14pt; margin: 7mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #1A1A1A; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 1mm 0; }
.muted { color: #555; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; }
th { text-align: left; font-weight: 600; border-bottom: 1pt solid #1A1A1A; padding: 1mm 1.5mm; }
td { border-bottom: 0.5pt solid #ccc; padding: 1mm 1.5mm; vertical-align: top; }
tr { break-inside: avoid; }
.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.pill { display: inline-block; padding: 0.2mm 2mm; border-radius: 2.5mm; font-weight: 600; white-space: nowrap; }
.headline { display: flex; gap: 5mm; align-items: stretch; margin: 3mm 0; }
.total { border: 1pt solid #1A1A1A; padding: 2mm 4mm; min-width: 42mm; }
.big { font-size: 30pt; font-weight: 700; line-height: 1.1; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; flex: 1; }
.tile { border: 0.5pt solid #bbb; border-left-width: 3mm; padding: 1.5mm 2.5mm; }
.tile .score { font-size: 16pt; font-weight: 700; }
img.chart { width: 100%; break-inside: avoid; display: block; margin: 1mm 0 3mm; }
img.small { width: 82%; break-inside: avoid; display: block; margin: 1mm 0 2mm; }
.item, .keep { break-inside: avoid; margin: 0 0 3mm; }
.item h3 { margin-top: 3mm; }
.kind { font-size: 8pt; font-weight: 400; text-transform: uppercase; letter-spacing: .04em; color: #555; }
.comment { break-inside: avoid; margin: 0 0 3mm; padding-left: 3mm; border-left: 1mm solid #0072B2; }
.decision { margin: 1mm 0; padding: 1mm 2mm; background: #f2f2f2; }
.late { color: #D55E00; font-weight: 600; }
"""


def pdf_html(pack: Pack, drawn: dict[str, Image]) -> str:
    """The PDF's HTML document (every text from data escaped)."""
    lang = pack.lang
    css = _CSS.replace("@HEAD@", _css_string(f"{t('pack.title', lang)} · {subtitle(pack)}")).replace(
        "@FOOT@", _css_string(t("pack.as_of", lang, moment=moment(pack)))
    )
    body = [
        _html_headline(pack),
        _html_perspectives(pack, drawn),
        _html_children(pack, drawn),
        _html_agenda(pack, drawn),
        _html_comments(pack),
        _html_decisions(pack),
        _html_actions(pack),
    ]
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{_e(t('pack.title', lang))} · {_e(subtitle(pack))}</title><style>{css}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def _table(headers: list[str], rows: Iterable[list[str]], numeric: Iterable[int] = ()) -> str:
    """An HTML table; ``rows`` hold HTML (callers escape), ``numeric`` columns align right."""
    right = set(numeric)
    head = "".join(f'<th class="n">{_e(h)}</th>' if i in right else f"<th>{_e(h)}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in right else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_headline(pack: Pack) -> str:
    lang = pack.lang
    tiles = "".join(
        f'<div class="tile" style="border-left-color:{STATUS_COLOURS.get(p.status, MUTED)}">'
        f"<div>{_e(t(f'perspective.{p.perspective}', lang))}</div>"
        f'<div class="score">{_e(number(p.score))}</div>'
        f"<div>{_pill(p.status, status_text(p.status, lang))}</div>"
        f'<div class="muted">{_e(t("col.weight", lang))} {_e(share(p.weight))}</div></div>'
        for p in pack.perspectives
    )
    masked = f" · {_e(t('pack.masked', lang))}" if pack.masked else ""
    return (
        f"<h1>{_e(t('pack.title', lang))}</h1>"
        f"<p><b>{_e(subtitle(pack))}</b> · {_e(total_line(pack))}</p>"
        f'<p class="muted">{_e(t("pack.as_of", lang, moment=moment(pack)))}{masked}</p>'
        f"<h2>{_e(t('pack.headline', lang))}</h2>"
        f'<div class="headline"><div class="total"><div>{_e(t("pack.total", lang))}</div>'
        f'<div class="big">{_e(number(pack.total))}</div><div>{_pill(pack.status, status_text(pack.status, lang))}</div>'
        f'<div class="muted">{_e(t("col.grade", lang))}: {_e(t(f"grade.{pack.grade}", lang))} · '
        f"{_e(t('col.coverage', lang))}: {_e(percent(pack.coverage, 0))}</div></div>"
        f'<div class="tiles">{tiles}</div></div>'
    )


def _kpi_headers(lang: str) -> list[str]:
    keys = ("col.kpi", "col.weight", "col.actual", "col.target", "col.completion", "col.points", "col.status")
    return [t(k, lang) for k in keys]


def _kpi_cells(r: Row, lang: str) -> list[str]:
    return [
        _e(row_name(r, lang)),
        _e(number(r.weight, 0)),
        _e(actual_text(r, lang)),
        _e(target_text(r, lang)),
        _e(percent(r.completion)),
        _e(number(r.points, 2)),
        _pill(r.status, row_status(r, lang)) if r.role != "info" else _e(row_status(r, lang)),
    ]


def _html_perspectives(pack: Pack, drawn: dict[str, Image]) -> str:
    lang = pack.lang
    out = [f"<h2>{_e(t('pack.perspectives', lang))}</h2>"]
    for p in pack.perspectives:
        head = f"<h3>{_e(perspective_head(p, lang))}</h3>"
        if not p.rows:
            out.append(f'{head}<p class="muted">{_e(t("pack.no_rows", lang))}</p>')
            continue
        table = _table(_kpi_headers(lang), (_kpi_cells(r, lang) for r in p.rows), numeric=(1, 2, 3, 4, 5))
        out.append(f'<section class="keep">{head}{table}{_img(drawn, f"p:{p.perspective}")}</section>')
    return "".join(out)


def _html_children(pack: Pack, drawn: dict[str, Image]) -> str:
    lang = pack.lang
    out = [f"<h2>{_e(t('pack.children', lang))}</h2>"]
    if not pack.children:
        return out[0] + f'<p class="muted">{_e(t("pack.no_children", lang))}</p>'
    headers = [t(k, lang) for k in ("col.unit", "col.kind", "col.total", "col.grade", "col.status", "pack.col.counts")]
    rows = (
        [
            _e(c.name),
            _e(t(f"kind.{c.kind}", lang)),
            _e(number(c.total)),
            _e(t(f"grade.{c.grade}", lang)),
            _pill(c.status, status_text(c.status, lang)),
            _e(f"{c.red} / {c.amber} / {c.green}"),
        ]
        for c in pack.children
    )
    out.append(_table(headers, rows, numeric=(2, 5)))
    out.append(_img(drawn, "children"))
    return "".join(out)


def _html_agenda(pack: Pack, drawn: dict[str, Image]) -> str:
    lang = pack.lang
    out = [f"<h2>{_e(t('pack.agenda', lang))}</h2>"]
    if not pack.agenda:
        out.append(f'<p class="muted">{_e(t("pack.no_agenda", lang))}</p>')
    for item in pack.agenda:
        figures_line = item_figures(item, lang, pack)
        status = f" {_pill(item.row.status, status_text(item.row.status, lang))}" if item.row is not None else ""
        decision = (
            f'<p class="decision"><b>{_e(t("pack.col.decision", lang))}:</b> {_e(item.decision)}</p>'
            if item.decision
            else ""
        )
        out.append(
            f'<div class="item"><h3><span class="kind">{_e(kind_text(item.kind, lang))}</span><br>'
            f"{item.number}. {_e(item.title)}{status}</h3>"
            + (f"<p>{_e(figures_line)}</p>" if figures_line else "")
            + decision
            + _img(drawn, f"a:{item.number}", "small")
            + "</div>"
        )
    return "".join(out)


def _html_comments(pack: Pack) -> str:
    lang = pack.lang
    out = [f"<h2>{_e(t('pack.commentary', lang))}</h2>"]
    if not pack.comments:
        out.append(f'<p class="muted">{_e(t("pack.no_comments", lang))}</p>')
    for c in pack.comments:
        parts = [f"<h3>{_e(c.unit_name)} · {_e(c.subject_name)}</h3>"]
        for field, text in (("analysis", c.analysis), ("outlook", c.outlook)):
            if text:
                parts.append(f"<p><b>{_e(t(f'review.{field}', lang))}:</b> {_e(text)}</p>")
        when = c.written_at.strftime("%Y-%m-%d %H:%M") if c.written_at else ""
        parts.append(f'<p class="muted">{_e(t("pack.written", lang, who=c.written_by, when=when))}</p>')
        out.append(f'<div class="comment">{"".join(parts)}</div>')
    return "".join(out)


def _html_decisions(pack: Pack) -> str:
    lang = pack.lang
    out = [f"<h2>{_e(t('pack.decisions', lang))}</h2>"]
    m = pack.meeting
    if m is None:
        return out[0] + f'<p class="muted">{_e(t("pack.no_meeting", lang))}</p>'
    if m.held_on is None:
        return out[0] + f'<p class="muted">{_e(t("pack.meeting_planned", lang))}</p>'
    out.append(f"<p>{_e(t('pack.meeting', lang, day=m.held_on.isoformat(), chair=m.chair, attendees=m.attendees))}</p>")
    if not m.decisions:
        out.append(f'<p class="muted">{_e(t("pack.no_decisions", lang))}</p>')
    else:
        headers = [t("pack.col.item", lang), t("pack.col.decision", lang)]
        out.append(_table(headers, ([_e(title), _e(text)] for title, text in m.decisions)))
    return "".join(out)


def action_headers(lang: str) -> list[str]:
    keys = ("review.col.id", "review.col.due", "review.col.status", "review.col.title", "review.col.owner")
    return [t(k, lang) for k in (*keys, "review.col.unit", "review.col.kpis")]


def _html_actions(pack: Pack) -> str:
    lang = pack.lang
    out = [f"<h2>{_e(t('pack.actions', lang))}</h2>"]
    if not pack.actions:
        return out[0] + f'<p class="muted">{_e(t("pack.no_actions", lang))}</p>'
    shown = pack.actions[:MAX_PDF_ACTIONS]
    rows = (
        [
            f"#{a.action_id}",
            _e(a.due.isoformat() if a.due else "–"),
            f'<span class="{"late" if a.overdue else ""}">{_e(action_status(a.status, a.overdue, lang))}</span>',
            _e(a.title),
            _e(a.owner),
            _e(a.unit_name),
            _e(a.kpis),
        ]
        for a in shown
    )
    out.append(_table(action_headers(lang), rows))
    if len(pack.actions) > len(shown):
        out.append(f'<p class="muted">{_e(t("pack.more_actions", lang, count=len(pack.actions) - len(shown)))}</p>')
    return "".join(out)


# --------------------------------------------------------------------------- PowerPoint


def pptx(pack: Pack, drawn: dict[str, Image] | None = None) -> bytes:
    """The pack as a 16:9 PowerPoint deck."""
    from kpi_ui import pack_slides  # python-pptx, imported only for this format

    drawn = images(figures_of(pack)) if drawn is None else drawn
    return pack_slides.deck(pack, drawn)


# --------------------------------------------------------------------------- Excel


def xlsx(pack: Pack) -> bytes:
    """The pack's figures as an Excel workbook."""
    from kpi_ui import pack_workbook  # openpyxl, imported only for this format

    return pack_workbook.workbook(pack)
