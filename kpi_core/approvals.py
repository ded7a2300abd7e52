"""Approvals of mid-year changes, and who may write what (issue 13).

The write paths of the upload, KPI dictionary and scorecard design pages (and
the CLI) go through this module, which decides, before anything is written:

* **May this account do it?** (:mod:`kpi_core.access`): an upload needs
  ``upload`` and every row's unit within the scope (a KPI file, which is
  company-wide, needs ``edit_dictionary``); a rollback needs ``rollback`` on
  every unit the batch wrote; a design edit ``edit_design`` on the unit; a
  dictionary edit or a validity answer ``edit_dictionary``. Refused:
  :class:`kpi_core.access.NotPermitted`, nothing written.
* **Is the year's baseline locked?** An admin locks a year (targets, weights
  and roles, KPI rules of the year). A change to a locked year is then kept
  as a request with its reason (:meth:`Store.add_request`) instead of being
  written; before the lock it is written at once, as always. An approver
  who did not ask for it approves (the store applies it through the same
  write paths, in one transaction with the approval) or rejects it.

What counts as touching a locked year: a design edit of that year; an
uploaded target of one of its months or an assignment of it that changes
something; a change of how a KPI scores (its rule fields, as for closed
months) when the KPI is assigned in that year. Names and definitions of KPIs,
units and actuals are never part of the baseline.

A batch that wrote a locked year's baseline cannot be rolled back (that would
change the baseline unapproved): the change is asked for as a request.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from kpi_core import access, design, ingest
from kpi_core.model import ADMIN_KINDS, FILE_SPECS, PAY_KINDS
from kpi_core.org import Org
from kpi_core.store import BatchResult, Store
from kpi_core.store.approvals import UPLOAD_KINDS, RequestError, jsonable
from kpi_core.store.periods import rule_changed

#: How many unit ids a refusal names before "and N more".
NAMED_UNITS = 8


@dataclass(frozen=True)
class Submitted:
    """What became of a change: written, or kept as a request."""

    applied: bool
    """True: written now; False: kept as request ``request_id`` (the year is locked)."""
    request_id: int | None = None
    year: int | None = None
    """The locked year that made it a request."""
    written: int = 0
    """Design and dictionary edits: the fields written (0: nothing changed)."""
    batch: BatchResult | None = None
    """Uploads: the batch written."""


# --------------------------------------------------------------------------- permissions


def _refuse(action: str, unit: str = "") -> access.NotPermitted:
    return access.NotPermitted(f"not permitted: {action} {unit}".strip(), key=f"approvals.may_not.{action}", unit=unit)


def check(viewer: access.Viewer | None, action: str, scope: access.Scope | None = None, unit_id: str | None = None):
    """Raise :class:`access.NotPermitted` unless ``viewer`` may do ``action``
    (on ``unit_id``); ``viewer`` None is the CLI's local operator (everything)."""
    if not access.permits(viewer, action, scope, unit_id):
        raise _refuse(action, unit_id or "")


def _named(units: Iterable[str]) -> str:
    units = sorted(set(units))
    shown = ", ".join(units[:NAMED_UNITS])
    return shown + (f" (+{len(units) - NAMED_UNITS})" if len(units) > NAMED_UNITS else "")


def upload_refusal(
    validated: ingest.Validated, viewer: access.Viewer | None, scope: access.Scope | None, org: Org
) -> access.NotPermitted | None:
    """Why ``viewer`` may not store this file (None: they may). A KPI file is
    the company's dictionary (``edit_dictionary``); any other needs
    ``upload`` and every row's unit in the scope, a new unit's parent in it.
    The whole file is refused, naming the units outside (ids only: the name
    of a unit outside the scope is not shown)."""
    if viewer is None:
        return None
    if validated.kind == "kpis":
        return None if access.permits(viewer, "edit_dictionary") else _refuse("edit_dictionary")
    if validated.kind in PAY_KINDS:  # pay data (issue 17): admins only, whatever the scope
        return None if access.permits(viewer, "see_pay") else _refuse("see_pay")
    if validated.kind in ADMIN_KINDS:  # 360 set-up, people's attributes (issue 18): HR only, whatever the scope
        action = ADMIN_KINDS[validated.kind]
        return None if access.permits(viewer, action) else _refuse(action)
    if not access.permits(viewer, "upload"):
        return _refuse("upload")
    frame = validated.frame
    if frame.empty or "unit_id" not in frame:
        return None
    own = frame["unit_id"].astype(str)
    if validated.kind == "units":
        # a new unit is judged by where it is put
        own = own.where(own.isin(org.units.index), frame["parent_id"].fillna("").astype(str))
    outside = sorted({u for u in own if not access.permits(viewer, "upload", scope, u)})
    if not outside:
        return None
    return access.NotPermitted(
        f"not permitted: rows for {_named(outside)} are outside the scope",
        key="approvals.upload_outside",
        units=_named(outside),
        count=len(outside),
        unit=outside[0],
    )


