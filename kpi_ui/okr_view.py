"""The OKR and value-points page's widgets (issue 18, items 1-2).

OKRs: a unit's objectives of a quarter, each with its key results and
scores, the history by quarter, a form to update a key result's current
value and confidence, and a form to create an objective with its key
results (both ``update_okr``). Value points: a person's approved points by
quarter and type, a department's totals (persons named only within the
reader's scope), the form to record an event and the list of events
waiting for the reader's approval (``approve_value_points``).
Every write is one audited batch (:mod:`kpi_core.okr`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kpi_core import access, okr
from kpi_core.i18n import error_text, t
from kpi_core.org import Org
from kpi_core.store import StoreError
from kpi_ui import data, session
from kpi_ui.state import ViewState
from kpi_ui.text import plain

FLASH_KEY = "okr_flash"
SHOW_KEY = "okr_show_created"
"""(unit, quarter) of an objective just created: the panel shows it next."""
FORM_ROUND_KEY = "okr_new_round"
"""Bumped after each objective created: the form's widgets start empty again."""
MISSING = "–"


def page(state: ViewState) -> None:
    lang = state.lang
    note = st.session_state.pop(FLASH_KEY, None)
    if note:
        st.success(note, icon=":material/check:")
        st.toast(note, icon=":material/check:")  # seen where the form was, far below the top
    org = data.org()
    tab_okr, tab_points = st.tabs([t("okr.tab.okr", lang), t("okr.tab.points", lang)])
    with tab_okr:
        okr_panel(state, org, lang)
    with tab_points:
        points_panel(state, org, lang)


# --------------------------------------------------------------------------- OKRs


def _units_in_view(org: Org) -> list[str]:
    scope = session.scope()
    return [u for u in org.subtree(org.company_id) if org.kind(u) != "person" and scope.allows(u)]


def okr_panel(state: ViewState, org: Org, lang: str) -> None:
    st.caption(t("okr.intro", lang))
    store = data.store()
    units = _units_in_view(org)
    if not units:
        return
    created = st.session_state.pop(SHOW_KEY, None)
    if created is not None and created[0] not in units:
        created = None
    if created is not None:  # an objective just created: its unit and quarter are shown
        st.session_state["okr_unit"] = created[0]
    with_okrs = set(store.objectives()["unit_id"])
    start = state.unit if state.unit in units and state.unit in with_okrs else None
    if start is None:
        start = next((u for u in units if u in with_okrs), units[0])
    pick_unit, pick_quarter, mean = st.columns([2, 1, 1])
    unit = pick_unit.selectbox(
        t("okr.unit", lang),
        units,
        index=None if created is not None else units.index(start),  # None: the state's value, no warning
        format_func=lambda u: org.name(u, lang),
        key="okr_unit",
    )
    objectives = store.objectives(unit_id=unit)
    may_write = session.allowed("update_okr", unit)
    if objectives.empty:
        none = "okr_form.none" if may_write else "okr.none"
        st.info(t(none, lang, unit=plain(org.name(unit, lang))), icon=":material/info:")
        if may_write:
            new_objective_form(unit, org, lang)
        return
    quarters = sorted(set(objectives["quarter"]), reverse=True)
    shown = created is not None and created[1] in quarters
    if shown:
        st.session_state["okr_quarter"] = created[1]
    quarter = pick_quarter.selectbox(t("okr.quarter", lang), quarters, index=None if shown else 0, key="okr_quarter")
    these = objectives[objectives["quarter"] == quarter]
    krs = store.key_results(list(these["objective_id"]))
    scored = okr.objective_scores(these, krs)
    mean.metric(t("okr.quarter_score", lang), _pct(okr.quarter_score(scored)))
    year = int(str(quarter)[:4])
    counted = okr.counted_in_total(store, unit, year)
    unit_name = plain(org.name(unit, lang))
    if counted.empty:
        st.caption(t("okr.not_counted", lang, unit=unit_name, year=year))
    else:
        for task in counted.itertuples():
            st.caption(
                t("okr.counted", lang, unit=unit_name, year=year, task=plain(task.task_id), weight=f"{task.weight:g}")
            )
    krs_scored = okr.scored_key_results(krs)
    shares, weighted = okr.shares(scored)
    for _, objective in scored.iterrows():
        mine = krs_scored[krs_scored["objective_id"] == objective["objective_id"]]
        _objective(objective, mine, shares.get(objective["objective_id"]), weighted, org, lang)
    st.subheader(t("okr.history", lang))
    history = okr.quarter_history(store, unit)
    st.dataframe(
        pd.DataFrame(
            {
                t("okr.col.quarter", lang): history["quarter"],
                t("okr.col.objectives", lang): history["objectives"].astype(int),
                t("okr.col.mean", lang): [_pct(v) for v in history["score"]],
            }
        ),
        hide_index=True,
        key="okr_history",
    )
    if may_write:
        update_form(krs_scored, lang)
        edit_form(these, lang)
        new_objective_form(unit, org, lang)


