"""The method at its edges, worked by hand, through both ways the product
reaches the engine: the stored scores the pages read (``scorecard.score_units``)
and the engine run on frames in memory, as an upload preview or a rule-change
impact runs it (``engine.score_monthly``). Both are the one engine
(``kpi_core.engine`` over the rules of ``kpi_core.scoring``); these cases pin
the rules themselves, so a rule deleted or changed fails here with the
hand-worked figure beside it.

Each case is one unit with one KPI (weight 100) and a few months of 2026.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from kpi_core import engine, ingest, scorecard
from kpi_core.store import Store
from tests.conftest import TODAY

NAN = float("nan")


@dataclass(frozen=True)
class Case:
    name: str
    rule: dict
    """KPI dictionary columns beyond the defaults (higher, sum, no rule)."""
    months: tuple[tuple[str, float | None, float | None], ...]
    """(YYYY-MM, target, actual); None: not uploaded."""
    period: str
    view: str
    completion: float
    score: float
    status: str
    actual: float | None = None
    """The actual shown, when the case is about it."""


CASES = [
    # -- negative and zero targets
    Case("planned loss beaten", {}, (("2026-03", -100, -50),), "2026-03", "month", 1.5, 1.5, "green"),
    # loss of 150 against a planned 100: 2 - 150/100
    Case("planned loss missed", {}, (("2026-03", -100, -150),), "2026-03", "month", 0.5, 0.5, "red"),
    Case("zero target", {}, (("2026-03", 0, 10),), "2026-03", "month", NAN, NAN, "no_target"),
    # YTD target -100 + 150 = 50 (positive): 110 / 50 = 2.2, capped at 1.2
    Case(
        "YTD target changes sign",
        {"cap": 1.2},
        (("2026-01", -100, -50), ("2026-02", 150, 160)),
        "2026-02",
        "ytd",
        2.2,
        1.2,
        "green",
    ),
    # January alone: 2 - (-50 / -100) = 1.5, capped at 1.2
    Case("negative month capped", {"cap": 1.2}, (("2026-01", -100, -50),), "2026-01", "month", 1.5, 1.2, "green"),
    # lower is better: 2 - 44/40 = 0.9 exactly (0.8999999999999999 in binary): amber, not red
    Case(
        "lower at amber exactly", {"direction": "lower"}, (("2026-03", 40, 44),), "2026-03", "month", 0.9, 0.9, "amber"
    ),
    # -- thresholds hit exactly (green from 100%, amber from 90%, equal takes the better)
    Case("green exactly", {}, (("2026-03", 100, 100),), "2026-03", "month", 1.0, 1.0, "green"),
    Case("amber exactly", {}, (("2026-03", 100, 90),), "2026-03", "month", 0.9, 0.9, "amber"),
    Case("just below amber", {}, (("2026-03", 100, 89.99),), "2026-03", "month", 0.8999, 0.8999, "red"),
    Case(
        "own thresholds",
        {"green_at": 0.95, "amber_at": 0.8},
        (("2026-03", 100, 80),),
        "2026-03",
        "month",
        0.8,
        0.8,
        "amber",
    ),
    # -- tiers 0.9:0.7;1.0:0.9 with floor 0.6 and cap 1.2
    Case(
        "below the floor",
        {"floor": 0.6, "cap": 1.2, "tiers": "0.9:0.7;1.0:0.9"},
        (("2026-03", 100, 55),),
        "2026-03",
        "month",
        0.55,
        0.0,
        "red",
    ),
    Case(
        "at the floor",
        {"floor": 0.6, "cap": 1.2, "tiers": "0.9:0.7;1.0:0.9"},
        (("2026-03", 100, 60),),
        "2026-03",
        "month",
        0.6,
        0.7,
        "red",
    ),
    Case(
        "first tier",
        {"floor": 0.6, "cap": 1.2, "tiers": "0.9:0.7;1.0:0.9"},
        (("2026-03", 100, 95),),
        "2026-03",
        "month",
        0.95,
        0.9,
        "amber",
    ),
    Case(
        "tier edge",
        {"floor": 0.6, "cap": 1.2, "tiers": "0.9:0.7;1.0:0.9"},
        (("2026-03", 100, 90),),
        "2026-03",
        "month",
        0.9,
        0.9,
        "amber",
    ),
    Case(
        "past the tiers",
        {"floor": 0.6, "cap": 1.2, "tiers": "0.9:0.7;1.0:0.9"},
        (("2026-03", 100, 100),),
        "2026-03",
        "month",
        1.0,
        1.0,
        "green",
    ),
    Case(
        "above the cap",
        {"floor": 0.6, "cap": 1.2, "tiers": "0.9:0.7;1.0:0.9"},
        (("2026-03", 100, 130),),
        "2026-03",
        "month",
        1.3,
        1.2,
        "green",
    ),
    # -- band 90-100%, 2 points per percentage point outside (weight 100)
    Case(
        "band low edge",
        {"direction": "band", "band_low": 0.9, "band_high": 1.0, "band_penalty": 2},
        (("2026-03", 100, 90),),
        "2026-03",
        "month",
        0.9,
        1.0,
        "green",
    ),
    Case(
        "band high edge",
        {"direction": "band", "band_low": 0.9, "band_high": 1.0, "band_penalty": 2},
        (("2026-03", 100, 100),),
        "2026-03",
        "month",
        1.0,
        1.0,
        "green",
    ),
    # 1 pp over: (100 - 1 x 2) / 100
    Case(
        "just over the band",
        {"direction": "band", "band_low": 0.9, "band_high": 1.0, "band_penalty": 2},
        (("2026-03", 100, 101),),
        "2026-03",
        "month",
        1.01,
        0.98,
        "red",
    ),
    Case(
        "just under the band",
        {"direction": "band", "band_low": 0.9, "band_high": 1.0, "band_penalty": 2},
        (("2026-03", 100, 89),),
        "2026-03",
        "month",
        0.89,
        0.98,
        "red",
    ),
    # 60 pp over: 100 - 120 < 0 -> 0
    Case(
        "far over the band",
        {"direction": "band", "band_low": 0.9, "band_high": 1.0, "band_penalty": 2},
        (("2026-03", 100, 160),),
        "2026-03",
        "month",
        1.6,
        0.0,
        "red",
    ),
]

# -- blend 0.5 of an averaged KPI: target 90 every month; actuals 90, 99, 81, 72, 99 (Jan-May)
BLEND_MONTHS = tuple((f"2026-{m:02d}", 90, a) for m, a in zip(range(1, 6), (90, 99, 81, 72, 99), strict=True))
BLEND = {"accumulation": "avg", "blend": 0.5}
CASES += [
    # May 99/90 = 1.1; YTD avg 441/5 = 88.2 -> 0.98; score 0.5 x 1.1 + 0.5 x 0.98 = 1.04
    Case("blend month", BLEND, BLEND_MONTHS, "2026-05", "month", 1.1, 1.04, "green"),
    # Q2 to date: (72 + 99) / 2 = 85.5 -> 0.95; score 0.5 x 0.95 + 0.5 x 0.98 = 0.965
    Case("blend quarter", BLEND, BLEND_MONTHS, "2026-05", "quarter", 0.95, 0.965, "amber"),
    # YTD blends with itself: 0.98
    Case("blend ytd", BLEND, BLEND_MONTHS, "2026-05", "ytd", 0.98, 0.98, "amber"),
    # March: 81/90 = 0.9; YTD (90 + 99 + 81) / 3 = 90 -> 1.0; 0.5 x 0.9 + 0.5 x 1.0 = 0.95
    Case("blend month in Q1", BLEND, BLEND_MONTHS, "2026-03", "month", 0.9, 0.95, "amber"),
]

# -- a forgotten month: targets 100 each month, actuals 100, (none), 50
GAP = (("2026-01", 100, 100), ("2026-02", 100, None), ("2026-03", 100, 50))
CASES += [
    # sum over the months with both: 150 / 200 (February's target does not run ahead)
    Case("sum skips the gap", {}, GAP, "2026-03", "ytd", 0.75, 0.75, "red"),
    # average over the months with both: 75 / 100
    Case("avg skips the gap", {"accumulation": "avg"}, GAP, "2026-03", "ytd", 0.75, 0.75, "red"),
    # last: March itself
    Case("last is the month", {"accumulation": "last"}, GAP, "2026-03", "ytd", 0.5, 0.5, "red"),
    Case("the gap month", {}, GAP, "2026-02", "month", NAN, NAN, "no_data"),
    # quarter to date at February: only January is paired
    Case("quarter before the gap closes", {}, GAP, "2026-02", "quarter", 1.0, 1.0, "green"),
]

# -- actuals uploaded before any target: nothing is scored, the figures are shown
EARLY = (("2026-04", None, 120), ("2026-05", None, 130))
CASES += [
    Case("actual without target", {}, EARLY, "2026-04", "month", NAN, NAN, "no_target", actual=120),
    Case("sum without targets", {}, EARLY, "2026-05", "ytd", NAN, NAN, "no_target", actual=250),
    Case(
        "avg without targets", {"accumulation": "avg"}, EARLY, "2026-05", "quarter", NAN, NAN, "no_target", actual=125
    ),
    # a target in the window: only paired months count, and there are none
    Case(
        "target but no pair",
        {},
        (("2026-04", 100, None), ("2026-05", None, 130)),
        "2026-05",
        "quarter",
        NAN,
        NAN,
        "no_data",
    ),
]

KPI_COLUMNS = (
    "kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,floor,cap,tiers,"
    "band_low,band_high,band_penalty,green_at,amber_at,blend"
)


def _load(store: Store, kind: str, text: str) -> None:
    report = ingest.load(store, kind, text.encode(), f"{kind}.csv", today=TODAY, uploaded_by="test")
    assert report.validated.ok, [str(p) for p in report.validated.errors]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("edges") / "edges.duckdb")
    units = ["unit_id,name,name_zh,kind,parent_id", "HQ,Edge Co,边界公司,company,"]
    kpis, assignments, targets, actuals = [KPI_COLUMNS], ["unit_id,kpi_id,year,weight,role"], [], []
    for i, case in enumerate(CASES):
        unit, kpi = f"U{i:02d}", f"K{i:02d}"
        units.append(f"{unit},Case {i},案例 {i},department,HQ")
        r = {"direction": "higher", "accumulation": "sum", **case.rule}
        cells = [kpi, f"KPI {i}", f"指标 {i}", "financial", r["direction"], "pts", r["accumulation"], case.name]
        cells += [str(r.get(c, "")) for c in KPI_COLUMNS.split(",")[8:]]
        kpis.append(",".join(cells))
        assignments.append(f"{unit},{kpi},2026,100,core")
        for month, target, actual in case.months:
            if target is not None:
                targets.append(f"{unit},{kpi},{month},{target:g}")
            if actual is not None:
                actuals.append(f"{unit},{kpi},{month},{actual:g}")
    _load(store, "units", "\n".join(units) + "\n")
    _load(store, "kpis", "\n".join(kpis) + "\n")
    _load(store, "assignments", "\n".join(assignments) + "\n")
    _load(store, "targets", "unit_id,kpi_id,period,target\n" + "\n".join(targets) + "\n")
    _load(store, "actuals", "unit_id,kpi_id,period,actual\n" + "\n".join(actuals) + "\n")
    yield store
    store.close()


@pytest.fixture(scope="module")
def in_memory(store: Store) -> dict[int, engine.Scored]:
    """The engine on the facts read as frames, one year at a time."""
    monthly = store.monthly_values(None, "2025-01", "2026-12")
    assigned, kpis = store.assignments(), store.kpis()
    return {year: engine.score_monthly(assigned, kpis, monthly, year) for year in sorted(set(assigned["year"]))}


def _check(row, case: Case) -> None:
    for column, expected in (("completion", case.completion), ("score", case.score)):
        got = float(row[column])
        if math.isnan(expected):
            assert math.isnan(got), (case.name, column, got)
        else:
            assert got == pytest.approx(expected, abs=1e-9), (case.name, column)
    assert row["status"] == case.status, case.name
    if case.actual is not None:
        assert float(row["actual"]) == pytest.approx(case.actual), case.name
    expected_points = 0.0 if math.isnan(case.score) else 100 * case.score
    assert float(row["points"]) == pytest.approx(expected_points, abs=1e-7) or math.isnan(case.score)


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c.name for c in CASES])
def test_on_request(store: Store, i: int) -> None:
    case = CASES[i]
    rows = scorecard.score_units(store, [f"U{i:02d}"], case.period, case.view)
    assert len(rows) == 1
    _check(rows.iloc[0], case)


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c.name for c in CASES])
def test_in_memory(in_memory: dict[int, engine.Scored], i: int) -> None:
    case = CASES[i]
    rows, _ = engine.at(in_memory[int(case.period[:4])], case.period, case.view)
    row = rows[rows["unit_id"] == f"U{i:02d}"]
    assert len(row) == 1
    _check(row.iloc[0], case)
