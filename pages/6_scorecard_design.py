"""Scorecard design for one unit and one year: its KPIs, roles, weights and
monthly targets in an editable table; weights by four methods; the design
checks live as warnings; the cascade of a KPI to the child units; the unit's
change log. Saving needs a reason and is one logged transaction, recorded as
the signed-in account, who must be allowed to edit this unit's design; a
change to a locked year is sent for approval instead."""

import pandas as pd
import streamlit as st

from kpi_core import access, approvals, design
from kpi_core.i18n import t
from kpi_core.model import ROLES
from kpi_core.store import StoreError
from kpi_ui import data, session, shell, suggest_view
from kpi_ui import design as ui
from kpi_ui import state as vs
from kpi_ui.text import plain

shell.ensure_navigation()

view = vs.current()
lang = view.lang
store = data.store()
org = data.org()
kpis = data.kpis().reset_index(drop=True)
names = ui.kpi_names(kpis, lang)
failing = ui.failing()
unit = view.unit
level = org.kind(unit)

st.title(t("page.design", lang))
session.require("edit_design", unit)
st.caption(t("design.subtitle", lang, unit=plain(org.name(unit, lang)), kind=t(f"kind.{level}", lang)))
if st.session_state.pop("design_clear_form", False):
    st.session_state["design_reason"] = ""  # the saved change's reason is not offered again for the next one

years = sorted({int(view.period[:4]), *(int(y) for y in store.assignments()["year"].unique())}, reverse=True)
year = st.selectbox(t("design.year", lang), years, index=years.index(int(view.period[:4])), key="design_year")
if st.session_state.get("design_context") != (unit, year):
    st.session_state["design_context"] = (unit, year)
    st.session_state.pop("design_override", None)

before = design.design_table(store.assignments(year, [unit]), store.unit_targets([unit], year), year)
working = before.copy()
override = st.session_state.get("design_override")
if override:
    working["weight"] = [override.get(k, w) for k, w in zip(working["kpi_id"], working["weight"], strict=True)]
    st.info(t("design.applied", lang), icon=":material/info:")

# ----------------------------------------------------------------- the table
st.subheader(t("design.assignments", lang))
month_cols = design.months_of(year)
config = {
    "kpi_id": st.column_config.SelectboxColumn(
        t("col.kpi", lang),
        options=list(kpis["kpi_id"]),
        required=True,
        help=t("design.kpi_help", lang),
        format_func=lambda k: f"{names.get(k, k)} · {k}",
    ),
    "role": st.column_config.SelectboxColumn(
        t("col.role", lang), options=list(ROLES), required=True, format_func=lambda r: t(f"role.{r}", lang)
    ),
    "weight": st.column_config.NumberColumn(t("col.weight", lang), min_value=0.0, max_value=100.0, format="%.1f"),
    **{m: st.column_config.NumberColumn(m, format="%g") for m in month_cols},
}
version = st.session_state.get("design_editor_version", 0)
edited = st.data_editor(
    working,
    column_config=config,
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    placeholder="–",  # a month without a target (a quarterly KPI between due months): a dash in either language
    key=f"design_editor_{unit}_{year}_{version}",
)
edited = edited.dropna(subset=["kpi_id"]).reset_index(drop=True)
st.caption(
    t("design.named", lang)
    + " "
    + " · ".join(ui.flagged(f"{plain(k)} = {plain(names.get(k, k))}", k, failing) for k in edited["kpi_id"])
)
# the unit's goal-setting tasks of the year share the 100 (edited in the tasks file, not here)
tasks = store.tasks(year, [unit])
if len(tasks):
    st.caption(
        t("design.tasks_on_card", lang)
        + " "
        + " · ".join(
            f"{plain(r.task_id)} = {plain(r.name_zh if lang == 'zh' and r.name_zh else r.name)} ({r.weight:g}%)"
            for r in tasks.itertuples()
        )
    )
weight_sum = pd.to_numeric(edited["weight"], errors="coerce").sum() + pd.to_numeric(tasks["weight"]).sum()
st.metric(t("design.weight_sum", lang), f"{weight_sum:.1f}%")

# ----------------------------------------------------------------- checks
st.subheader(t("design.checks", lang))
card = edited[["kpi_id", "weight", "role"]].assign(
    weight=lambda f: pd.to_numeric(f["weight"], errors="coerce").fillna(0.0),
    perspective=lambda f: f["kpi_id"].map(kpis.set_index("kpi_id")["perspective"]),
)
ui.show_warnings(design.design_checks(card, level, failing, tasks=tasks), lang, names)

# ----------------------------------------------------------------- save
problems = design.validate_design(unit, year, edited, store)
changes = design.plan_changes(unit, year, before, edited)
st.subheader(t("design.save_title", lang))
message = st.session_state.pop("design_saved", None)
if message:  # here, where the person clicked "Save"
    st.success(message, icon=":material/check_circle:")
if problems:
    ui.show_problems(problems, lang)
elif not changes:
    st.caption(t("design.no_changes", lang))
if changes and not problems:
    # the same engine on the stored facts and on the facts with this table laid over them
    impact = design.design_impact(store, unit, year, edited)
    moved = impact[impact["delta"].abs().fillna(1.0) > 1e-9] if len(impact) else impact
    st.markdown(f"**{t('design.impact', lang, unit=plain(org.name(unit, lang)))}**")
    if moved.empty:
        st.caption(t("design.impact_none", lang))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.period", lang): moved["period"],
                    t("dict.old_total", lang): moved["old_total"].round(2),
                    t("dict.new_total", lang): moved["new_total"].round(2),
                    t("dict.delta", lang): moved["delta"].round(2),
                }
            ),
            hide_index=True,
            width="stretch",
        )
