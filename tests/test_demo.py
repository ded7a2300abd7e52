"""The demo company: deterministic, in step with the committed CSVs, well
designed (tree, weights, complete targets) and telling exactly its four
planted stories. Completion and credited completion are computed here from
DOMAIN.md's formulas, independently of kpi_core.scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_core import demo
from kpi_core.model import FILE_SPECS, LOAD_ORDER, PERSPECTIVES, TASK_KINDS

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"
KEY = ["unit_id", "kpi_id", "period"]

#: (unit, KPI, period) cells the stories make unhealthy on purpose.
STORY_CELLS = set(demo.STORY_COMPLETION)
#: Every file the demo writes: a company's five, then the goal-setting tasks.
KINDS = (*LOAD_ORDER, *TASK_KINDS)
#: NPS is surveyed once a quarter: its figures exist for these months only.
SURVEY_MONTHS = ("03", "06", "09", "12")
#: Credited share of a task's weight per result (issue 14): graded and expected.
TASK_SHARE = {"excellent": 1.0, "good": 0.8, "pass": 0.6, "fail": 0.0, "met": 1.0, "partly": 0.5, "not": 0.0}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo.build_demo()


@pytest.fixture(scope="module")
def figures(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Targets with actuals, KPI rules, completion and status per month."""
    kpis = frames["kpis"]
    reported = frames["targets"][frames["targets"]["period"].isin(demo.PERIODS)]
    actuals = frames["actuals"]
    # gross margin is calculated: GP / REV x 100 of the same unit and month
    wide = actuals[actuals["kpi_id"].isin(["GP", "REV"])].pivot_table("actual", ["unit_id", "period"], "kpi_id")
    margin = (wide["GP"] / wide["REV"] * 100).dropna().rename("actual").reset_index()
    actuals = pd.concat([actuals, margin.assign(kpi_id="GROSS_MARGIN")], ignore_index=True)
    m = reported.merge(actuals, on=KEY, how="left").merge(kpis, on="kpi_id")
    ratio = m["actual"] / m["target"]
    m["completion"] = np.where(m["direction"] == "lower", 2 - ratio, ratio)
    m["year"] = m["period"].str[:4].astype(int)
    return m


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _credited(row: pd.Series) -> float:
    """Credited completion of a non-band KPI: tiers, cap, floor."""
    comp = row["completion"]
    score = comp
    tiers = sorted(tuple(map(float, part.split(":"))) for part in str(row["tiers"]).split(";") if part)
    for below, share in tiers:
        if comp < below:
            score = share
            break
    if not np.isnan(row["cap"]):
        score = min(score, row["cap"])
    if not np.isnan(row["floor"]) and comp < row["floor"]:
        score = 0.0
    return score


def _status(row: pd.Series) -> str:
    comp = round(row["completion"], 10)
    if row["direction"] == "band":
        return "green" if row["band_low"] <= comp <= row["band_high"] else "red"
    green = 1.0 if np.isnan(row["green_at"]) else row["green_at"]
    amber = 0.9 if np.isnan(row["amber_at"]) else row["amber_at"]
    return "green" if comp >= green else "amber" if comp >= amber else "red"


def _cell(figures: pd.DataFrame, unit: str, kpi: str, period: str) -> pd.Series:
    rows = figures[(figures["unit_id"] == unit) & (figures["kpi_id"] == kpi) & (figures["period"] == period)]
    assert len(rows) == 1, (unit, kpi, period)
    return rows.iloc[0]


