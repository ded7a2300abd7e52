"""Moving a whole database between backends, and backing up a DuckDB file.

:func:`copy_database` copies every table (values, history, batches, change
log, settings, users, stored scores ...) and every sequence's position from
one store to another, DuckDB or PostgreSQL in either direction. The source is
read in one snapshot; the target is written in one transaction, all or
nothing, and must be empty (a fresh schema: nothing but its schema version).
Stored scores are copied as they are, not recomputed; both stores then give
the same figures to the last digit.

:func:`backup_duckdb` writes a consistent copy of a DuckDB database to a new
file (``ATTACH`` + ``COPY FROM DATABASE``: the copy includes what the
write-ahead log holds, unlike a copy of the file). It needs the file itself:
while another process (the dashboard) holds it, DuckDB lets no other process
read it, not even read-only, so the backup is refused with what to do.
"""

from __future__ import annotations

from pathlib import Path

from kpi_core.store.base import BaseStore, StoreError

#: meta keys that belong to the database they are in, not to its content
_OWN_META = ("schema_version", "sql_compat")
#: sequences that belong to one backend only
_OWN_SEQUENCES = ("data_version_seq",)


def tables(store: BaseStore) -> list[str]:
    return [r[0] for r in store.cursor().execute(store.dialect.TABLES_QUERY).fetchall()]


def is_blank(store: BaseStore) -> bool:
    """True when ``store`` holds nothing but its schema (a copy may go there)."""
    cur = store.cursor()
    for table in tables(store):
        # table names come from the catalogue
        if table == "meta":
            rows = cur.execute("SELECT key FROM meta").fetchall()
            if any(r[0] not in _OWN_META for r in rows):
                return False
        elif cur.execute("SELECT count(*) FROM " + table).fetchone()[0]:
            return False
    return True


def copy_database(source: BaseStore, target: BaseStore) -> dict[str, int]:
    """Copy everything of ``source`` into the empty ``target``; rows per table."""
    if source.schema_version() != target.schema_version():
        raise StoreError(
            f"{source.label} has schema version {source.schema_version()} and {target.label} "
            f"{target.schema_version()}; open both with this program first",
            key="pgstore.copy_versions",
            source=source.label,
            target=target.label,
        )
    if not is_blank(target):
        raise StoreError(
            f"{target.label} is not empty; copy into a new, empty database (nothing was changed)",
            key="pgstore.copy_not_empty",
            target=target.label,
        )
    names = tables(source)
    missing = sorted(set(names) - set(tables(target)))
    if missing:
        raise StoreError(f"{target.label} has no table {', '.join(missing)}", key="store.failed")
    read = source.cursor()
    read.execute("BEGIN TRANSACTION")  # one snapshot of the source
    if source.backend == "postgresql":
        read.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    try:
        counts = {}
        with target.plain_transaction() as cur:
            for table in names:
                frame = read.execute("SELECT * FROM " + table).df()  # catalogue names
                if table == "meta":
                    frame = frame[~frame["key"].isin(_OWN_META)]
                counts[table] = len(frame)
                if frame.empty:
                    continue
                columns = ", ".join(frame.columns)
                cur.register("copied_rows", frame)
                cur.execute("INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM copied_rows")
                cur.unregister("copied_rows")
            for name, following in sequences(source, read):
                if name in _OWN_SEQUENCES:
                    continue
                cur.execute("DROP SEQUENCE IF EXISTS " + name)
                cur.execute("CREATE SEQUENCE " + name + " START " + str(int(following)))
    finally:
        read.execute("ROLLBACK")
        read.close()
    return counts


def sequences(store: BaseStore, cur=None) -> list[tuple[str, int]]:
    """Every sequence and the number it gives next."""
    cur = cur or store.cursor()
    return [(r[0], int(r[1])) for r in cur.execute(store.dialect.SEQUENCES_QUERY).fetchall()]


def backup_duckdb(store: BaseStore, out: Path) -> None:
    """A consistent copy of the DuckDB ``store`` at the new file ``out``."""
    if store.backend != "duckdb":
        raise StoreError(
            "backup copies a DuckDB file; back up PostgreSQL with pg_dump (docs/deploy.md)",
            key="pgstore.backup_pg",
        )
    out = Path(out)
    if out.exists() or Path(str(out) + ".wal").exists():
        raise StoreError(f"{out.name} exists already; nothing was written", key="pgstore.backup_exists", file=out.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    cur = store.cursor()
    name = cur.execute("SELECT current_database()").fetchone()[0]
    cur.execute("ATTACH ? AS kpi_backup (READ_WRITE)", [str(out)])  # a read-only store attaches read-only otherwise
    try:
        cur.execute('COPY FROM DATABASE "' + name.replace('"', '""') + '" TO kpi_backup')
    finally:
        cur.execute("DETACH kpi_backup")
