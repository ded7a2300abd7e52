"""360-degree reviews (issue 18, item 3): cycles, raters' forms and reports.

A **cycle** (e.g. "2026-H1") has a questionnaire of behaviours, each rated
1-5 on a behaviour-anchored scale (a sentence per level, in English and
Chinese); subjects; and raters assigned per subject in a **rater group**
(:data:`GROUPS`). A rater is named by an account name (``ceo``), a person's
unit id (``P_RD_03``: any account tied to that person answers as them) or an
outside id (a customer).

**Anonymity** is enforced here, where answers are read: a report shows a rater
group's mean for a behaviour only when at least :data:`MIN_ANSWERS` raters of
the group answered it; ``self`` and ``superior`` are always shown (they are
known anyway). "All raters" pools the groups shown, never a hidden one (else a
hidden group could be worked out by subtraction). A report never names a
rater; a rater's form shows their own answers only.

**Who reads a report:** the subject themselves, their managers (``read_360``
within the scope) and admins. Setting up a cycle (``manage_360``) and the
fairness inputs (``see_fairness``) are admins'.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_core import access
from kpi_core.i18n import t
from kpi_core.org import Org
from kpi_core.store import Store

GROUPS: tuple[str, ...] = ("self", "superior", "peer", "subordinate", "customer")
ALWAYS_SHOWN = frozenset({"self", "superior"})
MIN_ANSWERS = 3


class ReviewError(Exception):
    """A refusal a person reads (``key`` and ``params`` name the sentence)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def rater_ids(viewer: access.Viewer) -> list[str]:
    """The rater ids an account answers as: its name and the person it is tied to."""
    ids = [viewer.name]
    if viewer.unit_id:
        ids.append(viewer.unit_id)
    return ids


def shown(group: str, raters: int) -> bool:
    """Whether a rater group's mean may be shown, from how many raters answered.

    >>> shown("peer", 2), shown("peer", 3), shown("superior", 1), shown("self", 1)
    (False, True, True, True)
    """
    return raters > 0 and (group in ALWAYS_SHOWN or raters >= MIN_ANSWERS)


# --------------------------------------------------------------------------- a rater's form


def owed(store: Store, viewer: access.Viewer) -> pd.DataFrame:
    """What this account owes and has given: cycle_id, period, status (of the
    cycle), subject_id, rater_id, rater_group, answered, behaviours, done."""
    raters = store.review_raters(rater_ids=rater_ids(viewer))
    cycles = store.review_cycles().set_index("cycle_id")
    if raters.empty:
        return raters.assign(period=[], status=[], behaviours=[], done=[])
    counts = {c: len(store.review_behaviours(c)) for c in raters["cycle_id"].unique()}
    raters["period"] = raters["cycle_id"].map(cycles["period"])
    raters["status"] = raters["cycle_id"].map(cycles["status"])
    raters["behaviours"] = raters["cycle_id"].map(counts).astype(int)
    raters["done"] = raters["answered"] >= raters["behaviours"]
    return raters.sort_values(["status", "done", "cycle_id", "subject_id"], ascending=[False, True, False, True])


def my_answers(store: Store, viewer: access.Viewer, cycle_id: str, subject_id: str) -> dict[str, int]:
    """This account's own answers for one subject: behaviour -> score."""
    rows = store.review_answers(cycle_id, subject_id, rater_ids(viewer))
    return {str(b): int(s) for b, s in zip(rows["behaviour_id"], rows["score"], strict=True)}


def submit(store: Store, viewer: access.Viewer, cycle_id: str, subject_id: str, scores: dict[str, int]) -> int:
    """Store a rater's answers for one subject (one transaction, written by
    the account). Refused unless the account is an assigned rater of the
    subject in an open cycle and every score is 1-5 for a behaviour of the
    cycle. Returns how many answers were stored."""
    mine = store.review_raters(cycle_id, rater_ids(viewer), subject_id)
    if mine.empty:
        raise ReviewError("r360.err.not_rater", subject=subject_id)
    cycles = store.review_cycles().set_index("cycle_id")
    if cycles.at[cycle_id, "status"] != "open":
        raise ReviewError("r360.err.closed", cycle=cycle_id)
    known = set(store.review_behaviours(cycle_id)["behaviour_id"])
    for behaviour, score in scores.items():
        if behaviour not in known:
            raise ReviewError("r360.err.behaviour", behaviour=behaviour)
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise ReviewError("r360.err.score", behaviour=behaviour, value=score)
    rater = str(mine["rater_id"].iloc[0])
    rows = [(subject_id, rater, b, int(s)) for b, s in scores.items()]
    store.save_review_answers(cycle_id, rows, by=viewer.name)
    return len(rows)