def _share_note(weight: object, share: float | None, weighted: bool, lang: str) -> None:
    """What the objective counts in the quarter's score, as the engine weighs it;
    a weight the engine does not apply (not every objective has one) is said so."""
    if share is None:  # no key result scored yet: not in the quarter's score
        return
    given = pd.notna(weight) and float(weight) > 0
    if weighted:
        st.caption(t("okr.share_weighted", lang, share=f"{share:.0%}", weight=f"{float(weight):g}"))
    elif given:
        st.caption(t("okr.share_weight_ignored", lang, share=f"{share:.0%}", weight=f"{float(weight):g}"))
    else:
        st.caption(t("okr.share_equal", lang, share=f"{share:.0%}"))


def _objective(
    objective: pd.Series, krs: pd.DataFrame, share: float | None, weighted: bool, org: Org, lang: str
) -> None:
    title = _title(objective, lang)
    with st.container(border=True):
        left, right = st.columns([4, 1])
        left.markdown(f"**{plain(title)}**")
        right.metric(t("okr.objective_score", lang), _pct(objective["score"]), label_visibility="collapsed")
        score = objective["score"]
        st.progress(0.0 if pd.isna(score) else float(score))
        _share_note(objective["weight"], share, weighted, lang)

        rows = pd.DataFrame(
            {
                t("okr.col.kr", lang): [_title(r, lang) for _, r in krs.iterrows()],
                t("okr.col.owner", lang): [_owner(o, org, lang) for o in krs["owner"]],
                t("okr.col.start", lang): [_num(v) for v in krs["start"]],
                t("okr.col.target", lang): [_num(v) for v in krs["target"]],
                t("okr.col.current", lang): [
                    _num(c) if pd.isna(p) else t("okr.progress_given", lang, value=_pct(p))
                    for c, p in zip(krs["current"], krs["progress"], strict=True)
                ],
                t("okr.col.score", lang): [_pct(v) for v in krs["score"]],
                t("okr.col.confidence", lang): [_num(v) for v in krs["confidence"]],
            }
        )
        st.dataframe(rows, hide_index=True, width="stretch", key=f"okr_krs_{objective['objective_id']}")


def update_form(krs: pd.DataFrame, lang: str) -> None:
    with st.expander(t("okr.update", lang)):
        ids = list(krs["kr_id"])
        titles = {r["kr_id"]: _title(r, lang) for _, r in krs.iterrows()}
        kr_id = st.selectbox(
            t("okr.update.kr", lang), ids, format_func=lambda k: f"{k} · {titles[k]}", key="okr_update_kr"
        )
        row = krs[krs["kr_id"] == kr_id].iloc[0]
        by_progress = pd.notna(row["progress"])
        with st.form("okr_update_form", border=False):
            if by_progress:
                st.caption(t("okr.update.progress_only", lang))
                current = None
            else:
                current = st.number_input(
                    t("okr.update.current", lang),
                    value=None if pd.isna(row["current"]) else float(row["current"]),
                    format="%g",
                    key=f"okr_update_current_{kr_id}",
                )
            confidence = st.slider(
                t("okr.update.confidence", lang),
                0.0,
                1.0,
                value=0.5 if pd.isna(row["confidence"]) else float(row["confidence"]),
                step=0.05,
                key=f"okr_update_confidence_{kr_id}",
            )
            if st.form_submit_button(t("okr.update.save", lang), type="primary", key="okr_update_save"):
                _write(
                    lambda: okr.update_key_result(
                        data.store(),
                        kr_id,
                        current=row["current"] if by_progress else current,
                        confidence=float(confidence),
                        viewer=session.viewer(),
                        scope=session.scope(),
                        by=session.who(),
                    ),
                    lambda result: (
                        t("okr.update.saved", lang, kr=kr_id, batch=result.batch_id)
                        if result.batch_id is not None
                        else t("okr.update.unchanged", lang)
                    ),
                    lang,
                )


