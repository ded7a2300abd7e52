"""Translations of pay data and bonuses (issue 17): the pay file's reasons,
the bonus rules' reasons, the bonus page, its export and the CLI."""

STRINGS: dict[str, tuple[str, str]] = {
    "filekind.pay": ("Pay data (HR)", "薪酬数据(人力资源)"),
    "page.bonus": ("Bonuses", "绩效奖金"),
    # the pay file's reasons (ingest writes them in English)
    "reason.pay_person": ("pay data is for persons, not departments", "薪酬数据只针对人员,不针对部门"),
    "reason.pay_total": ("the annual total is an amount above 0", "年度总收入须为大于 0 的金额"),
    "reason.pay_share": ("a share of pay is a percent from 0 to 100", "薪酬占比须为 0 到 100 之间的百分数"),
    "reason.pay_sum": (
        "fixed_pct, bonus_pct and longterm_pct add up to {total}, not 100",
        "fixed_pct、bonus_pct 与 longterm_pct 之和为 {total},而不是 100",
    ),
    "reason.pay_target_basis": (
        "a target bonus needs a basis: total (the person's score) or a KPI id",
        "目标达成奖需要计算依据:total(个人总分)或一个指标编号",
    ),
    "reason.pay_commission_basis": (
        "a commission needs a KPI id as its basis (the KPI whose actual it is paid on)",
        "业绩提成需要以指标编号为依据(按该指标的实际值提成)",
    ),
    "reason.pay_basis_unknown": (
        "unknown KPI: the basis is total or a KPI id of the dictionary",
        "未知指标:计算依据须为 total 或指标字典中的指标编号",
    ),
    "reason.pay_rate_needed": ("a commission needs a rate", "业绩提成需要提成比例"),
    "reason.pay_rate_negative": ("the rate cannot be negative", "提成比例不能为负数"),
    "reason.pay_rate_only": ("a rate applies to the commission scheme only", "提成比例只适用于业绩提成制"),
    "reason.pay_limits_only": ("cap and floor apply to the target scheme only", "封顶与保底只适用于目标达成制"),
    "reason.pay_floor_negative": ("the floor cannot be negative", "保底不能为负数"),
    "reason.pay_cap_floor": ("the cap must not be below the floor", "封顶不能低于保底"),
    "reason.pay_not_assigned": (
        "{kpi} is not on this person's {year} scorecard: no bonus can be worked out on it until it is assigned",
        "{kpi} 不在此人 {year} 年的计分卡上:在分配该指标之前无法据此计算奖金",
    ),
    # refusal
    "pay.not_permitted": (
        "Not permitted: pay and bonuses are seen by administrators (HR) only.",
        "无权查看:薪酬与奖金仅限管理员(人力资源)查看。",
    ),
    "approvals.may_not.see_pay": (
        "Not permitted: pay data is uploaded and rolled back by administrators (HR) only.",
        "无权操作:薪酬数据仅限管理员(人力资源)上传和回滚。",
    ),
    # schemes
    "pay.scheme.target": ("target achievement", "目标达成制"),
    "pay.scheme.commission": ("commission", "业绩提成制"),
    "pay.scheme.none": ("no bonus", "无奖金"),
    "pay.basis.total": ("total score", "个人总分"),
    # why a bonus is not worked out, and notes
    "pay.reason.no_pay": ("No pay data for {year}.", "没有 {year} 年的薪酬数据。"),
    "pay.reason.no_scheme": ("No bonus scheme (scheme none).", "未设奖金方案(none)。"),
    "pay.reason.no_basis": ("No basis given for the bonus.", "未指定奖金计算依据。"),
    "pay.reason.no_figures": (
        "No figures for {months}: held until they are in.",
        "{months} 没有数据:待数据齐全后再计算。",
    ),
    "pay.reason.incomplete": (
        "Figures for {months} cover only {share} of the scorecard's weight: held until complete.",
        "{months} 的数据只覆盖计分卡 {share} 的权重:待数据齐全后再计算。",
    ),
    "pay.reason.not_assigned": (
        "{kpi} is not on this person's {year} scorecard.",
        "{kpi} 不在此人 {year} 年的计分卡上。",
    ),
    "pay.reason.no_kpi_figures": (
        "No {kpi} figures for {months}: held until they are in.",
        "{months} 没有 {kpi} 的数据:待数据齐全后再计算。",
    ),
    "pay.reason.unscored": (
        "{basis} cannot be scored for {period} (no target).",
        "{basis} 在 {period} 无法评分(没有目标值)。",
    ),
    "pay.reason.capped": ("Achievement capped at {share}.", "达成率按封顶 {share} 计。"),
    "pay.reason.floored": ("Achievement raised to the floor of {share}.", "达成率按保底 {share} 计。"),
    "pay.reason.negative": ("No commission on a negative actual.", "实际值为负,不计提成。"),
    # columns (page, export, CLI table)
    "pay.col.unit_id": ("Person id", "人员编号"),
    "pay.col.person": ("Person", "人员"),
    "pay.col.scheme": ("Scheme", "兑现方式"),
    "pay.col.basis": ("Basis", "计算依据"),
    "pay.col.base": ("Bonus base", "奖金基数"),
    "pay.col.achievement": ("Achievement", "达成率"),
    "pay.col.credited": ("Credited", "计奖达成率"),
    "pay.col.actual": ("Actual", "实际值"),
    "pay.col.bonus": ("Bonus", "奖金"),
    "pay.col.reason": ("Reason", "说明"),
    "pay.col.working": ("Working", "计算过程"),
    # totals
    "pay.total.budget": ("Budget (sum of bases)", "预算(基数合计)"),
    "pay.total.paid": ("Bonuses worked out", "已核算奖金"),
    "pay.total.share": ("Share of the budget", "占预算比例"),
    "pay.total.held": ("Not worked out", "未核算人数"),
    "pay.total.held_help": (
        "Persons with a bonus scheme whose bonus cannot be worked out yet (missing or incomplete figures): "
        "{base} of the budget.",
        "有奖金方案但暂无法核算的人数(数据缺失或不完整):涉及预算 {base}。",
    ),
    # export
    "pay.xlsx.sheet": ("Bonuses", "绩效奖金"),
    "pay.xlsx.title": ("Bonuses of {unit}, {period}", "{unit} 绩效奖金,{period}"),
    # the page
    "pay.page.intro": (
        "Monthly bonus base = annual total × bonus share ÷ 12 (× 3 for a quarter). Target achievement: "
        "base × achievement (the person's total ÷ 100, or one KPI's credited score), limited to the floor and "
        "cap of the pay file (0% and 150% unless set). Commission: rate × the period's actual of the basis KPI. "
        "No figures, no bonus: a person without complete figures is listed with the reason. Seen by "
        "administrators (HR) only.",
        "月度奖金基数 = 年度总收入 × 绩效奖金占比 ÷ 12(季度 × 3)。目标达成制:基数 × 达成率(个人总分 ÷ 100,"
        "或某一指标的计分),并限制在薪酬文件的保底与封顶之间(未设置时为 0% 与 150%)。业绩提成制:提成比例 × "
        "依据指标当期实际值。没有数据就不计奖金:数据不完整的人员列出原因。仅管理员(人力资源)可见。",
    ),
    "pay.page.unit": ("Department", "部门"),
    "pay.page.frequency": ("Paid", "发放周期"),
    "pay.page.monthly": ("Monthly", "月度"),
    "pay.page.quarterly": ("Quarterly", "季度"),
    "pay.page.period": ("Period", "期间"),
    "pay.page.no_periods": ("No month has figures yet.", "尚无任何月份的数据。"),
    "pay.page.no_persons": ("{unit} has no persons.", "{unit} 下没有人员。"),
    "pay.page.no_pay": (
        "No pay data for {year} in {unit}: upload a pay file on the Upload data page.",
        "{unit} 没有 {year} 年的薪酬数据:请在“数据上传”页面上传薪酬文件。",
    ),
    "pay.page.table": ("Bonus of each person", "每人奖金"),
    "pay.page.distribution": ("Distribution of achievement", "达成率分布"),
    "pay.page.no_achievements": (
        "No target-achievement bonus worked out in this period: nothing to show.",
        "本期没有已核算的目标达成奖:无分布可显示。",
    ),
    "pay.page.export": ("Export to Excel", "导出 Excel"),
    "pay.page.quarter_open": (
        "{period} is not over: its months after {latest} have no figures yet.",
        "{period} 尚未结束:{latest} 之后的月份还没有数据。",
    ),
    "pay.fig.title": ("Achievement of {count} persons on target achievement", "{count} 名目标达成制人员的达成率"),
    "pay.fig.x": ("Achievement (person's total ÷ 100, or the KPI's score)", "达成率(个人总分 ÷ 100 或指标计分)"),
    "pay.fig.y": ("Persons", "人数"),
    "pay.fig.cap": ("cap", "封顶"),
    # the command line
    "pay.help.bonus": (
        "bonuses of a month or quarter from the scores and the pay mix (administrators only)",
        "按得分与薪酬结构计算月度或季度奖金(仅管理员)",
    ),
    "pay.help.period": ("a month YYYY-MM or a quarter YYYYQn", "月份 YYYY-MM 或季度 YYYYQn"),
    "pay.help.unit": ("a department or person (default: the company)", "部门或人员(默认:公司)"),
    "pay.cli.bad_period": (
        "{period}: not a month (YYYY-MM) or a quarter (YYYYQn).",
        "{period}:不是月份(YYYY-MM)或季度(YYYYQn)。",
    ),
    "pay.cli.header": ("Bonuses of {unit}, {period}: {count} persons", "{unit} 绩效奖金,{period}:{count} 人"),
    "pay.cli.totals": (
        "Budget {budget} · worked out {paid} · not worked out {held}",
        "预算 {budget} · 已核算 {paid} · 未核算 {held} 人",
    ),
}
