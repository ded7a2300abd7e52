"""Bonuses (issue 17): each person's bonus of a department for a month or a
quarter, from the scores and the pay mix; totals against the budget (the sum
of the bonus bases), the distribution of achievement, and an Excel export.

Pay is seen by administrators (HR) only: the page is listed for them alone,
and refuses anyone else before anything is read."""

import streamlit as st

from kpi_core.i18n import t
from kpi_ui import bonus_view, session, shell
from kpi_ui.state import current

shell.ensure_navigation()

state = current()
st.title(t("page.bonus", state.lang))
session.require("see_pay")
st.caption(t("pay.page.intro", state.lang))
bonus_view.page(state)
