"""The scorecard and the KPI detail "as of a moment", in AppTest: the figures
we showed at the review, next to the figures now.

The small company (tests/conftest.py) is loaded, then two March actuals are
restated in one upload:

* HQ revenue 150 -> 190 against a target of 200: completion 75% -> 95%,
  points 40 x 0.75 = 30 -> 40 x 0.95 = 38, status off track -> at risk;
  HQ's other March points stay: collection days 20 x (2 - 38/40) = 21,
  expense band (103% of budget, 3 points above the 100% bound, 2 off each)
  10 - 6 = 4, satisfaction 20 x (0.5 x 99/90 + 0.5 x 90/90) = 21, key staff
  10 x 18/20 = 9: the total goes 30 + 21 + 4 + 21 + 9 = 85 -> 93;
* Sales revenue 190 -> 210 against 200: 60 x 0.95 = 57 -> 60 x 1.05 = 63,
  with collection days 40 x (2 - 50/40) = 30: Sales' total 87 -> 93.

"As of" the moment the first load finished (the batch's ``uploaded_at``,
seconds before the restatement) the pages show 85 / 75% / 87; now they show
93 / 95% / 93.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, time, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kpi_core import design, ingest
from kpi_core.store import Store
from tests.conftest import TODAY, app_factory

DETAIL = "pages/2_kpi_detail.py"
RESTATEMENT = b"unit_id,kpi_id,period,actual\nHQ,rev,2026-03,190\nSALES,rev,2026-03,210\n"


def restate(path: Path, loaded_at: datetime | None = None) -> datetime:
    """Restate the two March actuals; return when the first load finished.
    With ``loaded_at`` the first load is dated then (as if it had been
    uploaded that day), so a moment to the minute falls between the two."""
    with Store(path) as store:
        if loaded_at is not None:
            store.cursor().execute("UPDATE batches SET uploaded_at = ?", [loaded_at])
        before = pd.Timestamp(store.batches()["uploaded_at"].max()).to_pydatetime()
        report = ingest.load(store, "actuals", RESTATEMENT, "march_fix.csv", uploaded_by="Zhou Ting", today=TODAY)
        assert report.result.rows_changed == 2
    return before


@pytest.fixture
def small_db(_small_db_template: Path, _isolated_db: Path) -> Path:
    """The small company at the path the app opens ($KPI_DB_PATH)."""
    shutil.copyfile(_small_db_template, _isolated_db)
    return _isolated_db


@pytest.fixture
def app(small_db: Path):
    with app_factory() as make:
        yield make


def params(at) -> dict[str, str]:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def total(at) -> str:
    found = [re.search(r'data-testid="bsc-total">([^<]*)<', m.value) for m in at.markdown]
    return next(f[1] for f in found if f)


def kpi_row(at, name: str) -> dict:
    """A KPI's row in the perspective tables (first column: the KPI's name)."""
    for frame in at.dataframe:
        table = frame.value
        if "KPI" in table.columns and (table["KPI"] == name).any():
            return table[table["KPI"] == name].iloc[0].to_dict()
    raise AssertionError(f"no row for {name}")


def child_total(at, unit: str) -> float:
    for frame in at.dataframe:
        table = frame.value
        if "Unit" in table.columns:
            # a name may carry the unit's alert markers ("Sales ✖1")
            return float(table[table["Unit"].str.startswith(unit)]["Total"].iloc[0])
    raise AssertionError("no children table")


def banner(at) -> str:
    # the banner is Markdown with escapes and invisible word joiners: compare the text read
    texts = [i.value.replace("\\", "").replace("\u2060", "") for i in at.info]
    return next(t for t in texts if "stood" in t or "时的数据" in t)


def last_upload(path: Path) -> datetime:
    with Store(path) as store:
        return pd.Timestamp(store.batches()["uploaded_at"].max()).to_pydatetime()


def label(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# ------------------------------------------------------------------ the scorecard


def test_the_scorecard_as_of_before_the_restatement_shows_the_old_figures(small_db, app):
    before = restate(small_db)
    at = app(unit="HQ", period="2026-03", as_of=before.isoformat())
    no_exception(at)
    assert banner(at) == f"Figures as they stood on {label(before)} (2 values restated since)."
    assert total(at) == "85.0"
    rev = kpi_row(at, "Revenue")
    assert (rev["Completion"], rev["Points"], rev["Status"]) == ("75.0%", 30.0, "✖ off track")
    assert rev["Actual / target"] == "150.0 / 200.0 10k CNY"
    assert child_total(at, "Sales") == 87.0
    assert params(at)["as_of"] == before.isoformat(timespec="microseconds")
    assert any(c.value == "Alerts are left out: they concern the current figures." for c in at.caption)
    # the link to share names the moment
    assert any("as_of=" in c.value for c in at.code)

    at.button(key="asof_current").click().run()  # back to the current figures
    no_exception(at)
    assert "as_of" not in params(at)
    assert not [i for i in at.info if "stood" in i.value]
    assert total(at) == "93.0"
    rev = kpi_row(at, "Revenue")
    assert (rev["Completion"], rev["Points"], rev["Status"]) == ("95.0%", 38.0, "▲ at risk")
    assert child_total(at, "Sales") == 93.0


def test_the_banner_in_chinese(small_db, app):
    before = restate(small_db)
    at = app(unit="HQ", period="2026-03", as_of=before.isoformat(), lang="zh")
    no_exception(at)
    assert banner(at) == f"显示 {label(before)} 时的数据(此后 2 个数值被重述)。"
    assert at.button(key="asof_current").label == "返回当前数据"
    assert total(at) == "85.0"


def test_the_control_sets_the_moment_to_the_minute(small_db, app):
    # the first load dated two days ago at 09:00, the restatement now: 10:00 that day falls between
    day = (datetime.now() - timedelta(days=2)).date()
    restate(small_db, loaded_at=datetime.combine(day, time(9, 0)))
    at = app(unit="HQ", period="2026-03")
    no_exception(at)
    assert total(at) == "93.0"
    at.date_input(key="asof_date").set_value(day)
    at.time_input(key="asof_time").set_value(time(10, 0))
    at.button[[b.label for b in at.button].index("Show the figures of then")].click().run()
    no_exception(at)
    assert params(at)["as_of"] == f"{day.isoformat()}T10:00"
    assert banner(at) == f"Figures as they stood on {day.isoformat()} 10:00 (2 values restated since)."
    assert total(at) == "85.0"
    assert child_total(at, "Sales") == 87.0


def test_a_rule_edited_since_is_counted_and_the_old_rule_scores_then(small_db, app):
    # after the restatement revenue gets tiers "1.0:0.9": a completion below
    # 100% is credited 90%, so 95% earns 40 x 0.9 = 36 and the total is
    # 93 - 38 + 36 = 91 now; as of before both changes it is still 85
    before = restate(small_db)
    with Store(small_db) as store:
        problems = design.save_kpi(
            store, {**store.kpi("rev"), "tiers": "1.0:0.9"}, changed_by="li", reason="tiers agreed"
        )
        assert problems == []
    at = app(unit="HQ", period="2026-03", as_of=before.isoformat())
    no_exception(at)
    assert banner(at) == (
        f"Figures as they stood on {label(before)} (2 values restated and 1 rule, weight or target edit since)."
    )
    assert total(at) == "85.0"
    at.button(key="asof_current").click().run()
    assert total(at) == "91.0"
    assert kpi_row(at, "Revenue")["Points"] == 36.0


def test_nothing_changed_since_says_so(small_db, app):
    restate(small_db)
    after = last_upload(small_db)
    at = app(unit="HQ", period="2026-03", as_of=after.isoformat())
    no_exception(at)
    assert (
        banner(at)
        == f"Figures as they stood on {label(after)} (nothing changed since: the same as the current figures)."
    )
    assert total(at) == "93.0"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "“yesterday” is not a date and time such as 2026-11-05T10:00; showing the current figures."),
        ("2026-13-40T10:00", "“2026-13-40T10:00” is not a date and time such as 2026-11-05T10:00;"),
        ("2999-01-01T00:00", "2999-01-01 00:00 is in the future; showing the current figures."),
        ("2000-01-01T08:00", "Nothing had been loaded by 2000-01-01 08:00 (the first upload was on "),
    ],
)
def test_a_moment_that_cannot_be_shown_says_so_and_shows_the_current_figures(small_db, app, value, message):
    restate(small_db)
    at = app(unit="HQ", period="2026-03", as_of=value)
    no_exception(at)
    warnings = [w.value.replace("\\", "").replace("\u2060", "") for w in at.warning]
    assert any(w.startswith(message) for w in warnings), warnings
    assert "as_of" not in params(at)
    assert total(at) == "93.0"


def test_a_month_not_loaded_yet_at_that_moment_says_so(small_db, app):
    # units, KPIs, assignments and targets are loaded before the actuals:
    # as of the targets' batch, March had no actuals yet
    with Store(small_db) as store:
        batches = store.batches()
    targets_at = pd.Timestamp(batches[batches["kind"] == "targets"]["uploaded_at"].iloc[0]).to_pydatetime()
    at = app(unit="HQ", period="2026-03", as_of=targets_at.isoformat())
    no_exception(at)
    infos = [i.value.replace("\\", "").replace("\u2060", "") for i in at.info]
    assert f"No actuals for 2026-03 had been loaded by {label(targets_at)}. " in " ".join(infos)
    assert not [m for m in at.markdown if "bsc-total" in m.value]


# ------------------------------------------------------------------ the KPI detail


def restated_rows(at) -> tuple[list[list[str]], list[str]]:
    frame = next(d.value for d in at.dataframe if "Figure" in d.value.columns or "项目" in d.value.columns)
    return [list(map(str, row)) for row in frame.itertuples(index=False)], list(frame.columns)


def test_the_kpi_detail_shows_the_restated_month_then_and_now(small_db, app):
    before = restate(small_db)
    at = app(DETAIL, unit="HQ", period="2026-03", kpi="rev", as_of=before.isoformat())
    no_exception(at)
    assert banner(at) == f"Figures as they stood on {label(before)} (2 values restated since)."
    # the page's own figures are those of then
    assert [m.value for m in at.metric][:3] == ["150.00", "200.00", "75.0%"]
    rows, columns = restated_rows(at)
    assert columns == ["Month", "Figure", f"As of {label(before)}", "Current"]
    assert rows == [
        ["2026-03", "Actual (10k CNY)", "150.00", "190.00"],
        ["2026-03", "Target (10k CNY)", "200.00", "200.00"],
        ["2026-03", "Completion", "75.0%", "95.0%"],
        ["2026-03", "Points", "30.00 / 40", "38.00 / 40"],
        ["2026-03", "Status", "✖ off track", "▲ at risk"],
    ]


def test_without_a_moment_the_restated_month_is_compared_with_its_first_report(small_db, app):
    restate(small_db)
    at = app(DETAIL, unit="HQ", period="2026-03", kpi="rev", lang="zh")
    no_exception(at)
    assert not at.info or not any("时的数据" in i.value for i in at.info)
    assert [m.value for m in at.metric][:3] == ["190.00", "200.00", "95.0%"]
    rows, columns = restated_rows(at)
    assert columns == ["月份", "项目", "首次报送时", "当前"]
    assert rows == [
        ["2026-03", "实际 (万元)", "150.00", "190.00"],
        ["2026-03", "目标 (万元)", "200.00", "200.00"],
        ["2026-03", "完成率", "75.0%", "95.0%"],
        ["2026-03", "得分", "30.00 / 40", "38.00 / 40"],
        ["2026-03", "状态", "✖ 未达标", "▲ 预警"],
    ]


def test_a_moment_after_the_restatement_has_no_restated_month(small_db, app):
    restate(small_db)
    after = last_upload(small_db)
    at = app(DETAIL, unit="HQ", period="2026-03", kpi="rev", as_of=after.isoformat())
    no_exception(at)
    assert any(c.value == f"No value of this KPI has been restated since {label(after)}." for c in at.caption)
    assert [m.value for m in at.metric][:3] == ["190.00", "200.00", "95.0%"]
