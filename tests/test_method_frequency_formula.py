"""Reporting frequency, calculated KPIs and info assignments (issue 14, items
2, 3 and the matching precise readings of item 5), on a tiny company whose
every figure is worked by hand below.

The company (2026):

* HQ carries gross margin GM = GP / REV * 100 (weight 40, averaged: its
  target is the average of its months), NPS surveyed each quarter (weight
  30) and customer satisfaction CSAT (weight 30); revenue REV and gross
  profit GP are assigned as ``info`` (weight 0): tracked, shown, not scored.
* D1 carries CSAT (weight 100) and REV as info: its financial perspective
  holds only an info row.

Months of HQ (REV, GP in 10k CNY; GM = GP / REV x 100):

    month   REV   GP   GM      NPS target / actual   CSAT target / actual
    Jan     100   40   40%     -    / -              90 / 90
    Feb     200   40   20%     40   / -              90 / 90
    Mar     100   30   30%     40   / 42             90 / 90
    Apr       0    0   -       40   / -              90 / 90   (zero revenue)
    May     100   25   25%     40   / -              90 / 90
    Jun       -    -   -       40   / 38             90 / 90
    Jul-Aug   -    -   -       45   / -              90 / 90
    Sep       -    -   -       45   / 47             90 / 90
    Oct-Dec   -    -   -       45   / -              90 / 90

GM's target is 30 every month.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_core import alerts, ingest, scorecard, scores
from kpi_core.cli import main
from kpi_core.i18n import reason, t
from kpi_core.store import Store
from tests.test_stored_scores import _apply, assert_current

#: Late enough that every month of 2026 may have an actual.
TODAY = date(2027, 1, 15)

UNITS = """unit_id,name,name_zh,kind,parent_id
HQ,Acme,阿克米,company,
D1,Service,服务部,department,HQ
"""
# no rule columns: they are optional (issue 14, item 1)
KPIS = """kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,frequency,formula
REV,Revenue,营业收入,financial,higher,10k CNY,sum,Invoiced revenue,month,
GP,Gross profit,毛利,financial,higher,10k CNY,sum,Revenue less cost of sales,month,
GM,Gross margin,毛利率,financial,higher,%,avg,Gross profit over revenue,month,GP / REV * 100
NPS,Net promoter score,净推荐值,customer,higher,pts,avg,Promoters less detractors,quarter,
CSAT,Customer satisfaction,客户满意度,customer,higher,pts,avg,Survey score,,
"""
ASSIGNMENTS = """unit_id,kpi_id,year,weight,role
HQ,GM,2026,40,core
HQ,NPS,2026,30,core
HQ,CSAT,2026,30,core
HQ,REV,2026,0,info
HQ,GP,2026,0,info
D1,CSAT,2026,100,core
D1,REV,2026,0,info
"""
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
TARGETS = (
    [("HQ", "GM", p, 30) for p in MONTHS]
    + [("HQ", "NPS", p, 40 if p <= "2026-06" else 45) for p in MONTHS[1:]]  # none for January
    + [("HQ", "CSAT", p, 90) for p in MONTHS]
    + [("D1", "CSAT", "2026-03", 90)]
)
ACTUALS = (
    [("HQ", "REV", p, v) for p, v in zip(MONTHS, (100, 200, 100, 0, 100), strict=False)]
    + [("HQ", "GP", p, v) for p, v in zip(MONTHS, (40, 40, 30, 0, 25), strict=False)]
    + [("HQ", "NPS", "2026-03", 42), ("HQ", "NPS", "2026-06", 38), ("HQ", "NPS", "2026-09", 47)]
    + [("HQ", "CSAT", p, 90) for p in MONTHS]
    + [("D1", "CSAT", "2026-03", 81), ("D1", "REV", "2026-03", 50)]
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


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("method") / "method.duckdb"
    with Store(path) as store:
        for kind, text in FILES.items():
            report = ingest.load(store, kind, text.encode(), f"{kind}.csv", uploaded_by="test", today=TODAY)
            assert report.validated.ok, [str(p) for p in report.validated.errors]
        scores.ensure(store)
        store.cursor().execute("CHECKPOINT")
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "method.duckdb"
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def store(db: Path) -> Store:
    opened = Store(db)
    yield opened
    opened.close()


def cell(store: Store, unit: str, kpi: str, period: str, view: str) -> pd.Series:
    cells = scorecard.score_units(store, [unit], period, view)
    return cells.set_index("kpi_id").loc[kpi]


def figures(store: Store, unit: str, period: str, view: str) -> pd.Series:
    return scores.unit_figures(store, [unit], period, view).iloc[0]


# --------------------------------------------------------------------------- calculated KPIs


def test_a_ratio_kpi_ytd_is_the_ratio_of_the_sums_not_the_average_of_its_months(store):
    """Gross margin in January to March: 40%, 20%, 30%; the average of the
    months is 30%, but the year to date is (40 + 40 + 30) / (100 + 200 +
    100) x 100 = 110 / 400 x 100 = 27.5%. Its target (averaged, its own
    accumulation) stays 30: completion 27.5 / 30 = 0.916667, amber (from 90%),
    worth 40 x 0.916667 = 36.6667 points; March alone is 30 / 30, green."""
    ytd = cell(store, "HQ", "GM", "2026-03", "ytd")
    assert ytd["actual"] == pytest.approx(27.5)
    assert ytd["actual"] != pytest.approx(30.0)  # the average of the monthly ratios
    assert ytd["target"] == pytest.approx(30.0)
    assert ytd["completion"] == pytest.approx(0.916667, abs=1e-6)
    assert ytd["points"] == pytest.approx(36.666667, abs=1e-6)
    assert ytd["status"] == "amber"
    # the quarter is the same window in March
    assert cell(store, "HQ", "GM", "2026-03", "quarter")["actual"] == pytest.approx(27.5)
    month = cell(store, "HQ", "GM", "2026-03", "month")
    assert (month["actual"], month["completion"], month["status"]) == (pytest.approx(30.0), 1.0, "green")
    # February alone: 40 / 200 x 100 = 20%
    assert cell(store, "HQ", "GM", "2026-02", "month")["actual"] == pytest.approx(20.0)


def test_a_zero_denominator_gives_no_data_and_keeps_the_target(store):
    """April: revenue 0. The month view of gross margin has no actual
    (no_data, never an error) and keeps its target 30; so has the quarter to
    date (April alone: 0 / 0). The year to date divides the sums:
    (110 + 0) / (400 + 0) x 100 = 27.5%. In May the quarter is (0 + 25) /
    (0 + 100) x 100 = 25% and the year (110 + 25) / (400 + 100) x 100 = 27%."""
    for view in ("month", "quarter"):
        april = cell(store, "HQ", "GM", "2026-04", view)
        assert pd.isna(april["actual"]) and april["status"] == "no_data"
        assert april["target"] == pytest.approx(30.0)
        assert pd.isna(april["points"])
    assert cell(store, "HQ", "GM", "2026-04", "ytd")["actual"] == pytest.approx(27.5)
    assert cell(store, "HQ", "GM", "2026-05", "quarter")["actual"] == pytest.approx(25.0)
    assert cell(store, "HQ", "GM", "2026-05", "ytd")["actual"] == pytest.approx(27.0)


def test_info_components_are_shown_but_never_scored(store):
    """HQ in March: GM 40 x 30 / 30 = 40, NPS 30 x 42 / 40 = 31.5, CSAT 30 x
    90 / 90 = 30: total 101.5 over three KPIs; REV and GP are shown with their
    actuals (100 and 30) and no points, and count in no status. D1 in March:
    CSAT 81 / 90 = 0.9 of 100 = 90 points; its financial perspective holds
    only REV (info): it stays empty, not 0, and D1's total is 90."""
    hq = figures(store, "HQ", "2026-03", "month")
    assert hq["total"] == pytest.approx(101.5)
    assert (hq["kpi_count"], hq["missing"], hq["green"]) == (3, 0, 3)
    rev = cell(store, "HQ", "REV", "2026-03", "month")
    assert rev["actual"] == pytest.approx(100.0) and rev["role"] == "info" and rev["weight"] == 0
    assert pd.isna(rev["points"]) and pd.isna(rev["score"])
    d1 = scorecard.build(store, "D1", "2026-03", "month")
    assert d1.total == pytest.approx(90.0)
    financial = d1.perspectives.set_index("perspective").loc["financial"]
    assert pd.isna(financial["score"]) and pd.isna(financial["weight"]) and financial["status"] == "no_data"
    assert d1.perspectives.set_index("perspective").loc["customer", "score"] == pytest.approx(90.0)
    assert d1.status_counts == {"green": 0, "amber": 1, "red": 0, "no_data": 0, "no_target": 0}
    # the year to date of an info component: its own accumulation, 100 + 200 + 100
    assert cell(store, "HQ", "REV", "2026-03", "ytd")["actual"] == pytest.approx(400.0)


