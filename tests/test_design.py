"""The design workbench's core: KPI edits validated and logged in one
transaction, the impact of a rule change checked by hand on the small company,
the design table's save path, the cascade check, the validity test and the
weight-method tables the pages show."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpi_core import design, scorecard
from kpi_core.i18n import TABLE, t
from kpi_core.weights import DesignWarning
from tests.test_weights import PANEL

# --------------------------------------------------------------------------- KPI validation


def _kpi(**changes):
    base = {
        "kpi_id": "x",
        "name": "X",
        "name_zh": "某",
        "perspective": "financial",
        "direction": "higher",
        "unit": "pts",
        "accumulation": "sum",
        "definition": "d",
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "columns"),
    [
        ({}, []),
        ({"direction": "band"}, ["band_high", "band_low", "band_penalty"]),
        ({"direction": "band", "band_low": 0.9, "band_high": 1.0, "band_penalty": 2}, []),
        ({"direction": "band", "band_low": 1.1, "band_high": 1.0, "band_penalty": 2}, ["band_high"]),
        ({"floor": 0.6, "cap": 0.6}, ["cap"]),
        ({"floor": 0.6, "cap": 0.61}, []),
        ({"green_at": 0.9, "amber_at": 0.95}, ["amber_at"]),
        ({"green_at": 0.95, "amber_at": 0.95}, []),
        ({"tiers": "0.9-0.7"}, ["tiers"]),
        ({"tiers": "0.9:0.7;1.0:0.9"}, []),
        ({"blend": 1.5}, ["blend"]),
        ({"blend": "abc"}, ["blend"]),
        ({"perspective": "people"}, ["perspective"]),
        ({"name": ""}, ["name"]),
    ],
)
def test_kpi_edits_are_validated_with_the_upload_rules(changes, columns):
    problems = design.validate_kpi(_kpi(**changes)).errors
    assert sorted({p.column for p in problems}) == columns


def test_a_valid_edit_is_saved_and_every_changed_field_logged(small_store):
    kpi = small_store.kpi("rev")
    edited = {**kpi, "cap": 1.5, "owner": "CFO"}
    assert design.save_kpi(small_store, edited, changed_by="wang", reason="new policy") == []
    assert small_store.kpi("rev")["cap"] == 1.5
    log = small_store.change_log(kpi_id="rev").sort_values("field")
    assert log[["entity", "entity_id", "field", "old_value", "new_value", "reason", "changed_by"]].values.tolist() == [
        ["kpi", "rev", "cap", "1.2", "1.5", "new policy", "wang"],
        ["kpi", "rev", "owner", None, "CFO", "new policy", "wang"],
    ]
    # saving the same again changes nothing and logs nothing
    assert design.save_kpi(small_store, edited, changed_by="wang", reason="again") == []
    assert len(small_store.change_log(kpi_id="rev")) == 2


def test_a_new_kpi_is_added_and_logged(small_store):
    assert design.save_kpi(small_store, _kpi(kpi_id="nps", floor=0.5), changed_by="li", reason="new KPI") == []
    assert small_store.kpi("nps")["floor"] == 0.5
    log = small_store.change_log(kpi_id="nps")
    assert set(log["field"]) >= {"kpi_id", "name", "floor"}
    assert log["old_value"].isna().all()


def test_a_failing_edit_changes_nothing(small_store):
    before = small_store.table_checksums()
    problems = design.save_kpi(small_store, {**small_store.kpi("rev"), "cap": 0.5}, changed_by="x", reason="r")
    assert [p.column for p in problems] == ["cap"]
    assert small_store.table_checksums() == before


def test_saving_requires_a_reason(small_store):
    before = small_store.table_checksums()
    with pytest.raises(ValueError, match="reason"):
        small_store.save_kpi({**small_store.kpi("rev"), "cap": 1.5}, changed_by="x", reason="  ")
    errors, written = design.save_design(
        small_store, "HQ", 2026, _table(small_store), _table(small_store), changed_by="x", reason=""
    )
    assert written == 0 and errors[0].column == "reason"
    assert small_store.table_checksums() == before


# --------------------------------------------------------------------------- impact of a rule change


def test_impact_of_lowering_the_revenue_cap_checked_by_hand(small_store):
    # cap 1.2 -> 0.7: HQ rev (weight 40) Jan 95/100 = 0.95 -> 0.7: 38 -> 28 (-10);
    # Feb 110/100 = 1.1 -> 0.7: 44 -> 28 (-16); Mar 150/200 = 0.75 -> 0.7: 30 -> 28 (-2).
    # SALES rev (weight 60) Mar 190/200 = 0.95 -> 0.7: 57 -> 42 (-15). P1 has no actual.
    impact = design.rule_change_impact(small_store, {**small_store.kpi("rev"), "cap": 0.7})
    rows = impact[["unit_id", "period", "delta"]].round(6).values.tolist()
    assert rows == [
        ["HQ", "2026-02", -16.0],
        ["SALES", "2026-03", -15.0],
        ["HQ", "2026-01", -10.0],
        ["HQ", "2026-03", -2.0],
    ]
    hq_march = impact[(impact["unit_id"] == "HQ") & (impact["period"] == "2026-03")].iloc[0]
    assert (hq_march["old_total"], hq_march["new_total"]) == pytest.approx((85.0, 83.0))  # README's worked example
    sales = impact[impact["unit_id"] == "SALES"].iloc[0]
    # SALES March: rev 57 + days (lower) 40 x (2 - 50/40) = 30 -> 87, then 72
    assert (sales["old_total"], sales["new_total"]) == pytest.approx((87.0, 72.0))
    by_unit = design.impact_by_unit(impact)
    assert by_unit[["unit_id", "months", "largest_change"]].values.tolist() == [["HQ", 3, -16.0], ["SALES", 1, -15.0]]


def test_impact_of_widening_the_expense_band(small_store):
    # band 90-100% -> 90-105%: HQ March 103% is now inside: 4 -> 10 points, 85 -> 91.
    # OPS March 80% stays 10 pp under the band (0 points); Jan 95%, Feb 100% were inside already.
    impact = design.rule_change_impact(small_store, {**small_store.kpi("spend"), "band_high": 1.05})
    assert impact[["unit_id", "period", "old_total", "new_total"]].values.tolist() == [["HQ", "2026-03", 85.0, 91.0]]


def test_impact_of_a_blend_change_uses_each_months_year_to_date(small_store):
    # csat blend 0.5 -> 1 (month score only). Tiers 0.9:0.7;1.0:0.9, weight 20, YTD by average:
    # Jan 81/90 = 0.9 -> 0.9, YTD the same: no change.
    # Feb 90/90 = 1.0; YTD 85.5/90 = 0.95 -> 0.9: 20 x 0.95 = 19 -> 20 x 1.0 = 20 (+1).
    # Mar 99/90 = 1.1; YTD 90/90 = 1.0: 20 x 1.05 = 21 -> 20 x 1.1 = 22 (+1): 85 -> 86.
    impact = design.rule_change_impact(small_store, {**small_store.kpi("csat"), "blend": 1.0})
    assert impact.sort_values("period")[["unit_id", "period", "delta"]].round(6).values.tolist() == [
        ["HQ", "2026-02", 1.0],
        ["HQ", "2026-03", 1.0],
    ]
    # the preview agrees with the scorecard after the change is saved
    design.save_kpi(small_store, {**small_store.kpi("csat"), "blend": 1.0}, changed_by="x", reason="month only")
    for row in impact.itertuples():
        assert scorecard.build(small_store, row.unit_id, row.period).total == pytest.approx(row.new_total)


def test_a_change_that_does_not_alter_past_scores_shows_no_impact(small_store):
    # floor 0.6 -> none: no revenue completion was under 60%
    assert design.rule_change_impact(small_store, {**small_store.kpi("rev"), "floor": None}).empty
    assert not design.rule_changed(design.kpi_changes(small_store.kpi("rev"), {**small_store.kpi("rev"), "owner": "x"}))
    assert design.rule_changed(design.kpi_changes(small_store.kpi("rev"), {**small_store.kpi("rev"), "cap": 1.3}))


# --------------------------------------------------------------------------- the design table


def _table(store, unit="HQ", year=2026):
    return design.design_table(store.assignments(year, [unit]), store.unit_targets([unit], year), year)


def test_design_table_holds_weights_roles_and_monthly_targets(small_store):
    table = _table(small_store).set_index("kpi_id")
    assert table.loc["rev", ["role", "weight", "2026-01", "2026-02", "2026-03"]].tolist() == [
        "core",
        40.0,
        100.0,
        100.0,
        200.0,
    ]
    assert math.isnan(table.loc["rev", "2026-04"])
    assert list(table.columns[-1:]) == ["2026-12"]


def test_editing_weights_saves_logs_and_changes_the_total(small_store):
    before = _table(small_store)
    after = before.copy()
    after.loc[after["kpi_id"] == "rev", "weight"] = 30.0
    after.loc[after["kpi_id"] == "staff", "weight"] = 20.0
    after.loc[after["kpi_id"] == "staff", "2026-04"] = 21.0
    errors, written = design.save_design(small_store, "HQ", 2026, before, after, changed_by="zhao", reason="rebalance")
    assert (errors, written) == ([], 3)
    # rev 30 x 0.75 = 22.5 (was 30); staff 20 x 0.9 = 18 (was 9): 85 - 7.5 + 9 = 86.5
    assert scorecard.build(small_store, "HQ", "2026-03").total == pytest.approx(86.5)
    log = small_store.change_log(unit_id="HQ").sort_values(["entity", "entity_id", "field"])
    assert log[["entity", "entity_id", "field", "old_value", "new_value"]].values.tolist() == [
        ["assignment", "HQ|rev|2026", "weight", "40", "30"],
        ["assignment", "HQ|staff|2026", "weight", "10", "20"],
        ["target", "HQ|staff|2026-04", "target", None, "21"],
    ]
    assert set(log["reason"]) == {"rebalance"} and set(log["changed_by"]) == {"zhao"}
    assert len(small_store.change_log(unit_id="SALES")) == 0
    assert len(small_store.change_log(kpi_id="staff")) == 2


def test_adding_and_removing_a_kpi_from_the_table(small_store):
    before = _table(small_store, "OPS")
    after = before[before["kpi_id"] != "staff"].copy()
    new = {"kpi_id": "days", "role": "aux", "weight": 50.0, **{m: float("nan") for m in design.months_of(2026)}}
    new["2026-03"] = 30.0
    after = pd.concat([after, pd.DataFrame([new])], ignore_index=True)
    errors, written = design.save_design(small_store, "OPS", 2026, before, after, changed_by="a", reason="swap")
    assert errors == []
    assigned = small_store.assignments(2026, ["OPS"]).set_index("kpi_id")
    assert assigned.loc["days", ["weight", "role"]].tolist() == [50.0, "aux"]
    assert "staff" not in assigned.index
    targets = small_store.unit_targets(["OPS"], 2026)
    assert targets[["kpi_id", "period", "target"]].values.tolist() == [
        ["days", "2026-03", 30.0],
        ["spend", "2026-03", 100.0],
    ]
    fields = small_store.change_log(unit_id="OPS")[["entity_id", "field"]].values.tolist()
    assert sorted(map(tuple, fields)) == [
        ("OPS|days|2026", "role"),
        ("OPS|days|2026", "weight"),
        ("OPS|days|2026-03", "target"),
        ("OPS|staff|2026", "assignment"),
        ("OPS|staff|2026-03", "target"),
    ]
    assert written == 5


@pytest.mark.parametrize(
    ("kpi", "column", "value", "problem_column"),
    [
        ("rev", "weight", 0.0, "weight"),
        ("rev", "weight", 120.0, "weight"),
        ("rev", "role", "main", "role"),
        ("rev", "kpi_id", "nope", "kpi_id"),
        ("rev", "kpi_id", "days", "year"),  # the same KPI twice
        ("rev", "2026-05", "lots", "2026-05"),
    ],
)
def test_a_bad_design_table_writes_nothing(small_store, kpi, column, value, problem_column):
    before = _table(small_store)
    after = before.copy().astype({"2026-05": object})
    after.loc[after["kpi_id"] == kpi, column] = value
    checksums = small_store.table_checksums()
    errors, written = design.save_design(small_store, "HQ", 2026, before, after, changed_by="x", reason="r")
    assert written == 0
    assert problem_column in {p.column for p in errors}
    assert small_store.table_checksums() == checksums


def test_a_write_failing_midway_rolls_everything_back(small_store):
    good = design.Change("assignment", "upsert", "HQ", "rev", "2026", "weight", 40.0, 35.0)
    bad = design.Change("budget", "upsert", "HQ", "rev", "2026", "weight", 40.0, 35.0)
    checksums = small_store.table_checksums()
    with pytest.raises(ValueError, match="unknown entity"):
        small_store.apply_changes([good, bad], changed_by="x", reason="r")
    assert small_store.table_checksums() == checksums


def test_an_unchanged_table_plans_nothing(small_store):
    table = _table(small_store)
    assert design.plan_changes("HQ", 2026, table, table.copy()) == []


# --------------------------------------------------------------------------- cascade


def test_cascade_of_revenue_from_hq(small_store):
    result = design.cascade(
        "rev", "HQ", ["SALES", "OPS"], "sum", small_store.assignments(2026), small_store.unit_targets(None, 2026)
    )
    assert result.children[["unit_id", "weight", "role", "year_target"]].values.tolist() == [
        ["SALES", 60.0, "core", 200.0]
    ]
    # HQ targets Jan 100, Feb 100, Mar 200; SALES only has March 200
    assert result.months[["period", "parent_target", "children_target", "gap", "adds_up"]].values.tolist() == [
        ["2026-01", 100.0, 0.0, -100.0, False],
        ["2026-02", 100.0, 0.0, -100.0, False],
        ["2026-03", 200.0, 200.0, 0.0, True],
    ]
    assert result.summable and not result.adds_up


def test_cascade_of_an_average_kpi_is_not_checked_for_sums(small_store):
    result = design.cascade(
        "days", "HQ", ["SALES", "OPS"], "avg", small_store.assignments(2026), small_store.unit_targets(None, 2026)
    )
    assert not result.summable and result.adds_up


def test_cascade_adds_up_within_rounding():
    assigned = pd.DataFrame({"unit_id": ["A", "B"], "kpi_id": "k", "weight": [50.0, 40.0], "role": "core"})
    targets = pd.DataFrame(
        {"unit_id": ["P", "A", "B"], "kpi_id": "k", "period": "2026-01", "target": [100.0, 33.3333333, 66.6666667]}
    )
    assert design.cascade("k", "P", ["A", "B"], "sum", assigned, targets).adds_up
    targets.loc[1, "target"] = 33.0
    assert not design.cascade("k", "P", ["A", "B"], "sum", assigned, targets).adds_up


# --------------------------------------------------------------------------- validity test


def test_validity_answers_flag_a_failing_kpi(small_store):
    assert design.failing_kpis(small_store) == set()
    answers = {q: (True, None) for q in design.VALIDITY_QUESTIONS}
    assert small_store.save_validity("csat", answers, answered_by="li") == 6
    assert design.failing_kpis(small_store) == set()
    answers["credible"] = (False, "survey sample too small")
    assert small_store.save_validity("csat", answers, answered_by="li") == 1
    assert design.failing_kpis(small_store) == {"csat"}
    stored = small_store.validity_answers("csat").set_index("question")
    assert stored.loc["credible", "note"] == "survey sample too small"
    log = small_store.change_log(kpi_id="csat")
    assert log.iloc[0][["entity", "field", "old_value", "new_value"]].tolist() == [
        "validity",
        "credible",
        "pass",
        "fail",
    ]


def test_design_checks_add_the_validity_warning_only_for_failing_kpis():
    card = pd.DataFrame({"kpi_id": ["a", "b", "c"], "weight": [50, 30, 20], "role": ["core", "core", "aux"]})
    assert design.design_checks(card, "person", {"zzz"}) == []
    assert design.design_checks(card, "person", {"b"}) == [DesignWarning("validity_failed", {"kpi_id": "b"})]


# --------------------------------------------------------------------------- weight-method tables


def test_ranking_table_of_the_worked_example():
    table = design.ranking_table({"B": 4, "A": 2, "C": 1})
    assert table["share"].round(3).to_dict() == {"B": 0.571, "A": 0.286, "C": 0.143}
    assert table["weight"].to_dict() == {"B": 57.1, "A": 28.6, "C": 14.3}


def test_three_dimension_table_shows_products():
    table = design.three_dimension_table({"rev": (4, 5, 5), "csat": (3, 4, 3), "train": (5, 2, 2)})
    assert table["product"].to_dict() == {"rev": 100, "csat": 36, "train": 20}
    assert table["weight"].to_dict() == {"rev": 64.1, "csat": 23.1, "train": 12.8}


def test_pairwise_table_from_half_filled_matrices():
    # each member fills the upper triangle only; the page mirrors it (4 - x)
    halves = []
    for m in PANEL:
        half = design.empty_matrix(list(m.index))
        for i in range(3):
            for j in range(i + 1, 3):
                half.iat[i, j] = m.iat[i, j]
        halves.append(design.mirrored(half))
    for half, full in zip(halves, PANEL, strict=True):
        assert half.values.tolist() == full.astype(float).values.tolist()
    table = design.pairwise_table(halves)
    assert table[["m1", "m2", "m3", "total"]].values.tolist() == [[7, 5, 8, 20], [4, 4, 3, 11], [1, 3, 1, 5]]
    # 20/36 = 55.56, 11/36 = 30.56, 5/36 = 13.89: rounded so they still add up to 100 (the
    # tie between A and B on the remainder goes to the first)
    assert table["weight"].to_dict() == {"A": 55.6, "B": 30.5, "C": 13.9}


@pytest.mark.parametrize(
    ("fractions", "expected"),
    [
        ({"a": 0.5, "b": 0.5}, {"a": 50.0, "b": 50.0}),
        ({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}, {"a": 33.4, "b": 33.3, "c": 33.3}),
        ({"a": 2 / 3, "b": 1 / 3}, {"a": 66.7, "b": 33.3}),
    ],
)
def test_percent_weights_always_add_up_to_100(fractions, expected):
    out = design.to_percent(fractions)
    assert out == expected and sum(out.values()) == pytest.approx(100.0)


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    "code",
    [
        "weights_sum",
        "weight_below_min",
        "weights_all_equal",
        "kpi_count",
        "kpi_count_over_max",
        "core_count",
        "core_share",
        "aux_share",
        "perspectives_missing",
        "validity_failed",
    ],
)
def test_every_design_warning_has_a_message(code):
    assert f"design.{code}" in TABLE


def test_warning_text_fills_params_in_both_languages():
    w = DesignWarning("perspectives_missing", {"perspectives": ["process", "learning"]})
    names = (t("perspective.process", "en"), t("perspective.learning", "en"))
    assert design.warning_text(w, "en").endswith(f"missing: {names[0]}, {names[1]}.")
    assert design.warning_text(w, "zh").endswith(f"缺少:{t('perspective.process', 'zh')}、学习与成长。")
    below = DesignWarning("weight_below_min", {"kpi_id": "rev", "weight": 4.0, "min": 5.0})
    assert (
        design.warning_text(below, "en", {"rev": "Revenue"}) == "Revenue weighs 4%: no KPI should weigh less than 5%."
    )


def test_search_finds_kpis_in_english_and_chinese(small_store):
    kpis = small_store.kpis()
    assert list(design.search_kpis(kpis, "satisf")["kpi_id"]) == ["csat"]
    assert list(design.search_kpis(kpis, "回款")["kpi_id"]) == ["days"]
    assert len(design.search_kpis(kpis, "")) == 5
