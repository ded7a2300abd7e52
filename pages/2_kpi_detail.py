"""One KPI at one unit: over time against its target and status zones, its
dictionary entry, how the same KPI stands at sibling units and persons, and
its restated months then and now. A goal-setting task (``kpi=`` a task id)
gets its own view instead: objective, acceptance criteria, deadline, its
assessments over the year and, for a manager, the assessment form.

With a moment in the URL (``as_of``) everything is drawn from the store as it
stood then (the rule in the dictionary entry too), under a banner saying so,
and the restated months compare that moment with now."""

import streamlit as st

from kpi_core.i18n import t
from kpi_core.model import TASK_ROLE
from kpi_ui import asof, data, kpi_detail_view, outlook_view, shell, task_view
from kpi_ui import review as review_ui
from kpi_ui import state as vs
from kpi_ui.text import plain

shell.ensure_navigation()

view, then = asof.resolve(vs.current())
source = then or data
if then is not None:
    asof.banner(then, view)
    if asof.missing(then, view):
        st.stop()
org = source.org()
card = source.card(view.unit, view.period, view.view)
kpi_id = kpi_detail_view.pick_kpi(view, card.kpis)
if kpi_id is None:
    st.info(t("sc.no_assignments", view.lang, unit=plain(org.name(view.unit, view.lang)), year=view.period[:4]))
    st.stop()

row = card.kpis.set_index("kpi_id", drop=False).loc[kpi_id]
if row.get("role") == TASK_ROLE:  # a goal-setting task: its own view (issue 14)
    task_view.show(row, view, org, current=then is None)
    if then is None:
        review_ui.kpi_section(view, kpi_id, kpi_detail_view.name_of(row, view.lang), org)
    st.stop()
kpi = source.kpis().loc[kpi_id]
kpi_detail_view.header(row, view, org)
months = [p for p in source.periods() if p <= view.period][-13:]
history = source.history(view.unit, months)
kpi_detail_view.over_time(history[history["kpi_id"] == kpi_id], kpi, view)
outlook_view.panel(view, kpi_id, org, then)  # issue 16, item 5: comparisons and outlook
left, right = st.columns([2, 3])
with left:
    kpi_detail_view.dictionary_entry(kpi, view.lang, org)
with right:
    kpi_detail_view.siblings(row, view, org, source)
    kpi_detail_view.persons(row, view, org, source)
kpi_detail_view.restated_months(kpi_id, kpi, view, then)
kpi_detail_view.restatements(kpi_id, view)
if then is None:  # issue 16: commentary and action items
    review_ui.kpi_section(view, kpi_id, kpi_detail_view.name_of(row, view.lang), org)
