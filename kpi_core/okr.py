"""OKRs and value-contribution points (issue 18, items 1 and 2).

**OKRs.** A unit's objectives of a quarter ("2026Q3"), each with 2-5 key
results. A key result's score is its progress capped to [0, 1]: either
``(current - start) / (target - start)`` (a falling target works the same
way: start 10, target 4, current 7 is half-way) or, when the key result
gives one, its own ``progress`` (0-1). An objective's score is the mean of
its key results' scores; a key result with no score yet (no current value)
counts as 0, so an objective is never better than what is measured.

By default OKRs are **not** part of the weighted KPI total: the method's seed
warns that tying OKRs to the short-term bonus makes teams sandbag (set goals
they know they will reach). A unit opts in with a goal-setting task of mode
``okr`` (its weight is the points the OKRs carry); the engine then scores the
task each month with the unit's OKR score of the month's quarter, and the
design checks warn. An objective's ``weight`` is its share of that score.
The scoring rules are the engine's (:func:`kpi_core.engine.okr_kr_scores`
and the functions after it); this module applies them for the page.

**Value-contribution points** (价值贡献积分). A fixed company catalogue of
event types with points (:data:`VALUE_TYPES`); anyone signed in records an
event for a person with evidence; it counts once a manager whose scope acts
on the person (or an admin) approves it (``approve_value_points``). The
points of an event are the catalogue's when it is recorded, so a later
change of the catalogue leaves past events alone. Points are not part of the
KPI total; they are shown beside it.

Every write is an upload batch of the file kind of the same name (audited
with the signed-in user, rolled back like any upload).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_core import access, engine, i18n
from kpi_core.model import FILE_SPECS, OKR_MODE

if TYPE_CHECKING:
    from kpi_core.org import Org
    from kpi_core.store import BatchResult, Store

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
MIN_KRS, MAX_KRS = 2, 5
STATUSES: tuple[str, ...] = ("pending", "approved", "rejected")


@dataclass(frozen=True)
class ValueType:
    type_id: str
    points: float
    en: str
    zh: str


#: The company catalogue of value events (type -> points).
VALUE_TYPES: dict[str, ValueType] = {
    v.type_id: v
    for v in (
        ValueType("hard_problem", 10, "Helped solve a hard problem", "协助攻克疑难问题"),
        ValueType("improvement", 8, "Improvement proposal adopted", "改进提案被采纳"),
        ValueType("knowledge_share", 5, "Led a knowledge-sharing session", "主讲知识分享"),
        ValueType("cross_team_role", 6, "Key role in a cross-team project", "跨部门项目关键角色"),
        ValueType("mentoring", 4, "Mentored a new colleague", "带教新员工"),
        ValueType("customer_praise", 3, "Named in a customer's praise", "获得客户表扬"),
    )
}


def quarter_of(day: str | date) -> str:
    """The quarter of a date: "2026-08-14" -> "2026Q3"."""
    d = day if isinstance(day, date) else date.fromisoformat(str(day))
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def kr_score(start: float | None, target: float | None, current: float | None, progress: float | None) -> float | None:
    """A key result's score 0-1 (None: nothing measured yet); the rule is
    :func:`kpi_core.engine.okr_kr_scores`.

    >>> kr_score(0, 10, 5, None), kr_score(0, 10, 14, None), kr_score(20, 50, 10, None)
    (0.5, 1.0, 0.0)
    >>> kr_score(10, 4, 7, None), kr_score(None, None, None, 0.3)
    (0.5, 0.3)
    """
    value = engine.okr_kr_scores([start], [target], [current], [progress])[0]
    return None if np.isnan(value) else float(value)


def scored_key_results(key_results: pd.DataFrame) -> pd.DataFrame:
    """The key results with ``score`` (0-1, NaN when nothing is measured)."""
    return key_results.assign(
        score=engine.okr_kr_scores(
            key_results["start"], key_results["target"], key_results["current"], key_results["progress"]
        )
    )


def objective_scores(objectives: pd.DataFrame, key_results: pd.DataFrame) -> pd.DataFrame:
    """The objectives with ``score`` (the mean of their key results' scores,
    an unmeasured one counting 0) and ``krs`` (how many key results)."""
    return engine.okr_objective_scores(objectives, key_results)


def quarter_score(scored: pd.DataFrame) -> float:
    """One quarter's OKR score of a unit from :func:`objective_scores`: the
    mean of its objectives, weighted by their weights when each has one
    (:func:`kpi_core.engine.okr_quarter_scores`); NaN without a scored one."""
    found = engine.okr_quarter_scores(scored)
    return float(found["score"].iloc[0]) if len(found) else float("nan")


def shares(scored: pd.DataFrame) -> tuple[dict[str, float], bool]:
    """Each objective's share of one quarter's score (from
    :func:`objective_scores`), and whether the weights apply (every
    objective has one; else equal shares): :func:`kpi_core.engine.okr_shares`."""
    return engine.okr_shares(scored), engine.okr_weights_apply(scored)


def quarter_history(store: Store, unit_id: str) -> pd.DataFrame:
    """One row per quarter of the unit: objectives and the quarter's OKR
    score (newest first)."""
    objectives = store.objectives(unit_id=unit_id)
    if objectives.empty:
        return pd.DataFrame(columns=["quarter", "objectives", "score"])
    scored = objective_scores(objectives, store.key_results(list(objectives["objective_id"])))
    counts = scored.groupby("quarter")["objective_id"].count()
    scores = engine.okr_quarter_scores(scored).set_index("quarter")["score"]
    out = pd.DataFrame({"quarter": counts.index, "objectives": counts.to_numpy()})
    out["score"] = out["quarter"].map(scores).astype(float)
    return out.sort_values("quarter", ascending=False).reset_index(drop=True)


def counted_in_total(store: Store, unit_id: str, year: int) -> pd.DataFrame:
    """The unit's goal-setting tasks of mode ``okr`` in ``year``: through them
    its OKRs count in its weighted total (empty: they do not)."""
    tasks = store.tasks(year, [unit_id])
    return tasks[tasks["mode"] == OKR_MODE].reset_index(drop=True)


# --------------------------------------------------------------------------- writes


def _one_row_batch(store: Store, kind: str, row: dict, *, by: str, what: str) -> BatchResult:
    frame = pd.DataFrame([row], columns=list(FILE_SPECS[kind].columns))
    for column in FILE_SPECS[kind].numeric:
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    digest = hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()
    return store.write_batch(kind, frame, file_name=what, sha256=digest, uploaded_by=by)


class OkrError(ValueError):
    """A form entry that cannot be stored: ``key`` and ``params`` name the sentence."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def update_key_result(
    store: Store,
    kr_id: str,
    *,
    current: float | None,
    confidence: float | None,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
) -> BatchResult:
    """Record a key result's current value and confidence (one audited batch).
    Needs ``update_okr`` on the objective's unit."""
    row = store.key_result(kr_id)
    if row is None:
        raise OkrError("okr.err.no_kr", kr=kr_id)
    objective = store.objective(row["objective_id"])
    unit = objective["unit_id"] if objective is not None else ""
    if not access.permits(viewer, "update_okr", scope, unit):
        raise access.NotPermitted(f"not permitted: update_okr on {unit}", unit=unit)
    if confidence is not None and not 0 <= confidence <= 1:
        raise OkrError("okr.err.confidence")
    if current is not None and not np.isfinite(current):
        raise OkrError("okr.err.current")
    row["current"] = current
    row["confidence"] = confidence
    return _one_row_batch(store, "key_results", row, by=by, what=f"OKR form: {kr_id}")


