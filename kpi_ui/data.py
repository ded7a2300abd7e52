"""Cached access to the store for the pages.

Every read that returns unit or person data applies the signed-in reader's
scope (:mod:`kpi_ui.session`), and its cached result is keyed by that scope
(the account's role and unit), so one reader's cached page never serves
another's. In meeting mode with names masked, :func:`org` and
:func:`unit_labels` give persons numbers instead of names.

The database is opened once per process (``st.cache_resource``; the store
takes a cursor per query, so sessions can share it); its stored scores are
made current before the first page reads them (:func:`prepare_scores`). Query
results are cached
with ``st.cache_data`` keyed on plain values, including the database path so
tests with different databases never share results. :func:`clear_caches` runs
after every write (an upload, an edit) so pages show the new figures at once,
and :func:`follow_writes` at the start of every run clears them when another
process wrote to the same (PostgreSQL) database since.
"""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from kpi_core import access, design, ingest, scorecard, scores
from kpi_core.i18n import t
from kpi_core.org import Org
from kpi_core.store import Store, default_path
from kpi_ui import session


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Store:
    store = Store(path)
    ingest.ensure_demo(store)
    if store.is_demo():  # a demo file made before the demo had accounts
        access.ensure_demo_accounts(store, Org.from_frame(store.units()))
    return store


def db_path() -> str:
    return str(default_path())


def prepare_scores(lang: str) -> None:
    """Make the stored scores current before a page reads them, with a
    progress bar when they are being rebuilt (a new file, or one made by an
    older engine: seconds for a large organisation, once)."""
    opened = store()
    if not scores.needs_rebuild(opened):
        return
    bar = st.progress(0.0, text=t("ui.scores_rebuilding", lang))

    def report(done: float, year: str) -> None:
        bar.progress(done, text=t("ui.scores_rebuilding_year", lang, year=year))

    scores.ensure(opened, report)
    bar.empty()


def store() -> Store:
    """The process's store for the configured database (filled with the demo
    company on first run)."""
    return _open(db_path())


_seen_versions: dict[str, int] = {}
_seen_lock = threading.Lock()


def follow_writes() -> None:
    """First thing in every run: when the database's data version moved since
    this process last looked (another dashboard process or the CLI wrote to
    the same PostgreSQL database), forget the cached results, so this run
    shows the new figures. One cheap read per run; on a DuckDB file only this
    process writes, and its own writes clear the caches already."""
    path = db_path()
    version = store().data_version()
    with _seen_lock:
        last = _seen_versions.get(path)
        _seen_versions[path] = version
    if last is not None and last != version:
        clear_caches()


def clear_caches() -> None:
    """Forget every cached query result (not the open database)."""
    st.cache_data.clear()
    _org.clear()
    _masked_org.clear()
    _scope.clear()
    _unit_labels.clear()


@st.cache_data(show_spinner=False)
def _units(path: str) -> pd.DataFrame:
    return _open(path).units()


@st.cache_resource(show_spinner=False)
def _org(path: str) -> Org:
    # a resource, not data: the tree is read-only and shared, so it is built
    # (and its child index computed) once instead of copied on every call
    return Org.from_frame(_units(path))


@st.cache_resource(show_spinner=False)
def _masked_org(path: str) -> Org:
    return _org(path).masked(t("access.person_n", "en"), t("access.person_n", "zh"))


def org() -> Org:
    """The organisation as this run may name it: persons numbered instead of
    named in meeting mode (unless the presenter showed the names)."""
    path = db_path()
    return _masked_org(path) if session.masked() else _org(path)


@st.cache_resource(show_spinner=False)
def _scope(path: str, role: str, unit_id: str | None) -> access.Scope:
    return access.Scope.of(access.Viewer(name="", display="", role=role, unit_id=unit_id), _org(path))


def scope() -> access.Scope:
    """The units the signed-in reader may see."""
    return _scope(db_path(), *session.scope_key())


def scope_of(role: str, unit_id: str | None) -> access.Scope:
    """The scope of an account of ``role`` tied to ``unit_id`` (cached)."""
    return _scope(db_path(), role, unit_id)