def test_a_component_restated_moves_its_calculated_kpi_in_the_stored_scores(store):
    """Restating February's gross profit from 40 to 60 makes February's
    margin 60 / 200 = 30% and the year to date in March (40 + 60 + 30) /
    400 = 32.5%: the stored cells of GM (not uploaded itself) follow, and
    every stored figure equals a rescore from scratch."""
    frame = pd.DataFrame([("HQ", "GP", "2026-02", 60.0)], columns=["unit_id", "kpi_id", "period", "actual"])
    store.write_batch("actuals", frame, file_name="restated.csv", sha256="x", uploaded_by="test")
    assert cell(store, "HQ", "GM", "2026-02", "month")["actual"] == pytest.approx(30.0)
    assert cell(store, "HQ", "GM", "2026-03", "ytd")["actual"] == pytest.approx(32.5)
    assert_current(store)


# --------------------------------------------------------------------------- reporting frequency


def test_a_quarterly_kpi_between_due_months_carries_september_as_of(store):
    """NPS is surveyed each quarter; September: 47 against 45 (1.044444,
    green, 30 x 1.044444 = 31.3333 points). October and November have no
    survey: their month view carries September's figures, marked as of
    2026-09. December is due: without a value it is no_data."""
    for period in ("2026-10", "2026-11"):
        carried = cell(store, "HQ", "NPS", period, "month")
        assert (carried["target"], carried["actual"]) == (45.0, 47.0)
        assert carried["completion"] == pytest.approx(1.044444, abs=1e-6)
        assert carried["points"] == pytest.approx(31.333333, abs=1e-6)
        assert (carried["status"], carried["as_of"]) == ("green", "2026-09")
    september = cell(store, "HQ", "NPS", "2026-09", "month")
    assert pd.isna(september["as_of"]) and september["points"] == pytest.approx(31.333333, abs=1e-6)
    december = cell(store, "HQ", "NPS", "2026-12", "month")
    assert december["status"] == "no_data" and pd.isna(december["actual"]) and pd.isna(december["as_of"])
    assert december["target"] == 45.0
    # a carried KPI is not missing: in October HQ misses only GM (no revenue
    # after May), and NPS (carried) and CSAT are green
    october = figures(store, "HQ", "2026-10", "month")
    assert (october["missing"], october["green"]) == (1, 2)


