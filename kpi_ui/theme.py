"""Colours, status symbols and the CSS of normal and meeting mode.

Status is shown by colour *and* a symbol and a word, so it survives grey print
and colour-blind eyes. The colours are the Okabe-Ito palette, chosen to stay
distinct under the common colour-vision deficiencies.
"""

from __future__ import annotations

import math

import streamlit as st

from kpi_core.i18n import has, t
from kpi_ui.text import html_text

STATUS_COLOURS = {
    "green": "#009E73",
    "amber": "#E69F00",
    "red": "#D55E00",
    "no_data": "#7F7F7F",
    "no_target": "#7F7F7F",
}
STATUS_SYMBOLS = {"green": "✔", "amber": "▲", "red": "✖", "no_data": "○", "no_target": "○"}
INK = "#1A1A1A"
MUTED = "#555555"


def status_label(status: str, lang: str) -> str:
    """'✖ off track': symbol and word."""
    return f"{STATUS_SYMBOLS.get(status, '')} {t(f'status.{status}', lang)}"


def badge(status: str, lang: str) -> str:
    """An HTML pill with colour, symbol and word."""
    colour = STATUS_COLOURS.get(status, MUTED)
    return f'<span class="bsc-badge" style="border-color:{colour};color:{colour}">{html_text(status_label(status, lang))}</span>'


def measure(unit: object, lang: str) -> str:
    """A unit of measure in the chosen language (as written when unknown)."""
    if not isinstance(unit, str) or not unit:
        return ""
    key = f"measure.{unit}"
    return t(key, lang) if has(key) else unit


def number(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    return f"{text} {unit}".strip() if unit and unit != "%" else (f"{text}%" if unit == "%" else text)


def percent(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f}%"


_BASE_CSS = """
<style>
.bsc-badge {display:inline-block; border:2px solid; border-radius:1em; padding:0 .6em;
  font-weight:600; white-space:nowrap; background:#fff;}
.bsc-big {font-size:3rem; font-weight:700; line-height:1.1; color:#1A1A1A;}
.bsc-sub {color:#555; font-size:1rem;}
.bsc-persp h4 {margin-bottom:.2rem;}
div[data-testid="stMetricValue"] {font-weight:700;}
</style>
"""

_MEETING_CSS = """
<style>
html, body, [class*="css"] {font-size: 19px;}
.block-container {padding-top: 3.2rem; padding-bottom: 0; max-width: 100%;}
.bsc-big {font-size: 3.6rem;}
.bsc-badge {font-size: 1.05rem; border-width: 3px;}
div[data-testid="stMetricValue"] {font-size: 2.6rem;}
div[data-testid="stMetricLabel"] p {font-size: 1.1rem; color:#1A1A1A;}
p, li, td, th {color: #111;}
div[data-testid="stToolbar"] {display:none;}
</style>
"""


def inject(meeting: bool) -> None:
    st.html(_BASE_CSS + (_MEETING_CSS if meeting else ""))
