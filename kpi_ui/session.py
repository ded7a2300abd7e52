"""Who is signed in, and what they may see (issue 13).

Every run starts with :func:`identify`, before the view is resolved:

* **The demo** (a database marked as the demo, see ``Store.is_demo``) opens
  without a password, signed in as the demo's admin; a "view as" picker in
  the sidebar switches between the demo's accounts (the CEO, an analyst, the
  Sales director, a salesperson, the HR admin) and a banner says "Demo".
* **Company sign-in** (OpenID Connect): when ``.streamlit/secrets.toml`` has
  an ``[auth]`` section, the sign-in page offers Streamlit's ``st.login``; the
  provider's email names the account (``users add ... --email``). A person
  the store does not know is refused with a page saying so.
* **Local accounts**: a name and password form (:func:`kpi_core.access.authenticate`:
  Argon2id, repeated failures slowed down).

The signed-in account's name is kept in the session (:data:`VIEWER_KEY`) and
read again from the store on every run, so a disabled account or a changed
role takes effect at the next click. The browser cannot set it: only this
module writes it, after a sign-in. Tests sign in by setting it (an account
that exists in the test's database).

Meeting mode masks person names ("Person 3") unless the presenter shows them
for this session (:func:`masked`).
"""

from __future__ import annotations

import logging

import streamlit as st

from kpi_core import access
from kpi_core.i18n import t
from kpi_core.store import Store
from kpi_ui.text import html_text, plain

log = logging.getLogger(__name__)

VIEWER_KEY = "kpi_viewer"
"""Session key: the signed-in :class:`kpi_core.access.Viewer` (read again from the store each run)."""
SOURCE_KEY = "kpi_viewer_source"
"""Session key: how the viewer signed in: ``demo``, ``oidc`` or ``password``."""
DEMO_PICK_KEY = "demo_view_as"
UNMASK_KEY = "meeting_unmasked"
"""Session key: the presenter chose to show person names in meeting mode."""


# --------------------------------------------------------------------------- this run


def viewer() -> access.Viewer:
    """The account signed in for this run (set by :func:`identify`)."""
    found = st.session_state.get(VIEWER_KEY)
    if not isinstance(found, access.Viewer):  # a page run without the shell: nothing is shown
        raise access.NotPermitted("nobody is signed in", unit="")
    return found


def scope_key() -> tuple[str, str | None]:
    """What a reader's scope depends on (role, unit): cached reads are keyed by it."""
    v = viewer()
    return (v.role, v.unit_id)


def scope() -> access.Scope:
    from kpi_ui import data  # data reads this module's scope key: imported when called

    return data.scope()


def who() -> str:
    """The name the audit trail records for this run's writes."""
    return viewer().name


def allowed(action: str, unit_id: str | None = None) -> bool:
    """Whether the signed-in account may do ``action`` (on ``unit_id``)."""
    return access.permits(viewer(), action, scope(), unit_id)


def require(action: str, unit_id: str | None = None) -> None:
    """Stop the page with "not permitted" unless :func:`allowed`."""
    if not allowed(action, unit_id):
        lang = _lang()
        st.error(t("access.page_not_permitted", lang), icon=":material/block:")
        st.stop()


def masked() -> bool:
    """Whether person names are hidden on this run (meeting mode, not unmasked)."""
    from kpi_ui.state import SESSION_KEY

    state = st.session_state.get(SESSION_KEY)
    return bool(state is not None and state.meeting and not st.session_state.get(UNMASK_KEY))


def _lang() -> str:
    from kpi_ui.state import SESSION_KEY

    state = st.session_state.get(SESSION_KEY)
    if state is not None:
        return state.lang
    return "zh" if st.query_params.get("lang") == "zh" else "en"


# --------------------------------------------------------------------------- signing in


