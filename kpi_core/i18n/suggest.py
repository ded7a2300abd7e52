"""Translations of the target suggestions (issue 17, item 4): the reasoning
(``suggest.r_*``), the reasons for no suggestion (``suggest.none_*``), the
design page's panel, the chart and the ``suggest`` command."""

STRINGS: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- no suggestion
    "suggest.none_no_history": (
        "No suggestion: this unit has no actual of this KPI from {first} to {last}, the history a suggestion for {year} reads.",
        "无法给出建议:该单位在 {first} 至 {last}({year} 年建议所依据的历史期间)没有该指标的实际值。",
    ),
    "suggest.none_short": (
        "No suggestion: only {n} actual(s) before {year}; at least {min} are needed.",
        "无法给出建议:{year} 年之前仅有 {n} 期实际值,至少需要 {min} 期。",
    ),
    "suggest.unknown_unit": ("There is no unit {unit}.", "不存在单位 {unit}。"),
    "suggest.unknown_kpi": ("There is no KPI {kpi}.", "不存在指标 {kpi}。"),
    "suggest.not_assigned": (
        "{kpi} is not on the {year} scorecard of {unit}: add it in the table above first.",
        "{kpi} 不在 {unit} 的 {year} 年计分卡上:请先在上方表格中添加该指标。",
    ),
    "suggest.nothing_to_accept": ("There is no suggestion to accept.", "没有可采纳的建议。"),
    # ---------------------------------------------------------------- the reasoning
    "suggest.r_history": (
        "History: {n} actuals from {first} to {last} (nothing from {year} on is used).",
        "历史数据:{first} 至 {last} 共 {n} 期实际值({year} 年及以后的数据不参与计算)。",
    ),
    "suggest.r_frequency": (
        "Reported {frequency_word}: targets are suggested for the months a reading is due ({months}), and the history counts readings (a year is one reading per period).",
        "按{frequency_word}报告:仅为应报告的月份({months})建议目标,历史按报告次数计算(一年为每期一次)。",
    ),
    "suggest.r_formula": (
        "Calculated KPI: each month's history is worked out from its formula {formula} over the components' actuals.",
        "计算类指标:每个月的历史值按其公式 {formula} 由各组成指标的实际值计算得出。",
    ),
    "suggest.r_trend": (
        "Recent trend: the latest {n} comparable months ({first} to {last}) came to {recent} against {earlier} in the same months a year before: ×{ratio}.",
        "近期趋势:最近 {n} 个可比月份({first} 至 {last})合计 {recent},上年同期为 {earlier}:×{ratio}。",
    ),
    "suggest.r_trend_limited": (
        "The trend is limited to ×{ratio} (at most a doubling or a halving).",
        "趋势系数限定为 ×{ratio}(最多翻倍或减半)。",
    ),
    "suggest.r_no_trend": (
        "No trend: fewer than {min} recent months can be compared with the same month a year before (or a total is not positive); the trend is taken as ×1.",
        "无趋势:可与上年同月比较的近期月份少于 {min} 个(或合计不为正),趋势按 ×1 计。",
    ),
    "suggest.r_seasonal": (
        "Seasonality: with at least a year of history, each month starts from the same month of {previous} times the trend.",
        "季节性:已有至少一年的历史,每个月以 {previous} 年同月实际值乘以趋势系数为起点。",
    ),
    "suggest.r_not_seasonal": (
        "Less than a year of history ({n} actuals): no seasonality; every month starts from the recent level {level} (the average of the latest 6 months).",
        "历史不足一年({n} 期):不考虑季节性,每个月以近期水平 {level}(最近 6 个月的平均值)为起点。",
    ),
    "suggest.r_two_years": (
        "{n} month(s) had no actual a year before: they start from the same month two years before, times the trend twice.",
        "{n} 个月上年同月无实际值:以两年前同月实际值乘以两次趋势系数为起点。",
    ),
    "suggest.r_level": (
        "{n} month(s) had no actual one or two years before: they start from the recent level {level}.",
        "{n} 个月在一年前和两年前同月均无实际值:以近期水平 {level} 为起点。",
    ),
    "suggest.r_percentiles": (
        "Own history: the latest {n} actuals ran from {p25} (P25) to {p75} (P75), median {p50}; this spread gives the range, scaled to each month's season.",
        "自身历史:最近 {n} 期实际值在 {p25}(P25)至 {p75}(P75)之间,中位数 {p50};区间按此波动幅度给出,并按各月季节性调整。",
    ),
    "suggest.r_siblings": (
        "Sibling units: the median of {n} siblings reporting this KPI, for the same month of {previous} ({months} months).",
        "同级单位:{n} 个报告该指标的同级单位在 {previous} 年同月实际值的中位数(共 {months} 个月)。",
    ),
    "suggest.r_siblings_reference": (
        "Sibling units: the median of {n} siblings for the same month of {previous} is shown for comparison only: a sum depends on the unit's size, so it is not blended in.",
        "同级单位:{n} 个同级单位在 {previous} 年同月实际值的中位数仅供对比:累加类指标取决于单位规模,不计入建议值。",
    ),
    "suggest.r_no_siblings": (
        "Sibling units: fewer than {min} siblings report this KPI, so no sibling median is used.",
        "同级单位:报告该指标的同级单位少于 {min} 个,不使用同级中位数。",
    ),
    "suggest.r_siblings_hidden": (
        "Sibling units: not used, as they are outside what you may see.",
        "同级单位:超出您的查看权限,未使用。",
    ),
    "suggest.r_combine": (
        "Suggested = {w_trend} × (last year × trend) + {w_history} × own median + {w_siblings} × sibling median; the range is the suggestion times the own spread (P25/P50 to P75/P50), widened to hold last year × trend.",
        "建议值 = {w_trend} ×(上年同月 × 趋势)+ {w_history} × 自身中位数 + {w_siblings} × 同级中位数;区间 = 建议值乘以自身波动幅度(P25/P50 至 P75/P50),并扩展至包含“上年同月 × 趋势”。",
    ),
    "suggest.r_combine_own": (
        "Suggested = {w_trend} × (last year × trend) + {w_history} × own median; the range is the suggestion times the own spread (P25/P50 to P75/P50), widened to hold last year × trend.",
        "建议值 = {w_trend} ×(上年同月 × 趋势)+ {w_history} × 自身中位数;区间 = 建议值乘以自身波动幅度(P25/P50 至 P75/P50),并扩展至包含“上年同月 × 趋势”。",
    ),
    "suggest.r_combine_partly": (
        "{n} month(s) have no sibling median: their weight is shared between the other two in proportion.",
        "{n} 个月没有同级中位数:其权重按比例分配给其余两项。",
    ),
    "suggest.r_band": (
        "Band KPI: no floor or ceiling from last year applies.",
        "区间控制类指标:不适用上年实际值的下限或上限。",
    ),
    "suggest.r_floor_none": (
        "No actual last year: the floor or ceiling of last year's actual cannot apply.",
        "上年无实际值:无法应用以上年实际值为界的下限或上限。",
    ),
    "suggest.r_floor_moved": (
        "Floor ({direction_word}): the year's target ({accumulation_word}, over the {months} months last year has) may not fall below last year's actual {limit}; the suggestion came to {before} and was raised to it.",
        "下限({direction_word}):全年目标({accumulation_word},按上年有数据的 {months} 个月计)不得低于上年实际值 {limit};建议值原为 {before},已上调至该值。",
    ),
    "suggest.r_floor_kept": (
        "Floor ({direction_word}): the year's target ({accumulation_word}, over the {months} months last year has) is no lower than last year's actual {limit}.",
        "下限({direction_word}):全年目标({accumulation_word},按上年有数据的 {months} 个月计)不低于上年实际值 {limit}。",
    ),
    "suggest.r_ceiling_moved": (
        "Ceiling ({direction_word}): the year's target ({accumulation_word}, over the {months} months last year has) may not rise above last year's actual {limit}; the suggestion came to {before} and was lowered to it.",
        "上限({direction_word}):全年目标({accumulation_word},按上年有数据的 {months} 个月计)不得高于上年实际值 {limit};建议值原为 {before},已下调至该值。",
    ),
    "suggest.r_ceiling_kept": (
        "Ceiling ({direction_word}): the year's target ({accumulation_word}, over the {months} months last year has) is no higher than last year's actual {limit}.",
        "上限({direction_word}):全年目标({accumulation_word},按上年有数据的 {months} 个月计)不高于上年实际值 {limit}。",
    ),
    "suggest.r_year": (
        "The year ({accumulation_word}): suggested {point}, range {low} to {high}; {previous} actual {last_year}.",
        "全年({accumulation_word}):建议 {point},区间 {low} 至 {high};{previous} 年实际 {last_year}。",
    ),
    # ---------------------------------------------------------------- the panel
    "suggest.title": ("Suggested targets from history", "基于历史的目标建议"),
    "suggest.caption": (
        "For one KPI of {unit} in {year}: each month's suggested target with a range, from the actuals before {year}. Nothing is written until you accept.",
        "针对 {unit} {year} 年的一项指标:根据 {year} 年之前的实际值,给出每月的建议目标及区间。采纳之前不会写入任何内容。",
    ),
    "suggest.kpi": ("KPI", "指标"),
    "suggest.no_kpis": ("Add a KPI to the scorecard to get a suggestion.", "请先在计分卡中添加指标,才能获得建议。"),
    "suggest.col.month": ("Month", "月份"),
    "suggest.col.low": ("Low", "下限"),
    "suggest.col.point": ("Suggested", "建议值"),
    "suggest.col.high": ("High", "上限"),
    "suggest.col.last_year": ("Last year", "上年同月"),
    "suggest.col.current": ("Current target", "当前目标"),
    "suggest.col.actual": ("Actual", "实际值"),
    "suggest.col.written": ("Accept writes", "采纳时写入"),
    "suggest.year_row": ("Year", "全年"),
    "suggest.reasoning": ("How it was worked out", "计算依据"),
    "suggest.include_measured": (
        "Also replace the targets of months that already have an actual (their scores change)",
        "同时替换已有实际值月份的目标(这些月份的得分将随之改变)",
    ),
    "suggest.reason_label": ("Reason for the change log", "变更原因(记入变更日志)"),
    "suggest.default_reason": ("Targets suggested from history", "根据历史数据建议的目标"),
    "suggest.accept": ("Accept: write these targets", "采纳:写入这些目标"),
    "suggest.accept_locked": ("Accept: send for approval", "采纳:提交审批"),
    "suggest.accept_unsaved": (
        "The table above has unsaved edits: save them (or reload the page) before accepting a suggestion.",
        "上方表格有未保存的修改:请先保存(或刷新页面)再采纳建议。",
    ),
    "suggest.accept_none": (
        "Every month of {year} already has an actual: tick the box to replace those targets.",
        "{year} 年各月均已有实际值:如需替换这些目标,请勾选上方选项。",
    ),
    "suggest.accept_months": (
        "Accepting writes {n} month(s): {first} to {last}.",
        "采纳将写入 {n} 个月:{first} 至 {last}。",
    ),
    "suggest.accepted": (
        "Written: {n} monthly target(s) of {kpi} for {unit} ({first} to {last}), in the change log as {who}.",
        "已写入:{unit} 的 {kpi} 共 {n} 个月目标({first} 至 {last}),以 {who} 的名义记入变更日志。",
    ),
    "suggest.accepted_nothing": (
        "Nothing to write: the targets already equal the suggestion.",
        "无需写入:当前目标已与建议值相同。",
    ),
    "suggest.requested": (
        "The {year} baseline is locked: your targets were sent for approval as request #{request}; nothing changes until an approver approves it.",
        "{year} 年基线已锁定:您的目标已作为第 {request} 号变更申请提交审批;审批通过前不会有任何改变。",
    ),
    "suggest.read_only": (
        "You may see this suggestion but not change this unit's targets.",
        "您可以查看此建议,但无权修改该单位的目标。",
    ),
    # ---------------------------------------------------------------- the chart
    "suggest.chart_title": ("{kpi}: history and the suggested range for {year}", "{kpi}:历史与 {year} 年建议区间"),
    "suggest.series.actual": ("Actual", "实际值"),
    "suggest.series.this_year": ("Actual {year} (not used)", "{year} 年实际(未参与计算)"),
    "suggest.series.range": ("Suggested range", "建议区间"),
    "suggest.series.point": ("Suggested target", "建议目标"),
    "suggest.series.target": ("Current target", "当前目标"),
    # ---------------------------------------------------------------- the command line
    "suggest.help.suggest": (
        "suggest monthly targets of a unit's KPI for a year, with a range, from history",
        "根据历史数据为某单位的某项指标建议某年的月度目标及区间",
    ),
    "suggest.help.unit": ("the unit's id", "单位编号"),
    "suggest.help.kpi": ("the KPI's id", "指标编号"),
    "suggest.help.year": ("the year of the targets (history before it is used)", "目标所属年份(使用该年之前的历史)"),
    "suggest.cli.title": ("{unit} · {kpi} · suggested targets for {year}", "{unit} · {kpi} · {year} 年建议目标"),
}
