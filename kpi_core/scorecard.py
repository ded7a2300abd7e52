"""Scorecards: reads what the store holds and hands it to the scoring engine.

This is the one place that turns (unit, period, view) into a scorecard; the
CLI, the pages and the tests call it, so they all show the same numbers. The
figures are the stored scores (:mod:`kpi_core.scores`, made by the engine,
:mod:`kpi_core.engine`); the SQL lives in :mod:`kpi_core.store`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_core import engine, scores, scoring
from kpi_core.access import Scope
from kpi_core.model import OKR_MODE, PERSPECTIVES, TASK_ROLE, VIEWS
from kpi_core.org import Org
from kpi_core.store import Store

KPI_INFO_COLUMNS = [
    "kpi_id",
    "name",
    "name_zh",
    "perspective",
    "direction",
    "unit",
    "accumulation",
    "floor",
    "cap",
    "tiers",
    "band_low",
    "band_high",
    "band_penalty",
    "green_at",
    "amber_at",
    "blend",
]


@dataclass(frozen=True)
class Scorecard:
    """One unit's Balanced Scorecard for one period and view."""

    unit_id: str
    period: str
    view: str
    total: float
    """Sum of the KPIs' points; 100 = every KPI on target. NaN without data."""
    grade: str
    status: str
    coverage: float
    """Share of the weight whose KPIs have data (1.0 = complete)."""
    perspectives: pd.DataFrame
    """perspective, weight, share, points, score, status: all four, in order."""
    kpis: pd.DataFrame
    """One row per assigned KPI: dictionary fields plus the scoring columns."""
    children: pd.DataFrame
    """unit_id, name, name_zh, kind, total, grade, status, coverage, red, amber,
    green, missing, kpi_count: each child unit, worst total first (a child
    without data first of all, one without KPIs, ``kpi_count`` 0, last)."""

    @property
    def status_counts(self) -> dict[str, int]:
        """KPIs per status; info assignments (shown, never scored) are not counted."""
        scored = self.kpis[self.kpis["role"] != "info"] if "role" in self.kpis else self.kpis
        counts = scored["status"].value_counts()
        return {s: int(counts.get(s, 0)) for s in ("green", "amber", "red", "no_data", "no_target")}

    def as_dict(self) -> dict:
        """The JSON shape of ``python -m kpi_core score --format json``."""
        return {
            "unit_id": self.unit_id,
            "period": self.period,
            "view": self.view,
            "total": _num(self.total),
            "grade": self.grade,
            "status": self.status,
            "coverage": _num(self.coverage),
            "perspectives": {r.perspective: _num(r.score) for r in self.perspectives.itertuples()},
            "kpis": [
                {
                    "kpi_id": r.kpi_id,
                    "perspective": r.perspective,
                    "weight": _num(r.weight),
                    "target": _num(r.target),
                    "actual": _num(r.actual),
                    "completion": _num(r.completion),
                    "score": _num(r.score),
                    "points": _num(r.points),
                    "status": r.status,
                    # issue 14: figures carried from the KPI's last due month; an info component
                    **({"as_of": r.as_of} if isinstance(getattr(r, "as_of", None), str) else {}),
                    **({"role": "info"} if getattr(r, "role", None) == "info" else {}),
                    # issue 14: a goal-setting task, with its latest assessment up to the period
                    **(_task_fields(r) if getattr(r, "role", None) == TASK_ROLE else {}),
                }
                for r in self.kpis.itertuples()
            ],
            "children": [
                {"unit_id": r.unit_id, "name": r.name, "total": _num(r.total)} for r in self.children.itertuples()
            ],
        }


def _task_fields(r) -> dict:
    def text(value: object) -> str | None:
        return value if isinstance(value, str) else None

    return {
        "kind": "task",
        "name": text(r.name),
        "mode": text(getattr(r, "mode", None)),
        "result": text(getattr(r, "result", None)),
        "comment": text(getattr(r, "comment", None)),
        "assessed": text(getattr(r, "assessed", None)),
    }


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 6)


def check_view(view: str) -> None:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")


