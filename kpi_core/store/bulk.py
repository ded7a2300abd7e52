"""Store queries: the plain whole-table scan the benchmark measures against,
and set-based appends for loading a very large organisation.

:meth:`BulkQueries.append_batch` is the fast twin of ``write_batch`` for keys
that are not stored yet (a first load of millions of values): one batch, one
transaction, history rows and batch stamps as ``write_batch`` writes them, but
set-based SQL instead of a row-by-row diff. It refuses keys that already exist.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from kpi_core.model import FILE_SPECS
from kpi_core.store.base import StoreError

_VALUE_COLUMN = {"targets": "target", "actuals": "actual"}

#: Text key of a history row, as ``write_batch`` writes it ("U|K|2026-03-01").
_ROW_KEY = {
    "targets": "concat_ws('|', unit_id, kpi_id, CAST(period AS VARCHAR))",
    "actuals": "concat_ws('|', unit_id, kpi_id, CAST(period AS VARCHAR))",
    "assignments": "concat_ws('|', unit_id, kpi_id, CAST(year AS VARCHAR))",
}


@lru_cache(maxsize=8)
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    # building the categories (10,000 ids) costs more than the codes: once per id list
    return pd.CategoricalDtype(list(categories))


def _codes(array: np.ndarray, categories: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(array, dtype="int32"), dtype=_dtype(tuple(categories)))


class BulkQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def unit_sums(self) -> pd.DataFrame:
        """Sum of every unit's actuals and targets: the plain scan a whole-table
        read cannot beat (the benchmark's limit)."""
        return (
            self.cursor()
            .execute(
                """SELECT unit_id, sum(actual) AS actual, sum(target) AS target FROM (
                     SELECT unit_id, actual, NULL::DOUBLE AS target FROM actuals
                     UNION ALL SELECT unit_id, NULL::DOUBLE, target FROM targets) v
                   GROUP BY unit_id"""
            )
            .df()
        )

    def append_batch(
        self,
        kind: str,
        frame: pd.DataFrame,
        *,
        file_name: str,
        sha256: str,
        uploaded_by: str = "",
        note: str | None = None,
    ) -> int:
        """Append a validated frame of new assignments, targets or actuals as one
        batch; returns its id. Every row becomes a history row with no old
        value, as in ``write_batch``. Raises :class:`StoreError` (and writes
        nothing) when any key is already stored."""
        if kind not in _ROW_KEY:
            raise ValueError(f"append_batch appends assignments, targets or actuals, not {kind!r}")
        spec = FILE_SPECS[kind]
        rows = frame[list(spec.columns)]
        if kind in _VALUE_COLUMN:
            rows = rows.assign(period=pd.to_datetime(rows["period"] + "-01").dt.date)
        with self.transaction() as cur:
            batch_id = cur.execute("SELECT nextval('batch_seq')").fetchall()[0][0]
            cur.register("append_rows", rows)
            try:
                _append(cur, kind, batch_id, file_name, sha256, uploaded_by, note)
            finally:
                cur.unregister("append_rows")
        return int(batch_id)


def _append(cur, kind: str, batch_id: int, file_name: str, sha256: str, uploaded_by: str, note: str | None) -> None:
    spec = FILE_SPECS[kind]
    keys = ", ".join(spec.key)
    clash = cur.execute(
        "SELECT count(*) FROM append_rows WHERE (" + keys + ") IN (SELECT " + keys + " FROM " + kind + ")"
    ).fetchall()[0][0]
    if clash:
        raise StoreError(f"{clash} {kind} keys are already stored; load them with write_batch")
    n = cur.execute("SELECT count(*) FROM append_rows").fetchall()[0][0]
    cur.execute(
        """INSERT INTO batches (batch_id, kind, file_name, sha256, uploaded_by, uploaded_at,
               rows_total, rows_added, rows_changed, rows_unchanged, note)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)""",
        [batch_id, kind, file_name, sha256, uploaded_by, datetime.now(), n, n, note],
    )
    columns = ", ".join(spec.columns)
    cur.execute(
        "INSERT INTO " + kind + " (" + columns + ", batch_id) SELECT " + columns + ", ? FROM append_rows",
        [batch_id],
    )
    if kind in _VALUE_COLUMN:
        cur.execute(
            """INSERT INTO history (batch_id, kind, row_key, unit_id, kpi_id, period, old_value, new_value)
               SELECT ?, ?, """
            + _ROW_KEY[kind]
            + ", unit_id, kpi_id, period, NULL, "
            + _VALUE_COLUMN[kind]
            + " FROM append_rows",
            [batch_id, kind],
        )
    else:
        cur.execute(
            """INSERT INTO history (batch_id, kind, row_key, unit_id, kpi_id, new_row)
               SELECT ?, ?, """
            + _ROW_KEY[kind]
            + """, unit_id, kpi_id, json_object('unit_id', unit_id, 'kpi_id', kpi_id, 'year', year,
                   'weight', weight, 'role', role)::VARCHAR FROM append_rows""",
            [batch_id, kind],
        )
    stamped = cur.execute("SELECT count(*) FROM " + kind + " WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
    if stamped != n:
        raise StoreError(f"batch {batch_id}: {stamped} rows stored, {n} expected")
