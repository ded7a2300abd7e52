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
  definition starts that way, so the analyst fixes the source instead. NUL and
  other control characters are refused; ids are at most 64 characters, other
  text 2000.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_core.model import (
    ACCUMULATIONS,
    DIRECTIONS,
    FILE_SPECS,
    LOAD_ORDER,
    PERSPECTIVES,
    ROLES,
    UNIT_KINDS,
)
from kpi_core.scoring import parse_tiers
from kpi_core.store import BatchResult, Store, summarise_changes

HEADER_ROW = 1
MAX_MB_ENV = "KPI_UPLOAD_MAX_MB"
DEFAULT_MAX_MB = 20.0
MAX_ID_LENGTH = 64
"""Longest id (unit_id, kpi_id ...) accepted."""
MAX_TEXT_LENGTH = 2000
"""Longest other text cell (a KPI's caliber is the longest real one, ~500)."""
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
    parsed = _frame(kind, rows, file_name, problems)
    parsed.sha256, parsed.source = sha, source
    parsed.delimiter = next((d for d, n in DELIMITER_NAMES.items() if f"{n}-separated" in source), ",")
    return parsed


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _text_rows(kind: str, data: bytes, file_name: str) -> tuple[list[tuple[int, list[str]]], list[Problem], str]:
    if _looks_utf16(data):
        reason = "UTF-16 text without a byte-order mark (NUL bytes): save it as CSV UTF-8"
        return [], [Problem(file_name, HEADER_ROW, "", "", reason)], ""
    try:
        text, encoding = decode_with_name(data)
    except UnicodeDecodeError as exc:
        return [], [_encoding_problem(kind, data, exc.start, file_name)], ""
    if not text.strip():
        return [], [Problem(file_name, HEADER_ROW, "", "", "the file is empty: a header row is needed")], encoding
    delimiter, problem = _sniff(kind, text, file_name)
    if problem is not None:
        return [], [problem], encoding
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows.extend(enumerate(reader, start=HEADER_ROW))  # keeps the rows read before an error
    except csv.Error as exc:
        row = len(rows) + 1
        return rows, [Problem(file_name, row, "", "", f"the CSV cannot be read here: {exc}")], encoding
    return _trim_columns(rows), [], f"CSV, {encoding}, {DELIMITER_NAMES[delimiter]}-separated"


