"""Translations of goal-setting tasks (GS, 目标任务, issue 14): the kinds of
file, the reasons a tasks or assessments file is refused or warned about, and
the marks of the pages."""

STRINGS: dict[str, tuple[str, str]] = {
    "filekind.tasks": ("Goal-setting tasks", "目标任务"),
    "filekind.task_assessments": ("Task assessments", "目标任务评价"),
    # ingest reasons (templates matched by kpi_core.i18n.reason)
    "reason.year_digits": ("year is a four-digit year", "年度必须是四位数年份"),
    "reason.task_weight": ("weight is a percent above 0 and at most 100", "权重是大于 0 且不超过 100 的百分数"),
    "reason.task_cap": (
        "a task's cap is a multiple of its weight, at least 1",
        "目标任务的封顶是其权重的倍数,至少为 1",
    ),
    "reason.task_deadline": ("the deadline is a date written YYYY-MM-DD", "完成期限须为日期,格式 YYYY-MM-DD"),
    "reason.task_id_is_kpi": (
        "a KPI already has this id: give the task an id of its own",
        "已有指标使用此编号:请为目标任务另取编号",
    ),
    "reason.task_month_year": ("the month is not in the task's year", "月份不在该任务的年度内"),
    "reason.task_future": (
        "an assessment cannot be for a future month (today is {today})",
        "不能评价未来的月份(今天是 {today})",
    ),
    "reason.task_unknown": (
        "unknown task for that year: load it in the tasks file first",
        "该年度没有此目标任务:请先在目标任务文件中导入",
    ),
    "reason.task_result": ("a {mode} task's result is one of {results}", "{mode} 类目标任务的评价结果只能是 {results}"),
    "reason.task_events": (
        "an events task's result is a list of signed points such as +3;-2;+1",
        "事件类目标任务的评价结果是带正负号的分值列表,如 +3;-2;+1",
    ),
    # the pages
    "task.mark": ("Task", "目标任务"),
    "task.none": ("not assessed yet", "尚未评价"),
    "task.result.excellent": ("excellent", "优秀"),
    "task.result.good": ("good", "良好"),
    "task.result.pass": ("pass", "合格"),
    "task.result.fail": ("fail", "不合格"),
    "task.result.met": ("met", "达成"),
    "task.result.partly": ("partly met", "部分达成"),
    "task.result.not": ("not met", "未达成"),
    "task.mode.graded": ("graded", "分级评价"),
    "task.mode.expected": ("met or not", "达成评价"),
    "task.mode.events": ("events", "事件加减分"),
}
