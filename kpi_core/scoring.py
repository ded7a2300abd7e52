"""The scoring engine: completion, credited score, points, status and rollups.

Pure: numbers and pandas objects in, new objects out; no I/O, no SQL, no
globals. The dashboard, the command line and the tests all call these
functions, so a figure on a page is the figure the CLI prints.

The method is ``shared/DOMAIN.md``; the definitions the rest of the code relies
on are:

* ``completion`` = actual / target (higher-is-better and band KPIs), or
  2 - actual / target (lower-is-better KPIs, and higher-is-better KPIs whose
  target is negative). A zero or missing target gives NaN with status
  ``no_target``; a missing actual gives NaN with status ``no_data``.
* ``score`` = the credited completion after floor, tiers and cap (or, for a
  band KPI, after the band penalty), never below 0.
* ``points`` = weight / 100 x score x 100 = weight x score; a unit's ``total``
  is the sum of its KPIs' points (100 = every KPI exactly on target).
* a perspective's score = its KPIs' points / its KPIs' weight x 100.

This module holds the rules of one cell (and of a unit's total); the engine
(:mod:`kpi_core.engine`) lays a year of facts out as a grid, accumulates each
view's months and applies these rules to every cell at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_core.model import DEFAULT_AMBER_AT, DEFAULT_GREEN_AT, STATUSES

#: Completion is rounded to this many decimals before it is compared with a
#: threshold, so that 2 - 44/40 (= 0.8999999999999999 in binary) counts as 90%.
_PRECISION = 10

#: Unit totals: status and grade thresholds (a total equal to one takes the better).
UNIT_GREEN_AT = 95.0
UNIT_AMBER_AT = 85.0
GRADES: tuple[tuple[float, str], ...] = (
    (105.0, "excellent"),
    (UNIT_GREEN_AT, "good"),
    (UNIT_AMBER_AT, "pass"),
)

Tiers = tuple[tuple[float, float], ...]


def parse_tiers(text: str | None) -> Tiers:
    """Parse a tier rule such as ``"0.9:0.7;1.0:0.9"`` into sorted pairs.

    >>> parse_tiers("1.0:0.9; 0.9:0.7")
    ((0.9, 0.7), (1.0, 0.9))
    >>> parse_tiers("")
    ()

    Numbers must be finite: ``0.9:nan`` or ``inf:0.7`` raise ValueError.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ()
    pairs = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        below, share = part.split(":")
        pair = (float(below), float(share))
        if not all(map(math.isfinite, pair)):
            raise ValueError(f"tier {part.strip()!r}: numbers must be finite")
        pairs.append(pair)
    return tuple(sorted(pairs))


def _num(values: object) -> np.ndarray:
    return np.asarray(values, dtype="float64")


#: Status codes of the arrays below: positions in :data:`kpi_core.model.STATUSES`.
GREEN, AMBER, RED, NO_DATA, NO_TARGET = (STATUSES.index(s) for s in ("green", "amber", "red", "no_data", "no_target"))
#: Names of :func:`unit_status_codes` and :func:`grade_codes`.
UNIT_STATUSES: tuple[str, ...] = ("green", "amber", "red", "no_data")
GRADE_NAMES: tuple[str, ...] = (*(name for _, name in GRADES), "fail", "no_data")