def rollback_refusal(
    store: Store, batch_id: int, viewer: access.Viewer | None, scope: access.Scope | None
) -> access.NotPermitted | None:
    """Why ``viewer`` may not roll back batch ``batch_id`` (None: they may):
    ``rollback`` on every unit the batch wrote; a KPI file's batch is the
    dictionary's (``edit_dictionary``)."""
    if viewer is None:
        return None
    if not access.permits(viewer, "rollback"):
        return _refuse("rollback")
    if not access.permits(viewer, "see_pay") and _batch_kind(store, batch_id) in PAY_KINDS:
        return _refuse("see_pay")  # a pay batch (issue 17): admins only
    action = ADMIN_KINDS.get(_batch_kind(store, batch_id) or "")
    if action is not None:  # 360 set-up, people's attributes (issue 18): HR only, whatever the scope
        return None if access.permits(viewer, action) else _refuse(action)
    changes = store.batch_changes(batch_id)
    units = [u for u in changes["unit_id"].dropna().astype(str).unique()]
    if not units and not changes.empty:  # KPI rows carry no unit
        return None if access.permits(viewer, "edit_dictionary") else _refuse("edit_dictionary")
    outside = sorted(u for u in units if not access.permits(viewer, "rollback", scope, u))
    if not outside:
        return None
    return access.NotPermitted(
        f"not permitted: batch {batch_id} wrote {_named(outside)}, outside the scope",
        key="approvals.rollback_outside",
        batch=batch_id,
        units=_named(outside),
        unit=outside[0],
    )


def _batch_kind(store: Store, batch_id: int) -> str | None:
    history = store.upload_history()
    kind = history.loc[history["batch_id"] == batch_id, "kind"]
    return None if kind.empty else str(kind.iloc[0])


def may_lock(viewer: access.Viewer | None) -> bool:
    """Locking a year's baseline is an admin's (the CLI's local operator may too)."""
    return viewer is None or viewer.role == "admin"


# --------------------------------------------------------------------------- closed months


def close_period(store: Store, period: str, *, viewer: access.Viewer | None, by: str, note: str | None = None) -> None:
    """Close a reviewed month (an admin's; the CLI's local operator may too):
    from then on every write touching it is refused (kpi_core.store.periods)."""
    check(viewer, "close_periods")
    store.close_period(period, closed_by=by, note=note)


def reopen_period(store: Store, period: str, *, viewer: access.Viewer | None, by: str, reason: str) -> None:
    """Reopen a closed month, with a reason kept in the change log (an admin's)."""
    check(viewer, "close_periods")
    store.reopen_period(period, reopened_by=by, reason=reason)


# --------------------------------------------------------------------------- locks


def lock_of(store: Store, years: Iterable[int]) -> dict | None:
    """The lock (year, locked_by, locked_at, note) of the first locked year of ``years``, or None."""
    wanted = {int(y) for y in years}
    if not wanted:
        return None
    locks = store.baseline_locks()
    hit = locks[locks["year"].isin(wanted)]
    return None if hit.empty else hit.iloc[0].to_dict()


def lock(store: Store, year: int, *, viewer: access.Viewer | None, by: str, note: str | None = None) -> None:
    if not may_lock(viewer):
        raise _refuse("lock_baseline")
    store.lock_baseline(year, locked_by=by, note=note)


def unlock(store: Store, year: int, *, viewer: access.Viewer | None, by: str, note: str | None = None) -> None:
    if not may_lock(viewer):
        raise _refuse("lock_baseline")
    store.unlock_baseline(year, unlocked_by=by, note=note)


def kpi_years(store: Store, kpi_ids: Iterable[str]) -> set[int]:
    """The years in which any of ``kpi_ids`` is assigned to some unit."""
    assigned = store.assignments()
    return {int(y) for y in assigned.loc[assigned["kpi_id"].isin(set(kpi_ids)), "year"]}


