"""Store queries: edits of the KPI dictionary and assignments, the change log and validity answers."""

from __future__ import annotations


class DesignQueries:
    """Mixed into :class:`kpi_core.store.Store`."""
