"""The scoring engine: every figure of a scorecard, for a whole year of units at once.

This is the one implementation of the method (``shared/DOMAIN.md``). The rules
of a single cell (completion, tiers, cap, floor, band penalty, status, unit
status and grade) are :mod:`kpi_core.scoring`'s array functions; this module
lays the facts out as a grid and applies them: the accumulation of a view's
months, the blend with the year-to-date score, points, unit totals,
perspective scores and counts. Everything that shows a score calls it: the
stored scores (:mod:`kpi_core.scores`, which the pages, alerts and the CLI
read), the upload preview, the rule- and weight-change impact, and the
as-of scorecards.

Reporting frequency and calculated KPIs (issue 14) are laid over the grid
before any rule (:func:`_plan`): a quarterly KPI counts its due months and
carries the last one between them (``as_of``); a calculated KPI's actual is
its formula (:mod:`kpi_core.formula`) over its components, each accumulated
over the view's window first. Info assignments are shown and never scored.

Why a grid. A scorecard's figures for one unit-year depend only on that
unit-year's facts: windows never cross a year (a quarter and the year to
date restart in January). So the facts of one year are laid out as arrays
of (assignment row x 12 months), one row per assigned (unit, KPI), rows
contiguous per unit in the store's assignment order. Every view's window
figures then come from running sums along the month axis, every rule is a
vectorised operation over all cells, and unit totals are segment sums over
each unit's rows. A unit-year is scored identically whether it is scored
alone (a refresh after a restatement) or with 100,000 others (a rebuild):
every sum runs over that unit's own cells in a fixed order, which is what
lets stored scores be checked against a from-scratch rescore exactly.

Pure: arrays and frames in, arrays and frames out; no I/O and no store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_core import formula, scoring
from kpi_core.model import (
    DEFAULT_TASK_CAP,
    FREQUENCIES,
    OKR_MODE,
    PERSPECTIVES,
    SCORE_COLUMNS,
    STATUSES,
    TASK_RESULTS,
    TASK_ROLE,
    VIEWS,
)
from kpi_core.months import month_index

#: Stored scores made by another engine version are rebuilt when the store is
#: opened. Raise it whenever a change here or in :mod:`kpi_core.scoring` can
#: change a figure.
ENGINE_VERSION = "4"

#: Columns of :func:`kpi_frame` (one row per unit, KPI, month and view).
KPI_COLUMNS = SCORE_COLUMNS
#: Columns of :func:`unit_frame` (one row per unit, month and view). ``w_<p>``
#: and ``p_<p>`` are the weight and points of perspective ``p`` (weight NaN
#: when the unit has no KPI in it).
UNIT_COLUMNS = (
    "unit_id",
    "period",
    "view",
    "total",
    "weight",
    "scored_weight",
    "coverage",
    "status",
    "grade",
    "green",
    "amber",
    "red",
    "missing",
    "kpi_count",
    *(f"{c}_{p}" for p in PERSPECTIVES for c in ("w", "p")),
)


# --------------------------------------------------------------------------- the facts


@dataclass(frozen=True)
class Grid:
    """One year of facts: assignment rows x 12 months.

    Rows are contiguous per unit (the store's assignment order). ``unit`` and
    ``kpi`` are codes into ``unit_ids`` and ``kpi_ids``; ``rules`` holds one
    rule row per KPI id, so a cell's rule is ``rules[kpi]``.
    """

    year: int
    unit_ids: tuple[str, ...]
    kpi_ids: tuple[str, ...]
    unit: np.ndarray
    kpi: np.ndarray
    weight: np.ndarray
    role: np.ndarray
    target: np.ndarray
    actual: np.ndarray
    rules: scoring.Rules
    perspective: np.ndarray
    """Perspective code (position in PERSPECTIVES, -1 unknown) per KPI id."""
    period_length: np.ndarray | None = None
    """Months in each KPI id's reporting period (1 monthly, 3 quarterly, 6
    half-yearly, 12 yearly; None: every KPI monthly)."""
    formulas: dict[int, formula.Node] | None = None
    """KPI code -> the tree of its formula, for the calculated KPIs."""
    task_points: np.ndarray | None = None
    """Goal-setting tasks (rows whose role is ``task``): the points of each
    month, carried from the task's latest assessment of the year (NaN before
    the first); None when the grid has no task."""
    task_as_of: np.ndarray | None = None
    """The month (0-11) whose assessment a task's cell carries when it is not
    the month's own; -1 otherwise."""

    def __len__(self) -> int:
        return len(self.unit)


def categories(*columns: pd.Series) -> list[str]:
    """The sorted ids found in ``columns``: shared categories for :func:`grid`."""
    ids: set[str] = set()
    for column in columns:
        if isinstance(column.dtype, pd.CategoricalDtype):
            ids.update(column.cat.categories)
        else:
            ids.update(column.dropna().astype(str).unique())
    return sorted(ids)


def _codes(column: pd.Series, ids: list[str]) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype) and list(column.cat.categories) == ids:
        return column.cat.codes.to_numpy().astype("int64")
    return pd.Categorical(column, categories=ids).codes.astype("int64")