def kpi_lock(store: Store, current: Mapping | None, edited: Mapping) -> dict | None:
    """The lock an edit of a KPI meets: only a change of how it scores, of a
    KPI assigned in a locked year."""
    if current is None or not rule_changed(current, edited):
        return None
    return lock_of(store, kpi_years(store, [str(edited["kpi_id"])]) & store.locked_years())


def _upload_years(store: Store, kind: str, rows: list[dict], before: list[dict | None]) -> set[int]:
    if kind == "targets":
        return {int(r["period"][:4]) for r in rows}
    if kind == "assignments":
        return {int(r["year"]) for r in rows}
    ruled = [r["kpi_id"] for r, old in zip(rows, before, strict=True) if old is not None and rule_changed(old, r)]
    return kpi_years(store, ruled)


def upload_lock(store: Store, validated: ingest.Validated) -> dict | None:
    """The lock an upload meets: a row of the baseline (targets, assignments,
    KPI rules) that changes something in a locked year."""
    if validated.kind not in UPLOAD_KINDS or not validated.ok or validated.frame.empty:
        return None
    locked = store.locked_years()
    if not locked:
        return None
    rows, before = store.upload_rows(validated.kind, validated.frame)
    return lock_of(store, _upload_years(store, validated.kind, rows, before) & locked)


# --------------------------------------------------------------------------- writes


def save_design(
    store: Store,
    unit_id: str,
    year: int,
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    by: str,
    reason: str,
    viewer: access.Viewer | None = None,
    scope: access.Scope | None = None,
) -> tuple[list[ingest.Problem], Submitted]:
    """The design page's save: permission, validation, then written at once
    (:func:`kpi_core.design.save_design`) or, for a locked year, kept as a
    request. With problems nothing is written."""
    check(viewer, "edit_design", scope, unit_id)
    lock = lock_of(store, [year])
    if lock is None:
        problems, written = design.save_design(store, unit_id, year, before, after, changed_by=by, reason=reason)
        return problems, Submitted(applied=not problems, written=written)
    if not (reason or "").strip():
        return [ingest.Problem(design.EDIT_FILE, None, "reason", "", "a reason is required to save a change")], (
            Submitted(applied=False)
        )
    problems = design.validate_design(unit_id, year, after, store)
    changes = design.plan_changes(unit_id, year, before, after)
    if problems or not changes:
        return problems, Submitted(applied=not problems)
    payload = {"unit_id": unit_id, "year": int(year), "changes": [_jsonable(asdict(c)) for c in changes]}
    request_id = store.add_request(
        year=year, unit_id=unit_id, kind="design", payload=payload, reason=reason, requested_by=by
    )
    return [], Submitted(applied=False, request_id=request_id, year=int(year))


def save_kpi(
    store: Store, kpi: Mapping[str, object], *, by: str, reason: str, viewer: access.Viewer | None = None
) -> tuple[list[ingest.Problem], Submitted]:
    """The dictionary's save: permission, validation, then written at once or,
    for a rule change of a KPI assigned in a locked year, kept as a request."""
    check(viewer, "edit_dictionary")
    validated = design.validate_kpi(kpi, store)
    if not validated.ok:
        return validated.errors, Submitted(applied=False)
    row = {k: jsonable(v) for k, v in validated.frame.iloc[0].to_dict().items()}
    current = store.kpi(str(row["kpi_id"]))
    lock = kpi_lock(store, current, row)
    if lock is None:
        return [], Submitted(applied=True, written=store.save_kpi(row, changed_by=by, reason=reason))
    changes = {f: [jsonable(o), jsonable(n)] for f, (o, n) in design.kpi_changes(current, row).items()}
    payload = {"kpi_id": row["kpi_id"], "kpi": row, "changes": changes}
    request_id = store.add_request(
        year=int(lock["year"]), unit_id=None, kind="kpi", payload=payload, reason=reason, requested_by=by
    )
    return [], Submitted(applied=False, request_id=request_id, year=int(lock["year"]))


def save_validity(
    store: Store,
    kpi_id: str,
    answers: Mapping[str, tuple[bool, str | None]],
    *,
    by: str,
    viewer: access.Viewer | None = None,
) -> int:
    """Record a KPI's validity test (``edit_dictionary``)."""
    check(viewer, "edit_dictionary")
    return store.save_validity(kpi_id, answers, answered_by=by)


