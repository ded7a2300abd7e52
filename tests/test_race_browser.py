"""Two people in two browser sessions click "Roll back" on the same batch at
the same moment, and two people store the same file at once: each is told
plainly what happened, nobody sees a traceback or the database's own words,
and the batch is undone exactly once."""

from __future__ import annotations

import re

import pytest

from kpi_core.store import Store
from tests.browser_support import assert_no_exception, screenshot, wait_ready

pytestmark = pytest.mark.browser

RAW = ("Traceback", "Conflict on", "transaction is aborted", "duckdb", "TransactionContext", ".py")
A = "unit_id,kpi_id,period,actual\n"


def _session(browser, url: str, lang: str = "en"):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.goto(url + ("upload?lang=zh" if lang == "zh" else "upload"))
    wait_ready(page)
    return context, page


def _arm_rollback(page, lang: str) -> None:
    """Open the rollback box and tick its confirmation, until the Roll back button is enabled
    (on a busy machine a click can land while a rerun redraws the box)."""
    page.get_by_text("回滚批次" if lang == "zh" else "Roll back a batch").click()
    wait_ready(page)
    box = page.get_by_role("checkbox", name=re.compile("撤销该批次" if lang == "zh" else "Undo this batch"))
    button = page.get_by_role("button", name="回滚" if lang == "zh" else "Roll back", exact=True)
    for _ in range(5):
        if not box.is_checked():
            box.check(force=True)
        wait_ready(page)
        if button.is_enabled():
            return
        page.wait_for_timeout(500)
    raise AssertionError("the Roll back button stayed disabled after ticking the confirmation")


def _shown(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _wait_for_any(page, words, seconds: int = 60) -> None:
    for _ in range(seconds * 4):
        if any(w in _alerts(page) for w in words):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"none of {words} appeared: {_alerts(page)}")


def _alerts(page) -> str:
    return " | ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())


def test_two_sessions_rolling_back_one_batch_at_once(browser, live_app):
    first_ctx, first = _session(browser, live_app.url)
    second_ctx, second = _session(browser, live_app.url, "zh")
    try:
        _arm_rollback(first, "en")
        _arm_rollback(second, "zh")
        # both pick the newest batch (preselected); click within a few milliseconds of each other
        first.get_by_role("button", name="Roll back", exact=True).click(no_wait_after=True)
        second.get_by_role("button", name="回滚", exact=True).click(no_wait_after=True)
        for page, words in (
            (first, ("was rolled back by batch", "already rolled back")),
            (second, ("已由批次", "已被批次")),
        ):
            _wait_for_any(page, words)
            wait_ready(page, timeout=60_000)
            assert_no_exception(page)
        texts = [_alerts(first), _alerts(second)]
        screenshot(first, "race_rollback_first_en")
        screenshot(second, "race_rollback_second_zh")
        for page in (first, second):
            for raw in RAW:
                assert raw not in _shown(page), (raw, _shown(page)[:500])
        done = ["was rolled back by batch" in texts[0], "已由批次" in texts[1]]
        refused = ["was already rolled back by batch" in texts[0], "已被批次" in texts[1]]
        assert sorted(done) == [False, True], texts
        assert done[0] == refused[1] and done[1] == refused[0], texts
    finally:
        first_ctx.close()
        second_ctx.close()


def test_two_sessions_storing_the_same_rows_at_once(browser, live_app):
    contexts = []
    pages = []
    try:
        for value in ("2401.5", "2402.5"):
            context, page = _session(browser, live_app.url)
            contexts.append(context)
            _drop_file(page, f"oct_{value}.csv", value)
            pages.append(page)
        for page in pages:
            page.get_by_role("button", name="Store 1 rows").click(no_wait_after=True)
        for page in pages:
            page.locator('[data-testid="stAlert"]').first.wait_for(timeout=60_000)
            wait_ready(page, timeout=60_000)
            assert_no_exception(page)
            text = _shown(page)
            for raw in RAW:
                assert raw not in text, (raw, text[:500])
        # sessions of one server take turns: both files are stored, one after the other
        assert all("Stored oct_" in _shown(page) for page in pages)
    finally:
        for context in contexts:
            context.close()


def test_a_rollback_and_an_upload_of_its_rows_from_two_sessions_keep_the_upload(browser, live_app):
    contexts = []
    try:
        # session one stores a restatement of HQ's October revenue: the batch to roll back
        ctx, first = _session(browser, live_app.url)
        contexts.append(ctx)
        _store_file(first, "restated.csv", "2401.5")
        first.get_by_text("Stored restated.csv as batch").wait_for(timeout=30_000)
        wait_ready(first)
        _arm_rollback(first, "en")  # the newest batch, restated.csv, is preselected
        # session two prepares a file restating the same row again
        ctx, second = _session(browser, live_app.url)
        contexts.append(ctx)
        _drop_file(second, "again.csv", "2402.5")
        first.get_by_role("button", name="Roll back", exact=True).click(no_wait_after=True)
        second.get_by_role("button", name="Store 1 rows").click(no_wait_after=True)
        _wait_for_any(first, ("was rolled back by batch", "cannot be rolled back"))
        _wait_for_any(second, ("Stored again.csv as batch",))
        for page in (first, second):
            wait_ready(page, timeout=60_000)
            assert_no_exception(page)
            for raw in RAW:
                assert raw not in _shown(page), (raw, _shown(page)[:500])
    finally:
        for context in contexts:
            context.close()
    live_app.stop()  # DuckDB lets one process hold the file: read it once the app has stopped
    with Store(live_app.db, read_only=True) as store:
        value = store.cursor().execute(
            "SELECT actual FROM actuals WHERE unit_id = 'HQ' AND kpi_id = 'REV' AND period = DATE '2026-10-01'"
        )
        assert value.fetchone()[0] == 2402.5  # whatever the order, the upload that was reported stored is kept


def _drop_file(page, name: str, value: str) -> None:
    content = (A + f"HQ,REV,2026-10,{value}\n").encode()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Store 1 rows").wait_for(timeout=30_000)


def _store_file(page, name: str, value: str) -> None:
    _drop_file(page, name, value)
    page.get_by_role("button", name="Store 1 rows").click()