def grid(
    year: int,
    assigned: pd.DataFrame,
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    unit_ids: list[str] | None = None,
    kpi_ids: list[str] | None = None,
    tasks: pd.DataFrame | None = None,
    assessments: pd.DataFrame | None = None,
    okrs: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> Grid:
    """Lay out one year of facts.

    ``assigned``: ``unit_id, kpi_id, weight, role`` of the year, in the
    store's order (unit, role, weight descending, KPI); ``kpis``: the KPI
    dictionary; ``targets`` and ``actuals``: ``unit_id, kpi_id, month``
    (0-11, the month of ``year``) and ``value``. Ids may be text or
    categoricals over ``unit_ids`` / ``kpi_ids`` (the fast path of a bulk
    read); values of keys not assigned this year are not scored.

    ``tasks`` (``task_id, unit_id, weight, perspective, mode, cap``, and
    optionally ``year``) and ``assessments`` (``task_id, period`` "YYYY-MM",
    ``result``, optionally ``year``): the goal-setting tasks of the year,
    laid out as rows of their unit (role ``task``, the task id as KPI id)
    after the unit's KPIs. ``okrs`` (``objectives, key_results``, the
    columns of their files): the OKRs a task of mode ``okr`` scores
    (:func:`okr_assessments`); its stored assessments, if any, are ignored.
    """
    tasks = _tasks_of_year(tasks, year)
    if len(tasks) and (tasks["mode"] == OKR_MODE).any():
        assessments = _with_okr_assessments(tasks, assessments, okrs, year)
    if unit_ids is None:
        unit_ids = categories(assigned["unit_id"], targets["unit_id"], actuals["unit_id"], tasks["unit_id"])
    if kpi_ids is None:
        kpi_ids = categories(assigned["kpi_id"], targets["kpi_id"], actuals["kpi_id"], kpis["kpi_id"])
    if len(tasks):
        tasks = tasks[tasks["unit_id"].isin(set(unit_ids))]
    if len(tasks):
        known = set(kpi_ids)
        kpi_ids = [*kpi_ids, *sorted(t for t in tasks["task_id"] if t not in known)]
        assigned = _with_task_rows(assigned, tasks)
        kpis = pd.concat([kpis, _task_dictionary(tasks)], ignore_index=True)
    unit = _codes(assigned["unit_id"], unit_ids)
    kpi = _codes(assigned["kpi_id"], kpi_ids)
    keep = (unit >= 0) & (kpi >= 0)
    if len(tasks):  # each unit's rows together, its tasks after its KPIs
        order = np.argsort(np.where(keep, unit, -1), kind="stable")
        keep = keep[order]
        assigned = assigned.iloc[order].reset_index(drop=True)
        unit, kpi = unit[order], kpi[order]
    unit, kpi = unit[keep], kpi[keep]
    n_kpis = max(len(kpi_ids), 1)
    rowix = np.full(len(unit_ids) * n_kpis, -1, dtype="int64")
    rowix[unit * n_kpis + kpi] = np.arange(len(unit))
    cells = []
    for values in (targets, actuals):
        out = np.full((len(unit), 12), np.nan)
        if len(values):
            m = values["month"].to_numpy().astype("int64")
            u = _codes(values["unit_id"], unit_ids)
            k = _codes(values["kpi_id"], kpi_ids)
            ok = (u >= 0) & (k >= 0) & (m >= 0) & (m < 12)
            r = np.where(ok, rowix[np.where(ok, u * n_kpis + k, 0)], -1)
            put = r >= 0
            out[r[put], m[put]] = values["value"].to_numpy(dtype="float64")[put]
        cells.append(out)
    dictionary = kpis.drop_duplicates("kpi_id").set_index("kpi_id").reindex(kpi_ids)
    order = {p: i for i, p in enumerate(PERSPECTIVES)}
    perspective = dictionary["perspective"].map(order) if "perspective" in dictionary else pd.Series(np.nan)
    lengths, formulas = _method_columns(dictionary, kpi_ids)
    role = assigned["role"].to_numpy(dtype=object)[keep]
    task_points, task_as_of = (None, None)
    if len(tasks):
        task_points, task_as_of = _task_cells(year, tasks, assessments, kpi_ids, kpi, role)
    return Grid(
        year=int(year),
        unit_ids=tuple(unit_ids),
        kpi_ids=tuple(kpi_ids),
        unit=unit,
        kpi=kpi,
        weight=assigned["weight"].to_numpy(dtype="float64")[keep],
        role=role,
        target=cells[0],
        actual=cells[1],
        rules=scoring.Rules.of(dictionary.reset_index()),
        perspective=perspective.fillna(-1).to_numpy(dtype="int64"),
        period_length=lengths,
        formulas=formulas,
        task_points=task_points,
        task_as_of=task_as_of,
    )


# --------------------------------------------------------------------------- goal-setting tasks


def task_points(mode: str, result: str, weight: float, cap: float | None = None) -> float:
    """The points one assessment earns (issue 14): ``graded`` 1.0 / 0.8 / 0.6
    / 0 of the weight (excellent, good, pass, fail), ``expected`` 1.0 / 0.5 /
    0 (met, partly, not), ``events`` the weight plus the sum of the signed
    points of its own list, never below 0 nor above ``cap`` (default 1.2)
    x the weight, ``okr`` the weight x its result, a 0-1 OKR score (issue
    18). NaN for a result the mode does not know.

    >>> task_points("graded", "good", 20), task_points("expected", "partly", 10)
    (16.0, 5.0)
    >>> task_points("events", "+3;-2;+1", 10), task_points("events", "-4;-8", 10), task_points("events", "+5", 10)
    (12.0, 0.0, 12.0)
    >>> task_points("okr", "0.68", 10), task_points("okr", "1.4", 10), task_points("okr", "x", 10)
    (6.800000000000001, 10.0, nan)
    """
    text = str(result).strip().lower() if result is not None else ""
    if mode in TASK_RESULTS:
        share = TASK_RESULTS[mode].get(text)
        return float("nan") if share is None else share * weight
    if mode == OKR_MODE:
        try:
            share = float(text)
        except ValueError:
            return float("nan")
        return float("nan") if np.isnan(share) else float(min(max(share, 0.0), 1.0) * weight)
    if mode == "events":
        events = parse_events(text)
        if events is None:
            return float("nan")
        limit = (DEFAULT_TASK_CAP if cap is None or np.isnan(cap) else cap) * weight
        return float(min(max(weight + sum(events), 0.0), limit))
    return float("nan")


def parse_events(text: str) -> list[float] | None:
    """The signed points of an ``events`` result ("+3;-2;+1"), or None when it
    is not such a list.

    >>> parse_events("+3; -2;+1"), parse_events("3"), parse_events("+3;;x")
    ([3.0, -2.0, 1.0], [3.0], None)
    """
    parts = [p.strip() for p in str(text).split(";")]
    out = []
    for part in parts:
        if not _EVENT.fullmatch(part):
            return None
        out.append(float(part))
    return out


_EVENT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _tasks_of_year(tasks: pd.DataFrame | None, year: int) -> pd.DataFrame:
    columns = ["task_id", "unit_id", "weight", "perspective", "mode", "cap"]
    if tasks is None or not len(tasks):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    if "year" in tasks:
        tasks = tasks[tasks["year"].astype("int64") == int(year)]
    tasks = tasks.assign(task_id=tasks["task_id"].astype(str), unit_id=tasks["unit_id"].astype(str))
    return tasks.sort_values(["unit_id", "weight", "task_id"], ascending=[True, False, True]).reset_index(drop=True)


def _with_task_rows(assigned: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "unit_id": tasks["unit_id"].to_numpy(object),
            "kpi_id": tasks["task_id"].to_numpy(object),
            "weight": tasks["weight"].to_numpy("float64"),
            "role": TASK_ROLE,
        }
    )
    base = pd.DataFrame(
        {
            "unit_id": assigned["unit_id"].astype(object).to_numpy(),
            "kpi_id": assigned["kpi_id"].astype(object).to_numpy(),
            "weight": assigned["weight"].to_numpy("float64"),
            "role": assigned["role"].to_numpy(object),
        }
    )
    return pd.concat([base, rows], ignore_index=True)


def _task_dictionary(tasks: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi_id": tasks["task_id"].to_numpy(object),
            "perspective": tasks["perspective"].to_numpy(object),
            "direction": "higher",
            "accumulation": "last",
        }
    )


