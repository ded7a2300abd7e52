"""The business review on the pages (issue 16): commentary and action items.

* :func:`marked` adds each KPI row's marker for the scorecard (``review_mark``,
  shown after the KPI's name by :mod:`kpi_ui.scorecard_view`, in meeting mode
  too): ✎ when the KPI has a comment this month, ⚑ when it is red with no
  open action (once the company tracks actions: :func:`kpi_core.review.in_use`).
* :func:`actions_section` lists the actions of the unit and the units below it
  on the scorecard page, overdue ones flagged.
* :func:`kpi_section` is the KPI detail's part: this month's comment, the form
  to write it, earlier months' comments, the KPI's actions, a new action, a
  status change, and the history of its actions.
* :func:`alert_button` creates an action from an alert (the alerts page).

Typed text (comments, titles, notes) and names are shown as text: through
:func:`kpi_ui.text.plain` where Streamlit renders Markdown, raw in tables.
A unit, person or account outside the reader's scope is never named.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from kpi_core import access, review
from kpi_core.i18n import error_text, t
from kpi_core.org import Org
from kpi_core.scorecard import Scorecard
from kpi_core.store import StoreError
from kpi_ui import data, session
from kpi_ui import state as vs
from kpi_ui.design import kpi_name
from kpi_ui.text import plain

DETAIL_PAGE = "pages/2_kpi_detail.py"
COMMENT_MARK = "✎"
NO_ACTION_MARK = "⚑"
FLASH_KEY = "review_flash"
FROM_ALERT_KEY = "review_from_alert"
"""Session key: the alert a new action is created from (unit, kpi, period, kind, title)."""
DEFAULT_DUE_DAYS = 14


# --------------------------------------------------------------------------- the scorecard


def marks(card: Scorecard, unit_id: str, period: str, lang: str) -> dict[str, str]:
    """kpi_id -> its marker on the scorecard ('' for none)."""
    store = data.store()
    noted = review.commented(store, unit_id, period)
    in_use = review.in_use(store)
    links = review.covering_links(store, data.org(), [unit_id]) if in_use else None  # a unit above's action counts
    bare = review.red_without_action(card.kpis, links, unit_id) if in_use else set()
    out = {}
    for kpi_id in card.kpis["kpi_id"]:
        parts = [COMMENT_MARK] if kpi_id in noted else []
        if kpi_id in bare:
            parts.append(f"{NO_ACTION_MARK} {t('review.mark.no_action', lang)}")
        out[kpi_id] = " · ".join(parts)
    return out


def marked(card: Scorecard, view: vs.ViewState) -> Scorecard:
    """``card`` with each KPI row's marker in ``review_mark``."""
    if card.kpis.empty:
        return card
    found = marks(card, view.unit, view.period, view.lang)
    return replace(card, kpis=card.kpis.assign(review_mark=[found.get(k, "") for k in card.kpis["kpi_id"]]))


def _owner_text(owner: str, org: Org, lang: str) -> str:
    """The owner as this reader may see it (plain text, for tables and options)."""
    users = data.store().users()
    found = review.owner_of(owner, org, session.scope(), users)
    if found.kind == "unit":
        return org.name(found.value, lang)
    if found.kind == "account":
        row = users[users["name"] == owner].iloc[0]
        unit = row.get("unit_id")
        if session.masked() and isinstance(unit, str) and unit in org and org.kind(unit) == "person":
            return org.name(unit, lang)  # "Person 3" in meeting mode
        return found.value
    return t("review.hidden", lang)


def _status_text(row: pd.Series, lang: str) -> str:
    word = t(f"review.status.{row['status']}", lang)
    return f"⚠ {t('review.overdue', lang)} · {word}" if row.get("overdue") else word


