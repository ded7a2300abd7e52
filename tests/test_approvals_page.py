"""The write pages under issue 13, driven by AppTest on the small company: a
locked year's weight change goes request -> approve (the HQ March total moves
from 85 to 86.5, worked by hand in tests/test_approvals.py) or request ->
reject (nothing moves); the signed-in account is what the audit trail records;
roles that may not write see "not permitted" and no form."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kpi_core import access, scorecard
from kpi_ui import data
from tests.conftest import app_factory

UPLOAD = "pages/4_upload.py"
DICT = "pages/5_kpi_dictionary.py"
DESIGN = "pages/6_scorecard_design.py"
REQUESTS = "pages/7_requests.py"
T = "unit_id,kpi_id,period,target\n"
ACCOUNTS = {
    "li": ("analyst", "HQ", False),
    "wang": ("manager", "HQ", True),
    "boss": ("admin", None, False),
    "sam": ("analyst", "SALES", False),
    "mia": ("manager", "SALES", False),
    "vic": ("viewer", None, False),
}


@pytest.fixture
def small_app(_small_db_template: Path, _isolated_db: Path):
    """``make(page, "li", lang=..., **params)``: AppTests of app.py on a
    private copy of the small company, signed in as one of :data:`ACCOUNTS`."""
    from kpi_core.store import Store

    shutil.copyfile(_small_db_template, _isolated_db)
    with Store(_isolated_db) as store:
        for name, (role, unit, approver) in ACCOUNTS.items():
            store.add_user(name, role=role, unit_id=unit, approver=approver, display=name.title(), by="tests")
    with app_factory() as make:

        def signed_in(page: str, name: str, **params: str):
            role, unit, approver = ACCOUNTS[name]
            viewer = access.Viewer(name=name, display=name.title(), role=role, unit_id=unit, approver=approver)
            at = make(page, as_user=viewer, **params)
            _ok(at)
            return at

        yield signed_in


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]


def _shown(elements) -> str:
    return re.sub(r"\\(.)", r"\1", " | ".join(str(e.value) for e in elements))


def _table(at, column):
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column!r}")


def _keys(at, kind: str) -> set[str]:
    return {e.key for e in at.get(kind) if getattr(e, "key", None)}


def _hq_march() -> float:
    return scorecard.build(data.store(), "HQ", "2026-03", "month").total


def _request_reweight(small_app, lang: str = "en"):
    """As li: HQ's revenue 40 -> 30 and staff 10 -> 20 on the design page, with a reason."""
    at = small_app(DESIGN, "li", unit="HQ", period="2026-03", lang=lang)
    at.number_input(key="design_direct_HQ_2026_rev_0").set_value(30.0)
    at.number_input(key="design_direct_HQ_2026_staff_0").set_value(20.0)
    at.run()
    at.button(key="design_apply_direct").click().run()
    at.text_input(key="design_reason").set_value("Q2 re-plan").run()
    _ok(at)
    return at


