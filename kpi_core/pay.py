"""Bonuses from scores and the pay mix (issue 17; seed 003, 激励兑现).

Pure rules first, then the one read of pay data, which checks the reader.

**The pay mix.** A person's annual total is split by the ``pay`` file's
percents (adding up to 100) into fixed pay, the performance bonus and the
long-term incentive. The monthly bonus base is
``annual_total x bonus_pct / 100 / 12``; a quarter's is three times that.
Seed 003's example: 120,000 a year at 30 / 60 / 10 is 3,000 fixed and a
6,000 bonus base a month (:func:`pay_mix`).

**Schemes** (the row's ``scheme``):

* ``target`` (目标达成制): bonus = base x credited achievement. The
  achievement is the person's total / 100 (``basis`` = ``total``; 100 points
  = every KPI on target) or the credited score of one KPI (``basis`` = a KPI
  id: its completion after the KPI's own floor, tiers and cap), for the month
  or, for a quarter, the engine's quarter view at the quarter's last month
  (the figures ``score --period YYYY-MM --view quarter`` gives). The credited
  achievement is the achievement limited to ``[floor, cap]`` (defaults 0 and
  1.5): the floor is a guaranteed share of the base (0.5 pays at least half
  of it), not a threshold below which nothing is paid.
* ``commission`` (业绩提成制): bonus = rate x the period's actual of the basis
  KPI (a quarter's accumulated actual: summed for a summed KPI). For a KPI
  measured in money the rate is a share of the amount in CNY (0.5% of
  revenue in 10k CNY: 0.005 x actual x 10,000); for any other unit it is pay
  per unit (200 per lead). A negative actual earns no commission.
* ``none``: no bonus.

**No figure is ever made up.** A person without pay data for the year, without
figures for every month of the period, with figures for only part of their
scorecard's weight, or whose basis KPI is not on their scorecard, gets bonus
``None`` and a reason, never a 0 that looks computed.

**Who sees it.** Pay is admin only (``see_pay`` in
:data:`kpi_core.access.RULES`): :func:`bonuses` and :func:`pay_rows` check
the reader before anything is read (``None`` is the command line's local
operator, who reads everything, as every other command).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from kpi_core import access, scores
from kpi_core.i18n import t
from kpi_core.ingest import DEFAULT_PAY_CAP, DEFAULT_PAY_FLOOR, PAY_BASIS_TOTAL
from kpi_core.months import months_between
from kpi_core.org import Org
from kpi_core.store import Store

#: KPI units of measure that are money, and how many CNY one unit is: a
#: commission on a KPI in these is a share of the amount in CNY.
MONEY_UNITS: dict[str, float] = {
    "cny": 1.0,
    "rmb": 1.0,
    "yuan": 1.0,
    "元": 1.0,
    "k cny": 1_000.0,
    "千元": 1_000.0,
    "10k cny": 10_000.0,
    "万元": 10_000.0,
}
COVERED = 1.0 - 1e-9
"""Coverage from which a person's figures count as complete."""


# --------------------------------------------------------------------------- the rules (pure)


@dataclass(frozen=True)
class PayMix:
    """A year's pay split by its mix, per month (long-term: per year)."""

    monthly_fixed: float
    monthly_bonus_base: float
    annual_longterm: float


def pay_mix(annual_total: float, fixed_pct: float, bonus_pct: float, longterm_pct: float) -> PayMix:
    """The monthly fixed pay and bonus base, and the yearly long-term part.

    Seed 003: 120,000 a year at 30% fixed, 60% bonus, 10% long-term.

    >>> pay_mix(120_000, 30, 60, 10)
    PayMix(monthly_fixed=3000.0, monthly_bonus_base=6000.0, annual_longterm=12000.0)
    """
    return PayMix(
        monthly_fixed=annual_total * fixed_pct / 100 / 12,
        monthly_bonus_base=bonus_base(annual_total, bonus_pct),
        annual_longterm=annual_total * longterm_pct / 100,
    )


