"""The business review in Chromium at 1366 x 768 in meeting mode (issue 16,
items 3, 4 and 7): prepare Customer Service's agenda for 2026-10, start the
meeting, walk it by keyboard and by button, record a decision (kept when the
chair moves on without pressing Save), create an action from the item; the
item's title and figures sit above the fold of a projector."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from kpi_core.store import Store
from tests.browser_support import LiveApp, assert_no_exception, require_chromium, screenshot, wait_ready

pytestmark = pytest.mark.browser


@pytest.fixture
def review_app(demo_db_template, tmp_path):
    require_chromium()
    db = tmp_path / "review.duckdb"
    shutil.copyfile(demo_db_template, db)
    app = LiveApp(db)  # a free port: a fixed one could reach a server left by another run
    yield app
    app.stop()


def _at(page, position: str) -> None:
    """The walk shows ``position`` ("Item 2 of 6"); a keypress or click reruns the
    script, which may start after wait_ready has already seen the old page."""
    expect(page.get_by_test_id("mt-position")).to_have_text(position, timeout=30_000)


def test_the_chair_walks_the_agenda_records_a_decision_and_creates_an_action(review_app, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(review_app.url + "review?unit=CS&period=2026-10&meeting=1")
    wait_ready(page)
    page.get_by_role("button", name="Prepare this agenda").click()
    wait_ready(page)
    page.get_by_role("button", name="Start the meeting").click()
    wait_ready(page)
    assert_no_exception(page)
    _at(page, "Item 1 of 6")
    title = page.get_by_test_id("mt-item-title")
    expect(title).to_contain_text("Red Complaint resolution time: red for 3 months", timeout=30_000)
    assert title.inner_text().startswith("Red Complaint resolution time: red for 3 months")
    # the room sees the item and its figures without scrolling
    figures = page.get_by_test_id("mt-figures")
    assert figures.bounding_box()["y"] + figures.bounding_box()["height"] <= 768
    # the keyboard: → next, ← back
    page.get_by_test_id("mt-item-title").click()
    page.keyboard.press("ArrowRight")
    wait_ready(page)
    _at(page, "Item 2 of 6")
    page.keyboard.press("ArrowLeft")
    wait_ready(page)
    _at(page, "Item 1 of 6")
    # a decision typed, then Next: it is saved as the box loses focus
    page.locator("textarea").first.fill("Hire two agents; review again in December")
    page.get_by_role("button", name="Next").click()
    wait_ready(page)
    _at(page, "Item 2 of 6")
    page.get_by_role("button", name="Previous").click()
    wait_ready(page)
    # an action from the item
    none_yet = page.get_by_text("No open action on this KPI.")
    expect(none_yet).to_be_visible(timeout=30_000)
    page.get_by_text("New action from this item").click()
    page.get_by_label("Action", exact=True).fill("Add two agents to the complaints desk")
    page.get_by_role("button", name="Create action").click()
    wait_ready(page)
    assert_no_exception(page)
    # the item now lists its action (its toast lasts 4 s, and may be gone on a loaded machine);
    # the database is read back below
    expect(none_yet).to_have_count(0, timeout=30_000)
    expect(page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first).to_be_visible()
    screenshot(page, "meeting_walk_1366")
    review_app.stop()  # the server holds the file: read it after
    with Store(review_app.db) as store:
        meeting = store.meeting_rows(["CS"])
        items = store.meeting_items(int(meeting.iloc[0]["meeting_id"]))
        links = store.meeting_links(int(meeting.iloc[0]["meeting_id"]))
        first = items.sort_values("position").iloc[0]
        assert first["subject"] == "COMPLAINT_TIME"
        assert first["decision"] == "Hire two agents; review again in December"
        assert first["decided_by"] == "hr_admin"
        action = store.action(int(links.iloc[0]["action_id"]))
    assert (links.iloc[0]["item_no"], links.iloc[0]["how"]) == (first["item_no"], "created")
    assert (action["title"], action["source"], action["kpi_ids"]) == (
        "Add two agents to the complaints desk",
        "agenda",
        "COMPLAINT_TIME",
    )
