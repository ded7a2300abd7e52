"""Alert rules on hand-made series (each fires exactly when it should, not on
the boundary, not for units without the KPI), settings, messages, summaries,
the store's acknowledgements, the demo's golden list and the CLI."""

from __future__ import annotations

import json
import math
import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_core import alerts, cli, engine, scorecard, scores
from kpi_core.alerts import AlertSettings, alerts_from_frames, shift_month
from kpi_core.org import Org

PERIOD = "2026-10"
GOLDEN = Path(__file__).parent / "golden" / f"alerts_{PERIOD}.csv"

# ------------------------------------------------------------------ hand-made frames

RULE_COLUMNS = {
    "name": None,
    "name_zh": None,
    "perspective": "financial",
    "direction": "higher",
    "unit": "",
    "accumulation": "avg",
    "floor": np.nan,
    "cap": np.nan,
    "tiers": None,
    "band_low": np.nan,
    "band_high": np.nan,
    "band_penalty": np.nan,
    "green_at": np.nan,
    "amber_at": np.nan,
    "blend": np.nan,
    "frequency": "month",
}


def kpi(kpi_id: str, **rules: object) -> dict:
    return {"kpi_id": kpi_id, **RULE_COLUMNS, "name": kpi_id, "name_zh": kpi_id, **rules}


def run_rules(
    series: dict[tuple[str, str], list[float | None]],
    kpis: list[dict] | None = None,
    *,
    assigned: list[tuple[str, str]] | None = None,
    reported: bool = True,
    settings: AlertSettings | None = None,
    targets: dict[tuple[str, str], list[float | None]] | None = None,
) -> pd.DataFrame:
    """Alerts for PERIOD from completion series (oldest first, the last one is
    PERIOD) with target 100, so actual = completion x 100 for a higher-is-better KPI.
    None = no actual that month."""
    kpis = kpis or [kpi("K")]
    rows = []
    for (unit, kpi_id), values in series.items():
        tgt = (targets or {}).get((unit, kpi_id), [100.0] * len(values))
        for i, value in enumerate(values):
            period = shift_month(PERIOD, i - len(values) + 1)
            actual = None if value is None else round(value * 100, 10)
            rows.append((unit, kpi_id, period, tgt[i], actual))
    monthly = pd.DataFrame(rows, columns=["unit_id", "kpi_id", "period", "target", "actual"])
    pairs = assigned if assigned is not None else list(series)
    return _alerts(pairs, kpis, monthly, PERIOD, reported=reported, settings=settings or AlertSettings())


def _alerts(pairs, kpis, monthly, period, **options) -> pd.DataFrame:
    """The rules over the engine's month-view cells of ``monthly``; the KPIs
    of ``pairs`` are assigned (weight 100) in every year of the window."""
    years = sorted({int(p[:4]) for p in monthly["period"]} | {int(period[:4])})
    every_year = pd.DataFrame(
        [(u, k, y, 100.0, "core") for u, k in pairs for y in years],
        columns=["unit_id", "kpi_id", "year", "weight", "role"],
    )
    cells = engine.month_cells(every_year, pd.DataFrame(kpis), monthly)
    assignments = every_year[every_year["year"] == int(period[:4])]
    return alerts_from_frames(assignments, pd.DataFrame(kpis), cells, period, **options)


def kinds(found: pd.DataFrame) -> list[str]:
    return sorted(found["kind"])


STEADY = [1.0, 1.02] * 6  # 12 months of history: mean 1.01, moving range 0.02


# ------------------------------------------------------------------ breaches


@pytest.mark.parametrize(
    ("last", "fires"),
    [
        (0.95, False),  # amber
        (0.9, False),  # exactly amber_at: amber (a threshold takes the better status)
        (0.8999, True),
        (0.5, True),
    ],
)
def test_red_fires_below_amber_at_only(last, fires):
    found = run_rules({("U", "K"): [1.0, last]})
    assert ("red" in kinds(found)) is fires


def test_red_uses_the_kpis_own_amber_at():
    k = [kpi("K", amber_at=0.95, green_at=0.99)]
    assert "red" in kinds(run_rules({("U", "K"): [1.0, 0.949]}, k))
    assert "red" not in kinds(run_rules({("U", "K"): [1.0, 0.95]}, k))


