"""Navigation as a reader does it, in headless Chromium: every click that
changes the view puts the view in the address bar and in the browser's
history, so a reload keeps it and Back returns (issue 12, point 11: the
sidebar's breadcrumb changed the view but left ``unit=SALES_E`` in the
address bar). Also the alerts page's links and the KPI detail page's
correction of a KPI that is not on the unit's scorecard, and the screenshots
of both pages at 1366x768 and 1920x1080 in English and Chinese (saved under
tests/screenshots/ for a person to look at).

One server serves every check of this module."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kpi_core import ingest
from kpi_core.store import Store
from tests.browser_support import LiveApp, assert_no_exception, require_chromium, screenshot, wait_ready

pytestmark = pytest.mark.browser

PERSON = "?unit=P_SALES_E_01&period=2026-10&view=month&lang=en"  # Wang Lei, Sales East Region


@pytest.fixture(scope="module")
def server(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    require_chromium()
    db = tmp_path_factory.mktemp("navigation") / "live.duckdb"
    shutil.copyfile(demo_db_template, db)
    with Store(db) as store:  # one restated value, for the KPI detail's restatement table
        report = ingest.load(
            store,
            "actuals",
            b"unit_id,kpi_id,period,actual\nMKT,EXPENSE_EXEC,2025-06,148.2\n",
            "june_fix.csv",
            uploaded_by="Zhou Ting",
            today=date(2026, 11, 21),
        )
        assert report.validated.ok
    app = LiveApp(db)
    yield app
    app.stop()


def open_page(browser, width: int = 1920, height: int = 1080):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    return context, context.new_page()


def heading(pg) -> str:
    return pg.locator("h1").first.inner_text().strip()


def settle(pg) -> None:
    wait_ready(pg)
    assert_no_exception(pg)


def test_a_breadcrumb_click_updates_the_address_bar_and_the_history(server, browser):
    context, pg = open_page(browser, 1366, 768)
    try:
        pg.goto(server.url + PERSON)
        settle(pg)
        assert heading(pg) == "Wang Lei · 2026-10 · Month"
        sidebar = pg.locator('[data-testid="stSidebar"]')

        sidebar.get_by_role("link", name="Sales East Region").click()
        pg.wait_for_url(re.compile(r"unit=SALES_E&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Sales East Region · 2026-10 · Month"
        assert pg.url == server.url + "?unit=SALES_E&period=2026-10&view=month&lang=en"

        pg.reload()
        settle(pg)
        assert heading(pg) == "Sales East Region · 2026-10 · Month", "a reload keeps the unit picked"

        pg.go_back()
        pg.wait_for_url(re.compile(r"unit=P_SALES_E_01&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Wang Lei · 2026-10 · Month", "Back returns to the person"

        pg.go_forward()
        pg.wait_for_url(re.compile(r"unit=SALES_E&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Sales East Region · 2026-10 · Month"

        # two steps up from the department, then Back twice walks down again
        sidebar.get_by_role("link", name="Zhiheng Smart Equipment Co., Ltd.").click()
        pg.wait_for_url(re.compile(r"unit=HQ&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Zhiheng Smart Equipment Co., Ltd. · 2026-10 · Month"
        pg.go_back()
        pg.wait_for_url(re.compile(r"unit=SALES_E&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Sales East Region · 2026-10 · Month"
        pg.go_back()
        pg.wait_for_url(re.compile(r"unit=P_SALES_E_01&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Wang Lei · 2026-10 · Month"

        # Back twice without waiting: the first Back's run must not write its
        # view over the second's (a sidebar widget's stale value used to)
        for name, unit in (("Sales East Region", "SALES_E"), ("Zhiheng Smart Equipment Co., Ltd.", "HQ")):
            sidebar.get_by_role("link", name=name).click()
            pg.wait_for_url(re.compile(rf"unit={unit}&"), timeout=30_000)
            settle(pg)
        pg.go_back()
        pg.wait_for_url(re.compile(r"unit=SALES_E&"), timeout=30_000)
        pg.go_back()
        pg.wait_for_url(re.compile(r"unit=P_SALES_E_01&"), timeout=30_000)
        settle(pg)
        pg.wait_for_timeout(1500)
        settle(pg)
        assert "unit=P_SALES_E_01&" in pg.url
        assert heading(pg) == "Wang Lei · 2026-10 · Month"
    finally:
        context.close()


def test_a_breadcrumb_on_the_kpi_detail_page_and_back(server, browser):
    context, pg = open_page(browser)
    try:
        pg.goto(server.url + "kpi_detail" + PERSON + "&kpi=REV")
        settle(pg)
        assert heading(pg) == "Revenue · Wang Lei"
        pg.locator('[data-testid="stSidebar"]').get_by_role("link", name="Sales East Region").click()
        pg.wait_for_url(re.compile(r"/\?unit=SALES_E&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Sales East Region · 2026-10 · Month"
        pg.go_back()
        pg.wait_for_url(re.compile(r"kpi_detail\?unit=P_SALES_E_01&.*kpi=REV"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Revenue · Wang Lei"
    finally:
        context.close()


def test_an_alert_links_to_the_unit_scorecard_and_back(server, browser):
    context, pg = open_page(browser)
    try:
        pg.goto(server.url + "alerts?unit=SALES&period=2026-10&view=month&lang=en")
        settle(pg)
        line = pg.locator('[class*="st-key-alert_breach_0"]')
        assert "Xu Gang (Sales North Region) has not reported 4 KPIs for 2026-10" in line.inner_text()
        line.get_by_role("link", name="Unit scorecard").click()
        pg.wait_for_url(re.compile(r"/\?unit=P_SALES_N_03&period=2026-10&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Xu Gang · 2026-10 · Month"
        pg.go_back()
        pg.wait_for_url(re.compile(r"alerts\?unit=SALES&"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Alerts · Sales · 2026-10"
        line.get_by_role("link", name="Revenue").click()
        pg.wait_for_url(re.compile(r"kpi_detail\?unit=P_SALES_N_03&.*kpi=REV"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Revenue · Xu Gang"
    finally:
        context.close()


def test_a_kpi_not_on_the_scorecard_is_corrected_in_the_address_bar(server, browser):
    context, pg = open_page(browser)
    try:
        pg.goto(server.url + "kpi_detail?unit=HR&period=2026-10&view=month&lang=en&kpi=REV")
        pg.wait_for_url(re.compile(r"kpi=EXPENSE_EXEC"), timeout=30_000)
        settle(pg)
        assert heading(pg) == "Expense budget execution · Human Resources"
        notice = "REV (Revenue) is not on the scorecard of Human Resources in 2026; showing Expense budget execution instead."
        assert pg.get_by_text(notice).is_visible()
        link = pg.locator('[data-testid="stSidebar"] [data-testid="stCode"]').inner_text()
        assert link.endswith("&kpi=EXPENSE_EXEC"), "the link to this view names the KPI shown"
        pg.reload()
        settle(pg)
        assert heading(pg) == "Expense budget execution · Human Resources"
    finally:
        context.close()


def screens(pg, name: str, height: int, most: int = 4) -> None:
    """The page as the reader sees it on this screen: the first screen, then
    the next ones down (the main area scrolls, not the window)."""
    screenshot(pg, name)
    for part in range(2, most + 1):
        moved = pg.evaluate(
            """(step) => {
                const main = document.querySelector('[data-testid="stMain"]');
                const before = main.scrollTop;
                main.scrollTop = before + step;
                return main.scrollTop - before;
            }""",
            height - 120,
        )
        if moved <= 0:
            return
        pg.wait_for_timeout(300)
        screenshot(pg, f"{name}_{part}")


SHOTS = [
    ("alerts", "alerts?unit=HQ&period=2026-10&view=month&lang={lang}"),
    ("kpi_detail", "kpi_detail?unit=MKT&period=2026-10&view=month&lang={lang}&kpi=EXPENSE_EXEC"),
    ("kpi_detail_notice", "kpi_detail?unit=HR&period=2026-10&view=month&lang={lang}&kpi=REV"),
]


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_screenshots_of_the_alerts_and_kpi_detail_pages(server, browser, width, height):
    """For a person to look at; the test checks the page drew without an error
    and that its first words are in the page's language."""
    context, pg = open_page(browser, width, height)
    try:
        for name, path in SHOTS:
            for lang in ("en", "zh"):
                pg.goto(server.url + path.format(lang=lang))
                settle(pg)
                pg.wait_for_load_state("networkidle")
                pg.wait_for_timeout(500)
                title = heading(pg)
                assert title.startswith({"alerts": {"en": "Alerts", "zh": "预警"}}.get(name, {}).get(lang, ""))
                screens(pg, f"issue12_{name}_{lang}_{width}x{height}", height)
    finally:
        context.close()
