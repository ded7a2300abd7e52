"""Issue 12, points 8, 9, 10 and the upload words of 14: the upload page as a
new user met it, driven by AppTest in both languages on the small company of
tests/conftest.py (whose figures are worked by hand in README "How scores are
computed"), and one Chromium check of the upload history at 1366x768.

Hand-worked figures used below (HQ, SALES; March 2026, month view):

- HQ revenue 150 -> 180 against a target of 200: completion 75% -> 90%, score
  0.75 -> 0.9, points 40 x: 30 -> 36 (+6); status off track -> at risk
  (90% is amber_at, and a value on a threshold takes the better status).
- HQ key staff 18 -> 10 against 20 ("last"): 90% -> 50%, points 10 x: 9 -> 5
  (-4); at risk -> off track.
- HQ total 85 + 6 - 4 = 87: at risk before and after (85 <= total < 95).
- SALES revenue 190 -> 100 against 200: 95% -> 50%, below the floor 0.6, so
  score 0.95 -> 0; points 60 x: 57 -> 0 (-57); at risk -> off track.
  SALES collection days 50 against 40: 2 - 1.25 = 75%, 40 x 0.75 = 30 points.
  SALES total 57 + 30 = 87 -> 30 (-57): at risk -> off track.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from kpi_core import ingest
from kpi_ui import data
from tests.conftest import app_factory
from tests.test_upload_page import _actual

PAGE = "pages/4_upload.py"
ROOT = Path(__file__).resolve().parents[1]
A = "unit_id,kpi_id,period,actual\n"
RESTATE = A + "HQ,rev,2026-03,180\nHQ,staff,2026-03,10\nSALES,rev,2026-03,100\n"


@pytest.fixture
def small_app(_small_db_template: Path, _isolated_db: Path):
    """AppTests of app.py on a private copy of the small company."""
    shutil.copyfile(_small_db_template, _isolated_db)
    with app_factory() as make:

        def on_upload_page(lang: str = "en"):
            at = make(PAGE, lang=lang)
            assert not at.exception, [e.value for e in at.exception]
            return at

        yield on_upload_page


def _upload(at, name: str, content: bytes):
    at.get("file_uploader")[0].upload(name, content, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at, column: str):
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column!r}: {[list(f.value.columns) for f in at.dataframe]}")


def _texts(elements) -> str:
    """The texts as a reader sees them (Markdown's backslash escapes of text from data removed)."""
    return re.sub(r"\\(.)", r"\1", " | ".join(str(e.value) for e in elements))


# ----------------------------------------------------------------- point 9: the preview by name


PREVIEW = {
    "en": {
        "rows": [
            ["Sales", "Revenue", "2026-03", "changed", "190", "100", "-90"],
            ["Acme", "Revenue", "2026-03", "changed", "150", "180", "+30"],
            ["Acme", "Key staff retained", "2026-03", "changed", "18", "10", "-8"],
        ],
        "totals": [
            ["Sales", "2026-03", "87.0", "30.0", "-57.0", "▲ at risk", "✖ off track"],
            ["Acme", "2026-03", "85.0", "87.0", "+2.0", "▲ at risk", "▲ at risk"],
        ],
        "worse": {
            ("Sales", "Revenue", "▲ at risk", "✖ off track"),
            ("Acme", "Key staff retained", "▲ at risk", "✖ off track"),
        },
        "better": ("Acme", "Revenue", "✖ off track", "▲ at risk"),
        "cols": ("Unit", "KPI", "Period", "New / changed", "Old", "New", "Change"),
        "status_cols": ("Status before", "Status after"),
    },
    "zh": {
        "rows": [
            ["销售部", "营业收入", "2026-03", "变更", "190", "100", "-90"],
            ["阿克米", "营业收入", "2026-03", "变更", "150", "180", "+30"],
            ["阿克米", "核心员工保留", "2026-03", "变更", "18", "10", "-8"],
        ],
        "totals": [
            ["销售部", "2026-03", "87.0", "30.0", "-57.0", "▲ 预警", "✖ 未达标"],
            ["阿克米", "2026-03", "85.0", "87.0", "+2.0", "▲ 预警", "▲ 预警"],
        ],
        "worse": {("销售部", "营业收入", "▲ 预警", "✖ 未达标"), ("阿克米", "核心员工保留", "▲ 预警", "✖ 未达标")},
        "better": ("阿克米", "营业收入", "✖ 未达标", "▲ 预警"),
        "cols": ("单元", "指标", "期间", "新增 / 变更", "原值", "新值", "变动"),
        "status_cols": ("变更前状态", "变更后状态"),
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_preview_shows_names_status_markers_and_the_biggest_change_first(small_app, lang):
    want = PREVIEW[lang]
    at = _upload(small_app(lang), "restate.csv", RESTATE.encode())
    rows = _table(at, want["cols"][4])
    assert rows[list(want["cols"])].values.tolist() == want["rows"]
    before, after = want["status_cols"]
    totals = _table(at, "Before" if lang == "en" else "变更前")
    assert totals.values.tolist() == want["totals"]
    statuses = next(f.value for f in at.dataframe if before in f.value.columns and len(f.value.columns) == 5)
    shown = [tuple(r) for r in statuses[[want["cols"][0], want["cols"][1], before, after]].values.tolist()]
    # two steps down (at risk -> off track) come before the step up (off track -> at risk)
    assert set(shown[:2]) == want["worse"] and shown[2] == want["better"]
    # no raw id and no raw status word anywhere in the preview
    for frame in (rows, totals, statuses):
        cells = {str(c) for c in frame.values.ravel()}
        assert not cells & {"HQ", "SALES", "rev", "staff", "amber", "red", "green", "None", "nan"}


def test_a_new_row_has_no_old_value_shown_as_a_dash(small_app):
    at = _upload(small_app(), "april.csv", (A + "HQ,rev,2026-04,120\nHQ,rev,2026-03,151\n").encode())
    rows = _table(at, "Old")
    # the restatement (+1) first, then the new row, whose old value and change are "–"
    assert rows[["Unit", "Period", "New / changed", "Old", "New", "Change"]].values.tolist() == [
        ["Acme", "2026-03", "changed", "150", "151", "+1"],
        ["Acme", "2026-04", "new", "–", "120", "–"],
    ]


# ----------------------------------------------------------------- point 8: rollback


def _commit(at, name: str, content: str):
    _upload(at, name, content.encode())
    at.button(key="upload_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Stored {name} as batch" in _texts(at.success) or f"已写入 {name}" in _texts(at.success), _texts(at.error)
    return at


def _roll_back(at, batch: int | None = None):
    if batch is not None:
        at.selectbox(key="upload_rollback_pick").set_value(batch)
    at.checkbox(key="upload_rollback_sure").check()
    at.run()
    at.button(key="upload_rollback_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_picker_offers_the_newest_upload_after_every_new_upload(small_app):
    # the small company was loaded as batches 1-5 (units ... actuals)
    at = small_app()
    assert at.selectbox(key="upload_rollback_pick").value == 5
    _commit(at, "a.csv", A + "HQ,rev,2026-03,160\n")
    assert at.selectbox(key="upload_rollback_pick").value == 6
    at.selectbox(key="upload_rollback_pick").set_value(4).run()  # the person looks at an older batch ...
    _commit(at, "b.csv", A + "HQ,rev,2026-03,170\n")
    assert at.selectbox(key="upload_rollback_pick").value == 7  # ... and a new upload is offered first
    # an upload from another session (here: the CLI's code) moves the pick too
    ingest.load(data.store(), "actuals", (A + "HQ,rev,2026-02,111\n").encode(), "cli.csv", uploaded_by="Bo")
    at.run()
    assert at.selectbox(key="upload_rollback_pick").value == 8
    # another session rolling the picked batch back does not move the pick onto another batch
    data.store().rollback_batch(8, uploaded_by="Bo")
    at.run()
    assert at.selectbox(key="upload_rollback_pick").value == 8
    _roll_back(at)
    assert "Batch 8 was already rolled back by batch 9" in _texts(at.error)


def test_a_rollback_records_the_person_and_the_file_hash(small_app):
    content = A + "HQ,rev,2026-03,160\n"
    at = _commit(small_app(), "a.csv", content)
    assert "The rollback is recorded as done by tester." in _texts(at.caption)
    _roll_back(at, 6)
    assert "Batch 6 was rolled back by batch 7: 0 rows it added removed, 1 values it replaced restored." in _texts(
        at.success
    )
    history = data.store().upload_history().set_index("batch_id")
    assert history.at[7, "uploaded_by"] == "tester"
    assert history.at[7, "sha256"] == hashlib.sha256(content.encode()).hexdigest()
    shown = _table(at, "Rollback")
    assert shown[["Batch", "Uploaded by", "Rollback", "File"]].values.tolist()[:2] == [
        [7, "tester", "undoes batch 6", "rollback of batch 6 (a.csv)"],
        [6, "tester", "rolled back by 7", "a.csv"],
    ]


def test_the_rollback_rule_of_the_readme(small_app):
    """README "The rollback rule": refused while a later batch still in effect
    wrote one of its rows (naming it); allowed once that batch is rolled back;
    a later batch that wrote the row back to this batch's value still counts."""
    at = small_app()
    # a restated later (b) -> a is refused, naming b
    _commit(at, "a.csv", A + "HQ,rev,2026-03,160\n")  # batch 6: 150 -> 160
    _commit(at, "b.csv", A + "HQ,rev,2026-03,170\n")  # batch 7: 160 -> 170
    _roll_back(at, 6)
    assert "Batch 6 cannot be rolled back: later batch(es) 7 changed the same rows. Roll those back first." in _texts(
        at.error
    )
    assert _actual("HQ", "rev", "2026-03") == 170
    # b rolled back (batch 8) -> a may be rolled back (batch 9)
    _roll_back(at, 7)
    assert "Batch 7 was rolled back by batch 8" in _texts(at.success)
    assert _actual("HQ", "rev", "2026-03") == 160
    assert at.selectbox(key="upload_rollback_pick").value == 6  # the newest batch still in effect
    _roll_back(at, 6)
    assert "Batch 6 was rolled back by batch 9" in _texts(at.success)
    assert _actual("HQ", "rev", "2026-03") == 150
    # c wrote the row back to a's value: a is still refused, naming d and c
    _commit(at, "c.csv", A + "HQ,rev,2026-03,160\n")  # batch 10: 150 -> 160
    _commit(at, "d.csv", A + "HQ,rev,2026-03,170\n")  # batch 11: 160 -> 170
    _commit(at, "e.csv", A + "HQ,rev,2026-03,160\n")  # batch 12: 170 -> 160, c's value again
    assert _actual("HQ", "rev", "2026-03") == 160
    _roll_back(at, 10)
    assert "later batch(es) 11, 12 changed the same rows" in _texts(at.error)
    assert _actual("HQ", "rev", "2026-03") == 160
    # newest first, as the refusal says: 12, 11, then 10
    for batch, value in ((12, 170), (11, 160), (10, 150)):
        _roll_back(at, batch)
        assert not at.error, _texts(at.error)
        assert _actual("HQ", "rev", "2026-03") == value


# ----------------------------------------------------------------- point 9 and 14: the history


@pytest.mark.parametrize(("lang", "kind", "sha"), [("en", "Actuals", "sha256"), ("zh", "实际值", "sha256")])
def test_history_shows_kinds_in_words_and_a_short_fingerprint(small_app, lang, kind, sha):
    content = A + "HQ,rev,2026-03,160\n"
    at = _commit(small_app(lang), "a.csv", content)
    history = _table(at, sha)
    full = hashlib.sha256(content.encode()).hexdigest()
    assert history.iloc[0][sha] == full[:12]
    assert history.iloc[0].iloc[3] == kind  # the kind column
    assert set(history.iloc[:, 3]) == (
        {"Units", "KPI dictionary", "Assignments", "Targets", "Actuals"}
        if lang == "en"
        else {"组织单元", "指标字典", "指标分配", "目标值", "实际值"}
    )
    fingerprints = next(f.value for f in at.dataframe if sha in f.value.columns and len(f.value.columns) == 3)
    assert fingerprints.iloc[0][sha] == full
    options = at.selectbox(key="upload_kind").options
    assert options == (
        [
            *["Units", "KPI dictionary", "Assignments", "Targets", "Actuals", "Goal-setting tasks", "Task assessments"],
            *["Pay data (HR)", "OKR objectives", "OKR key results", "Value-contribution events"],  # issues 17, 18
            *["360 review cycles", "360 questionnaire (behaviours)", "360 raters"],  # issue 18: HR's 360 set-up
            "Unit attributes (tenure, location ...)",
        ]
        if lang == "en"
        else [
            *["组织单元", "指标字典", "指标分配", "目标值", "实际值", "目标任务", "目标任务评价"],
            *["薪酬数据(人力资源)", "OKR 目标", "OKR 关键结果", "价值贡献事件"],
            *["360 度评估周期", "360 度评估问卷(行为)", "360 度评价人", "单元属性(司龄、工作地点等)"],
        ]
    )


# ----------------------------------------------------------------- point 10: delimiters, headers, months

CHINESE_HEADERS = "单元编号;指标编号;期间;实际值\nHQ;rev;2026年3月;160\n"


@pytest.mark.parametrize(
    ("lang", "read_as", "changed"),
    [
        ("en", "Read as: CSV, UTF-8, semicolon-separated", "changed rows (restatements)"),
        ("zh", "读取方式:CSV,UTF-8,分号分隔", "变更行(重述)"),
    ],
)
def test_a_semicolon_file_with_chinese_headers_is_read(small_app, lang, read_as, changed):
    at = _upload(small_app(lang), "中文表头.csv", CHINESE_HEADERS.encode("gb18030"))
    assert read_as.replace("UTF-8", "GB18030") in _texts(at.caption)
    assert not at.error
    assert {m.label: m.value for m in at.metric}[changed] == "1"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "required column is missing; the header row holds 4 column(s): 部门, 指标, 月, 值 "
            "(read as semicolon-separated)",
        ),
        ("zh", "缺少必需的列;表头行共有 4 列:部门, 指标, 月, 值(按分号分隔读取)"),
    ],
)
def test_unknown_headers_say_which_columns_were_found_and_how_the_file_was_split(small_app, lang, expected):
    at = _upload(small_app(lang), "unknown.csv", "部门;指标;月;值\nHQ;rev;2026-03;160\n".encode())
    problems = at.dataframe[0].value
    assert problems.iloc[0, -1] == expected
    # the first of the four missing columns (actual, as the list is sorted) says what was found
    assert problems.iloc[0, 2] == "actual"
    assert problems.iloc[1:4, -1].tolist() == ["required column is missing" if lang == "en" else "缺少必需的列"] * 3
    assert ("Errors: 8." if lang == "en" else "错误:8 个。") in _texts(at.error)  # 4 missing + 4 unknown


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "period is a month, written 2026-03, 2026/03, 202603, 2026年3月 or as an Excel date on the first or "
            "last day of the month",
        ),
        ("zh", "期间应为月份,写作 2026-03、2026/03、202603、2026年3月,或填写当月第一天或最后一天的 Excel 日期"),
    ],
)
def test_a_bad_month_lists_every_accepted_form(small_app, lang, expected):
    at = _upload(small_app(lang), "bad.csv", (A + "HQ,rev,March 2026,160\n").encode())
    problems = at.dataframe[0].value
    assert problems.iloc[:, -1].tolist() == [expected]