@pytest.mark.parametrize(
    ("series", "streak", "key"),
    [
        ([1.0, 1.0, 0.8], 1, "alert.msg.red_new"),
        ([1.0, 0.8, 0.8], 2, "alert.msg.red"),
        ([0.8, 0.95, 0.8, 0.8, 0.8], 3, "alert.msg.red"),
        ([0.8, None, 0.8], 1, "alert.msg.red_new"),  # a month without data breaks the streak
    ],
)
def test_red_streak_counts_months_red_in_a_row(series, streak, key):
    found = run_rules({("U", "K"): series})
    red = found[found["kind"] == "red"].iloc[0]
    assert red["streak"] == streak
    assert red["message_key"] == key
    assert red["severity"] == "critical" and red["group"] == "breach"
    assert red["threshold"] == 0.9


@pytest.mark.parametrize(("last", "fires"), [(0.6, False), (0.5999, True), (0.3, True)])
def test_floor_fires_below_the_floor_not_on_it(last, fires):
    found = run_rules({("U", "K"): [1.0, last]}, [kpi("K", floor=0.6)])
    assert ("floor" in kinds(found)) is fires


def test_no_floor_no_floor_alert():
    assert "floor" not in kinds(run_rules({("U", "K"): [1.0, 0.1]}))


@pytest.mark.parametrize(
    ("previous", "last", "fires"),
    [
        (1.0, 0.85, False),  # exactly 15 points: not more than 15
        (1.0, 0.8499, True),
        (1.2, 1.04, True),  # a drop while still green is a drop
        (None, 0.5, False),  # nothing to compare with
        (0.85, 1.0, False),  # a rise
    ],
)
def test_drop_fires_on_more_than_15_points(previous, last, fires):
    found = run_rules({("U", "K"): [previous, last]})
    assert ("drop" in kinds(found)) is fires


def test_drop_threshold_per_kpi_override():
    settings = AlertSettings(overrides=(("drop_pp", "K", 5.0),))
    assert "drop" in kinds(run_rules({("U", "K"): [1.0, 0.94]}, settings=settings))
    assert "drop" not in kinds(run_rules({("U", "K"): [1.0, 0.95]}, settings=settings))
    other = [kpi("K"), kpi("L")]
    found = run_rules({("U", "K"): [1.0, 0.94], ("U", "L"): [1.0, 0.94]}, other, settings=settings)
    assert found.loc[found["kind"] == "drop", "kpi_id"].tolist() == ["K"]


BAND = kpi("B", direction="band", band_low=0.9, band_high=1.0, band_penalty=2)


@pytest.mark.parametrize(
    ("last", "side"),
    [
        (0.95, None),
        (1.0, None),  # the ends are inside the band
        (0.9, None),
        (1.0001, "over"),
        (1.09, "over"),
        (0.8999, "under"),
    ],
)
def test_band_fires_outside_the_band(last, side):
    found = run_rules({("U", "B"): [0.95, last]}, [BAND])
    band = found[found["kind"] == "band"]
    assert (band["params"].map(lambda p: p["side"]).tolist()) == ([side] if side else [])
    assert "red" not in kinds(found)  # a band KPI gets `band`, not `red`


def test_band_margin_and_threshold():
    settings = AlertSettings(band_margin_pp=2.0)
    assert "band" not in kinds(run_rules({("U", "B"): [0.95, 1.02]}, [BAND], settings=settings))
    found = run_rules({("U", "B"): [0.95, 1.0201]}, [BAND], settings=settings)
    assert found.loc[found["kind"] == "band", "threshold"].tolist() == [1.0]


def test_band_streak_and_no_drop_for_band_kpis():
    found = run_rules({("U", "B"): [0.95, 1.07, 1.08, 0.7]}, [BAND])
    band = found[found["kind"] == "band"].iloc[0]
    assert band["streak"] == 3 and band["params"]["side"] == "under"
    assert "drop" not in kinds(found)  # spending less is no drop


