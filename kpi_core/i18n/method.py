"""Translations of reporting frequency, calculated KPIs and info assignments
(issue 14): the reasons a file is refused or warned about, and the marks of
the pages."""

STRINGS: dict[str, tuple[str, str]] = {
    # ingest reasons (templates matched by kpi_core.i18n.reason)
    "reason.info_weight": ("an info assignment has weight 0", "仅供参考(info)的分配权重必须为 0"),
    "reason.formula_long": (
        "the formula cannot be read: the formula is longer than {n} characters; "
        "write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:公式超过 {n} 个字符;公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_character": (
        "the formula cannot be read: unexpected character {char}; write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:出现了不允许的字符 {char};公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_token": (
        "the formula cannot be read: unexpected {token}; write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:{token} 出现的位置不对;公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_end": (
        "the formula cannot be read: the formula ends too early; write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:公式不完整;公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_paren": (
        "the formula cannot be read: a parenthesis is not closed; write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:括号没有闭合;公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_number": (
        "the formula cannot be read: {value} is not a finite number; write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:{value} 不是有效的数字;公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_depth": (
        "the formula cannot be read: the formula nests more than {n} levels; "
        "write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:括号嵌套超过 {n} 层;公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_empty": (
        "the formula cannot be read: the formula is empty; write KPI ids, numbers, + - * / and parentheses",
        "无法读取公式:公式为空;公式只能包含指标编号、数字、+ - * / 和括号",
    ),
    "reason.formula_unknown": ("the formula names unknown KPIs: {ids}", "公式引用了不存在的指标:{ids}"),
    "reason.formula_cycle": (
        "the formula refers back to {kpi} (a cycle through {ids})",
        "公式又引用回了 {kpi}(循环引用:{ids})",
    ),
    "reason.calculated_actual": (
        "{kpi} is calculated by its formula ({formula}): upload the actuals of its components instead",
        "{kpi} 由公式({formula})计算得出:请上传其组成指标的实际值",
    ),
    "reason.off_cycle_quarter": (
        "{kpi} is reported each quarter (due in March, June, September and December): {count} values of this "
        "file are for other months; they are kept but not scored: the month view carries the last due month",
        "{kpi} 按季度报告(3、6、9、12 月到期):本文件有 {count} 个数值属于非到期月份;已保存但不计分:月度视图沿用最近一个到期月的数据",
    ),
    "reason.off_cycle_half": (
        "{kpi} is reported each half-year (due in June and December): {count} values of this "
        "file are for other months; they are kept but not scored: the month view carries the last due month",
        "{kpi} 按半年报告(6、12 月到期):本文件有 {count} 个数值属于非到期月份;已保存但不计分:月度视图沿用最近一个到期月的数据",
    ),
    "reason.off_cycle_year": (
        "{kpi} is reported once a year (due in December): {count} values of this "
        "file are for other months; they are kept but not scored: the month view carries the last due month",
        "{kpi} 按年度报告(12 月到期):本文件有 {count} 个数值属于非到期月份;已保存但不计分:月度视图沿用最近一个到期月的数据",
    ),
    # words
    "role.info": ("info (not scored)", "仅供参考(不计分)"),
    "kd.field.formula": ("Formula", "计算公式"),
    "dict.f_formula": ("Formula", "计算公式"),
    "dict.formula_help": (
        "A calculated KPI: other KPI ids with + - * / and parentheses, e.g. GP / REV * 100. Each component "
        "is accumulated over the view's months first, then the formula is applied. Empty: figures are uploaded.",
        "计算指标:由其他指标编码与 + - * / 及括号组成,例如 GP / REV * 100。先按各分量自身的累计方式汇总所选期间,"
        "再套用公式。留空:数据通过上传获得。",
    ),
    # the mark of a KPI row whose figures are carried from its last due month
    "carried.mark": ("as of {month}", "截至 {month}"),
    "carried.detail": (
        "Figures as of {month}, the last month this KPI was due: the months between its due months carry them.",
        "数据截至 {month}(该指标最近一个到期月份):两个到期月份之间的月份沿用该月数据。",
    ),
    "carried.not_scored": ("not scored", "不计分"),
    "carried.info": (
        "For information, not scored: this KPI is tracked here (as a component of a calculated KPI) and carries "
        "no weight.",
        "仅供参考,不计分:该指标在此跟踪(作为计算指标的组成部分),不占权重。",
    ),
    "carried.formula": ("Calculated: {formula}", "计算指标:{formula}"),
}
