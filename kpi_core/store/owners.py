"""Store queries: KPI owners and the figures they enter (issue 13). SQL only.

**Owners.** A KPI of a unit is owned by an account: the one set in
``kpi_owners`` (by an admin or an analyst), else, for a person, the enabled
employee account whose unit is that person (the first by name if there are
several). Setting or clearing an owner appends a ``change_log`` row (entity
``owner``, entity_id ``UNIT|KPI``). Who may set whom is decided by
:mod:`kpi_core.owners`; the store only keeps it.

**Settings** of owners live in the ``settings`` table under ``owners.`` keys
(see :class:`kpi_core.owners.OwnerSettings`); each change is logged (entity
``settings``), as alert settings are.

**Entries.** With the company setting that asks for an analyst's approval, an
owner's figure waits in ``entries`` (status ``pending``); approving writes it
as an actual in its own batch (``uploaded_by`` the owner who entered it) in
the same transaction that marks it ``approved``, so the scores follow and
nothing is half done. A rejection keeps the figure out and says why. A new
figure for the same unit, KPI and month replaces a pending one (``superseded``).
Every decision appends a ``change_log`` row (entity ``entry``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime

import pandas as pd

from kpi_core.months import month_date
from kpi_core.store.base import StoreError
from kpi_core.store.periods import check_months_open

SETTINGS_PREFIX = "owners."
ENTRY_STATUSES = ("pending", "approved", "rejected", "superseded")
#: ``batches.file_name`` of a batch written from "My updates".
ENTRY_SOURCE = "my-updates"

# The owner of each assigned (unit, KPI, year): set, else the person's own
# enabled employee account. Parameters: years, unit_ids (or NULL), owner (or NULL).
_OWNED = """
    WITH a AS (
        SELECT unit_id, kpi_id, year FROM assignments
        WHERE list_contains(?::INTEGER[], year)
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id))),
    d AS (
        SELECT u.unit_id, min(u.name) AS name FROM users u JOIN units p ON p.unit_id = u.unit_id
        WHERE u.role = 'employee' AND NOT u.disabled AND p.kind = 'person'
        GROUP BY u.unit_id),
    owned AS (
        SELECT a.unit_id, a.kpi_id, a.year, coalesce(o.owner, d.name) AS owner,
               CASE WHEN o.owner IS NOT NULL THEN 'set' ELSE 'default' END AS source
        FROM a LEFT JOIN kpi_owners o ON o.unit_id = a.unit_id AND o.kpi_id = a.kpi_id
               LEFT JOIN d ON d.unit_id = a.unit_id
        WHERE coalesce(o.owner, d.name) IS NOT NULL AND (?::VARCHAR IS NULL OR coalesce(o.owner, d.name) = ?))
