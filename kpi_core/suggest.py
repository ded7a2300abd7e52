"""Target suggestions from history (issue 17, item 4): for one unit's KPI and a
year, a suggested target for each month with a low-high range, and the
reasoning in words (English and Chinese).

Only actuals from before the year are used (the history ends in December of
the year before): a suggestion for 2026 is what could have been said on
1 January 2026. The method, in the order it runs (the constants below hold
every number it uses; docs/backtest.md gives the same in prose and measures
it on the demo):

1. **History.** The unit's monthly actuals of the KPI in the 36 months before
   the year. Fewer than :data:`MIN_HISTORY` (3) of them: no suggestion, and
   the reason says so. A calculated KPI's actuals are worked out from its
   formula month by month (:func:`kpi_actuals`). A KPI reported each quarter
   (half, year) counts its readings, gets targets for its due months only, and
   every count below is in readings (a year of history is 4 quarterly ones).
2. **Recent trend** ``r``. Take the latest :data:`TREND_MONTHS` (6) months
   with an actual whose same month a year earlier also has one: ``r = sum of
   those months / sum of the same months a year earlier`` (a ratio of sums,
   so of averages too). With fewer than :data:`MIN_TREND_PAIRS` (2) such
   months, or a sum that is not positive, there is no trend (``r`` = 1). (Two
   is few; it is what 14 months of history give, as in the demo before 2026.)
   ``r`` is kept within :data:`TREND_LIMITS` (0.5 to 2).
3. **(a) Last year x trend**, per month. With at least a year of history
   (12 or more months with actuals) the month starts from the same month of
   last year times ``r`` (seasonality: February starts from last February);
   a month missing last year starts from the same month two years before
   times ``r`` twice; failing both, from the recent level (the average of the
   latest 6 actuals, not trended). With less than a year of history, every
   month starts from the recent level (no seasonality).
4. **(b) Own history percentiles.** P25, P50 and P75 of the unit's actuals of
   the latest 12 months of history. With at least a year of history they are
   scaled to each month by its seasonal index (last year's same month over
   last year's average), so a low season gets a low band. P50 enters the
   point; the spread P25/P50 and P75/P50 makes the range.
5. **(c) Siblings' median.** The median, for the same month last year, of the
   actuals of the unit's siblings (same parent) that report the KPI, when at
   least :data:`MIN_SIBLINGS` (2) of them do. Only siblings the reader may see
   are used (a reader who may not see the other persons of a team gets no
   sibling median; the reasoning says so).
6. **Point** = the weighted average of the available estimates (a), (b) P50
   and (c) with the weights :data:`WEIGHTS` (0.7, 0.15, 0.15), the weights of
   the missing ones shared out among the others in proportion. A KPI that
   accumulates by **sum** (revenue, counts) depends on the unit's size: its
   siblings' median is shown beside it but not blended in (weights 0.7 and
   0.15 become 0.824 and 0.176).
   **Range** = the point times the unit's own spread: ``point x P25/P50`` to
   ``point x P75/P50`` (when P50 is not positive: ``point - (P50 - P25)`` to
   ``point + (P75 - P50)``), widened to hold the trend estimate (a).
7. **(d) Floor or ceiling.** For a higher-is-better KPI the year's suggested
   figure may not fall below last year's actual; for a lower-is-better KPI it
   may not rise above it; a band KPI has neither. The year's figure is
   accumulated like the KPI (sum: the total, avg: the average, last: the last
   month) over the months last year has. Each of the point, the low end and
   the high end that breaks the rule is scaled (when both figures are
   positive; otherwise shifted) so that its year's figure equals last year's:
   a range below the floor closes up at the floor.
8. Every monthly figure is rounded to 4 significant digits; the year's
   figures are accumulated from the rounded months (what the targets will
   add up to).

Accepting (:func:`accept`) writes the suggested points as the unit's monthly
targets of the year through the design page's own write path
(:func:`kpi_core.approvals.save_design`: permission ``edit_design`` on the
unit, validation, one audited transaction, or a change request when the
year's baseline is locked). By default only months without an actual yet are
written: the targets of months already measured, and scored, stay.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kpi_core import access, approvals, design, formula, ingest
from kpi_core.i18n import t
from kpi_core.model import FREQUENCIES
from kpi_core.months import months_of, shift_month
from kpi_core.org import Org
from kpi_core.store import Store

LOOKBACK_MONTHS = 36
"""How far back the history reaches (months before the year)."""
MIN_HISTORY = 3
"""Fewest monthly actuals a suggestion needs."""
YEAR_OF_HISTORY = 12
"""Months with actuals from which seasonality is used."""
TREND_MONTHS = 6
"""The recent months compared with a year before."""
MIN_TREND_PAIRS = 2
"""Fewest such comparable months for a trend."""
TREND_LIMITS = (0.5, 2.0)
"""The trend is kept within these (a halving, a doubling)."""
LEVEL_MONTHS = 6
"""The latest months averaged into the recent level."""
PERCENTILE_MONTHS = 12
"""The latest months whose percentiles give (b) and the spread."""
MIN_SIBLINGS = 2
"""Fewest siblings with a figure for a sibling median."""
WEIGHTS: dict[str, float] = {"trend": 0.7, "history": 0.15, "siblings": 0.15}
"""How the point blends (a), (b) and (c); chosen on the demo's backtest (docs/backtest.md)."""
SIGNIFICANT = 4
"""Significant digits of every suggested figure."""

