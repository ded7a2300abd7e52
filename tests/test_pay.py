"""Pay data and bonuses (issue 17, items 1-3): the rules worked by hand, the
pay file's validation, and who may see pay (admins only) in the CLI and the
export.

The small company (tests/conftest.py) has one person, P1 (Li Na, Sales),
whose 2026 scorecard is one KPI, ``rev`` (higher is better, summed, floor
0.6, cap 1.2, unit 10k CNY), weight 100. Its Q1 figures are added here:

    month     target  actual  completion   points (= total)
    2026-01       40      42       1.05          105
    2026-02       40      36       0.90           90
    2026-03       50      55       1.10          110
    Q1 (sum)     130     133       1.0230769     102.30769

P1 is paid 120,000 a year at 30 / 60 / 10 (seed 003): 3,000 fixed and a
6,000 bonus base a month, 18,000 a quarter.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpi_core import approvals, ingest, pay
from kpi_core.access import NotPermitted, Viewer
from kpi_core.cli import main
from kpi_core.org import Org
from kpi_core.pay import Facts, PayPeriod, parse_period, person_bonus
from kpi_core.store import Store

ADMIN = Viewer(name="hr", display="HR", role="admin")
ANALYST = Viewer(name="ana", display="Ana", role="analyst", unit_id="HQ")
PAY_HEADER = "unit_id,year,annual_total,fixed_pct,bonus_pct,longterm_pct,scheme,basis,rate,cap,floor\n"
P1_TARGET = "P1,2026,120000,30,60,10,target,total,,,\n"
P1_COMMISSION = "P1,2026,120000,30,60,10,commission,rev,0.5%,,\n"
Q1_TARGETS = "unit_id,kpi_id,period,target\nP1,rev,2026-01,40\nP1,rev,2026-02,40\n"
Q1_ACTUALS = "unit_id,kpi_id,period,actual\nP1,rev,2026-01,42\nP1,rev,2026-02,36\nP1,rev,2026-03,55\n"


# --------------------------------------------------------------------------- the rules, by hand


def row(scheme="target", basis="total", annual=120_000.0, bonus_pct=60.0, rate=None, cap=None, floor=None) -> dict:
    return {
        "unit_id": "P1",
        "year": 2026,
        "annual_total": annual,
        "fixed_pct": 100 - bonus_pct - 10,
        "bonus_pct": bonus_pct,
        "longterm_pct": 10.0,
        "scheme": scheme,
        "basis": basis,
        "rate": rate,
        "cap": cap,
        "floor": floor,
    }


MARCH = PayPeriod("2026-03", 2026, ("2026-03",))


def facts(total: float, coverage: float = 1.0, kpi: dict | None = None, months=("2026-03",)) -> Facts:
    kpi = kpi or {}
    return Facts(
        totals={m: total for m in months},
        coverage={m: coverage for m in months},
        period_total=total,
        kpi_actuals={k: {m: actual for m in months} for k, (_, actual) in kpi.items()},
        kpi_period=kpi,
    )


def test_the_seeds_pay_mix_gives_3000_fixed_and_a_6000_bonus_base():
    mix = pay.pay_mix(120_000, 30, 60, 10)
    assert (mix.monthly_fixed, mix.monthly_bonus_base, mix.annual_longterm) == (3000.0, 6000.0, 12000.0)
    assert pay.bonus_base(120_000, 60, months=3) == 18000.0


def test_target_on_the_total_is_base_times_total_over_100():
    b = person_bonus("P1", row(), MARCH, facts(103.2), {})
    # 6,000 x 1.032 = 6,192
    assert (b.base, b.achievement, b.bonus, b.reason) == (6000.0, 1.032, 6192.0, None)
    assert b.working("en") == "6,000.00 × 103.2% = 6,192.00"


def test_target_is_capped_at_150_percent_unless_the_row_says_otherwise():
    b = person_bonus("P1", row(), MARCH, facts(180.0), {})
    assert (b.achievement, b.credited, b.bonus) == (1.8, 1.5, 9000.0)  # 6,000 x 1.5
    assert b.reason_text("en") == "Achievement capped at 150%."
    assert person_bonus("P1", row(cap=1.3), MARCH, facts(180.0), {}).bonus == 7800.0  # 6,000 x 1.3


def test_a_floor_is_the_share_of_the_base_paid_at_least():
    b = person_bonus("P1", row(floor=0.5), MARCH, facts(30.0), {})
    assert (b.achievement, b.credited, b.bonus) == (0.3, 0.5, 3000.0)  # 6,000 x 0.5
    assert b.reason_text("zh") == "达成率按保底 50% 计。"
    assert person_bonus("P1", row(), MARCH, facts(-12.0), {}).bonus == 0.0  # default floor 0


def test_target_on_one_kpi_pays_on_its_credited_score():
    b = person_bonus("P1", row(basis="OTD"), MARCH, facts(101.0, kpi={"OTD": (0.95, 91.2)}), {"OTD": "%"})
    assert (b.achievement, b.bonus) == (0.95, 5700.0)  # 6,000 x 0.95


def test_commission_is_rate_times_the_actual_in_cny():
    # 0.5% of 112.84 (10k CNY) = 0.005 x 1,128,400 CNY = 5,642
    b = person_bonus(
        "P1", row("commission", "GP", rate=0.005), MARCH, facts(100.0, kpi={"GP": (1.0, 112.84)}), {"GP": "10k CNY"}
    )
    assert (b.base, b.actual, b.bonus, b.achievement) == (6000.0, 112.84, 5642.0, None)
    # a KPI counted in leads: 200 per lead x 15 = 3,000
    leads = person_bonus(
        "P1", row("commission", "LEADS", rate=200), MARCH, facts(100.0, kpi={"LEADS": (1.0, 15)}), {"LEADS": "count"}
    )
    assert leads.bonus == 3000.0


def test_a_quarter_is_three_months_of_base_on_the_quarter_view():
    q1 = parse_period("2026Q1")
    assert (q1.months, q1.end, q1.view) == (("2026-01", "2026-02", "2026-03"), "2026-03", "quarter")
    b = person_bonus("P1", row(), q1, facts(95.0, months=q1.months), {})
    assert (b.base, b.bonus) == (18000.0, 17100.0)  # 18,000 x 0.95


def test_no_data_gives_no_bonus_and_a_reason_never_a_zero():
    none = person_bonus("P1", None, MARCH, facts(100.0), {})
    assert (none.scheme, none.base, none.bonus, none.reason_text("en")) == (None, None, None, "No pay data for 2026.")
    q1 = parse_period("2026Q1")
    gap = Facts({"2026-01": 100.0, "2026-03": 98.0}, {"2026-01": 1.0, "2026-03": 1.0}, 99.0)
    held = person_bonus("P1", row(), q1, gap, {})
    assert (held.base, held.bonus) == (18000.0, None)
    assert held.reason_text("en") == "No figures for 2026-02: held until they are in."
    partial = person_bonus("P1", row(), MARCH, facts(80.0, coverage=0.75), {})
    assert (partial.bonus, partial.reason_text("en")) == (
        None,
        "Figures for 2026-03 cover only 75% of the scorecard's weight: held until complete.",
    )
    off = person_bonus("P1", row(basis="OTD"), MARCH, facts(100.0), {})
    assert (off.bonus, off.reason_text("en")) == (None, "OTD is not on this person's 2026 scorecard.")
    nothing = person_bonus("P1", row("none", None, bonus_pct=0), MARCH, facts(100.0), {})
    assert (nothing.bonus, nothing.reason) == (None, "pay.reason.no_scheme")


def test_periods_are_months_or_quarters():
    assert parse_period("2026-11").months == ("2026-11",)
    for bad in ("2026-13", "2026Q5", "26Q1", "2026/03", ""):
        with pytest.raises(ValueError):
            parse_period(bad)


# --------------------------------------------------------------------------- the pay file


@pytest.fixture
def pay_db(_small_db_template: Path, tmp_path: Path) -> Path:
    """The small company with P1's Q1 figures, P1's pay and two accounts."""
    path = tmp_path / "pay.duckdb"
    shutil.copyfile(_small_db_template, path)
    with Store(path) as store:
        for kind, text in (("targets", Q1_TARGETS), ("actuals", Q1_ACTUALS), ("pay", PAY_HEADER + P1_TARGET)):
            report = ingest.load(store, kind, text.encode(), f"{kind}.csv", uploaded_by="hr")
            assert report.validated.ok, [str(p) for p in report.validated.errors]
        store.add_user("hr", role="admin", by="test")
        store.add_user("boss", role="manager", unit_id="SALES", by="test")
    return path


def test_shares_not_adding_up_to_100_are_refused_with_the_row(small_store: Store):
    text = PAY_HEADER + P1_TARGET.replace("P1,2026", "P1,2025") + "P1,2026,120000,30,60,5,target,total,,,\n"
    found = ingest.read("pay", text.encode(), "pay.csv", small_store)
    assert [(p.row, p.value, p.reason) for p in found.errors] == [
        (3, "30 + 60 + 5", "fixed_pct, bonus_pct and longterm_pct add up to 95, not 100")
    ]
    zh = ingest.Problem("pay.csv", 3, "fixed_pct", "", found.errors[0].reason)
    assert "之和为 95,而不是 100" in pay_reason(zh)


def pay_reason(problem: ingest.Problem) -> str:
    from kpi_core.i18n import reason

    return reason(problem.reason, "zh")


def test_a_pay_file_names_each_problem_and_reads_percent_signs(small_store: Store):
    text = PAY_HEADER + (
        "SALES,2026,120000,30,60,10,target,total,,,\n"  # a department
        "P1,2026,120000,30%,60%,10%,commission,rev,,,\n"  # commission without a rate
        "P1,2025,120000,30,60,10,commission,total,0.5%,1.2,\n"  # a commission on the total, with a cap
    )
    found = ingest.read("pay", text.encode(), "pay.csv", small_store)
    assert [(p.row, p.column, p.reason) for p in found.errors] == [
        (2, "unit_id", "pay data is for persons, not departments"),
        (3, "rate", "a commission needs a rate"),
        (4, "basis", "a commission needs a KPI id as its basis (the KPI whose actual it is paid on)"),
        (4, "cap", "cap and floor apply to the target scheme only"),
    ]
    good = ingest.read("pay", (PAY_HEADER + P1_COMMISSION).encode(), "pay.csv", small_store)
    assert good.ok and good.frame.loc[0, "rate"] == 0.005  # "0.5%" is the share 0.005


def test_load_pay_from_the_command_line_refuses_a_bad_file(pay_db: Path, tmp_path: Path, capsys):
    bad = tmp_path / "pay.csv"
    bad.write_text(PAY_HEADER + "P1,2026,120000,30,60,5,target,total,,,\n", encoding="utf-8")
    assert main(["--db", str(pay_db), "--lang", "zh", "load", "pay", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "pay.csv: 第 2 行" in err and "之和为 95,而不是 100" in err


# --------------------------------------------------------------------------- bonuses from the store


def test_the_bonus_of_a_month_and_a_quarter_from_the_stored_scores(pay_db: Path, capsys):
    with Store(pay_db) as store:
        march = pay.bonuses(store, ADMIN, "2026-03", "SALES")
        quarter = pay.bonuses(store, ADMIN, "2026Q1", "SALES")
    (b,) = march.rows
    assert (b.unit_id, b.base, b.achievement, b.bonus) == ("P1", 6000.0, pytest.approx(1.10), 6600.0)
    (q,) = quarter.rows
    # 18,000 x 133 / 130 = 18,415.38; the same total as the quarter view of ``score``
    assert (q.base, q.bonus) == (18000.0, 18415.38)
    assert main(["--db", str(pay_db), "score", "--unit", "P1", "--period", "2026-03", "--view", "quarter",
                 "--format", "json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["total"] == pytest.approx(q.achievement * 100)
    assert (march.budget, march.paid, march.held) == (6000.0, 6600.0, [])


def test_a_person_without_figures_gets_no_bonus(pay_db: Path):
    with Store(pay_db) as store:
        (b,) = pay.bonuses(store, ADMIN, "2026-04", "P1").rows  # no April figures
    assert (b.base, b.bonus, b.reason_text("en")) == (6000.0, None, "No figures for 2026-04: held until they are in.")


def test_commission_from_the_store(pay_db: Path):
    with Store(pay_db) as store:
        ingest.load(store, "pay", (PAY_HEADER + P1_COMMISSION).encode(), "pay2.csv", uploaded_by="hr")
        (b,) = pay.bonuses(store, ADMIN, "2026Q1", "P1").rows
    assert (b.scheme, b.actual, b.bonus) == ("commission", 133.0, 6650.0)  # 0.005 x 133 x 10,000


# --------------------------------------------------------------------------- who sees pay


def test_the_bonus_command_gives_figures_to_admins_only(pay_db: Path, capsys):
    assert main(["--db", str(pay_db), "bonus", "--period", "2026-03", "--format", "json", "--as", "hr"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "unit_id": "P1",
            "name": "Li Na",
            "scheme": "target",
            "basis": "total",
            "base": 6000.0,
            "achievement": 1.1,
            "credited": 1.1,
            "actual": None,
            "bonus": 6600.0,
            "reason": None,
            "working": "6,000.00 × 110.0% = 6,600.00",
        }
    ]
    code = main(["--db", str(pay_db), "bonus", "--period", "2026-03", "--format", "json", "--as", "boss"])
    out, err = capsys.readouterr()
    assert code == 3 and out == "" and "6,000" not in err and "6600" not in err
    assert "administrators (HR) only" in err
    # without --as: the local operator, as every other command
    assert main(["--db", str(pay_db), "--lang", "zh", "bonus", "--period", "2026-04", "--format", "csv"]) == 0
    csv = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert csv.loc[0, "reason"] == "2026-04 没有数据:待数据齐全后再计算。" and pd.isna(csv.loc[0, "bonus"])


def test_pay_is_read_and_uploaded_by_admins_only(pay_db: Path):
    with Store(pay_db) as store:
        with pytest.raises(NotPermitted):
            pay.bonuses(store, ANALYST, "2026-03")
        with pytest.raises(NotPermitted):
            pay.pay_rows(store, ANALYST, 2026)
        file = ingest.read("pay", (PAY_HEADER + P1_TARGET).encode(), "pay.csv", store)
        org = Org.from_frame(store.units())
        assert approvals.upload_refusal(file, ANALYST, None, org).key == "approvals.may_not.see_pay"
        assert approvals.upload_refusal(file, ADMIN, None, org) is None
        batch = int(store.upload_history().query("kind == 'pay'")["batch_id"].iloc[0])
        assert approvals.rollback_refusal(store, batch, ANALYST, None).key == "approvals.may_not.see_pay"


def test_the_excel_export_writes_text_as_text(pay_db: Path):
    with Store(pay_db) as store:
        table = pay.bonuses(store, ADMIN, "2026-03", "SALES")
        units = store.units()
    units.loc[units["unit_id"] == "P1", "name"] = "=HYPERLINK(1)"
    data = pay.xlsx_bytes(table, Org.from_frame(units), "en")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]][:6] == ["Person id", "Person", "Scheme", "Basis", "Bonus base", "Achievement"]
    name, bonus = sheet["B3"], sheet["I3"]
    assert (name.value, name.data_type, name.quotePrefix) == ("=HYPERLINK(1)", "s", True)
    assert bonus.value == 6600.0
    assert [sheet.cell(r, 1).value for r in (5, 6, 7)] == [
        "Budget (sum of bases)",
        "Bonuses worked out",
        "Not worked out",
    ]
    assert [sheet.cell(r, 5).value for r in (5, 6, 7)] == [6000.0, 6600.0, 0]
