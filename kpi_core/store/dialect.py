"""The one place where the two backends' SQL differs.

The store's SQL is written once, in DuckDB's dialect restricted to what
PostgreSQL (15 or newer) can also run, and sent through
:meth:`Dialect.translate` before it reaches the database. For DuckDB that is
the identity; for PostgreSQL it is a small, cached rewrite of the text
(:meth:`PostgresDialect.translate`) plus a handful of SQL functions that give
PostgreSQL the DuckDB names the store uses (:data:`PG_COMPAT`, installed by
the migration). Everything else is written portably. The rules, for anyone
adding a mixin (docs/store.md says the same):

* placeholders are ``?`` (rewritten to ``%s``; a ``%`` in the text is escaped);
* ``DOUBLE`` is rewritten to ``DOUBLE PRECISION`` and ``TINYINT`` to
  ``SMALLINT``; ``INSERT OR REPLACE INTO t`` / ``INSERT OR IGNORE INTO t`` get
  an ``ON CONFLICT (primary key) DO UPDATE SET ... / DO NOTHING`` (the table
  needs a primary key, as DuckDB requires too); ``json_object(k, v, ...)``
  becomes ``jsonb_build_object`` (read the JSON back with a parser, never
  compare its text);
* these DuckDB functions exist on PostgreSQL too: ``year``, ``month``,
  ``strftime(date, '%Y-%m')`` (``%Y %m %d %H %M %S``), ``list_contains``,
  ``list_position``, ``json_extract_string(text, '$.key')``,
  ``datediff('month'|'day'|'year', a, b)``, ``isnan`` (and PostgreSQL's own
  ``starts_with``, ``split_part``, ``concat_ws``, ``string_agg``, ``unnest``,
  ``percentile_disc(q) WITHIN GROUP (ORDER BY x)``);
* not portable, so never used: ``SEMI JOIN`` / ``ANTI JOIN`` (write
  ``(a, b) [NOT] IN (SELECT a, b FROM t)``: as fast on DuckDB; ``EXISTS`` is slower), ``GROUP BY ALL`` / ``ORDER BY ALL``, ``SELECT * EXCLUDE``
  / ``REPLACE``, a subquery in FROM without an alias, any other ``TRY_CAST``,
  ``quantile_*`` (write ``percentile_disc(q) WITHIN GROUP (ORDER BY x)``),
  struct and list literals (``{a: 1}``, ``[1, 2]``: bind a Python list as
  ``?::VARCHAR[]``), ``hash``, ``CREATE OR REPLACE TABLE``;
* a pandas frame is registered with ``cur.register(name, frame)`` on both (a
  temporary table on PostgreSQL): give a column that may be all empty a
  non-object dtype, or a name some table already uses, so its type is known.

Results come back the same way from both: ``fetchone`` / ``fetchall`` give
tuples, ``df()`` a pandas frame with DuckDB's dtypes (``str`` text,
``datetime64[us]`` dates, ``Int32`` for an integer column with NULLs ...),
``fetchnumpy()`` a dict of arrays; INSERT, UPDATE and DELETE return one row
with the count of rows they changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

#: The URL schemes that select the PostgreSQL backend.
PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: object) -> bool:
    """Whether ``target`` (a ``--db`` value) names a PostgreSQL database.

    >>> is_postgres("postgresql://kpi@db:5432/scorecard"), is_postgres("data/scorecard.duckdb")
    (True, False)
    """
    return isinstance(target, str) and target.strip().lower().startswith(PG_SCHEMES)


def redact(url: str) -> str:
    """The URL without its password (for messages and logs).

    >>> redact("postgresql://kpi:secret@db:5432/scorecard")
    'postgresql://kpi@db:5432/scorecard'
    """
    return re.sub(r"^(\w+://[^:/@]+):[^@]*@", r"\1@", url)


class Dialect:
    """DuckDB: the store's SQL runs as written."""

    name = "duckdb"

    def translate(self, sql: str, has_params: bool, table_info: TableInfo | None = None) -> str:
        return sql

    #: every table of the store's schema (not temporary ones), sorted
    TABLES_QUERY = (
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    )

    #: every sequence of the schema and the number it gives next
    SEQUENCES_QUERY = (
        "SELECT sequence_name, coalesce(last_value + increment_by, start_value) FROM duckdb_sequences()"
        " WHERE database_name = current_database() AND schema_name = current_schema() AND NOT temporary"
        " ORDER BY sequence_name"
    )

    def checksum_query(self, table: str) -> str:
        """An order-independent checksum of one table (name from the catalogue)."""
        return "SELECT count(*), coalesce(sum(hash(t::VARCHAR)), 0) FROM " + table + " t"


