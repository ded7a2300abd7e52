"""The review pack as an Excel workbook (openpyxl), for :mod:`kpi_ui.pack_render`.

Sheets: a summary (headline, perspectives, units below), one sheet per
perspective with every KPI row of the unit and of each unit below (figures
as numbers, completion and score as percentages), the agenda, the actions
and the comments.

**Text stays text.** Every string is written as a string cell; one starting
with ``= + - @``, a tab or a carriage return also gets Excel's quote prefix,
so neither opening the file nor editing the cell ever turns it into a
formula (a comment "=HYPERLINK(...)" is shown as typed). Characters XML
cannot hold are dropped.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi_core.i18n import t
from kpi_core.pack import Pack, Row
from kpi_ui import pack_render as r
from kpi_ui.theme import STATUS_COLOURS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
BOLD = Font(bold=True)


def _put(ws, row: int, column: int, value: object, number_format: str | None = None):
    """One cell: a number as a number, text always as text (never a formula)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    elif value is not None:
        cell.value = value
        if number_format:
            cell.number_format = number_format
    return cell


def _status_cell(ws, row: int, column: int, status: str, text: str) -> None:
    cell = _put(ws, row, column, text)
    if status in STATUS_COLOURS:
        colour = STATUS_COLOURS[status].lstrip("#")
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        cell.font = Font(bold=True, color="1A1A1A" if status == "amber" else "FFFFFF")


def _header(ws, row: int, headers: list[str]) -> None:
    for j, h in enumerate(headers, start=1):
        _put(ws, row, j, h).font = BOLD


