"""Signing in, in headless Chromium (issue 13): the company's sign-in through a
real OpenID Connect provider started here (the PyPI package
``oidc-provider-mock``: the browser goes through the real redirect, the
provider's form and the callback), and the local password form.

One provider and one app serve the whole module. The app runs on a copy of
the demo company that is *not* the demo (no "view as" picker, a sign-in page
instead), with these accounts (tests/conftest.py's demo units):

* ``wu``: employee, Wu Hao (P_SALES_N_01), wu@example.com;
* ``north_mgr``: manager of Sales North Region (SALES_N), north@example.com;
* ``xu_gone``: employee, Xu Gang (P_SALES_N_03), gone@example.com, disabled;
* ``it_admin``: a local admin with a password (no email).

The ``[auth]`` settings are written to a ``secrets.toml`` in a temporary
directory and handed to Streamlit with ``--secrets.files``: nothing is
written into the repository. Screenshots of the sign-in page (English,
Chinese) and of the refusal at 1366x768 and 1920x1080 go to
tests/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kpi_core import access
from kpi_core.store import Store
from tests.browser_support import (
    LiveApp,
    assert_no_exception,
    free_port,
    require_chromium,
    screenshot,
    wait_ready,
)

pytestmark = pytest.mark.browser

SIZES = ((1366, 768), (1920, 1080))
LOCAL_PASSWORD = "correct horse battery"
TEAM = ("Wu Hao", "Zhou Ting", "Xu Gang", "Zhao Min", "Sun Li", "Ma Chao")  # the persons of SALES_N
ELSEWHERE = ("Wang Lei", "Zhu Lin", "Luo Jia")  # persons of Sales East, Sales South, Marketing
IDENTITY_COOKIE = "_streamlit_user"


class Provider:
    """``python -m oidc_provider_mock`` on a free port (a process of its own)."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oidc-provider-mock exited: {log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(self.metadata_url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("oidc-provider-mock did not start within 30 s")

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


def _company_database(template: Path, path: Path) -> None:
    shutil.copyfile(template, path)
    with Store(path) as store:
        store.set_demo(False, by="test")
        store.add_user(
            "wu", role="employee", unit_id="P_SALES_N_01", display="Wu Hao", email="wu@example.com", by="test"
        )
        store.add_user(
            "north_mgr", role="manager", unit_id="SALES_N", display="Qian Lei", email="North@Example.com", by="test"
        )
        store.add_user(
            "xu_gone", role="employee", unit_id="P_SALES_N_03", display="Xu Gang", email="gone@example.com", by="test"
        )
        store.update_user("xu_gone", disabled=True, by="test")
        store.add_user(
            "it_admin", role="admin", display="IT Admin", password_hash=access.hash_password(LOCAL_PASSWORD), by="test"
        )
        store.cursor().execute("CHECKPOINT")


@pytest.fixture(scope="module")
def server(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    require_chromium()
    folder = tmp_path_factory.mktemp("sign_in")
    db = folder / "company.duckdb"
    _company_database(demo_db_template, db)
    provider = Provider(folder / "provider.log")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-secret-of-this-run-only"\n'
        'client_id = "kpi-dashboard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n',
        encoding="utf-8",
    )
    try:
        app = LiveApp(db, port=port, args=["--secrets.files", str(secrets)])
    except Exception:
        provider.stop()
        raise
    app.provider = provider
    yield app
    app.stop()
    provider.stop()


@pytest.fixture
def open_context(browser):
    """New browser contexts (own cookies) at a given size; closed after the test."""
    made = []

    def make(width: int = 1366, height: int = 768):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        made.append(context)
        return context, context.new_page()

    yield make
    for context in made:
        context.close()


def text_of(pg) -> str:
    """The page's visible text, without the invisible joiners put after '@' and '.'."""
    return re.sub("[\u2060\u200b]", "", pg.locator("body").inner_text())


def company_sign_in(pg, server: LiveApp, email: str) -> None:
    """From the sign-in page: the company button, the provider's form (its
    "sub" field; the provider sends it as the email), back at the app."""
    pg.get_by_role("button", name="Sign in with the company account").click()
    pg.wait_for_url(f"{server.provider.url}/oauth2/authorize**", timeout=30_000)
    pg.fill('input[name="sub"]', email)
    pg.get_by_role("button", name="Authorize").click()
    pg.wait_for_url(f"{server.url}**", timeout=30_000)
    wait_ready(pg)


