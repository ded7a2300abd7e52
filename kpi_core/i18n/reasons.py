"""Translations of the reasons an uploaded file is refused or warned about.

Ingest writes each reason in English (the CLI, the logs and the tests read
it); the pages show it in the chosen language through
:func:`kpi_core.i18n.reason`, which matches the English text against these
templates (``{name}`` stands for a value in the message) and fills the
Chinese one with the same values. A test runs every file of the hostile-file
corpus and fails if any reason it produces has no translation here.
"""

STRINGS: dict[str, tuple[str, str]] = {
    "reason.required_value": ("a value is required", "此处不能为空"),
    "reason.not_number": ("not a finite number", "不是有效的数字"),
    "reason.required_column": ("required column is missing", "缺少必需的列"),
    "reason.change_reason": ("a reason is required to save a change", "保存修改前必须填写原因"),
    "reason.columns_found_comma": (
        "required column is missing; the header row holds {n} column(s): {found} (read as comma-separated)",
        "缺少必需的列;表头行共有 {n} 列:{found}(按逗号分隔读取)",
    ),
    "reason.columns_found_semicolon": (
        "required column is missing; the header row holds {n} column(s): {found} (read as semicolon-separated)",
        "缺少必需的列;表头行共有 {n} 列:{found}(按分号分隔读取)",
    ),
    "reason.columns_found_tab": (
        "required column is missing; the header row holds {n} column(s): {found} (read as tab-separated)",
        "缺少必需的列;表头行共有 {n} 列:{found}(按制表符分隔读取)",
    ),
    "reason.columns_found_excel": (
        "required column is missing; the header row holds {n} column(s): {found} (read from an Excel sheet)",
        "缺少必需的列;表头行共有 {n} 列:{found}(从 Excel 工作表读取)",
    ),
    "reason.duplicate_column": ("column appears more than once", "该列重复出现"),
    "reason.unnamed_column": ("column {n} has no name", "第 {n} 列没有列名"),
    "reason.unknown_column": ("unknown column; the {kind} file has: {known}", "未知的列;{kind} 文件的列为:{known}"),
    "reason.fields_extra": (
        "expected {n} fields as in the header, found {m}; extra value {value}",
        "应与表头一致为 {n} 个字段,实际为 {m} 个;多出的值 {value}",
    ),
    "reason.fields": ("expected {n} fields as in the header, found {m}", "应与表头一致为 {n} 个字段,实际为 {m} 个"),
    "reason.header_no_rows": ("the file has a header but no data rows", "文件只有表头,没有数据行"),
    "reason.empty_file": ("the file is empty: a header row is needed", "文件为空:需要表头行"),
    "reason.empty_workbook": ("the workbook is empty: a header row is needed", "工作簿为空:需要表头行"),
    "reason.row1_empty": ("row 1 is empty: the header must be on row 1", "第 1 行为空:表头必须在第 1 行"),
    "reason.encoding": (
        "the file is neither UTF-8 nor GBK/GB18030 text (byte {byte}): save it as CSV UTF-8",
        "文件既不是 UTF-8 也不是 GBK/GB18030 文本(第 {byte} 字节):请另存为 CSV UTF-8",
    ),
    "reason.nul": (
        "contains a NUL byte (a binary or UTF-16 file?): save it as CSV UTF-8",
        "含有 NUL 字节(二进制或 UTF-16 文件?):请另存为 CSV UTF-8",
    ),
    "reason.utf16": (
        "UTF-16 text without a byte-order mark (NUL bytes): save it as CSV UTF-8",
        "没有字节顺序标记的 UTF-16 文本(含 NUL 字节):请另存为 CSV UTF-8",
    ),
    "reason.delimiter": (
        "cannot tell whether the file is {names}-separated",
        "无法判断文件的分隔符({names})",
    ),
    "reason.percent_measure": (
        "KPI {kpi} is measured in '{measure}': a percentage is ambiguous here, write the number",
        "指标 {kpi} 以“{measure}”计量:此处的百分数有歧义,请填写数值",
    ),
    "reason.control": ("contains a control character", "含有控制字符"),
    "reason.line_break": (
        'holds a line break: is a quote (") left open earlier on this row?',
        '含有换行:本行前面是否有未闭合的引号(")?',
    ),
    "reason.too_long": ("longer than {limit} characters ({length})", "超过 {limit} 个字符({length})"),
    "reason.formula": (
        "looks like a spreadsheet formula (starts with = + - or @): refused so no spreadsheet runs it later",
        "看起来是电子表格公式(以 = + - 或 @ 开头):为防止日后被表格软件执行而拒绝",
    ),
    "reason.formula_cell": ("a formula, not a value: paste the values", "这是公式而不是数值:请粘贴为数值"),
    "reason.merged": ("merged cells: unmerge them and fill every cell", "存在合并单元格:请取消合并并填满每个单元格"),
    "reason.sheets": (
        "the workbook has {n} sheets with data ({titles}): keep one, or name one '{kind}'",
        "工作簿有 {n} 个含数据的工作表({titles}):只保留一个,或将其中一个命名为“{kind}”",
    ),
    "reason.xls": (
        "an old Excel .xls workbook: save it as .xlsx or as CSV UTF-8",
        "旧版 Excel .xls 工作簿:请另存为 .xlsx 或 CSV UTF-8",
    ),
    "reason.xlsx_unreadable": (
        "not a readable .xlsx workbook ({error}): save it again as .xlsx or CSV UTF-8",
        "不是可读取的 .xlsx 工作簿({error}):请重新另存为 .xlsx 或 CSV UTF-8",
    ),
    "reason.csv_unreadable": ("the CSV cannot be read here: {error}", "无法读取该 CSV:{error}"),
    "reason.too_big": (
        "the file is {size}; the limit is {limit}: split it (e.g. one month per file)",
        "文件大小为 {size},上限为 {limit}:请拆分(例如每月一个文件)",
    ),
    "reason.decimal_comma": (
        "a decimal comma is not accepted: write 1234.5 (a point, no thousands separator)",
        "不接受小数逗号:请写作 1234.5(小数点,不用千分位)",
    ),
    "reason.ambiguous_comma": (
        "ambiguous in a semicolon-separated file: decimal comma or thousands? write 1234 or 1.234",
        "在分号分隔的文件中有歧义:是小数逗号还是千分位?请写作 1234 或 1.234",
    ),
    "reason.comma_thousands": (
        "not a number: a comma is read only as a thousands separator, as in 1,234.5",
        "不是数字:逗号只作千分位使用,例如 1,234.5",
    ),
    "reason.percent_here": ("a percentage is not accepted here", "此处不接受百分数"),
    "reason.percent_column": ("a percentage is not accepted in this column", "该列不接受百分数"),
    "reason.percent_kpi": ("a percentage needs a known KPI to be read", "百分数需要已知的指标才能解读"),
    "reason.mid_month": ("a date inside a month: write the month as YYYY-MM", "这是月中的日期:请按 YYYY-MM 填写月份"),
    "reason.not_month": ("not a real month", "不是有效的月份"),
    "reason.period_format": (
        "period is a month, written 2026-03, 2026/03, 202603, 2026年3月 "
        "or as an Excel date on the first or last day of the month",
        "期间应为月份,写作 2026-03、2026/03、202603、2026年3月,或填写当月第一天或最后一天的 Excel 日期",
    ),
    "reason.future": (
        "an actual cannot be for a future month (today is {today})",
        "实际值不能属于未来月份(今天是 {today})",
    ),
    "reason.duplicate_key": (
        "duplicate key ({key}) already given on an earlier row",
        "重复的键({key}):前面的行已经出现过",
    ),
    "reason.one_of": ("must be one of {allowed}", "必须是以下之一:{allowed}"),
    "reason.unknown_unit": (
        "unknown unit: load it in the units file first",
        "未知的单元:请先在组织单元(units)文件中载入",
    ),
    "reason.unknown_kpi": ("unknown KPI: load it in the kpis file first", "未知的指标:请先在指标字典(kpis)文件中载入"),
    "reason.not_assigned": ("this KPI is not assigned to this unit in that year", "该年度未将此指标分配给该单元"),
    "reason.company_parent": ("the company has no parent", "公司没有上级单元"),
    "reason.needs_parent": ("every unit but the company needs a parent", "除公司外,每个单元都需要上级单元"),
    "reason.unknown_parent": ("unknown parent unit", "未知的上级单元"),
    "reason.person_parent": ("a person cannot be a parent", "个人不能作为上级单元"),
    "reason.one_company": ("only one company is allowed; found {found}", "只允许一个公司;发现:{found}"),
    "reason.loop": ("the parent chain loops back to this unit", "上级链条循环回到了本单元"),
    "reason.band_needs": (
        "a band KPI needs band_low, band_high and band_penalty",
        "区间指标需要 band_low、band_high 和 band_penalty",
    ),
    "reason.band_order": ("band_high must not be below band_low", "band_high 不能低于 band_low"),
    "reason.penalty": ("the penalty cannot be negative", "扣分不能为负"),
    "reason.cap_floor": ("the cap must be above the floor", "上限必须高于下限"),
    "reason.thresholds": ("amber_at must not be above green_at", "amber_at 不能高于 green_at"),
    "reason.blend": ("blend is a share from 0 to 1", "blend 是 0 到 1 之间的比例"),
    "reason.tiers": (
        "tiers are written like 0.9:0.7;1.0:0.9 (below completion : share of points)",
        "分级写法如 0.9:0.7;1.0:0.9(低于该完成率 : 得分比例)",
    ),
    "reason.weight": ("weight is a percent above 0 and at most 100", "权重是大于 0 且不超过 100 的百分数"),
    "reason.year": ("year is a four-digit year", "年份应为四位数"),
    "reason.weights_sum": (
        "the weights of {unit}'s {year} scorecard add up to {total}, not 100",
        "{unit} {year} 年计分卡的权重合计为 {total},而不是 100",
    ),
    "reason.outlier": (
        "far outside this KPI's history for {unit} ({count} months from {low} to {high}): check the unit of measure",
        "远超出 {unit} 该指标的历史范围({count} 个月,在 {low} 到 {high} 之间):请检查计量单位",
    ),
    "reason.tiers_finite": (
        "tier numbers must be finite (no nan or inf)",
        "分级中的数字必须是有限数(不能是 nan 或 inf)",
    ),
    "reason.rows_limit": (
        "data below row {last}: a file holds at most {rows} rows under its header; split it (e.g. by department)",
        "第 {last} 行以下还有数据:一个文件在表头下最多 {rows} 行;请拆分(例如按部门)",
    ),
    "reason.columns_limit": (
        "data beyond column {letters}: a file has at most {limit} columns",
        "{letters} 列之后还有数据:一个文件最多 {limit} 列",
    ),
    "reason.cells_limit": (
        "more than {limit} cells: split the file (e.g. by department)",
        "单元格超过 {limit} 个:请拆分文件(例如按部门)",
    ),
    "reason.xlsx_records": (
        "the workbook stores more than {limit} rows and cells, empty formatted ones included: "
        "delete the rows and columns below and right of the table, or save it as CSV UTF-8",
        "工作簿存储的行和单元格超过 {limit} 个(含带格式的空单元格):请删除表格下方和右侧的行列,或另存为 CSV UTF-8",
    ),
    "reason.xlsx_unpacked": (
        "the workbook unpacks to {size}; the limit is {limit}: save the table alone as .xlsx or CSV UTF-8",
        "工作簿解压后为 {size},上限为 {limit}:请只把表格另存为 .xlsx 或 CSV UTF-8",
    ),
    "reason.xlsx_part": (
        "the workbook part {part} unpacks to {size}; the limit is {limit}: save the table alone as .xlsx or CSV UTF-8",
        "工作簿中的 {part} 解压后为 {size},上限为 {limit}:请只把表格另存为 .xlsx 或 CSV UTF-8",
    ),
    "reason.mojibake": (
        "read as GBK this has the rare character {char} next to Latin letters: the file may be Latin-1 "
        "(Western European) text; save it as CSV UTF-8",
        "按 GBK 读取时,拉丁字母旁出现了生僻字 {char}:文件可能是 Latin-1(西欧)编码;请另存为 CSV UTF-8",
    ),
    "reason.bidi": (
        "contains the invisible text-direction control {code}, which makes text display as something else",
        "含有不可见的文字方向控制符 {code},会使文字显示成别的样子",
    ),
    "reason.whole_number": ("must be a whole number", "必须是整数"),
    "reason.integer_range": (
        "must be a whole number from {low} to {high}",
        "必须是 {low} 到 {high} 之间的整数",
    ),
    "reason.magnitude": (
        "beyond {limit} in magnitude: no scorecard figure is that large; check the number and its unit of measure",
        "绝对值超过 {limit}:计分卡中没有这么大的数;请检查数字及其计量单位",
    ),
    "reason.person_children": (
        "a person cannot have units below it; it is the parent of {units} ({n} in all)",
        "个人下面不能有单元;它是 {units} 的上级(共 {n} 个)",
    ),
    "reason.too_deep": (
        "this puts {unit} {depth} levels below the company; at most {limit} levels are allowed",
        "这会使 {unit} 位于公司之下第 {depth} 级;最多允许 {limit} 级",
    ),
    "reason.no_targets": (
        "no targets are stored for {period}: {n} actuals of this file cannot be scored until the targets are loaded",
        "{period} 尚未存储目标值:本文件中 {n} 条实际值在载入目标值之前无法评分",
    ),
}
