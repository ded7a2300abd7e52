"""The command line's okr, points, r360 and fairness commands (issue 18), run
as a user would on the demo company, in both languages, with the refusals.

Figures worked by hand from the demo's files:

* **R&D's OKRs, 2026Q3** (data/demo/key_results.csv; tests/test_okr.py):
  O1 K1 (410-120)/(500-120) = 0.7632, K2 (5-10)/(4-10) = 0.8333, K3 2/2 = 1
  -> 0.8655 "87%"; O2 K1 (79-86)/(74-86) = 0.5833, K2 the given progress 0.4
  -> 0.4917 "49%"; O3 K1 4/7 = 0.5714, K2 0.25/0.5 = 0.5, K3 15/12 capped to 1
  -> 0.6905 "69%". The quarter (0.8655 + 0.4917 + 0.6905) / 3 = 0.6825 "68%".
  K1's owner is P_RD_01, Zeng Hui 曾慧. No goal-setting task of mode okr:
  not counted in the total.
* **Value points, 2026Q3** (data/demo/value_events.csv): 17 approved events,
  109 points; Sales 27, Marketing 5, Production 12, R&D 35, Supply Chain 14,
  Customer Service 3, Finance 8, HR 5. R&D: P_RD_01 10, P_RD_03 10, P_RD_06
  6, P_RD_02 5, P_RD_04 4. Sales: P_SALES_E_03 10, P_SALES_N_01 8,
  P_SALES_N_02 6, P_SALES_S_02 3 (27); the other 13 persons are outside the
  Sales director's view.
* **The 360 report of the HR head** P_HR_01 (the demo's 2026-H1 cycle,
  kpi_core/demo_360.py), behaviour "Sets direction": self 4; superior (ceo)
  3; peers P_FIN_01 4, P_MKT_01 4, P_PROD_01 3, P_RD_01 4 -> 15 / 4 = 3.75;
  subordinates P_HR_02 4 and P_HR_03 3: two answers, hidden (2 < 3). All
  raters pools the shown groups without self: (3 + 15) / 5 = 3.6. Company
  average, every answer on the behaviour but self-ratings: 266 / 74 = 3.59.
* **The fairness flag** (tests/test_fairness.py): Yao Yuan 姚远 (P_FIN_01)
  rates the two heads with tenure = new 0.88 points lower than the others
  do, 95% CI -1.26 to -0.49, 14 and 35 ratings; nothing else is flagged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kpi_core import demo_360, scores
from kpi_core.cli import main
from kpi_core.org import Org
from kpi_core.store import Store


@pytest.fixture(scope="module")
def demo(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its 360 cycle (the test template is built without it);
    the commands here only read it."""
    path = tmp_path_factory.mktemp("cli_beyond") / "demo.duckdb"
    shutil.copyfile(demo_db_template, path)
    with Store(path) as store:
        demo_360.seed(store, Org.from_frame(store.units()))
        scores.ensure(store)  # stored now: no command's stderr says "Storing every score once"
        store.cursor().execute("CHECKPOINT")
    return path