def sign_out_at_provider(pg, server: LiveApp) -> None:
    """The sidebar's (or the refusal's) sign-out: Streamlit forgets the
    identity and sends the browser to the provider's end-session page, which
    sends it back to the app."""
    pg.get_by_role("button", name="Sign out").click()
    pg.wait_for_url(f"{server.provider.url}/oauth2/end_session**", timeout=30_000)
    pg.get_by_role("button", name="End session").click()
    pg.wait_for_url(f"{server.url}**", timeout=30_000)
    wait_ready(pg)


def cookie_names(context) -> set[str]:
    return {c["name"] for c in context.cookies()}


def assert_sign_in_page(pg) -> None:
    assert pg.locator("h1").all_inner_texts() == ["Sign in"]
    assert pg.get_by_role("button", name="Sign in with the company account").count() == 1
    assert pg.get_by_role("textbox", name="Password").count() == 1
    # nobody signed in: no page list, no sidebar, no figure
    assert pg.locator('[data-testid="stSidebarNav"]').count() == 0
    assert pg.locator('[data-testid="stSidebar"]').count() == 0
    assert pg.locator('[data-testid="stMetric"]').count() == 0


# --------------------------------------------------------------------------- the sign-in page


@pytest.mark.parametrize("width,height", SIZES)
def test_sign_in_page_in_english_and_chinese(server: LiveApp, open_context, width: int, height: int) -> None:
    context, pg = open_context(width, height)
    pg.goto(server.url + "?lang=en")
    wait_ready(pg)
    assert_no_exception(pg)
    assert_sign_in_page(pg)
    text = text_of(pg)
    for label in ("Balanced Scorecard", "or with a local account:", "User name", "Password"):
        assert label in text
    assert pg.title() == "Balanced Scorecard"
    screenshot(pg, f"sign_in_en_{width}")

    pg.goto(server.url + "?lang=zh")
    wait_ready(pg)
    assert_no_exception(pg)
    assert pg.locator("h1").all_inner_texts() == ["登录"]
    assert pg.get_by_role("button", name="使用公司账号登录").count() == 1
    text = text_of(pg)
    for label in ("平衡计分卡", "或使用本地账号:", "用户名", "密码"):
        assert label in text
    assert "Sign in" not in text
    assert pg.locator('[data-testid="stSidebarNav"]').count() == 0
    screenshot(pg, f"sign_in_zh_{width}")


# --------------------------------------------------------------------------- company sign-in


def test_employee_signs_in_sees_own_scorecard_only_and_signs_out(server: LiveApp, open_context) -> None:
    context, pg = open_context()
    pg.goto(server.url)
    wait_ready(pg)
    assert_sign_in_page(pg)

    company_sign_in(pg, server, "wu@example.com")
    assert_no_exception(pg)
    assert "unit=P_SALES_N_01" in pg.url  # the employee starts at their own scorecard
    assert pg.locator("h1").first.inner_text().startswith("Wu Hao")
    text = text_of(pg)
    assert "Signed in as Wu Hao · employee" in text
    assert "Total score" in text
    assert IDENTITY_COOKIE in cookie_names(context)

    # A colleague's scorecard by editing the address: a new page load, the
    # identity cookie still signs in, and the colleague is not shown.
    pg.goto(server.url + "?unit=P_SALES_N_02&lang=en")
    wait_ready(pg)
    assert_no_exception(pg)
    text = text_of(pg)
    assert "Signed in as Wu Hao · employee" in text
    assert "P_SALES_N_02: not permitted" in text
    html = pg.content()
    assert "Zhou Ting" not in html and "周婷" not in html
    assert pg.locator('[data-testid="stMetric"]').count() == 0
    assert "Total score" not in text

    sign_out_at_provider(pg, server)
    assert_sign_in_page(pg)
    assert IDENTITY_COOKIE not in cookie_names(context)
    pg.reload()
    wait_ready(pg)
    assert_sign_in_page(pg)  # signed out for good, not only on this page


def test_manager_sees_their_team(server: LiveApp, open_context) -> None:
    context, pg = open_context(1920, 1080)
    pg.goto(server.url)
    wait_ready(pg)
    company_sign_in(pg, server, "north@example.com")  # the account's email is North@Example.com: case ignored
    assert_no_exception(pg)
    assert "unit=SALES_N" in pg.url
    assert pg.locator("h1").first.inner_text().startswith("Sales North Region")
    assert "Signed in as Qian Lei · manager" in text_of(pg)
    chart = pg.locator('[data-testid="stPlotlyChart"]').first  # "Units below": the team, by name
    for name in TEAM:
        expect(chart).to_contain_text(name)
    html = pg.content()
    for name in ELSEWHERE:
        assert name not in html, name


