"""Read queries: the organisation, the KPI dictionary, assignments and the
monthly values a scorecard is computed from."""

from __future__ import annotations

import pandas as pd

from kpi_core.model import FILE_SPECS
from kpi_core.months import month_date

_UNIT_COLUMNS = ", ".join(FILE_SPECS["units"].columns)
_KPI_COLUMNS = ", ".join(FILE_SPECS["kpis"].columns)


#: Restricting a query of table alias ``a`` to a list of units: a semi-join on
#: the unnested list (hashed once), not a list search on every row.
_UNIT_FILTER = {
    False: "",
    True: " AND a.unit_id IN (SELECT unnest(?::VARCHAR[]))",
}


class ReadQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def is_empty(self) -> bool:
        """True when no unit has been loaded yet."""
        return self.cursor().execute("SELECT count(*) FROM units").fetchone()[0] == 0

    def units(self) -> pd.DataFrame:
        query = "SELECT " + _UNIT_COLUMNS + " FROM units ORDER BY sort_order NULLS LAST, unit_id"
        return self.cursor().execute(query).df()

    def kpis(self) -> pd.DataFrame:
        query = "SELECT " + _KPI_COLUMNS + " FROM kpis ORDER BY kpi_id"
        return self.cursor().execute(query).df()

    def assignments(self, year: int | None = None, unit_ids: list[str] | None = None) -> pd.DataFrame:
        query = (
            """SELECT unit_id, kpi_id, year, weight, role FROM assignments a
               WHERE (?::INTEGER IS NULL OR year = ?)"""
            + _UNIT_FILTER[unit_ids is not None]
            + " ORDER BY unit_id, role, weight DESC, kpi_id"
        )
        params = [year, year] + ([unit_ids] if unit_ids is not None else [])
        return self.cursor().execute(query, params).df()

    def periods(self) -> list[str]:
        """Months ("YYYY-MM") that have at least one actual, oldest first."""
        # distinct dates first, then format the few left (formatting 4M rows is slow)
        rows = (
            self.cursor()
            .execute("SELECT strftime(period, '%Y-%m') FROM (SELECT DISTINCT period FROM actuals) p ORDER BY 1")
            .fetchall()
        )
        return [r[0] for r in rows]

    def latest_period(self) -> str | None:
        row = self.cursor().execute("SELECT strftime(max(period), '%Y-%m') FROM actuals").fetchone()
        return row[0]

    def latest_scored_period(self) -> str | None:
        """The latest month that has both actuals and targets: the one a
        scorecard opens on. A month whose actuals came in before its targets
        is listed (its actuals can be looked at) but not opened by default:
        nothing in it could be scored."""
        row = (
            self.cursor()
            .execute(
                """SELECT strftime(max(a.period), '%Y-%m') FROM (SELECT DISTINCT period FROM actuals) a
                   WHERE a.period IN (SELECT DISTINCT period FROM targets)"""
            )
            .fetchone()
        )
        return row[0]

    def monthly_values(self, unit_ids: list[str] | None, start: str, end: str) -> pd.DataFrame:
        """Targets and actuals of every (unit, KPI, month) in [start, end];
        ``unit_ids=None`` means every unit."""
        scoped = unit_ids is not None
        query = (
            "WITH t AS (SELECT unit_id, kpi_id, period, target FROM targets a"
            " WHERE period BETWEEN ?::DATE AND ?::DATE" + _UNIT_FILTER[scoped] + "),"
            " x AS (SELECT unit_id, kpi_id, period, actual FROM actuals a"
            " WHERE period BETWEEN ?::DATE AND ?::DATE" + _UNIT_FILTER[scoped] + ")"
            " SELECT unit_id, kpi_id, strftime(period, '%Y-%m') AS period, target, actual"
            " FROM t FULL OUTER JOIN x USING (unit_id, kpi_id, period)"
        )
        window = [month_date(start), month_date(end)] + ([unit_ids] if scoped else [])
        return self.cursor().execute(query, window * 2).df()

    def batches(self) -> pd.DataFrame:
        return (
            self.cursor()
            .execute(
                """SELECT batch_id, kind, file_name, sha256, uploaded_by, uploaded_at, rows_total,
                      rows_added, rows_changed, rows_unchanged, rollback_of, note
               FROM batches ORDER BY batch_id DESC"""
            )
            .df()
        )

    def value_history(self, unit_id: str, kpi_id: str) -> pd.DataFrame:
        """Every restatement of one unit's KPI: which batch replaced which value."""
        return (
            self.cursor()
            .execute(
                """SELECT h.batch_id, h.kind, strftime(h.period, '%Y-%m') AS period, h.old_value,
                      h.new_value, h.old_batch_id, b.uploaded_at, b.uploaded_by, b.file_name
               FROM history h JOIN batches b USING (batch_id)
               WHERE h.unit_id = ? AND h.kpi_id = ? AND h.old_value IS NOT NULL
               ORDER BY h.batch_id, h.period""",
                [unit_id, kpi_id],
            )
            .df()
        )
