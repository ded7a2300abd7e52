"""Comparisons and outlook (issue 16, item 5): each KPI of a unit beside its
previous period, the same month last year (同比), its year to date against
last year's, and, for KPIs that add up over the year, a year-end forecast
with its projected completion.

Published interface (the review pack calls it)::

    outlook.for_unit(store, org, unit_id, period, scope=None, *, kpi_id=None) -> list[Comparison]

One :class:`Comparison` per KPI assigned to the unit in ``period``'s year, in
scorecard order (goal-setting tasks have no figures to compare and are left
out). ``scope`` (:class:`kpi_core.access.Scope`) is checked before anything is
read. Every figure may be None; a missing comparison or forecast carries a
reason (a key of :mod:`kpi_core.i18n.outlook`, :func:`reason_text`).

The rules
=========

Every figure is the engine's (:mod:`kpi_core.engine`): this year's and last
year's facts are scored by the same engine, both with *this* year's
assignments (a KPI assigned this year is compared with its own history even
when it was not on last year's scorecard), in the month and year-to-date
views. So accumulation (sum, average, last), reporting frequency and
calculated KPIs follow the method exactly as the scorecard shows them.

* **This period**: the month view of the period: for a quarterly KPI between
  its due months, the last reading carried (``as_of`` names its month).
* **Previous period**: the reading before this one: the month before for a
  monthly KPI, the quarter before for a quarterly one (its previous due
  month), and so on; January's previous month is last December.
* **Same month last year**: the month view of the same month a year before.
* **Year to date against last year's**: the year-to-date view of this month
  this year and last year. For KPIs that sum or average, both must count the
  same months (a month missing in either year would compare unlike periods):
  otherwise no comparison, with the reason. For ``last`` KPIs, the two latest
  values.
* **Changes**: absolute (this - base) and relative ((this - base) / |base|;
  none when the base is 0). *Better* follows the KPI's direction: a rise is
  better for higher-is-better, a fall for lower-is-better; for a band KPI
  neither (moving toward or away from the band is read on the scorecard).
* **Forecasts** (only for KPIs whose accumulation is ``sum``; labelled
  forecasts wherever shown):

  - *run rate* = YTD / months covered x 12, where the months covered are
    those the year to date counts (a forgotten month is not counted as a
    zero), times the months of the KPI's period (3 for quarterly), at most
    the months elapsed;
  - *seasonal* = YTD x (last year's full-year total / last year's YTD of the
    same months), only when last year has every month (every due month) and
    both years' year to date count the same months;
  - *annual target* = the sum of the year's monthly targets (of its due
    months), only when every one is set;
  - *projected completion* = the engine's completion rule applied to the
    forecast and the annual target (actual / target; 2 - actual / target for
    lower-is-better, and against a negative target).

* **Missing data is never a zero**: no value, no last year, unlike months or
  a zero base give None with a reason.

Pure functions (:func:`comparisons`) work on the engine's inputs; the store
is read only in :func:`for_unit`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from kpi_core import engine, scoring
from kpi_core.access import Scope
from kpi_core.i18n import t
from kpi_core.model import PERSPECTIVES
from kpi_core.months import month_index
from kpi_core.org import Org
from kpi_core.store import Store

#: Reasons (keys of :mod:`kpi_core.i18n.outlook`).
NO_VALUE = "outlook.why.no_value"
NO_PREVIOUS = "outlook.why.no_previous"
NO_LAST_YEAR = "outlook.why.no_last_year"
NO_YTD = "outlook.why.no_ytd"
NO_LAST_YEAR_YTD = "outlook.why.no_last_year_ytd"
MONTHS_DIFFER = "outlook.why.months_differ"
NOT_SUM = "outlook.why.not_sum"
LAST_YEAR_INCOMPLETE = "outlook.why.last_year_incomplete"
LAST_YEAR_YTD_ZERO = "outlook.why.last_year_ytd_zero"
NO_ANNUAL_TARGET = "outlook.why.no_annual_target"
ZERO_TARGET = "outlook.why.zero_target"

RUN_RATE, SEASONAL = "run_rate", "seasonal"


@dataclass(frozen=True)
class Change:
    """This period's figure against a base figure."""

    period: str
    """The base's month ("YYYY-MM"): the month its figure is of (a carried
    reading's own month), or the last month of last year's year to date."""
    base: float | None
    change: float | None
    """This figure minus the base."""
    pct: float | None
    """The change over |base| (None when the base is 0)."""
    better: bool | None
    """Whether the change is an improvement by the KPI's direction (None:
    unchanged, a band KPI, or no change)."""
    reason: str | None = None
    """Why there is no comparison (a key of :mod:`kpi_core.i18n.outlook`)."""


