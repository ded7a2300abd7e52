"""Markup in data and in the URL is shown as text, in headless Chromium.

Units, a KPI and its dictionary fields, an acknowledgement and an uploaded
file's name carry Markdown, HTML, KaTeX, colour directives, shortcodes and
links; every page is visited (scorecard of the company and of the hostile
unit in English and Chinese, KPI detail, alerts, upload with a real upload,
KPI dictionary, scorecard design) and so are the URL-parameter notices. On
each: no link, image, script, handler or style attribute points at
evil.example, no request goes there, no bold / italic / strike / KaTeX /
colour / icon element comes from the data, no exception; and the names read
literally where they are shown. A second small app renders
:data:`tests.test_plain_text.HOSTILE` through :mod:`kpi_ui.text` in every
kind of element and checks that Streamlit's own renderer shows each string
exactly as typed.

One browser (the session fixture), two servers.
"""

from __future__ import annotations

import csv
import io
import shutil
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kpi_core import alerts, ingest
from kpi_core.store import Store
from tests.browser_support import (
    ROOT,
    LiveApp,
    assert_no_exception,
    open_without_sign_in,
    require_chromium,
    screenshot,
    wait_ready,
)
from tests.conftest import SMALL
from tests.test_plain_text import HOSTILE, typed

pytestmark = pytest.mark.browser

EVIL = "evil.example"
UNIT_EN = (
    "**bold** [link](https://evil.example) ![img](https://evil.example/x.png) <b>html</b> $x^2$ :red[red] "
    "<script>alert(1)</script>"
)
UNIT_ZH = "**粗体** [链接](https://evil.example) ![图](https://evil.example/x.png) <b>html</b> $x^2$ :red[红]"
PERSON_EN = '<a href="https://evil.example">Person</a> <img src="https://evil.example/p.png" onerror="alert(2)"> _em_'
PERSON_ZH = '<a href="https://evil.example">张三</a> :material/home: www.evil.example ~~删~~'
KPI = {
    "kpi_id": "EVIL_KPI",
    "name": "__KPI__ [kpi](https://evil.example) $y^3$",
    "name_zh": "__指标__ [kpi](https://evil.example) $y^3$",
    "perspective": "customer",
    "direction": "higher",
    "unit": "**pts**",
    "accumulation": "last",
    "definition": "See [the manual](https://evil.example/manual) **now**",
    "definition_zh": "见 [手册](https://evil.example/manual) **现在**",
    "caliber": '<a href="https://evil.example">caliber</a> :blue[c]',
    "data_source": "![src](https://evil.example/s.png)",
    "owner": ":red[owner] $z$ me@evil.example",
}
ACK = {"acked_by": "**Zhou** [who](https://evil.example)", "action": "$a$ :red[act]", "comment": "<b>c</b> `code`"}
FILE_NAME = "**up** [f](https:evil.example) $q$ <b>x</b>.csv"
#: the pieces the data would have turned into bold, italic or struck text
FRAGMENTS = {"bold", "粗体", "html", "KPI", "指标", "now", "现在", "em", "删", "Zhou", "up", "x", "c", "code"}
PERIOD = "2026-03"
SHOTS = Path("/tmp/shots")


