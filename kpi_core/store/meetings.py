"""Store queries: the business-review meeting, its agenda and minutes (issue 16). SQL only.

A **meeting** belongs to a unit and a month. While ``planned`` its agenda is
edited (items reordered, dropped, added) and decisions are recorded item by
item as the meeting walks it; :meth:`MeetingQueries.finish_meeting` makes it
``held`` with its day, chair and attendees, and from then on it is the
minutes: read only. **Items** keep a stable ``item_no`` and a ``position``
(their order, 1-based); the figures shown when an item was proposed are kept
as JSON text so the minutes say what the meeting saw. **Links** name the
actions created or updated from an item (``how``: ``created`` / ``updated``).

Every write is one transaction and logged in ``change_log`` (entity
``meeting``, entity_id ``MEETING`` or ``MEETING|ITEM``) with who and when.
Who may write is decided by :mod:`kpi_core.agenda`; the store only keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pandas as pd

from kpi_core.months import month_date
from kpi_core.store.base import StoreError

MEETING_STATUSES: tuple[str, ...] = ("planned", "held")
LINK_KINDS: tuple[str, ...] = ("created", "updated")

_MEETING_COLUMNS = """m.meeting_id, m.unit_id, strftime(m.period, '%Y-%m') AS period, m.status, m.held_on,
    m.chair, m.attendees, m.created_by, m.created_at, m.updated_by, m.updated_at"""
_ITEM_COLUMNS = """item_no, position, kind, subject, unit_id, title, figures, dropped, added_by_chair,
    decision, decided_by, decided_at"""

#: One fixed statement per item field an edit may change (no SQL built from a name).
_SET_ITEM = {
    "position": "UPDATE meeting_items SET position = ? WHERE meeting_id = ? AND item_no = ?",
    "dropped": "UPDATE meeting_items SET dropped = ? WHERE meeting_id = ? AND item_no = ?",
}


def _log(cur, at: datetime, by: str, entity_id: str, field: str, old: object, new: object, reason: str) -> None:
    cur.execute(
        """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
           VALUES (?, ?, 'meeting', ?, ?, ?, ?, ?)""",
        [at, by, entity_id, field, None if old is None else str(old), None if new is None else str(new), reason],
    )


def _planned(cur, meeting_id: int) -> tuple:
    """The meeting's row (status, unit_id), refusing a missing or held one."""
    row = cur.execute("SELECT status, unit_id FROM meetings WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is None:
        raise StoreError(f"there is no meeting {meeting_id}", key="agenda.no_meeting", meeting=meeting_id)
    if row[0] != "planned":
        raise StoreError(f"meeting {meeting_id} is over: its minutes are kept as they are", key="agenda.held")
    return row


def _touch(cur, meeting_id: int, by: str, at: datetime) -> None:
    cur.execute("UPDATE meetings SET updated_by = ?, updated_at = ? WHERE meeting_id = ?", [by, at, meeting_id])


def _insert_items(cur, meeting_id: int, items: list[Mapping[str, object]], first_no: int, first_pos: int) -> None:
    rows = [
        [
            meeting_id,
            first_no + i,
            first_pos + i,
            str(item["kind"]),
            item.get("subject"),
            item.get("unit_id"),
            item.get("title"),
            item.get("figures"),
            bool(item.get("dropped", False)),
            bool(item.get("added_by_chair", False)),
            item.get("decision") or None,
            item.get("decided_by"),
            item.get("decided_at"),
        ]
        for i, item in enumerate(items)
    ]
    if rows:
        cur.executemany("INSERT INTO meeting_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


class MeetingQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ reads

    def meeting_rows(
        self,
        unit_ids: list[str] | None = None,
        *,
        status: str | None = None,
        period: str | None = None,
    ) -> pd.DataFrame:
        """Meetings (of ``unit_ids``, in ``status``, about ``period``), the
        latest first: meeting_id, unit_id, period (YYYY-MM), status, held_on,
        chair, attendees, created_by, created_at, updated_by, updated_at,
        items (not dropped), decisions (items with one), actions (linked)."""
        return (
            self.cursor()
            .execute(
                "SELECT "
                + _MEETING_COLUMNS
                + """,
                       (SELECT count(*) FROM meeting_items i WHERE i.meeting_id = m.meeting_id AND NOT i.dropped)
                           AS items,
                       (SELECT count(*) FROM meeting_items i WHERE i.meeting_id = m.meeting_id
                            AND i.decision IS NOT NULL) AS decisions,
                       (SELECT count(DISTINCT a.action_id) FROM meeting_actions a
                            WHERE a.meeting_id = m.meeting_id) AS actions
                    FROM meetings m
                    WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], m.unit_id))
                      AND (?::VARCHAR IS NULL OR m.status = ?)
                      AND (?::DATE IS NULL OR m.period = ?::DATE)
                    ORDER BY m.period DESC, coalesce(m.held_on, DATE '9999-12-31') DESC, m.meeting_id DESC""",
                [
                    unit_ids,
                    unit_ids,
                    status,
                    status,
                    month_date(period) if period else None,
                    month_date(period) if period else None,
                ],
            )
            .df()
        )

    def meeting(self, meeting_id: int) -> dict | None:
        """One meeting (the columns of :meth:`meeting_rows`), or None."""
        # a fixed statement: the column list is a module constant, the id a bound parameter
        frame = self.cursor().execute(
            "SELECT " + _MEETING_COLUMNS + " FROM meetings m WHERE meeting_id = ?", [meeting_id]
        )
        found = frame.df()
        return None if found.empty else found.iloc[0].to_dict()

    def planned_meeting(self, unit_id: str, period: str) -> dict | None:
        """The unit's planned (not yet finished) meeting about ``period``, or None."""
        row = (
            self.cursor()
            .execute(
                """SELECT meeting_id FROM meetings WHERE unit_id = ? AND period = ?::DATE AND status = 'planned'
                   ORDER BY meeting_id DESC LIMIT 1""",
                [unit_id, month_date(period)],
            )
            .fetchone()
        )
        return None if row is None else self.meeting(int(row[0]))

    def last_held_meeting(self, unit_id: str, before: str) -> dict | None:
        """The unit's latest held meeting about a month before ``before``, or None."""
        row = (
            self.cursor()
            .execute(
                """SELECT meeting_id FROM meetings WHERE unit_id = ? AND period < ?::DATE AND status = 'held'
                   ORDER BY period DESC, held_on DESC, meeting_id DESC LIMIT 1""",
                [unit_id, month_date(before)],
            )
            .fetchone()
        )
        return None if row is None else self.meeting(int(row[0]))

    def meeting_items(self, meeting_id: int) -> pd.DataFrame:
        """The meeting's items in their order: item_no, position, kind,
        subject, unit_id, title, figures (JSON text), dropped,
        added_by_chair, decision, decided_by, decided_at."""
        return (
            self.cursor()
            .execute(
                "SELECT " + _ITEM_COLUMNS + " FROM meeting_items WHERE meeting_id = ? ORDER BY position, item_no",
                [meeting_id],
            )
            .df()
        )

    def meeting_links(self, meeting_id: int) -> pd.DataFrame:
        """The actions linked to the meeting's items: item_no, action_id, how,
        linked_by, linked_at (oldest first)."""
        return (
            self.cursor()
            .execute(
                """SELECT item_no, action_id, how, linked_by, linked_at FROM meeting_actions
                   WHERE meeting_id = ? ORDER BY linked_at, item_no, action_id""",
                [meeting_id],
            )
            .df()
        )

    def meeting_log(self, meeting_id: int) -> pd.DataFrame:
        """Every logged change of the meeting, oldest first: entity_id, field,
        old_value, new_value, changed_by, changed_at, reason."""
        return (
            self.cursor()
            .execute(
                """SELECT entity_id, field, old_value, new_value, changed_by, changed_at, reason FROM change_log
                   WHERE entity = 'meeting' AND (entity_id = ? OR starts_with(entity_id, ?))
                   ORDER BY changed_at, entity_id, field""",
                [str(meeting_id), f"{meeting_id}|"],
            )
            .df()
        )

    # ------------------------------------------------------------------ writes

    def create_meeting(
        self,
        unit_id: str,
        period: str,
        items: Iterable[Mapping[str, object]],
        *,
        by: str,
        status: str = "planned",
        held_on: date | None = None,
        chair: str | None = None,
        attendees: str | None = None,
        links: Iterable[tuple[int, int, str]] = (),
        at: datetime | None = None,
    ) -> int:
        """A new meeting with its items (dicts: kind, subject, unit_id, title,
        figures, dropped, added_by_chair, decision) numbered 1, 2, ... in the
        order given; ``links``: (item_no, action_id, how). Returns its id.
        A ``held`` one (the minutes of a past meeting) needs its day."""
        if status not in MEETING_STATUSES:
            raise StoreError(f"unknown meeting status {status!r}", key="agenda.bad_status", status=status)
        if status == "held" and held_on is None:
            raise StoreError("a held meeting needs its day", key="agenda.day_needed")
        at = at or datetime.now()
        rows = [dict(item) for item in items]
        for row in rows:
            if row.get("decision"):
                row.setdefault("decided_by", by)
                row.setdefault("decided_at", at)
        with self.transaction() as cur:
            if status == "planned":
                found = cur.execute(
                    "SELECT meeting_id FROM meetings WHERE unit_id = ? AND period = ?::DATE AND status = 'planned'",
                    [unit_id, month_date(period)],
                ).fetchone()
                if found is not None:
                    raise StoreError(
                        f"{unit_id} already has a planned meeting about {period}",
                        key="agenda.already_planned",
                        meeting=int(found[0]),
                    )
            meeting_id = int(cur.execute("SELECT nextval('meeting_seq')").fetchone()[0])
            cur.execute(
                "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [meeting_id, unit_id, month_date(period), status, held_on, chair, attendees, by, at, by, at],
            )
            _insert_items(cur, meeting_id, rows, 1, 1)
            for item_no, action_id, how in links:
                if how not in LINK_KINDS:
                    raise StoreError(f"unknown link {how!r}", key="agenda.bad_link", how=how)
                cur.execute(
                    "INSERT OR IGNORE INTO meeting_actions VALUES (?, ?, ?, ?, ?, ?)",
                    [meeting_id, int(item_no), int(action_id), how, by, at],
                )
            _log(cur, at, by, str(meeting_id), "status", None, status, f"meeting of {unit_id} about {period[:7]}")
            _log(cur, at, by, str(meeting_id), "items", None, len(rows), "agenda proposed")
            if status == "held":
                for field, value in (("held_on", held_on), ("chair", chair), ("attendees", attendees)):
                    _log(cur, at, by, str(meeting_id), field, None, value, "minutes recorded")
        return meeting_id

    def replace_meeting_items(
        self, meeting_id: int, items: Iterable[Mapping[str, object]], *, by: str, at: datetime | None = None
    ) -> None:
        """Start a planned meeting's agenda again from ``items`` (a fresh
        proposal): items without a decision or a linked action are replaced;
        those with one, and the chair's own items, are kept after them."""
        at = at or datetime.now()
        rows = [dict(item) for item in items]
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            kept = cur.execute(
                """SELECT item_no FROM meeting_items i WHERE meeting_id = ? AND (decision IS NOT NULL OR added_by_chair
                       OR EXISTS (SELECT 1 FROM meeting_actions a WHERE a.meeting_id = i.meeting_id
                                  AND a.item_no = i.item_no))
                   ORDER BY position""",
                [meeting_id],
            ).fetchall()
            keep = [int(r[0]) for r in kept]
            cur.execute(
                "DELETE FROM meeting_items WHERE meeting_id = ? AND NOT list_contains(?::INTEGER[], item_no)",
                [meeting_id, keep],
            )
            top = cur.execute(
                "SELECT coalesce(max(item_no), 0) FROM meeting_items WHERE meeting_id = ?", [meeting_id]
            ).fetchone()[0]
            _insert_items(cur, meeting_id, rows, int(top) + 1, 1)
            for offset, item_no in enumerate(keep):
                cur.execute(_SET_ITEM["position"], [len(rows) + 1 + offset, meeting_id, item_no])
            _log(cur, at, by, str(meeting_id), "items", None, len(rows) + len(keep), "agenda proposed again")
            _touch(cur, meeting_id, by, at)

    def move_meeting_item(
        self, meeting_id: int, item_no: int, position: int, *, by: str, at: datetime | None = None
    ) -> bool:
        """Put the item at ``position`` (1-based, clamped to the agenda),
        the others keeping their order. False when it was there already."""
        at = at or datetime.now()
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            order = [
                int(r[0])
                for r in cur.execute(
                    "SELECT item_no FROM meeting_items WHERE meeting_id = ? ORDER BY position, item_no", [meeting_id]
                ).fetchall()
            ]
            if item_no not in order:
                raise StoreError(f"meeting {meeting_id} has no item {item_no}", key="agenda.no_item", item=item_no)
            before = order.index(item_no) + 1
            target = min(max(int(position), 1), len(order))
            if target == before:
                return False
            order.remove(item_no)
            order.insert(target - 1, item_no)
            for new_position, number in enumerate(order, start=1):
                cur.execute(_SET_ITEM["position"], [new_position, meeting_id, number])
            _log(cur, at, by, f"{meeting_id}|{item_no}", "position", before, target, "item moved")
            _touch(cur, meeting_id, by, at)
        return True

    def set_meeting_item_dropped(
        self, meeting_id: int, item_no: int, dropped: bool, *, by: str, at: datetime | None = None
    ) -> bool:
        """Drop the item from the agenda (or take it back). False when unchanged."""
        at = at or datetime.now()
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            row = cur.execute(
                "SELECT dropped FROM meeting_items WHERE meeting_id = ? AND item_no = ?", [meeting_id, item_no]
            ).fetchone()
            if row is None:
                raise StoreError(f"meeting {meeting_id} has no item {item_no}", key="agenda.no_item", item=item_no)
            if bool(row[0]) == bool(dropped):
                return False
            cur.execute(_SET_ITEM["dropped"], [bool(dropped), meeting_id, item_no])
            reason = "item dropped" if dropped else "item taken back"
            _log(cur, at, by, f"{meeting_id}|{item_no}", "dropped", bool(row[0]), bool(dropped), reason)
            _touch(cur, meeting_id, by, at)
        return True

    def add_meeting_item(
        self,
        meeting_id: int,
        item: Mapping[str, object],
        *,
        by: str,
        position: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Add an item (at ``position``, else last); returns its item_no."""
        at = at or datetime.now()
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            top, count = cur.execute(
                "SELECT coalesce(max(item_no), 0), count(*) FROM meeting_items WHERE meeting_id = ?", [meeting_id]
            ).fetchone()
            item_no = int(top) + 1
            place = int(count) + 1 if position is None else min(max(int(position), 1), int(count) + 1)
            cur.execute(
                "UPDATE meeting_items SET position = position + 1 WHERE meeting_id = ? AND position >= ?",
                [meeting_id, place],
            )
            _insert_items(cur, meeting_id, [dict(item)], item_no, place)
            _log(cur, at, by, f"{meeting_id}|{item_no}", "title", None, item.get("title"), "item added")
            _touch(cur, meeting_id, by, at)
        return item_no

    def set_meeting_decision(
        self, meeting_id: int, item_no: int, decision: str, *, by: str, at: datetime | None = None
    ) -> bool:
        """Record (or replace; empty removes) the item's decision. False when unchanged."""
        at = at or datetime.now()
        text = decision or None
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            row = cur.execute(
                "SELECT decision FROM meeting_items WHERE meeting_id = ? AND item_no = ?", [meeting_id, item_no]
            ).fetchone()
            if row is None:
                raise StoreError(f"meeting {meeting_id} has no item {item_no}", key="agenda.no_item", item=item_no)
            if row[0] == text:
                return False
            cur.execute(
                """UPDATE meeting_items SET decision = ?, decided_by = ?, decided_at = ?
                   WHERE meeting_id = ? AND item_no = ?""",
                [text, by if text else None, at if text else None, meeting_id, item_no],
            )
            reason = (
                "decision recorded" if row[0] is None else ("decision removed" if text is None else "decision changed")
            )
            _log(cur, at, by, f"{meeting_id}|{item_no}", "decision", row[0], text, reason)
            _touch(cur, meeting_id, by, at)
        return True

    def link_meeting_action(
        self, meeting_id: int, item_no: int, action_id: int, how: str, *, by: str, at: datetime | None = None
    ) -> bool:
        """Note that the action was created or updated from the item. False when already noted."""
        if how not in LINK_KINDS:
            raise StoreError(f"unknown link {how!r}", key="agenda.bad_link", how=how)
        at = at or datetime.now()
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            if (
                cur.execute(
                    "SELECT 1 FROM meeting_items WHERE meeting_id = ? AND item_no = ?", [meeting_id, item_no]
                ).fetchone()
                is None
            ):
                raise StoreError(f"meeting {meeting_id} has no item {item_no}", key="agenda.no_item", item=item_no)
            if cur.execute("SELECT 1 FROM actions WHERE action_id = ?", [action_id]).fetchone() is None:
                raise StoreError(f"there is no action {action_id}", key="review.no_action", action=action_id)
            key = [meeting_id, item_no, action_id, how]
            if (
                cur.execute(
                    "SELECT 1 FROM meeting_actions WHERE meeting_id = ? AND item_no = ? AND action_id = ? AND how = ?",
                    key,
                ).fetchone()
                is not None
            ):
                return False
            cur.execute("INSERT INTO meeting_actions VALUES (?, ?, ?, ?, ?, ?)", [*key, by, at])
            _log(cur, at, by, f"{meeting_id}|{item_no}", "action", None, f"{how} #{action_id}", f"action {how}")
            _touch(cur, meeting_id, by, at)
        return True

    def finish_meeting(
        self,
        meeting_id: int,
        *,
        held_on: date,
        chair: str,
        attendees: str,
        by: str,
        at: datetime | None = None,
    ) -> None:
        """Close the meeting: its day, chair and attendees; it is held and
        its minutes are kept from now on."""
        at = at or datetime.now()
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            cur.execute(
                """UPDATE meetings SET status = 'held', held_on = ?, chair = ?, attendees = ?,
                          updated_by = ?, updated_at = ? WHERE meeting_id = ?""",
                [held_on, chair, attendees, by, at, meeting_id],
            )
            _log(cur, at, by, str(meeting_id), "status", "planned", "held", "meeting finished")
            for field, value in (("held_on", held_on), ("chair", chair), ("attendees", attendees)):
                _log(cur, at, by, str(meeting_id), field, None, value, "minutes recorded")

    def discard_meeting(self, meeting_id: int, *, by: str, at: datetime | None = None) -> None:
        """Delete a planned meeting and its agenda (never a held one: minutes stay)."""
        at = at or datetime.now()
        with self.transaction() as cur:
            _planned(cur, meeting_id)
            cur.execute("DELETE FROM meeting_actions WHERE meeting_id = ?", [meeting_id])
            cur.execute("DELETE FROM meeting_items WHERE meeting_id = ?", [meeting_id])
            cur.execute("DELETE FROM meetings WHERE meeting_id = ?", [meeting_id])
            _log(cur, at, by, str(meeting_id), "status", "planned", None, "planned meeting discarded")
