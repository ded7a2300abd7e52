"""Store queries: whole-organisation reads for full rescoring and benchmarks."""

from __future__ import annotations


class BulkQueries:
    """Mixed into :class:`kpi_core.store.Store`."""
