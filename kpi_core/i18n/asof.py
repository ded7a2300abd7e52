"""Translations of the "as of a moment" view: the control, the banner, the
messages for a moment that cannot be shown, and the KPI detail's restated months."""

STRINGS: dict[str, tuple[str, str]] = {
    "notice.as_of": (
        "“{value}” is not a date and time such as 2026-11-05T10:00; showing the current figures.",
        "“{value}”不是有效的日期时间(例如 2026-11-05T10:00);已改为显示当前数据。",
    ),
    # the control
    "asof.control": ("As of", "历史时点"),
    "asof.intro": (
        "Show the scorecard exactly as it stood at a moment: values, targets, rules and weights as they were then.",
        "按某一时刻的原样显示计分卡:当时的数值、目标、评分规则和权重。",
    ),
    "asof.date": ("Date", "日期"),
    "asof.time": ("Time", "时间"),
    "asof.apply": ("Show the figures of then", "显示该时刻的数据"),
    "asof.current": ("Back to current figures", "返回当前数据"),
    # the banner
    "asof.banner": ("Figures as they stood on {moment} ({changes} since).", "显示 {moment} 时的数据(此后{changes})。"),
    "asof.banner_unchanged": (
        "Figures as they stood on {moment} (nothing changed since: the same as the current figures).",
        "显示 {moment} 时的数据(此后无变化,与当前数据相同)。",
    ),
    "asof.restated.one": ("1 value restated", " 1 个数值被重述"),
    "asof.restated.other": ("{n} values restated", " {n} 个数值被重述"),
    "asof.edits.one": ("1 rule, weight or target edit", " 1 处规则、权重或目标被修改"),
    "asof.edits.other": ("{n} rule, weight or target edits", " {n} 处规则、权重或目标被修改"),
    "asof.and": (" and ", ","),
    "asof.no_alerts": (
        "Alerts are left out: they concern the current figures.",
        "不显示预警:预警针对的是当前数据。",
    ),
    # a moment that cannot be shown
    "asof.future": (
        "{moment} is in the future; showing the current figures.",
        "{moment} 尚未到来;已改为显示当前数据。",
    ),
    "asof.before_data": (
        "Nothing had been loaded by {moment} (the first upload was on {first}); showing the current figures.",
        "截至 {moment} 尚未导入任何数据(首次导入于 {first});已改为显示当前数据。",
    ),
    "asof.no_period": (
        "No actuals for {period} had been loaded by {moment}. Pick an earlier month or a later moment.",
        "截至 {moment},{period} 的实际值尚未导入。请选择更早的月份或更晚的时刻。",
    ),
    "asof.no_unit": ("{unit} did not exist yet on {moment}.", "{moment} 时 {unit} 尚不存在。"),
    # KPI detail: restated months
    "kd.restated_months": ("Restated months", "重述月份对比"),
    "kd.restated.first": ("As first reported", "首次报送时"),
    "kd.restated.as_of": ("As of {moment}", "截至 {moment}"),
    "kd.restated.current": ("Current", "当前"),
    "kd.restated.month": ("Month", "月份"),
    "kd.restated.figure": ("Figure", "项目"),
    "kd.restated.caption_first": (
        "Each month whose actual or target was restated: its figures just before the first restatement, "
        "and now, each scored with the rules and weights of its time.",
        "实际值或目标被重述过的月份:首次重述之前的数据与当前数据,各按当时的评分规则和权重计分。",
    ),
    "kd.restated.caption_as_of": (
        "Each month whose actual or target was restated after {moment}: its figures then and now, "
        "each scored with the rules and weights of its time.",
        "{moment} 之后实际值或目标被重述过的月份:当时的数据与当前数据,各按当时的评分规则和权重计分。",
    ),
    "kd.restated.none_since": (
        "No value of this KPI has been restated since {moment}.",
        "{moment} 之后该指标没有被重述的数值。",
    ),
}
