"""The review pack (issue 16, item 6): PDF, PowerPoint and Excel of Customer
Service for 2026-10 on the demo, checked against ``score --format json``.

The figures below were read once by hand from
``python -m kpi_core score --unit CS --period 2026-10 --format json``:
total 75.070111; perspectives customer 75.128399 (weight 40 + 35 + 5),
process 0.0 (a task not met), learning 99.782609, financial none; CSAT
weight 40, target 92, actual 76.4, completion 0.830435, points 33.217391,
red; COMPLAINT_TIME weight 35, target 22.2, actual 30.6, completion
0.621622, points 21.756757, red (13.2 points lost = 35 - 21.76); the person
P_CS_01 (Su Qing): CSAT target 92, actual 73.6, points 36.0.

Each file is made once per language (module fixtures); the PDF through
Debian's Chromium as CI runs it (root, --no-sandbox).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from kpi_core import agenda, pack, review
from kpi_core.cli import main
from kpi_core.org import Org
from kpi_core.store import Store
from kpi_ui import pack_render
from kpi_ui.pack_download import PREPARED_KEY

PERIOD = "2026-10"
AS_OF = datetime(2026, 11, 21, 9, 30)
HOSTILE = '=HYPERLINK("http://evil.example","click me")'
OUTLOOK = "Su Qing retrains the team by December"
DECISION = "Two more agents on the complaint queue from 1 December"


@pytest.fixture(scope="module")
def pack_db(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with a hostile comment, an action owned by a person, the
    month's minutes and a viewer of the Sales department."""
    path = tmp_path_factory.mktemp("pack") / "pack.duckdb"
    shutil.copyfile(demo_db_template, path)
    with Store(path) as store:
        org = Org.from_frame(store.units())
        review.write_comment(
            store,
            viewer=None,
            scope=None,
            unit_id="CS",
            subject="CSAT",
            period=PERIOD,
            analysis=HOSTILE,
            outlook=OUTLOOK,
            by="hr_admin",
        )
        action = review.create_action(
            store,
            org,
            viewer=None,
            scope=None,
            unit_id="CS",
            title="Clear the complaint backlog",
            owner="P_CS_01",
            due=date(2026, 11, 30),
            kpi_ids=["COMPLAINT_TIME"],
            period=PERIOD,
            by="hr_admin",
        )
        agenda.record_minutes(
            store,
            org,
            unit_id="CS",
            period=PERIOD,
            held_on=date(2026, 11, 10),
            chair="ceo",
            attendees="ceo, Su Qing",
            items=[{"kind": "red", "subject": "COMPLAINT_TIME", "decision": DECISION, "actions": [action]}],
            by="hr_admin",
        )
        store.add_user("sales_viewer", role="viewer", unit_id="SALES", display="Sales viewer", by="tests")
    return path


@pytest.fixture(scope="module")
def person_names(pack_db: Path) -> set[str]:
    with Store(pack_db) as store:
        persons = store.units().query("kind == 'person'")
    return set(persons["name"]) | set(persons["name_zh"].dropna())


@pytest.fixture(scope="module")
def made(pack_db: Path) -> dict[str, dict[str, bytes]]:
    """The PDF and the PowerPoint of CS, 2026-10, in each language."""
    with Store(pack_db) as store:
        packs = {lang: pack.build(store, "CS", PERIOD, lang=lang, now=AS_OF) for lang in ("en", "zh")}
    charts = {(lang, name): chart for lang, p in packs.items() for name, chart in pack_render.figures_of(p).items()}
    drawn = pack_render.images(charts)  # both languages' charts in one Chromium session
    out = {}
    for lang, p in packs.items():
        own = {name: image for (of, name), image in drawn.items() if of == lang}
        out[lang] = {"pdf": pack_render.pdf(p, own), "pptx": pack_render.pptx(p, own)}
    return out


def _pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "pack.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _export(db: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(db), "export", *argv])
    return code, out.getvalue(), err.getvalue()


