"""The view state: unit, period, view, KPI, language, meeting mode and the
moment the figures are shown "as of" (none: the current figures).

It lives in the URL's query parameters, so a copied link opens exactly the
same view and the browser's back button walks back up a drill-down (each
change pushes a history entry). :func:`resolve` is pure: it turns whatever a
URL holds into a valid state plus the notices to show for what it had to
replace, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlencode

import streamlit as st

from kpi_core.i18n import LANGUAGES
from kpi_core.model import VIEWS
from kpi_core.org import Org

PARAMS: tuple[str, ...] = ("unit", "period", "view", "kpi", "lang", "meeting", "as_of")
SESSION_KEY = "view_state"


@dataclass(frozen=True)
class Notice:
    """A parameter that could not be used, and what was shown instead."""

    key: str
    """Translation key of the message (``notice.<param>``)."""
    value: str
    """The value the URL held."""
    params: tuple[tuple[str, str], ...] = ()
    """More values the message names (names from data: shown as text)."""


@dataclass(frozen=True)
class ViewState:
    unit: str
    period: str
    view: str = "month"
    kpi: str | None = None
    lang: str = "en"
    meeting: bool = False
    as_of: str | None = None
    """The moment whose figures are shown (:func:`moment_text`), or None for the current ones."""
    notices: tuple[Notice, ...] = field(default=(), compare=False)

    def params(self, **changes: object) -> dict[str, str]:
        """Query parameters of this state (with ``changes``): everything that
        decides what is shown, so a link never depends on 'the latest month'."""
        s = replace(self, **changes) if changes else self
        out = {"unit": s.unit, "period": s.period, "view": s.view, "lang": s.lang}
        if s.kpi:
            out["kpi"] = s.kpi
        if s.meeting:
            out["meeting"] = "1"
        if s.as_of:
            out["as_of"] = s.as_of
        return out

    def query_string(self, **changes: object) -> str:
        return urlencode(self.params(**changes))


def resolve(
    params: Mapping[str, str],
    *,
    org: Org,
    periods: list[str],
    kpi_ids: set[str],
    previous: ViewState | None = None,
    default_period: str | None = None,
    default_unit: str | None = None,
) -> ViewState:
    """A valid view state from URL parameters.

    A URL with none of the parameters (a page picked in the navigation)
    takes ``previous``, the state this browser session last showed, so
    switching pages keeps the unit and period. Otherwise missing parameters
    take the defaults: the company, ``default_period`` (the latest month that
    can be scored: with actuals and targets) or else the latest month with
    actuals, the month view, English. Unknown or stale values fall back the same way and leave a
    :class:`Notice`. ``default_unit`` (the reader's own unit) replaces the
    company as the unit a URL without one opens on.
    """
    if previous is not None and not any(params.get(name) for name in PARAMS):
        params = previous.params()
    notices: list[Notice] = []
    latest = default_period if default_period in periods else (periods[-1] if periods else "")

    def pick(name: str, valid: object, default: str | None) -> str | None:
        value = params.get(name)
        if value is None or value == "":
            return default
        if _ok(value, valid):
            return value
        notices.append(Notice(f"notice.{name}", str(value)))
        return default

    return ViewState(
        unit=pick("unit", lambda u: u in org, default_unit or org.company_id or "") or "",
        period=pick("period", set(periods), latest) or latest,
        view=pick("view", set(VIEWS), "month") or "month",
        kpi=pick("kpi", kpi_ids, None),
        lang=pick("lang", set(LANGUAGES), "en") or "en",
        meeting=str(params.get("meeting", "")).lower() in ("1", "true", "yes"),
        as_of=_as_of(params.get("as_of"), notices),
        notices=tuple(notices),
    )


def _as_of(value: object, notices: list[Notice]) -> str | None:
    """The URL's moment written the one way links write it; text that is no
    moment leaves a notice (the current figures are shown)."""
    if value is None or value == "":
        return None
    moment = parse_moment(str(value))
    if moment is None:
        notices.append(Notice("notice.as_of", str(value)))
        return None
    return moment_text(moment)


def parse_moment(text: str) -> datetime | None:
    """A moment from ISO text (``2026-11-05T10:00``, seconds and fractions
    allowed), or None. A moment with a UTC offset is turned into this
    server's local time, the time the store writes its changes in.

    >>> parse_moment("2026-11-05T10:00"), parse_moment("05/11/2026"), parse_moment("now")
    (datetime.datetime(2026, 11, 5, 10, 0), None, None)
    """
    text = text.strip()
    if not 10 <= len(text) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment


def moment_text(moment: datetime) -> str:
    """A moment as the URL carries it: to the minute, or finer when it has seconds.

    >>> moment_text(datetime(2026, 11, 5, 10, 0)), moment_text(datetime(2026, 11, 5, 10, 0, 7, 250))
    ('2026-11-05T10:00', '2026-11-05T10:00:07.000250')
    """
    if moment.second == 0 and moment.microsecond == 0:
        return moment.isoformat(timespec="minutes")
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def _ok(value: str, valid: object) -> bool:
    return valid(value) if callable(valid) else value in valid


# --------------------------------------------------------------------------- Streamlit side


def current() -> ViewState:
    """The state resolved for this run (by :func:`kpi_ui.shell.start`)."""
    state = st.session_state.get(SESSION_KEY)
    if state is None:
        from kpi_ui import shell  # shell imports this module: importing it at the top would be a cycle

        state = shell.resolve_current()
    return state


def go(**changes: object) -> None:
    """Change the view (a drill-down, another period ...) and rerun.

    Writing the query parameters pushes a browser history entry, so Back
    returns to the view before.
    """
    state = current()
    params = state.params(**changes)
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    st.session_state[SESSION_KEY] = replace(state, **changes, notices=())
    st.rerun()