def test_a_locked_weight_change_goes_request_approve_and_moves_the_total(small_app):
    data.store().lock_baseline(2026, locked_by="boss", note="budget agreed")
    at = _request_reweight(small_app)
    assert "The 2026 baseline is locked (by boss on" in _shown(at.info)
    assert "Recorded as li." in _shown(at.caption)
    save = at.button(key="design_save")
    assert save.label == "Send for approval" and not save.disabled
    save.click().run()
    _ok(at)
    assert "Request #1 sent for approval" in _shown(at.success)
    assert _hq_march() == pytest.approx(85.0)  # nothing applied yet

    mine = small_app(REQUESTS, "li")
    assert "You made this request" in _shown(mine.info)
    assert not {"requests_approve_1", "requests_reject_1"} & _keys(mine, "button")

    at = small_app(REQUESTS, "wang")
    listed = _table(at, "Requested by")
    assert listed[["#", "Year", "Unit", "Kind", "Requested by", "Reason"]].values.tolist() == [
        [1, "2026", "Acme", "Scorecard design", "li", "Q2 re-plan"]
    ]
    assert "Status" not in listed  # all pending: no decision columns
    assert listed["What changes (before → after)"].iloc[0] == (
        "Revenue · 2026 Weight: 40 → 30; Key staff retained · 2026 Weight: 10 → 20"
    )
    changes = _table(at, "Before")
    assert changes[["Field", "Before", "After"]].values.tolist() == [["Weight", "40", "30"], ["Weight", "10", "20"]]
    at.text_input(key="requests_note_1").set_value("agreed in committee").run()
    at.button(key="requests_approve_1").click().run()
    _ok(at)
    assert "Request #1 approved and applied; the scores follow." in _shown(at.success)
    assert _hq_march() == pytest.approx(86.5)

    at.segmented_control(key="requests_show").set_value("decided").run()
    decided = _table(at, "Decided by")
    assert decided[["Status", "Decided by", "Note"]].values.tolist() == [["approved", "wang", "agreed in committee"]]

    # the unit's change log: the request, the decision and the weights, who and when
    log = _table(small_app(DESIGN, "li", unit="HQ", period="2026-03"), "Reason")
    rows = log[["Who", "Record", "Field", "Old value", "New value", "Reason"]].values.tolist()
    assert ["wang", "Change request", "Status", "pending", "approved", "agreed in committee"] in rows
    assert ["li", "Change request", "Status", "–", "pending", "Q2 re-plan"] in rows
    assert ["li", "Assignment", "Weight", "40", "30", "Q2 re-plan"] in rows


def test_a_rejected_request_changes_nothing_and_needs_a_note(small_app):
    data.store().lock_baseline(2026, locked_by="boss")
    _request_reweight(small_app).button(key="design_save").click().run()
    at = small_app(REQUESTS, "wang", lang="zh")
    assert at.title[0].value == "变更申请"
    assert at.button(key="requests_reject_1").disabled  # no note yet
    at.text_input(key="requests_note_1").set_value("本季度不调整").run()
    at.button(key="requests_reject_1").click().run()
    _ok(at)
    assert "变更申请 #1 已驳回;未做任何更改。" in _shown(at.success)
    assert _hq_march() == pytest.approx(85.0)
    weights = data.store().assignments(2026, ["HQ"]).set_index("kpi_id")["weight"]
    assert (weights["rev"], weights["staff"]) == (40.0, 10.0)


def test_who_may_not_decide_sees_why_and_no_buttons(small_app):
    data.store().lock_baseline(2026, locked_by="boss")
    _request_reweight(small_app).button(key="design_save").click().run()
    at = small_app(REQUESTS, "boss")  # an admin without the approver permission
    assert "Only someone with the approver permission decides requests." in _shown(at.info)
    assert not {"requests_approve_1", "requests_reject_1"} & _keys(at, "button")


def test_an_admin_locks_and_unlocks_a_year_on_the_requests_page(small_app):
    at = small_app(REQUESTS, "boss")
    assert "No year is locked: changes apply directly." in _shown(at.caption)
    at.selectbox(key="requests_lock_year").set_value(2026)
    at.text_input(key="requests_lock_note").set_value("budget agreed").run()
    at.button(key="requests_lock").click().run()
    _ok(at)
    assert "The 2026 baseline is locked." in _shown(at.success)
    assert data.store().locked_years() == {2026}
    at.button(key="requests_unlock_2026").click().run()
    assert data.store().locked_years() == set()
    # an approver who is not an admin sees the locks but no control
    assert "requests_lock" not in _keys(small_app(REQUESTS, "wang"), "button")


# --------------------------------------------------------------------------- uploads


def _upload(at, name: str, text: str):
    at.get("file_uploader")[0].upload(name, text.encode(), "text/csv")
    at.run()
    _ok(at)
    return at