@dataclass(frozen=True)
class Rules:
    """Scoring rules as arrays, one entry per rule row (a KPI of the dictionary,
    or a scored row carrying its KPI's columns). A cell picks its rule by the
    row's position ``k``: every function below takes ``k`` so one table of
    rules serves a whole grid of units x KPIs x months."""

    acc: np.ndarray
    lower: np.ndarray
    higher: np.ndarray
    band: np.ndarray
    floor: np.ndarray
    cap: np.ndarray
    tier_rule: np.ndarray
    """Index into ``tiers`` (-1: no tiers)."""
    tiers: tuple[Tiers, ...]
    band_low: np.ndarray
    band_high: np.ndarray
    band_penalty: np.ndarray
    green_at: np.ndarray
    amber_at: np.ndarray
    blend: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Rules:
        """The rules of each row of ``frame`` (KPI dictionary columns; an absent
        column means no such rule, as an empty cell does)."""
        n = len(frame)

        def text(column: str, default: str = "") -> pd.Series:
            if column not in frame:
                return pd.Series([default] * n, index=frame.index, dtype=object)
            return frame[column].astype(object).where(frame[column].notna(), default)

        def num(column: str) -> np.ndarray:
            if column not in frame:
                return np.full(n, np.nan)
            return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)

        direction = text("direction", "higher").to_numpy()
        tier_text = text("tiers").astype(str).to_numpy()
        rules = sorted(r for r in set(tier_text) if r)
        position = {r: i for i, r in enumerate(rules)}
        return cls(
            acc=text("accumulation", "sum").to_numpy(dtype=object),
            lower=direction == "lower",
            higher=direction == "higher",
            band=direction == "band",
            floor=num("floor"),
            cap=num("cap"),
            tier_rule=np.array([position.get(r, -1) for r in tier_text], dtype="int32"),
            tiers=tuple(parse_tiers(r) for r in rules),
            band_low=num("band_low"),
            band_high=num("band_high"),
            band_penalty=num("band_penalty"),
            green_at=np.nan_to_num(num("green_at"), nan=DEFAULT_GREEN_AT),
            amber_at=np.nan_to_num(num("amber_at"), nan=DEFAULT_AMBER_AT),
            blend=num("blend"),
        )

    @classmethod
    def by_kpi(cls, kpis: pd.DataFrame, kpi_ids: Iterable[str]) -> Rules:
        """The rules of ``kpi_ids``, in that order, from the KPI dictionary."""
        return cls.of(kpis.drop_duplicates("kpi_id").set_index("kpi_id").reindex(list(kpi_ids)))


def _ratio_completion(actual: np.ndarray, target: np.ndarray, lower: np.ndarray, higher: np.ndarray) -> np.ndarray:
    # THE completion rule: actual / target; 2 - actual / target for lower-is-better and for
    # higher-is-better against a negative target (a planned loss); a zero target gives NaN
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(target == 0, np.nan, actual / np.where(target == 0, 1.0, target))
    flip = lower | (higher & (target < 0))
    return np.round(np.where(flip, 2.0 - ratio, ratio), _PRECISION)


def completion_by(actual: np.ndarray, target: np.ndarray, k: np.ndarray, rules: Rules) -> np.ndarray:
    """Completion of cells whose rules are ``rules[k]``: lower-is-better, and
    higher-is-better against a negative target (a planned loss), count
    ``2 - actual / target``."""
    actual, target = _num(actual), _num(target)
    return _ratio_completion(actual, target, rules.lower[k], rules.higher[k])


def completion_array(actual: object, target: object, direction: object) -> np.ndarray:
    """Vectorised :func:`completion`: arrays (or scalars) in, a float array out."""
    a, t = np.broadcast_arrays(_num(actual), _num(target))
    d = np.broadcast_to(np.asarray(direction, dtype=object), a.shape)
    return _ratio_completion(a, t, d == "lower", d == "higher")


def completion(actual: float, target: float, direction: str) -> float:
    """Completion rate of one KPI (1.0 = on target); NaN when the target is 0.

    >>> completion(95, 100, "higher")      # revenue 95 against 100
    0.95
    >>> completion(50, 40, "lower")        # collection days 50 against 40
    0.75
    >>> completion(-50, -100, "higher")    # loss of 50 against a planned loss of 100
    1.5
    >>> completion(103, 100, "band")
    1.03
    >>> completion(10, 0, "higher")
    nan
    """
    return float(completion_array(actual, target, direction)[()])


def tiered_array(comp: np.ndarray, tiers: Tiers) -> np.ndarray:
    """Apply a tier rule: below each threshold the completion earns that share."""
    out = comp.copy()
    for below, share in reversed(tiers):
        out = np.where(comp < below, share, out)
    return out


