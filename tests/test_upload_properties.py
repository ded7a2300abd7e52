"""Property tests (hypothesis): a valid file, however it is spelled (encoding,
delimiter, number and period forms), stores exactly what was parsed; a file
with one planted defect never changes the store."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_core import ingest
from kpi_core.store import Store
from tests.conftest import TODAY

PAIRS = [("HQ", k) for k in ("rev", "days", "spend", "csat", "staff")] + [
    ("SALES", "rev"),
    ("SALES", "days"),
    ("OPS", "spend"),
    ("OPS", "staff"),
    ("P1", "rev"),
]
MONTHS = [f"2026-{m:02d}" for m in range(1, 12)]
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

rows = st.lists(
    st.tuples(
        st.sampled_from(PAIRS),
        st.sampled_from(MONTHS),
        st.decimals(min_value=-99999, max_value=99999, places=2, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=15,
    unique_by=lambda r: (r[0], r[1]),
)
spelling = st.fixed_dictionaries(
    {
        "delimiter": st.sampled_from([",", ";", "\t"]),
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
        "period": st.sampled_from(["{y}-{m}", "{y}/{m}", "{y}{m}", "{y}年{mi}月"]),
        "grouped": st.booleans(),
        "newline": st.sampled_from(["\n", "\r\n"]),
    }
)


def _period(month: str, form: str) -> str:
    y, m = month.split("-")
    return form.format(y=y, m=m, mi=int(m))


def _number(value, grouped: bool, delimiter: str) -> str:
    if grouped and delimiter != ";":
        return f'"{value:,.2f}"' if delimiter == "," else f"{value:,.2f}"
    return f"{value:.2f}"


def _render(data, how) -> bytes:
    d = how["delimiter"]
    lines = [d.join(["unit_id", "kpi_id", "period", "actual"])]
    for (unit, kpi), month, value in data:
        lines.append(d.join([unit, kpi, _period(month, how["period"]), _number(value, how["grouped"], d)]))
    return (how["newline"].join(lines) + how["newline"]).encode(how["encoding"])


class _Copies:
    """A fresh copy of the small company's database for every example."""

    def __init__(self, template: Path) -> None:
        self.template = template
        self.folder = Path(tempfile.mkdtemp())
        self.n = 0

    def open(self) -> Store:
        self.n += 1
        path = self.folder / f"db{self.n}.duckdb"
        shutil.copyfile(self.template, path)
        return Store(path)


@SETTINGS
@given(data=rows, how=spelling)
def test_a_valid_file_stores_exactly_what_was_parsed(_small_db_template, data, how):
    store = _Copies(_small_db_template).open()
    try:
        before = _stored(store)
        report = ingest.load(store, "actuals", _render(data, how), "gen.csv", today=TODAY)
        assert report.validated.ok, [str(p) for p in report.validated.errors]
        parsed = {(r.unit_id, r.kpi_id, r.period): r.actual for r in report.validated.frame.itertuples()}
        assert parsed == {(u, k, m): float(v) for (u, k), m, v in data}
        after = _stored(store)
        batch = report.result.batch_id
        for key, value in parsed.items():
            assert after[key][0] == value
            if key in before and before[key][0] == value:
                assert after[key][1] == before[key][1]  # unchanged: keeps the batch that brought it
            else:
                assert batch is not None and after[key][1] == batch  # new or restated: this upload's batch
    finally:
        store.close()


def _stored(store: Store) -> dict:
    """(unit, KPI, month) -> (actual, batch id) of every stored actual."""
    rows = (
        store.cursor()
        .execute("SELECT unit_id, kpi_id, strftime(period, '%Y-%m'), actual, batch_id FROM actuals")
        .fetchall()
    )
    return {(u, k, p): (v, b) for u, k, p, v, b in rows}


DEFECTS = [
    lambda cells: cells.__setitem__(3, "abc"),
    lambda cells: cells.__setitem__(3, "NaN"),
    lambda cells: cells.__setitem__(3, "=1+1"),
    lambda cells: cells.__setitem__(0, "NOPE"),
    lambda cells: cells.__setitem__(0, "HQ\x00"),
    lambda cells: cells.__setitem__(2, "2026-13"),
    lambda cells: cells.__setitem__(2, "2027-01"),
    lambda cells: cells.append("extra"),
    lambda cells: cells.pop(),
    lambda cells: cells.__setitem__(1, "=cmd|' /C calc'!A0"),
]


_SHARED: dict[Path, Store] = {}


def _shared(template: Path) -> Store:
    """One store for every example of the defect test: none may change it."""
    if template not in _SHARED:
        _SHARED[template] = _Copies(template).open()
    return _SHARED[template]


@SETTINGS
@given(data=rows, defect=st.sampled_from(range(len(DEFECTS))), where=st.integers(min_value=0, max_value=14))
def test_a_file_with_a_defect_never_changes_the_store(_small_db_template, data, defect, where):
    store = _shared(_small_db_template)
    lines = [["unit_id", "kpi_id", "period", "actual"]]
    lines += [[u, k, m, f"{v:.2f}"] for (u, k), m, v in data]
    row = 1 + where % len(data)
    DEFECTS[defect](lines[row])
    text = "\n".join(",".join(cells) for cells in lines) + "\n"
    before = store.table_checksums()
    report = ingest.load(store, "actuals", text.encode(), "bad.csv", today=TODAY)
    assert not report.validated.ok
    assert report.result is None
    assert any(p.row == row + 1 for p in report.validated.errors)
    assert store.table_checksums() == before
