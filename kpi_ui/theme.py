"""Colours, status symbols and the CSS of normal and meeting mode.

Status is shown by colour *and* a symbol and a word, so it survives grey print
and colour-blind eyes. The colours are the Okabe-Ito palette, chosen to stay
distinct under the common colour-vision deficiencies.
"""

from __future__ import annotations

import math

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


def status_pill(status: str, lang: str, word: str | None = None) -> str:
    """A filled HTML pill for table cells: Okabe-Ito colour, symbol and word
    (dark ink on the light colours, white on the dark ones)."""
    colour = STATUS_COLOURS.get(status, MUTED)
    ink = INK if status == "amber" else "#FFFFFF"
    text = status_label(status, lang) if word is None else word
    return f'<span class="bsc-status" style="background:{colour};color:{ink}">{html_text(text)}</span>'


#: The children's chart's least width (px) beside their table; the table's
#: own least width, and a perspective panel's, follow from their columns
#: (kpi_ui.scorecard_view), so that they sit side by side only where they fit
#: without a sideways scroll, and one under the other elsewhere.
CHILD_CHART_MIN_PX = 420
#: Below this width (Streamlit's own breakpoint for stacking columns) KPI
#: tables become a list of cards.
NARROW_PX = 640

_BASE_CSS = """
<style>
/* the copy button of a link box shows without hovering (a projector has no hover) */
[data-testid="stCode"] div:has(> div > [data-testid="stElementToolbarButton"]),
[data-testid="stCode"] [data-testid="stElementToolbarButton"],
[data-testid="stCode"] [data-testid="stElementToolbarButton"] button {visibility: visible !important; opacity: 1 !important;}
[data-testid="stCode"] pre {padding-right: 2.5rem;}
.bsc-badge {display:inline-block; border:2px solid; border-radius:1em; padding:0 .6em;
  font-weight:600; white-space:nowrap; background:#fff;}
.bsc-big {font-size:3rem; font-weight:700; line-height:1.1; color:#1A1A1A;}
.bsc-sub {color:#555; font-size:1rem;}
.bsc-persp h4 {margin-bottom:.2rem;}
div[data-testid="stMetricValue"] {font-weight:700;}
/* previous -> current: wraps between the two figures rather than being cut */
.bsc-change {font-size:2.25rem; font-weight:700; line-height:1.2; color:#1A1A1A;
  display:flex; flex-wrap:wrap; column-gap:.3em; overflow-wrap:anywhere;}
.bsc-change span {white-space:nowrap;}
.bsc-delta {display:inline-block; border-radius:1em; padding:0 .55em; font-weight:600;
  font-size:.95rem; background:#EEF0F3; color:#1A1A1A; white-space:nowrap;}
.bsc-delta-up {background:#DDF2EA; color:#00634A;}
.bsc-delta-down {background:#FBE6DC; color:#9A3600;}
/* the children's chart and table side by side only where both fit (the
   table's least width is set with the page, from its columns) */
.st-key-bsc_children > div:has(.st-key-bsc_children_chart) {flex:3 1 CHARTpx; min-width:min(CHARTpx, 100%);}
.st-key-bsc_scroll_top {display:none;}
/* HTML tables (meeting mode, phones): text that can be enlarged, coloured status */
.bsc-table {border-collapse:collapse; width:100%; font-size:.95rem; line-height:1.3; margin:0;}
.bsc-table th {text-align:left; font-weight:600; color:#555; border-bottom:2px solid #CCC;
  padding:.15rem .4rem; font-size:.85em;}
.bsc-table td {padding:.2rem .4rem; border-bottom:1px solid #E5E5E5; vertical-align:middle; color:#111;}
.bsc-table th, .bsc-table td {border-left:none; border-right:none; border-top:none;}
.bsc-table .num {text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums;}
.bsc-table td.bsc-st {white-space:nowrap;}
.bsc-table .num.bsc-wrap {white-space:normal;}
.bsc-nw {white-space:nowrap;}
.bsc-table a {color:inherit; text-decoration:underline; text-decoration-color:#AAA;}
.bsc-status {display:inline-block; padding:0 .45em; border-radius:.8em; font-weight:600; white-space:nowrap;}
.bsc-spark {display:block; width:7em; height:1.6em;}
.bsc-legend {color:#555; font-size:.9rem;}
.bsc-demo-line {color:#333; font-size:.95rem; line-height:1.5;}
.bsc-demo-line.bsc-demo-small {font-size:.8rem; color:#555;}
.bsc-demo {display:inline-block; padding:0 .55em; border-radius:.8em; font-weight:600;
  background:#EDE7F6; color:#4527A0;}
@media (min-width: NARROW1px) { [class*="st-key-sc_narrow_"] {display:none;} }
@media (max-width: NARROWpx) {
  h1 {font-size: 1.9rem !important;}
  [class*="st-key-sc_wide_"] {display:none;}
  .bsc-table thead {display:none;}
  .bsc-table, .bsc-table tbody, .bsc-table tr, .bsc-table td {display:block; width:100%;}
  .bsc-table tr {border:1px solid #DDD; border-radius:.5rem; padding:.35rem .6rem; margin-bottom:.5rem;}
  .bsc-table td {display:flex; justify-content:space-between; align-items:center; gap:1rem;
    border:none; padding:.1rem 0; text-align:right;}
  .bsc-table td::before {content:attr(data-label); color:#555; text-align:left;}
  .bsc-table td.bsc-name {font-weight:600; text-align:left;}
  .bsc-table td.bsc-name::before {content:none;}
}
</style>
"""

