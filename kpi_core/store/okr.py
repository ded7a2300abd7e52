"""Store queries: OKRs and value-contribution points (issue 18, items 1-2).

The rows are written as upload batches of the kinds ``objectives``,
``key_results`` and ``value_events`` (see :mod:`kpi_core.store.writes`:
audited, rolled back from ``history``); this module reads them, and hands
out the id of an event recorded on the page. The reads take no reader:
:mod:`kpi_core.okr` and the page narrow them to the reader's scope.
"""

from __future__ import annotations

import pandas as pd

from kpi_core.model import FILE_SPECS

_OBJECTIVE_COLUMNS = ", ".join(FILE_SPECS["objectives"].columns)
_KR_COLUMNS = ", ".join(FILE_SPECS["key_results"].columns)
_EVENT_COLUMNS = ", ".join(FILE_SPECS["value_events"].columns)


class OkrQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def objectives(self, unit_id: str | None = None, quarter: str | None = None) -> pd.DataFrame:
        """Objectives (the columns of the file), of a unit and/or a quarter."""
        return (
            self.cursor()
            .execute(
                "SELECT "
                + _OBJECTIVE_COLUMNS
                + """ FROM objectives
                   WHERE (?::VARCHAR IS NULL OR unit_id = ?) AND (?::VARCHAR IS NULL OR quarter = ?)
                   ORDER BY quarter, objective_id""",
                [unit_id, unit_id, quarter, quarter],
            )
            .df()
        )

    def objective(self, objective_id: str) -> dict | None:
        found = self.objectives_by_id([objective_id])
        return None if found.empty else found.iloc[0].to_dict()

    def objectives_by_id(self, objective_ids: list[str]) -> pd.DataFrame:
        return (
            self.cursor()
            .execute(
                "SELECT "
                + _OBJECTIVE_COLUMNS
                + " FROM objectives WHERE list_contains(?::VARCHAR[], objective_id) ORDER BY objective_id",
                [list(objective_ids)],
            )
            .df()
        )

    def key_results(self, objective_ids: list[str] | None = None) -> pd.DataFrame:
        """Key results (the columns of the file), of the given objectives (None: all)."""
        ids = None if objective_ids is None else list(objective_ids)
        return (
            self.cursor()
            .execute(
                "SELECT "
                + _KR_COLUMNS
                + """ FROM key_results
                   WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], objective_id)
                   ORDER BY objective_id, kr_id""",
                [ids, ids],
            )
            .df()
        )

    def okr_facts(self, year: int, unit_ids: list[str], cur=None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The objectives of ``year``'s quarters of ``unit_ids`` and their key
        results: what a unit's goal-setting task of mode ``okr`` scores."""
        cur = cur or self.cursor()
        objectives = cur.execute(
            "SELECT "
            + _OBJECTIVE_COLUMNS
            + """ FROM objectives
               WHERE quarter LIKE ? AND list_contains(?::VARCHAR[], unit_id)
               ORDER BY unit_id, quarter, objective_id""",
            [f"{int(year):04d}Q%", list(unit_ids)],
        ).df()
        key_results = cur.execute(
            "SELECT "
            + _KR_COLUMNS
            + """ FROM key_results
               WHERE list_contains(?::VARCHAR[], objective_id)
               ORDER BY objective_id, kr_id""",
            [list(objectives["objective_id"])],
        ).df()
        return objectives, key_results

    def key_result(self, kr_id: str) -> dict | None:
        found = self.cursor().execute("SELECT " + _KR_COLUMNS + " FROM key_results WHERE kr_id = ?", [kr_id]).df()
        return None if found.empty else _plain(found.iloc[0].to_dict())

    def okr_quarters(self) -> list[str]:
        """Every quarter some unit has objectives for, newest first."""
        rows = self.cursor().execute("SELECT DISTINCT quarter FROM objectives ORDER BY quarter DESC").fetchall()
        return [r[0] for r in rows]

    def value_events(self, unit_ids: list[str] | None = None) -> pd.DataFrame:
        """Value events (the columns of the file), of the given persons (None: all)."""
        ids = None if unit_ids is None else list(unit_ids)
        return (
            self.cursor()
            .execute(
                "SELECT "
                + _EVENT_COLUMNS
                + """ FROM value_events
                   WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id)
                   ORDER BY event_date DESC, event_id""",
                [ids, ids],
            )
            .df()
        )

    def value_event(self, event_id: str) -> dict | None:
        found = (
            self.cursor().execute("SELECT " + _EVENT_COLUMNS + " FROM value_events WHERE event_id = ?", [event_id]).df()
        )
        return None if found.empty else _plain(found.iloc[0].to_dict())

    def next_value_event_id(self) -> str:
        """A new event id ("VE-F0001"), never handed out twice; "F" tells an
        event recorded on the page from one of a file."""
        number = self.cursor().execute("SELECT nextval('value_event_seq')").fetchone()[0]
        return f"VE-F{int(number):04d}"


def _plain(row: dict) -> dict:
    """A row as Python values: NaN and NA as None."""
    return {k: (None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in row.items()}