def bonus_base(annual_total: float, bonus_pct: float, months: int = 1) -> float:
    """The bonus base of ``months`` months: annual_total x bonus_pct / 100 / 12 x months.

    >>> bonus_base(120_000, 60), bonus_base(120_000, 60, months=3)
    (6000.0, 18000.0)
    """
    return annual_total * bonus_pct / 100 / 12 * months


def credited(achievement: float, floor: float | None = None, cap: float | None = None) -> tuple[float, str | None]:
    """The achievement a target bonus pays on, limited to [floor, cap]
    (defaults 0 and 1.5), and which limit applied (``"floor"``, ``"cap"`` or None).

    >>> credited(1.032), credited(1.8), credited(0.3, floor=0.5), credited(-0.2)
    ((1.032, None), (1.5, 'cap'), (0.5, 'floor'), (0.0, 'floor'))
    """
    low = DEFAULT_PAY_FLOOR if floor is None or _nan(floor) else float(floor)
    high = DEFAULT_PAY_CAP if cap is None or _nan(cap) else float(cap)
    if achievement > high:
        return high, "cap"
    if achievement < low:
        return low, "floor"
    return achievement, None


def target_bonus(base: float, achievement: float, floor: float | None = None, cap: float | None = None) -> float:
    """bonus = base x achievement limited to [floor, cap].

    >>> target_bonus(6000, 1.032), target_bonus(6000, 1.8), target_bonus(6000, 0.3, floor=0.5)
    (6192.0, 9000.0, 3000.0)
    """
    return base * credited(achievement, floor, cap)[0]


def money_scale(unit: object) -> float | None:
    """How many CNY one unit of a KPI measured in ``unit`` is (None: not money).

    >>> money_scale("10k CNY"), money_scale("万元"), money_scale("count")
    (10000.0, 10000.0, None)
    """
    return MONEY_UNITS.get(str(unit).strip().lower()) if isinstance(unit, str) else None


def commission(rate: float, actual: float, scale: float | None = None) -> float:
    """bonus = rate x actual (x the CNY of one unit, for a KPI in money); no
    commission on a negative actual.

    Seed 003's 0.5% of gross profit on 112.84 (10k CNY) is 5,642 CNY; 200 per
    lead on 15 leads is 3,000:

    >>> round(commission(0.005, 112.84, 10_000), 2), commission(200, 15)
    (5642.0, 3000.0)
    """
    return max(0.0, rate * actual * (1.0 if scale is None else scale))


# --------------------------------------------------------------------------- periods


_QUARTER = re.compile(r"(?P<y>[0-9]{4})-?[Qq](?P<q>[1-4])")
_MONTH = re.compile(r"(?P<y>[0-9]{4})-(?P<m>0[1-9]|1[0-2])")


@dataclass(frozen=True)
class PayPeriod:
    """A month ("2026-03") or a quarter ("2026Q1") that bonuses are paid for."""

    text: str
    year: int
    months: tuple[str, ...]

    @property
    def end(self) -> str:
        """The month whose view carries the period's figures (a quarter's last)."""
        return self.months[-1]

    @property
    def view(self) -> str:
        """The engine's view: ``month``, or ``quarter`` (the quarter to date at its last month)."""
        return "quarter" if len(self.months) == 3 else "month"


def parse_period(text: str) -> PayPeriod:
    """A month ``YYYY-MM`` or a quarter ``YYYYQn``; ValueError otherwise.

    >>> parse_period("2026Q1").months, parse_period("2026-05").view
    (('2026-01', '2026-02', '2026-03'), 'month')
    """
    cleaned = (text or "").strip()
    found = _QUARTER.fullmatch(cleaned)
    if found:
        year, quarter = int(found["y"]), int(found["q"])
        first = f"{year:04d}-{quarter * 3 - 2:02d}"
        last = f"{year:04d}-{quarter * 3:02d}"
        return PayPeriod(f"{year:04d}Q{quarter}", year, tuple(months_between(first, last)))
    found = _MONTH.fullmatch(cleaned)
    if found and 1900 <= int(found["y"]) <= 2200:
        return PayPeriod(cleaned, int(found["y"]), (cleaned,))
    raise ValueError(f"not a month (YYYY-MM) or a quarter (YYYYQn): {text!r}")


