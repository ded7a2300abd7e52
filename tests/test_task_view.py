"""The task view of the KPI detail page and a manager's assessment (issue 14,
item 4), through AppTest on the hand-worked company of tests/test_tasks.py.

That company (HQ: revenue 50, NPS 20, three tasks of 10) totals, by hand:
January 80 = rev 45 + nps 18 + ERP 8 (good) + SAFE 9 (+1;-2) + CRM none.
Here it also has a department OPS and a person P1 under HQ, so that an
employee and another department's manager can be refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpi_core import access, scores, tasks_ops
from kpi_core.org import Org
from kpi_core.store import PeriodClosedError, Store
from kpi_ui import scorecard_view
from kpi_ui import state as vs
from kpi_ui.text import plain
from tests.conftest import app_factory
from tests.test_tasks import FILES, KINDS, load

DETAIL = "pages/2_kpi_detail.py"
SCORECARD = "pages/1_scorecard.py"

UNITS = FILES["units"] + "OPS,Operations,运营部,department,HQ\nP1,Li Na,李娜,person,HQ\n"
MANAGER = access.Viewer(name="hq_boss", display="HQ boss", role="manager", unit_id="HQ")
OPS_MANAGER = access.Viewer(name="ops_boss", display="Ops boss", role="manager", unit_id="OPS")
EMPLOYEE = access.Viewer(name="li_na", display="Li Na", role="employee", unit_id="P1")
BOARD = access.Viewer(name="board", display="Board", role="viewer", unit_id="HQ")


@pytest.fixture
def db(_isolated_db: Path) -> Path:
    with Store(_isolated_db) as store:
        for kind in KINDS:
            report = load(store, kind, UNITS if kind == "units" else FILES[kind])
            assert report.validated.ok, [str(p) for p in report.validated.errors]
        for v in (MANAGER, OPS_MANAGER, EMPLOYEE, BOARD):
            store.add_user(v.name, role=v.role, unit_id=v.unit_id, display=v.display, by="tests")
    return _isolated_db


@pytest.fixture
def app(db):
    with app_factory() as make:
        yield make


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def assessments_shown(at):
    return next(d.value for d in at.dataframe if "Result" in d.value.columns or "评价结果" in d.value.columns)


def total(path: Path, period: str) -> float:
    with Store(path) as store:
        return float(scores.unit_figures(store, ["HQ"], period, "month")["total"].iloc[0])


def crm_assessments(path: Path) -> list[tuple[str, str]]:
    with Store(path) as store:
        found = store.task_assessments(2026, ["GS-CRM"])
        return list(zip(found["period"], found["result"], strict=True))


# --------------------------------------------------------------------------- the view


def test_the_view_shows_the_task_and_its_assessments_over_the_year(app):
    at = app(DETAIL, as_user=MANAGER, unit="HQ", kpi="GS-SAFE", period="2026-04")
    no_exception(at)
    assert at.title[0].value == "◆ Workplace safety · Acme"
    about = at.table[0].value.iloc[:, 0].tolist()  # Markdown cells: data escaped
    assert plain("No lost-time incidents") in about and plain("Audits +; incidents -") in about
    assert plain("2026-12-31") in about
    assert plain("1.2 x the weight (12 points)") in about  # the events cap
    shown = assessments_shown(at)
    # each month scores its own list: 10 + 1 - 2 = 9; 10 + 9 capped at 12; 10 - 15 floored at 0; 10 - 4 = 6
    assert shown.values.tolist() == [
        ["2026-01", "+1;-2", "One audit; one incident", "9.00"],
        ["2026-02", "+5;+4", "Two audits passed", "12.00"],
        ["2026-03", "-8;-7", "Two incidents", "0.00"],
        ["2026-04", "-4", "A near miss", "6.00"],
    ]
    assert [m.value for m in at.metric][:2] == ["-4", "6.00 / 10"]  # the latest result and April's points


def test_the_view_in_chinese_names_results_in_words(app):
    at = app(DETAIL, as_user=MANAGER, unit="HQ", kpi="GS-ERP", period="2026-02", lang="zh")
    no_exception(at)
    assert at.title[0].value == "◆ ERP 系统上线 · 阿克米"
    shown = assessments_shown(at)
    assert list(shown.columns) == ["月份", "评价结果", "评语", "得分"]
    assert shown.values.tolist() == [
        ["2026-01", "良好", "Finance live", "8.00"],
        ["2026-03", "优秀", "All modules live", "10.00"],
    ]
    assert any("沿用" in c.value for c in at.caption)  # February carries January's assessment
    assert at.radio(key="task_result").options == ["优秀", "良好", "合格", "不合格"]


def test_the_scorecard_links_task_rows_to_their_view(app, db):
    at = app(SCORECARD, as_user=MANAGER, unit="HQ", period="2026-02", meeting="1")
    no_exception(at)
    html = "\n".join(m.value for m in at.markdown)
    link = re.search(r'<tr data-kpi="GS-CRM"><td class="bsc-name"[^>]*><a href="([^"]+)"', html)
    assert link is not None and "kpi=GS-CRM" in link.group(1)
    # the grid of the usual mode: a click on the task's row opens its view
    with Store(db) as store:
        from kpi_core import scorecard

        card = scorecard.build(store, "HQ", "2026-02", "month")
    view = vs.ViewState(unit="HQ", period="2026-02")
    table = scorecard_view.kpi_table_html(card.kpis, {}, view, None, set())
    assert 'href="kpi_detail?unit=HQ&amp;period=2026-02&amp;view=month&amp;lang=en&amp;kpi=GS-ERP"' in table


def test_a_task_of_another_unit_falls_back_with_a_notice(app, db):
    with Store(db) as store:
        text = (
            "task_id,unit_id,year,name,name_zh,perspective,weight,mode,objective,acceptance,deadline,cap\n"
            "GS-OPS,OPS,2026,Lean line,精益产线,process,10,graded,,,2026-12-31,\n"
        )
        assert load(store, "tasks", text).validated.ok
    at = app(DETAIL, as_user=MANAGER, unit="HQ", kpi="GS-OPS", period="2026-02")
    no_exception(at)
    assert at.warning, "a notice says the task is not on HQ's scorecard"
    assert at.title[0].value.startswith("Revenue")


# --------------------------------------------------------------------------- assessing


def test_a_manager_assesses_a_month_and_the_total_follows(app, db):
    assert total(db, "2026-01") == pytest.approx(80)
    at = app(DETAIL, as_user=MANAGER, unit="HQ", kpi="GS-CRM", period="2026-01")
    no_exception(at)
    assert at.selectbox(key="task_month").value == "2026-01"  # the view's month
    at.radio(key="task_result").set_value("met")
    at.text_input(key="task_comment").input("All 40 accounts in early")
    at.button(key="task_assess_save").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == [plain("Assessment of 2026-01 saved: met.")]
    # January: CRM met earns its whole weight, 10: 80 + 10 = 90; February keeps its own "partly"
    assert total(db, "2026-01") == pytest.approx(90)
    assert total(db, "2026-02") == pytest.approx(95)
    assert crm_assessments(db) == [("2026-01", "met"), ("2026-02", "partly"), ("2026-04", "met")]
    shown = assessments_shown(at)
    assert shown.values.tolist()[0] == ["2026-01", "met", "All 40 accounts in early", "10.00"]
    assert [m.value for m in at.metric][:2] == ["met", "10.00 / 10"]  # the page shows the new score
    with Store(db) as store:
        history = store.upload_history()
        last = history.sort_values("batch_id").iloc[-1]
        assert (last["kind"], last["uploaded_by"], last["file_name"]) == (
            "task_assessments",
            "hq_boss",
            "task-assessment",
        )


def test_an_events_assessment_is_typed_and_a_bad_one_refused(app, db):
    at = app(DETAIL, as_user=MANAGER, unit="HQ", kpi="GS-SAFE", period="2026-04")
    at.text_input(key="task_events").input("lots")
    at.button(key="task_assess_save").click().run()
    no_exception(at)
    assert plain("an events task's result is a list of signed points such as +3;-2;+1") in at.error[0].value
    assert total(db, "2026-04") == pytest.approx(96)  # nothing written
    at.text_input(key="task_events").input("+3;-2;+1")
    at.button(key="task_assess_save").click().run()
    # April: SAFE 10 + 2 = 12 instead of 6: 96 + 6 = 102
    assert total(db, "2026-04") == pytest.approx(102)


def test_a_closed_month_refuses_with_the_usual_message(app, db):
    with Store(db) as store:
        store.close_period("2026-03", closed_by="tester")
    at = app(DETAIL, unit="HQ", kpi="GS-ERP", period="2026-03")  # the admin
    at.radio(key="task_result").set_value("fail")
    at.button(key="task_assess_save").click().run()
    no_exception(at)
    assert plain("2026-03 is closed (by tester on") in at.error[0].value
    assert total(db, "2026-03") == pytest.approx(71)


@pytest.mark.parametrize("reader", [EMPLOYEE, BOARD], ids=["employee", "viewer"])
def test_others_see_the_view_read_only(app, reader):
    at = app(DETAIL, as_user=reader, unit="HQ", kpi="GS-CRM", period="2026-02")
    no_exception(at)
    assert assessments_shown(at).shape == (2, 4)
    assert not [b for b in at.button if b.key == "task_assess_save"]
    assert any("Only a manager of this unit or an administrator" in c.value for c in at.caption)


@pytest.mark.parametrize("reader", [EMPLOYEE, BOARD, OPS_MANAGER], ids=["employee", "viewer", "other manager"])
def test_a_direct_call_without_the_right_is_refused_and_writes_nothing(db, reader):
    with Store(db) as store:
        org = Org.from_frame(store.units())
        batches = len(store.upload_history())
        with pytest.raises(access.NotPermitted):
            tasks_ops.assess(
                store,
                viewer=reader,
                scope=access.Scope.of(reader, org),
                task_id="GS-CRM",
                year=2026,
                period="2026-01",
                result="met",
                by=reader.name,
            )
        assert len(store.upload_history()) == batches
    assert crm_assessments(db) == [("2026-02", "partly"), ("2026-04", "met")]
    assert total(db, "2026-01") == pytest.approx(80)


def test_the_domain_call_refuses_a_closed_month_and_an_unknown_task(db):
    with Store(db) as store:
        org = Org.from_frame(store.units())
        scope = access.Scope.of(MANAGER, org)
        store.close_period("2026-01", closed_by="tester")
        with pytest.raises(PeriodClosedError):
            tasks_ops.assess(
                store, viewer=MANAGER, scope=scope, task_id="GS-CRM", year=2026, period="2026-01", result="met", by="x"
            )
        with pytest.raises(tasks_ops.TaskProblem):
            tasks_ops.assess(
                store, viewer=MANAGER, scope=scope, task_id="GS-NONE", year=2026, period="2026-02", result="met", by="x"
            )
    assert crm_assessments(db) == [("2026-02", "partly"), ("2026-04", "met")]
