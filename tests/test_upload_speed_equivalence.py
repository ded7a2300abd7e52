"""The fast (vectorised, set-based) upload path gives exactly what the
per-cell / per-row rules give: same numbers, same problems, same history keys,
same history statistics. Behaviour only: no timing is asserted here."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpi_core import ingest
from kpi_core.model import FILE_SPECS
from tests.conftest import TODAY

CELLS = [
    "12",
    "-3.5e2",
    "+4",
    ".5",
    "5.",
    "-0",
    "0012",
    "1e999",
    "-1e999",
    "1,234.5",
    "1,234",
    "12,34",
    "95%",
    "12 %",
    "%",
    "=A1",
    "abc",
    "-x",
    "nan",
    "inf",
    "1_000",
    "١٢",
    "",
    "1e-400",
    "3.000000000000000000001",
    "99999999999999999999",
]


def _reference_numbers(ctx: ingest._Context, column: str) -> tuple[list[float], list[str]]:
    """The per-cell reading, as the upload path did it cell by cell."""
    values, reasons = [], []
    rule = None
    for i, text in enumerate(ctx.frame[column]):
        value, reason = math.nan, ""
        if text != "":
            try:
                value, percent = ingest.read_number(text, delimiter=ctx.delimiter)
            except ValueError as exc:
                value, percent, reason = math.nan, False, str(exc)
            if percent:
                rule = rule or ingest._percent_rule(ctx, column)
                scaled, reason = rule(i, value)
                value = math.nan if scaled is None else scaled
        values.append(value)
        reasons.append(reason)
    return values, reasons


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("column", ["actual", "weight"])
def test_numbers_column_wise_equal_the_per_cell_reading(small_store, delimiter, column):
    frame = pd.DataFrame({"kpi_id": ["rev", "csat", "nope"] * len(CELLS), column: CELLS * 3}, dtype=object)
    ctx = ingest._Context("actuals", "f.csv", frame, small_store, TODAY, delimiter, frame)
    values, reasons = ingest._numbers(ctx, column)
    expected_values, expected_reasons = _reference_numbers(ctx, column)
    assert reasons == expected_reasons
    assert np.array_equal(np.array(values), np.array(expected_values), equal_nan=True)
    assert [math.copysign(1, v) for v in values] == [math.copysign(1, v) for v in expected_values]


HOSTILE = [
    "ok",
    "=cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-5",
    "+86",
    "-x",
    "+",
    "a\x00b",
    "a\x01b",
    "tab\there",
    "two\nlines",
    "cr\rhere",
    "x" * 65,
    "y" * 2001,
    "\x7f",
    "",
    "中文",
    "- 5",
    "-5.5.5",
]


@pytest.mark.parametrize("kind", ["units", "kpis", "actuals"])
def test_unsafe_cells_column_wise_equal_the_per_row_rules(kind):
    header = list(FILE_SPECS[kind].columns)
    rows = [[HOSTILE[(i + j) % len(HOSTILE)] for j in range(len(header))] for i in range(len(HOSTILE) * 2)]
    numbers = list(range(2, len(rows) + 2))
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    fast = [p for _, _, p in sorted(ingest._unsafe_body(kind, header, frame, numbers, "f.csv"), key=lambda t: t[:2])]
    expected = [
        p for n, cells in zip(numbers, rows, strict=True) for p in ingest._unsafe_cells(kind, n, header, cells, "f.csv")
    ]
    assert fast == expected
    assert expected  # the cells above are hostile enough to be refused


def test_a_clean_column_is_skipped_but_a_hostile_one_is_not():
    assert ingest._clean_column(["P1", "P2"], 64, numeric=False)
    assert not ingest._clean_column(["P1", "=x"], 64, numeric=False)
    assert ingest._clean_column(["-5", "+3"], 64, numeric=True)
    assert not ingest._clean_column(["P1", "a\tb"], 64, numeric=False)
    assert not ingest._clean_column(["P" * 65], 64, numeric=False)


def test_history_keys_built_in_sql_read_as_before(small_store):
    data = "unit_id,kpi_id,period,actual\nHQ,rev,2026-04,120\nSALES,days,2026/04,33\n"
    report = ingest.load(small_store, "actuals", data.encode(), "apr.csv", today=TODAY)
    assert report.validated.ok
    changes = small_store.batch_changes(report.result.batch_id)
    assert sorted(changes["row_key"]) == ["HQ|rev|2026-04-01", "SALES|days|2026-04-01"]


def test_value_stats_equal_pandas_statistics(small_store):
    rng = np.random.default_rng(5)
    rows = []
    for n, unit in zip([1, 2, 3, 4, 7, 8], ["HQ", "SALES", "OPS", "P1", "HQ", "SALES"], strict=True):
        kpi = "staff" if unit in ("HQ", "SALES") and n > 4 else "rev"
        for m in range(n):
            rows.append((unit, kpi, f"2025-{m + 1:02d}", float(rng.normal(100, 40) * 10.0 ** rng.integers(-2, 4))))
    frame = pd.DataFrame(rows, columns=["unit_id", "kpi_id", "period", "actual"])
    frame["period"] = pd.to_datetime(frame["period"] + "-01").dt.date
    with small_store.transaction() as cur:
        cur.register("seed_rows", frame)
        cur.execute("INSERT OR REPLACE INTO actuals SELECT unit_id, kpi_id, period, actual, NULL FROM seed_rows")
        cur.unregister("seed_rows")
    keys = frame[["unit_id", "kpi_id"]].drop_duplicates()
    stats = small_store.value_stats("actuals", keys, "1900-01", "2200-12")
    past = small_store.monthly_values(sorted(keys["unit_id"].unique()), "1900-01", "2200-12")
    past = past[past["actual"].notna()]
    expected = past.groupby(["unit_id", "kpi_id"])["actual"].agg(["min", "max", "median", "count"]).reset_index()
    got = keys.merge(stats, how="left").sort_values(["unit_id", "kpi_id"]).reset_index(drop=True)
    want = keys.merge(expected, how="left").sort_values(["unit_id", "kpi_id"]).reset_index(drop=True)
    for column in ("min", "max", "median", "count"):
        assert got[column].astype(float).tolist() == want[column].astype(float).tolist(), column


def test_unassigned_equals_a_set_of_assignments(small_store):
    assigned = small_store.assignments()
    known = set(zip(assigned["unit_id"], assigned["kpi_id"], assigned["year"].astype(int), strict=True))
    keys = pd.DataFrame(
        {
            "unit_id": ["HQ", "HQ", "P1", "P1", "OPS"],
            "kpi_id": ["rev", "rev", "rev", "days", "spend"],
            "year": [2026, 2025, 2026, 2026, 2026],
        },
        index=[10, 11, 12, 13, 14],
    )
    missing = small_store.unassigned(keys)
    assert list(missing.index) == [10, 11, 12, 13, 14]
    assert missing.tolist() == [(u, k, y) not in known for u, k, y in keys.itertuples(index=False)]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [(2, ["", " ", "", ""])],
        [(2, [" a ", "b", "", "x"]), (3, ["", " ", "", ""]), (5, ["\tq", "w ", "e", "r"]), (6, ["", "", "", "\n"])],
    ],
)
def test_the_column_wise_body_equals_the_row_by_row_one(rows):
    names = ["unit_id", "kpi_id", "period", "actual"]
    fast, fast_rows, _ = ingest._even_body(rows, names)
    slow, slow_rows, problems = ingest._ragged_body(rows, names, "f.csv")
    pd.testing.assert_frame_equal(fast, slow)
    assert fast_rows == slow_rows
    assert problems == []
