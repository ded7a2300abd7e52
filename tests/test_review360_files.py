"""360 cycles and people's attributes set up by file (issue 18, items 3-4):
the upload kinds ``review_cycles``, ``review_behaviours``, ``review_raters``
and ``unit_attributes``.

The hand-worked cycle C26 (set up by three files, answered through
kpi_core.review360): behaviours B1 and B2; the R&D head P_RD_01 rated by
self, the CEO's account (superior), two peers and three subordinates. The
answers (B1, B2): self (5, 4), ceo (4, 3), peers P_FIN_01 (3, 2) and
P_HR_01 (5, 4), subordinates P_RD_02 (2, 3), P_RD_03 (3, 3), P_RD_04 (5, 5).

* B1: self 5.0, superior 4.0, peers hidden (2 < 3), subordinates
  (2 + 3 + 5) / 3 = 3.3; all raters (shown groups, without self)
  (4 + 2 + 3 + 5) / 4 = 3.5; company average (every answer but self)
  (4 + 3 + 5 + 2 + 3 + 5) / 6 = 22 / 6 = 3.7.
* B2: self 4.0, superior 3.0, peers hidden, subordinates (3 + 3 + 5) / 3 =
  3.7; all raters (3 + 3 + 3 + 5) / 4 = 3.5; company (3 + 2 + 4 + 3 + 3 + 5) /
  6 = 20 / 6 = 3.3.

The fairness grouping (the planted example of tests/test_fairness.py, on
real people): rater R rates P_RD_02 and P_RD_03 3 3 3 3 2 4 and P_CS_02 and
P_CS_03 4 4 4 4 3 5 on six items, two other raters give everyone 4: R's
offsets are -1 -1 -1 -1 -2 0 and 0 0 0 0 -1 1.

* tenure by file: P_RD_02, P_RD_03 new; P_CS_02, P_CS_03 established. Group
  A (ties: "established") 12 ratings, mean 0; group B 12, mean -1: difference
  +1.00, 95% CI 0.49 to 1.51, flagged (worked in tests/test_fairness.py).
* A correction file makes P_RD_03 established: group A is now "new" (the
  smaller group: P_RD_02 alone, 6 ratings, mean -6 / 6 = -1) against 18
  ratings of mean (-6 + 0 + 0) / 18 = -1/3: difference -2/3 = -0.67, not
  flagged (one person is that person, not a group). Its rollback brings the
  first grouping back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpi_core import approvals, fairness, ingest, review360
from kpi_core import fairness_tables as tables
from kpi_core.access import NotPermitted, Scope, Viewer
from kpi_core.i18n import error_text, reason
from kpi_core.org import Org
from kpi_core.store import Store, StoreError

HR = Viewer(name="hr_admin", display="HR", role="admin")
ANALYST = Viewer(name="analyst", display="Analyst", role="analyst", unit_id="HQ")

CYCLES = """cycle_id,name,name_zh,period,status
C26,2026 H2 leadership 360,2026 下半年管理者 360 评估,2026-H2,open
"""
BEHAVIOURS = """cycle_id,behaviour_id,name,name_zh,anchor_1,anchor_1_zh,anchor_2,anchor_2_zh,anchor_3,anchor_3_zh,anchor_4,anchor_4_zh,anchor_5,anchor_5_zh
C26,B1,Listens,倾听,Interrupts,打断别人,Hears the words,只听字面,Asks back,会追问,Sums up fairly,能公正总结,Changes course after listening,倾听后会调整做法
C26,B2,Decides,决断,Avoids deciding,回避决定,Decides late,决定迟缓,Decides on time,按时决定,Decides with data,依据数据决定,Decisions that last,决定经得起检验
"""  # noqa: E501
RATERS = """cycle_id,subject_id,rater_id,rater_group
C26,P_RD_01,P_RD_01,self
C26,P_RD_01,ceo,superior
C26,P_RD_01,P_FIN_01,peer
C26,P_RD_01,P_HR_01,peer
C26,P_RD_01,P_RD_02,subordinate
C26,P_RD_01,P_RD_03,subordinate
C26,P_RD_01,P_RD_04,subordinate
"""
ANSWERS = {
    "P_RD_01": (5, 4),
    "ceo": (4, 3),
    "P_FIN_01": (3, 2),
    "P_HR_01": (5, 4),
    "P_RD_02": (2, 3),
    "P_RD_03": (3, 3),
    "P_RD_04": (5, 5),
}


def _load(store: Store, kind: str, text: str, name: str | None = None) -> ingest.LoadReport:
    report = ingest.load(store, kind, text.encode(), name or f"{kind}.csv", uploaded_by="hr_admin")
    assert report.validated.ok, [str(p) for p in report.validated.errors]
    return report


def _set_up(store: Store) -> list[int]:
    """The cycle, its questionnaire and its raters, one batch each."""
    return [
        _load(store, k, t).result.batch_id
        for k, t in (("review_cycles", CYCLES), ("review_behaviours", BEHAVIOURS), ("review_raters", RATERS))
    ]


def _rater(rater_id: str) -> Viewer:
    if rater_id == "ceo":
        return Viewer(name="ceo", display="CEO", role="manager", unit_id="HQ")
    return Viewer(name=f"u_{rater_id.lower()}", display=rater_id, role="employee", unit_id=rater_id)


def _problems(validated: ingest.Validated, lang: str) -> list[tuple]:
    return [(p.severity, p.row, p.column, p.value, reason(p.reason, lang)) for p in validated.problems]


def test_a_cycle_set_up_by_files_and_answered_gives_the_report_the_anonymity_rules_say(demo_store: Store):
    cycles = _load(demo_store, "review_cycles", CYCLES)
    behaviours = _load(demo_store, "review_behaviours", BEHAVIOURS)
    raters = _load(demo_store, "review_raters", RATERS)
    assert [r.result.rows_added for r in (cycles, behaviours, raters)] == [1, 2, 7]
    # the two peers are set up with a warning: their group stays hidden under 3 answers
    hidden = (
        "only 2 rater(s) of this group for this person: their answers stay hidden in the report until 3 have answered"
    )
    assert _problems(raters.validated, "en") == [
        ("warning", 4, "rater_group", "peer", hidden),
        ("warning", 5, "rater_group", "peer", hidden),
    ]
    assert (
        _problems(raters.validated, "zh")[0][4]
        == "此人在该评价群体中只有 2 位评价人:至少 3 人作答前,该群体的评分在报告中不显示"
    )
    # an empty position: the file's order
    assert demo_store.review_behaviours("C26")[["behaviour_id", "position"]].values.tolist() == [["B1", 1], ["B2", 2]]
    assert demo_store.review_anchors("C26").query("behaviour_id == 'B2' and level == 5")[
        ["text", "text_zh"]
    ].values.tolist() == [["Decisions that last", "决定经得起检验"]]
    made = demo_store.review_cycles().set_index("cycle_id").loc["C26"]
    assert (made["status"], made["created_by"]) == ("open", "hr_admin")  # the batch says who made it

    for rater, (b1, b2) in ANSWERS.items():
        assert review360.submit(demo_store, _rater(rater), "C26", "P_RD_01", {"B1": b1, "B2": b2}) == 2

    rep = review360.report(demo_store, HR, Scope.everything(), "C26", "P_RD_01")
    assert review360.report_table(rep, "en").to_dict("records") == [
        {
            "Behaviour": "Listens",
            "Self": "5.0",
            "Superior": "4.0",
            "Peers": "hidden (2 < 3)",
            "Subordinates": "3.3",
            "All raters (shown groups, without self)": "3.5",
            "Company average": "3.7",
        },
        {
            "Behaviour": "Decides",
            "Self": "4.0",
            "Superior": "3.0",
            "Peers": "hidden (2 < 3)",
            "Subordinates": "3.7",
            "All raters (shown groups, without self)": "3.5",
            "Company average": "3.3",
        },
    ]
    zh = review360.report_table(rep, "zh").iloc[1]
    assert (zh["行为"], zh["同级"], zh["下属"], zh["公司平均"]) == ("决断", "不显示(2 < 3)", "3.7", "3.3")


def test_a_bad_raters_file_is_refused_with_every_reason_in_both_languages_and_nothing_is_stored(demo_store: Store):
    _load(demo_store, "review_cycles", CYCLES + "C25,2025 leadership 360,2025 管理者 360 评估,2025,open\n")
    _load(
        demo_store,
        "review_cycles",
        "cycle_id,name,name_zh,period,status\nC25,2025 leadership 360,2025 管理者 360 评估,2025,closed\n",
    )
    batches = len(demo_store.upload_history())
    bad = """cycle_id,subject_id,rater_id,rater_group