def quarter_of(month: str) -> str:
    """The quarter a month is in.

    >>> quarter_of("2026-08")
    '2026Q3'
    """
    return f"{month[:4]}Q{(int(month[5:7]) - 1) // 3 + 1}"


# --------------------------------------------------------------------------- one person's bonus


@dataclass(frozen=True)
class Bonus:
    """One person's bonus for a period, or why there is none."""

    unit_id: str
    scheme: str | None
    """``target``, ``commission`` or ``none``; None when the person has no pay data."""
    basis: str | None
    base: float | None
    """The bonus base of the period (None without pay data)."""
    achievement: float | None = None
    """target: as measured (total / 100, or the KPI's credited score)."""
    credited: float | None = None
    """target: the achievement limited to [floor, cap], which the bonus pays on."""
    actual: float | None = None
    """commission: the basis KPI's actual of the period."""
    bonus: float | None = None
    """None when none is due or it cannot be worked out (``reason`` says why)."""
    reason: str | None = None
    """Key (``pay.reason.*``) of why there is no bonus, or of a note (capped ...)."""
    params: dict[str, object] = field(default_factory=dict)
    """The values the reason names."""
    rate: float | None = None
    scale: float | None = None

    def reason_text(self, lang: str) -> str:
        """The reason in ``lang`` ("" when there is none)."""
        return t(self.reason, lang, **self.params) if self.reason else ""

    def working(self, lang: str) -> str:
        """How the bonus was worked out, in ``lang`` ("" when there is none).

        >>> Bonus("P1", "target", "total", 6000.0, 1.032, 1.032, bonus=6192.0).working("en")
        '6,000.00 × 103.2% = 6,192.00'
        """
        if self.bonus is None or self.base is None:
            return ""
        if self.scheme == "target" and self.credited is not None:
            return f"{_money(self.base)} × {self.credited * 100:.1f}% = {_money(self.bonus)}"
        if self.scheme == "commission" and self.rate is not None and self.actual is not None:
            scale = "" if self.scale is None else f" × {self.scale:,.0f}"
            return f"{self.rate:g} × {self.actual:,.2f}{scale} = {_money(self.bonus)}"
        return ""

    def record(self, lang: str, name: str | None = None) -> dict:
        """The JSON shape of ``python -m kpi_core bonus --format json``: unit_id,
        scheme, base, achievement, bonus, reason (``bonus`` null with a reason
        when none is due), and the person's name, basis, credited achievement,
        actual and working."""
        return {
            "unit_id": self.unit_id,
            **({"name": name} if name is not None else {}),
            "scheme": self.scheme,
            "basis": self.basis,
            "base": _round(self.base),
            "achievement": _round(self.achievement, 6),
            "credited": _round(self.credited, 6),
            "actual": _round(self.actual, 6),
            "bonus": _round(self.bonus),
            "reason": self.reason_text(lang) or None,
            "working": self.working(lang) or None,
        }


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or _nan(value) else round(float(value), digits)


def _nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


@dataclass(frozen=True)
class Facts:
    """What the bonus of one person reads from the scores, for one period."""

    totals: dict[str, float]
    """month -> the person's total (month view); NaN or absent: no figures."""
    coverage: dict[str, float]
    """month -> share of the weight with figures (month view)."""
    period_total: float
    """The total of the period's view (the quarter's at its last month)."""
    kpi_actuals: dict[str, dict[str, float]] = field(default_factory=dict)
    """KPI id -> month -> actual (month view); a KPI absent: not on the scorecard."""
    kpi_period: dict[str, tuple[float, float]] = field(default_factory=dict)
    """KPI id -> (credited score, actual) of the period's view."""


