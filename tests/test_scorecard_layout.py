"""The scorecard page's logic as a new user met it (issue 12), in AppTest:
a unit without KPIs says so once, points to the Scorecard design page and is
listed last among its siblings, marked "no KPIs"; no table or headline shows a
raw "None" or "nan" (missing figures read "–"); the comparison names the
period it compares with in every view; KPI tables lead with the figures and
put the alert column last, only when there is an alert; the alert markers of
the children are explained. The layout itself is checked in Chromium by
tests/test_layout_browser.py.

Most figures are on the small company of tests/conftest.py (March 2026),
worked by hand below; a unit without KPIs is added by ingesting a units file
into the test's own database.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kpi_core import ingest
from kpi_core.store import Store
from kpi_ui import figures
from tests.conftest import app_factory

LAB = "Advanced Manufacturing Technology and Process Innovation Laboratory"
LAB_ZH = "先进制造技术与工艺创新实验室(筹建中)"
UNITS_WITH_LAB = f"unit_id,name,name_zh,kind,parent_id\nLAB,{LAB},{LAB_ZH},department,HQ\n"


def add_lab(path: Path) -> None:
    """A department without KPIs, loaded as an analyst would (a units file)."""
    with Store(path) as store:
        report = ingest.load(store, "units", UNITS_WITH_LAB.encode(), "units.csv", uploaded_by="test")
        assert not report.validated.errors, [str(p) for p in report.validated.errors]


@pytest.fixture
def small_app(_small_db_template: Path, _isolated_db: Path):
    """AppTests of app.py on a copy of the small company with LAB added."""
    shutil.copyfile(_small_db_template, _isolated_db)
    add_lab(_isolated_db)
    with app_factory() as make:

        def checked(page_path: str | None = None, **params: str):
            at = make(page_path, **params)
            assert not at.exception, [e.value for e in at.exception]
            return at

        yield checked


def texts(at) -> list[str]:
    """Every text the page shows outside tables and charts, with the
    backslashes of kpi_ui.text.plain taken out (the reader does not see them)."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "title", "subheader", "metric"):
        out += [str(getattr(e, "value", "")) for e in at.get(kind)]
    out += [e.proto.label for e in at.get("page_link")]
    return [unescape(text) for text in out]


def without_markers(label: str) -> str:
    """A child's name without its alert markers ('Operations ✖1' -> 'Operations')."""
    return re.sub(r"( [✖▲ℹ]\d+)+$", "", label)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def tables(at) -> list:
    return list(at.dataframe)


def children_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Unit" in d.value.columns or "单元" in d.value.columns)


# --------------------------------------------------------------------------- a unit without KPIs


@pytest.mark.parametrize(
    ("lang", "message", "link"),
    [
        (
            "en",
            f"{LAB} has no KPIs assigned in 2026, so it has no score yet.",
            f"Assign KPIs to {LAB} on the Scorecard design page",
        ),
        ("zh", f"{LAB_ZH} 在 2026 年未分配任何指标,因此还没有得分。", f"在“计分卡设计”页面为{LAB_ZH} 分配指标"),
    ],
)
def test_a_unit_without_kpis_says_so_once_and_points_to_scorecard_design(small_app, lang, message, link):
    at = small_app(unit="LAB", period="2026-03", lang=lang)
    shown = texts(at)
    assert sum(message in s for s in shown) == 1, shown
    links = [e for e in at.get("page_link") if unescape(e.proto.label) == link]
    assert len(links) == 1
    assert links[0].proto.page == "scorecard_design"
    assert "unit=LAB" in links[0].proto.query_string
    # not four empty panels, no headline of dashes, no children message about perspectives
    joined = " ".join(shown)
    assert "No KPI in this perspective" not in joined and "该维度无指标" not in joined
    assert not any('data-testid="bsc-total"' in s for s in shown)
    assert any(("No units below" in s) or ("没有下级单元" in s) for s in shown)


