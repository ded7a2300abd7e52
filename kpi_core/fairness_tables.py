"""The fairness check's words and tables (issue 18, item 4), one place for the
page (pages/13_fairness.py) and the command line (``fairness``): each flag's
sentence and each table with translated headings, from the frames of
:mod:`kpi_core.fairness`. ``name`` turns a rater id into what the reader sees
(a person's name, or an account or outside id as written); :class:`Labels`
turns an attribute and its values into the reader's language (the Chinese
labels of the ``unit_attributes`` file, else the ids as written)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from kpi_core.i18n import t

if TYPE_CHECKING:
    from kpi_core.org import Org

Namer = Callable[[str], str]


def namer(org: Org, lang: str) -> Namer:
    """A rater or assessor id as the reader sees it: a unit's name in ``lang``,
    else the id as written (an account or an outside rater)."""
    return lambda rater: org.name(str(rater), lang) if rater in org else str(rater)


def comparison_record(g: Mapping, name: Namer, labels: Labels, lang: str) -> dict:
    """Who compared which group (a row of the group or grade checks) for JSON
    and CSV: the ids as stored, the rater's name and the labels in ``lang``."""
    return {
        "rater_id": g["rater"],
        "rater": name(g["rater"]),
        "attribute": g["attribute"],
        "attribute_name": labels.attribute(g["attribute"], lang),
        "value": g["value"],
        "value_name": labels.value(g["attribute"], g["value"], lang),
    }


def _given(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


@dataclass(frozen=True)
class Labels:
    """The Chinese labels of attributes and their values (``attribute_zh``,
    ``value_zh`` of the units' attributes); English, and anything without a
    label, reads the id as written. Where rows disagree, the first label wins."""

    attributes: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, attributes: pd.DataFrame) -> Labels:
        """From :meth:`Store.unit_attributes` (columns attribute, value and,
        when present, attribute_zh and value_zh)."""
        names: dict[str, str] = {}
        values: dict[tuple[str, str], str] = {}
        for r in attributes.to_dict("records"):
            if _given(r.get("attribute_zh")):
                names.setdefault(str(r["attribute"]), str(r["attribute_zh"]).strip())
            if _given(r.get("value_zh")):
                values.setdefault((str(r["attribute"]), str(r["value"])), str(r["value_zh"]).strip())
        return cls(names, values)

    def attribute(self, attribute: object, lang: str) -> str:
        text = str(attribute)
        return self.attributes.get(text, text) if lang == "zh" else text

    def value(self, attribute: object, value: object, lang: str) -> str:
        text = str(value)
        return self.values.get((str(attribute), text), text) if lang == "zh" else text


NO_LABELS = Labels()


def _pairs(a: pd.Series, b: pd.Series) -> list[str]:
    return [f"{x} / {y}" for x, y in zip(a, b, strict=True)]


def _ci(low: pd.Series, high: pd.Series, signed: bool = True) -> list[str]:
    form = "{:+.2f} … {:+.2f}" if signed else "{:.2f} … {:.2f}"
    return ["" if pd.isna(lo) or pd.isna(hi) else form.format(lo, hi) for lo, hi in zip(low, high, strict=True)]


def _flag_params(f: Mapping, lang: str, name: Namer, labels: Labels) -> dict:
    return {
        "rater": name(str(f["rater"])),
        "attribute": labels.attribute(f["attribute"], lang),
        "value": labels.value(f["attribute"], f["value"], lang),
        "gap": abs(f["diff"]),
        "direction": t("fair.lower" if f["diff"] < 0 else "fair.higher", lang),
        "low": f["low"],
        "high": f["high"],
        "d": f["d"],
        "p": f["p"],
        "n_a": int(f["n_a"]),
        "n_b": int(f["n_b"]),
    }


def flag_text(f: Mapping, lang: str, name: Namer, labels: Labels = NO_LABELS) -> str:
    """A 360 flag (a row of :func:`kpi_core.fairness.group_checks`) as its sentence."""
    return t("fair.flag", lang, **_flag_params(f, lang, name, labels))


def grade_flag_text(f: Mapping, lang: str, name: Namer, labels: Labels = NO_LABELS) -> str:
    """A task-grade flag (a row of :func:`kpi_core.fairness.grade_checks`),
    with the other assessors' difference between the same groups."""
    others = (
        t("fairtasks.others_none", lang)
        if pd.isna(f["others_diff"])
        else t("fairtasks.others", lang, diff=f["others_diff"], n=int(f["others_n"]))
    )
    params = _flag_params(f, lang, name, labels) | {"mean_a": f["mean_a"], "mean_b": f["mean_b"], "others": others}
    return t("fairtasks.flag", lang, **params)


