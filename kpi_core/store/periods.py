"""Store queries: closed months (issue 13).

An admin closes a month after its review; from then on every write that would
change that month's figures is refused with :class:`PeriodClosedError`, which
names the month, who closed it and when. Reopening is an audited action: it
writes a ``change_log`` row (entity ``period``), as closing does, so the log
keeps every close and reopen even after the ``closed_periods`` row is gone.

What "touches" a month, checked inside each write's own transaction (the same
cursor reads ``closed_periods``, so a refused write stores nothing):

- a target or actual (an upload, a restatement, a rollback, a design-page
  target edit): its month;
- an assignment (uploaded, rolled back, or edited on the design page): every
  month of its year, since its weight and role score each of them;
- a KPI's scoring rule (direction, accumulation, perspective, floor, cap,
  tiers, band, colour thresholds, blend; uploaded, rolled back or edited):
  every closed month of a year in which the KPI is assigned to any unit,
  since the rule rescores all of them. The latest such month is named. Names,
  definitions and other descriptive fields may still be edited.

Unit files are not checked (a unit's name or parent changes no figure).

Within one process writes are serialised by the store's lock, and a DuckDB
file has one writing process, so a close cannot slip between a write's check
and its commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pandas as pd

from kpi_core.model import KPI_RULE_COLUMNS, field_changes
from kpi_core.months import month_date
from kpi_core.store.base import StoreError

#: The KPI fields that change how (or under which perspective) a month scores.
SCORED_KPI_FIELDS: tuple[str, ...] = (
    "direction",
    "accumulation",
    "perspective",
    *KPI_RULE_COLUMNS,
    "frequency",  # which months are due (issue 14)
    "formula",  # a calculated KPI's actuals
)

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class PeriodClosedError(StoreError):
    """A write that would change a closed month; nothing of it was stored."""


def valid_month(text: str) -> bool:
    """Whether ``text`` is a month written YYYY-MM.

    >>> valid_month("2026-03"), valid_month("2026-13"), valid_month("2026-3")
    (True, False, False)
    """
    return isinstance(text, str) and _MONTH.fullmatch(text) is not None


def _month(period: str) -> str:
    if not valid_month(period):
        raise ValueError(f"{period!r} is not a month written YYYY-MM")
    return period


def _month_text(value: object) -> str:
    """A stored or incoming month (DATE, Timestamp or "YYYY-MM[-DD]") as "YYYY-MM"."""
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)[:7]


def _refusal(row: tuple, *, key: str = "store.period_closed", **params: object) -> PeriodClosedError:
    """The refusal for a closed month ``row`` (period text, closed_by, closed_at)."""
    period, closed_by, closed_at = row[:3]
    on = f"{closed_at:%Y-%m-%d}"
    why = {
        "store.period_closed": "reopen it before changing its figures.",
        "store.period_closed_year": f"an assignment of {params.get('year')} scores every month of that year; "
        "reopen the month first.",
        "store.period_closed_rule": f"changing how {params.get('kpi')} scores would change its figures; "
        "reopen the month first.",
    }[key]
    return PeriodClosedError(
        f"{period} is closed (by {closed_by} on {on}); {why} Nothing was stored.",
        key=key,
        period=period,
        by=closed_by,
        on=on,
        **params,
    )


def _any_closed(cur) -> bool:
    return bool(cur.execute("SELECT count(*) FROM closed_periods").fetchone()[0])


def check_months_open(cur, months: Iterable[object]) -> None:
    """Refuse (:class:`PeriodClosedError`, the earliest closed month named)
    when any of ``months`` is closed."""
    if not _any_closed(cur):  # the usual case, and no need to look at 100,000 rows
        return
    texts = sorted({_month_text(m) for m in months if not pd.isna(m)})
    if not texts:
        return
    found = cur.execute(
        """SELECT strftime(period, '%Y-%m'), closed_by, closed_at FROM closed_periods
           WHERE list_contains(?::DATE[], period) ORDER BY period LIMIT 1""",
        [[month_date(t) for t in texts]],
    ).fetchone()
    if found is not None:
        raise _refusal(found)


def check_years_open(cur, years: Iterable[object]) -> None:
    """Refuse when any month of one of ``years`` is closed (an assignment
    scores every month of its year)."""
    if not _any_closed(cur):
        return
    wanted = sorted({int(y) for y in years if not pd.isna(y)})
    if not wanted:
        return
    found = cur.execute(
        """SELECT strftime(period, '%Y-%m'), closed_by, closed_at, year(period) FROM closed_periods
           WHERE list_contains(?::INTEGER[], year(period)) ORDER BY period LIMIT 1""",
        [wanted],
    ).fetchone()
    if found is not None:
        raise _refusal(found, key="store.period_closed_year", year=int(found[3]))


def check_rules_open(cur, kpi_ids: Iterable[str]) -> None:
    """Refuse a change of how ``kpi_ids`` score when one of them is assigned
    (to any unit) in a year with a closed month; the latest such month is named."""
    if not _any_closed(cur):
        return
    wanted = sorted({str(k) for k in kpi_ids})
    if not wanted:
        return
    found = cur.execute(
        """SELECT strftime(c.period, '%Y-%m'), c.closed_by, c.closed_at, min(a.kpi_id)
           FROM closed_periods c JOIN assignments a ON a.year = year(c.period)
           WHERE list_contains(?::VARCHAR[], a.kpi_id)
           GROUP BY c.period, c.closed_by, c.closed_at ORDER BY c.period DESC LIMIT 1""",
        [wanted],
    ).fetchone()
    if found is not None:
        raise _refusal(found, key="store.period_closed_rule", kpi=found[3])


def rule_changed(old: Mapping[str, object] | None, new: Mapping[str, object]) -> bool:
    """Whether an edit changes a stored KPI's scoring fields (a new KPI has no history: no).

    >>> rule_changed({"cap": 1.2, "name": "Revenue"}, {"cap": 1.2, "name": "Sales"})
    False
    >>> rule_changed({"cap": 1.2}, {"cap": 1.5})
    True
    """
    return old is not None and bool(field_changes(old, new, SCORED_KPI_FIELDS))


class PeriodQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def closed_periods(self) -> pd.DataFrame:
        """The closed months, oldest first: period ("YYYY-MM"), closed_by, closed_at, note."""
        return (
            self.cursor()
            .execute(
                """SELECT strftime(period, '%Y-%m') AS period, closed_by, closed_at, note
                   FROM closed_periods ORDER BY period"""
            )
            .df()
        )

    def close_period(self, period: str, *, closed_by: str, note: str | None = None) -> None:
        """Close ``period`` ("YYYY-MM"); logged in the change log (the note is its reason).
        A month already closed is refused with the name of who closed it."""
        period = _month(period)
        closed_by = (closed_by or "").strip()
        if not closed_by:
            raise ValueError("closing a month needs the name of who closes it")
        note = (note or "").strip() or None
        now = datetime.now()
        with self.transaction() as cur:
            found = cur.execute(
                "SELECT strftime(period, '%Y-%m'), closed_by, closed_at FROM closed_periods WHERE period = ?::DATE",
                [month_date(period)],
            ).fetchone()
            if found is not None:
                on = f"{found[2]:%Y-%m-%d}"
                raise StoreError(
                    f"{period} is already closed (by {found[1]} on {on}); nothing was changed",
                    key="store.period_already_closed",
                    period=period,
                    by=found[1],
                    on=on,
                )
            cur.execute(
                "INSERT INTO closed_periods (period, closed_by, closed_at, note) VALUES (?::DATE, ?, ?, ?)",
                [month_date(period), closed_by, now, note],
            )
            _log(cur, now, closed_by, period, "false", "true", note or "closed")

    def reopen_period(self, period: str, *, reopened_by: str, reason: str) -> None:
        """Reopen a closed month, logging who, when and why in the change log."""
        period = _month(period)
        reopened_by = (reopened_by or "").strip()
        reason = (reason or "").strip()
        if not reopened_by:
            raise ValueError("reopening a month needs the name of who reopens it")
        if not reason:
            raise ValueError("a reason is required to reopen a month")
        now = datetime.now()
        with self.transaction() as cur:
            removed = cur.execute("DELETE FROM closed_periods WHERE period = ?::DATE", [month_date(period)]).fetchone()[
                0
            ]
            if not removed:
                raise StoreError(
                    f"{period} is not closed; nothing was changed", key="store.period_not_closed", period=period
                )
            _log(cur, now, reopened_by, period, "true", "false", reason)


def _log(cur, at: datetime, by: str, period: str, old: str, new: str, reason: str) -> None:
    cur.execute(
        """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
           VALUES (?, ?, 'period', ?, 'closed', ?, ?, ?)""",
        [at, by, period, old, new, reason],
    )
