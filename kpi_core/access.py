"""Who may do what (issue 13): roles, the scope of each reader, local passwords.

Pure, apart from the few functions that take a store (:func:`authenticate`,
:func:`acting_as`). The pages and the CLI ask this module; the scorecard and
alerts take a :class:`Scope` and leave out what it does not allow, so a unit
outside it never reaches a printout or a page.

**Roles and actions.** :data:`RULES` is the table (a row per action, a column
per role): ``ALL`` anywhere, ``SCOPE`` within the reader's scope, ``NO`` never.

**Scopes** (:meth:`Scope.of`), from the account's role and unit:

* admin: every unit and person.
* analyst, manager (unit U): U and everything below it, persons included,
  and the unit-level scorecards of the units above U up to the company
  (which list no child outside the scope).
* employee (unit P, a person): P; the company's and P's own department's
  unit-level scorecards; no other person. The departments between the company
  and P's department are outside it (the issue names the company and "their
  own department"): the company's scorecard lists no child it does not allow.
* viewer (unit U, or the company when none): U and the departments below it,
  never a person.

**Local passwords** are hashed with Argon2id (argon2-cffi's defaults: 64 MiB,
3 passes). After :data:`LOCK_AFTER` failed sign-ins in a row an account is
refused, even with the right password, for :func:`lock_seconds` after the last
failure: 30 s, doubling with each further failure up to 15 minutes. A correct
sign-in (or a new password) starts the count again.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kpi_core.org import Org

if TYPE_CHECKING:
    from kpi_core.store import Store

ROLES: tuple[str, ...] = ("admin", "analyst", "manager", "employee", "viewer")

ALL, SCOPE, NO = "all", "scope", "no"

#: action -> what each role of :data:`ROLES` (in that order) may do:
#: ``ALL`` anywhere, ``SCOPE`` on units of its scope, ``NO`` never.
RULES: dict[str, tuple[str, ...]] = {
    #                      admin  analyst  manager  employee  viewer
    "read_unit": (ALL, SCOPE, SCOPE, SCOPE, SCOPE),  # a department's or the company's scorecard
    "read_person": (ALL, SCOPE, SCOPE, SCOPE, NO),  # a person's scorecard (employee: their own)
    "upload": (ALL, SCOPE, NO, NO, NO),  # targets and actuals: every row's unit in scope
    "rollback": (ALL, SCOPE, NO, NO, NO),  # a batch: every unit it wrote in scope
    "edit_design": (ALL, SCOPE, NO, NO, NO),  # a unit's assignments, weights and targets
    "edit_dictionary": (ALL, NO, NO, NO, NO),  # the KPI dictionary (company-wide)
    "edit_settings": (ALL, NO, NO, NO, NO),  # alert thresholds and other settings
    "manage_users": (ALL, NO, NO, NO, NO),
    "close_periods": (ALL, NO, NO, NO, NO),  # closing a reviewed month, reopening it
    "acknowledge_alerts": (ALL, NO, SCOPE, NO, NO),
    "assess_tasks": (ALL, NO, SCOPE, NO, NO),  # grading GS tasks
    "comment": (ALL, NO, SCOPE, NO, NO),
    "see_pay": (ALL, NO, NO, NO, NO),  # pay data and bonuses (issue 17): admins (HR) only
    "update_okr": (ALL, SCOPE, SCOPE, NO, NO),  # a key result's current value (issue 18)
    "record_value_points": (ALL, ALL, ALL, ALL, NO),  # a value event for a person, pending approval
    "approve_value_points": (ALL, NO, SCOPE, NO, NO),  # a manager of the person approves it
    "read_360": (ALL, NO, SCOPE, NO, NO),  # a subject's 360 report: their managers (the subject too, own)
    "manage_360": (ALL, NO, NO, NO, NO),  # setting up 360 review cycles
    "see_fairness": (ALL, NO, NO, NO, NO),  # the fairness check of ratings: admins (HR) only
}
ACTIONS: tuple[str, ...] = tuple(RULES)
#: Actions that only read: allowed on every unit of the scope. Every other
#: action is allowed only on the reader's own subtree (:meth:`Scope.may_act`),
#: never on the units above it whose unit-level scorecards they may read.
READ_ACTIONS = frozenset({"read_unit", "read_person"})

#: Which unit an account of each role is tied to: ``None`` none (admin),
#: ``"unit"`` a department or the company (required), ``"person"`` a person
#: (required), ``"optional"`` a department or the company, or none (viewer).
UNIT_OF_ROLE = {"admin": None, "analyst": "unit", "manager": "unit", "employee": "person", "viewer": "optional"}

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_DISPLAY = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

LOCK_AFTER = 5
LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60


class AccessError(Exception):
    """A refusal a person reads: ``key`` and ``params`` name the sentence in
    the translation table (``kpi_core.i18n``), ``str()`` is English for logs."""

    key = "access.refused"

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message or (key or self.key))
        if key is not None:
            self.key = key
        self.params = params


class NotPermitted(AccessError):
    """The reader may not see (or do) this. ``params["unit"]`` is the id asked
    for, never a name: the name of a unit outside the scope is not shown."""

    key = "access.not_permitted"


class SignInRefused(AccessError):
    """A sign-in (or ``--as NAME``) was refused: wrong name or password,
    locked out, disabled, unknown account."""

    key = "access.sign_in.wrong"


class AccountProblem(AccessError):
    """An account cannot be created or changed as asked (bad name, role, unit, password)."""

    key = "access.bad_account"


# --------------------------------------------------------------------------- who


@dataclass(frozen=True)
class Viewer:
    """A signed-in person (or the ``--as`` account of the CLI)."""

    name: str
    display: str
    role: str
    unit_id: str | None = None
    approver: bool = False

    @classmethod
    def from_row(cls, row: dict) -> Viewer:
        unit = row.get("unit_id")
        return cls(
            name=str(row["name"]),
            display=str(row.get("display") or row["name"]),
            role=str(row["role"]),
            unit_id=unit if isinstance(unit, str) and unit else None,
            approver=bool(row.get("approver")),
        )


def rule(role: str, action: str) -> str:
    """What ``role`` may do of ``action``: ALL, SCOPE or NO (unknown role: NO).

    >>> rule("analyst", "upload"), rule("viewer", "read_person"), rule("admin", "manage_users")
    ('scope', 'no', 'all')
    """
    if role not in ROLES:
        return NO
    return RULES[action][ROLES.index(role)]


def permits(viewer: Viewer | None, action: str, scope: Scope | None = None, unit_id: str | None = None) -> bool:
    """Whether ``viewer`` may do ``action`` (on ``unit_id``, within ``scope``:
    the viewer's own). ``viewer`` None is the local operator of the CLI, who
    may do everything; ``unit_id`` None asks whether the viewer may do it at
    all (e.g. whether to show the upload page)."""
    if viewer is None:
        return True
    reach = rule(viewer.role, action)
    if reach == NO:
        return False
    if reach == ALL or unit_id is None:
        return True
    if scope is None:
        return False
    return scope.allows(unit_id) if action in READ_ACTIONS else scope.may_act(unit_id)


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """The units a reader may see.

    ``units`` None: every unit. ``root`` is where the reader starts (their
    unit; the company for an admin or a viewer without a unit). ``persons``
    tells whether person-level units may be shown at all (an employee's scope
    holds one person: themselves).
    """

    root: str | None
    units: frozenset[str] | None
    persons: bool
    acts: frozenset[str] | None = None
    """The units a scoped action (upload, acknowledge ...) may touch: the
    reader's own subtree. None: the same as ``units``."""

    @classmethod
    def everything(cls, org: Org | None = None) -> Scope:
        return cls(root=org.company_id if org is not None else None, units=None, persons=True)

    @classmethod
    def of(cls, viewer: Viewer | None, org: Org) -> Scope:
        """The scope of ``viewer`` in ``org`` (None: the local operator, everything).

        A unit the account names that the organisation no longer holds gives
        an empty scope: nothing is shown rather than everything.
        """
        if viewer is None or viewer.role == "admin":
            return cls.everything(org)
        unit = viewer.unit_id
        if viewer.role == "viewer" and unit is None:
            unit = org.company_id
        if viewer.role not in ROLES or unit is None or unit not in org:
            return cls(root=None, units=frozenset(), persons=False)
        if viewer.role in ("analyst", "manager"):
            # the subtree, and the unit-level scorecards above it ("where are
            # we" as a company); those list no child outside the scope
            own = frozenset(org.subtree(unit))
            return cls(root=unit, units=own | frozenset(org.path(unit)), persons=True, acts=own)
        if viewer.role == "employee":
            if org.kind(unit) != "person":
                return cls(root=None, units=frozenset(), persons=False)
            department = org.parent(unit)
            own = {unit, org.company_id, department} - {None}
            return cls(root=unit, units=frozenset(own), persons=True)
        # viewer: the departments of the subtree, no person
        below = [u for u in org.subtree(unit) if org.kind(u) != "person"]
        return cls(root=unit, units=frozenset(below), persons=False)

    def allows(self, unit_id: str) -> bool:
        """Whether the unit (and its figures) may be shown."""
        return self.units is None or unit_id in self.units

    def may_name(self, unit_id: str, org: Org) -> bool:
        """Whether a unit named in the data (an owner, a recorder) may be named
        to this reader: a unit in the scope, and a person only when the scope
        shows persons at all."""
        return self.allows(unit_id) and (org.kind(unit_id) != "person" or self.persons)

    def may_act(self, unit_id: str) -> bool:
        """Whether a scoped action (not a read) may touch the unit."""
        return self.allows(unit_id) if self.acts is None else unit_id in self.acts

    def check(self, unit_id: str) -> None:
        """Raise :class:`NotPermitted` unless the unit may be shown."""
        if not self.allows(unit_id):
            raise NotPermitted(f"not permitted: {unit_id} is outside the scope", unit=unit_id)

    def visible_children(self, unit_id: str, children: Iterable[str]) -> list[str]:
        """Those of ``children`` (of ``unit_id``) that may be shown, in their
        order; none when the unit itself may not be."""
        if not self.allows(unit_id):
            return []
        return [c for c in children if self.allows(c)]

    def filter(self, unit_ids: Iterable[str] | None) -> list[str] | None:
        """The allowed ones of ``unit_ids``, in order (``None``: every unit,
        which stays None for an unlimited scope)."""
        if unit_ids is None:
            return None if self.units is None else sorted(self.units)
        return [u for u in unit_ids if self.allows(u)]


# --------------------------------------------------------------------------- accounts


def has_control(text: str) -> bool:
    """Whether ``text`` holds control or bidirectional-override characters."""
    return bool(_CONTROL.search(text))


def account_problem(
    name: str | None = None,
    role: str | None = None,
    unit_id: str | None = None,
    org: Org | None = None,
    display: str | None = None,
) -> AccountProblem | None:
    """What is wrong with an account as given (None: nothing). Only what is
    given is checked; ``role`` and ``unit_id`` are checked together."""
    if name is not None and not NAME_PATTERN.match(name):
        return AccountProblem(f"bad user name {name!r}", key="access.bad_name", name=name)
    if display is not None and (len(display) > MAX_DISPLAY or _CONTROL.search(display)):
        return AccountProblem("bad display name", key="access.bad_display", limit=MAX_DISPLAY)
    if role is None:
        return None
    if role not in ROLES:
        return AccountProblem(f"unknown role {role!r}", key="access.bad_role", role=role, roles=", ".join(ROLES))
    wants = UNIT_OF_ROLE[role]
    if wants is None:
        if unit_id:
            return AccountProblem("an admin has no unit", key="access.admin_no_unit")
        return None
    if not unit_id:
        if wants == "optional":
            return None
        return AccountProblem(f"role {role} needs a unit", key=f"access.needs_{wants}", role=role)
    if org is None or unit_id not in org:
        return AccountProblem(f"no unit {unit_id!r}", key="access.unknown_unit", unit=unit_id)
    is_person = org.kind(unit_id) == "person"
    if wants == "person" and not is_person:
        return AccountProblem("an employee's unit is a person", key="access.needs_person", role=role)
    if wants != "person" and is_person:
        return AccountProblem(f"role {role} needs a department", key="access.needs_unit", role=role)
    return None


def acting_as(store: Store, name: str) -> Viewer:
    """The account ``name`` for reading as it would (the CLI's ``--as``):
    :class:`SignInRefused` when there is no such account or it is disabled."""
    row = store.user(name)
    if row is None:
        raise SignInRefused(f"no user {name!r}", key="access.unknown_user", name=name)
    if row["disabled"]:
        raise SignInRefused(f"user {name!r} is disabled", key="access.disabled", name=name)
    return Viewer.from_row(row)


def leaves_no_admin(store: Store, name: str, *, role: str | None = None, disabled: bool | None = None) -> bool:
    """Whether changing account ``name`` so would leave no enabled admin."""
    row = store.user(name)
    if row is None or row["role"] != "admin" or row["disabled"]:
        return False
    stays = (role is None or role == "admin") and not disabled
    return not stays and store.user_count(role="admin", enabled_only=True) <= 1


# --------------------------------------------------------------------------- the demo

#: The demo's accounts (name, role, unit, approver): what a newcomer may "view
#: as" in the demo, one of each kind of reader. They have no password, so
#: nobody can sign in with them; only the demo's picker uses them.
DEMO_ACCOUNTS: tuple[tuple[str, str, str | None, bool], ...] = (
    ("hr_admin", "admin", None, False),
    ("ceo", "manager", "HQ", True),
    ("analyst", "analyst", "HQ", False),
    ("sales_director", "manager", "SALES", False),
    ("sales_rep_1", "employee", "P_SALES_N_01", False),
    ("board", "viewer", None, False),
)
DEMO_DEFAULT = "hr_admin"


def is_demo_name(name: str) -> bool:
    """Whether ``name`` is one of the demo's accounts."""
    return any(name == account[0] for account in DEMO_ACCOUNTS)


def ensure_demo_accounts(store: Store, org: Org) -> None:
    """Create the demo's accounts that are missing (in a demo database only;
    an account whose unit the organisation lacks is skipped)."""
    if not store.is_demo():
        return
    for name, role, unit, approver in DEMO_ACCOUNTS:
        if store.user(name) is not None or (unit is not None and unit not in org):
            continue
        store.add_user(name, role=role, unit_id=unit, display=name, approver=approver, by="demo")


def demo_accounts(store: Store) -> list[Viewer]:
    """The demo's accounts present and enabled, in the picker's order."""
    out = []
    for name, *_ in DEMO_ACCOUNTS:
        row = store.user(name)
        if row is not None and not row["disabled"]:
            out.append(Viewer.from_row(row))
    return out


# --------------------------------------------------------------------------- passwords

_HASHER = PasswordHasher()  # Argon2id, the library's (RFC 9106 low-memory) defaults
_DUMMY_HASH: list[str] = []


def password_problem(password: str) -> AccountProblem | None:
    """What is wrong with a new password (None: nothing).

    >>> password_problem("short").key, password_problem("long enough") is None
    ('access.password_short', True)
    """
    if len(password) < MIN_PASSWORD:
        return AccountProblem("password too short", key="access.password_short", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return AccountProblem("password too long", key="access.password_long", maximum=MAX_PASSWORD)
    if password != password.strip():
        return AccountProblem("password starts or ends with a space", key="access.password_spaces")
    return None


def hash_password(password: str) -> str:
    """The Argon2id hash of a new password (:class:`AccountProblem` when too weak)."""
    problem = password_problem(password)
    if problem is not None:
        raise problem
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for no or a damaged hash)."""
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password for a first admin (16 characters, 96 bits)."""
    return secrets.token_urlsafe(12)


def lock_seconds(failures: int) -> int:
    """How long an account is refused after its last failed sign-in.

    >>> [lock_seconds(n) for n in (4, 5, 6, 7, 10, 11)]
    [0, 30, 60, 120, 900, 900]
    """
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_SECONDS * 2 ** min(failures - LOCK_AFTER, 10), MAX_LOCK_SECONDS)


