"""Translations of the 360 set-up files and the units' attributes file (issue
18, items 3-4): the kinds' names, the reasons a row is refused or warned
about (ingest writes them in English), and the store's refusals inside a batch."""

STRINGS: dict[str, tuple[str, str]] = {
    "filekind.review_cycles": ("360 review cycles", "360 度评估周期"),
    "filekind.review_behaviours": ("360 questionnaire (behaviours)", "360 度评估问卷(行为)"),
    "filekind.review_raters": ("360 raters", "360 度评价人"),
    "filekind.unit_attributes": ("Unit attributes (tenure, location ...)", "单元属性(司龄、工作地点等)"),
    # who may upload or roll them back
    "approvals.may_not.manage_360": (
        "Not permitted: 360 review cycles are set up and rolled back by administrators (HR) only.",
        "无权操作:360 度评估周期仅限管理员(人力资源)设置和回滚。",
    ),
    "approvals.may_not.see_fairness": (
        "Not permitted: people's attributes are uploaded and rolled back by administrators (HR) only.",
        "无权操作:人员属性仅限管理员(人力资源)上传和回滚。",
    ),
    # the files' reasons
    "reason.r360f_period": (
        "period is a year (2026), a half year (2026-H1), a quarter (2026Q3) or a month (2026-03)",
        "期间须为年度(2026)、半年(2026-H1)、季度(2026Q3)或月份(2026-03)",
    ),
    "reason.r360f_closed": (
        "the review cycle is closed: nothing of it can change (its answers are final)",
        "该评估周期已结束:不能再做任何修改(评分已定稿)",
    ),
    "reason.r360f_new_closed": (
        "a new cycle loaded closed can take no questionnaire, raters or answers: load it open, close it when done",
        "新导入的周期若为已结束状态,将无法添加问卷、评价人或评分:请以进行中状态导入,完成后再结束",
    ),
    "reason.r360f_unknown_cycle": (
        "unknown review cycle: load it in the review_cycles file first",
        "未知的评估周期:请先在评估周期文件(review_cycles)中导入",
    ),
    "reason.r360f_closed_setup": (
        "the review cycle is closed: its questionnaire and raters can no longer change",
        "该评估周期已结束:其问卷和评价人不能再修改",
    ),
    "reason.r360f_subject_person": (
        "the person reviewed must be a person, not a department",
        "被评估人必须是人员,而不是部门",
    ),
    "reason.r360f_rater_unit": (
        "a rater is a person, an account or an outside id (a customer), not a department",
        "评价人应为人员、账号或外部编号(客户),而不是部门",
    ),
    "reason.r360f_self": (
        "a self rating is given by the person reviewed: rater_id must equal subject_id",
        "自评由被评估人本人填写:rater_id 必须与 subject_id 相同",
    ),
    "reason.r360f_self_only": (
        "the person reviewed rates themselves in the group self only",
        "被评估人只能以自评(self)身份评价自己",
    ),
    "reason.r360f_answered": (
        "this rater has answered already: the group cannot change (the answers would move to another group)",
        "该评价人已经作答:其评价关系不能再修改(否则其评分会归入另一群体)",
    ),
    "reason.r360f_few": (
        "only {n} rater(s) of this group for this person: their answers stay hidden in the report "
        "until {min} have answered",
        "此人在该评价群体中只有 {n} 位评价人:至少 {min} 人作答前,该群体的评分在报告中不显示",
    ),
    "reason.r360f_no_attribute": (
        "no attribute column: give the columns unit_id, attribute and value, "
        "or unit_id and one column per attribute (tenure, location ...)",
        "没有属性列:请提供 unit_id、attribute 和 value 三列,或 unit_id 加每个属性一列(司龄、工作地点等)",
    ),
    # the store's refusals inside a batch or a rollback (a moment after validation)
    "r360files.closed_now": (
        "Review cycle {cycle} is closed: nothing of it can change (its answers are final); nothing was stored.",
        "评估周期 {cycle} 已结束:不能再做任何修改(评分已定稿);未保存任何内容。",
    ),
    "r360files.answered_now": (
        "Rater {rater} has answered for {subject} in cycle {cycle}: their group cannot change, nor can they be "
        "removed (their answers would move or be lost); nothing was stored.",
        "评价人 {rater} 已在周期 {cycle} 中评价 {subject}:其评价关系不能修改,也不能移除"
        "(否则其评分会被转移或丢失);未保存任何内容。",
    ),
}
