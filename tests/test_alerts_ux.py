"""The alerts page as issue 12 (point 15, and point 14's "Choose options")
found it, in AppTest on the demo company, in both languages:

* figures carry their unit of measure ("30.6 hours", "169.1 万元");
* "2 month(s)" is "2 months" / "1 month" / "2 个月";
* a person's alert names the person's department;
* one missed upload (one alert per KPI of the person) is one line;
* after an acknowledgement the open count drops and the form is empty;
* each alert links to its unit's scorecard as well as to the KPI detail;
* the filters say "All" / "全部", not Streamlit's "Choose options".

The figures are the demo's October 2026, as reviewed in
tests/golden/alerts_2026-10.csv: Customer Service's complaint time 30.6 hours
against 22.2 (red for the third month), Marketing's spend 169.1 against a
budget of 155.14 (10k CNY; over its band for the second month), and Xu Gang
of Sales North, who uploaded none of his four KPIs.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from kpi_core import alerts
from kpi_ui import data

PAGE = "pages/3_alerts.py"
PERIOD = "2026-10"
XU_GANG = "P_SALES_N_03"


def text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def lines(at) -> list[str]:
    """The alert lines of the list: '**kind** · sentence'."""
    return [m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value]


def links(at, page: str) -> list[dict[str, str]]:
    out = []
    for link in at.get("page_link"):
        if link.proto.page == page:
            out.append({"label": link.proto.label, **{k: v[0] for k, v in parse_qs(link.proto.query_string).items()}})
    return out


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


# ------------------------------------------------------------------ the sentences


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Customer Service · Complaint resolution time 30.6 hours (target 22.2 hours): 62% completion, red for 3 months",
                "Customer Service · Customer satisfaction 76.4 pts (target 92 pts): 83% completion",
                "Marketing · Expense budget execution 169.1 10k CNY against a budget of 155.14 10k CNY: "
                "109% of budget, over the band's limit of 100% for 2 months",
                "Production · On-time delivery 70.1% (target 96%)",
            ],
        ),
        (
            "zh",
            [
                "客户服务部 · 客诉处理时长 30.6 小时(目标 22.2 小时):完成率 62%,连续 3 个月未达标",
                "客户服务部 · 客户满意度 76.4 分(目标 92 分):完成率 83%",
                "市场部 · 费用预算执行率 169.1 万元(预算 155.14 万元):执行率 109%,超出区间上限 100%,已连续 2 个月",
                "生产制造部 · 准时交付率 70.1%(目标 96%)",
            ],
        ),
    ],
)
def test_figures_carry_their_unit_and_months_are_counted_in_words(app, lang, expected):
    at = app(PAGE, unit="HQ", period=PERIOD, lang=lang)
    no_exception(at)
    shown = text(at)
    for sentence in expected:
        assert sentence in shown
    assert "month(s)" not in shown


def test_one_month_is_singular():
    names = alerts.Names(units={"MKT": ("Marketing", "市场部")}, kpis={"EXP": ("Spend", "费用", "10k CNY")})
    row = {
        "kind": "band",
        "unit_id": "MKT",
        "kpi_id": "EXP",
        "period": PERIOD,
        "message_key": "alert.msg.band_over",
        "params": {"value": 115.0, "target": 100.0, "completion": 1.15, "threshold": 1.0, "streak": 1.0},
    }
    assert alerts.message(row, "en", names) == (
        "Marketing · Spend 115 10k CNY against a budget of 100 10k CNY: 115% of budget,"
        " over the band's limit of 100% for 1 month"
    )
    assert (
        alerts.message(row, "zh", names)
        == "市场部 · 费用 115 万元(预算 100 万元):执行率 115%,超出区间上限 100%,已连续 1 个月"
    )
    assert [alerts.months(n, "en") for n in (1, 2, 12)] == ["1 month", "2 months", "12 months"]
    assert [alerts.months(n, "zh") for n in (1, 2)] == ["1 个月", "2 个月"]


# ------------------------------------------------------------------ a missed upload, one line, the department named


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            "**Missing data** · Xu Gang (Sales North Region) has not reported 4 KPIs for 2026-10: "
            "Collection days \\(DSO\\), Key-account coverage, Quote response time, Revenue",
        ),
        (
            "zh",
            "**数据缺失** · 徐刚(华北大区) 未上报 2026-10 的 4 项指标:应收账款周转天数、重点客户覆盖率、报价响应时间、营业收入",
        ),
    ],
)
def test_one_missed_upload_is_one_line_naming_the_department(app, lang, line):
    at = app(PAGE, unit="SALES", period=PERIOD, lang=lang)
    no_exception(at)
    assert lines(at) == [line]
    # the four alerts are still counted (the scorecard marks Xu Gang ▲4) ...
    assert ("▲ 4 warning" if lang == "en" else "▲ 4 警告") in text(at)
    # ... and each of his KPIs keeps its link to the KPI detail
    assert [(q["unit"], q["kpi"]) for q in links(at, "kpi_detail")] == [
        (XU_GANG, "COLLECTION_DAYS"),
        (XU_GANG, "KEY_ACCOUNT_COV"),
        (XU_GANG, "QUOTE_RESP"),
        (XU_GANG, "REV"),
    ]


def test_the_company_list_has_thirty_four_lines_for_thirty_seven_alerts(app):
    at = app(PAGE, unit="HQ", period=PERIOD)
    # the stories' 4 critical + 9 warnings, and CS's six people (6 x 2 red, 6 x 2 signals): 37 alerts;
    # Xu Gang's 4 missing figures share one line: 37 - 3 = 34 lines
    assert len(lines(at)) == 34
    assert any(c.value == "37 of 37 alerts shown" for c in at.caption)


# ------------------------------------------------------------------ links to the unit as well as the KPI


def test_every_alert_links_to_its_units_scorecard_and_its_kpi(app):
    at = app(PAGE, unit="HQ", period=PERIOD)
    units = links(at, "")  # the scorecard is the app's main page
    assert [u["label"] for u in units] == ["Unit scorecard"] * 34
    people = {f"P_CS_0{i}" for i in range(1, 7)}
    assert {u["unit"] for u in units} == {"CS", "PROD", "MKT", XU_GANG} | people
    assert sum(u["unit"] == XU_GANG for u in units) == 1  # his four missing figures: one line
    assert {(u["period"], "kpi" in u) for u in units} == {(PERIOD, False)}
    details = links(at, "kpi_detail")
    assert len(details) == 37
    # worst first: Su Qing's complaint time at 57%
    assert details[0] == {
        "label": "Open KPI detail",
        "unit": "P_CS_01",
        "kpi": "COMPLAINT_TIME",
        "period": PERIOD,
        "view": "month",
        "lang": "en",
    }


# ------------------------------------------------------------------ acknowledging


def fill_and_acknowledge(at, which: str) -> None:
    at.selectbox(key="alerts_ack_which").set_value(which)
    at.text_input(key="alerts_ack_action").input("Called the lead")
    at.text_area(key="alerts_ack_comment").input("Review on Friday")
    at.button(key="alerts_ack_submit").click().run()
    no_exception(at)


def assert_form_is_empty(at) -> None:
    assert at.text_input(key="alerts_ack_action").value == ""
    assert at.text_area(key="alerts_ack_comment").value == ""


def test_after_an_acknowledgement_the_open_count_drops_and_the_form_is_empty(app):
    at = app(PAGE, unit="HQ", period=PERIOD)
    assert not [c for c in at.caption if c.value.startswith("Still open")]
    fill_and_acknowledge(at, "red|CS|CSAT")
    # 16 critical, 21 warnings; one critical acknowledged: 15 critical and 21 warnings still open
    assert "Still open: ✖ 15 critical · ▲ 21 warning; 1 acknowledged" in [c.value for c in at.caption]
    assert any("Acknowledged;" in s.value for s in at.success)
    assert_form_is_empty(at)
    assert at.selectbox(key="alerts_ack_which").value == "red|P_CS_01|COMPLAINT_TIME"  # back to the first line
    assert len(lines(at)) == 34  # acknowledged, still listed


def test_acknowledging_the_grouped_line_acknowledges_its_four_alerts(app):
    at = app(PAGE, unit="SALES", period=PERIOD, lang="zh")
    fill_and_acknowledge(at, f"missing|{XU_GANG}|*")
    assert "4 条均已确认" in [c.value for c in at.caption]
    assert_form_is_empty(at)
    acks = data.store().alert_acks(PERIOD)
    assert sorted(acks["kpi_id"]) == ["COLLECTION_DAYS", "KEY_ACCOUNT_COV", "QUOTE_RESP", "REV"]
    assert set(acks["acked_by"]) == {"hr_admin"} and set(acks["unit_id"]) == {XU_GANG}
    notes = [c.value for c in at.caption if c.value.startswith("✔ hr\\_admin 已于")]
    assert len(notes) == 1 and "Called the lead" in notes[0]


# ------------------------------------------------------------------ words


@pytest.mark.parametrize(("lang", "placeholder"), [("en", "All"), ("zh", "全部")])
def test_filters_say_all_not_choose_options(app, lang, placeholder):
    at = app(PAGE, unit="HQ", period=PERIOD, lang=lang)
    assert [m.proto.placeholder for m in at.multiselect] == [placeholder] * 4


def test_threshold_settings_speak_chinese(app):
    at = app(PAGE, unit="HQ", period=PERIOD, lang="zh")
    labels = [n.label for n in at.number_input]
    assert "统计信号:至少偏离均值(百分点)" in labels
    assert not [label for label in labels if label.startswith("alert.")]
    assert alerts.AlertSettings(window=5, run_length=4).problems("zh") == [
        "须满足 2 ≤ 最少历史月数(6)≤ 历史月数(5)≤ 36"
    ]


def test_kpi_overrides_table_speaks_the_readers_language(app):
    at = app(PAGE, unit="PROD", period=PERIOD, lang="zh")
    at.selectbox(key="alerts_set_kpi").set_value("OTD").run()
    at.number_input(key="alerts_set_kpi_drop_pp_OTD").set_value(40.0)
    at.button(key="alerts_set_kpi_save").click().run()
    no_exception(at)
    table = at.dataframe[-1].value
    assert list(table.columns) == ["阈值", "指标", "取值"]
    assert table.iloc[0].tolist() == ["骤降:超过(百分点)", "准时交付率", "40"]
