"""Owners enter their own figures (issue 13, item 7).

**Who owns a KPI.** A KPI of a unit may have an owner, an account set by an
admin or an analyst whose scope holds the unit (:func:`set_owner`, audited in
the change log). Without one, a person's KPIs are owned by the enabled
employee account whose unit is that person. A department's KPIs have no owner
until one is set. An owner must be allowed to see the unit (a person's own
account, their manager, an analyst of the unit ...); a ``viewer`` account
only reads and owns nothing.

**When figures are due.** A month's figures are due on the Nth working day of
the following month (:attr:`OwnerSettings.due_working_day`, default 5; a
company setting). Working days are Monday to Friday: there is no holiday
calendar, so a public holiday counts as a working day. Every month has at
least 20 working days (February of a common year), so N runs from 1 to 20.

**What is owed** (:func:`owed`): the *reporting month* is the month before
today's; its figures are due this month. An owner owes every owned KPI whose
figure for the reporting month is missing, and, as overdue, the figures still
missing of the :data:`LOOKBACK_MONTHS` months before it, so a figure missed
last month does not drop off the list when the next month becomes due. A KPI
is owed in a month when it is assigned to the unit that year and is due that
month by its frequency (monthly KPIs every month; quarterly, half-yearly and
yearly ones at the end of their period, or whenever the month has a target),
the rule of the missing-data alert. Closed months are never owed (they cannot
be written). A figure is *overdue* once its due day has passed (on the due
day itself it is still on time).

**Entering** (:func:`enter`): the values are validated by
:func:`kpi_core.ingest.validate` as an actuals file, so the messages are the
upload's; only the owner may enter a KPI's figures (refused here, not only
hidden). Without the approval setting they are written at once as one batch
with the owner's name (the stored scores follow); with it, they wait in
``entries`` until an analyst whose scope holds the unit approves them
(written then as a batch with the owner's name) or rejects them with a
reason (:func:`approve`, :func:`reject`). Nobody approves their own figure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from kpi_core import access, ingest
from kpi_core.access import AccessError, NotPermitted, Scope, Viewer
from kpi_core.i18n import reason, t
from kpi_core.model import FILE_SPECS
from kpi_core.months import shift_month
from kpi_core.org import Org
from kpi_core.store import BatchResult, Store
from kpi_core.store.owners import SETTINGS_PREFIX

DEFAULT_DUE_DAY = 5
MAX_DUE_DAY = 20
"""Every month has at least 20 working days (Mon-Fri)."""
LOOKBACK_MONTHS = 12
"""Months before the reporting month whose still-missing figures stay owed."""
ENTRY_FILE = "my-updates"
"""The name an entry's problems and its batch carry (as a file name does)."""

_CLOSING_MONTHS = {"quarter": (3, 6, 9, 12), "half": (6, 12), "year": (12,)}

OWED_COLUMNS = (
    "unit_id",
    "kpi_id",
    "period",
    "owner",
    "owner_display",
    "target",
    "due",
    "overdue",
    "pending",
)


class OwnerProblem(AccessError):
    """A request about owners that cannot be done as asked (not a matter of
    permission): an unknown account, a KPI not assigned, a bad setting."""

    key = "owners.problem"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class OwnerSettings:
    """Company settings of owners' entries (``settings`` keys ``owners.*``)."""

    due_working_day: int = DEFAULT_DUE_DAY
    """A month's figures are due on this working day (Mon-Fri) of the next month."""
    approval: bool = False
    """An entered figure counts only once an analyst approves it."""

    @classmethod
    def from_settings(cls, values: dict[str, str]) -> OwnerSettings:
        """From the store's ``owners.*`` rows; an unreadable value keeps the default."""
        day = values.get(SETTINGS_PREFIX + "due_working_day")
        approval = values.get(SETTINGS_PREFIX + "approval")
        out = cls()
        if day is not None and day.strip().isdigit() and 1 <= int(day) <= MAX_DUE_DAY:
            out = cls(due_working_day=int(day), approval=out.approval)
        if approval is not None and approval.strip().lower() in ("true", "false"):
            out = cls(due_working_day=out.due_working_day, approval=approval.strip().lower() == "true")
        return out

    def to_settings(self) -> dict[str, str]:
        return {
            SETTINGS_PREFIX + "due_working_day": str(self.due_working_day),
            SETTINGS_PREFIX + "approval": "true" if self.approval else "false",
        }


