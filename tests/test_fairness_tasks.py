"""The fairness check over graded task assessments (issue 18, item 4): one
assessor per task and month, so an assessor's raw grades of one group are
compared with their grades of the others (kpi_core.fairness.grade_checks).

The planted example, on the small company (tests/conftest.py): seven people
with one goal-setting task each (2026). Tenure: N1, N2, N3 new; E1 to E4
established. Grades on the 0-1 scale (model.TASK_RESULTS): excellent / met
1, good 0.8, pass 0.6, partly 0.5.

* **mgr_a** uploads a file (the uploader is the assessor) of January to June:
  N1 and N2 pass, good, pass, good, pass, good (0.6 / 0.8, mean 0.70);
  E1, E2 and E3 good, excellent, ... (0.8 / 1.0, mean 0.90); and two months
  of an events task of E1 (points, not a grade: left out). 30 grades.
* **mgr_b** grades on the task form (tasks_ops.assess, signed in as mgr_b),
  January to April: N3's expected task met, partly, met, partly (1 / 0.5,
  mean 0.75); E4's graded task good four times (0.8). 8 grades.

mgr_a, tenure = new (group A, the smaller: 12 grades, 2 people) against
established (18 grades, 3 people):

* difference 0.70 - 0.90 = -0.20;
* variances: A, twelve values 0.1 from their mean: 12 x 0.01 / 11 = 0.010909;
  B, eighteen: 18 x 0.01 / 17 = 0.010588;
* standard error sqrt(0.010909 / 12 + 0.010588 / 18) = sqrt(0.00090909 +
  0.00058824) = sqrt(0.00149733) = 0.038695;
* Welch df = 0.00149733^2 / (0.00090909^2 / 11 + 0.00058824^2 / 17) = 23.5,
  t(0.975, 23.5) = 2.066 (table: 2.069 at 23, 2.064 at 24): half-width
  0.0799, 95% CI -0.28 to -0.12;
* pooled sd sqrt((0.12 + 0.18) / 28) = 0.10351: Cohen's d = -0.2 / 0.10351
  = -1.93;
* 30 grades >= 20, 12 and 18 >= 5, 2 and 3 people >= 2, |d| >= 0.5, and
  p < 0.01: flagged, worth a look;
* other assessors (mgr_b) on the same groups: new 0.75 (N3, 4 grades),
  established 0.80 (E4, 4 grades): -0.05 over 8 grades. mgr_b's own
  comparison (4 against 4, one person each) is listed, never flagged, and
  its context is mgr_a's gap seen from the other side: established 0.90
  minus new 0.70 = +0.20 over 30 grades.

Assessors: mgr_a 30 grades of 5 people, mean (12 x 0.7 + 18 x 0.9) / 30 =
0.82; values six 0.6, fifteen 0.8, nine 1.0: squares about 0.82 are 6 x
0.0484 + 15 x 0.0004 + 9 x 0.0324 = 0.588, sd sqrt(0.588 / 29) = 0.14239,
t(0.975, 29) = 2.045: 0.82 ± 0.0532 = 0.77 to 0.87. mgr_b 8 grades of 2
people, mean (2 x 1 + 2 x 0.5 + 4 x 0.8) / 8 = 0.775.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from kpi_core import fairness, ingest, review360, tasks_ops
from kpi_core.access import NotPermitted, Scope, Viewer
from kpi_core.org import Org
from kpi_core.store import Store

TODAY = date(2026, 11, 21)
HR = Viewer(name="hr", display="HR", role="admin")
PEOPLE = {
    "N1": ("Chen Xin", "陈欣", "SALES", "new"),
    "N2": ("Lin Tao", "林涛", "SALES", "new"),
    "E1": ("Zhou Yan", "周燕", "SALES", "established"),
    "E2": ("Sun Hao", "孙浩", "SALES", "established"),
    "E3": ("Ma Li", "马丽", "SALES", "established"),
    "N3": ("He Jun", "何军", "OPS", "new"),
    "E4": ("Guo Ping", "郭平", "OPS", "established"),
}
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]


def _load(store: Store, kind: str, text: str, by: str) -> None:
    report = ingest.load(store, kind, text.encode(), f"{kind}.csv", uploaded_by=by, today=TODAY)
    assert report.validated.ok, [str(p) for p in report.validated.errors]


def plant(store: Store) -> None:
    """The planted example of the module's docstring, on the small company."""
    units = "unit_id,name,name_zh,kind,parent_id\n"
    units += "".join(f"{u},{en},{zh},person,{parent}\n" for u, (en, zh, parent, _) in PEOPLE.items())
    _load(store, "units", units, "hr")
    tasks = "task_id,unit_id,year,name,name_zh,perspective,weight,mode,objective,acceptance,deadline,cap\n"
    for u in PEOPLE:
        mode = "expected" if u == "N3" else "graded"
        tasks += f"T_{u},{u},2026,Project {u},项目 {u},process,10,{mode},Deliver,Signed off,2026-12-31,\n"
    tasks += "S_E1,E1,2026,Safety,安全,learning,10,events,No incidents,Audits,2026-12-31,1.2\n"
    _load(store, "tasks", tasks, "hr")
    rows = ["task_id,year,period,result,comment"]
    for u in ("N1", "N2"):
        rows += [f"T_{u},2026,{m},{'pass' if i % 2 == 0 else 'good'}," for i, m in enumerate(MONTHS)]
    for u in ("E1", "E2", "E3"):
        rows += [f"T_{u},2026,{m},{'good' if i % 2 == 0 else 'excellent'}," for i, m in enumerate(MONTHS)]
    rows += ["S_E1,2026,2026-01,+1;-2,", "S_E1,2026,2026-02,+3,"]
    _load(store, "task_assessments", "\n".join(rows) + "\n", "mgr_a")
    mgr_b = Viewer(name="mgr_b", display="Manager B", role="manager", unit_id="OPS")
    scope = Scope.of(mgr_b, Org.from_frame(store.units()))
    for task, results in (("T_N3", ["met", "partly", "met", "partly"]), ("T_E4", ["good"] * 4)):
        for month, result in zip(MONTHS, results, strict=False):
            done = tasks_ops.assess(
                store,
                viewer=mgr_b,
                scope=scope,
                task_id=task,
                year=2026,
                period=month,
                result=result,
                by=mgr_b.name,
                today=TODAY,
            )
            assert done.validated.ok
    store.save_unit_attributes([(u, "tenure", tenure) for u, (*_, tenure) in PEOPLE.items()])


