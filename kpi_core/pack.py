"""The review pack (issue 16, item 6): what a unit's monthly business review
hands round, as plain data.

:func:`build` gathers, for one unit and month, everything the PDF, the
PowerPoint and the workbook show (:mod:`kpi_ui.pack_render` draws them):

* the headline (total, grade, status, coverage, the moment the figures were read);
* the four perspectives, each with its KPI and task rows;
* the units below (their totals), and every KPI row of the unit *and* of
  each unit below (the workbook's sheets);
* the agenda (:func:`kpi_core.agenda.propose`, or the held meeting's items),
  each KPI item with its last twelve months for a chart;
* this month's commentary of the unit and the units below;
* the decisions of the month's meeting (its minutes), and the action items.

The figures are the scorecard's (:func:`kpi_core.scorecard.build`, the same
as ``python -m kpi_core score --format json``): nothing is scored here.

**Who reads it.** With a reader's ``viewer`` the reader's scope applies as on
the pages: a unit outside it raises :class:`kpi_core.access.NotPermitted`,
and no unit, comment, action or owner outside it is listed. Without one (the
local operator of the CLI) everything is read. With ``mask_persons`` every
person is named "Person 3" (numbered as in meeting mode), their unit ids are
left out, and an account tied to a person is named as that person.

Texts are in the pack's language (``lang``): unit and KPI names, agenda
titles. Headings and labels are the renderer's (``pack.*`` translations).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from kpi_core import access, agenda, review, scorecard
from kpi_core.i18n import t
from kpi_core.model import TASK_ROLE
from kpi_core.months import shift_month
from kpi_core.org import Org
from kpi_core.store import Store

FORMATS: tuple[str, ...] = ("pdf", "pptx", "xlsx")
HISTORY_MONTHS = 12
CHART_FIELDS = ("kpi_id", "name", "name_zh", "direction", "unit", "green_at", "amber_at", "band_low", "band_high")


@dataclass(frozen=True)
class Row:
    """One KPI (or goal-setting task) of a unit's scorecard for the month."""

    unit_id: str
    unit_ref: str
    """The unit id as the pack may print it ('' for a masked person)."""
    unit_name: str
    unit_kind: str
    kpi_id: str
    name: str
    perspective: str
    role: str
    """``core``, ``aux``, ``info`` (shown, never scored) or ``task``."""
    weight: float | None
    target: float | None
    actual: float | None
    completion: float | None
    score: float | None
    points: float | None
    status: str
    measure: str
    """The unit of measure as the dictionary holds it (``10k CNY``, ``%`` ...)."""
    result: str | None = None
    """A task's latest assessment up to the month (its grade or events), as entered."""
    carried: str | None = None
    """The month the figures are carried from (a KPI not due this month), else None."""


@dataclass(frozen=True)
class Perspective:
    perspective: str
    weight: float | None
    points: float | None
    score: float | None
    status: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Child:
    """A unit below, with its month total."""

    unit_id: str
    unit_ref: str
    name: str
    kind: str
    total: float | None
    grade: str
    status: str
    coverage: float | None
    red: int
    amber: int
    green: int
    kpi_count: int


@dataclass(frozen=True)
class Point:
    """One month of a KPI at the unit (a chart's point)."""

    period: str
    target: float | None
    actual: float | None
    completion: float | None
    points: float | None
    status: str


@dataclass(frozen=True)
class AgendaEntry:
    number: int
    kind: str
    """The agenda's kind of item: ``red``, ``action_due``, ``alert``, ``overdue``, ``unit_fell``, ``custom``."""
    title: str
    unit_id: str | None = None
    kpi_id: str | None = None
    row: Row | None = None
    """The month's figures of the item's KPI at the pack's unit, when it is one."""
    kpi: dict = field(default_factory=dict)
    """The KPI's dictionary fields a chart needs (:data:`CHART_FIELDS`), when the item is a KPI."""
    history: tuple[Point, ...] = ()
    decision: str = ""


@dataclass(frozen=True)
class Comment:
    unit_name: str
    subject: str
    subject_name: str
    period: str
    analysis: str
    outlook: str
    written_by: str
    written_at: datetime | None