# --------------------------------------------------------------------------- reports


def may_read_report(viewer: access.Viewer | None, scope: access.Scope | None, subject_id: str) -> bool:
    """The subject, their managers (``read_360`` in scope) and admins."""
    if viewer is None or viewer.unit_id == subject_id:
        return True
    return access.permits(viewer, "read_360", scope, subject_id)


def visible_subjects(
    store: Store, viewer: access.Viewer | None, scope: access.Scope | None, cycle_id: str
) -> list[str]:
    """The cycle's subjects whose report this reader may open."""
    subjects = store.review_raters(cycle_id)["subject_id"].drop_duplicates().tolist()
    return [s for s in subjects if may_read_report(viewer, scope, s)]


@dataclass(frozen=True)
class Report:
    """One subject's results: ``cells`` has a row per behaviour and rater
    group (behaviour_id, rater_group, raters, mean: NaN where hidden, shown);
    ``others`` the pooled mean of the shown groups other than self per
    behaviour; ``company`` the cycle's mean per behaviour over every
    subject's answers except self-ratings."""

    cycle_id: str
    subject_id: str
    behaviours: pd.DataFrame
    cells: pd.DataFrame
    others: pd.Series
    company: pd.Series


def report(
    store: Store, viewer: access.Viewer | None, scope: access.Scope | None, cycle_id: str, subject_id: str
) -> Report:
    """A subject's report, anonymity applied. Raises NotPermitted for a reader
    who is neither the subject, nor their manager, nor an admin."""
    if not may_read_report(viewer, scope, subject_id):
        raise access.NotPermitted(f"not permitted: 360 report of {subject_id}", unit=subject_id)
    behaviours = store.review_behaviours(cycle_id)
    everyone = store.review_answers(cycle_id)
    answers = everyone[everyone["subject_id"] == subject_id]
    rows = []
    for b in behaviours["behaviour_id"]:
        for group in GROUPS:
            part = answers[(answers["behaviour_id"] == b) & (answers["rater_group"] == group)]
            raters = int(part["rater_id"].nunique())
            if raters == 0:
                continue
            ok = shown(group, raters)
            rows.append(
                {
                    "behaviour_id": b,
                    "rater_group": group,
                    "raters": raters,
                    "mean": float(part["score"].mean()) if ok else float("nan"),
                    "shown": ok,
                }
            )
    cells = pd.DataFrame(rows, columns=["behaviour_id", "rater_group", "raters", "mean", "shown"])
    visible = cells[cells["shown"] & (cells["rater_group"] != "self")][["behaviour_id", "rater_group"]]
    keep = answers.merge(visible, on=["behaviour_id", "rater_group"])
    others = keep.groupby("behaviour_id")["score"].mean()
    company = everyone[everyone["rater_group"] != "self"].groupby("behaviour_id")["score"].mean()
    return Report(cycle_id, subject_id, behaviours, cells, others, company)


def behaviour_name(row: pd.Series, lang: str) -> str:
    zh = row.get("name_zh")
    return str(zh) if lang == "zh" and isinstance(zh, str) and zh else str(row["name"])


