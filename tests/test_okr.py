"""OKRs and value-contribution points (issue 18, items 1-2), worked by hand.

The demo's R&D OKRs of 2026Q3 (data/demo/key_results.csv):
O1 K1 (410-120)/(500-120) = 0.7632, K2 (5-10)/(4-10) = 0.8333 (a falling
target), K3 2/2 = 1 -> mean 0.8655; O2 K1 (79-86)/(74-86) = 0.5833, K2 the
given progress 0.4 -> 0.4917; O3 K1 (17-21)/(14-21) = 0.5714, K2
(0.55-0.3)/(0.8-0.3) = 0.5, K3 15/12 capped to 1 -> 0.6905. The quarter:
(0.8655 + 0.4917 + 0.6905) / 3 = 0.6825 -> "68%".

The demo's value events of 2026Q3 (data/demo/value_events.csv): 17 approved
(VE-0001..0017, 109 points, one person each) and 3 pending. By department
under the company: Sales 6 + 10 + 3 + 8 = 27, R&D 10 + 5 + 4 + 6 + 10 = 35,
Production 8 + 4 = 12, Customer Service 3, Supply Chain 8 + 6 = 14,
Marketing 5, Finance 8, HR 5.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpi_core import access, ingest, okr
from kpi_core.i18n import reason
from kpi_core.org import Org

SALES_DIRECTOR = access.Viewer(name="sales_director", display="Sales director", role="manager", unit_id="SALES")
SALES_REP = access.Viewer(name="sales_rep_1", display="Sales rep", role="employee", unit_id="P_SALES_N_01")
BOARD = access.Viewer(name="board", display="Board", role="viewer")


# --------------------------------------------------------------------------- scoring


@pytest.mark.parametrize(
    ("start", "target", "current", "progress", "score"),
    [
        (0, 10, 5, None, 0.5),
        (0, 10, 14, None, 1.0),  # past the target: capped at 1
        (20, 50, 10, None, 0.0),  # below the start: 0, never negative
        (10, 4, 7, None, 0.5),  # a falling target, half-way
        (None, None, None, 0.3, 0.3),  # a given progress
        (0, 10, None, None, None),  # nothing measured yet
    ],
)
def test_a_key_result_scores_its_progress_capped_to_0_1(start, target, current, progress, score):
    assert okr.kr_score(start, target, current, progress) == (None if score is None else pytest.approx(score))


def test_an_objective_is_the_mean_of_its_key_results_an_unmeasured_one_counting_0():
    objectives = pd.DataFrame({"objective_id": ["O1"], "unit_id": ["RD"], "quarter": ["2026Q3"], "weight": [None]})
    krs = pd.DataFrame(
        {
            "kr_id": ["K1", "K2", "K3", "K4"],
            "objective_id": ["O1"] * 4,
            "start": [0, 0, 0, 0],
            "target": [10, 10, 10, 10],
            "current": [5, 14, -3, None],  # 0.5, 1 (capped), 0 (below start), unmeasured
            "progress": [None] * 4,
        }
    )
    scored = okr.objective_scores(objectives, krs)
    assert scored.loc[0, "score"] == pytest.approx(1.5 / 4)
    assert scored.loc[0, "krs"] == 4


def test_the_demo_r_and_d_quarter(demo_store):
    objectives = demo_store.objectives(unit_id="RD", quarter="2026Q3")
    scored = okr.objective_scores(objectives, demo_store.key_results(list(objectives["objective_id"])))
    assert scored["score"].round(4).tolist() == [0.8655, 0.4917, 0.6905]
    assert okr.quarter_history(demo_store, "RD")["score"].round(4).tolist() == [0.6825]


def test_a_key_result_update_is_an_audited_batch_for_a_manager_of_the_unit_only(demo_store):
    org = Org.from_frame(demo_store.units())
    with pytest.raises(access.NotPermitted):  # Sales' director does not act on R&D
        okr.update_key_result(
            demo_store,
            "RD-26Q3-O2-K1",
            current=76,
            confidence=0.8,
            viewer=SALES_DIRECTOR,
            scope=access.Scope.of(SALES_DIRECTOR, org),
            by="sales_director",
        )
    batch = okr.update_key_result(
        demo_store, "RD-26Q3-O2-K1", current=76, confidence=0.8, viewer=None, scope=None, by="hr_admin"
    )
    assert demo_store.upload_history().set_index("batch_id").loc[batch.batch_id, "uploaded_by"] == "hr_admin"
    objectives = demo_store.objectives(unit_id="RD", quarter="2026Q3")
    scored = okr.objective_scores(objectives, demo_store.key_results(list(objectives["objective_id"])))
    # O2: K1 (76-86)/(74-86) = 0.8333 and K2 0.4 -> 0.6167
    assert scored["score"].round(4).tolist() == [0.8655, 0.6167, 0.6905]


# --------------------------------------------------------------------------- files


def test_a_key_results_file_is_refused_row_by_row_in_both_languages(demo_store):
    data = (
        "kr_id,objective_id,title,title_zh,start,target,current,progress,owner,confidence\n"
        "X1,RD-26Q3-O2,Good one,好的,0,10,4,,P_RD_04,0.5\n"
        "X2,RD-26Q3-O2,Too far,超出,,,,1.5,P_RD_04,0.5\n"
        "X3,NOPE,No objective,无目标,0,5,1,,P_RD_04,2\n"
    ).encode()
    validated = ingest.read("key_results", data, "krs.csv", demo_store)
    found = {(p.row, p.column, p.value, p.reason) for p in validated.errors}
    assert found == {
        (3, "progress", "1.5", "progress is a share from 0 to 1"),
        (4, "objective_id", "NOPE", "unknown objective: load it in the objectives file first"),
        (4, "confidence", "2", "confidence is a share from 0 to 1"),
    }
    assert reason("progress is a share from 0 to 1", "zh") == "进度须为 0 到 1 之间的比例"
    # O2 has 2 key results; X1 and X2 would make 4: within 2-5, so no count problem
    six = "".join(f"Y{i},RD-26Q3-O2,KR {i},关键结果,0,10,1,,P_RD_04,0.5\n" for i in range(4))
    validated = ingest.read("key_results", (data.decode().split("\n")[0] + "\n" + six).encode(), "k.csv", demo_store)
    assert {(p.row, p.reason) for p in validated.errors} == {
        (r, "an objective has 2 to 5 key results") for r in (2, 3, 4, 5)
    }


def test_a_value_event_for_a_department_or_without_its_approver_is_refused(demo_store):
    data = (
        b"event_id,unit_id,type_id,event_date,evidence,recorded_by,status,points,approved_by\n"
        b"E1,RD,mentoring,2026-08-01,Mentored the new hires,ceo,approved,,ceo\n"
        b"E2,P_RD_01,mentoring,2026-08-01,Mentored the new hires,ceo,approved,,\n"
        b"E3,P_RD_01,mentoring,2026-08-01,Mentored the new hires,ceo,pending,,\n"
    )
    validated = ingest.read("value_events", data, "events.csv", demo_store, today=date(2026, 12, 5))
    assert {(p.row, p.column, p.reason) for p in validated.errors} == {
        (2, "unit_id", "value points are for persons, not departments"),
        (3, "approved_by", "an approved or rejected event names who decided it"),
    }
    assert validated.frame["points"].tolist() == [4.0, 4.0, 4.0]  # the catalogue's points of mentoring


# --------------------------------------------------------------------------- approval


def test_an_event_counts_only_once_a_manager_of_the_person_approves_it(demo_store):
    org = Org.from_frame(demo_store.units())
    event_id, batch = okr.record_value_event(
        demo_store,
        org,
        unit_id="P_SALES_N_01",
        type_id="knowledge_share",
        event_date=date(2026, 10, 12),
        evidence="Trained the North region on the new CRM pipeline",
        viewer=SALES_REP,
        by="sales_rep_1",
    )
    assert batch.batch_id is not None and demo_store.value_event(event_id)["status"] == "pending"
    mine = demo_store.value_events(["P_SALES_N_01"])
    # pending: only the demo's approved 8 points of 2026Q3 count, nothing in 2026Q4 yet
    assert okr.person_points(mine)["total"].to_dict() == {"2026Q3": 8.0}
    # the employee cannot approve; the sales director cannot approve for R&D
    with pytest.raises(access.NotPermitted):
        okr.decide_value_event(
            demo_store, event_id, approve=True, viewer=SALES_REP, scope=access.Scope.of(SALES_REP, org), by="x"
        )
    with pytest.raises(access.NotPermitted):
        okr.decide_value_event(
            demo_store,
            "VE-0018",
            approve=True,
            viewer=SALES_DIRECTOR,
            scope=access.Scope.of(SALES_DIRECTOR, org),
            by="sales_director",
        )
    okr.decide_value_event(
        demo_store,
        event_id,
        approve=True,
        viewer=SALES_DIRECTOR,
        scope=access.Scope.of(SALES_DIRECTOR, org),
        by="sales_director",
    )
    mine = demo_store.value_events(["P_SALES_N_01"])
    assert okr.person_points(mine)["total"].to_dict() == {"2026Q4": 5.0, "2026Q3": 8.0}
    assert demo_store.value_event(event_id)["approved_by"] == "sales_director"
    with pytest.raises(okr.OkrError):  # decided once
        okr.decide_value_event(demo_store, event_id, approve=False, viewer=None, scope=None, by="hr_admin")


def test_the_department_view_names_only_persons_in_the_readers_scope(demo_store):
    org = Org.from_frame(demo_store.units())
    events = demo_store.value_events()
    director = okr.department_view(events, org, access.Scope.of(SALES_DIRECTOR, org), "HQ", "2026Q3")
    assert director["total"] == 109 and director["events"] == 17
    assert director["by_unit"] == {
        "SALES": 27,
        "MKT": 5,
        "PROD": 12,
        "RD": 35,
        "SCM": 14,
        "CS": 3,
        "FIN": 8,
        "HR": 5,
    }
    assert sorted(director["persons"]) == [
        ("P_SALES_E_03", 10),
        ("P_SALES_N_01", 8),
        ("P_SALES_N_02", 6),
        ("P_SALES_S_02", 3),
    ]
    assert director["hidden"] == 13
    board = okr.department_view(events, org, access.Scope.of(BOARD, org), "HQ", "2026Q3")
    assert board["total"] == 109 and board["persons"] == [] and board["hidden"] == 17


# --------------------------------------------------------------------------- the page


def test_the_page_in_chinese_shows_the_r_and_d_okrs_and_approves_an_event(app, demo_db):
    at = app("pages/11_okr.py", unit="RD", lang="zh")
    assert not at.exception
    assert at.title[0].value == "OKR 与价值积分"
    assert "68%" in [m.value for m in at.metric]  # the quarter's mean
    text = " ".join(m.value for m in at.markdown)
    assert "第三代导航平台达到量产条件" in text
    first = at.dataframe[0].value  # the first objective's key results
    assert first["得分"].tolist() == ["76%", "83%", "100%"]
    at.button(key="okr_decide_VE-0018_True").click().run()
    assert not at.exception
    assert at.success[0].value == "VE-0018:已批准。"
    from kpi_core.store import Store

    with Store(demo_db) as store:
        row = store.value_event("VE-0018")
        assert (row["status"], row["approved_by"]) == ("approved", "hr_admin")
