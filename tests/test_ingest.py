"""Loading files: every problem is reported with its row and column, nothing is
half-written, and a restatement replaces a value while keeping the old one."""

from __future__ import annotations

import pytest

from kpi_core import ingest, scorecard
from kpi_core.store import Store
from tests.conftest import SMALL, TODAY


def load(store, kind, text, name=None, **kw):
    return ingest.load(store, kind, text.encode("utf-8"), name or f"{kind}.csv", today=TODAY, **kw)


def where(report):
    return [(p.row, p.column) for p in report.validated.errors]


BAD_ACTUALS = [
    # (file body after the header, expected (row, column) of each error)
    ("HQ,rev,2026-03,abc\n", [(2, "actual")]),
    ("HQ,rev,2026-03,\n", [(2, "actual")]),
    ("HQ,rev,2026-03,inf\n", [(2, "actual")]),
    ("HQ,rev,2026-03,NaN\n", [(2, "actual")]),
    ("HQ,rev,2026-13,5\n", [(2, "period")]),
    ("HQ,rev,26-03,5\n", [(2, "period")]),
    ("HQ,rev,2027-01,5\n", [(2, "kpi_id"), (2, "period")]),  # a future month, and no 2027 plan
    ("XX,rev,2026-03,5\n", [(2, "unit_id")]),
    ("HQ,nope,2026-03,5\n", [(2, "kpi_id")]),
    ("P1,days,2026-03,5\n", [(2, "kpi_id")]),  # not assigned to P1
    ("HQ,rev,2026-03,5\nHQ,rev,2026-03,6\n", [(3, "period")]),  # duplicate key
    ("HQ,rev,2026-03,5,9\n", [(2, "")]),  # ragged row
    ("HQ,rev,2026-03,5\nHQ,days,2026-03,x\nOPS,rev,2026-03,1\n", [(3, "actual"), (4, "kpi_id")]),
]


@pytest.mark.parametrize(("body", "expected"), BAD_ACTUALS)
def test_bad_rows_are_named_and_nothing_changes(small_store, body, expected):
    before = small_store.table_checksums()
    report = load(small_store, "actuals", "unit_id,kpi_id,period,actual\n" + body)
    assert where(report) == expected
    assert report.result is None
    assert small_store.table_checksums() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(1, "")]),
        ("unit_id,kpi_id,period,actual\n", [(2, "")]),
        ("unit_id,kpi_id,period\nHQ,rev,2026-03\n", [(1, "actual")]),
        ("unit_id,kpi_id,period,actual,actual\nHQ,rev,2026-03,1,2\n", [(1, "actual")]),
        ("unit_id,kpi_id,period,actual,colour\nHQ,rev,2026-03,1,red\n", [(1, "colour")]),
    ],
)
def test_bad_headers(small_store, text, expected):
    before = small_store.table_checksums()
    report = load(small_store, "actuals", text)
    assert where(report) == expected
    assert small_store.table_checksums() == before


