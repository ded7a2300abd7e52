"""Goal-setting tasks (GS, 目标任务, issue 14): scored by the one engine beside
the KPIs, stored with them, shown marked as tasks.

A company small enough to work by hand: HQ has two KPIs (revenue 50, NPS 20,
no scoring rules: score = completion) and three tasks of 10 each, one per mode.

    month  rev a/t   nps a/t  GS-ERP (graded)  GS-SAFE (events, cap 1.2)  GS-CRM (expected)
    Jan    90/100    45/50    good      -> 8   +1;-2 -> 10-1 = 9          (none)  -> no data
    Feb    100/100   50/50    (Jan)     -> 8   +5;+4 -> 19, capped at 12  partly  -> 5
    Mar    80/100    40/50    excellent -> 10  -8;-7 -> -5, floored at 0  (Feb)   -> 5
    Apr    100/100   50/50    (Mar)     -> 10  -4    -> 6                 met     -> 10
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from kpi_core import cli, engine, ingest, scorecard, scores
from kpi_core.store import RollbackError, Store

TODAY = date(2026, 11, 21)

FILES = {
    "units": """unit_id,name,name_zh,kind,parent_id
HQ,Acme,阿克米,company,
""",
    "kpis": """kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition
rev,Revenue,营业收入,financial,higher,10k CNY,sum,Invoiced revenue
nps,Net promoter score,净推荐值,customer,higher,pts,avg,Survey
""",
    "assignments": """unit_id,kpi_id,year,weight,role
HQ,rev,2026,50,core
HQ,nps,2026,20,core
""",
    "targets": "unit_id,kpi_id,period,target\n"
    + "".join(f"HQ,rev,2026-{m:02d},100\nHQ,nps,2026-{m:02d},50\n" for m in range(1, 5)),
    "actuals": """unit_id,kpi_id,period,actual
HQ,rev,2026-01,90
HQ,rev,2026-02,100
HQ,rev,2026-03,80
HQ,rev,2026-04,100
HQ,nps,2026-01,45
HQ,nps,2026-02,50
HQ,nps,2026-03,40
HQ,nps,2026-04,50
""",
    "tasks": """task_id,unit_id,year,name,name_zh,perspective,weight,mode,objective,acceptance,deadline,cap
GS-ERP,HQ,2026,ERP go-live,ERP 系统上线,process,10,graded,Go live with the new ERP,All modules signed off,2026-06-30,
GS-SAFE,HQ,2026,Workplace safety,安全生产,learning,10,events,No lost-time incidents,Audits +; incidents -,2026-12-31,1.2
GS-CRM,HQ,2026,CRM roll-out,CRM 推广,customer,10,expected,Every key account in the CRM,All 40 accounts,2026-09-30,
""",
    "task_assessments": """task_id,year,period,result,comment