def _attribute_columns(frame: pd.DataFrame, lang: str, labels: Labels) -> dict[str, list[str]]:
    """The attribute and value columns of a comparison table, in ``lang``."""
    pairs = list(zip(frame["attribute"], frame["value"], strict=True))
    return {
        t("fair.col.attribute", lang): [labels.attribute(a, lang) for a, _ in pairs],
        t("fair.col.value", lang): [labels.value(a, v, lang) for a, v in pairs],
    }


def group_table(groups: pd.DataFrame, lang: str, name: Namer, labels: Labels = NO_LABELS) -> pd.DataFrame:
    """Every rater and group of people compared (360 offsets)."""
    return pd.DataFrame(
        {
            t("fair.col.rater", lang): [name(str(r)) for r in groups["rater"]],
            **_attribute_columns(groups, lang, labels),
            t("fair.col.n", lang): _pairs(groups["n_a"], groups["n_b"]),
            t("fair.col.subjects", lang): _pairs(groups["subjects_a"], groups["subjects_b"]),
            t("fair.col.diff", lang): groups["diff"].round(2),
            t("fair.col.ci", lang): _ci(groups["low"], groups["high"]),
            "d": groups["d"].round(2),
            "p": groups["p"].round(4),
            t("fair.col.flag", lang): [t("fair.yes", lang) if f else "" for f in groups["flagged"]],
        }
    )


def grade_table(checks: pd.DataFrame, lang: str, name: Namer, labels: Labels = NO_LABELS) -> pd.DataFrame:
    """Every assessor and group of people compared (raw task grades), with the
    other assessors' difference for context."""
    return pd.DataFrame(
        {
            t("fairtasks.col.assessor", lang): [name(str(r)) for r in checks["rater"]],
            **_attribute_columns(checks, lang, labels),
            t("fairtasks.col.n", lang): _pairs(checks["n_a"], checks["n_b"]),
            t("fairtasks.col.subjects", lang): _pairs(checks["subjects_a"], checks["subjects_b"]),
            t("fairtasks.col.means", lang): [
                f"{a:.2f} / {b:.2f}" for a, b in zip(checks["mean_a"], checks["mean_b"], strict=True)
            ],
            t("fair.col.diff", lang): checks["diff"].round(2),
            t("fair.col.ci", lang): _ci(checks["low"], checks["high"]),
            "d": checks["d"].round(2),
            "p": checks["p"].round(4),
            t("fairtasks.col.others", lang): ["" if pd.isna(x) else f"{x:+.2f}" for x in checks["others_diff"]],
            t("fair.col.flag", lang): [t("fair.yes", lang) if f else "" for f in checks["flagged"]],
        }
    )


def rater_table(raters: pd.DataFrame, lang: str, name: Namer) -> pd.DataFrame:
    """Each rater's overall offset (:func:`kpi_core.fairness.rater_offsets`), for calibration."""
    return pd.DataFrame(
        {
            t("fair.col.rater", lang): [name(str(r)) for r in raters["rater"]],
            t("fair.col.n", lang): raters["n"],
            t("fair.col.subjects", lang): raters["subjects"],
            t("fair.col.mean", lang): raters["mean"].round(2),
            t("fair.col.others", lang): raters["others"].round(2),
            t("fair.col.offset", lang): raters["offset"].round(2),
            t("fair.col.ci", lang): _ci(raters["low"], raters["high"]),
        }
    )


def assessor_table(summary: pd.DataFrame, lang: str, name: Namer) -> pd.DataFrame:
    """Each assessor's mean grade (:func:`kpi_core.fairness.assessor_summary`), never flagged."""
    return pd.DataFrame(
        {
            t("fairtasks.col.assessor", lang): [name(str(r)) for r in summary["rater"]],
            t("fairtasks.col.n", lang): summary["n"],
            t("fairtasks.col.subjects", lang): summary["subjects"],
            t("fairtasks.col.mean", lang): summary["mean"].round(2),
            t("fair.col.ci", lang): _ci(summary["low"], summary["high"], signed=False),
        }
    )
