"""The business review's agenda, meeting and minutes (issue 16, items 3 and 4),
on the small company of ``conftest`` where every figure is worked by hand.

HQ in 2026-03 (month view; weights in percent of the total):

* ``rev``: target 200, actual 150 -> completion 0.75, below amber 0.90: red;
  points 40 x 0.75 = 30, so it costs the total 40 - 30 = **10** points. In
  2026-02 it was green (110 / 100): it *turned* red (streak 1). It also fell
  from 110% to 75% completion, 35 points (a ``drop`` alert, > 15).
* ``spend`` (band 90%-100% of budget, 2 points per point outside): 103 / 100
  is 3 points above the band: 10 - 3 x 2 = 4 points, **6** lost; red.
* the others are green or amber: not on the agenda.

The children's totals: SALES 2026-03 = 60 x 0.95 (rev 190/200) + 40 x 0.75
(days 50 against 40: 2 - 1.25) = 57 + 30 = 87; OPS = spend 80/100, 10 points
under the band: 50 - 10 x 2 = 30, + staff 20/20: 50 -> 80. With February
loaded here at 100 each (every figure on target), SALES fell 13 and OPS 20.
"""

from __future__ import annotations

from datetime import date

import pytest

from kpi_core import access, agenda, ingest, review
from kpi_core.org import Org

ADMIN = access.Viewer(name="tester", display="Tester", role="admin")
SALES_MANAGER = access.Viewer(name="sm", display="Sales manager", role="manager", unit_id="SALES")
HQ_MANAGER = access.Viewer(name="boss", display="Boss", role="manager", unit_id="HQ")
ANALYST = access.Viewer(name="an", display="Analyst", role="analyst", unit_id="HQ")
VIEWER = access.Viewer(name="bd", display="Board", role="viewer")

FEBRUARY_TARGETS = b"""unit_id,kpi_id,period,target
SALES,rev,2026-02,200
SALES,days,2026-02,40
OPS,spend,2026-02,100
OPS,staff,2026-02,20
"""
FEBRUARY_ACTUALS = b"""unit_id,kpi_id,period,actual
SALES,rev,2026-02,200
SALES,days,2026-02,40
OPS,spend,2026-02,100
OPS,staff,2026-02,20
"""


def _org(store):
    return Org.from_frame(store.units())


def _scope(store, viewer):
    return access.Scope.of(viewer, _org(store))


def _february(store):
    for kind, data in (("targets", FEBRUARY_TARGETS), ("actuals", FEBRUARY_ACTUALS)):
        report = ingest.load(store, kind, data, f"{kind}.csv")
        assert report.validated.ok, report.validated.errors


def _action(store, title, due, kpi="rev", unit="HQ"):
    return review.create_action(
        store,
        _org(store),
        viewer=None,
        scope=None,
        unit_id=unit,
        title=title,
        owner=unit,
        due=due,
        kpi_ids=[kpi],
        period="2026-02",
        by="tester",
    )


def test_the_agenda_orders_actions_due_then_reds_by_points_lost_then_overdue_then_falls(small_store):
    store = small_store
    _february(store)
    # last month's meeting, held on 5 March: the window of "due since" is 6 March .. 10 April
    old = _action(store, "Chase the two late invoices", date(2026, 3, 1))  # open, due before: overdue 40 days
    on_the_day = _action(store, "Renegotiate the freight contract", date(2026, 3, 5))  # the meeting's day: before
    inside = _action(store, "Price review", date(2026, 3, 20))
    done = _action(store, "Hire a key-account manager", date(2026, 4, 2))
    review.set_status(store, done, "done", viewer=None, scope=None, by="tester")
    _action(store, "Next quarter's plan", date(2026, 4, 20))  # due after the meeting: not yet
    agenda.record_minutes(
        store,
        _org(store),
        unit_id="HQ",
        period="2026-02",
        held_on=date(2026, 3, 5),
        chair="Wang",
        attendees="Wang, Li",
        items=[{"kind": "custom", "title": "Budget", "decision": "Keep it"}],
        by="tester",
    )

    items = agenda.propose(store, _org(store), "HQ", "2026-03", None, today=date(2026, 4, 10), max_units=3)

    assert [(i.kind, i.subject) for i in items] == [
        ("action_due", str(inside)),  # due 20 March
        ("action_due", str(done)),  # due 2 April, done: the meeting sees the result
        ("red", "rev"),  # 10 points lost
        ("red", "spend"),  # 6 points lost
        ("overdue", str(old)),  # 10 April - 1 March = 40 days
        ("overdue", str(on_the_day)),  # 10 April - 5 March = 36 days
        ("unit_fell", "OPS"),  # 100 -> 80: 20
        ("unit_fell", "SALES"),  # 100 -> 87: 13
    ]
    rev, spend = items[2].figures, items[3].figures
    assert (rev["weight"], rev["points"], rev["points_lost"]) == (40.0, 30.0, 10.0)
    assert rev["streak"] == 1 and rev["turned"] is True
    assert [a["kind"] for a in rev["alerts"]] == ["drop"]  # the drop goes with the red item
    assert (spend["points"], spend["points_lost"]) == (4.0, 6.0)
    assert [i.figures["days_overdue"] for i in items[4:6]] == [40, 36]
    assert items[1].figures["status"] == "done"
    assert (items[6].figures["previous"], items[6].figures["total"], items[6].figures["fall"]) == (100.0, 80.0, 20.0)
    # at most one unit when asked
    fewer = agenda.propose(store, _org(store), "HQ", "2026-03", None, today=date(2026, 4, 10), max_units=1)
    assert [i.subject for i in fewer if i.kind == "unit_fell"] == ["OPS"]
    assert agenda.item_title(items[2], "en", _org(store), store.kpis()) == (
        "Revenue: turned red this month, 75% completion, 10.0 points lost"
    )
    assert agenda.item_title(items[6], "zh", _org(store), store.kpis()) == "运营部下降 20.0 分:100.0 → 80.0"


