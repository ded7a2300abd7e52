"""Streamlit helpers of the upload page: problem and preview tables, the
commit and rollback buttons. The work itself is done by kpi_core.ingest,
kpi_core.upload_preview and the store; this module only draws and clicks."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi_core import ingest
from kpi_core.i18n import error_text, reason, t
from kpi_core.store import Store, StoreError
from kpi_core.upload_preview import Preview
from kpi_ui import data
from kpi_ui.text import plain

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"
DONE_KEY = "upload_done"
FAILED_KEY = "upload_failed"
NONCE_KEY = "upload_nonce"


def template(kind: str) -> bytes:
    return (TEMPLATES / f"{kind}.csv").read_bytes()


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
        "before": t("upload.col.before", lang),
        "after": t("upload.col.after", lang),
        "delta": t("upload.col.delta", lang),
        "status_before": t("upload.col.status_before", lang),
        "status_after": t("upload.col.status_after", lang),
    }


def _status(value: object, lang: str) -> str:
    return t(f"status.{value}", lang) if isinstance(value, str) and value else ""


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
        st.caption(t("upload.read_as", lang, source=plain(validated.source)))
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


def show_preview(preview: Preview, lang: str) -> None:
    st.subheader(t("upload.preview", lang))
    c = preview.counts
    cols = st.columns(3)
    cols[0].metric(t("upload.new", lang), c.rows_added)
    cols[1].metric(t("upload.changed", lang), c.rows_changed)
    cols[2].metric(t("upload.unchanged", lang), c.rows_unchanged)
    moved = preview.rows[preview.rows["change"] != "unchanged"]
    if moved.empty:
        st.info(t("upload.nothing", lang), icon=":material/info:")
        return
    st.markdown(f"**{t('upload.rows', lang)}**")
    shown = moved.assign(change=moved["change"].map(lambda v: t(f"upload.change.{v}", lang))).rename(
        columns=_labels(lang)
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    _show_effect(preview, lang)


def _show_effect(preview: Preview, lang: str) -> None:
    st.markdown(f"**{t('upload.effect', lang)}**")
    if preview.totals.empty and preview.statuses.empty:
        st.caption(t("upload.no_effect", lang))
        return
    if not preview.totals.empty:
        st.caption(t("upload.totals", lang))
        st.dataframe(_in_words(preview.totals, lang).round(2), hide_index=True, width="stretch")
    if not preview.statuses.empty:
        st.caption(t("upload.statuses", lang))
        st.dataframe(_in_words(preview.statuses, lang), hide_index=True, width="stretch")


def _in_words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A preview table with statuses as symbol and word and translated headers."""
    return frame.assign(
        status_before=frame["status_before"].map(lambda v: _status(v, lang)),
        status_after=frame["status_after"].map(lambda v: _status(v, lang)),
    ).rename(columns=_labels(lang))


def commit_button(store: Store, validated: ingest.Validated, preview: Preview, uploaded_by: str, lang: str) -> None:
    to_write = preview.counts.rows_added + preview.counts.rows_changed
    if not to_write:
        return
    if not st.button(t("upload.commit", lang, count=to_write), type="primary", key="upload_commit"):
        return
    try:
        result = ingest.commit(store, validated, uploaded_by=uploaded_by)
    except Exception as exc:  # noqa: BLE001 - the transaction was rolled back; say so instead of a traceback
        if not isinstance(exc, StoreError):
            log.exception("upload of %s failed", validated.file_name)
        st.error(plain(error_text(exc, lang)), icon=":material/error:")  # its values may be ids or names
        return
    data.clear_caches()
    st.session_state[DONE_KEY] = t(
        "upload.done",
        lang,
        file=plain(validated.file_name),
        batch=result.batch_id,
        added=result.rows_added,
        changed=result.rows_changed,
        unchanged=result.rows_unchanged,
    )
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1  # a fresh, empty uploader
    st.session_state.pop("upload_rollback_pick", None)  # offer the new batch first
    st.rerun()


def show_done() -> None:
    message = st.session_state.pop(DONE_KEY, None)
    if message:
        st.success(message, icon=":material/task_alt:")
    failed = st.session_state.pop(FAILED_KEY, None)
    if failed:
        st.error(failed, icon=":material/error:")


def history(store: Store, lang: str) -> None:
    st.subheader(t("upload.history", lang))
    batches = store.upload_history()
    if batches.empty:
        st.caption(t("upload.no_batches", lang))
        return
    shown = batches[
        [
            "batch_id",
            "uploaded_at",
            "uploaded_by",
            "kind",
            "file_name",
            "sha256",
            "rows_added",
            "rows_changed",
            "rollback_of",
            "rolled_back_by",
        ]
    ].rename(
        columns={
            "batch_id": t("upload.col.batch", lang),
            "uploaded_at": t("upload.col.time", lang),
            "uploaded_by": t("upload.col.by", lang),
            "kind": t("upload.col.kind", lang),
            "file_name": t("upload.col.file", lang),
            "rows_added": t("upload.col.added", lang),
            "rows_changed": t("upload.col.changed", lang),
            "rollback_of": t("upload.col.rollback_of", lang),
            "rolled_back_by": t("upload.col.rolled_back_by", lang),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    _rollback(store, batches, lang)


def _rollback(store: Store, batches: pd.DataFrame, lang: str) -> None:
    # Batches already rolled back stay in the list, marked: when another session
    # undoes the batch this person picked, the pick must not fall silently on
    # another batch; the store refuses it instead and says who undid it.
    uploads = batches[batches["rollback_of"].isna()]
    open_batches = uploads[uploads["rolled_back_by"].isna()]
    if open_batches.empty:
        return
    # keyed: stays open while the messages above it come and go between reruns
    with st.expander(t("upload.rollback", lang), key="upload_rollback_open"):
        labels = {
            int(r.batch_id): f"{r.batch_id} · {r.kind} · {r.file_name} · {r.uploaded_at:%Y-%m-%d %H:%M}"
            + ("" if pd.isna(r.rolled_back_by) else " · " + t("upload.already_undone", lang, by=int(r.rolled_back_by)))
            for r in uploads.itertuples()
        }
        options = list(labels)
        batch_id = st.selectbox(
            t("upload.rollback_pick", lang),
            options,
            index=options.index(int(open_batches["batch_id"].iloc[0])),
            format_func=labels.get,
            key="upload_rollback_pick",
        )
        sure = st.checkbox(t("upload.rollback_confirm", lang), key="upload_rollback_sure")
        if st.button(t("upload.rollback_button", lang), disabled=not sure, key="upload_rollback_go"):
            by = st.session_state.get("upload_by", "")
            try:
                result = store.rollback_batch(int(batch_id), uploaded_by=by)
            except Exception as exc:  # noqa: BLE001 - rolled back; say why in the reader's language, no traceback
                if not isinstance(exc, StoreError):
                    log.exception("rollback of batch %s failed", batch_id)
                # redraw the history as it now is (another session may have changed it), then say why
                data.clear_caches()
                st.session_state[FAILED_KEY] = plain(error_text(exc, lang))  # its values may be ids or names
                st.rerun()
            data.clear_caches()
            note = store.upload_history().set_index("batch_id").at[result.batch_id, "note"]
            st.session_state[DONE_KEY] = t(
                "upload.rolled_back", lang, batch=batch_id, new=result.batch_id, note=plain(note)
            )
            st.rerun()