@pytest.mark.parametrize(
    ("reported", "frequency", "target", "fires"),
    [
        (True, "month", 100.0, True),
        (False, "month", 100.0, False),  # nobody has reported the month yet
        (True, "quarter", None, False),  # October closes no quarter and has no target
        (True, "quarter", 100.0, False),  # ... a target does not make it due either (issue 14)
        (True, "year", None, False),
    ],
)
def test_missing_fires_for_a_forgotten_figure_of_a_reported_month(reported, frequency, target, fires):
    found = run_rules(
        {("U", "K"): [1.0, None]},
        [kpi("K", frequency=frequency)],
        reported=reported,
        targets={("U", "K"): [100.0, target]},
    )
    assert ("missing" in kinds(found)) is fires


def test_missing_quarterly_kpi_due_at_quarter_end():
    rows = [("U", "K", "2026-08", 100.0, 100.0), ("U", "K", "2026-09", None, None)]
    monthly = pd.DataFrame(rows, columns=["unit_id", "kpi_id", "period", "target", "actual"])
    found = _alerts([("U", "K")], [kpi("K", frequency="quarter")], monthly, "2026-09", reported=True)
    assert kinds(found) == ["missing"]


def test_units_without_the_kpi_get_no_alert():
    # V has figures for K but K is not assigned to V; W has K assigned and on target
    found = run_rules(
        {("U", "K"): [1.0, 0.5], ("V", "K"): [1.0, 0.5], ("W", "K"): [1.0, 1.0]},
        assigned=[("U", "K"), ("W", "K")],
    )
    assert set(found["unit_id"]) == {"U"}


def test_unassigned_kpi_is_never_missing():
    found = run_rules({("U", "K"): [1.0, 1.0]}, [kpi("K"), kpi("L")], assigned=[("U", "K")])
    assert found.empty


def test_lower_is_better_completion():
    # collection days: 58 against a target of 45 -> 2 - 58/45 = 71%
    k = [kpi("D", direction="lower")]
    found = run_rules({("U", "D"): [0.44, 0.58]}, k, targets={("U", "D"): [45.0, 45.0]})
    red = found[found["kind"] == "red"].iloc[0]
    assert red["value"] == 58 and red["completion"] == pytest.approx(0.7111, abs=1e-4)
    assert "red" not in kinds(run_rules({("U", "D"): [0.44, 0.49]}, k, targets={("U", "D"): [45.0, 45.0]}))


# ------------------------------------------------------------------ signals


def test_xmr_limits_by_hand():
    mean, low, high, n = alerts.xmr_limits(np.array([STEADY]), 6)
    assert math.isclose(mean[0], 1.01)
    assert math.isclose(low[0], 1.01 - 2.66 * 0.02) and math.isclose(high[0], 1.01 + 2.66 * 0.02)
    assert n[0] == 12


@pytest.mark.parametrize(
    ("history", "last", "expected"),
    [
        (STEADY, 1.0, []),
        (STEADY, 0.95, [("xmr", "warning", "below")]),  # 6 points below the mean, below 0.9568
        (STEADY, 1.07, [("xmr", "info", "above")]),  # above 1.0632, favourable
        ([1.0, 1.1] * 6, 0.784, []),  # exactly on the lower limit 1.05 - 2.66 x 0.1: inside
        ([1.0, 1.1] * 6, 0.7839, [("xmr", "warning", "below")]),
        (STEADY[:5], 0.5, []),  # five points of history: too few
        ([None] * 7 + STEADY[:5], 0.5, []),  # ... gaps do not count
        (STEADY[:6], 0.5, [("xmr", "warning", "below")]),  # six: enough
        ([1.0, None, 1.02, None, 1.0, 1.02, None, 1.0, 1.02], 0.9, [("xmr", "warning", "below")]),
    ],
)
def test_xmr_signal(history, last, expected):
    found = run_rules({("U", "K"): [*history, last]}, settings=AlertSettings(drop_pp=100))
    signals = found[found["group"] == "signal"]
    got = [(r.kind, r.severity, r.params["side"]) for r in signals.itertuples()]
    assert got == expected