@dataclass(frozen=True)
class Action:
    action_id: int
    unit_name: str
    title: str
    owner: str
    due: date | None
    status: str
    overdue: bool
    kpis: str
    """The linked KPIs' names, comma-separated."""


@dataclass(frozen=True)
class Meeting:
    """The month's meeting as its minutes keep it."""

    held_on: date | None
    chair: str
    attendees: str
    decisions: tuple[tuple[str, str], ...]
    """(item title, decision) of each item with a decision, in the agenda's order."""


@dataclass(frozen=True)
class Pack:
    unit_id: str
    unit_ref: str
    unit_name: str
    unit_kind: str
    period: str
    lang: str
    total: float | None
    grade: str
    status: str
    coverage: float | None
    as_of: datetime
    """When the figures were read."""
    masked: bool
    perspectives: tuple[Perspective, ...]
    children: tuple[Child, ...]
    detail: tuple[Row, ...]
    """Every row of the unit and of each unit below shown (the unit's first)."""
    agenda: tuple[AgendaEntry, ...]
    comments: tuple[Comment, ...]
    meeting: Meeting | None
    actions: tuple[Action, ...]
    figures: dict
    """The unit's scorecard in the shape of ``score --format json``."""


class PackProblem(access.AccessError):
    """A pack that cannot be made as asked (``key``/``params`` name the sentence)."""

    key = "pack.problem"


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class _Context:
    store: Store
    org: Org
    shown: Org
    """The organisation as the pack names it (persons numbered when masked)."""
    scope: access.Scope | None
    lang: str
    masked: bool
    kpis: pd.DataFrame
    users: pd.DataFrame
    numbered: dict[str, str]
    """Each person's name (English and Chinese) -> their number, when persons are masked."""
    names: re.Pattern[str] | None
    """Any of those names (the longest first), when persons are masked."""

    def scrub(self, text: str) -> str:
        """Typed text with each person's name replaced by their number (when masked)."""
        if self.names is None or not text:
            return text
        return self.names.sub(lambda m: self.numbered[m.group(0)], text)

    def unit_name(self, unit_id: str) -> str:
        return self.shown.name(unit_id, self.lang) if unit_id in self.shown else unit_id

    def unit_ref(self, unit_id: str) -> str:
        return "" if self.masked and self.org.kind(unit_id) == "person" else unit_id

    def kpi_name(self, kpi_id: str) -> str:
        if kpi_id in self.kpis.index:
            return _named(self.kpis.loc[kpi_id], self.lang)
        return kpi_id


def build(
    store: Store,
    unit_id: str,
    period: str,
    *,
    lang: str = "en",
    viewer: access.Viewer | None = None,
    mask_persons: bool = False,
    now: datetime | None = None,
    today: date | None = None,
) -> Pack:
    """The review pack of ``unit_id`` for the month ``period`` as ``viewer``
    may read it (None: everything). :class:`kpi_core.access.NotPermitted`
    outside the reader's scope; :class:`PackProblem` for a unit that does not
    exist or has no scorecard that year."""
    org = Org.from_frame(store.units())
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    if scope is not None:
        scope.check(unit_id)
    if unit_id not in org:
        raise PackProblem(f"no unit {unit_id!r}", key="cli.unknown_unit", unit=unit_id)
    shown = org.masked(t("access.person_n", "en"), t("access.person_n", "zh")) if mask_persons else org
    kpis = store.kpis().set_index("kpi_id", drop=False)
    numbered = _numbers(org, shown, lang) if mask_persons else {}
    ctx = _Context(store, org, shown, scope, lang, mask_persons, kpis, store.users(), numbered, _pattern(numbered))
    card = scorecard.build(store, unit_id, period, "month", org, scope=scope)
    if card.kpis.empty:
        raise PackProblem(
            f"{unit_id} has no KPIs in {period[:4]}", key="cli.no_assignments", unit=unit_id, year=period[:4]
        )
    rows = _rows(ctx, card)
    perspectives = tuple(_perspective(p, rows) for p in card.perspectives.itertuples())
    child_cards = [scorecard.build(store, c, period, "month", org, scope=scope) for c in card.children["unit_id"]]
    meeting = _month_meeting(ctx, unit_id, period)
    return Pack(
        unit_id=unit_id,
        unit_ref=ctx.unit_ref(unit_id),
        unit_name=ctx.unit_name(unit_id),
        unit_kind=org.kind(unit_id),
        period=period,
        lang=lang,
        total=_num(card.total),
        grade=card.grade,
        status=card.status,
        coverage=_num(card.coverage),
        as_of=now or datetime.now().replace(microsecond=0),
        masked=mask_persons,
        perspectives=perspectives,
        children=tuple(_child(ctx, c) for c in card.children.itertuples()),
        detail=tuple(rows) + tuple(r for c in child_cards for r in _rows(ctx, c)),
        agenda=_agenda(ctx, card, {r.kpi_id: r for r in rows}, meeting, today),
        comments=_comments(ctx, [unit_id, *card.children["unit_id"]], period, rows),
        meeting=_meeting(ctx, meeting),
        actions=_actions(ctx, unit_id, today),
        figures=card.as_dict(),
    )


