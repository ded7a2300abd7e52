"""The translation table: every label, status word, message and chart title in
English and Simplified Chinese.

One table, kept in one place for the dashboard, the CLI and the alert texts.
Its rows are written in one module per area of the product (``core``,
``scorecard``, ``upload`` ...), each defining ``STRINGS = {key: (english,
chinese)}``; they are merged here, and a key defined twice is an error. The
tests fail when a key lacks either language.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

LANGUAGES: tuple[str, ...] = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}


def _load() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in module.STRINGS.items():
            if key in table:
                raise ValueError(f"translation key {key!r} is defined twice (again in {info.name})")
            table[key] = texts
    return table


TABLE: dict[str, tuple[str, str]] = _load()


def t(key: str, lang: str = "en", /, **params: object) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled in.

    >>> t("status.red", "en"), t("status.red", "zh")
    ('off track', '未达标')
    >>> t("msg.no_such_key", "en")
    'msg.no_such_key'
    """
    texts = TABLE.get(key)
    if texts is None:
        return key
    text = texts[1] if lang == "zh" else texts[0]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in TABLE


def _reason_patterns() -> list[tuple[re.Pattern[str], str]]:
    """English reason templates as patterns, most specific (longest) first."""
    out = []
    for key, (en, zh) in TABLE.items():
        if key.startswith("reason."):
            literal = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.*?)", re.escape(en))
            out.append((re.compile(f"^{literal}$", re.S), zh, len(re.sub(r"\{\w+\}", "", en))))
    return [(pattern, zh) for pattern, zh, _ in sorted(out, key=lambda p: -p[2])]


_REASONS = _reason_patterns()


def reason(text: str, lang: str) -> str:
    """An ingest reason (written in English) in ``lang``; unchanged when no
    template of ``reason.*`` matches it.

    >>> reason("not a finite number", "zh")
    '不是有效的数字'
    >>> reason("expected 4 fields as in the header, found 5", "zh")
    '应与表头一致为 4 个字段,实际为 5 个'
    """
    if lang != "zh":
        return text
    for pattern, zh in _REASONS:
        found = pattern.match(text)
        if found:
            return zh.format(**found.groupdict())
    return text


def error_text(exc: BaseException, lang: str) -> str:
    """What to tell a person about a failed store operation, in ``lang``.

    A :class:`kpi_core.store.StoreError` names its message's key and values;
    anything else (a bug) gets the generic sentence, never its own text, which
    may carry server paths or the database's wording.

    >>> class Conflict(Exception):
    ...     key, params = "store.conflict_batches", {"batches": "7"}
    >>> error_text(Conflict(), "en")
    'Another upload (batch 7) changed these rows a moment ago; nothing of yours was stored. Try again.'
    >>> error_text(KeyError("/srv/app/x.py"), "zh")
    '出现意外错误;未保存任何内容,错误已记录。请刷新页面后重试。'
    """
    key = getattr(exc, "key", None)
    if isinstance(key, str) and key in TABLE:
        return t(key, lang, **getattr(exc, "params", {}))
    return t("store.unexpected", lang)
