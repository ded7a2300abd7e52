"""Translations of the dashboard's frame: pages, sidebar, notices, shared labels."""

STRINGS: dict[str, tuple[str, str]] = {
    "nav.section.scorecard": ("Scorecard", "计分卡"),
    "nav.section.data": ("Data and design", "数据与设计"),
    "nav.section.people": ("People", "人员与激励"),
    "page.scorecard": ("Scorecard", "计分卡"),
    "page.kpi_detail": ("KPI detail", "指标详情"),
    "page.alerts": ("Alerts", "预警"),
    "page.upload": ("Upload data", "数据上传"),
    "page.dictionary": ("KPI dictionary", "指标字典"),
    "page.design": ("Scorecard design", "计分卡设计"),
    "page.requests": ("Change requests", "变更申请"),
    "page.my_updates": ("My updates", "我的填报"),
    "ui.language": ("Language", "语言"),
    "ui.scores_rebuilding": (
        "Scoring every unit once (this file has no stored scores yet)…",
        "正在为所有单元评分(此文件尚无已存储的评分,仅需一次)…",
    ),
    "ui.scores_rebuilding_year": ("Scoring every unit once: {year} done", "正在为所有单元评分:{year} 年已完成"),
    "ui.period": ("Month", "月份"),
    "ui.view": ("View", "视图"),
    "ui.unit": ("Unit", "当前单元"),
    "ui.find_unit": ("Go to unit", "跳转到单元"),
    "ui.meeting_mode": ("Meeting mode", "会议模式"),
    "ui.meeting_help": (
        "Large type and high contrast for screen-sharing; the sidebar starts collapsed.",
        "大字号、高对比度,适合投屏;侧边栏默认收起。",
    ),
    "ui.share": ("Link", "链接"),
    "ui.copy_link": ("Link to this view (copy with the button)", "本视图链接(点击按钮复制)"),
    "notice.unit": (
        "Unit “{value}” does not exist (any more); showing the company instead.",
        "单元“{value}”不存在(或已删除);已改为显示公司。",
    ),
    "notice.period": (
        "There is no data for period “{value}”; showing the latest month instead.",
        "期间“{value}”没有数据;已改为显示最近月份。",
    ),
    "notice.view": ("Unknown view “{value}”; showing the month.", "未知视图“{value}”;已改为当月。"),
    "notice.kpi": ("KPI “{value}” does not exist; pick one below.", "指标“{value}”不存在;请在下方选择。"),
    "notice.kpi_not_assigned": (
        "{value} ({kpi}) is not on the scorecard of {unit} in {year}; showing {shown} instead.",
        "{value}({kpi})不在 {unit} {year} 年的计分卡上;已改为显示{shown}。",
    ),
    "notice.lang": ("Unknown language “{value}”; showing English.", "未知语言“{value}”;已改为英文。"),
    "ui.failed": (
        "Something went wrong; the error was logged (reference {ref}). Reload the page.",
        "出错了;错误已记录(编号 {ref})。请刷新页面。",
    ),
    "ui.no_data_yet": (
        "No data yet: upload units, KPIs, assignments, targets and actuals.",
        "尚无数据:请上传组织、指标、分配、目标与实际值。",
    ),
    # the KPI detail page's restated values
    "kd.col.figure": ("Figure", "数据类型"),
    "kd.col.old_value": ("Old value", "原值"),
    "kd.col.new_value": ("New value", "新值"),
    "kd.col.uploaded_at": ("Restated on", "重述时间"),
    "kd.col.uploaded_by": ("Restated by", "重述人"),
    "kd.col.file_name": ("File", "文件"),
    "kd.col.batch": ("Batch", "批次"),
}