def score_units(
    store: Store, unit_ids: list[str] | None, period: str, view: str, *, scope: Scope | None = None
) -> pd.DataFrame:
    """Scored KPI rows of several units (``None``: every unit) for one period
    and view; with a ``scope``, only the units it allows."""
    check_view(view)
    ids = unit_ids if unit_ids is not None else store.units()["unit_id"].tolist()
    if scope is not None:
        ids = scope.filter(ids)
    cells = scores.with_info(scores.kpi_cells(store, list(ids), period, view), store.kpis(), KPI_INFO_COLUMNS)
    return with_tasks(store, cells, period)


#: What a task's row adds to a scorecard's KPI rows (issue 14).
TASK_INFO_COLUMNS = ["mode", "objective", "acceptance", "deadline", "cap", "result", "comment", "assessed"]


def with_tasks(store: Store, cells: pd.DataFrame, period: str) -> pd.DataFrame:
    """Scored cells with what their goal-setting tasks say (cells of role
    ``task``): name, perspective, mode, objective, acceptance criteria,
    deadline, and the latest assessment up to ``period`` in its year
    (``result``, ``comment``, ``assessed`` "YYYY-MM"). A task of mode
    ``okr`` has no assessment: its result is ``okr`` and its comment the
    quarter and its OKR score ("2026Q3 68%")."""
    out = cells.copy()
    for column in TASK_INFO_COLUMNS:
        if column not in out:
            out[column] = pd.Series([None] * len(out), index=out.index, dtype=object)
    if "role" not in out or not (out["role"] == TASK_ROLE).any():
        return out
    year = int(period[:4])
    rows = out["role"] == TASK_ROLE
    tasks = store.tasks(year, sorted(set(out.loc[rows, "unit_id"]))).set_index("task_id")
    found = store.task_assessments(year, tasks.index.tolist())
    found = found[found["period"] <= period].groupby("task_id").tail(1).set_index("task_id")
    for i in np.flatnonzero(rows.to_numpy()):
        task_id = out["kpi_id"].iat[i]
        if task_id not in tasks.index:
            continue
        task = tasks.loc[task_id]
        for column in ("name", "name_zh", "perspective", "mode", "objective", "acceptance", "deadline", "cap"):
            if column in out:
                out.iloc[i, out.columns.get_loc(column)] = task[column]
        if task["mode"] == OKR_MODE:  # scored from the OKRs of the quarter the month carries (issue 18)
            month = out["as_of"].iat[i] if "as_of" in out and isinstance(out["as_of"].iat[i], str) else period
            share = out["completion"].iat[i] if "completion" in out else None
            out.iloc[i, out.columns.get_loc("result")] = OKR_MODE
            if share is not None and pd.notna(share):
                quarter = f"{month[:4]}Q{(int(month[5:7]) - 1) // 3 + 1}"
                out.iloc[i, out.columns.get_loc("comment")] = f"{quarter} {share:.0%}"
            out.iloc[i, out.columns.get_loc("assessed")] = month
            continue
        if task_id in found.index:
            latest = found.loc[task_id]
            out.iloc[i, out.columns.get_loc("result")] = latest["result"]
            out.iloc[i, out.columns.get_loc("comment")] = latest["comment"]
            out.iloc[i, out.columns.get_loc("assessed")] = latest["period"]
    return out


def build(
    store: Store,
    unit_id: str,
    period: str,
    view: str = "month",
    org: Org | None = None,
    *,
    scope: Scope | None = None,
) -> Scorecard:
    """The scorecard of ``unit_id``, with each child's total, for one period:
    two reads of the stored scores (the unit's KPIs with their dictionary
    entries; the unit's and its children's figures). ``org`` is read when not
    given; the pages pass their cached tree.

    With a reader's ``scope`` (:mod:`kpi_core.access`), a unit outside it
    raises :class:`kpi_core.access.NotPermitted` before anything is read, and
    the children it does not allow are left out (never read)."""
    check_view(view)
    org = org or Org.from_frame(store.units())
    if scope is not None:
        scope.check(unit_id)
    children = org.children(unit_id)
    if scope is not None:
        children = scope.visible_children(unit_id, children)
    cells = with_tasks(store, scores.card_cells(store, unit_id, period, view, tuple(KPI_INFO_COLUMNS)), period)
    units = scores.unit_figures(store, [unit_id, *children], period, view)
    return assemble(cells, units, unit_id, period, view, org, children)


