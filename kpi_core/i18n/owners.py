"""Owners enter their own figures (issue 13, item 7): the missing-data alert
naming the owner, refusals, the ``owners`` command and the "My updates" page."""

STRINGS: dict[str, tuple[str, str]] = {
    # the missing-data alert of an owned KPI
    "alert.msg.missing_owned": (
        "{unit} · {kpi}: no actual for {period} (target {target}); owner {owner}, due {due}",
        "{unit} · {kpi}:{period} 无实际值(目标 {target});负责人 {owner},截止 {due}",
    ),
    "alert.msg.missing_many_owned": (
        "{unit} has not reported {count} KPIs for {period}: {kpis} (owner {owner}, due {due})",
        "{unit} 未上报 {period} 的 {count} 项指标:{kpis}(负责人 {owner},截止 {due})",
    ),
    # the store
    "store.no_entry": ("There is no entry {entry}; nothing was changed.", "不存在第 {entry} 条填报;未做任何更改。"),
    "store.entry_approved": (
        "Entry {entry} was already approved (by {by}); nothing was changed.",
        "第 {entry} 条填报已由 {by} 批准;未做任何更改。",
    ),
    "store.entry_rejected": (
        "Entry {entry} was already rejected (by {by}); nothing was changed.",
        "第 {entry} 条填报已由 {by} 退回;未做任何更改。",
    ),
    "store.entry_superseded": (
        "Entry {entry} was replaced by a newer figure (by {by}); nothing was changed.",
        "第 {entry} 条填报已被 {by} 的新数值取代;未做任何更改。",
    ),
    # refusals and problems
    "owners.problem": ("This cannot be done as asked.", "无法按要求执行。"),
    "owners.not_owner": (
        "{kpi} of {unit}: you do not own this KPI, so you cannot enter its figures; nothing was stored.",
        "{unit} 的 {kpi}:您不是该指标的负责人,不能填报;未保存任何内容。",
    ),
    "owners.set_not_permitted": (
        "{unit}: not permitted: owners are set by admins and by analysts of the unit.",
        "{unit}:无权操作:指标负责人由管理员或该单元的分析员设置。",
    ),
    "owners.settings_not_permitted": ("Only an admin changes company settings.", "只有管理员可以修改公司设置。"),
    "owners.list_not_permitted": (
        "Only analysts and admins see the overdue list.",
        "只有分析员和管理员可以查看逾期清单。",
    ),
    "owners.approve_not_permitted": (
        "{unit}: not permitted: entered figures are approved by analysts of the unit and by admins.",
        "{unit}:无权操作:填报数值由该单元的分析员或管理员审批。",
    ),
    "owners.own_entry": (
        "Entry {entry} is your own figure: someone else approves or rejects it.",
        "第 {entry} 条是您本人的填报:须由他人批准或退回。",
    ),
    "owners.reason_needed": ("Say why the figure is rejected.", "请说明退回的原因。"),
    "owners.nothing_entered": ("Nothing was entered: type at least one figure.", "未填写任何数值:请至少填写一项。"),
    "owners.unknown_unit": ("There is no unit {unit}.", "不存在单元 {unit}。"),
    "owners.not_assigned": (
        "{kpi} is not on the scorecard of {unit}: only a KPI assigned to the unit has an owner.",
        "{kpi} 不在 {unit} 的计分卡上:只有分配给该单元的指标才能设置负责人。",
    ),
    "owners.owner_cannot_see": (
        "{name} cannot own a KPI of {unit}: that account may not see the unit, or only reads.",
        "{name} 不能负责 {unit} 的指标:该账号无权查看该单元,或只有查看权限。",
    ),
    "owners.bad_due_day": (
        "The due day is a working day from 1 to {most}; {day} is not.",
        "截止日应为第 1 至第 {most} 个工作日;{day} 不符合。",
    ),
    "owners.bad_today": ("{value} is not a date written YYYY-MM-DD.", "{value} 不是 YYYY-MM-DD 格式的日期。"),
    "owners.entry_problem": (
        "{unit} · {kpi} · {period} ('{value}'): {reason}",
        "{unit} · {kpi} · {period}('{value}'):{reason}",
    ),
    # words
    "owners.source.set": ("set", "已指定"),
    "owners.source.default": ("default (the person's own account)", "默认(本人账号)"),
    "owners.source.none": ("none", "无"),
    "owners.state.due": ("due", "待填报"),
    "owners.state.overdue": ("overdue", "已逾期"),
    "owners.state.pending": ("waiting for approval", "待审批"),
    "owners.approval_on": ("an analyst approves each entered figure", "每项填报须经分析员批准"),
    "owners.approval_off": ("entered figures count at once", "填报数值立即生效"),
    "owners.col.unit": ("Unit", "单元"),
    "owners.col.kpi": ("KPI", "指标"),
    "owners.col.owner": ("Owner", "负责人"),
    "owners.col.source": ("How", "来源"),
    "owners.col.period": ("Month", "月份"),
    "owners.col.due": ("Due", "截止日"),
    "owners.col.state": ("State", "状态"),
    "owners.col.target": ("Target", "目标"),
    "owners.col.value": ("Value", "数值"),
    "owners.col.entered_by": ("Entered by", "填报人"),
    "owners.col.entered_at": ("Entered at", "填报时间"),
    "owners.col.decided_by": ("Decided by", "审批人"),
    "owners.col.note": ("Note", "备注"),
    "owners.col.days_late": ("Days late", "逾期天数"),
    "owners.entry_status.pending": ("waiting for approval", "待审批"),
    "owners.entry_status.approved": ("approved", "已批准"),
    "owners.entry_status.rejected": ("rejected", "已退回"),
    "owners.entry_status.superseded": ("replaced by a newer figure", "已被新数值取代"),
    # the command line
    "owners.help.owners": (
        "KPI owners: who enters which figures, when they are due, what is overdue",
        "指标负责人:谁填报哪些数值、何时截止、哪些已逾期",
    ),
    "owners.help.list": ("list the KPIs of a unit and its subtree with their owners", "列出单元及其下级的指标及负责人"),
    "owners.help.set": (
        "make USER the owner of KPI of UNIT (admins; analysts within their scope)",
        "指定 USER 为 UNIT 的 KPI 的负责人(管理员;分析员限其范围内)",
    ),
    "owners.help.clear": (
        "clear the owner of KPI of UNIT (a person's own account owns it again)",
        "清除 UNIT 的 KPI 的负责人(个人指标恢复由本人账号负责)",
    ),
    "owners.help.settings": (
        "show or change the due day and whether entered figures need approval (admins)",
        "查看或修改截止日及填报是否需审批(管理员)",
    ),
    "owners.help.owed": ("list what the user of --as owes", "列出 --as 用户待填报的数值"),
    "owners.help.overdue": (
        "list the overdue figures of every owner (analysts, admins)",
        "列出所有负责人的逾期数值(分析员、管理员)",
    ),
    "owners.help.unit": (
        "unit id (default: the reader's own unit, or the company)",
        "单元编号(默认:读者本人的单元或公司)",
    ),
    "owners.help.unit_id": ("unit id", "单元编号"),
    "owners.help.kpi_id": ("KPI id", "指标编号"),
    "owners.help.user": ("account name of the owner", "负责人的账号名"),
    "owners.help.year": (
        "year of the assignments (default: the reporting month's)",
        "分配年份(默认:当前报告月所在年份)",
    ),
    "owners.help.due_day": (
        "figures are due on working day N (Mon-Fri, 1 to {most}) of the following month",
        "数值在次月第 N 个工作日(周一至周五,1 至 {most})截止",
    ),
    "owners.help.approval": ("whether an analyst approves each entered figure", "填报数值是否须经分析员批准"),
    "owners.help.today": ("the day to count from (default: today)", "按哪一天计算(默认:今天)"),
    "owners.cli.list_header": (
        "Owners of the KPIs of {unit} and below, {year}",
        "{unit} 及下级单元的指标负责人,{year} 年",
    ),
    "owners.cli.no_kpis": ("No KPIs are assigned there in {year}.", "{year} 年该处没有分配指标。"),
    "owners.cli.set": ("{kpi} of {unit} is now owned by {owner}.", "{unit} 的 {kpi} 现由 {owner} 负责。"),
    "owners.cli.cleared": (
        "{kpi} of {unit}: owner cleared; owned now by: {owner}.",
        "{unit} 的 {kpi}:已清除指定负责人;现由 {owner} 负责。",
    ),
    "owners.cli.unchanged": (
        "{kpi} of {unit}: already so; nothing was changed.",
        "{unit} 的 {kpi}:已是如此,未做更改。",
    ),
    "owners.cli.settings": (
        "Figures are due on working day {day} (Mon-Fri) of the following month: those of {period} on {due}. "
        "Approval: {approval}.",
        "数值在次月第 {day} 个工作日(周一至周五)截止:{period} 的数值截止于 {due}。审批:{approval}。",
    ),
    "owners.cli.nothing_owed": ("{name} owes no figures.", "{name} 没有待填报的数值。"),
    "owners.cli.none_overdue": ("No figures are overdue.", "没有逾期的数值。"),
    # the "My updates" page
    "owners.page.title": ("My updates", "我的填报"),
    "owners.page.intro": (
        "The figures of the KPIs you own. A month's figures are due on working day {day} (Monday to Friday; "
        "public holidays count as working days) of the following month: those of {period} on {due}.",
        "您负责的指标数值。每月数值须在次月第 {day} 个工作日(周一至周五,不扣除法定节假日)前填报:{period} 的数值截止于 {due}。",
    ),
    "owners.page.approval_on": (
        "An entered figure counts once an analyst approves it.",
        "填报的数值须经分析员批准后才生效。",
    ),
    "owners.tab.mine": ("What I owe", "我的待填报"),
    "owners.tab.approvals": ("Approvals", "审批"),
    "owners.tab.overdue": ("Overdue", "逾期清单"),
    "owners.tab.owners": ("Owners", "指标负责人"),
    "owners.page.nothing_owed": (
        "Nothing owed: every figure you own is in.",
        "没有待填报的数值:您负责的数值均已填报。",
    ),
    "owners.page.owns_nothing": (
        "You own no KPIs, so there is nothing for you to enter.",
        "您没有负责的指标,无需填报。",
    ),
    "owners.page.overdue_count": (
        "{count} of these figures are overdue.",
        "其中 {count} 项已逾期。",
    ),
    "owners.page.enter": ("Enter figures", "填报数值"),
    "owners.page.enter_help": (
        "Type the actual as you would in an upload file (1,234.5 or 95% where the KPI allows it); "
        "fields left empty are not stored. The figures are checked as an upload is.",
        "按上传文件的写法填写实际值(如 1,234.5,指标允许时可写 95%);留空的不保存。数值与上传一样经过校验。",
    ),
    "owners.page.target_hint": ("target {target}", "目标 {target}"),
    "owners.page.confirm": (
        "These figures are right: store them despite the warnings",
        "数值无误:忽略警告并保存",
    ),
    "owners.page.submit": ("Store the figures", "保存数值"),
    "owners.page.submit_approval": ("Send for approval", "提交审批"),
    "owners.page.stored": (
        "Stored {count} figure(s) as batch {batch}; the scores are up to date.",
        "已保存 {count} 项数值(批次 {batch});得分已更新。",
    ),
    "owners.page.unchanged": (
        "{count} figure(s) were already stored as typed; nothing changed.",
        "{count} 项数值与已存储的相同;未做更改。",
    ),
    "owners.page.kept_pending": (
        "{count} figure(s) wait for an analyst's approval; they count once approved.",
        "{count} 项数值等待分析员批准;批准后生效。",
    ),
    "owners.page.not_stored": (
        "Nothing was stored: {count} problem(s) to correct.",
        "未保存任何内容:有 {count} 处问题需要更正。",
    ),
    "owners.page.check_warnings": (
        "Nothing was stored yet: check the warnings below, then confirm and store again.",
        "尚未保存:请核对下列警告,确认后再次保存。",
    ),
    "owners.page.my_entries": ("My entered figures", "我的填报记录"),
    "owners.page.none_pending": ("No entered figures wait for approval.", "没有等待审批的填报。"),
    "owners.page.own_entries_note": (
        "Your own entries are listed but not offered: someone else approves them.",
        "您本人的填报仅列出、不可选:须由他人审批。",
    ),
    "owners.page.pick_entries": ("Entries to decide", "要审批的填报"),
    "owners.page.pick_placeholder": ("Pick one or more entries", "选择一项或多项填报"),
    "owners.page.approve": ("Approve: store as actuals", "批准:存为实际值"),
    "owners.page.approved": (
        "Approved {count} entry(ies), stored as batch {batches}; the scores are up to date.",
        "已批准 {count} 项填报,存为批次 {batches};得分已更新。",
    ),
    "owners.page.reject_reason": ("Why rejected (required to reject)", "退回原因(退回时必填)"),
    "owners.page.reject": ("Reject", "退回"),
    "owners.page.rejected": (
        "Rejected {count} entry(ies); nothing was stored.",
        "已退回 {count} 项填报;未保存任何数值。",
    ),
    "owners.page.none_overdue": ("No figures are overdue.", "没有逾期的数值。"),
    "owners.page.overdue_intro": (
        "{count} figure(s) past their due day, by owner, within your scope.",
        "您的范围内有 {count} 项数值已过截止日,按负责人列出。",
    ),
    "owners.page.owner_hidden": ("(hidden in meeting mode)", "(会议模式下隐藏)"),
    "owners.page.no_units": ("There is no unit whose owners you may set.", "没有您可以设置负责人的单元。"),
    "owners.page.unit": ("Unit", "单元"),
    "owners.page.owners_intro": (
        "The KPIs of the unit in {year} and who enters their figures. Without an owner set, a person's "
        "own account owns the person's KPIs.",
        "该单元 {year} 年的指标及其填报人。未指定负责人时,个人的指标由其本人账号负责。",
    ),
    "owners.page.new_owner": ("Owner", "负责人"),
    "owners.page.default_owner": ("(none set: a person's own account)", "(未指定:个人本人账号)"),
    "owners.page.save_owner": ("Save the owner", "保存负责人"),
    "owners.page.owner_saved": ("Owner of {kpi} of {unit} saved.", "已保存 {unit} 的 {kpi} 的负责人。"),
    "owners.page.owner_unchanged": ("That is already the owner; nothing changed.", "负责人未变;未做更改。"),
    "owners.page.settings": ("Company settings", "公司设置"),
    "owners.page.settings_help": (
        "Working days are Monday to Friday; there is no holiday calendar.",
        "工作日按周一至周五计算,不含节假日日历。",
    ),
    "owners.page.due_day": (
        "Figures are due on working day (1 to {most}) of the following month",
        "数值在次月第几个工作日截止(1 至 {most})",
    ),
    "owners.page.approval": (
        "An entered figure counts only after an analyst approves it",
        "填报数值须经分析员批准后才生效",
    ),
    "owners.page.save_settings": ("Save the settings", "保存设置"),
    "owners.page.settings_saved": ("Settings saved.", "设置已保存。"),
}
