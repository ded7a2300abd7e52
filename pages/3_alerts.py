"""Alerts: every alert of the month for the unit and the units below it, worst
first, breaches apart from statistical signals; filters, deep links to the KPI
detail, acknowledgement, and the company's alert thresholds."""

import streamlit as st

from kpi_core import alerts
from kpi_core.i18n import t
from kpi_core.model import PERSPECTIVES
from kpi_ui import alerts as ui
from kpi_ui import data, session, shell
from kpi_ui import state as vs
from kpi_ui.text import plain

shell.ensure_navigation()

view = vs.current()
lang = view.lang
org = data.org()
names = ui.names()
unit_name = plain(org.name(view.unit, lang))  # shown in Markdown below

st.title(t("alert.title", lang, unit=unit_name, period=view.period))
st.caption(t("alert.scope", lang, unit=unit_name, period=view.period))
ui.flash()
found = ui.for_unit(view.unit, view.period)
ui.headline(view, alerts.summary(found, org, view.unit), link=False)

present = found["unit_id"].unique().tolist()
any_ = t("alert.filter.any", lang)  # the filters' placeholder (Streamlit's own is "Choose options")
f1, f2, f3, f4 = st.columns(4)
severities = f1.multiselect(
    t("alert.filter.severity", lang),
    list(alerts.SEVERITIES),
    format_func=lambda s: ui.severity_label(s, lang),
    key="alerts_severity",
    placeholder=any_,
)
kinds = f2.multiselect(
    t("alert.filter.kind", lang),
    list(alerts.KINDS),
    format_func=lambda k: t(f"alert.kind.{k}", lang),
    key="alerts_kind",
    placeholder=any_,
)
perspectives = f3.multiselect(
    t("alert.filter.perspective", lang),
    list(PERSPECTIVES),
    format_func=lambda p: t(f"perspective.{p}", lang),
    key="alerts_perspective",
    placeholder=any_,
)
units = f4.multiselect(
    t("alert.filter.unit", lang),
    [u for u in org.subtree(view.unit) if u in present],
    format_func=lambda u: org.name(u, lang),
    key="alerts_unit",
    placeholder=any_,
)
shown = alerts.select(found, severities=severities, kinds=kinds, perspectives=perspectives, unit_ids=units)
st.caption(t("alert.shown", lang, shown=len(shown), total=len(found)))

if shown.empty and not found.empty:
    st.info(t("alert.none_filtered", lang))
for group in alerts.GROUPS:
    part = shown[shown["group"] == group]
    if part.empty:
        continue
    st.subheader(t(f"alert.group.{group}", lang), help=t(f"alert.group.{group}_help", lang))
    ui.alert_list(part, view, names)

if session.allowed("acknowledge_alerts", view.unit):
    ui.ack_form(shown, view, names)
with st.expander(t("alert.ack.history", lang)):
    ui.ack_history(view, names)
if session.allowed("edit_settings"):
    with st.expander(t("alert.settings.title", lang)):
        ui.settings_form(view)
