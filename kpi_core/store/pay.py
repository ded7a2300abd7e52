"""Store queries: pay data (issue 17).

Pay rows are written as upload batches like every other kind (see
:mod:`kpi_core.store.writes`: audited, rolled back from ``history``); this
module only reads them. The read takes no reader and no scope: pay is seen by
admins alone, and :func:`kpi_core.pay.pay_rows` checks the reader before it
calls :meth:`PayQueries.pay_rows`. Nothing else in the product reads the
``pay`` table.
"""

from __future__ import annotations

import pandas as pd

from kpi_core.model import FILE_SPECS

_PAY_COLUMNS = ", ".join(FILE_SPECS["pay"].columns)


class PayQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def pay_rows(self, year: int, unit_ids: list[str] | None = None) -> pd.DataFrame:
        """One year's pay rows (the columns of the pay file), by person;
        ``unit_ids`` narrows them (None: every person with pay data)."""
        return (
            self.cursor()
            .execute(
                "SELECT "
                + _PAY_COLUMNS
                + """ FROM pay
                   WHERE year = ?
                     AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id))
                   ORDER BY unit_id""",
                [year, unit_ids, unit_ids],
            )
            .df()
        )