@dataclass(frozen=True)
class Forecast:
    """A year-end forecast (never a fact: labelled as a forecast wherever shown)."""

    method: str
    """:data:`RUN_RATE` or :data:`SEASONAL`."""
    value: float | None
    completion: float | None
    """Projected completion against the annual target (the engine's rule)."""
    reason: str | None = None
    """Why there is no forecast, or no completion."""


@dataclass(frozen=True)
class Comparison:
    """One KPI of one unit and month, beside its comparisons and outlook."""

    unit_id: str
    kpi_id: str
    name: str
    name_zh: str
    perspective: str
    direction: str
    accumulation: str
    frequency: str
    measure: str
    """The unit of measure ("10k CNY", "%", "days" ...)."""
    role: str
    weight: float
    period: str
    value: float | None
    """This period's value (month view)."""
    as_of: str | None
    """The month whose reading ``value`` carries, when it is not the period's own."""
    value_reason: str | None
    ytd: float | None
    ytd_months: int
    """Months the year to date covers (0: none; for ``last`` KPIs, 0)."""
    previous: Change
    last_year: Change
    ytd_last_year: Change
    annual_target: float | None
    run_rate: Forecast
    seasonal: Forecast

    def name_in(self, lang: str) -> str:
        return self.name_zh if lang == "zh" and self.name_zh else self.name

    def as_dict(self) -> dict:
        """A flat record (JSON and CSV): nested comparisons as ``previous_base``,
        ``last_year_pct``, ``run_rate_completion`` ..."""
        out: dict[str, object] = {}
        for key, value in asdict(self).items():
            if isinstance(value, dict):
                for sub, item in value.items():
                    if sub != "method":
                        out[f"{key}_{sub}"] = _plain(item)
            else:
                out[key] = _plain(value)
        return out

    def record(self, lang: str) -> dict:
        """:meth:`as_dict` with each reason also as text in ``lang`` (``..._reason_text``)."""
        out = {}
        for key, value in self.as_dict().items():
            out[key] = value
            if key.endswith("reason"):
                out[key + "_text"] = reason_text(self, value, lang) or None
        return out


