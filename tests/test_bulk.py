"""The full rescore (kpi_core.bulk) gives exactly what scorecard.score_units
gives, unit by unit, KPI by KPI, for every view: same floats, not close ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_core import bulk, scorecard, scoring
from kpi_core.store import Store

KPI_FIGURES = ["weight", "completion", "score", "points"]
#: score_units sums a window's months in DuckDB's row order: the last bit may differ.
SUMMED_FIGURES = ["target", "actual"]
TOTAL_FIGURES = ["total", "weight", "scored_weight", "coverage", "green", "amber", "red", "missing"]


def _same(left: pd.Series, right: pd.Series) -> pd.Series:
    """Element-wise equality where NaN equals NaN."""
    a, b = left.to_numpy(dtype="float64"), right.to_numpy(dtype="float64")
    return pd.Series((a == b) | (np.isnan(a) & np.isnan(b)), index=left.index)


def _expected(store: Store, period: str, view: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    scored = scorecard.score_units(store, None, period, view)
    return scored, scoring.unit_totals(scored)


def _got(result: bulk.Rescore, period: str, view: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = result.totals
    totals = t[(t["period"] == period) & (t["view"] == view)].drop(columns=["period", "view"])
    totals = totals.reset_index(drop=True).astype({"unit_id": str, "status": str, "grade": str})
    return result.kpi_rows(period, view), totals


def assert_equivalent(store: Store, result: bulk.Rescore, period: str, view: str) -> int:
    """Compare one period and view; returns the number of KPI rows compared."""
    want_kpis, want_totals = _expected(store, period, view)
    got_kpis, got_totals = _got(result, period, view)
    assert len(got_kpis) == len(want_kpis), (period, view)
    kpis = want_kpis.merge(got_kpis, on=["unit_id", "kpi_id"], how="outer", suffixes=("", "_bulk"), indicator=True)
    assert (kpis["_merge"] == "both").all(), kpis[kpis["_merge"] != "both"]
    for column in KPI_FIGURES:
        same = _same(kpis[column], kpis[f"{column}_bulk"])
        assert same.all(), (period, view, column, kpis.loc[~same, ["unit_id", "kpi_id", column, f"{column}_bulk"]])
    for column in SUMMED_FIGURES:
        np.testing.assert_allclose(
            kpis[f"{column}_bulk"].to_numpy(dtype="float64"),
            kpis[column].to_numpy(dtype="float64"),
            rtol=1e-13,
            atol=0,
            equal_nan=True,
        )
        if view == "month":
            assert _same(kpis[column], kpis[f"{column}_bulk"]).all(), (period, view, column)
    assert (kpis["status"] == kpis["status_bulk"]).all(), (period, view)
    # rows come out in the store's assignment order, like score_units'
    assert list(zip(want_kpis["unit_id"], want_kpis["kpi_id"], strict=True)) == list(
        zip(got_kpis["unit_id"], got_kpis["kpi_id"], strict=True)
    )
    totals = want_totals.merge(got_totals, on="unit_id", how="outer", suffixes=("", "_bulk"), indicator=True)
    assert (totals["_merge"] == "both").all(), (period, view)
    for column in TOTAL_FIGURES:
        same = _same(totals[column], totals[f"{column}_bulk"])
        assert same.all(), (period, view, column, totals.loc[~same, ["unit_id", column, f"{column}_bulk"]])
    for column in ("status", "grade"):
        assert (totals[column] == totals[f"{column}_bulk"]).all(), (period, view, column)
    return len(kpis)


@pytest.fixture(scope="module")
def demo(demo_db_template) -> Store:
    """The demo company, read-only, shared by this module's tests (they only read)."""
    store = Store(demo_db_template, read_only=True)
    yield store
    store.close()


@pytest.fixture(scope="module")
def demo_rescore(demo: Store) -> bulk.Rescore:
    return bulk.rescore(demo, views=("month", "quarter", "ytd"))


@pytest.fixture(scope="module")
def small(_small_db_template) -> Store:
    store = Store(_small_db_template, read_only=True)
    yield store
    store.close()


@pytest.fixture(scope="module")
def small_rescore(small: Store) -> bulk.Rescore:
    return bulk.rescore(small, views=("month", "quarter", "ytd"), periods=("2026-01", "2026-04"))


