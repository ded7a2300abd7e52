"""The review pack's download on the scorecard page (issue 16, item 6).

The reader picks a format (PDF, PowerPoint, Excel) and whether person names
are masked (on by default in meeting mode), and clicks "Prepare the pack":
the pack is built for the unit and month shown, in the page's language and
the reader's scope (:func:`kpi_core.pack.build`), drawn under a spinner
(seconds: the charts and the PDF are made by Chromium), and offered as a
download. The file is kept in the session for that choice only: change the
unit, month, language, format or masking and it has to be prepared again.
"""

from __future__ import annotations

import logging

import streamlit as st

from kpi_core import access, pack
from kpi_core.i18n import error_text, t
from kpi_ui import data, session
from kpi_ui import state as vs

log = logging.getLogger(__name__)

PREPARED_KEY = "pack_prepared"
"""Session key: (what was asked, file name, MIME type, bytes) of the last prepared pack."""


def pack_download(view: vs.ViewState) -> None:
    """The "Review pack" section: format, masking, prepare, download."""
    lang = view.lang
    if data.card(view.unit, view.period, "month").kpis.empty:  # no scorecard that year: nothing to pack
        return
    st.subheader(t("pack.ui.heading", lang), anchor="review-pack")
    st.caption(t("pack.ui.caption", lang))
    with st.container(key="pack_download", horizontal=True, vertical_alignment="bottom"):
        fmt = st.segmented_control(
            t("pack.ui.format", lang),
            pack.FORMATS,
            format_func=lambda f: t(f"pack.ui.format.{f}", lang),
            default="pdf",
            key="pack_format",
        )
        masked = st.toggle(t("pack.ui.mask", lang), value=session.masked(), key="pack_mask")
        fmt = fmt or "pdf"
        asked = (view.unit, view.period, lang, fmt, masked, session.who())
        if st.button(t("pack.ui.prepare", lang), key="pack_prepare", icon=":material/description:"):
            _prepare(view, fmt, masked, asked)
        found = st.session_state.get(PREPARED_KEY)
        if found is not None and found[0] == asked:
            _, name, mime, blob = found
            st.download_button(
                t("pack.ui.download", lang, file=name),
                data=blob,
                file_name=name,
                mime=mime,
                key="pack_file",
                type="primary",
                icon=":material/download:",
                on_click="ignore",
            )


def _prepare(view: vs.ViewState, fmt: str, masked: bool, asked: tuple) -> None:
    from kpi_ui import pack_render  # plotly, kaleido, python-pptx, openpyxl: only when asked

    lang = view.lang
    st.session_state.pop(PREPARED_KEY, None)
    with st.spinner(t("pack.ui.preparing", lang)):
        try:
            made = pack.build(
                data.store(), view.unit, view.period, lang=lang, viewer=session.viewer(), mask_persons=masked
            )
            blob = pack_render.render(made, fmt)
        except access.AccessError as exc:  # not permitted, no KPIs that year, no Chromium ...
            st.error(error_text(exc, lang), icon=":material/error:")
            return
        except Exception:  # a failure of Chromium or a library: said plainly, logged in full
            log.exception("review pack %s of %s %s failed", fmt, view.unit, view.period)
            st.error(t("store.unexpected", lang), icon=":material/error:")
            return
    st.session_state[PREPARED_KEY] = (asked, pack_render.file_name(made, fmt), pack_render.MIME[fmt], blob)