def person_bonus(
    unit_id: str, pay: dict | None, period: PayPeriod, facts: Facts, kpi_units: dict[str, object]
) -> Bonus:
    """The bonus of one person from their pay row (None: no pay data) and the
    facts of the period. Pure: every figure comes in as an argument."""
    if pay is None:
        return Bonus(unit_id, None, None, None, reason="pay.reason.no_pay", params={"year": period.year})
    scheme, basis = str(pay["scheme"]), pay.get("basis")
    basis = basis if isinstance(basis, str) and basis else None
    base = bonus_base(float(pay["annual_total"]), float(pay["bonus_pct"]), len(period.months))
    head = {"unit_id": unit_id, "scheme": scheme, "basis": basis, "base": base}
    if scheme == "none":
        return Bonus(**head, reason="pay.reason.no_scheme")
    missing = _missing_months(basis, period, facts)
    if missing is not None:
        return Bonus(**head, reason=missing[0], params=missing[1])
    if scheme == "target":
        if basis == PAY_BASIS_TOTAL:
            achievement = facts.period_total / 100
        else:
            achievement = facts.kpi_period[basis][0]
        if _nan(achievement):
            return Bonus(**head, reason="pay.reason.unscored", params={"basis": basis, "period": period.text})
        limited, which = credited(float(achievement), pay.get("floor"), pay.get("cap"))
        note = {"cap": "pay.reason.capped", "floor": "pay.reason.floored"}.get(which)
        return Bonus(
            **head,
            achievement=float(achievement),
            credited=limited,
            bonus=round(base * limited, 2),
            reason=note,
            params={"share": f"{limited * 100:.0f}%"},
        )
    # commission
    actual = facts.kpi_period[basis][1]
    if _nan(actual):
        return Bonus(**head, reason="pay.reason.no_figures", params={"months": period.end})
    rate = float(pay["rate"])
    scale = money_scale(kpi_units.get(basis))
    amount = commission(rate, float(actual), scale)
    note = "pay.reason.negative" if float(actual) < 0 else None
    return Bonus(**head, actual=float(actual), bonus=round(amount, 2), reason=note, params={}, rate=rate, scale=scale)


def _missing_months(basis: str | None, period: PayPeriod, facts: Facts) -> tuple[str, dict] | None:
    """Why the period's figures are not enough to pay on (None: they are):
    months without figures, months whose figures cover only part of the
    scorecard's weight, or a basis KPI not on the scorecard."""
    if basis is None:
        return "pay.reason.no_basis", {}
    if basis == PAY_BASIS_TOTAL:
        gaps = [m for m in period.months if _nan(facts.totals.get(m))]
        if gaps:
            return "pay.reason.no_figures", {"months": ", ".join(gaps)}
        partial = [m for m in period.months if facts.coverage.get(m, 0.0) < COVERED]
        if partial:
            share = min(facts.coverage.get(m, 0.0) for m in partial)
            return "pay.reason.incomplete", {"months": ", ".join(partial), "share": f"{share * 100:.0f}%"}
        return None
    if basis not in facts.kpi_actuals:
        return "pay.reason.not_assigned", {"kpi": basis, "year": period.year}
    gaps = [m for m in period.months if _nan(facts.kpi_actuals[basis].get(m))]
    if gaps:
        return "pay.reason.no_kpi_figures", {"kpi": basis, "months": ", ".join(gaps)}
    return None


# --------------------------------------------------------------------------- reading (checks the reader)


