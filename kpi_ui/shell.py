"""The frame every page shares: page list, theme, meeting mode and the sidebar
(language, period, view, the unit's breadcrumb, a link to this view).

``app.py`` calls :func:`resolve_current` before ``st.set_page_config`` (the
sidebar starts collapsed in meeting mode) and :func:`sidebar` before running
the selected page. Pages then read :func:`kpi_ui.state.current`.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi_core import access
from kpi_core.i18n import LANGUAGE_NAMES, LANGUAGES, error_text, t
from kpi_core.model import VIEWS
from kpi_core.store import StoreError
from kpi_ui import data, session, theme
from kpi_ui.design import kpi_names
from kpi_ui.state import SESSION_KEY, Notice, ViewState, resolve
from kpi_ui.text import plain

log = logging.getLogger(__name__)
if not logging.getLogger().handlers and not log.handlers:  # Streamlit leaves the root logger bare
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)


@dataclass(frozen=True)
class PageDef:
    path: str
    title_key: str
    icon: str
    default: bool = False
    section: str = "nav.section.scorecard"
    """The navigation's heading the page is listed under (a translation key)."""


PAGES: tuple[PageDef, ...] = (
    PageDef("pages/1_scorecard.py", "page.scorecard", ":material/dashboard:", default=True),
    PageDef("pages/2_kpi_detail.py", "page.kpi_detail", ":material/query_stats:"),
    PageDef("pages/3_alerts.py", "page.alerts", ":material/notifications:"),
    PageDef("pages/9_review.py", "page.review", ":material/groups:"),  # issue 16: the business review
    PageDef("pages/4_upload.py", "page.upload", ":material/upload_file:", section="nav.section.data"),
    PageDef("pages/8_my_updates.py", "page.my_updates", ":material/edit_note:", section="nav.section.data"),
    PageDef("pages/5_kpi_dictionary.py", "page.dictionary", ":material/menu_book:", section="nav.section.data"),
    PageDef("pages/6_scorecard_design.py", "page.design", ":material/tune:", section="nav.section.data"),
    PageDef("pages/7_requests.py", "page.requests", ":material/approval:", section="nav.section.data"),
    # issue 18: OKRs and value points, 360-degree reviews, fairness of ratings; issue 17: bonuses
    PageDef("pages/11_okr.py", "page.okr", ":material/flag:", section="nav.section.people"),
    PageDef("pages/12_360.py", "page.r360", ":material/360:", section="nav.section.people"),
    PageDef("pages/10_bonus.py", "page.bonus", ":material/payments:", section="nav.section.people"),
    PageDef("pages/13_fairness.py", "page.fairness", ":material/balance:", section="nav.section.people"),
)

#: Pages listed in the navigation only to accounts that may do this action
#: (each page checks again when it runs: a URL typed by hand gets "not permitted").
PAGE_ACTION = {
    "pages/4_upload.py": "upload",
    "pages/6_scorecard_design.py": "edit_design",
    "pages/10_bonus.py": "see_pay",  # issue 17: pay is an admin's
    "pages/13_fairness.py": "see_fairness",  # issue 18: HR (admins) only
}


def resolve_current() -> ViewState:
    """Resolve this run's view state from the URL (and the session's last one)."""
    org = data.org()
    scope = data.scope()
    state = resolve(
        dict(st.query_params),
        org=org,
        periods=data.periods(),
        kpi_ids=set(data.kpis().index) | data.task_ids(),  # a task's view too (issue 14)
        previous=st.session_state.get(SESSION_KEY),
        default_period=data.latest_scored_period(),
        default_unit=scope.root if scope.root is not None and scope.allows(scope.root) else None,
    )
    st.session_state[SESSION_KEY] = state
    return state


URL_KEY = "url_shown"
"""Session key: (page, query parameters) this session last put in the address bar."""


def sync_url(state: ViewState, page: str | None = None) -> None:
    """Make the address bar say what is shown, with a history entry.

    Writing ``st.query_params`` makes the browser push a history entry (or,
    after Back or Forward, replace the current one), so Back returns to the
    view before and a reload keeps this one. It is written when the run's
    parameters differ from the state (a fallback, a page picked in the
    navigation), and when this ``page`` ran last time with other parameters
    than the state's: a ``st.page_link`` to the page already open (the
    sidebar's breadcrumb) reruns it with the link's parameters but leaves the
    address bar as it was. The browser ignores a write of what it already
    shows (a reload). A run for Back or Forward is left alone: the address
    bar already holds its view, and two quick Backs would otherwise have the
    first run write its view over the second's. A link to another page is left
    to the browser, which puts that page's path and the link's parameters in
    the address bar itself (writing them too would push a second entry under
    the old path).
    """
    params = state.params()
    last = st.session_state.get(URL_KEY)
    moved_within_page = last is not None and last[0] == page and last[1] != params and not history_navigation()
    if dict(st.query_params) != params or moved_within_page:
        st.query_params.from_dict(params)
    st.session_state[URL_KEY] = (page, params)


