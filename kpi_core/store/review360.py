"""Store queries: 360-degree review cycles and units' attributes (issue 18). SQL only.

A cycle, its behaviours with their five anchored levels, the raters assigned
per subject (in a rater group) and the answers. Who may read what is decided
by :mod:`kpi_core.review360` (reports hide rater groups under three answers;
a rater sees their own answers only) and :mod:`kpi_core.fairness` (admins):
nothing else reads ``review_answers``. Every write is one transaction and
records who wrote it and when.

HR sets a cycle up with the upload kinds ``review_cycles``,
``review_behaviours`` and ``review_raters`` (and the people's attributes with
``unit_attributes``): batches like any upload (:mod:`kpi_core.store.writes`,
audited, rolled back from ``history``), each row stamped with its batch. A
behaviour's five anchored levels are columns of its row (``anchor_1`` ..
``anchor_5_zh``, schema V13). :func:`check_setup_write` and
:func:`check_setup_rollback` run inside those batches' transactions: nothing
of a closed cycle changes, and a rater who has answered keeps their group.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from kpi_core.model import ANCHOR_COLUMNS
from kpi_core.store.base import StoreError

#: Who made a cycle and when: its own columns (a cycle saved by
#: :meth:`Review360Queries.save_review_cycle`), else the latest batch that
#: added its row (a cycle made by a file).
_CYCLE_MADE_BY = """coalesce(c.created_by, (SELECT b.uploaded_by FROM history h JOIN batches b ON b.batch_id = h.batch_id
                   WHERE h.kind = 'review_cycles' AND h.row_key = c.cycle_id AND h.old_row IS NULL
                     AND h.new_row IS NOT NULL ORDER BY h.batch_id DESC LIMIT 1))"""
_CYCLE_MADE_AT = """coalesce(c.created_at, (SELECT b.uploaded_at FROM history h JOIN batches b ON b.batch_id = h.batch_id
                   WHERE h.kind = 'review_cycles' AND h.row_key = c.cycle_id AND h.old_row IS NULL
                     AND h.new_row IS NOT NULL ORDER BY h.batch_id DESC LIMIT 1))"""
#: A behaviour's anchored levels as rows (level, text, text_zh), one SELECT per level.
_ANCHOR_ROWS = " UNION ALL ".join(
    "SELECT behaviour_id, "
    + str(level)
    + " AS level, anchor_"
    + str(level)
    + " AS text, anchor_"
    + str(level)
    + "_zh AS text_zh FROM review_behaviours WHERE cycle_id = ?"
    for level in range(1, 6)
)


class Review360Queries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ reads

    def review_cycles(self) -> pd.DataFrame:
        """Every cycle, newest period first: cycle_id, name, name_zh, period, status, created_by, created_at."""
        return (
            self.cursor()
            .execute(
                "SELECT c.cycle_id, c.name, c.name_zh, c.period, c.status, "
                + _CYCLE_MADE_BY
                + " AS created_by, "
                + _CYCLE_MADE_AT
                + " AS created_at FROM review_cycles c ORDER BY c.period DESC, c.cycle_id"
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
                "SELECT behaviour_id, level, text, text_zh FROM (" + _ANCHOR_ROWS + ") a ORDER BY behaviour_id, level",
                [cycle_id] * 5,
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
        """Every unit's extra attributes: unit_id, attribute, value, and the
        Chinese labels attribute_zh and value_zh (None where not given)."""
        return (
            self.cursor()
            .execute(
                "SELECT unit_id, attribute, value, attribute_zh, value_zh FROM unit_attributes"
                " ORDER BY attribute, unit_id"
            )
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
                anchors = [text for pair in b["anchors"] for text in pair]
                cur.execute(
                    "INSERT INTO review_behaviours (cycle_id, behaviour_id, position, name, name_zh, "
                    + ", ".join(ANCHOR_COLUMNS)
                    + ") VALUES (?, ?, ?, ?, ?"
                    + ", ?" * len(ANCHOR_COLUMNS)
                    + ")",
                    [cycle["cycle_id"], b["behaviour_id"], position, b["name"], b.get("name_zh"), *anchors],
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

    def save_unit_attributes(self, rows: list[tuple[str, ...]]) -> None:
        """Set units' attributes in one transaction: rows of (unit_id,
        attribute, value), optionally followed by attribute_zh and value_zh."""
        with self.transaction() as cur:
            for row in rows:
                unit_id, attribute, value, attribute_zh, value_zh = (*row, None, None)[:5]
                cur.execute(
                    """INSERT INTO unit_attributes (unit_id, attribute, value, attribute_zh, value_zh)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (unit_id, attribute) DO UPDATE SET value = EXCLUDED.value,
                         attribute_zh = EXCLUDED.attribute_zh, value_zh = EXCLUDED.value_zh""",
                    [unit_id, attribute, value, attribute_zh, value_zh],
                )


# ---------------------------------------------------------------------- set-up batches


def _closed(cur, cycle_ids: list[str]) -> list[str]:
    rows = cur.execute(
        "SELECT cycle_id FROM review_cycles WHERE status = 'closed' AND list_contains(?::VARCHAR[], cycle_id)"
        " ORDER BY cycle_id",
        [sorted({str(c) for c in cycle_ids})],
    ).fetchall()
    return [r[0] for r in rows]


def _refuse_closed(cycle_ids: list[str]) -> None:
    if cycle_ids:
        raise StoreError(
            f"review cycle {cycle_ids[0]} is closed: nothing of it can change (its answers are final); nothing was stored",
            key="r360files.closed_now",
            cycle=cycle_ids[0],
        )


def _answered(cur, keys: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The first (cycle, subject, rater) of ``keys`` with an answer."""
    if not keys:
        return None
    texts = sorted({"|".join(k) for k in keys})
    found = cur.execute(
        "SELECT DISTINCT cycle_id, subject_id, rater_id FROM review_answers"
        " WHERE list_contains(?::VARCHAR[], CAST(cycle_id || '|' || subject_id || '|' || rater_id AS VARCHAR))"
        " ORDER BY cycle_id, subject_id, rater_id LIMIT 1",
        [texts],
    ).fetchone()
    return None if found is None else (str(found[0]), str(found[1]), str(found[2]))