def run(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- okr


def test_okr_prints_r_and_ds_quarter_in_both_languages(demo, capsys):
    code, out, err = run(capsys, demo, "okr", "--unit", "RD")
    assert code == 0, err
    assert "OKRs of R&D, 2026Q3: 3 objectives, OKR score of the quarter 68%" in out
    assert [line.strip() for line in out.splitlines() if line.startswith("  score")] == [
        "score 87%",
        "score 49%",
        "score 69%",
    ]
    assert "Not counted in R&D's weighted total 2026" in out
    assert "Zeng Hui" in out and "progress 40%" in out

    code, out, _ = run(capsys, demo, "okr", "--unit", "RD", "--lang", "zh")  # --lang after the command
    assert code == 0
    assert "研发中心 2026Q3 的 OKR:3 个目标,本季度 OKR 得分 68%" in out
    assert "得分 87%" in out and "曾慧" in out and "进度 40%" in out
    assert "不计入研发中心 2026 年加权总分" in out

    code, out, _ = run(capsys, demo, "okr", "--unit", "RD", "--format", "json")
    shape = json.loads(out)
    assert (shape["quarter"], round(shape["score"], 4), shape["counted_in_total"]) == ("2026Q3", 0.6825, False)
    assert [round(o["score"], 4) for o in shape["objectives"]] == [0.8655, 0.4917, 0.6905]
    k1 = shape["objectives"][0]["key_results"][0]
    assert (round(k1["score"], 4), k1["owner_id"], k1["owner"]) == (0.7632, "P_RD_01", "Zeng Hui")
    given = shape["objectives"][1]["key_results"][1]
    assert (given["progress"], given["score"], given["current"]) == (0.4, 0.4, None)


def test_okr_hides_owners_outside_the_scope_and_refuses_a_unit_outside_it(demo, capsys):
    # the board (a viewer of the whole company) sees R&D's OKRs but no person
    code, out, _ = run(capsys, demo, "okr", "--unit", "RD", "--as", "board", "--format", "json")
    assert code == 0
    krs = [kr for o in json.loads(out)["objectives"] for kr in o["key_results"]]
    assert len(krs) == 8
    assert {(kr["owner_id"], kr["owner"], kr["owner_hidden"]) for kr in krs} == {(None, None, True)}
    code, out, _ = run(capsys, demo, "okr", "--unit", "RD", "--as", "board")
    assert "Zeng Hui" not in out and "P_RD_01" not in out
    assert "–: a person outside what this account may see" in out and "68%" in out

    # Sales' director may not read R&D: exit 3, the id only, nothing on stdout
    code, out, err = run(capsys, demo, "okr", "--unit", "RD", "--as", "sales_director")
    assert (code, out) == (3, "")
    assert err.strip() == "RD: not permitted (outside what this account may see)"
    code, out, err = run(capsys, demo, "okr", "--unit", "RD", "--as", "sales_director", "--lang", "zh")
    assert (code, out, err.strip()) == (3, "", "RD:无权查看(超出该账号的可见范围)")

    code, _, err = run(capsys, demo, "okr", "--unit", "RD", "--quarter", "2026-3")
    assert (code, err.strip()) == (2, "Quarter 2026-3 is not written YYYYQn, e.g. 2026Q3.")


def test_okr_says_when_a_unit_counts_its_okrs_in_the_total(demo, tmp_path, capsys):
    db = tmp_path / "opt_in.duckdb"
    shutil.copyfile(demo, db)
    tasks = tmp_path / "tasks.csv"
    tasks.write_text(
        "task_id,unit_id,year,name,name_zh,perspective,weight,mode,objective,acceptance,deadline,cap\n"
        "RD_OKR,RD,2026,Innovation OKRs,创新 OKR,learning,5,okr,The quarter's OKRs,,,\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, db, "load", "tasks", str(tasks))
    assert code == 0, err
    code, out, _ = run(capsys, db, "okr", "--unit", "RD", "--format", "json")
    shape = json.loads(out)
    assert (shape["counted_in_total"], shape["tasks"]) == (True, [{"task_id": "RD_OKR", "weight": 5.0}])
    code, out, _ = run(capsys, db, "okr", "--unit", "RD")
    assert "Counted in R&D's weighted total 2026: task RD_OKR, weight 5%" in out


# --------------------------------------------------------------------------- points


def test_points_lists_departments_and_persons_within_the_readers_view(demo, capsys):
    code, out, _ = run(capsys, demo, "points", "--format", "json")
    assert code == 0
    shape = json.loads(out)
    assert (shape["unit_id"], shape["quarter"], shape["total"], shape["events"]) == ("HQ", "2026Q3", 109, 17)
    assert {r["unit_id"]: r["points"] for r in shape["by_unit"]} == {
        "SALES": 27, "MKT": 5, "PROD": 12, "RD": 35, "SCM": 14, "CS": 3, "FIN": 8, "HR": 5,
    }  # fmt: skip
    assert (len(shape["persons"]), shape["hidden_persons"]) == (17, 0)

    code, out, _ = run(capsys, demo, "points", "--unit", "RD", "--lang", "zh")
    assert "研发中心 2026Q3 的价值贡献积分:5 个已批准事件,共 35 分" in out
    assert "积分不计入指标总分" in out
    people = [line.split() for line in out.splitlines() if "研发中心" in line and line.startswith("  ")]
    assert [(p[0], p[-1]) for p in people] == [
        ("曾慧", "10"),
        ("田甜", "10"),
        ("潘越", "6"),
        ("肖鹏", "5"),
        ("董建国", "4"),
    ]

    # Sales' director reads the company's total, but only Sales is listed and named
    code, out, _ = run(capsys, demo, "points", "--unit", "HQ", "--as", "sales_director", "--format", "json")
    shape = json.loads(out)
    assert shape["total"] == 109
    assert [(r["unit_id"], r["points"]) for r in shape["by_unit"]] == [("SALES", 27)]
    assert [(p["unit_id"], p["points"]) for p in shape["persons"]] == [
        ("P_SALES_E_03", 10), ("P_SALES_N_01", 8), ("P_SALES_N_02", 6), ("P_SALES_S_02", 3),
    ]  # fmt: skip
    assert (shape["hidden_persons"], shape["hidden_units"]) == (13, 7)
    code, out, _ = run(capsys, demo, "points", "--unit", "HQ", "--as", "sales_director")
    assert "13 persons outside your view are counted in the total but not named." in out
    assert "R&D" not in out

    code, out, err = run(capsys, demo, "points", "--unit", "RD", "--as", "sales_rep_1")
    assert (code, out, err.strip()) == (3, "", "RD: not permitted (outside what this account may see)")


# --------------------------------------------------------------------------- r360


def test_r360_lists_the_cycle_and_prints_a_report_with_a_small_group_hidden(demo, capsys):
    code, out, _ = run(capsys, demo, "r360", "--format", "json")
    assert code == 0
    assert [(c["cycle_id"], c["status"], c["behaviours"], c["subjects"]) for c in json.loads(out)] == [
        ("2026-H1", "closed", 7, 8)
    ]

    code, out, _ = run(capsys, demo, "r360", "--subject", "P_HR_01", "--as", "ceo", "--format", "json")
    assert code == 0
    shape = json.loads(out)
    assert (shape["cycle_id"], shape["hidden_groups"]) == ("2026-H1", ["subordinate"])
    direction = shape["behaviours"][0]
    assert direction["behaviour_id"] == "DIRECTION"
    groups = direction["groups"]
    assert (groups["self"]["mean"], groups["superior"]["mean"], groups["peer"]["mean"]) == (4, 3, 3.75)
    assert groups["subordinate"] == {"raters": 2, "mean": None, "shown": False}
    assert direction["all_raters"] == pytest.approx(3.6)
    assert direction["company"] == pytest.approx(266 / 74)

    code, out, _ = run(capsys, demo, "r360", "--cycle", "2026-H1", "--subject", "P_HR_01")
    assert "Raters: Self 1 · Superior 1 · Peers 4 · Subordinates 2 (hidden)" in out
    assert out.count("hidden (2 < 3)") == 7 and "3.5" not in out.split("Sets direction")[1].splitlines()[0]
    code, out, _ = run(capsys, demo, "r360", "--subject", "P_HR_01", "--lang", "zh")
    assert "谭晓雯(P_HR_01)的 360 度评估报告" in out and "不显示(2 < 3)" in out and "公司平均" in out


def test_r360_refuses_a_report_the_reader_may_not_open(demo, capsys):
    code, out, err = run(capsys, demo, "r360", "--subject", "P_HR_01", "--as", "sales_rep_1")
    assert (code, out, err.strip()) == (3, "", "P_HR_01: not permitted (outside what this account may see)")
    code, out, err = run(capsys, demo, "r360", "--subject", "P_HR_01", "--as", "sales_rep_1", "--lang", "zh")
    assert (code, out, err.strip()) == (3, "", "P_HR_01:无权查看(超出该账号的可见范围)")
    # Sales' director may open their own head's report only
    code, out, _ = run(capsys, demo, "r360", "--cycle", "2026-H1", "--as", "sales_director", "--format", "csv")
    assert out.splitlines()[1:] == ["2026-H1,P_SALES_E_01,Wang Lei"]
    code, _, err = run(capsys, demo, "r360", "--cycle", "2025-H2")
    assert (code, err.strip()) == (2, "Unknown review cycle 2025-H2 (cycles: 2026-H1).")


# --------------------------------------------------------------------------- fairness


def test_fairness_flags_the_planted_bias_in_both_languages(demo, capsys):
    code, out, _ = run(capsys, demo, "fairness", "--as", "hr_admin", "--format", "json")
    assert code == 0
    flags = json.loads(out)["flags"]
    assert [(f["rater_id"], f["rater"], f["attribute"], f["value"]) for f in flags] == [
        ("P_FIN_01", "Yao Yuan", "tenure", "new")
    ]
    flag = flags[0]
    assert (round(flag["diff"], 2), round(flag["low"], 2), round(flag["high"], 2)) == (-0.88, -1.26, -0.49)
    assert (flag["n_a"], flag["n_b"]) == (14, 35)
    assert (flag["attribute_name"], flag["value_name"]) == ("tenure", "new")  # English reads the ids

    code, out, _ = run(capsys, demo, "fairness")  # the local operator reads it too
    assert "Yao Yuan's ratings of people with tenure = new are 0.88 points lower" in out
    assert "95% CI -1.26 to -0.49" in out and "Worth a look." in out
    code, out, _ = run(capsys, demo, "fairness", "--lang", "zh")
    # the demo's attributes carry Chinese labels: 司龄 (tenure) = 新任 (new)
    assert "姚远对司龄 = 新任人员的评分" in out and "低 0.88 分" in out and "-1.26 至 -0.49" in out
    code, out, _ = run(capsys, demo, "fairness", "--lang", "zh", "--format", "json")
    flag = json.loads(out)["flags"][0]
    assert (flag["attribute"], flag["value"], flag["attribute_name"], flag["value_name"]) == (
        "tenure",
        "new",
        "司龄",
        "新任",
    )


def test_fairness_is_refused_to_anyone_but_hr(demo, capsys):
    code, out, err = run(capsys, demo, "fairness", "--as", "ceo")
    assert (code, out, err.strip()) == (3, "", "The fairness check of ratings is for HR (admins) only.")
    code, out, err = run(capsys, demo, "fairness", "--as", "analyst", "--lang", "zh")
    assert (code, out, err.strip()) == (3, "", "评分公平性检查仅限人力资源(管理员)使用。")