def assemble(
    cells: pd.DataFrame,
    units: pd.DataFrame,
    unit_id: str,
    period: str,
    view: str,
    org: Org,
    children: list[str],
) -> Scorecard:
    """A :class:`Scorecard` from the unit's scored cells (with their
    dictionary entries) and the unit figures of it and of ``children`` (the
    children shown, in the tree's order)."""
    own = _ordered(cells[cells["unit_id"].to_numpy() == unit_id])
    at = np.flatnonzero(units["unit_id"].to_numpy() == unit_id)
    head = units.iloc[at[0]] if len(at) else None
    return Scorecard(
        unit_id=unit_id,
        period=period,
        view=view,
        total=float(head["total"]) if head is not None else float("nan"),
        grade=str(head["grade"]) if head is not None else "no_data",
        status=str(head["status"]) if head is not None else "no_data",
        coverage=float(head["coverage"]) if head is not None else float("nan"),
        perspectives=_perspectives(head),
        kpis=own,
        children=_children(units, children, org),
    )


_PERSPECTIVE_RANK = {p: i for i, p in enumerate(PERSPECTIVES)}


def _ordered(kpis: pd.DataFrame) -> pd.DataFrame:
    """Perspectives in BSC order; inside each, core before auxiliary, heaviest first."""
    rank = [_PERSPECTIVE_RANK.get(p, len(PERSPECTIVES)) for p in kpis["perspective"].tolist()]
    order = np.lexsort(
        (
            kpis["kpi_id"].to_numpy(dtype=object),
            -kpis["weight"].to_numpy(dtype="float64"),
            kpis["role"].to_numpy(dtype=object) != "core",
            kpis["role"].to_numpy(dtype=object) == TASK_ROLE,  # tasks after the perspective's KPIs
            np.asarray(rank),
        )
    )
    return kpis.iloc[order].reset_index(drop=True)


def _perspectives(head: pd.Series | None) -> pd.DataFrame:
    """All four perspectives in order: weight, points, score, share, status."""
    weight = np.array([np.nan if head is None else head[f"w_{p}"] for p in PERSPECTIVES], dtype="float64")
    points = np.array([np.nan if head is None else head[f"p_{p}"] for p in PERSPECTIVES], dtype="float64")
    score, share, status = engine.perspective_scores(weight, points)
    return pd.DataFrame(
        {
            "perspective": list(PERSPECTIVES),
            "weight": weight,
            "points": points,
            "score": score,
            "share": share,
            "status": np.asarray(scoring.UNIT_STATUSES, dtype=object)[status],
        }
    )


_CHILD_COLUMNS = ["total", "weight", "scored_weight", "green", "amber", "red", "missing", "coverage", "status", "grade"]


def _children(units: pd.DataFrame, ids: list[str], org: Org) -> pd.DataFrame:
    info = org.info(ids)
    at = {u: i for i, u in enumerate(units["unit_id"].tolist())}
    pick = np.array([at.get(u, -1) for u in ids], dtype="int64")
    found = pick >= 0
    data: dict[str, object] = {column: info[column] for column in ("unit_id", "name", "name_zh", "kind")}
    for column in _CHILD_COLUMNS:
        values = units[column].to_numpy(dtype=object if column in ("status", "grade") else "float64")
        out = np.full(len(ids), "no_data" if column in ("status", "grade") else np.nan, dtype=values.dtype)
        out[found] = values[pick[found]]
        data[column] = out
    counts = np.zeros(len(ids), dtype="int64")
    counts[found] = units["kpi_count"].to_numpy(dtype="int64")[pick[found]]
    data["kpi_count"] = counts
    # worst first; a unit whose figures are missing leads (a missed upload),
    # a unit without any KPI assigned comes last: it has no score to rank
    total = data["total"]
    order = np.lexsort((np.where(np.isnan(total), -np.inf, total), counts == 0))
    return pd.DataFrame({k: np.asarray(v)[order] for k, v in data.items()})


def kpi_history(store: Store, unit_id: str, periods: list[str], *, scope: Scope | None = None) -> pd.DataFrame:
    """Month-view scored KPI rows of one unit for each of ``periods`` (with a
    ``period`` column): the same figures as :func:`build` gives month by month.
    A unit outside a given ``scope`` raises :class:`kpi_core.access.NotPermitted`."""
    if scope is not None:
        scope.check(unit_id)
    return scores.with_info(scores.month_history(store, unit_id, periods), store.kpis(), KPI_INFO_COLUMNS)
