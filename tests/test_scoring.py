"""The scoring method of DOMAIN.md, checked against worked examples by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpi_core import engine, scorecard, scoring
from kpi_core.months import window


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (95, 100, "higher", 0.95),  # DOMAIN: revenue 95 of 100 -> 95%
        (50, 40, "lower", 0.75),  # DOMAIN: collection days 50 against 40 -> 2 - 1.25
        (-50, -100, "higher", 1.50),  # DOMAIN: loss-making unit -> 150%
        (-150, -100, "higher", 0.50),  # a bigger loss than planned -> 50%
        (30, 40, "lower", 1.25),  # fewer days than target -> above 100%
        (103, 100, "band", 1.03),  # band: spend / budget
        (44, 40, "lower", 0.90),  # 2 - 1.1 is 0.8999... in binary; counted as 90%
    ],
)
def test_completion_worked_examples(actual, target, direction, expected):
    assert scoring.completion(actual, target, direction) == pytest.approx(expected)


@pytest.mark.parametrize("direction", ["higher", "lower", "band"])
def test_zero_target_is_not_scored(direction):
    assert math.isnan(scoring.completion(10, 0, direction))
    assert scoring.status_of(scoring.completion(10, 0, direction), 0, direction=direction) == "no_target"


def test_missing_actual_is_no_data_not_zero():
    assert math.isnan(scoring.completion(float("nan"), 40, "higher"))
    assert scoring.status_of(float("nan"), 40) == "no_data"


@pytest.mark.parametrize(
    ("completion", "rule", "expected"),
    [
        (1.35, {"cap": 1.2}, 1.2),  # cap: at most 120% credited
        (1.10, {"cap": 1.2}, 1.1),
        (0.59, {"floor": 0.6}, 0.0),  # floor: below 60% scores nothing
        (0.60, {"floor": 0.6}, 0.6),  # on the floor: credited as is
        (0.85, {"tiers": "0.9:0.7;1.0:0.9"}, 0.7),  # below 90% -> 70% of the points
        (0.90, {"tiers": "0.9:0.7;1.0:0.9"}, 0.9),  # 90% is not below 90%: next tier
        (0.99, {"tiers": "0.9:0.7;1.0:0.9"}, 0.9),  # below 100% -> 90%
        (1.00, {"tiers": "0.9:0.7;1.0:0.9"}, 1.0),  # from 100%: the completion itself
        (1.50, {"tiers": "0.9:0.7;1.0:0.9", "cap": 1.2}, 1.2),  # ... up to the cap
        (0.50, {"tiers": "0.9:0.7;1.0:0.9", "floor": 0.6}, 0.0),  # floor first
        (-0.2, {}, 0.0),  # never negative
    ],
)
def test_credited_rules(completion, rule, expected):
    assert scoring.credited(completion, **rule) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("completion", "expected_points"),
    [
        (1.03, 4.0),  # DOMAIN/issue: weight 10, band 0.9-1.0, penalty 2, 103% -> 10 - 3 x 2
        (0.95, 10.0),  # inside the band: full points
        (1.00, 10.0),  # on the edge: inside
        (0.90, 10.0),
        (0.88, 6.0),  # 2 pp under -> 10 - 4
        (1.08, 0.0),  # 8 pp over -> 10 - 16, never below 0
    ],
)
def test_band_penalty(completion, expected_points):
    score = scoring.credited(completion, direction="band", weight=10, band_low=0.9, band_high=1.0, band_penalty=2)
    assert score * 10 == pytest.approx(expected_points)


@pytest.mark.parametrize(
    ("completion", "expected"),
    [(1.0, "green"), (0.99999, "amber"), (0.9, "amber"), (0.89999, "red"), (1.3, "green")],
)
def test_status_thresholds_are_half_open(completion, expected):
    assert scoring.status_of(completion) == expected


def test_status_uses_the_kpi_thresholds():
    assert scoring.status_of(0.96, green_at=0.95, amber_at=0.85) == "green"
    assert scoring.status_of(0.85, green_at=0.95, amber_at=0.85) == "amber"
    assert scoring.status_of(0.84, green_at=0.95, amber_at=0.85) == "red"


def _rules(**overrides):
    base = {
        c: [np.nan] for c in ("floor", "cap", "band_low", "band_high", "band_penalty", "green_at", "amber_at", "blend")
    }
    base.update({"tiers": [""], "direction": ["higher"]})
    base.update({k: [v] for k, v in overrides.items()})
    return base


def _one_kpi_year(target: list[float], actual: list[float], **rules: object) -> engine.Scored:
    """One unit with one KPI (weight 20) over the first months of 2026."""
    months = [f"2026-{m:02d}" for m in range(1, len(target) + 1)]
    monthly = pd.DataFrame({"unit_id": "U", "kpi_id": "k", "period": months, "target": target, "actual": actual})
    kpis = pd.DataFrame([{"kpi_id": "k", "perspective": "financial", "accumulation": "sum", **_rules(**rules)}])
    kpis = kpis.map(lambda v: v[0] if isinstance(v, list) else v)
    assigned = pd.DataFrame([{"unit_id": "U", "kpi_id": "k", "year": 2026, "weight": 20.0, "role": "core"}])
    return engine.score_monthly(assigned, kpis, monthly, 2026)


def test_blend_period_and_ytd():
    # DOMAIN: points = a x period score + (1 - a) x cumulative score. February:
    # 99 against 90 is 110%; January to February 81 + 99 = 180 against 180 is 100%
    scored = _one_kpi_year([90.0, 90.0], [81.0, 99.0], blend=0.5)
    month = scored.views["month"]
    assert month.score[0, 1] == pytest.approx(0.5 * 1.1 + 0.5 * 1.0)
    assert month.points[0, 1] == pytest.approx(21.0)
    # January: the month and the year to date are the same 90%
    assert month.score[0, 0] == pytest.approx(0.9)


def test_perspective_score_is_points_over_weight():
    # issue: financial weight 40%, financial points 36 -> financial score 90
    score, share, status = engine.perspective_scores(np.array([40.0, 60.0]), np.array([36.0, 60.0]))
    assert score.tolist() == pytest.approx([90.0, 100.0])
    assert share.tolist() == pytest.approx([0.4, 0.6])
    assert [scoring.UNIT_STATUSES[c] for c in status] == ["amber", "green"]


@pytest.mark.parametrize(
    ("accumulation", "expected_target", "expected_actual"),
    [
        ("sum", 100 + 100 + 200, 95 + 110 + 150),
        ("avg", (100 + 100 + 200) / 3, (95 + 110 + 150) / 3),
        ("last", 200, 150),
    ],
)
def test_accumulate_quarter(accumulation, expected_target, expected_actual):
    rest = [np.nan] * 9  # April to December: nothing yet
    target, actual = np.array([[100.0, 100.0, 200.0, *rest]]), np.array([[95.0, 110.0, 150.0, *rest]])
    t, a = engine.accumulate(target, actual, np.array([accumulation]), "quarter")
    assert t[0, 2] == pytest.approx(expected_target)
    assert a[0, 2] == pytest.approx(expected_actual)


def test_accumulate_skips_a_forgotten_month_instead_of_counting_zero():
    rest = [np.nan] * 9
    target, actual = np.array([[100.0, 100.0, 100.0, *rest]]), np.array([[90.0, np.nan, 110.0, *rest]])
    t, a = engine.accumulate(target, actual, np.array(["sum"]), "ytd")
    assert (t[0, 2], a[0, 2]) == (200.0, 200.0)
    t, a = engine.accumulate(target, actual, np.array(["last"]), "ytd")
    assert t[0, 1] == 100.0 and math.isnan(a[0, 1])


def test_windows():
    assert window("2026-03", "quarter") == ("2026-01", "2026-03")
    assert window("2026-12", "quarter") == ("2026-10", "2026-12")
    assert window("2026-12", "ytd") == ("2026-01", "2026-12")


# ---------------------------------------------------------------- the small company, by hand


def _kpis(card):
    return card.kpis.set_index("kpi_id")


def test_small_company_month(small_store):
    card = scorecard.build(small_store, "HQ", "2026-03", "month")
    k = _kpis(card)
    # rev 150/200 = 75% (above the 60% floor): 40 x 0.75 = 30, red
    assert (k.at["rev", "completion"], k.at["rev", "points"], k.at["rev", "status"]) == (0.75, 30.0, "red")
    # days 2 - 38/40 = 105%: 20 x 1.05 = 21
    assert k.at["days", "points"] == pytest.approx(21.0)
    # spend 103% of budget, band 90-100%, 2 points per pp: 10 - 3 x 2 = 4, red
    assert (k.at["spend", "points"], k.at["spend", "status"]) == (pytest.approx(4.0), "red")
    # csat 99/90 = 110%, blended 50/50 with YTD avg 90/90 = 100%: 20 x 1.05 = 21
    assert k.at["csat", "points"] == pytest.approx(21.0)
    # staff (last) 18/20 = 90%: 9 points, amber
    assert (k.at["staff", "points"], k.at["staff", "status"]) == (pytest.approx(9.0), "amber")
    assert card.total == pytest.approx(85.0)
    assert card.grade == "pass" and card.status == "amber"
    p = card.perspectives.set_index("perspective")
    assert p.at["financial", "score"] == pytest.approx(55 / 70 * 100)
    assert p.at["customer", "score"] == pytest.approx(105.0)
    assert math.isnan(p.at["process", "score"])
    # children worst first: OPS 50 x 0.6 (80%: 10 pp under the band) + 50 = 80; SALES 57 + 30 = 87
    assert list(card.children["unit_id"]) == ["OPS", "SALES"]
    assert list(card.children["total"]) == [pytest.approx(80.0), pytest.approx(87.0)]


def test_small_company_quarter_and_ytd(small_store):
    for view in ("quarter", "ytd"):
        k = _kpis(scorecard.build(small_store, "HQ", "2026-03", view))
        assert k.at["rev", "actual"] == 355 and k.at["rev", "target"] == 400  # sum
        assert k.at["days", "actual"] == pytest.approx(44.0)  # average of 50, 44, 38
        assert k.at["days", "completion"] == pytest.approx(0.9)
        assert k.at["staff", "actual"] == 18  # last
        assert k.at["spend", "points"] == pytest.approx(10.0)  # 298/300 inside the band
    card = scorecard.build(small_store, "HQ", "2026-03", "quarter")
    assert card.total == pytest.approx(35.5 + 18 + 10 + 20 + 9)


def test_unit_without_actuals_has_no_total_not_zero(small_store):
    card = scorecard.build(small_store, "P1", "2026-03", "month")
    assert card.kpis["status"].tolist() == ["no_data"]
    assert math.isnan(card.total) and card.status == "no_data" and card.coverage == 0


def test_history_in_one_pass_equals_scoring_month_by_month(demo_store, small_store):
    for store, unit, months in (
        (demo_store, "HQ", ["2025-11", "2025-12", "2026-01", "2026-02", "2026-10"]),  # REV and GROSS_MARGIN blend
        (demo_store, "P_SALES_N_03", ["2026-09", "2026-10"]),  # the missed upload
        (small_store, "HQ", ["2026-01", "2026-02", "2026-03"]),  # csat blends with its YTD
    ):
        history = scorecard.kpi_history(store, unit, months).set_index(["period", "kpi_id"])
        for period in months:
            expected = scorecard.build(store, unit, period, "month").kpis.set_index("kpi_id")
            got = history.loc[period].loc[expected.index]
            for column in ("completion", "score", "points"):
                np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, equal_nan=True)
            assert list(got["status"]) == list(expected["status"])
