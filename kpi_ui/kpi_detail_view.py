"""The pieces of the KPI detail page: one KPI at one unit over time, its
dictionary entry, the same KPI across sibling units and across a
department's persons, its restated months (then and now) and its restated
values.

The figures come from a *source*: :mod:`kpi_ui.data` for the current ones, a
:class:`kpi_ui.asof.AsOf` for those of a moment; both score through
``kpi_core.scorecard``, so the page never computes a figure itself."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from kpi_core.i18n import t
from kpi_core.model import TASK_ROLE
from kpi_core.org import Org
from kpi_core.scoring import parse_tiers
from kpi_ui import data, figures, shell
from kpi_ui import state as vs
from kpi_ui.asof import AsOf
from kpi_ui.design import failing, flagged
from kpi_ui.scorecard_view import name_of
from kpi_ui.text import html_text, plain
from kpi_ui.theme import badge, measure, number, percent, status_label

SCORECARD_PAGE = "pages/1_scorecard.py"


def pick_kpi(view: vs.ViewState, assigned: pd.DataFrame) -> str | None:
    """The KPI chooser; returns the KPI shown (the URL's, or the first)."""
    lang = view.lang
    ids = list(assigned["kpi_id"])
    if not ids:
        return None
    current = view.kpi if view.kpi in ids else ids[0]
    names = {r.kpi_id: _pick_label(pd.Series(r._asdict()), lang) for r in assigned.itertuples()}
    st.session_state["kd_kpi"] = current

    def changed() -> None:
        if not shell.history_navigation():  # Back or Forward: the address bar already says which KPI
            st.query_params["kpi"] = st.session_state["kd_kpi"]

    st.selectbox(t("kd.pick_kpi", lang), ids, format_func=names.get, key="kd_kpi", on_change=changed)
    return current


def _pick_label(row: pd.Series, lang: str) -> str:
    """A KPI's name in the chooser; a goal-setting task marked as one."""
    name = name_of(row, lang)
    return f"◆ {t('task.mark', lang)} · {name}" if row.get("role") == TASK_ROLE else name


def header(row: pd.Series, view: vs.ViewState, org: Org) -> None:
    lang = view.lang
    st.page_link(
        SCORECARD_PAGE,
        label=t("kd.back", lang, unit=plain(org.name(view.unit, lang))),
        icon=":material/arrow_back:",
        query_params=view.params(kpi=None),
    )
    failing_ids = failing()
    st.title(f"{flagged(plain(name_of(row, lang)), row['kpi_id'], failing_ids)} · {plain(org.name(view.unit, lang))}")
    if row["kpi_id"] in failing_ids:
        st.warning(t("design.validity_failed", lang, kpi_id=plain(name_of(row, lang))), icon=":material/warning:")
    st.caption(f"{t(f'perspective.{row.perspective}', lang)} · {view.period} · {t(f'view.{view.view}', lang)}")
    unit = plain(measure(row["unit"], lang))  # the KPI's unit of measure is data: a metric label is Markdown
    suffix = f" ({unit})" if unit else ""
    cols = st.columns(5)
    cols[0].markdown(f"{html_text(t('col.status', lang))}<br>{badge(row.status, lang)}", unsafe_allow_html=True)
    cols[1].metric(t("col.actual", lang) + suffix, number(row.actual, 2))
    cols[2].metric(t("col.target", lang) + suffix, number(row.target, 2))
    cols[3].metric(t("col.completion", lang), percent(row.completion))
    cols[4].metric(t("col.points", lang), f"{number(row.points, 2)} / {row.weight:g}")
    carried = row.get("as_of")
    if isinstance(carried, str):  # issue 14: a KPI between its due months
        st.caption(t("carried.detail", lang, month=carried))
    if row.get("role") == "info":
        st.caption(t("carried.info", lang))


def over_time(history: pd.DataFrame, kpi: pd.Series, view: vs.ViewState) -> None:
    left, right = st.columns(2)
    with left:
        _chart(figures.kpi_over_time(history, kpi, view.lang, big=view.meeting), "kd_over_time")
    with right:
        _chart(figures.completion_and_points(history, kpi, view.lang, big=view.meeting), "kd_completion")


def _chart(fig, key: str) -> None:
    """A figure in our own colours (Streamlit's theme would restyle status), no toolbar."""
    st.plotly_chart(fig, theme=None, config={"displayModeBar": False}, key=key)


def rule_text(kpi: pd.Series, lang: str) -> str:
    """The scoring rule in words."""
    if kpi["direction"] == "band":
        parts = [
            t(
                "kd.rule.band",
                lang,
                low=percent(kpi["band_low"], 0),
                high=percent(kpi["band_high"], 0),
                penalty=f"{kpi['band_penalty']:g}",
            )
        ]
    else:
        parts = [t("kd.rule.plain", lang)]
        if not pd.isna(kpi["floor"]):
            parts.append(t("kd.rule.floor", lang, floor=percent(kpi["floor"], 0)))
        for below, share in parse_tiers(kpi["tiers"] if isinstance(kpi["tiers"], str) else None):
            parts.append(t("kd.rule.tier", lang, below=percent(below, 0), share=percent(share, 0)))
        if not pd.isna(kpi["cap"]):
            parts.append(t("kd.rule.cap", lang, cap=percent(kpi["cap"], 0)))
    if not pd.isna(kpi["blend"]):
        parts.append(t("kd.rule.blend", lang, share=percent(kpi["blend"], 0), rest=percent(1 - kpi["blend"], 0)))
    return "; ".join(parts)


def threshold_text(kpi: pd.Series, lang: str) -> str:
    if kpi["direction"] == "band":
        return t("kd.thresholds_band", lang)
    g = 1.0 if pd.isna(kpi["green_at"]) else kpi["green_at"]
    a = 0.9 if pd.isna(kpi["amber_at"]) else kpi["amber_at"]
    return t("kd.thresholds", lang, green=percent(g, 0), amber=percent(a, 0))


def dictionary_entry(kpi: pd.Series, lang: str, org: Org | None = None) -> None:
    st.subheader(t("kd.dictionary", lang))
    fields = [
        ("definition", _in_language(kpi, "definition", lang)),
        ("caliber", _in_language(kpi, "caliber", lang)),
        ("unit", measure(kpi["unit"], lang)),
        ("direction", t(f"direction.{kpi['direction']}", lang)),
        ("accumulation", t(f"accumulation.{kpi['accumulation']}", lang)),
        ("rule", rule_text(kpi, lang)),
        ("thresholds", threshold_text(kpi, lang)),
        ("data_source", _in_language(kpi, "data_source", lang)),
        ("owner", owner_name(kpi.get("owner"), org, lang)),
        ("frequency", _word("frequency", kpi.get("frequency"), lang)),
        ("formula", kpi.get("formula") if isinstance(kpi.get("formula"), str) else None),
        ("indicator_type", _word("indicator", kpi.get("indicator_type"), lang)),
    ]
    table = pd.DataFrame(  # st.table renders its cells as Markdown: the values are data
        {
            " ": [_unbroken(t(f"kd.field.{f}", lang)) for f, _ in fields],
            "  ": [plain(v) if isinstance(v, str) and v else "–" for _, v in fields],
        }
    )
    st.table(table.set_index(" "), hide_header=True)


def _unbroken(label: str) -> str:
    """A short Chinese label kept on one line: a browser may break between any
    two Chinese characters, and a narrow table column would show "数据来 / 源"
    (a word joiner between them forbids the break; it is invisible)."""
    if label.isascii():
        return label
    return "\u2060".join(label.replace(" ", "\u00a0"))


def _in_language(kpi: pd.Series, field: str, lang: str) -> str | None:
    """A dictionary text in ``lang``: the ``<field>_zh`` column in Chinese when
    it is filled (the column may not exist in an older store), else the field."""
    own = kpi.get(f"{field}_zh") if lang == "zh" else None
    if isinstance(own, str) and own.strip():
        return own
    value = kpi.get(field)
    return value if isinstance(value, str) else None


def owner_name(owner: object, org: Org | None, lang: str) -> str | None:
    """The owner as people read it: the unit's name when the field holds a
    unit id (``FIN`` -> Finance / 财务部), else the text as written."""
    if not isinstance(owner, str) or not owner.strip():
        return None
    if org is not None and owner in org:
        return org.name(owner, lang)
    return owner


def _word(prefix: str, value: object, lang: str) -> str:
    return t(f"{prefix}.{value}", lang) if isinstance(value, str) and value else "–"


def _bars(scored: pd.DataFrame, kpi_id: str, org: Org, view: vs.ViewState, title: str) -> pd.DataFrame:
    rows = scored[scored["kpi_id"] == kpi_id]
    rows = rows.assign(label=[org.name(u, view.lang) for u in rows["unit_id"]])
    if len(rows):
        _chart(
            figures.completion_bars(rows, view.lang, title=title, highlight=view.unit, big=view.meeting),
            f"kd_bars_{title}",
        )
    return rows


def siblings(kpi: pd.Series, view: vs.ViewState, org: Org, source=data) -> None:
    parent = org.parent(view.unit)
    if parent is None:
        return
    lang = view.lang
    scored = source.scored_units(org.children(parent), view.period, view.view)
    if (scored["kpi_id"] == kpi["kpi_id"]).sum() < 2:
        st.caption(t("kd.no_siblings", lang))
        return
    title = t("kd.siblings", lang, kpi=name_of(kpi, lang), parent=org.name(parent, lang))
    rows = _bars(scored, kpi["kpi_id"], org, view, title).dropna(subset=["completion"])
    if len(rows):
        # ranked by the credited score: for a budget (band) KPI 109% is worse than 96%
        ranked = rows.sort_values(["score", "completion"], ascending=False)
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        st.markdown(
            t(
                "kd.best_worst",
                lang,
                best=plain(best["label"]),
                best_value=percent(best["completion"]),
                worst=plain(worst["label"]),
                worst_value=percent(worst["completion"]),
            )
        )


def persons(kpi: pd.Series, view: vs.ViewState, org: Org, source=data) -> None:
    if org.kind(view.unit) == "person":
        return
    lang = view.lang
    people = [u for u in org.subtree(view.unit) if org.kind(u) == "person"]
    scored = source.scored_units(people, view.period, view.view) if people else pd.DataFrame(columns=["kpi_id"])
    if not (scored["kpi_id"] == kpi["kpi_id"]).any():
        st.caption(t("kd.no_persons", lang, unit=plain(org.name(view.unit, lang))))
        return
    _bars(
        scored, kpi["kpi_id"], org, view, t("kd.persons", lang, kpi=name_of(kpi, lang), unit=org.name(view.unit, lang))
    )


RESTATEMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("period", "col.period"),
    ("kind", "kd.col.figure"),
    ("old_value", "kd.col.old_value"),
    ("new_value", "kd.col.new_value"),
    ("uploaded_at", "kd.col.uploaded_at"),
    ("uploaded_by", "kd.col.uploaded_by"),
    ("file_name", "kd.col.file_name"),
    ("batch_id", "kd.col.batch"),
)