@pytest.mark.parametrize(
    ("last", "fires"),
    [
        (1.0, False),  # a flat series (moving range 0) stays silent while nothing changes
        (1.04, False),  # a change below signal_min_pp (5 points) is not worth a signal
        (1.05, True),  # 5 points away: at least signal_min_pp
        (0.9, True),
    ],
)
def test_flat_series_signals_only_when_the_value_changes(last, fires):
    found = run_rules({("U", "K"): [1.0] * 12 + [last]}, settings=AlertSettings(drop_pp=100))
    assert ("xmr" in kinds(found)) is fires
    assert "run" not in kinds(found)  # points on the mean belong to no side


def test_signal_min_pp_is_a_setting():
    found = run_rules({("U", "K"): [*STEADY, 0.95]}, settings=AlertSettings(signal_min_pp=7))
    assert "xmr" not in kinds(found)


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([1.0] * 6 + [0.95] * 6 + [0.95], ("warning", -7, 0.975)),  # 6 + this month below the mean, amber
        ([1.1] * 6 + [1.0] * 6 + [1.0], ("info", -7, 1.05)),  # below the mean but on track: info
        ([1.1] * 7 + [1.0] * 5 + [1.0], None),  # only 6 in a row
        ([1.0] * 6 + [1.1] * 6 + [1.1], ("info", 7, 1.05)),
        ([1.1] * 6 + [1.0] * 6 + [1.05], None),  # this month on the mean: no run
        ([1.1] * 6 + [1.0] * 6 + [None], None),  # no figure this month
    ],
)
def test_run_of_seven_on_one_side(series, expected):
    found = run_rules({("U", "K"): series}, settings=AlertSettings(drop_pp=100))
    run = found[found["kind"] == "run"]
    if expected is None:
        assert run.empty
    else:
        severity, length, mean = expected
        assert run["severity"].tolist() == [severity]
        assert run["streak"].iloc[0] == abs(length)
        assert run["params"].iloc[0]["side"] == ("below" if length < 0 else "above")
        assert math.isclose(run["threshold"].iloc[0], mean)


def test_xmr_below_limits_while_green_is_info():
    found = run_rules({("U", "K"): [1.2, 1.22] * 6 + [1.1]}, settings=AlertSettings(drop_pp=100))
    assert found[["kind", "severity"]].values.tolist() == [["xmr", "info"]]


def test_band_signal_is_a_warning_only_outside_the_band():
    history = [0.95, 0.96] * 6
    found = run_rules({("U", "B"): [*history, 1.05]}, [BAND])
    assert found.loc[found["kind"] == "xmr", "severity"].tolist() == ["warning"]
    found = run_rules({("U", "B"): [*history, 0.9]}, [BAND])
    assert found.loc[found["kind"] == "xmr", "severity"].tolist() == ["info"]


def test_run_lengths_directly():
    series = np.array([[1, 2, 3, 3, 3.0], [3, 3, 1, np.nan, 1], [2, 2, 2, 2, 2]])
    assert alerts.run_lengths(series, np.array([2.0, 2.0, 2.0])).tolist() == [3, -2, 0]


# ------------------------------------------------------------------ shape, order, settings


def test_columns_order_and_worst_first():
    found = run_rules(
        {("A", "K"): [1.0, 1.0, 0.8], ("B", "K"): [1.0, 0.95, 0.6], ("C", "K"): [1.0, None]},
        assigned=[("A", "K"), ("B", "K"), ("C", "K")],
    )
    assert list(found.columns) == list(alerts.COLUMNS)
    assert found[["kind", "unit_id"]].values.tolist() == [
        ["red", "B"],  # critical, the worse completion first
        ["red", "A"],
        ["drop", "B"],  # warnings
        ["drop", "A"],
        ["missing", "C"],
    ]
    assert not found["acknowledged"].any()


def test_empty_result_has_the_columns():
    found = run_rules({("U", "K"): [1.0, 1.0]})
    assert found.empty and list(found.columns) == list(alerts.COLUMNS)


def test_settings_from_and_to_the_settings_table():
    stored = {
        "alerts.drop_pp": "20",
        "alerts.run_length": "8",
        "alerts.drop_pp.OTD": "5",
        "alerts.signal_min_pp.CSAT": "2.5",
        "alerts.unknown": "1",
        "alerts.band_margin_pp": "not a number",
        "other.key": "3",
    }
    s = AlertSettings.from_settings(stored)
    assert (s.drop_pp, s.run_length, s.band_margin_pp) == (20.0, 8, 0.0)
    assert s.value("drop_pp", "OTD") == 5.0 and s.value("drop_pp", "REV") == 20.0
    assert s.value("signal_min_pp", "CSAT") == 2.5
    assert AlertSettings.from_settings(s.to_settings()) == s