# --------------------------------------------------------------------------- PostgreSQL

#: Quoted strings, quoted names and comments: copied as they are (a ``%`` in
#: them doubled); everything else is code, where ``?`` and the words change.
_SCAN = re.compile(r"('(?:[^']|'')*')|(\"(?:[^\"]|\"\")*\")|(--[^\n]*)")
_WORDS = [
    (re.compile(r"\bTRY_CAST\s*\(\s*([\w.]+)\s+AS\s+DOUBLE\s*\)", re.I), r"try_cast_double(\1)"),
    (re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bTINYINT\b", re.I), "SMALLINT"),
    (re.compile(r"\bjson_object\s*\(", re.I), "jsonb_build_object("),
]
_UPSERT = re.compile(r"^\s*INSERT\s+OR\s+(REPLACE|IGNORE)\s+INTO\s+([A-Za-z_]\w*)\s*(\(([^)]*)\))?", re.I)

#: ``table -> (columns, primary key columns)``, from the catalogue.
TableInfo = Callable[[str], tuple[list[str], list[str]]]


def _code(text: str, has_params: bool) -> str:
    for pattern, replacement in _WORDS:
        text = pattern.sub(replacement, text)
    if has_params:
        text = text.replace("%", "%%").replace("?", "%s")
    return text


def pg_text(sql: str, has_params: bool) -> str:
    """``sql`` with PostgreSQL's placeholders and type names (no upserts).

    >>> pg_text("SELECT strftime(p, '%Y') FROM t WHERE a = ? AND b::DOUBLE > 1", True)
    "SELECT strftime(p, '%%Y') FROM t WHERE a = %s AND b::DOUBLE PRECISION > 1"
    >>> pg_text("SELECT '?' AS q, x % 2 FROM t", False)
    "SELECT '?' AS q, x % 2 FROM t"
    """
    out, pos = [], 0
    for match in _SCAN.finditer(sql):
        out.append(_code(sql[pos : match.start()], has_params))
        quoted = match.group(0)
        out.append(quoted.replace("%", "%%") if has_params else quoted)
        pos = match.end()
    out.append(_code(sql[pos:], has_params))
    return "".join(out)


def upsert(sql: str, table_info: TableInfo) -> str:
    """``INSERT OR REPLACE|IGNORE INTO t ...`` as PostgreSQL's ``INSERT ... ON CONFLICT``.

    >>> info = lambda t: (["key", "value"], ["key"])
    >>> upsert("INSERT OR REPLACE INTO meta VALUES ('a', ?)", info)
    "INSERT INTO meta VALUES ('a', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
    >>> upsert("INSERT OR IGNORE INTO meta (key) VALUES (?)", info)
    'INSERT INTO meta (key) VALUES (?) ON CONFLICT (key) DO NOTHING'
    """
    match = _UPSERT.match(sql)
    if match is None:
        return sql
    verb, table, listed = match.group(1).upper(), match.group(2), match.group(4)
    columns, key = table_info(table.lower())
    if not key:
        raise ValueError(f"INSERT OR {verb} INTO {table}: the table has no primary key")
    named = [c.strip().strip('"').lower() for c in listed.split(",")] if listed else columns
    rest = [c for c in named if c not in key]
    head = "INSERT INTO " + table + (" (" + listed + ")" if listed else "")
    body = " " + sql[match.end() :].strip().rstrip(";")
    target = " ON CONFLICT (" + ", ".join(key) + ")"
    if verb == "IGNORE" or not rest:
        return head + body + target + " DO NOTHING"
    return head + body + target + " DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)


class PostgresDialect(Dialect):
    """PostgreSQL: the store's SQL rewritten as the module's rules say."""

    name = "postgresql"

    def __init__(self) -> None:
        self._cache: dict[tuple[str, bool], str] = {}

    def translate(self, sql: str, has_params: bool, table_info: TableInfo | None = None) -> str:
        """``sql`` for PostgreSQL; ``table_info`` looks up an upsert's table
        (on the caller's connection: the table may be new in its transaction)."""
        key = (sql, has_params)
        done = self._cache.get(key)
        if done is None:
            if table_info is None:
                raise ValueError("an upsert needs the table's columns: pass table_info")
            done = pg_text(upsert(sql, table_info), has_params)
            if len(self._cache) < 4096:  # SQL is built from fixed pieces: a bounded set
                self._cache[key] = done
        return done

    def forget_tables(self) -> None:
        """After a migration: the tables' columns may have changed."""
        self._cache.clear()

    def checksum_query(self, table: str) -> str:
        return "SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM " + table + " t"

    SEQUENCES_QUERY = (
        "SELECT sequencename, coalesce(last_value + increment_by, start_value) FROM pg_sequences"
        " WHERE schemaname = current_schema() ORDER BY sequencename"
    )


#: Version of :data:`PG_COMPAT`, kept in ``meta`` (key ``sql_compat``): a
#: database made by an older program gets the new functions on opening.
PG_COMPAT_VERSION = "2"

#: DuckDB's functions the store uses, for PostgreSQL. Plain SQL functions,
#: IMMUTABLE so the planner inlines them (an index on ``period`` still serves
#: ``year(period) = ?``'s neighbours as before).
PG_COMPAT = (
    [
        # the data version (BaseStore.data_version): advanced after every commit
        "CREATE SEQUENCE IF NOT EXISTS data_version_seq"
    ]
    + [
        f"""CREATE OR REPLACE FUNCTION {name}({arg}) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS 'SELECT extract({field} FROM $1)::integer'"""
        for name, field in (("year", "year"), ("month", "month"), ("day", "day"))
        for arg in ("date", "timestamp")
    ]
    + [
        f"""CREATE OR REPLACE FUNCTION strftime({arg}, text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$SELECT to_char($1, replace(replace(replace(replace(replace(replace($2,
            '%Y', 'YYYY'), '%m', 'MM'), '%d', 'DD'), '%H', 'HH24'), '%M', 'MI'), '%S', 'SS'))$$"""
        for arg in ("date", "timestamp")
    ]
    + [
        """CREATE OR REPLACE FUNCTION list_contains(anyarray, anyelement) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT $2 = ANY($1)'""",
        """CREATE OR REPLACE FUNCTION list_position(anyarray, anyelement) RETURNS integer
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT array_position($1, $2)'""",
        """CREATE OR REPLACE FUNCTION json_extract_string(text, text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$SELECT ($1::jsonb) #>> string_to_array(substr($2, 3), '.')$$""",
        """CREATE OR REPLACE FUNCTION try_cast_double(text) RETURNS double precision
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
        AS $$BEGIN RETURN $1::double precision; EXCEPTION WHEN others THEN RETURN NULL; END$$""",
        """CREATE OR REPLACE FUNCTION isnan(double precision) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$SELECT $1 = 'NaN'::double precision$$""",
        """CREATE OR REPLACE FUNCTION datediff(text, date, date) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$SELECT CASE lower($1)
            WHEN 'month' THEN (extract(year FROM $3) * 12 + extract(month FROM $3)
                               - extract(year FROM $2) * 12 - extract(month FROM $2))::bigint
            WHEN 'year' THEN (extract(year FROM $3) - extract(year FROM $2))::bigint
            WHEN 'day' THEN ($3 - $2)::bigint END$$""",
    ]
)


#: PostgreSQL's indexes, made after the migrations (the tables exist then).
#: DuckDB needs none: its zone maps narrow the stored scores' reads to a
#: unit's blocks, and an index would slow its bulk writes. PostgreSQL scans a
#: whole table without one (a company page: 110 ms on 1.8M stored cells).
PG_INDEXES = [
    "CREATE INDEX IF NOT EXISTS kpi_scores_unit ON kpi_scores (unit_id, period, view)",
    "CREATE INDEX IF NOT EXISTS unit_scores_unit ON unit_scores (unit_id, period, view)",
    "CREATE INDEX IF NOT EXISTS history_batch ON history (batch_id)",
]


@lru_cache(maxsize=1)
def duckdb_dialect() -> Dialect:
    return Dialect()
