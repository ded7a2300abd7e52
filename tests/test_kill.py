"""A commit killed with SIGKILL leaves the database with all of the batch or
none of it: a child process writes a batch and is killed at chosen moments;
the database is then reopened and compared with the file and with before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpi_core.store import Store

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

# The child loads `actuals` from FILE into DB. With PAUSE set, the upsert of the
# batch runs and then the child says "inside" and sleeps before COMMIT.
CHILD = """
import sys, time
from datetime import date
from kpi_core import ingest
from kpi_core.store import Store, writes

db, path, pause = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
real = writes._upsert

def upsert_then_wait(*args, **kwargs):
    real(*args, **kwargs)
    print("inside", flush=True)
    time.sleep(60)

if pause:
    writes._upsert = upsert_then_wait
store = Store(db)
print("open", flush=True)
report = ingest.load_path(store, "actuals", path, today=date(2026, 11, 21))
print("committed" if report.result and report.result.batch_id else "rejected", flush=True)
time.sleep(60)
"""


def _file(tmp_path: Path, value: float) -> Path:
    pairs = [("HQ", k) for k in ("rev", "days", "spend", "csat", "staff")]
    rows = [f"{u},{k},2026-{m:02d},{value + m}" for u, k in pairs for m in range(1, 11)]
    path = tmp_path / f"batch_{value:g}.csv"
    path.write_text("unit_id,kpi_id,period,actual\n" + "\n".join(rows) + "\n")
    return path


def _values(db: Path) -> list[tuple]:
    with Store(db) as store:
        return (
            store.cursor()
            .execute("SELECT unit_id, kpi_id, period, actual, batch_id FROM actuals ORDER BY unit_id, kpi_id, period")
            .fetchall()
        )


def _file_values(path: Path) -> dict:
    lines = path.read_text().splitlines()[1:]
    return {(u, k, p): float(v) for u, k, p, v in (line.split(",") for line in lines)}


def _run_child(db: Path, path: Path, pause: bool, wait_for: str, delay: float = 0.0) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(path), "1" if pause else "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"child ended early: {proc.stderr.read()}")
            if line.strip() == wait_for:
                break
        time.sleep(delay)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def _all_or_none(db: Path, before: list[tuple], path: Path) -> str:
    after = _values(db)
    if after == before:
        return "none"
    file_values = _file_values(path)
    stored = {(u, k, str(p)[:7]): v for u, k, p, v, _ in after}
    assert all(stored[key] == value for key, value in file_values.items()), "a partial batch survived"
    untouched_before = {(u, k, str(p)[:7]): v for u, k, p, v, _ in before if (u, k, str(p)[:7]) not in file_values}
    assert {k: stored[k] for k in untouched_before} == untouched_before
    return "all"


@pytest.fixture
def db(small_store, tmp_path, store_backend) -> Path | str:
    """The small company's database: a file, or (tests/pg_contract.py) a PostgreSQL URL."""
    path = small_store.path
    if store_backend == "duckdb":
        small_store.cursor().execute("CHECKPOINT")
    small_store.close()
    return path


def test_killed_inside_the_transaction_keeps_none_of_the_batch(db, tmp_path):
    before = _values(db)
    with Store(db) as store:
        checksums = store.table_checksums()
    _run_child(db, _file(tmp_path, 1000), pause=True, wait_for="inside")
    assert _all_or_none(db, before, _file(tmp_path, 1000)) == "none"
    with Store(db) as store:
        assert store.table_checksums() == checksums


def test_killed_after_the_commit_keeps_all_of_the_batch(db, tmp_path):
    before = _values(db)
    path = _file(tmp_path, 2000)
    _run_child(db, path, pause=False, wait_for="committed")
    assert _all_or_none(db, before, path) == "all"
    with Store(db) as store:
        assert store.batches()["kind"].iloc[0] == "actuals"
        assert store.batches()["rows_total"].iloc[0] == 50


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3])
def test_killed_at_any_moment_of_a_commit_keeps_all_or_none(db, tmp_path, delay):
    before = _values(db)
    path = _file(tmp_path, 3000)
    _run_child(db, path, pause=False, wait_for="open", delay=delay)
    assert _all_or_none(db, before, path) in ("all", "none")
