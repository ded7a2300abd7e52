"""Store queries: upload history and rollback (issue: monthly upload).

A rollback is itself a batch (``rollback_of`` names the batch it undoes): it
deletes the rows the batch added, puts back the values the batch replaced
(from ``history``), and records what it did in ``history`` like any upload,
so it is audited and could in turn be rolled back. A batch whose values were
changed again by a later batch is refused: undoing it would silently throw
away the later upload.

It also answers the two questions validating a large upload asks of the
store, set-based with the file's keys registered (a Python set or a
whole-organisation read took seconds on 10,000 people): which rows name a
KPI not assigned to their unit in that year, and the history of each
incoming (unit, KPI).
"""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd

from kpi_core.model import FILE_SPECS, REVIEW_KINDS
from kpi_core.months import month_date
from kpi_core.store.base import StoreError, WriteConflictError
from kpi_core.store.periods import check_months_open, check_rules_open, check_years_open, rule_changed
from kpi_core.store.review360 import check_setup_rollback
from kpi_core.store.writes import VALUE_KINDS, BatchResult, _row_json

#: Set-up rows that others refer to: kind -> (referring table, column) pairs.
_REFERENCES = {
    "units": [("units", "parent_id"), ("assignments", "unit_id"), ("targets", "unit_id"), ("actuals", "unit_id")],
    "kpis": [("assignments", "kpi_id"), ("targets", "kpi_id"), ("actuals", "kpi_id")],
    # a task's row key is "task_id|year"
    "tasks": [("task_assessments", "CAST(task_id || '|' || year AS VARCHAR)")],
    # 360 set-up (issue 18): a cycle's behaviours and raters, a behaviour's answers
    "review_cycles": [("review_behaviours", "cycle_id"), ("review_raters", "cycle_id")],
    "review_behaviours": [("review_answers", "CAST(cycle_id || '|' || behaviour_id AS VARCHAR)")],
    # OKRs (issue 18): an objective's key results (roll their batch back first)
    "objectives": [("key_results", "objective_id")],
}


class RollbackError(StoreError):
    """A batch that cannot be rolled back (unknown, already undone, or changed later)."""


class UploadQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def unassigned(self, keys: pd.DataFrame) -> pd.Series:
        """For rows of ``keys`` (unit_id, kpi_id, year): True where no
        assignment has that (unit, KPI, year); indexed like ``keys``."""
        rows = pd.DataFrame(
            {
                "pos": np.arange(len(keys), dtype="int64"),
                "unit_id": keys["unit_id"].to_numpy(object),
                "kpi_id": keys["kpi_id"].to_numpy(object),
                "year": keys["year"].to_numpy("int64"),
            }
        )
        found = _query_with(
            self.cursor(),
            "check_keys",
            rows,
            """SELECT k.pos FROM check_keys k
               WHERE (k.unit_id, k.kpi_id, k.year) IN (SELECT unit_id, kpi_id, year FROM assignments)""",
        )
        missing = np.ones(len(keys), dtype=bool)
        missing[found["pos"].to_numpy("int64")] = False
        return pd.Series(missing, index=keys.index)

    def without_target(self, keys: pd.DataFrame) -> pd.Series:
        """For rows of ``keys`` (unit_id, kpi_id, period "YYYY-MM"): True where
        no target is stored for that unit, KPI and month; indexed like ``keys``."""
        rows = pd.DataFrame(
            {
                "pos": np.arange(len(keys), dtype="int64"),
                "unit_id": keys["unit_id"].to_numpy(object),
                "kpi_id": keys["kpi_id"].to_numpy(object),
                "period": [month_date(p) for p in keys["period"]],
            }
        )
        found = _query_with(
            self.cursor(),
            "target_keys",
            rows,
            """SELECT k.pos FROM target_keys k
               WHERE (k.unit_id, k.kpi_id, k.period::DATE) IN (SELECT unit_id, kpi_id, period FROM targets)""",
        )
        missing = np.ones(len(keys), dtype=bool)
        missing[found["pos"].to_numpy("int64")] = False
        return pd.Series(missing, index=keys.index)

    def value_stats(self, kind: str, keys: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
        """min, max, median and count of the stored values of ``kind``
        (targets or actuals) in months [start, end] for each distinct
        (unit_id, kpi_id) of ``keys`` that has any. The median is
        (lower + upper middle value) / 2 as pandas computes it, to the last
        bit: quantile_disc gives the lower middle value, and on the negated
        values the negated upper one (median() interpolates: it may differ)."""
        value = VALUE_KINDS[kind]
        pairs = keys[["unit_id", "kpi_id"]].dropna().drop_duplicates()
        sql = (
            "SELECT t.unit_id, t.kpi_id, min(t." + value + ") AS min, max(t." + value + ") AS max,"
            " (percentile_disc(0.5) WITHIN GROUP (ORDER BY t." + value + ")"
            " - percentile_disc(0.5) WITHIN GROUP (ORDER BY -t." + value + ")) / 2 AS median,"
            " count(*) AS count FROM " + kind + " t"
            " WHERE (t.unit_id, t.kpi_id) IN (SELECT unit_id, kpi_id FROM stat_keys)"
            " AND t.period BETWEEN ?::DATE AND ?::DATE AND NOT isnan(t." + value + ")"
            " GROUP BY t.unit_id, t.kpi_id"
        )
        return _query_with(self.cursor(), "stat_keys", pairs, sql, [month_date(start), month_date(end)])

    def upload_history(self) -> pd.DataFrame:
        """Every batch, newest first, with ``rolled_back_by`` (the batch that
        undid it, if any)."""
        return (
            self.cursor()
            .execute(
                """SELECT b.batch_id, b.uploaded_at, b.uploaded_by, b.kind, b.file_name, b.sha256,
                      b.rows_total, b.rows_added, b.rows_changed, b.rows_unchanged, b.rollback_of, b.note,
                      r.batch_id AS rolled_back_by
               FROM batches b LEFT JOIN batches r ON r.rollback_of = b.batch_id
               ORDER BY b.batch_id DESC"""
            )
            .df()
        )

    def batch_units(self) -> pd.DataFrame:
        """Which units each batch wrote (batch_id, unit_id; a KPI row has none)."""
        return (
            self.cursor()
            .execute(
                "SELECT DISTINCT batch_id, unit_id FROM history WHERE unit_id IS NOT NULL ORDER BY batch_id, unit_id"
            )
            .df()
        )

    def batch_changes(self, batch_id: int) -> pd.DataFrame:
        """What one batch wrote: key, old and new value (or row, for set-up kinds)."""
        return _batch_changes(self.cursor(), batch_id)

    def rollback_batch(self, batch_id: int, *, uploaded_by: str = "") -> BatchResult:
        """Undo one batch as a new, audited batch: all of it or nothing.

        Everything the rollback checks (the batch exists, is not undone yet, no
        later batch in effect changed its rows, nothing refers to set-up rows it
        would remove) is read inside the rollback's own transaction, and the
        rows are removed or restored only where they still hold what the batch
        wrote. Another writer touching the same rows at the same moment makes
        DuckDB refuse one of the two transactions; the rollback is then tried
        once more, and that second try sees the other write and refuses (or
        finds the batch already undone) with a reason.
        """
        return self.retrying_once(lambda: self._rollback_once(batch_id, uploaded_by))

    def _rollback_once(self, batch_id: int, uploaded_by: str) -> BatchResult:
        with self.transaction() as cur:
            batch = _batch_row(cur, batch_id)
            kind = batch["kind"]
            changes = _batch_changes(cur, batch_id)
            _check_rollback(cur, batch_id, kind, changes)
            _check_open(cur, kind, changes)
            new_id = cur.execute("SELECT nextval('batch_seq')").fetchone()[0]
            cur.execute(
                """INSERT INTO batches (batch_id, kind, file_name, sha256, uploaded_by, uploaded_at, rollback_of)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [
                    new_id,
                    kind,
                    f"rollback of batch {batch_id} ({batch['file_name']})",
                    batch["sha256"],
                    uploaded_by,
                    datetime.now(),
                    batch_id,
                ],
            )
            if kind in VALUE_KINDS:
                removed, restored = _rollback_values(cur, kind, batch_id, new_id)
            else:
                removed, restored = _rollback_rows(cur, kind, changes, new_id)
            if removed + restored != len(changes):
                # every row the batch wrote was checked above to still hold its value
                raise WriteConflictError(
                    f"rollback of batch {batch_id}: {removed + restored} of {len(changes)} rows still held "
                    "what the batch wrote",
                    key="store.conflict",
                )
            note = f"removed {removed} rows batch {batch_id} added; restored {restored} values it replaced"
            cur.execute(
                """UPDATE batches SET rows_total = ?, rows_added = 0, rows_changed = ?, rows_unchanged = 0, note = ?
                   WHERE batch_id = ?""",
                [removed + restored, removed + restored, note, new_id],
            )
        self._check_committed(int(new_id))
        return BatchResult(int(new_id), kind, removed + restored, 0, removed + restored, 0)


def _batch_row(cur, batch_id: int) -> dict:
    found = cur.execute(
        "SELECT kind, file_name, rollback_of, sha256 FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchone()
    if found is None:
        raise RollbackError(f"there is no batch {batch_id}", key="store.no_batch", batch=batch_id)
    return {"kind": found[0], "file_name": found[1], "rollback_of": found[2], "sha256": found[3]}


def _batch_changes(cur, batch_id: int) -> pd.DataFrame:
    return cur.execute(
        """SELECT row_key, unit_id, kpi_id, strftime(period, '%Y-%m') AS period, old_value, new_value,
                  old_batch_id, old_row, new_row
           FROM history WHERE batch_id = ? ORDER BY row_key""",
        [batch_id],
    ).df()


def _check_rollback(cur, batch_id: int, kind: str, changes: pd.DataFrame) -> None:
    """The rule: a batch can be rolled back while no later batch still in effect
    wrote any of its rows. A later batch that was itself rolled back, and that
    rollback, cancel out; a later batch that wrote the rows back to this
    batch's values still counts (undoing this one would silently undo it)."""
    undone = cur.execute("SELECT min(batch_id) FROM batches WHERE rollback_of = ?", [batch_id]).fetchone()[0]
    if undone is not None:
        raise RollbackError(
            f"batch {batch_id} was already rolled back by batch {undone}",
            key="store.already_rolled_back",
            batch=batch_id,
            by=int(undone),
        )
    later = cur.execute(
        """SELECT DISTINCT h.batch_id FROM history h JOIN batches b USING (batch_id)
           WHERE h.batch_id > ? AND h.kind = ?
             AND h.row_key IN (SELECT row_key FROM history WHERE batch_id = ?)
             AND NOT EXISTS (SELECT 1 FROM batches r WHERE r.rollback_of = h.batch_id)
             AND coalesce(b.rollback_of, 0) <= ?
           ORDER BY h.batch_id""",
        [batch_id, kind, batch_id, batch_id],
    ).fetchall()
    if later:
        ids = ", ".join(str(r[0]) for r in later)
        raise RollbackError(
            f"batch {batch_id} cannot be rolled back: later batch(es) {ids} changed the same rows; "
            "roll those back first",
            key="store.rollback_later",
            batch=batch_id,
            later=ids,
        )
    if kind in VALUE_KINDS:
        _check_not_edited(cur, batch_id, kind)
    if kind in _REFERENCES:
        _check_references(cur, kind, changes)


def _check_open(cur, kind: str, changes: pd.DataFrame) -> None:
    """Refuse undoing a batch whose rows are in a closed month (values), in a
    year with one (assignments), or whose undone KPI rules score one."""
    if changes.empty:
        return
    if kind in REVIEW_KINDS:  # a closed 360 cycle, raters who answered (issue 18)
        check_setup_rollback(cur, kind, changes)
    elif kind in VALUE_KINDS:
        check_months_open(cur, changes["period"])
    elif kind == "assignments":
        check_years_open(cur, [key.rsplit("|", 1)[-1] for key in changes["row_key"]])
    elif kind == "tasks":
        check_years_open(cur, [key.split("|")[1] for key in changes["row_key"]])
    elif kind == "task_assessments":
        check_months_open(cur, [key.split("|")[2] for key in changes["row_key"]])
    elif kind == "kpis":
        ruled = [
            key
            for key, now, before in zip(changes["row_key"], changes["new_row"], changes["old_row"], strict=True)
            if not pd.isna(before) and rule_changed(_json_row(now), _json_row(before))
        ]
        check_rules_open(cur, ruled)


def _check_not_edited(cur, batch_id: int, kind: str) -> None:
    """Refuse when a value the batch wrote was since changed outside any batch
    (an edit on the design page, logged in the change log): undoing the batch
    would silently undo that edit, or leave half of the batch in place."""
    value = VALUE_KINDS[kind]
    # the table and column come from VALUE_KINDS, never from a caller
    edited = cur.execute(
        "SELECT h.unit_id, h.kpi_id, strftime(h.period, '%Y-%m') FROM history h LEFT JOIN "
        + kind
        + " t ON t.unit_id = h.unit_id AND t.kpi_id = h.kpi_id AND t.period = h.period"
        " WHERE h.batch_id = ? AND t." + value + " IS DISTINCT FROM h.new_value"
        " ORDER BY 1, 2, 3",
        [batch_id],
    ).fetchall()
    if edited:
        unit, kpi, period = edited[0]
        raise RollbackError(
            f"batch {batch_id} cannot be rolled back: {len(edited)} of its values were edited since "
            f"(first {unit} {kpi} {period}); change them back or upload a correction instead",
            key="store.rollback_edited",
            batch=batch_id,
            count=len(edited),
            unit=unit,
            kpi=kpi,
            period=period,
        )


def _check_references(cur, kind: str, changes: pd.DataFrame) -> None:
    added = changes.loc[changes["old_row"].isna(), "row_key"].tolist()
    if not added:
        return
    for table, column in _REFERENCES[kind]:
        used = cur.execute(
            "SELECT DISTINCT " + column + " FROM " + table + " WHERE list_contains(?::VARCHAR[], " + column + ")",
            [added],
        ).fetchall()
        if used:
            ids = ", ".join(sorted(str(r[0]) for r in used))
            raise RollbackError(
                f"cannot remove {kind} {ids} that this batch added: {table} still refer to them",
                key="store.rollback_referenced",
                kind=kind,
                ids=ids,
                table=table,
            )


def _rollback_values(cur, kind: str, batch_id: int, new_id: int) -> tuple[int, int]:
    value = VALUE_KINDS[kind]
    join = "t.unit_id = h.unit_id AND t.kpi_id = h.kpi_id AND t.period = h.period"
    cur.execute(
        "INSERT INTO history SELECT ?, h.kind, h.row_key, h.unit_id, h.kpi_id, h.period, t." + value + ", "
        "h.old_value, t.batch_id, NULL, NULL FROM history h JOIN " + kind + " t ON " + join + " WHERE h.batch_id = ?",
        [new_id, batch_id],
    )
    # only where the row still holds what the batch wrote (its key *and* value)
    join += " AND t." + value + " IS NOT DISTINCT FROM h.new_value"
    removed = cur.execute(
        "DELETE FROM " + kind + " t USING history h WHERE h.batch_id = ? AND h.old_value IS NULL AND " + join,
        [batch_id],
    ).fetchone()[0]
    restored = cur.execute(
        "UPDATE " + kind + " t SET " + value + " = h.old_value, batch_id = ? FROM history h "
        "WHERE h.batch_id = ? AND h.old_value IS NOT NULL AND " + join,
        [new_id, batch_id],
    ).fetchone()[0]
    return int(removed), int(restored)


def _rollback_rows(cur, kind: str, changes: pd.DataFrame, new_id: int) -> tuple[int, int]:
    spec = FILE_SPECS[kind]
    columns = list(spec.columns)
    keys = list(spec.key)
    current = [_json_row(r) for r in changes["new_row"]]
    old = [None if pd.isna(r) else _json_row(r) for r in changes["old_row"]]
    audit = pd.DataFrame(
        {
            "batch_id": new_id,
            "kind": kind,
            "row_key": changes["row_key"],
            "unit_id": changes["unit_id"],
            "kpi_id": changes["kpi_id"],
            "old_row": [_row_json(r) for r in current],
            "new_row": [None if r is None else _row_json(r) for r in old],
        }
    )
    _execute_with(
        cur,
        "rollback_audit",
        audit,
        """INSERT INTO history SELECT batch_id, kind, row_key, unit_id, kpi_id, NULL, NULL, NULL, NULL,
               old_row::VARCHAR, new_row::VARCHAR FROM rollback_audit""",
    )
    gone = pd.DataFrame([{k: r[k] for k in keys} for r, o in zip(current, old, strict=True) if o is None], columns=keys)
    back = pd.DataFrame([o for o in old if o is not None], columns=columns)
    removed = _delete_keys(cur, kind, keys, gone)
    if not back.empty:
        names = ", ".join([*columns, "batch_id"])
        sql = "INSERT OR REPLACE INTO " + kind + " (" + names + ") SELECT " + names + " FROM rollback_rows"
        _execute_with(cur, "rollback_rows", back.assign(batch_id=new_id), sql)
    return removed, len(back)


def _execute_with(cur, name: str, frame: pd.DataFrame, sql: str) -> int:
    """Run ``sql`` with ``frame`` registered as ``name``; the count it reports.

    Unregistering after a failed statement would itself fail (the
    transaction is aborted) and hide the real error, so it runs on success only;
    the rollback of the transaction drops the view anyway.
    """
    cur.register(name, frame)
    result = cur.execute(sql).fetchone()
    cur.unregister(name)
    return int(result[0]) if result else 0


def _query_with(cur, name: str, frame: pd.DataFrame, sql: str, params: list | None = None) -> pd.DataFrame:
    """The result of ``sql`` (bound ``params``) with ``frame`` registered as ``name``."""
    cur.register(name, frame)
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.unregister(name)


def _json_row(text: str) -> dict:
    # rows written before "<NA>" was fixed in writes._row_json
    return {k: (None if v == "<NA>" else v) for k, v in json.loads(text).items()}


def _delete_keys(cur, kind: str, keys: list[str], gone: pd.DataFrame) -> int:
    if gone.empty:
        return 0
    match = " AND ".join(f"t.{k} = g.{k}" for k in keys)
    return _execute_with(cur, "rollback_gone", gone, "DELETE FROM " + kind + " t USING rollback_gone g WHERE " + match)
