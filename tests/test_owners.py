"""Owners enter their own figures (issue 13, item 7), on the small company of
conftest.py: Li Na (P1, a person in Sales) has one KPI in 2026, Revenue
(weight 100, higher is better, floor 0.6, cap 1.2), a target of 50 for
2026-03 and no actual at all. Her account ``li.na`` (employee) owns it by
default. ``ana`` is an analyst of Sales, ``otto`` an analyst of Operations,
``mgr`` the manager of Sales, ``root`` an admin, ``vw`` a viewer.

Due dates are worked out on a calendar, Monday to Friday, due day 5:

* 2026-01's figures: February 2026 starts on a Sunday: Mon 2, Tue 3, Wed 4,
  Thu 5, Fri 6 -> 2026-02-06.
* 2026-02's: March 2026 starts on a Sunday too -> 2026-03-06.
* 2026-03's: April 2026 starts on a Wednesday: Wed 1, Thu 2, Fri 3, Mon 6,
  Tue 7 -> 2026-04-07.
* 2026-04's: May 2026 starts on a Friday: Fri 1, Mon 4, Tue 5, Wed 6, Thu 7
  -> 2026-05-07.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from kpi_core import access, alerts, ingest, owners, scorecard
from kpi_core.access import NotPermitted, Viewer
from kpi_core.cli import main
from kpi_core.i18n import error_text
from kpi_core.org import Org
from kpi_core.store import PeriodClosedError, StoreError

ACCOUNTS = [
    # name, role, unit, display
    ("root", "admin", None, "Root"),
    ("ana", "analyst", "SALES", "Ana"),
    ("otto", "analyst", "OPS", "Otto"),
    ("mgr", "manager", "SALES", "Mia Manager"),
    ("li.na", "employee", "P1", "Li Na"),
    ("vw", "viewer", None, "Vic Viewer"),
]
BEFORE_DUE = date(2026, 4, 6)  # Monday: 2026-03's figures are due tomorrow
DUE_DAY = date(2026, 4, 7)
AFTER_DUE = date(2026, 4, 8)


@pytest.fixture
def store(small_store):
    for name, role, unit, display in ACCOUNTS:
        assert small_store.add_user(name, role=role, unit_id=unit, display=display, by="test")
    return small_store


def who(name: str) -> Viewer:
    role, unit, display = {n: (r, u, d) for n, r, u, d in ACCOUNTS}[name]
    return Viewer(name=name, display=display, role=role, unit_id=unit)


def total(store, unit: str, period: str) -> float | None:
    value = scorecard.build(store, unit, period, "month", Org.from_frame(store.units())).total
    return None if value is None or pd.isna(value) else round(float(value), 6)


def actual(store, unit: str, kpi: str, period: str):
    row = (
        store.cursor()
        .execute(
            "SELECT actual FROM actuals WHERE unit_id = ? AND kpi_id = ? AND period = ?::DATE",
            [unit, kpi, period + "-01"],
        )
        .fetchone()
    )
    return None if row is None else row[0]


def entry(period: str, text: str, unit: str = "P1", kpi: str = "rev") -> owners.Entry:
    return owners.Entry(unit, kpi, period, text)


# --------------------------------------------------------------------------- the calendar


@pytest.mark.parametrize(
    ("period", "day", "due"),
    [
        ("2026-03", 5, date(2026, 4, 7)),  # Wed 1, Thu 2, Fri 3, Mon 6, Tue 7
        ("2026-03", 1, date(2026, 4, 1)),  # April 1 is a working day
        ("2026-03", 3, date(2026, 4, 3)),
        ("2026-01", 5, date(2026, 2, 6)),  # February starts on a Sunday
        ("2026-01", 20, date(2026, 2, 27)),  # February 2026 has exactly 20 working days
        ("2026-07", 1, date(2026, 8, 3)),  # August 1 is a Saturday: Monday the 3rd
        ("2026-10", 5, date(2026, 11, 6)),  # November starts on a Sunday
        ("2026-11", 5, date(2026, 12, 7)),  # Tue 1 .. Fri 4, Mon 7
        ("2026-12", 5, date(2027, 1, 7)),  # January 2027 starts on a Friday: Fri 1, Mon 4 .. Thu 7
    ],
)
def test_due_date_is_the_nth_working_day_of_the_following_month(period, day, due):
    assert owners.due_date(period, day) == due


def test_the_due_day_runs_from_1_to_20():
    with pytest.raises(ValueError, match="1 to 20"):
        owners.due_date("2026-03", 21)
    with pytest.raises(ValueError, match="1 to 20"):
        owners.due_date("2026-03", 0)


def test_settings_default_to_day_5_without_approval_and_are_logged(store):
    assert owners.settings(store) == owners.OwnerSettings(due_working_day=5, approval=False)
    owners.save_settings(store, who("root"), owners.OwnerSettings(due_working_day=3, approval=True))
    assert owners.settings(store) == owners.OwnerSettings(due_working_day=3, approval=True)
    log = store.change_log()
    rows = log[log["entity"] == "settings"][["changed_by", "entity_id", "old_value", "new_value"]]
    assert sorted(rows.values.tolist()) == [
        ["root", "owners.approval", None, "true"],
        ["root", "owners.due_working_day", None, "3"],
    ]
    # with due day 3, 2026-03's figures are due on Friday 2026-04-03
    assert owners.owed(store, date(2026, 4, 3))["due"].tolist()[-1] == date(2026, 4, 3)


def test_only_an_admin_changes_the_settings_and_a_bad_day_is_refused(store):
    before = store.table_checksums()
    with pytest.raises(NotPermitted):
        owners.save_settings(store, who("ana"), owners.OwnerSettings(due_working_day=3))
    with pytest.raises(owners.OwnerProblem) as bad:
        owners.save_settings(store, who("root"), owners.OwnerSettings(due_working_day=21))
    assert error_text(bad.value, "en") == "The due day is a working day from 1 to 20; 21 is not."
    assert store.table_checksums() == before


# --------------------------------------------------------------------------- who owns what


def test_a_person_owns_their_kpis_through_their_own_account(store):
    table = owners.owners_table(store, 2026, ["P1", "SALES"])
    assert table[["unit_id", "kpi_id", "owner", "source"]].values.tolist() == [
        ["P1", "rev", "li.na", "default"],
        ["SALES", "days", None, None],  # a department's KPI has no owner until one is set
        ["SALES", "rev", None, None],
    ]


def test_a_disabled_account_owns_nothing_by_default(store):
    store.update_user("li.na", disabled=True, by="test")
    assert owners.owners_table(store, 2026, ["P1"])["owner"].tolist() == [None]


def test_an_analyst_sets_an_owner_in_scope_and_it_is_logged(store):
    assert owners.set_owner(store, who("ana"), "SALES", "rev", "li.na")
    assert owners.owners_table(store, 2026, ["SALES"])[["kpi_id", "owner", "source"]].values.tolist() == [
        ["days", None, None],
        ["rev", "li.na", "set"],
    ]
    assert owners.set_owner(store, who("ana"), "SALES", "rev", "li.na") is False  # already so: nothing logged
    assert owners.set_owner(store, who("ana"), "SALES", "rev", None)  # cleared
    log = store.change_log()
    rows = log[log["entity"] == "owner"].sort_values("new_value", na_position="first")
    assert rows[["changed_by", "entity_id", "field", "old_value", "new_value", "reason"]].values.tolist() == [
        ["ana", "SALES|rev", "owner", "li.na", None, "owner cleared"],
        ["ana", "SALES|rev", "owner", None, "li.na", "owner set"],
    ]


def test_an_owner_set_replaces_the_default(store):
    owners.set_owner(store, who("root"), "P1", "rev", "mgr")
    assert owners.my_items(store, who("li.na"), BEFORE_DUE).empty
    assert owners.my_items(store, who("mgr"), BEFORE_DUE)["period"].tolist() == ["2026-01", "2026-02", "2026-03"]
    with pytest.raises(NotPermitted):
        owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)


@pytest.mark.parametrize(
    ("by", "unit", "kpi", "owner", "error", "key"),
    [
        ("otto", "SALES", "rev", "li.na", NotPermitted, "owners.set_not_permitted"),  # Sales is not his scope
        ("mgr", "P1", "rev", "mgr", NotPermitted, "owners.set_not_permitted"),  # a manager sets no owners
        ("li.na", "P1", "rev", "li.na", NotPermitted, "owners.set_not_permitted"),
        ("ana", "SALES", "spend", "li.na", owners.OwnerProblem, "owners.not_assigned"),
        ("ana", "SALES", "rev", "nobody", owners.OwnerProblem, "access.unknown_user"),
        ("ana", "SALES", "rev", "vw", owners.OwnerProblem, "owners.owner_cannot_see"),  # a viewer only reads
        ("root", "OPS", "spend", "li.na", owners.OwnerProblem, "owners.owner_cannot_see"),  # not her department
        ("root", "P1", "rev", "otto", owners.OwnerProblem, "owners.owner_cannot_see"),  # outside his scope
    ],
)
def test_setting_an_owner_is_refused_when_not_allowed(store, by, unit, kpi, owner, error, key):
    before = store.table_checksums()
    with pytest.raises(error) as refused:
        owners.set_owner(store, who(by), unit, kpi, owner)
    assert refused.value.key == key
    assert store.table_checksums() == before


# --------------------------------------------------------------------------- what is owed


def test_what_li_na_owes_the_day_before_the_due_day(store):
    owed = owners.my_items(store, who("li.na"), BEFORE_DUE)
    assert owed[["unit_id", "kpi_id", "period", "target", "due", "overdue"]].values.tolist() == [
        ["P1", "rev", "2026-01", None, date(2026, 2, 6), True],
        ["P1", "rev", "2026-02", None, date(2026, 3, 6), True],
        ["P1", "rev", "2026-03", 50.0, date(2026, 4, 7), False],
    ]


def test_a_figure_is_on_time_on_its_due_day_and_overdue_the_day_after(store):
    assert owners.my_items(store, who("li.na"), DUE_DAY)["overdue"].tolist() == [True, True, False]
    assert owners.my_items(store, who("li.na"), AFTER_DUE)["overdue"].tolist() == [True, True, True]


def test_others_owe_nothing_and_see_nothing_of_li_nas(store):
    for name in ("ana", "otto", "mgr", "root", "vw"):
        assert owners.my_items(store, who(name), BEFORE_DUE).empty


def test_a_closed_month_is_not_owed(store):
    store.close_period("2026-03", closed_by="root")
    assert owners.my_items(store, who("li.na"), BEFORE_DUE)["period"].tolist() == ["2026-01", "2026-02"]


def test_the_overdue_list_covers_the_analysts_scope(store):
    late = owners.overdue(store, who("ana"), AFTER_DUE)
    assert late[["owner", "owner_display", "unit_id", "kpi_id", "period", "due"]].values.tolist() == [
        ["li.na", "Li Na", "P1", "rev", "2026-01", date(2026, 2, 6)],
        ["li.na", "Li Na", "P1", "rev", "2026-02", date(2026, 3, 6)],
        ["li.na", "Li Na", "P1", "rev", "2026-03", date(2026, 4, 7)],
    ]
    assert len(owners.overdue(store, who("root"), AFTER_DUE)) == 3
    assert owners.overdue(store, who("otto"), AFTER_DUE).empty  # Operations: nothing of Sales
    for name in ("li.na", "mgr", "vw"):
        with pytest.raises(NotPermitted):
            owners.overdue(store, who(name), AFTER_DUE)


# --------------------------------------------------------------------------- entering


def test_an_entered_figure_is_a_batch_with_the_owners_name_and_moves_her_score(store):
    assert total(store, "P1", "2026-03") is None  # no actual yet: no score
    done = owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)
    assert done.ok and done.batch.rows_added == 1
    # 45 of 50: completion 0.9, within floor 0.6 and cap 1.2; weight 100 -> 90 points
    assert actual(store, "P1", "rev", "2026-03") == 45
    assert total(store, "P1", "2026-03") == 90.0
    batch = store.upload_history().set_index("batch_id").loc[done.batch.batch_id]
    assert (batch["kind"], batch["uploaded_by"], batch["file_name"]) == ("actuals", "li.na", "my-updates")
    assert owners.my_items(store, who("li.na"), BEFORE_DUE)["period"].tolist() == ["2026-01", "2026-02"]
    # a restatement through the same form: 55 of 50 is 1.1, under the cap: 110 points, 20 more
    owners.enter(store, who("li.na"), [entry("2026-03", "55")], today=BEFORE_DUE)
    assert total(store, "P1", "2026-03") == 110.0


def test_blank_fields_are_skipped_and_nothing_at_all_is_refused(store):
    done = owners.enter(store, who("li.na"), [entry("2026-02", "  "), entry("2026-03", "45")], today=BEFORE_DUE)
    assert done.batch.rows_total == 1
    with pytest.raises(owners.OwnerProblem) as nothing:
        owners.enter(store, who("li.na"), [entry("2026-03", "")], today=BEFORE_DUE)
    assert error_text(nothing.value, "zh") == "未填写任何数值:请至少填写一项。"


def test_an_entry_is_validated_as_an_upload_with_the_same_reasons(store):
    before = store.table_checksums()
    typed = [entry("2026-01", "abc"), entry("2026-02", "95%"), entry("2026-03", "1,23")]
    done = owners.enter(store, who("li.na"), typed, today=BEFORE_DUE)
    assert not done.ok and not done.written
    assert store.table_checksums() == before
    upload = ingest.read(
        "actuals",
        b'unit_id,kpi_id,period,actual\nP1,rev,2026-01,abc\nP1,rev,2026-02,95%\nP1,rev,2026-03,"1,23"\n',
        "f.csv",
        store,
        today=BEFORE_DUE,
    )
    assert [p.reason for p in done.validated.problems] == [p.reason for p in upload.problems]
    names = {"P1": "Li Na", "rev": "Revenue"}.get
    assert [owners.problem_text(done, p, "en", names, names) for p in done.validated.problems] == [
        "Li Na · Revenue · 2026-01 ('abc'): not a finite number",
        "Li Na · Revenue · 2026-02 ('95%'): KPI rev is measured in '10k CNY': "
        "a percentage is ambiguous here, write the number",
        "Li Na · Revenue · 2026-03 ('1,23'): not a number: a comma is read only as a thousands separator, as in 1,234.5",
    ]
    zh = {"P1": "李娜", "rev": "营业收入"}.get
    assert owners.problem_text(done, done.validated.problems[0], "zh", zh, zh) == (
        "李娜 · 营业收入 · 2026-01('abc'):不是有效的数字"
    )


def test_a_future_month_is_refused_as_an_upload_refuses_it(store):
    done = owners.enter(store, who("li.na"), [entry("2026-05", "10")], today=BEFORE_DUE)
    assert [p.reason for p in done.validated.errors] == ["an actual cannot be for a future month (today is 2026-04-06)"]


def test_warnings_wait_for_a_confirmation(store):
    # 2026-01 has no target: the upload's warning, and nothing stored until confirmed
    done = owners.enter(store, who("li.na"), [entry("2026-01", "40")], today=BEFORE_DUE)
    assert done.ok and done.needs_confirmation and not done.written
    assert [p.reason for p in done.validated.warnings] == [
        "no targets are stored for 2026-01: 1 actuals of this file cannot be scored until the targets are loaded"
    ]
    assert actual(store, "P1", "rev", "2026-01") is None
    done = owners.enter(store, who("li.na"), [entry("2026-01", "40")], today=BEFORE_DUE, confirm_warnings=True)
    assert done.written and actual(store, "P1", "rev", "2026-01") == 40


@pytest.mark.parametrize("name", ["ana", "root", "mgr", "otto"])
def test_entering_a_kpi_one_does_not_own_is_refused(store, name):
    before = store.table_checksums()
    with pytest.raises(NotPermitted) as refused:
        owners.enter(store, who(name), [entry("2026-03", "45")], today=BEFORE_DUE)
    assert error_text(refused.value, "en") == (
        "rev of P1: you do not own this KPI, so you cannot enter its figures; nothing was stored."
    )
    assert store.table_checksums() == before


def test_li_na_cannot_enter_her_departments_figure(store):
    with pytest.raises(NotPermitted):
        owners.enter(store, who("li.na"), [entry("2026-03", "200", unit="SALES")], today=BEFORE_DUE)


def test_a_closed_month_refuses_an_entry_with_the_reason(store):
    store.close_period("2026-03", closed_by="root", note="Q1 review")
    before = store.table_checksums()
    with pytest.raises(PeriodClosedError) as closed:
        owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)
    on = f"{date.today():%Y-%m-%d}"
    assert error_text(closed.value, "en").startswith(f"2026-03 is closed (by root on {on})")
    assert store.table_checksums() == before
    owners.save_settings(store, who("root"), owners.OwnerSettings(approval=True))
    before = store.table_checksums()
    with pytest.raises(PeriodClosedError):
        owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)
    assert store.table_checksums() == before


# --------------------------------------------------------------------------- approval


@pytest.fixture
def approving(store):
    owners.save_settings(store, who("root"), owners.OwnerSettings(approval=True))
    return store


def test_with_approval_an_entry_waits_and_counts_once_approved(approving):
    store = approving
    done = owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)
    assert done.batch is None and len(done.entry_ids) == 1
    assert actual(store, "P1", "rev", "2026-03") is None and total(store, "P1", "2026-03") is None
    owed = owners.my_items(store, who("li.na"), BEFORE_DUE)
    assert owed[owed["period"] == "2026-03"]["pending"].tolist() == [True]
    waiting = owners.pending(store, who("ana"))
    assert waiting[["unit_id", "kpi_id", "period", "value", "entered_by"]].values.tolist() == [
        ["P1", "rev", "2026-03", 45.0, "li.na"]
    ]
    assert owners.pending(store, who("otto")).empty  # not his scope
    batches = owners.approve(store, who("ana"), done.entry_ids)
    assert actual(store, "P1", "rev", "2026-03") == 45 and total(store, "P1", "2026-03") == 90.0
    history = store.upload_history().set_index("batch_id")
    assert history.loc[batches[0], "uploaded_by"] == "li.na"
    assert history.loc[batches[0], "note"] == f"entries {done.entry_ids[0]} approved by ana"
    decided = store.entries().iloc[0]
    assert (decided["status"], decided["decided_by"], decided["batch_id"]) == ("approved", "ana", batches[0])
    log = store.change_log()
    assert log[log["entity"] == "entry"][["changed_by", "old_value", "new_value"]].values.tolist() == [
        ["ana", "pending", "approved"]
    ]
    with pytest.raises(StoreError) as again:
        owners.approve(store, who("root"), done.entry_ids)
    assert error_text(again.value, "en") == (
        f"Entry {done.entry_ids[0]} was already approved (by ana); nothing was changed."
    )


def test_a_rejected_entry_changes_no_figure_and_says_why(approving):
    store = approving
    done = owners.enter(store, who("li.na"), [entry("2026-03", "450")], today=BEFORE_DUE)
    with pytest.raises(owners.OwnerProblem):
        owners.reject(store, who("ana"), done.entry_ids, "  ")
    owners.reject(store, who("ana"), done.entry_ids, "450 is ten times the target: a typo?")
    assert actual(store, "P1", "rev", "2026-03") is None
    rejected = store.entries(entered_by="li.na").iloc[0]
    assert (rejected["status"], rejected["note"]) == ("rejected", "450 is ten times the target: a typo?")
    assert owners.my_items(store, who("li.na"), BEFORE_DUE)["pending"].tolist() == [False, False, False]


def test_a_new_figure_replaces_a_pending_one(approving):
    store = approving
    first = owners.enter(store, who("li.na"), [entry("2026-03", "450")], today=BEFORE_DUE)
    second = owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)
    assert store.entries()[["entry_id", "status"]].values.tolist() == [
        [second.entry_ids[0], "pending"],
        [first.entry_ids[0], "superseded"],
    ]


def test_approval_is_for_analysts_in_scope_and_never_ones_own(approving):
    store = approving
    owners.set_owner(store, who("root"), "HQ", "rev", "root")
    mine = owners.enter(store, who("root"), [entry("2026-03", "180", unit="HQ")], today=BEFORE_DUE)
    hers = owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)
    before = store.table_checksums()
    with pytest.raises(owners.OwnerProblem) as own:
        owners.approve(store, who("root"), mine.entry_ids)
    assert own.value.key == "owners.own_entry"
    with pytest.raises(NotPermitted):
        owners.approve(store, who("otto"), hers.entry_ids)  # Operations' analyst, Sales' figure
    with pytest.raises(NotPermitted):
        owners.approve(store, who("mgr"), hers.entry_ids)  # a manager uploads nothing
    assert store.table_checksums() == before


def test_approving_into_a_month_closed_meanwhile_is_refused(approving):
    store = approving
    done = owners.enter(store, who("li.na"), [entry("2026-03", "45")], today=BEFORE_DUE)
    store.close_period("2026-03", closed_by="root")
    with pytest.raises(PeriodClosedError):
        owners.approve(store, who("ana"), done.entry_ids)
    assert store.entries().iloc[0]["status"] == "pending" and actual(store, "P1", "rev", "2026-03") is None


# --------------------------------------------------------------------------- the missing-data alert


def test_an_overdue_owned_kpi_raises_the_missing_alert_naming_the_owner(store):
    """2026-04: nobody reported anything; only Li Na's Revenue has an owner.
    Its figures are due on 2026-05-07: on that day no alert, the day after one."""
    assert alerts.evaluate(store, "2026-04", today=date(2026, 5, 7)).empty
    found = alerts.evaluate(store, "2026-04", today=date(2026, 5, 8))
    assert found[["kind", "unit_id", "kpi_id", "severity"]].values.tolist() == [["missing", "P1", "rev", "warning"]]
    names = alerts.Names.from_frames(store.units(), store.kpis())
    row = found.to_dict("records")[0]
    assert row["params"]["owner"] == "Li Na" and row["params"]["due"] == "2026-05-07"
    assert alerts.message(row, "en", names) == (
        "Li Na (Sales) · Revenue: no actual for 2026-04 (target –); owner Li Na, due 2026-05-07"
    )
    assert (
        alerts.message(row, "zh", names)
        == "李娜(销售部) · 营业收入:2026-04 无实际值(目标 –);负责人 Li Na,截止 2026-05-07"
    )


def test_a_reported_month_names_the_owner_of_a_missing_figure(store):
    """2026-03 is reported (HQ uploaded): the missing-data alert fired before
    owners existed; now it names Li Na and the due day, with the target."""
    found = alerts.evaluate(store, "2026-03", today=BEFORE_DUE)
    names = alerts.Names.from_frames(store.units(), store.kpis())
    owned = [alerts.message(r, "en", names) for r in found.to_dict("records") if r["unit_id"] == "P1"]
    assert owned == ["Li Na (Sales) · Revenue: no actual for 2026-03 (target 50 10k CNY); owner Li Na, due 2026-04-07"]
    unowned = [alerts.message(r, "en", names) for r in found.to_dict("records") if r["unit_id"] == "SALES"]
    assert all("owner" not in m for m in unowned)


def test_several_missing_figures_of_one_owner_are_one_line_naming_the_owner(store):
    owners.set_owner(store, who("ana"), "SALES", "rev", "mgr")
    owners.set_owner(store, who("ana"), "SALES", "days", "mgr")
    found = alerts.evaluate(store, "2026-04", today=date(2026, 5, 8))
    names = alerts.Names.from_frames(store.units(), store.kpis())
    lines = {line[0]["unit_id"]: alerts.line_message(line, "en", names) for line in alerts.lines(found)}
    assert lines["SALES"] == (
        "Sales has not reported 2 KPIs for 2026-04: Collection days, Revenue (owner Mia Manager, due 2026-05-07)"
    )


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def db(store, tmp_path):
    path = store.path
    store.close()
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_sets_lists_and_clears_owners(db, capsys):
    code, out, _ = run(capsys, "--db", db, "owners", "set", "SALES", "rev", "li.na", "--as", "ana")
    assert code == 0 and out.strip() == "rev of SALES is now owned by li.na."
    code, out, _ = run(capsys, "--db", db, "owners", "list", "--unit", "SALES", "--as", "ana", "--format", "json")
    listed = {(r["unit_id"], r["kpi_id"]): (r["owner"], r["source"]) for r in json.loads(out)}
    assert listed == {
        ("SALES", "days"): ("", "none"),
        ("SALES", "rev"): ("li.na", "set"),
        ("P1", "rev"): ("li.na", "default"),
    }
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "owners", "list", "--unit", "SALES", "--year", "2026")
    assert code == 0 and "李娜 (P1)" in out and "默认(本人账号)" in out and "已指定" in out
    code, out, _ = run(capsys, "--db", db, "owners", "clear", "SALES", "rev", "--as", "root")
    assert code == 0 and out.strip() == "rev of SALES: owner cleared; owned now by: -."
    with access_store(db) as store:
        log = store.change_log()
        assert log[log["entity"] == "owner"]["changed_by"].tolist() == ["root", "ana"]


def access_store(path):
    from kpi_core.store import Store

    return Store(path)


def test_cli_refusals_exit_3_and_bad_input_exit_2(db, capsys):
    code, _, err = run(capsys, "--db", db, "owners", "set", "SALES", "rev", "li.na", "--as", "otto")
    assert code == 3 and "SALES: not permitted" in err
    code, _, err = run(capsys, "--db", db, "--lang", "zh", "owners", "set", "SALES", "spend", "li.na", "--as", "ana")
    assert code == 2 and err.strip() == "spend 不在 SALES 的计分卡上:只有分配给该单元的指标才能设置负责人。"
    code, _, err = run(capsys, "--db", db, "owners", "settings", "--due-day", "3", "--as", "ana")
    assert code == 3 and "Only an admin" in err
    code, _, err = run(capsys, "--db", db, "owners", "settings", "--due-day", "21")
    assert code == 2 and "from 1 to 20" in err
    code, _, err = run(capsys, "--db", db, "owners", "overdue", "--as", "li.na")
    assert code == 3
    code, _, err = run(capsys, "--db", db, "owners", "owed", "--as", "li.na", "--today", "April 6")
    assert code == 2 and "April 6 is not a date written YYYY-MM-DD." in err


def test_cli_owed_and_overdue_on_a_given_day(db, capsys):
    code, out, _ = run(
        capsys, "--db", db, "owners", "owed", "--as", "li.na", "--today", "2026-04-06", "--format", "json"
    )
    rows = json.loads(out)
    assert code == 0
    assert [(r["period"], r["due"], r["overdue"]) for r in rows] == [
        ("2026-01", "2026-02-06", True),
        ("2026-02", "2026-03-06", True),
        ("2026-03", "2026-04-07", False),
    ]
    code, out, _ = run(capsys, "--db", db, "owners", "overdue", "--as", "ana", "--today", "2026-04-06")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 3 and "Li Na" in lines[1] and "2026-02-06" in lines[1] and "overdue" in lines[1]
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "owners", "overdue", "--as", "otto", "--today", "2026-04-06")
    assert code == 0 and out.strip() == "没有逾期的数值。"


def test_cli_settings_show_and_change(db, capsys):
    code, out, _ = run(capsys, "--db", db, "owners", "settings", "--due-day", "3", "--approval", "on", "--as", "root")
    assert code == 0 and "working day 3 (Mon-Fri)" in out and "an analyst approves each entered figure" in out
    with access_store(db) as store:
        assert owners.settings(store) == owners.OwnerSettings(due_working_day=3, approval=True)


def test_viewer_and_scope_helpers_agree_with_the_rules(store):
    org = Org.from_frame(store.units())
    assert owners.upload_units(who("root"), org) is None
    assert owners.upload_units(who("ana"), org) == ["P1", "SALES"]
    assert owners.upload_units(who("mgr"), org) == []
    assert owners.may_own(who("li.na"), "SALES", org) and not owners.may_own(who("li.na"), "OPS", org)
    assert not owners.may_own(who("vw"), "HQ", org)
    assert access.permits(who("ana"), "edit_design", access.Scope.of(who("ana"), org), "P1")
