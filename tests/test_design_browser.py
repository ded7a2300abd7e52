"""Browser test of the design workbench: a weight edited on the scorecard
design page changes the unit's total on the scorecard page."""

from __future__ import annotations

import shutil

import pytest

from kpi_core import design, scorecard
from kpi_core.store import Store
from tests.browser_support import assert_no_exception, screenshot, wait_ready

UNIT, PERIOD = "SALES", "2026-03"
QUERY = f"?unit={UNIT}&period={PERIOD}&view=month&lang=en"


def _total(pg, live_app) -> str:
    pg.goto(live_app.url + QUERY)
    wait_ready(pg)
    assert_no_exception(pg)
    return pg.locator('[data-testid="bsc-total"]').first.inner_text().strip()


def _expected_total(template, tmp_path, weights: dict[str, float]) -> str:
    """The total the scorecard should show after the edit, computed on a copy
    of the same database through the same save path."""
    path = tmp_path / "expected.duckdb"
    shutil.copyfile(template, path)
    with Store(path) as store:
        before = design.design_table(store.assignments(2026, [UNIT]), store.unit_targets([UNIT], 2026), 2026)
        after = before.copy()
        for kpi, w in weights.items():
            after.loc[after["kpi_id"] == kpi, "weight"] = w
        errors, written = design.save_design(store, UNIT, 2026, before, after, changed_by="t", reason="t")
        assert (errors, written) == ([], len(weights))
        return f"{scorecard.build(store, UNIT, PERIOD).total:,.1f}"


def _set_number(pg, key: str, value: float) -> None:
    box = pg.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Enter")
    wait_ready(pg)


@pytest.mark.browser
def test_editing_a_weight_changes_the_total_on_the_scorecard(live_app, page, demo_db_template, tmp_path):
    new_weights = {"REV": 55.0, "GROSS_MARGIN": 10.0}
    expected = _expected_total(demo_db_template, tmp_path, new_weights)
    before = _total(page, live_app)
    assert before != expected

    page.goto(live_app.url + "scorecard_design" + QUERY)
    wait_ready(page)
    assert_no_exception(page)
    for kpi, w in new_weights.items():
        _set_number(page, f"design_direct_{UNIT}_2026_{kpi}_0", w)
    page.locator(".st-key-design_apply_direct button").click()
    wait_ready(page)
    assert page.get_by_text("Weights from a method are in the table").count() == 1
    _set_number_text(page, "design_reason", "shift weight to revenue for the H1 push")
    page.locator(".st-key-design_save button").click()
    wait_ready(page)
    assert_no_exception(page)
    page.get_by_text("Saved 2 changes").wait_for(timeout=10_000)
    screenshot(page, "design_after_save")

    after = _total(page, live_app)
    screenshot(page, "scorecard_after_design_save")
    assert after == expected != before


def _set_number_text(pg, key: str, text: str) -> None:
    box = pg.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")
    wait_ready(pg)
