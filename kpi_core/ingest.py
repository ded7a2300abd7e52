"""Ingest: turn an analyst's file into validated, typed rows, or into a list of
every problem in it.

One path for everybody: the CLI's ``load``, the demo loader, the upload page
and the tests call :func:`parse`, :func:`validate` and :func:`load`. Nothing
is written unless the whole file is free of errors; then the store writes it
as one batch (one transaction).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2.

What is accepted, and normalised (what is ambiguous is refused with a reason):

* CSV in UTF-8 (with or without BOM), UTF-16 with a BOM, or GBK/GB18030;
  comma, semicolon or tab separated (decided by the header row); or an .xlsx
  workbook with one sheet of data (or a sheet named after the kind). Merged
  cells, several data sheets, .xls and formulas in Excel cells are refused.
  Files over :func:`max_upload_bytes` (``$KPI_UPLOAD_MAX_MB``, default 20) are
  refused before they are parsed.
* Numbers: "1,234.5" (commas only as thousands separators grouping by three;
  in a semicolon-separated file "1,234" may be a decimal comma and is refused).
  "95%": for an actual or target of a KPI measured in "%" it is 95 (the KPI's
  values are percent points, so "95%" and "95" mean the same); for a
  dimensionless KPI (unit empty, "ratio", "share" ...) it is 0.95; for any
  other unit (days, 10k CNY ...) it is refused. Weights are percents (40% ->
  40); rule thresholds (floor, cap, green_at ...) are shares (60% -> 0.6).
* Periods: 2026-03, 2026/03, 2026.3, 202603, 2026年3月, or a date (an Excel
  date cell) on the first or last day of the month.
* Text: cells that start like a spreadsheet formula (``=``, ``@``, or ``+``/``-``
  not followed by a number) are refused, not neutralised: prefixing them with
  a quote would change the stored names silently, and no real id, name or
  definition starts that way, so the analyst fixes the source instead. The
  full-width forms (＝ ＋ － ＠) count too: Chinese input methods type them, and
  East Asian spreadsheets may read them as the start of a formula. NUL, other control characters and the invisible
  text-direction controls (U+202A-202E, U+2066-2069: they can make a name
  display as something else) are refused; ids are at most 64 characters, other
  text 2000.
* Limits (refused early, with the row and column where reading stopped, so a
  small file cannot unpack into gigabytes): at most :data:`MAX_ROWS` rows under
  the header (data below row ``MAX_ROWS + 1`` is refused; blank rows are
  skipped without being kept), :data:`MAX_COLUMNS` columns and
  :data:`MAX_CELLS` cells. A workbook may unpack to at most
  :data:`MAX_XLSX_UNPACKED_BYTES` (a zip bomb is refused before it is
  opened), and its sheets may store at most :data:`MAX_XLSX_RECORDS` rows
  and cells, empty formatted ones included; a sheet's declared dimension is
  not trusted: its cells are streamed and counted as they come.
* Values: numbers beyond :data:`MAX_ABS_VALUE` in magnitude are refused;
  ``sort_order`` is a whole number within the store's 32-bit INTEGER. Units:
  a person has no units below it, and no unit is more than
  :data:`MAX_TREE_DEPTH` levels below the company.
* Encodings: a byte that is neither UTF-8 nor GB18030 is reported at its row
  and column (any line ending, after a BOM); a GB18030 file with a rare CJK
  character directly next to Latin letters ("M黮ler" is "Müller" in Latin-1)
  is refused as probably Latin-1.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import functools
import hashlib
import io
import itertools
import math
import operator
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.parsers import expat

import numpy as np
import pandas as pd
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from kpi_core import access, formula
from kpi_core.demo import DEMO_DIR
from kpi_core.model import (
    ACCUMULATIONS,
    ATTRIBUTE_KINDS,
    DIRECTIONS,
    FILE_SPECS,
    FREQUENCIES,
    HEADER_ALIASES,
    LOAD_ORDER,
    OKR_KINDS,
    OKR_MODE,
    PAY_KINDS,
    PAY_SCHEMES,
    PERSPECTIVES,
    REVIEW_KINDS,
    ROLES,
    TASK_KINDS,
    TASK_MODES,
    TASK_RESULTS,
    UNIT_KINDS,
    clean_value,
)
from kpi_core.okr import MAX_KRS, MIN_KRS, QUARTER, STATUSES, VALUE_TYPES
from kpi_core.org import Org
from kpi_core.review360 import ALWAYS_SHOWN, GROUPS, MIN_ANSWERS
from kpi_core.scoring import parse_tiers
from kpi_core.store import BatchResult, Store, summarise_changes

HEADER_ROW = 1
REQUIRED_COLUMN = "required column is missing"
PERIOD_FORMS = (
    "period is a month, written 2026-03, 2026/03, 202603, 2026年3月 "
    "or as an Excel date on the first or last day of the month"
)
"""Why a period is refused: every spelling of a month that is accepted."""
MAX_MB_ENV = "KPI_UPLOAD_MAX_MB"
DEFAULT_MAX_MB = 20.0
MAX_ID_LENGTH = 64
"""Longest id (unit_id, kpi_id ...) accepted."""
MAX_TEXT_LENGTH = 2000
"""Longest other text cell (a KPI's caliber is the longest real one, ~500)."""
MAX_ROWS = 250_000
"""Rows a file may hold under its header: about twice the largest real monthly
file (10,000 persons x 12 KPIs = 120,000 rows). Data below row ``MAX_ROWS + 1``
is refused (blank rows count, as a spreadsheet numbers them, but are not kept)."""
MAX_COLUMNS = 64
"""Columns a file may use; the widest kind (kpis) has 23."""
MAX_CELLS = 2_000_000
"""Cells kept from a file (each non-blank row counted at its width, at least the
header's): 250,000 rows of 8 columns. Bounds the memory a file can take."""
MAX_XLSX_UNPACKED_BYTES = 128 * 1024 * 1024
"""What a workbook may unpack to, all parts together (the sum of the sizes its
zip declares; reading never goes past a declared size). A real sheet of
250,000 rows x 4 columns unpacks to 30-60 MB."""
MAX_XLSX_PART_BYTES = 16 * 1024 * 1024
"""What one part other than a worksheet (shared strings, styles ...) may unpack
to: they are read whole. Real ones are well under 1 MB."""
MAX_XLSX_RECORDS = MAX_CELLS + MAX_ROWS
"""Rows and cells a workbook's sheets may store, empty formatted ones included:
as many as the largest file within the limits above needs. Bounds the time to
read a sheet (one to two microseconds each: a few seconds at most)."""
MAX_ABS_VALUE = 1e15
"""Largest magnitude of a number (actual, target, rule threshold): a thousand
times the revenue of the largest company in yuan, and below 2**53, where
doubles stop holding whole numbers exactly. Beyond it is a typo or a unit
slip, and completions and sums would turn into inf."""
INT32_RANGE = (-(2**31), 2**31 - 1)
"""``sort_order`` is stored as a DuckDB INTEGER (32 bits)."""
MAX_TREE_DEPTH = 12
"""Levels a unit may sit below the company. Real organisations have 3-6
(company, division, department, team, person); every page walks the chain from
the company down, so a 5,000-deep chain made the deepest unit's page hang."""
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
RATIO_UNITS = ("", "ratio", "share", "rate", "比率", "比例")
"""KPI units of measure in which "95%" means 0.95 (for "%" KPIs it means 95)."""
_ONE_LINE = ("unit_id", "kpi_id", "parent_id", "period", "year", "kind", "role", "perspective", "direction")
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLAIN_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file."""

    file: str
    row: int | None
    """Row as a spreadsheet numbers it (header = 1); None for the whole file."""
    column: str
    value: str
    reason: str
    severity: str = "error"
    """``error`` blocks the load; ``warning`` is shown and the load may go on."""

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        col = f", column {self.column}" if self.column else ""
        val = f" ({self.value!r})" if self.value else ""
        return f"{self.file}: {where}{col}{val}: {self.reason}"


@dataclass
class Parsed:
    """A file read into text cells, before validation."""

    kind: str
    file_name: str
    sha256: str
    frame: pd.DataFrame
    """All cells as stripped strings; ``_row`` is the file row number."""
    problems: list[Problem] = field(default_factory=list)
    source: str = ""
    """How the file was read, e.g. "CSV, GB18030, semicolon-separated"."""
    delimiter: str = ","
    wide: bool = False
    """A unit attributes file given as unit_id and one column per attribute,
    read into (unit_id, attribute, value) rows (:func:`_attribute_columns`)."""


@dataclass
class Validated:
    """A file after validation: typed rows, and every problem found."""

    kind: str
    file_name: str
    sha256: str
    frame: pd.DataFrame
    problems: list[Problem]
    source: str = ""
    """How the file was read (format, encoding, delimiter)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class LoadReport:
    """The outcome of :func:`load`: the problems, and what was (or would be) written."""

    validated: Validated
    result: BatchResult | None
    dry_run: bool


# --------------------------------------------------------------------------- parsing


def max_upload_bytes() -> int:
    """The size limit of one file: ``$KPI_UPLOAD_MAX_MB`` megabytes, default 20."""
    try:
        mb = float(os.environ.get(MAX_MB_ENV, DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with a BOM,
    else GB18030 (a superset of GBK: what Chinese Excel saves as "CSV")."""
    return decode_with_name(data)[0]


def decode_with_name(data: bytes) -> tuple[str, str]:
    """(text, encoding name); raises UnicodeDecodeError (of the UTF-8 attempt)
    when the bytes are neither UTF-8 nor GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError:
            raise utf8_error from None


def is_excel(data: bytes, file_name: str) -> bool:
    return file_name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04")


def parse(kind: str, data: bytes, file_name: str, *, max_bytes: int | None = None) -> Parsed:
    """Read CSV or .xlsx bytes into text cells, reporting size, encoding,
    header, ragged-row and unsafe-cell problems (all of them)."""
    if kind not in FILE_SPECS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(FILE_SPECS)}")
    sha = hashlib.sha256(data).hexdigest()
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        reason = f"the file is {_mb(len(data))}; the limit is {_mb(limit)}: split it (e.g. one month per file)"
        return Parsed(kind, file_name, sha, pd.DataFrame(), [Problem(file_name, None, "", "", reason)])
    if data.startswith(OLE_MAGIC):
        reason = "an old Excel .xls workbook: save it as .xlsx or as CSV UTF-8"
        return Parsed(kind, file_name, sha, pd.DataFrame(), [Problem(file_name, None, "", "", reason)])
    if is_excel(data, file_name):
        rows, problems, source = _excel_rows(kind, data, file_name)
    else:
        rows, problems, source = _text_rows(kind, data, file_name)
    if problems and not rows:
        return Parsed(kind, file_name, sha, pd.DataFrame(), problems, source)
    wide = kind in ATTRIBUTE_KINDS and _is_wide(rows)
    if wide:
        rows, problems = _attribute_columns(kind, rows, file_name, problems)
    parsed = _frame(kind, rows, file_name, problems)
    parsed.sha256, parsed.source, parsed.wide = sha, source, wide
    parsed.delimiter = next((d for d, n in DELIMITER_NAMES.items() if f"{n}-separated" in source), ",")
    _say_columns_found(rows, parsed)
    return parsed


def _say_columns_found(rows: list[tuple[int, list[str]]], parsed: Parsed) -> None:
    """When required columns are missing, the first "required column is
    missing" line (as the problems are listed) also says which columns the
    header row holds and how the file was split into them (comma, semicolon,
    tab, or an Excel sheet), so a wrong delimiter or header is seen at once."""
    missing = sorted(
        (i for i, p in enumerate(parsed.problems) if p.row == HEADER_ROW and p.reason == REQUIRED_COLUMN),
        key=lambda i: parsed.problems[i].column,
    )
    if not missing or not rows or rows[0][0] != HEADER_ROW:
        return
    if parsed.source.startswith("Excel"):
        how = "read from an Excel sheet"
    elif "-separated" in parsed.source:
        how = f"read as {DELIMITER_NAMES[parsed.delimiter]}-separated"
    else:
        return  # the file could not be split into rows: its own problems say why
    cells = [c.strip() for c in rows[0][1] if c.strip()]
    found = ", ".join(_shown(c)[:40] for c in cells[:12]) + (", ..." if len(cells) > 12 else "")
    first = parsed.problems[missing[0]]
    reason = f"{REQUIRED_COLUMN}; the header row holds {len(cells)} column(s): {found} ({how})"
    parsed.problems[missing[0]] = dataclasses.replace(first, reason=reason)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _text_rows(kind: str, data: bytes, file_name: str) -> tuple[list[tuple[int, list[str]]], list[Problem], str]:
    if _looks_utf16(data):
        reason = "UTF-16 text without a byte-order mark (NUL bytes): save it as CSV UTF-8"
        return [], [Problem(file_name, HEADER_ROW, "", "", reason)], ""
    try:
        text, encoding = decode_with_name(data)
    except UnicodeDecodeError:
        return [], [_encoding_problem(kind, data, file_name)], ""
    if not text or text.isspace():
        return [], [Problem(file_name, HEADER_ROW, "", "", "the file is empty: a header row is needed")], encoding
    delimiter, problem = _sniff(kind, text, file_name)
    if problem is not None:
        return [], [problem], encoding
    rows, problems = _csv_rows(text, delimiter, file_name)
    if problems:
        return rows, problems, encoding
    if encoding == "GB18030":
        problems = _mojibake(rows, file_name)
    return _trim_columns(rows), problems, f"CSV, {encoding}, {DELIMITER_NAMES[delimiter]}-separated"


# A field may be as long as the file: over-long cells are then reported with
# their row and column (longer than MAX_TEXT_LENGTH) instead of the csv
# module's "field larger than field limit (131072)". The file is at most
# max_upload_bytes(), so this bounds nothing that the size limit does not.
csv.field_size_limit(2**31 - 1)


def _csv_rows(text: str, delimiter: str, file_name: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The non-blank records of a CSV text with their row numbers, reading no
    further than the limits (:data:`MAX_ROWS`, :data:`MAX_COLUMNS`,
    :data:`MAX_CELLS`). Empty lines are dropped inside C (a file of 19
    million empty lines costs about a second and no memory); lines of blanks
    and delimiters only are dropped here, before they are kept."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbers = itertools.count(HEADER_ROW)
    # zip takes a number before each record, so after a csv.Error the failing
    # record is the number taken last; filter drops [] (an empty line) in C.
    records = filter(operator.itemgetter(1), zip(numbers, reader, strict=False))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    cells_kept = 0
    last_row = HEADER_ROW + MAX_ROWS
    try:
        for n, cells in records:
            width = len(cells)
            while width and not cells[width - 1].strip():  # the usual row ends with a value: no loop
                width -= 1
            if not width:
                continue  # blanks and delimiters only
            kept = cells_kept + max(width, len(header))
            if n > last_row or width > MAX_COLUMNS or kept > MAX_CELLS:
                return [], [_limit_problem(file_name, n, cells, width, header, cells_kept)]
            if n == HEADER_ROW:
                header = [normalise_header(c) for c in cells]
            cells_kept = kept
            rows.append((n, cells))
    except csv.Error as exc:
        row = next(numbers) - 1
        return rows, [Problem(file_name, row, "", "", f"the CSV cannot be read here: {exc}")]
    return rows, []


def _limit_problem(
    file_name: str, row: int, cells: list[str], width: int, header: list[str], cells_kept: int
) -> Problem:
    """The problem of a non-blank row that goes past a limit, named at the
    first cell beyond it."""
    if row > HEADER_ROW + MAX_ROWS:
        first = next(i for i, c in enumerate(cells) if c.strip())
        return _beyond_rows(file_name, row, _column_name(header, first + 1), cells[first])
    if width > MAX_COLUMNS:
        first = next(i for i in range(MAX_COLUMNS, width) if cells[i].strip())
        return _beyond_columns(file_name, row, _column_name(header, first + 1), cells[first])
    column = min(MAX_CELLS - cells_kept, width - 1)
    value = cells[column] if column < len(cells) else ""
    return Problem(file_name, row, _column_name(header, column + 1), value[:60], _too_many_cells())


def _column_name(header: list[str], column: int) -> str:
    """A 1-based column as problems name it: its header name, else (beyond
    the header, or unnamed) its spreadsheet letters."""
    if column <= len(header) and header[column - 1]:
        return header[column - 1]
    return _letters(column)


def _letters(column: int) -> str:
    """Spreadsheet letters of a 1-based column.

    >>> _letters(1), _letters(27), _letters(16384)
    ('A', 'AA', 'XFD')
    """
    out = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _beyond_rows(file_name: str, row: int, column: str, value: str) -> Problem:
    reason = (
        f"data below row {HEADER_ROW + MAX_ROWS:,}: a file holds at most {MAX_ROWS:,} rows under its header; "
        "split it (e.g. by department)"
    )
    return Problem(file_name, row, column, value[:60], reason)


def _beyond_columns(file_name: str, row: int, column: str, value: str) -> Problem:
    reason = f"data beyond column {_letters(MAX_COLUMNS)}: a file has at most {MAX_COLUMNS} columns"
    return Problem(file_name, row, column, value[:60], reason)


def _too_many_cells() -> str:
    return f"more than {MAX_CELLS:,} cells: split the file (e.g. by department)"


def _looks_utf16(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    head = data[:200]
    return len(head) >= 4 and head.count(0) * 3 >= len(head)


def _encoding_problem(kind: str, data: bytes, file_name: str) -> Problem:
    """Name the row and column of the first byte that is neither UTF-8 nor
    GB18030, by reading the text before it as CSV: quotes, a BOM and any line
    ending (``\\n``, ``\\r\\n``, old Macs' ``\\r``) are counted as the reader
    counts them. The byte is the one at which the likelier encoding fails:
    GB18030's when everything before UTF-8's failure is ASCII (a Chinese file
    with one bad byte, e.g. a GBK character cut off at the end), else UTF-8's.
    ``byte`` in the reason is the offset from the start of the file (0-based)."""
    start, encoding, skip = _first_bad_byte(data)
    head = data[skip : skip + 65536]
    first_line = re.match(rb"[^\r\n]*", head).group().decode(encoding, errors="replace")
    delimiter, _ = _sniff(kind, first_line, file_name)
    names = [normalise_header(c) for c in next(csv.reader([first_line], delimiter=delimiter), [])]
    before = data[skip:start].decode(encoding, errors="replace")
    row, last = HEADER_ROW - 1, [""]
    # "x" stands for the bad byte: it lands in the field the byte is in, even
    # at the start of a line
    for record in csv.reader(io.StringIO(before + "x", newline=""), delimiter=delimiter):
        row, last = row + 1, record
    index = max(len(last) - 1, 0)
    column = names[index] if index < len(names) else ""
    shown = re.match(rb"[^\r\n]*", data[start : start + 4]).group().decode("latin-1")
    reason = f"the file is neither UTF-8 nor GBK/GB18030 text (byte {start}): save it as CSV UTF-8"
    return Problem(file_name, row, column, shown, reason)


def _first_bad_byte(data: bytes) -> tuple[int, str, int]:
    """(offset of the first undecodable byte, the encoding it fails in, bytes
    of BOM to skip)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return exc.start, "utf-16", 0
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        data[skip:].decode("utf-8")
        utf8 = len(data)
    except UnicodeDecodeError as exc:
        utf8 = skip + exc.start
    if skip:
        return utf8, "utf-8", skip  # a BOM says UTF-8
    try:
        data.decode("gb18030")
        gb = len(data)
    except UnicodeDecodeError as exc:
        gb = exc.start
    if gb > utf8 and data[:utf8].isascii():
        return gb, "gb18030", 0
    return utf8, "utf-8", 0


#: Han characters (CJK ideographs and compatibility ideographs).
_HAN_NEXT_TO_LATIN = re.compile(r"[A-Za-z][\u3400-\u9fff\uf900-\ufaff]|[\u3400-\u9fff\uf900-\ufaff][A-Za-z]")


@functools.lru_cache(maxsize=4096)
def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _unlikely_han(text: str) -> str | None:
    """The first Han character outside GB2312 (the 6,763 common ones) that
    stands directly next to a Latin letter: what Latin-1 text read as GBK looks
    like ("Müller" -> "M黮ler": the byte of "ü" and the "l" after it make one
    rare character). None when there is none.

    >>> _unlikely_han(b"M\\xfcller".decode("gb18030")), _unlikely_han("iPhone手机"), _unlikely_han("王喆")
    ('黮', None, None)
    """
    for match in _HAN_NEXT_TO_LATIN.finditer(text):
        pair = match.group()
        han = pair[1] if pair[0].isascii() else pair[0]
        if not _in_gb2312(han):
            return han
    return None


def _mojibake(rows: list[tuple[int, list[str]]], file_name: str) -> list[Problem]:
    """Refuse a file read as GB18030 whose text looks like Latin-1 read as
    GBK (see :func:`_unlikely_han`), naming the first such cell. Refused, not
    warned: the stored names would be garbage, and saving as CSV UTF-8 (which
    this check never applies to) always gets a real GBK name through."""
    header = [normalise_header(c) for c in rows[0][1]] if rows and rows[0][0] == HEADER_ROW else []
    for n, cells in rows:
        for j, cell in enumerate(cells):
            char = None if cell.isascii() else _unlikely_han(cell)
            if char is not None:
                reason = (
                    f"read as GBK this has the rare character {char} next to Latin letters: the file may be "
                    "Latin-1 (Western European) text; save it as CSV UTF-8"
                )
                return [Problem(file_name, n, _column_name(header, j + 1), cell[:60], reason)]
    return []


def _sniff(kind: str, text: str, file_name: str) -> tuple[str, Problem | None]:
    """The delimiter (comma, semicolon or tab) under which the header row names
    the most known columns; a tie between two is refused as ambiguous."""
    first = re.match(r"[^\r\n]*", text[:65536]).group().lstrip("\ufeff")
    known = set(FILE_SPECS[kind].columns)
    scores = {}
    for delimiter in DELIMITER_NAMES:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        scores[delimiter] = len({normalise_header(c) for c in cells} & known)
    best = max(scores.values())
    winners = [d for d, s in scores.items() if s == best]
    if best == 0:
        # no known column under any delimiter: split the header where it falls
        # into the most cells (a semicolon file with unknown names is then
        # reported column by column, not as one long comma-separated cell)
        widths = {d: len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITER_NAMES}
        widest = max(widths.values())
        split = [d for d, w in widths.items() if w == widest]
        return (split[0] if widest > 1 and len(split) == 1 else ","), None
    if len(winners) > 1:
        names = " or ".join(DELIMITER_NAMES[d] for d in winners)
        return ",", Problem(file_name, HEADER_ROW, "", first[:80], f"cannot tell whether the file is {names}-separated")
    return winners[0], None


# --------------------------------------------------------------------------- Excel


class _Refused(Exception):
    """Reading stopped at a limit; ``problem`` says where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


def _excel_rows(kind: str, data: bytes, file_name: str) -> tuple[list[tuple[int, list[str]]], list[Problem], str]:
    """Cells of the one sheet with data (or the sheet named after the kind), as
    text; merged cells and workbooks with several data sheets are refused.

    The zip's declared sizes are checked first (a zip bomb is refused before
    anything is unpacked); openpyxl reads the workbook's small parts (sheet
    list, shared strings, styles) and each sheet is streamed by
    :class:`_SheetReader`, which keeps only cells with a value and stops at
    the first limit passed."""
    problem = _zip_problem(data, file_name)
    if problem is not None:
        return [], [problem], ""
    try:
        book = _Book(data)
        named = [(title, path) for title, path in book.sheets if title.strip().lower() == kind]
        budget = _Budget()
        sheets = []
        if len(named) == 1:  # the sheet named after the kind: the others are not read
            sheets = [(named[0][0], *book.read(named[0][1], file_name, budget))]
        if not sheets or not sheets[0][1]:
            sheets = [(title, *book.read(path, file_name, budget)) for title, path in book.sheets]
    except _Refused as stop:
        return [], [stop.problem], ""
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the analyst's problem, with its reason
        reason = f"not a readable .xlsx workbook ({type(exc).__name__}): save it again as .xlsx or CSV UTF-8"
        return [], [Problem(file_name, None, "", "", reason)], ""
    sheets = [s for s in sheets if s[1]]
    if not sheets:
        return [], [Problem(file_name, HEADER_ROW, "", "", "the workbook is empty: a header row is needed")], ""
    if len(sheets) > 1:
        titles = ", ".join(title for title, _, _ in sheets)
        reason = f"the workbook has {len(sheets)} sheets with data ({titles}): keep one, or name one '{kind}'"
        return [], [Problem(file_name, None, "sheet", titles, reason)], ""
    title, rows, merged_ranges = sheets[0]
    header = rows[0][1] if rows[0][0] == HEADER_ROW else []
    problems = []
    for min_row, min_col, ref in sorted(merged_ranges):
        col = min_col - 1
        name = normalise_header(header[col]) if col < len(header) else ref
        problems.append(Problem(file_name, min_row, name, ref, "merged cells: unmerge them and fill every cell"))
    return rows, problems, f"Excel, sheet '{title}'"


def _range_start(ref: str) -> tuple[int, int]:
    """(row, column) of the top-left cell of a range such as "A2:B3"."""

    min_col, min_row, _, _ = range_boundaries(ref)
    return min_row or 0, min_col or 0


def _zip_problem(data: bytes, file_name: str) -> Problem | None:
    """A workbook that would unpack to more than the limits (a zip bomb), from
    the sizes its zip declares; None when it is within them (or not a zip:
    opening it says so)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    total = sum(p.file_size for p in parts)
    if total > MAX_XLSX_UNPACKED_BYTES:
        reason = (
            f"the workbook unpacks to {_mb(total)}; the limit is {_mb(MAX_XLSX_UNPACKED_BYTES)}: "
            "save the table alone as .xlsx or CSV UTF-8"
        )
        return Problem(file_name, None, "", "", reason)
    for part in parts:
        if not part.filename.startswith("xl/worksheets/") and part.file_size > MAX_XLSX_PART_BYTES:
            reason = (
                f"the workbook part {part.filename} unpacks to {_mb(part.file_size)}; "
                f"the limit is {_mb(MAX_XLSX_PART_BYTES)}: save the table alone as .xlsx or CSV UTF-8"
            )
            return Problem(file_name, None, "", part.filename[:60], reason)
    return None


class _Book:
    """A workbook's parts but its sheets, read by openpyxl (read-only, formulas
    kept as text so they are refused): the sheets' titles and paths, shared
    strings, which cell styles are dates, and the date epoch. openpyxl's
    ``load_workbook`` is not used because it parses every sheet once more to
    size it when the sheet declares no dimension."""

    def __init__(self, data: bytes) -> None:

        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        self.archive = reader.archive
        self.strings = reader.shared_strings
        self.date_styles = set(reader.wb._date_formats)
        self.timedelta_styles = set(reader.wb._timedelta_formats)
        self.epoch = reader.wb.epoch
        self.sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]

    def read(
        self, path: str, file_name: str, budget: _Budget
    ) -> tuple[list[tuple[int, list[str]]], list[tuple[int, int, str]]]:
        """(rows with a value, merged ranges) of one sheet."""
        sheet = _SheetReader(self, file_name, budget)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = sheet.start
        parser.EndElementHandler = sheet.end
        parser.CharacterDataHandler = sheet.characters
        parser.StartDoctypeDeclHandler = _no_doctype
        with self.archive.open(path) as source:
            while chunk := source.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        return sheet.rows, sheet.merged


def _no_doctype(*_: object) -> None:
    raise ValueError("a worksheet with a DOCTYPE (entity declarations)")


@dataclass
class _Budget:
    """Rows and cells read so far from a workbook's sheets."""

    records: int = 0


_MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict Open XML
)
_TAGS = {f"{ns} {tag}": tag for ns in _MAIN_NAMESPACES for tag in ("row", "c", "v", "f", "is", "t", "rPh", "mergeCell")}


@functools.lru_cache(maxsize=16384)
def _column_index(letters: str) -> int:

    return column_index_from_string(letters)


class _SheetReader:
    """Expat handlers that stream one worksheet's XML.

    Only cells with a value are kept, each row up to its last value (padded to
    the header's width): trailing empty rows and cells, however many the sheet
    stores or its dimension declares, are counted, never materialised. A value
    below row ``MAX_ROWS + 1`` or right of :data:`MAX_COLUMNS`, more than
    :data:`MAX_CELLS` cells kept or :data:`MAX_XLSX_RECORDS` rows and cells
    read stop the reading at once with a problem naming that cell. The
    handlers run once per XML element (about a microsecond each): an empty
    cell costs a counter and little else."""

    def __init__(self, book: _Book, file_name: str, budget: _Budget) -> None:
        self.book, self.file_name, self.budget = book, file_name, budget
        self.rows: list[tuple[int, list[str]]] = []
        self.merged: list[tuple[int, int, str]] = []
        """Merged ranges: (top row, left column, "A2:A3")."""
        self.header: list[str] = []
        self.cells_kept = 0
        self.row = 0
        self.col = 0
        """Column of the current cell; 0 until known from ``ref`` (computed
        only for a cell with a value, or to count on from)."""
        self.ref: str | None = None
        self.attrs: dict[str, str] = {}
        self.values: dict[int, str] = {}
        self.v: str | None = None
        self.formula: str | None = None
        self.inline: list[str] | None = None
        self.text: list[str] | None = None
        self.phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _TAGS.get(name)
        if tag == "c":
            ref = attrs.get("r")
            if ref is None:
                self.col = self._column() + 1
            self.ref, self.attrs = ref, attrs
            self.v = self.formula = self.inline = None
            self.budget.records += 1
            if self.budget.records > MAX_XLSX_RECORDS:
                self._too_many_records()
        elif tag == "row":
            self.budget.records += 1
            if self.budget.records > MAX_XLSX_RECORDS:
                self._too_many_records()
            ref = attrs.get("r")
            self.row, self.col, self.ref = (int(ref) if ref else self.row + 1), 0, None
        elif tag in ("v", "f") or (tag == "t" and not self.phonetic):
            self.text = []
        elif tag == "is":
            self.inline = []
        elif tag == "rPh":
            self.phonetic = True  # phonetic guide (furigana): not part of the text
        elif tag == "mergeCell":
            ref = attrs.get("ref", "")
            self.merged.append((*_range_start(ref), ref))

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, name: str) -> None:
        tag = _TAGS.get(name)
        if tag == "c":
            if self.v is not None or self.formula is not None or self.inline is not None:
                self._cell()
        elif tag == "row":
            if self.values:
                self._row()
        elif tag == "v":
            self.v, self.text = "".join(self.text or ()), None
        elif tag == "f":
            self.formula, self.text = "".join(self.text or ()), None
        elif tag == "t" and self.text is not None:
            if self.inline is not None:
                self.inline.append("".join(self.text))
            self.text = None
        elif tag == "rPh":
            self.phonetic = False

    def _column(self) -> int:
        if self.ref is not None:
            self.col, self.ref = _column_index(self.ref.rstrip("0123456789")), None
        return self.col

    def _too_many_records(self) -> None:
        reason = (
            f"the workbook stores more than {MAX_XLSX_RECORDS:,} rows and cells, empty formatted ones "
            "included: delete the rows and columns below and right of the table, or save it as CSV UTF-8"
        )
        column = self._column()
        where = _column_name(self.header, column) if column else ""
        raise _Refused(Problem(self.file_name, self.row, where, "", reason))

    def _value(self) -> object:
        """The cell's value as openpyxl gives it (``data_only=False``)."""
        if self.formula is not None:
            return "=" + self.formula  # refused later as a formula, not a value
        kind, v = self.attrs.get("t", "n"), self.v
        if kind == "inlineStr":
            return "".join(self.inline or ())
        if v is None:
            return None
        if kind == "s":
            return self.book.strings[int(v)]
        if kind == "b":
            return bool(int(v))
        if kind == "d":
            return from_ISO8601(v)
        if kind != "n":
            return v  # "str" (a formula's text) and "e" (an error such as #N/A)
        number = float(v) if any(ch in v for ch in ".eE") else int(v)
        style = int(self.attrs.get("s") or 0)
        if style in self.book.date_styles:
            try:
                return from_excel(number, self.book.epoch, timedelta=style in self.book.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number

    def _cell(self) -> None:
        value = self._value()
        text = "" if value is None else _excel_text(value)
        if not text.strip():
            return
        column = self._column()
        if self.row > HEADER_ROW + MAX_ROWS:
            raise _Refused(_beyond_rows(self.file_name, self.row, _column_name(self.header, column), text))
        if column > MAX_COLUMNS:
            raise _Refused(_beyond_columns(self.file_name, self.row, _column_name(self.header, column), text))
        self.values[column] = text

    def _row(self) -> None:
        width = max(max(self.values), len(self.header))
        self.cells_kept += width
        if self.cells_kept > MAX_CELLS:
            column = min(self.values)
            value = self.values[column][:60]
            raise _Refused(
                Problem(self.file_name, self.row, _column_name(self.header, column), value, _too_many_cells())
            )
        cells = [""] * width
        for column, text in self.values.items():
            cells[column - 1] = text
        if self.row == HEADER_ROW:
            self.header = [normalise_header(c) for c in cells]
        self.rows.append((self.row, cells))
        self.values = {}


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _trim_columns(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Excel pads every row to the widest one: drop empty trailing columns
    (a row with a value beyond the header stays ragged)."""
    if not rows:
        return rows
    if all(cells and cells[-1].strip() for _, cells in rows):
        return list(rows)  # the usual file: every row ends with a value, nothing to trim
    width = max((i + 1 for i, c in enumerate(rows[0][1]) if c.strip()), default=0)
    out = []
    for n, cells in rows:
        if cells and cells[-1].strip():  # the usual row: nothing to trim (and no scan)
            out.append((n, cells))
            continue
        last = max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)
        out.append((n, cells[: max(width, last)]))
    return out


def _frame(kind: str, rows: list[tuple[int, list[str]]], file_name: str, problems: list[Problem]) -> Parsed:
    problems = list(problems)
    if not rows or rows[0][0] != HEADER_ROW or not any(c.strip() for c in rows[0][1]):
        problems.append(Problem(file_name, HEADER_ROW, "", "", "row 1 is empty: the header must be on row 1"))
        return Parsed(kind, file_name, "", pd.DataFrame(), problems)
    header = [normalise_header(c) for c in rows[0][1]]
    problems += _header_problems(kind, header, file_name)
    problems += _unsafe_cells(kind, HEADER_ROW, header, rows[0][1], file_name)
    if all(len(cells) == len(header) for _, cells in rows[1:]):
        frame, numbers, found = _even_body(rows[1:], _dedupe(header))
    else:
        frame, numbers, found = _ragged_body(rows[1:], header, file_name)
    found += _unsafe_body(kind, header, frame, numbers, file_name)
    problems += [p for _, _, p in sorted(found, key=lambda t: (t[0], t[1]))]
    frame["_row"] = numbers
    return Parsed(kind, file_name, "", frame, problems)


def _even_body(rows: list[tuple[int, list[str]]], names: list[str]) -> tuple[pd.DataFrame, list[int], list]:
    """The data rows of a file whose rows all have the header's width (the
    usual file), column by column: cells stripped, blank rows dropped."""
    columns = [list(map(str.strip, column)) for column in zip(*(cells for _, cells in rows), strict=True)]
    if not columns:
        return pd.DataFrame([], columns=names, dtype=object), [], []
    blank = np.logical_and.reduce([np.array(column, dtype=object) == "" for column in columns])
    keep = np.flatnonzero(~blank)
    body = {name: np.array(column, dtype=object)[keep] for name, column in zip(names, columns, strict=True)}
    return pd.DataFrame(body, columns=names, dtype=object), [rows[i][0] for i in keep], []


def _ragged_body(
    rows: list[tuple[int, list[str]]], header: list[str], file_name: str
) -> tuple[pd.DataFrame, list[int], list]:
    """The data rows row by row, reporting each row whose width is not the
    header's (row, -1, problem); blank rows are skipped."""
    body, numbers, found = [], [], []
    for n, cells in rows:
        if not "".join(cells).strip():  # a blank row (one C call, not one per cell)
            continue
        if len(cells) != len(header):
            extra = f"; extra value {cells[len(header)]!r}" if len(cells) > len(header) else ""
            reason = f"expected {len(header)} fields as in the header, found {len(cells)}{extra}"
            found.append((n, -1, Problem(file_name, n, "", "", reason)))
            continue
        body.append(list(map(str.strip, cells)))
        numbers.append(n)
    return pd.DataFrame(body, columns=_dedupe(header), dtype=object), numbers, found


#: Any character one of the unsafe-cell rules looks at (NUL, control, line break).
_SUSPECT_CHARS = "[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]"
#: Invisible text-direction controls (embeddings, overrides, isolates): "abc\u202egnp.exe"
#: displays as "abcexe.png". Zero-width joiners and marks are left alone.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: First characters of a formula, ASCII and full-width (＝ ＠ ＋ －).
_FORMULA_CHARS = "=@+-\uff1d\uff20\uff0b\uff0d"


def _unsafe_body(
    kind: str, header: list[str], frame: pd.DataFrame, numbers: list[int], file_name: str
) -> list[tuple[int, int, Problem]]:
    """:func:`_unsafe_cells` of every data row, column by column: vectorised
    string tests pick the cells that might be unsafe (a control character, too
    long, a formula's first character) and only those get the per-cell rules.
    Returns (row, column index, problem) so the caller keeps file order."""
    numeric = FILE_SPECS[kind].numeric
    out = []
    for j, name in enumerate(header):
        cells = frame.iloc[:, j]
        limit = MAX_ID_LENGTH if name.endswith("_id") else MAX_TEXT_LENGTH
        if _clean_column(cells.tolist(), limit, name in numeric):
            continue
        suspect = cells.str.contains(_SUSPECT_CHARS, regex=True) | (cells.str.len() > limit)
        if name not in numeric:
            suspect |= cells.str[:1].isin(list(_FORMULA_CHARS))
        for i in np.flatnonzero(suspect.to_numpy(bool)):
            cell = cells.iat[i]
            reason = _unsafe_reason(name, cell, numeric, kind)
            if reason:
                out.append((numbers[i], j, Problem(file_name, numbers[i], name, _shown(cell), reason)))
    return out


_ANY_SUSPECT = re.compile(_SUSPECT_CHARS)
_FORMULA_START = re.compile("(?:\\A|\x00)[=@+\\-\uff1d\uff20\uff0b\uff0d]")


def _clean_column(cells: list[str], limit: int, numeric: bool) -> bool:
    """True when no cell of a column can be unsafe, tested on the whole column
    joined into one string (fast): no control character, none too long, and
    (text columns) none starting like a formula. Joined with NUL, which the
    first test has just shown no cell contains."""
    if _ANY_SUSPECT.search("".join(cells)) or max(map(len, cells), default=0) > limit:
        return False
    return numeric or not _FORMULA_START.search("\x00".join(cells))


def _unsafe_cells(kind: str, row: int, header: list[str], cells: list[str], file_name: str) -> list[Problem]:
    """NUL and control characters, over-long values, and formula-looking text."""
    spec = FILE_SPECS[kind]
    out = []
    for name, cell in zip(header, cells, strict=False):
        reason = _unsafe_reason(name, cell, spec.numeric)
        if reason:
            out.append(Problem(file_name, row, name, _shown(cell), reason))
    return out


def _shown(cell: str) -> str:
    """A cell as a problem quotes it: NUL and text-direction controls made
    visible (a raw U+202E would turn the message around)."""
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", cell.replace("\x00", "\\0"))[:60]


#: An ``events`` result of a task assessment: signed points ("+3;-2;+1"). It
#: starts with + or - yet is no spreadsheet formula there (issue 14).
_EVENTS_LIST = re.compile(r"\s*[+-]?[0-9]+(\.[0-9]+)?\s*(;\s*[+-]?[0-9]+(\.[0-9]+)?\s*)*")


def _unsafe_reason(column: str, cell: str, numeric: tuple[str, ...], kind: str = "") -> str | None:
    if "\x00" in cell:
        return "contains a NUL byte (a binary or UTF-16 file?): save it as CSV UTF-8"
    if _CONTROL.search(cell):
        return "contains a control character"
    bidi = _BIDI.search(cell)
    if bidi:
        return (
            f"contains the invisible text-direction control U+{ord(bidi.group()):04X}, "
            "which makes text display as something else"
        )
    if ("\n" in cell or "\r" in cell) and (column in numeric or column in _ONE_LINE):
        return 'holds a line break: is a quote (") left open earlier on this row?'
    limit = MAX_ID_LENGTH if column.endswith("_id") else MAX_TEXT_LENGTH
    if len(cell) > limit:
        return f"longer than {limit} characters ({len(cell)})"
    if kind == "task_assessments" and column == "result" and _EVENTS_LIST.fullmatch(cell):
        return None  # a list of signed points, not a formula
    if column not in numeric and looks_like_formula(cell):
        return "looks like a spreadsheet formula (starts with = + - or @): refused so no spreadsheet runs it later"
    return None


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (CSV injection):
    starting with ``=``, ``@``, or ``+``/``-`` not followed by a plain number,
    or with one of their full-width forms (＝ ＠ ＋ －).

    >>> [looks_like_formula(s) for s in ["=cmd|' /C calc'!A0", "@SUM(A1)", "-5", "+86", "-x", "net"]]
    [True, True, False, False, True, False]
    >>> [looks_like_formula(s) for s in ["＝SUM(A1)", "＠A1", "＋HYPERLINK(1)", "－5", "净利润"]]
    [True, True, True, False, False]
    """
    if not text:
        return False
    if text[0] in "=@\uff1d\uff20":
        return True
    return text[0] in "+-\uff0b\uff0d" and not _PLAIN_NUMBER.fullmatch(text[1:].strip())


def normalise_header(name: str) -> str:
    """Header cells are matched in any case and with surrounding spaces; a
    documented Chinese header name (``model.HEADER_ALIASES``) stands for its column."""
    cleaned = name.strip().lstrip("\ufeff").strip()
    return HEADER_ALIASES.get(cleaned) or cleaned.lower().replace(" ", "_")


def _dedupe(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h}#{seen[h]}")
    return out


def _header_problems(kind: str, header: list[str], file_name: str) -> list[Problem]:
    spec = FILE_SPECS[kind]
    problems = []
    for column in spec.required:
        if column not in header:
            problems.append(Problem(file_name, HEADER_ROW, column, "", REQUIRED_COLUMN))
    for name in sorted({h for h in header if header.count(h) > 1}):
        problems.append(Problem(file_name, HEADER_ROW, name, name, "column appears more than once"))
    for i, name in enumerate(header):
        if name == "":
            problems.append(Problem(file_name, HEADER_ROW, f"#{i + 1}", "", f"column {i + 1} has no name"))
        elif name not in spec.columns:
            known = ", ".join(spec.columns)
            problems.append(Problem(file_name, HEADER_ROW, name, name, f"unknown column; the {kind} file has: {known}"))
    return problems


# --------------------------------------------------------------------------- validation

Check = Callable[["_Context"], list[Problem]]


@dataclass
class _Context:
    kind: str
    file_name: str
    frame: pd.DataFrame
    store: Store | None
    today: date
    delimiter: str = ","
    raw: pd.DataFrame | None = None
    """The cells as written in the file: problems quote these, not typed values."""

    def problems_at(
        self, positions: np.ndarray, column: str, reasons: list[str], severity: str = "error"
    ) -> list[Problem]:
        """Like :meth:`problems`, for rows given by position, each with its own reason."""
        hit = self.frame.iloc[positions]
        source = self.raw.loc[hit.index] if self.raw is not None and column in self.raw else hit
        values = source[column] if column in source else pd.Series("", index=hit.index)
        return [
            Problem(self.file_name, int(r), column, "" if v is None else str(v), reason, severity)
            for r, v, reason in zip(hit["_row"], values, reasons, strict=True)
        ]

    def problems(self, mask: pd.Series, column: str, reason: str, severity: str = "error") -> list[Problem]:
        hit = self.frame[mask.fillna(False).astype(bool)]
        source = self.raw.loc[hit.index] if self.raw is not None and column in self.raw else hit
        values = source[column] if column in source else pd.Series("", index=hit.index)
        return [
            Problem(self.file_name, int(r), column, "" if v is None else str(v), reason, severity)
            for r, v in zip(hit["_row"], values, strict=True)
        ]


def validate(parsed: Parsed, store: Store | None = None, *, today: date | None = None) -> Validated:
    """Check every row and column of a parsed file; collect every problem.

    ``store`` supplies the units, KPIs and assignments the file refers to
    (rows of the same file count too); ``today`` decides which months are in
    the future (actuals cannot be).
    """
    problems = list(parsed.problems)
    spec = FILE_SPECS[parsed.kind]
    frame = parsed.frame
    missing = [c for c in spec.required if c not in frame.columns]
    if frame.empty and not missing and not problems:
        problems.append(Problem(parsed.file_name, HEADER_ROW + 1, "", "", "the file has a header but no data rows"))
    if frame.empty:
        empty = pd.DataFrame(columns=list(spec.columns))
        return Validated(parsed.kind, parsed.file_name, parsed.sha256, empty, _sorted(problems), parsed.source)
    frame = frame.copy()
    for column in [*spec.optional, *missing]:
        if column not in frame:  # absent = empty in every row (an object column: "" reads as None below)
            frame[column] = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    if missing:
        # a required column is missing: the file is refused, but every other
        # problem is still reported, so one round of corrections fixes them all
        found, _ = _row_problems(parsed, frame, store, today)
        problems += [p for p in found if p.column not in missing]
        empty = pd.DataFrame(columns=list(spec.columns))
        return Validated(parsed.kind, parsed.file_name, parsed.sha256, empty, _sorted(problems), parsed.source)
    found, ctx = _row_problems(parsed, frame, store, today)
    problems += found
    if parsed.wide:
        problems = _wide_problems(problems, ctx.frame)
    columns = [*spec.columns]
    frame = ctx.frame[columns].reset_index(drop=True)
    return Validated(parsed.kind, parsed.file_name, parsed.sha256, frame, _sorted(problems), parsed.source)


def _row_problems(
    parsed: Parsed, frame: pd.DataFrame, store: Store | None, today: date | None
) -> tuple[list[Problem], _Context]:
    """Every problem of the rows and values of a file (a missing column filled
    with empty cells), and the context that found them (its typed frame)."""
    problems: list[Problem] = []
    ctx = _Context(parsed.kind, parsed.file_name, frame, store, today or date.today(), parsed.delimiter, frame)
    problems += _required_values(ctx)
    if "period" in frame and parsed.kind not in REVIEW_KINDS:  # a 360 cycle's period may be a half year
        problems += _normalise_periods(ctx)
    typed, number_problems = _typed(ctx)
    problems += number_problems
    ctx.frame = typed
    for check in _CHECKS[parsed.kind]:
        problems += check(ctx)
    problems += _duplicates(ctx)
    if parsed.kind == "actuals" and not any(p.severity == "error" for p in [*parsed.problems, *problems]):
        problems += _unscorable(ctx)  # once the file is otherwise valid: about rows that will be stored
    return problems, ctx


def _sorted(problems: list[Problem]) -> list[Problem]:
    """File-wide problems first, then by row and column; errors before warnings."""
    return sorted(problems, key=lambda p: (p.row or 0, p.column, p.severity != "error"))


def _required_values(ctx: _Context) -> list[Problem]:
    out = []
    for column in FILE_SPECS[ctx.kind].required_values:
        out += ctx.problems(ctx.frame[column] == "", column, "a value is required")
    return out


def read_number(text: str, *, delimiter: str = ",") -> tuple[float, bool]:
    """A number cell as (value, written with a % sign). Thousands separators
    are accepted when they group by three ("1,234.5"); anything else raises
    ValueError with the reason.

    >>> read_number("1,234.5"), read_number("95%"), read_number("-3e2")
    ((1234.5, False), (95.0, True), (-300.0, False))
    """
    s = text.strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    if s.startswith("="):
        raise ValueError("a formula, not a value: paste the values")
    if "," in s:
        if not _GROUPED.fullmatch(s):
            if delimiter == ";":
                raise ValueError("a decimal comma is not accepted: write 1234.5 (a point, no thousands separator)")
            raise ValueError("not a number: a comma is read only as a thousands separator, as in 1,234.5")
        if delimiter == ";" and "." not in s:
            raise ValueError("ambiguous in a semicolon-separated file: decimal comma or thousands? write 1234 or 1.234")
        s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        raise ValueError("not a finite number")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value, percent


def parse_number(text: str) -> float:
    """A number cell: empty -> NaN; anything not a finite number (or a
    percentage) raises ValueError."""
    if text == "":
        return math.nan
    value, percent = read_number(text)
    if percent:
        raise ValueError("a percentage is not accepted here")
    return value


#: Numeric columns in which "60%" means the share 0.6 (rules are shares of completion).
_SHARE_COLUMNS = ("floor", "cap", "band_low", "band_high", "green_at", "amber_at", "blend")


def _percent_rule(ctx: _Context, column: str) -> Callable[[int, float], tuple[float | None, str]]:
    """How a percentage in ``column`` is read on a row: (value, or None and why not).

    Actuals and targets follow the KPI's unit of measure: a KPI measured in
    "%" stores 95 for "95%" (its values are percent points, like the 95
    typed without the sign); a dimensionless KPI (unit empty, "ratio" ...)
    stores 0.95; any other unit (days, 10k CNY) refuses it as ambiguous.
    Weights are percents already (40% -> 40); rule thresholds are shares.
    """
    if column == "weight":
        return lambda i, v: (v, "")
    if column in _SHARE_COLUMNS:
        return lambda i, v: (v / 100, "")
    if column in _PAY_PERCENT_COLUMNS:  # pay (issue 17): shares of pay are percents (30% -> 30)
        return lambda i, v: (v, "")
    if column == "rate":  # a commission rate is a share (0.5% -> 0.005)
        return lambda i, v: (v / 100, "")
    if column not in ("target", "actual"):
        return lambda i, v: (None, "a percentage is not accepted in this column")
    units = _kpi_units(ctx)
    kpi_of = ctx.frame["kpi_id"]

    def rule(i: int, v: float) -> tuple[float | None, str]:
        kpi = kpi_of.iloc[i]
        if kpi not in units:
            return None, "a percentage needs a known KPI to be read"
        unit = (units[kpi] or "").strip()
        if unit == "%":
            return v, ""
        if unit.lower() in RATIO_UNITS:
            return v / 100, ""
        return None, f"KPI {kpi} is measured in {unit!r}: a percentage is ambiguous here, write the number"

    return rule


def _kpi_units(ctx: _Context) -> dict[str, str | None]:
    if ctx.store is None:
        return {}
    kpis = ctx.store.kpis()
    return {k: (u if isinstance(u, str) else None) for k, u in zip(kpis["kpi_id"], kpis["unit"], strict=True)}


#: Numeric columns the store keeps as INTEGER, with their range. ``year`` (also
#: INTEGER) has its own, narrower rule: a four-digit year.
_INTEGER_COLUMNS = {"sort_order": INT32_RANGE, "position": (1, INT32_RANGE[1])}


def _typed(ctx: _Context) -> tuple[pd.DataFrame, list[Problem]]:
    spec = FILE_SPECS[ctx.kind]
    out = ctx.frame.copy()
    problems = []
    for column in spec.numeric:
        values, reasons = _numbers(ctx, column)
        if column != "year":
            values, reasons = _in_store_range(column, values, reasons)
        for reason in sorted(set(reasons) - {""}):
            problems += ctx.problems(pd.Series([r == reason for r in reasons], index=out.index), column, reason)
        out[column] = np.array(values, dtype="float64")
    for column in spec.columns:
        if column not in spec.numeric:
            out[column] = out[column].where(out[column] != "", None)
    return out, problems


def _in_store_range(column: str, values: list[float], reasons: list[str]) -> tuple[list[float], list[str]]:
    """Refuse what the store cannot keep as written: a fraction or a number
    outside the range of an INTEGER column (DuckDB would round 2.5 to 2 and
    fail on 3000000000), and any magnitude beyond :data:`MAX_ABS_VALUE` in a
    DOUBLE one. Refused values become NaN, so no later rule reports them again.

    >>> _in_store_range("sort_order", [2.0, 2.5, 3e9], ["", "", ""])[1][1:]
    ['must be a whole number', 'must be a whole number from -2147483648 to 2147483647']
    >>> _in_store_range("actual", [1e308, -5.0], ["", ""])[1][0]
    'beyond 1e15 in magnitude: no scorecard figure is that large; check the number and its unit of measure'
    """
    array = np.array(values, dtype="float64")
    checked = np.array([r == "" for r in reasons], dtype=bool) & np.isfinite(array)
    if column in _INTEGER_COLUMNS:
        low, high = _INTEGER_COLUMNS[column]
        rules = [
            (checked & (array % 1 != 0), "must be a whole number"),
            (
                checked & (array % 1 == 0) & ((array < low) | (array > high)),
                f"must be a whole number from {low} to {high}",
            ),
        ]
    else:
        limit = f"{MAX_ABS_VALUE:.0e}".replace("e+", "e")
        reason = (
            f"beyond {limit} in magnitude: no scorecard figure is that large; check the number and its unit of measure"
        )
        rules = [(checked & (np.abs(array) > MAX_ABS_VALUE), reason)]
    if not any(mask.any() for mask, _ in rules):
        return values, reasons
    reasons = list(reasons)
    for mask, reason in rules:
        for i in np.flatnonzero(mask):
            reasons[i] = reason
            array[i] = math.nan
    return array.tolist(), reasons


def _numbers(ctx: _Context, column: str) -> tuple[list[float], list[str]]:
    """Every cell of ``column`` as (value, reason why not). Plain numbers
    ("12", "-3.5e2") are found and converted column-wise; only the other
    cells (commas, percent signs, junk) go through :func:`read_number`."""
    texts = ctx.frame[column]
    plain = texts.str.fullmatch(_NUMBER.pattern).to_numpy(bool)
    values = np.full(len(texts), math.nan)
    values[plain] = [float(t) for t in texts.to_numpy(object)[plain]]
    slow = ~plain | ~np.isfinite(values)
    slow[texts.to_numpy(object) == ""] = False
    reasons = [""] * len(texts)
    rule = None
    for i in np.flatnonzero(slow):
        try:
            value, percent = read_number(texts.iat[i], delimiter=ctx.delimiter)
        except ValueError as exc:
            value, percent, reasons[i] = math.nan, False, str(exc)
        if percent:
            rule = rule or _percent_rule(ctx, column)
            scaled, reasons[i] = rule(i, value)
            value = math.nan if scaled is None else scaled
        values[i] = value
    return values.tolist(), reasons


_PERIOD_FORMS = (
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})"),
    re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月?"),
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})(?:[ T]00:00(?::00)?)?"),
)


def normalise_period(text: str) -> tuple[str | None, str]:
    """A month in any accepted spelling as "YYYY-MM", or (None, why not).

    Accepted: 2026-03, 2026/03, 2026.3, 202603, 2026年3月, and a date on the
    first or last day of the month (what an Excel date cell holds). A date
    inside a month is refused: which month it belongs to is a guess.

    >>> [normalise_period(s)[0] for s in ["2026/03", "202603", "2026年3月", "2026-03-31", "2026-03-15", "03/2026"]]
    ['2026-03', '2026-03', '2026-03', '2026-03', None, None]
    """
    for form in _PERIOD_FORMS:
        match = form.fullmatch(text.strip())
        if match is None:
            continue
        year, month = int(match["y"]), int(match["m"])
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            return None, "not a real month"
        day = match.groupdict().get("d")
        if day is not None:
            last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
            if int(day) not in (1, last):
                return None, "a date inside a month: write the month as YYYY-MM"
        return f"{year:04d}-{month:02d}", ""
    return None, PERIOD_FORMS


def _normalise_periods(ctx: _Context) -> list[Problem]:
    """Rewrite every accepted spelling of a month as YYYY-MM; report the rest."""
    texts = ctx.frame["period"]
    # a file holds few distinct spellings: read each once
    known = {t: normalise_period(t) if t else ("", "") for t in texts.unique()}
    results = [known[t] for t in texts]
    reasons = pd.Series([r for _, r in results], index=texts.index)
    out = []
    for reason in sorted({r for _, r in known.values()} - {""}):  # the reasons of all rows
        out += ctx.problems(reasons == reason, "period", reason)
    normalised = [n if n is not None else "" for n, _ in results]
    keep = reasons != ""
    ctx.frame = ctx.frame.assign(period=["" if bad else n for n, bad in zip(normalised, keep, strict=True)])
    return out


def _duplicates(ctx: _Context) -> list[Problem]:
    key = list(FILE_SPECS[ctx.kind].key)
    dup = ctx.frame.duplicated(subset=key, keep="first")
    return ctx.problems(dup, key[-1], f"duplicate key ({', '.join(key)}) already given on an earlier row")


def _enum(column: str, allowed: tuple[str, ...]) -> Check:
    def check(ctx: _Context) -> list[Problem]:
        values = ctx.frame[column]
        bad = values.notna() & ~values.isin(allowed)
        return ctx.problems(bad, column, f"must be one of {', '.join(allowed)}")

    return check


def _known_ids(ctx: _Context, kind: str) -> set[str]:
    """Ids of the units or KPIs already stored."""
    ids: set[str] = set()
    if ctx.store is not None:
        table = ctx.store.units() if kind == "units" else ctx.store.kpis()
        ids |= set(table[f"{kind[:-1]}_id"])
    return ids


def _exists(column: str, kind: str) -> Check:
    def check(ctx: _Context) -> list[Problem]:
        known = _known_ids(ctx, kind)
        values = ctx.frame[column]
        what = "unit" if kind == "units" else "KPI"
        return ctx.problems(
            values.notna() & ~values.isin(known), column, f"unknown {what}: load it in the {kind} file first"
        )

    return check


def _unit_tree(ctx: _Context) -> list[Problem]:
    """The organisation the units file makes together with the stored units:
    one company, parents that exist and are not persons, persons without
    units below them, no loops, at most :data:`MAX_TREE_DEPTH` levels."""
    f = ctx.frame
    stored = ctx.store.units() if ctx.store is not None else pd.DataFrame(columns=["unit_id", "kind", "parent_id"])
    merged = pd.concat([stored[~stored["unit_id"].isin(f["unit_id"])], f], ignore_index=True)
    kinds = dict(zip(merged["unit_id"], merged["kind"], strict=True))
    parents = {
        u: (p if isinstance(p, str) else None) for u, p in zip(merged["unit_id"], merged["parent_id"], strict=True)
    }
    is_company = f["kind"] == "company"
    out = ctx.problems(is_company & f["parent_id"].notna(), "parent_id", "the company has no parent")
    out += ctx.problems(
        ~is_company & f["kind"].notna() & f["parent_id"].isna(),
        "parent_id",
        "every unit but the company needs a parent",
    )
    unknown = f["parent_id"].notna() & ~f["parent_id"].isin(list(kinds))
    out += ctx.problems(unknown, "parent_id", "unknown parent unit")
    parent_kind = f["parent_id"].map(kinds)
    out += ctx.problems(parent_kind == "person", "parent_id", "a person cannot be a parent")
    out += _person_children(ctx, merged)
    companies = [u for u, k in kinds.items() if k == "company"]
    if len(companies) > 1:
        out += ctx.problems(is_company, "kind", f"only one company is allowed; found {', '.join(sorted(companies))}")
    depths, looped = _tree_depths(parents)
    out += ctx.problems(f["unit_id"].isin(looped), "parent_id", "the parent chain loops back to this unit")
    out += _too_deep(ctx, depths, parents)
    return out


def _person_children(ctx: _Context, merged: pd.DataFrame) -> list[Problem]:
    """A unit the file makes a person while units (stored, or in the file)
    still have it as their parent: a person has no units below it."""
    f = ctx.frame
    persons = (f["kind"] == "person").to_numpy(bool)
    if not persons.any():
        return []
    children = merged.groupby("parent_id")["unit_id"].agg(lambda ids: sorted(map(str, ids)))
    found = f["unit_id"].map(children)
    hits = np.flatnonzero(persons & found.notna().to_numpy(bool))
    reasons = []
    for ids in found.iloc[hits]:
        shown = ", ".join(ids[:3]) + (" ..." if len(ids) > 3 else "")
        reasons.append(f"a person cannot have units below it; it is the parent of {shown} ({len(ids)} in all)")
    return ctx.problems_at(hits, "kind", reasons)


def _tree_depths(parents: dict[str, str | None]) -> tuple[dict[str, int | None], set[str]]:
    """(levels below the top of each unit's chain - the company is 0 -, the
    units whose parent chain runs into a loop), in one pass over the units:
    each chain is walked once (walking it from every unit of a 5,000-deep
    chain took seconds). A unit whose chain ends at an unknown parent has
    depth None (that parent is reported as unknown)."""
    depths: dict[str, int | None] = {}
    looped: set[str] = set()
    for unit in parents:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = unit
        while node is not None and node in parents and node not in depths and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents[node]
        if node is None:
            base: int | None = -1  # path[-1] has no parent: the top of its tree
        elif node in on_path or node in looped:
            looped.update(path)
            base = None
        else:
            base = depths.get(node)  # None for an unknown parent (not in parents)
        for i, step in enumerate(reversed(path)):
            depths[step] = None if base is None else base + 1 + i
    return depths, looped


def _too_deep(ctx: _Context, depths: dict[str, int | None], parents: dict[str, str | None]) -> list[Problem]:
    """The first row (in file order) that puts a unit more than
    :data:`MAX_TREE_DEPTH` levels below the company: the unit itself, or the
    nearest unit of the file above a stored unit that the file pushes down."""
    deep = {u: d for u, d in depths.items() if d is not None and d > MAX_TREE_DEPTH}
    if not deep:
        return []
    f = ctx.frame
    position = {u: i for i, u in reversed(list(enumerate(f["unit_id"])))}  # first row of each unit
    rows = f["_row"].to_numpy()
    found = []
    for unit, depth in deep.items():
        node: str | None = unit
        while node is not None and node not in position:
            node = parents.get(node)
        if node is not None:
            found.append((int(rows[position[node]]), depth, position[node], unit))
    if not found:
        return []
    _, depth, at, unit = min(found)
    reason = f"this puts {unit} {depth} levels below the company; at most {MAX_TREE_DEPTH} levels are allowed"
    return ctx.problems_at(np.array([at]), "parent_id", [reason])


def _kpi_rules(ctx: _Context) -> list[Problem]:
    f = ctx.frame
    band = f["direction"] == "band"
    out = []
    for column in ("band_low", "band_high", "band_penalty"):
        out += ctx.problems(band & f[column].isna(), column, "a band KPI needs band_low, band_high and band_penalty")
    out += ctx.problems(band & (f["band_low"] > f["band_high"]), "band_high", "band_high must not be below band_low")
    out += ctx.problems(f["band_penalty"] < 0, "band_penalty", "the penalty cannot be negative")
    out += ctx.problems(
        f["cap"].notna() & f["floor"].notna() & (f["cap"] <= f["floor"]), "cap", "the cap must be above the floor"
    )
    out += ctx.problems(f["amber_at"] > f["green_at"], "amber_at", "amber_at must not be above green_at")
    out += ctx.problems((f["blend"] < 0) | (f["blend"] > 1), "blend", "blend is a share from 0 to 1")
    tiers = f["tiers"].map(_tiers_problem)
    out += ctx.problems(
        tiers == "form", "tiers", "tiers are written like 0.9:0.7;1.0:0.9 (below completion : share of points)"
    )
    out += ctx.problems(tiers == "finite", "tiers", "tier numbers must be finite (no nan or inf)")
    return out


def _tiers_problem(text: str | None) -> str:
    """What is wrong with a tier rule: "" (nothing), "finite" or "form"."""
    if text is None:
        return ""
    try:
        tiers = parse_tiers(text)
    except ValueError as exc:
        return "finite" if "finite" in str(exc) else "form"
    return "form" if not tiers or any(share < 0 for _, share in tiers) else ""


def _assignment_values(ctx: _Context) -> list[Problem]:
    f = ctx.frame
    info = f["role"] == "info"  # tracked and shown, never scored: weight 0 (issue 14)
    out = ctx.problems(
        ~info & ((f["weight"] <= 0) | (f["weight"] > 100)), "weight", "weight is a percent above 0 and at most 100"
    )
    out += ctx.problems(info & (f["weight"] != 0) & f["weight"].notna(), "weight", "an info assignment has weight 0")
    out += ctx.problems(
        f["year"].notna() & ((f["year"] % 1 != 0) | (f["year"] < 1900) | (f["year"] > 2200)),
        "year",
        "year is a four-digit year",
    )
    if not f.empty and f["year"].notna().all():
        ctx.frame = f.assign(year=f["year"].astype("int64"))
    return out


def _period_values(ctx: _Context) -> list[Problem]:
    f = ctx.frame
    valid = {p: valid_period(p) for p in f["period"].unique()}  # few distinct months
    ok = pd.Series([valid.get(p, False) for p in f["period"].to_numpy(object)], index=f.index, dtype=bool)
    out = ctx.problems(f["period"].notna() & ~ok, "period", PERIOD_FORMS)
    if ctx.kind == "actuals":
        this_month = ctx.today.strftime("%Y-%m")
        out += ctx.problems(
            ok & (f["period"] > this_month),
            "period",
            f"an actual cannot be for a future month (today is {ctx.today.isoformat()})",
        )
    if ctx.store is not None:
        out += _assigned(ctx, ok)
    return out


def valid_period(text: str | None) -> bool:
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-":
        return False
    year, month = text[:4], text[5:]
    return year.isdigit() and month.isdigit() and 1 <= int(month) <= 12 and int(year) >= 1900


def _assigned(ctx: _Context, period_ok: pd.Series) -> list[Problem]:
    """Rows whose (unit, KPI, year) has no assignment; the store answers for
    all rows at once (a set of every stored assignment cost seconds)."""
    f = ctx.frame
    candidate = period_ok & f["unit_id"].isin(_known_ids(ctx, "units")) & f["kpi_id"].isin(_known_ids(ctx, "kpis"))
    candidate = candidate.fillna(False).astype(bool)
    rows = f.loc[candidate, ["unit_id", "kpi_id"]].assign(year=f.loc[candidate, "period"].str[:4].astype("int64"))
    missing = pd.Series(False, index=f.index)
    missing[rows.index] = ctx.store.unassigned(rows)
    return ctx.problems(missing, "kpi_id", "this KPI is not assigned to this unit in that year")


WEIGHT_TOLERANCE = 0.01
HISTORY_MIN_MONTHS = 3
HISTORY_SPREAD = 3.0
"""A value is "far outside" its history beyond this many history ranges."""


def _weight_sums(ctx: _Context) -> list[Problem]:
    """Warning: a scorecard (unit, year) whose weights, after this file, do
    not add up to 100."""
    f = ctx.frame
    keys = ["unit_id", "kpi_id", "year"]
    stored = ctx.store.assignments() if ctx.store is not None else pd.DataFrame(columns=[*keys, "weight"])
    stored = stored[stored["unit_id"].isin(f["unit_id"])]
    incoming = f[f["weight"].notna() & f["year"].notna() & f["unit_id"].notna()][[*keys, "weight", "_row"]]
    merged = pd.concat([incoming, stored[keys + ["weight"]]], ignore_index=True)
    merged = merged.drop_duplicates(subset=keys, keep="first")
    if ctx.store is not None:  # the unit's goal-setting tasks count in the 100 too (issue 14)
        tasks = ctx.store.tasks()
        tasks = tasks[tasks["unit_id"].isin(f["unit_id"])]
        if len(tasks):
            merged = pd.concat([merged, tasks[["unit_id", "year", "weight"]]], ignore_index=True)
    merged["year"] = merged["year"].astype("int64")
    sums = merged.groupby(["unit_id", "year"])["weight"].sum()
    return _weights_off_100(ctx, sums, incoming)


def _weights_off_100(ctx: _Context, sums: pd.Series, incoming: pd.DataFrame) -> list[Problem]:
    """Warning on the first row of the file for each unit-year whose weights
    (KPIs and tasks, stored and incoming: ``sums``) do not add up to 100."""
    out = []
    for (unit, year), total in sums.items():
        if abs(total - 100) <= WEIGHT_TOLERANCE:
            continue
        first = incoming[(incoming["unit_id"] == unit) & (incoming["year"] == year)]
        if first.empty:
            continue
        mask = ctx.frame["_row"] == first["_row"].min()
        reason = f"the weights of {unit}'s {int(year)} scorecard add up to {total:g}, not 100"
        out += ctx.problems(mask, "weight", reason, severity="warning")
    return out


def _outliers(ctx: _Context) -> list[Problem]:
    """Warning: a value far outside what this unit's KPI has had so far."""
    if ctx.store is None or ctx.frame.empty:
        return []
    column = VALUE_COLUMN[ctx.kind]
    f = ctx.frame
    stats = ctx.store.value_stats(ctx.kind, f, "1900-01", "2200-12")
    m = f[["unit_id", "kpi_id", column]].merge(stats, on=["unit_id", "kpi_id"], how="left")
    spread = np.maximum.reduce(
        [(m["max"] - m["min"]).to_numpy(float), (m["median"].abs() * 0.1).to_numpy(float), np.full(len(m), 1e-9)]
    )
    value = m[column].to_numpy(float)
    far = (m["count"].to_numpy(float) >= HISTORY_MIN_MONTHS) & (
        (value < m["min"].to_numpy(float) - HISTORY_SPREAD * spread)
        | (value > m["max"].to_numpy(float) + HISTORY_SPREAD * spread)
    )
    hits = np.flatnonzero(far)
    reasons = [
        f"far outside this KPI's history for {unit} ({int(count)} months from {low:g} to {high:g}): "
        "check the unit of measure"
        for unit, count, low, high in zip(
            m["unit_id"].to_numpy()[hits],
            m["count"].to_numpy()[hits],
            m["min"].to_numpy()[hits],
            m["max"].to_numpy()[hits],
            strict=True,
        )
    ]
    return ctx.problems_at(hits, column, reasons, severity="warning")


def _unscorable(ctx: _Context) -> list[Problem]:
    """Warning, once per month: actuals for which no target is stored cannot be
    scored (next month's figures loaded before its targets, say). Named at the
    first such row; the analyst may go on, and the actuals are kept."""
    if ctx.store is None or ctx.frame.empty:
        return []
    f = ctx.frame
    usable = f["period"].map(lambda p: isinstance(p, str) and valid_period(p)) & f["unit_id"].notna()
    usable &= f["kpi_id"].notna()
    keys = f.loc[usable, ["unit_id", "kpi_id", "period"]]
    if keys.empty:
        return []
    missing = keys[ctx.store.without_target(keys).to_numpy()]
    missing = _scored_only(ctx.store, missing)
    problems = []
    for period, rows in missing.groupby("period", sort=True):
        first = f.index.get_loc(rows.index[0])
        reason = (
            f"no targets are stored for {period}: {len(rows)} actuals of this file cannot be scored "
            "until the targets are loaded"
        )
        problems += ctx.problems_at(np.array([first]), "period", [reason], severity="warning")
    return problems


def _scored_only(store: Store, keys: pd.DataFrame) -> pd.DataFrame:
    """``keys`` (unit_id, kpi_id, period) without those of info assignments
    (components of a calculated KPI need actuals, not targets)."""
    if keys.empty:
        return keys
    info = store.assignments()
    info = info[info["role"] == "info"]
    if info.empty:
        return keys
    year = keys["period"].str[:4].astype("int64")
    marks = set(zip(info["unit_id"], info["kpi_id"], info["year"].astype("int64"), strict=True))
    keep = [(u, k, y) not in marks for u, k, y in zip(keys["unit_id"], keys["kpi_id"], year, strict=True)]
    return keys[np.array(keep, dtype=bool)]


# --------------------------------------------------------------------------- frequency and formulas (issue 14)


def _dictionary(ctx: _Context) -> pd.DataFrame:
    """``kpi_id, formula`` of the KPI dictionary after this kpis file: the
    stored KPIs, replaced by the file's rows."""
    columns = ["kpi_id", "formula"]
    stored = ctx.store.kpis()[columns] if ctx.store is not None else pd.DataFrame(columns=columns)
    kept = stored[~stored["kpi_id"].isin(ctx.frame["kpi_id"])]
    return pd.concat([kept, ctx.frame[columns]], ignore_index=True)


def _formulas(ctx: _Context) -> list[Problem]:
    """Formulas must be readable (KPI ids, numbers, + - * / and parentheses),
    name known KPIs, and never read their own KPI, directly or through other
    calculated KPIs."""
    f = ctx.frame
    texts = f["formula"]
    if not texts.notna().any():
        return []
    merged = _dictionary(ctx)
    known = set(merged["kpi_id"].dropna())
    trees: dict[str, formula.Node] = {}
    for text, kpi in zip(merged["formula"], merged["kpi_id"], strict=True):
        if isinstance(text, str) and text.strip():
            try:
                trees[kpi] = formula.parse(text)
            except formula.FormulaError:
                continue
    looped = formula.cycles({k: formula.ids(t) for k, t in trees.items()})
    positions, reasons = [], []
    for i, (kpi, text) in enumerate(zip(f["kpi_id"], texts, strict=True)):
        if not isinstance(text, str):
            continue
        try:
            tree = formula.parse(text)
        except formula.FormulaError as exc:
            positions.append(i)
            reasons.append(f"the formula cannot be read: {exc}; write KPI ids, numbers, + - * / and parentheses")
            continue
        unknown = [c for c in formula.ids(tree) if c not in known]
        if unknown:
            positions.append(i)
            reasons.append(f"the formula names unknown KPIs: {', '.join(unknown)}")
        elif kpi in looped:
            positions.append(i)
            reasons.append(
                f"the formula refers back to {kpi} (a cycle through {', '.join(sorted(_cycle_of(kpi, trees)))})"
            )
    return ctx.problems_at(np.array(positions, dtype="int64"), "formula", reasons)


def _cycle_of(kpi: str, trees: dict[str, formula.Node]) -> set[str]:
    """The calculated KPIs on a cycle through ``kpi``: those it reaches that reach it back."""
    depends = {k: formula.ids(t) for k, t in trees.items()}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in depends.get(todo.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    return {k for k in reach(kpi) if kpi in reach(k)} | {kpi}


_OFF_CYCLE = {
    "quarter": "is reported each quarter (due in March, June, September and December)",
    "half": "is reported each half-year (due in June and December)",
    "year": "is reported once a year (due in December)",
}


def _values_of_method(ctx: _Context) -> list[Problem]:
    """Actuals and a KPI's method: a calculated KPI's actual is its formula
    (refused); a value for a month that is not due is accepted with a warning,
    once per KPI at its first such row."""
    if ctx.store is None or ctx.frame.empty:
        return []
    f = ctx.frame
    kpis = ctx.store.kpis()
    if ctx.kind == "actuals" and "formula" in kpis:
        texts = {k: v for k, v in zip(kpis["kpi_id"], kpis["formula"], strict=True) if isinstance(v, str) and v}
        calculated = f["kpi_id"].map(texts)
        hits = np.flatnonzero(calculated.notna().to_numpy())
        reasons = [
            f"{k} is calculated by its formula ({calculated.iloc[i]}): upload the actuals of its components instead"
            for i, k in zip(hits, f["kpi_id"].iloc[hits], strict=True)
        ]
        out = ctx.problems_at(hits, "kpi_id", reasons)
    else:
        out = []
    if ctx.kind != "actuals" or "frequency" not in kpis:
        return out
    frequency = dict(zip(kpis["kpi_id"], kpis["frequency"], strict=True))
    length = f["kpi_id"].map(lambda k: FREQUENCIES.get(frequency.get(k), 1) if isinstance(k, str) else 1)
    month = pd.to_numeric(f["period"].str[5:7], errors="coerce")
    off = (length > 1) & month.notna() & (month % length != 0)
    for kpi, rows in f[off.fillna(False).astype(bool)].groupby("kpi_id", sort=True):
        first = f.index.get_loc(rows.index[0])
        reason = (
            f"{kpi} {_OFF_CYCLE[frequency[kpi]]}: {len(rows)} values of this file are for other months; "
            "they are kept but not scored: the month view carries the last due month"
        )
        out += ctx.problems_at(np.array([first]), "period", [reason], severity="warning")
    return out


# --------------------------------------------------------------------------- goal-setting tasks (issue 14)


def _whole_years(ctx: _Context) -> list[Problem]:
    f = ctx.frame
    out = ctx.problems(
        f["year"].notna() & ((f["year"] % 1 != 0) | (f["year"] < 1900) | (f["year"] > 2200)),
        "year",
        "year is a four-digit year",
    )
    if not f.empty and f["year"].notna().all() and not out:
        ctx.frame = f.assign(year=f["year"].astype("int64"))
    return out


def _task_values(ctx: _Context) -> list[Problem]:
    """A task's weight, cap and deadline, and an id no KPI has; a warning on
    a task of mode ``okr`` (the unit's OKRs counted in its total)."""
    out = _whole_years(ctx)
    f = ctx.frame
    out += ctx.problems(
        (f["weight"] <= 0) | (f["weight"] > 100), "weight", "weight is a percent above 0 and at most 100"
    )
    out += ctx.problems(
        f["cap"].notna() & (f["cap"] < 1), "cap", "a task's cap is a multiple of its weight, at least 1"
    )
    dates = f["deadline"].map(_deadline_ok)
    out += ctx.problems(f["deadline"].notna() & ~dates, "deadline", "the deadline is a date written YYYY-MM-DD")
    kpi_ids = _known_ids(ctx, "kpis")
    out += ctx.problems(
        f["task_id"].isin(kpi_ids), "task_id", "a KPI already has this id: give the task an id of its own"
    )
    out += ctx.problems(
        f["mode"] == OKR_MODE,
        "mode",
        "this task counts the unit's OKRs in its weighted total: OKRs tied to pay invite sandbagging",
        severity="warning",
    )
    return out


def _deadline_ok(text: object) -> bool:
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _task_weight_sums(ctx: _Context) -> list[Problem]:
    """Warning: a scorecard (unit, year) whose KPI and task weights, after
    this tasks file, do not add up to 100 (a scorecard whose KPIs leave room
    for tasks not loaded yet is warned about, never refused)."""
    f = ctx.frame
    if ctx.store is None:
        assigned = pd.DataFrame(columns=["unit_id", "year", "weight"])
        stored = pd.DataFrame(columns=["task_id", "unit_id", "year", "weight"])
    else:
        assigned = ctx.store.assignments()[["unit_id", "year", "weight"]]
        stored = ctx.store.tasks()[["task_id", "unit_id", "year", "weight"]]
    incoming = f[f["weight"].notna() & f["year"].notna() & f["unit_id"].notna()]
    kept = stored.merge(incoming[["task_id", "year"]], on=["task_id", "year"], how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"]
    parts = [assigned, kept[["unit_id", "year", "weight"]], incoming[["unit_id", "year", "weight"]]]
    parts = [p.astype({"year": "int64"}) for p in parts if len(p)]
    if not parts:
        return []
    sums = pd.concat(parts, ignore_index=True).groupby(["unit_id", "year"])["weight"].sum()
    return _weights_off_100(ctx, sums, incoming)


def _assessment_values(ctx: _Context) -> list[Problem]:
    """An assessment names a task of that year, a month of that year (not
    in the future) and a result its task's mode knows."""
    out = _whole_years(ctx)
    f = ctx.frame
    ok = f["period"].map(lambda p: isinstance(p, str) and valid_period(p)).astype(bool)
    out += ctx.problems(f["period"].notna() & ~ok, "period", PERIOD_FORMS)
    year_text = f["year"].map(lambda y: "" if pd.isna(y) else f"{int(y):04d}")
    out += ctx.problems(
        ok & f["year"].notna() & (f["period"].str[:4] != year_text), "period", "the month is not in the task's year"
    )
    this_month = ctx.today.strftime("%Y-%m")
    out += ctx.problems(
        ok & (f["period"] > this_month),
        "period",
        f"an assessment cannot be for a future month (today is {ctx.today.isoformat()})",
    )
    tasks = ctx.store.tasks() if ctx.store is not None else pd.DataFrame(columns=["task_id", "year", "mode"])
    modes = {(t, int(y)): m for t, y, m in zip(tasks["task_id"], tasks["year"], tasks["mode"], strict=True)}
    keys = [(t, None if pd.isna(y) else int(y)) for t, y in zip(f["task_id"], f["year"], strict=True)]
    mode = pd.Series([modes.get(k) for k in keys], index=f.index, dtype=object)
    out += ctx.problems(
        f["task_id"].notna() & f["year"].notna() & mode.isna(),
        "task_id",
        "unknown task for that year: load it in the tasks file first",
    )
    positions, reasons = [], []
    for i, (m, result) in enumerate(zip(mode, f["result"], strict=True)):
        if m is None or result is None:
            continue
        if m in TASK_RESULTS and str(result).strip().lower() not in TASK_RESULTS[m]:
            positions.append(i)
            reasons.append(f"a {m} task's result is one of {', '.join(TASK_RESULTS[m])}")
        elif m == "events" and not _EVENTS_LIST.fullmatch(str(result)):
            positions.append(i)
            reasons.append("an events task's result is a list of signed points such as +3;-2;+1")
        elif m == OKR_MODE:
            positions.append(i)
            reasons.append("an okr task is scored from its unit's OKRs and takes no assessment")
    out += ctx.problems_at(np.array(positions, dtype="int64"), "result", reasons)
    return out


# --------------------------------------------------------------------------- pay (issue 17)

_PAY_PERCENT_COLUMNS = ("fixed_pct", "bonus_pct", "longterm_pct")
#: The basis of a bonus that is the person's total score rather than one KPI.
PAY_BASIS_TOTAL = "total"


def _pay_values(ctx: _Context) -> list[Problem]:
    """A pay row: a person, an annual total above 0, a mix of percents adding
    up to 100, and what its scheme needs (target: a basis, total or a KPI;
    commission: a KPI and a rate; cap and floor for target only, with the
    cap not below the floor)."""
    out = _whole_years(ctx)
    f = ctx.frame
    units = ctx.store.units() if ctx.store is not None else pd.DataFrame(columns=["unit_id", "kind"])
    kinds = dict(zip(units["unit_id"], units["kind"], strict=True))
    known = f["unit_id"].isin(list(kinds))
    out += ctx.problems(
        known & (f["unit_id"].map(kinds) != "person"), "unit_id", "pay data is for persons, not departments"
    )
    out += ctx.problems(f["annual_total"] <= 0, "annual_total", "the annual total is an amount above 0")
    for column in _PAY_PERCENT_COLUMNS:
        out += ctx.problems((f[column] < 0) | (f[column] > 100), column, "a share of pay is a percent from 0 to 100")
    parts = f[list(_PAY_PERCENT_COLUMNS)]
    total = parts.sum(axis=1, min_count=len(_PAY_PERCENT_COLUMNS))
    for i in np.flatnonzero((total.notna() & ((total - 100).abs() > WEIGHT_TOLERANCE)).to_numpy(bool)):
        shown = " + ".join(f"{v:g}" for v in parts.iloc[i])
        out.append(
            Problem(
                ctx.file_name,
                int(f["_row"].iat[i]),
                " + ".join(_PAY_PERCENT_COLUMNS),
                shown,
                f"fixed_pct, bonus_pct and longterm_pct add up to {total.iat[i]:g}, not 100",
            )
        )
    scheme, basis = f["scheme"], f["basis"]
    target, commission = scheme == "target", scheme == "commission"
    out += ctx.problems(
        target & basis.isna(), "basis", "a target bonus needs a basis: total (the person's score) or a KPI id"
    )
    out += ctx.problems(
        commission & (basis.isna() | (basis == PAY_BASIS_TOTAL)),
        "basis",
        "a commission needs a KPI id as its basis (the KPI whose actual it is paid on)",
    )
    kpi_ids = _known_ids(ctx, "kpis")
    out += ctx.problems(
        basis.notna() & (basis != PAY_BASIS_TOTAL) & ~basis.isin(list(kpi_ids)),
        "basis",
        "unknown KPI: the basis is total or a KPI id of the dictionary",
    )
    out += ctx.problems(commission & f["rate"].isna(), "rate", "a commission needs a rate")
    out += ctx.problems(f["rate"] < 0, "rate", "the rate cannot be negative")
    out += ctx.problems(
        scheme.notna() & ~commission & f["rate"].notna(), "rate", "a rate applies to the commission scheme only"
    )
    for column in ("cap", "floor"):
        out += ctx.problems(
            scheme.notna() & ~target & f[column].notna(), column, "cap and floor apply to the target scheme only"
        )
    out += ctx.problems(f["floor"] < 0, "floor", "the floor cannot be negative")
    out += ctx.problems(
        target & (f["cap"].fillna(DEFAULT_PAY_CAP) < f["floor"].fillna(DEFAULT_PAY_FLOOR)),
        "cap",
        "the cap must not be below the floor",
    )
    return out + _pay_basis_assigned(ctx)


DEFAULT_PAY_CAP = 1.5
"""Achievement a target bonus is limited to when the row gives no cap (150%)."""
DEFAULT_PAY_FLOOR = 0.0
"""Achievement a target bonus starts from when the row gives no floor."""


def _pay_basis_assigned(ctx: _Context) -> list[Problem]:
    """Warning: a bonus on a KPI that is not on the person's scorecard of
    that year (no bonus can be worked out on it until it is assigned)."""
    if ctx.store is None or ctx.frame.empty:
        return []
    f = ctx.frame
    on_kpi = f["basis"].notna() & (f["basis"] != PAY_BASIS_TOTAL) & f["year"].notna() & f["unit_id"].notna()
    if not on_kpi.any():
        return []
    assigned = ctx.store.assignments()
    marks = set(zip(assigned["unit_id"], assigned["kpi_id"], assigned["year"].astype("int64"), strict=True))
    kpi_ids = _known_ids(ctx, "kpis")
    positions, reasons = [], []
    for i in np.flatnonzero(on_kpi.to_numpy(bool)):
        unit, kpi, year = f["unit_id"].iat[i], f["basis"].iat[i], int(f["year"].iat[i])
        if kpi in kpi_ids and (unit, kpi, year) not in marks:
            positions.append(i)
            reasons.append(
                f"{kpi} is not on this person's {year} scorecard: no bonus can be worked out on it until it is assigned"
            )
    return ctx.problems_at(np.array(positions, dtype="int64"), "basis", reasons, severity="warning")


# --------------------------------------------------------------------------- OKRs and value points (issue 18)


def _okr_objectives(ctx: _Context) -> list[Problem]:
    """An objective: a quarter written YYYYQn; a weight (its share of the
    unit's OKR score of the quarter) from 0 to 100."""
    f = ctx.frame
    quarter = f["quarter"].astype(object)
    out = ctx.problems(
        quarter.notna() & ~quarter.astype(str).str.fullmatch(QUARTER.pattern[1:-1]),
        "quarter",
        "quarter is written YYYYQn, e.g. 2026Q3",
    )
    out += ctx.problems((f["weight"] < 0) | (f["weight"] > 100), "weight", "weight is a percent from 0 to 100")
    return out


def _okr_key_results(ctx: _Context) -> list[Problem]:
    """A key result: of a stored objective; a 0-1 progress, or a start and a
    target that differ; a confidence from 0 to 1; 2-5 per objective (the
    stored ones and the file's together)."""
    f = ctx.frame
    stored = ctx.store.objectives() if ctx.store is not None else pd.DataFrame(columns=["objective_id"])
    known = set(stored["objective_id"])
    out = ctx.problems(
        f["objective_id"].notna() & ~f["objective_id"].isin(known),
        "objective_id",
        "unknown objective: load it in the objectives file first",
    )
    has_progress = f["progress"].notna()
    out += ctx.problems((f["progress"] < 0) | (f["progress"] > 1), "progress", "progress is a share from 0 to 1")
    out += ctx.problems(
        ~has_progress & (f["start"].isna() | f["target"].isna()),
        "target",
        "a key result needs a start and a target, or a progress from 0 to 1",
    )
    out += ctx.problems(
        ~has_progress & f["start"].notna() & (f["start"] == f["target"]),
        "target",
        "the target must differ from the start",
    )
    out += ctx.problems(
        (f["confidence"] < 0) | (f["confidence"] > 1), "confidence", "confidence is a share from 0 to 1"
    )
    if ctx.store is not None:
        kept = ctx.store.key_results(sorted(known & set(f["objective_id"].dropna())))
        kept = kept[~kept["kr_id"].isin(f["kr_id"])]
        counts = pd.concat([kept["objective_id"], f["objective_id"]]).value_counts()
        n = f["objective_id"].map(counts)
        out += ctx.problems(
            f["objective_id"].isin(known) & ((n < MIN_KRS) | (n > MAX_KRS)),
            "objective_id",
            f"an objective has {MIN_KRS} to {MAX_KRS} key results",
        )
    return out


def _value_event_rows(ctx: _Context) -> list[Problem]:
    """A value event: for a person; a type of the catalogue (its points
    filled in when the row gives none); a date written YYYY-MM-DD, not in the
    future; an approved or rejected event names who decided it."""
    f = ctx.frame
    units = ctx.store.units() if ctx.store is not None else pd.DataFrame(columns=["unit_id", "kind"])
    kinds = dict(zip(units["unit_id"], units["kind"], strict=True))
    out = ctx.problems(
        f["unit_id"].isin(list(kinds)) & (f["unit_id"].map(kinds) != "person"),
        "unit_id",
        "value points are for persons, not departments",
    )
    out += ctx.problems(
        f["type_id"].notna() & ~f["type_id"].isin(list(VALUE_TYPES)),
        "type_id",
        f"type_id is one of {', '.join(VALUE_TYPES)}",
    )
    out += _enum("status", STATUSES)(ctx)
    days = pd.to_datetime(f["event_date"].astype(object), format="%Y-%m-%d", errors="coerce")
    out += ctx.problems(
        f["event_date"].notna() & days.isna(), "event_date", "the date is written YYYY-MM-DD, e.g. 2026-08-14"
    )
    out += ctx.problems(days.dt.date > ctx.today, "event_date", "the date is in the future")
    decided = f["status"].isin(["approved", "rejected"])
    out += ctx.problems(
        decided & f["approved_by"].isna(), "approved_by", "an approved or rejected event names who decided it"
    )
    out += ctx.problems(
        (f["status"] == "pending") & f["approved_by"].notna(), "approved_by", "a pending event has no approver yet"
    )
    out += ctx.problems(f["points"] <= 0, "points", "points are a number above 0")
    catalogue = f["type_id"].map({k: v.points for k, v in VALUE_TYPES.items()})
    ctx.frame["points"] = f["points"].fillna(catalogue).astype(float)
    return out


# --------------------------------------------------------------------------- 360 set-up and unit attributes (issue 18)

#: A 360 cycle's status: ``open`` takes answers; ``closed`` is final.
CYCLE_STATUSES: tuple[str, ...] = ("open", "closed")
#: A 360 cycle's period: a year, a half year, a quarter or a month.
CYCLE_PERIOD = re.compile(r"[0-9]{4}(-H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?")
CLOSED_CYCLE = "the review cycle is closed: nothing of it can change (its answers are final)"


def _stored_cycles(ctx: _Context) -> dict[str, str]:
    """The stored 360 cycles: id -> status."""
    if ctx.store is None:
        return {}
    cycles = ctx.store.review_cycles()
    return dict(zip(cycles["cycle_id"], cycles["status"], strict=True))


def _review_cycle_rows(ctx: _Context) -> list[Problem]:
    """A cycle: its period a year, half, quarter or month; a stored closed
    cycle refuses any change (its answers are final); a new cycle loaded
    closed is warned about (it can take no questionnaire, raters or answers)."""
    f = ctx.frame
    period = f["period"].astype(object)
    out = ctx.problems(
        period.notna() & ~period.astype(str).str.fullmatch(CYCLE_PERIOD.pattern),
        "period",
        "period is a year (2026), a half year (2026-H1), a quarter (2026Q3) or a month (2026-03)",
    )
    stored = ctx.store.review_cycles() if ctx.store is not None else pd.DataFrame(columns=["cycle_id", "status"])
    closed = stored[stored["status"] == "closed"].set_index("cycle_id")
    hits: dict[str, list[int]] = {}
    for i, (cycle, row) in enumerate(zip(f["cycle_id"], f.to_dict("records"), strict=True)):
        if cycle not in closed.index:
            continue
        old = closed.loc[cycle]
        for column in ("status", "name", "name_zh", "period"):
            if clean_value(row[column]) != clean_value(old[column]):
                hits.setdefault(column, []).append(i)
                break
    for column, positions in hits.items():
        out += ctx.problems_at(np.array(positions, dtype="int64"), column, [CLOSED_CYCLE] * len(positions))
    out += ctx.problems(
        ~f["cycle_id"].isin(list(stored["cycle_id"])) & (f["status"] == "closed"),
        "status",
        "a new cycle loaded closed can take no questionnaire, raters or answers: load it open, close it when done",
        severity="warning",
    )
    return out


def _review_cycle_refs(ctx: _Context) -> list[Problem]:
    """A behaviour or rater row: of a stored cycle, and not changing a closed one."""
    f = ctx.frame
    cycles = _stored_cycles(ctx)
    out = ctx.problems(
        f["cycle_id"].notna() & ~f["cycle_id"].isin(list(cycles)),
        "cycle_id",
        "unknown review cycle: load it in the review_cycles file first",
    )
    closed = (f["cycle_id"].map(cycles) == "closed").to_numpy(bool)
    if closed.any() and ctx.store is not None:
        diff = ctx.store.diff(ctx.kind, f[closed])  # in the file's order
        changes = np.flatnonzero(closed)[(diff["change"] != "unchanged").to_numpy(bool)]
        reason = "the review cycle is closed: its questionnaire and raters can no longer change"
        out += ctx.problems_at(changes, "cycle_id", [reason] * len(changes))
    return out


def _review_behaviour_rows(ctx: _Context) -> list[Problem]:
    """A behaviour of a stored, open cycle. An empty position keeps the
    behaviour's stored place, or puts it after the cycle's behaviours (stored
    or given in the file), in the file's order."""
    f = ctx.frame
    top: dict[str, float] = {}
    kept: dict[tuple[str, str], float] = {}
    if ctx.store is not None:
        for cycle in f["cycle_id"].dropna().unique():
            stored = ctx.store.review_behaviours(str(cycle))
            kept |= {(str(cycle), b): float(p) for b, p in zip(stored["behaviour_id"], stored["position"], strict=True)}
            top[str(cycle)] = float(stored["position"].max()) if len(stored) else 0.0
    for cycle, given in zip(f["cycle_id"], f["position"], strict=True):
        if not math.isnan(given):
            top[cycle] = max(top.get(cycle, 0.0), given)
    filled = []
    for cycle, behaviour, given in zip(f["cycle_id"], f["behaviour_id"], f["position"], strict=True):
        if not math.isnan(given):
            filled.append(given)
        elif (cycle, behaviour) in kept:
            filled.append(kept[(cycle, behaviour)])
        else:
            top[cycle] = top.get(cycle, 0.0) + 1
            filled.append(top[cycle])
    ctx.frame["position"] = np.array(filled, dtype="float64")
    return _review_cycle_refs(ctx)


def _review_rater_rows(ctx: _Context) -> list[Problem]:
    """A rater of a person reviewed, in a stored, open cycle: the subject is a
    stored person; a department is no rater; ``self`` is the subject and the
    subject rates only as ``self``; a rater who has answered keeps their group
    (else their answers would move to another group). A warning when a group
    that is hidden under 3 answers will have fewer than 3 raters."""
    f = ctx.frame
    out = _review_cycle_refs(ctx)
    units = ctx.store.units() if ctx.store is not None else pd.DataFrame(columns=["unit_id", "kind"])
    kinds = dict(zip(units["unit_id"], units["kind"], strict=True))
    subject_kind, rater_kind = f["subject_id"].map(kinds), f["rater_id"].map(kinds)
    out += ctx.problems(
        f["subject_id"].notna() & subject_kind.isna(), "subject_id", "unknown unit: load it in the units file first"
    )
    out += ctx.problems(
        subject_kind.notna() & (subject_kind != "person"),
        "subject_id",
        "the person reviewed must be a person, not a department",
    )
    out += ctx.problems(
        rater_kind.notna() & (rater_kind != "person"),
        "rater_id",
        "a rater is a person, an account or an outside id (a customer), not a department",
    )
    self_rated = f["rater_group"] == "self"
    out += ctx.problems(
        self_rated & f["rater_id"].notna() & f["subject_id"].notna() & (f["rater_id"] != f["subject_id"]),
        "rater_id",
        "a self rating is given by the person reviewed: rater_id must equal subject_id",
    )
    out += ctx.problems(
        ~self_rated & f["rater_group"].isin(GROUPS) & (f["rater_id"] == f["subject_id"]),
        "rater_group",
        "the person reviewed rates themselves in the group self only",
    )
    known = _stored_cycles(ctx)
    cycles = [str(c) for c in f["cycle_id"].dropna().unique() if c in known]
    parts = [ctx.store.review_raters(c) for c in cycles] if ctx.store is not None else []
    stored = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["cycle_id", "subject_id", "rater_id", "rater_group", "answered"])
    )
    keys = list(zip(f["cycle_id"], f["subject_id"], f["rater_id"], strict=True))
    before = {
        (c, s, r): (g, int(n))
        for c, s, r, g, n in zip(
            stored["cycle_id"],
            stored["subject_id"],
            stored["rater_id"],
            stored["rater_group"],
            stored["answered"],
            strict=True,
        )
    }
    moved = [
        i
        for i, (key, group) in enumerate(zip(keys, f["rater_group"], strict=True))
        if key in before and before[key][1] > 0 and before[key][0] != group
    ]
    out += ctx.problems_at(
        np.array(moved, dtype="int64"),
        "rater_group",
        ["this rater has answered already: the group cannot change (the answers would move to another group)"]
        * len(moved),
    )
    # how many raters each hidden-under-3 group will have: the stored ones the file leaves, and the file's
    in_file = set(keys)
    groups = [(c, s, g) for (c, s, r), (g, _) in before.items() if (c, s, r) not in in_file]
    groups += [(c, s, g) for (c, s, _), g in zip(keys, f["rater_group"], strict=True)]
    counts = pd.Series(groups, dtype=object).value_counts() if groups else pd.Series(dtype="int64")
    few, reasons = [], []
    for i, ((c, s, _), g) in enumerate(zip(keys, f["rater_group"], strict=True)):
        n = int(counts.get((c, s, g), 0))
        if known.get(c) == "open" and g in GROUPS and g not in ALWAYS_SHOWN and n < MIN_ANSWERS:
            few.append(i)
            reasons.append(
                f"only {n} rater(s) of this group for this person: their answers stay hidden in the report "
                f"until {MIN_ANSWERS} have answered"
            )
    out += ctx.problems_at(np.array(few, dtype="int64"), "rater_group", reasons, severity="warning")
    return out


def _is_wide(rows: list[tuple[int, list[str]]]) -> bool:
    """A unit attributes file given as unit_id and a column per attribute
    (no ``attribute`` / ``value`` columns)."""
    if not rows or rows[0][0] != HEADER_ROW:
        return False
    header = [normalise_header(c) for c in rows[0][1]]
    return "unit_id" in header and "attribute" not in header and "value" not in header


#: Columns of a wide unit attributes file that are not attributes: the units
#: file's own (so a units file with attribute columns is read as it is).
_NOT_ATTRIBUTES = frozenset(FILE_SPECS["units"].columns)


def _attribute_columns(
    kind: str, rows: list[tuple[int, list[str]]], file_name: str, problems: list[Problem]
) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The rows of a wide unit attributes file (unit_id and one column per
    attribute: tenure, location ...) as (unit_id, attribute, value) rows, each
    on its row of the file; an empty cell is "not recorded" (no row). The
    header, ragged rows and unsafe cells are reported here, under the file's
    own column names; a cell reported is not read."""
    problems = list(problems)
    raw = rows[0][1]
    header = [normalise_header(c) for c in raw]
    unsafe = _unsafe_cells(kind, HEADER_ROW, header, raw, file_name)
    problems += unsafe
    for name in sorted({h for h in header if h and header.count(h) > 1}):
        problems.append(Problem(file_name, HEADER_ROW, name, name, "column appears more than once"))
    for i, name in enumerate(header):
        if name == "" and any(i < len(cells) and cells[i].strip() for _, cells in rows[1:]):
            problems.append(Problem(file_name, HEADER_ROW, f"#{i + 1}", "", f"column {i + 1} has no name"))
    refused = {p.column for p in unsafe}
    readable = [
        (i, name)
        for i, name in enumerate(header)
        if name and name not in _NOT_ATTRIBUTES and name not in refused and header.count(name) == 1
    ]
    # "tenure_zh" beside "tenure" holds the Chinese labels of tenure's values
    labels = {name.removesuffix("_zh"): i for i, name in readable if name.endswith("_zh")}
    named = {name for _, name in readable}
    attributes = [(i, name) for i, name in readable if not (name.endswith("_zh") and name[:-3] in named)]
    if not attributes:
        problems.append(
            Problem(
                file_name,
                HEADER_ROW,
                "",
                "",
                "no attribute column: give the columns unit_id, attribute and value, "
                "or unit_id and one column per attribute (tenure, location ...)",
            )
        )
    names = _dedupe(header)
    if all(len(cells) == len(header) for _, cells in rows[1:]):
        frame, numbers, found = _even_body(rows[1:], names)
    else:
        frame, numbers, found = _ragged_body(rows[1:], header, file_name)
    found += _unsafe_body(kind, header, frame, numbers, file_name)
    problems += [p for _, _, p in sorted(found, key=lambda t: (t[0], t[1]))]
    bad = {(p.row, p.column) for _, _, p in found}
    unit = header.index("unit_id")
    out: list[tuple[int, list[str]]] = [(HEADER_ROW, ["unit_id", "attribute", "value", "value_zh"])]
    for n, cells in zip(numbers, frame.itertuples(index=False), strict=True):
        if (n, "unit_id") in bad:
            continue
        for i, name in attributes:
            if cells[i] and (n, name) not in bad:
                zh = labels.get(name)
                label = cells[zh] if zh is not None and (n, header[zh]) not in bad else ""
                out.append((n, [cells[unit], name, cells[i], label]))
    return out, problems


def _wide_problems(problems: list[Problem], frame: pd.DataFrame) -> list[Problem]:
    """A wide unit attributes file's problems as its reader sees the file:
    one about a row's attribute is put in that attribute's column with the
    cell's value, and a problem repeated for each attribute of a row
    (an unknown unit) is said once."""
    cells = {(int(r), str(a)): v for r, a, v in zip(frame["_row"], frame["attribute"], frame["value"], strict=True)}
    out: list[Problem] = []
    seen: set[Problem] = set()
    for p in problems:
        if p.column == "attribute" and p.row is not None:
            value = cells.get((p.row, p.value))
            p = dataclasses.replace(p, column=p.value, value="" if value is None else str(value))
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


VALUE_COLUMN = {"targets": "target", "actuals": "actual"}

_CHECKS: dict[str, list[Check]] = {
    "units": [_enum("kind", UNIT_KINDS), _unit_tree],
    "kpis": [
        _enum("perspective", PERSPECTIVES),
        _enum("direction", DIRECTIONS),
        _enum("accumulation", ACCUMULATIONS),
        _enum("frequency", tuple(FREQUENCIES)),
        _kpi_rules,
        _formulas,
    ],
    "assignments": [
        _exists("unit_id", "units"),
        _exists("kpi_id", "kpis"),
        _enum("role", ROLES),
        _assignment_values,
        _weight_sums,
    ],
    "targets": [_exists("unit_id", "units"), _exists("kpi_id", "kpis"), _period_values, _outliers],
    "actuals": [_exists("unit_id", "units"), _exists("kpi_id", "kpis"), _period_values, _outliers, _values_of_method],
    "tasks": [
        _exists("unit_id", "units"),
        _enum("perspective", PERSPECTIVES),
        _enum("mode", TASK_MODES),
        _task_values,
        _task_weight_sums,
    ],
    "task_assessments": [_assessment_values],
    "pay": [_exists("unit_id", "units"), _enum("scheme", PAY_SCHEMES), _pay_values],
    "objectives": [_exists("unit_id", "units"), _okr_objectives],
    "key_results": [_okr_key_results],
    "value_events": [_exists("unit_id", "units"), _value_event_rows],
    "review_cycles": [_enum("status", CYCLE_STATUSES), _review_cycle_rows],
    "review_behaviours": [_review_behaviour_rows],
    "review_raters": [_enum("rater_group", GROUPS), _review_rater_rows],
    "unit_attributes": [_exists("unit_id", "units")],
}


# --------------------------------------------------------------------------- loading


def read(
    kind: str,
    data: bytes,
    file_name: str,
    store: Store | None,
    *,
    today: date | None = None,
    max_bytes: int | None = None,
) -> Validated:
    """Parse and validate in one step (CSV or .xlsx)."""
    return validate(parse(kind, data, file_name, max_bytes=max_bytes), store, today=today)


def load(
    store: Store,
    kind: str,
    data: bytes,
    file_name: str,
    *,
    dry_run: bool = False,
    uploaded_by: str = "",
    today: date | None = None,
    max_bytes: int | None = None,
) -> LoadReport:
    """Validate a file and, when it has no errors, store it as one batch.

    Warnings do not stop the load (the page shows them first and asks).
    With ``dry_run`` the report says what would change and nothing is written.
    """
    validated = read(kind, data, file_name, store, today=today, max_bytes=max_bytes)
    if not validated.ok:
        return LoadReport(validated, None, dry_run)
    if dry_run:
        return LoadReport(validated, plan(store, validated), True)
    return LoadReport(validated, commit(store, validated, uploaded_by=uploaded_by), False)


def commit(store: Store, validated: Validated, *, uploaded_by: str = "") -> BatchResult:
    """Store a validated file as one batch (one transaction: all rows or none).

    Raises ValueError for a file with errors; the store's own errors
    (:class:`kpi_core.store.StoreError`, a failed write) propagate after the
    transaction was rolled back.
    """
    if not validated.ok:
        raise ValueError(f"{validated.file_name} has {len(validated.errors)} errors; nothing was stored")
    return store.write_batch(
        validated.kind,
        validated.frame,
        file_name=validated.file_name,
        sha256=validated.sha256,
        uploaded_by=uploaded_by.strip()[:MAX_ID_LENGTH],
    )


def plan(store: Store, validated: Validated) -> BatchResult:
    """What storing a validated file would do: rows new, changed, unchanged."""
    return summarise_changes(None, validated.kind, store.diff(validated.kind, validated.frame))


def load_path(store: Store, kind: str, path: Path, **kwargs: object) -> LoadReport:
    """:func:`load` for a file on disk (the file name in messages is its name)."""
    return load(store, kind, Path(path).read_bytes(), Path(path).name, **kwargs)


def load_folder(store: Store, folder: Path, *, uploaded_by: str = "") -> list[LoadReport]:
    """Load ``units.csv``, ``kpis.csv`` ... from a folder, in dependency order
    (then the goal-setting tasks and, when present, ``pay.csv``, the OKR
    files, the 360 set-up files and ``unit_attributes.csv``).

    Each file is its own batch; loading stops at the first file with errors
    (later files refer to it), and the report of that file is the last one.
    """
    reports = []
    for kind in (*LOAD_ORDER, *TASK_KINDS, *PAY_KINDS, *OKR_KINDS, *REVIEW_KINDS, *ATTRIBUTE_KINDS):
        path = Path(folder) / f"{kind}.csv"
        if not path.exists():
            continue
        report = load_path(store, kind, path, uploaded_by=uploaded_by)
        reports.append(report)
        if not report.validated.ok:
            break
    return reports


def ensure_demo(store: Store, *, review: bool = True) -> list[LoadReport]:
    """Fill an empty database with the demo company; leave any other alone.
    ``review``: also write the demo's commentary, actions and minutes
    (:mod:`kpi_core.demo_review`); the tests of the review itself start
    without them."""

    if not store.is_empty():
        return []
    reports = load_folder(store, DEMO_DIR, uploaded_by="demo")
    if all(r.validated.ok for r in reports):
        from kpi_core import demo_360, demo_review  # they read scorecards: imported only here

        store.set_demo(True, by="demo")
        org = Org.from_frame(store.units())
        access.ensure_demo_accounts(store, org)
        if review:
            demo_review.seed(store, org)  # October's commentary, actions and September's minutes (issue 16)
            demo_360.seed(store, org)  # the 2026-H1 360 cycle of the department heads, a planted rater bias (issue 18)
    return reports
