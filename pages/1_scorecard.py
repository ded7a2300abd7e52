"""The scorecard: where the selected unit stands, which perspectives and KPIs
are off track, and which units below it pull the total down (click to drill).

With a moment in the URL (``as_of``, set by the heading's 'As of' control)
the whole scorecard is drawn from the store as it stood then, under a banner
saying so; alerts concern the current figures and are left out then."""

import streamlit as st

from kpi_core.i18n import t
from kpi_ui import alerts as alert_ui
from kpi_ui import asof, data, scorecard_view, shell
from kpi_ui import review as review_ui
from kpi_ui import state as vs
from kpi_ui.pack_download import pack_download

shell.ensure_navigation()

view, then = asof.resolve(vs.current())
source = then or data
if not data.periods():
    st.info(t("ui.no_data_yet", view.lang))
    st.stop()

org = data.org()
if then is not None:
    scorecard_view.heading(view, org)
    asof.banner(then, view, alerts_left_out=True)
    if asof.missing(then, view):
        st.stop()
    org = then.org()
    card = then.card(view.unit, view.period, view.view)
    alerts = None
else:
    card = review_ui.marked(data.card(view.unit, view.period, view.view), view)  # issue 16: 💬 / ⚑ markers
    alerts = alert_ui.summary(view.unit, view.period)  # the same cached evaluation as the alerts page
    scorecard_view.heading(view, org)
if card.kpis.empty:  # no KPI assigned: one notice and where to assign them, not four empty panels
    scorecard_view.no_kpis(view, org)
else:
    scorecard_view.headline(
        card, scorecard_view.previous_card(view, source), view, alert_counts=alerts["counts"] if alerts else None
    )
    markers = alert_ui.kpi_markers(alerts, view.lang) if alerts else None
    scorecard_view.perspective_panels(card, view, markers=markers, source=source)
scorecard_view.children_section(card, view, org, child_counts=alerts["children"] if alerts else None)
if then is None:  # issue 16: the unit's action items
    review_ui.actions_section(view, org)
    pack_download(view)  # issue 16, item 6: the review pack as PDF, PowerPoint or Excel