def _pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of ``names``, the longest first (None for none)."""
    ordered = sorted(names, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in ordered)) if ordered else None


def _numbers(org: Org, shown: Org, lang: str) -> dict[str, str]:
    """Each person's name (either language) -> their number in ``shown`` ("Person 3")."""
    persons = org.units[org.units["kind"] == "person"]
    out = {}
    for unit_id, name, name_zh in zip(persons["unit_id"], persons["name"], persons["name_zh"], strict=True):
        for n in (name, name_zh):
            if isinstance(n, str) and n.strip():
                out[n] = shown.name(unit_id, lang)
    return out


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _named(row: pd.Series | dict, lang: str) -> str:
    zh = row.get("name_zh")
    if lang == "zh" and isinstance(zh, str) and zh:
        return zh
    return str(_text(row.get("name")) or row.get("kpi_id"))


def _rows(ctx: _Context, card: scorecard.Scorecard) -> list[Row]:
    unit = card.unit_id
    common = {
        "unit_id": unit,
        "unit_ref": ctx.unit_ref(unit),
        "unit_name": ctx.unit_name(unit),
        "unit_kind": ctx.org.kind(unit),
    }
    out = []
    for r in card.kpis.to_dict("records"):
        out.append(
            Row(
                **common,
                kpi_id=str(r["kpi_id"]),
                name=_named(r, ctx.lang),
                perspective=str(r["perspective"]),
                role=str(r["role"]),
                weight=_num(r["weight"]),
                target=_num(r["target"]),
                actual=_num(r["actual"]),
                completion=_num(r["completion"]),
                score=_num(r["score"]),
                points=_num(r["points"]),
                status=str(r["status"]),
                measure=_text(r.get("unit")) or "",
                result=_text(r.get("result")) if r["role"] == TASK_ROLE else None,
                carried=_text(r.get("as_of")),
            )
        )
    return out


def _perspective(p, rows: list[Row]) -> Perspective:
    return Perspective(
        perspective=p.perspective,
        weight=_num(p.weight),
        points=_num(p.points),
        score=_num(p.score),
        status=str(p.status),
        rows=tuple(r for r in rows if r.perspective == p.perspective),
    )


def _child(ctx: _Context, c) -> Child:
    return Child(
        unit_id=c.unit_id,
        unit_ref=ctx.unit_ref(c.unit_id),
        name=ctx.unit_name(c.unit_id),
        kind=str(c.kind),
        total=_num(c.total),
        grade=str(c.grade),
        status=str(c.status),
        coverage=_num(c.coverage),
        red=int(c.red) if not pd.isna(c.red) else 0,
        amber=int(c.amber) if not pd.isna(c.amber) else 0,
        green=int(c.green) if not pd.isna(c.green) else 0,
        kpi_count=int(c.kpi_count),
    )


# --------------------------------------------------------------------------- the agenda


