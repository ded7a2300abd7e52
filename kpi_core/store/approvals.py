"""Store queries: locked baselines and change requests (issue 13). SQL only."""

from __future__ import annotations


class ApprovalQueries:
    """Mixed into :class:`kpi_core.store.Store`."""
