"""Closed months (issue 13): an admin closes a month after its review; every
write that would change its figures (upload, restatement, rollback, design
edit, rule edit) is refused naming the month and who closed it, and nothing
is stored; reopening is logged. On the small company of conftest.py, whose
HQ scores 85.0 in 2026-03 (rev 150 of 200: 40 x 0.75 = 30 points)."""

from __future__ import annotations

from datetime import date

import pytest

from kpi_core import design, ingest, scorecard
from kpi_core.cli import main
from kpi_core.i18n import error_text
from kpi_core.store import PeriodClosedError, RollbackError, StoreError

A = "unit_id,kpi_id,period,actual\n"
T = "unit_id,kpi_id,period,target\n"
#: the small company's actuals batch (units 1, kpis 2, assignments 3, targets 4, actuals 5)
ACTUALS_BATCH = 5


def _today() -> str:
    return date.today().isoformat()


def _upload(store, kind: str, text: str, name: str = "file.csv", by: str = "bob"):
    return ingest.load(store, kind, text.encode(), name, uploaded_by=by)


def _actual(store, unit: str, kpi: str, period: str):
    row = (
        store.cursor()
        .execute(
            "SELECT actual FROM actuals WHERE unit_id = ? AND kpi_id = ? AND period = ?::DATE",
            [unit, kpi, period + "-01"],
        )
        .fetchone()
    )
    return None if row is None else row[0]


def _table(store, unit: str = "HQ", year: int = 2026):
    return design.design_table(store.assignments(year, [unit]), store.unit_targets([unit], year), year)


@pytest.fixture
def closed(small_store):
    """The small company with 2026-03 closed by admin."""
    small_store.close_period("2026-03", closed_by="admin", note="Q1 review")
    return small_store


# --------------------------------------------------------------------------- closing and listing


def test_closing_a_month_lists_it_and_logs_it(closed):
    listed = closed.closed_periods()
    assert listed[["period", "closed_by", "note"]].values.tolist() == [["2026-03", "admin", "Q1 review"]]
    assert f"{listed['closed_at'][0]:%Y-%m-%d}" == _today()
    log = closed.change_log()
    assert log[["entity", "entity_id", "field", "old_value", "new_value", "reason", "changed_by"]].values.tolist() == [
        ["period", "2026-03", "closed", "false", "true", "Q1 review", "admin"]
    ]


def test_closing_twice_or_reopening_an_open_month_changes_nothing(closed):
    before = closed.table_checksums()
    with pytest.raises(StoreError, match=r"2026-03 is already closed \(by admin"):
        closed.close_period("2026-03", closed_by="eve")
    with pytest.raises(StoreError, match="2026-04 is not closed"):
        closed.reopen_period("2026-04", reopened_by="eve", reason="why not")
    assert closed.table_checksums() == before


@pytest.mark.parametrize("bad", ["2026-13", "2026-3", "March", ""])
def test_a_month_must_be_written_yyyy_mm(small_store, bad):
    with pytest.raises(ValueError, match="YYYY-MM"):
        small_store.close_period(bad, closed_by="admin")


def test_reopening_needs_a_name_and_a_reason(closed):
    with pytest.raises(ValueError, match="reason"):
        closed.reopen_period("2026-03", reopened_by="carol", reason="  ")
    with pytest.raises(ValueError, match="name"):
        closed.reopen_period("2026-03", reopened_by="", reason="late correction")
    assert closed.closed_periods()["period"].tolist() == ["2026-03"]


# --------------------------------------------------------------------------- uploads


def test_an_upload_into_a_closed_month_is_refused_and_stores_nothing(closed):
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError) as refused:
        _upload(closed, "actuals", A + "HQ,rev,2026-03,160\n")
    assert str(refused.value) == (
        f"2026-03 is closed (by admin on {_today()}); reopen it before changing its figures. Nothing was stored."
    )
    assert closed.table_checksums() == before
    assert _actual(closed, "HQ", "rev", "2026-03") == 150
    assert scorecard.build(closed, "HQ", "2026-03").total == pytest.approx(85.0)