def test_before_the_first_due_month_a_quarterly_kpi_is_no_data_not_no_target(store):
    """January (no NPS target) and February (target 40) come before March,
    NPS's first due month: no_data either way, never no_target, and no
    points."""
    for period in ("2026-01", "2026-02"):
        for view in ("month", "quarter", "ytd"):
            early = cell(store, "HQ", "NPS", period, view)
            assert early["status"] == "no_data", (period, view)
            assert pd.isna(early["points"])


def test_quarter_and_ytd_views_use_the_due_months_only(store):
    """Quarter to date in April and May: no due month yet, no_data. June's
    quarter is June's survey: 38 / 40 = 0.95, amber. The year to date in
    October and November is that of September: actuals (42 + 38 + 47) / 3 =
    42.333333 over targets (40 + 40 + 45) / 3 = 41.666667 (the targets of
    the months between are not counted): completion 127 / 125 = 1.016, 30 x
    1.016 = 30.48 points, marked as of 2026-09."""
    for period in ("2026-04", "2026-05", "2026-10", "2026-11"):
        quarter = cell(store, "HQ", "NPS", period, "quarter")
        assert quarter["status"] == "no_data" and pd.isna(quarter["points"]), period
    june = cell(store, "HQ", "NPS", "2026-06", "quarter")
    assert (june["target"], june["actual"], june["status"]) == (40.0, 38.0, "amber")
    assert june["completion"] == pytest.approx(0.95)
    for period, as_of in (("2026-09", None), ("2026-10", "2026-09"), ("2026-11", "2026-09")):
        ytd = cell(store, "HQ", "NPS", period, "ytd")
        assert ytd["actual"] == pytest.approx(42.333333, abs=1e-6)
        assert ytd["target"] == pytest.approx(41.666667, abs=1e-6)
        assert ytd["completion"] == pytest.approx(1.016)
        assert ytd["points"] == pytest.approx(30.48)
        assert (ytd["as_of"] if isinstance(ytd["as_of"], str) else None) == as_of


