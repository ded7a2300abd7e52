"""360-degree reviews (issue 18, item 3): the anonymity threshold, a rater's
form, who may read a report, and the demo's cycle on the page.

The hand-worked cycle: one behaviour B1, subject S rated by self 5, superior
SUP 4, peers P1 3 and P2 5, subordinates U1 2, U2 3, U3 5; subject T by
superior SUP 2. Peers (2 answers) are hidden, subordinates (3) shown with
(2 + 3 + 5) / 3 = 3.3, superior (1 answer) shown 4.0, self 5.0. "All raters"
pools the shown groups without self: (4 + 2 + 3 + 5) / 4 = 3.5 (the hidden
peers left out). The company average, every answer but self-ratings:
(4 + 3 + 5 + 2 + 3 + 5 + 2) / 7 = 24 / 7 = 3.4.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi_core import access, demo_360, review360
from kpi_core.access import Viewer
from kpi_core.org import Org
from kpi_core.store import Store
from tests.conftest import app_factory

ANCHORS = [(f"level {n}", f"等级 {n}") for n in range(1, 6)]
RATERS = [
    ("S", "S", "self"),
    ("S", "SUP", "superior"),
    ("S", "P1", "peer"),
    ("S", "P2", "peer"),
    ("S", "U1", "subordinate"),
    ("S", "U2", "subordinate"),
    ("S", "U3", "subordinate"),
    ("T", "SUP", "superior"),
]
SCORES = {"S": 5, "SUP": 4, "P1": 3, "P2": 5, "U1": 2, "U2": 3, "U3": 5}


def _cycle(store: Store, status: str = "closed", answered: bool = True) -> None:
    store.save_review_cycle(
        {"cycle_id": "C1", "name": "Test", "name_zh": "测试", "period": "2026-H1", "status": "open"},
        [{"behaviour_id": "B1", "name": "Listens", "name_zh": "倾听", "anchors": ANCHORS}],
        RATERS,
        by="tests",
    )
    if answered:
        rows = [(s, r, "B1", SCORES[r] if s == "S" else 2) for s, r, _ in RATERS]
        store.save_review_answers("C1", rows, by="tests")
    store.set_review_status("C1", status)


def test_two_peers_are_hidden_the_superior_shown_with_one(small_store: Store):
    _cycle(small_store)
    rep = review360.report(small_store, None, None, "C1", "S")
    row = review360.report_table(rep, "en").iloc[0].to_dict()
    assert row == {
        "Behaviour": "Listens",
        "Self": "5.0",
        "Superior": "4.0",
        "Peers": "hidden (2 < 3)",
        "Subordinates": "3.3",
        "All raters (shown groups, without self)": "3.5",
        "Company average": "3.4",
    }
    assert review360.group_counts(rep, "en") == "Self 1 · Superior 1 · Peers 2 (hidden) · Subordinates 3"
    assert rep.cells.loc[rep.cells["rater_group"] == "peer", "mean"].isna().all()  # not even kept

    # a third peer answers 4: peers shown, (3 + 5 + 4) / 3 = 4.0
    small_store.set_review_status("C1", "open")
    with small_store.transaction() as cur:
        cur.execute(
            "INSERT INTO review_raters (cycle_id, subject_id, rater_id, rater_group) VALUES ('C1', 'S', 'P3', 'peer')"
        )
    small_store.save_review_answers("C1", [("S", "P3", "B1", 4)], by="tests")
    zh = review360.report_table(review360.report(small_store, None, None, "C1", "S"), "zh").iloc[0]
    assert zh["同级"] == "4.0" and zh["行为"] == "倾听"


def test_a_raters_form_lists_what_they_owe_and_takes_their_answers(small_store: Store):
    _cycle(small_store, status="open", answered=False)
    u1 = Viewer(name="u1", display="U1", role="employee", unit_id="U1")
    owed = review360.owed(small_store, u1)
    assert owed[["subject_id", "rater_group", "answered", "behaviours", "done"]].values.tolist() == [
        ["S", "subordinate", 0, 1, False]
    ]
    assert review360.submit(small_store, u1, "C1", "S", {"B1": 2}) == 1
    assert review360.owed(small_store, u1)["done"].tolist() == [True]
    assert review360.my_answers(small_store, u1, "C1", "S") == {"B1": 2}
    with pytest.raises(review360.ReviewError) as bad:
        review360.submit(small_store, u1, "C1", "S", {"B1": 6})
    assert bad.value.text("en") == "B1: the score is a whole number from 1 to 5, not 6."
    with pytest.raises(review360.ReviewError) as other:
        review360.submit(small_store, u1, "C1", "T", {"B1": 3})  # not a rater of T
    assert other.value.key == "r360.err.not_rater"
    small_store.set_review_status("C1", "closed")
    with pytest.raises(review360.ReviewError) as closed:
        review360.submit(small_store, u1, "C1", "S", {"B1": 3})
    assert closed.value.text("zh") == "周期 C1 已结束:评分不能再修改。"


def test_a_report_is_the_subjects_their_managers_and_admins_not_a_raters(small_store: Store):
    _cycle(small_store)
    subject = Viewer(name="s", display="S", role="employee", unit_id="S")
    peer = Viewer(name="p1", display="P1", role="employee", unit_id="P1")
    assert review360.may_read_report(subject, None, "S")
    assert not review360.may_read_report(peer, None, "S")
    with pytest.raises(access.NotPermitted):
        review360.report(small_store, peer, None, "C1", "S")
    assert review360.visible_subjects(small_store, peer, None, "C1") == []
    admin = Viewer(name="a", display="A", role="admin")
    assert review360.visible_subjects(small_store, admin, None, "C1") == ["S", "T"]


# ---------------------------------------------------------------- the demo's cycle


@pytest.fixture(scope="module")
def seeded_template(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its 360 cycle (seeded here until the demo seeds it itself)."""
    path = tmp_path_factory.mktemp("r360") / "demo.duckdb"
    shutil.copyfile(demo_db_template, path)
    with Store(path) as store:
        demo_360.seed(store, Org.from_frame(store.units()))
        store.cursor().execute("CHECKPOINT")
    return path


