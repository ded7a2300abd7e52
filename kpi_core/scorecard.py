"""Scorecards: reads what the store holds and hands it to the scoring engine.

This is the one place that turns (unit, period, view) into figures; the CLI,
the pages and the tests call it, so they all show the same numbers. The
arithmetic lives in :mod:`kpi_core.scoring`; the SQL in :mod:`kpi_core.store`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_core import scoring
from kpi_core.model import PERSPECTIVES, VIEWS
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
        counts = self.kpis["status"].value_counts()
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
                }
                for r in self.kpis.itertuples()
            ],
            "children": [
                {"unit_id": r.unit_id, "name": r.name, "total": _num(r.total)} for r in self.children.itertuples()
            ],
        }


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 6)


def check_view(view: str) -> None:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")


def score_units(store: Store, unit_ids: list[str] | None, period: str, view: str) -> pd.DataFrame:
    """Scored KPI rows of several units (``None``: every unit) for one period and view."""
    check_view(view)
    year = int(period[:4])
    start, end = scoring.window(period, view)
    ytd_start, _ = scoring.window(period, "ytd")
    monthly = store.monthly_values(unit_ids, ytd_start, end)
    kpis = store.kpis()
    assigned = store.assignments(year, unit_ids)
    return score_frames(assigned, kpis, monthly, start, end)


def score_frames(
    assigned: pd.DataFrame, kpis: pd.DataFrame, monthly: pd.DataFrame, start: str, end: str
) -> pd.DataFrame:
    """Score assignments from frames already read: monthly values from the
    start of the year to ``end``; the view covers ``start``..``end``."""
    accumulation = kpis.set_index("kpi_id")["accumulation"]
    in_view = monthly[(monthly["period"] >= start) & (monthly["period"] <= end)]
    figures = scoring.accumulate(in_view, accumulation, end)
    rows = assigned.merge(kpis[KPI_INFO_COLUMNS], on="kpi_id", how="left").merge(
        figures, on=["unit_id", "kpi_id"], how="left"
    )
    ytd = None
    if rows["blend"].notna().any():
        ytd_start, _ = scoring.window(end, "ytd")
        ytd = figures if start == ytd_start else scoring.accumulate(monthly, accumulation, end)
    return scoring.score_rows(rows, ytd)


def build(store: Store, unit_id: str, period: str, view: str = "month", org: Org | None = None) -> Scorecard:
    """The scorecard of ``unit_id``, with each child's total, for one period."""
    org = org or Org.from_frame(store.units())
    children = org.children(unit_id)
    scored = score_units(store, [unit_id, *children], period, view)
    return assemble(scored, unit_id, period, view, org)


def assemble(scored: pd.DataFrame, unit_id: str, period: str, view: str, org: Org) -> Scorecard:
    """A :class:`Scorecard` from scored rows of the unit and its children."""
    own = _ordered(scored[scored["unit_id"] == unit_id])
    totals = scoring.unit_totals(own)
    head = totals.iloc[0] if len(totals) else None
    return Scorecard(
        unit_id=unit_id,
        period=period,
        view=view,
        total=float(head["total"]) if head is not None else float("nan"),
        grade=str(head["grade"]) if head is not None else "no_data",
        status=str(head["status"]) if head is not None else "no_data",
        coverage=float(head["coverage"]) if head is not None else float("nan"),
        perspectives=_perspectives(own),
        kpis=own,
        children=_children(scored, unit_id, org),
    )


def _ordered(kpis: pd.DataFrame) -> pd.DataFrame:
    """Perspectives in BSC order; inside each, core before auxiliary, heaviest first."""
    rank = {p: i for i, p in enumerate(PERSPECTIVES)}
    keyed = kpis.assign(_p=kpis["perspective"].map(rank), _r=(kpis["role"] != "core").astype(int))
    return (
        keyed.sort_values(["_p", "_r", "weight", "kpi_id"], ascending=[True, True, False, True])
        .drop(columns=["_p", "_r"])
        .reset_index(drop=True)
    )


def _perspectives(own: pd.DataFrame) -> pd.DataFrame:
    found = scoring.perspective_scores(own).set_index("perspective")
    out = found.reindex(list(PERSPECTIVES))
    out["status"] = out["status"].fillna("no_data")
    return out.drop(columns="unit_id").reset_index()


def _children(scored: pd.DataFrame, unit_id: str, org: Org) -> pd.DataFrame:
    ids = org.children(unit_id)
    info = org.units.loc[ids, ["unit_id", "name", "name_zh", "kind"]].reset_index(drop=True)
    totals = scoring.unit_totals(scored[scored["unit_id"].isin(ids)])
    out = info.merge(totals, on="unit_id", how="left")
    out["status"] = out["status"].fillna("no_data")
    out["grade"] = out["grade"].fillna("no_data")
    counts = scored[scored["unit_id"].isin(ids)].groupby("unit_id").size()
    out["kpi_count"] = out["unit_id"].map(counts).fillna(0).astype(int)
    # worst first; a unit whose figures are missing leads (a missed upload),
    # a unit without any KPI assigned comes last: it has no score to rank
    out = out.sort_values("total", na_position="first", kind="stable")
    return out.sort_values("kpi_count", key=lambda c: c.eq(0), kind="stable").reset_index(drop=True)


def kpi_history(store: Store, unit_id: str, periods: list[str]) -> pd.DataFrame:
    """Month-view scored KPI rows of one unit for each of ``periods`` (with a
    ``period`` column): one query and one scoring pass for all the months, the
    same figures as :func:`build` gives month by month."""
    columns = [*scoring.SCORED_COLUMNS, "period"]
    if not periods:
        return pd.DataFrame(columns=columns)
    first, _ = scoring.window(min(periods), "ytd")
    monthly = store.monthly_values([unit_id], first, max(periods))
    kpis = store.kpis()
    spine = pd.DataFrame({"period": sorted(periods)}).assign(year=lambda f: f["period"].str[:4].astype(int))
    rows = store.assignments(None, [unit_id]).merge(spine, on="year")
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.merge(kpis[KPI_INFO_COLUMNS], on="kpi_id", how="left").merge(
        monthly, on=["unit_id", "kpi_id", "period"], how="left"
    )
    ytd = None
    if rows["blend"].notna().any():
        ytd = scoring.ytd_by_month(monthly, kpis.set_index("kpi_id")["accumulation"])
    return scoring.score_rows(rows, ytd)