def _widths(ws, widths: list[int]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


def _sheet_title(text: str, used: set[str]) -> str:
    title = text.translate(_SHEET_CHARS).strip()[:31] or "Sheet"
    base, n = title, 2
    while title.lower() in used:
        title = f"{base[:28]} {n}"
        n += 1
    used.add(title.lower())
    return title


def workbook(pack: Pack) -> bytes:
    lang = pack.lang
    wb = Workbook()
    used: set[str] = set()
    summary = wb.active
    summary.title = _sheet_title(t("pack.sheet.summary", lang), used)
    _summary(summary, pack)
    for p in pack.perspectives:
        ws = wb.create_sheet(_sheet_title(t(f"perspective.{p.perspective}", lang), used))
        _figures(ws, pack, [row for row in pack.detail if row.perspective == p.perspective])
    _agenda(wb.create_sheet(_sheet_title(t("pack.sheet.agenda", lang), used)), pack)
    _actions(wb.create_sheet(_sheet_title(t("pack.sheet.actions", lang), used)), pack)
    _comments(wb.create_sheet(_sheet_title(t("pack.sheet.comments", lang), used)), pack)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary(ws, pack: Pack) -> None:
    lang = pack.lang
    _put(ws, 1, 1, t("pack.title", lang)).font = Font(bold=True, size=14)
    _put(ws, 2, 1, r.subtitle(pack))
    _put(
        ws,
        3,
        1,
        t("pack.as_of", lang, moment=r.moment(pack)) + (f" · {t('pack.masked', lang)}" if pack.masked else ""),
    )
    facts = [
        (t("col.unit", lang), pack.unit_name),
        (t("pack.col.unit_id", lang), pack.unit_ref),
        (t("col.period", lang), pack.period),
        (t("col.total", lang), pack.total),
        (t("col.grade", lang), t(f"grade.{pack.grade}", lang)),
        (t("col.coverage", lang), pack.coverage),
    ]
    for i, (label, value) in enumerate(facts, start=5):
        _put(ws, i, 1, label).font = BOLD
        _put(ws, i, 2, value, "0.0%" if label == t("col.coverage", lang) else "0.00")
    _put(ws, 11, 1, t("col.status", lang)).font = BOLD
    _status_cell(ws, 11, 2, pack.status, r.status_text(pack.status, lang))
    row = 13
    _header(ws, row, [t(k, lang) for k in ("col.perspective", "col.weight", "col.points", "pack.score", "col.status")])
    for p in pack.perspectives:
        row += 1
        _put(ws, row, 1, t(f"perspective.{p.perspective}", lang))
        _put(ws, row, 2, p.weight, "0")
        _put(ws, row, 3, p.points, "0.00")
        _put(ws, row, 4, p.score, "0.00")
        _status_cell(ws, row, 5, p.status, r.status_text(p.status, lang))
    row += 2
    _put(ws, row, 1, t("pack.children", lang)).font = BOLD
    row += 1
    keys = ("pack.col.unit_id", "col.unit", "col.kind", "col.total", "col.grade", "col.status", "col.coverage")
    _header(ws, row, [t(k, lang) for k in keys])
    for c in pack.children:
        row += 1
        values = [c.unit_ref, c.name, t(f"kind.{c.kind}", lang), c.total, t(f"grade.{c.grade}", lang)]
        for j, value in enumerate(values, start=1):
            _put(ws, row, j, value, "0.00")
        _status_cell(ws, row, 6, c.status, r.status_text(c.status, lang))
        _put(ws, row, 7, c.coverage, "0%")
    _widths(ws, [28, 34, 14, 12, 14, 16, 14])


_FIGURE_KEYS = (
    "pack.col.unit_id",
    "col.unit",
    "pack.col.unit_kind",
    "pack.col.kpi_id",
    "col.kpi",
    "pack.col.role",
    "col.weight",
    "col.target",
    "col.actual",
    "col.completion",
    "pack.score",
    "col.points",
    "col.status",
    "pack.col.measure",
    "pack.col.result",
    "pack.col.carried",
)


def _figures(ws, pack: Pack, rows: list[Row]) -> None:
    """Every KPI row of the perspective: the unit's first, then each unit below."""
    lang = pack.lang
    _put(ws, 1, 1, t("pack.figures_of", lang, unit=pack.unit_name, period=pack.period)).font = Font(bold=True, size=12)
    _header(ws, 3, [t(k, lang) for k in _FIGURE_KEYS])
    for i, row in enumerate(rows, start=4):
        values = [
            row.unit_ref,
            row.unit_name,
            t(f"kind.{row.unit_kind}", lang),
            row.kpi_id,
            row.name,
            t(f"pack.role.{row.role}", lang),
            (row.weight, "0.##"),
            (row.target, "#,##0.00"),
            (row.actual, "#,##0.00"),
            (row.completion, "0.0%"),
            (row.score, "0.0%"),
            (row.points, "0.00"),
        ]
        for j, value in enumerate(values, start=1):
            number, fmt = value if isinstance(value, tuple) else (value, None)
            _put(ws, i, j, number, fmt)
        _status_cell(ws, i, 13, row.status if row.role != "info" else "", r.row_status(row, lang))
        _put(ws, i, 14, r.measure_text(row.measure, lang))
        _put(ws, i, 15, r.result_text(row, lang) if row.role == "task" else None)
        _put(ws, i, 16, row.carried)
    ws.freeze_panes = "C4"
    if not rows:
        _put(ws, 4, 1, t("pack.no_rows", lang))
    else:
        ws.auto_filter.ref = f"A3:{get_column_letter(len(_FIGURE_KEYS))}{len(rows) + 3}"
    _widths(ws, [14, 26, 10, 20, 30, 10, 9, 12, 12, 11, 10, 9, 14, 12, 18, 12])


def _agenda(ws, pack: Pack) -> None:
    lang = pack.lang
    keys = ("review.col.id", "pack.col.kind", "pack.col.item", "col.actual", "col.target", "col.completion")
    _header(ws, 1, [t(k, lang) for k in (*keys, "col.points", "col.status", "pack.col.decision")])
    for i, item in enumerate(pack.agenda, start=2):
        _put(ws, i, 1, item.number)
        _put(ws, i, 2, r.kind_text(item.kind, lang))
        _put(ws, i, 3, item.title)
        if item.row is not None:
            _put(ws, i, 4, item.row.actual, "#,##0.00")
            _put(ws, i, 5, item.row.target, "#,##0.00")
            _put(ws, i, 6, item.row.completion, "0.0%")
            _put(ws, i, 7, item.row.points, "0.00")
            _status_cell(ws, i, 8, item.row.status, r.row_status(item.row, lang))
        _put(ws, i, 9, item.decision or None)
    _widths(ws, [6, 18, 60, 12, 12, 11, 9, 14, 50])


def _actions(ws, pack: Pack) -> None:
    lang = pack.lang
    _header(ws, 1, r.action_headers(lang))
    for i, a in enumerate(pack.actions, start=2):
        _put(ws, i, 1, a.action_id)
        _put(ws, i, 2, a.due, "yyyy-mm-dd")
        cell = _put(ws, i, 3, r.action_status(a.status, a.overdue, lang))
        if a.overdue:
            cell.font = Font(bold=True, color=STATUS_COLOURS["red"].lstrip("#"))
        _put(ws, i, 4, a.title)
        _put(ws, i, 5, a.owner)
        _put(ws, i, 6, a.unit_name)
        _put(ws, i, 7, a.kpis)
    _widths(ws, [8, 12, 22, 50, 20, 22, 30])


def _comments(ws, pack: Pack) -> None:
    lang = pack.lang
    keys = ("col.unit", "col.kpi", "col.period", "review.analysis", "review.outlook", "pack.col.written")
    _header(ws, 1, [t(k, lang) for k in (*keys, "review.col.when")])
    for i, c in enumerate(pack.comments, start=2):
        for j, value in enumerate([c.unit_name, c.subject_name, c.period, c.analysis, c.outlook, c.written_by], 1):
            _put(ws, i, j, value)
        _put(ws, i, 7, c.written_at, "yyyy-mm-dd hh:mm")
    _widths(ws, [22, 28, 10, 60, 60, 18, 17])