def test_messages_name_file_row_column_and_value(small_store):
    report = load(small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,12x\n", "march.csv")
    assert str(report.validated.errors[0]) == "march.csv: row 2, column actual ('12x'): not a finite number"


def test_header_in_any_case_with_spaces_and_bom(small_store):
    text = "\ufeff Unit_ID ,KPI_id,Period, ACTUAL\nHQ,rev,2026-03,160\n"
    report = load(small_store, "actuals", text)
    assert report.validated.ok, where(report)
    assert report.result.rows_changed == 1


def test_restatement_replaces_the_value_and_keeps_the_old_one(small_store):
    before = scorecard.build(small_store, "HQ", "2026-03").total
    report = load(small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,180\n", "restate.csv")
    assert (report.result.rows_added, report.result.rows_changed) == (0, 1)
    after = scorecard.build(small_store, "HQ", "2026-03").total
    assert after - before == pytest.approx(40 * (180 - 150) / 200)  # 30 -> 36 points
    history = small_store.value_history("HQ", "rev")
    assert history[["period", "old_value", "new_value"]].values.tolist() == [["2026-03", 150.0, 180.0]]
    assert history["file_name"].tolist() == ["restate.csv"]


def test_loading_the_same_file_twice_changes_nothing(small_store):
    before = small_store.table_checksums()
    report = load(small_store, "actuals", SMALL["actuals"])
    assert report.result.rows_unchanged == report.result.rows_total > 0
    assert report.result.batch_id is None
    assert small_store.table_checksums() == before


def test_every_value_knows_its_batch(small_store):
    batches = small_store.batches()
    assert set(batches["kind"]) == {"units", "kpis", "assignments", "targets", "actuals"}
    assert batches["sha256"].str.len().eq(64).all()
    rows = small_store.cursor().execute("SELECT count(*) FROM actuals WHERE batch_id IS NULL").fetchone()[0]
    assert rows == 0


def test_dry_run_reports_and_writes_nothing(small_store):
    before = small_store.table_checksums()
    report = load(
        small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,1\nSALES,rev,2026-02,5\n", dry_run=True
    )
    r = report.result
    assert (r.rows_added, r.rows_changed, r.rows_unchanged) == (0, 1, 0) or r.rows_added == 1
    assert (r.rows_added, r.rows_changed) == (1, 1)  # SALES has no February actual yet
    assert small_store.table_checksums() == before


def test_a_failure_inside_the_transaction_leaves_the_store_as_it_was(small_store, monkeypatch):
    from kpi_core.store import writes

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    before = small_store.table_checksums()
    monkeypatch.setattr(writes, "_upsert", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        load(small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,1\n")
    assert small_store.table_checksums() == before


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("units", "unit_id,name,name_zh,kind,parent_id\nX,X,,team,HQ\n", [(2, "kind")]),
        ("units", "unit_id,name,name_zh,kind,parent_id\nX,X,,department,NOPE\n", [(2, "parent_id")]),
        ("units", "unit_id,name,name_zh,kind,parent_id\nX,X,,department,P1\n", [(2, "parent_id")]),
        ("units", "unit_id,name,name_zh,kind,parent_id\nHQ2,Other,,company,\n", [(2, "kind")]),
        (
            "units",
            "unit_id,name,name_zh,kind,parent_id\nA,A,,department,B\nB,B,,department,A\n",
            [(2, "parent_id"), (3, "parent_id")],
        ),
        ("assignments", "unit_id,kpi_id,year,weight,role\nHQ,rev,2026,140,core\n", [(2, "weight")]),
        ("assignments", "unit_id,kpi_id,year,weight,role\nHQ,rev,26,40,main\n", [(2, "role"), (2, "year")]),
    ],
)
def test_set_up_files_are_checked(small_store, kind, text, expected):
    before = small_store.table_checksums()
    assert where(load(small_store, kind, text)) == expected
    assert small_store.table_checksums() == before


KPI_HEADER = SMALL["kpis"].splitlines()[0]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("x,X,,financial,band,%,sum,d,,,,0.9,,2,,,", "band_high"),
        ("x,X,,financial,band,%,sum,d,,,,1.1,1.0,2,,,", "band_high"),
        ("x,X,,financial,higher,%,sum,d,0.8,0.7,,,,,,,", "cap"),
        ("x,X,,financial,higher,%,sum,d,,,,,,,0.8,0.9,", "amber_at"),
        ("x,X,,financial,higher,%,sum,d,,,0.9-0.7,,,,,,", "tiers"),
        ("x,X,,money,higher,%,sum,d,,,,,,,,,", "perspective"),
        ("x,X,,financial,up,%,sum,d,,,,,,,,,", "direction"),
        ("x,X,,financial,higher,%,total,d,,,,,,,,,", "accumulation"),
        ("x,X,,financial,higher,%,sum,d,,,,,,,,,1.5", "blend"),
    ],
)
def test_kpi_rules_are_checked(small_store, row, column):
    report = load(small_store, "kpis", f"{KPI_HEADER}\n{row}\n")
    assert [c for _, c in where(report)] == [column]


def test_a_new_database_has_the_current_schema(tmp_path):
    from kpi_core.store import SCHEMA_VERSION

    with Store(tmp_path / "new.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.is_empty()
    with Store(tmp_path / "new.duckdb") as again:  # reopening migrates nothing and loses nothing
        assert again.schema_version() == SCHEMA_VERSION
