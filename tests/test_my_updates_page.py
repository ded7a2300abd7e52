"""The "My updates" page driven by AppTest (issue 13, item 7), on the small
company of conftest.py with the accounts of tests/test_owners.py: Li Na
(``li.na``, P1) owes her Revenue of 2026-01, 02 and 03 (target 50 in March);
due days 2026-02-06, 2026-03-06 and 2026-04-07 (worked out there). The page
counts from the day in ``session_state["my_updates_today"]``.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kpi_core import owners, scorecard
from kpi_core.access import Viewer
from kpi_core.org import Org
from kpi_core.store import Store
from tests.test_owners import ACCOUNTS, AFTER_DUE, BEFORE_DUE

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/8_my_updates.py"


@pytest.fixture
def small_db(_small_db_template: Path, _isolated_db: Path) -> Path:
    """The small company with the accounts, at the path the app opens."""
    shutil.copyfile(_small_db_template, _isolated_db)
    with Store(_isolated_db) as store:
        for name, role, unit, display in ACCOUNTS:
            store.add_user(name, role=role, unit_id=unit, display=display, by="test")
    return _isolated_db


@pytest.fixture
def open_as(small_db):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    st.cache_data.clear()

    def make(name: str, lang: str = "en", today: date = BEFORE_DUE):
        role, unit, display = {n: (r, u, d) for n, r, u, d in ACCOUNTS}[name]
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["kpi_viewer"] = Viewer(name=name, display=display, role=role, unit_id=unit)
        at.session_state["my_updates_today"] = today
        at.query_params["lang"] = lang
        at.run()
        at.switch_page(PAGE)
        at.run()
        assert not at.exception, at.exception[0].value
        return at

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def store() -> Store:
    from kpi_ui import data

    return data.store()


def total(unit: str, period: str):
    value = scorecard.build(store(), unit, period, "month", Org.from_frame(store().units())).total
    return None if value is None or pd.isna(value) else round(float(value), 6)


#: A column only each table has: what it is known by.
TABLES = {
    "owed": ("Due", "Target"),
    "owed_zh": ("截止日", "目标"),
    "overdue": ("Days late",),
    "pending": ("#",),
    "owners": ("How",),
}


def frame(at, table: str) -> pd.DataFrame | None:
    found = [df.value for df in at.dataframe if set(TABLES[table]) <= set(df.value.columns)]
    return found[0] if found else None


def texts(elements) -> list[str]:
    """What the reader sees (the Markdown escapes of names and values dropped)."""
    return [str(e.value).replace("\\", "") for e in elements]


def submit(at, **typed: str):
    """Type the values (by month) into the form and store them."""
    for period, value in typed.items():
        box = next(b for b in at.text_input if period.replace("_", "-") in b.label)
        box.input(value)
    next(b for b in at.button if b.proto.form_id == "my_updates_form").click()
    at.run()
    assert not at.exception, at.exception[0].value
    return at


def test_li_na_sees_what_she_owes_and_her_entry_moves_her_score(open_as):
    at = open_as("li.na")
    assert at.title[0].value == "My updates"
    assert [t.label for t in at.tabs] == ["What I owe"]  # no approvals, no overdue list, no owners
    owed = frame(at, "owed")
    assert owed.values.tolist() == [
        ["Li Na", "Revenue", "2026-01", "–", "2026-02-06", "overdue"],
        ["Li Na", "Revenue", "2026-02", "–", "2026-03-06", "overdue"],
        ["Li Na", "Revenue", "2026-03", "50 10k CNY", "2026-04-07", "due"],
    ]
    assert texts(at.warning) == ["2 of these figures are overdue."]
    hints = {b.label.replace("\\", ""): b.placeholder for b in at.text_input}
    assert hints == {
        "Revenue · 2026-01 · overdue": "target –",
        "Revenue · 2026-02 · overdue": "target –",
        "Revenue · 2026-03": "target 50 10k CNY",
    }
    assert total("P1", "2026-03") is None
    submit(at, **{"2026_03": "45"})
    assert texts(at.success) == ["Stored 1 figure(s) as batch 6; the scores are up to date."]
    # 45 of 50 with weight 100: 90 points
    assert total("P1", "2026-03") == 90.0
    assert frame(at, "owed")["Month"].tolist() == ["2026-01", "2026-02"]
    assert [b.value for b in at.text_input] == ["", ""]  # empty fields for the next figures


def test_a_bad_figure_is_refused_with_the_uploads_reason_in_chinese(open_as):
    at = open_as("li.na", lang="zh")
    assert [t.label for t in at.tabs] == ["我的待填报"]
    submit(at, **{"2026_03": "abc"})
    assert texts(at.error) == [
        "未保存任何内容:有 1 处问题需要更正。",
        "李娜 · 营业收入 · 2026-03('abc'):不是有效的数字",
    ]
    assert total("P1", "2026-03") is None
    typed = {b.label.replace("\\", ""): b.value for b in at.text_input}
    assert typed["营业收入 · 2026-03"] == "abc"  # what was typed stays, to be corrected


def test_warnings_are_confirmed_before_the_figure_is_stored(open_as):
    at = open_as("li.na")
    submit(at, **{"2026_01": "40"})  # no target for January: the upload's warning
    assert texts(at.warning)[1:] == [
        "Nothing was stored yet: check the warnings below, then confirm and store again.",
        "Li Na · Revenue · 2026-01 ('40'): no targets are stored for 2026-01: 1 actuals of this file "
        "cannot be scored until the targets are loaded",
    ]
    assert at.checkbox(key="my_updates_confirm").value is False
    at.checkbox(key="my_updates_confirm").check()
    submit(at)
    assert texts(at.success) == ["Stored 1 figure(s) as batch 6; the scores are up to date."]
    assert frame(at, "owed")["Month"].tolist() == ["2026-02", "2026-03"]


def test_a_month_closed_while_the_form_was_open_refuses_the_entry(open_as):
    at = open_as("li.na")
    store().close_period("2026-03", closed_by="root", note="Q1 review")
    submit(at, **{"2026_03": "45"})
    on = f"{date.today():%Y-%m-%d}"
    assert texts(at.error) == [
        f"2026-03 is closed (by root on {on}); reopen it before changing its figures. Nothing was stored."
    ]
    assert total("P1", "2026-03") is None


@pytest.mark.parametrize("name", ["mgr", "vw", "otto"])
def test_who_owns_nothing_is_told_so_and_sees_no_one_elses_figures(open_as, name):
    at = open_as(name)
    assert "You own no KPIs, so there is nothing for you to enter." in texts(at.success)
    assert frame(at, "owed") is None
    assert "my_updates_form" not in str([b.proto.form_id for b in at.button])


def test_the_analyst_sees_the_overdue_list_and_approves_an_entry(open_as):
    owners.save_settings(store(), None, owners.OwnerSettings(approval=True))
    li = Viewer(name="li.na", display="Li Na", role="employee", unit_id="P1")
    kept = owners.enter(store(), li, [owners.Entry("P1", "rev", "2026-03", "45")], today=BEFORE_DUE)
    at = open_as("ana", today=AFTER_DUE)
    assert [t.label for t in at.tabs] == ["What I owe", "Approvals", "Overdue", "Owners"]
    late = frame(at, "overdue")
    assert late.values.tolist() == [
        ["Li Na", "Li Na", "Revenue", "2026-01", "2026-02-06", 61],  # 2026-04-08 is 61 days after 02-06
        ["Li Na", "Li Na", "Revenue", "2026-02", "2026-03-06", 33],
        ["Li Na", "Li Na", "Revenue", "2026-03", "2026-04-07", 1],
    ]
    waiting = frame(at, "pending")
    assert waiting[["#", "Entered by", "KPI", "Month", "Value"]].values.tolist() == [
        [kept.entry_ids[0], "Li Na", "Revenue", "2026-03", "45 10k CNY"]
    ]
    assert total("P1", "2026-03") is None  # not counted before the approval
    at.multiselect(key="my_updates_pick").select(kept.entry_ids[0]).run()
    at.button(key="my_updates_approve").click().run()
    assert not at.exception
    assert texts(at.success)[0] == "Approved 1 entry(ies), stored as batch 6; the scores are up to date."
    assert total("P1", "2026-03") == 90.0


def test_the_admin_sets_an_owner_and_the_due_day(open_as):
    at = open_as("root")
    at.selectbox(key="my_updates_unit").set_value("SALES").run()
    owners_table = frame(at, "owners")
    assert owners_table.values.tolist() == [
        ["Collection days", "–", "none"],
        ["Revenue", "–", "none"],
    ]
    at.selectbox(key="my_updates_owner_kpi").set_value("rev")
    at.selectbox(key="my_updates_owner_pick").set_value("li.na")
    next(b for b in at.button if b.proto.form_id == "my_updates_owner_form").click()
    at.run()
    assert texts(at.success)[0] == "Owner of Revenue of Sales saved."
    assert frame(at, "owners").values.tolist() == [
        ["Collection days", "–", "none"],
        ["Revenue", "Li Na", "set"],
    ]
    at.number_input(key="my_updates_due_day").set_value(3)
    at.toggle(key="my_updates_approval").set_value(True)
    next(b for b in at.button if b.proto.form_id == "my_updates_settings").click()
    at.run()
    assert texts(at.success)[0] == "Settings saved."
    assert owners.settings(store()) == owners.OwnerSettings(due_working_day=3, approval=True)
    # the intro counts with the new day: 2026-03's figures due Friday 2026-04-03
    assert "those of 2026-03 on 2026-04-03" in at.caption[0].value


def test_the_salesperson_of_the_demo_owes_novembers_figures_in_chinese(app):
    """The demo on 2026-12-05: sales_rep_1 (P_SALES_N_01) owes the four KPIs
    of 2026-11, due Monday 2026-12-07 (December starts on a Tuesday)."""
    from streamlit.testing.v1 import AppTest

    demo = store()
    row = demo.user("sales_rep_1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["kpi_viewer"] = Viewer.from_row(row)
    at.session_state["demo_view_as"] = "sales_rep_1"
    at.session_state["my_updates_today"] = date(2026, 12, 5)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    owed = frame(at, "owed_zh")
    assert owed["月份"].tolist() == ["2026-11"] * 4
    assert set(owed["截止日"]) == {"2026-12-07"} and set(owed["状态"]) == {"待填报"}
    assert set(owed["指标"]) == {"应收账款周转天数", "重点客户覆盖率", "报价响应时间", "营业收入"}
