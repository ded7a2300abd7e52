"""Loading files: every problem is reported with its row and column, nothing is
half-written, and a restatement replaces a value while keeping the old one."""

from __future__ import annotations

import pytest

from kpi_core import ingest, scorecard
from kpi_core.store import Store
from tests.conftest import SMALL, TODAY


def load(store, kind, text, name=None, **kw):
    return ingest.load(store, kind, text.encode("utf-8"), name or f"{kind}.csv", today=TODAY, **kw)


def where(report):
    return [(p.row, p.column) for p in report.validated.errors]


BAD_ACTUALS = [
    # (file body after the header, expected (row, column) of each error)
    ("HQ,rev,2026-03,abc\n", [(2, "actual")]),
    ("HQ,rev,2026-03,\n", [(2, "actual")]),
    ("HQ,rev,2026-03,inf\n", [(2, "actual")]),
    ("HQ,rev,2026-03,NaN\n", [(2, "actual")]),
    ("HQ,rev,2026-13,5\n", [(2, "period")]),
    ("HQ,rev,26-03,5\n", [(2, "period")]),
    ("HQ,rev,2027-01,5\n", [(2, "kpi_id"), (2, "period")]),  # a future month, and no 2027 plan
    ("XX,rev,2026-03,5\n", [(2, "unit_id")]),
    ("HQ,nope,2026-03,5\n", [(2, "kpi_id")]),
    ("P1,days,2026-03,5\n", [(2, "kpi_id")]),  # not assigned to P1
    ("HQ,rev,2026-03,5\nHQ,rev,2026-03,6\n", [(3, "period")]),  # duplicate key
    ("HQ,rev,2026-03,5,9\n", [(2, "")]),  # ragged row
    ("HQ,rev,2026-03,5\nHQ,days,2026-03,x\nOPS,rev,2026-03,1\n", [(3, "actual"), (4, "kpi_id")]),
]


@pytest.mark.parametrize(("body", "expected"), BAD_ACTUALS)
def test_bad_rows_are_named_and_nothing_changes(small_store, body, expected):
    before = small_store.table_checksums()
    report = load(small_store, "actuals", "unit_id,kpi_id,period,actual\n" + body)
    assert where(report) == expected
    assert report.result is None
    assert small_store.table_checksums() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(1, "")]),
        ("unit_id,kpi_id,period,actual\n", [(2, "")]),
        ("unit_id,kpi_id,period\nHQ,rev,2026-03\n", [(1, "actual")]),
        ("unit_id,kpi_id,period,actual,actual\nHQ,rev,2026-03,1,2\n", [(1, "actual")]),
        ("unit_id,kpi_id,period,actual,colour\nHQ,rev,2026-03,1,red\n", [(1, "colour")]),
    ],
)
def test_bad_headers(small_store, text, expected):
    before = small_store.table_checksums()
    report = load(small_store, "actuals", text)
    assert where(report) == expected
    assert small_store.table_checksums() == before