def settings(store: Store) -> OwnerSettings:
    return OwnerSettings.from_settings(store.owner_settings())


def save_settings(store: Store, viewer: Viewer | None, new: OwnerSettings, *, by: str | None = None) -> int:
    """Store the company's owners settings (admins: ``edit_settings``); logged."""
    if not access.permits(viewer, "edit_settings"):
        raise NotPermitted("only an admin changes company settings", key="owners.settings_not_permitted", unit="")
    if not 1 <= new.due_working_day <= MAX_DUE_DAY:
        raise OwnerProblem("bad due day", key="owners.bad_due_day", day=new.due_working_day, most=MAX_DUE_DAY)
    return store.save_owner_settings(new.to_settings(), by=by or _who(viewer))


# --------------------------------------------------------------------------- the calendar


def working_day(year: int, month: int, n: int) -> date:
    """The ``n``-th working day (Monday to Friday) of a month.

    >>> working_day(2026, 4, 5)  # Wed 1, Thu 2, Fri 3, Mon 6, Tue 7
    datetime.date(2026, 4, 7)
    >>> working_day(2026, 2, 20)  # February 2026 has exactly 20
    datetime.date(2026, 2, 27)
    """
    if not 1 <= n <= MAX_DUE_DAY:
        raise ValueError(f"the due day is a working day from 1 to {MAX_DUE_DAY}")
    day = date(year, month, 1)
    counted = 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == n:
                return day
        day += timedelta(days=1)


def due_date(period: str, due_working_day: int = DEFAULT_DUE_DAY) -> date:
    """When the figures of ``period`` ("YYYY-MM") are due: the Nth working
    day of the following month.

    >>> due_date("2026-03"), due_date("2026-12", 1)
    (datetime.date(2026, 4, 7), datetime.date(2027, 1, 1))
    """
    following = shift_month(period, 1)
    return working_day(int(following[:4]), int(following[5:7]), due_working_day)


def reporting_month(today: date) -> str:
    """The month whose figures are collected in ``today``'s month: the one before.

    >>> reporting_month(date(2026, 4, 2)), reporting_month(date(2026, 1, 31))
    ('2026-03', '2025-12')
    """
    return shift_month(f"{today.year:04d}-{today.month:02d}", -1)


def owed_months(today: date) -> list[str]:
    """The months whose missing figures are owed on ``today``, oldest first:
    the reporting month and the :data:`LOOKBACK_MONTHS` before it."""
    last = reporting_month(today)
    return [shift_month(last, -i) for i in range(LOOKBACK_MONTHS, -1, -1)]


def is_due(frequency: object, period: str) -> bool:
    """Whether a KPI's figure is expected for ``period``: monthly KPIs always;
    quarterly, half-yearly and yearly ones in the last month of their period
    only (the missing-data alert's rule: a target set for a month between
    does not make a figure due).

    >>> is_due("month", "2026-02"), is_due("quarter", "2026-02"), is_due("quarter", "2026-03"), is_due("year", "2026-06")
    (True, False, True, False)
    """
    closing = _CLOSING_MONTHS.get(str(frequency) if isinstance(frequency, str) else "month")
    return closing is None or int(period[5:7]) in closing


# --------------------------------------------------------------------------- owners


