"""Store queries: the stored scores, and what moved since they were made.

``kpi_scores`` holds every scored cell (unit, KPI, month, view) and
``unit_scores`` every unit's figures (unit, month, view). They are written by
:mod:`kpi_core.scores` with the engine's figures; this module only moves rows
in and out and never computes one.

What moved: every write transaction ends (:meth:`BaseStore.transaction`) by
recording in ``score_moves`` which (unit, KPI, year, first month) its batches
touched, from the ``history`` rows they wrote: a target or an actual moves its
month onward, an assignment its whole year, a KPI (a rule) every unit and year
it is assigned to. Design edits, which log to ``change_log`` instead, mark
their rows themselves (:func:`mark_moved`). Whoever keeps the scores current
(a write hook registered by :mod:`kpi_core.scores`) refreshes those rows in
the same transaction and clears the marks; marks left by a process without
that hook are refreshed the next time the scores are opened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_core.model import SCORE_COLUMNS, STATUSES
from kpi_core.months import month_date, months_between

#: meta key of the engine version the stored scores were made by
SCORES_KEY = "scores_engine"
#: meta key of the last month the stored scores reach ("YYYY-MM")
HORIZON_KEY = "scores_horizon"

KPI_SCORE_COLUMNS = SCORE_COLUMNS

#: ``unit_scores``' columns in table order, the month as "YYYY-MM".
_UNIT_SCORE_SELECT = """unit_id, strftime(period, '%Y-%m') AS period, view, total, weight, scored_weight, coverage,
    status, grade, green, amber, red, missing, kpi_count, w_financial, p_financial, w_customer, p_customer,
    w_process, p_process, w_learning, p_learning"""

_MOVES_FROM_HISTORY = """
    INSERT INTO score_moves
    SELECT DISTINCT unit_id, kpi_id, year(period), month(period) FROM history
     WHERE batch_id > ? AND kind IN ('targets', 'actuals')
    UNION ALL
    SELECT DISTINCT unit_id, kpi_id, CAST(split_part(row_key, '|', 3) AS INTEGER), 1 FROM history
     WHERE batch_id > ? AND kind = 'assignments'
    UNION ALL
    SELECT DISTINCT NULL::VARCHAR, row_key, NULL::INTEGER, 1 FROM history WHERE batch_id > ? AND kind = 'kpis'
    UNION ALL
    SELECT DISTINCT json_extract_string(r, '$.unit_id'), split_part(row_key, '|', 1),
           CAST(split_part(row_key, '|', 2) AS INTEGER), 1
      FROM (SELECT row_key, new_row AS r FROM history WHERE batch_id > ? AND kind = 'tasks'
            UNION ALL
            SELECT row_key, old_row FROM history WHERE batch_id > ? AND kind = 'tasks') t
     WHERE r IS NOT NULL
    UNION ALL
    SELECT DISTINCT t.unit_id, t.task_id, t.year, CAST(split_part(split_part(h.row_key, '|', 3), '-', 2) AS INTEGER)
      FROM history h JOIN tasks t
        ON t.task_id = split_part(h.row_key, '|', 1) AND t.year = CAST(split_part(h.row_key, '|', 2) AS INTEGER)
     WHERE h.batch_id > ? AND h.kind = 'task_assessments'
    UNION ALL
    SELECT DISTINCT t.unit_id, t.task_id, t.year, 1
      FROM (SELECT new_row AS r FROM history WHERE batch_id > ? AND kind = 'objectives'
            UNION ALL
            SELECT old_row FROM history WHERE batch_id > ? AND kind = 'objectives') o
      JOIN tasks t
        ON t.mode = 'okr' AND t.unit_id = json_extract_string(o.r, '$.unit_id')
       AND t.year = CAST(substr(json_extract_string(o.r, '$.quarter'), 1, 4) AS INTEGER)
     WHERE o.r IS NOT NULL
    UNION ALL
    SELECT DISTINCT t.unit_id, t.task_id, t.year, 1
      FROM (SELECT new_row AS r FROM history WHERE batch_id > ? AND kind = 'key_results'
            UNION ALL
            SELECT old_row FROM history WHERE batch_id > ? AND kind = 'key_results') k
      JOIN objectives o ON o.objective_id = json_extract_string(k.r, '$.objective_id')
      JOIN tasks t ON t.mode = 'okr' AND t.unit_id = o.unit_id AND t.year = CAST(substr(o.quarter, 1, 4) AS INTEGER)
     WHERE k.r IS NOT NULL
