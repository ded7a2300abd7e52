"""Streamlit draws its file uploader's button and limits line in English on
every page; a Chinese analyst reads them in Chinese (issue 12, point 14)."""

from __future__ import annotations

import pytest

from tests.browser_support import assert_no_exception, wait_ready

pytestmark = pytest.mark.browser

AFTER = "(selector) => getComputedStyle(document.querySelector(selector), '::after').content"
BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]'
LIMITS = '[data-testid="stFileUploaderDropzoneInstructions"] div'


def test_the_uploader_speaks_chinese_on_a_chinese_page(live_app, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_app.url + "upload?lang=zh")
    wait_ready(page)
    assert_no_exception(page)
    shown = page.locator('[data-testid="stFileUploader"]').inner_text()
    assert "Upload" not in shown and "per file" not in shown
    assert page.evaluate(AFTER, BUTTON) == '"选择文件"'
    assert page.evaluate(AFTER, LIMITS) == '"每个文件不超过 20 MB · CSV、TXT、TSV、XLSX"'
    # English pages keep Streamlit's own words
    page.goto(live_app.url + "upload?lang=en")
    wait_ready(page)
    shown = page.locator('[data-testid="stFileUploader"]').inner_text()
    assert "Upload" in shown and "20MB per file" in shown
