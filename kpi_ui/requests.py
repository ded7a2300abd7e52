"""Streamlit helpers of the change requests page: the list of requests, one
request's changes (before -> after), the approve / reject form and the
admin's baseline locks. The rules are in :mod:`kpi_core.approvals`; this
module only draws and clicks."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from kpi_core import access, approvals
from kpi_core.i18n import error_text, t
from kpi_core.store import Store, StoreError
from kpi_ui import data, session
from kpi_ui.text import plain

log = logging.getLogger(__name__)
DONE_KEY = "requests_done"
FAILED_KEY = "requests_failed"
SHOW_KEY = "requests_show"
PICK_KEY = "requests_pick"
NOTE_KEY = "requests_note"
SHOWS = ("pending", "decided", "all")
MISSING = "–"


def show_messages() -> None:
    """What the last click did (kept across the rerun that redraws the list)."""
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/task_alt:")
    failed = st.session_state.pop(FAILED_KEY, None)
    if failed:
        st.error(failed, icon=":material/error:")


def _when(value: object) -> str:
    return MISSING if value is None or pd.isna(value) else f"{value:%Y-%m-%d %H:%M}"


def _text(value: object) -> str:
    return value if isinstance(value, str) and value else MISSING


def unit_label(request: Mapping, lang: str, units: Mapping[str, str]) -> str:
    """The unit a request changes: its name, "N units", or company-wide (a KPI)."""
    changed = approvals.request_units(request)
    if not changed:
        return t("approvals.company_wide", lang)
    if len(changed) == 1:
        return units.get(changed[0], changed[0])
    return t("approvals.several_units", lang, count=len(changed))


def requests_table(
    requests: list[dict], lang: str, units: Mapping[str, str], kpis: Mapping[str, str], *, decided: bool = True
) -> pd.DataFrame:
    """One row per request: number, year, unit, kind, what changes, why, who
    asked when, and (``decided``) its status and who decided when, with their note."""
    columns = {
        t("approvals.col.request", lang): [int(r["request_id"]) for r in requests],
        t("approvals.col.year", lang): [str(int(r["year"])) for r in requests],
        t("approvals.col.unit", lang): [unit_label(r, lang, units) for r in requests],
        t("approvals.col.kind", lang): [t(f"approvals.kind.{r['kind']}", lang) for r in requests],
        t("approvals.col.what", lang): [approvals.summary(r, lang, units, kpis) for r in requests],
        t("approvals.col.reason", lang): [r["reason"] for r in requests],
        t("approvals.col.requested_by", lang): [r["requested_by"] for r in requests],
        t("approvals.col.requested_at", lang): [_when(r["requested_at"]) for r in requests],
    }
    if decided:
        columns |= {
            t("approvals.col.status", lang): [t(f"approvals.status.{r['status']}", lang) for r in requests],
            t("approvals.col.decided_by", lang): [_text(r["decided_by"]) for r in requests],
            t("approvals.col.decided_at", lang): [_when(r["decided_at"]) for r in requests],
            t("approvals.col.note", lang): [_text(r["decision_note"]) for r in requests],
        }
    return pd.DataFrame(columns)


def show_list(
    requests: list[dict], lang: str, units: Mapping[str, str], kpis: Mapping[str, str], *, decided: bool = True
) -> None:
    """The requests listed; without the decision's columns when all are pending."""
    if not requests:
        st.caption(t("approvals.none", lang))
        return
    col = st.column_config
    st.dataframe(
        requests_table(requests, lang, units, kpis, decided=decided),
        hide_index=True,
        width="stretch",
        column_config={
            t("approvals.col.request", lang): col.NumberColumn(width=48, format="%d"),
            t("approvals.col.year", lang): col.TextColumn(width=56),
            t("approvals.col.what", lang): col.TextColumn(width="large"),
        },
        key="requests_table",
    )


