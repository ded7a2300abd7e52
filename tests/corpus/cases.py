"""The hostile-file corpus: malformed or dangerous uploads, each with where the
first problem must be reported (file row, column).

CSV cases are kept as files in ``tests/corpus/files/`` so they can be opened
and read; regenerate them with ``python -m tests.corpus.cases``. Excel cases
are built here with openpyxl (no binary files in the repository), and so are
the big ones (``built=True``: a 19 MB file of blank lines, a zip bomb ...),
which would bloat the repository. Every case is loaded against the small
company of ``tests/conftest.py`` (today = 2026-11-21) and must be refused with
the store unchanged; ``tests/test_corpus_limits.py`` loads each one again in a
process with a memory and CPU limit.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FILES = Path(__file__).parent / "files"

A = "unit_id,kpi_id,period,actual\n"
U = "unit_id,name,name_zh,kind,parent_id\n"
K = (
    "kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,floor,cap,tiers,"
    "band_low,band_high,band_penalty,green_at,amber_at,blend\n"
)
W = "unit_id,kpi_id,year,weight,role\n"


@dataclass(frozen=True)
class Case:
    name: str
    """File name; the kind is its second-last part: ``ragged.actuals.csv``."""
    make: Callable[[], bytes]
    row: int | None
    """File row of the expected problem (None: the whole file)."""
    column: str
    built: bool = False
    """Built in code, not kept as a file (too big for the repository)."""

    @property
    def kind(self) -> str:
        return self.name.split(".")[-2]

    @property
    def is_excel(self) -> bool:
        return self.name.endswith(".xlsx")


def _text(text: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: text.encode(encoding)


def _raw(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _hundred_good_rows() -> str:
    """100 valid actuals (rows 2-101), then a text value on row 102."""
    pairs = [("HQ", k) for k in ("rev", "days", "spend", "csat", "staff")]
    pairs += [("SALES", "rev"), ("SALES", "days"), ("OPS", "spend"), ("OPS", "staff"), ("P1", "rev")]
    rows = [f"{u},{k},2026-{m:02d},{10 + m}" for u, k in pairs for m in range(1, 11)]
    return A + "\n".join(rows) + "\nP1,rev,2026-11,n/a\n"


def _book(*sheets: tuple[str, list[list[object]]], merge: tuple[str, str] | None = None) -> Callable[[], bytes]:
    def make() -> bytes:
        import openpyxl

        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets:
            ws = book.create_sheet(title)
            for row in rows:
                ws.append(row)
        if merge:
            book[merge[0]].merge_cells(merge[1])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return make


HEAD = ["unit_id", "kpi_id", "period", "actual"]
GOOD = ["HQ", "rev", "2026-03", 151]
SHEET_XML = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _stray_cell(row: int, column: int) -> Callable[[], bytes]:
    """A real table and one value far away: openpyxl stores only the cells
    that exist, so the workbook is ~5 kB, but its dimension says A1:<cell>."""

    def make() -> bytes:
        import openpyxl

        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "data"
        ws.append(HEAD)
        ws.append(GOOD)
        ws.cell(row=row, column=column, value="x")
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return make


def _with_sheet_xml(write_sheet: Callable[[io.RawIOBase], None]) -> bytes:
    """A workbook built by openpyxl (one sheet, "data") whose sheet XML is
    replaced by what ``write_sheet`` streams into the zip (compressed as it is
    written: a zip bomb is built without holding it unpacked)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "data"
    book.active.append(HEAD)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            if info.filename == SHEET_XML:
                with z.open(SHEET_XML, "w", force_zip64=True) as sheet:
                    write_sheet(sheet)
            else:
                z.writestr(info, source.read(info))
    return out.getvalue()


def _header_xml() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEAD)
    return f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{cells}</row>'.encode()


@functools.cache
def _zip_bomb() -> bytes:
    """A valid sheet padded with 160 MB of spaces between its rows (XML allows
    it): 160 kB zipped, more than MAX_XLSX_UNPACKED_BYTES unpacked."""

    def write(sheet: io.RawIOBase) -> None:
        sheet.write(_header_xml())
        pad = b" " * (1 << 20)
        for _ in range(160):
            sheet.write(pad)
        sheet.write(b"</sheetData></worksheet>")

    return _with_sheet_xml(write)


