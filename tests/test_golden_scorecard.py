"""The demo company's full scorecard for its latest month and year to date,
compared with reviewed files under tests/golden/.

Regenerate on purpose with ``UPDATE_GOLDEN=1 python -m pytest
tests/test_golden_scorecard.py`` and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from kpi_core import scorecard, scores

GOLDEN = Path(__file__).parent / "golden"
KPI_COLUMNS = [
    "unit_id",
    "kpi_id",
    "perspective",
    "role",
    "weight",
    "target",
    "actual",
    "completion",
    "score",
    "points",
    "status",
]


def _card(store, view: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    scored = scorecard.score_units(store, None, "2026-10", view)
    kpis = scored[KPI_COLUMNS].sort_values(["unit_id", "kpi_id"]).reset_index(drop=True)
    totals = scores.unit_figures(store, store.units()["unit_id"].tolist(), "2026-10", view)[
        ["unit_id", "total", "coverage", "grade", "status", "green", "amber", "red", "missing"]
    ]
    return kpis.round(6), totals.sort_values("unit_id").reset_index(drop=True).round(6)


@pytest.mark.parametrize("view", ["month", "ytd"])
def test_demo_scorecard_equals_the_reviewed_golden_file(demo_store, view):
    kpis, totals = _card(demo_store, view)
    files = {
        "kpis": GOLDEN / f"scorecard_2026-10_{view}_kpis.csv",
        "totals": GOLDEN / f"scorecard_2026-10_{view}_totals.csv",
    }
    if os.environ.get("UPDATE_GOLDEN"):
        kpis.to_csv(files["kpis"], index=False)
        totals.to_csv(files["totals"], index=False)
    pd.testing.assert_frame_equal(kpis, pd.read_csv(files["kpis"]), check_dtype=False, atol=1e-6)
    pd.testing.assert_frame_equal(
        totals, pd.read_csv(files["totals"], keep_default_na=False, na_values=[""]), check_dtype=False, atol=1e-6
    )


def test_the_golden_month_tells_the_planted_stories():
    totals = pd.read_csv(GOLDEN / "scorecard_2026-10_month_totals.csv").set_index("unit_id")
    kpis = pd.read_csv(GOLDEN / "scorecard_2026-10_month_kpis.csv").set_index(["unit_id", "kpi_id"])
    # Customer Service slid into red; Production's on-time delivery dropped; Marketing is over budget
    assert totals.at["CS", "status"] == "red" and kpis.at[("CS", "CSAT"), "status"] == "red"
    assert kpis.at[("PROD", "OTD"), "status"] == "red"
    assert kpis.at[("MKT", "EXPENSE_EXEC"), "status"] == "red" and kpis.at[("MKT", "EXPENSE_EXEC"), "completion"] > 1.0
    # the person who missed the upload has no total (not zero) and no data on every KPI
    assert pd.isna(totals.at["P_SALES_N_03", "total"]) and totals.at["P_SALES_N_03", "missing"] == 4
    # Customer Service's six people slid with their department: each is red on the same two KPIs
    people = [f"P_CS_0{i}" for i in range(1, 7)]
    assert (totals.loc[people, "status"] == "red").all()
    # elsewhere nothing is red
    red = set(kpis[kpis["status"] == "red"].index)
    cs_people = {(p, k) for p in people for k in ("CSAT", "COMPLAINT_TIME")}
    # ... but Customer Service's complaint-process redesign, a goal-setting task missed in October
    assert kpis.at[("CS", "CS_T1"), "role"] == "task" and kpis.at[("CS", "CS_T1"), "points"] == 0
    stories = {("CS", "CSAT"), ("CS", "COMPLAINT_TIME"), ("CS", "CS_T1"), ("PROD", "OTD"), ("MKT", "EXPENSE_EXEC")}
    assert red == stories | cs_people
    # gross margin is total gross profit over total revenue: the company's October, 720.92 / 2274.18 x 100
    assert kpis.at[("HQ", "GROSS_MARGIN"), "actual"] == pytest.approx(31.700217, abs=1e-6)
    ytd = pd.read_csv(GOLDEN / "scorecard_2026-10_ytd_kpis.csv").set_index(["unit_id", "kpi_id"])
    # ... and its year to date 7522.55 / 22912.60 x 100, not the average of the monthly margins (32.81)
    assert ytd.at[("HQ", "GROSS_MARGIN"), "actual"] == pytest.approx(32.831499, abs=1e-6)
    # the README's worked example: CS in October, 33.22 + 21.76 + 5.13 + 5 + 4.97 + 0 (CS_T1) + 5 (CS_T2)
    assert totals.at["CS", "total"] == pytest.approx(
        40 * 76.4 / 92 + 35 * (2 - 30.6 / 22.2) + 5 * 35.9 / 35 + 5 + 5 * 91.4 / 92 + 5
    )
