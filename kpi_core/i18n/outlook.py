"""Comparisons and outlook (issue 16, item 5): the panel, the unit table, the CLI."""

STRINGS: dict[str, tuple[str, str]] = {
    # why a comparison or forecast is missing
    "outlook.why.no_value": ("No value for {period}.", "{period} 无数据。"),
    "outlook.why.no_previous": ("No value for the previous period.", "上一期无数据。"),
    "outlook.why.no_last_year": ("No value for the same month last year.", "去年同月无数据。"),
    "outlook.why.no_ytd": ("No year-to-date value yet.", "本年尚无累计数据。"),
    "outlook.why.no_last_year_ytd": ("No value for {year} in these months.", "{year} 年同期无数据。"),
    "outlook.why.months_differ": (
        "Not comparable: the two years' year to date count different months.",
        "不可比:两年累计所含月份不同。",
    ),
    "outlook.why.not_sum": (
        "No year-end forecast: this KPI does not add up over the year.",
        "不做年末预测:该指标不按月累加。",
    ),
    "outlook.why.last_year_incomplete": (
        "No seasonal forecast: {year} does not have all 12 months.",
        "无季节性预测:{year} 年数据不满 12 个月。",
    ),
    "outlook.why.last_year_ytd_zero": (
        "No seasonal forecast: {year}'s year to date is zero.",
        "无季节性预测:{year} 年同期累计为零。",
    ),
    "outlook.why.no_annual_target": (
        "No projected completion: not every month of the year has a target.",
        "无预计完成率:全年并非每月都有目标。",
    ),
    "outlook.why.zero_target": (
        "No projected completion: the annual target is zero.",
        "无预计完成率:全年目标为零。",
    ),
    # the panel and the table
    "outlook.title": ("Comparisons", "对比分析"),
    "outlook.unit_title": ("Comparisons and year-end forecast", "对比分析与年末预测"),
    "outlook.this_period": ("This period", "本期"),
    "outlook.previous": ("Previous period", "上期(环比)"),
    "outlook.previous_month": ("Previous month", "上月(环比)"),
    "outlook.previous_quarter": ("Previous quarter", "上季(环比)"),
    "outlook.last_year": ("Same month last year", "去年同月(同比)"),
    "outlook.ytd": ("Year to date", "本年累计"),
    "outlook.ytd_last_year": ("Last year's YTD", "去年同期累计"),
    "outlook.ytd_vs": ("YTD vs last year's YTD", "累计同比"),
    "outlook.forecast": ("Year-end forecast", "年末预测"),
    "outlook.forecast_tag": ("FORECAST", "预测"),
    "outlook.run_rate": ("Run rate", "按当前进度"),
    "outlook.seasonal": ("Last year's seasonality", "按去年季节性"),
    "outlook.annual_target": ("Annual target", "全年目标"),
    "outlook.projected": ("Projected completion", "预计完成率"),
    "outlook.projected_run_rate": ("Projected completion (run rate)", "预计完成率(按当前进度)"),
    "outlook.of_month": ("of {period}", "{period} 数据"),
    "outlook.months_covered": ("{months} months", "{months} 个月"),
    "outlook.better": ("better", "改善"),
    "outlook.worse": ("worse", "变差"),
    "outlook.no_change": ("no change", "持平"),
    "outlook.method.run_rate": (
        "Forecast, not a fact. Run rate: year to date / {months} months covered x 12.",
        "预测值,非实际。按当前进度:本年累计 / 已覆盖 {months} 个月 x 12。",
    ),
    "outlook.method.both": (
        "Forecast, not a fact. Run rate: year to date / {months} months covered x 12; "
        "seasonal: year to date x ({year} full year / {year} same months).",
        "预测值,非实际。按当前进度:本年累计 / 已覆盖 {months} 个月 x 12;"
        "按季节性:本年累计 x({year} 全年 / {year} 同期累计)。",
    ),
    "outlook.figures_in": ("Figures in {unit} · {period}", "单位:{unit} · {period}"),
    "outlook.figures_of": ("{period}", "{period}"),
    "outlook.method.none": (
        "Forecasts are made only for KPIs that add up over the year.",
        "仅对按月累加的指标做年末预测。",
    ),
    "outlook.chart_forecast": ("Forecast (run rate)", "预测(按当前进度)"),
    "outlook.chart_actual": ("Cumulative actual", "累计实际"),
    "outlook.chart_target": ("Cumulative target", "累计目标"),
    "outlook.chart_last_year": ("Last year, cumulative", "去年累计"),
    "outlook.chart_title": ("Year to date and forecast", "本年累计与年末预测"),
    "outlook.none": ("No KPI to compare for this unit and month.", "该单元本月没有可对比的指标。"),
    "outlook.table_hint": (
        "Changes read by each KPI's direction: ▲ better, ▼ worse. Forecasts are estimates for KPIs that add up over the year.",
        "变化按各指标方向判断:▲ 改善,▼ 变差。年末预测仅适用于按月累加的指标,为估算值。",
    ),
    "outlook.table_forecast_note": (
        "Forecasts (≈, in italics) are estimates, not facts: run rate = YTD / months covered x 12; "
        "seasonal = YTD x last year's full year / last year's same months; projected completion uses the run rate.",
        "预测值(≈,斜体)为估算,非实际:当前进度 = 本年累计 / 已覆盖月数 x 12;"
        "季节性 = 本年累计 x 去年全年 / 去年同期累计;预计完成率按当前进度计算。",
    ),
    # the table's columns
    "outlook.col.value": ("This period", "本期"),
    "outlook.col.previous": ("Previous", "上期"),
    "outlook.col.previous_pct": ("vs previous", "环比"),
    "outlook.col.last_year": ("Last year", "去年同月"),
    "outlook.col.last_year_pct": ("YoY", "同比"),
    "outlook.col.ytd": ("YTD", "本年累计"),
    "outlook.col.ytd_last_year": ("LY YTD", "去年同期累计"),
    "outlook.col.ytd_pct": ("YTD YoY", "累计同比"),
    "outlook.col.run_rate": ("Forecast (run rate)", "预测(当前进度)"),
    "outlook.col.seasonal": ("Forecast (seasonal)", "预测(季节性)"),
    "outlook.col.annual_target": ("Annual target", "全年目标"),
    "outlook.col.projected": ("Projected completion", "预计完成率"),
    # the command line
    "outlook.help.command": (
        "Compare a unit's KPIs with the previous period, the same month last year and last year's YTD, "
        "with a year-end forecast for KPIs that add up",
        "将单元各指标与上期、去年同月及去年同期累计对比,并对按月累加的指标做年末预测",
    ),
    "outlook.help.kpi": ("one KPI only", "只看一个指标"),
    "outlook.cli.heading": ("{unit} · {period}: comparisons and outlook", "{unit} · {period}:对比分析与展望"),
    "outlook.cli.forecast_note": (
        "Forecasts (marked *) are estimates, not facts: run rate = YTD / months covered x 12; "
        "seasonal = YTD x last year's full year / last year's same months.",
        "预测值(标 *)为估算,非实际:当前进度 = 本年累计 / 已覆盖月数 x 12;季节性 = 本年累计 x 去年全年 / 去年同期累计。",
    ),
    "outlook.cli.no_kpi": ("{kpi} is not assigned to {unit} in {year}.", "{kpi} 未在 {year} 年分配给 {unit}。"),
}
