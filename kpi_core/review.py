"""The business review (issue 16): commentary and action items.

**Commentary.** Per unit, subject (a KPI id, or a task id: any id on the
unit's scorecard of that year) and month, an analysis ("why") and an
outlook, in whatever language the writer uses. Written by an account allowed
``comment`` on the unit (:data:`kpi_core.access.RULES`: an admin anywhere, a
manager within their own subtree); every change is logged
(:meth:`Store.save_comment`). Earlier months keep their own comments.

**Action items.** A title, an owner (an account name or a unit id), a due
date, a status (open, in progress, done, dropped), linked to a unit and one
or more of its KPIs; created from a KPI or an alert. Whoever may comment on
the unit creates and updates them; the action's owner (when an account) may
also change its status. Every change is kept with who and when. An action is
*overdue* when its due date is before today and it is neither done nor
dropped. A KPI that is red this month with no open (or in-progress) action
linked is flagged (:func:`red_without_action`; the alert ``no_action`` of
:mod:`kpi_core.alerts`) once the company tracks actions at all
(:func:`in_use`): before the first action is recorded, every red KPI would
carry the flag, repeating the red alert and status it already has.

Reading respects the reader's scope: comments and actions of units outside
it are never listed, and an owner (or author) outside it is never named
(:func:`person_shown`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpi_core import access
from kpi_core.org import Org
from kpi_core.store import Store
from kpi_core.store.review import ACTION_STATUSES, OPEN_STATUSES

MAX_TEXT = 4000
MAX_TITLE = 200
#: Control and bidirectional-override characters dropped from typed text
#: (line breaks and tabs are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SOURCES: tuple[str, ...] = ("kpi", "alert", "agenda")  # issue 16: an agenda item of a meeting

__all__ = ["ACTION_STATUSES", "OPEN_STATUSES", "ReviewProblem"]


class ReviewProblem(access.AccessError):
    """A comment or an action that cannot be stored as given (``key`` and
    ``params`` name the sentence in the translation table)."""

    key = "review.problem"


def _check(viewer: access.Viewer | None, scope: access.Scope | None, unit_id: str) -> None:
    if not access.permits(viewer, "comment", scope, unit_id):
        raise access.NotPermitted(f"not permitted: comment on {unit_id}", key="review.may_not", unit=unit_id)


def may_write(viewer: access.Viewer | None, scope: access.Scope | None, unit_id: str) -> bool:
    """Whether ``viewer`` may comment on the unit and create or update its actions."""
    return access.permits(viewer, "comment", scope, unit_id)


def clean(text: object) -> str:
    """Typed text as stored: control characters dropped, ends trimmed."""
    return _CONTROL.sub("", "" if text is None else str(text)).strip()


def _subjects(store: Store, unit_id: str, period: str) -> set[str]:
    return set(store.review_subjects(unit_id, period))


# --------------------------------------------------------------------------- comments


def write_comment(
    store: Store,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    unit_id: str,
    subject: str,
    period: str,
    analysis: str,
    outlook: str,
    by: str,
) -> bool:
    """Write (or replace) the month's comment on the unit's KPI (or task);
    both texts empty removes it. False when nothing changed.

    Refused: :class:`access.NotPermitted` (no ``comment`` on the unit),
    :class:`ReviewProblem` (a text too long, a subject not on the unit's
    scorecard), ``PeriodClosedError`` (a closed month)."""
    _check(viewer, scope, unit_id)
    analysis, outlook = clean(analysis), clean(outlook)
    for text in (analysis, outlook):
        if len(text) > MAX_TEXT:
            raise ReviewProblem("comment too long", key="review.too_long", limit=MAX_TEXT)
    if subject not in _subjects(store, unit_id, period):
        raise ReviewProblem(f"{subject} is not on {unit_id}'s scorecard", key="review.unknown_subject", kpi=subject)
    return store.save_comment(unit_id, subject, period, analysis, outlook, by=by)


def comments(
    store: Store, scope: access.Scope | None, unit_id: str, subject: str | None = None, upto: str | None = None
) -> pd.DataFrame:
    """The unit's comments (on one subject; up to a month), newest month
    first; none when the unit is outside ``scope``."""
    if scope is not None and not scope.allows(unit_id):
        return store.comments([], subject)
    return store.comments([unit_id], subject, upto=upto)


def commented(store: Store, unit_id: str, period: str) -> set[str]:
    """The subjects of the unit with a comment for ``period``."""
    return set(store.comments([unit_id], period=period)["subject"])


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class Owner:
    """An action's owner as a reader may see it."""

    kind: str
    """``unit``, ``account`` or ``hidden`` (outside the reader's scope, or unknown)."""
    value: str
    """The unit id, the account's display name, or ''."""


def owner_of(owner: str, org: Org, scope: access.Scope | None, users: pd.DataFrame) -> Owner:
    """How ``owner`` (a unit id or an account name) may be shown to a reader
    of ``scope``: a unit or person outside it, or an account tied to one, is
    hidden. ``users``: :meth:`Store.users` (name, display, unit_id)."""
    if owner in org:
        return Owner("unit", owner) if scope is None or scope.allows(owner) else Owner("hidden", "")
    found = users[users["name"] == owner] if not users.empty else users
    if found.empty:
        return Owner("hidden", "")
    row = found.iloc[0]
    unit = row.get("unit_id")
    if isinstance(unit, str) and unit and scope is not None and not scope.allows(unit):
        return Owner("hidden", "")
    display = row.get("display")
    return Owner("account", str(display) if isinstance(display, str) and display else owner)


