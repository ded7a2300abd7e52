"""What an upload would do, before anything is written: rows new / changed /
unchanged, and its effect on the scorecards.

The effect is computed by reading the stored facts, laying the file's rows
over them in memory and scoring both with the engine
(:func:`kpi_core.engine.score_monthly`, the arithmetic behind every stored
score); the store is only read. Month views of
the months the file touches are compared (for assignments and KPI rules: the
latest month with actuals of each year concerned); a change in January also
moves later months' year-to-date blends, which the preview does not list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_core import engine
from kpi_core.ingest import VALUE_COLUMN, Validated
from kpi_core.model import ATTRIBUTE_KINDS, FILE_SPECS, REVIEW_KINDS
from kpi_core.store import BatchResult, Store, summarise_changes

MAX_PERIODS = 12
"""At most this many months (the latest) are scored for the preview."""


@dataclass(frozen=True)
class Preview:
    counts: BatchResult
    """Rows new / changed / unchanged (``batch_id`` None: nothing written)."""
    rows: pd.DataFrame
    """Key columns, ``change``, and ``old`` -> ``new`` (a value, or the changed
    fields); for values also ``delta`` (new - old). Changed rows first, the
    biggest change first, then new rows in the file's order."""
    totals: pd.DataFrame
    """unit_id, period, before, after, delta, status_before, status_after:
    units whose total moves, the biggest move first."""
    statuses: pd.DataFrame
    """unit_id, kpi_id, period, status_before, status_after: KPIs whose status
    changes, the biggest change first (green <-> red before one step; a step
    down before a step up; to or from no data last)."""


def preview(store: Store, validated: Validated) -> Preview:
    """The preview of a file without errors (warnings allowed). Writes nothing."""
    kind = validated.kind
    diff = store.diff(kind, validated.frame)
    counts = summarise_changes(None, kind, diff)
    rows = _rows(kind, diff)
    changed = diff[diff["change"] != "unchanged"]
    empty_totals = pd.DataFrame(
        columns=["unit_id", "period", "before", "after", "delta", "status_before", "status_after"]
    )
    empty_status = pd.DataFrame(columns=["unit_id", "kpi_id", "period", "status_before", "status_after"])
    # pay (issue 17), OKRs and value points, 360 set-up and unit attributes (issue 18) move no score
    if changed.empty or kind in (
        "units",
        "pay",
        "objectives",
        "key_results",
        "value_events",
        *REVIEW_KINDS,
        *ATTRIBUTE_KINDS,
    ):
        return Preview(counts, rows, empty_totals, empty_status)
    totals, statuses = _effect(store, kind, changed)
    return Preview(
        counts,
        rows,
        _biggest_totals_first(totals) if len(totals) else empty_totals,
        _biggest_status_changes_first(statuses) if len(statuses) else empty_status,
    )


#: How far apart two statuses are: the size of a status change.
_STATUS_STEP = {"green": 0, "amber": 1, "red": 2}


def _biggest_totals_first(totals: pd.DataFrame) -> pd.DataFrame:
    size = totals["delta"].astype("float64").abs()
    order = sorted(
        range(len(totals)), key=lambda i: (pd.isna(size.iat[i]), -(size.iat[i] if pd.notna(size.iat[i]) else 0))
    )
    return totals.iloc[order].reset_index(drop=True)


def _biggest_status_changes_first(statuses: pd.DataFrame) -> pd.DataFrame:
    def key(i: int) -> tuple[bool, int, bool]:
        before, after = statuses["status_before"].iat[i], statuses["status_after"].iat[i]
        if before not in _STATUS_STEP or after not in _STATUS_STEP:
            return (True, 0, False)  # to or from no data / no target
        step = _STATUS_STEP[after] - _STATUS_STEP[before]
        return (False, -abs(step), step < 0)  # worse (a positive step) before better

    order = sorted(range(len(statuses)), key=key)
    return statuses.iloc[order].reset_index(drop=True)


def _rows(kind: str, diff: pd.DataFrame) -> pd.DataFrame:
    spec = FILE_SPECS[kind]
    keys = list(spec.key)
    out = diff[keys + ["change"]].copy()
    if "period" in out:
        out["period"] = pd.to_datetime(out["period"]).dt.strftime("%Y-%m")
    rank = out["change"].map({"changed": 0, "new": 1, "unchanged": 2})
    if kind in VALUE_COLUMN:
        column = VALUE_COLUMN[kind]
        out["old"] = diff[f"old_{column}"]
        out["new"] = diff[column]
        out["delta"] = out["new"].astype("float64") - out["old"].astype("float64")
        size = out["delta"].abs().fillna(0.0)
        order = sorted(range(len(out)), key=lambda i: (rank.iat[i], -size.iat[i]))
        return out.iloc[order].reset_index(drop=True)
    fields = [c for c in spec.columns if c not in keys]
    out["old"] = ""
    out["new"] = [_changed_fields(r, fields) for _, r in diff.iterrows()]
    order = sorted(range(len(out)), key=lambda i: rank.iat[i])
    return out.iloc[order].reset_index(drop=True)