def action_table(frame: pd.DataFrame, org: Org, lang: str, with_unit: bool = True) -> pd.DataFrame:
    """Actions as a table shows them (cells are text: no escaping)."""
    kpis = data.kpis()

    def kpi_names(ids: str) -> str:
        return ", ".join(kpi_name(kpis.loc[k], lang) if k in kpis.index else k for k in ids.split(",") if k)

    out = {
        t("review.col.id", lang): [f"#{i}" for i in frame["action_id"]],
        t("review.col.due", lang): [pd.Timestamp(d).strftime("%Y-%m-%d") for d in frame["due"]],
        t("review.col.status", lang): [_status_text(r, lang) for _, r in frame.iterrows()],
        t("review.col.title", lang): list(frame["title"]),
        t("review.col.owner", lang): [_owner_text(o, org, lang) for o in frame["owner"]],
    }
    if with_unit:
        out[t("review.col.unit", lang)] = [org.name(u, lang) for u in frame["unit_id"]]
    out[t("review.col.kpis", lang)] = [kpi_names(k) for k in frame["kpi_ids"]]
    return pd.DataFrame(out)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Open and in-progress first (overdue first among them), then by due date."""
    if frame.empty:
        return frame
    closed = ~frame["status"].isin(review.OPEN_STATUSES)
    return (
        frame.assign(_c=closed, _o=~frame["overdue"])
        .sort_values(["_c", "_o", "due", "action_id"])
        .drop(columns=["_c", "_o"])
    )


def actions_section(view: vs.ViewState, org: Org) -> None:
    """The scorecard's "Actions": those of the unit and the units below it
    the reader may see, open ones first, overdue ones flagged; closed ones
    in an expander."""
    lang = view.lang
    units = org.subtree(view.unit)
    found = _ordered(review.actions(data.store(), session.scope(), units))
    st.subheader(t("review.actions", lang), anchor="actions")
    st.caption(t("review.marks_legend", lang, comment=COMMENT_MARK, flag=NO_ACTION_MARK))
    if found.empty:
        st.caption(t("review.no_actions_unit", lang, unit=plain(org.name(view.unit, lang))))
        return
    open_ = found[found["status"].isin(review.OPEN_STATUSES)]
    late = int(open_["overdue"].sum())
    st.markdown(t("review.actions_count", lang, open=len(open_), overdue=late))
    with st.container(key="review_actions_unit"):
        if not open_.empty:
            st.dataframe(action_table(open_, org, lang), hide_index=True)
        closed = found[~found["status"].isin(review.OPEN_STATUSES)]
        if not closed.empty:
            with st.expander(t("review.closed_actions", lang, count=len(closed))):
                st.dataframe(action_table(closed, org, lang), hide_index=True)


# --------------------------------------------------------------------------- the KPI detail


def _flash() -> None:
    note = st.session_state.pop(FLASH_KEY, None)
    if note:
        st.success(note, icon=":material/check:")


def _who_text(name: object, org: Org, lang: str) -> str:
    return _owner_text(str(name), org, lang) if isinstance(name, str) and name else "–"


def kpi_section(view: vs.ViewState, kpi_id: str, kpi_label: str, org: Org) -> None:
    """Commentary and actions of one KPI at the viewed unit."""
    lang = view.lang
    store = data.store()
    scope = session.scope()
    viewer = session.viewer()
    may = review.may_write(viewer, scope, view.unit)
    _flash()
    st.subheader(t("review.commentary", lang, period=view.period), anchor="commentary")
    every = review.comments(store, scope, view.unit, kpi_id, upto=view.period)
    this = every[every["period"] == view.period]
    with st.container(key="review_comment_now"):
        if this.empty:
            st.caption(t("review.no_comment", lang, period=view.period))
        else:
            _comment(this.iloc[0], org, lang, heading=False)
    if may:
        _comment_form(view, kpi_id, this.iloc[0] if not this.empty else None)
    earlier = every[every["period"] < view.period]
    if not earlier.empty:
        st.markdown(f"**{t('review.earlier', lang, count=len(earlier))}**")
        with st.container(key="review_comment_earlier", height=min(420, 120 * len(earlier) + 20)):
            for _, row in earlier.iterrows():
                _comment(row, org, lang, heading=True)

    st.subheader(t("review.kpi_actions", lang, kpi=plain(kpi_label)), anchor="kpi-actions")
    found = _ordered(review.actions(store, scope, [view.unit], kpi_id))
    if found.empty:
        st.caption(t("review.no_actions_kpi", lang))
    else:
        with st.container(key="review_actions_kpi"):
            st.dataframe(action_table(found, org, lang, with_unit=False), hide_index=True)
    if may:
        _action_form(view, kpi_id, org)
    updatable = [r for r in found.to_dict("records") if review.may_update(viewer, scope, r)]
    if updatable:
        _status_form(updatable, lang)
    if not found.empty:
        with st.expander(t("review.history", lang)):
            _history(found, org, lang)


def _comment(row: pd.Series, org: Org, lang: str, heading: bool) -> None:
    when = pd.Timestamp(row["written_at"]).strftime("%Y-%m-%d %H:%M")
    if heading:
        st.markdown(f"**{row['period']}**")
    for field in ("analysis", "outlook"):
        text = row[field]
        if isinstance(text, str) and text:
            st.markdown(f"**{t(f'review.{field}', lang)}:** {plain(text)}")
    st.caption(t("review.written", lang, who=plain(_who_text(row["written_by"], org, lang)), when=when))


def _comment_form(view: vs.ViewState, kpi_id: str, current: pd.Series | None) -> None:
    lang = view.lang
    label = t("review.edit_comment" if current is not None else "review.write_comment", lang)
    with st.expander(label, expanded=False), st.form("review_comment_form", border=False):
        analysis = st.text_area(
            t("review.analysis", lang),
            value=_text(current, "analysis"),
            key="review_analysis",
            max_chars=review.MAX_TEXT,
            placeholder=t("review.analysis_hint", lang),
        )
        outlook = st.text_area(
            t("review.outlook", lang),
            value=_text(current, "outlook"),
            key="review_outlook",
            max_chars=review.MAX_TEXT,
            placeholder=t("review.outlook_hint", lang),
        )
        st.caption(t("review.as", lang, who=plain(session.viewer().display)))
        if st.form_submit_button(t("review.save_comment", lang), type="primary", key="review_comment_save"):
            _write(
                lambda: review.write_comment(
                    data.store(),
                    viewer=session.viewer(),
                    scope=session.scope(),
                    unit_id=view.unit,
                    subject=kpi_id,
                    period=view.period,
                    analysis=analysis,
                    outlook=outlook,
                    by=session.who(),
                ),
                t("review.comment_saved", lang),
                lang,
            )


def _text(row: pd.Series | None, field: str) -> str:
    value = None if row is None else row[field]
    return value if isinstance(value, str) else ""


def _write(attempt, done: str, lang: str) -> None:
    try:
        attempt()
    except (access.AccessError, StoreError) as exc:
        st.error(error_text(exc, lang), icon=":material/block:")
        return
    data.clear_caches()
    st.session_state[FLASH_KEY] = done
    st.rerun()


def owner_options(view: vs.ViewState, org: Org) -> list[str]:
    """Who the writer may make an action's owner: the units they act on and
    the enabled accounts tied to them (or to no unit)."""
    scope = session.scope()
    units = [u for u in org.subtree(view.unit) if scope.allows(u)]
    users = data.store().users()
    users = users[~users["disabled"].astype(bool)]
    accounts = [
        str(r["name"])
        for _, r in users.iterrows()
        if not (isinstance(r.get("unit_id"), str) and r["unit_id"]) or scope.allows(r["unit_id"])
    ]
    return units + [a for a in accounts if a not in org]


def _action_form(view: vs.ViewState, kpi_id: str, org: Org) -> None:
    lang = view.lang
    origin = st.session_state.get(FROM_ALERT_KEY)
    from_alert = isinstance(origin, dict) and (origin.get("unit"), origin.get("kpi"), origin.get("period")) == (
        view.unit,
        kpi_id,
        view.period,
    )
    assigned = data.card(view.unit, view.period, view.view).kpis
    kpis = data.kpis()
    choices = list(assigned["kpi_id"])
    owners = owner_options(view, org)
    users = data.store().users().set_index("name")
    labels = {u: org.name(u, lang) for u in owners if u in org}

    def owner_label(o: str) -> str:
        if o in labels:
            return labels[o]
        display = users.loc[o, "display"] if o in users.index else o
        return f"👤 {display} ({o})" if isinstance(display, str) and display != o else f"👤 {o}"

    with st.expander(t("review.new_action", lang), expanded=from_alert), st.form("review_action_form", border=False):
        if from_alert:
            st.caption(t("review.from_alert_note", lang))
        title = st.text_input(
            t("review.col.title", lang),
            value=origin.get("title", "") if from_alert else "",
            max_chars=review.MAX_TITLE,
            key="review_action_title",
        )
        left, right = st.columns(2)
        owner = left.selectbox(
            t("review.col.owner", lang),
            owners,
            index=owners.index(view.unit) if view.unit in owners else 0,
            format_func=owner_label,
            key="review_action_owner",
        )
        due = right.date_input(
            t("review.col.due", lang), value=date.today() + timedelta(days=DEFAULT_DUE_DAYS), key="review_action_due"
        )
        linked = st.multiselect(
            t("review.col.kpis", lang),
            choices,
            default=[kpi_id] if kpi_id in choices else [],
            format_func=lambda k: kpi_name(kpis.loc[k], lang) if k in kpis.index else k,
            key="review_action_kpis",
        )
        if st.form_submit_button(t("review.create_action", lang), type="primary", key="review_action_create"):
            source, ref = ("alert", origin.get("ref")) if from_alert else ("kpi", None)

            def attempt() -> None:
                review.create_action(
                    data.store(),
                    data.org(),
                    viewer=session.viewer(),
                    scope=session.scope(),
                    unit_id=view.unit,
                    title=title,
                    owner=owner or "",
                    due=due,
                    kpi_ids=linked,
                    period=view.period,
                    by=session.who(),
                    source=source,
                    source_ref=ref,
                )
                st.session_state.pop(FROM_ALERT_KEY, None)

            _write(attempt, t("review.action_created", lang), lang)


def _status_form(rows: list[dict], lang: str) -> None:
    by_id = {int(r["action_id"]): r for r in rows}
    with st.expander(t("review.change_status", lang)), st.form("review_status_form", border=False):
        left, right = st.columns([3, 2])
        which = left.selectbox(
            t("review.which_action", lang),
            list(by_id),
            format_func=lambda i: f"#{i} · {by_id[i]['title']} ({t('review.status.' + by_id[i]['status'], lang)})",
            key="review_status_which",
        )
        status = right.selectbox(
            t("review.col.status", lang),
            list(review.ACTION_STATUSES),
            format_func=lambda s: t(f"review.status.{s}", lang),
            key="review_status_new",
        )
        note = st.text_input(t("review.note", lang), key="review_status_note", max_chars=review.MAX_TITLE)
        if st.form_submit_button(t("review.save_status", lang), key="review_status_save"):
            _write(
                lambda: review.set_status(
                    data.store(),
                    int(which),
                    status,
                    viewer=session.viewer(),
                    scope=session.scope(),
                    by=session.who(),
                    note=note,
                ),
                t("review.status_saved", lang),
                lang,
            )


def _history(found: pd.DataFrame, org: Org, lang: str) -> None:
    log = data.store().action_history(found["action_id"])
    if log.empty:
        return

    def value(field: str, text: object) -> str:
        if not isinstance(text, str) or not text:
            return "–"
        if field in ("status", "created"):
            return t(f"review.status.{text}", lang)
        if field == "owner":
            return _owner_text(text, org, lang)
        return text

    table = pd.DataFrame(
        {
            t("review.col.id", lang): [f"#{i}" for i in log["action_id"]],
            t("review.col.when", lang): [pd.Timestamp(w).strftime("%Y-%m-%d %H:%M") for w in log["changed_at"]],
            t("review.col.who", lang): [_who_text(w, org, lang) for w in log["changed_by"]],
            t("review.col.change", lang): [t(f"review.field.{f}", lang) for f in log["field"]],
            t("review.col.from", lang): [value(f, o) for f, o in zip(log["field"], log["old_value"], strict=True)],
            t("review.col.to", lang): [value(f, n) for f, n in zip(log["field"], log["new_value"], strict=True)],
            t("review.note", lang): [n if isinstance(n, str) and n else "–" for n in log["note"]],
        }
    )
    st.dataframe(table, hide_index=True)


# --------------------------------------------------------------------------- the alerts page


def alert_button(row: dict, view: vs.ViewState, title: str, key: str) -> None:
    """On an alert the reader may act on: a button opening the KPI detail
    with the new-action form filled from the alert."""
    if row.get("kind") == "missing" or not session.allowed("comment", row["unit_id"]):
        return
    if st.button(t("review.from_alert", view.lang), key=key, icon=":material/add_task:"):
        st.session_state[FROM_ALERT_KEY] = {
            "unit": row["unit_id"],
            "kpi": row["kpi_id"],
            "period": row["period"],
            "ref": f"{row['kind']}|{row['unit_id']}|{row['kpi_id']}|{row['period']}",
            "title": title[: review.MAX_TITLE],
        }
        st.switch_page(
            DETAIL_PAGE, query_params=view.params(unit=row["unit_id"], kpi=row["kpi_id"], period=row["period"])
        )