def upload(
    store: Store,
    validated: ingest.Validated,
    *,
    by: str,
    reason: str = "",
    viewer: access.Viewer | None = None,
    scope: access.Scope | None = None,
    org: Org | None = None,
) -> Submitted:
    """Store a validated file: permission and scope first, then one batch or,
    for a file that changes a locked year's baseline, a request (the reason
    is then required: :class:`RequestError` ``approvals.reason_needed``)."""
    refusal = upload_refusal(validated, viewer, scope, org or Org.from_frame(store.units()))
    if refusal is not None:
        raise refusal
    lock = upload_lock(store, validated)
    if lock is None:
        return Submitted(applied=True, batch=ingest.commit(store, validated, uploaded_by=by))
    if not (reason or "").strip():
        raise RequestError("the file changes the locked baseline: a reason is required", key="approvals.reason_needed")
    rows, before = store.upload_rows(validated.kind, validated.frame)
    payload = {
        "kind": validated.kind,
        "file_name": validated.file_name,
        "sha256": validated.sha256,
        "rows": rows,
        "before": before,
    }
    units = {r["unit_id"] for r in rows if r.get("unit_id")}
    request_id = store.add_request(
        year=int(lock["year"]),
        unit_id=next(iter(units)) if len(units) == 1 else None,
        kind=validated.kind,
        payload=payload,
        reason=reason,
        requested_by=by,
    )
    return Submitted(applied=False, request_id=request_id, year=int(lock["year"]))


def rollback(
    store: Store,
    batch_id: int,
    *,
    by: str,
    viewer: access.Viewer | None = None,
    scope: access.Scope | None = None,
) -> BatchResult:
    """Roll a batch back as ``by``: permission on every unit it wrote, and
    refused when it wrote a locked year's baseline (:class:`RequestError`
    ``approvals.rollback_locked``)."""
    refusal = rollback_refusal(store, batch_id, viewer, scope)
    if refusal is not None:
        raise refusal
    lock = _rollback_lock(store, batch_id)
    if lock is not None:
        raise RequestError(
            f"batch {batch_id} changed the locked baseline of {lock['year']}; ask for the change as a request",
            key="approvals.rollback_locked",
            batch=batch_id,
            year=int(lock["year"]),
            by=lock["locked_by"],
        )
    return store.rollback_batch(batch_id, uploaded_by=by)


def _rollback_lock(store: Store, batch_id: int) -> dict | None:
    locked = store.locked_years()
    history = store.upload_history()
    kind = history.loc[history["batch_id"] == batch_id, "kind"]
    if not locked or kind.empty or kind.iloc[0] not in UPLOAD_KINDS:
        return None
    changes = store.batch_changes(batch_id)
    if kind.iloc[0] == "targets":
        years = {int(p[:4]) for p in changes["period"].dropna()}
    elif kind.iloc[0] == "assignments":
        years = {int(k.rsplit("|", 1)[-1]) for k in changes["row_key"]}
    else:
        undone = [
            key
            for key, now, was in zip(changes["row_key"], changes["new_row"], changes["old_row"], strict=True)
            if isinstance(was, str) and rule_changed(_json_row(was), _json_row(now))
        ]
        years = kpi_years(store, undone)
    return lock_of(store, years & locked)


# --------------------------------------------------------------------------- deciding


def request_units(request: Mapping) -> list[str]:
    """The units a request changes (none: a KPI of the company's dictionary)."""
    payload = _payload(request)
    if request["kind"] == "design":
        return [payload["unit_id"]]
    if request["kind"] in ("targets", "assignments"):
        return sorted({r["unit_id"] for r in payload["rows"]})
    return []


def visible(request: Mapping, scope: access.Scope | None) -> bool:
    """Whether a reader of ``scope`` may see the request: every unit it
    changes is one whose scorecard they may read."""
    return scope is None or all(scope.allows(u) for u in request_units(request))


def decide(
    store: Store,
    request_id: int,
    *,
    approve: bool,
    viewer: access.Viewer,
    note: str | None = None,
    scope: access.Scope | None = None,
) -> dict:
    """Approve (apply) or reject request ``request_id`` as ``viewer``: an
    approver, not the requester, who may act on every unit it changes (their
    own subtree, as for any write)."""
    request = store.change_request(request_id)
    if request is None:
        raise RequestError(f"there is no request {request_id}", key="approvals.no_request", request=request_id)
    if not viewer.approver:
        raise access.NotPermitted("not an approver", key="approvals.not_approver", name=viewer.name)
    if viewer.name == request["requested_by"]:
        raise access.NotPermitted(
            "one's own request", key="approvals.own_request", request=request_id, name=viewer.name
        )
    if scope is None:  # never "no check": the approver's own scope
        scope = access.Scope.of(viewer, Org.from_frame(store.units()))
    outside = [u for u in request_units(request) if not scope.may_act(u)]
    if outside:
        raise access.NotPermitted(f"not permitted: {outside[0]} is outside the scope", unit=outside[0])
    if approve:
        return store.approve_request(request_id, decided_by=viewer.name, note=note)
    return store.reject_request(request_id, decided_by=viewer.name, note=note or "")


