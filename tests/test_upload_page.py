"""The upload page driven by AppTest as an analyst would: drop a file, read
the problems, see the preview, confirm; roll a batch back. And one browser
test uploading a real file through the page."""

from __future__ import annotations

import pytest

from kpi_ui import data

A = "unit_id,kpi_id,period,actual\n"


def _actual(unit, kpi, period):
    row = (
        data.store()
        .cursor()
        .execute(
            "SELECT actual FROM actuals WHERE unit_id = ? AND kpi_id = ? AND period = ?::DATE",
            [unit, kpi, period + "-01"],
        )
        .fetchone()
    )
    return row[0] if row else None


def _texts(elements):
    return " | ".join(str(e.value) for e in elements)


def _upload(at, name, content, mime="text/csv"):
    at.get("file_uploader")[0].upload(name, content, mime)
    at.run()
    assert not at.exception, at.exception[0].value
    return at


def test_upload_preview_commit_and_rollback(app):
    at = app("pages/4_upload.py")
    assert not at.exception
    assert at.title[0].value == "Upload monthly data"
    old = _actual("HQ", "REV", "2026-10")
    _upload(
        at,
        "restate.csv",
        (A + f"HQ,REV,2026-10,{old + 100}\nHQ,REV,2026-09,{_actual('HQ', 'REV', '2026-09')}\n").encode(),
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"new rows": "0", "changed rows (restatements)": "1", "unchanged rows": "1"}
    assert _actual("HQ", "REV", "2026-10") == old  # nothing stored before the confirmation
    frames = [f.value for f in at.dataframe]
    rows = next(f for f in frames if "Old" in f.columns)
    # units and KPIs by name (issue 12, point 9); the demo's October revenue has two decimals
    company = "Zhiheng Smart Equipment Co., Ltd."
    assert rows[["Unit", "KPI", "Period", "Old", "New", "Change"]].values.tolist() == [
        [company, "Revenue", "2026-10", f"{old:,.2f}", f"{old + 100:,.2f}", "+100"]
    ]
    assert any("Before" in f.columns and company in set(f.iloc[:, 0]) for f in frames), "unit totals that change"
    at.button(key="upload_commit").click().run()
    assert not at.exception
    assert "Stored restate.csv as batch" in _texts(at.success)
    assert _actual("HQ", "REV", "2026-10") == old + 100
    history = data.store().upload_history()
    assert history.iloc[0][["file_name", "uploaded_by", "rows_changed"]].tolist() == ["restate.csv", "hr_admin", 1]
    batch = int(history.iloc[0]["batch_id"])
    # roll it back from the page
    assert at.selectbox(key="upload_rollback_pick").value == batch
    at.checkbox(key="upload_rollback_sure").check().run()
    at.button(key="upload_rollback_go").click().run()
    assert not at.exception
    assert f"Batch {batch} was rolled back" in _texts(at.success)
    assert _actual("HQ", "REV", "2026-10") == old


def test_errors_block_and_name_row_and_column(app):
    at = app("pages/4_upload.py")
    before = data.store().table_checksums()
    _upload(at, "bad.csv", (A + "HQ,REV,2026-10,abc\nHQ,NOPE,2026-10,1\n").encode())
    assert "Errors: 2." in _texts(at.error)
    problems = at.dataframe[0].value
    assert problems[["Row", "Column"]].values.tolist() == [[2, "actual"], [3, "kpi_id"]]
    assert not [b for b in at.button if b.key == "upload_commit"]
    assert data.store().table_checksums() == before


def test_warnings_must_be_acknowledged_and_excel_works(app):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["unit_id", "kpi_id", "year", "weight", "role"])
    ws.append(["HQ", "REV", 2026, 99, "core"])
    out = io.BytesIO()
    book.save(out)
    at = app("pages/4_upload.py")
    at.selectbox(key="upload_kind").select("assignments").run()
    _upload(at, "plan.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "Warnings: 1." in _texts(at.warning)
    assert not [b for b in at.button if b.key == "upload_commit"]
    at.checkbox(key="upload_ack").check().run()
    at.button(key="upload_commit").click().run()
    assert "Stored plan.xlsx" in _texts(at.success)


def test_a_failed_commit_is_reported_and_changes_nothing(app, monkeypatch):
    import duckdb

    from kpi_core.store import writes

    def violate(cur, kind, written, batch_id):
        cur.execute("INSERT INTO actuals VALUES ('HQ', 'REV', DATE '2026-10-01', NULL, ?)", [batch_id])

    at = app("pages/4_upload.py")
    before = data.store().table_checksums()
    monkeypatch.setattr(writes, "_upsert", violate)
    _upload(at, "oct.csv", (A + "HQ,REV,2026-10,2400.5\n").encode())
    at.button(key="upload_commit").click().run()
    assert not at.exception
    # a bug's own text (DuckDB's words, server paths) is logged, not shown
    assert "Something went wrong; nothing was stored" in _texts(at.error)
    assert "NULL" not in _texts(at.error) and "Constraint" not in _texts(at.error)
    assert data.store().table_checksums() == before
    assert issubclass(duckdb.ConstraintException, Exception)


def test_the_page_in_chinese(app):
    at = app("pages/4_upload.py", lang="zh")
    assert not at.exception
    assert at.title[0].value == "上传月度数据"


def test_a_chinese_analyst_reads_the_reasons_in_chinese(app):
    at = app("pages/4_upload.py", lang="zh")
    _upload(at, "bad.csv", (A + "HQ,REV,2026-10,abc\nHQ,NOPE,2026-10,1\n").encode())
    reasons = list(at.dataframe[0].value.iloc[:, -1])
    assert reasons == ["不是有效的数字", "未知的指标:请先在指标字典(kpis)文件中载入"]


@pytest.mark.browser
def test_a_real_file_uploaded_in_the_browser(live_app, page):
    from tests.browser_support import assert_no_exception, screenshot, wait_ready

    page.goto(live_app.url + "upload")
    wait_ready(page)
    assert_no_exception(page)
    content = (A + "HQ,REV,2026-10,2400.5\n").encode()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "october.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_text("changed rows (restatements)").wait_for(timeout=30_000)
    wait_ready(page)
    screenshot(page, "upload_preview")
    page.get_by_role("button", name="Store 1 rows").click()
    page.get_by_text("Stored october.csv as batch").wait_for(timeout=30_000)
    wait_ready(page)
    assert_no_exception(page)
    screenshot(page, "upload_done")