@pytest.fixture
def app360(seeded_template: Path, demo_db: Path):
    shutil.copyfile(seeded_template, demo_db)
    with app_factory() as make:
        yield make


def test_the_demo_heads_report_hides_hrs_two_subordinates(seeded_template: Path):
    with Store(seeded_template, read_only=True) as store:
        org = Org.from_frame(store.units())
        assert demo_360.heads(org) == [
            "P_SALES_E_01", "P_MKT_01", "P_PROD_01", "P_RD_01", "P_SCM_01", "P_CS_01", "P_FIN_01", "P_HR_01",
        ]  # fmt: skip
        assert len(store.review_behaviours("2026-H1")) == 7
        rep = review360.report(store, None, None, "2026-H1", "P_HR_01")
    assert review360.group_counts(rep, "en") == "Self 1 · Superior 1 · Peers 4 · Subordinates 2 (hidden)"


def test_the_360_page_shows_a_report_and_the_setup_to_the_admin(app360):
    at = app360("pages/12_360.py")
    assert not at.exception
    at.selectbox(key="r360_subject").set_value("P_HR_01").run()
    table = at.dataframe[0].value
    assert set(table["Subordinates"]) == {"hidden (2 < 3)"}
    assert len(table) == 7
    setup = at.dataframe[1].value
    assert setup["Raters done"].tolist()[0] == "13 / 13"  # Sales' head: self, CEO, 4 peers, 4 staff, 3 customers
    zh = app360("pages/12_360.py", lang="zh")
    assert not zh.exception
    assert "公司平均" in zh.dataframe[0].value.columns
