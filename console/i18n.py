"""UI language: every user-facing string is written in both languages at its call site.

`pick("Comments", "评论")` keeps translations next to the code that uses them (no catalogue
to drift out of date) and works the same in the Qt UI and in Qt-free layers.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh_CN")
_current = "en"


def set_language(lang: str) -> None:
    global _current
    _current = lang if lang in LANGUAGES else "en"


def current_language() -> str:
    return _current


def pick(en: str, zh: str) -> str:
    return zh if _current == "zh_CN" else en
