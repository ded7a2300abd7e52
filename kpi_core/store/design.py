"""Store queries: edits of the KPI dictionary and assignments, the change log and validity answers.

Every save from the design pages is one transaction that writes the rows and
appends one ``change_log`` row per changed field (who, when, old, new,
reason); a failing save leaves both untouched. The change log is append-only:
nothing here updates or deletes it. Rows written here carry no upload batch
(``batch_id`` NULL): their origin is the change log.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime

import pandas as pd

from kpi_core.model import FILE_SPECS, field_changes
from kpi_core.store.base import StoreError
from kpi_core.store.periods import check_months_open, check_rules_open, check_years_open, rule_changed
from kpi_core.store.scores import mark_moved

_KPI_COLUMNS = list(FILE_SPECS["kpis"].columns)


def _value_text(value: object) -> str | None:
    """How a value is written in the change log."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _require(reason: str, changed_by: str) -> tuple[str, str]:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required to save a change")
    return reason, (changed_by or "").strip() or "anonymous"


class DesignQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ reads

    def kpi(self, kpi_id: str) -> dict | None:
        """One KPI's dictionary row as a dict (None if unknown)."""
        return self._kpi_row(self.cursor(), kpi_id)

    def unit_targets(self, unit_ids: list[str] | None, year: int) -> pd.DataFrame:
        """Monthly targets of some units (None: all) in one year: unit_id, kpi_id, period, target."""
        return (
            self.cursor()
            .execute(
                """SELECT unit_id, kpi_id, strftime(period, '%Y-%m') AS period, target FROM targets
               WHERE year(period) = ?
                 AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id))
               ORDER BY unit_id, kpi_id, period""",
                [year, unit_ids, unit_ids],
            )
            .df()
        )

    def change_log(self, *, kpi_id: str | None = None, unit_id: str | None = None) -> pd.DataFrame:
        """The change log, newest first; filtered to one KPI (its dictionary
        entry, validity answers and every assignment or target of it) or one
        unit (its assignments and targets). An empty old value (a new row) is None."""
        log = (
            self.cursor()
            .execute(
                """SELECT changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason
               FROM change_log
               WHERE (?::VARCHAR IS NULL
                      OR (entity IN ('kpi', 'validity') AND entity_id = ?)
                      OR (entity IN ('assignment', 'target') AND split_part(entity_id, '|', 2) = ?))
                 AND (?::VARCHAR IS NULL
                      OR (entity IN ('assignment', 'target') AND split_part(entity_id, '|', 1) = ?))
               ORDER BY changed_at DESC, entity, entity_id, field""",
                [kpi_id, kpi_id, kpi_id, unit_id, unit_id],
            )
            .df()
        )
        for column in ("old_value", "new_value"):
            log[column] = log[column].astype(object).where(log[column].notna(), None)
        return log

    def validity_answers(self, kpi_id: str | None = None) -> pd.DataFrame:
        """Validity-test answers: kpi_id, question, passed, note, answered_by, answered_at."""
        return (
            self.cursor()
            .execute(
                """SELECT kpi_id, question, passed, note, answered_by, answered_at FROM kpi_validity
               WHERE ?::VARCHAR IS NULL OR kpi_id = ? ORDER BY kpi_id, question""",
                [kpi_id, kpi_id],
            )
            .df()
        )

    # ------------------------------------------------------------------ writes

    def save_kpi(self, kpi: Mapping[str, object], *, changed_by: str, reason: str) -> int:
        """Insert or update one KPI (already validated) and log each changed
        field; returns the number of fields logged (0: nothing changed, nothing written)."""
        reason, changed_by = _require(reason, changed_by)
        now = datetime.now()
        with self.transaction() as cur:
            written = self._save_kpi_in(cur, kpi, changed_by, reason, now)
        if written:
            self._check_logged(now, changed_by, written)
        return written

    def _save_kpi_in(self, cur, kpi: Mapping[str, object], changed_by: str, reason: str, now: datetime) -> int:
        """The body of :meth:`save_kpi` on an open transaction's cursor (an
        approved change request runs it in the transaction that marks it approved)."""
        kpi_id = str(kpi["kpi_id"])
        old = self._kpi_row(cur, kpi_id)
        changes = field_changes(old, kpi, _KPI_COLUMNS)
        if not changes:
            return 0
        if rule_changed(old, kpi):
            check_rules_open(cur, [kpi_id])
        cleaned = field_changes(None, kpi, _KPI_COLUMNS)
        values = [cleaned.get(c, (None, None))[1] for c in _KPI_COLUMNS]
        names = ", ".join([*_KPI_COLUMNS, "batch_id"])
        marks = ", ".join(["?"] * (len(_KPI_COLUMNS) + 1))
        cur.execute("INSERT OR REPLACE INTO kpis (" + names + ") VALUES (" + marks + ")", [*values, None])
        mark_moved(cur, None, kpi_id, None)
        rows = [(now, changed_by, "kpi", kpi_id, f, old_v, new_v, reason) for f, (old_v, new_v) in changes.items()]
        self._log(cur, rows)
        return len(changes)

    @staticmethod
    def _kpi_row(cur, kpi_id: str) -> dict | None:
        found = cur.execute("SELECT " + ", ".join(_KPI_COLUMNS) + " FROM kpis WHERE kpi_id = ?", [kpi_id]).df()
        if found.empty:
            return None
        return {k: (None if pd.isna(v) else v) for k, v in found.iloc[0].to_dict().items()}

    def apply_changes(self, changes: Iterable, *, changed_by: str, reason: str) -> int:
        """Write the assignment and target changes planned by
        :func:`kpi_core.design.plan_changes` and log each one, all or nothing.
        Returns the number of changes written."""
        reason, changed_by = _require(reason, changed_by)
        changes = list(changes)
        if not changes:
            return 0
        now = datetime.now()
        with self.transaction() as cur:
            self._apply_changes_in(cur, changes, changed_by, reason, now)
        self._check_logged(now, changed_by, len(changes))
        return len(changes)

    def _apply_changes_in(self, cur, changes: list, changed_by: str, reason: str, now: datetime) -> None:
        """The body of :meth:`apply_changes` on an open transaction's cursor (an
        approved change request runs it in the transaction that marks it approved)."""
        check_years_open(cur, [int(c.key) for c in changes if c.entity == "assignment"])
        check_months_open(cur, [c.key for c in changes if c.entity == "target"])
        for c in changes:
            if c.entity == "assignment":
                self._write_assignment(cur, c)
            elif c.entity == "target":
                self._write_target(cur, c)
            else:
                raise ValueError(f"unknown entity {c.entity!r}")
        rows = [
            (now, changed_by, c.entity, f"{c.unit_id}|{c.kpi_id}|{c.key}", c.field, c.old, c.new, reason)
            for c in changes
        ]
        self._log(cur, rows)

    @staticmethod
    def _write_assignment(cur, c) -> None:
        year = int(c.key)
        mark_moved(cur, c.unit_id, c.kpi_id, year)
        if c.op == "delete":
            cur.execute(
                "DELETE FROM targets WHERE unit_id = ? AND kpi_id = ? AND year(period) = ?", [c.unit_id, c.kpi_id, year]
            )
            cur.execute(
                "DELETE FROM assignments WHERE unit_id = ? AND kpi_id = ? AND year = ?", [c.unit_id, c.kpi_id, year]
            )
            return
        if c.field not in ("weight", "role"):
            raise ValueError(f"unknown assignment field {c.field!r}")
        exists = cur.execute(
            "SELECT count(*) FROM assignments WHERE unit_id = ? AND kpi_id = ? AND year = ?",
            [c.unit_id, c.kpi_id, year],
        ).fetchone()[0]
        if not exists:
            # a new assignment: the weight and role changes both arrive; start from safe placeholders
            cur.execute(
                "INSERT INTO assignments (unit_id, kpi_id, year, weight, role, batch_id) VALUES (?, ?, ?, 0, 'aux', NULL)",
                [c.unit_id, c.kpi_id, year],
            )
        # the column name comes from the two allowed above, never from a user
        cur.execute(
            "UPDATE assignments SET " + c.field + " = ?, batch_id = NULL WHERE unit_id = ? AND kpi_id = ? AND year = ?",
            [c.new, c.unit_id, c.kpi_id, year],
        )

    @staticmethod
    def _write_target(cur, c) -> None:
        period = f"{c.key}-01"
        mark_moved(cur, c.unit_id, c.kpi_id, int(c.key[:4]), int(c.key[5:7]))
        if c.op == "delete":
            cur.execute(
                "DELETE FROM targets WHERE unit_id = ? AND kpi_id = ? AND period = ?::DATE",
                [c.unit_id, c.kpi_id, period],
            )
            return
        cur.execute(
            "INSERT OR REPLACE INTO targets (unit_id, kpi_id, period, target, batch_id) VALUES (?, ?, ?::DATE, ?, NULL)",
            [c.unit_id, c.kpi_id, period, float(c.new)],
        )

    def save_validity(
        self, kpi_id: str, answers: Mapping[str, tuple[bool, str | None]], *, answered_by: str, reason: str = ""
    ) -> int:
        """Record the validity test of one KPI: {question: (passed, note)}.
        Changed answers are logged; returns how many changed."""
        answered_by = (answered_by or "").strip() or "anonymous"
        now = datetime.now()
        with self.transaction() as cur:
            old = {
                q: (bool(p), n)
                for q, p, n in cur.execute(
                    "SELECT question, passed, note FROM kpi_validity WHERE kpi_id = ?", [kpi_id]
                ).fetchall()
            }
            log = []
            for question, (passed, note) in answers.items():
                note = (note or "").strip() or None
                if old.get(question) == (bool(passed), note):
                    continue
                cur.execute(
                    """INSERT OR REPLACE INTO kpi_validity (kpi_id, question, passed, note, answered_by, answered_at)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    [kpi_id, question, bool(passed), note, answered_by, now],
                )
                before = old.get(question)
                log.append(
                    (
                        now,
                        answered_by,
                        "validity",
                        kpi_id,
                        question,
                        None if before is None else ("pass" if before[0] else "fail"),
                        "pass" if passed else "fail",
                        (reason or "").strip() or note or "validity test",
                    )
                )
            if log:
                self._log(cur, log)
        return len(log)

    # ------------------------------------------------------------------ the log

    @staticmethod
    def _log(cur, rows: list[tuple]) -> None:
        cur.executemany(
            """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [(*r[:5], _value_text(r[5]), _value_text(r[6]), r[7]) for r in rows],
        )

    def _check_logged(self, at: datetime, by: str, expected: int) -> None:
        found = (
            self.cursor()
            .execute("SELECT count(*) FROM change_log WHERE changed_at = ? AND changed_by = ?", [at, by])
            .fetchone()[0]
        )
        if found < expected:
            raise StoreError("the change was not committed; the store is unchanged")
