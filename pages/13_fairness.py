"""The fairness check of ratings (issue 18, item 4): for HR (admins) only.

The page is listed for admins alone and refuses anyone else before anything
is read; kpi_core.review360.fairness_ratings checks ``see_fairness`` again
where the ratings are read. Two sections: 360 ratings (offsets against the
other raters of the same person) and graded task assessments (one assessor
per task and month: the assessor's raw grades of one group against the
others, kpi_core.fairness.grade_checks)."""

import streamlit as st

from kpi_core import fairness, review360
from kpi_core import fairness_tables as tables
from kpi_core.i18n import t
from kpi_ui import data, session, shell
from kpi_ui.state import current

shell.ensure_navigation()

state = current()
lang = state.lang
st.title(t("page.fairness", lang))
session.require("see_fairness")

org = data.org()
ratings, attributes = review360.fairness_ratings(data.store(), session.viewer())
labels = tables.Labels.of(attributes)  # "司龄 = 新任" in Chinese where the file gave labels


name = tables.namer(org, lang)


def ratings_360() -> None:
    st.caption(t("fair.intro", lang))
    if ratings.empty:
        st.info(t("fair.none", lang))
        return
    groups = fairness.group_checks(ratings, attributes)
    st.subheader(t("fair.flags", lang))
    if not groups["flagged"].any():
        st.success(t("fair.no_flags", lang))
    for f in groups[groups["flagged"]].to_dict("records"):
        st.warning(tables.flag_text(f, lang, name, labels), icon=":material/visibility:")
    st.subheader(t("fair.groups", lang))
    st.dataframe(tables.group_table(groups, lang, name, labels), hide_index=True, width="stretch")
    st.subheader(t("fair.raters", lang))
    st.dataframe(tables.rater_table(fairness.rater_offsets(ratings), lang, name), hide_index=True, width="stretch")


def task_grades() -> None:
    """Graded task assessments: one assessor per task and month, raw grades."""
    grades, task_attributes = review360.fairness_ratings(data.store(), session.viewer(), source="tasks")
    st.caption(t("fairtasks.intro", lang))
    if grades.empty:
        st.info(t("fairtasks.none", lang))
        return
    checks = fairness.grade_checks(grades, task_attributes)
    st.subheader(t("fair.flags", lang))
    if checks.empty:
        units = ("、" if lang == "zh" else ", ").join(name(str(u)) for u in sorted(grades["subject"].unique()))
        st.info(t("fairtasks.no_groups", lang, units=units))
    elif not checks["flagged"].any():
        st.success(t("fairtasks.no_flags", lang))
    for f in checks[checks["flagged"]].to_dict("records"):
        st.warning(tables.grade_flag_text(f, lang, name, labels), icon=":material/visibility:")
    if not checks.empty:
        st.subheader(t("fairtasks.groups", lang))
        st.dataframe(tables.grade_table(checks, lang, name, labels), hide_index=True, width="stretch")
    st.subheader(t("fairtasks.assessors", lang))
    summary = fairness.assessor_summary(grades)
    st.dataframe(tables.assessor_table(summary, lang, name), hide_index=True, width="stretch")


st.header(t("fairtasks.header_360", lang))
ratings_360()
st.divider()
st.header(t("fairtasks.header", lang))
task_grades()
