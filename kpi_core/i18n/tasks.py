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
    "reason.task_okr": (
        "this task counts the unit's OKRs in its weighted total: OKRs tied to pay invite sandbagging",
        "该任务将本单元的 OKR 计入加权总分:OKR 与奖金挂钩会让团队“留余地”",
    ),
    "reason.task_okr_assessed": (
        "an okr task is scored from its unit's OKRs and takes no assessment",
        "okr 类目标任务按本单元的 OKR 计分,不接受评价",
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
    "task.result.okr": ("OKR score", "OKR 得分"),
    "task.mode.graded": ("graded", "分级评价"),
    "task.mode.expected": ("met or not", "达成评价"),
    "task.mode.events": ("events", "事件加减分"),
    "task.mode.okr": ("OKRs", "OKR"),
    # the task view of the KPI detail page and a manager's assessment (kpi_ui.task_view)
    "task.may_not": (
        "Not permitted: only a manager of this unit or an administrator assesses its tasks.",
        "无权操作:只有本单元的经理或管理员可以评价其目标任务。",
    ),
    "task.unknown": ("There is no task {task} in {year}.", "{year} 年没有目标任务 {task}。"),
    "task.problem": ("This assessment cannot be saved.", "无法保存该评价。"),
    "task.view.caption": (
        "Goal-setting task · {perspective} · {period} · {view}",
        "目标任务 · {perspective} · {period} · {view}",
    ),
    "task.view.latest": ("Latest result", "最新评价"),
    "task.view.mode": ("Assessment mode", "评价方式"),
    "task.view.about": ("The task", "任务说明"),
    "task.view.objective": ("Objective", "目标"),
    "task.view.acceptance": ("Acceptance criteria", "验收标准"),
    "task.view.deadline": ("Deadline", "完成期限"),
    "task.view.cap": ("Cap", "封顶"),
    "task.view.cap_value": ("{cap} x the weight ({points} points)", "权重的 {cap} 倍({points} 分)"),
    "task.view.rule.graded": (
        "excellent earns the whole weight, good 80%, pass 60%, fail nothing",
        "优秀得满权重,良好 80%,合格 60%,不合格不得分",
    ),
    "task.view.rule.expected": (
        "met earns the whole weight, partly met half, not met nothing",
        "达成得满权重,部分达成得一半,未达成不得分",
    ),
    "task.view.rule.events": (
        "the weight plus the month's signed points, never below 0 nor above the cap",
        "权重加上当月的加减分,不低于 0,不高于封顶",
    ),
    "task.view.rule.okr": (
        "each month earns the weight x the unit's OKR score of the month's quarter (0-100%)",
        "每月得分 = 权重 × 本单元当季 OKR 得分(0-100%)",
    ),
    "task.view.okr_quarters": ("OKR scores in {year}", "{year} 年 OKR 得分"),
    "task.view.okr_none": ("No OKRs in {year} yet.", "{year} 年尚无 OKR。"),
    "task.view.okr_link": ("Open the unit's OKRs", "查看本单元 OKR"),
    "task.view.rule": ("Scoring", "计分方式"),
    "task.view.assessments": ("Assessments in {year}", "{year} 年的评价"),
    "task.view.no_assessments": ("No assessment in {year} yet.", "{year} 年尚无评价。"),
    "task.view.carried": (
        "A month without an assessment carries the latest one (as of its month).",
        "没有评价的月份沿用最近一次评价(标注其月份)。",
    ),
    "task.view.carried_from": (
        "Last assessed in {month}: a month without an assessment carries the latest one.",
        "最近一次评价在 {month}:没有评价的月份沿用最近一次评价。",
    ),
    "task.view.as_of": (
        "Assessments are listed for the current figures only.",
        "评价记录仅在查看当前数据时列出。",
    ),
    "task.col.month": ("Month", "月份"),
    "task.col.result": ("Result", "评价结果"),
    "task.col.comment": ("Comment", "评语"),
    "task.form.title": ("Assess this task", "评价此任务"),
    "task.form.month": ("Month", "月份"),
    "task.form.result": ("Result", "评价结果"),
    "task.form.events": ("Events (signed points)", "事件(带正负号的分值)"),
    "task.form.events_help": (
        "Points earned and lost this month, separated by semicolons, e.g. +3;-2;+1. "
        "The task earns its weight plus their sum, between 0 and its cap.",
        "本月加分与扣分,以分号分隔,如 +3;-2;+1。任务得分为权重加上其总和,介于 0 与封顶之间。",
    ),
    "task.form.comment": ("Comment", "评语"),
    "task.form.submit": ("Save the assessment", "保存评价"),
    "task.form.replaces": (
        "{month} is already assessed ({result}): saving replaces it.",
        "{month} 已有评价({result}):保存将替换它。",
    ),
    "task.form.saved": ("Assessment of {month} saved: {result}.", "已保存 {month} 的评价:{result}。"),
    "task.form.unchanged": ("{month} already had this assessment: nothing changed.", "{month} 已是该评价:未作更改。"),
    "task.form.refused": ("The assessment was not saved:", "评价未保存:"),
    "task.form.no_month": ("No month of {year} can be assessed yet.", "{year} 年尚无可评价的月份。"),
    "task.form.read_only": (
        "Only a manager of this unit or an administrator assesses its tasks.",
        "只有本单元的经理或管理员可以评价其目标任务。",
    ),
}