def _task_points(frames: dict[str, pd.DataFrame], unit: str, period: str) -> float:
    """Points of the unit's tasks in a month: each task's latest assessment of
    the year up to the month; graded and expected earn a share of the weight,
    events the weight plus their points, within 0 and cap x weight."""
    tasks = frames["tasks"][(frames["tasks"]["unit_id"] == unit) & (frames["tasks"]["year"] == int(period[:4]))]
    marks = frames["task_assessments"]
    points = 0.0
    for task in tasks.itertuples():
        done = marks[(marks["task_id"] == task.task_id) & (marks["period"] <= period)].sort_values("period")
        assert len(done), f"{task.task_id} has no assessment by {period}"
        result = done["result"].iloc[-1]
        if task.mode == "events":
            cap = 1.2 if np.isnan(task.cap) else task.cap
            points += min(max(task.weight + sum(float(e) for e in result.split(";")), 0.0), cap * task.weight)
        else:
            points += task.weight * TASK_SHARE[result]
    return points


def _total(frames: dict[str, pd.DataFrame], figures: pd.DataFrame, unit: str, period: str) -> float:
    rows = figures[(figures["unit_id"] == unit) & (figures["period"] == period)]
    rows = rows.merge(frames["assignments"], on=["unit_id", "kpi_id", "year"])
    assert (rows["direction"] != "band").all()
    kpis = float(sum(r["weight"] * _credited(r) for _, r in rows.iterrows() if r["role"] != "info"))
    return kpis + _task_points(frames, unit, period)


# --------------------------------------------------------------------------- files


