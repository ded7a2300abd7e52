"""The "My updates" page (issue 13, item 7): what the signed-in account owes
and a form to enter it; for analysts and admins the entries waiting for
approval, the overdue list across their scope and who owns which KPI; for
admins the company's due day and approval setting.

The rules are in :mod:`kpi_core.owners` (who owns what, what is due, the
checks of an entry, who may approve); this module only draws and clicks.
Every refusal comes back from there (an entry for a KPI the reader does not
own is refused by :func:`kpi_core.owners.enter`, not only left out here).
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import streamlit as st

from kpi_core import access, owners
from kpi_core.i18n import error_text, t
from kpi_core.store import Store, StoreError
from kpi_ui import data, session
from kpi_ui.design import kpi_names
from kpi_ui.state import current
from kpi_ui.text import plain
from kpi_ui.theme import measure
from kpi_ui.upload import number

log = logging.getLogger(__name__)

TODAY_KEY = "my_updates_today"
"""Session key: the day the page counts from (tests set it; a browser cannot)."""
DONE_KEY = "my_updates_done"
FAILED_KEY = "my_updates_failed"
NONCE_KEY = "my_updates_nonce"
"""Session key: a counter in the inputs' keys, so a stored entry leaves empty fields."""
PROBLEMS_KEY = "my_updates_problems"
"""Session key: the messages of the last entry that was not stored, shown under the form."""
CONFIRM_KEY = "my_updates_confirm"
WARNED_KEY = "my_updates_warned"
"""Session key: the entries whose warnings were shown (their confirmation box appears)."""


def today() -> date:
    found = st.session_state.get(TODAY_KEY)
    return found if isinstance(found, date) else date.today()


# --------------------------------------------------------------------------- names


