"""Opening the database file, migrating it, and running transactions.

DuckDB lets one process open a file read-write; a second process (the CLI
while the dashboard runs) gets a lock error, which we turn into
:class:`StoreLockedError` with a message a person can act on. A connection is
not thread-safe, so every query takes its own cursor.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from kpi_core.store.schema import MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")

#: Pause before the one retry of a write that lost a race: the winner, still
#: committing, is usually done within a few milliseconds.
RETRY_PAUSE_S = 0.1

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "scorecard.duckdb"
ENV_VAR = "KPI_DB_PATH"


class StoreError(RuntimeError):
    """A problem with the database file itself (locked, newer schema, failed write).

    ``str(error)`` is English (the CLI and the logs); ``key`` and ``params``
    name the same message in the translation table (``kpi_core.i18n``), so a
    page can say it in the reader's language without parsing the text. The
    store never imports the table: it only names the key.
    """

    def __init__(self, message: str, *, key: str = "store.failed", **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = {"error": message, **params}


class StoreLockedError(StoreError):
    """Another process holds the database file."""


class WriteConflictError(StoreError):
    """Another writer changed the same rows at the same moment; nothing of this
    write was stored (its transaction was rolled back)."""


#: Fragments of DuckDB's messages when two transactions write the same rows
#: (optimistic concurrency: the second writer fails rather than waits), and
#: the "aborted" error every later statement of such a transaction raises.
_CONFLICT_MARKERS = (
    "conflict on",
    "transactioncontext error",
    "current transaction is aborted",
    "write-write conflict",
)


def is_write_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB refusing a write because another transaction
    wrote the same rows (as opposed to a bug or a bad value).

    >>> is_write_conflict(duckdb.TransactionException("Conflict on tuple deletion!"))
    True
    >>> is_write_conflict(duckdb.ConversionException("Could not convert string 'x' to INT32"))
    False
    """
    if not isinstance(exc, duckdb.Error):
        return False
    text = str(exc).lower()
    return any(marker in text for marker in _CONFLICT_MARKERS)


def default_path() -> Path:
    """The database path: ``$KPI_DB_PATH`` or ``data/scorecard.duckdb``."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DB)


class BaseStore:
    """One open database file. Methods take a cursor each, so one store can
    serve every thread of the dashboard."""

    #: Called as ``hook(store, cursor)`` at the end of every write transaction,
    #: before COMMIT. The store knows no domain code; the scores service
    #: (:mod:`kpi_core.scores`) registers itself here when it is imported.
    write_hooks: list[Callable[[BaseStore, duckdb.DuckDBPyConnection], None]] = []

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        # One writer at a time in this process (every dashboard session is a
        # thread sharing this store): a second write waits for the first to
        # commit and then reads what it wrote, instead of racing it.
        self._write_lock = threading.RLock()
        self._scores_ready = False
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                # DuckDB's own text names the holder's interpreter path and PID:
                # kept in the exception chain (the log), never in the message a
                # browser may show.
                raise StoreLockedError(
                    f"The database {self.path.name} is in use by another process "
                    f"(for example the running dashboard). Stop it, or point "
                    f"--db / {ENV_VAR} at another file.",
                    key="store.locked",
                    file=self.path.name,
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

        Writes of this store object are serialised by a lock. Writers that do
        not share it (another :class:`Store` on the same file in this process,
        another server process later) are kept apart by the database: the
        transaction that loses a write-write race raises
        :class:`WriteConflictError`, and :meth:`retrying_once` runs it again.

        DuckDB's COMMIT after a failed statement returns without raising yet
        keeps nothing, so success is never inferred from a quiet COMMIT: the
        callers check what was written.
        """
        with self._write_lock:
            seen = self._last_batch_id()
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                self._before_commit(cur, seen)
                cur.execute("COMMIT")
            except BaseException as exc:
                try:
                    cur.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # a failed COMMIT has already ended the transaction
                cur.close()
                # a key another writer inserted since this one began is a race, not a bug
                raced = isinstance(exc, duckdb.ConstraintException) and "duplicate key" in str(exc).lower()
                if is_write_conflict(exc) or (raced and self._last_batch_id() != seen):
                    raise WriteConflictError(
                        "another write changed the same rows at the same moment; nothing of this one was stored",
                        key="store.conflict",
                    ) from exc
                raise
            cur.close()

    def retrying_once(self, attempt: Callable[[], T]) -> T:
        """Run a write, and run it once more when it lost a race to another writer.

        ``attempt`` must be a whole transaction that re-reads what it checks
        (the retry then sees the other writer's committed rows: an upload
        diffs against them, a rollback re-checks whether it is still allowed).
        A second conflict is reported as :class:`WriteConflictError` naming
        the batches committed meanwhile; nothing of this write was stored.
        """
        seen = self._last_batch_id()
        try:
            return attempt()
        except WriteConflictError:
            time.sleep(RETRY_PAUSE_S)  # the winner may not have committed yet: give it a moment
        try:
            return attempt()
        except WriteConflictError as exc:
            newer = [
                int(r[0])
                for r in self.cursor()
                .execute("SELECT batch_id FROM batches WHERE batch_id > ? ORDER BY batch_id", [seen])
                .fetchall()
            ]
            if not newer:
                raise WriteConflictError(str(exc), key="store.conflict") from exc
            ids = ", ".join(map(str, newer))
            raise WriteConflictError(
                f"another upload (batch {ids}) changed these rows a moment ago; nothing of yours was stored; try again",
                key="store.conflict_batches",
                batches=ids,
            ) from exc

    def _before_commit(self, cur: duckdb.DuckDBPyConnection, seen: int) -> None:
        """Inside every write transaction, last: mark which stored scores the
        batches after ``seen`` moved, then run the write hooks (the scores
        service refreshes what moved), so a write and the scores it moves
        commit together or not at all."""
        if self._scores_table_ready(cur):
            self._record_moves(cur, seen)
            for hook in self.write_hooks:
                hook(self, cur)

    def _scores_table_ready(self, cur: duckdb.DuckDBPyConnection) -> bool:
        # false only until the schema has them (a new or older file's first transaction)
        if not self._scores_ready:
            found = cur.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'score_moves'"
            ).fetchone()[0]
            self._scores_ready = bool(found)
        return self._scores_ready

    def _last_batch_id(self) -> int:
        """The newest batch committed (0 before the first; also while the schema is being created)."""
        try:
            return int(self.cursor().execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchone()[0])
        except duckdb.CatalogException:
            return 0

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
                f"{self.path.name} has schema version {current}; this program knows up to "
                f"{SCHEMA_VERSION}. Upgrade the program instead of overwriting the file.",
                key="store.newer_schema",
                file=self.path.name,
                current=current,
                known=SCHEMA_VERSION,
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
