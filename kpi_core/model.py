"""The vocabulary of the scorecard: perspectives, directions, kinds of file and
their columns, and the records that pass between the store, the scoring engine
and the user interface.

Everything that names a column of the analyst's CSV contract lives here, so the
ingest code, the templates, the README and the tests read one definition.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

PERSPECTIVES: tuple[str, ...] = ("financial", "customer", "process", "learning")
DIRECTIONS: tuple[str, ...] = ("higher", "lower", "band")
ACCUMULATIONS: tuple[str, ...] = ("sum", "avg", "last")
UNIT_KINDS: tuple[str, ...] = ("company", "department", "person")
ROLES: tuple[str, ...] = ("core", "aux", "info")
"""``info``: tracked and shown with weight 0, never scored (how the components
of a calculated KPI are assigned, issue 14)."""
#: Reporting frequencies and the months in each period: a KPI is due in the
#: last month of its period (March, June, September, December for ``quarter``).
FREQUENCIES: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}
VIEWS: tuple[str, ...] = ("month", "quarter", "ytd")

#: Goal-setting tasks (GS, 目标任务, issue 14): how each mode's result earns
#: a share of the task's weight. ``events`` results are lists of signed points
#: ("+3;-2;+1"): the task earns its weight plus their sum, clamped to
#: [0, cap x weight]. ``okr`` is a unit's opt-in of its OKRs to the weighted
#: total (issue 18): the task is never assessed by hand; each month it earns
#: its weight x the unit's OKR score of the month's quarter (0-1).
TASK_MODES: tuple[str, ...] = ("graded", "expected", "events", "okr")
#: The task mode that counts a unit's OKRs in its weighted total.
OKR_MODE = "okr"
TASK_RESULTS: dict[str, dict[str, float]] = {
    "graded": {"excellent": 1.0, "good": 0.8, "pass": 0.6, "fail": 0.0},
    "expected": {"met": 1.0, "partly": 0.5, "not": 0.0},
}
DEFAULT_TASK_CAP = 1.2
#: The ``role`` a task's stored cells carry in ``kpi_scores``: the marker that
#: tells a task's cell from a KPI's (tasks share the scorecard with KPIs).
TASK_ROLE = "task"

#: The columns of one stored scored cell (``kpi_scores``): what the engine
#: writes and the store reads back.
SCORE_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "kpi_id",
    "period",
    "view",
    "weight",
    "role",
    "target",
    "actual",
    "completion",
    "score",
    "points",
    "status",
    "as_of",
)
"""``as_of``: the month whose figures a cell carries when they are not the
period's own (a quarterly KPI between its due months); empty otherwise."""
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

