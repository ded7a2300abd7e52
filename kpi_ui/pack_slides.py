"""The review pack as a PowerPoint deck (python-pptx), for :mod:`kpi_ui.pack_render`.

16:9 slides on the blank layout (the default template's placeholders are
placed for 4:3): a title slide with the headline, one slide per
perspective (its KPI table, status cells filled with the status colour and
labelled with symbol and word, and its chart), the units below, one slide
per agenda item (figures, chart, decision), and the action items. Every
slide's foot names the unit, the month, the as-of time and "n / N".
"""

from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from kpi_core.i18n import t
from kpi_core.pack import AgendaEntry, Pack, Perspective, Row
from kpi_ui import pack_render as r
from kpi_ui.theme import INK, MUTED, STATUS_COLOURS

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
EA_FONT = "Microsoft YaHei"
"""East Asian typeface asked for (PowerPoint on Windows has it; others substitute their CJK font)."""
BLANK = 6


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _style(run, size: float, *, bold: bool = False, colour: str = INK) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)
    r_pr = run._r.get_or_add_rPr()
    for old in r_pr.findall(qn("a:ea")):
        r_pr.remove(old)
    etree.SubElement(r_pr, qn("a:ea")).set("typeface", EA_FONT)


def _text(slide, left, top, width, height, lines: list[tuple[str, float, bool, str]]) -> None:
    """A text box of ``lines``: (text, size in pt, bold, colour)."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        _style(run, size, bold=bold, colour=colour)


def _title(slide, text: str, sub: str = "") -> None:
    lines = [(text, 26, True, INK)] + ([(sub, 14, False, MUTED)] if sub else [])
    _text(slide, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(1.0), lines)


def _cell(cell, text: str, size: float, *, bold: bool = False, status: str | None = None, right: bool = False) -> None:
    cell.text = ""
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = text
    colour = INK
    if status is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(STATUS_COLOURS.get(status, MUTED))
        colour = INK if status == "amber" else "#FFFFFF"
        bold = True
    elif not bold:
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb("#FFFFFF")
    _style(run, size, bold=bold, colour=colour)
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.03)


def _table(slide, left, top, width, headers: list[str], rows: list[list[tuple]], widths: list[float], size=12):
    """A table; each cell of ``rows`` is (text, status or None, right-aligned)."""
    shape = slide.shapes.add_table(len(rows) + 1, len(headers), left, top, width, Inches(0.35) * (len(rows) + 1))
    table = shape.table
    total = sum(widths)
    for i, w in enumerate(widths):
        table.columns[i].width = Emu(int(width * w / total))
    for j, h in enumerate(headers):
        _cell(table.cell(0, j), h, size, bold=True)
    for i, row in enumerate(rows, start=1):
        for j, (text, status, right) in enumerate(row):
            _cell(table.cell(i, j), text, size, status=status, right=right)
    return table


def _picture(slide, image: r.Image | None, left, top, max_width, max_height) -> None:
    if image is None:
        return
    scale = min(max_width / image.width, max_height / image.height)
    slide.shapes.add_picture(
        io.BytesIO(image.png), left, top, width=Emu(int(image.width * scale)), height=Emu(int(image.height * scale))
    )


def deck(pack: Pack, drawn: dict[str, r.Image]) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _title_slide(prs, pack)
    for p in pack.perspectives:
        _perspective_slide(prs, pack, p, drawn.get(f"p:{p.perspective}"))
    if pack.children:
        _children_slide(prs, pack, drawn.get("children"))
    for item in pack.agenda:
        _agenda_slide(prs, pack, item, drawn.get(f"a:{item.number}"))
    if pack.actions:
        _actions_slide(prs, pack)
    _footers(prs, pack)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _slide(prs):
    return prs.slides.add_slide(prs.slide_layouts[BLANK])


def _footers(prs, pack: Pack) -> None:
    lang = pack.lang
    left = f"{r.subtitle(pack)} · {t('pack.as_of', lang, moment=r.moment(pack))}"
    if pack.masked:
        left += f" · {t('pack.masked', lang)}"
    count = len(prs.slides)
    for n, slide in enumerate(prs.slides, start=1):
        top = HEIGHT - Inches(0.45)
        _text(slide, MARGIN, top, Inches(10), Inches(0.35), [(left, 10, False, MUTED)])
        box = slide.shapes.add_textbox(WIDTH - MARGIN - Inches(1.2), top, Inches(1.2), Inches(0.35)).text_frame
        box.paragraphs[0].alignment = PP_ALIGN.RIGHT
        run = box.paragraphs[0].add_run()
        run.text = f"{n} / {count}"
        _style(run, 10, colour=MUTED)


def _title_slide(prs, pack: Pack) -> None:
    lang = pack.lang
    slide = _slide(prs)
    lines = [
        (t("pack.title", lang), 36, True, INK),
        (r.subtitle(pack), 24, False, INK),
        (t("pack.as_of", lang, moment=r.moment(pack)), 14, False, MUTED),
    ]
    _text(slide, MARGIN, Inches(0.8), WIDTH - 2 * MARGIN, Inches(2.0), lines)
    total = [
        (t("pack.total", lang), 16, False, MUTED),
        (r.number(pack.total), 54, True, INK),
        (r.status_text(pack.status, lang), 20, True, STATUS_COLOURS.get(pack.status, MUTED)),
        (f"{t('col.grade', lang)}: {t(f'grade.{pack.grade}', lang)}", 14, False, MUTED),
    ]
    _text(slide, MARGIN, Inches(3.0), Inches(3.2), Inches(2.6), total)
    headers = [t("col.perspective", lang), t("pack.score", lang), t("col.status", lang), t("col.weight", lang)]
    rows = [
        [
            (t(f"perspective.{p.perspective}", lang), None, False),
            (r.number(p.score), None, True),
            (r.status_text(p.status, lang), p.status, False),
            (r.share(p.weight), None, True),
        ]
        for p in pack.perspectives
    ]
    _table(slide, Inches(4.2), Inches(3.1), Inches(8.6), headers, rows, [3.2, 1.4, 2.4, 1.2], size=16)


def _kpi_row(row: Row, lang: str) -> list[tuple]:
    return [
        (r.row_name(row, lang), None, False),
        (r.actual_text(row, lang), None, True),
        (r.target_text(row, lang), None, True),
        (r.percent(row.completion), None, True),
        (r.number(row.points, 2), None, True),
        (r.row_status(row, lang), None if row.role == "info" else row.status, False),
    ]


def _perspective_slide(prs, pack: Pack, p: Perspective, image: r.Image | None) -> None:
    lang = pack.lang
    slide = _slide(prs)
    _title(slide, r.perspective_head(p, lang), r.subtitle(pack))
    if not p.rows:
        _text(slide, MARGIN, Inches(1.6), Inches(8), Inches(0.6), [(t("pack.no_rows", lang), 16, False, MUTED)])
        return
    headers = [
        t(k, lang) for k in ("col.kpi", "col.actual", "col.target", "col.completion", "col.points", "col.status")
    ]
    rows = [_kpi_row(row, lang) for row in p.rows[:MAX_ROWS]]
    _table(slide, MARGIN, Inches(1.5), Inches(7.6), headers, rows, [3.0, 1.5, 1.5, 1.2, 1.0, 1.6])
    _picture(slide, image, Inches(8.3), Inches(1.5), Inches(4.6), Inches(5.3))


MAX_ROWS = 12


def _children_slide(prs, pack: Pack, image: r.Image | None) -> None:
    lang = pack.lang
    slide = _slide(prs)
    _title(slide, t("pack.children", lang), r.subtitle(pack))
    headers = [t(k, lang) for k in ("col.unit", "col.total", "col.status", "pack.col.counts")]
    rows = [
        [
            (c.name, None, False),
            (r.number(c.total), None, True),
            (r.status_text(c.status, lang), c.status, False),
            (f"{c.red} / {c.amber} / {c.green}", None, True),
        ]
        for c in pack.children[:MAX_ROWS]
    ]
    _table(slide, MARGIN, Inches(1.5), Inches(6.6), headers, rows, [3.0, 1.2, 1.8, 1.6])
    _picture(slide, image, Inches(7.3), Inches(1.5), Inches(5.6), Inches(5.3))


def _agenda_slide(prs, pack: Pack, item: AgendaEntry, image: r.Image | None) -> None:
    lang = pack.lang
    slide = _slide(prs)
    _title(slide, f"{item.number}. {item.title}", f"{t('pack.agenda', lang)} · {r.kind_text(item.kind, lang)}")
    lines = []
    if item.row is not None:
        lines.append((r.row_status(item.row, lang), 18, True, STATUS_COLOURS.get(item.row.status, MUTED)))
    figures_line = r.item_figures(item, lang, pack)
    if figures_line:
        lines.append((figures_line, 14, False, INK))
    if item.decision:
        lines.append((f"{t('pack.col.decision', lang)}: {item.decision}", 14, True, INK))
    comments = [c for c in pack.comments if item.kpi_id and c.subject == item.kpi_id and c.unit_name == pack.unit_name]
    for c in comments[:1]:
        for field, text in (("analysis", c.analysis), ("outlook", c.outlook)):
            if text:
                lines.append((f"{t(f'review.{field}', lang)}: {text}", 12, False, INK))
    top = Inches(1.6)
    if lines:
        _text(slide, MARGIN, top, Inches(4.3) if image else WIDTH - 2 * MARGIN, Inches(5.0), lines)
    _picture(slide, image, Inches(5.0), top, Inches(7.9), Inches(5.2))


def _actions_slide(prs, pack: Pack) -> None:
    lang = pack.lang
    slide = _slide(prs)
    _title(slide, t("pack.actions", lang), r.subtitle(pack))
    keys = ("review.col.id", "review.col.due", "review.col.status", "review.col.title", "review.col.owner")
    headers = [t(k, lang) for k in keys]
    rows = [
        [
            (f"#{a.action_id}", None, False),
            (a.due.isoformat() if a.due else "–", None, False),
            (r.action_status(a.status, a.overdue, lang), "red" if a.overdue else None, False),
            (a.title, None, False),
            (a.owner, None, False),
        ]
        for a in pack.actions[:MAX_ROWS]
    ]
    _table(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, headers, rows, [0.7, 1.3, 2.0, 5.0, 2.2], size=12)
    if len(pack.actions) > MAX_ROWS:
        note = t("pack.more_actions", lang, count=len(pack.actions) - MAX_ROWS)
        _text(slide, MARGIN, HEIGHT - Inches(0.9), Inches(10), Inches(0.4), [(note, 11, False, MUTED)])