def test_person_the_store_does_not_know_is_refused(server: LiveApp, open_context) -> None:
    for width, height in SIZES:
        context, pg = open_context(width, height)
        pg.goto(server.url)
        wait_ready(pg)
        company_sign_in(pg, server, "nobody@example.com")
        assert_no_exception(pg)
        assert pg.locator("h1").all_inner_texts() == ["No access"]
        text = text_of(pg)
        assert "You are signed in as nobody@example.com, but the dashboard has no account for this address." in text
        assert "Balanced Scorecard" in text  # what this refusal is of
        # no figure, no unit, no page list
        assert pg.locator('[data-testid="stMetric"]').count() == 0
        assert pg.locator('[data-testid="stSidebar"]').count() == 0
        html = pg.content()
        for name in ("Total score", "Zhiheng", "Wu Hao"):
            assert name not in html, name
        screenshot(pg, f"sign_in_refused_en_{width}")

        pg.goto(server.url + "?lang=zh")  # the identity cookie stays: the refusal again, in Chinese
        wait_ready(pg)
        assert pg.locator("h1").all_inner_texts() == ["无访问权限"]
        assert "您已以 nobody@example.com 登录,但本系统没有对应该邮箱的账号。" in text_of(pg)
        assert pg.get_by_role("button", name="退出登录").count() == 1
        screenshot(pg, f"sign_in_refused_zh_{width}")

    pg.goto(server.url + "?lang=en")
    wait_ready(pg)
    sign_out_at_provider(pg, server)
    assert_sign_in_page(pg)
    assert IDENTITY_COOKIE not in cookie_names(context)


def test_disabled_account_is_refused(server: LiveApp, open_context) -> None:
    context, pg = open_context()
    pg.goto(server.url)
    wait_ready(pg)
    company_sign_in(pg, server, "gone@example.com")
    assert pg.locator("h1").all_inner_texts() == ["No access"]
    assert "You are signed in as gone@example.com, but this account is disabled." in text_of(pg)
    html = pg.content()
    assert "Xu Gang" not in html and "Total score" not in html


# --------------------------------------------------------------------------- local accounts


def test_local_account_signs_in_with_its_password(server: LiveApp, open_context) -> None:
    context, pg = open_context()
    pg.goto(server.url + "alerts?lang=en")  # a deep link: kept through the sign-in
    wait_ready(pg)
    assert_sign_in_page(pg)

    pg.get_by_role("textbox", name="User name").fill("it_admin")
    pg.get_by_role("textbox", name="Password").fill("not the password")
    pg.get_by_role("button", name="Sign in", exact=True).click()
    wait_ready(pg)
    assert pg.locator('[data-testid="stAlert"]').inner_text().endswith("Wrong user name or password.")
    assert pg.locator("h1").all_inner_texts() == ["Sign in"]

    pg.get_by_role("textbox", name="Password").fill(LOCAL_PASSWORD)
    pg.get_by_role("button", name="Sign in", exact=True).click()
    wait_ready(pg)
    assert_no_exception(pg)
    assert "/alerts?" in pg.url
    text = text_of(pg)
    assert "Signed in as IT Admin · admin" in text
    assert pg.locator("h1").first.inner_text().startswith("Alerts")
    assert IDENTITY_COOKIE not in cookie_names(context)  # a local sign-in lives in the session only

    # Streamlit keeps no cookie for it: a reload starts a new session, signed out.
    pg.reload()
    wait_ready(pg)
    assert_sign_in_page(pg)


def test_wrong_password_in_chinese(server: LiveApp, open_context) -> None:
    context, pg = open_context()
    pg.goto(server.url + "?lang=zh")
    wait_ready(pg)
    pg.get_by_role("textbox", name="用户名").fill("nobody_here")
    pg.get_by_role("textbox", name="密码").fill("whatever it is")
    pg.get_by_role("button", name="登录", exact=True).click()
    wait_ready(pg)
    assert pg.locator('[data-testid="stAlert"]').inner_text().endswith("用户名或密码错误。")