def _looks_utf16(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    head = data[:200]
    return len(head) >= 4 and head.count(0) * 3 >= len(head)


def _encoding_problem(kind: str, data: bytes, start: int, file_name: str) -> Problem:
    """Name the row and (by counting delimiters in the raw line) the column of
    the first byte that is neither UTF-8 nor GB18030."""
    row = data[:start].count(b"\n") + 1
    header = data.split(b"\n", 1)[0].decode("latin-1")
    delimiter, _ = _sniff(kind, header, file_name)
    names = [normalise_header(c) for c in header.split(delimiter)]
    line_start = data.rfind(b"\n", 0, start) + 1
    index = data[line_start:start].count(delimiter.encode())
    column = names[index] if index < len(names) else ""
    shown = data[start : start + 4].decode("latin-1")
    reason = f"the file is neither UTF-8 nor GBK/GB18030 text (byte {start}): save it as CSV UTF-8"
    return Problem(file_name, row, column, shown, reason)


def _sniff(kind: str, text: str, file_name: str) -> tuple[str, Problem | None]:
    """The delimiter (comma, semicolon or tab) under which the header row names
    the most known columns; a tie between two is refused as ambiguous."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    known = set(FILE_SPECS[kind].columns)
    scores = {}
    for delimiter in DELIMITER_NAMES:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        scores[delimiter] = len({normalise_header(c) for c in cells} & known)
    best = max(scores.values())
    winners = [d for d, s in scores.items() if s == best]
    if best == 0:
        return ",", None
    if len(winners) > 1:
        names = " or ".join(DELIMITER_NAMES[d] for d in winners)
        return ",", Problem(file_name, HEADER_ROW, "", first[:80], f"cannot tell whether the file is {names}-separated")
    return winners[0], None


def _excel_rows(kind: str, data: bytes, file_name: str) -> tuple[list[tuple[int, list[str]]], list[Problem], str]:
    """Cells of the one sheet with data (or the sheet named after the kind), as
    text; merged cells and workbooks with several data sheets are refused."""
    import openpyxl  # only needed for Excel uploads

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the analyst's problem, with its reason
        reason = f"not a readable .xlsx workbook ({type(exc).__name__}): save it again as .xlsx or CSV UTF-8"
        return [], [Problem(file_name, None, "", "", reason)], ""
    sheets = [ws for ws in book.worksheets if ws.max_row > 1 or ws.cell(1, 1).value is not None]
    named = [ws for ws in sheets if ws.title.strip().lower() == kind]
    if len(named) == 1:
        sheets = named
    if not sheets:
        return [], [Problem(file_name, HEADER_ROW, "", "", "the workbook is empty: a header row is needed")], ""
    if len(sheets) > 1:
        titles = ", ".join(ws.title for ws in sheets)
        reason = f"the workbook has {len(sheets)} sheets with data ({titles}): keep one, or name one '{kind}'"
        return [], [Problem(file_name, None, "sheet", titles, reason)], ""
    ws = sheets[0]
    rows = [(n, [_excel_text(v) for v in values]) for n, values in enumerate(ws.iter_rows(values_only=True), start=1)]
    rows = _trim_columns(rows)
    problems = []
    header = rows[0][1] if rows else []
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        col = merged.min_col - 1
        name = normalise_header(header[col]) if col < len(header) else merged.coord
        problems.append(
            Problem(file_name, merged.min_row, name, merged.coord, "merged cells: unmerge them and fill every cell")
        )
    return rows, problems, f"Excel, sheet '{ws.title}'"


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
    if not rows or not any(c.strip() for c in rows[0][1]):
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
_SUSPECT_CHARS = r"[\x00-\x1f\x7f]"


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
            suspect |= cells.str[:1].isin(["=", "@", "+", "-"])
        for i in np.flatnonzero(suspect.to_numpy(bool)):
            cell = cells.iat[i]
            reason = _unsafe_reason(name, cell, numeric)
            if reason:
                shown = cell.replace("\x00", "\\0")[:60]
                out.append((numbers[i], j, Problem(file_name, numbers[i], name, shown, reason)))
    return out


_ANY_SUSPECT = re.compile(_SUSPECT_CHARS)
_FORMULA_START = re.compile(r"(?:\A|\x00)[=@+\-]")


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
            shown = cell.replace("\x00", "\\0")[:60]
            out.append(Problem(file_name, row, name, shown, reason))
    return out


def _unsafe_reason(column: str, cell: str, numeric: tuple[str, ...]) -> str | None:
    if "\x00" in cell:
        return "contains a NUL byte (a binary or UTF-16 file?): save it as CSV UTF-8"
    if _CONTROL.search(cell):
        return "contains a control character"
    if ("\n" in cell or "\r" in cell) and (column in numeric or column in _ONE_LINE):
        return "holds a line break: is a quote (\") left open earlier on this row?"
    limit = MAX_ID_LENGTH if column.endswith("_id") else MAX_TEXT_LENGTH
    if len(cell) > limit:
        return f"longer than {limit} characters ({len(cell)})"
    if column not in numeric and looks_like_formula(cell):
        return "looks like a spreadsheet formula (starts with = + - or @): refused so no spreadsheet runs it later"
    return None


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (CSV injection):
    starting with ``=``, ``@``, or ``+``/``-`` not followed by a plain number.

    >>> [looks_like_formula(s) for s in ["=cmd|' /C calc'!A0", "@SUM(A1)", "-5", "+86", "-x", "net"]]
    [True, True, False, False, True, False]
    """
    if not text:
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and not _PLAIN_NUMBER.fullmatch(text[1:].strip())


def normalise_header(name: str) -> str:
    """Header cells are matched in any case and with surrounding spaces."""
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


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
            problems.append(Problem(file_name, HEADER_ROW, column, "", "required column is missing"))
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
    missing_columns = any(c not in frame.columns for c in spec.required)
    if frame.empty and not missing_columns and not problems:
        problems.append(Problem(parsed.file_name, HEADER_ROW + 1, "", "", "the file has a header but no data rows"))
    if frame.empty or missing_columns:
        empty = pd.DataFrame(columns=list(spec.columns))
        return Validated(parsed.kind, parsed.file_name, parsed.sha256, empty, _sorted(problems), parsed.source)
    frame = frame.copy()
    for column in spec.optional:
        if column not in frame:
            frame[column] = ""
    ctx = _Context(parsed.kind, parsed.file_name, frame, store, today or date.today(), parsed.delimiter, frame)
    problems += _required_values(ctx)
    if "period" in frame:
        problems += _normalise_periods(ctx)
    typed, number_problems = _typed(ctx)
    problems += number_problems
    ctx.frame = typed
    for check in _CHECKS[parsed.kind]:
        problems += check(ctx)
    problems += _duplicates(ctx)
    columns = [*spec.columns]
    frame = ctx.frame[columns].reset_index(drop=True)
    return Validated(parsed.kind, parsed.file_name, parsed.sha256, frame, _sorted(problems), parsed.source)


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


def _typed(ctx: _Context) -> tuple[pd.DataFrame, list[Problem]]:
    spec = FILE_SPECS[ctx.kind]
    out = ctx.frame.copy()
    problems = []
    for column in spec.numeric:
        values, reasons = _numbers(ctx, column)
        for reason in sorted(set(reasons) - {""}):
            problems += ctx.problems(pd.Series([r == reason for r in reasons], index=out.index), column, reason)
        out[column] = np.array(values, dtype="float64")
    for column in spec.columns:
        if column not in spec.numeric:
            out[column] = out[column].where(out[column] != "", None)
    return out, problems


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
    return None, "period is a month written YYYY-MM, e.g. 2026-03 (2026/03 and 202603 are accepted too)"


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
    f = ctx.frame
    stored = ctx.store.units() if ctx.store is not None else pd.DataFrame(columns=["unit_id", "kind", "parent_id"])
    merged = pd.concat([stored[~stored["unit_id"].isin(f["unit_id"])], f], ignore_index=True)
    kinds = dict(zip(merged["unit_id"], merged["kind"], strict=True))
    parents = dict(zip(merged["unit_id"], merged["parent_id"], strict=True))
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
    companies = [u for u, k in kinds.items() if k == "company"]
    if len(companies) > 1:
        out += ctx.problems(is_company, "kind", f"only one company is allowed; found {', '.join(sorted(companies))}")
    out += ctx.problems(
        f["unit_id"].map(lambda u: _in_cycle(u, parents)), "parent_id", "the parent chain loops back to this unit"
    )
    return out


def _in_cycle(unit: str, parents: dict[str, str | None]) -> bool:
    seen = {unit}
    node = parents.get(unit)
    while node is not None and node in parents:
        if node in seen:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


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
    out += ctx.problems(
        f["tiers"].map(_bad_tiers),
        "tiers",
        "tiers are written like 0.9:0.7;1.0:0.9 (below completion : share of points)",
    )
    return out


def _bad_tiers(text: str | None) -> bool:
    if text is None:
        return False
    try:
        tiers = parse_tiers(text)
    except ValueError:
        return True
    return not tiers or any(share < 0 for _, share in tiers)


def _assignment_values(ctx: _Context) -> list[Problem]:
    f = ctx.frame
    out = ctx.problems(
        (f["weight"] <= 0) | (f["weight"] > 100), "weight", "weight is a percent above 0 and at most 100"
    )
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
    out = ctx.problems(f["period"].notna() & ~ok, "period", "period is a month written YYYY-MM, e.g. 2026-03")
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
    sums = merged.groupby(["unit_id", "year"])["weight"].sum()
    out = []
    for (unit, year), total in sums.items():
        if abs(total - 100) <= WEIGHT_TOLERANCE:
            continue
        first = incoming[(incoming["unit_id"] == unit) & (incoming["year"] == year)]
        if first.empty:
            continue
        mask = f["_row"] == first["_row"].min()
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
            m["unit_id"].to_numpy()[hits], m["count"].to_numpy()[hits], m["min"].to_numpy()[hits],
            m["max"].to_numpy()[hits], strict=True,
        )
    ]
    return ctx.problems_at(hits, column, reasons, severity="warning")


