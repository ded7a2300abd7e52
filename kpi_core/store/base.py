"""Opening the database file, migrating it, and running transactions.

DuckDB lets one process open a file read-write; a second process (the CLI
while the dashboard runs) gets a lock error, which we turn into
:class:`StoreLockedError` with a message a person can act on. A connection is
not thread-safe, so every query takes its own cursor.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from kpi_core.store.schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "scorecard.duckdb"
ENV_VAR = "KPI_DB_PATH"


class StoreError(RuntimeError):
    """A problem with the database file itself (locked, newer schema, failed write)."""


class StoreLockedError(StoreError):
    """Another process holds the database file."""


def default_path() -> Path:
    """The database path: ``$KPI_DB_PATH`` or ``data/scorecard.duckdb``."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DB)


class BaseStore:
    """One open database file. Methods take a cursor each, so one store can
    serve every thread of the dashboard."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"The database {self.path} is in use by another process "
                    f"(for example the running dashboard). Stop it, or point "
                    f"--db / {ENV_VAR} at another file. DuckDB said: {exc}"
                ) from exc
            raise
        if not read_only:
            self._migrate()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> BaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN ... COMMIT on a fresh cursor; any error rolls back and re-raises.

        DuckDB's COMMIT after a failed statement returns without raising yet
        keeps nothing, so success is never inferred from a quiet COMMIT: the
        callers check what was written.
        """
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            cur.close()
            raise
        cur.execute("COMMIT")
        cur.close()

    # ------------------------------------------------------------------ schema

    def schema_version(self) -> int:
        cur = self.cursor()
        has_meta = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        if not has_meta:
            return 0
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}; this program knows up to "
                f"{SCHEMA_VERSION}. Upgrade the program instead of overwriting the file."
            )
        if current == SCHEMA_VERSION:
            return
        with self.transaction() as cur:
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    cur.execute(statement)
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def table_checksums(self) -> dict[str, str]:
        """An order-independent checksum of every table, to prove a failed
        write changed nothing."""
        cur = self.cursor()
        tables = [
            r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()
        ]
        out = {}
        for table in tables:
            # table names come from the catalogue, not from a user
            query = "SELECT count(*), coalesce(sum(hash(t::VARCHAR)), 0) FROM " + table + " t"
            count, digest = cur.execute(query).fetchone()
            out[table] = f"{count}:{digest}"
        return out
