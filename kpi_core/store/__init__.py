"""The DuckDB store: every SQL statement of the product lives in this package.

:class:`Store` is one open database file. Its methods come from one module per
concern (reads, writes ...), each a mixin, so each capability keeps its SQL
together while callers see a single object.
"""

from kpi_core.months import month_date
from kpi_core.store.alerts import AlertQueries
from kpi_core.store.approvals import ApprovalQueries
from kpi_core.store.asof import AsOfQueries
from kpi_core.store.base import (
    DEFAULT_DB,
    ENV_VAR,
    URL_ENV_VAR,
    BaseStore,
    StoreError,
    StoreLockedError,
    WriteConflictError,
    db_target,
    default_path,
    default_target,
)
from kpi_core.store.bulk import BulkQueries
from kpi_core.store.design import DesignQueries
from kpi_core.store.meetings import MeetingQueries
from kpi_core.store.okr import OkrQueries
from kpi_core.store.owners import OwnerQueries
from kpi_core.store.pay import PayQueries
from kpi_core.store.periods import PeriodClosedError, PeriodQueries
from kpi_core.store.reads import ReadQueries
from kpi_core.store.review import ReviewQueries
from kpi_core.store.review360 import Review360Queries
from kpi_core.store.schema import SCHEMA_VERSION
from kpi_core.store.scores import ScoreQueries
from kpi_core.store.tasks import TaskQueries
from kpi_core.store.uploads import RollbackError, UploadQueries
from kpi_core.store.users import UserQueries
from kpi_core.store.writes import VALUE_KINDS, BatchResult, WriteQueries, summarise_changes


class Store(
    ReadQueries,
    WriteQueries,
    UploadQueries,
    AlertQueries,
    DesignQueries,
    PeriodQueries,
    BulkQueries,
    AsOfQueries,
    ScoreQueries,
    UserQueries,
    ApprovalQueries,
    OwnerQueries,
    TaskQueries,
    ReviewQueries,
    MeetingQueries,
    PayQueries,
    OkrQueries,
    Review360Queries,
    BaseStore,
):
    """One open scorecard database (see :mod:`kpi_core.store.base`)."""


__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "URL_ENV_VAR",
    "SCHEMA_VERSION",
    "VALUE_KINDS",
    "BatchResult",
    "PeriodClosedError",
    "Store",
    "StoreError",
    "RollbackError",
    "StoreLockedError",
    "WriteConflictError",
    "db_target",
    "default_path",
    "default_target",
    "month_date",
    "summarise_changes",
]
