"""The figures as they stood at a moment ("the figures we showed at the
October review"), for the pages.

:class:`AsOf` offers the same reads as :mod:`kpi_ui.data` (``org``, ``kpis``,
``periods``, ``card``, ``history``, ``scored_units``), answered from
``Store.as_of(moment)``: a page draws the scorecard of then with the code
that draws today's, given ``figures = as_of or data``. The as-of store of a
moment never goes stale (later changes do not change what stood before), so
it is kept per database and moment in a small ``st.cache_resource``.

The page control (a date, a time and two buttons in a popover), the banner
saying whose figures are shown, and the messages for a moment that cannot
be shown (in the future, before the first upload) are here too. The moment
lives in the URL (``as_of``, see :mod:`kpi_ui.state`), so a shared link
reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from kpi_core import scorecard
from kpi_core.i18n import t
from kpi_core.org import Org
from kpi_core.store import Store
from kpi_ui import data, session
from kpi_ui import state as vs
from kpi_ui.text import plain

VALUE_KINDS = ("targets", "actuals")
DESIGN_ENTITIES = ("kpi", "assignment", "target")
"""Change-log entries that change figures: rules, weights and targets (not validity answers)."""


# --------------------------------------------------------------------------- cached reads of then


@st.cache_resource(show_spinner=False, max_entries=6)
def _store(path: str, moment: str) -> Store:
    # ``path`` keys the cache (tests use several databases); data.store() is that database
    return data.store().as_of(vs.parse_moment(moment))


@st.cache_resource(show_spinner=False, max_entries=6)
def _org(path: str, moment: str) -> Org:
    return Org.from_frame(_store(path, moment).units())


@st.cache_data(show_spinner=False, max_entries=6)
def _kpis(path: str, moment: str) -> pd.DataFrame:
    return _store(path, moment).kpis()


@st.cache_data(show_spinner=False, max_entries=6)
def _periods(path: str, moment: str) -> list[str]:
    return _store(path, moment).periods()


@st.cache_resource(show_spinner=False, max_entries=6)
def _masked_org(path: str, moment: str) -> Org:
    return _org(path, moment).masked(t("access.person_n", "en"), t("access.person_n", "zh"))


# the reader's scope (of today's organisation) applies to the figures of then
# too; the cached results are keyed by it (role, unit) like kpi_ui.data's


@st.cache_data(show_spinner=False, max_entries=64)
def _card(
    path: str, moment: str, unit_id: str, period: str, view: str, role: str, scope_unit: str | None
) -> scorecard.Scorecard:
    allowed = data.scope_of(role, scope_unit)
    return scorecard.build(_store(path, moment), unit_id, period, view, _org(path, moment), scope=allowed)


@st.cache_data(show_spinner=False, max_entries=64)
def _history(
    path: str, moment: str, unit_id: str, periods: tuple[str, ...], role: str, scope_unit: str | None
) -> pd.DataFrame:
    allowed = data.scope_of(role, scope_unit)
    return scorecard.kpi_history(_store(path, moment), unit_id, list(periods), scope=allowed)


@st.cache_data(show_spinner=False, max_entries=64)
def _scored(
    path: str, moment: str, unit_ids: tuple[str, ...], period: str, view: str, role: str, scope_unit: str | None
) -> pd.DataFrame:
    allowed = data.scope_of(role, scope_unit)
    return scorecard.score_units(_store(path, moment), list(unit_ids), period, view, scope=allowed)


@dataclass(frozen=True)
class AsOf:
    """The figures as they stood at ``moment``: the reads of :mod:`kpi_ui.data`, then."""

    moment: datetime

    @property
    def text(self) -> str:
        """The moment as the URL carries it."""
        return vs.moment_text(self.moment)

    @property
    def label(self) -> str:
        """The moment as people read it: '2026-11-05 10:00' (with seconds when it has them)."""
        return shown(self.moment)

    def org(self) -> Org:
        if session.masked():
            return _masked_org(data.db_path(), self.text)
        return _org(data.db_path(), self.text)

    def kpis(self) -> pd.DataFrame:
        return _kpis(data.db_path(), self.text).set_index("kpi_id", drop=False)

    def periods(self) -> list[str]:
        return _periods(data.db_path(), self.text)

    def card(self, unit_id: str, period: str, view: str) -> scorecard.Scorecard:
        return _card(data.db_path(), self.text, unit_id, period, view, *session.scope_key())

    def history(self, unit_id: str, periods: list[str]) -> pd.DataFrame:
        return _history(data.db_path(), self.text, unit_id, tuple(periods), *session.scope_key())

    def scored_units(self, unit_ids: list[str], period: str, view: str) -> pd.DataFrame:
        return _scored(data.db_path(), self.text, tuple(unit_ids), period, view, *session.scope_key())


def shown(moment: datetime) -> str:
    """'2026-11-05 10:00', or '2026-11-05 10:00:07' for a moment with seconds.

    >>> shown(datetime(2026, 11, 5, 10, 0)), shown(datetime(2026, 11, 5, 10, 0, 7, 250))
    ('2026-11-05 10:00', '2026-11-05 10:00:07')
    """
    return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second or moment.microsecond else "%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------- which moment this run shows


def first_upload() -> datetime | None:
    """When the first batch was stored (None: nothing ever was)."""
    batches = data.store().batches()
    return None if batches.empty else pd.Timestamp(batches["uploaded_at"].min()).to_pydatetime()


def resolve(view: vs.ViewState, now: datetime | None = None) -> tuple[vs.ViewState, AsOf | None]:
    """The view to draw and its moment (None: the current figures).

    A moment in the future, or before the first upload, cannot be shown: a
    warning says so, the moment is dropped from the view and the address bar,
    and the current figures are shown."""
    if not view.as_of:
        return view, None
    moment = vs.parse_moment(view.as_of)
    lang = view.lang
    if moment is None:  # resolve() only lets valid moments through; kept for a hand-made state
        return _drop(view), None
    first = first_upload()
    if moment > (now or datetime.now()):
        st.warning(t("asof.future", lang, moment=shown(moment)), icon=":material/schedule:")
        return _drop(view), None
    if first is None or moment < first:
        first_text = shown(first.replace(microsecond=0)) if first is not None else "–"
        st.warning(t("asof.before_data", lang, moment=shown(moment), first=first_text), icon=":material/history:")
        return _drop(view), None
    return view, AsOf(moment)


def _drop(view: vs.ViewState) -> vs.ViewState:
    out = replace(view, as_of=None)
    st.session_state[vs.SESSION_KEY] = out
    if "as_of" in st.query_params:
        del st.query_params["as_of"]
    return out


def changes_since(moment: datetime) -> tuple[int, int]:
    """(values restated, design edits) after ``moment``: the targets and
    actuals later uploads or rollbacks replaced, and the edits of rules,
    weights and targets on the design pages."""
    batches = data.store().batches()
    later = batches[(batches["uploaded_at"] > moment) & batches["kind"].isin(VALUE_KINDS)]
    log = data.store().change_log()
    edits = log[(log["changed_at"] > moment) & log["entity"].isin(DESIGN_ENTITIES)]
    return int(later["rows_changed"].sum()), len(edits)


# --------------------------------------------------------------------------- the pieces of the page


POPOVER_KEY = "asof_popover"


def _go_current() -> None:
    st.session_state[POPOVER_KEY] = False  # the popover closes: the page under it changed
    if "as_of" in st.query_params:
        del st.query_params["as_of"]


def _apply() -> None:
    day, time_ = st.session_state.get("asof_date"), st.session_state.get("asof_time")
    if day is None or time_ is None:
        return
    st.session_state[POPOVER_KEY] = False
    st.query_params["as_of"] = vs.moment_text(datetime.combine(day, time_))


def control(view: vs.ViewState) -> None:
    """The 'As of' popover: a date and a time, 'show the figures of then', and
    'back to current figures' while a moment is shown (then the button is
    filled in; the banner under the title names the moment)."""
    lang = view.lang
    moment = vs.parse_moment(view.as_of) if view.as_of else None
    label = t("asof.control", lang)
    # the fields show this run's moment (or now); edits wait in the form until submitted
    start = moment or datetime.now().replace(second=0, microsecond=0)
    st.session_state["asof_date"] = start.date()
    st.session_state["asof_time"] = start.time().replace(second=0, microsecond=0)
    kind = "primary" if moment else "secondary"
    with st.popover(label, icon=":material/history:", type=kind, key=POPOVER_KEY, on_change="rerun"):
        st.caption(t("asof.intro", lang))
        with st.form("asof_form", border=False):
            left, right = st.columns(2)
            left.date_input(t("asof.date", lang), key="asof_date", format="YYYY-MM-DD")
            right.time_input(t("asof.time", lang), key="asof_time", step=timedelta(minutes=1))
            st.form_submit_button(t("asof.apply", lang), on_click=_apply, icon=":material/history:")
        if moment:
            st.button(t("asof.current", lang), key="asof_current_pop", on_click=_go_current, icon=":material/update:")


def banner(then: AsOf, view: vs.ViewState, alerts_left_out: bool = False) -> None:
    """'Figures as they stood on 2026-11-05 10:00 (3 values restated and 1
    rule, weight or target edit since).' with the way back to the current figures."""
    lang = view.lang
    values, edits = changes_since(then.moment)
    parts = []
    if values:
        parts.append(t("asof.restated.one" if values == 1 else "asof.restated.other", lang, n=values))
    if edits:
        parts.append(t("asof.edits.one" if edits == 1 else "asof.edits.other", lang, n=edits))
    if parts:
        text = t("asof.banner", lang, moment=then.label, changes=t("asof.and", lang).join(parts))
    else:
        text = t("asof.banner_unchanged", lang, moment=then.label)
    with st.container(horizontal=True, vertical_alignment="center", key="asof_banner"):
        st.info(plain(text), icon=":material/history:")
        st.button(t("asof.current", lang), key="asof_current", on_click=_go_current, icon=":material/update:")
    if alerts_left_out:
        st.caption(t("asof.no_alerts", lang))


def missing(then: AsOf, view: vs.ViewState) -> bool:
    """Say so, and return True, when the unit or the month did not exist yet then."""
    lang = view.lang
    if view.unit not in then.org():
        name = plain(data.org().name(view.unit, lang))
        st.info(t("asof.no_unit", lang, unit=name, moment=then.label), icon=":material/info:")
        return True
    if view.period not in then.periods():
        st.info(t("asof.no_period", lang, period=view.period, moment=then.label), icon=":material/info:")
        return True
    return False
