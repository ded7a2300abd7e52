"""A goal-setting task on the pages (GS, 目标任务, issue 14): what its view
shows, and a manager's assessment of it.

**Reading.** :func:`task_of` is the task of one year (the columns of the tasks
file); :func:`assessments` lists its assessments over the year with the
points each earns by the engine's rule (:func:`kpi_core.engine.task_points`).

**Assessing.** :func:`assess` writes one month's result and comment of a task
as a one-row ``task_assessments`` file: written as CSV text, read and
validated exactly as an uploaded file (the same problems, naming row, column
and value), then stored as one batch with the account's name, so it is
audited, can be rolled back, and the stored scores follow like any upload.
Allowed by the rule ``assess_tasks`` (:data:`kpi_core.access.RULES`: an admin
anywhere, a manager within their own subtree), checked here before anything
is read or written: :class:`kpi_core.access.NotPermitted`, nothing written.
A closed month is refused by the store
(:class:`kpi_core.store.PeriodClosedError`, nothing written).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpi_core import access, ingest
from kpi_core.engine import task_points
from kpi_core.model import FILE_SPECS, TASK_RESULTS
from kpi_core.store import BatchResult, Store

ACTION = "assess_tasks"
ASSESSMENT_FILE = "task-assessment"
"""The file name an assessment made on the page is recorded under (upload history, messages)."""
MAX_COMMENT = 1000


class TaskProblem(access.AccessError):
    """An assessment that cannot be made as asked (an unknown task)."""

    key = "task.problem"


@dataclass
class Assessed:
    """What :func:`assess` did: the validation (the problems of the one-row
    file), and the batch written when it had no error."""

    validated: ingest.Validated
    batch: BatchResult | None = None

    @property
    def ok(self) -> bool:
        return self.validated.ok

    @property
    def written(self) -> bool:
        return self.batch is not None


def may_assess(viewer: access.Viewer | None, scope: access.Scope | None, unit_id: str) -> bool:
    """Whether ``viewer`` may assess the tasks of ``unit_id``."""
    return access.permits(viewer, ACTION, scope, unit_id)


def check(viewer: access.Viewer | None, scope: access.Scope | None, unit_id: str) -> None:
    """Raise :class:`access.NotPermitted` unless ``viewer`` may assess the unit's tasks."""
    if not may_assess(viewer, scope, unit_id):
        raise access.NotPermitted(f"not permitted: assess tasks of {unit_id}", key="task.may_not", unit=unit_id)


def task_of(store: Store, task_id: str, year: int) -> dict | None:
    """The task ``task_id`` of ``year`` (the columns of the tasks file), or None."""
    found = store.tasks(int(year))
    found = found[found["task_id"] == task_id]
    return None if found.empty else found.iloc[0].to_dict()


def choices(mode: str) -> tuple[str, ...]:
    """The results a task of ``mode`` takes (none for ``events``: a typed list).

    >>> choices("graded"), choices("events")
    (('excellent', 'good', 'pass', 'fail'), ())
    """
    return tuple(TASK_RESULTS.get(mode, {}))


def assessments(store: Store, task: dict) -> pd.DataFrame:
    """The task's assessments of its year, by month: period, result, comment
    and the points that result earns (NaN for one its mode does not know)."""
    found = store.task_assessments(int(task["year"]), [task["task_id"]])
    cap = task.get("cap")
    cap = None if cap is None or (isinstance(cap, float) and math.isnan(cap)) else float(cap)
    points = [task_points(task["mode"], r, float(task["weight"]), cap) for r in found["result"]]
    return found[["period", "result", "comment"]].assign(points=points).reset_index(drop=True)


def _one_row_file(task_id: str, year: int, period: str, result: str, comment: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FILE_SPECS["task_assessments"].columns)
    writer.writerow([task_id, year, period, result, comment])
    return out.getvalue().encode("utf-8")


def clean(text: object) -> str:
    """Typed text as it is stored: one line, ends trimmed."""
    return " ".join(("" if text is None else str(text)).split())


def assess(
    store: Store,
    *,
    viewer: access.Viewer | None,
    scope: access.Scope | None,
    task_id: str,
    year: int,
    period: str,
    result: str,
    comment: str = "",
    by: str,
    today: date | None = None,
) -> Assessed:
    """Assess a task for a month (replacing that month's assessment).

    Refused before anything is written: :class:`access.NotPermitted` (no
    ``assess_tasks`` on the task's unit), :class:`TaskProblem` (no such task
    that year). A result or month the upload would refuse comes back as the
    problems of :attr:`Assessed.validated` (nothing written); a closed month
    raises the store's ``PeriodClosedError``."""
    if not access.permits(viewer, ACTION):  # an account that never assesses: refused before any read
        raise access.NotPermitted(f"not permitted: assess tasks ({task_id})", key="task.may_not", unit="")
    task = task_of(store, task_id, year)
    if task is None:
        raise TaskProblem(f"no task {task_id} in {year}", key="task.unknown", task=task_id, year=year)
    check(viewer, scope, str(task["unit_id"]))
    data = _one_row_file(task_id, int(year), period, clean(result), clean(comment)[:MAX_COMMENT])
    validated = ingest.read("task_assessments", data, ASSESSMENT_FILE, store, today=today)
    outcome = Assessed(validated)
    if validated.ok:
        outcome.batch = ingest.commit(store, validated, uploaded_by=by)
    return outcome