def _task_cells(
    year: int,
    tasks: pd.DataFrame,
    assessments: pd.DataFrame | None,
    kpi_ids: list[str],
    kpi: np.ndarray,
    role: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Points of each task row and month, carried from its latest assessment
    of the year (NaN before the first), and the month carried (-1: its own)."""
    rows = len(kpi)
    points = np.full((rows, 12), np.nan)
    is_task = role == TASK_ROLE
    if assessments is not None and len(assessments):
        a = assessments
        if "year" in a:
            a = a[a["year"].astype("int64") == int(year)]
        month = a["period"].astype(str).map(month_index) - int(year) * 12
        a = a[(month >= 0) & (month < 12)].assign(month=month)
        info = tasks.set_index("task_id")
        code = {k: i for i, k in enumerate(kpi_ids)}
        row_of = {int(kpi[r]): r for r in np.flatnonzero(is_task)}
        for task_id, m, result in zip(a["task_id"].astype(str), a["month"], a["result"], strict=True):
            r = row_of.get(code.get(task_id, -1))
            if r is None or task_id not in info.index:
                continue
            t = info.loc[task_id]
            cap = t.get("cap")
            cap = None if cap is None or pd.isna(cap) else float(cap)
            points[r, int(m)] = task_points(str(t["mode"]), result, float(t["weight"]), cap)
    assessed = ~np.isnan(points)
    last = _last_month(assessed, 12)
    carried = _take(points, last)
    as_of = np.where((last >= 0) & (last != np.arange(12)[None, :]), last, -1)
    return carried, as_of


# --------------------------------------------------------------------------- OKRs (issue 18)


def okr_kr_scores(start, target, current, progress) -> np.ndarray:
    """Key results' scores 0-1: the given ``progress`` where there is one,
    else ``(current - start) / (target - start)`` (a falling target works the
    same way), capped to [0, 1]; NaN when nothing is measured yet (or the
    target equals the start).

    >>> okr_kr_scores([0, 0, 20, 10, None], [10, 10, 50, 4, None], [5, 14, 10, 7, None], [None, None, None, None, 0.3])
    array([0.5, 1. , 0. , 0.5, 0.3])
    """
    start, target, current, progress = (
        pd.to_numeric(pd.Series(list(v), dtype=object), errors="coerce").to_numpy("float64")
        for v in (start, target, current, progress)
    )
    span = target - start
    with np.errstate(divide="ignore", invalid="ignore"):
        moved = np.where(span != 0, (current - start) / span, np.nan)
    value = np.where(~np.isnan(progress), progress, moved)
    return np.where(np.isnan(value), np.nan, np.clip(value, 0.0, 1.0))


def okr_objective_scores(objectives: pd.DataFrame, key_results: pd.DataFrame) -> pd.DataFrame:
    """The objectives with ``score`` (the mean of their key results' scores,
    a key result measured not yet counting 0, so an objective is never better
    than what is measured; NaN without key results) and ``krs`` (how many)."""
    krs = key_results.assign(
        credited=np.nan_to_num(
            okr_kr_scores(key_results["start"], key_results["target"], key_results["current"], key_results["progress"]),
            nan=0.0,
        )
    )
    means = krs.groupby("objective_id")["credited"].agg(["mean", "count"])
    out = objectives.copy()
    out["score"] = out["objective_id"].map(means["mean"]).astype(float)
    out["krs"] = out["objective_id"].map(means["count"]).fillna(0).astype(int)
    return out


def okr_quarter_scores(scored: pd.DataFrame) -> pd.DataFrame:
    """``unit_id, quarter, objectives, score`` from :func:`okr_objective_scores`'
    rows: the mean of the quarter's objective scores, weighted by the
    objectives' ``weight`` when every one of them has a weight above 0 (else
    equal shares); objectives without key results are left out.

    >>> o = pd.DataFrame({"objective_id": ["a", "b"], "unit_id": "RD", "quarter": "2026Q3",
    ...                   "weight": [None, None], "score": [0.9, 0.5]})
    >>> okr_quarter_scores(o)["score"].round(4).tolist(), okr_quarter_scores(o.assign(weight=[30, 10]))["score"].tolist()
    ([0.7], [0.8])
    """
    columns = ["unit_id", "quarter", "objectives", "score"]
    rows = scored[scored["score"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    weight = pd.to_numeric(rows.get("weight", pd.Series(np.nan, index=rows.index)), errors="coerce")
    out = []
    for (unit_id, quarter), group in rows.assign(_w=weight).groupby(["unit_id", "quarter"], sort=True):
        w = group["_w"].to_numpy("float64")
        s = group["score"].to_numpy("float64")
        value = float(np.sum(w * s) / np.sum(w)) if _okr_weighted(w) else float(np.mean(s))
        out.append((unit_id, quarter, len(group), value))
    return pd.DataFrame(out, columns=columns)


def _okr_weighted(weights: np.ndarray) -> bool:
    """A quarter's objectives are weighted only when every one has a weight above 0."""
    return bool(np.all(weights > 0))


def okr_weights_apply(scored: pd.DataFrame) -> bool:
    """Whether the weights of one unit-quarter's objectives weigh its score
    (every objective with a score has a weight above 0)."""
    rows = scored[scored["score"].notna()]
    return len(rows) > 0 and _okr_weighted(pd.to_numeric(rows["weight"], errors="coerce").to_numpy("float64"))


def okr_shares(scored: pd.DataFrame) -> dict[str, float]:
    """Each objective's share of its unit's quarter score, as
    :func:`okr_quarter_scores` weighs it: its weight over the quarter's
    weights when every objective has one above 0, else an equal share;
    an objective with no score (no key results) has none.

    >>> o = pd.DataFrame({"objective_id": ["a", "b", "c"], "unit_id": "RD", "quarter": "2026Q3",
    ...                   "weight": [30, 10, None], "score": [0.9, 0.5, None]})
    >>> okr_shares(o), okr_shares(o.assign(weight=[30, None, None]))
    ({'a': 0.75, 'b': 0.25}, {'a': 0.5, 'b': 0.5})
    """
    rows = scored[scored["score"].notna()]
    weight = pd.to_numeric(rows.get("weight", pd.Series(np.nan, index=rows.index)), errors="coerce")
    out: dict[str, float] = {}
    for _, group in rows.assign(_w=weight).groupby(["unit_id", "quarter"], sort=True):
        w = group["_w"].to_numpy("float64")
        shares = w / np.sum(w) if _okr_weighted(w) else np.full(len(w), 1 / len(w))
        out |= {str(o): float(x) for o, x in zip(group["objective_id"], shares, strict=True)}
    return out


