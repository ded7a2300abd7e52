"""Comparisons and outlook (issue 16, item 5) on a tiny company whose every
figure is worked by hand below.

HQ in 2025 (last year) and January to April 2026; the period is 2026-04.

    KPI    kind                       2025                         2026 Jan-Apr        targets 2026
    REV    higher, sum                Jan-Apr 100 each, May-Dec    110 120 130 140     125 every month
                                      150 each: full year 1,600
    DAYS   lower, avg                 Jan-Apr 50 50 40 40          45 44 42 41         40
    COST   lower, sum                 Jan-Jun 35 each (no more)    30 each             25 every month
    GP     higher, sum (info)         Jan-Apr 20 20 30 30          30 30 39 42         -
    GM     GP / REV x 100 (avg)       (25% YTD Apr)                30 (Apr)            25
    NPS    higher, avg, quarterly     Mar 40 Jun 42 Sep 44 Dec 46  Mar 45              40 in due months
    NEW    higher, sum                none (new this year)         10 each             10 Jan-Apr only

D1 (a department) has REV with February 2026 forgotten: Jan 100, Mar 100.
"""

from __future__ import annotations

import html
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kpi_core import ingest, outlook
from kpi_core.access import NotPermitted, Scope
from kpi_core.cli import main
from kpi_core.org import Org
from kpi_core.store import Store

TODAY = date(2027, 1, 15)
LY = [f"2025-{m:02d}" for m in range(1, 13)]
TY = [f"2026-{m:02d}" for m in range(1, 5)]

UNITS = """unit_id,name,name_zh,kind,parent_id
HQ,Acme,阿克米,company,
D1,Sales,销售部,department,HQ
"""
KPIS = """kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,frequency,formula
REV,Revenue,营业收入,financial,higher,10k CNY,sum,Invoiced revenue,month,
DAYS,Collection days,回款天数,financial,lower,days,avg,Days sales outstanding,month,
COST,Cost,成本,financial,lower,10k CNY,sum,Cost booked,month,
GP,Gross profit,毛利,financial,higher,10k CNY,sum,Revenue less cost of sales,month,
GM,Gross margin,毛利率,financial,higher,%,avg,Gross profit over revenue,month,GP / REV * 100
NPS,Net promoter score,净推荐值,customer,higher,pts,avg,Promoters less detractors,quarter,
NEW,New customers,新客户,customer,higher,count,sum,First orders,month,
"""
ASSIGNMENTS = """unit_id,kpi_id,year,weight,role
HQ,REV,2026,30,core
HQ,DAYS,2026,15,core
HQ,COST,2026,15,core
HQ,GM,2026,15,core
HQ,NPS,2026,15,aux
HQ,NEW,2026,10,aux
HQ,GP,2026,0,info
HQ,REV,2025,30,core
HQ,DAYS,2025,25,core
HQ,COST,2025,15,core
HQ,GM,2025,15,core
HQ,NPS,2025,15,aux
HQ,GP,2025,0,info
D1,REV,2026,100,core
"""
TARGETS = (
    [("HQ", "REV", p, 100) for p in LY]
    + [("HQ", "REV", f"2026-{m:02d}", 125) for m in range(1, 13)]
    + [("HQ", "DAYS", p, 40) for p in LY + TY]
    + [("HQ", "COST", f"2026-{m:02d}", 25) for m in range(1, 13)]
    + [("HQ", "GM", p, 25) for p in TY]
    + [("HQ", "NPS", p, 40) for p in ("2025-03", "2025-06", "2025-09", "2025-12", "2026-03")]
    + [("HQ", "NEW", p, 10) for p in TY]
    + [("D1", "REV", p, 100) for p in TY]
)
ACTUALS = (
    [("HQ", "REV", p, 100 if p <= "2025-04" else 150) for p in LY]
    + [("HQ", "REV", p, v) for p, v in zip(TY, (110, 120, 130, 140), strict=True)]
    + [("HQ", "DAYS", p, v) for p, v in zip(LY[:4] + TY, (50, 50, 40, 40, 45, 44, 42, 41), strict=True)]
    + [("HQ", "COST", p, 35) for p in LY[:6]]
    + [("HQ", "COST", p, 30) for p in TY]
    + [("HQ", "GP", p, v) for p, v in zip(LY[:4] + TY, (20, 20, 30, 30, 30, 30, 39, 42), strict=True)]
    + [
        ("HQ", "NPS", p, v)
        for p, v in zip(("2025-03", "2025-06", "2025-09", "2025-12", "2026-03"), (40, 42, 44, 46, 45), strict=True)
    ]
    + [("HQ", "NEW", p, 10) for p in TY]
    + [("D1", "REV", "2026-01", 100), ("D1", "REV", "2026-03", 100)]
)


