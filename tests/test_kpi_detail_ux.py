"""The KPI detail page as issue 12 found it, in AppTest:

* point 12: ``kpi_detail?unit=HR&kpi=REV`` (a KPI not on HR's scorecard)
  showed another KPI while the URL kept ``kpi=REV``: now a notice says so,
  in both languages, and the URL names the KPI shown;
* point 14: the restated values' headers and values, and the dictionary's
  caliber, data source, owner and frequency, in Chinese.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from kpi_core import ingest
from kpi_core.org import Org
from kpi_ui import kpi_detail_view

PAGE = "pages/2_kpi_detail.py"


def params(at) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


# ------------------------------------------------------------------ point 12


@pytest.mark.parametrize(
    ("lang", "notice", "title"),
    [
        (
            "en",
            "REV (Revenue) is not on the scorecard of Human Resources in 2026; showing Expense budget execution instead.",
            "Expense budget execution · Human Resources",
        ),
        (
            "zh",
            "REV(营业收入)不在人力资源部 2026 年的计分卡上;已改为显示费用预算执行率。",
            "费用预算执行率 · 人力资源部",
        ),
    ],
)
def test_a_kpi_not_on_the_units_scorecard_says_so_and_corrects_the_url(app, lang, notice, title):
    # HR carries EXPENSE_EXEC (its one financial KPI, so the first on its
    # scorecard) and four learning KPIs, but not revenue.
    at = app(PAGE, unit="HR", period="2026-10", kpi="REV", lang=lang)
    no_exception(at)
    assert [w.value for w in at.warning] == [notice]
    assert at.title[0].value == title
    assert params(at)["kpi"] == "EXPENSE_EXEC"
    assert params(at)["unit"] == "HR"
    assert at.selectbox(key="kd_kpi").value == "EXPENSE_EXEC"
    # the sidebar's link to this view names the KPI shown, too
    assert [c.value for c in at.code] == [f"?unit=HR&period=2026-10&view=month&lang={lang}&kpi=EXPENSE_EXEC"]


def test_a_kpi_on_the_scorecard_is_shown_without_a_notice(app):
    at = app(PAGE, unit="HR", kpi="TRAINING_RATE")
    no_exception(at)
    assert not at.warning
    assert at.title[0].value == "Training participation · Human Resources"
    assert params(at)["kpi"] == "TRAINING_RATE"


# ------------------------------------------------------------------ point 14: the dictionary entry


def dictionary(at) -> dict[str, str]:
    table = at.table[0].value
    # word joiners and no-break spaces keep a Chinese label on one line
    labels = [str(label).replace("\u2060", "").replace("\u00a0", " ") for label in table.index]
    return dict(zip(labels, map(str, table.iloc[:, 0]), strict=True))


def test_dictionary_entry_in_chinese_names_the_owner_and_reads_the_chinese_fields(app):
    at = app(PAGE, unit="SALES", kpi="REV", lang="zh")
    no_exception(at)
    entry = dictionary(at)
    assert entry["负责部门"] == "财务部"  # owner FIN, shown by the unit's name
    assert entry["频率"] == "月度"
    assert entry["计量单位"] == "万元"
    assert entry["数据口径"].startswith("开票销售额扣除增值税、退货与折让,以客户验收确认")
    assert entry["数据来源"] == "ERP 销售台账"


def test_dictionary_entry_in_english_names_the_owner(app):
    at = app(PAGE, unit="SALES", kpi="REV")
    entry = dictionary(at)
    assert entry["Owner"] == "Finance"
    assert entry["Frequency"] == "monthly"
    assert entry["Data source"] == "ERP sales ledger"


def test_chinese_fields_are_optional_columns():
    """Read with .get(): a store without caliber_zh / data_source_zh (or with
    them empty) shows the English text; an owner that is no unit id is shown
    as written."""
    old_store = pd.Series({"caliber": "Invoiced sales", "data_source": "ERP"})
    assert kpi_detail_view._in_language(old_store, "caliber", "zh") == "Invoiced sales"
    empty = pd.Series({"caliber": "Invoiced sales", "caliber_zh": None, "data_source": "ERP", "data_source_zh": " "})
    assert kpi_detail_view._in_language(empty, "caliber", "zh") == "Invoiced sales"
    assert kpi_detail_view._in_language(empty, "data_source", "zh") == "ERP"
    filled = pd.Series({"caliber": "Invoiced sales", "caliber_zh": "开票销售额"})
    assert kpi_detail_view._in_language(filled, "caliber", "zh") == "开票销售额"
    assert kpi_detail_view._in_language(filled, "caliber", "en") == "Invoiced sales"
    org = Org.from_frame(
        pd.DataFrame(
            {
                "unit_id": ["HQ", "FIN"],
                "name": ["Acme", "Finance"],
                "name_zh": ["阿克米", "财务部"],
                "kind": ["company", "department"],
                "parent_id": [None, "HQ"],
            }
        )
    )
    assert kpi_detail_view.owner_name("FIN", org, "zh") == "财务部"
    assert kpi_detail_view.owner_name("FIN", org, "en") == "Finance"
    assert kpi_detail_view.owner_name("Chief accountant", org, "zh") == "Chief accountant"
    assert kpi_detail_view.owner_name(None, org, "zh") is None


# ------------------------------------------------------------------ point 14: restated values


@pytest.fixture
def restated(demo_store):
    """Marketing's June 2025 spend restated from 150.71 to 148.2 (10k CNY)."""
    report = ingest.load(
        demo_store,
        "actuals",
        b"unit_id,kpi_id,period,actual\nMKT,EXPENSE_EXEC,2025-06,148.2\n",
        "june_fix.csv",
        uploaded_by="Zhou Ting",
        today=date(2026, 11, 21),
    )
    assert report.validated.ok, [str(p) for p in report.validated.errors]
    return report


@pytest.mark.parametrize(
    ("lang", "headers", "kind"),
    [
        (
            "en",
            ["Period", "Figure", "Old value", "New value", "Restated on", "Restated by", "File", "Batch"],
            "Actuals",
        ),
        ("zh", ["期间", "数据类型", "原值", "新值", "重述时间", "重述人", "文件", "批次"], "实际值"),
    ],
)
def test_restated_values_in_the_readers_language(app, restated, lang, headers, kind):
    at = app(PAGE, unit="MKT", kpi="EXPENSE_EXEC", lang=lang)
    no_exception(at)
    table = at.dataframe[-1].value
    assert list(table.columns) == headers
    assert len(table) == 1
    row = table.iloc[0].tolist()
    assert row[:4] == ["2025-06", kind, "150.71", "148.20"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[4])  # when, to the minute
    assert row[5:] == ["Zhou Ting", "june_fix.csv", "12"]  # the demo's eleven files are batches 1-11
    text = " ".join(str(v) for v in table.to_numpy().ravel())
    assert "None" not in text and "nan" not in text and "actuals" not in text