def test_messages_name_file_row_column_and_value(small_store):
    report = load(small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,12x\n", "march.csv")
    assert str(report.validated.errors[0]) == "march.csv: row 2, column actual ('12x'): not a finite number"


def test_header_in_any_case_with_spaces_and_bom(small_store):
    text = "\ufeff Unit_ID ,KPI_id,Period, ACTUAL\nHQ,rev,2026-03,160\n"
    report = load(small_store, "actuals", text)
    assert report.validated.ok, where(report)
    assert report.result.rows_changed == 1


def test_restatement_replaces_the_value_and_keeps_the_old_one(small_store):
    before = scorecard.build(small_store, "HQ", "2026-03").total
    report = load(small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,180\n", "restate.csv")
    assert (report.result.rows_added, report.result.rows_changed) == (0, 1)
    after = scorecard.build(small_store, "HQ", "2026-03").total
    assert after - before == pytest.approx(40 * (180 - 150) / 200)  # 30 -> 36 points
    history = small_store.value_history("HQ", "rev")
    assert history[["period", "old_value", "new_value"]].values.tolist() == [["2026-03", 150.0, 180.0]]
    assert history["file_name"].tolist() == ["restate.csv"]


def test_loading_the_same_file_twice_changes_nothing(small_store):
    before = small_store.table_checksums()
    report = load(small_store, "actuals", SMALL["actuals"])
    assert report.result.rows_unchanged == report.result.rows_total > 0
    assert report.result.batch_id is None
    assert small_store.table_checksums() == before


def test_every_value_knows_its_batch(small_store):
    batches = small_store.batches()
    assert set(batches["kind"]) == {"units", "kpis", "assignments", "targets", "actuals"}
    assert batches["sha256"].str.len().eq(64).all()
    rows = small_store.cursor().execute("SELECT count(*) FROM actuals WHERE batch_id IS NULL").fetchone()[0]
    assert rows == 0


def test_dry_run_reports_and_writes_nothing(small_store):
    before = small_store.table_checksums()
    report = load(
        small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,1\nSALES,rev,2026-02,5\n", dry_run=True
    )
    r = report.result
    # HQ's March revenue is restated (150 -> 1); SALES has no February actual yet
    assert (r.rows_added, r.rows_changed, r.rows_unchanged) == (1, 1, 0)
    assert small_store.table_checksums() == before


def test_a_failure_inside_the_transaction_leaves_the_store_as_it_was(small_store, monkeypatch):
    from kpi_core.store import writes

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    before = small_store.table_checksums()
    monkeypatch.setattr(writes, "_upsert", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        load(small_store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,1\n")
    assert small_store.table_checksums() == before


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("units", "unit_id,name,name_zh,kind,parent_id\nX,X,,team,HQ\n", [(2, "kind")]),
        ("units", "unit_id,name,name_zh,kind,parent_id\nX,X,,department,NOPE\n", [(2, "parent_id")]),
        ("units", "unit_id,name,name_zh,kind,parent_id\nX,X,,department,P1\n", [(2, "parent_id")]),
        ("units", "unit_id,name,name_zh,kind,parent_id\nHQ2,Other,,company,\n", [(2, "kind")]),
        (
            "units",
            "unit_id,name,name_zh,kind,parent_id\nA,A,,department,B\nB,B,,department,A\n",
            [(2, "parent_id"), (3, "parent_id")],
        ),
        ("assignments", "unit_id,kpi_id,year,weight,role\nHQ,rev,2026,140,core\n", [(2, "weight")]),
        ("assignments", "unit_id,kpi_id,year,weight,role\nHQ,rev,26,40,main\n", [(2, "role"), (2, "year")]),
    ],
)
def test_set_up_files_are_checked(small_store, kind, text, expected):
    before = small_store.table_checksums()
    assert where(load(small_store, kind, text)) == expected
    assert small_store.table_checksums() == before


KPI_HEADER = SMALL["kpis"].splitlines()[0]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("x,X,,financial,band,%,sum,d,,,,0.9,,2,,,", "band_high"),
        ("x,X,,financial,band,%,sum,d,,,,1.1,1.0,2,,,", "band_high"),
        ("x,X,,financial,higher,%,sum,d,0.8,0.7,,,,,,,", "cap"),
        ("x,X,,financial,higher,%,sum,d,,,,,,,0.8,0.9,", "amber_at"),
        ("x,X,,financial,higher,%,sum,d,,,0.9-0.7,,,,,,", "tiers"),
        ("x,X,,money,higher,%,sum,d,,,,,,,,,", "perspective"),
        ("x,X,,financial,up,%,sum,d,,,,,,,,,", "direction"),
        ("x,X,,financial,higher,%,total,d,,,,,,,,,", "accumulation"),
        ("x,X,,financial,higher,%,sum,d,,,,,,,,,1.5", "blend"),
    ],
)
def test_kpi_rules_are_checked(small_store, row, column):
    report = load(small_store, "kpis", f"{KPI_HEADER}\n{row}\n")
    assert [c for _, c in where(report)] == [column]