def _csv(kind: str, rows: list[tuple]) -> str:
    return "\n".join([f"unit_id,kpi_id,period,{kind[:-1]}", *(",".join(map(str, r)) for r in rows)]) + "\n"


FILES = {
    "units": UNITS,
    "kpis": KPIS,
    "assignments": ASSIGNMENTS,
    "targets": _csv("targets", TARGETS),
    "actuals": _csv("actuals", ACTUALS),
}


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The engine's inputs straight from the files (no store)."""
    kpis = pd.read_csv(io.StringIO(KPIS))
    assigned = pd.read_csv(io.StringIO(ASSIGNMENTS))
    targets = pd.read_csv(io.StringIO(FILES["targets"]))
    actuals = pd.read_csv(io.StringIO(FILES["actuals"]))
    monthly = targets.merge(actuals, on=["unit_id", "kpi_id", "period"], how="outer")
    return assigned, kpis, monthly


@pytest.fixture(scope="module")
def rows() -> dict[str, outlook.Comparison]:
    assigned, kpis, monthly = _frames()
    found = outlook.comparisons(assigned[assigned["unit_id"] == "HQ"], kpis, monthly, "2026-04")
    return {c.kpi_id: c for c in found}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outlook") / "outlook.duckdb"
    with Store(path) as store:
        for kind, text in FILES.items():
            report = ingest.load(store, kind, text.encode(), f"{kind}.csv", uploaded_by="test", today=TODAY)
            assert report.validated.ok, [str(p) for p in report.validated.errors]
        store.cursor().execute("CHECKPOINT")
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "outlook.duckdb"
    shutil.copyfile(template, path)
    return path


# --------------------------------------------------------------------------- the rules, by hand


def test_revenue_yoy_ytd_and_both_forecasts(rows: dict[str, outlook.Comparison]) -> None:
    c = rows["REV"]
    assert c.value == 140
    # previous month 130: +10, +7.69%, better (higher is better)
    assert (c.previous.period, c.previous.base, c.previous.change) == ("2026-03", 130, 10)
    assert c.previous.pct == pytest.approx(10 / 130) and c.previous.better is True
    # same month last year 100: +40%
    assert (c.last_year.period, c.last_year.base, c.last_year.pct) == ("2025-04", 100, pytest.approx(0.40))
    # YTD 110 + 120 + 130 + 140 = 500 against 2025 Jan-Apr 400: +25%
    assert (c.ytd, c.ytd_months, c.ytd_last_year.base) == (500, 4, 400)
    assert c.ytd_last_year.pct == pytest.approx(0.25) and c.ytd_last_year.better is True
    # run rate 500 / 4 x 12 = 1,500 against 12 x 125 = 1,500: 100%
    assert c.annual_target == 1500
    assert c.run_rate.value == pytest.approx(1500) and c.run_rate.completion == pytest.approx(1.0)
    # seasonal 500 x 1,600 / 400 = 2,000: 133.33%
    assert c.seasonal.value == pytest.approx(2000) and c.seasonal.completion == pytest.approx(2000 / 1500)


def test_lower_is_better_changes_and_completion(rows: dict[str, outlook.Comparison]) -> None:
    days = rows["DAYS"]
    # 41 days after 42: a fall, better; after 40 a year ago: a rise, worse
    assert (days.previous.change, days.previous.better) == (-1, True)
    assert (days.last_year.change, days.last_year.better) == (1, False)
    assert days.last_year.pct == pytest.approx(0.025)
    # YTD averages: (45 + 44 + 42 + 41) / 4 = 43 against (50 + 50 + 40 + 40) / 4 = 45
    assert (days.ytd, days.ytd_last_year.base, days.ytd_last_year.better) == (43, 45, True)
    assert days.run_rate.value is None and days.run_rate.reason == outlook.NOT_SUM
    cost = rows["COST"]
    # run rate 120 / 4 x 12 = 360 against 300: lower is better, 2 - 360 / 300 = 80%
    assert cost.run_rate.value == pytest.approx(360) and cost.run_rate.completion == pytest.approx(0.8)
    # 2025 stops in June: no seasonal forecast, and not a zero
    assert cost.seasonal.value is None and cost.seasonal.reason == outlook.LAST_YEAR_INCOMPLETE
    assert (cost.ytd_last_year.base, cost.ytd_last_year.change) == (140, -20)
    assert cost.ytd_last_year.better is True