#: A 360 behaviour's five anchored levels, a sentence each in English and
#: Chinese: ``anchor_1``, ``anchor_1_zh`` ... ``anchor_5``, ``anchor_5_zh``.
ANCHOR_COLUMNS: tuple[str, ...] = (
    "anchor_1",
    "anchor_1_zh",
    "anchor_2",
    "anchor_2_zh",
    "anchor_3",
    "anchor_3_zh",
    "anchor_4",
    "anchor_4_zh",
    "anchor_5",
    "anchor_5_zh",
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
        ),
        optional=(
            # rule columns: absent means empty, i.e. no such rule (issue 14)
            *KPI_RULE_COLUMNS,
            "definition_zh",
            "caliber",
            "caliber_zh",
            "data_source",
            "data_source_zh",
            "owner",
            "frequency",
            "indicator_type",
            # a calculated KPI: an expression over other KPI ids (issue 14)
            "formula",
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
    # goal-setting tasks (issue 14): one row per task and year
    "tasks": FileSpec(
        kind="tasks",
        required=(
            "task_id",
            "unit_id",
            "year",
            "name",
            "name_zh",
            "perspective",
            "weight",
            "mode",
            "objective",
            "acceptance",
            "deadline",
        ),
        optional=("cap",),
        key=("task_id", "year"),
        numeric=("year", "weight", "cap"),
        required_values=("task_id", "unit_id", "year", "name", "perspective", "weight", "mode"),
    ),
    # a manager's assessment of a task for a month
    "task_assessments": FileSpec(
        kind="task_assessments",
        required=("task_id", "year", "period", "result"),
        optional=("comment",),
        key=("task_id", "year", "period"),
        numeric=("year",),
        required_values=("task_id", "year", "period", "result"),
    ),
    # pay data (issue 17): a person's annual pay, its mix and bonus scheme, per year
    "pay": FileSpec(
        kind="pay",
        required=(
            "unit_id",
            "year",
            "annual_total",
            "fixed_pct",
            "bonus_pct",
            "longterm_pct",
            "scheme",
            "basis",
        ),
        # absent means empty: a file of target-scheme persons needs no rate
        optional=("rate", "cap", "floor"),
        key=("unit_id", "year"),
        numeric=("year", "annual_total", "fixed_pct", "bonus_pct", "longterm_pct", "rate", "cap", "floor"),
        required_values=("unit_id", "year", "annual_total", "fixed_pct", "bonus_pct", "longterm_pct", "scheme"),
    ),
    # OKRs (issue 18, item 1): a unit's objectives of a quarter (YYYYQn) and their key results
    "objectives": FileSpec(
        kind="objectives",
        required=("objective_id", "unit_id", "quarter", "title", "title_zh"),
        optional=("weight",),
        key=("objective_id",),
        numeric=("weight",),
        required_values=("objective_id", "unit_id", "quarter", "title"),
    ),
    "key_results": FileSpec(
        kind="key_results",
        required=("kr_id", "objective_id", "title", "title_zh", "start", "target", "current", "progress", "owner"),
        optional=("confidence",),
        key=("kr_id",),
        numeric=("start", "target", "current", "progress", "confidence"),
        required_values=("kr_id", "objective_id", "title"),
    ),
    # value-contribution points (issue 18, item 2): one recorded event for a person
    "value_events": FileSpec(
        kind="value_events",
        required=("event_id", "unit_id", "type_id", "event_date", "evidence", "recorded_by", "status"),
        optional=("points", "approved_by"),
        key=("event_id",),
        numeric=("points",),
        required_values=("event_id", "unit_id", "type_id", "event_date", "evidence", "recorded_by", "status"),
    ),
    # 360-degree reviews set up by file (issue 18, item 3): a cycle; its
    # questionnaire, a behaviour per row with its five anchored levels (1 to 5,
    # English and Chinese); the raters of each person reviewed, in a rater group
    "review_cycles": FileSpec(
        kind="review_cycles",
        required=("cycle_id", "name", "name_zh", "period", "status"),
        optional=(),
        key=("cycle_id",),
        required_values=("cycle_id", "name", "period", "status"),
    ),
    "review_behaviours": FileSpec(
        kind="review_behaviours",
        required=("cycle_id", "behaviour_id", "name", "name_zh", *ANCHOR_COLUMNS),
        # absent or empty: after the cycle's behaviours, in the file's order
        optional=("position",),
        key=("cycle_id", "behaviour_id"),
        numeric=("position",),
        required_values=("cycle_id", "behaviour_id", "name", *ANCHOR_COLUMNS[::2]),
    ),
    "review_raters": FileSpec(
        kind="review_raters",
        required=("cycle_id", "subject_id", "rater_id", "rater_group"),
        optional=(),
        key=("cycle_id", "subject_id", "rater_id"),
        required_values=("cycle_id", "subject_id", "rater_id", "rater_group"),
    ),
    # the units' attributes the fairness check groups people by (tenure,
    # location ...): one row per unit and attribute; ingest also reads the
    # "wide" shape, unit_id and one column per attribute (a units file with
    # attribute columns), into these rows
    "unit_attributes": FileSpec(
        kind="unit_attributes",
        required=("unit_id", "attribute", "value"),
        optional=("attribute_zh", "value_zh"),
        key=("unit_id", "attribute"),
        required_values=("unit_id", "attribute", "value"),
    ),
}

#: How a person's bonus is earned (issue 17, the ``pay`` file's ``scheme``):
#: ``target`` bonus base x achievement, ``commission`` rate x an actual,
#: ``none`` no bonus.
PAY_SCHEMES: tuple[str, ...] = ("target", "commission", "none")
#: The kind of file holding pay data: loaded after the others when present,
#: and only by accounts that may see pay (``see_pay``).
PAY_KINDS: tuple[str, ...] = ("pay",)
#: OKRs and value-contribution points (issue 18): loaded after pay when present.
OKR_KINDS: tuple[str, ...] = ("objectives", "key_results", "value_events")
#: 360 review cycles set up by file (issue 18), loaded in this order (each
#: refers to the one before), after the OKRs when present.
REVIEW_KINDS: tuple[str, ...] = ("review_cycles", "review_behaviours", "review_raters")
#: The units' attributes (tenure, location ...) the fairness check groups by.
ATTRIBUTE_KINDS: tuple[str, ...] = ("unit_attributes",)
#: Kinds an account uploads or rolls back only with this access action
#: (kpi_core.access.RULES), whatever its scope: HR's set-up of 360 cycles,
#: and the people's attributes (person-level data, read by the fairness check only).
ADMIN_KINDS: dict[str, str] = {
    "review_cycles": "manage_360",
    "review_behaviours": "manage_360",
    "review_raters": "manage_360",
    "unit_attributes": "see_fairness",
}

#: Order in which a complete company is loaded: each kind refers to the ones before.
LOAD_ORDER: tuple[str, ...] = ("units", "kpis", "assignments", "targets", "actuals")
#: The kinds of goal-setting tasks, loaded after the others when present.
TASK_KINDS: tuple[str, ...] = ("tasks", "task_assessments")