def edit_form(objectives: pd.DataFrame, lang: str) -> None:
    """Change an objective's titles and weight (:func:`kpi_core.okr.edit_objective`):
    one audited batch, refused with the objectives file's own reasons."""
    with st.expander(t("okr_edit.open", lang), icon=":material/edit:"):
        ids = list(objectives["objective_id"])
        titles = {r["objective_id"]: _title(r, lang) for _, r in objectives.iterrows()}
        objective_id = st.selectbox(
            t("okr_edit.objective", lang), ids, format_func=lambda o: f"{o} · {titles[o]}", key="okr_edit_objective"
        )
        row = objectives[objectives["objective_id"] == objective_id].iloc[0]
        key = f"okr_edit_{objective_id}_"
        with st.form("okr_edit_form", border=False):
            left, right = st.columns(2)
            title = left.text_input(
                t("okr_form.title", lang), value=_text(row["title"]), max_chars=200, key=key + "title"
            )
            title_zh = right.text_input(
                t("okr_form.title_zh", lang), value=_text(row["title_zh"]), max_chars=200, key=key + "title_zh"
            )
            weight_col, _ = st.columns([1, 3])
            weight = weight_col.number_input(
                t("okr_form.weight", lang),
                value=None if pd.isna(row["weight"]) else float(row["weight"]),
                format="%g",
                help=t("okr_form.weight_help", lang),
                key=key + "weight",
            )
            saved = st.form_submit_button(t("okr_edit.save", lang), type="primary", key="okr_edit_save")
        if saved:
            _edit(objective_id, title, title_zh, weight, lang)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _edit(objective_id: str, title: str, title_zh: str, weight: float | None, lang: str) -> None:
    try:
        done = okr.edit_objective(
            data.store(),
            objective_id,
            title=title,
            title_zh=title_zh,
            weight=weight,
            viewer=session.viewer(),
            scope=session.scope(),
            by=session.who(),
        )
    except okr.FormRefused as refused:
        lines = okr.form_problems(refused, lang)
        st.error(
            t("okr_edit.refused", lang, count=len(lines)) + "\n\n" + "\n".join(f"- {plain(line)}" for line in lines),
            icon=":material/block:",
        )
        return
    except (okr.OkrError, access.AccessError, StoreError) as exc:
        text = t(exc.key, lang, **exc.params) if isinstance(exc, okr.OkrError) else error_text(exc, lang)
        st.error(text, icon=":material/block:")
        return
    data.clear_caches()
    st.session_state[FLASH_KEY] = (
        t("okr_edit.saved", lang, objective=objective_id, batch=done.batch_id)
        if done.batch_id is not None
        else t("okr.update.unchanged", lang)
    )
    st.rerun()


def new_objective_form(unit: str, org: Org, lang: str) -> None:
    """An objective of ``unit`` with 2-5 key results, checked by the files'
    own validation and stored in one transaction (:func:`kpi_core.okr.create_objective`).

    A fixed number of key-result rows (picked above the form: 2-5, default
    3) rather than an editable table: every field keeps its label at
    1366x768, an owner can be picked from the unit's persons or typed, and
    the rows are AppTest-able. Rows left empty are dropped."""
    round_ = st.session_state.get(FORM_ROUND_KEY, 0)
    with st.expander(t("okr_form.new", lang), icon=":material/add:"):
        st.caption(t("okr_form.intro", lang, unit=plain(org.name(unit, lang))))
        count = st.segmented_control(
            t("okr_form.count", lang),
            list(range(okr.MIN_KRS, okr.MAX_KRS + 1)),
            default=3,
            required=True,
            key=f"okr_new_{round_}_count",
        )
        scope = session.scope()
        persons = [u for u in org.subtree(unit) if org.kind(u) == "person" and scope.persons and scope.allows(u)]
        key = f"okr_new_{round_}_"
        with st.form(f"okr_new_form_{round_}", border=False):
            left, right = st.columns(2)
            title = left.text_input(t("okr_form.title", lang), max_chars=200, key=key + "title")
            title_zh = right.text_input(t("okr_form.title_zh", lang), max_chars=200, key=key + "title_zh")
            quarter_col, weight_col, _ = st.columns([1, 1, 2])
            quarter = quarter_col.text_input(
                t("okr_form.quarter", lang), value=okr.quarter_of(date.today()), max_chars=6, key=key + "quarter"
            )
            weight = weight_col.number_input(
                t("okr_form.weight", lang),
                value=None,
                format="%g",
                help=t("okr_form.weight_help", lang),
                key=key + "weight",
            )
            rows = [_kr_fields(n, key, persons, org, lang) for n in range(1, int(count or 3) + 1)]
            saved = st.form_submit_button(t("okr_form.save", lang), type="primary", key=key + "save")
        if saved:
            _create(unit, title, title_zh, quarter, weight, [r for r in rows if not _empty(r)], lang)


