"""Store queries: alert acknowledgements and alert settings.

Acknowledgements are appended, never updated or deleted: an alert keeps every
acknowledgement (who, when, what action was taken, a comment), and the pages
show the latest. Alert thresholds live in the ``settings`` table under keys
starting with ``alerts.`` (see :class:`kpi_core.alerts.AlertSettings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import numpy as np
import pandas as pd

from kpi_core.months import month_date, months_between

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

    def save_alert_settings(self, values: Mapping[str, str | None]) -> None:
        """Write alert settings in one transaction; a value of None deletes the
        key (the default applies again)."""
        bad = [key for key in values if not key.startswith(SETTINGS_PREFIX)]
        if bad:
            raise ValueError(f"not an alert setting: {', '.join(bad)}")
        with self.transaction() as cur:
            for key, value in values.items():
                if value is None:
                    cur.execute("DELETE FROM settings WHERE key = ?", [key])
                else:
                    cur.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, str(value)])

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

    def alert_values(self, unit_ids: list[str] | None, start: str, end: str) -> pd.DataFrame:
        """Targets and actuals of [start, end] for the alert rules: one row per
        stored target (``actual`` NaN) and one per stored actual (``target``
        NaN); the rules put them side by side. Ids come back as categoricals
        and months as a categorical of 'YYYY-MM', because a window of 13 months
        over a large organisation read as text would cost more than the rules;
        two plain scans replace a full outer join for the same reason."""
        units = [r[0] for r in self.cursor().execute("SELECT unit_id FROM units ORDER BY unit_id").fetchall()]
        kpis = [r[0] for r in self.cursor().execute("SELECT kpi_id FROM kpis ORDER BY kpi_id").fetchall()]
        months = months_between(start, end)
        frames = [self._alert_scan(kind, unit_ids, start, end) for kind in ("targets", "actuals")]
        got = {key: np.concatenate([f[key] for f in frames]) for key in ("u", "k", "m")}
        n_targets = len(frames[0]["u"])
        value = np.concatenate([f["value"] for f in frames])
        is_target = np.arange(len(value)) < n_targets
        return pd.DataFrame(
            {
                "unit_id": pd.Categorical.from_codes(got["u"], categories=units),
                "kpi_id": pd.Categorical.from_codes(got["k"], categories=kpis),
                "period": pd.Categorical.from_codes(got["m"], categories=months),
                "target": np.where(is_target, value, np.nan),
                "actual": np.where(is_target, np.nan, value),
            },
            copy=False,
        )

    def _alert_scan(self, kind: str, unit_ids: list[str] | None, start: str, end: str) -> dict[str, np.ndarray]:
        value = {"targets": "target", "actuals": "actual"}[kind]
        # the table and column names come from the dict above, never from a caller
        query = (
            """WITH u AS (SELECT unit_id, (row_number() OVER (ORDER BY unit_id) - 1)::INTEGER AS u FROM units),
                    k AS (SELECT kpi_id, (row_number() OVER (ORDER BY kpi_id) - 1)::INTEGER AS k FROM kpis)
               SELECT u.u, k.k, datediff('month', ?::DATE, v.period)::INTEGER AS m, v."""
            + value
            + """::DOUBLE AS value FROM """
            + kind
            + """ v JOIN u USING (unit_id) JOIN k USING (kpi_id)
               WHERE v.period BETWEEN ?::DATE AND ?::DATE
                 AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], v.unit_id))"""
        )
        start_date, end_date = month_date(start), month_date(end)
        got = self.cursor().execute(query, [start_date, start_date, end_date, unit_ids, unit_ids]).fetchnumpy()
        return {
            "u": np.asarray(got["u"], dtype="int32"),
            "k": np.asarray(got["k"], dtype="int32"),
            "m": np.asarray(got["m"], dtype="int32"),
            "value": np.asarray(got["value"], dtype="float64"),
        }

    def is_reported(self, period: str) -> bool:
        """True when any actual has been uploaded for ``period``, for any unit."""
        row = self.cursor().execute("SELECT count(*) FROM actuals WHERE period = ?::DATE", [month_date(period)])
        return row.fetchone()[0] > 0