def restatement_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Restated values as people read them: headers and kinds in ``lang``,
    figures with thousands separators, '–' where there is nothing."""

    def text(value: object) -> str:
        return "–" if value is None or pd.isna(value) or value == "" else str(value)

    columns = {
        "period": [text(v) for v in history["period"]],
        "kind": [t(f"filekind.{k}", lang) if isinstance(k, str) else "–" for k in history["kind"]],
        "old_value": [number(v, 2) for v in history["old_value"]],
        "new_value": [number(v, 2) for v in history["new_value"]],
        "uploaded_at": [
            pd.Timestamp(v).strftime("%Y-%m-%d %H:%M") if not pd.isna(v) else "–" for v in history["uploaded_at"]
        ],
        "uploaded_by": [text(v) for v in history["uploaded_by"]],
        "file_name": [text(v) for v in history["file_name"]],
        "batch_id": [text(v) for v in history["batch_id"]],
    }
    return pd.DataFrame({t(key, lang): columns[name] for name, key in RESTATEMENT_COLUMNS})


def restatements(kpi_id: str, view: vs.ViewState) -> None:
    lang = view.lang
    st.subheader(t("kd.restatements", lang))
    history = data.store().value_history(view.unit, kpi_id)
    if history.empty:
        st.caption(t("kd.no_restatements", lang))
        return
    st.dataframe(restatement_table(history, lang), hide_index=True)


RESTATED_FIGURES: tuple[str, ...] = ("actual", "target", "completion", "points", "status")
"""The rows of each restated month, in this order."""


def restated_months(kpi_id: str, kpi: pd.Series, view: vs.ViewState, then: AsOf | None = None) -> None:
    """For each month of this KPI whose actual or target was restated, its
    figures then and now: actual, target, completion, points, status.

    'Then' is ``then`` when a moment is shown (months restated after it), else
    each month as first reported: just before its first restatement. Both
    columns are scored by ``kpi_core.scorecard.kpi_history``, on the store as
    of then and on the current store."""
    lang = view.lang
    log = data.store().value_history(view.unit, kpi_id)
    if then is not None:
        log = log[log["uploaded_at"] > then.moment]
    if log.empty:
        if then is not None:  # with no moment, "Restated values" below already says there are none
            st.subheader(t("kd.restated_months", lang))
            st.caption(t("kd.restated.none_since", lang, moment=then.label))
        return
    months = sorted(log["period"].unique())
    current = data.history(view.unit, months)
    if then is not None:
        before = then.history(view.unit, months)
        header = t("kd.restated.as_of", lang, moment=then.label)
        caption = t("kd.restated.caption_as_of", lang, moment=then.label)
    else:
        before = _first_reported(log, view.unit)
        header = t("kd.restated.first", lang)
        caption = t("kd.restated.caption_first", lang)
    st.subheader(t("kd.restated_months", lang))
    st.caption(caption)
    table = restated_table(months, _rows(before, kpi_id), _rows(current, kpi_id), kpi, lang, header)
    figures_ = {"alignment": "right", "width": 180}
    with st.container(key="kd_restated_months"):
        st.dataframe(
            table,
            hide_index=True,
            width="content",
            column_config={
                t("kd.restated.month", lang): st.column_config.TextColumn(width=90),
                t("kd.restated.figure", lang): st.column_config.TextColumn(width=170),
                header: st.column_config.TextColumn(**figures_),
                t("kd.restated.current", lang): st.column_config.TextColumn(**figures_),
            },
        )


def _first_reported(log: pd.DataFrame, unit_id: str) -> pd.DataFrame:
    """Each restated month scored as it stood just before its first restatement
    (one as-of store per distinct moment)."""
    first = log.groupby("period")["uploaded_at"].min()
    frames = []
    for moment, months in first.groupby(first):
        before = pd.Timestamp(moment).to_pydatetime() - timedelta(microseconds=1)
        frames.append(AsOf(before).history(unit_id, sorted(months.index)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _rows(history: pd.DataFrame, kpi_id: str) -> dict[str, pd.Series]:
    """period -> the KPI's scored row in ``history``."""
    if history.empty:
        return {}
    mine = history[history["kpi_id"] == kpi_id]
    return {r["period"]: r for _, r in mine.iterrows()}