# --------------------------------------------------------------------------- a new objective (the page's form)

#: The file name a form's batches are listed under in the upload history.
FORM_FILE = "OKR form"
_KR_FIELDS = ("title", "title_zh", "start", "target", "current", "progress", "owner", "confidence")


class FormRefused(OkrError):
    """A new objective that cannot be stored: ``problems`` are (kind, the
    files' own :class:`kpi_core.ingest.Problem`) as the validation of the
    ``objectives`` and ``key_results`` files found them; row 2 is the
    objective, or the first key result. :func:`form_problems` says them."""

    def __init__(self, problems: list[tuple[str, object]]) -> None:
        super().__init__("okr_form.err.refused", count=len(problems))
        self.problems = problems


def form_problems(refused: FormRefused, lang: str) -> list[str]:
    """The problems of a refused form, each once, in ``lang``: where (the
    objective, or key result n), the field, the value as entered, and the
    files' reason.

    >>> from kpi_core.ingest import Problem
    >>> refused = FormRefused([("key_results", Problem("OKR form", 3, "progress", "1.5",
    ...     "progress is a share from 0 to 1"))])
    >>> form_problems(refused, "en"), form_problems(refused, "zh")
    (['Key result 2, progress “1.5”: progress is a share from 0 to 1'], ['关键结果 2,进度“1.5”:进度须为 0 到 1 之间的比例'])
    """
    from kpi_core.ingest import HEADER_ROW  # ingest imports this module's rules

    out: list[str] = []
    for kind, problem in refused.problems:
        said = i18n.reason(problem.reason, lang)
        if kind == "key_results" and problem.column == "objective_id":
            text = i18n.t("okr_form.problem.krs", lang, reason=said)  # the count: about all of them
        elif problem.row is None:
            text = said
        else:
            where = (
                i18n.t("okr_form.problem.objective", lang)
                if kind == "objectives"
                else i18n.t("okr_form.problem.kr", lang, n=problem.row - HEADER_ROW)
            )
            field = i18n.t(f"okr_form.field.{problem.column}", lang)
            key = "okr_form.problem.value" if problem.value else "okr_form.problem.no_value"
            text = i18n.t(key, lang, where=where, field=field, value=problem.value, reason=said)
        if text not in out:
            out.append(text)
    return out


