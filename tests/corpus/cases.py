"""The hostile-file corpus: malformed or dangerous uploads, each with where the
first problem must be reported (file row, column).

CSV cases are kept as files in ``tests/corpus/files/`` so they can be opened
and read; regenerate them with ``python -m tests.corpus.cases``. Excel cases
are built here with openpyxl (no binary files in the repository). Every case
is loaded against the small company of ``tests/conftest.py`` (today =
2026-11-21) and must be refused with the store unchanged.
"""

from __future__ import annotations

import io
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

CASES: list[Case] = [
    # structure
    Case("ragged_extra_field.actuals.csv", _text(A + "HQ,rev,2026-03,150\nHQ,days,2026-03,38,9\n"), 3, ""),
    Case("ragged_short_row.actuals.csv", _text(A + "HQ,rev,2026-03\n"), 2, ""),
    Case("pipe_delimited.actuals.csv", _text("unit_id|kpi_id|period|actual\nHQ|rev|2026-03|150\n"), 1, "unit_id"),
    Case("mixed_delimiters.actuals.csv", _text(A + "HQ,rev,2026-03,150\nHQ;days;2026-03;38\n"), 3, ""),
    Case("ambiguous_delimiter.actuals.csv", _text("unit_id,kpi_id\tperiod;actual\nHQ,rev\t2026-03;1\n"), 1, ""),
    Case("no_header_row.actuals.csv", _text("HQ,rev,2026-03,150\nHQ,days,2026-03,38\n"), 1, "unit_id"),
    Case("duplicate_header.actuals.csv", _text("unit_id,kpi_id,period,actual,actual\nHQ,rev,2026-03,1,2\n"), 1, "actual"),
    Case("unknown_column.actuals.csv", _text("unit_id,kpi_id,period,actual,colour\nHQ,rev,2026-03,1,red\n"), 1, "colour"),
    Case("unnamed_column.actuals.csv", _text("unit_id,kpi_id,,period,actual\nHQ,rev,x,2026-03,1\n"), 1, "#3"),
    Case("empty.actuals.csv", _text(""), 1, ""),
    Case("blank_lines_only.actuals.csv", _text("\n \n\t\n"), 1, ""),
    Case("header_only.actuals.csv", _text(A), 2, ""),
    Case("blank_first_row.actuals.csv", _text("\n" + A + "HQ,rev,2026-03,150\n"), 1, ""),
    Case("unclosed_quote.actuals.csv", _text(A + 'HQ,rev,2026-03,"150\nHQ,days,2026-03,38\n'), 2, "actual"),
    Case("huge_field.actuals.csv", _text(A + "HQ,rev,2026-03," + "9" * 200_000 + "\n"), 2, ""),
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
    Case("decimal_comma_semicolon.actuals.csv", _text("unit_id;kpi_id;period;actual\nHQ;rev;2026-03;150,000\n"), 2, "actual"),
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
    Case("formula_plus.kpis.csv", _text(K + "x,X,,financial,higher,%,sum,+HYPERLINK(\"http://evil\"),,,,,,,,,\n"), 2, "definition"),
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
]


def write_files() -> None:
    """(Re)write the CSV cases into ``files/``."""
    FILES.mkdir(exist_ok=True)
    for case in CASES:
        if not case.is_excel:
            (FILES / case.name).write_bytes(case.make())


def data(case: Case) -> bytes:
    """The bytes of a case: the file on disk for CSV, built for Excel."""
    return case.make() if case.is_excel else (FILES / case.name).read_bytes()


if __name__ == "__main__":
    write_files()
    print(f"wrote {sum(not c.is_excel for c in CASES)} CSV files to {FILES}")