def _kr_fields(n: int, key: str, persons: list[str], org: Org, lang: str) -> dict:
    """One key result's fields in a bordered box: titles and owner, then the numbers."""
    key = f"{key}kr{n}_"
    with st.container(border=True):
        st.markdown(f"**{t('okr_form.kr', lang, n=n)}**")
        title_col, zh_col, owner_col = st.columns([3, 3, 2])
        out = {
            "title": title_col.text_input(t("okr_form.kr.title", lang), max_chars=200, key=key + "title"),
            "title_zh": zh_col.text_input(t("okr_form.kr.title_zh", lang), max_chars=200, key=key + "title_zh"),
            "owner": owner_col.selectbox(
                t("okr_form.kr.owner", lang),
                persons,
                index=None,
                format_func=lambda u: org.name(u, lang),
                accept_new_options=True,
                placeholder=t("okr_form.kr.owner_placeholder", lang),
                key=key + "owner",
            ),
        }
        cols = st.columns(5)
        for col, field in zip(cols[:4], ("start", "target", "current", "progress"), strict=True):
            out[field] = col.number_input(
                t(f"okr_form.kr.{field}", lang),
                value=None,
                format="%g",
                help=t("okr_form.kr.progress_help", lang) if field == "progress" else None,
                key=key + field,
            )
        out["confidence"] = cols[4].number_input(
            t("okr_form.kr.confidence", lang), value=0.5, step=0.05, format="%g", key=key + "confidence"
        )
    return out


def _empty(row: dict) -> bool:
    """A key-result row with nothing entered (its confidence left as it was)."""
    texts = (row["title"], row["title_zh"], row["owner"])
    numbers = (row["start"], row["target"], row["current"], row["progress"])
    return not any((v or "").strip() for v in texts) and all(v is None for v in numbers)


def _create(unit: str, title: str, title_zh: str, quarter: str, weight, krs: list[dict], lang: str) -> None:
    row = {"unit_id": unit, "quarter": quarter, "title": title, "title_zh": title_zh, "weight": weight}
    try:
        created = okr.create_objective(
            data.store(), row, krs, viewer=session.viewer(), scope=session.scope(), by=session.who()
        )
    except okr.FormRefused as refused:
        lines = okr.form_problems(refused, lang)
        st.error(
            t(refused.key, lang, count=len(lines)) + "\n\n" + "\n".join(f"- {plain(line)}" for line in lines),
            icon=":material/block:",
        )
        return
    except (access.AccessError, StoreError) as exc:
        st.error(error_text(exc, lang), icon=":material/block:")
        return
    data.clear_caches()
    batches = ", ".join(str(b) for b in (created.objective_batch, created.key_results_batch) if b is not None)
    st.session_state[FLASH_KEY] = t(
        "okr_form.saved", lang, objective=created.objective_id, count=len(created.kr_ids), batches=batches
    )
    st.session_state[SHOW_KEY] = (unit, quarter.strip().upper())
    st.session_state[FORM_ROUND_KEY] = st.session_state.get(FORM_ROUND_KEY, 0) + 1
    st.rerun()


# --------------------------------------------------------------------------- value points


def points_panel(state: ViewState, org: Org, lang: str) -> None:
    st.caption(t("okr.points.intro", lang))
    scope = session.scope()
    events = data.store().value_events()
    persons = [u for u in org.subtree(org.company_id) if org.kind(u) == "person" and scope.persons and scope.allows(u)]
    st.subheader(t("okr.points.person", lang))
    if persons:
        _person(state, org, events, persons, lang)
    else:
        st.caption(t("okr.points.no_persons", lang))
    st.subheader(t("okr.points.department", lang))
    _department(state, org, events, scope, lang)
    if session.allowed("record_value_points"):
        record_form(org, persons, lang)
    if session.allowed("approve_value_points"):
        approvals(org, events, lang)


