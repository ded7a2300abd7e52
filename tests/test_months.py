"""Next month's actuals before its targets: the analyst is warned, visitors
keep opening the latest month that can be scored, and the uploaded actuals
can still be looked at (issue: what a new user hit, point 7)."""

from __future__ import annotations

from kpi_core import ingest
from kpi_core.store import Store
from kpi_ui.state import resolve
from tests.conftest import TODAY

APRIL = b"unit_id,kpi_id,period,actual\nHQ,rev,2026-04,120\nHQ,days,2026-04,39\nHQ,rev,2026-03,150\n"


def test_actuals_without_targets_are_warned_once_per_month_and_kept(small_store):
    # the small company has targets for January to March only
    report = ingest.load(small_store, "actuals", APRIL, "april.csv", today=TODAY, uploaded_by="Bo")
    warnings = report.validated.warnings
    assert [(w.row, w.column, w.value) for w in warnings] == [(2, "period", "2026-04")]
    assert warnings[0].reason == (
        "no targets are stored for 2026-04: 2 actuals of this file cannot be scored until the targets are loaded"
    )
    assert report.result.rows_added == 2  # a warning: stored all the same
    assert small_store.latest_period() == "2026-04"
    assert small_store.latest_scored_period() == "2026-03"


def test_the_scorecard_opens_on_the_latest_month_that_can_be_scored(small_store):
    ingest.load(small_store, "actuals", APRIL, "april.csv", today=TODAY)
    org_units = small_store.units()
    from kpi_core.org import Org

    org = Org.from_frame(org_units)
    periods = small_store.periods()
    assert periods[-1] == "2026-04"
    default = resolve({}, org=org, periods=periods, kpi_ids=set(), default_period=small_store.latest_scored_period())
    assert (default.period, default.notices) == ("2026-03", ())
    # April is still listed and opens when asked for: its actuals can be looked at
    asked = resolve({"period": "2026-04"}, org=org, periods=periods, kpi_ids=set(), default_period="2026-03")
    assert (asked.period, asked.notices) == ("2026-04", ())


def test_a_visitor_after_an_early_upload_sees_october_and_can_open_november(demo_db, app):
    with Store(demo_db) as store:
        # a company that has not set November's targets yet
        store.cursor().execute("DELETE FROM targets WHERE period >= DATE '2026-11-01'")
        nov = b"unit_id,kpi_id,period,actual\nHQ,REV,2026-11,2400.5\n"
        report = ingest.load(store, "actuals", nov, "nov.csv", uploaded_by="Bo")
        assert [w.column for w in report.validated.warnings] == ["period"]
    at = app()
    assert not at.exception
    assert at.selectbox(key=_period_key(at)).value == "2026-10"
    assert "2026-11" in at.selectbox(key=_period_key(at)).options
    november = app(period="2026-11")
    assert not november.exception
    shown = " ".join(str(getattr(e, "value", "")) for e in november.markdown) + " ".join(
        str(df.value.to_dict()) for df in november.dataframe
    )
    assert "2400.5" in shown.replace(",", "")  # the uploaded actual is shown, though it cannot be scored


def _period_key(at) -> str:
    return next(s.key for s in at.selectbox if s.key and s.key.startswith("sb_period"))
