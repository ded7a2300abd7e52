"""Messages of the PostgreSQL backend, the ``copy`` and ``backup`` commands."""

STRINGS: dict[str, tuple[str, str]] = {
    "pgstore.unreachable": (
        "Cannot connect to the PostgreSQL database {db}: {reason}",
        "无法连接 PostgreSQL 数据库 {db}:{reason}",
    ),
    "pgstore.busy": (
        "Another write is still running on the database; nothing of yours was stored. Try again in a moment.",
        "数据库上另一项写入仍在进行;您的内容未保存。请稍后重试。",
    ),
    "pgstore.copy_versions": (
        "{source} and {target} have different schema versions; open both with this program first (nothing was copied).",
        "{source} 与 {target} 的结构版本不同;请先用本程序分别打开两者(未复制任何内容)。",
    ),
    "pgstore.copy_not_empty": (
        "{target} is not empty; copy into a new, empty database. Nothing was changed.",
        "{target} 不是空数据库;请复制到一个新的空数据库。未做任何更改。",
    ),
    "pgstore.backup_pg": (
        "backup copies a DuckDB file; back up a PostgreSQL database with pg_dump (docs/deploy.md).",
        "backup 用于复制 DuckDB 文件;PostgreSQL 数据库请用 pg_dump 备份(见 docs/deploy.md)。",
    ),
    "pgstore.backup_exists": (
        "{file} exists already; choose a new file name. Nothing was written.",
        "{file} 已存在;请换一个新文件名。未写入任何内容。",
    ),
    "pgstore.backup_locked": (
        "The database {file} is held by another process (the running dashboard). DuckDB lets no other process "
        "read it while that one runs, and a copy of the file would miss the recent writes kept beside it in "
        "{file}.wal. Stop the dashboard, run `python -m kpi_core --db {file} backup NEW_FILE` (a few seconds), "
        "then start it again; or run the dashboard on PostgreSQL and back it up with pg_dump while it serves "
        "(docs/deploy.md).",
        "数据库 {file} 正被另一个程序(运行中的仪表板)占用。DuckDB 不允许其他程序在此期间读取它,而直接复制文件会漏掉"
        "保存在旁边 {file}.wal 中的最近写入。请先停止仪表板,运行 `python -m kpi_core --db {file} backup 新文件名`"
        "(只需几秒),再重新启动;或者将仪表板改用 PostgreSQL,在运行期间用 pg_dump 备份(见 docs/deploy.md)。",
    ),
    "pgstore.copied_table": ("  {table}: {rows} rows", "  {table}:{rows} 行"),
    "pgstore.copied": (
        "Copied {tables} tables, {rows} rows, from {source} to {target}.",
        "已从 {source} 复制 {tables} 张表、{rows} 行到 {target}。",
    ),
    "pgstore.backed_up": (
        "Backed up {source} to {file}: {tables} tables, {rows} rows (a consistent copy, recent writes included).",
        "已将 {source} 备份到 {file}:{tables} 张表,{rows} 行(一致的副本,包含最近的写入)。",
    ),
    "cli.help.copy": (
        "copy a whole database between a DuckDB file and PostgreSQL (either way) into an empty target",
        "在 DuckDB 文件与 PostgreSQL 之间(任一方向)将整个数据库复制到一个空的目标库",
    ),
    "cli.help.copy_from": (
        "the database to copy: a file or a postgresql:// URL",
        "要复制的数据库:文件或 postgresql:// 地址",
    ),
    "cli.help.copy_to": (
        "the empty database to fill: a new file or a postgresql:// URL",
        "要写入的空数据库:新文件或 postgresql:// 地址",
    ),
    "cli.help.backup": (
        "write a consistent copy of the DuckDB database (--db) to a new file",
        "将 DuckDB 数据库(--db)的一致副本写入一个新文件",
    ),
    "cli.help.backup_file": ("the new file to write", "要写入的新文件"),
}
