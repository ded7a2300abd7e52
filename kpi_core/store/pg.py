"""The PostgreSQL backend: a connection pool and a cursor that behaves like DuckDB's.

The store's mixins call ``cur.execute(sql, params)``, ``fetchone``,
``fetchall``, ``df``, ``fetchnumpy``, ``register`` and ``unregister`` on a
DuckDB cursor. :class:`PgCursor` offers the same calls over a ``psycopg`` 3
connection pool, so the mixins do not know which backend they talk to:

* a statement outside a transaction borrows a pooled connection, fetches its
  whole result and gives the connection back at once (a page's many small
  reads never hold a connection between them);
* ``BEGIN`` pins a connection to the cursor until ``COMMIT`` / ``ROLLBACK``;
  so does ``register``, until ``unregister``;
* ``register(name, frame)`` creates a temporary table ``name`` and copies the
  frame in (``COPY ... FROM STDIN``), typed from the frame's dtypes;
* results are converted as DuckDB converts them (see :mod:`.dialect`).

psycopg is imported here only: a DuckDB-only installation never loads it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
from decimal import Decimal

import numpy as np
import pandas as pd
import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from kpi_core.store.dialect import PostgresDialect, redact

#: PostgreSQL type oids, grouped as DuckDB's ``df()`` converts them.
_INTS = {21: "int16", 23: "int32", 20: "int64"}
_FLOATS = {700, 701, 1700}
_TEXTS = {25, 1043, 1042, 19, 18}
_DATES = {1082, 1114}
_BOOL = 16
_NUMERIC = 1700

#: Errors that mean "another writer": the caller retries once, then says "try again".
CONFLICT_ERRORS = (errors.SerializationFailure, errors.DeadlockDetected, errors.LockNotAvailable)
#: A table or column that does not exist (yet).
MISSING_ERRORS = (errors.UndefinedTable, errors.UndefinedColumn)

#: How long a write waits for another process's write to finish before it
#: gives up with "try again" (seconds). A rebuild of a large organisation's
#: scores takes a few seconds; a normal upload well under one.
WRITE_WAIT_S = 60
#: The advisory lock every write transaction takes first: writers run one
#: after another, across every process on the database.
WRITE_LOCK_KEY = 0x4B5049  # "KPI"


class PgBackend:
    """One pool of connections to one database (one per process and URL)."""

    def __init__(self, url: str, *, read_only: bool = False, max_size: int = 10) -> None:
        self.url = url
        self.label = redact(url)
        self.read_only = read_only
        self._columns: dict[str, tuple[list[str], list[str]]] = {}
        self._types: dict[str, str] | None = None
        self._info_lock = threading.Lock()
        self.dialect = PostgresDialect()
        # a first plain connection: a wrong URL or a stopped server gives its own
        # reason at once, instead of a pool timing out without one
        with psycopg.connect(url, connect_timeout=10, autocommit=True):
            pass
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True},
            configure=self._configure,
            open=False,
            name="kpi-store",
        )
        self.pool.open(wait=True, timeout=30)

    def _configure(self, conn: psycopg.Connection) -> None:
        conn.execute("SET DateStyle = 'ISO, YMD'")
        conn.execute("SET IntervalStyle = 'iso_8601'")
        if self.read_only:
            conn.execute("SET default_transaction_read_only = on")

    def close(self) -> None:
        self.pool.close()

    def cursor(self) -> PgCursor:
        return PgCursor(self)

    # ------------------------------------------------------------------ catalogue

    def table_info(self, table: str, conn: psycopg.Connection) -> tuple[list[str], list[str]]:
        """``(columns, primary key columns)`` of one of the store's tables, seen
        on ``conn`` (inside a migration the table may not be committed yet)."""
        with self._info_lock:
            if table not in self._columns:
                columns = conn.execute(
                    """SELECT column_name FROM information_schema.columns
                       WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position""",
                    [table],
                ).fetchall()
                key = conn.execute(
                    """SELECT a.attname FROM pg_index i
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                       WHERE i.indrelid = to_regclass(%s) AND i.indisprimary
                       ORDER BY array_position(i.indkey::int2[], a.attnum)""",
                    [table],
                ).fetchall()
                self._columns[table] = ([r[0] for r in columns], [r[0] for r in key])
            return self._columns[table]

    def column_types(self, conn: psycopg.Connection) -> dict[str, str]:
        """Column name -> SQL type for every name that has one type in every
        table (typing a registered frame's all-empty columns)."""
        with self._info_lock:
            if self._types is None:
                rows = conn.execute(
                    """SELECT column_name, min(data_type), count(DISTINCT data_type)
                       FROM information_schema.columns WHERE table_schema = current_schema()
                       GROUP BY column_name"""
                ).fetchall()
                self._types = {name: kind for name, kind, n in rows if n == 1}
            return self._types

    def forget_tables(self) -> None:
        """After a migration: tables and columns may have changed."""
        with self._info_lock:
            self._columns.clear()
            self._types = None
        self.dialect.forget_tables()


# --------------------------------------------------------------------------- results


def _column(values: list, oid: int, for_numpy: bool = False):
    """One result column as DuckDB gives it (``df()``, or ``fetchnumpy()``)."""
    nulls = None in values  # a C-level scan (values are ints, floats, text, dates: no == surprises)
    if oid in _INTS:
        kind = _INTS[oid]
        if not nulls:
            return np.array(values, dtype=kind)
        if for_numpy:
            return np.ma.masked_array(
                [0 if v is None else v for v in values], mask=[v is None for v in values], dtype=kind
            )
        return pd.array(values, dtype=kind.capitalize())
    if oid in _FLOATS:
        return np.array(values, dtype="float64")  # None becomes NaN
    if oid in _TEXTS:
        if for_numpy or values.count(None) == len(values):  # DuckDB: no text at all is an object column
            return np.array(values, dtype=object)
        return pd.array(values, dtype="str")
    if oid in _DATES:
        return np.array([np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[us]")
    if oid == _BOOL:
        if not nulls:
            return np.array(values, dtype=bool)
        return pd.array(values, dtype="boolean")
    return np.array(values, dtype=object) if values else np.array([], dtype=object)


class PgCursor:
    """DuckDB's cursor calls over a pooled PostgreSQL connection (see the module)."""

    def __init__(self, backend: PgBackend) -> None:
        self._backend = backend
        self._conn: psycopg.Connection | None = None
        self._in_tx = False
        self._registered: set[str] = set()
        self._rows: list[tuple] = []
        self._names: list[str] = []
        self._oids: list[int] = []

    # ------------------------------------------------------------------ connection

    def _acquire(self) -> psycopg.Connection:
        if self._conn is None:
            self._conn = self._backend.pool.getconn()
        return self._conn

    def _release_if_idle(self) -> None:
        if self._conn is not None and not self._in_tx and not self._registered:
            self._backend.pool.putconn(self._conn)
            self._conn = None

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.info.transaction_status == TransactionStatus.IDLE:
                for name in self._registered:
                    conn.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(sql.Identifier(name)))
        except psycopg.Error:
            pass  # the pool rolls back and checks the connection
        self._registered.clear()
        self._in_tx = False
        self._backend.pool.putconn(conn)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit the pool may be gone
            pass

    def cursor(self) -> PgCursor:
        return PgCursor(self._backend)

    # ------------------------------------------------------------------ statements

    def execute(self, statement: str, parameters: object = None) -> PgCursor:
        params = list(parameters) if parameters is not None else []
        word = statement.lstrip()[:8].upper()
        if word.startswith("BEGIN"):
            self._acquire().execute("BEGIN")
            self._in_tx = True
            return self._result([], [], [])
        if word.startswith(("COMMIT", "ROLLBACK", "ABORT")):
            return self._end(word)
        conn = self._acquire()
        text = self._translate(statement, bool(params), conn)
        try:
            with conn.cursor(binary=True) as cur:
                cur.execute(text, params or None)
                if cur.description is None:
                    return self._result([(cur.rowcount,)], ["Count"], [20])
                return self._result(
                    cur.fetchall(), [d.name for d in cur.description], [d.type_code for d in cur.description]
                )
        finally:
            self._release_if_idle()

    def _end(self, word: str) -> PgCursor:
        conn = self._conn
        self._in_tx = False
        if conn is not None:
            try:
                failed = conn.info.transaction_status == TransactionStatus.INERROR
                conn.execute("ROLLBACK" if word.startswith(("ROLLBACK", "ABORT")) or failed else "COMMIT")
            finally:
                # temporary tables made inside the transaction are gone with a rollback
                if word.startswith(("ROLLBACK", "ABORT")):
                    self._registered.clear()
                self._release_if_idle()
        return self._result([], [], [])

    def _translate(self, statement: str, has_params: bool, conn: psycopg.Connection) -> str:
        try:
            return self._backend.dialect.translate(
                statement, has_params, lambda table: self._backend.table_info(table, conn)
            )
        except BaseException:
            self._release_if_idle()
            raise

    def executemany(self, statement: str, rows: object) -> PgCursor:
        conn = self._acquire()
        text = self._translate(statement, True, conn)
        try:
            with conn.cursor() as cur:
                cur.executemany(text, [list(r) for r in rows])
        finally:
            self._release_if_idle()
        return self._result([], [], [])

    def _result(self, rows: list[tuple], names: list[str], oids: list[int]) -> PgCursor:
        if _NUMERIC in oids:  # numeric (an avg, an extract) as a float, as DuckDB gives a DOUBLE
            at = [i for i, o in enumerate(oids) if o == _NUMERIC]
            rows = [tuple(float(v) if i in at and isinstance(v, Decimal) else v for i, v in enumerate(r)) for r in rows]
        self._rows, self._names, self._oids = rows, names, oids
        return self

    # ------------------------------------------------------------------ results

    @property
    def description(self) -> list[tuple] | None:
        return [(n, o) for n, o in zip(self._names, self._oids, strict=True)] or None

    def fetchone(self) -> tuple | None:
        if not self._rows:
            return None
        return self._rows.pop(0)

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def _columns(self) -> list[list]:
        rows, self._rows = self._rows, []
        return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in self._names]

    def df(self) -> pd.DataFrame:
        columns = self._columns()
        return pd.DataFrame(
            {n: _column(v, o) for n, v, o in zip(self._names, columns, self._oids, strict=True)},
            columns=self._names,
        )

    fetchdf = df
    fetch_df = df

    def fetchnumpy(self) -> dict[str, np.ndarray]:
        columns = self._columns()
        return {n: _column(v, o, for_numpy=True) for n, v, o in zip(self._names, columns, self._oids, strict=True)}

    # ------------------------------------------------------------------ frames

    def register(self, name: str, frame: pd.DataFrame) -> PgCursor:
        """Make ``frame`` readable as table ``name`` (a temporary table)."""
        conn = self._acquire()
        self._registered.add(name)
        types = self._backend.column_types(conn)
        table = sql.Identifier(name)
        columns = [
            sql.SQL("{} {}").format(sql.Identifier(str(c)), sql.SQL(_sql_type(frame[c], str(c), types)))
            for c in frame.columns
        ]
        conn.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(table))
        conn.execute(sql.SQL("CREATE TEMPORARY TABLE {} ({})").format(table, sql.SQL(", ").join(columns)))
        if len(frame):
            buffer = io.StringIO()
            _plain_frame(frame).to_csv(
                buffer, header=False, index=False, na_rep="\\N", date_format="%Y-%m-%d %H:%M:%S.%f"
            )
            with (
                conn.cursor() as cur,
                cur.copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv, NULL '\\N')").format(table)) as copy,
            ):
                copy.write(buffer.getvalue())
        return self

    def unregister(self, name: str) -> PgCursor:
        if name not in self._registered:
            return self
        self._registered.discard(name)
        conn = self._conn
        # inside a failed transaction nothing runs; the ROLLBACK drops the table
        if conn is not None and conn.info.transaction_status != TransactionStatus.INERROR:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(sql.Identifier(name)))
        self._release_if_idle()
        return self