def report_table(rep: Report, lang: str) -> pd.DataFrame:
    """The report as a table: a row per behaviour; a column per rater group
    present (mean to one decimal, or "hidden (n < 3)"), all raters, company average."""
    groups = [g for g in GROUPS if g in set(rep.cells["rater_group"])]
    out = []
    for _, b in rep.behaviours.iterrows():
        row = {t("r360.col.behaviour", lang): behaviour_name(b, lang)}
        for g in groups:
            cell = rep.cells[(rep.cells["behaviour_id"] == b["behaviour_id"]) & (rep.cells["rater_group"] == g)]
            label = t(f"r360.group.{g}", lang)
            if cell.empty:
                row[label] = ""
            elif bool(cell["shown"].iloc[0]):
                row[label] = f"{cell['mean'].iloc[0]:.1f}"
            else:
                row[label] = t("r360.hidden", lang, n=int(cell["raters"].iloc[0]))
        others = rep.others.get(b["behaviour_id"])
        row[t("r360.col.others", lang)] = "" if others is None else f"{others:.1f}"
        company = rep.company.get(b["behaviour_id"])
        row[t("r360.col.company", lang)] = "" if company is None else f"{company:.1f}"
        out.append(row)
    return pd.DataFrame(out)


def group_counts(rep: Report, lang: str) -> str:
    """'Superior 1 · Peers 4 · Subordinates 2 (hidden)': raters per group."""
    parts = []
    for g in GROUPS:
        cells = rep.cells[rep.cells["rater_group"] == g]
        if cells.empty:
            continue
        n = int(cells["raters"].max())
        text = f"{t(f'r360.group.{g}', lang)} {n}"
        if not shown(g, n):
            text += " " + t("r360.hidden_short", lang)
        parts.append(text)
    return " · ".join(parts)


# --------------------------------------------------------------------------- admins


def setup_summary(store: Store, viewer: access.Viewer | None, cycle_id: str, org: Org, lang: str) -> pd.DataFrame:
    """Per subject: raters assigned per group and how many have answered in full (admins)."""
    if not access.permits(viewer, "manage_360"):
        raise access.NotPermitted("not permitted: 360 cycle setup", unit="")
    raters = store.review_raters(cycle_id)
    n = len(store.review_behaviours(cycle_id))
    rows = []
    for subject, part in raters.groupby("subject_id", sort=False):
        row = {t("r360.col.subject", lang): org.name(subject, lang) if subject in org else subject}
        for g in GROUPS:
            row[t(f"r360.group.{g}", lang)] = int((part["rater_group"] == g).sum())
        row[t("r360.col.complete", lang)] = f"{int((part['answered'] >= n).sum())} / {len(part)}"
        rows.append(row)
    return pd.DataFrame(rows)


def fairness_ratings(
    store: Store, viewer: access.Viewer | None, source: str = "360"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ratings people gave each other as rater, subject, item, score; and
    the units' attributes. Admins (HR) only: ``see_fairness``.

    ``source="360"``: every 360 answer (self-ratings left out), item
    ``cycle|behaviour``, score 1-5. ``source="tasks"``: graded task
    assessments (modes ``graded`` and ``expected``), rater the account that
    wrote the assessment (:meth:`Store.task_grades`), subject the task's unit,
    item ``task|period``, score the result's share (0-1, ``TASK_RESULTS``);
    one assessor per task and month, so compare them with
    :func:`kpi_core.fairness.grade_checks`, never with offsets."""
    if not access.permits(viewer, "see_fairness"):
        raise access.NotPermitted("not permitted: fairness check", unit="")
    if source == "tasks":
        from kpi_core.model import TASK_RESULTS

        grades = store.task_grades()
        shares = [TASK_RESULTS[m].get(str(r)) for m, r in zip(grades["mode"], grades["result"], strict=True)]
        ratings = pd.DataFrame(
            {
                "rater": grades["rater"].astype(str),
                "subject": grades["subject"].astype(str),
                "item": grades["task_id"].astype(str) + "|" + grades["period"].astype(str),
                "score": pd.Series(shares, index=grades.index, dtype=float),
            }
        ).dropna(subset=["score"])
        return ratings.reset_index(drop=True), store.unit_attributes()
    if source != "360":
        raise ValueError(f"unknown ratings source {source!r}")
    answers = store.review_answers()
    answers = answers[answers["rater_group"] != "self"]
    ratings = pd.DataFrame(
        {
            "rater": answers["rater_id"].astype(str),
            "subject": answers["subject_id"].astype(str),
            "item": answers["cycle_id"].astype(str) + "|" + answers["behaviour_id"].astype(str),
            "score": answers["score"].astype(float),
        }
    )
    return ratings.reset_index(drop=True), store.unit_attributes()
