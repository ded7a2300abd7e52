"""Change requests: changes to a locked year's targets, weights and KPI rules
wait here for an approver. The list (pending, decided or all) shows each
request's unit, kind, what it changes (before -> after), who asked and why;
an approver other than the requester approves (the change is applied, and the
scores follow) or rejects it with a note. An admin locks and unlocks years, and
closes reviewed months (reopening one needs a reason).

Every reader sees the requests about units of their scope (a KPI's rule is the
company's); only approvers see the buttons, and the rules are checked again
when one is clicked (:func:`kpi_core.approvals.decide`)."""

import streamlit as st

from kpi_core import approvals
from kpi_core.i18n import t
from kpi_ui import data, session, shell
from kpi_ui import design as ui
from kpi_ui import requests as view
from kpi_ui.state import current

shell.ensure_navigation()

lang = current().lang
store = data.store()
scope = session.scope()
units = data.org().names(lang).to_dict()
names = ui.kpi_names(data.kpis().reset_index(drop=True), lang)

st.title(t("page.requests", lang))
st.caption(t("approvals.intro", lang))
view.show_messages()

shown = (
    st.segmented_control(
        t("approvals.show", lang),
        list(view.SHOWS),
        default="pending",
        format_func=lambda s: t(f"approvals.show.{s}", lang),
        key=view.SHOW_KEY,
    )
    or "pending"
)
everything = [r for r in store.change_requests().to_dict("records") if approvals.visible(r, scope)]
listed = [r for r in everything if shown == "all" or (r["status"] == "pending") == (shown == "pending")]
view.show_list(listed, lang, units, names, decided=shown != "pending")

if listed:
    by_id = {int(r["request_id"]): r for r in listed}
    picked = st.selectbox(
        t("approvals.pick", lang),
        list(by_id),
        format_func=lambda n: t(
            "approvals.pick_label",
            lang,
            request=n,
            kind=t(f"approvals.kind.{by_id[n]['kind']}", lang),
            unit=view.unit_label(by_id[n], lang, units),
            who=by_id[n]["requested_by"],
        ),
        key=view.PICK_KEY,
    )
    request = by_id[picked]
    view.details(request, lang, units, names)
    view.decision_form(store, request, lang)

st.divider()
years = sorted({int(y) for y in store.assignments()["year"]} | {int(p[:4]) for p in data.periods()}, reverse=True)
view.baseline_panel(store, lang, years)
st.divider()
view.periods_panel(store, lang, data.periods()[::-1])