def _changed_fields(row: pd.Series, fields: list[str]) -> str:
    parts = []
    for f in fields:
        new, old = row[f], row.get(f"old_{f}")
        if row["change"] == "new":
            if not _missing(new):
                parts.append(f"{f}={new}")
        elif not (_missing(new) and _missing(old)) and new != old:
            parts.append(f"{f}: {'' if _missing(old) else old} -> {'' if _missing(new) else new}")
    return "; ".join(parts)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _effect(store: Store, kind: str, changed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    kpis = store.kpis()
    if kind in VALUE_COLUMN:
        periods = sorted(pd.to_datetime(changed["period"]).dt.strftime("%Y-%m").unique())[-MAX_PERIODS:]
        units = sorted(changed["unit_id"].unique())
    else:
        periods = _latest_per_year(store, changed, kind)
        units = _units_of(store, kind, changed)
    if not periods or not units:
        return pd.DataFrame(), pd.DataFrame()
    first = f"{min(periods)[:4]}-01"
    monthly = store.monthly_values(units, first, max(periods))
    assigned = store.assignments(None, units)
    after = _overlay(kind, changed, monthly, assigned, kpis)
    totals, statuses = [], []
    # the units' goal-setting tasks score beside their KPIs, before and after alike
    tasks = {year: store.task_facts(year, units) for year in {int(p[:4]) for p in periods}}
    for period in periods:
        facts = tasks[int(period[:4])]
        before_scored = _score(assigned, kpis, monthly, period, facts)
        after_scored = _score(after["assigned"], after["kpis"], after["monthly"], period, facts)
        totals.append(_total_changes(before_scored, after_scored, period))
        statuses.append(_status_changes(before_scored, after_scored, period))
    return pd.concat(totals, ignore_index=True), pd.concat(statuses, ignore_index=True)


def _latest_per_year(store: Store, changed: pd.DataFrame, kind: str) -> list[str]:
    periods = store.periods()
    if kind == "assignments":
        years = {str(int(y)) for y in changed["year"]}
        latest = {p[:4]: p for p in periods}
        return sorted(latest[y] for y in years if y in latest)
    return periods[-1:]


def _units_of(store: Store, kind: str, changed: pd.DataFrame) -> list[str]:
    if kind == "assignments":
        return sorted(changed["unit_id"].unique())
    assigned = store.assignments()
    return sorted(assigned.loc[assigned["kpi_id"].isin(changed["kpi_id"]), "unit_id"].unique())


def _overlay(
    kind: str, changed: pd.DataFrame, monthly: pd.DataFrame, assigned: pd.DataFrame, kpis: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The stored frames with the file's rows laid over them."""
    out = {"monthly": monthly, "assigned": assigned, "kpis": kpis}
    if kind in VALUE_COLUMN:
        column = VALUE_COLUMN[kind]
        new = changed[["unit_id", "kpi_id", "period", column]].assign(
            period=pd.to_datetime(changed["period"]).dt.strftime("%Y-%m")
        )
        keys = ["unit_id", "kpi_id", "period"]
        merged = monthly.merge(new, on=keys, how="outer", suffixes=("", "_new"))
        merged[column] = merged[f"{column}_new"].combine_first(merged[column])
        out["monthly"] = merged.drop(columns=f"{column}_new")
    elif kind == "assignments":
        columns = list(FILE_SPECS["assignments"].columns)
        keys = list(FILE_SPECS["assignments"].key)
        new = changed[columns].assign(year=changed["year"].astype("int64"))
        kept = assigned[~assigned.set_index(keys).index.isin(new.set_index(keys).index)]
        out["assigned"] = pd.concat([kept, new], ignore_index=True)
    else:
        columns = list(kpis.columns)
        kept = kpis[~kpis["kpi_id"].isin(changed["kpi_id"])]
        out["kpis"] = pd.concat([kept, changed[columns]], ignore_index=True)
    return out


def _score(
    assigned: pd.DataFrame,
    kpis: pd.DataFrame,
    monthly: pd.DataFrame,
    period: str,
    tasks: tuple | None = None,
) -> tuple:
    """Month-view cells and unit figures of ``period`` (``tasks``: the year's
    tasks and their assessments, scored beside the KPIs)."""
    year = int(period[:4])
    task_rows, marks, okrs = tasks if tasks is not None else (None, None, None)
    scored = engine.score_monthly(
        assigned, kpis, monthly, year, ("month",), tasks=task_rows, assessments=marks, okrs=okrs
    )
    return engine.at(scored, period, "month")


def _total_changes(before: tuple, after: tuple, period: str) -> pd.DataFrame:
    b = before[1][["unit_id", "total", "status"]] if len(before[1]) else _no_totals()
    a = after[1][["unit_id", "total", "status"]] if len(after[1]) else _no_totals()
    m = b.merge(a, on="unit_id", how="outer", suffixes=("_before", "_after"))
    m = m.rename(columns={"total_before": "before", "total_after": "after"})
    m["delta"] = m["after"].astype("float64") - m["before"].astype("float64")
    moved = (m["delta"].abs() > 1e-9) | (m["before"].isna() != m["after"].isna())
    out = m[moved].assign(period=period)
    return out[["unit_id", "period", "before", "after", "delta", "status_before", "status_after"]]


def _no_totals() -> pd.DataFrame:
    return pd.DataFrame(columns=["unit_id", "total", "status"])


def _status_changes(before: tuple, after: tuple, period: str) -> pd.DataFrame:
    before, after = before[0], after[0]
    keys = ["unit_id", "kpi_id"]
    b = before[[*keys, "status"]] if len(before) else pd.DataFrame(columns=[*keys, "status"])
    a = after[[*keys, "status"]] if len(after) else pd.DataFrame(columns=[*keys, "status"])
    m = b.merge(a, on=keys, how="outer", suffixes=("_before", "_after"))
    out = m[m["status_before"].fillna("") != m["status_after"].fillna("")].assign(period=period)
    return out[["unit_id", "kpi_id", "period", "status_before", "status_after"]]