def okr_assessments(
    tasks: pd.DataFrame, objectives: pd.DataFrame, key_results: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The assessments of the year's ``okr`` tasks: in each month of a
    quarter of ``year`` in which the task's unit has objectives, the unit's
    OKR score of that quarter (:func:`okr_quarter_scores`, written as text
    like any result). OKRs keep no history of their current values, so every
    month of a quarter carries the quarter's latest score; a month of a
    quarter without objectives carries the last quarter's (``as_of``)."""
    columns = ["task_id", "year", "period", "result"]
    okr = tasks[tasks["mode"] == OKR_MODE]
    if okr.empty or objectives is None or objectives.empty:
        return pd.DataFrame(columns=columns)
    ours = objectives[objectives["quarter"].astype(str).str.startswith(f"{int(year):04d}Q")]
    ours = ours[ours["unit_id"].astype(str).isin(set(okr["unit_id"]))]
    if ours.empty:
        return pd.DataFrame(columns=columns)
    krs = key_results[key_results["objective_id"].isin(set(ours["objective_id"]))]
    quarters = okr_quarter_scores(okr_objective_scores(ours, krs))
    rows = []
    for task_id, unit_id in zip(okr["task_id"], okr["unit_id"], strict=True):
        for quarter, score in zip(
            quarters.loc[quarters["unit_id"] == unit_id, "quarter"],
            quarters.loc[quarters["unit_id"] == unit_id, "score"],
            strict=True,
        ):
            first = (int(str(quarter)[5]) - 1) * 3 + 1
            for month in range(first, first + 3):
                rows.append((task_id, int(year), f"{int(year):04d}-{month:02d}", repr(float(score))))
    return pd.DataFrame(rows, columns=columns)


def _with_okr_assessments(
    tasks: pd.DataFrame, assessments: pd.DataFrame | None, okrs: tuple[pd.DataFrame, pd.DataFrame] | None, year: int
) -> pd.DataFrame:
    """``assessments`` with the ``okr`` tasks' own (:func:`okr_assessments`)
    in place of any stored for them."""
    okr_ids = set(tasks.loc[tasks["mode"] == OKR_MODE, "task_id"])
    kept = None if assessments is None else assessments[~assessments["task_id"].astype(str).isin(okr_ids)]
    made = okr_assessments(tasks, *okrs, year) if okrs is not None else None
    frames = [f for f in (kept, made) if f is not None and len(f)]
    if not frames:
        return pd.DataFrame(columns=["task_id", "year", "period", "result"])
    return pd.concat(frames, ignore_index=True)


#: A task's status from its score (points / weight): green from 1.0 (so a
#: capped 1.2 is green), amber from exactly 0.6, red below.
TASK_GREEN_AT = 1.0
TASK_AMBER_AT = 0.6
#: Shares are compared with this tolerance: 6 / 10 is 0.6 however it is computed.
_TASK_TOLERANCE = 1e-9


def task_status_codes(share: np.ndarray) -> np.ndarray:
    """Status codes (:data:`STATUSES`) of task scores (points / weight).

    >>> [STATUSES[c] for c in task_status_codes(np.array([1.2, 1.0, 0.6, 0.59, np.nan]))]
    ['green', 'green', 'amber', 'red', 'no_data']
    """
    share = np.asarray(share, dtype="float64")
    out = np.full(share.shape, scoring.NO_DATA, dtype="int64")
    known = ~np.isnan(share)
    out[known & (share >= TASK_GREEN_AT - _TASK_TOLERANCE)] = scoring.GREEN
    mid = known & (share < TASK_GREEN_AT - _TASK_TOLERANCE) & (share >= TASK_AMBER_AT - _TASK_TOLERANCE)
    out[mid] = scoring.AMBER
    out[known & (share < TASK_AMBER_AT - _TASK_TOLERANCE)] = scoring.RED
    return out


def _method_columns(dictionary: pd.DataFrame, kpi_ids: list[str]) -> tuple[np.ndarray, dict[int, formula.Node]]:
    """Each KPI id's reporting period in months (``frequency``; monthly when
    empty or unknown) and the trees of the formulas of calculated KPIs (a
    formula that cannot be read, or that reads itself through others, is
    refused at load; one found here anyway computes nothing)."""
    n = len(kpi_ids)
    if "frequency" in dictionary:
        lengths = dictionary["frequency"].map(FREQUENCIES).fillna(1).to_numpy(dtype="int64")
    else:
        lengths = np.ones(n, dtype="int64")
    formulas: dict[int, formula.Node] = {}
    if "formula" in dictionary and dictionary["formula"].notna().any():
        texts = dict(zip(kpi_ids, dictionary["formula"].to_numpy(dtype=object), strict=True))
        trees = formula.parse_all(texts)
        looped = formula.cycles({k: formula.ids(t) for k, t in trees.items()})
        position = {k: i for i, k in enumerate(kpi_ids)}
        formulas = {position[k]: t for k, t in trees.items() if k not in looped}
    return lengths, formulas


def monthly_facts(monthly: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``targets`` and ``actuals`` for :func:`grid` from a frame of ``unit_id,
    kpi_id, period`` ("YYYY-MM"), ``target, actual`` (NaN: none)."""
    month = monthly["period"].map(month_index) - year * 12 if len(monthly) else pd.Series(dtype="int64")
    in_year = (month >= 0) & (month < 12)
    frames = []
    for column in ("target", "actual"):
        use = in_year & monthly[column].notna() if len(monthly) else in_year
        frames.append(
            pd.DataFrame(
                {
                    "unit_id": monthly.loc[use, "unit_id"],
                    "kpi_id": monthly.loc[use, "kpi_id"],
                    "month": month[use],
                    "value": monthly.loc[use, column],
                }
            )
        )
    return frames[0], frames[1]


# --------------------------------------------------------------------------- accumulation


#: Months in each view's window (windows tile the year).
WINDOW_LENGTH: dict[str, int] = {"month": 1, "quarter": 3, "ytd": 12}


def _running(values: np.ndarray, length: int) -> np.ndarray:
    """Running sums over each window of ``length`` months (rows x 12), adding
    the months in order from the window's first: the same sum for a cell
    whatever else is in the grid."""
    out = values.copy()
    for m in range(1, 12):
        if m % length:  # not the first month of a window: add the running sum so far
            out[:, m] += out[:, m - 1]
    return out


def accumulate(target: np.ndarray, actual: np.ndarray, acc: np.ndarray, view: str) -> tuple[np.ndarray, np.ndarray]:
    """Target and actual of each row's ``view`` window ending at every month.

    ``target``, ``actual``: rows x 12 months (NaN: none); ``acc``: each row's
    accumulation (``sum``, ``avg`` or ``last``). Sum and average use the
    months of the window that have both a target and an actual, so a
    forgotten month is neither a zero nor a penalty (its absence shows as
    ``no_data`` on that month); ``last`` takes the window's last month. A
    window with targets but no paired month keeps its targets (the actual is
    missing); a window with no target at all keeps what was uploaded (nothing
    can be scored, but the actuals are shown).

    >>> t = np.array([[100.0, 100.0, 100.0] * 4]); a = np.array([[90.0, np.nan, 120.0] * 4])
    >>> accumulate(t, a, np.array(["sum"]), "ytd")[1][0, :3].tolist()
    [90.0, 90.0, 210.0]
    >>> accumulate(t, a, np.array(["sum"]), "ytd")[0][0, :3].tolist()
    [100.0, 100.0, 200.0]
    >>> accumulate(t, a, np.array(["avg"]), "quarter")[1][0, :4].tolist()
    [90.0, 90.0, 105.0, 90.0]
    """
    length = WINDOW_LENGTH[view]
    if length == 1:
        return target, actual
    has_t, has_a = ~np.isnan(target), ~np.isnan(actual)
    paired = has_t & has_a
    is_sum, is_avg = (acc == "sum")[:, None], (acc == "avg")[:, None]
    n_paired = _running(paired.astype("float64"), length)
    n_targets = _running(has_t.astype("float64"), length)
    n_actuals = _running(has_a.astype("float64"), length)
    tp = _running(np.where(paired, target, 0.0), length)
    ap = _running(np.where(paired, actual, 0.0), length)
    ta = _running(np.where(has_t, target, 0.0), length)
    aa = _running(np.where(has_a, actual, 0.0), length)
    with np.errstate(divide="ignore", invalid="ignore"):
        some = n_paired > 0
        per = np.where(is_sum, 1.0, n_paired)
        fallback = np.where(n_targets > 0, ta / np.where(is_sum, 1.0, n_targets), np.nan)
        shown = np.where((n_targets == 0) & (n_actuals > 0), aa / np.where(is_sum, 1.0, n_actuals), np.nan)
        out_t = np.where(is_sum | is_avg, np.where(some, tp / per, fallback), target)
        out_a = np.where(is_sum | is_avg, np.where(some, ap / per, shown), actual)
    return out_t, out_a


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class View:
    """Scored cells of one view: rows x 12 months each."""

    target: np.ndarray
    actual: np.ndarray
    completion: np.ndarray
    score: np.ndarray
    points: np.ndarray
    status: np.ndarray
    """Codes into :data:`kpi_core.model.STATUSES`."""
    as_of: np.ndarray | None = None
    """The month (0-11) whose figures a cell carries when they are not the
    period's own (a quarterly KPI between its due months); -1: its own.
    None: every cell its own."""


@dataclass(frozen=True)
class Units:
    """Unit figures of one view: one row per unit of the grid (``unit``,
    codes into the grid's ``unit_ids``) x 12 months."""

    unit: np.ndarray
    total: np.ndarray
    weight: np.ndarray
    scored_weight: np.ndarray
    coverage: np.ndarray
    status: np.ndarray
    """Codes into :data:`kpi_core.scoring.UNIT_STATUSES`."""
    grade: np.ndarray
    """Codes into :data:`kpi_core.scoring.GRADE_NAMES`."""
    counts: dict[str, np.ndarray]
    """green, amber, red, missing (no data or no target)."""
    kpi_count: np.ndarray
    """Assigned KPIs per unit (one number per unit)."""
    perspective_weight: np.ndarray
    """units x perspectives x 12 (NaN where the unit has no KPI in it)."""
    perspective_points: np.ndarray


@dataclass(frozen=True)
class Scored:
    """Every view of one year's grid."""

    grid: Grid
    views: dict[str, View]
    units: dict[str, Units]


def _cells(
    fig: tuple[np.ndarray, np.ndarray], g: Grid, ytd_score: np.ndarray, plan: _Plan | None = None, view: str = "month"
) -> View:
    target, actual = fig
    shape = target.shape
    k = np.repeat(g.kpi, shape[1])
    weight = np.repeat(g.weight, shape[1])
    t, a = target.ravel(), actual.ravel()
    comp = scoring.completion_by(a, t, k, g.rules)
    score = scoring.credited_by(comp, k, weight, g.rules)
    blend = g.rules.blend[k]
    ytd = ytd_score.ravel()
    use = ~np.isnan(blend) & ~np.isnan(ytd)
    # the blend: a x the period's score + (1 - a) x the year-to-date score
    score[use] = blend[use] * score[use] + (1 - blend[use]) * ytd[use]
    status = scoring.status_codes_by(comp, t, k, g.rules)
    as_of = None
    if plan is not None:
        # nothing was due yet in the window (a quarterly KPI in April): no data,
        # never "no target"; the figures of the month are still shown
        blank = plan.blank[view].ravel()
        comp[blank] = np.nan
        score[blank] = np.nan
        status[blank] = scoring.NO_DATA
        as_of = plan.as_of[view]
    # an info assignment is tracked and shown, never scored
    score[np.repeat(g.role == "info", shape[1])] = np.nan
    points = (weight * score).reshape(shape)
    comp, score, status = comp.reshape(shape), score.reshape(shape), status.reshape(shape)
    if g.task_points is not None:
        # a goal-setting task: every view reads its latest assessment up to the month
        tasks = g.role == TASK_ROLE
        pts = g.task_points[tasks]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = pts / g.weight[tasks][:, None]
        target, actual = target.copy(), actual.copy()
        target[tasks], actual[tasks] = np.nan, np.nan
        comp[tasks], score[tasks], points[tasks] = share, share, pts
        status[tasks] = task_status_codes(share)
        as_of = np.full(shape, -1, dtype="int64") if as_of is None else as_of.copy()
        as_of[tasks] = g.task_as_of[tasks]
    return View(
        target=target,
        actual=actual,
        completion=comp,
        score=score,
        points=points,
        status=status,
        as_of=as_of,
    )


def _ytd_score(fig: tuple[np.ndarray, np.ndarray], g: Grid) -> np.ndarray:
    """The year-to-date score of the cells whose KPI blends (NaN elsewhere)."""
    target, actual = fig
    shape = target.shape
    out = np.full(shape, np.nan)
    rows = ~np.isnan(g.rules.blend[g.kpi])
    if rows.any():
        k = np.repeat(g.kpi[rows], shape[1])
        weight = np.repeat(g.weight[rows], shape[1])
        comp = scoring.completion_by(actual[rows].ravel(), target[rows].ravel(), k, g.rules)
        out[rows] = scoring.credited_by(comp, k, weight, g.rules).reshape(-1, shape[1])
    return out


def _units(view: View, g: Grid, starts: np.ndarray) -> Units:
    """Unit figures: sums over each unit's rows, adding them in the grid's
    order (so a unit's sums do not depend on the other units in the grid)."""
    shape = view.score.shape
    w = np.ascontiguousarray(np.broadcast_to(g.weight[:, None], shape))
    has_points = ~np.isnan(view.points)
    points0 = np.where(has_points, view.points, 0.0)

    def per_unit(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts, axis=0)

    points, n_points = per_unit(points0), per_unit(has_points.astype("int64"))
    weight = per_unit(w)
    scored_weight = per_unit(np.where(np.isnan(view.score), 0.0, w))
    total = np.where(n_points > 0, points, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(weight > 0, scored_weight / weight, np.nan)
    scored = (g.role != "info")[:, None]  # info assignments are shown, never counted
    status = view.status
    counts = {
        "green": per_unit(((status == scoring.GREEN) & scored).astype("int64")),
        "amber": per_unit(((status == scoring.AMBER) & scored).astype("int64")),
        "red": per_unit(((status == scoring.RED) & scored).astype("int64")),
        "missing": per_unit((((status == scoring.NO_DATA) | (status == scoring.NO_TARGET)) & scored).astype("int64")),
    }
    p_weight, p_points = _perspectives(g, starts, w, points0, has_points)
    return Units(
        unit=g.unit[starts],
        total=total,
        weight=weight,
        scored_weight=scored_weight,
        coverage=coverage,
        status=scoring.unit_status_codes(total),
        grade=scoring.grade_codes(total),
        counts=counts,
        kpi_count=np.add.reduceat((g.role != "info").astype("int64"), starts),
        perspective_weight=p_weight,
        perspective_points=p_points,
    )


def _perspectives(
    g: Grid, starts: np.ndarray, w: np.ndarray, points0: np.ndarray, has_points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weight and points of each unit's perspectives (units x perspectives x
    months): the rows regrouped by (unit, perspective) keeping their order,
    then summed segment by segment. Weight is NaN where the unit has no KPI in
    the perspective, points where none of them has points."""
    n_p = len(PERSPECTIVES)
    segment = np.cumsum(np.isin(np.arange(len(g.unit)), starts)) - 1
    # bucket 0 (left out): a KPI without a known perspective, and an info
    # assignment (a perspective holding only those stays empty, not 0)
    bucket = np.where(g.role == "info", 0, g.perspective[g.kpi] + 1)
    key = segment * (n_p + 1) + bucket
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sums_w = np.add.reduceat(w[order], first, axis=0)
    sums_p = np.add.reduceat(points0[order], first, axis=0)
    n_pts = np.add.reduceat(has_points[order].astype("int64"), first, axis=0)
    unit_of, bucket = ordered[first] // (n_p + 1), ordered[first] % (n_p + 1)
    keep = bucket > 0
    shape = (len(starts), n_p, w.shape[1])
    p_weight, p_points = np.full(shape, np.nan), np.full(shape, np.nan)
    p_weight[unit_of[keep], bucket[keep] - 1] = sums_w[keep]
    p_points[unit_of[keep], bucket[keep] - 1] = np.where(n_pts[keep] > 0, sums_p[keep], np.nan)
    return p_weight, p_points


def score(g: Grid, views: tuple[str, ...] = VIEWS) -> Scored:
    """Score every cell of ``g`` in each of ``views``, with unit totals."""
    for view in views:
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    acc = g.rules.acc[g.kpi]
    plan = _plan(g, acc) if _has_method(g) else None

    def figures(view: str) -> tuple[np.ndarray, np.ndarray]:
        return plan.figures[view] if plan is not None else accumulate(g.target, g.actual, acc, view)

    ytd = figures("ytd")
    ytd_score = _ytd_score(ytd, g)
    if plan is not None:
        ytd_score[plan.blank["ytd"]] = np.nan
    out: dict[str, View] = {}
    units: dict[str, Units] = {}
    if len(g):
        starts = np.flatnonzero(np.r_[True, g.unit[1:] != g.unit[:-1]])
        if len(np.unique(g.unit)) != len(starts):
            raise ValueError("grid rows must be contiguous per unit")
    for view in views:
        fig = ytd if view == "ytd" else figures(view)
        out[view] = _cells(fig, g, ytd_score, plan, view)
        if len(g):
            units[view] = _units(out[view], g, starts)
    return Scored(g, out, units)


# --------------------------------------------------------------------------- frequency and formulas


#: A value uploaded for a month that is not due (an NPS figure for August,
#: when NPS is surveyed each quarter) is accepted with a warning at upload
#: and kept, but never scored (issue 14: "quarter and YTD views use the due
#: months only"; the month view always carries the last due month). True
#: would count each such value as the reading of its month: the month view
#: showing it, the quarter and year to date counting it. See README
#: "Reporting frequency".
OFF_CYCLE_READINGS = False


@dataclass(frozen=True)
class _Plan:
    """What frequency and formulas make of a grid's facts, per view: the
    (target, actual) of each cell's window, the month carried (``as_of``,
    -1: the cell's own) and the cells with nothing due yet (``blank``)."""

    figures: dict[str, tuple[np.ndarray, np.ndarray]]
    as_of: dict[str, np.ndarray]
    blank: dict[str, np.ndarray]


def _has_method(g: Grid) -> bool:
    return bool(g.formulas) or (g.period_length is not None and bool((g.period_length[g.kpi] > 1).any()))


def _last_month(flags: np.ndarray, length: int) -> np.ndarray:
    """For each cell, the last month (0-11) at or before it, inside its
    window of ``length`` months, whose flag is set; -1 when none."""
    months = np.broadcast_to(np.arange(12), flags.shape)
    out = np.where(flags, months, -1)
    for m in range(1, 12):
        if m % length:
            out[:, m] = np.where(out[:, m] >= 0, out[:, m], out[:, m - 1])
    return out


def _take(values: np.ndarray, month: np.ndarray) -> np.ndarray:
    """``values[r, month[r, m]]`` (NaN where ``month`` is -1)."""
    picked = np.take_along_axis(values, np.maximum(month, 0), axis=1)
    return np.where(month >= 0, picked, np.nan)


def _component_values(actual: np.ndarray, acc: np.ndarray, length: int) -> np.ndarray:
    """Each row's value over each window of ``length`` months ending at every
    month, by its own accumulation, over the months that have an actual: the
    sum, the average, or the latest (NaN: no actual yet in the window)."""
    if length == 1:
        return actual.copy()
    has = ~np.isnan(actual)
    n = _running(has.astype("float64"), length)
    total = _running(np.where(has, actual, 0.0), length)
    latest = _take(actual, _last_month(has, length))
    with np.errstate(divide="ignore", invalid="ignore"):
        avg = np.where(n > 0, total / n, np.nan)
    acc = acc[:, None]
    return np.where(acc == "sum", np.where(n > 0, total, np.nan), np.where(acc == "avg", avg, latest))


def _formula_rows(g: Grid) -> list[tuple[int, np.ndarray, formula.Node, dict[str, np.ndarray]]]:
    """For each calculated KPI (in an order where a KPI comes after the
    calculated KPIs it reads): its code, its rows, its tree and, for each id
    it reads, the row of that KPI in the same unit (-1: not assigned there)."""
    if not g.formulas:
        return []
    codes = {k: i for i, k in enumerate(g.kpi_ids)}
    n_k = max(len(g.kpi_ids), 1)
    position = np.full(len(g.unit_ids) * n_k, -1, dtype="int64")
    position[g.unit * n_k + g.kpi] = np.arange(len(g))
    depends = {g.kpi_ids[k]: formula.ids(tree) for k, tree in g.formulas.items()}
    out = []
    for kpi_id in formula.order(depends):
        code = codes[kpi_id]
        rows = np.flatnonzero(g.kpi == code)
        if not len(rows):
            continue
        found = {}
        for component in depends[kpi_id]:
            c = codes.get(component, -1)
            found[component] = position[g.unit[rows] * n_k + c] if c >= 0 else np.full(len(rows), -1)
        out.append((code, rows, g.formulas[code], found))
    return out


def dependencies(g: Grid) -> list[tuple[int, list[int]]]:
    """The calculated KPIs of ``g`` (codes), each after the calculated KPIs it
    reads, with the codes of the KPIs its formula reads (known ones): a
    component's change moves its calculated KPI too."""
    if not g.formulas:
        return []
    codes = {k: i for i, k in enumerate(g.kpi_ids)}
    depends = {g.kpi_ids[k]: formula.ids(tree) for k, tree in g.formulas.items()}
    return [(codes[k], [codes[c] for c in depends[k] if c in codes]) for k in formula.order(depends)]


def _evaluate(values: np.ndarray, rows: np.ndarray, tree: formula.Node, found: dict[str, np.ndarray]) -> np.ndarray:
    def value(component: str) -> np.ndarray:
        at = found.get(component)
        if at is None:
            return np.full((len(rows), values.shape[1]), np.nan)
        return np.where((at >= 0)[:, None], values[np.maximum(at, 0)], np.nan)

    return formula.evaluate(tree, value)


def _plan(g: Grid, acc: np.ndarray) -> _Plan:
    """Frequency and formulas over the grid (issue 14).

    **Frequency.** A KPI is due in the last month of its period. A month is a
    *reading* of a row when it is due (or, :data:`OFF_CYCLE_READINGS`, when a
    value was uploaded for it anyway); only readings count. The month view of
    a month that is not a reading carries the row's last reading of the year
    (``as_of``); before the first one it shows the month's own figures as
    ``no_data``. A quarter or year-to-date window accumulates its readings;
    one ending after its last reading is ``as_of`` it, and one without any
    reading is ``no_data``.

    **Formulas.** A calculated KPI's actual is its formula over its
    components (the KPIs of the same unit it names), each first accumulated
    over the window by its own accumulation over the months that have an
    actual; a zero denominator gives NaN (``no_data``, the target kept). Its
    own accumulation applies to its target, paired with the months whose
    formula has a value.
    """
    rows, months = g.target.shape
    lengths = g.period_length[g.kpi] if g.period_length is not None else np.ones(rows, dtype="int64")
    due = (np.arange(months)[None, :] + 1) % lengths[:, None] == 0
    calculated = np.zeros(rows, dtype=bool)
    formula_rows = _formula_rows(g)
    for _, at, _, _ in formula_rows:
        calculated[at] = True
    readings = due | (OFF_CYCLE_READINGS & ~calculated[:, None] & ~np.isnan(g.actual))
    # each component's value per view (formulas read their components' readings)
    lengths_of = {"month": 1, "quarter": 3, "ytd": 12}
    component = {}
    if formula_rows:
        own = np.where(readings, g.actual, np.nan)
        for view, length in lengths_of.items():
            values = _component_values(own, acc, length)
            for _, at, tree, found in formula_rows:
                values[at] = _evaluate(values, at, tree, found)
            component[view] = values
    actual = g.actual.copy()
    if formula_rows:
        actual[calculated] = component["month"][calculated]
    target = np.where(readings, g.target, np.nan)
    actual_read = np.where(readings, actual, np.nan)
    figures, as_of, blank = {}, {}, {}
    for view, length in lengths_of.items():
        last = _last_month(readings, 12 if view == "month" else length)
        if view == "month":
            t, a = _take(target, last), _take(actual_read, last)
            none = last < 0  # nothing due yet this year: the month's own figures, as no data
            t[none], a[none] = g.target[none], actual[none]
        else:
            t, a = accumulate(target, actual_read, acc, view)
            if formula_rows:  # a calculated KPI: the formula over the window's components, as of its last reading
                a[calculated] = _take(component[view], last)[calculated]
            none = last < 0
        figures[view] = (t, a)
        as_of[view] = np.where(last == np.arange(months)[None, :], -1, last)
        blank[view] = none
    return _Plan(figures, as_of, blank)


def perspective_scores(weight: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score, share of the unit's weight and status code of perspectives from
    their weights and points: score = points / weight x 100.

    >>> s, share, st = perspective_scores(np.array([40.0, 60.0]), np.array([36.0, 63.0]))
    >>> s.tolist(), share.tolist(), st.tolist()
    ([90.0, 105.0], [0.4, 0.6], [1, 0])
    """
    weight, points = np.asarray(weight, dtype="float64"), np.asarray(points, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(weight > 0, points / weight * 100, np.nan)
        share = weight / np.nansum(weight)
    return score, share, scoring.unit_status_codes(score)


# --------------------------------------------------------------------------- frames


def months_of_year(year: int) -> np.ndarray:
    """The first day of each month of ``year`` (datetime64[D])."""
    return (np.datetime64(f"{year:04d}-01", "M") + np.arange(12)).astype("datetime64[D]")


def _month_mask(rows: int, first: np.ndarray | int, last: int = 11) -> np.ndarray:
    months = np.arange(12)[None, :]
    return (months >= np.broadcast_to(np.asarray(first), (rows,))[:, None]) & (months <= last)


def kpi_frame(
    s: Scored,
    first_month: np.ndarray | int = 0,
    rows: np.ndarray | None = None,
    views: tuple[str, ...] | None = None,
    last_month: int = 11,
) -> pd.DataFrame:
    """Scored KPI cells as rows (columns :data:`KPI_COLUMNS`): every view (or
    ``views``), row and month from ``first_month`` (0-11, one per row or for
    all) on, to ``last_month``. ``rows`` (a boolean mask) keeps some
    assignment rows only.
    ``period`` is a date (first day of the month); text columns are
    categoricals (cheap to build and to hand to the store)."""
    g = s.grid
    keep_rows = np.ones(len(g), dtype=bool) if rows is None else rows
    mask = _month_mask(len(g), first_month, last_month) & keep_rows[:, None]
    r, m = np.nonzero(mask)
    periods = months_of_year(g.year)
    role_codes, role_names = pd.factorize(pd.Series(g.role, dtype=object))
    unit_ids = pd.Categorical.from_codes(g.unit[r], categories=list(g.unit_ids))
    kpi_ids = pd.Categorical.from_codes(g.kpi[r], categories=list(g.kpi_ids))
    roles = pd.Categorical.from_codes(role_codes[r], categories=list(role_names))
    parts = []
    for view in views or tuple(s.views):
        cells = s.views[view]
        parts.append(
            pd.DataFrame(
                {
                    "unit_id": unit_ids,
                    "kpi_id": kpi_ids,
                    "period": periods[m],
                    "view": pd.Categorical.from_codes(np.full(len(r), VIEWS.index(view), dtype="int8"), VIEWS),
                    "weight": g.weight[r],
                    "role": roles,
                    "target": cells.target[r, m],
                    "actual": cells.actual[r, m],
                    "completion": cells.completion[r, m],
                    "score": cells.score[r, m],
                    "points": cells.points[r, m],
                    "status": pd.Categorical.from_codes(cells.status[r, m].astype("int8"), categories=list(STATUSES)),
                    "as_of": _as_of_dates(cells, periods, r, m),
                },
                copy=False,
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(KPI_COLUMNS))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _as_of_dates(cells: View, periods: np.ndarray, r: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The first day of the month each cell carries (NaT: its own figures)."""
    out = np.full(len(r), np.datetime64("NaT"), dtype="datetime64[D]")
    if cells.as_of is not None:
        month = cells.as_of[r, m]
        carried = month >= 0
        out[carried] = periods[month[carried]]
    return out


def unit_frame(
    s: Scored, first_month: np.ndarray | int = 0, units: np.ndarray | None = None, last_month: int = 11
) -> pd.DataFrame:
    """Unit figures as rows (columns :data:`UNIT_COLUMNS`): every view, unit
    and month from ``first_month`` (0-11, one per unit of the grid or for all)
    on, to ``last_month``; ``units`` (a boolean mask over the grid's units)
    keeps some only."""
    g = s.grid
    periods = months_of_year(g.year)
    parts = []
    for view, u in s.units.items():
        keep = np.ones(len(u.unit), dtype=bool) if units is None else units
        mask = _month_mask(len(u.unit), first_month, last_month) & keep[:, None]
        # month by month: a page reads one month of a unit and its children
        m, r = np.nonzero(mask.T)
        data = {
            "unit_id": pd.Categorical.from_codes(u.unit[r], categories=list(g.unit_ids)),
            "period": periods[m],
            "view": pd.Categorical.from_codes(np.full(len(r), VIEWS.index(view), dtype="int8"), VIEWS),
            "total": u.total[r, m],
            "weight": u.weight[r, m],
            "scored_weight": u.scored_weight[r, m],
            "coverage": u.coverage[r, m],
            "status": pd.Categorical.from_codes(u.status[r, m].astype("int8"), categories=list(scoring.UNIT_STATUSES)),
            "grade": pd.Categorical.from_codes(u.grade[r, m].astype("int8"), categories=list(scoring.GRADE_NAMES)),
            **{name: u.counts[name][r, m] for name in ("green", "amber", "red", "missing")},
            "kpi_count": u.kpi_count[r],
        }
        for i, p in enumerate(PERSPECTIVES):
            data[f"w_{p}"] = u.perspective_weight[r, i, m]
            data[f"p_{p}"] = u.perspective_points[r, i, m]
        parts.append(pd.DataFrame(data, copy=False))
    if not parts:
        return pd.DataFrame(columns=list(UNIT_COLUMNS))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- what-ifs and one-offs


def score_monthly(
    assigned: pd.DataFrame,
    kpis: pd.DataFrame,
    monthly: pd.DataFrame,
    year: int,
    views: tuple[str, ...] = VIEWS,
    tasks: pd.DataFrame | None = None,
    assessments: pd.DataFrame | None = None,
    okrs: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> Scored:
    """Score one year from frames already read or overlaid in memory (an
    upload preview, a rule-change impact): ``assigned`` (``unit_id, kpi_id,
    weight, role`` and optionally ``year``), ``kpis`` (the KPI dictionary) and
    ``monthly`` (``unit_id, kpi_id, period`` "YYYY-MM", ``target, actual``)."""
    rows = assigned[assigned["year"] == year] if "year" in assigned else assigned
    rows = rows.sort_values(["unit_id", "role", "weight", "kpi_id"], ascending=[True, True, False, True])
    targets, actuals = monthly_facts(monthly, year)
    return score(grid(year, rows, kpis, targets, actuals, tasks=tasks, assessments=assessments, okrs=okrs), views)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as text and ``period`` as "YYYY-MM" (the shape of the
    store's reads), in place."""
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
    frame["period"] = pd.to_datetime(frame["period"]).dt.strftime("%Y-%m")
    if "as_of" in frame:
        carried = pd.to_datetime(frame["as_of"])
        frame["as_of"] = carried.dt.strftime("%Y-%m").astype(object).where(carried.notna(), None)
    return frame


def at(s: Scored, period: str, view: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells (:data:`KPI_COLUMNS`) and unit figures (:data:`UNIT_COLUMNS`)
    of one month and view, with text ids and ``period`` as "YYYY-MM"."""
    m = month_index(period) - s.grid.year * 12
    one = Scored(s.grid, {view: s.views[view]}, {view: s.units[view]} if view in s.units else {})
    cells, units = kpi_frame(one, m), unit_frame(one, m)
    cells = cells[pd.to_datetime(cells["period"]).dt.month == m + 1] if len(cells) else cells
    units = units[pd.to_datetime(units["period"]).dt.month == m + 1] if len(units) else units
    return as_text(cells.reset_index(drop=True)), as_text(units.reset_index(drop=True))


def month_cells(assigned: pd.DataFrame, kpis: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Month-view cells (``unit_id, kpi_id, period, target, actual,
    completion, status``) of every month of ``monthly``, for frames in memory
    (``assigned`` with its ``year`` column)."""
    if monthly.empty:
        return pd.DataFrame(columns=["unit_id", "kpi_id", "period", "target", "actual", "completion", "status"])
    periods = set(monthly["period"].astype(str))
    parts = []
    for year in sorted({int(p[:4]) for p in periods}):
        cells = kpi_frame(score_monthly(assigned, kpis, monthly, year, ("month",)))
        parts.append(as_text(cells))
    cells = pd.concat(parts, ignore_index=True)
    cells = cells[cells["period"].isin(periods)]
    return cells[["unit_id", "kpi_id", "period", "target", "actual", "completion", "status"]].reset_index(drop=True)