def test_a_new_database_has_the_current_schema(tmp_path):
    from kpi_core.store import SCHEMA_VERSION

    with Store(tmp_path / "new.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.is_empty()
    with Store(tmp_path / "new.duckdb") as again:  # reopening migrates nothing and loses nothing
        assert again.schema_version() == SCHEMA_VERSION


# ----------------------------------------------------------------- issue 10: hostile input
# Every number and position below is worked out by hand in the comments.

U = "unit_id,name,name_zh,kind,parent_id\n"
A = "unit_id,kpi_id,period,actual\n"


def errors(report):
    return [(p.row, p.column, p.value, p.reason) for p in report.validated.errors]


def xlsx_bytes(rows, stray=None):
    """A workbook of ``rows``; ``stray`` = (row, column, value or None): one
    more cell far away (None: formatted, no value)."""
    import io

    import openpyxl
    from openpyxl.styles import PatternFill

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "data"
    for row in rows:
        ws.append(row)
    if stray is not None:
        cell = ws.cell(row=stray[0], column=stray[1], value=stray[2])
        cell.fill = PatternFill("solid", fgColor="FFFF00")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_person_cannot_keep_the_units_stored_below_it(small_store):
    # OPS gets 7 persons below it (stored), then a file makes OPS a person: row 2, column kind
    persons = "".join(f"Q{i},Person {i},,person,OPS\n" for i in range(1, 8))
    assert load(small_store, "units", U + persons).validated.ok
    before = small_store.table_checksums()
    report = load(small_store, "units", U + "OPS,Operations,运营部,person,HQ\n")
    assert errors(report) == [
        (2, "kind", "person", "a person cannot have units below it; it is the parent of Q1, Q2, Q3 ... (7 in all)")
    ]
    assert report.result is None and small_store.table_checksums() == before


def test_a_person_may_be_made_of_a_unit_whose_children_the_same_file_moves(small_store):
    # SALES has P1 below it in the store; the file moves P1 to OPS and makes SALES a person
    text = U + "SALES,Sales,销售部,person,HQ\nP1,Li Na,李娜,person,OPS\n"
    assert load(small_store, "units", text, dry_run=True).validated.ok


def test_tiers_must_be_finite_in_the_scoring_rule_and_in_the_file(small_store):
    from kpi_core import scoring

    with pytest.raises(ValueError, match="finite"):
        scoring.credited(0.85, tiers="0.9:nan")  # used to return nan
    with pytest.raises(ValueError, match="finite"):
        scoring.parse_tiers("inf:0.7")
    for tiers in ("0.9:nan", "inf:0.7", "0.9:0.7;1.0:-inf"):
        report = load(small_store, "kpis", f"{KPI_HEADER}\nx,X,,financial,higher,%,sum,d,,,{tiers},,,,,,\n")
        assert errors(report) == [(2, "tiers", tiers, "tier numbers must be finite (no nan or inf)")]


@pytest.mark.parametrize(
    ("sort_order", "reason"),
    [
        ("3000000000", "must be a whole number from -2147483648 to 2147483647"),
        ("2147483648", "must be a whole number from -2147483648 to 2147483647"),  # 2**31: one past INTEGER
        ("-2147483649", "must be a whole number from -2147483648 to 2147483647"),
        ("2.5", "must be a whole number"),
        ("1e-3", "must be a whole number"),
    ],
)
def test_sort_order_must_fit_the_stores_integer(small_store, sort_order, reason):
    before = small_store.table_checksums()
    report = load(small_store, "units", U[:-1] + f",sort_order\nX1,X,,department,HQ,{sort_order}\n")
    assert errors(report) == [(2, "sort_order", sort_order, reason)]
    assert small_store.table_checksums() == before


def test_sort_order_at_the_integer_limits_is_stored_and_a_reload_changes_nothing(small_store):
    text = (
        U[:-1]
        + ",sort_order\nX1,X,,department,HQ,2147483647\nX2,Y,,department,HQ,-2147483648\nX3,Z,,department,HQ,2.0\n"
    )
    first = load(small_store, "units", text)
    assert first.result.rows_added == 3
    stored = small_store.units().set_index("unit_id")["sort_order"]
    assert (stored["X1"], stored["X2"], stored["X3"]) == (2147483647, -2147483648, 2)
    again = load(small_store, "units", text)  # 2.5 used to be stored as 2: every reload was "changed"
    assert (again.result.rows_unchanged, again.result.batch_id) == (3, None)


@pytest.mark.parametrize(
    ("kind", "text", "column", "value"),
    [
        ("actuals", A + "HQ,rev,2026-03,1e308\n", "actual", "1e308"),
        ("actuals", A + "HQ,rev,2026-03,-1000000000000001\n", "actual", "-1000000000000001"),  # 1e15 + 1
        ("targets", "unit_id,kpi_id,period,target\nHQ,rev,2026-03,2e15\n", "target", "2e15"),
        ("kpis", f"{KPI_HEADER}\nx,X,,financial,higher,%,sum,d,,1e16,,,,,,,\n", "cap", "1e16"),
    ],
)
def test_numbers_beyond_1e15_are_refused(small_store, kind, text, column, value):
    reason = "beyond 1e15 in magnitude: no scorecard figure is that large; check the number and its unit of measure"
    assert errors(load(small_store, kind, text)) == [(2, column, value, reason)]


def test_1e15_itself_is_accepted(small_store):
    report = load(small_store, "actuals", A + "HQ,rev,2026-03,1e15\n", dry_run=True)
    assert report.validated.ok  # far outside rev's history: a warning, not an error
    assert [p.column for p in report.validated.warnings] == ["actual"]


def raw(store, kind, data, name="file.csv"):
    return ingest.load(store, kind, data, name, today=TODAY)


def test_a_bad_byte_in_a_cr_only_file_is_at_its_row_and_column(small_store):
    # old Mac line endings: "\r" only. Offsets: the header is 28 bytes + "\r" (0-28),
    # row 2 "HQ,rev,2026-01,95\r" is 18 (29-46), row 3 "HQ,rev,2026-02,110\r" is 19
    # (47-65), row 4 starts at 66 and "HQ,rev,2026-03,1" is 16 bytes: the 0xFF is byte 82,
    # in the 4th field of row 4 (it used to say "row 1, column 1ÿ0")
    data = b"unit_id,kpi_id,period,actual\rHQ,rev,2026-01,95\rHQ,rev,2026-02,110\rHQ,rev,2026-03,1\xff0\r"
    report = raw(small_store, "actuals", data)
    assert errors(report) == [
        (4, "actual", "\xff0", "the file is neither UTF-8 nor GBK/GB18030 text (byte 82): save it as CSV UTF-8")
    ]


def test_a_bad_byte_after_a_bom_is_at_its_byte(small_store):
    # BOM (3 bytes) + header (29 bytes with "\n") + "HQ,rev,2026-03," (15): the 0xFF is byte 47,
    # the first byte of the 4th field, actual (3 bytes off, it was blamed on period)
    data = b"\xef\xbb\xbf" + A.encode() + b"HQ,rev,2026-03,\xff150\n"
    assert errors(raw(small_store, "actuals", data)) == [
        (2, "actual", "\xff150", "the file is neither UTF-8 nor GBK/GB18030 text (byte 47): save it as CSV UTF-8")
    ]


def test_a_bad_byte_after_a_quoted_line_break_counts_records_not_lines(small_store):
    # the quoted "1\n2" is one cell of row 2, so the next record is row 3 (line 4 of the file)
    data = A.encode() + b'HQ,rev,2026-03,"1\n2"\nHQ,days,2026-03,4\xff\n'
    assert [(r, c) for r, c, _, _ in errors(raw(small_store, "actuals", data))] == [(3, "actual")]


def test_a_gbk_character_cut_off_at_the_end_is_blamed_not_the_first_chinese_cell(small_store):
    # header 36 bytes; row 2 "X8,Sales 2,销售二部,department,HQ\n" is 11 + 8 (GBK) + 15 = 34 bytes
    # (36-69); row 3 starts at 70, "X9,Ops 2," is 9 bytes, 运 is bytes 79-80 and the lone lead
    # byte 0xD3 is byte 81, in name_zh (UTF-8 fails first at 销, row 2: the old, wrong, answer)
    data = (U + "X8,Sales 2,销售二部,department,HQ\n").encode("gbk") + b"X9,Ops 2,\xd4\xcb\xd3"
    assert errors(raw(small_store, "units", data)) == [
        (3, "name_zh", "\xd3", "the file is neither UTF-8 nor GBK/GB18030 text (byte 81): save it as CSV UTF-8")
    ]


def test_a_one_megabyte_definition_is_named_by_its_column(small_store):
    text = f"{KPI_HEADER}\nx,X,,financial,higher,%,sum,{'d' * 1_048_576},,,,,,,,,\n"
    assert errors(load(small_store, "kpis", text)) == [
        (2, "definition", "d" * 60, "longer than 2000 characters (1048576)")
    ]


def test_latin1_read_as_gbk_is_refused_and_real_gbk_names_are_not(small_store):
    # "Müller" in Latin-1 is 4D FC 6C 6C 65 72; as GB18030, FC 6C is one character (黮)
    report = raw(small_store, "units", (U + "MU,Müller,,department,HQ\n").encode("latin-1"))
    reason = (
        "read as GBK this has the rare character 黮 next to Latin letters: the file may be Latin-1 "
        "(Western European) text; save it as CSV UTF-8"
    )
    assert errors(report) == [(2, "name", "M黮ler", reason)]
    # 镕 and 喆 are outside GB2312 too, but next to Chinese, not to Latin letters
    gbk = (U + "ZR,Zhu Rongji,朱镕基,department,HQ\nWZ,Wang Zhe 2,王喆,department,HQ\n").encode("gbk")
    assert raw(small_store, "units", gbk).validated.ok


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("＝cmd|' /C calc'!A0", "name"),  # full-width =
        ("＋HYPERLINK(1)", "name"),
        ("－x", "name"),
        ("＠SUM(A1)", "name"),
    ],
)
def test_full_width_formula_starts_are_refused(small_store, name, column):
    report = load(small_store, "units", U + f"X1,{name},,department,HQ\n")
    assert [(r, c, v) for r, c, v, _ in errors(report)] == [(2, column, name)]


