"""The scorecard: where the selected unit stands, which perspectives and KPIs
are off track, and which units below it pull the total down (click to drill)."""

import streamlit as st

from kpi_core.i18n import t
from kpi_ui import alerts as alert_ui
from kpi_ui import data, scorecard_view, shell
from kpi_ui import state as vs

shell.ensure_navigation()

view = vs.current()
org = data.org()
if not data.periods():
    st.info(t("ui.no_data_yet", view.lang))
    st.stop()

card = data.card(view.unit, view.period, view.view)
alerts = alert_ui.summary(view.unit, view.period)  # the same cached evaluation as the alerts page
scorecard_view.heading(view, org)
if card.kpis.empty:  # no KPI assigned: one notice and where to assign them, not four empty panels
    scorecard_view.no_kpis(view, org)
else:
    scorecard_view.headline(card, scorecard_view.previous_card(view), view, alert_counts=alerts["counts"])
    scorecard_view.perspective_panels(card, view, markers=alert_ui.kpi_markers(alerts, view.lang))
scorecard_view.children_section(card, view, org, child_counts=alerts["children"])