def _csv(rows: list[dict]) -> str:
    """A CSV file of ``rows``, with every column any row has (empty where it has none)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, list(dict.fromkeys(c for r in rows for c in r)), restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _lines(*rows: tuple[str, ...]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _hostile_files(folder: Path) -> None:
    """The small company of conftest plus a hostile department, person and KPI."""
    files = dict(SMALL)
    files["units"] += _lines(
        ("EVIL", UNIT_EN, UNIT_ZH, "department", "HQ"), ("EVIL_P", PERSON_EN, PERSON_ZH, "person", "EVIL")
    )
    files["kpis"] = _csv([*csv.DictReader(io.StringIO(SMALL["kpis"])), KPI])
    files["assignments"] += "EVIL,rev,2026,50,core\nEVIL,EVIL_KPI,2026,50,core\nEVIL_P,EVIL_KPI,2026,100,core\n"
    months = ("2026-01", "2026-02", "2026-03")
    files["targets"] += "".join(
        f"{u},{k},{m},100\n" for u, k in (("EVIL", "rev"), ("EVIL", "EVIL_KPI"), ("EVIL_P", "EVIL_KPI")) for m in months
    )
    files["actuals"] += "".join(
        f"EVIL,rev,{m},{a}\nEVIL,EVIL_KPI,{m},{b}\nEVIL_P,EVIL_KPI,{m},{c}\n"
        for m, a, b, c in zip(months, (98, 101, 104), (80, 70, 50), (90, 85, 60), strict=True)
    )
    for kind, text in files.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    _hostile_files(folder)
    path = folder / "hostile.duckdb"
    with Store(path) as store:
        reports = ingest.load_folder(store, folder, uploaded_by="**loader** [l](https://evil.example)")
        bad = [str(p) for r in reports for p in r.validated.errors]
        assert not bad, bad
        found = alerts.evaluate(store, PERIOD, ["EVIL"])
        row = found[(found["unit_id"] == "EVIL") & (found["kpi_id"] == "EVIL_KPI")].iloc[0]
        store.acknowledge_alert(kind=row["kind"], unit_id="EVIL", kpi_id="EVIL_KPI", period=PERIOD, **ACK)
        store.save_validity("EVIL_KPI", {"controllable": (False, "[n](https://evil.example)")}, answered_by="t")
        store.cursor().execute("CHECKPOINT")
    return path


# --------------------------------------------------------------------------- checks

_INERT = """() => {
  const out = {attrs: [], formatted: [], math: 0, colour: 0, icons: 0, scripts: 0, handlers: 0};
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) && el.closest('[data-testid="stMain"], [data-testid="stSidebar"]')) out.handlers++;
      if (/(^|:)(href|src|srcset|action|formaction|poster|data|style|background)$/i.test(a.name)
          && a.value.toLowerCase().includes('evil.example')) out.attrs.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  const app = Array.from(document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]'));
  const within = (sel) => app.flatMap(r => Array.from(r.querySelectorAll(sel)));
  out.formatted = within('strong, b, em, i, del, s, code, .main-svg tspan[style*="bold"], .main-svg tspan[style*="italic"]')
    .map(e => e.textContent.trim());
  out.math = within('.katex, .katex-display, mjx-container, math').length;
  out.colour = within('.stMarkdownColoredText, .stMarkdownColoredBackground, .stMarkdownBadge').length;
  out.icons = within('[data-testid="stMarkdownContainer"] span[role="img"], [data-testid="stMarkdownContainer"] img')
    .length;
  out.scripts = within('script').length + Array.from(document.scripts).filter(s => s.text.includes('alert(')).length;
  return out;
}"""


_SEES = r"""(text) => {
  const norm = (s) => s.replaceAll('\u2060', '').replace(/\s+/g, ' ');
  const roots = document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]');
  for (const root of roots) {
    for (const el of root.querySelectorAll('*')) {
      if (el.children.length > 8 || !norm(el.textContent).includes(text)) continue;
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden') return true;
    }
  }
  return false;
}"""


class Visit:
    """The browser side of the test: one context, a record of requests and dialogs."""

    def __init__(self, browser, url: str) -> None:
        self.url = url
        self.context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context.route(lambda url: EVIL in (urlsplit(url).hostname or ""), self._refuse)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)

    def _refuse(self, route) -> None:
        self.requests.append(route.request.url)
        route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str) -> None:
        self.page.goto(self.url + path)
        wait_ready(self.page)
        self.page.wait_for_timeout(250)  # charts and lazily loaded Markdown plugins
        assert_no_exception(self.page)
        self.check(path)

    def check(self, where: str) -> None:
        found = self.page.evaluate(_INERT)
        assert not found["attrs"], (where, found["attrs"])
        assert not FRAGMENTS & set(found["formatted"]), (where, found["formatted"])
        assert found["math"] == 0 and found["colour"] == 0 and found["icons"] == 0, (where, found)
        assert found["scripts"] == 0 and found["handlers"] == 0, (where, found)
        assert not self.requests and not self.dialogs, (where, self.requests, self.dialogs)
        assert self.page.locator(".main-svg a").count() == 0, where  # Plotly turns <a href> into SVG links

    def sees(self, text: str) -> None:
        """``text`` is on the page as a reader sees it (the word joiners
        :func:`kpi_ui.text.plain` puts inside links and shortcodes are invisible)."""
        assert self.page.evaluate(_SEES, " ".join(text.split())), text

    def close(self) -> None:
        self.context.close()


def _svg_text(page, selector: str) -> str:
    """The text of Plotly's SVG elements (which have no innerText), once a chart
    has drawn some (Plotly draws after the script has finished: on a busy
    machine, a moment later)."""
    locator = page.locator(f".main-svg {selector}")
    locator.first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(300)
    return " ".join(locator.evaluate_all("els => els.map(e => e.textContent)"))


def _literal(value: str) -> str:
    """A distinctive piece of a hostile value as the reader must see it."""
    return typed(value)[:40]


def test_markup_in_data_and_urls_is_shown_as_text(browser, hostile_db, tmp_path):
    require_chromium()
    db = tmp_path / "live.duckdb"
    shutil.copyfile(hostile_db, db)
    open_without_sign_in(db)
    app = LiveApp(db)
    visit = Visit(browser, app.url)
    try:
        q = f"unit=EVIL&period={PERIOD}&view=month"
        visit.open(f"?unit=HQ&period={PERIOD}&lang=en")  # the hostile unit is a bar of the company's chart
        ticks = _svg_text(visit.page, ".ytick text")
        assert "**bold** [link](https://evil.example)" in ticks and "<script>" in ticks

        visit.open(f"?{q}&lang=en")
        visit.sees("**bold** [link](https://evil.example) ![img](https://evil.example/x.png) <b>html</b> $x^2$")
        title = visit.page.locator("h1").first.inner_text().replace("\u2060", "")
        assert title == f"{typed(UNIT_EN)} · {PERIOD} · Month"
        assert PERSON_EN in _svg_text(visit.page, ".ytick text")  # the person's bar, <a> and <img> as text
        SHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SHOTS / "hostile_scorecard_en.png"))
        screenshot(visit.page, "markup_scorecard_en")

        visit.open(f"?{q}&lang=zh")
        visit.sees("**粗体** [链接](https://evil.example)")
        visit.page.screenshot(path=str(SHOTS / "hostile_scorecard_zh.png"))
        screenshot(visit.page, "markup_scorecard_zh")

        visit.open(f"kpi_detail?{q}&lang=en&kpi=EVIL_KPI")
        visit.sees(_literal(KPI["name"]))
        for field in ("definition", "caliber", "data_source", "owner"):
            visit.sees(KPI[field])
        visit.sees("Actual (**pts**)")
        screenshot(visit.page, "markup_kpi_detail")
        visit.open(f"kpi_detail?{q}&lang=en&kpi=rev")  # the siblings' chart, the hostile unit highlighted
        ticks = _svg_text(visit.page, ".ytick text")
        assert "▶ **bold** [link](https://evil.example)" in ticks

        visit.open(f"alerts?{q}&lang=en")
        visit.sees(_literal(KPI["name"]))
        visit.sees(f"Acknowledged by {ACK['acked_by']}")
        visit.sees(ACK["comment"])
        screenshot(visit.page, "markup_alerts")

        visit.open(f"kpi_dictionary?{q}&lang=en&kpi=EVIL_KPI")
        visit.sees(_literal(KPI["name"]))
        visit.open(f"scorecard_design?{q}&lang=en")
        visit.sees(_literal(UNIT_EN))
        visit.sees(f"EVIL_KPI = {KPI['name']}")

        # the URL's own values, in the app's notices
        visit.open(
            "?unit=[Click here to sign in again](https://evil.example/login)&lang=![x](https://evil.example/i.png)"
            "&period=<b>x</b>&view=:red[v] $v$&kpi=<a href='https://evil.example'>k</a>"
        )
        for value in (
            "[Click here to sign in again](https://evil.example/login)",
            "![x](https://evil.example/i.png)",
            "<b>x</b>",
            ":red[v] $v$",
            "<a href='https://evil.example'>k</a>",
        ):
            visit.sees(f"“{value}”")
        assert visit.page.locator('[data-testid="stAlert"]').count() == 5

        # an upload whose file name carries markup: the success message names it literally
        visit.open(f"upload?{q}&lang=en")
        restated = b"unit_id,kpi_id,period,actual\nEVIL,EVIL_KPI,2026-03,55\n"
        visit.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": restated}]
        )
        wait_ready(visit.page)
        visit.page.locator(".st-key-upload_commit button").click()
        wait_ready(visit.page)
        visit.page.get_by_text("Stored ").first.wait_for(timeout=15_000)
        visit.check("upload done")
        visit.sees(FILE_NAME)
        screenshot(visit.page, "markup_upload")
    finally:
        visit.close()
        app.stop()


# --------------------------------------------------------------------------- the helper in Streamlit's renderer

_PROBE = """
import sys
sys.path.insert(0, {root!r})
import pandas as pd
import streamlit as st
from kpi_ui.text import html_text, plain
from tests.test_plain_text import HOSTILE

