"""Streamlit helpers of the upload page: problem and preview tables, the
commit and rollback buttons. The work itself is done by kpi_core.ingest,
kpi_core.upload_preview and the store; this module only draws and clicks.

Every table speaks the reader's language: units and KPIs by name, statuses
as symbol and word, kinds of file translated, and no raw "None" (a missing
figure is "–")."""

from __future__ import annotations

import logging
import math
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi_core import access, approvals, ingest
from kpi_core.i18n import error_text, reason, t
from kpi_core.model import FILE_SPECS, HEADER_ALIASES_ZH, PAY_KINDS
from kpi_core.store import Store, StoreError
from kpi_core.upload_preview import Preview
from kpi_ui import data, session
from kpi_ui.design import kpi_names
from kpi_ui.text import plain
from kpi_ui.theme import status_label

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"
DONE_KEY = "upload_done"
FAILED_KEY = "upload_failed"
NONCE_KEY = "upload_nonce"
PICK_KEY = "upload_rollback_pick"
NEWEST_KEY = "upload_rollback_newest"
"""The newest upload the rollback picker has seen: a newer one is preselected."""
SHA_SHOWN = 12
"""Characters of a file's sha256 shown in the history (the full value is below it)."""
MISSING = "–"


def template(kind: str) -> bytes:
    return (TEMPLATES / f"{kind}.csv").read_bytes()


def kind_label(kind: object, lang: str) -> str:
    return t(f"filekind.{kind}", lang) if isinstance(kind, str) and kind in FILE_SPECS else str(kind)


# --------------------------------------------------------------------------- words and figures


def number(value: object) -> str:
    """A figure as a table shows it: thousands separated, at most four
    decimals, "–" when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, str):
        return value or MISSING
    v = float(value)
    if v.is_integer():
        return f"{v:,.0f}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def signed(value: object, digits: int | None = None) -> str:
    """A change with its sign: "+100", "-2.5", "–" when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    v = float(value)
    return f"{v:+,.{digits}f}" if digits is not None else ("+" if v > 0 else "") + number(v)


def _status(value: object, lang: str) -> str:
    return status_label(value, lang) if isinstance(value, str) and value else MISSING


_SOURCE_CSV = re.compile(r"CSV, (?P<encoding>.+), (?P<delimiter>comma|semicolon|tab)-separated")
_SOURCE_EXCEL = re.compile(r"Excel, sheet '(?P<sheet>.*)'", re.S)


def source_text(source: str, lang: str) -> str:
    """How the file was read (ingest says it in English) in the reader's language."""
    found = _SOURCE_CSV.fullmatch(source)
    if found:
        how = t(f"upload.delimiter.{found['delimiter']}", lang)
        return t("upload.source_csv", lang, encoding=found["encoding"], delimiter=how)
    found = _SOURCE_EXCEL.fullmatch(source)
    if found:
        return t("upload.source_excel", lang, sheet=found["sheet"])
    return source