def _person(state: ViewState, org: Org, events: pd.DataFrame, persons: list[str], lang: str) -> None:
    start = state.unit if state.unit in persons else _busiest(org, events, persons, state.unit)
    person = st.selectbox(
        t("okr.points.pick_person", lang),
        persons,
        index=persons.index(start),
        format_func=lambda u: org.name(u, lang),
        key="okr_person",
    )
    mine = events[events["unit_id"] == person]
    table = okr.person_points(mine)
    approved, pending = st.columns(2)
    approved.metric(t("okr.points.sum", lang), _num(table["total"].sum() if not table.empty else 0))
    pending.metric(t("okr.points.pending", lang), int((mine["status"] == "pending").sum()))
    if table.empty:
        st.caption(t("okr.points.none", lang))
    else:
        shown = table.rename(
            columns={c: t(f"okr.type.{c}", lang) for c in okr.VALUE_TYPES} | {"total": t("okr.points.total", lang)}
        )
        shown.index.name = t("okr.col.quarter", lang)
        st.dataframe(shown.map(_num).reset_index(), hide_index=True, key="okr_person_points")
    if not mine.empty:
        with st.expander(t("okr.points.events", lang) + f" ({len(mine)})"):
            st.dataframe(_events_table(mine, org, lang), hide_index=True, width="stretch", key="okr_person_events")


def _busiest(org: Org, events: pd.DataFrame, persons: list[str], unit: str) -> str:
    """The person shown first: of the sidebar's unit (when it has any in
    view), the one with the most approved points."""
    below = set(org.subtree(unit)) if unit in org else set()
    mine = [p for p in persons if p in below] or persons
    approved = events[(events["status"] == "approved") & events["unit_id"].isin(mine)]
    points = approved.groupby("unit_id")["points"].sum()
    return str(points.idxmax()) if not points.empty else mine[0]


def _department(state: ViewState, org: Org, events: pd.DataFrame, scope: access.Scope, lang: str) -> None:
    units = _units_in_view(org)
    quarters = sorted({okr.quarter_of(d) for d in events["event_date"]}, reverse=True)
    if not units or not quarters:
        st.caption(t("okr.points.no_quarters", lang))
        return
    left, right = st.columns(2)
    start = state.unit if state.unit in units else units[0]
    unit = left.selectbox(
        t("okr.points.pick_unit", lang),
        units,
        index=units.index(start),
        format_func=lambda u: org.name(u, lang),
        key="okr_points_unit",
    )
    quarter = right.selectbox(t("okr.quarter", lang), quarters, key="okr_points_quarter")
    view = okr.department_view(events, org, scope, unit, quarter)
    a, b = st.columns(2)
    a.metric(t("okr.points.sum", lang), _num(view["total"]))
    b.metric(t("okr.points.count", lang), view["events"])
    if view["by_unit"]:
        st.markdown(f"**{t('okr.points.by_unit', lang)}**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("okr.col.unit", lang): [org.name(u, lang) for u in view["by_unit"]],
                    t("okr.col.points", lang): [_num(v) for v in view["by_unit"].values()],
                }
            ),
            hide_index=True,
            key="okr_points_by_unit",
        )
    if view["persons"]:
        st.markdown(f"**{t('okr.points.by_person', lang)}**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("okr.col.person", lang): [org.name(u, lang) for u, _ in view["persons"]],
                    t("okr.col.unit", lang): [org.name(org.parent(u) or u, lang) for u, _ in view["persons"]],
                    t("okr.col.points", lang): [_num(p) for _, p in view["persons"]],
                }
            ),
            hide_index=True,
            key="okr_points_by_person",
        )
    if view["hidden"]:
        st.caption(t("okr.points.hidden", lang, count=view["hidden"]))