def locked_until(row: dict) -> datetime | None:
    """Until when the account of ``row`` (from ``Store.user``) is refused, or None."""
    seconds = lock_seconds(int(row.get("failed_logins") or 0))
    last = row.get("last_failed_at")
    if not seconds or last is None:
        return None
    return last + timedelta(seconds=seconds)


def authenticate(store: Store, name: str, password: str, *, now: datetime | None = None) -> Viewer:
    """The account ``name`` when ``password`` is its password, else
    :class:`SignInRefused`:

    * no such account (or one without a local password): "wrong name or
      password", after the same hashing work as a real check;
    * locked (see :func:`lock_seconds`): refused without looking at the
      password, and not counted again;
    * wrong password: counted; the refusal says so, or that the account is
      now locked;
    * right password but disabled: "disabled" (only who knows the password
      learns that the account exists).

    ``now`` is the clock (tests pass their own).
    """
    now = now or datetime.now()
    row = store.user(name)
    if row is None or not row.get("password_hash"):
        verify_password(_dummy_hash(), password)  # the same work as a real check
        raise SignInRefused("wrong name or password", key="access.sign_in.wrong")
    until = locked_until(row)
    if until is not None and now < until:
        raise _locked(until, now)
    if not verify_password(row["password_hash"], password):
        failures = store.record_failed_sign_in(name, now)
        if lock_seconds(failures):
            raise _locked(now + timedelta(seconds=lock_seconds(failures)), now)
        raise SignInRefused("wrong name or password", key="access.sign_in.wrong")
    if row["disabled"]:
        raise SignInRefused("account disabled", key="access.sign_in.disabled")
    store.record_sign_in(name, _rehash(row["password_hash"], password))
    return Viewer.from_row(row)


def _locked(until: datetime, now: datetime) -> SignInRefused:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return SignInRefused("too many failed sign-ins", key="access.sign_in.locked", seconds=seconds)


def _rehash(password_hash: str, password: str) -> str | None:
    """A new hash when the stored one was made with weaker parameters."""
    try:
        return _HASHER.hash(password) if _HASHER.check_needs_rehash(password_hash) else None
    except InvalidHashError:
        return None


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_HASHER.hash(secrets.token_urlsafe(12)))
    return _DUMMY_HASH[0]
