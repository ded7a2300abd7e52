"""Translations of the OKR page's form for a new objective with its key
results (issue 18, item 1): labels, messages, and how a refused form names
the field and value of each problem (the reasons are the files' own,
``reason.okr_*`` in :mod:`kpi_core.i18n.okr`)."""

STRINGS: dict[str, tuple[str, str]] = {
    "okr_form.new": ("New objective", "新建目标"),
    "okr_form.intro": (
        "A new objective of {unit} with 2 to 5 key results. A key result is scored by its start and target "
        "(the current value measured between them), or by a progress from 0 to 1. Rows left empty are left out.",
        "为 {unit} 新建一个目标,含 2 到 5 个关键结果。关键结果按起始值和目标值计分(当前值在两者之间的位置),"
        "或按 0 到 1 之间的进度计分。留空的行不会保存。",
    ),
    "okr_form.none": (
        "{unit} has no OKRs yet: create an objective below, or load the objectives and key results files.",
        "{unit} 暂无 OKR:可在下方新建目标,或通过目标文件和关键结果文件导入。",
    ),
    "okr_form.quarter": ("Quarter (YYYYQn)", "季度(YYYYQn)"),
    "okr_form.weight": ("Weight % (optional)", "权重 %(选填)"),
    "okr_form.weight_help": (
        "The objective's share of the quarter's OKR score. Give every objective of the quarter a weight, or none "
        "(then they count equally).",
        "该目标在本季度 OKR 得分中的占比。本季度的目标要么都填权重,要么都不填(不填则平均计算)。",
    ),
    "okr_form.title": ("Objective (English)", "目标(英文)"),
    "okr_form.title_zh": ("Objective (Chinese)", "目标(中文)"),
    "okr_form.count": ("Key results", "关键结果数"),
    "okr_form.kr": ("Key result {n}", "关键结果 {n}"),
    "okr_form.kr.title": ("Key result (English)", "关键结果(英文)"),
    "okr_form.kr.title_zh": ("Key result (Chinese)", "关键结果(中文)"),
    "okr_form.kr.owner": ("Owner", "负责人"),
    "okr_form.kr.owner_placeholder": ("Pick or type a name", "选择或输入姓名"),
    "okr_form.kr.start": ("Start", "起始值"),
    "okr_form.kr.target": ("Target", "目标值"),
    "okr_form.kr.current": ("Current (optional)", "当前值(选填)"),
    "okr_form.kr.progress": ("Or progress 0-1", "或进度 0-1"),
    "okr_form.kr.progress_help": (
        "For a key result that is not a number (e.g. a supplier qualified): its progress from 0 to 1 instead of "
        "start, target and current.",
        "用于无法用数字衡量的关键结果(例如完成供应商认证):填写 0 到 1 之间的进度,代替起始值、目标值和当前值。",
    ),
    "okr_form.kr.confidence": ("Confidence (0-1)", "信心指数(0-1)"),
    "okr_form.save": ("Create objective", "创建目标"),
    # changing a stored objective (its titles and weight)
    "okr_edit.open": ("Edit an objective", "修改目标"),
    "okr_edit.objective": ("Objective", "目标"),
    "okr_edit.save": ("Save objective", "保存目标"),
    "okr_edit.saved": ("Saved {objective} (batch {batch}).", "已保存 {objective}(批次 {batch})。"),
    "okr_edit.refused": (
        "Nothing was stored ({count} problems): correct them and save again.",
        "未保存任何内容(共 {count} 个问题):请修改后重新保存。",
    ),
    "okr_form.saved": (
        "Created {objective} with {count} key results (batches {batches}).",
        "已创建目标 {objective},含 {count} 个关键结果(批次 {batches})。",
    ),
    "okr_form.err.refused": (
        "Nothing was stored ({count} problems): correct them and create the objective again.",
        "未保存任何内容(共 {count} 个问题):请修改后重新创建目标。",
    ),
    "okr_form.err.taken": (
        "{ids} was created a moment ago in another session; nothing of yours was stored. Create it again.",
        "{ids} 刚刚已在另一会话中创建;您的内容未保存。请重新创建。",
    ),
    # where a problem is, and the field (lower case: inside a sentence)
    "okr_form.problem.objective": ("Objective", "目标"),
    "okr_form.problem.kr": ("Key result {n}", "关键结果 {n}"),
    "okr_form.problem.value": ("{where}, {field} “{value}”: {reason}", "{where},{field}“{value}”:{reason}"),
    "okr_form.problem.no_value": ("{where}, {field}: {reason}", "{where},{field}:{reason}"),
    "okr_form.problem.krs": ("Key results: {reason}", "关键结果:{reason}"),
    "okr_form.field.objective_id": ("objective", "目标"),
    "okr_form.field.kr_id": ("key result", "关键结果"),
    "okr_form.field.unit_id": ("unit", "单元"),
    "okr_form.field.quarter": ("quarter", "季度"),
    "okr_form.field.title": ("title (English)", "标题(英文)"),
    "okr_form.field.title_zh": ("title (Chinese)", "标题(中文)"),
    "okr_form.field.weight": ("weight", "权重"),
    "okr_form.field.start": ("start", "起始值"),
    "okr_form.field.target": ("target", "目标值"),
    "okr_form.field.current": ("current", "当前值"),
    "okr_form.field.progress": ("progress", "进度"),
    "okr_form.field.owner": ("owner", "负责人"),
    "okr_form.field.confidence": ("confidence", "信心指数"),
}
