"""A page opened right after an upload shows the new figures: the stored
scores are refreshed in the upload's own transaction, and the pages forget
their cached reads when a write lands.

Xu Gang (P_SALES_N_03, a sales rep of the demo company) missed his October
2026 upload: his scorecard has no figure. He uploads two of his four KPIs:
key-account coverage 88% against a target of 88% (weight 15, completion 1.0:
15 points) and quote response time 22.2 hours against 22.2 (lower is better,
2 - 22.2 / 22.2 = 1.0, weight 10: 10 points). His October total becomes
15 + 10 = 25.0, with 25% of the weight covered. His department's scorecard,
which lists him among its people, shows the 25.0 too.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import assert_no_exception, screenshot, wait_ready

pytestmark = pytest.mark.browser

FILE = b"unit_id,kpi_id,period,actual\nP_SALES_N_03,KEY_ACCOUNT_COV,2026-10,88\nP_SALES_N_03,QUOTE_RESP,2026-10,22.2\n"


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _open(page, url: str) -> str:
    page.goto(url)
    wait_ready(page)
    assert_no_exception(page)
    return _main_text(page)


def test_the_scorecard_opened_right_after_an_upload_shows_the_new_total(browser, live_app):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    try:
        person = f"{live_app.url}?unit=P_SALES_N_03&period=2026-10&view=month"
        before = _open(page, person)
        assert "25.0" not in before
        assert re.search(r"0(\.0)?% of the weight has data", before), before[:800]

        page.goto(live_app.url + "upload")
        wait_ready(page)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            files=[{"name": "xu_gang_october.csv", "mimeType": "text/csv", "buffer": FILE}]
        )
        page.get_by_role("button", name="Store 2 rows").click()
        page.get_by_text(re.compile("Stored xu_gang_october.csv")).wait_for(timeout=60_000)
        wait_ready(page)

        after = _open(page, person)
        screenshot(page, "fresh_after_upload_person_1366")
        assert "25.0" in after, after[:800]
        assert re.search(r"25(\.0)?% of the weight has data", after), after[:800]

        # The department lists him in its chart of the units below (bar labels).
        _open(page, f"{live_app.url}?unit=SALES_N&period=2026-10&view=month")
        chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Xu Gang")
        expect(chart).to_contain_text("25.0", timeout=30_000)
    finally:
        context.close()


def test_a_new_session_in_chinese_sees_the_upload_too(browser, live_app):
    first = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = first.new_page()
    try:
        page.goto(live_app.url + "upload")
        wait_ready(page)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            files=[{"name": "xu_gang_october.csv", "mimeType": "text/csv", "buffer": FILE}]
        )
        page.get_by_role("button", name="Store 2 rows").click()
        page.get_by_text(re.compile("Stored xu_gang_october.csv")).wait_for(timeout=60_000)
    finally:
        first.close()
    second = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = second.new_page()
    try:
        shown = _open(page, f"{live_app.url}?unit=P_SALES_N_03&period=2026-10&view=month&lang=zh")
        screenshot(page, "fresh_after_upload_person_zh_1920")
        assert "25.0" in shown, shown[:800]
    finally:
        second.close()