def identify(store: Store) -> access.Viewer:
    """The account of this run; shows the sign-in page (and stops) when
    nobody is signed in, or the refusal when the company's sign-in names a
    person the store does not know."""
    if store.is_demo():
        return _demo(store)
    current = _fresh(store, st.session_state.get(VIEWER_KEY))
    if current is not None:
        return current
    if _oidc_configured() and _oidc_signed_in():
        return _from_oidc(store)
    _sign_in_page(store)
    st.stop()
    raise AssertionError("unreachable")  # st.stop raises


def _fresh(store: Store, known: object) -> access.Viewer | None:
    """The session's account as the store has it now (None: signed out, or
    the account was disabled or removed since)."""
    if not isinstance(known, access.Viewer):
        return None
    row = store.user(known.name)
    if row is None or row["disabled"]:
        _forget()
        return None
    found = access.Viewer.from_row(row)
    st.session_state[VIEWER_KEY] = found
    return found


def _forget() -> None:
    for key in (VIEWER_KEY, SOURCE_KEY, UNMASK_KEY):
        st.session_state.pop(key, None)


def _demo(store: Store) -> access.Viewer:
    accounts = access.demo_accounts(store)
    if not accounts:  # the demo's accounts were disabled: nobody to view as
        st.error(t("access.demo_no_accounts", _lang()), icon=":material/block:")
        st.stop()
    names = [a.name for a in accounts]
    picked = st.session_state.get(DEMO_PICK_KEY)
    current = _fresh(store, st.session_state.get(VIEWER_KEY))
    if picked not in names:
        picked = current.name if current is not None and current.name in names else access.DEMO_DEFAULT
        if picked not in names:
            picked = names[0]
        st.session_state[DEMO_PICK_KEY] = picked
    if current is None or current.name != picked:
        current = accounts[names.index(picked)]
        st.session_state[VIEWER_KEY] = current
        st.session_state[SOURCE_KEY] = "demo"
    return current