def test_invalid_company_settings_fall_back_to_defaults():
    s = AlertSettings.from_settings({"alerts.min_points": "20", "alerts.window": "12"})
    assert s == AlertSettings()
    assert AlertSettings(run_length=1).problems()


# ------------------------------------------------------------------ messages and summary

NAMES = alerts.Names(
    units={"SALES": ("Sales", "销售中心")},
    kpis={"DSO": ("Collection days", "应收账款周转天数", "days"), "OTD": ("On-time delivery", "准时交付率", "%")},
)


def test_message_as_in_the_issue():
    row = {
        "kind": "red",
        "unit_id": "SALES",
        "kpi_id": "DSO",
        "period": PERIOD,
        "message_key": "alert.msg.red",
        "params": {"value": 58.0, "target": 45.0, "completion": 2 - 58 / 45, "threshold": 0.9, "streak": 3.0},
    }
    assert (
        alerts.message(row, "en", NAMES)
        == "Sales · Collection days 58 days (target 45 days): 71% completion, red for 3 months"
    )
    assert (
        alerts.message(row, "zh", NAMES) == "销售中心 · 应收账款周转天数 58 天(目标 45 天):完成率 71%,连续 3 个月未达标"
    )


def test_every_message_key_renders_in_both_languages():
    found = run_rules(
        {
            ("U", "K"): [*STEADY, 0.5],
            ("U", "B"): [0.95, 1.2],
            ("V", "K"): [1.0, None],
            ("W", "K"): [1.1] * 6 + [1.0] * 7,
        },
        [kpi("K", floor=0.6), BAND],
        assigned=[("U", "K"), ("U", "B"), ("V", "K"), ("W", "K")],
    )
    assert {"red", "floor", "band", "drop", "missing", "xmr", "run"} == set(found["kind"])
    names = alerts.Names(units={}, kpis={})
    for row in found.to_dict("records"):
        for lang in ("en", "zh"):
            text = alerts.message(row, lang, names)
            assert "{" not in text and not text.startswith("alert.")


def _tree() -> Org:
    return Org.from_frame(
        pd.DataFrame(
            {
                "unit_id": ["HQ", "A", "A1", "B"],
                "name": ["HQ", "A", "A1", "B"],
                "name_zh": ["", "", "", ""],
                "kind": ["company", "department", "person", "department"],
                "parent_id": [None, "HQ", "A", "HQ"],
            }
        )
    )


def test_summary_counts_over_the_subtree_markers_and_children():
    found = run_rules(
        {("HQ", "K"): [1.0, 0.8], ("A", "K"): [1.0, 1.0, None], ("A1", "K"): [1.0, 0.5], ("B", "K"): [1.0, 1.0]},
        assigned=[("HQ", "K"), ("A", "K"), ("A1", "K"), ("B", "K")],
    )
    s = alerts.summary(found, _tree(), "HQ")
    assert s["counts"] == {"critical": 2, "warning": 3, "info": 0}
    assert s["kpis"] == {"K": "critical"}
    assert s["children"] == {
        "A": {"critical": 1, "warning": 2, "info": 0},
        "B": {"critical": 0, "warning": 0, "info": 0},
    }
    a = alerts.summary(found, _tree(), "A")
    assert a["counts"] == {"critical": 1, "warning": 2, "info": 0} and a["kpis"] == {"K": "warning"}
    assert a["open"] == a["counts"]


# ------------------------------------------------------------------ the store


def test_settings_round_trip_in_the_store(small_store):
    small_store.save_alert_settings({"alerts.drop_pp": "25", "alerts.drop_pp.rev": "5"})
    assert small_store.alert_settings() == {"alerts.drop_pp": "25", "alerts.drop_pp.rev": "5"}
    small_store.save_alert_settings({"alerts.drop_pp.rev": None})
    assert small_store.alert_settings() == {"alerts.drop_pp": "25"}
    with pytest.raises(ValueError):
        small_store.save_alert_settings({"theme": "dark"})