with st.container(key="control"):  # the detector must see what unescaped text does
    st.markdown("**bold** [link](https://evil.example) $x^2$ :red[red]")
for i, value in enumerate(HOSTILE):
    with st.container(key=f"case_{{i}}"):
        text = plain(value)
        st.markdown(text)
        st.title(text)
        st.caption(text)
        st.warning(text)
        st.text_input(text, key=f"label_{{i}}")
        st.metric(text, text)
        st.table(pd.DataFrame({{text: [text]}}))
        st.markdown(f'<div class="probe">{{html_text(value)}}</div>', unsafe_allow_html=True)
        st.markdown(f"{{html_text(value)}} <span>end</span>", unsafe_allow_html=True)
"""

_SHOWN = """(root) => {
  const q = (sel) => Array.from(root.querySelectorAll(sel)).map(e => e.textContent);
  return {
    texts: q('[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]'),
    cells: q('[data-testid="stTable"] td, [data-testid="stTable"] th'),
    bad: Array.from(root.querySelectorAll(
      'a:not([href^="#"]), img, strong, em, del, code, pre, b, h2, h3, h4, ul, ol, li, blockquote, hr, script, ' +
      '.katex, ' +
      '.stMarkdownColoredText, .stMarkdownColoredBackground, .stMarkdownBadge, span[role="img"], streamlit-help-icon, ' +
      '[data-testid="stTable"] table table, [data-testid="stMarkdownContainer"] table')).map(e => e.outerHTML),
  };
}"""


def test_streamlit_shows_every_hostile_string_as_typed(browser, tmp_path):
    require_chromium()
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(_PROBE.format(root=str(ROOT))), encoding="utf-8")
    app = LiveApp(tmp_path / "unused.duckdb", script=script)
    visit = Visit(browser, app.url)
    try:
        visit.page.goto(app.url)
        wait_ready(visit.page)
        visit.page.wait_for_timeout(1000)
        assert_no_exception(visit.page)
        control = visit.page.locator(".st-key-control").evaluate(_SHOWN)
        assert any(EVIL in b for b in control["bad"]) and any("<strong>" in b for b in control["bad"])
        for i, value in enumerate(HOSTILE):
            shown = visit.page.locator(f".st-key-case_{i}").evaluate(_SHOWN)
            assert not shown["bad"], (value, shown["bad"])
            expected = typed(value)
            texts = [" ".join(t.replace("\u2060", "").split()) for t in shown["texts"] + shown["cells"]]
            assert len(texts) >= 11, texts  # markdown, title, caption, warning, labels, metric, cells, HTML
            assert set(texts) == {expected, f"{expected} end"}, (value, texts)
        assert not visit.requests and not visit.dialogs
    finally:
        visit.close()
        app.stop()
