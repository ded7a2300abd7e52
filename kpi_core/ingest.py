"""Ingest: turn an analyst's file into validated, typed rows, or into a list of
every problem in it.

One path for everybody: the CLI's ``load``, the demo loader, the upload page
and the tests call :func:`parse`, :func:`validate` and :func:`load`. Nothing
is written unless the whole file is free of errors; then the store writes it
as one batch (one transaction).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
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


@dataclass
class Validated:
    """A file after validation: typed rows, and every problem found."""

    kind: str
    file_name: str
    sha256: str
    frame: pd.DataFrame
    problems: list[Problem]

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


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark."""
    return data.decode("utf-8-sig")


def parse(kind: str, data: bytes, file_name: str) -> Parsed:
    """Read CSV bytes into text cells, reporting ragged rows and header problems."""
    if kind not in FILE_SPECS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(FILE_SPECS)}")
    sha = hashlib.sha256(data).hexdigest()
    problems: list[Problem] = []
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(file_name, None, "", "", f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        )
        return Parsed(kind, file_name, sha, pd.DataFrame(), problems)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(c.strip() for c in rows[0]):
        problems.append(Problem(file_name, HEADER_ROW, "", "", "the file is empty: a header row is needed"))
        return Parsed(kind, file_name, sha, pd.DataFrame(), problems)
    header = [normalise_header(c) for c in rows[0]]
    problems += _header_problems(kind, header, file_name)
    body, numbers = [], []
    for n, cells in enumerate(rows[1:], start=HEADER_ROW + 1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(file_name, n, "", "", f"expected {len(header)} fields as in the header, found {len(cells)}")
            )
            continue
        body.append([c.strip() for c in cells])
        numbers.append(n)
    frame = pd.DataFrame(body, columns=_dedupe(header), dtype=object)
    frame["_row"] = numbers
    return Parsed(kind, file_name, sha, frame, problems)


def normalise_header(name: str) -> str:
    """Header cells are matched in any case and with surrounding spaces."""
    return name.strip().lower().replace(" ", "_")


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
    for name in header:
        if name not in spec.columns:
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

    def problems(self, mask: pd.Series, column: str, reason: str, severity: str = "error") -> list[Problem]:
        hit = self.frame[mask.fillna(False).astype(bool)]
        values = hit[column] if column in hit else pd.Series("", index=hit.index)
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
        return Validated(parsed.kind, parsed.file_name, parsed.sha256, empty, problems)
    frame = frame.copy()
    for column in spec.optional:
        if column not in frame:
            frame[column] = ""
    ctx = _Context(parsed.kind, parsed.file_name, frame, store, today or date.today())
    problems += _required_values(ctx)
    typed, number_problems = _typed(ctx)
    problems += number_problems
    ctx.frame = typed
    for check in _CHECKS[parsed.kind]:
        problems += check(ctx)
    problems += _duplicates(ctx)
    problems.sort(key=lambda p: (p.row or 0, p.column))
    columns = [*spec.columns]
    return Validated(parsed.kind, parsed.file_name, parsed.sha256, typed[columns].reset_index(drop=True), problems)


def _required_values(ctx: _Context) -> list[Problem]:
    out = []
    for column in FILE_SPECS[ctx.kind].required_values:
        out += ctx.problems(ctx.frame[column] == "", column, "a value is required")
    return out


def parse_number(text: str) -> float:
    """A number cell: empty -> NaN; anything not a finite number raises ValueError."""
    if text == "":
        return math.nan
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _typed(ctx: _Context) -> tuple[pd.DataFrame, list[Problem]]:
    spec = FILE_SPECS[ctx.kind]
    out = ctx.frame.copy()
    problems = []
    for column in spec.numeric:
        values, bad = [], []
        for text in out[column]:
            try:
                values.append(parse_number(text))
                bad.append(False)
            except ValueError:
                values.append(math.nan)
                bad.append(True)
        problems += ctx.problems(pd.Series(bad, index=out.index), column, "not a finite number")
        out[column] = np.array(values, dtype="float64")
    for column in spec.columns:
        if column not in spec.numeric:
            out[column] = out[column].where(out[column] != "", None)
    return out, problems


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
        (f["year"] % 1 != 0) | (f["year"] < 1900) | (f["year"] > 2200), "year", "year is a four-digit year"
    )
    if not f.empty and f["year"].notna().all():
        ctx.frame = f.assign(year=f["year"].astype("int64"))
    return out


def _period_values(ctx: _Context) -> list[Problem]:
    f = ctx.frame
    ok = f["period"].map(valid_period)
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
    if not text or len(text) != 7 or text[4] != "-":
        return False
    year, month = text[:4], text[5:]
    return year.isdigit() and month.isdigit() and 1 <= int(month) <= 12 and int(year) >= 1900


def _assigned(ctx: _Context, period_ok: pd.Series) -> list[Problem]:
    f = ctx.frame
    assigned = ctx.store.assignments()
    keys = set(zip(assigned["unit_id"], assigned["kpi_id"], assigned["year"].astype(int), strict=True))
    years = f["period"].where(period_ok).str[:4]
    known_units = _known_ids(ctx, "units")
    known_kpis = _known_ids(ctx, "kpis")
    candidate = period_ok & f["unit_id"].isin(known_units) & f["kpi_id"].isin(known_kpis)
    missing = [
        bool(c) and (u, k, int(y)) not in keys
        for c, u, k, y in zip(candidate, f["unit_id"], f["kpi_id"], years.fillna("0"), strict=True)
    ]
    return ctx.problems(
        pd.Series(missing, index=f.index), "kpi_id", "this KPI is not assigned to this unit in that year"
    )


_CHECKS: dict[str, list[Check]] = {
    "units": [_enum("kind", UNIT_KINDS), _unit_tree],
    "kpis": [
        _enum("perspective", PERSPECTIVES),
        _enum("direction", DIRECTIONS),
        _enum("accumulation", ACCUMULATIONS),
        _kpi_rules,
    ],
    "assignments": [_exists("unit_id", "units"), _exists("kpi_id", "kpis"), _enum("role", ROLES), _assignment_values],
    "targets": [_exists("unit_id", "units"), _exists("kpi_id", "kpis"), _period_values],
    "actuals": [_exists("unit_id", "units"), _exists("kpi_id", "kpis"), _period_values],
}


# --------------------------------------------------------------------------- loading


def read(kind: str, data: bytes, file_name: str, store: Store | None, *, today: date | None = None) -> Validated:
    """Parse and validate in one step."""
    return validate(parse(kind, data, file_name), store, today=today)


def load(
    store: Store,
    kind: str,
    data: bytes,
    file_name: str,
    *,
    dry_run: bool = False,
    uploaded_by: str = "",
    today: date | None = None,
) -> LoadReport:
    """Validate a file and, when it has no errors, store it as one batch.

    With ``dry_run`` the report says what would change and nothing is written.
    """
    validated = read(kind, data, file_name, store, today=today)
    if not validated.ok:
        return LoadReport(validated, None, dry_run)
    if dry_run:
        return LoadReport(validated, plan(store, validated), True)
    result = store.write_batch(
        kind, validated.frame, file_name=file_name, sha256=validated.sha256, uploaded_by=uploaded_by
    )
    return LoadReport(validated, result, False)


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