class _Names:
    """Units, KPIs and owners as this run may name them (persons numbered in
    meeting mode, unless the presenter showed the names)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.org = data.org()
        kpis = data.kpis()
        self.kpis = kpi_names(kpis.reset_index(drop=True), lang)
        self.measures = dict(zip(kpis["kpi_id"], kpis["unit"], strict=True))
        self.masked = session.masked()

    def unit(self, unit_id: str) -> str:
        return self.org.name(unit_id, self.lang) if unit_id in self.org else unit_id

    def kpi(self, kpi_id: str) -> str:
        return self.kpis.get(kpi_id, kpi_id)

    def amount(self, value: object, kpi_id: str) -> str:
        text = number(value)
        unit = measure(self.measures.get(kpi_id), self.lang)
        if text == "–" or not unit:
            return text
        return f"{text}%" if unit == "%" else f"{text} {unit}"

    def owner(self, display: object, unit_id: str, source: object) -> str:
        """An owner's display name; in meeting mode a person's own account is
        named as the (numbered) person, any other owner is not named."""
        if not self.masked:
            return str(display)
        if source == "default":
            return self.unit(unit_id)
        return t("owners.page.owner_hidden", self.lang)


def _state_word(row: pd.Series | dict, lang: str) -> str:
    if row["pending"]:
        return t("owners.state.pending", lang)
    return t("owners.state.overdue" if row["overdue"] else "owners.state.due", lang)


# --------------------------------------------------------------------------- the page


def page() -> None:
    lang = current().lang
    store = data.store()
    viewer = session.viewer()
    config = owners.settings(store)
    st.title(t("owners.page.title", lang))
    day = today()
    period = owners.reporting_month(day)
    st.caption(
        t(
            "owners.page.intro",
            lang,
            day=config.due_working_day,
            period=period,
            due=owners.due_date(period, config.due_working_day).isoformat(),
        )
    )
    if config.approval:
        st.caption(t("owners.page.approval_on", lang))
    _flash()
    tabs = [t("owners.tab.mine", lang)]
    analyst = session.allowed("upload")
    if analyst:
        tabs += [t("owners.tab.approvals", lang), t("owners.tab.overdue", lang)]
    sets_owners = viewer.role in ("admin", "analyst") and session.allowed("edit_design")
    if sets_owners:
        tabs.append(t("owners.tab.owners", lang))
    drawn = iter(st.tabs(tabs))
    names = _Names(lang)
    with next(drawn):
        mine(store, viewer, names, config)
    if analyst:
        with next(drawn):
            approvals(store, viewer, names)
        with next(drawn):
            overdue_list(store, viewer, names)
    if sets_owners:
        with next(drawn):
            owners_tab(store, viewer, names)
            if session.allowed("edit_settings"):
                settings_form(store, viewer, lang, config)


def _flash() -> None:
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/task_alt:")
    failed = st.session_state.pop(FAILED_KEY, None)
    if failed:
        st.error(failed, icon=":material/error:")


def _written(message: str) -> None:
    """After a write: fresh figures everywhere, the message on the next run."""
    data.clear_caches()
    st.session_state[DONE_KEY] = message
    st.rerun()


def _refused(exc: Exception, what: str, lang: str) -> None:
    if not isinstance(exc, (StoreError, access.AccessError)):
        log.exception("%s failed", what)
    st.session_state[FAILED_KEY] = plain(error_text(exc, lang))
    data.clear_caches()
    st.rerun()


# --------------------------------------------------------------------------- what I owe


def owed_table(frame: pd.DataFrame, names: _Names) -> pd.DataFrame:
    lang = names.lang
    return pd.DataFrame(
        {
            t("owners.col.unit", lang): [names.unit(u) for u in frame["unit_id"]],
            t("owners.col.kpi", lang): [names.kpi(k) for k in frame["kpi_id"]],
            t("owners.col.period", lang): frame["period"],
            t("owners.col.target", lang): [
                names.amount(v, k) for v, k in zip(frame["target"], frame["kpi_id"], strict=True)
            ],
            t("owners.col.due", lang): [d.isoformat() for d in frame["due"]],
            t("owners.col.state", lang): [_state_word(r, lang) for r in frame.to_dict("records")],
        }
    )


def _input_key(row: dict) -> str:
    nonce = st.session_state.get(NONCE_KEY, 0)
    return f"mu_value_{row['unit_id']}_{row['kpi_id']}_{row['period']}_{nonce}"


def mine(store: Store, viewer: access.Viewer, names: _Names, config: owners.OwnerSettings) -> None:
    lang = names.lang
    frame = owners.my_items(store, viewer, today())
    if frame.empty:
        owns = not store.owned_kpis([today().year - 1, today().year], owner=viewer.name).empty
        st.success(
            t("owners.page.nothing_owed" if owns else "owners.page.owns_nothing", lang), icon=":material/task_alt:"
        )
    else:
        late = int(frame["overdue"].sum())
        if late:
            st.warning(t("owners.page.overdue_count", lang, count=late), icon=":material/schedule:")
        st.dataframe(owed_table(frame, names), hide_index=True, width="stretch", key="my_updates_owed")
        entry_form(store, viewer, frame, names, config)
    _problems()
    my_entries(store, viewer, names)


def entry_form(
    store: Store, viewer: access.Viewer, frame: pd.DataFrame, names: _Names, config: owners.OwnerSettings
) -> None:
    """One field per owed figure. The entry is made in the button's callback,
    before the page is drawn again, with the fields the reader saw (a month
    closed meanwhile is then refused with its reason, not dropped silently)."""
    lang = names.lang
    rows = frame.to_dict("records")
    one_unit = frame["unit_id"].nunique() == 1
    with st.form("my_updates_form", border=True):
        st.markdown(f"**{t('owners.page.enter', lang)}**")
        st.caption(t("owners.page.enter_help", lang))
        columns = st.columns(2)
        for i, row in enumerate(rows):
            what = f"{names.kpi(row['kpi_id'])} · {row['period']}"
            if not one_unit:
                what = f"{names.unit(row['unit_id'])} · {what}"
            hint = t("owners.page.target_hint", lang, target=names.amount(row["target"], row["kpi_id"]))
            if row["overdue"]:
                what = f"{what} · {t('owners.state.overdue', lang)}"
            columns[i % 2].text_input(plain(what), key=_input_key(row), placeholder=hint, max_chars=40)
        if st.session_state.get(WARNED_KEY):
            st.checkbox(t("owners.page.confirm", lang), key=CONFIRM_KEY)
        fields = [(r["unit_id"], r["kpi_id"], r["period"], _input_key(r)) for r in rows]
        st.form_submit_button(
            t("owners.page.submit_approval" if config.approval else "owners.page.submit", lang),
            type="primary",
            on_click=_enter,
            args=(viewer, fields, lang),
        )


def _enter(viewer: access.Viewer, fields: list[tuple[str, str, str, str]], lang: str) -> None:
    """The form's callback: enter what was typed; the outcome is shown by the next run."""
    store = data.store()
    names = _Names(lang)
    config = owners.settings(store)
    entries = [owners.Entry(u, k, p, str(st.session_state.get(key) or "")) for u, k, p, key in fields]
    typed = tuple((e.unit_id, e.kpi_id, e.period, e.text.strip()) for e in entries if e.text.strip())
    confirmed = bool(st.session_state.get(CONFIRM_KEY)) and st.session_state.get(WARNED_KEY) == typed
    try:
        viewer = access.acting_as(store, viewer.name)  # disabled since the form was drawn: refused
        outcome = owners.enter(store, viewer, entries, today=today(), confirm_warnings=confirmed, config=config)
    except Exception as exc:  # noqa: BLE001 - nothing was stored: say why (a bug: the log has the traceback)
        if not isinstance(exc, (StoreError, access.AccessError)):
            log.exception("entry by %s failed", viewer.name)
        data.clear_caches()
        st.session_state[PROBLEMS_KEY] = [("error", plain(error_text(exc, lang)))]
        return
    if outcome.written:
        data.clear_caches()
        st.session_state.pop(WARNED_KEY, None)
        st.session_state.pop(CONFIRM_KEY, None)
        st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1  # empty fields next time
        count = len(outcome.validated.frame)
        batch = outcome.batch
        if outcome.entry_ids:
            st.session_state[DONE_KEY] = t("owners.page.kept_pending", lang, count=count)
        elif batch is None or batch.batch_id is None:
            st.session_state[DONE_KEY] = t("owners.page.unchanged", lang, count=count)
        else:
            st.session_state[DONE_KEY] = t("owners.page.stored", lang, count=count, batch=batch.batch_id)
        return
    errors = outcome.validated.errors
    if errors:
        shown = [("error", t("owners.page.not_stored", lang, count=len(errors)))]
    else:
        st.session_state[WARNED_KEY] = typed  # the form asks to confirm these values
        shown = [("warning", t("owners.page.check_warnings", lang))]
    shown += [
        (p.severity, plain(owners.problem_text(outcome, p, lang, names.unit, names.kpi)))
        for p in outcome.validated.problems
    ]
    st.session_state[PROBLEMS_KEY] = shown


