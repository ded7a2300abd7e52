"""Entry point: page config and navigation over the pages in pages/.

The view state (unit, period, view, KPI, language, meeting mode) is resolved
from the URL first, because the page titles are translated and meeting mode
starts with the sidebar collapsed.
"""

from pathlib import Path

import streamlit as st

from kpi_core.i18n import t
from kpi_ui import shell

ROOT = Path(__file__).parent

state = shell.resolve_current()
st.set_page_config(
    page_title=t("app.title", state.lang),
    page_icon=":material/speed:",
    layout="wide",
    initial_sidebar_state="collapsed" if state.meeting else "auto",
)
pages = [
    st.Page(p.path, title=t(p.title_key, state.lang), icon=p.icon, default=p.default)
    for p in shell.PAGES
    if (ROOT / p.path).exists()
]
selected = st.navigation(pages)
shell.start()
selected.run()