def test_the_refusal_in_chinese(closed):
    with pytest.raises(PeriodClosedError) as refused:
        _upload(closed, "actuals", A + "HQ,rev,2026-03,160\n")
    assert error_text(refused.value, "zh") == (
        f"2026-03 已关账(由 admin 于 {_today()} 关闭);如需修改该月数据,请先重新开启。未保存任何内容。"
    )


def test_a_file_with_one_row_in_a_closed_month_is_refused_whole(closed):
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError, match="2026-03 is closed"):
        _upload(closed, "actuals", A + "HQ,rev,2026-04,120\nHQ,rev,2026-03,160\n")
    assert closed.table_checksums() == before
    assert _actual(closed, "HQ", "rev", "2026-04") is None


def test_a_target_restatement_in_a_closed_month_is_refused(closed):
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError, match="2026-03 is closed"):
        _upload(closed, "targets", T + "HQ,rev,2026-03,180\n")
    assert closed.table_checksums() == before


def test_an_upload_of_an_open_month_is_stored(closed):
    report = _upload(closed, "actuals", A + "HQ,rev,2026-04,120\n")
    assert (report.result.rows_added, report.result.rows_changed) == (1, 0)
    assert _actual(closed, "HQ", "rev", "2026-04") == 120


def test_reloading_a_closed_months_unchanged_figures_writes_nothing_and_is_not_refused(closed):
    report = _upload(closed, "actuals", A + "HQ,rev,2026-03,150\n")
    assert report.result.batch_id is None and report.result.rows_unchanged == 1


def test_assignments_of_a_year_with_a_closed_month_are_refused(closed):
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError) as refused:
        _upload(closed, "assignments", "unit_id,kpi_id,year,weight,role\nP1,rev,2026,100,aux\n")
    assert refused.value.key == "store.period_closed_year"
    assert "an assignment of 2026 scores every month of that year" in str(refused.value)
    assert closed.table_checksums() == before
    # next year has no closed month
    report = _upload(closed, "assignments", "unit_id,kpi_id,year,weight,role\nP1,rev,2027,100,core\n")
    assert report.result.rows_added == 1


# --------------------------------------------------------------------------- rollback


def test_rolling_back_a_batch_with_rows_in_a_closed_month_is_refused(closed):
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError, match=r"^2026-03 is closed \(by admin"):
        closed.rollback_batch(ACTUALS_BATCH, uploaded_by="bob")
    assert closed.table_checksums() == before


def test_rolling_back_a_batch_of_open_months_still_works(closed):
    batch = _upload(closed, "actuals", A + "HQ,rev,2026-04,120\n").result.batch_id
    undone = closed.rollback_batch(batch, uploaded_by="bob")
    assert (undone.rows_total, undone.rows_changed) == (1, 1)
    assert _actual(closed, "HQ", "rev", "2026-04") is None


def test_rolling_back_assignments_of_a_year_with_a_closed_month_is_refused(closed):
    assignments_batch = 3
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError, match="an assignment of 2026 scores every month of that year"):
        closed.rollback_batch(assignments_batch)
    assert closed.table_checksums() == before


def test_rolling_back_a_rule_change_that_scores_a_closed_month_is_refused(small_store):
    lower = "days,Collection days,回款天数,financial,lower"
    rule = _upload(small_store, "kpis", _small_kpis().replace(lower, lower[:-5] + "higher")).result.batch_id
    small_store.close_period("2026-03", closed_by="admin")
    before = small_store.table_checksums()
    with pytest.raises(PeriodClosedError, match="changing how days scores"):
        small_store.rollback_batch(rule)
    assert small_store.table_checksums() == before


def test_a_rollback_of_an_unknown_batch_still_says_so(closed):
    with pytest.raises(RollbackError, match="there is no batch 99"):
        closed.rollback_batch(99)