def test_acknowledgements_are_kept_and_the_latest_shown(small_store):
    found = alerts.evaluate(small_store, "2026-03")
    assert not found["acknowledged"].any()
    first = found.iloc[0]
    for who, at in (("Li", "2026-11-02 09:00"), ("Wang", "2026-11-03 10:00")):
        small_store.acknowledge_alert(
            kind=first["kind"],
            unit_id=first["unit_id"],
            kpi_id=first["kpi_id"],
            period="2026-03",
            acked_by=who,
            action="called the team",
            comment="",
            acked_at=pd.Timestamp(at).to_pydatetime(),
        )
    again = alerts.evaluate(small_store, "2026-03")
    assert len(again) == len(found)  # acknowledged alerts are not hidden
    row = again.iloc[0]
    assert row["acknowledged"] and row["acked_by"] == "Wang" and row["action"] == "called the team"
    assert again["acknowledged"].sum() == 1
    assert small_store.alert_acks("2026-03")["acked_by"].tolist() == ["Wang", "Li"]
    assert small_store.alert_acks("2026-02").empty
    with pytest.raises(ValueError):
        small_store.acknowledge_alert(kind="red", unit_id="HQ", kpi_id="rev", period="2026-03", acked_by=" ")


def test_small_company_march_by_hand(small_store):
    """HQ March 2026 (README worked example): revenue 75% is red (amber below
    90%) and fell from 110% in February: 35 points; spend 103% is over its
    band; SALES days 50 against 40 -> 75% red (SALES revenue 95% is only
    amber); P1 has no revenue figure although March is reported; OPS spend 80%
    is under its band. Three months of history: no signal."""
    found = alerts.evaluate(small_store, "2026-03")
    got = sorted(zip(found["kind"], found["unit_id"], found["kpi_id"], strict=True))
    assert got == sorted(
        [
            ("red", "HQ", "rev"),
            ("drop", "HQ", "rev"),
            ("band", "HQ", "spend"),
            ("red", "SALES", "days"),
            ("band", "OPS", "spend"),
            ("missing", "P1", "rev"),
        ]
    )
    drop = found[found["kind"] == "drop"].iloc[0]
    assert math.isclose(drop["params"]["drop"], 35.0) and math.isclose(drop["params"]["previous"], 1.1)
    band = found[found["kind"] == "band"]
    assert set(zip(band["unit_id"], band["params"].map(lambda p: p["side"]), strict=True)) == {
        ("HQ", "over"),
        ("OPS", "under"),
    }


# ------------------------------------------------------------------ the demo company


def golden_frame(found: pd.DataFrame, names: alerts.Names) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "severity": found["severity"],
            "group": found["group"],
            "kind": found["kind"],
            "unit_id": found["unit_id"],
            "kpi_id": found["kpi_id"],
            "value": found["value"].map(lambda v: "" if pd.isna(v) else f"{v:.4f}"),
            "threshold": found["threshold"].map(lambda v: "" if pd.isna(v) else f"{v:.4f}"),
            "completion": found["completion"].map(lambda v: "" if pd.isna(v) else f"{v:.4f}"),
            "streak": found["streak"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}"),
            "message": [alerts.message(r, "en", names) for r in found.to_dict("records")],
        }
    )


def test_demo_golden_alerts_of_the_latest_month(demo_store):
    """The reviewed list of the demo's alerts for 2026-10 (regenerate on
    purpose with UPDATE_GOLDEN=1 and read the diff)."""
    names = alerts.Names.from_frames(demo_store.units(), demo_store.kpis())
    got = golden_frame(alerts.evaluate(demo_store, PERIOD), names)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        got.to_csv(GOLDEN, index=False)
    expected = pd.read_csv(GOLDEN, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)


