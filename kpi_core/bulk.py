"""Full rescore: every unit, every month, month / quarter / year-to-date views,
in one pass over the whole organisation.

:func:`kpi_core.scorecard.score_units` scores one period at a time and
re-accumulates the months of its window every time; re-scoring an
organisation of 10,000 people over three years that way means reading and
grouping millions of rows per period. Here the months of each year are laid
out as a (assignment row x month) grid, and every window's figures come from
running sums along the month axis: one pass per year gives every month's
month, quarter and year-to-date figures at once.

The result is what ``score_units`` gives, figure for figure: completion,
score, points, status and every unit total are the same floats, not close
ones (``tests/test_bulk.py`` checks it on the demo company and on the
hand-made one). Unit totals add points exactly as pandas 3 does in
``scoring.unit_totals`` (``np.add.reduceat`` for a column without NaN, a
compensated sum otherwise). Window sums are compensated sums in month order;
``score_units`` adds the months in whatever order DuckDB returns them, so a
quarter's or year's target and actual can differ from it in the last bit
(about 1e-16 relative), which the completion's rounding to 10 decimals
absorbs.

Pure: frames in, frames out; the store's bulk reads are in
:mod:`kpi_core.store.bulk`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_core import scoring
from kpi_core.model import STATUSES, VIEWS
from kpi_core.months import month_index, month_text

VALUE_KINDS = ("targets", "actuals")


@dataclass(frozen=True)
class _Block:
    """Scored cells of one year and view: month-major flat arrays over the
    year's assignment rows (``unit``, ``kpi``, ``weight``, ``role`` per row)."""

    view: str
    year: int
    months: tuple[int, ...]
    """0-based months of the year held, in order."""
    unit: np.ndarray
    kpi: np.ndarray
    weight: np.ndarray
    role: np.ndarray
    cells: dict[str, np.ndarray]
    """target, actual, score and status (codes into STATUSES)."""


@dataclass(frozen=True)
class Rescore:
    """Every unit's scorecard figures for every month and view."""

    totals: pd.DataFrame
    """view, period, unit_id, total, weight, scored_weight, green, amber,
    red, missing, coverage, status, grade: what ``scoring.unit_totals`` gives
    for each unit, month and view (text columns are categoricals)."""
    blocks: tuple[_Block, ...]
    unit_ids: tuple[str, ...]
    kpi_ids: tuple[str, ...]
    rules: scoring.Rules

    def kpi_rows(self, period: str, view: str) -> pd.DataFrame:
        """Scored KPI rows of every unit for one period and view, in the order
        and with the columns of ``score_units`` (the KPI dictionary aside):
        unit_id, kpi_id, year, weight, role, target, actual, completion,
        score, points, status."""
        year, month = int(period[:4]), int(period[5:7]) - 1
        block = next((b for b in self.blocks if b.view == view and b.year == year and month in b.months), None)
        if block is None:
            raise KeyError(f"no rescored {view} view for {period}")
        n = len(block.unit)
        part = slice(block.months.index(month) * n, (block.months.index(month) + 1) * n)
        out = pd.DataFrame(
            {
                "unit_id": np.asarray(self.unit_ids, dtype=object)[block.unit],
                "kpi_id": np.asarray(self.kpi_ids, dtype=object)[block.kpi],
                "year": year,
                "weight": block.weight,
                "role": block.role,
            }
        )
        cells = {name: block.cells[name][part] for name in ("target", "actual", "score")}
        # completion and points are cheap to recompute (same arithmetic, same floats): not kept
        out["target"], out["actual"] = cells["target"], cells["actual"]
        out["completion"] = scoring.completion_by(cells["actual"], cells["target"], block.kpi, self.rules)
        out["score"] = cells["score"]
        out["points"] = block.weight * cells["score"]
        out["status"] = np.asarray(STATUSES, dtype=object)[block.cells["status"][part]]
        return out


# --------------------------------------------------------------------------- compensated sums


def _kahan_add(total: np.ndarray, comp: np.ndarray, value: np.ndarray, use: np.ndarray) -> None:
    """Add ``value`` where ``use`` into running compensated sums, in place,
    exactly as pandas' grouped sum and mean do."""
    y = value - comp
    t = total + y
    c = t - total - y
    c[np.isnan(c)] = 0.0
    np.copyto(comp, c, where=use)
    np.copyto(total, t, where=use)