def test_a_reader_sees_only_units_of_the_scope_and_may_not_chair_above_it(small_store):
    store = small_store
    _february(store)
    _action(store, "Fix the spend", date(2026, 3, 20), kpi="spend", unit="OPS")
    org = _org(store)
    # the sales manager reads HQ's unit-level card, but not OPS: no OPS action, no OPS fall
    items = agenda.propose(store, org, "HQ", "2026-03", _scope(store, SALES_MANAGER), today=date(2026, 4, 10))
    assert [(i.kind, i.subject) for i in items] == [("red", "rev"), ("red", "spend"), ("unit_fell", "SALES")]
    with pytest.raises(access.NotPermitted):
        agenda.propose(store, org, "OPS", "2026-03", _scope(store, SALES_MANAGER), today=date(2026, 4, 10))
    for viewer in (SALES_MANAGER, ANALYST, VIEWER):
        with pytest.raises(access.NotPermitted):
            agenda.plan(store, org, "HQ", "2026-03", viewer=viewer, scope=_scope(store, viewer), by=viewer.name)
    # the HQ manager may: and the sales manager may not edit HQ's planned agenda
    meeting = agenda.plan(store, org, "HQ", "2026-03", viewer=HQ_MANAGER, scope=_scope(store, HQ_MANAGER), by="boss")
    with pytest.raises(access.NotPermitted):
        agenda.decide(store, meeting, 1, "No", viewer=SALES_MANAGER, scope=_scope(store, SALES_MANAGER), by="sm")
    with pytest.raises(access.NotPermitted):
        agenda.drop_item(store, meeting, 1, viewer=VIEWER, scope=_scope(store, VIEWER), by="bd")
    assert store.meeting_items(meeting)["decision"].isna().all()
    # the sales manager reads the minutes without OPS's item
    sales_view = agenda.minutes(store, _scope(store, SALES_MANAGER), meeting)
    assert sales_view.hidden_items == 2  # the OPS action and OPS's fall
    assert {i.unit_id for i in sales_view.items} == {"HQ", "SALES"}


