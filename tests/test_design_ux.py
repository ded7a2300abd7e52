"""Issue 12, points 14 (design and dictionary words), 17 (the validity column)
and 18 (saving a design): the KPI dictionary and scorecard design pages as a
new user met them, driven by AppTest in English and Chinese on the demo
company; and the store's schema migration that brought the Chinese caliber and
data source (older files are migrated in place)."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from kpi_core import design
from kpi_core.store import SCHEMA_VERSION, Store
from kpi_core.store.schema import V1
from kpi_ui import data

DICT = "pages/5_kpi_dictionary.py"
DESIGN = "pages/6_scorecard_design.py"
RAW_KEY = re.compile(r"\b(design|dict|upload|col|status|role)\.[a-z_]+")


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]


def _table(at, column):
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column!r}: {[list(f.value.columns) for f in at.dataframe]}")


def _shown(elements) -> str:
    return re.sub(r"\\(.)", r"\1", " | ".join(str(e.value) for e in elements))


# ----------------------------------------------------------------- point 14: weight tables and roles


@pytest.mark.parametrize(
    ("lang", "headers", "roles"),
    [
        ("en", ["KPI", "Score", "Share", "Weight %"], ["core", "auxiliary", "info (not scored)"]),
        ("zh", ["指标", "分值", "占比", "权重 %"], ["核心", "辅助", "仅供参考(不计分)"]),
    ],
)
def test_weight_tables_and_roles_are_in_words(app, lang, headers, roles):
    at = app(DESIGN, unit="SALES", period="2026-03", lang=lang)
    _ok(at)
    ranking = _table(at, headers[1])
    assert list(ranking.columns) == headers
    for frame in at.dataframe:
        for column in frame.value.columns:
            assert not RAW_KEY.search(str(column)), column
    # the design table's role column shows the role in words; its values stay core / aux / info (issue 14)
    editor = json.loads(at.dataframe[0].proto.columns)
    assert [o["label"] for o in editor["role"]["type_config"]["options"]] == roles
    assert [o["value"] for o in editor["role"]["type_config"]["options"]] == ["core", "aux", "info"]
    kpi_labels = {o["value"]: o["label"] for o in editor["kpi_id"]["type_config"]["options"]}
    assert kpi_labels["REV"] == ("Revenue · REV" if lang == "en" else "营业收入 · REV")


# ----------------------------------------------------------------- point 18: saving a design


def _raise_revenue(at):
    rev = at.number_input(key="design_direct_SALES_2026_REV_0")
    margin = at.number_input(key="design_direct_SALES_2026_GROSS_MARGIN_0")
    rev.set_value(rev.value + 10)
    margin.set_value(margin.value - 10)
    at.run()
    at.button(key="design_apply_direct").click().run()
    _ok(at)


@pytest.mark.parametrize(
    ("lang", "hint", "saved"),
    [
        (
            "en",
            "Saving is possible once a reason is typed (press Enter): every change is logged with its reason.",
            "Saved 2 changes to Sales, 2026, with the reason \u201cH1 revenue push\u201d",
        ),
        (
            "zh",
            "填写修改原因(按回车确认)后才能保存:每项修改都会连同原因记入变更记录。",
            "已保存销售中心 2026 年的 2 项修改,原因:\u201cH1 revenue push\u201d",
        ),
    ],
)
def test_save_waits_for_a_reason_says_what_was_saved_and_clears_the_form(app, lang, hint, saved):
    at = app(DESIGN, unit="SALES", period="2026-03", lang=lang)
    _raise_revenue(at)
    assert at.button(key="design_save").disabled
    assert hint in _shown(at.caption)
    at.text_input(key="design_reason").set_value("H1 revenue push").run()
    assert not at.button(key="design_save").disabled
    assert hint not in _shown(at.caption)
    at.button(key="design_save").click().run()
    _ok(at)
    assert saved in _shown(at.success)
    # the form is cleared: no reason left, nothing pending, the button off again
    assert at.text_input(key="design_reason").value == ""
    assert at.button(key="design_save").disabled
    assert "design_override" not in at.session_state


# ----------------------------------------------------------------- point 14 and 18: the change log in names


LOG = {
    "en": [
        ["hr_admin", "Assignment", "Sales · Gross margin · 2026", "Weight", "20", "10", "H1 revenue push"],
        ["hr_admin", "Assignment", "Sales · Revenue · 2026", "Weight", "45", "55", "H1 revenue push"],
    ],
    "zh": [
        ["hr_admin", "指标分配", "销售中心 · 毛利率 · 2026", "权重", "20", "10", "H1 revenue push"],
        ["hr_admin", "指标分配", "销售中心 · 营业收入 · 2026", "权重", "45", "55", "H1 revenue push"],
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_change_log_speaks_in_names(app, lang):
    at = app(DESIGN, unit="SALES", period="2026-03", lang=lang)
    _raise_revenue(at)
    at.text_input(key="design_reason").set_value("H1 revenue push").run()
    at.button(key="design_save").click().run()
    _ok(at)
    log = _table(at, "原因" if lang == "zh" else "Reason")
    # newest first; one save's rows by record and key (Gross margin before Revenue: GROSS_MARGIN < REV)
    assert log.iloc[:, 1:].values.tolist() == LOG[lang]
    cells = " ".join(str(c) for c in log.values.ravel())
    assert "SALES|" not in cells and "assignment" not in cells


WORDS = {
    "en": {
        "assignment": "Assignment",
        "target": "Monthly target",
        "role": "Role",
        "target_field": "Target",
        "assigned": "Assigned (role and weight)",
        "aux": "auxiliary",
        "core": "core",
        "sales": "Sales",
        "kac": "Key-account coverage",
        "rev": "Revenue",
        "repeat": "Repeat purchase rate",
    },
    "zh": {
        "assignment": "指标分配",
        "target": "月度目标",
        "role": "指标角色",
        "target_field": "目标值",
        "assigned": "分配(角色与权重)",
        "aux": "辅助",
        "core": "核心",
        "sales": "销售中心",
        "kac": "重点客户覆盖率",
        "rev": "营业收入",
        "repeat": "客户复购率",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_role_changes_targets_and_removed_assignments_read_as_words(app, demo_db, lang):
    """Changes made in the data editor (AppTest cannot edit its cells): a role
    changed, a December target changed, an assignment removed; written through
    the save the page uses, then read on the page."""
    with Store(demo_db) as store:
        before = design.design_table(store.assignments(2026, ["SALES"]), store.unit_targets(["SALES"], 2026), 2026)
        old_target = float(before.loc[before["kpi_id"] == "REV", "2026-12"].iloc[0])
        after = before[before["kpi_id"] != "REPEAT_RATE"].copy()
        after.loc[after["kpi_id"] == "KEY_ACCOUNT_COV", "role"] = "core"
        after.loc[after["kpi_id"] == "REV", "2026-12"] = 2600.0
        errors, _ = design.save_design(store, "SALES", 2026, before, after, changed_by="Li Lei", reason="re-plan")
        assert errors == []
    w = WORDS[lang]
    at = app(DESIGN, unit="SALES", period="2026-03", lang=lang)
    _ok(at)
    log = _table(at, "原因" if lang == "zh" else "Reason")
    rows = {tuple(r) for r in log.iloc[:, 2:7].values.tolist()}
    assert (w["assignment"], f"{w['sales']} · {w['kac']} · 2026", w["role"], w["aux"], w["core"]) in rows
    assert (w["target"], f"{w['sales']} · {w['rev']} · 2026-12", w["target_field"], f"{old_target:g}", "2600") in rows
    assert (w["assignment"], f"{w['sales']} · {w['repeat']} · 2026", w["assigned"], f"{w['aux']} 5%", "–") in rows
    cells = {str(c) for c in log.values.ravel()}
    assert not cells & {"aux", "core", "assignment", "target", "None"} - ({"core"} if lang == "en" else set())


# ----------------------------------------------------------------- point 17: the validity column


VALIDITY = {
    "en": (
        "Validity test",
        "○ not tested yet",
        "◐ 2 of 6 answered, none failed",
        "✔ passed all six questions",
        "⚠ failed",
    ),
    "zh": ("有效性测试", "○ 尚未测试", "◐ 已答 2/6 项,均通过", "✔ 六项全部通过", "⚠ 未通过"),
}


def _answer(at, kpi: str, verdicts: dict[str, str]):
    for question, verdict in verdicts.items():
        at.radio(key=f"dict_val_{kpi}_{question}").set_value(verdict)
    at.run()
    at.button(key="dict_val_save").click().run()
    _ok(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_validity_column_says_where_each_kpi_stands(app, lang):
    column, untested, partial, passed, failed = VALIDITY[lang]
    at = app(DICT, kpi="REV", lang=lang)
    _ok(at)
    overview = _table(at, column)
    assert set(overview[column]) == {untested}  # the demo records no answers
    _answer(at, "REV", {"understandable": "pass", "controllable": "pass"})
    assert _validity_of(at, column, "REV") == partial
    _answer(at, "REV", {q: "pass" for q in design.VALIDITY_QUESTIONS})
    assert _validity_of(at, column, "REV") == passed
    _answer(at, "REV", {"credible": "fail"})
    assert _validity_of(at, column, "REV") == failed
    words = " ".join(str(v) for v in _table(at, column)[column])
    assert "not failed" not in words and "未发现问题" not in words
    legend = "Validity test: ✔ all six questions passed" if lang == "en" else "有效性测试:✔ 六项全部通过"
    assert legend in _shown(at.caption)
    # the KPI's change log names the question and the verdict in words
    log = _table(at, "原因" if lang == "zh" else "Reason")
    latest = log.iloc[0, 2:].tolist()
    assert latest == (
        ["Validity test", "Revenue", "Credible data", "pass", "fail", "validity test answered"]
        if lang == "en"
        else ["有效性测试", "营业收入", "可以相信", "通过", "不通过", "填写有效性测试"]
    )


def _validity_of(at, column, kpi):
    overview = _table(at, column)
    return overview.loc[overview.iloc[:, 0] == kpi, column].iloc[0]


# ----------------------------------------------------------------- point 14: Chinese caliber, data source, owner


@pytest.mark.parametrize(
    ("lang", "fields"),
    [
        (
            "en",
            {
                "Data caliber (Chinese)": "开票销售额扣除增值税、退货与折让",
                "Data source (English)": "ERP sales ledger",
                "Data source (Chinese)": "ERP 销售台账",
                "Owner (unit)": "Finance (FIN)",
                "Frequency": "monthly",
                "Leading / lagging": "lagging",
            },
        ),
        (
            "zh",
            {
                "统计口径(中文)": "开票销售额扣除增值税、退货与折让",
                "数据来源(中文)": "ERP 销售台账",
                "责任单元": "财务部 (FIN)",
                "评价周期": "月度",
                "先行 / 滞后": "滞后指标",
            },
        ),
    ],
)
def test_the_dictionary_shows_chinese_caliber_source_and_owner_by_name(app, lang, fields):
    at = app(DICT, kpi="REV", lang=lang)
    _ok(at)
    details = _table(at, "值" if lang == "zh" else "Value")
    shown = dict(zip(details.iloc[:, 0], details.iloc[:, 1], strict=True))
    for field, value in fields.items():
        assert shown[field].startswith(value), (field, shown[field])


def test_the_new_columns_are_in_the_store_and_editable(app):
    kpis = data.store().kpis().set_index("kpi_id")
    assert kpis.at["REV", "data_source_zh"] == "ERP 销售台账"
    assert kpis.at["COLLECTION_DAYS", "caliber_zh"].startswith("扣除坏账准备后的平均应收账款")
    at = app(DICT, kpi="REV")
    at.text_input(key="dict_edit_REV_data_source_zh").set_value("ERP 销售总账").run()
    changes = _table(at, "Old value")
    assert changes.values.tolist() == [["Data source (Chinese)", "ERP 销售台账", "ERP 销售总账"]]
    at.text_input(key="dict_reason").set_value("ledger renamed").run()
    at.button(key="dict_save").click().run()
    _ok(at)
    assert data.store().kpi("REV")["data_source_zh"] == "ERP 销售总账"
    # the next edit starts with an empty reason: the saved one is not offered again
    at.text_input(key="dict_edit_REV_data_source_zh").set_value("ERP 总账").run()
    assert at.text_input(key="dict_reason").value == ""
    assert at.button(key="dict_save").disabled


# ----------------------------------------------------------------- schema migration


def test_a_version_1_file_is_migrated_in_place(tmp_path):
    """A database written by an earlier version (schema 1, no Chinese caliber
    or data source, no stored scores) opens with its data intact, the two new
    columns empty and the score tables created (empty until the scores are
    made), and the later tables (users, closed months, approvals, owners, tasks,
    comments and actions) empty, and the KPIs without a formula (issue 14): schema 8."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for statement in V1:
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute(
        """INSERT INTO kpis (kpi_id, name, perspective, direction, accumulation, caliber, data_source)
           VALUES ('REV', 'Revenue', 'financial', 'higher', 'sum', 'net of VAT', 'ERP')"""
    )
    con.close()
    assert SCHEMA_VERSION >= 11  # 11: OKRs and value points (issue 18); later ones migrate too
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.scores_version() is None and not store.has_moves()
        row = store.kpi("REV")
        assert (row["name"], row["caliber"], row["data_source"]) == ("Revenue", "net of VAT", "ERP")
        assert row["caliber_zh"] is None and row["data_source_zh"] is None and row["formula"] is None
    with Store(path) as again:  # reopening migrates nothing more
        assert again.schema_version() == SCHEMA_VERSION
        for table in ("change_requests", "tasks", "task_assessments"):
            assert again.cursor().execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        assert again.kpis()["kpi_id"].tolist() == ["REV"]


@pytest.mark.parametrize(
    ("lang", "title", "delta"),
    [("en", "Effect on Sales's month totals", "Change"), ("zh", "对销售中心各月总分的影响", "变化")],
)
def test_pending_weight_changes_show_their_effect_on_the_month_totals(app, lang, title, delta):
    """Before saving, the design page shows how the unit's month totals would
    move (the engine on the stored facts with the edit laid over them); moving
    10 points of weight between two KPIs moves at least one month."""
    at = app(DESIGN, unit="SALES", period="2026-03", lang=lang)
    _raise_revenue(at)
    _ok(at)
    assert title in _shown(at.markdown)
    table = next(f.value for f in at.dataframe if any(delta in str(c) for c in f.value.columns))
    assert len(table) >= 1
    column = next(c for c in table.columns if delta in str(c))
    assert (table[column].abs() > 0).all()
