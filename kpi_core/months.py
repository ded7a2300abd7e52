"""Month arithmetic, in one place: months are written "YYYY-MM" everywhere in
the product (files, URLs, the engine), stored as the DATE of their first day,
and counted as consecutive integers where the engine lays them on an axis.

A leaf module: it imports nothing of the product, so the store, the engine
and the pages can all use it.
"""

from __future__ import annotations


def month_index(period: str) -> int:
    """'2026-03' -> 2026 * 12 + 2: months as consecutive integers.

    >>> month_index("2026-01") - month_index("2025-12")
    1
    """
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def month_text(index: int) -> str:
    """The inverse of :func:`month_index`.

    >>> month_text(month_index("2026-03"))
    '2026-03'
    """
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_date(period: str) -> str:
    """'2026-03' -> '2026-03-01', the DATE a month is stored as."""
    return f"{period[:7]}-01"


def shift_month(period: str, months: int) -> str:
    """``period`` moved by ``months`` (negative: back).

    >>> shift_month("2026-10", -12), shift_month("2026-01", -1)
    ('2025-10', '2025-12')
    """
    return month_text(month_index(period) + months)


def months_between(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` (both included), oldest first.

    >>> months_between("2025-11", "2026-02")
    ['2025-11', '2025-12', '2026-01', '2026-02']
    """
    return [month_text(i) for i in range(month_index(start), month_index(end) + 1)]


def months_of(year: int) -> list[str]:
    """The twelve months of ``year``.

    >>> months_of(2026)[0], months_of(2026)[-1]
    ('2026-01', '2026-12')
    """
    return months_between(f"{year:04d}-01", f"{year:04d}-12")


def window(period: str, view: str) -> tuple[str, str]:
    """First and last month that a view of ``period`` covers: the month itself,
    the quarter to date, or the year to date.

    >>> window("2026-05", "month"), window("2026-05", "quarter"), window("2026-05", "ytd")
    (('2026-05', '2026-05'), ('2026-04', '2026-05'), ('2026-01', '2026-05'))
    """
    year, month = int(period[:4]), int(period[5:7])
    if view == "month":
        first = month
    elif view == "quarter":
        first = (month - 1) // 3 * 3 + 1
    elif view == "ytd":
        first = 1
    else:
        raise ValueError(f"unknown view {view!r}")
    return f"{year:04d}-{first:02d}", period


def previous_period(period: str, view: str = "month") -> str:
    """The period a view of ``period`` is compared with: the month before, or
    the same month of the previous quarter.

    >>> previous_period("2026-01"), previous_period("2026-05", "quarter")
    ('2025-12', '2026-02')
    """
    return shift_month(period, -3 if view == "quarter" else -1)