"""


def _owned_params(years: Iterable[int], unit_ids: list[str] | None, owner: str | None) -> list:
    return [sorted({int(y) for y in years}), unit_ids, unit_ids, owner, owner]


class OwnerQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ owners

    def kpi_owner_rows(self, unit_ids: list[str] | None = None) -> pd.DataFrame:
        """The owners set explicitly: unit_id, kpi_id, owner, set_by, set_at."""
        return (
            self.cursor()
            .execute(
                """SELECT unit_id, kpi_id, owner, set_by, set_at FROM kpi_owners
                   WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id)
                   ORDER BY unit_id, kpi_id""",
                [unit_ids, unit_ids],
            )
            .df()
        )

    def owned_kpis(
        self, years: Iterable[int], unit_ids: list[str] | None = None, owner: str | None = None
    ) -> pd.DataFrame:
        """Every owned assignment of ``years`` (of ``unit_ids``; of one ``owner``):
        unit_id, kpi_id, year, owner, owner_display, owner_role, owner_disabled,
        source (``set`` or ``default``)."""
        return (
            self.cursor()
            .execute(
                _OWNED
                + """SELECT o.unit_id, o.kpi_id, o.year, o.owner, coalesce(u.display, o.owner) AS owner_display,
                            u.role AS owner_role, coalesce(u.disabled, TRUE) AS owner_disabled, o.source
                     FROM owned o LEFT JOIN users u ON u.name = o.owner
                     ORDER BY o.unit_id, o.kpi_id, o.year""",
                _owned_params(years, unit_ids, owner),
            )
            .df()
        )

    def set_kpi_owner(
        self, unit_id: str, kpi_id: str, owner: str | None, *, by: str, at: datetime | None = None
    ) -> bool:
        """Make ``owner`` the owner of the unit's KPI (None: clear it, the
        default applies again), logged in the change log. False when nothing
        changed."""
        at = at or datetime.now()
        with self.transaction() as cur:
            row = cur.execute(
                "SELECT owner FROM kpi_owners WHERE unit_id = ? AND kpi_id = ?", [unit_id, kpi_id]
            ).fetchone()
            old = row[0] if row else None
            if old == owner:
                return False
            if owner is None:
                cur.execute("DELETE FROM kpi_owners WHERE unit_id = ? AND kpi_id = ?", [unit_id, kpi_id])
            else:
                cur.execute(
                    """INSERT OR REPLACE INTO kpi_owners (unit_id, kpi_id, owner, set_by, set_at)
                       VALUES (?, ?, ?, ?, ?)""",
                    [unit_id, kpi_id, owner, by, at],
                )
            _log(
                cur,
                at,
                by,
                "owner",
                f"{unit_id}|{kpi_id}",
                "owner",
                old,
                owner,
                "owner set" if owner else "owner cleared",
            )
        return True

    # ------------------------------------------------------------------ settings

    def owner_settings(self) -> dict[str, str]:
        """Every stored owners setting, key -> value (keys start with ``owners.``)."""
        rows = (
            self.cursor()
            .execute("SELECT key, value FROM settings WHERE starts_with(key, ?) ORDER BY key", [SETTINGS_PREFIX])
            .fetchall()
        )
        return {key: value for key, value in rows}

    def save_owner_settings(self, values: Mapping[str, str | None], *, by: str) -> int:
        """Write owners settings in one transaction (None deletes a key: the
        default applies); each change is logged. Returns how many changed."""
        bad = [key for key in values if not key.startswith(SETTINGS_PREFIX)]
        if bad:
            raise ValueError(f"not an owners setting: {', '.join(bad)}")
        at = datetime.now()
        changed = 0
        with self.transaction() as cur:
            for key, value in values.items():
                found = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
                old = found[0] if found else None
                new = None if value is None else str(value)
                if old == new:
                    continue
                if new is None:
                    cur.execute("DELETE FROM settings WHERE key = ?", [key])
                else:
                    cur.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, new])
                _log(cur, at, by, "settings", key, "value", old, new, "owners settings")
                changed += 1
        return changed

    # ------------------------------------------------------------------ what is owed

    def owned_without_actual(
        self, periods: list[str], *, unit_ids: list[str] | None = None, owner: str | None = None
    ) -> pd.DataFrame:
        """Every owned assignment with no actual in one of ``periods``
        ("YYYY-MM"): unit_id, kpi_id, period, owner, owner_display, source,
        frequency, target (None when there is none), closed (the month is
        closed), pending (an entered figure waits for approval)."""
        empty = pd.DataFrame(
            columns=[
                "unit_id",
                "kpi_id",
                "period",
                "owner",
                "owner_display",
                "source",
                "frequency",
                "target",
                "closed",
                "pending",
            ]
        )
        if not periods:
            return empty
        dates = [month_date(p) for p in periods]
        years = {int(p[:4]) for p in periods}
        frame = (
            self.cursor()
            .execute(
                _OWNED
                + """, m AS (SELECT unnest(?::DATE[]) AS period),
                     waiting AS (SELECT DISTINCT unit_id, kpi_id, period FROM entries WHERE status = 'pending')
                SELECT o.unit_id, o.kpi_id, strftime(m.period, '%Y-%m') AS period, o.owner,
                       coalesce(u.display, o.owner) AS owner_display, o.source, k.frequency, t.target,
                       c.period IS NOT NULL AS closed, w.unit_id IS NOT NULL AS pending
                FROM owned o
                JOIN m ON year(m.period) = o.year
                JOIN kpis k ON k.kpi_id = o.kpi_id
                LEFT JOIN users u ON u.name = o.owner
                LEFT JOIN actuals x ON x.unit_id = o.unit_id AND x.kpi_id = o.kpi_id AND x.period = m.period
                LEFT JOIN targets t ON t.unit_id = o.unit_id AND t.kpi_id = o.kpi_id AND t.period = m.period
                LEFT JOIN closed_periods c ON c.period = m.period
                LEFT JOIN waiting w ON w.unit_id = o.unit_id AND w.kpi_id = o.kpi_id AND w.period = m.period
                WHERE x.unit_id IS NULL
                ORDER BY m.period, o.unit_id, o.kpi_id""",
                [*_owned_params(years, unit_ids, owner), dates],
            )
            .df()
        )
        frame["target"] = frame["target"].astype(object).where(frame["target"].notna(), None)
        return frame

    # ------------------------------------------------------------------ entries

    def entries(
        self,
        *,
        status: str | None = None,
        unit_ids: list[str] | None = None,
        entered_by: str | None = None,
    ) -> pd.DataFrame:
        """Entered figures, newest first: entry_id, unit_id, kpi_id, period
        ("YYYY-MM"), value, entered_by, entered_at, status, decided_by,
        decided_at, note, batch_id."""
        return (
            self.cursor()
            .execute(
                """SELECT entry_id, unit_id, kpi_id, strftime(period, '%Y-%m') AS period, value, entered_by,
                          entered_at, status, decided_by, decided_at, note, batch_id
                   FROM entries
                   WHERE (?::VARCHAR IS NULL OR status = ?)
                     AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id))
                     AND (?::VARCHAR IS NULL OR entered_by = ?)
                   ORDER BY entry_id DESC""",
                [status, status, unit_ids, unit_ids, entered_by, entered_by],
            )
            .df()
        )

    def add_entries(self, frame: pd.DataFrame, *, entered_by: str, at: datetime | None = None) -> list[int]:
        """Keep validated figures (unit_id, kpi_id, period "YYYY-MM", actual)
        as pending entries; a pending entry of the same key is superseded. A
        closed month is refused (:class:`~kpi_core.store.PeriodClosedError`)
        and nothing is kept. Returns the new entry ids."""
        at = at or datetime.now()
        ids: list[int] = []
        with self.transaction() as cur:
            check_months_open(cur, frame["period"].unique())
            for row in frame.itertuples(index=False):
                key = [row.unit_id, row.kpi_id, month_date(row.period)]
                superseded = cur.execute(
                    """UPDATE entries SET status = 'superseded', decided_by = ?, decided_at = ?
                       WHERE unit_id = ? AND kpi_id = ? AND period = ?::DATE AND status = 'pending'
                       RETURNING entry_id""",
                    [entered_by, at, *key],
                ).fetchall()
                entry_id = int(cur.execute("SELECT nextval('entry_seq')").fetchone()[0])
                cur.execute(
                    """INSERT INTO entries (entry_id, unit_id, kpi_id, period, value, entered_by, entered_at, status)
                       VALUES (?, ?, ?, ?::DATE, ?, ?, ?, 'pending')""",
                    [entry_id, *key, float(row.actual), entered_by, at],
                )
                for (old_id,) in superseded:
                    _log(
                        cur,
                        at,
                        entered_by,
                        "entry",
                        str(old_id),
                        "status",
                        "pending",
                        "superseded",
                        f"entry {entry_id}",
                    )
                ids.append(entry_id)
        return ids

    def approve_entries(self, entry_ids: list[int], *, decided_by: str, at: datetime | None = None) -> list[int]:
        """Write pending entries as actuals and mark them approved, in one
        transaction: one batch per person who entered them (``uploaded_by``
        that person; the note names the approver). Refused (StoreError,
        nothing written) when one of them is no longer pending; a closed
        month or a KPI no longer assigned is refused by the batch write.
        Returns the batch ids written (none when every value was stored already)."""
        at = at or datetime.now()
        batches: list[int] = []
        with self.transaction() as cur:
            rows = _pending(cur, entry_ids)
            for entered_by, group in rows.groupby("entered_by", sort=True):
                frame = group[["unit_id", "kpi_id", "period", "value"]].rename(columns={"value": "actual"})
                ids = ", ".join(str(int(i)) for i in group["entry_id"])
                digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
                result = self._write_in(
                    cur,
                    "actuals",
                    frame.reset_index(drop=True),
                    file_name=ENTRY_SOURCE,
                    sha256=digest,
                    uploaded_by=str(entered_by),
                    note=f"entries {ids} approved by {decided_by}",
                )
                if result.batch_id is not None:
                    batches.append(int(result.batch_id))
                cur.execute(
                    """UPDATE entries SET status = 'approved', decided_by = ?, decided_at = ?, batch_id = ?
                       WHERE list_contains(?::INTEGER[], entry_id)""",
                    [decided_by, at, result.batch_id, [int(i) for i in group["entry_id"]]],
                )
            for entry_id in rows["entry_id"]:
                _log(cur, at, decided_by, "entry", str(int(entry_id)), "status", "pending", "approved", "approved")
        for batch_id in batches:
            self._check_committed(batch_id)
        return batches

    def reject_entries(self, entry_ids: list[int], *, decided_by: str, note: str, at: datetime | None = None) -> int:
        """Mark pending entries rejected with the reason (``note``); nothing
        is written as an actual. Refused when one is no longer pending."""
        note = (note or "").strip()
        if not note:
            raise ValueError("a rejection needs a reason")
        at = at or datetime.now()
        with self.transaction() as cur:
            rows = _pending(cur, entry_ids)
            cur.execute(
                """UPDATE entries SET status = 'rejected', decided_by = ?, decided_at = ?, note = ?
                   WHERE list_contains(?::INTEGER[], entry_id)""",
                [decided_by, at, note, [int(i) for i in rows["entry_id"]]],
            )
            for entry_id in rows["entry_id"]:
                _log(cur, at, decided_by, "entry", str(int(entry_id)), "status", "pending", "rejected", note)
        return len(rows)


def _pending(cur, entry_ids: list[int]) -> pd.DataFrame:
    """The entries asked for, all pending (else StoreError naming the first that is not)."""
    wanted = sorted({int(i) for i in entry_ids})
    rows = cur.execute(
        """SELECT entry_id, unit_id, kpi_id, strftime(period, '%Y-%m') AS period, value, entered_by, status,
                  decided_by
           FROM entries WHERE list_contains(?::INTEGER[], entry_id) ORDER BY entry_id""",
        [wanted],
    ).df()
    found = set(rows["entry_id"].astype(int))
    for entry_id in wanted:
        if entry_id not in found:
            raise StoreError(f"there is no entry {entry_id}; nothing was changed", key="store.no_entry", entry=entry_id)
    done = rows[rows["status"] != "pending"]
    if not done.empty:
        first = done.iloc[0]
        raise StoreError(
            f"entry {int(first['entry_id'])} is already {first['status']} (by {first['decided_by']}); "
            "nothing was changed",
            key=f"store.entry_{first['status']}",
            entry=int(first["entry_id"]),
            by=str(first["decided_by"]),
        )
    return rows


def _log(cur, at: datetime, by: str, entity: str, entity_id: str, field: str, old, new, reason: str) -> None:
    cur.execute(
        """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [at, by, entity, entity_id, field, old, new, reason],
    )
