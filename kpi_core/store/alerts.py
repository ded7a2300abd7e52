"""Store queries: alert acknowledgements and alert settings."""

from __future__ import annotations


class AlertQueries:
    """Mixed into :class:`kpi_core.store.Store`."""
