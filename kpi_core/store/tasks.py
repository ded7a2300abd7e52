"""Store queries: goal-setting tasks (GS, 目标任务, issue 14) and their
assessments.

Tasks and assessments are written as batches like every other kind (see
:mod:`kpi_core.store.writes`); this module reads them, for the engine (one
year's tasks of some units) and for the pages.
"""

from __future__ import annotations

import pandas as pd

from kpi_core.model import FILE_SPECS, OKR_MODE, TASK_RESULTS

_TASK_COLUMNS = ", ".join(FILE_SPECS["tasks"].columns)
_ASSESSMENT_COLUMNS = ", ".join(FILE_SPECS["task_assessments"].columns)


class TaskQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def tasks(self, year: int | None = None, unit_ids: list[str] | None = None, cur=None) -> pd.DataFrame:
        """Tasks (the columns of the tasks file), by unit, weight (largest
        first) and id; ``year`` and ``unit_ids`` narrow them."""
        cur = cur or self.cursor()
        return cur.execute(
            "SELECT "
            + _TASK_COLUMNS
            + """ FROM tasks
               WHERE (?::INTEGER IS NULL OR year = ?)
                 AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id))
               ORDER BY unit_id, year, weight DESC, task_id""",
            [year, year, unit_ids, unit_ids],
        ).df()

    def task_assessments(self, year: int | None = None, task_ids: list[str] | None = None, cur=None) -> pd.DataFrame:
        """Assessments (the columns of the task_assessments file), by task and month."""
        cur = cur or self.cursor()
        return cur.execute(
            "SELECT "
            + _ASSESSMENT_COLUMNS
            + """ FROM task_assessments
               WHERE (?::INTEGER IS NULL OR year = ?)
                 AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], task_id))
               ORDER BY task_id, year, period""",
            [year, year, task_ids, task_ids],
        ).df()

    def task_facts(
        self, year: int, unit_ids: list[str] | None, cur=None
    ) -> tuple[pd.DataFrame, pd.DataFrame, tuple[pd.DataFrame, pd.DataFrame] | None]:
        """One year's tasks of ``unit_ids`` (None: every unit), their
        assessments, and (``objectives, key_results``) of the units with a
        task of mode ``okr`` (None when none has one), for the engine."""
        cur = cur or self.cursor()
        tasks = self.tasks(year, unit_ids, cur)
        if tasks.empty:
            return tasks, pd.DataFrame(columns=list(FILE_SPECS["task_assessments"].columns)), None
        okr_units = sorted(set(tasks.loc[tasks["mode"] == OKR_MODE, "unit_id"]))
        okrs = self.okr_facts(year, okr_units, cur) if okr_units else None
        return tasks, self.task_assessments(year, tasks["task_id"].tolist(), cur), okrs

    def task_grades(self, cur=None) -> pd.DataFrame:
        """Every assessment of a task whose mode grades (``graded``, ``expected``:
        the modes of :data:`~kpi_core.model.TASK_RESULTS`; not ``events``, not
        ``okr``) with who gave it, for the fairness check: rater (the account
        that wrote the assessment's batch: the manager on the assessment form,
        or the uploader of a file), subject (the task's unit), task_id, year,
        period, mode, result. Left out: assessments whose batch names no
        writer, and those restored by rolling a batch back (the rollback's
        author did not give them)."""
        cur = cur or self.cursor()
        return cur.execute(
            """SELECT b.uploaded_by AS rater, t.unit_id AS subject, a.task_id, a.year, a.period, t.mode, a.result
               FROM task_assessments a
               JOIN tasks t ON t.task_id = a.task_id AND t.year = a.year
               JOIN batches b ON b.batch_id = a.batch_id
               WHERE list_contains(?::VARCHAR[], t.mode)
                 AND coalesce(b.uploaded_by, '') <> '' AND b.rollback_of IS NULL
               ORDER BY b.uploaded_by, t.unit_id, a.task_id, a.year, a.period""",
            [list(TASK_RESULTS)],
        ).df()