def owners_table(store: Store, year: int, unit_ids: list[str] | None = None) -> pd.DataFrame:
    """Every assignment of ``year`` (of ``unit_ids``) with its owner:
    unit_id, kpi_id, owner (None when none), owner_display, source (``set``,
    ``default`` or None)."""
    assigned = store.assignments(year, unit_ids)[["unit_id", "kpi_id"]]
    owned = store.owned_kpis([year], unit_ids)[["unit_id", "kpi_id", "owner", "owner_display", "source"]]
    out = assigned.merge(owned, on=["unit_id", "kpi_id"], how="left")
    for column in ("owner", "owner_display", "source"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out.sort_values(["unit_id", "kpi_id"]).reset_index(drop=True)


def owner_of(store: Store, unit_id: str, kpi_id: str, year: int) -> str | None:
    """The account that owns the unit's KPI in ``year`` (None: nobody)."""
    found = store.owned_kpis([year], [unit_id])
    found = found[found["kpi_id"] == kpi_id]
    return None if found.empty else str(found["owner"].iloc[0])


def may_own(account: Viewer, unit_id: str, org: Org) -> bool:
    """Whether ``account`` may own a KPI of ``unit_id``: it can see the unit,
    and it is not a read-only viewer."""
    if account.role == "viewer" or unit_id not in org:
        return False
    action = "read_person" if org.kind(unit_id) == "person" else "read_unit"
    return access.permits(account, action, Scope.of(account, org), unit_id)


def set_owner(
    store: Store,
    viewer: Viewer | None,
    unit_id: str,
    kpi_id: str,
    owner: str | None,
    *,
    org: Org | None = None,
    by: str | None = None,
) -> bool:
    """Make ``owner`` (an account name; None: back to the default) own the
    unit's KPI. Allowed to admins and to analysts whose scope holds the unit
    (the ``edit_design`` rule); the KPI must be assigned to the unit in some
    year; the owner an enabled account that may see the unit. False when it
    already was so. ``by`` names who in the change log (default: ``viewer``)."""
    org = org or Org.from_frame(store.units())
    scope = Scope.of(viewer, org) if viewer is not None else None
    if viewer is not None and (
        viewer.role not in ("admin", "analyst") or not access.permits(viewer, "edit_design", scope, unit_id)
    ):
        raise NotPermitted(f"{unit_id}: not permitted", key="owners.set_not_permitted", unit=unit_id)
    if unit_id not in org:
        raise OwnerProblem(f"no unit {unit_id}", key="owners.unknown_unit", unit=unit_id)
    assigned = store.assignments(None, [unit_id])
    if kpi_id not in set(assigned["kpi_id"]):
        raise OwnerProblem(
            f"{kpi_id} is not assigned to {unit_id}", key="owners.not_assigned", unit=unit_id, kpi=kpi_id
        )
    if owner is not None:
        row = store.user(owner)
        if row is None:
            raise OwnerProblem(f"no user {owner}", key="access.unknown_user", name=owner)
        if row["disabled"]:
            raise OwnerProblem(f"user {owner} is disabled", key="access.disabled", name=owner)
        if not may_own(Viewer.from_row(row), unit_id, org):
            raise OwnerProblem(
                f"{owner} may not see {unit_id}", key="owners.owner_cannot_see", name=owner, unit=unit_id
            )
    return store.set_kpi_owner(unit_id, kpi_id, owner, by=by or _who(viewer))


# --------------------------------------------------------------------------- what is owed


def owed(
    store: Store,
    today: date | None = None,
    *,
    owner: str | None = None,
    unit_ids: list[str] | None = None,
    config: OwnerSettings | None = None,
) -> pd.DataFrame:
    """The figures owed on ``today`` (see the module's docstring), of one
    ``owner`` or of ``unit_ids`` (None: all): the columns of
    :data:`OWED_COLUMNS`, ``due`` a date, the oldest month first."""
    today = today or date.today()
    config = config or settings(store)
    found = store.owned_without_actual(owed_months(today), unit_ids=unit_ids, owner=owner)
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OWED_COLUMNS})
    found = found[~found["closed"].astype(bool)]
    keep = [is_due(f, p) for f, p in zip(found["frequency"], found["period"], strict=True)]
    found = found[pd.Series(keep, index=found.index, dtype=bool)].copy()
    dues = {p: due_date(p, config.due_working_day) for p in found["period"].unique()}
    found["due"] = found["period"].map(dues)
    found["overdue"] = found["due"].map(lambda d: today > d).astype(bool)
    found["pending"] = found["pending"].astype(bool)
    return found[list(OWED_COLUMNS)].reset_index(drop=True)


def my_items(store: Store, viewer: Viewer, today: date | None = None) -> pd.DataFrame:
    """What the signed-in ``viewer`` owes: only KPIs they own."""
    return owed(store, today, owner=viewer.name)