# --------------------------------------------------------------------------- design edits


def test_a_design_target_edit_in_a_closed_month_is_refused(closed):
    before_table = _table(closed)
    after = before_table.copy()
    after.loc[after["kpi_id"] == "rev", "2026-03"] = 180.0
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError, match="2026-03 is closed"):
        design.save_design(closed, "HQ", 2026, before_table, after, changed_by="zhao", reason="re-plan")
    assert closed.table_checksums() == before


def test_a_design_target_edit_in_an_open_month_is_saved(closed):
    before_table = _table(closed)
    after = before_table.copy()
    after.loc[after["kpi_id"] == "rev", "2026-04"] = 210.0
    errors, written = design.save_design(closed, "HQ", 2026, before_table, after, changed_by="zhao", reason="plan")
    assert (errors, written) == ([], 1)
    assert closed.unit_targets(["HQ"], 2026).query("kpi_id == 'rev' and period == '2026-04'")["target"].tolist() == [
        210.0
    ]


def test_a_weight_edit_of_a_year_with_a_closed_month_is_refused(closed):
    before_table = _table(closed)
    after = before_table.copy()
    after.loc[after["kpi_id"] == "rev", "weight"] = 30.0
    after.loc[after["kpi_id"] == "staff", "weight"] = 20.0
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError) as refused:
        design.save_design(closed, "HQ", 2026, before_table, after, changed_by="zhao", reason="rebalance")
    assert refused.value.params["period"] == "2026-03" and refused.value.params["year"] == 2026
    assert closed.table_checksums() == before


def test_a_scoring_rule_edit_is_refused_naming_the_latest_closed_month(closed):
    closed.close_period("2026-01", closed_by="admin")
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError) as refused:
        closed.save_kpi({**closed.kpi("rev"), "cap": 1.5}, changed_by="wang", reason="new policy")
    assert str(refused.value).startswith(f"2026-03 is closed (by admin on {_today()}); changing how rev scores")
    assert closed.table_checksums() == before


def test_a_scoring_rule_edit_in_a_kpis_file_is_refused(closed):
    text = _small_kpis().replace(
        "days,Collection days,回款天数,financial,lower", "days,Collection days,回款天数,financial,higher"
    )
    assert text != _small_kpis()
    before = closed.table_checksums()
    with pytest.raises(PeriodClosedError, match="changing how days scores"):
        _upload(closed, "kpis", text)
    assert closed.table_checksums() == before
    # the same file with only a definition reworded is stored
    reworded = _small_kpis().replace("Days sales outstanding", "Average days to collect")
    assert _upload(closed, "kpis", reworded).result.rows_changed == 1


def test_descriptive_kpi_edits_and_new_kpis_are_still_saved(closed):
    assert closed.save_kpi({**closed.kpi("rev"), "owner": "CFO"}, changed_by="wang", reason="owner named") == 1
    new = {**closed.kpi("rev"), "kpi_id": "nps", "name": "Net promoter score", "cap": 1.5}
    assert closed.save_kpi(new, changed_by="wang", reason="new KPI") > 0
    assert closed.kpi("rev")["owner"] == "CFO" and closed.kpi("nps")["cap"] == 1.5


def _small_kpis() -> str:
    from tests.conftest import SMALL

    return SMALL["kpis"]


# --------------------------------------------------------------------------- reopening


def test_reopening_is_logged_and_the_same_upload_then_works(closed):
    with pytest.raises(PeriodClosedError):
        _upload(closed, "actuals", A + "HQ,rev,2026-03,160\n")
    closed.reopen_period("2026-03", reopened_by="carol", reason="late invoice")
    assert closed.closed_periods().empty
    log = closed.change_log().sort_values("new_value")
    assert log[["entity", "entity_id", "field", "old_value", "new_value", "reason", "changed_by"]].values.tolist() == [
        ["period", "2026-03", "closed", "true", "false", "late invoice", "carol"],
        ["period", "2026-03", "closed", "false", "true", "Q1 review", "admin"],
    ]
    report = _upload(closed, "actuals", A + "HQ,rev,2026-03,160\n")
    assert report.result.rows_changed == 1
    # rev 160 of 200: 40 x 0.8 = 32 points instead of 30: 85 + 2
    assert scorecard.build(closed, "HQ", "2026-03").total == pytest.approx(87.0)