def test_an_upload_records_the_signed_in_account(small_app):
    at = small_app(UPLOAD, "li")
    assert "upload_by" not in _keys(at, "text_input")
    assert "Recorded as li." in _shown(at.caption)
    at.selectbox(key="upload_kind").set_value("actuals").run()
    _upload(at, "march.csv", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,151\n")
    at.button(key="upload_commit").click().run()
    _ok(at)
    assert data.store().upload_history().iloc[0]["uploaded_by"] == "li"


def test_an_upload_for_a_locked_year_needs_a_reason_and_becomes_a_request(small_app):
    data.store().lock_baseline(2026, locked_by="boss")
    at = small_app(UPLOAD, "li")
    at.selectbox(key="upload_kind").set_value("targets").run()
    _upload(at, "reforecast.csv", T + "HQ,rev,2026-03,150\n")
    assert "The 2026 baseline is locked" in _shown(at.info)
    commit = at.button(key="upload_commit")
    assert commit.label == "Send 1 rows for approval" and commit.disabled
    at.text_input(key="upload_reason").set_value("Q1 re-forecast").run()
    at.button(key="upload_commit").click().run()
    _ok(at)
    assert "Request #1 sent for approval" in _shown(at.success)
    assert _hq_march() == pytest.approx(85.0)
    at = small_app(REQUESTS, "wang")
    at.button(key="requests_approve_1").click().run()
    _ok(at)
    assert "Request #1 approved and applied as batch 6" in _shown(at.success)
    # March revenue target 200 -> 150: 40 points instead of 30
    assert _hq_march() == pytest.approx(95.0)


def test_a_file_with_rows_outside_the_scope_is_refused_whole(small_app):
    at = small_app(UPLOAD, "sam")
    at.selectbox(key="upload_kind").set_value("targets").run()
    _upload(at, "t.csv", T + "SALES,rev,2026-03,210\nHQ,rev,2026-03,150\nOPS,spend,2026-03,90\n")
    refused = _shown(at.error)
    assert "rows for 2 unit(s) outside what this account may change: HQ, OPS" in refused
    assert "upload_commit" not in _keys(at, "button") and not at.metric  # no preview either
    # a rollback of a batch that wrote HQ's figures is refused too
    at.checkbox(key="upload_rollback_sure").check().run()
    at.button(key="upload_rollback_go").click().run()  # batch 5, the actuals of every unit
    _ok(at)
    assert "wrote figures of units outside what this account may change: HQ, OPS" in _shown(at.error)
    assert data.store().upload_history()["rollback_of"].isna().all()


def _refused_or_hidden(small_app, page: str, name: str, words: str, **params: str) -> None:
    """The page is not in the account's navigation, or it says "not permitted" and shows no form."""
    try:
        at = small_app(page, name, **params)
    except ValueError as exc:  # not registered for this account: unreachable
        assert "Could not find a navigation page" in str(exc)
        return
    assert words in _shown(at.error)
    assert not at.get("file_uploader") and not at.dataframe and not at.get("text_input")
    assert not {"upload_commit", "design_save", "upload_rollback_go"} & _keys(at, "button")


@pytest.mark.parametrize(("lang", "words"), [("en", "Not permitted"), ("zh", "无权")])
def test_roles_that_may_not_write_see_not_permitted_and_no_form(small_app, lang, words):
    _refused_or_hidden(small_app, UPLOAD, "mia", words, lang=lang)
    _refused_or_hidden(small_app, UPLOAD, "vic", words, lang=lang)
    _refused_or_hidden(small_app, DESIGN, "mia", words, unit="SALES", period="2026-03", lang=lang)
    # the company's scorecard is readable by SALES' analyst, its design is not theirs to change
    _refused_or_hidden(small_app, DESIGN, "sam", words, unit="HQ", period="2026-03", lang=lang)
    # the dictionary stays readable, without its forms
    at = small_app(DICT, "vic", kpi="rev", lang=lang)
    assert len(_table(at, "KPI" if lang == "en" else "指标")) == 5
    read_only = "Read only" if lang == "en" else "只读"
    assert read_only in _shown(at.info)
    assert not {"dict_save", "dict_val_save"} & _keys(at, "button")
    assert not [r for r in at.get("radio") if (r.key or "").startswith("dict_val_")]


def test_the_dictionary_records_the_signed_in_admin(small_app):
    at = small_app(DICT, "boss", kpi="rev")
    assert "dict_by" not in _keys(at, "text_input")
    at.text_input(key="dict_edit_rev_name").set_value("Sales revenue").run()
    at.text_input(key="dict_reason").set_value("clearer name").run()
    at.button(key="dict_save").click().run()
    _ok(at)
    log = data.store().change_log(kpi_id="rev")
    assert log.iloc[0][["changed_by", "field", "new_value"]].tolist() == ["boss", "name", "Sales revenue"]
