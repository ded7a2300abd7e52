"""The scorecard as an executive uses it, in headless Chromium: open the
company, click a department bar, then a person, check the breadcrumb and
totals against the scoring engine, walk back with the browser's Back button,
open a deep link in Chinese and in meeting mode. Screenshots go to
tests/screenshots/ (ignored by git) for a person to look at."""

from __future__ import annotations

import re

import pytest

from kpi_core import scorecard
from kpi_core.store import Store
from tests.browser_support import assert_no_exception, screenshot, wait_ready

pytestmark = pytest.mark.browser


def expected(db, unit, period="2026-10", view="month"):
    with Store(db, read_only=True) as store:
        return scorecard.build(store, unit, period, view)


def total_on_page(page) -> str:
    return page.locator('[data-testid="bsc-total"]').inner_text().strip()


def click_bar(page, index_from_top: int) -> None:
    """Click one bar of the children chart (Plotly ignores synthetic clicks:
    move over it first, then press and release)."""
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    bars = chart.locator("g.point path")
    bar = bars.nth(bars.count() - 1 - index_from_top)
    box = bar.bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2
    for dx in (0, 2, 4):
        page.mouse.move(x + dx, y)
        page.wait_for_timeout(150)
    page.mouse.down()
    page.mouse.up()


def wait_for_unit(page, unit: str) -> None:
    page.wait_for_url(re.compile(rf"unit={unit}\b"), timeout=30_000)
    wait_ready(page)


def test_drill_down_company_department_person_and_back(live_app, page, demo_db_template):
    page.goto(live_app.url)
    wait_ready(page)
    assert_no_exception(page)
    company = expected(demo_db_template, "HQ")
    assert total_on_page(page) == f"{company.total:.1f}"
    screenshot(page, "01_company_en")

    worst = company.children.iloc[0]
    assert worst["unit_id"] == "CS"
    click_bar(page, 0)
    wait_for_unit(page, "CS")
    assert_no_exception(page)
    dept = expected(demo_db_template, "CS")
    assert total_on_page(page) == f"{dept.total:.1f}"
    assert page.get_by_text("Zhiheng Smart Equipment Co., Ltd. › Customer Service", exact=True).is_visible()
    screenshot(page, "02_department_cs")

    person = dept.children.iloc[0]
    click_bar(page, 0)
    wait_for_unit(page, person["unit_id"])
    assert_no_exception(page)
    who = expected(demo_db_template, person["unit_id"])
    assert total_on_page(page) == f"{who.total:.1f}"
    crumb = f"Zhiheng Smart Equipment Co., Ltd. › Customer Service › {person['name']}"
    assert page.get_by_text(crumb, exact=True).is_visible()
    screenshot(page, "03_person")

    page.go_back()
    wait_for_unit(page, "CS")
    assert total_on_page(page) == f"{dept.total:.1f}"


def test_deep_link_in_chinese_opens_exactly_that_view(live_app, page, demo_db_template):
    page.goto(live_app.url + "?unit=MKT&period=2026-09&view=ytd&lang=zh")
    wait_ready(page)
    assert_no_exception(page)
    card = expected(demo_db_template, "MKT", "2026-09", "ytd")
    assert page.get_by_role("heading", name="市场部 · 2026-09 · 年度累计").is_visible()
    assert total_on_page(page) == f"{card.total:.1f}"
    assert page.get_by_text("计分卡").first.is_visible()  # the navigation is translated too
    screenshot(page, "04_marketing_ytd_zh")


def test_kpi_detail_deep_link_on_a_cold_server_has_the_full_frame(live_app, page):
    # the first request of a fresh server goes straight to a page's URL
    page.goto(live_app.url + "kpi_detail?unit=PROD&period=2026-10&view=month&lang=en&kpi=OTD")
    wait_ready(page)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="On-time delivery · Production").is_visible()
    # the shared sidebar is there (a cold server may draw it a moment after the page's own frame)
    page.get_by_text("Meeting mode").wait_for(state="visible", timeout=30_000)
    screenshot(page, "05_kpi_detail_otd")


def test_meeting_mode_fits_headline_and_panels_on_1920x1080(live_app, page):
    page.goto(live_app.url + "?unit=HQ&period=2026-10&view=month&lang=en&meeting=1")
    wait_ready(page)
    assert_no_exception(page)
    for perspective in ("financial", "customer", "process", "learning"):
        box = page.locator(f".st-key-panel_{perspective}").bounding_box()
        assert box["y"] + box["height"] <= 1080, f"the {perspective} panel must fit without scrolling"
    total = page.locator('[data-testid="bsc-total"]').bounding_box()
    assert total["y"] + total["height"] <= 1080
    screenshot(page, "06_meeting_mode")
    sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
    assert sidebar is None or sidebar["width"] == 0 or sidebar["x"] + sidebar["width"] <= 0, "sidebar starts collapsed"
    # the link to this view is on the page itself, not only in the collapsed sidebar
    page.get_by_role("button", name="Link").click()
    assert page.get_by_text("meeting=1").first.is_visible()
