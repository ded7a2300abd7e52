"""The vocabulary of the scorecard: perspectives, directions, kinds of file and
their columns, and the records that pass between the store, the scoring engine
and the user interface.

Everything that names a column of the analyst's CSV contract lives here, so the
ingest code, the templates, the README and the tests read one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSPECTIVES: tuple[str, ...] = ("financial", "customer", "process", "learning")
DIRECTIONS: tuple[str, ...] = ("higher", "lower", "band")
ACCUMULATIONS: tuple[str, ...] = ("sum", "avg", "last")
UNIT_KINDS: tuple[str, ...] = ("company", "department", "person")
ROLES: tuple[str, ...] = ("core", "aux")
VIEWS: tuple[str, ...] = ("month", "quarter", "ytd")
STATUSES: tuple[str, ...] = ("green", "amber", "red", "no_data", "no_target")

DEFAULT_GREEN_AT = 1.0
DEFAULT_AMBER_AT = 0.9


@dataclass(frozen=True)
class FileSpec:
    """The columns of one kind of CSV file."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]
    """Columns that identify a row: loading the same key again replaces it."""
    numeric: tuple[str, ...] = ()
    """Columns that must hold a finite number (when not empty)."""
    required_values: tuple[str, ...] = ()
    """Columns that may not be empty."""

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


KPI_RULE_COLUMNS: tuple[str, ...] = (
    "floor",
    "cap",
    "tiers",
    "band_low",
    "band_high",
    "band_penalty",
    "green_at",
    "amber_at",
    "blend",
)

FILE_SPECS: dict[str, FileSpec] = {
    "units": FileSpec(
        kind="units",
        required=("unit_id", "name", "name_zh", "kind", "parent_id"),
        optional=("sort_order",),
        key=("unit_id",),
        numeric=("sort_order",),
        required_values=("unit_id", "name", "kind"),
    ),
    "kpis": FileSpec(
        kind="kpis",
        required=(
            "kpi_id",
            "name",
            "name_zh",
            "perspective",
            "direction",
            "unit",
            "accumulation",
            "definition",
            *KPI_RULE_COLUMNS,
        ),
        optional=(
            "definition_zh",
            "caliber",
            "data_source",
            "owner",
            "frequency",
            "indicator_type",
        ),
        key=("kpi_id",),
        numeric=(
            "floor",
            "cap",
            "band_low",
            "band_high",
            "band_penalty",
            "green_at",
            "amber_at",
            "blend",
        ),
        required_values=("kpi_id", "name", "perspective", "direction", "accumulation"),
    ),
    "assignments": FileSpec(
        kind="assignments",
        required=("unit_id", "kpi_id", "year", "weight", "role"),
        optional=(),
        key=("unit_id", "kpi_id", "year"),
        numeric=("year", "weight"),
        required_values=("unit_id", "kpi_id", "year", "weight", "role"),
    ),
    "targets": FileSpec(
        kind="targets",
        required=("unit_id", "kpi_id", "period", "target"),
        optional=(),
        key=("unit_id", "kpi_id", "period"),
        numeric=("target",),
        required_values=("unit_id", "kpi_id", "period", "target"),
    ),
    "actuals": FileSpec(
        kind="actuals",
        required=("unit_id", "kpi_id", "period", "actual"),
        optional=(),
        key=("unit_id", "kpi_id", "period"),
        numeric=("actual",),
        required_values=("unit_id", "kpi_id", "period", "actual"),
    ),
}

#: Order in which a complete company is loaded: each kind refers to the ones before.
LOAD_ORDER: tuple[str, ...] = ("units", "kpis", "assignments", "targets", "actuals")