def details(request: Mapping, lang: str, units: Mapping[str, str], kpis: Mapping[str, str]) -> None:
    """Who asked, when, why; what changes, before -> after; the decision."""
    number = int(request["request_id"])
    st.subheader(t("approvals.details", lang, request=number))
    st.markdown(
        plain(
            t(
                "approvals.asked",
                lang,
                who=request["requested_by"],
                on=_when(request["requested_at"]),
                year=int(request["year"]),
                reason=request["reason"],
            )
        )
    )
    changes = approvals.describe(request, lang, units, kpis)
    st.dataframe(
        changes.rename(
            columns={
                "item": t("approvals.col.item", lang),
                "field": t("approvals.col.field", lang),
                "old": t("approvals.col.before", lang),
                "new": t("approvals.col.after", lang),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            t("approvals.col.before", lang): st.column_config.TextColumn(alignment="right"),
            t("approvals.col.after", lang): st.column_config.TextColumn(alignment="right"),
        },
    )
    if request["status"] != "pending":
        status = t(f"approvals.status.{request['status']}", lang)
        line = t(
            "approvals.decided",
            lang,
            status=status.capitalize(),
            who=request["decided_by"],
            on=_when(request["decided_at"]),
        )
        note = request["decision_note"]
        st.markdown(plain(line + (f" {note}" if isinstance(note, str) and note else "")))


def decision_form(store: Store, request: Mapping, lang: str) -> None:
    """Approve or reject, for an approver who did not ask for it; a reason why not otherwise."""
    if request["status"] != "pending":
        return
    viewer = session.viewer()
    if not approvals.may_decide(request, viewer, session.scope()):
        key = "approvals.cannot_decide_own" if viewer.name == request["requested_by"] else "approvals.cannot_decide"
        st.info(t(key, lang), icon=":material/info:")
        return
    number = int(request["request_id"])
    note = st.text_input(t("approvals.note", lang), key=f"{NOTE_KEY}_{number}")
    left, right, _ = st.columns([1, 1, 3])
    approve = left.button(t("approvals.approve", lang), type="primary", key=f"requests_approve_{number}")
    reject = right.button(t("approvals.reject", lang), key=f"requests_reject_{number}", disabled=not note.strip())
    if approve or reject:
        _decide(store, number, approve, note, lang)


def _decide(store: Store, number: int, approve: bool, note: str, lang: str) -> None:
    try:
        decided = approvals.decide(
            store, number, approve=approve, viewer=session.viewer(), note=note, scope=session.scope()
        )
    except Exception as exc:  # noqa: BLE001 - nothing was changed; say why in the reader's language
        if not isinstance(exc, (StoreError, access.AccessError)):
            log.exception("decision on request %s failed", number)
        st.session_state[FAILED_KEY] = plain(error_text(exc, lang))
        st.rerun()
    data.clear_caches()
    if not approve:
        message = t("approvals.rejected_done", lang, request=number)
    elif decided["batch_id"] is not None and not pd.isna(decided["batch_id"]):
        message = t("approvals.approved_batch", lang, request=number, batch=int(decided["batch_id"]))
    else:
        message = t("approvals.approved_done", lang, request=number)
    st.session_state[DONE_KEY] = message
    st.rerun()


# --------------------------------------------------------------------------- baselines


def baseline_panel(store: Store, lang: str, years: list[int]) -> None:
    """The locked years, and (for an admin) locking and unlocking one."""
    st.subheader(t("approvals.baseline", lang))
    st.caption(t("approvals.baseline_help", lang))
    locks = store.baseline_locks()
    if locks.empty:
        st.caption(t("approvals.no_locks", lang))
    for lock in locks.itertuples():
        line = t("approvals.locked_line", lang, year=int(lock.year), by=lock.locked_by, on=f"{lock.locked_at:%Y-%m-%d}")
        note = f" · {lock.note}" if isinstance(lock.note, str) and lock.note else ""
        left, right = st.columns([4, 1])
        left.markdown(plain(line + note))
        if approvals.may_lock(session.viewer()) and right.button(
            t("approvals.unlock", lang, year=int(lock.year)), key=f"requests_unlock_{int(lock.year)}"
        ):
            _lock(store, int(lock.year), False, None, lang)
    if not approvals.may_lock(session.viewer()):
        return
    open_years = [y for y in years if y not in set(locks["year"].astype(int))]
    if not open_years:
        return
    left, middle, right = st.columns([1, 3, 2], vertical_alignment="bottom")
    year = left.selectbox(t("approvals.lock_year", lang), open_years, key="requests_lock_year")
    note = middle.text_input(t("approvals.lock_note", lang), key="requests_lock_note")
    if right.button(t("approvals.lock", lang, year=year), key="requests_lock", icon=":material/lock:"):
        _lock(store, int(year), True, note, lang)


def _lock(store: Store, year: int, on: bool, note: str | None, lang: str) -> None:
    try:
        if on:
            approvals.lock(store, year, viewer=session.viewer(), by=session.who(), note=note)
        else:
            approvals.unlock(store, year, viewer=session.viewer(), by=session.who(), note=note)
    except (StoreError, access.AccessError) as exc:
        st.session_state[FAILED_KEY] = plain(error_text(exc, lang))
        st.rerun()
    data.clear_caches()
    st.session_state[DONE_KEY] = t("approvals.locked_done" if on else "approvals.unlocked_done", lang, year=year)
    st.session_state.pop("requests_lock_note", None)
    st.rerun()


# --------------------------------------------------------------------------- closed months


def periods_panel(store: Store, lang: str, months: list[str]) -> None:
    """The closed months, and (for an admin) closing and reopening one."""
    st.subheader(t("approvals.periods", lang))
    st.caption(t("approvals.periods_help", lang))
    closed = store.closed_periods()
    if closed.empty:
        st.caption(t("approvals.no_closed", lang))
    for row in closed.itertuples():
        line = t("approvals.closed_line", lang, period=row.period, by=row.closed_by, on=f"{row.closed_at:%Y-%m-%d}")
        note = f" · {row.note}" if isinstance(row.note, str) and row.note else ""
        st.markdown(plain(line + note))
    if not session.allowed("close_periods"):
        return
    shut = set(closed["period"])
    open_months = [m for m in months if m not in shut]
    if open_months:
        left, middle, right = st.columns([1, 3, 2], vertical_alignment="bottom")
        month = left.selectbox(t("approvals.close_month", lang), open_months, key="periods_close_month")
        note = middle.text_input(t("approvals.close_note", lang), key="periods_close_note")
        if right.button(t("approvals.close", lang, period=month), key="periods_close", icon=":material/lock:"):
            _period(store, month, True, note, lang)
    if shut:
        left, middle, right = st.columns([1, 3, 2], vertical_alignment="bottom")
        month = left.selectbox(
            t("approvals.reopen_month", lang), sorted(shut, reverse=True), key="periods_reopen_month"
        )
        reason = middle.text_input(t("approvals.reopen_reason", lang), key="periods_reopen_reason")
        if right.button(t("approvals.reopen", lang, period=month), key="periods_reopen", icon=":material/lock_open:"):
            if not reason.strip():
                st.error(t("approvals.reopen_needs_reason", lang))
                return
            _period(store, month, False, reason, lang)


def _period(store: Store, month: str, close: bool, text: str, lang: str) -> None:
    try:
        if close:
            approvals.close_period(store, month, viewer=session.viewer(), by=session.who(), note=text)
        else:
            approvals.reopen_period(store, month, viewer=session.viewer(), by=session.who(), reason=text)
    except (StoreError, access.AccessError) as exc:
        st.session_state[FAILED_KEY] = plain(error_text(exc, lang))
        st.rerun()
    data.clear_caches()
    st.session_state[DONE_KEY] = t("approvals.closed_done" if close else "approvals.reopened_done", lang, period=month)
    for key in ("periods_close_note", "periods_reopen_reason"):
        st.session_state.pop(key, None)
    st.rerun()