GS-ERP,2026,2026-01,good,Finance live
GS-ERP,2026,2026-03,excellent,All modules live
GS-SAFE,2026,2026-01,+1;-2,One audit; one incident
GS-SAFE,2026,2026-02,+5;+4,Two audits passed
GS-SAFE,2026,2026-03,-8;-7,Two incidents
GS-SAFE,2026,2026-04,-4,A near miss
GS-CRM,2026,2026-02,partly,25 of 40 accounts
GS-CRM,2026,2026-04,met,40 of 40
""",
}
KINDS = ("units", "kpis", "assignments", "targets", "actuals", "tasks", "task_assessments")


def load(store: Store, kind: str, text: str) -> ingest.LoadReport:
    return ingest.load(store, kind, text.encode(), f"{kind}.csv", uploaded_by="test", today=TODAY)


@pytest.fixture
def store(tmp_path) -> Store:
    with Store(tmp_path / "tasks.duckdb") as s:
        for kind in KINDS:
            report = load(s, kind, FILES[kind])
            assert report.validated.ok, [str(p) for p in report.validated.errors]
        yield s


def cells(store: Store, period: str, view: str = "month") -> pd.DataFrame:
    return scores.kpi_cells(store, ["HQ"], period, view).set_index("kpi_id")


def total(store: Store, period: str, view: str = "month") -> float:
    return float(scores.unit_figures(store, ["HQ"], period, view)["total"].iloc[0])


# --------------------------------------------------------------------------- one rule at a time


def test_points_of_each_mode():
    assert engine.task_points("graded", "excellent", 10) == 10
    assert engine.task_points("graded", "good", 10) == 8
    assert engine.task_points("graded", "pass", 10) == 6
    assert engine.task_points("graded", "fail", 10) == 0
    assert engine.task_points("expected", "met", 20) == 20
    assert engine.task_points("expected", "partly", 20) == 10
    assert engine.task_points("expected", "not", 20) == 0
    # events: the weight plus the list's sum, within [0, cap x weight]
    assert engine.task_points("events", "+3;-2;+1", 10) == 12  # 10 + 2
    assert engine.task_points("events", "+3;-2", 10) == 11
    assert engine.task_points("events", "+9", 10) == 12  # 19 capped at 1.2 x 10
    assert engine.task_points("events", "+9", 10, cap=1.5) == 15  # 19 capped at 1.5 x 10
    assert engine.task_points("events", "-6;-6", 10) == 0  # -2 floored at 0


def test_status_thresholds_at_exactly_0_6_and_1_0():
    codes = engine.task_status_codes(pd.Series([1.2, 1.0, 0.99, 0.6, 0.59, float("nan")]).to_numpy())
    assert [engine.STATUSES[c] for c in codes] == ["green", "green", "amber", "amber", "red", "no_data"]


# --------------------------------------------------------------------------- the stored scorecard


def test_each_mode_carried_forward_month_by_month(store):
    jan, feb, mar, apr = (cells(store, f"2026-{m:02d}") for m in (1, 2, 3, 4))
    # graded: January's "good" (8) is carried into February, as of January
    assert jan.loc["GS-ERP", "points"] == 8 and jan.loc["GS-ERP", "status"] == "amber"
    assert feb.loc["GS-ERP", "points"] == 8 and feb.loc["GS-ERP", "as_of"] == "2026-01"
    assert mar.loc["GS-ERP", "points"] == 10 and mar.loc["GS-ERP", "status"] == "green"
    assert apr.loc["GS-ERP", "points"] == 10 and apr.loc["GS-ERP", "as_of"] == "2026-03"
    # expected: nothing before its first assessment, then "partly" (5) carried into March
    assert jan.loc["GS-CRM", "status"] == "no_data" and pd.isna(jan.loc["GS-CRM", "points"])
    assert feb.loc["GS-CRM", "points"] == 5 and feb.loc["GS-CRM", "status"] == "red"  # 0.5
    assert mar.loc["GS-CRM", "points"] == 5 and mar.loc["GS-CRM", "as_of"] == "2026-02"
    assert apr.loc["GS-CRM", "points"] == 10 and apr.loc["GS-CRM", "status"] == "green"  # 1.0
    # events: each month scores its own list, clamped to [0, 12]
    assert jan.loc["GS-SAFE", "points"] == 9 and jan.loc["GS-SAFE", "status"] == "amber"  # 10 + 1 - 2
    assert feb.loc["GS-SAFE", "points"] == 12 and feb.loc["GS-SAFE", "status"] == "green"  # 19 capped: 1.2 is green
    assert feb.loc["GS-SAFE", "score"] == pytest.approx(1.2)
    assert mar.loc["GS-SAFE", "points"] == 0 and mar.loc["GS-SAFE", "status"] == "red"  # -5 floored
    assert apr.loc["GS-SAFE", "points"] == 6 and apr.loc["GS-SAFE", "status"] == "amber"  # exactly 0.6
    assert (feb["role"][["GS-ERP", "GS-SAFE", "GS-CRM"]] == "task").all()


def test_unit_totals_combine_kpis_and_tasks(store):
    # Jan: rev 0.9 x 50 = 45, nps 0.9 x 20 = 18, ERP 8, SAFE 9, CRM none -> 80
    assert total(store, "2026-01") == pytest.approx(80)
    # Feb: 50 + 20 + 8 + 12 + 5 = 95
    assert total(store, "2026-02") == pytest.approx(95)
    # Mar: 40 + 16 + 10 + 0 + 5 = 71
    assert total(store, "2026-03") == pytest.approx(71)
    # Apr: 50 + 20 + 10 + 6 + 10 = 96
    assert total(store, "2026-04") == pytest.approx(96)
    jan = scores.unit_figures(store, ["HQ"], "2026-01", "month").iloc[0]
    assert jan["weight"] == 100 and jan["scored_weight"] == 90  # CRM not assessed yet


def test_quarter_and_ytd_read_the_latest_assessment(store):
    # YTD March: rev 270/300 = 0.9 -> 45; nps avg 45/50 = 0.9 -> 18; tasks as of March:
    # ERP 10, SAFE 0 (March's own list: events never add up across the year), CRM 5 -> 78
    ytd = cells(store, "2026-03", "ytd")
    assert ytd.loc["GS-SAFE", "points"] == 0
    assert total(store, "2026-03", "ytd") == pytest.approx(78)
    assert total(store, "2026-03", "quarter") == pytest.approx(78)
    # Q2 in April: rev 100/100, nps 50/50, ERP 10 (March), SAFE 6, CRM 10 -> 96
    assert total(store, "2026-04", "quarter") == pytest.approx(96)


def test_tasks_count_in_their_perspectives(store):
    card = scorecard.build(store, "HQ", "2026-02", "month")
    p = card.perspectives.set_index("perspective")
    assert p.loc["financial", "score"] == pytest.approx(100)  # rev 50 of 50
    assert p.loc["customer", "weight"] == 30  # nps 20 + CRM 10
    assert p.loc["customer", "score"] == pytest.approx(25 / 30 * 100)  # 20 + 5 of 30
    assert p.loc["process", "score"] == pytest.approx(80)  # ERP 8 of 10
    assert p.loc["learning", "score"] == pytest.approx(120)  # SAFE 12 of 10
    rows = card.kpis.set_index("kpi_id")
    assert rows.loc["GS-CRM", "name"] == "CRM roll-out" and rows.loc["GS-CRM", "perspective"] == "customer"
    assert (rows.loc["GS-CRM", "result"], rows.loc["GS-CRM", "comment"]) == ("partly", "25 of 40 accounts")
    assert rows.loc["GS-ERP", "assessed"] == "2026-01"


def test_score_json_lists_tasks_beside_kpis(store, capsys):
    code = cli.main(["--db", str(store.path), "score", "--unit", "HQ", "--period", "2026-03", "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    by_id = {k["kpi_id"]: k for k in out["kpis"]}
    assert "kind" not in by_id["rev"]
    erp = by_id["GS-ERP"]
    assert (erp["kind"], erp["points"], erp["result"], erp["comment"]) == ("task", 10, "excellent", "All modules live")
    assert by_id["GS-CRM"]["assessed"] == "2026-02" and by_id["GS-CRM"]["as_of"] == "2026-02"
    assert out["total"] == pytest.approx(71)


def test_stored_equals_rescored_after_task_writes_and_rollbacks(store):
    def check() -> None:
        scores.ensure(store)
        stored, units = store.all_stored_scores()
        again, again_units = scores.from_scratch(store)
        pd.testing.assert_frame_equal(stored, again)
        pd.testing.assert_frame_equal(units, again_units)

    check()
    # a restated assessment moves its month on
    report = load(store, "task_assessments", "task_id,year,period,result,comment\nGS-ERP,2026,2026-01,fail,Slipped\n")
    assert report.result.rows_changed == 1
    assert cells(store, "2026-02").loc["GS-ERP", "points"] == 0  # February carries January's "fail"
    check()
    # a task moved to more weight moves its whole year
    text = FILES["tasks"].replace(
        "GS-CRM,HQ,2026,CRM roll-out,CRM 推广,customer,10", "GS-CRM,HQ,2026,CRM roll-out,CRM 推广,customer,20"
    )
    assert load(store, "tasks", text).result.rows_changed == 1
    assert cells(store, "2026-04").loc["GS-CRM", "points"] == 20  # met: 1.0 x 20
    check()
    history = store.upload_history()
    assessments = int(history[history["kind"] == "task_assessments"]["batch_id"].max())
    store.rollback_batch(assessments, uploaded_by="test")
    assert cells(store, "2026-02").loc["GS-ERP", "points"] == 8  # "good" again
    check()


def test_a_task_batch_with_assessments_cannot_be_rolled_back(store):
    history = store.upload_history()
    first = int(history[history["kind"] == "tasks"]["batch_id"].min())
    with pytest.raises(RollbackError, match="task_assessments still refer"):
        store.rollback_batch(first, uploaded_by="test")


# --------------------------------------------------------------------------- validation


def test_events_lists_are_not_formulas_but_formulas_are_refused(store):
    text = "task_id,year,period,result,comment\nGS-SAFE,2026,2026-05,+3;-2;+1,ok\nGS-SAFE,2026,2026-06,+SUM(A1),x\n"
    report = load(store, "task_assessments", text)
    problems = [(p.row, p.column, p.reason) for p in report.validated.errors]
    assert {(row, column) for row, column, _ in problems} == {(3, "result")}  # row 2 passes
    assert any("spreadsheet formula" in reason for _, _, reason in problems)


def test_assessment_problems_name_file_row_column_and_value(store):
    text = (
        "task_id,year,period,result,comment\n"
        "GS-ERP,2026,2026-05,met,wrong word for a graded task\n"
        "GS-CRM,2026,2026-05,+3,a number for an expected task\n"
        "GS-SAFE,2026,2026-05,lots,not a list\n"
        "GS-NONE,2026,2026-05,good,unknown task\n"
        "GS-ERP,2026,2025-12,good,another year\n"
    )
    report = load(store, "task_assessments", text)
    found = {(p.row, p.column, p.value): p.reason for p in report.validated.errors}
    assert found[(2, "result", "met")] == "a graded task's result is one of excellent, good, pass, fail"
    assert found[(3, "result", "+3")] == "a expected task's result is one of met, partly, not"
    assert found[(4, "result", "lots")] == "an events task's result is a list of signed points such as +3;-2;+1"
    assert found[(5, "task_id", "GS-NONE")] == "unknown task for that year: load it in the tasks file first"
    assert found[(6, "period", "2025-12")] == "the month is not in the task's year"
    from kpi_core.i18n import reason

    assert reason(found[(2, "result", "met")], "zh") == "graded 类目标任务的评价结果只能是 excellent, good, pass, fail"
    assert str(report.validated.errors[0]).startswith("task_assessments.csv: row 2, column result ('met')")


def test_tasks_file_checks_and_the_weight_warning(tmp_path):
    with Store(tmp_path / "w.duckdb") as s:
        for kind in ("units", "kpis", "assignments"):
            report = load(s, kind, FILES[kind])
            # KPIs weigh 70 until the tasks are loaded: a warning, never a refusal
            assert report.validated.ok
        warned = [p.reason for p in load(s, "assignments", FILES["assignments"]).validated.warnings]
        assert warned == ["the weights of HQ's 2026 scorecard add up to 70, not 100"]
        bad = (
            "task_id,unit_id,year,name,name_zh,perspective,weight,mode,objective,acceptance,deadline,cap\n"
            "rev,HQ,2026,Clash,,process,10,graded,,,2026-06-30,\n"
            "GS-X,HQ,2026,Bad,,process,0,guess,,,2026-02-30,0.5\n"
        )
        found = {(p.row, p.column): p.reason for p in load(s, "tasks", bad).validated.errors}
        assert found[(2, "task_id")] == "a KPI already has this id: give the task an id of its own"
        assert found[(3, "weight")] == "weight is a percent above 0 and at most 100"
        assert found[(3, "mode")] == "must be one of graded, expected, events, okr"
        assert found[(3, "deadline")] == "the deadline is a date written YYYY-MM-DD"
        assert found[(3, "cap")] == "a task's cap is a multiple of its weight, at least 1"
        report = load(s, "tasks", FILES["tasks"])
        assert report.validated.ok and not report.validated.warnings  # 70 + 30 = 100
