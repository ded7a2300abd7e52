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
}
