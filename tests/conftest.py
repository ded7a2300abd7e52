"""Shared fixtures: every test gets its own database file under tmp_path, and
a small hand-made company whose figures are easy to check by hand."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from kpi_core import ingest, scores
from kpi_core.store import ENV_VAR, Store
from tests.browser_support import browser, live_app, page  # noqa: F401  (fixtures for the browser tests)
from tests.pg_contract import is_contract
from tests.pg_support import pg_cluster, pg_url  # noqa: F401  (fixtures for the PostgreSQL tests)

TODAY = date(2026, 11, 21)

# A company small enough to score by hand: HQ with two departments, one person.
SMALL = {
    "units": """unit_id,name,name_zh,kind,parent_id
HQ,Acme,阿克米,company,
SALES,Sales,销售部,department,HQ
OPS,Operations,运营部,department,HQ
P1,Li Na,李娜,person,SALES
""",
    "kpis": """kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,floor,cap,tiers,band_low,band_high,band_penalty,green_at,amber_at,blend
rev,Revenue,营业收入,financial,higher,10k CNY,sum,Invoiced revenue,0.6,1.2,,,,,,,
days,Collection days,回款天数,financial,lower,days,avg,Days sales outstanding,,,,,,,,,
spend,Expense budget execution,费用预算执行率,financial,band,10k CNY,sum,Spend against budget,,,,0.9,1.0,2,,,
csat,Customer satisfaction,客户满意度,customer,higher,pts,avg,Survey score,,,0.9:0.7;1.0:0.9,,,,,,0.5
staff,Key staff retained,核心员工保留,learning,higher,count,last,Key staff on payroll,,,,,,,,,
""",
    "assignments": """unit_id,kpi_id,year,weight,role
HQ,rev,2026,40,core
HQ,days,2026,20,core
HQ,spend,2026,10,aux
HQ,csat,2026,20,core
HQ,staff,2026,10,aux
SALES,rev,2026,60,core
SALES,days,2026,40,core
OPS,spend,2026,50,core
OPS,staff,2026,50,core
P1,rev,2026,100,core
""",
}


def _values(kind: str, rows: list[tuple[str, str, str, float]]) -> str:
    lines = [f"unit_id,kpi_id,period,{kind[:-1]}"]
    lines += [f"{u},{k},{p},{v:g}" for u, k, p, v in rows]
    return "\n".join(lines) + "\n"


# Three months of 2026 for HQ: the quarter/YTD figures are checked by hand in tests.
SMALL_TARGETS = [
    ("HQ", "rev", "2026-01", 100),
    ("HQ", "rev", "2026-02", 100),
    ("HQ", "rev", "2026-03", 200),
    ("HQ", "days", "2026-01", 40),
    ("HQ", "days", "2026-02", 40),
    ("HQ", "days", "2026-03", 40),
    ("HQ", "spend", "2026-01", 100),
    ("HQ", "spend", "2026-02", 100),
    ("HQ", "spend", "2026-03", 100),
    ("HQ", "csat", "2026-01", 90),
    ("HQ", "csat", "2026-02", 90),
    ("HQ", "csat", "2026-03", 90),
    ("HQ", "staff", "2026-01", 20),
    ("HQ", "staff", "2026-02", 20),
    ("HQ", "staff", "2026-03", 20),
    ("SALES", "rev", "2026-03", 200),
    ("SALES", "days", "2026-03", 40),
    ("OPS", "spend", "2026-03", 100),
    ("OPS", "staff", "2026-03", 20),
    ("P1", "rev", "2026-03", 50),
]
SMALL_ACTUALS = [
    ("HQ", "rev", "2026-01", 95),
    ("HQ", "rev", "2026-02", 110),
    ("HQ", "rev", "2026-03", 150),
    ("HQ", "days", "2026-01", 50),
    ("HQ", "days", "2026-02", 44),
    ("HQ", "days", "2026-03", 38),
    ("HQ", "spend", "2026-01", 95),
    ("HQ", "spend", "2026-02", 100),
    ("HQ", "spend", "2026-03", 103),
    ("HQ", "csat", "2026-01", 81),
    ("HQ", "csat", "2026-02", 90),
    ("HQ", "csat", "2026-03", 99),
    ("HQ", "staff", "2026-01", 20),
    ("HQ", "staff", "2026-02", 19),
    ("HQ", "staff", "2026-03", 18),
    ("SALES", "rev", "2026-03", 190),
    ("SALES", "days", "2026-03", 50),
    ("OPS", "spend", "2026-03", 80),
    ("OPS", "staff", "2026-03", 20),
]
SMALL["targets"] = _values("targets", SMALL_TARGETS)
SMALL["actuals"] = _values("actuals", SMALL_ACTUALS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With pytest-xdist (``-n 2 --dist loadgroup``, pyproject.toml), the
    browser tests all run on one worker, one after the other: each starts a
    Streamlit server and a Chromium, and two of them at once on a 2-core
    machine would time out; the other worker takes everything else.

    A browser test gets one retry (pytest-rerunfailures): it waits on a real
    server and a real browser painting on a loaded machine, where a slow
    paint can miss a wait once; a failure that repeats still fails, and the
    report counts the retries ("rerun")."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


#: The first failure of each test that passed on its retry: (test, traceback).
_RERUN_FAILURES: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep the traceback of a failure that a retry then hid (the summary
    names the test; this says what went wrong the first time)."""
    if report.outcome == "rerun":
        _RERUN_FAILURES.append((report.nodeid, report.longreprtext))


