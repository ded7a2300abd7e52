"""Messages of the store: a write that failed, lost a race, or was refused.

The store raises :class:`kpi_core.store.StoreError` with an English message
and the ``key`` of one of these rows (and its values); pages and the CLI show
it through :func:`kpi_core.i18n.error_text` in the reader's language. None
names a server path, a process or DuckDB's own wording.
"""

STRINGS: dict[str, tuple[str, str]] = {
    "store.failed": (
        "The database refused the write; nothing was stored. ({error})",
        "数据库拒绝了本次写入,未保存任何内容。({error})",
    ),
    "store.unexpected": (
        "Something went wrong; nothing was stored and the error was logged. Reload the page and try again.",
        "出现意外错误;未保存任何内容,错误已记录。请刷新页面后重试。",
    ),
    "store.locked": (
        "The database {file} is in use by another process (for example the running dashboard). "
        "Stop it, or point --db / KPI_DB_PATH at another file.",
        "数据库 {file} 正被另一个程序使用(例如正在运行的仪表板)。请先停止它,或用 --db / KPI_DB_PATH 指向另一个文件。",
    ),
    "store.newer_schema": (
        "The database {file} has schema version {current}; this program knows up to {known}. "
        "Upgrade the program instead of overwriting the file.",
        "数据库 {file} 的结构版本为 {current},本程序最高支持 {known}。请升级程序,不要覆盖该文件。",
    ),
    "store.conflict": (
        "Another upload changed these rows a moment ago; nothing of yours was stored. Try again.",
        "刚才另一次上传修改了这些行;您的内容未保存。请重试。",
    ),
    "store.conflict_batches": (
        "Another upload (batch {batches}) changed these rows a moment ago; nothing of yours was stored. Try again.",
        "刚才另一次上传(批次 {batches})修改了这些行;您的内容未保存。请重试。",
    ),
    "store.not_committed": (
        "The write was not committed; the data is unchanged. Try again.",
        "写入未能提交;数据没有变化。请重试。",
    ),
    "store.no_batch": ("There is no batch {batch}.", "不存在批次 {batch}。"),
    "store.already_rolled_back": (
        "Batch {batch} was already rolled back by batch {by}; nothing more was changed.",
        "批次 {batch} 已被批次 {by} 回滚;本次未做任何更改。",
    ),
    "store.rollback_later": (
        "Batch {batch} cannot be rolled back: later batch(es) {later} changed the same rows. Roll those back first.",
        "无法回滚批次 {batch}:之后的批次 {later} 修改了相同的行。请先回滚它们。",
    ),
    "store.rollback_edited": (
        "Batch {batch} cannot be rolled back: {count} of its values were edited since "
        "(first {unit} {kpi} {period}). Change them back, or upload a correction instead.",
        "无法回滚批次 {batch}:其中 {count} 个数值之后已被修改(首个为 {unit} {kpi} {period})。"
        "请先改回,或改为上传更正文件。",
    ),
    "store.rollback_referenced": (
        "Cannot remove the {kind} {ids} that this batch added: {table} still refer to them.",
        "无法删除本批次新增的 {kind} {ids}:{table} 仍在引用它们。",
    ),
    "store.unassigned_now": (
        "{kpi} is no longer assigned to {unit} in {year} (changed a moment ago); nothing was stored.",
        "{kpi} 在 {year} 年已不再分配给 {unit}(刚被修改);未保存任何内容。",
    ),
    "store.period_closed": (
        "{period} is closed (by {by} on {on}); reopen it before changing its figures. Nothing was stored.",
        "{period} 已关账(由 {by} 于 {on} 关闭);如需修改该月数据,请先重新开启。未保存任何内容。",
    ),
    "store.period_closed_year": (
        "{period} is closed (by {by} on {on}); an assignment of {year} scores every month of that year; "
        "reopen the month first. Nothing was stored.",
        "{period} 已关账(由 {by} 于 {on} 关闭);{year} 年的指标分配影响该年每个月的评分,请先重新开启该月。"
        "未保存任何内容。",
    ),
    "store.period_closed_rule": (
        "{period} is closed (by {by} on {on}); changing how {kpi} scores would change its figures; "
        "reopen the month first. Nothing was stored.",
        "{period} 已关账(由 {by} 于 {on} 关闭);修改 {kpi} 的评分规则会改变该月数据,请先重新开启该月。未保存任何内容。",
    ),
    "store.period_already_closed": (
        "{period} is already closed (by {by} on {on}); nothing was changed.",
        "{period} 已经关账(由 {by} 于 {on} 关闭);本次未做任何更改。",
    ),
    "store.period_not_closed": (
        "{period} is not closed; nothing was changed.",
        "{period} 未关账;本次未做任何更改。",
    ),
}