VALUE_COLUMN = {"targets": "target", "actuals": "actual"}

_CHECKS: dict[str, list[Check]] = {
    "units": [_enum("kind", UNIT_KINDS), _unit_tree],
    "kpis": [
        _enum("perspective", PERSPECTIVES),
        _enum("direction", DIRECTIONS),
        _enum("accumulation", ACCUMULATIONS),
        _kpi_rules,
    ],
    "assignments": [
        _exists("unit_id", "units"),
        _exists("kpi_id", "kpis"),
        _enum("role", ROLES),
        _assignment_values,
        _weight_sums,
    ],
    "targets": [_exists("unit_id", "units"), _exists("kpi_id", "kpis"), _period_values, _outliers],
    "actuals": [_exists("unit_id", "units"), _exists("kpi_id", "kpis"), _period_values, _outliers],
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
    """Load ``units.csv``, ``kpis.csv`` ... from a folder, in dependency order.

    Each file is its own batch; loading stops at the first file with errors
    (later files refer to it), and the report of that file is the last one.
    """
    reports = []
    for kind in LOAD_ORDER:
        path = Path(folder) / f"{kind}.csv"
        if not path.exists():
            continue
        report = load_path(store, kind, path, uploaded_by=uploaded_by)
        reports.append(report)
        if not report.validated.ok:
            break
    return reports


def ensure_demo(store: Store) -> list[LoadReport]:
    """Fill an empty database with the demo company; leave any other alone."""
    from kpi_core.demo import DEMO_DIR

    if not store.is_empty():
        return []
    return load_folder(store, DEMO_DIR, uploaded_by="demo")