C99,P_RD_01,ceo,superior
C25,P_RD_01,ceo,superior
C26,RD,ceo,superior
C26,P_RD_01,P_RD_02,self
C26,P_RD_01,P_RD_01,peer
C26,P_RD_01,CUST_01,friend
C26,P_RD_01,RD,superior
C26,P_RD_01,ceo,superior
C26,P_RD_01,ceo,peer
"""
    report = ingest.load(demo_store, "review_raters", bad.encode(), "raters.csv", uploaded_by="hr_admin")
    assert report.result is None
    errors = [p for p in _problems(report.validated, "en") if p[0] == "error"]
    assert [p[1:] for p in errors] == [
        (2, "cycle_id", "C99", "unknown review cycle: load it in the review_cycles file first"),
        (3, "cycle_id", "C25", "the review cycle is closed: its questionnaire and raters can no longer change"),
        (4, "subject_id", "RD", "the person reviewed must be a person, not a department"),
        (5, "rater_id", "P_RD_02", "a self rating is given by the person reviewed: rater_id must equal subject_id"),
        (6, "rater_group", "peer", "the person reviewed rates themselves in the group self only"),
        (7, "rater_group", "friend", "must be one of self, superior, peer, subordinate, customer"),
        (8, "rater_id", "RD", "a rater is a person, an account or an outside id (a customer), not a department"),
        (10, "rater_id", "ceo", "duplicate key (cycle_id, subject_id, rater_id) already given on an earlier row"),
    ]
    assert [p[4] for p in _problems(report.validated, "zh") if p[0] == "error"] == [
        "未知的评估周期:请先在评估周期文件(review_cycles)中导入",
        "该评估周期已结束:其问卷和评价人不能再修改",
        "被评估人必须是人员,而不是部门",
        "自评由被评估人本人填写:rater_id 必须与 subject_id 相同",
        "被评估人只能以自评(self)身份评价自己",
        "必须是以下之一:self, superior, peer, subordinate, customer",
        "评价人应为人员、账号或外部编号(客户),而不是部门",
        "重复的键(cycle_id, subject_id, rater_id):前面的行已经出现过",
    ]
    assert str(report.validated.errors[0]) == (
        "raters.csv: row 2, column cycle_id ('C99'): unknown review cycle: load it in the review_cycles file first"
    )
    assert demo_store.review_raters().empty and len(demo_store.upload_history()) == batches

    # a closed cycle refuses being reopened; a questionnaire row lacking a level is refused too
    reopen = ingest.read("review_cycles", CYCLES.replace("C26", "C25").encode(), "cycles.csv", demo_store)
    assert _problems(reopen, "zh") == [("error", 2, "status", "open", "该评估周期已结束:不能再做任何修改(评分已定稿)")]
    gap = ingest.read("review_behaviours", BEHAVIOURS.replace("Asks back", "").encode(), "q.csv", demo_store)
    assert [(p.row, p.column, p.reason) for p in gap.errors] == [(2, "anchor_3", "a value is required")]


def test_rollback_removes_what_a_batch_added_and_nothing_of_a_closed_cycle_changes(demo_store: Store):
    cycles, behaviours, raters = _set_up(demo_store)
    # the cycle is referred to by its questionnaire and raters: they go first
    with pytest.raises(StoreError) as held:
        demo_store.rollback_batch(cycles, uploaded_by="hr_admin")
    assert error_text(held.value, "en") == (
        "Cannot remove the review_cycles C26 that this batch added: review_behaviours still refer to them."
    )
    undone = demo_store.rollback_batch(raters, uploaded_by="hr_admin")
    assert demo_store.review_raters("C26").empty
    history = demo_store.upload_history().set_index("batch_id")
    assert (history.at[undone.batch_id, "rollback_of"], history.at[undone.batch_id, "uploaded_by"]) == (
        raters,
        "hr_admin",
    )
    assert history.at[undone.batch_id, "note"] == f"removed 7 rows batch {raters} added; restored 0 values it replaced"
    demo_store.rollback_batch(behaviours, uploaded_by="hr_admin")
    demo_store.rollback_batch(cycles, uploaded_by="hr_admin")
    assert "C26" not in set(demo_store.review_cycles()["cycle_id"])

    # set up again, one answer given, then closed by a file: nothing of the cycle changes any more
    _, _, raters = _set_up(demo_store)
    review360.submit(demo_store, _rater("P_RD_02"), "C26", "P_RD_01", {"B1": 2})
    moved = ingest.read(
        "review_raters", RATERS.replace("P_RD_02,subordinate", "P_RD_02,peer").encode(), "r.csv", demo_store
    )
    assert [(p.row, p.column, p.value, p.reason) for p in moved.errors] == [
        (
            6,
            "rater_group",
            "peer",
            "this rater has answered already: the group cannot change (the answers would move to another group)",
        )
    ]
    # the same change past validation (another session answered a moment ago): the batch refuses it
    with pytest.raises(StoreError) as late:
        demo_store.write_batch("review_raters", moved.frame, file_name="r.csv", sha256=moved.sha256)
    assert late.value.key == "r360files.answered_now"
    assert (
        demo_store.review_raters("C26", subject_id="P_RD_01").set_index("rater_id").at["P_RD_02", "rater_group"]
        == "subordinate"
    )

    _load(demo_store, "review_cycles", CYCLES.replace(",open", ",closed"), "close.csv")
    with pytest.raises(StoreError) as closed:
        demo_store.rollback_batch(raters, uploaded_by="hr_admin")
    assert error_text(closed.value, "en") == (
        "Review cycle C26 is closed: nothing of it can change (its answers are final); nothing was stored."
    )
    assert error_text(closed.value, "zh") == "评估周期 C26 已结束:不能再做任何修改(评分已定稿);未保存任何内容。"
    assert len(demo_store.review_raters("C26")) == 7


def test_only_hr_uploads_or_rolls_back_the_set_up_files(demo_store: Store):
    org = Org.from_frame(demo_store.units())
    validated = ingest.read("review_cycles", CYCLES.encode(), "cycles.csv", demo_store)
    refusal = approvals.upload_refusal(validated, ANALYST, Scope.of(ANALYST, org), org)
    assert isinstance(refusal, NotPermitted)
    assert error_text(refusal, "en") == (
        "Not permitted: 360 review cycles are set up and rolled back by administrators (HR) only."
    )
    attributes = ingest.read("unit_attributes", b"unit_id,attribute,value\nP_RD_02,tenure,new\n", "a.csv", demo_store)
    assert error_text(approvals.upload_refusal(attributes, ANALYST, Scope.of(ANALYST, org), org), "zh") == (
        "无权操作:人员属性仅限管理员(人力资源)上传和回滚。"
    )
    batch = approvals.upload(demo_store, attributes, by="hr_admin", viewer=HR, scope=Scope.everything(org)).batch
    assert approvals.rollback_refusal(demo_store, batch.batch_id, ANALYST, Scope.of(ANALYST, org)) is not None
    assert approvals.rollback_refusal(demo_store, batch.batch_id, HR, Scope.everything(org)) is None


def _ratings() -> pd.DataFrame:
    new, established = [3, 3, 3, 3, 2, 4], [4, 4, 4, 4, 3, 5]
    rows = []
    for subject in ("P_RD_02", "P_RD_03", "P_CS_02", "P_CS_03"):
        scores = new if subject.startswith("P_RD") else established
        rows += [("R", subject, f"I{i}", x) for i, x in enumerate(scores, start=1)]
        rows += [(f"{subject}_{k}", subject, f"I{i}", 4) for k in ("a", "b") for i in range(1, 7)]
    return pd.DataFrame(rows, columns=["rater", "subject", "item", "score"])


def test_attributes_loaded_by_file_reach_the_fairness_check_and_their_rollback_too(demo_store: Store):
    ratings = _ratings()
    assert review360.fairness_ratings(demo_store, HR)[1].empty
    assert fairness.group_checks(ratings, demo_store.unit_attributes()).empty  # no attribute: nothing to compare

    # a units file with attribute columns, loaded as it is: its own columns skipped, an empty cell not recorded
    units = """unit_id,name,name_zh,kind,parent_id,tenure,location
