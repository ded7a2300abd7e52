"""Writes: one upload batch is one transaction.

A batch compares the incoming rows with what is stored (new, changed,
unchanged), records what it replaces in ``history`` (so a restatement shows
its old value and a batch can be rolled back), writes only new and changed
rows, and stamps each with its ``batch_id`` so every stored value can be traced
to the upload that brought it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from kpi_core.model import FILE_SPECS, REVIEW_KINDS
from kpi_core.store.base import StoreError
from kpi_core.store.periods import (
    SCORED_KPI_FIELDS,
    check_months_open,
    check_rules_open,
    check_years_open,
    rule_changed,
)
from kpi_core.store.review360 import check_setup_write

VALUE_KINDS = {"targets": "target", "actuals": "actual"}


@dataclass(frozen=True)
class BatchResult:
    """What one committed (or, with ``dry_run``, planned) upload did."""

    batch_id: int | None
    kind: str
    rows_total: int
    rows_added: int
    rows_changed: int
    rows_unchanged: int


def _key_texts(frame: pd.DataFrame, key: tuple[str, ...]) -> list[str]:
    """The text key of every row ("U|K|2026-03-01"): ``str`` of each key value
    joined by "|", column-wise (a row-by-row ``iterrows`` took seconds)."""
    return ["|".join(map(str, values)) for values in zip(*(frame[k] for k in key), strict=True)]


def _row_json(row: dict) -> str:
    # pd.NA (a nullable integer such as sort_order) would otherwise be written as the text "<NA>"
    clean = {k: (None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v) for k, v in row.items()}
    return json.dumps(clean, ensure_ascii=False, default=str)


class WriteQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def diff(self, kind: str, frame: pd.DataFrame) -> pd.DataFrame:
        """The incoming rows with ``change`` = new / changed / unchanged and the
        stored values they would replace (``old_*`` columns). Writes nothing."""
        cur = self.cursor()
        try:
            return _diff(cur, kind, frame)
        finally:
            cur.close()

    def write_batch(
        self,
        kind: str,
        frame: pd.DataFrame,
        *,
        file_name: str,
        sha256: str,
        uploaded_by: str = "",
        note: str | None = None,
    ) -> BatchResult:
        """Store a validated frame of one kind as one batch, all or nothing.

        A file that changes nothing (loaded before) writes nothing, not even a
        batch: the result says so with ``batch_id=None``. The diff against the
        stored rows, and the check that every value is for an assigned KPI, run
        inside the write's transaction, so they judge exactly what is
        overwritten. When another writer changes the same rows at the same
        moment, DuckDB refuses one of the two; this write is then diffed and
        tried once more, and a second conflict is reported as
        :class:`~kpi_core.store.base.WriteConflictError` with nothing stored.
        """
        return self.retrying_once(
            lambda: self._write_once(
                kind, frame, file_name=file_name, sha256=sha256, uploaded_by=uploaded_by, note=note
            )
        )

    def _write_once(
        self, kind: str, frame: pd.DataFrame, *, file_name: str, sha256: str, uploaded_by: str, note: str | None
    ) -> BatchResult:
        with self.transaction() as cur:
            result = self._write_in(
                cur, kind, frame, file_name=file_name, sha256=sha256, uploaded_by=uploaded_by, note=note
            )
        if result.batch_id is not None:
            self._check_committed(result.batch_id)
        return result

    def _write_in(
        self, cur, kind: str, frame: pd.DataFrame, *, file_name: str, sha256: str, uploaded_by: str, note: str | None
    ) -> BatchResult:
        """The body of a batch, inside the caller's transaction (``cur``): a
        write that must commit together with other rows (an approved entry,
        marked approved in the same transaction) calls it directly."""
        changes = _diff(cur, kind, frame)
        if (changes["change"] == "unchanged").all():
            return summarise_changes(None, kind, changes)
        if kind in VALUE_KINDS:
            _check_assigned(cur, changes)
        _check_open(cur, kind, changes[changes["change"] != "unchanged"])
        batch_id = cur.execute("SELECT nextval('batch_seq')").fetchone()[0]
        cur.execute(
            """INSERT INTO batches (batch_id, kind, file_name, sha256, uploaded_by, uploaded_at, note)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [batch_id, kind, file_name, sha256, uploaded_by, datetime.now(), note],
        )
        written = changes[changes["change"] != "unchanged"]
        _record_history(cur, kind, written, batch_id)
        _upsert(cur, kind, written, batch_id)
        result = summarise_changes(int(batch_id), kind, changes)
        cur.execute(
            """UPDATE batches SET rows_total = ?, rows_added = ?, rows_changed = ?, rows_unchanged = ?
               WHERE batch_id = ?""",
            [result.rows_total, result.rows_added, result.rows_changed, result.rows_unchanged, batch_id],
        )
        # read to the end (fetchall): a second batch in the same transaction registers a frame next, which
        # DuckDB refuses while a result is unread
        stamped = cur.execute("SELECT count(*) FROM " + kind + " WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
        if stamped != len(written):
            raise StoreError(f"batch {batch_id}: {stamped} rows stored, {len(written)} expected")
        return result

    def _check_committed(self, batch_id: int) -> None:
        found = self.cursor().execute("SELECT count(*) FROM batches WHERE batch_id = ?", [batch_id]).fetchone()[0]
        if found != 1:
            raise StoreError(f"batch {batch_id} was not committed; the store is unchanged", key="store.not_committed")


def _check_assigned(cur, changes: pd.DataFrame) -> None:
    """Refuse values for a KPI no longer assigned to their unit in that year
    (validation checked it before; an assignment may have been rolled back
    since, by another session)."""
    keys = changes.loc[changes["change"] != "unchanged", ["unit_id", "kpi_id", "period"]]
    cur.register("assigned_keys", keys)
    missing = cur.execute(
        """SELECT k.unit_id, k.kpi_id, year(k.period) AS year FROM assigned_keys k
           WHERE (k.unit_id, k.kpi_id, year(k.period)) NOT IN (SELECT unit_id, kpi_id, year FROM assignments)
           LIMIT 1"""
    ).fetchone()
    # not in a finally: after a failed statement it would fail too and hide the error
    cur.unregister("assigned_keys")
    if missing is not None:
        unit_id, kpi_id, year = missing
        raise StoreError(
            f"{kpi_id} is no longer assigned to {unit_id} in {year} (changed a moment ago); nothing was stored",
            key="store.unassigned_now",
            unit=unit_id,
            kpi=kpi_id,
            year=year,
        )


def _check_open(cur, kind: str, written: pd.DataFrame) -> None:
    """Refuse (:class:`~kpi_core.store.periods.PeriodClosedError`) rows that
    would change a closed month: values of that month, assignments of its
    year, a changed scoring rule of a KPI assigned in its year; and rows of a
    closed 360 cycle (:func:`~kpi_core.store.review360.check_setup_write`)."""
    if written.empty:
        return
    if kind in REVIEW_KINDS:
        check_setup_write(cur, kind, written)
    if kind in VALUE_KINDS:
        check_months_open(cur, written["period"].unique())
    elif kind in ("assignments", "tasks"):
        check_years_open(cur, written["year"].unique())
        if kind == "tasks" and "old_year" in written:  # a task moved to another unit or year: its old year too
            check_years_open(cur, written["old_year"].dropna().unique())
    elif kind == "task_assessments":
        check_months_open(cur, written["period"].unique())
    elif kind == "kpis":
        changed = written[written["change"] == "changed"]
        old_names = {f"old_{c}": c for c in SCORED_KPI_FIELDS}
        ruled = [
            new["kpi_id"]
            for new, old in zip(
                changed.to_dict("records"),
                changed[list(old_names)].rename(columns=old_names).to_dict("records"),
                strict=True,
            )
            if rule_changed(old, new)
        ]
        check_rules_open(cur, ruled)


def summarise_changes(batch_id: int | None, kind: str, changes: pd.DataFrame) -> BatchResult:
    counts = changes["change"].value_counts()
    return BatchResult(
        batch_id=batch_id,
        kind=kind,
        rows_total=len(changes),
        rows_added=int(counts.get("new", 0)),
        rows_changed=int(counts.get("changed", 0)),
        rows_unchanged=int(counts.get("unchanged", 0)),
    )


def _prepared(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    spec = FILE_SPECS[kind]
    out = frame[list(spec.columns)].copy()
    if kind in VALUE_KINDS:
        out["period"] = pd.to_datetime(out["period"] + "-01").dt.date
    return out


def _diff(cur, kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    spec = FILE_SPECS[kind]
    incoming = _prepared(kind, frame)
    cur.register("incoming_rows", incoming)
    try:
        keys = list(spec.key)
        # a row-value IN: a semi-join on both backends (DuckDB runs EXISTS 2-3x slower)
        names = ", ".join(keys)
        stored = cur.execute(
            "SELECT s.* FROM " + kind + " s WHERE (" + ", ".join("s." + k for k in keys) + ")"
            " IN (SELECT " + names + " FROM incoming_rows)"
        ).df()
    finally:
        cur.unregister("incoming_rows")
    if kind in VALUE_KINDS:
        stored["period"] = pd.to_datetime(stored["period"]).dt.date
    stored = stored.rename(columns={c: f"old_{c}" for c in stored.columns if c not in keys})
    merged = incoming.merge(stored, on=keys, how="left", indicator=True)
    value_columns = [c for c in spec.columns if c not in keys]
    same = pd.Series(True, index=merged.index)
    for c in value_columns:
        new, old = merged[c], merged[f"old_{c}"]
        same &= (new == old) | (new.isna() & old.isna())
    merged["change"] = np.where(merged["_merge"] == "left_only", "new", np.where(same, "unchanged", "changed"))
    return merged.drop(columns="_merge")


#: The text key of a value's history row, built in SQL: the same text as
#: :func:`_key_texts` gives ("U|K|2026-03-01": a DATE's text is its ISO date).
_VALUE_ROW_KEY = "concat_ws('|', unit_id, kpi_id, CAST(period::DATE AS VARCHAR))"


def _record_history(cur, kind: str, written: pd.DataFrame, batch_id: int) -> None:
    """One ``history`` row per written row: the value (or, for set-up kinds,
    the whole row as JSON) it replaces and the one it brings."""
    if written.empty:
        return
    spec = FILE_SPECS[kind]
    columns = list(spec.columns)
    if kind in VALUE_KINDS:
        value = VALUE_KINDS[kind]
        rows = pd.DataFrame(
            {
                "batch_id": batch_id,
                "kind": kind,
                "row_key": None,  # built by the INSERT (_VALUE_ROW_KEY)
                "unit_id": written["unit_id"],
                "kpi_id": written["kpi_id"],
                "period": written["period"],
                "old_value": written[f"old_{value}"],
                "new_value": written[value],
                "old_batch_id": written["old_batch_id"],
                "old_row": None,
                "new_row": None,
            }
        )
    else:
        old_cols = [c if c in spec.key else f"old_{c}" for c in columns]
        rows = pd.DataFrame(
            {
                "batch_id": batch_id,
                "kind": kind,
                "row_key": _key_texts(written, spec.key),
                "unit_id": written.get("unit_id"),
                "kpi_id": written.get("kpi_id"),
                "period": None,
                "old_value": None,
                "new_value": None,
                "old_batch_id": written["old_batch_id"],
                "old_row": [
                    None if ch == "new" else _row_json(dict(zip(columns, r, strict=True)))
                    for ch, r in zip(written["change"], written[old_cols].itertuples(index=False), strict=True)
                ],
                "new_row": [
                    _row_json(dict(zip(columns, r, strict=True))) for r in written[columns].itertuples(index=False)
                ],
            }
        )
    cur.register("history_rows", rows)
    try:
        row_key = _VALUE_ROW_KEY if kind in VALUE_KINDS else "row_key"
        cur.execute(
            "INSERT INTO history SELECT batch_id, kind, "
            + row_key
            + """, unit_id, kpi_id, period::DATE,
                   old_value::DOUBLE, new_value::DOUBLE, old_batch_id::INTEGER, old_row::VARCHAR,
                   new_row::VARCHAR FROM history_rows"""
        )
    finally:
        cur.unregister("history_rows")


def _upsert(cur, kind: str, written: pd.DataFrame, batch_id: int) -> None:
    """Write the new and changed rows, stamped with the batch.

    When every row is new (a new month: the usual upload) and no key repeats,
    a plain INSERT does it, about twice as fast as INSERT OR REPLACE: the diff,
    in this same transaction, found none of the keys stored. Anything else
    keeps the one INSERT OR REPLACE (same row order, same failures)."""
    if written.empty:
        return
    columns = list(FILE_SPECS[kind].columns)
    all_new = (written["change"] == "new").all() and not written.duplicated(subset=list(FILE_SPECS[kind].key)).any()
    verb = "INSERT INTO " if all_new else "INSERT OR REPLACE INTO "
    cur.register("upsert_rows", written[columns].assign(batch_id=batch_id))
    try:
        names = ", ".join([*columns, "batch_id"])
        cur.execute(verb + kind + " (" + names + ") SELECT " + names + " FROM upsert_rows")
    finally:
        cur.unregister("upsert_rows")