def history_navigation() -> bool:
    """Whether this run was asked for by the browser's Back or Forward button.

    Such a run shows the view of the address bar, and no widget's callback
    may write the URL in it: a sidebar widget set to the previous view's
    value in the run before (see :func:`_widget`) may come back from the
    browser with a stale value, and its callback would undo the Back (two
    quick Backs landed on the view they left)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def show_notices(state: ViewState) -> None:
    for notice in state.notices:
        # the value is whatever the URL held: shown as text, never as Markdown
        names = {name: plain(value) for name, value in notice.params}
        st.warning(t(notice.key, state.lang, value=plain(notice.value), **names), icon=":material/info:")


DETAIL_PAGE_PATH = "kpi_detail"


def kpi_on_scorecard(state: ViewState, page: str | None) -> ViewState:
    """On the KPI detail page, a KPI that is not on the unit's scorecard
    (``kpi=REV`` at HR) is replaced by the unit's first KPI, with a notice,
    before anything is drawn: the address bar and the sidebar's link then
    say what the page shows, as for a unit or month that does not exist."""
    if page != DETAIL_PAGE_PATH or not state.kpi:
        return state
    assigned = list(data.card(state.unit, state.period, state.view).kpis["kpi_id"])
    if not assigned or state.kpi in assigned:
        return state
    names = kpi_names(data.kpis(), state.lang)

    def name(kpi_id: str) -> str:
        return names.get(kpi_id, kpi_id)

    notice = Notice(
        "notice.kpi_not_assigned",
        state.kpi,
        (
            ("kpi", name(state.kpi)),
            ("unit", data.org().name(state.unit, state.lang)),
            ("year", state.period[:4]),
            ("shown", name(assigned[0])),
        ),
    )
    return replace(state, kpi=assigned[0], notices=(*state.notices, notice))


# --------------------------------------------------------------------------- sidebar


def _set_param(name: str, key: str) -> None:
    value = st.session_state[key]
    if value is None or history_navigation():
        return
    if name == "meeting":
        value = "1" if value else ""
    params = dict(st.query_params)
    params[name] = value
    if name == "unit":
        params.pop("kpi", None)
    st.query_params.from_dict({k: v for k, v in params.items() if v})


def _widget(key: str, value: object) -> str:
    """Let the widget show the state of this run (a link or Back may have
    changed it since the widget last ran)."""
    st.session_state[key] = value
    return key


def sidebar(state: ViewState) -> None:
    lang = state.lang
    org = data.org()
    periods = data.periods()
    with st.sidebar:
        session.sidebar_block(data.store(), lang, state.meeting)
        st.segmented_control(
            t("ui.language", lang),
            list(LANGUAGES),
            format_func=LANGUAGE_NAMES.get,
            key=_widget("sb_lang", lang),
            on_change=_set_param,
            args=("lang", "sb_lang"),
        )
        st.selectbox(
            t("ui.period", lang),
            periods[::-1],
            key=_widget("sb_period", state.period),
            on_change=_set_param,
            args=("period", "sb_period"),
        )
        st.segmented_control(
            t("ui.view", lang),
            list(VIEWS),
            format_func=lambda v: t(f"view.{v}", lang),
            key=_widget("sb_view", state.view),
            on_change=_set_param,
            args=("view", "sb_view"),
        )
        _breadcrumb(state, org)
        labels = data.unit_labels(lang)  # built once per language: 10,000 units
        st.selectbox(
            t("ui.find_unit", lang),
            list(labels),
            format_func=labels.get,
            key=_widget("sb_unit", state.unit),
            on_change=_set_param,
            args=("unit", "sb_unit"),
        )
        st.toggle(
            t("ui.meeting_mode", lang),
            key=_widget("sb_meeting", state.meeting),
            on_change=_set_param,
            args=("meeting", "sb_meeting"),
            help=t("ui.meeting_help", lang),
        )
        share_link(state)


def _breadcrumb(state: ViewState, org) -> None:
    lang = state.lang
    st.markdown(f"**{t('ui.unit', lang)}**")
    scope = data.scope()
    if not scope.allows(state.unit):  # its id only: no name of a unit outside the scope
        st.markdown(f"**{plain(state.unit)}**")
        return
    path = [u for u in org.path(state.unit) if scope.allows(u)]
    for depth, unit in enumerate(path):
        name = plain(org.name(unit, lang))
        label = ("  " * depth) + ("› " if depth else "") + name
        if unit == state.unit:
            st.markdown(f"{'&nbsp;' * 3 * depth}**{name}**")
        else:
            st.page_link(
                PAGES[0].path,
                label=label,
                query_params=state.params(unit=unit, kpi=None),
            )


def share_link(state: ViewState, page_path: str | None = None) -> None:
    """The full URL of this view, in a box with a copy button."""
    st.caption(t("ui.copy_link", state.lang))
    st.code(absolute_url(state), language=None, wrap_lines=True)


def absolute_url(state: ViewState) -> str:
    base = ""
    try:
        url = st.context.url
        if url:
            parts = urlsplit(url)
            base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    except Exception:  # AppTest has no browser URL  # noqa: BLE001
        base = ""
    return f"{base}?{state.query_string()}"


def start() -> ViewState:
    """Everything a run does before the page: theme, URL, sidebar, notices."""
    state = st.session_state.get(SESSION_KEY) or resolve_current()
    permitted = data.scope().allows(state.unit)
    if permitted:
        state = kpi_on_scorecard(state, current_page())
    st.session_state[SESSION_KEY] = state
    theme.inject(state.meeting)
    data.prepare_scores(state.lang)
    sync_url(state, current_page())
    sidebar(state)
    if data.store().is_demo():
        session.demo_banner(state.lang, state.meeting)
    if not permitted:
        not_permitted(state.unit, state.lang)
    show_notices(state)
    return state


def not_permitted(unit_id: str, lang: str) -> None:
    """Stop the page: the unit is outside what the reader may see (named by its id only)."""
    st.error(t("access.not_permitted", lang, unit=plain(unit_id)), icon=":material/block:")
    st.stop()


# --------------------------------------------------------------------------- entry point

ROOT = Path(__file__).resolve().parents[1]
_running = threading.local()


def current_page() -> str | None:
    """The URL path of the page this run shows (None before navigation)."""
    return getattr(_running, "page", None)


def main() -> None:
    """What ``app.py`` does: config, navigation, the shared frame, the page.

    An unexpected exception (a bug) never shows its type, text or traceback
    to the reader: it is logged with its traceback and a reference, and the
    page says, in the reader's language, that something went wrong.
    ``st.stop``, ``st.rerun`` and ``st.switch_page`` raise BaseExceptions and
    pass through.
    """
    _running.page = "?"
    try:
        _main()
    except Exception as exc:  # noqa: BLE001 - the reader gets a sentence, the log the traceback
        show_failure(exc)


def _url_lang() -> str:
    """The language the URL asks for, when no view state could be resolved."""
    return "zh" if st.query_params.get("lang") == "zh" else "en"


def show_failure(exc: Exception) -> None:
    """Log ``exc`` with its traceback; tell the reader briefly, with the reference."""
    ref = uuid.uuid4().hex[:8]
    state = st.session_state.get(SESSION_KEY)
    page = getattr(_running, "page", "?")
    log.error("unexpected error %s on page %s (view %s)", ref, page, state, exc_info=exc)
    lang = state.lang if state is not None else (_url_lang())
    st.error(t("ui.failed", lang, ref=ref), icon=":material/error:")


def _main() -> None:
    try:
        data.follow_writes()  # another process's write shows on this run (issue 15)
        session.identify(data.store())
        state = resolve_current()
    except StoreError as exc:  # e.g. the CLI holds the file: say so, no traceback, no server path
        lang = _url_lang()
        st.error(plain(error_text(exc, lang)), icon=":material/lock:")
        st.stop()
    st.set_page_config(
        page_title=t("app.title", state.lang),
        page_icon=":material/speed:",
        layout="wide",
        initial_sidebar_state="collapsed" if state.meeting else "auto",
    )
    pages = [
        (
            p.section,
            st.Page(
                str(ROOT / p.path),
                title=t(p.title_key, state.lang),
                icon=p.icon,
                default=p.default,
                # not listed for an account that may not use it; still registered,
                # so a typed address gets the page's own "not permitted"
                visibility="visible" if p.path not in PAGE_ACTION or session.allowed(PAGE_ACTION[p.path]) else "hidden",
            ),
        )
        for p in PAGES
        if (ROOT / p.path).exists()
    ]
    # three headed groups, every page listed (13 pages: the default list would fold some under "View more")
    sections: dict[str, list] = {}
    for key, page in pages:
        sections.setdefault(t(key, state.lang), []).append(page)
    selected = st.navigation(sections, expanded=True)
    _running.page = getattr(selected, "url_path", "") or "scorecard"
    start()
    _running.inside = True
    try:
        selected.run()
    except access.NotPermitted as exc:  # a read outside the scope the page did not check first
        not_permitted(str(exc.params.get("unit") or ""), state.lang)
    finally:
        _running.inside = False


def ensure_navigation() -> None:
    """Run the page through :func:`main` when Streamlit ran its file directly.

    Until ``app.py`` has called ``st.navigation`` once in a server process,
    Streamlit treats ``pages/`` as automatically discovered pages, so the
    first visitor of a deep link (``/kpi_detail?...``) gets the page file run
    on its own: no sidebar, no page config. Each page calls this first; it
    does nothing when the page runs inside :func:`main`.
    """
    if getattr(_running, "inside", False):
        return
    main()
    st.stop()