def _plain(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


def reason_text(c: Comparison, key: str | None, lang: str) -> str:
    """The sentence of a reason key, with the comparison's months filled in."""
    if not key:
        return ""
    return t(
        key,
        lang,
        period=c.period,
        previous=c.previous.period,
        last_year=c.last_year.period,
        year=int(c.period[:4]) - 1,
    )


# --------------------------------------------------------------------------- reading


def for_unit(
    store: Store,
    org: Org,
    unit_id: str,
    period: str,
    scope: Scope | None = None,
    *,
    kpi_id: str | None = None,
) -> list[Comparison]:
    """The comparisons of every KPI of ``unit_id`` in ``period`` (or only
    ``kpi_id``). A unit outside ``scope`` raises
    :class:`kpi_core.access.NotPermitted` before anything is read; an unknown
    unit raises KeyError."""
    assigned, kpis, monthly = _facts(store, org, unit_id, period, scope)
    out = comparisons(assigned, kpis, monthly, period)
    return [c for c in out if kpi_id is None or c.kpi_id == kpi_id]


def path_for(
    store: Store, org: Org, unit_id: str, kpi_id: str, period: str, scope: Scope | None = None
) -> pd.DataFrame:
    """The year of one KPI month by month (:func:`cumulative`), read like
    :func:`for_unit`."""
    assigned, kpis, monthly = _facts(store, org, unit_id, period, scope)
    return cumulative(assigned, kpis, monthly, period, unit_id, kpi_id)


def _facts(
    store: Store, org: Org, unit_id: str, period: str, scope: Scope | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The unit's assignments of ``period``'s year, the KPI dictionary, and its
    targets and actuals of this year and last."""
    if scope is not None:
        scope.check(unit_id)
    if unit_id not in org:
        raise KeyError(unit_id)
    year = int(period[:4])
    assigned = store.assignments(year, [unit_id])
    monthly = store.monthly_values([unit_id], f"{year - 1:04d}-01", f"{year:04d}-12")
    return assigned, store.kpis(), monthly


# --------------------------------------------------------------------------- the rules


def comparisons(assigned: pd.DataFrame, kpis: pd.DataFrame, monthly: pd.DataFrame, period: str) -> list[Comparison]:
    """The comparisons of every assignment of ``period``'s year.

    ``assigned``: ``unit_id, kpi_id, weight, role`` (and optionally ``year``:
    only ``period``'s year is used); ``kpis``: the KPI dictionary;
    ``monthly``: ``unit_id, kpi_id, period`` ("YYYY-MM"), ``target, actual``
    of this year and last (other months are ignored)."""
    year, m = int(period[:4]), month_index(period) % 12
    if "year" in assigned:
        assigned = assigned[assigned["year"].astype("int64") == year]
    assigned = assigned.sort_values(["unit_id"], kind="stable").reset_index(drop=True)
    if assigned.empty:
        return []
    this, last = _Year.of(year, assigned, kpis, monthly), _Year.of(year - 1, assigned, kpis, monthly)
    info = kpis.drop_duplicates("kpi_id").set_index("kpi_id")
    rows = [_compare(this, last, r, m, info) for r in range(len(this.g))]
    return sorted(rows, key=_card_order)


def cumulative(
    assigned: pd.DataFrame, kpis: pd.DataFrame, monthly: pd.DataFrame, period: str, unit_id: str, kpi_id: str
) -> pd.DataFrame:
    """One KPI's year month by month, for a chart: ``period`` ("YYYY-MM", each
    month of the year), ``ytd`` (the engine's year to date, up to ``period``),
    ``target`` (the running sum of the year's targets), ``last_year``
    (last year's year to date, where it counts every month so far) and, for a KPI that adds up, the two forecast
    paths from ``period`` to December: ``run_rate`` (a straight line to the
    run-rate forecast) and ``seasonal`` (last year's shape). Empty when the
    KPI is not assigned to the unit."""
    year, m = int(period[:4]), month_index(period) % 12
    if "year" in assigned:
        assigned = assigned[assigned["year"].astype("int64") == year]
    assigned = assigned.sort_values(["unit_id"], kind="stable").reset_index(drop=True)
    at = np.flatnonzero((assigned["unit_id"] == unit_id).to_numpy() & (assigned["kpi_id"] == kpi_id).to_numpy())
    if not len(at):
        return pd.DataFrame(columns=["period", "ytd", "target", "last_year", "run_rate", "seasonal"])
    this, last = _Year.of(year, assigned, kpis, monthly), _Year.of(year - 1, assigned, kpis, monthly)
    r = int(at[0])
    c = _compare(this, last, r, m, kpis.drop_duplicates("kpi_id").set_index("kpi_id"))
    months = np.arange(12)
    ytd = np.where(months <= m, this.ytd.actual[r], np.nan)
    target = np.where(this.due[r], this.g.target[r], 0.0)
    run_rate = np.full(12, np.nan)
    seasonal = np.full(12, np.nan)
    if c.run_rate.value is not None and c.ytd is not None and m < 11:
        after = months >= m
        run_rate[after] = c.ytd + (c.run_rate.value - c.ytd) * (months[after] - m) / (11 - m)
    if c.seasonal.value is not None and c.ytd is not None and m < 11:
        after = months >= m
        seasonal[after] = c.ytd * last.ytd.actual[r, after] / last.ytd.actual[r, m]
    return pd.DataFrame(
        {
            "period": [f"{year:04d}-{j + 1:02d}" for j in months],
            "ytd": ytd,
            "target": np.where(np.isnan(this.g.target[r][this.due[r]]).all(), np.nan, np.nancumsum(target)),
            "last_year": np.where(_complete(last, r), last.ytd.actual[r], np.nan),
            "run_rate": run_rate,
            "seasonal": seasonal,
        }
    )


def _complete(year: _Year, r: int) -> np.ndarray:
    """For each month, whether the year to date there counts every due month so far."""
    due = np.cumsum(np.where(year.due[r], 1 << np.arange(12), 0))
    return (year.counted[r] & due) == due


def _card_order(c: Comparison) -> tuple:
    rank = PERSPECTIVES.index(c.perspective) if c.perspective in PERSPECTIVES else len(PERSPECTIVES)
    return (c.unit_id, rank, c.role == "info", c.role != "core", -c.weight, c.kpi_id)


@dataclass(frozen=True)
class _Year:
    """One year scored by the engine, with the months its year to date counts."""

    g: engine.Grid
    month: engine.View
    ytd: engine.View
    lengths: np.ndarray
    """Months in each row's reporting period."""
    counted: np.ndarray
    """Rows x 12 bit masks: bit j set when the year to date at that month counts month j."""
    due: np.ndarray
    """Rows x 12: the row's due months."""

    @classmethod
    def of(cls, year: int, assigned: pd.DataFrame, kpis: pd.DataFrame, monthly: pd.DataFrame) -> _Year:
        rows = assigned[["unit_id", "kpi_id", "weight", "role"]]
        targets, actuals = engine.monthly_facts(monthly, year)
        g = engine.grid(year, rows, kpis, targets, actuals)
        scored = engine.score(g, ("month", "ytd"))
        lengths = g.period_length[g.kpi] if g.period_length is not None else np.ones(len(g), dtype="int64")
        due = (np.arange(12)[None, :] + 1) % lengths[:, None] == 0
        counted = _counted(g, scored.views["month"], due)
        return cls(g, scored.views["month"], scored.views["ytd"], lengths, counted, due)


def _counted(g: engine.Grid, month: engine.View, due: np.ndarray) -> np.ndarray:
    """Which months the engine's year to date counts at each month, as bit
    masks: the engine's own accumulation (:func:`engine.accumulate`, summing)
    run over 2**j in place of each month j's actual, so its pairing rules
    (a month counts when it has a target and an actual) decide, not a copy.

    The months that are readings are the engine's rule (:func:`engine._plan`):
    due months, and off-cycle values when :data:`engine.OFF_CYCLE_READINGS`;
    a calculated KPI's months are those its formula has a value for."""
    calculated = np.isin(g.kpi, [code for code, _ in engine.dependencies(g)])
    has = ~np.isnan(g.actual)
    readings = due | (engine.OFF_CYCLE_READINGS & ~calculated[:, None] & has)
    bits = np.broadcast_to(2.0 ** np.arange(12), g.actual.shape)
    own = np.where(calculated[:, None], ~np.isnan(month.actual) & readings, readings & has)
    flags = np.where(own, bits, np.nan)
    target = np.where(calculated[:, None], flags, np.where(readings, g.target, np.nan))
    summed = engine.accumulate(target, flags, np.full(len(g), "sum", dtype=object), "ytd")[1]
    return np.nan_to_num(summed).astype("int64")


def _num(value: float) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def _at(this: _Year, last: _Year, month: int) -> tuple[_Year, int] | None:
    """The year and month index of a month counted from January of this year (negative: last year)."""
    if month >= 0:
        return this, month
    return (last, month + 12) if month >= -12 else None


def _cell(year: _Year, r: int, m: int) -> tuple[float | None, int]:
    """The month view's value at (r, m) and the month it is of (None when the
    engine shows the cell as no data)."""
    carried = -1 if year.month.as_of is None else int(year.month.as_of[r, m])
    if year.month.status[r, m] == scoring.NO_DATA:
        # no actual, or nothing due yet this year (the month's own figures, shown as no data)
        return None, m
    return _num(year.month.actual[r, m]), carried if carried >= 0 else m


def _change(value: float | None, base: float | None, direction: str, period: str, reason: str) -> Change:
    if base is None or value is None:
        return Change(period, base, None, None, None, NO_VALUE if value is None else reason)
    diff = value - base
    pct = diff / abs(base) if base != 0 else None
    better = None
    if diff != 0 and direction in ("higher", "lower"):
        better = (diff > 0) == (direction == "higher")
    return Change(period, base, diff, pct, better)


def _compare(this: _Year, last: _Year, r: int, m: int, info: pd.DataFrame) -> Comparison:
    g = this.g
    kpi_id = g.kpi_ids[g.kpi[r]]
    entry = info.loc[kpi_id] if kpi_id in info.index else pd.Series(dtype=object)

    def text(column: str, default: str = "") -> str:
        value = entry.get(column)
        return value if isinstance(value, str) and value else default

    direction, acc = text("direction", "higher"), text("accumulation", "sum")
    value, own = _cell(this, r, m)
    year = g.year
    previous = _previous(this, last, r, own, direction, value)
    ly_value, ly_own = _cell(last, r, m)
    last_year = _change(value, ly_value, direction, f"{year - 1:04d}-{ly_own + 1:02d}", NO_LAST_YEAR)
    ytd = _num(this.ytd.actual[r, m])
    ytd_vs = _ytd_change(this, last, r, m, acc, direction, ytd)
    annual = _annual_target(this, r) if acc == "sum" else None
    run_rate, seasonal = _forecasts(this, last, r, m, acc, ytd, annual)
    return Comparison(
        unit_id=g.unit_ids[g.unit[r]],
        kpi_id=kpi_id,
        name=text("name", kpi_id),
        name_zh=text("name_zh"),
        perspective=text("perspective"),
        direction=direction,
        accumulation=acc,
        frequency=text("frequency", "month"),
        measure=text("unit"),
        role=str(g.role[r]),
        weight=float(g.weight[r]),
        period=f"{year:04d}-{m + 1:02d}",
        value=value,
        as_of=f"{year:04d}-{own + 1:02d}" if own != m else None,
        value_reason=NO_VALUE if value is None else None,
        ytd=ytd,
        ytd_months=_months_covered(this, r, m) if acc != "last" else 0,
        previous=previous,
        last_year=last_year,
        ytd_last_year=ytd_vs,
        annual_target=annual,
        run_rate=run_rate,
        seasonal=seasonal,
    )


def _previous(this: _Year, last: _Year, r: int, own: int, direction: str, value: float | None) -> Change:
    """The reading before the one shown: ``own`` (the month it is of) less the
    months since the previous due month."""
    length = int(this.lengths[r])
    back = (own + 1) % length or length
    found = _at(this, last, own - back)
    if found is None:
        return Change("", None, None, None, None, NO_PREVIOUS)
    year, month = found
    base, base_own = _cell(year, r, month)
    return _change(value, base, direction, f"{year.g.year:04d}-{base_own + 1:02d}", NO_PREVIOUS)


def _ytd_change(this: _Year, last: _Year, r: int, m: int, acc: str, direction: str, ytd: float | None) -> Change:
    period = f"{last.g.year:04d}-{m + 1:02d}"
    base = _num(last.ytd.actual[r, m])
    if ytd is None:
        return Change(period, base, None, None, None, NO_YTD)
    if base is None:
        return Change(period, None, None, None, None, NO_LAST_YEAR_YTD)
    if acc != "last" and this.counted[r, m] != last.counted[r, m]:
        return Change(period, base, None, None, None, MONTHS_DIFFER)
    return _change(ytd, base, direction, period, NO_LAST_YEAR_YTD)


def _months_covered(year: _Year, r: int, m: int) -> int:
    readings = int(year.counted[r, m]).bit_count()
    return min(readings * int(year.lengths[r]), m + 1)


def _annual_target(year: _Year, r: int) -> float | None:
    """The sum of the targets of the row's due months, when each is set."""
    targets = year.g.target[r][year.due[r]]
    if not len(targets) or np.isnan(targets).any():
        return None
    return float(targets.sum())


def _completion(year: _Year, r: int, forecast: float, annual: float) -> float | None:
    k = year.g.kpi[r : r + 1]
    return _num(scoring.completion_by(np.array([forecast]), np.array([annual]), k, year.g.rules)[0])


def _forecasts(
    this: _Year, last: _Year, r: int, m: int, acc: str, ytd: float | None, annual: float | None
) -> tuple[Forecast, Forecast]:
    if acc != "sum":
        return Forecast(RUN_RATE, None, None, NOT_SUM), Forecast(SEASONAL, None, None, NOT_SUM)
    months = _months_covered(this, r, m)
    if ytd is None or months == 0:
        return Forecast(RUN_RATE, None, None, NO_YTD), Forecast(SEASONAL, None, None, NO_YTD)
    run_rate = _forecast(this, r, RUN_RATE, ytd / months * 12, annual)
    full = last.counted[r, 11]
    due = int(sum(1 << j for j in np.flatnonzero(last.due[r])))
    ly_total, ly_ytd = _num(last.ytd.actual[r, 11]), _num(last.ytd.actual[r, m])
    if (full & due) != due or ly_total is None:
        return run_rate, Forecast(SEASONAL, None, None, LAST_YEAR_INCOMPLETE)
    if this.counted[r, m] != last.counted[r, m]:
        return run_rate, Forecast(SEASONAL, None, None, MONTHS_DIFFER)
    if not ly_ytd:
        return run_rate, Forecast(SEASONAL, None, None, LAST_YEAR_YTD_ZERO)
    return run_rate, _forecast(this, r, SEASONAL, ytd * ly_total / ly_ytd, annual)


def _forecast(year: _Year, r: int, method: str, value: float, annual: float | None) -> Forecast:
    if annual is None:
        return Forecast(method, value, None, NO_ANNUAL_TARGET)
    completion = _completion(year, r, value, annual)
    return Forecast(method, value, completion, ZERO_TARGET if completion is None else None)


def frame(rows: list[Comparison], lang: str = "en") -> pd.DataFrame:
    """The comparisons as a flat table (the CSV and JSON shape), reasons also as text in ``lang``."""
    return pd.DataFrame([c.record(lang) for c in rows])