def test_no_last_year_is_none_with_a_reason(rows: dict[str, outlook.Comparison]) -> None:
    new = rows["NEW"]
    assert new.last_year.base is None and new.last_year.reason == outlook.NO_LAST_YEAR
    assert new.ytd_last_year.base is None and new.ytd_last_year.reason == outlook.NO_LAST_YEAR_YTD
    assert new.seasonal.value is None and new.seasonal.reason == outlook.LAST_YEAR_INCOMPLETE
    # run rate 40 / 4 x 12 = 120; targets only for January to April: no annual target
    assert new.run_rate.value == pytest.approx(120)
    assert new.annual_target is None and new.run_rate.reason == outlook.NO_ANNUAL_TARGET
    assert outlook.reason_text(new, new.last_year.reason, "zh") == "去年同月无数据。"


def test_ratio_kpi_divides_the_sums(rows: dict[str, outlook.Comparison]) -> None:
    gm = rows["GM"]
    assert gm.value == pytest.approx(30)  # 42 / 140
    # YTD 141 / 500 = 28.2% (the average of the monthly ratios would be 28.07%); 2025: 100 / 400 = 25%
    assert gm.ytd == pytest.approx(28.2) and gm.ytd_last_year.base == pytest.approx(25)
    assert gm.ytd_last_year.change == pytest.approx(3.2)
    # April both years 30%: no change, neither better nor worse
    assert gm.last_year.change == pytest.approx(0) and gm.last_year.better is None


def test_quarterly_kpi_compares_its_readings(rows: dict[str, outlook.Comparison]) -> None:
    nps = rows["NPS"]
    # April carries the March survey; the previous reading is last December's
    assert (nps.value, nps.as_of) == (45, "2026-03")
    assert (nps.previous.period, nps.previous.base, nps.previous.better) == ("2025-12", 46, False)
    # a year ago April carried March 2025 too: 40
    assert (nps.last_year.period, nps.last_year.base) == ("2025-03", 40)
    assert (nps.ytd, nps.ytd_last_year.base, nps.ytd_months) == (45, 40, 3)


def test_scorecard_order_and_flat_record(rows: dict[str, outlook.Comparison]) -> None:
    record = rows["REV"].record("en")
    assert record["run_rate_value"] == 1500 and record["seasonal_completion"] == pytest.approx(1.333333)
    assert record["last_year_reason"] is None


# --------------------------------------------------------------------------- through the store


def test_for_unit_scope_and_a_forgotten_month(db: Path) -> None:
    with Store(db) as store:
        org = Org.from_frame(store.units())
        with pytest.raises(NotPermitted):
            outlook.for_unit(store, org, "HQ", "2026-03", Scope(root="D1", units=frozenset({"D1"}), persons=False))
        (rev,) = outlook.for_unit(store, org, "D1", "2026-03", Scope(root="D1", units=frozenset({"D1"}), persons=False))
    # February forgotten: YTD 200 over 2 months covered, so 200 / 2 x 12 = 1,200 (not 200 / 3 x 12)
    assert (rev.ytd, rev.ytd_months) == (200, 2)
    assert rev.run_rate.value == pytest.approx(1200)
    assert (rev.previous.period, rev.previous.base, rev.previous.reason) == ("2026-02", None, outlook.NO_PREVIOUS)


def test_cli_outlook_json_and_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--db", str(db), "outlook", "--unit", "HQ", "--period", "2026-04", "--kpi", "REV", "--format", "json"])
        == 0
    )
    shape = json.loads(capsys.readouterr().out)
    (rev,) = shape["kpis"]
    assert (rev["ytd"], rev["ytd_last_year_base"], rev["run_rate_value"], rev["seasonal_value"]) == (
        500,
        400,
        1500,
        2000,
    )
    assert main(["--db", str(db), "outlook", "--unit", "HQ", "--period", "2026-04", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "1,500.00*" in out and "2,000.00*" in out and "去年同月无数据。" in out and "新客户" in out
    assert main(["--db", str(db), "outlook", "--unit", "HQ", "--period", "2026-04", "--kpi", "NOPE"]) == 2


# --------------------------------------------------------------------------- the page


def test_kpi_detail_shows_the_comparisons_panel(app) -> None:  # noqa: ANN001 - the AppTest factory
    at = app("pages/2_kpi_detail.py", unit="HQ", period="2026-10", kpi="REV")
    assert not at.exception
    shown = html.unescape(" ".join(m.value for m in at.markdown))
    # demo revenue: 22,912.60 to October against 20,440.31 a year before (+12.1%); run rate 22,912.6 / 10 x 12
    assert "Comparisons" in [h.value for h in at.subheader]
    assert "+12.1%" in shown and "20,440.31" in shown
    assert "≈ 27,495.12" in shown and "FORECAST" in shown
