"""Upload page: choose the kind, drop a CSV or .xlsx, read every problem,
preview the effect, confirm; the history of uploads with rollback below.

Only an account that may upload sees it (every row's unit must be in its
scope); the batch records the signed-in account. A file that changes a locked
year's baseline is sent for approval with a reason instead of being stored.
"""

import streamlit as st

from kpi_core import approvals, ingest
from kpi_core.i18n import t
from kpi_core.model import ADMIN_KINDS, FILE_SPECS, PAY_KINDS
from kpi_core.upload_preview import preview
from kpi_ui import data, session, shell, theme, upload
from kpi_ui.state import current
from kpi_ui.text import plain

shell.ensure_navigation()

lang = current().lang
store = data.store()
limit = ingest.max_upload_bytes()

st.title(t("upload.title", lang))
session.require("upload")
st.caption(t("upload.intro", lang))
upload.show_done()

left, right = st.columns([2, 1])
# pay data (issue 17) is offered only to accounts that may see pay; 360 set-up
# and people's attributes (issue 18) only to HR (kpi_core.model.ADMIN_KINDS)
kinds = [
    k
    for k in FILE_SPECS
    if (k not in PAY_KINDS or session.allowed("see_pay")) and session.allowed(ADMIN_KINDS.get(k, "upload"))
]
kind = left.selectbox(
    t("upload.kind", lang),
    kinds,
    index=kinds.index("actuals"),
    format_func=lambda k: t(f"filekind.{k}", lang),
    key="upload_kind",
)
right.download_button(
    t("upload.template", lang, kind=t(f"filekind.{kind}", lang)),
    upload.template(kind),
    file_name=f"{kind}.csv",
    mime="text/csv",
    key="upload_template",
)
st.caption(t("upload.rules", lang) + " " + t("approvals.recorded_as", lang, who=plain(session.who())))
upload.columns_help(kind, lang)
file = st.file_uploader(
    t("upload.file", lang, mb=f"{limit / 1024 / 1024:g}"),
    type=["csv", "txt", "tsv", "xlsx"],
    key=f"upload_file_{kind}_{st.session_state.get(upload.NONCE_KEY, 0)}",
)
theme.uploader_words(
    lang, t("upload.uploader_button", lang), t("upload.uploader_limits", lang, mb=f"{limit / 1024 / 1024:g}")
)

if file is not None:
    if file.size > limit:  # before reading the bytes into a parser
        st.error(
            t(
                "upload.too_big",
                lang,
                file=plain(file.name),
                size=f"{file.size / 1024 / 1024:.1f}",
                mb=f"{limit / 1024 / 1024:g}",
            )
        )
    else:
        validated = ingest.read(kind, file.getvalue(), file.name, store, max_bytes=limit)
        refusal = approvals.upload_refusal(validated, session.viewer(), session.scope(), data.org())
        if refusal is not None:  # before the problems: their wording may quote stored figures of those units
            upload.refused(refusal, lang)
        else:
            may_store = upload.show_problems(validated, lang)
            if validated.ok:
                effect = preview(store, validated)
                upload.show_preview(effect, lang)
                if may_store:
                    upload.commit_button(store, validated, effect, lang)

st.divider()
upload.history(store, lang)