def test_a_manager_who_grades_new_people_lower_is_worth_a_look(small_store):
    plant(small_store)
    grades, attributes = review360.fairness_ratings(small_store, HR, source="tasks")
    # the events task is not graded: 30 grades by mgr_a's upload, 8 on mgr_b's form
    assert grades.groupby("rater").size().to_dict() == {"mgr_a": 30, "mgr_b": 8}
    assert not grades["item"].str.startswith("S_E1").any()
    n3 = grades[grades["subject"] == "N3"].sort_values("item")
    assert n3["rater"].unique().tolist() == ["mgr_b"] and n3["score"].tolist() == [1.0, 0.5, 1.0, 0.5]

    checks = fairness.grade_checks(grades, attributes).set_index("rater")
    a = checks.loc["mgr_a"]
    assert (a["attribute"], a["value"], a["subjects_a"], a["subjects_b"], a["n_a"], a["n_b"]) == (
        "tenure",
        "new",
        2,
        3,
        12,
        18,
    )
    assert (round(a["mean_a"], 2), round(a["mean_b"], 2), round(a["diff"], 2)) == (0.7, 0.9, -0.2)
    assert (round(a["low"], 2), round(a["high"], 2)) == (-0.28, -0.12)
    assert round(a["d"], 2) == -1.93
    assert a["p"] < 0.01 and bool(a["flagged"])
    assert (round(a["others_a"], 2), round(a["others_b"], 2), round(a["others_diff"], 2)) == (0.75, 0.8, -0.05)
    assert a["others_n"] == 8

    b = checks.loc["mgr_b"]  # 4 against 4, one person each: listed, never flagged
    assert (b["value"], b["n_a"], b["n_b"], round(b["diff"], 2)) == ("established", 4, 4, 0.05)
    assert not bool(b["flagged"])
    assert (round(b["others_diff"], 2), b["others_n"]) == (0.2, 30)

    summary = fairness.assessor_summary(grades).set_index("rater")
    assert summary.loc["mgr_a", ["n", "subjects"]].tolist() == [30, 5]
    assert round(summary.loc["mgr_a", "mean"], 2) == 0.82
    assert (round(summary.loc["mgr_a", "low"], 2), round(summary.loc["mgr_a", "high"], 2)) == (0.77, 0.87)
    assert summary.loc["mgr_b", ["n", "subjects"]].tolist() == [8, 2]
    assert abs(summary.loc["mgr_b", "mean"] - 0.775) < 1e-9