def test_a_unit_without_kpis_is_listed_last_marked_no_kpis(small_app):
    at = small_app(unit="HQ", period="2026-03")
    table = children_table(at)
    # worked by hand (March 2026):
    #   OPS:   spend 80/100 = 80%, 10 points below its 90-100% band x 2 = 20 off 50 -> 30;
    #          staff 20/20 = 100% x 50 -> 50;                       total 80.0
    #   SALES: rev 190/200 = 95% x 60 -> 57; days 2 - 50/40 = 75% x 40 -> 30; total 87.0
    #   LAB:   no KPIs -> last, not first as "worst"
    assert [without_markers(u) for u in table["Unit"]] == ["Operations", "Sales", LAB]
    assert list(table["Total"].iloc[:2]) == [80.0, 87.0]
    assert pd.isna(table["Total"].iloc[2])
    assert list(table["Status"]) == ["✖ off track", "▲ at risk", "– no KPIs"]
    assert list(table["Data coverage"]) == ["100%", "100%", "–"]
    # the chart lists it last too (bottom bar), labelled, its name wrapped onto lines
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bar = spec["data"][0]
    assert bar["customdata"][0] == "LAB" and bar["text"][0] == "no KPIs"
    assert bar["y"][0] == "Advanced Manufacturing <br>Technology and Process <br>Innovation Laboratory"
    assert bar["hovertext"][0] == LAB