def test_demo_stories_each_produce_their_alert(demo_store):
    found = alerts.evaluate(demo_store, PERIOD)
    keyed = {(r.kind, r.unit_id, r.kpi_id): r for r in found.itertuples()}
    assert keyed[("red", "CS", "COMPLAINT_TIME")].streak == 3
    assert keyed[("red", "CS", "CSAT")].streak == 1
    assert keyed[("red", "PROD", "OTD")].streak == 1
    assert keyed[("drop", "PROD", "OTD")].params["drop"] == pytest.approx(28.6, abs=0.1)
    assert keyed[("band", "MKT", "EXPENSE_EXEC")].streak == 2
    assert keyed[("band", "MKT", "EXPENSE_EXEC")].params["side"] == "over"
    missing = sorted(k for kind, u, k in keyed if kind == "missing" and u == "P_SALES_N_03")
    assert missing == ["COLLECTION_DAYS", "KEY_ACCOUNT_COV", "QUOTE_RESP", "REV"]
    # Customer Service's six people slide with it: red on both KPIs; complaint time red for 3 months
    for person in CS_PEOPLE:
        assert keyed[("red", person, "COMPLAINT_TIME")].streak == 3
        assert ("red", person, "CSAT") in keyed
    # Su Qing (P_CS_01) sits 3 points under the department on CSAT: 0.915 - 0.03 = 0.885 was red in September too
    assert keyed[("red", "P_CS_01", "CSAT")].streak == 2
    assert {(u, k) for kind, u, k in keyed if kind == "xmr"} == {
        ("CS", "COMPLAINT_TIME"),
        ("CS", "CSAT"),
        ("PROD", "OTD"),
        ("MKT", "EXPENSE_EXEC"),
    } | {(p, k) for p in CS_PEOPLE for k in ("CSAT", "COMPLAINT_TIME")}


CS_PEOPLE = [f"P_CS_0{i}" for i in range(1, 7)]
STORY = {("CS", "CSAT"), ("CS", "COMPLAINT_TIME"), ("PROD", "OTD"), ("MKT", "EXPENSE_EXEC")} | {
    (p, k) for p in CS_PEOPLE for k in ("CSAT", "COMPLAINT_TIME")
}


@pytest.mark.parametrize("period", [shift_month(PERIOD, -i) for i in range(12)])
def test_demo_nothing_alarming_where_all_is_well(demo_store, period):
    """Over the last 12 months, critical alerts and warnings come only from the
    planted stories (and the missed upload)."""
    found = alerts.evaluate(demo_store, period)
    alarming = found[found["severity"] != "info"]
    stray = {
        (r.kind, r.unit_id, r.kpi_id)
        for r in alarming.itertuples()
        if (r.unit_id, r.kpi_id) not in STORY and not (r.kind == "missing" and r.unit_id == "P_SALES_N_03")
    }
    assert stray == set()


def test_alert_figures_equal_the_scorecards(demo_store):
    found = alerts.evaluate(demo_store, PERIOD, ["CS", "PROD"])
    for unit in ("CS", "PROD"):
        card = scorecard.build(demo_store, unit, PERIOD).kpis.set_index("kpi_id")
        for r in found[(found["unit_id"] == unit) & (found["group"] == "breach")].itertuples():
            assert r.completion == pytest.approx(card.at[r.kpi_id, "completion"])
            assert r.value == pytest.approx(card.at[r.kpi_id, "actual"])
            if r.kind == "red":
                assert card.at[r.kpi_id, "status"] == "red"


def test_unit_subset_equals_the_whole_filtered(demo_store):
    whole = alerts.evaluate(demo_store, PERIOD)
    org = Org.from_frame(demo_store.units())
    sales = alerts.evaluate(demo_store, PERIOD, org.subtree("SALES"))
    expected = whole[whole["unit_id"].isin(org.subtree("SALES"))].reset_index(drop=True)
    pd.testing.assert_frame_equal(sales, expected)


def test_a_month_nobody_reported_has_no_missing_alerts_until_an_owners_due_day(demo_store):
    # November's figures are due on the 5th working day of December: Tue 1, Wed 2,
    # Thu 3, Fri 4, Mon 7. Only an owned KPI raises "missing" in a month nobody
    # reported: the demo's sales_rep_1 owns Wu Hao's four KPIs (he is that person).
    assert alerts.evaluate(demo_store, "2026-11", today=date(2026, 12, 7)).empty
    late = alerts.evaluate(demo_store, "2026-11", today=date(2026, 12, 8))
    assert sorted(late["kpi_id"]) == ["COLLECTION_DAYS", "KEY_ACCOUNT_COV", "QUOTE_RESP", "REV"]
    assert set(late["unit_id"]) == {"P_SALES_N_01"} and set(late["kind"]) == {"missing"}
    assert {dict(p)["owner"] for p in late["params"]} == {"sales_rep_1"}
    assert {dict(p)["due"] for p in late["params"]} == {"2026-12-07"}