@dataclass(frozen=True)
class Created:
    """A stored objective: its id, its key results' ids and the two batches."""

    objective_id: str
    kr_ids: tuple[str, ...]
    objective_batch: int | None
    key_results_batch: int | None


def objective_prefix(unit_id: str, quarter: str) -> str:
    """The start of the ids of a unit's objectives of a quarter.

    >>> objective_prefix("RD", "2026Q4"), objective_prefix("RD", "Q4 2026")
    ('RD-26Q4-O', 'RD-O')
    """
    found = QUARTER.fullmatch(str(quarter or ""))
    return f"{unit_id}-{found.group(1)[2:]}Q{found.group(2)}-O" if found else f"{unit_id}-O"


def next_objective_id(taken: set[str], prefix: str) -> str:
    """The next free objective id after every stored one of ``prefix``
    (objectives, key results and their objectives' ids alike).

    >>> next_objective_id({"RD-26Q4-O1", "RD-26Q4-O3-K2", "RD-26Q4-Ox"}, "RD-26Q4-O")
    'RD-26Q4-O4'
    """
    numbers = [int(m.group(1)) for i in taken if (m := re.match(re.escape(prefix) + r"(\d+)(?:-|$)", i))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _cell(value: object) -> str:
    """A form value as the file's cell: a number written without a needless
    ".0" (4.0 -> "4"), empty for none."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()


def _csv(kind: str, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = FILE_SPECS[kind].columns
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode()


class _WithObjective:
    """The store as the key results' validation sees it once the new
    objective is stored: the same checks as a key results file loaded after
    its objectives file (the objective exists; 2-5 key results)."""

    def __init__(self, store: Store, objective: dict) -> None:
        self._store = store
        self._objective = objective

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def objectives(self, unit_id: str | None = None, quarter: str | None = None) -> pd.DataFrame:
        stored = self._store.objectives(unit_id=unit_id, quarter=quarter)
        new = pd.DataFrame([self._objective]).reindex(columns=stored.columns)
        return pd.concat([stored, new], ignore_index=True) if len(stored) else new


def create_objective(
    store: Store,
    row: dict,
    key_results: list[dict],
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    today: date | None = None,
) -> Created:
    """Store a new objective of a unit and quarter with its key results.

    ``row``: unit_id, quarter, title, title_zh, weight (optional);
    ``key_results``: dicts of title, title_zh, start, target, current,
    progress, owner, confidence. Needs ``update_okr`` on the unit. The ids
    are new ("RD-26Q4-O4", its key results "RD-26Q4-O4-K1" ...). The
    objective and the key results are checked by the files' own validation
    (:func:`kpi_core.ingest.read`), both before anything is written: any
    problem refuses the whole form (:class:`FormRefused`, the problems as a
    file of one objective and one of its key results would get). Then both
    are written as two batches in one transaction, audited with ``by``.
    """
    from kpi_core import ingest  # ingest imports this module's rules

    unit = str(row.get("unit_id") or "")
    if not access.permits(viewer, "update_okr", scope, unit):
        raise access.NotPermitted(f"not permitted: update_okr on {unit}", unit=unit)
    quarter = _cell(row.get("quarter")).upper()
    prefix = objective_prefix(unit, quarter)
    objective_id = next_objective_id(store.okr_ids_from(prefix), prefix)
    objective = {
        "objective_id": objective_id,
        "unit_id": unit,
        "quarter": quarter,
        "title": row.get("title"),
        "title_zh": row.get("title_zh"),
        "weight": row.get("weight"),
    }
    krs = [
        {"kr_id": f"{objective_id}-K{i}", "objective_id": objective_id} | {f: kr.get(f) for f in _KR_FIELDS}
        for i, kr in enumerate(key_results, start=1)
    ]
    objectives_file = ingest.read("objectives", _csv("objectives", [objective]), FORM_FILE, store, today=today)
    problems = [("objectives", p) for p in objectives_file.errors]
    if krs:
        krs_file = ingest.read(
            "key_results", _csv("key_results", krs), FORM_FILE, _WithObjective(store, objective), today=today
        )
        problems += [("key_results", p) for p in krs_file.errors]
    else:
        count = f"an objective has {MIN_KRS} to {MAX_KRS} key results"
        problems.append(("key_results", ingest.Problem(FORM_FILE, None, "objective_id", "", count)))
    if problems:
        raise FormRefused(problems)
    digest = hashlib.sha256(_csv("objectives", [objective]) + _csv("key_results", krs)).hexdigest()
    first, second = store.write_objective(
        objectives_file.frame,
        krs_file.frame,
        file_name=f"{FORM_FILE}: {objective_id}",
        sha256=digest,
        uploaded_by=by,
    )
    return Created(objective_id, tuple(k["kr_id"] for k in krs), first.batch_id, second.batch_id)


def edit_objective(
    store: Store,
    objective_id: str,
    *,
    title: str,
    title_zh: str,
    weight: float | None,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
    today: date | None = None,
) -> BatchResult:
    """Change a stored objective's title, Chinese title and weight (its id,
    unit and quarter stay): checked by the objectives file's own validation
    (a refusal is :class:`FormRefused`, said by :func:`form_problems`), then
    written as one audited batch of one row, listed in the upload history and
    rolled back like any upload. Nothing changed: a result with no batch.
    Needs ``update_okr`` on the objective's unit. When the unit's OKRs count
    in its total, the store marks the year for rescoring, as for a file."""
    from kpi_core import ingest  # ingest imports this module's rules

    stored = store.objective(objective_id)
    if stored is None:
        raise OkrError("okr.err.no_objective", objective=objective_id)
    unit = str(stored["unit_id"])
    if not access.permits(viewer, "update_okr", scope, unit):
        raise access.NotPermitted(f"not permitted: update_okr on {unit}", unit=unit)
    row = {
        "objective_id": objective_id,
        "unit_id": unit,
        "quarter": stored["quarter"],
        "title": title,
        "title_zh": title_zh,
        "weight": weight,
    }
    text = _csv("objectives", [row])
    validated = ingest.read("objectives", text, FORM_FILE, store, today=today)
    if validated.errors:
        raise FormRefused([("objectives", p) for p in validated.errors])
    return store.write_batch(
        "objectives",
        validated.frame,
        file_name=f"{FORM_FILE}: {objective_id}",
        sha256=hashlib.sha256(text).hexdigest(),
        uploaded_by=by,
    )


def record_value_event(
    store: Store,
    org: Org,
    *,
    unit_id: str,
    type_id: str,
    event_date: date,
    evidence: str,
    viewer: access.Viewer | None,
    by: str,
) -> tuple[str, BatchResult]:
    """Record an event for a person, pending approval. Anyone signed in may
    (``record_value_points``). Returns the new event's id and the batch."""
    if not access.permits(viewer, "record_value_points"):
        raise access.NotPermitted("not permitted: record_value_points")
    if unit_id not in org or org.kind(unit_id) != "person":
        raise OkrError("okr.err.no_person", unit=unit_id)
    if type_id not in VALUE_TYPES:
        raise OkrError("okr.err.type", type=type_id)
    text = (evidence or "").strip()
    if len(text) < 10:
        raise OkrError("okr.err.evidence")
    event_id = store.next_value_event_id()
    row = {
        "event_id": event_id,
        "unit_id": unit_id,
        "type_id": type_id,
        "event_date": event_date.isoformat(),
        "evidence": text[:2000],
        "recorded_by": by,
        "status": "pending",
        "points": VALUE_TYPES[type_id].points,
        "approved_by": None,
    }
    return event_id, _one_row_batch(store, "value_events", row, by=by, what=f"value event form: {event_id}")