def _problems() -> None:
    """What the last entry that was not stored ran into."""
    for severity, text in st.session_state.pop(PROBLEMS_KEY, []):
        {"error": st.error, "warning": st.warning}[severity](text)


def my_entries(store: Store, viewer: access.Viewer, names: _Names) -> None:
    lang = names.lang
    frame = store.entries(entered_by=viewer.name)
    if frame.empty:
        return
    st.markdown(f"**{t('owners.page.my_entries', lang)}**")
    st.dataframe(
        pd.DataFrame(
            {
                t("owners.col.unit", lang): [names.unit(u) for u in frame["unit_id"]],
                t("owners.col.kpi", lang): [names.kpi(k) for k in frame["kpi_id"]],
                t("owners.col.period", lang): frame["period"],
                t("owners.col.value", lang): [
                    names.amount(v, k) for v, k in zip(frame["value"], frame["kpi_id"], strict=True)
                ],
                t("owners.col.state", lang): [t(f"owners.entry_status.{s}", lang) for s in frame["status"]],
                t("owners.col.note", lang): frame["note"].fillna("").astype(str),
                t("owners.col.entered_at", lang): frame["entered_at"],
            }
        ),
        hide_index=True,
        width="stretch",
        key="my_updates_entries",
        column_config={
            t("owners.col.entered_at", lang): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        },
    )


# --------------------------------------------------------------------------- approvals


