"""The business review's agenda, the meeting and its minutes (issue 16, items 3 and 4).

Stable entry points (the review pack and the demo call them; keep these
signatures)::

    propose(store, org, unit_id, period, scope, *, today=None, mask_persons=False,
            settings=None, max_units=3) -> list[AgendaItem]
    item_title(item, lang, org, kpis) -> str          # one line, in en or zh
    meetings(store, scope, unit_id=None, *, held_only=True) -> pandas.DataFrame
    minutes(store, scope, meeting_id, *, mask_persons=False) -> Minutes | None
    latest_minutes(store, scope, unit_id, before=None) -> Minutes | None
    record_minutes(store, org, *, unit_id, period, held_on, chair, attendees,
                   items, by) -> int                  # the demo's past meeting

:class:`AgendaItem`, :class:`Minutes` and :class:`MinutesItem` are plain
frozen dataclasses (ids, numbers and text; no translation, no HTML): a
renderer names units with ``org.name`` (``org.masked()`` on a shared screen)
and KPIs from the dictionary, or calls :func:`item_title`.

**The proposed agenda** of a unit for a month, in this order:

1. ``action_due`` -- the unit's actions (and those of the units below it the
   reader may see) whose due date fell *since the last meeting*: after the
   ``held_on`` day of the unit's latest held meeting about an earlier month,
   up to ``today`` (the meeting's day). Without an earlier meeting: due from
   the first day of the month reviewed. Every status is listed (the meeting
   checks the result: done, dropped, still open); soonest due first.
   "Next month's agenda starts with the actions due since" (item 4).
2. ``red`` -- the unit's own KPIs and goal-setting tasks whose month status
   is red, the most *points lost* first. Points lost = weight - points
   = weight x (1 - credited score), with the engine's figures of the month
   view (``weight`` in percent of the total, ``points`` what the KPI earned
   after its tiers, floor, cap and band): what the KPI costs the total
   against being exactly on target. Equal losses: the KPI red longest first,
   then by id. ``figures["streak"]`` counts the months red in a row, 1 meaning
   it *turned red* this month (``figures["turned"]`` True).
3. ``alert`` -- new breaches and signals of the unit's own KPIs this month
   (:func:`kpi_core.alerts.evaluate`), of severity critical or warning,
   other than those already covered by a ``red`` item (a KPI's red, floor
   and band alerts); "new" means a breach in its first month (streak 1) and
   any signal; the missing figures of the month make one item. Worst first,
   as :mod:`kpi_core.alerts` orders them. The other alerts of a red KPI (a
   drop, a signal) are not items of their own: they go with its ``red`` item
   (``figures["alerts"]``), so the meeting discusses the KPI once.
4. ``overdue`` -- actions still open or in progress whose due date passed
   before the window of item 1 (those due inside it are already listed
   there); the longest overdue first.
5. ``unit_fell`` -- at most ``max_units`` child units (those the reader may
   see) whose month total fell most against the previous month, only those
   that fell by at least :data:`MIN_FALL` (1 point); the biggest fall first.

A chair may then reorder, drop and add items (``custom``): see the
meeting's functions below. Everything respects the reader's ``scope``: a unit
outside it raises :class:`kpi_core.access.NotPermitted`; no item, owner or
figure names a unit or person outside it. With ``mask_persons`` (meeting
mode), an action owned by a person's account is given as that person's unit
(which a masked organisation shows as "Person 3").

**Meetings.** One meeting per unit and month at a time is *planned* (its
agenda saved and edited) until it is finished; then it is *held* and its
minutes are kept: the day, chair, attendees, the items in their final
order (dropped ones marked), each item's decision and the actions created
or updated from it. Who may prepare, chair and record a meeting: whoever may
``comment`` on the unit (:data:`kpi_core.access.RULES`: an admin anywhere, a
manager within their own subtree), the same people who write the unit's
comments and actions. Every write is one transaction, logged in
``change_log`` (entity ``meeting``) with the signed-in user's name.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from kpi_core import access, alerts, review, scorecard, scores
from kpi_core.i18n import t
from kpi_core.model import TASK_ROLE
from kpi_core.months import month_date, shift_month
from kpi_core.org import Org
from kpi_core.store import Store

#: The kinds of agenda item, in the order the proposal lists them.
KINDS: tuple[str, ...] = ("action_due", "red", "alert", "overdue", "unit_fell", "custom")
PROPOSED_KINDS: tuple[str, ...] = KINDS[:-1]
#: Who may prepare, chair and record a meeting: the :data:`access.RULES` row.
CHAIR_ACTION = "comment"
#: Months looked back to count how long a KPI has been red.
STREAK_MONTHS = 12
#: The least fall of a child unit's total (points) that puts it on the agenda.
MIN_FALL = 1.0
MAX_TITLE = review.MAX_TITLE
MAX_TEXT = review.MAX_TEXT
MAX_NAMES = 2000
#: Alert kinds a ``red`` item already covers (the same KPI off track).
_COVERED_BY_RED = frozenset({"red", "floor", "band", "no_action"})

__all__ = [
    "AgendaItem",
    "AgendaProblem",
    "Minutes",
    "MinutesItem",
    "add_item",
    "create_action_from_item",
    "decide",
    "discard",
    "drop_item",
    "finish",
    "item_title",
    "latest_minutes",
    "meetings",
    "minutes",
    "move_item",
    "plan",
    "propose",
    "record_minutes",
    "repropose",
    "update_action_from_item",
]


class AgendaProblem(access.AccessError):
    """A meeting change that cannot be stored as given (``key``/``params``:
    the sentence in the translation table)."""

    key = "agenda.problem"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class AgendaItem:
    """One item of a proposed agenda."""

    kind: str
    """One of :data:`KINDS`."""
    subject: str
    """What it is about: a KPI or task id (``red``), an action id
    (``action_due``, ``overdue``), the alert's ``KIND:KPI`` (``alert``;
    ``missing`` for a month's missing figures), a child unit id
    (``unit_fell``), '' (``custom``)."""
    unit_id: str
    """The unit the item concerns (the action's or the KPI's unit, the child that fell)."""
    figures: Mapping[str, object] = field(default_factory=dict)
    """Plain JSON values, per kind (see :func:`propose`)."""
    title: str = ""
    """The chair's own words (``custom`` items); '' for proposed items."""

    def as_row(self) -> dict:
        """The item as :meth:`Store.create_meeting` stores it."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "unit_id": self.unit_id,
            "title": self.title or None,
            "figures": json.dumps(dict(self.figures), ensure_ascii=False, sort_keys=True),
        }


@dataclass(frozen=True)
class MinutesItem:
    """An item of a meeting's agenda as stored (in the minutes once held)."""

    item_no: int
    position: int
    kind: str
    subject: str
    unit_id: str
    title: str
    figures: Mapping[str, object]
    dropped: bool
    added_by_chair: bool
    decision: str
    decided_by: str
    actions: tuple[tuple[int, str], ...]
    """(action_id, ``created`` / ``updated``) of the actions linked to the item."""