# --------------------------------------------------------------------------- the command line


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_closes_lists_refuses_and_reopens(small_store, tmp_path, capsys):
    db = small_store.path
    small_store.close()
    code, out, _ = _run(capsys, "--db", db, "periods", "list")
    assert (code, out.strip()) == (0, "No month is closed.")
    code, out, _ = _run(capsys, "--db", db, "periods", "close", "2026-03", "--by", "admin", "--note", "Q1 review")
    assert code == 0 and out.startswith("Closed 2026-03 (by admin)")
    code, out, _ = _run(capsys, "--db", db, "periods", "list", "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "period,closed_by,closed_at,note"
    assert out.splitlines()[1].startswith("2026-03,admin,") and out.splitlines()[1].endswith(",Q1 review")

    march = tmp_path / "march.csv"
    march.write_text(A + "HQ,rev,2026-03,160\n", encoding="utf-8")
    code, out, err = _run(capsys, "--db", db, "load", "actuals", march, "--by", "bob")
    assert code == 1
    assert f"2026-03 is closed (by admin on {_today()}); reopen it before changing its figures." in err
    code, _, err = _run(capsys, "--db", db, "--lang", "zh", "load", "actuals", march)
    assert code == 1 and f"2026-03 已关账(由 admin 于 {_today()} 关闭)" in err

    code, _, err = _run(capsys, "--db", db, "periods", "reopen", "2026-03", "--by", "carol", "--reason", " ")
    assert code == 2 and "--reason" in err
    code, out, _ = _run(capsys, "--db", db, "periods", "reopen", "2026-03", "--by", "carol", "--reason", "late")
    assert code == 0 and out.startswith("Reopened 2026-03 (by carol)")
    code, out, _ = _run(capsys, "--db", db, "load", "actuals", march, "--by", "bob")
    assert (code, out.strip()) == (0, "march.csv: actuals, 1 rows: 0 new, 1 changed, 0 unchanged")


@pytest.mark.parametrize("bad", ["2026-13", "March"])
def test_the_cli_refuses_a_bad_month_with_exit_2(small_store, capsys, bad):
    db = small_store.path
    small_store.close()
    code, _, err = _run(capsys, "--db", db, "periods", "close", bad, "--by", "admin")
    assert code == 2 and f"Period {bad} is not a month written YYYY-MM." in err
    code, _, err = _run(capsys, "--db", db, "--lang", "zh", "periods", "reopen", bad, "--by", "a", "--reason", "r")
    assert code == 2 and f"期间 {bad} 不是 YYYY-MM 格式的月份。" in err


def test_the_cli_reports_a_second_close_and_an_open_reopen(small_store, capsys):
    db = small_store.path
    small_store.close()
    assert _run(capsys, "--db", db, "periods", "close", "2026-03", "--by", "admin")[0] == 0
    code, _, err = _run(capsys, "--db", db, "periods", "close", "2026-03", "--by", "eve")
    assert code == 1 and "2026-03 is already closed (by admin" in err
    code, _, err = _run(
        capsys, "--db", db, "--lang", "zh", "periods", "reopen", "2026-04", "--by", "a", "--reason", "r"
    )
    assert code == 1 and "2026-04 未关账" in err


# --------------------------------------------------------------------------- the upload page


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "2026-10 is closed (by admin on {today}); reopen it before changing its figures. Nothing was stored."),
        ("zh", "2026-10 已关账(由 admin 于 {today} 关闭);如需修改该月数据,请先重新开启。未保存任何内容。"),
    ],
)
def test_the_upload_page_shows_the_refusal_in_the_readers_language(app, lang, expected):
    from kpi_ui import data

    at = app("pages/4_upload.py", lang=lang)
    data.store().close_period("2026-10", closed_by="admin")
    before = data.store().table_checksums()
    at.get("file_uploader")[0].upload("october.csv", (A + "HQ,REV,2026-10,2400.5\n").encode(), "text/csv")
    at.run()
    at.button(key="upload_commit").click().run()
    assert not at.exception
    # the page shows it as Markdown with its punctuation escaped (\( ...): read it without the escapes
    assert [e.value.replace("\\", "") for e in at.error] == [expected.format(today=_today())]
    assert all("october.csv" not in s.value for s in at.success)  # no "Stored october.csv as batch ..."
    assert data.store().table_checksums() == before