def test_text_direction_controls_are_refused_and_shown_visibly(small_store):
    # "Invoice\u202egnp.exe" displays as "Invoiceexe.png"
    report = load(small_store, "units", U + "X1,Invoice\u202egnp.exe,销售\u2066部,department,HQ\n")
    assert errors(report) == [
        (
            2,
            "name",
            "Invoice<U+202E>gnp.exe",
            "contains the invisible text-direction control U+202E, which makes text display as something else",
        ),
        (
            2,
            "name_zh",
            "销售<U+2066>部",
            "contains the invisible text-direction control U+2066, which makes text display as something else",
        ),
    ]
    zero_width = load(small_store, "units", U + "X1,Zero\u200bwidth,,department,HQ\n", dry_run=True)
    assert zero_width.validated.ok  # zero-width spaces and joiners are left alone


def chain(depth, top="HQ"):
    """D1 under ``top``, D2 under D1 ... (D<n> on row n + 1)."""
    return "".join(f"D{n},D{n},,department,{top if n == 1 else f'D{n - 1}'}\n" for n in range(1, depth + 1))


def test_twelve_levels_below_the_company_load_and_thirteen_are_refused(small_store):
    assert load(small_store, "units", U + chain(12), dry_run=True).validated.ok
    # D13 is 13 levels below HQ and on row 14; D14 ... are deeper but only the first is named
    assert errors(load(small_store, "units", U + chain(5000))) == [
        (14, "parent_id", "D12", "this puts D13 13 levels below the company; at most 12 levels are allowed")
    ]