def pytest_terminal_summary(terminalreporter) -> None:
    for nodeid, text in _RERUN_FAILURES:
        terminalreporter.write_sep("-", f"first failure of {nodeid} (retried)")
        terminalreporter.write_line(text[-4000:])


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tests never touch data/scorecard.duckdb: the default path is a temp file."""
    path = tmp_path / "test.duckdb"
    monkeypatch.setenv(ENV_VAR, str(path))
    monkeypatch.delenv("KPI_DB", raising=False)  # it would win over $KPI_DB_PATH
    return path


# ---------------------------------------------------------------- both backends


@pytest.fixture
def store_backend(request: pytest.FixtureRequest) -> str:
    """``duckdb``, or ``postgresql`` for the store contract tests' second run
    (tests/pg_contract.py lists them; the store fixtures below follow it)."""
    return getattr(request, "param", "duckdb")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_backend" in metafunc.fixturenames and is_contract(metafunc.module.__name__, metafunc.function.__name__):
        metafunc.parametrize("store_backend", ["duckdb", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def _pg_templates() -> dict[str, str]:
    return {}


def _pg_copy(request: pytest.FixtureRequest, which: str, fill) -> str:
    """A fresh PostgreSQL database holding ``which`` (loaded once per session by ``fill(store)``)."""
    cluster = request.getfixturevalue("pg_cluster")
    templates = request.getfixturevalue("_pg_templates")
    if which not in templates:
        url = cluster.create(name=f"tmpl_{which}_{os.getpid()}")
        with Store(url) as store:
            fill(store)
        templates[which] = url.rsplit("/", 1)[1]
    url = cluster.create(template=templates[which])
    request.addfinalizer(lambda: cluster.drop(url))
    return url


def _load_small(store: Store, folder: Path) -> None:
    reports = ingest.load_folder(store, folder)
    bad = [str(p) for r in reports for p in r.validated.errors]
    assert not bad, bad


def _load_demo(store: Store) -> None:
    # as demo_db_template: without the demo's own review (commentary, actions, minutes)
    reports = ingest.ensure_demo(store, review=False)
    bad = [str(p) for r in reports for p in r.validated.errors]
    assert not bad, bad


@pytest.fixture
def small_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    folder.mkdir()
    for kind, text in SMALL.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def _small_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small company loaded once; each test gets a copy of the file."""
    folder = tmp_path_factory.mktemp("small_template")
    for kind, text in SMALL.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
    path = folder / "small.duckdb"
    with Store(path) as store:
        reports = ingest.load_folder(store, folder)
        bad = [str(p) for r in reports for p in r.validated.errors]
        assert not bad, bad
        store.cursor().execute("CHECKPOINT")
    return path


