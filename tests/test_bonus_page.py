"""The bonus page (issue 17, item 3) on the demo company with its pay file
(data/demo/pay.csv) loaded: figures for the admin (HR) only.

Sales North's six persons are paid (pay.csv, bonus 60% of the annual total,
a month's base = annual x 0.6 / 12): Wu Hao 144,000 -> 7,200; Zhou Ting
156,000 -> 7,800; Xu Gang 132,000 -> 6,600; Zhao Min 168,000 -> 8,400; Sun Li
150,000 -> 7,500; Ma Chao 138,000 -> 6,900. Budget: 44,400. Xu Gang has no
actuals for 2026-10 (the demo's missed upload), so his bonus is held.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpi_core import ingest
from kpi_core.demo import DEMO_DIR
from kpi_core.store import Store


@pytest.fixture
def paid(demo_db: Path) -> Path:
    with Store(demo_db) as store:
        if store.pay_rows(2026).empty:  # the demo may come to load pay.csv itself
            report = ingest.load_path(store, "pay", DEMO_DIR / "pay.csv", uploaded_by="hr_admin")
            assert report.validated.ok, [str(p) for p in report.validated.errors]
    return demo_db


def _shown_text(at) -> str:
    parts = [m.value for m in at.markdown] + [str(m.value) for m in at.metric] + [e.value for e in at.error]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)


def test_the_admin_sees_each_persons_bonus_the_budget_and_the_distribution(paid: Path, app):
    at = app("pages/10_bonus.py", unit="SALES_N", period="2026-10")  # the demo opens as hr_admin
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Budget (sum of bases)"] == "44,400.00"
    assert metrics["Not worked out"] == "1"
    table = at.dataframe[0].value.set_index("Person")
    assert table["Bonus base"].tolist() == ["7,200.00", "7,800.00", "6,600.00", "8,400.00", "7,500.00", "6,900.00"]
    assert table.loc["Xu Gang", "Bonus"] == "–"
    assert table.loc["Xu Gang", "Reason"] == "No figures for 2026-10: held until they are in."
    assert table.loc["Wu Hao", "Reason"].startswith("7,200.00 × ")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["type"] == "histogram" and len(spec["data"][0]["x"]) == 5  # Xu Gang has none
    assert at.get("download_button")

    at.segmented_control(key="bonus_frequency").set_value("quarter").run()
    assert at.selectbox(key="bonus_period_quarter").value == "2026Q3"  # Q4 is not over
    assert {m.label: m.value for m in at.metric}["Budget (sum of bases)"] == "133,200.00"  # 44,400 x 3

    zh = app("pages/10_bonus.py", unit="SALES_N", period="2026-10", lang="zh")
    table = zh.dataframe[0].value.set_index("人员")
    assert table.loc["徐刚", "说明"] == "2026-10 没有数据:待数据齐全后再计算。"
    assert {m.label: m.value for m in zh.metric}["预算(基数合计)"] == "44,400.00"
    zh.switch_page("pages/4_upload.py")
    zh.run()
    assert "薪酬数据(人力资源)" in zh.selectbox(key="upload_kind").options


@pytest.mark.parametrize("account", ["analyst", "ceo"])
def test_others_are_refused_and_see_no_figure(paid: Path, app, account: str):
    at = app("pages/10_bonus.py", view_as=account, unit="SALES_N", period="2026-10")
    assert not at.exception
    assert [e.value for e in at.error] == ["Not permitted: this account may not see or do this."]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.get("download_button")
    shown = _shown_text(at)
    assert "7,200" not in shown and "44,400" not in shown
    if account == "analyst":  # an analyst uploads, but not pay data
        at.switch_page("pages/4_upload.py")
        at.run()
        options = at.selectbox(key="upload_kind").options
        assert "Actuals" in options and "Pay data (HR)" not in options
