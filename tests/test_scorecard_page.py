"""The scorecard and KPI detail pages in AppTest: they render on the demo data
in both languages, show the CLI's figures, follow deep links, fall back with a
notice on bad links, and drill down on a click."""

from __future__ import annotations

import json
import re

import pytest

from kpi_core import scorecard
from kpi_core.cli import main as cli

PAGES = [
    "pages/1_scorecard.py",
    "pages/2_kpi_detail.py",
    "pages/3_alerts.py",
    "pages/4_upload.py",
    "pages/5_kpi_dictionary.py",
    "pages/6_scorecard_design.py",
    "pages/9_review.py",
    "pages/10_bonus.py",
]


def cli_card(capsys, *args):
    assert cli(["score", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def total_shown(at) -> str:
    html = next(m.value for m in at.markdown if "bsc-total" in m.value)
    return re.search(r'data-testid="bsc-total">([^<]+)<', html).group(1)


def frames(at):
    return [d.value for d in at.dataframe]


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_data(app, page, lang):
    at = app(page, lang=lang, unit="SALES")
    no_exception(at)


def test_company_scorecard_equals_the_cli(app, demo_db, capsys):
    at = app()
    no_exception(at)
    expected = cli_card(capsys)
    assert expected["period"] == "2026-10"
    assert total_shown(at) == f"{expected['total']:.1f}"
    kpi_tables = frames(at)[:4]
    shown_points = {row["KPI"]: row["Points"] for f in kpi_tables for _, row in f.iterrows()}
    names = {k["kpi_id"]: k for k in expected["kpis"]}
    assert len(shown_points) == len(names)
    # gross profit is tracked, not scored (role info): no points on the page, null in the JSON
    scored = [k["points"] for k in expected["kpis"] if k["points"] is not None]
    assert [k["kpi_id"] for k in expected["kpis"] if k["points"] is None] == ["GP"]
    shown = [v for v in shown_points.values() if isinstance(v, float | int) and v == v]
    assert sorted(round(v, 2) for v in shown) == sorted(round(p, 2) for p in scored)
    children = frames(at)[-1]
    assert list(children["Total"].round(1)) == [round(c["total"], 1) for c in expected["children"]]
    # worst first: the department sliding into red leads the list, marked with its alerts
    assert children["Unit"].iloc[0] == "Customer Service ✖14 ▲14"  # its own 2 + 2 and its six people's 12 + 12


def test_perspective_scores_equal_the_cli(app, capsys):
    at = app(unit="CS", period="2026-09", view="quarter")
    expected = cli_card(capsys, "--unit", "CS", "--period", "2026-09", "--view", "quarter")
    text = " ".join(m.value for m in at.markdown)
    for perspective, score in expected["perspectives"].items():
        if score is not None:
            assert f"**{score:.1f}**" in text, perspective


@pytest.mark.parametrize(
    ("params", "title"),
    [
        ({"unit": "CS", "period": "2026-09", "view": "ytd"}, "Customer Service · 2026-09 · Year to date"),
        ({"unit": "MKT", "period": "2026-10", "view": "quarter"}, "Marketing · 2026-10 · Quarter to date"),
        ({"unit": "CS", "lang": "zh"}, "客户服务部 · 2026-10 · 当月"),
    ],
)
def test_deep_links_select_unit_period_view_and_language(app, capsys, params, title):
    at = app(**params)
    no_exception(at)
    assert at.title[0].value == title
    args = [
        "--unit",
        params["unit"],
        "--period",
        params.get("period", "2026-10"),
        "--view",
        params.get("view", "month"),
    ]
    assert total_shown(at) == f"{cli_card(capsys, *args)['total']:.1f}"


@pytest.mark.parametrize(
    ("params", "notice", "title"),
    [
        ({"unit": "GONE"}, "GONE", "Zhiheng Smart Equipment Co., Ltd. · 2026-10 · Month"),
        ({"period": "1999-01"}, "1999-01", "Zhiheng Smart Equipment Co., Ltd. · 2026-10 · Month"),
        ({"period": "2026-13", "unit": "CS"}, "2026-13", "Customer Service · 2026-10 · Month"),
        ({"view": "weekly"}, "weekly", "Zhiheng Smart Equipment Co., Ltd. · 2026-10 · Month"),
        ({"lang": "fr"}, "fr", "Zhiheng Smart Equipment Co., Ltd. · 2026-10 · Month"),
    ],
)
def test_bad_links_fall_back_with_a_notice(app, params, notice, title):
    at = app(**params)
    no_exception(at)
    assert any(notice in w.value for w in at.warning)
    assert at.title[0].value == title


def test_switching_language_changes_the_labels(app):
    at = app(unit="CS")
    assert "Total score" in " ".join(m.value for m in at.markdown)
    at.query_params["lang"] = "zh"
    at.run()
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "总分" in text and "未达标" in text
    assert at.title[0].value.startswith("客户服务部")


def test_clicking_a_child_drills_down_and_the_breadcrumb_follows(app):
    at = app()
    at.session_state["sc_children_table_0"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    no_exception(at)
    assert at.query_params["unit"] == ["CS"] or at.query_params["unit"] == "CS"
    assert at.title[0].value.startswith("Customer Service")
    assert at.caption[0].value == "Zhiheng Smart Equipment Co., Ltd. › Customer Service"


def test_a_person_is_the_leaf(app, demo_store):
    person = scorecard.build(demo_store, "CS", "2026-10").children["unit_id"].iloc[0]
    at = app(unit=person)
    no_exception(at)
    assert any("end of the drill-down" in i.value for i in at.info)


def test_the_missing_upload_shows_as_no_data_not_zero(app):
    at = app(unit="SALES_N")
    children = frames(at)[-1]
    first = children.iloc[0]
    assert first["Unit"] == "Xu Gang ▲4" and first["Status"].endswith("no data")
    assert str(first["Data coverage"]) == "0%"


def test_kpi_detail_page_for_the_over_budget_kpi(app):
    at = app("pages/2_kpi_detail.py", unit="MKT", kpi="EXPENSE_EXEC")
    no_exception(at)
    assert at.title[0].value == "Expense budget execution · Marketing"
    text = " ".join(m.value for m in at.markdown)
    # ranked by credited score, the over-budget department is the worst, not the best
    assert "Worst: Marketing (109.0%)" in text
    table = at.table[0].value
    assert "full points inside 90%–100% of target" in " ".join(map(str, table.iloc[:, 0]))


def test_clicking_a_kpi_row_opens_its_detail_for_this_unit_and_period(app):
    at = app(unit="CS", period="2026-09")
    # Customer Service's customer panel: its first row is customer satisfaction (heaviest core KPI)
    at.session_state["sc_kpis_customer_0"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    no_exception(at)
    assert at.title[0].value == "Customer satisfaction · Customer Service"
    assert dict(at.query_params)["kpi"] in (["CSAT"], "CSAT")
    assert dict(at.query_params)["period"] in (["2026-09"], "2026-09")


def _badges(at) -> list[str]:
    """The alert-count badges of a page's headline ('✖ 4 critical' ...)."""
    found = []
    for m in at.markdown:
        found += re.findall(r">([✖▲ℹ] \d+ [a-z]+)</span>", m.value)
    return found


@pytest.mark.parametrize("unit", ["HQ", "CS", "SALES_N"])
def test_scorecard_alert_counts_equal_the_alerts_page(app, demo_store, unit):
    from kpi_core import alerts
    from kpi_core.org import Org

    evaluated = alerts.evaluate(demo_store, "2026-10", None)
    counts = alerts.summary(evaluated, Org.from_frame(demo_store.units()), unit)["counts"]
    expected = sorted(
        f"{s} {n} {sev}"
        for sev, n in counts.items()
        if n
        for s in [{"critical": "✖", "warning": "▲", "info": "ℹ"}[sev]]
    )
    on_scorecard = sorted(_badges(app(unit=unit)))
    on_alerts_page = sorted(_badges(app("pages/3_alerts.py", unit=unit)))
    assert on_scorecard == on_alerts_page == expected
    if unit == "HQ":
        # the four planted stories and CS's six people red on two KPIs: 4 + 12, reviewed in tests/golden/alerts_2026-10.csv
        assert counts["critical"] == 16


def test_a_kpi_failing_the_validity_test_is_flagged_on_scorecard_and_detail(app, demo_store):
    demo_store.save_validity("CSAT", {"controllable": (False, "survey owned by marketing")}, answered_by="QA")
    at = app(unit="CS")
    names = [n for f in frames(at) if "KPI" in f for n in f["KPI"]]
    assert "⚠ Customer satisfaction" in names
    assert "Complaint resolution time" in names  # the others are not flagged
    detail = app("pages/2_kpi_detail.py", unit="CS", kpi="CSAT")
    assert detail.title[0].value.startswith("⚠ Customer satisfaction")
    assert detail.warning, "the detail page says why"
