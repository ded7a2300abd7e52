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
