"""Store queries: KPI owners and the figures they enter (issue 13). SQL only."""

from __future__ import annotations


class OwnerQueries:
    """Mixed into :class:`kpi_core.store.Store`."""
