"""The "as of" view in headless Chromium: a moment set through the URL (a
shared link) and through the heading's 'As of' control, the banner, the way
back to the current figures, and the KPI detail of the restated month, at
1366x768 and 1920x1080 in English and Chinese (screenshots under
tests/screenshots/ for a person to look at).

The small company (tests/conftest.py) is dated as uploaded two days ago at
09:00; then HQ's March revenue is restated 150 -> 190 (target 200) and
Sales' 190 -> 210 (target 200). As of 10:00 that day HQ's March total is
85 (revenue 40 x 75% = 30 points), now 93 (40 x 95% = 38); see
tests/test_asof_ui.py for the whole sum.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from kpi_core import ingest
from kpi_core.store import Store
from tests.browser_support import (
    LiveApp,
    assert_no_exception,
    open_without_sign_in,
    require_chromium,
    screenshot,
    wait_ready,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.browser

DAY = (datetime.now() - timedelta(days=2)).date()
MOMENT = f"{DAY.isoformat()}T10:00"
SCORECARD = "?unit=HQ&period=2026-03&view=month&lang={lang}"


@pytest.fixture(scope="module")
def server(_small_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    require_chromium()
    db = tmp_path_factory.mktemp("asof") / "live.duckdb"
    shutil.copyfile(_small_db_template, db)
    with Store(db) as store:
        store.cursor().execute("UPDATE batches SET uploaded_at = ?", [datetime.combine(DAY, time(9, 0))])
        report = ingest.load(
            store,
            "actuals",
            b"unit_id,kpi_id,period,actual\nHQ,rev,2026-03,190\nSALES,rev,2026-03,210\n",
            "march_fix.csv",
            uploaded_by="Zhou Ting",
            today=TODAY,
        )
        assert report.result.rows_changed == 2
    open_without_sign_in(db)
    app = LiveApp(db)
    yield app
    app.stop()


def open_page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    return context, context.new_page()


def settle(pg) -> None:
    wait_ready(pg)
    assert_no_exception(pg)


def total(pg) -> str:
    return pg.locator('[data-testid="bsc-total"]').inner_text().strip()


def banner(pg) -> str:
    return pg.locator(".st-key-asof_banner [data-testid='stAlertContentInfo']").inner_text().strip()


@pytest.mark.parametrize(("lang", "width", "height"), [("en", 1366, 768), ("zh", 1920, 1080)])
def test_a_link_with_a_moment_shows_the_figures_of_then(server, browser, lang, width, height):
    context, pg = open_page(browser, width, height)
    try:
        pg.goto(server.url + SCORECARD.format(lang=lang) + f"&as_of={MOMENT}")
        settle(pg)
        expected = {
            "en": f"Figures as they stood on {DAY.isoformat()} 10:00 (2 values restated since).",
            "zh": f"显示 {DAY.isoformat()} 10:00 时的数据(此后 2 个数值被重述)。",
        }[lang]
        assert banner(pg).endswith(expected)
        assert total(pg) == "85.0"
        # the banner and the total are on the first screen, not below it
        for locator in (pg.locator(".st-key-asof_banner"), pg.locator('[data-testid="bsc-total"]')):
            box = locator.bounding_box()
            assert box is not None and box["y"] + box["height"] <= height
        screenshot(pg, f"asof_scorecard_{lang}_{width}")

        back = {"en": "Back to current figures", "zh": "返回当前数据"}[lang]
        pg.locator(".st-key-asof_banner").get_by_role("button", name=back).click()
        pg.wait_for_function("() => !location.search.includes('as_of')", timeout=30_000)
        settle(pg)
        assert total(pg) == "93.0"
        assert pg.locator(".st-key-asof_banner").count() == 0
    finally:
        context.close()


def test_the_control_sets_the_moment_and_the_link_carries_it(server, browser):
    context, pg = open_page(browser, 1366, 768)
    try:
        pg.goto(server.url + SCORECARD.format(lang="en"))
        settle(pg)
        assert total(pg) == "93.0"
        pg.get_by_role("button", name="As of").click()
        body = pg.locator('[data-testid="stPopoverBody"]')
        # the fields are segments (year, month, day; hour, minute) typed into one by one
        for widget, segment, text in (
            ("stDateInput", "year", DAY.strftime("%Y")),
            ("stDateInput", "month", DAY.strftime("%m")),
            ("stDateInput", "day", DAY.strftime("%d")),
            ("stTimeInput", "hour", "10"),
            ("stTimeInput", "minute", "00"),
        ):
            field = body.locator(f'[data-testid="{widget}"] [data-type="{segment}"]')
            field.click()
            pg.keyboard.type(text)
            pg.wait_for_function(
                "([f, v]) => f.textContent.trim() === v", arg=[field.element_handle(), text], timeout=10_000
            )
        screenshot(pg, "asof_control_en_1366")
        body.get_by_role("button", name="Show the figures of then").click()
        pg.wait_for_url(re.compile(r"as_of=" + re.escape(DAY.isoformat()) + r"T10%3A00"), timeout=30_000)
        settle(pg)
        assert banner(pg).endswith(f"Figures as they stood on {DAY.isoformat()} 10:00 (2 values restated since).")
        assert total(pg) == "85.0"
        assert pg.locator('[data-testid="stPopoverBody"]').count() == 0  # closed: the page under it changed

        # a reload (or the link shared) shows the same figures
        pg.reload()
        settle(pg)
        assert total(pg) == "85.0"
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "width", "height"), [("en", 1366, 768), ("zh", 1920, 1080)])
def test_the_kpi_detail_of_the_restated_month(server, browser, lang, width, height):
    context, pg = open_page(browser, width, height)
    try:
        pg.goto(server.url + SCORECARD.format(lang=lang).replace("?", "kpi_detail?") + f"&kpi=rev&as_of={MOMENT}")
        settle(pg)
        assert banner(pg)
        pg.wait_for_selector('[data-testid="stMetricValue"]', timeout=30_000)
        metrics = pg.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert metrics[:3] == ["150.00", "200.00", "75.0%"]  # the figures of then
        title = {"en": "Restated months", "zh": "重述月份对比"}[lang]
        pg.get_by_role("heading", name=title).scroll_into_view_if_needed()
        pg.wait_for_timeout(500)
        assert pg.locator(".st-key-kd_restated_months").count() == 1
        screenshot(pg, f"asof_kpi_detail_{lang}_{width}")
    finally:
        context.close()
