"""The business-review page (issue 16, items 3 and 4) through AppTest on the
demo company: the proposed agenda of Customer Service for 2026-10, prepared
and edited by a manager, walked with a decision and an action, finished into
minutes; who may do what; Chinese; hostile text stays text.

Customer Service, 2026-10 (month view), by the demo's stories: the complaint
resolution time is red for the third month, the customer-satisfaction KPI
turned red this month, and its complaint-process task is red; its persons
fell most against September."""

from __future__ import annotations

from kpi_core.store import Store

REVIEW = "pages/9_review.py"
HOSTILE = '=HYPERLINK("http://evil.example","x") **bold** <script>alert(1)</script>'
ESCAPED = (
    "&#61;HYPERLINK&#40;&#34;http&#58;\u2060//evil.example&#34;,&#34;x&#34;&#41; &#42;&#42;bold&#42;&#42; "
    "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;"
)


def _html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _agenda_rows(at) -> list[str]:
    """The item cells of the agenda table, in order."""
    body = _html(at)
    table = body[body.index('data-testid="mt-agenda"') :]
    return [cell.split("</td>")[0] for cell in table.split('<td class="mt-wrap">')[1:]]


def test_a_manager_prepares_reorders_drops_and_adds_and_the_order_is_kept(app, demo_db):
    at = app(REVIEW, view_as="ceo", unit="CS", period="2026-10")
    assert not at.exception
    proposed = _agenda_rows(at)
    assert proposed[0].startswith("Complaint resolution time&#58; red for 3 months")
    assert "Customer satisfaction&#58; turned red this month" in "".join(proposed)
    at.button(key="mt_prepare").click().run()
    assert not at.exception
    # the prepared agenda: one row of controls per item; the second goes up, the first is dropped
    at.button(key="mt_up_2").click().run()
    at.button(key="mt_drop_1").click().run()
    at.text_input(key="mt_add_title").input(HOSTILE)
    at.button(key="mt_add").click().run()
    assert not at.exception
    with Store(demo_db) as store:
        meeting = store.planned_meeting("CS", "2026-10")
        items = store.meeting_items(int(meeting["meeting_id"]))
    shown = items[~items["dropped"]]
    assert shown["item_no"].tolist()[0] == 2  # moved to the top
    assert items.loc[items["item_no"] == 1, "dropped"].item()  # kept, marked dropped
    assert shown["title"].tolist()[-1] == HOSTILE  # stored as typed, last
    assert ESCAPED in "\n".join(m.value for m in at.markdown)  # shown as text


def test_the_meeting_walks_records_a_decision_and_an_action_and_the_minutes_read_back(app):
    at = app(REVIEW, view_as="ceo", unit="CS", period="2026-10", meeting="1")
    at.button(key="mt_prepare").click().run()
    at.button_group(key="mt_mode").set_value("walk").run()
    assert not at.exception
    assert "Item 1 of " in _markdown(at)
    at.button(key="mt_next").click().run()
    assert "Item 2 of " in _markdown(at)
    at.button(key="mt_prev").click().run()
    assert "Item 1 of " in _markdown(at)
    at.text_area(key=next(k for k in _keys(at) if k.startswith("mt_decision_"))).input(HOSTILE).run()
    at.text_input(key="mt_action_title_1").input("Add two agents to the complaints desk")
    at.button(key="mt_create_1").click().run()
    assert not at.exception
    at.text_area(key="mt_attendees").input("Chen Hua, Li Na")
    at.button(key="mt_finish").click().run()
    assert not at.exception
    # the minutes: the decision escaped, the action linked to the item
    body = _html(at)
    assert ESCAPED in body
    assert "&#35;1 &#40;created&#41;" in body  # "#1 (created)", escaped
    assert "Chen Hua, Li Na" in _markdown(at)
    actions = at.dataframe[-1].value
    assert actions.iloc[0].tolist()[3] == "Add two agents to the complaints desk"
    zh = app(REVIEW, view_as="ceo", unit="CS", period="2026-10", lang="zh")
    zh.button_group(key="mt_mode").set_value("minutes").run()
    assert "会议纪要 · 客户服务部 · 2026-10" in "\n".join(h.value for h in zh.subheader)
    assert "&#35;1 &#40;新建&#41;" in _html(zh)


def test_who_may_chair_prepare_and_read(app):
    # the sales director reads the company's agenda but may not prepare it
    sales = app(REVIEW, view_as="sales_director", unit="HQ", period="2026-10")
    assert not sales.exception
    assert not [b for b in sales.button if b.key == "mt_prepare"]
    assert any("admins and the unit's managers prepare" in c.value for c in sales.caption)
    # the company's agenda never names a department outside the director's scope
    assert "Customer Service" not in _html(sales) and "Production" not in _html(sales)
    # an employee may not open Customer Service at all
    rep = app(REVIEW, view_as="sales_rep_1", unit="CS", period="2026-10")
    assert not _agenda_rows_or_none(rep)
    # the board (a viewer) reads, in Chinese, without controls
    board = app(REVIEW, view_as="board", unit="CS", period="2026-10", lang="zh")
    assert not board.exception
    assert "客诉处理时长:已连续 3 个月未达标" in _html(board).replace("&#58;", ":")
    assert not [b for b in board.button if b.key == "mt_prepare"]


def _agenda_rows_or_none(at) -> list[str]:
    return _agenda_rows(at) if 'data-testid="mt-agenda"' in _html(at) else []


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _keys(at) -> list[str]:
    return [w.key for w in at.text_area if w.key]
