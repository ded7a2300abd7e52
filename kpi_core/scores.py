"""Stored scores, kept current at every write.

The pages, the alerts and the CLI read scored figures from the store
(``kpi_scores``, ``unit_scores``) instead of scoring raw values per request.
This module keeps those tables equal to what the engine
(:mod:`kpi_core.engine`) makes of the facts, at every moment:

* **at every write**: the store marks what each write moved (see
  :mod:`kpi_core.store.scores`) and calls :func:`_refresh_hook`, registered
  here, inside the write's transaction, before it commits. The hook rescores
  only the unit-years that moved and replaces only the rows that can have
  changed: a restated March replaces that unit's KPI from March to December in
  every view (the year to date, and the quarter), and the unit's totals from
  March on. A rule edit moves its KPI in every unit and year it is assigned;
  a weight edit moves that assignment's year. The write and its scores commit
  together or not at all.
* **when opened**: :func:`ensure` rebuilds every stored score when there are
  none yet, or when they were made by another engine version
  (:data:`kpi_core.engine.ENGINE_VERSION`, kept in the file), reporting its
  progress, and refreshes marks a process without the hook left behind.

A store opened read-only whose scores are missing or stale, and the in-memory
store of a past moment (:meth:`Store.as_of`), are scored the same way on the
fly (:func:`live_rows`): the same engine over the same facts.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from kpi_core import engine
from kpi_core.months import month_index, shift_month
from kpi_core.store import Store
from kpi_core.store.base import BaseStore

Progress = Callable[[float, str], None]

_current: weakref.WeakSet = weakref.WeakSet()


# --------------------------------------------------------------------------- keeping them current


#: Units scored together. A unit-year's scores depend on that unit-year alone,
#: so a large organisation is scored in chunks of units: the engine's arrays for
#: 5,000 units (60,000 assignment rows x 12 months x 3 views) take about 150 MB,
#: where 100,000 units at once took 6 GB and ran twice as slowly.
CHUNK_UNITS = 5_000


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + CHUNK_UNITS] for i in range(0, len(ids), CHUNK_UNITS)]


def _year_scores(store: Store, cur, year: int, unit_ids: list[str] | None) -> engine.Scored:
    facts = store.score_facts(year, unit_ids, cur)
    g = engine.grid(
        year,
        facts["assigned"],
        facts["kpis"],
        facts["targets"],
        facts["actuals"],
        facts["unit_ids"],
        facts["kpi_ids"],
        tasks=facts.get("tasks"),
        assessments=facts.get("assessments"),
        okrs=facts.get("okrs"),
    )
    return engine.score(g)


def _last_month(year: int, horizon: str | None) -> int:
    """The last month (0-11) of ``year`` the stored scores reach (-1: none)."""
    if horizon is None:
        return -1
    end = month_index(horizon)
    return max(min(end - year * 12, 11), -1)


def _refresh_year(store: Store, cur, year: int, moved: pd.DataFrame, horizon: str | None) -> None:
    """Rescore the units of ``moved`` (``unit_id, kpi_id, first_month`` of
    one year) and replace the rows that moved, up to the ``horizon``."""
    units = sorted(moved["unit_id"].unique())
    if len(units) > CHUNK_UNITS:
        for chunk in _chunks(units):
            _refresh_year(store, cur, year, moved[moved["unit_id"].isin(set(chunk))], horizon)
        return
    last = _last_month(year, horizon)
    scored = _year_scores(store, cur, year, units)
    g = scored.grid
    units = list(g.unit_ids)
    n_kpis = max(len(g.kpi_ids), 1)
    u = pd.Categorical(moved["unit_id"], categories=units).codes.astype("int64")
    k = pd.Categorical(moved["kpi_id"], categories=list(g.kpi_ids)).codes.astype("int64")
    first = moved["first_month"].to_numpy(dtype="int64") - 1
    cell_first = np.full(len(units) * n_kpis, 12, dtype="int64")
    ok = k >= 0
    np.minimum.at(cell_first, u[ok] * n_kpis + k[ok], first[ok])
    moved = _with_calculated(moved, g, cell_first)
    row_first = cell_first[g.unit * n_kpis + g.kpi]
    unit_first = np.full(len(units), 12, dtype="int64")
    np.minimum.at(unit_first, u, first)
    grid_units = next(iter(scored.units.values())).unit if scored.units else np.zeros(0, dtype="int64")
    by_unit = moved.groupby("unit_id", sort=False)["first_month"].min().reset_index()
    store.replace_scores(
        cur,
        year,
        moved,
        by_unit,
        engine.kpi_frame(scored, first_month=np.minimum(row_first, 11), rows=row_first < 12, last_month=last),
        engine.unit_frame(
            scored,
            first_month=np.minimum(unit_first[grid_units], 11),
            units=unit_first[grid_units] < 12,
            last_month=last,
        ),
    )


def _with_calculated(moved: pd.DataFrame, g: engine.Grid, cell_first: np.ndarray) -> pd.DataFrame:
    """A calculated KPI moves with its components (issue 14): ``cell_first``
    (units x KPIs of the grid, flattened: each cell's first month that moved,
    0-11, 12 none) is lowered in place to its components' first month, and
    the cells it lowers are added to ``moved``."""
    links = engine.dependencies(g)
    if not links:
        return moved
    n_kpis = max(len(g.kpi_ids), 1)
    by_kpi = cell_first.reshape(len(g.unit_ids), n_kpis)
    before = by_kpi.copy()
    for code, components in links:
        if components:
            by_kpi[:, code] = np.minimum(by_kpi[:, code], by_kpi[:, components].min(axis=1))
    u, k = np.nonzero(by_kpi < before)
    if not len(u):
        return moved
    extra = pd.DataFrame(
        {
            "unit_id": np.asarray(g.unit_ids, dtype=object)[u],
            "kpi_id": np.asarray(g.kpi_ids, dtype=object)[k],
            "first_month": by_kpi[u, k] + 1,
        }
    )
    return pd.concat([moved[["unit_id", "kpi_id", "first_month"]], extra], ignore_index=True)


def refresh(store: Store, cur) -> int:
    """Rescore what the marks in ``score_moves`` say moved, inside the
    transaction of ``cur``; returns the number of (unit, KPI, year) refreshed.

    The stored scores reach the latest month with an actual (the horizon: no
    page shows a later month, and a year's later months would otherwise be
    rewritten at every upload). When an upload brings a new latest month,
    every assignment gets it; when a rollback takes it away, it goes."""
    horizon, stored = store.value_horizon(cur), store.scores_horizon(cur)
    if horizon != stored:
        if horizon is not None and (stored is None or horizon > stored):
            first = shift_month(stored, 1) if stored is not None else f"{store.score_years(cur)[0]:04d}-01"
            store.mark_months(cur, first, horizon)
        else:
            store.drop_scores_after(cur, horizon)
        store.set_scores_horizon(cur, horizon)
    moves = store.pending_moves(cur)
    for year, part in moves.groupby("year", sort=True):
        _refresh_year(store, cur, int(year), part, horizon)
    store.clear_moves(cur)
    return len(moves)


def _refresh_hook(store: BaseStore, cur) -> None:
    """The write hook: keep the stored scores current in the writer's transaction.
    A write that moved no score (an alert acknowledgement, a setting) costs
    one small query: the latest month with an actual changes only with a write
    of actuals, which always leaves marks."""
    if not store.has_moves(cur):
        return
    if store.scores_version(cur) != engine.ENGINE_VERSION:
        # none stored yet, or made by another engine: rebuilt whole when opened
        store.clear_moves(cur)
        return
    refresh(store, cur)


BaseStore.write_hooks.append(_refresh_hook)


def _fill(store: Store, cur, progress: Progress | None = None) -> None:
    store.clear_scores(cur)
    horizon = store.value_horizon(cur)
    years = store.score_years(cur)
    for i, year in enumerate(years):
        last = _last_month(year, horizon)
        for chunk in _chunks(store.all_unit_ids(cur)) if last >= 0 else []:
            scored = _year_scores(store, cur, year, chunk)
            for view in scored.views:  # a view at a time: a third of the rows in memory
                store.insert_scores(cur, engine.kpi_frame(scored, views=(view,), last_month=last), pd.DataFrame())
            store.insert_scores(cur, pd.DataFrame(), engine.unit_frame(scored, last_month=last))
            del scored
        if progress is not None:
            progress((i + 1) / len(years), str(year))
    store.set_scores_horizon(cur, horizon)


def rescore_years(store: Store) -> Iterator[engine.Scored]:
    """Every unit, KPI, month and view scored from the facts, one year (and
    chunk of units) at a time (nothing stored: the benchmark's full rescore)."""
    cur = store.cursor()
    chunks = _chunks(store.all_unit_ids(cur))
    for year in store.score_years(cur):
        for chunk in chunks:
            yield _year_scores(store, cur, year, chunk)


def rebuild(store: Store, progress: Progress | None = None) -> None:
    """Score every unit, KPI, month and view from scratch and store it all,
    in one transaction; ``progress(fraction, year)`` after each year."""
    with store.transaction() as cur:
        _fill(store, cur, progress)
        store.set_scores_version(cur, engine.ENGINE_VERSION)
        store.clear_moves(cur)
    _current.add(store)


def ensure(store: Store, progress: Progress | None = None) -> bool:
    """Make the stored scores current (rebuild or refresh them as needed).
    False when they cannot be: a read-only store whose scores are missing,
    stale or behind marks; its figures are then scored on the fly."""
    if store in _current:
        return True
    version = store.scores_version()
    if store.read_only:
        return version == engine.ENGINE_VERSION and not store.has_moves()
    if version != engine.ENGINE_VERSION:
        rebuild(store, progress)
    elif store.has_moves():
        with store.transaction():
            pass  # the write hook refreshes what the marks name
    _current.add(store)
    return True


def needs_rebuild(store: Store) -> bool:
    """True when opening ``store`` will rebuild its stored scores (worth a progress bar)."""
    return store not in _current and not store.read_only and store.scores_version() != engine.ENGINE_VERSION


def from_scratch(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every score rescored from scratch, read back exactly as
    :meth:`Store.all_stored_scores` reads the stored ones (for checks: the
    rebuild is made in a transaction that is rolled back)."""
    cur = store.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        _fill(store, cur)
        return store.all_stored_scores(cur)
    finally:
        cur.execute("ROLLBACK")
        cur.close()


# --------------------------------------------------------------------------- reading them


def live_rows(store: Store, unit_ids: list[str], years: Iterable[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every view and month of ``unit_ids`` in ``years`` scored on the fly from
    the store's facts (for a store whose scores cannot be stored), in the
    shape of the stored reads."""
    cur = store.cursor()
    cells, units = [], []
    for year in years:
        scored = _year_scores(store, cur, year, unit_ids)
        cells.append(engine.as_text(engine.kpi_frame(scored)))
        units.append(engine.as_text(engine.unit_frame(scored)))
    return pd.concat(cells, ignore_index=True), pd.concat(units, ignore_index=True)


def with_info(cells: pd.DataFrame, kpis: pd.DataFrame, info: Iterable[str]) -> pd.DataFrame:
    """Scored cells with their KPI's dictionary ``info`` columns (and the year)."""
    columns = [c for c in info if c != "kpi_id"]
    picked = kpis.drop_duplicates("kpi_id").set_index("kpi_id")[columns].reindex(cells["kpi_id"].to_numpy())
    picked.index = cells.index
    out = pd.concat([cells.drop(columns=["view"], errors="ignore"), picked], axis=1)
    out.insert(2, "year", out["period"].str[:4].astype(int) if len(out) else pd.Series(dtype="int64"))
    return out


def _sort_cells(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["unit_id", "role", "weight", "kpi_id"], ascending=[True, True, False, True]).reset_index(
        drop=True
    )


def kpi_cells(store: Store, unit_ids: list[str], period: str, view: str) -> pd.DataFrame:
    """Scored cells of ``unit_ids`` for one month and view (``unit_id, kpi_id,
    period, view, weight, role, target, actual, completion, score, points,
    status``), in assignment order."""
    if ensure(store):
        return store.stored_kpi_scores(unit_ids, period, view)
    cells, _ = live_rows(store, unit_ids, [int(period[:4])])
    return _sort_cells(cells[(cells["period"] == period) & (cells["view"] == view)])


def card_cells(store: Store, unit_id: str, period: str, view: str, info: tuple[str, ...]) -> pd.DataFrame:
    """One unit's cells for a month and view with the KPI dictionary's
    ``info`` columns (unordered)."""
    if ensure(store):
        return store.stored_card_cells(unit_id, period, view, info)
    return with_info(kpi_cells(store, [unit_id], period, view), store.kpis(), info)


def unit_figures(store: Store, unit_ids: list[str], period: str, view: str) -> pd.DataFrame:
    """Unit figures of ``unit_ids`` for one month and view (no row for a unit
    without any assignment that year)."""
    if ensure(store):
        return store.stored_unit_scores(unit_ids, period, view)
    _, units = live_rows(store, unit_ids, [int(period[:4])])
    return units[(units["period"] == period) & (units["view"] == view)].reset_index(drop=True)


def month_history(store: Store, unit_id: str, periods: list[str]) -> pd.DataFrame:
    """Month-view cells of one unit for each of ``periods``."""
    if not periods:
        return pd.DataFrame(columns=list(engine.KPI_COLUMNS))
    if ensure(store):
        cells = store.stored_history(unit_id, min(periods), max(periods))
    else:
        cells, _ = live_rows(store, [unit_id], sorted({month_index(p) // 12 for p in periods}))
        cells = cells[cells["view"] == "month"].sort_values(
            ["period", "role", "weight", "kpi_id"], ascending=[True, True, False, True]
        )
    return cells[cells["period"].isin(set(periods))].reset_index(drop=True)


def month_cells(store: Store, unit_ids: list[str] | None, start: str, end: str) -> pd.DataFrame:
    """Month-view cells of the months ``start``..``end`` (``unit_ids`` None:
    every unit): ``unit_id, kpi_id, period, target, actual, completion, status``."""
    if ensure(store):
        return store.stored_month_cells(unit_ids, start, end)
    ids = unit_ids if unit_ids is not None else store.units()["unit_id"].tolist()
    cells, _ = live_rows(store, ids, range(month_index(start) // 12, month_index(end) // 12 + 1))
    keep = (cells["view"] == "month") & (cells["period"] >= start) & (cells["period"] <= end)
    return cells.loc[keep, ["unit_id", "kpi_id", "period", "target", "actual", "completion", "status"]].reset_index(
        drop=True
    )
