"""The business review on the pages (issue 16), through AppTest on the demo:
a comment written on the KPI detail, its marker on the scorecard, an action
created (from the KPI and from an alert), overdue, scope, Chinese."""

from __future__ import annotations

from datetime import date, timedelta

from kpi_core import review
from kpi_core.org import Org
from kpi_core.store import Store
from kpi_ui.text import plain

DETAIL = "pages/2_kpi_detail.py"
SCORECARD = "pages/1_scorecard.py"
ALERTS = "pages/3_alerts.py"
HOSTILE = '=HYPERLINK("http://evil.example","x") **bold** <script>alert(1)</script>'


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _kpi_labels(at) -> list[str]:
    return [label for df in at.dataframe for label in (df.value.iloc[:, 0] if len(df.value.columns) else [])]


def test_a_comment_written_on_the_kpi_detail_shows_literally_and_marks_the_scorecard(app):
    at = app(DETAIL, view_as="ceo", unit="CS", kpi="COMPLAINT_TIME", period="2026-10")
    assert not at.exception
    assert any("No comment for 2026-10 yet." in c.value for c in at.caption)
    at.text_area(key="review_analysis").input(HOSTILE)
    at.text_area(key="review_outlook").input("Back on target by December")
    at.button(key="review_comment_save").click().run()
    assert not at.exception
    body = _markdown(at)
    assert plain(HOSTILE) in body  # escaped: no link, no bold, no HTML
    assert "Back on target by December" in body
    assert any(c.value.startswith("by ceo, ") for c in at.caption)

    sc = app(SCORECARD, view_as="ceo", unit="CS", period="2026-10")
    labels = _kpi_labels(sc)
    # no action recorded yet in the company: no "no action" flag, only the comment
    assert "Complaint resolution time ✎" in labels
    assert "Customer satisfaction" in labels
    meeting = app(SCORECARD, view_as="ceo", unit="CS", period="2026-10", meeting="1")
    assert "Complaint resolution time ✎" in _markdown(meeting)


def _action_on(demo_db, kpi: str, due: date, owner: str = "CS", title: str = "Hire two agents") -> None:
    with Store(demo_db) as store:
        review.create_action(
            store,
            Org.from_frame(store.units()),
            viewer=None,
            scope=None,
            unit_id="CS",
            title=title,
            owner=owner,
            due=due,
            kpi_ids=[kpi],
            period="2026-10",
            by="hr_admin",
        )


def test_once_actions_are_tracked_red_kpis_without_one_are_flagged_in_both_modes(app, demo_db):
    _action_on(demo_db, "CSAT", date.today() + timedelta(days=10), title="Call back unhappy customers")
    sc = app(SCORECARD, view_as="ceo", unit="CS", period="2026-10")
    labels = _kpi_labels(sc)
    assert "Complaint resolution time ⚑ no action" in labels
    assert "Customer satisfaction" in labels  # red, with an open action
    meeting = app(SCORECARD, view_as="ceo", unit="CS", period="2026-10", meeting="1", lang="zh")
    assert "客诉处理时长 ⚑ 无行动项" in _markdown(meeting)


def test_an_action_created_on_the_kpi_detail_is_listed_and_clears_the_flag(app):
    at = app(DETAIL, view_as="ceo", unit="CS", kpi="COMPLAINT_TIME", period="2026-10")
    at.text_input(key="review_action_title").input("Hire two agents")
    at.date_input(key="review_action_due").set_value(date.today() - timedelta(days=3))
    at.button(key="review_action_create").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Action" in d.value.columns)
    assert list(table["Action"]) == ["Hire two agents"]
    assert list(table["Owner"]) == ["Customer Service"]
    assert list(table["Status"]) == ["⚠ overdue · open"]
    assert list(table["KPIs"]) == ["Complaint resolution time"]

    sc = app(SCORECARD, view_as="ceo", unit="CS", period="2026-10")
    assert "Complaint resolution time" in _kpi_labels(sc)  # no ⚑: an open action
    assert "Customer satisfaction ⚑ no action" in _kpi_labels(sc)  # red, none
    assert "**1** open, **1** overdue" in _markdown(sc)
    listed = next(d.value for d in sc.dataframe if "Action" in d.value.columns)
    assert list(listed["Status"]) == ["⚠ overdue · open"] and list(listed["Unit"]) == ["Customer Service"]

    zh = app(SCORECARD, view_as="ceo", unit="CS", period="2026-10", lang="zh")
    assert any(h.value == "行动项" for h in zh.subheader)
    assert "未开始" in next(d.value for d in zh.dataframe if "行动项" in d.value.columns)["状态"].iloc[0]


def test_the_status_change_is_kept_with_who_and_when(app, demo_db):
    _action_on(demo_db, "COMPLAINT_TIME", date.today() + timedelta(days=10))
    at = app(DETAIL, view_as="ceo", unit="CS", kpi="COMPLAINT_TIME", period="2026-10")
    at.selectbox(key="review_status_new").set_value("done")
    at.text_input(key="review_status_note").input("two hired")
    at.button(key="review_status_save").click().run()
    assert not at.exception
    history = next(d.value for d in at.dataframe if "Change" in d.value.columns)
    assert list(history["Who"]) == ["hr_admin", "ceo"]
    assert list(history["To"]) == ["open", "done"]
    assert list(history["Note"]) == ["Hire two agents", "two hired"]


def test_an_action_from_an_alert_opens_the_form_filled(app, demo_db):
    _action_on(demo_db, "CSAT", date.today() + timedelta(days=10), title="Call back unhappy customers")
    at = app(ALERTS, view_as="ceo", unit="CS", period="2026-10")
    assert not at.exception
    kinds = _markdown(at)
    assert (
        "**Red, no action** · Customer Service · Complaint resolution time: red for 3 months, no open action" in kinds
    )
    buttons = [b for b in at.button if b.key and b.key.startswith("alert_act_")]
    assert buttons
    buttons[0].click().run()
    assert not at.exception
    title = at.text_input(key="review_action_title").value
    assert "Complaint resolution time" in title or "Customer satisfaction" in title


def test_readers_without_the_right_see_no_forms_and_nothing_outside_their_scope(app, demo_db):
    _action_on(demo_db, "COMPLAINT_TIME", date.today(), owner="P_CS_01", title="Secret CS plan")
    board = app(DETAIL, view_as="board", unit="CS", kpi="COMPLAINT_TIME", period="2026-10")
    assert not board.exception
    assert not [t for t in board.text_area if t.key == "review_analysis"]
    assert not [b for b in board.button if b.key == "review_action_create"]
    table = next(d.value for d in board.dataframe if "Action" in d.value.columns)
    assert list(table["Owner"]) == ["(not shown)"]  # a person: the board sees no persons
    sales = app(SCORECARD, view_as="sales_director", unit="HQ", period="2026-10")
    assert "Secret CS plan" not in str([d.value for d in sales.dataframe])