@functools.cache
def _formatted_empty_cells() -> bytes:
    """The header, then rows 2-200 each storing 16,384 empty formatted cells
    (``<c s="0"/>``, no value): 3.3 million cell records in 33 MB of XML that
    zip to 70 kB. Reading stops at MAX_XLSX_RECORDS (2,250,000)."""

    def write(sheet: io.RawIOBase) -> None:
        sheet.write(_header_xml())
        cells = b'<c s="0"/>' * 16384
        for row in range(2, 201):
            sheet.write(b'<row r="%d">' % row + cells + b"</row>")
        sheet.write(b"</sheetData></worksheet>")

    return _with_sheet_xml(write)


def _deep_chain(depth: int) -> str:
    """D1 under HQ, D2 under D1 ... D<depth> (row n + 1 holds D<n>)."""
    rows = [f"D{n},D{n},,department,{'HQ' if n == 1 else f'D{n - 1}'}" for n in range(1, depth + 1)]
    return U + "\n".join(rows) + "\n"


def _rows_of(row: str, count: int) -> str:
    return A + row * count


def _gbk_cut_off() -> bytes:
    """GBK (as Chinese Excel saves CSV): a good row with Chinese, then a row
    whose last character lost its second byte (the file was cut off)."""
    return (U + "X8,Sales 2,销售二部,department,HQ\n").encode("gbk") + b"X9,Ops 2,\xd4\xcb\xd3"