def _oidc_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` configures a company sign-in."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all: no company sign-in
        return False


def _oidc_signed_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - Authlib missing or no identity cookie
        return False


def _from_oidc(store: Store) -> access.Viewer:
    email = str(st.user.get("email") or "")
    # an address the provider says it has not verified names nobody: anyone
    # could have typed it into their profile at a provider that allows that
    verified = st.user.get("email_verified") is not False
    row = store.user_by_email(email) if email and verified else None
    lang = _lang()
    if row is None or row["disabled"]:
        log.warning("company sign-in refused for %r: %s", email, "disabled" if row else "no account")
        _bare_page(lang)
        st.title(t("access.page.unknown_title", lang))
        key = "access.page.disabled" if row is not None else "access.page.unknown"
        st.error(t(key, lang, email=plain(email)), icon=":material/person_off:")
        if st.button(t("access.sign_out", lang), key="oidc_refused_out", icon=":material/logout:"):
            _forget()
            st.logout()
        st.stop()
    found = access.Viewer.from_row(row)
    st.session_state[VIEWER_KEY] = found
    st.session_state[SOURCE_KEY] = "oidc"
    return found


def _bare_page(lang: str) -> None:
    """The frame of a page shown to nobody signed in (the sign-in page, the
    refusal): the app's name in the tab and above the title, and no list of
    pages in the sidebar.

    Until ``st.navigation`` has run once in a server process, Streamlit lists
    the files of ``pages/`` by their file names ("app", "kpi detail" ...):
    the pages are registered here, hidden, so that nothing is listed and the
    address (a deep link) is kept for after the sign-in."""
    from kpi_ui.shell import PAGES, ROOT  # the shell imports this module: imported when called

    st.set_page_config(page_title=t("app.title", lang), page_icon=":material/speed:", layout="centered")
    pages = [st.Page(str(ROOT / p.path), default=p.default) for p in PAGES if (ROOT / p.path).exists()]
    st.navigation(pages, position="hidden")
    st.caption(t("app.title", lang))  # what this page is of


def _sign_in_page(store: Store) -> None:
    lang = _lang()
    _bare_page(lang)
    st.title(t("access.page.sign_in_title", lang))
    if not store.user_count():
        st.warning(t("access.page.no_accounts", lang), icon=":material/person_add:")
    if _oidc_configured():
        if st.button(t("access.page.sign_in_company", lang), type="primary", key="oidc_sign_in"):
            st.login()
        st.caption(t("access.page.or_local", lang))
    with st.form("sign_in", clear_on_submit=False, enter_to_submit=True):
        name = st.text_input(t("access.page.name", lang), key="sign_in_name", max_chars=64, autocomplete="username")
        password = st.text_input(
            t("access.page.password", lang), type="password", key="sign_in_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("access.page.sign_in", lang), type="primary")
    if submitted:
        try:
            found = access.authenticate(store, name.strip(), password)
        except access.AccessError as exc:
            st.error(t(exc.key, lang, **exc.params), icon=":material/lock:")
            return
        st.session_state[VIEWER_KEY] = found
        st.session_state[SOURCE_KEY] = "password"
        st.session_state.pop("sign_in_password", None)
        st.rerun()


def sign_out() -> None:
    """Forget the session's account (and the company sign-in's cookie)."""
    source = st.session_state.get(SOURCE_KEY)
    _forget()
    from kpi_ui.state import SESSION_KEY

    st.session_state.pop(SESSION_KEY, None)
    if source == "oidc":
        st.logout()
    else:
        st.rerun()


# --------------------------------------------------------------------------- the sidebar


def sidebar_block(store: Store, lang: str, meeting: bool) -> None:
    """Who is signed in, sign-out, the demo's picker and, in meeting mode,
    the names toggle. Drawn inside ``st.sidebar``."""
    current = viewer()
    if store.is_demo():
        accounts = access.demo_accounts(store)
        labels = {a.name: _account_label(a, lang) for a in accounts}
        st.selectbox(
            t("access.demo_view_as", lang),
            list(labels),
            format_func=labels.get,
            key=DEMO_PICK_KEY,
            on_change=_picked_in_demo,
            help=t("access.demo_view_as_help", lang),
        )
    else:
        st.caption(t("access.signed_in_as", lang, who=plain(_account_label(current, lang))))
        if st.button(t("access.sign_out", lang), key="sign_out", icon=":material/logout:"):
            sign_out()
    if meeting and scope().persons:
        st.toggle(
            t("access.unmask", lang),
            key=UNMASK_KEY,
            help=t("access.unmask_help", lang),
        )


def _picked_in_demo() -> None:
    """Another demo account: open at its own starting unit (the view of the
    one before may be outside the new one's scope)."""
    from kpi_ui.state import SESSION_KEY

    st.session_state.pop(VIEWER_KEY, None)
    st.session_state.pop(SESSION_KEY, None)
    params = {k: v for k, v in st.query_params.items() if k in ("lang", "period", "view")}
    st.query_params.from_dict(params)


def _account_label(account: access.Viewer, lang: str) -> str:
    role = t(f"access.role.{account.role}", lang)
    if access.is_demo_name(account.name):
        return t(f"access.demo.{account.name}", lang)
    return f"{account.display} · {role}"


def demo_banner(lang: str, meeting: bool = False) -> None:
    """The demo's banner: one line with a "Demo" badge above the page (the
    screen's height is for figures: a laptop, a phone, a projector). Drawn as
    HTML with the theme's own badge (every text escaped), not Markdown colour
    directives, which the page never takes from anywhere."""
    text = t("access.demo_banner", lang, who=_account_label(viewer(), lang))
    badge = t("access.demo_badge", lang)
    size = " bsc-demo-small" if meeting else ""
    st.html(
        f'<div class="bsc-demo-line{size}"><span class="bsc-demo">{html_text(badge)}</span> {html_text(text)}</div>'
    )
