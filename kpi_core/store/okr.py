"""Store queries: OKRs and value-contribution points (issue 18, items 1-2).

The rows are written as upload batches of the kinds ``objectives``,
``key_results`` and ``value_events`` (see :mod:`kpi_core.store.writes`:
audited, rolled back from ``history``); this module reads them, and hands
out the id of an event recorded on the page. The reads take no reader:
:mod:`kpi_core.okr` and the page narrow them to the reader's scope.
An objective made on the page's form is written with its key results as
two batches in one transaction (:meth:`OkrQueries.write_objective`).
"""

from __future__ import annotations

import pandas as pd

from kpi_core.model import FILE_SPECS
from kpi_core.store.base import StoreError
from kpi_core.store.writes import BatchResult

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

    def okr_ids_from(self, prefix: str) -> set[str]:
        """Every stored objective and key-result id starting with ``prefix``
        (a key result's objective id too, should its objective be gone)."""
        rows = (
            self.cursor()
            .execute(
                """SELECT objective_id FROM objectives WHERE starts_with(objective_id, ?)
                   UNION SELECT objective_id FROM key_results WHERE starts_with(objective_id, ?)
                   UNION SELECT kr_id FROM key_results WHERE starts_with(kr_id, ?)""",
                [prefix, prefix, prefix],
            )
            .fetchall()
        )
        return {r[0] for r in rows}

    def write_objective(
        self,
        objective: pd.DataFrame,
        key_results: pd.DataFrame,
        *,
        file_name: str,
        sha256: str,
        uploaded_by: str,
    ) -> tuple[BatchResult, BatchResult]:
        """A new objective (one row of the ``objectives`` file, validated) and
        its key results (rows of the ``key_results`` file, validated): two
        batches, both audited with ``uploaded_by``, in **one** transaction, so
        both are stored or neither. Refused (:class:`StoreError`, nothing
        stored) when one of the ids is stored already: the form makes new
        objectives, it never overwrites one (another session may have taken
        the id a moment ago)."""

        def attempt() -> tuple[BatchResult, BatchResult]:
            with self.transaction() as cur:
                _check_new(cur, objective, key_results)
                first = self._write_in(
                    cur,
                    "objectives",
                    objective,
                    file_name=file_name,
                    sha256=sha256,
                    uploaded_by=uploaded_by,
                    note="written with its key results, in one transaction",
                )
                second = self._write_in(
                    cur,
                    "key_results",
                    key_results,
                    file_name=file_name,
                    sha256=sha256,
                    uploaded_by=uploaded_by,
                    note=f"written with batch {first.batch_id} (its objective), in one transaction",
                )
            for result in (first, second):
                if result.batch_id is not None:
                    self._check_committed(result.batch_id)
            return first, second

        return self.retrying_once(attempt)

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


def _check_new(cur, objective: pd.DataFrame, key_results: pd.DataFrame) -> None:
    """Refuse ids stored already (read in the write's own transaction)."""
    objective_ids = list(objective["objective_id"])
    kr_ids = list(key_results["kr_id"])
    taken = cur.execute(
        """SELECT objective_id FROM objectives WHERE list_contains(?::VARCHAR[], objective_id)
           UNION SELECT objective_id FROM key_results WHERE list_contains(?::VARCHAR[], objective_id)
           UNION SELECT kr_id FROM key_results WHERE list_contains(?::VARCHAR[], kr_id)
           ORDER BY 1""",
        [objective_ids, objective_ids, kr_ids],
    ).fetchall()
    if taken:
        ids = ", ".join(str(r[0]) for r in taken)
        raise StoreError(
            f"{ids} is stored already (saved a moment ago by another session); nothing was stored",
            key="okr_form.err.taken",
            ids=ids,
        )


def _plain(row: dict) -> dict:
    """A row as Python values: NaN and NA as None."""
    return {k: (None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in row.items()}