def owner_problem(store: Store, org: Org, scope: access.Scope | None, owner: str) -> ReviewProblem | None:
    """Why ``owner`` cannot own an action set by a writer of ``scope`` (None: it can):
    it must be a unit or an enabled account the writer may see."""
    if not owner:
        return ReviewProblem("an action needs an owner", key="review.owner_needed")
    if owner in org:
        if scope is None or scope.allows(owner):
            return None
        return ReviewProblem(f"unknown owner {owner!r}", key="review.unknown_owner", owner=owner)
    row = store.user(owner)
    if row is None or row["disabled"]:
        return ReviewProblem(f"unknown owner {owner!r}", key="review.unknown_owner", owner=owner)
    unit = row.get("unit_id")
    if isinstance(unit, str) and unit and scope is not None and not scope.allows(unit):
        return ReviewProblem(f"unknown owner {owner!r}", key="review.unknown_owner", owner=owner)
    return None


def create_action(
    store: Store,
    org: Org,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    unit_id: str,
    title: str,
    owner: str,
    due: date,
    kpi_ids: Iterable[str],
    period: str,
    by: str,
    source: str = "kpi",
    source_ref: str | None = None,
) -> int:
    """Create an open action of the unit on its KPIs; returns its id."""
    _check(viewer, scope, unit_id)
    title = clean(title)
    if not title:
        raise ReviewProblem("an action needs a title", key="review.title_needed")
    if len(title) > MAX_TITLE:
        raise ReviewProblem("title too long", key="review.title_too_long", limit=MAX_TITLE)
    if not isinstance(due, date):
        raise ReviewProblem("an action needs a due date", key="review.due_needed")
    problem = owner_problem(store, org, scope, clean(owner))
    if problem is not None:
        raise problem
    kpis = sorted({k for k in kpi_ids if k})
    if not kpis:
        raise ReviewProblem("an action needs a KPI", key="review.kpi_needed")
    known = _subjects(store, unit_id, period)
    unknown = [k for k in kpis if k not in known]
    if unknown:
        raise ReviewProblem(
            f"{unknown[0]} is not on {unit_id}'s scorecard", key="review.unknown_subject", kpi=unknown[0]
        )
    if source not in SOURCES:
        source = "kpi"
    return store.add_action(
        unit_id, title, clean(owner), due, kpis, by=by, period=period, source=source, source_ref=source_ref
    )


def may_update(viewer: access.Viewer | None, scope: access.Scope | None, action: dict) -> bool:
    """Whoever may comment on the action's unit, and its owner (an account)."""
    return may_write(viewer, scope, str(action["unit_id"])) or (viewer is not None and viewer.name == action["owner"])


def set_status(
    store: Store,
    action_id: int,
    status: str,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    note: str | None = None,
) -> bool:
    """Change an action's status (kept in its history). False when unchanged."""
    action = store.action(action_id)
    if action is None:
        raise ReviewProblem(f"there is no action {action_id}", key="review.no_action", action=action_id)
    if not may_update(viewer, scope, action):
        raise access.NotPermitted(f"not permitted: action {action_id}", key="review.may_not", unit=action["unit_id"])
    if status not in ACTION_STATUSES:
        raise ReviewProblem(f"unknown status {status!r}", key="review.bad_status", status=status)
    return store.update_action(action_id, by=by, status=status, note=clean(note) or None)


def actions(
    store: Store,
    scope: access.Scope | None,
    unit_ids: list[str],
    kpi_id: str | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """The actions of ``unit_ids`` the reader may see (on one KPI), soonest
    due first, with ``overdue`` (bool)."""
    shown = [u for u in unit_ids if scope is None or scope.allows(u)]
    found = store.actions(shown, kpi_id) if shown else store.actions([], kpi_id)
    return found.assign(overdue=overdue(found, today))


def overdue(frame: pd.DataFrame, today: date | None = None) -> pd.Series:
    """Whether each action is overdue: due before ``today`` and neither done nor dropped."""
    today = today or date.today()
    if frame.empty:
        return pd.Series([], dtype=bool, index=frame.index)
    due = pd.to_datetime(frame["due"]).dt.date
    return (due < today) & frame["status"].isin(OPEN_STATUSES)


def in_use(store: Store) -> bool:
    """Whether the company tracks action items (any was recorded): the
    "red, no action" flag and alert apply from then on."""
    return bool(store.has_actions())


def covering_links(store: Store, org: Org, unit_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """(unit_id, kpi_id) covered by an open (or in-progress) action: the
    action's own unit and every unit below it, for each KPI the action is
    linked to (of ``unit_ids``; None: every unit). A department's action on
    its complaint time covers its people's complaint time too: the meeting
    decided on the problem once, and each person red on it is not a further
    "red, no action" (issue 16)."""
    links = store.open_action_links(None)
    wanted = None if unit_ids is None else set(unit_ids)
    rows = [
        (unit, kpi)
        for owner, kpi in zip(links["unit_id"], links["kpi_id"], strict=True)
        if owner in org
        for unit in org.subtree(owner)
        if wanted is None or unit in wanted
    ]
    return pd.DataFrame(rows, columns=["unit_id", "kpi_id"]).drop_duplicates(ignore_index=True)


def red_without_action(kpis: pd.DataFrame, links: pd.DataFrame, unit_id: str) -> set[str]:
    """The KPIs of ``kpis`` (a scorecard's rows: kpi_id, status, role) that
    are red with no open or in-progress action of ``unit_id`` linked to them;
    ``links``: :meth:`Store.open_action_links`, or :func:`covering_links`
    (an action of a unit above counting too)."""
    if kpis.empty:
        return set()
    covered = set(links.loc[links["unit_id"] == unit_id, "kpi_id"]) if not links.empty else set()
    red = kpis[kpis["status"] == "red"]
    if "role" in red:
        red = red[red["role"] != "info"]
    return {str(k) for k in red["kpi_id"] if k not in covered}
