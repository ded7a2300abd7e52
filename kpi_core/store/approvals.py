"""Store queries: locked baselines and change requests (issue 13). SQL only.

An admin locks a year's baseline (``baseline_locks``). From then on a change
of that year's targets, assignments (weights, roles) or of the rules of a KPI
assigned in it is not written: it is kept in ``change_requests`` with its
reason and a JSON ``payload`` holding exactly what would be applied (see
:data:`PAYLOADS`). Someone else with the approver flag approves or rejects it.

Approving applies the payload through the same write paths as a direct edit or
upload (:meth:`DesignQueries._apply_changes_in`, :meth:`DesignQueries._save_kpi_in`,
:meth:`WriteQueries._write_in`), inside the transaction that marks the request
approved: the rows, their change log or batch, the stored scores and the
request's new status commit together or not at all. So a closed month refuses
an approval as it refuses an edit, and the request stays pending.

A request is applied only to the figures it was made against: when a value it
changes was changed since (another request, an upload of actuals does not
count), approving it is refused (:class:`RequestError`, key
``approvals.stale``) and it stays pending, to be rejected and asked again.

The change log keeps the story: a row (entity ``request``, field ``status``)
when a request is made (by the requester, with the reason), one when it is
decided (by the approver, with the note), and the applied rows themselves
(by the requester, with the request's reason). Locking and unlocking a year
are logged too (entity ``baseline``).
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from types import SimpleNamespace

import numpy as np
import pandas as pd

from kpi_core.model import FILE_SPECS, field_changes
from kpi_core.store.base import StoreError
from kpi_core.store.writes import _diff

#: What a request changes, and the shape of its payload (JSON):
#:
#: * ``design``: a unit's assignments and targets of one year, as the design
#:   page plans them: ``{"unit_id", "year", "changes": [{"entity", "op",
#:   "unit_id", "kpi_id", "key", "field", "old", "new"}, ...]}``;
#: * ``kpi``: a KPI's dictionary entry: ``{"kpi_id", "kpi": {column: value},
#:   "changes": {field: [old, new]}}``;
#: * ``targets``, ``assignments``, ``kpis``: an uploaded file's rows that
#:   change something: ``{"kind", "file_name", "sha256", "rows": [{column:
#:   value}], "before": [{column: old value} or null (a new row)]}``.
PAYLOADS: tuple[str, ...] = ("design", "kpi", "targets", "assignments", "kpis")
UPLOAD_KINDS: tuple[str, ...] = ("targets", "assignments", "kpis")
STATUSES: tuple[str, ...] = ("pending", "approved", "rejected")

_REQUEST_COLUMNS = (
    "request_id",
    "year",
    "unit_id",
    "kind",
    "payload",
    "reason",
    "requested_by",
    "requested_at",
    "status",
    "decided_by",
    "decided_at",
    "decision_note",
    "batch_id",
)


class RequestError(StoreError):
    """A request that cannot be made or decided as asked (none such, decided
    already, one's own, not an approver, changed since); nothing was stored."""


def jsonable(value: object) -> object:
    """A cell as JSON keeps it: None for NaN/NA, Python numbers for numpy ones.

    >>> jsonable(float("nan")), jsonable(np.float64(2.5)), jsonable(np.int64(3))
    (None, 2.5, 3)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return jsonable(value.item())
    return value


def _row_of(record: dict) -> dict:
    return {k: jsonable(v) for k, v in record.items()}


def upload_rows(cur, kind: str, frame: pd.DataFrame) -> tuple[list[dict], list[dict | None]]:
    """The rows of a validated ``frame`` that would change something (new or
    changed), and what each replaces (None: a new row): compared with what is
    stored now. Making a request and approving it both ask this, so an
    approval sees at once whether the figures moved since the request."""
    spec = FILE_SPECS[kind]
    changes = _diff(cur, kind, frame)
    moved = changes[changes["change"] != "unchanged"]
    values = [c for c in spec.columns if c not in spec.key]
    rows = [_row_of(r) for r in moved[list(spec.columns)].to_dict("records")]
    for row in rows:
        if "period" in row and not isinstance(row["period"], str):
            row["period"] = f"{row['period']:%Y-%m}"
    before = [
        None if change == "new" else {c: jsonable(old[f"old_{c}"]) for c in values}
        for change, old in zip(moved["change"], moved.to_dict("records"), strict=True)
    ]
    return rows, before


def _frame(kind: str, rows: list[dict]) -> pd.DataFrame:
    """A payload's rows as the validated frame of that kind."""
    spec = FILE_SPECS[kind]
    frame = pd.DataFrame(rows, columns=list(spec.columns))
    for column in spec.numeric:
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    if "year" in frame:
        frame["year"] = frame["year"].astype("int64")
    return frame


class ApprovalQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ baselines

    def baseline_locks(self) -> pd.DataFrame:
        """The locked years, oldest first: year, locked_by, locked_at, note."""
        return self.cursor().execute("SELECT year, locked_by, locked_at, note FROM baseline_locks ORDER BY year").df()

    def locked_years(self) -> set[int]:
        return {int(r[0]) for r in self.cursor().execute("SELECT year FROM baseline_locks").fetchall()}

    def lock_baseline(self, year: int, *, locked_by: str, note: str | None = None) -> None:
        """Lock ``year``'s baseline (logged). A year locked already is refused
        with who locked it."""
        year, locked_by, note = int(year), _who(locked_by), (note or "").strip() or None
        now = datetime.now()
        with self.transaction() as cur:
            found = _one(cur, "SELECT locked_by, locked_at FROM baseline_locks WHERE year = ?", [year])
            if found is not None:
                raise RequestError(
                    f"{year} is locked already (by {found[0]} on {found[1]:%Y-%m-%d}); nothing was changed",
                    key="approvals.already_locked",
                    year=year,
                    by=found[0],
                    on=f"{found[1]:%Y-%m-%d}",
                )
            cur.execute("INSERT INTO baseline_locks VALUES (?, ?, ?, ?)", [year, locked_by, now, note])
            _log(cur, now, locked_by, "baseline", str(year), "locked", "false", "true", note or "")

    def unlock_baseline(self, year: int, *, unlocked_by: str, note: str | None = None) -> None:
        """Unlock ``year`` (logged): changes apply directly again. Pending
        requests stay pending."""
        year, unlocked_by, note = int(year), _who(unlocked_by), (note or "").strip() or None
        now = datetime.now()
        with self.transaction() as cur:
            removed = _one(cur, "DELETE FROM baseline_locks WHERE year = ?", [year])[0]
            if not removed:
                raise RequestError(f"{year} is not locked; nothing was changed", key="approvals.not_locked", year=year)
            _log(cur, now, unlocked_by, "baseline", str(year), "locked", "true", "false", note or "")

    # ------------------------------------------------------------------ requests

    def upload_rows(self, kind: str, frame: pd.DataFrame) -> tuple[list[dict], list[dict | None]]:
        """:func:`upload_rows` on the stored figures of now."""
        cur = self.cursor()
        try:
            return upload_rows(cur, kind, frame)
        finally:
            cur.close()

    def add_request(
        self, *, year: int, unit_id: str | None, kind: str, payload: dict, reason: str, requested_by: str
    ) -> int:
        """Keep a change as a pending request (logged); its id."""
        if kind not in PAYLOADS:
            raise ValueError(f"unknown kind of request {kind!r}")
        reason, requested_by = (reason or "").strip(), _who(requested_by)
        if not reason:
            raise RequestError("a change of a locked year needs a reason", key="approvals.reason_needed")
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
        now = datetime.now()
        with self.transaction() as cur:
            request_id = int(_one(cur, "SELECT nextval('request_seq')")[0])
            cur.execute(
                """INSERT INTO change_requests (request_id, year, unit_id, kind, payload, reason, requested_by,
                       requested_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')""",
                [request_id, int(year), unit_id, kind, text, reason, requested_by, now],
            )
            _log(cur, now, requested_by, "request", str(request_id), "status", None, "pending", reason)
        if self.change_request(request_id) is None:
            raise StoreError("the request was not committed; the store is unchanged", key="store.not_committed")
        return request_id

    def change_requests(self, status: str | None = None) -> pd.DataFrame:
        """Requests (of one status), newest first, with the columns of the table."""
        return (
            self.cursor()
            .execute(
                "SELECT " + ", ".join(_REQUEST_COLUMNS) + " FROM change_requests"
                " WHERE ?::VARCHAR IS NULL OR status = ? ORDER BY request_id DESC",
                [status, status],
            )
            .df()
        )

    def change_request(self, request_id: int) -> dict | None:
        return _request(self.cursor(), request_id)

    def request_log(self, *, unit_id: str | None = None, kpi_id: str | None = None) -> pd.DataFrame:
        """The change log's rows about requests (made, approved, rejected) of
        one unit (its design and one-unit uploads) or one KPI (its dictionary
        entry), in the columns of ``change_log``, newest first."""
        return (
            self.cursor()
            .execute(
                """SELECT l.changed_at, l.changed_by, l.entity, l.entity_id, l.field, l.old_value, l.new_value,
                          l.reason
                   FROM change_log l JOIN change_requests r ON l.entity = 'request'
                        AND l.entity_id = CAST(r.request_id AS VARCHAR)
                   WHERE (?::VARCHAR IS NULL OR r.unit_id = ?)
                     AND (?::VARCHAR IS NULL OR (r.kind = 'kpi' AND json_extract_string(r.payload, '$.kpi_id') = ?))
                   ORDER BY l.changed_at DESC""",
                [unit_id, unit_id, kpi_id, kpi_id],
            )
            .df()
        )

    def approve_request(self, request_id: int, *, decided_by: str, note: str | None = None) -> dict:
        """Apply a pending request and mark it approved, in one transaction;
        the request as it now is. Refused (:class:`RequestError`, or the write
        path's own refusal such as a closed month) with nothing changed and the
        request still pending."""
        return self.retrying_once(lambda: self._decide(int(request_id), True, _who(decided_by), note))

    def reject_request(self, request_id: int, *, decided_by: str, note: str) -> dict:
        """Mark a pending request rejected (a note saying why is required); nothing else changes."""
        if not (note or "").strip():
            raise RequestError("rejecting a request needs a note saying why", key="approvals.note_needed")
        return self.retrying_once(lambda: self._decide(int(request_id), False, _who(decided_by), note))

    def _decide(self, request_id: int, approve: bool, decided_by: str, note: str | None) -> dict:
        note = (note or "").strip() or None
        status = "approved" if approve else "rejected"
        now = datetime.now()
        with self.transaction() as cur:
            request = _request(cur, request_id)
            _check_decidable(cur, request, request_id, decided_by)
            batch_id = self._apply(cur, request, decided_by, now) if approve else None
            cur.execute(
                """UPDATE change_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?,
                       batch_id = ? WHERE request_id = ? AND status = 'pending'""",
                [status, decided_by, now, note, batch_id, request_id],
            )
            _log(cur, now, decided_by, "request", str(request_id), "status", "pending", status, note or "")
        decided = self.change_request(request_id)
        if decided is None or decided["status"] != status:
            raise StoreError("the decision was not committed; the store is unchanged", key="store.not_committed")
        return decided

    def _apply(self, cur, request: dict, decided_by: str, now: datetime) -> int | None:
        """Write what ``request`` asks for, as its requester, on ``cur``; the batch id of an upload."""
        payload = json.loads(request["payload"])
        kind, by, reason = request["kind"], request["requested_by"], request["reason"]
        if kind == "design":
            changes = [SimpleNamespace(**c) for c in payload["changes"]]
            _check_design_current(cur, request, changes)
            self._apply_changes_in(cur, changes, by, reason, now)
            return None
        if kind == "kpi":
            _check_kpi_current(self._kpi_row(cur, payload["kpi_id"]), request, payload)
            self._save_kpi_in(cur, payload["kpi"], by, reason, now)
            return None
        frame = _frame(kind, payload["rows"])
        rows, before = upload_rows(cur, kind, frame)
        if rows != payload["rows"] or before != payload["before"]:
            raise _stale(request)
        result = self._write_in(
            cur,
            kind,
            frame,
            file_name=payload["file_name"],
            sha256=payload["sha256"],
            uploaded_by=by,
            note=f"request #{request['request_id']} approved by {decided_by}",
        )
        return result.batch_id


def _one(cur, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, its result read to the end: inside a
    transaction DuckDB refuses the next statement while a result is unread."""
    rows = cur.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def _who(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValueError("the name of who does this is required")
    return name


def _request(cur, request_id: int) -> dict | None:
    row = _one(
        cur, "SELECT " + ", ".join(_REQUEST_COLUMNS) + " FROM change_requests WHERE request_id = ?", [int(request_id)]
    )
    return None if row is None else dict(zip(_REQUEST_COLUMNS, row, strict=True))


def _check_decidable(cur, request: dict | None, request_id: int, decided_by: str) -> None:
    """A pending request, decided by an enabled approver who did not ask for it."""
    if request is None:
        raise RequestError(f"there is no request {request_id}", key="approvals.no_request", request=request_id)
    if request["status"] != "pending":
        raise RequestError(
            f"request {request_id} was {request['status']} already by {request['decided_by']}",
            key=f"approvals.already_{request['status']}",
            request=request_id,
            by=request["decided_by"],
        )
    if request["requested_by"] == decided_by:
        raise RequestError(
            f"{decided_by} asked for request {request_id}: someone else decides it",
            key="approvals.own_request",
            request=request_id,
            name=decided_by,
        )
    found = _one(cur, "SELECT approver AND NOT disabled FROM users WHERE name = ?", [decided_by])
    if found is None or not found[0]:
        raise RequestError(
            f"{decided_by} may not approve or reject requests", key="approvals.not_approver", name=decided_by
        )


def _stale(request: dict) -> RequestError:
    return RequestError(
        f"request {request['request_id']}: what it changes was changed since it was made; reject it and make it again",
        key="approvals.stale",
        request=request["request_id"],
    )


def _check_design_current(cur, request: dict, changes: list) -> None:
    """Every assignment and target the request changes still holds the value it was made against."""
    for c in changes:
        if c.entity == "target":
            row = _one(
                cur,
                "SELECT target FROM targets WHERE unit_id = ? AND kpi_id = ? AND period = ?::DATE",
                [c.unit_id, c.kpi_id, f"{c.key}-01"],
            )
            now = None if row is None else float(row[0])
        else:
            row = _one(
                cur,
                "SELECT weight, role FROM assignments WHERE unit_id = ? AND kpi_id = ? AND year = ?",
                [c.unit_id, c.kpi_id, int(c.key)],
            )
            if row is None:
                now = None
            elif c.field == "assignment":
                now = f"{row[1]} {float(row[0]):g}%"
            else:
                now = float(row[0]) if c.field == "weight" else row[1]
        if now != c.old:
            raise _stale(request)


def _check_kpi_current(stored: dict | None, request: dict, payload: dict) -> None:
    """Every field the request changes still holds the value it was made against."""
    fields = list(payload["changes"])
    was = {f: payload["changes"][f][0] for f in fields}
    if stored is None or field_changes(stored, was, fields):
        raise _stale(request)


def _log(cur, at: datetime, by: str, entity: str, entity_id: str, field: str, old, new, reason: str) -> None:
    cur.execute(
        """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [at, by, entity, entity_id, field, old, new, reason],
    )
