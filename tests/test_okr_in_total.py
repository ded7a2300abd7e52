"""OKRs counted in a unit's weighted total (issue 18, item 1: "a unit may opt
in with a weight, and the design checks then warn"), worked by hand.

The company of tests/test_tasks.py: HQ has revenue (weight 50) and NPS (20),
no scoring rules (score = completion). It opts in with a goal-setting task
GS-OKR of mode ``okr``, weight 10, and has these OKRs:

    2026Q1  O1  K1 start 0, target 10, now 5        -> 0.5
                K2 progress 1.0                      -> 1.0    O1 = 0.75
            O2  K1 start 10, target 4, now 7         -> 0.5 (a falling target)
                K2 start 0, target 100, not measured -> 0      O2 = 0.25
            the quarter: (0.75 + 0.25) / 2 = 0.5  -> GS-OKR earns 10 x 0.5 = 5 points in Jan, Feb, Mar
    2026Q2  O3  K1 start 0, target 10, now 8         -> 0.8
                K2 progress 0.6                      -> 0.6    O3 = 0.7 -> 7 points in April

    month  revenue a/t      NPS a/t         OKRs   total
    Jan    90/100 -> 45     45/50 -> 18     5      68
    Feb    100/100 -> 50    50/50 -> 20     5      75
    Apr    100/100 -> 50    50/50 -> 20     7      77

Then O2's K2 is measured at 50 on the OKR form (0.5): O2 = 0.5, the quarter
(0.75 + 0.5) / 2 = 0.625, January 45 + 18 + 6.25 = 69.25. Then the objectives
file gives O1 weight 30 and O2 weight 10: the quarter (30 x 0.75 + 10 x 0.5) /
40 = 0.6875, January 45 + 18 + 6.875 = 69.875.
"""

from __future__ import annotations

import time
from datetime import datetime

import pandas as pd
import pytest

from kpi_core import design, ingest, okr, scorecard, scores
from kpi_core.i18n import reason
from kpi_core.store import Store
from tests.test_tasks import FILES, TODAY

OKR_FILES = {
    "tasks": """task_id,unit_id,year,name,name_zh,perspective,weight,mode,objective,acceptance,deadline,cap
GS-OKR,HQ,2026,Innovation OKRs,创新 OKR,learning,10,okr,The quarter's OKRs,,,
""",
    "objectives": """objective_id,unit_id,quarter,title,title_zh,weight
O1,HQ,2026Q1,Launch the new range,新产品系列上市,
O2,HQ,2026Q1,Lighter packaging,更轻的包装,
O3,HQ,2026Q2,Faster quotes,更快报价,
""",
    "key_results": """kr_id,objective_id,title,title_zh,start,target,current,progress,owner,confidence
O1-K1,O1,Models launched,上市型号数,0,10,5,,HQ,0.7
O1-K2,O1,Launch event held,举办发布会,,,,1.0,HQ,
O2-K1,O2,Pack weight (kg),包装重量(千克),10,4,7,,HQ,0.5
O2-K2,O2,Recycled share (%),再生材料占比(%),0,100,,,HQ,
O3-K1,O3,Quote templates,报价模板数,0,10,8,,HQ,
O3-K2,O3,Sales trained,销售培训进度,,,,0.6,HQ,
""",
}
KINDS = ("units", "kpis", "assignments", "targets", "actuals")


def load(store: Store, kind: str, text: str) -> ingest.LoadReport:
    return ingest.load(store, kind, text.encode(), f"{kind}.csv", uploaded_by="test", today=TODAY)


@pytest.fixture
def store(tmp_path, store_backend, request) -> Store:
    where = tmp_path / "okr_total.duckdb"
    if store_backend == "postgresql":  # the rescoring marks are SQL: tried on both backends (tests/pg_contract.py)
        cluster = request.getfixturevalue("pg_cluster")
        where = cluster.create()
        request.addfinalizer(lambda: cluster.drop(where))
    with Store(where) as s:
        for kind in KINDS:
            assert load(s, kind, FILES[kind]).validated.ok
        for kind, text in OKR_FILES.items():
            report = load(s, kind, text)
            assert report.validated.ok, [str(p) for p in report.validated.errors]
        yield s


def total(store: Store, period: str) -> float:
    return float(scores.unit_figures(store, ["HQ"], period, "month")["total"].iloc[0])


def okr_cell(store: Store, period: str) -> pd.Series:
    return scores.kpi_cells(store, ["HQ"], period, "month").set_index("kpi_id").loc["GS-OKR"]


