"""The fairness check of ratings (issue 18, item 4): for HR (admins) only.

The page is listed for admins alone and refuses anyone else before anything
is read; kpi_core.review360.fairness_ratings checks ``see_fairness`` again
where the ratings are read."""

import pandas as pd
import streamlit as st

from kpi_core import fairness, review360
from kpi_core.i18n import t
from kpi_ui import data, session, shell
from kpi_ui.state import current

shell.ensure_navigation()

state = current()
lang = state.lang
st.title(t("page.fairness", lang))
session.require("see_fairness")
st.caption(t("fair.intro", lang))

org = data.org()
ratings, attributes = review360.fairness_ratings(data.store(), session.viewer())


def name(rater: str) -> str:
    return org.name(rater, lang) if rater in org else rater


if ratings.empty:
    st.info(t("fair.none", lang))
    st.stop()

groups = fairness.group_checks(ratings, attributes)
flags = groups[groups["flagged"]]
st.subheader(t("fair.flags", lang))
if flags.empty:
    st.success(t("fair.no_flags", lang))
for _, f in flags.iterrows():
    st.warning(
        t(
            "fair.flag",
            lang,
            rater=name(str(f["rater"])),
            attribute=f["attribute"],
            value=f["value"],
            gap=abs(f["diff"]),
            direction=t("fair.lower" if f["diff"] < 0 else "fair.higher", lang),
            low=f["low"],
            high=f["high"],
            d=f["d"],
            p=f["p"],
            n_a=int(f["n_a"]),
            n_b=int(f["n_b"]),
        ),
        icon=":material/visibility:",
    )

st.subheader(t("fair.groups", lang))
table = pd.DataFrame(
    {
        t("fair.col.rater", lang): [name(str(r)) for r in groups["rater"]],
        t("fair.col.attribute", lang): groups["attribute"],
        t("fair.col.value", lang): groups["value"],
        t("fair.col.n", lang): [f"{a} / {b}" for a, b in zip(groups["n_a"], groups["n_b"], strict=True)],
        t("fair.col.subjects", lang): [
            f"{a} / {b}" for a, b in zip(groups["subjects_a"], groups["subjects_b"], strict=True)
        ],
        t("fair.col.diff", lang): groups["diff"].round(2),
        t("fair.col.ci", lang): [
            f"{lo:+.2f} … {hi:+.2f}" for lo, hi in zip(groups["low"], groups["high"], strict=True)
        ],
        "d": groups["d"].round(2),
        "p": groups["p"].round(4),
        t("fair.col.flag", lang): [t("fair.yes", lang) if f else "" for f in groups["flagged"]],
    }
)
st.dataframe(table, hide_index=True, width="stretch")

st.subheader(t("fair.raters", lang))
raters = fairness.rater_offsets(ratings)
st.dataframe(
    pd.DataFrame(
        {
            t("fair.col.rater", lang): [name(str(r)) for r in raters["rater"]],
            t("fair.col.n", lang): raters["n"],
            t("fair.col.subjects", lang): raters["subjects"],
            t("fair.col.mean", lang): raters["mean"].round(2),
            t("fair.col.others", lang): raters["others"].round(2),
            t("fair.col.offset", lang): raters["offset"].round(2),
            t("fair.col.ci", lang): [
                f"{lo:+.2f} … {hi:+.2f}" for lo, hi in zip(raters["low"], raters["high"], strict=True)
            ],
        }
    ),
    hide_index=True,
    width="stretch",
)