def test_only_hr_reads_the_assessors_grades(small_store):
    for who in (
        Viewer(name="ceo", display="CEO", role="manager", unit_id="HQ"),
        Viewer(name="ana", display="Analyst", role="analyst", unit_id="HQ"),
        Viewer(name="p1", display="Li Na", role="employee", unit_id="P1"),
    ):
        with pytest.raises(NotPermitted):
            review360.fairness_ratings(small_store, who, source="tasks")


def test_the_page_and_the_command_line_show_the_flag_in_both_languages(_small_db_template, _isolated_db, capsys):
    import json

    from kpi_core.cli import main
    from tests.conftest import app_factory

    shutil.copyfile(_small_db_template, _isolated_db)
    with Store(_isolated_db) as store:
        plant(store)
    with app_factory() as make:
        at = make("pages/13_fairness.py")
        assert not at.exception
        warnings = [w.value for w in at.warning]
        assert len(warnings) == 1  # no 360 answers here: the one flag is mgr_a's
        assert "mgr_a's grades of the tasks of those with tenure = new are 0.20 lower on the 0-1 scale" in warnings[0]
        assert "0.70 against 0.90; 95% CI -0.28 to -0.12; d = -1.93" in warnings[0]
        assert "12 and 18 grades" in warnings[0] and "raw grades" in warnings[0]
        assert "Other assessors' difference between the same groups: -0.05 (8 grades)" in warnings[0]
        assert warnings[0].endswith("Worth a look.")
        zh = make("pages/13_fairness.py", lang="zh")
        assert not zh.exception
        assert "mgr_a 对 tenure = new 人员任务的评定比对其所评其他人员低 0.20" in zh.warning[0].value
        assert "-0.28 至 -0.12" in zh.warning[0].value and "值得关注" in zh.warning[0].value

    assert main(["--db", str(_isolated_db), "fairness", "--source", "tasks", "--format", "json"]) == 0
    shape = json.loads(capsys.readouterr().out)
    assert shape["ratings"] == 38
    assert [(f["rater_id"], f["value"], round(f["diff"], 2), f["n_a"], f["n_b"]) for f in shape["flags"]] == [
        ("mgr_a", "new", -0.2, 12, 18)
    ]
    assert main(["--db", str(_isolated_db), "--lang", "zh", "fairness", "--source", "tasks"]) == 0
    out = capsys.readouterr().out
    assert "目标任务评定公平性检查:评定 38 条,评定人 2 名" in out and "低 0.20" in out
    assert main(["--db", str(_isolated_db), "fairness", "--source", "tasks", "--as", "tester", "--cycle", "X"]) == 2
    assert "task assessments have none" in capsys.readouterr().err


def test_the_demo_flags_no_task_assessment(demo_db_template, tmp_path):
    from kpi_core import demo_360

    path = tmp_path / "d.duckdb"
    shutil.copyfile(demo_db_template, path)
    with Store(path) as store:
        demo_360.seed(store, Org.from_frame(store.units()))
        grades, attributes = review360.fairness_ratings(store, HR, source="tasks")
    # data/demo/task_assessments.csv, loaded by the demo ("demo"): CS_T1 5 + CS_T2 3 + HR_T1 4 + HR_T2 3
    # + RD_T1 4 graded or expected; RD_T2's 5 months are events, left out
    assert len(grades) == 19 and set(grades["rater"]) == {"demo"}
    assert set(grades["subject"]) == {"CS", "HR", "RD"}
    # the graded units are departments, which have no attributes: nothing to compare, nothing flagged
    assert fairness.grade_checks(grades, attributes).empty