def check_may_see_pay(viewer: access.Viewer | None) -> None:
    """Raise :class:`kpi_core.access.NotPermitted` unless ``viewer`` may see
    pay (admins; ``None``, the command line's local operator, may)."""
    if not access.permits(viewer, "see_pay"):
        raise access.NotPermitted("not permitted: pay is seen by admins only", key="pay.not_permitted", unit="")


def pay_rows(store: Store, viewer: access.Viewer | None, year: int, unit_ids: list[str] | None = None) -> pd.DataFrame:
    """One year's pay rows, for a reader who may see pay (checked first)."""
    check_may_see_pay(viewer)
    return store.pay_rows(year, unit_ids)


@dataclass(frozen=True)
class BonusTable:
    """The bonuses of a unit's persons for a period."""

    unit_id: str
    period: PayPeriod
    rows: list[Bonus]

    @property
    def budget(self) -> float:
        """The sum of the bases of the persons with pay data."""
        return round(sum(b.base for b in self.rows if b.base is not None), 2)

    @property
    def paid(self) -> float:
        """The sum of the bonuses worked out."""
        return round(sum(b.bonus for b in self.rows if b.bonus is not None), 2)

    @property
    def held(self) -> list[Bonus]:
        """Persons with a scheme whose bonus cannot be worked out (no figures ...)."""
        return [b for b in self.rows if b.bonus is None and b.scheme in ("target", "commission")]

    @property
    def achievements(self) -> list[float]:
        """The measured achievements of the target-scheme persons paid."""
        return [b.achievement for b in self.rows if b.achievement is not None]

    def frame(self, org: Org, lang: str) -> pd.DataFrame:
        """One row per person: unit_id, name and the fields of :meth:`Bonus.record`."""
        return pd.DataFrame([b.record(lang, org.name(b.unit_id, lang)) for b in self.rows])


def persons_of(org: Org, unit_id: str) -> list[str]:
    """The persons at or below ``unit_id``, in the tree's order."""
    return [u for u in org.subtree(unit_id) if org.kind(u) == "person"]


def bonuses(
    store: Store,
    viewer: access.Viewer | None,
    period: str | PayPeriod,
    unit_id: str | None = None,
    org: Org | None = None,
) -> BonusTable:
    """The bonuses of the persons at or below ``unit_id`` (None: the company)
    for a month or a quarter. :class:`kpi_core.access.NotPermitted` for a
    reader who may not see pay (before anything is read); ValueError for a
    period that is neither; KeyError for an unknown unit."""
    check_may_see_pay(viewer)
    when = parse_period(period) if isinstance(period, str) else period
    org = org or Org.from_frame(store.units())
    unit = unit_id or org.company_id
    if unit is None or unit not in org:
        raise KeyError(unit_id)
    persons = persons_of(org, unit)
    pay = store.pay_rows(when.year, persons) if persons else pd.DataFrame()
    by_person = {r["unit_id"]: r for r in pay.to_dict("records")}
    facts = _facts(store, persons, when, by_person)
    kpis = store.kpis()
    kpi_units = dict(zip(kpis["kpi_id"], kpis["unit"], strict=True))
    rows = [person_bonus(p, by_person.get(p), when, facts[p], kpi_units) for p in persons]
    return BonusTable(unit, when, rows)


