"""Uploads as analysts really have them (encodings, delimiters, number and
period spellings, Excel), warnings, the size limit, the preview, restatement
and rollback."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from kpi_core import cli, ingest, scorecard, upload_preview
from kpi_core.store import StoreError
from kpi_core.store.uploads import RollbackError
from tests.conftest import SMALL, TODAY

A = "unit_id,kpi_id,period,actual\n"


def load(store, kind, data, name="file.csv", **kw):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return ingest.load(store, kind, data, name, today=TODAY, **kw)


def actual(store, unit, kpi, period):
    row = (
        store.cursor()
        .execute(
            "SELECT actual FROM actuals WHERE unit_id = ? AND kpi_id = ? AND period = ?::DATE",
            [unit, kpi, period + "-01"],
        )
        .fetchone()
    )
    return row[0] if row else None


def xlsx(rows, title="data"):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("unit_id,kpi_id,period,actual\nHQ,rev,2026-04,1234.5\n".encode("utf-8-sig"), "bom.csv"),
        (b"unit_id;kpi_id;period;actual\nHQ;rev;2026/04;1234.5\n", "semicolon.csv"),
        (b"unit_id\tkpi_id\tperiod\tactual\nHQ\trev\t202604\t1234.5\n", "tab.tsv"),
        ('unit_id,kpi_id,period,actual\nHQ,rev,2026年4月,"1,234.5"\n'.encode("gb18030"), "gbk.csv"),
        (b" UNIT ID , Kpi_Id ,PERIOD,Actual,\r\nHQ,rev,2026.4,1234.50,\r\n", "messy_header.csv"),
        ("unit_id,kpi_id,period,actual\nHQ,rev,2026-04-30,1234.5\n".encode("utf-16"), "utf16.csv"),
        (xlsx([["unit_id", "kpi_id", "period", "actual"], ["HQ", "rev", datetime(2026, 4, 1), 1234.5]]), "book.xlsx"),
    ],
    ids=["utf8-bom", "semicolon", "tab", "gbk-thousands", "header-case-spaces-crlf", "utf16-bom", "xlsx-date"],
)
def test_files_as_analysts_have_them_are_normalised(small_store, data, name):
    report = load(small_store, "actuals", data, name)
    assert report.validated.ok, [str(p) for p in report.validated.problems]
    assert report.result.rows_added == 1
    assert actual(small_store, "HQ", "rev", "2026-04") == 1234.5


def test_chinese_names_in_a_gbk_file_are_stored_as_written(small_store):
    text = "unit_id,name,name_zh,kind,parent_id\nHR,Human resources,人力资源部,department,HQ\n"
    report = load(small_store, "units", text.encode("gbk"), "units_gbk.csv")
    assert report.validated.ok, report.validated.problems
    assert "GB18030" in report.validated.source
    units = small_store.units().set_index("unit_id")
    assert units.at["HR", "name_zh"] == "人力资源部"


PERCENT_KPIS = (
    "kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,floor,cap,tiers,"
    "band_low,band_high,band_penalty,green_at,amber_at,blend\n"
    "margin,Gross margin,毛利率,financial,higher,%,avg,Margin,,,,,,,,,\n"
    "share,Market share,市场份额,customer,higher,,avg,Share,60%,120%,,,,,95%,85%,\n"
)


def test_the_percent_rule(small_store):
    """ "95%" is 95 for a KPI measured in %, 0.95 for a dimensionless one, and
    refused for any other unit; in rule columns it is a share, in weights a percent."""
    assert load(small_store, "kpis", PERCENT_KPIS).validated.ok
    kpis = small_store.kpis().set_index("kpi_id")
    assert (kpis.at["share", "floor"], kpis.at["share", "cap"], kpis.at["share", "green_at"]) == (0.6, 1.2, 0.95)
    plan = "unit_id,kpi_id,year,weight,role\nOPS,margin,2026,10%,aux\nOPS,share,2026,10,aux\n"
    assert load(small_store, "assignments", plan).validated.ok
    assert small_store.assignments(2026, ["OPS"]).set_index("kpi_id").at["margin", "weight"] == 10
    report = load(small_store, "actuals", A + "OPS,margin,2026-03,31.5%\nOPS,share,2026-03,95%\n")
    assert report.validated.ok, report.validated.problems
    assert actual(small_store, "OPS", "margin", "2026-03") == 31.5
    assert actual(small_store, "OPS", "share", "2026-03") == pytest.approx(0.95)
    refused = load(small_store, "actuals", A + "OPS,staff,2026-03,95%\n")
    assert [(p.row, p.column) for p in refused.validated.errors] == [(2, "actual")]
    assert "count" in refused.validated.errors[0].reason


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234", 1234.0), ("-1,234,567.25", -1234567.25), ("1e3", 1000.0), (".5", 0.5), ("+7", 7.0)],
)
def test_numbers(text, value):
    assert ingest.read_number(text) == (value, False)


@pytest.mark.parametrize("text", ["1,23", "1.234,5", "1 234", "12x", "0x10", "1_000", "nan", "inf", "--1", "1e999"])
def test_numbers_refused(text):
    with pytest.raises(ValueError):
        ingest.read_number(text)


def test_every_problem_is_reported_at_once(small_store):
    text = A + "HQ,rev,2026-13,1\nXX,rev,2026-03,2\nHQ,days,2026-03,abc\nHQ,rev,2026-03,=1\nHQ,rev,2026-03,5\n"
    report = load(small_store, "actuals", text)
    assert [(p.row, p.column) for p in report.validated.errors] == [
        (2, "period"),
        (3, "unit_id"),
        (4, "actual"),
        (5, "actual"),
        (6, "period"),  # 6 repeats 5's key
    ]


def test_size_limit_is_enforced_before_parsing(small_store, monkeypatch):
    before = small_store.table_checksums()
    report = load(small_store, "actuals", A + "HQ,rev,2026-03,1\n", max_bytes=10)
    assert [p.reason for p in report.validated.errors][0].startswith("the file is 0.0 MB; the limit is 0.0 MB")
    monkeypatch.setenv(ingest.MAX_MB_ENV, "0.00001")
    assert ingest.max_upload_bytes() == 10
    assert not load(small_store, "actuals", A + "HQ,rev,2026-03,1\n").validated.ok
    monkeypatch.delenv(ingest.MAX_MB_ENV)
    assert ingest.max_upload_bytes() == 20 * 1024 * 1024
    assert small_store.table_checksums() == before


def test_weights_not_summing_to_100_warn_but_load(small_store):
    report = load(small_store, "assignments", "unit_id,kpi_id,year,weight,role\nSALES,rev,2026,70,core\n")
    warnings = report.validated.warnings
    assert [(p.row, p.column, p.severity) for p in warnings] == [(2, "weight", "warning")]
    assert "add up to 110" in warnings[0].reason
    assert report.validated.ok and report.result.rows_changed == 1


def test_values_far_outside_history_warn(small_store):
    report = load(small_store, "actuals", A + "HQ,days,2026-04,4500\nHQ,days,2026-05,45\n", dry_run=True)
    # 4500 days is far outside; and neither month has targets yet (a warning per month)
    assert [(p.row, p.column) for p in report.validated.warnings] == [(2, "actual"), (2, "period"), (3, "period")]
    assert report.validated.ok


def test_same_file_twice_changes_nothing_the_second_time(small_store):
    data = xlsx([["unit_id", "kpi_id", "period", "actual"], ["HQ", "rev", "2026-04", 99]])
    first = load(small_store, "actuals", data, "april.xlsx")
    assert first.result.rows_added == 1
    before = small_store.table_checksums()
    second = load(small_store, "actuals", data, "april.xlsx")
    assert second.result.batch_id is None and second.result.rows_unchanged == 1
    assert small_store.table_checksums() == before


def test_preview_shows_rows_and_effect_and_writes_nothing(small_store):
    before = small_store.table_checksums()
    validated = ingest.read(
        "actuals", (A + "HQ,rev,2026-03,180\nHQ,days,2026-03,38\n").encode(), "x.csv", small_store, today=TODAY
    )
    p = upload_preview.preview(small_store, validated)
    assert (p.counts.rows_added, p.counts.rows_changed, p.counts.rows_unchanged) == (0, 1, 1)
    changed = p.rows[p.rows["change"] == "changed"]
    assert changed[["unit_id", "kpi_id", "period", "old", "new"]].values.tolist() == [
        ["HQ", "rev", "2026-03", 150.0, 180.0]
    ]
    assert p.totals[["unit_id", "period", "before", "after"]].values.tolist() == [["HQ", "2026-03", 85.0, 91.0]]
    assert p.statuses[["kpi_id", "status_before", "status_after"]].values.tolist() == [["rev", "red", "amber"]]
    assert small_store.table_checksums() == before


def test_preview_of_a_weight_change(small_store):
    validated = ingest.read(
        "assignments", b"unit_id,kpi_id,year,weight,role\nHQ,rev,2026,50,core\n", "w.csv", small_store, today=TODAY
    )
    p = upload_preview.preview(small_store, validated)
    assert p.totals[["unit_id", "before", "after"]].values.tolist() == [["HQ", 85.0, 92.5]]  # 50 x 0.75


def test_restatement_changes_that_months_score_and_rollback_restores_it(small_store):
    before = scorecard.build(small_store, "HQ", "2026-02").total
    report = load(small_store, "actuals", A + "HQ,rev,2026-02,55\n", "restate_feb.csv", uploaded_by="Ana")
    after = scorecard.build(small_store, "HQ", "2026-02").total
    assert after < before
    history = small_store.value_history("HQ", "rev")
    assert history[["period", "old_value", "new_value", "uploaded_by"]].values.tolist() == [
        ["2026-02", 110.0, 55.0, "Ana"]
    ]
    undo = small_store.rollback_batch(report.result.batch_id, uploaded_by="Bo")
    assert scorecard.build(small_store, "HQ", "2026-02").total == before
    assert actual(small_store, "HQ", "rev", "2026-02") == 110
    batches = small_store.upload_history().set_index("batch_id")
    assert batches.at[undo.batch_id, "rollback_of"] == report.result.batch_id
    assert batches.at[report.result.batch_id, "rolled_back_by"] == undo.batch_id
    assert batches.at[undo.batch_id, "uploaded_by"] == "Bo"
    audit = small_store.batch_changes(undo.batch_id)
    assert audit[["period", "old_value", "new_value"]].values.tolist() == [["2026-02", 55.0, 110.0]]


def test_rollback_removes_added_rows_and_restores_replaced_ones_exactly(small_store):
    def values():
        return (
            small_store.cursor()
            .execute("SELECT unit_id, kpi_id, period, actual FROM actuals ORDER BY unit_id, kpi_id, period")
            .fetchall()
        )

    before = values()
    report = load(small_store, "actuals", A + "HQ,rev,2026-03,1\nHQ,rev,2026-04,2\nSALES,rev,2026-02,3\n")
    assert (report.result.rows_added, report.result.rows_changed) == (2, 1)
    result = small_store.rollback_batch(report.result.batch_id)
    assert result.rows_total == 3
    assert values() == before
    with pytest.raises(RollbackError, match="already rolled back"):
        small_store.rollback_batch(report.result.batch_id)
    with pytest.raises(RollbackError, match="no batch"):
        small_store.rollback_batch(999)


def test_a_batch_changed_later_cannot_be_rolled_back(small_store):
    first = load(small_store, "actuals", A + "HQ,rev,2026-03,1\n").result.batch_id
    second = load(small_store, "actuals", A + "HQ,rev,2026-03,2\n").result.batch_id
    before = small_store.table_checksums()
    with pytest.raises(RollbackError, match=f"later batch\\(es\\) {second}"):
        small_store.rollback_batch(first)
    assert small_store.table_checksums() == before
    small_store.rollback_batch(second)
    assert actual(small_store, "HQ", "rev", "2026-03") == 1
    small_store.rollback_batch(first)
    assert actual(small_store, "HQ", "rev", "2026-03") == 150


def test_rollback_of_set_up_kinds(small_store):
    units = small_store.units()
    report = load(
        small_store,
        "units",
        "unit_id,name,name_zh,kind,parent_id\nHR,HR,人力,department,HQ\nOPS,Ops 2,,department,HQ\n",
    )
    small_store.rollback_batch(report.result.batch_id)
    assert small_store.units().equals(units)
    used = load(small_store, "units", "unit_id,name,name_zh,kind,parent_id\nHR,HR,人力,department,HQ\n")
    load(small_store, "assignments", "unit_id,kpi_id,year,weight,role\nHR,rev,2026,100,core\n")
    before = small_store.table_checksums()
    with pytest.raises(RollbackError, match="assignments still refer"):
        small_store.rollback_batch(used.result.batch_id)
    assert small_store.table_checksums() == before


def test_a_failing_rollback_changes_nothing(small_store, monkeypatch):
    from kpi_core.store import uploads

    batch = load(small_store, "actuals", A + "HQ,rev,2026-03,1\n").result.batch_id
    before = small_store.table_checksums()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(uploads, "_rollback_values", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        small_store.rollback_batch(batch)
    assert small_store.table_checksums() == before


def test_commit_refuses_a_file_with_errors(small_store):
    validated = ingest.read("actuals", (A + "HQ,rev,2026-03,x\n").encode(), "x.csv", small_store, today=TODAY)
    with pytest.raises(ValueError, match="1 errors"):
        ingest.commit(small_store, validated)


def test_the_cli_loads_excel_through_the_same_path(small_store, tmp_path, capsys):
    path = small_store.path
    small_store.close()
    book = tmp_path / "april.xlsx"
    book.write_bytes(xlsx([["unit_id", "kpi_id", "period", "actual"], ["HQ", "rev", "2026/04", "1,000"]]))
    assert cli.main(["--db", str(path), "load", "actuals", str(book), "--by", "Ana"]) == 0
    assert "1 new" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(A + "HQ,rev,2026-04,=cmd|' /C calc'!A0\n")
    assert cli.main(["--db", str(path), "load", "actuals", str(bad)]) == 2
    assert "row 2, column actual" in capsys.readouterr().err


def test_store_errors_are_store_errors():
    assert issubclass(RollbackError, StoreError)


def test_small_fixture_files_still_load_unchanged(small_store):
    for kind in ("units", "kpis", "assignments", "targets", "actuals"):
        assert load(small_store, kind, SMALL[kind]).result.batch_id is None