def test_the_chair_reorders_drops_adds_decides_and_the_minutes_come_back_as_recorded(small_store):
    store = small_store
    org = _org(store)
    kw = {"viewer": ADMIN, "scope": _scope(store, ADMIN), "by": "tester"}
    meeting = agenda.plan(store, org, "HQ", "2026-03", today=date(2026, 4, 10), **kw)
    assert agenda.plan(store, org, "HQ", "2026-03", today=date(2026, 4, 10), **kw) == meeting  # one at a time
    # proposed: 1 rev, 2 spend
    assert agenda.move_item(store, meeting, 2, 1, **kw)  # spend first
    hostile = '=HYPERLINK("http://evil","x") <script>alert(1)</script>\x07'
    extra = agenda.add_item(store, meeting, "Office move", position=2, **kw)
    assert agenda.drop_item(store, meeting, 1, **kw)  # rev dropped
    assert agenda.decide(store, meeting, 2, hostile, **kw)
    assert not agenda.decide(store, meeting, 2, hostile, **kw)  # unchanged
    action = agenda.create_action_from_item(
        store,
        org,
        meeting,
        2,
        title="Cut the events budget",
        owner="HQ",
        due=date(2026, 5, 31),
        kpi_ids=["spend"],
        **kw,
    )
    assert agenda.update_action_from_item(store, meeting, 2, action, status="in_progress", note="agreed", **kw)
    agenda.finish(store, meeting, held_on=date(2026, 4, 10), chair="Wang Fang", attendees="Li Na, Wu Hao", **kw)

    got = agenda.minutes(store, None, meeting)
    assert (got.status, got.held_on, got.chair, got.attendees) == (
        "held",
        date(2026, 4, 10),
        "Wang Fang",
        "Li Na, Wu Hao",
    )
    assert [(i.kind, i.subject or i.title, i.dropped) for i in got.items] == [
        ("red", "spend", False),
        ("custom", "Office move", False),
        ("red", "rev", True),
    ]
    spend = got.items[0]
    assert spend.decision == '=HYPERLINK("http://evil","x") <script>alert(1)</script>'  # as typed, bell dropped
    assert spend.actions == ((action, "created"), (action, "updated"))
    assert got.items[1].item_no == extra and got.items[1].added_by_chair
    assert got.actions.loc[0, "status"] == "in_progress" and store.action(action)["source"] == "agenda"
    listed = agenda.meetings(store, None, "HQ")
    assert listed[["items", "decisions", "actions"]].iloc[0].tolist() == [2, 1, 1]
    # the minutes are kept as they are
    with pytest.raises(agenda.AgendaProblem):
        agenda.decide(store, meeting, 2, "changed afterwards", **kw)
    log = store.meeting_log(meeting)
    assert {"item moved", "item dropped", "item added", "decision recorded", "meeting finished"} <= set(log["reason"])
    assert set(log["changed_by"]) == {"tester"}


def test_bad_meeting_input_is_refused_and_nothing_is_written(small_store):
    store = small_store
    org = _org(store)
    kw = {"viewer": ADMIN, "scope": None, "by": "tester"}
    meeting = agenda.plan(store, org, "HQ", "2026-03", today=date(2026, 4, 10), **kw)
    before = store.meeting_log(meeting)
    with pytest.raises(agenda.AgendaProblem) as empty:
        agenda.add_item(store, meeting, "   ", **kw)
    assert empty.value.key == "agenda.title_needed"
    with pytest.raises(agenda.AgendaProblem) as long:
        agenda.decide(store, meeting, 1, "x" * 4001, **kw)
    assert long.value.key == "agenda.too_long"
    with pytest.raises(agenda.AgendaProblem):
        agenda.decide(store, meeting, 99, "no such item", **kw)
    with pytest.raises(agenda.AgendaProblem) as chair:
        agenda.finish(store, meeting, held_on=date(2026, 4, 10), chair="", attendees="", **kw)
    assert chair.value.key == "agenda.chair_needed"
    assert len(store.meeting_log(meeting)) == len(before)
    assert store.meeting(meeting)["status"] == "planned"


def test_an_owner_is_masked_in_meeting_mode_and_hidden_from_a_reader_without_persons(small_store):
    store = small_store
    store.add_user("lina", role="employee", unit_id="P1", display="Li Na", by="tests")
    review.create_action(
        store,
        _org(store),
        viewer=None,
        scope=None,
        unit_id="HQ",
        title="Call the top ten customers",
        owner="lina",
        due=date(2026, 3, 20),
        kpi_ids=["rev"],
        period="2026-03",
        by="tester",
    )
    org = _org(store)

    def owner(scope, mask):
        items = agenda.propose(store, org, "HQ", "2026-03", scope, today=date(2026, 4, 10), mask_persons=mask)
        due = next(i for i in items if i.kind == "action_due")
        return due.figures["owner_kind"], due.figures["owner"], agenda.owner_text(due.figures, org.masked(), "en")

    assert owner(None, False)[:2] == ("account", "Li Na")
    assert owner(None, True) == ("unit", "P1", "Person 1")  # the masked organisation numbers her
    board = access.Viewer(name="bd", display="Board", role="viewer", unit_id="HQ")
    assert owner(_scope(store, board), False) == ("hidden", "", "(not shown)")
    # minutes refuse an item that was not on that month's agenda
    with pytest.raises(agenda.AgendaProblem) as refused:
        agenda.record_minutes(
            store,
            org,
            unit_id="HQ",
            period="2026-03",
            held_on=date(2026, 4, 10),
            chair="Wang",
            attendees="",
            items=[{"kind": "red", "subject": "days"}],  # green in March: 38 days against 40
            by="tester",
        )
    assert refused.value.key == "agenda.not_proposed"