def _facts(store: Store, persons: list[str], when: PayPeriod, pay: dict[str, dict]) -> dict[str, Facts]:
    """The scores each person's bonus reads: month totals and coverage, the
    period's total, and the month and period figures of basis KPIs."""
    empty = {p: Facts({}, {}, math.nan) for p in persons}
    if not persons:
        return empty
    totals: dict[str, dict[str, float]] = {p: {} for p in persons}
    coverage: dict[str, dict[str, float]] = {p: {} for p in persons}
    for month in when.months:
        figures = scores.unit_figures(store, persons, month, "month")
        for r in figures.itertuples():
            totals[r.unit_id][month] = float(r.total)
            coverage[r.unit_id][month] = float(r.coverage)
    period_figures = scores.unit_figures(store, persons, when.end, when.view)
    period_total = dict(zip(period_figures["unit_id"], period_figures["total"].astype("float64"), strict=True))
    on_kpi = sorted({p for p, r in pay.items() if _kpi_basis(r.get("basis"))})
    kpi_actuals: dict[str, dict[str, dict[str, float]]] = {p: {} for p in persons}
    kpi_period: dict[str, dict[str, tuple[float, float]]] = {p: {} for p in persons}
    if on_kpi:
        for month in when.months:
            for r in _cells(store, on_kpi, month, "month", pay):
                kpi_actuals[r.unit_id].setdefault(r.kpi_id, {})[month] = float(r.actual)
        for r in _cells(store, on_kpi, when.end, when.view, pay):
            kpi_period[r.unit_id][r.kpi_id] = (float(r.score), float(r.actual))
    return {
        p: Facts(totals[p], coverage[p], period_total.get(p, math.nan), kpi_actuals[p], kpi_period[p]) for p in persons
    }


def _kpi_basis(basis: object) -> bool:
    return isinstance(basis, str) and bool(basis) and basis != PAY_BASIS_TOTAL


def _cells(store: Store, persons: list[str], period: str, view: str, pay: dict[str, dict]) -> Iterable:
    """The scored cells of each person's basis KPI."""
    cells = scores.kpi_cells(store, persons, period, view)
    wanted = {(p, pay[p]["basis"]) for p in persons}
    keep = [(u, k) in wanted for u, k in zip(cells["unit_id"], cells["kpi_id"], strict=True)]
    return cells[keep].astype({"actual": "float64", "score": "float64"}).itertuples()


# --------------------------------------------------------------------------- exports

#: First characters a spreadsheet may read as a formula (ASCII and full-width),
#: and the control characters that can start one after a paste.
FORMULA_START = tuple("=+-@\uff1d\uff0b\uff0d\uff20\t\r")

EXPORT_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "person",
    "scheme",
    "basis",
    "base",
    "achievement",
    "credited",
    "actual",
    "bonus",
    "reason",
    "working",
)
_MONEY_COLUMNS = (5, 9)
"""1-based columns of the export holding amounts (base, bonus)."""


def xlsx_bytes(table: BonusTable, org: Org, lang: str) -> bytes:
    """The bonus table as an Excel workbook, headed in ``lang``: one row per
    person, the totals below. Text is always written as text: a cell that
    starts like a formula (= + - @, or their full-width forms) is stored as a
    string marked to be shown as typed, never run."""
    book = Workbook()
    sheet = book.active
    sheet.title = t("pay.xlsx.sheet", lang)
    sheet.append([t("pay.xlsx.title", lang, unit=org.name(table.unit_id, lang), period=table.period.text)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([t(f"pay.col.{c}", lang) for c in EXPORT_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for b in table.rows:
        sheet.append(
            [
                b.unit_id,
                org.name(b.unit_id, lang),
                t(f"pay.scheme.{b.scheme}", lang) if b.scheme else "",
                b.basis or "",
                _round(b.base),
                _round(b.achievement, 4),
                _round(b.credited, 4),
                _round(b.actual, 4),
                _round(b.bonus),
                b.reason_text(lang),
                b.working(lang),
            ]
        )
    sheet.append([])
    for key, value in (
        ("pay.total.budget", table.budget),
        ("pay.total.paid", table.paid),
        ("pay.total.held", len(table.held)),
    ):
        sheet.append([t(key, lang), None, None, None, value])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # openpyxl took "=..." for a formula
                cell.quotePrefix = True  # and the spreadsheet keeps it text when edited
            elif isinstance(cell.value, float) and cell.row > 2:
                cell.number_format = "#,##0.00" if cell.column in _MONEY_COLUMNS else "0.0000"
    for column, width in zip("ABCDEFGHIJK", (16, 18, 14, 16, 14, 12, 12, 14, 14, 44, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
