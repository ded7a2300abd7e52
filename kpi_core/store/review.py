"""Store queries: the business review's commentary and action items (issue 16). SQL only.

**Comments.** One per unit, subject (a KPI id or a task id) and month: an
analysis ("why") and an outlook. Writing one replaces that month's text; the
earlier text stays in ``change_log`` (entity ``comment``, entity_id
``UNIT|SUBJECT|YYYY-MM``, one row per field that changed), and earlier months
keep their own rows. A closed month refuses its comments too.

**Actions.** An action item belongs to a unit and names its KPIs in
``action_kpis``; every change (created, status, owner, due date, title) is a
row of ``action_history`` with who and when. Who may write what is decided
by :mod:`kpi_core.review`; the store only keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

from kpi_core.months import month_date
from kpi_core.store.base import StoreError
from kpi_core.store.periods import check_months_open

ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "dropped")
OPEN_STATUSES: tuple[str, ...] = ("open", "in_progress")

_ACTION_COLUMNS = """a.action_id, a.unit_id, a.title, a.owner, a.due, a.status,
    strftime(a.period, '%Y-%m') AS period, a.source, a.source_ref, a.created_by, a.created_at,
    a.updated_by, a.updated_at,
    coalesce((SELECT string_agg(k.kpi_id, ',' ORDER BY k.kpi_id) FROM action_kpis k
              WHERE k.action_id = a.action_id), '') AS kpi_ids"""
_ONE_ACTION = "SELECT " + _ACTION_COLUMNS + " FROM actions a WHERE a.action_id = ?"

#: One fixed statement per field an action's update may change (no SQL is
#: built from a field name; values are bound).
_UPDATE_ACTION = {
    "status": "UPDATE actions SET status = ? WHERE action_id = ?",
    "owner": "UPDATE actions SET owner = ? WHERE action_id = ?",
    "due": "UPDATE actions SET due = ? WHERE action_id = ?",
}


def _log(cur, at: datetime, by: str, entity_id: str, field: str, old: object, new: object, reason: str) -> None:
    cur.execute(
        """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
           VALUES (?, ?, 'comment', ?, ?, ?, ?, ?)""",
        [at, by, entity_id, field, old, new, reason],
    )


class ReviewQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ comments

    def comments(
        self,
        unit_ids: list[str] | None = None,
        subject: str | None = None,
        period: str | None = None,
        upto: str | None = None,
    ) -> pd.DataFrame:
        """Comments (of ``unit_ids``, of one ``subject``, of one ``period`` or
        up to ``upto``), newest month first: unit_id, subject, period
        (YYYY-MM), analysis, outlook, written_by, written_at."""
        return (
            self.cursor()
            .execute(
                """SELECT unit_id, subject, strftime(period, '%Y-%m') AS period, analysis, outlook,
                          written_by, written_at
                   FROM comments
                   WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id))
                     AND (?::VARCHAR IS NULL OR subject = ?)
                     AND (?::DATE IS NULL OR period = ?::DATE)
                     AND (?::DATE IS NULL OR period <= ?::DATE)
                   ORDER BY period DESC, unit_id, subject""",
                [
                    unit_ids,
                    unit_ids,
                    subject,
                    subject,
                    month_date(period) if period else None,
                    month_date(period) if period else None,
                    month_date(upto) if upto else None,
                    month_date(upto) if upto else None,
                ],
            )
            .df()
        )

    def save_comment(
        self,
        unit_id: str,
        subject: str,
        period: str,
        analysis: str,
        outlook: str,
        *,
        by: str,
        at: datetime | None = None,
    ) -> bool:
        """Write (or replace) the month's comment; each changed field is
        logged. Both texts empty removes the comment. False when nothing
        changed. A closed month is refused (PeriodClosedError)."""
        at = at or datetime.now()
        key = [unit_id, subject, month_date(period)]
        entity = f"{unit_id}|{subject}|{period[:7]}"
        with self.transaction() as cur:
            check_months_open(cur, [period])
            row = cur.execute(
                "SELECT analysis, outlook FROM comments WHERE unit_id = ? AND subject = ? AND period = ?", key
            ).fetchone()
            old = (row[0] or "", row[1] or "") if row else ("", "")
            new = (analysis, outlook)
            if old == new:
                return False
            cur.execute("DELETE FROM comments WHERE unit_id = ? AND subject = ? AND period = ?", key)
            if analysis or outlook:
                cur.execute(
                    """INSERT INTO comments (unit_id, subject, period, analysis, outlook, written_by, written_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    [*key, analysis or None, outlook or None, by, at],
                )
            for field, before, after in zip(("analysis", "outlook"), old, new, strict=True):
                if before != after:
                    reason = "comment written" if not row else ("comment removed" if not after else "comment replaced")
                    _log(cur, at, by, entity, field, before or None, after or None, reason)
        return True

    def comment_log(self, unit_id: str, subject: str) -> pd.DataFrame:
        """Every change of the comments of one unit's subject, newest first:
        period, field, old_value, new_value, changed_by, changed_at."""
        return (
            self.cursor()
            .execute(
                """SELECT split_part(entity_id, '|', 3) AS period, field, old_value, new_value,
                          changed_by, changed_at
                   FROM change_log WHERE entity = 'comment' AND entity_id LIKE ? ESCAPE '\\'
                   ORDER BY changed_at DESC, field""",
                [_like_prefix(f"{unit_id}|{subject}|")],
            )
            .df()
        )

    def review_subjects(self, unit_id: str, period: str) -> list[str]:
        """What the unit's comments and actions may be about in ``period``:
        the KPIs assigned to it that year and every id scored on its card
        that month (goal-setting tasks too)."""
        rows = (
            self.cursor()
            .execute(
                """SELECT kpi_id FROM assignments WHERE unit_id = ? AND year = ?
                   UNION SELECT task_id FROM tasks WHERE unit_id = ? AND year = ?
                   UNION SELECT kpi_id FROM kpi_scores WHERE unit_id = ? AND period = ?::DATE
                   ORDER BY 1""",
                [unit_id, int(period[:4]), unit_id, int(period[:4]), unit_id, month_date(period)],
            )
            .fetchall()
        )
        return [str(r[0]) for r in rows]

    # ------------------------------------------------------------------ actions

    def add_action(
        self,
        unit_id: str,
        title: str,
        owner: str,
        due: date,
        kpi_ids: Iterable[str],
        *,
        by: str,
        period: str | None = None,
        source: str = "kpi",
        source_ref: str | None = None,
        at: datetime | None = None,
    ) -> int:
        """Create an open action (its first history row: ``created``); returns its id."""
        at = at or datetime.now()
        kpis = sorted(set(kpi_ids))
        with self.transaction() as cur:
            action_id = int(cur.execute("SELECT nextval('action_seq')").fetchone()[0])
            cur.execute(
                """INSERT INTO actions (action_id, unit_id, title, owner, due, status, period, source, source_ref,
                                        created_by, created_at, updated_by, updated_at)
                   VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)""",
                [
                    action_id,
                    unit_id,
                    title,
                    owner,
                    due,
                    month_date(period) if period else None,
                    source,
                    source_ref,
                    by,
                    at,
                    by,
                    at,
                ],
            )
            if kpis:
                cur.executemany("INSERT INTO action_kpis VALUES (?, ?)", [[action_id, k] for k in kpis])
            cur.execute(
                "INSERT INTO action_history VALUES (?, ?, ?, 'created', NULL, 'open', ?)",
                [action_id, at, by, title],
            )
        return action_id

    def action(self, action_id: int) -> dict | None:
        """One action (the columns of :meth:`actions`), or None."""
        found = self.cursor().execute(_ONE_ACTION, [action_id])
        frame = found.df()
        return None if frame.empty else frame.iloc[0].to_dict()

    def actions(
        self,
        unit_ids: list[str] | None = None,
        kpi_id: str | None = None,
        statuses: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Actions (of ``unit_ids``, linked to ``kpi_id``, in ``statuses``),
        soonest due first: action_id, unit_id, title, owner, due, status,
        period, source, source_ref, created_by, created_at, updated_by,
        updated_at, kpi_ids (comma-separated)."""
        wanted = list(statuses) if statuses is not None else None
        return (
            self.cursor()
            .execute(
                "SELECT "
                + _ACTION_COLUMNS
                + """ FROM actions a
                    WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], a.unit_id))
                      AND (?::VARCHAR IS NULL OR EXISTS (
                            SELECT 1 FROM action_kpis k WHERE k.action_id = a.action_id AND k.kpi_id = ?))
                      AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], a.status))
                    ORDER BY a.due, a.action_id""",
                [unit_ids, unit_ids, kpi_id, kpi_id, wanted, wanted],
            )
            .df()
        )

    def has_actions(self) -> bool:
        """Whether any action item was ever recorded (the review is in use)."""
        return self.cursor().execute("SELECT EXISTS (SELECT 1 FROM actions)").fetchone()[0]

    def open_action_links(self, unit_ids: list[str] | None = None) -> pd.DataFrame:
        """(unit_id, kpi_id) of every open or in-progress action's KPIs (distinct)."""
        return (
            self.cursor()
            .execute(
                """SELECT DISTINCT a.unit_id, k.kpi_id FROM actions a JOIN action_kpis k USING (action_id)
                   WHERE list_contains(?::VARCHAR[], a.status)
                     AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], a.unit_id))
                   ORDER BY 1, 2""",
                [list(OPEN_STATUSES), unit_ids, unit_ids],
            )
            .df()
        )

    def update_action(
        self,
        action_id: int,
        *,
        by: str,
        status: str | None = None,
        owner: str | None = None,
        due: date | None = None,
        note: str | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Change an action's status, owner or due date; each change is a row
        of its history. False when nothing changed."""
        if status is not None and status not in ACTION_STATUSES:
            raise StoreError(f"unknown action status {status!r}", key="review.bad_status", status=status)
        at = at or datetime.now()
        with self.transaction() as cur:
            row = cur.execute("SELECT status, owner, due FROM actions WHERE action_id = ?", [action_id]).fetchone()
            if row is None:
                raise StoreError(f"there is no action {action_id}", key="review.no_action", action=action_id)
            changes = [
                (field, str(old), str(new))
                for field, old, new in zip(("status", "owner", "due"), row, (status, owner, due), strict=True)
                if new is not None and str(new) != str(old)
            ]
            if not changes:
                return False
            for field, old, new in changes:
                cur.execute(_UPDATE_ACTION[field], [new, action_id])
                cur.execute(
                    "INSERT INTO action_history VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [action_id, at, by, field, old, new, note or None],
                )
            cur.execute("UPDATE actions SET updated_by = ?, updated_at = ? WHERE action_id = ?", [by, at, action_id])
        return True

    def action_history(self, action_ids: Iterable[int]) -> pd.DataFrame:
        """The history rows of ``action_ids``, oldest first: action_id,
        changed_at, changed_by, field, old_value, new_value, note."""
        ids = sorted({int(i) for i in action_ids})
        return (
            self.cursor()
            .execute(
                """SELECT action_id, changed_at, changed_by, field, old_value, new_value, note FROM action_history
                   WHERE list_contains(?::INTEGER[], action_id) ORDER BY changed_at, action_id""",
                [ids],
            )
            .df()
        )


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
