"""The task view of the KPI detail page (GS, 目标任务, issue 14): a
goal-setting task at its unit, its objective, acceptance criteria and
deadline, its assessments over the year, and a manager's assessment form.

The figures (points, status, the latest result) are the scorecard row's: the
one engine scored them. The assessment is written by
:func:`kpi_core.tasks_ops.assess` (rule ``assess_tasks``, checked there as
well as here), an audited one-row upload; the stored scores follow.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import streamlit as st

from kpi_core import access, okr, tasks_ops
from kpi_core.i18n import error_text, has, reason, t
from kpi_core.model import OKR_MODE
from kpi_core.org import Org
from kpi_core.store import StoreError
from kpi_ui import data, session
from kpi_ui import state as vs
from kpi_ui.scorecard_view import name_of
from kpi_ui.text import html_text, plain
from kpi_ui.theme import badge, number

SCORECARD_PAGE = "pages/1_scorecard.py"
FLASH_KEY = "task_flash"
"""Session key: the outcome of the last assessment, shown by the next run."""
CONTEXT_KEY = "task_form_context"
MONTH_KEY, RESULT_KEY, EVENTS_KEY, COMMENT_KEY = "task_month", "task_result", "task_events", "task_comment"
SAVE_KEY = "task_assess_save"


OKR_PAGE = "pages/11_okr.py"


def result_word(result: object, lang: str) -> str:
    """A result in words ("good" / "良好"); an events list as written."""
    if not isinstance(result, str) or not result.strip():
        return "–"
    key = f"task.result.{result.strip().lower()}"
    return t(key, lang) if has(key) else result


def show(row: pd.Series, view: vs.ViewState, org: Org, *, current: bool = True) -> None:
    """The task of ``row`` (a scorecard row with role ``task``) at the view's
    unit. ``current`` False (an "as of" view): the figures are the moment's,
    and neither the assessments nor the form are shown."""
    lang = view.lang
    year = int(view.period[:4])
    task = tasks_ops.task_of(data.store(), str(row["kpi_id"]), year)
    _header(row, view, org, task)
    if task is None:  # the row came from an older moment: nothing more is known of it now
        return
    _about(task, lang)
    if not current:
        st.caption(t("task.view.as_of", lang))
        return
    if task["mode"] == OKR_MODE:  # scored from the unit's OKRs: no assessment, no form
        _okr_quarters(task, view)
        return
    found = tasks_ops.assessments(data.store(), task)
    _assessments(found, year, lang)
    _form(task, found, view)


def _okr_quarters(task: dict, view: vs.ViewState) -> None:
    """The unit's OKR score of each quarter of the task's year: what the task
    earns its weight by, month by month (issue 18)."""
    lang = view.lang
    year = int(task["year"])
    st.subheader(t("task.view.okr_quarters", lang, year=year))
    history = okr.quarter_history(data.store(), str(task["unit_id"]))
    history = history[history["quarter"].astype(str).str.startswith(f"{year}Q")].sort_values("quarter")
    if history.empty:
        st.caption(t("task.view.okr_none", lang, year=year))
    else:
        weight = float(task["weight"])
        table = pd.DataFrame(
            {
                t("okr.col.quarter", lang): history["quarter"],
                t("okr.col.objectives", lang): history["objectives"].astype(int),
                t("okr.col.mean", lang): [f"{v:.0%}" if pd.notna(v) else "–" for v in history["score"]],
                t("col.points", lang): [number(v * weight, 2) if pd.notna(v) else "–" for v in history["score"]],
            }
        )
        st.dataframe(table, hide_index=True, key="task_okr_quarters")
    st.page_link(
        OKR_PAGE,
        label=t("task.view.okr_link", lang),
        icon=":material/flag:",
        query_params={"unit": str(task["unit_id"]), "lang": lang},
    )


def _header(row: pd.Series, view: vs.ViewState, org: Org, task: dict | None) -> None:
    lang = view.lang
    st.page_link(
        SCORECARD_PAGE,
        label=t("kd.back", lang, unit=plain(org.name(view.unit, lang))),
        icon=":material/arrow_back:",
        query_params=view.params(kpi=None),
    )
    st.title(f"◆ {plain(name_of(row, lang))} · {plain(org.name(view.unit, lang))}")
    st.caption(
        t(
            "task.view.caption",
            lang,
            perspective=t(f"perspective.{row['perspective']}", lang),
            period=view.period,
            view=t(f"view.{view.view}", lang),
        )
    )
    cols = st.columns(4)
    cols[0].markdown(f"{html_text(t('col.status', lang))}<br>{badge(row['status'], lang)}", unsafe_allow_html=True)
    latest = row.get("result")
    if task is not None and task["mode"] == OKR_MODE:  # the OKR score the month carries
        share = row.get("completion")
        cols[1].metric(t("okr.quarter_score", lang), f"{share:.0%}" if pd.notna(share) else t("task.none", lang))
    else:
        cols[1].metric(
            t("task.view.latest", lang), result_word(latest, lang) if isinstance(latest, str) else t("task.none", lang)
        )
    cols[2].metric(t("col.points", lang), f"{number(row['points'], 2)} / {row['weight']:g}")
    mode = task["mode"] if task is not None else None
    cols[3].metric(t("task.view.mode", lang), t(f"task.mode.{mode}", lang) if mode else "–")
    comment = row.get("comment")
    if isinstance(comment, str) and comment and mode != OKR_MODE:  # an OKR task's "comment" is its score
        st.markdown(f"> {plain(comment)}")
    carried = row.get("as_of")
    if isinstance(carried, str):
        st.caption(t("task.view.carried_from", lang, month=carried))


def _text(task: dict, field: str, lang: str) -> str | None:
    own = task.get(f"{field}_zh") if lang == "zh" else None
    value = own if isinstance(own, str) and own.strip() else task.get(field)
    return value if isinstance(value, str) and value.strip() else None


def _about(task: dict, lang: str) -> None:
    st.subheader(t("task.view.about", lang))
    mode = task["mode"]
    weight = float(task["weight"])
    fields = [
        (t("col.perspective", lang), t(f"perspective.{task['perspective']}", lang)),
        (t("col.weight", lang), f"{weight:g}"),
        (t("task.view.mode", lang), t(f"task.mode.{mode}", lang)),
        (t("task.view.rule", lang), t(f"task.view.rule.{mode}", lang)),
    ]
    if mode == "events":
        cap = task.get("cap")
        cap = 1.2 if cap is None or (isinstance(cap, float) and math.isnan(cap)) else float(cap)
        fields.append(
            (t("task.view.cap", lang), t("task.view.cap_value", lang, cap=f"{cap:g}", points=f"{cap * weight:g}"))
        )
    fields += [
        (t("task.view.objective", lang), _text(task, "objective", lang)),
        (t("task.view.acceptance", lang), _text(task, "acceptance", lang)),
        (t("task.view.deadline", lang), _deadline(task.get("deadline"))),
    ]
    table = pd.DataFrame(  # st.table renders its cells as Markdown: the values are data
        {" ": [label for label, _ in fields], "  ": [plain(v) if v else "–" for _, v in fields]}
    )
    st.table(table.set_index(" "), hide_header=True)


def _deadline(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


def _assessments(found: pd.DataFrame, year: int, lang: str) -> None:
    st.subheader(t("task.view.assessments", lang, year=year))
    if found.empty:
        st.caption(t("task.view.no_assessments", lang, year=year))
        return
    table = pd.DataFrame(
        {
            t("task.col.month", lang): found["period"],
            t("task.col.result", lang): [result_word(r, lang) for r in found["result"]],
            t("task.col.comment", lang): [c if isinstance(c, str) else "" for c in found["comment"]],
            t("col.points", lang): [number(p, 2) for p in found["points"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="task_assessments_table")
    st.caption(t("task.view.carried", lang))


# --------------------------------------------------------------------------- the assessment form


def _months(year: int, today: date) -> list[str]:
    """The months of ``year`` that can be assessed: none in the future."""
    this = today.strftime("%Y-%m")
    return [m for m in (f"{year}-{n:02d}" for n in range(1, 13)) if m <= this]


def _form(task: dict, found: pd.DataFrame, view: vs.ViewState) -> None:
    lang = view.lang
    _flash(lang)
    if not session.allowed(tasks_ops.ACTION, str(task["unit_id"])):
        st.caption(t("task.form.read_only", lang))
        return
    year = int(task["year"])
    months = _months(year, date.today())
    st.subheader(t("task.form.title", lang))
    if not months:
        st.caption(t("task.form.no_month", lang, year=year))
        return
    context = (task["task_id"], year, view.period)
    if st.session_state.get(CONTEXT_KEY) != context:  # another task or month: the form starts afresh
        st.session_state[CONTEXT_KEY] = context
        st.session_state[MONTH_KEY] = view.period if view.period in months else months[-1]
        for key in (RESULT_KEY, EVENTS_KEY, COMMENT_KEY):
            st.session_state.pop(key, None)
    month = st.selectbox(t("task.form.month", lang), months, key=MONTH_KEY)
    choices = tasks_ops.choices(task["mode"])
    if choices:
        st.radio(
            t("task.form.result", lang),
            choices,
            format_func=lambda r: result_word(r, lang),
            key=RESULT_KEY,
            horizontal=True,
        )
    else:
        st.text_input(
            t("task.form.events", lang),
            key=EVENTS_KEY,
            placeholder="+3;-2;+1",
            max_chars=200,
            help=t("task.form.events_help", lang),
        )
    st.text_input(t("task.form.comment", lang), key=COMMENT_KEY, max_chars=tasks_ops.MAX_COMMENT)
    earlier = found[found["period"] == month]
    if not earlier.empty:
        st.caption(
            t("task.form.replaces", lang, month=month, result=plain(result_word(earlier["result"].iloc[0], lang)))
        )
    st.button(
        t("task.form.submit", lang),
        type="primary",
        key=SAVE_KEY,
        on_click=_save,
        args=(str(task["task_id"]), year, bool(choices), lang),
    )


def _save(task_id: str, year: int, chosen: bool, lang: str) -> None:
    """The button's callback: assess with what the form holds; the outcome is shown by the next run."""
    month = st.session_state.get(MONTH_KEY) or ""
    result = st.session_state.get(RESULT_KEY if chosen else EVENTS_KEY) or ""
    comment = st.session_state.get(COMMENT_KEY) or ""
    try:
        outcome = tasks_ops.assess(
            data.store(),
            viewer=session.viewer(),
            scope=session.scope(),
            task_id=task_id,
            year=year,
            period=month,
            result=str(result),
            comment=str(comment),
            by=session.who(),
        )
    except access.AccessError as exc:
        st.session_state[FLASH_KEY] = ("error", [t(exc.key, lang, **exc.params)])
        return
    except StoreError as exc:  # a closed month, a write race: nothing was stored
        st.session_state[FLASH_KEY] = ("error", [error_text(exc, lang)])
        return
    if not outcome.ok:
        lines = [
            f"{p.column}: {reason(p.reason, lang)}" if p.column else reason(p.reason, lang)
            for p in outcome.validated.errors
        ]
        st.session_state[FLASH_KEY] = ("refused", lines)
        return
    data.clear_caches()  # the scores followed the write: the pages show them at once
    batch = outcome.batch
    if batch is not None and batch.rows_added + batch.rows_changed == 0:
        st.session_state[FLASH_KEY] = ("info", [t("task.form.unchanged", lang, month=month)])
    else:
        st.session_state[FLASH_KEY] = (
            "success",
            [t("task.form.saved", lang, month=month, result=result_word(result, lang))],
        )
    for key in (RESULT_KEY, EVENTS_KEY, COMMENT_KEY):
        st.session_state.pop(key, None)


def _flash(lang: str) -> None:
    found = st.session_state.pop(FLASH_KEY, None)
    if not found:
        return
    kind, lines = found
    text = "\n".join(f"- {plain(line)}" for line in lines) if len(lines) > 1 else plain(lines[0])
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "info":
        st.info(text, icon=":material/info:")
    elif kind == "refused":
        st.error(f"{t('task.form.refused', lang)}\n\n{text}", icon=":material/block:")
    else:
        st.error(text, icon=":material/block:")