def _cells(workbook) -> list[str]:
    return [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


# --------------------------------------------------------------------------- PDF


def test_the_pdf_states_the_total_each_perspective_and_the_agenda_with_its_decision(made, tmp_path):
    text = _pdf_text(made["en"]["pdf"], tmp_path)
    assert "Customer Service · 2026-10" in text
    assert "Total 75.1 · ✖ off track · grade Fail" in text
    assert "Customer: score 75.1 · ✖ off track · weight 80%" in text and "Internal process: score 0.0" in text
    assert "Learning & growth: score 99.8" in text and "Financial: score –" in text
    assert "1. Complaint resolution time" in text and "13.2 points lost" in text  # the agenda's first item
    assert DECISION in text
    assert "Actual 30.6 hours · target 22.2 hours · completion 62.2% · points 21.76 of 35" in text
    assert HOSTILE in text  # the comment, as typed
    assert "Figures as of 2026-11-21 09:30" in text
    assert re.search(r"1\s*/\s*\d", text)  # page numbers


def test_the_chinese_pdf_has_chinese_headings_and_the_same_figures(made, tmp_path):
    text = _pdf_text(made["zh"]["pdf"], tmp_path)
    assert "经营分析会资料" in text and "客户服务部 · 2026-10" in text
    assert "总分 75.1 · ✖ 未达标" in text and "客户:得分率 75.1" in text and "学习与成长:得分率 99.8" in text
    assert "客诉处理时长" in text and "议程" in text and "会议决定" in text
    assert "数据截至 2026-11-21 09:30" in text


# --------------------------------------------------------------------------- PowerPoint


def _slides(data: bytes) -> list[str]:
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        out.append(" | ".join(parts))
    return out


def test_the_deck_has_a_slide_per_perspective_and_per_agenda_item_with_the_json_figures(made):
    slides = _slides(made["en"]["pptx"])
    # title, four perspectives, the units below, one agenda item, the actions
    assert len(slides) == 8
    assert "Business review pack" in slides[0] and "Total score\n75.1\n✖ off track" in slides[0]
    customer = slides[2]
    assert customer.startswith("Customer: score 75.1 · ✖ off track · weight 80%")
    for figure in ("Customer satisfaction", "76.4 pts", "92.0 pts", "83.0%", "33.22", "✖ off track"):
        assert figure in customer
    assert "not met" in slides[3] and "0.00" in slides[3]  # the task of the process perspective
    assert slides[6].startswith("1. Complaint resolution time") and DECISION in slides[6]
    assert "1 / 8" in slides[0] and "8 / 8" in slides[7]
    zh = _slides(made["zh"]["pptx"])
    assert "经营分析会资料" in zh[0] and zh[2].startswith("客户:得分率 75.1")


# --------------------------------------------------------------------------- Excel


@pytest.fixture(scope="module")
def workbook_en(pack_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "cs.xlsx"
    code, said, err = _export(pack_db, "--unit", "CS", "--period", PERIOD, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    assert "written to" in said
    return out


def test_the_workbook_holds_every_kpi_of_the_unit_and_its_persons(workbook_en):
    wb = load_workbook(workbook_en)
    assert wb.sheetnames == [
        "Summary",
        "Financial",
        "Customer",
        "Internal process",
        "Learning & growth",
        "Agenda",
        "Actions",
        "Comments",
    ]
    rows = {(r[0], r[3]): r for r in wb["Customer"].iter_rows(min_row=4, values_only=True)}
    cs = rows[("CS", "CSAT")]
    assert cs[6:9] == (40, 92, 76.4)  # weight, target, actual
    assert cs[9] == pytest.approx(0.830435, abs=1e-6) and cs[11] == pytest.approx(33.217391, abs=1e-6)
    assert cs[12] == "✖ off track"
    person = rows[("P_CS_01", "CSAT")]
    assert person[1] == "Su Qing" and person[7:9] == (92, 73.6) and person[11] == pytest.approx(36.0)
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, max_row=10, values_only=True)}
    assert summary["Total"] == pytest.approx(75.070111, abs=1e-6)


def test_a_comment_starting_with_equals_stays_text(workbook_en):
    wb = load_workbook(workbook_en)
    comments = list(wb["Comments"].iter_rows(min_row=2))
    cell = comments[0][3]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HOSTILE, "s", True)
    with zipfile.ZipFile(workbook_en) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)  # no formula anywhere


