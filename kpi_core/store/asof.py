"""The store as it stood at a moment: "the figures we showed at the October review".

Nothing is thrown away when data changes: every upload and rollback keeps, in
``history``, what each row held before it (``old_value`` for targets and
actuals, ``old_row`` for units, KPIs and assignments), and every edit on the
design pages keeps the field's old value in ``change_log``. So the state at a
moment T is the state now with every later change undone:

* a target or actual holds the *old* value of the earliest change after T to
  its key, or its value now if nothing changed it since (absent when that old
  value is empty: it did not exist yet);
* a unit, KPI or assignment is rebuilt by undoing the later changes newest
  first: a batch puts back the whole old row, a design edit one field.

:meth:`AsOfQueries.as_of` returns an in-memory :class:`~kpi_core.store.Store`
holding that state, so the same engine and the same code that draw today's
scorecard draw the earlier one. Figures only: upload history, alert
acknowledgements and settings are not rebuilt.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from kpi_core.model import FILE_SPECS
from kpi_core.store.writes import VALUE_KINDS

#: Set-up kinds: their key columns, and how a change-log entry names the row.
_SET_UP = {
    "units": ("unit_id",),
    "kpis": ("kpi_id",),
    "assignments": ("unit_id", "kpi_id", "year"),
    # goal-setting tasks and their assessments (issue 14): written only as batches
    "tasks": ("task_id", "year"),
    "task_assessments": ("task_id", "year", "period"),
    # OKRs (issue 18): what a unit's task of mode "okr" scores
    "objectives": ("objective_id",),
    "key_results": ("kr_id",),
}
_LOG_ENTITY = {"kpis": "kpi", "assignments": "assignment"}
_NUMERIC = {
    "kpis": set(FILE_SPECS["kpis"].numeric),
    "assignments": {"weight"},
    "units": {"sort_order"},
    "tasks": {"weight", "cap"},
    "task_assessments": set(),
    "objectives": {"weight"},
    "key_results": {"start", "target", "current", "progress", "confidence"},
}
#: Set-up kinds loaded after the values (a copy's order of loading).
_SET_UP_AFTER = ("tasks", "task_assessments", "objectives", "key_results")
#: Kinds whose rows carry an integer ``year``.
_YEARLY = ("assignments", "tasks", "task_assessments")


class AsOfQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def as_of(self, moment: datetime):
        """A read-only, in-memory store holding what this one held at ``moment``."""
        frames = self.snapshot(moment)
        copy = type(self)(":memory:")
        with copy.transaction() as cur:
            for kind in ("units", "kpis", "assignments", "targets", "actuals", *_SET_UP_AFTER):
                frame = frames[kind]
                if frame.empty:
                    continue
                columns = [c for c in frame.columns if c != "batch_id"]
                cur.register("as_of_rows", frame[columns])
                names = ", ".join(columns)
                cur.execute("INSERT INTO " + kind + " (" + names + ") SELECT " + names + " FROM as_of_rows")
                cur.unregister("as_of_rows")
        return copy

    def snapshot(self, moment: datetime) -> dict[str, pd.DataFrame]:
        """Units, KPIs, assignments, targets, actuals, tasks, task
        assessments, objectives and key results as they stood at ``moment``."""
        out = {kind: self._set_up_at(kind, moment) for kind in _SET_UP}
        for kind in VALUE_KINDS:
            out[kind] = self._values_at(kind, moment)
        return out

    # ------------------------------------------------------------------ values

    def _values_at(self, kind: str, moment: datetime) -> pd.DataFrame:
        value = VALUE_KINDS[kind]
        log_entity = "target" if kind == "targets" else "-"  # actuals are never edited on a page
        # table and column names come from VALUE_KINDS, never from a caller
        query = (
            """WITH ev AS (
                 SELECT h.unit_id, h.kpi_id, h.period, h.old_value AS old, b.uploaded_at AS ts, h.batch_id AS seq
                 FROM history h JOIN batches b USING (batch_id)
                 WHERE h.kind = ? AND b.uploaded_at > ?
                 UNION ALL
                 SELECT split_part(entity_id, '|', 1), split_part(entity_id, '|', 2),
                        (split_part(entity_id, '|', 3) || '-01')::DATE, TRY_CAST(old_value AS DOUBLE), changed_at, 0
                 FROM change_log WHERE entity = ? AND changed_at > ?),
               first AS (
                 SELECT unit_id, kpi_id, period, old FROM (
                   SELECT *, row_number() OVER (PARTITION BY unit_id, kpi_id, period ORDER BY ts, seq) AS n FROM ev) e
                 WHERE n = 1)
             SELECT t.unit_id, t.kpi_id, t.period, t."""
            + value
            + " FROM "
            + kind
            + """ t WHERE NOT EXISTS (SELECT 1 FROM first f
                               WHERE f.unit_id = t.unit_id AND f.kpi_id = t.kpi_id AND f.period = t.period)
             UNION ALL
             SELECT unit_id, kpi_id, period, old FROM first WHERE old IS NOT NULL"""
        )
        frame = self.cursor().execute(query, [kind, moment, log_entity, moment]).df()
        return frame.rename(columns={"old": value})

    # ------------------------------------------------------------------ set-up rows

    def _set_up_at(self, kind: str, moment: datetime) -> pd.DataFrame:
        keys = _SET_UP[kind]
        columns = list(FILE_SPECS[kind].columns)
        cur = self.cursor()
        current = cur.execute("SELECT * FROM " + kind).df()  # the kind comes from _SET_UP, never from a caller
        state = {tuple(_plain(r[k]) for k in keys): {c: _plain(r.get(c)) for c in columns} for r in _records(current)}
        # every later change, newest first: each undo brings the rows one change further back
        events = cur.execute(
            """SELECT b.uploaded_at AS ts, 1 AS src, h.batch_id AS seq, h.row_key, h.old_row,
                      NULL::VARCHAR AS field, NULL::VARCHAR AS old_value
               FROM history h JOIN batches b USING (batch_id) WHERE h.kind = ? AND b.uploaded_at > ?
               UNION ALL
               SELECT changed_at, 0, 0, entity_id, NULL, field, old_value
               FROM change_log WHERE entity = ? AND changed_at > ?
               ORDER BY ts DESC, src DESC, seq DESC""",
            [kind, moment, _LOG_ENTITY.get(kind, "-"), moment],
        ).df()
        for event in _records(events):
            key = _key(kind, event["row_key"])
            if event["field"] is None:
                old = event["old_row"]
                if old is None:
                    state.pop(key, None)
                else:
                    state[key] = {c: _plain(v) for c, v in json.loads(old).items() if c in columns}
            else:
                _undo_edit(kind, state, key, event["field"], event["old_value"])
        rows = [r for r in state.values() if _exists(kind, r)]
        frame = pd.DataFrame(rows, columns=columns)
        for column in _NUMERIC[kind] & set(columns):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
        if kind in _YEARLY and len(frame):
            frame["year"] = frame["year"].astype("int64")
        return frame


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def _plain(value: object) -> object:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def _key(kind: str, row_key: str) -> tuple:
    parts = str(row_key).split("|")
    if kind == "assignments":
        return parts[0], parts[1], int(parts[2])
    if kind == "tasks":
        return parts[0], int(float(parts[1]))
    if kind == "task_assessments":
        return parts[0], int(float(parts[1])), parts[2]
    return (parts[0],)


def _undo_edit(kind: str, state: dict, key: tuple, field: str, old: object) -> None:
    """Undo one design edit: put back the field's old value (a design edit of
    an assignment's existence puts back or removes the whole row)."""
    if kind == "assignments" and field == "assignment":
        if old is None:
            state.pop(key, None)
            return
        role, weight = str(old).split()  # written as "core 40%"
        state[key] = {"unit_id": key[0], "kpi_id": key[1], "year": key[2], "role": role, "weight": weight.rstrip("%")}
        return
    row = state.setdefault(
        key, {c: None for c in FILE_SPECS[kind].columns} | dict(zip(_SET_UP[kind], key, strict=True))
    )
    if field in row:
        row[field] = old


def _exists(kind: str, row: dict) -> bool:
    """A row rebuilt without its required value did not exist at that moment
    (it was created by a later edit whose every field was undone)."""
    required = {
        "units": "name",
        "kpis": "name",
        "assignments": "weight",
        "tasks": "name",
        "task_assessments": "result",
        "objectives": "title",
        "key_results": "title",
    }[kind]
    return row.get(required) is not None