# The first month of the data, a year boundary (Dec -> Jan: the YTD and the
# quarter restart), a quarter's last month and the planted stories' last month.
DEMO_PERIODS = ["2024-11", "2025-12", "2026-01", "2026-06", "2026-10"]


@pytest.mark.parametrize("view", ["month", "quarter", "ytd"])
def test_demo_company_matches_score_units(demo: Store, demo_rescore: bulk.Rescore, view: str) -> None:
    compared = sum(assert_equivalent(demo, demo_rescore, period, view) for period in DEMO_PERIODS)
    assert compared > 1000


def test_demo_rescore_covers_every_month_and_view(demo_rescore: bulk.Rescore) -> None:
    periods = sorted(demo_rescore.totals["period"].astype(str).unique())
    # through December 2026: the year's targets are set, nothing is reported after October
    assert periods[0] == "2024-11" and periods[-1] == "2026-12" and len(periods) == 26
    assert set(demo_rescore.totals["view"].astype(str)) == {"month", "quarter", "ytd"}
    assert {(b.view, b.year) for b in demo_rescore.blocks} >= {("quarter", 2025), ("ytd", 2026)}


def test_demo_planted_story_totals(demo_rescore: bulk.Rescore) -> None:
    """The demo's documented totals come out of the bulk path too."""
    t = demo_rescore.totals
    month = t[t["view"] == "month"].set_index(["unit_id", "period"])["total"]
    assert month[("CS", "2026-10")] == pytest.approx(80.2, abs=0.05)
    assert month[("PROD", "2026-10")] == pytest.approx(93.3, abs=0.05)
    assert month[("MKT", "2026-10")] == pytest.approx(83.9, abs=0.05)


@pytest.mark.parametrize("view", ["month", "quarter", "ytd"])
@pytest.mark.parametrize("period", ["2026-01", "2026-02", "2026-03", "2026-04"])
def test_small_company_matches_score_units(small: Store, small_rescore: bulk.Rescore, view: str, period: str) -> None:
    assert assert_equivalent(small, small_rescore, period, view) == 10


def test_small_company_worked_example(small_rescore: bulk.Rescore) -> None:
    """README's worked example: HQ, March 2026, month view = 85 (pass, amber)."""
    t = small_rescore.totals
    hq = t[(t["view"] == "month") & (t["unit_id"] == "HQ") & (t["period"] == "2026-03")].iloc[0]
    assert hq["total"] == pytest.approx(85.0)
    assert (hq["grade"], hq["status"]) == ("pass", "amber")


def test_unknown_view_is_refused(small: Store) -> None:
    with pytest.raises(ValueError, match="unknown view"):
        bulk.rescore(small, views=("week",))


def test_unit_status_and_grade_at_their_thresholds() -> None:
    # green from 95, amber from 85; excellent from 105, good from 95, pass from 85 (equal takes the better)
    total = np.array([110.0, 105.0, 104.99, 95.0, 94.99, 85.0, 84.99, 0.0, -5.0, np.nan])
    status = bulk._labels(scoring.unit_status_codes(total), scoring.UNIT_STATUSES)
    grade = bulk._labels(scoring.grade_codes(total), scoring.GRADE_NAMES)
    assert list(status) == ["green"] * 4 + ["amber"] * 2 + ["red"] * 3 + ["no_data"]
    assert list(grade) == ["excellent"] * 2 + ["good"] * 2 + ["pass"] * 2 + ["fail"] * 3 + ["no_data"]


def test_rescore_frames_is_the_pure_core(small: Store, small_rescore: bulk.Rescore) -> None:
    """The pure entry point on frames gives what the store-reading one gives."""
    values = [small.bulk_values(kind) for kind in ("targets", "actuals")]
    result = bulk.rescore_frames(
        small.bulk_assignments(), small.kpis(), *values, ("2026-01", "2026-04"), ("month", "quarter", "ytd")
    )
    pd.testing.assert_frame_equal(result.totals, small_rescore.totals)
    pd.testing.assert_frame_equal(result.kpi_rows("2026-03", "quarter"), small_rescore.kpi_rows("2026-03", "quarter"))