def record_form(org: Org, persons: list[str], lang: str) -> None:
    with st.expander(t("okr.record", lang)), st.form("okr_record_form", border=False):
        person = None
        if persons:
            person = st.selectbox(
                t("okr.points.pick_person", lang),
                persons,
                format_func=lambda u: org.name(u, lang),
                index=None,
                key="okr_record_person",
            )
        typed = st.text_input(t("okr.record.person_id", lang), key="okr_record_person_id")
        type_id = st.selectbox(
            t("okr.record.type", lang),
            list(okr.VALUE_TYPES),
            format_func=lambda k: t(
                "okr.type_points", lang, name=t(f"okr.type.{k}", lang), points=f"{okr.VALUE_TYPES[k].points:g}"
            ),
            key="okr_record_type",
        )
        day = st.date_input(
            t("okr.record.date", lang), value=date.today(), max_value=date.today(), key="okr_record_date"
        )
        evidence = st.text_area(t("okr.record.evidence", lang), max_chars=2000, key="okr_record_evidence")
        if st.form_submit_button(t("okr.record.save", lang), type="primary", key="okr_record_save"):
            target = (typed or "").strip() or person or ""
            _write(
                lambda: okr.record_value_event(
                    data.store(),
                    org,
                    unit_id=target,
                    type_id=type_id,
                    event_date=day,
                    evidence=evidence,
                    viewer=session.viewer(),
                    by=session.who(),
                )[0],
                lambda event_id: t("okr.record.saved", lang, event=event_id),
                lang,
            )


def approvals(org: Org, events: pd.DataFrame, lang: str) -> None:
    pending = events[events["status"] == "pending"]
    mine = pending[[session.allowed("approve_value_points", u) for u in pending["unit_id"]]]
    st.subheader(t("okr.approve", lang))
    if mine.empty:
        st.caption(t("okr.approve.none", lang))
        return
    for _, event in mine.iterrows():
        with st.container(border=True):
            st.markdown(
                f"**{plain(org.name(event['unit_id'], lang))}** · {t('okr.type.' + event['type_id'], lang)} · "
                f"{t('okr.points_n', lang, points=_num(event['points']))} · {event['event_date']}"
            )
            st.caption(plain(event["evidence"]))
            event_id = event["event_id"]
            buttons = st.container(horizontal=True, gap="small")
            for approve, label in ((True, "okr.approve.yes"), (False, "okr.approve.no")):
                if buttons.button(
                    t(label, lang), key=f"okr_decide_{event_id}_{approve}", type="primary" if approve else "secondary"
                ):
                    _write(
                        lambda event_id=event_id, approve=approve: okr.decide_value_event(
                            data.store(),
                            event_id,
                            approve=approve,
                            viewer=session.viewer(),
                            scope=session.scope(),
                            by=session.who(),
                        ),
                        lambda _, event_id=event_id, approve=approve: t(
                            "okr.approve.done",
                            lang,
                            event=event_id,
                            status=t("okr.status." + ("approved" if approve else "rejected"), lang),
                        ),
                        lang,
                    )


# --------------------------------------------------------------------------- helpers


def _events_table(events: pd.DataFrame, org: Org, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("okr.col.date", lang): events["event_date"],
            t("okr.col.type", lang): [t(f"okr.type.{k}", lang) for k in events["type_id"]],
            t("okr.col.points", lang): [_num(v) for v in events["points"]],
            t("okr.col.status", lang): [t(f"okr.status.{s}", lang) for s in events["status"]],
            t("okr.col.evidence", lang): events["evidence"],
            t("okr.col.recorded_by", lang): events["recorded_by"].map(lambda v: _owner(v, org, lang)),
            t("okr.col.approved_by", lang): events["approved_by"].map(lambda v: _owner(v, org, lang)),
        }
    )


def _write(attempt, done, lang: str) -> None:
    try:
        result = attempt()
    except okr.OkrError as exc:
        st.error(t(exc.key, lang, **exc.params), icon=":material/block:")
        return
    except (access.AccessError, StoreError) as exc:
        st.error(error_text(exc, lang), icon=":material/block:")
        return
    data.clear_caches()
    st.session_state[FLASH_KEY] = done(result)
    st.rerun()


def _title(row: pd.Series, lang: str) -> str:
    zh = row.get("title_zh")
    return zh if lang == "zh" and isinstance(zh, str) and zh else str(row["title"])


def _owner(value: object, org: Org, lang: str) -> str:
    """An owner or recorder: a unit's name when it names a unit the reader may
    see, else the text as written (an account name)."""
    if not isinstance(value, str) or not value:
        return MISSING
    if value in org and session.scope().may_name(value, org):
        return org.name(value, lang)
    return MISSING if value in org else value


def _pct(value: object) -> str:
    # "or 0.0": a falling target not yet moved scores -0.0, shown "0%", not "-0%"
    return MISSING if value is None or pd.isna(value) else f"{float(value) or 0.0:.0%}"


def _num(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    return f"{float(value):,.4g}" if isinstance(value, (int, float)) else str(value)