@pytest.fixture
def small_store(_small_db_template: Path, tmp_path: Path, store_backend: str, request: pytest.FixtureRequest) -> Store:
    if store_backend == "postgresql":
        store = Store(_pg_copy(request, "small", lambda s: _load_small(s, _small_db_template.parent)))
    else:
        path = tmp_path / "small.duckdb"
        shutil.copyfile(_small_db_template, path)
        store = Store(path)
    yield store
    store.close()


# ---------------------------------------------------------------- the demo company


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company loaded once per test session (copied for each test),
    without the commentary, actions and minutes the demo writes for its
    business review: the tests of the review start from none (and the alert
    counts they check have no "red, no action" alert); tests/test_demo_review.py
    checks the demo's own review."""
    path = tmp_path_factory.mktemp("demo_template") / "demo.duckdb"
    with Store(path) as store:
        reports = ingest.ensure_demo(store, review=False)
        bad = [str(p) for r in reports for p in r.validated.errors]
        assert not bad, bad
        # its scores stored once here, as a running dashboard keeps them: a copy
        # opens without rebuilding them (seconds each), whatever ran first
        scores.ensure(store)
        store.cursor().execute("CHECKPOINT")
    return path


@pytest.fixture
def demo_db(
    demo_db_template: Path,
    _isolated_db: Path,
    store_backend: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Path | str:
    """A private copy of the demo database at the path the app and CLI use
    by default in this test ($KPI_DB_PATH); for a contract test's PostgreSQL
    run, the URL of a private PostgreSQL copy (in $KPI_DB_PATH too)."""
    if store_backend == "postgresql":
        url = _pg_copy(request, "demo", _load_demo)
        monkeypatch.setenv(ENV_VAR, url)
        return url
    shutil.copyfile(demo_db_template, _isolated_db)
    return _isolated_db


@pytest.fixture
def demo_store(demo_db: Path) -> Store:
    store = Store(demo_db)
    yield store
    store.close()


# ---------------------------------------------------------------- Streamlit AppTest


@contextmanager
def app_factory() -> Iterator:
    """A factory of AppTests of app.py on the database at ``$KPI_DB_PATH``.

    ``make("pages/4_upload.py", unit="CS", lang="zh")`` sets those query
    parameters before the first run, then switches to the page. Streamlit's
    caches survive between AppTests in one process, so they are cleared
    before and after.

    Who is signed in: on the demo, the demo's admin (the demo opens signed
    in); ``view_as="sales_rep_1"`` picks another demo account. On any other
    database, the account ``tester`` (an admin, created here when missing),
    or ``as_user=Viewer(...)`` (an account of the test's database).
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from kpi_core.access import Viewer
    from kpi_ui.session import DEMO_PICK_KEY, VIEWER_KEY

    st.cache_resource.clear()
    st.cache_data.clear()
    path = Path(os.environ[ENV_VAR])
    demo = True
    if path.exists():
        with Store(path) as store:
            demo = store.is_demo()
            if not demo and store.user(TESTER.name) is None:
                store.add_user(TESTER.name, role=TESTER.role, display=TESTER.display, by="tests")

    def make(
        page_path: str | None = None, *, as_user: Viewer | None = None, view_as: str | None = None, **params: str
    ) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if view_as is not None:
            at.session_state[DEMO_PICK_KEY] = view_as
        elif as_user is not None or not demo:
            at.session_state[VIEWER_KEY] = as_user or TESTER
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page_path:
            at.switch_page(page_path)
            at.run()
        return at

    try:
        yield make
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def _tester():
    from kpi_core.access import Viewer

    return Viewer(name="tester", display="Tester", role="admin")


TESTER = _tester()
"""The admin AppTests sign in as on a database that is not the demo."""


@pytest.fixture
def app(demo_db: Path):
    """AppTests (see :func:`app_factory`) on a private copy of the demo database."""
    with app_factory() as make:
        yield make


ROOT = Path(__file__).resolve().parents[1]
