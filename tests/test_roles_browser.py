"""The demo's roles and meeting mode in headless Chromium (issue 13): the "View
as" picker turns the page into the salesperson's (Wu Hao, P_SALES_N_01) with a
unit box holding only what he may see; meeting mode on a shared screen shows
Sales North's persons as numbers until the presenter shows the names, at
1366x768 and 1920x1080 in English and Chinese (screenshots under
tests/screenshots/).

Persons are numbered in the order of data/demo/units.csv: the 7 persons of
Sales East are 1-7, Wu Hao 8, Zhou Ting 9.
"""

from __future__ import annotations

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_ready

pytestmark = pytest.mark.browser

NAMES = ("Wu Hao", "Zhou Ting", "Xu Gang", "Zhao Min", "Sun Li", "Ma Chao")
NAMES_ZH = ("吴昊", "周婷", "徐刚", "赵敏", "孙丽", "马超")


def _main_text(pg) -> str:
    return pg.locator('[data-testid="stMain"]').inner_text()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_meeting_mode_shows_numbers_until_the_presenter_shows_names(live_app, browser, width, height, lang):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    pg = context.new_page()
    pg.goto(f"{live_app.url}?unit=SALES_N&period=2026-10&view=month&lang={lang}&meeting=1")
    wait_ready(pg)
    assert_no_exception(pg)
    html = pg.content()
    for name in (*NAMES, *NAMES_ZH):
        assert name not in html, name
    numbered = "Person 9" if lang == "en" else "人员 9"
    pg.get_by_text(numbered, exact=True).first.wait_for()
    screenshot(pg, f"meeting_masked_{lang}_{width}")
    # the presenter opens the sidebar (collapsed in meeting mode) and shows the names
    pg.mouse.move(30, 30)  # the header's expand button shows under the pointer
    pg.locator('[data-testid="stExpandSidebarButton"]').first.click()
    toggle = "Show person names" if lang == "en" else "显示人员姓名"
    pg.get_by_text(toggle, exact=True).click()
    wait_ready(pg)
    shown = "Zhou Ting" if lang == "en" else "周婷"
    pg.get_by_text(shown, exact=True).first.wait_for()
    assert shown in _main_text(pg)
    context.close()


def test_the_demo_picker_shows_what_a_salesperson_sees(live_app, page):
    page.goto(f"{live_app.url}?unit=SALES_N&period=2026-10&view=month&lang=en")
    wait_ready(page)
    page.get_by_text("Zhou Ting", exact=True).first.wait_for()  # the admin sees the team (the chart's labels)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Salesperson (employee)").click()
    wait_ready(page)
    assert_no_exception(page)
    assert "unit=P_SALES_N_01" in page.url  # his own scorecard
    text = _main_text(page)
    assert "Wu Hao" in text and "Viewing as Salesperson (employee)" in text
    assert "Zhou Ting" not in page.content()
    assert page.get_by_role("link", name="Upload data").count() == 0  # not his page
    screenshot(page, "demo_view_as_salesperson_1920")
