"""What each role sees on the reading pages (issue 13), in AppTest on the demo.

The demo's accounts (kpi_core.access.DEMO_ACCOUNTS): sales_rep_1 is Wu Hao
(P_SALES_N_01, an employee), sales_director manages Sales, ceo manages the
company, analyst loads figures company-wide, hr_admin is an admin. Zhou Ting
(P_SALES_N_02) is Wu Hao's colleague in Sales North: her name and her October
total (104.5, read off the admin's page) must appear nowhere on a page an
account outside her scope opens.
"""

from __future__ import annotations

import pytest

from kpi_core.access import Viewer
from kpi_core.store import Store
from tests.test_zh_walk import visible_texts

PERIOD = "2026-10"
COLLEAGUE = "P_SALES_N_02"
COLLEAGUE_NAMES = ("Zhou Ting", "周婷")
PAGES = (None, "pages/2_kpi_detail.py", "pages/3_alerts.py")


def _everything(at) -> str:
    return "\n".join(visible_texts(at))


def _refused(at, unit: str) -> bool:
    shown = [e.value.replace("\\", "") for e in at.error]  # the id is Markdown-escaped (P\_SALES ...)
    return any(v.startswith((f"{unit}: not permitted", f"{unit}:无权")) for v in shown)


def test_the_admin_sees_the_colleague_with_her_total(app):
    at = app(unit=COLLEAGUE, period=PERIOD)
    assert not at.exception
    text = _everything(at)
    assert "Zhou Ting" in text and "104.5" in text


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_salesperson_who_types_a_colleagues_unit_sees_not_permitted_and_nothing_of_hers(app, page, lang):
    at = app(page, view_as="sales_rep_1", unit=COLLEAGUE, period=PERIOD, lang=lang)
    assert not at.exception
    assert _refused(at, COLLEAGUE)
    text = _everything(at)
    for name in COLLEAGUE_NAMES:
        assert name not in text
    assert "104.5" not in text


def test_a_salesperson_opens_on_their_own_scorecard_and_finds_only_what_they_may_see(app):
    at = app(view_as="sales_rep_1", period=PERIOD)
    assert not at.exception
    assert dict(at.query_params)["unit"] in ("P_SALES_N_01", ["P_SALES_N_01"])
    # the unit box offers themselves, their department and the company: nobody else
    options = at.selectbox(key="sb_unit").options
    assert len(options) == 3
    assert not any("Zhou Ting" in o for o in options)
    assert "Wu Hao" in _everything(at)


def test_the_company_page_of_a_salesperson_lists_no_other_unit(app):
    at = app(view_as="sales_rep_1", unit="HQ", period=PERIOD)
    assert not at.exception and not at.error
    text = _everything(at)
    for unit in ("Sales East Region", "Finance", "Zhou Ting", "Wang Lei"):
        assert unit not in text


def test_the_sales_director_sees_the_team_but_not_finance(app):
    team = app(view_as="sales_director", unit="SALES_N", period=PERIOD)
    assert not team.exception and not team.error
    assert "Zhou Ting" in _everything(team)
    person = app(view_as="sales_director", unit=COLLEAGUE, period=PERIOD)
    assert "104.5" in _everything(person)
    finance = app(view_as="sales_director", unit="FIN", period=PERIOD)
    assert _refused(finance, "FIN")
    assert "Finance" not in _everything(finance)


def test_the_sales_directors_alerts_stop_at_sales(app):
    at = app("pages/3_alerts.py", view_as="sales_director", unit="SALES", period=PERIOD)
    assert not at.exception and not at.error
    units = at.multiselect(key="alerts_unit").options
    assert len(units) > 0
    assert "Finance" not in _everything(at)
    company = app("pages/3_alerts.py", view_as="sales_director", unit="FIN", period=PERIOD)
    assert _refused(company, "FIN")


