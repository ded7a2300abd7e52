"""Issue 14, items 1 and 6: a kpis file may leave out every rule column, a
file missing a required column still gets all its other problems reported,
and the month view shows an uploaded actual even when the month has no target."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kpi_core import ingest, scorecard
from kpi_core.org import Org
from kpi_core.store import Store
from tests.conftest import app_factory

TODAY = date(2026, 11, 21)


@pytest.fixture
def small_db_path(_small_db_template: Path, _isolated_db: Path) -> Path:
    shutil.copyfile(_small_db_template, _isolated_db)
    return _isolated_db


def test_a_kpis_file_without_rule_columns_loads_with_no_rules(small_store: Store):
    content = (
        "kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition\n"
        "nps,Net promoter score,净推荐值,customer,higher,pts,avg,Survey NPS\n"
    ).encode()
    report = ingest.load(small_store, "kpis", content, "kpis.csv", uploaded_by="t", today=TODAY)
    assert report.validated.ok, [str(p) for p in report.validated.problems]
    row = small_store.kpi("nps")
    for column in ("floor", "cap", "tiers", "band_low", "band_high", "band_penalty", "green_at", "amber_at", "blend"):
        assert row[column] is None or pd.isna(row[column]), column


def test_a_missing_required_column_does_not_hide_the_other_problems(small_store: Store):
    content = (
        b"kpi_id,name,perspective,direction,unit,accumulation,definition\n"  # no name_zh
        b"x1,Thing,money,higher,u,sum,d\n"  # row 2: perspective 'money'
        b"x2,Other,customer,up,u,sum,d\n"  # row 3: direction 'up'
    )
    report = ingest.load(small_store, "kpis", content, "bad.csv", uploaded_by="t", today=TODAY)
    found = [(p.row, p.column, p.value) for p in report.validated.errors]
    assert found == [(1, "name_zh", ""), (2, "perspective", "money"), (3, "direction", "up")]
    assert small_store.kpi("x1") is None and small_store.kpi("x2") is None  # nothing written


def _april_revenue_without_target(store: Store) -> None:
    content = b"unit_id,kpi_id,period,actual\nHQ,rev,2026-04,120\n"
    report = ingest.load(store, "actuals", content, "april.csv", uploaded_by="t", today=TODAY)
    assert report.validated.ok
    # a target of another KPI makes April a month that can be shown
    content = b"unit_id,kpi_id,period,target\nHQ,days,2026-04,40\n"
    assert ingest.load(store, "targets", content, "t.csv", uploaded_by="t", today=TODAY).validated.ok


def test_the_month_view_shows_an_uploaded_actual_without_a_target(small_store: Store):
    _april_revenue_without_target(small_store)
    card = scorecard.build(small_store, "HQ", "2026-04", "month", Org.from_frame(small_store.units()))
    rev = card.kpis.set_index("kpi_id").loc["rev"]
    assert rev["actual"] == 120 and pd.isna(rev["target"]) and rev["status"] == "no_target"


def test_the_scorecard_page_shows_that_actual(small_db_path, monkeypatch):
    with Store(small_db_path) as store:
        _april_revenue_without_target(store)
    monkeypatch.setenv("KPI_DB_PATH", str(small_db_path))
    with app_factory() as make:
        at = make(unit="HQ", period="2026-04")
        assert not at.exception
        lines = [
            " | ".join(str(v) for v in row)
            for df in at.dataframe
            for row in df.value.itertuples(index=False)
            if any(str(v) == "Revenue" for v in row)
        ]
        assert lines and all("120.0 / – 10k CNY" in line for line in lines), lines  # actual / no target
