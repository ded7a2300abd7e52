"""Store queries: alert acknowledgements and alert settings.

Acknowledgements are appended, never updated or deleted: an alert keeps every
acknowledgement (who, when, what action was taken, a comment), and the pages
show the latest. Alert thresholds live in the ``settings`` table under keys
starting with ``alerts.`` (see :class:`kpi_core.alerts.AlertSettings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from kpi_core.months import month_date

SETTINGS_PREFIX = "alerts."


class AlertQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def alert_settings(self) -> dict[str, str]:
        """Every stored alert setting, key -> value (keys start with ``alerts.``)."""
        rows = (
            self.cursor()
            .execute("SELECT key, value FROM settings WHERE starts_with(key, ?) ORDER BY key", [SETTINGS_PREFIX])
            .fetchall()
        )
        return {key: value for key, value in rows}

    def save_alert_settings(self, values: Mapping[str, str | None], *, by: str = "") -> None:
        """Write alert settings in one transaction; a value of None deletes the
        key (the default applies again). Each value that changes is logged in
        ``change_log`` (entity ``settings``) with ``by``."""
        bad = [key for key in values if not key.startswith(SETTINGS_PREFIX)]
        if bad:
            raise ValueError(f"not an alert setting: {', '.join(bad)}")
        at = datetime.now()
        with self.transaction() as cur:
            for key, value in values.items():
                old = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
                old_value = old[0] if old else None
                new_value = None if value is None else str(value)
                if old_value == new_value:
                    continue
                if value is None:
                    cur.execute("DELETE FROM settings WHERE key = ?", [key])
                else:
                    cur.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, new_value])
                cur.execute(
                    """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value,
                                               reason)
                       VALUES (?, ?, 'settings', ?, 'value', ?, ?, 'alert settings')""",
                    [at, by or "?", key, old_value, new_value],
                )

    def acknowledge_alert(
        self,
        *,
        kind: str,
        unit_id: str,
        kpi_id: str,
        period: str,
        acked_by: str,
        action: str = "",
        comment: str = "",
        acked_at: datetime | None = None,
    ) -> None:
        """Record that ``acked_by`` has seen an alert and what was done about it."""
        if not acked_by.strip():
            raise ValueError("an acknowledgement needs the name of who acknowledges")
        with self.transaction() as cur:
            cur.execute(
                """INSERT INTO alert_acks (kind, unit_id, kpi_id, period, acked_by, acked_at, action, comment)
                   VALUES (?, ?, ?, ?::DATE, ?, ?, ?, ?)""",
                [
                    kind,
                    unit_id,
                    kpi_id,
                    month_date(period),
                    acked_by.strip(),
                    acked_at or datetime.now(),
                    action.strip(),
                    comment.strip(),
                ],
            )

    def alert_acks(self, period: str | None = None, unit_ids: list[str] | None = None) -> pd.DataFrame:
        """Every acknowledgement (of one month, of some units), newest first:
        kind, unit_id, kpi_id, period ('YYYY-MM'), acked_by, acked_at, action, comment."""
        return (
            self.cursor()
            .execute(
                """SELECT kind, unit_id, kpi_id, strftime(period, '%Y-%m') AS period,
                      acked_by, acked_at, action, comment
               FROM alert_acks
               WHERE (?::DATE IS NULL OR period = ?::DATE)
                 AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_id))
               ORDER BY acked_at DESC, unit_id, kpi_id, kind""",
                [None if period is None else month_date(period)] * 2 + [unit_ids, unit_ids],
            )
            .df()
        )

    def is_reported(self, period: str) -> bool:
        """True when any actual has been uploaded for ``period``, for any unit."""
        row = self.cursor().execute("SELECT count(*) FROM actuals WHERE period = ?::DATE", [month_date(period)])
        return row.fetchone()[0] > 0