P_RD_02,Xiao Peng,肖鹏,person,RD,new,office
P_RD_03,Tian Tian,田甜,person,RD,new,
P_CS_02,Wei Dong,魏东,person,CS,established,remote
P_CS_03,Lyu Pin,吕品,person,CS,established,office
"""
    first = _load(demo_store, "unit_attributes", units, "units_with_attributes.csv")
    assert first.result.rows_added == 7
    _, attributes = review360.fairness_ratings(demo_store, HR)
    assert attributes.query("attribute == 'tenure'")[["unit_id", "value"]].values.tolist() == [
        ["P_CS_02", "established"],
        ["P_CS_03", "established"],
        ["P_RD_02", "new"],
        ["P_RD_03", "new"],
    ]
    check = fairness.group_checks(ratings, attributes).query("attribute == 'tenure'").iloc[0]
    assert (check["value"], check["n_a"], check["n_b"], round(check["diff"], 2)) == ("established", 12, 12, 1.0)
    assert (round(check["low"], 2), round(check["high"], 2), bool(check["flagged"])) == (0.49, 1.51, True)

    # a correction: P_RD_03 is established after all
    fix = _load(demo_store, "unit_attributes", "unit_id,attribute,value\nP_RD_03,tenure,established\n", "fix.csv")
    assert (fix.result.rows_added, fix.result.rows_changed) == (0, 1)
    check = fairness.group_checks(ratings, demo_store.unit_attributes()).query("attribute == 'tenure'").iloc[0]
    assert (check["value"], check["subjects_a"], check["n_a"], check["n_b"]) == ("new", 1, 6, 18)
    assert (round(check["diff"], 2), bool(check["flagged"])) == (-0.67, False)

    demo_store.rollback_batch(fix.result.batch_id, uploaded_by="hr_admin")
    check = fairness.group_checks(ratings, demo_store.unit_attributes()).query("attribute == 'tenure'").iloc[0]
    assert (check["value"], check["n_a"], round(check["diff"], 2), bool(check["flagged"])) == (
        "established",
        12,
        1.0,
        True,
    )


def test_attributes_carry_chinese_labels_to_the_fairness_check_and_their_rollback_too(demo_store: Store):
    """A wide file's ``tenure_zh`` column labels tenure's values (it is not an
    attribute of its own); the long shape also names the attribute in Chinese
    (``attribute_zh``). The check above (R rates the established people
    1.00 point higher) then reads "司龄 = 资深" in Chinese and the ids in English."""
    wide = """unit_id,tenure,tenure_zh,location