def upload_units(viewer: Viewer | None, org: Org) -> list[str] | None:
    """The units whose actuals ``viewer`` may write (None: every unit);
    empty when they may upload nothing."""
    if not access.permits(viewer, "upload"):
        return []
    scope = Scope.of(viewer, org) if viewer is not None else None
    if scope is None or scope.units is None:
        return None
    return sorted(u for u in scope.units if access.permits(viewer, "upload", scope, u))


def overdue(store: Store, viewer: Viewer | None, today: date | None = None, *, org: Org | None = None) -> pd.DataFrame:
    """The overdue figures of every owner within what ``viewer`` may upload
    (analysts: their scope; admins: everything); refused to others."""
    org = org or Org.from_frame(store.units())
    units = upload_units(viewer, org)
    if units == []:
        raise NotPermitted("only analysts and admins see the overdue list", key="owners.list_not_permitted", unit="")
    found = owed(store, today, unit_ids=units)
    return found[found["overdue"].astype(bool)].reset_index(drop=True)


# --------------------------------------------------------------------------- entering


@dataclass(frozen=True)
class Entry:
    """One figure typed by an owner, as typed."""

    unit_id: str
    kpi_id: str
    period: str
    text: str


@dataclass
class EntryOutcome:
    """What :func:`enter` did: the validation (the upload's problems), and
    either the batch written, the pending entries kept, or nothing."""

    entries: list[Entry]
    validated: ingest.Validated
    batch: BatchResult | None = None
    entry_ids: list[int] = field(default_factory=list)
    needs_confirmation: bool = False
    """Warnings only, not confirmed: nothing was written."""

    @property
    def ok(self) -> bool:
        return self.validated.ok

    @property
    def written(self) -> bool:
        return self.batch is not None or bool(self.entry_ids)

    def entry_of(self, problem: ingest.Problem) -> Entry | None:
        """The entry a problem is about (its "row" is the entry's place + 2)."""
        if problem.row is None or not 2 <= problem.row < len(self.entries) + 2:
            return None
        return self.entries[problem.row - 2]


def _parsed(entries: list[Entry]) -> ingest.Parsed:
    """The entries as the cells of an actuals file (header on row 1)."""
    columns = list(FILE_SPECS["actuals"].columns)
    frame = pd.DataFrame(
        {
            "unit_id": [e.unit_id for e in entries],
            "kpi_id": [e.kpi_id for e in entries],
            "period": [e.period for e in entries],
            "actual": [e.text.strip() for e in entries],
        },
        columns=columns,
        dtype=object,
    )
    frame["_row"] = list(range(2, len(entries) + 2))
    digest = hashlib.sha256(frame[columns].to_csv(index=False).encode()).hexdigest()
    return ingest.Parsed("actuals", ENTRY_FILE, digest, frame)


def enter(
    store: Store,
    viewer: Viewer,
    entries: list[Entry],
    *,
    today: date | None = None,
    confirm_warnings: bool = False,
    config: OwnerSettings | None = None,
) -> EntryOutcome:
    """Enter an owner's figures: refused (:class:`NotPermitted`) for a KPI
    ``viewer`` does not own; validated as an upload would be (nothing written
    when there is an error, or a warning not confirmed); then written as one
    batch with the owner's name, or kept pending when the company asks for
    approval. A closed month is refused (:class:`kpi_core.store.PeriodClosedError`)."""
    entries = [e for e in entries if e.text.strip()]
    if not entries:
        raise OwnerProblem("nothing entered", key="owners.nothing_entered")
    config = config or settings(store)
    years = sorted({int(e.period[:4]) for e in entries if ingest.valid_period(e.period)})
    mine = store.owned_kpis(years, sorted({e.unit_id for e in entries}), owner=viewer.name)
    owned = set(zip(mine["unit_id"], mine["kpi_id"], mine["year"].astype(int), strict=True))
    for e in entries:
        year = int(e.period[:4]) if ingest.valid_period(e.period) else None
        if (e.unit_id, e.kpi_id, year) not in owned:
            raise NotPermitted(
                f"{viewer.name} does not own {e.kpi_id} of {e.unit_id}",
                key="owners.not_owner",
                unit=e.unit_id,
                kpi=e.kpi_id,
            )
    validated = ingest.validate(_parsed(entries), store, today=today)
    outcome = EntryOutcome(entries, validated)
    if not validated.ok:
        return outcome
    if validated.warnings and not confirm_warnings:
        outcome.needs_confirmation = True
        return outcome
    if config.approval:
        outcome.entry_ids = store.add_entries(validated.frame, entered_by=viewer.name)
    else:
        outcome.batch = ingest.commit(store, validated, uploaded_by=viewer.name)
    return outcome


