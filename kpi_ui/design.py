"""Streamlit helpers shared by the KPI dictionary and scorecard design pages:
labels, warnings, problems, the change log and the weight-method panels.

The arithmetic is in :mod:`kpi_core.design`; these functions only draw it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from kpi_core import access, design
from kpi_core.i18n import error_text, has, reason, t
from kpi_core.ingest import Problem
from kpi_core.weights import DesignWarning
from kpi_ui import data
from kpi_ui.text import plain

FLAG = "⚠"


def kpi_name(row: Mapping | pd.Series, lang: str) -> str:
    zh = row.get("name_zh")
    if lang == "zh" and isinstance(zh, str) and zh:
        return zh
    return str(row.get("name") or row.get("kpi_id"))


def kpi_names(kpis: pd.DataFrame, lang: str) -> dict[str, str]:
    return {r["kpi_id"]: kpi_name(r, lang) for _, r in kpis.iterrows()}


def failing() -> frozenset[str]:
    """KPIs failing the validity test: every page flags the same set, read
    once per change (:func:`saved` clears it with the other caches)."""
    return data.failing_kpis()


def flagged(name: str, kpi_id: str, failing_ids: set[str]) -> str:
    return f"{FLAG} {name}" if kpi_id in failing_ids else name


def show_warnings(warnings: Sequence[DesignWarning], lang: str, names: Mapping[str, str]) -> None:
    if not warnings:
        st.success(t("design.checks_ok", lang), icon=":material/check_circle:")
        return
    for w in warnings:
        st.warning(plain(design.warning_text(w, lang, names)), icon=":material/warning:")


def show_problems(problems: Sequence[Problem], lang: str, *, rows: bool = True) -> None:
    """Validation problems of an edit; ``rows`` numbers them as the edited
    table shows its rows (the validator counts a header row first)."""
    for p in problems:
        if rows and p.row is not None:
            where = t("design.problem_where", lang, row=p.row - 1, column=p.column)
        else:
            where = t(f"dict.f_{p.column}", lang) if has(f"dict.f_{p.column}") else p.column
        text = f"{where}: {reason(p.reason, lang)}" + (f" ({p.value!r})" if p.value else "")
        st.error(plain(text), icon=":material/error:")


def change_log(frame: pd.DataFrame, lang: str, kpi_names_: Mapping[str, str]) -> None:
    """The change log in words: units and KPIs by name, fields and values translated."""
    if frame.empty:
        st.caption(t("design.log_empty", lang))
        return
    units = data.org().names(lang).to_dict()
    labels = {
        "when": t("design.log_when", lang),
        "who": t("design.log_who", lang),
        "what": t("design.log_what", lang),
        "item": t("design.log_key", lang),
        "field": t("design.log_field", lang),
        "old": t("design.log_old", lang),
        "new": t("design.log_new", lang),
        "reason": t("design.log_reason", lang),
    }
    shown = design.change_log_view(frame, lang, units, kpi_names_).rename(columns=labels)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={labels["when"]: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )


def saved(message_key: str, message: object = True) -> None:
    """After a write: forget cached figures so every page shows the new ones,
    and keep a message for the next run."""
    data.clear_caches()
    st.session_state[message_key] = message


# --------------------------------------------------------------------------- weight methods


def method_table(table: pd.DataFrame, lang: str, names: Mapping[str, str]) -> None:
    """An intermediate table of a weight method, with translated headers."""
    shown = table.copy()
    if "share" in shown:
        shown["share"] = shown["share"].round(4)
    # the computed columns by their names (score, share, weight ...); a panel
    # member's column (m1, m2 ...) keeps its short name
    shown = shown.rename(columns=lambda c: t(f"design.col_{c}", lang) if has(f"design.col_{c}") else c)
    shown.insert(0, t("col.kpi", lang), [names.get(k, k) for k in table.index])
    st.dataframe(shown, hide_index=True, width="stretch")


def apply_button(method: str, weights_pct: Mapping[str, float], lang: str) -> None:
    """A button that puts a method's weights into the design table."""
    if st.button(t("design.apply", lang), key=f"design_apply_{method}"):
        st.session_state["design_override"] = dict(weights_pct)
        st.session_state["design_editor_version"] = st.session_state.get("design_editor_version", 0) + 1
        st.rerun()


def ranking_panel(kpi_ids: list[str], names: Mapping[str, str], lang: str) -> None:
    st.caption(t("design.ranking_help", lang))
    cols = st.columns(min(len(kpi_ids), 4) or 1)
    scores = {}
    for n, k in enumerate(kpi_ids):
        with cols[n % len(cols)]:
            scores[k] = st.number_input(
                plain(names.get(k, k)), min_value=0.0, value=1.0, step=1.0, key=f"design_rank_{k}"
            )
    try:
        table = design.ranking_table(scores)
    except ValueError as exc:
        st.error(plain(str(exc)))
        return
    method_table(table, lang, names)
    st.caption(t("design.ranking_formula", lang, total=f"{sum(scores.values()):g}"))
    apply_button("ranking", table["weight"].to_dict(), lang)