# Meeting mode: larger type everywhere, tables included; Streamlit's header
# grows with the root font size (3.75rem), so the page starts below it.
_MEETING_CSS = """
<style>
html, body, [class*="css"] {font-size: 19px;}
.block-container {padding-top: 4.3rem; padding-bottom: 0; max-width: 100%;}
h1 {font-size: 2.1rem !important; padding: 0 0 .2rem 0 !important; line-height: 1.2 !important;}
h4 {padding: 0 !important; font-size: 1.3rem !important;}
.bsc-big {font-size: 3.2rem;}
.bsc-change {font-size: 2.3rem;}
.bsc-delta {font-size: 1rem;}
.bsc-badge {font-size: 1.05rem; border-width: 3px;}
.bsc-panel-head {display:flex; flex-wrap:wrap; align-items:center; column-gap:.6rem; row-gap:.2rem;}
.bsc-panel-title {font-size: 1.3rem; font-weight: 700;}
.bsc-panel-score {color: #333;}
.bsc-table {font-size: 1.05rem;}
.bsc-table th {font-size: .8em; white-space: normal;}
.bsc-table td {padding: .15rem .35rem;}
.bsc-table td.bsc-name {min-width: 6.5em;}
.bsc-spark {width: 5.5em; height: 1.4em;}
div[data-testid="stMetricValue"] {font-size: 2.6rem;}
div[data-testid="stMetricLabel"] p {font-size: 1.1rem; color:#1A1A1A;}
p, li, td, th {color: #111;}
/* the menu and actions go; the toolbar stays: it holds the button that opens
   the collapsed sidebar (language, names, the link) */
div[data-testid="stToolbarActions"], div[data-testid="stMainMenu"] {display:none;}
/* a laptop or a 1366 x 768 projector: slightly smaller type, and the KPI
   tables keep the figures (completion, points, status, trend); actual /
   target, weight and alert come back on wider screens and on phones */
@media (max-height: 860px) {
  html, body {font-size: 17px;}
  .bsc-big {font-size: 2.8rem;}
  .bsc-change {font-size: 2rem;}
}
@media (min-width: 641px) and (max-width: 1600px) {
  .bsc-meeting .bsc-extra {display: none;}
}
/* a 1920 x 1080 projector: larger still */
@media (min-width: 1800px) and (min-height: 1000px) {
  html, body {font-size: 21px;}
}
</style>
"""


def _css(text: str) -> str:
    return (
        text.replace("CHARTpx", f"{CHILD_CHART_MIN_PX}px")
        .replace("NARROW1px", f"{NARROW_PX + 1}px")
        .replace("NARROWpx", f"{NARROW_PX}px")
    )


def inject(meeting: bool) -> None:
    import streamlit as st  # here, not at the top: the charts (and the CLI's export) read this module's colours

    st.html(_css(_BASE_CSS) + (_MEETING_CSS if meeting else ""))


def uploader_words(lang: str, button: str, limits: str) -> None:
    """Streamlit draws its file uploader's button ("Upload") and limits line
    ("20MB per file • CSV, ...") in English whatever the page's language, and
    no setting changes them. In Chinese, CSS hides those two texts and shows
    ours in their place (generated content: no script touches the page).
    ``button`` and ``limits`` come from the translation table, never from data."""
    if lang != "zh":
        return

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    import streamlit as st

    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {display: none;}'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after '
        "{content: " + quoted(button) + ";}"
        '[data-testid="stFileUploaderDropzoneInstructions"] span {display: none;}'
        '[data-testid="stFileUploaderDropzoneInstructions"] div::after '
        "{content: " + quoted(limits) + "; font-size: 0.875rem; opacity: 0.7;}"
        "</style>"
    )