def problem_text(outcome: EntryOutcome, problem: ingest.Problem, lang: str, unit_name, kpi_name) -> str:
    """A problem of an entry in ``lang``, naming the unit, KPI, month and the
    value typed: "Li Na · Revenue · 2026-03 ('abc'): not a finite number".
    ``unit_name`` and ``kpi_name`` map an id to its name."""
    entry = outcome.entry_of(problem)
    why = reason(problem.reason, lang)
    if entry is None:
        return why
    return t(
        "owners.entry_problem",
        lang,
        unit=unit_name(entry.unit_id),
        kpi=kpi_name(entry.kpi_id),
        period=entry.period,
        value=entry.text.strip(),
        reason=why,
    )


# --------------------------------------------------------------------------- approvals


def pending(store: Store, viewer: Viewer | None, *, org: Org | None = None) -> pd.DataFrame:
    """The entries waiting for approval that ``viewer`` may decide (units
    they may upload to)."""
    org = org or Org.from_frame(store.units())
    units = upload_units(viewer, org)
    if units == []:
        raise NotPermitted("only analysts and admins approve entries", key="owners.approve_not_permitted", unit="")
    return store.entries(status="pending", unit_ids=units)


def _decidable(store: Store, viewer: Viewer | None, entry_ids: list[int], org: Org | None) -> None:
    org = org or Org.from_frame(store.units())
    scope = Scope.of(viewer, org) if viewer is not None else None
    rows = store.entries()
    rows = rows[rows["entry_id"].isin([int(i) for i in entry_ids])]
    for row in rows.itertuples(index=False):
        if not access.permits(viewer, "upload", scope, row.unit_id):
            raise NotPermitted(f"{row.unit_id}: not permitted", key="owners.approve_not_permitted", unit=row.unit_id)
        if viewer is not None and row.entered_by == viewer.name:
            raise OwnerProblem("own entry", key="owners.own_entry", entry=int(row.entry_id))


def approve(store: Store, viewer: Viewer | None, entry_ids: list[int], *, org: Org | None = None) -> list[int]:
    """Approve pending entries (analysts of the unit, admins; never one's
    own): written as actuals, one batch per person who entered them. Returns
    the batch ids."""
    _decidable(store, viewer, entry_ids, org)
    return store.approve_entries(list(entry_ids), decided_by=_who(viewer))


def reject(store: Store, viewer: Viewer | None, entry_ids: list[int], note: str, *, org: Org | None = None) -> int:
    """Reject pending entries with a reason; nothing is written as an actual."""
    _decidable(store, viewer, entry_ids, org)
    if not (note or "").strip():
        raise OwnerProblem("a reason is needed", key="owners.reason_needed")
    return store.reject_entries(list(entry_ids), decided_by=_who(viewer), note=note)


# --------------------------------------------------------------------------- alerts


def alert_owners(
    store: Store, period: str, unit_ids: list[str] | None = None, today: date | None = None
) -> pd.DataFrame:
    """The owners of ``period``'s assignments, for the missing-data alert:
    unit_id, kpi_id, owner (the display name), due ("YYYY-MM-DD"), overdue."""
    config = settings(store)
    due = due_date(period, config.due_working_day)
    owned = store.owned_kpis([int(period[:4])], unit_ids)
    return pd.DataFrame(
        {
            "unit_id": owned["unit_id"],
            "kpi_id": owned["kpi_id"],
            "owner": owned["owner_display"].astype(object),
            "due": due.isoformat(),
            "overdue": (today or date.today()) > due,
        }
    )


def _who(viewer: Viewer | None) -> str:
    return viewer.name if viewer is not None else "cli"
