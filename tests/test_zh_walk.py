"""Every page in Chinese, walked with AppTest: the rendered text holds no key
of the translation table and none of a list of English UI words (issue 12,
"no raw key, no None, no English word on a Chinese page except names and
units of measure").

The text is what a reader sees, collected from every element of the page
(the sidebar included): titles, Markdown (without its HTML tags and
escapes), captions, notices, widget labels, options, placeholders and help,
metric labels and values, expander and tab labels, table and dataframe
headers and cells (with their column configuration applied: a header's
label, a select column's option labels, hidden columns left out; an empty
cell reads "None" as Streamlit shows it, or the table's placeholder), and the titles, axis titles,
legend names, texts and annotations of the charts.

What Streamlit draws in the browser by itself (the file uploader's "Browse
files" button and size line) is not in AppTest's tree: only a browser test
sees it.

Pages owned by other engineers that still show English words are marked
``xfail(strict=False)`` with the words found, so they can be turned on when
fixed.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict

from kpi_core import ingest
from kpi_core.i18n import TABLE

#: The translation table's key prefixes ("alert", "kd", "design" ...): a raw
#: key is one of them, a dot, and a word ("design.col_KPI", "alert.kind.red").
PREFIXES = sorted({key.split(".", 1)[0] for key in TABLE}, key=len, reverse=True)
RAW_KEY = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, PREFIXES)) + r")\.[^\s,;:()\[\]{}<>\"'“”,。;:()]+")

#: English UI words a Chinese page must not show (names and units of measure
#: may be English; these are not).
ENGLISH = [
    "Choose options",
    "Choose an option",
    "Upload data",
    "Upload",
    "Browse files",
    "Drag and drop",
    "month(s)",
    "problem(s)",
    "assignment",
    "assignments",
    "core",
    "aux",
    "None",
    "nan",
    "NaN",
    "null",
    "True",
    "False",
    "comma-separated",
]
#: A word on its own (a file name such as ``assignments.csv`` is a name).
ENGLISH_WORD = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w]|\.csv|\.xlsx)")

#: Keys of an element's message that hold text a reader sees.
TEXT_KEYS = {"body", "label", "help", "placeholder", "options", "caption", "delta", "text"}
#: Plotly attributes that are drawn as text.
PLOT_TEXT_KEYS = {"text", "name", "ticktext", "texttemplate"}


# ------------------------------------------------------------------ collecting the text


def _strings(value: object, keys: set[str], under: str | None = None) -> list[str]:
    """Every string under one of ``keys`` (at any depth) of a decoded message."""
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _strings(item, keys, key)
    elif isinstance(value, list):
        for item in value:
            out += _strings(item, keys, under)
    elif isinstance(value, str) and under in keys:
        out.append(value)
    return out


def _markdown(text: str) -> str:
    """Markdown as read: HTML tags and character references out, escapes undone."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), text)
    return text.replace("\\", "").replace("\u2060", "")


def _cell(value: object, empty: str = "None") -> str | None:
    if isinstance(value, list | tuple | dict) or hasattr(value, "__array__") and not isinstance(value, str):
        return None  # a sparkline's values: drawn, not written
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return empty
    return str(value)


def _frame_texts(frame: pd.DataFrame, config: dict, hide_header: bool = False, empty: str = "None") -> list[str]:
    """Headers and cells of a table as drawn, with its column configuration;
    an empty cell reads ``empty`` (Streamlit's "None" unless the table sets a
    placeholder)."""
    out: list[str] = []
    index_config = config.get("_index") or {}
    if not index_config.get("hidden") and not isinstance(frame.index, pd.RangeIndex):
        if frame.index.name is not None and not hide_header:
            out.append(str(index_config.get("label") or frame.index.name))
        out += [t for t in map(_cell, frame.index) if t is not None]
    for column in frame.columns:
        own = config.get(str(column), {})
        if own is None or own.get("hidden"):
            continue
        if not hide_header:
            out.append(str(own.get("label") or column))
        options = {o.get("value"): o.get("label") for o in (own.get("type_config") or {}).get("options", [])}
        for value in frame[column]:
            if isinstance(value, str) and options.get(value):
                out.append(options[value])
            else:
                text = _cell(value, empty)
                if text is not None:
                    out.append(text)
    return out