def test_build_is_deterministic(frames: dict[str, pd.DataFrame]) -> None:
    again = demo.build_demo()
    for kind in KINDS:
        pd.testing.assert_frame_equal(frames[kind], again[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_columns_match_the_contract(frames: dict[str, pd.DataFrame], kind: str) -> None:
    assert tuple(frames[kind].columns) == FILE_SPECS[kind].columns


@pytest.mark.parametrize("kind", KINDS)
def test_committed_csvs_equal_the_build(frames: dict[str, pd.DataFrame], kind: str) -> None:
    committed = _read(demo.DEMO_DIR / f"{kind}.csv")
    built = demo.format_for_csv(frames[kind])
    assert list(committed.columns) == list(built.columns)
    assert committed.values.tolist() == built.values.tolist()


@pytest.mark.parametrize("kind", KINDS)
def test_numbers_are_tidy(frames: dict[str, pd.DataFrame], kind: str) -> None:
    text = demo.format_for_csv(frames[kind])
    for column in FILE_SPECS[kind].numeric:
        cells = text[column][text[column] != ""]
        assert cells.str.fullmatch(r"-?\d+(\.\d{1,4})?").all(), column
        assert not cells.str.endswith(".0").any(), column


def test_writer_writes_the_seven_files(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> None:
    paths = demo.write_demo_csvs(tmp_path)
    assert sorted(paths) == sorted(KINDS)
    for kind, path in paths.items():
        assert path == tmp_path / f"{kind}.csv"
        assert _read(path).values.tolist() == demo.format_for_csv(frames[kind]).values.tolist()


@pytest.mark.parametrize("kind", LOAD_ORDER)
def test_templates_are_two_demo_rows(frames: dict[str, pd.DataFrame], kind: str) -> None:
    template = _read(TEMPLATES / f"{kind}.csv")
    assert tuple(template.columns) == FILE_SPECS[kind].columns
    assert len(template) == 2
    built = demo.format_for_csv(frames[kind]).values.tolist()
    assert all(row in built for row in template.values.tolist())


def test_demo_dir_is_the_repos_data_folder() -> None:
    assert demo.DEMO_DIR == Path(__file__).resolve().parent.parent / "data" / "demo"


def test_periods_are_the_24_fixed_months(figures: pd.DataFrame) -> None:
    assert len(demo.PERIODS) == 24
    assert (demo.PERIODS[0], demo.PERIODS[-1]) == ("2024-11", "2026-10")
    assert list(demo.PERIODS) == sorted(set(demo.PERIODS))
    assert sorted(figures["period"].unique()) == list(demo.PERIODS)


def test_the_rest_of_the_year_has_targets_and_no_actuals(frames: dict[str, pd.DataFrame]) -> None:
    # a company sets the year's targets at its start: November and December 2026 are set, not reported
    targets, actuals = frames["targets"], frames["actuals"]
    assigned_2026 = frames["assignments"].query("year == 2026")[["unit_id", "kpi_id"]]
    # 297 scored assignments and 5 gross-profit components; NPS (6 units) is due in December only
    assert len(assigned_2026) == 302
    for period, count in (("2026-11", 296), ("2026-12", 302)):
        got = targets[targets["period"] == period][["unit_id", "kpi_id"]]
        due = assigned_2026[(assigned_2026["kpi_id"] != "NPS") | (period == "2026-12")]
        assert len(got) == len(due) == count
        assert set(map(tuple, got.values)) == set(map(tuple, due.values))
    assert actuals["period"].max() == "2026-10"
    # December's company revenue target is the sum of Sales' (the tree still adds up)
    dec = targets[(targets["period"] == "2026-12") & (targets["kpi_id"] == "REV")].set_index("unit_id")["target"]
    assert dec["HQ"] == pytest.approx(dec["SALES"])
    assert dec["SALES"] == pytest.approx(dec[["SALES_E", "SALES_N", "SALES_S"]].sum())


# --------------------------------------------------------------------------- tree


def test_tree_is_a_tree(frames: dict[str, pd.DataFrame]) -> None:
    units = frames["units"].set_index("unit_id")
    assert units.index.is_unique
    companies = units.index[units["kind"] == "company"]
    assert list(companies) == ["HQ"] and units.at["HQ", "parent_id"] == ""
    for unit_id in units.index.drop("HQ"):
        seen = {unit_id}
        node = units.at[unit_id, "parent_id"]
        while node != "":
            assert node in units.index, (unit_id, node)
            assert node not in seen, f"cycle through {node}"
            seen.add(node)
            node = units.at[node, "parent_id"]
        assert "HQ" in seen


def test_persons_are_leaves_under_the_lowest_departments(frames: dict[str, pd.DataFrame]) -> None:
    units = frames["units"]
    kind = units.set_index("unit_id")["kind"]
    persons = units[units["kind"] == "person"]
    assert not units["parent_id"].isin(persons["unit_id"]).any()
    for parent in persons["parent_id"].unique():
        assert kind[parent] == "department"
        assert not ((units["parent_id"] == parent) & (units["kind"] == "department")).any()


def test_organisation_size(frames: dict[str, pd.DataFrame]) -> None:
    units = frames["units"]
    top = units[(units["parent_id"] == "HQ") & (units["kind"] == "department")]
    assert sorted(top["unit_id"]) == sorted(["SALES", "MKT", "PROD", "RD", "FIN", "HR", "CS", "SCM"])
    regions = units[units["parent_id"] == "SALES"]["unit_id"]
    assert sorted(regions) == ["SALES_E", "SALES_N", "SALES_S"]
    assert 40 <= (units["kind"] == "person").sum() <= 80
    assert units["name_zh"].str.len().gt(0).all()
    assert list(units["sort_order"]) == sorted(units["sort_order"])


# --------------------------------------------------------------------------- weights


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_weights_follow_the_design_rules(frames: dict[str, pd.DataFrame], year: int) -> None:
    kinds = frames["units"].set_index("unit_id")["kind"]
    rows = frames["assignments"][frames["assignments"]["year"] == year]
    assert set(rows["unit_id"]) == set(kinds.index)
    # components tracked with weight 0 (gross profit) are no item of the design
    info = rows[rows["role"] == "info"]
    assert set(info["kpi_id"]) == {"GP"} and (info["weight"] == 0).all()
    rows = rows[rows["role"] != "info"]
    # goal-setting tasks share the 100 and count as items (issue 14)
    tasks = frames["tasks"][frames["tasks"]["year"] == year]
    items = pd.concat([rows, tasks.assign(role="task")[["unit_id", "weight", "role"]]], ignore_index=True)
    sizes = {"company": (5, 7), "department": (5, 7), "person": (3, 5)}
    for unit_id, card in items.groupby("unit_id"):
        low, high = sizes[kinds[unit_id]]
        core = card[card["role"] == "core"]
        assert low <= len(card) <= high, unit_id
        assert card["weight"].sum() == 100, unit_id
        assert card["weight"].min() >= 5, unit_id
        assert card["weight"].nunique() > 1, unit_id
        assert 1 <= len(core) <= 3 and core["weight"].sum() >= 75, unit_id
        assert 2 <= len(card) - len(core) <= 5, unit_id
    assert sorted(tasks["unit_id"].unique()) == ([] if year < 2026 else ["CS", "HR", "RD"])


def test_company_covers_every_perspective(frames: dict[str, pd.DataFrame]) -> None:
    perspective = frames["kpis"].set_index("kpi_id")["perspective"]
    hq = frames["assignments"][frames["assignments"]["unit_id"] == "HQ"]
    for _, card in hq.groupby("year"):
        assert set(card["kpi_id"].map(perspective)) == set(PERSPECTIVES)


def test_persons_carry_their_departments_kpis(frames: dict[str, pd.DataFrame]) -> None:
    units = frames["units"].set_index("unit_id")
    rows = frames["assignments"]
    cards = rows.groupby(["unit_id", "year"])["kpi_id"].apply(set)
    for (unit_id, year), kpis in cards.items():
        if units.at[unit_id, "kind"] == "person":
            assert kpis <= cards[(units.at[unit_id, "parent_id"], year)], unit_id


# --------------------------------------------------------------------------- KPI dictionary


def test_kpi_dictionary_uses_every_option(frames: dict[str, pd.DataFrame]) -> None:
    kpis = frames["kpis"]
    assert 18 <= len(kpis) <= 25
    assert set(kpis["perspective"]) == set(PERSPECTIVES)
    assert set(kpis["direction"]) == {"higher", "lower", "band"}
    assert set(kpis["accumulation"]) == {"sum", "avg", "last"}
    for column in ("floor", "cap", "green_at", "amber_at", "blend"):
        assert kpis[column].notna().any(), column
    assert (kpis["tiers"] != "").any()
    assert set(kpis["kpi_id"]) == set(frames["assignments"]["kpi_id"])
    # one calculated KPI (gross margin, a ratio of sums) and one quarterly KPI (NPS)
    calculated = kpis[kpis["formula"] != ""]
    assert calculated[["kpi_id", "formula"]].values.tolist() == [["GROSS_MARGIN", "GP / REV * 100"]]
    assert kpis.loc[kpis["frequency"] != "month", ["kpi_id", "frequency"]].values.tolist() == [["NPS", "quarter"]]


def test_kpi_texts_are_filled(frames: dict[str, pd.DataFrame]) -> None:
    texts = ["name", "name_zh", "unit", "definition", "definition_zh", "caliber", "data_source", "owner"]
    kpis = frames["kpis"]
    assert (kpis[texts] != "").all().all()
    assert kpis["frequency"].isin(["month", "quarter", "half", "year"]).all()
    assert kpis["indicator_type"].isin(["leading", "lagging"]).all()


def test_band_columns_only_on_band_kpis(frames: dict[str, pd.DataFrame]) -> None:
    kpis = frames["kpis"]
    band = kpis["direction"] == "band"
    columns = ["band_low", "band_high", "band_penalty"]
    assert kpis.loc[band, columns].notna().all().all()
    assert kpis.loc[~band, columns].isna().all().all()


# --------------------------------------------------------------------------- figures


def test_every_assigned_month_has_one_target(frames: dict[str, pd.DataFrame]) -> None:
    expected = {
        (r.unit_id, r.kpi_id, p)
        for r in frames["assignments"].itertuples()
        for p in demo.PERIODS + demo.TARGET_ONLY_PERIODS
        if int(p[:4]) == r.year and (r.kpi_id != "NPS" or p[5:] in SURVEY_MONTHS)
    }
    targets = frames["targets"]
    assert not targets.duplicated(KEY).any()
    assert set(zip(targets["unit_id"], targets["kpi_id"], targets["period"], strict=True)) == expected
    assert (targets["target"] > 0).all()


def test_actuals_are_complete_but_for_the_missed_upload(frames: dict[str, pd.DataFrame]) -> None:
    t, a = frames["targets"], frames["actuals"]
    t = t[t["period"].isin(demo.PERIODS)]  # November and December are not due yet
    # gross margin is calculated from its components, never uploaded
    assert not a["kpi_id"].eq("GROSS_MARGIN").any()
    t = t[t["kpi_id"] != "GROSS_MARGIN"]
    missing = t.merge(a, on=KEY, how="left")
    missing = missing[missing["actual"].isna()]
    assert set(zip(missing["unit_id"], missing["period"], strict=True)) == {("P_SALES_N_03", "2026-10")}
    assert len(missing) == (t["unit_id"].eq("P_SALES_N_03") & t["period"].eq("2026-10")).sum() > 0
    assert not a.duplicated(KEY).any()
    october = a[a["period"] == "2026-10"]
    others = set(t["unit_id"]) - {"P_SALES_N_03"}
    assert set(october["unit_id"]) == others


def test_percentages_stay_possible(figures: pd.DataFrame) -> None:
    bounded = figures[figures["unit"].isin(["%", "pts"]) & (figures["kpi_id"] != "REV_GROWTH")]
    assert bounded["actual"].dropna().between(0, 100).all()
    assert (figures["actual"].dropna() > 0).all()


@pytest.mark.parametrize(
    ("parent", "children"),
    [
        ("HQ", ["SALES"]),
        ("SALES", ["SALES_E", "SALES_N", "SALES_S"]),
        ("SALES_E", [f"P_SALES_E_{n:02d}" for n in range(1, 8)]),
        ("SALES_N", [f"P_SALES_N_{n:02d}" for n in range(1, 7)]),
        ("SALES_S", [f"P_SALES_S_{n:02d}" for n in range(1, 7)]),
    ],
)
@pytest.mark.parametrize("column", ["target", "actual"])
def test_revenue_adds_up(figures: pd.DataFrame, parent: str, children: list[str], column: str) -> None:
    rev = figures[figures["kpi_id"] == "REV"].set_index(["unit_id", "period"])[column]
    for period in demo.PERIODS:
        parts = rev.reindex([(c, period) for c in children])
        if parts.isna().any():
            assert (column, period) == ("actual", "2026-10") and "P_SALES_N_03" in children
            continue
        assert rev[(parent, period)] == pytest.approx(parts.sum(), abs=0.005), period


def test_departments_counts_are_their_staffs(figures: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> None:
    units = frames["units"]
    for dept, kpi in [("MKT", "LEADS"), ("RD", "KB_CONTRIB"), ("PROD", "IMPROVEMENT_PROPOSALS")]:
        staff = units[units["parent_id"] == dept]["unit_id"]
        rows = figures[figures["kpi_id"] == kpi]
        summed = rows[rows["unit_id"].isin(staff)].groupby("period")["actual"].sum()
        own = rows[rows["unit_id"] == dept].set_index("period")["actual"]
        pd.testing.assert_series_equal(own.sort_index(), summed.sort_index(), check_names=False)


def test_revenue_grows_and_dips_at_new_year(figures: pd.DataFrame) -> None:
    rev = figures[(figures["unit_id"] == "HQ") & (figures["kpi_id"] == "REV")].set_index("period")["target"]
    assert rev["2026-03"] > rev["2025-03"] * 1.05
    assert rev["2026-02"] < rev["2026-01"] * 0.9 and rev["2025-02"] < rev["2025-03"] * 0.9


def test_all_is_well_outside_the_stories(figures: pd.DataFrame) -> None:
    rows = figures[figures["actual"].notna() & (figures["kpi_id"] != "GP")]  # gross profit is not scored
    rows = rows[[k not in STORY_CELLS for k in zip(rows["unit_id"], rows["kpi_id"], rows["period"], strict=True)]]
    status = rows.apply(_status, axis=1)
    assert not (status == "red").any()
    scored = rows[rows["direction"] != "band"]
    assert scored["completion"].between(0.97, 1.10).all()
    assert rows.loc[rows["direction"] == "band", "completion"].between(0.92, 0.99).all()
    assert 0.85 < (status == "green").mean() < 1


def test_healthy_noise_is_steady(figures: pd.DataFrame) -> None:
    rows = figures[figures["actual"].notna() & (figures["kpi_id"] != "GP")].sort_values("period")
    jumps = rows.assign(jump=rows.groupby(["unit_id", "kpi_id"])["completion"].diff().abs())
    keys = zip(jumps["unit_id"], jumps["kpi_id"], jumps["period"], strict=True)
    healthy = jumps[[k not in STORY_CELLS for k in keys]]
    assert healthy["jump"].max() < 0.10


# --------------------------------------------------------------------------- planted stories


@pytest.mark.parametrize(
    ("kpi", "period", "status"),
    [
        ("CSAT", "2026-07", "green"),
        ("CSAT", "2026-08", "amber"),
        ("CSAT", "2026-09", "amber"),
        ("CSAT", "2026-10", "red"),
        ("COMPLAINT_TIME", "2026-08", "red"),
        ("COMPLAINT_TIME", "2026-09", "red"),
        ("COMPLAINT_TIME", "2026-10", "red"),
    ],
)
def test_customer_service_slides_into_red(figures: pd.DataFrame, kpi: str, period: str, status: str) -> None:
    assert _status(_cell(figures, "CS", kpi, period)) == status


def test_complaint_time_drops_sharply_in_august(figures: pd.DataFrame) -> None:
    july = _cell(figures, "CS", "COMPLAINT_TIME", "2026-07")
    august = _cell(figures, "CS", "COMPLAINT_TIME", "2026-08")
    assert august["actual"] > july["actual"] and july["completion"] - august["completion"] > 0.15


def test_customer_service_total_falls_below_85(figures: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> None:
    totals = {p: _total(frames, figures, "CS", p) for p in demo.PERIODS}
    assert all(totals[p] >= 97 for p in demo.PERIODS if p < "2026-08")
    assert totals["2026-08"] > totals["2026-09"] > totals["2026-10"]
    assert totals["2026-10"] < 82
    # its process redesign slips with it: 5 of 5 points in July, 2.5 in September, 0 in October
    assert [_task_points(frames, "CS", p) for p in ("2026-07", "2026-09", "2026-10")] == [9.0, 7.5, 5.0]


def test_production_on_time_delivery_drops_for_one_month(figures: pd.DataFrame) -> None:
    september = _cell(figures, "PROD", "OTD", "2026-09")
    october = _cell(figures, "PROD", "OTD", "2026-10")
    assert september["actual"] > 96 and october["actual"] < 72
    assert september["completion"] - october["completion"] > 0.15
    assert _status(september) == "green" and _status(october) == "red"


def test_marketing_overspends_in_the_last_two_months(figures: pd.DataFrame) -> None:
    series = figures[(figures["unit_id"] == "MKT") & (figures["kpi_id"] == "EXPENSE_EXEC")].set_index("period")
    comp = series["completion"]
    assert comp["2026-09"] == pytest.approx(1.075, abs=0.001)
    assert comp["2026-10"] == pytest.approx(1.09, abs=0.001)
    assert comp.drop(["2026-09", "2026-10"]).between(0.9, 1.0).all()
    assert _status(series.loc["2026-06"]) == "green" and _status(series.loc["2026-10"]) == "red"