@dataclass(frozen=True)
class Minutes:
    """A meeting: its agenda while planned, its minutes once held."""

    meeting_id: int
    unit_id: str
    period: str
    status: str
    """``planned`` or ``held``."""
    held_on: date | None
    chair: str
    attendees: str
    items: tuple[MinutesItem, ...]
    """In agenda order, dropped ones included (``dropped`` True)."""
    actions: pd.DataFrame
    """The linked actions the reader may see (:func:`kpi_core.review.actions`
    columns, ``overdue`` as of today, owners as :func:`owner_shown` gives
    them in ``owner_kind``/``owner_shown``)."""
    hidden_items: int = 0
    """Items about units outside the reader's scope, left out of ``items``."""
    created_by: str = ""
    updated_at: datetime | None = None

    @property
    def shown(self) -> tuple[MinutesItem, ...]:
        """The items not dropped, in order."""
        return tuple(i for i in self.items if not i.dropped)


# --------------------------------------------------------------------------- owners


def owner_shown(owner: str, org: Org, scope: access.Scope | None, users: pd.DataFrame, mask_persons: bool) -> tuple:
    """(kind, value) of an action's owner for a reader of ``scope``: ``unit``
    and a unit id, ``account`` and a display name, or ``hidden`` and ''.
    With ``mask_persons`` an account tied to a person is given as that
    person's unit (a masked organisation numbers it)."""
    found = review.owner_of(owner, org, scope, users)
    if found.kind == "account" and mask_persons and not users.empty:
        row = users[users["name"] == owner]
        unit = row.iloc[0].get("unit_id") if not row.empty else None
        if isinstance(unit, str) and unit in org and org.kind(unit) == "person":
            return ("unit", unit)
    return (found.kind, found.value)


# --------------------------------------------------------------------------- the proposal


