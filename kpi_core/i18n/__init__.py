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
import string

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
    if lang != "zh":
        return texts[0].format(**params) if params else texts[0]
    return _format_zh(texts[1], params) if params else texts[1]


#: Chinese characters and full-width punctuation: no space is set between two of them.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_FORMATTER = string.Formatter()


def _format_zh(template: str, params: dict[str, object]) -> str:
    """A Chinese template filled in. Its templates set a space on each side of
    a placeholder (a name may be Latin: "返回 {unit} 的计分卡" gives "返回 Sales
    的计分卡"); where both the text and the value meet as Chinese, the space
    goes, as Chinese typesetting has none between characters: "返回客户服务部的计分卡".
    Spaces inside a value (a name, a comment) are never touched.

    >>> t("kd.back", "zh", unit="客户服务部"), t("kd.back", "zh", unit="Sales")
    ('返回客户服务部的计分卡', '返回 Sales 的计分卡')
    """
    out: list[str] = []
    glue_next = False  # the last value ended in Chinese: a leading space of the next literal may go
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        if glue_next and literal.startswith(" ") and _CJK.match(literal[1:2]):
            literal = literal[1:]
        glue_next = False
        if field is None:
            out.append(literal)
            continue
        value = _FORMATTER.format_field(
            _FORMATTER.convert_field(_FORMATTER.get_field(field, (), params)[0], conversion), spec or ""
        )
        if literal.endswith(" ") and _CJK.match(literal[-2:-1]) and _CJK.match(value[:1]):
            literal = literal[:-1]
        out.append(literal + value)
        glue_next = bool(value) and _CJK.match(value[-1]) is not None
    return "".join(out)


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
