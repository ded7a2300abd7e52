"""KPI dictionary: browse and search every KPI in both languages, see where it
is used, edit or add one (with the impact on past scores shown before saving),
record its validity test, and read its change log.

Everybody reads the dictionary; only an account that may edit it sees the
edit and validity forms, and the change is recorded as that account. A rule
change of a KPI assigned in a locked year is sent for approval instead.
"""

import pandas as pd
import streamlit as st

from kpi_core import access, approvals, design
from kpi_core.i18n import t
from kpi_core.model import ACCUMULATIONS, DIRECTIONS, FILE_SPECS, FREQUENCIES, PERSPECTIVES
from kpi_core.store import StoreError
from kpi_ui import data, session, shell
from kpi_ui import design as ui
from kpi_ui import state as vs
from kpi_ui.text import plain
from kpi_ui.theme import measure

NEW = "__new__"
TEXT_FIELDS = (
    "name",
    "name_zh",
    "unit",
    "definition",
    "definition_zh",
    "caliber",
    "caliber_zh",
    "data_source",
    "data_source_zh",
    "owner",
)
NUMBER_FIELDS = FILE_SPECS["kpis"].numeric
CHOICES = {
    "perspective": PERSPECTIVES,
    "direction": DIRECTIONS,
    "accumulation": ACCUMULATIONS,
    "indicator_type": ("", "leading", "lagging"),
    "frequency": ("", *FREQUENCIES),  # empty: monthly
}

shell.ensure_navigation()


def _validity(kpi_id: str) -> str:
    """The validity column: failed, passed, partly answered or not tested, in words."""
    state = "failed" if kpi_id in failing else design.validity_state(answers, kpi_id)
    if state == "partial":
        return t("dict.v_partial", lang, n=len(set(answers.loc[answers["kpi_id"] == kpi_id, "question"])))
    return t("dict.failed" if state == "failed" else f"dict.v_{state}", lang)


def _shown_value(column: str, value: object) -> str:
    """A dictionary field as the details table shows it: words of the
    vocabulary translated, the owner by its unit's name, "–" for none."""
    if value is None or value == "":
        return "–"
    if column in ("perspective", "direction", "accumulation"):
        return t(f"{column}.{value}", lang)
    if column == "indicator_type":
        return t(f"dict.type_{value}", lang) if f"dict.type_{value}" in TYPE_KEYS else str(value)
    if column == "frequency":
        key = f"dict.freq_{value}"
        return t(key, lang) if key in FREQ_KEYS else str(value)
    if column == "owner":
        org = data.org()
        return f"{org.name(value, lang)} ({value})" if value in org.units.index else str(value)
    return str(value)


TYPE_KEYS = {"dict.type_leading", "dict.type_lagging"}
FREQ_KEYS = {"dict.freq_month", "dict.freq_quarter", "dict.freq_half", "dict.freq_year"}

view = vs.current()
lang = view.lang
store = data.store()
kpis = data.kpis().reset_index(drop=True)
usage = store.assignments()
failing = ui.failing()
names = ui.kpi_names(kpis, lang)

st.title(t("page.dictionary", lang))
saved_message = st.session_state.pop("dict_saved", False)
if saved_message:
    st.success(
        saved_message if isinstance(saved_message, str) else t("dict.saved", lang), icon=":material/check_circle:"
    )
may_edit = session.allowed("edit_dictionary")
scope = session.scope()
if st.session_state.pop("dict_clear_form", False):
    st.session_state["dict_reason"] = ""  # a saved change's reason is not offered again for the next one
answers = store.validity_answers()

query = st.text_input(t("dict.search", lang), key="dict_search", placeholder=t("dict.search_hint", lang))
found = design.perspective_order(design.search_kpis(kpis, query))
counts = usage.groupby("kpi_id")["unit_id"].nunique()
overview = pd.DataFrame(
    {
        t("col.kpi", lang): found["kpi_id"],
        t("col.name", lang): [ui.flagged(ui.kpi_name(r, lang), r["kpi_id"], failing) for _, r in found.iterrows()],
        t("col.perspective", lang): [t(f"perspective.{p}", lang) for p in found["perspective"]],
        t("col.direction", lang): [t(f"direction.{d}", lang) for d in found["direction"]],
        t("col.accumulation", lang): [t(f"accumulation.{a}", lang) for a in found["accumulation"]],
        t("col.measure", lang): [measure(u, lang) for u in found["unit"]],
        t("dict.used_by", lang): [int(counts.get(k, 0)) for k in found["kpi_id"]],
        t("dict.validity", lang): [_validity(k) for k in found["kpi_id"]],
    }
)
st.caption(t("dict.found", lang, n=len(found), total=len(kpis)))
st.dataframe(overview, hide_index=True, width="stretch")
st.caption(t("dict.validity_legend", lang))

