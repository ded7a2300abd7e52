"""The command line's OKR, value-points, 360 and fairness commands (issue 18):
``okr``, ``points``, ``r360`` and ``fairness``. Column labels and the
fairness flag's sentence are the pages' (``okr.*``, ``r360.*``, ``fair.*``)."""

STRINGS: dict[str, tuple[str, str]] = {
    # help
    "cli_beyond.help.okr": (
        "print a unit's OKRs of a quarter: key results, scores, and whether they count in the total",
        "打印某单元某季度的 OKR:关键结果、得分,以及是否计入加权总分",
    ),
    "cli_beyond.help.okr_unit": ("unit id (e.g. RD)", "单元编号(例如 RD)"),
    "cli_beyond.help.okr_quarter": (
        "quarter, YYYYQn (default: the unit's latest quarter with OKRs)",
        "季度,格式 YYYYQn(默认:该单元有 OKR 的最近季度)",
    ),
    "cli_beyond.help.points": (
        "print a department's approved value-contribution points of a quarter",
        "打印某部门某季度已批准的价值贡献积分",
    ),
    "cli_beyond.help.points_unit": (
        "unit id (default: your own unit; the company without --as)",
        "单元编号(默认:您本人的单元;不带 --as 时为公司)",
    ),
    "cli_beyond.help.points_quarter": (
        "quarter, YYYYQn (default: the latest quarter with value events)",
        "季度,格式 YYYYQn(默认:有价值贡献事件的最近季度)",
    ),
    "cli_beyond.help.r360": (
        "list the 360° review cycles, the reports of a cycle you may open, or one person's report",
        "列出 360 度评估周期、某周期中您可查看的报告,或某人的评估报告",
    ),
    "cli_beyond.help.cycle": (
        "review cycle id (with --subject, default: the latest cycle)",
        "评估周期编号(与 --subject 同用时默认:最近的周期)",
    ),
    "cli_beyond.help.subject": ("person reviewed (unit id): print their report", "被评估人(单元编号):打印其报告"),
    "cli_beyond.help.fairness": (
        "the fairness check of ratings: flags worth a look and the per-rater tables (HR/admins only)",
        "评分公平性检查:值得关注的提示及各评价人明细(仅限人力资源/管理员)",
    ),
    "cli_beyond.help.fair_cycle": ("only this review cycle (default: every cycle)", "仅检查该评估周期(默认:全部周期)"),
    # shared
    "cli_beyond.bad_quarter": (
        "Quarter {quarter} is not written YYYYQn, e.g. 2026Q3.",
        "季度 {quarter} 的格式不是 YYYYQn,例如 2026Q3。",
    ),
    "cli_beyond.hidden_mark": (
        "–: a person outside what this account may see (not named).",
        "–:超出该账号可见范围的人员(不显示姓名)。",
    ),
    # okr
    "cli_beyond.okr.heading": (
        "OKRs of {unit}, {quarter}: {count} objectives, OKR score of the quarter {score}",
        "{unit} {quarter} 的 OKR:{count} 个目标,本季度 OKR 得分 {score}",
    ),
    "cli_beyond.okr.none": (
        "{unit} has no OKRs yet: load them with the objectives and key_results files.",
        "{unit} 暂无 OKR:请通过 objectives 和 key_results 文件导入。",
    ),
    "cli_beyond.okr.none_quarter": (
        "{unit} has no OKRs in {quarter} (quarters with OKRs: {quarters}).",
        "{unit} 在 {quarter} 没有 OKR(有 OKR 的季度:{quarters})。",
    ),
    "cli_beyond.okr.counted": (
        "Counted in {unit}'s weighted total {year}: task {task}, weight {weight}% (each month earns the weight x "
        "the quarter's OKR score).",
        "计入 {unit} {year} 年加权总分:目标任务 {task},权重 {weight}%(每月得分 = 权重 × 当季 OKR 得分)。",
    ),
    "cli_beyond.okr.not_counted": (
        "Not counted in {unit}'s weighted total {year}: OKRs are shown beside the scorecard.",
        "不计入 {unit} {year} 年加权总分:OKR 在记分卡之外单独展示。",
    ),
    "cli_beyond.okr.objective": ("Objective {id}: {title}", "目标 {id}:{title}"),
    "cli_beyond.okr.objective_score": ("score {score}", "得分 {score}"),
    "cli_beyond.okr.objective_weight": ("weight {weight}%", "权重 {weight}%"),
    "cli_beyond.okr.quarters": ("Quarters with OKRs: {quarters}", "有 OKR 的季度:{quarters}"),
    # points
    "cli_beyond.points.heading": (
        "Value-contribution points of {unit}, {quarter}: {total} (approved events: {events})",
        "{unit} {quarter} 的价值贡献积分:{events} 个已批准事件,共 {total} 分",
    ),
    "cli_beyond.points.note": (
        "Points are not part of the KPI total; pending and rejected events do not count.",
        "积分不计入指标总分;待审批和已驳回的事件不计分。",
    ),
    "cli_beyond.points.none": ("No value events yet.", "暂无价值贡献事件。"),
    "cli_beyond.points.by_unit": ("By department:", "按部门:"),
    "cli_beyond.points.by_person": ("By person:", "按人员:"),
    "cli_beyond.points.hidden_persons": (
        "{count} persons outside your view are counted in the total but not named.",
        "另有 {count} 名不在您查看范围内的人员计入合计,但不显示姓名。",
    ),
    "cli_beyond.points.hidden_units": (
        "{count} departments outside your view are counted in the total but not listed.",
        "另有 {count} 个不在您查看范围内的部门计入合计,但不列出。",
    ),
    "cli_beyond.points.quarters": ("Quarters with value events: {quarters}", "有价值贡献事件的季度:{quarters}"),
    # r360
    "cli_beyond.r360.unknown_cycle": (
        "Unknown review cycle {cycle} (cycles: {cycles}).",
        "未知评估周期 {cycle}(现有周期:{cycles})。",
    ),
    "cli_beyond.r360.not_subject": (
        "{subject} is not reviewed in cycle {cycle}.",
        "{subject} 不是周期 {cycle} 的被评估人。",
    ),
    "cli_beyond.r360.cycles": ("360° review cycles: {count}", "360 度评估周期:{count} 个"),
    "cli_beyond.r360.cycles_hint": (
        "A cycle's reports: r360 --cycle ID; one report: r360 --cycle ID --subject ID",
        "查看周期内的报告:r360 --cycle 编号;查看单份报告:r360 --cycle 编号 --subject 编号",
    ),
    "cli_beyond.r360.subjects": (
        "{name} ({when}, {status}): reports you may open: {count}",
        "{name}({when},{status}):您可查看的报告 {count} 份",
    ),
    "cli_beyond.r360.report": (
        "360° report of {subject} ({subject_id}), {name} ({when})",
        "{subject}({subject_id})的 360 度评估报告,{name}({when})",
    ),
    "cli_beyond.r360.col.cycle": ("Cycle", "周期"),
    "cli_beyond.r360.col.name": ("Name", "名称"),
    "cli_beyond.r360.col.period": ("Period", "期间"),
    "cli_beyond.r360.col.status": ("Status", "状态"),
    "cli_beyond.r360.col.behaviours": ("Behaviours", "行为数"),
    "cli_beyond.r360.col.subjects": ("People reviewed", "被评估人数"),
    "cli_beyond.r360.col.subject_id": ("Id", "编号"),
    "cli_beyond.r360.col.raters": ("Raters", "评价人"),
    # fairness
    "cli_beyond.fair.refused": (
        "The fairness check of ratings is for HR (admins) only.",
        "评分公平性检查仅限人力资源(管理员)使用。",
    ),
    "cli_beyond.fair.heading": (
        "Fairness check of ratings, {what}: {ratings} ratings by {raters} raters",
        "评分公平性检查,{what}:{raters} 名评价人的 {ratings} 条评分",
    ),
    "cli_beyond.fair.every_cycle": ("every 360° cycle", "全部 360 度评估周期"),
    "cli_beyond.fair.one_cycle": ("cycle {cycle}", "周期 {cycle}"),
    "cli_beyond.fair.note": (
        "Each rating is compared with what the other raters gave the same person on the same behaviour. "
        "A flag needs at least 20 ratings, 2 people in each group, |d| >= 0.5 and p < 0.01: "
        "a prompt for a conversation, not a verdict.",
        "每条评分都与其他评价人对同一人同一行为的评分比较。"
        "标记需至少 20 条评分、每组至少 2 人、|d| >= 0.5 且 p < 0.01:这只是沟通的提示,不是结论。",
    ),
}