def test_masked_persons_are_numbered_in_the_workbook_and_the_pdf(pack_db, person_names, tmp_path):
    out = tmp_path / "masked.xlsx"
    code, said, err = _export(
        pack_db, "--unit", "CS", "--format", "xlsx", "--out", str(out), "--mask-persons", "--lang", "zh"
    )
    assert code == 0, err
    assert "评审资料已写入" in said
    wb = load_workbook(out)
    cells = " ".join(_cells(wb))
    assert not [n for n in person_names if n in cells]
    assert "人员 " in cells and "P_CS_01" not in cells and wb.sheetnames[0] == "总览"
    with Store(pack_db) as store:
        masked = pack.build(store, "CS", PERIOD, lang="zh", mask_persons=True, now=AS_OF)
    document = pack_render.pdf_html(masked, {})  # what the PDF prints, without the charts
    assert not [n for n in person_names if n in document]
    assert "人员姓名已隐去" in document and "人员 " in document


# --------------------------------------------------------------------------- scope


def test_a_reader_gets_only_their_scope(pack_db, tmp_path):
    code, _, err = _export(
        pack_db, "--unit", "HQ", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx"), "--as", "sales_viewer"
    )
    assert code == 3 and "HQ" in err and not (tmp_path / "x.xlsx").exists()
    out = tmp_path / "hq.xlsx"
    code, _, err = _export(pack_db, "--unit", "HQ", "--format", "xlsx", "--out", str(out), "--as", "sales_director")
    assert code == 0, err
    wb = load_workbook(out)
    units = {r[0] for ws in wb.worksheets[1:5] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert units == {"HQ", "SALES"}  # the company's card lists no other department
    cells = " ".join(_cells(wb))
    assert "Marketing" not in cells and "Customer Service" not in cells


# --------------------------------------------------------------------------- the page


def test_the_scorecard_page_prepares_a_masked_chinese_workbook(app, person_names):
    at = app("pages/1_scorecard.py", unit="CS", period=PERIOD, lang="zh")
    assert not at.exception
    at.segmented_control(key="pack_format").set_value("xlsx")
    at.toggle(key="pack_mask").set_value(True)
    at.button(key="pack_prepare").click().run()
    assert not at.exception
    assert at.download_button(key="pack_file").label == "下载 review-pack_CS_2026-10.xlsx"
    _, name, mime, blob = at.session_state[PREPARED_KEY]
    wb = load_workbook(io.BytesIO(blob))
    assert wb.sheetnames[:3] == ["总览", "财务", "客户"]
    assert not [n for n in person_names if n in " ".join(_cells(wb))]


def test_the_database_is_free_while_the_pack_is_rendered(pack_db, tmp_path, monkeypatch):
    """A PDF takes seconds to render: the command reads the pack's figures,
    closes the database, then renders, so the dashboard (another process) can
    write meanwhile. Here another process opens the file for writing in the
    middle of the render."""
    real = pack_render.render
    seen = {}

    def render_while_another_process_writes(made_pack, fmt):
        probe = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('CHECKPOINT'); print('opened')"
        done = subprocess.run([sys.executable, "-c", probe, str(pack_db)], capture_output=True, text=True)
        seen["other process"] = done.stdout.strip() or done.stderr.strip().splitlines()[-1]
        return real(made_pack, fmt)

    monkeypatch.setattr(pack_render, "render", render_while_another_process_writes)
    out = tmp_path / "cs.xlsx"
    code, said, err = _export(pack_db, "--unit", "CS", "--period", PERIOD, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    assert seen == {"other process": "opened"}
    assert out.stat().st_size > 0