def _agenda(
    ctx: _Context, card: scorecard.Scorecard, rows: dict[str, Row], meeting: agenda.Minutes | None, today: date | None
) -> tuple[AgendaEntry, ...]:
    """The month's agenda: the items of the month's meeting (as the chair
    left them) when there is one, else the proposed agenda
    (:func:`kpi_core.agenda.propose`). A KPI item of the unit carries its
    figures and its last twelve months."""
    if meeting is not None:
        items = [(i, i.decision) for i in meeting.shown]
    else:
        proposed = agenda.propose(
            ctx.store, ctx.org, card.unit_id, card.period, ctx.scope, today=today, mask_persons=ctx.masked
        )
        items = [(i, "") for i in proposed]
    kpi_ids = [_item_kpi(item, card.unit_id, rows) for item, _ in items]
    history = _history(ctx, card.unit_id, card.period, [k for k in kpi_ids if k])
    return tuple(
        AgendaEntry(
            number=n,
            kind=item.kind,
            title=ctx.scrub(agenda.item_title(item, ctx.lang, ctx.shown, ctx.kpis)),
            unit_id=item.unit_id or None,
            kpi_id=kpi_id,
            row=rows.get(kpi_id) if kpi_id else None,
            kpi=_chart_fields(ctx, kpi_id) if kpi_id in history else {},
            history=history.get(kpi_id, ()) if kpi_id else (),
            decision=ctx.scrub(decision),
        )
        for n, ((item, decision), kpi_id) in enumerate(zip(items, kpi_ids, strict=True), start=1)
    )


def _item_kpi(item: agenda.AgendaItem | agenda.MinutesItem, unit_id: str, rows: dict[str, Row]) -> str | None:
    """The KPI (or task) of the unit an agenda item is about: a red one's
    subject, an alert's ``KIND:KPI``; None for other items."""
    if item.unit_id != unit_id or item.kind not in ("red", "alert"):
        return None
    kpi_id = item.subject.split(":", 1)[1] if item.kind == "alert" and ":" in item.subject else item.subject
    return kpi_id if kpi_id in rows else None


def _history(ctx: _Context, unit_id: str, period: str, kpi_ids: list[str]) -> dict[str, tuple[Point, ...]]:
    """The last twelve months (to ``period``) of each of ``kpi_ids`` at the unit."""
    if not kpi_ids:
        return {}
    months = [shift_month(period, -k) for k in range(HISTORY_MONTHS - 1, -1, -1)]
    found = scorecard.kpi_history(ctx.store, unit_id, months, scope=ctx.scope)
    found = found[found["kpi_id"].isin(kpi_ids)].sort_values("period")
    out: dict[str, tuple[Point, ...]] = {}
    for kpi_id, rows in found.groupby("kpi_id"):
        out[str(kpi_id)] = tuple(
            Point(
                period=str(r["period"]),
                target=_num(r["target"]),
                actual=_num(r["actual"]),
                completion=_num(r["completion"]),
                points=_num(r["points"]),
                status=str(r["status"]),
            )
            for r in rows.to_dict("records")
        )
    return out


def _chart_fields(ctx: _Context, kpi_id: str | None) -> dict:
    if kpi_id is None or kpi_id not in ctx.kpis.index:
        return {}
    row = ctx.kpis.loc[kpi_id]
    return {f: (None if not isinstance(row.get(f), str) and pd.isna(row.get(f)) else row.get(f)) for f in CHART_FIELDS}


# --------------------------------------------------------------------------- commentary, meeting, actions