"""


def mark_moved(cur, unit_id: str | None, kpi_id: str, year: int | None, month: int = 1) -> None:
    """Record that the scores of ``unit_id``'s ``kpi_id`` (None: every unit
    with it) in ``year`` (None: every year) move from ``month`` (1-12) on."""
    cur.execute("INSERT INTO score_moves VALUES (?, ?, ?, ?)", [unit_id, kpi_id, year, month])


def _floats(column: np.ndarray) -> np.ndarray:
    """A fetched DOUBLE column as floats, NULL as NaN (``fetchnumpy`` masks NULLs)."""
    return np.ma.filled(np.ma.asarray(column, dtype="float64"), np.nan)


def _frame(result) -> pd.DataFrame:
    """A small result as a frame, faster than ``.df()`` for a few rows of many
    columns: NULL numbers as NaN, NULL text as None, text as Python strings."""
    columns = {}
    for name, values in result.fetchnumpy().items():
        if isinstance(values, np.ma.MaskedArray):
            if values.dtype.kind in "fiu":
                values = np.ma.filled(values.astype("float64"), np.nan)
            else:
                # not np.ma.filled(..., None): that fills text with numpy's default "?"
                mask = np.ma.getmaskarray(values)
                values = np.asarray(values.data, dtype=object).copy()
                values[mask] = None
        columns[name] = values
    return pd.DataFrame(columns, copy=False)


def _unit_filter(unit_ids: list[str]) -> str:
    # one unit: an equality DuckDB's zone maps prune on; several: a semi-join
    # on the unnested list (a long IN list of parameters binds slowly)
    return "unit_id = ?" if len(unit_ids) == 1 else "unit_id IN (SELECT unnest(?::VARCHAR[]))"


def _unit_params(unit_ids: list[str]) -> list:
    return [unit_ids[0]] if len(unit_ids) == 1 else [list(unit_ids)]


class ScoreQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    # ------------------------------------------------------------------ what moved

    def _record_moves(self, cur, since_batch: int) -> None:
        """Mark what the batches after ``since_batch`` wrote (inside their transaction)."""
        cur.execute(_MOVES_FROM_HISTORY, [since_batch] * 10)

    def pending_moves(self, cur=None) -> pd.DataFrame:
        """``unit_id, kpi_id, year, first_month`` (1-12) whose stored scores are
        out of date: marks for every unit or every year expanded over the
        assignments, one row per key with its earliest month."""
        cur = cur or self.cursor()
        return cur.execute(
            """SELECT unit_id, kpi_id, year, min(from_month) AS first_month FROM (
                 SELECT unit_id, kpi_id, year, from_month FROM score_moves
                  WHERE unit_id IS NOT NULL AND year IS NOT NULL
                 UNION ALL
                 SELECT a.unit_id, a.kpi_id, a.year, m.from_month FROM score_moves m JOIN assignments a
                   ON a.kpi_id = m.kpi_id AND (m.unit_id IS NULL OR a.unit_id = m.unit_id)
                  AND (m.year IS NULL OR a.year = m.year)
                  WHERE m.unit_id IS NULL OR m.year IS NULL) p
               GROUP BY unit_id, kpi_id, year ORDER BY year, unit_id, kpi_id"""
        ).df()

    def has_moves(self, cur=None) -> bool:
        cur = cur or self.cursor()
        return cur.execute("SELECT count(*) FROM score_moves").fetchone()[0] > 0

    def clear_moves(self, cur) -> None:
        cur.execute("DELETE FROM score_moves")

    def scores_version(self, cur=None) -> str | None:
        """The engine version the stored scores were made by (None: never made)."""
        cur = cur or self.cursor()
        row = cur.execute("SELECT value FROM meta WHERE key = ?", [SCORES_KEY]).fetchone()
        return row[0] if row else None

    def set_scores_version(self, cur, version: str | None) -> None:
        cur.execute("DELETE FROM meta WHERE key = ?", [SCORES_KEY])
        if version is not None:
            cur.execute("INSERT INTO meta VALUES (?, ?)", [SCORES_KEY, version])

    def value_horizon(self, cur=None) -> str | None:
        """The latest month with an actual ("YYYY-MM"): the stored scores
        reach it and no further (no page shows a later month)."""
        cur = cur or self.cursor()
        return cur.execute("SELECT strftime(max(period), '%Y-%m') FROM actuals").fetchone()[0]

    def scores_horizon(self, cur=None) -> str | None:
        """The last month the stored scores reach (None: none stored)."""
        cur = cur or self.cursor()
        row = cur.execute("SELECT value FROM meta WHERE key = ?", [HORIZON_KEY]).fetchone()
        return row[0] if row else None

    def set_scores_horizon(self, cur, horizon: str | None) -> None:
        cur.execute("DELETE FROM meta WHERE key = ?", [HORIZON_KEY])
        if horizon is not None:
            cur.execute("INSERT INTO meta VALUES (?, ?)", [HORIZON_KEY, horizon])

    def mark_months(self, cur, first: str, last: str) -> None:
        """Mark every assignment's months ``first``..``last`` (the stored
        scores now reach further: every unit gets those months)."""
        cur.execute(
            """INSERT INTO score_moves
               SELECT a.unit_id, a.kpi_id, a.year,
                      CASE WHEN a.year = year(?::DATE) THEN month(?::DATE) ELSE 1 END
               FROM assignments a WHERE a.year BETWEEN year(?::DATE) AND year(?::DATE)
               UNION ALL
               SELECT t.unit_id, t.task_id, t.year,
                      CASE WHEN t.year = year(?::DATE) THEN month(?::DATE) ELSE 1 END
               FROM tasks t WHERE t.year BETWEEN year(?::DATE) AND year(?::DATE)""",
            [month_date(first), month_date(first), month_date(first), month_date(last)] * 2,
        )

    def drop_scores_after(self, cur, horizon: str | None) -> None:
        """Remove stored scores of the months after ``horizon`` (None: all)."""
        if horizon is None:
            self.clear_scores(cur)
            return
        after = month_date(horizon)
        cur.execute("DELETE FROM kpi_scores WHERE period > ?::DATE", [after])
        cur.execute("DELETE FROM unit_scores WHERE period > ?::DATE", [after])

    # ------------------------------------------------------------------ the facts

    def all_unit_ids(self, cur=None) -> list[str]:
        """Every unit id, sorted."""
        cur = cur or self.cursor()
        return [r[0] for r in cur.execute("SELECT unit_id FROM units ORDER BY unit_id").fetchall()]

    def score_years(self, cur=None) -> list[int]:
        """Every year with an assignment or a goal-setting task."""
        cur = cur or self.cursor()
        query = "SELECT year FROM assignments UNION SELECT year FROM tasks ORDER BY year"
        return [int(r[0]) for r in cur.execute(query).fetchall()]

    def score_facts(self, year: int, unit_ids: list[str] | None = None, cur=None) -> dict:
        """One year's facts for the engine: ``assigned`` (``unit_id, kpi_id,
        weight, role`` in assignment order), ``targets`` and ``actuals``
        (``unit_id, kpi_id, month`` 0-11, ``value``), the KPI dictionary
        ``kpis``, and the id lists the categoricals use (``unit_ids``: the
        units asked for, or every unit; ``kpi_ids``: every KPI)."""
        cur = cur or self.cursor()
        kpis = cur.execute("SELECT * FROM kpis ORDER BY kpi_id").df().drop(columns="batch_id")
        kpi_ids = kpis["kpi_id"].tolist()
        if unit_ids is None:
            units = [r[0] for r in cur.execute("SELECT unit_id FROM units ORDER BY unit_id").fetchall()]
        else:
            units = sorted(set(unit_ids))
        bounds = [units[0], units[-1]] if units else ["", ""]
        cur.register("score_units", pd.DataFrame({"unit_id": pd.Series(units, dtype=object)}))
        try:
            ids = """WITH u AS (SELECT unit_id, (row_number() OVER (ORDER BY unit_id) - 1)::INTEGER AS u
                                FROM score_units),
                          k AS (SELECT kpi_id, (row_number() OVER (ORDER BY kpi_id) - 1)::INTEGER AS k FROM kpis)"""
            assigned = cur.execute(
                ids
                + """ SELECT u.u, k.k, a.weight, a.role FROM assignments a JOIN u USING (unit_id) JOIN k USING (kpi_id)
                     WHERE a.year = ? AND a.unit_id BETWEEN ? AND ?
                     ORDER BY a.unit_id, a.role, a.weight DESC, a.kpi_id""",
                [year, *bounds],
            ).fetchnumpy()
            values = {}
            for table, column in (("targets", "target"), ("actuals", "actual")):
                # the table and column names are the two fixed pairs above
                values[table] = cur.execute(
                    ids
                    + " SELECT u.u, k.k, (month(v.period) - 1)::INTEGER AS m, v."
                    + column
                    + " AS value FROM "
                    + table
                    + " v JOIN u USING (unit_id) JOIN k USING (kpi_id)"
                    # the id range lets DuckDB skip other units' blocks before the join
                    + " WHERE v.period >= ?::DATE AND v.period <= ?::DATE AND v.unit_id BETWEEN ? AND ?",
                    [month_date(f"{year:04d}-01"), month_date(f"{year:04d}-12"), *bounds],
                ).fetchnumpy()
        finally:
            cur.unregister("score_units")
        unit_type = pd.CategoricalDtype(units)
        kpi_type = pd.CategoricalDtype(kpi_ids)

        def ids_of(got: dict) -> dict:
            return {
                "unit_id": pd.Categorical.from_codes(np.asarray(got["u"], dtype="int32"), dtype=unit_type),
                "kpi_id": pd.Categorical.from_codes(np.asarray(got["k"], dtype="int32"), dtype=kpi_type),
            }

        frames = {
            name: pd.DataFrame(
                {**ids_of(got), "month": np.asarray(got["m"], dtype="int64"), "value": np.asarray(got["value"])},
                copy=False,
            )
            for name, got in values.items()
        }
        return {
            "assigned": pd.DataFrame(
                {
                    **ids_of(assigned),
                    "weight": np.asarray(assigned["weight"], dtype="float64"),
                    "role": np.asarray(assigned["role"], dtype=object),
                },
                copy=False,
            ),
            "targets": frames["targets"],
            "actuals": frames["actuals"],
            "kpis": kpis,
            "unit_ids": units,
            "kpi_ids": kpi_ids,
            **dict(zip(("tasks", "assessments", "okrs"), self.task_facts(year, units, cur), strict=True)),
        }

    # ------------------------------------------------------------------ writing scores

    def clear_scores(self, cur) -> None:
        cur.execute("DELETE FROM kpi_scores")
        cur.execute("DELETE FROM unit_scores")

    def replace_scores(
        self,
        cur,
        year: int,
        moved: pd.DataFrame,
        units: pd.DataFrame,
        kpi_rows: pd.DataFrame,
        unit_rows: pd.DataFrame,
    ) -> None:
        """Replace the stored scores of one year that moved: the cells of
        ``moved`` (``unit_id, kpi_id, first_month``) and the unit figures of
        ``units`` (``unit_id, first_month``), each from its first month (1-12)
        on, by ``kpi_rows`` and ``unit_rows`` (which hold exactly those)."""
        cur.register("moved_cells", moved[["unit_id", "kpi_id", "first_month"]])
        cur.register("moved_units", units[["unit_id", "first_month"]])
        # the plain range on period lets DuckDB skip the blocks of other months (zone maps)
        first = int(units["first_month"].min()) if len(units) else 12
        window = [month_date(f"{year:04d}-{first:02d}"), month_date(f"{year:04d}-12")]
        try:
            cur.execute(
                """DELETE FROM kpi_scores s USING moved_cells m
                   WHERE s.period BETWEEN ?::DATE AND ?::DATE
                     AND s.unit_id = m.unit_id AND s.kpi_id = m.kpi_id AND month(s.period) >= m.first_month""",
                window,
            )
            cur.execute(
                """DELETE FROM unit_scores s USING moved_units m
                   WHERE s.period BETWEEN ?::DATE AND ?::DATE
                     AND s.unit_id = m.unit_id AND month(s.period) >= m.first_month""",
                window,
            )
        finally:
            cur.unregister("moved_cells")
            cur.unregister("moved_units")
        self.insert_scores(cur, kpi_rows, unit_rows)

    def insert_scores(self, cur, kpi_rows: pd.DataFrame, unit_rows: pd.DataFrame) -> None:
        for table, rows in (("kpi_scores", kpi_rows), ("unit_scores", unit_rows)):
            if rows.empty:
                continue
            cur.register("new_scores", rows)
            try:
                names = ", ".join(rows.columns)
                # the table names are the two above; the columns are the frame's
                cur.execute("INSERT INTO " + table + " (" + names + ") SELECT " + names + " FROM new_scores")
            finally:
                cur.unregister("new_scores")

    # ------------------------------------------------------------------ reading scores

    def stored_kpi_scores(self, unit_ids: list[str], period: str, view: str) -> pd.DataFrame:
        """Stored cells of ``unit_ids`` for one month and view (columns
        :data:`KPI_SCORE_COLUMNS`, period as "YYYY-MM"), unordered."""
        return (
            self.cursor()
            .execute(
                """SELECT unit_id, kpi_id, strftime(period, '%Y-%m') AS period, view, weight, role,
                          target, actual, completion, score, points, status, strftime(as_of, '%Y-%m') AS as_of
                   FROM kpi_scores WHERE period = ?::DATE AND view = ? AND """
                + _unit_filter(unit_ids),
                [month_date(period), view, *_unit_params(unit_ids)],
            )
            .df()
        )

    def stored_card_cells(self, unit_id: str, period: str, view: str, info: tuple[str, ...]) -> pd.DataFrame:
        """One unit's stored cells for a month and view with the KPI
        dictionary's ``info`` columns (unordered: a dozen rows sort faster in
        Python than in the query)."""
        extra = "".join(", k." + c for c in info if c != "kpi_id")
        # the info columns are the caller's fixed list of dictionary columns, never user text
        return _frame(
            self.cursor().execute(
                """WITH s AS (SELECT * FROM kpi_scores WHERE unit_id = ? AND period = ?::DATE AND view = ?)
                   SELECT s.unit_id, s.kpi_id, year(s.period) AS year, strftime(s.period, '%Y-%m') AS period,
                          s.weight, s.role, s.target, s.actual, s.completion, s.score, s.points, s.status,
                          strftime(s.as_of, '%Y-%m') AS as_of"""
                + extra
                + " FROM s LEFT JOIN kpis k USING (kpi_id)",
                [unit_id, month_date(period), view],
            )
        )

    def stored_unit_scores(self, unit_ids: list[str], period: str, view: str) -> pd.DataFrame:
        """Stored unit figures of ``unit_ids`` for one month and view (units
        without any assignment that year have no row)."""
        # the id range lets DuckDB skip blocks of other units before the semi-join
        bounds = [min(unit_ids), max(unit_ids)] if unit_ids else ["", ""]
        return _frame(
            self.cursor().execute(
                "SELECT " + _UNIT_SCORE_SELECT + " FROM unit_scores"
                " WHERE period = ?::DATE AND view = ? AND unit_id BETWEEN ? AND ? AND " + _unit_filter(unit_ids),
                [month_date(period), view, *bounds, *_unit_params(unit_ids)],
            )
        )

    def stored_history(self, unit_id: str, start: str, end: str, view: str = "month") -> pd.DataFrame:
        """Stored cells of one unit for the months ``start``..``end`` of a view."""
        return (
            self.cursor()
            .execute(
                """SELECT s.unit_id, s.kpi_id, strftime(s.period, '%Y-%m') AS period, s.view, s.weight, s.role,
                          s.target, s.actual, s.completion, s.score, s.points, s.status,
                          strftime(s.as_of, '%Y-%m') AS as_of
                   FROM kpi_scores s WHERE s.unit_id = ? AND s.view = ?
                    AND s.period BETWEEN ?::DATE AND ?::DATE
                   ORDER BY s.period, s.role, s.weight DESC, s.kpi_id""",
                [unit_id, view, month_date(start), month_date(end)],
            )
            .df()
        )

    def stored_month_cells(self, unit_ids: list[str] | None, start: str, end: str) -> pd.DataFrame:
        """Month-view stored cells of the months ``start``..``end`` (``unit_ids``
        None: every unit): ``unit_id, kpi_id, period`` (categoricals: a window
        of 13 months over a large organisation read as text would cost more
        than the alert rules), ``target, actual, completion`` and ``status``
        (a categorical over :data:`kpi_core.model.STATUSES`)."""
        cur = self.cursor()
        units = [r[0] for r in cur.execute("SELECT unit_id FROM units ORDER BY unit_id").fetchall()]
        kpis = [r[0] for r in cur.execute("SELECT kpi_id FROM kpis ORDER BY kpi_id").fetchall()]
        months = months_between(start, end)
        first, last = month_date(start), month_date(end)
        got = cur.execute(
            """WITH u AS (SELECT unit_id, (row_number() OVER (ORDER BY unit_id) - 1)::INTEGER AS u FROM units),
                    k AS (SELECT kpi_id, (row_number() OVER (ORDER BY kpi_id) - 1)::INTEGER AS k FROM kpis)
               SELECT u.u, k.k, datediff('month', ?::DATE, s.period)::INTEGER AS m, s.target, s.actual,
                      s.completion, (list_position(?::VARCHAR[], s.status) - 1)::TINYINT AS status
               FROM kpi_scores s JOIN u USING (unit_id) JOIN k USING (kpi_id)
               WHERE s.view = 'month' AND s.period BETWEEN ?::DATE AND ?::DATE
                 AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.unit_id))""",
            [first, list(STATUSES), first, last, unit_ids, unit_ids],
        ).fetchnumpy()
        return pd.DataFrame(
            {
                "unit_id": pd.Categorical.from_codes(np.asarray(got["u"], dtype="int32"), categories=units),
                "kpi_id": pd.Categorical.from_codes(np.asarray(got["k"], dtype="int32"), categories=kpis),
                "period": pd.Categorical.from_codes(np.asarray(got["m"], dtype="int32"), categories=months),
                "target": _floats(got["target"]),
                "actual": _floats(got["actual"]),
                "completion": _floats(got["completion"]),
                "status": pd.Categorical.from_codes(np.asarray(got["status"], dtype="int8"), categories=list(STATUSES)),
            },
            copy=False,
        )

    def all_stored_scores(self, cur=None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every stored cell and unit figure, in a fixed order (for checks)."""
        cur = cur or self.cursor()
        kpis = cur.execute("SELECT * FROM kpi_scores ORDER BY unit_id, kpi_id, period, view").df()
        units = cur.execute("SELECT * FROM unit_scores ORDER BY unit_id, period, view").df()
        return kpis, units