def restated_table(
    months: list[str],
    before: dict[str, pd.Series],
    current: dict[str, pd.Series],
    kpi: pd.Series,
    lang: str,
    header: str,
) -> pd.DataFrame:
    """Month | Figure | <then> | Current, five rows a month, figures as the
    header shows them ('–' where the KPI had no figure)."""
    unit = measure(kpi["unit"], lang)
    suffix = f" ({unit})" if unit else ""
    labels = {
        "actual": t("col.actual", lang) + suffix,
        "target": t("col.target", lang) + suffix,
        "completion": t("col.completion", lang),
        "points": t("col.points", lang),
        "status": t("col.status", lang),
    }
    rows = []
    for month in months:
        for figure in RESTATED_FIGURES:
            rows.append(
                {
                    t("kd.restated.month", lang): month,
                    t("kd.restated.figure", lang): labels[figure],
                    header: _figure(before.get(month), figure, lang),
                    t("kd.restated.current", lang): _figure(current.get(month), figure, lang),
                }
            )
    return pd.DataFrame(rows)


def _figure(row: pd.Series | None, figure: str, lang: str) -> str:
    if row is None:
        return "–"
    if figure == "completion":
        return percent(row["completion"])
    if figure == "points":
        return f"{number(row['points'], 2)} / {row['weight']:g}"
    if figure == "status":
        return status_label(row["status"], lang)
    return number(row[figure], 2)