def _num(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return round(number, 6) if math.isfinite(number) else None


def _plain(value: object) -> object:
    """A JSON-friendly value (numpy scalars, NaN as None, dates as ISO text)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def window(store: Store, unit_id: str, period: str, today: date) -> tuple[date, date, dict | None]:
    """(since, until, last meeting): the days whose due actions open the
    agenda: after the last held meeting of the unit about an earlier month
    (its day excluded), else from the month's first day; up to ``today``."""
    last = store.last_held_meeting(unit_id, period)
    held = last.get("held_on") if last else None
    if held is not None and not pd.isna(held):
        since = pd.Timestamp(held).date() + timedelta(days=1)
    else:
        since = date.fromisoformat(month_date(period))
    return since, today, last


def _action_items(
    store: Store,
    org: Org,
    scope: access.Scope | None,
    unit_id: str,
    since: date,
    until: date,
    mask_persons: bool,
) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """(due since the last meeting, overdue from before)."""
    units = org.subtree(unit_id)
    if scope is not None and not scope.persons:
        units = [u for u in units if org.kind(u) != "person"]
    found = review.actions(store, scope, units, today=until)
    if found.empty:
        return [], []
    users = store.users()
    due = pd.to_datetime(found["due"]).dt.date
    inside = (due >= since) & (due <= until)
    before = (due < since) & found["overdue"].astype(bool)
    out: tuple[list[AgendaItem], list[AgendaItem]] = ([], [])
    for which, mask in ((0, inside), (1, before)):
        rows = found[mask.to_numpy()].assign(due_day=due[mask.to_numpy()])
        rows = rows.sort_values(["due_day", "action_id"])
        for row in rows.itertuples(index=False):
            owner_kind, owner = owner_shown(str(row.owner), org, scope, users, mask_persons)
            overdue_days = (until - row.due_day).days if row.status in review.OPEN_STATUSES else 0
            out[which].append(
                AgendaItem(
                    kind=("action_due", "overdue")[which],
                    subject=str(int(row.action_id)),
                    unit_id=str(row.unit_id),
                    figures=_plain(
                        {
                            "action_id": int(row.action_id),
                            "title": str(row.title),
                            "due": row.due_day,
                            "status": str(row.status),
                            "owner_kind": owner_kind,
                            "owner": owner,
                            "kpi_ids": [k for k in str(row.kpi_ids).split(",") if k],
                            "days_overdue": max(overdue_days, 0),
                        }
                    ),
                )
            )
    # the longest overdue first
    out[1].sort(key=lambda i: (-int(i.figures["days_overdue"]), int(i.figures["action_id"])))
    return out


def _red_streaks(store: Store, unit_id: str, period: str, ids: list[str], scope: access.Scope | None) -> dict:
    """kpi_id -> months red in a row up to ``period`` (1: turned red now)."""
    months = [shift_month(period, -i) for i in range(STREAK_MONTHS - 1, -1, -1)]
    history = scorecard.kpi_history(store, unit_id, months, scope=scope)
    out = {}
    for kpi_id in ids:
        rows = history[history["kpi_id"] == kpi_id]
        status = dict(zip(rows["period"], rows["status"], strict=True))
        count = 0
        for month in reversed(months):
            if status.get(month) != "red":
                break
            count += 1
        out[kpi_id] = max(count, 1)
    return out


def _red_items(store: Store, card: scorecard.Scorecard, scope: access.Scope | None) -> list[AgendaItem]:
    kpis = card.kpis
    if kpis.empty:
        return []
    red = kpis[(kpis["status"] == "red") & (kpis["role"] != "info")]
    if red.empty:
        return []
    streaks = _red_streaks(store, card.unit_id, card.period, red["kpi_id"].tolist(), scope)
    items = []
    for row in red.to_dict("records"):
        weight, points = _num(row.get("weight")) or 0.0, _num(row.get("points")) or 0.0
        lost = round(weight - points, 6)
        streak = streaks.get(row["kpi_id"], 1)
        items.append(
            AgendaItem(
                kind="red",
                subject=str(row["kpi_id"]),
                unit_id=card.unit_id,
                figures=_plain(
                    {
                        "kpi_id": row["kpi_id"],
                        "name": _text(row.get("name")),
                        "name_zh": _text(row.get("name_zh")),
                        "task": row.get("role") == TASK_ROLE,
                        "role": _text(row.get("role")),
                        "perspective": _text(row.get("perspective")),
                        "measure": _text(row.get("unit")),
                        "weight": weight,
                        "target": row.get("target"),
                        "actual": row.get("actual"),
                        "completion": row.get("completion"),
                        "score": row.get("score"),
                        "points": points,
                        "points_lost": lost,
                        "streak": streak,
                        "turned": streak == 1,
                    }
                ),
            )
        )
    items.sort(key=lambda i: (-float(i.figures["points_lost"]), -int(i.figures["streak"]), i.subject))
    return items


def _alert_row(r: Mapping[str, object]) -> dict:
    return {
        "kind": r["kind"],
        "severity": r["severity"],
        "unit_id": r["unit_id"],
        "kpi_id": r["kpi_id"],
        "period": r["period"],
        "message_key": r["message_key"],
        "params": dict(r["params"]),  # type: ignore[call-overload]
    }


def _alert_items(
    store: Store,
    unit_id: str,
    period: str,
    scope: access.Scope | None,
    red_ids: set[str],
    today: date,
    settings: alerts.AlertSettings | None,
) -> tuple[list[AgendaItem], dict[str, list[dict]]]:
    """(the new breaches and signals of KPIs that are not red, as items; the
    alerts of red KPIs other than the red itself, by KPI: their items show them)."""
    found = alerts.evaluate(store, period, [unit_id], settings, scope=scope, today=today)
    if found.empty:
        return [], {}
    found = found[(found["unit_id"] == unit_id) & found["severity"].isin(["critical", "warning"])]
    keep, attached = [], {}
    for row in found.to_dict("records"):
        if row["kpi_id"] in red_ids:
            if row["kind"] not in _COVERED_BY_RED:
                attached.setdefault(str(row["kpi_id"]), []).append(_plain(_alert_row(row)))
            continue
        streak = row.get("streak")
        if row["group"] == "breach" and streak is not None and not pd.isna(streak) and int(streak) > 1:
            continue  # not new: in breach for months already
        keep.append(row)
    items: list[AgendaItem] = []
    for line in alerts.lines(pd.DataFrame(keep, columns=found.columns)):
        first = line[0]
        subject = "missing" if first["kind"] == "missing" else f"{first['kind']}:{first['kpi_id']}"
        items.append(
            AgendaItem(
                kind="alert",
                subject=subject,
                unit_id=unit_id,
                figures=_plain(
                    {
                        "alert": first["kind"],
                        "severity": first["severity"],
                        "kpi_ids": [r["kpi_id"] for r in line],
                        "alerts": [_alert_row(r) for r in line],
                    }
                ),
            )
        )
    return items, attached


def _fell_items(
    store: Store, org: Org, card: scorecard.Scorecard, scope: access.Scope | None, max_units: int
) -> list[AgendaItem]:
    children = org.children(card.unit_id)
    if scope is not None:
        children = scope.visible_children(card.unit_id, children)
    if not children or max_units <= 0:
        return []
    before = shift_month(card.period, -1)
    now = scores.unit_figures(store, children, card.period, "month").set_index("unit_id")
    then = scores.unit_figures(store, children, before, "month").set_index("unit_id")
    rows = []
    for unit in children:
        if unit not in now.index or unit not in then.index:
            continue
        total, previous = _num(now.at[unit, "total"]), _num(then.at[unit, "total"])
        if total is None or previous is None:
            continue
        fall = round(previous - total, 6)
        if fall >= MIN_FALL:
            rows.append((fall, unit, total, previous, str(now.at[unit, "status"])))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return [
        AgendaItem(
            kind="unit_fell",
            subject=unit,
            unit_id=unit,
            figures=_plain(
                {
                    "total": total,
                    "previous": previous,
                    "fall": fall,
                    "status": status,
                    "previous_period": before,
                    "person": org.kind(unit) == "person",
                }
            ),
        )
        for fall, unit, total, previous, status in rows[:max_units]
    ]


def propose(
    store: Store,
    org: Org,
    unit_id: str,
    period: str,
    scope: access.Scope | None,
    *,
    today: date | None = None,
    mask_persons: bool = False,
    settings: alerts.AlertSettings | None = None,
    max_units: int = 3,
) -> list[AgendaItem]:
    """The proposed agenda of ``unit_id`` for ``period`` (YYYY-MM), as the
    module's docstring orders it: actions due since the last meeting, red
    KPIs and tasks by points lost, new breaches and signals, overdue
    actions, the child units that fell most. ``today`` is the meeting's day
    (default: the clock's); ``scope`` None reads everything (the CLI's
    local operator). Raises :class:`access.NotPermitted` for a unit outside
    ``scope``."""
    if scope is not None:
        scope.check(unit_id)
    today = today or date.today()
    since, until, _ = window(store, unit_id, period, today)
    due, overdue = _action_items(store, org, scope, unit_id, since, until, mask_persons)
    card = scorecard.build(store, unit_id, period, "month", org, scope=scope)
    red = _red_items(store, card, scope)
    found, attached = _alert_items(store, unit_id, period, scope, {i.subject for i in red}, today, settings)
    red = [replace(i, figures={**i.figures, "alerts": attached.get(i.subject, [])}) for i in red]
    fell = _fell_items(store, org, card, scope, max_units)
    return [*due, *red, *found, *overdue, *fell]


# --------------------------------------------------------------------------- titles


def _pct(value: object) -> str:
    number = _num(value)
    return "–" if number is None else f"{number * 100:.0f}%"


def _points(value: object) -> str:
    number = _num(value)
    return "–" if number is None else f"{number:.1f}"


def _kpi_name(kpi_id: str, lang: str, kpis: pd.DataFrame, figures: Mapping[str, object]) -> str:
    own = _text(figures.get("name_zh")) if lang == "zh" else ""
    own = own or _text(figures.get("name"))
    if own:
        return own
    found = kpis[kpis["kpi_id"] == kpi_id] if "kpi_id" in kpis else kpis.iloc[:0]
    if found.empty:
        return kpi_id
    row = found.iloc[0]
    zh = _text(row.get("name_zh"))
    return zh if lang == "zh" and zh else str(row["name"])


def owner_text(figures: Mapping[str, object], org: Org, lang: str) -> str:
    """The owner of an action item's figures as words (a unit's name in ``org``)."""
    kind, value = figures.get("owner_kind"), _text(figures.get("owner"))
    if kind == "unit" and value in org:
        return org.name(value, lang)
    if kind == "account" and value:
        return value
    return t("review.hidden", lang)


def item_title(
    item: AgendaItem | MinutesItem,
    lang: str,
    org: Org,
    kpis: pd.DataFrame,
    *,
    names: alerts.Names | None = None,
) -> str:
    """One line saying what the item is, in ``lang`` (plain text: escape it
    where Markdown renders). ``org``: the organisation as the reader may
    name it (``org.masked()`` on a shared screen); ``kpis``: the KPI
    dictionary (:meth:`Store.kpis`)."""
    f = item.figures
    unit = org.name(item.unit_id, lang) if item.unit_id in org else ""
    if item.kind == "custom":
        return item.title
    if item.kind in ("action_due", "overdue"):
        return t(
            f"agenda.title.{item.kind}",
            lang,
            id=item.subject,
            title=_text(f.get("title")),
            due=_text(f.get("due")),
            status=t(f"review.status.{f.get('status')}", lang),
            owner=owner_text(f, org, lang),
            days=int(f.get("days_overdue") or 0),
        )
    if item.kind == "red":
        key = "agenda.title.red_new" if f.get("turned") else "agenda.title.red"
        return t(
            key,
            lang,
            unit=unit,
            kpi=_kpi_name(item.subject, lang, kpis, f),
            months=alerts.months(int(f.get("streak") or 1), lang),
            completion=_pct(f.get("completion")),
            lost=_points(f.get("points_lost")),
        )
    if item.kind == "alert":
        names = names or alerts.Names.from_frames(org.units, kpis)
        line = [
            {**a, "params": dict(a.get("params") or {}), "severity": f.get("severity")} for a in f.get("alerts") or []
        ]
        return alerts.line_message(line, lang, names) if line else item.subject
    if item.kind == "unit_fell":
        return t(
            "agenda.title.unit_fell",
            lang,
            unit=unit,
            fall=_points(f.get("fall")),
            previous=_points(f.get("previous")),
            total=_points(f.get("total")),
        )
    return item.title or item.subject


# --------------------------------------------------------------------------- checks


def may_chair(viewer: access.Viewer | None, scope: access.Scope | None, unit_id: str) -> bool:
    """Whether ``viewer`` may prepare, chair and record the unit's meeting."""
    return access.permits(viewer, CHAIR_ACTION, scope, unit_id)


def _check(viewer: access.Viewer | None, scope: access.Scope | None, unit_id: str) -> None:
    if not may_chair(viewer, scope, unit_id):
        raise access.NotPermitted(f"not permitted: chair {unit_id}'s review", key="agenda.may_not", unit=unit_id)


def _meeting(store: Store, meeting_id: int, viewer, scope) -> dict:
    found = store.meeting(int(meeting_id))
    if found is None:
        raise AgendaProblem(f"there is no meeting {meeting_id}", key="agenda.no_meeting", meeting=meeting_id)
    _check(viewer, scope, str(found["unit_id"]))
    if found["status"] != "planned":
        raise AgendaProblem(f"meeting {meeting_id} is over", key="agenda.held")
    return found


def _item(store: Store, meeting_id: int, item_no: int) -> pd.Series:
    items = store.meeting_items(meeting_id)
    found = items[items["item_no"] == int(item_no)]
    if found.empty:
        raise AgendaProblem(f"meeting {meeting_id} has no item {item_no}", key="agenda.no_item", item=item_no)
    return found.iloc[0]


def _clean_text(text: object, limit: int, key: str) -> str:
    out = review.clean(text)
    if len(out) > limit:
        raise AgendaProblem("text too long", key=key, limit=limit)
    return out


# --------------------------------------------------------------------------- the meeting


def plan(
    store: Store,
    org: Org,
    unit_id: str,
    period: str,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    today: date | None = None,
    mask_persons: bool = False,
) -> int:
    """The unit's planned meeting about ``period``: the existing one, else a
    new one holding :func:`propose`'s agenda. Returns its id."""
    _check(viewer, scope, unit_id)
    found = store.planned_meeting(unit_id, period)
    if found is not None:
        return int(found["meeting_id"])
    items = propose(store, org, unit_id, period, scope, today=today, mask_persons=mask_persons)
    return store.create_meeting(unit_id, period[:7], [i.as_row() for i in items], by=by)


def repropose(
    store: Store,
    org: Org,
    meeting_id: int,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    today: date | None = None,
    mask_persons: bool = False,
) -> None:
    """Propose a planned meeting's agenda again (fresh figures); items with a
    decision or an action, and the chair's own, are kept after the new ones."""
    found = _meeting(store, meeting_id, viewer, scope)
    items = propose(
        store, org, str(found["unit_id"]), str(found["period"]), scope, today=today, mask_persons=mask_persons
    )
    kept = store.meeting_items(int(meeting_id))
    if not kept.empty:
        linked = set(store.meeting_links(int(meeting_id))["item_no"])
        held = kept[kept["decision"].notna() | kept["added_by_chair"] | kept["item_no"].isin(linked)]
        same = set(zip(held["kind"], held["subject"], strict=True))
        items = [i for i in items if (i.kind, i.subject) not in same]
    store.replace_meeting_items(int(meeting_id), [i.as_row() for i in items], by=by)


def move_item(
    store: Store,
    meeting_id: int,
    item_no: int,
    position: int,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
) -> bool:
    """Move an item to ``position`` (1-based) of the agenda."""
    _meeting(store, meeting_id, viewer, scope)
    _item(store, meeting_id, item_no)
    return store.move_meeting_item(int(meeting_id), int(item_no), int(position), by=by)


def drop_item(
    store: Store,
    meeting_id: int,
    item_no: int,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    dropped: bool = True,
) -> bool:
    """Drop an item from the agenda (``dropped`` False takes it back). It
    stays in the minutes, marked dropped."""
    _meeting(store, meeting_id, viewer, scope)
    _item(store, meeting_id, item_no)
    return store.set_meeting_item_dropped(int(meeting_id), int(item_no), dropped, by=by)


def add_item(
    store: Store,
    meeting_id: int,
    title: str,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    position: int | None = None,
) -> int:
    """Add the chair's own item (a title in any language); returns its item_no."""
    found = _meeting(store, meeting_id, viewer, scope)
    text = _clean_text(title, MAX_TITLE, "agenda.title_too_long")
    if not text:
        raise AgendaProblem("an item needs a title", key="agenda.title_needed")
    item = AgendaItem(kind="custom", subject="", unit_id=str(found["unit_id"]), title=text).as_row()
    item["added_by_chair"] = True
    return store.add_meeting_item(int(meeting_id), item, by=by, position=position)


def decide(
    store: Store,
    meeting_id: int,
    item_no: int,
    text: str,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
) -> bool:
    """Record the item's decision in words (empty removes it). Stored as
    typed (control characters dropped): always shown as text."""
    _meeting(store, meeting_id, viewer, scope)
    _item(store, meeting_id, item_no)
    decision = _clean_text(text, MAX_TEXT, "agenda.too_long")
    return store.set_meeting_decision(int(meeting_id), int(item_no), decision, by=by)


def create_action_from_item(
    store: Store,
    org: Org,
    meeting_id: int,
    item_no: int,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    title: str,
    owner: str,
    due: date,
    kpi_ids: Iterable[str],
    by: str,
) -> int:
    """Create an action from an agenda item (:func:`kpi_core.review.create_action`
    on the item's unit; its source names the meeting) and link it to the
    item. Returns the action's id."""
    found = _meeting(store, meeting_id, viewer, scope)
    item = _item(store, meeting_id, item_no)
    unit = item["unit_id"] if isinstance(item["unit_id"], str) and item["unit_id"] else str(found["unit_id"])
    action_id = review.create_action(
        store,
        org,
        viewer=viewer,
        scope=scope,
        unit_id=unit,
        title=title,
        owner=owner,
        due=due,
        kpi_ids=kpi_ids,
        period=str(found["period"]),
        by=by,
        source="agenda",
        source_ref=f"meeting:{int(meeting_id)}:{int(item_no)}",
    )
    store.link_meeting_action(int(meeting_id), int(item_no), action_id, "created", by=by)
    return action_id


def update_action_from_item(
    store: Store,
    meeting_id: int,
    item_no: int,
    action_id: int,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    status: str | None = None,
    due: date | None = None,
    note: str | None = None,
) -> bool:
    """Change an action's status and/or due date from an agenda item (kept in
    the action's history, the note saying which meeting) and link it to the
    item. False when nothing changed."""
    _meeting(store, meeting_id, viewer, scope)
    _item(store, meeting_id, item_no)
    action = store.action(int(action_id))
    if action is None:
        raise review.ReviewProblem(f"there is no action {action_id}", key="review.no_action", action=action_id)
    if not review.may_update(viewer, scope, action):
        raise access.NotPermitted(f"not permitted: action {action_id}", key="review.may_not", unit=action["unit_id"])
    if status is not None and status not in review.ACTION_STATUSES:
        raise review.ReviewProblem(f"unknown status {status!r}", key="review.bad_status", status=status)
    changed = store.update_action(
        int(action_id), by=by, status=status, due=due, note=_clean_text(note, MAX_TEXT, "agenda.too_long") or None
    )
    if changed:
        store.link_meeting_action(int(meeting_id), int(item_no), int(action_id), "updated", by=by)
    return changed


def finish(
    store: Store,
    meeting_id: int,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    held_on: date,
    chair: str,
    attendees: str,
    by: str,
) -> None:
    """End the meeting: its minutes (day, chair, attendees, items, decisions,
    actions) are kept from now on, read only."""
    _meeting(store, meeting_id, viewer, scope)
    chair_text = _clean_text(chair, MAX_TITLE, "agenda.chair_too_long")
    if not chair_text:
        raise AgendaProblem("the minutes need a chair", key="agenda.chair_needed")
    if not isinstance(held_on, date):
        raise AgendaProblem("the minutes need the meeting's day", key="agenda.day_needed")
    names = _clean_text(attendees, MAX_NAMES, "agenda.attendees_too_long")
    store.finish_meeting(int(meeting_id), held_on=held_on, chair=chair_text, attendees=names, by=by)


def discard(
    store: Store, meeting_id: int, *, viewer: access.Viewer | None, scope: access.Scope | None, by: str
) -> None:
    """Throw a planned meeting's agenda away (decisions recorded on it too)."""
    _meeting(store, meeting_id, viewer, scope)
    store.discard_meeting(int(meeting_id), by=by)


# --------------------------------------------------------------------------- reading meetings


def meetings(
    store: Store, scope: access.Scope | None, unit_id: str | None = None, *, held_only: bool = True
) -> pd.DataFrame:
    """The meetings the reader may see (of one unit), the latest first:
    :meth:`Store.meeting_rows` columns (meeting_id, unit_id, period, status,
    held_on, chair, attendees, items, decisions, actions ...)."""
    units = [unit_id] if unit_id is not None else None
    if scope is not None:
        units = scope.filter(units)
    found = store.meeting_rows(units, status="held" if held_only else None)
    return found.reset_index(drop=True)


def _figures(text: object) -> dict:
    if not isinstance(text, str) or not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def minutes(
    store: Store,
    scope: access.Scope | None,
    meeting_id: int,
    *,
    mask_persons: bool = False,
    org: Org | None = None,
    today: date | None = None,
) -> Minutes | None:
    """The meeting (its agenda while planned, its minutes once held); None
    when there is no such meeting or its unit is outside ``scope``. Items
    about a unit outside the scope are left out (``hidden_items`` counts
    them); so are actions of such units."""
    found = store.meeting(int(meeting_id))
    if found is None or (scope is not None and not scope.allows(str(found["unit_id"]))):
        return None
    org = org or Org.from_frame(store.units())
    rows = store.meeting_items(int(meeting_id))
    links = store.meeting_links(int(meeting_id))
    by_item: dict[int, list[tuple[int, str]]] = {}
    for link in links.itertuples(index=False):
        by_item.setdefault(int(link.item_no), []).append((int(link.action_id), str(link.how)))
    items, hidden = [], 0
    for row in rows.to_dict("records"):
        unit = _text(row.get("unit_id"))
        if unit and scope is not None and not scope.allows(unit):
            hidden += 1
            continue
        figures = _figures(row.get("figures"))
        if figures.get("owner_kind") == "account" and mask_persons:
            figures = _masked_owner(store, org, scope, figures)
        items.append(
            MinutesItem(
                item_no=int(row["item_no"]),
                position=int(row["position"]),
                kind=str(row["kind"]),
                subject=_text(row.get("subject")),
                unit_id=unit,
                title=_text(row.get("title")),
                figures=figures,
                dropped=bool(row["dropped"]),
                added_by_chair=bool(row["added_by_chair"]),
                decision=_text(row.get("decision")),
                decided_by=_text(row.get("decided_by")),
                actions=tuple(by_item.get(int(row["item_no"]), ())),
            )
        )
    ids = sorted({a for item in items for a, _ in item.actions})
    actions = _linked_actions(store, org, scope, ids, mask_persons, today)
    shown_ids = set(actions["action_id"].astype(int)) if not actions.empty else set()
    items = [
        item if all(a in shown_ids for a, _ in item.actions) else _without_hidden(item, shown_ids) for item in items
    ]
    held = found.get("held_on")
    return Minutes(
        meeting_id=int(found["meeting_id"]),
        unit_id=str(found["unit_id"]),
        period=str(found["period"]),
        status=str(found["status"]),
        held_on=None if held is None or pd.isna(held) else pd.Timestamp(held).date(),
        chair=_text(found.get("chair")),
        attendees=_text(found.get("attendees")),
        items=tuple(items),
        actions=actions,
        hidden_items=hidden,
        created_by=_text(found.get("created_by")),
        updated_at=found.get("updated_at"),
    )


def _without_hidden(item: MinutesItem, shown: set[int]) -> MinutesItem:
    return replace(item, actions=tuple((a, h) for a, h in item.actions if a in shown))


def _masked_owner(store: Store, org: Org, scope: access.Scope | None, figures: dict) -> dict:
    """An action item's figures with an owner account tied to a person given
    as the person's unit (as proposed with ``mask_persons``)."""
    users = store.users()
    match = users[users["display"] == figures.get("owner")] if not users.empty else users
    unit = match.iloc[0].get("unit_id") if len(match) else None
    if isinstance(unit, str) and unit in org and org.kind(unit) == "person":
        return {**figures, "owner_kind": "unit", "owner": unit}
    return figures


def _linked_actions(
    store: Store, org: Org, scope: access.Scope | None, ids: list[int], mask_persons: bool, today: date | None
) -> pd.DataFrame:
    found = store.actions(None)
    found = found[found["action_id"].isin(ids)]
    if scope is not None:
        found = found[found["unit_id"].map(scope.allows).astype(bool).to_numpy()]
    found = found.assign(overdue=review.overdue(found, today)).reset_index(drop=True)
    users = store.users()
    shown = [owner_shown(str(o), org, scope, users, mask_persons) for o in found["owner"]]
    return found.assign(owner_kind=[s[0] for s in shown], owner_shown=[s[1] for s in shown])


def latest_minutes(
    store: Store, scope: access.Scope | None, unit_id: str, before: str | None = None, *, mask_persons: bool = False
) -> Minutes | None:
    """The unit's latest held meeting (about a month before ``before``), or None."""
    if scope is not None and not scope.allows(unit_id):
        return None
    found = meetings(store, scope, unit_id)
    if before is not None and not found.empty:
        found = found[found["period"] < before[:7]]
    if found.empty:
        return None
    return minutes(store, scope, int(found.iloc[0]["meeting_id"]), mask_persons=mask_persons)


# --------------------------------------------------------------------------- seeding minutes


def record_minutes(
    store: Store,
    org: Org,
    *,
    unit_id: str,
    period: str,
    held_on: date,
    chair: str,
    attendees: str,
    items: Sequence[Mapping[str, object]],
    by: str,
    viewer: access.Viewer | None = None,
    scope: access.Scope | None = None,
) -> int:
    """Store the minutes of a meeting held on ``held_on`` in one transaction
    (the demo's past meeting; an import of minutes kept elsewhere). Returns
    the meeting's id.

    ``items``, in agenda order, each a dict: ``kind`` (one of :data:`KINDS`;
    default ``custom``), ``subject`` (a KPI id, an action id, a child unit),
    ``title`` (the words of a ``custom`` item), ``decision`` (text),
    ``dropped`` (bool), ``actions`` (list of (action_id, ``created`` or
    ``updated``), or plain action ids: ``created``). An item of a proposed
    kind must be on :func:`propose`'s agenda of that month as of ``held_on``
    (:class:`AgendaProblem` ``agenda.not_proposed`` otherwise) and takes that
    item's figures and unit; anything else is a ``custom`` item.
    """
    _check(viewer, scope, unit_id)
    if not isinstance(held_on, date):
        raise AgendaProblem("the minutes need the meeting's day", key="agenda.day_needed")
    proposal = {(i.kind, i.subject): i for i in propose(store, org, unit_id, period[:7], scope, today=held_on)}
    rows, links = [], []
    for number, spec in enumerate(items, start=1):
        kind = str(spec.get("kind") or "custom")
        if kind not in KINDS:
            raise AgendaProblem(f"unknown item kind {kind!r}", key="agenda.bad_kind", kind=kind)
        subject = str(spec.get("subject") or "")
        base = proposal.get((kind, subject))
        if base is None and kind != "custom":
            raise AgendaProblem(
                f"{kind} {subject} is not on the agenda of {unit_id} for {period[:7]}",
                key="agenda.not_proposed",
                kind=kind,
                subject=subject,
            )
        row = (base or AgendaItem(kind=kind, subject=subject, unit_id=str(spec.get("unit_id") or unit_id))).as_row()
        row["title"] = _clean_text(spec.get("title"), MAX_TITLE, "agenda.title_too_long") or row["title"]
        row["decision"] = _clean_text(spec.get("decision"), MAX_TEXT, "agenda.too_long") or None
        row["dropped"] = bool(spec.get("dropped", False))
        row["added_by_chair"] = kind == "custom"
        rows.append(row)
        for entry in spec.get("actions") or ():
            action_id, how = (entry, "created") if isinstance(entry, int) else (int(entry[0]), str(entry[1]))
            if store.action(int(action_id)) is None:
                raise AgendaProblem(f"there is no action {action_id}", key="review.no_action", action=action_id)
            links.append((number, int(action_id), how))
    return store.create_meeting(
        unit_id,
        period[:7],
        rows,
        by=by,
        status="held",
        held_on=held_on,
        chair=_clean_text(chair, MAX_TITLE, "agenda.chair_too_long"),
        attendees=_clean_text(attendees, MAX_NAMES, "agenda.attendees_too_long"),
        links=links,
    )
