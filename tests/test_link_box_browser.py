"""The link box's copy button shows without hovering: a projector in a
meeting has no mouse hovering over the sidebar (issue 12, point 17)."""

from __future__ import annotations

import pytest

from tests.browser_support import wait_ready

pytestmark = pytest.mark.browser


def test_the_copy_button_of_the_link_box_is_visible_without_hover(live_app, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_app.url + "?unit=CS")
    wait_ready(page)
    button = page.locator('[data-testid="stSidebar"] [data-testid="stCode"] button[aria-label="Copy to clipboard"]')
    page.mouse.move(1300, 700)  # the pointer far from the sidebar
    style = button.evaluate("e => [getComputedStyle(e).visibility, getComputedStyle(e).opacity]")
    assert style == ["visible", "1"]
    assert button.is_visible()