def may_decide(request: Mapping, viewer: access.Viewer | None, scope: access.Scope | None = None) -> bool:
    """Whether ``viewer`` may approve or reject ``request`` (pending, theirs to decide)."""
    return (
        viewer is not None
        and viewer.approver
        and request["status"] == "pending"
        and viewer.name != request["requested_by"]
        and (scope is None or all(scope.may_act(u) for u in request_units(request)))
    )


# --------------------------------------------------------------------------- in words


def _json_row(text: str) -> dict:
    # rows written before "<NA>" was fixed in the store's writes
    return {k: (None if v == "<NA>" else v) for k, v in json.loads(text).items()}


def _payload(request: Mapping) -> dict:
    return json.loads(request["payload"]) if isinstance(request["payload"], str) else request["payload"]


def number(value: object) -> str | None:
    """A figure of a request as shown: thousands separated, at most four decimals.

    >>> number(1250000.0), number(0.955), number(None)
    ('1,250,000', '0.955', None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.4f}".rstrip("0").rstrip(".")


def change_rows(request: Mapping) -> pd.DataFrame:
    """What a request changes, one row per value, in the change log's shape
    (entity, entity_id, field, old_value, new_value), so the change log's
    words (:func:`kpi_core.design.change_log_view`) say it."""
    payload = _payload(request)
    kind = request["kind"]
    rows: list[tuple] = []
    if kind == "design":
        for c in payload["changes"]:
            item = f"{c['unit_id']}|{c['kpi_id']}|{c['key']}"
            rows.append((c["entity"], item, c["field"], number(c["old"]), number(c["new"])))
    elif kind == "kpi":
        for field, (old, new) in payload["changes"].items():
            rows.append(("kpi", payload["kpi_id"], field, number(old), number(new)))
    else:
        spec = FILE_SPECS[kind]
        values = [c for c in spec.columns if c not in spec.key]
        for row, was in zip(payload["rows"], payload["before"], strict=True):
            entity, item = _upload_item(kind, row)
            for field in values:
                old = None if was is None else was.get(field)
                if was is None or jsonable(old) != jsonable(row.get(field)):
                    rows.append((entity, item, field, number(old), number(row.get(field))))
    return pd.DataFrame(rows, columns=["entity", "entity_id", "field", "old_value", "new_value"])


def _upload_item(kind: str, row: Mapping) -> tuple[str, str]:
    if kind == "targets":
        return "target", f"{row['unit_id']}|{row['kpi_id']}|{row['period']}"
    if kind == "assignments":
        return "assignment", f"{row['unit_id']}|{row['kpi_id']}|{row['year']}"
    return "kpi", str(row["kpi_id"])


def describe(request: Mapping, lang: str, unit_names: Mapping[str, str], kpi_names: Mapping[str, str]) -> pd.DataFrame:
    """What a request changes in words: item, field, old, new (``lang``)."""
    rows = change_rows(request)
    log = rows.assign(changed_at=None, changed_by="", reason="")
    view = design.change_log_view(log, lang, unit_names, kpi_names)
    return view[["item", "field", "old", "new"]]


def summary(
    request: Mapping, lang: str, unit_names: Mapping[str, str], kpi_names: Mapping[str, str], limit: int = 3
) -> str:
    """The request's changes in one line: "Revenue · 2026 Weight: 40 → 30; ..."
    (the first few; a request of one unit without its name, shown beside it)."""
    shown = describe(request, lang, unit_names, kpi_names)
    units = request_units(request)
    prefix = f"{unit_names.get(units[0], units[0])} · " if len(units) == 1 else ""  # the unit has its own column
    items = [r.item[len(prefix) :] if prefix and r.item.startswith(prefix) else r.item for r in shown.itertuples()]
    parts = [f"{item} {r.field}: {r.old} → {r.new}" for item, r in zip(items, shown.itertuples(), strict=True)]
    parts = parts[:limit]
    more = len(shown) - limit
    sep = ";" if lang != "zh" else "；"
    return (sep + ("" if lang == "zh" else " ")).join(parts) + (f" (+{more})" if more > 0 else "")


def _jsonable(change: dict) -> dict:
    return {k: jsonable(v) for k, v in change.items()}