def _comments(ctx: _Context, unit_ids: list[str], period: str, rows: list[Row]) -> tuple[Comment, ...]:
    """The month's comments of the unit and the units below the reader may see."""
    names = {r.kpi_id: r.name for r in rows}
    shown = [u for u in unit_ids if ctx.scope is None or ctx.scope.allows(u)]
    found = ctx.store.comments(shown, period=period) if shown else ctx.store.comments([])
    order = {u: i for i, u in enumerate(unit_ids)}
    found = found.assign(_o=found["unit_id"].map(order)).sort_values(["_o", "subject"])
    return tuple(
        Comment(
            unit_name=ctx.unit_name(c["unit_id"]),
            subject=str(c["subject"]),
            subject_name=names.get(c["subject"]) or ctx.kpi_name(str(c["subject"])),
            period=str(c["period"]),
            analysis=ctx.scrub(_text(c["analysis"]) or ""),
            outlook=ctx.scrub(_text(c["outlook"]) or ""),
            written_by=_who(ctx, c["written_by"]),
            written_at=pd.Timestamp(c["written_at"]).to_pydatetime() if not pd.isna(c["written_at"]) else None,
        )
        for c in found.to_dict("records")
    )


def _who(ctx: _Context, name: object) -> str:
    """An account (or a unit) as the reader may see it: hidden outside the
    scope, named as its person ("Person 3") when persons are masked."""
    if not isinstance(name, str) or not name:
        return ""
    found = review.owner_of(name, ctx.org, ctx.scope, ctx.users)
    if found.kind == "unit":
        return ctx.unit_name(found.value)
    if found.kind == "hidden":
        return t("review.hidden", ctx.lang)
    row = ctx.users[ctx.users["name"] == name].iloc[0]
    unit = row.get("unit_id")
    if ctx.masked and isinstance(unit, str) and unit in ctx.org and ctx.org.kind(unit) == "person":
        return ctx.unit_name(unit)
    return ctx.scrub(found.value)


def _actions(ctx: _Context, unit_id: str, today: date | None) -> tuple[Action, ...]:
    """The actions of the unit and the units below the reader may see: open
    and in progress ones (overdue first), then those closed."""
    found = review.actions(ctx.store, ctx.scope, ctx.org.subtree(unit_id), today=today)
    if found.empty:
        return ()
    closed = ~found["status"].isin(review.OPEN_STATUSES)
    found = (
        found.assign(_c=closed, _o=~found["overdue"])
        .sort_values(["_c", "_o", "due", "action_id"])
        .drop(columns=["_c", "_o"])
    )
    return tuple(
        Action(
            action_id=int(a["action_id"]),
            unit_name=ctx.unit_name(a["unit_id"]),
            title=ctx.scrub(str(a["title"])),
            owner=_who(ctx, a["owner"]),
            due=pd.Timestamp(a["due"]).date() if not pd.isna(a["due"]) else None,
            status=str(a["status"]),
            overdue=bool(a["overdue"]),
            kpis=", ".join(ctx.kpi_name(k) for k in str(a["kpi_ids"]).split(",") if k),
        )
        for a in found.to_dict("records")
    )


def _month_meeting(ctx: _Context, unit_id: str, period: str) -> agenda.Minutes | None:
    """The unit's meeting about the month (a held one before a planned one), or None."""
    found = agenda.meetings(ctx.store, ctx.scope, unit_id, held_only=False)
    found = found[found["period"] == period[:7]] if not found.empty else found
    if found.empty:
        return None
    held = found[found["status"] == "held"]
    chosen = held.iloc[0] if not held.empty else found.iloc[0]
    return agenda.minutes(ctx.store, ctx.scope, int(chosen["meeting_id"]), mask_persons=ctx.masked, org=ctx.org)


def _meeting(ctx: _Context, found: agenda.Minutes | None) -> Meeting | None:
    """The month's meeting as the pack states it: its day, chair, attendees and decisions."""
    if found is None:
        return None
    decisions = tuple(
        (ctx.scrub(agenda.item_title(i, ctx.lang, ctx.shown, ctx.kpis)), ctx.scrub(i.decision))
        for i in found.shown
        if i.decision
    )
    held = found.held_on if found.status == "held" else None
    return Meeting(
        held_on=held, chair=_chair(ctx, found.chair), attendees=ctx.scrub(found.attendees), decisions=decisions
    )


def _chair(ctx: _Context, chair: str) -> str:
    """The chair: an account as the reader may see it, or the name as typed."""
    known = not ctx.users.empty and chair in set(ctx.users["name"])
    return _who(ctx, chair) if known else ctx.scrub(chair)
