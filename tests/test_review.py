"""The business review's commentary and action items (issue 16), on the demo
company: who may write, what is kept, overdue, scope, and the ``no_action``
alert (which the golden list, evaluated without ``follow_up``, never holds)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kpi_core import access, alerts, review
from kpi_core.org import Org
from kpi_core.store import PeriodClosedError

CEO = access.Viewer(name="ceo", display="ceo", role="manager", unit_id="HQ", approver=True)
SALES_DIRECTOR = access.Viewer(name="sales_director", display="sales_director", role="manager", unit_id="SALES")
REP = access.Viewer(name="sales_rep_1", display="sales_rep_1", role="employee", unit_id="P_SALES_N_01")
BOARD = access.Viewer(name="board", display="board", role="viewer")


def _scope(store, viewer):
    return access.Scope.of(viewer, Org.from_frame(store.units()))


def _comment(
    store, viewer, period="2026-10", analysis="Two agents left in August", outlook="Back on target by December"
):
    return review.write_comment(
        store,
        viewer=viewer,
        scope=_scope(store, viewer),
        unit_id="CS",
        subject="COMPLAINT_TIME",
        period=period,
        analysis=analysis,
        outlook=outlook,
        by=viewer.name if viewer else "operator",
    )


def _action(store, viewer=CEO, unit="CS", kpis=("COMPLAINT_TIME",), owner="CS", due=date(2026, 11, 15), **extra):
    return review.create_action(
        store,
        Org.from_frame(store.units()),
        viewer=viewer,
        scope=_scope(store, viewer),
        unit_id=unit,
        title=extra.pop("title", "Hire two agents"),
        owner=owner,
        due=due,
        kpi_ids=list(kpis),
        period="2026-10",
        by=viewer.name,
        **extra,
    )


def test_a_managers_comment_is_kept_replaced_and_logged_and_earlier_months_stay(demo_store):
    assert _comment(demo_store, CEO, period="2026-09", analysis="Queue grew", outlook="Hiring")
    assert _comment(demo_store, CEO)
    assert _comment(demo_store, CEO, analysis="Two agents left; one hired", outlook="Back on target by December")
    assert not _comment(demo_store, CEO, analysis="Two agents left; one hired", outlook="Back on target by December")

    listed = review.comments(demo_store, _scope(demo_store, CEO), "CS", "COMPLAINT_TIME", upto="2026-10")
    assert list(listed["period"]) == ["2026-10", "2026-09"]
    assert list(listed["analysis"]) == ["Two agents left; one hired", "Queue grew"]
    assert set(listed["written_by"]) == {"ceo"}
    # September's text, then October's first and replaced analysis (the outlook did not change)
    log = demo_store.comment_log("CS", "COMPLAINT_TIME")
    october = log[(log["period"] == "2026-10") & (log["field"] == "analysis")]
    assert list(october["new_value"]) == ["Two agents left; one hired", "Two agents left in August"]
    assert list(october["old_value"].fillna("")) == ["Two agents left in August", ""]
    assert len(log) == 5  # 2026-09: 2 fields; 2026-10: 2 fields written, 1 replaced
    assert review.commented(demo_store, "CS", "2026-10") == {"COMPLAINT_TIME"}
    assert review.commented(demo_store, "CS", "2026-08") == set()


def test_only_admins_and_managers_of_the_subtree_may_comment(demo_store):
    before = demo_store.table_checksums()["comments"]
    for viewer in (SALES_DIRECTOR, REP, BOARD):
        with pytest.raises(access.NotPermitted):
            _comment(demo_store, viewer)
    assert demo_store.table_checksums()["comments"] == before
    assert _comment(demo_store, None)  # the CLI's local operator


def test_hostile_text_is_stored_as_typed_and_unknown_subjects_and_closed_months_are_refused(demo_store):
    hostile = '=HYPERLINK("http://evil.example","x") **bold** <script>alert(1)</script>\x00\u202e'
    _comment(demo_store, CEO, analysis=hostile, outlook="")
    got = review.comments(demo_store, None, "CS", "COMPLAINT_TIME").iloc[0]
    assert got["analysis"] == '=HYPERLINK("http://evil.example","x") **bold** <script>alert(1)</script>'
    assert got["outlook"] is None
    with pytest.raises(review.ReviewProblem) as refused:
        review.write_comment(
            demo_store,
            viewer=CEO,
            scope=_scope(demo_store, CEO),
            unit_id="CS",
            subject="REV",  # not on Customer Service's scorecard
            period="2026-10",
            analysis="x",
            outlook="",
            by="ceo",
        )
    assert refused.value.key == "review.unknown_subject"
    demo_store.close_period("2026-10", closed_by="hr_admin")
    with pytest.raises(PeriodClosedError):
        _comment(demo_store, CEO, analysis="after the close")


def test_an_action_is_overdue_until_done_and_every_change_is_kept(demo_store):
    action_id = _action(demo_store, due=date(2026, 11, 15))
    seen = review.actions(demo_store, None, ["CS"], today=date(2026, 11, 21))
    assert list(seen["title"]) == ["Hire two agents"]
    assert list(seen["kpi_ids"]) == ["COMPLAINT_TIME"]
    assert list(seen["overdue"]) == [True]  # due 15 November, today the 21st
    assert list(review.actions(demo_store, None, ["CS"], today=date(2026, 11, 15))["overdue"]) == [False]

    scope = _scope(demo_store, CEO)
    assert review.set_status(demo_store, action_id, "in_progress", viewer=CEO, scope=scope, by="ceo")
    assert list(review.actions(demo_store, None, ["CS"], today=date(2026, 11, 21))["overdue"]) == [True]
    assert not review.set_status(demo_store, action_id, "in_progress", viewer=CEO, scope=scope, by="ceo")
    review.set_status(demo_store, action_id, "done", viewer=None, scope=None, by="hr_admin", note="two hired")
    assert list(review.actions(demo_store, None, ["CS"], today=date(2026, 11, 21))["overdue"]) == [False]

    history = demo_store.action_history([action_id])
    assert list(history["field"]) == ["created", "status", "status"]
    assert list(history["new_value"]) == ["open", "in_progress", "done"]
    assert list(history["old_value"].fillna("–")) == ["–", "open", "in_progress"]
    assert list(history["changed_by"]) == ["ceo", "ceo", "hr_admin"]
    assert list(history["note"].fillna("")) == ["Hire two agents", "", "two hired"]
    assert all(isinstance(w, datetime) for w in history["changed_at"])

    with pytest.raises(access.NotPermitted):  # a manager of another subtree
        review.set_status(
            demo_store, action_id, "open", viewer=SALES_DIRECTOR, scope=_scope(demo_store, SALES_DIRECTOR), by="x"
        )


def test_an_owner_account_may_move_its_own_action_but_not_create_one(demo_store):
    kpi = demo_store.review_subjects("P_SALES_N_01", "2026-10")[0]
    action_id = _action(demo_store, viewer=SALES_DIRECTOR, unit="P_SALES_N_01", kpis=(kpi,), owner="sales_rep_1")
    scope = _scope(demo_store, REP)
    assert review.set_status(demo_store, action_id, "in_progress", viewer=REP, scope=scope, by="sales_rep_1")
    with pytest.raises(access.NotPermitted):
        _action(demo_store, viewer=REP, unit="P_SALES_N_01", kpis=(kpi,), owner="sales_rep_1")


def test_a_bad_action_is_refused_and_nothing_is_written(demo_store):
    for extra, key in (
        ({"title": "  "}, "review.title_needed"),
        ({"kpis": ()}, "review.kpi_needed"),
        ({"kpis": ("REV",)}, "review.unknown_subject"),
        ({"owner": "nobody_here"}, "review.unknown_owner"),
    ):
        with pytest.raises(review.ReviewProblem) as refused:
            _action(demo_store, **extra)
        assert refused.value.key == key
    # the Sales director may not name a unit outside their scope as owner (nor act on it)
    with pytest.raises(review.ReviewProblem):
        kpi = demo_store.review_subjects("SALES", "2026-10")[0]
        _action(demo_store, viewer=SALES_DIRECTOR, unit="SALES", kpis=(kpi,), owner="P_CS_01")
    assert demo_store.actions().empty


def test_scope_hides_other_units_actions_and_owners_outside_it(demo_store):
    _action(demo_store, owner="P_CS_01")  # a person of Customer Service
    org = Org.from_frame(demo_store.units())
    sales = _scope(demo_store, SALES_DIRECTOR)
    assert review.actions(demo_store, sales, ["CS", "SALES"]).empty
    assert review.comments(demo_store, sales, "CS").empty
    users = demo_store.users()
    assert review.owner_of("P_CS_01", org, sales, users) == review.Owner("hidden", "")
    assert review.owner_of("P_CS_01", org, _scope(demo_store, CEO), users) == review.Owner("unit", "P_CS_01")
    # an account tied to a person outside the scope is not named either
    assert (
        review.owner_of("sales_rep_1", org, _scope(demo_store, access.Viewer("m", "m", "manager", "CS")), users).kind
        == "hidden"
    )
    assert review.owner_of("sales_rep_1", org, sales, users) == review.Owner("account", "sales_rep_1")


def test_red_without_an_open_action_raises_no_action_only_when_asked(demo_store):
    """2026-10 of the demo: Complaint resolution time red 3 months at CS and its
    six agents, CSAT red 2 months at Su Qing (P_CS_01), Marketing's expense
    budget out of band 2 months: 9 no_action alerts; newly red KPIs none."""
    golden = alerts.evaluate(demo_store, "2026-10")
    assert len(golden) == 37 and "no_action" not in set(golden["kind"])
    found = alerts.evaluate(demo_store, "2026-10", follow_up=True)
    bare = found[found["kind"] == "no_action"]
    assert len(bare) == 9
    assert set(bare["severity"]) == {"warning"}
    assert ("CS", "COMPLAINT_TIME") in set(zip(bare["unit_id"], bare["kpi_id"], strict=True))
    assert ("CS", "CSAT") not in set(zip(bare["unit_id"], bare["kpi_id"], strict=True))  # red for 1 month only
    names = alerts.Names.from_frames(demo_store.units(), demo_store.kpis())
    row = bare[(bare["unit_id"] == "CS") & (bare["kpi_id"] == "COMPLAINT_TIME")].iloc[0]
    assert alerts.message(row, "en", names) == (
        "Customer Service · Complaint resolution time: red for 3 months, no open action"
    )
    assert alerts.message(row, "zh", names).endswith("已连续 3 个月未达标,尚无进行中的行动项")

    action_id = _action(demo_store)
    after = alerts.evaluate(demo_store, "2026-10", follow_up=True)
    keys = set(
        zip(
            after.loc[after["kind"] == "no_action", "unit_id"],
            after.loc[after["kind"] == "no_action", "kpi_id"],
            strict=True,
        )
    )
    # the department's action covers its six agents' complaint time too: 9 - 1 - 6 = 2 left
    assert keys == {("MKT", "EXPENSE_EXEC"), ("P_CS_01", "CSAT")}
    review.set_status(demo_store, action_id, "dropped", viewer=None, scope=None, by="hr_admin")
    again = alerts.evaluate(demo_store, "2026-10", follow_up=True)
    assert (again["kind"] == "no_action").sum() == 9


def test_the_scorecard_flags_red_kpis_without_an_open_action(demo_store):
    from kpi_core import scorecard

    card = scorecard.build(demo_store, "CS", "2026-10", "month", Org.from_frame(demo_store.units()))
    links = demo_store.open_action_links(["CS"])
    # the missed complaint-process redesign (a goal-setting task, red) is flagged like a KPI
    assert review.red_without_action(card.kpis, links, "CS") == {"COMPLAINT_TIME", "CSAT", "CS_T1"}
    _action(demo_store)
    assert review.red_without_action(card.kpis, demo_store.open_action_links(["CS"]), "CS") == {"CSAT", "CS_T1"}
