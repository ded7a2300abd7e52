"""Target suggestions (issue 17, item 4): the method worked by hand on tiny
histories, the floor and ceiling, no history, the sibling median and the
reader's scope, accepting through the audited design save (or a change
request when the year is locked), and the panel on the design page."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kpi_core import access, suggest
from kpi_core.access import Viewer
from kpi_core.months import months_of

ADMIN = Viewer(name="tester", display="Tester", role="admin")


def _year(year: int, values: list[float] | float) -> dict[str, float]:
    values = values if isinstance(values, list) else [values] * 12
    return dict(zip(months_of(year), values, strict=True))


def _month(found: suggest.Suggestion, period: str) -> dict:
    return found.months.set_index("period").loc[period].to_dict()


# ---------------------------------------------------------------- the method by hand

# 2024: 100 every month. 2025: 100 from January to June, 120 from July on.
SEASONAL = {**_year(2024, 100), **_year(2025, [100] * 6 + [120] * 6)}
# Siblings in 2025: three report 90, 100, 130 in the first half (median 100),
# two report 100 and 140 in the second (median 120).
SIBLINGS = pd.DataFrame(
    [(u, p, v) for p in months_of(2025)[:6] for u, v in (("s1", 90), ("s2", 100), ("s3", 130))]
    + [(u, p, v) for p in months_of(2025)[6:] for u, v in (("s1", 100), ("s3", 140))],
    columns=["unit_id", "period", "actual"],
)
CSAT = {"kpi_id": "csat", "direction": "higher", "accumulation": "avg"}


def test_a_hand_worked_suggestion_with_trend_seasonality_percentiles_and_siblings():
    found = suggest.compute(CSAT, 2026, SEASONAL, SIBLINGS)
    # trend: July-December 2025 (720) against July-December 2024 (600)
    assert found.trend == pytest.approx(1.2)
    assert found.seasonal
    # 2025's twelve months: six 100s and six 120s -> P25 100, P50 110, P75 120, mean 110
    jan = _month(found, "2026-01")
    # (a) 100 x 1.2 = 120; (b) P50 110 x season 100/110 = 100; (c) median of 90, 100, 130 = 100
    assert (jan["trend_estimate"], jan["history_p50"], jan["siblings_median"]) == (120, 100, 100)
    # 0.7 x 120 + 0.15 x 100 + 0.15 x 100 = 114; range 114 x 100/110 = 103.6 to 114 x 120/110 = 124.4
    assert (jan["low"], jan["point"], jan["high"]) == (103.6, 114, 124.4)
    jul = _month(found, "2026-07")
    # (a) 120 x 1.2 = 144; (b) 110 x 120/110 = 120; (c) median of 100 and 140 = 120
    # 0.7 x 144 + 0.15 x 120 + 0.15 x 120 = 136.8; range 136.8 x 100/110 = 124.4 to 136.8 x 120/110 = 149.2
    assert (jul["low"], jul["point"], jul["high"]) == (124.4, 136.8, 149.2)
    # the year of an average KPI: (6 x 114 + 6 x 136.8) / 12 = 125.4, against 110 last year: no floor needed
    assert found.year_figures["point"] == pytest.approx(125.4)
    assert found.year_figures["last_year"] == pytest.approx(110)
    assert found.floor is None
    text = found.reasoning("en")
    assert any("×1.200" in line and "720" in line and "600" in line for line in text)
    assert any("the median of 2-3 siblings" in line for line in text)
    assert len(found.reasoning("zh")) == len(text)


def test_the_growth_floor_raises_a_declining_unit_to_last_year():
    # revenue fell from 100 a month (2024) to 80 (2025): trend 480 / 600 = 0.8
    found = suggest.compute(
        {"kpi_id": "rev", "direction": "higher", "accumulation": "sum"},
        2026,
        {
            **_year(2024, 100),
            **_year(2025, 80),
        },
    )
    assert found.trend == pytest.approx(0.8)
    # before the floor: (0.7 x 64 + 0.15 x 80) / 0.85 = 66.82 a month (a sum's siblings are not blended)
    # 12 x 66.82 = 801.9 < 960, last year's total: every month is raised to 80, the range closes at it
    assert found.floor == "floor"
    assert set(found.months["point"]) == set(found.months["low"]) == set(found.months["high"]) == {80.0}
    assert found.year_figures["point"] == 960
    assert any("960" in line and "801.9" in line for line in found.reasoning("en"))


def test_lower_is_better_caps_a_worsening_unit_and_leaves_an_improving_one():
    days = {"kpi_id": "days", "direction": "lower", "accumulation": "avg"}
    worse = suggest.compute(days, 2026, {**_year(2024, 100), **_year(2025, 120)})
    # trend 1.2: (0.7 x 144 + 0.15 x 120) / 0.85 = 139.8 days, above last year's 120: capped at 120
    assert worse.floor == "ceiling"
    assert set(worse.months["point"]) == set(worse.months["high"]) == {120.0}
    better = suggest.compute(days, 2026, {**_year(2024, 100), **_year(2025, 80)})
    # trend 0.8: (0.7 x 64 + 0.15 x 80) / 0.85 = 66.82 days, below last year's 80: kept (no floor for days)
    assert better.floor is None
    assert set(better.months["point"]) == {66.82}
    assert set(better.months["low"]) == {64.0}


def test_no_history_gives_no_suggestion_and_says_why():
    found = suggest.compute(CSAT, 2026, {"2026-01": 90.0})  # only the year's own month: not history
    assert not found.ok and found.months.empty
    assert found.reasoning("en") == [
        "No suggestion: this unit has no actual of this KPI from 2023-01 to 2025-12, "
        "the history a suggestion for 2026 reads."
    ]
    assert "2026" in found.reasoning("zh")[0]
    short = suggest.compute(CSAT, 2026, {"2025-11": 90.0, "2025-12": 91.0})
    assert not short.ok and "only 2 actual(s) before 2026" in short.reasoning("en")[0]


def test_a_quarterly_kpi_gets_targets_for_its_due_months_only():
    nps = {"kpi_id": "nps", "direction": "higher", "accumulation": "avg", "frequency": "quarter"}
    readings = {"2024-12": 40.0, "2025-03": 40.0, "2025-06": 40.0, "2025-09": 44.0, "2025-12": 44.0}
    found = suggest.compute(nps, 2026, readings)
    assert found.months["period"].tolist() == ["2026-03", "2026-06", "2026-09", "2026-12"]
    # four readings are a year: seasonal; the trend compares December with December: 44 / 40 = 1.1
    assert found.seasonal and found.trend == pytest.approx(1.1)
    # 2026-03: (a) 40 x 1.1 = 44; (b) P50 of 40, 40, 44, 44 = 42, x season 40/42 = 40
    # (0.7 x 44 + 0.15 x 40) / 0.85 = 43.29 (no siblings)
    assert _month(found, "2026-03")["point"] == 43.29


# ---------------------------------------------------------------- from the store, in a scope


def test_siblings_enter_only_within_the_readers_scope(demo_store):
    org_units = demo_store.units()
    from kpi_core.org import Org

    org = Org.from_frame(org_units)
    mine = suggest.suggest(demo_store, "P_SALES_N_01", "REV", 2026, org=org)
    assert mine.months["siblings_median"].notna().all()  # the five other persons of the team
    rep = Viewer(name="sales_rep_1", display="rep", role="employee", unit_id="P_SALES_N_01")
    scope = access.Scope.of(rep, org)
    own = suggest.suggest(demo_store, "P_SALES_N_01", "REV", 2026, scope=scope, org=org)
    assert own.months["siblings_median"].isna().all()
    assert "Sibling units: not used, as they are outside what you may see." in own.reasoning("en")
    with pytest.raises(access.NotPermitted):
        suggest.suggest(demo_store, "P_SALES_N_02", "REV", 2026, scope=scope, org=org)


# ---------------------------------------------------------------- accepting

DECLINE = {**_year(2024, 100), **_year(2025, 80)}  # -> 80 every month (the floor), as worked above


def _sales_revenue() -> suggest.Suggestion:
    return suggest.compute(
        {"kpi_id": "rev", "direction": "higher", "accumulation": "sum"}, 2026, DECLINE, unit_id="SALES"
    )


def _revenue_targets(store) -> pd.Series:
    targets = store.unit_targets(["SALES"], 2026)
    return targets[targets["kpi_id"] == "rev"].set_index("period")["target"]


def test_accepting_writes_the_targets_audited_with_the_user(small_store):
    done = suggest.accept(small_store, _sales_revenue(), by="tester", reason="from history", viewer=ADMIN)
    assert done.submitted.applied
    # March already has an actual (190): its target 200 stays; the other eleven months get 80
    assert "2026-03" not in done.months and len(done.months) == 11
    targets = _revenue_targets(small_store)
    assert targets["2026-03"] == 200
    assert targets.drop("2026-03").tolist() == [80.0] * 11
    log = small_store.change_log(unit_id="SALES")
    written = log[log["entity"] == "target"]
    assert len(written) == 11
    assert set(written["changed_by"]) == {"tester"} and set(written["reason"]) == {"from history"}
    assert set(pd.to_numeric(written["new_value"])) == {80.0}


def test_accepting_in_a_locked_year_files_a_change_request(small_store):
    small_store.lock_baseline(2026, locked_by="boss")
    done = suggest.accept(small_store, _sales_revenue(), by="tester", reason="from history", viewer=ADMIN)
    assert not done.submitted.applied and done.submitted.request_id is not None
    assert _revenue_targets(small_store).tolist() == [200.0]  # nothing written
    request = small_store.change_request(done.submitted.request_id)
    assert (request["kind"], request["requested_by"], request["status"]) == ("design", "tester", "pending")
    payload = json.loads(request["payload"]) if isinstance(request["payload"], str) else request["payload"]
    assert len(payload["changes"]) == 11 and {c["new"] for c in payload["changes"]} == {80.0}


def test_accepting_needs_edit_design_on_the_unit(small_store):
    manager = Viewer(name="m", display="m", role="manager", unit_id="SALES")
    from kpi_core.org import Org

    scope = access.Scope.of(manager, Org.from_frame(small_store.units()))
    with pytest.raises(access.NotPermitted):
        suggest.accept(small_store, _sales_revenue(), by="m", reason="x", viewer=manager, scope=scope)
    assert _revenue_targets(small_store).tolist() == [200.0]


# ---------------------------------------------------------------- the design page


def test_the_design_page_shows_a_suggested_range_and_accepting_writes_it(app, demo_db):
    at = app("pages/6_scorecard_design.py", unit="SALES_E", period="2026-10", lang="zh")
    assert not at.exception
    assert "基于历史的目标建议" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "建议值" in d.value.columns)
    assert len(table) == 13 and table["月份"].tolist()[-1] == "全年"
    nov = table.set_index("月份").loc["2026-11"]
    low, point, high = (float(nov[c].replace(",", "")) for c in ("下限", "建议值", "上限"))
    assert low < point < high
    band = [
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "tonexty" in c.proto.spec and "建议区间" in c.proto.spec
    ]
    assert len(band) == 1
    at.button(key="suggest_accept").click().run()
    assert not at.exception
    assert any("已写入" in s.value and "hr_admin" in s.value.replace("\\", "") for s in at.success)
    from kpi_core.store import Store

    with Store(demo_db) as store:
        targets = store.unit_targets(["SALES_E"], 2026).query("kpi_id == 'REV'").set_index("period")["target"]
        assert targets["2026-11"] == pytest.approx(point)
        log = store.change_log(unit_id="SALES_E")
        assert {"hr_admin"} == set(log.loc[log["entity"] == "target", "changed_by"])
