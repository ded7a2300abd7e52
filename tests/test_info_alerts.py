"""An ``info`` assignment (a calculated KPI's component, issue 14) is tracked,
not scored: it raises no breach or signal of its own, only a missing figure
(which its calculated KPI needs). On the company of
tests/test_method_frequency_formula.py: HQ tracks revenue (REV) as info."""

from __future__ import annotations

from kpi_core import alerts, ingest
from tests.test_method_frequency_formula import TODAY, db, store, template  # noqa: F401  (fixtures)


def _load(opened, kind: str, text: str) -> None:
    report = ingest.load(opened, kind, text.encode(), f"{kind}.csv", uploaded_by="test", today=TODAY)
    assert report.validated.ok, [str(p) for p in report.validated.errors]


def test_an_info_component_far_below_a_target_raises_no_red_alert(store):  # noqa: F811
    # March revenue 100 against a target of 300: 33%, red if it were scored
    _load(store, "targets", "unit_id,kpi_id,period,target\nHQ,REV,2026-03,300\n")
    found = alerts.evaluate(store, "2026-03", today=TODAY)
    assert found[(found["unit_id"] == "HQ") & (found["kpi_id"] == "REV")].empty
    # the same KPI scored (core, weight 0 is not allowed: 10) is red at 33%
    _load(store, "assignments", "unit_id,kpi_id,year,weight,role\nHQ,REV,2026,10,core\n")
    scored = alerts.evaluate(store, "2026-03", today=TODAY)
    rev = scored[(scored["unit_id"] == "HQ") & (scored["kpi_id"] == "REV")]
    assert "red" in set(rev["kind"])


def test_a_missing_info_figure_is_still_missing(store):  # noqa: F811
    # June: CSAT reported, revenue (a monthly info component of gross margin) not
    found = alerts.evaluate(store, "2026-06", today=TODAY)
    rev = found[(found["unit_id"] == "HQ") & (found["kpi_id"] == "REV")]
    assert list(rev["kind"]) == ["missing"]