# ------------------------------------------------------------------ the command line


def test_cli_alerts_json(demo_db, capsys):
    assert cli.main(["alerts", "--period", PERIOD, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(list(r) == list(alerts.RECORD_KEYS) for r in rows)
    # worst first: Su Qing's complaint time, 2 - 31.7 / 22.2 = 57%, under her department's 62%
    first = rows[0]
    assert first["kind"] == "red" and first["unit_id"] == "P_CS_01" and first["kpi_id"] == "COMPLAINT_TIME"
    assert first["value"] == 31.7 and first["threshold"] == 0.9
    assert first["message"] == (
        "Su Qing (Customer Service) · Complaint resolution time 31.7 hours (target 22.2 hours): "
        "57% completion, red for 3 months"
    )
    assert len(rows) == len(pd.read_csv(GOLDEN))


def test_cli_alerts_for_a_unit_csv_and_table(demo_db, capsys):
    assert cli.main(["alerts", "--period", PERIOD, "--unit", "SALES_N", "--format", "csv"]) == 0
    table = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert list(table.columns) == list(alerts.RECORD_KEYS)
    assert set(table["kind"]) == {"missing"} and set(table["unit_id"]) == {"P_SALES_N_03"}
    assert cli.main(["--lang", "zh", "alerts", "--period", PERIOD, "--unit", "MKT"]) == 0
    out = capsys.readouterr().out
    assert "市场部" in out and "严重" in out and "费用预算执行率" in out


def test_cli_alerts_bad_input(demo_db, capsys):
    assert cli.main(["alerts", "--period", "2026-13"]) == 2
    assert cli.main(["alerts", "--period", PERIOD, "--unit", "NOPE"]) == 2
    assert cli.main(["alerts", "--period", "2030-01"]) == 0
    assert "No alerts." in capsys.readouterr().out


def test_stored_month_cells_hold_the_stored_values_and_their_completion(demo_store):
    """The alerts' fast read of the stored month view: CS's complaint time in
    October 2026 is 30.6 hours against 22.2 (lower is better), so its
    completion is 2 - 30.6 / 22.2 = 0.6216... and it is red."""
    cells = scores.month_cells(demo_store, ["CS", "P_SALES_N_03"], "2026-08", PERIOD)
    one = cells[(cells["unit_id"] == "CS") & (cells["kpi_id"] == "COMPLAINT_TIME") & (cells["period"] == PERIOD)]
    assert len(one) == 1
    row = one.iloc[0]
    assert (row["actual"], row["target"]) == (30.6, 22.2)
    assert row["completion"] == pytest.approx(2 - 30.6 / 22.2)
    assert row["status"] == "red"
    assert set(cells["period"].astype(str)) == {"2026-08", "2026-09", PERIOD}
    assert set(cells["unit_id"].astype(str)) == {"CS", "P_SALES_N_03"}


def test_a_subtree_gets_the_same_alerts_as_the_whole_company_filtered(demo_store):
    """The pages evaluate only the viewed unit's subtree; that must not change an alert."""
    from kpi_core.org import Org

    org = Org.from_frame(demo_store.units())
    everything = alerts.evaluate(demo_store, "2026-10")
    columns = ["kind", "severity", "unit_id", "kpi_id", "value", "threshold", "streak"]
    for unit in ["CS", "SALES", "SALES_N", "MKT", "PROD", "P_SALES_N_03"]:
        subtree = org.subtree(unit)
        alone = alerts.evaluate(demo_store, "2026-10", subtree)
        expected = everything[everything["unit_id"].isin(subtree)]
        pd.testing.assert_frame_equal(alone[columns].reset_index(drop=True), expected[columns].reset_index(drop=True))