@dataclass
class _Running:
    """Running sums over the months of a window (vectors over assignment rows)."""

    n: int

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        zeros = [np.zeros(self.n) for _ in range(8)]
        self.tp, self.tp_c, self.ap, self.ap_c, self.ta, self.ta_c, self.aa, self.aa_c = zeros
        self.paired = np.zeros(self.n)
        self.targets = np.zeros(self.n)
        self.actuals = np.zeros(self.n)

    def add(self, target: np.ndarray, actual: np.ndarray) -> None:
        has_t, has_a = ~np.isnan(target), ~np.isnan(actual)
        paired = has_t & has_a
        _kahan_add(self.tp, self.tp_c, target, paired)
        _kahan_add(self.ap, self.ap_c, actual, paired)
        _kahan_add(self.ta, self.ta_c, target, has_t)
        _kahan_add(self.aa, self.aa_c, actual, has_a)
        self.paired += paired
        self.targets += has_t
        self.actuals += has_a


def _figures(t: np.ndarray, a: np.ndarray, acc: np.ndarray, starts: set[int]) -> tuple[np.ndarray, np.ndarray]:
    """Target and actual of every window ending at each month of one year, as
    :func:`kpi_core.scoring.accumulate` builds them; a window restarts at the
    months in ``starts`` (0-based). ``t``, ``a``: rows x 12 months."""
    is_sum, is_avg = acc == "sum", acc == "avg"
    if starts == set(range(t.shape[1])):
        # one month: sum and average of a single value are that value (shown even without a target)
        return t, a
    run = _Running(len(t))
    target, actual = np.full_like(t, np.nan), np.full_like(a, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for m in range(t.shape[1]):
            if m in starts:
                run.reset()
            run.add(t[:, m], a[:, m])
            some = run.paired > 0
            fallback = np.where(run.targets > 0, np.where(is_sum, run.ta, run.ta / run.targets), np.nan)
            paired_t = np.where(is_sum, run.tp, run.tp / run.paired)
            paired_a = np.where(is_sum, run.ap, run.ap / run.paired)
            # no target in the window yet: nothing is scored, but what was uploaded is shown
            shown = np.where(
                (run.targets == 0) & (run.actuals > 0), np.where(is_sum, run.aa, run.aa / run.actuals), np.nan
            )
            target[:, m] = np.where(is_sum | is_avg, np.where(some, paired_t, fallback), t[:, m])
            actual[:, m] = np.where(is_sum | is_avg, np.where(some, paired_a, shown), a[:, m])
    return target, actual


def _window_starts(view: str) -> set[int]:
    if view == "month":
        return set(range(12))
    if view == "quarter":
        return {0, 3, 6, 9}
    return {0}


# --------------------------------------------------------------------------- scoring


def _ytd_scores(ytd: tuple, k: np.ndarray, weight: np.ndarray, rules: scoring.Rules) -> np.ndarray:
    """YTD score of the cells whose KPI blends (NaN elsewhere): the same for
    every view of a year, so computed once."""
    out = np.full(len(k), np.nan)
    use = ~np.isnan(rules.blend[k])
    if use.any():
        comp = scoring.completion_by(ytd[1][use], ytd[0][use], k[use], rules)
        out[use] = scoring.credited_by(comp, k[use], weight[use], rules)
    return out


def _score(fig: tuple, ytd_score: np.ndarray, k: np.ndarray, weight: np.ndarray, rules: scoring.Rules) -> dict:
    """Score cells (flat arrays): :func:`scoring.score_rows` with the blend
    against the year-to-date score."""
    target, actual = fig
    comp = scoring.completion_by(actual, target, k, rules)
    score = scoring.credited_by(comp, k, weight, rules)
    blend = rules.blend[k]
    use = ~np.isnan(blend) & ~np.isnan(ytd_score)
    if use.any():
        score[use] = blend[use] * score[use] + (1 - blend[use]) * ytd_score[use]
    return {
        "target": target,
        "actual": actual,
        "completion": comp,
        "score": score,
        "points": weight * score,
        "status": scoring.status_codes_by(comp, target, k, rules),
    }


# --------------------------------------------------------------------------- unit totals


def _group_sum(values: np.ndarray, groups: np.ndarray, rank: np.ndarray, n_groups: int) -> tuple:
    """Compensated sum (skipping NaN) and count per group of ``values``
    (rows x months), adding each group's rows in order, as pandas does."""
    total = np.zeros((n_groups, values.shape[1]))
    comp = np.zeros_like(total)
    count = np.zeros_like(total)
    for j in range(int(rank.max()) + 1 if len(rank) else 0):
        rows = np.flatnonzero(rank == j)
        g = groups[rows]
        v = values[rows]
        use = ~np.isnan(v)
        t_g, c_g = total[g], comp[g]
        _kahan_add(t_g, c_g, v, use)
        total[g], comp[g] = t_g, c_g
        count[g] += use
    return total, count


def _pandas_sum(values: np.ndarray, groups: np.ndarray, rank: np.ndarray, starts: np.ndarray) -> tuple:
    """Per-group sum of ``values`` (rows x months, rows contiguous per group)
    exactly as pandas 3 sums a sorted groupby: ``np.add.reduceat`` for a month
    whose column has no NaN, otherwise the compensated sum that skips NaN.
    Returns the sums and the counts of non-NaN values."""
    nan = np.isnan(values)
    if not len(values):
        return np.zeros((0, values.shape[1])), np.zeros((0, values.shape[1]))
    count = np.add.reduceat((~nan).astype("int64"), starts, axis=0)
    with np.errstate(invalid="ignore"):
        plain = np.add.reduceat(values, starts, axis=0)
    has_nan = nan.any(axis=0)
    if has_nan.any():
        kahan, _ = _group_sum(values[:, has_nan], groups, rank, len(starts))
        plain[:, has_nan] = kahan
    return plain, count


def _totals(cells: dict[str, np.ndarray], unit: np.ndarray, weight: np.ndarray, n_months: int) -> dict:
    """:func:`scoring.unit_totals` for every unit of one year and every month:
    ``cells`` are month-major flat arrays over the year's assignment rows."""
    starts = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    groups = np.cumsum(np.r_[True, unit[1:] != unit[:-1]]) - 1
    rank = np.arange(len(unit)) - starts[groups]

    def grid(name: str) -> np.ndarray:
        return cells[name].reshape(n_months, len(unit)).T

    score = grid("score")
    points, p_count = _pandas_sum(grid("points"), groups, rank, starts)
    w = np.ascontiguousarray(np.broadcast_to(weight[:, None], score.shape))
    w_sum, _ = _pandas_sum(w, groups, rank, starts)
    scored_w, _ = _pandas_sum(np.where(np.isnan(score), 0.0, w), groups, rank, starts)
    status = grid("status")
    out: dict[str, np.ndarray] = {
        "unit": np.tile(unit[starts], n_months),
        "total": np.where(p_count > 0, points, np.nan).T.ravel(),
        "weight": w_sum.T.ravel(),
        "scored_weight": scored_w.T.ravel(),
    }
    for name, codes in (
        ("green", [scoring.GREEN]),
        ("amber", [scoring.AMBER]),
        ("red", [scoring.RED]),
        ("missing", [scoring.NO_DATA, scoring.NO_TARGET]),
    ):
        out[name] = np.add.reduceat(np.isin(status, codes).astype("int64"), starts, axis=0).T.ravel()
    return out


# --------------------------------------------------------------------------- one year


def _grid(values: pd.DataFrame, rowix: np.ndarray, n_kpis: int, year: int, n_rows: int) -> np.ndarray:
    """Scatter one year of values onto (assignment row x month); NaN where none."""
    out = np.full((n_rows, 12), np.nan)
    first = year * 12
    m = values["month"].to_numpy()
    in_year = (m >= first) & (m < first + 12)
    pair = values["unit_id"].cat.codes.to_numpy()[in_year].astype("int64") * n_kpis
    pair += values["kpi_id"].cat.codes.to_numpy()[in_year]
    r = rowix[pair]
    ok = r >= 0
    out[r[ok], m[in_year][ok] - first] = values["value"].to_numpy()[in_year][ok]
    return out


def _year(ctx: dict, year: int, months: list[int]) -> list[tuple[_Block, dict]]:
    """Scored cells and unit totals of one year's ``months`` (0-based), per view."""
    assigned = ctx["assigned"]
    rows = assigned[assigned["year"] == year]
    if rows.empty or not months:
        return []
    unit = rows["_u"].to_numpy()
    k = rows["_k"].to_numpy()
    weight = rows["weight"].to_numpy(dtype="float64")
    rowix = np.full(ctx["n_units"] * ctx["n_kpis"], -1, dtype="int64")
    rowix[unit.astype("int64") * ctx["n_kpis"] + k] = np.arange(len(rows))
    t = _grid(ctx["targets"], rowix, ctx["n_kpis"], year, len(rows))
    a = _grid(ctx["actuals"], rowix, ctx["n_kpis"], year, len(rows))
    rules = ctx["rules"]
    acc = rules.acc[k]
    ytd = _figures(t, a, acc, _window_starts("ytd"))
    role = rows["role"].to_numpy(dtype=object)
    out = []
    for view in ctx["views"]:
        fig = ytd if view == "ytd" else _figures(t, a, acc, _window_starts(view))
        cells = _score_months(fig, ytd, k, weight, months, rules)
        totals = _totals(cells, unit, weight, len(months))
        totals["month"] = np.repeat(np.array(months) + year * 12, len(totals["unit"]) // len(months))
        del cells["points"]
        out.append((_Block(view, year, tuple(months), unit, k, weight, role, cells), totals))
    return out


def _score_months(
    fig: tuple, ytd: tuple, k: np.ndarray, weight: np.ndarray, months: list[int], rules: scoring.Rules
) -> dict:
    """Score one view's figures month by month (small temporaries), into
    month-major flat arrays: target, actual, score, points, status."""
    n = len(k)
    size = n * len(months)
    cells = {name: np.empty(size) for name in ("target", "actual", "score", "points")}
    cells["status"] = np.empty(size, dtype="int8")
    for i, m in enumerate(months):
        part = slice(i * n, (i + 1) * n)
        ytd_score = _ytd_scores((ytd[0][:, m], ytd[1][:, m]), k, weight, rules)
        scored = _score((fig[0][:, m], fig[1][:, m]), ytd_score, k, weight, rules)
        for name, array in cells.items():
            array[part] = scored[name]
    return cells


# --------------------------------------------------------------------------- assembly

_TOTAL_COLUMNS = ["total", "weight", "scored_weight", "green", "amber", "red", "missing"]


def _totals_frame(parts: list[tuple[_Block, dict]], unit_ids: list[str]) -> pd.DataFrame:
    """The unit totals of every (year, view) part as one frame."""
    sizes = [len(t["month"]) for _, t in parts]
    month = np.concatenate([t["month"] for _, t in parts])
    first, last = int(month.min()), int(month.max())
    data: dict[str, object] = {
        "view": pd.Categorical.from_codes(
            np.repeat([VIEWS.index(b.view) for b, _ in parts], sizes).astype("int8"), categories=list(VIEWS)
        ),
        "period": pd.Categorical.from_codes(
            (month - first).astype("int16"), categories=[month_text(m) for m in range(first, last + 1)]
        ),
        "unit_id": pd.Categorical.from_codes(np.concatenate([t["unit"] for _, t in parts]), categories=unit_ids),
    }
    for name in _TOTAL_COLUMNS:
        data[name] = np.concatenate([t[name] for _, t in parts])
    totals = pd.DataFrame(data, copy=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = totals["weight"].to_numpy()
        totals["coverage"] = np.where(w > 0, totals["scored_weight"].to_numpy() / w, np.nan)
    total = totals["total"].to_numpy()
    totals["status"] = _labels(scoring.unit_status_codes(total), scoring.UNIT_STATUSES)
    totals["grade"] = _labels(scoring.grade_codes(total), scoring.GRADE_NAMES)
    return totals


def _labels(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype("int8"), categories=list(names))


def _codes(column: pd.Series, categories: list[str]) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype) and list(column.cat.categories) == categories:
        return column.cat.codes.to_numpy().astype("int32")
    return pd.Categorical(column, categories=categories).codes.astype("int32")


def _check_views(views: Iterable[str]) -> tuple[str, ...]:
    views = tuple(views)
    for view in views:
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    return views


def _parts(
    assigned: pd.DataFrame,
    rules: scoring.Rules,
    values: tuple[pd.DataFrame, pd.DataFrame],
    months: tuple[int, int],
    views: tuple[str, ...],
) -> list[tuple[_Block, dict]]:
    targets, actuals = values
    unit_ids = list(targets["unit_id"].cat.categories)
    kpi_ids = list(targets["kpi_id"].cat.categories)
    if list(actuals["unit_id"].cat.categories) != unit_ids or list(actuals["kpi_id"].cat.categories) != kpi_ids:
        raise ValueError("targets and actuals must use the same unit and KPI categories")
    codes = pd.DataFrame(
        {
            "_u": _codes(assigned["unit_id"], unit_ids),
            "_k": _codes(assigned["kpi_id"], kpi_ids),
            "year": assigned["year"].to_numpy(),
            "weight": assigned["weight"].to_numpy(),
            "role": assigned["role"].to_numpy(dtype=object),
        }
    )
    ctx = {
        "assigned": codes[(codes["_u"] >= 0) & (codes["_k"] >= 0)],
        "targets": targets,
        "actuals": actuals,
        "rules": rules,
        "n_units": len(unit_ids),
        "n_kpis": len(kpi_ids),
        "views": views,
    }
    first, last = months
    parts = []
    for year in range(first // 12, last // 12 + 1):
        in_year = [m - year * 12 for m in range(max(first, year * 12), min(last, year * 12 + 11) + 1)]
        parts += _year(ctx, year, in_year)
    return parts


def _result(parts: list[tuple[_Block, dict]], unit_ids: list[str], kpi_ids: list[str], rules: scoring.Rules) -> Rescore:
    if not parts:
        raise ValueError("nothing to rescore: no assignment in the years of the periods")
    return Rescore(
        totals=_totals_frame(parts, unit_ids),
        blocks=tuple(b for b, _ in parts),
        unit_ids=tuple(unit_ids),
        kpi_ids=tuple(kpi_ids),
        rules=rules,
    )


def rescore_frames(
    assigned: pd.DataFrame,
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    periods: tuple[str, str],
    views: Iterable[str] = ("month", "ytd"),
) -> Rescore:
    """Score every assignment for every month of ``periods`` (first, last) in
    each of ``views``.

    ``assigned``: ``unit_id, kpi_id, year, weight, role`` in the store's order
    (``Store.assignments``); ``kpis``: the KPI dictionary; ``targets`` and
    ``actuals``: ``unit_id, kpi_id`` (categoricals over the same ids),
    ``month`` (:func:`kpi_core.store.bulk.month_index`) and ``value``, from
    January of the first period's year on.
    """
    views = _check_views(views)
    unit_ids = list(targets["unit_id"].cat.categories)
    kpi_ids = list(targets["kpi_id"].cat.categories)
    rules = scoring.Rules.by_kpi(kpis, kpi_ids)
    months = (month_index(periods[0]), month_index(periods[1]))
    return _result(_parts(assigned, rules, (targets, actuals), months, views), unit_ids, kpi_ids, rules)


def rescore(store, views: Iterable[str] = ("month", "ytd"), periods: tuple[str, str] | None = None) -> Rescore:
    """Rescore the whole organisation from the store: every month from the first
    to the last one holding a target or an actual (or ``periods``).

    Reads one year of values at a time, so the peak memory holds one year's
    values plus the results."""
    views = _check_views(views)
    if periods is None:
        periods = store.value_months()
        if periods is None:
            raise ValueError("nothing to rescore: the store holds no target or actual")
    unit_ids, kpi_ids = store.id_lists()
    rules = scoring.Rules.by_kpi(store.kpis(), kpi_ids)
    assigned = store.bulk_assignments()
    first, last = month_index(periods[0]), month_index(periods[1])
    parts = []
    for year in range(first // 12, last // 12 + 1):
        months = (max(first, year * 12), min(last, year * 12 + 11))
        values = tuple(store.bulk_values(kind, f"{year:04d}-01", month_text(months[1])) for kind in VALUE_KINDS)
        parts += _parts(assigned, rules, values, months, views)
        del values
    return _result(parts, unit_ids, kpi_ids, rules)