def test_moving_a_stored_subtree_under_a_deep_chain_names_the_row_that_moved_it(small_store):
    # D1-D11 (rows 2-12) are 1-11 levels down; SALES moves under D11 (row 13, level 12), and its
    # stored person P1 would be at level 13
    report = load(small_store, "units", U + chain(11) + "SALES,Sales,销售部,department,D11\n")
    assert errors(report) == [
        (13, "parent_id", "D11", "this puts P1 13 levels below the company; at most 12 levels are allowed")
    ]


def test_a_loop_is_still_a_loop_and_its_units_are_not_too_deep(small_store):
    text = U + "A,A,,department,B\nB,B,,department,C\nC,C,,department,A\nE,E,,department,A\n"
    found = errors(load(small_store, "units", text))
    assert [(r, c) for r, c, _, _ in found] == [(2, "parent_id"), (3, "parent_id"), (4, "parent_id"), (5, "parent_id")]
    assert {reason for _, _, _, reason in found} == {"the parent chain loops back to this unit"}


# --------------------------------------------------- limits, made small to check them exactly


def test_data_below_the_last_row_is_refused_and_blank_lines_are_only_counted(monkeypatch, small_store):
    monkeypatch.setattr(ingest, "MAX_ROWS", 3)  # rows 2-4 may hold data
    good = "HQ,rev,2026-01,1\nHQ,rev,2026-02,2\nHQ,rev,2026-03,3\n"
    assert ingest.parse("actuals", (A + good + "\n" * 1000).encode(), "f.csv").problems == []
    # a blank line makes the third data row row 5
    parsed = ingest.parse(
        "actuals", (A + "HQ,rev,2026-01,1\n\nHQ,rev,2026-02,2\n ,,, \nHQ,rev,2026-03,3\n").encode(), "f.csv"
    )
    reason = "data below row 4: a file holds at most 3 rows under its header; split it (e.g. by department)"
    assert [(p.row, p.column, p.value, p.reason) for p in parsed.problems] == [(6, "unit_id", "HQ", reason)]