def _namers(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """unit_id -> name and kpi_id -> name in ``lang`` (Chinese falling back to English)."""
    units = data.org().names(lang).to_dict()
    return units, kpi_names(data.kpis(), lang)


def _named(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Unit and KPI ids replaced by their names (an id not stored yet, as in
    a file of new units, stays as written)."""
    units, kpis = _namers(lang)
    out = frame.copy()
    if "unit_id" in out:
        out["unit_id"] = [units.get(u, u) for u in out["unit_id"]]
    if "kpi_id" in out:
        out["kpi_id"] = [kpis.get(k, k) for k in out["kpi_id"]]
    for column in ("subject_id", "rater_id"):  # 360 raters (issue 18): persons by name, outside raters as written
        if column in out:
            out[column] = [units.get(u, u) for u in out[column]]
    return out


def _labels(lang: str) -> dict[str, str]:
    """Column headings of the preview tables."""
    return {
        "unit_id": t("col.unit", lang),
        "kpi_id": t("col.kpi", lang),
        "period": t("col.period", lang),
        "year": t("upload.col.year", lang),
        "change": t("upload.col.change", lang),
        "old": t("upload.col.old", lang),
        "new": t("upload.col.new", lang),
        "delta": t("upload.col.delta", lang),
        "before": t("upload.col.before", lang),
        "after": t("upload.col.after", lang),
        "status_before": t("upload.col.status_before", lang),
        "status_after": t("upload.col.status_after", lang),
        "cycle_id": t("r360.cycle", lang),
        "subject_id": t("r360.col.subject", lang),
        "rater_id": t("fair.col.rater", lang),
        "task_id": t("upload.col.task", lang),
        "objective_id": t("upload.col.objective", lang),
        "kr_id": t("upload.col.kr", lang),
        "event_id": t("upload.col.event", lang),
        "behaviour_id": t("upload.col.behaviour", lang),
        "attribute": t("upload.col.attribute", lang),
    }


# --------------------------------------------------------------------------- the file's problems


def columns_help(kind: str, lang: str) -> None:
    """The kind's columns, which are required, and the Chinese header names accepted for them."""
    spec = FILE_SPECS[kind]
    with st.expander(t("upload.columns", lang)):
        st.caption(t("upload.columns_help", lang))
        st.table(
            pd.DataFrame(
                {
                    t("upload.col.column", lang): list(spec.columns),
                    t("upload.col.aliases", lang): [" / ".join(HEADER_ALIASES_ZH.get(c, ())) for c in spec.columns],
                    t("upload.col.required", lang): [
                        t("upload.required" if c in spec.required else "upload.optional", lang) for c in spec.columns
                    ],
                }
            ).set_index(t("upload.col.column", lang)),
        )


def problems_table(validated: ingest.Validated, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("upload.col.severity", lang): [t(f"upload.severity.{p.severity}", lang) for p in validated.problems],
            t("upload.col.row", lang): [p.row if p.row is not None else "" for p in validated.problems],
            t("upload.col.column", lang): [p.column for p in validated.problems],
            t("upload.col.value", lang): [p.value for p in validated.problems],
            t("upload.col.reason", lang): [reason(p.reason, lang) for p in validated.problems],
        }
    )


def show_problems(validated: ingest.Validated, lang: str) -> bool:
    """Draw the problems; True when the file may be stored (no errors, and
    any warnings acknowledged)."""
    if validated.source:
        st.caption(t("upload.read_as", lang, source=plain(source_text(validated.source, lang))))
    if not validated.problems:
        st.success(t("upload.no_problems", lang), icon=":material/check_circle:")
        return True
    st.subheader(t("upload.problems", lang))
    if validated.errors:
        st.error(t("upload.errors", lang, count=len(validated.errors)), icon=":material/block:")
    else:
        st.warning(t("upload.warnings", lang, count=len(validated.warnings)), icon=":material/warning:")
    st.dataframe(problems_table(validated, lang), hide_index=True, width="stretch")
    if validated.errors:
        return False
    return st.checkbox(t("upload.ack", lang), key="upload_ack")


# --------------------------------------------------------------------------- the preview


def rows_table(preview: Preview, lang: str) -> pd.DataFrame:
    """The rows new and changed, by name, the biggest change first (as the preview orders them)."""
    moved = preview.rows[preview.rows["change"] != "unchanged"]
    shown = _named(moved, lang)
    shown["change"] = [t(f"upload.change.{v}", lang) for v in moved["change"]]
    if "delta" in shown:
        shown["old"] = [number(v) for v in moved["old"]]
        shown["new"] = [number(v) for v in moved["new"]]
        shown["delta"] = [signed(v) for v in moved["delta"]]
    else:
        shown["old"] = [str(v) if v else MISSING for v in moved["old"]]
    return shown.rename(columns=_labels(lang)).reset_index(drop=True)


def totals_table(preview: Preview, lang: str) -> pd.DataFrame:
    """Units whose total moves, by name, the biggest move first."""
    frame = preview.totals
    shown = _named(frame, lang).assign(
        before=[f"{v:,.1f}" if pd.notna(v) else MISSING for v in frame["before"]],
        after=[f"{v:,.1f}" if pd.notna(v) else MISSING for v in frame["after"]],
        delta=[signed(v, 1) for v in frame["delta"]],
        status_before=[_status(v, lang) for v in frame["status_before"]],
        status_after=[_status(v, lang) for v in frame["status_after"]],
    )
    return shown.rename(columns=_labels(lang)).reset_index(drop=True)


def statuses_table(preview: Preview, lang: str) -> pd.DataFrame:
    """KPIs whose status changes, by name, with symbol and word, the biggest change first."""
    frame = preview.statuses
    shown = _named(frame, lang).assign(
        status_before=[_status(v, lang) for v in frame["status_before"]],
        status_after=[_status(v, lang) for v in frame["status_after"]],
    )
    return shown.rename(columns=_labels(lang)).reset_index(drop=True)


def show_preview(preview: Preview, lang: str) -> None:
    st.subheader(t("upload.preview", lang))
    c = preview.counts
    cols = st.columns(3)
    cols[0].metric(t("upload.new", lang), c.rows_added)
    cols[1].metric(t("upload.changed", lang), c.rows_changed)
    cols[2].metric(t("upload.unchanged", lang), c.rows_unchanged)
    if not (preview.rows["change"] != "unchanged").any():
        st.info(t("upload.nothing", lang), icon=":material/info:")
        return
    st.markdown(f"**{t('upload.rows', lang)}**")
    st.dataframe(
        rows_table(preview, lang),
        hide_index=True,
        width="stretch",
        column_config=_right(lang, "old", "new", "delta"),
    )
    _show_effect(preview, lang)


def _right(lang: str, *columns: str) -> dict:
    """Figures shown as text ("–" when missing) still line up on the right."""
    labels = _labels(lang)
    return {labels[c]: st.column_config.TextColumn(alignment="right") for c in columns}


def _show_effect(preview: Preview, lang: str) -> None:
    st.markdown(f"**{t('upload.effect', lang)}**")
    if preview.totals.empty and preview.statuses.empty:
        st.caption(t("upload.no_effect", lang))
        return
    if not preview.totals.empty:
        st.caption(t("upload.totals", lang))
        st.dataframe(
            totals_table(preview, lang),
            hide_index=True,
            width="stretch",
            column_config=_right(lang, "before", "after", "delta"),
        )
    if not preview.statuses.empty:
        st.caption(t("upload.statuses", lang))
        st.dataframe(statuses_table(preview, lang), hide_index=True, width="stretch")


def refused(refusal: access.AccessError, lang: str) -> None:
    """Why the signed-in account may not store this file (nothing of it is shown)."""
    st.error(plain(error_text(refusal, lang)), icon=":material/block:")


def commit_button(store: Store, validated: ingest.Validated, preview: Preview, lang: str) -> None:
    """Store the file as the signed-in account; for a locked year's baseline,
    ask for a reason and send it for approval instead."""
    to_write = preview.counts.rows_added + preview.counts.rows_changed
    if not to_write:
        return
    lock = approvals.upload_lock(store, validated)
    why = ""
    label = t("upload.commit", lang, count=to_write)
    if lock is not None:
        _locked_banner(lock, lang)
        why = st.text_input(t("approvals.upload_reason", lang), key="upload_reason")
        label = t("approvals.upload_request_button", lang, count=to_write)
        if not why.strip():
            st.caption(t("approvals.reason_needed", lang))
    if not st.button(label, type="primary", key="upload_commit", disabled=lock is not None and not why.strip()):
        return
    try:
        done = approvals.upload(
            store,
            validated,
            by=session.who(),
            reason=why,
            viewer=session.viewer(),
            scope=session.scope(),
            org=data.org(),
        )
    except Exception as exc:  # noqa: BLE001 - the transaction was rolled back; say so instead of a traceback
        if not isinstance(exc, (StoreError, access.AccessError)):
            log.exception("upload of %s failed", validated.file_name)
        st.error(plain(error_text(exc, lang)), icon=":material/error:")  # its values may be ids or names
        return
    data.clear_caches()
    if done.applied:
        result = done.batch
        st.session_state[DONE_KEY] = t(
            "upload.done",
            lang,
            file=plain(validated.file_name),
            batch=result.batch_id,
            added=result.rows_added,
            changed=result.rows_changed,
            unchanged=result.rows_unchanged,
        )
    else:
        st.session_state[DONE_KEY] = t("approvals.requested", lang, request=done.request_id)
        st.session_state.pop("upload_reason", None)
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1  # a fresh, empty uploader
    st.rerun()


def _locked_banner(lock: dict, lang: str) -> None:
    st.info(
        t(
            "approvals.locked_banner",
            lang,
            year=int(lock["year"]),
            by=plain(lock["locked_by"]),
            on=f"{lock['locked_at']:%Y-%m-%d}",
        ),
        icon=":material/lock:",
    )


def show_done() -> None:
    message = st.session_state.pop(DONE_KEY, None)
    if message:
        st.success(message, icon=":material/task_alt:")
    failed = st.session_state.pop(FAILED_KEY, None)
    if failed:
        st.error(failed, icon=":material/error:")


# --------------------------------------------------------------------------- history and rollback

_ROLLBACK_FILE = re.compile(r"rollback of batch (?P<batch>\d+) \((?P<file>.*)\)", re.S)
_ROLLBACK_NOTE = re.compile(
    r"removed (?P<removed>\d+) rows batch \d+ added; restored (?P<restored>\d+) values it replaced", re.S
)


def file_label(file_name: object, lang: str) -> str:
    """A batch's file name; a rollback's ("rollback of batch 3 (x.csv)") in the reader's language."""
    text = "" if file_name is None or (isinstance(file_name, float) and math.isnan(file_name)) else str(file_name)
    found = _ROLLBACK_FILE.fullmatch(text)
    return t("upload.rollback_file", lang, batch=found["batch"], file=found["file"]) if found else text


def _batch_state(row: pd.Series, lang: str) -> str:
    if pd.notna(row["rollback_of"]):
        return t("upload.state.undoes", lang, batch=int(row["rollback_of"]))
    if pd.notna(row["rolled_back_by"]):
        return t("upload.state.undone", lang, batch=int(row["rolled_back_by"]))
    return ""


def history_table(batches: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The upload history as shown: counts before the (shortened) fingerprint,
    kinds and rollbacks in words, headed in the reader's language."""
    return pd.DataFrame(
        {
            t("upload.col.batch", lang): batches["batch_id"].astype("int64"),
            t("upload.col.time", lang): batches["uploaded_at"],
            t("upload.col.by", lang): batches["uploaded_by"].fillna("").astype(str),
            t("upload.col.kind", lang): [kind_label(k, lang) for k in batches["kind"]],
            t("upload.col.file", lang): [file_label(f, lang) for f in batches["file_name"]],
            t("upload.col.added", lang): batches["rows_added"].astype("int64"),
            t("upload.col.changed", lang): batches["rows_changed"].astype("int64"),
            t("upload.col.state", lang): [_batch_state(r, lang) for _, r in batches.iterrows()],
            t("upload.col.sha256", lang): [
                str(s)[:SHA_SHOWN] if isinstance(s, str) else MISSING for s in batches["sha256"]
            ],
        }
    )


def history(store: Store, lang: str) -> None:
    st.subheader(t("upload.history", lang))
    batches = _in_scope(store, store.upload_history())
    if batches.empty:
        st.caption(t("upload.no_batches", lang))
        return
    col = st.column_config
    st.dataframe(
        history_table(batches, lang),
        hide_index=True,
        width="stretch",
        column_config={
            # widths in pixels: at 1366 wide (beside the sidebar) every column,
            # the counts included, shows without a sideways scroll
            t("upload.col.batch", lang): col.NumberColumn(width=56, format="%d"),
            t("upload.col.time", lang): col.DatetimeColumn(width=128, format="YYYY-MM-DD HH:mm"),
            t("upload.col.by", lang): col.TextColumn(width=84),
            t("upload.col.kind", lang): col.TextColumn(width=108),
            t("upload.col.file", lang): col.TextColumn(width=150),
            t("upload.col.added", lang): col.NumberColumn(width=64, format="%d"),
            t("upload.col.changed", lang): col.NumberColumn(width=72, format="%d"),
            t("upload.col.state", lang): col.TextColumn(width=116),
            t("upload.col.sha256", lang): col.TextColumn(width=108, help=t("upload.sha256_help", lang, n=SHA_SHOWN)),
        },
        key="upload_history_table",
    )
    with st.expander(t("upload.sha256_full", lang)):
        st.dataframe(
            pd.DataFrame(
                {
                    t("upload.col.batch", lang): batches["batch_id"].astype("int64"),
                    t("upload.col.file", lang): [file_label(f, lang) for f in batches["file_name"]],
                    "sha256": batches["sha256"].fillna(MISSING).astype(str),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    _rollback(store, batches, lang)


def _in_scope(store: Store, batches: pd.DataFrame) -> pd.DataFrame:
    """The batches an account may see listed: those that wrote a unit of its
    scope, and the dictionary's (KPI rows, the company's). A batch of units
    outside it is not listed at all: its file name may name a person."""
    if not batches.empty and not session.allowed("see_pay"):  # pay batches (issue 17): admins only
        batches = batches[~batches["kind"].isin(PAY_KINDS)].reset_index(drop=True)
    scope = session.scope()
    if scope.units is None or batches.empty:
        return batches
    written = store.batch_units()
    mine = set(written.loc[written["unit_id"].isin(scope.units), "batch_id"].astype("int64"))
    dictionary = batches["kind"] == "kpis"
    return batches[batches["batch_id"].astype("int64").isin(mine) | dictionary].reset_index(drop=True)


def _preselect(uploads: pd.DataFrame, open_batches: pd.DataFrame) -> None:
    """After a new upload (from this session or any other) the picker offers
    the newest batch that can be rolled back. Only a new *upload* moves the
    pick: when another session rolls back the batch this person picked, the
    pick stays on it and the store refuses it with a reason, rather than
    falling silently on another batch."""
    newest = int(uploads["batch_id"].max())
    options = set(uploads["batch_id"].astype("int64"))
    if st.session_state.get(NEWEST_KEY) != newest or st.session_state.get(PICK_KEY) not in options:
        st.session_state[NEWEST_KEY] = newest
        st.session_state[PICK_KEY] = int(open_batches["batch_id"].max())


def _rollback(store: Store, batches: pd.DataFrame, lang: str) -> None:
    # Batches already rolled back stay in the list, marked: when another session
    # undoes the batch this person picked, the pick must not fall silently on
    # another batch; the store refuses it instead and says who undid it.
    uploads = batches[batches["rollback_of"].isna()]
    open_batches = uploads[uploads["rolled_back_by"].isna()]
    if open_batches.empty or not session.allowed("rollback"):
        return
    _preselect(uploads, open_batches)
    # keyed: stays open while the messages above it come and go between reruns
    with st.expander(t("upload.rollback", lang), key="upload_rollback_open"):
        labels = {
            int(
                r.batch_id
            ): f"{r.batch_id} · {kind_label(r.kind, lang)} · {r.file_name} · {r.uploaded_at:%Y-%m-%d %H:%M}"
            + ("" if pd.isna(r.rolled_back_by) else " · " + t("upload.already_undone", lang, by=int(r.rolled_back_by)))
            for r in uploads.itertuples()
        }
        batch_id = st.selectbox(t("upload.rollback_pick", lang), list(labels), format_func=labels.get, key=PICK_KEY)
        by = session.who()
        st.caption(t("upload.rollback_by", lang, name=plain(by)))
        sure = st.checkbox(t("upload.rollback_confirm", lang), key="upload_rollback_sure")
        if st.button(t("upload.rollback_button", lang), disabled=not sure, key="upload_rollback_go"):
            try:
                result = approvals.rollback(store, int(batch_id), by=by, viewer=session.viewer(), scope=session.scope())
            except Exception as exc:  # noqa: BLE001 - rolled back; say why in the reader's language, no traceback
                if not isinstance(exc, (StoreError, access.AccessError)):
                    log.exception("rollback of batch %s failed", batch_id)
                # redraw the history as it now is (another session may have changed it), then say why
                data.clear_caches()
                st.session_state[FAILED_KEY] = plain(error_text(exc, lang))  # its values may be ids or names
                st.rerun()
            data.clear_caches()
            note = str(store.upload_history().set_index("batch_id").at[result.batch_id, "note"])
            found = _ROLLBACK_NOTE.fullmatch(note)
            what = t("upload.rollback_note", lang, **found.groupdict()) if found else plain(note)
            st.session_state[DONE_KEY] = t("upload.rolled_back", lang, batch=batch_id, new=result.batch_id, note=what)
            st.session_state.pop(NEWEST_KEY, None)  # offer the newest batch still in effect next
            st.rerun()