def _plot_texts(spec: str) -> list[str]:
    figure = json.loads(spec)
    out = _strings(figure.get("data", []), PLOT_TEXT_KEYS)
    layout = figure.get("layout", {})
    for key, part in layout.items():
        if key == "title" or key.startswith(("xaxis", "yaxis", "legend")) or key == "annotations":
            out += _strings(part, {"text", "ticktext"})
    return [re.sub(r"%\{[^}]*\}", " ", t) for t in out]


def visible_texts(at) -> list[str]:
    """What a reader of the page (and its sidebar) sees, as text."""
    found: list[str] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        kind = getattr(node, "type", None)
        proto = getattr(node, "proto", None)
        if proto is None:
            return
        if kind in ("dataframe", "arrow_data_frame"):
            columns = json.loads(proto.columns) if proto.columns else {}
            order = list(proto.column_order)
            frame = node.value
            if order:
                frame = frame[[c for c in frame.columns if c in order]]
            found.extend(_frame_texts(frame, columns, empty=proto.placeholder or "None"))
        elif kind in ("table", "arrow_table"):
            found.extend(_frame_texts(node.value, {}, hide_header=bool(getattr(proto, "hide_header", False))))
        elif kind == "plotly_chart":
            found.extend(_plot_texts(proto.spec))
        elif kind in ("code",):
            return
        else:
            found.extend(_markdown(t) for t in _strings(MessageToDict(proto), TEXT_KEYS))

    walk(at._tree)
    return [t for t in found if t.strip()]


def raw_keys(texts: list[str]) -> list[str]:
    # a template's file name ("pay.csv") is a name, not a key, though "pay" is also a key prefix
    return sorted({m for t in texts for m in RAW_KEY.findall(t) if not m.endswith((".csv", ".xlsx"))})


def english_words(texts: list[str]) -> dict[str, str]:
    """English word -> the first text it was found in."""
    out: dict[str, str] = {}
    for text in texts:
        for word in ENGLISH_WORD.findall(text):
            out.setdefault(word, text[:160])
    return out


def test_the_walker_sees_what_it_should(app):
    """The helpers find a key, an English word, an empty cell and a chart's
    title (so an empty walk cannot pass)."""
    assert raw_keys(["预警 alert.kind.red", "design.col_指标", "Co., Ltd. 2026.10"]) == [
        "alert.kind.red",
        "design.col_指标",
    ]
    assert english_words(["核心 core", "Choose options", "scorecard", "None"]) == {
        "core": "核心 core",
        "Choose options": "Choose options",
        "None": "None",
    }
    assert _frame_texts(pd.DataFrame({"a": [1.0, float("nan")]}), {"a": {"label": "甲"}}) == ["甲", "1.0", "None"]
    at = app("pages/2_kpi_detail.py", unit="MKT", kpi="EXPENSE_EXEC", lang="zh")
    texts = visible_texts(at)
    assert "费用预算执行率 · 市场部" in texts  # the title
    assert "指标字典" in texts  # a subheader
    assert "区间控制" in texts  # a cell of the dictionary table
    assert "跳转到单元" in texts  # the sidebar
    assert any("各月完成率与得分" in t for t in texts)  # a chart title


# ------------------------------------------------------------------ the walk


def _restated(store) -> None:
    """One restated value, so the KPI detail page shows its restatement table."""
    report = ingest.load(
        store,
        "actuals",
        b"unit_id,kpi_id,period,actual\nMKT,EXPENSE_EXEC,2025-06,148.2\n",
        "june_fix.csv",
        uploaded_by="Zhou Ting",
        today=date(2026, 11, 21),
    )
    assert report.validated.ok


def _acknowledged(at) -> None:
    at.selectbox(key="alerts_ack_which").set_value("red|CS|CSAT")
    at.text_input(key="alerts_ack_action").input("已约谈")
    at.button(key="alerts_ack_submit").click().run()