def decide_value_event(
    store: Store,
    event_id: str,
    *,
    approve: bool,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    by: str,
) -> BatchResult:
    """Approve (or reject) a pending event: a manager whose scope acts on the
    person, or an admin (``approve_value_points``). The recorder may not
    approve their own event."""
    row = store.value_event(event_id)
    if row is None:
        raise OkrError("okr.err.no_event", event=event_id)
    if not access.permits(viewer, "approve_value_points", scope, row["unit_id"]):
        raise access.NotPermitted(f"not permitted: approve_value_points on {row['unit_id']}", unit=row["unit_id"])
    if row["status"] != "pending":
        raise OkrError("okr.err.decided", event=event_id)
    if row["recorded_by"] == by and viewer is not None:
        raise OkrError("okr.err.own")
    row["status"] = "approved" if approve else "rejected"
    row["approved_by"] = by
    return _one_row_batch(store, "value_events", row, by=by, what=f"value event decision: {event_id}")


# --------------------------------------------------------------------------- reads


def with_quarter(events: pd.DataFrame) -> pd.DataFrame:
    out = events.copy()
    out["quarter"] = [quarter_of(d) for d in out["event_date"]]
    return out


def person_points(events: pd.DataFrame) -> pd.DataFrame:
    """A person's approved points by quarter (rows) and type (columns), with a
    ``total`` column; pending and rejected events do not count."""
    approved = with_quarter(events[events["status"] == "approved"])
    if approved.empty:
        return pd.DataFrame(columns=["total"])
    table = approved.pivot_table(index="quarter", columns="type_id", values="points", aggfunc="sum", fill_value=0)
    table = table[[t for t in VALUE_TYPES if t in table.columns]]
    table["total"] = table.sum(axis=1)
    return table.sort_index(ascending=False)


def department_view(events: pd.DataFrame, org: Org, scope: access.Scope, unit_id: str, quarter: str) -> dict:
    """A department's approved points of a quarter: ``total`` over every
    person below it, ``by_unit`` the total of each child department, and
    ``persons`` (unit_id, points) for the persons the scope may show only."""
    below = set(org.subtree(unit_id))
    approved = with_quarter(events[(events["status"] == "approved") & events["unit_id"].isin(below)])
    approved = approved[approved["quarter"] == quarter]
    by_person = approved.groupby("unit_id")["points"].sum()
    by_unit = {}
    for child in org.children(unit_id):
        if org.kind(child) == "person":
            continue
        by_unit[child] = float(by_person[by_person.index.isin(set(org.subtree(child)))].sum())
    shown = [u for u in by_person.index if scope.persons and scope.allows(u)]
    persons = by_person[shown].sort_values(ascending=False)
    return {
        "total": float(by_person.sum()),
        "events": len(approved),
        "by_unit": by_unit,
        "persons": [(u, float(p)) for u, p in persons.items()],
        "hidden": int(len(by_person) - len(shown)),
    }
