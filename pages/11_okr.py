"""OKRs and value-contribution points (issue 18, items 1-2): a unit's OKRs of
a quarter with their history, the form to update a key result; a person's
value points, a department's totals, recording and approving events."""

import streamlit as st

from kpi_core.i18n import t
from kpi_ui import okr_view, shell
from kpi_ui.state import current

shell.ensure_navigation()

state = current()
st.title(t("page.okr", state.lang))
okr_view.page(state)