def three_dimension_panel(kpi_ids: list[str], names: Mapping[str, str], lang: str) -> None:
    st.caption(t("design.three_help", lang))
    scores = {}
    for k in kpi_ids:
        cols = st.columns([2, 1, 1, 1])
        cols[0].markdown(f"**{plain(names.get(k, k))}**")
        dims = []
        for col, dim in zip(cols[1:], ("achievability", "importance", "urgency"), strict=True):
            dims.append(
                col.number_input(
                    t(f"design.col_{dim}", lang), min_value=1, max_value=5, value=3, step=1, key=f"design_3d_{dim}_{k}"
                )
            )
        scores[k] = tuple(dims)
    table = design.three_dimension_table(scores)
    method_table(table, lang, names)
    st.caption(t("design.three_formula", lang, total=f"{table['product'].sum():g}"))
    apply_button("three", table["weight"].to_dict(), lang)


def pairwise_panel(kpi_ids: list[str], names: Mapping[str, str], lang: str) -> None:
    st.caption(t("design.pairwise_help", lang))
    if len(kpi_ids) < 2:
        st.info(t("design.pairwise_need_two", lang))
        return
    members = int(
        st.number_input(t("design.members", lang), min_value=1, max_value=12, value=3, key="design_pw_members")
    )
    matrices = []
    tabs = st.tabs([t("design.member", lang, n=m) for m in range(1, members + 1)])
    for m, tab in enumerate(tabs, start=1):
        with tab:
            matrices.append(_member_matrix(m, kpi_ids, names, lang))
    table = design.pairwise_table(matrices)
    method_table(table, lang, names)
    st.caption(t("design.pairwise_formula", lang, total=f"{table['total'].sum():g}"))
    apply_button("pairwise", table["weight"].to_dict(), lang)


def _member_matrix(member: int, kpi_ids: list[str], names: Mapping[str, str], lang: str) -> pd.DataFrame:
    m = design.empty_matrix(kpi_ids)
    for i, a in enumerate(kpi_ids):
        for j in range(i + 1, len(kpi_ids)):
            b = kpi_ids[j]
            label = t("design.pair", lang, a=plain(names.get(a, a)), b=plain(names.get(b, b)))
            m.iat[i, j] = st.number_input(
                label, min_value=0, max_value=4, value=2, step=1, key=f"design_pw_{member}_{a}_{b}"
            )
    full = design.mirrored(m)
    shown = full.rename(index=names, columns=names)
    st.dataframe(shown, width="stretch")
    return full


def locked_banner(lock: Mapping, lang: str) -> None:
    """The year's baseline is locked: a save becomes a request for approval."""
    on = f"{lock['locked_at']:%Y-%m-%d}"
    text = t("approvals.locked_banner", lang, year=int(lock["year"]), by=plain(str(lock["locked_by"])), on=on)
    st.info(text, icon=":material/lock:")


def scoped_log(log: pd.DataFrame, requests: pd.DataFrame, scope: access.Scope) -> pd.DataFrame:
    """A change log with the log of its requests merged in, newest first,
    without the assignments and targets of units outside ``scope`` (a KPI's
    log lists every unit that carries it)."""
    frames = [f for f in (log, requests) if not f.empty]
    if not frames:
        return log
    merged = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    unit = merged["entity_id"].astype(str).str.split("|").str[0]
    valued = merged["entity"].isin(["assignment", "target"])
    kept = merged[~valued | unit.map(scope.allows)]
    return kept.sort_values("changed_at", ascending=False, kind="stable").reset_index(drop=True)


def validity_answers(stored: pd.DataFrame, lang: str) -> None:
    """A KPI's validity answers, read only (indexed by question)."""
    if stored.empty:
        st.caption(t("dict.v_untested", lang))
        return
    questions = [q for q in design.VALIDITY_QUESTIONS if q in stored.index]
    st.dataframe(
        pd.DataFrame(
            {
                t("dict.field", lang): [t(f"dict.q_{q}", lang) for q in questions],
                t("dict.value", lang): [
                    t("dict.pass" if stored.at[q, "passed"] else "dict.fail", lang) for q in questions
                ],
                t("dict.note", lang): [
                    "" if pd.isna(stored.at[q, "note"]) else str(stored.at[q, "note"]) for q in questions
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def refused(exc: Exception, lang: str) -> None:
    """A write the store refused (a closed month, a write race): its reason in
    the reader's language; nothing was saved."""
    st.error(plain(error_text(exc, lang)), icon=":material/block:")
