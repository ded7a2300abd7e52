"""360-degree reviews (issue 18, item 3): the forms a rater owes, a subject's
report (anonymity applied by kpi_core.review360 where answers are read) and,
for admins, the cycle's setup."""

import pandas as pd
import streamlit as st

from kpi_core import review360
from kpi_core.i18n import t
from kpi_ui import data, figures, session, shell
from kpi_ui.state import current

shell.ensure_navigation()

state = current()
lang = state.lang
st.title(t("page.r360", lang))
st.caption(t("r360.intro", lang))

store = data.store()
org = data.org()
viewer = session.viewer()
cycles = store.review_cycles()


def person(unit_id: str) -> str:
    return org.name(unit_id, lang) if unit_id in org else unit_id


def behaviour_label(row: pd.Series) -> str:
    return review360.behaviour_name(row, lang)


def forms() -> None:
    owed = review360.owed(store, viewer)
    if owed.empty:
        st.info(t("r360.owe.none", lang))
        return
    st.caption(t("r360.owe.caption", lang))
    keys = list(range(len(owed)))
    labels = {
        i: t(
            "r360.owe.label",
            lang,
            subject=person(str(r["subject_id"])),
            group=t(f"r360.group.{r['rater_group']}", lang),
            cycle=r["cycle_id"],
            answered=int(r["answered"]),
            total=int(r["behaviours"]),
        )
        for i, (_, r) in enumerate(owed.iterrows())
    }
    pick = st.selectbox(t("r360.owe.pick", lang), keys, format_func=labels.get, key="r360_form")
    row = owed.iloc[int(pick)]
    cycle_id, subject = str(row["cycle_id"]), str(row["subject_id"])
    closed = row["status"] != "open"
    if closed:
        st.info(t("r360.owe.closed", lang))
    behaviours = store.review_behaviours(cycle_id)
    anchors = store.review_anchors(cycle_id)
    mine = review360.my_answers(store, viewer, cycle_id, subject)
    with st.form(f"r360_{cycle_id}_{subject}"):
        chosen = {}
        for _, b in behaviours.iterrows():
            levels = anchors[anchors["behaviour_id"] == b["behaviour_id"]]
            texts = {
                int(lv["level"]): (lv["text_zh"] if lang == "zh" and isinstance(lv["text_zh"], str) else lv["text"])
                for _, lv in levels.iterrows()
            }
            current_score = mine.get(str(b["behaviour_id"]))
            chosen[str(b["behaviour_id"])] = st.radio(
                behaviour_label(b),
                [1, 2, 3, 4, 5],
                index=None if current_score is None else current_score - 1,
                format_func=lambda level, texts=texts: t("r360.level", lang, level=level, text=texts.get(level, "")),
                disabled=closed,
                key=f"r360_{cycle_id}_{subject}_{b['behaviour_id']}",
            )
        sent = st.form_submit_button(t("r360.owe.submit", lang), disabled=closed, type="primary")
    if sent:
        answers = {b: int(s) for b, s in chosen.items() if s is not None}
        try:
            n = review360.submit(store, viewer, cycle_id, subject, answers)
        except review360.ReviewError as exc:
            st.error(exc.text(lang))
        else:
            st.success(t("r360.owe.saved", lang, n=n))


def reports(cycle_id: str) -> None:
    subjects = review360.visible_subjects(store, viewer, session.scope(), cycle_id)
    if not subjects:
        st.info(t("r360.report.none", lang))
        return
    subject = st.selectbox(t("r360.subject", lang), subjects, format_func=person, key="r360_subject")
    rep = review360.report(store, viewer, session.scope(), cycle_id, subject)
    st.subheader(person(subject))
    counts = review360.group_counts(rep, lang)
    if not counts:  # a cycle set up, nobody has answered yet
        st.info(t("r360.report.no_answers", lang), icon=":material/hourglass_empty:")
        return
    st.caption(t("r360.report.counts", lang, counts=counts))
    st.dataframe(review360.report_table(rep, lang), hide_index=True, width="stretch")
    st.caption(t("r360.report.note", lang))
    st.plotly_chart(
        figures.review360_bars(rep, [behaviour_label(b) for _, b in rep.behaviours.iterrows()], lang),
        width="stretch",
        theme=None,
        config={"displayModeBar": False},
        key="r360_chart",
    )


def setup(cycle: pd.Series) -> None:
    behaviours = store.review_behaviours(str(cycle["cycle_id"]))
    name = cycle["name_zh"] if lang == "zh" and isinstance(cycle["name_zh"], str) else cycle["name"]
    st.caption(
        t(
            "r360.setup.caption",
            lang,
            name=name,
            period=cycle["period"],
            status=t(f"r360.status.{cycle['status']}", lang),
            behaviours=len(behaviours),
        )
    )
    st.dataframe(
        review360.setup_summary(store, viewer, str(cycle["cycle_id"]), org, lang), hide_index=True, width="stretch"
    )
    with st.expander(t("r360.setup.anchors", lang)):
        anchors = store.review_anchors(str(cycle["cycle_id"]))
        for _, b in behaviours.iterrows():
            st.markdown(f"**{behaviour_label(b)}**")
            levels = anchors[anchors["behaviour_id"] == b["behaviour_id"]]
            for _, lv in levels.iterrows():
                text = lv["text_zh"] if lang == "zh" and isinstance(lv["text_zh"], str) else lv["text"]
                st.caption(t("r360.level", lang, level=int(lv["level"]), text=text))


if cycles.empty:
    st.info(t("r360.no_cycles", lang))
    st.stop()

admin = session.allowed("manage_360")
# a rater with a form still open sees it first; everyone else the reports
pending = review360.owed(store, viewer)
owes = bool(((pending["status"] == "open") & ~pending["done"].astype(bool)).any()) if len(pending) else False
names = ["r360.tab.owe", "r360.tab.report"] if owes else ["r360.tab.report", "r360.tab.owe"]
names += ["r360.tab.setup"] if admin else []
tabs = dict(zip(names, st.tabs([t(n, lang) for n in names]), strict=True))
with tabs["r360.tab.owe"]:
    forms()
cycle_ids = cycles["cycle_id"].tolist()
with tabs["r360.tab.report"]:
    chosen_cycle = st.selectbox(t("r360.cycle", lang), cycle_ids, key="r360_cycle")
    reports(chosen_cycle)
if admin:
    with tabs["r360.tab.setup"]:
        setup(cycles.set_index("cycle_id", drop=False).loc[chosen_cycle])
