"""The fairness check of ratings (issue 18, item 4): for HR (admins) only.

The page is listed for admins alone and refuses anyone else before anything
is read; kpi_core.review360.fairness_ratings checks ``see_fairness`` again
where the ratings are read. Two sections: 360 ratings (offsets against the
other raters of the same person) and graded task assessments (one assessor
per task and month: the assessor's raw grades of one group against the
others, kpi_core.fairness.grade_checks)."""

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

org = data.org()
ratings, attributes = review360.fairness_ratings(data.store(), session.viewer())


def name(rater: str) -> str:
    return org.name(rater, lang) if rater in org else rater


def ratings_360() -> None:
    st.caption(t("fair.intro", lang))
    if ratings.empty:
        st.info(t("fair.none", lang))
        return
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
    for _, f in checks[checks["flagged"]].iterrows():
        st.warning(
            t(
                "fairtasks.flag",
                lang,
                rater=name(str(f["rater"])),
                attribute=f["attribute"],
                value=f["value"],
                gap=abs(f["diff"]),
                direction=t("fair.lower" if f["diff"] < 0 else "fair.higher", lang),
                mean_a=f["mean_a"],
                mean_b=f["mean_b"],
                low=f["low"],
                high=f["high"],
                d=f["d"],
                p=f["p"],
                n_a=int(f["n_a"]),
                n_b=int(f["n_b"]),
                others=others(f["others_diff"], int(f["others_n"])),
            ),
            icon=":material/visibility:",
        )
    if not checks.empty:
        st.subheader(t("fairtasks.groups", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("fairtasks.col.assessor", lang): [name(str(r)) for r in checks["rater"]],
                    t("fair.col.attribute", lang): checks["attribute"],
                    t("fair.col.value", lang): checks["value"],
                    t("fairtasks.col.n", lang): [
                        f"{a} / {b}" for a, b in zip(checks["n_a"], checks["n_b"], strict=True)
                    ],
                    t("fairtasks.col.subjects", lang): [
                        f"{a} / {b}" for a, b in zip(checks["subjects_a"], checks["subjects_b"], strict=True)
                    ],
                    t("fairtasks.col.means", lang): [
                        f"{a:.2f} / {b:.2f}" for a, b in zip(checks["mean_a"], checks["mean_b"], strict=True)
                    ],
                    t("fair.col.diff", lang): checks["diff"].round(2),
                    t("fair.col.ci", lang): [
                        f"{lo:+.2f} … {hi:+.2f}" for lo, hi in zip(checks["low"], checks["high"], strict=True)
                    ],
                    "d": checks["d"].round(2),
                    "p": checks["p"].round(4),
                    t("fairtasks.col.others", lang): ["" if pd.isna(x) else f"{x:+.2f}" for x in checks["others_diff"]],
                    t("fair.col.flag", lang): [t("fair.yes", lang) if f else "" for f in checks["flagged"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    st.subheader(t("fairtasks.assessors", lang))
    summary = fairness.assessor_summary(grades)
    st.dataframe(
        pd.DataFrame(
            {
                t("fairtasks.col.assessor", lang): [name(str(r)) for r in summary["rater"]],
                t("fairtasks.col.n", lang): summary["n"],
                t("fairtasks.col.subjects", lang): summary["subjects"],
                t("fairtasks.col.mean", lang): summary["mean"].round(2),
                t("fair.col.ci", lang): [
                    "" if pd.isna(lo) else f"{lo:.2f} … {hi:.2f}"
                    for lo, hi in zip(summary["low"], summary["high"], strict=True)
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def others(diff: float, n: int) -> str:
    """The other assessors' difference between the same groups, for the flag's sentence."""
    return t("fairtasks.others_none", lang) if pd.isna(diff) else t("fairtasks.others", lang, diff=diff, n=n)


st.header(t("fairtasks.header_360", lang))
ratings_360()
st.divider()
st.header(t("fairtasks.header", lang))
task_grades()