MONTH_COLUMNS: tuple[str, ...] = (
    "period",
    "point",
    "low",
    "high",
    "last_year",
    "base",
    "base_source",
    "trend_estimate",
    "history_p25",
    "history_p50",
    "history_p75",
    "siblings_median",
    "siblings_n",
)


class SuggestError(ValueError):
    """A suggestion cannot be made or accepted as asked: ``key`` and ``params``
    name the sentence in the translation table."""

    def __init__(self, message: str, *, key: str, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Reason:
    """One sentence of the reasoning: a translation key and its values."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        params = dict(self.params)
        for word in ("accumulation", "direction", "frequency"):  # a vocabulary word, translated
            if f"{word}_word" in params:
                params[f"{word}_word"] = t(f"{word}.{params[f'{word}_word']}", lang)
        return t(self.key, lang, **params)


@dataclass(frozen=True)
class Suggestion:
    """Suggested monthly targets of one unit's KPI for one year."""

    unit_id: str
    kpi_id: str
    year: int
    direction: str
    accumulation: str
    months: pd.DataFrame
    """One row per month of the year (:data:`MONTH_COLUMNS`); empty when there is no suggestion."""
    reasons: tuple[Reason, ...]
    """The reasoning, in order; with no suggestion, the reason why not."""
    history: pd.DataFrame
    """The unit's actuals used (``period, actual``), oldest first."""
    trend: float | None = None
    seasonal: bool = False
    floor: str | None = None
    """``floor`` or ``ceiling`` when (d) moved the suggestion, else None."""
    year_figures: Mapping[str, float | None] = field(default_factory=dict)
    """``point, low, high, last_year``: the year accumulated like the KPI."""

    @property
    def ok(self) -> bool:
        return not self.months.empty

    def reasoning(self, lang: str = "en") -> list[str]:
        return [r.text(lang) for r in self.reasons]

    def as_dict(self, lang: str = "en") -> dict:
        """The suggestion as JSON-ready values (the CLI's ``--format json``)."""
        months = [
            {
                "period": r["period"],
                "point": _json(r["point"]),
                "low": _json(r["low"]),
                "high": _json(r["high"]),
                "last_year": _json(r["last_year"]),
                "trend_estimate": _json(r["trend_estimate"]),
                "history_p50": _json(r["history_p50"]),
                "siblings_median": _json(r["siblings_median"]),
            }
            for r in self.months.to_dict("records")
        ]
        return {
            "unit_id": self.unit_id,
            "kpi_id": self.kpi_id,
            "year": self.year,
            "direction": self.direction,
            "accumulation": self.accumulation,
            "suggested": self.ok,
            "trend": _json(self.trend),
            "seasonal": self.seasonal,
            "year_figures": {k: _json(v) for k, v in self.year_figures.items()},
            "months": months,
            "reasoning": self.reasoning(lang),
        }


def _json(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


# --------------------------------------------------------------------------- numbers


def rounded(value: float, digits: int = SIGNIFICANT) -> float:
    """``value`` to ``digits`` significant digits.

    >>> rounded(935.4249), rounded(0.953449), rounded(123456.0), rounded(0.0)
    (935.4, 0.9534, 123500.0, 0.0)
    >>> rounded(66.82352941), rounded(-0.000123456)
    (66.82, -0.0001235)
    """
    if value is None or not math.isfinite(value) or value == 0:
        return value
    places = digits - 1 - math.floor(math.log10(abs(value)))
    return float(round(value, places)) + 0.0


def number(value: float | None) -> str:
    """A figure as the reasoning writes it: thousands separated, 4 significant digits.

    >>> number(12345.6), number(0.95345), number(46.0), number(None)
    ('12,350', '0.9535', '46', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = rounded(float(value))
    if v.is_integer():
        return f"{v:,.0f}"
    return f"{v:,.6f}".rstrip("0").rstrip(".")


def figure(value: float | None) -> str:
    """A figure exactly as stored or summed, thousands separated (the year's
    sum of suggested months is shown as it adds up).

    >>> figure(11251.5), figure(1001.06), figure(32.000177), figure(None)
    ('11,251.5', '1,001.06', '32.0002', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{rounded(float(value), 6):,.6f}".rstrip("0").rstrip(".")


def accumulate(values: Sequence[float], accumulation: str) -> float | None:
    """A year's figure from its months, as the KPI accumulates (``values``
    in month order, missing months left out).

    >>> accumulate([10, 20, 30], "sum"), accumulate([10, 20, 30], "avg"), accumulate([10, 20, 30], "last")
    (60.0, 20.0, 30.0)
    """
    vals = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not vals:
        return None
    if accumulation == "sum":
        return float(sum(vals))
    if accumulation == "avg":
        return float(sum(vals) / len(vals))
    return vals[-1]


# --------------------------------------------------------------------------- the method


def trend_ratio(history: Mapping[str, float], step: int = 1) -> tuple[float | None, list[str], float, float]:
    """Step 2: ``(r, months used, their sum, the sum a year earlier)``; ``r``
    None when fewer than :data:`MIN_TREND_PAIRS` months compare or a sum is
    not positive. ``history`` maps "YYYY-MM" to the actual; ``step`` is the
    months between readings (3 for a quarterly KPI: the latest 6 months hold
    2 readings, and 1 comparable reading is enough).

    >>> h = {"2024-07": 100, "2024-08": 100, "2024-09": 100, "2025-07": 110, "2025-08": 120, "2025-09": 130}
    >>> trend_ratio(h)
    (1.2, ['2025-07', '2025-08', '2025-09'], 360.0, 300.0)
    """
    used: list[str] = []
    for period in sorted(history, reverse=True):
        if shift_month(period, -12) in history:
            used.append(period)
        if len(used) == max(1, TREND_MONTHS // step):
            break
    used.sort()
    recent = float(sum(history[p] for p in used))
    earlier = float(sum(history[shift_month(p, -12)] for p in used))
    if len(used) < max(1, MIN_TREND_PAIRS // step) or recent <= 0 or earlier <= 0:
        return None, used, recent, earlier
    return recent / earlier, used, recent, earlier


def weights_of(accumulation: str) -> dict[str, float]:
    """The blend's weights for a KPI accumulating so: a sum depends on the
    unit's size, so its siblings' median is shown but not blended in."""
    return {**WEIGHTS, "siblings": 0.0} if accumulation == "sum" else dict(WEIGHTS)


def is_due(period: str, step: int) -> bool:
    """Whether a KPI reported every ``step`` months has a reading (and a
    target) in ``period``: the last month of each of its periods.

    >>> is_due("2026-02", 1), is_due("2026-02", 3), is_due("2026-03", 3), is_due("2026-06", 12)
    (True, False, True, False)
    """
    return int(period[5:7]) % step == 0


def _weighted(estimates: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    present = {k: v for k, v in estimates.items() if v is not None and not math.isnan(v) and weights[k] > 0}
    if not present:
        return None
    total = sum(weights[k] for k in present)
    return sum(weights[k] * v for k, v in present.items()) / total


def _spread(point: float, p25: float, p50: float, p75: float) -> tuple[float, float]:
    if p50 > 0 and point > 0:
        return point * p25 / p50, point * p75 / p50
    return point - (p50 - p25), point + (p75 - p50)


@dataclass(frozen=True)
class _Level:
    """What the months are worked from: the history's level and percentiles."""

    seasonal: bool
    factor: float
    step: int
    level: float
    p25: float
    p50: float
    p75: float
    mean: float


def compute(
    kpi: Mapping[str, object],
    year: int,
    history: Mapping[str, float] | pd.Series,
    siblings: pd.DataFrame | None = None,
    *,
    unit_id: str = "",
    siblings_hidden: bool = False,
) -> Suggestion:
    """The suggestion from figures already read: ``history`` maps "YYYY-MM"
    to the unit's actual (months before ``year`` are used, others ignored);
    ``siblings`` has ``unit_id, period, actual`` of the siblings the reader
    may see; ``siblings_hidden`` says some were left out for the reader's
    scope. ``kpi`` needs ``kpi_id, direction, accumulation``."""
    kpi_id = str(kpi["kpi_id"])
    direction = str(kpi.get("direction") or "higher")
    accumulation = str(kpi.get("accumulation") or "sum")
    frequency = kpi.get("frequency") if kpi.get("frequency") in FREQUENCIES else "month"
    step = FREQUENCIES[frequency]
    first = f"{year - LOOKBACK_MONTHS // 12:04d}-01"
    last = f"{year - 1:04d}-12"
    own = {
        str(p): float(v)
        for p, v in dict(history).items()
        if first <= str(p) <= last
        and is_due(str(p), step)
        and v is not None
        and not (isinstance(v, float) and math.isnan(v))
    }
    used = pd.DataFrame({"period": sorted(own), "actual": [own[p] for p in sorted(own)]})
    needed = min(MIN_HISTORY, LOOKBACK_MONTHS // step - 1)
    if len(own) < needed:
        if own:
            why = Reason("suggest.none_short", {"n": len(own), "min": needed, "year": year})
        else:
            why = Reason("suggest.none_no_history", {"year": year, "first": first, "last": last})
        blank = pd.DataFrame(columns=list(MONTH_COLUMNS))
        return Suggestion(unit_id, kpi_id, year, direction, accumulation, blank, (why,), used)

    periods = sorted(own)
    reasons = [Reason("suggest.r_history", {"n": len(own), "first": periods[0], "last": periods[-1], "year": year})]
    if step > 1:
        due = [p[5:] for p in months_of(year) if is_due(p, step)]
        reasons.append(Reason("suggest.r_frequency", {"frequency_word": frequency, "months": ", ".join(due)}))
    basis, r = _basis(own, year, step, reasons)
    weights = weights_of(accumulation)
    months = _months(own, year, basis, siblings, weights, reasons)
    _sibling_reasons(months, weights, siblings_hidden, year, reasons)
    floor = _floor(months, direction, accumulation, reasons)
    for c in ("point", "low", "high", "trend_estimate", "history_p25", "history_p50", "history_p75", "siblings_median"):
        months[c] = [None if v is None or pd.isna(v) else rounded(float(v)) for v in months[c]]
    for c in ("point", "low", "high"):
        months[c] = months[c].astype(float)
    months["low"] = months[["low", "point"]].min(axis=1)
    months["high"] = months[["high", "point"]].max(axis=1)
    figures = {
        "point": accumulate(months["point"].tolist(), accumulation),
        "low": accumulate(months["low"].tolist(), accumulation),
        "high": accumulate(months["high"].tolist(), accumulation),
        "last_year": accumulate([own.get(p) for p in months_of(year - 1)], accumulation),
    }
    year_words = {k: figure(v) for k, v in figures.items()}
    reasons.append(Reason("suggest.r_year", {"accumulation_word": accumulation, "previous": year - 1, **year_words}))
    return Suggestion(
        unit_id,
        kpi_id,
        year,
        direction,
        accumulation,
        months,
        tuple(reasons),
        used,
        trend=None if r is None else basis.factor,
        seasonal=basis.seasonal,
        floor=floor,
        year_figures=figures,
    )


def _basis(own: Mapping[str, float], year: int, step: int, reasons: list[Reason]) -> tuple[_Level, float | None]:
    """Steps 2 and 4: the trend (and its reasons), the recent level and the
    percentiles; ``step`` months between readings (a quarterly KPI's year is
    4 readings, its recent level the latest 2)."""
    periods = sorted(own)
    seasonal = len(own) >= YEAR_OF_HISTORY // step
    r, pairs, recent, earlier = trend_ratio(own, step) if seasonal else (None, [], 0.0, 0.0)
    factor = 1.0 if r is None else min(max(r, TREND_LIMITS[0]), TREND_LIMITS[1])
    if r is not None:
        trend = {"n": len(pairs), "first": pairs[0], "last": pairs[-1], "ratio": f"{r:.3f}"}
        reasons.append(Reason("suggest.r_trend", {**trend, "recent": number(recent), "earlier": number(earlier)}))
        if factor != r:
            reasons.append(Reason("suggest.r_trend_limited", {"ratio": f"{factor:.3f}"}))
    elif seasonal:
        reasons.append(Reason("suggest.r_no_trend", {"min": MIN_TREND_PAIRS}))
    level = float(np.mean([own[p] for p in periods[-max(1, LEVEL_MONTHS // step) :]]))
    window = [own[p] for p in periods[-max(1, PERCENTILE_MONTHS // step) :]]
    p25, p50, p75 = (float(v) for v in np.percentile(window, [25, 50, 75]))
    if seasonal:
        reasons.append(Reason("suggest.r_seasonal", {"previous": year - 1}))
    else:
        reasons.append(Reason("suggest.r_not_seasonal", {"n": len(own), "level": number(level)}))
    quartiles = {"p25": number(p25), "p50": number(p50), "p75": number(p75)}
    reasons.append(Reason("suggest.r_percentiles", {"n": len(window), **quartiles}))
    return _Level(seasonal, factor, step, level, p25, p50, p75, float(np.mean(window))), r


def _start(period: str, own: Mapping[str, float], basis: _Level) -> tuple[float, str, float]:
    """Step 3 for one month: (where it starts, from what, last year x trend)."""
    ly = own.get(shift_month(period, -12))
    two = own.get(shift_month(period, -24))
    if basis.seasonal and ly is not None:
        return ly, "last_year", ly * basis.factor
    if basis.seasonal and two is not None:
        return two, "two_years", two * basis.factor * basis.factor
    return basis.level, "level", basis.level


def _months(
    own: Mapping[str, float],
    year: int,
    basis: _Level,
    siblings: pd.DataFrame | None,
    weights: Mapping[str, float],
    reasons: list[Reason],
) -> pd.DataFrame:
    """Steps 3 to 6 for each month of ``year``."""
    sib = siblings if siblings is not None else pd.DataFrame(columns=["unit_id", "period", "actual"])
    sib = sib[sib["actual"].notna()]
    by_month = {p: g["actual"].astype(float).tolist() for p, g in sib.groupby("period")}
    rows = []
    for period in (p for p in months_of(year) if is_due(p, basis.step)):
        ly = own.get(shift_month(period, -12))
        base, source, estimate = _start(period, own, basis)
        season = ly / basis.mean if basis.seasonal and ly is not None and basis.mean > 0 else 1.0
        b25, b50, b75 = basis.p25 * season, basis.p50 * season, basis.p75 * season
        peers = by_month.get(shift_month(period, -12), [])
        median = float(np.median(peers)) if len(peers) >= MIN_SIBLINGS else None
        point = _weighted({"trend": estimate, "history": b50, "siblings": median}, weights)
        low, high = _spread(point, b25, b50, b75)
        rows.append(
            {
                "period": period,
                "point": point,
                "low": min(low, estimate, point),
                "high": max(high, estimate, point),
                "last_year": ly,
                "base": base,
                "base_source": source,
                "trend_estimate": estimate,
                "history_p25": b25,
                "history_p50": b50,
                "history_p75": b75,
                "siblings_median": median,
                "siblings_n": len(peers) if median is not None else 0,
            }
        )
    months = pd.DataFrame(rows, columns=list(MONTH_COLUMNS))
    if basis.seasonal:
        sources = months["base_source"].value_counts()
        if sources.get("two_years", 0):
            reasons.append(Reason("suggest.r_two_years", {"n": int(sources["two_years"])}))
        if sources.get("level", 0):
            reasons.append(Reason("suggest.r_level", {"n": int(sources["level"]), "level": number(basis.level)}))
    return months


def _sibling_reasons(
    months: pd.DataFrame, weights: Mapping[str, float], hidden: bool, year: int, reasons: list[Reason]
) -> None:
    """Step 5 and 6 in words: the siblings used, and the blend's weights."""
    counts = months.loc[months["siblings_n"] > 0, "siblings_n"]
    if len(counts):
        low_n, high_n = int(counts.min()), int(counts.max())
        params = {"n": f"{low_n}" if low_n == high_n else f"{low_n}-{high_n}", "months": len(counts)}
        key = "suggest.r_siblings_reference" if weights["siblings"] == 0 else "suggest.r_siblings"
        reasons.append(Reason(key, {**params, "previous": year - 1}))
    elif hidden:
        reasons.append(Reason("suggest.r_siblings_hidden", {}))
    else:
        reasons.append(Reason("suggest.r_no_siblings", {"min": MIN_SIBLINGS}))
    blended = {k: w for k, w in weights.items() if w > 0 and (k != "siblings" or len(counts))}
    total = sum(blended.values())
    shares = {f"w_{k}": f"{w / total:.3g}" for k, w in blended.items()}
    reasons.append(Reason("suggest.r_combine" if "w_siblings" in shares else "suggest.r_combine_own", shares))
    if "w_siblings" in shares and len(counts) < len(months):
        reasons.append(Reason("suggest.r_combine_partly", {"n": len(months) - len(counts)}))


def _floor(months: pd.DataFrame, direction: str, accumulation: str, reasons: list[Reason]) -> str | None:
    """Step 7 on ``months`` in place; returns ``floor``/``ceiling`` when it moved anything."""
    if direction not in ("higher", "lower"):
        reasons.append(Reason("suggest.r_band", {}))
        return None
    had = months["last_year"].notna()
    if not had.any():
        reasons.append(Reason("suggest.r_floor_none", {}))
        return None
    kind = "floor" if direction == "higher" else "ceiling"
    limit = accumulate(months.loc[had, "last_year"].tolist(), accumulation)
    moved = []
    for column in ("point", "low", "high"):
        figure = accumulate(months.loc[had, column].tolist(), accumulation)
        breaks = figure < limit if kind == "floor" else figure > limit
        if not breaks or math.isclose(figure, limit, rel_tol=1e-12):
            continue
        if figure > 0 and limit > 0:
            months[column] = months[column] * (limit / figure)
        else:
            shift = limit - figure
            if accumulation == "sum":
                shift /= int(had.sum())
            months[column] = months[column] + shift
        moved.append((column, figure))
    point_moved = [f for c, f in moved if c == "point"]
    params = {
        "direction_word": direction,
        "accumulation_word": accumulation,
        "limit": number(limit),
        "months": int(had.sum()),
    }
    if point_moved:
        reasons.append(Reason(f"suggest.r_{kind}_moved", {**params, "before": number(point_moved[0])}))
    else:
        reasons.append(Reason(f"suggest.r_{kind}_kept", params))
    return kind if moved else None


# --------------------------------------------------------------------------- from the store


def suggest(
    store: Store,
    unit_id: str,
    kpi_id: str,
    year: int,
    *,
    scope: access.Scope | None = None,
    org: Org | None = None,
) -> Suggestion:
    """The suggestion for ``unit_id``'s ``kpi_id`` in ``year``, read from the
    store. A reader's ``scope`` must allow the unit (else
    :class:`kpi_core.access.NotPermitted`, whether it exists or not), and only
    siblings it allows enter the sibling median. Unknown unit or KPI:
    :class:`SuggestError`."""
    if scope is not None:
        scope.check(unit_id)
    org = org or Org.from_frame(store.units())
    if unit_id not in org:
        raise SuggestError(f"no unit {unit_id!r}", key="suggest.unknown_unit", unit=unit_id)
    kpi = store.kpi(kpi_id)
    if kpi is None:
        raise SuggestError(f"no KPI {kpi_id!r}", key="suggest.unknown_kpi", kpi=kpi_id)
    parent = org.parent(unit_id)
    siblings = [c for c in org.children(parent) if c != unit_id] if parent else []
    shown = [s for s in siblings if scope is None or scope.allows(s)]
    first = f"{year - LOOKBACK_MONTHS // 12:04d}-01"
    values = store.monthly_values([unit_id, *shown], first, f"{year - 1:04d}-12")
    dictionary = store.kpis()
    trees = formula.parse_all(dict(zip(dictionary["kpi_id"], dictionary["formula"], strict=True)))
    values = kpi_actuals(values[values["actual"].notna()], kpi_id, trees)
    mine = values[values["unit_id"] == unit_id]
    others = values.loc[values["unit_id"] != unit_id, ["unit_id", "period", "actual"]]
    hidden = len(shown) < len(siblings)
    found = compute(
        kpi,
        year,
        dict(zip(mine["period"], mine["actual"], strict=True)),
        others,
        unit_id=unit_id,
        siblings_hidden=hidden and others.empty,
    )
    if kpi_id in trees and found.ok:  # say where a calculated KPI's history came from
        note = Reason("suggest.r_formula", {"formula": str(kpi.get("formula") or "").strip()})
        found = replace(found, reasons=(found.reasons[0], note, *found.reasons[1:]))
    return found


def kpi_actuals(actuals: pd.DataFrame, kpi_id: str, trees: Mapping[str, formula.Node]) -> pd.DataFrame:
    """The monthly actuals (``unit_id, period, actual``) of ``kpi_id`` from
    stored ``actuals`` (unit_id, kpi_id, period, actual); a calculated KPI's
    (one with a formula in ``trees``) worked out month by month from its
    components, as the engine's month view does (a component missing, or a
    division by zero, leaves that month out; a formula reading itself gives none).

    >>> facts = pd.DataFrame({"unit_id": ["u", "u"], "kpi_id": ["GP", "REV"], "period": ["2025-01"] * 2,
    ...                       "actual": [30.0, 120.0]})
    >>> kpi_actuals(facts, "GM", {"GM": formula.parse("GP / REV * 100")}).to_dict("records")
    [{'unit_id': 'u', 'period': '2025-01', 'actual': 25.0}]
    """
    if kpi_id not in trees:
        mine = actuals[actuals["kpi_id"] == kpi_id]
        return mine[["unit_id", "period", "actual"]].reset_index(drop=True)
    wide = actuals.pivot_table(index=["unit_id", "period"], columns="kpi_id", values="actual", aggfunc="first")
    missing = np.full(len(wide), np.nan)

    def value(kpi: str, seen: frozenset[str]) -> np.ndarray:
        if kpi in seen:
            return missing
        if kpi in trees:
            return formula.evaluate(trees[kpi], lambda k: value(k, seen | {kpi}))
        return wide[kpi].to_numpy(dtype="float64") if kpi in wide else missing

    out = wide.index.to_frame(index=False)
    out["actual"] = value(kpi_id, frozenset())
    return out[out["actual"].notna()].reset_index(drop=True)


def year_so_far(
    store: Store, unit_id: str, kpi_id: str, year: int, *, scope: access.Scope | None = None
) -> pd.DataFrame:
    """The year's stored targets and actuals of the unit's KPI (``period,
    target, actual``), for showing beside a suggestion (never used by it)."""
    if scope is not None:
        scope.check(unit_id)
    frame = store.monthly_values([unit_id], f"{year:04d}-01", f"{year:04d}-12")
    frame = frame[frame["kpi_id"] == kpi_id]
    return frame[["period", "target", "actual"]].sort_values("period").reset_index(drop=True)


# --------------------------------------------------------------------------- accepting


@dataclass(frozen=True)
class Accepted:
    """What accepting wrote: the months, and whether it was written now or
    kept as change request ``submitted.request_id`` (a locked year)."""

    months: tuple[str, ...]
    submitted: approvals.Submitted
    problems: tuple[ingest.Problem, ...] = ()


def months_to_write(suggestion: Suggestion, measured: Iterable[str], *, include_measured: bool = False) -> list[str]:
    """The months accepting writes: every suggested month, less those already
    measured (with an actual) unless ``include_measured``."""
    done = set() if include_measured else set(measured)
    return [p for p in suggestion.months["period"] if p not in done]


def accept(
    store: Store,
    suggestion: Suggestion,
    *,
    by: str,
    reason: str,
    viewer: access.Viewer | None = None,
    scope: access.Scope | None = None,
    include_measured: bool = False,
) -> Accepted:
    """Write the suggested points as the unit's monthly targets of the year,
    through the scorecard design page's save (:func:`kpi_core.approvals.save_design`):
    ``edit_design`` on the unit, a reason, one audited transaction as ``by``;
    when the year's baseline is locked, a change request instead. Months
    already measured keep their targets unless ``include_measured``. The KPI
    must be assigned to the unit in that year (:class:`SuggestError`)."""
    approvals.check(viewer, "edit_design", scope, suggestion.unit_id)
    if not suggestion.ok:
        raise SuggestError("nothing to accept", key="suggest.nothing_to_accept")
    unit, year, kpi_id = suggestion.unit_id, suggestion.year, suggestion.kpi_id
    before = design.design_table(store.assignments(year, [unit]), store.unit_targets([unit], year), year)
    if kpi_id not in set(before["kpi_id"]):
        raise SuggestError(
            f"{kpi_id} is not assigned to {unit} in {year}",
            key="suggest.not_assigned",
            kpi=kpi_id,
            unit=unit,
            year=year,
        )
    measured = year_so_far(store, unit, kpi_id, year)
    measured = measured.loc[measured["actual"].notna(), "period"]
    months = months_to_write(suggestion, measured, include_measured=include_measured)
    after = before.copy()
    points = suggestion.months.set_index("period")["point"]
    row = after.index[after["kpi_id"] == kpi_id][0]
    for period in months:
        after.at[row, period] = float(points[period])
    problems, submitted = approvals.save_design(
        store, unit, year, before, after, by=by, reason=reason, viewer=viewer, scope=scope
    )
    return Accepted(tuple(months), submitted, tuple(problems))