def approvals(store: Store, viewer: access.Viewer, names: _Names) -> None:
    lang = names.lang
    waiting = owners.pending(store, viewer)
    if waiting.empty:
        st.success(t("owners.page.none_pending", lang), icon=":material/task_alt:")
        return
    users = store.users().set_index("name")
    display = {n: str(d or n) for n, d in users["display"].items()}

    def who(row: dict) -> str:
        return names.owner(display.get(row["entered_by"], row["entered_by"]), row["unit_id"], "set")

    rows = waiting.to_dict("records")
    st.dataframe(
        pd.DataFrame(
            {
                "#": waiting["entry_id"].astype("int64"),
                t("owners.col.entered_by", lang): [who(r) for r in rows],
                t("owners.col.unit", lang): [names.unit(u) for u in waiting["unit_id"]],
                t("owners.col.kpi", lang): [names.kpi(k) for k in waiting["kpi_id"]],
                t("owners.col.period", lang): waiting["period"],
                t("owners.col.value", lang): [
                    names.amount(v, k) for v, k in zip(waiting["value"], waiting["kpi_id"], strict=True)
                ],
                t("owners.col.entered_at", lang): waiting["entered_at"],
            }
        ),
        hide_index=True,
        width="stretch",
        key="my_updates_pending",
        column_config={
            t("owners.col.entered_at", lang): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        },
    )
    others = {int(r["entry_id"]): r for r in rows if r["entered_by"] != viewer.name}
    if len(others) < len(rows):
        st.caption(t("owners.page.own_entries_note", lang))
    if not others:
        return
    labels = {
        i: f"#{i} · {who(r)} · {names.kpi(r['kpi_id'])} · {r['period']} · {names.amount(r['value'], r['kpi_id'])}"
        for i, r in others.items()
    }
    picked = st.multiselect(
        t("owners.page.pick_entries", lang),
        list(labels),
        format_func=labels.get,
        key="my_updates_pick",
        placeholder=t("owners.page.pick_placeholder", lang),
    )
    left, right = st.columns(2)
    if left.button(t("owners.page.approve", lang), type="primary", disabled=not picked, key="my_updates_approve"):
        try:
            batches = owners.approve(store, viewer, picked)
        except Exception as exc:  # noqa: BLE001 - rolled back; say why
            _refused(exc, "approval", lang)
        st.session_state.pop("my_updates_pick", None)
        _written(t("owners.page.approved", lang, count=len(picked), batches=", ".join(map(str, batches)) or "–"))
    note = right.text_input(t("owners.page.reject_reason", lang), key="my_updates_reject_note", max_chars=200)
    if right.button(t("owners.page.reject", lang), disabled=not picked, key="my_updates_reject"):
        try:
            owners.reject(store, viewer, picked, note)
        except Exception as exc:  # noqa: BLE001 - rolled back; say why
            _refused(exc, "rejection", lang)
        st.session_state.pop("my_updates_pick", None)
        st.session_state.pop("my_updates_reject_note", None)
        _written(t("owners.page.rejected", lang, count=len(picked)))


# --------------------------------------------------------------------------- overdue


def overdue_list(store: Store, viewer: access.Viewer, names: _Names) -> None:
    lang = names.lang
    day = today()
    frame = owners.overdue(store, viewer, day)
    if frame.empty:
        st.success(t("owners.page.none_overdue", lang), icon=":material/task_alt:")
        return
    st.caption(t("owners.page.overdue_intro", lang, count=len(frame)))
    st.dataframe(
        pd.DataFrame(
            {
                t("owners.col.owner", lang): [
                    names.owner(d, u, "set" if d != u else "default")
                    for d, u in zip(frame["owner_display"], frame["unit_id"], strict=True)
                ],
                t("owners.col.unit", lang): [names.unit(u) for u in frame["unit_id"]],
                t("owners.col.kpi", lang): [names.kpi(k) for k in frame["kpi_id"]],
                t("owners.col.period", lang): frame["period"],
                t("owners.col.due", lang): [d.isoformat() for d in frame["due"]],
                t("owners.col.days_late", lang): [(day - d).days for d in frame["due"]],
            }
        ),
        hide_index=True,
        width="stretch",
        key="my_updates_overdue",
    )


# --------------------------------------------------------------------------- owners and settings


def _settable_units(lang: str) -> dict[str, str]:
    """The units whose owners the reader may set, labelled as the sidebar does."""
    labels = data.unit_labels(lang)
    return {u: label for u, label in labels.items() if session.allowed("edit_design", u)}


