"""Browser tests: start the real app with `streamlit run` on a free port and
drive it with Playwright in Debian's Chromium (never a downloaded browser).

Without Chromium the tests are skipped with the command that installs it; in
CI (``KPI_REQUIRE_BROWSER=1``) a missing browser fails instead, so the browser
tests can never be skipped silently.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Plotly draws a chart after the script has finished, in the browser: its bars'
# labels are in the page's text only once every chart holds its SVG.
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .every(chart => chart.querySelector('.main-svg') !== null)"""


def chromium_path() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        reason = "Chromium not found: install Debian's browser with `apt-get install chromium fonts-noto-cjk`"
        if os.environ.get("KPI_REQUIRE_BROWSER"):
            pytest.fail(reason + " (KPI_REQUIRE_BROWSER is set: browser tests may not be skipped)")
        pytest.skip(reason)
    return path


def open_without_sign_in(db: Path) -> None:
    """Mark a test database as a demo, so the browser opens it signed in as
    the demo's admin, as the tests written before sign-in expect. (Sign-in
    itself is tried in tests/test_sign_in_browser.py.)"""
    from kpi_core import access
    from kpi_core.org import Org
    from kpi_core.store import Store

    with Store(db) as store:
        store.set_demo(True, by="tests")
        access.ensure_demo_accounts(store, Org.from_frame(store.units()))
        store.cursor().execute("CHECKPOINT")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveApp:
    """A running `streamlit run app.py` (or another ``script``) on a database of its own."""

    def __init__(
        self, db: Path, script: Path | None = None, *, port: int | None = None, args: Sequence[str] = ()
    ) -> None:
        self.db = db
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "KPI_DB_PATH": str(db)}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script or ROOT / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *args,  # more options, e.g. --secrets.files for the sign-in test
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.proc.stdout.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def browser():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def live_app(demo_db_template: Path, tmp_path: Path) -> Iterator[LiveApp]:
    """The app served on a free port over a private copy of the demo database."""
    require_chromium()
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db_template, db)
    app = LiveApp(db)
    yield app
    app.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
    pg = context.new_page()
    yield pg
    context.close()


def wait_ready(pg, timeout: float = 30_000) -> None:
    """Wait until the script has finished running and the page is drawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pg.wait_for_timeout(300)
    pg.wait_for_selector(READY, timeout=timeout)
    pg.wait_for_timeout(300)
    pg.wait_for_selector(READY, timeout=timeout)
    try:
        pg.wait_for_function(CHARTS_DRAWN, timeout=10_000)
    except PlaywrightTimeout:
        pass  # a chart in a closed expander is drawn only when opened; the tests that read it wait for it


def screenshot(pg, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def assert_no_exception(pg) -> None:
    errors = pg.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()
