"""Approvals of mid-year changes and permissions of the write pages (issue 13):
locked baselines, change requests, refusals, the requests page and the CLI's
``baseline`` and ``requests`` commands."""

STRINGS: dict[str, tuple[str, str]] = {
    # refusals of a write
    "approvals.may_not.upload": (
        "Not permitted: this account may not upload data.",
        "无权操作:该账号不能上传数据。",
    ),
    "approvals.may_not.rollback": (
        "Not permitted: this account may not roll back uploads.",
        "无权操作:该账号不能回滚上传批次。",
    ),
    "approvals.may_not.edit_design": (
        "Not permitted: this account may not change the scorecard design of {unit}.",
        "无权操作:该账号不能修改 {unit} 的计分卡设计。",
    ),
    "approvals.may_not.edit_dictionary": (
        "Not permitted: this account may not change the KPI dictionary or its validity tests.",
        "无权操作:该账号不能修改指标字典或其有效性测试。",
    ),
    "approvals.may_not.close_periods": (
        "Not permitted: only an administrator closes or reopens a month.",
        "无权操作:只有管理员可以关闭或重新开放月份。",
    ),
    "approvals.periods": ("Closed months", "已关闭的月份"),
    "approvals.periods_help": (
        "A month closed after its review refuses every change to its figures (uploads, rollbacks, "
        "target and weight edits, rule changes) until an administrator reopens it with a reason.",
        "月度经营分析会后关闭的月份,将拒绝对其数据的任何修改(上传、回滚、目标与权重修改、规则变更),"
        "直到管理员填写原因重新开放。",
    ),
    "approvals.no_closed": ("No month is closed.", "没有已关闭的月份。"),
    "approvals.closed_line": ("{period} closed by {by} on {on}", "{period}:由 {by} 于 {on} 关闭"),
    "approvals.close_month": ("Month to close", "要关闭的月份"),
    "approvals.close_note": ("Note (e.g. the review)", "备注(如:哪次经营分析会)"),
    "approvals.close": ("Close {period}", "关闭 {period}"),
    "approvals.reopen_month": ("Month to reopen", "要重新开放的月份"),
    "approvals.reopen_reason": ("Reason (required)", "原因(必填)"),
    "approvals.reopen": ("Reopen {period}", "重新开放 {period}"),
    "approvals.reopen_needs_reason": ("Give the reason for reopening the month.", "请填写重新开放该月份的原因。"),
    "approvals.closed_done": ("{period} is closed.", "{period} 已关闭。"),
    "approvals.reopened_done": ("{period} is open again.", "{period} 已重新开放。"),
    "approvals.may_not.lock_baseline": (
        "Not permitted: only an administrator locks or unlocks a year's baseline.",
        "无权操作:只有管理员可以锁定或解锁年度基准。",
    ),
    "approvals.upload_outside": (
        "Not permitted: the file has rows for {count} unit(s) outside what this account may change: {units}. "
        "Nothing was stored; remove those rows or ask someone whose scope includes them.",
        "无权操作:文件中有 {count} 个单元超出该账号可修改的范围:{units}。"
        "未保存任何内容;请删除这些行,或请范围包含它们的同事上传。",
    ),
    "approvals.rollback_outside": (
        "Not permitted: batch {batch} wrote figures of units outside what this account may change: {units}.",
        "无权操作:批次 {batch} 写入了超出该账号可修改范围的单元:{units}。",
    ),
    "approvals.rollback_locked": (
        "Batch {batch} changed the baseline of {year}, which is locked (by {by}): rolling it back would change "
        "the baseline without approval. Ask for the change as a request instead (upload a correction with a reason, "
        "or edit the design). Nothing was changed.",
        "批次 {batch} 修改了 {year} 年的基准,该年已锁定(锁定人 {by}):回滚会未经审批改变基准。"
        "请改为提交变更申请(上传更正文件并填写原因,或修改计分卡设计)。未做任何更改。",
    ),
    "approvals.reason_needed": (
        "The baseline of this year is locked: a change needs a reason, for the approver.",
        "该年度基准已锁定:变更须填写原因,供审批人参考。",
    ),
    "approvals.note_needed": (
        "Rejecting a request needs a note saying why.",
        "驳回申请须填写说明原因的备注。",
    ),
    "approvals.already_locked": (
        "The baseline of {year} is locked already (by {by} on {on}); nothing was changed.",
        "{year} 年基准已锁定(由 {by} 于 {on} 锁定);未做任何更改。",
    ),
    "approvals.not_locked": (
        "The baseline of {year} is not locked; nothing was changed.",
        "{year} 年基准未锁定;未做任何更改。",
    ),
    "approvals.no_request": ("There is no request #{request}.", "不存在变更申请 #{request}。"),
    "approvals.already_approved": (
        "Request #{request} was approved already (by {by}); nothing was changed.",
        "变更申请 #{request} 已被批准(审批人 {by});未做任何更改。",
    ),
    "approvals.already_rejected": (
        "Request #{request} was rejected already (by {by}); nothing was changed.",
        "变更申请 #{request} 已被驳回(审批人 {by});未做任何更改。",
    ),
    "approvals.own_request": (
        "{name} made request #{request}: someone else with the approver permission decides it.",
        "变更申请 #{request} 由 {name} 提交:须由其他有审批权限的人审批。",
    ),
    "approvals.not_approver": (
        "Not permitted: {name} does not have the approver permission.",
        "无权操作:{name} 没有审批权限。",
    ),
    "approvals.stale": (
        "Request #{request} was not applied: a value it changes was changed since it was made. "
        "Reject it and ask again. Nothing was changed; it is still pending.",
        "变更申请 #{request} 未执行:其修改的数值在提交后已被改动。请驳回后重新提交。未做任何更改,申请仍待审批。",
    ),
    # the change log's words for requests and locks
    "design.entity.request": ("Change request", "变更申请"),
    "design.entity.baseline": ("Year baseline", "年度基准"),
    "design.field.status": ("Status", "状态"),
    "design.field.locked": ("Locked", "已锁定"),
    "approvals.status.pending": ("pending", "待审批"),
    "approvals.status.approved": ("approved", "已批准"),
    "approvals.status.rejected": ("rejected", "已驳回"),
    "approvals.request_item": ("Request #{request}", "申请 #{request}"),
    # kinds of request
    "approvals.kind.design": ("Scorecard design", "计分卡设计"),
    "approvals.kind.kpi": ("KPI rule", "指标规则"),
    "approvals.kind.targets": ("Targets file", "目标文件"),
    "approvals.kind.assignments": ("Assignments file", "指标分配文件"),
    "approvals.kind.kpis": ("KPI dictionary file", "指标字典文件"),
    # the write pages, when the year is locked
    "approvals.locked_banner": (
        "The {year} baseline is locked (by {by} on {on}): saving sends your change to an approver as a request; "
        "it applies once approved.",
        "{year} 年基准已锁定(由 {by} 于 {on} 锁定):保存后变更将作为申请提交审批,批准后才生效。",
    ),
    "approvals.request_button": ("Send for approval", "提交审批"),
    "approvals.upload_request_button": ("Send {count} rows for approval", "提交 {count} 行待审批"),
    "approvals.upload_reason": ("Reason for the change (required: the year is locked)", "变更原因(必填:该年度已锁定)"),
    "approvals.requested": (
        "Request #{request} sent for approval: nothing changes until an approver approves it. See Change requests.",
        "已提交变更申请 #{request}:在审批人批准前不会生效。请查看“变更申请”页面。",
    ),
    "approvals.recorded_as": ("Recorded as {who}.", "记录为 {who}。"),
    "approvals.read_only": (
        "Read only: this account may not change the KPI dictionary.",
        "只读:该账号不能修改指标字典。",
    ),
    # the requests page
    "approvals.intro": (
        "Changes to a locked year's targets, weights and KPI rules wait here for an approver. "
        "Someone with the approver permission, other than the person who asked, approves or rejects each one; "
        "only an approved change is applied.",
        "对已锁定年度的目标、权重和指标规则的变更在此等待审批。"
        "由有审批权限且非申请人的人批准或驳回;只有批准的变更才会生效。",
    ),
    "approvals.show": ("Show", "显示"),
    "approvals.show.pending": ("Pending", "待审批"),
    "approvals.show.decided": ("Decided", "已处理"),
    "approvals.show.all": ("All", "全部"),
    "approvals.none": ("No requests.", "暂无申请。"),
    "approvals.col.request": ("#", "编号"),
    "approvals.col.year": ("Year", "年度"),
    "approvals.col.unit": ("Unit", "单元"),
    "approvals.col.kind": ("Kind", "类型"),
    "approvals.col.what": ("What changes (before → after)", "变更内容(变更前 → 变更后)"),
    "approvals.col.requested_by": ("Requested by", "申请人"),
    "approvals.col.requested_at": ("Requested", "申请时间"),
    "approvals.col.reason": ("Reason", "原因"),
    "approvals.col.status": ("Status", "状态"),
    "approvals.col.decided_by": ("Decided by", "审批人"),
    "approvals.col.decided_at": ("Decided", "审批时间"),
    "approvals.col.note": ("Note", "审批备注"),
    "approvals.col.item": ("Item", "项目"),
    "approvals.col.field": ("Field", "字段"),
    "approvals.col.before": ("Before", "变更前"),
    "approvals.col.after": ("After", "变更后"),
    "approvals.company_wide": ("(company-wide)", "(全公司)"),
    "approvals.several_units": ("{count} units", "{count} 个单元"),
    "approvals.pick": ("Request", "申请"),
    "approvals.pick_label": ("#{request} · {kind} · {unit} · {who}", "#{request} · {kind} · {unit} · {who}"),
    "approvals.details": ("What request #{request} changes", "申请 #{request} 的变更内容"),
    "approvals.asked": (
        "Asked by {who} on {on}, for {year}. Reason: {reason}",
        "由 {who} 于 {on} 提交,针对 {year} 年。原因:{reason}",
    ),
    "approvals.decided": (
        "{status} by {who} on {on}.",
        "{status}:{who},{on}。",
    ),
    "approvals.note": ("Note (required to reject)", "备注(驳回时必填)"),
    "approvals.approve": ("Approve and apply", "批准并生效"),
    "approvals.reject": ("Reject", "驳回"),
    "approvals.approved_done": (
        "Request #{request} approved and applied; the scores follow.",
        "变更申请 #{request} 已批准并生效;得分已随之更新。",
    ),
    "approvals.approved_batch": (
        "Request #{request} approved and applied as batch {batch}; the scores follow.",
        "变更申请 #{request} 已批准,并作为批次 {batch} 生效;得分已随之更新。",
    ),
    "approvals.rejected_done": (
        "Request #{request} rejected; nothing was changed.",
        "变更申请 #{request} 已驳回;未做任何更改。",
    ),
    "approvals.cannot_decide_own": (
        "You made this request: someone else with the approver permission decides it.",
        "这是您提交的申请:须由其他有审批权限的人审批。",
    ),
    "approvals.cannot_decide": (
        "Only someone with the approver permission decides requests.",
        "只有有审批权限的人可以审批申请。",
    ),
    "approvals.baseline": ("Locked baselines", "年度基准锁定"),
    "approvals.baseline_help": (
        "Locking a year makes every later change to its targets, weights and KPI rules a request for approval.",
        "锁定某年度后,对其目标、权重和指标规则的任何变更都须提交审批。",
    ),
    "approvals.no_locks": ("No year is locked: changes apply directly.", "尚无锁定的年度:变更直接生效。"),
    "approvals.locked_line": ("{year}: locked by {by} on {on}", "{year} 年:由 {by} 于 {on} 锁定"),
    "approvals.lock_year": ("Year", "年度"),
    "approvals.lock_note": ("Note (optional)", "备注(可选)"),
    "approvals.lock": ("Lock the {year} baseline", "锁定 {year} 年基准"),
    "approvals.unlock": ("Unlock {year}", "解锁 {year} 年"),
    "approvals.locked_done": ("The {year} baseline is locked.", "{year} 年基准已锁定。"),
    "approvals.unlocked_done": (
        "The {year} baseline is unlocked: changes apply directly.",
        "{year} 年基准已解锁:变更直接生效。",
    ),
    "approvals.log": ("Change log of requests and locks", "申请与锁定的变更记录"),
    # the CLI
    "approvals.help.baseline": ("lock, unlock or list years' baselines", "锁定、解锁或列出年度基准"),
    "approvals.help.baseline_lock": ("lock a year's baseline (admin)", "锁定某年度基准(管理员)"),
    "approvals.help.baseline_unlock": ("unlock a year's baseline (admin)", "解锁某年度基准(管理员)"),
    "approvals.help.baseline_list": ("the locked years", "已锁定的年度"),
    "approvals.help.year": ("the year, e.g. 2026", "年度,例如 2026"),
    "approvals.help.note": ("a note for the change log", "写入变更记录的备注"),
    "approvals.help.as": (
        "act as this user (recorded in the change log; their permissions apply)",
        "以该用户身份操作(记入变更记录;按其权限执行)",
    ),
    "approvals.help.requests": ("list, approve or reject change requests", "列出、批准或驳回变更申请"),
    "approvals.help.requests_list": ("the change requests", "变更申请列表"),
    "approvals.help.requests_approve": (
        "approve a request and apply it (an approver, not the requester)",
        "批准并执行申请(须为审批人且非申请人)",
    ),
    "approvals.help.requests_reject": ("reject a request (a note is required)", "驳回申请(须填写备注)"),
    "approvals.help.request_id": ("the request's number", "申请编号"),
    "approvals.help.status": ("only requests of this status", "仅列出该状态的申请"),
    "approvals.help.decision_note": ("a note kept with the decision", "随审批结果保存的备注"),
    "approvals.cli.locked": ("The {year} baseline is locked (by {by}).", "{year} 年基准已锁定(锁定人 {by})。"),
    "approvals.cli.unlocked": ("The {year} baseline is unlocked (by {by}).", "{year} 年基准已解锁(操作人 {by})。"),
    "approvals.cli.no_locks": ("No year is locked.", "尚无锁定的年度。"),
    "approvals.cli.no_requests": ("No requests.", "暂无申请。"),
    "approvals.cli.as_needed": (
        "Deciding a request needs --as NAME: the approver, recorded in the change log.",
        "审批申请须指定 --as 用户名:即审批人,将记入变更记录。",
    ),
    "approvals.cli.approved": (
        "Request #{request} approved by {by} and applied.",
        "变更申请 #{request} 已由 {by} 批准并生效。",
    ),
    "approvals.cli.approved_batch": (
        "Request #{request} approved by {by} and applied as batch {batch}.",
        "变更申请 #{request} 已由 {by} 批准,并作为批次 {batch} 生效。",
    ),
    "approvals.cli.rejected": (
        "Request #{request} rejected by {by}; nothing was changed.",
        "变更申请 #{request} 已由 {by} 驳回;未做任何更改。",
    ),
    "approvals.cli.requested": (
        "{file}: it changes the locked {year} baseline, so it was kept as request #{request} for approval.",
        "{file}:该文件修改了已锁定的 {year} 年基准,已作为变更申请 #{request} 提交审批。",
    ),
    "approvals.cli.reason_needed": (
        "{file} changes the locked {year} baseline: give --reason (and --by) to send it as a request for approval. "
        "Nothing was stored.",
        "{file} 修改了已锁定的 {year} 年基准:请提供 --reason(及 --by)以提交审批申请。未保存任何内容。",
    ),
    "approvals.help.load_reason": (
        "why: required when the file changes a locked year's baseline (it then becomes a request)",
        "变更原因:当文件修改已锁定年度的基准时必填(此时作为申请提交)",
    ),
    "approvals.cli.col.year": ("year", "年度"),
    "approvals.cli.col.locked_by": ("locked by", "锁定人"),
    "approvals.cli.col.locked_at": ("locked at", "锁定时间"),
    "approvals.cli.col.note": ("note", "备注"),
}