# ------------------------------------------------------------------ the design page says why


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ["2026-03 is closed", "admin"]), ("zh", ["2026-03", "已关账", "admin"])],
)
def test_the_design_page_says_a_closed_month_refused_the_save(app, demo_db, lang, words):
    """Sales's 2026 weights cannot change once March 2026 is closed: the page
    says so in the reader's language, with no 'something went wrong', and
    the assignments stay as they were."""
    from kpi_core.store import Store
    from tests.test_design_ux import DESIGN, _ok, _raise_revenue, _shown

    with Store(demo_db) as store:
        store.close_period("2026-03", closed_by="admin")
        before = store.assignments(2026, ["SALES"])
    at = app(DESIGN, unit="SALES", period="2026-03", lang=lang)
    _raise_revenue(at)
    at.text_input(key="design_reason").set_value("H1 revenue push").run()
    at.button(key="design_save").click().run()
    _ok(at)
    shown = _shown(at.error)
    assert all(w in shown for w in words), shown
    assert not any(w in _shown(at.success) for w in ("Saved", "已保存")), _shown(at.success)
    with Store(demo_db) as store:
        assert store.assignments(2026, ["SALES"]).equals(before)


# --------------------------------------------------------------------------- who closes (issue 13)


def test_only_an_admin_account_closes_or_reopens_a_month_from_the_cli(demo_db, capsys):
    db = str(demo_db)
    assert main(["--db", db, "periods", "close", "2026-09", "--as", "analyst"]) == 3
    assert "only an administrator" in capsys.readouterr().err
    assert main(["--db", db, "periods", "close", "2026-09", "--as", "hr_admin", "--note", "September review"]) == 0
    assert "hr_admin" in capsys.readouterr().out
    assert main(["--db", db, "periods", "reopen", "2026-09", "--as", "ceo", "--reason", "late invoice"]) == 3
    capsys.readouterr()
    assert main(["--db", db, "periods", "list", "--format", "json"]) == 0
    listed = capsys.readouterr().out
    assert '"period": "2026-09"' in listed and '"closed_by": "hr_admin"' in listed


def test_the_admin_closes_and_reopens_a_month_on_the_requests_page(app):
    page = "pages/7_requests.py"
    at = app(page, period="2026-10")
    at.selectbox(key="periods_close_month").set_value("2026-09")
    at.text_input(key="periods_close_note").input("September review")
    at.button(key="periods_close").click().run()
    assert not at.exception
    assert "2026-09 is closed." in [s.value for s in at.success]
    assert any("2026-09 closed by hr\\_admin" in m.value for m in at.markdown)
    # reopening needs a reason
    at.button(key="periods_reopen").click().run()
    assert "Give the reason for reopening the month." in [e.value for e in at.error]
    at.text_input(key="periods_reopen_reason").input("late invoice")
    at.button(key="periods_reopen").click().run()
    assert "2026-09 is open again." in [s.value for s in at.success]
    # an analyst sees the closed months but gets no control
    analyst = app(page, view_as="analyst", period="2026-10")
    assert not analyst.exception
    assert "periods_close" not in [b.key for b in analyst.button]
