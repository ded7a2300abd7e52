"""Translations of anomaly alerts: severities, kinds, the alert sentences, the
alerts page and the ``alerts`` command."""

STRINGS: dict[str, tuple[str, str]] = {
    # severities and groups
    "alert.severity.critical": ("critical", "严重"),
    "alert.severity.warning": ("warning", "警告"),
    "alert.severity.info": ("info", "提示"),
    "alert.group.breach": ("Threshold breaches", "阈值突破"),
    "alert.group.signal": ("Statistical signals", "统计信号"),
    "alert.group.breach_help": (
        "The KPI crossed one of its thresholds this month: red, below its floor, out of its band, a sharp drop, or no figure uploaded.",
        "指标本月越过了阈值:未达标、低于下限、超出区间、骤降,或未上传数据。",
    ),
    "alert.group.signal_help": (
        "The completion is unusual for this KPI's own last 12 months (XmR chart), whatever its status: a change worth a look.",
        "与该指标自身近12个月相比,本月完成率异常(XmR 控制图),与达标状态无关:值得关注的变化。",
    ),
    # kinds
    "alert.kind.red": ("Turned or stayed red", "未达标"),
    "alert.kind.floor": ("Below floor", "低于下限"),
    "alert.kind.band": ("Outside band", "超出区间"),
    "alert.kind.drop": ("Sharp drop", "骤降"),
    "alert.kind.missing": ("Missing data", "数据缺失"),
    "alert.kind.xmr": ("Outside natural limits", "超出自然波动范围"),
    "alert.kind.run": ("Run on one side of the mean", "连续偏于均值一侧"),
    # the sentences (every one receives every placeholder; each uses what it needs)
    "alert.msg.red": (
        "{unit} · {kpi} {actual} (target {target}): {completion} completion, red for {months}",
        "{unit} · {kpi} {actual}(目标 {target}):完成率 {completion},连续 {months}未达标",
    ),
    "alert.msg.red_new": (
        "{unit} · {kpi} {actual} (target {target}): {completion} completion, red this month (below {threshold})",
        "{unit} · {kpi} {actual}(目标 {target}):完成率 {completion},本月转为未达标(低于 {threshold})",
    ),
    "alert.msg.floor": (
        "{unit} · {kpi} {actual} (target {target}): {completion} completion, below the floor of {threshold}: no points this month",
        "{unit} · {kpi} {actual}(目标 {target}):完成率 {completion},低于下限 {threshold}:本月不得分",
    ),
    "alert.msg.band_over": (
        "{unit} · {kpi} {actual} against a budget of {target}: {completion} of budget, over the band's limit of {threshold} for {months}",
        "{unit} · {kpi} {actual}(预算 {target}):执行率 {completion},超出区间上限 {threshold},已连续 {months}",
    ),
    "alert.msg.band_under": (
        "{unit} · {kpi} {actual} against a budget of {target}: {completion} of budget, under the band's limit of {threshold} for {months}",
        "{unit} · {kpi} {actual}(预算 {target}):执行率 {completion},低于区间下限 {threshold},已连续 {months}",
    ),
    "alert.msg.drop": (
        "{unit} · {kpi} {actual} (target {target}): {completion} completion, down {drop} points from {previous} in {previous_period} (alert above {drop_limit})",
        "{unit} · {kpi} {actual}(目标 {target}):完成率 {completion},较 {previous_period} 的 {previous} 下降 {drop} 个百分点(预警线 {drop_limit})",
    ),
    "alert.msg.missing": (
        "{unit} · {kpi}: no actual uploaded for {period} (target {target}), though the month has been reported",
        "{unit} · {kpi}:{period} 未上传实际值(目标 {target}),而该月其他数据已上报",
    ),
    "alert.msg.xmr_below": (
        "{unit} · {kpi} {actual} (target {target}): {completion} completion, below its natural limits {low}–{high} (last {span})",
        "{unit} · {kpi} {actual}(目标 {target}):完成率 {completion},低于其自然波动范围 {low}–{high}(近 {span})",
    ),
    "alert.msg.xmr_above": (
        "{unit} · {kpi} {actual} (target {target}): {completion} completion, above its natural limits {low}–{high} (last {span})",
        "{unit} · {kpi} {actual}(目标 {target}):完成率 {completion},高于其自然波动范围 {low}–{high}(近 {span})",
    ),
    "alert.msg.run_below": (
        "{unit} · {kpi}: {months} in a row below its average completion of {mean} ({completion} this month)",
        "{unit} · {kpi}:连续 {months}低于其平均完成率 {mean}(本月 {completion})",
    ),
    "alert.msg.run_above": (
        "{unit} · {kpi}: {months} in a row above its average completion of {mean} ({completion} this month)",
        "{unit} · {kpi}:连续 {months}高于其平均完成率 {mean}(本月 {completion})",
    ),
    "alert.msg.missing_many": (
        "{unit} has not reported {count} KPIs for {period}: {kpis}",
        "{unit} 未上报 {period} 的 {count} 项指标:{kpis}",
    ),
    "alert.person_in": ("{person} ({department})", "{person}({department})"),
    "alert.months_one": ("{count} month", "{count} 个月"),
    "alert.months_many": ("{count} months", "{count} 个月"),
    "alert.list_separator": (", ", "、"),
    # the alerts page
    "alert.title": ("Alerts · {unit} · {period}", "预警 · {unit} · {period}"),
    "alert.scope": (
        "All alerts of {unit} and the units below it for the month {period}, worst first. Alerts are about the month, whatever view is selected.",
        "{unit} 及其下级单元在 {period} 月的全部预警,按严重程度排序。预警按月计算,与所选视图无关。",
    ),
    "alert.count": ("{count} {severity}", "{severity} {count} 条"),
    "alert.none": (
        "No alerts: every KPI is within its thresholds and its usual range.",
        "无预警:所有指标均在阈值与正常波动范围内。",
    ),
    "alert.none_filtered": ("No alert matches these filters.", "没有符合筛选条件的预警。"),
    "alert.filter.severity": ("Severity", "严重程度"),
    "alert.filter.kind": ("Kind", "类型"),
    "alert.filter.perspective": ("Perspective", "维度"),
    "alert.filter.unit": ("Unit", "单元"),
    "alert.filter.any": ("All", "全部"),
    "alert.shown": ("{shown} of {total} alerts shown", "显示 {shown} / {total} 条预警"),
    "alert.open_detail": ("Open KPI detail", "查看指标详情"),
    "alert.open_list": ("See the alerts", "查看预警"),
    "alert.open_unit": ("Unit scorecard", "单元计分卡"),
    "alert.still_open": ("Still open: {open}; {acknowledged} acknowledged", "仍待处理:{open};已确认 {acknowledged} 条"),
    "alert.all_acknowledged": ("All {count} acknowledged", "{count} 条均已确认"),
    "alert.open_help": (
        "An acknowledged alert stays listed (the figure is still off) but needs no one's action any more.",
        "已确认的预警仍会列出(指标仍未恢复),但已无需再处理。",
    ),
    "alert.acknowledged": (
        "Acknowledged by {who} on {when}: {action}",
        "{who} 已于 {when} 确认:{action}",
    ),
    "alert.ack.title": ("Acknowledge an alert", "确认预警"),
    "alert.ack.which": ("Alert", "预警"),
    "alert.ack.as": ("Acknowledged as {who}.", "确认人:{who}。"),
    "alert.ack.action": ("Action taken", "已采取的措施"),
    "alert.ack.comment": ("Comment", "备注"),
    "alert.ack.submit": ("Acknowledge", "确认"),
    "alert.ack.done": (
        "Acknowledged; the alert stays listed, marked as acknowledged.",
        "已确认;该预警仍会列出,并标记为已确认。",
    ),
    "alert.ack.history": ("Acknowledgements of this month", "本月确认记录"),
    "alert.ack.none": ("No alert of this month has been acknowledged yet.", "本月尚无预警被确认。"),
    "alert.col.when": ("When", "时间"),
    "alert.col.who": ("Who", "确认人"),
    "alert.col.alert": ("Alert", "预警"),
    "alert.col.action": ("Action", "措施"),
    "alert.col.comment": ("Comment", "备注"),
    # thresholds (admin)
    "alert.settings.title": ("Alert thresholds (administrator)", "预警阈值(管理员)"),
    "alert.settings.help": (
        "Company-wide values; a KPI may override the drop and band margin below. Red, floor and band limits come from the KPI dictionary.",
        "全公司统一设置;单个指标可在下方覆盖骤降与区间容差。未达标、下限与区间本身取自指标字典。",
    ),
    "alert.settings.drop_pp": ("Sharp drop: more than (percentage points)", "骤降:超过(百分点)"),
    "alert.settings.band_margin_pp": ("Band tolerance (percentage points)", "区间容差(百分点)"),
    "alert.settings.signal_min_pp": (
        "Signal: at least (percentage points from the average)",
        "统计信号:至少偏离均值(百分点)",
    ),
    "alert.settings.window": ("Months of history for signals", "统计信号的历史月数"),
    "alert.settings.min_points": ("Fewest months of history for a signal", "产生信号的最少历史月数"),
    "alert.settings.run_length": ("Run length (points in a row)", "连续点数"),
    "alert.settings.save": ("Save thresholds", "保存阈值"),
    "alert.settings.saved": ("Thresholds saved; alerts recomputed.", "阈值已保存;预警已重新计算。"),
    "alert.settings.invalid": ("Not saved: {problems}", "未保存:{problems}"),
    "alert.settings.kpi": ("Override for one KPI", "单个指标的覆盖值"),
    "alert.settings.kpi_pick": ("KPI", "指标"),
    "alert.settings.kpi_save": ("Save override", "保存覆盖值"),
    "alert.settings.kpi_clear": ("Remove overrides of this KPI", "删除该指标的覆盖值"),
    "alert.settings.overrides": ("Overrides in force", "生效中的覆盖值"),
    "alert.settings.col.setting": ("Threshold", "阈值"),
    "alert.settings.col.kpi": ("KPI", "指标"),
    "alert.settings.col.value": ("Value", "取值"),
    "alert.problem.negative": (
        "the drop, band tolerance and signal thresholds must not be negative",
        "骤降、区间容差与统计信号阈值不能为负数",
    ),
    "alert.problem.window": (
        "need 2 ≤ fewest months ({min_points}) ≤ months of history ({window}) ≤ 36",
        "须满足 2 ≤ 最少历史月数({min_points})≤ 历史月数({window})≤ 36",
    ),
    "alert.problem.run": (
        "need 2 ≤ run length ({run_length}) ≤ months of history ({window}) + 1",
        "须满足 2 ≤ 连续点数({run_length})≤ 历史月数({window})+ 1",
    ),
    "alert.problem.override": ("the override for {kpi} must not be negative", "{kpi} 的覆盖值不能为负数"),
    # the alerts command
    "alert.cli.header": (
        "Alerts of {unit} and below · {period}: {count}",
        "{unit} 及下级单元的预警 · {period}:{count} 条",
    ),
    "alert.cli.none": ("No alerts.", "无预警。"),
}