def test_every_accepted_month_form_is_read(small_app):
    """The forms the message lists are accepted (2026-03-31 is an Excel date on the last day)."""
    for form in ("2026-03", "2026/03", "202603", "2026年3月", "2026-03-31"):
        result = ingest.read("actuals", (A + f"HQ,rev,{form},160\n").encode(), "m.csv", None)
        assert result.frame["period"].tolist() == ["2026-03"], form


# ----------------------------------------------------------------- Chromium: the history at 1366x768


@pytest.mark.browser
def test_the_upload_history_fits_1366_wide(live_app, browser):
    from tests.browser_support import assert_no_exception, screenshot, wait_ready

    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_app.url + "upload")
        wait_ready(page)
        assert_no_exception(page)
        grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="sha256").first
        grid.scroll_into_view_if_needed()
        wait_ready(page)
        scroller = grid.locator(".dvn-scroller").first
        width, visible = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert width <= visible + 1, f"the history scrolls sideways: {width} > {visible}"
        # every column, the counts included, is one of those that fit
        headers = grid.locator('th[role="columnheader"]').all_inner_texts()
        assert headers == ["Batch", "Time", "Uploaded by", "Kind", "File", "Added", "Changed", "Rollback", "sha256"]
        box = grid.bounding_box()
        assert box["x"] + box["width"] <= 1366
        screenshot(page, "upload_history_en_1366")
    finally:
        context.close()