def owners_tab(store: Store, viewer: access.Viewer, names: _Names) -> None:
    lang = names.lang
    labels = _settable_units(lang)
    if not labels:
        st.info(t("owners.page.no_units", lang), icon=":material/info:")
        return
    view_unit = current().unit
    if st.session_state.get("my_updates_unit") not in labels:
        st.session_state["my_updates_unit"] = view_unit if view_unit in labels else next(iter(labels))
    unit = st.selectbox(t("owners.page.unit", lang), list(labels), format_func=labels.get, key="my_updates_unit")
    year = int(owners.reporting_month(today())[:4])
    table = owners.owners_table(store, year, [unit])
    if table.empty:
        st.info(t("owners.cli.no_kpis", lang, year=year), icon=":material/info:")
        return
    st.caption(t("owners.page.owners_intro", lang, year=year))
    st.dataframe(
        pd.DataFrame(
            {
                t("owners.col.kpi", lang): [names.kpi(k) for k in table["kpi_id"]],
                t("owners.col.owner", lang): [
                    names.owner(d, unit, s) if d else "–"
                    for d, s in zip(table["owner_display"], table["source"], strict=True)
                ],
                t("owners.col.source", lang): [t(f"owners.source.{s or 'none'}", lang) for s in table["source"]],
            }
        ),
        hide_index=True,
        width="stretch",
        key="my_updates_owners",
    )
    candidates = _candidates(store, unit)
    with st.form("my_updates_owner_form"):
        kpi = st.selectbox(
            t("owners.col.kpi", lang), list(table["kpi_id"]), format_func=names.kpi, key="my_updates_owner_kpi"
        )
        options = ["", *candidates]  # "": no owner set (a person's own account owns it)
        owner = st.selectbox(
            t("owners.page.new_owner", lang),
            options,
            format_func=lambda n: t("owners.page.default_owner", lang) if n == "" else candidates[n],
            key="my_updates_owner_pick",
        )
        saved = st.form_submit_button(t("owners.page.save_owner", lang), type="primary")
    if saved:
        try:
            changed = owners.set_owner(store, viewer, unit, kpi, owner or None, org=data.org(), by=session.who())
        except Exception as exc:  # noqa: BLE001 - nothing was changed; say why
            _refused(exc, "setting an owner", lang)
        if changed:
            _written(t("owners.page.owner_saved", lang, kpi=plain(names.kpi(kpi)), unit=plain(names.unit(unit))))
        st.info(t("owners.page.owner_unchanged", lang), icon=":material/info:")


def _candidates(store: Store, unit_id: str) -> dict[str, str]:
    """Accounts that may own a KPI of the unit: name -> "Display (name) · role"."""
    org = data.org()
    out = {}
    lang = current().lang
    for row in store.users().to_dict("records"):
        if row["disabled"]:
            continue
        account = access.Viewer.from_row(row)
        if owners.may_own(account, unit_id, org):
            role = t(f"access.role.{account.role}", lang)
            shown = account.display if account.display == account.name else f"{account.display} ({account.name})"
            out[account.name] = f"{shown} · {role}"
    return out


def settings_form(store: Store, viewer: access.Viewer, lang: str, config: owners.OwnerSettings) -> None:
    st.divider()
    st.markdown(f"**{t('owners.page.settings', lang)}**")
    st.caption(t("owners.page.settings_help", lang))
    with st.form("my_updates_settings"):
        day = st.number_input(
            t("owners.page.due_day", lang, most=owners.MAX_DUE_DAY),
            min_value=1,
            max_value=owners.MAX_DUE_DAY,
            value=config.due_working_day,
            step=1,
            key="my_updates_due_day",
        )
        approval = st.toggle(t("owners.page.approval", lang), value=config.approval, key="my_updates_approval")
        saved = st.form_submit_button(t("owners.page.save_settings", lang))
    if saved:
        new = owners.OwnerSettings(due_working_day=int(day), approval=bool(approval))
        try:
            owners.save_settings(store, viewer, new, by=session.who())
        except Exception as exc:  # noqa: BLE001 - nothing was changed; say why
            _refused(exc, "owners settings", lang)
        _written(t("owners.page.settings_saved", lang))