CASES: list[Case] = [
    # structure
    Case("ragged_extra_field.actuals.csv", _text(A + "HQ,rev,2026-03,150\nHQ,days,2026-03,38,9\n"), 3, ""),
    Case("ragged_short_row.actuals.csv", _text(A + "HQ,rev,2026-03\n"), 2, ""),
    Case("pipe_delimited.actuals.csv", _text("unit_id|kpi_id|period|actual\nHQ|rev|2026-03|150\n"), 1, "unit_id"),
    Case("mixed_delimiters.actuals.csv", _text(A + "HQ,rev,2026-03,150\nHQ;days;2026-03;38\n"), 3, ""),
    Case("ambiguous_delimiter.actuals.csv", _text("unit_id,kpi_id\tperiod;actual\nHQ,rev\t2026-03;1\n"), 1, ""),
    Case("no_header_row.actuals.csv", _text("HQ,rev,2026-03,150\nHQ,days,2026-03,38\n"), 1, "unit_id"),
    Case(
        "duplicate_header.actuals.csv", _text("unit_id,kpi_id,period,actual,actual\nHQ,rev,2026-03,1,2\n"), 1, "actual"
    ),
    Case(
        "unknown_column.actuals.csv", _text("unit_id,kpi_id,period,actual,colour\nHQ,rev,2026-03,1,red\n"), 1, "colour"
    ),
    Case("unnamed_column.actuals.csv", _text("unit_id,kpi_id,,period,actual\nHQ,rev,x,2026-03,1\n"), 1, "#3"),
    Case("empty.actuals.csv", _text(""), 1, ""),
    Case("blank_lines_only.actuals.csv", _text("\n \n\t\n"), 1, ""),
    Case("header_only.actuals.csv", _text(A), 2, ""),
    Case("blank_first_row.actuals.csv", _text("\n" + A + "HQ,rev,2026-03,150\n"), 1, ""),
    Case("unclosed_quote.actuals.csv", _text(A + 'HQ,rev,2026-03,"150\nHQ,days,2026-03,38\n'), 2, "actual"),
    Case("huge_field.actuals.csv", _text(A + "HQ,rev,2026-03," + "9" * 200_000 + "\n"), 2, "actual"),
    # encodings and bytes
    Case("latin1.units.csv", _text(U + "CAFE,Café,,department,HQ\n", "latin-1"), 2, "name"),
    Case("utf16_without_bom.actuals.csv", _text(A + "HQ,rev,2026-03,150\n", "utf-16-le"), 1, ""),
    Case("nul_in_cell.actuals.csv", _text(A + "HQ\x00,rev,2026-03,150\n"), 2, "unit_id"),
    Case("control_character.units.csv", _text(U + "X1,Bell\x07,,department,HQ\n"), 2, "name"),
    Case("binary_garbage.actuals.csv", _raw(A.encode() + bytes(range(128, 256)) * 4), 2, "unit_id"),
    # numbers
    Case("text_in_number.actuals.csv", _text(A + "HQ,rev,2026-03,abc\n"), 2, "actual"),
    Case("nan.actuals.csv", _text(A + "HQ,rev,2026-03,NaN\n"), 2, "actual"),
    Case("inf.actuals.csv", _text(A + "HQ,rev,2026-03,-Infinity\n"), 2, "actual"),
    Case("overflow.actuals.csv", _text(A + "HQ,rev,2026-03,1e400\n"), 2, "actual"),
    Case("type_change_after_row_100.actuals.csv", _text(_hundred_good_rows()), 102, "actual"),
    Case("bad_thousands.actuals.csv", _text(A + 'HQ,rev,2026-03,"1,50"\n'), 2, "actual"),
    Case(
        "decimal_comma_semicolon.actuals.csv",
        _text("unit_id;kpi_id;period;actual\nHQ;rev;2026-03;150,000\n"),
        2,
        "actual",
    ),
    Case("percent_for_days.actuals.csv", _text(A + "HQ,days,2026-03,95%\n"), 2, "actual"),
    Case("fullwidth_digits.actuals.csv", _text(A + "HQ,rev,2026-03,１５０\n"), 2, "actual"),
    Case("formula_in_number.actuals.csv", _text(A + "HQ,rev,2026-03,=1+1\n"), 2, "actual"),
    # periods and references
    Case("impossible_month.actuals.csv", _text(A + "HQ,rev,2026-13,150\n"), 2, "period"),
    Case("date_inside_month.actuals.csv", _text(A + "HQ,rev,2026-03-15,150\n"), 2, "period"),
    Case("month_first_period.actuals.csv", _text(A + "HQ,rev,03/2026,150\n"), 2, "period"),
    Case("future_month.actuals.csv", _text(A + "HQ,rev,2026-12,150\n"), 2, "period"),
    Case("unknown_unit.actuals.csv", _text(A + "XX,rev,2026-03,150\n"), 2, "unit_id"),
    Case("kpi_not_assigned.actuals.csv", _text(A + "P1,days,2026-03,5\n"), 2, "kpi_id"),
    Case("duplicate_key.actuals.csv", _text(A + "HQ,rev,2026-03,150\nHQ,rev,2026/03,151\n"), 3, "period"),
    Case("empty_required.actuals.csv", _text(A + "HQ,,2026-03,150\n"), 2, "kpi_id"),
    # text: formulas (CSV injection), lengths
    Case("formula_cmd.units.csv", _text(U + "X1,=cmd|' /C calc'!A0,,department,HQ\n"), 2, "name"),
    Case("formula_at.units.csv", _text(U + "X1,@SUM(1+1)*cmd|' /C calc'!A0,,department,HQ\n"), 2, "name"),
    Case("formula_minus.units.csv", _text(U + "X1,Team,-2+3+cmd|' /C calc'!A0,department,HQ\n"), 2, "name_zh"),
    Case(
        "formula_plus.kpis.csv",
        _text(K + 'x,X,,financial,higher,%,sum,+HYPERLINK("http://evil"),,,,,,,,,\n'),
        2,
        "definition",
    ),
    Case("formula_in_id.actuals.csv", _text(A + "=HQ,rev,2026-03,150\n"), 2, "unit_id"),
    Case("long_id.actuals.csv", _text(A + "H" * 100 + ",rev,2026-03,150\n"), 2, "unit_id"),
    Case("long_text.kpis.csv", _text(K + "x,X,,financial,higher,%,sum," + "d" * 5000 + ",,,,,,,,,\n"), 2, "definition"),
    # set-up rules
    Case("parent_loop.units.csv", _text(U + "A,A,,department,B\nB,B,,department,A\n"), 2, "parent_id"),
    Case("second_company.units.csv", _text(U + "HQ2,Other,,company,\n"), 2, "kind"),
    Case("weight_over_100.assignments.csv", _text(W + "HQ,rev,2026,140,core\n"), 2, "weight"),
    Case("percent_year.assignments.csv", _text(W + "HQ,rev,2026%,40,core\n"), 2, "year"),
    Case("bad_direction.kpis.csv", _text(K + "x,X,,financial,up,%,sum,d,,,,,,,,,\n"), 2, "direction"),
    # Excel
    Case("two_sheets.actuals.xlsx", _book(("Sheet1", [HEAD, GOOD]), ("Sheet2", [HEAD, GOOD])), None, "sheet"),
    Case("merged_header.actuals.xlsx", _book(("data", [HEAD, GOOD]), merge=("data", "A1:B1")), 1, "unit_id"),
    Case(
        "merged_body.actuals.xlsx",
        _book(("data", [HEAD, GOOD, ["", "days", "2026-03", 38]]), merge=("data", "A2:A3")),
        2,
        "unit_id",
    ),
    Case("formula_cell.actuals.xlsx", _book(("data", [HEAD, ["HQ", "rev", "2026-03", "=1+1"]])), 2, "actual"),
    Case("text_in_number.actuals.xlsx", _book(("data", [HEAD, ["HQ", "rev", "2026-03", "n/a"]])), 2, "actual"),
    Case(
        "date_inside_month.actuals.xlsx",
        _book(("data", [HEAD, ["HQ", "rev", datetime(2026, 3, 15), 150]])),
        2,
        "period",
    ),
    Case("header_on_row_3.actuals.xlsx", _book(("data", [[], [], HEAD, GOOD])), 1, ""),
    Case("empty_workbook.actuals.xlsx", _book(("Sheet1", [])), 1, ""),
    Case("not_a_workbook.actuals.xlsx", _raw(b"PK\x03\x04 this is not a zip file"), None, ""),
    Case("old_xls.actuals.xlsx", _raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100), None, ""),
    # issue 10 (4): small files that unpack to gigabytes. The stray cell is below
    # the last row allowed (250,001); the column is named by the header, or
    # beyond it by its letters.
    Case("stray_cell_xfd1048576.actuals.xlsx", _stray_cell(1_048_576, 16_384), 1_048_576, "XFD"),
    Case("stray_cell_a1048576.actuals.xlsx", _stray_cell(1_048_576, 1), 1_048_576, "unit_id"),
    Case("value_in_column_100.actuals.xlsx", _stray_cell(2, 100), 2, "CV"),
    Case("zip_bomb.actuals.xlsx", _zip_bomb, None, "", built=True),
    # 19,000,000 empty lines are rows 2 to 19,000,001; the row after them is below the limit
    Case(
        "blank_lines_19mb.actuals.csv",
        _text(A + "\n" * 19_000_000 + "HQ,rev,2026-03,150\n"),
        19_000_002,
        "unit_id",
        built=True,
    ),
    Case("only_blank_lines_19mb.actuals.csv", _text("\r\n" * 9_500_000), 1, "", built=True),
    # 250,001 data rows: the last one, on row 250,002, is one too many
    Case("too_many_rows.actuals.csv", _text(_rows_of("HQ,rev,2026-03,1\n", 250_001)), 250_002, "unit_id", built=True),
    Case("wide_row.actuals.csv", _text(A + "HQ,rev,2026-03,150" + "," * 96 + "x\n"), 2, "CV"),
    # issue 10 (5): accepted though invalid. SALES has P1 below it in the store.
    Case("person_with_children.units.csv", _text(U + "SALES,Sales,销售部,person,HQ\n"), 2, "kind"),
    Case("tiers_nan.kpis.csv", _text(K + "x,X,,financial,higher,%,sum,d,,,0.9:nan,,,,,,\n"), 2, "tiers"),
    Case("tiers_inf.kpis.csv", _text(K + "x,X,,financial,higher,%,sum,d,,,inf:0.7,,,,,,\n"), 2, "tiers"),
    Case(
        "sort_order_overflow.units.csv",
        _text(U[:-1] + ",sort_order\nX1,X,,department,HQ,3000000000\n"),
        2,
        "sort_order",
    ),
    Case("sort_order_fraction.units.csv", _text(U[:-1] + ",sort_order\nX1,X,,department,HQ,2.5\n"), 2, "sort_order"),
    Case("huge_value.actuals.csv", _text(A + "HQ,rev,2026-03,1e308\n"), 2, "actual"),
    Case("huge_target.targets.csv", _text("unit_id,kpi_id,period,target\nHQ,rev,2026-03,-2e15\n"), 2, "target"),
    Case("huge_floor.kpis.csv", _text(K + "x,X,,financial,higher,%,sum,d,1e300,,,,,,,,\n"), 2, "floor"),
    # issue 10 (8): messages that pointed to the wrong place
    Case(
        "cr_only_bad_byte.actuals.csv",
        _raw(b"unit_id,kpi_id,period,actual\rHQ,rev,2026-01,95\rHQ,rev,2026-02,110\rHQ,rev,2026-03,1\xff0\r"),
        4,
        "actual",
    ),
    Case("bom_bad_byte.actuals.csv", _raw(b"\xef\xbb\xbf" + A.encode() + b"HQ,rev,2026-03,\xff150\n"), 2, "actual"),
    Case("gbk_cut_off.units.csv", _gbk_cut_off, 3, "name_zh"),
    Case(
        "definition_1mb.kpis.csv",
        _text(K + "x,X,,financial,higher,%,sum," + "d" * 1_048_576 + ",,,,,,,,,\n"),
        2,
        "definition",
        built=True,
    ),
    Case("latin1_mojibake.units.csv", _text(U + "MUELLER,Müller,,department,HQ\n", "latin-1"), 2, "name"),
    Case("fullwidth_equals.units.csv", _text(U + "X1,＝cmd|' /C calc'!A0,,department,HQ\n"), 2, "name"),
    Case(
        "fullwidth_plus.kpis.csv",
        _text(K + 'x,X,,financial,higher,%,sum,＋HYPERLINK("http://evil"),,,,,,,,,\n'),
        2,
        "definition",
    ),
    Case("fullwidth_minus.units.csv", _text(U + "X1,Team,－2+3+cmd|' /C calc'!A0,department,HQ\n"), 2, "name_zh"),
    Case("fullwidth_at.units.csv", _text(U + "X1,＠SUM(1+1),,department,HQ\n"), 2, "name"),
    Case("right_to_left_override.units.csv", _text(U + "X1,Invoice\u202egnp.exe,,department,HQ\n"), 2, "name"),
    Case("bidi_isolate.units.csv", _text(U + "X1,Team,销售\u2067部,department,HQ\n"), 2, "name_zh"),
    # issue 10 (9): D1 is 1 level below the company, D13 (row 14) the first one too deep
    Case("deep_chain_5000.units.csv", _text(_deep_chain(5000)), 14, "parent_id", built=True),
]

#: Files for tests/test_corpus_limits.py only: each takes seconds to refuse (by
#: design: it is the most a file can make ingest do), too slow for every run of
#: the corpus. Rows 2-138 hold 16,385 records each (a row and its cells) after
#: the 5 of row 1 (a row, 4 cells): 5 + 137 x 16,385 = 2,244,750; row 139 adds
#: itself and 5,249 cells, and its 5,250th cell (column GSX) is record 2,250,001.
LIMIT_CASES: list[Case] = [
    Case("formatted_empty_cells.actuals.xlsx", _formatted_empty_cells, 139, "GSX", built=True),
]


def write_files() -> None:
    """(Re)write the CSV cases into ``files/``."""
    FILES.mkdir(exist_ok=True)
    for case in CASES:
        if not case.is_excel and not case.built:
            (FILES / case.name).write_bytes(case.make())


def data(case: Case) -> bytes:
    """The bytes of a case: the file on disk for CSV, built for Excel and big files."""
    return case.make() if case.is_excel or case.built else (FILES / case.name).read_bytes()


if __name__ == "__main__":
    write_files()
    print(f"wrote {sum(not c.is_excel and not c.built for c in CASES)} CSV files to {FILES}")