else:
    st.caption(t("design.pending", lang, n=len(changes)))
lock = approvals.lock_of(store, [year])
if lock is not None:
    ui.locked_banner(lock, lang)
st.caption(t("approvals.recorded_as", lang, who=plain(session.who())))
reason = st.text_input(t("design.reason", lang), key="design_reason")
if changes and not problems and not reason.strip():
    st.caption(t("design.reason_hint", lang))
if st.button(
    t("approvals.request_button" if lock is not None else "design.save", lang),
    key="design_save",
    type="primary",
    disabled=bool(problems) or not changes or not reason.strip(),
):
    try:
        errors, done = approvals.save_design(
            store,
            unit,
            year,
            before,
            edited,
            by=session.who(),
            reason=reason,
            viewer=session.viewer(),
            scope=session.scope(),
        )
    except (StoreError, access.AccessError) as exc:  # e.g. a closed month: said plainly, nothing saved
        ui.refused(exc, lang)
        errors, done = None, None
    if errors:
        ui.show_problems(errors, lang)
    elif done is not None:
        if done.applied:
            saved = t(
                "design.saved", lang, n=done.written, unit=plain(org.name(unit, lang)), year=year, reason=plain(reason)
            )
        else:
            saved = t("approvals.requested", lang, request=done.request_id)
        ui.saved("design_saved", saved)
        st.session_state.pop("design_override", None)
        st.session_state["design_editor_version"] = version + 1
        st.session_state["design_clear_form"] = True
        st.rerun()

# ----------------------------------------------------------------- suggested targets (issue 17)
suggest_view.panel(unit, year, list(before["kpi_id"]), unsaved=bool(changes), lang=lang)

# ----------------------------------------------------------------- weight methods
st.subheader(t("design.methods", lang))
ids = list(edited["kpi_id"])
if not ids:
    st.info(t("design.no_kpis", lang))
else:
    direct, ranking, three, pairwise = st.tabs(
        [
            t("design.m_direct", lang),
            t("design.m_ranking", lang),
            t("design.m_three", lang),
            t("design.m_pairwise", lang),
        ]
    )
    with direct:
        st.caption(t("design.direct_help", lang))
        typed = {}
        cols = st.columns(min(len(ids), 4))
        current_weights = dict(zip(edited["kpi_id"], pd.to_numeric(edited["weight"], errors="coerce"), strict=True))
        for n, k in enumerate(ids):
            with cols[n % len(cols)]:
                typed[k] = st.number_input(
                    plain(names.get(k, k)),
                    min_value=0.0,
                    max_value=100.0,
                    value=float(current_weights.get(k) or 0.0),
                    step=1.0,
                    key=f"design_direct_{unit}_{year}_{k}_{version}",
                )
        st.caption(t("design.direct_sum", lang, total=f"{sum(typed.values()):g}"))
        ui.apply_button("direct", typed, lang)
    with ranking:
        ui.ranking_panel(ids, names, lang)
    with three:
        ui.three_dimension_panel(ids, names, lang)
    with pairwise:
        ui.pairwise_panel(ids, names, lang)

# ----------------------------------------------------------------- cascade
st.subheader(t("design.cascade", lang))
children = org.children(unit)
if not children or not ids:
    st.caption(t("design.cascade_none", lang))
else:
    kpi_id = st.selectbox(
        t("design.cascade_kpi", lang), ids, format_func=lambda k: names.get(k, k), key="design_cascade_kpi"
    )
    accumulation = kpis.set_index("kpi_id").loc[kpi_id, "accumulation"]
    result = design.cascade(
        kpi_id,
        unit,
        children,
        accumulation,
        store.assignments(year, children),
        store.unit_targets([unit, *children], year),
    )
    if result.children.empty:
        st.caption(t("design.cascade_no_children", lang))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.unit", lang): [org.name(u, lang) for u in result.children["unit_id"]],
                    t("col.weight", lang): result.children["weight"],
                    t("col.role", lang): [t(f"role.{r}", lang) for r in result.children["role"]],
                    t("design.year_target", lang): result.children["year_target"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if not result.summable:
        st.caption(t("design.cascade_not_sum", lang, accumulation=t(f"accumulation.{accumulation}", lang)))
    elif not result.months.empty:
        if result.adds_up:
            st.success(t("design.cascade_ok", lang))
        else:
            st.warning(t("design.cascade_gap", lang))
        months = result.months
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.period", lang): months["period"],
                    t("design.parent_target", lang): months["parent_target"],
                    t("design.children_target", lang): months["children_target"],
                    # a float sum's last bits (2e-13) are no gap anybody should read
                    t("design.gap", lang): months["gap"].round(2) + 0.0,
                    t("col.status", lang): [
                        t("design.adds_up" if ok else "design.does_not_add_up", lang) for ok in months["adds_up"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )

# ----------------------------------------------------------------- change log
st.subheader(t("design.log", lang))
ui.change_log(
    ui.scoped_log(store.change_log(unit_id=unit), store.request_log(unit_id=unit), session.scope()), lang, names
)