@st.cache_resource(show_spinner=False)
def _unit_labels(path: str, lang: str, masked: bool, role: str, unit_id: str | None) -> dict[str, str]:
    tree = _masked_org(path) if masked else _org(path)
    allowed = _scope(path, role, unit_id)
    units = tree.units if allowed.units is None else tree.units[tree.units["unit_id"].isin(allowed.units)]
    kinds = units["kind"].map(lambda k: t(f"kind.{k}", lang))
    names = tree.names(lang).loc[units.index]
    return dict(zip(units["unit_id"], names + " · " + kinds, strict=True))


def unit_labels(lang: str) -> dict[str, str]:
    """unit_id -> 'Name · Kind' in ``lang`` for every unit the reader may see."""
    return _unit_labels(db_path(), lang, session.masked(), *session.scope_key())


@st.cache_data(show_spinner=False)
def _kpis(path: str) -> pd.DataFrame:
    return _open(path).kpis()


def kpis() -> pd.DataFrame:
    """The KPI dictionary, indexed by kpi_id."""
    return _kpis(db_path()).set_index("kpi_id", drop=False)


@st.cache_data(show_spinner=False)
def _task_ids(path: str) -> frozenset[str]:
    return frozenset(_open(path).tasks()["task_id"])


def task_ids() -> frozenset[str]:
    """The ids of the stored goal-setting tasks (any year): a ``kpi=`` of the detail page may name one."""
    return _task_ids(db_path())


@st.cache_data(show_spinner=False)
def _periods(path: str) -> list[str]:
    return _open(path).periods()


def periods() -> list[str]:
    """Months with actuals, oldest first."""
    return _periods(db_path())


@st.cache_data(show_spinner=False)
def _latest_scored(path: str) -> str | None:
    return _open(path).latest_scored_period()


def latest_scored_period() -> str | None:
    """The month a scorecard opens on: the latest with both actuals and targets."""
    return _latest_scored(db_path())


@st.cache_data(show_spinner=False, max_entries=512)
def _scorecard(
    path: str, unit_id: str, period: str, view: str, role: str, scope_unit: str | None
) -> scorecard.Scorecard:
    allowed = _scope(path, role, scope_unit)
    return scorecard.build(_open(path), unit_id, period, view, _org(path), scope=allowed)


def card(unit_id: str, period: str, view: str) -> scorecard.Scorecard:
    """The scorecard of one unit (with the totals of its children the reader
    may see); :class:`kpi_core.access.NotPermitted` outside the reader's scope."""
    return _scorecard(db_path(), unit_id, period, view, *session.scope_key())


@st.cache_data(show_spinner=False, max_entries=256)
def _history(path: str, unit_id: str, periods: tuple[str, ...], role: str, scope_unit: str | None) -> pd.DataFrame:
    return scorecard.kpi_history(_open(path), unit_id, list(periods), scope=_scope(path, role, scope_unit))


def history(unit_id: str, periods: list[str]) -> pd.DataFrame:
    """Month-view KPI rows of one unit for each of ``periods`` (for trends)."""
    return _history(db_path(), unit_id, tuple(periods), *session.scope_key())


@st.cache_data(show_spinner=False, max_entries=256)
def _siblings(
    path: str, unit_ids: tuple[str, ...], period: str, view: str, role: str, scope_unit: str | None
) -> pd.DataFrame:
    allowed = _scope(path, role, scope_unit)
    return scorecard.score_units(_open(path), list(unit_ids), period, view, scope=allowed)


@st.cache_data(show_spinner=False)
def _failing(path: str) -> frozenset[str]:
    return frozenset(design.failing_kpis(_open(path)))


def failing_kpis() -> frozenset[str]:
    """KPIs failing the validity test (cached; a saved answer clears the caches)."""
    return _failing(db_path())


def scored_units(unit_ids: list[str], period: str, view: str) -> pd.DataFrame:
    """Scored KPI rows of several units (e.g. siblings, or a department's
    persons): only those the reader may see."""
    return _siblings(db_path(), tuple(unit_ids), period, view, *session.scope_key())