def band_score_array(
    comp: np.ndarray, weight: np.ndarray, low: np.ndarray, high: np.ndarray, penalty: np.ndarray
) -> np.ndarray:
    """Share of a band KPI's points: full inside [low, high], minus ``penalty``
    points per percentage point outside it, never below 0."""
    outside_pp = np.round(np.maximum(low - comp, 0) + np.maximum(comp - high, 0), _PRECISION) * 100
    points = np.maximum(weight - outside_pp * np.nan_to_num(penalty), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(weight > 0, points / np.where(weight > 0, weight, 1), (outside_pp == 0) * 1.0)
    return np.where(np.isnan(comp), np.nan, share)


def credited_by(comp: np.ndarray, k: np.ndarray, weight: np.ndarray, rules: Rules) -> np.ndarray:
    """Credited completion (the ``score``) of cells whose rules are ``rules[k]``:
    tiers, then the cap, then the floor (below it: 0), never below 0; a band
    KPI by its band and penalty instead."""
    comp = _num(comp)
    score = comp.copy()
    rule = rules.tier_rule[k]
    for i, tiers in enumerate(rules.tiers):
        mask = rule == i
        if mask.any():
            score[mask] = tiered_array(comp[mask], tiers)
    cap = rules.cap[k]
    score = np.where(np.isnan(cap), score, np.minimum(score, cap))
    floor = rules.floor[k]
    score = np.where(~np.isnan(floor) & (comp < floor), 0.0, score)
    score = np.maximum(score, 0.0)
    band = rules.band[k]
    if band.any():
        kb = k[band]
        score[band] = band_score_array(
            comp[band], _num(weight)[band], rules.band_low[kb], rules.band_high[kb], rules.band_penalty[kb]
        )
    return np.where(np.isnan(comp), np.nan, score)


def credited_array(comp: np.ndarray, rules: pd.DataFrame, weight: np.ndarray) -> np.ndarray:
    """Credited completion (the ``score``) for rows of completion and KPI rules.

    ``rules`` has the KPI dictionary's columns ``direction, floor, cap, tiers,
    band_low, band_high, band_penalty`` aligned with ``comp``.
    """
    comp = _num(comp)
    return credited_by(comp, np.arange(len(comp)), np.broadcast_to(_num(weight), comp.shape), Rules.of(rules))


def credited(
    comp: float,
    *,
    direction: str = "higher",
    weight: float = 100.0,
    floor: float | None = None,
    cap: float | None = None,
    tiers: str = "",
    band_low: float | None = None,
    band_high: float | None = None,
    band_penalty: float | None = None,
) -> float:
    """Credited completion of one KPI under its scoring rule.

    >>> credited(1.35, cap=1.2)                       # above the cap
    1.2
    >>> credited(0.55, floor=0.6)                     # below the floor: no points
    0.0
    >>> credited(0.85, tiers="0.9:0.7;1.0:0.9")       # below 90%: 70% of the points
    0.7
    >>> credited(0.95, tiers="0.9:0.7;1.0:0.9")       # below 100%: 90%
    0.9
    >>> credited(1.1, tiers="0.9:0.7;1.0:0.9", cap=1.2)
    1.1
    >>> credited(1.03, direction="band", weight=10, band_low=0.9, band_high=1.0, band_penalty=2)
    0.4
    """
    rules = pd.DataFrame(
        {
            "direction": [direction],
            "floor": [floor],
            "cap": [cap],
            "tiers": [tiers],
            "band_low": [band_low],
            "band_high": [band_high],
            "band_penalty": [band_penalty],
        }
    )
    return float(credited_array(np.array([comp], dtype=float), rules, np.array([weight]))[0])


def band_sides(comp: np.ndarray, low: np.ndarray, high: np.ndarray, margin: object = 0.0) -> tuple:
    """Over and under a band ``[low - margin, high + margin]`` (the ends are inside)."""
    c = np.round(comp, _PRECISION)
    with np.errstate(invalid="ignore"):
        over = c > np.round(high + margin, _PRECISION)
        under = c < np.round(low - margin, _PRECISION)
    return over, under


def status_codes_by(comp: np.ndarray, target: np.ndarray, k: np.ndarray, rules: Rules) -> np.ndarray:
    """Status codes (:data:`GREEN` ... :data:`NO_TARGET`) of cells whose rules are ``rules[k]``.

    A completion equal to a threshold takes the better status; a band KPI is
    green inside its band (ends included) and red outside it. No completion:
    ``no_target`` when the target is missing or 0, else ``no_data``.
    """
    comp, target = _num(comp), _num(target)
    with np.errstate(invalid="ignore"):
        status = np.where(comp >= rules.green_at[k], GREEN, np.where(comp >= rules.amber_at[k], AMBER, RED))
        inside = (comp >= rules.band_low[k]) & (comp <= rules.band_high[k])
    status = np.where(rules.band[k], np.where(inside, GREEN, RED), status)
    missing_target = np.isnan(target) | (target == 0)
    status = np.where(np.isnan(comp), np.where(missing_target, NO_TARGET, NO_DATA), status)
    return status.astype("int8")


def status_array(
    comp: np.ndarray,
    target: np.ndarray,
    rules: pd.DataFrame,
) -> np.ndarray:
    """green / amber / red / no_data / no_target for rows of completion and rules
    (the names of :func:`status_codes_by`)."""
    comp = _num(comp)
    codes = status_codes_by(comp, np.broadcast_to(_num(target), comp.shape), np.arange(len(comp)), Rules.of(rules))
    return np.asarray(STATUSES, dtype=object)[codes]


def status_of(
    comp: float,
    target: float = 1.0,
    *,
    direction: str = "higher",
    green_at: float | None = None,
    amber_at: float | None = None,
    band_low: float | None = None,
    band_high: float | None = None,
) -> str:
    """Status of one KPI.

    >>> status_of(1.0), status_of(0.9), status_of(0.8999)
    ('green', 'amber', 'red')
    >>> status_of(1.05, direction="band", band_low=0.9, band_high=1.0)
    'red'
    >>> status_of(float("nan"), 0), status_of(float("nan"), 40)
    ('no_target', 'no_data')
    """
    rules = pd.DataFrame(
        {
            "direction": [direction],
            "green_at": [green_at],
            "amber_at": [amber_at],
            "band_low": [band_low],
            "band_high": [band_high],
        }
    )
    return str(status_array(np.array([comp], dtype=float), np.array([target], dtype=float), rules)[0])


def unit_status_codes(total: np.ndarray) -> np.ndarray:
    """Status of totals or perspective scores as codes into :data:`UNIT_STATUSES`:
    green from 95, amber from 85, red below (a total equal to a threshold takes
    the better), no_data when there is no total."""
    total = _num(total)
    with np.errstate(invalid="ignore"):
        code = np.where(total >= UNIT_GREEN_AT, 0, np.where(total >= UNIT_AMBER_AT, 1, 2))
    return np.where(np.isnan(total), 3, code)


def grade_codes(total: np.ndarray) -> np.ndarray:
    """Grades of totals as codes into :data:`GRADE_NAMES`: excellent from 105,
    good from 95, pass from 85, fail below; no_data when there is no total."""
    total = _num(total)
    code = np.full(total.shape, len(GRADES))
    with np.errstate(invalid="ignore"):
        for i, (at, _) in reversed(list(enumerate(GRADES))):
            code = np.where(total >= at, i, code)
    return np.where(np.isnan(total), len(GRADES) + 1, code)


def unit_status_array(total: Iterable[float]) -> np.ndarray:
    """Status of a total or perspective score (100 = on target).

    >>> list(unit_status_array([95, 94.99, 85, 70, float("nan")]))
    ['green', 'amber', 'amber', 'red', 'no_data']
    """
    return np.asarray(UNIT_STATUSES, dtype=object)[unit_status_codes(_num(list(total)))]


def grade_array(total: Iterable[float]) -> np.ndarray:
    """Grade of a total: excellent, good, pass or fail (no_data when empty).

    >>> list(grade_array([105, 100, 95, 85, 84.9, float("nan")]))
    ['excellent', 'good', 'good', 'pass', 'fail', 'no_data']
    """
    return np.asarray(GRADE_NAMES, dtype=object)[grade_codes(_num(list(total)))]