#: Chinese header names accepted for each column (as Chinese Excel users name
#: them); a header cell holding one of these is read as the column it names.
#: README "CSV files" and the upload page list them.
HEADER_ALIASES_ZH: dict[str, tuple[str, ...]] = {
    "unit_id": ("单元编号", "单元代码"),
    "name": ("英文名称",),
    "name_zh": ("中文名称",),
    "kind": ("单元类型",),
    "parent_id": ("上级单元编号", "上级编号"),
    "sort_order": ("排序",),
    "kpi_id": ("指标编号", "指标代码"),
    "perspective": ("维度",),
    "direction": ("指标方向",),
    "unit": ("计量单位",),
    "accumulation": ("累计方式",),
    "definition": ("英文定义",),
    "floor": ("下限",),
    "cap": ("封顶",),
    "tiers": ("分级评分",),
    "band_low": ("区间下限",),
    "band_high": ("区间上限",),
    "band_penalty": ("区间扣分",),
    "green_at": ("绿灯起点",),
    "amber_at": ("黄灯起点",),
    "blend": ("当期权重",),
    "definition_zh": ("中文定义",),
    "caliber": ("英文统计口径",),
    "caliber_zh": ("统计口径", "中文统计口径"),
    "data_source": ("英文数据来源",),
    "data_source_zh": ("数据来源", "中文数据来源"),
    "owner": ("责任单元", "责任人"),
    "frequency": ("评价周期",),
    "indicator_type": ("指标类型",),
    "formula": ("计算公式", "公式"),
    "year": ("年度", "年份"),
    "weight": ("权重",),
    "role": ("指标角色", "角色"),
    "period": ("期间", "月份"),
    "target": ("目标值", "目标"),
    "actual": ("实际值", "实际"),
    "task_id": ("任务编号", "任务代码"),
    "mode": ("评价方式",),
    "objective": ("任务目标",),
    "acceptance": ("验收标准",),
    "deadline": ("完成期限", "截止日期"),
    "result": ("评价结果",),
    "comment": ("评语", "说明"),
    "annual_total": ("年度总收入", "年薪总额"),
    "fixed_pct": ("固定薪酬占比", "固定占比"),
    "bonus_pct": ("绩效奖金占比", "奖金占比"),
    "longterm_pct": ("中长期激励占比", "长期激励占比"),
    "scheme": ("激励方式", "兑现方式"),
    "basis": ("奖金依据", "计算依据"),
    "rate": ("提成比例", "提点"),
    "objective_id": ("目标编号",),
    "quarter": ("季度",),
    "title": ("英文标题",),
    "title_zh": ("中文标题", "标题"),
    "kr_id": ("关键结果编号",),
    "start": ("起始值", "基线值"),
    "current": ("当前值",),
    "progress": ("进度",),
    "confidence": ("信心指数", "信心"),
    "event_id": ("事件编号",),
    "type_id": ("积分类型", "事件类型"),
    "event_date": ("发生日期", "事件日期"),
    "evidence": ("事实依据", "证据"),
    "recorded_by": ("记录人",),
    "status": ("审批状态", "状态"),
    "points": ("积分", "分值"),
    "approved_by": ("审批人",),
    "cycle_id": ("评估周期编号", "周期编号"),
    "behaviour_id": ("行为编号",),
    "anchor_1": ("1级英文描述",),
    "anchor_1_zh": ("1级描述", "1级中文描述"),
    "anchor_2": ("2级英文描述",),
    "anchor_2_zh": ("2级描述", "2级中文描述"),
    "anchor_3": ("3级英文描述",),
    "anchor_3_zh": ("3级描述", "3级中文描述"),
    "anchor_4": ("4级英文描述",),
    "anchor_4_zh": ("4级描述", "4级中文描述"),
    "anchor_5": ("5级英文描述",),
    "anchor_5_zh": ("5级描述", "5级中文描述"),
    "position": ("顺序", "序号"),
    "subject_id": ("被评估人编号", "被评估人"),
    "rater_id": ("评价人编号", "评价人"),
    "rater_group": ("评价关系", "评价人类别"),
    "attribute": ("属性名称", "属性"),
    "value": ("属性值",),
    "attribute_zh": ("属性中文名称", "中文属性名称"),
    "value_zh": ("属性值中文", "中文属性值"),
}
HEADER_ALIASES: dict[str, str] = {alias: column for column, names in HEADER_ALIASES_ZH.items() for alias in names}
"""Chinese header name -> the column it stands for."""


def clean_value(value: object) -> object:
    """A cell as compared and stored: None for empty, NaN and NA; text stripped;
    numpy scalars as Python values."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, np.generic):
        return value.item()
    return value


def field_changes(
    old: Mapping[str, object] | None, new: Mapping[str, object], columns: Iterable[str]
) -> dict[str, tuple[object, object]]:
    """Fields of ``columns`` that differ between a stored row and its edit: {field: (old, new)}.

    >>> field_changes({"cap": 1.2, "name": "Revenue "}, {"cap": 1.5, "name": "Revenue"}, ["name", "cap"])
    {'cap': (1.2, 1.5)}
    """
    out = {}
    for column in columns:
        before = None if old is None else clean_value(old.get(column))
        after = clean_value(new.get(column))
        if before != after:
            out[column] = (before, after)
    return out