def _refuse_answered(found: tuple[str, str, str] | None) -> None:
    if found is not None:
        cycle, subject, rater = found
        raise StoreError(
            f"rater {rater} has answered for {subject} in cycle {cycle}: their group cannot change, nor can they "
            "be removed (their answers would move or be lost); nothing was stored",
            key="r360files.answered_now",
            cycle=cycle,
            subject=subject,
            rater=rater,
        )


def check_setup_write(cur, kind: str, written: pd.DataFrame) -> None:
    """Inside an upload batch of a 360 set-up kind (``written``: its new and
    changed rows with the stored ``old_*`` values): refuse any change to a
    closed cycle, and a new group for a rater who has answered. Validation
    says the same row by row; this is the check that holds when another
    session closed the cycle or answered a moment ago."""
    if written.empty:
        return
    if kind == "review_cycles":
        _refuse_closed(
            [c for c, old in zip(written["cycle_id"], written["old_status"], strict=True) if old == "closed"]
        )
        return
    _refuse_closed(_closed(cur, written["cycle_id"].tolist()))
    if kind == "review_raters":
        changed = written[written["change"] == "changed"]
        keys = list(zip(changed["cycle_id"], changed["subject_id"], changed["rater_id"], strict=True))
        _refuse_answered(_answered(cur, keys))


def check_setup_rollback(cur, kind: str, changes: pd.DataFrame) -> None:
    """Inside the rollback of a 360 set-up batch (``changes``: its history
    rows, keyed "cycle|..."): refused for a cycle closed now, and for raters
    who have answered since (removing them or moving them to their old group
    would orphan or move their answers)."""
    if changes.empty:
        return
    keys = [str(k).split("|") for k in changes["row_key"]]
    _refuse_closed(_closed(cur, [k[0] for k in keys]))
    if kind == "review_raters":
        _refuse_answered(_answered(cur, [(k[0], k[1], k[2]) for k in keys]))