P_RD_02,new,新任,office
P_RD_03,new,新任,
P_CS_02,established,资深,remote
P_CS_03,established,,office
"""
    assert _load(demo_store, "unit_attributes", wide, "people.csv").result.rows_added == 7
    tenure = demo_store.unit_attributes().query("attribute == 'tenure'").fillna("")
    assert tenure[["unit_id", "value", "attribute_zh", "value_zh"]].values.tolist() == [
        ["P_CS_02", "established", "", "资深"],
        ["P_CS_03", "established", "", ""],
        ["P_RD_02", "new", "", "新任"],
        ["P_RD_03", "new", "", "新任"],
    ]
    named = "unit_id,attribute,value,attribute_zh,value_zh\nP_CS_03,tenure,established,司龄,资深\n"
    names = _load(demo_store, "unit_attributes", named, "names.csv")
    assert (names.result.rows_added, names.result.rows_changed) == (0, 1)

    def flag(lang: str) -> str:
        attributes = demo_store.unit_attributes()
        groups = fairness.group_checks(_ratings(), attributes)
        flagged = groups[groups["flagged"]].to_dict("records")
        assert [(f["attribute"], f["value"]) for f in flagged] == [("tenure", "established")]
        return tables.flag_text(flagged[0], lang, str, tables.Labels.of(attributes))

    assert flag("zh").startswith("R 对司龄 = 资深人员的评分(与其他评价人对同一人的评分相比)比对其他人员高 1.00 分")
    assert flag("en").startswith("R's ratings of people with tenure = established are 1.00 points higher")
    labels = tables.Labels.of(demo_store.unit_attributes())
    groups = fairness.group_checks(_ratings(), demo_store.unit_attributes())
    shown = tables.group_table(groups, "zh", str, labels)
    assert sorted(zip(shown["属性"], shown["群体"], strict=True)) == [("location", "remote"), ("司龄", "资深")]

    # rolling the names back leaves the attribute's id; the values keep the wide file's labels
    demo_store.rollback_batch(names.result.batch_id, uploaded_by="hr_admin")
    assert flag("zh").startswith("R 对 tenure = 资深人员的评分")


def test_a_wide_attributes_file_names_its_own_columns_in_its_problems(demo_store: Store):
    wide = "unit_id,tenure,location\nP_RD_02,new,office\nP_NOBODY,new,remote\nP_RD_02,established,\n"
    validated = ingest.read("unit_attributes", wide.encode(), "people.csv", demo_store)
    assert _problems(validated, "en") == [
        ("error", 3, "unit_id", "P_NOBODY", "unknown unit: load it in the units file first"),
        ("error", 4, "tenure", "established", "duplicate key (unit_id, attribute) already given on an earlier row"),
    ]
    none = ingest.read("unit_attributes", b"unit_id,name,kind\nP_RD_02,Xiao Peng,person\n", "u.csv", demo_store)
    assert [reason(p.reason, "zh") for p in none.errors][0].startswith("没有属性列")


def test_hr_sets_up_a_cycle_on_the_upload_page_and_the_360_page_lists_it(app):
    template = (Path(__file__).resolve().parents[1] / "data" / "templates" / "review_cycles.csv").read_bytes()
    at = app("pages/4_upload.py", lang="zh")  # the demo's HR admin
    options = at.selectbox(key="upload_kind").options
    assert options[-4:] == ["360 度评估周期", "360 度评估问卷(行为)", "360 度评价人", "单元属性(司龄、工作地点等)"]
    at.selectbox(key="upload_kind").set_value("review_cycles").run()
    at.get("file_uploader")[0].upload("review_cycles.csv", template, "text/csv")
    at.run()
    assert not at.exception and not at.error
    preview = at.dataframe[0].value  # the rows to be written, headed in Chinese
    assert (preview.columns[0], preview.iloc[0, 0]) == ("评估周期", "2026-H2")
    at.button(key="upload_commit").click().run()
    done = at.success[0].value  # "已写入 review\_cycles.csv(批次 12):新增 1,变更 0,未变 0。"
    assert done.startswith("已写入 review\\_cycles.csv(批次 ") and done.endswith(":新增 1,变更 0,未变 0。")
    at.switch_page("pages/12_360.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="r360_cycle").options == ["2026-H2"]

    analyst = app("pages/4_upload.py", view_as="analyst")
    assert "Actuals" in analyst.selectbox(key="upload_kind").options
    assert not {"360 review cycles", "360 raters", "Unit attributes (tenure, location ...)"} & set(
        analyst.selectbox(key="upload_kind").options
    )


def test_hr_uploads_labelled_attributes_on_the_page_and_the_preview_reads_chinese(app):
    """The wide file of two R&D people with tenure's Chinese labels: the
    preview heads its rows 单元 / 属性 and shows each label beside its value,
    and storing writes the three rows."""
    wide = "unit_id,tenure,tenure_zh,location\nP_RD_02,new,新任,office\nP_RD_03,new,新任,\n"
    at = app("pages/4_upload.py", lang="zh")
    at.selectbox(key="upload_kind").set_value("unit_attributes").run()
    at.get("file_uploader")[0].upload("people.csv", wide.encode(), "text/csv")
    at.run()
    assert not at.exception and not at.error
    preview = at.dataframe[0].value
    assert list(preview.columns[:2]) == ["单元", "属性"]
    rows = preview.iloc[:, [0, 1, -1]].values.tolist()
    assert rows == [
        ["肖鹏", "tenure", "value=new; value_zh=新任"],
        ["肖鹏", "location", "value=office"],
        ["田甜", "tenure", "value=new; value_zh=新任"],
    ]
    at.button(key="upload_commit").click().run()
    assert at.success[0].value.endswith(":新增 3,变更 0,未变 0。")