def test_the_sales_director_sees_the_company_total_with_sales_as_its_only_unit(app):
    at = app(view_as="sales_director", unit="HQ", period=PERIOD)
    assert not at.exception and not at.error
    text = _everything(at)
    assert "101.6" in text  # the company's October total, as the admin sees it
    assert "Sales" in text and "Finance" not in text and "Marketing" not in text


def test_meeting_mode_numbers_persons_until_the_presenter_shows_names(app):
    at = app(view_as="ceo", unit="SALES_N", period=PERIOD, meeting="1")
    assert not at.exception
    text = _everything(at)
    for name in ("Zhou Ting", "Wu Hao", "Xu Gang"):
        assert name not in text
    assert "Person 9" in text  # Zhou Ting: 7 persons in Sales East, then Wu Hao (8) and her
    at.toggle(key="meeting_unmasked").set_value(True).run()
    assert "Zhou Ting" in _everything(at)


@pytest.mark.parametrize("page", PAGES)
def test_no_person_is_named_on_any_reading_page_in_meeting_mode(app, page):
    at = app(page, view_as="ceo", unit="SALES_N", period=PERIOD, meeting="1")
    assert not at.exception and not at.error
    text = _everything(at)
    persons = [n for n in ("Wu Hao", "Zhou Ting", "Xu Gang", "Zhao Min", "Sun Li", "Ma Chao") if n in text]
    assert persons == []


def test_meeting_mode_numbers_persons_in_chinese_too(app):
    at = app(view_as="ceo", unit="SALES_N", period=PERIOD, meeting="1", lang="zh")
    text = _everything(at)
    assert "周婷" not in text and "人员 10" in text


def test_a_viewer_sees_departments_and_no_person(small_store, monkeypatch):
    """On the small company (not the demo): a viewer account of the company."""
    small_store.add_user("board", role="viewer", display="Board", by="tests")
    path = small_store.path
    small_store.close()
    from tests.conftest import app_factory

    monkeypatch.setenv("KPI_DB_PATH", str(path))
    board = Viewer(name="board", display="Board", role="viewer")
    with app_factory() as make:
        sales = make(as_user=board, unit="SALES", period="2026-03")
        assert not sales.exception and not sales.error
        assert "Li Na" not in _everything(sales)
        person = make(as_user=board, unit="P1", period="2026-03")
        assert _refused(person, "P1")
        assert "Li Na" not in _everything(person)


def test_a_disabled_account_is_signed_out_at_its_next_click(small_store, monkeypatch):
    small_store.add_user("li", role="manager", unit_id="SALES", display="Li", by="tests")
    path = small_store.path
    from tests.conftest import app_factory

    monkeypatch.setenv("KPI_DB_PATH", str(path))
    small_store.close()
    li = Viewer(name="li", display="Li", role="manager", unit_id="SALES")
    with app_factory() as make:
        at = make(as_user=li, unit="SALES", period="2026-03")
        assert not at.exception and not at.error
        with Store(path) as store:
            store.update_user("li", disabled=True, by="tests")
        at.run()
        assert [t.value for t in at.title] == ["Sign in"]
        assert "Sales" not in _everything(at)


def test_the_figures_as_of_a_moment_keep_the_scope(app):
    at = app(view_as="sales_rep_1", unit=COLLEAGUE, period=PERIOD, as_of="2026-11-20T12:00")
    assert not at.exception
    assert _refused(at, COLLEAGUE)
    assert "Zhou Ting" not in _everything(at)
    own = app(view_as="sales_rep_1", unit="P_SALES_N_01", period=PERIOD, as_of="2026-11-20T12:00")
    assert not own.exception and not own.error
    assert "Wu Hao" in _everything(own)


def test_a_salesperson_s_kpi_detail_compares_with_no_colleague(app):
    at = app("pages/2_kpi_detail.py", view_as="sales_rep_1", unit="P_SALES_N_01", period=PERIOD, kpi="REV")
    assert not at.exception and not at.error
    text = _everything(at)
    assert "Wu Hao" in text
    for name in ("Zhou Ting", "Xu Gang", "Zhao Min", "Sun Li", "Ma Chao"):
        assert name not in text
