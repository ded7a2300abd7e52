"""Store queries: upload history and rollback (issue: monthly upload)."""

from __future__ import annotations


class UploadQueries:
    """Mixed into :class:`kpi_core.store.Store`."""
