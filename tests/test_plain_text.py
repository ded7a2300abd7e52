"""Text from data or a URL is shown as text (kpi_ui.text), and an unexpected
exception reaches the reader as one short sentence, never as its text.

What Streamlit's browser renderer makes of the escaped text is checked in
Chromium by tests/test_markup_browser.py; here the rules are checked on the
strings themselves, Streamlit's Python side is checked with AppTest, and the
rewrites Streamlit's renderer does after parsing (where backslashes do not
reach) are replayed with the renderer's own patterns.
"""

from __future__ import annotations

import html
import logging
import re

import pytest

from kpi_ui.text import WORD_JOINER, html_text, plain, plot_text

#: Names, dictionary fields, acknowledgements, file names and URL values a
#: hostile or careless person could type: each must be shown as typed.
HOSTILE = [
    "**bold** [link](https://evil.example) ![img](https://evil.example/x.png) <b>html</b> $x^2$ :red[red]",
    "<script>alert(1)</script><a href='https://evil.example'>a</a>",
    "visit https://evil.example/login or www.evil.example or me@evil.example",
    "HTTPS://EVIL.EXAMPLE and <https://evil.example>",
    ":material/home: :streamlit: :smile: :+1: :material_home: :help[tip]",
    ":blue-background[x] :small[s] :color[x]{foreground=red} :::note",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "1. first",
    "12) twelfth",
    "- item",
    "+ item",
    "= not a heading",
    "# heading",
    "> quote",
    "| a | b |",
    "`code` ~~strike~~ ~one~ _em_ *em* __strong__",
    "&amp; &copy; &#60; &lt;b&gt;",
    "\\*not\\* \\ trailing\\",
    "line1\nline2\r\n\r\n===\n---",
    "    indented code",
    "$$\\int_0^1 x dx$$ and \\(x\\) and \\[y\\]",
    "[ref]: https://evil.example",
    "[x][1] [^1]",
    "![](https://evil.example/i.png)",
    "foo_bar_baz __init__ snake_case_name",
    "\\$5 and $6 cost $7",
    "R&D · 销售中心 (华东) 【重点】 10:30:45 50% {a} x^2",
    "Zhiheng Smart Equipment Co., Ltd.",
    "report_2026-10<img src=x onerror=alert(1)>.csv",
]
#: ASCII punctuation: a backslash before any of them is an escape in CommonMark.
_PUNCT = r"!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"
_SIGNIFICANT = set("\\`*_~[]()!<>&#|$:")


def shown(markdown: str) -> str:
    """What a CommonMark renderer shows for text made only of literals and
    backslash escapes: each escaped punctuation character as itself."""
    return re.sub(rf"\\([{_PUNCT}])", r"\1", markdown)


def typed(value: str) -> str:
    """The text as a reader sees it: line breaks and runs of spaces are one space."""
    return " ".join(value.split())


# Streamlit's renderer (static/js/StreamlitMarkdown.*.js) rewrites text nodes
# after parsing, where a backslash escape has already been removed: GitHub
# autolinks, e-mail links, icon, logo and emoji shortcodes and typographic
# arrows. These are its patterns.
_AFTER_PARSING = [
    re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I),
    re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
    re.compile(r":material_(\w+):"),
    re.compile(r":streamlit:"),
    re.compile(r":\+1:|:-1:|:[\w-]+:"),
    re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
]


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_reads_as_typed_and_starts_no_markdown(value):
    out = plain(value)
    assert shown(out).replace(WORD_JOINER, "").strip() == typed(value)
    bare = re.sub(rf"\\[{_PUNCT}]", "", out)  # what is left once the escapes are taken out
    assert not _SIGNIFICANT & set(bare), bare
    assert "\n" not in out and "\r" not in out
    assert not re.match(r"\s*([-+=]|\d+[.)](\s|$))", bare), "a list item or rule would start"
    text_node = shown(out).replace(":material/", ":material_")  # as the renderer sees it
    for pattern in _AFTER_PARSING:
        assert not pattern.search(text_node), (pattern.pattern, text_node)


@pytest.mark.parametrize("value", HOSTILE)
def test_html_text_reads_as_typed_in_html_and_in_markdown(value):
    out = html_text(value)
    assert html.unescape(out).replace(WORD_JOINER, "").strip() == typed(value)
    assert not (_SIGNIFICANT | set("<>\"'=")) & set(re.sub(r"&#\d+;", "", out)), out


@pytest.mark.parametrize("value", HOSTILE)
def test_plot_text_reads_as_typed_in_plotly(value):
    out = plot_text(value)
    assert html.unescape(out) == value
    assert "<" not in out and ">" not in out


def test_plain_leaves_ordinary_names_alone():
    for name in ("Customer Service", "客户服务部", "Zhiheng Smart Equipment Co., Ltd.", "2026-10", "Xu Gang ▲4"):
        assert plain(name) == name
    assert plain(None) == "" and plain(12.5) == "12.5"


def test_streamlit_passes_the_escaped_text_through_unchanged():
    """Streamlit's Python side keeps the text as given in every element kind
    the pages use with data (the browser renders it: test_markup_browser)."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from kpi_ui.text import plain
        from tests.test_plain_text import HOSTILE

        for i, value in enumerate(HOSTILE):
            text = plain(value)
            st.markdown(text)
            st.title(text)
            st.caption(text)
            st.warning(text)
            st.text_input(text, key=f"label_{i}")
            st.metric(text, "1")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    expected = [plain(v).strip() for v in HOSTILE]  # Streamlit strips a body's outer spaces
    for elements in (at.markdown, at.title, at.caption, at.warning, at.text_input, at.metric):
        values = [(getattr(e, "label", None) or e.value).strip() for e in elements]
        assert values == expected


def test_a_url_value_in_a_notice_is_text(app):
    at = app(unit="[Click here to sign in again](https://evil.example/login)", lang="![x](https://evil.example/i.png)")
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert any(r"\[Click here to sign in again\]\(https\:" in n for n in notices), notices
    assert any(r"\!\[x\]\(https\:" in n for n in notices), notices
    assert not any("](" in n.replace(r"\]\(", "") for n in notices)


def test_an_unexpected_error_shows_a_short_sentence_and_logs_the_traceback(app, monkeypatch, caplog):
    from kpi_ui import scorecard_view

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail /srv/kpi/data/scorecard.duckdb")

    monkeypatch.setattr(scorecard_view, "heading", broken)
    with caplog.at_level(logging.ERROR, logger="kpi_ui"):
        at = app(unit="CS", lang="zh")
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("出错了;错误已记录(编号 ")
    reference = re.search(r"编号 (\w+)", error.value)[1]
    kinds = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success", "code")
    everything = " ".join(str(e.value) for kind in kinds for e in getattr(at, kind))
    assert "secret" not in everything and "RuntimeError" not in everything and "Traceback" not in everything
    [record] = [r for r in caplog.records if r.name == "kpi_ui.shell"]
    assert reference in record.getMessage() and record.exc_info[0] is RuntimeError
    assert "secret detail" in caplog.text and "Traceback" in caplog.text


def test_the_examples_in_kpi_ui_text_hold():
    import doctest

    from kpi_ui import text

    assert doctest.testmod(text).failed == 0