#: A restatement of Marketing's October spend (169.1 -> 180) and a new
#: November figure with no target yet: the preview's changes, effects and warning.
UPLOAD_PREVIEW = b"unit_id,kpi_id,period,actual\nMKT,EXPENSE_EXEC,2026-10,180\nMKT,EXPENSE_EXEC,2026-11,150\n"
#: A semicolon file with Chinese headers and two bad values: the problem table.
UPLOAD_PROBLEMS = "单元编码;指标编码;期间;实际值\nMKT;EXPENSE_EXEC;2026-13;abc\nMKT;NOPE;2026-10;1\n".encode()


def _uploaded(at, content: bytes) -> None:
    at.get("file_uploader")[0].upload("data.csv", content, "text/csv")
    at.run()


def _others(page: str, words: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=False, reason=f"{page} (owned by another engineer) still shows in Chinese: {words}")


#: (id, page, query parameters, an action after the first run)
WALK = [
    pytest.param("pages/1_scorecard.py", {"unit": "HQ"}, None, id="scorecard-company"),
    pytest.param("pages/1_scorecard.py", {"unit": "SALES_N", "view": "ytd"}, None, id="scorecard-department-ytd"),
    pytest.param("pages/1_scorecard.py", {"unit": "P_SALES_N_03"}, None, id="scorecard-person-without-data"),
    pytest.param("pages/2_kpi_detail.py", {"unit": "CS", "kpi": "COMPLAINT_TIME"}, None, id="kpi-detail"),
    pytest.param("pages/2_kpi_detail.py", {"unit": "HR", "kpi": "REV"}, None, id="kpi-detail-not-assigned"),
    pytest.param("pages/2_kpi_detail.py", {"unit": "MKT", "kpi": "EXPENSE_EXEC"}, "restated", id="kpi-detail-restated"),
    pytest.param("pages/3_alerts.py", {"unit": "HQ"}, None, id="alerts"),
    pytest.param("pages/3_alerts.py", {"unit": "HQ"}, "acknowledged", id="alerts-acknowledged"),
    pytest.param("pages/4_upload.py", {"unit": "HQ"}, None, id="upload"),
    pytest.param("pages/4_upload.py", {"unit": "HQ"}, "upload_preview", id="upload-preview"),
    pytest.param("pages/4_upload.py", {"unit": "HQ"}, "upload_problems", id="upload-problems"),
    pytest.param("pages/5_kpi_dictionary.py", {"unit": "HQ"}, None, id="kpi-dictionary"),
    pytest.param("pages/6_scorecard_design.py", {"unit": "HQ"}, None, id="design-company"),
    pytest.param("pages/6_scorecard_design.py", {"unit": "SALES"}, None, id="design-department"),
]

#: Pages of other engineers where the walk still finds English words or keys
#: (filled in from the walk's findings; see the module docstring).
KNOWN_WORDS: dict[str, str] = {}
KNOWN_KEYS: dict[str, str] = {}


def _walk_params(known: dict[str, str]) -> list:
    out = []
    for param in WALK:
        page, params, action = param.values
        marks = [_others(page, known[param.id])] if param.id in known else []
        out.append(pytest.param(page, params, action, id=param.id, marks=marks))
    return out


def _walked(app, demo_store, page: str, params: dict, action: str | None):
    if action == "restated":
        _restated(demo_store)
    at = app(page, period="2026-10", lang="zh", **params)
    assert not at.exception, [e.value for e in at.exception]
    if action == "acknowledged":
        _acknowledged(at)
    elif action == "upload_preview":
        _uploaded(at, UPLOAD_PREVIEW)
    elif action == "upload_problems":
        _uploaded(at, UPLOAD_PROBLEMS)
    assert not at.exception, [e.value for e in at.exception]
    texts = visible_texts(at)
    assert len(texts) > 10, "the walk saw the page"
    return texts


@pytest.mark.parametrize(("page", "params", "action"), _walk_params(KNOWN_KEYS))
def test_no_translation_key_on_a_chinese_page(app, demo_store, page, params, action):
    texts = _walked(app, demo_store, page, params, action)
    assert raw_keys(texts) == []


@pytest.mark.parametrize(("page", "params", "action"), _walk_params(KNOWN_WORDS))
def test_no_english_ui_word_on_a_chinese_page(app, demo_store, page, params, action):
    texts = _walked(app, demo_store, page, params, action)
    assert english_words(texts) == {}