def _first(series: pd.Series) -> object:
    found = series.dropna()
    return found.iloc[0] if len(found) else None


def _sql_type(series: pd.Series, name: str, known: dict[str, str]) -> str:
    """The column type of a registered frame's column: from its dtype, its
    first value, or (all empty) the type a table gives that column name."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _sql_type(pd.Series(dtype.categories), name, known) if len(dtype.categories) else "text"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp"
    value = _first(series)
    if value is None:
        return known.get(name, "text")
    if isinstance(value, bool | np.bool_):
        return "boolean"
    if isinstance(value, int | np.integer):
        return "bigint"
    if isinstance(value, float | np.floating):
        return "double precision"
    if isinstance(value, dt.datetime):
        return "timestamp"
    if isinstance(value, dt.date):
        return "date"
    return "text"


def _plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as ``to_csv`` should write it for COPY (categoricals as their values)."""
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return frame
    return frame.assign(**{c: frame[c].astype(object) for c in cats})


def is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, CONFLICT_ERRORS)


def is_lock_timeout(exc: BaseException) -> bool:
    return isinstance(exc, errors.LockNotAvailable)


def is_missing(exc: BaseException) -> bool:
    return isinstance(exc, MISSING_ERRORS)


def pool_size() -> int:
    """Connections per process: ``$KPI_PG_POOL`` or 10 (a dashboard's sessions
    share them; a statement holds one only while it runs)."""
    try:
        return max(2, int(os.environ.get("KPI_PG_POOL", "10")))
    except ValueError:
        return 10


def reason(exc: BaseException) -> str:
    """psycopg's reason for a failed connection, first line, without the URL's password."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return redact(text)


def is_duplicate_key(exc: BaseException) -> bool:
    return isinstance(exc, errors.UniqueViolation)