def test_no_missing_alert_between_due_months_and_one_when_december_passes(store):
    """Every month is reported (CSAT has an actual each month). NPS raises no
    missing-data alert in February, October or November (not due, though
    they have targets), and one in December, its due month, without a value."""

    def nps_missing(period: str) -> bool:
        found = alerts.evaluate(store, period, today=TODAY)
        return bool(((found["kpi_id"] == "NPS") & (found["kind"] == "missing")).any())

    assert not nps_missing("2026-02")
    assert not nps_missing("2026-10")
    assert not nps_missing("2026-11")
    assert nps_missing("2026-12")


def test_score_json_marks_the_carried_kpi(db, capsys):
    """``score --format json`` for October: NPS carries ``"as_of": "2026-09"``;
    a KPI with its own figures has no such key; info components say so."""
    code = main(["--db", str(db), "score", "--unit", "HQ", "--period", "2026-10", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    kpis = {k["kpi_id"]: k for k in json.loads(out)["kpis"]}
    assert kpis["NPS"]["as_of"] == "2026-09"
    assert (kpis["NPS"]["target"], kpis["NPS"]["actual"]) == (45.0, 47.0)
    assert "as_of" not in kpis["CSAT"]
    assert kpis["REV"]["role"] == "info" and kpis["REV"]["points"] is None


def test_a_value_for_a_month_that_is_not_due_is_accepted_with_a_warning(store):
    """An NPS figure for August (not a quarter end) is accepted with one
    warning, in English and Chinese, and kept without being scored: August's
    month view still carries June (38 against 40, as of 2026-06), and
    September's year to date averages the three due months only: actuals
    (42 + 38 + 47) / 3 = 42.333 over targets (40 + 40 + 45) / 3 = 41.667."""
    text = _csv("actuals", [("HQ", "NPS", "2026-08", 44), ("HQ", "CSAT", "2026-08", 90)])
    report = ingest.load(store, "actuals", text.encode(), "late.csv", uploaded_by="test", today=TODAY)
    assert report.validated.ok
    warnings = [p for p in report.validated.warnings if "not due" in p.reason or "other months" in p.reason]
    assert len(warnings) == 1
    found = warnings[0]
    assert (found.row, found.column) == (2, "period")
    assert found.reason.startswith("NPS is reported each quarter (due in March, June, September and December)")
    assert found.reason.endswith("they are kept but not scored: the month view carries the last due month")
    assert reason(found.reason, "zh").startswith("NPS 按季度报告(3、6、9、12 月到期)")
    august = cell(store, "HQ", "NPS", "2026-08", "month")
    assert (august["target"], august["actual"], august["as_of"]) == (40.0, 38.0, "2026-06")
    ytd = cell(store, "HQ", "NPS", "2026-09", "ytd")
    assert (ytd["actual"], ytd["target"]) == (pytest.approx(42.333333), pytest.approx(41.666667))


# --------------------------------------------------------------------------- refused at load


def _kpis_file(*rows: str) -> bytes:
    header = "kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,formula"
    return "\n".join([header, *rows]).encode() + b"\n"


def test_a_cycle_and_an_unknown_id_are_refused_with_row_and_column(store):
    data = _kpis_file(
        "A,A,甲,financial,higher,%,avg,first,B + 1",
        "B,B,乙,financial,higher,%,avg,second,A * 2",
        "C,C,丙,financial,higher,%,avg,third,GP / REVENUE * 100",
        "D,D,丁,financial,higher,%,avg,fourth,GP ^ 2",
        "E,E,戊,financial,higher,%,avg,fifth,(GP - REV) / GP",
    )
    report = ingest.load(store, "kpis", data, "kpis.csv", uploaded_by="test", today=TODAY)
    assert not report.validated.ok and report.result is None  # nothing stored
    found = {(p.row, p.column, p.value): p.reason for p in report.validated.errors}
    assert found == {
        (2, "formula", "B + 1"): "the formula refers back to A (a cycle through A, B)",
        (3, "formula", "A * 2"): "the formula refers back to B (a cycle through A, B)",
        (4, "formula", "GP / REVENUE * 100"): "the formula names unknown KPIs: REVENUE",
        (5, "formula", "GP ^ 2"): (
            "the formula cannot be read: unexpected character '^'; write KPI ids, numbers, + - * / and parentheses"
        ),
    }
    assert reason(found[(4, "formula", "GP / REVENUE * 100")], "zh") == "公式引用了不存在的指标:REVENUE"
    assert reason(found[(2, "formula", "B + 1")], "zh") == "公式又引用回了 A(循环引用:A, B)"
    # a KPI reading itself is a cycle too; a formula over stored KPIs loads
    selfish = ingest.load(store, "kpis", _kpis_file("F,F,己,financial,higher,%,avg,x,F / 2"), "k.csv", today=TODAY)
    assert [p.reason for p in selfish.validated.errors] == ["the formula refers back to F (a cycle through F)"]
    fine = ingest.load(store, "kpis", _kpis_file("E,E,戊,financial,higher,%,avg,x,(GP - REV) / GP"), "k.csv")
    assert fine.validated.ok


def test_assignments_take_role_info_with_weight_0_only(store):
    data = b"unit_id,kpi_id,year,weight,role\nD1,GP,2026,0,info\nD1,GM,2026,10,info\nD1,NPS,2026,0,core\n"
    report = ingest.load(store, "assignments", data, "assignments.csv", today=TODAY)
    found = {(p.row, p.column): p.reason for p in report.validated.errors}
    assert found == {
        (3, "weight"): "an info assignment has weight 0",
        (4, "weight"): "weight is a percent above 0 and at most 100",
    }
    assert reason(found[(3, "weight")], "zh") == "仅供参考(info)的分配权重必须为 0"


def test_an_actual_of_a_calculated_kpi_is_refused(store):
    data = _csv("actuals", [("HQ", "GM", "2026-06", 31)]).encode()
    report = ingest.load(store, "actuals", data, "a.csv", today=TODAY)
    assert [(p.row, p.column, p.reason) for p in report.validated.errors] == [
        (2, "kpi_id", "GM is calculated by its formula (GP / REV * 100): upload the actuals of its components instead")
    ]


def test_the_carried_mark_reads_in_both_languages():
    assert t("carried.mark", "en", month="2026-09") == "as of 2026-09"
    assert t("carried.mark", "zh", month="2026-09") == "截至 2026-09"


# --------------------------------------------------------------------------- stored = rescored


PAIRS = [("HQ", "REV"), ("HQ", "GP"), ("HQ", "NPS"), ("HQ", "CSAT"), ("D1", "REV"), ("D1", "CSAT")]
value = st.sampled_from([0.0, 10.0, 35.0, 100.0, 250.0])
cells_ = st.lists(st.tuples(st.sampled_from(PAIRS), st.sampled_from(MONTHS[:9]), value), min_size=1, max_size=4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("upload"), st.just("actuals"), cells_),
        st.tuples(st.just("upload"), st.just("targets"), cells_),
        st.tuples(st.just("rollback"), st.integers(0, 5)),
        st.tuples(
            st.just("rule"),
            st.sampled_from(["GM", "NPS", "REV", "GP"]),
            st.sampled_from(
                [
                    {"frequency": "half"},
                    {"frequency": "month"},
                    {"accumulation": "last"},
                    {"formula": "(GP + REV) / 2"},
                    {"formula": None},
                ]
            ),
        ),
        st.tuples(st.just("role"), st.sampled_from(PAIRS), st.sampled_from(["info", "core"])),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_stored_scores_equal_a_rescore_with_formulas_and_frequencies(template, tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("example") / "method.duckdb"
    shutil.copyfile(template, path)
    with Store(path) as store:
        assert scores.ensure(store)
        for op in ops:
            _apply(store, op)
            assert_current(store)
