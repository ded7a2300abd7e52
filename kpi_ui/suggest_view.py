"""The "Suggested targets from history" panel of the scorecard design page
(issue 17, item 4): pick a KPI of the unit's scorecard, see each month's
suggested target with its range, the reasoning and a chart of history with
the range as a band, and accept it.

The arithmetic is in :mod:`kpi_core.suggest`; accepting goes through
:func:`kpi_core.suggest.accept`, i.e. the design page's own save (audited as
the signed-in account, or a change request when the year is locked).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi_core import access, approvals, suggest
from kpi_core.i18n import t
from kpi_core.store import StoreError
from kpi_ui import data, figures, session
from kpi_ui import design as ui
from kpi_ui.text import plain

MESSAGE_KEY = "suggest_message"


@st.cache_data(show_spinner=False, max_entries=64)
def _suggestion(path: str, unit_id: str, kpi_id: str, year: int, role: str, scope_unit: str | None):
    store = data.store()
    scope = data.scope_of(role, scope_unit)
    found = suggest.suggest(store, unit_id, kpi_id, year, scope=scope, org=data.org())
    return found, suggest.year_so_far(store, unit_id, kpi_id, year, scope=scope)


def suggestion(unit_id: str, kpi_id: str, year: int) -> tuple[suggest.Suggestion, pd.DataFrame]:
    """The suggestion and the year's stored targets and actuals, in the reader's scope (cached)."""
    return _suggestion(data.db_path(), unit_id, kpi_id, year, *session.scope_key())


def panel(unit_id: str, year: int, kpi_ids: list[str], *, unsaved: bool, lang: str) -> None:
    """The panel for ``unit_id``'s ``year``; ``kpi_ids`` are the KPIs of its
    stored scorecard; ``unsaved`` says the design table above holds edits not
    yet saved (accepting would discard them, so it waits)."""
    org = data.org()
    kpis = data.kpis().set_index("kpi_id")
    names = {k: ui.kpi_name(kpis.loc[k].to_dict() | {"kpi_id": k}, lang) for k in kpi_ids if k in kpis.index}
    st.subheader(t("suggest.title", lang))
    st.caption(t("suggest.caption", lang, unit=plain(org.name(unit_id, lang)), year=year))
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    if not kpi_ids:
        st.info(t("suggest.no_kpis", lang))
        return
    kpi_id = st.selectbox(
        t("suggest.kpi", lang),
        kpi_ids,
        format_func=lambda k: f"{names.get(k, k)} · {k}",
        key=f"suggest_kpi_{unit_id}_{year}",
    )
    found, so_far = suggestion(unit_id, kpi_id, year)
    if not found.ok:
        st.info(plain(found.reasoning(lang)[0]), icon=":material/info:")
        return
    kpi = kpis.loc[kpi_id]
    measure = kpi.get("unit") if isinstance(kpi.get("unit"), str) else ""
    fig = figures.suggestion_band(
        found.history, found.months, so_far, names.get(kpi_id, kpi_id), year, lang, unit=measure
    )
    st.plotly_chart(fig, width="stretch", theme=None, key=f"suggest_chart_{unit_id}_{kpi_id}_{year}")
    include = st.checkbox(t("suggest.include_measured", lang), key="suggest_include_measured")
    measured = so_far.loc[so_far["actual"].notna(), "period"]
    writes = suggest.months_to_write(found, measured, include_measured=include)
    _table(found, so_far, writes, lang)
    with st.expander(t("suggest.reasoning", lang), expanded=True):
        st.markdown("\n".join(f"- {plain(line)}" for line in found.reasoning(lang)))
    _accept(found, writes, unsaved=unsaved, include=include, lang=lang)


def _table(found: suggest.Suggestion, so_far: pd.DataFrame, writes: list[str], lang: str) -> None:
    m = found.months
    current = so_far.set_index("period")
    figures_ = found.year_figures
    year_row = t("suggest.year_row", lang)
    frame = pd.DataFrame(
        {
            t("suggest.col.month", lang): [*m["period"], year_row],
            t("suggest.col.low", lang): [*m["low"], figures_["low"]],
            t("suggest.col.point", lang): [*m["point"], figures_["point"]],
            t("suggest.col.high", lang): [*m["high"], figures_["high"]],
            t("suggest.col.last_year", lang): [*m["last_year"], figures_["last_year"]],
            t("suggest.col.current", lang): [*(current["target"].get(p) for p in m["period"]), None],
            t("suggest.col.actual", lang): [*(current["actual"].get(p) for p in m["period"]), None],
            t("suggest.col.written", lang): [*("✓" if p in writes else "" for p in m["period"]), ""],
        }
    )
    numeric = [t(f"suggest.col.{c}", lang) for c in ("low", "point", "high", "last_year", "current", "actual")]
    for c in numeric:  # as text: "–" for none (a number column would show "None")
        frame[c] = [suggest.figure(v) for v in pd.to_numeric(frame[c], errors="coerce")]
    config = {c: st.column_config.TextColumn(c, alignment="right") for c in numeric}
    # every row in sight: twelve months and the year (no scrolling inside the table)
    height = 35 * (len(frame) + 1) + 3
    st.dataframe(frame, hide_index=True, width="stretch", height=height, column_config=config)


def _accept(found: suggest.Suggestion, writes: list[str], *, unsaved: bool, include: bool, lang: str) -> None:
    unit_id, year = found.unit_id, found.year
    if not session.allowed("edit_design", unit_id):
        st.caption(t("suggest.read_only", lang))
        return
    store = data.store()
    lock = approvals.lock_of(store, [year])
    if lock is not None:
        ui.locked_banner(lock, lang)
    if unsaved:
        st.warning(t("suggest.accept_unsaved", lang), icon=":material/warning:")
    elif not writes:
        st.caption(t("suggest.accept_none", lang, year=year))
    else:
        st.caption(t("suggest.accept_months", lang, n=len(writes), first=writes[0], last=writes[-1]))
    reason_key = f"suggest_reason_{lang}"
    if reason_key not in st.session_state:
        st.session_state[reason_key] = t("suggest.default_reason", lang)
    reason = st.text_input(t("suggest.reason_label", lang), key=reason_key)
    label = t("suggest.accept_locked" if lock is not None else "suggest.accept", lang)
    if not st.button(label, key="suggest_accept", disabled=unsaved or not writes or not reason.strip()):
        return
    try:
        done = suggest.accept(
            store,
            found,
            by=session.who(),
            reason=reason,
            viewer=session.viewer(),
            scope=session.scope(),
            include_measured=include,
        )
    except (StoreError, access.AccessError, suggest.SuggestError) as exc:
        ui.refused(exc, lang)
        return
    if done.problems:
        ui.show_problems(list(done.problems), lang, rows=False)
        return
    ui.saved(MESSAGE_KEY, _done_text(found, done, lang))
    st.session_state["design_editor_version"] = st.session_state.get("design_editor_version", 0) + 1
    st.rerun()


def _done_text(found: suggest.Suggestion, done: suggest.Accepted, lang: str) -> str:
    if not done.submitted.applied:
        return t("suggest.requested", lang, year=found.year, request=done.submitted.request_id)
    if not done.submitted.written:
        return t("suggest.accepted_nothing", lang)
    org = data.org()
    kpi = data.kpis().set_index("kpi_id").loc[found.kpi_id]
    return t(
        "suggest.accepted",
        lang,
        n=done.submitted.written,
        kpi=plain(ui.kpi_name(kpi.to_dict() | {"kpi_id": found.kpi_id}, lang)),
        unit=plain(org.name(found.unit_id, lang)),
        first=done.months[0],
        last=done.months[-1],
        who=plain(session.who()),
    )