def test_blank_lines_keep_the_rows_numbered_as_a_spreadsheet_does(small_store):
    # 1,000 empty lines are rows 2-1,001: the bad value is on row 1,002
    report = load(small_store, "actuals", A + "\n" * 1000 + "HQ,rev,2026-03,abc\n")
    assert [(r, c) for r, c, _, _ in errors(report)] == [(1002, "actual")]


def test_too_many_cells_are_refused_where_the_limit_is_passed(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_CELLS", 10)
    # header 4 + row 2 4 = 8 cells; row 3's 3rd cell (period) is the 11th
    parsed = ingest.parse("actuals", (A + "HQ,rev,2026-01,1\nHQ,rev,2026-02,2\n").encode(), "f.csv")
    assert [(p.row, p.column, p.value) for p in parsed.problems] == [(3, "period", "2026-02")]
    parsed = ingest.parse("actuals", xlsx_bytes([HEAD, GOOD, GOOD]), "f.xlsx")
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "unit_id")]  # a sheet's row is kept whole


HEAD = ["unit_id", "kpi_id", "period", "actual"]
GOOD = ["HQ", "rev", "2026-03", 150]


def test_formatting_far_below_or_right_of_the_table_is_not_data():
    # a formatted, empty cell at XFD1048576: its row and column are counted, not kept
    parsed = ingest.parse("actuals", xlsx_bytes([HEAD, GOOD], stray=(1_048_576, 16_384, None)), "f.xlsx")
    assert parsed.problems == []
    assert parsed.frame.drop(columns="_row").values.tolist() == [["HQ", "rev", "2026-03", "150"]]
    assert parsed.frame["_row"].tolist() == [2]


def test_a_value_far_away_is_refused_naming_its_cell():
    parsed = ingest.parse("actuals", xlsx_bytes([HEAD, GOOD], stray=(1_048_576, 16_384, "x")), "f.xlsx")
    reason = "data below row 250,001: a file holds at most 250,000 rows under its header; split it (e.g. by department)"
    assert [(p.row, p.column, p.value, p.reason) for p in parsed.problems] == [(1_048_576, "XFD", "x", reason)]
    parsed = ingest.parse("actuals", xlsx_bytes([HEAD, GOOD], stray=(3, 65, 7)), "f.xlsx")  # BM3
    assert [(p.row, p.column, p.value) for p in parsed.problems] == [(3, "BM", "7")]


def test_a_sheet_storing_too_many_rows_and_cells_stops_at_the_limit(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_XLSX_RECORDS", 12)
    # row 1: 1 row + 4 cells = 5; row 2: 5 more = 10; row 3 is record 11, A3 is 12, B3 (kpi_id) 13
    parsed = ingest.parse("actuals", xlsx_bytes([HEAD, GOOD, GOOD]), "f.xlsx")
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "kpi_id")]


def test_a_zip_bomb_is_refused_from_its_declared_sizes(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_XLSX_UNPACKED_BYTES", 1000)  # a 2-row workbook unpacks to ~8 kB
    parsed = ingest.parse("actuals", xlsx_bytes([HEAD, GOOD]), "f.xlsx")
    assert [(p.row, p.column) for p in parsed.problems] == [(None, "")]
    assert parsed.problems[0].reason.startswith("the workbook unpacks to 0.0 MB; the limit is 0.0 MB")