def test_every_column_has_documented_chinese_header_names():
    from kpi_core.model import FILE_SPECS, HEADER_ALIASES, HEADER_ALIASES_ZH

    columns = {c for spec in FILE_SPECS.values() for c in spec.columns}
    assert set(HEADER_ALIASES_ZH) == columns
    names = [a for aliases in HEADER_ALIASES_ZH.values() for a in aliases]
    assert len(names) == len(set(names)) == len(HEADER_ALIASES)  # no name stands for two columns


# ----------------------------------------------------------------- point 14: the Chinese caliber and data source


def test_a_kpi_file_brings_the_chinese_caliber_and_data_source(small_app):
    header = (
        "kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,floor,cap,tiers,"
        "band_low,band_high,band_penalty,green_at,amber_at,blend,caliber_zh,data_source_zh\n"
    )
    row = "rev,Revenue,营业收入,financial,higher,10k CNY,sum,Invoiced revenue,0.6,1.2,,,,,,,,开票收入,ERP 销售台账\n"
    at = small_app("zh")
    at.selectbox(key="upload_kind").set_value("kpis").run()
    _upload(at, "kpis.csv", (header + row).encode())
    rows = _table(at, "原值")
    assert rows[["指标", "新增 / 变更", "原值", "新值"]].values.tolist() == [
        ["营业收入", "变更", "–", "caliber_zh:  -> 开票收入; data_source_zh:  -> ERP 销售台账"]
    ]
    at.button(key="upload_commit").click().run()
    assert not at.exception
    stored = data.store().kpi("rev")
    assert (stored["caliber_zh"], stored["data_source_zh"]) == ("开票收入", "ERP 销售台账")
