"""Store queries: 360-degree review cycles and units' attributes (issue 18). SQL only.

A cycle, its behaviours with their five anchored levels, the raters assigned
per subject (in a rater group) and the answers. Who may read what is decided
by :mod:`kpi_core.review360` (reports hide rater groups under three answers;
a rater sees their own answers only) and :mod:`kpi_core.fairness` (admins):
nothing else reads ``review_answers``. Every write is one transaction and
records who wrote it and when.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from kpi_core.store.base import StoreError


class Review360Queries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ reads

    def review_cycles(self) -> pd.DataFrame:
        """Every cycle, newest period first: cycle_id, name, name_zh, period, status, created_by, created_at."""
        return (
            self.cursor()
            .execute(
                """SELECT cycle_id, name, name_zh, period, status, created_by, created_at
                   FROM review_cycles ORDER BY period DESC, cycle_id"""
            )
            .df()
        )

    def review_behaviours(self, cycle_id: str) -> pd.DataFrame:
        """A cycle's behaviours in order: behaviour_id, position, name, name_zh."""
        return (
            self.cursor()
            .execute(
                """SELECT behaviour_id, position, name, name_zh FROM review_behaviours
                   WHERE cycle_id = ? ORDER BY position, behaviour_id""",
                [cycle_id],
            )
            .df()
        )

    def review_anchors(self, cycle_id: str) -> pd.DataFrame:
        """A cycle's anchored levels: behaviour_id, level, text, text_zh."""
        return (
            self.cursor()
            .execute(
                """SELECT behaviour_id, level, text, text_zh FROM review_anchors
                   WHERE cycle_id = ? ORDER BY behaviour_id, level""",
                [cycle_id],
            )
            .df()
        )

    def review_raters(
        self, cycle_id: str | None = None, rater_ids: list[str] | None = None, subject_id: str | None = None
    ) -> pd.DataFrame:
        """Assignments: cycle_id, subject_id, rater_id, rater_group, answered
        (how many behaviours this rater has answered for this subject)."""
        return (
            self.cursor()
            .execute(
                """SELECT r.cycle_id, r.subject_id, r.rater_id, r.rater_group,
                          (SELECT count(*) FROM review_answers a
                           WHERE a.cycle_id = r.cycle_id AND a.subject_id = r.subject_id
                             AND a.rater_id = r.rater_id) AS answered
                   FROM review_raters r
                   WHERE (?::VARCHAR IS NULL OR r.cycle_id = ?)
                     AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], r.rater_id))
                     AND (?::VARCHAR IS NULL OR r.subject_id = ?)
                   ORDER BY r.cycle_id, r.subject_id, r.rater_group, r.rater_id""",
                [cycle_id, cycle_id, rater_ids, rater_ids, subject_id, subject_id],
            )
            .df()
        )

    def review_answers(
        self, cycle_id: str | None = None, subject_id: str | None = None, rater_ids: list[str] | None = None
    ) -> pd.DataFrame:
        """Answers with the rater's group: cycle_id, subject_id, rater_id,
        rater_group, behaviour_id, score. Callers decide what a reader sees."""
        return (
            self.cursor()
            .execute(
                """SELECT a.cycle_id, a.subject_id, a.rater_id, r.rater_group, a.behaviour_id, a.score
                   FROM review_answers a
                   JOIN review_raters r ON r.cycle_id = a.cycle_id AND r.subject_id = a.subject_id
                        AND r.rater_id = a.rater_id
                   WHERE (?::VARCHAR IS NULL OR a.cycle_id = ?)
                     AND (?::VARCHAR IS NULL OR a.subject_id = ?)
                     AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], a.rater_id))
                   ORDER BY a.cycle_id, a.subject_id, a.rater_id, a.behaviour_id""",
                [cycle_id, cycle_id, subject_id, subject_id, rater_ids, rater_ids],
            )
            .df()
        )

    def unit_attributes(self) -> pd.DataFrame:
        """Every unit's extra attributes: unit_id, attribute, value."""
        return (
            self.cursor()
            .execute("SELECT unit_id, attribute, value FROM unit_attributes ORDER BY attribute, unit_id")
            .df()
        )

    # ------------------------------------------------------------------ writes

    def save_review_cycle(
        self,
        cycle: dict,
        behaviours: list[dict],
        raters: list[tuple[str, str, str]],
        by: str,
        at: datetime | None = None,
    ) -> None:
        """Create a cycle in one transaction: ``cycle`` (cycle_id, name,
        name_zh, period, status), ``behaviours`` (behaviour_id, name, name_zh,
        anchors: five (text, text_zh) from level 1 to 5) and ``raters``
        (subject_id, rater_id, rater_group). A cycle id already used is refused."""
        at = at or datetime.now()
        with self.transaction() as cur:
            if cur.execute("SELECT 1 FROM review_cycles WHERE cycle_id = ?", [cycle["cycle_id"]]).fetchone():
                raise StoreError(
                    f"review cycle {cycle['cycle_id']} exists", key="r360.cycle_exists", cycle=cycle["cycle_id"]
                )
            cur.execute(
                """INSERT INTO review_cycles (cycle_id, name, name_zh, period, status, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [cycle["cycle_id"], cycle["name"], cycle.get("name_zh"), cycle["period"], cycle["status"], by, at],
            )
            for position, b in enumerate(behaviours, start=1):
                cur.execute(
                    """INSERT INTO review_behaviours (cycle_id, behaviour_id, position, name, name_zh)
                       VALUES (?, ?, ?, ?, ?)""",
                    [cycle["cycle_id"], b["behaviour_id"], position, b["name"], b.get("name_zh")],
                )
                for level, (text, text_zh) in enumerate(b["anchors"], start=1):
                    cur.execute(
                        """INSERT INTO review_anchors (cycle_id, behaviour_id, level, text, text_zh)
                           VALUES (?, ?, ?, ?, ?)""",
                        [cycle["cycle_id"], b["behaviour_id"], level, text, text_zh],
                    )
            for subject_id, rater_id, group in raters:
                cur.execute(
                    """INSERT INTO review_raters (cycle_id, subject_id, rater_id, rater_group)
                       VALUES (?, ?, ?, ?)""",
                    [cycle["cycle_id"], subject_id, rater_id, group],
                )

    def save_review_answers(
        self,
        cycle_id: str,
        rows: list[tuple[str, str, str, int]],
        by: str,
        at: datetime | None = None,
    ) -> None:
        """Write answers (subject_id, rater_id, behaviour_id, score) in one
        transaction; an answer given again replaces the earlier one."""
        at = at or datetime.now()
        with self.transaction() as cur:
            for subject_id, rater_id, behaviour_id, score in rows:
                cur.execute(
                    """INSERT INTO review_answers
                         (cycle_id, subject_id, rater_id, behaviour_id, score, answered_by, answered_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (cycle_id, subject_id, rater_id, behaviour_id)
                       DO UPDATE SET score = EXCLUDED.score, answered_by = EXCLUDED.answered_by,
                                     answered_at = EXCLUDED.answered_at""",
                    [cycle_id, subject_id, rater_id, behaviour_id, int(score), by, at],
                )

    def set_review_status(self, cycle_id: str, status: str) -> None:
        with self.transaction() as cur:
            cur.execute("UPDATE review_cycles SET status = ? WHERE cycle_id = ?", [status, cycle_id])

    def save_unit_attributes(self, rows: list[tuple[str, str, str]]) -> None:
        """Set units' attributes (unit_id, attribute, value) in one transaction."""
        with self.transaction() as cur:
            for unit_id, attribute, value in rows:
                cur.execute(
                    """INSERT INTO unit_attributes (unit_id, attribute, value) VALUES (?, ?, ?)
                       ON CONFLICT (unit_id, attribute) DO UPDATE SET value = EXCLUDED.value""",
                    [unit_id, attribute, value],
                )
