"""One KPI at one unit: over time against its target and status zones, its
dictionary entry, and how the same KPI stands at sibling units and persons."""

import streamlit as st

from kpi_core.i18n import t
from kpi_ui import data, kpi_detail_view, shell
from kpi_ui import state as vs
from kpi_ui.text import plain

shell.ensure_navigation()

view = vs.current()
org = data.org()
card = data.card(view.unit, view.period, view.view)
kpi_id = kpi_detail_view.pick_kpi(view, card.kpis)
if kpi_id is None:
    st.info(t("sc.no_assignments", view.lang, unit=plain(org.name(view.unit, view.lang)), year=view.period[:4]))
    st.stop()

row = card.kpis.set_index("kpi_id", drop=False).loc[kpi_id]
kpi = data.kpis().loc[kpi_id]
kpi_detail_view.header(row, view, org)
months = [p for p in data.periods() if p <= view.period][-13:]
history = data.history(view.unit, months)
kpi_detail_view.over_time(history[history["kpi_id"] == kpi_id], kpi, view)
left, right = st.columns([2, 3])
with left:
    kpi_detail_view.dictionary_entry(kpi, view.lang, org)
with right:
    kpi_detail_view.siblings(row, view, org)
    kpi_detail_view.persons(row, view, org)
kpi_detail_view.restatements(kpi_id, view)
