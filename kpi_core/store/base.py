"""Opening the database, migrating it, and running transactions.

Two backends, one store. A file path opens a DuckDB file; a
``postgresql://`` URL opens a PostgreSQL database through a connection pool
(:mod:`kpi_core.store.pg`, whose cursor behaves like DuckDB's). The mixins'
SQL reaches either through :mod:`kpi_core.store.dialect`, where every
difference lives.

DuckDB lets one process open a file read-write; a second process (the CLI
while the dashboard runs) gets a lock error, which we turn into
:class:`StoreLockedError` with a message a person can act on. A connection is
not thread-safe, so every query takes its own cursor. On PostgreSQL every
write transaction first takes one advisory lock: writers of every process run
one after another, and one that waits longer than
:data:`kpi_core.store.pg.WRITE_WAIT_S` gives up with "try again" (nothing
stored).
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

from kpi_core.store import dialect
from kpi_core.store.dialect import duckdb_dialect, is_postgres
from kpi_core.store.schema import MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")

#: Pause before the one retry of a write that lost a race: the winner, still
#: committing, is usually done within a few milliseconds.
RETRY_PAUSE_S = 0.1

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "scorecard.duckdb"
ENV_VAR = "KPI_DB_PATH"
#: Also accepted, and preferred when both are set: a file path or a ``postgresql://`` URL.
URL_ENV_VAR = "KPI_DB"


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
    """Whether ``exc`` is the database refusing a write because another
    transaction wrote the same rows (as opposed to a bug or a bad value).

    >>> is_write_conflict(duckdb.TransactionException("Conflict on tuple deletion!"))
    True
    >>> is_write_conflict(duckdb.ConversionException("Could not convert string 'x' to INT32"))
    False
    """
    if not isinstance(exc, duckdb.Error):
        return _pg_says(exc, "is_conflict")
    text = str(exc).lower()
    return any(marker in text for marker in _CONFLICT_MARKERS)


def _pg_says(exc: BaseException, test: str) -> bool:
    """A PostgreSQL error classified by :mod:`.pg` (never imported for DuckDB only)."""
    if type(exc).__module__.split(".")[0] != "psycopg":
        return False
    from kpi_core.store import pg

    return getattr(pg, test)(exc)


def _is_duplicate_key(exc: BaseException) -> bool:
    if isinstance(exc, duckdb.ConstraintException):
        return "duplicate key" in str(exc).lower()
    return _pg_says(exc, "is_duplicate_key")


def _is_missing_table(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.CatalogException) or _pg_says(exc, "is_missing")


_LOCAL_VERSIONS: dict[str, int] = {}
_VERSION_LOCK = threading.Lock()


def default_target() -> str | Path:
    """The database: ``$KPI_DB`` or ``$KPI_DB_PATH`` (a file path or a
    ``postgresql://`` URL), else ``data/scorecard.duckdb``."""
    value = os.environ.get(URL_ENV_VAR) or os.environ.get(ENV_VAR)
    if value and is_postgres(value):
        return value.strip()
    return Path(value or DEFAULT_DB)


def default_path() -> str | Path:
    """The database (kept under its old name): see :func:`default_target`."""
    return default_target()


def db_target(value: str | Path | None) -> str | Path:
    """A ``--db`` value as the store takes it: a URL as text, else a path."""
    if value is None:
        return default_target()
    return str(value).strip() if is_postgres(str(value)) else Path(value)


class BaseStore:
    """One open database file. Methods take a cursor each, so one store can
    serve every thread of the dashboard."""

    #: Called as ``hook(store, cursor)`` at the end of every write transaction,
    #: before COMMIT. The store knows no domain code; the scores service
    #: (:mod:`kpi_core.scores`) registers itself here when it is imported.
    write_hooks: list[Callable[[BaseStore, duckdb.DuckDBPyConnection], None]] = []

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        target = db_target(path)
        self.read_only = read_only
        # One writer at a time in this process (every dashboard session is a
        # thread sharing this store): a second write waits for the first to
        # commit and then reads what it wrote, instead of racing it.
        self._write_lock = threading.RLock()
        self._scores_ready = False
        self._pg = None
        self.dialect = duckdb_dialect()
        if isinstance(target, str):
            self._open_postgres(target)
            return
        self.path = target
        #: how messages name the database (a file name; a URL without password)
        self.label = self.path.name
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

    def _open_postgres(self, url: str) -> None:
        from kpi_core.store import pg

        self.path = dialect.redact(url)
        self.label = self.path.split("@")[-1]
        try:
            self._pg = pg.PgBackend(url, read_only=self.read_only, max_size=pg.pool_size())
        except Exception as exc:  # psycopg's reason is kept in the chain (the log)
            if type(exc).__module__.split(".")[0] not in ("psycopg", "psycopg_pool"):
                raise
            raise StoreError(
                f"Cannot connect to the PostgreSQL database {self.label}: {pg.reason(exc)}",
                key="pgstore.unreachable",
                db=self.label,
                reason=pg.reason(exc),
            ) from exc
        self.dialect = self._pg.dialect
        if not self.read_only:
            self._migrate()

    @property
    def backend(self) -> str:
        """``"duckdb"`` or ``"postgresql"``."""
        return self.dialect.name

    def close(self) -> None:
        if self._pg is not None:
            self._pg.close()
            return
        self._con.close()

    def __enter__(self) -> BaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        if self._pg is not None:
            return self._pg.cursor()
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
                if self._pg is not None:
                    seen = self._wait_for_writers(cur)
                yield cur
                self._before_commit(cur, seen)
                cur.execute("COMMIT")
            except BaseException as exc:
                try:
                    cur.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - a failed COMMIT has already ended the transaction
                    pass
                cur.close()
                if self._pg is not None and _pg_says(exc, "is_lock_timeout"):
                    raise WriteConflictError(
                        "another write is still running on the database; nothing of this one was stored; "
                        "try again in a moment",
                        key="pgstore.busy",
                    ) from exc
                # a key another writer inserted since this one began is a race, not a bug
                raced = _is_duplicate_key(exc)
                if is_write_conflict(exc) or (raced and self._last_batch_id() != seen):
                    raise WriteConflictError(
                        "another write changed the same rows at the same moment; nothing of this one was stored",
                        key="store.conflict",
                    ) from exc
                raise
            cur.close()
            self._bump_version()

    @contextmanager
    def plain_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction without the scores' bookkeeping (a whole
        database copied in: its stored scores and marks come with it)."""
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                if self._pg is not None:
                    self._wait_for_writers(cur)
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                try:
                    cur.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - a failed COMMIT has already ended the transaction
                    pass
                raise
            finally:
                cur.close()
            self._bump_version()

    def _wait_for_writers(self, cur) -> int:
        """PostgreSQL, first thing in a write transaction: wait for any other
        process's write to commit (one advisory lock for every writer), then
        return the newest batch, read after it did."""
        from kpi_core.store import pg

        cur.execute("SELECT set_config('lock_timeout', ?, true)", [f"{pg.WRITE_WAIT_S}s"])
        cur.execute("SELECT pg_advisory_xact_lock(?)", [pg.WRITE_LOCK_KEY])
        return self._last_batch_id()

    # ------------------------------------------------------------------ data version

    def data_version(self) -> int:
        """A number that grows whenever any process commits a write: a cached
        result read at an older number may be stale.

        PostgreSQL: the sequence ``data_version_seq``, advanced right after
        every commit (after, not before: a reader that saw the new number
        before the commit could cache the old rows under it). A sequence is
        no table, so an upload that changes nothing changes no table. A
        process that dies between its commit and the advance leaves the
        others' caches stale until the next write. DuckDB: the file has one
        writer process, this one, which counts its own commits."""
        if self._pg is None:
            return _LOCAL_VERSIONS.get(self._version_key(), 0)
        return int(
            self.cursor()
            .execute("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM data_version_seq")
            .fetchone()[0]
        )

    def _version_key(self) -> str:
        # every store of one file in this process shares the count; an in-memory one is its own
        return f"memory#{id(self)}" if str(self.path) == ":memory:" else str(Path(self.path).resolve())

    def _bump_version(self) -> None:
        if self._pg is not None:
            self.cursor().execute("SELECT nextval('data_version_seq')")
            return
        key = self._version_key()
        with _VERSION_LOCK:
            _LOCAL_VERSIONS[key] = _LOCAL_VERSIONS.get(key, 0) + 1

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
                "SELECT count(*) FROM information_schema.tables"
                " WHERE table_name = 'score_moves' AND table_schema = current_schema()"
            ).fetchone()[0]
            self._scores_ready = bool(found)
        return self._scores_ready

    def _last_batch_id(self) -> int:
        """The newest batch committed (0 before the first; also while the schema is being created)."""
        try:
            return int(self.cursor().execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchone()[0])
        except Exception as exc:
            if _is_missing_table(exc):
                return 0
            raise

    # ------------------------------------------------------------------ schema

    def schema_version(self) -> int:
        cur = self.cursor()
        has_meta = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = current_schema()"
        ).fetchone()[0]
        if not has_meta:
            return 0
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.label} has schema version {current}; this program knows up to "
                f"{SCHEMA_VERSION}. Upgrade the program instead of overwriting the file.",
                key="store.newer_schema",
                file=self.label,
                current=current,
                known=SCHEMA_VERSION,
            )
        if current == SCHEMA_VERSION and not self._needs_compat():
            return
        with self.transaction() as cur:
            if self._pg is not None:
                # under the writers' lock: another process may be migrating the same database
                current = self._schema_version_in(cur)
                for statement in dialect.PG_COMPAT:
                    cur.execute(statement)
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    cur.execute(statement)
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            if self._pg is not None:
                for statement in dialect.PG_INDEXES:
                    cur.execute(statement)
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('sql_compat', ?)", [dialect.PG_COMPAT_VERSION])
        if self._pg is not None:
            self._pg.forget_tables()

    def _needs_compat(self) -> bool:
        """PostgreSQL: whether the DuckDB functions the SQL uses (:data:`dialect.PG_COMPAT`) are missing or old."""
        if self._pg is None:
            return False
        row = self.cursor().execute("SELECT value FROM meta WHERE key = 'sql_compat'").fetchone()
        return row is None or row[0] != dialect.PG_COMPAT_VERSION

    def _schema_version_in(self, cur) -> int:
        row = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = current_schema()"
        ).fetchone()
        if not row[0]:
            return 0
        found = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(found[0]) if found else 0

    def table_checksums(self) -> dict[str, str]:
        """An order-independent checksum of every table, to prove a failed
        write changed nothing."""
        cur = self.cursor()
        tables = [r[0] for r in cur.execute(self.dialect.TABLES_QUERY).fetchall()]
        out = {}
        for table in tables:
            # table names come from the catalogue, not from a user
            count, digest = cur.execute(self.dialect.checksum_query(table)).fetchone()
            out[table] = f"{count}:{digest}"
        return out