def test_the_cli_lists_a_unit_without_kpis_last_with_the_same_figures(_small_db_template, tmp_path, capsys):
    from kpi_core.cli import main as cli

    db = tmp_path / "cli.duckdb"
    shutil.copyfile(_small_db_template, db)
    add_lab(db)
    assert cli(["--db", str(db), "score", "--period", "2026-03", "--format", "json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert [(c["unit_id"], c["total"]) for c in card["children"]] == [("OPS", 80.0), ("SALES", 87.0), ("LAB", None)]
    assert card["total"] == 85.0  # the README's worked example, unchanged


# --------------------------------------------------------------------------- no raw None


def _no_raw_none(at) -> None:
    """No table cell and no text reads None or nan; a missing number in a
    numeric column is drawn with the table's placeholder, '–'."""
    assert tables(at)
    for frame in tables(at):
        value = frame.value
        for column in value.columns:
            cells = value[column]
            if pd.api.types.is_numeric_dtype(cells):
                continue
            flat = [x for c in cells for x in (c if isinstance(c, list) else [c])]
            words = [x for x in flat if isinstance(x, str)]
            assert not [w for w in words if re.search(r"\b(None|nan|NaN)\b", w)], (column, words)
            assert not [x for x in flat if x is None], column
        if value.select_dtypes("number").isna().any().any():
            assert frame.proto.placeholder == "–", "a missing number must read '–', not 'None'"
    for text in texts(at):
        assert not re.search(r"\b(None|nan|NaN)\b", text), text


def test_missing_figures_read_dash_not_none(small_app):
    # SALES's only person, Li Na, has a March target (50) and no actual
    sales = small_app(unit="SALES", period="2026-03")
    _no_raw_none(sales)
    person = children_table(sales).iloc[0]
    assert without_markers(person["Unit"]) == "Li Na" and pd.isna(person["Total"]) and person["Status"] == "○ no data"
    assert person["Data coverage"] == "0%"

    li_na = small_app(unit="P1", period="2026-03")
    _no_raw_none(li_na)
    kpis = next(d.value for d in li_na.dataframe if "KPI" in d.value.columns)
    row = kpis.iloc[0]
    assert row["KPI"] == "Revenue" and row["Completion"] == "–" and pd.isna(row["Points"])
    assert row["Actual / target"] == "– / 50.0 10k CNY"
    headline = " ".join(texts(li_na))
    assert 'data-testid="bsc-total">–<' in headline
    assert "nothing to compare with" in headline

    # the unit without KPIs in its parent's table, and the company's own tables
    _no_raw_none(small_app(unit="HQ", period="2026-03"))


def test_missing_figures_read_dash_on_the_demo_person_who_missed_the_upload(app):
    at = app(unit="SALES_N")
    _no_raw_none(at)
    first = children_table(at).iloc[0]
    assert first["Status"] == "○ no data" and pd.isna(first["Total"]) and first["Data coverage"] == "0%"


# --------------------------------------------------------------------------- the comparison


@pytest.mark.parametrize(
    ("view", "lang", "label"),
    [
        ("month", "en", "vs previous month (2026-02)"),
        ("quarter", "en", "vs previous quarter to date (to 2025-12)"),
        ("ytd", "en", "vs year to date a month earlier (to 2026-02)"),
        ("month", "zh", "较上月(2026-02)"),
        ("quarter", "zh", "较上季同期(截至 2025-12)"),
        ("ytd", "zh", "较上月年度累计(截至 2026-02)"),
    ],
)
def test_the_comparison_names_what_it_compares_with(small_app, view, lang, label):
    at = small_app(unit="HQ", period="2026-03", view=view, lang=lang)
    change = html.unescape(next(s for s in texts(at) if 'data-testid="bsc-change"' in s))
    assert f'<div class="bsc-sub">{label}</div>' in change


def test_the_change_shows_both_totals_whole(small_app):
    # HQ, February by hand: rev 110/100 -> 1.10 x 40 = 44; days 2 - 44/40 = 0.90 x 20 = 18;
    # spend 100/100 inside its band -> 10; csat 0.5 x 1.00 + 0.5 x 0.9 (YTD 85.5/90 = 95%
    # tier) = 0.95 x 20 = 19; staff 19/20 = 0.95 x 10 = 9.5.  Total 100.5; March 85.0.
    at = small_app(unit="HQ", period="2026-03")
    change = next(s for s in texts(at) if 'data-testid="bsc-change"' in s)
    assert "<span>100.5 →</span><span>85.0</span>" in change
    assert "↓ -15.5" in change
    # the quarter before 2026-03 is 2025-12, which has no figures: a dash, and why
    quarter = small_app(unit="HQ", period="2026-03", view="quarter")
    change = html.unescape(next(s for s in texts(quarter) if 'data-testid="bsc-change"' in s))
    assert "<span>–</span>" in change and "nothing to compare with" in change


# --------------------------------------------------------------------------- KPI tables


def test_kpi_tables_lead_with_the_figures_and_drop_an_empty_alert_column(app):
    hq = app(unit="HQ")
    kpi_tables = [d.value for d in hq.dataframe if "KPI" in d.value.columns]
    assert len(kpi_tables) == 4
    for frame in kpi_tables:  # the company's own KPIs have no alert this month
        assert list(frame.columns) == [
            "KPI",
            "Completion",
            "Points",
            "Status",
            "12-month trend",
            "Actual / target",
            "Weight",
        ]


def test_the_alert_column_comes_last_when_a_kpi_has_an_alert(app):
    cs = app(unit="CS")
    # customer, internal process (its goal-setting task only) and learning
    customer, process, learning = (d.value for d in cs.dataframe if "KPI" in d.value.columns)
    assert list(process["KPI"]) == ["◆ Task · Complaint handling process redesign"]
    assert list(customer.columns)[-1] == "Alert"
    assert "Alert" not in learning.columns  # none of its KPIs has an alert: no empty column
    assert list(customer.columns)[:5] == ["KPI", "Completion", "Points", "Status", "12-month trend"]
    marked = dict(zip(customer["KPI"], customer["Alert"], strict=True))
    assert marked["Customer satisfaction"] == "✖ critical"


def test_the_markers_of_the_children_are_explained(app):
    at = app(unit="HQ")
    assert children_table(at)["Unit"].iloc[0] == "Customer Service ✖14 ▲14"
    legend = [c.value for c in at.caption if c.value.startswith("✖2 ▲1 after a name")]
    assert legend and "2 critical (✖), 1 warning (▲)" in legend[0]
    zh = app(unit="HQ", lang="zh")
    assert any(c.value.startswith("名称后的 ✖2 ▲1") for c in zh.caption)


def test_meeting_mode_tables_are_html_with_coloured_status(app):
    at = app(unit="CS", meeting="1")
    html = " ".join(m.value for m in at.markdown if "bsc-kpis" in m.value)
    # status: Okabe-Ito fill, symbol and word
    assert 'style="background:#D55E00;color:#FFFFFF">✖ off track</span>' in html
    assert 'style="background:#009E73;color:#FFFFFF">✔ on track</span>' in html
    # each KPI name opens its detail for this unit and month, in meeting mode
    assert 'href="kpi_detail?unit=CS&amp;period=2026-10&amp;view=month&amp;lang=en&amp;kpi=CSAT&amp;meeting=1"' in html
    assert "<svg" in html
    children = next(m.value for m in at.markdown if "bsc-children" in m.value)
    assert 'href="?unit=' in children and "meeting=1" in children


# --------------------------------------------------------------------------- figures


def test_sparklines_use_their_own_range():
    # 99 -> 100 -> 101 fills the height: x at 4, 50, 96; y from 26 (99) to 4 (101)
    svg = figures.sparkline_svg([99.0, 100.0, 101.0], "green")
    assert 'points="4.0,26.0 50.0,15.0 96.0,4.0"' in svg
    # a steady KPI is drawn across the middle at least 2 points high, not as noise
    flat = figures.sparkline_svg([100.0, 100.0, 100.0], "green")
    assert 'points="4.0,15.0 50.0,15.0 96.0,15.0"' in flat
    assert figures.sparkline_svg([float("nan"), 100.0], "no_data") == ""


def test_completion_labels_have_one_decimal_so_amber_never_reads_100_percent():
    history = pd.DataFrame(
        {
            "period": ["2026-08", "2026-09", "2026-10"],
            "completion": [0.996, 1.004, float("nan")],
            "points": [9.96, 10.04, float("nan")],
            "status": ["amber", "green", "no_data"],
        }
    )
    kpi = pd.Series({"direction": "higher", "green_at": 1.0, "amber_at": 0.9, "band_low": None, "band_high": None})
    fig = figures.completion_and_points(history, kpi, "en")
    assert list(fig.data[0].text) == ["99.6%", "100.4%", ""]


def test_bar_figures_sit_at_the_start_of_their_bars_away_from_the_target_line():
    children = pd.DataFrame(
        {
            "unit_id": ["A", "B", "C"],
            "label": ["A", "B", "C"],
            "total": [98.0, 103.0, float("nan")],
            "status": ["amber", "green", "no_data"],
            "kpi_count": [3, 3, 0],
        }
    )
    bar = figures.children_bar(children, "en").data[0]
    assert bar.insidetextanchor == "start"
    assert list(bar.textposition) == ["outside", "auto", "auto"]  # bottom-up: C has no bar


def test_a_long_history_labels_only_the_latest_month_and_the_months_off_track():
    """Twelve months in a chart half a 1366 px screen wide: twelve labels collide.
    Only the latest figure and the at-risk (March) and off-track (July) months
    keep theirs; hovering still shows every month."""
    periods = [f"2026-{m:02d}" for m in range(1, 13)]
    status = ["green"] * 2 + ["amber"] + ["green"] * 3 + ["red"] + ["green"] * 4 + ["no_data"]
    history = pd.DataFrame(
        {
            "period": periods,
            "actual": [100.0 + m for m in range(11)] + [float("nan")],
            "target": [100.0] * 12,
            "completion": [1.0 + m / 100 for m in range(11)] + [float("nan")],
            "points": [10.0 + m / 10 for m in range(11)] + [float("nan")],
            "status": status,
        }
    )
    kpi = pd.Series({"direction": "higher", "green_at": 1.0, "amber_at": 0.9, "band_low": None, "band_high": None})
    actual = figures.kpi_over_time(history, kpi, "en").data[-1]
    assert [(p, x) for p, x in zip(periods, actual.text, strict=True) if x] == [
        ("2026-03", "102.0"),
        ("2026-07", "106.0"),
        ("2026-11", "110.0"),
    ]
    completion, points = figures.completion_and_points(history, kpi, "en").data[:2]
    assert [x for x in completion.text if x] == ["102.0%", "106.0%", "110.0%"]
    assert [x for x in points.text if x] == ["10.2", "10.6", "11.0"]