options = [*found["kpi_id"], NEW]
default = view.kpi if view.kpi in options else (options[0] if options else NEW)
chosen = st.selectbox(
    t("dict.pick", lang),
    options,
    index=options.index(default),
    format_func=lambda k: t("dict.new_kpi", lang) if k == NEW else ui.flagged(f"{names.get(k, k)} · {k}", k, failing),
    key="dict_kpi",
)
current = None if chosen == NEW else store.kpi(chosen)

tab_details, tab_edit, tab_validity, tab_log = st.tabs(
    [t("dict.tab_details", lang), t("dict.tab_edit", lang), t("dict.tab_validity", lang), t("dict.tab_log", lang)]
)

with tab_details:
    if current is None:
        st.info(t("dict.new_help", lang))
    else:
        if chosen in failing:
            st.error(t("design.validity_failed", lang, kpi_id=plain(names.get(chosen, chosen))), icon=":material/flag:")
        fields = [c for c in FILE_SPECS["kpis"].columns]
        values = [_shown_value(c, current.get(c)) for c in fields]
        st.dataframe(
            pd.DataFrame(
                {t("dict.field", lang): [t(f"dict.f_{c}", lang) for c in fields], t("dict.value", lang): values}
            ),
            hide_index=True,
            width="stretch",
        )
        # where it is used: the units this reader may see (a unit or person outside the scope is not named)
        used = design.kpi_usage(usage[(usage["kpi_id"] == chosen) & usage["unit_id"].map(scope.allows)])
        st.subheader(t("dict.where_used", lang))
        if used.empty:
            st.caption(t("dict.unused", lang))
        else:
            org = data.org()
            st.dataframe(
                pd.DataFrame(
                    {
                        t("col.unit", lang): [org.name(u, lang) for u in used["unit_id"]],
                        t("dict.year", lang): used["year"],
                        t("col.weight", lang): used["weight"],
                        t("col.role", lang): [t(f"role.{r}", lang) for r in used["role"]],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def _edit_form(kpi: dict | None) -> dict:
    """The edited KPI from the widgets (keys per KPI, so switching KPI starts afresh)."""
    prefix = f"dict_edit_{chosen}_"
    out: dict = {}
    if kpi is None:
        out["kpi_id"] = st.text_input(t("dict.f_kpi_id", lang), key=prefix + "kpi_id").strip()
    else:
        out["kpi_id"] = kpi["kpi_id"]
    kpi = kpi or {}
    left, right = st.columns(2)
    with left:
        for c in TEXT_FIELDS:
            out[c] = st.text_input(t(f"dict.f_{c}", lang), value=kpi.get(c) or "", key=prefix + c)
    with right:
        for c, allowed in CHOICES.items():
            value = kpi.get(c) or allowed[0]
            out[c] = st.selectbox(
                t(f"dict.f_{c}", lang),
                allowed,
                index=allowed.index(value) if value in allowed else 0,
                format_func=lambda v, c=c: _choice_label(c, v),
                key=prefix + c,
            )
        st.caption(t("dict.numbers_help", lang))
        for c in (*NUMBER_FIELDS, "tiers"):
            v = kpi.get(c)
            text = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
            out[c] = st.text_input(t(f"dict.f_{c}", lang), value=text, key=prefix + c)
        # a calculated KPI: checked like a file's formula (known ids, no cycle) when saved
        out["formula"] = st.text_input(
            t("dict.f_formula", lang),
            value=kpi.get("formula") or "",
            key=prefix + "formula",
            placeholder="GP / REV * 100",
            help=t("dict.formula_help", lang),
        )
    return out


def _choice_label(column: str, value: str) -> str:
    if value == "":
        return "–"
    if column == "indicator_type":
        return t(f"dict.type_{value}", lang)
    if column == "frequency":
        return t(f"dict.freq_{value}", lang)
    return t(f"{column}.{value}", lang)


def _logged_as() -> None:
    st.caption(t("approvals.recorded_as", lang, who=plain(session.who())))


def _save_kpi(edited: dict, reason: str) -> None:
    """Save (or, for a locked year's rule, send for approval) as the signed-in account."""
    try:
        errors, done = approvals.save_kpi(store, edited, by=session.who(), reason=reason, viewer=session.viewer())
    except (StoreError, access.AccessError) as exc:  # a closed month, a refusal: said plainly, nothing saved
        ui.refused(exc, lang)
        return
    if errors:
        ui.show_problems(errors, lang, rows=False)
        return
    message = True if done.applied else t("approvals.requested", lang, request=done.request_id)
    ui.saved("dict_saved", message)
    st.session_state["dict_clear_form"] = True
    st.rerun()


def _changes_table(changes: dict) -> None:
    st.markdown(f"**{t('dict.changes', lang)}**")
    st.dataframe(
        pd.DataFrame(
            {
                t("dict.field", lang): [t(f"dict.f_{c}", lang) for c in changes],
                t("design.log_old", lang): [str(o) if o is not None else "–" for o, _ in changes.values()],
                t("design.log_new", lang): [str(n) if n is not None else "–" for _, n in changes.values()],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _impact_table(typed: dict) -> None:
    st.markdown(f"**{t('dict.impact', lang)}**")
    impact = design.rule_change_impact(store, typed)
    if impact.empty:
        st.success(t("dict.impact_none", lang))
        return
    org = data.org()
    per_unit = design.impact_by_unit(impact)
    st.warning(t("dict.impact_units", lang, units=len(per_unit), months=len(impact)))
    st.dataframe(
        pd.DataFrame(
            {
                t("col.unit", lang): [org.name(u, lang) for u in impact["unit_id"]],
                t("col.period", lang): impact["period"],
                t("dict.old_total", lang): impact["old_total"].round(2),
                t("dict.new_total", lang): impact["new_total"].round(2),
                t("dict.delta", lang): impact["delta"].round(2),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _edit_tab() -> None:
    edited = _edit_form(current)
    validated = design.validate_kpi(edited, store)
    if not edited["kpi_id"]:
        st.info(t("dict.need_id", lang))
        return
    if current is None and edited["kpi_id"] in set(kpis["kpi_id"]):
        st.error(t("dict.id_taken", lang, kpi_id=plain(edited["kpi_id"])))
        return
    if not validated.ok:
        ui.show_problems(validated.errors, lang, rows=False)
        return
    typed = validated.frame.iloc[0].to_dict()
    changes = design.kpi_changes(current, typed)
    if not changes:
        st.caption(t("dict.no_changes", lang))
        return
    _changes_table(changes)
    if current is not None and design.rule_changed(changes):
        _impact_table(typed)
    lock = approvals.kpi_lock(store, current, typed)
    if lock is not None:
        ui.locked_banner(lock, lang)
    _logged_as()
    reason = st.text_input(t("design.reason", lang), key="dict_reason")
    if not reason.strip():
        st.caption(t("dict.reason_hint", lang))
    label = t("approvals.request_button" if lock is not None else "dict.save", lang)
    if st.button(label, key="dict_save", type="primary", disabled=not reason.strip()):
        if not reason.strip():  # a click that raced the reason box being emptied
            st.error(t("design.reason_needed", lang))
        else:
            _save_kpi(edited, reason)


def _validity_tab() -> None:
    if current is None:
        st.info(t("dict.validity_after_save", lang))
        return
    st.caption(t("dict.validity_help", lang))
    stored = store.validity_answers(chosen).set_index("question")
    if not may_edit:
        ui.validity_answers(stored, lang)
        return
    answers = {}
    for q in design.VALIDITY_QUESTIONS:
        left, right = st.columns([2, 3])
        prev = stored.loc[q] if q in stored.index else None
        with left:
            verdict = st.radio(
                t(f"dict.q_{q}", lang),
                ["pass", "fail"],
                index=None if prev is None else (0 if bool(prev["passed"]) else 1),
                format_func=lambda v: t(f"dict.{v}", lang),
                horizontal=True,
                key=f"dict_val_{chosen}_{q}",
            )
        with right:
            note = st.text_input(
                t("dict.note", lang),
                value="" if prev is None or pd.isna(prev["note"]) else prev["note"],
                key=f"dict_note_{chosen}_{q}",
            )
        if verdict is not None:
            answers[q] = (verdict == "pass", note)
    _logged_as()
    if st.button(t("dict.save_validity", lang), key="dict_val_save"):
        try:
            approvals.save_validity(store, chosen, answers, by=session.who(), viewer=session.viewer())
        except access.AccessError as exc:
            ui.refused(exc, lang)
            return
        ui.saved("dict_saved")
        st.rerun()


with tab_edit:
    if may_edit:
        _edit_tab()
    else:
        st.info(t("approvals.read_only", lang), icon=":material/visibility:")

with tab_validity:
    if current is not None and not may_edit:
        st.info(t("approvals.read_only", lang), icon=":material/visibility:")
    _validity_tab()

with tab_log:
    if current is not None:
        ui.change_log(
            ui.scoped_log(store.change_log(kpi_id=chosen), store.request_log(kpi_id=chosen), scope), lang, names
        )
    else:
        st.caption(t("design.log_empty", lang))