def test_the_okrs_count_in_the_total_with_the_quarter_score(store):
    assert total(store, "2026-01") == pytest.approx(68.0)
    assert total(store, "2026-02") == pytest.approx(75.0)
    assert total(store, "2026-04") == pytest.approx(77.0)
    january = okr_cell(store, "2026-01")
    assert january["points"] == pytest.approx(5.0)
    assert january["completion"] == pytest.approx(0.5)
    assert january["status"] == "red"  # 0.5 is below a task's amber line of 0.6
    assert okr_cell(store, "2026-04")["points"] == pytest.approx(7.0)
    assert okr_cell(store, "2026-04")["status"] == "amber"  # 0.7
    # the scorecard's row says whose OKRs and which quarter: "OKR score: 2026Q1 50%"
    row = scorecard.build(store, "HQ", "2026-02", "month").kpis.set_index("kpi_id").loc["GS-OKR"]
    assert (row["result"], row["comment"], row["assessed"]) == ("okr", "2026Q1 50%", "2026-02")
    # the OKR page's figure for the quarter is the same number
    objectives = store.objectives(unit_id="HQ", quarter="2026Q1")
    scored = okr.objective_scores(objectives, store.key_results(list(objectives["objective_id"])))
    assert okr.quarter_score(scored) == pytest.approx(0.5)


def test_a_unit_without_the_opt_in_keeps_its_okrs_out_of_the_total(tmp_path):
    with Store(tmp_path / "plain.duckdb") as s:
        for kind in KINDS:
            assert load(s, kind, FILES[kind]).validated.ok
        for kind in ("objectives", "key_results"):
            assert load(s, kind, OKR_FILES[kind]).validated.ok
        assert total(s, "2026-01") == pytest.approx(63.0)  # 45 + 18, the OKRs beside it
        assert okr.counted_in_total(s, "HQ", 2026).empty


def test_a_key_result_updated_on_the_form_moves_the_total(store):
    okr.update_key_result(store, "O2-K2", current=50, confidence=0.6, viewer=None, scope=None, by="hr_admin")
    assert total(store, "2026-01") == pytest.approx(69.25)
    assert okr_cell(store, "2026-01")["status"] == "amber"  # 0.625
    assert total(store, "2026-04") == pytest.approx(77.0)  # the second quarter is untouched


def test_objective_weights_share_the_quarter_score(store):
    okr.update_key_result(store, "O2-K2", current=50, confidence=None, viewer=None, scope=None, by="hr_admin")
    report = load(
        store,
        "objectives",
        "objective_id,unit_id,quarter,title,title_zh,weight\n"
        "O1,HQ,2026Q1,Launch the new range,新产品系列上市,30\n"
        "O2,HQ,2026Q1,Lighter packaging,更轻的包装,10\n",
    )
    assert report.validated.ok and not report.validated.warnings
    assert total(store, "2026-01") == pytest.approx(69.875)
    # rolled back: equal shares again
    store.rollback_batch(report.result.batch_id, uploaded_by="test")
    assert total(store, "2026-01") == pytest.approx(69.25)


def test_the_opt_in_is_warned_about_when_loaded_and_on_the_design_page(tmp_path):
    with Store(tmp_path / "warned.duckdb") as s:
        for kind in KINDS:
            assert load(s, kind, FILES[kind]).validated.ok
        report = load(s, "tasks", OKR_FILES["tasks"])
        assert report.validated.ok
        warned = [p for p in report.validated.warnings if p.column == "mode"]
        assert [p.value for p in warned] == ["okr"]
        assert reason(warned[0].reason, "zh") == "该任务将本单元的 OKR 计入加权总分:OKR 与奖金挂钩会让团队“留余地”"
        card = pd.DataFrame({"kpi_id": ["rev", "nps"], "weight": [50.0, 20.0], "role": "core"})
        warnings = design.design_checks(card, "company", tasks=s.tasks(2026, ["HQ"]))
        okr_warning = [w for w in warnings if w.code == "okr_in_total"]
        assert len(okr_warning) == 1
        text = design.warning_text(okr_warning[0], "en")
        assert text.startswith("GS-OKR counts this unit's OKRs in its weighted total (10%).")


def test_an_okr_task_takes_no_hand_assessment(store):
    report = load(store, "task_assessments", "task_id,year,period,result,comment\nGS-OKR,2026,2026-01,0.9,\n")
    assert not report.validated.ok
    (problem,) = report.validated.errors
    assert (problem.row, problem.column, problem.value) == (2, "result", "0.9")
    assert reason(problem.reason, "en") == "an okr task is scored from its unit's OKRs and takes no assessment"
    assert total(store, "2026-01") == pytest.approx(68.0)  # nothing changed


def test_the_scorecard_as_it_stood_keeps_the_okr_score_of_that_moment(store):
    before = datetime.now()
    time.sleep(0.01)
    okr.update_key_result(store, "O2-K2", current=50, confidence=None, viewer=None, scope=None, by="hr_admin")
    assert scorecard.build(store.as_of(before), "HQ", "2026-01", "month").total == pytest.approx(68.0)
    assert scorecard.build(store, "HQ", "2026-01", "month").total == pytest.approx(69.25)
