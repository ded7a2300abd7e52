"""PostgreSQL as the server store (issue 15): the same figures as DuckDB, the
same guarantees, writers of several processes kept apart.

These tests need a PostgreSQL server (tests/pg_support.py starts one); the
store's contract tests run on both backends as well (tests/pg_contract.py).
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from kpi_core import cli, ingest
from kpi_core.i18n import error_text
from kpi_core.store import Store, StoreError, WriteConflictError, copying
from kpi_core.store import pg as pg_backend


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


def _score_json(store: Store, unit: str) -> tuple[int, str]:
    """``score --unit UNIT --period 2026-10 --format json``: the CLI's own
    command on an open store (opening the store 136 times would cost a minute)."""
    args = cli.build_parser().parse_args(["score", "--unit", unit, "--period", "2026-10", "--format", "json"])
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.COMMANDS["score"](store, args)
    return code, out.getvalue()


def test_init_demo_then_score_prints_the_same_json_as_duckdb_for_every_unit_in_october(pg_url, demo_db_template):
    code, said = _cli("--db", pg_url, "init", "--demo")
    assert code == 0, said
    assert _cli("--db", pg_url, "score", "--unit", "HQ", "--period", "2026-10", "--format", "json")[0] == 0
    differing = []
    with Store(demo_db_template, read_only=True) as duck, Store(pg_url) as pg:
        units = duck.units()["unit_id"].tolist()
        assert len(units) == 68  # the demo company: 68 units, every one compared below
        for unit in units:
            on_duck, on_pg = _score_json(duck, unit), _score_json(pg, unit)
            assert on_duck[0] == 0 and '"period": "2026-10"' in on_duck[1]
            if on_pg != on_duck:
                differing.append(unit)
    assert differing == []


def test_a_write_in_one_process_changes_the_data_version_every_other_process_reads(pg_url):
    with Store(pg_url) as dashboard, Store(pg_url) as loader:
        before = dashboard.data_version()
        with loader.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('x.test', '1')")
        assert dashboard.data_version() == before + 1
        # a failed write changes nothing, not even the version
        with pytest.raises(ZeroDivisionError), loader.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('x.other', '1')")
            1 / 0  # noqa: B018 - the write fails half-way
        assert dashboard.data_version() == before + 1
        assert loader.cursor().execute("SELECT count(*) FROM settings WHERE key = 'x.other'").fetchone()[0] == 0


def test_a_second_writer_waits_for_the_first_and_then_sees_its_rows(pg_url, small_dir):
    """Two processes (two stores) load the same actuals at the same moment:
    the second waits for the first to commit, then finds every row stored
    (3 unchanged), instead of interleaving or double-counting."""
    with Store(pg_url) as first, Store(pg_url) as second:
        ingest.load_folder(first, small_dir)
        frame = pd.DataFrame(
            {
                "unit_id": ["HQ", "HQ", "SALES"],
                "kpi_id": ["rev", "days", "rev"],
                "period": ["2026-04"] * 3,
                "actual": [120.0, 35.0, 210.0],
            }
        )
        started, results = threading.Event(), {}

        def hold() -> None:
            with first.transaction() as cur:
                started.set()
                time.sleep(0.8)  # the second writer arrives while this one is open
                results["first"] = first._write_in(
                    cur, "actuals", frame, file_name="april.csv", sha256="a", uploaded_by="one", note=None
                )

        thread = threading.Thread(target=hold)
        thread.start()
        started.wait(5)
        results["second"] = second.write_batch("actuals", frame, file_name="april.csv", sha256="a", uploaded_by="two")
        thread.join(10)
        assert (results["first"].rows_added, results["first"].rows_unchanged) == (3, 0)
        assert (results["second"].batch_id, results["second"].rows_unchanged) == (None, 3)
        got = first.cursor().execute("SELECT count(*) FROM actuals WHERE period = DATE '2026-04-01'").fetchone()[0]
        assert got == 3


def test_a_writer_that_waits_too_long_is_told_to_try_again_in_both_languages(pg_url, monkeypatch):
    monkeypatch.setattr(pg_backend, "WRITE_WAIT_S", 0.3)
    with Store(pg_url) as first, Store(pg_url) as second:
        with first.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('x.held', '1')")
            with pytest.raises(WriteConflictError) as caught, second.transaction() as other:
                other.execute("INSERT INTO settings VALUES ('x.late', '1')")
        assert caught.value.key == "pgstore.busy"
        assert "try again" in error_text(caught.value, "en").lower()
        assert "请稍后重试" in error_text(caught.value, "zh")
        stored = sorted(
            r[0] for r in first.cursor().execute("SELECT key FROM settings WHERE key LIKE 'x.%'").fetchall()
        )
        assert stored == ["x.held"]


def test_an_unreachable_server_is_a_clear_error_without_the_password(pg_cluster):
    url = f"postgresql://kpi:s3cret@127.0.0.1:{pg_cluster.port}/no_such_database"
    with pytest.raises(StoreError) as caught:
        Store(url)
    assert caught.value.key == "pgstore.unreachable"
    assert "s3cret" not in str(caught.value)
    assert "no_such_database" in error_text(caught.value, "zh")


# --------------------------------------------------------------------------- copy and backup


def _sorted(store: Store, table: str) -> pd.DataFrame:
    frame = store.cursor().execute("SELECT * FROM " + table).df()
    if table == "meta":
        frame = frame[~frame["key"].isin(["schema_version", "sql_compat"])]
    return frame.sort_values(list(frame.columns), ignore_index=True)


def test_the_demo_copied_to_postgresql_and_back_is_the_same_in_every_table(pg_url, demo_db_template, tmp_path):
    back = tmp_path / "back.duckdb"
    assert _cli("copy", "--from", str(demo_db_template), "--to", pg_url)[0] == 0
    code, said = _cli("copy", "--from", pg_url, "--to", str(back))
    assert code == 0, said
    with Store(demo_db_template, read_only=True) as duck, Store(pg_url) as pg, Store(back, read_only=True) as again:
        tables = copying.tables(duck)
        assert f"Copied {len(tables)} tables" in said
        assert {"actuals", "history", "batches", "change_log", "settings", "users", "kpi_scores"} <= set(tables)
        assert copying.tables(pg) == tables
        # every table the same on PostgreSQL, values and types as read back
        for table in tables:
            pd.testing.assert_frame_equal(_sorted(pg, table), _sorted(duck, table), check_exact=True, obj=table)
        # and back in DuckDB bit for bit; the sequences go on where they were
        assert again.table_checksums() == duck.table_checksums()
        batches = len(duck.batches())
        assert batches > 0
        assert copying.sequences(again) == copying.sequences(duck)
        assert dict(copying.sequences(again))["batch_seq"] == batches + 1  # the next batch after the demo's loads


def test_a_copy_into_a_database_that_holds_data_is_refused_and_changes_nothing(pg_url, demo_db_template):
    with Store(pg_url) as target:
        with target.transaction() as cur:
            cur.execute("INSERT INTO settings VALUES ('x.mine', 'kept')")
        before = target.data_version()
    code, _ = _cli("copy", "--from", str(demo_db_template), "--to", pg_url)
    assert code == 1
    with Store(pg_url) as target:
        assert target.cursor().execute("SELECT count(*) FROM units").fetchone()[0] == 0
        assert target.data_version() == before


def test_backup_copies_the_recent_writes_and_refuses_while_another_process_holds_the_file(tmp_path, small_dir):
    db, out = tmp_path / "live.duckdb", tmp_path / "backup.duckdb"
    with Store(db) as store:
        ingest.load_folder(store, small_dir)  # committed, still in live.duckdb.wal (no checkpoint)
    assert _cli("--db", str(db), "backup", str(out))[0] == 0
    with Store(out, read_only=True) as copy:
        assert copy.cursor().execute("SELECT count(*) FROM actuals").fetchone()[0] == 19  # SMALL_ACTUALS
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"ok"
        err = io.StringIO()
        with redirect_stderr(err):
            code = cli.main(["--lang", "zh", "--db", str(db), "backup", str(tmp_path / "again.duckdb")])
        assert code == 1
        assert "live.duckdb.wal" in err.getvalue() and "pg_dump" in err.getvalue() and "停止仪表板" in err.getvalue()
        assert not (tmp_path / "again.duckdb").exists()
    finally:
        holder.kill()
